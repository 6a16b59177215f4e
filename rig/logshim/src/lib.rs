//! llext-rs plus a logger that hands each message to the embedding's C function
//! `llext_rs_log_write(level, msg, len)` (level: 1 error .. 5 trace).
#![no_std]

pub use llext_rs;

use core::fmt::Write;

extern "C" {
    fn llext_rs_log_write(level: u32, msg: *const u8, len: usize);
}

struct CLog;

/// One message, truncated to fit: the rig has no allocator for `format!`.
struct Line {
    buf: [u8; 200],
    len: usize,
}

impl Write for Line {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        let n = s.len().min(self.buf.len() - self.len);
        self.buf[self.len..self.len + n].copy_from_slice(&s.as_bytes()[..n]);
        self.len += n;
        Ok(())
    }
}

impl log::Log for CLog {
    fn enabled(&self, _: &log::Metadata) -> bool {
        true
    }

    fn log(&self, record: &log::Record) {
        let mut line = Line { buf: [0; 200], len: 0 };
        let _ = write!(line, "{}", record.args());
        // SAFETY: FFI call with a pointer/length pair into `line`.
        unsafe { llext_rs_log_write(record.level() as u32, line.buf.as_ptr(), line.len) };
    }

    fn flush(&self) {}
}

static LOGGER: CLog = CLog;

/// Installs the logger; messages up to `level` (1 error .. 5 trace) are forwarded.
#[no_mangle]
pub extern "C" fn llext_rs_log_init(level: u32) {
    let filter = match level {
        0 => log::LevelFilter::Off,
        1 => log::LevelFilter::Error,
        2 => log::LevelFilter::Warn,
        3 => log::LevelFilter::Info,
        4 => log::LevelFilter::Debug,
        _ => log::LevelFilter::Trace,
    };
    // A second call keeps the first logger: only the level changes.
    let _ = log::set_logger(&LOGGER);
    log::set_max_level(filter);
}
