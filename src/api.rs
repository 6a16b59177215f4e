//! The safe Rust API: load extensions, look up their symbols, run their init and fini
//! tables and unload them from Rust, over the same pipeline and registry as the C API.
//! An extension loaded from C and one loaded from Rust under the same name are one
//! extension with one use count, so C and Rust code can share it.
//!
//! - [`Loader`] picks the registry: [`Loader::global`] is the C API's (the machine's own
//!   architecture, the base image's `EXPORT_SYMBOL` table); [`Loader::on`] takes any
//!   other, e.g. a host test's registry for a Cortex-M3 emulator.
//! - [`Extension`] holds one use of a loaded extension and drops it when dropped
//!   (`llext_unload`). Everything it offers is on [`ExtensionRef`], which it derefs to.
//! - [`Symbol`] is an exported address tied to the extension's lifetime. Looking it up is
//!   safe; turning it into a function of some signature ([`Symbol::to_fn`]) is the one
//!   `unsafe` step, because the ELF file cannot say what the signature is.
//! - [`LlextError`] is Zephyr's errno as an enum.
//!
//! ```
//! # #[cfg(all(target_arch = "x86_64", target_os = "linux"))] {
//! use llext_rs::{Extension, LoadParams};
//! # extern "C" fn base_add(a: i32, b: i32) -> i32 { a + b }
//! # llext_rs::export_symbol!(base_add);
//! # llext_rs::export_symbol!(printk = libc::printf);
//! # use llext_testkit::{fixtures, Codegen, ElfKind, Flavor};
//! # let elf: &'static [u8] = fixtures::get("hello_world", Flavor::new(Codegen::X86_64Pic, ElfKind::Object)).bytes;
//!
//! // `elf`: an extension built for this machine, in memory that outlives it.
//! let ext = Extension::load("hello", elf, &LoadParams::default())?;
//! let entry = ext.find("test_entry").expect("hello_world exports test_entry");
//! // SAFETY: hello_world.c defines `int test_entry(void)`.
//! let test_entry = unsafe { entry.to_fn::<extern "C" fn() -> i32>() };
//! assert_eq!(test_entry(), 42);
//! drop(ext); // llext_unload
//! # }
//! # Ok::<(), llext_rs::LlextError>(())
//! ```

use core::ffi::{c_char, c_void, CStr};
use core::marker::PhantomData;
use core::ops::{ControlFlow, Deref};
use core::ptr::NonNull;

use crate::arch::Arch;
use crate::elf::StringTable;
use crate::error::Error;
use crate::ffi::types::{llext, llext_symbol, LLEXT_MAX_NAME_LEN};
use crate::layout::mem;
use crate::load::{LoadParams, NoHooks};
// The trait is in scope for the target builds' static `PlatformRef`.
#[cfg_attr(feature = "std", allow(unused_imports))]
use crate::platform::Platform;
pub use crate::platform::HeapUsage;
use crate::registry::{ExtBox, Registry};
use crate::source::{SliceSource, Source, Storage};
use crate::symbols::{find_export, Key};

/// Why a load, a lookup or an init/fini call failed: the negative errno Zephyr's LLEXT
/// returns, as an enum ([`errno`](LlextError::errno) gives the number back).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum LlextError {
    /// Malformed or unsupported ELF content (`-ENOEXEC`): the log says why.
    NotExecutable,
    /// An invalid argument (a bad name, `pre_located` through a safe loader), or the
    /// extension is not loaded (`-EINVAL`).
    InvalidArgument,
    /// The LLEXT heap is exhausted (`-ENOMEM`).
    NoMemory,
    /// No such extension or symbol (`-ENOENT`).
    NotFound,
    /// An undefined symbol the base image and the loaded extensions do not export
    /// (`-ENODATA`).
    UndefinedSymbol,
    /// Not supported by this build or for this file (`-ENOTSUP`).
    NotSupported,
    /// An init or fini entry points outside the extension's text (`-EFAULT`).
    Fault,
    /// Still in use (`-EBUSY`).
    Busy,
    /// Already initialised (`-EEXIST`).
    AlreadyExists,
    /// Not implemented in this configuration (`-ENOSYS`).
    NotImplemented,
    /// No memory partition left (`-ENOSPC`).
    NoSpace,
    /// Any other negative errno (from a C loader callback).
    Other(i32),
}

