//! AArch32 relocator ("ELF for the Arm Architecture", AAELF), for Thumb-2 (Cortex-M) and
//! ARM-state (Cortex-A/R) code.
//!
//! ARM addresses are 32 bits, so all arithmetic is modulo 2^32: data words (ABS32, REL32,
//! GOT...) wrap as the ABI specifies, branch and narrow fields are range-checked.
//!
//! Deliberate differences from Zephyr 4.3 (`arch/arm/core/elf.c`):
//! - `SHT_RELA` addends are honoured (Zephyr only takes `SHT_REL`).
//! - Branch ranges are the ABI's: Zephyr also rejects the lowest offset (-2^25 for B/BL,
//!   -2^24 for Thumb BL/B.W), which GNU ld accepts and the encodings hold.
//! - An out-of-range B/BL/B.W goes through a veneer instead of failing.
//! - Interworking as GNU ld does: an odd (Thumb) target turns an ARM `BL` into `BLX`
//!   (a `B`/`BL<cond>` takes a veneer, which interworks) and a Thumb `BLX` into `BL`;
//!   an even target turns an ARM `BLX` into `BL`. A Thumb `BL`/`B.W` to an even address
//!   is kept: we do not know `STT_FUNC`, the target may be a Thumb label (M-profile has no
//!   ARM state at all), so Thumb-to-ARM calls need the object to use `BLX` itself.
//! - A B/BL to an undefined weak symbol falls through to the next instruction (GNU ld);
//!   Zephyr branches to address 0 or fails with "out of range".
//! - More types, with `got-veneers` (the code that has them is code not built with
//!   LLEXT's flags, which that feature is for): THM_JUMP19/11/8, THM_PC8, ABS16, ABS8,
//!   GOTOFF32, BASE_PREL, GOT_BREL, GOT_PREL. ET_DYN's RELATIVE, GLOB_DAT and JUMP_SLOT
//!   come with `elf-shared`.
//! - Built for an M-profile core (Cortex-M, `target_feature = "mclass"`), the ARM-state
//!   types (PC24, CALL, JUMP24, MOVW/MOVT A1, V4BX) are refused with `-ENOEXEC`: the
//!   core cannot execute ARM-state code, so an extension carrying it could not run;
//!   a Thumb `BLX` (which such a core lacks too) is taken as the `BL` it would become
//!   for a Thumb target.

use super::{write_u32, Aux, AuxNeed, Image, Place, Reloc, SymbolKind, Target, VeneerKind};
use crate::elf::{Addr, SAddr};
use crate::error::{Error, Result};

const R_ARM_NONE: u32 = 0;
const R_ARM_PC24: u32 = 1;
const R_ARM_ABS32: u32 = 2;
const R_ARM_REL32: u32 = 3;
const R_ARM_ABS16: u32 = 5;
const R_ARM_ABS8: u32 = 8;
const R_ARM_THM_CALL: u32 = 10;
const R_ARM_THM_PC8: u32 = 11;
#[cfg_attr(not(feature = "elf-shared"), allow(dead_code))] // ET_DYN only
const R_ARM_GLOB_DAT: u32 = 21;
#[cfg_attr(not(feature = "elf-shared"), allow(dead_code))] // ET_DYN only
const R_ARM_JUMP_SLOT: u32 = 22;
#[cfg_attr(not(feature = "elf-shared"), allow(dead_code))] // ET_DYN only
const R_ARM_RELATIVE: u32 = 23;
const R_ARM_GOTOFF32: u32 = 24;
const R_ARM_BASE_PREL: u32 = 25;
const R_ARM_GOT_BREL: u32 = 26;
const R_ARM_CALL: u32 = 28;
const R_ARM_JUMP24: u32 = 29;
const R_ARM_THM_JUMP24: u32 = 30;
const R_ARM_TARGET1: u32 = 38;
const R_ARM_V4BX: u32 = 40;
const R_ARM_PREL31: u32 = 42;
const R_ARM_MOVW_ABS_NC: u32 = 43;
const R_ARM_MOVT_ABS: u32 = 44;
const R_ARM_MOVW_PREL_NC: u32 = 45;
const R_ARM_MOVT_PREL: u32 = 46;
const R_ARM_THM_MOVW_ABS_NC: u32 = 47;
const R_ARM_THM_MOVT_ABS: u32 = 48;
const R_ARM_THM_MOVW_PREL_NC: u32 = 49;
const R_ARM_THM_MOVT_PREL: u32 = 50;
const R_ARM_THM_JUMP19: u32 = 51;
const R_ARM_GOT_PREL: u32 = 96;
const R_ARM_THM_JUMP11: u32 = 102;
const R_ARM_THM_JUMP8: u32 = 103;

/// PC bias a standard branch addend carries (REL: stored in the instruction).
#[cfg(not(target_feature = "mclass"))]
const ARM_BIAS: u32 = -8i32 as u32;
const THUMB_BIAS: u32 = -4i32 as u32;

/// Bytes of the field relocation type `r_type` patches: a byte, a halfword, or a word
/// (a 32-bit Thumb instruction is two halfwords, first at the lower address).
fn field_width(r_type: u32) -> usize {
    match r_type {
        R_ARM_NONE => 0,
        // The narrow types come with `got-veneers` (`patch`); without it they are refused,
        // whatever their width.
        #[cfg(feature = "got-veneers")]
        R_ARM_ABS8 => 1,
        #[cfg(feature = "got-veneers")]
        R_ARM_ABS16 | R_ARM_THM_JUMP11 | R_ARM_THM_JUMP8 | R_ARM_THM_PC8 => 2,
        _ => 4,
    }
}

/// Applies one relocation: the field is bounds-checked and read once, the new value
/// computed by type, and written back once.
pub fn relocate(
    reloc: &Reloc,
    place: Place<'_>,
    target: &Target,
    image: &Image,
    aux: &mut dyn Aux,
) -> Result<()> {
    let r_type = reloc.r_type;
    // A wider S or P is a loader bug or a hostile file, not something to truncate.
    #[allow(irrefutable_let_patterns)] // `Addr` is `u32` in 32-bit-only builds
    let (Ok(s), Ok(p)) = (u32::try_from(target.value), u32::try_from(place.address)) else {
        crate::error!(c"relocation type %lu beyond the 32-bit address space", r_type);
        return Err(Error::NoExec);
    };
    let width = field_width(r_type);
    if width == 0 {
        return Ok(()); // R_ARM_NONE: no field, wherever its offset points
    }
    let end = place.offset.checked_add(width).ok_or(Error::NoExec)?;
    let field = place.bytes.get_mut(place.offset..end).ok_or(Error::NoExec)?;
    // By width, not a variable-length copy: that would be two memcpy calls per entry.
    let old = match field {
        [b0, b1, b2, b3] => u32::from_le_bytes([*b0, *b1, *b2, *b3]),
        [b0, b1] => u32::from(u16::from_le_bytes([*b0, *b1])),
        [b0] => u32::from(*b0),
        _ => return Err(Error::NoExec),
    };
    let new = patch(reloc, old, s, p, target, image, aux)?.to_le_bytes();
    match (field, new) {
        ([b0, b1, b2, b3], [n0, n1, n2, n3]) => (*b0, *b1, *b2, *b3) = (n0, n1, n2, n3),
        ([b0, b1], [n0, n1, ..]) => (*b0, *b1) = (n0, n1),
        ([b0], [n0, ..]) => *b0 = n0,
        _ => {}
    }
    Ok(())
}

