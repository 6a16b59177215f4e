//! One differential input: the fuzz bytes describe a relocatable object (ARM Thumb-2 or
//! i386 with REL addends in the fields, x86_64 with RELA entries: sections, symbols,
//! relocations of every type both sides apply); the object is written as an ELF file, loaded by llext-rs and linked
//! by GNU ld (testkit's oracle) at the addresses the loader chose, and every loaded
//! section's relocated bytes must be the same. Shared by the `differential` fuzz target
//! and tests/fuzz_differential.rs (which includes this file).
//!
//! The generator keeps every input linkable by both: branch targets are Thumb functions
//! (bit 0 set) within range, narrow fields get small absolute values, and no two
//! relocations share a field. So a load error, an ld error or a byte that differs is a
//! finding.

use std::ffi::CString;
use std::sync::OnceLock;

use llext_rs::arch::Arch;
use llext_rs::elf::{SHN_ABS, STB_GLOBAL, STB_LOCAL, STT_FUNC, STT_OBJECT, STT_SECTION};
use llext_rs::ffi::types::llext_const_symbol;
use llext_rs::layout::mem;
use llext_rs::load::{LoadParams, NoHooks};
use llext_rs::platform::host::ArenaPlatform;
use llext_rs::registry::Registry;
use llext_rs::source::{SliceSource, Storage};
use llext_rs::symbols::LinkBy;
use llext_testkit::oracle::{self, Placement, SectionPlacement};

/// Where the extension's memory runs (the arena) and where its imports lie: close
/// enough for every branch type's range.
const RUN_BASE: u64 = 0x2000_0000;
/// The base image's exports: one table for every input (the registries are shared);
/// ARM inputs see them as Thumb functions (bit 0 set).
const IMPORTS: [(&str, u32); 4] = [("imp0", 0x2008_0000), ("imp1", 0x2008_1236), ("imp2", 0x200C_FFFC), ("imp3", 0x1FF8_0102)];

/// What one input exercised (the test's figures; the fuzz target reads none).
#[allow(dead_code)]
#[derive(Debug, Default, Clone, Copy)]
pub struct Outcome {
    pub relocations: usize,
    pub sections_compared: usize,
}

/// The fuzz bytes, read as numbers (zeros once exhausted).
struct Input<'a> {
    data: &'a [u8],
}

impl Input<'_> {
    fn u8(&mut self) -> u8 {
        match self.data.split_first() {
            Some((&b, rest)) => {
                self.data = rest;
                b
            }
            None => 0,
        }
    }
    fn u16(&mut self) -> u16 {
        u16::from(self.u8()) | u16::from(self.u8()) << 8
    }
    fn u32(&mut self) -> u32 {
        u32::from(self.u16()) | u32::from(self.u16()) << 16
    }
    /// A value in `0..n` (n > 0).
    fn below(&mut self, n: usize) -> usize {
        usize::from(self.u8()) % n
    }
    /// An even value in `-limit..limit`.
    fn even_offset(&mut self, limit: i32) -> i32 {
        (i32::from(self.u16() as i16) % limit) & !1
    }
}

const TEXT: u16 = 1;
const DATA: u16 = 2;
const STT_NOTYPE: u8 = 0;

struct Sym {
    name: String,
    value: u32,
    shndx: u16,
    info: u8,
}

impl Sym {
    fn kind(&self) -> u8 {
        self.info & 0xF
    }
}

/// What a relocation type needs: its field and the symbols it may refer to.
#[derive(Clone, Copy, PartialEq)]
enum Field {
    /// A 32-bit word (data or instruction-independent).
    Word,
    /// A 64-bit word (x86_64).
    Quad,
    /// A Thumb-2 branch (BL, B.W, B<c>.W): targets Thumb functions.
    ThumbBranch,
    /// B.N: a local Thumb function, close by.
    ThumbShortBranch,
    /// MOVW/MOVT, Thumb or ARM encoding.
    MovImm,
    /// An 8- or 16-bit field: small absolute symbols only.
    Narrow,
    /// i386 GOTPC: `_GLOBAL_OFFSET_TABLE_` only.
    GotPc,
}

