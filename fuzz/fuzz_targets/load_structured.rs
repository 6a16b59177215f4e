//! The load pipeline again, with a structure-aware mutator: most mutations change one
//! field of a valid ELF file (a section header, a relocation entry, a symbol, the ELF
//! header) to a value chosen to sit on a boundary (0, all ones, one past, another
//! section's offset or size, the file's length), so inputs stay well-formed enough to
//! reach layout, linking and relocation instead of failing the header checks. Inputs
//! have the `load` target's format and corpus; findings reproduce with either.
#![no_main]

use libfuzzer_sys::{fuzz_mutator, fuzz_target, fuzzer_mutate};

mod one_input;

fuzz_target!(|data: &[u8]| one_input::run_on_shared_registries(data));

/// xorshift64*: the mutator's only randomness, from libFuzzer's seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

fn read(elf: &[u8], at: usize, width: usize) -> Option<u64> {
    let bytes = elf.get(at..at.checked_add(width)?)?;
    Some(bytes.iter().rev().fold(0u64, |v, &b| v << 8 | u64::from(b)))
}

fn write(elf: &mut [u8], at: usize, width: usize, value: u64) -> bool {
    let Some(bytes) = at.checked_add(width).and_then(|end| elf.get_mut(at..end)) else { return false };
    for (i, b) in bytes.iter_mut().enumerate() {
        *b = (value >> (8 * i)) as u8;
    }
    true
}

/// The ELF file's section table: (class is 64-bit, table offset, entry size, count).
fn table(elf: &[u8]) -> Option<(bool, usize, usize, usize)> {
    if elf.get(..4)? != b"\x7fELF" || *elf.get(5)? != 1 {
        return None;
    }
    let wide = *elf.get(4)? == 2;
    let (shoff, shentsize, shnum) = if wide { (read(elf, 0x28, 8)?, read(elf, 0x3A, 2)?, read(elf, 0x3C, 2)?) } else { (read(elf, 0x20, 4)?, read(elf, 0x2E, 2)?, read(elf, 0x30, 2)?) };
    let (shoff, shentsize, shnum) = (usize::try_from(shoff).ok()?, shentsize as usize, shnum as usize);
    let end = shoff.checked_add(shentsize.checked_mul(shnum)?)?;
    (shentsize >= if wide { 64 } else { 40 } && shnum > 0 && end <= elf.len()).then_some((wide, shoff, shentsize, shnum))
}

/// (offset, size, type, entsize) of section `i`.
fn section(elf: &[u8], (wide, shoff, shentsize, _): (bool, usize, usize, usize), i: usize) -> Option<(usize, usize, u32, usize)> {
    let h = shoff.wrapping_add(i.wrapping_mul(shentsize));
    let (offset, size, entsize) = if wide { (read(elf, h + 24, 8)?, read(elf, h + 32, 8)?, read(elf, h + 56, 8)?) } else { (read(elf, h + 16, 4)?, read(elf, h + 20, 4)?, read(elf, h + 36, 4)?) };
    Some((usize::try_from(offset).ok()?, usize::try_from(size).ok()?, read(elf, h + 4, 4)? as u32, usize::try_from(entsize).ok()?))
}

/// A value on a boundary, near `old`, or taken from the file's own layout.
fn boundary_value(rng: &mut Rng, elf: &[u8], tab: (bool, usize, usize, usize), old: u64, width: usize) -> u64 {
    let ones = if width >= 8 { u64::MAX } else { (1u64 << (8 * width)) - 1 };
    let other = section(elf, tab, rng.below(tab.3)).unwrap_or((0, 0, 0, 0));
    let v = match rng.below(12) {
        0 => 0,
        1 => 1,
        2 => ones,
        3 => ones >> 1,
        4 => old.wrapping_add(1),
        5 => old.wrapping_sub(1),
        6 => old.wrapping_add(4 << rng.below(4)),
        7 => old ^ 1 << rng.below(8 * width),
        8 => other.0 as u64,
        9 => other.1 as u64,
        10 => (elf.len() as u64).wrapping_sub(rng.below(8) as u64),
        _ => rng.next(),
    };
    v & ones
}

