//! Functions of the base image (Zephyr) that extensions commonly call. Each must be
//! exported by the image (`EXPORT_SYMBOL`; Zephyr exports these itself when
//! `CONFIG_LLEXT` is on) for an extension using it to load.

use core::ffi::{c_char, c_int, c_void};

extern "C" {
    /// Zephyr's `printk(fmt, ...)`: printf-style output to the console.
    pub fn printk(fmt: *const c_char, ...);
    pub fn memcpy(dst: *mut c_void, src: *const c_void, n: usize) -> *mut c_void;
    pub fn memset(dst: *mut c_void, c: c_int, n: usize) -> *mut c_void;
    pub fn memcmp(a: *const c_void, b: *const c_void, n: usize) -> c_int;
    pub fn strlen(s: *const c_char) -> usize;
}

/// `printk!(c"text\n")`: Zephyr's `printk` with a C-string literal. Without arguments
/// the format may hold no conversion but `%%` (checked at compile time), and the call
/// is safe. With arguments it is an `unsafe` call, as in C the caller matches them to
/// the conversions (`%d`/`%u`/`%x` take `i32`/`u32`, `%ld` a `c_long`, `%s` a C-string
/// pointer, `%p` a pointer): `unsafe { printk!(c"%d\n", 42) }`.
#[macro_export]
macro_rules! printk {
    ($fmt:literal $(,)?) => {{
        const { ::core::assert!($crate::base::no_conversions($fmt), "printk! without arguments: the format may hold no conversion") };
        let fmt: &'static ::core::ffi::CStr = $fmt;
        // SAFETY: FFI call of the base image's printk with a NUL-terminated format
        // that converts no argument (checked above).
        unsafe { $crate::base::printk(fmt.as_ptr()) }
    }};
    ($fmt:literal, $($arg:expr),+ $(,)?) => {{
        let fmt: &'static ::core::ffi::CStr = $fmt;
        $crate::base::printk(fmt.as_ptr(), $($arg),+)
    }};
}

/// True if `fmt` has no printf conversion (only `%%`): `printk!` without arguments.
pub const fn no_conversions(fmt: &core::ffi::CStr) -> bool {
    let b = fmt.to_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            if i + 1 < b.len() && b[i + 1] == b'%' {
                i += 2;
                continue;
            }
            return false;
        }
        i += 1;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::no_conversions;

    #[test]
    fn formats_without_conversions() {
        assert!(no_conversions(c"hello\n"));
        assert!(no_conversions(c"100%% sure"));
        assert!(no_conversions(c""));
        assert!(!no_conversions(c"%d"));
        assert!(!no_conversions(c"a number: %u\n"));
        assert!(!no_conversions(c"trailing %"));
        assert!(!no_conversions(c"%%%s"));
    }
}