/// (r_type, field) of the relocation types generated per architecture.
const ARM_TYPES: &[(u32, Field)] = &[
    (2, Field::Word),              // R_ARM_ABS32
    (3, Field::Word),              // R_ARM_REL32
    (42, Field::Word),             // R_ARM_PREL31
    (38, Field::Word),             // R_ARM_TARGET1
    (5, Field::Narrow),            // R_ARM_ABS16
    (8, Field::Narrow),            // R_ARM_ABS8
    (10, Field::ThumbBranch),      // R_ARM_THM_CALL
    (30, Field::ThumbBranch),      // R_ARM_THM_JUMP24
    (51, Field::ThumbBranch),      // R_ARM_THM_JUMP19
    (102, Field::ThumbShortBranch), // R_ARM_THM_JUMP11
    (47, Field::MovImm),           // R_ARM_THM_MOVW_ABS_NC
    (48, Field::MovImm),           // R_ARM_THM_MOVT_ABS
    (49, Field::MovImm),           // R_ARM_THM_MOVW_PREL_NC
    (50, Field::MovImm),           // R_ARM_THM_MOVT_PREL
    (43, Field::MovImm),           // R_ARM_MOVW_ABS_NC
    (44, Field::MovImm),           // R_ARM_MOVT_ABS
];
const X86_64_TYPES: &[(u32, Field)] = &[
    (1, Field::Quad),    // R_X86_64_64
    (2, Field::Word),    // R_X86_64_PC32
    (4, Field::Word),    // R_X86_64_PLT32
    (10, Field::Word),   // R_X86_64_32
    (11, Field::Word),   // R_X86_64_32S
    (24, Field::Quad),   // R_X86_64_PC64
    (25, Field::Quad),   // R_X86_64_GOTOFF64
    (26, Field::GotPc),  // R_X86_64_GOTPC32
    (12, Field::Narrow), // R_X86_64_16
    (14, Field::Narrow), // R_X86_64_8
];
const I386_TYPES: &[(u32, Field)] = &[
    (1, Field::Word),    // R_386_32
    (2, Field::Word),    // R_386_PC32
    (4, Field::Word),    // R_386_PLT32
    (9, Field::Word),    // R_386_GOTOFF
    (10, Field::GotPc),  // R_386_GOTPC
    (20, Field::Narrow), // R_386_16
    (22, Field::Narrow), // R_386_8
];

/// A 32-bit Thumb-2 instruction from its two halfwords, first at the lower address.
fn thumb_pair(upper: u32, lower: u32) -> [u8; 4] {
    let ([a, b], [c, d]) = ((upper as u16).to_le_bytes(), (lower as u16).to_le_bytes());
    [a, b, c, d]
}

/// Thumb-2 BL/B.W/B<c>.W encodings of branch offset `off` (REL addend in place).
fn thumb_branch(r_type: u32, off: i32, cond: u32) -> [u8; 4] {
    let v = off as u32;
    let s = v >> 24 & 1;
    let (upper, lower) = if r_type == 51 {
        // B<c>.W (T3): S:J2:J1:imm6:imm11:0.
        let (j1, j2) = (v >> 18 & 1, v >> 19 & 1);
        let s = v >> 20 & 1;
        (0xF000 | s << 10 | (cond % 14) << 6 | (v >> 12 & 0x3F), 0x8000 | j1 << 13 | j2 << 11 | (v >> 1 & 0x7FF))
    } else {
        // BL (T1) / B.W (T4): S:I1:I2:imm10:imm11:0, J = NOT(I XOR S).
        let (i1, i2) = (v >> 23 & 1, v >> 22 & 1);
        let (j1, j2) = ((!(i1 ^ s)) & 1, (!(i2 ^ s)) & 1);
        let op = if r_type == 10 { 0xD000 } else { 0x9000 };
        (0xF000 | s << 10 | (v >> 12 & 0x3FF), op | j1 << 13 | j2 << 11 | (v >> 1 & 0x7FF))
    };
    thumb_pair(upper, lower)
}

