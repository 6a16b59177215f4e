/*
 * llext-rs Zephyr glue: the kernel services the Rust platform layer
 * (src/platform/zephyr.rs) uses, most of which are static inline functions or
 * syscall wrappers in Zephyr, plus the kernel objects sized by Kconfig.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#include <zephyr/kernel.h>
#include <zephyr/init.h>
#include <zephyr/cache.h>
#include <zephyr/logging/log.h>
#include <zephyr/logging/log_ctrl.h>
#include <zephyr/llext/llext.h>
#include <zephyr/llext/symbol.h>
#ifdef CONFIG_MMU
#include <zephyr/kernel/mm.h>
#endif
#ifdef CONFIG_USERSPACE
#include <zephyr/app_memory/mem_domain.h>
#include <zephyr/internal/syscall_handler.h>
#endif

LOG_MODULE_REGISTER(llext, CONFIG_LLEXT_RS_LOG_LEVEL);

/* ---- Layouts shared with Rust (src/ffi/types.rs, src/ffi/symbol.rs) ---- */
BUILD_ASSERT(sizeof(struct llext_const_symbol) == 2 * sizeof(void *));
BUILD_ASSERT(offsetof(struct llext, llext_list) == 0);
#ifdef CONFIG_USERSPACE
/* src/platform/zephyr.rs: struct k_mem_partition { uintptr_t start; size_t size; attr } */
BUILD_ASSERT(offsetof(struct k_mem_partition, start) == 0);
BUILD_ASSERT(offsetof(struct k_mem_partition, size) == sizeof(uintptr_t));
BUILD_ASSERT(offsetof(struct k_mem_partition, attr) == 2 * sizeof(uintptr_t));
#if defined(CONFIG_ARM)
BUILD_ASSERT(sizeof(k_mem_partition_attr_t) == 4, "Rust side uses u32 on ARM");
#else
BUILD_ASSERT(sizeof(k_mem_partition_attr_t) == 8, "Rust side uses u64 on x86 (CONFIG_X86_PAE)");
#endif
BUILD_ASSERT(offsetof(struct llext, mem_parts) == sizeof(sys_snode_t));
BUILD_ASSERT(offsetof(struct llext, name) ==
	     sizeof(sys_snode_t) + LLEXT_MEM_PARTITIONS * sizeof(struct k_mem_partition));
#else
BUILD_ASSERT(offsetof(struct llext, name) == sizeof(sys_snode_t));
#endif

/* ---- Heap ---- */
#ifdef CONFIG_LLEXT_RS_HEAP_DYNAMIC
static struct k_heap llext_rs_heap;
static bool llext_rs_heap_ready;
#else
K_HEAP_DEFINE(llext_rs_heap, CONFIG_LLEXT_RS_HEAP_SIZE * 1024);
#define llext_rs_heap_ready true
#endif

void *llext_rs_z_alloc(size_t align, size_t size)
{
	if (!llext_rs_heap_ready) {
		return NULL;
	}
	return k_heap_aligned_alloc(&llext_rs_heap, align, size, K_NO_WAIT);
}

void llext_rs_z_free(void *ptr, bool region, size_t size)
{
#ifdef CONFIG_MMU
	/* Extension regions may have had their page attributes changed. */
	if (region && ((uintptr_t)ptr % CONFIG_MMU_PAGE_SIZE) == 0 &&
	    (size % CONFIG_MMU_PAGE_SIZE) == 0) {
		k_mem_update_flags(ptr, size, K_MEM_PERM_RW);
	}
#else
	ARG_UNUSED(region);
	ARG_UNUSED(size);
#endif
	k_heap_free(&llext_rs_heap, ptr);
}

int llext_rs_z_heap_init(void *mem, size_t bytes)
{
#ifdef CONFIG_LLEXT_RS_HEAP_DYNAMIC
	if (llext_rs_heap_ready) {
		return -EEXIST;
	}
	k_heap_init(&llext_rs_heap, mem, bytes);
	llext_rs_heap_ready = true;
	return 0;
#else
	ARG_UNUSED(mem);
	ARG_UNUSED(bytes);
	return -ENOSYS;
#endif
}

int llext_rs_z_heap_uninit(void)
{
#ifdef CONFIG_LLEXT_RS_HEAP_DYNAMIC
	if (!llext_rs_heap_ready) {
		return -EEXIST;
	}
	llext_rs_heap_ready = false;
	return 0;
#else
	return -ENOSYS;
#endif
}

/* ---- Lock around the extension list (k_mutex is recursive for its owner) ---- */
K_MUTEX_DEFINE(llext_rs_lock);

void llext_rs_z_lock(void)
{
	(void)k_mutex_lock(&llext_rs_lock, K_FOREVER);
}

