//! The functions of Zephyr 4.3's `llext.h`, `inspect.h` and `llext_internal.h`, with
//! their names, signatures, return codes and semantics. Each is a thin adapter: check
//! the pointers C handed over, call the registry, map errors to negative errno.
//!
//! Every `unsafe extern "C"` function here has the safety contract of the Zephyr API
//! it implements (valid pointers, NUL-terminated names, a loader whose callbacks behave):
//! the header documents the functions, Zephyr documents the contract.
#![allow(clippy::missing_safety_doc)]

use core::ffi::{c_char, c_int, c_uint, c_void};
use core::ptr;

use super::global::registry;
use super::loader::CLoader;
use super::types::*;
use crate::elf::Addr;
use crate::error::Error;
use crate::layout::{mem, SectionPlace};
use crate::load::{EarlyView, LoadHooks, LoadParams, Loaded};
// The trait is in scope for the target builds' static `PlatformRef`.
#[cfg_attr(feature = "std", allow(unused_imports))]
use crate::platform::{MemKind, Platform};
use crate::symbols::{c_str, find_export_c, Key, LinkBy, BUILD_LINK_BY};

/// `ssize_t` of the C library (cbindgen keeps the name).
/// cbindgen:ignore
#[allow(non_camel_case_types)]
pub type ssize_t = isize;

/// Zephyr's memory domain, opaque here.
#[allow(non_camel_case_types)]
pub struct k_mem_domain {
    _private: [u8; 0],
}

/// Callbacks of one `llext_load()`: publish what C's `section_detached` may read, and
/// ask it.
struct CHooks {
    ext: *mut *mut llext,
    ldr: *mut llext_loader,
    detached: Option<unsafe extern "C" fn(*const elf_shdr_t) -> bool>,
}

impl LoadHooks for CHooks {
    fn sections_ready(&mut self, view: &EarlyView) {
        // SAFETY: memory writes into the zeroed `struct llext` this load just allocated
        // (published to C through `*ext`) and into the caller's loader.
        unsafe {
            let ext = *self.ext;
            if !ext.is_null() {
                (*ext).sect_cnt = view.section_count as c_uint;
                (*ext).sect_hdrs = view.section_headers.cast_mut().cast();
                (*ext).mem[mem::SHSTRTAB] = view.shstrtab.cast_mut().cast();
                (*ext).mem_size[mem::SHSTRTAB] = view.shstrtab_size;
            }
            (*self.ldr).sects[mem::SHSTRTAB] = native_shdr(&view.shstrtab_desc);
        }
    }

    fn detaches(&self) -> bool {
        self.detached.is_some()
    }

    fn is_detached(&mut self, _index: usize, header: &[u8]) -> bool {
        match self.detached {
            // SAFETY: platform call into the application's predicate with a pointer to a
            // section header of the file's (native) layout, aligned by `read_header_table`.
            Some(f) => unsafe { f(header.as_ptr().cast()) },
            None => false,
        }
    }

    fn finished(&mut self, loaded: &mut Loaded) {
        publish_loader(self.ldr, loaded);
    }
}

/// A region descriptor in C's `elf_shdr_t` form.
fn native_shdr(s: &crate::elf::Section) -> elf_shdr_t {
    // Narrowing only happens for ELF32 builds, whose files fit 32 bits by construction.
    elf_shdr_t {
        sh_name: s.name,
        sh_type: s.sh_type,
        sh_flags: s.flags as _,
        sh_addr: s.addr as _,
        sh_offset: s.offset as _,
        sh_size: s.size as _,
        sh_link: s.link,
        sh_info: s.info,
        sh_addralign: s.align as _,
        sh_entsize: s.entsize as _,
    }
}