/// MOVW/MOVT r<rd>, #imm16 in the Thumb-2 (T3) or ARM (A2) encoding.
fn mov_imm(r_type: u32, imm: u32, rd: u32) -> [u8; 4] {
    let movt = matches!(r_type, 44 | 48 | 50);
    if matches!(r_type, 43 | 44) {
        let op = if movt { 0xE340_0000 } else { 0xE300_0000 };
        return (op | (imm >> 12 & 0xF) << 16 | rd << 12 | (imm & 0xFFF)).to_le_bytes();
    }
    let upper = if movt { 0xF2C0 } else { 0xF240 } | (imm >> 11 & 1) << 10 | (imm >> 12 & 0xF);
    let lower = (imm >> 8 & 7) << 12 | rd << 8 | (imm & 0xFF);
    thumb_pair(upper, lower)
}

/// The architectures generated: ELF32 REL (ARM Thumb-2, i386) and ELF64 RELA.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Machine {
    Arm,
    I386,
    X86_64,
}

/// A generated object.
struct Object {
    machine: Machine,
    text: Vec<u8>,
    data: Vec<u8>,
    symbols: Vec<Sym>,
    /// (section, offset, symbol, r_type, RELA addend)
    relocs: Vec<(u16, u32, u32, u32, i64)>,
    imports: Vec<(String, u64)>,
}

