/*
 * Imports test_dependency() from the export_dependency extension (not from
 * the base image). test_entry() prints "dependency says 30\n" and returns
 * test_dependency(5, 6) + base_add(1, 2) = 33.
 */
#include "base.h"
#include <zephyr/llext/symbol.h>

long test_dependency(int a, int b);

int test_entry(void)
{
	long r = test_dependency(5, 6);

	printk("dependency says %ld\n", r);
	return (int)r + base_add(1, 2);
}
EXPORT_SYMBOL(test_entry);