fn params_of(p: *const llext_load_param) -> (LoadParams, Option<unsafe extern "C" fn(*const elf_shdr_t) -> bool>) {
    let mut params = LoadParams::default();
    // SAFETY: memory read of the caller's parameters (NULL means defaults).
    match unsafe { p.as_ref() } {
        None => (params, None),
        Some(p) => {
            params.relocate_local = p.relocate_local;
            params.pre_located = p.pre_located;
            params.keep_section_info = p.keep_section_info;
            (params, p.section_detached)
        }
    }
}

/// Loads an extension from `loader` under `name` (`llext_load`). Returns 0 on a new
/// load; if `name` is already loaded, bumps its use count and returns the previous
/// count. On error `*ext` is NULL and a negative errno is returned.
#[no_mangle]
pub unsafe extern "C" fn llext_load(loader: *mut llext_loader, name: *const c_char, ext: *mut *mut llext, ldr_parm: *const llext_load_param) -> c_int {
    if ext.is_null() {
        return Error::Inval.to_errno();
    }
    // SAFETY: memory write of the caller's out-pointer.
    unsafe { *ext = ptr::null_mut() };
    if loader.is_null() || name.is_null() {
        return Error::Inval.to_errno();
    }
    let (params, detached) = params_of(ldr_parm);
    // SAFETY: the caller passes a valid loader (Zephyr's contract).
    let mut source = unsafe { CLoader::new(loader) };
    let mut hooks = CHooks { ext, ldr: loader, detached };
    let registry = registry();
    // SAFETY: `name` is a NUL-terminated C string (contract).
    let name = unsafe { c_str(name) };
    // SAFETY (closure): memory write of the caller's out-pointer.
    let result = registry.load(&mut source, name, &params, &mut hooks, &mut |p| unsafe { *ext = p });
    match result {
        Ok((e, previous)) => {
            // SAFETY: memory write of the caller's out-pointer.
            unsafe { *ext = e };
            if previous > 0 {
                return previous as c_int;
            }
            0
        }
        Err(err) => {
            // SAFETY: memory write of the caller's out-pointer.
            unsafe { *ext = ptr::null_mut() };
            err.to_errno()
        }
    }
}

/// Fills the loader's `hdr`, `sects[]` and (with `keep_section_info`) `sect_map` as
/// Zephyr does, for the inspection API: at the end of a successful load, while the
/// region plans still exist.
fn publish_loader(ldr: *mut llext_loader, loaded: &mut Loaded) {
    let size = core::mem::size_of::<elf_ehdr_t>().min(loaded.header_raw.len());
    // SAFETY: memory writes into the caller's loader: the ELF header bytes as read
    // (zero-padded past a smaller class's header) over `hdr`, plain integers any bytes
    // are valid for; then the region descriptors.
    unsafe {
        ptr::copy_nonoverlapping(loaded.header_raw.as_ptr(), ptr::addr_of_mut!((*ldr).hdr).cast::<u8>(), size);
        for (i, r) in loaded.regions.iter().enumerate() {
            let mut d = native_shdr(&r.desc);
            if r.has_relocs {
                d.sh_flags |= elf_word::from(SHF_LLEXT_HAS_RELOCS);
            }
            #[cfg(feature = "pack-regions")]
            if r.packed {
                d.sh_size = r.file_run as _;
            }
            if let Some(slot) = (*ldr).sects.get_mut(i) {
                *slot = d;
            }
        }
        (*ldr).sect_map = ptr::null_mut();
    }
    let Some(mut places) = loaded.places.take() else { return };
    // C's map is built over the section map, entry by entry in place (same size and
    // alignment): no second block, and the heap bytes accounted stay the same.
    const _: () = assert!(core::mem::size_of::<SectionPlace>() == core::mem::size_of::<llext_elf_sect_map>());
    const _: () = assert!(core::mem::align_of::<SectionPlace>() == core::mem::align_of::<llext_elf_sect_map>());
    let sections = loaded.sections();
    let map = places.as_mut_slice().as_mut_ptr();
    for i in 0..places.as_slice().len() {
        // SAFETY: memory write: entry `i` of the section map's own block, read out as a
        // place and overwritten with C's entry of the same size and alignment; every
        // entry is converted once, and nothing reads the block as places afterwards.
        unsafe {
            let place = map.add(i).read();
            map.add(i).cast::<llext_elf_sect_map>().write(c_map_entry(&place, i, &sections, &loaded.regions));
        }
    }
    // Ownership moves to the loader until `llext_free_inspection_data()`, which frees
    // the block as `sect_cnt` C entries: the same size and alignment (checked above).
    // SAFETY: memory write of the caller's loader.
    unsafe { (*ldr).sect_map = map.cast() };
    core::mem::forget(places);
}

