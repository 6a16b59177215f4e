//! Link: walks the relocation sections, resolves each symbol (the extension's own
//! sections, the base image, other loaded extensions) and hands the result to the
//! architecture's relocator. Also reserves and fills the GOT entries and branch
//! veneers relocators ask for.

use crate::arch::{self, Arch, Aux, AuxNeed, Image as ArchImage, Place, Reloc, SymbolKind, Target, VeneerKind};
use crate::elf::{
    decode_rel, Addr, ElfType, Header, RelEntry, Section, SectionTable, StringTable, SymbolTable, SHN_ABS,
    SHN_COMMON, SHN_LORESERVE, SHN_UNDEF, SHT_RELA, STB_WEAK,
};
use crate::error::{Error, Result};
use crate::layout::{mem, Image, RegionMem, SectionPlace};
// The trait is in scope for the target builds' static `PlatformRef`.
#[cfg_attr(feature = "std", allow(unused_imports))]
use crate::platform::{HeapArray, MemKind, Platform, PlatformRef};
use crate::source::Source;

/// Finds what an extension's undefined symbols refer to.
pub trait Resolver {
    /// Run address of undefined symbol `name` — `slid` is its `st_value`, which holds
    /// the symbol's SLID in SLID-linked extensions — in the base image or another
    /// loaded extension (which then becomes a dependency).
    fn resolve(&mut self, name: &[u8], slid: Addr) -> Option<Addr>;

    /// Whether the link as a whole is acceptable once every symbol was resolved (the
    /// registry refuses more dependencies than `struct llext` can record).
    fn check(&self) -> Result<()> {
        Ok(())
    }
}

/// Name of the linker-defined GOT symbol that PIC code references.
const GOT_SYMBOL: &[u8] = b"_GLOBAL_OFFSET_TABLE_";

/// Everything the link stage reads.
pub struct LinkInput<'a> {
    pub platform: PlatformRef,
    pub header: &'a Header,
    pub sections: &'a SectionTable<'a>,
    pub places: &'a [SectionPlace],
    pub mems: &'a [RegionMem; mem::COUNT],
    pub image: &'a Image,
    pub symtab_index: usize,
    pub symbols: SymbolTable<'a>,
    pub strings: StringTable<'a>,
}

/// GOT entries and veneers the relocations may need, counted before memory is laid out.
#[derive(Clone, Copy, Debug, Default)]
pub struct AuxPlan {
    pub got_entries: usize,
    pub veneers: usize,
}

impl AuxPlan {
    /// Bytes after a region of `content` bytes: padding to 8, the GOT, the veneers.
    pub fn bytes(&self, arch: Arch, content: usize) -> Option<usize> {
        if self.got_entries == 0 && self.veneers == 0 {
            return Some(0);
        }
        let pad = crate::layout::aux_offset(content) - content;
        let got = self.got_entries.checked_mul(arch.pointer_size())?;
        let veneers = self.veneers.checked_mul(veneer_slot(arch))?;
        pad.checked_add(got)?.checked_add(veneers)
    }
}

/// Bytes reserved per veneer on `arch`.
fn veneer_slot(arch: Arch) -> usize {
    match arch {
        #[cfg(feature = "arch-x86_64")]
        Arch::X86_64 => VeneerKind::X86_64.size(),
        #[allow(unreachable_patterns)]
        _ => VeneerKind::Thumb.size(),
    }
}

/// Per-symbol flags of the aux scan.
const NEEDS_GOT: u8 = 1;
const NEEDS_VENEER: u8 = 2;

/// Which relocation sections apply, and where their `r_offset` points.
#[derive(Clone, Copy)]
enum RelTarget {
    /// `ET_REL`: offsets inside section `index`.
    Section(usize),
    /// `ET_DYN` dynamic relocations: link-time addresses inside the image.
    #[cfg(feature = "elf-shared")]
    Image,
}

