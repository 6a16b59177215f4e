/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The module's log level for LOG_MODULE_REGISTER/llext_rs_zephyr_init. Zephyr's log
 * template declares CONFIG_LLEXT_LOG_LEVEL only with CONFIG_LOG; without logging
 * the level is NONE (and LOG_* compile to nothing).
 */
#ifndef LLEXT_RS_LOG_H
#define LLEXT_RS_LOG_H

#include <zephyr/logging/log.h>

#ifdef CONFIG_LLEXT_LOG_LEVEL
#define LLEXT_RS_LOG_LEVEL CONFIG_LLEXT_LOG_LEVEL
#else
#define LLEXT_RS_LOG_LEVEL LOG_LEVEL_NONE
#endif

#endif /* LLEXT_RS_LOG_H */
