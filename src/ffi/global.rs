//! The registry behind the C API: one per image, on the platform this build targets,
//! linking against the base image's `EXPORT_SYMBOL` table.

use core::sync::atomic::{AtomicBool, Ordering};

use crate::arch::Arch;
use crate::ffi::types::llext_const_symbol;
use crate::registry::Registry;
use crate::symbols::BUILD_LINK_BY;

#[cfg(feature = "zephyr")]
use crate::platform::zephyr::PLATFORM;
#[cfg(all(feature = "bare", not(feature = "zephyr")))]
use crate::platform::bare::PLATFORM;
#[cfg(all(feature = "std", not(any(feature = "zephyr", feature = "bare"))))]
use crate::platform::host::PLATFORM;

#[cfg(all(target_arch = "arm", feature = "arch-arm"))]
const NATIVE: Arch = Arch::Arm;
#[cfg(all(target_arch = "x86", feature = "arch-x86"))]
const NATIVE: Arch = Arch::X86;
#[cfg(all(target_arch = "x86_64", feature = "arch-x86_64"))]
const NATIVE: Arch = Arch::X86_64;
#[cfg(not(any(
    all(target_arch = "arm", feature = "arch-arm"),
    all(target_arch = "x86", feature = "arch-x86"),
    all(target_arch = "x86_64", feature = "arch-x86_64")
)))]
compile_error!("the C API loads for the machine it runs on: enable its relocator (arch-arm, arch-x86 or arch-x86_64)");

#[cfg(feature = "std")]
static REGISTRY: Registry = Registry::new(&PLATFORM, NATIVE);
#[cfg(not(feature = "std"))]
static REGISTRY: Registry = Registry::new(crate::platform::TargetPlatform, NATIVE);
static BASE_READY: AtomicBool = AtomicBool::new(false);

/// The global registry's platform, without attaching the base table (heap queries).
pub fn platform() -> crate::platform::PlatformRef {
    REGISTRY.platform()
}

/// The global registry, with the base export table attached on first use.
pub fn registry() -> &'static Registry {
    if !BASE_READY.load(Ordering::Acquire) {
        PLATFORM_LOCK.with(|| {
            if !BASE_READY.load(Ordering::Relaxed) {
                // SAFETY: the table is the linker-collected array of `EXPORT_SYMBOL`
                // entries, whose names are string literals of the image.
                unsafe { REGISTRY.set_base(base_exports(), BUILD_LINK_BY) };
                BASE_READY.store(true, Ordering::Release);
            }
        });
    }
    &REGISTRY
}

/// Runs a closure under the platform's registry lock.
struct PlatformLock;
static PLATFORM_LOCK: PlatformLock = PlatformLock;
impl PlatformLock {
    fn with(&self, f: impl FnOnce()) {
        use crate::platform::Platform;
        PLATFORM.lock();
        f();
        PLATFORM.unlock();
    }
}

/// The base image's export table, as the linker collected it.
#[cfg(not(feature = "std"))]
fn base_exports() -> &'static [llext_const_symbol] {
    extern "C" {
        static _llext_const_symbol_list_start: llext_const_symbol;
        static _llext_const_symbol_list_end: llext_const_symbol;
    }
    // SAFETY: platform (linker) symbols bracketing the iterable section of entries.
    unsafe { table_between(core::ptr::addr_of!(_llext_const_symbol_list_start), core::ptr::addr_of!(_llext_const_symbol_list_end)) }
}

/// The base image's export table: GNU ld's `__start_`/`__stop_` bounds of section
/// `llext_rs_exports`, through a C shim whose weak references are NULL when no
/// `EXPORT_SYMBOL` was linked (e.g. Rust test binaries).
#[cfg(feature = "std")]
fn base_exports() -> &'static [llext_const_symbol] {
    extern "C" {
        fn llext_rs_host_exports_start() -> *const llext_const_symbol;
        fn llext_rs_host_exports_end() -> *const llext_const_symbol;
    }
    // SAFETY: platform calls into the host shim returning the section bounds (or NULL).
    unsafe { table_between(llext_rs_host_exports_start(), llext_rs_host_exports_end()) }
}

/// # Safety
/// `start..end` must bracket an array of entries (or both be NULL/equal).
unsafe fn table_between(start: *const llext_const_symbol, end: *const llext_const_symbol) -> &'static [llext_const_symbol] {
    if start.is_null() || end <= start {
        return &[];
    }
    let bytes = end as usize - start as usize;
    // SAFETY: caller guarantees an array of `bytes / size` entries at `start`.
    unsafe { core::slice::from_raw_parts(start, bytes / core::mem::size_of::<llext_const_symbol>()) }
}
