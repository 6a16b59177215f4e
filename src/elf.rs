//! Validated views of an ELF file: header, section table, symbols, strings and
//! relocation entries. Every index and range taken from the file is checked here, once;
//! later stages work on the checked values.
//!
//! Raw structures are decoded with the `object` crate's ELF definitions (its `elf` and
//! `pod` modules only: `read_core` would pull in `alloc` and force a global allocator on
//! the static library).

use object::elf as raw;
use object::{pod, LittleEndian as LE};

use crate::arch::Arch;
use crate::error::{Error, Result};
use crate::source::{check_range, Source};

pub use raw::{
    SHF_ALLOC, SHF_EXECINSTR, SHF_WRITE, SHN_ABS, SHN_COMMON, SHN_LORESERVE, SHN_UNDEF,
    SHT_DYNSYM, SHT_FINI_ARRAY, SHT_INIT_ARRAY, SHT_NOBITS, SHT_NULL, SHT_PREINIT_ARRAY,
    SHT_PROGBITS, SHT_REL, SHT_RELA, SHT_STRTAB, SHT_SYMTAB, STB_GLOBAL, STB_LOCAL, STB_WEAK,
    STT_FUNC, STT_OBJECT, STT_SECTION,
};

/// An address, file offset or size as the ELF classes compiled in need it: 32 bits
/// unless a 64-bit relocator is built, so a 32-bit target does no 64-bit arithmetic
/// (every value of an ELF32 file fits; each sum is checked as before).
#[cfg(feature = "arch-x86_64")]
pub type Addr = u64;
#[cfg(not(feature = "arch-x86_64"))]
pub type Addr = u32;
/// Signed counterpart of [`Addr`] (RELA addends).
#[cfg(feature = "arch-x86_64")]
pub type SAddr = i64;
#[cfg(not(feature = "arch-x86_64"))]
pub type SAddr = i32;

/// The little-endian word in `bytes` (a field or pointer of the file's class: 4 bytes,
/// or 8 in a 64-bit build), zero-extended; 0 for any other length. Inlined: the layout
/// loops read one field per section this way.
#[inline(always)]
pub fn addr_le(bytes: &[u8]) -> Addr {
    if let Ok(word) = <[u8; 4]>::try_from(bytes) {
        return Addr::from(u32::from_le_bytes(word));
    }
    #[cfg(feature = "arch-x86_64")]
    if let Ok(word) = <[u8; 8]>::try_from(bytes) {
        return u64::from_le_bytes(word);
    }
    0
}

/// ELF class of a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
///
/// `Elf64` exists only when a 64-bit relocator is compiled in, so 32-bit builds carry no
/// ELF64 decoding at all.
pub enum Class {
    Elf32,
    #[cfg(feature = "arch-x86_64")]
    Elf64,
}

impl Class {
    pub const fn header_size(self) -> usize {
        match self {
            Class::Elf32 => 52,
            #[cfg(feature = "arch-x86_64")]
            Class::Elf64 => 64,
        }
    }
    pub const fn section_header_size(self) -> usize {
        match self {
            Class::Elf32 => 40,
            #[cfg(feature = "arch-x86_64")]
            Class::Elf64 => 64,
        }
    }
    pub const fn symbol_size(self) -> usize {
        match self {
            Class::Elf32 => 16,
            #[cfg(feature = "arch-x86_64")]
            Class::Elf64 => 24,
        }
    }
    pub const fn rel_size(self, rela: bool) -> usize {
        match (self, rela) {
            (Class::Elf32, false) => 8,
            (Class::Elf32, true) => 12,
            #[cfg(feature = "arch-x86_64")]
            (Class::Elf64, false) => 16,
            #[cfg(feature = "arch-x86_64")]
            (Class::Elf64, true) => 24,
        }
    }
    pub const fn pointer_size(self) -> usize {
        match self {
            Class::Elf32 => 4,
            #[cfg(feature = "arch-x86_64")]
            Class::Elf64 => 8,
        }
    }
    pub const fn of(arch: Arch) -> Class {
        #[cfg(feature = "arch-x86_64")]
        if arch.is_64bit() {
            return Class::Elf64;
        }
        let _ = arch;
        Class::Elf32
    }
}

