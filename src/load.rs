//! The load pipeline, top to bottom: parse (validated views) → layout (regions) → link
//! (symbols, relocations) → exports. Produces a [`Loaded`] extension; every allocation
//! is owned by it (or by a guard on the way), so a failed load frees everything.

use crate::arch::Arch;
use core::mem::MaybeUninit;

use crate::elf::{is_native_section_layout, Addr, Header, Section, SectionTable, StringTable, SymbolTable, MAX_HEADER_SIZE, STB_GLOBAL, STT_FUNC, STT_OBJECT};
use crate::error::{Error, Result};
use crate::ffi::types::{llext, llext_symbol};
use crate::layout::{self, mem, Image, MaterializeInput, PlanInput, RegionMem, RegionPlan, SectionPlace};
use crate::link::{self, LinkInput, Resolver};
// The trait is in scope for the target builds' static `PlatformRef`.
#[cfg_attr(feature = "std", allow(unused_imports))]
use crate::platform::{Access, BlockShape, HeapArray, HeapBlock, MemKind, Platform, PlatformRef};
use crate::source::{Source, Storage};

/// Options of one load (`struct llext_load_param`, plus build-time choices).
#[derive(Clone, Copy, Debug)]
pub struct LoadParams {
    /// Apply relocations (`relocate_local`).
    pub relocate_local: bool,
    /// Use the file's link-time addresses; the application placed it (`pre_located`).
    pub pre_located: bool,
    /// Keep the section map for the inspection API (`keep_section_info`).
    pub keep_section_info: bool,
    /// Export every global function and object, not just `.exported_sym`
    /// (`CONFIG_LLEXT_IMPORT_ALL_GLOBALS`).
    pub export_all_globals: bool,
}

impl Default for LoadParams {
    /// `LLEXT_LOAD_PARAM_DEFAULT`.
    fn default() -> Self {
        LoadParams { relocate_local: true, pre_located: false, keep_section_info: false, export_all_globals: cfg!(feature = "import-all-globals") }
    }
}

/// What C callbacks may look at while a load is under way.
pub struct EarlyView {
    /// Section headers in the file's native layout.
    pub section_headers: *const u8,
    pub section_count: usize,
    /// The section-name table region.
    pub shstrtab: *const u8,
    pub shstrtab_size: usize,
    /// Its region descriptor (`ldr->sects[LLEXT_MEM_SHSTRTAB]`): offset and size include
    /// the pre-pad, `info` holds its length.
    pub shstrtab_desc: crate::elf::Section,
}

/// Callbacks into the caller during a load.
pub trait LoadHooks {
    /// Section headers and names are available (before `is_detached` is first asked).
    fn sections_ready(&mut self, _view: &EarlyView) {}
    /// Whether `is_detached` may ever say yes (a `section_detached` callback was
    /// given): if not, it is never asked.
    fn detaches(&self) -> bool {
        false
    }
    /// `section_detached`: keep section `index` (raw header `header`) out of the regions.
    fn is_detached(&mut self, _index: usize, _header: &[u8]) -> bool {
        false
    }
    /// The load succeeded: last look at its working state (region plans, section map)
    /// before only the extension's own part is kept. May take `places`.
    fn finished(&mut self, _loaded: &mut Loaded) {}
}

/// No callbacks.
pub struct NoHooks;
impl LoadHooks for NoHooks {}

/// Section header table memory: in the loader buffer, or copied.
pub struct HeaderTable {
    /// The table as in the file (what C's `sect_hdrs` and callbacks see).
    pub ptr: *const u8,
    pub len: usize,
    pub block: Option<HeapBlock>,
    /// The same headers as `Section`s: `ptr` itself when the file's layout is native,
    /// else `decoded`.
    sections: *const Section,
    count: usize,
    #[cfg(feature = "arch-x86_64")]
    _decoded: Option<HeapArray<Section>>,
}

impl HeaderTable {
    pub fn bytes(&self) -> &[u8] {
        // SAFETY: `ptr..ptr+len` is either this table's own heap block or a loader
        // buffer whose storage type promises it outlives the extension.
        unsafe { core::slice::from_raw_parts(self.ptr, self.len) }
    }

