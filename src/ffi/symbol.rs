//! `zephyr/llext/symbol.h`: symbol tables of extensions and of the base image.
#![allow(non_camel_case_types)]

use core::ffi::{c_char, c_void};

/// A symbol in an extension's table (`struct llext_symbol`).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct llext_symbol {
    pub name: *const c_char,
    pub addr: *mut c_void,
}

/// A table of symbols (`struct llext_symtable`).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct llext_symtable {
    pub sym_cnt: usize,
    pub syms: *mut llext_symbol,
}

/// A base-image export (`struct llext_const_symbol`): C sees the first word as an
/// anonymous `union { const char *name; uintptr_t slid; }`, which cbindgen cannot
/// express, so the header spells this struct out by hand.
/// cbindgen:ignore
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct llext_const_symbol {
    /// `name` pointer, or the SLID in SLID-linking builds.
    pub name_or_slid: usize,
    pub addr: *const c_void,
}


const _: () = assert!(core::mem::size_of::<llext_const_symbol>() == 2 * core::mem::size_of::<usize>());

// SAFETY: two raw pointers; all-zero (NULL, NULL) is valid and there is no drop glue.
unsafe impl crate::platform::Zeroable for llext_symbol {}
