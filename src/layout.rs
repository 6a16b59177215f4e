//! Layout: ELF sections → Zephyr's `enum llext_mem` regions, with 4.3's grouping and
//! alignment rules, then memory for each region (used in place in the loader's buffer,
//! or allocated and filled).
//!
//! Zephyr 4.3 maps each region to one contiguous file range and rejects files whose
//! regions interleave ("ELF file range overlaps"), which is what Debian's i686 gcc
//! emits (PIC thunks in COMDAT groups after `.rodata`). Here a region whose file range
//! holds another region's section is *packed* instead: its sections are copied one by
//! one, each at its own alignment, like a linker would place them.
//!
//! `ET_DYN` files are placed as one image that keeps their link-time (VMA) layout, so
//! PC-relative references between text, GOT and data stay valid; Zephyr 4.3 allocates
//! each region separately, which breaks PLT/GOT code and `*_RELATIVE` relocations of
//! data pointers.

use crate::elf::{
    Addr, ElfType, Header, Section, SectionTable, StringTable, SHT_FINI_ARRAY,
    SHT_INIT_ARRAY, SHT_NOBITS, SHT_NULL, SHT_PREINIT_ARRAY, SHT_PROGBITS,
};
use crate::error::{Error, Result};
// The trait is in scope for the target builds' static `PlatformRef`.
#[cfg_attr(feature = "std", allow(unused_imports))]
use crate::platform::{HeapArray, HeapBlock, MemKind, Platform, PlatformRef, Protection, Zeroable};
use crate::source::{Source, Storage};

/// Region indices, `enum llext_mem` order.
pub mod mem {
    pub const TEXT: usize = 0;
    pub const DATA: usize = 1;
    pub const RODATA: usize = 2;
    pub const BSS: usize = 3;
    pub const EXPORT: usize = 4;
    pub const SYMTAB: usize = 5;
    pub const STRTAB: usize = 6;
    pub const SHSTRTAB: usize = 7;
    pub const PREINIT: usize = 8;
    pub const INIT: usize = 9;
    pub const FINI: usize = 10;
    /// `LLEXT_MEM_COUNT`: also "not mapped".
    pub const COUNT: usize = 11;
    /// Regions that get memory partitions (`LLEXT_MEM_PARTITIONS`).
    pub const PARTITIONS: usize = BSS + 1;

    /// Short region names for logs (C strings).
    const NAMES: [&core::ffi::CStr; COUNT] =
        [c"text", c"data", c"rodata", c"bss", c"export", c"symtab", c"strtab", c"shstrtab", c"preinit", c"init", c"fini"];

    /// Name of region `index` for a log message's `%s`.
    pub fn name(index: usize) -> *const core::ffi::c_char {
        NAMES.get(index).map_or(c"?".as_ptr(), |n| n.as_ptr())
    }
}

/// Name of the section `LL_EXTENSION_SYMBOL` fills.
pub const EXPORT_SECTION: &[u8] = b".exported_sym";

/// Where one ELF section ended up.
#[derive(Clone, Copy, Debug, Default)]
#[repr(C)]
pub struct SectionPlace {
    /// Offset inside the region's memory, or the file offset for a detached section.
    pub offset: usize,
    /// Region index, `mem::COUNT` if the section is not loaded.
    pub region: u8,
    /// Accessed in place in the loader's buffer, outside any region.
    pub detached: bool,
}

// SAFETY: integers and a bool; all-zero is a valid value and there is no drop glue.
unsafe impl Zeroable for SectionPlace {}

impl SectionPlace {
    pub fn is_loaded(&self) -> bool {
        usize::from(self.region) < mem::COUNT
    }
}

/// The plan for one region.
#[derive(Clone, Copy, Debug, Default)]
pub struct RegionPlan {
    /// Zephyr's synthetic region header: `offset`/`addr`/`size` include the alignment
    /// pre-pad, `info` holds the pre-pad length (what `ldr->sects[]` shows).
    pub desc: Section,
    /// Sections are copied one by one rather than as one file range.
    pub packed: bool,
    /// Target of relocations (so it cannot stay in a read-only buffer).
    pub has_relocs: bool,
    /// Linker-made bytes appended after the content (GOT entries and veneers; text only).
    pub aux: usize,
    /// A packed region's leading bytes that are one file range (the members whose file
    /// distance to the first is their offset in the region): the extent its header
    /// publishes, so that the header never spans a section the region does not hold.
    #[cfg(feature = "pack-regions")]
    pub file_run: Addr,
}

// SAFETY: integers and bools (the header is integers); all-zero is the default value
// and there is no drop glue.
unsafe impl Zeroable for RegionPlan {}

impl RegionPlan {
    /// Bytes of region content: `desc.size` (what `mem_size[]` shows), which the plan
    /// checked to fit a `usize`.
    pub fn size(&self) -> usize {
        self.desc.size as usize
    }

    /// Bytes reserved after the content for GOT entries and veneers: none without
    /// `got-veneers`, known at build time so that what depends on it folds away.
    pub fn aux(&self) -> usize {
        if cfg!(feature = "got-veneers") {
            self.aux
        } else {
            0
        }
    }

    /// Largest member alignment (checked to fit a `usize`).
    pub fn align(&self) -> usize {
        self.desc.alignment() as usize
    }

    pub fn is_empty(&self) -> bool {
        self.desc.sh_type == SHT_NULL || self.desc.size == 0
    }

