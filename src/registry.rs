//! The registry of loaded extensions: names, use counts, dependencies, symbol
//! resolution against the base image and other extensions, unload.
//!
//! Extensions are `struct llext` objects (C's view) followed by llext-rs's private
//! state in one heap block; the registry links them through `llext.llext_list` as
//! Zephyr does, under the platform's lock.

use core::cell::UnsafeCell;
use core::ffi::c_char;
use core::mem::MaybeUninit;
use core::ptr::{self, NonNull};

use crate::arch::Arch;
use crate::elf::Addr;
use crate::error::{Error, Result};
use crate::ffi::types::{llext, llext_symtable, sys_snode_t, LLEXT_MAX_DEPENDENCIES, LLEXT_MAX_NAME_LEN};
use crate::link::Resolver;
use crate::layout::mem;
use crate::load::{self, Extension, LoadHooks, LoadParams};
// The trait is in scope for the target builds' static `PlatformRef`.
#[cfg_attr(feature = "std", allow(unused_imports))]
use crate::platform::{HeapBlock, MemKind, Platform, PlatformRef};
use crate::source::Source;
use crate::symbols::{find_export, BaseTable, Key, LinkBy};

/// One extension: C's `struct llext` first (so a `*mut llext` is a `*mut ExtBox`),
/// then what only Rust sees.
#[repr(C)]
pub struct ExtBox {
    pub public: llext,
    pub loaded: Extension,
    platform: PlatformRef,
}

impl ExtBox {
    /// Region `index`: write address, run address and size (pre-pad included), from
    /// C's arrays; `None` if it has no memory.
    pub fn region(&self, index: usize) -> Option<(*mut u8, Addr, usize)> {
        let write = self.public.mem.get(index)?.cast::<u8>();
        if write.is_null() {
            return None;
        }
        let size = *self.public.mem_size.get(index)?;
        #[cfg(feature = "std")]
        let run = self.loaded.regions.get(index)?.run;
        #[cfg(not(feature = "std"))]
        let run = write as usize as Addr;
        Some((write, run, size))
    }

    /// Bytes of region `index` after its pre-pad: `(write, run, len)`.
    pub fn region_content(&self, index: usize) -> Option<(*mut u8, Addr, usize)> {
        let (write, run, size) = self.region(index)?;
        let prepad = self.loaded.regions.get(index)?.prepad as usize;
        if size <= prepad {
            return None;
        }
        Some((write.wrapping_add(prepad), run + prepad as Addr, size - prepad))
    }

    /// Regions holding the init (`.preinit_array` then `.init_array`) or fini table.
    fn fn_regions(is_init: bool) -> &'static [usize] {
        if is_init {
            &[mem::PREINIT, mem::INIT]
        } else {
            &[mem::FINI]
        }
    }

    /// Number of init or fini functions.
    pub fn fn_count(&self, is_init: bool) -> usize {
        let ptr = self.loaded.header.class.pointer_size();
        Self::fn_regions(is_init).iter().filter_map(|&r| self.region_content(r)).map(|(_, _, len)| len / ptr).sum()
    }

    /// Run address of init or fini function `index`, checked to lie inside the text
    /// (`Fault` otherwise, as Zephyr's `llext_get_fn_table`).
    pub fn fn_entry(&self, is_init: bool, index: usize) -> Result<Addr> {
        let ptr = self.loaded.header.class.pointer_size();
        let mut skip = index;
        for &r in Self::fn_regions(is_init) {
            let Some((write, _, len)) = self.region_content(r) else { continue };
            let count = len / ptr;
            if skip >= count {
                skip -= count;
                continue;
            }
            // SAFETY: region content owned by (or lent to) this extension.
            let bytes = unsafe { core::slice::from_raw_parts(write, len) };
            let entry = bytes.get(skip * ptr..(skip + 1) * ptr).ok_or(Error::Inval)?;
            let f = crate::elf::addr_le(entry);
            let (_, text_run, text_size) = self.region(mem::TEXT).ok_or(Error::Fault)?;
            if f < text_run || f >= text_run + text_size as Addr {
                crate::error!(c"%s function %lu (0x%lx) outside text", s = if is_init { c"bringup" } else { c"teardown" }.as_ptr(), index, f);
                return Err(Error::Fault);
            }
            return Ok(f);
        }
        Err(Error::Inval)
    }

    /// Number of init or fini functions; with `out`, which must hold them all (`NoMem`
    /// otherwise), also the functions, each checked as by `fn_entry`.
    pub fn fn_table(&self, is_init: bool, out: Option<&mut [usize]>) -> Result<usize> {
        let count = self.fn_count(is_init);
        if let Some(out) = out {
            for (i, slot) in out.get_mut(..count).ok_or(Error::NoMem)?.iter_mut().enumerate() {
                *slot = self.fn_entry(is_init, i)? as usize;
            }
        }
        Ok(count)
    }
}

