/*
 * x86_64 relocation types forced with assembly, whatever the code model:
 * R_X86_64_GOTPCRELX (call/jmp through the GOT), R_X86_64_REX_GOTPCRELX
 * (movq from the GOT), plain R_X86_64_GOTPCREL (a non-relaxable pushq),
 * R_X86_64_PC32, R_X86_64_PLT32 and R_X86_64_64. Nothing here limits where
 * the extension or the base image may sit, except that PC-relative fields
 * need their targets (GOT slots, base functions) within +-2 GiB.
 * (R_X86_64_32/32S live in relocs_abs32.c: they need low addresses.)
 *
 *   gotpcrelx_call(a, b)  call *base_add@GOTPCREL(%rip)   -> a + b
 *   gotpcrelx_jmp(a, b)   jmp *base_add@GOTPCREL(%rip)    -> a + b
 *   rex_gotpcrelx_load()  movq base_counter@GOTPCREL(%rip) -> base_counter
 *   gotpcrel_load()       pushq base_counter@GOTPCREL(%rip) -> base_counter
 *   pc32_load()           movl relocs_local(%rip)         -> 0x2222
 *   plt32_call(a, b)      call base_add@PLT               -> a + b
 *   abs64_load()          movabsq $relocs_local + .quad   -> 0x2222 * 2
 *   test_entry()          gotpcrelx_call(40, 2) + gotpcrelx_jmp(3, 4)
 *                         + plt32_call(5, 6) + pc32_load() + abs64_load()
 *                         + (rex_gotpcrelx_load() + gotpcrel_load()) * 1000
 *                         = 42 + 7 + 11 + 0x2222 + 0x4444 + base_counter * 2000
 *                         = 26274 + base_counter * 2000
 */
#include "base.h"
#include <zephyr/llext/symbol.h>

int gotpcrelx_call(int a, int b);
int gotpcrelx_jmp(int a, int b);
int rex_gotpcrelx_load(void);
int gotpcrel_load(void);
int pc32_load(void);
int plt32_call(int a, int b);
long abs64_load(void);

__asm__(".pushsection .data.relocs, \"aw\", @progbits\n"
	".p2align 3\n"
	"relocs_local: .long 0x2222, 0\n"
	"relocs_local_ptr: .quad relocs_local\n" /* R_X86_64_64 in data */
	".popsection\n"

	".text\n"
	".globl gotpcrelx_call\n.type gotpcrelx_call, @function\n"
	"gotpcrelx_call:\n\t"
	"subq $8, %rsp\n\t" /* keep the callee's stack 16-byte aligned */
	"call *base_add@GOTPCREL(%rip)\n\t"
	"addq $8, %rsp\n\t"
	"ret\n"
	".size gotpcrelx_call, .-gotpcrelx_call\n"

	".globl gotpcrelx_jmp\n.type gotpcrelx_jmp, @function\n"
	"gotpcrelx_jmp:\n\t"
	"jmp *base_add@GOTPCREL(%rip)\n"
	".size gotpcrelx_jmp, .-gotpcrelx_jmp\n"

	".globl rex_gotpcrelx_load\n.type rex_gotpcrelx_load, @function\n"
	"rex_gotpcrelx_load:\n\t"
	"movq base_counter@GOTPCREL(%rip), %rax\n\t"
	"movl (%rax), %eax\n\t"
	"ret\n"
	".size rex_gotpcrelx_load, .-rex_gotpcrelx_load\n"

	".globl gotpcrel_load\n.type gotpcrel_load, @function\n"
	"gotpcrel_load:\n\t"
	"pushq base_counter@GOTPCREL(%rip)\n\t"
	"popq %rax\n\t"
	"movl (%rax), %eax\n\t"
	"ret\n"
	".size gotpcrel_load, .-gotpcrel_load\n"

	".globl pc32_load\n.type pc32_load, @function\n"
	"pc32_load:\n\t"
	"movl relocs_local(%rip), %eax\n\t"
	"ret\n"
	".size pc32_load, .-pc32_load\n"

	".globl plt32_call\n.type plt32_call, @function\n"
	"plt32_call:\n\t"
	"subq $8, %rsp\n\t"
	"call base_add@PLT\n\t"
	"addq $8, %rsp\n\t"
	"ret\n"
	".size plt32_call, .-plt32_call\n"

	".globl abs64_load\n.type abs64_load, @function\n"
	"abs64_load:\n\t"
	"movabsq $relocs_local, %rax\n\t"
	"movl (%rax), %eax\n\t"
	"movq relocs_local_ptr(%rip), %rcx\n\t"
	"addl (%rcx), %eax\n\t"
	"ret\n"
	".size abs64_load, .-abs64_load\n");

EXPORT_SYMBOL(gotpcrelx_call);
EXPORT_SYMBOL(gotpcrelx_jmp);
EXPORT_SYMBOL(rex_gotpcrelx_load);
EXPORT_SYMBOL(gotpcrel_load);
EXPORT_SYMBOL(pc32_load);
EXPORT_SYMBOL(plt32_call);
EXPORT_SYMBOL(abs64_load);

int test_entry(void)
{
	return gotpcrelx_call(40, 2) + gotpcrelx_jmp(3, 4) + plt32_call(5, 6) + pc32_load() +
	       (int)abs64_load() + (rex_gotpcrelx_load() + gotpcrel_load()) * 1000;
}
EXPORT_SYMBOL(test_entry);
