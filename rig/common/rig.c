/*
 * The rig's test harness, shared by the Cortex-M3 and i386 ports: loads the testkit
 * fixture extensions through llext-rs's C API (the generated Zephyr headers only), runs
 * them, and checks what they return and print against the C semantics of their sources
 * (the header comment of each fixture source in testkit/c states them).
 *
 * Each case prints "PASS <codegen>/<case>" or "FAIL <codegen>/<case>: <why>"; the run
 * ends with "N passed, M failed" and a non-zero exit status if anything failed. After
 * every case nothing may be left loaded and the heap must be back where it was, so a
 * leak is pinned to the case that caused it. A CPU fault fails the running case and the
 * run goes on with the next one.
 */
#include <string.h>
#include <zephyr/llext/buf_loader.h>
#include <zephyr/llext/inspect.h>
#include <zephyr/llext/llext.h>
#include <zephyr/llext/symbol.h>

#include "rig.h"

/*
 * The harness's own view of the heap (common/heap.c, the bare platform's hook): what
 * the public llext_rs_heap_usage() must agree with, and what the lean image measures
 * with, so that its loader figures do not include an API a minimal app does not call.
 */
void llext_rs_bare_heap_usage(size_t *used, size_t *max_used, size_t *size);

/* The base image's export table, sorted by the linker script. */
extern const struct llext_const_symbol _llext_const_symbol_list_start[];
extern const struct llext_const_symbol _llext_const_symbol_list_end[];

#ifndef RIG_RAM_COPY
#define RIG_RAM_COPY 8192
#endif

/*
 * RAM for the writable-storage cases (the loader relocates in place, so the ELF must
 * be in writable memory) and for the bad-input cases, which patch a copy.
 */
static uint8_t ram_copy[RIG_RAM_COPY] __attribute__((aligned(64)));

/* ------------------------------------------------------------ case bookkeeping ---- */

#ifdef RIG_LEAN_ONLY
#define RIG_LEAN_ONLY_ 1
#else
#define RIG_LEAN_ONLY_ 0
#endif

struct codegen {
	const char *name;
	int shared; /* a -shared (ET_DYN) variant of hello_world was built */
};

#if defined(__arm__)
#define ARCH_ARM 1
static const struct codegen codegens[] = {{"arm", 1}, {"arm-longcalls", 1}};
#else
#define ARCH_ARM 0
static const struct codegen codegens[] = {{"i686-pic", 1}, {"i686-nopic", 0}};
#endif

/* Bounded text buffers for the failure reason and notes of the running case. */
struct text {
	char buf[240];
	size_t len;
};

static struct text fail_msg, note_msg;
static int case_failed;
static int case_armed;
static void *case_jmp[5];
static unsigned int n_passed, n_failed;

static void text_out(char c, void *ctx)
{
	struct text *t = ctx;

	if (t->len < sizeof(t->buf) - 1) {
		t->buf[t->len++] = c;
		t->buf[t->len] = '\0';
	}
}

static void text_vadd(struct text *t, const char *fmt, va_list ap)
{
	rig_vformat(text_out, t, fmt, ap);
}

__attribute__((format(printf, 2, 3))) static void text_add(struct text *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	text_vadd(t, fmt, ap);
	va_end(ap);
}

static void text_clear(struct text *t)
{
	t->len = 0;
	t->buf[0] = '\0';
}

/* Records why the case failed (the first reason wins); returns 0 for `return fail(...)`. */
__attribute__((format(printf, 2, 3))) static int fail_at(int line, const char *fmt, ...)
{
	if (case_failed) {
		return 0;
	}
	case_failed = 1;
	va_list ap;

	va_start(ap, fmt);
	text_vadd(&fail_msg, fmt, ap);
	va_end(ap);
	/* The harness line makes a failure easy to find in this file. */
	text_add(&fail_msg, " [rig.c:%d]", line);
	return 0;
}

#define fail(...) fail_at(__LINE__, __VA_ARGS__)
/* Inside a case: stop it at the first failed expectation. */
#define CHECK(cond, ...)                                                                  \
	do {                                                                              \
		if (!(cond)) {                                                            \
			fail(__VA_ARGS__);                                                \
			return;                                                           \
		}                                                                         \
	} while (0)
#define TRY(expr)                                                                         \
	do {                                                                              \
		if (!(expr)) {                                                            \
			return;                                                           \
		}                                                                         \
	} while (0)

/* Information printed under the case's PASS/FAIL line. */
__attribute__((format(printf, 1, 2))) static void note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	text_vadd(&note_msg, fmt, ap);
	va_end(ap);
}

/* Printable form of extension output for failure messages: newlines as "\n". */
static const char *escaped(const char *s)
{
	static char bufs[2][96];
	static int which;
	char *b = bufs[which ^= 1];
	size_t n = 0;

	for (; *s != '\0' && n < sizeof(bufs[0]) - 4; s++) {
		if (*s == '\n') {
			b[n++] = '\\';
			b[n++] = 'n';
		} else {
			b[n++] = *s;
		}
	}
	b[n] = '\0';
	return b;
}

static size_t heap_used(void)
{
	size_t used, max_used, size;

	llext_rs_bare_heap_usage(&used, &max_used, &size);
	return used;
}

static int count_one(struct llext *ext, void *arg)
{
	(void)ext;
	(*(int *)arg)++;
	return 0;
}

static int loaded_count(void)
{
	int n = 0;

	llext_iterate(count_one, &n);
	return n;
}

static int first_ext(struct llext *ext, void *arg)
{
	*(struct llext **)arg = ext;
	return 1;
}

/* After a failed case: unload whatever it left behind so the next case starts clean. */
static void unload_everything(void)
{
	for (int guard = 0; guard < 64; guard++) {
		struct llext *ext = NULL;

		llext_iterate(first_ext, &ext);
		if (ext == NULL) {
			return;
		}
		while (llext_unload(&ext) > 0) {
		}
	}
}

_Noreturn void rig_fault(const char *what, uintptr_t pc, uintptr_t addr)
{
	if (!case_armed) {
		rig_printf("FATAL: %s at pc 0x%08lx (address 0x%08lx) outside any case\n", what,
			   (unsigned long)pc, (unsigned long)addr);
		rig_exit(2);
	}
	case_armed = 0;
	fail("CPU fault: %s at pc 0x%08lx (address 0x%08lx)", what, (unsigned long)pc,
	     (unsigned long)addr);
	__builtin_longjmp(case_jmp, 1);
}

static const char *running = "none";

/*
 * The loader's fatal-error hook (src/platform/bare.rs): a Rust panic is a loader bug,
 * never bad input. Unwinding through the loader is not possible, so the run ends here.
 */
_Noreturn void llext_rs_panic(void)
{
	n_failed++;
	rig_printf("FAIL %s: llext-rs panicked\n", running);
	rig_printf("%u passed, %u failed\n", n_passed, n_failed);
	rig_exit(3);
}

static void run_case(const char *codegen, const char *name, void (*fn)(const struct codegen *),
		     const struct codegen *cg)
{
	static struct text label;

	text_clear(&label);
	text_add(&label, "%s/%s", codegen, name);
	running = label.buf;

	size_t before = heap_used();

	case_failed = 0;
	text_clear(&fail_msg);
	text_clear(&note_msg);
	rig_take_output();
	base_counter = 0;
	if (__builtin_setjmp(case_jmp) == 0) {
		case_armed = 1;
		fn(cg);
	}
	case_armed = 0;

	if (!case_failed) {
		int left = loaded_count();
		size_t after = heap_used();

		if (left != 0) {
			fail("%d extension(s) still loaded after the case", left);
		} else if (after != before) {
			fail("heap not back to its level before the case: %u -> %u bytes",
			     (unsigned)before, (unsigned)after);
		}
	}
	if (case_failed) {
		unload_everything();
		n_failed++;
		rig_printf("FAIL %s: %s\n", label.buf, fail_msg.buf);
	} else {
		n_passed++;
		rig_printf("PASS %s\n", label.buf);
	}
	if (note_msg.len != 0) {
		rig_printf("    note: %s\n", note_msg.buf);
	}
	running = "between cases";
}

/* ---------------------------------------------------------------- helpers ---- */

static const struct rig_fixture *fixture(const struct codegen *cg, const char *name)
{
	const struct rig_fixture *fx = rig_fixture_named(cg->name, name);

	if (fx == NULL) {
		fail("fixture %s/%s not built into the rig", cg->name, name);
	}
	return fx;
}

/* A loader and the extension it loaded: the loader outlives the load for inspection. */
struct loaded {
	struct llext_buf_loader buf;
	struct llext *ext;
};

/* Loads `bytes` under `name` with `storage`; 1 on success, else 0 and the case failed. */
static int load_ex(struct loaded *l, const uint8_t *bytes, size_t len, const char *name,
		   enum llext_storage_type storage, const struct llext_load_param *param)
{
	struct llext_buf_loader init = Z_LLEXT_BUF_LOADER(bytes, len, storage);
	struct llext_load_param def = LLEXT_LOAD_PARAM_DEFAULT;

	l->buf = init;
	l->ext = NULL;
	int rc = llext_load(&l->buf.loader, name, &l->ext, param ? param : &def);

