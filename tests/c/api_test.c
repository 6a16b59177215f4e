/*
 * The C API from C: this file includes only llext-rs's generated headers and uses them
 * the way Zephyr application code does. The Rust test tests/c_api.rs hands it real
 * x86_64 fixture extensions (built by the testkit) and runs it natively.
 */
#include <zephyr/llext/llext.h>
#include <zephyr/llext/buf_loader.h>
#include <zephyr/llext/inspect.h>
#include <zephyr/llext/symbol.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- The base image: what extensions link against. ---- */

static char printed[512];
static size_t printed_len;

static int c_printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(printed + printed_len, sizeof(printed) - printed_len, fmt, ap);
	va_end(ap);
	if (n > 0) {
		printed_len += (size_t)n < sizeof(printed) - printed_len ? (size_t)n : 0;
	}
	return n;
}
EXPORT_SYMBOL_NAMED(c_printk, printk);

static int c_base_add(int a, int b)
{
	return a + b;
}
EXPORT_SYMBOL_NAMED(c_base_add, base_add);

static int c_base_counter = 100;
EXPORT_SYMBOL_NAMED(c_base_counter, base_counter);

/* ---- Checks: the first failure is reported with its line. ---- */

static char failure[256];

#define CHECK(cond)                                                                        \
	do {                                                                               \
		if (!(cond)) {                                                             \
			snprintf(failure, sizeof(failure), "%s:%d: %s", __FILE__, __LINE__, #cond); \
			return -1;                                                         \
		}                                                                          \
	} while (0)

const char *llext_rs_c_api_failure(void)
{
	return failure;
}

static int count_cb(struct llext *ext, void *arg)
{
	(void)ext;
	++*(int *)arg;
	return 0;
}

static int find_cb(struct llext *ext, void *arg)
{
	return strcmp(ext->name, (const char *)arg) == 0 ? 7 : 0;
}

/* hello_world: load through LLEXT_BUF_LOADER, call, iterate, use counts, unload. */
int llext_rs_c_api_hello(const uint8_t *elf, size_t len)
{
	struct llext_buf_loader buf_loader = LLEXT_TEMPORARY_BUF_LOADER(elf, len);
	struct llext_loader *ldr = &buf_loader.loader;
	struct llext_load_param param = LLEXT_LOAD_PARAM_DEFAULT;
	struct llext *ext = NULL, *again = NULL;
	int n = 0;

	CHECK(llext_find_sym(NULL, "base_add") == (const void *)c_base_add);
	CHECK(llext_find_sym(NULL, "printk") == (const void *)c_printk);
	CHECK(llext_find_sym(NULL, "no_such_symbol") == NULL);

	CHECK(llext_load(ldr, "hello", &ext, &param) == 0);
	CHECK(ext != NULL && strcmp(ext->name, "hello") == 0 && ext->use_count == 1);
	CHECK(llext_by_name("hello") == ext);
	CHECK(llext_by_name("nope") == NULL);

	int (*entry)(void) = (int (*)(void))llext_find_sym(&ext->exp_tab, "test_entry");
	CHECK(entry != NULL);
	printed_len = 0;
	CHECK(entry() == 42);
	CHECK(strcmp(printed, "hello world\nA number is 42\n") == 0);
	CHECK(llext_call_fn(ext, "test_entry") == 0);
	CHECK(llext_call_fn(ext, "missing") == -ENOENT);

	/* Same name again: the use count goes up, the previous count comes back. */
	struct llext_buf_loader other = LLEXT_TEMPORARY_BUF_LOADER(elf, len);
	CHECK(llext_load(&other.loader, "hello", &again, &param) == 1);
	CHECK(again == ext && ext->use_count == 2);

	CHECK(llext_iterate(count_cb, &n) == 0 && n == 1);
	CHECK(llext_iterate(find_cb, "hello") == 7);

	/* Region info without keep_section_info. */
	const elf_shdr_t *hdr;
	const void *addr;
	size_t size;
	CHECK(llext_get_region_info(ldr, ext, LLEXT_MEM_TEXT, &hdr, &addr, &size) == 0);
	CHECK(size > 0 && (const void *)entry >= addr && (const char *)entry < (const char *)addr + size);
	CHECK(llext_get_region_info(ldr, ext, LLEXT_MEM_COUNT, NULL, NULL, NULL) == -EINVAL);

	CHECK(llext_unload(&again) == 1 && again == ext);
	CHECK(llext_unload(&ext) == 0 && ext == NULL);
	CHECK(llext_by_name("hello") == NULL);
	return 0;
}

/* init_fini: bring-up, teardown and bootstrap. */
static int number_seen;
static void entry_fn(void *user_data)
{
	int (*test_entry)(void) = (int (*)(void))user_data;

	number_seen = test_entry();
}

int llext_rs_c_api_init_fini(const uint8_t *elf, size_t len)
{
	struct llext_buf_loader buf_loader = LLEXT_PERSISTENT_BUF_LOADER(elf, len);
	struct llext_load_param param = LLEXT_LOAD_PARAM_DEFAULT;
	struct llext *ext;

	CHECK(llext_load(&buf_loader.loader, "init_fini", &ext, &param) == 0);
	const int *number = llext_find_sym(&ext->exp_tab, "number");
	int (*test_entry)(void) = (int (*)(void))llext_find_sym(&ext->exp_tab, "test_entry");
	CHECK(number != NULL && test_entry != NULL && *number == 0);

	/* 2 preinit + 1 init pointers; 1 fini. */
	CHECK(llext_get_fn_table(ext, true, NULL, 0) == 3 * (ssize_t)sizeof(void *));
	CHECK(llext_get_fn_table(ext, false, NULL, 0) == 1 * (ssize_t)sizeof(void *));
	void *table[3];
	CHECK(llext_get_fn_table(ext, true, table, sizeof(void *)) == -ENOMEM);
	CHECK(llext_get_fn_table(ext, true, table, sizeof(table)) == sizeof(table));
	CHECK(llext_get_fn_table(NULL, true, NULL, 0) == -EINVAL);

	CHECK(llext_bringup(ext) == 0);
	CHECK(*number == 0x123);
	CHECK(llext_teardown(ext) == 0);
	CHECK(*number == 0x1234);

	llext_bootstrap(ext, entry_fn, (void *)test_entry);
	/* preinit_fn_1 starts over at 1: the entry saw 0x123, teardown left 0x1234. */
	CHECK(number_seen == 0x123 && *number == 0x1234);
	CHECK(llext_unload(&ext) == 0);
	return 0;
}

/* Inter-extension linking: a dependent keeps its provider alive. */
int llext_rs_c_api_dependency(const uint8_t *dep, size_t dep_len, const uint8_t *user, size_t user_len)
{
	struct llext_buf_loader l1 = LLEXT_TEMPORARY_BUF_LOADER(dep, dep_len);
	struct llext_buf_loader l2 = LLEXT_TEMPORARY_BUF_LOADER(user, user_len);
	struct llext_load_param param = LLEXT_LOAD_PARAM_DEFAULT;
	struct llext *provider, *consumer;

	/* Without its provider the consumer cannot link. */
	CHECK(llext_load(&l2.loader, "consumer", &consumer, &param) == -ENODATA && consumer == NULL);
	l2.pos = 0;

	CHECK(llext_load(&l1.loader, "provider", &provider, &param) == 0);
	CHECK(llext_load(&l2.loader, "consumer", &consumer, &param) == 0);
	CHECK(consumer->dependency[0] == provider && consumer->dependency[1] == NULL);
	CHECK(provider->use_count == 2);

	int (*entry)(void) = (int (*)(void))llext_find_sym(&consumer->exp_tab, "test_entry");
	printed_len = 0;
	CHECK(entry() == 30 + 3);

	/* The application drops the provider first: it stays until the consumer goes. */
	CHECK(llext_unload(&provider) == 1 && provider != NULL);
	CHECK(llext_by_name("provider") != NULL);
	CHECK(llext_unload(&consumer) == 0);
	CHECK(llext_by_name("provider") == NULL);
	return 0;
}

/* Inspection: keep_section_info, section lookups, free_inspection_data. */
int llext_rs_c_api_inspect(uint8_t *elf, size_t len)
{
	struct llext_buf_loader buf_loader = LLEXT_WRITABLE_BUF_LOADER(elf, len);
	struct llext_loader *ldr = &buf_loader.loader;
	struct llext_load_param param = LLEXT_LOAD_PARAM_DEFAULT;
	struct llext *ext;

	param.keep_section_info = true;
	CHECK(llext_load(ldr, "inspect", &ext, &param) == 0);
	CHECK(ldr->sect_map != NULL);

	static const struct {
		enum llext_mem region;
		const char *section;
		const char *symbol;
	} checks[] = {
		{LLEXT_MEM_BSS, ".bss", "number_in_bss"},
		{LLEXT_MEM_DATA, ".data", "number_in_data"},
		{LLEXT_MEM_RODATA, ".rodata", "number_in_rodata"},
		{LLEXT_MEM_RODATA, ".my_rodata", "number_in_my_rodata"},
		{LLEXT_MEM_TEXT, ".text", "function_in_text"},
	};
	for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
		const elf_shdr_t *region_hdr, *sect_hdr;
		const void *reg_addr;
		size_t reg_size, sect_offset;
		enum llext_mem sect_region;

		CHECK(llext_get_region_info(ldr, ext, checks[i].region, &region_hdr, &reg_addr, &reg_size) == 0);
		int shndx = llext_section_shndx(ldr, ext, checks[i].section);
		CHECK(shndx > 0);
		CHECK(llext_get_section_info(ldr, ext, shndx, &sect_hdr, &sect_region, &sect_offset) == 0);
		CHECK(sect_region == checks[i].region);
		const uint8_t *sym = llext_find_sym(&ext->exp_tab, checks[i].symbol);
		CHECK(sym != NULL);
		CHECK(sect_offset < reg_size);
		CHECK(sym >= (const uint8_t *)reg_addr && sym < (const uint8_t *)reg_addr + reg_size);
		CHECK(sym >= (const uint8_t *)reg_addr + sect_offset &&
		      sym < (const uint8_t *)reg_addr + sect_offset + sect_hdr->sh_size);
	}

	elf_shdr_t shdr;
	CHECK(llext_get_section_header(ldr, ext, ".data", &shdr) == 0);
	CHECK(llext_find_section(ldr, ".data") == (ssize_t)shdr.sh_offset);
	CHECK(llext_find_section(ldr, ".nope") == -ENOENT);
	CHECK(llext_get_section_header(ldr, ext, ".nope", &shdr) == -ENOENT);
	/* Writable storage: .data is used in place in the buffer. */
	CHECK(llext_find_sym(&ext->exp_tab, "number_in_data") == elf + shdr.sh_offset);

	size_t before = ext->alloc_size;
	CHECK(llext_free_inspection_data(ldr, ext) == 0);
	CHECK(ldr->sect_map == NULL && ext->alloc_size < before);
	CHECK(llext_unload(&ext) == 0);
	return 0;
}

/* Bad input through the C API. */
int llext_rs_c_api_errors(const uint8_t *elf, size_t len)
{
	struct llext_buf_loader buf_loader = LLEXT_TEMPORARY_BUF_LOADER(elf, len / 2);
	struct llext *ext = (struct llext *)1;

	CHECK(llext_load(&buf_loader.loader, "half", &ext, NULL) == -ENOEXEC && ext == NULL);
	CHECK(llext_load(&buf_loader.loader, NULL, &ext, NULL) == -EINVAL);
	CHECK(llext_load(NULL, "x", &ext, NULL) == -EINVAL);
	CHECK(llext_unload(NULL) == -EINVAL);
	CHECK(llext_heap_init_harvard(NULL, 0, NULL, 0) == -ENOSYS);

	/* The buffer loader refuses reads past its end. */
	uint8_t b[8];
	CHECK(llext_buf_seek(&buf_loader.loader, len / 2 - 4) == 0);
	CHECK(llext_buf_read(&buf_loader.loader, b, 8) == -EINVAL);
	CHECK(llext_buf_peek(&buf_loader.loader, len / 2) == NULL);
	CHECK(llext_buf_peek(&buf_loader.loader, 0) == elf);
	return 0;
}
