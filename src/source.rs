//! Where ELF bytes come from: Zephyr's loader vtable (buffer, file system, custom) seen
//! through one trait, with every range checked before it is read or peeked.

use crate::elf::Addr;
use crate::error::{Error, Result};

/// How long the loader's bytes stay valid and whether they may be modified
/// (`enum llext_storage_type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Storage {
    /// Valid only during the load: everything is copied.
    Temporary,
    /// Read-only, valid while the extension is loaded: read-only regions without
    /// relocations are used in place.
    Persistent,
    /// Writable, valid while loaded: regions are used and relocated in place.
    Writable,
}

/// Access to the bytes of one ELF file.
pub trait Source {
    /// `llext_prepare()`: called once before anything is read.
    fn prepare(&mut self) -> Result<()> {
        Ok(())
    }

    /// Copies `out.len()` bytes from file offset `offset`.
    fn read_at(&mut self, offset: Addr, out: &mut [u8]) -> Result<()>;

    /// Copies `len` bytes from file offset `offset` to `out`, memory that need not be
    /// initialised: a region's copy is written once, not zeroed first. The default zeroes
    /// it and calls `read_at`.
    ///
    /// # Safety
    /// `out` must be valid for `len` bytes of writes and not aliased.
    unsafe fn read_raw(&mut self, offset: Addr, out: *mut u8, len: usize) -> Result<()> {
        // SAFETY: memory write of the `len` bytes the caller vouches for, after which
        // they are initialised and may be viewed as a slice.
        let out = unsafe {
            out.write_bytes(0, len);
            core::slice::from_raw_parts_mut(out, len)
        };
        self.read_at(offset, out)
    }

    /// Pointer to `len` bytes at `offset` inside a buffer that stays valid as `storage()`
    /// promises, or `None` if the source cannot expose its bytes. Implementations check
    /// the range.
    fn peek(&mut self, offset: Addr, len: usize) -> Option<*mut u8>;

    /// File size, when the source knows it.
    fn file_len(&self) -> Option<Addr>;

    /// The storage contract of the bytes.
    fn storage(&self) -> Storage;

    /// `llext_finalize()`: called once at the end of every load attempt.
    fn finalize(&mut self) {}
}

/// Checks that `[offset, offset + len)` lies inside a file of `file_len` bytes (when
/// known); a range outside is a malformed file.
pub fn check_range(file_len: Option<Addr>, offset: Addr, len: Addr) -> Result<()> {
    let end = offset.checked_add(len).ok_or(Error::NoExec)?;
    match file_len {
        Some(file_len) if end > file_len => Err(Error::NoExec),
        _ => Ok(()),
    }
}

/// An ELF image already in memory (tests, fuzzing, and the buffer loader).
pub struct SliceSource {
    ptr: *mut u8,
    len: usize,
    storage: Storage,
}

impl SliceSource {
    /// A read-only buffer: `Temporary` or `Persistent` storage.
    ///
    /// `Persistent` asks the caller to keep `bytes` alive, unchanged, for as long as the
    /// extension stays loaded (regions may point into it).
    pub fn new(bytes: &[u8], storage: Storage) -> SliceSource {
        let storage = if storage == Storage::Writable { Storage::Persistent } else { storage };
        SliceSource { ptr: bytes.as_ptr().cast_mut(), len: bytes.len(), storage }
    }

    /// A writable buffer relocated in place (`Writable` storage); the caller keeps it
    /// alive while the extension stays loaded.
    pub fn writable(bytes: &mut [u8]) -> SliceSource {
        SliceSource { ptr: bytes.as_mut_ptr(), len: bytes.len(), storage: Storage::Writable }
    }

    /// A buffer described by pointer and length (the C buffer loader).
    ///
    /// # Safety
    /// `ptr..ptr+len` must be readable (and writable for `Writable`) for the duration
    /// the storage type promises.
    pub unsafe fn from_raw(ptr: *mut u8, len: usize, storage: Storage) -> SliceSource {
        SliceSource { ptr, len, storage }
    }
}

impl Source for SliceSource {
    fn read_at(&mut self, offset: Addr, out: &mut [u8]) -> Result<()> {
        // SAFETY: `out` is a live, unaliased slice of its length.
        unsafe { self.read_raw(offset, out.as_mut_ptr(), out.len()) }
    }

    unsafe fn read_raw(&mut self, offset: Addr, out: *mut u8, len: usize) -> Result<()> {
        let src = self.peek(offset, len).ok_or(Error::NoExec)?;
        // SAFETY: memory read of a range `peek` checked against the buffer, into the
        // `len` bytes the caller vouches for.
        unsafe { core::ptr::copy_nonoverlapping(src, out, len) };
        Ok(())
    }

    fn peek(&mut self, offset: Addr, len: usize) -> Option<*mut u8> {
        check_range(Some(self.len as Addr), offset, len as Addr).ok()?;
        // offset <= len, so the addition stays inside the buffer.
        Some(self.ptr.wrapping_add(offset as usize))
    }

    fn file_len(&self) -> Option<Addr> {
        Some(self.len as Addr)
    }

    fn storage(&self) -> Storage {
        self.storage
    }
}
