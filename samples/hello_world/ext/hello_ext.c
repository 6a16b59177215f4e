/* SPDX-License-Identifier: Apache-2.0 */
/* An extension: prints through the base image's printk and returns a value. */
#include <stdint.h>
#include <zephyr/llext/symbol.h>
#include <zephyr/sys/printk.h>

static const uint32_t magic = 42;
static int calls;

int hello_world(int arg)
{
	calls++;
	printk("Hello from an llext-rs extension! arg=%d, call %d\n", arg, calls);
	return (int)magic + arg;
}
EXPORT_SYMBOL(hello_world);
