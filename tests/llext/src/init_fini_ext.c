/* SPDX-License-Identifier: Apache-2.0 */
/* .preinit_array, .init_array and .fini_array entries. llext_bootstrap() runs
 * preinit then init before test_entry; llext_unload() runs fini. Each step
 * appends one hex digit to `trace`, so the order is checked too.
 */
#include <stdint.h>
#include <zephyr/llext/symbol.h>
#include <zephyr/toolchain.h>
#include <zephyr/ztest_assert.h>

static int trace;
EXPORT_SYMBOL(trace);

static void pre_a(void) { trace = 0xa; }
static void pre_b(void) { trace = (trace << 4) | 0xb; }
static void init_c(void) { trace = (trace << 4) | 0xc; }
static void fini_d(void) { trace = (trace << 4) | 0xd; }

static const void *const pre_ptrs[] __used Z_GENERIC_SECTION(.preinit_array) = {pre_a, pre_b};
static const void *const init_ptrs[] __used Z_GENERIC_SECTION(.init_array) = {init_c};
static const void *const fini_ptrs[] __used Z_GENERIC_SECTION(.fini_array) = {fini_d};

void test_entry(void)
{
	zassert_equal(trace, 0xabc, "trace 0x%x, expected 0xabc", trace);
}
EXPORT_SYMBOL(test_entry);