fn generate(input: &mut Input) -> Object {
    let machine = [Machine::Arm, Machine::I386, Machine::X86_64][input.below(3)];
    let arm = machine == Machine::Arm;
    let rela = machine == Machine::X86_64;
    let slots = 2 + input.below(46);
    let words = 1 + input.below(16);
    let mut text: Vec<u8> = (0..slots * 4).map(|_| input.u8()).collect();
    let mut data: Vec<u8> = (0..words * 4).map(|_| input.u8()).collect();
    let thumb = |v: u32| if arm { v | 1 } else { v };
    let mut symbols = vec![
        Sym { name: String::new(), value: 0, shndx: 0, info: 0 },
        Sym { name: String::new(), value: 0, shndx: TEXT, info: STB_LOCAL << 4 | STT_SECTION },
        Sym { name: String::new(), value: 0, shndx: DATA, info: STB_LOCAL << 4 | STT_SECTION },
    ];
    for i in 0..1 + input.below(3) {
        let value = thumb(2 * input.below(slots * 2) as u32);
        symbols.push(Sym { name: format!("lf{i}"), value, shndx: TEXT, info: STB_LOCAL << 4 | STT_FUNC });
    }
    for i in 0..input.below(3) {
        let value = 4 * input.below(words) as u32;
        symbols.push(Sym { name: format!("lo{i}"), value, shndx: DATA, info: STB_LOCAL << 4 | STT_OBJECT });
    }
    for i in 0..1 + input.below(3) {
        let value = input.below(100) as u32;
        symbols.push(Sym { name: format!("abs{i}"), value, shndx: SHN_ABS, info: STB_LOCAL << 4 | STT_NOTYPE });
    }
    for i in 0..input.below(3) {
        let value = thumb(2 * input.below(slots * 2) as u32);
        symbols.push(Sym { name: format!("gf{i}"), value, shndx: TEXT, info: STB_GLOBAL << 4 | STT_FUNC });
    }
    let mut imports = Vec::new();
    for i in 0..input.below(IMPORTS.len() + 1) {
        let (name, addr) = IMPORTS[i];
        imports.push((name.to_string(), u64::from(thumb(addr))));
        symbols.push(Sym { name: name.into(), value: 0, shndx: 0, info: STB_GLOBAL << 4 | STT_FUNC });
    }
    if !arm {
        symbols.push(Sym { name: "_GLOBAL_OFFSET_TABLE_".into(), value: 0, shndx: 0, info: STB_GLOBAL << 4 | STT_NOTYPE });
    }
    // Symbols each field may refer to.
    let pick = |input: &mut Input, ok: &dyn Fn(&Sym) -> bool| -> Option<u32> {
        let candidates: Vec<u32> = (1..symbols.len() as u32).filter(|&i| ok(&symbols[i as usize])).collect();
        (!candidates.is_empty()).then(|| candidates[input.below(candidates.len())])
    };
    let is_branch_target = |s: &Sym| s.kind() == STT_FUNC;
    let types = match machine {
        Machine::Arm => ARM_TYPES,
        Machine::I386 => I386_TYPES,
        Machine::X86_64 => X86_64_TYPES,
    };
    let mut used_text = vec![false; slots];
    let mut used_data = vec![false; words];
    let mut relocs = Vec::new();
    for _ in 0..input.below(64) {
        let (r_type, field) = types[input.below(types.len())];
        // Words may also go to .data; instructions stay in .text.
        let in_data = matches!(field, Field::Word | Field::Quad) && input.u8() & 1 == 1;
        let (used, bytes, section) = if in_data { (&mut used_data, &mut data, DATA) } else { (&mut used_text, &mut text, TEXT) };
        let slot = input.below(used.len());
        // A quadword takes two slots.
        let slots_taken = if field == Field::Quad { 2 } else { 1 };
        if used.get(slot..slot + slots_taken).is_none_or(|u| u.iter().any(|&u| u)) {
            continue;
        }
        let symbol = match field {
            Field::ThumbShortBranch => pick(input, &|s| is_branch_target(s) && s.shndx == TEXT),
            // Only BL to an import: ld takes an address from its script for ARM code
            // when B.W or B<c>.W branch there (an interworking stub), as no loader does.
            Field::ThumbBranch if r_type == 10 => pick(input, &is_branch_target),
            Field::ThumbBranch => pick(input, &|s| is_branch_target(s) && s.shndx == TEXT),
            Field::Narrow => pick(input, &|s| s.shndx == SHN_ABS),
            Field::GotPc => pick(input, &|s| s.name == "_GLOBAL_OFFSET_TABLE_"),
            // Not the GOT symbol: ld would then make a GOT, which this input has no use for.
            Field::Word | Field::Quad | Field::MovImm => pick(input, &|s| s.name != "_GLOBAL_OFFSET_TABLE_"),
        };
        let Some(symbol) = symbol else { continue };
        let at = slot * 4;
        if rela {
            // The addend is the entry's; the field's bytes are overwritten. Near 0 for
            // 32-bit fields (their results must fit), small and positive for narrow ones.
            let addend = match field {
                // R_X86_64_32 is unsigned: a small symbol less a negative addend would
                // not fit (both sides refuse it).
                Field::Narrow => i64::from(input.u8() % 21),
                Field::Word if r_type == 10 => i64::from(input.u16()),
                Field::Quad => i64::from(input.u32() as i32),
                _ => i64::from(input.even_offset(0x1_0000) | i32::from(input.u8() & 1)),
            };
            used[slot..slot + slots_taken].fill(true);
            relocs.push((section, at as u32, symbol, r_type, addend));
            continue;
        }
        let field_bytes: Vec<u8> = match field {
            // PREL31: a 31-bit addend near 0 (in range), bit 31 as the code had it.
            Field::Word if r_type == 42 => ((input.even_offset(0x1_0000) as u32 & 0x7FFF_FFFF) | input.u32() & 0x8000_0000).to_le_bytes().to_vec(),
            Field::Word | Field::Quad | Field::GotPc => input.u32().to_le_bytes().to_vec(),
            Field::ThumbBranch => thumb_branch(r_type, input.even_offset(0x1_0000), u32::from(input.u8())).to_vec(),
            Field::ThumbShortBranch => (0xE000u16 | ((input.even_offset(512) as u16) >> 1 & 0x7FF)).to_le_bytes().to_vec(),
            Field::MovImm => mov_imm(r_type, u32::from(input.u16()), u32::from(input.u8() % 13)).to_vec(),
            // A small addend (the symbol is at most 99): every result fits in a signed
            // byte, ld's range (AAELF's is wider). Not negative: ld reads a REL addend
            // of these types without sign extension.
            Field::Narrow => {
                let addend = i32::from(input.u8() % 21);
                if matches!(r_type, 5 | 20) { (addend as i16).to_le_bytes().to_vec() } else { vec![addend as i8 as u8] }
            }
        };
        bytes[at..at + field_bytes.len()].copy_from_slice(&field_bytes);
        used[slot] = true;
        relocs.push((section, at as u32, symbol, r_type, 0));
    }
    Object { machine, text, data, symbols, relocs, imports }
}