    /// Size and alignment of the block a copy of this region needs: aux entries hold
    /// pointers, and extension regions take the shape memory protection requires.
    pub fn alloc_shape(&self, platform: PlatformRef) -> Result<(usize, usize)> {
        let size = self.size().checked_add(self.aux()).ok_or(Error::NoMem)?;
        let mut align = self.align();
        if self.aux() != 0 {
            align = align.max(8);
        }
        if self.desc.is_alloc() {
            // Known at build time on a target: the shaping folds away where there is none.
            return platform.protection().shape(size, align).ok_or(Error::NoMem);
        }
        Ok((size, align))
    }
}

/// Which sections are the symbol and string tables.
#[derive(Clone, Copy, Debug)]
pub struct Tables {
    pub symtab: usize,
    pub strtab: usize,
    pub shstrtab: usize,
}

/// Region a section belongs to by Zephyr 4.3's rules, before the loaded/size filters.
fn classify(s: &Section, is_export_section: bool) -> usize {
    // SHT_NULL marks an empty region below: such a section is never loaded.
    if s.sh_type == SHT_NULL {
        return mem::COUNT;
    }
    if is_export_section {
        return mem::EXPORT;
    }
    match s.sh_type {
        SHT_NOBITS => mem::BSS,
        SHT_PROGBITS if s.is_exec() => mem::TEXT,
        SHT_PROGBITS if s.is_write() => mem::DATA,
        SHT_PROGBITS => mem::RODATA,
        SHT_PREINIT_ARRAY => mem::PREINIT,
        SHT_INIT_ARRAY => mem::INIT,
        SHT_FINI_ARRAY => mem::FINI,
        _ => mem::COUNT,
    }
}

/// `SHF_WRITE | SHF_ALLOC | SHF_EXECINSTR`: sections merged into one region must agree.
const BASIC_FLAGS: Addr = 0x7;

/// Inputs of the region plan.
pub struct PlanInput<'a, 'b> {
    pub header: &'a Header,
    pub sections: &'a SectionTable<'a>,
    pub names: StringTable<'a>,
    pub tables: Tables,
    /// Every section index, sorted by (file offset, index) (`pack-regions`; else empty).
    pub file_order: &'a [u16],
    /// `section_detached` predicate of the load parameters.
    pub detached: Option<&'b mut dyn FnMut(usize) -> bool>,
    /// The loader's buffer is writable storage: regions are relocated in place there.
    pub writable_buffer: bool,
}

/// Maps sections to regions and computes every region's extent. `places` come as
/// `new_places` made them (no section loaded) and `regions` as a fresh `Loaded` has them
/// (default), but for the name table's, which was planned on its own to read the names
/// and is planned again here.
pub fn plan(input: PlanInput<'_, '_>, places: &mut [SectionPlace], regions: &mut [RegionPlan; mem::COUNT]) -> Result<()> {
    let PlanInput { header, sections, names, tables, file_order, mut detached, writable_buffer } = input;
    // Without a `section_detached` callback no section is detached: nothing to scan for.
    let may_detach = detached.is_some();
    if let Some(names) = regions.get_mut(mem::SHSTRTAB) {
        *names = RegionPlan::default();
    }

    // The three tables are regions of their own.
    for (region, index) in [(mem::SYMTAB, tables.symtab), (mem::STRTAB, tables.strtab), (mem::SHSTRTAB, tables.shstrtab)] {
        if region == mem::STRTAB && index == tables.shstrtab {
            // One string table serves both: STRTAB aliases SHSTRTAB (Zephyr 4.3 rejects this).
            continue;
        }
        let s = sections.at(index)?;
        regions.get_mut(region).ok_or(Error::NoExec)?.desc = *s;
        if let Some(p) = places.get_mut(index) {
            p.region = region as u8;
        }
    }

    // Pass 1: map every loadable section and merge region extents.
    for (index, s) in sections.iter() {
        if places.get(index).is_some_and(|p| p.is_loaded()) {
            continue;
        }
        // The cheap filters first: most sections of an object are relocations, tables
        // and notes, whose names need no compare.
        if !s.is_alloc() || s.size == 0 {
            continue;
        }
        let region = classify(&s, s.sh_type == SHT_PROGBITS && names.is(s.name, EXPORT_SECTION));
        if region == mem::COUNT {
            continue;
        }
        let place = places.get_mut(index).ok_or(Error::NoExec)?;
        place.region = region as u8;
        if let Some(is_detached) = detached.as_mut() {
            if is_detached(index) {
                place.detached = true;
                place.offset = usize::try_from(s.offset).map_err(|_| Error::NoExec)?;
                continue;
            }
        }
        let r = regions.get_mut(region).ok_or(Error::NoExec)?;
        if r.desc.sh_type == SHT_NULL {
            r.desc = *s;
            continue;
        }
        if (s.flags & BASIC_FLAGS) != (r.desc.flags & BASIC_FLAGS) {
            crate::error!(c"region %s: section %lu flags 0x%lx differ from 0x%lx", s = mem::name(region), index, s.flags, r.desc.flags);
            return Err(Error::NoExec);
        }
        if matches!(region, mem::PREINIT | mem::INIT | mem::FINI) {
            crate::error!(c"more than one %s array section", s = mem::name(region));
            return Err(Error::NoExec);
        }
        // Extend the region over both sections (gaps included), as Zephyr does: by
        // address for the BSS, by file range for the others (a region's sections are all
        // of one kind: `classify`).
        let d = &mut r.desc;
        let end = match s.sh_type {
            SHT_NOBITS => d.addr.saturating_add(d.size).max(s.addr.saturating_add(s.size)),
            _ => d.file_end().max(s.file_end()),
        };
        d.offset = d.offset.min(s.offset);
        d.addr = d.addr.min(s.addr);
        d.size = end - if s.sh_type == SHT_NOBITS { d.addr } else { d.offset };
        d.align = d.align.max(s.align);
        // A BSS of several sections is placed section by section (`plan_relocatable`;
        // `pack-regions` counts them in its file-order sweep).
        #[cfg(not(feature = "pack-regions"))]
        {
            r.packed |= region == mem::BSS;
        }
    }

    match header.elf_type {
        ElfType::Relocatable => plan_relocatable(sections, file_order, regions, places, writable_buffer, may_detach)?,
        #[cfg(feature = "elf-shared")]
        ElfType::Shared => plan_shared(sections, regions, places)?,
    }
    Ok(())
}

