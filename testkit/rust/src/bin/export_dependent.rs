//! export_dependent.c in Rust: imports test_dependency() from another extension (C or
//! Rust), not from the base image; test_entry() prints "dependency says 30\n" and
//! returns test_dependency(5, 6) + base_add(1, 2) = 33.
#![no_std]
#![no_main]

use core::ffi::{c_int, c_long};
use llext_extension::{export, printk};

extern "C" {
    fn test_dependency(a: c_int, b: c_int) -> c_long;
    fn base_add(a: c_int, b: c_int) -> c_int;
}

#[no_mangle]
pub extern "C" fn test_entry() -> c_int {
    // SAFETY: the providers' functions, with their C signatures; %ld takes a long.
    unsafe {
        let r = test_dependency(5, 6);
        printk!(c"dependency says %ld\n", r);
        r as c_int + base_add(1, 2)
    }
}
export!(test_entry);
