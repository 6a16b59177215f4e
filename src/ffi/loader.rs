//! Zephyr's loader vtable as a [`Source`], and the buffer loader's functions.
#![allow(clippy::missing_safety_doc)] // Zephyr's API contract (see ffi/api.rs).

use core::ffi::{c_int, c_void};

use super::types::{llext_buf_loader, llext_loader, llext_storage_type};
use crate::elf::Addr;
use crate::error::{Error, Result};
use crate::source::{check_range, Source, Storage};

/// A C `struct llext_loader` seen as a [`Source`].
pub struct CLoader {
    ldr: *mut llext_loader,
    len: Option<Addr>,
}

impl CLoader {
    /// # Safety
    /// `ldr` must point to a valid loader whose callbacks honour Zephyr's contract.
    pub unsafe fn new(ldr: *mut llext_loader) -> CLoader {
        // Our own buffer loader knows its length: ranges are then checked up front.
        // SAFETY: memory read of the caller's loader (valid per contract).
        let read = unsafe { (*ldr).read };
        let ours: unsafe extern "C" fn(*mut llext_loader, *mut c_void, usize) -> c_int = llext_buf_read;
        // An exported symbol has one address, so the comparison is exact.
        let is_buf = read.is_some_and(|r| core::ptr::fn_addr_eq(r, ours));
        // SAFETY: `read == llext_buf_read` means the loader is the first field of a
        // `struct llext_buf_loader` (CONTAINER_OF in C).
        let len = is_buf.then(|| unsafe { (*ldr.cast::<llext_buf_loader>()).len } as Addr);
        CLoader { ldr, len }
    }

    fn seek(&mut self, offset: Addr) -> Result<()> {
        let pos = usize::try_from(offset).map_err(|_| Error::NoExec)?;
        // SAFETY: memory read of the loader vtable (valid per `new`'s contract).
        let seek = unsafe { (*self.ldr).seek }.ok_or(Error::Inval)?;
        // SAFETY: platform call into the loader's seek callback.
        errno(unsafe { seek(self.ldr, pos) })
    }
}

fn errno(rc: c_int) -> Result<()> {
    if rc < 0 {
        Err(Error::from_errno(rc))
    } else {
        Ok(())
    }
}

impl Source for CLoader {
    fn prepare(&mut self) -> Result<()> {
        // SAFETY: memory read of the loader vtable.
        match unsafe { (*self.ldr).prepare } {
            // SAFETY: platform call into the loader's prepare callback.
            Some(prepare) => errno(unsafe { prepare(self.ldr) }),
            None => Ok(()),
        }
    }

    fn read_at(&mut self, offset: Addr, out: &mut [u8]) -> Result<()> {
        // SAFETY: `out` is a live, unaliased slice of its length.
        unsafe { self.read_raw(offset, out.as_mut_ptr(), out.len()) }
    }

    unsafe fn read_raw(&mut self, offset: Addr, out: *mut u8, len: usize) -> Result<()> {
        check_range(self.len, offset, len as Addr)?;
        if len == 0 {
            return Ok(());
        }
        self.seek(offset)?;
        // SAFETY: memory read of the loader vtable.
        let read = unsafe { (*self.ldr).read }.ok_or(Error::Inval)?;
        // SAFETY: platform call: the loader writes at most `len` bytes into `out`, which
        // the caller vouches for.
        errno(unsafe { read(self.ldr, out.cast(), len) })
    }

    fn peek(&mut self, offset: Addr, len: usize) -> Option<*mut u8> {
        // SAFETY: memory read of the loader vtable.
        let peek = unsafe { (*self.ldr).peek }?;
        if self.len.is_some() {
            check_range(self.len, offset, len as Addr).ok()?;
        } else if len != 0 {
            // Unknown size: a successful read of the range's last byte proves it exists.
            let mut last = [0u8; 1];
            self.read_at(offset.checked_add(len as Addr - 1)?, &mut last).ok()?;
        }
        let pos = usize::try_from(offset).ok()?;
        // SAFETY: platform call into the loader's peek callback for a checked range.
        let p = unsafe { peek(self.ldr, pos) };
        (!p.is_null()).then_some(p.cast())
    }

    fn file_len(&self) -> Option<Addr> {
        self.len
    }

    fn storage(&self) -> Storage {
        // Read the raw discriminant: C may have stored any int there.
        // SAFETY: memory read of the `storage` field as the int C wrote.
        let raw = unsafe { core::ptr::addr_of!((*self.ldr).storage).cast::<u32>().read() };
        match raw {
            1 => Storage::Persistent,
            2 => Storage::Writable,
            _ => Storage::Temporary,
        }
    }

    fn finalize(&mut self) {
        // SAFETY: memory read of the loader vtable.
        if let Some(finalize) = unsafe { (*self.ldr).finalize } {
            // SAFETY: platform call into the loader's finalize callback.
            unsafe { finalize(self.ldr) }
        }
    }
}

fn buf_loader<'a>(ldr: *mut llext_loader) -> Option<&'a mut llext_buf_loader> {
    // SAFETY: these functions are only installed in `struct llext_buf_loader`, whose
    // first member is the loader (CONTAINER_OF).
    unsafe { ldr.cast::<llext_buf_loader>().as_mut() }
}

/// Copies `len` bytes from the current position. Zephyr 4.3 silently returns a short
/// read past the end; reading beyond the buffer is an error here (`-EINVAL`).
#[no_mangle]
pub unsafe extern "C" fn llext_buf_read(ldr: *mut llext_loader, buf: *mut c_void, len: usize) -> c_int {
    let Some(b) = buf_loader(ldr) else { return Error::Inval.to_errno() };
    let end = match b.pos.checked_add(len) {
        Some(end) if end <= b.len => end,
        _ => return Error::Inval.to_errno(),
    };
    if len != 0 {
        // SAFETY: memory write: `len` bytes of the caller's buffer from the loader's
        // buffer, range checked above.
        unsafe { core::ptr::copy_nonoverlapping(b.buf.add(b.pos), buf.cast::<u8>(), len) };
    }
    b.pos = end;
    0
}

/// Moves to absolute position `pos` (clamped to the end, as Zephyr does).
#[no_mangle]
pub unsafe extern "C" fn llext_buf_seek(ldr: *mut llext_loader, pos: usize) -> c_int {
    let Some(b) = buf_loader(ldr) else { return Error::Inval.to_errno() };
    b.pos = pos.min(b.len);
    0
}

/// Pointer to position `pos` of the buffer, or NULL at or past its end (Zephyr 4.3 does no
/// bounds check).
#[no_mangle]
pub unsafe extern "C" fn llext_buf_peek(ldr: *mut llext_loader, pos: usize) -> *mut c_void {
    match buf_loader(ldr) {
        // `pos < len`: the result points inside the buffer.
        Some(b) if pos < b.len => b.buf.wrapping_add(pos).cast_mut().cast(),
        _ => core::ptr::null_mut(),
    }
}

/// The storage type as a Rust value.
pub fn storage_of(s: llext_storage_type) -> Storage {
    match s {
        llext_storage_type::LLEXT_STORAGE_TEMPORARY => Storage::Temporary,
        llext_storage_type::LLEXT_STORAGE_PERSISTENT => Storage::Persistent,
        llext_storage_type::LLEXT_STORAGE_WRITABLE => Storage::Writable,
    }
}