fn rel_target(input: &LinkInput, index: usize, s: &Section) -> Option<RelTarget> {
    if !s.is_relocation() {
        return None;
    }
    match input.header.elf_type {
        ElfType::Relocatable => {
            let target = s.info as usize;
            let region = input.places.get(target).map_or(mem::COUNT, |p| usize::from(p.region));
            if matches!(region, mem::SYMTAB | mem::STRTAB | mem::SHSTRTAB) || region >= mem::COUNT || s.link as usize != input.symtab_index {
                crate::debug!(c"relocation section %lu skipped (target %lu not loaded)", index, target);
                return None;
            }
            Some(RelTarget::Section(target))
        }
        // Only relocations against the dynamic symbol table are load-time work; any
        // others (--emit-relocs) were already applied by the static linker.
        #[cfg(feature = "elf-shared")]
        ElfType::Shared => (s.link as usize == input.symtab_index).then_some(RelTarget::Image),
    }
}

/// Entries read per call from a loader that cannot be peeked (Zephyr's loader reads one
/// at a time; a couple per call halves the calls without growing the frame much).
const REL_BATCH: usize = 2;

/// Largest relocation entry of the compiled-in classes (ELF64 RELA, or ELF32 RELA).
const MAX_REL_SIZE: usize = if cfg!(feature = "arch-x86_64") { 24 } else { 12 };

/// Calls `f` for every entry of relocation section `s`. Entries are read straight
/// from the loader's buffer when it can be peeked, else in small batches; `f` gets the
/// source back so it may read or peek too.
fn for_each_rel(
    input: &LinkInput,
    source: &mut dyn Source,
    s: &Section,
    mut f: impl FnMut(&mut dyn Source, RelEntry) -> Result<()>,
) -> Result<()> {
    let rela = s.sh_type == SHT_RELA;
    let size = input.header.class.rel_size(rela);
    let count = usize::try_from(s.size / size as Addr).map_err(|_| Error::NoExec)?;
    let Some(base) = source.peek(s.offset, count * size) else {
        return for_each_rel_batched(input, source, s.offset, rela, count, &mut f);
    };
    for i in 0..count {
        // SAFETY: memory read of one entry inside the range `peek` checked, decoded to a
        // value before `f` runs: no reference into the buffer lives while `f` writes
        // relocated bytes (not a copy either: its variable length made it a memcpy call
        // per relocation).
        let entry = unsafe { core::slice::from_raw_parts(base.add(i * size).cast_const(), size) };
        let rel = decode_rel(input.header.class, rela, entry).ok_or(Error::NoExec)?;
        f(source, rel)?;
    }
    Ok(())
}

/// `for_each_rel` for sources that cannot be peeked: entries are read in batches.
/// Kept out of line so its buffer is not part of every caller's frame.
#[inline(never)]
fn for_each_rel_batched(
    input: &LinkInput,
    source: &mut dyn Source,
    offset: Addr,
    rela: bool,
    count: usize,
    f: &mut dyn FnMut(&mut dyn Source, RelEntry) -> Result<()>,
) -> Result<()> {
    let size = input.header.class.rel_size(rela);
    // Zephyr's loader reads one entry at a time; a few per read call is enough.
    const BATCH: usize = 4;
    let mut buf = [0u8; MAX_REL_SIZE * BATCH];
    let mut done = 0usize;
    while done < count {
        let n = (count - done).min(BATCH);
        let bytes = buf.get_mut(..n * size).ok_or(Error::NoExec)?;
        source.read_at(offset + (done * size) as Addr, bytes)?;
        for chunk in bytes.chunks_exact(size) {
            f(source, decode_rel(input.header.class, rela, chunk).ok_or(Error::NoExec)?)?;
        }
        done += n;
    }
    Ok(())
}

