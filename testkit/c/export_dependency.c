/*
 * Exports a function for another extension (export_dependent) to import.
 * test_dependency(a, b) returns a * b; test_entry() returns
 * test_dependency(6, 7) = 42.
 */
#include "base.h"
#include <zephyr/llext/symbol.h>

__noinline long test_dependency(int a, int b)
{
	return (long)a * b;
}
EXPORT_SYMBOL(test_dependency);

int test_entry(void)
{
	return (int)test_dependency(6, 7);
}
EXPORT_SYMBOL(test_entry);
