//! Native x86_64 executor: calls extension code in-process.
//!
//! The base image is `native/native_base.c` (printk needs C varargs),
//! linked into this crate; [`base_symbols`] gives the names extensions
//! import with these host addresses. printk output goes to a thread-local
//! buffer. `base_counter` is one process-wide int: tests that depend on it
//! hold [`lock`] while they run.
//!
//! Executable memory normally comes from the loader's host platform;
//! [`ExecMemory`] exists for tests that link with the oracle at a host
//! address and run the result without a loader.

use std::cell::RefCell;
use std::ffi::{c_char, c_int, c_void};
use std::sync::{Mutex, MutexGuard};

extern "C" {
    fn llext_testkit_printk(fmt: *const c_char, ...) -> c_int;
    fn llext_testkit_base_add(a: c_int, b: c_int) -> c_int;
    static mut llext_testkit_base_counter: c_int;
}

thread_local! {
    static OUTPUT: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Called by native_base.c's printk with the formatted text.
#[no_mangle]
extern "C" fn llext_testkit_native_output(s: *const c_char, len: usize) {
    // SAFETY: native_base.c passes a buffer it formatted, `len` bytes long.
    let bytes = unsafe { std::slice::from_raw_parts(s.cast::<u8>(), len) };
    OUTPUT.with(|o| o.borrow_mut().push_str(&String::from_utf8_lossy(bytes)));
}

/// printk output of this thread so far, clearing it.
pub fn take_output() -> String {
    OUTPUT.with(|o| std::mem::take(&mut *o.borrow_mut()))
}

static LOCK: Mutex<()> = Mutex::new(());

/// Serialises tests that use the process-wide `base_counter`.
pub fn lock() -> MutexGuard<'static, ()> {
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

pub fn base_counter() -> i32 {
    // SAFETY: a plain int; callers serialise through lock().
    unsafe { std::ptr::addr_of!(llext_testkit_base_counter).read_volatile() }
}

pub fn set_base_counter(v: i32) {
    // SAFETY: as above.
    unsafe { std::ptr::addr_of_mut!(llext_testkit_base_counter).write_volatile(v) }
}

/// The base image's exported symbols: (name the extensions use, host
/// address).
pub fn base_symbols() -> Vec<(String, u64)> {
    let printk: unsafe extern "C" fn(*const c_char, ...) -> c_int = llext_testkit_printk;
    let base_add: unsafe extern "C" fn(c_int, c_int) -> c_int = llext_testkit_base_add;
    let memcpy: unsafe extern "C" fn(*mut c_void, *const c_void, usize) -> *mut c_void =
        libc::memcpy;
    let memset: unsafe extern "C" fn(*mut c_void, c_int, usize) -> *mut c_void = libc::memset;
    vec![
        ("printk".into(), printk as usize as u64),
        ("base_add".into(), base_add as usize as u64),
        ("memcpy".into(), memcpy as usize as u64),
        ("memset".into(), memset as usize as u64),
        (
            "base_counter".into(),
            std::ptr::addr_of!(llext_testkit_base_counter) as usize as u64,
        ),
    ]
}

/// Call the function at `addr` (System V ABI) with up to 6 integer
/// arguments and return `rax`.
///
/// # Safety
/// `addr` must be executable code of a function taking at most 6 integer
/// or pointer arguments (extra arguments in registers are ignored by such a
/// function, so all 6 are always passed).
#[cfg(target_arch = "x86_64")]
pub unsafe fn call(addr: u64, args: &[u64]) -> u64 {
    assert!(args.len() <= 6, "at most 6 arguments");
    let mut a = [0u64; 6];
    a[..args.len()].copy_from_slice(args);
    let f: extern "C" fn(u64, u64, u64, u64, u64, u64) -> u64 = std::mem::transmute(addr as usize);
    f(a[0], a[1], a[2], a[3], a[4], a[5])
}

/// Read/write/execute memory from mmap, unmapped on drop.
pub struct ExecMemory {
    ptr: *mut u8,
    len: usize,
}

impl ExecMemory {
    /// `len` bytes anywhere.
    pub fn new(len: usize) -> std::io::Result<ExecMemory> {
        // SAFETY: anonymous private mapping, checked for failure.
        let p = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE | libc::PROT_EXEC,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if p == libc::MAP_FAILED {
            return Err(std::io::Error::last_os_error());
        }
        Ok(ExecMemory { ptr: p.cast(), len })
    }

    /// `len` bytes within +-1 GiB of `near`, so that 32-bit PC-relative
    /// references between the two reach (x86_64 small-model code calling
    /// base functions in the test binary).
    pub fn near(near: u64, len: usize) -> std::io::Result<ExecMemory> {
        const STEP: u64 = 16 << 20;
        let len_pages = (len as u64 + 0xfff) & !0xfff;
        for i in 1..64u64 {
            for hint in [near.wrapping_add(i * STEP), near.wrapping_sub(i * STEP)] {
                let hint = hint & !0xfff;
                // SAFETY: MAP_FIXED_NOREPLACE never replaces an existing mapping.
                let p = unsafe {
                    libc::mmap(
                        hint as *mut c_void,
                        len_pages as usize,
                        libc::PROT_READ | libc::PROT_WRITE | libc::PROT_EXEC,
                        libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_FIXED_NOREPLACE,
                        -1,
                        0,
                    )
                };
                if p == libc::MAP_FAILED {
                    continue;
                }
                if p as u64 != hint {
                    // A kernel without MAP_FIXED_NOREPLACE took it as a hint.
                    // SAFETY: unmapping what we just mapped.
                    unsafe { libc::munmap(p, len_pages as usize) };
                    continue;
                }
                return Ok(ExecMemory {
                    ptr: p.cast(),
                    len: len_pages as usize,
                });
            }
        }
        Err(std::io::Error::other(format!(
            "no free range near {near:#x}"
        )))
    }

    pub fn addr(&self) -> u64 {
        self.ptr as u64
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Copy `bytes` to run address `addr` inside this mapping.
    pub fn write(&mut self, addr: u64, bytes: &[u8]) {
        let off = addr
            .checked_sub(self.addr())
            .expect("address below the mapping") as usize;
        assert!(off + bytes.len() <= self.len, "write past the mapping");
        // SAFETY: bounds checked above; the mapping is writable.
        unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), self.ptr.add(off), bytes.len()) };
    }
}

impl Drop for ExecMemory {
    fn drop(&mut self) {
        // SAFETY: our own mapping.
        unsafe { libc::munmap(self.ptr.cast(), self.len) };
    }
}

/// [`crate::expect::Target`] for code in this process.
pub struct Native;

#[cfg(target_arch = "x86_64")]
impl crate::expect::Target for Native {
    fn call(&mut self, addr: u64, args: &[u64]) -> Result<u64, String> {
        // SAFETY: the caller of expect::run vouches that the image's
        // addresses are loaded code.
        Ok(unsafe { call(addr, args) })
    }
    fn read_u32(&mut self, addr: u64) -> Result<u32, String> {
        // SAFETY: as above, for exported data.
        Ok(unsafe { (addr as *const u32).read_unaligned() })
    }
    fn take_output(&mut self) -> String {
        take_output()
    }
    fn set_base_counter(&mut self, v: i32) {
        set_base_counter(v)
    }
}