    /// No table (what is left in the working state once the extension took it).
    fn empty() -> HeaderTable {
        let sections = core::ptr::NonNull::<Section>::dangling().as_ptr().cast_const();
        HeaderTable { ptr: core::ptr::null(), len: 0, block: None, sections, count: 0, #[cfg(feature = "arch-x86_64")] _decoded: None }
    }

    /// The headers as `Section`s.
    pub fn sections(&self) -> &[Section] {
        // SAFETY: `sections` points at `count` `Section`s, aligned for them (checked by
        // `read_header_table`), in this table's memory or its `decoded` copy, which live
        // as long as `self`.
        unsafe { core::slice::from_raw_parts(self.sections, self.count) }
    }
}

/// The working state of one load: region plans and memories, the section map, the
/// header. It lives in a heap block of its own for the length of the load; `keep`
/// moves what the extension needs afterwards into its `Extension`.
pub struct Loaded {
    pub header: Header,
    /// The ELF header bytes as in the file.
    pub header_raw: [u8; MAX_HEADER_SIZE],
    pub section_headers: HeaderTable,
    pub regions: [RegionPlan; mem::COUNT],
    pub mems: [RegionMem; mem::COUNT],
    pub places: Option<HeapArray<SectionPlace>>,
    /// Section indices in file order (`pack-regions`: the first `shnum` entries, the rest
    /// was the merge's scratch), until the layout is planned.
    pub file_order: Option<HeapArray<u16>>,
    /// The symbol table the load links with (found by validation).
    pub symtab: usize,
    pub image: Image,
    pub exports: Option<HeapArray<llext_symbol>>,
    /// Heap bytes accounted to this extension (`alloc_size`).
    pub alloc_size: usize,
}

impl Loaded {
    pub fn sections(&self) -> SectionTable<'_> {
        SectionTable::new(self.section_headers.sections(), self.header.class)
    }
}

/// What a loaded extension keeps of one region besides C's view of it (`llext.mem[]`,
/// `mem_size[]`, `mem_on_heap[]`, which `keep` fills and which hold its address and
/// size from then on).
#[derive(Clone, Copy, Debug, Default)]
pub struct KeptRegion {
    /// Alignment pre-pad before the first section.
    pub prepad: u32,
    /// The region's own heap block (none if used in place or inside the `ET_DYN`
    /// image), released to `llext.mem[]`: freed by the registry at unload.
    pub block: BlockShape,
    /// Run address of the region start. Only a host running extensions in an emulator
    /// tells it from the write address; on targets extensions run where they lie (a
    /// pre-located file lies at its link address), as in Zephyr.
    #[cfg(feature = "std")]
    pub run: Addr,
}

/// A loaded and linked extension: what stays allocated until it is unloaded, besides
/// the region memory C's `struct llext` records (see [`KeptRegion`]).
pub struct Extension {
    pub header: Header,
    pub section_headers: HeaderTable,
    pub regions: [KeptRegion; mem::COUNT],
    /// Bytes after the text content reserved for GOT entries and veneers (host builds
    /// only, for tests that inspect the layout; the loader needs it no more).
    #[cfg(feature = "std")]
    pub text_aux: usize,
    /// Run address of the GOT (`_GLOBAL_OFFSET_TABLE_`), after the text (host builds
    /// only, as `text_aux`).
    #[cfg(feature = "std")]
    pub got_base: Addr,
    #[cfg(feature = "elf-shared")]
    pub image: Image,
    /// The section map, with `keep_section_info` (unless a hook took it).
    pub places: Option<HeapArray<SectionPlace>>,
    pub exports: Option<HeapArray<llext_symbol>>,
}

impl Extension {
    pub fn sections(&self) -> SectionTable<'_> {
        SectionTable::new(self.section_headers.sections(), self.header.class)
    }

    /// Exported symbols, in `.exported_sym` (or symbol table) order.
    pub fn exports(&self) -> &[llext_symbol] {
        self.exports.as_ref().map_or(&[], |e| e.as_slice())
    }
}

