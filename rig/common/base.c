/*
 * The rig's base image: what extensions link against (testkit/c/base.h), exported with
 * EXPORT_SYMBOL like a Zephyr image does, and the console formatter behind it.
 *
 * Built with -DLLEXT_RS_SORTED_EXPORTS: every EXPORT_SYMBOL entry lands in its own input
 * section ._llext_const_symbol.static.<name>, which the linker script sorts by name
 * between _llext_const_symbol_list_start/_end. The loader binary-searches that table.
 */
#include <string.h>
#include <zephyr/llext/llext.h>
#include <zephyr/llext/symbol.h>

#include "rig.h"

/* ---------------------------------------------------------------- formatter ---- */

static int emit_num(void (*out)(char, void *), void *ctx, unsigned long v, unsigned base,
		    int upper, int neg, int width, char pad, int left)
{
	char buf[12];
	int n = 0, count = 0;
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";

	do {
		buf[n++] = digits[v % base];
		v /= base;
	} while (v != 0);
	int len = n + neg;

	/* A negative number zero-padded puts the sign before the zeros. */
	if (neg && pad == '0') {
		out('-', ctx);
		count++;
	}
	for (; !left && width > len; width--, count++) {
		out(pad, ctx);
	}
	if (neg && pad != '0') {
		out('-', ctx);
		count++;
	}
	while (n > 0) {
		out(buf[--n], ctx);
		count++;
	}
	for (; left && width > len; width--, count++) {
		out(' ', ctx);
	}
	return count;
}

int rig_vformat(void (*out)(char, void *), void *ctx, const char *fmt, va_list ap)
{
	int count = 0;

	for (; *fmt != '\0'; fmt++) {
		if (*fmt != '%') {
			out(*fmt, ctx);
			count++;
			continue;
		}
		fmt++;
		int left = 0, width = 0, is_long = 0;
		char pad = ' ';

		if (*fmt == '-') {
			left = 1;
			fmt++;
		}
		if (*fmt == '0') {
			pad = '0';
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9') {
			width = width * 10 + (*fmt++ - '0');
		}
		if (*fmt == 'l') {
			is_long = 1;
			fmt++;
		}
		switch (*fmt) {
		case 'd':
		case 'i': {
			long v = is_long ? va_arg(ap, long) : va_arg(ap, int);
			unsigned long u = v < 0 ? 0ul - (unsigned long)v : (unsigned long)v;

			count += emit_num(out, ctx, u, 10, 0, v < 0, width, pad, left);
			break;
		}
		case 'u':
		case 'x':
		case 'X': {
			unsigned long v = is_long ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);

			count += emit_num(out, ctx, v, *fmt == 'u' ? 10 : 16, *fmt == 'X', 0, width, pad,
					  left);
			break;
		}
		case 'p':
			out('0', ctx);
			out('x', ctx);
			count += 2 + emit_num(out, ctx, (uintptr_t)va_arg(ap, void *), 16, 0, 0, 0, ' ', 0);
			break;
		case 'c':
			out((char)va_arg(ap, int), ctx);
			count++;
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			int len;

			s = s ? s : "(null)";
			len = (int)strlen(s);
			for (; !left && width > len; width--, count++) {
				out(' ', ctx);
			}
			for (; *s != '\0'; s++, count++) {
				out(*s, ctx);
			}
			for (; left && width > len; width--, count++) {
				out(' ', ctx);
			}
			break;
		}
		case '%':
			out('%', ctx);
			count++;
			break;
		case '\0':
			return count;
		default: /* unknown conversion: show it as written */
			out('%', ctx);
			out(*fmt, ctx);
			count += 2;
			break;
		}
	}
	return count;
}

static void console_out(char c, void *ctx)
{
	(void)ctx;
	rig_putc(c);
}

int rig_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = rig_vformat(console_out, NULL, fmt, ap);

	va_end(ap);
	return n;
}

#define STACK_PAINT 0xdeadbeefu

/* Deepest use seen before the last repaint (__wrap_llext_load repaints below itself). */
static size_t stack_high_water_before;

/* The lowest word from `end` down to the stack's base that is no longer paint: the
 * stack grows down, so that is the deepest point it reached. */
static const uint32_t *deepest_touched(const uint32_t *end)
{
	const uint32_t *p = rig_stack_base;

	while (p < end && *p == STACK_PAINT) {
		p++;
	}
	return p;
}