/// `e_type` values llext loads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ElfType {
    /// `ET_REL`: one object, or `ld -r` partially linked.
    Relocatable,
    /// `ET_DYN`: shared library (only with the `elf-shared` feature,
    /// `CONFIG_LLEXT_RS_SHAREDLIB`).
    #[cfg(feature = "elf-shared")]
    Shared,
}

/// The checked ELF header.
#[derive(Clone, Copy, Debug)]
pub struct Header {
    pub class: Class,
    pub arch: Arch,
    pub elf_type: ElfType,
    pub shoff: Addr,
    pub shnum: usize,
    pub shstrndx: usize,
}

/// Largest header we read (ELF64).
pub const MAX_HEADER_SIZE: usize = 64;

impl Header {
    /// Reads and checks the ELF header for loading on `arch`. Returns the header and its
    /// raw bytes (what `struct llext_loader.hdr` holds).
    pub fn read(source: &mut dyn Source, arch: Arch) -> Result<(Header, [u8; MAX_HEADER_SIZE])> {
        let mut bytes = [0u8; MAX_HEADER_SIZE];
        let class = Class::of(arch);
        let size = class.header_size();
        let file_len = source.file_len();
        check_range(file_len, 0, size as Addr).inspect_err(|_| {
            crate::error!(c"file too short for an ELF header");
        })?;
        source.read_at(0, bytes.get_mut(..size).ok_or(Error::NoExec)?)?;
        let header = match class {
            Class::Elf32 => {
                let h = pod::from_bytes::<raw::FileHeader32<LE>>(&bytes).map_err(|_| Error::NoExec)?.0;
                Self::decode(
                    RawHeader { ident: &h.e_ident, machine: h.e_machine.get(LE), e_type: h.e_type.get(LE), shentsize: h.e_shentsize.get(LE), shnum: h.e_shnum.get(LE), shstrndx: h.e_shstrndx.get(LE), shoff: h.e_shoff.get(LE).into() },
                    arch,
                )?
            }
            #[cfg(feature = "arch-x86_64")]
            Class::Elf64 => {
                let h = pod::from_bytes::<raw::FileHeader64<LE>>(&bytes).map_err(|_| Error::NoExec)?.0;
                Self::decode(
                    RawHeader { ident: &h.e_ident, machine: h.e_machine.get(LE), e_type: h.e_type.get(LE), shentsize: h.e_shentsize.get(LE), shnum: h.e_shnum.get(LE), shstrndx: h.e_shstrndx.get(LE), shoff: h.e_shoff.get(LE) },
                    arch,
                )?
            }
        };
        let table_size = (header.shnum as Addr).checked_mul(class.section_header_size() as Addr).ok_or(Error::NoExec)?;
        check_range(file_len, header.shoff, table_size).inspect_err(|_| {
            crate::error!(c"section header table outside the file");
        })?;
        Ok((header, bytes))
    }