void llext_rs_z_unlock(void)
{
	(void)k_mutex_unlock(&llext_rs_lock);
}

/* ---- Caches, MMU, memory protection shapes ---- */
void llext_rs_z_sync(const void *ptr, size_t len, bool exec)
{
	(void)sys_cache_data_flush_range((void *)ptr, len);
	if (exec) {
		(void)sys_cache_instr_invd_range((void *)ptr, len);
	}
}

void llext_rs_z_set_access(const void *ptr, size_t len, int access)
{
#ifdef CONFIG_MMU
	/* 0: text (RX), 1: rodata (RO); data stays RW. */
	uint32_t flags = access == 0 ? K_MEM_PERM_EXEC : 0;

	if (access <= 1 && ((uintptr_t)ptr % CONFIG_MMU_PAGE_SIZE) == 0 && len != 0) {
		k_mem_update_flags((void *)ptr, ROUND_UP(len, CONFIG_MMU_PAGE_SIZE), flags);
	}
#else
	ARG_UNUSED(ptr);
	ARG_UNUSED(len);
	ARG_UNUSED(access);
#endif
}

int llext_rs_z_protection(size_t *param)
{
#if defined(CONFIG_MMU)
	*param = CONFIG_MMU_PAGE_SIZE;
	return 2;
#elif defined(CONFIG_USERSPACE) && defined(CONFIG_MPU_REQUIRES_POWER_OF_TWO_ALIGNMENT)
	*param = CONFIG_ARM_MPU_REGION_MIN_ALIGN_AND_SIZE;
	return 1;
#elif defined(CONFIG_USERSPACE)
	*param = 32;
	return 2;
#else
	*param = 0;
	return 0;
#endif
}

/* ---- Logging ---- */
void llext_rs_z_log(int level, const char *msg)
{
	switch (level) {
	case LOG_LEVEL_ERR:
		LOG_ERR("%s", msg);
		break;
	case LOG_LEVEL_WRN:
		LOG_WRN("%s", msg);
		break;
	case LOG_LEVEL_INF:
		LOG_INF("%s", msg);
		break;
	default:
		LOG_DBG("%s", msg);
		break;
	}
}

void llext_rs_z_flush_logs(void)
{
#if defined(CONFIG_LOG_MODE_DEFERRED) && !defined(CONFIG_LOG_FRONTEND_ONLY)
	/* Pending messages may point into the extension about to be freed. */
	while (log_data_pending()) {
		if (!log_process()) {
			break;
		}
	}
#endif
}

/* The Rust panic handler (a bug, never bad input) ends here. */
FUNC_NORETURN void llext_rs_panic(void)
{
	LOG_PANIC();
	k_panic();
	CODE_UNREACHABLE;
}

extern void llext_rs_zephyr_init(int level);

static int llext_rs_init(void)
{
	llext_rs_zephyr_init(CONFIG_LLEXT_RS_LOG_LEVEL);
	return 0;
}
SYS_INIT(llext_rs_init, POST_KERNEL, 0);

/* ---- init/fini tables through the llext_get_fn_table() system call ---- */
ssize_t llext_rs_get_fn_table(struct llext *ext, bool is_init, void *buf, size_t size)
{
	return llext_get_fn_table(ext, is_init, buf, size);
}

#ifdef CONFIG_USERSPACE
static inline ssize_t z_vrfy_llext_get_fn_table(struct llext *ext, bool is_init, void *buf,
						size_t size)
{
	/* ext is only compared against the loaded extensions, never dereferenced. */
	if (buf != NULL) {
		K_OOPS(K_SYSCALL_MEMORY_WRITE(buf, size));
	}
	return z_impl_llext_get_fn_table(ext, is_init, buf, size);
}
#include <zephyr/syscalls/llext_get_fn_table_mrsh.c>

/* llext_add_domain() */
k_mem_partition_attr_t llext_rs_z_part_attr(int kind)
{
	switch (kind) {
	case 0:
		return (k_mem_partition_attr_t)K_MEM_PARTITION_P_RX_U_RX;
	case 1:
		return (k_mem_partition_attr_t)K_MEM_PARTITION_P_RO_U_RO;
	default:
		return (k_mem_partition_attr_t)K_MEM_PARTITION_P_RW_U_RW;
	}
}

int llext_rs_z_add_partition(struct k_mem_domain *domain, struct k_mem_partition *part)
{
	int rc = k_mem_domain_add_partition(domain, part);

	if (rc != 0) {
		LOG_ERR("k_mem_domain_add_partition(%p, %zu) failed: %d", (void *)part->start,
			part->size, rc);
	}
	return rc;
}
#endif /* CONFIG_USERSPACE */
