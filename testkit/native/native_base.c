/*
 * The base image for running x86_64 fixtures in-process (testkit/src/native.rs).
 *
 * The functions carry a prefix so they cannot collide with anything else in
 * the test binary; native.rs maps the names the extensions import (printk,
 * base_add, base_counter, memcpy, memset) to these addresses.
 * printk output goes to a Rust callback that appends to a thread-local
 * buffer.
 */
#include <stdarg.h>
#include <stdio.h>

void llext_testkit_native_output(const char *s, size_t len);

int llext_testkit_base_counter;

int llext_testkit_printk(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0) {
		return n;
	}
	llext_testkit_native_output(buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
	return n;
}

int llext_testkit_base_add(int a, int b)
{
	return (int)((unsigned int)a + (unsigned int)b);
}