/// Loads the ELF file behind `source` for `arch` into `out`, which is initialised on
/// success and left uninitialised (everything freed) on error. The caller must hold
/// the registry lock when `resolver` looks at other extensions.
///
/// The load's working state is built in place in a heap block of its own (not on the
/// stack: the region plans alone are ~600 B), and the stages run one after another from
/// here, each in its own frame, with their state there: the load's stack peak is this
/// frame plus the deepest stage, not the sum of all of them. Only what the extension
/// needs once loaded moves into `out` (the extension's own block) and, for its regions,
/// into C's `mem[]`, `mem_size[]` and `mem_on_heap[]` of `public` (the new extension's
/// `struct llext`, whose other fields the load leaves alone); the rest is freed.
///
/// # Safety
/// `public` must point to a `struct llext` that lives through the call, whose region
/// arrays nothing else refers to meanwhile.
#[allow(clippy::too_many_arguments)] // the load's inputs and its two outputs
pub unsafe fn load(
    platform: PlatformRef,
    arch: Arch,
    source: &mut dyn Source,
    params: &LoadParams,
    resolver: &mut dyn Resolver,
    hooks: &mut dyn LoadHooks,
    out: &mut MaybeUninit<Extension>,
    public: *mut llext,
) -> Result<()> {
    let scratch = HeapBlock::unwritten(platform, MemKind::Meta, core::mem::size_of::<Loaded>(), core::mem::align_of::<Loaded>())?;
    // SAFETY: memory access: the block just allocated, sized and aligned for a `Loaded`
    // and owned by this function, viewed as not yet initialised.
    let slot = unsafe { &mut *scratch.as_ptr().cast::<MaybeUninit<Loaded>>() };
    source.prepare()?;
    let result = match parse(platform, arch, source, slot) {
        Ok(loaded) => {
            let result = fill(loaded, platform, source, params, resolver, hooks).and_then(|()| resolver.check());
            if result.is_ok() {
                hooks.finished(loaded);
                // SAFETY: forwarded contract on `public`.
                unsafe { keep(loaded, out, public) };
            }
            // SAFETY: `loaded` was initialised by `parse` and is not used after this;
            // what `keep` moved out was replaced by empty values.
            unsafe { core::ptr::drop_in_place(loaded) };
            result
        }
        Err(e) => Err(e),
    };
    source.finalize();
    result
}

/// Moves what a loaded extension keeps out of the working state: region memory into
/// C's arrays, the rest into `out`, field by field (as one value it would be a stack
/// temporary of a few hundred bytes).
///
/// # Safety
/// As [`load`] for `public`.
#[inline(never)]
unsafe fn keep(loaded: &mut Loaded, out: &mut MaybeUninit<Extension>, public: *mut llext) {
    let p = out.as_mut_ptr();
    #[cfg(feature = "std")]
    let (text_aux, got_base) = (loaded.regions.get(mem::TEXT).map_or(0, RegionPlan::aux), link::got_base(&loaded.header, &loaded.mems));
    #[cfg(feature = "elf-shared")]
    let image = loaded.image.block.is_some();
    #[cfg(not(feature = "elf-shared"))]
    let image = false;
    // SAFETY: memory writes: every field of `*p` is written exactly once through raw
    // field pointers; the region array gets one value per element (both arrays have
    // `mem::COUNT`). `public` is the new extension's `struct llext` (`load`'s contract):
    // only its region arrays are referenced, which nothing else refers to meanwhile.
    unsafe {
        core::ptr::addr_of_mut!((*p).header).write(loaded.header);
        core::ptr::addr_of_mut!((*p).section_headers).write(core::mem::replace(&mut loaded.section_headers, HeaderTable::empty()));
        let kept = core::ptr::addr_of_mut!((*p).regions).cast::<KeptRegion>();
        let (c_mem, c_size, c_on_heap) = (&mut (*public).mem, &mut (*public).mem_size, &mut (*public).mem_on_heap);
        let c_arrays = c_mem.iter_mut().zip(c_size.iter_mut()).zip(c_on_heap.iter_mut());
        for (i, ((m, plan), ((c_mem, c_size), c_on_heap))) in loaded.mems.iter_mut().zip(loaded.regions.iter()).zip(c_arrays).enumerate() {
            // A copied region's block starts at `m.write`.
            let write = m.write;
            let block = m.block.take().map_or(BlockShape::default(), HeapBlock::release);
            kept.add(i).write(KeptRegion {
                prepad: plan.desc.info,
                block,
                #[cfg(feature = "std")]
                run: m.run,
            });
            *c_mem = write.cast();
            *c_size = m.size;
            // Image regions are on the heap too, inside the image's block.
            *c_on_heap = block.size() != 0 || (image && !write.is_null() && !matches!(i, mem::SYMTAB | mem::STRTAB | mem::SHSTRTAB));
        }
        #[cfg(feature = "std")]
        core::ptr::addr_of_mut!((*p).text_aux).write(text_aux);
        #[cfg(feature = "std")]
        core::ptr::addr_of_mut!((*p).got_base).write(got_base);
        #[cfg(feature = "elf-shared")]
        core::ptr::addr_of_mut!((*p).image).write(core::mem::take(&mut loaded.image));
        core::ptr::addr_of_mut!((*p).places).write(loaded.places.take());
        core::ptr::addr_of_mut!((*p).exports).write(loaded.exports.take());
        // The heap bytes accounted to the extension are C's to read (and to lower, when
        // the section map is freed).
        (*public).alloc_size = loaded.alloc_size;
    }
}

