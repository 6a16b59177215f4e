#define LLEXT_RS_STRINGIFY_(x) #x
#define LLEXT_RS_STRINGIFY(x) LLEXT_RS_STRINGIFY_(x)

/*
 * Exports from an extension (built with LL_EXTENSION_BUILD): {name, address} pairs in
 * section .exported_sym, which the loader turns into the extension's export table.
 */
#if defined(LL_EXTENSION_BUILD)
#define Z_LL_EXTENSION_SYMBOL_NAMED(sym_ident, sym_name)                                  \
	static const struct llext_const_symbol                                             \
		__attribute__((section(".exported_sym"), used)) __llext_sym_##sym_name = {  \
			.name = LLEXT_RS_STRINGIFY(sym_name),                               \
			.addr = (const void *)&sym_ident,                                  \
	}
#else
#define Z_LL_EXTENSION_SYMBOL_NAMED(sym_ident, sym_name)
#endif

/*
 * Exports from the base image: one entry per symbol. For Zephyr (and any image linked
 * with a script that sorts them), each entry gets its own input section named after the
 * symbol, collected with SORT_BY_NAME: the table comes out sorted and the loader binary
 * searches it. A hosted build collects them in section llext_rs_exports, bounded by
 * GNU ld's __start_/__stop_ symbols, and the loader indexes it once.
 */
#define Z_LLEXT_RS_EXPORT_ENTRY(sym_ident, sym_name, section_name, name_init)             \
	static const struct llext_const_symbol                                             \
		__attribute__((section(section_name), used,                               \
			       aligned(__alignof__(struct llext_const_symbol))))          \
		__llext_sym_##sym_name = {.name = name_init, .addr = (const void *)&sym_ident}

#if defined(LL_EXTENSION_BUILD)
#define Z_EXPORT_SYMBOL_NAMED(sym_ident, sym_name) Z_LL_EXTENSION_SYMBOL_NAMED(sym_ident, sym_name)
#elif defined(__ZEPHYR__) && !defined(CONFIG_LLEXT_RS)
#define Z_EXPORT_SYMBOL_NAMED(sym_ident, sym_name)
#elif defined(CONFIG_LLEXT_EXPORT_BUILTINS_BY_SLID)
/* Names go to a section that is not loaded; a post-build step replaces them by SLIDs. */
#define Z_EXPORT_SYMBOL_NAMED(sym_ident, sym_name)                                        \
	static const char __llext_sym_name_##sym_name[]                                    \
		__attribute__((section("llext_exports_strtab"), used)) =                  \
			LLEXT_RS_STRINGIFY(sym_name);                                      \
	Z_LLEXT_RS_EXPORT_ENTRY(sym_ident, sym_name,                                      \
				"._llext_const_symbol.static." LLEXT_RS_STRINGIFY(sym_name),       \
				__llext_sym_name_##sym_name)
#elif defined(__ZEPHYR__) || defined(LLEXT_RS_SORTED_EXPORTS)
#define Z_EXPORT_SYMBOL_NAMED(sym_ident, sym_name)                                        \
	Z_LLEXT_RS_EXPORT_ENTRY(sym_ident, sym_name,                                      \
				"._llext_const_symbol.static." LLEXT_RS_STRINGIFY(sym_name),       \
				LLEXT_RS_STRINGIFY(sym_name))
#else
/* Hosted: no linker script keeps the entries, so they must survive --gc-sections
 * by themselves (SHF_GNU_RETAIN). */
#if defined(__has_attribute)
#if __has_attribute(retain)
#define LLEXT_RS_RETAIN __attribute__((retain))
#endif
#endif
#ifndef LLEXT_RS_RETAIN
#define LLEXT_RS_RETAIN
#endif
#define Z_EXPORT_SYMBOL_NAMED(sym_ident, sym_name)                                        \
	LLEXT_RS_RETAIN Z_LLEXT_RS_EXPORT_ENTRY(sym_ident, sym_name, "llext_rs_exports",  \
						LLEXT_RS_STRINGIFY(sym_name))
#endif

/** Exports a symbol from an extension under another name. */
#define LL_EXTENSION_SYMBOL_NAMED(sym_ident, sym_name) Z_LL_EXTENSION_SYMBOL_NAMED(sym_ident, sym_name)
/** Exports a symbol from an extension. */
#define LL_EXTENSION_SYMBOL(x) Z_LL_EXTENSION_SYMBOL_NAMED(x, x)
/** Exports a symbol from the base image (or, in an extension build, from the extension) under another name. */
#define EXPORT_SYMBOL_NAMED(sym_ident, sym_name) Z_EXPORT_SYMBOL_NAMED(sym_ident, sym_name)
/** Exports a symbol from the base image (or, in an extension build, from the extension). */
#define EXPORT_SYMBOL(x) EXPORT_SYMBOL_NAMED(x, x)
