/*
 * ELF init/fini arrays (Zephyr's init_fini_ext). Each function shifts
 * `number` left by 4 bits and sets the low nibble: after .preinit_array
 * (two entries) and .init_array run in order, number == 0x123; after
 * .fini_array it is 0x1234.
 *
 * test_entry() returns number.
 */
#include "base.h"
#include <zephyr/llext/symbol.h>

static int number;
EXPORT_SYMBOL(number);

static void preinit_fn_1(void)
{
	number = 1;
}

static void preinit_fn_2(void)
{
	number <<= 4;
	number |= 2;
}

static void init_fn(void)
{
	number <<= 4;
	number |= 3;
}

static void fini_fn(void)
{
	number <<= 4;
	number |= 4;
}

static const void *const preinit_fn_ptrs[] __used Z_GENERIC_SECTION(.preinit_array) = {
	preinit_fn_1,
	preinit_fn_2,
};
static const void *const init_fn_ptrs[] __used Z_GENERIC_SECTION(.init_array) = {
	init_fn,
};
static const void *const fini_fn_ptrs[] __used Z_GENERIC_SECTION(.fini_array) = {
	fini_fn,
};

int test_entry(void)
{
	return number;
}
EXPORT_SYMBOL(test_entry);
