//! llext-rs: Zephyr's LLEXT loader and linker for linkable loadable extensions.
#![cfg_attr(not(feature = "std"), no_std)]
// Bad input must never panic: no unwrap, no indexing, no explicit panics in the loader
// (unit tests may).
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing))]

pub mod arch;
pub mod diag;
pub mod elf;
pub mod error;
pub mod ffi;
pub mod symbols;
pub mod layout;
pub mod link;
pub mod load;
pub mod platform;
pub mod registry;
pub mod source;

/// Without std nothing may unwind: a panic (a bug, never bad input) ends in the
/// embedding's fatal-error hook (`k_panic()` under Zephyr, a failure exit in the rig).
#[cfg(not(feature = "std"))]
#[panic_handler]
fn panic(_info: &core::panic::PanicInfo) -> ! {
    extern "C" {
        fn llext_rs_panic() -> !;
    }
    // SAFETY: platform call into the embedding's fatal-error handler, which never returns.
    unsafe { llext_rs_panic() }
}