	if (rc != 0 || l->ext == NULL) {
		return fail("llext_load(%s) returned %d (ext %p)", name, rc, (void *)l->ext);
	}
	return 1;
}

static int load(struct loaded *l, const struct codegen *cg, const char *fixture_name,
		const char *ext_name)
{
	const struct rig_fixture *fx = fixture(cg, fixture_name);

	if (fx == NULL) {
		return 0;
	}
	return load_ex(l, fx->data, fx->len, ext_name, LLEXT_STORAGE_PERSISTENT, NULL);
}

static int unload(struct loaded *l)
{
	int rc = llext_unload(&l->ext);

	if (rc != 0 || l->ext != NULL) {
		return fail("llext_unload returned %d (ext %p), expected 0 and NULL", rc,
			    (void *)l->ext);
	}
	return 1;
}

static const void *export_of(struct llext *ext, const char *sym)
{
	const void *p = llext_find_sym(&ext->exp_tab, sym);

	if (p == NULL) {
		fail("%s is not exported", sym);
	}
	return p;
}

/*
 * Calls exported function `fn` with three int arguments (extra arguments are harmless
 * in both AAPCS and cdecl) and checks its int result and what it printed (`out`; NULL
 * means "don't care", "" means "nothing").
 */
static int call3(struct llext *ext, const char *fn, int a, int b, int c, int want,
		 const char *out)
{
	const void *p = export_of(ext, fn);

	if (p == NULL) {
		return 0;
	}
	int (*f)(int, int, int) = (int (*)(int, int, int))(uintptr_t)p;

	rig_take_output();
	int got = f(a, b, c);

	if (got != want) {
		return fail("%s(%d, %d, %d) returned %d (0x%x), expected %d (0x%x)", fn, a, b, c,
			    got, (unsigned)got, want, (unsigned)want);
	}
	if (out != NULL && strcmp(rig_output(), out) != 0) {
		return fail("%s() printed \"%s\", expected \"%s\"", fn, escaped(rig_output()),
			    escaped(out));
	}
	return 1;
}

#define call0(ext, fn, want, out)       call3(ext, fn, 0, 0, 0, want, out)
#define call1(ext, fn, a, want, out)    call3(ext, fn, a, 0, 0, want, out)
#define call2(ext, fn, a, b, want, out) call3(ext, fn, a, b, 0, want, out)

static int read_int(struct llext *ext, const char *sym, int want)
{
	const int *p = export_of(ext, sym);

	if (p == NULL) {
		return 0;
	}
	if (*p != want) {
		return fail("%s = %d (0x%x), expected %d (0x%x)", sym, *p, (unsigned)*p, want,
			    (unsigned)want);
	}
	return 1;
}

static int in_range(const void *p, const void *start, size_t len)
{
	uintptr_t a = (uintptr_t)p, s = (uintptr_t)start;

	return a >= s && a - s < len;
}

/* Code address without the Thumb bit. */
static const void *code_addr(const void *fn)
{
	return (const void *)((uintptr_t)fn & ~(uintptr_t)ARCH_ARM);
}

/* ------------------------------------------- models of the fixtures' C code ---- */

/* data.c: weighted() */
static int weighted(const char *p)
{
	static const unsigned short weights[8] = {3, 1, 4, 1, 5, 9, 2, 6};
	int s = 0;

	for (int i = 0; p[i] != '\0'; i++) {
		s += p[i] * weights[i & 7];
	}
	return s;
}

/* data.c: op_table[sel & 3] */
static int data_op(int sel, int a, int b)
{
	switch (sel & 3) {
	case 0: return a + b;
	case 1: return a - b;
	case 2: return a * b;
	default: return a ^ b;
	}
}

/* data.c: data_switch() */
static int data_switch(int op, int a, int b)
{
	switch (op) {
	case 0: return a + b;
	case 1: return a - b;
	case 2: return a * b;
	case 3: return a ^ b;
	case 4: return a | (b << 4);
	case 5: return (a & b) + 5;
	case 6: return (a + b) * 6;
	case 7: return (a << 3) - b;
	case 8: return a * b + 8; /* op_ptr is op_mul */
	case 9: return (int)((unsigned int)a >> (b & 7)) + 9;
	default: return -1;
	}
}

/* data.c: data_goto() */
static int data_goto(int op, int a)
{
	switch (op & 3) {
	case 0: return a + 100;
	case 1: return a * 5 + 1;
	case 2: return a + 2000;
	default: return a - 7;
	}
}

/*
 * large.c (gen_large.sh): 128 functions chained so that chain position k holds
 * function k/2 (k even) or 127 - (k-1)/2 (k odd); going down, each calls the next with
 * x * 31 + i; the last returns x; coming back, each XORs i * 40503.
 */
static unsigned int large_entry(unsigned int x)
{
	unsigned int v = x;

	for (unsigned int k = 0; k < 127; k++) {
		v = v * 31u + (k % 2 == 0 ? k / 2 : 127 - (k - 1) / 2);
	}
	for (unsigned int k = 0; k < 127; k++) {
		v ^= (k % 2 == 0 ? k / 2 : 127 - (k - 1) / 2) * 40503u;
	}
	return v;
}

/* ------------------------------------------------------------------- cases ---- */

/* The linker script sorted the EXPORT_SYMBOL table and the loader finds base symbols. */
static void case_exports(const struct codegen *cg)
{
	(void)cg;
	const struct llext_const_symbol *s = _llext_const_symbol_list_start;
	size_t n = (size_t)(_llext_const_symbol_list_end - _llext_const_symbol_list_start);

	CHECK(n >= 5, "only %u base exports", (unsigned)n);
	for (size_t i = 1; i < n; i++) {
		CHECK(strcmp(s[i - 1].name, s[i].name) < 0, "export table not sorted at %s, %s",
		      s[i - 1].name, s[i].name);
	}
	CHECK(llext_find_sym(NULL, "printk") == (const void *)printk, "printk lookup");
	CHECK(llext_find_sym(NULL, "base_add") == (const void *)base_add, "base_add lookup");
	CHECK(llext_find_sym(NULL, "base_counter") == (const void *)&base_counter,
	      "base_counter lookup");
	CHECK(llext_find_sym(NULL, "memcpy") == (const void *)memcpy, "memcpy lookup");
	CHECK(llext_find_sym(NULL, "memset") == (const void *)memset, "memset lookup");
	CHECK(llext_find_sym(NULL, "memset_") == NULL, "memset_ found");
	CHECK(llext_find_sym(NULL, "a") == NULL, "'a' found");
	CHECK(llext_find_sym(NULL, "zzz") == NULL, "'zzz' found");
}

static void hello_checks(struct loaded *l, const char *name)
{
	CHECK(strcmp(l->ext->name, name) == 0, "ext->name is \"%s\"", l->ext->name);
	CHECK(l->ext->use_count == 1, "use_count %u", l->ext->use_count);
	CHECK(llext_by_name(name) == l->ext, "llext_by_name(%s) does not find it", name);
	CHECK(loaded_count() == 1, "llext_iterate sees %d extensions", loaded_count());
	TRY(call0(l->ext, "test_entry", 42, "hello world\nA number is 42\n"));
	CHECK(llext_find_sym(&l->ext->exp_tab, "no_such_symbol") == NULL, "bogus symbol found");
	rig_take_output();
	CHECK(llext_call_fn(l->ext, "test_entry") == 0, "llext_call_fn(test_entry) failed");
	CHECK(strcmp(rig_output(), "hello world\nA number is 42\n") == 0,
	      "llext_call_fn(test_entry) printed \"%s\"", escaped(rig_output()));
	CHECK(llext_call_fn(l->ext, "no_such_symbol") == -ENOENT, "llext_call_fn(missing)");
	TRY(unload(l));
	CHECK(llext_by_name(name) == NULL, "llext_by_name finds it after unload");
}

static void case_hello_world(const struct codegen *cg)
{
	struct loaded l;

	TRY(load(&l, cg, "hello_world", "hello_world"));
	hello_checks(&l, "hello_world");
}

/* The same extension after `ld -r` (what Zephyr's build produces). */
static void case_hello_world_rel(const struct codegen *cg)
{
	struct loaded l;

	TRY(load(&l, cg, "hello_world.rel", "hello_rel"));
	hello_checks(&l, "hello_rel");
}

/* The same extension linked -shared (ET_DYN, Zephyr's CONFIG_LLEXT_TYPE_ELF_SHAREDLIB). */
static void case_hello_world_so(const struct codegen *cg)
{
	struct loaded l;

	TRY(load(&l, cg, "hello_world.so", "hello_so"));
	hello_checks(&l, "hello_so");
}

/* Loading a name twice shares the extension; unloads count down. */
static void case_use_count(const struct codegen *cg)
{
	struct loaded a, b;

	TRY(load(&a, cg, "hello_world", "hello"));
	const struct rig_fixture *fx = fixture(cg, "hello_world");
	struct llext_buf_loader init = LLEXT_PERSISTENT_BUF_LOADER(fx->data, fx->len);
	struct llext_load_param def = LLEXT_LOAD_PARAM_DEFAULT;

	b.buf = init;
	int rc = llext_load(&b.buf.loader, "hello", &b.ext, &def);

	CHECK(rc == 1, "second llext_load returned %d, expected 1 (previous use count)", rc);
	CHECK(b.ext == a.ext, "second load gave another extension");
	CHECK(a.ext->use_count == 2, "use_count %u after two loads", a.ext->use_count);
	CHECK(loaded_count() == 1, "llext_iterate sees %d extensions", loaded_count());
	rc = llext_unload(&b.ext);
	CHECK(rc == 1 && b.ext != NULL, "first unload returned %d, expected 1", rc);
	TRY(call0(a.ext, "test_entry", 42, "hello world\nA number is 42\n"));
	TRY(unload(&a));
}

