/* SPDX-License-Identifier: Apache-2.0 */
/* Linked with its text at a fixed address (ld -r -Ttext=0xbada110c, see
 * CMakeLists.txt): loaded with pre_located, the symbol keeps that address.
 * The function is never called.
 */
#include <zephyr/llext/symbol.h>

void test_entry(void)
{
}
EXPORT_SYMBOL(test_entry);