impl LlextError {
    const TABLE: [(LlextError, Error); 11] = [
        (LlextError::NotExecutable, Error::NoExec),
        (LlextError::InvalidArgument, Error::Inval),
        (LlextError::NoMemory, Error::NoMem),
        (LlextError::NotFound, Error::NoEnt),
        (LlextError::UndefinedSymbol, Error::NoData),
        (LlextError::NotSupported, Error::NotSup),
        (LlextError::Fault, Error::Fault),
        (LlextError::Busy, Error::Busy),
        (LlextError::AlreadyExists, Error::Exist),
        (LlextError::NotImplemented, Error::NoSys),
        (LlextError::NoSpace, Error::NoSpc),
    ];

    /// The negative errno a C caller of Zephyr's LLEXT would get.
    pub fn errno(self) -> i32 {
        match self {
            LlextError::Other(e) => e,
            named => Self::TABLE.iter().find(|(n, _)| *n == named).map_or(Error::Inval, |&(_, e)| e).to_errno(),
        }
    }

    /// The error for negative errno `e` (anything else is [`InvalidArgument`](LlextError::InvalidArgument)).
    pub fn from_errno(e: i32) -> LlextError {
        LlextError::from(Error::from_errno(e))
    }
}

impl From<Error> for LlextError {
    fn from(e: Error) -> LlextError {
        Self::TABLE.iter().find(|&&(_, err)| err == e).map_or(LlextError::Other(e.to_errno()), |&(n, _)| n)
    }
}

impl core::fmt::Display for LlextError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{:?} ({})", self, self.errno())
    }
}

#[cfg(feature = "std")]
impl std::error::Error for LlextError {}

/// Which registry loads go to, and the base image they link against.
#[derive(Clone, Copy)]
pub struct Loader {
    registry: &'static Registry,
}

impl Loader {
    /// The C API's registry: extensions for the machine this runs on, linked against
    /// the image's `EXPORT_SYMBOL` table ([`export_symbol!`](crate::export_symbol) from
    /// Rust). What C loads here, Rust sees, and the other way round.
    pub fn global() -> Loader {
        Loader { registry: crate::ffi::global::registry() }
    }

    /// Loads into `registry` (its platform, architecture and base table), e.g. a host
    /// registry whose extensions run in an emulator.
    pub fn on(registry: &'static Registry) -> Loader {
        Loader { registry }
    }

