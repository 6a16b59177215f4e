/* SPDX-License-Identifier: Apache-2.0 */
/* Loads a function address with a MOVW/MOVT pair (R_ARM_THM_MOVW_ABS_NC /
 * R_ARM_THM_MOVT_ABS) and calls it through a register.
 */
#include <stdint.h>
#include <zephyr/llext/symbol.h>
#include <zephyr/sys/printk.h>
#include <zephyr/ztest_assert.h>

static int reached;

static __used void target_fn(void)
{
	printk("reached through movw/movt\n");
	reached = 1;
}

void test_entry(void)
{
	reached = 0;
	__asm volatile("movw r0, #:lower16:target_fn\n\t"
		       "movt r0, #:upper16:target_fn\n\t"
		       "blx r0" ::: "r0", "r1", "r2", "r3", "r12", "lr", "memory");
	zassert_equal(reached, 1, "movw/movt call failed");
}
EXPORT_SYMBOL(test_entry);
