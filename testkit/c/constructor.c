/*
 * gcc's own constructor/destructor attributes, as opposed to init_fini.c's
 * hand-written arrays: gcc puts the functions in .text.startup/.text.exit
 * and the array entries in .init_array/.fini_array, on ARM with
 * R_ARM_TARGET1 relocations.
 *
 * test_entry() returns ctor_value: 0 before .init_array runs, 0x55 after
 * (ctor: base_add(ctor_value, 0x55)), 0xaa after .fini_array (dtor doubles
 * it).
 */
#include "base.h"
#include <zephyr/llext/symbol.h>

static int ctor_value;

__attribute__((constructor)) static void ctor(void)
{
	ctor_value = base_add(ctor_value, 0x55);
}

__attribute__((destructor)) static void dtor(void)
{
	ctor_value *= 2;
}

int test_entry(void)
{
	return ctor_value;
}
EXPORT_SYMBOL(test_entry);
