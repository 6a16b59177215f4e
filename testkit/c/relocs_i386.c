/*
 * i386 relocation types forced with assembly, whatever the -fpic setting:
 * GOT-relative loads and calls (R_386_GOT32X, R_386_GOT32), R_386_GOTOFF,
 * R_386_GOTPC, R_386_PLT32, R_386_PC32 and R_386_32. Each function sets up
 * its own GOT pointer (call/pop + GOTPC) so it works in -fno-pic code too.
 *
 *   got32x_call(a, b)  call *base_add@GOT(%ebx)          -> a + b
 *   got32x_load()      movl base_counter@GOT(%ebx), %eax -> base_counter
 *   got32_load()       pushl base_counter@GOT(%ebx)      -> base_counter
 *                      (push is not relaxable: plain R_386_GOT32)
 *   gotoff_load()      leal relocs_local@GOTOFF(%ebx)    -> 0x1111
 *   plt32_call(a, b)   call base_add@PLT                 -> a + b
 *   pc32_call(a, b)    call base_add                     -> a + b
 *   abs32_load()       movl $relocs_local / .long ptr    -> 0x1111 * 2
 *   test_entry()       got32x_call(40, 2) + plt32_call(3, 4) + pc32_call(5, 6)
 *                      + gotoff_load() + abs32_load()
 *                      + (got32x_load() + got32_load()) * 1000
 *                      = 42 + 7 + 11 + 0x1111 + 0x2222 + base_counter * 2000
 *                      = 13167 + base_counter * 2000
 */
#include "base.h"
#include <zephyr/llext/symbol.h>

int got32x_call(int a, int b);
int got32x_load(void);
int got32_load(void);
int gotoff_load(void);
int plt32_call(int a, int b);
int pc32_call(int a, int b);
int abs32_load(void);

__asm__(".pushsection .data.relocs, \"aw\", @progbits\n"
	".p2align 2\n"
	"relocs_local: .long 0x1111\n"
	"relocs_local_ptr: .long relocs_local\n" /* R_386_32 in data */
	".popsection\n"

/* ebx <- _GLOBAL_OFFSET_TABLE_ (R_386_GOTPC); `.` is the addl, 1 byte after 1: */
#define LOAD_GOT "call 1f\n1:\tpopl %ebx\n\taddl $_GLOBAL_OFFSET_TABLE_+(.-1b), %ebx\n"

	".text\n"
	".globl got32x_call\n.type got32x_call, @function\n"
	"got32x_call:\n\t"
	"pushl %ebx\n\t" LOAD_GOT "\t"
	"pushl 12(%esp)\n\t" /* b */
	"pushl 12(%esp)\n\t" /* a */
	"call *base_add@GOT(%ebx)\n\t"
	"addl $8, %esp\n\t"
	"popl %ebx\n\t"
	"ret\n"
	".size got32x_call, .-got32x_call\n"

	".globl got32x_load\n.type got32x_load, @function\n"
	"got32x_load:\n\t"
	"pushl %ebx\n\t" LOAD_GOT "\t"
	"movl base_counter@GOT(%ebx), %eax\n\t"
	"movl (%eax), %eax\n\t"
	"popl %ebx\n\t"
	"ret\n"
	".size got32x_load, .-got32x_load\n"

	".globl got32_load\n.type got32_load, @function\n"
	"got32_load:\n\t"
	"pushl %ebx\n\t" LOAD_GOT "\t"
	"pushl base_counter@GOT(%ebx)\n\t"
	"popl %eax\n\t"
	"movl (%eax), %eax\n\t"
	"popl %ebx\n\t"
	"ret\n"
	".size got32_load, .-got32_load\n"

	".globl gotoff_load\n.type gotoff_load, @function\n"
	"gotoff_load:\n\t"
	"pushl %ebx\n\t" LOAD_GOT "\t"
	"leal relocs_local@GOTOFF(%ebx), %eax\n\t"
	"movl (%eax), %eax\n\t"
	"popl %ebx\n\t"
	"ret\n"
	".size gotoff_load, .-gotoff_load\n"

	".globl plt32_call\n.type plt32_call, @function\n"
	"plt32_call:\n\t"
	"pushl %ebx\n\t" LOAD_GOT "\t" /* the PLT ABI wants %ebx = GOT */
	"pushl 12(%esp)\n\t"
	"pushl 12(%esp)\n\t"
	"call base_add@PLT\n\t"
	"addl $8, %esp\n\t"
	"popl %ebx\n\t"
	"ret\n"
	".size plt32_call, .-plt32_call\n"

	".globl pc32_call\n.type pc32_call, @function\n"
	"pc32_call:\n\t"
	"pushl 8(%esp)\n\t"
	"pushl 8(%esp)\n\t"
	"call base_add\n\t"
	"addl $8, %esp\n\t"
	"ret\n"
	".size pc32_call, .-pc32_call\n"

	".globl abs32_load\n.type abs32_load, @function\n"
	"abs32_load:\n\t"
	"movl $relocs_local, %eax\n\t" /* R_386_32 in text */
	"movl (%eax), %eax\n\t"
	"movl relocs_local_ptr, %ecx\n\t" /* R_386_32 (absolute address operand) */
	"addl (%ecx), %eax\n\t"
	"ret\n"
	".size abs32_load, .-abs32_load\n"
#undef LOAD_GOT
);

EXPORT_SYMBOL(got32x_call);
EXPORT_SYMBOL(got32x_load);
EXPORT_SYMBOL(got32_load);
EXPORT_SYMBOL(gotoff_load);
EXPORT_SYMBOL(plt32_call);
EXPORT_SYMBOL(pc32_call);
EXPORT_SYMBOL(abs32_load);

int test_entry(void)
{
	return got32x_call(40, 2) + plt32_call(3, 4) + pc32_call(5, 6) + gotoff_load() +
	       abs32_load() + (got32x_load() + got32_load()) * 1000;
}
EXPORT_SYMBOL(test_entry);
