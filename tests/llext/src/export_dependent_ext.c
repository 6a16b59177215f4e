/* SPDX-License-Identifier: Apache-2.0 */
/* Imports dep_multiply from another extension loaded earlier. */
#include <stdint.h>
#include <zephyr/llext/symbol.h>
#include <zephyr/sys/util.h>
#include <zephyr/ztest_assert.h>

extern long dep_multiply(int a, int b);

void test_entry(void)
{
	/* operands derived from our own load address, so nothing is folded */
	uintptr_t self = (uintptr_t)test_entry;
	int a = (int)(self & 0x7fff);
	int b = (int)((self >> 16) & 0x7fff);

	zassert_equal(dep_multiply(a, b), (long)a * b);
}
EXPORT_SYMBOL(test_entry);