/* Several extensions at once; the list survives unloading from its middle; two loads of
 * one file under different names are independent instances. */
static void case_several(const struct codegen *cg)
{
	struct loaded a, b, c, d;

	TRY(load(&a, cg, "hello_world", "a"));
	TRY(load(&b, cg, "data", "b"));
	TRY(load(&c, cg, "relative_jump", "c"));
	TRY(load(&d, cg, "data", "d"));
	CHECK(loaded_count() == 4, "llext_iterate sees %d extensions", loaded_count());
	TRY(call1(b.ext, "data_rw", 5, 1010, ""));
	TRY(call1(b.ext, "data_rw", 7, 1024, ""));
	TRY(call1(d.ext, "data_rw", 5, 1010, "")); /* d's .data/.bss are its own */
	TRY(unload(&b));
	CHECK(loaded_count() == 3, "llext_iterate sees %d extensions", loaded_count());
	CHECK(llext_by_name("a") == a.ext && llext_by_name("c") == c.ext &&
		      llext_by_name("d") == d.ext && llext_by_name("b") == NULL,
	      "llext_by_name after unloading b");
	TRY(call0(a.ext, "test_entry", 42, "hello world\nA number is 42\n"));
	TRY(call0(c.ext, "test_entry", 12345, NULL));
	TRY(call1(d.ext, "data_rw", 7, 1024, ""));
	TRY(unload(&a));
	TRY(unload(&d));
	TRY(unload(&c));
}

/* data.c: everything its header comment lists, from a fresh load. */
static void data_checks(struct llext *ext)
{
	int sum = weighted("rodata greeting") * 3 + weighted("merge string literal");

	base_counter = 100;
	TRY(call0(ext, "test_entry", sum + data_op(2, 6, 7) * 2 + 6 * 7,
		  "rodata greeting|merge string literal|1000\n"));
	TRY(call0(ext, "data_rodata_sum", sum, ""));
	/* data_value 1000, bss_value 0 at load */
	TRY(call1(ext, "data_rw", 5, (1000 + 5) + 5, ""));
	TRY(call1(ext, "data_rw", 7, (1005 + 12) + 7, ""));
	TRY(call1(ext, "data_rw", 5, (1017 + 17) + 10, ""));
	TRY(call0(ext, "data_base", 103, ""));
	TRY(call0(ext, "data_base", 106, ""));
	CHECK(base_counter == 106, "base_counter %d after data_base()", base_counter);
	for (int sel = 0; sel < 4; sel++) {
		TRY(call3(ext, "data_fnptr", sel, 6, 7, data_op(sel, 6, 7) * 2 + 42, ""));
	}
	static const int ab[3][2] = {{13, 5}, {200, 3}, {3, 200}};

	for (int op = -1; op <= 10; op++) {
		for (int i = 0; i < 3; i++) {
			TRY(call3(ext, "data_switch", op, ab[i][0], ab[i][1],
				  data_switch(op, ab[i][0], ab[i][1]), ""));
		}
	}
	for (int op = 0; op < 8; op++) {
		TRY(call2(ext, "data_goto", op, 21, data_goto(op, 21), ""));
	}
}

static void case_data(const struct codegen *cg)
{
	struct loaded l;

	TRY(load(&l, cg, "data", "data"));
	data_checks(l.ext);
	if (!case_failed) {
		TRY(unload(&l));
	}
}

/* Copies a fixture into RAM (writable storage, or to clobber it after the load). */
static const struct rig_fixture *ram_fixture(const struct codegen *cg, const char *name)
{
	const struct rig_fixture *fx = fixture(cg, name);

	if (fx == NULL) {
		return NULL;
	}
	if (fx->len > sizeof(ram_copy)) {
		fail("%s is %u bytes, the RAM copy buffer %u", name, (unsigned)fx->len,
		     (unsigned)sizeof(ram_copy));
		return NULL;
	}
	memcpy(ram_copy, fx->data, fx->len);
	return fx;
}

/*
 * Notes which of text/data/rodata are used in place in `buf`, and checks that
 * mem_on_heap[] agrees: a region is either in the buffer or on the heap.
 */
static int check_in_place(const struct llext *ext, const void *buf, size_t len)
{
	static const char *const names[] = {"text", "data", "rodata"};
	int n = 0;

	note("in place:");
	for (int i = LLEXT_MEM_TEXT; i <= LLEXT_MEM_RODATA; i++) {
		if (ext->mem_size[i] == 0) {
			continue;
		}
		int inside = in_range(ext->mem[i], buf, len);

		if (inside == ext->mem_on_heap[i]) {
			return fail("%s region at %p (buffer %p) but mem_on_heap %d", names[i],
				    ext->mem[i], buf, ext->mem_on_heap[i]);
		}
		if (inside) {
			note(" %s", names[i]);
			n++;
		}
	}
	if (n == 0) {
		note(" none");
	}
	return 1;
}

/* LLEXT_STORAGE_TEMPORARY: the buffer may go away after llext_load(); scribble over it. */
static void case_storage_temporary(const struct codegen *cg)
{
	const struct rig_fixture *fx = ram_fixture(cg, "data");
	struct loaded l;

	TRY(fx);
	TRY(load_ex(&l, ram_copy, fx->len, "data_tmp", LLEXT_STORAGE_TEMPORARY, NULL));
	memset(ram_copy, 0xa5, fx->len);
	for (int i = 0; i < LLEXT_MEM_COUNT; i++) {
		CHECK(l.ext->mem[i] == NULL || !in_range(l.ext->mem[i], ram_copy, fx->len),
		      "region %d points into the temporary buffer", i);
	}
	CHECK(l.ext->sect_hdrs == NULL || !in_range(l.ext->sect_hdrs, ram_copy, fx->len),
	      "section headers point into the temporary buffer");
	data_checks(l.ext);
	if (!case_failed) {
		TRY(unload(&l));
	}
}

/*
 * The heap poisons (common/heap.c, as Zephyr's CONFIG_LLEXT_RS_HEAP_POISON): every
 * case runs with fresh blocks holding 0xA5, so data_checks() reading the right BSS and
 * data values shows the loader wrote them; and an unloaded extension's text reads 0xDB
 * past the hole header the heap writes into the first 8 bytes of a freed block.
 */
static void case_heap_poison(const struct codegen *cg)
{
	const struct rig_fixture *fx = ram_fixture(cg, "data");
	struct loaded l;

	TRY(fx);
	CHECK(rig_heap_poison, "the heap does not poison");
	TRY(load_ex(&l, ram_copy, fx->len, "poison", LLEXT_STORAGE_TEMPORARY, NULL));
	data_checks(l.ext);
	const uint8_t *text = l.ext->mem[LLEXT_MEM_TEXT];
	size_t size = l.ext->mem_size[LLEXT_MEM_TEXT];

	CHECK(l.ext->mem_on_heap[LLEXT_MEM_TEXT] && size > 8, "text: %u bytes, on heap %d",
	      (unsigned)size, l.ext->mem_on_heap[LLEXT_MEM_TEXT]);
	TRY(unload(&l));
	for (size_t i = 8; i < size; i++) {
		CHECK(text[i] == 0xDB, "unloaded text byte %u is 0x%02x", (unsigned)i, text[i]);
	}
}

/* LLEXT_STORAGE_PERSISTENT with the same checks (the buffer is const, in flash/ROM). */
static void case_storage_persistent(const struct codegen *cg)
{
	const struct rig_fixture *fx = fixture(cg, "data");
	struct loaded l;

	TRY(fx);
	TRY(load_ex(&l, fx->data, fx->len, "data_pers", LLEXT_STORAGE_PERSISTENT, NULL));
	TRY(check_in_place(l.ext, fx->data, fx->len));
	data_checks(l.ext);
	if (!case_failed) {
		TRY(unload(&l));
	}
}

/* LLEXT_STORAGE_WRITABLE: regions are used and relocated in place in the buffer. */
static void case_storage_writable(const struct codegen *cg)
{
	const struct rig_fixture *fx = ram_fixture(cg, "data");
	struct loaded l;

	TRY(fx);
	TRY(load_ex(&l, ram_copy, fx->len, "data_wr", LLEXT_STORAGE_WRITABLE, NULL));
	/*
	 * Regions are relocated in place unless they need room the file does not have
	 * (veneers or GOT entries after the text) or their sections are not one file range
	 * (then they are packed into a copy): which ones depends on the compiler's layout.
	 */
	TRY(check_in_place(l.ext, ram_copy, fx->len));
	data_checks(l.ext);
	if (!case_failed) {
		TRY(unload(&l));
	}
}

static void case_relative_jump(const struct codegen *cg)
{
	struct loaded l;

	TRY(load(&l, cg, "relative_jump", "relative_jump"));
	TRY(call0(l.ext, "test_entry", 12345,
		  "enter\nrelative jump 1\nrelative jump 2\nrelative jump 3\nrelative jump 4\n"
		  "relative jump 5\nexit\n"));
	TRY(unload(&l));
}

