#include <stdint.h>

/* The class of ELF files this image loads: its own pointer size. */
#if !defined(LLEXT_RS_64BIT) && (defined(CONFIG_64BIT) || UINTPTR_MAX > 0xffffffffu)
#define LLEXT_RS_64BIT 1
#endif
