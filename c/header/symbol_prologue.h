#include <stddef.h>
#include <stdint.h>
#if defined(__ZEPHYR__)
#include <zephyr/toolchain.h>
#endif

/**
 * A symbol exported by the base image (EXPORT_SYMBOL). Spelled out by hand: the
 * anonymous union is beyond cbindgen. Layout: two pointer-sized words.
 */
struct llext_const_symbol {
	union {
		/** Name of the symbol */
		const char *const name;
		/** Symbol Link Identifier (SLID-linking builds) */
		const uintptr_t slid;
	};
	/** Address of the symbol */
	const void *const addr;
};