/// Counts the GOT entries and veneers the relocations may ask for. Only builds with
/// `got-veneers` reserve any: the layout (`load::place_regions`) asks only then.
pub fn plan_aux(input: &LinkInput, source: &mut dyn Source) -> Result<AuxPlan> {
    let arch = input.header.arch;
    let mut flags: Option<HeapArray<u8>> = None;
    let mut plan = AuxPlan::default();
    for (index, s) in input.sections.iter() {
        if rel_target(input, index, s).is_none() {
            continue;
        }
        for_each_rel(input, source, s, |_, rel| {
            let need = arch::aux_need(arch, rel.r_type);
            let bit = match need {
                AuxNeed::None => return Ok(()),
                AuxNeed::GotEntry => NEEDS_GOT,
                AuxNeed::Veneer(_) => {
                    // Branches inside the extension stay in range; only imports may not.
                    let sym = input.symbols.get(rel.sym as usize).ok_or(Error::NoExec)?;
                    if rel.sym == 0 || sym.shndx != SHN_UNDEF {
                        return Ok(());
                    }
                    NEEDS_VENEER
                }
            };
            if flags.is_none() {
                flags = Some(HeapArray::zeroed(input.platform, MemKind::Meta, input.symbols.len().max(1))?);
            }
            let slot = flags.as_mut().and_then(|f| f.as_mut_slice().get_mut(rel.sym as usize)).ok_or(Error::NoExec)?;
            if *slot & bit == 0 {
                *slot |= bit;
                if bit == NEEDS_GOT {
                    plan.got_entries += 1;
                } else {
                    plan.veneers += 1;
                }
            }
            Ok(())
        })?;
    }
    Ok(plan)
}

/// The aux area after the text: GOT entries first, then veneers.
struct AuxArea<'a> {
    arch: Arch,
    bytes: &'a mut [u8],
    run: Addr,
    got_cap: usize,
    got_used: usize,
    veneer_used: usize,
    veneer_cap: usize,
    /// Per symbol: 1 + GOT slot, or 0.
    got_slot: Option<HeapArray<u32>>,
    /// Per symbol: 1 + veneer slot, or 0.
    veneer_slot: Option<HeapArray<u32>>,
}

impl AuxArea<'_> {
    /// What a relocation asks of a build without `got-veneers`.
    #[cold]
    fn not_built(what: &core::ffi::CStr) -> Error {
        crate::error!(c"%s needed: GOT and veneer support is not built in (CONFIG_LLEXT_RS_GOT_VENEERS)", s = what.as_ptr());
        Error::NoExec
    }

    fn slot(map: &mut Option<HeapArray<u32>>, key: u32) -> Result<&mut u32> {
        map.as_mut().and_then(|m| m.as_mut_slice().get_mut(key as usize)).ok_or_else(|| {
            crate::error!(c"no GOT/veneer space was reserved for symbol %lu", key);
            Error::NoExec
        })
    }
}

impl Aux for AuxArea<'_> {
    fn got_entry(&mut self, key: u32, value: Addr) -> Result<Addr> {
        if !cfg!(feature = "got-veneers") {
            return Err(Self::not_built(c"GOT entry"));
        }
        let size = self.arch.pointer_size();
        let slot = Self::slot(&mut self.got_slot, key)?;
        let index = if *slot != 0 {
            (*slot - 1) as usize
        } else {
            if self.got_used >= self.got_cap {
                return Err(Error::NoExec);
            }
            self.got_used += 1;
            *slot = u32::try_from(self.got_used).map_err(|_| Error::NoExec)?;
            self.got_used - 1
        };
        let offset = index * size;
        match size {
            8 => arch::write_u64(self.bytes, offset, value)?,
            _ => arch::write_u32(self.bytes, offset, value as u32)?,
        }
        Ok(self.run + offset as Addr)
    }

    fn veneer(&mut self, key: u32, target: Addr, kind: VeneerKind) -> Result<Addr> {
        if !cfg!(feature = "got-veneers") {
            return Err(Self::not_built(c"call veneer (branch out of range; build with -mlong-calls)"));
        }
        let slot_size = veneer_slot(self.arch);
        let slot = Self::slot(&mut self.veneer_slot, key)?;
        let index = if *slot != 0 {
            (*slot - 1) as usize
        } else {
            if self.veneer_used >= self.veneer_cap {
                return Err(Error::NoExec);
            }
            self.veneer_used += 1;
            *slot = u32::try_from(self.veneer_used).map_err(|_| Error::NoExec)?;
            self.veneer_used - 1
        };
        let offset = self.got_cap * self.arch.pointer_size() + index * slot_size;
        let address = self.run + offset as Addr;
        let bytes = self.bytes.get_mut(offset..offset + kind.size()).ok_or(Error::NoExec)?;
        arch::write_veneer(kind, bytes, address, target)?;
        Ok(address)
    }
}

