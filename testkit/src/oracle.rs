//! Differential oracle: GNU ld links a fixture object with every loaded
//! section at the run address a loader chose, and hands back the linked
//! bytes of each section, to be compared with the loader's relocated bytes.
//!
//! How it keeps ld's output comparable with a loader's:
//! - A copy of the object is patched before linking: every SHF_ALLOC section
//!   gets a unique name (`.llext_tk.<index>`), so the linker script can
//!   place sections by index even when names repeat, and so that ld's
//!   name-driven special cases (`.eh_frame` parsing and CIE merging,
//!   `.note.gnu.property`, ...) stay out of the way: ld then only applies
//!   relocations, as a loader does. SHF_MERGE/SHF_STRINGS are cleared, so ld
//!   neither deduplicates nor tail-merges strings (a loader copies such
//!   sections as they are), and SHT_ARM_EXIDX becomes SHT_PROGBITS (no
//!   EXIDX_CANTUNWIND synthesis or entry merging).
//! - One output section per placed input section, at exactly the requested
//!   address. ld's own allocations (.got, .got.plt, .plt, ARM glue) and
//!   alloc sections the caller did not place go to `got`/`got_plt`/`scratch`
//!   addresses and are reported in [`Linked::synthetic`].
//! - A static, non-PIE, `-N` link with entry 0 and no libraries.
//!
//! Known differences a comparison must allow for are documented on
//! [`Linked`] and [`GotInfo`].

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::Command;

use object::{Object, ObjectSection, ObjectSymbol, RelocationFlags, RelocationTarget};

use crate::fixtures::Arch;

/// Where one input section runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SectionPlacement {
    /// Section header index in the input object.
    pub index: usize,
    /// Run address.
    pub addr: u64,
}

/// A complete placement of one object.
#[derive(Clone, Debug, Default)]
pub struct Placement {
    /// The loaded sections. Alloc sections not listed here still have to go
    /// somewhere for ld (they may be referenced); they are put at `scratch`
    /// and reported as synthetic.
    pub sections: Vec<SectionPlacement>,
    /// Addresses of the symbols the object imports (base image, other
    /// extensions). Must cover every undefined non-weak symbol except
    /// `_GLOBAL_OFFSET_TABLE_`. For ARM Thumb functions, pass the address
    /// with bit 0 set (as `&function` in C gives it): ld then treats the
    /// target as Thumb and emits BL, not BLX.
    pub symbols: Vec<(String, u64)>,
    /// Start of ld's `.got` (GOT slots); default: in the scratch area.
    pub got: Option<u64>,
    /// Start of ld's `.got.plt` (on x86, `_GLOBAL_OFFSET_TABLE_` points
    /// here); default: in the scratch area, after `.got`, as ld does.
    pub got_plt: Option<u64>,
    /// Start of the area for everything else ld allocates; default: past
    /// the highest placed section, page-aligned.
    pub scratch: Option<u64>,
    /// Let ld relax GOT-indirect instructions (x86 GOT32X, GOTPCRELX,
    /// REX_GOTPCRELX: `call *f@GOT` becomes `addr32 call f`, `mov f@GOT` a
    /// `lea`/`mov $imm`). ld does it by default in static links; `false`
    /// passes `--no-relax`, giving the plain GOT form a loader that builds a
    /// GOT produces. i386 ld (2.40) ignores `--no-relax` for R_386_GOT32X,
    /// so for i386 the oracle turns R_386_GOT32X into R_386_GOT32 (same
    /// value, never relaxed) in its copy of the object instead.
    /// With relaxation, x86_64 ld fails ("failed to convert GOTPCREL
    /// relocation") when a symbol above 2 GiB would become a 32-bit
    /// immediate: use `relax: false` for placements at high addresses.
    pub relax: bool,
}

/// Error from [`link`].
#[derive(Debug)]
pub struct OracleError(pub String);

impl std::fmt::Display for OracleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for OracleError {}

fn err<T>(msg: impl Into<String>) -> Result<T, OracleError> {
    Err(OracleError(msg.into()))
}

/// An alloc section of an input object (see [`alloc_sections`]).
#[derive(Clone, Debug)]
pub struct InputSection {
    pub index: usize,
    pub name: String,
    pub size: u64,
    pub align: u64,
    /// SHT_NOBITS.
    pub nobits: bool,
    pub executable: bool,
    pub writable: bool,
}

