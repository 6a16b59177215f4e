/*
 * x86_64 only: R_X86_64_32 and R_X86_64_32S, which only work when the
 * extension sits in the low 2 GiB (4 GiB for R_X86_64_32) of the address
 * space. Kept apart from relocs_x86_64.c so that fixture loads anywhere.
 *
 *   abs32_load()   movl $relocs_local32, %eax (R_X86_64_32) and
 *                  .long relocs_local32 (R_X86_64_32 in data) -> 0x3333 * 2
 *   abs32s_load()  movq $relocs_local32, %rax (R_X86_64_32S) -> 0x3333
 *   test_entry()   abs32_load() + abs32s_load() = 0x9999 = 39321
 */
#include "base.h"
#include <zephyr/llext/symbol.h>

int abs32_load(void);
int abs32s_load(void);

__asm__(".pushsection .data.relocs, \"aw\", @progbits\n"
	".p2align 2\n"
	"relocs_local32: .long 0x3333\n"
	"relocs_local32_ptr: .long relocs_local32\n"
	".popsection\n"

	".text\n"
	".globl abs32_load\n.type abs32_load, @function\n"
	"abs32_load:\n\t"
	"movl $relocs_local32, %eax\n\t"
	"movl (%rax), %eax\n\t"
	"movl relocs_local32_ptr(%rip), %ecx\n\t"
	"addl (%rcx), %eax\n\t"
	"ret\n"
	".size abs32_load, .-abs32_load\n"

	".globl abs32s_load\n.type abs32s_load, @function\n"
	"abs32s_load:\n\t"
	"movq $relocs_local32, %rax\n\t"
	"movl (%rax), %eax\n\t"
	"ret\n"
	".size abs32s_load, .-abs32s_load\n");

EXPORT_SYMBOL(abs32_load);
EXPORT_SYMBOL(abs32s_load);

int test_entry(void)
{
	return abs32_load() + abs32s_load();
}
EXPORT_SYMBOL(test_entry);