/// The new field value of relocation `reloc` over field value `old` (little-endian,
/// zero-extended; a Thumb-2 instruction's first halfword in the low 16 bits).
fn patch(reloc: &Reloc, old: u32, s: u32, p: u32, target: &Target, image: &Image, aux: &mut dyn Aux) -> Result<u32> {
    let r_type = reloc.r_type;
    // AAELF's T (1 for a Thumb function of the extension) and S, the address without
    // it: `(S + A) | T` keeps a Thumb function's bit 0 whatever A is, as GNU ld does.
    // Branches get both back as one value, whose bit 0 picks the instruction set.
    let t = s & u32::from(target.kind == SymbolKind::LocalFunction);
    let s = s - t;
    let s_t = |a: u32| s.wrapping_add(a) | t;
    // RELA addend, or the REL addend the place holds (`rel`, decoded by the caller).
    let a = |rel: u32| reloc.addend.map_or(rel, |a| a as u32);
    // Bias and GOT wrap modulo 2^32 (a negative bias arrives as a wrapped Addr).
    #[cfg_attr(not(all(feature = "elf-shared", feature = "got-veneers")), allow(unused_variables))]
    let (bias, got) = (image.load_bias as u32, image.got_base as u32);
    let (upper, lower) = (old & 0xFFFF, old >> 16);
    let thumb32 = |upper: u32, lower: u32| upper | lower << 16;
    match r_type {
        R_ARM_ABS32 | R_ARM_TARGET1 => Ok(s_t(a(old))),
        R_ARM_REL32 => Ok(s_t(a(old)).wrapping_sub(p)),
        #[cfg(feature = "got-veneers")]
        R_ARM_GOTOFF32 => Ok(s_t(a(old)).wrapping_sub(got)),
        #[cfg(feature = "got-veneers")]
        R_ARM_BASE_PREL => Ok(got.wrapping_add(a(old)).wrapping_sub(p)),
        #[cfg(feature = "elf-shared")]
        R_ARM_RELATIVE => Ok(bias.wrapping_add(a(old))),
        // AAELF "X" overflow check: the result fits signed or unsigned.
        #[cfg(feature = "got-veneers")]
        R_ARM_ABS16 | R_ARM_ABS8 => {
            let bits = if r_type == R_ARM_ABS16 { 16 } else { 8 };
            let v = s.wrapping_add(a(sext(old, bits)));
            let x = v as i32;
            if x < -(1 << (bits - 1)) || x >= 1 << bits {
                return Err(out_of_range(r_type, target));
            }
            Ok(v)
        }
        // Dynamic-style slot: S (+ A for RELA); a REL slot's old content is not an addend.
        #[cfg(feature = "elf-shared")]
        R_ARM_GLOB_DAT | R_ARM_JUMP_SLOT => Ok(s_t(reloc.addend.unwrap_or(0) as u32)),
        #[cfg(feature = "got-veneers")]
        R_ARM_GOT_BREL | R_ARM_GOT_PREL => {
            let g = addr32(aux.got_entry(target.key, target.value)?)?;
            let sub = if r_type == R_ARM_GOT_BREL { got } else { p };
            Ok(g.wrapping_add(a(old)).wrapping_sub(sub))
        }
        R_ARM_PREL31 => {
            let off = pcrel(s_t(a(sext(old & 0x7FFF_FFFF, 31))), 0, p);
            if !fits(off, 31) {
                return Err(out_of_range(r_type, target));
            }
            Ok((old & 0x8000_0000) | (off as u32 & 0x7FFF_FFFF))
        }
        // Zephyr's rewrite of BX Rm into MOV PC, Rm (same condition and Rm), which
        // interworks in ARM state on ARMv7+ and also runs on ARMv4.
        #[cfg(not(target_feature = "mclass"))]
        R_ARM_V4BX => Ok((old & 0xF000_000F) | 0x01A0_F000),
        #[cfg(not(target_feature = "mclass"))]
        R_ARM_PC24 | R_ARM_CALL | R_ARM_JUMP24 => arm_branch(reloc, old, s | t, p, target, aux),
        // An M-profile core runs Thumb only: ARM-state code could never execute.
        #[cfg(target_feature = "mclass")]
        R_ARM_V4BX | R_ARM_PC24 | R_ARM_CALL | R_ARM_JUMP24 | R_ARM_MOVW_ABS_NC | R_ARM_MOVT_ABS | R_ARM_MOVW_PREL_NC | R_ARM_MOVT_PREL => {
            crate::error!(c"ARM-state relocation type %lu: this core runs Thumb code only", r_type);
            Err(Error::NoExec)
        }
        R_ARM_THM_CALL | R_ARM_THM_JUMP24 => thumb_branch(reloc, upper, lower, s | t, p, target, aux),
        #[cfg(feature = "got-veneers")]
        R_ARM_THM_JUMP19 => {
            let imm = (upper >> 10 & 1) << 20
                | (lower >> 11 & 1) << 19
                | (lower >> 13 & 1) << 18
                | (upper & 0x3F) << 12
                | (lower & 0x7FF) << 1;
            let off = pcrel(s, a(sext(imm, 21)), p) & !1;
            if !fits(off, 21) {
                return Err(out_of_range(r_type, target));
            }
            let v = off as u32;
            let upper = (upper & 0xFBC0) | (v >> 20 & 1) << 10 | (v >> 12 & 0x3F);
            let lower = (lower & 0xD000) | (v >> 18 & 1) << 13 | (v >> 19 & 1) << 11 | (v >> 1 & 0x7FF);
            Ok(thumb32(upper, lower))
        }
        #[cfg(feature = "got-veneers")]
        R_ARM_THM_JUMP11 | R_ARM_THM_JUMP8 => {
            // B.N (imm11) and B<cond>.N (imm8), halfword offsets.
            let bits = if r_type == R_ARM_THM_JUMP11 { 11 } else { 8 };
            let mask = (1u32 << bits) - 1;
            let off = pcrel(s, a(sext((old & mask) << 1, bits + 1)), p) & !1;
            if !fits(off, bits + 1) {
                return Err(out_of_range(r_type, target));
            }
            Ok(old & !mask | (off as u32 >> 1) & mask)
        }
        #[cfg(feature = "got-veneers")]
        R_ARM_THM_PC8 => {
            // LDR (literal) / ADR T1: unsigned word offset from Align(P, 4). The REL addend
            // decoding is GNU ld's (imm8 * 4 plus the -4 PC bias, folded into 10 bits).
            let rel = (((old & 0xFF) << 2).wrapping_add(4) & 0x3FF).wrapping_sub(4);
            let off = pcrel(s, a(rel), p & !3);
            // GNU ld does not check (it masks); we refuse what would silently wrap.
            if !(0..=0x3FF).contains(&off) {
                return Err(out_of_range(r_type, target));
            }
            Ok((old & 0xFF00) | (off as u32 >> 2))
        }
        #[cfg(not(target_feature = "mclass"))]
        R_ARM_MOVW_ABS_NC | R_ARM_MOVT_ABS | R_ARM_MOVW_PREL_NC | R_ARM_MOVT_PREL => {
            // A1 encoding: imm4 in [19:16], imm12 in [11:0].
            let v = mov_imm(r_type, s, t, a(sext((old >> 4 & 0xF000) | (old & 0xFFF), 16)), p);
            Ok((old & 0xFFF0_F000) | (v & 0xF000) << 4 | (v & 0xFFF))
        }
        R_ARM_THM_MOVW_ABS_NC | R_ARM_THM_MOVT_ABS | R_ARM_THM_MOVW_PREL_NC | R_ARM_THM_MOVT_PREL => {
            // T3 encoding: imm4 = upper[3:0], i = upper[10], imm3 = lower[14:12],
            // imm8 = lower[7:0].
            let imm = (upper & 0xF) << 12 | (upper >> 10 & 1) << 11 | (lower >> 12 & 7) << 8 | (lower & 0xFF);
            let v = mov_imm(r_type, s, t, a(sext(imm, 16)), p);
            let upper = (upper & 0xFBF0) | (v >> 12 & 0xF) | (v >> 11 & 1) << 10;
            let lower = (lower & 0x8F00) | (v >> 8 & 7) << 12 | (v & 0xFF);
            Ok(thumb32(upper, lower))
        }
        // Types of code not built the way add_llext_target() builds it (PIC, no
        // -mlong-calls, hand-written assembly); Zephyr's relocator has none of them.
        #[cfg(not(feature = "got-veneers"))]
        R_ARM_GOTOFF32 | R_ARM_BASE_PREL | R_ARM_GOT_BREL | R_ARM_GOT_PREL | R_ARM_ABS16 | R_ARM_ABS8 | R_ARM_THM_JUMP19 | R_ARM_THM_JUMP11 | R_ARM_THM_JUMP8 | R_ARM_THM_PC8 => {
            crate::error!(c"relocation type %lu needs CONFIG_LLEXT_RS_GOT_VENEERS", r_type);
            Err(Error::NoExec)
        }
        _ => {
            crate::error!(c"unknown relocation type %lu (ARM)", r_type);
            Err(Error::NoExec)
        }
    }
}

