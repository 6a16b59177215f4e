/*
 * Cortex-M3 port of the rig for QEMU's lm3s6965evb (the board behind Zephyr's
 * qemu_cortex_m3): vector table, reset, console and exit through ARM semihosting, and
 * a HardFault handler that turns a fault into a failed case.
 */
#include <stdint.h>
#include <string.h>

#include "rig.h"

/* Linker script symbols (rig-arm.ld). */
extern uint32_t _stack_bottom[], _stack_top[];
extern uint32_t _sidata[], _sdata[], _edata[], _sbss[], _ebss[];

const char rig_machine[] = "QEMU lm3s6965evb (Cortex-M3)";
const uint32_t *const rig_stack_base = _stack_bottom;
/* -DRIG_STACK_SIZE; the linker script gets the same value (--defsym). */
const size_t rig_stack_size = RIG_STACK_SIZE;

/* ------------------------------------------------------------- semihosting ---- */

/* Operation numbers of the ARM semihosting specification. */
#define SYS_WRITE0        0x04
#define SYS_EXIT_EXTENDED 0x20
#define ADP_Stopped_ApplicationExit 0x20026

static int semihost(int op, const void *arg)
{
	register int r0 __asm__("r0") = op;
	register const void *r1 __asm__("r1") = arg;

	/* BKPT 0xAB is the M-profile semihosting trap; QEMU handles it when enabled. */
	__asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
	return r0;
}

/* One semihosting call per line, not per character: each call is a trap into QEMU. */
static char line[128];
static size_t line_len;

void rig_flush(void)
{
	if (line_len != 0) {
		line[line_len] = '\0';
		semihost(SYS_WRITE0, line);
		line_len = 0;
	}
}

void rig_putc(char c)
{
	line[line_len++] = c;
	if (c == '\n' || line_len == sizeof(line) - 1) {
		rig_flush();
	}
}

_Noreturn void rig_exit(int status)
{
	/* SYS_EXIT_EXTENDED carries the status: QEMU exits with it. */
	uint32_t block[2] = {ADP_Stopped_ApplicationExit, (uint32_t)status};

	rig_flush();
	semihost(SYS_EXIT_EXTENDED, block);
	for (;;) {
	}
}

/* ------------------------------------------------------------------ faults ---- */

static const char *fault_what;
static uintptr_t fault_pc, fault_addr;

/* Thread-mode continuation of a fault: the harness longjmps out of the failed case. */
static void fault_resume(void)
{
	rig_fault(fault_what, fault_pc, fault_addr);
}

/* Called from the HardFault entry with the exception frame the core pushed. */
__attribute__((used)) static void hardfault_c(uint32_t *frame)
{
	volatile uint32_t *const scb_cfsr = (uint32_t *)0xE000ED28;
	volatile uint32_t *const scb_mmfar = (uint32_t *)0xE000ED34;
	volatile uint32_t *const scb_bfar = (uint32_t *)0xE000ED38;
	uint32_t cfsr = *scb_cfsr;

	fault_pc = frame[6];
	fault_addr = 0;
	if (cfsr & 0x80) { /* MMARVALID */
		fault_addr = *scb_mmfar;
	} else if (cfsr & 0x8000) { /* BFARVALID */
		fault_addr = *scb_bfar;
	}
	fault_what = (cfsr & 0xffff0000) ? "UsageFault"
		     : (cfsr & 0xff00)   ? "BusFault"
		     : (cfsr & 0xff)     ? "MemManage fault"
					 : "HardFault";
	*scb_cfsr = cfsr; /* write-one-to-clear */
	/*
	 * Return from the exception into fault_resume instead of the faulting code: only
	 * thread mode may longjmp away. xPSR = Thumb bit only (no IT state, no flags).
	 */
	frame[6] = (uint32_t)(uintptr_t)fault_resume & ~1u;
	frame[7] = 0x01000000u;
}

__attribute__((naked)) static void hardfault_entry(void)
{
	/* The frame is on whichever stack was active; EXC_RETURN bit 2 says which. */
	__asm__ volatile("tst lr, #4\n\t"
			 "ite eq\n\t"
			 "mrseq r0, msp\n\t"
			 "mrsne r0, psp\n\t"
			 "b hardfault_c\n");
}

/* ------------------------------------------------------------------- reset ---- */

__attribute__((noreturn)) void rig_reset(void)
{
	/* .data from flash, .bss zeroed (the loader's heap arena is in .bss). */
	memcpy(_sdata, _sidata, (size_t)((uint8_t *)_edata - (uint8_t *)_sdata));
	memset(_sbss, 0, (size_t)((uint8_t *)_ebss - (uint8_t *)_sbss));
	/* Paint the unused stack for the high-water mark; stop short of this frame. */
	for (uint32_t *p = _stack_bottom; p < (uint32_t *)__builtin_frame_address(0) - 32; p++) {
		*p = 0xdeadbeefu;
	}
	rig_exit(rig_main());
}

/* Cortex-M3 vector table: initial SP, reset, then the fault vectors. */
__attribute__((section(".vectors"), used)) static void (*const vectors[16])(void) = {
	(void (*)(void))_stack_top, /* the stack sits at the bottom of RAM: see rig-arm.ld */
	rig_reset,
	hardfault_entry, /* NMI */
	hardfault_entry, /* HardFault (MemManage, BusFault, UsageFault escalate to it) */
	hardfault_entry, hardfault_entry, hardfault_entry,
};

/* ------------------------------------------------------- instruction counter ---- */

/*
 * SysTick on the processor clock, free-running down from 2^24 - 1 without interrupts.
 * run.sh starts QEMU with -icount shift=0 (one instruction per ns of virtual time), so
 * ticks are instructions times a constant, which rig_insn_calibrate() measures.
 */
#define SYST_CSR (*(volatile uint32_t *)0xE000E010)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018)

static uint32_t ticks_last;
static uint64_t ticks_total;

uint64_t rig_ticks(void)
{
	if ((SYST_CSR & 1u) == 0) {
		SYST_RVR = 0xFFFFFFu;
		SYST_CVR = 0;
		SYST_CSR = 0x5u; /* enable, processor clock, no interrupt */
		ticks_last = SYST_CVR;
	}
	uint32_t now = SYST_CVR;

	/* Called at least once per wrap (2^24 ticks) by the rig's measurements. */
	ticks_total += (ticks_last - now) & 0xFFFFFFu;
	ticks_last = now;
	return ticks_total;
}

void rig_spin(uint32_t iterations)
{
	/* Two instructions per iteration. */
	__asm__ volatile("1: subs %0, %0, #1\n\tbne 1b" : "+r"(iterations) : : "cc");
}