fn c_map_entry(p: &SectionPlace, index: usize, sections: &crate::elf::SectionTable, regions: &[crate::layout::RegionPlan; mem::COUNT]) -> llext_elf_sect_map {
    const MEMS: [llext_mem; 12] = [
        llext_mem::LLEXT_MEM_TEXT,
        llext_mem::LLEXT_MEM_DATA,
        llext_mem::LLEXT_MEM_RODATA,
        llext_mem::LLEXT_MEM_BSS,
        llext_mem::LLEXT_MEM_EXPORT,
        llext_mem::LLEXT_MEM_SYMTAB,
        llext_mem::LLEXT_MEM_STRTAB,
        llext_mem::LLEXT_MEM_SHSTRTAB,
        llext_mem::LLEXT_MEM_PREINIT,
        llext_mem::LLEXT_MEM_INIT,
        llext_mem::LLEXT_MEM_FINI,
        llext_mem::LLEXT_MEM_COUNT,
    ];
    let region = usize::from(p.region).min(mem::COUNT);
    let mem_idx = MEMS.get(region).copied().unwrap_or(llext_mem::LLEXT_MEM_COUNT);
    let offset = if p.detached {
        // Zephyr's convention: file distance from the region start (may wrap).
        let s = sections.get(index).map_or(0, |s| s.offset);
        let r = regions.get(region).map_or(0, |r| r.desc.offset);
        s.wrapping_sub(r) as usize
    } else {
        p.offset
    };
    llext_elf_sect_map { mem_idx, offset }
}

/// Frees the section map kept by `keep_section_info` (`llext_free_inspection_data`).
#[no_mangle]
pub unsafe extern "C" fn llext_free_inspection_data(ldr: *mut llext_loader, ext: *mut llext) -> c_int {
    // SAFETY: memory reads/writes of the caller's loader and extension.
    unsafe {
        let Some(l) = ldr.as_mut() else { return 0 };
        let Some(map) = ptr::NonNull::new(l.sect_map.cast::<u8>()) else { return 0 };
        let count = ext.as_ref().map_or(0, |e| e.sect_cnt as usize);
        let size = count * core::mem::size_of::<llext_elf_sect_map>();
        if size != 0 {
            registry().platform().free(MemKind::Meta, map, size, core::mem::align_of::<llext_elf_sect_map>());
        }
        l.sect_map = ptr::null_mut();
        if let Some(e) = ext.as_mut() {
            e.alloc_size = e.alloc_size.saturating_sub(size);
        }
    }
    0
}

/// Drops one use of `*ext` (`llext_unload`). Returns the remaining use count, or 0 when
/// the extension was freed (then `*ext` is set to NULL).
#[no_mangle]
pub unsafe extern "C" fn llext_unload(ext: *mut *mut llext) -> c_int {
    // SAFETY: memory read of the caller's pointer.
    let Some(e) = (unsafe { ext.as_ref() }).copied().filter(|e| !e.is_null()) else {
        return Error::Inval.to_errno();
    };
    registry().platform().flush_logs();
    match registry().unload(e) {
        Ok(0) => {
            // SAFETY: memory write of the caller's pointer.
            unsafe { *ext = ptr::null_mut() };
            0
        }
        Ok(n) => n as c_int,
        Err(err) => err.to_errno(),
    }
}

