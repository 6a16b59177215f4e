//! Bare-metal platform (no OS; the CI target rig): one static heap in `.bss`, code runs
//! where it is written, no caches to maintain, a single thread so no lock.
#![allow(clippy::missing_safety_doc)] // Zephyr's API contract (see ffi/api.rs).

use core::cell::UnsafeCell;
use core::ptr::NonNull;

use linked_list_allocator::Heap;

use super::{MemKind, Platform};

/// Bytes of the static LLEXT heap (`LLEXT_RS_HEAP_SIZE` at build time, in KiB).
pub const HEAP_SIZE: usize = match option_env!("LLEXT_RS_HEAP_KB") {
    Some(kb) => parse_kb(kb) * 1024,
    None => 16 * 1024,
};

const fn parse_kb(s: &str) -> usize {
    let b = s.as_bytes();
    let mut i = 0;
    let mut v = 0usize;
    while i < b.len() {
        v = v * 10 + (b[i] - b'0') as usize;
        i += 1;
    }
    v
}

/// Heap memory, 8-aligned.
#[repr(C, align(8))]
struct Arena(UnsafeCell<[u8; HEAP_SIZE]>);

/// The heap and its high-water mark.
struct State {
    heap: Heap,
    ready: bool,
    peak: usize,
}

pub struct BarePlatform {
    arena: Arena,
    state: UnsafeCell<State>,
}

// SAFETY: single-threaded bare-metal target: nothing runs concurrently with the loader.
unsafe impl Sync for BarePlatform {}

/// The C API's platform.
pub static PLATFORM: BarePlatform = BarePlatform {
    arena: Arena(UnsafeCell::new([0; HEAP_SIZE])),
    state: UnsafeCell::new(State { heap: Heap::empty(), ready: false, peak: 0 }),
};

impl BarePlatform {
    fn state(&self) -> &mut State {
        // SAFETY: single-threaded target and no re-entrancy into the heap: one live
        // reference at a time.
        let state = unsafe { &mut *self.state.get() };
        if !state.ready {
            // SAFETY: the heap gets exclusive use of the static arena, once.
            unsafe { state.heap.init(self.arena.0.get().cast::<u8>(), HEAP_SIZE) };
            state.ready = true;
        }
        state
    }

    /// Bytes in use now, and the most ever in use.
    pub fn usage(&self) -> (usize, usize) {
        let s = self.state();
        (s.heap.used(), s.peak)
    }
}

// SAFETY: blocks come from the linked-list heap over a static arena, disjoint until
// freed; code runs where it is written.
unsafe impl Platform for BarePlatform {
    fn alloc(&self, _kind: MemKind, size: usize, align: usize) -> Option<NonNull<u8>> {
        let layout = core::alloc::Layout::from_size_align(size, align).ok()?;
        let s = self.state();
        let p = s.heap.allocate_first_fit(layout).ok()?;
        s.peak = s.peak.max(s.heap.used());
        Some(p)
    }

    unsafe fn free(&self, _kind: MemKind, ptr: NonNull<u8>, size: usize, align: usize) {
        if let Ok(layout) = core::alloc::Layout::from_size_align(size, align) {
            // SAFETY: platform call returning a block this heap handed out with `layout`.
            unsafe { self.state().heap.deallocate(ptr, layout) };
        }
    }
}

/// Heap use of the C API's platform: `*used` now and `*peak` high-water mark, in bytes.
#[no_mangle]
pub unsafe extern "C" fn llext_rs_heap_usage(used: *mut usize, peak: *mut usize) {
    let (u, p) = PLATFORM.usage();
    // SAFETY: memory writes of the caller's out-pointers, when given.
    unsafe {
        if let Some(used) = used.as_mut() {
            *used = u;
        }
        if let Some(peak) = peak.as_mut() {
            *peak = p;
        }
    }
}
