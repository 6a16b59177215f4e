/* SPDX-License-Identifier: Apache-2.0 */
/* Starts a thread on base-image objects and synchronises with it via a semaphore.
 * Valid in kernel and user mode: a user thread may only create user threads, which
 * inherit its memory domain (this extension's partitions) and, with
 * K_INHERIT_PERMS, its kernel object permissions.
 */
#include <zephyr/kernel.h>
#include <zephyr/device.h>
#include <zephyr/llext/symbol.h>
#include <zephyr/ztest_assert.h>
#include "threads_kobj_ext.h"

/* With device exports, the console device is reached by DEVICE_DT_GET (its
 * __device_dts_ord_<N> object is imported from the image).
 */
#if defined(CONFIG_LLEXT_EXPORT_DEVICES) && DT_HAS_CHOSEN(zephyr_console) &&             \
	DT_NODE_HAS_STATUS_OKAY(DT_CHOSEN(zephyr_console))
#define CONSOLE_DT_NODE DT_CHOSEN(zephyr_console)
#endif

#ifdef CONFIG_USERSPACE
#define WORKER_OPTIONS (K_USER | K_INHERIT_PERMS)
#else
#define WORKER_OPTIONS 0
#endif

static int seen;

static void worker(void *p1, void *p2, void *p3)
{
	int *flag = p1;

	*flag = 1;
	k_sem_give(&kobj_sem);
}

void test_entry(void)
{
	seen = 0;
	k_sem_reset(&kobj_sem);
	k_thread_create(&kobj_thread, kobj_stack, KOBJ_STACK_SIZE, worker, &seen, NULL, NULL,
			K_PRIO_PREEMPT(1), WORKER_OPTIONS, K_NO_WAIT);
	zassert_ok(k_sem_take(&kobj_sem, K_SECONDS(1)), "worker did not signal");
	zassert_ok(k_thread_join(&kobj_thread, K_SECONDS(1)));
	zassert_equal(seen, 1);

#ifdef CONSOLE_DT_NODE
	const struct device *const console = DEVICE_DT_GET(CONSOLE_DT_NODE);

	zassert_not_null(console);
	/* the handle resolved at load time is the one the image finds by name */
	zassert_equal(device_get_binding(DEVICE_DT_NAME(CONSOLE_DT_NODE)), console);
	zassert_true(device_is_ready(console));
#endif
}
EXPORT_SYMBOL(test_entry);