/// `ET_REL`: each region is a file range (Zephyr's pre-pad rule) unless another region's
/// section lies inside that range, in which case it is packed (`pack-regions`; without
/// it such a file is refused, as Zephyr does). Several BSS sections are always packed.
#[cfg_attr(feature = "pack-regions", allow(unused_variables))]
fn plan_relocatable(sections: &SectionTable, file_order: &[u16], regions: &mut [RegionPlan; mem::COUNT], places: &mut [SectionPlace], writable_buffer: bool, may_detach: bool) -> Result<()> {
    #[cfg(feature = "pack-regions")]
    let packed = packed_regions(sections, file_order, places);
    // Only a BSS of several sections (flagged by `plan`'s first pass) is packed.
    #[cfg(not(feature = "pack-regions"))]
    let packed: u16 = if regions.get(mem::BSS).is_some_and(|r| r.packed) { 1 << mem::BSS } else { 0 };
    let mut spanned = [false; mem::COUNT];
    for ((index, r), spans) in regions.iter_mut().enumerate().zip(spanned.iter_mut()) {
        if r.desc.sh_type == SHT_NULL || r.desc.size == 0 {
            continue;
        }
        if packed & 1 << index != 0 {
            pack(sections, file_order, places, index, r)?;
        } else {
            span_extent(r)?;
            *spans = true;
        }
    }
    // One pass for every section: members of a spanned region keep their file distance
    // to its start; relocation sections mark their target's region.
    for (index, s) in sections.iter() {
        mark_relocation_target(&s, places, regions);
        let Some(p) = places.get_mut(index) else { continue };
        let region = usize::from(p.region);
        if p.detached || !spanned.get(region).copied().unwrap_or(false) {
            continue;
        }
        let start = regions.get(region).ok_or(Error::NoExec)?.desc.offset;
        p.offset = member_offset(s.offset, start)?;
    }
    #[cfg(not(feature = "pack-regions"))]
    check_file_ranges(sections, regions, places, writable_buffer, may_detach)?;
    Ok(())
}

/// If `s` is a relocation section whose target is loaded (not detached), marks that
/// region as a relocation target (`RegionPlan::has_relocs`).
#[cfg_attr(feature = "elf-shared", inline(never))] // two callers then: one copy
fn mark_relocation_target(s: &Section, places: &[SectionPlace], regions: &mut [RegionPlan; mem::COUNT]) {
    if !s.is_relocation() {
        return;
    }
    if let Some(p) = places.get(s.info as usize).filter(|p| !p.detached) {
        if let Some(r) = regions.get_mut(usize::from(p.region)) {
            r.has_relocs = true;
        }
    }
}

/// Without `pack-regions` no file order is built, so validation does not check that
/// sections with file bytes never share any. What loading needs of that is checked
/// here, mostly in Zephyr's terms: no two regions' file ranges (pre-pad excluded)
/// overlap (Zephyr's pass 3, except that `.exported_sym` may not overlap the symbol and
/// string tables; the BSS has no file bytes), and, where relocations write into the
/// loader's buffer (regions used in place in a writable one, detached sections), that
/// nothing they read meanwhile (relocation entries, the tables) overlaps what they
/// write: relocation sections overlap no region, detached sections no table and no
/// relocation section.
#[cfg_attr(feature = "pack-regions", allow(dead_code))]
#[inline(never)] // kept out of the layout's frame
fn check_file_ranges(sections: &SectionTable, regions: &[RegionPlan; mem::COUNT], places: &[SectionPlace], writable_buffer: bool, may_detach: bool) -> Result<()> {
    let overlap = |(a_start, a_end): (Addr, Addr), (b_start, b_end): (Addr, Addr)| a_start < b_end && b_start < a_end;
    // Region `index`'s file range without its pre-pad, if it has file bytes (the BSS has
    // none). Read from the plans where needed: a gathered copy (zeroed, then filled)
    // takes more code than it saves in compares for eleven regions.
    let range = |index: usize| -> Option<(Addr, Addr)> {
        let r = regions.get(index).filter(|r| !r.is_empty() && index != mem::BSS)?;
        Some((r.desc.offset + Addr::from(r.desc.info), r.desc.offset + r.desc.size))
    };
    let is_table = |region: usize| matches!(region, mem::SYMTAB | mem::STRTAB | mem::SHSTRTAB);
    // `.exported_sym` may sit anywhere, as Zephyr allows (gcc puts it among the text
    // with -ffunction-sections), but not over the tables, which stay read while its
    // relocations write.
    let tolerated = |a: usize, b: usize| (a == mem::EXPORT || b == mem::EXPORT) && !is_table(a) && !is_table(b);
    for a in 0..mem::COUNT {
        let Some(ra) = range(a) else { continue };
        for b in a + 1..mem::COUNT {
            if range(b).is_some_and(|rb| overlap(ra, rb)) && !tolerated(a, b) {
                crate::error!(c"region %s overlaps region %lu in the file (CONFIG_LLEXT_RS_PACK_REGIONS loads such files)", s = mem::name(a), b);
                return Err(Error::NoExec);
            }
        }
    }
    // What relocation reads while it writes into the buffer (relocation entries, the
    // tables) against what it writes there (regions used in place, detached sections).
    let detached = |index: usize| places.get(index).is_some_and(|p| p.detached);
    let any_detached = may_detach && places.iter().any(|p| p.detached);
    if !writable_buffer && !any_detached {
        return Ok(()); // nothing is written in the buffer: copies only
    }
    let is_rel = |s: &Section| s.is_relocation() && s.has_file_bytes();
    for (index, s) in sections.iter() {
        let (rel, written) = (is_rel(s), detached(index) && s.has_file_bytes());
        if !rel && !written {
            continue;
        }
        // Relocation entries against every region; a detached section against the tables
        // and, in files that have detached sections, against the relocation entries.
        let range_of_s = (s.offset, s.file_end());
        let over_region = (0..mem::COUNT).any(|region| (rel || is_table(region)) && range(region).is_some_and(|r| overlap(range_of_s, r)));
        let over_rel = written && sections.iter().any(|(_, b)| is_rel(b) && overlap(range_of_s, (b.offset, b.file_end())));
        if over_region || over_rel {
            crate::error!(c"section %lu overlaps a region or relocation section in the file", index);
            return Err(Error::NoExec);
        }
    }
    Ok(())
}