/// The loaded extension named `name`, or NULL (`llext_by_name`).
#[no_mangle]
pub unsafe extern "C" fn llext_by_name(name: *const c_char) -> *mut llext {
    if name.is_null() {
        return ptr::null_mut();
    }
    // SAFETY: NUL-terminated C string (contract).
    let name = unsafe { c_str(name) };
    // Zephyr compares at most LLEXT_MAX_NAME_LEN characters.
    registry().by_name(name.get(..LLEXT_MAX_NAME_LEN).unwrap_or(name))
}

/// Calls `fn(ext, arg)` for each loaded extension until one returns non-zero; returns
/// that value, or 0 (`llext_iterate`).
#[no_mangle]
pub unsafe extern "C" fn llext_iterate(f: Option<unsafe extern "C" fn(ext: *mut llext, arg: *mut c_void) -> c_int>, arg: *mut c_void) -> c_int {
    let Some(f) = f else { return Error::Inval.to_errno() };
    // SAFETY: platform call into the application's callback with a live extension.
    registry().iterate(|e| unsafe { f(e, arg) })
}

/// Looks up `sym_name`: in the base image's exports if `sym_table` is NULL (binary
/// search; in SLID builds `sym_name` carries the SLID), else in `sym_table`
/// (`llext_find_sym`).
#[no_mangle]
pub unsafe extern "C" fn llext_find_sym(sym_table: *const llext_symtable, sym_name: *const c_char) -> *const c_void {
    // SAFETY: memory read of the caller's table (NULL means the base image).
    match unsafe { sym_table.as_ref() } {
        None => {
            let key = match BUILD_LINK_BY {
                LinkBy::Slid => Key::Slid(sym_name as usize),
                LinkBy::Name if sym_name.is_null() => return ptr::null(),
                // SAFETY: NUL-terminated C string (contract).
                LinkBy::Name => Key::Name(unsafe { c_str(sym_name) }),
            };
            registry().find_base(key).map_or(ptr::null(), |a| a as *const c_void)
        }
        Some(t) => {
            if t.syms.is_null() || sym_name.is_null() {
                return ptr::null();
            }
            // SAFETY: the caller's table holds `sym_cnt` entries; names are C strings.
            let syms = unsafe { core::slice::from_raw_parts(t.syms, t.sym_cnt) };
            // SAFETY: `sym_name` is a C string (contract), checked non-NULL above.
            unsafe { find_export_c(syms, sym_name) }.map_or(ptr::null(), |a| a.cast_const())
        }
    }
}

/// Calls exported function `sym_name` of `ext` as `void (*)(void)` (`llext_call_fn`).
/// `-ENOENT` if it is not exported.
#[no_mangle]
pub unsafe extern "C" fn llext_call_fn(ext: *mut llext, sym_name: *const c_char) -> c_int {
    // SAFETY: memory read of the caller's extension.
    let Some(e) = (unsafe { ext.as_ref() }) else { return Error::Inval.to_errno() };
    if sym_name.is_null() || e.exp_tab.syms.is_null() {
        return Error::NoEnt.to_errno();
    }
    // SAFETY: an llext-rs export table: an array of `sym_cnt` entries.
    let table = unsafe { core::slice::from_raw_parts(e.exp_tab.syms, e.exp_tab.sym_cnt) };
    // SAFETY: NUL-terminated C string (contract).
    let Some(addr) = (unsafe { find_export_c(table, sym_name) }) else { return Error::NoEnt.to_errno() };
    // SAFETY: FFI call: an exported function of a native extension, called with the
    // prototype `llext_call_fn` documents.
    unsafe { core::mem::transmute::<*mut c_void, unsafe extern "C" fn()>(addr)() };
    0
}

