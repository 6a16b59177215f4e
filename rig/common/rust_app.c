/*
 * The rig's Rust-application image (rig/rust_app/): llext-rs is linked as a dependency
 * of a Rust firmware crate, which loads hello_world through the safe Rust API. This C
 * main runs it on Zephyr's codegen (-mlong-calls on ARM, PIC on i686) and checks the
 * extension's output and the heap.
 */
#include <string.h>
#include <zephyr/llext/llext.h>

#include "rig.h"

int rig_rust_app(const uint8_t *elf, size_t len);
void llext_rs_bare_heap_usage(size_t *used, size_t *max_used, size_t *size);

#if defined(__arm__)
#define RIG_APP_CODEGEN "arm-longcalls"
#else
#define RIG_APP_CODEGEN "i686-pic"
#endif

int rig_main(void)
{
	const struct rig_fixture *fx = rig_fixture_named(RIG_APP_CODEGEN, "hello_world");
	size_t used, max_used, size;

	rig_printf("llext-rs rig, Rust application (safe API) on %s\n", rig_machine);
	int rc = fx != NULL ? rig_rust_app(fx->data, fx->len) : -1;
	const char *out = rig_output();
	int ok = rc == 0 && strcmp(out, "hello world\nA number is 42\n") == 0;

	llext_rs_bare_heap_usage(&used, &max_used, &size);
	ok = ok && used == 0;
	rig_printf("%s %s/rust_app: rig_rust_app returned %d, the extension printed %u bytes "
		   "(%s), %u heap bytes left\n",
		   ok ? "PASS" : "FAIL", RIG_APP_CODEGEN, rc, (unsigned)strlen(out),
		   strcmp(out, "hello world\nA number is 42\n") == 0 ? "as expected" : "not as expected",
		   (unsigned)used);
	rig_printf("%u passed, %u failed\n", ok ? 1u : 0u, ok ? 0u : 1u);
	return ok ? 0 : 1;
}