/// ARM-state B/BL/BLX (imm24 words; BLX adds H for the half-word): the new instruction.
#[cfg(not(target_feature = "mclass"))]
fn arm_branch(reloc: &Reloc, insn: u32, s: u32, p: u32, target: &Target, aux: &mut dyn Aux) -> Result<u32> {
    let is_blx = insn >> 28 == 0xF;
    let rel = sext((insn & 0x00FF_FFFF) << 2, 26);
    let a = reloc.addend.map_or(if is_blx { rel | (insn >> 23 & 2) } else { rel }, |a| a as u32);
    if target.kind == SymbolKind::UndefinedWeak {
        // As GNU ld: fall through. MOV r0, r0 under the same condition is a NOP on every
        // ARM architecture (the NOP hint needs v6K).
        let cond = if is_blx { 0xE000_0000 } else { insn & 0xF000_0000 };
        return Ok(cond | 0x01A0_0000);
    }
    // Only an unconditional BL can become BLX; B and BL<cond> reach Thumb via a veneer.
    let thumb = s & 1 != 0;
    let can_blx = reloc.r_type == R_ARM_CALL && (is_blx || insn >> 28 == 0xE);
    let mut blx = thumb && can_blx;
    let mut off = pcrel(s, a, p);
    if (thumb && !blx) || !fits(off, 26) {
        if a != ARM_BIAS {
            return Err(out_of_range(reloc.r_type, target));
        }
        // The veneer is ARM code entered with B/BL; its `ldr pc` interworks.
        let v = addr32(aux.veneer(target.key, Addr::from(s), VeneerKind::Arm)?)?;
        blx = false;
        off = pcrel(v, a, p);
        if !fits(off, 26) {
            return Err(out_of_range(reloc.r_type, target));
        }
    }
    let imm = (off as u32 >> 2) & 0x00FF_FFFF;
    Ok(if blx {
        0xFA00_0000 | (off as u32 & 2) << 23 | imm
    } else if is_blx {
        0xEB00_0000 | imm
    } else {
        (insn & 0xFF00_0000) | imm
    })
}

/// Thumb-2 BL/BLX/B.W (T4 encoding, J1/J2 folded with S): the new halfword pair.
fn thumb_branch(reloc: &Reloc, upper: u32, lower: u32, s: u32, p: u32, target: &Target, aux: &mut dyn Aux) -> Result<u32> {
    let r_type = reloc.r_type;
    let sign = upper >> 10 & 1;
    let i1 = !(lower >> 13 ^ sign) & 1;
    let i2 = !(lower >> 11 ^ sign) & 1;
    let rel = sext(sign << 24 | i1 << 23 | i2 << 22 | (upper & 0x3FF) << 12 | (lower & 0x7FF) << 1, 25);
    let a = reloc.addend.map_or(rel, |a| a as u32);
    if target.kind == SymbolKind::UndefinedWeak {
        // As GNU ld: fall through. B.N to the next instruction exists on every Thumb
        // architecture (NOP.W does not on v6-M); the second halfword is skipped.
        return Ok(0xE000 | lower << 16);
    }
    // An M-profile core has no BLX (immediate): built for one, a BLX is taken as the BL
    // that GNU ld makes of it for a Thumb target.
    let is_blx = !cfg!(target_feature = "mclass") && r_type == R_ARM_THM_CALL && lower & 0x1000 == 0;
    // An odd target is Thumb: BLX becomes BL. An even one keeps what the code says.
    let mut blx = is_blx && s & 1 == 0;
    // BLX is relative to Align(PC, 4) and lands on a word-aligned ARM instruction.
    let reach = |dest: u32, blx: bool| if blx { pcrel(dest, a, p & !3) & !3 } else { pcrel(dest, a, p) & !1 };
    let mut off = reach(s, blx);
    if !fits(off, 25) {
        if a != THUMB_BIAS {
            return Err(out_of_range(r_type, target));
        }
        // The veneer is Thumb code; its target carries the state the branch meant.
        let dest = if is_blx { s } else { s | 1 };
        let v = addr32(aux.veneer(target.key, Addr::from(dest), VeneerKind::Thumb)?)?;
        blx = false;
        off = reach(v, false);
        if !fits(off, 25) {
            return Err(out_of_range(r_type, target));
        }
    }
    let v = off as u32;
    let sign = v >> 24 & 1;
    let j1 = (!(v >> 23) ^ sign) & 1;
    let j2 = (!(v >> 22) ^ sign) & 1;
    let upper = (upper & 0xF800) | sign << 10 | (v >> 12 & 0x3FF);
    let mut lower = (lower & 0xD000) | j1 << 13 | j2 << 11 | (v >> 1 & 0x7FF);
    if r_type == R_ARM_THM_CALL {
        lower = if blx { lower & !0x1000 } else { lower | 0x1000 };
    }
    Ok(upper | lower << 16)
}

/// What MOVW/MOVT (ARM or Thumb) load: the low or high half of S + A [- P]; no overflow
/// check (the `_NC` forms by definition, MOVT cannot overflow in 32 bits).
fn mov_imm(r_type: u32, s: u32, t: u32, a: u32, p: u32) -> u32 {
    let prel = matches!(
        r_type,
        R_ARM_MOVW_PREL_NC | R_ARM_MOVT_PREL | R_ARM_THM_MOVW_PREL_NC | R_ARM_THM_MOVT_PREL
    );
    let top = matches!(
        r_type,
        R_ARM_MOVT_ABS | R_ARM_MOVT_PREL | R_ARM_THM_MOVT_ABS | R_ARM_THM_MOVT_PREL
    );
    // MOVW: (S + A) | T; MOVT: S + A (AAELF), each less P for the PC-relative ones.
    let v = (s.wrapping_add(a) | if top { 0 } else { t }).wrapping_sub(if prel { p } else { 0 });
    (if top { v >> 16 } else { v }) & 0xFFFF
}

/// Sign-extends the low `bits` (1..=32) bits of `v`, result modulo 2^32.
fn sext(v: u32, bits: u32) -> u32 {
    let sh = 32 - bits;
    ((v << sh) as i32 >> sh) as u32
}

/// `dest + a - base` as a signed 32-bit offset (PC arithmetic wraps modulo 2^32).
fn pcrel(dest: u32, a: u32, base: u32) -> SAddr {
    SAddr::from(dest.wrapping_add(a).wrapping_sub(base) as i32)
}

/// True if `v` fits a `bits`-bit two's complement field.
fn fits(v: SAddr, bits: u32) -> bool {
    let lim: SAddr = 1 << (bits - 1);
    (-lim..lim).contains(&v)
}

fn addr32(v: Addr) -> Result<u32> {
    u32::try_from(v).map_err(|_| Error::NoExec)
}

fn out_of_range(r_type: u32, target: &Target) -> Error {
    crate::error!(c"relocation type %lu out of range (symbol %lu)", r_type, target.key);
    Error::NoExec
}

pub fn aux_need(r_type: u32) -> AuxNeed {
    match r_type {
        R_ARM_PC24 | R_ARM_CALL | R_ARM_JUMP24 => AuxNeed::Veneer(VeneerKind::Arm),
        R_ARM_THM_CALL | R_ARM_THM_JUMP24 => AuxNeed::Veneer(VeneerKind::Thumb),
        R_ARM_GOT_BREL | R_ARM_GOT_PREL => AuxNeed::GotEntry,
        _ => AuxNeed::None,
    }
}

