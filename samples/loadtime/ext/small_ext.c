/* SPDX-License-Identifier: Apache-2.0 */
/* A small extension: prints through the base image and returns a value. */
#include <stdint.h>
#include <zephyr/llext/symbol.h>
#include <zephyr/sys/printk.h>

static const uint32_t magic = 42;
static int calls;

int small_run(int arg)
{
	calls++;
	if (calls == 1) {
		printk("small extension: arg=%d\n", arg);
	}
	return (int)magic + arg;
}
EXPORT_SYMBOL(small_run);