    /// The registry behind this loader.
    pub fn registry(self) -> &'static Registry {
        self.registry
    }

    /// Loads the ELF file in `elf`, which lives as long as the program (flash, a
    /// `static`): read-only regions without relocations are used in place, the rest is
    /// copied (`LLEXT_STORAGE_PERSISTENT`). If `name` is already loaded, that extension
    /// gets one more use and is returned; `elf` is then not read.
    pub fn load(self, name: &str, elf: &'static [u8], params: &LoadParams) -> Result<Extension, LlextError> {
        self.load_slice(name, SliceSource::new(elf, Storage::Persistent), params)
    }

    /// Loads the ELF file in `elf` and relocates it in place there
    /// (`LLEXT_STORAGE_WRITABLE`): the least heap, and the buffer is the extension's for
    /// good.
    pub fn load_writable(self, name: &str, elf: &'static mut [u8], params: &LoadParams) -> Result<Extension, LlextError> {
        self.load_slice(name, SliceSource::writable(elf), params)
    }

    /// Loads the ELF file in `elf`, which may be dropped afterwards: everything the
    /// extension needs is copied to the heap (`LLEXT_STORAGE_TEMPORARY`).
    pub fn load_copy(self, name: &str, elf: &[u8], params: &LoadParams) -> Result<Extension, LlextError> {
        self.load_slice(name, SliceSource::new(elf, Storage::Temporary), params)
    }

    /// Loads from any [`Source`] (a file system, a network buffer, a custom reader).
    /// Only its `read_at` is used (everything is copied), so a source cannot make the
    /// loader touch memory it does not own; `unsafe` [`load_from_unchecked`](Self::load_from_unchecked)
    /// trusts its `peek` and `storage` too.
    pub fn load_from<S: Source>(self, name: &str, source: &mut S, params: &LoadParams) -> Result<Extension, LlextError> {
        let mut copied = CopiedSource(source);
        // SAFETY: `CopiedSource` exposes no memory (no `peek`) and says `Temporary`:
        // every byte is read into the loader's own blocks.
        unsafe { self.load_unchecked(name, &mut copied, params, false) }
    }

    /// Loads from `source` trusting its storage contract: with `Persistent` or
    /// `Writable` storage the extension keeps pointers into the memory `peek` returns.
    /// Also the only way to load with `params.pre_located`.
    ///
    /// # Safety
    /// `source.peek()` must return memory valid for the length asked, which stays valid
    /// (and, for `Writable`, exclusively the extension's) for as long as `storage()`
    /// promises; with `pre_located`, the file must lie at its link-time addresses in
    /// memory the extension may own.
    pub unsafe fn load_from_unchecked(self, name: &str, source: &mut dyn Source, params: &LoadParams) -> Result<Extension, LlextError> {
        // SAFETY: forwarded contract.
        unsafe { self.load_unchecked(name, source, params, true) }
    }

    fn load_slice(self, name: &str, mut source: SliceSource, params: &LoadParams) -> Result<Extension, LlextError> {
        // SAFETY: the slice's lifetime matches the storage type its constructor chose
        // ('static for in-place storage), and `pre_located` is refused.
        unsafe { self.load_unchecked(name, &mut source, params, false) }
    }

    /// # Safety
    /// As [`load_from_unchecked`](Self::load_from_unchecked); `pre_located` is refused
    /// unless `allow_pre_located`.
    unsafe fn load_unchecked(self, name: &str, source: &mut dyn Source, params: &LoadParams, allow_pre_located: bool) -> Result<Extension, LlextError> {
        if params.pre_located && !allow_pre_located {
            crate::error!(c"pre-located files load only through load_from_unchecked");
            return Err(LlextError::InvalidArgument);
        }
        // The registry logs the name with `%s`: it must be NUL-terminated in memory,
        // as C's names are. Kept as `llext.name` keeps it (a NUL inside is refused there).
        let mut kept = [0u8; LLEXT_MAX_NAME_LEN + 1];
        let len = name.len().min(LLEXT_MAX_NAME_LEN);
        if let (Some(to), Some(from)) = (kept.get_mut(..len), name.as_bytes().get(..len)) {
            to.copy_from_slice(from);
        }
        if name.len() > LLEXT_MAX_NAME_LEN && !name.contains('\0') {
            crate::warn!(c"extension name %s cut to its first %lu bytes", s = kept.as_ptr().cast(), LLEXT_MAX_NAME_LEN);
        }
        let name = if name.contains('\0') { name.as_bytes() } else { kept.get(..len).unwrap_or_default() };
        let (ext, _previous) = self.registry.load(source, name, params, &mut NoHooks, &mut |_| {})?;
        let ext = NonNull::new(ext).ok_or(LlextError::InvalidArgument)?;
        Ok(Extension::owning(self.registry, ext))
    }

    /// The loaded extension `name`, with one more use (`llext_by_name`, plus the use
    /// that keeps it loaded while the handle lives).
    pub fn get(self, name: &str) -> Option<Extension> {
        let ext = NonNull::new(self.registry.retain_named(name.as_bytes()))?;
        Some(Extension::owning(self.registry, ext))
    }

    /// Calls `f` for each loaded extension, in load order, until it breaks
    /// (`llext_iterate`). The registry is locked meanwhile: `f` may look extensions up
    /// and load others, but not unload the one it is given.
    ///
    /// ```
    /// use core::ops::ControlFlow;
    /// use llext_rs::Loader;
    ///
    /// // The first extension exporting `test_entry`, as an owning handle.
    /// let mut found = None;
    /// Loader::global().for_each(|ext| {
    ///     if ext.find("test_entry").is_none() {
    ///         return ControlFlow::Continue(());
    ///     }
    ///     found = ext.to_extension();
    ///     ControlFlow::Break(())
    /// });
    /// # assert!(found.is_none()); // nothing is loaded in this example
    /// ```
    pub fn for_each(self, mut f: impl FnMut(&ExtensionRef) -> ControlFlow<()>) -> ControlFlow<()> {
        let registry = self.registry;
        let broke = registry.iterate(|ext| {
            let Some(ext) = NonNull::new(ext) else { return 0 };
            i32::from(f(&ExtensionRef { registry, ext }).is_break())
        });
        if broke != 0 {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    }

    /// Address of `name` in the base image's export table (`llext_find_sym(NULL, name)`);
    /// `None` in SLID-linking builds, whose table has no names (see [`base_symbol_by_slid`](Self::base_symbol_by_slid)).
    pub fn base_symbol(self, name: &str) -> Option<*const c_void> {
        match self.registry.link_by() {
            crate::symbols::LinkBy::Name => self.registry.find_base(Key::Name(name.as_bytes())).map(|a| a as *const c_void),
            crate::symbols::LinkBy::Slid => None,
        }
    }

    /// What the registry's heap holds: bytes in use, high-water mark, size
    /// (`llext_rs_heap_usage()`); `None` where the platform keeps no count (Zephyr
    /// without `CONFIG_SYS_HEAP_RUNTIME_STATS`).
    pub fn heap_usage(self) -> Option<HeapUsage> {
        self.registry.platform().heap_usage()
    }

    /// Address of the base-image export with SLID `slid` (SLID-linking builds).
    pub fn base_symbol_by_slid(self, slid: usize) -> Option<*const c_void> {
        match self.registry.link_by() {
            crate::symbols::LinkBy::Slid => self.registry.find_base(Key::Slid(slid)).map(|a| a as *const c_void),
            crate::symbols::LinkBy::Name => None,
        }
    }
}