    fn decode(h: RawHeader, arch: Arch) -> Result<Header> {
        let ident = h.ident;
        if ident.magic != raw::ELFMAG {
            crate::error!(c"not an ELF file");
            return Err(Error::NoExec);
        }
        let class = Class::of(arch);
        let want_class = match class {
            Class::Elf32 => raw::ELFCLASS32,
            #[cfg(feature = "arch-x86_64")]
            Class::Elf64 => raw::ELFCLASS64,
        };
        if ident.class != want_class || ident.data != raw::ELFDATA2LSB || ident.version != raw::EV_CURRENT {
            crate::error!(c"ELF class/data/version %lu/%lu/%lu does not match this target", ident.class, ident.data, ident.version);
            return Err(Error::NoExec);
        }
        let machine = h.machine;
        if machine != arch.machine() {
            crate::error!(c"ELF machine %lu does not match this target (%lu)", machine, arch.machine());
            return Err(Error::NoExec);
        }
        let elf_type = match h.e_type {
            raw::ET_REL => ElfType::Relocatable,
            #[cfg(feature = "elf-shared")]
            raw::ET_DYN => ElfType::Shared,
            #[cfg(not(feature = "elf-shared"))]
            raw::ET_DYN => {
                crate::error!(c"shared library (ET_DYN) support is not built in (CONFIG_LLEXT_RS_SHAREDLIB)");
                return Err(Error::NotSup);
            }
            other => {
                crate::error!(c"unsupported ELF file type 0x%lx", other);
                return Err(Error::NoExec);
            }
        };
        if usize::from(h.shentsize) != class.section_header_size() {
            crate::error!(c"invalid section header size %lu", h.shentsize);
            return Err(Error::NoExec);
        }
        let shnum = usize::from(h.shnum);
        let shstrndx = usize::from(h.shstrndx);
        // shnum == 0 also marks extended numbering (SHN_XINDEX), which extensions never need.
        if shnum == 0 || shstrndx == 0 || shstrndx >= shnum {
            crate::error!(c"bad section count %lu or name table index %lu", shnum, shstrndx);
            return Err(Error::NoExec);
        }
        Ok(Header { class, arch, elf_type, shoff: h.shoff, shnum, shstrndx })
    }
}

/// The header fields llext checks, from either class.
struct RawHeader<'a> {
    ident: &'a raw::Ident,
    machine: u16,
    e_type: u16,
    shentsize: u16,
    shnum: u16,
    shstrndx: u16,
    shoff: Addr,
}

/// A section header, its wide fields in `Addr`. `repr(C)`: with 32-bit `Addr` this is
/// exactly `Elf32_Shdr`, with 64-bit `Addr` exactly `Elf64_Shdr`, so headers of the
/// class `Addr` matches are read as they lie in the table, without decoding.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(C)]
pub struct Section {
    pub name: u32,
    pub sh_type: u32,
    pub flags: Addr,
    pub addr: Addr,
    pub offset: Addr,
    pub size: Addr,
    pub link: u32,
    pub info: u32,
    pub align: Addr,
    pub entsize: Addr,
}

impl Section {
    pub fn is_alloc(&self) -> bool {
        self.flags & Addr::from(SHF_ALLOC) != 0
    }
    pub fn is_exec(&self) -> bool {
        self.flags & Addr::from(SHF_EXECINSTR) != 0
    }
    pub fn is_write(&self) -> bool {
        self.flags & Addr::from(SHF_WRITE) != 0
    }
    /// A relocation section (`SHT_REL` or `SHT_RELA`).
    pub fn is_relocation(&self) -> bool {
        self.sh_type == SHT_REL || self.sh_type == SHT_RELA
    }
    /// Occupies bytes in the file.
    pub fn has_file_bytes(&self) -> bool {
        occupies_file(self.sh_type, self.size)
    }
    /// Alignment as a power of two; gABI: 0 and 1 both mean unaligned.
    pub fn alignment(&self) -> Addr {
        self.align.max(1)
    }
    pub fn file_end(&self) -> Addr {
        // Checked at validation: offset + size fits for sections with file bytes.
        self.offset.saturating_add(self.size)
    }
}

/// A section of type `sh_type` and `size` bytes occupies bytes in the file.
fn occupies_file(sh_type: u32, size: Addr) -> bool {
    sh_type != SHT_NOBITS && sh_type != SHT_NULL && size != 0
}

/// True when section headers of `class` are laid out as `Section` (little-endian
/// target, and `Addr` as wide as the class's fields): then the table in the file is used
/// as `[Section]` directly.
pub fn is_native_section_layout(class: Class) -> bool {
    cfg!(target_endian = "little") && class.section_header_size() == core::mem::size_of::<Section>()
}
const _: () = assert!(core::mem::size_of::<Section>() == if cfg!(feature = "arch-x86_64") { 64 } else { 40 });
// The table is aligned to the class's pointer size (see `load::read_header_table`).
const _: () = assert!(core::mem::align_of::<Section>() == if cfg!(feature = "arch-x86_64") { 8 } else { 4 });

