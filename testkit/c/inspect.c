/*
 * Symbols in distinct sections, for the inspection API (Zephyr's
 * inspect_ext): only their addresses and values matter. number_in_bss == 0,
 * number_in_data == 1, number_in_rodata == 2, number_in_my_rodata == 3;
 * function_in_text() returns 4.
 */
#include "base.h"
#include <zephyr/llext/symbol.h>

int number_in_bss;
int number_in_data = 1;
const int number_in_rodata = 2;
const int number_in_my_rodata Z_GENERIC_SECTION(.my_rodata) = 3;

int function_in_text(void)
{
	return 4;
}

EXPORT_SYMBOL(number_in_bss);
EXPORT_SYMBOL(number_in_data);
EXPORT_SYMBOL(number_in_rodata);
EXPORT_SYMBOL(number_in_my_rodata);
EXPORT_SYMBOL(function_in_text);