/// Offset of a section at file offset `offset` in a spanned region whose file range
/// starts at `start`.
fn member_offset(offset: Addr, start: Addr) -> Result<usize> {
    usize::try_from(offset.checked_sub(start).ok_or(Error::NoExec)?).map_err(|_| Error::NoExec)
}

/// The regions to pack, one bit per region index: those whose file range holds a
/// file-backed section of another region or a detached one, and the BSS when it has
/// several members.
/// Sections do not overlap (validation), so a region's range holds a foreign section
/// exactly when, in file order, one lies between two of its members: one sweep over the
/// file order, a bit per region.
#[cfg(feature = "pack-regions")]
fn packed_regions(sections: &SectionTable, file_order: &[u16], places: &[SectionPlace]) -> u16 {
    // `.exported_sym` may sit among data: Zephyr tolerates that overlap, and the stale
    // copy inside the data range is never used.
    const fn bit(region: usize) -> u16 {
        1 << region
    }
    let tolerated = |region: usize| match region {
        mem::EXPORT => bit(mem::DATA) | bit(mem::RODATA),
        mem::DATA | mem::RODATA => bit(mem::EXPORT),
        _ => 0,
    };
    // Regions seen so far; those with a foreign section after their last member.
    let (mut seen, mut foreign, mut packed) = (0u16, 0u16, 0u16);
    let mut bss_members = 0;
    for &index in file_order {
        let index = usize::from(index);
        let (Some(p), Some(s)) = (places.get(index), sections.get(index)) else { continue };
        let region = usize::from(p.region);
        if !p.is_loaded() {
            continue;
        }
        if p.detached {
            // Foreign to every region: a region spanning it would cover bytes it does not
            // own (i686 PIC code has `.text`, then the detached section, then thunks).
            if s.has_file_bytes() {
                foreign |= seen;
            }
            continue;
        }
        if region == mem::BSS {
            bss_members += 1;
        }
        if !s.has_file_bytes() {
            continue;
        }
        let b = bit(region);
        foreign |= seen & !b & !tolerated(region);
        if foreign & b != 0 {
            packed |= b;
        }
        seen |= b;
        foreign &= !b;
    }
    if bss_members > 1 {
        packed |= bit(mem::BSS);
    }
    packed
}

/// Section indices in the order a packed region places its members: file order, or,
/// without `pack-regions` (where only the BSS is packed: no file bytes, so no order to
/// keep), index order.
#[cfg(feature = "pack-regions")]
fn placement_order(file_order: &[u16], _count: usize) -> impl Iterator<Item = usize> + '_ {
    file_order.iter().map(|&index| usize::from(index))
}
#[cfg(not(feature = "pack-regions"))]
fn placement_order(_file_order: &[u16], count: usize) -> impl Iterator<Item = usize> {
    0..count
}

/// A region that is one file range: pre-pad so the region's start has the alignment of
/// its most aligned member; members keep their file distances.
#[cfg(feature = "elf-shared")]
fn span(sections: &SectionTable, places: &mut [SectionPlace], region: usize, r: &mut RegionPlan) -> Result<()> {
    span_extent(r)?;
    for (index, p) in places.iter_mut().enumerate() {
        if usize::from(p.region) == region && !p.detached {
            p.offset = member_offset(sections.offset_of(index).ok_or(Error::NoExec)?, r.desc.offset)?;
        }
    }
    Ok(())
}

/// The extent of a spanned region: its file range from the pre-pad on.
fn span_extent(r: &mut RegionPlan) -> Result<()> {
    let align = r.desc.alignment();
    let prepad = r.desc.offset & (align - 1);
    r.desc.offset -= prepad;
    r.desc.addr = r.desc.addr.saturating_sub(prepad);
    r.desc.size = r.desc.size.checked_add(prepad).ok_or(Error::NoExec)?;
    r.desc.info = u32::try_from(prepad).map_err(|_| Error::NoExec)?;
    fits_usize(r)?;
    r.packed = false;
    Ok(())
}

/// Checks that a region's size and alignment fit a `usize` (`RegionPlan::size`,
/// `align`): more than the address space is `NoMem`.
pub fn fits_usize(r: &RegionPlan) -> Result<()> {
    usize::try_from(r.desc.size).map_err(|_| Error::NoMem)?;
    usize::try_from(r.desc.alignment()).map_err(|_| Error::NoMem)?;
    Ok(())
}

