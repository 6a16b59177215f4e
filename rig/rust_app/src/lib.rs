//! The rig's Rust application (see Cargo.toml): `rig_rust_app(elf, len)` loads the
//! extension in `elf` through the safe API, calls its `int test_entry(void)`, checks it
//! returns 42, and unloads it. Returns 0, or the step that failed.
#![no_std]

use core::ffi::c_int;
use llext_rs::{Extension, LoadParams};

/// # Safety
/// `elf..elf+len` must be a static (flash) array, as the rig's fixtures are.
#[no_mangle]
pub unsafe extern "C" fn rig_rust_app(elf: *const u8, len: usize) -> c_int {
    // SAFETY: the caller passes one of the rig's static fixture arrays.
    let elf: &'static [u8] = unsafe { core::slice::from_raw_parts(elf, len) };
    let ext = match Extension::load("rust_app", elf, &LoadParams::default()) {
        Ok(ext) => ext,
        Err(e) => return e.errno(),
    };
    let Some(entry) = ext.find("test_entry") else { return 1 };
    // SAFETY: the fixtures define `int test_entry(void)`.
    let test_entry = unsafe { entry.to_fn::<extern "C" fn() -> c_int>() };
    if test_entry() != 42 {
        return 2;
    }
    drop(ext);
    0
}
