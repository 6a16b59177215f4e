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
