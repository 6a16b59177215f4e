/*
 * The rig's libc on i386: a byte at a time, which is all a test rig needs. Rust's core
 * calls memcpy/memmove/memset/memcmp/bcmp/strlen, as it would call the image's libc
 * under Zephyr; building them here keeps compiler_builtins' own copies out of the
 * footprint (they are not enabled: no -Zbuild-std-features=compiler-builtins-mem).
 */
#include <string.h>

void *memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

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