/// Thumb: `ldr.w pc, [pc, #0]` + literal; ARM: `ldr pc, [pc, #-4]` + literal. Both read
/// the literal at veneer + 4, so the veneer must be word-aligned; loading PC interworks
/// (bit 0 of the literal selects the state).
pub fn write_veneer(kind: VeneerKind, bytes: &mut [u8], address: Addr, target: Addr) -> Result<()> {
    let insn: u32 = match kind {
        VeneerKind::Thumb => 0xF000_F8DF, // halfwords F8DF, F000
        VeneerKind::Arm => 0xE51F_F004,
        VeneerKind::X86_64 => return Err(Error::NotSup),
    };
    if address % 4 != 0 {
        crate::error!(c"misaligned veneer");
        return Err(Error::NoExec);
    }
    write_u32(bytes, 0, insn)?;
    write_u32(bytes, 4, addr32(target)?)
}

// Golden vectors: input bytes as `arm-none-eabi-as` (binutils 2.40) emits them, expected
// bytes as `arm-none-eabi-ld` 2.40 links them at fixed addresses, e.g.
//   arm-none-eabi-as -mcpu=cortex-a9 -o t.o t.s
//   arm-none-eabi-ld -o t -Ttext=0x10000 -Tdata=0x20000 [--defsym x=...] t.o
//   arm-none-eabi-objdump -d t; arm-none-eabi-objdump -s -j .data -j .got t
// The sources are quoted next to each test. Where we differ from ld on purpose, the
// comment says so.
#[cfg(test)]
#[rustfmt::skip]
mod tests {
    use super::*;

    /// Aux double: fixed GOT entry / veneer addresses, records the last request.
    struct Fake {
        got: Option<Addr>,
        veneer: Option<Addr>,
        got_value: Option<Addr>,
        veneer_req: Option<(u32, Addr, VeneerKind)>,
    }

    impl Fake {
        fn new() -> Self {
            Fake { got: None, veneer: None, got_value: None, veneer_req: None }
        }
        fn with_veneer(at: Addr) -> Self {
            Fake { veneer: Some(at), ..Fake::new() }
        }
        fn with_got(at: Addr) -> Self {
            Fake { got: Some(at), ..Fake::new() }
        }
    }

    impl Aux for Fake {
        fn got_entry(&mut self, _key: u32, value: Addr) -> Result<Addr> {
            self.got_value = Some(value);
            self.got.ok_or(Error::NoExec)
        }
        fn veneer(&mut self, key: u32, target: Addr, kind: VeneerKind) -> Result<Addr> {
            self.veneer_req = Some((key, target, kind));
            self.veneer.ok_or(Error::NoExec)
        }
    }

    const KEY: u32 = 7;
    const NOIMG: Image = Image { load_bias: 0, got_base: 0 };

    fn sym(value: Addr) -> Target {
        Target { value, kind: SymbolKind::Local, key: KEY }
    }

    fn weak() -> Target {
        Target { value: 0, kind: SymbolKind::UndefinedWeak, key: KEY }
    }

    /// Relocates a 4-byte place holding `field` at run address `p`; returns the field.
    fn go(r_type: u32, addend: Option<SAddr>, field: [u8; 4], p: Addr, t: Target, img: Image, aux: &mut Fake) -> Result<[u8; 4]> {
        let mut buf = field;
        let place = Place { bytes: &mut buf, offset: 0, address: p };
        relocate(&Reloc { r_type, addend }, place, &t, &img, aux)?;
        Ok(buf)
    }

    /// REL, Local symbol `s`, no GOT or veneer.
    fn rel(r_type: u32, field: [u8; 4], p: Addr, s: Addr) -> Result<[u8; 4]> {
        go(r_type, None, field, p, sym(s), NOIMG, &mut Fake::new())
    }

    /// RELA, Local symbol `s`, no GOT or veneer.
    fn rela(r_type: u32, a: SAddr, field: [u8; 4], p: Addr, s: Addr) -> Result<[u8; 4]> {
        go(r_type, Some(a), field, p, sym(s), NOIMG, &mut Fake::new())
    }

    /// AAELF's T: data and MOVW relocations against a Thumb function of the extension
    /// give `(S + A) | T` (an odd addend keeps bit 0 set, as GNU ld does; found by the
    /// differential fuzz target), MOVT `S + A`; other symbols' bit 0 is address.
    #[test]
    fn thumb_function_bit_is_or_ed_not_added() {
        let func = |value| Target { value, kind: SymbolKind::LocalFunction, key: KEY };
        let go_rel = |r_type, field, p, t| go(r_type, None, field, p, t, NOIMG, &mut Fake::new()).map(u32::from_le_bytes);
        // S = 0x1000, T = 1, A = 3.
        assert_eq!(go_rel(R_ARM_ABS32, w(3), 0x2000, func(0x1001)), Ok(0x1003));
        assert_eq!(go_rel(R_ARM_TARGET1, w(3), 0x2000, func(0x1001)), Ok(0x1003));
        assert_eq!(go_rel(R_ARM_REL32, w(3), 0x800, func(0x1001)), Ok(0x803));
        assert_eq!(go_rel(R_ARM_PREL31, w(3), 0x800, func(0x1001)), Ok(0x803));
        // Not a function (or not the extension's): plain S + A.
        assert_eq!(go_rel(R_ARM_ABS32, w(3), 0x2000, sym(0x1001)), Ok(0x1004));
        // MOVW r0, #3 / MOVT r0, #0 against S = 0x1_FFFE, T = 1, A = 3 (REL addends).
        let movw = go_rel(R_ARM_THM_MOVW_ABS_NC, th(0xF240, 0x0003), 0x2000, func(0x1_FFFF)).unwrap();
        let imm = |v: u32| (v & 0xF) << 12 | (v >> 10 & 1) << 11 | (v >> 28 & 7) << 8 | (v >> 16 & 0xFF);
        assert_eq!(imm(movw), 0x0001 | 1); // (0x1_FFFE + 3) | 1 = 0x2_0001
        let movt = go_rel(R_ARM_THM_MOVT_ABS, th(0xF2C0, 0x0003), 0x2000, func(0x1_FFFF)).unwrap();
        assert_eq!(imm(movt), 0x0002); // (0x1_FFFE + 3) >> 16
    }

    /// Thumb-2 instruction: two little-endian halfwords.
    fn th(upper: u16, lower: u16) -> [u8; 4] {
        let ([a, b], [c, d]) = (upper.to_le_bytes(), lower.to_le_bytes());
        [a, b, c, d]
    }

    /// 16-bit Thumb instruction followed by two filler bytes.
    fn hw(h: u16) -> [u8; 4] {
        let [a, b] = h.to_le_bytes();
        [a, b, 0x11, 0x22]
    }

    fn w(v: u32) -> [u8; 4] {
        v.to_le_bytes()
    }

    const BAD: Result<[u8; 4]> = Err(Error::NoExec);

    // t.s (-mcpu=cortex-a9; -Ttext=0x10000 -Tdata=0x20000):
    //   .thumb  _start: bl tfn; b.w tfn; bl wfn; b.w wfn; bl afn; blx afn; blx tfn;
    //           beq.w tfn; bl tfn+8; movw/movt r0, #:lower16:/:upper16:tvar+0x1234;
    //           movw/movt r1, #:lower16:/:upper16:tvar-4 - .
    //   .text.b: tfn (.thumb_func) = 0x1003d, afn (ARM) = 0x10040; .data: tvar = 0x20000
    #[test]
    fn thumb_bl_bw_golden() {
        let (bl, bw, blx) = (th(0xf7ff, 0xfffe), th(0xf7ff, 0xbffe), th(0xf7ff, 0xeffe));
        assert_eq!(rel(R_ARM_THM_CALL, bl, 0x10000, 0x1003d), Ok(th(0xf000, 0xf81c)));
        assert_eq!(rel(R_ARM_THM_JUMP24, bw, 0x10004, 0x1003d), Ok(th(0xf000, 0xb81a)));
        // blx afn: stays BLX, offset from Align(P, 4).
        assert_eq!(rel(R_ARM_THM_CALL, blx, 0x10014, 0x10040), Ok(th(0xf000, 0xe814)));
        // blx tfn: Thumb target, BLX becomes BL.
        assert_eq!(rel(R_ARM_THM_CALL, blx, 0x10018, 0x1003d), Ok(th(0xf000, 0xf810)));
        // bl tfn+8: REL addend 4 (f000 f802), lands on 0x10044.
        assert_eq!(rel(R_ARM_THM_CALL, th(0xf000, 0xf802), 0x10020, 0x1003d), Ok(th(0xf000, 0xf810)));
        // RELA: the place's immediate is ignored.
        assert_eq!(rela(R_ARM_THM_CALL, -4, th(0xf000, 0xf800), 0x10000, 0x1003d), Ok(th(0xf000, 0xf81c)));
        assert_eq!(rela(R_ARM_THM_CALL, 4, th(0xf7ff, 0xfffe), 0x10020, 0x1003d), Ok(th(0xf000, 0xf810)));
    }

