/*
 * i386 entry for QEMU's -kernel: a Multiboot v1 header (QEMU loads the ELF's segments
 * and jumps here in 32-bit protected mode, paging off), then our own flat GDT (the
 * boot loader's may be anywhere) and IDT stubs that turn CPU exceptions into failed
 * cases (x86_exception in port.c).
 */
	.section .multiboot, "a"
	.balign 4
	.long 0x1BADB002                /* magic */
	.long 0                         /* flags: nothing requested, ELF layout used */
	.long -0x1BADB002               /* checksum */

	.text
	.globl _start
_start:
	cli
	lgdt gdt_desc
	ljmp $0x08, $1f                 /* reload CS from our GDT */
1:	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %fs
	movw %ax, %gs
	movw %ax, %ss
	movl $_stack_top, %esp
	xorl %ebp, %ebp
	call x86_main                   /* never returns */
2:	hlt
	jmp 2b

/* Exceptions 0-31. Those without an error code push a 0 so every frame looks alike:
 * vector, error code, then what the CPU pushed (EIP, CS, EFLAGS). */
.macro STUB n
	.globl isr\n
isr\n:
	.if (\n == 8) || (\n >= 10 && \n <= 14) || (\n == 17) || (\n == 21) || (\n == 29) || (\n == 30)
	.else
	pushl $0
	.endif
	pushl $\n
	jmp isr_common
.endm

.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	STUB \n
.endr

isr_common:
	pushl %esp                      /* pointer to the frame */
	call x86_exception              /* never returns: the harness longjmps away */
3:	hlt
	jmp 3b

	.section .rodata
	.balign 4
	.globl isr_table
isr_table:
.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.long isr\n
.endr

	.balign 8
gdt:
	.quad 0                         /* null */
	.quad 0x00cf9a000000ffff        /* 0x08: code, base 0, limit 4 GiB, 32-bit */
	.quad 0x00cf92000000ffff        /* 0x10: data, base 0, limit 4 GiB */
gdt_end:
gdt_desc:
	.word gdt_end - gdt - 1
	.long gdt

	.section .note.GNU-stack, "", @progbits
