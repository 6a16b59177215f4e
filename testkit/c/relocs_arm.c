/*
 * ARM (Thumb-2, Cortex-M3) relocation types plain C does not produce, forced
 * with inline assembly. Every check calls or reads through the relocated
 * value, so a wrongly applied relocation gives a wrong result or a fault.
 *
 *   thumb_target(x)      = x * 7 + 1 (the Thumb function everything points at)
 *   via_prel31(x)        R_ARM_PREL31 word (as in .ARM.exidx): thumb_target(x)
 *   via_rel32(x)         R_ARM_REL32 word: thumb_target(x)
 *   via_abs32(x)         R_ARM_ABS32 to a Thumb function (Thumb bit set):
 *                        thumb_target(x)
 *   via_movw_prel(x)     R_ARM_THM_MOVW_PREL_NC / R_ARM_THM_MOVT_PREL:
 *                        thumb_target(x)
 *   via_movw_abs_data()  R_ARM_THM_MOVW_ABS_NC / R_ARM_THM_MOVT_ABS to data:
 *                        returns relocs_data (0x5a5a1234)
 *   tail_base_add(a, b)  R_ARM_THM_JUMP24 tail call (b.w) to the base image:
 *                        base_add(a, b)
 *   thumb_bit_ok()       1 when the ABS32, REL32 and PREL31 values all have
 *                        bit 0 set (Thumb interworking), else 0
 *   test_entry()         via_prel31(1) + via_rel32(2) + via_abs32(3) +
 *                        via_movw_prel(4) + tail_base_add(1000, 5)
 *                        + thumb_bit_ok() * 100000
 *                        = 8 + 15 + 22 + 29 + 1005 + 100000 = 101079
 */
#include "base.h"
#include <zephyr/llext/symbol.h>

typedef int (*int_fn)(int);

const int relocs_data = 0x5a5a1234;

__noinline int thumb_target(int x)
{
	return x * 7 + 1;
}
EXPORT_SYMBOL(thumb_target);

extern const int32_t prel31_word, rel32_word;
extern const uint32_t abs32_word;

__asm__(".pushsection .rodata.relocs, \"a\", %progbits\n"
	".p2align 2\n"
	".global prel31_word\n"
	"prel31_word: .reloc ., R_ARM_PREL31, thumb_target\n"
	".word 0\n"
	".global rel32_word\n"
	"rel32_word: .word thumb_target - .\n"
	".global abs32_word\n"
	"abs32_word: .word thumb_target\n"
	".popsection\n");

static int32_t sign_extend31(uint32_t v)
{
	return (int32_t)(v << 1) >> 1;
}

int via_prel31(int x)
{
	const int32_t *w = LAUNDER(&prel31_word);
	int_fn f = (int_fn)((uintptr_t)w + sign_extend31((uint32_t)*w));

	return f(x);
}
EXPORT_SYMBOL(via_prel31);

int via_rel32(int x)
{
	const int32_t *w = LAUNDER(&rel32_word);
	int_fn f = (int_fn)((uintptr_t)w + *w);

	return f(x);
}
EXPORT_SYMBOL(via_rel32);

int via_abs32(int x)
{
	int_fn f = (int_fn)*LAUNDER(&abs32_word);

	return f(x);
}
EXPORT_SYMBOL(via_abs32);

int via_movw_prel(int x)
{
	int_fn f;

	/* In Thumb state, PC reads as the address of the ADD plus 4. */
	__asm__ volatile("movw %0, #:lower16:(thumb_target - (1f + 4))\n\t"
			 "movt %0, #:upper16:(thumb_target - (1f + 4))\n"
			 "1:\tadd %0, pc"
			 : "=r"(f));
	return f(x);
}
EXPORT_SYMBOL(via_movw_prel);

int via_movw_abs_data(void)
{
	const int *p;

	__asm__ volatile("movw %0, #:lower16:relocs_data\n\t"
			 "movt %0, #:upper16:relocs_data"
			 : "=r"(p));
	return *p;
}
EXPORT_SYMBOL(via_movw_abs_data);

__attribute__((naked)) int tail_base_add(int a, int b)
{
	__asm__ volatile("b.w base_add");
}
EXPORT_SYMBOL(tail_base_add);

int thumb_bit_ok(void)
{
	const int32_t *p = LAUNDER(&prel31_word);
	const int32_t *r = LAUNDER(&rel32_word);
	uintptr_t prel = (uintptr_t)p + sign_extend31((uint32_t)*p);
	uintptr_t rel = (uintptr_t)r + *r;

	return (*LAUNDER(&abs32_word) & 1) && (rel & 1) && (prel & 1);
}
EXPORT_SYMBOL(thumb_bit_ok);

int test_entry(void)
{
	return via_prel31(1) + via_rel32(2) + via_abs32(3) + via_movw_prel(4) +
	       tail_base_add(1000, 5) + thumb_bit_ok() * 100000;
}
EXPORT_SYMBOL(test_entry);