    #[test]
    fn thumb_bl_even_target_keeps_bl() {
        // t.s `bl afn` at 0x10010: ld makes it BLX (it knows afn is an ARM STT_FUNC); we
        // cannot tell an ARM function from a Thumb label and keep BL, as ld does for a
        // v7-M object (n.s, -mcpu=cortex-m3: `bl evensym`, --defsym evensym=0x10100).
        let bl = th(0xf7ff, 0xfffe);
        assert_eq!(rel(R_ARM_THM_CALL, bl, 0x10010, 0x10040), Ok(th(0xf000, 0xf816)));
        assert_eq!(rel(R_ARM_THM_CALL, bl, 0x10000, 0x10100), Ok(th(0xf000, 0xf87e)));
        // n.s: `bl lbl`, lbl a plain (even) Thumb label at 0x10016.
        assert_eq!(rel(R_ARM_THM_CALL, bl, 0x10010, 0x10016), Ok(th(0xf000, 0xf801)));
    }

    #[test]
    fn thumb_undefined_weak_falls_through() {
        // ld 2.40 writes `nop.w` (f3af 8000) for v7-M and `b.n` + old halfword (e000 ...)
        // for v6-M (w0.s: `bl wfn`, .weak wfn, -mcpu=cortex-m0 / cortex-m3); we always
        // use the latter, valid on every Thumb architecture.
        assert_eq!(go(R_ARM_THM_CALL, None, th(0xf7ff, 0xfffe), 8, weak(), NOIMG, &mut Fake::new()), Ok(th(0xe000, 0xfffe)));
        assert_eq!(go(R_ARM_THM_JUMP24, None, th(0xf7ff, 0xbffe), 8, weak(), NOIMG, &mut Fake::new()), Ok(th(0xe000, 0xbffe)));
    }

    // edge.s (-mcpu=cortex-m3; -Ttext=0x1000000 --defsym lo=5 --defsym hi=0x2000005):
    //   bl lo -> f400 d000 (offset exactly -2^24: Zephyr 4.3 rejects it, ld accepts);
    //   b.w hi at 0x1000008 -> f3ff 97fc.
    #[test]
    fn thumb_range_edges() {
        let (bl, bw) = (th(0xf7ff, 0xfffe), th(0xf7ff, 0xbffe));
        assert_eq!(rel(R_ARM_THM_CALL, bl, 0x1000000, 5), Ok(th(0xf400, 0xd000)));
        assert_eq!(rel(R_ARM_THM_JUMP24, bw, 0x1000008, 0x2000005), Ok(th(0xf3ff, 0x97fc)));
        // Largest forward offset, 2^24 - 2.
        assert_eq!(rel(R_ARM_THM_CALL, bl, 0x1000000, 0x2000003), Ok(th(0xf3ff, 0xd7ff)));
        // One halfword further either way needs a veneer; none available -> NoExec.
        assert_eq!(rel(R_ARM_THM_CALL, bl, 0x1000000, 0x2000005), BAD);
        assert_eq!(rel(R_ARM_THM_CALL, bl, 0x1000002, 5), BAD);
    }

    // m.s (-mcpu=cortex-m3; -Ttext=0x10000 --defsym far=0x3000001):
    //   bl far; b.w far -> ld places __far_veneer at 0x10030: f000 f816, f000 b814.
    #[test]
    fn thumb_veneer() {
        let (bl, bw, blx) = (th(0xf7ff, 0xfffe), th(0xf7ff, 0xbffe), th(0xf7ff, 0xeffe));
        let mut aux = Fake::with_veneer(0x10030);
        assert_eq!(go(R_ARM_THM_CALL, None, bl, 0x10000, sym(0x3000001), NOIMG, &mut aux), Ok(th(0xf000, 0xf816)));
        assert_eq!(aux.veneer_req, Some((KEY, 0x3000001, VeneerKind::Thumb)));
        assert_eq!(go(R_ARM_THM_JUMP24, None, bw, 0x10004, sym(0x3000001), NOIMG, &mut aux), Ok(th(0xf000, 0xb814)));
        assert_eq!(go(R_ARM_THM_CALL, Some(-4), th(0xf000, 0xf800), 0x10000, sym(0x3000001), NOIMG, &mut aux), Ok(th(0xf000, 0xf816)));
        // BLX to a far ARM function: BL to the Thumb veneer, which switches state.
        assert_eq!(go(R_ARM_THM_CALL, None, blx, 0x10000, sym(0x3000000), NOIMG, &mut aux), Ok(th(0xf000, 0xf816)));
        assert_eq!(aux.veneer_req, Some((KEY, 0x3000000, VeneerKind::Thumb)));
        // BL to a far even (Thumb) label: the veneer must stay in Thumb state.
        assert_eq!(go(R_ARM_THM_CALL, None, bl, 0x10000, sym(0x3000000), NOIMG, &mut aux), Ok(th(0xf000, 0xf816)));
        assert_eq!(aux.veneer_req, Some((KEY, 0x3000001, VeneerKind::Thumb)));
        // A veneer jumps to S exactly: an addend other than the PC bias cannot use one.
        assert_eq!(go(R_ARM_THM_CALL, Some(0), bl, 0x10000, sym(0x3000001), NOIMG, &mut aux), BAD);
        // A veneer still out of reach is an error.
        let mut far = Fake::with_veneer(0x2000000);
        assert_eq!(go(R_ARM_THM_CALL, None, bl, 0x10000, sym(0x3000001), NOIMG, &mut far), BAD);
    }

    // a.s (-mcpu=cortex-a9, ARM state; -Ttext=0x10000 -Tdata=0x20000):
    //   _start: bl afn; b afn; bleq afn; bl tfn; blx tfn; blx afn; b tfn; bl wfn; b wfn;
    //   bleq wfn; bleq tfn; movw/movt r0 tvar+0x1234; movw/movt r1 tvar-8 - .
    //   afn = 0x10044, tfn = 0x10041, ld's ARM->Thumb stub __tfn_from_arm at 0x10048
    //   (e51ff004 00010041: the same bytes as our Arm veneer).
    #[test]
    fn arm_branch_golden() {
        let (bl, b, bleq, blx) = (w(0xebfffffe), w(0xeafffffe), w(0x0bfffffe), w(0xfafffffe));
        assert_eq!(rel(R_ARM_CALL, bl, 0x10000, 0x10044), Ok(w(0xeb00000f)));
        assert_eq!(rel(R_ARM_JUMP24, b, 0x10004, 0x10044), Ok(w(0xea00000e)));
        assert_eq!(rel(R_ARM_JUMP24, bleq, 0x10008, 0x10044), Ok(w(0x0b00000d)));
        assert_eq!(rel(R_ARM_PC24, bleq, 0x10008, 0x10044), Ok(w(0x0b00000d)));
        // bl tfn -> blx (H = 0); blx tfn stays blx; blx afn (ARM target) -> bl.
        assert_eq!(rel(R_ARM_CALL, bl, 0x1000c, 0x10041), Ok(w(0xfa00000b)));
        assert_eq!(rel(R_ARM_CALL, blx, 0x10010, 0x10041), Ok(w(0xfa00000a)));
        assert_eq!(rel(R_ARM_CALL, blx, 0x10014, 0x10044), Ok(w(0xeb00000a)));
        // BLX H bit: a Thumb target on a halfword boundary.
        assert_eq!(rel(R_ARM_CALL, bl, 0x1000c, 0x10043), Ok(w(0xfb00000b)));
        // RELA form of `bl afn`.
        assert_eq!(rela(R_ARM_CALL, -8, w(0xeb000000), 0x10000, 0x10044), Ok(w(0xeb00000f)));
        // b tfn / bleq tfn: B and BL<cond> cannot switch state -> veneer.
        let mut aux = Fake::with_veneer(0x10048);
        assert_eq!(go(R_ARM_JUMP24, None, b, 0x10018, sym(0x10041), NOIMG, &mut aux), Ok(w(0xea00000a)));
        assert_eq!(aux.veneer_req, Some((KEY, 0x10041, VeneerKind::Arm)));
        assert_eq!(go(R_ARM_JUMP24, None, bleq, 0x10028, sym(0x10041), NOIMG, &mut aux), Ok(w(0x0b000006)));
        // ... and without a veneer they fail.
        assert_eq!(rel(R_ARM_JUMP24, b, 0x10018, 0x10041), BAD);
    }