/// Lock guard over the platform's registry lock.
struct Locked(PlatformRef);

impl Locked {
    fn take(platform: PlatformRef) -> Self {
        platform.lock();
        Locked(platform)
    }
}

impl Drop for Locked {
    fn drop(&mut self) {
        self.0.unlock();
    }
}

/// Loaded extensions and the base image's exports.
pub struct Registry {
    platform: PlatformRef,
    arch: Arch,
    state: UnsafeCell<State>,
}

struct State {
    head: *mut llext,
    base: BaseTable,
}

// SAFETY: `state` is only touched with the platform lock held (see `Locked`).
unsafe impl Sync for Registry {}
// SAFETY: as above; the raw pointers are to heap blocks owned by the registry.
unsafe impl Send for Registry {}

/// `name` as `llext.name` keeps it: its first LLEXT_MAX_NAME_LEN bytes, as Zephyr
/// (which cuts longer names silently; here with a warning). `None` for an empty name
/// or one holding a NUL.
fn kept_name(name: &[u8]) -> Option<&[u8]> {
    if name.is_empty() || name.iter().any(|&b| b == 0) {
        crate::error!(c"extension name must be 1 or more bytes, without NUL");
        return None;
    }
    if name.len() > LLEXT_MAX_NAME_LEN {
        // Not the name itself: a Rust caller's slice need not be NUL-terminated.
        crate::warn!(c"extension name of %lu bytes cut to its first %lu", name.len(), LLEXT_MAX_NAME_LEN);
    }
    Some(name.get(..LLEXT_MAX_NAME_LEN).unwrap_or(name))
}

fn name_of(ext: &llext) -> &[u8] {
    let bytes = ext.name.map(|c| c as u8);
    let len = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    // Same storage, reinterpreted: c_char and u8 have one size.
    // SAFETY: memory read of `len` bytes of the `name` array itself.
    unsafe { core::slice::from_raw_parts(ext.name.as_ptr().cast::<u8>(), len) }
}

impl Registry {
    /// A registry loading for `arch`, linking against `base` exports.
    pub const fn new(platform: PlatformRef, arch: Arch) -> Registry {
        Registry { platform, arch, state: UnsafeCell::new(State { head: ptr::null_mut(), base: BaseTable::empty() }) }
    }

    pub fn platform(&self) -> PlatformRef {
        self.platform
    }

    pub fn arch(&self) -> Arch {
        self.arch
    }