// SAFETY: integers; all-zero is a valid value and there is no drop glue.
unsafe impl crate::platform::Zeroable for Section {}

/// Section header `bytes` of `class` decoded (for a class whose layout is not
/// `Section`'s: an ELF32 file in a build with 64-bit `Addr`).
#[cfg(feature = "arch-x86_64")]
pub fn decode_section(class: Class, bytes: &[u8]) -> Option<Section> {
    Some(match class {
        Class::Elf32 => {
            let s = pod::from_bytes::<raw::SectionHeader32<LE>>(bytes).ok()?.0;
            Section {
                name: s.sh_name.get(LE),
                sh_type: s.sh_type.get(LE),
                flags: s.sh_flags.get(LE).into(),
                addr: s.sh_addr.get(LE).into(),
                offset: s.sh_offset.get(LE).into(),
                size: s.sh_size.get(LE).into(),
                link: s.sh_link.get(LE),
                info: s.sh_info.get(LE),
                align: s.sh_addralign.get(LE).into(),
                entsize: s.sh_entsize.get(LE).into(),
            }
        }
        Class::Elf64 => {
            let s = pod::from_bytes::<raw::SectionHeader64<LE>>(bytes).ok()?.0;
            Section {
                name: s.sh_name.get(LE),
                sh_type: s.sh_type.get(LE),
                flags: s.sh_flags.get(LE),
                addr: s.sh_addr.get(LE),
                offset: s.sh_offset.get(LE),
                size: s.sh_size.get(LE),
                link: s.sh_link.get(LE),
                info: s.sh_info.get(LE),
                align: s.sh_addralign.get(LE),
                entsize: s.sh_entsize.get(LE),
            }
        }
    })
}

/// A validated section header table, as `Section`s (the file's own table when its layout
/// is native, see `is_native_section_layout`; a decoded copy otherwise).
#[derive(Clone, Copy)]
pub struct SectionTable<'a> {
    headers: &'a [Section],
    class: Class,
}

impl<'a> SectionTable<'a> {
    pub fn new(headers: &'a [Section], class: Class) -> SectionTable<'a> {
        SectionTable { headers, class }
    }

    pub fn len(&self) -> usize {
        self.headers.len()
    }

    pub fn is_empty(&self) -> bool {
        self.headers.is_empty()
    }

    /// Section `index`, or `None` past the end.
    pub fn get(&self, index: usize) -> Option<Section> {
        self.headers.get(index).copied()
    }

    /// `sh_type` of section `index`.
    pub fn type_of(&self, index: usize) -> Option<u32> {
        self.get(index).map(|s| s.sh_type)
    }

    /// `sh_offset` of section `index`.
    pub fn offset_of(&self, index: usize) -> Option<Addr> {
        self.get(index).map(|s| s.offset)
    }

    /// File range `(offset, end)` of section `index` if it occupies bytes in the file
    /// (as `Section::has_file_bytes`).
    #[cfg(feature = "pack-regions")]
    pub fn file_range_of(&self, index: usize) -> Option<(Addr, Addr)> {
        let s = self.headers.get(index)?;
        s.has_file_bytes().then(|| (s.offset, s.file_end()))
    }

    /// Section `index`, which the caller got from a validated field.
    pub fn at(&self, index: usize) -> Result<&'a Section> {
        self.headers.get(index).ok_or(Error::NoExec)
    }

