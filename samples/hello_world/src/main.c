/* SPDX-License-Identifier: Apache-2.0 */
/* Loads an embedded extension with llext-rs and calls it. */
#include <zephyr/kernel.h>
#include <zephyr/llext/llext.h>
#include <zephyr/llext/buf_loader.h>
#include <zephyr/llext/symbol.h>

static const uint8_t hello_ext[] __aligned(4) = {
#include "hello_ext.inc"
};

int main(void)
{
	struct llext_buf_loader buf_loader = LLEXT_BUF_LOADER(hello_ext, sizeof(hello_ext));
	struct llext_loader *loader = &buf_loader.loader;
	struct llext_load_param param = LLEXT_LOAD_PARAM_DEFAULT;
	struct llext *ext = NULL;

	printk("llext-rs hello_world on %s: loading %zu-byte extension\n", CONFIG_BOARD_TARGET,
	       sizeof(hello_ext));
	int rc = llext_load(loader, "hello_ext", &ext, &param);

	if (rc != 0) {
		printk("llext_load failed: %d\n", rc);
		return 0;
	}

	int (*fn)(int) = llext_find_sym(&ext->exp_tab, "hello_world");

	if (fn == NULL) {
		printk("hello_world not exported\n");
		return 0;
	}
	int ret = fn(7);

	printk("hello_world(7) returned %d\n", ret);
	rc = llext_unload(&ext);
	printk("unloaded: %d\n", rc);
	printk("%s\n", ret == 49 ? "PASS" : "FAIL");
	return 0;
}
