#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <sys/types.h>
#include <errno.h>
#include <zephyr/llext/elf.h>
#include <zephyr/llext/symbol.h>
#if defined(__ZEPHYR__)
#include <zephyr/kernel.h>
#include <zephyr/sys/slist.h>
#else
/* Zephyr's singly linked list node, for hosted builds. */
struct _snode {
	struct _snode *next;
};
typedef struct _snode sys_snode_t;
#endif
