/* SPDX-License-Identifier: Apache-2.0 */
/*
 * llext-rs test suite. Same cases and assertions as Zephyr 4.3's
 * tests/subsys/llext (load / bootstrap / unload of each extension, the
 * inspection API, an extension importing from another extension, builtin
 * exports), with the loader provided by llext-rs (CONFIG_LLEXT_RS).
 * Extension names are at most 15 characters (llext-rs rejects longer ones).
 */
#include <string.h>
#include <zephyr/kernel.h>
#include <zephyr/device.h>
#include <zephyr/ztest.h>
#include <zephyr/llext/elf.h>
#include <zephyr/llext/llext.h>
#include <zephyr/llext/inspect.h>
#include <zephyr/llext/symbol.h>
#include <zephyr/llext/buf_loader.h>
#include "syscalls_ext.h"
#include "threads_kobj_ext.h"

#ifdef CONFIG_LLEXT_STORAGE_WRITABLE
#define EXT_CONST
#else
#define EXT_CONST const
#endif

/* Page alignment keeps buffer addresses stable between runs; writable buffers
 * live in RAM, so on 64 KB parts a smaller alignment saves the padding.
 */
#if defined(CONFIG_LLEXT_STORAGE_WRITABLE) && (CONFIG_SRAM_SIZE <= 64)
#define EXT_ALIGN __aligned(16)
#else
#define EXT_ALIGN __aligned(4096)
#endif

/* Builtin lookups: in SLID builds the base table holds SLIDs (first bytes of the
 * SHA-256 of the name, see Zephyr's llext_slidlib.py), passed in place of the name.
 */
#ifdef CONFIG_LLEXT_EXPORT_BUILTINS_BY_SLID
#define LLEXT_FIND_BUILTIN_SYM(symbol_name) llext_find_sym(NULL, symbol_name##_SLID)
#ifdef CONFIG_64BIT
#define printk_SLID                  ((const char *)0x87B3105268827052ull)
#define z_impl_ext_syscall_fail_SLID ((const char *)0xD58BC0E7C64CD965ull)
#else
#define printk_SLID                  ((const char *)0x87B31052ul)
#define z_impl_ext_syscall_fail_SLID ((const char *)0xD58BC0E7ul)
#endif
#else
#define LLEXT_FIND_BUILTIN_SYM(symbol_name) llext_find_sym(NULL, #symbol_name)
#endif


struct ext_case {
	const char *name;
	EXT_CONST uint8_t *buf;
	size_t len;
	/* optional, called in kernel context before each run (thread is NULL without
	 * user mode)
	 */
	void (*setup)(struct llext *ext, struct k_thread *thread);
	/* optional, called in kernel context after each run */
	void (*after)(struct llext *ext);
};

#ifdef CONFIG_USERSPACE
/* Each run gets a fresh thread in one memory domain, holding the libc partition and
 * the partitions of the extension under test (removed again afterwards: a domain's
 * page tables are a limited resource on MMU targets).
 */
K_THREAD_STACK_DEFINE(llext_stack, 1024);
static struct k_thread llext_thread;
static struct k_mem_domain llext_domain;

static void domain_setup(void)
{
	zassert_ok(k_mem_domain_init(&llext_domain, 0, NULL));
#ifdef Z_LIBC_PARTITION_EXISTS
	zassert_ok(k_mem_domain_add_partition(&llext_domain, &z_libc_partition));
#endif
}

static void domain_remove_ext(struct llext *ext)
{
	for (int i = 0; i < LLEXT_MEM_PARTITIONS; i++) {
		if (ext->mem_size[i] != 0) {
			zassert_ok(k_mem_domain_remove_partition(&llext_domain,
								 &ext->mem_parts[i]));
		}
	}
}

static void run_in_thread(const struct ext_case *tc, struct llext *ext, void (*entry)(void),
			  uint32_t options)
{
	k_thread_create(&llext_thread, llext_stack, K_THREAD_STACK_SIZEOF(llext_stack),
			(k_thread_entry_t)llext_bootstrap, ext, entry, NULL, 1, options,
			K_FOREVER);
	zassert_ok(k_mem_domain_add_thread(&llext_domain, &llext_thread));
	if (tc->setup != NULL) {
		tc->setup(ext, &llext_thread);
	}
	k_thread_start(&llext_thread);
	zassert_ok(k_thread_join(&llext_thread, K_FOREVER));
	if (tc->after != NULL) {
		tc->after(ext);
	}
}
#endif

