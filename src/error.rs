//! One error type for the whole pipeline, mapped to Zephyr's negative errno only at
//! the C boundary.

use core::fmt;

/// Why a load, link or lookup failed: the negative errno of Zephyr's LLEXT API itself,
/// so the C boundary returns it as is (no mapping table in the image). The named
/// values below are the ones the pipeline raises; `from_errno` carries any other.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Error(i32);

#[allow(non_upper_case_globals)] // named like the enum variants they replace
impl Error {
    /// Malformed or unsupported ELF content (`-ENOEXEC`).
    pub const NoExec: Error = Error(-errno::ENOEXEC);
    /// Invalid argument or loader I/O failure (`-EINVAL`).
    pub const Inval: Error = Error(-errno::EINVAL);
    /// The LLEXT heap is exhausted (`-ENOMEM`).
    pub const NoMem: Error = Error(-errno::ENOMEM);
    /// Named object not found (`-ENOENT`).
    pub const NoEnt: Error = Error(-errno::ENOENT);
    /// An undefined symbol resolved nowhere (`-ENODATA`).
    pub const NoData: Error = Error(-errno::ENODATA);
    /// Feature not supported by this build or this file (`-ENOTSUP`).
    pub const NotSup: Error = Error(-errno::ENOTSUP);
    /// A pointer lies outside the memory it must belong to (`-EFAULT`).
    pub const Fault: Error = Error(-errno::EFAULT);
    /// Resource still in use (`-EBUSY`).
    pub const Busy: Error = Error(-errno::EBUSY);
    /// Already initialised (`-EEXIST`).
    pub const Exist: Error = Error(-errno::EEXIST);
    /// Not implemented in this configuration (`-ENOSYS`).
    pub const NoSys: Error = Error(-errno::ENOSYS);
    /// No more memory partitions (`-ENOSPC`).
    pub const NoSpc: Error = Error(-errno::ENOSPC);
}

/// Result of every fallible pipeline step.
pub type Result<T> = core::result::Result<T, Error>;

/// errno values of the C library the header is used with: Zephyr's minimal libc and
/// newlib share one numbering; a hosted build uses the host's.
#[cfg(not(feature = "std"))]
mod errno {
    pub const ENOENT: i32 = 2;
    pub const ENOEXEC: i32 = 8;
    pub const ENOMEM: i32 = 12;
    pub const EFAULT: i32 = 14;
    pub const EBUSY: i32 = 16;
    pub const EEXIST: i32 = 17;
    pub const EINVAL: i32 = 22;
    pub const ENOSPC: i32 = 28;
    pub const ENODATA: i32 = 61;
    pub const ENOSYS: i32 = 88;
    pub const ENOTSUP: i32 = 134;
}
#[cfg(feature = "std")]
mod errno {
    pub use libc::{
        EBUSY, EEXIST, EFAULT, EINVAL, ENODATA, ENOENT, ENOEXEC, ENOMEM, ENOSPC, ENOSYS,
        ENOTSUP,
    };
}

impl Error {
    /// The negative errno C callers of Zephyr's LLEXT expect.
    pub const fn to_errno(self) -> i32 {
        self.0
    }

    /// Wraps a negative errno returned by a C callback (loader, kernel call); anything
    /// else is a broken callback, reported as `-EINVAL`.
    pub const fn from_errno(e: i32) -> Error {
        if e >= 0 || e == i32::MIN {
            Error::Inval
        } else {
            Error(e)
        }
    }

    /// The variant's name, for host-side messages.
    fn name(self) -> &'static str {
        const NAMES: [(Error, &str); 11] = [
            (Error::NoExec, "NoExec"),
            (Error::Inval, "Inval"),
            (Error::NoMem, "NoMem"),
            (Error::NoEnt, "NoEnt"),
            (Error::NoData, "NoData"),
            (Error::NotSup, "NotSup"),
            (Error::Fault, "Fault"),
            (Error::Busy, "Busy"),
            (Error::Exist, "Exist"),
            (Error::NoSys, "NoSys"),
            (Error::NoSpc, "NoSpc"),
        ];
        NAMES.iter().find(|(e, _)| *e == self).map_or("Errno", |(_, n)| n)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} ({})", self, self.to_errno())
    }
}
