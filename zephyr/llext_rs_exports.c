/*
 * llext-rs default export set, as Zephyr 4.3's LLEXT: the libc string functions, the
 * implementation of every system call, and the 64-bit cycle counter that Zephyr's
 * drivers/timer/export.c exports only under CONFIG_LLEXT (printk and other kernel
 * symbols are exported with EXPORT_SYMBOL where Zephyr defines them, since our
 * symbol.h is the one Zephyr's sources include).
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#include <string.h>
#include <zephyr/toolchain.h>
#include <zephyr/drivers/timer/system_timer.h>
#include <zephyr/llext/symbol.h>

#ifdef CONFIG_TIMER_HAS_64BIT_CYCLE_COUNTER
EXPORT_SYMBOL(sys_clock_cycle_get_64);
#endif

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
 * The list Zephyr's gen_syscalls.py writes for LLEXT. Its references are strong, so
 * the implementations are linked in; those the image lacks resolve to the weak
 * definitions at address 0 (llext_rs_syscall_weakdefs, linked last) and are
 * exported as NULL: extensions needing them then fail to load.
 */
#include <zephyr/syscall_exports_llext.c>
#endif