/// Reads a [`Source`] through `read_at` only: no memory of the source is kept or
/// patched, whatever its `peek` and `storage` would say.
struct CopiedSource<'s, S: Source>(&'s mut S);

impl<S: Source> Source for CopiedSource<'_, S> {
    fn prepare(&mut self) -> crate::error::Result<()> {
        self.0.prepare()
    }
    fn read_at(&mut self, offset: crate::elf::Addr, out: &mut [u8]) -> crate::error::Result<()> {
        self.0.read_at(offset, out)
    }
    fn peek(&mut self, _offset: crate::elf::Addr, _len: usize) -> Option<*mut u8> {
        None
    }
    fn file_len(&self) -> Option<crate::elf::Addr> {
        self.0.file_len()
    }
    fn storage(&self) -> Storage {
        Storage::Temporary
    }
    fn finalize(&mut self) {
        self.0.finalize()
    }
}

/// One use of a loaded extension: dropping it is `llext_unload` (the extension is freed
/// when its last user, C or Rust, lets go). Its methods are [`ExtensionRef`]'s.
pub struct Extension {
    inner: ExtensionRef,
}

// SAFETY: the handle is a registry pointer and an extension pointer; every access to the
// extension's state goes through the registry lock, and the extension stays allocated
// while this use is held.
unsafe impl Send for Extension {}
// SAFETY: as above; `&Extension` only reads through the registry lock.
unsafe impl Sync for Extension {}

impl Extension {
    /// The handle of a use of `ext` the caller already holds (a load, a retain).
    fn owning(registry: &'static Registry, ext: NonNull<llext>) -> Extension {
        Extension { inner: ExtensionRef { registry, ext } }
    }

