//! Bare-metal platform (no OS; the CI target rig): memory from the embedding's heap
//! (`llext_rs_bare_alloc`/`llext_rs_bare_free`, what `k_heap` is under Zephyr), code
//! runs where it is written, no caches to maintain, a single thread so no lock.

use core::ptr::NonNull;

use super::{HeapUsage, MemKind, Platform};

extern "C" {
    /// `size` bytes aligned to `align` (a power of two), or null when exhausted.
    fn llext_rs_bare_alloc(size: usize, align: usize) -> *mut u8;
    /// Returns a block from `llext_rs_bare_alloc` with the same `size` and `align`.
    fn llext_rs_bare_free(ptr: *mut u8, size: usize, align: usize);
    /// The heap's bytes in use, high-water mark and size.
    fn llext_rs_bare_heap_usage(used: *mut usize, max_used: *mut usize, size: *mut usize);
}

pub struct BarePlatform;

/// The C API's platform.
pub static PLATFORM: BarePlatform = BarePlatform;

// SAFETY: blocks come from the embedding's heap, disjoint until freed (its contract);
// code runs where it is written.
unsafe impl Platform for BarePlatform {
    fn alloc(&self, _kind: MemKind, size: usize, align: usize) -> Option<NonNull<u8>> {
        // SAFETY: platform call; any size and power-of-two alignment may be asked for.
        NonNull::new(unsafe { llext_rs_bare_alloc(size, align) })
    }

    unsafe fn free(&self, _kind: MemKind, ptr: NonNull<u8>, size: usize, align: usize) {
        // SAFETY: platform call returning a block the heap handed out with this shape.
        unsafe { llext_rs_bare_free(ptr.as_ptr(), size, align) }
    }

    fn heap_usage(&self) -> Option<HeapUsage> {
        let mut u = HeapUsage::default();
        // SAFETY: platform call writing three counters into `u`'s fields.
        unsafe { llext_rs_bare_heap_usage(&mut u.used, &mut u.max_used, &mut u.size) };
        Some(u)
    }
}
