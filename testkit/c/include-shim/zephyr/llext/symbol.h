/*
 * Stand-in for <zephyr/llext/symbol.h>, used by llext-testkit's build.rs only
 * while the llext-rs crate does not yet export its generated headers
 * (DEP_LLEXT_RS_INCLUDE). It reproduces the extension-side (LL_EXTENSION_BUILD)
 * part of Zephyr 4.3's header: each exported symbol becomes a
 * `struct llext_const_symbol` in section ".exported_sym".
 */
#ifndef ZEPHYR_LLEXT_SYMBOL_H
#define ZEPHYR_LLEXT_SYMBOL_H

#include <stdint.h>

struct llext_const_symbol {
	union {
		const char *const name;
		const uintptr_t slid;
	};
	const void *const addr;
};

#ifdef LL_EXTENSION_BUILD
#define Z_LLEXT_EXPORT_SYMBOL(x)                                                         \
	static const struct llext_const_symbol                                           \
		__attribute__((section(".exported_sym"), used)) __llext_sym_##x = {     \
			.name = #x,                                                      \
			.addr = (const void *)&x,                                        \
	}
#define LL_EXTENSION_SYMBOL(x) Z_LLEXT_EXPORT_SYMBOL(x)
#define EXPORT_SYMBOL(x)       Z_LLEXT_EXPORT_SYMBOL(x)
#else
#error "the testkit shim only covers extension builds (LL_EXTENSION_BUILD)"
#endif

#endif /* ZEPHYR_LLEXT_SYMBOL_H */
