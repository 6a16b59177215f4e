/* SPDX-License-Identifier: Apache-2.0 */
/* Starts a thread on base-image objects and synchronises with it via a semaphore. */
#include <zephyr/kernel.h>
#include <zephyr/llext/symbol.h>
#include <zephyr/ztest_assert.h>
#include "threads_kobj_ext.h"

static void worker(void *p1, void *p2, void *p3)
{
	int *seen = p1;

	*seen = 1;
	k_sem_give(&kobj_sem);
}

void test_entry(void)
{
	int seen = 0;

	k_sem_reset(&kobj_sem);
	k_thread_create(&kobj_thread, kobj_stack, KOBJ_STACK_SIZE, worker, &seen, NULL, NULL,
			K_PRIO_PREEMPT(1), 0, K_NO_WAIT);
	zassert_ok(k_sem_take(&kobj_sem, K_SECONDS(1)), "worker did not signal");
	zassert_ok(k_thread_join(&kobj_thread, K_SECONDS(1)));
	zassert_equal(seen, 1);
}
EXPORT_SYMBOL(test_entry);
