/*
 * First half of a two-file extension, combined with `ld -r`. Both files
 * define a static helper() and a static counter with the same names, so a
 * loader that resolves local symbols by name instead of by section gets the
 * wrong one.
 *
 * test_entry() prints "multi 1: 11\nmulti 2: 22\n" and returns
 * helper_1 result 11 + mf_second(7) (= 22 + 7 * 2 + mf_shared_value 300)
 * + mf_shared_value = 11 + 336 + 300 = 647.
 */
#include "base.h"
#include <zephyr/llext/symbol.h>

extern int mf_shared_value;
int mf_second(int x);

static int counter = 10;

static __noinline int helper(void)
{
	counter += 1;
	return counter;
}

int test_entry(void)
{
	int a = helper();

	printk("multi 1: %d\n", a);
	return a + mf_second(7) + mf_shared_value;
}
EXPORT_SYMBOL(test_entry);