/// Parse: the ELF header and the validated section header table, into a fresh `out`.
#[inline(never)]
fn parse<'a>(platform: PlatformRef, arch: Arch, source: &mut dyn Source, out: &'a mut MaybeUninit<Loaded>) -> Result<&'a mut Loaded> {
    let (header, header_raw) = Header::read(source, arch)?;
    let table_len = header.shnum * header.class.section_header_size();
    let section_headers = read_header_table(platform, source, &header, table_len)?;
    // Long-lived first, then the transients, which are freed last-in first-out and so
    // leave no holes in the heap (power-of-two MPU regions need large aligned blocks).
    let places = layout::new_places(platform, header.shnum)?;
    let sections = SectionTable::new(section_headers.sections(), header.class);
    let symtab = sections.validate(&header, source.file_len())?;
    let file_order = file_order(platform, &sections)?;
    Ok(init_in_place(out, header, &header_raw, section_headers, places, file_order, symtab))
}

/// Section indices in file order, for packing interleaved regions; checks on the way
/// that no two sections share file bytes (one byte patched through two sections is
/// never what the compiler meant, and packing would copy it twice).
#[cfg(feature = "pack-regions")]
fn file_order(platform: PlatformRef, sections: &SectionTable) -> Result<Option<HeapArray<u16>>> {
    // The order, and after it the merge's scratch links: one block for both.
    let mut file_order = HeapArray::<u16>::zeroed(platform, MemKind::Meta, sections.len().checked_mul(2).ok_or(Error::NoMem)?)?;
    let (order, links) = file_order.as_mut_slice().split_at_mut(sections.len());
    sections.sort_file_order(order, links)?;
    Ok(Some(file_order))
}

/// Without `pack-regions` regions are file ranges, and Zephyr's region overlap check
/// (layout) is the only one: no file order.
#[cfg(not(feature = "pack-regions"))]
fn file_order(_platform: PlatformRef, _sections: &SectionTable) -> Result<Option<HeapArray<u16>>> {
    Ok(None)
}

/// Writes a fresh `Loaded` into `out` field by field: built as one value it would be a
/// stack temporary the size of the whole struct (regions and memories are ~1.5 KiB).
#[allow(clippy::too_many_arguments)] // one per field it writes
fn init_in_place<'a>(out: &'a mut MaybeUninit<Loaded>, header: Header, header_raw: &[u8; MAX_HEADER_SIZE], section_headers: HeaderTable, places: HeapArray<SectionPlace>, file_order: Option<HeapArray<u16>>, symtab: usize) -> &'a mut Loaded {
    let p = out.as_mut_ptr();
    // SAFETY: memory writes: every field of `*p` is written exactly once through raw
    // field pointers before `*p` is referenced; each array element gets a valid value.
    unsafe {
        core::ptr::addr_of_mut!((*p).header).write(header);
        core::ptr::addr_of_mut!((*p).header_raw).cast::<u8>().copy_from_nonoverlapping(header_raw.as_ptr(), MAX_HEADER_SIZE);
        core::ptr::addr_of_mut!((*p).section_headers).write(section_headers);
        // All-zero is the default plan (`Zeroable`): one memset for the array.
        core::ptr::addr_of_mut!((*p).regions).cast::<RegionPlan>().write_bytes(0, mem::COUNT);
        let mems = core::ptr::addr_of_mut!((*p).mems).cast::<RegionMem>();
        for i in 0..mem::COUNT {
            mems.add(i).write(RegionMem::default());
        }
        core::ptr::addr_of_mut!((*p).places).write(Some(places));
        core::ptr::addr_of_mut!((*p).file_order).write(file_order);
        core::ptr::addr_of_mut!((*p).symtab).write(symtab);
        core::ptr::addr_of_mut!((*p).image).write(Image::default());
        core::ptr::addr_of_mut!((*p).exports).write(None);
        core::ptr::addr_of_mut!((*p).alloc_size).write(0);
        out.assume_init_mut()
    }
}

