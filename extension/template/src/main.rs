//! A minimal extension: `hello(n)` prints a line through the base image's printk and
//! returns `n + 1`; `llext_find_sym(&ext->exp_tab, "hello")` finds it.
#![no_std]
#![no_main]

use core::ffi::c_int;
use llext_extension::{export, printk};

#[no_mangle]
pub extern "C" fn hello(n: c_int) -> c_int {
    // SAFETY: %d takes an int.
    unsafe { printk!(c"hello from a Rust extension, n = %d\n", n) };
    n.wrapping_add(1)
}
export!(hello);
