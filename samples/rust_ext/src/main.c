/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Loads an extension written in Rust (ext/, built by add_llext_rust_target()) with
 * llext-rs, reads its exported data and calls its exported function, as it would one
 * written in C.
 */
#include <zephyr/kernel.h>
#include <zephyr/llext/llext.h>
#include <zephyr/llext/buf_loader.h>
#include <zephyr/llext/symbol.h>

static const uint8_t rust_ext[] __aligned(4) = {
#include "rust_ext.inc"
};

/* What the extension imports from the image besides printk. */
const char *app_board = CONFIG_BOARD_TARGET;
EXPORT_SYMBOL(app_board);

int main(void)
{
	struct llext_buf_loader buf_loader = LLEXT_BUF_LOADER(rust_ext, sizeof(rust_ext));
	struct llext_load_param param = LLEXT_LOAD_PARAM_DEFAULT;
	struct llext *ext = NULL;

	printk("llext-rs rust_ext on %s: loading %zu-byte Rust extension\n", CONFIG_BOARD_TARGET,
	       sizeof(rust_ext));
	int rc = llext_load(&buf_loader.loader, "rust_ext", &ext, &param);

	if (rc != 0) {
		printk("llext_load failed: %d\n", rc);
		return 0;
	}

	int (*scale)(int) = llext_find_sym(&ext->exp_tab, "rust_scale");
	const int *offset = llext_find_sym(&ext->exp_tab, "rust_offset");

	if (scale == NULL || offset == NULL) {
		printk("rust_scale or rust_offset not exported\n");
		return 0;
	}
	int ret = scale(20);

	printk("rust_scale(20) returned %d, offset %d\n", ret, *offset);
	rc = llext_unload(&ext);
	printk("unloaded: %d\n", rc);
	printk("%s\n", ret == 63 && rc == 0 ? "PASS" : "FAIL");
	return 0;
}
