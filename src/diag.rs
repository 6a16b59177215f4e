//! Diagnostics without formatting in Rust. A message is a static C format string with
//! at most one string (`%s`, first) and three integer arguments (`%lu`, `%ld`, `%lx`:
//! every integer travels as a C `unsigned long`), handed as they are to the platform's
//! logger: Zephyr's `LOG_*` under Zephyr (which formats them, deferred or not), the
//! embedding's C function on bare metal, the `log` crate on hosted builds.
//!
//! Levels above [`MAX_LEVEL`] compile to nothing, their strings included: a build with
//! logging off carries no message text and no `core::fmt`.

use core::ffi::{c_char, CStr};

pub const ERR: u8 = 1;
pub const WRN: u8 = 2;
pub const INF: u8 = 3;
pub const DBG: u8 = 4;

/// Most verbose level compiled in: `LLEXT_RS_LOG_LEVEL` (0 off .. 4 debug) when the
/// crate is built (the Zephyr module passes `CONFIG_LLEXT_LOG_LEVEL`, 0 without
/// `CONFIG_LOG`); unset, debug on hosted builds and off otherwise.
pub const MAX_LEVEL: u8 = match option_env!("LLEXT_RS_LOG_LEVEL") {
    Some(level) => parse_level(level),
    None if cfg!(feature = "std") => DBG,
    None => 0,
};

const fn parse_level(s: &str) -> u8 {
    match s.as_bytes() {
        [d @ b'0'..=b'4'] => *d - b'0',
        _ => 0,
    }
}

/// An integer argument, as the C `unsigned long` it is passed as (signed values keep
/// their bits: print them with `%ld`). 64-bit values are truncated on 32-bit targets,
/// whose ELF files have 32-bit fields.
pub trait Arg {
    fn word(self) -> usize;
}

macro_rules! unsigned_arg {
    ($($t:ty),*) => {$(impl Arg for $t { fn word(self) -> usize { self as usize } })*};
}
macro_rules! signed_arg {
    ($($t:ty),*) => {$(impl Arg for $t { fn word(self) -> usize { self as isize as usize } })*};
}
unsigned_arg!(u8, u16, u32, u64, usize);
signed_arg!(i32, i64, isize);

impl Arg for bool {
    fn word(self) -> usize {
        usize::from(self)
    }
}

/// The string argument: a name that is NUL-terminated in memory (string-table entries
/// from `StringTable::get`, C strings, `c"..."` literals).
pub fn name(bytes: &[u8]) -> *const c_char {
    bytes.as_ptr().cast()
}

/// Up to three integer arguments, zero-filled.
pub fn words(args: &[usize]) -> [usize; 3] {
    let mut out = [0usize; 3];
    for (slot, arg) in out.iter_mut().zip(args) {
        *slot = *arg;
    }
    out
}

/// True if the first conversion of `fmt` is `%s` (`string_first`) or, with
/// `string_first` false, if it has no `%s`: the C side passes the string argument first.
/// The logging macros check this at compile time.
pub const fn string_slot_ok(fmt: &CStr, string_first: bool) -> bool {
    let b = fmt.to_bytes();
    let mut i = 0;
    let mut first = true;
    while i + 1 < b.len() {
        if b[i] == b'%' {
            let mut j = i + 1;
            while j < b.len() && (b[j] == b'l' || b[j] == b'#') {
                j += 1;
            }
            if j < b.len() && b[j] == b'%' {
                i = j + 1;
                continue;
            }
            let is_s = j < b.len() && b[j] == b's';
            if is_s != (string_first && first) {
                return false;
            }
            first = false;
            i = j;
        }
        i += 1;
    }
    !(string_first && first)
}

/// Hands one message to the platform's logger (callers check the level first).
#[inline(never)]
pub fn emit(level: u8, fmt: &'static CStr, s: *const c_char, args: [usize; 3]) {
    sink::emit(level, fmt, s, args);
}

/// Logs at `level`: `log_at!(ERR, c"section %lu: bad", index)`, or with a leading
/// string argument `log_at!(ERR, c"undefined symbol %s", s = name_ptr)`.
#[macro_export]
macro_rules! log_at {
    ($level:expr, $fmt:literal, s = $s:expr $(, $arg:expr)* $(,)?) => {{
        const { assert!($crate::diag::string_slot_ok($fmt, true), "the string argument must be the first conversion") };
        if $level <= $crate::diag::MAX_LEVEL {
            $crate::diag::emit($level, $fmt, $s, $crate::diag::words(&[$($crate::diag::Arg::word($arg)),*]));
        }
    }};
    ($level:expr, $fmt:literal $(, $arg:expr)* $(,)?) => {{
        const { assert!($crate::diag::string_slot_ok($fmt, false), "%s needs a string argument (s = ...)") };
        if $level <= $crate::diag::MAX_LEVEL {
            $crate::diag::emit($level, $fmt, core::ptr::null(), $crate::diag::words(&[$($crate::diag::Arg::word($arg)),*]));
        }
    }};
}