static void load_bootstrap_unload(const struct ext_case *tc)
{
	struct llext_buf_loader buf_loader = LLEXT_BUF_LOADER(tc->buf, tc->len);
	struct llext_loader *ldr = &buf_loader.loader;
	struct llext_load_param param = LLEXT_LOAD_PARAM_DEFAULT;
	struct llext *ext = NULL;
	int rc;

	rc = llext_load(ldr, tc->name, &ext, &param);
	zassert_ok(rc, "loading %s failed: %d", tc->name, rc);
	zassert_not_null(ext);

	void (*entry)(void) = llext_find_sym(&ext->exp_tab, "test_entry");

	zassert_not_null(entry, "test_entry must be exported by %s", tc->name);

#ifdef CONFIG_USERSPACE
	/* As Zephyr's suite: a kernel thread, then a user thread, both with
	 * llext_bootstrap() as entry point, in a domain with the extension's partitions.
	 */
	rc = llext_add_domain(ext, &llext_domain);
	zassert_ok(rc, "llext_add_domain(%s): %d", tc->name, rc);

	run_in_thread(tc, ext, entry, 0);
	run_in_thread(tc, ext, entry, K_USER);
	domain_remove_ext(ext);
#else
	if (tc->setup != NULL) {
		tc->setup(ext, NULL);
	}
	/* runs preinit/init arrays, test_entry, then fini arrays */
	llext_bootstrap(ext, (llext_entry_fn_t)entry, NULL);

	if (tc->after != NULL) {
		tc->after(ext);
	}
#endif

	rc = llext_unload(&ext);
	zassert_equal(rc, 0, "%s still in use after unload (%d)", tc->name, rc);
	zassert_is_null(ext, "unload must clear the handle");
}

