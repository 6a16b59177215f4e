//! Host platform (std): extension memory comes from one mmap'd arena, so regions stay
//! within ±2 GiB of each other (x86_64 small-code-model references reach) and, for the
//! native arena, are executable in the test process. A test can also give the arena
//! *run* addresses of another machine (e.g. 0x2000_0000 for a Cortex-M3 in Unicorn) and
//! register loader buffers it mapped there.

use core::ptr::NonNull;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};
use std::thread::ThreadId;

use linked_list_allocator::Heap;

use super::{HeapUsage, MemKind, Platform, Protection};
use crate::elf::Addr;

/// What a fresh block of the arena holds until the loader writes it.
pub const FRESH_POISON: u8 = 0xA5;
/// What a freed block of the arena holds.
pub const FREED_POISON: u8 = 0xDB;

/// An mmap'd arena with a first-fit heap inside.
pub struct ArenaPlatform {
    base: *mut u8,
    size: usize,
    run_base: Addr,
    protection: Protection,
    heap: Mutex<Heap>,
    /// Loader buffers visible to extension code at another address: (ptr, len, run).
    buffers: Mutex<Vec<(usize, usize, Addr)>>,
    lock: RecursiveLock,
    /// Allocations asked for so far (fault-injection tests count a load's with it).
    allocations: AtomicUsize,
    /// The allocation that fails, counted as `allocations` counts; `usize::MAX`: none.
    fail_at: AtomicUsize,
    /// The most bytes ever allocated at once.
    peak: AtomicUsize,
}

// SAFETY: the raw arena pointer is only touched through the heap mutex and by the
// loader, which the registry lock serialises.
unsafe impl Send for ArenaPlatform {}
// SAFETY: as above.
unsafe impl Sync for ArenaPlatform {}

impl ArenaPlatform {
    /// An arena whose memory runs where it is written, readable, writable and
    /// executable, for extensions that run natively in this process. It is placed
    /// within ±1 GiB of this program's code where possible: x86_64 small-model code
    /// (PIE, `-fPIC`) reaches base-image data with 32-bit PC-relative references.
    pub fn native(size: usize) -> ArenaPlatform {
        let prot = libc::PROT_READ | libc::PROT_WRITE | libc::PROT_EXEC;
        let code = ArenaPlatform::native as *const () as usize;
        // Candidate starts every `step` bytes on both sides of the code, out to 1 GiB.
        let step = size.max(16 << 20).next_power_of_two();
        for k in 1..(1usize << 30) / step {
            for hint in [code.checked_sub(k * step + size), code.checked_add(k * step)].into_iter().flatten() {
                let hint = hint & !0xfff;
                if let Some(base) = Self::mmap(hint, size, prot) {
                    if (base as usize).abs_diff(code) < (1 << 30) {
                        return Self::with_base(base, size, None);
                    }
                    // SAFETY: platform call unmapping the mapping just made, unused.
                    unsafe { libc::munmap(base.cast(), size) };
                }
            }
        }
        Self::map(size, None, prot)
    }

    /// An arena that extension code sees at `run_base` (another machine's addresses).
    pub fn cross(size: usize, run_base: Addr) -> ArenaPlatform {
        Self::map(size, Some(run_base), libc::PROT_READ | libc::PROT_WRITE)
    }

    fn mmap(hint: usize, size: usize, prot: i32) -> Option<*mut u8> {
        // SAFETY: platform call: a fresh anonymous private mapping (the hint is only a
        // hint), owned by the caller.
        let base = unsafe { libc::mmap(hint as *mut libc::c_void, size, prot, libc::MAP_PRIVATE | libc::MAP_ANONYMOUS, -1, 0) };
        (base != libc::MAP_FAILED).then_some(base.cast::<u8>())
    }

    fn map(size: usize, run_base: Option<Addr>, prot: i32) -> ArenaPlatform {
        // A test or host program without its arena cannot do anything useful.
        #[allow(clippy::panic)]
        let Some(base) = Self::mmap(0, size, prot) else { panic!("llext host arena: mmap of {size} bytes failed") };
        Self::with_base(base, size, run_base)
    }