    #[test]
    fn arm_undefined_weak_falls_through() {
        // ld 2.40: `nop` (e320f000, cond kept) for v6K+, `mov r0, r0` (e1a00000) for
        // arm7tdmi (w1.s: `bl wfn`); we use MOV r0, r0 under the original condition
        // everywhere. For `blx wfn` ld writes f320f000 (not a NOP); we write e1a00000.
        for (r, insn, want) in [
            (R_ARM_CALL, 0xebfffffe, 0xe1a00000),
            (R_ARM_JUMP24, 0xeafffffe, 0xe1a00000),
            (R_ARM_JUMP24, 0x0bfffffe, 0x01a00000),
            (R_ARM_PC24, 0x1bfffffe, 0x11a00000),
            (R_ARM_CALL, 0xfafffffe, 0xe1a00000),
        ] {
            assert_eq!(go(r, None, w(insn), 0x1001c, weak(), NOIMG, &mut Fake::new()), Ok(w(want)));
        }
    }

    // e.s (ARM; -Ttext=0x2000000 --defsym farlo=8 --defsym farhi=0x3fffffc):
    //   bl farlo -> eb800000 (offset exactly -2^25: Zephyr 4.3 rejects it, ld accepts);
    //   bl farhi at 0x2000004 -> eb7ffffc.
    #[test]
    fn arm_range_edges() {
        let bl = w(0xebfffffe);
        assert_eq!(rel(R_ARM_CALL, bl, 0x2000000, 8), Ok(w(0xeb800000)));
        assert_eq!(rel(R_ARM_CALL, bl, 0x2000004, 0x3fffffc), Ok(w(0xeb7ffffc)));
        assert_eq!(rel(R_ARM_CALL, bl, 0x2000004, 0x4000008), Ok(w(0xeb7fffff)));
        assert_eq!(rel(R_ARM_CALL, bl, 0x2000004, 0x400000c), BAD);
        assert_eq!(rel(R_ARM_CALL, bl, 0x2000004, 8), BAD);
        let mut aux = Fake::with_veneer(0x2000100);
        assert_eq!(go(R_ARM_CALL, None, bl, 0x2000004, sym(0x400000c), NOIMG, &mut aux), Ok(w(0xeb00003d)));
        assert_eq!(aux.veneer_req, Some((KEY, 0x400000c, VeneerKind::Arm)));
    }

    // MOVW/MOVT from t.s (Thumb) and a.s (ARM), tvar = 0x20000; the REL addend is the
    // signed 16-bit immediate in both halves (0x1234; -4 resp. -8 for the PREL pair).
    #[test]
    fn movw_movt_golden() {
        let s = 0x20000;
        assert_eq!(rel(R_ARM_THM_MOVW_ABS_NC, th(0xf241, 0x2034), 0x10024, s), Ok(th(0xf241, 0x2034)));
        assert_eq!(rel(R_ARM_THM_MOVT_ABS, th(0xf2c1, 0x2034), 0x10028, s), Ok(th(0xf2c0, 0x0002)));
        assert_eq!(rel(R_ARM_THM_MOVW_PREL_NC, th(0xf64f, 0x71fc), 0x1002c, s), Ok(th(0xf64f, 0x71d0)));
        assert_eq!(rel(R_ARM_THM_MOVT_PREL, th(0xf6cf, 0x71fc), 0x10030, s), Ok(th(0xf2c0, 0x0100)));
        assert_eq!(rel(R_ARM_MOVW_ABS_NC, w(0xe3010234), 0x1002c, s), Ok(w(0xe3010234)));
        assert_eq!(rel(R_ARM_MOVT_ABS, w(0xe3410234), 0x10030, s), Ok(w(0xe3400002)));
        assert_eq!(rel(R_ARM_MOVW_PREL_NC, w(0xe30f1ff8), 0x10034, s), Ok(w(0xe30f1fc4)));
        assert_eq!(rel(R_ARM_MOVT_PREL, w(0xe34f1ff8), 0x10038, s), Ok(w(0xe3401000)));
        // RELA with a full 32-bit addend; immediates in the place are ignored, Rd kept.
        assert_eq!(rela(R_ARM_THM_MOVT_ABS, 0x12345, th(0xf2cf, 0x7fff), 0, s), Ok(th(0xf2c0, 0x0f03)));
        assert_eq!(rela(R_ARM_MOVW_ABS_NC, 0x12345, w(0xe30f0fff), 0, s), Ok(w(0xe3020345)));
    }

    // t.s / a.s / cp.o data (-Ttext=0x10000 -Tdata=0x20000):
    //   .word tfn -> 0x1003d; .word afn+4 -> 0x10044; .word (tfn - .) + 0x10 (REL32 at
    //   0x20010) -> 0xffff003d; .word tvar(GOTOFF) (GOT 0x11044) -> 0xefbc;
    //   .word tvar(GOT) (entry 0x11050) -> 0xc; a.s .word tvar(GOT_PREL)[+8] at 0x20004 /
    //   0x20008 (entry 0x1105c) -> 0xffff1058 / 0xffff105c;
    //   cp.o (c.c below with arm-none-eabi-gcc -mthumb -mcpu=cortex-m3 -O2 -fPIC;
    //   ld --defsym ext_fn=0x30001 --defsym ext_var=0x40000, GOT at 0x11048):
    //   R_ARM_BASE_PREL _GLOBAL_OFFSET_TABLE_ at 0x10038, in 0x26 -> 0x1036;
    //   R_ARM_GOT_BREL ext_var (entry 0x11058) -> 0x10.
    //   c.c: extern int ext_var; extern int ext_fn(int); static int loc_var; int glob_var;
    //        static int loc_fn(int x) { return x + 1; }
    //        extern int weak_fn(void) __attribute__((weak));
    //        int f(int x) { int r = ext_fn(x) + ext_var + loc_var + glob_var + loc_fn(x);
    //          if (weak_fn) r += weak_fn(); int (*p)(int) = ext_fn; r += p(2); return r; }
    #[test]
    fn data_golden() {
        let img = |got| Image { load_bias: 0, got_base: got };
        assert_eq!(rel(R_ARM_ABS32, w(0), 0x20004, 0x1003d), Ok(w(0x1003d)));
        assert_eq!(rel(R_ARM_ABS32, w(4), 0x20008, 0x10040), Ok(w(0x10044)));
        assert_eq!(rel(R_ARM_TARGET1, w(4), 0x20008, 0x10040), Ok(w(0x10044)));
        assert_eq!(rel(R_ARM_REL32, w(0x10), 0x20010, 0x1003d), Ok(w(0xffff003d)));
        let mut aux = Fake::new();
        assert_eq!(go(R_ARM_GOTOFF32, None, w(0), 0x20014, sym(0x20000), img(0x11044), &mut aux), Ok(w(0xefbc)));
        assert_eq!(go(R_ARM_BASE_PREL, None, w(0x26), 0x10038, sym(0x11048), img(0x11048), &mut aux), Ok(w(0x1036)));
        let mut aux = Fake::with_got(0x11050);
        assert_eq!(go(R_ARM_GOT_BREL, None, w(0), 0x20018, sym(0x20000), img(0x11044), &mut aux), Ok(w(0xc)));
        assert_eq!(aux.got_value, Some(0x20000));
        let mut aux = Fake::with_got(0x11058);
        assert_eq!(go(R_ARM_GOT_BREL, None, w(0), 0x1003c, sym(0x40000), img(0x11048), &mut aux), Ok(w(0x10)));
        let mut aux = Fake::with_got(0x1105c);
        assert_eq!(go(R_ARM_GOT_PREL, None, w(0), 0x20004, sym(0x20000), img(0x11050), &mut aux), Ok(w(0xffff1058)));
        assert_eq!(go(R_ARM_GOT_PREL, None, w(8), 0x20008, sym(0x20000), img(0x11050), &mut aux), Ok(w(0xffff105c)));
        assert_eq!(go(R_ARM_GOT_PREL, Some(8), w(0xdead), 0x20008, sym(0x20000), img(0x11050), &mut aux), Ok(w(0xffff105c)));
        // No GOT entry available.
        assert_eq!(go(R_ARM_GOT_BREL, None, w(0), 0x20018, sym(0x20000), img(0x11044), &mut Fake::new()), BAD);
        // RELA ABS32 with a negative addend wraps modulo 2^32.
        assert_eq!(rela(R_ARM_ABS32, -4, w(0x55), 0, 0), Ok(w(0xfffffffc)));
    }

