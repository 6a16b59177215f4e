/* SPDX-License-Identifier: Apache-2.0 */
/* Application-defined system calls; only ext_syscall_ok has an implementation. */
#ifndef LLEXT_RS_TEST_SYSCALLS_EXT_H
#define LLEXT_RS_TEST_SYSCALLS_EXT_H

#include <zephyr/toolchain.h>

__syscall int ext_syscall_ok(int a);
__syscall void ext_syscall_fail(void);

#include <zephyr/syscalls/syscalls_ext.h>
#endif