/// Write and run address of section `index`'s bytes, and its length.
fn section_memory(input: &LinkInput, source: &mut dyn Source, index: usize) -> Result<(*mut u8, Addr, usize)> {
    let s = input.sections.at(index)?;
    let p = input.places.get(index).ok_or(Error::NoExec)?;
    let len = usize::try_from(s.size).map_err(|_| Error::NoExec)?;
    if p.detached {
        let ptr = source.peek(s.offset, len).ok_or(Error::NotSup)?;
        let run = input.platform.run_address(ptr).ok_or(Error::Fault)?;
        return Ok((ptr, run, len));
    }
    let m = input.mems.get(usize::from(p.region)).ok_or(Error::NoExec)?;
    let run = m.run.wrapping_add(p.offset as Addr);
    if m.write.is_null() {
        if s.has_file_bytes() {
            return Err(Error::NoExec);
        }
        // A region without memory here (a pre-located BSS): no bytes to write, whatever
        // the section's offset in it (null plus an offset is not a pointer).
        return Ok((core::ptr::null_mut(), run, len));
    }
    Ok((m.write.wrapping_add(p.offset), run, len))
}

/// Run address of a symbol defined in the extension.
fn defined_address(input: &LinkInput, source: &mut dyn Source, shndx: usize, value: Addr) -> Result<Addr> {
    match input.header.elf_type {
        ElfType::Relocatable => {
            let Some(p) = input.places.get(shndx).filter(|p| p.is_loaded()) else {
                crate::error!(c"symbol refers to section %lu, which is not loaded", shndx);
                return Err(Error::NoExec);
            };
            // Once per relocation: the section map gives the address without decoding
            // the section header, except for detached sections and memory-less regions.
            let run = match input.mems.get(usize::from(p.region)) {
                Some(m) if !p.detached && !m.write.is_null() => m.run.wrapping_add(p.offset as Addr),
                _ => section_memory(input, source, shndx)?.1,
            };
            Ok(run.wrapping_add(value))
        }
        #[cfg(feature = "elf-shared")]
        ElfType::Shared => {
            let image = input.image;
            let offset = value.checked_sub(image.vma_base).filter(|&o| o <= image.size as Addr).ok_or_else(|| {
                crate::error!(c"symbol address 0x%lx outside the image", value);
                Error::NoExec
            })?;
            Ok(image.run_base + offset)
        }
    }
}

