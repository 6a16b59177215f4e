/* SPDX-License-Identifier: Apache-2.0 */
/* Smallest extension: calls printk from the base image and checks a rodata constant. */
#include <stdint.h>
#include <zephyr/llext/symbol.h>
#include <zephyr/sys/printk.h>
#include <zephyr/ztest_assert.h>

static const uint32_t answer = 42;

void test_entry(void)
{
	printk("hello world from llext-rs test\n");
	printk("answer is %u\n", answer);
	zassert_equal(answer, 42);
}
EXPORT_SYMBOL(test_entry);
