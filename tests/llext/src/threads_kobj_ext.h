/* SPDX-License-Identifier: Apache-2.0 */
/* Kernel objects defined (and exported) by the test image, used by the extension. */
#ifndef LLEXT_RS_TEST_THREADS_KOBJ_EXT_H
#define LLEXT_RS_TEST_THREADS_KOBJ_EXT_H
#include <zephyr/kernel.h>

#define KOBJ_STACK_SIZE 1024

extern struct k_thread kobj_thread;
extern struct z_thread_stack_element kobj_stack[];
extern struct k_sem kobj_sem;
#endif
