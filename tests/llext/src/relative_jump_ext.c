/* SPDX-License-Identifier: Apache-2.0 */
/* Calls between local functions defined out of call order: exercises the
 * PC-relative branch relocations (R_ARM_THM_CALL, R_386_PC32/PLT32).
 */
#include <stdint.h>
#include <zephyr/llext/symbol.h>
#include <zephyr/sys/printk.h>
#include <zephyr/ztest_assert.h>

static int hops;

void jump_c(void);
void jump_b(void);
void jump_a(void);

void jump_c(void)
{
	printk("jump c\n");
	hops = hops * 10 + 3;
}

void jump_a(void)
{
	printk("jump a\n");
	hops = hops * 10 + 1;
	jump_b();
}

void jump_b(void)
{
	printk("jump b\n");
	hops = hops * 10 + 2;
	jump_c();
}

void test_entry(void)
{
	hops = 0;
	jump_a();
	zassert_equal(hops, 123, "relative jumps went wrong: %d", hops);
}
EXPORT_SYMBOL(test_entry);