    fn with_base(base: *mut u8, size: usize, run_base: Option<Addr>) -> ArenaPlatform {
        // SAFETY: the heap gets exclusive use of the whole mapping made above.
        let heap = unsafe { Heap::new(base, size) };
        ArenaPlatform {
            base,
            size,
            run_base: run_base.unwrap_or(base as usize as Addr),
            protection: Protection::None,
            heap: Mutex::new(heap),
            buffers: Mutex::new(Vec::new()),
            lock: RecursiveLock::default(),
            allocations: AtomicUsize::new(0),
            fail_at: AtomicUsize::new(usize::MAX),
            peak: AtomicUsize::new(0),
        }
    }

    /// Shapes region allocations as an MPU or MMU would require.
    pub fn with_protection(mut self, protection: Protection) -> Self {
        self.protection = protection;
        self
    }

    /// Leaks the platform so extensions can hold a `'static` reference to it.
    pub fn leak(self) -> &'static ArenaPlatform {
        Box::leak(Box::new(self))
    }

    /// Bytes currently allocated from the arena (for leak checks).
    pub fn used(&self) -> usize {
        self.heap.lock().map(|h| h.used()).unwrap_or(usize::MAX)
    }

    /// Allocations asked for since the platform was made (failed ones included).
    pub fn allocations(&self) -> usize {
        self.allocations.load(Ordering::SeqCst)
    }

    /// Makes the `nth` allocation from now (0: the next one) fail as an exhausted heap
    /// would, once; `None` cancels. For tests of every allocation's failure path.
    pub fn fail_allocation(&self, nth: Option<usize>) {
        let at = nth.map_or(usize::MAX, |n| self.allocations().saturating_add(n));
        self.fail_at.store(at, Ordering::SeqCst);
    }

    /// Run address of arena byte 0.
    pub fn run_base(&self) -> Addr {
        self.run_base
    }

    /// Start and size of the arena in this process.
    pub fn arena(&self) -> (*mut u8, usize) {
        (self.base, self.size)
    }

    /// Declares that extension code sees `bytes` at `run`: regions found in that buffer
    /// may then be used in place.
    pub fn map_buffer(&self, bytes: &[u8], run: Addr) {
        if let Ok(mut b) = self.buffers.lock() {
            b.push((bytes.as_ptr() as usize, bytes.len(), run));
        }
    }
}

impl Drop for ArenaPlatform {
    fn drop(&mut self) {
        // SAFETY: platform call unmapping the arena this object mapped; nothing can
        // still point into it once the platform itself is gone.
        unsafe { libc::munmap(self.base.cast(), self.size) };
    }
}

// SAFETY: every block comes from the arena heap, which hands out disjoint ranges until
// they are deallocated; run addresses are a fixed offset from the mapping.
unsafe impl Platform for ArenaPlatform {
    fn alloc(&self, _kind: MemKind, size: usize, align: usize) -> Option<NonNull<u8>> {
        if self.allocations.fetch_add(1, Ordering::SeqCst) == self.fail_at.load(Ordering::SeqCst) {
            return None;
        }
        let layout = core::alloc::Layout::from_size_align(size, align).ok()?;
        let block = {
            let mut heap = self.heap.lock().ok()?;
            let block = heap.allocate_first_fit(layout).ok()?;
            self.peak.fetch_max(heap.used(), Ordering::SeqCst);
            block
        };
        // SAFETY: memory write of the block just allocated, `size` bytes. Poisoned: a
        // read of bytes the loader never wrote shows up as wrong results in tests.
        unsafe { block.as_ptr().write_bytes(FRESH_POISON, size) };
        Some(block)
    }

    unsafe fn free(&self, _kind: MemKind, ptr: NonNull<u8>, size: usize, align: usize) {
        let (Ok(layout), Ok(mut heap)) = (core::alloc::Layout::from_size_align(size, align), self.heap.lock()) else {
            return;
        };
        // SAFETY: memory write over the block being freed (the caller's contract: this
        // heap's block of `size` bytes), poisoned so that a use after free reads
        // garbage; then the platform call returning it.
        unsafe {
            ptr.as_ptr().write_bytes(FREED_POISON, size);
            heap.deallocate(ptr, layout);
        }
    }