static void case_movwmovt(const struct codegen *cg)
{
	struct loaded l;

	TRY(load(&l, cg, "movwmovt", "movwmovt"));
	TRY(call0(l.ext, "test_entry", 16 + 22 * 100 + 8 * 10000,
		  "test movwmovt\ntest_func\ntest_func\n"));
	TRY(call0(l.ext, "movw_abs_data", 8, ""));
	TRY(call1(l.ext, "movw_abs_call", 10, 31, "test_func\n"));
	TRY(call0(l.ext, "movw_abs_data", 11, ""));
	TRY(call1(l.ext, "movw_prel_call", -4, -11, "test_func\n"));
	TRY(call0(l.ext, "movw_abs_data", -3, ""));
	TRY(unload(&l));
}

/* Two objects combined with ld -r; both have a static helper() and counter. */
static void case_multi_file(const struct codegen *cg)
{
	struct loaded l;

	TRY(load(&l, cg, "multi_file", "multi_file"));
	TRY(call0(l.ext, "test_entry", 11 + (22 + 14 + 300) + 300, "multi 1: 11\nmulti 2: 22\n"));
	TRY(unload(&l));
}

static const int *bootstrap_number;
static int bootstrap_seen;

static void bootstrap_entry(void *user_data)
{
	*(int *)user_data = *bootstrap_number;
}

static void case_init_fini(const struct codegen *cg)
{
	struct loaded l;
	uintptr_t fns[4];

	TRY(load(&l, cg, "init_fini", "init_fini"));
	TRY(read_int(l.ext, "number", 0));
	ssize_t n = llext_get_fn_table(l.ext, true, NULL, 0);

	CHECK(n == 3 * (ssize_t)sizeof(void *), "init table is %d bytes, expected 3 entries",
	      (int)n);
	CHECK(llext_get_fn_table(l.ext, true, fns, sizeof(void *)) == -ENOMEM,
	      "short buffer not refused");
	CHECK(llext_get_fn_table(l.ext, true, fns, sizeof(fns)) == n, "init table copy");
	for (int i = 0; i < 3; i++) {
		CHECK(in_range(code_addr((const void *)fns[i]), l.ext->mem[LLEXT_MEM_TEXT],
			       l.ext->mem_size[LLEXT_MEM_TEXT]),
		      "init entry %d (%p) outside the text", i, (void *)fns[i]);
	}
	n = llext_get_fn_table(l.ext, false, NULL, 0);
	CHECK(n == (ssize_t)sizeof(void *), "fini table is %d bytes, expected 1 entry", (int)n);
	CHECK(llext_bringup(l.ext) == 0, "llext_bringup failed");
	TRY(read_int(l.ext, "number", 0x123));
	TRY(call0(l.ext, "test_entry", 0x123, ""));
	CHECK(llext_teardown(l.ext) == 0, "llext_teardown failed");
	TRY(read_int(l.ext, "number", 0x1234));
	TRY(unload(&l));

	/* llext_bootstrap: init functions, the entry point, fini functions. */
	TRY(load(&l, cg, "init_fini", "init_fini"));
	bootstrap_number = export_of(l.ext, "number");
	TRY(bootstrap_number);
	bootstrap_seen = -1;
	llext_bootstrap(l.ext, bootstrap_entry, &bootstrap_seen);
	CHECK(bootstrap_seen == 0x123, "entry point saw number 0x%x, expected 0x123",
	      (unsigned)bootstrap_seen);
	TRY(read_int(l.ext, "number", 0x1234));
	TRY(unload(&l));
}

/*
 * export_dependent imports test_dependency() from export_dependency. Both unload
 * orders: the provider stays loaded while the dependent holds it.
 */
static void dependency_case(const struct codegen *cg, int provider_first)
{
	struct loaded dep, user;

	TRY(load(&dep, cg, "export_dependency", "dependency"));
	TRY(call0(dep.ext, "test_entry", 42, ""));
	TRY(call2(dep.ext, "test_dependency", -3, 5, -15, ""));
	TRY(load(&user, cg, "export_dependent", "dependent"));
	CHECK(user.ext->dependency[0] == dep.ext && user.ext->dependency[1] == NULL,
	      "dependent's dependency[] is {%p, %p}, provider %p", (void *)user.ext->dependency[0],
	      (void *)user.ext->dependency[1], (void *)dep.ext);
	CHECK(dep.ext->use_count == 2, "provider use_count %u with a dependent loaded",
	      dep.ext->use_count);
	TRY(call0(user.ext, "test_entry", 33, "dependency says 30\n"));

	if (provider_first) {
		int rc = llext_unload(&dep.ext);

		CHECK(rc == 1, "unloading the provider while used returned %d, expected 1", rc);
		CHECK(llext_by_name("dependency") != NULL, "provider gone while still used");
		TRY(call0(user.ext, "test_entry", 33, "dependency says 30\n"));
		TRY(unload(&user));
		/* llext-rs frees the provider with its last user (Zephyr 4.3 leaks it). */
		CHECK(llext_by_name("dependency") == NULL, "provider still loaded at the end");
	} else {
		TRY(unload(&user));
		CHECK(dep.ext->use_count == 1, "provider use_count %u after the dependent left",
		      dep.ext->use_count);
		TRY(call2(dep.ext, "test_dependency", 4, 5, 20, ""));
		TRY(unload(&dep));
	}
}

static void case_dependency(const struct codegen *cg)
{
	dependency_case(cg, 0);
}

/*
 * Extensions written in Rust (testkit/rust/, with llext-extension; +long-calls on ARM,
 * the static model on i586): hello_world, then the dependency pair with a Rust
 * provider for this codegen's C user and a C provider for a Rust user.
 */
static const struct codegen rust_codegen = {"rust", 0};

static void case_rust_ext(const struct codegen *cg)
{
	struct loaded hello, dep, user;

	TRY(load(&hello, &rust_codegen, "hello_world", "rust_hello"));
	TRY(call0(hello.ext, "test_entry", 42, "hello world\nA number is 42\n"));
	TRY(unload(&hello));
	for (int rust_provides = 1; rust_provides >= 0; rust_provides--) {
		const struct codegen *provider = rust_provides ? &rust_codegen : cg;
		const struct codegen *consumer = rust_provides ? cg : &rust_codegen;

		TRY(load(&dep, provider, "export_dependency", "dependency"));
		TRY(call2(dep.ext, "test_dependency", -3, 5, -15, ""));
		TRY(load(&user, consumer, "export_dependent", "dependent"));
		CHECK(user.ext->dependency[0] == dep.ext && dep.ext->use_count == 2,
		      "%s user of a %s provider: dependency[0] %p, provider %p used %u times",
		      consumer->name, provider->name, (void *)user.ext->dependency[0],
		      (void *)dep.ext, dep.ext->use_count);
		TRY(call0(user.ext, "test_entry", 33, "dependency says 30\n"));
		TRY(unload(&user));
		TRY(unload(&dep));
	}
}

/*
 * Soak (#13, on target; the host suite runs 100,000 cycles): load -> find -> call ->
 * unload, cycling through hello_world, the data fixture and the exporting/importing
 * pair, with the heap back at its baseline after every cycle. The heap poisons meanwhile,
 * so a stale read shows up as a wrong result.
 */
#define RIG_SOAK_CYCLES 150

static void case_soak(const struct codegen *cg)
{
	const size_t baseline = heap_used();
	struct loaded a, b;
	int cycle = 0;

	for (; cycle < RIG_SOAK_CYCLES && !case_failed; cycle++) {
		switch (cycle % 3) {
		case 0:
			TRY(load(&a, cg, "hello_world", "soak_hello"));
			TRY(call0(a.ext, "test_entry", 42, "hello world\nA number is 42\n"));
			TRY(unload(&a));
			break;
		case 1:
			TRY(load(&a, cg, "data", "soak_data"));
			data_checks(a.ext);
			TRY(unload(&a));
			break;
		default:
			TRY(load(&a, cg, "export_dependency", "soak_dep"));
			TRY(load(&b, cg, "export_dependent", "soak_user"));
			TRY(call0(b.ext, "test_entry", 33, "dependency says 30\n"));
			TRY(unload(&b));
			TRY(unload(&a));
			break;
		}
		CHECK(heap_used() == baseline, "cycle %d: %u heap bytes in use, baseline %u", cycle,
		      (unsigned)heap_used(), (unsigned)baseline);
	}
	rig_printf("  soak: %d cycles, heap drift %d bytes\n", cycle,
		   (int)(heap_used() - baseline));
}

static void case_dependency_provider_first(const struct codegen *cg)
{
	dependency_case(cg, 1);
}

/* Without its provider the dependent must not load: an unresolved symbol. */
static void case_dependency_missing(const struct codegen *cg)
{
	const struct rig_fixture *fx = fixture(cg, "export_dependent");
	struct loaded l;
	struct llext_load_param def = LLEXT_LOAD_PARAM_DEFAULT;

	TRY(fx);
	struct llext_buf_loader init = LLEXT_PERSISTENT_BUF_LOADER(fx->data, fx->len);

	l.buf = init;
	l.ext = NULL;
	int rc = llext_load(&l.buf.loader, "dependent", &l.ext, &def);

	CHECK(rc == -ENODATA && l.ext == NULL, "llext_load returned %d (ext %p), expected %d",
	      rc, (void *)l.ext, -ENODATA);
}

