/* SPDX-License-Identifier: Apache-2.0 */
/* Two objects linked with ld -r: cross-object data and function references. */
#include <stdint.h>
#include <zephyr/kernel.h>
#include <zephyr/llext/symbol.h>
#include <zephyr/ztest_assert.h>

int mine = 0x42;
extern int theirs;
int add_mine(int arg);

void test_entry(void)
{
	printk("mine %d + theirs %d = %d\n", mine, theirs, add_mine(theirs));
	zassert_equal(mine, 0x42);
	zassert_equal(theirs, 0x18);
	zassert_equal(add_mine(theirs), 0x5a);

	int tmp = mine;

	mine = theirs;
	theirs = tmp;
	zassert_equal(mine, 0x18);
	zassert_equal(theirs, 0x42);
	zassert_equal(add_mine(1), 0x19);

	/* restore: under user mode the suite runs this twice */
	theirs = mine;
	mine = tmp;
}
EXPORT_SYMBOL(test_entry);
