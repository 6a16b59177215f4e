/* Second half of the multi_file extension (see multi_file_1.c). */
#include "base.h"

int mf_shared_value = 300;

static int counter = 20;

static __noinline int helper(void)
{
	counter += 2;
	return counter;
}

int mf_second(int x)
{
	int b = helper();

	printk("multi 2: %d\n", b);
	return b + x * 2 + mf_shared_value;
}