static void case_align(const struct codegen *cg)
{
	struct loaded l;

	TRY(load(&l, cg, "align", "align"));
	TRY(call0(l.ext, "test_entry", 0x3fff, ""));
	TRY(unload(&l));
}

/* The inspection API with keep_section_info (Zephyr's inspect test). */
static void case_inspect(const struct codegen *cg)
{
	static const struct {
		const char *sym;
		enum llext_mem region;
		const char *section;
	} want[] = {
		{"number_in_bss", LLEXT_MEM_BSS, ".bss"},
		{"number_in_data", LLEXT_MEM_DATA, ".data"},
		{"number_in_rodata", LLEXT_MEM_RODATA, ".rodata"},
		{"number_in_my_rodata", LLEXT_MEM_RODATA, ".my_rodata"},
		{"function_in_text", LLEXT_MEM_TEXT, ".text"},
	};
	const struct rig_fixture *fx = fixture(cg, "inspect");
	struct llext_load_param param = LLEXT_LOAD_PARAM_DEFAULT;
	struct loaded l;

	TRY(fx);
	param.keep_section_info = true;
	TRY(load_ex(&l, fx->data, fx->len, "inspect", LLEXT_STORAGE_PERSISTENT, &param));
	struct llext_loader *ldr = &l.buf.loader;

	TRY(read_int(l.ext, "number_in_bss", 0));
	TRY(read_int(l.ext, "number_in_data", 1));
	TRY(read_int(l.ext, "number_in_rodata", 2));
	TRY(read_int(l.ext, "number_in_my_rodata", 3));
	TRY(call0(l.ext, "function_in_text", 4, ""));

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const void *sym = export_of(l.ext, want[i].sym);
		const elf_shdr_t *rhdr, *shdr;
		const void *rstart;
		size_t rsize, offset;
		enum llext_mem region;

		TRY(sym);
		sym = code_addr(sym);
		CHECK(llext_get_region_info(ldr, l.ext, want[i].region, &rhdr, &rstart, &rsize) == 0,
		      "llext_get_region_info(%d)", want[i].region);
		CHECK(in_range(sym, rstart, rsize), "%s (%p) outside its region %d (%p + %u)",
		      want[i].sym, sym, want[i].region, rstart, (unsigned)rsize);
		int shndx = llext_section_shndx(ldr, l.ext, want[i].section);

		CHECK(shndx > 0, "llext_section_shndx(%s) = %d", want[i].section, shndx);
		CHECK(llext_get_section_info(ldr, l.ext, shndx, &shdr, &region, &offset) == 0,
		      "llext_get_section_info(%s)", want[i].section);
		CHECK(shdr == &llext_section_headers(l.ext)[shndx], "%s: header pointer",
		      want[i].section);
		CHECK(region == want[i].region, "%s in region %d, expected %d", want[i].section,
		      region, want[i].region);
		/* Each symbol is alone in (so at the start of) its section. */
		CHECK((const uint8_t *)rstart + offset == sym,
		      "%s: region start %p + section offset %u != symbol %p", want[i].section,
		      rstart, (unsigned)offset, sym);
	}
	CHECK(llext_free_inspection_data(ldr, l.ext) == 0, "llext_free_inspection_data failed");
	CHECK(ldr->sect_map == NULL, "sect_map kept after llext_free_inspection_data");
	CHECK(llext_get_section_info(ldr, l.ext, 1, NULL, NULL, NULL) == -ENOTSUP,
	      "section info still available");
	TRY(unload(&l));
}

/* llext_find_section: file offset of a section, through the buffer loader's peek. */
static void case_find_section(const struct codegen *cg)
{
	const struct rig_fixture *fx = fixture(cg, "find_section");
	struct loaded l;

	TRY(fx);
	TRY(load_ex(&l, fx->data, fx->len, "find_section", LLEXT_STORAGE_PERSISTENT, NULL));
	ssize_t off = llext_find_section(&l.buf.loader, ".data");

	CHECK(off > 0 && (size_t)off + sizeof(int) <= fx->len, "llext_find_section(.data) = %d",
	      (int)off);
	int number;

	memcpy(&number, fx->data + off, sizeof(number));
	CHECK(number == 42, "the file's .data starts with %d, expected 42", number);
	CHECK(llext_find_section(&l.buf.loader, ".no_such_section") == -ENOENT,
	      "missing section not -ENOENT");
	TRY(read_int(l.ext, "number", 42));
	TRY(call0(l.ext, "test_entry", 42, ""));
	TRY(unload(&l));
}

/* section_detached: .detach stays in the (writable) buffer, outside the regions. */
static struct llext *detached_ext;
static struct llext_buf_loader detached_ldr;

static bool is_detached(const elf_shdr_t *shdr)
{
	elf_shdr_t want;

	/* Zephyr's pattern: the extension being loaded is already published in *ext. */
	if (detached_ext == NULL ||
	    llext_get_section_header(&detached_ldr.loader, detached_ext, ".detach", &want) != 0) {
		return false;
	}
	return shdr->sh_name == want.sh_name && shdr->sh_offset == want.sh_offset;
}

static void case_detached(const struct codegen *cg)
{
	const struct rig_fixture *fx = ram_fixture(cg, "detached");
	struct llext_load_param param = LLEXT_LOAD_PARAM_DEFAULT;

	TRY(fx);
	struct llext_buf_loader init = LLEXT_WRITABLE_BUF_LOADER(ram_copy, fx->len);

	detached_ldr = init;
	detached_ext = NULL;
	param.section_detached = is_detached;
	int rc = llext_load(&detached_ldr.loader, "detached", &detached_ext, &param);

	CHECK(rc == 0 && detached_ext != NULL, "llext_load returned %d", rc);
	struct llext *ext = detached_ext;
	const void *fn = export_of(ext, "detached_entry");

	TRY(fn);
	CHECK(in_range(code_addr(fn), ram_copy, fx->len), "detached_entry (%p) not in the buffer",
	      fn);
	CHECK(!in_range(code_addr(fn), ext->mem[LLEXT_MEM_TEXT], ext->mem_size[LLEXT_MEM_TEXT]),
	      "detached_entry (%p) inside the text region", fn);
	TRY(call0(ext, "detached_entry", 98, "bss 0 data -3\n"));
	TRY(call0(ext, "test_entry", 199, "bss 1 data -2\n"));
	TRY(call0(ext, "detached_entry", 300, "bss 2 data -1\n"));
	rc = llext_unload(&detached_ext);
	CHECK(rc == 0 && detached_ext == NULL, "llext_unload returned %d", rc);
}

/* More than 64 KiB of text on i386; on the Cortex-M3 a reduced variant (see Makefile). */
static void case_large(const struct codegen *cg)
{
	struct loaded l;

	TRY(load(&l, cg, "large", "large"));
	TRY(call0(l.ext, "test_entry", (int)large_entry(1), ""));
	TRY(call1(l.ext, "large_entry", 0, (int)large_entry(0), ""));
	TRY(call1(l.ext, "large_entry", 12345, (int)large_entry(12345), ""));
#if !ARCH_ARM
	CHECK(l.ext->mem_size[LLEXT_MEM_TEXT] > 64 * 1024, "text is only %u bytes",
	      (unsigned)l.ext->mem_size[LLEXT_MEM_TEXT]);
#endif
	note("text %u bytes%s", (unsigned)l.ext->mem_size[LLEXT_MEM_TEXT],
	     ARCH_ARM ? " (reduced large.c: 64 KiB RAM)" : "");
	TRY(unload(&l));
}

/* Relocation types plain C does not produce (relocs_arm.c / relocs_i386.c). */
static void case_relocs(const struct codegen *cg)
{
	struct loaded l;

	TRY(load(&l, cg, "relocs", "relocs"));
#if ARCH_ARM
	TRY(call1(l.ext, "thumb_target", 3, 22, ""));
	TRY(call1(l.ext, "via_prel31", 1, 8, ""));
	TRY(call1(l.ext, "via_rel32", 2, 15, ""));
	TRY(call1(l.ext, "via_abs32", 3, 22, ""));
	TRY(call1(l.ext, "via_movw_prel", 4, 29, ""));
	TRY(call0(l.ext, "via_movw_abs_data", 0x5a5a1234, ""));
	TRY(call2(l.ext, "tail_base_add", 1000, 5, 1005, ""));
	TRY(call0(l.ext, "thumb_bit_ok", 1, ""));
	TRY(call0(l.ext, "test_entry", 8 + 15 + 22 + 29 + 1005 + 100000, ""));
#else
	base_counter = 77;
	TRY(call2(l.ext, "got32x_call", 40, 2, 42, ""));
	TRY(call0(l.ext, "got32x_load", 77, ""));
	TRY(call0(l.ext, "got32_load", 77, ""));
	TRY(call0(l.ext, "gotoff_load", 0x1111, ""));
	TRY(call2(l.ext, "plt32_call", 3, 4, 7, ""));
	TRY(call2(l.ext, "pc32_call", 5, 6, 11, ""));
	TRY(call0(l.ext, "abs32_load", 0x2222, ""));
	TRY(call0(l.ext, "test_entry", 42 + 7 + 11 + 0x1111 + 0x2222 + 77 * 2000, ""));
#endif
	TRY(unload(&l));
}

