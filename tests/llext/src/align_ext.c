/* SPDX-License-Identifier: Apache-2.0 */
/* Constants with alignments from 8 to 512 bytes, both in the shared .rodata and
 * in sections of their own: the loader must honour sh_addralign when it places
 * the regions.
 */
#include <stdint.h>
#include <zephyr/kernel.h>
#include <zephyr/llext/symbol.h>
#include <zephyr/ztest_assert.h>

#define SHARED(n) const int shared_##n __aligned(n) = (n) + 1
#define OWN(n)    Z_GENERIC_SECTION(own_sect_##n) const int own_##n __aligned(n) = (n) + 2

SHARED(8); SHARED(16); SHARED(32); SHARED(64); SHARED(128); SHARED(256); SHARED(512);
OWN(8); OWN(16); OWN(32); OWN(64); OWN(128); OWN(256); OWN(512);

#define CHECK(var, n, v)                                                                   \
	do {                                                                               \
		zassert_equal(var, v, #var " has wrong value");                           \
		zassert_true(IS_ALIGNED(&var, n), #var " at %p not %d-aligned", &var, n); \
	} while (0)

void test_entry(void)
{
	CHECK(shared_8, 8, 9);
	CHECK(shared_16, 16, 17);
	CHECK(shared_32, 32, 33);
	CHECK(shared_64, 64, 65);
	CHECK(shared_128, 128, 129);
	CHECK(shared_256, 256, 257);
	CHECK(shared_512, 512, 513);
	CHECK(own_8, 8, 10);
	CHECK(own_16, 16, 18);
	CHECK(own_32, 32, 34);
	CHECK(own_64, 64, 66);
	CHECK(own_128, 128, 130);
	CHECK(own_256, 256, 258);
	CHECK(own_512, 512, 514);
}
EXPORT_SYMBOL(test_entry);
