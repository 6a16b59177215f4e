//! `#[repr(C)]` types of Zephyr 4.3's LLEXT headers, field for field: C code (callers,
//! the header's inline accessors) reads them directly, so order and sizes are ABI.
//! cbindgen turns this file into the types of `zephyr/llext/llext.h` (which also
//! covers loader.h and buf_loader.h); elf.h and symbol.h come from `elf.rs`/`symbol.rs`.
#![allow(non_camel_case_types)]

use core::ffi::{c_char, c_int, c_uint, c_void};

pub use super::elf::*;
pub use super::symbol::*;

/// Zephyr's own definition (bindgen); the header names it `struct k_mem_partition`.
#[cfg(feature = "userspace")]
pub use crate::platform::zephyr_sys::k_mem_partition;

// ---------------------------------------------------------------- llext.h ----------

/// Memory regions of an extension (`enum llext_mem`).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum llext_mem {
    LLEXT_MEM_TEXT,
    LLEXT_MEM_DATA,
    LLEXT_MEM_RODATA,
    LLEXT_MEM_BSS,
    LLEXT_MEM_EXPORT,
    LLEXT_MEM_SYMTAB,
    LLEXT_MEM_STRTAB,
    LLEXT_MEM_SHSTRTAB,
    LLEXT_MEM_PREINIT,
    LLEXT_MEM_INIT,
    LLEXT_MEM_FINI,
    LLEXT_MEM_COUNT,
}

/// Regions that get memory partitions: TEXT, DATA, RODATA, BSS.
pub const LLEXT_MEM_PARTITIONS: usize = 4;
/// Longest extension name kept (16 bytes with the NUL).
pub const LLEXT_MAX_NAME_LEN: usize = 15;
/// Extensions one extension may depend on.
pub const LLEXT_MAX_DEPENDENCIES: usize = 8;

/// `LLEXT_MEM_COUNT` as an array length (the C name is taken by the enum member).
/// cbindgen:ignore
pub const REGIONS: usize = 11;

/// Node of Zephyr's singly linked list (`sys_snode_t`); the header takes Zephyr's own
/// definition when building for Zephyr.
/// cbindgen:ignore
#[repr(C)]
#[derive(Clone, Copy)]
pub struct sys_snode_t {
    pub next: *mut sys_snode_t,
}

/// A loaded extension (`struct llext`). C never allocates one; llext-rs appends its
/// private state after these fields.
#[repr(C)]
pub struct llext {
    pub llext_list: sys_snode_t,
    #[cfg(feature = "userspace")]
    pub mem_parts: [k_mem_partition; LLEXT_MEM_PARTITIONS],
    pub name: [c_char; 16],
    pub mem: [*mut c_void; 11],
    pub mem_on_heap: [bool; 11],
    pub mem_size: [usize; 11],
    pub alloc_size: usize,
    pub sym_tab: llext_symtable,
    pub exp_tab: llext_symtable,
    pub use_count: c_uint,
    pub dependency: [*mut llext; LLEXT_MAX_DEPENDENCIES],
    pub sect_cnt: c_uint,
    pub sect_hdrs: *mut elf_shdr_t,
    pub sect_hdrs_on_heap: bool,
    pub mmu_permissions_set: bool,
}

/// Where each ELF section went (`struct llext_elf_sect_map`, llext_internal.h).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct llext_elf_sect_map {
    pub mem_idx: llext_mem,
    pub offset: usize,
}

/// The LLEXT heap's figures (`llext_rs_heap_usage()`, an llext-rs addition): bytes in
/// use, the most ever in use at once, and the heap's size, as the heap counts them
/// (block headers and rounding included where it has them).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct llext_rs_heap_usage {
    pub used: usize,
    pub max_used: usize,
    pub size: usize,
}

/// Load options (`struct llext_load_param`).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct llext_load_param {
    /// Run the relocation/link phase.
    pub relocate_local: bool,
    /// Use the ELF's link-time addresses as final addresses (the application placed it).
    pub pre_located: bool,
    /// Sections for which this returns true stay in the loader buffer, outside regions.
    pub section_detached: Option<unsafe extern "C" fn(shdr: *const elf_shdr_t) -> bool>,
    /// Keep `ldr->sect_map` after the load for the inspection API.
    pub keep_section_info: bool,
}

/// Entry point run by `llext_bootstrap()`.
pub type llext_entry_fn_t = Option<unsafe extern "C" fn(user_data: *mut c_void)>;

// ---------------------------------------------------------------- loader.h ---------

/// Lifetime and mutability of a loader's bytes (`enum llext_storage_type`).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum llext_storage_type {
    LLEXT_STORAGE_TEMPORARY,
    LLEXT_STORAGE_PERSISTENT,
    LLEXT_STORAGE_WRITABLE,
}

/// The loader vtable (`struct llext_loader`); custom loaders embed it first.
#[repr(C)]
pub struct llext_loader {
    pub prepare: Option<unsafe extern "C" fn(ldr: *mut llext_loader) -> c_int>,
    pub read: Option<unsafe extern "C" fn(ldr: *mut llext_loader, out: *mut c_void, len: usize) -> c_int>,
    pub seek: Option<unsafe extern "C" fn(ldr: *mut llext_loader, pos: usize) -> c_int>,
    pub peek: Option<unsafe extern "C" fn(ldr: *mut llext_loader, pos: usize) -> *mut c_void>,
    pub finalize: Option<unsafe extern "C" fn(ldr: *mut llext_loader)>,
    pub storage: llext_storage_type,
    /// Copy of the ELF header (filled by a load).
    pub hdr: elf_ehdr_t,
    /// Region descriptors (filled by a load; see `llext_get_region_info`).
    pub sects: [elf_shdr_t; 11],
    /// Per-section map (filled by a load; freed unless `keep_section_info`).
    pub sect_map: *mut llext_elf_sect_map,
}

// ---------------------------------------------------------------- buf_loader.h -----

/// The memory-buffer loader (`struct llext_buf_loader`).
#[repr(C)]
pub struct llext_buf_loader {
    pub loader: llext_loader,
    pub buf: *const u8,
    pub len: usize,
    pub pos: usize,
}


// SAFETY: an enum whose zero discriminant (LLEXT_MEM_TEXT) is valid, and a usize.
unsafe impl crate::platform::Zeroable for llext_elf_sect_map {}