    fn run_address(&self, ptr: *const u8) -> Option<Addr> {
        let addr = ptr as usize;
        let base = self.base as usize;
        if addr >= base && addr < base + self.size {
            return Some(self.run_base + (addr - base) as Addr);
        }
        let mapped = self.buffers.lock().ok()?.iter().find_map(|&(start, len, run)| {
            (addr >= start && addr < start + len).then(|| run + (addr - start) as Addr)
        });
        if mapped.is_some() {
            return mapped;
        }
        // Native arenas run everything where it lies.
        (self.run_base == base as Addr).then_some(addr as Addr)
    }

    fn protection(&self) -> Protection {
        self.protection
    }

    fn heap_usage(&self) -> Option<HeapUsage> {
        Some(HeapUsage { used: self.used(), max_used: self.peak.load(Ordering::SeqCst), size: self.size })
    }

    fn lock(&self) {
        self.lock.lock();
    }

    fn unlock(&self) {
        self.lock.unlock();
    }
}

/// A lock the owning thread may take again (Zephyr's `k_mutex` semantics).
pub struct RecursiveLock {
    state: Mutex<(Option<ThreadId>, usize)>,
    released: Condvar,
}

impl Default for RecursiveLock {
    fn default() -> Self {
        Self::new()
    }
}

impl RecursiveLock {
    pub const fn new() -> Self {
        RecursiveLock { state: Mutex::new((None, 0)), released: Condvar::new() }
    }

    pub fn lock(&self) {
        let me = std::thread::current().id();
        let Ok(mut state) = self.state.lock() else { return };
        loop {
            match state.0 {
                None => {
                    *state = (Some(me), 1);
                    return;
                }
                Some(owner) if owner == me => {
                    state.1 += 1;
                    return;
                }
                Some(_) => match self.released.wait(state) {
                    Ok(s) => state = s,
                    Err(_) => return,
                },
            }
        }
    }

    pub fn unlock(&self) {
        let Ok(mut state) = self.state.lock() else { return };
        if state.1 > 0 {
            state.1 -= 1;
        }
        if state.1 == 0 {
            state.0 = None;
            self.released.notify_one();
        }
    }
}

/// Size of the C API's arena on the host (`CONFIG_LLEXT_HEAP_SIZE` of a host build).
pub const HOST_HEAP_SIZE: usize = 4 << 20;

/// The platform behind the C API in a hosted build: a native arena mapped on first use.
pub struct HostGlobal {
    arena: std::sync::OnceLock<ArenaPlatform>,
    lock: RecursiveLock,
}

/// The C API's platform.
pub static PLATFORM: HostGlobal = HostGlobal { arena: std::sync::OnceLock::new(), lock: RecursiveLock::new() };

impl HostGlobal {
    fn arena(&self) -> &ArenaPlatform {
        self.arena.get_or_init(|| ArenaPlatform::native(HOST_HEAP_SIZE))
    }

    /// Bytes in use in the C API's arena.
    pub fn used(&self) -> usize {
        self.arena().used()
    }
}

// SAFETY: delegates to an `ArenaPlatform`, which upholds the contract.
unsafe impl Platform for HostGlobal {
    fn alloc(&self, kind: MemKind, size: usize, align: usize) -> Option<NonNull<u8>> {
        self.arena().alloc(kind, size, align)
    }
    unsafe fn free(&self, kind: MemKind, ptr: NonNull<u8>, size: usize, align: usize) {
        // SAFETY: forwarded contract.
        unsafe { self.arena().free(kind, ptr, size, align) }
    }
    fn run_address(&self, ptr: *const u8) -> Option<Addr> {
        Some(ptr as usize as Addr)
    }
    fn heap_usage(&self) -> Option<HeapUsage> {
        self.arena().heap_usage()
    }
    fn lock(&self) {
        self.lock.lock();
    }
    fn unlock(&self) {
        self.lock.unlock();
    }
}
