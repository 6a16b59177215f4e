//! hello_world.c in Rust: test_entry() prints "hello world\nA number is 42\n" and
//! returns base_add(40, 2) = 42.
#![no_std]
#![no_main]

use core::ffi::c_int;
use llext_extension::{export, printk};

extern "C" {
    fn base_add(a: c_int, b: c_int) -> c_int;
}

/// Folded into the code, as gcc folds the C twin's `static const`.
const NUMBER: u32 = 42;

#[no_mangle]
pub extern "C" fn test_entry() -> c_int {
    printk!(c"hello world\n");
    // SAFETY: printk's %u takes an unsigned int; base_add is the base image's.
    unsafe {
        printk!(c"A number is %u\n", NUMBER);
        base_add(NUMBER as c_int - 2, 2)
    }
}
export!(test_entry);
