/*
 * Only a global `number` (== 42) at offset 0 of .data, for section lookup
 * tests (Zephyr's find_section_ext). test_entry() returns number.
 */
#include "base.h"
#include <zephyr/llext/symbol.h>

int number = 42;
EXPORT_SYMBOL(number);

int test_entry(void)
{
	return number;
}
EXPORT_SYMBOL(test_entry);