impl Object {
    /// The relocations, for a finding's message: type, place, symbol and its value.
    fn describe(&self) -> String {
        let list: Vec<String> = self
            .relocs
            .iter()
            .map(|&(section, offset, sym, r_type, _)| {
                let s = &self.symbols[sym as usize];
                format!("type {r_type} at {section}:{offset:#x} -> {}{} ({:#x} in {})", if s.name.is_empty() { "section " } else { "" }, if s.name.is_empty() { s.shndx.to_string() } else { s.name.clone() }, s.value, s.shndx)
            })
            .collect();
        format!("{:?} relocations: {}", self.machine, list.join(", "))
    }
}

/// `.ARM.attributes`: Tag_CPU_arch v7, Tag_CPU_arch_profile M, Tag_THUMB_ISA_use
/// Thumb-2 (the "aeabi" vendor's file attributes).
const ARM_ATTRIBUTES: [u8; 22] = [b'A', 21, 0, 0, 0, b'a', b'e', b'a', b'b', b'i', 0, 1, 11, 0, 0, 0, 6, 10, 7, b'M', 9, 2];

/// Appends `value` as a little-endian field of `bytes` bytes (4 or 8: an ELF class's
/// word, address or offset).
fn put(out: &mut Vec<u8>, value: u64, bytes: usize) {
    out.extend_from_slice(&value.to_le_bytes()[..bytes]);
}

