/*
 * The target rig: what the shared harness (rig.c, base.c) and the per-machine ports
 * (arm/, x86/) provide to each other.
 *
 * The rig is a bare-metal program with no OS and no libc I/O: the port brings a console,
 * an exit path that reaches the host's exit status, and a way to turn a CPU fault into
 * a failed test case instead of a dead machine.
 */
#ifndef RIG_H
#define RIG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* ---- provided by the port (arm/port.c, x86/port.c) ---- */

/* Writes one character to the host console. */
void rig_putc(char c);
/* Pushes buffered console output out (before exiting). */
void rig_flush(void);
/* Ends the run: status 0 means every case passed. The host sees distinct exit codes. */
_Noreturn void rig_exit(int status);
/* Lowest address of the stack (painted at reset) and its size, for the high-water mark. */
extern const uint32_t *const rig_stack_base;
extern const size_t rig_stack_size;
/* Most stack ever used, in bytes (base.c). */
size_t rig_stack_high_water(void);
/* Peak stack of llext_load() (from the stack pointer at the call) over every call so far,
 * and of the last call, in bytes (base.c wraps llext_load). */
extern size_t rig_load_stack_peak;
extern size_t rig_load_stack_last;
/* A clock proportional to instructions retired (QEMU -icount): SysTick on the
 * Cortex-M3, the TSC on i386. rig_spin(n) runs exactly 2n instructions, to calibrate it. */
uint64_t rig_ticks(void);
/* Nonzero: the LLEXT heap poisons fresh and freed blocks (common/heap.c). */
extern int rig_heap_poison;
void rig_spin(uint32_t iterations);
/* Name of the machine, printed in the banner. */
extern const char rig_machine[];

/* ---- provided by the harness (rig.c, or demo.c in demo mode) ---- */

/* Runs the rig after the port set the machine up; returns the exit status. */
int rig_main(void);

/*
 * Called by the port's fault handler, in thread context, after a CPU exception:
 * `what` describes it, `pc` is where it happened. Fails the running case and resumes
 * the harness after it (or ends the run if no case was running). Does not return.
 */
_Noreturn void rig_fault(const char *what, uintptr_t pc, uintptr_t addr);

/* ---- console formatting (base.c) ---- */

/*
 * A small printf: %d %i %u %x %X %s %c %p %%, an optional 'l', and for the rig's own use
 * a '0' flag, a field width and '-' (left-justify). Writes through `out`.
 */
int rig_vformat(void (*out)(char c, void *ctx), void *ctx, const char *fmt, va_list ap);
int rig_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- the base image's API for extensions (base.c; see testkit/c/base.h) ---- */

int printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int base_add(int a, int b);
extern int base_counter;

/* What extensions printed since the last rig_take_output(), NUL-terminated. */
const char *rig_output(void);
void rig_take_output(void);
/* Also copy extension output to the console as it is printed (demo mode). */
extern int rig_echo_printk;


/* ---- fixture extensions, generated from testkit/c by tools/bin2c.py ---- */

struct rig_fixture {
	const char *codegen; /* "arm", "arm-longcalls", "i686-pic", "i686-nopic" */
	const char *name;    /* "hello_world", "multi_file", "hello_world.so", ... */
	const uint8_t *data;
	size_t len;
};

extern const struct rig_fixture rig_fixtures[];
extern const size_t rig_fixture_count;

/* The fixture `name` built with `codegen`, or NULL. */
const struct rig_fixture *rig_fixture_named(const char *codegen, const char *name);

#endif /* RIG_H */
