/*
 * Data, bss and rodata access, pointers stored in data, function pointers and
 * jump tables: the relocations a loader needs for ordinary C.
 *
 * Exported functions (expected values: see testkit/src/expect.rs, derived from
 * the C below):
 *   data_rodata_sum()         weighted sum over the string behind greeting_ptr
 *                             (a .data pointer to .rodata) and over str_ptr
 *                             (a .data pointer into a mergeable string section)
 *   data_rw(v)                updates .data and .bss objects, returns a mix
 *   data_fnptr(sel, a, b)     calls through a const table and a .data pointer
 *   data_switch(op, a, b)     a dense switch gcc turns into a jump table
 *   data_goto(op, a)          computed goto: a table of code addresses in data
 *   data_base()               base_counter += 3, returns it
 *   test_entry()              printk("%s|%s|%d\n", ...) then returns a mix
 */
#include "base.h"
#include <zephyr/llext/symbol.h>

static const char greeting[] = "rodata greeting";
const char *greeting_ptr = greeting;
const char *str_ptr = "merge string literal";
static const unsigned short weights[8] = {3, 1, 4, 1, 5, 9, 2, 6};

int data_value = 1000;
int bss_value;
static int bss_array[16];

static __noinline int op_add(int a, int b) { return a + b; }
static __noinline int op_sub(int a, int b) { return a - b; }
static __noinline int op_mul(int a, int b) { return a * b; }
static __noinline int op_xor(int a, int b) { return a ^ b; }

int (*const op_table[4])(int, int) = {op_add, op_sub, op_mul, op_xor};
int (*op_ptr)(int, int) = op_mul;

static int weighted(const char *p)
{
	int s = 0;

	for (int i = 0; p[i] != '\0'; i++) {
		s += p[i] * weights[i & 7];
	}
	return s;
}

int data_rodata_sum(void)
{
	return weighted(greeting_ptr) * 3 + weighted(str_ptr);
}
EXPORT_SYMBOL(data_rodata_sum);

int data_rw(int v)
{
	bss_value += v;
	data_value += bss_value;
	bss_array[v & 15] += v;
	return data_value + bss_array[v & 15];
}
EXPORT_SYMBOL(data_rw);

int data_fnptr(int sel, int a, int b)
{
	return op_table[sel & 3](a, b) * 2 + op_ptr(a, b);
}
EXPORT_SYMBOL(data_fnptr);

int data_switch(int op, int a, int b)
{
	switch (op) {
	case 0: return a + b;
	case 1: return a - b;
	case 2: return a * b;
	case 3: return a ^ b;
	case 4: return a | (b << 4);
	case 5: return (a & b) + 5;
	case 6: return base_add(a, b) * 6;
	case 7: return (a << 3) - b;
	case 8: return op_ptr(a, b) + 8;
	case 9: return (int)((unsigned)a >> (b & 7)) + 9;
	default: return -1;
	}
}
EXPORT_SYMBOL(data_switch);

int data_goto(int op, int a)
{
	static const void *const labels[4] = {&&l0, &&l1, &&l2, &&l3};

	goto *labels[op & 3];
l0:
	return a + 100;
l1:
	return a * 5 + 1;
l2:
	return base_add(a, 2000);
l3:
	return a - 7;
}
EXPORT_SYMBOL(data_goto);

int data_base(void)
{
	base_counter += 3;
	return base_counter;
}
EXPORT_SYMBOL(data_base);

int test_entry(void)
{
	printk("%s|%s|%d\n", greeting_ptr, str_ptr, data_value);
	return data_rodata_sum() + data_fnptr(2, 6, 7);
}
EXPORT_SYMBOL(test_entry);
