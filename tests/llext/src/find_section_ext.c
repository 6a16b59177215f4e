/* SPDX-License-Identifier: Apache-2.0 */
/* A single .data variable: with writable storage it is used in place, so its
 * address is the .data offset inside the ELF buffer.
 */
#include <zephyr/llext/symbol.h>

int counter = 42;
EXPORT_SYMBOL(counter);

void test_entry(void)
{
}
EXPORT_SYMBOL(test_entry);
