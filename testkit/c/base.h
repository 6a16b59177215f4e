/*
 * The base-image API the testkit fixture extensions link against.
 *
 * Kept small on purpose: every function here has a stub in the Unicorn
 * harness (testkit/src/emu.rs) and a native implementation
 * (testkit/native/native_base.c), and its behaviour is fixed so that tests can
 * compute expected results from C semantics alone:
 *
 *   printk(fmt, ...)  formats %d %i %u %x %s %c %p %% (optional l length
 *                     modifier, no width/precision) into the harness's
 *                     captured output; returns the number of characters.
 *   base_add(a, b)    returns a + b (wrapping 32-bit arithmetic).
 *   base_counter      an int owned by the base image; tests choose its
 *                     initial value.
 *   memcpy / memset   the usual; declared because gcc may emit calls to them.
 */
#ifndef LLEXT_TESTKIT_BASE_H
#define LLEXT_TESTKIT_BASE_H

#include <stddef.h>
#include <stdint.h>

int printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int base_add(int a, int b);
extern int base_counter;

void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);

/* Zephyr toolchain.h spellings used by the fixtures. */
#define __aligned(n)          __attribute__((aligned(n)))
#define __used                __attribute__((used))
#define __noinline            __attribute__((noinline, noclone))
#define Z_GENERIC_SECTION(s)  __attribute__((section(#s)))

/*
 * Hide a value from the optimiser: the result is the same value, but gcc can
 * no longer fold facts it knows at compile time (a constant's value, an
 * object's alignment) into the test. Without this, checks such as "is this
 * object 64-byte aligned" are evaluated by the compiler, not at run time.
 */
#define LAUNDER(x)                                                                        \
	({                                                                                \
		__typeof__(x) __v = (x);                                                  \
		__asm__("" : "+r"(__v));                                                  \
		__v;                                                                      \
	})

#endif /* LLEXT_TESTKIT_BASE_H */