    // a.s: .word 0x7ffffff0 / 0x80000010 with .reloc R_ARM_PREL31 against tfn / afn at
    // 0x2000c / 0x20010 -> 0x7fff0025 / 0xffff0044 (bit 31 kept).
    #[test]
    fn prel31() {
        assert_eq!(rel(R_ARM_PREL31, w(0x7ffffff0), 0x2000c, 0x10041), Ok(w(0x7fff0025)));
        assert_eq!(rel(R_ARM_PREL31, w(0x80000010), 0x20010, 0x10044), Ok(w(0xffff0044)));
        // Range: [-2^30, 2^30).
        assert_eq!(rel(R_ARM_PREL31, w(0), 0x40000000, 0), Ok(w(0x40000000)));
        assert_eq!(rel(R_ARM_PREL31, w(0), 0x40000001, 0), BAD);
        assert_eq!(rel(R_ARM_PREL31, w(0), 0, 0x3fffffff), Ok(w(0x3fffffff)));
        assert_eq!(rel(R_ARM_PREL31, w(0), 0, 0x40000000), BAD);
        assert_eq!(rela(R_ARM_PREL31, 0x10, w(0x8000_0000), 0x20010, 0x10044), Ok(w(0xffff0044)));
    }

    #[test]
    fn dynamic_style_slots() {
        let img = Image { load_bias: 0x2000_0000, got_base: 0 };
        assert_eq!(go(R_ARM_RELATIVE, None, w(0x1000), 0x40, sym(0), img, &mut Fake::new()), Ok(w(0x2000_1000)));
        assert_eq!(go(R_ARM_RELATIVE, Some(0x10), w(0x1000), 0x40, sym(0), img, &mut Fake::new()), Ok(w(0x2000_0010)));
        // A negative bias (run below link address) arrives wrapped.
        let low = Image { load_bias: Addr::wrapping_sub(0, 0x1000), got_base: 0 };
        assert_eq!(go(R_ARM_RELATIVE, None, w(0x1_1000), 0x40, sym(0), low, &mut Fake::new()), Ok(w(0x1_0000)));
        // REL slot contents are not an addend; RELA adds A.
        assert_eq!(rel(R_ARM_GLOB_DAT, w(0xdeadbeef), 0x40, 0x1235), Ok(w(0x1235)));
        assert_eq!(rel(R_ARM_JUMP_SLOT, w(0xdeadbeef), 0x40, 0x1235), Ok(w(0x1235)));
        assert_eq!(rela(R_ARM_GLOB_DAT, 4, w(0), 0x40, 0x1235), Ok(w(0x1239)));
    }

    // m.s: .short near8 / .byte near9 (--defsym near8=0xff80 --defsym near9=0xff).
    #[test]
    fn abs16_abs8() {
        let f = [0, 0, 0xaa, 0xbb];
        assert_eq!(rel(R_ARM_ABS16, f, 0, 0xff80), Ok([0x80, 0xff, 0xaa, 0xbb]));
        assert_eq!(rel(R_ARM_ABS8, f, 0, 0xff), Ok([0xff, 0, 0xaa, 0xbb]));
        // Signed or unsigned fits; the REL addend is sign-extended (-1 + 0 = -1).
        assert_eq!(rel(R_ARM_ABS16, [0xff, 0xff, 0, 0], 0, 0), Ok([0xff, 0xff, 0, 0]));
        assert_eq!(rel(R_ARM_ABS16, [0xff, 0xff, 0, 0], 0, 0xffff_8001), Ok([0x00, 0x80, 0, 0]));
        assert_eq!(rel(R_ARM_ABS16, f, 0, 0x10000), BAD);
        assert_eq!(rel(R_ARM_ABS16, [0xff, 0xff, 0, 0], 0, 0xffff_8000), BAD);
        assert_eq!(rel(R_ARM_ABS8, f, 0, 0x100), BAD);
        assert_eq!(rel(R_ARM_ABS8, f, 0, 0xffff_ff80), Ok([0x80, 0, 0xaa, 0xbb]));
        assert_eq!(rela(R_ARM_ABS8, 2, f, 0, 0xfd), Ok([0xff, 0, 0xaa, 0xbb]));
    }

    // j.s (-mcpu=cortex-m3; -Ttext=0x10000 --defsym back=0xff15), raw halfwords with
    // .reloc: at 0x10000 e7fe JUMP11 near (0x1000d) -> e004; 0x10002 d0fe JUMP8 near ->
    // d003; 0x10004 d1fe JUMP8 back -> d186; 0x10006 e7fe JUMP11 back -> e785;
    // 0x10008 f43f affe JUMP19 back -> f43f af84. t.s: beq.w tfn at 0x1001c -> f000 800e.
    #[test]
    fn thumb_short_branches() {
        assert_eq!(rel(R_ARM_THM_JUMP11, hw(0xe7fe), 0x10000, 0x1000d), Ok(hw(0xe004)));
        assert_eq!(rel(R_ARM_THM_JUMP8, hw(0xd0fe), 0x10002, 0x1000d), Ok(hw(0xd003)));
        assert_eq!(rel(R_ARM_THM_JUMP8, hw(0xd1fe), 0x10004, 0xff15), Ok(hw(0xd186)));
        assert_eq!(rel(R_ARM_THM_JUMP11, hw(0xe7fe), 0x10006, 0xff15), Ok(hw(0xe785)));
        let beq = th(0xf43f, 0xaffe);
        assert_eq!(rel(R_ARM_THM_JUMP19, beq, 0x10008, 0xff15), Ok(th(0xf43f, 0xaf84)));
        assert_eq!(rel(R_ARM_THM_JUMP19, beq, 0x1001c, 0x1003d), Ok(th(0xf000, 0x800e)));
        assert_eq!(rela(R_ARM_THM_JUMP19, -4, th(0xf000, 0x8000), 0x1001c, 0x1003d), Ok(th(0xf000, 0x800e)));
        // Ranges: JUMP8 [-256, 254], JUMP11 [-2048, 2046], JUMP19 [-2^20, 2^20 - 2].
        assert_eq!(rel(R_ARM_THM_JUMP8, hw(0xd0fe), 0, 258), Ok(hw(0xd07f)));
        assert_eq!(rel(R_ARM_THM_JUMP8, hw(0xd0fe), 0, 260), BAD);
        assert_eq!(rel(R_ARM_THM_JUMP8, hw(0xd0fe), 0x1000, 0x1000 - 252), Ok(hw(0xd080)));
        assert_eq!(rel(R_ARM_THM_JUMP8, hw(0xd0fe), 0x1000, 0x1000 - 254), BAD);
        assert_eq!(rel(R_ARM_THM_JUMP11, hw(0xe7fe), 0, 2050), Ok(hw(0xe3ff)));
        assert_eq!(rel(R_ARM_THM_JUMP11, hw(0xe7fe), 0, 2052), BAD);
        assert_eq!(rel(R_ARM_THM_JUMP11, hw(0xe7fe), 0x1000, 0x1000 - 2044), Ok(hw(0xe400)));
        assert_eq!(rel(R_ARM_THM_JUMP11, hw(0xe7fe), 0x1000, 0x1000 - 2046), BAD);
        assert_eq!(rel(R_ARM_THM_JUMP19, beq, 0, 0x100002), Ok(th(0xf03f, 0xafff)));
        assert_eq!(rel(R_ARM_THM_JUMP19, beq, 0, 0x100004), BAD);
        assert_eq!(rel(R_ARM_THM_JUMP19, beq, 0x100000, 4), Ok(th(0xf400, 0x8000)));
        assert_eq!(rel(R_ARM_THM_JUMP19, beq, 0x100002, 4), BAD);
        // w.s: beq.w / b.n to an undefined weak: a plain branch to 0, like ld (which
        // links `beq.w wfn` at 0x100 as f43f af7e and rejects JUMP8 as out of range).
        assert_eq!(go(R_ARM_THM_JUMP19, None, beq, 0x100, weak(), NOIMG, &mut Fake::new()), Ok(th(0xf43f, 0xaf7e)));
        assert_eq!(go(R_ARM_THM_JUMP8, None, hw(0xd0fe), 0x104, weak(), NOIMG, &mut Fake::new()), BAD);
    }

