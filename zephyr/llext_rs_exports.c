/*
 * llext-rs default export set, as Zephyr 4.3's LLEXT: the libc string functions and
 * the implementation of every system call (printk and other kernel symbols are
 * exported with EXPORT_SYMBOL where Zephyr defines them, since our symbol.h is the
 * one Zephyr's sources include).
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#include <string.h>
#include <zephyr/toolchain.h>
#include <zephyr/llext/symbol.h>

#ifdef CONFIG_LLEXT_RS_EXPORT_LIBC
EXPORT_SYMBOL(strcpy);
EXPORT_SYMBOL(strncpy);
EXPORT_SYMBOL(strlen);
EXPORT_SYMBOL(strcmp);
EXPORT_SYMBOL(strncmp);
EXPORT_SYMBOL(memcmp);
EXPORT_SYMBOL(memcpy);
EXPORT_SYMBOL(memset);
#endif

#ifdef CONFIG_LLEXT_RS_EXPORT_SYSCALLS
/*
 * The list Zephyr's gen_syscalls.py writes for LLEXT. Its declarations are made weak:
 * a syscall whose implementation is not in the image is exported as NULL (extensions
 * needing it then fail to load), instead of failing the link.
 */
#define extern extern __weak
#include <zephyr/syscall_exports_llext.c>
#undef extern
#endif