/// Layout, link and exports, in place, stage by stage.
fn fill(
    loaded: &mut Loaded,
    platform: PlatformRef,
    source: &mut dyn Source,
    params: &LoadParams,
    resolver: &mut dyn Resolver,
    hooks: &mut dyn LoadHooks,
) -> Result<()> {
    let sections = loaded.sections();
    let symtab = sections.at(loaded.symtab)?;
    let tables = layout::Tables { symtab: loaded.symtab, strtab: symtab.link as usize, shstrtab: loaded.header.shstrndx };
    map_sections(loaded, platform, source, params, hooks, tables)?;
    let aux_plan = place_regions(loaded, platform, source, params, tables)?;
    if params.relocate_local {
        link_regions(loaded, platform, source, resolver, &aux_plan, tables)?;
    }
    sync_caches(loaded, platform);
    build_exports(loaded, platform, source, params, tables)?;
    protect(loaded, platform, params);
    // The section map stays only for the inspection API (Zephyr frees it otherwise).
    if params.keep_section_info {
        loaded.alloc_size += loaded.places.as_ref().map_or(0, |p| p.heap_size());
    } else {
        loaded.places = None;
    }
    Ok(())
}

/// The section map, writable, while the load fills it.
fn places_mut(places: &mut Option<HeapArray<SectionPlace>>) -> Result<&mut [SectionPlace]> {
    places.as_mut().map(|p| p.as_mut_slice()).ok_or(Error::NoMem)
}

/// Layout: the section names (C callbacks may look sections up by name), then the
/// region plan, then the symbol and string tables.
#[inline(never)]
fn map_sections(loaded: &mut Loaded, platform: PlatformRef, source: &mut dyn Source, params: &LoadParams, hooks: &mut dyn LoadHooks, tables: layout::Tables) -> Result<()> {
    let Loaded { header, section_headers, regions, mems, places, file_order, .. } = loaded;
    let header: &Header = header;
    let places = places_mut(places)?;
    let sections = SectionTable::new(section_headers.sections(), header.class);
    let mat = MaterializeInput { platform, header, sections: &sections, storage: source.storage(), pre_located: params.pre_located };

    let shstrtab_plan = single_section_plan(&sections, tables.shstrtab)?;
    if let Some(slot) = regions.get_mut(mem::SHSTRTAB) {
        *slot = shstrtab_plan;
    }
    layout::materialize(&mat, source, regions, places, mems, &[mem::SHSTRTAB])?;
    let (shstrtab_ptr, shstrtab_size) = mems.get(mem::SHSTRTAB).map(|m| (m.write.cast_const(), m.size)).ok_or(Error::NoExec)?;
    hooks.sections_ready(&EarlyView { section_headers: section_headers.ptr, section_count: header.shnum, shstrtab: shstrtab_ptr, shstrtab_size, shstrtab_desc: shstrtab_plan.desc });
    // SAFETY: the name table region was just materialised and lives in `mems`.
    let names = StringTable::new(skip_prepad(unsafe { core::slice::from_raw_parts(shstrtab_ptr, shstrtab_size) }, regions, mem::SHSTRTAB));
    if !names.is_terminated() {
        crate::error!(c"section name table does not end with a NUL");
        return Err(Error::NoExec);
    }

    let detaches = hooks.detaches();
    let section_size = header.class.section_header_size();
    let raw_headers = section_headers.bytes();
    let mut detached = |index: usize| {
        let start = index * section_size;
        raw_headers.get(start..start + section_size).is_some_and(|raw| hooks.is_detached(index, raw))
    };
    let order = file_order.as_ref().and_then(|o| o.as_slice().get(..header.shnum)).unwrap_or(&[]);
    let writable_buffer = source.storage() == Storage::Writable;
    let detached: Option<&mut dyn FnMut(usize) -> bool> = if detaches { Some(&mut detached) } else { None };
    layout::plan(PlanInput { header, sections: &sections, names, tables, file_order: order, detached, writable_buffer }, places, regions)?;
    // The file order was only needed for the plan.
    *file_order = None;
    layout::materialize(&mat, source, regions, places, mems, &[mem::SYMTAB, mem::STRTAB])
}