/// A region whose members are placed one after another in file order, each at its own
/// alignment.
fn pack(sections: &SectionTable, file_order: &[u16], places: &mut [SectionPlace], region: usize, r: &mut RegionPlan) -> Result<()> {
    let mut size: Addr = 0;
    let mut align: Addr = 1;
    let mut first_offset = Addr::MAX;
    #[cfg(feature = "pack-regions")]
    let (mut run, mut in_run) = (0 as Addr, true);
    for index in placement_order(file_order, places.len()) {
        let Some(p) = places.get_mut(index) else { continue };
        if usize::from(p.region) != region || p.detached {
            continue;
        }
        let s = sections.at(index)?;
        let a = s.alignment();
        size = size.checked_add(a - 1).ok_or(Error::NoMem)? & !(a - 1);
        p.offset = usize::try_from(size).map_err(|_| Error::NoMem)?;
        first_offset = first_offset.min(s.offset);
        // Members come in file order here: the first has the lowest offset.
        #[cfg(feature = "pack-regions")]
        {
            in_run &= s.offset.checked_sub(first_offset) == Some(size);
            if in_run {
                run = size + s.size;
            }
        }
        size = size.checked_add(s.size).ok_or(Error::NoMem)?;
        align = align.max(a);
    }
    #[cfg(feature = "pack-regions")]
    {
        r.file_run = if r.desc.sh_type == SHT_NOBITS { size } else { run };
    }
    r.desc.offset = first_offset;
    r.desc.size = size;
    r.desc.align = align;
    r.desc.info = 0;
    fits_usize(r)?;
    r.packed = true;
    Ok(())
}

/// `ET_DYN`: every loaded allocatable section keeps its VMA distance to the others
/// inside one image; regions are windows of that image.
#[cfg(feature = "elf-shared")]
fn plan_shared(sections: &SectionTable, regions: &mut [RegionPlan; mem::COUNT], places: &mut [SectionPlace]) -> Result<()> {
    let (base, _, _) = image_extent(sections, places)?;
    for (index, plan) in regions.iter_mut().enumerate() {
        if plan.desc.sh_type == SHT_NULL || plan.desc.size == 0 {
            continue;
        }
        if matches!(index, mem::SYMTAB | mem::STRTAB | mem::SHSTRTAB) {
            // The tables are regions of their own, as for ET_REL.
            span(sections, places, index, plan)?;
            continue;
        }
        // A window of the image: extent by link-time address, no pre-pad.
        let (mut lo, mut hi): (Addr, Addr) = (Addr::MAX, 0);
        for (section_index, s) in sections.iter() {
            if places.get(section_index).is_some_and(|p| usize::from(p.region) == index && !p.detached) {
                lo = lo.min(s.addr);
                hi = hi.max(s.addr.saturating_add(s.size));
            }
        }
        plan.desc.addr = lo;
        plan.desc.size = hi.saturating_sub(lo);
        plan.desc.info = 0;
        fits_usize(plan)?;
        plan.packed = false;
    }
    for (index, s) in sections.iter() {
        mark_relocation_target(&s, places, regions);
        let Some(p) = places.get_mut(index) else { continue };
        let region = usize::from(p.region);
        if !p.is_loaded() || p.detached {
            continue;
        }
        p.offset = if matches!(region, mem::SYMTAB | mem::STRTAB | mem::SHSTRTAB) {
            0
        } else {
            // Offset from the image base; `materialize_shared` makes it region-relative.
            usize::try_from(s.addr - base).map_err(|_| Error::NoExec)?
        };
    }
    Ok(())
}

/// Lowest VMA, size and alignment of the `ET_DYN` image over all loaded sections; they
/// must not overlap.
#[cfg(feature = "elf-shared")]
fn image_extent(sections: &SectionTable, places: &[SectionPlace]) -> Result<(Addr, Addr, Addr)> {
    let mut lo = Addr::MAX;
    let mut hi: Addr = 0;
    let mut align: Addr = 1;
    for (index, s) in sections.iter() {
        let Some(p) = places.get(index) else { continue };
        if !p.is_loaded() || p.detached || matches!(usize::from(p.region), mem::SYMTAB | mem::STRTAB | mem::SHSTRTAB) {
            continue;
        }
        let end = s.addr.checked_add(s.size).ok_or(Error::NoExec)?;
        for (other_index, o) in sections.iter() {
            let Some(q) = places.get(other_index) else { continue };
            if other_index <= index || !q.is_loaded() || q.detached || matches!(usize::from(q.region), mem::SYMTAB | mem::STRTAB | mem::SHSTRTAB) {
                continue;
            }
            if o.addr < end && o.addr.saturating_add(o.size) > s.addr {
                crate::error!(c"sections %lu and %lu overlap in memory", index, other_index);
                return Err(Error::NoExec);
            }
        }
        lo = lo.min(s.addr);
        hi = hi.max(end);
        align = align.max(s.alignment());
    }
    if lo == Addr::MAX {
        return Ok((0, 0, 1));
    }
    let base = lo & !(align - 1);
    Ok((base, hi - base, align))
}

/// Memory of one region after materialisation.
#[derive(Default)]
pub struct RegionMem {
    /// Write address of the region start (pre-pad included); null if empty.
    pub write: *mut u8,
    /// Run address of the region start.
    pub run: Addr,
    /// Content bytes (`mem_size`): pre-pad + sections, excluding aux and rounding.
    pub size: usize,
    /// Owned heap memory, if the region was copied: its size is what the heap gave
    /// (after MPU/MMU rounding).
    pub block: Option<HeapBlock>,
}

