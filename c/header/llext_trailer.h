/* ---- What cbindgen cannot express: the inline accessors and initializer macros of
 * Zephyr 4.3's llext.h, loader.h, buf_loader.h, inspect.h and llext_internal.h. ---- */

/** Default load parameters. */
#define LLEXT_LOAD_PARAM_DEFAULT {.relocate_local = true,}

/* loader.h */
static inline int llext_prepare(struct llext_loader *l)
{
	return l->prepare ? l->prepare(l) : 0;
}

static inline int llext_read(struct llext_loader *l, void *buf, size_t len)
{
	return l->read(l, buf, len);
}

static inline int llext_seek(struct llext_loader *l, size_t pos)
{
	return l->seek(l, pos);
}

static inline void *llext_peek(struct llext_loader *l, size_t pos)
{
	return l->peek ? l->peek(l, pos) : NULL;
}

static inline void llext_finalize(struct llext_loader *l)
{
	if (l->finalize) {
		l->finalize(l);
	}
}

/* llext.h */
static inline const elf_shdr_t *llext_section_headers(const struct llext *ext)
{
	return ext->sect_hdrs;
}

static inline unsigned int llext_section_count(const struct llext *ext)
{
	return ext->sect_cnt;
}

/* buf_loader.h */
#if defined(CONFIG_LLEXT_STORAGE_WRITABLE)
#define LLEXT_RS_DEFAULT_STORAGE LLEXT_STORAGE_WRITABLE
#else
#define LLEXT_RS_DEFAULT_STORAGE LLEXT_STORAGE_PERSISTENT
#endif

#define Z_LLEXT_BUF_LOADER(_buf, _buf_len, _storage)                                      \
	{                                                                                  \
		.loader = {                                                                \
			.prepare = NULL,                                                   \
			.read = llext_buf_read,                                            \
			.seek = llext_buf_seek,                                            \
			.peek = llext_buf_peek,                                            \
			.finalize = NULL,                                                  \
			.storage = _storage,                                               \
		},                                                                         \
		.buf = (_buf), .len = (_buf_len), .pos = 0                                 \
	}

/** Loader for an ELF buffer; storage per CONFIG_LLEXT_STORAGE_WRITABLE. */
#define LLEXT_BUF_LOADER(_buf, _buf_len) Z_LLEXT_BUF_LOADER(_buf, _buf_len, LLEXT_RS_DEFAULT_STORAGE)
/** Loader for a buffer valid only during llext_load(). */
#define LLEXT_TEMPORARY_BUF_LOADER(_buf, _buf_len)                                        \
	Z_LLEXT_BUF_LOADER(_buf, _buf_len, LLEXT_STORAGE_TEMPORARY)
/** Loader for a read-only buffer valid while the extension is loaded. */
#define LLEXT_PERSISTENT_BUF_LOADER(_buf, _buf_len)                                       \
	Z_LLEXT_BUF_LOADER(_buf, _buf_len, LLEXT_STORAGE_PERSISTENT)
/** Loader for a writable buffer relocated in place. */
#define LLEXT_WRITABLE_BUF_LOADER(_buf, _buf_len)                                         \
	Z_LLEXT_BUF_LOADER(_buf, _buf_len, LLEXT_STORAGE_WRITABLE)

/* llext_internal.h */
static inline const char *llext_string(const struct llext_loader *ldr, const struct llext *ext,
				       enum llext_mem mem_idx, unsigned int idx)
{
	(void)ldr;
	return (const char *)ext->mem[mem_idx] + idx;
}

static inline uintptr_t llext_get_reloc_instruction_location(struct llext_loader *ldr,
							     struct llext *ext, int shndx,
							     const elf_rela_t *rela)
{
	return (uintptr_t)llext_loaded_sect_ptr(ldr, ext, shndx) + rela->r_offset;
}

static inline const char *llext_section_name(const struct llext_loader *ldr,
					     const struct llext *ext, const elf_shdr_t *shdr)
{
	return llext_string(ldr, ext, LLEXT_MEM_SHSTRTAB, shdr->sh_name);
}

static inline const char *llext_symbol_name(const struct llext_loader *ldr,
					    const struct llext *ext, const elf_sym_t *sym)
{
	if (ELF_ST_TYPE(sym->st_info) == STT_SECTION) {
		return llext_section_name(ldr, ext, ext->sect_hdrs + sym->st_shndx);
	}
	return llext_string(ldr, ext, LLEXT_MEM_STRTAB, sym->st_name);
}

/* inspect.h */

/** Descriptor, start (after the alignment pre-pad) and size of a region. */
static inline int llext_get_region_info(const struct llext_loader *ldr, const struct llext *ext,
					enum llext_mem region, const elf_shdr_t **hdr,
					const void **addr, size_t *size)
{
	if ((unsigned int)region >= LLEXT_MEM_COUNT) {
		return -EINVAL;
	}
	if (hdr) {
		*hdr = &ldr->sects[region];
	}
	if (addr) {
		*addr = (const uint8_t *)ext->mem[region] + ldr->sects[region].sh_info;
	}
	if (size) {
		*size = ext->mem_size[region] - ldr->sects[region].sh_info;
	}
	return 0;
}

/**
 * Header, region and offset inside the region of section @p shndx. Needs the section
 * map kept by keep_section_info. An unloaded section reports LLEXT_MEM_COUNT and offset
 * 0 (Zephyr 4.3 reads past ldr->sects[] there).
 */
static inline int llext_get_section_info(const struct llext_loader *ldr, const struct llext *ext,
					 unsigned int shndx, const elf_shdr_t **hdr,
					 enum llext_mem *region, size_t *offset)
{
	if (shndx >= ext->sect_cnt) {
		return -EINVAL;
	}
	if (!ldr->sect_map) {
		return -ENOTSUP;
	}
	if (hdr) {
		*hdr = &ext->sect_hdrs[shndx];
	}
	enum llext_mem mem_idx = ldr->sect_map[shndx].mem_idx;

	if (region) {
		*region = mem_idx;
	}
	if (offset) {
		*offset = (unsigned int)mem_idx < LLEXT_MEM_COUNT
				  ? ldr->sect_map[shndx].offset - ldr->sects[mem_idx].sh_info
				  : 0;
	}
	return 0;
}

#ifdef __cplusplus
extern "C" {
#endif
/**
 * Runs the extension's .preinit_array then .init_array functions.
 * @return 0, or the negative error of llext_get_fn_table().
 */
int llext_bringup(struct llext *ext);

/**
 * Runs the extension's .fini_array functions.
 * @return 0, or the negative error of llext_get_fn_table().
 */
int llext_teardown(struct llext *ext);

/**
 * Thread entry point: llext_bringup(), entry_fn(user_data), llext_teardown(). Usable
 * from user threads (the tables come through the llext_get_fn_table() system call).
 */
void llext_bootstrap(struct llext *ext, llext_entry_fn_t entry_fn, void *user_data);

/** The init or fini function table of an extension (a system call under Zephyr). */
#if defined(__ZEPHYR__)
__syscall ssize_t llext_get_fn_table(struct llext *ext, bool is_init, void *buf, size_t size);
#else
ssize_t llext_get_fn_table(struct llext *ext, bool is_init, void *buf, size_t size);
#endif
#ifdef __cplusplus
}
#endif
#if defined(__ZEPHYR__)
#include <zephyr/syscalls/llext.h>
#endif
