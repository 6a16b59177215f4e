/* SPDX-License-Identifier: Apache-2.0 */
/* A function in its own section that the test marks as detached: it stays in
 * the ELF buffer (writable storage) instead of being copied into .text.
 */
#include <stdint.h>
#include <zephyr/llext/symbol.h>
#include <zephyr/sys/printk.h>
#include <zephyr/ztest_assert.h>

Z_GENERIC_SECTION(.detach) void detached_entry(void)
{
	static int down = -3;
	static unsigned int up;

	printk("detached: up %u down %d\n", up++, down++);
	zassert_true(down < 0);
	zassert_true(up < 3);
}
EXPORT_SYMBOL(detached_entry);

void test_entry(void)
{
	detached_entry();
}
EXPORT_SYMBOL(test_entry);