/// The link stage's view of an extension whose tables `map_sections` loaded.
fn link_input<'a>(loaded: &'a Loaded, platform: PlatformRef, sections: &'a SectionTable<'a>, tables: layout::Tables) -> Result<LinkInput<'a>> {
    let Loaded { header, regions, mems, places, image, .. } = loaded;
    let places = places.as_ref().map(|p| p.as_slice()).ok_or(Error::NoMem)?;
    let symbols = region_bytes(mems, mem::SYMTAB)?;
    let strings = match regions.get(mem::STRTAB).is_some_and(|r| !r.is_empty()) {
        true => region_bytes(mems, mem::STRTAB)?,
        false => region_bytes(mems, mem::SHSTRTAB)?, // one table serves both
    };
    let symbols = SymbolTable::new(skip_prepad(symbols, regions, mem::SYMTAB), header.class);
    let strings = StringTable::new(skip_prepad(strings, regions, mem::STRTAB));
    Ok(LinkInput { platform, header, sections, places, mems, image, symtab_index: tables.symtab, symbols, strings })
}

/// Layout, continued: room for GOT entries and veneers after the text, then memory for
/// every remaining region.
#[inline(never)]
fn place_regions(loaded: &mut Loaded, platform: PlatformRef, source: &mut dyn Source, params: &LoadParams, tables: layout::Tables) -> Result<link::AuxPlan> {
    // Without `got-veneers` nothing is reserved: no link view to build for it.
    let aux_plan = if cfg!(feature = "got-veneers") {
        let sections = loaded.sections();
        link::plan_aux(&link_input(loaded, platform, &sections, tables)?, source)?
    } else {
        link::AuxPlan::default()
    };
    let Loaded { header, section_headers, regions, mems, places, image, alloc_size, .. } = loaded;
    let header: &Header = header;
    let places = places_mut(places)?;
    let sections = SectionTable::new(section_headers.sections(), header.class);
    if let Some(text) = regions.get_mut(mem::TEXT) {
        text.aux = aux_plan.bytes(header.arch, text.size()).ok_or(Error::NoMem)?;
        if text.aux() != 0 && text.is_empty() {
            crate::error!(c"GOT entries or veneers needed but there is no text region");
            return Err(Error::NoExec);
        }
    }
    let mat = MaterializeInput { platform, header, sections: &sections, storage: source.storage(), pre_located: params.pre_located };
    match header.elf_type {
        crate::elf::ElfType::Relocatable => {
            let mut rest: [usize; 8] = [mem::TEXT, mem::DATA, mem::RODATA, mem::BSS, mem::EXPORT, mem::PREINIT, mem::INIT, mem::FINI];
            layout::order_by_alignment(platform, regions, &mut rest);
            layout::materialize(&mat, source, regions, places, mems, &rest)?;
        }
        #[cfg(feature = "elf-shared")]
        crate::elf::ElfType::Shared => *image = layout::materialize_shared(&mat, source, regions, places, mems)?,
    }
    let image_size = if cfg!(feature = "elf-shared") { image.block.as_ref().map_or(0, |b| b.size()) } else { 0 };
    *alloc_size += mems.iter().map(|m| m.alloc_size()).sum::<usize>() + image_size;
    Ok(aux_plan)
}

/// Link: every relocation, against the extension, the base image and other extensions.
#[inline(never)]
fn link_regions(loaded: &mut Loaded, platform: PlatformRef, source: &mut dyn Source, resolver: &mut dyn Resolver, aux_plan: &link::AuxPlan, tables: layout::Tables) -> Result<()> {
    let sections = loaded.sections();
    link::relocate_all(&link_input(loaded, platform, &sections, tables)?, source, resolver, aux_plan)
}

/// Makes the written regions visible to instruction fetches and other bus masters.
fn sync_caches(loaded: &Loaded, platform: PlatformRef) {
    for (index, m) in loaded.mems.iter().enumerate() {
        if !m.write.is_null() && m.size != 0 {
            let extra = if index == mem::TEXT { loaded.regions.get(index).map_or(0, RegionPlan::aux) } else { 0 };
            platform.sync_caches(m.write, m.size + extra, index == mem::TEXT);
        }
    }
}

