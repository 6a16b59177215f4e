//! Loads the embedded C extension with llext-rs's safe API, calls its `hello_world`,
//! and unloads it (the `hello_world` sample's steps, from Rust).
#![no_std]

use core::ffi::c_int;
use llext_rs::{Extension, LoadParams, Loader};
use zephyr::printkln;

/// The extension file with the alignment a flash partition would give it.
#[repr(C, align(4))]
struct Aligned<T: ?Sized>(T);

static HELLO_EXT: &Aligned<[u8]> = &Aligned(*include_bytes!(concat!(env!("BUILD_DIR"), "/hello_ext.llext")));

#[no_mangle]
extern "C" fn rust_main() {
    printkln!("llext-rs rust_app: loading a {}-byte extension from Rust", HELLO_EXT.0.len());
    let ext = match Extension::load("hello_ext", &HELLO_EXT.0, &LoadParams::default()) {
        Ok(ext) => ext,
        Err(e) => {
            printkln!("load failed: {} ({})", e, e.errno());
            return;
        }
    };
    let Some(entry) = ext.find("hello_world") else {
        printkln!("hello_world is not exported");
        return;
    };
    // SAFETY: hello_ext.c defines `int hello_world(int)`.
    let hello_world = unsafe { entry.to_fn::<extern "C" fn(c_int) -> c_int>() };
    let ret = hello_world(7);
    printkln!("hello_world(7) returned {}", ret);
    let heap = Loader::global().heap_usage().map_or(0, |u| u.used);
    drop(ext);
    let after = Loader::global().heap_usage().map_or(0, |u| u.used);
    printkln!("unloaded; LLEXT heap {} -> {} bytes", heap, after);
    printkln!("{}", if ret == 49 && after == 0 { "PASS" } else { "FAIL" });
}