#[macro_export]
macro_rules! error {
    ($($t:tt)*) => { $crate::log_at!($crate::diag::ERR, $($t)*) };
}
#[macro_export]
macro_rules! warn {
    ($($t:tt)*) => { $crate::log_at!($crate::diag::WRN, $($t)*) };
}
#[macro_export]
macro_rules! info {
    ($($t:tt)*) => { $crate::log_at!($crate::diag::INF, $($t)*) };
}
#[macro_export]
macro_rules! debug {
    ($($t:tt)*) => { $crate::log_at!($crate::diag::DBG, $($t)*) };
}

#[cfg(feature = "zephyr")]
mod sink {
    use core::ffi::{c_char, c_int, CStr};

    extern "C" {
        /// zephyr/llext_rs_glue.c: Zephyr's LOG_ERR/WRN/INF/DBG in module `llext`.
        fn llext_rs_z_log(level: c_int, fmt: *const c_char, s: *const c_char, a: usize, b: usize, c: usize);
    }

    pub fn emit(level: u8, fmt: &'static CStr, s: *const c_char, [a, b, c]: [usize; 3]) {
        // SAFETY: platform call with a static NUL-terminated format and, if not null,
        // a NUL-terminated string (Zephyr copies it for deferred logging).
        unsafe { llext_rs_z_log(c_int::from(level), fmt.as_ptr(), s, a, b, c) }
    }
}

#[cfg(all(feature = "bare", not(feature = "zephyr")))]
mod sink {
    use core::ffi::{c_char, c_int, CStr};

    extern "C" {
        /// Provided by a bare-metal embedding that builds with LLEXT_RS_LOG_LEVEL > 0
        /// (the rig's RIG_LOG builds): prints one message.
        fn llext_rs_log(level: c_int, fmt: *const c_char, s: *const c_char, a: usize, b: usize, c: usize);
    }

    pub fn emit(level: u8, fmt: &'static CStr, s: *const c_char, [a, b, c]: [usize; 3]) {
        // SAFETY: platform call with a static NUL-terminated format and, if not null,
        // a NUL-terminated string.
        unsafe { llext_rs_log(c_int::from(level), fmt.as_ptr(), s, a, b, c) }
    }
}

#[cfg(all(feature = "std", not(feature = "zephyr"), not(feature = "bare")))]
mod sink {
    use core::ffi::{c_char, CStr};
    use std::fmt::Write;

    /// Formats the message the way C would and hands it to the `log` crate (tests and
    /// host programs choose a logger).
    pub fn emit(level: u8, fmt: &'static CStr, s: *const c_char, args: [usize; 3]) {
        let level = match level {
            super::ERR => log::Level::Error,
            super::WRN => log::Level::Warn,
            super::INF => log::Level::Info,
            _ => log::Level::Debug,
        };
        if level > log::max_level() {
            return;
        }
        let string = if s.is_null() {
            String::new()
        } else {
            // SAFETY: memory read of the NUL-terminated string the caller passed.
            unsafe { CStr::from_ptr(s) }.to_string_lossy().into_owned()
        };
        log::log!(level, "llext: {}", format(fmt.to_bytes(), &string, &args));
    }

    /// printf for the conversions messages use: %s (the string), %lu %ld %lx %u %d %x
    /// (the words, in order), %%.
    pub fn format(fmt: &[u8], string: &str, args: &[usize]) -> String {
        let mut out = String::new();
        let mut words = args.iter();
        let mut bytes = fmt.iter().copied().peekable();
        while let Some(b) = bytes.next() {
            if b != b'%' {
                out.push(char::from(b));
                continue;
            }
            while bytes.peek() == Some(&b'l') {
                bytes.next();
            }
            let word = |w: Option<&usize>| w.copied().unwrap_or(0);
            let _ = match bytes.next() {
                Some(b's') => write!(out, "{string}"),
                Some(b'u') => write!(out, "{}", word(words.next())),
                Some(b'd') => write!(out, "{}", word(words.next()) as isize),
                Some(b'x') => write!(out, "{:x}", word(words.next())),
                Some(b'%') => write!(out, "%"),
                Some(other) => write!(out, "%{}", char::from(other)),
                None => Ok(()),
            };
        }
        out
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn string_slot() {
            use crate::diag::string_slot_ok;
            assert!(string_slot_ok(c"%s at 0x%lx", true));
            assert!(!string_slot_ok(c"section %lu: %s", true));
            assert!(!string_slot_ok(c"no string", true));
            assert!(string_slot_ok(c"100%% of %lu", false));
            assert!(!string_slot_ok(c"name %s", false));
        }

        #[test]
        fn formats_like_c() {
            assert_eq!(super::format(b"section %lu of %s at 0x%lx: %ld%%", "x", &[3, 255, -2isize as usize]), "section 3 of x at 0xff: -2%");
        }
    }
}

#[cfg(not(any(feature = "std", feature = "zephyr", feature = "bare")))]
mod sink {
    use core::ffi::{c_char, CStr};

    /// No platform to log to.
    pub fn emit(_level: u8, _fmt: &'static CStr, _s: *const c_char, _args: [usize; 3]) {}
}
