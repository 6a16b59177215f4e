/*
 * The simplest extension: two printk() calls into the base image and a
 * result computed by a base-image function.
 *
 * test_entry() prints "hello world\nA number is 42\n" and returns 42
 * (base_add(40, 2)).
 */
#include "base.h"
#include <zephyr/llext/symbol.h>

static const unsigned int number = 42;

int test_entry(void)
{
	printk("hello world\n");
	printk("A number is %u\n", number);
	return base_add((int)number - 2, 2);
}
EXPORT_SYMBOL(test_entry);
