/* SPDX-License-Identifier: Apache-2.0 */
/* Initialised data, a pointer to a string literal (data relocation) and libc strcmp. */
#include <stdint.h>
#include <string.h>
#include <zephyr/kernel.h>
#include <zephyr/llext/symbol.h>
#include <zephyr/ztest_assert.h>

int value = 42;
const char *greeting = "hello";
int runs;

void test_entry(void)
{
	zassert_equal(runs, 0, "bss not zeroed or run twice: %d", runs);
	printk("value: %d\n", value);
	zassert_equal(value, 42);
	value = 0;
	zassert_equal(value, 0);
	printk("greeting: %s\n", greeting);
	zassert_ok(strcmp(greeting, "hello"));
	runs++;
}
EXPORT_SYMBOL(test_entry);
