/*
 * The rig's libc on i386. memcpy and memset move aligned words, as Zephyr's minimal
 * libc does (lib/libc/minimal/source/string/string.c), so the instruction counts of the
 * lean case are what a Zephyr app would see; the rest go a byte at a time. Rust's core
 * calls memcpy/memmove/memset/memcmp/bcmp/strlen, as it would call the image's libc
 * under Zephyr (compiler_builtins' own copies are made local: rig/Makefile).
 */
#include <string.h>

typedef unsigned long __attribute__((__may_alias__)) word_t;
#define WORD_MASK (sizeof(word_t) - 1)

void *memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if ((((unsigned long)d ^ (unsigned long)s) & WORD_MASK) == 0) {
		for (; n > 0 && ((unsigned long)d & WORD_MASK) != 0; n--) {
			*d++ = *s++;
		}
		for (; n >= sizeof(word_t); n -= sizeof(word_t)) {
			*(word_t *)d = *(const word_t *)s;
			d += sizeof(word_t);
			s += sizeof(word_t);
		}
	}
	while (n--) {
		*d++ = *s++;
	}
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d < s) {
		while (n--) {
			*d++ = *s++;
		}
	} else {
		while (n--) {
			d[n] = s[n];
		}
	}
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;
	word_t fill = (unsigned char)c * (~(word_t)0 / 0xff);

	for (; n > 0 && ((unsigned long)d & WORD_MASK) != 0; n--) {
		*d++ = (unsigned char)c;
	}
	for (; n >= sizeof(word_t); n -= sizeof(word_t)) {
		*(word_t *)d = fill;
		d += sizeof(word_t);
	}
	while (n--) {
		*d++ = (unsigned char)c;
	}
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n--; x++, y++) {
		if (*x != *y) {
			return *x - *y;
		}
	}
	return 0;
}

int bcmp(const void *a, const void *b, size_t n)
{
	return memcmp(a, b, n);
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n] != '\0') {
		n++;
	}
	return n;
}

int strcmp(const char *a, const char *b)
{
	for (; *a != '\0' && *a == *b; a++, b++) {
	}
	return (unsigned char)*a - (unsigned char)*b;
}