    /// Loads into the global registry: [`Loader::global().load(…)`](Loader::load).
    pub fn load(name: &str, elf: &'static [u8], params: &LoadParams) -> Result<Extension, LlextError> {
        Loader::global().load(name, elf, params)
    }

    /// Takes over a use of an extension loaded by C code (`llext_load` into the global
    /// registry): dropping the handle is that use's `llext_unload`.
    ///
    /// # Safety
    /// `ext` must be an extension loaded in the global registry, and the caller gives
    /// up one use it holds (it must not `llext_unload` it for this use again).
    pub unsafe fn from_raw(ext: *mut llext) -> Option<Extension> {
        let ext = NonNull::new(ext)?;
        let registry = crate::ffi::global::registry();
        registry.contains(ext.as_ptr()).then_some(Extension::owning(registry, ext))
    }

    /// Hands this use to C: the pointer is what `llext_load` would have returned, and C
    /// must `llext_unload` it once.
    pub fn into_raw(self) -> *mut llext {
        let ext = self.inner.ext.as_ptr();
        core::mem::forget(self);
        ext
    }
}

impl Deref for Extension {
    type Target = ExtensionRef;
    fn deref(&self) -> &ExtensionRef {
        &self.inner
    }
}

impl Clone for Extension {
    /// One more use of the same extension.
    fn clone(&self) -> Extension {
        // A live handle holds a use, so the extension is listed and retaining it cannot fail.
        let _ = self.inner.registry.retain(self.inner.ext.as_ptr());
        Extension::owning(self.inner.registry, self.inner.ext)
    }
}

impl Drop for Extension {
    fn drop(&mut self) {
        // As `llext_unload`: deferred log messages may point into the extension.
        let registry = self.inner.registry;
        registry.platform().flush_logs();
        // `Inval` only if C unloaded this use behind the handle's back: nothing to free.
        let _ = registry.unload(self.inner.ext.as_ptr());
    }
}

impl core::fmt::Debug for Extension {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Extension").field("name", &self.name()).field("use_count", &self.use_count()).finish()
    }
}

/// A loaded extension, borrowed: from an [`Extension`] or during [`Loader::for_each`].
/// Never owned (it holds no use), so it cannot outlive the extension.
pub struct ExtensionRef {
    registry: &'static Registry,
    ext: NonNull<llext>,
}

/// The memory regions of an extension (`enum llext_mem`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RegionKind {
    Text,
    Data,
    Rodata,
    Bss,
    Export,
    Symtab,
    Strtab,
    Shstrtab,
    Preinit,
    Init,
    Fini,
}

impl RegionKind {
    /// Every region, in `enum llext_mem` order.
    pub const ALL: [RegionKind; mem::COUNT] = [
        RegionKind::Text,
        RegionKind::Data,
        RegionKind::Rodata,
        RegionKind::Bss,
        RegionKind::Export,
        RegionKind::Symtab,
        RegionKind::Strtab,
        RegionKind::Shstrtab,
        RegionKind::Preinit,
        RegionKind::Init,
        RegionKind::Fini,
    ];

    /// `LLEXT_MEM_*` value.
    pub fn index(self) -> usize {
        self as usize
    }
}

/// Where a region (or a section) of a loaded extension lies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Placement {
    /// Host pointer to the bytes (what `llext.mem[]` holds, after the alignment pre-pad).
    pub ptr: *const u8,
    /// Address the extension's code sees them at: `ptr` on a target; on a host whose
    /// extensions run in an emulator, the emulator's address.
    pub run: usize,
    /// Bytes (a BSS's too: its memory is zeroed).
    pub size: usize,
}

/// A section of a loaded extension (needs `keep_section_info`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SectionInfo {
    /// Section header index.
    pub index: usize,
    /// The region holding it; `None` for a detached section.
    pub region: Option<RegionKind>,
    pub placement: Placement,
}

