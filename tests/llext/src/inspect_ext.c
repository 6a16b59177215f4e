/* SPDX-License-Identifier: Apache-2.0 */
/* One exported symbol per region, for the inspection API test. */
#include <zephyr/llext/symbol.h>
#include <zephyr/toolchain.h>

int in_bss;
int in_data = 1;
const int in_rodata = 2;
const int in_my_rodata Z_GENERIC_SECTION(.my_rodata) = 3;

void in_text(void)
{
}

EXPORT_SYMBOL(in_bss);
EXPORT_SYMBOL(in_data);
EXPORT_SYMBOL(in_rodata);
EXPORT_SYMBOL(in_my_rodata);
EXPORT_SYMBOL(in_text);
