//! The sample's extension: `rust_scale(n)` greets through the base image's printk and
//! returns `n * 3 + OFFSET`, where `rust_offset` (exported data) holds OFFSET.
#![no_std]
#![no_main]

use core::ffi::{c_char, c_int};
use core::sync::atomic::{AtomicI32, Ordering};
use llext_extension::{export, printk};

extern "C" {
    /// The application's board name (exported by the sample's main.c).
    static app_board: *const c_char;
}

#[no_mangle]
#[allow(non_upper_case_globals)] // the C name it is exported under
pub static rust_offset: AtomicI32 = AtomicI32::new(3);
export!(static rust_offset);

#[no_mangle]
pub extern "C" fn rust_scale(n: c_int) -> c_int {
    // SAFETY: %s takes the base image's NUL-terminated board name, %d an int.
    unsafe { printk!(c"hello from a Rust extension on %s, n = %d\n", app_board, n) };
    n.wrapping_mul(3).wrapping_add(rust_offset.load(Ordering::Relaxed))
}
export!(rust_scale);