    /// Every section with its index, by reference (a `Section` is 40 bytes: loops over
    /// the table read only the fields they use).
    pub fn iter(&self) -> impl Iterator<Item = (usize, &'a Section)> + 'a {
        self.headers.iter().enumerate()
    }

    /// Checks every section header once: file ranges, links, entry sizes, alignments.
    ///
    /// Returns the index of the symbol table the load links with: the one `SHT_SYMTAB`
    /// of an `ET_REL` file (`SHT_DYNSYM` of an `ET_DYN` one); none, or two, is an error.
    pub fn validate(&self, header: &Header, file_len: Option<Addr>) -> Result<usize> {
        let want = match header.elf_type {
            ElfType::Relocatable => SHT_SYMTAB,
            #[cfg(feature = "elf-shared")]
            ElfType::Shared => SHT_DYNSYM,
        };
        let mut symtab = None;
        let shnum = self.len();
        let shstrtab = self.at(header.shstrndx)?;
        if shstrtab.sh_type != SHT_STRTAB {
            crate::error!(c"section name table %lu is not a string table", header.shstrndx);
            return Err(Error::NoExec);
        }
        for (index, s) in self.iter() {
            let bad = |why: &'static core::ffi::CStr| {
                crate::error!(c"%s (section %lu)", s = why.as_ptr(), index);
                Error::NoExec
            };
            if index == 0 {
                // The reserved null entry (gABI); only ELF's extended numbering uses some
                // of its fields, never its type. As a section it would go unvalidated.
                if s.sh_type != SHT_NULL {
                    return Err(bad(c"section 0 is not SHT_NULL"));
                }
                continue;
            }
            if Addr::from(s.name) >= shstrtab.size {
                return Err(bad(c"invalid name index"));
            }
            if s.has_file_bytes() {
                check_range(file_len, s.offset, s.size).map_err(|_| bad(c"outside the file"))?;
            }
            if !s.alignment().is_power_of_two() {
                return Err(bad(c"alignment not a power of two"));
            }
            match s.sh_type {
                SHT_SYMTAB | SHT_DYNSYM => {
                    if s.entsize != self.class.symbol_size() as Addr || s.size % s.entsize != 0 {
                        return Err(bad(c"invalid symbol table"));
                    }
                    // The linked header's type only: one field, not a decoded header.
                    let strtab_type = self.type_of(s.link as usize).ok_or_else(|| bad(c"bad sh_link"))?;
                    if strtab_type != SHT_STRTAB || s.link == 0 {
                        return Err(bad(c"symbol table not linked to a string table"));
                    }
                    if s.sh_type == want && symtab.replace(index).is_some() {
                        return Err(bad(c"more than one symbol table"));
                    }
                }
                SHT_REL | SHT_RELA => {
                    let want = self.class.rel_size(s.sh_type == SHT_RELA) as Addr;
                    if s.entsize != want || s.size % want != 0 {
                        return Err(bad(c"invalid relocation entry size"));
                    }
                    let symtab_type = self.type_of(s.link as usize).ok_or_else(|| bad(c"bad sh_link"))?;
                    if symtab_type != SHT_SYMTAB && symtab_type != SHT_DYNSYM {
                        return Err(bad(c"relocations not linked to a symbol table"));
                    }
                    // ET_DYN dynamic relocations use sh_info 0 (addresses, not a section).
                    if s.info as usize >= shnum {
                        return Err(bad(c"bad sh_info"));
                    }
                }
                SHT_PREINIT_ARRAY | SHT_INIT_ARRAY | SHT_FINI_ARRAY if s.is_alloc() && s.size != 0 => {
                    let ptr = self.class.pointer_size() as Addr;
                    if s.entsize != ptr || s.size % ptr != 0 {
                        return Err(bad(c"invalid init/fini array"));
                    }
                }
                _ => {}
            }
        }
        symtab.ok_or_else(|| {
            crate::error!(c"no symbol table");
            Error::NoExec
        })
    }