/// One placed section after linking.
#[derive(Clone, Debug)]
pub struct LinkedSection {
    pub index: usize,
    /// Original name in the input object.
    pub name: String,
    pub addr: u64,
    /// Input size.
    pub size: u64,
    /// Linked contents, `size` bytes (zeros for SHT_NOBITS).
    pub bytes: Vec<u8>,
    /// Bytes ld added at the end of the output section (ARM long-branch
    /// veneers, interworking glue): a loader cannot match these, so a
    /// comparison should fail loudly when this is non-zero.
    pub grown_by: u64,
}

/// A section ld made or that the caller did not place.
#[derive(Clone, Debug)]
pub struct SyntheticSection {
    /// Output section name: `.got`, `.got.plt`, `.plt`, ... or, for an
    /// unplaced input section, its original name.
    pub name: String,
    /// Input section index for unplaced input sections.
    pub input_index: Option<usize>,
    pub addr: u64,
    pub bytes: Vec<u8>,
}

/// A symbol in the linked output.
#[derive(Clone, Debug)]
pub struct LinkedSymbol {
    pub name: String,
    pub addr: u64,
    pub global: bool,
    /// Index of the input section it is defined in, if it is one of the
    /// placed or unplaced input sections.
    pub input_section: Option<usize>,
}

/// One reference to a GOT entry in the input code.
#[derive(Clone, Debug)]
pub struct GotRef {
    /// Input section index and offset of the relocated field.
    pub section: usize,
    pub offset: u64,
    /// Relocation type (ELF r_type).
    pub r_type: u32,
    /// Symbol the GOT entry is for.
    pub symbol: String,
    /// ld rewrote the instruction to not use the GOT.
    pub relaxed: bool,
    /// The GOT slot the linked instruction uses (None when relaxed).
    pub slot: Option<u64>,
}

/// A GOT slot ld allocated.
#[derive(Clone, Debug)]
pub struct GotSlot {
    pub addr: u64,
    /// The slot's linked contents (the symbol's address, in a static link).
    pub value: u64,
    /// Symbols whose GOT references use this slot.
    pub symbols: Vec<String>,
}

/// What ld did about the GOT.
///
/// ld orders slots in its own way (by first reference in its symbol
/// traversal) and on x86 puts `.got` *below* `_GLOBAL_OFFSET_TABLE_`
/// (`.got.plt`, whose first 3 words are reserved for a dynamic linker even in
/// a static link), so GOT32/GOT32X fields are negative offsets. A loader
/// with its own GOT layout matches byte-for-byte only if it uses the same
/// order and base; otherwise compare GOT references through [`GotRef::slot`]
/// and slot contents.
#[derive(Clone, Debug, Default)]
pub struct GotInfo {
    /// `_GLOBAL_OFFSET_TABLE_`, if defined.
    pub base: Option<u64>,
    pub got_addr: Option<u64>,
    pub got_size: u64,
    pub got_plt_addr: Option<u64>,
    pub got_plt_size: u64,
    pub slots: Vec<GotSlot>,
    pub refs: Vec<GotRef>,
}

/// The result of [`link`].
///
/// Differences from a loader that a comparison must expect:
/// - x86 with `relax: true`: GOT-indirect instructions are rewritten (see
///   [`Placement::relax`]).
/// - GOT layout (see [`GotInfo`]).
/// - R_*_NONE and relocations in non-alloc sections are not visible here.
#[derive(Clone, Debug)]
pub struct Linked {
    pub arch: Arch,
    /// Placed sections, in the order of [`Placement::sections`].
    pub sections: Vec<LinkedSection>,
    pub synthetic: Vec<SyntheticSection>,
    pub symbols: Vec<LinkedSymbol>,
    pub got: GotInfo,
    /// The linked executable, the script, the command and ld's warnings,
    /// for debugging.
    pub elf: Vec<u8>,
    pub script: String,
    pub command: String,
    pub ld_stderr: String,
}

impl Linked {
    /// The placed section with input index `index`.
    pub fn section(&self, index: usize) -> Option<&LinkedSection> {
        self.sections.iter().find(|s| s.index == index)
    }

    /// Address of the global symbol `name`, or of the local one if exactly
    /// one local has that name.
    pub fn symbol(&self, name: &str) -> Option<u64> {
        let all: Vec<&LinkedSymbol> = self.symbols.iter().filter(|s| s.name == name).collect();
        match all.iter().find(|s| s.global) {
            Some(s) => Some(s.addr),
            None if all.len() == 1 => Some(all[0].addr),
            None => None,
        }
    }