    // m.s: .short 0x4800 / 0xa1ff / 0x48fe with .reloc R_ARM_THM_PC8 lit (0x10028) at
    // 0x1001c / 0x1001e / 0x10020 -> 4803 / a102; the third overflows (0x400) and ld
    // silently writes 4800: we refuse.
    #[test]
    fn thumb_pc8() {
        assert_eq!(rel(R_ARM_THM_PC8, hw(0x4800), 0x1001c, 0x10028), Ok(hw(0x4803)));
        assert_eq!(rel(R_ARM_THM_PC8, hw(0xa1ff), 0x1001e, 0x10028), Ok(hw(0xa102)));
        assert_eq!(rel(R_ARM_THM_PC8, hw(0x48fe), 0x10020, 0x10028), BAD);
        assert_eq!(rel(R_ARM_THM_PC8, hw(0xa1ff), 0x1001e, 0x10010), BAD);
        assert_eq!(rela(R_ARM_THM_PC8, -4, hw(0x4800), 0x1001e, 0x10028), Ok(hw(0x4802)));
    }

    #[test]
    fn v4bx_and_none() {
        // bx r3 -> mov pc, r3 (e1a0f003, as arm-none-eabi-as encodes `mov pc, r3`).
        assert_eq!(rel(R_ARM_V4BX, w(0xe12fff13), 0, 0), Ok(w(0xe1a0f003)));
        assert_eq!(rel(R_ARM_V4BX, w(0x112fff1e), 0, 0), Ok(w(0x11a0f00e)));
        assert_eq!(rel(R_ARM_NONE, w(0x12345678), 0, 0), Ok(w(0x12345678)));
    }

    #[test]
    fn malformed() {
        // Unknown types (COPY, ALU_PC_G0_NC, TLS_GD32, anything) fail.
        for r in [20, 57, 104, 255, u32::MAX] {
            assert_eq!(rel(r, w(0), 0, 0), BAD);
        }
        // Field beyond the section.
        let mut buf = [0u8; 6];
        for (r, at) in [(R_ARM_ABS32, 3), (R_ARM_THM_CALL, 4), (R_ARM_ABS16, 5), (R_ARM_ABS32, usize::MAX), (R_ARM_THM_MOVT_ABS, usize::MAX - 1)] {
            let place = Place { bytes: &mut buf, offset: at, address: 0 };
            let got = relocate(&Reloc { r_type: r, addend: None }, place, &sym(0), &NOIMG, &mut Fake::new());
            assert_eq!(got, Err(Error::NoExec));
        }
        // S or P beyond 32 bits.
        assert_eq!(rel(R_ARM_ABS32, w(0), 0, 0x1_0000_0000), BAD);
        assert_eq!(rel(R_ARM_ABS32, w(0), 0x1_0000_0000, 0), BAD);
        assert_eq!(rela(R_ARM_THM_CALL, 0x7fff_fffc, w(0), 0x10, 0x11), BAD);
    }

    /// Every type with extreme inputs: results vary, but nothing may panic.
    #[test]
    fn no_panics() {
        for r_type in 0..=255 {
            for addend in [None, Some(SAddr::MIN), Some(SAddr::MAX), Some(-1)] {
                for (s, p) in [(0xffff_ffff, 0), (0, 0xffff_ffff), (0xffff_fffe, 0xffff_fffe)] {
                    for field in [w(0xffff_ffff), w(0), w(0x8000_8000)] {
                        let mut aux = Fake { got: Some(0xffff_fff0), ..Fake::with_veneer(0xffff_fff8) };
                        let img = Image { load_bias: Addr::MAX, got_base: Addr::MAX };
                        let _ = go(r_type, addend, field, p, sym(s), img, &mut aux);
                        let _ = go(r_type, addend, field, p, weak(), img, &mut aux);
                    }
                }
            }
        }
    }

    // ld's Cortex-M stub is `ldr.w pc, [pc, #-0]` (f85f f000); ours is the equivalent
    // `ldr.w pc, [pc, #0]` (f8df f000). ARM: ld's __tfn_from_arm = e51ff004 + target.
    #[test]
    fn veneers() {
        let mut buf = [0u8; 8];
        assert_eq!(write_veneer(VeneerKind::Thumb, &mut buf, 0x10030, 0x3000001), Ok(()));
        assert_eq!(buf, [0xdf, 0xf8, 0x00, 0xf0, 0x01, 0x00, 0x00, 0x03]);
        assert_eq!(write_veneer(VeneerKind::Arm, &mut buf, 0x10048, 0x10041), Ok(()));
        assert_eq!(buf, [0x04, 0xf0, 0x1f, 0xe5, 0x41, 0x00, 0x01, 0x00]);
        assert_eq!(write_veneer(VeneerKind::Thumb, &mut buf, 0x10032, 1), Err(Error::NoExec));
        assert_eq!(write_veneer(VeneerKind::Arm, &mut buf, 0, 0x1_0000_0000), Err(Error::NoExec));
        assert_eq!(write_veneer(VeneerKind::Arm, &mut buf[..6], 0, 0), Err(Error::NoExec));
        assert_eq!(write_veneer(VeneerKind::X86_64, &mut buf, 0, 0), Err(Error::NotSup));
    }

    #[test]
    fn aux_needs() {
        assert_eq!(aux_need(R_ARM_THM_CALL), AuxNeed::Veneer(VeneerKind::Thumb));
        assert_eq!(aux_need(R_ARM_THM_JUMP24), AuxNeed::Veneer(VeneerKind::Thumb));
        assert_eq!(aux_need(R_ARM_CALL), AuxNeed::Veneer(VeneerKind::Arm));
        assert_eq!(aux_need(R_ARM_JUMP24), AuxNeed::Veneer(VeneerKind::Arm));
        assert_eq!(aux_need(R_ARM_PC24), AuxNeed::Veneer(VeneerKind::Arm));
        assert_eq!(aux_need(R_ARM_GOT_BREL), AuxNeed::GotEntry);
        assert_eq!(aux_need(R_ARM_GOT_PREL), AuxNeed::GotEntry);
        assert_eq!(aux_need(R_ARM_ABS32), AuxNeed::None);
        assert_eq!(aux_need(R_ARM_THM_JUMP19), AuxNeed::None);
    }
}
