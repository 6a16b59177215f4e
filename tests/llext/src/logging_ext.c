/* SPDX-License-Identifier: Apache-2.0 */
/* Logs through Zephyr's logging subsystem from inside an extension. */
#include <inttypes.h>
#include <stdint.h>
#include <zephyr/llext/symbol.h>
#include <zephyr/logging/log.h>

LOG_MODULE_REGISTER(logging_ext);

static const uint32_t answer = 42;

void test_entry(void)
{
	LOG_INF("hello from a logging extension");
	LOG_INF("answer is %" PRIu32, answer);
}
EXPORT_SYMBOL(test_entry);