    /// Runs `f` with the registry locked.
    fn with<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        let _guard = Locked::take(self.platform);
        // SAFETY: the lock is held for the whole call and the lock is recursive only
        // for paths that do not re-enter `with` while `f` holds the reference.
        f(unsafe { &mut *self.state.get() })
    }

    /// Sets the base image's export table.
    ///
    /// # Safety
    /// See [`BaseTable::new`].
    pub unsafe fn set_base(&self, entries: &'static [crate::ffi::types::llext_const_symbol], by: LinkBy) {
        // SAFETY: forwarded contract.
        let table = unsafe { BaseTable::new(entries, by) };
        self.with(|s| s.base = table);
    }

    /// Address the base image exports under `key` (`llext_find_sym(NULL, …)`).
    pub fn find_base(&self, key: Key<'_>) -> Option<usize> {
        self.with(|s| s.base.find(key))
    }

    /// How base-image symbols are matched.
    pub fn link_by(&self) -> LinkBy {
        self.with(|s| s.base.link_by())
    }

    /// The extension named `name`, or null.
    pub fn by_name(&self, name: &[u8]) -> *mut llext {
        self.with(|s| Self::find_named(s.head, name))
    }

    fn find_named(head: *mut llext, name: &[u8]) -> *mut llext {
        let mut cur = head;
        while !cur.is_null() {
            // SAFETY: list members are live extensions owned by the registry (lock held).
            let ext = unsafe { &*cur };
            if name_of(ext) == name {
                return cur;
            }
            cur = ext.llext_list.next.cast();
        }
        ptr::null_mut()
    }

    /// Calls `f` for each extension in load order until it returns non-zero; returns
    /// that value or 0 (`llext_iterate`). The lock is held throughout.
    pub fn iterate(&self, mut f: impl FnMut(*mut llext) -> i32) -> i32 {
        let _guard = Locked::take(self.platform);
        // SAFETY: lock held; the list is only read here, and `f` may re-enter the
        // registry (recursive lock) but not unload the extension it is given.
        let mut cur = unsafe { (*self.state.get()).head };
        while !cur.is_null() {
            // SAFETY: live list member (lock held); read `next` before `f` runs.
            let next = unsafe { (*cur).llext_list.next.cast::<llext>() };
            let r = f(cur);
            if r != 0 {
                return r;
            }
            cur = next;
        }
        0
    }

    /// One more use of loaded extension `ext` (a Rust handle's clone); `Inval` if it is
    /// not loaded here.
    // `ext` is only dereferenced after it was found in the list.
    #[allow(clippy::not_unsafe_ptr_arg_deref)]
    pub fn retain(&self, ext: *mut llext) -> Result<()> {
        self.with(|s| {
            if !Self::in_list(s.head, ext) {
                return Err(Error::Inval);
            }
            // SAFETY: live list member (checked above, lock held).
            unsafe { (*ext).use_count += 1 };
            Ok(())
        })
    }

    /// The extension named `name` with one more use, or null.
    pub fn retain_named(&self, name: &[u8]) -> *mut llext {
        self.with(|s| {
            let ext = Self::find_named(s.head, name);
            // SAFETY: live list member (lock held), or null.
            if let Some(e) = unsafe { ext.as_mut() } {
                e.use_count += 1;
            }
            ext
        })
    }

    /// Number of entries in the init (preinit then init) or fini table of `ext`; `None`
    /// if it is not loaded here.
    #[inline(never)]
    pub fn fn_count(&self, ext: *const llext, is_init: bool) -> Option<usize> {
        self.inspect(ext, |b| b.fn_count(is_init))
    }

    /// Entry `i` of the init or fini table of `ext`, checked to lie inside its text.
    #[inline(never)]
    pub fn fn_entry(&self, ext: *const llext, is_init: bool, i: usize) -> Result<usize> {
        self.inspect(ext, |b| b.fn_entry(is_init, i).map(|f| f as usize)).unwrap_or(Err(Error::Inval))
    }

    /// Calls every init (`.preinit_array` then `.init_array`) or fini function of `ext`
    /// in array order, one at a time: no table-sized buffer on the stack, and no lock
    /// held while extension code runs. The extension must be of the machine's own
    /// architecture (`llext_bringup`, `llext_teardown`, the safe API's `bringup`...).
    pub fn call_fn_table(&self, ext: *mut llext, is_init: bool) -> Result<()> {
        let count = self.fn_count(ext, is_init).ok_or(Error::Inval)?;
        for i in 0..count {
            let f = self.fn_entry(ext, is_init, i)?;
            crate::debug!(c"calling %s function 0x%lx", s = if is_init { c"init" } else { c"fini" }.as_ptr(), f);
            // SAFETY: FFI call: an init/fini entry of a native extension, checked to lie
            // in its text region.
            unsafe { core::mem::transmute::<usize, unsafe extern "C" fn()>(f)() };
        }
        Ok(())
    }

    /// True if `ext` is a loaded extension of this registry.
    pub fn contains(&self, ext: *const llext) -> bool {
        self.iterate(|e| i32::from(ptr::eq(e, ext))) != 0
    }

    /// Runs `f` on the private state of loaded extension `ext`; `None` if `ext` is not
    /// loaded here.
    pub fn inspect<R>(&self, ext: *const llext, f: impl FnOnce(&ExtBox) -> R) -> Option<R> {
        let _guard = Locked::take(self.platform);
        if !self.contains(ext) {
            return None;
        }
        // SAFETY: `ext` is a live member of the list (checked under the lock).
        Some(f(unsafe { &*ext.cast::<ExtBox>() }))
    }

    /// Loads an extension (`llext_load`). If `name` is already loaded its use count is
    /// bumped and the previous count returned with it; otherwise the count is 0.
    /// `on_alloc` sees the new extension before it is linked (C's `*ext`).
    pub fn load(
        &self,
        source: &mut dyn Source,
        name: &[u8],
        params: &LoadParams,
        hooks: &mut dyn LoadHooks,
        on_alloc: &mut dyn FnMut(*mut llext),
    ) -> Result<(*mut llext, u32)> {
        let name = kept_name(name).ok_or(Error::Inval)?;
        let _guard = Locked::take(self.platform);
        // SAFETY: lock held for the rest of this function.
        let state = unsafe { &mut *self.state.get() };
        let existing = Self::find_named(state.head, name);
        if !existing.is_null() {
            // SAFETY: live list member, lock held.
            let ext = unsafe { &mut *existing };
            let previous = ext.use_count;
            ext.use_count += 1;
            return Ok((existing, previous));
        }

        // Only the C part is zeroed: `load` writes `loaded` in place field by field and
        // `platform` is written below (zeroing the whole box first was wasted work).
        let block = HeapBlock::unwritten(self.platform, MemKind::Meta, core::mem::size_of::<ExtBox>(), core::mem::align_of::<ExtBox>())?;
        let boxed = block.as_ptr().cast::<ExtBox>();
        // SAFETY: memory write of the `public` field of the block just allocated: `struct
        // llext` is plain C data, valid when zeroed, as Zephyr's loader leaves it.
        unsafe { ptr::addr_of_mut!((*boxed).public).write_bytes(0, 1) };
        // The name first, as Zephyr does: callbacks during the load see it, and messages
        // use this NUL-terminated copy (the caller's slice need not be terminated).
        // SAFETY: memory write of the `name` array of the zeroed `struct llext`, which
        // keeps its last byte NUL (`kept_name` is at most LLEXT_MAX_NAME_LEN bytes).
        let kept = unsafe { &mut *ptr::addr_of_mut!((*boxed).public.name) };
        for (d, s) in kept.iter_mut().zip(name) {
            *d = *s as c_char;
        }
        let name = kept.as_ptr();
        // C callbacks during the load may follow `*ext` to the zeroed public part.
        on_alloc(boxed.cast());

        // Dependencies are recorded straight into the new extension's zeroed
        // `dependency` array (C reads it only after the load).
        // SAFETY: memory access: a field of the block just allocated, referenced by
        // nothing else while the load runs.
        let deps = unsafe { &mut *ptr::addr_of_mut!((*boxed).public.dependency) };
        let mut resolver = Linker { name, base: &state.base, head: state.head, deps, ndeps: 0, overflow: false };
        // SAFETY: memory access: a field of the block just allocated; `load` builds the
        // extension in place there (C only ever touches the `public` field).
        let slot = unsafe { &mut *ptr::addr_of_mut!((*boxed).loaded).cast::<MaybeUninit<Extension>>() };
        // SAFETY: `load`'s contract: `public` is the new extension's
        // `struct llext` in the block just allocated; C reads its region arrays only
        // once the load returns, and the resolver holds only its `dependency` field.
        let result = unsafe { load::load(self.platform, self.arch, source, params, &mut resolver, hooks, slot, ptr::addr_of_mut!((*boxed).public)) };
        if let Err(e) = result {
            on_alloc(ptr::null_mut());
            return Err(e);
        }
        // SAFETY: `load` succeeded: the slot holds the extension.
        let loaded = unsafe { slot.assume_init_ref() };
        // SAFETY: memory writes completing the ExtBox in its own block (its `loaded`
        // field is initialised; `public` is plain C data, zeroed above and valid so, and
        // C holds no reference into it during this call); the block now belongs to the
        // list until unload.
        unsafe {
            Self::publish(&mut *ptr::addr_of_mut!((*boxed).public), loaded);
            ptr::addr_of_mut!((*boxed).platform).write(self.platform);
        }
        // SAFETY: memory read of the array the resolver filled (its borrow ended).
        let deps = unsafe { &*ptr::addr_of!((*boxed).public.dependency) };
        for dep in deps.iter().filter(|d| !d.is_null()) {
            // SAFETY: dependencies are live list members (lock held).
            unsafe { (**dep).use_count += 1 };
        }
        core::mem::forget(block);

        // Append at the tail: load order.
        let node = boxed.cast::<llext>();
        if state.head.is_null() {
            state.head = node;
        } else {
            let mut cur = state.head;
            // SAFETY: walking live list members (lock held).
            unsafe {
                while !(*cur).llext_list.next.is_null() {
                    cur = (*cur).llext_list.next.cast();
                }
                (*cur).llext_list.next = node.cast::<sys_snode_t>();
            }
        }
        crate::info!(c"loaded extension %s", s = name);
        Ok((node, 0))
    }

    /// Fills C's view of a freshly loaded extension, field by field (a whole `llext`
    /// value would be a stack temporary of a few hundred bytes). `dependency`, the
    /// region arrays and `alloc_size` were filled during the load and are left alone.
    #[inline(never)]
    fn publish(public: &mut llext, loaded: &Extension) {
        public.llext_list = sys_snode_t { next: ptr::null_mut() };
        #[cfg(feature = "userspace")]
        {
            public.mem_parts = crate::platform::zephyr::partitions(&public.mem, &public.mem_size, loaded);
        }
        public.sym_tab = llext_symtable { sym_cnt: 0, syms: ptr::null_mut() };
        let exports = loaded.exports();
        public.exp_tab = llext_symtable { sym_cnt: exports.len(), syms: exports.as_ptr().cast_mut() };
        public.use_count = 1;
        public.sect_cnt = loaded.header.shnum as u32;
        // Only meaningful where C's elf_shdr_t has the file's layout.
        let native = Arch::native() == Some(loaded.header.arch);
        public.sect_hdrs = if native { loaded.section_headers.ptr.cast_mut().cast() } else { ptr::null_mut() };
        public.sect_hdrs_on_heap = loaded.section_headers.block.is_some();
        public.mmu_permissions_set = false;
    }

    /// Drops one use of `ext` (`llext_unload`); frees it when none is left. Returns the
    /// remaining use count; `Inval` if `ext` is not loaded in this registry.
    // `ext` is only dereferenced after it was found in the list.
    #[allow(clippy::not_unsafe_ptr_arg_deref)]
    pub fn unload(&self, ext: *mut llext) -> Result<u32> {
        let _guard = Locked::take(self.platform);
        // SAFETY: lock held.
        let state = unsafe { &mut *self.state.get() };
        if !Self::in_list(state.head, ext) {
            return Err(Error::Inval);
        }
        // SAFETY: `ext` is a live list member (checked above, lock held).
        let e = unsafe { &mut *ext };
        if e.use_count > 1 {
            e.use_count -= 1;
            return Ok(e.use_count);
        }
        // Last user: unlink, release dependencies, free.
        if state.head == ext {
            state.head = e.llext_list.next.cast();
        } else {
            let mut cur = state.head;
            // SAFETY: walking live list members (lock held).
            unsafe {
                while !cur.is_null() && (*cur).llext_list.next.cast::<llext>() != ext {
                    cur = (*cur).llext_list.next.cast();
                }
                if !cur.is_null() {
                    (*cur).llext_list.next = e.llext_list.next;
                }
            }
        }
        // Dependencies are released after this extension is gone: each may be freed
        // now if the application already dropped its own reference (Zephyr 4.3 only
        // decrements and asserts, leaking such a provider).
        let deps = e.dependency;
        let boxed = ext.cast::<ExtBox>();
        // SAFETY: `boxed` was completed by `load` and is now unlinked: free its regions
        // (each block with the address and shape the load recorded), drop its Rust
        // state in place (freeing every table) and give its block back.
        unsafe {
            let platform = (*boxed).platform;
            // The regions' own blocks, released to `llext.mem[]` by the load.
            for (r, &write) in (*boxed).loaded.regions.iter().zip((*boxed).public.mem.iter()) {
                r.block.free(platform, write.cast());
            }
            ptr::drop_in_place(ptr::addr_of_mut!((*boxed).loaded));
            if let Some(p) = NonNull::new(boxed.cast::<u8>()) {
                platform.free(MemKind::Meta, p, core::mem::size_of::<ExtBox>(), core::mem::align_of::<ExtBox>());
            }
        }
        for dep in deps.iter().filter(|d| !d.is_null()) {
            // The dependency is still listed: our reference kept it alive.
            let _ = self.unload(*dep);
        }
        Ok(0)
    }

    fn in_list(head: *mut llext, ext: *mut llext) -> bool {
        let mut cur = head;
        while !cur.is_null() {
            if cur == ext {
                return true;
            }
            // SAFETY: live list member (lock held by caller).
            cur = unsafe { (*cur).llext_list.next.cast() };
        }
        false
    }

    /// True if no extension is loaded.
    pub fn is_empty(&self) -> bool {
        self.with(|s| s.head.is_null())
    }
}

