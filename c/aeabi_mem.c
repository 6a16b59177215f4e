/*
 * ARM EABI names of memcpy/memmove/memset, which LLVM calls from Rust code. The images
 * link llext-rs without compiler_builtins' own copies (cmake/llext_rs_cargo.cmake,
 * rig/Makefile: ~450 B beside the libc's), and Zephyr's minimal libc has no EABI
 * names. The loader's region copies and clears go through these, so they move words
 * when both ends are aligned (a load copies whole extensions; size-optimised libcs move
 * bytes). Weak: a libc's own may be used instead. Built for ARM targets by the Zephyr
 * module and by the rig (the same code the loader's figures are measured with).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Words that may alias whatever the caller copies. */
typedef uint32_t __attribute__((__may_alias__)) word_t;

__attribute__((weak, optimize("no-tree-loop-distribute-patterns")))
void __aeabi_memcpy(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	if ((((uintptr_t)d | (uintptr_t)s) & 3u) == 0) {
		/* Four words a turn: a region copy spends half its time on loop control. */
		for (; n >= 16u; n -= 16u, d += 16, s += 16) {
			word_t a = ((const word_t *)s)[0], b = ((const word_t *)s)[1];
			word_t c = ((const word_t *)s)[2], e = ((const word_t *)s)[3];

			((word_t *)d)[0] = a;
			((word_t *)d)[1] = b;
			((word_t *)d)[2] = c;
			((word_t *)d)[3] = e;
		}
		for (; n >= 4u; n -= 4u, d += 4, s += 4) {
			*(word_t *)d = *(const word_t *)s;
		}
	}
	while (n-- != 0u) {
		*d++ = *s++;
	}
}
__attribute__((weak)) void __aeabi_memmove(void *dst, const void *src, size_t n)
{
	memmove(dst, src, n);
}
__attribute__((weak, optimize("no-tree-loop-distribute-patterns")))
void __aeabi_memclr(void *dst, size_t n)
{
	uint8_t *d = dst;

	if (((uintptr_t)d & 3u) == 0) {
		for (; n >= 16u; n -= 16u, d += 16) {
			((word_t *)d)[0] = 0;
			((word_t *)d)[1] = 0;
			((word_t *)d)[2] = 0;
			((word_t *)d)[3] = 0;
		}
		for (; n >= 4u; n -= 4u, d += 4) {
			*(word_t *)d = 0;
		}
	}
	while (n-- != 0u) {
		*d++ = 0;
	}
}
__attribute__((weak)) void __aeabi_memset(void *dst, size_t n, int c)
{
	memset(dst, c, n);
}
/* The aligned variants may use the unaligned ones. */
void __aeabi_memcpy4(void *dst, const void *src, size_t n)
	__attribute__((weak, alias("__aeabi_memcpy")));
void __aeabi_memcpy8(void *dst, const void *src, size_t n)
	__attribute__((weak, alias("__aeabi_memcpy")));
void __aeabi_memmove4(void *dst, const void *src, size_t n)
	__attribute__((weak, alias("__aeabi_memmove")));
void __aeabi_memmove8(void *dst, const void *src, size_t n)
	__attribute__((weak, alias("__aeabi_memmove")));
void __aeabi_memset4(void *dst, size_t n, int c)
	__attribute__((weak, alias("__aeabi_memset")));
void __aeabi_memset8(void *dst, size_t n, int c)
	__attribute__((weak, alias("__aeabi_memset")));
void __aeabi_memclr4(void *dst, size_t n)
	__attribute__((weak, alias("__aeabi_memclr")));
void __aeabi_memclr8(void *dst, size_t n)
	__attribute__((weak, alias("__aeabi_memclr")));
