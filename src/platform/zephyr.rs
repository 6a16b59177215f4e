//! Zephyr platform: the LLEXT heap is a `k_heap`, the extension list is guarded by a
//! `k_mutex`, caches and MMU attributes go through Zephyr's APIs, and the `log` facade
//! is forwarded to Zephyr logging (log module `llext`).
//!
//! Zephyr's kernel API is mostly `static inline` functions and syscall wrappers, so the
//! calls go through a small C glue file of the module (`zephyr/llext_rs_glue.c`), which
//! also holds the `K_HEAP_DEFINE`/`K_MUTEX_DEFINE` objects (sized by Kconfig) and the
//! `BUILD_ASSERT`s where Rust and C layouts meet.
#![allow(clippy::missing_safety_doc)] // Zephyr's API contract (see ffi/api.rs).

use core::ffi::{c_int, c_void};
use core::ptr::NonNull;

use super::{Access, HeapUsage, MemKind, Platform, Protection};
use crate::error::{Error, Result};

extern "C" {
    fn llext_rs_z_alloc(align: usize, size: usize) -> *mut c_void;
    fn llext_rs_z_free(ptr: *mut c_void, exec_or_data: bool, size: usize);
    fn llext_rs_z_lock();
    fn llext_rs_z_unlock();
    fn llext_rs_z_sync(ptr: *const c_void, len: usize, exec: bool);
    fn llext_rs_z_set_access(ptr: *const c_void, len: usize, access: c_int);
    fn llext_rs_z_flush_logs();
    fn llext_rs_z_heap_init(mem: *mut c_void, bytes: usize) -> c_int;
    fn llext_rs_z_heap_uninit() -> c_int;
    fn llext_rs_z_heap_usage(used: *mut usize, max_used: *mut usize, size: *mut usize) -> c_int;
}

/// How extension regions are shaped for memory protection, fixed by Kconfig when the
/// library is built (cmake/llext_rs_cargo.cmake sets `LLEXT_RS_PROTECTION`: `none`,
/// `pow2:<minimum>` for ARMv7-M MPU regions, `pages:<size>`): known at compile time, the
/// layout's shaping folds away where there is none.
#[allow(clippy::panic)] // compile time only
const PROTECTION: Protection = match option_env!("LLEXT_RS_PROTECTION") {
    Some(spec) => parse_protection(spec.as_bytes()),
    None => panic!("LLEXT_RS_PROTECTION is not set (the module's CMake sets it)"),
};

/// Parses `LLEXT_RS_PROTECTION` at compile time: a bad value fails the build.
#[allow(clippy::panic)] // compile time only
const fn parse_protection(spec: &[u8]) -> Protection {
    const fn number(digits: &[u8]) -> usize {
        match core::str::from_utf8(digits) {
            Ok(text) => match usize::from_str_radix(text, 10) {
                Ok(value) => value,
                Err(_) => panic!("LLEXT_RS_PROTECTION: bad number"),
            },
            Err(_) => panic!("LLEXT_RS_PROTECTION: bad number"),
        }
    }
    match spec {
        b"none" => Protection::None,
        [b'p', b'o', b'w', b'2', b':', digits @ ..] => Protection::PowerOfTwo { min: number(digits) },
        [b'p', b'a', b'g', b'e', b's', b':', digits @ ..] => Protection::Pages { page: number(digits) },
        _ => panic!("LLEXT_RS_PROTECTION: expected none, pow2:<n> or pages:<n>"),
    }
}

/// The Zephyr platform (stateless: the kernel objects live in the C glue).
pub struct ZephyrPlatform;

/// The C API's platform.
pub static PLATFORM: ZephyrPlatform = ZephyrPlatform;

// SAFETY: blocks come from a k_heap (disjoint until freed); code runs where it is
// written; the kernel objects behind the glue are thread-safe.
unsafe impl Platform for ZephyrPlatform {
    fn alloc(&self, _kind: MemKind, size: usize, align: usize) -> Option<NonNull<u8>> {
        // SAFETY: platform call into k_heap_aligned_alloc().
        NonNull::new(unsafe { llext_rs_z_alloc(align, size) }.cast::<u8>())
    }

    unsafe fn free(&self, kind: MemKind, ptr: NonNull<u8>, size: usize, _align: usize) {
        // SAFETY: platform call returning a block of this heap; the glue restores RW
        // page attributes of extension regions first (MMU targets).
        unsafe { llext_rs_z_free(ptr.as_ptr().cast(), kind != MemKind::Meta, size) }
    }

    fn protection(&self) -> Protection {
        PROTECTION
    }

    fn sync_caches(&self, ptr: *const u8, len: usize, exec: bool) {
        // SAFETY: platform call over memory the loader just wrote.
        unsafe { llext_rs_z_sync(ptr.cast(), len, exec) }
    }