    /// `order` (one slot per section) = every section index sorted by (file offset,
    /// index), for the layout to pack regions in that order without scanning the table
    /// once per member; `links` (one slot per section) is scratch. Sections with file
    /// bytes must not share any (checked on the way).
    #[cfg(feature = "pack-regions")]
    pub fn sort_file_order(&self, order: &mut [u16], links: &mut [u16]) -> Result<()> {
        let order = order.get_mut(..self.len()).ok_or(Error::NoExec)?;
        let links = links.get_mut(..self.len()).ok_or(Error::NoExec)?;
        if !self.merge_runs(order, links)? {
            self.sort_by_offset(order)?;
        }
        let mut end_of_previous: Addr = 0;
        for &index in order.iter() {
            let Some((offset, end)) = self.file_range_of(usize::from(index)) else { continue };
            if end_of_previous > offset {
                crate::error!(c"sections overlap in the file at offset 0x%lx", offset);
                return Err(Error::NoExec);
            }
            end_of_previous = end;
        }
        Ok(())
    }

    /// `order` = section indices sorted by (file offset, index), the fast way for files
    /// as tools write them: in index order the offsets form a few increasing runs (gas
    /// writes every section's bytes, then the relocation sections'), so each index joins
    /// the first run it extends, runs are chained through `links` (scratch, one slot per
    /// section) and merged, in O(n) per run. False, and `order` unspecified, for a file
    /// of more than `MAX_RUNS` runs: then it is sorted.
    #[cfg(feature = "pack-regions")]
    fn merge_runs(&self, order: &mut [u16], links: &mut [u16]) -> Result<bool> {
        const MAX_RUNS: usize = 4;
        /// End of a run's chain (no section has this index: `e_shnum` is a u16).
        const END: usize = u16::MAX as usize;
        // Per run: first and last member, and the last member's offset.
        let mut head = [END; MAX_RUNS];
        let mut tail = [END; MAX_RUNS];
        let mut last: [Addr; MAX_RUNS] = [0; MAX_RUNS];
        let mut runs = 0;
        for (index, s) in self.headers.iter().enumerate() {
            let Some(run) = (0..runs).find(|&r| last.get(r).is_some_and(|&l| l <= s.offset)).or((runs < MAX_RUNS).then_some(runs)) else {
                return Ok(false);
            };
            runs = runs.max(run + 1);
            let (Some(h), Some(t), Some(l)) = (head.get_mut(run), tail.get_mut(run), last.get_mut(run)) else { return Ok(false) };
            match links.get_mut(*t) {
                Some(link) => *link = index as u16,
                None => *h = index,
            }
            *t = index;
            *l = s.offset;
            *links.get_mut(index).ok_or(Error::NoExec)? = END as u16;
        }
        // The head offsets, cached: one compare per run for each placed section.
        let offset_of = |index: usize| self.headers.get(index).map_or(Addr::MAX, |s| s.offset);
        let mut head_offset: [Addr; MAX_RUNS] = [0; MAX_RUNS];
        for (o, &h) in head_offset.iter_mut().zip(head.iter()) {
            *o = offset_of(h);
        }
        for slot in order.iter_mut() {
            // The smallest (offset, index) of the run heads (an ended run has head END).
            let mut best = 0;
            for run in 1..runs {
                let (Some(&h), Some(&o), Some(&bh), Some(&bo)) = (head.get(run), head_offset.get(run), head.get(best), head_offset.get(best)) else { continue };
                if (o, h) < (bo, bh) {
                    best = run;
                }
            }
            let (Some(h), Some(o)) = (head.get_mut(best), head_offset.get_mut(best)) else { return Err(Error::NoExec) };
            let next = links.get(*h).ok_or(Error::NoExec)?;
            *slot = *h as u16;
            *h = *next as usize;
            *o = offset_of(*h);
        }
        Ok(true)
    }

