/*
 * Objects requiring 8..512-byte alignment, in .rodata and in independent
 * sections (Zephyr's align_ext).
 *
 * test_entry() returns a bitmask: bit k (k = 0..6 for n = 8 << k) is set when
 * common_n has value n / 2 + 1 and is n-aligned; bits 7..13 the same for
 * independent_n. All good: 0x3fff.
 */
#include "base.h"
#include <zephyr/llext/symbol.h>

#define ALIGNED_ENTRY(name, n) const int name##_##n __aligned(n) = n / 2 + 1

ALIGNED_ENTRY(common, 8);
ALIGNED_ENTRY(common, 16);
ALIGNED_ENTRY(common, 32);
ALIGNED_ENTRY(common, 64);
ALIGNED_ENTRY(common, 128);
ALIGNED_ENTRY(common, 256);
ALIGNED_ENTRY(common, 512);

#define ALIGNED_SECT_ENTRY(name, n) Z_GENERIC_SECTION(name##_sect_##n) ALIGNED_ENTRY(name, n)

ALIGNED_SECT_ENTRY(independent, 8);
ALIGNED_SECT_ENTRY(independent, 16);
ALIGNED_SECT_ENTRY(independent, 32);
ALIGNED_SECT_ENTRY(independent, 64);
ALIGNED_SECT_ENTRY(independent, 128);
ALIGNED_SECT_ENTRY(independent, 256);
ALIGNED_SECT_ENTRY(independent, 512);

/* LAUNDER keeps gcc from folding the (known) value and alignment. */
#define CHECK(name, n, bit)                                                               \
	do {                                                                              \
		const int *p = LAUNDER(&name##_##n);                                      \
		if (*p == n / 2 + 1 && ((uintptr_t)p & (n - 1)) == 0) {                   \
			mask |= 1 << (bit);                                               \
		}                                                                         \
	} while (0)

int test_entry(void)
{
	int mask = 0;

	CHECK(common, 8, 0);
	CHECK(common, 16, 1);
	CHECK(common, 32, 2);
	CHECK(common, 64, 3);
	CHECK(common, 128, 4);
	CHECK(common, 256, 5);
	CHECK(common, 512, 6);
	CHECK(independent, 8, 7);
	CHECK(independent, 16, 8);
	CHECK(independent, 32, 9);
	CHECK(independent, 64, 10);
	CHECK(independent, 128, 11);
	CHECK(independent, 256, 12);
	CHECK(independent, 512, 13);
	return mask;
}
EXPORT_SYMBOL(test_entry);
