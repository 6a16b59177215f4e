/*
 * Zephyr kernel types Rust shares with C, for bindgen (build.rs, feature userspace):
 * parsed with the Zephyr build's include paths, definitions and Kconfig
 * (cmake/llext_rs_cargo.cmake), so their layout is the board's own.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
/* kernel.h, not app_memory/mem_domain.h alone: the headers expect its include order. */
#include <zephyr/kernel.h>