    fn set_access(&self, ptr: *const u8, len: usize, access: Access) {
        let a = match access {
            Access::ReadExec => 0,
            Access::ReadOnly => 1,
            Access::ReadWrite => 2,
        };
        // SAFETY: platform call over a page-aligned region the loader allocated.
        unsafe { llext_rs_z_set_access(ptr.cast(), len, a) }
    }

    fn flush_logs(&self) {
        // SAFETY: platform call.
        unsafe { llext_rs_z_flush_logs() }
    }

    fn lock(&self) {
        // SAFETY: platform call: k_mutex_lock (recursive for the owner).
        unsafe { llext_rs_z_lock() }
    }

    fn unlock(&self) {
        // SAFETY: platform call: k_mutex_unlock.
        unsafe { llext_rs_z_unlock() }
    }

    fn heap_init(&self, mem: NonNull<u8>, bytes: usize) -> Result<()> {
        // SAFETY: platform call handing the caller's buffer to k_heap_init().
        errno(unsafe { llext_rs_z_heap_init(mem.as_ptr().cast(), bytes) })
    }

    fn heap_uninit(&self) -> Result<()> {
        // SAFETY: platform call.
        errno(unsafe { llext_rs_z_heap_uninit() })
    }

    fn heap_usage(&self) -> Option<HeapUsage> {
        let mut u = HeapUsage::default();
        // SAFETY: platform call writing three counters into `u`'s fields; non-zero
        // without CONFIG_SYS_HEAP_RUNTIME_STATS or before a dynamic heap is given.
        (unsafe { llext_rs_z_heap_usage(&mut u.used, &mut u.max_used, &mut u.size) } == 0).then_some(u)
    }
}

fn errno(rc: c_int) -> Result<()> {
    match rc {
        0 => Ok(()),
        -12 => Err(Error::NoMem),
        -17 => Err(Error::Exist),
        -16 => Err(Error::Busy),
        -22 => Err(Error::Inval),
        _ => Err(Error::NoSys),
    }
}

// ------------------------------------------------------------ user mode ------------

#[cfg(feature = "userspace")]
mod user {
    use super::*;
    use crate::ffi::types::{llext, LLEXT_MEM_PARTITIONS};
    use crate::layout::mem;
    use crate::load::Extension;
    use crate::platform::zephyr_sys::{k_mem_partition, k_mem_partition_attr_t};

    extern "C" {
        /// Attributes for text (0), rodata (1), data/bss (2): K_MEM_PARTITION_P_RX_U_RX,
        /// _P_RO_U_RO, _P_RW_U_RW.
        fn llext_rs_z_part_attr(kind: c_int) -> k_mem_partition_attr_t;
        fn llext_rs_z_add_partition(domain: *mut c_void, part: *mut k_mem_partition) -> c_int;
    }

    /// Partitions of TEXT, DATA, RODATA, BSS (in `enum llext_mem` order).
    /// `mem` and `mem_size` are the extension's `llext.mem[]` and `mem_size[]`.
    pub fn partitions(mem: &[*mut c_void; mem::COUNT], mem_size: &[usize; mem::COUNT], loaded: &Extension) -> [k_mem_partition; LLEXT_MEM_PARTITIONS] {
        let mut parts = [k_mem_partition::default(); LLEXT_MEM_PARTITIONS];
        for (i, p) in parts.iter_mut().enumerate() {
            let (Some(&write), Some(&size), Some(kept)) = (mem.get(i), mem_size.get(i), loaded.regions.get(i)) else { continue };
            if write.is_null() || size == 0 {
                continue;
            }
            let kind = match i {
                mem::TEXT => 0,
                mem::RODATA => 1,
                _ => 2,
            };
            p.start = write as usize;
            // A copied region's partition covers its whole (MPU-shaped) block.
            p.size = if kept.block.size() != 0 { kept.block.size() } else { size };
            // SAFETY: platform call returning a constant.
            p.attr = unsafe { llext_rs_z_part_attr(kind) };
        }
        parts
    }

    /// `llext_add_domain`: adds each non-empty partition to `domain`.
    pub unsafe fn add_domain(ext: *mut llext, domain: *mut c_void) -> c_int {
        // SAFETY: memory access of the caller's loaded extension.
        let Some(e) = (unsafe { ext.as_mut() }) else { return Error::Inval.to_errno() };
        for p in e.mem_parts.iter_mut() {
            if p.size == 0 {
                continue;
            }
            // SAFETY: platform call: k_mem_domain_add_partition.
            let rc = unsafe { llext_rs_z_add_partition(domain, p) };
            if rc != 0 {
                return rc;
            }
        }
        0
    }
}

#[cfg(feature = "userspace")]
pub use user::{add_domain, partitions};