    /// `len` linked bytes at run address `addr`, from one section.
    pub fn read(&self, addr: u64, len: usize) -> Option<&[u8]> {
        self.memory_image().into_iter().find_map(|(a, b)| {
            let off = addr.checked_sub(a)? as usize;
            b.get(off..off.checked_add(len)?)
        })
    }

    fn read_ptr(&self, addr: u64) -> Option<u64> {
        let n = if self.arch == Arch::X86_64 { 8 } else { 4 };
        self.read(addr, n).map(|b| rd(b, 0, n))
    }

    fn read_cstr(&self, addr: u64) -> Option<String> {
        let (a, b) = self
            .memory_image()
            .into_iter()
            .find(|(a, b)| addr >= *a && addr < a + b.len() as u64)?;
        let s = &b[(addr - a) as usize..];
        let end = s.iter().position(|&c| c == 0)?;
        Some(String::from_utf8_lossy(&s[..end]).into_owned())
    }

    fn pointers_in(&self, section: &str) -> Vec<u64> {
        let n = if self.arch == Arch::X86_64 { 8 } else { 4 };
        self.sections
            .iter()
            .filter(|s| s.name == section)
            .flat_map(|s| s.bytes.chunks_exact(n).map(move |c| rd(c, 0, n)))
            .collect()
    }

    /// What the linked extension offers to [`crate::expect::run`]: exports
    /// decoded from the linked `.exported_sym` (so they went through the
    /// relocations too) and the init/fini arrays.
    pub fn image(&self) -> Result<crate::expect::Image, OracleError> {
        let n = if self.arch == Arch::X86_64 { 8 } else { 4 };
        let mut exports = Vec::new();
        for s in self.sections.iter().filter(|s| s.name == ".exported_sym") {
            for i in (0..s.bytes.len() / (2 * n)).map(|i| s.addr + (2 * n * i) as u64) {
                let name_ptr = self.read_ptr(i).unwrap();
                let addr = self.read_ptr(i + n as u64).unwrap();
                let name = self.read_cstr(name_ptr).ok_or_else(|| {
                    OracleError(format!(
                        "export name pointer {name_ptr:#x} outside the image"
                    ))
                })?;
                exports.push((name, addr));
            }
        }
        Ok(crate::expect::Image {
            exports,
            preinit_array: self.pointers_in(".preinit_array"),
            init_array: self.pointers_in(".init_array"),
            fini_array: self.pointers_in(".fini_array"),
        })
    }

    /// Every (address, bytes) chunk to put in memory to run the result:
    /// placed sections and synthetic ones.
    pub fn memory_image(&self) -> Vec<(u64, &[u8])> {
        let mut v: Vec<(u64, &[u8])> = self
            .sections
            .iter()
            .map(|s| (s.addr, &s.bytes[..]))
            .collect();
        v.extend(self.synthetic.iter().map(|s| (s.addr, &s.bytes[..])));
        v
    }
}

// ---------------------------------------------------------------------------
// Input inspection

/// The SHF_ALLOC sections of an ELF object, in index order.
pub fn alloc_sections(elf: &[u8]) -> Result<Vec<InputSection>, OracleError> {
    let raw = RawElf::parse(elf)?;
    let mut v = Vec::new();
    for i in 0..raw.shnum {
        let sh = raw.section(elf, i);
        if sh.flags & SHF_ALLOC == 0 {
            continue;
        }
        v.push(InputSection {
            index: i,
            name: raw.section_name(elf, &sh),
            size: sh.size,
            align: sh.addralign.max(1),
            nobits: sh.sh_type == SHT_NOBITS,
            executable: sh.flags & SHF_EXECINSTR != 0,
            writable: sh.flags & SHF_WRITE != 0,
        });
    }
    Ok(v)
}

/// A simple placement for tests: every alloc section, in index order,
/// aligned, from `base` on. Imports resolve through `symbols`.
pub fn pack(elf: &[u8], base: u64, symbols: &[(String, u64)]) -> Result<Placement, OracleError> {
    let mut addr = base;
    let mut sections = Vec::new();
    for s in alloc_sections(elf)? {
        addr = addr.next_multiple_of(s.align);
        sections.push(SectionPlacement {
            index: s.index,
            addr,
        });
        addr += s.size;
    }
    Ok(Placement {
        sections,
        symbols: symbols.to_vec(),
        relax: true,
        ..Placement::default()
    })
}