/// Changes one field of the ELF file in `elf`; false if it is not one we can parse.
fn mutate_structure(elf: &mut [u8], rng: &mut Rng) -> bool {
    let Some(tab) = table(elf) else { return false };
    let (wide, shoff, shentsize, shnum) = tab;
    // (offset of the field, width)
    let field = match rng.below(10) {
        // A section header field.
        0..=3 => {
            let fields: &[(usize, usize)] = if wide {
                &[(0, 4), (4, 4), (8, 8), (16, 8), (24, 8), (32, 8), (40, 4), (44, 4), (48, 8), (56, 8)]
            } else {
                &[(0, 4), (4, 4), (8, 4), (12, 4), (16, 4), (20, 4), (24, 4), (28, 4), (32, 4), (36, 4)]
            };
            let (at, width) = fields[rng.below(fields.len())];
            (shoff + rng.below(shnum) * shentsize + at, width) // inside the checked table
        }
        // A relocation entry or a symbol: an entry of a section of that type.
        4..=8 => {
            let want_rel = rng.below(5) < 3;
            let candidates: Vec<(usize, usize, u32, usize)> = (0..shnum)
                .filter_map(|i| section(elf, tab, i))
                .filter(|&(_, size, t, ent)| ent > 0 && size >= ent && if want_rel { t == 9 || t == 4 } else { t == 2 })
                .collect();
            let Some(&(offset, size, t, ent)) = candidates.get(rng.below(candidates.len())) else { return false };
            // The file's own numbers: wrapping, the reads and writes check bounds.
            let entry = offset.wrapping_add(rng.below(size / ent).wrapping_mul(ent));
            let fields: &[(usize, usize)] = match (want_rel, wide) {
                // r_offset; r_info's symbol and type halves; the RELA addend
                (true, false) => if t == 4 { &[(0, 4), (4, 1), (5, 3), (8, 4)] } else { &[(0, 4), (4, 1), (5, 3)] },
                (true, true) => if t == 4 { &[(0, 8), (8, 4), (12, 4), (16, 8)] } else { &[(0, 8), (8, 4), (12, 4)] },
                // st_name, st_value, st_size, st_info, st_shndx
                (false, false) => &[(0, 4), (4, 4), (8, 4), (12, 1), (14, 2)],
                (false, true) => &[(0, 4), (8, 8), (16, 8), (4, 1), (6, 2)],
            };
            let (at, width) = fields[rng.below(fields.len())];
            (entry.wrapping_add(at), width)
        }
        // An ELF header field: e_type, e_machine, e_shstrndx, e_shnum.
        _ => {
            let fields: &[(usize, usize)] = if wide { &[(0x10, 2), (0x12, 2), (0x3E, 2), (0x3C, 2)] } else { &[(0x10, 2), (0x12, 2), (0x32, 2), (0x30, 2)] };
            fields[rng.below(fields.len())]
        }
    };
    let (at, width) = field;
    let Some(old) = read(elf, at, width) else { return false };
    let value = boundary_value(rng, elf, tab, old, width);
    write(elf, at, width, value)
}

fuzz_mutator!(|data: &mut [u8], size: usize, max_size: usize, seed: u32| {
    let mut rng = Rng(u64::from(seed).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    // One in eight mutations is libFuzzer's own (bytes, lengths, crossovers).
    if size < 2 || rng.below(8) == 0 {
        return fuzzer_mutate(data, size, max_size);
    }
    // Several field changes at times: errors that only show in combination.
    let mut changed = false;
    for _ in 0..1 + rng.below(3) {
        changed |= mutate_structure(&mut data[1..size], &mut rng);
    }
    if changed {
        size
    } else {
        fuzzer_mutate(data, size, max_size)
    }
});
