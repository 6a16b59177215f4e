/* SPDX-License-Identifier: Apache-2.0 */
/*
 * An extension with no EXPORT_SYMBOL and no Zephyr header: hello_world is found by
 * `llext call_fn` because the sample sets CONFIG_LLEXT_IMPORT_ALL_GLOBALS.
 */
extern void printk(const char *fmt, ...);

static const int number = 42;

void hello_world(void)
{
	printk("hello world\n");
	printk("A number is %d\n", number);
}
