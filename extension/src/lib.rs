//! Zephyr LLEXT extensions in Rust.
//!
//! An extension is a `no_std`, `no_main` binary crate linked as one relocatable ELF
//! object (`ld -r`), which llext-rs (and Zephyr's own loader) loads like one built
//! from C with `add_llext_target()`. This crate gives it what C extensions get from
//! `<zephyr/llext/symbol.h>` and the kernel headers:
//!
//! - [`export!`]: an entry of the extension's export table, exactly what
//!   `LL_EXTENSION_SYMBOL(name)` / `EXPORT_SYMBOL(name)` emit in an extension build
//!   (a `{name, address}` pair in section `.exported_sym`);
//! - [`base`]: declarations of base-image functions extensions commonly call
//!   (`printk`, `memcpy`, `memset`, `k_*` time), and [`printk!`];
//! - a panic handler that traps without pulling in `core::fmt` (feature
//!   `panic-handler`, on by default).
//!
//! ```ignore
//! #![no_std]
//! #![no_main]
//! use llext_extension::{export, printk};
//!
//! #[no_mangle]
//! pub extern "C" fn test_entry() -> i32 {
//!     printk!(c"hello from Rust\n");
//!     42
//! }
//! export!(test_entry);
//! ```
//!
//! Build (see the repository's README, "Extensions in Rust"): `cargo build --release`
//! with the `.cargo/config.toml` of `extension/template/`, which links with `-r`.
#![no_std]

use core::ffi::{c_char, c_void};

pub mod base;

/// One export entry (`struct llext_const_symbol` with a name pointer: a constant cannot
/// turn a pointer into the C union's integer): an extension's, or a base image's
/// through llext-rs's `export_symbol!`.
#[doc(hidden)]
#[repr(C)]
pub struct ExportEntry {
    pub name: *const c_char,
    pub addr: *const c_void,
}

// SAFETY: two addresses of immutable items of the extension, never written (the
// loader relocates them once, before any code of the extension runs).
unsafe impl Sync for ExportEntry {}

/// Exports a function (or, with `static`, a static) of the extension, as C's
/// `LL_EXTENSION_SYMBOL` does: `export!(name)` under its own name, `export!(name =
/// path)` under `name`; `export!(static name)` / `export!(static name = path)` for
/// data. The loader's `llext_find_sym(&ext->exp_tab, "name")` and other extensions'
/// imports of `name` find it.
///
/// The item itself should be `#[no_mangle] pub extern "C"` when C code or other
/// extensions declare it by that name; the export entry alone is what the loader needs.
#[macro_export]
macro_rules! export {
    ($($args:tt)*) => {
        $crate::export_in!(one ".exported_sym"; $($args)*);
    };
}

/// The forms of [`export!`], into a section of the caller's choice: `one "name"` (every
/// entry in one section) or `per_symbol "prefix"` (a section per entry, named prefix +
/// symbol, which a linker script can sort). llext-rs's `export_symbol!` uses it for the
/// base image's table.
#[doc(hidden)]
#[macro_export]
macro_rules! export_in {
    ($how:ident $section:literal; $name:ident) => {
        $crate::export_in!($how $section; $name = $name);
    };
    ($how:ident $section:literal; $name:ident = $item:path) => {
        $crate::__export_entry!($how $section, $name, $item as *const ::core::ffi::c_void);
    };
    ($how:ident $section:literal; static $name:ident) => {
        $crate::export_in!($how $section; static $name = $name);
    };
    ($how:ident $section:literal; static $name:ident = $item:path) => {
        $crate::__export_entry!($how $section, $name, ::core::ptr::addr_of!($item).cast::<::core::ffi::c_void>());
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __export_entry {
    (one $section:literal, $name:ident, $addr:expr) => {
        const _: () = {
            #[used]
            #[link_section = $section]
            static ENTRY: $crate::ExportEntry = $crate::ExportEntry {
                name: ::core::concat!(::core::stringify!($name), "\0").as_ptr().cast(),
                addr: $addr,
            };
        };
    };
    (per_symbol $prefix:literal, $name:ident, $addr:expr) => {
        const _: () = {
            #[used]
            #[link_section = ::core::concat!($prefix, ::core::stringify!($name))]
            static ENTRY: $crate::ExportEntry = $crate::ExportEntry {
                name: ::core::concat!(::core::stringify!($name), "\0").as_ptr().cast(),
                addr: $addr,
            };
        };
    };
}

/// Traps on panic: an undefined instruction, which Zephyr reports as a fatal error at
/// the extension's PC. No message is formatted, so `core::fmt` stays out of the
/// extension unless its own code uses it.
#[cfg(all(feature = "panic-handler", target_os = "none", not(test)))]
#[panic_handler]
fn panic(_info: &core::panic::PanicInfo) -> ! {
    loop {
        trap();
    }
}

#[cfg(all(feature = "panic-handler", target_os = "none", not(test)))]
#[inline(always)]
fn trap() {
    // SAFETY: an instruction that faults on purpose; it touches no memory.
    #[cfg(target_arch = "arm")]
    unsafe {
        core::arch::asm!("udf #0", options(nomem, nostack))
    };
    // SAFETY: as above.
    #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
    unsafe {
        core::arch::asm!("ud2", options(nomem, nostack))
    };
}