size_t rig_stack_high_water(void)
{
	/* The port painted the whole stack at reset. */
	const uint32_t *top = rig_stack_base + rig_stack_size / sizeof(uint32_t);
	size_t now = (size_t)(top - deepest_touched(top)) * sizeof(uint32_t);

	return now > stack_high_water_before ? now : stack_high_water_before;
}

static inline uintptr_t stack_pointer(void)
{
	uintptr_t sp;

#if defined(__arm__)
	__asm__ volatile("mov %0, sp" : "=r"(sp));
#else
	__asm__ volatile("mov %%esp, %0" : "=r"(sp));
#endif
	return sp;
}

size_t rig_load_stack_peak;
size_t rig_load_stack_last;

int __real_llext_load(struct llext_loader *ldr, const char *name, struct llext **ext,
		      const struct llext_load_param *ldr_parm);

/*
 * Every llext_load() of the rig comes here (the images link with --wrap=llext_load):
 * the stack below this frame is painted afresh, the load runs, and the deepest word it
 * touched gives its peak stack: from the stack pointer at the call down, so llext_load
 * and everything it calls (loader callbacks, heap) count, the caller does not.
 */
__attribute__((noinline)) int __wrap_llext_load(struct llext_loader *ldr, const char *name,
						struct llext **ext,
						const struct llext_load_param *ldr_parm)
{
	stack_high_water_before = rig_stack_high_water();

	uintptr_t sp = stack_pointer();
	/* Stop short of this frame's live words below the stack pointer (none on arm/i386). */
	uint32_t *end = (uint32_t *)(sp & ~(uintptr_t)3) - 4;

	for (uint32_t *p = (uint32_t *)rig_stack_base; p < end; p++) {
		*p = STACK_PAINT;
	}
	int rc = __real_llext_load(ldr, name, ext, ldr_parm);

	rig_load_stack_last = sp - (uintptr_t)deepest_touched(end);
	if (rig_load_stack_last > rig_load_stack_peak) {
		rig_load_stack_peak = rig_load_stack_last;
	}
	return rc;
}

/* ------------------------------------------------------------ loader logging ---- */

#ifdef RIG_LOG
/* RIG_LOG=<level> builds compile the loader's messages in (src/diag.rs): it calls this
 * with a static format, at most one string (first) and three integers. */
void llext_rs_log(int level, const char *fmt, const char *s, unsigned long a, unsigned long b,
		  unsigned long c)
{
	static const char *const names[] = {"?", "ERR", "WRN", "INF", "DBG"};

	rig_printf("    [llext %s] ", names[level >= 0 && level < 5 ? level : 0]);
	if (s != NULL) {
		rig_printf(fmt, s, a, b, c);
	} else {
		rig_printf(fmt, a, b, c);
	}
	rig_putc('\n');
}
#endif

/* ------------------------------------------------------------- base image API ---- */

/*
 * Extension output is captured so the harness can compare it with what the fixture's C
 * source says it prints; in demo mode it is also echoed to the console.
 */
static char captured[1024];
static size_t captured_len;
int rig_echo_printk;

static void capture_out(char c, void *ctx)
{
	(void)ctx;
	/* Keep the last byte for the NUL; overflow shows up as a mismatch. */
	if (captured_len < sizeof(captured) - 1) {
		captured[captured_len++] = c;
		captured[captured_len] = '\0';
	}
	if (rig_echo_printk) {
		rig_putc(c);
	}
}

const char *rig_output(void)
{
	return captured;
}

void rig_take_output(void)
{
	captured_len = 0;
	captured[0] = '\0';
}

int printk(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = rig_vformat(capture_out, NULL, fmt, ap);

	va_end(ap);
	return n;
}

int base_add(int a, int b)
{
	/* Wrapping 32-bit addition, as base.h specifies. */
	return (int)((unsigned int)a + (unsigned int)b);
}

int base_counter;

EXPORT_SYMBOL(printk);
EXPORT_SYMBOL(base_add);
EXPORT_SYMBOL(base_counter);
/* gcc may turn struct copies and zeroing in extensions into these calls. */
EXPORT_SYMBOL(memcpy);
EXPORT_SYMBOL(memset);

const struct rig_fixture *rig_fixture_named(const char *codegen, const char *name)
{
	for (size_t i = 0; i < rig_fixture_count; i++) {
		if (strcmp(rig_fixtures[i].codegen, codegen) == 0 &&
		    strcmp(rig_fixtures[i].name, name) == 0) {
			return &rig_fixtures[i];
		}
	}
	return NULL;
}
