/*
 * Demo mode of the rig (rig/demo.sh): the emulated Cortex-M3 loads the hello_world
 * extension from flash through the Zephyr LLEXT C API, shows where its regions went,
 * runs it with its printk() output on the console, and unloads it.
 */
#include <string.h>
#include <zephyr/llext/buf_loader.h>
#include <zephyr/llext/llext.h>

#include "rig.h"

#ifndef RIG_DEMO_CODEGEN
#define RIG_DEMO_CODEGEN "arm-longcalls" /* Zephyr's default for ARM extensions */
#endif

int rig_main(void)
{
	static const char *const regions[] = {"text", "data", "rodata", "bss"};
	const struct rig_fixture *fx = rig_fixture_named(RIG_DEMO_CODEGEN, "hello_world");

	if (fx == NULL) {
		rig_printf("hello_world (%s) is not built in\n", RIG_DEMO_CODEGEN);
		return 1;
	}

	rig_printf("llext-rs demo on %s\n", rig_machine);
	rig_printf("loading hello_world: %u-byte ELF object in flash at %p (%s)\n",
		   (unsigned)fx->len, (const void *)fx->data, RIG_DEMO_CODEGEN);

	struct llext_rs_heap_usage heap;

	if (llext_rs_heap_usage(&heap) != 0) {
		rig_printf("llext_rs_heap_usage failed\n");
		return 1;
	}
	size_t base = heap.used;
	struct llext_buf_loader buf = LLEXT_BUF_LOADER(fx->data, fx->len);
	struct llext_load_param param = LLEXT_LOAD_PARAM_DEFAULT;
	struct llext *ext = NULL;
	int rc = llext_load(&buf.loader, "hello_world", &ext, &param);

	if (rc != 0) {
		rig_printf("llext_load failed: %d\n", rc);
		return 1;
	}
	for (int i = 0; i < 4; i++) {
		if (ext->mem_size[i] != 0) {
			rig_printf("  %-6s %5u bytes at %p (%s)\n", regions[i],
				   (unsigned)ext->mem_size[i], ext->mem[i],
				   ext->mem_on_heap[i] ? "copied to the LLEXT heap"
						       : "used in place");
		}
	}

	int (*entry)(void) = (int (*)(void))(uintptr_t)llext_find_sym(&ext->exp_tab, "test_entry");

	if (entry == NULL) {
		rig_printf("test_entry is not exported\n");
		return 1;
	}
	rig_printf("calling test_entry() at %p; the extension prints:\n", (const void *)entry);
	rig_printf("----------------------------------------\n");
	rig_echo_printk = 1;
	int ret = entry();

	rig_echo_printk = 0;
	rig_printf("----------------------------------------\n");
	rig_printf("test_entry() returned %d\n", ret);

	(void)llext_rs_heap_usage(&heap);
	rig_printf("LLEXT heap (llext_rs_heap_usage): %u bytes in use while loaded, high-water "
		   "%u of %u bytes\n",
		   (unsigned)heap.used, (unsigned)heap.max_used, (unsigned)heap.size);
	rc = llext_unload(&ext);
	(void)llext_rs_heap_usage(&heap);
	rig_printf("unloaded (llext_unload returned %d); heap in use: %u bytes\n", rc,
		   (unsigned)heap.used);
	rig_printf("stack high-water: %u bytes\n", (unsigned)rig_stack_high_water());
	return ret == 42 && rc == 0 && heap.used == base ? 0 : 1;
}