/// The object as a little-endian relocatable file: ELF32 with REL sections (ARM, i386)
/// or ELF64 with RELA sections (x86_64).
fn write_elf(o: &Object) -> Vec<u8> {
    let is64 = o.machine == Machine::X86_64;
    // Address-sized fields.
    let word = if is64 { 8 } else { 4 };
    // Locals first (gABI), then globals; relocations use the new order.
    let mut order: Vec<usize> = (0..o.symbols.len()).collect();
    order.sort_by_key(|&i| (o.symbols[i].info >> 4 != STB_LOCAL, i));
    let mut new_index = vec![0u32; o.symbols.len()];
    for (new, &old) in order.iter().enumerate() {
        new_index[old] = new as u32;
    }
    let first_global = order.iter().position(|&i| o.symbols[i].info >> 4 != STB_LOCAL).unwrap_or(order.len());
    let mut strtab = vec![0u8];
    let mut symtab = Vec::new();
    for &i in &order {
        let s = &o.symbols[i];
        let name = if s.name.is_empty() {
            0
        } else {
            strtab.extend_from_slice(s.name.as_bytes());
            strtab.push(0);
            (strtab.len() - s.name.len() - 1) as u64
        };
        put(&mut symtab, name, 4);
        if is64 {
            // Elf64_Sym: name, info, other, shndx, value, size.
            symtab.extend_from_slice(&[s.info, 0]);
            put(&mut symtab, u64::from(s.shndx), 2);
            put(&mut symtab, u64::from(s.value), 8);
            put(&mut symtab, 0, 8);
        } else {
            // Elf32_Sym: name, value, size, info, other, shndx.
            put(&mut symtab, u64::from(s.value), 4);
            put(&mut symtab, 0, 4);
            symtab.extend_from_slice(&[s.info, 0]);
            put(&mut symtab, u64::from(s.shndx), 2);
        }
    }
    let rel = |section: u16| -> Vec<u8> {
        let mut out = Vec::new();
        for &(_, offset, sym, r_type, addend) in o.relocs.iter().filter(|r| r.0 == section) {
            let sym = u64::from(new_index[sym as usize]);
            put(&mut out, u64::from(offset), word);
            if is64 {
                put(&mut out, sym << 32 | u64::from(r_type), 8);
                put(&mut out, addend as u64, 8);
            } else {
                put(&mut out, sym << 8 | u64::from(r_type), 4);
            }
        }
        out
    };
    let (rel_text, rel_data) = (rel(TEXT), rel(DATA));
    let (rel_names, rel_type, rel_size) = if is64 { ([".rela.text", ".rela.data"], 4, 24) } else { ([".rel.text", ".rel.data"], 9, 8) };
    let names = [".text", ".data", rel_names[0], rel_names[1], ".symtab", ".strtab", ".shstrtab", ".ARM.attributes"];
    let mut shstrtab = vec![0u8];
    let mut name_off = Vec::new();
    for n in names {
        name_off.push(shstrtab.len() as u64);
        shstrtab.extend_from_slice(n.as_bytes());
        shstrtab.push(0);
    }
    let (sym_size, align) = (if is64 { 24 } else { 16 }, word as u64);
    // (name, type, flags, content, link, info, align, entsize)
    let mut sections: Vec<(u64, u64, u64, &[u8], u64, u64, u64, u64)> = vec![
        (name_off[0], 1, 0x6, &o.text, 0, 0, 4, 0),
        (name_off[1], 1, 0x3, &o.data, 0, 0, align, 0),
        (name_off[2], rel_type, 0x40, &rel_text, 5, 1, align, rel_size),
        (name_off[3], rel_type, 0x40, &rel_data, 5, 2, align, rel_size),
        (name_off[4], 2, 0, &symtab, 6, first_global as u64, align, sym_size),
        (name_off[5], 3, 0, &strtab, 0, 0, 1, 0),
        (name_off[6], 3, 0, &shstrtab, 0, 0, 1, 0),
    ];
    if o.machine == Machine::Arm {
        // What gcc says of a Cortex-M3 object: without it ld assumes an ARMv4T core
        // and reaches imports through interworking stubs.
        sections.push((name_off[7], 0x7000_0003, 0, &ARM_ATTRIBUTES, 0, 0, 1, 0));
    }
    let header_size = if is64 { 64 } else { 52 };
    let mut file = vec![0u8; header_size];
    let mut offsets = Vec::new();
    for s in &sections {
        while file.len() % word != 0 {
            file.push(0);
        }
        offsets.push(file.len() as u64);
        file.extend_from_slice(s.3);
    }
    while file.len() % word != 0 {
        file.push(0);
    }
    let shoff = file.len() as u64;
    let shentsize = if is64 { 64 } else { 40 };
    file.extend_from_slice(&vec![0u8; shentsize]);
    for (s, &offset) in sections.iter().zip(&offsets) {
        // name, type (words); flags, addr, offset, size (class-sized); link, info
        // (words); addralign, entsize (class-sized).
        put(&mut file, s.0, 4);
        put(&mut file, s.1, 4);
        for v in [s.2, 0, offset, s.3.len() as u64] {
            put(&mut file, v, word);
        }
        put(&mut file, s.4, 4);
        put(&mut file, s.5, 4);
        put(&mut file, s.6, word);
        put(&mut file, s.7, word);
    }
    let (machine, flags) = match o.machine {
        Machine::Arm => (40, 0x0500_0000),
        Machine::I386 => (3, 0),
        Machine::X86_64 => (62, 0),
    };
    let mut h = vec![0x7F, b'E', b'L', b'F', if is64 { 2 } else { 1 }, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    put(&mut h, 1, 2); // ET_REL
    put(&mut h, machine, 2);
    put(&mut h, 1, 4); // EV_CURRENT
    put(&mut h, 0, word); // entry
    put(&mut h, 0, word); // phoff
    put(&mut h, shoff, word);
    put(&mut h, flags, 4);
    for v in [header_size as u64, 0, 0, shentsize as u64, sections.len() as u64 + 1, 7] {
        put(&mut h, v, 2);
    }
    file[..header_size].copy_from_slice(&h);
    file
}

/// One registry per architecture for the whole process, over a small cross arena, with
/// `IMPORTS` as the base image's exports.
fn registry_for(machine: Machine) -> (&'static ArenaPlatform, &'static Registry) {
    static REGISTRIES: OnceLock<[(&'static ArenaPlatform, Registry); 3]> = OnceLock::new();
    let registries = REGISTRIES.get_or_init(|| {
        let make = |arch, thumb: u32| {
            let mut table: Vec<(CString, u32)> = IMPORTS.iter().map(|&(n, a)| (CString::new(n).unwrap(), a | thumb)).collect();
            table.sort();
            let table: Vec<llext_const_symbol> = table.into_iter().map(|(n, a)| llext_const_symbol { name_or_slid: n.into_raw() as usize, addr: a as usize as *const core::ffi::c_void }).collect();
            let platform = ArenaPlatform::cross(1 << 20, RUN_BASE).leak();
            let registry = Registry::new(platform, arch);
            // SAFETY: the table is leaked, so it outlives the registry.
            unsafe { registry.set_base(Box::leak(table.into_boxed_slice()), LinkBy::Name) };
            (&*platform, registry)
        };
        [make(Arch::Arm, 1), make(Arch::X86, 0), make(Arch::X86_64, 0)]
    });
    let (platform, registry) = &registries[machine as usize];
    (platform, registry)
}

/// Generates the object of `data`, loads it with llext-rs and links it with GNU ld;
/// an error describes the first difference (or the side that refused it).
pub fn run_differential(data: &[u8]) -> Result<Outcome, String> {
    let object = generate(&mut Input { data });
    let elf = write_elf(&object);
    let (platform, registry) = registry_for(object.machine);
    let before = platform.used();
    let mut source = SliceSource::new(&elf, Storage::Temporary);
    let params = LoadParams { keep_section_info: true, ..LoadParams::default() };
    let (ext, _) = registry.load(&mut source, b"diff", &params, &mut NoHooks, &mut |_| {}).map_err(|e| format!("llext-rs refused the object: {e}; {}", object.describe()))?;
    // Every loaded section: (index, run address, relocated bytes).
    let (ours, got_base) = registry
        .inspect(ext, |b| {
            let l = &b.loaded;
            let sections = l.sections();
            let mut out = Vec::new();
            for (index, p) in l.places.as_ref().map(|p| p.as_slice()).unwrap_or(&[]).iter().enumerate() {
                let region = usize::from(p.region);
                if !p.is_loaded() || (mem::SYMTAB..=mem::SHSTRTAB).contains(&region) {
                    continue;
                }
                let (Some(s), Some((write, run, _))) = (sections.get(index), b.region(region)) else { continue };
                // SAFETY: the section's bytes inside its region's memory, which the
                // loaded extension owns.
                let bytes = unsafe { std::slice::from_raw_parts(write.wrapping_add(p.offset), s.size as usize) }.to_vec();
                out.push((index, run + p.offset as u64, bytes));
            }
            (out, l.got_base)
        })
        .ok_or("loaded extension not found")?;
    let relocations = object.relocs.len();
    let placement = Placement {
        sections: ours.iter().map(|&(index, addr, _)| SectionPlacement { index, addr }).collect(),
        symbols: object.imports.clone(),
        got: None,
        got_plt: Some(got_base),
        scratch: Some(RUN_BASE + (3 << 20)),
        relax: true,
    };
    let result = oracle::link(&elf, &placement).map_err(|e| format!("GNU ld refused the object: {}", e.0));
    assert_eq!(registry.unload(ext), Ok(0));
    assert_eq!(platform.used(), before, "heap not back at its baseline");
    let linked = result?;
    for (index, addr, bytes) in &ours {
        let theirs = linked.section(*index).ok_or_else(|| format!("section {index} missing from ld's output"))?;
        if theirs.grown_by != 0 {
            let stubs: Vec<&str> = linked.symbols.iter().filter(|s| s.name.starts_with("__")).map(|s| s.name.as_str()).collect();
            return Err(format!("ld grew section {index} by {} bytes ({stubs:?}); {}", theirs.grown_by, object.describe()));
        }
        if let Some(at) = bytes.iter().zip(&theirs.bytes).position(|(a, b)| a != b) {
            let reloc = object.relocs.iter().find(|r| u64::from(r.0) == *index as u64 && (r.1 as usize..r.1 as usize + 4).contains(&at));
            return Err(format!(
                "{:?} section {index} at {addr:#x}: byte {at} differs: ours {:02x?}, ld {:02x?} (relocation {reloc:?}: section, offset, symbol, type)",
                object.machine,
                &bytes[at & !3..(at & !3) + 4.min(bytes.len() - (at & !3))],
                &theirs.bytes[at & !3..(at & !3) + 4.min(theirs.bytes.len() - (at & !3))],
            ));
        }
    }
    Ok(Outcome { relocations, sections_compared: ours.len() })
}