/* A loader like a file system's: no peek, no known length, prepare/finalize hooks. */
struct stream_loader {
	struct llext_loader loader;
	const uint8_t *data;
	size_t len, pos;
	int prepared, finalized;
};

static int stream_prepare(struct llext_loader *ldr)
{
	((struct stream_loader *)ldr)->prepared++;
	return 0;
}

static int stream_read(struct llext_loader *ldr, void *buf, size_t len)
{
	struct stream_loader *s = (struct stream_loader *)ldr;

	if (len > s->len - s->pos) {
		return -EINVAL;
	}
	memcpy(buf, s->data + s->pos, len);
	s->pos += len;
	return 0;
}

static int stream_seek(struct llext_loader *ldr, size_t pos)
{
	struct stream_loader *s = (struct stream_loader *)ldr;

	if (pos > s->len) {
		return -EINVAL;
	}
	s->pos = pos;
	return 0;
}

static void stream_finalize(struct llext_loader *ldr)
{
	((struct stream_loader *)ldr)->finalized++;
}

static int stream_load(const uint8_t *data, size_t len, struct llext **ext)
{
	struct stream_loader s = {
		.loader = {.prepare = stream_prepare,
			   .read = stream_read,
			   .seek = stream_seek,
			   .finalize = stream_finalize,
			   .storage = LLEXT_STORAGE_TEMPORARY},
		.data = data,
		.len = len,
	};
	struct llext_load_param def = LLEXT_LOAD_PARAM_DEFAULT;
	int rc = llext_load(&s.loader, "stream", ext, &def);

	if (s.prepared != 1 || s.finalized != 1) {
		fail("prepare called %d times, finalize %d times", s.prepared, s.finalized);
		return -1000;
	}
	return rc;
}

static void case_custom_loader(const struct codegen *cg)
{
	const struct rig_fixture *fx = fixture(cg, "hello_world");
	struct llext *ext = NULL;

	TRY(fx);
	int rc = stream_load(fx->data, fx->len, &ext);

	CHECK(rc == 0 && ext != NULL, "llext_load returned %d", rc);
	TRY(call0(ext, "test_entry", 42, "hello world\nA number is 42\n"));
	CHECK(llext_unload(&ext) == 0, "unload");
	/* Truncated behind a loader that does not know the length. */
	rc = stream_load(fx->data, fx->len - 1, &ext);
	CHECK(rc < 0 && ext == NULL, "truncated file: llext_load returned %d", rc);
}

/* Malformed files and arguments: a negative errno, nothing loaded, nothing leaked. */
static int load_bytes(const uint8_t *data, size_t len, const char *name)
{
	struct llext_buf_loader ldr = LLEXT_PERSISTENT_BUF_LOADER(data, len);
	struct llext_load_param def = LLEXT_LOAD_PARAM_DEFAULT;
	struct llext *ext = (struct llext *)1;
	int rc = llext_load(&ldr.loader, name, &ext, &def);

	if (rc >= 0 || ext != NULL) {
		fail("%s: llext_load returned %d (ext %p), expected an error", name, rc,
		     (void *)ext);
		if (ext != NULL && ext != (struct llext *)1) {
			llext_unload(&ext);
		}
		return 1;
	}
	return rc;
}

static void put16(uint8_t *p, unsigned int v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v & 0xffff);
	put16(p + 2, v >> 16);
}

static void case_bad_inputs(const struct codegen *cg)
{
	const struct rig_fixture *fx = ram_fixture(cg, "hello_world");
	int rc;

	TRY(fx);
	const size_t len = fx->len;
	const size_t cuts[] = {0, 4, 16, 51, 52, len / 2, len - 1};

	for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		rc = load_bytes(ram_copy, cuts[i], "truncated");
		CHECK(rc < 0, "truncated to %u bytes", (unsigned)cuts[i]);
	}
	ram_copy[1] = 'F';
	rc = load_bytes(ram_copy, len, "bad_magic");
	CHECK(rc == -ENOEXEC, "bad magic: %d, expected %d", rc, -ENOEXEC);

	memcpy(ram_copy, fx->data, len);
	put16(ram_copy + 18, ARCH_ARM ? 3 /* EM_386 */ : 40 /* EM_ARM */);
	rc = load_bytes(ram_copy, len, "wrong_machine");
	CHECK(rc < 0, "wrong machine");

	memcpy(ram_copy, fx->data, len);
	put32(ram_copy + 32, (uint32_t)len); /* e_shoff at the end of the file */
	rc = load_bytes(ram_copy, len, "bad_shoff");
	CHECK(rc < 0, "section headers past the end");

	memcpy(ram_copy, fx->data, len);
	put16(ram_copy + 48, 0xfff0); /* e_shnum beyond the file */
	rc = load_bytes(ram_copy, len, "bad_shnum");
	CHECK(rc < 0, "too many section headers");

	memcpy(ram_copy, fx->data, len);
	put16(ram_copy + 50, 0xfff0); /* e_shstrndx out of range */
	rc = load_bytes(ram_copy, len, "bad_shstrndx");
	CHECK(rc < 0, "bad e_shstrndx");

	/* A 16-character name is cut to its first 15, as Zephyr cuts it. */
	{
		struct llext_buf_loader ldr = LLEXT_PERSISTENT_BUF_LOADER(fx->data, len);
		struct llext_load_param def = LLEXT_LOAD_PARAM_DEFAULT;
		struct llext *ext = NULL;

		rc = llext_load(&ldr.loader, "sixteen_chars_xx", &ext, &def);
		CHECK(rc == 0 && ext != NULL, "16-character name: %d", rc);
		CHECK(strcmp(ext->name, "sixteen_chars_x") == 0, "16-character name kept as \"%s\"",
		      ext->name);
		CHECK(llext_by_name("sixteen_chars_x") == ext, "cut name not found by llext_by_name");
		CHECK(llext_unload(&ext) == 0, "unload of the cut name");
	}
	rc = load_bytes(fx->data, len, "");
	CHECK(rc == -EINVAL, "empty name: %d, expected %d", rc, -EINVAL);

	struct llext *none = NULL;

	CHECK(llext_unload(&none) == -EINVAL, "llext_unload(NULL ext) not -EINVAL");
	CHECK(llext_unload(NULL) == -EINVAL, "llext_unload(NULL) not -EINVAL");
	struct llext_buf_loader ldr = LLEXT_PERSISTENT_BUF_LOADER(fx->data, len);

	CHECK(llext_load(&ldr.loader, "x", NULL, NULL) == -EINVAL, "NULL ext pointer accepted");
}

/*
 * Every byte of hello_world changed in turn (xor 0xff, then +1): each load must fail
 * cleanly or succeed and unload; no fault, no panic, no leak. Nothing loaded is run.
 */
static void case_mutations(const struct codegen *cg)
{
	const struct rig_fixture *fx = ram_fixture(cg, "hello_world");
	unsigned int loaded = 0, tried = 0;

	TRY(fx);
	for (size_t i = 0; i < fx->len; i++) {
		for (int how = 0; how < 2; how++) {
			struct llext_buf_loader ldr = LLEXT_PERSISTENT_BUF_LOADER(ram_copy, fx->len);
			struct llext_load_param def = LLEXT_LOAD_PARAM_DEFAULT;
			struct llext *ext = NULL;

			ram_copy[i] = how == 0 ? fx->data[i] ^ 0xff : (uint8_t)(fx->data[i] + 1);
			int rc = llext_load(&ldr.loader, "mutant", &ext, &def);

			tried++;
			if (rc == 0) {
				loaded++;
				CHECK(ext != NULL, "byte %u: success without an extension", (unsigned)i);
				CHECK(llext_unload(&ext) == 0, "byte %u: unload failed", (unsigned)i);
			} else {
				CHECK(rc < 0 && ext == NULL, "byte %u: llext_load returned %d (ext %p)",
				      (unsigned)i, rc, (void *)ext);
			}
			ram_copy[i] = fx->data[i];
		}
	}
	note("%u of %u mutants loaded", loaded, tried);
}

