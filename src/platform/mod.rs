//! The platform seam: where memory comes from, how caches and memory protection are
//! handled, and the lock around the extension list. `host` (std), `bare` (no OS, the CI
//! rig) and `zephyr` implement it; tests implement it to place extensions at chosen run
//! addresses.

use core::ptr::NonNull;

use crate::elf::Addr;
use crate::error::{Error, Result};

#[cfg(feature = "bare")]
pub mod bare;
#[cfg(feature = "std")]
pub mod host;
#[cfg(feature = "zephyr")]
pub mod zephyr;
#[cfg(feature = "userspace")]
pub mod zephyr_sys;

/// What an allocation holds; executable memory may come from a different heap.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemKind {
    /// Extension code (`SHF_EXECINSTR` regions).
    Text,
    /// Extension data and rodata regions.
    Data,
    /// Loader metadata: `struct llext`, tables, section maps.
    Meta,
}

impl MemKind {
    /// The kind `kind as u8` gave.
    fn from_byte(kind: u8) -> MemKind {
        match kind {
            0 => MemKind::Text,
            1 => MemKind::Data,
            _ => MemKind::Meta,
        }
    }
}

/// How region allocations must be shaped for the memory-protection unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protection {
    /// No constraints beyond the sections' own alignment.
    None,
    /// ARMv7-M style MPU: power-of-two size, aligned to its size, at least `min` bytes.
    PowerOfTwo { min: usize },
    /// MMU pages: size rounded up to, and start aligned to, `page` bytes.
    Pages { page: usize },
}

impl Protection {
    /// Size and alignment to allocate for a region of `size` bytes aligned to `align`.
    pub fn shape(self, size: usize, align: usize) -> Option<(usize, usize)> {
        match self {
            Protection::None => Some((size, align)),
            Protection::PowerOfTwo { min } => {
                let block = size.max(align).max(min).checked_next_power_of_two()?;
                Some((block, block))
            }
            Protection::Pages { page } => {
                let rounded = size.checked_add(page - 1)? & !(page - 1);
                Some((rounded, align.max(page)))
            }
        }
    }
}

/// Access rights of an extension region, for memory domains and MMU attributes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Readable and executable (text).
    ReadExec,
    /// Read-only (rodata).
    ReadOnly,
    /// Readable and writable, never executable (data, bss).
    ReadWrite,
}

/// Services the loader needs from the system it runs on.
///
/// # Safety
/// Implementations must return memory that stays valid and unaliased until `free` is
/// called with it, and `run_address` must be consistent for the lifetime of that memory.
/// The memory's bytes are whatever the heap held: callers write before they read.
pub unsafe trait Platform: Sync {
    /// Allocates `size` bytes aligned to `align` (a power of two). `None` when exhausted.
    fn alloc(&self, kind: MemKind, size: usize, align: usize) -> Option<NonNull<u8>>;

    /// Returns memory from `alloc` with the same `kind`, `size` and `align`.
    ///
    /// # Safety
    /// `ptr` must come from `self.alloc(kind, size, align)` and not be used afterwards.
    unsafe fn free(&self, kind: MemKind, ptr: NonNull<u8>, size: usize, align: usize);

    /// Address at which code will see the byte the loader writes at `ptr`: `ptr` itself
    /// when code runs where it is written; another address for cross-architecture tests
    /// and execute-in-place. `None` if `ptr` is not reachable by extension code (then a
    /// region found in a loader buffer is copied instead of used in place).
    fn run_address(&self, ptr: *const u8) -> Option<Addr> {
        Some(ptr as usize as Addr)
    }

    /// Memory-protection constraints on region allocations.
    fn protection(&self) -> Protection {
        Protection::None
    }

    /// Makes freshly written bytes visible to data and instruction fetches.
    fn sync_caches(&self, _ptr: *const u8, _len: usize, _exec: bool) {}

    /// Applies MMU access rights to a loaded region (no-op without an MMU).
    fn set_access(&self, _ptr: *const u8, _len: usize, _access: Access) {}