    /// `order` = section indices sorted by (file offset, index): the general case, for
    /// files the run merge declines (more runs than tools write). Insertion sort: no
    /// code beyond this loop, quadratic only for files no tool writes.
    #[cfg(feature = "pack-regions")]
    fn sort_by_offset(&self, order: &mut [u16]) -> Result<()> {
        let offset_of = |index: u16| self.headers.get(usize::from(index)).map_or(0, |s| s.offset);
        for i in 0..order.len() {
            let index = u16::try_from(i).map_err(|_| Error::NoExec)?;
            let offset = offset_of(index);
            // Indices arrive in increasing order: equal offsets keep it.
            let mut at = i;
            while let Some(&before) = at.checked_sub(1).and_then(|b| order.get(b)) {
                if offset_of(before) <= offset {
                    break;
                }
                *order.get_mut(at).ok_or(Error::NoExec)? = before;
                at -= 1;
            }
            *order.get_mut(at).ok_or(Error::NoExec)? = index;
        }
        Ok(())
    }
}

/// A symbol, its wide fields in `Addr`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Symbol {
    pub name: u32,
    pub value: Addr,
    pub size: Addr,
    pub info: u8,
    pub shndx: u16,
}

impl Symbol {
    pub fn binding(&self) -> u8 {
        self.info >> 4
    }
    pub fn sym_type(&self) -> u8 {
        self.info & 0xf
    }
}

/// A symbol table in memory.
#[derive(Clone, Copy)]
pub struct SymbolTable<'a> {
    raw: &'a [u8],
    class: Class,
}

impl<'a> SymbolTable<'a> {
    pub fn new(raw: &'a [u8], class: Class) -> Self {
        SymbolTable { raw, class }
    }

    pub fn len(&self) -> usize {
        self.raw.len() / self.class.symbol_size()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn get(&self, index: usize) -> Option<Symbol> {
        let size = self.class.symbol_size();
        let start = index.checked_mul(size)?;
        let bytes = self.raw.get(start..start.checked_add(size)?)?;
        Some(match self.class {
            Class::Elf32 => {
                let s = pod::from_bytes::<raw::Sym32<LE>>(bytes).ok()?.0;
                Symbol { name: s.st_name.get(LE), value: s.st_value.get(LE).into(), size: s.st_size.get(LE).into(), info: s.st_info, shndx: s.st_shndx.get(LE) }
            }
            #[cfg(feature = "arch-x86_64")]
            Class::Elf64 => {
                let s = pod::from_bytes::<raw::Sym64<LE>>(bytes).ok()?.0;
                Symbol { name: s.st_name.get(LE), value: s.st_value.get(LE), size: s.st_size.get(LE), info: s.st_info, shndx: s.st_shndx.get(LE) }
            }
        })
    }
}

/// A string table in memory.
#[derive(Clone, Copy)]
pub struct StringTable<'a> {
    raw: &'a [u8],
}

impl<'a> StringTable<'a> {
    pub fn new(raw: &'a [u8]) -> Self {
        StringTable { raw }
    }

    /// The NUL-terminated string at `offset`, without its NUL; `None` if it runs off the
    /// end of the table.
    pub fn get(&self, offset: u32) -> Option<&'a [u8]> {
        let tail = self.raw.get(offset as usize..)?;
        let end = tail.iter().position(|&b| b == 0)?;
        tail.get(..end)
    }

    /// True if the string at `offset` is `name`: compares `name` and its NUL, without
    /// scanning for the end of a string that differs.
    pub fn is(&self, offset: u32, name: &[u8]) -> bool {
        let start = offset as usize;
        // The NUL first: it rejects almost every other name without a compare.
        self.raw.get(start.saturating_add(name.len())) == Some(&0) && self.raw.get(start..start.saturating_add(name.len())) == Some(name)
    }

    /// True if the table ends with a NUL, as gABI requires: then every offset inside it
    /// starts a terminated string.
    pub fn is_terminated(&self) -> bool {
        self.raw.last() == Some(&0)
    }
}

/// One relocation entry, decoded.
#[derive(Clone, Copy, Debug)]
pub struct RelEntry {
    pub offset: Addr,
    pub sym: u32,
    pub r_type: u32,
    pub addend: Option<SAddr>,
}

