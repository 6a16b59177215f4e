//! One error type for the whole pipeline, mapped to Zephyr's negative errno only at
//! the C boundary.

use core::fmt;

/// Why a load, link or lookup failed. Each variant is one errno of Zephyr's LLEXT API.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    /// Malformed or unsupported ELF content (`-ENOEXEC`).
    NoExec,
    /// Invalid argument or loader I/O failure (`-EINVAL`).
    Inval,
    /// The LLEXT heap is exhausted (`-ENOMEM`).
    NoMem,
    /// Named object not found (`-ENOENT`).
    NoEnt,
    /// An undefined symbol resolved nowhere (`-ENODATA`).
    NoData,
    /// Feature not supported by this build or this file (`-ENOTSUP`).
    NotSup,
    /// A pointer lies outside the memory it must belong to (`-EFAULT`).
    Fault,
    /// Resource still in use (`-EBUSY`).
    Busy,
    /// Already initialised (`-EEXIST`).
    Exist,
    /// Not implemented in this configuration (`-ENOSYS`).
    NoSys,
    /// No more memory partitions (`-ENOSPC`).
    NoSpc,
    /// A negative errno passed through unchanged from a loader callback or the OS.
    Errno(i32),
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
        -match self {
            Error::NoExec => errno::ENOEXEC,
            Error::Inval => errno::EINVAL,
            Error::NoMem => errno::ENOMEM,
            Error::NoEnt => errno::ENOENT,
            Error::NoData => errno::ENODATA,
            Error::NotSup => errno::ENOTSUP,
            Error::Fault => errno::EFAULT,
            Error::Busy => errno::EBUSY,
            Error::Exist => errno::EEXIST,
            Error::NoSys => errno::ENOSYS,
            Error::NoSpc => errno::ENOSPC,
            Error::Errno(e) => return if e < 0 { e } else { -errno::EINVAL },
        }
    }

    /// Wraps a negative errno returned by a C callback (loader, kernel call).
    pub const fn from_errno(e: i32) -> Error {
        if e >= 0 {
            Error::Inval
        } else {
            Error::Errno(e)
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} ({})", self, self.to_errno())
    }
}