impl ExtensionRef {
    /// Runs `f` on the extension's state under the registry lock; `None` if it is no
    /// longer loaded (C unloaded a use it did not own).
    fn with<R>(&self, f: impl FnOnce(&ExtBox) -> R) -> Option<R> {
        self.registry.inspect(self.ext.as_ptr(), f)
    }

    /// The name it was loaded under (at most 15 bytes, as `llext.name`).
    pub fn name(&self) -> &CStr {
        // SAFETY: memory read of the extension's `name` array, which lives while `self`
        // is borrowed (a held use, or the iteration's lock) and always holds a NUL (16
        // bytes, at most 15 of them written, zeroed first).
        unsafe { CStr::from_ptr(core::ptr::addr_of!((*self.ext.as_ptr()).name).cast::<c_char>()) }
    }

    /// Users of the extension, C and Rust (`llext.use_count`).
    pub fn use_count(&self) -> u32 {
        self.with(|b| b.public.use_count).unwrap_or(0)
    }

    /// The C view (`struct llext *`), for C code that takes one; the handle keeps its use.
    pub fn as_raw(&self) -> *mut llext {
        self.ext.as_ptr()
    }

    /// One more use of this extension, as an owning handle.
    pub fn to_extension(&self) -> Option<Extension> {
        self.registry.retain(self.ext.as_ptr()).ok()?;
        Some(Extension::owning(self.registry, self.ext))
    }

    /// The export table (`llext.exp_tab`).
    fn export_table(&self) -> &[llext_symbol] {
        let table = self.with(|b| b.public.exp_tab).filter(|t| !t.syms.is_null());
        match table {
            // SAFETY: memory read of the extension's own export table (`sym_cnt` entries
            // in its heap block), which lives while `self` is borrowed.
            Some(t) => unsafe { core::slice::from_raw_parts(t.syms, t.sym_cnt) },
            None => &[],
        }
    }

    /// The exported symbol `name` (`llext_find_sym(&ext->exp_tab, name)`).
    pub fn find(&self, name: &str) -> Option<Symbol<'_>> {
        let addr = find_export(self.export_table(), name.as_bytes())?;
        Some(Symbol { addr: NonNull::new(addr)?, _ext: PhantomData })
    }

    /// Every exported symbol, with its name, in export-table order.
    pub fn exports(&self) -> impl Iterator<Item = (&CStr, Symbol<'_>)> + '_ {
        self.export_table().iter().filter_map(|s| {
            let addr = NonNull::new(s.addr)?;
            // SAFETY: export names are NUL-terminated strings in the extension's own
            // regions (checked when the table was built), alive while `self` is borrowed.
            let name = unsafe { CStr::from_ptr(s.name) };
            Some((name, Symbol { addr, _ext: PhantomData }))
        })
    }

    /// Region `kind`'s content, if the extension has one (`llext.mem[]`, `mem_size[]`).
    pub fn region(&self, kind: RegionKind) -> Option<Placement> {
        let (write, run, size) = self.with(|b| b.region_content(kind.index()))??;
        Some(Placement { ptr: write.cast_const(), run: run as usize, size })
    }

    /// Every region with content, in `enum llext_mem` order.
    pub fn regions(&self) -> impl Iterator<Item = (RegionKind, Placement)> + '_ {
        RegionKind::ALL.into_iter().filter_map(|kind| Some((kind, self.region(kind)?)))
    }

    /// Every block of memory holding the extension's loaded bytes, at its run address:
    /// each region (a copied one's whole heap block, which also holds the GOT entries
    /// and veneers after the text) or, for a shared library, its one image and its
    /// tables. What a host copies into an emulator to run the extension there.
    pub fn memory(&self) -> impl Iterator<Item = Placement> + '_ {
        (0..=mem::COUNT).filter_map(move |i| self.with(|b| memory_block(b, i)).flatten())
    }

    /// Section `name` (`llext_section_shndx` and `llext_loaded_sect_ptr` in one), when
    /// the extension was loaded with `keep_section_info`; `None` otherwise or when no
    /// loaded section has that name.
    pub fn section(&self, name: &str) -> Option<SectionInfo> {
        self.with(|b| section_named(b, name.as_bytes()))?
    }

    /// Runs `.preinit_array` then `.init_array` (`llext_bringup`). The functions run in
    /// the calling thread (under Zephyr user mode, use C's `llext_bringup`, a system
    /// call); `NotSupported` for an extension of another architecture.
    pub fn bringup(&self) -> Result<(), LlextError> {
        self.run_fn_table(true)
    }

    /// Runs `.fini_array` (`llext_teardown`).
    pub fn teardown(&self) -> Result<(), LlextError> {
        self.run_fn_table(false)
    }

    /// Init functions, `entry()`, fini functions (`llext_bootstrap`); `entry` does not
    /// run if an init function entry is bad.
    pub fn bootstrap<R>(&self, entry: impl FnOnce() -> R) -> Result<R, LlextError> {
        self.bringup()?;
        let r = entry();
        self.teardown()?;
        Ok(r)
    }

    fn run_fn_table(&self, is_init: bool) -> Result<(), LlextError> {
        if Arch::native() != Some(self.registry.arch()) {
            return Err(LlextError::NotSupported);
        }
        self.registry.call_fn_table(self.ext.as_ptr(), is_init).map_err(LlextError::from)
    }

    /// Adds the extension's memory partitions to `domain` (`llext_add_domain`).
    ///
    /// # Safety
    /// `domain` must be an initialised `struct k_mem_domain`.
    #[cfg(feature = "userspace")]
    pub unsafe fn add_domain(&self, domain: *mut c_void) -> Result<(), LlextError> {
        // SAFETY: platform call with this live extension and the caller's domain.
        match unsafe { crate::platform::zephyr::add_domain(self.ext.as_ptr(), domain) } {
            0 => Ok(()),
            e => Err(LlextError::from_errno(e)),
        }
    }
}

