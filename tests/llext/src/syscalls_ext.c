/* SPDX-License-Identifier: Apache-2.0 */
/* Calls an application-defined system call (resolved via the syscall exports).
 * The header comes first so that syscall stubs precede .rodata in the object.
 */
#include "syscalls_ext.h"
#include <zephyr/llext/symbol.h>
#include <zephyr/sys/printk.h>
#include <zephyr/ztest_assert.h>

void test_entry(void)
{
	int out = ext_syscall_ok(41);

	printk("ext_syscall_ok(41) = %d\n", out);
	zassert_equal(out, 42);
}
EXPORT_SYMBOL(test_entry);
