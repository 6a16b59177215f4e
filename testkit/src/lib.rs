//! Test support for llext-rs (not published).
//!
//! - [`fixtures`]: C extensions built at build time by the real cross
//!   compilers (ARM Thumb-2, i386, x86_64; object, `ld -r`, shared).
//! - [`oracle`]: links a fixture with GNU ld at the addresses a loader
//!   chose, for section-by-section comparison.
//! - [`emu`]: runs ARM/i386/x86_64 code on Unicorn against an emulated base
//!   image; [`native`]: runs x86_64 code in-process.
//! - [`expect`]: what each fixture must do when run, and a runner.

pub mod emu;
pub mod expect;
pub mod fixtures;
#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
pub mod native;
pub mod oracle;

pub use fixtures::{Arch, Codegen, ElfKind, Fixture, Flavor, FIXTURES};

/// The C API test program (tests/c/api_test.c), built against llext-rs's generated
/// headers; each function returns 0 or -1 with [`c_api::llext_rs_c_api_failure`] set.
#[cfg(llext_c_api_test)]
pub mod c_api {
    use std::ffi::c_char;
    extern "C" {
        pub fn llext_rs_c_api_failure() -> *const c_char;
        pub fn llext_rs_c_api_hello(elf: *const u8, len: usize) -> i32;
        pub fn llext_rs_c_api_init_fini(elf: *const u8, len: usize) -> i32;
        pub fn llext_rs_c_api_dependency(dep: *const u8, dep_len: usize, user: *const u8, user_len: usize) -> i32;
        pub fn llext_rs_c_api_inspect(elf: *mut u8, len: usize) -> i32;
        pub fn llext_rs_c_api_errors(elf: *const u8, len: usize) -> i32;
    }
}
