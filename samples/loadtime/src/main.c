/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Load-time benchmark: loads a small and a large extension from buffers
 * (LLEXT_BUF_LOADER), looks up and calls their entry points and unloads them,
 * CONFIG_LOADTIME_ITERATIONS times each, and prints per cycle: timer cycles and,
 * under QEMU with -icount shift=0 (prj.conf), the exact instruction count; the
 * stack high-water of the thread doing it; the LLEXT heap in use while loaded.
 *
 * The same source builds with Zephyr's C LLEXT (CONFIG_LLEXT=y, llext_c.conf) and
 * with llext-rs (CONFIG_LLEXT_RS=y), so the two can be compared on one board.
 */
#include <zephyr/kernel.h>
#include <zephyr/llext/llext.h>
#include <zephyr/llext/buf_loader.h>
#include <zephyr/llext/symbol.h>
#include <zephyr/sys/sys_heap.h>

static const uint8_t small_ext[] __aligned(4) = {
#include "small_ext.inc"
};
static const uint8_t bulk_ext[] __aligned(4) = {
#include "bulk_ext.inc"
};

struct bench {
	const char *name;
	const uint8_t *elf;
	size_t len;
	const char *entry;
	int arg;
	int expect;
};

static const struct bench benches[] = {
	{"small", small_ext, sizeof(small_ext), "small_run", 7, 49},
	{"bulk", bulk_ext, sizeof(bulk_ext), "bulk_run", 1, 8040},
};

/* Heap bytes in use (sys_heap's count: chunk headers and rounding included). */
static size_t heap_in_use(void)
{
#if defined(CONFIG_LLEXT_RS)
	struct llext_rs_heap_usage usage = {0};

	(void)llext_rs_heap_usage(&usage);
	return usage.used;
#else
	struct sys_memory_stats stats = {0};
	extern struct k_heap llext_heap;

	sys_heap_runtime_stats_get(&llext_heap.heap, &stats);
	return stats.allocated_bytes;
#endif
}

/* One load + find + call + unload; returns 0 on success. */
static int cycle(const struct bench *b, size_t *loaded_heap)
{
	struct llext_buf_loader buf_loader = LLEXT_BUF_LOADER(b->elf, b->len);
	struct llext_load_param param = LLEXT_LOAD_PARAM_DEFAULT;
	struct llext *ext = NULL;
	int rc = llext_load(&buf_loader.loader, b->name, &ext, &param);

	if (rc != 0) {
		printk("%s: llext_load failed: %d\n", b->name, rc);
		return rc;
	}
	*loaded_heap = heap_in_use();
	int (*fn)(int) = llext_find_sym(&ext->exp_tab, b->entry);

	if (fn == NULL) {
		printk("%s: %s not exported\n", b->name, b->entry);
		llext_unload(&ext);
		return -ENOENT;
	}
	int ret = fn(b->arg);

	rc = llext_unload(&ext);
	if (ret != b->expect || rc != 0) {
		printk("%s: %s(%d) returned %d (expected %d), unload %d\n", b->name, b->entry,
		       b->arg, ret, b->expect, rc);
		return -EINVAL;
	}
	return 0;
}

#define BENCH_STACK 4096
K_THREAD_STACK_DEFINE(bench_stack, BENCH_STACK);
static struct k_thread bench_thread;
static const struct bench *current;
static int bench_rc;
static uint64_t bench_cycles;
static size_t bench_heap;

static void bench_entry(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	uint64_t total = 0;

	for (int i = 0; i < CONFIG_LOADTIME_ITERATIONS; i++) {
		uint32_t start = k_cycle_get_32();

		bench_rc = cycle(current, &bench_heap);
		total += k_cycle_get_32() - start;
		if (bench_rc != 0) {
			return;
		}
	}
	bench_cycles = total;
}

int main(void)
{
	int failed = 0;
	uint32_t hz = sys_clock_hw_cycles_per_sec();

	printk("loadtime on %s with %s, %d iterations, timer %u Hz\n", CONFIG_BOARD_TARGET,
	       IS_ENABLED(CONFIG_LLEXT_RS) ? "llext-rs" : "Zephyr LLEXT",
	       CONFIG_LOADTIME_ITERATIONS, hz);
	for (size_t i = 0; i < ARRAY_SIZE(benches); i++) {
		size_t unused = 0;
		size_t base = heap_in_use();

		current = &benches[i];
		bench_rc = 0;
		bench_cycles = 0;
		k_thread_create(&bench_thread, bench_stack, BENCH_STACK, bench_entry, NULL, NULL,
				NULL, K_PRIO_PREEMPT(1), 0, K_NO_WAIT);
		k_thread_join(&bench_thread, K_FOREVER);
		k_thread_stack_space_get(&bench_thread, &unused);
		if (bench_rc != 0) {
			printk("loadtime %s: FAIL (%d)\n", current->name, bench_rc);
			failed++;
			continue;
		}
		uint64_t per = bench_cycles / CONFIG_LOADTIME_ITERATIONS;
		/* -icount shift=0: one instruction per ns of virtual time. */
		uint64_t insns = bench_cycles * 1000000000ULL / hz / CONFIG_LOADTIME_ITERATIONS;

		printk("loadtime %s: %zu bytes, %llu cycles/load, %llu instructions/load "
		       "(icount), stack %zu bytes, heap %zu bytes while loaded, leak %zd\n",
		       current->name, current->len, per, insns, BENCH_STACK - unused,
		       bench_heap - base, (ssize_t)(heap_in_use() - base));
	}
	printk("%s\n", failed ? "FAIL" : "PASS");
	return 0;
}
