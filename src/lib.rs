//! llext-rs: Zephyr's LLEXT loader and linker for linkable loadable extensions.
//!
//! C code uses it through the generated `zephyr/llext/llext.h` (Zephyr 4.3's API); Rust
//! code through the safe API at the crate root ([`Extension`], [`Loader`], [`Symbol`],
//! [`export_symbol!`]; see [`api`]). Both share one registry of loaded extensions.
#![cfg_attr(not(feature = "std"), no_std)]
// Bad input must never panic: no unwrap, no indexing, no explicit panics in the loader
// (unit tests may).
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing))]

pub mod api;
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

// The safe Rust API (see `api`), at the crate root.
pub use api::{Extension, ExtensionRef, HeapUsage, LlextError, Loader, Placement, RegionKind, SectionInfo, Symbol};
pub use load::LoadParams;
pub use source::{SliceSource, Source, Storage};

/// The export-entry macros `export_symbol!` shares with extensions written in Rust.
#[doc(hidden)]
pub use llext_extension as __extension;

/// Without std nothing may unwind: a panic (a bug, never bad input) ends in the
/// embedding's fatal-error hook (`k_panic()` under Zephyr, a failure exit in the rig).
#[cfg(not(any(feature = "std", feature = "external-panic-handler")))]
#[panic_handler]
fn panic(_info: &core::panic::PanicInfo) -> ! {
    extern "C" {
        fn llext_rs_panic() -> !;
    }
    // SAFETY: platform call into the embedding's fatal-error handler, which never returns.
    unsafe { llext_rs_panic() }
}
