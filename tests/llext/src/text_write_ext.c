/* SPDX-License-Identifier: Apache-2.0 */
/* Writes to its own text: run in a user thread, the memory domain llext_add_domain()
 * set up must stop it (text partitions are read-execute).
 */
#include <stdint.h>
#include <zephyr/llext/symbol.h>

volatile int reached;
EXPORT_SYMBOL(reached);

void test_entry(void)
{
	/* clear the Thumb bit to get the address of the instructions */
	volatile uint8_t *text = (volatile uint8_t *)((uintptr_t)&test_entry & ~(uintptr_t)1);
	uint8_t first = *text; /* reading text is allowed */

	reached = 1; /* code ran and its data is writable */
	*text = first; /* must fault */
	reached = 2;
}
EXPORT_SYMBOL(test_entry);