impl RegionMem {
    /// Heap bytes of the region's own block; 0 if in place.
    pub fn alloc_size(&self) -> usize {
        self.block.as_ref().map_or(0, |b| b.size())
    }

    /// Run address of the aux area (GOT entries, veneers) after the content: the GOT
    /// base of an `ET_REL` text, which follows it whether or not it has entries.
    pub fn aux_run(&self) -> Addr {
        self.run + aux_offset(self.size) as Addr
    }

    /// Write address of the aux area: only a copied region has one (a region used in
    /// place has no aux bytes); null otherwise.
    pub fn aux_write(&self) -> *mut u8 {
        match self.block {
            Some(_) => self.write.wrapping_add(aux_offset(self.size)),
            None => core::ptr::null_mut(),
        }
    }
}

/// Everything `materialize` needs besides the plan.
pub struct MaterializeInput<'a> {
    pub platform: PlatformRef,
    pub header: &'a Header,
    pub sections: &'a SectionTable<'a>,
    pub storage: Storage,
    pub pre_located: bool,
}

/// Where the `ET_DYN` image lives, for VMA → run address translation.
#[derive(Default)]
pub struct Image {
    pub block: Option<HeapBlock>,
    pub vma_base: Addr,
    pub run_base: Addr,
    pub write_base: *mut u8,
    pub size: usize,
}

/// Offset of the aux area (GOT, veneers) after `size` bytes of text: 8-aligned, so the
/// GOT base (`_GLOBAL_OFFSET_TABLE_`) is aligned whether or not it has entries.
pub fn aux_offset(size: usize) -> usize {
    size.wrapping_add(7) & !7
}

/// Gives every non-empty region memory and fills it from the file. `done` lists regions
/// already materialised (the string tables, which are needed earlier).
pub fn materialize(
    input: &MaterializeInput,
    source: &mut dyn Source,
    regions: &[RegionPlan; mem::COUNT],
    places: &[SectionPlace],
    mems: &mut [RegionMem; mem::COUNT],
    only: &[usize],
) -> Result<()> {
    for &index in only {
        let (Some(plan), Some(slot)) = (regions.get(index), mems.get_mut(index)) else { continue };
        if plan.is_empty() || !slot.write.is_null() {
            continue;
        }
        *slot = materialize_region(input, source, places, index, plan)?;
    }
    Ok(())
}

/// Orders `indices` by decreasing allocation alignment (stable). With power-of-two MPU
/// regions an aligned block costs up to twice its size of contiguous heap while it is
/// being carved out, so the most demanding regions go first, before the smaller ones
/// split the free space. Without protection shapes, alignments are the sections' own
/// (a few bytes): the order makes no difference and is left alone.
pub fn order_by_alignment(platform: PlatformRef, regions: &[RegionPlan; mem::COUNT], indices: &mut [usize]) {
    if platform.protection() == Protection::None {
        return;
    }
    let key = |index: usize| {
        regions
            .get(index)
            .filter(|p| !p.is_empty() && p.desc.is_alloc())
            .and_then(|p| p.alloc_shape(platform).ok())
            .map_or(0, |(_, align)| align)
    };
    // Insertion sort: a handful of entries, and stable.
    for i in 1..indices.len() {
        let mut j = i;
        while j > 0 {
            let (Some(&a), Some(&b)) = (indices.get(j - 1), indices.get(j)) else { break };
            if key(a) >= key(b) {
                break;
            }
            indices.swap(j - 1, j);
            j -= 1;
        }
    }
}