    /// Processes pending deferred log messages, which may point into an extension
    /// about to be freed.
    fn flush_logs(&self) {}

    /// Takes the lock around the extension list. Must be recursive for the owning
    /// thread where the OS allows it: Zephyr's API lets callbacks run during a load.
    fn lock(&self) {}

    /// Releases the lock taken by `lock`.
    fn unlock(&self) {}

    /// `llext_heap_init()`: hands the platform a heap buffer when the heap is dynamic.
    fn heap_init(&self, _mem: NonNull<u8>, _bytes: usize) -> Result<()> {
        Err(Error::NoSys)
    }

    /// `llext_heap_uninit()`: takes the dynamic heap back (no extension is loaded).
    fn heap_uninit(&self) -> Result<()> {
        Err(Error::NoSys)
    }

    /// The LLEXT heap's bytes in use, high-water mark and size; `None` where the
    /// platform keeps no count.
    fn heap_usage(&self) -> Option<HeapUsage> {
        None
    }
}

/// What the LLEXT heap holds (`struct llext_rs_heap_usage`): bytes in use, the most
/// ever in use at once, and the heap's size, all as the heap counts them (block
/// headers and rounding included where it has them).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HeapUsage {
    pub used: usize,
    pub max_used: usize,
    pub size: usize,
}

/// The platform a load runs on. On the host any platform (tests place extensions at
/// chosen run addresses); on a target the build's one platform, by static dispatch: no
/// vtable call per allocation and no platform pointer in every heap block.
#[cfg(feature = "std")]
pub type PlatformRef = &'static dyn Platform;
#[cfg(not(feature = "std"))]
pub type PlatformRef = TargetPlatform;

/// The target build's platform (Zephyr, else bare metal), as a value-less handle.
#[cfg(not(feature = "std"))]
#[derive(Clone, Copy)]
pub struct TargetPlatform;

#[cfg(all(not(feature = "std"), feature = "zephyr"))]
use zephyr::PLATFORM as TARGET;
#[cfg(all(not(feature = "std"), feature = "bare", not(feature = "zephyr")))]
use bare::PLATFORM as TARGET;
#[cfg(not(any(feature = "std", feature = "bare", feature = "zephyr")))]
compile_error!("llext-rs needs a platform: enable std (host), bare or zephyr");

// SAFETY: forwards every call to the build's one platform, which upholds the contract.
#[cfg(not(feature = "std"))]
unsafe impl Platform for TargetPlatform {
    #[inline]
    fn alloc(&self, kind: MemKind, size: usize, align: usize) -> Option<NonNull<u8>> {
        TARGET.alloc(kind, size, align)
    }
    #[inline]
    unsafe fn free(&self, kind: MemKind, ptr: NonNull<u8>, size: usize, align: usize) {
        // SAFETY: forwarded contract.
        unsafe { TARGET.free(kind, ptr, size, align) }
    }
    #[inline]
    fn run_address(&self, ptr: *const u8) -> Option<Addr> {
        TARGET.run_address(ptr)
    }
    #[inline]
    fn protection(&self) -> Protection {
        TARGET.protection()
    }
    #[inline]
    fn sync_caches(&self, ptr: *const u8, len: usize, exec: bool) {
        TARGET.sync_caches(ptr, len, exec)
    }
    #[inline]
    fn set_access(&self, ptr: *const u8, len: usize, access: Access) {
        TARGET.set_access(ptr, len, access)
    }
    #[inline]
    fn flush_logs(&self) {
        TARGET.flush_logs()
    }
    #[inline]
    fn lock(&self) {
        TARGET.lock()
    }
    #[inline]
    fn unlock(&self) {
        TARGET.unlock()
    }
    #[inline]
    fn heap_init(&self, mem: NonNull<u8>, bytes: usize) -> Result<()> {
        TARGET.heap_init(mem, bytes)
    }
    #[inline]
    fn heap_uninit(&self) -> Result<()> {
        TARGET.heap_uninit()
    }
    #[inline]
    fn heap_usage(&self) -> Option<HeapUsage> {
        TARGET.heap_usage()
    }
}