impl core::fmt::Debug for ExtensionRef {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ExtensionRef").field("name", &self.name()).finish()
    }
}

/// Memory block `i` of [`ExtensionRef::memory`]: region `i`, or (`mem::COUNT`) a shared
/// library's image.
fn memory_block(b: &ExtBox, i: usize) -> Option<Placement> {
    #[cfg(feature = "elf-shared")]
    if let Some(image) = b.loaded.image.block.as_ref() {
        if i == mem::COUNT {
            return Some(Placement { ptr: image.as_ptr().cast_const(), run: b.loaded.image.run_base as usize, size: image.size() });
        }
        if i < mem::SYMTAB {
            return None; // windows of the image
        }
    }
    let (write, run, size) = b.region(i)?;
    let block = b.loaded.regions.get(i)?.block.size();
    Some(Placement { ptr: write.cast_const(), run: run as usize, size: size.max(block) })
}

/// Section `name` of a loaded extension, from its kept section map.
fn section_named(b: &ExtBox, name: &[u8]) -> Option<SectionInfo> {
    let places = b.loaded.places.as_ref()?.as_slice();
    let (names, _, names_len) = b.region_content(mem::SHSTRTAB)?;
    // SAFETY: memory read of the extension's section-name region, alive while `b` is.
    let names = StringTable::new(unsafe { core::slice::from_raw_parts(names, names_len) });
    let sections = b.loaded.sections();
    let (index, s) = sections.iter().find(|(_, s)| names.is(s.name, name))?;
    let p = places.get(index).filter(|p| p.is_loaded())?;
    let size = usize::try_from(s.size).ok()?;
    if p.detached {
        // In place in the loader's buffer, at its file offset.
        let placement = Placement { ptr: core::ptr::null(), run: 0, size };
        return Some(SectionInfo { index, region: None, placement });
    }
    let region = usize::from(p.region);
    let (write, run, _) = b.region(region)?;
    let placement = Placement { ptr: write.wrapping_add(p.offset).cast_const(), run: run as usize + p.offset, size };
    Some(SectionInfo { index, region: RegionKind::ALL.get(region).copied(), placement })
}