// `places` and a writable block are for packed copies (`pack-regions`).
#[cfg_attr(not(feature = "pack-regions"), allow(unused_variables, unused_mut))]
fn materialize_region(input: &MaterializeInput, source: &mut dyn Source, places: &[SectionPlace], index: usize, plan: &RegionPlan) -> Result<RegionMem> {
    let alloc_region = plan.desc.is_alloc();
    let (alloc_size, align) = plan.alloc_shape(input.platform)?;

    // In place: the loader buffer already holds the region, laid out as it must be.
    let in_place_allowed = match input.storage {
        Storage::Writable => true,
        Storage::Persistent => !plan.desc.is_write() && !plan.has_relocs,
        Storage::Temporary => false,
    };
    let file_backed = plan.desc.sh_type != SHT_NOBITS;
    // Pre-located regions are in place too, but only where the storage type allows it
    // (Zephyr 4.3: otherwise -EFAULT below).
    if in_place_allowed && file_backed && !plan.packed && plan.aux() == 0 {
        if let Some(ptr) = source.peek(plan.desc.offset, plan.size()) {
            let run = if input.pre_located { Some(plan.desc.addr) } else { input.platform.run_address(ptr) };
            let aligned = input.pre_located || (ptr as usize) % align == 0;
            match run {
                Some(run) if aligned => {
                    // No aux entries in place (plan.aux == 0), but the GOT base still
                    // follows the text, as for a copied region (`aux_run`).
                    return Ok(RegionMem { write: ptr, run, size: plan.size(), block: None });
                }
                _ => crate::debug!(c"region %s copied: buffer not usable in place", s = mem::name(index)),
            }
        }
    }
    if input.pre_located {
        if !file_backed {
            // The application placed the BSS at its link address.
            return Ok(RegionMem { write: core::ptr::null_mut(), run: plan.desc.addr, size: plan.size(), ..RegionMem::default() });
        }
        crate::error!(c"pre-located region %s is not in the loader buffer", s = mem::name(index));
        return Err(Error::Fault);
    }

    let kind = if plan.desc.is_exec() { MemKind::Text } else if alloc_region { MemKind::Data } else { MemKind::Meta };
    // A region that is one file range is written once: pre-pad, file bytes, tail.
    // Packed regions (gaps) and the BSS start from a zeroed block.
    let spanned_copy = file_backed && !plan.packed;
    let mut block = match spanned_copy {
        true => HeapBlock::unwritten(input.platform, kind, alloc_size, align)?,
        false => HeapBlock::zeroed(input.platform, kind, alloc_size, align)?,
    };
    let write = block.as_ptr();
    let run = input.platform.run_address(write).ok_or(Error::Fault)?;
    if spanned_copy {
        let prepad = plan.desc.info as usize;
        let len = plan.size().checked_sub(prepad).ok_or(Error::NoExec)?;
        let tail = alloc_size.checked_sub(plan.size()).ok_or(Error::NoMem)?;
        // SAFETY: memory writes inside the block's `alloc_size` bytes (prepad <= size <=
        // alloc_size, checked above): the pre-pad zeroed, the file range after it copied,
        // the tail (aux area, protection rounding) zeroed, so every byte is written once
        // before anything reads the block.
        unsafe {
            write.write_bytes(0, prepad);
            source.read_raw(plan.desc.offset + prepad as Addr, write.add(prepad), len)?;
            write.add(plan.size()).write_bytes(0, tail);
        }
    }
    // A packed region with file bytes: only with `pack-regions` (else only the BSS is
    // packed).
    #[cfg(feature = "pack-regions")]
    if file_backed && plan.packed {
        let bytes = block.bytes_mut();
        for (section_index, s) in input.sections.iter() {
            let Some(p) = places.get(section_index) else { continue };
            if usize::from(p.region) != index || p.detached || !s.has_file_bytes() {
                continue;
            }
            let dst = slice_at(bytes, p.offset, s.size)?;
            source.read_at(s.offset, dst)?;
        }
    }
    Ok(RegionMem { write, run, size: plan.size(), block: Some(block) })
}

/// Materialises the `ET_DYN` image and points every allocatable region into it.
#[cfg(feature = "elf-shared")]
pub fn materialize_shared(
    input: &MaterializeInput,
    source: &mut dyn Source,
    regions: &[RegionPlan; mem::COUNT],
    places: &mut [SectionPlace],
    mems: &mut [RegionMem; mem::COUNT],
) -> Result<Image> {
    let (vma_base, size, align) = image_extent(input.sections, places)?;
    if size == 0 {
        return Ok(Image::default());
    }
    let size = usize::try_from(size).map_err(|_| Error::NoMem)?;
    let align = usize::try_from(align).map_err(|_| Error::NoMem)?;
    let (alloc_size, align) = input.platform.protection().shape(size, align).ok_or(Error::NoMem)?;
    let mut block = HeapBlock::zeroed(input.platform, MemKind::Text, alloc_size, align)?;
    let write_base = block.as_ptr();
    let run_base = input.platform.run_address(write_base).ok_or(Error::Fault)?;
    {
        let bytes = block.bytes_mut();
        for (index, s) in input.sections.iter() {
            let Some(p) = places.get(index) else { continue };
            let region = usize::from(p.region);
            if !p.is_loaded() || p.detached || matches!(region, mem::SYMTAB | mem::STRTAB | mem::SHSTRTAB) || !s.has_file_bytes() {
                continue;
            }
            source.read_at(s.offset, slice_at(bytes, p.offset, s.size)?)?;
        }
    }
    for index in 0..mem::COUNT {
        let (Some(plan), Some(slot)) = (regions.get(index), mems.get_mut(index)) else { continue };
        if plan.is_empty() || matches!(index, mem::SYMTAB | mem::STRTAB | mem::SHSTRTAB) {
            continue;
        }
        let offset = usize::try_from(plan.desc.addr - vma_base).map_err(|_| Error::NoExec)?;
        *slot = RegionMem {
            write: write_base.wrapping_add(offset),
            run: run_base + offset as Addr,
            size: plan.size(),
            block: None,
        };
    }
    // Section offsets become region-relative.
    for p in places.iter_mut() {
        let region = usize::from(p.region);
        if !p.is_loaded() || p.detached || matches!(region, mem::SYMTAB | mem::STRTAB | mem::SHSTRTAB) {
            continue;
        }
        let start = regions.get(region).map_or(0, |r| r.desc.addr - vma_base) as usize;
        p.offset = p.offset.checked_sub(start).ok_or(Error::NoExec)?;
    }
    let image_size = block.size();
    Ok(Image { block: Some(block), vma_base, run_base, write_base, size: image_size })
}

/// `len` bytes of `bytes` at `offset`, or `NoExec` if they do not fit.
pub fn slice_at(bytes: &mut [u8], offset: usize, len: Addr) -> Result<&mut [u8]> {
    let len = usize::try_from(len).map_err(|_| Error::NoExec)?;
    let end = offset.checked_add(len).ok_or(Error::NoExec)?;
    bytes.get_mut(offset..end).ok_or(Error::NoExec)
}