/// An allocation from a platform heap, freed when dropped: error paths cannot leak.
pub struct HeapBlock {
    platform: PlatformRef,
    ptr: NonNull<u8>,
    size: usize,
    /// `MemKind` as a byte: an enum field would lend `Option<HeapBlock>` its niche, and
    /// `None` would no longer be all-zero (a load's region table is cleared per entry
    /// then, not with one memset).
    kind: u8,
    /// log2 of the alignment (a power of two): with `kind` in one word, a block is three
    /// words on a 32-bit target, and so is every `Result`/`Option` of one.
    align_log2: u8,
}

impl HeapBlock {
    /// Allocates `size` zeroed bytes aligned to `align`.
    pub fn zeroed(platform: PlatformRef, kind: MemKind, size: usize, align: usize) -> Result<HeapBlock> {
        let block = HeapBlock::unwritten(platform, kind, size, align)?;
        // SAFETY: memory write into the `size` bytes the platform just handed out.
        unsafe { block.ptr.as_ptr().write_bytes(0, block.size) };
        Ok(block)
    }

    /// A block whose contents are not written yet: the caller fills it through raw
    /// pointers, field by field, before anything reads it (and never through `bytes`
    /// before that). For blocks built in place, where zeroing first is wasted work.
    pub fn unwritten(platform: PlatformRef, kind: MemKind, size: usize, align: usize) -> Result<HeapBlock> {
        if size == 0 || !align.is_power_of_two() {
            return Err(Error::Inval);
        }
        let Some(ptr) = platform.alloc(kind, size, align) else {
            crate::error!(c"out of heap: %lu bytes, %lu-aligned", size, align);
            return Err(Error::NoMem);
        };
        Ok(HeapBlock { platform, ptr, size, kind: kind as u8, align_log2: align.trailing_zeros() as u8 })
    }

    /// Start of the block (write address).
    pub fn as_ptr(&self) -> *mut u8 {
        self.ptr.as_ptr()
    }

    /// Size requested at allocation.
    pub fn size(&self) -> usize {
        self.size
    }

    /// The block's bytes.
    pub fn bytes(&self) -> &[u8] {
        // SAFETY: the block owns `size` initialised bytes until dropped.
        unsafe { core::slice::from_raw_parts(self.ptr.as_ptr(), self.size) }
    }

    /// The block's bytes, writable.
    pub fn bytes_mut(&mut self) -> &mut [u8] {
        // SAFETY: the block owns `size` initialised bytes until dropped; `&mut self`
        // makes this the only view.
        unsafe { core::slice::from_raw_parts_mut(self.ptr.as_ptr(), self.size) }
    }
}

impl HeapBlock {
    /// Gives the block up to an owner that records its address (`as_ptr`) elsewhere
    /// (C's `llext.mem[]`): what freeing it takes besides that address. Nothing frees
    /// it until [`BlockShape::free`] is called with the address.
    pub fn release(self) -> BlockShape {
        let shape = BlockShape { size: self.size, kind: self.kind, align_log2: self.align_log2 };
        core::mem::forget(self);
        shape
    }
}

/// What freeing a released [`HeapBlock`] takes besides its address; the default is no
/// block (nothing to free).
#[derive(Clone, Copy, Debug, Default)]
pub struct BlockShape {
    size: usize,
    kind: u8,
    align_log2: u8,
}

impl BlockShape {
    /// Bytes of the block; 0 if there is none.
    pub fn size(&self) -> usize {
        self.size
    }

    /// Frees the block (if any) this shape was released with.
    ///
    /// # Safety
    /// `ptr` must be the address of the block released with this shape, from
    /// `platform`, and the memory must not be used afterwards; call at most once.
    pub unsafe fn free(self, platform: PlatformRef, ptr: *mut u8) {
        if let (Some(ptr), true) = (NonNull::new(ptr), self.size != 0) {
            // SAFETY: the caller's contract.
            unsafe { free_block(platform, ptr, self.size, self.kind, self.align_log2) }
        }
    }
}

