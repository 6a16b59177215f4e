/*
 * A function in its own executable section ".detach" (Zephyr's
 * detached_fn_ext) using function-local static data and bss.
 *
 * detached_entry() prints "bss %u data %d\n" with the counters before
 * incrementing them and returns bss_cnt * 100 + data_cnt after incrementing;
 * from a fresh load the calls return 1 * 100 + -2 = 98, then 199, then 300
 * (printing "bss 0 data -3", "bss 1 data -2", "bss 2 data -1").
 * test_entry() calls detached_entry() once.
 */
#include "base.h"
#include <zephyr/llext/symbol.h>

Z_GENERIC_SECTION(.detach) int detached_entry(void)
{
	static int data_cnt = -3;
	static unsigned int bss_cnt;

	printk("bss %u data %d\n", bss_cnt, data_cnt);
	bss_cnt++;
	data_cnt++;
	return (int)bss_cnt * 100 + data_cnt;
}
EXPORT_SYMBOL(detached_entry);

int test_entry(void)
{
	return detached_entry();
}
EXPORT_SYMBOL(test_entry);