/// Resolves symbol `index` of the extension's symbol table.
pub fn resolve_symbol(input: &LinkInput, source: &mut dyn Source, resolver: &mut dyn Resolver, got_base: Addr, index: u32) -> Result<Target> {
    if index == 0 {
        return Ok(Target { value: 0, kind: SymbolKind::None, key: 0 });
    }
    let sym = input.symbols.get(index as usize).ok_or_else(|| {
        crate::error!(c"relocation refers to symbol %lu past the table", index);
        Error::NoExec
    })?;
    let local = |value| Target { value, kind: SymbolKind::Local, key: index };
    match sym.shndx {
        SHN_UNDEF => {
            let name = input.strings.get(sym.name).ok_or(Error::NoExec)?;
            if name == GOT_SYMBOL {
                return Ok(local(got_base));
            }
            if let Some(value) = resolver.resolve(name, sym.value) {
                return Ok(Target { value, kind: SymbolKind::Absolute, key: index });
            }
            if sym.binding() == STB_WEAK {
                return Ok(Target { value: 0, kind: SymbolKind::UndefinedWeak, key: index });
            }
            crate::error!(c"undefined symbol %s has no export", s = crate::diag::name(name));
            if name.starts_with(b"__device_") {
                // Zephyr's hint: device objects are exported only with this option,
                // and only those the image defines.
                crate::warn!(c"(device objects: CONFIG_LLEXT_EXPORT_DEVICES exports those the image defines)");
            }
            Err(Error::NoData)
        }
        SHN_ABS => Ok(Target { value: sym.value, kind: SymbolKind::Absolute, key: index }),
        SHN_COMMON => {
            crate::error!(c"common symbol %lu (build extensions with -fno-common)", index);
            Err(Error::NoExec)
        }
        shndx if shndx >= SHN_LORESERVE || usize::from(shndx) >= input.sections.len() => {
            crate::error!(c"symbol %lu has invalid section index 0x%lx", index, shndx);
            Err(Error::NoExec)
        }
        shndx => {
            let value = defined_address(input, source, usize::from(shndx), sym.value)?;
            // Only ARM's relocator tells functions apart (Thumb's T bit).
            let function = input.header.arch.is_arm() && sym.sym_type() == crate::elf::STT_FUNC;
            Ok(Target { value, kind: if function { SymbolKind::LocalFunction } else { SymbolKind::Local }, key: index })
        }
    }
}

/// Run address of the GOT (`_GLOBAL_OFFSET_TABLE_`): the aux area after an `ET_REL`
/// file's text; 0 for an `ET_DYN` image, which brings its own.
pub fn got_base(header: &Header, mems: &[RegionMem; mem::COUNT]) -> Addr {
    match (header.elf_type, mems.get(mem::TEXT)) {
        (ElfType::Relocatable, Some(text)) => text.aux_run(),
        _ => 0,
    }
}