/// Returns a block to `platform`: the one free path of `HeapBlock` and `BlockShape`
/// (scalar arguments: a shape passed whole made every drop site larger).
///
/// # Safety
/// `ptr` must be a live block from `platform` of `size` bytes, kind `kind` (`MemKind`
/// as a byte) and alignment `1 << align_log2`, not used afterwards.
unsafe fn free_block(platform: PlatformRef, ptr: NonNull<u8>, size: usize, kind: u8, align_log2: u8) {
    // SAFETY: platform call returning the block with the shape it was allocated with
    // (caller's contract).
    unsafe { platform.free(MemKind::from_byte(kind), ptr, size, 1 << align_log2) }
}

impl Drop for HeapBlock {
    fn drop(&mut self) {
        // SAFETY: memory this block got from the same platform with this shape; nothing
        // uses it after drop.
        unsafe { free_block(self.platform, self.ptr, self.size, self.kind, self.align_log2) }
    }
}

/// Plain data that may live in a zero-initialised heap array.
///
/// # Safety
/// All-zero bytes must be a valid value, and the type must have no drop glue.
pub unsafe trait Zeroable: Copy {}

/// A fixed-length array of `T` on a platform heap.
pub struct HeapArray<T: Zeroable> {
    block: HeapBlock,
    len: usize,
    _marker: core::marker::PhantomData<T>,
}

impl<T: Zeroable> HeapArray<T> {
    /// `len` zeroed elements; `len` must be non-zero.
    pub fn zeroed(platform: PlatformRef, kind: MemKind, len: usize) -> Result<Self> {
        let size = len.checked_mul(core::mem::size_of::<T>()).ok_or(Error::NoMem)?;
        let block = HeapBlock::zeroed(platform, kind, size, core::mem::align_of::<T>())?;
        Ok(HeapArray { block, len, _marker: core::marker::PhantomData })
    }

    /// `len` copies of `value`, written once (no zeroing first); `len` must be non-zero.
    pub fn filled(platform: PlatformRef, kind: MemKind, len: usize, value: T) -> Result<Self> {
        let size = len.checked_mul(core::mem::size_of::<T>()).ok_or(Error::NoMem)?;
        let block = HeapBlock::unwritten(platform, kind, size, core::mem::align_of::<T>())?;
        let first = block.as_ptr().cast::<T>();
        for i in 0..len {
            // SAFETY: memory write of element `i` of the `len` the block was sized and
            // aligned for; every element is written before the array is handed out.
            unsafe { first.add(i).write(value) };
        }
        Ok(HeapArray { block, len, _marker: core::marker::PhantomData })
    }

    /// Bytes this array takes on the heap.
    pub fn heap_size(&self) -> usize {
        self.block.size()
    }

    pub fn as_slice(&self) -> &[T] {
        // SAFETY: the block holds `len` elements of T, zero-initialised (a valid T by
        // `Zeroable`) or written through `as_mut_slice`, aligned for T.
        unsafe { core::slice::from_raw_parts(self.block.as_ptr().cast::<T>(), self.len) }
    }

    pub fn as_mut_slice(&mut self) -> &mut [T] {
        // SAFETY: as in `as_slice`; `&mut self` makes this the only view.
        unsafe { core::slice::from_raw_parts_mut(self.block.as_ptr().cast::<T>(), self.len) }
    }

    pub fn as_ptr(&self) -> *mut T {
        self.block.as_ptr().cast::<T>()
    }
}

// SAFETY: integers are valid for any bits and have no drop glue.
unsafe impl Zeroable for u8 {}
// SAFETY: as above.
unsafe impl Zeroable for u16 {}
// SAFETY: as above.
unsafe impl Zeroable for u32 {}
// SAFETY: as above.
unsafe impl Zeroable for usize {}
// SAFETY: as above.
unsafe impl Zeroable for u64 {}