// ---------------------------------------------------------------------------
// Raw ELF access (little-endian ELF32/ELF64), only what patching needs.

const SHT_NOBITS: u32 = 8;
const SHT_ARM_EXIDX: u32 = 0x7000_0001;
const SHT_PROGBITS: u32 = 1;
const SHF_WRITE: u64 = 0x1;
const SHF_ALLOC: u64 = 0x2;
const SHF_EXECINSTR: u64 = 0x4;
const SHF_MERGE: u64 = 0x10;
const SHF_STRINGS: u64 = 0x20;
const SHF_LINK_ORDER: u64 = 0x80;

struct RawElf {
    is64: bool,
    e_type: u16,
    machine: u16,
    shoff: usize,
    shentsize: usize,
    shnum: usize,
    shstrndx: usize,
}

struct RawSection {
    name: u32,
    sh_type: u32,
    flags: u64,
    offset: u64,
    size: u64,
    link: u32,
    addralign: u64,
}

fn rd(b: &[u8], off: usize, n: usize) -> u64 {
    let mut v = 0u64;
    for i in 0..n {
        v |= (b[off + i] as u64) << (8 * i);
    }
    v
}

fn wr(b: &mut [u8], off: usize, n: usize, v: u64) {
    for i in 0..n {
        b[off + i] = (v >> (8 * i)) as u8;
    }
}

impl RawElf {
    fn parse(b: &[u8]) -> Result<RawElf, OracleError> {
        if b.len() < 0x34 || &b[..4] != b"\x7fELF" {
            return err("not an ELF file");
        }
        if b[5] != 1 {
            return err("only little-endian ELF is supported");
        }
        let is64 = match b[4] {
            1 => false,
            2 => true,
            c => return err(format!("bad ELF class {c}")),
        };
        let (shoff, shentsize, shnum, shstrndx) = if is64 {
            (
                rd(b, 0x28, 8),
                rd(b, 0x3a, 2),
                rd(b, 0x3c, 2),
                rd(b, 0x3e, 2),
            )
        } else {
            (
                rd(b, 0x20, 4),
                rd(b, 0x2e, 2),
                rd(b, 0x30, 2),
                rd(b, 0x32, 2),
            )
        };
        if shnum == 0 || shstrndx >= shnum {
            return err("extended section numbering is not supported");
        }
        let raw = RawElf {
            is64,
            e_type: rd(b, 0x10, 2) as u16,
            machine: rd(b, 0x12, 2) as u16,
            shoff: shoff as usize,
            shentsize: shentsize as usize,
            shnum: shnum as usize,
            shstrndx: shstrndx as usize,
        };
        if raw.shoff + raw.shnum * raw.shentsize > b.len() {
            return err("section header table out of bounds");
        }
        Ok(raw)
    }

    fn sh_off(&self, i: usize) -> usize {
        self.shoff + i * self.shentsize
    }

    fn section(&self, b: &[u8], i: usize) -> RawSection {
        let o = self.sh_off(i);
        if self.is64 {
            RawSection {
                name: rd(b, o, 4) as u32,
                sh_type: rd(b, o + 4, 4) as u32,
                flags: rd(b, o + 8, 8),
                offset: rd(b, o + 24, 8),
                size: rd(b, o + 32, 8),
                link: rd(b, o + 40, 4) as u32,
                addralign: rd(b, o + 48, 8),
            }
        } else {
            RawSection {
                name: rd(b, o, 4) as u32,
                sh_type: rd(b, o + 4, 4) as u32,
                flags: rd(b, o + 8, 4),
                offset: rd(b, o + 16, 4),
                size: rd(b, o + 20, 4),
                link: rd(b, o + 24, 4) as u32,
                addralign: rd(b, o + 32, 4),
            }
        }
    }

    fn section_name(&self, b: &[u8], sh: &RawSection) -> String {
        let strtab = self.section(b, self.shstrndx);
        let start = (strtab.offset + sh.name as u64) as usize;
        let end = b[start..]
            .iter()
            .position(|&c| c == 0)
            .map_or(b.len(), |p| start + p);
        String::from_utf8_lossy(&b[start..end]).into_owned()
    }

