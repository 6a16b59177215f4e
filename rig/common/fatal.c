/*
 * Fatal-error hooks of the single-purpose images (demo, Rust application): a CPU fault
 * or a loader panic ends the run with a message and a failure status. (The test
 * harness, rig.c, has its own, which report the case that was running.)
 */
#include "rig.h"

_Noreturn void rig_fault(const char *what, uintptr_t pc, uintptr_t addr)
{
	rig_printf("\nFATAL: %s at pc 0x%08lx (address 0x%08lx)\n", what, (unsigned long)pc,
		   (unsigned long)addr);
	rig_exit(2);
}

_Noreturn void llext_rs_panic(void)
{
	rig_printf("\nFATAL: llext-rs panicked\n");
	rig_exit(3);
}