/// Decodes one REL/RELA entry of `class` from `bytes` (exactly one entry long).
pub fn decode_rel(class: Class, rela: bool, bytes: &[u8]) -> Option<RelEntry> {
    Some(match (class, rela) {
        (Class::Elf32, false) => {
            let r = pod::from_bytes::<raw::Rel32<LE>>(bytes).ok()?.0;
            RelEntry { offset: r.r_offset.get(LE).into(), sym: r.r_sym(LE), r_type: r.r_type(LE), addend: None }
        }
        (Class::Elf32, true) => {
            let r = pod::from_bytes::<raw::Rela32<LE>>(bytes).ok()?.0;
            RelEntry { offset: r.r_offset.get(LE).into(), sym: r.r_sym(LE), r_type: r.r_type(LE), addend: Some(r.r_addend.get(LE).into()) }
        }
        #[cfg(feature = "arch-x86_64")]
        (Class::Elf64, false) => {
            let r = pod::from_bytes::<raw::Rel64<LE>>(bytes).ok()?.0;
            RelEntry { offset: r.r_offset.get(LE), sym: r.r_sym(LE), r_type: r.r_type(LE), addend: None }
        }
        #[cfg(feature = "arch-x86_64")]
        (Class::Elf64, true) => {
            let r = pod::from_bytes::<raw::Rela64<LE>>(bytes).ok()?.0;
            RelEntry { offset: r.r_offset.get(LE), sym: r.r_sym(LE, false), r_type: r.r_type(LE, false), addend: Some(r.r_addend.get(LE)) }
        }
    })
}

#[cfg(all(test, feature = "pack-regions"))]
mod tests {
    use super::*;

    /// A section table whose section `i` has file offset `offsets[i]` (4 bytes).
    fn table(offsets: &[u32]) -> Vec<Section> {
        offsets.iter().map(|&offset| Section { sh_type: SHT_PROGBITS, offset: offset.into(), size: 4, ..Section::default() }).collect()
    }

    /// The run merge orders exactly as the sort does, for files of one run (index
    /// order), the gas shape (bytes, then relocations), ties, and past `MAX_RUNS`
    /// (where it declines and the sort takes over).
    #[test]
    fn run_merge_matches_the_sort() {
        let mut x = 7u32;
        let mut shapes: Vec<Vec<u32>> = vec![
            (0..50).map(|i| i * 4).collect(),
            (0..60).map(|i| if i % 2 == 0 { 0x1000 + i * 4 } else { i * 4 }).collect(),
            vec![8, 8, 4, 4, 0, 0, 12],
            vec![40, 30, 20, 10, 0, 50],
        ];
        for len in [3usize, 17, 64] {
            shapes.push(
                (0..len)
                    .map(|_| {
                        x = x.wrapping_mul(1103515245).wrapping_add(12345);
                        (x >> 16) % 97 * 4
                    })
                    .collect(),
            );
        }
        for offsets in &shapes {
            let raw = table(offsets);
            let t = SectionTable::new(&raw, Class::Elf32);
            let n = offsets.len();
            let (mut merged, mut sorted) = (vec![0u16; n], vec![0u16; n]);
            let mut links = vec![0u16; n];
            t.sort_by_offset(&mut sorted).unwrap();
            let mut want: Vec<u16> = (0..n as u16).collect();
            want.sort_by_key(|&i| (offsets[usize::from(i)], i));
            assert_eq!(sorted, want, "sort, offsets {offsets:?}");
            if t.merge_runs(&mut merged, &mut links).unwrap() {
                assert_eq!(merged, want, "merge, offsets {offsets:?}");
            } else {
                assert!(offsets.len() > 4, "declined a file of few runs: {offsets:?}");
            }
        }
        // The two shapes tools write are merged, not sorted.
        for offsets in &shapes[..2] {
            let raw = table(offsets);
            let n = offsets.len();
            assert!(SectionTable::new(&raw, Class::Elf32).merge_runs(&mut vec![0; n], &mut vec![0; n]).unwrap());
        }
    }
}