    fn set_name(&self, b: &mut [u8], i: usize, name: u32) {
        wr(b, self.sh_off(i), 4, name as u64);
    }
    fn set_type(&self, b: &mut [u8], i: usize, t: u32) {
        wr(b, self.sh_off(i) + 4, 4, t as u64);
    }
    fn set_flags(&self, b: &mut [u8], i: usize, f: u64) {
        let n = if self.is64 { 8 } else { 4 };
        wr(b, self.sh_off(i) + 8, n, f);
    }
    fn set_offset_size(&self, b: &mut [u8], i: usize, off: u64, size: u64) {
        let o = self.sh_off(i);
        if self.is64 {
            wr(b, o + 24, 8, off);
            wr(b, o + 32, 8, size);
        } else {
            wr(b, o + 16, 4, off);
            wr(b, o + 20, 4, size);
        }
    }
}

fn tk_name(index: usize) -> String {
    format!(".llext_tk.{index}")
}

const SHT_REL: u32 = 9;
const R_386_GOT32_: u64 = 3;
const R_386_GOT32X_: u64 = 43;

/// The patched copy of the object (see the module docs and
/// [`Placement::relax`]).
fn patch_object(elf: &[u8], relax: bool) -> Result<Vec<u8>, OracleError> {
    let raw = RawElf::parse(elf)?;
    let mut out = elf.to_vec();
    if raw.machine == 3 && !relax {
        for i in 0..raw.shnum {
            let sh = raw.section(elf, i);
            if sh.sh_type != SHT_REL {
                continue;
            }
            for e in (0..sh.size / 8).map(|n| (sh.offset + 8 * n) as usize) {
                let info = rd(elf, e + 4, 4);
                if info & 0xff == R_386_GOT32X_ {
                    wr(&mut out, e + 4, 4, (info & !0xff) | R_386_GOT32_);
                }
            }
        }
    }
    for i in 0..raw.shnum {
        if i != raw.shstrndx && raw.section(elf, i).link as usize == raw.shstrndx {
            return err("a section links to .shstrtab (shared string table); not supported");
        }
    }
    let mut strtab = vec![0u8];
    for i in 0..raw.shnum {
        let sh = raw.section(elf, i);
        let mut name = raw.section_name(elf, &sh);
        if sh.flags & SHF_ALLOC != 0 {
            name = tk_name(i);
            let mut flags = sh.flags & !(SHF_MERGE | SHF_STRINGS);
            if sh.sh_type == SHT_ARM_EXIDX {
                raw.set_type(&mut out, i, SHT_PROGBITS);
                flags &= !SHF_LINK_ORDER;
            }
            raw.set_flags(&mut out, i, flags);
        }
        raw.set_name(&mut out, i, strtab.len() as u32);
        strtab.extend_from_slice(name.as_bytes());
        strtab.push(0);
    }
    let off = out.len() as u64;
    out.extend_from_slice(&strtab);
    raw.set_offset_size(&mut out, raw.shstrndx, off, strtab.len() as u64);
    Ok(out)
}

// ---------------------------------------------------------------------------
// Linking