/// Applies every relocation. Errors are logged per relocation; the first is returned
/// after all were tried (as Zephyr does, so one load shows every problem).
pub fn relocate_all(input: &LinkInput, source: &mut dyn Source, resolver: &mut dyn Resolver, aux_plan: &AuxPlan) -> Result<()> {
    let arch = input.header.arch;
    let text = input.mems.get(mem::TEXT).ok_or(Error::NoExec)?;
    // Without `got-veneers` nothing is reserved: said here, the aux setup folds away.
    let aux_plan = if cfg!(feature = "got-veneers") { *aux_plan } else { AuxPlan::default() };
    let aux_bytes = aux_plan.bytes(arch, text.size).ok_or(Error::NoMem)?;
    let aux_len = aux_bytes.saturating_sub(crate::layout::aux_offset(text.size) - text.size);
    let aux_write = text.aux_write();
    let aux_slice: &mut [u8] = if aux_len == 0 || aux_write.is_null() {
        &mut []
    } else {
        // SAFETY: memory write area: the aux bytes reserved after the text content in
        // the text region's own heap block; nothing else refers to them.
        unsafe { core::slice::from_raw_parts_mut(aux_write, aux_len) }
    };
    if aux_len != 0 && aux_slice.is_empty() {
        return Err(Error::NoExec);
    }
    let per_symbol = |n: usize| -> Result<Option<HeapArray<u32>>> {
        // Without `got-veneers` nothing is ever reserved (`plan_aux`): no code for it.
        if n == 0 || !cfg!(feature = "got-veneers") {
            Ok(None)
        } else {
            HeapArray::zeroed(input.platform, MemKind::Meta, input.symbols.len().max(1)).map(Some)
        }
    };
    let got = got_base(input.header, input.mems);
    let mut aux = AuxArea {
        arch,
        bytes: aux_slice,
        run: got,
        got_cap: aux_plan.got_entries,
        got_used: 0,
        veneer_used: 0,
        veneer_cap: aux_plan.veneers,
        got_slot: per_symbol(aux_plan.got_entries)?,
        veneer_slot: per_symbol(aux_plan.veneers)?,
    };
    let image = ArchImage {
        // Only an `ET_DYN` image has a load bias.
        load_bias: if cfg!(feature = "elf-shared") { input.image.run_base.wrapping_sub(input.image.vma_base) } else { 0 },
        got_base: got,
    };

    let mut first_error = None;
    // Entries read from a loader that cannot be peeked (one buffer for every section).
    let mut batch = [0u8; MAX_REL_SIZE * REL_BATCH];
    for (index, s) in input.sections.iter() {
        let Some(target) = rel_target(input, index, s) else { continue };
        let (write, run, len) = match target {
            RelTarget::Section(t) => section_memory(input, source, t)?,
            #[cfg(feature = "elf-shared")]
            RelTarget::Image => (input.image.write_base, input.image.run_base, input.image.size),
        };
        if write.is_null() {
            continue;
        }
        #[cfg(feature = "elf-shared")]
        let in_image = matches!(target, RelTarget::Image);
        #[cfg(not(feature = "elf-shared"))]
        let in_image = false;
        // The entries, straight from the loader's buffer when it can be peeked, else a
        // few at a time; one loop either way, so the per-relocation work is inline
        // here rather than a callback per entry.
        let rela = s.sh_type == SHT_RELA;
        let size = input.header.class.rel_size(rela);
        let count = (s.size / size as Addr) as usize;
        let peeked = source.peek(s.offset, count * size);
        let mut done = 0;
        while done < count {
            let entries: &[u8] = match peeked {
                // SAFETY: memory read of the entries `peek` checked. No relocation
                // writes into them: sections never share file bytes (validation's file
                // order, `pack-regions`) or relocation sections never overlap a region
                // or a detached section (the layout's `check_file_ranges`).
                Some(base) => unsafe { core::slice::from_raw_parts(base.cast_const(), count * size) },
                None => {
                    let n = (count - done).min(REL_BATCH);
                    let Some(bytes) = batch.get_mut(..n * size) else { break };
                    if let Err(e) = source.read_at(s.offset + (done * size) as Addr, bytes) {
                        // Reading the entries failed: nothing more for this section.
                        first_error.get_or_insert(e);
                        break;
                    }
                    bytes
                }
            };
            done += entries.len() / size;
            for entry in entries.chunks_exact(size) {
                let Some(rel) = decode_rel(input.header.class, rela, entry) else { continue };
                let outcome = (|| {
                    let target = resolve_symbol(input, source, resolver, image.got_base, rel.sym)?;
                    // ET_REL: `r_offset` is a section offset; ET_DYN: a link-time address.
                    let offset = if in_image { rel.offset.checked_sub(input.image.vma_base) } else { Some(rel.offset) };
                    let offset = offset.and_then(|o| usize::try_from(o).ok()).ok_or(Error::NoExec)?;
                    // SAFETY: memory write: `write..write+len` is the target section's
                    // memory (its region, the ET_DYN image or, for a detached section,
                    // the loader buffer); the relocator bounds every access to it, and
                    // no other reference to these bytes is alive during the call.
                    let bytes = unsafe { core::slice::from_raw_parts_mut(write, len) };
                    let place = Place { bytes, offset, address: run.wrapping_add(offset as Addr) };
                    arch::relocate(arch, &Reloc { r_type: rel.r_type, addend: rel.addend }, place, &target, &image, &mut aux)
                })();
                if let Err(e) = outcome {
                    crate::error!(c"relocation type %lu at 0x%lx (section %lu) failed", rel.r_type, rel.offset, index);
                    first_error.get_or_insert(e);
                }
            }
        }
    }
    match first_error {
        Some(e) => Err(e),
        None => Ok(()),
    }
}
