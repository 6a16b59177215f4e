/*
 * ARM only: MOVW/MOVT pairs, absolute (R_ARM_THM_MOVW_ABS_NC/MOVT_ABS) and
 * PC-relative (R_ARM_THM_MOVW_PREL_NC/MOVT_PREL), to a function and to data.
 *
 *   movw_abs_call(x)   calls test_func(x) through a MOVW/MOVT absolute address:
 *                      test_var = x + 1, returns x * 3 + 1
 *   movw_prel_call(x)  same through a PC-relative MOVW/MOVT pair to the global
 *                      prel_func(), which calls test_func(x). (Against a
 *                      static function in the same section, GAS resolves
 *                      :lower16:(f - .) itself, with no relocation and
 *                      without the Thumb bit.)
 *   movw_abs_data()    reads test_var through a MOVW/MOVT absolute address
 *   test_entry()       prints "test movwmovt\n" and "test_func\n" (twice, from
 *                      test_func), returns
 *                      movw_abs_call(5) + movw_prel_call(7) * 100 + movw_abs_data() * 10000
 *                      = 16 + 2200 + 80000 = 82216
 */
#include "base.h"
#include <zephyr/llext/symbol.h>

static __used int test_var;

static __used __noinline int test_func(int x)
{
	printk("%s\n", __func__);
	test_var = x + 1;
	return x * 3 + 1;
}

__noinline int prel_func(int x)
{
	return test_func(x);
}

int movw_abs_call(int x)
{
	int (*fn)(int);

	__asm__ volatile("movw %0, #:lower16:test_func\n\t"
			 "movt %0, #:upper16:test_func"
			 : "=r"(fn));
	return fn(x);
}
EXPORT_SYMBOL(movw_abs_call);

int movw_prel_call(int x)
{
	int (*fn)(int);

	/* In Thumb state, PC reads as the address of the ADD plus 4. */
	__asm__ volatile("movw %0, #:lower16:(prel_func - (1f + 4))\n\t"
			 "movt %0, #:upper16:(prel_func - (1f + 4))\n"
			 "1:\tadd %0, pc"
			 : "=r"(fn));
	return fn(x);
}
EXPORT_SYMBOL(movw_prel_call);

int movw_abs_data(void)
{
	int *p;

	__asm__ volatile("movw %0, #:lower16:test_var\n\t"
			 "movt %0, #:upper16:test_var"
			 : "=r"(p));
	return *p;
}
EXPORT_SYMBOL(movw_abs_data);

int test_entry(void)
{
	int r;

	test_var = 0;
	printk("test movwmovt\n");
	r = movw_abs_call(5);
	r += movw_prel_call(7) * 100;
	r += movw_abs_data() * 10000;
	return r;
}
EXPORT_SYMBOL(test_entry);