/// Resolves a loading extension's imports: base image, then other extensions' export
/// tables (in load order), recording those as dependencies.
struct Linker<'a> {
    /// The extension being linked (for messages): its NUL-terminated `name` field.
    name: *const c_char,
    base: &'a BaseTable,
    head: *mut llext,
    deps: &'a mut [*mut llext; LLEXT_MAX_DEPENDENCIES],
    ndeps: usize,
    overflow: bool,
}

impl Resolver for Linker<'_> {
    fn check(&self) -> Result<()> {
        if self.overflow {
            crate::error!(c"%s links against more than %lu extensions", s = self.name, LLEXT_MAX_DEPENDENCIES);
            return Err(Error::NoMem);
        }
        Ok(())
    }

    fn resolve(&mut self, name: &[u8], slid: Addr) -> Option<Addr> {
        let key = match self.base.link_by() {
            LinkBy::Name => Key::Name(name),
            LinkBy::Slid => Key::Slid(slid as usize),
        };
        if let Some(addr) = self.base.find(key) {
            return Some(addr as Addr);
        }
        let mut cur = self.head;
        while !cur.is_null() {
            // SAFETY: live list member; the registry lock is held for the whole load.
            let ext = unsafe { &*cur.cast::<ExtBox>() };
            if let Some(addr) = find_export(ext.loaded.exports(), name) {
                if !self.deps.iter().take(self.ndeps).any(|&d| d == cur) {
                    match self.deps.get_mut(self.ndeps) {
                        Some(slot) => {
                            *slot = cur;
                            self.ndeps += 1;
                        }
                        None => self.overflow = true,
                    }
                }
                return Some(addr as usize as Addr);
            }
            cur = ext.public.llext_list.next.cast();
        }
        None
    }
}
