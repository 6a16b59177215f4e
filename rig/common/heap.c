/*
 * The rig's LLEXT heap: what k_heap is under Zephyr, the memory the bare platform
 * (src/platform/bare.rs) allocates from. It is the system's, not the loader's, so the
 * LEAN footprint leaves it out, as the C loader's figures leave out k_heap.
 *
 * First fit over an address-ordered list of free holes in a static arena; the caller
 * passes the size and alignment back on free (as Rust's allocator API does), so blocks
 * carry no header. Sizes round up to 4 bytes, at least a hole's 8, and only those count
 * as in use: the loader's heap figures are the bytes its blocks take.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "rig.h"

struct hole {
	size_t size;
	struct hole *next;
};

static uint8_t llext_rs_heap_arena[RIG_HEAP_KB * 1024] __attribute__((aligned(8)));
static struct hole heap_head; /* .next: the lowest hole; not in the arena */
static size_t heap_used, heap_peak;
static int heap_ready;

/*
 * Fresh blocks hold 0xA5 and freed ones 0xDB (as the host arena and Zephyr's
 * CONFIG_LLEXT_RS_HEAP_POISON): a read of memory the loader left unwritten, or a use
 * after unload, gives wrong values in the cases. Off while the lean figures are
 * measured (rig.c), which count the loader's instructions, not the memsets.
 */
int rig_heap_poison = 1;

static size_t block_size(size_t size)
{
	size = (size + 3u) & ~(size_t)3u;
	return size < sizeof(struct hole) ? sizeof(struct hole) : size;
}

static uintptr_t align_up(uintptr_t v, size_t align)
{
	return (v + align - 1u) & ~(uintptr_t)(align - 1u);
}

static void heap_init(void)
{
	struct hole *all = (struct hole *)llext_rs_heap_arena;

	all->size = sizeof(llext_rs_heap_arena);
	all->next = NULL;
	heap_head.next = all;
	heap_ready = 1;
}

void *llext_rs_bare_alloc(size_t size, size_t align)
{
	if (!heap_ready) {
		heap_init();
	}
	if (size == 0 || align == 0 || (align & (align - 1u)) != 0 || size > sizeof(llext_rs_heap_arena)) {
		return NULL;
	}
	size = block_size(size);
	if (align < 4u) {
		align = 4u;
	}
	for (struct hole *prev = &heap_head, *h = heap_head.next; h != NULL; prev = h, h = h->next) {
		uintptr_t start = (uintptr_t)h;
		uintptr_t end = start + h->size;
		uintptr_t at = align_up(start, align);

		/* A gap in front must be able to stay a hole. */
		if (at != start && at - start < sizeof(struct hole)) {
			at = align_up(start + sizeof(struct hole), align);
		}
		if (at > end || end - at < size) {
			continue;
		}
		size_t back = end - at - size;

		if (back != 0 && back < sizeof(struct hole)) {
			continue; /* a remainder too small to be a hole would be lost */
		}
		struct hole *next = h->next;

		if (back != 0) {
			struct hole *rest = (struct hole *)(at + size);

			rest->size = back;
			rest->next = next;
			next = rest;
		}
		if (at != start) {
			h->size = at - start;
			h->next = next;
		} else {
			prev->next = next;
		}
		heap_used += size;
		if (heap_used > heap_peak) {
			heap_peak = heap_used;
		}
		if (rig_heap_poison) {
			memset((void *)at, 0xA5, size);
		}
		return (void *)at;
	}
	return NULL;
}

void llext_rs_bare_free(void *ptr, size_t size, size_t align)
{
	(void)align;
	if (ptr == NULL) {
		return;
	}
	size = block_size(size);
	if (rig_heap_poison) {
		memset(ptr, 0xDB, size);
	}
	uintptr_t at = (uintptr_t)ptr;
	struct hole *prev = &heap_head;

	while (prev->next != NULL && (uintptr_t)prev->next < at) {
		prev = prev->next;
	}
	struct hole *freed = ptr;

	freed->size = size;
	freed->next = prev->next;
	if (freed->next != NULL && at + size == (uintptr_t)freed->next) {
		freed->size += freed->next->size;
		freed->next = freed->next->next;
	}
	if (prev != &heap_head && (uintptr_t)prev + prev->size == at) {
		prev->size += freed->size;
		prev->next = freed->next;
	} else {
		prev->next = freed;
	}
	heap_used -= size;
}

/* The bare platform's heap figures (src/platform/bare.rs), behind llext_rs_heap_usage(). */
void llext_rs_bare_heap_usage(size_t *used, size_t *max_used, size_t *size)
{
	*used = heap_used;
	*max_used = heap_peak;
	*size = sizeof(llext_rs_heap_arena);
}
