//! export_dependency.c in Rust: exports test_dependency(a, b) = a * b for another
//! extension (C or Rust) to import; test_entry() returns test_dependency(6, 7) = 42.
#![no_std]
#![no_main]

use core::ffi::{c_int, c_long};
use llext_extension::export;

#[no_mangle]
#[inline(never)]
pub extern "C" fn test_dependency(a: c_int, b: c_int) -> c_long {
    c_long::from(a).wrapping_mul(c_long::from(b))
}
export!(test_dependency);

#[no_mangle]
pub extern "C" fn test_entry() -> c_int {
    test_dependency(6, 7) as c_int
}
export!(test_entry);