/* Fill the heap with loads until one fails: -ENOMEM, and everything unloads cleanly. */
static void case_heap_exhaustion(const struct codegen *cg)
{
	const struct rig_fixture *fx = fixture(cg, "data");
	/* Enough for the i386 heap; the Cortex-M3 heap holds far fewer. */
	static struct llext *exts[ARCH_ARM ? 64 : 400];
	int n = 0, rc = 0;

	TRY(fx);
	for (; n < (int)(sizeof(exts) / sizeof(exts[0])); n++) {
		char name[8] = {'o', 'o', 'm', (char)('0' + n / 100), (char)('0' + n / 10 % 10),
				(char)('0' + n % 10), 0};
		struct llext_buf_loader ldr = LLEXT_PERSISTENT_BUF_LOADER(fx->data, fx->len);
		struct llext_load_param def = LLEXT_LOAD_PARAM_DEFAULT;

		exts[n] = NULL;
		rc = llext_load(&ldr.loader, name, &exts[n], &def);
		if (rc != 0) {
			break;
		}
	}
	CHECK(n > 0, "not even one load: %d", rc);
	CHECK(n < (int)(sizeof(exts) / sizeof(exts[0])), "%d loads and the heap is not full", n);
	CHECK(rc == -ENOMEM && exts[n] == NULL, "load %d returned %d, expected %d", n, rc,
	      -ENOMEM);
	/* The last one still works after the failed load. */
	TRY(call0(exts[n - 1], "data_rodata_sum",
		  weighted("rodata greeting") * 3 + weighted("merge string literal"), ""));
	/* llext_rs_heap_usage() says what the heap itself counts: nearly full now. */
	struct llext_rs_heap_usage usage;
	size_t used, max_used, size;

	CHECK(llext_rs_heap_usage(NULL) == -EINVAL, "llext_rs_heap_usage(NULL) accepted");
	CHECK(llext_rs_heap_usage(&usage) == 0, "llext_rs_heap_usage failed");
	llext_rs_bare_heap_usage(&used, &max_used, &size);
	CHECK(usage.used == used && usage.max_used == max_used && usage.size == size,
	      "heap usage %u/%u/%u, the heap says %u/%u/%u", (unsigned)usage.used,
	      (unsigned)usage.max_used, (unsigned)usage.size, (unsigned)used, (unsigned)max_used,
	      (unsigned)size);
	CHECK(usage.used <= usage.max_used && usage.max_used <= usage.size &&
		      usage.used > usage.size / 2,
	      "a full heap of %u bytes has %u in use, %u at most", (unsigned)usage.size,
	      (unsigned)usage.used, (unsigned)usage.max_used);
	for (int i = 0; i < n; i++) {
		CHECK(llext_unload(&exts[i]) == 0, "unload %d", i);
	}
	CHECK(llext_rs_heap_usage(&usage) == 0 && usage.used < used && usage.max_used == max_used,
	      "after unloading: %u in use, %u at most", (unsigned)usage.used,
	      (unsigned)usage.max_used);
}

/* ------------------------------------------------------------- lean figures ---- */

/*
 * Instructions per load + find + call + unload of hello_world (8 relocations) and bulk
 * (120 functions, ~500 relocations), averaged over LEAN_CYCLES, with Zephyr's codegen
 * for the arch (-mlong-calls on ARM, Debian's default PIC on i686). run.sh prints them
 * in the LEAN line. The loads call llext_load itself, not the stack probe around it.
 */
#define LEAN_CYCLES 16

int __real_llext_load(struct llext_loader *ldr, const char *name, struct llext **ext,
		      const struct llext_load_param *ldr_parm);

/* Clock ticks for a known 2,000,000 instructions (rig_spin), measured once. */
static uint64_t cal_ticks;
#define CAL_INSNS 2000000u

static uint64_t insns_of(uint64_t ticks)
{
	if (cal_ticks == 0) {
		uint64_t t0 = rig_ticks();

		rig_spin(CAL_INSNS / 2);
		cal_ticks = rig_ticks() - t0;
	}
	return cal_ticks == 0 ? 0 : ticks * CAL_INSNS / cal_ticks;
}

struct lean_result {
	const char *fixture;
	int expect;
	uint64_t phase[4]; /* load, find, call, unload: ticks over all cycles */
	size_t held;       /* heap bytes the loaded extension holds */
	size_t copied;     /* bytes of the regions the load copied to the heap */
	size_t relocs;     /* relocation entries in the file */
	uint64_t floor;    /* ticks of the floor (see lean_floor), over all cycles */
	int done;
};

static struct lean_result lean_results[] = {
	{"hello_world", 42, {0}, 0, 0, 0, 0, 0},
	{"bulk", 8040, {0}, 0, 0, 0, 0, 0},
};

/*
 * The floor of a load (issue #18): what no loader can avoid, copying the bytes it
 * copies and one read-modify-write per relocation. Measured the same way as the load:
 * memcpy of `copied` bytes from the file into a heap block, then, per relocation entry
 * of the file, its r_offset read and one word of the copy incremented there.
 */
void *llext_rs_bare_alloc(size_t size, size_t align);
void llext_rs_bare_free(void *ptr, size_t size, size_t align);

static uint64_t lean_floor(const struct rig_fixture *fx, size_t copied, size_t *relocs)
{
	const elf_ehdr_t *eh = (const elf_ehdr_t *)fx->data;
	const elf_shdr_t *sh = (const elf_shdr_t *)(fx->data + eh->e_shoff);
	size_t span = sizeof(uint32_t); /* a power of two: a mask, not a division, per entry */

	while (span < copied) {
		span <<= 1;
	}
	uint8_t *copy = llext_rs_bare_alloc(span, sizeof(uint32_t));
	size_t count = 0;

	if (copy == NULL) {
		return 0;
	}
	uint64_t t0 = rig_ticks();

	memcpy(copy, fx->data, copied < fx->len ? copied : fx->len);
	for (unsigned int i = 0; i < eh->e_shnum; i++) {
		if (sh[i].sh_type != SHT_REL && sh[i].sh_type != SHT_RELA) {
			continue;
		}
		const uint8_t *entry = fx->data + sh[i].sh_offset;

		for (size_t n = sh[i].sh_size / sh[i].sh_entsize; n > 0; n--, count++) {
			uint32_t at = ((const elf_rel_t *)entry)->r_offset & (span - 4);

			(*(volatile uint32_t *)(copy + at))++;
			entry += sh[i].sh_entsize;
		}
	}
	uint64_t ticks = rig_ticks() - t0;

	llext_rs_bare_free(copy, span, sizeof(uint32_t));
	*relocs = count;
	return ticks;
}

static void lean_one(const struct codegen *cg, struct lean_result *r)
{
	const struct rig_fixture *fx = fixture(cg, r->fixture);

	TRY(fx != NULL);
	/* One untimed load through the stack probe (llext_load is wrapped): the lean
	 * library's image runs no other case, and its peak belongs in the LEAN line. */
	{
		struct llext_buf_loader buf = LLEXT_PERSISTENT_BUF_LOADER(fx->data, fx->len);
		struct llext_load_param param = LLEXT_LOAD_PARAM_DEFAULT;
		struct llext *ext = NULL;
		size_t before = heap_used();
		int rc = llext_load(&buf.loader, "lean", &ext, &param);

		r->held = heap_used() - before;
		CHECK(rc == 0 && ext != NULL, "%s: llext_load returned %d", r->fixture, rc);
		for (int m = 0; m < LLEXT_MEM_COUNT; m++) {
			r->copied += ext->mem_on_heap[m] ? ext->mem_size[m] : 0;
		}
		CHECK(llext_unload(&ext) == 0, "%s: llext_unload", r->fixture);
	}
	for (int i = 0; i < LEAN_CYCLES; i++) {
		r->floor += lean_floor(fx, r->copied, &r->relocs);
	}
	for (int i = 0; i < LEAN_CYCLES; i++) {
		struct llext_buf_loader buf = LLEXT_PERSISTENT_BUF_LOADER(fx->data, fx->len);
		struct llext_load_param param = LLEXT_LOAD_PARAM_DEFAULT;
		struct llext *ext = NULL;
		uint64_t t0 = rig_ticks();
		int rc = __real_llext_load(&buf.loader, "lean", &ext, &param);
		uint64_t t1 = rig_ticks();

		CHECK(rc == 0 && ext != NULL, "%s: llext_load returned %d", r->fixture, rc);
		int (*entry)(void) = llext_find_sym(&ext->exp_tab, "test_entry");
		uint64_t t2 = rig_ticks();

		CHECK(entry != NULL, "%s: test_entry not exported", r->fixture);
		int ret = entry();
		uint64_t t3 = rig_ticks();

		rc = llext_unload(&ext);
		uint64_t t4 = rig_ticks();

		rig_take_output();
		CHECK(ret == r->expect, "%s: test_entry() returned %d, expected %d", r->fixture,
		      ret, r->expect);
		CHECK(rc == 0, "%s: llext_unload returned %d", r->fixture, rc);
		r->phase[0] += t1 - t0;
		r->phase[1] += t2 - t1;
		r->phase[2] += t3 - t2;
		r->phase[3] += t4 - t3;
	}
	r->done = 1;
}

static void case_lean(const struct codegen *cg)
{
	rig_heap_poison = 0;
	for (size_t i = 0; i < sizeof(lean_results) / sizeof(lean_results[0]); i++) {
		lean_one(cg, &lean_results[i]);
		if (case_failed) {
			break;
		}
	}
	rig_heap_poison = 1;
}

/*
 * The lean library leaves the optional features out, and says so: an ET_DYN file is
 * -ENOTSUP, a relocation that needs a veneer (ARM without -mlong-calls) or a GOT entry
 * (the i386 relocation fixture) is -ENOEXEC, and so is an ARM relocation type only
 * CONFIG_LLEXT_RS_GOT_VENEERS brings; nothing stays allocated.
 */