#define EXT_TEST(_name, extra...)                                                                 \
	ZTEST(llext, test_load_unload_##_name)                                                    \
	{                                                                                         \
		const struct ext_case tc = {                                                      \
			.name = #_name,                                                           \
			.buf = _name##_ext,                                                       \
			.len = sizeof(_name##_ext),                                               \
			extra                                                                     \
		};                                                                                \
		load_bootstrap_unload(&tc);                                                       \
	}

static EXT_CONST uint8_t hello_world_ext[] EXT_ALIGN = {
#include "hello_world.inc"
};
EXT_TEST(hello_world)

static EXT_CONST uint8_t logging_ext[] EXT_ALIGN = {
#include "logging.inc"
};
EXT_TEST(logging)

static EXT_CONST uint8_t relative_jump_ext[] EXT_ALIGN = {
#include "relative_jump.inc"
};
EXT_TEST(relative_jump)

static EXT_CONST uint8_t object_ext[] EXT_ALIGN = {
#include "object.inc"
};
EXT_TEST(object)

static EXT_CONST uint8_t align_ext[] EXT_ALIGN = {
#include "align.inc"
};
EXT_TEST(align)

#ifndef CONFIG_LLEXT_TYPE_ELF_SHAREDLIB
static EXT_CONST uint8_t init_fini_ext[] EXT_ALIGN = {
#include "init_fini.inc"
};

static void init_fini_after(struct llext *ext)
{
	/* llext_bootstrap() ran the fini array after test_entry */
	const int *trace = llext_find_sym(&ext->exp_tab, "trace");

	zassert_not_null(trace, "trace must be exported");
	zassert_equal(*trace, 0xabcd, "trace 0x%x after bootstrap, expected 0xabcd", *trace);
}
EXT_TEST(init_fini, .after = init_fini_after)
#endif

#ifndef CONFIG_LLEXT_STORAGE_WRITABLE
static const uint8_t bulk_ext[] EXT_ALIGN = {
#include "bulk.inc"
};

static void bulk_after(struct llext *ext)
{
	/* test_entry() called all 120 functions through their relocated table */
	const int *result = llext_find_sym(&ext->exp_tab, "bulk_result");

	zassert_not_null(result, "bulk_result must be exported");
	zassert_equal(*result, 8040, "bulk_run(1) returned %d, expected 8040", *result);
	zassert_true(ext->sect_cnt >= 100, "only %u sections", ext->sect_cnt);
}
EXT_TEST(bulk, .after = bulk_after)
#endif

#ifndef CONFIG_LLEXT_TYPE_ELF_OBJECT
static EXT_CONST uint8_t multi_file_ext[] EXT_ALIGN = {
#include "multi_file.inc"
};
EXT_TEST(multi_file)
#endif

#ifdef CONFIG_LLEXT_STORAGE_WRITABLE
static EXT_CONST uint8_t find_section_ext[] EXT_ALIGN = {
#include "find_section.inc"
};

/* With writable storage .data is used in place: the symbol address must be
 * the buffer address plus the file offset of .data.
 */
ZTEST(llext, test_find_section)
{
	struct llext_buf_loader buf_loader =
		LLEXT_BUF_LOADER(find_section_ext, sizeof(find_section_ext));
	struct llext_loader *ldr = &buf_loader.loader;
	struct llext_load_param param = LLEXT_LOAD_PARAM_DEFAULT;
	struct llext *ext = NULL;
	elf_shdr_t shdr;
	ssize_t ofs;
	int rc;

	rc = llext_load(ldr, "find_section", &ext, &param);
	zassert_ok(rc, "load failed: %d", rc);

	ofs = llext_find_section(ldr, ".data");
	zassert_true(ofs > 0, "llext_find_section returned %zd", ofs);

	rc = llext_get_section_header(ldr, ext, ".data", &shdr);
	zassert_ok(rc, "llext_get_section_header: %d", rc);
	zassert_equal(shdr.sh_offset, (elf_word)ofs, "sh_offset %u != %zd",
		      (unsigned int)shdr.sh_offset, ofs);

	uintptr_t sym = (uintptr_t)llext_find_sym(&ext->exp_tab, "counter");

	zassert_equal(sym, (uintptr_t)find_section_ext + ofs, "counter at %p, .data at %p",
		      (void *)sym, (void *)((uintptr_t)find_section_ext + ofs));
	zassert_equal(*(int *)sym, 42);

	zassert_ok(llext_unload(&ext));
}
#endif

/* System calls: ext_syscall_ok is implemented here and exported through the
 * syscall export table; ext_syscall_fail has no implementation.
 */
int z_impl_ext_syscall_ok(int a)
{
	return a + 1;
}

#ifdef CONFIG_USERSPACE
static inline int z_vrfy_ext_syscall_ok(int a)
{
	return z_impl_ext_syscall_ok(a);
}
#include <zephyr/syscalls/ext_syscall_ok_mrsh.c>
#endif

static EXT_CONST uint8_t syscalls_ext[] EXT_ALIGN = {
#include "syscalls.inc"
};
EXT_TEST(syscalls)

/* The declared-but-unimplemented syscall must be exported as NULL. */
ZTEST(llext, test_ext_syscall_fail)
{
	zassert_is_null(LLEXT_FIND_BUILTIN_SYM(z_impl_ext_syscall_fail),
			"z_impl_ext_syscall_fail should be exported as NULL");
}

/* Kernel objects owned by the image, used by an extension. */
K_SEM_DEFINE(kobj_sem, 0, 1);
EXPORT_SYMBOL(kobj_sem);
struct k_thread kobj_thread;
EXPORT_SYMBOL(kobj_thread);
K_THREAD_STACK_DEFINE(kobj_stack, KOBJ_STACK_SIZE);
EXPORT_SYMBOL(kobj_stack);

static EXT_CONST uint8_t threads_kobj_ext[] EXT_ALIGN = {
#include "threads_kobj.inc"
};

#ifdef CONFIG_USERSPACE
/* Kernel objects a user thread uses must be granted to it (its children inherit). */
static void threads_kobj_setup(struct llext *ext, struct k_thread *thread)
{
	ARG_UNUSED(ext);
	k_object_access_grant(&kobj_sem, thread);
	k_object_access_grant(&kobj_thread, thread);
	k_object_access_grant(kobj_stack, thread);
#if defined(CONFIG_LLEXT_EXPORT_DEVICES) && DT_HAS_CHOSEN(zephyr_console) &&             \
	DT_NODE_HAS_STATUS_OKAY(DT_CHOSEN(zephyr_console))
	/* the extension checks the console device with device_is_ready() */
	k_object_access_grant(DEVICE_DT_GET(DT_CHOSEN(zephyr_console)), thread);
#endif
}
EXT_TEST(threads_kobj, .setup = threads_kobj_setup)
#else
EXT_TEST(threads_kobj)
#endif

#if defined(CONFIG_ARM) && !defined(CONFIG_CPU_CORTEX_M0) && !defined(CONFIG_CPU_CORTEX_M0PLUS) && \
	!defined(CONFIG_CPU_CORTEX_M1)
static EXT_CONST uint8_t movwmovt_ext[] EXT_ALIGN = {
#include "movwmovt.inc"
};
EXT_TEST(movwmovt)
#endif

#ifdef CONFIG_LLEXT_STORAGE_WRITABLE
/* A section the loader is told to leave in the ELF buffer. */
static EXT_CONST uint8_t detached_fn_ext[] EXT_ALIGN = {
#include "detached_fn.inc"
};

static struct llext_loader *detached_ldr;
static struct llext *detached_ext;
static elf_shdr_t detach_shdr;

static bool is_detached(const elf_shdr_t *shdr)
{
	if (detach_shdr.sh_size == 0) {
		int rc = llext_get_section_header(detached_ldr, detached_ext, ".detach",
						  &detach_shdr);

		zassert_ok(rc, "no .detach section header: %d", rc);
	}
	return shdr->sh_name == detach_shdr.sh_name;
}

ZTEST(llext, test_detached)
{
	struct llext_buf_loader buf_loader =
		LLEXT_BUF_LOADER(detached_fn_ext, sizeof(detached_fn_ext));
	struct llext_load_param param = LLEXT_LOAD_PARAM_DEFAULT;
	int rc;

	memset(&detach_shdr, 0, sizeof(detach_shdr));
	detached_ldr = &buf_loader.loader;
	detached_ext = NULL;
	param.section_detached = is_detached;

	rc = llext_load(detached_ldr, "detached_fn", &detached_ext, &param);
	zassert_ok(rc, "load failed: %d", rc);
	zassert_true(detach_shdr.sh_size > 0, "section_detached was never asked about .detach");

	/* .detach must not be part of the text region, even on i686 where PIC puts
	 * .text.__x86.get_pc_thunk.* after it in the file: that text region is packed.
	 */
	const elf_shdr_t *text = &detached_ldr->sects[LLEXT_MEM_TEXT];

	zassert_true(text->sh_offset >= detach_shdr.sh_offset + detach_shdr.sh_size ||
			     detach_shdr.sh_offset >= text->sh_offset + text->sh_size,
		     ".detach overlaps the text region");

	void (*fn)(void) = llext_find_sym(&detached_ext->exp_tab, "test_entry");

	zassert_not_null(fn);
	fn();
	fn = llext_find_sym(&detached_ext->exp_tab, "detached_entry");
	zassert_not_null(fn);
	/* executed in place, inside the ELF buffer */
	zassert_true((uintptr_t)fn >= (uintptr_t)detached_fn_ext &&
			     (uintptr_t)fn < (uintptr_t)detached_fn_ext + sizeof(detached_fn_ext),
		     "detached_entry %p not inside the buffer", fn);
	fn();

	zassert_ok(llext_unload(&detached_ext));
}
#endif

#if defined(CONFIG_LLEXT_TYPE_ELF_RELOCATABLE) && defined(CONFIG_LLEXT_STORAGE_WRITABLE)
static EXT_CONST uint8_t pre_located_ext[] EXT_ALIGN = {
#include "pre_located.inc"
};

ZTEST(llext, test_pre_located)
{
	struct llext_buf_loader buf_loader =
		LLEXT_BUF_LOADER(pre_located_ext, sizeof(pre_located_ext));
	struct llext_load_param param = LLEXT_LOAD_PARAM_DEFAULT;
	struct llext *ext = NULL;

	/* the application placed the extension where it was linked */
	param.pre_located = true;
	zassert_ok(llext_load(&buf_loader.loader, "pre_located", &ext, &param));

	uintptr_t entry = (uintptr_t)llext_find_sym(&ext->exp_tab, "test_entry");

	/* (the Thumb bit aside) */
	zassert_equal(entry & ~(uintptr_t)1, 0xbada110c, "test_entry at %#lx",
		      (unsigned long)entry);
	zassert_ok(llext_unload(&ext));
}
#endif

/* Inspection API: region and section info of a loaded extension. */
static EXT_CONST uint8_t inspect_ext[] EXT_ALIGN = {
#include "inspect.inc"
};

static void check_placement(struct llext_loader *ldr, struct llext *ext, enum llext_mem region,
			    const char *sect_name, const char *sym_name)
{
	const elf_shdr_t *reg_hdr = NULL, *sect_hdr = NULL;
	const void *reg_addr = NULL;
	size_t reg_size = 0, sect_off = 0;
	enum llext_mem sect_region = LLEXT_MEM_COUNT;
	int rc, shndx;

	rc = llext_get_region_info(ldr, ext, region, &reg_hdr, &reg_addr, &reg_size);
	zassert_ok(rc, "region %d info: %d", region, rc);
	zassert_not_null(reg_hdr);

	shndx = llext_section_shndx(ldr, ext, sect_name);
	zassert_true(shndx > 0, "section %s not found (%d)", sect_name, shndx);

	rc = llext_get_section_info(ldr, ext, shndx, &sect_hdr, &sect_region, &sect_off);
	zassert_ok(rc, "section %s info: %d", sect_name, rc);
	zassert_equal(sect_region, region, "%s in region %d, expected %d", sect_name,
		      sect_region, region);

	uintptr_t sym = (uintptr_t)llext_find_sym(&ext->exp_tab, sym_name);
	uintptr_t base = (uintptr_t)reg_addr;

	zassert_true(sym != 0, "%s not exported", sym_name);
	zassert_true(sect_hdr->sh_offset >= reg_hdr->sh_offset &&
			     sect_hdr->sh_offset + sect_hdr->sh_size <=
				     reg_hdr->sh_offset + reg_hdr->sh_size,
		     "%s lies outside region %d in the file", sect_name, region);
	zassert_true(sect_off < reg_size, "%s offset %zu beyond region size %zu", sect_name,
		     sect_off, reg_size);
	zassert_true(sym >= base && sym < base + reg_size, "%s outside region %d", sym_name,
		     region);
	zassert_true(sym >= base + sect_off && sym < base + sect_off + sect_hdr->sh_size,
		     "%s outside section %s", sym_name, sect_name);
}

ZTEST(llext, test_inspect)
{
	struct llext_buf_loader buf_loader = LLEXT_BUF_LOADER(inspect_ext, sizeof(inspect_ext));
	struct llext_loader *ldr = &buf_loader.loader;
	struct llext_load_param param = LLEXT_LOAD_PARAM_DEFAULT;
	struct llext *ext = NULL;
	int rc;

	param.keep_section_info = true;
	rc = llext_load(ldr, "inspect", &ext, &param);
	zassert_ok(rc, "load failed: %d", rc);

	check_placement(ldr, ext, LLEXT_MEM_BSS, ".bss", "in_bss");
	check_placement(ldr, ext, LLEXT_MEM_DATA, ".data", "in_data");
	check_placement(ldr, ext, LLEXT_MEM_RODATA, ".rodata", "in_rodata");
	check_placement(ldr, ext, LLEXT_MEM_RODATA, ".my_rodata", "in_my_rodata");
	check_placement(ldr, ext, LLEXT_MEM_TEXT, ".text", "in_text");

	size_t before = ext->alloc_size;

	llext_free_inspection_data(ldr, ext);
	zassert_true(ext->alloc_size < before, "inspection data not freed (%zu -> %zu)", before,
		     ext->alloc_size);

	zassert_ok(llext_unload(&ext));
}

/* One extension resolving a symbol exported by another loaded extension. */
static EXT_CONST uint8_t export_dependency_ext[] EXT_ALIGN = {
#include "export_dependency.inc"
};
static EXT_CONST uint8_t export_dependent_ext[] EXT_ALIGN = {
#include "export_dependent.inc"
};

ZTEST(llext, test_inter_ext)
{
#if defined(CONFIG_USERSPACE) && defined(CONFIG_MPU)
	/* With an MPU, SRAM is execute-never outside memory domain partitions, and the
	 * two extensions' eight partitions exceed the MPU regions left for a domain
	 * (Zephyr's suite leaves this case out under CONFIG_USERSPACE altogether).
	 */
	ztest_test_skip();
#endif
	struct llext_buf_loader dep_ldr =
		LLEXT_BUF_LOADER(export_dependency_ext, sizeof(export_dependency_ext));
	struct llext_buf_loader user_ldr =
		LLEXT_BUF_LOADER(export_dependent_ext, sizeof(export_dependent_ext));
	const struct llext_load_param param = LLEXT_LOAD_PARAM_DEFAULT;
	struct llext *dep = NULL, *user = NULL;
	int rc;

	rc = llext_load(&dep_ldr.loader, "export_dep", &dep, &param);
	zassert_ok(rc, "dependency load failed: %d", rc);

	rc = llext_load(&user_ldr.loader, "export_user", &user, &param);
	zassert_ok(rc, "dependent load failed: %d", rc);

	void (*entry)(void) = llext_find_sym(&user->exp_tab, "test_entry");

	zassert_not_null(entry, "test_entry must be exported");
	entry();

	zassert_ok(llext_unload(&user));
	zassert_ok(llext_unload(&dep));
}

/* EXPORT_SYMBOL in the base image yields the real address. */
ZTEST(llext, test_printk_exported)
{
	const void *fn = LLEXT_FIND_BUILTIN_SYM(printk);

	zassert_equal(fn, (const void *)printk, "printk should be exported");
}

/* Names longer than 15 characters are refused. */
/* A name longer than LLEXT_MAX_NAME_LEN is cut to its first 15 characters, as Zephyr
 * cuts it: the extension is found by those. A read-only copy of hello_world: under
 * writable storage the test's own buffer was relocated in place by an earlier load.
 */
static const uint8_t long_name_ext[] EXT_ALIGN = {
#include "hello_world.inc"
};

ZTEST(llext, test_name_too_long)
{
	struct llext_buf_loader buf_loader =
		LLEXT_PERSISTENT_BUF_LOADER(long_name_ext, sizeof(long_name_ext));
	struct llext_load_param param = LLEXT_LOAD_PARAM_DEFAULT;
	struct llext *ext = NULL;

	zassert_ok(llext_load(&buf_loader.loader, "a_name_too_long_16", &ext, &param));
	zassert_not_null(ext);
	zassert_str_equal(ext->name, "a_name_too_long");
	zassert_equal_ptr(llext_by_name("a_name_too_long"), ext);
	zassert_equal(llext_unload(&ext), 0);
}

#ifdef CONFIG_USERSPACE
/* A write by an extension to its own text, from a user thread, must fault: its text
 * partition is read-execute (MPU region or page attributes).
 */
static EXT_CONST uint8_t text_write_ext[] EXT_ALIGN = {
#include "text_write.inc"
};

static volatile bool fault_expected;
static volatile int faults_caught;
static volatile unsigned int fault_reason;

void k_sys_fatal_error_handler(unsigned int reason, const struct arch_esf *esf)
{
	ARG_UNUSED(esf);
	if (fault_expected && k_current_get() == &llext_thread) {
		/* returning aborts the faulting thread */
		fault_expected = false;
		fault_reason = reason;
		faults_caught++;
		printk("expected fault caught (reason %u)\n", reason);
		return;
	}
	printk("unexpected fatal error %u\n", reason);
	k_fatal_halt(reason);
}

ZTEST(llext, test_user_text_write_faults)
{
	struct llext_buf_loader buf_loader =
		LLEXT_BUF_LOADER(text_write_ext, sizeof(text_write_ext));
	struct llext_load_param param = LLEXT_LOAD_PARAM_DEFAULT;
	struct llext *ext = NULL;
	int rc;

	rc = llext_load(&buf_loader.loader, "text_write", &ext, &param);
	zassert_ok(rc, "load failed: %d", rc);

	void (*entry)(void) = llext_find_sym(&ext->exp_tab, "test_entry");
	const int *reached = llext_find_sym(&ext->exp_tab, "reached");

	zassert_not_null(entry);
	zassert_not_null(reached);
	/* the text must be the loader's copy, whose protection is under test */
	zassert_true(ext->mem_on_heap[LLEXT_MEM_TEXT], "text used in place");
	zassert_true(ext->mem_parts[LLEXT_MEM_TEXT].size >= ext->mem_size[LLEXT_MEM_TEXT]);

	rc = llext_add_domain(ext, &llext_domain);
	zassert_ok(rc, "llext_add_domain: %d", rc);

	const struct ext_case tc = {.name = "text_write"};

	faults_caught = 0;
	fault_expected = true;
	run_in_thread(&tc, ext, entry, K_USER);

	zassert_equal(faults_caught, 1, "the write to text did not fault");
	zassert_equal(fault_reason, K_ERR_CPU_EXCEPTION);
	zassert_equal(*reached, 1, "stopped at %d (0: before the write, 2: after it)", *reached);

	domain_remove_ext(ext);
	zassert_ok(llext_unload(&ext));
}

#endif /* CONFIG_USERSPACE */

/*
 * CONFIG_LLEXT_RS_HEAP_POISON (prj.conf): fresh LLEXT heap blocks hold 0xA5 and freed
 * ones 0xDB, so a loader that left memory unwritten, or code using an unloaded
 * extension, reads visibly wrong values. Checked from both ends: the BSS (fresh, so
 * poisoned until the loader zeroes it) reads 0, and an unloaded region reads 0xDB past
 * the words k_heap keeps its free-list links in. A temporary buffer: every region is
 * copied to the heap whatever the storage configuration.
 */
static const uint8_t poison_ext[] EXT_ALIGN = {
#include "inspect.inc"
};

ZTEST(llext, test_heap_poison)
{
	if (!IS_ENABLED(CONFIG_LLEXT_RS_HEAP_POISON)) {
		ztest_test_skip();
	}
	struct llext_buf_loader buf_loader =
		LLEXT_TEMPORARY_BUF_LOADER(poison_ext, sizeof(poison_ext));
	struct llext_load_param param = LLEXT_LOAD_PARAM_DEFAULT;
	struct llext *ext = NULL;

	zassert_ok(llext_load(&buf_loader.loader, "poison", &ext, &param));
	const int *in_bss = llext_find_sym(&ext->exp_tab, "in_bss");

	zassert_not_null(in_bss);
	zassert_equal(*in_bss, 0, "BSS not zeroed: 0x%x", *in_bss);

	const uint8_t *text = ext->mem[LLEXT_MEM_TEXT];
	size_t size = ext->mem_size[LLEXT_MEM_TEXT];

	zassert_true(ext->mem_on_heap[LLEXT_MEM_TEXT] && size > 8, "text: %zu bytes", size);
	zassert_ok(llext_unload(&ext));
	/* k_heap's free-list links take at most the first 8 bytes of a freed block. */
	for (size_t i = 8; i < size; i++) {
		zassert_equal(text[i], 0xDB, "unloaded text byte %zu is 0x%02x", i, text[i]);
	}
}

#ifdef CONFIG_LLEXT_HEAP_DYNAMIC
/* The application hands the loader its heap (as Zephyr's suite does with 64 KB; 16 KB
 * on 64 KB parts, for the bulk extension).
 */
static uint8_t llext_heap_data[(CONFIG_SRAM_SIZE <= 64) ? KB(16) : KB(64)] __aligned(8);

/* The heap cannot be taken back while an extension lives in it. */
ZTEST(llext, test_dynamic_heap_in_use)
{
	struct llext_buf_loader buf_loader =
		LLEXT_BUF_LOADER(hello_world_ext, sizeof(hello_world_ext));
	struct llext_load_param param = LLEXT_LOAD_PARAM_DEFAULT;
	struct llext *ext = NULL;

	zassert_equal(llext_heap_init(llext_heap_data, sizeof(llext_heap_data)), -EEXIST);
	zassert_ok(llext_load(&buf_loader.loader, "heap_user", &ext, &param));
	zassert_equal(llext_heap_uninit(), -EBUSY);
	zassert_ok(llext_unload(&ext));
}
#endif

static void *suite_setup(void)
{
#ifdef CONFIG_LLEXT_HEAP_DYNAMIC
	zassert_ok(llext_heap_init(llext_heap_data, sizeof(llext_heap_data)));
#endif
#ifdef CONFIG_USERSPACE
	domain_setup();
#endif
	return NULL;
}

static void suite_teardown(void *fixture)
{
	ARG_UNUSED(fixture);
#ifdef CONFIG_LLEXT_HEAP_DYNAMIC
	/* every case unloaded what it loaded */
	zassert_ok(llext_heap_uninit());
#endif
}

ZTEST_SUITE(llext, NULL, suite_setup, NULL, NULL, suite_teardown);