fn ld_for(
    machine: u16,
    is64: bool,
) -> Result<(Arch, &'static str, &'static [&'static str]), OracleError> {
    match (machine, is64) {
        (40, false) => Ok((Arch::Arm, "arm-none-eabi-ld", &[])),
        (3, false) => Ok((Arch::X86, "i686-linux-gnu-ld", &["-m", "elf_i386"])),
        (62, true) => Ok((Arch::X86_64, "ld", &["-m", "elf_x86_64"])),
        _ => err(format!(
            "unsupported ELF machine {machine} (class {})",
            if is64 { 64 } else { 32 }
        )),
    }
}

/// Output sections ld may create on its own, with the input sections they
/// collect (names as in ld's default scripts).
const SYNTHETIC: &[(&str, &str)] = &[
    (".plt", "*(.plt) *(.iplt)"),
    (".rel.dyn", "*(.rel.*) *(.rela.*)"),
    (
        ".glue_7",
        "*(.glue_7) *(.glue_7t) *(.vfp11_veneer) *(.v4_bx)",
    ),
];

static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

struct TempDir(PathBuf);
impl TempDir {
    fn new() -> std::io::Result<TempDir> {
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let p =
            std::env::temp_dir().join(format!("llext-testkit-oracle-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&p)?;
        Ok(TempDir(p))
    }
}
impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Link the object `elf` (ET_REL) with `placement`. See the module docs.
pub fn link(elf: &[u8], placement: &Placement) -> Result<Linked, OracleError> {
    let raw = RawElf::parse(elf)?;
    if raw.e_type != 1 {
        return err(format!(
            "the oracle links relocatable objects (ET_REL), not e_type {}",
            raw.e_type
        ));
    }
    let (arch, ld, emulation) = ld_for(raw.machine, raw.is64)?;
    let inputs = alloc_sections(elf)?;
    let by_index: BTreeMap<usize, &InputSection> = inputs.iter().map(|s| (s.index, s)).collect();

    for p in &placement.sections {
        let Some(s) = by_index.get(&p.index) else {
            return err(format!(
                "section {} is not an alloc section of the object",
                p.index
            ));
        };
        if p.addr % s.align != 0 {
            return err(format!(
                "section {} ({}) at {:#x} violates its alignment {}",
                p.index, s.name, p.addr, s.align
            ));
        }
    }
    check_imports(elf, placement)?;

    let placed: BTreeMap<usize, u64> = placement
        .sections
        .iter()
        .map(|p| (p.index, p.addr))
        .collect();
    let end = placement
        .sections
        .iter()
        .map(|p| p.addr + by_index[&p.index].size)
        .max()
        .unwrap_or(0x1000);
    let scratch = placement.scratch.unwrap_or((end + 0xfff) & !0xfff);

    // --- the linker script
    let mut script = String::from("/* generated by llext-testkit's oracle */\n");
    for (name, addr) in &placement.symbols {
        writeln!(script, "\"{name}\" = {addr:#x};").unwrap();
    }
    script.push_str("SECTIONS\n{\n");
    for p in &placement.sections {
        let n = tk_name(p.index);
        writeln!(script, "  {n} {:#x} : {{ KEEP(*({n})) }}", p.addr).unwrap();
    }
    writeln!(script, "  . = {scratch:#x};").unwrap();
    let at = |a: Option<u64>| a.map(|a| format!("{a:#x} ")).unwrap_or_default();
    writeln!(
        script,
        "  .got {}: {{ *(.got) *(.igot) }}",
        at(placement.got)
    )
    .unwrap();
    writeln!(
        script,
        "  .got.plt {}: {{ *(.got.plt) *(.igot.plt) }}",
        at(placement.got_plt)
    )
    .unwrap();
    for (name, pattern) in SYNTHETIC {
        writeln!(script, "  {name} : {{ {pattern} }}").unwrap();
    }
    for s in inputs.iter().filter(|s| !placed.contains_key(&s.index)) {
        let n = tk_name(s.index);
        writeln!(script, "  {n} : {{ KEEP(*({n})) }}").unwrap();
    }
    script.push_str("}\n");

    // --- run ld
    let dir = TempDir::new().map_err(|e| OracleError(format!("temp dir: {e}")))?;
    let obj = dir.0.join("input.o");
    let lds = dir.0.join("link.ld");
    let out = dir.0.join("linked.elf");
    std::fs::write(&obj, patch_object(elf, placement.relax)?)
        .map_err(|e| OracleError(e.to_string()))?;
    std::fs::write(&lds, &script).map_err(|e| OracleError(e.to_string()))?;

    let mut cmd = Command::new(ld);
    cmd.args(emulation)
        .args(["-static", "-N", "-nostdlib", "--entry=0", "--build-id=none"]);
    cmd.args(["--no-warn-rwx-segments", "--no-warn-execstack"]);
    // Sections that ld grows (veneers) would overlap their neighbours; let
    // it link anyway so the growth is reported (LinkedSection::grown_by).
    cmd.arg("--no-check-sections");
    if arch != Arch::Arm {
        cmd.args(["-no-pie", "-z", "norelro"]);
        if !placement.relax {
            cmd.arg("--no-relax");
        }
    }
    cmd.arg("-T").arg(&lds).arg("-o").arg(&out).arg(&obj);
    let command = format!("{cmd:?}");
    let output = cmd
        .output()
        .map_err(|e| OracleError(format!("cannot run {ld}: {e}")))?;
    if !output.status.success() {
        return err(format!(
            "{command} failed:\n{}\nscript:\n{script}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let linked = std::fs::read(&out).map_err(|e| OracleError(e.to_string()))?;
    let mut result = read_result(elf, arch, &inputs, placement, linked, script, command)?;
    result.ld_stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    Ok(result)
}

fn check_imports(elf: &[u8], placement: &Placement) -> Result<(), OracleError> {
    let file = object::File::parse(elf).map_err(|e| OracleError(e.to_string()))?;
    let mut missing = Vec::new();
    for sym in file.symbols() {
        let Ok(name) = sym.name() else { continue };
        let imported = sym.is_undefined() && !sym.is_weak() && !name.is_empty();
        if imported
            && name != "_GLOBAL_OFFSET_TABLE_"
            && !placement.symbols.iter().any(|(n, _)| n == name)
        {
            missing.push(name.to_string());
        }
    }
    if missing.is_empty() {
        Ok(())
    } else {
        err(format!("no address given for imported symbols {missing:?}"))
    }
}

fn read_result(
    input: &[u8],
    arch: Arch,
    inputs: &[InputSection],
    placement: &Placement,
    elf: Vec<u8>,
    script: String,
    command: String,
) -> Result<Linked, OracleError> {
    let file = object::File::parse(&elf[..])
        .map_err(|e| OracleError(format!("reading ld output: {e}")))?;
    let out_bytes = |s: &object::Section| -> Vec<u8> {
        if s.kind() == object::SectionKind::UninitializedData {
            vec![0; s.size() as usize]
        } else {
            s.data().map(|d| d.to_vec()).unwrap_or_default()
        }
    };
    let by_index: BTreeMap<usize, &InputSection> = inputs.iter().map(|s| (s.index, s)).collect();

    let mut sections = Vec::new();
    for p in &placement.sections {
        let input = by_index[&p.index];
        let name = tk_name(p.index);
        let (addr, mut bytes) = match file.section_by_name(&name) {
            Some(s) => (s.address(), out_bytes(&s)),
            // ld drops empty output sections.
            None if input.size == 0 => (p.addr, Vec::new()),
            None => return err(format!("ld output has no section {name} ({})", input.name)),
        };
        if addr != p.addr {
            return err(format!(
                "{} placed at {addr:#x}, not {:#x}",
                input.name, p.addr
            ));
        }
        let grown_by = (bytes.len() as u64).saturating_sub(input.size);
        bytes.truncate(input.size as usize);
        sections.push(LinkedSection {
            index: p.index,
            name: input.name.clone(),
            addr,
            size: input.size,
            bytes,
            grown_by,
        });
    }

    let mut synthetic = Vec::new();
    for s in file.sections() {
        let Ok(name) = s.name() else { continue };
        let alloc = matches!(s.flags(), object::SectionFlags::Elf { sh_flags } if sh_flags & SHF_ALLOC != 0);
        if !alloc || s.size() == 0 {
            continue;
        }
        let input_index = name
            .strip_prefix(".llext_tk.")
            .and_then(|n| n.parse::<usize>().ok());
        if input_index.is_some_and(|i| placement.sections.iter().any(|p| p.index == i)) {
            continue;
        }
        let shown = input_index
            .map(|i| by_index[&i].name.clone())
            .unwrap_or_else(|| name.to_string());
        synthetic.push(SyntheticSection {
            name: shown,
            input_index,
            addr: s.address(),
            bytes: out_bytes(&s),
        });
    }

    // Symbols: map each to the input section it sits in, by output section.
    let mut symbols = Vec::new();
    for sym in file.symbols() {
        let Ok(name) = sym.name() else { continue };
        if name.is_empty()
            || sym.kind() == object::SymbolKind::Section
            || sym.kind() == object::SymbolKind::File
        {
            continue;
        }
        let input_section = sym
            .section_index()
            .and_then(|i| file.section_by_index(i).ok())
            .and_then(|s| {
                s.name()
                    .ok()
                    .and_then(|n| n.strip_prefix(".llext_tk."))
                    .and_then(|n| n.parse().ok())
            });
        symbols.push(LinkedSymbol {
            name: name.to_string(),
            addr: sym.address(),
            global: sym.is_global(),
            input_section,
        });
    }

    let got = got_info(input, arch, &file, &sections, &synthetic, &symbols)?;
    Ok(Linked {
        arch,
        sections,
        synthetic,
        symbols,
        got,
        elf: elf.clone(),
        script,
        command,
        ld_stderr: String::new(),
    })
}

// ---------------------------------------------------------------------------
// GOT analysis

// Relocation types that go through a GOT slot.
const R_386_GOT32: u32 = 3;
const R_386_GOT32X: u32 = 43;
const R_X86_64_GOTPCREL: u32 = 9;
const R_X86_64_GOTPCRELX: u32 = 41;
const R_X86_64_REX_GOTPCRELX: u32 = 42;
const R_ARM_GOT_BREL: u32 = 26;
const R_ARM_GOT_PREL: u32 = 96;

fn got_info(
    input: &[u8],
    arch: Arch,
    out: &object::File,
    sections: &[LinkedSection],
    synthetic: &[SyntheticSection],
    symbols: &[LinkedSymbol],
) -> Result<GotInfo, OracleError> {
    let mut info = GotInfo {
        base: symbols
            .iter()
            .find(|s| s.name == "_GLOBAL_OFFSET_TABLE_")
            .map(|s| s.addr),
        ..GotInfo::default()
    };
    if let Some(s) = out.section_by_name(".got") {
        info.got_addr = Some(s.address());
        info.got_size = s.size();
    }
    if let Some(s) = out.section_by_name(".got.plt") {
        info.got_plt_addr = Some(s.address());
        info.got_plt_size = s.size();
    }
    let word = if arch == Arch::X86_64 { 8 } else { 4 };

    let file = object::File::parse(input).map_err(|e| OracleError(e.to_string()))?;
    for sec in file.sections() {
        let Some(linked) = sections.iter().find(|s| s.index == sec.index().0) else {
            continue;
        };
        let original = sec.data().unwrap_or(&[]);
        for (offset, rel) in sec.relocations() {
            let RelocationFlags::Elf { r_type } = rel.flags() else {
                continue;
            };
            let is_got = match arch {
                Arch::X86 => r_type == R_386_GOT32 || r_type == R_386_GOT32X,
                Arch::X86_64 => matches!(
                    r_type,
                    R_X86_64_GOTPCREL | R_X86_64_GOTPCRELX | R_X86_64_REX_GOTPCRELX
                ),
                Arch::Arm => r_type == R_ARM_GOT_BREL || r_type == R_ARM_GOT_PREL,
            };
            if !is_got {
                continue;
            }
            let symbol = match rel.target() {
                RelocationTarget::Symbol(i) => file
                    .symbol_by_index(i)
                    .ok()
                    .and_then(|s| s.name().ok().map(str::to_string))
                    .unwrap_or_default(),
                _ => String::new(),
            };
            let o = offset as usize;
            let field = rd(&linked.bytes, o, 4) as u32;
            let p = linked.addr + offset;
            // ld relaxes by rewriting the opcode bytes before the field.
            let relaxed = o >= 2 && linked.bytes[o - 2..o] != original[o - 2..o];
            let slot = if relaxed {
                None
            } else {
                match arch {
                    // field = slot - _GLOBAL_OFFSET_TABLE_ (+ in-place addend 0)
                    Arch::X86 => info
                        .base
                        .map(|g| g.wrapping_add(field as i32 as i64 as u64) & 0xffff_ffff),
                    // field = slot + A - P, A = -4 (explicit addend)
                    Arch::X86_64 => Some(
                        p.wrapping_add(field as i32 as i64 as u64)
                            .wrapping_sub(rel.addend() as u64),
                    ),
                    // REL: in-place addend; usually 0 for GOT relocations
                    Arch::Arm if r_type == R_ARM_GOT_PREL => {
                        Some(p.wrapping_add(field as u64) & 0xffff_ffff)
                    }
                    Arch::Arm => info
                        .base
                        .map(|g| g.wrapping_add(field as u64) & 0xffff_ffff),
                }
            };
            info.refs.push(GotRef {
                section: linked.index,
                offset,
                r_type,
                symbol,
                relaxed,
                slot,
            });
        }
    }

    // Slots: every word of .got, tied to the references that use it.
    if let Some(got) = synthetic.iter().find(|s| s.name == ".got") {
        for (i, chunk) in got.bytes.chunks(word).enumerate() {
            let addr = got.addr + (i * word) as u64;
            let mut syms: Vec<String> = info
                .refs
                .iter()
                .filter(|r| r.slot == Some(addr))
                .map(|r| r.symbol.clone())
                .collect();
            syms.sort();
            syms.dedup();
            info.slots.push(GotSlot {
                addr,
                value: rd(chunk, 0, chunk.len()),
                symbols: syms,
            });
        }
    }
    Ok(info)
}

/// Where `ld` for `arch` is expected (for messages).
pub fn linker_for(arch: Arch) -> &'static str {
    match arch {
        Arch::Arm => "arm-none-eabi-ld",
        Arch::X86 => "i686-linux-gnu-ld",
        Arch::X86_64 => "ld",
    }
}
