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
	/* runs (.bss) starts at 0, value (.data) at 42; each run (kernel, then user
	 * thread under user mode) advances both
	 */
	printk("value: %d, runs: %d\n", value, runs);
	zassert_equal(value, 42 + runs, "bss not zeroed or data not initialised");
	value++;
	printk("greeting: %s\n", greeting);
	zassert_ok(strcmp(greeting, "hello"));
	runs++;
}
EXPORT_SYMBOL(test_entry);
