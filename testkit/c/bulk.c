/*
 * A large extension for stack, time and relocation-volume checks: 120 functions, each
 * bumping its own counter and calling a shared leaf, plus a table of all of them.
 * With -ffunction-sections (Zephyr's LLEXT flags on ARM) that is 120+ text sections
 * and their relocation sections; about 500 relocations on Cortex-M3 (R_ARM_ABS32
 * literal-pool and table entries, R_ARM_THM_CALL calls), the same code in R_386_*
 * form on x86.
 *
 * bulk_run(x) calls every function once: function n returns
 * bulk_leaf(x, n) = x * 3 + n + bulk_weights[n % 8], so the sum over n = 0..119 is
 * 360 * x + 7140 + 15 * 36; bulk_run(1) == 8040. test_entry() stores bulk_run(1) in
 * bulk_result and returns it.
 */
#include <stdint.h>
#include <zephyr/llext/symbol.h>

const uint32_t bulk_weights[8] = {1, 2, 3, 4, 5, 6, 7, 8};
int bulk_counts[120];
int bulk_last;
int bulk_result;

__attribute__((noinline)) int bulk_leaf(int x, int n)
{
	return x * 3 + n + (int)bulk_weights[n % 8];
}

#define BULK_FN(n)                                                                         \
	__attribute__((noinline)) int bulk_fn_##n(int x)                                   \
	{                                                                                  \
		bulk_counts[n]++;                                                          \
		bulk_last = n;                                                             \
		return bulk_leaf(x, n);                                                    \
	}
#define REP10(M, d) M(d##0) M(d##1) M(d##2) M(d##3) M(d##4) M(d##5) M(d##6) M(d##7) M(d##8) M(d##9)
#define REP120(M)                                                                          \
	REP10(M, ) REP10(M, 1) REP10(M, 2) REP10(M, 3) REP10(M, 4) REP10(M, 5) REP10(M, 6)  \
	REP10(M, 7) REP10(M, 8) REP10(M, 9) REP10(M, 10) REP10(M, 11)

/* 0..9 come out as bulk_fn_0 .. bulk_fn_9 (REP10 with an empty prefix). */
REP120(BULK_FN)

#define BULK_REF(n) bulk_fn_##n,
int (*const bulk_table[120])(int) = {REP120(BULK_REF)};

int bulk_run(int x)
{
	int sum = 0;

	for (int i = 0; i < 120; i++) {
		sum += bulk_table[i](x);
	}
	return sum;
}
EXPORT_SYMBOL(bulk_run);

int test_entry(void)
{
	bulk_result = bulk_run(1);
	return bulk_result;
}
EXPORT_SYMBOL(test_entry);
EXPORT_SYMBOL(bulk_result);