/// The init (preinit then init) or fini function table of `ext`: its size in bytes,
/// copied into `buf` when `buf` is not NULL. `-EINVAL` for a NULL or unknown `ext`,
/// `-ENOMEM` if `size` is too small, `-EFAULT` if an entry lies outside the text.
/// (`llext_get_fn_table`; under Zephyr this is the syscall's implementation.)
/// cbindgen:ignore
#[cfg_attr(not(feature = "zephyr"), export_name = "llext_get_fn_table")]
#[cfg_attr(feature = "zephyr", export_name = "z_impl_llext_get_fn_table")]
pub unsafe extern "C" fn llext_get_fn_table_impl(ext: *mut llext, is_init: bool, buf: *mut c_void, size: usize) -> ssize_t {
    // SAFETY: memory write area: the caller's buffer of `size` bytes, if any.
    let out = (!buf.is_null()).then(|| unsafe { core::slice::from_raw_parts_mut(buf.cast::<usize>(), size / core::mem::size_of::<usize>()) });
    // One look under the lock, as the table is one copy.
    match registry().inspect(ext, |b| b.fn_table(is_init, out)) {
        Some(Ok(count)) => (count * core::mem::size_of::<usize>()) as ssize_t,
        Some(Err(e)) => e.to_errno() as ssize_t,
        None => Error::Inval.to_errno() as ssize_t,
    }
}

// llext_bringup/teardown/bootstrap run in user threads under Zephyr, where only system
// calls, the stack and logging are usable: there the module's C glue defines them on
// top of the llext_get_fn_table() system call (zephyr/llext_rs_glue.c). The header
// declares them by hand (c/header/llext_trailer.h).

/// Runs the extension's `.preinit_array` then `.init_array` functions
/// (`llext_bringup`).
/// cbindgen:ignore
#[cfg(not(feature = "zephyr"))]
#[no_mangle]
pub unsafe extern "C" fn llext_bringup(ext: *mut llext) -> c_int {
    call_fn_table(ext, true)
}

/// Runs the extension's `.fini_array` functions (`llext_teardown`).
/// cbindgen:ignore
#[cfg(not(feature = "zephyr"))]
#[no_mangle]
pub unsafe extern "C" fn llext_teardown(ext: *mut llext) -> c_int {
    call_fn_table(ext, false)
}

/// Init functions, `entry_fn(user_data)`, fini functions: a thread entry point
/// (`llext_bootstrap`).
/// cbindgen:ignore
#[cfg(not(feature = "zephyr"))]
#[no_mangle]
pub unsafe extern "C" fn llext_bootstrap(ext: *mut llext, entry_fn: llext_entry_fn_t, user_data: *mut c_void) {
    let rc = call_fn_table(ext, true);
    if rc != 0 {
        crate::error!(c"failed to call init functions: %ld", rc);
        return;
    }
    if let Some(f) = entry_fn {
        // SAFETY: FFI call of the application's entry point.
        unsafe { f(user_data) };
    }
    let rc = call_fn_table(ext, false);
    if rc != 0 {
        crate::error!(c"failed to call de-init functions: %ld", rc);
    }
}

/// Runs the init or fini table of `ext` (`Registry::call_fn_table`), as an errno.
#[cfg(not(feature = "zephyr"))]
fn call_fn_table(ext: *mut llext, is_init: bool) -> c_int {
    match registry().call_fn_table(ext, is_init) {
        Ok(()) => 0,
        Err(e) => e.to_errno(),
    }
}

/// Adds the extension's memory partitions to `domain` (`llext_add_domain`).
#[no_mangle]
pub unsafe extern "C" fn llext_add_domain(ext: *mut llext, domain: *mut k_mem_domain) -> c_int {
    // SAFETY: platform call with the caller's extension and domain.
    #[cfg(feature = "userspace")]
    let rc = unsafe { crate::platform::zephyr::add_domain(ext, domain.cast()) };
    #[cfg(not(feature = "userspace"))]
    let rc = {
        let _ = (ext, domain);
        Error::NoSys.to_errno()
    };
    rc
}