/// The extension's export table.
#[inline(never)]
fn build_exports(loaded: &mut Loaded, platform: PlatformRef, source: &mut dyn Source, params: &LoadParams, tables: layout::Tables) -> Result<()> {
    let exports = if params.export_all_globals {
        let sections = loaded.sections();
        export_globals(&link_input(loaded, platform, &sections, tables)?, source, &loaded.mems, &loaded.regions)?
    } else if params.relocate_local {
        export_table(platform, &loaded.header, &loaded.mems, &loaded.regions)?
    } else {
        // `.exported_sym` holds pointers only once relocated: without relocation there
        // is no valid export table (Zephyr 4.3 builds one from the raw words).
        None
    };
    loaded.alloc_size += exports.as_ref().map_or(0, |e| e.heap_size());
    loaded.exports = exports;
    Ok(())
}

/// Memory protection of what we allocated (MMU targets; in-place regions are left
/// alone: their pages belong to the application's buffer).
fn protect(loaded: &Loaded, platform: PlatformRef, params: &LoadParams) {
    if params.pre_located {
        return;
    }
    for (index, access) in [(mem::TEXT, Access::ReadExec), (mem::RODATA, Access::ReadOnly)] {
        if let Some(m) = loaded.mems.get(index).filter(|m| m.block.is_some()) {
            platform.set_access(m.write, m.alloc_size(), access);
        }
    }
}

/// Section header table: in place when the buffer outlives the load and is aligned for
/// C's `elf_shdr_t` access (and so for `Section`), copied otherwise.
fn read_header_table(platform: PlatformRef, source: &mut dyn Source, header: &Header, len: usize) -> Result<HeaderTable> {
    let align = header.class.pointer_size();
    let in_place = match source.storage() {
        Storage::Temporary => None,
        _ => source.peek(header.shoff, len).filter(|&ptr| (ptr as usize) % align == 0),
    };
    let (ptr, block) = match in_place {
        Some(ptr) => (ptr.cast_const(), None),
        None => {
            let mut block = HeapBlock::zeroed(platform, MemKind::Meta, len, align)?;
            source.read_at(header.shoff, block.bytes_mut())?;
            (block.as_ptr().cast_const(), Some(block))
        }
    };
    let count = header.shnum;
    if is_native_section_layout(header.class) {
        return Ok(HeaderTable { ptr, len, block, sections: ptr.cast(), count, #[cfg(feature = "arch-x86_64")] _decoded: None });
    }
    #[cfg(feature = "arch-x86_64")]
    {
        let mut decoded = HeapArray::<Section>::zeroed(platform, MemKind::Meta, count)?;
        let size = header.class.section_header_size();
        // SAFETY: as `HeaderTable::bytes`: the table just read or peeked.
        let raw = unsafe { core::slice::from_raw_parts(ptr, len) };
        for (slot, bytes) in decoded.as_mut_slice().iter_mut().zip(raw.chunks_exact(size)) {
            *slot = crate::elf::decode_section(header.class, bytes).ok_or(Error::NoExec)?;
        }
        let sections = decoded.as_ptr().cast_const();
        return Ok(HeaderTable { ptr, len, block, sections, count, _decoded: Some(decoded) });
    }
    #[allow(unreachable_code)]
    Err(Error::NoExec)
}

/// A region plan for one section on its own (the name table, needed before layout).
fn single_section_plan(sections: &SectionTable, index: usize) -> Result<RegionPlan> {
    let s = sections.at(index)?;
    let align = s.alignment();
    let prepad = s.offset & (align - 1);
    let mut desc = *s;
    desc.offset -= prepad;
    desc.size = desc.size.checked_add(prepad).ok_or(Error::NoExec)?;
    desc.info = u32::try_from(prepad).map_err(|_| Error::NoExec)?;
    let plan = RegionPlan { desc, ..RegionPlan::default() };
    layout::fits_usize(&plan)?;
    Ok(plan)
}

fn region_bytes<'a>(mems: &[RegionMem; mem::COUNT], index: usize) -> Result<&'a [u8]> {
    let m = mems.get(index).ok_or(Error::NoExec)?;
    if m.write.is_null() {
        return Err(Error::NoExec);
    }
    // SAFETY: the region's memory is owned by its `RegionMem` (heap block) or lent by
    // the loader buffer for the extension's lifetime; it outlives the load.
    Ok(unsafe { core::slice::from_raw_parts(m.write, m.size) })
}

fn skip_prepad<'a>(bytes: &'a [u8], regions: &[RegionPlan; mem::COUNT], index: usize) -> &'a [u8] {
    let prepad = regions.get(index).map_or(0, |r| r.desc.info as usize);
    bytes.get(prepad..).unwrap_or(&[])
}