static void case_lean_features(const struct codegen *unused)
{
	static const struct {
		const char *codegen, *fixture;
		int expect;
	} refused[] = {
#if defined(__arm__)
		{"arm", "hello_world.so", -ENOTSUP},
		{"arm", "hello_world", -ENOEXEC},
#else
		{"i686-pic", "hello_world.so", -ENOTSUP},
		{"i686-pic", "relocs", -ENOEXEC},
#endif
	};
	size_t before = heap_used();

	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		const struct codegen *cg = NULL;

		for (size_t c = 0; c < sizeof(codegens) / sizeof(codegens[0]); c++) {
			if (strcmp(codegens[c].name, refused[i].codegen) == 0) {
				cg = &codegens[c];
			}
		}
		TRY(cg != NULL);
		const struct rig_fixture *fx = fixture(cg, refused[i].fixture);

		TRY(fx != NULL);
		struct llext_buf_loader buf = LLEXT_PERSISTENT_BUF_LOADER(fx->data, fx->len);
		struct llext_load_param param = LLEXT_LOAD_PARAM_DEFAULT;
		struct llext *ext = NULL;
		int rc = llext_load(&buf.loader, "refused", &ext, &param);

		CHECK(rc == refused[i].expect && ext == NULL, "%s/%s: llext_load returned %d, expected %d",
		      refused[i].codegen, refused[i].fixture, rc, refused[i].expect);
		CHECK(heap_used() == before, "%s/%s: %u bytes left allocated", refused[i].codegen,
		      refused[i].fixture, (unsigned)(heap_used() - before));
	}
	/* A relocation type Zephyr's relocator does not handle either (ARM: THM_JUMP19, a
	 * conditional branch of code built without -mlong-calls; i386: R_386_16) needs
	 * CONFIG_LLEXT_RS_GOT_VENEERS: hello_world with its first relocation retyped. */
#if defined(__arm__)
	const struct codegen *cg = &codegens[1]; /* arm-longcalls */
	const uint32_t retype = 51;              /* R_ARM_THM_JUMP19 */
#else
	const struct codegen *cg = &codegens[0]; /* i686-pic */
	const uint32_t retype = 20;              /* R_386_16 */
#endif
	const struct rig_fixture *fx = fixture(cg, "hello_world");

	TRY(fx != NULL);
	uint8_t *copy = llext_rs_bare_alloc(fx->len, sizeof(uint32_t));

	TRY(copy != NULL);
	memcpy(copy, fx->data, fx->len);
	const elf_ehdr_t *eh = (const elf_ehdr_t *)copy;
	const elf_shdr_t *sh = (const elf_shdr_t *)(copy + eh->e_shoff);
	int retyped = 0;

	for (unsigned int i = 0; i < eh->e_shnum && !retyped; i++) {
		if (sh[i].sh_type == SHT_REL && sh[i].sh_size != 0) {
			elf_rel_t *rel = (elf_rel_t *)(copy + sh[i].sh_offset);

			rel->r_info = (rel->r_info & ~0xffu) | retype;
			retyped = 1;
		}
	}
	struct llext_buf_loader buf = LLEXT_PERSISTENT_BUF_LOADER(copy, fx->len);
	struct llext_load_param param = LLEXT_LOAD_PARAM_DEFAULT;
	struct llext *ext = NULL;
	int rc = retyped ? llext_load(&buf.loader, "refused", &ext, &param) : 0;

	llext_rs_bare_free(copy, fx->len, sizeof(uint32_t));
	CHECK(retyped && rc == -ENOEXEC && ext == NULL,
	      "%s/hello_world with relocation type %u: llext_load returned %d, expected %d",
	      cg->name, (unsigned)retype, rc, -ENOEXEC);
	CHECK(heap_used() == before, "%s/hello_world with relocation type %u: %u bytes left allocated",
	      cg->name, (unsigned)retype, (unsigned)(heap_used() - before));
}

static void print_lean(const char *codegen)
{
	static const char *const label[] = {"hello", "bulk"};

	for (size_t i = 0; i < sizeof(lean_results) / sizeof(lean_results[0]); i++) {
		const struct lean_result *r = &lean_results[i];
		unsigned int p[4], sum = 0;

		if (!r->done) {
			continue;
		}
		for (int k = 0; k < 4; k++) {
			p[k] = (unsigned int)(insns_of(r->phase[k]) / LEAN_CYCLES);
			sum += p[k];
		}
		rig_printf("insns: %s %u per load+find+call+unload (%s %s, mean of %d; load %u, "
			   "find %u, call %u, unload %u)\n",
			   label[i], sum, codegen, r->fixture, LEAN_CYCLES, p[0], p[1], p[2], p[3]);
		rig_printf("heap: %s extension holds %u bytes while loaded (%s %s, persistent "
			   "buffer: regions in place where allowed)\n",
			   label[i], (unsigned int)r->held, codegen, r->fixture);
		unsigned int floor = (unsigned int)(insns_of(r->floor) / LEAN_CYCLES);

		/* Tenths, in integers: the rig's printf has no floating point. */
		rig_printf("floor: %s %u insns (copy %u bytes, %u relocations); load %u.%u x the "
			   "floor\n",
			   label[i], floor, (unsigned int)r->copied, (unsigned int)r->relocs,
			   floor ? p[0] / floor : 0, floor ? p[0] * 10 / floor % 10 : 0);
	}
}

/* ------------------------------------------------------------------- main ---- */

struct case_def {
	const char *name;
	void (*fn)(const struct codegen *cg);
	enum { ANY, ARM_ONLY, SHARED_ONLY } when;
};

static const struct case_def cases[] = {
	{"hello_world", case_hello_world, ANY},
	{"hello_world.rel", case_hello_world_rel, ANY},
	{"hello_world.so", case_hello_world_so, SHARED_ONLY},
	{"use_count", case_use_count, ANY},
	{"several", case_several, ANY},
	{"data", case_data, ANY},
	{"storage_temporary", case_storage_temporary, ANY},
	{"heap_poison", case_heap_poison, ANY},
	{"storage_persistent", case_storage_persistent, ANY},
	{"storage_writable", case_storage_writable, ANY},
	{"relative_jump", case_relative_jump, ANY},
	{"movwmovt", case_movwmovt, ARM_ONLY},
	{"multi_file", case_multi_file, ANY},
	{"init_fini", case_init_fini, ANY},
	{"dependency", case_dependency, ANY},
	{"rust_ext", case_rust_ext, ANY},
	{"dependency_provider_first", case_dependency_provider_first, ANY},
	{"soak", case_soak, ANY},
	{"dependency_missing", case_dependency_missing, ANY},
	{"align", case_align, ANY},
	{"inspect", case_inspect, ANY},
	{"find_section", case_find_section, ANY},
	{"detached", case_detached, ANY},
	{"large", case_large, ANY},
	{"relocs", case_relocs, ANY},
	{"custom_loader", case_custom_loader, ANY},
	{"bad_inputs", case_bad_inputs, ANY},
	{"mutations", case_mutations, ANY},
};

int rig_main(void)
{
	rig_printf("llext-rs target rig on %s%s\n", rig_machine,
		   RIG_LEAN_ONLY_ ? " (lean library: the lean case only)" : "");
	/* The first API call attaches the base export table; measure after it. */
	run_case("base", "exports", case_exports, NULL);
	size_t baseline = heap_used();

	/*
	 * RIG_LEAN_ONLY: the image linked with the lean library (no optional features) runs
	 * the lean case alone; the cases need the full library's features.
	 */
	for (size_t c = 0; !RIG_LEAN_ONLY_ && c < sizeof(codegens) / sizeof(codegens[0]); c++) {
		const struct codegen *cg = &codegens[c];

		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			if ((cases[i].when == ARM_ONLY && !ARCH_ARM) ||
			    (cases[i].when == SHARED_ONLY && !cg->shared)) {
				continue;
			}
			run_case(cg->name, cases[i].name, cases[i].fn, cg);
		}
	}

	/* Zephyr's codegen: -mlong-calls on ARM, Debian's default PIC on i686. */
	const struct codegen *lean_cg = ARCH_ARM ? &codegens[1] : &codegens[0];

	run_case(lean_cg->name, "lean", case_lean, lean_cg);
	print_lean(lean_cg->name);
	if (RIG_LEAN_ONLY_) {
		run_case(lean_cg->name, "lean_features", case_lean_features, NULL);
	}

	/* The high-water mark of real use, before the case that fills the heap on purpose. */
	size_t used, peak, size;

	llext_rs_bare_heap_usage(&used, &peak, &size);
	if (!RIG_LEAN_ONLY_) {
		run_case(codegens[0].name, "heap_exhaustion", case_heap_exhaustion, &codegens[0]);
	}
	used = heap_used();
	rig_printf("heap: high-water %u of %u bytes (before heap_exhaustion); %u in use at the "
		   "end, baseline %u\n",
		   (unsigned)peak, RIG_HEAP_KB * 1024u, (unsigned)used, (unsigned)baseline);
	rig_printf("stack: high-water %u of %u bytes\n", (unsigned)rig_stack_high_water(),
		   (unsigned)rig_stack_size);
	rig_printf("stack: llext_load peak %u bytes (every load of the run)\n",
		   (unsigned)rig_load_stack_peak);
	if (used != baseline) {
		n_failed++;
		rig_printf("FAIL base/heap_baseline: %u bytes still allocated\n",
			   (unsigned)(used - baseline));
	} else {
		n_passed++;
		rig_printf("PASS base/heap_baseline\n");
	}
	rig_printf("%u passed, %u failed\n", n_passed, n_failed);
	return n_failed != 0;
}