/// File offset of section `search_name` (`llext_find_section`). Needs a loader that can
/// peek and has loaded a file; `-ENOTSUP` otherwise, `-ENOENT` if absent.
// elf_shdr_t/elf_ehdr_t fields are u32 on 32-bit targets, Addr on 64-bit ones.
#[allow(clippy::useless_conversion)]
#[no_mangle]
pub unsafe extern "C" fn llext_find_section(loader: *mut llext_loader, search_name: *const c_char) -> ssize_t {
    // SAFETY: memory read of the caller's loader and name.
    let (Some(l), false) = (unsafe { loader.as_ref() }, search_name.is_null()) else {
        return Error::Inval.to_errno() as ssize_t;
    };
    // SAFETY: NUL-terminated C string (contract).
    let want = unsafe { c_str(search_name) };
    let mut source = unsafe { CLoader::new(loader) };
    use crate::source::Source as _;
    let shnum = l.hdr.e_shnum as Addr;
    let shentsize = l.hdr.e_shentsize as Addr;
    if shentsize as usize != core::mem::size_of::<elf_shdr_t>() {
        return Error::NotSup.to_errno() as ssize_t;
    }
    let names = &l.sects[mem::SHSTRTAB];
    // Offsets from the C structs; a sum that wraps is refused by `peek`'s range check.
    let names_start = Addr::from(names.sh_offset).wrapping_add(Addr::from(names.sh_info));
    for i in 0..shnum {
        let Some(p) = source.peek(Addr::from(l.hdr.e_shoff).wrapping_add(i * shentsize), shentsize as usize) else {
            return Error::NotSup.to_errno() as ssize_t;
        };
        // SAFETY: memory read of one section header the loader exposed (range checked).
        let s = unsafe { p.cast::<elf_shdr_t>().read_unaligned() };
        let len = want.len() + 1;
        let Some(name) = source.peek(names_start.wrapping_add(s.sh_name as Addr), len) else { continue };
        // SAFETY: memory read of `len` bytes the loader exposed (range checked).
        let name = unsafe { core::slice::from_raw_parts(name, len) };
        if name.get(..want.len()) == Some(want) && name.last() == Some(&0) {
            return s.sh_offset as ssize_t;
        }
    }
    Error::NoEnt.to_errno() as ssize_t
}

/// Index of section `section_name` of `ext`, from its section headers and name table
/// (`llext_section_shndx`); `-ENOENT` if absent. Works during a load, from the
/// `section_detached` callback.
#[no_mangle]
pub unsafe extern "C" fn llext_section_shndx(ldr: *const llext_loader, ext: *const llext, section_name: *const c_char) -> c_int {
    // SAFETY: memory read of the caller's extension, loader and name.
    let (Some(e), Some(l), false) = (unsafe { ext.as_ref() }, unsafe { ldr.as_ref() }, section_name.is_null()) else {
        return Error::Inval.to_errno();
    };
    if e.sect_hdrs.is_null() || e.mem[mem::SHSTRTAB].is_null() {
        return Error::NoEnt.to_errno();
    }
    // SAFETY: NUL-terminated C string (contract); the extension's section headers and
    // name table region stay valid while it is loaded (or being loaded).
    let (want, headers, names) = unsafe {
        let prepad = (l.sects[mem::SHSTRTAB].sh_info as usize).min(e.mem_size[mem::SHSTRTAB]);
        (
            c_str(section_name),
            core::slice::from_raw_parts(e.sect_hdrs, e.sect_cnt as usize),
            core::slice::from_raw_parts(e.mem[mem::SHSTRTAB].cast::<u8>().add(prepad), e.mem_size[mem::SHSTRTAB] - prepad),
        )
    };
    let table = crate::elf::StringTable::new(names);
    for (i, s) in headers.iter().enumerate().skip(1) {
        if table.get(s.sh_name) == Some(want) {
            return i as c_int;
        }
    }
    Error::NoEnt.to_errno()
}