/// Host pointer to the NUL-terminated name at run address `run`, which must lie inside
/// one of the extension's regions.
fn name_in_regions(mems: &[RegionMem; mem::COUNT], run: Addr) -> Option<*const core::ffi::c_char> {
    mems.iter().find_map(|m| {
        if m.write.is_null() || run < m.run || run >= m.run + m.size as Addr {
            return None;
        }
        let offset = (run - m.run) as usize;
        // SAFETY: region memory, as in `region_bytes`.
        let tail = unsafe { core::slice::from_raw_parts(m.write.add(offset), m.size - offset) };
        // A plain scan: `contains` would link core's word-wise memchr for a short name.
        tail.iter().any(|&b| b == 0).then_some(tail.as_ptr().cast())
    })
}

/// The export table from `.exported_sym`: pairs of (name, address) pointers of the
/// extension's class, already relocated.
fn export_table(platform: PlatformRef, header: &Header, mems: &[RegionMem; mem::COUNT], regions: &[RegionPlan; mem::COUNT]) -> Result<Option<HeapArray<llext_symbol>>> {
    let Some(m) = mems.get(mem::EXPORT).filter(|m| !m.write.is_null()) else { return Ok(None) };
    let bytes = skip_prepad(region_bytes(mems, mem::EXPORT)?, regions, mem::EXPORT);
    let ptr = header.class.pointer_size();
    let count = bytes.len() / (2 * ptr);
    if count == 0 {
        return Ok(None);
    }
    let _ = m;
    let mut table = HeapArray::<llext_symbol>::zeroed(platform, MemKind::Meta, count)?;
    let word = crate::elf::addr_le;
    for (slot, entry) in table.as_mut_slice().iter_mut().zip(bytes.chunks_exact(2 * ptr)) {
        let (name, addr) = entry.split_at(ptr);
        let name = name_in_regions(mems, word(name)).ok_or_else(|| {
            crate::error!(c"exported symbol name at 0x%lx is not inside the extension", word(name));
            Error::NoExec
        })?;
        *slot = llext_symbol { name, addr: word(addr) as usize as *mut core::ffi::c_void };
    }
    Ok(Some(table))
}

/// Every global function and object defined by the extension, as exports.
fn export_globals(input: &LinkInput, source: &mut dyn Source, mems: &[RegionMem; mem::COUNT], regions: &[RegionPlan; mem::COUNT]) -> Result<Option<HeapArray<llext_symbol>>> {
    let strtab = if regions.get(mem::STRTAB).is_some_and(|r| !r.is_empty()) { mem::STRTAB } else { mem::SHSTRTAB };
    let (strings_write, _, strings_len) = match mems.get(strtab) {
        Some(m) if !m.write.is_null() => (m.write, m.run, m.size),
        _ => return Err(Error::NoExec),
    };
    let prepad = regions.get(strtab).map_or(0, |r| r.desc.info as usize);
    let is_export = |s: &crate::elf::Symbol| s.binding() == STB_GLOBAL && (s.sym_type() == STT_FUNC || s.sym_type() == STT_OBJECT) && s.shndx != crate::elf::SHN_UNDEF;
    let count = (1..input.symbols.len()).filter_map(|i| input.symbols.get(i)).filter(is_export).count();
    if count == 0 {
        return Ok(None);
    }
    let mut table = HeapArray::<llext_symbol>::zeroed(input.platform, MemKind::Meta, count)?;
    let mut n = 0;
    for i in 1..input.symbols.len() {
        let Some(sym) = input.symbols.get(i).filter(is_export) else { continue };
        input.strings.get(sym.name).ok_or(Error::NoExec)?;
        let offset = prepad.checked_add(sym.name as usize).filter(|&o| o < strings_len).ok_or(Error::NoExec)?;
        let target = link::resolve_symbol(input, source, &mut NoResolver, 0, i as u32)?;
        if let Some(slot) = table.as_mut_slice().get_mut(n) {
            *slot = llext_symbol { name: strings_write.wrapping_add(offset).cast(), addr: target.value as usize as *mut core::ffi::c_void };
        }
        n += 1;
    }
    Ok(Some(table))
}

/// Defined symbols never need the resolver.
struct NoResolver;
impl Resolver for NoResolver {
    fn resolve(&mut self, _name: &[u8], _slid: Addr) -> Option<Addr> {
        None
    }
}
