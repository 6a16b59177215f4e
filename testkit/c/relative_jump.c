/*
 * Global functions defined out of call order, so calls between them are
 * relocated branches both forwards and backwards (Zephyr's relative_jump_ext).
 *
 * test_entry() prints "enter\n", "relative jump 1\n" ... "relative jump 5\n",
 * "exit\n" and returns 12345 (each step appends its digit to test_var).
 */
#include "base.h"
#include <zephyr/llext/symbol.h>

static int test_var;

__noinline void test_relative_jump_1(void);
__noinline void test_relative_jump_2(void);
__noinline void test_relative_jump_3(void);
__noinline void test_relative_jump_4(void);
__noinline void test_relative_jump_5(void);

__noinline void test_relative_jump_5(void)
{
	printk("relative jump 5\n");
	test_var = test_var * 10 + 5;
}

__noinline void test_relative_jump_4(void)
{
	printk("relative jump 4\n");
	test_var = test_var * 10 + 4;
	test_relative_jump_5();
}

__noinline void test_relative_jump_2(void)
{
	printk("relative jump 2\n");
	test_var = test_var * 10 + 2;
	test_relative_jump_3();
}

__noinline void test_relative_jump_1(void)
{
	printk("relative jump 1\n");
	test_var = test_var * 10 + 1;
	test_relative_jump_2();
}

__noinline void test_relative_jump_3(void)
{
	printk("relative jump 3\n");
	test_var = test_var * 10 + 3;
	test_relative_jump_4();
}

int test_entry(void)
{
	printk("enter\n");
	test_var = 0;
	test_relative_jump_1();
	printk("exit\n");
	return test_var;
}
EXPORT_SYMBOL(test_entry);