/// A section map for `shnum` sections, every one not loaded (`plan` fills it).
pub fn new_places(platform: PlatformRef, shnum: usize) -> Result<HeapArray<SectionPlace>> {
    HeapArray::filled(platform, MemKind::Meta, shnum, SectionPlace { offset: 0, region: mem::COUNT as u8, detached: false })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::elf::{Class, SHT_REL};

    fn region(offset: Addr, size: Addr, prepad: u32) -> RegionPlan {
        let desc = Section { sh_type: SHT_PROGBITS, offset, size, info: prepad, ..Section::default() };
        RegionPlan { desc, ..RegionPlan::default() }
    }

    /// The file-range rule of builds without `pack-regions`: Zephyr's region overlap
    /// check (interleaved regions refused; a pre-pad may reach into the previous
    /// region; the BSS and empty regions ignored), `.exported_sym` allowed anywhere but
    /// over the tables, and, where relocations write into the buffer, relocation
    /// sections kept off the regions and detached sections off the tables and the
    /// relocation sections.
    #[test]
    fn file_range_rule() {
        let mut regions = [RegionPlan::default(); mem::COUNT];
        regions[mem::TEXT] = region(0x40, 0x100, 0);
        regions[mem::RODATA] = region(0x13c, 0x20, 4); // pre-pad 0x13c..0x140 only
        regions[mem::BSS] = region(0x40, 0x200, 0);
        let rel = Section { sh_type: SHT_REL, offset: 0x400, size: 0x10, ..Section::default() };
        let detached = Section { sh_type: SHT_PROGBITS, offset: 0x300, size: 0x20, ..Section::default() };
        let mut headers = [Section::default(), rel, detached];
        let mut places = [SectionPlace { offset: 0, region: mem::COUNT as u8, detached: false }; 3];
        places[2] = SectionPlace { offset: 0x300, region: mem::TEXT as u8, detached: true };
        let check = |headers: &[Section], regions: &[RegionPlan; mem::COUNT], places: &[SectionPlace]| check_file_ranges(&SectionTable::new(headers, Class::Elf32), regions, places, true, true);
        assert!(check(&headers, &regions, &places).is_ok());
        regions[mem::DATA] = region(0x80, 0x10, 0); // inside the text
        assert_eq!(check(&headers, &regions, &places), Err(Error::NoExec));
        regions[mem::DATA] = RegionPlan::default();
        regions[mem::EXPORT] = region(0x140, 0x8, 0); // among rodata: tolerated
        assert!(check(&headers, &regions, &places).is_ok());
        regions[mem::EXPORT] = region(0x60, 0x8, 0); // among text (gcc does that): too
        assert!(check(&headers, &regions, &places).is_ok());
        regions[mem::SYMTAB] = region(0x150, 0x40, 0); // the rodata ends at 0x15c
        assert_eq!(check(&headers, &regions, &places), Err(Error::NoExec));
        regions[mem::SYMTAB] = region(0x200, 0x40, 0);
        assert!(check(&headers, &regions, &places).is_ok());
        regions[mem::EXPORT] = region(0x220, 0x8, 0); // over the symbol table: not
        assert_eq!(check(&headers, &regions, &places), Err(Error::NoExec));
        regions[mem::EXPORT] = RegionPlan::default();
        headers[1].offset = 0x210; // relocations inside the symbol table
        assert_eq!(check(&headers, &regions, &places), Err(Error::NoExec));
        headers[1].offset = 0x310; // relocations inside the detached section
        assert_eq!(check(&headers, &regions, &places), Err(Error::NoExec));
        headers[1].offset = 0x320;
        assert!(check(&headers, &regions, &places).is_ok());
        headers[2].offset = 0x100; // detached, inside the text's range: written, not read
        assert!(check(&headers, &regions, &places).is_ok());
        headers[2].offset = 0x220; // detached, over the symbol table: read while written
        assert_eq!(check(&headers, &regions, &places), Err(Error::NoExec));
        headers[2].offset = 0x300;
        // Copies only (no writable buffer, nothing detached): relocation entries are
        // never written while read, and only the regions are checked.
        headers[1].offset = 0x210;
        places[2] = SectionPlace { offset: 0, region: mem::COUNT as u8, detached: false };
        assert!(check_file_ranges(&SectionTable::new(&headers, Class::Elf32), &regions, &places, false, true).is_ok());
        assert_eq!(check(&headers, &regions, &places), Err(Error::NoExec));
    }

    /// i686 PIC code puts `.text`, then a detached `.detach`, then the PC thunk (text
    /// too): the text region is packed, so its file range leaves `.detach` out, as
    /// Zephyr's `test_detached` asserts. A detached section after the region's last
    /// member, or one not detached, packs nothing.
    #[cfg(feature = "pack-regions")]
    #[test]
    fn detached_section_packs_the_region_around_it() {
        let code = |offset| Section { sh_type: SHT_PROGBITS, flags: 0x6, offset, size: 0x20, ..Section::default() };
        let headers = [Section::default(), code(0x40), code(0xda), code(0x1eb)];
        let text = SectionPlace { offset: 0, region: mem::TEXT as u8, detached: false };
        let mut places = [SectionPlace { region: mem::COUNT as u8, ..text }, text, text, text];
        let table = SectionTable::new(&headers, Class::Elf32);
        let order = [0u16, 1, 2, 3];
        assert_eq!(packed_regions(&table, &order, &places), 0);
        places[2].detached = true;
        assert_eq!(packed_regions(&table, &order, &places), 1 << mem::TEXT);
        // Its header publishes the leading run (`.text`), which leaves `.detach` out;
        // the region holds both members.
        let mut text = RegionPlan { desc: headers[1], ..RegionPlan::default() };
        pack(&table, &order, &mut places, mem::TEXT, &mut text).unwrap();
        assert_eq!((text.desc.offset, text.file_run, text.size()), (0x40, 0x20, 0x40));
        assert_eq!((places[1].offset, places[3].offset), (0, 0x20));
        places[2].detached = false;
        places[3].detached = true;
        assert_eq!(packed_regions(&table, &order, &places), 0);
    }
}