/// Copies the header of section `search_name` of `ext` (`llext_get_section_header`).
#[no_mangle]
pub unsafe extern "C" fn llext_get_section_header(loader: *mut llext_loader, ext: *mut llext, search_name: *const c_char, shdr: *mut elf_shdr_t) -> c_int {
    // SAFETY: forwarded pointers (checked there).
    let idx = unsafe { llext_section_shndx(loader, ext, search_name) };
    if idx < 0 {
        return idx;
    }
    if shdr.is_null() {
        return Error::Inval.to_errno();
    }
    // SAFETY: `idx < sect_cnt` (found above); memory write of the caller's header.
    unsafe { *shdr = *(*ext).sect_hdrs.add(idx as usize) };
    0
}

/// Memory of section `sh_ndx` (`llext_loaded_sect_ptr`, llext_internal.h): needs the
/// section map (during a load, or kept with `keep_section_info`).
#[no_mangle]
pub unsafe extern "C" fn llext_loaded_sect_ptr(ldr: *mut llext_loader, ext: *mut llext, sh_ndx: c_uint) -> *const c_void {
    // SAFETY: memory reads of the caller's loader, extension and section map.
    unsafe {
        let (Some(l), Some(e)) = (ldr.as_ref(), ext.as_ref()) else { return ptr::null() };
        if l.sect_map.is_null() || sh_ndx >= e.sect_cnt {
            return ptr::null();
        }
        let m = *l.sect_map.add(sh_ndx as usize);
        let idx = m.mem_idx as usize;
        match e.mem.get(idx) {
            Some(base) if !base.is_null() => base.cast::<u8>().wrapping_add(m.offset).cast(),
            _ => ptr::null(),
        }
    }
}

/// Gives the LLEXT heap its memory when `CONFIG_LLEXT_HEAP_DYNAMIC` (`llext_heap_init`):
/// `-ENOSYS` with a static heap, `-EEXIST` if already given.
#[no_mangle]
pub unsafe extern "C" fn llext_heap_init(mem_ptr: *mut c_void, bytes: usize) -> c_int {
    let Some(p) = ptr::NonNull::new(mem_ptr.cast::<u8>()) else { return Error::Inval.to_errno() };
    match registry().platform().heap_init(p, bytes) {
        Ok(()) => 0,
        Err(e) => e.to_errno(),
    }
}

/// Split instruction/data heaps (`llext_heap_init_harvard`): Harvard targets are not
/// supported, so `-ENOSYS`.
#[no_mangle]
pub unsafe extern "C" fn llext_heap_init_harvard(_instr_mem: *mut c_void, _instr_bytes: usize, _data_mem: *mut c_void, _data_bytes: usize) -> c_int {
    Error::NoSys.to_errno()
}

/// Fills `*usage` with the LLEXT heap's bytes in use, high-water mark and size (an
/// llext-rs addition to Zephyr's API, on every platform). Returns 0, `-EINVAL` for a
/// NULL `usage`, `-ENOTSUP` where the heap keeps no count (Zephyr without
/// `CONFIG_SYS_HEAP_RUNTIME_STATS`, or a dynamic heap not given yet).
#[no_mangle]
pub unsafe extern "C" fn llext_rs_heap_usage(usage: *mut llext_rs_heap_usage) -> c_int {
    // SAFETY: memory access of the caller's struct (or NULL).
    let Some(out) = (unsafe { usage.as_mut() }) else { return Error::Inval.to_errno() };
    match super::global::platform().heap_usage() {
        Some(u) => {
            *out = llext_rs_heap_usage { used: u.used, max_used: u.max_used, size: u.size };
            0
        }
        None => Error::NotSup.to_errno(),
    }
}

/// Takes the dynamic heap back (`llext_heap_uninit`): `-EBUSY` while an extension is
/// loaded, `-ENOSYS` with a static heap.
#[no_mangle]
pub unsafe extern "C" fn llext_heap_uninit() -> c_int {
    if !registry().is_empty() {
        return Error::Busy.to_errno();
    }
    match registry().platform().heap_uninit() {
        Ok(()) => 0,
        Err(e) => e.to_errno(),
    }
}