/// An exported address of a loaded extension, valid while the extension (`'e`) is
/// borrowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Symbol<'e> {
    addr: NonNull<c_void>,
    _ext: PhantomData<&'e ExtensionRef>,
}

impl<'e> Symbol<'e> {
    /// The address the extension's code sees (a function's has the Thumb bit on ARM).
    pub fn addr(self) -> *const c_void {
        self.addr.as_ptr()
    }

    /// The symbol as a function pointer of type `F` (an `extern "C" fn(…) -> …`).
    ///
    /// # Safety
    /// The symbol must be a function of exactly that signature and ABI, loaded for the
    /// machine this runs on ([`Loader::global`]), and the returned pointer must not be
    /// called once the extension is unloaded (`F` carries no lifetime).
    pub unsafe fn to_fn<F: Copy>(self) -> F {
        const { assert!(core::mem::size_of::<F>() == core::mem::size_of::<*const c_void>(), "F must be a function pointer type") };
        // SAFETY: same size (checked at compile time); the caller vouches that the
        // address is a function of type `F`.
        unsafe { core::mem::transmute_copy::<*const c_void, F>(&self.addr()) }
    }

    /// The symbol as a reference to a `T` of the extension.
    ///
    /// # Safety
    /// The symbol must be an object of type `T` in this machine's memory, properly
    /// aligned, not written by anyone while the reference lives.
    pub unsafe fn as_ref<T>(self) -> &'e T {
        // SAFETY: the caller vouches for type, alignment and aliasing; the memory is
        // the extension's, alive for `'e`.
        unsafe { &*self.addr().cast::<T>() }
    }
}

/// Exports a Rust item of the application (the base image) to extensions, as C's
/// `EXPORT_SYMBOL` does: `export_symbol!(name)` exports item `name` under its own name,
/// `export_symbol!(name = path)` exports `path` under `name`. Works for functions
/// (`extern "C"`); `export_symbol!(static name)` (or `static name = path`) exports a
/// static's address.
///
/// ```
/// extern "C" fn base_add(a: i32, b: i32) -> i32 { a + b }
/// llext_rs::export_symbol!(base_add);
/// # #[cfg(unix)]
/// llext_rs::export_symbol!(printk = libc::printf);
/// static BASE_COUNTER: core::sync::atomic::AtomicI32 = core::sync::atomic::AtomicI32::new(0);
/// llext_rs::export_symbol!(static base_counter = BASE_COUNTER);
/// ```
///
/// Not for SLID-linking builds, whose table is post-processed from C's entries.
#[macro_export]
macro_rules! export_symbol {
    ($($args:tt)*) => {
        $crate::__export_symbol!($($args)*);
    };
}

/// Hosted: one section, bounded by `__start_`/`__stop_` (c/host_exports.c).
#[cfg(all(feature = "std", not(feature = "slid")))]
#[doc(hidden)]
#[macro_export]
macro_rules! __export_symbol {
    ($($args:tt)*) => {
        $crate::__extension::export_in!(one "llext_rs_exports"; $($args)*);
    };
}

/// Zephyr and bare metal: a section per symbol, which the linker script sorts by name.
#[cfg(all(not(feature = "std"), not(feature = "slid")))]
#[doc(hidden)]
#[macro_export]
macro_rules! __export_symbol {
    ($($args:tt)*) => {
        $crate::__extension::export_in!(per_symbol "._llext_const_symbol.static."; $($args)*);
    };
}

#[cfg(feature = "slid")]
#[doc(hidden)]
#[macro_export]
macro_rules! __export_symbol {
    ($($args:tt)*) => {
        ::core::compile_error!("export_symbol! does not support SLID linking: export from C with EXPORT_SYMBOL");
    };
}

/// The entry layout `export_symbol!` emits is C's `struct llext_const_symbol`.
const _: () = assert!(core::mem::size_of::<llext_extension::ExportEntry>() == core::mem::size_of::<crate::ffi::types::llext_const_symbol>());
