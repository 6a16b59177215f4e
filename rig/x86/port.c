/*
 * i386 port of the rig for qemu-system-i386: console on the debugcon port (0xe9,
 * `-debugcon stdio`), exit through isa-debug-exit (port 0xf4: QEMU exits with
 * (value << 1) | 1), and an IDT whose exception handlers fail the running case.
 */
#include <stdint.h>
#include <string.h>

#include "rig.h"

extern uint32_t _sbss[], _stack_bottom[];
extern const uint32_t isr_table[32];

const char rig_machine[] = "QEMU i386 (qemu-system-i386, Multiboot)";
const uint32_t *const rig_stack_base = _stack_bottom;
/* -DRIG_STACK_SIZE; the linker script gets the same value (--defsym). */
const size_t rig_stack_size = RIG_STACK_SIZE;

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

void rig_putc(char c)
{
	outb(0xe9, (uint8_t)c);
}

void rig_flush(void)
{
}

_Noreturn void rig_exit(int status)
{
	/* QEMU's exit code: 0 -> 1 (pass), n -> 2n + 1; run.sh maps 1 back to 0. */
	outl(0xf4, (uint32_t)status);
	for (;;) {
		__asm__ volatile("cli; hlt");
	}
}

/* ------------------------------------------------------------------ faults ---- */

struct frame {
	uint32_t vector, error, eip, cs, eflags;
};

static const char *const names[32] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
	"#BR bound range", "#UD invalid opcode", "#NM no FPU", "#DF double fault", "coprocessor",
	"#TS invalid TSS", "#NP segment not present", "#SS stack fault",
	"#GP general protection", "#PF page fault", "reserved", "#MF x87 error",
	"#AC alignment check", "#MC machine check", "#XM SIMD error",
};

/* From isr_common in start.S, on the faulting stack (ring 0 throughout). */
__attribute__((used, noreturn)) void x86_exception(const struct frame *f)
{
	uintptr_t cr2 = 0;
	const char *what = f->vector < 32 && names[f->vector] ? names[f->vector] : "exception";

	if (f->vector == 14) {
		__asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
	}
	/* Interrupt gates leave IF clear; the harness longjmps straight out of here. */
	rig_fault(what, f->eip, f->vector == 14 ? cr2 : f->error);
}

struct idt_gate {
	uint16_t offset_lo, selector;
	uint8_t zero, type;
	uint16_t offset_hi;
} __attribute__((packed));

static struct idt_gate idt[32];

static void idt_init(void)
{
	for (int i = 0; i < 32; i++) {
		idt[i] = (struct idt_gate){
			.offset_lo = (uint16_t)isr_table[i],
			.selector = 0x08,
			.type = 0x8e, /* present, ring 0, 32-bit interrupt gate */
			.offset_hi = (uint16_t)(isr_table[i] >> 16),
		};
	}
	struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) desc = {sizeof(idt) - 1, (uint32_t)(uintptr_t)idt};

	__asm__ volatile("lidt %0" : : "m"(desc));
}

/* From _start, on the stack at the end of .bss. */
__attribute__((used, noreturn)) void x86_main(void)
{
	memset(_sbss, 0, (size_t)((uint8_t *)_stack_bottom - (uint8_t *)_sbss));
	for (uint32_t *p = _stack_bottom; p < (uint32_t *)__builtin_frame_address(0) - 32; p++) {
		*p = 0xdeadbeefu;
	}
	idt_init();
	rig_exit(rig_main());
}

/* ------------------------------------------------------- instruction counter ---- */

/* The time-stamp counter: under QEMU -icount shift=0 (run.sh) it advances one per
 * instruction; rig_insn_calibrate() checks the ratio rather than assuming it. */
uint64_t rig_ticks(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

void rig_spin(uint32_t iterations)
{
	/* Two instructions per iteration. */
	__asm__ volatile("1: dec %0\n\tjnz 1b" : "+r"(iterations) : : "cc");
}
