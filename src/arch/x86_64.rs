//! x86_64 relocator (AMD64 psABI), `SHT_RELA` as GCC emits it (`SHT_REL` accepted).
//!
//! The link behaves like GNU ld 2.40 making a static, non-PIE executable at final
//! addresses (`ld -static`): PLT32/PLTOFF64 bind directly to the symbol, GOTPCRELX loads
//! are relaxed as ld relaxes them, what cannot be relaxed uses a GOT entry from the link
//! stage, and a call that cannot reach its target in ±2 GiB goes through a veneer. The
//! GOT base (`_GLOBAL_OFFSET_TABLE_`) is `Image::got_base`.
//!
//! Arithmetic is modulo 2^64; every store into a narrower field is range-checked.
//!
//! Deliberate differences from Zephyr 4.3 (`arch/x86/core/elf.c`, which handles 64,
//! PC32, PLT32, 32 and 32S only, without range checks):
//! - R_X86_64_64 writes all 64 bits (Zephyr writes the low 32 and assumes addresses
//!   below 4 GiB).
//! - 32, 32S, PC32 and PLT32 fail when the value does not fit (Zephyr truncates).
//! - An out-of-range PLT32 goes through a veneer. PC32 does not: it also addresses data
//!   (`lea`, `.long x - .`), and guessing a call from the preceding byte could redirect
//!   a data reference into a veneer; gas emits PLT32 for every `call`/`jmp` since 2.31.

use super::{
    read_bytes, read_u16, read_u32, read_u64, write_bytes, write_u16, write_u32, write_u64, Aux,
    AuxNeed, Image, Place, Reloc, Target, VeneerKind,
};
use crate::error::{Error, Result};

const R_X86_64_NONE: u32 = 0;
const R_X86_64_64: u32 = 1;
const R_X86_64_PC32: u32 = 2;
const R_X86_64_GOT32: u32 = 3;
const R_X86_64_PLT32: u32 = 4;
const R_X86_64_GLOB_DAT: u32 = 6;
const R_X86_64_JUMP_SLOT: u32 = 7;
const R_X86_64_RELATIVE: u32 = 8;
const R_X86_64_GOTPCREL: u32 = 9;
const R_X86_64_32: u32 = 10;
const R_X86_64_32S: u32 = 11;
const R_X86_64_16: u32 = 12;
const R_X86_64_PC16: u32 = 13;
const R_X86_64_8: u32 = 14;
const R_X86_64_PC8: u32 = 15;
const R_X86_64_PC64: u32 = 24;
const R_X86_64_GOTOFF64: u32 = 25;
const R_X86_64_GOTPC32: u32 = 26;
const R_X86_64_GOT64: u32 = 27;
const R_X86_64_GOTPCREL64: u32 = 28;
const R_X86_64_GOTPC64: u32 = 29;
const R_X86_64_GOTPLT64: u32 = 30;
const R_X86_64_PLTOFF64: u32 = 31;
const R_X86_64_GOTPCRELX: u32 = 41;
const R_X86_64_REX_GOTPCRELX: u32 = 42;

/// Field widths and the results they accept: absolute narrow fields take signed or
/// unsigned values (ld's "bitfield" check), PC-relative and `32S` ones signed values.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Field {
    Quad,
    /// Zero-extended 32 bits (`R_X86_64_32`).
    Word,
    /// Sign-extended 32 bits.
    SWord,
    Half,
    SHalf,
    Byte,
    SByte,
}

pub fn relocate(
    reloc: &Reloc,
    place: Place<'_>,
    target: &Target,
    image: &Image,
    aux: &mut dyn Aux,
) -> Result<()> {
    let r_type = reloc.r_type;
    let (bytes, at, p) = (place.bytes, place.offset, place.address);
    let (s, got, bias) = (target.value, image.got_base, image.load_bias);

    // Plain relocations: value = base + A - sub.
    let plain = match r_type {
        R_X86_64_64 => Some((Field::Quad, s, 0)),
        R_X86_64_PC32 => Some((Field::SWord, s, p)),
        R_X86_64_32 => Some((Field::Word, s, 0)),
        R_X86_64_32S => Some((Field::SWord, s, 0)),
        R_X86_64_16 => Some((Field::Half, s, 0)),
        R_X86_64_PC16 => Some((Field::SHalf, s, p)),
        R_X86_64_8 => Some((Field::Byte, s, 0)),
        R_X86_64_PC8 => Some((Field::SByte, s, p)),
        R_X86_64_PC64 => Some((Field::Quad, s, p)),
        R_X86_64_GOTOFF64 => Some((Field::Quad, s, got)),
        // No PLT: L = S, as ld for a non-preemptible symbol; 64 bits always reach.
        R_X86_64_PLTOFF64 => Some((Field::Quad, s, got)),
        R_X86_64_GOTPC32 => Some((Field::SWord, got, p)),
        R_X86_64_GOTPC64 => Some((Field::Quad, got, p)),
        R_X86_64_RELATIVE => Some((Field::Quad, bias, 0)),
        _ => None,
    };
    if let Some((field, base, sub)) = plain {
        let a = addend(reloc, bytes, at, field)?;
        let v = base.wrapping_add(a as u64).wrapping_sub(sub);
        return store(bytes, at, field, v, r_type);
    }

    match r_type {
        R_X86_64_NONE => Ok(()),
        // Dynamic-style slot: S (+ A for RELA); a REL slot's old content is not an addend.
        R_X86_64_GLOB_DAT | R_X86_64_JUMP_SLOT => {
            write_u64(bytes, at, s.wrapping_add(reloc.addend.unwrap_or(0) as u64))
        }
        R_X86_64_PLT32 => {
            let a = addend(reloc, bytes, at, Field::SWord)?;
            let v = match rel32(s, a, p) {
                Some(v) => v,
                None => {
                    // L + A - P with L a veneer: PLT semantics, so any addend is right.
                    let l = aux.veneer(target.key, s, VeneerKind::X86_64)?;
                    rel32(l, a, p).ok_or_else(|| out_of_range(r_type))?
                }
            };
            write_u32(bytes, at, v)
        }
        R_X86_64_GOTPCREL | R_X86_64_GOTPCRELX | R_X86_64_REX_GOTPCRELX => {
            let a = addend(reloc, bytes, at, Field::SWord)?;
            if relax_gotpcrel(r_type, bytes, at, s, p, a)? {
                return Ok(());
            }
            let g = aux.got_entry(target.key, s)?;
            let v = rel32(g, a, p).ok_or_else(|| out_of_range(r_type))?;
            write_u32(bytes, at, v)
        }
        R_X86_64_GOT32 | R_X86_64_GOT64 | R_X86_64_GOTPLT64 | R_X86_64_GOTPCREL64 => {
            // G + A - GOT (offset in the GOT), or G + A - P for GOTPCREL64.
            let field = if r_type == R_X86_64_GOT32 {
                Field::SWord
            } else {
                Field::Quad
            };
            let a = addend(reloc, bytes, at, field)?;
            let g = aux.got_entry(target.key, s)?;
            let sub = if r_type == R_X86_64_GOTPCREL64 {
                p
            } else {
                got
            };
            let v = g.wrapping_add(a as u64).wrapping_sub(sub);
            store(bytes, at, field, v, r_type)
        }
        _ => {
            crate::error!(c"unknown relocation type %lu (x86_64)", r_type);
            Err(Error::NoExec)
        }
    }
}

/// GNU ld 2.40's GOTPCREL relaxation for a non-PIC link (elf_x86_64_convert_load_reloc),
/// applied to every symbol a static link resolves, when the addend is -4:
///   call *foo@GOTPCREL(%rip)   ff 15 disp     -> addr32 call foo    67 e8 rel32
///   jmp  *foo@GOTPCREL(%rip)   ff 25 disp     -> jmp foo; nop       e9 rel32 90
///   mov  foo@GOTPCREL(%rip), r [rex] 8b modrm -> mov $foo, r        [rex] c7 c0+r imm32
///   test r, foo@GOTPCREL(%rip) [rex] 85 modrm -> test $foo, r       [rex] f7 c0+r imm32
///   <op> foo@GOTPCREL(%rip), r [rex] 03..3b   -> <op> $foo, r       [rex] 81 c0+r+op imm32
/// (op = add, or, adc, sbb, and, sub, xor, cmp). The immediate is sign-extended with
/// REX.W, zero-extended otherwise; REX.R moves to REX.B. Plain GOTPCREL (not ...X) only
/// rewrites `mov` to `lea foo(%rip), r` (8d). Where ld fails ("failed to convert
/// GOTPCREL relocation") or keeps the load, we rewrite `mov` to `lea` if the target is
/// within ±2 GiB, as ld does for PIC, and otherwise keep the GOT load.
/// Returns false (bytes untouched) when nothing was rewritten.
fn relax_gotpcrel(
    r_type: u32,
    bytes: &mut [u8],
    at: usize,
    s: u64,
    p: u64,
    a: i64,
) -> Result<bool> {
    read_u32(bytes, at)?; // the field itself must be there before anything is rewritten
    let Some(op_at) = at.checked_sub(2) else {
        return Ok(false);
    };
    let modrm_at = op_at + 1; // < at
    let (Some(&op), Some(&modrm)) = (bytes.get(op_at), bytes.get(modrm_at)) else {
        return Ok(false);
    };
    // Only RIP-relative operands (ModRM mod=00 rm=101).
    if a != -4 || modrm & 0xC7 != 0x05 {
        return Ok(false);
    }
    let relocx = r_type != R_X86_64_GOTPCREL;
    match op {
        0xFF if relocx && modrm == 0x15 => {
            let Some(v) = rel32(s, a, p) else {
                return Ok(false);
            };
            write_bytes(bytes, op_at, [0x67, 0xE8])?;
            write_u32(bytes, at, v)?;
        }
        0xFF if relocx && modrm == 0x25 => {
            // The rel32 moves one byte down and ends at P + 3, where the NOP goes.
            let Some(v) = rel32(s, a, p.wrapping_sub(1)) else {
                return Ok(false);
            };
            let end = at.checked_add(3).ok_or(Error::NoExec)?;
            write_bytes(bytes, end, [0x90])?;
            write_bytes(bytes, op_at, [0xE9])?;
            write_u32(bytes, modrm_at, v)?;
        }
        0x8B => {
            if relocx && to_imm32(r_type, bytes, at, op, modrm, s)? {
                return Ok(true);
            }
            let Some(v) = rel32(s, a, p) else {
                return Ok(false);
            };
            write_bytes(bytes, op_at, [0x8D])?;
            write_u32(bytes, at, v)?;
        }
        0x85 => return to_imm32(r_type, bytes, at, op, modrm, s),
        op if relocx && op & 0xC7 == 0x03 => return to_imm32(r_type, bytes, at, op, modrm, s),
        _ => return Ok(false),
    }
    Ok(true)
}

/// The `mov`/`test`/binop `$imm32` rewrite of a GOTPCRELX load, when `s` fits the
/// immediate (sign-extended under REX.W, else zero-extended).
fn to_imm32(r_type: u32, bytes: &mut [u8], at: usize, op: u8, modrm: u8, s: u64) -> Result<bool> {
    if r_type == R_X86_64_GOTPCREL {
        return Ok(false);
    }
    // REX_GOTPCRELX promises a REX prefix right before the opcode; check it.
    let rex_at = at.checked_sub(3);
    let rex = match (r_type, rex_at.and_then(|i| bytes.get(i))) {
        (R_X86_64_REX_GOTPCRELX, Some(&r)) if r & 0xF0 == 0x40 => Some(r),
        (R_X86_64_REX_GOTPCRELX, _) => return Ok(false),
        _ => None,
    };
    let wide = rex.is_some_and(|r| r & 0x08 != 0);
    let imm = if wide {
        i32::try_from(s as i64).ok().map(|v| v as u32)
    } else {
        u32::try_from(s).ok()
    };
    let Some(imm) = imm else {
        return Ok(false);
    };
    let reg = modrm >> 3 & 7;
    let (op, modrm) = match op {
        0x8B => (0xC7, 0xC0 | reg),
        0x85 => (0xF7, 0xC0 | reg),
        _ => (0x81, 0xC0 | reg | (op & 0x38)),
    };
    if let (Some(r), Some(i)) = (rex, rex_at) {
        // ModRM.reg becomes ModRM.rm: REX.R moves to REX.B (ld keeps a stray B; gas
        // never sets one for a RIP-relative operand, so clearing it changes nothing).
        write_bytes(bytes, i, [(r & !0x05) | (r & 0x04) >> 2])?;
    }
    write_bytes(bytes, at.checked_sub(2).ok_or(Error::NoExec)?, [op, modrm])?;
    write_u32(bytes, at, imm)?;
    Ok(true)
}

/// `dest + a - from` as a signed 32-bit displacement, if it fits.
fn rel32(dest: u64, a: i64, from: u64) -> Option<u32> {
    let v = dest.wrapping_add(a as u64).wrapping_sub(from) as i64;
    i32::try_from(v).ok().map(|v| v as u32)
}

/// RELA addend, or the REL addend stored in the field (sign-extended).
fn addend(reloc: &Reloc, bytes: &[u8], at: usize, field: Field) -> Result<i64> {
    if let Some(a) = reloc.addend {
        return Ok(a);
    }
    Ok(match field {
        Field::Quad => read_u64(bytes, at)? as i64,
        Field::Word | Field::SWord => i64::from(read_u32(bytes, at)? as i32),
        Field::Half | Field::SHalf => i64::from(read_u16(bytes, at)? as i16),
        Field::Byte | Field::SByte => i64::from(read_bytes(bytes, at).map(i8::from_le_bytes)?),
    })
}

fn store(bytes: &mut [u8], at: usize, field: Field, v: u64, r_type: u32) -> Result<()> {
    let x = v as i64;
    let ok = match field {
        Field::Quad => true,
        Field::Word => u32::try_from(v).is_ok(),
        Field::SWord => i32::try_from(x).is_ok(),
        Field::Half => (-0x8000..=0xFFFF).contains(&x),
        Field::SHalf => i16::try_from(x).is_ok(),
        Field::Byte => (-0x80..=0xFF).contains(&x),
        Field::SByte => i8::try_from(x).is_ok(),
    };
    if !ok {
        return Err(out_of_range(r_type));
    }
    match field {
        Field::Quad => write_u64(bytes, at, v),
        Field::Word | Field::SWord => write_u32(bytes, at, v as u32),
        Field::Half | Field::SHalf => write_u16(bytes, at, v as u16),
        Field::Byte | Field::SByte => write_bytes(bytes, at, [v as u8]),
    }
}

fn out_of_range(r_type: u32) -> Error {
    crate::error!(c"relocation type %lu out of range", r_type);
    Error::NoExec
}

pub fn aux_need(r_type: u32) -> AuxNeed {
    match r_type {
        R_X86_64_PLT32 => AuxNeed::Veneer(VeneerKind::X86_64),
        // An upper bound: relaxed GOTPCREL loads need no entry.
        R_X86_64_GOT32
        | R_X86_64_GOTPCREL
        | R_X86_64_GOTPCRELX
        | R_X86_64_REX_GOTPCRELX
        | R_X86_64_GOT64
        | R_X86_64_GOTPCREL64
        | R_X86_64_GOTPLT64 => AuxNeed::GotEntry,
        _ => AuxNeed::None,
    }
}

/// `jmp *0(%rip)` (ff 25 00 00 00 00) + the 64-bit target; the two bytes left in the
/// 16-byte slot are `int3`.
pub fn write_veneer(bytes: &mut [u8], _address: u64, target: u64) -> Result<()> {
    write_bytes(bytes, 0, [0xFF, 0x25, 0, 0, 0, 0])?;
    write_u64(bytes, 6, target)?;
    if let Some(pad) = bytes.get_mut(14..) {
        pad.fill(0xCC);
    }
    Ok(())
}

// Golden vectors: input bytes as host `as` (binutils 2.40) emits them, expected bytes as
// `ld -static` 2.40 links them, e.g.
//   as -o t.o t.s        (as -mrelax-relocations=no -o tn.o t.s for plain GOTPCREL)
//   ld -static -o t -Ttext=0x401000 -Tdata=0x402000 --defsym afoo=0x12345678 \
//      --defsym bigabs=0x123456789a t.o
//   objdump -d t; readelf -SW t (GOT placement); objdump -s -j .data -j .got t
// The sources are quoted next to each test.
#[cfg(test)]
#[rustfmt::skip]
mod tests {
    use super::*;
    use crate::arch::SymbolKind;

    /// Aux double: fixed GOT entry / veneer addresses, records the last request.
    struct Fake {
        got: Option<u64>,
        veneer: Option<u64>,
        got_value: Option<u64>,
        veneer_req: Option<(u32, u64, VeneerKind)>,
    }

    impl Aux for Fake {
        fn got_entry(&mut self, _key: u32, value: u64) -> Result<u64> {
            self.got_value = Some(value);
            self.got.ok_or(Error::NoExec)
        }
        fn veneer(&mut self, key: u32, target: u64, kind: VeneerKind) -> Result<u64> {
            self.veneer_req = Some((key, target, kind));
            self.veneer.ok_or(Error::NoExec)
        }
    }

    fn aux(got: Option<u64>, veneer: Option<u64>) -> Fake {
        Fake { got, veneer, got_value: None, veneer_req: None }
    }

    fn none() -> Fake {
        aux(None, None)
    }

    const NOIMG: Image = Image { load_bias: 0, got_base: 0 };
    /// l.s: _GLOBAL_OFFSET_TABLE_ (.got.plt) = 0x402fe8.
    const L_IMG: Image = Image { load_bias: 0, got_base: 0x402fe8 };

    fn sym(value: u64) -> Target {
        Target { value, kind: SymbolKind::Local, key: 3 }
    }

    fn abs(value: u64) -> Target {
        Target { value, kind: SymbolKind::Absolute, key: 4 }
    }

    fn weak() -> Target {
        Target { value: 0, kind: SymbolKind::UndefinedWeak, key: 5 }
    }

    /// RELA relocation of field offset `at` of `insn` at run address `p0` (P = p0 + at).
    #[allow(clippy::too_many_arguments)]
    fn go<const N: usize>(r_type: u32, addend: Option<i64>, insn: [u8; N], at: usize, p0: u64, t: Target, img: Image, aux: &mut Fake) -> Result<[u8; N]> {
        let mut buf = insn;
        let place = Place { bytes: &mut buf, offset: at, address: p0 + at as u64 };
        relocate(&Reloc { r_type, addend }, place, &t, &img, aux)?;
        Ok(buf)
    }

    const T: u64 = 0x401000;

    // t.s: every GOTPCRELX form gas emits; ld relaxes them (addend -4), lfoo = 0x402000:
    //   movq lfoo@GOTPCREL(%rip),%rax; movq afoo@...,%rax; movq bigabs@...,%rax;
    //   movl lfoo@...,%eax; movq lfoo@...,%r9; call *lfoo@...; jmp *lfoo@...;
    //   call *afoo@...; testq %rcx,lfoo@...; addq lfoo@...,%rdx; subl afoo@...,%r10d;
    //   cmpq afoo@...,%r11; movq wfoo@...,%rax; call *wfoo@...; addq wfoo@...,%rax
    //   (.weak wfoo). bigabs does not fit an imm32 or rel32: ld keeps the load from its
    //   GOT entry at 0x402fd8.
    #[test]
    fn gotpcrelx_relaxations_golden() {
        const RX: u32 = R_X86_64_REX_GOTPCRELX;
        const X: u32 = R_X86_64_GOTPCRELX;
        let lfoo = sym(0x402000);
        let afoo = abs(0x12345678);
        let cases = [
            (RX, 0x00, [0x48, 0x8b, 0x05, 0, 0, 0, 0], 3, lfoo, [0x48, 0xc7, 0xc0, 0x00, 0x20, 0x40, 0x00]),
            (RX, 0x07, [0x48, 0x8b, 0x05, 0, 0, 0, 0], 3, afoo, [0x48, 0xc7, 0xc0, 0x78, 0x56, 0x34, 0x12]),
            (RX, 0x0e, [0x48, 0x8b, 0x05, 0, 0, 0, 0], 3, abs(0x123456789a), [0x48, 0x8b, 0x05, 0xc3, 0x1f, 0x00, 0x00]),
            (X, 0x15, [0x8b, 0x05, 0, 0, 0, 0, 0xee], 2, lfoo, [0xc7, 0xc0, 0x00, 0x20, 0x40, 0x00, 0xee]),
            (RX, 0x1b, [0x4c, 0x8b, 0x0d, 0, 0, 0, 0], 3, lfoo, [0x49, 0xc7, 0xc1, 0x00, 0x20, 0x40, 0x00]),
            (X, 0x22, [0xff, 0x15, 0, 0, 0, 0, 0xee], 2, lfoo, [0x67, 0xe8, 0xd8, 0x0f, 0x00, 0x00, 0xee]),
            (X, 0x28, [0xff, 0x25, 0, 0, 0, 0, 0xee], 2, lfoo, [0xe9, 0xd3, 0x0f, 0x00, 0x00, 0x90, 0xee]),
            (X, 0x2e, [0xff, 0x15, 0, 0, 0, 0, 0xee], 2, afoo, [0x67, 0xe8, 0x44, 0x46, 0xf4, 0x11, 0xee]),
            (RX, 0x34, [0x48, 0x85, 0x0d, 0, 0, 0, 0], 3, lfoo, [0x48, 0xf7, 0xc1, 0x00, 0x20, 0x40, 0x00]),
            (RX, 0x3b, [0x48, 0x03, 0x15, 0, 0, 0, 0], 3, lfoo, [0x48, 0x81, 0xc2, 0x00, 0x20, 0x40, 0x00]),
            (RX, 0x42, [0x44, 0x2b, 0x15, 0, 0, 0, 0], 3, afoo, [0x41, 0x81, 0xea, 0x78, 0x56, 0x34, 0x12]),
            (RX, 0x49, [0x4c, 0x3b, 0x1d, 0, 0, 0, 0], 3, afoo, [0x49, 0x81, 0xfb, 0x78, 0x56, 0x34, 0x12]),
            (RX, 0x50, [0x48, 0x8b, 0x05, 0, 0, 0, 0], 3, weak(), [0x48, 0xc7, 0xc0, 0x00, 0x00, 0x00, 0x00]),
            (X, 0x57, [0xff, 0x15, 0, 0, 0, 0, 0xee], 2, weak(), [0x67, 0xe8, 0xa3, 0xef, 0xbf, 0xff, 0xee]),
            (RX, 0x5d, [0x48, 0x03, 0x05, 0, 0, 0, 0], 3, weak(), [0x48, 0x81, 0xc0, 0x00, 0x00, 0x00, 0x00]),
        ];
        for (r, off, insn, at, t, want) in cases {
            let mut a = aux(Some(0x402fd8), None);
            assert_eq!(go(r, Some(-4), insn, at, T + off, t, NOIMG, &mut a), Ok(want), "t.s +{off:#x}");
            // Only the non-relaxable load asked for an entry.
            assert_eq!(a.got_value.is_some(), off == 0x0e, "t.s +{off:#x}");
        }
    }

    // Same source, local data above 2 GiB (ld -Tdata=0x80001000): ld 2.40 fails with
    // "failed to convert GOTPCREL relocation; relink with --no-relax" for the REX.W
    // forms; we fall back to `lea` (mov) or the GOT load (test/binop). The 32-bit
    // `movl` still takes the zero-extended immediate, as in ld.
    #[test]
    fn gotpcrelx_beyond_imm32() {
        let hi = sym(0x8000_1000);
        let mut a = aux(Some(0x402fd8), None);
        assert_eq!(go(R_X86_64_REX_GOTPCRELX, Some(-4), [0x48, 0x8b, 0x05, 0, 0, 0, 0], 3, T, hi, NOIMG, &mut a), Ok([0x48, 0x8d, 0x05, 0xf9, 0xff, 0xbf, 0x7f]));
        assert_eq!(go(R_X86_64_GOTPCRELX, Some(-4), [0x8b, 0x05, 0, 0, 0, 0], 2, T + 0x15, hi, NOIMG, &mut a), Ok([0xc7, 0xc0, 0x00, 0x10, 0x00, 0x80]));
        assert_eq!(a.got_value, None);
        assert_eq!(go(R_X86_64_REX_GOTPCRELX, Some(-4), [0x48, 0x85, 0x0d, 0, 0, 0, 0], 3, T + 0x34, hi, NOIMG, &mut a), Ok([0x48, 0x85, 0x0d, 0x9d, 0x1f, 0x00, 0x00]));
        assert_eq!(a.got_value, Some(0x8000_1000));
        // Far from everything (host arena vs. base image): GOT load for call and mov.
        let far = abs(0x7f00_0000_0000);
        assert_eq!(go(R_X86_64_GOTPCRELX, Some(-4), [0xff, 0x15, 0, 0, 0, 0], 2, T + 0x22, far, NOIMG, &mut a), Ok([0xff, 0x15, 0xb0, 0x1f, 0x00, 0x00]));
        assert_eq!(go(R_X86_64_REX_GOTPCRELX, Some(-4), [0x4c, 0x8b, 0x0d, 0, 0, 0, 0], 3, T + 0x1b, far, NOIMG, &mut a), Ok([0x4c, 0x8b, 0x0d, 0xb6, 0x1f, 0x00, 0x00]));
        // ... and no GOT entry reserved -> NoExec.
        assert_eq!(go(R_X86_64_GOTPCRELX, Some(-4), [0xff, 0x15, 0, 0, 0, 0], 2, T + 0x22, far, NOIMG, &mut none()), Err(Error::NoExec));
        // Negative value under REX.W: sign-extended imm32.
        assert_eq!(go(R_X86_64_REX_GOTPCRELX, Some(-4), [0x48, 0x8b, 0x05, 0, 0, 0, 0], 3, T, abs(0xffff_ffff_ffff_fff0), NOIMG, &mut none()), Ok([0x48, 0xc7, 0xc0, 0xf0, 0xff, 0xff, 0xff]));
    }

    // tn.s = t.s assembled with -mrelax-relocations=no (plain GOTPCREL); ld -Tdata=0x402000
    // --defsym bigabs=0x3456789a: only `mov` becomes `lea`; the rest load from the GOT
    // (lfoo entry 0x402fd8, afoo 0x402fc8, wfoo 0x402fd0).
    #[test]
    fn gotpcrel_golden() {
        const R: u32 = R_X86_64_GOTPCREL;
        let (lfoo, afoo) = (sym(0x402000), abs(0x12345678));
        let cases = [
            (0x00, [0x48, 0x8b, 0x05, 0, 0, 0, 0], 3, lfoo, 0, [0x48, 0x8d, 0x05, 0xf9, 0x0f, 0x00, 0x00]),
            (0x07, [0x48, 0x8b, 0x05, 0, 0, 0, 0], 3, afoo, 0, [0x48, 0x8d, 0x05, 0x6a, 0x46, 0xf4, 0x11]),
            (0x0e, [0x48, 0x8b, 0x05, 0, 0, 0, 0], 3, abs(0x3456789a), 0, [0x48, 0x8d, 0x05, 0x85, 0x68, 0x16, 0x34]),
            (0x15, [0x8b, 0x05, 0, 0, 0, 0, 0xee], 2, lfoo, 0, [0x8d, 0x05, 0xe5, 0x0f, 0x00, 0x00, 0xee]),
            (0x1b, [0x4c, 0x8b, 0x0d, 0, 0, 0, 0], 3, lfoo, 0, [0x4c, 0x8d, 0x0d, 0xde, 0x0f, 0x00, 0x00]),
            (0x22, [0xff, 0x15, 0, 0, 0, 0, 0xee], 2, lfoo, 0x402fd8, [0xff, 0x15, 0xb0, 0x1f, 0x00, 0x00, 0xee]),
            (0x28, [0xff, 0x25, 0, 0, 0, 0, 0xee], 2, lfoo, 0x402fd8, [0xff, 0x25, 0xaa, 0x1f, 0x00, 0x00, 0xee]),
            (0x2e, [0xff, 0x15, 0, 0, 0, 0, 0xee], 2, afoo, 0x402fc8, [0xff, 0x15, 0x94, 0x1f, 0x00, 0x00, 0xee]),
            (0x34, [0x48, 0x85, 0x0d, 0, 0, 0, 0], 3, lfoo, 0x402fd8, [0x48, 0x85, 0x0d, 0x9d, 0x1f, 0x00, 0x00]),
            (0x50, [0x48, 0x8b, 0x05, 0, 0, 0, 0], 3, weak(), 0, [0x48, 0x8d, 0x05, 0xa9, 0xef, 0xbf, 0xff]),
        ];
        for (off, insn, at, t, entry, want) in cases {
            let mut a = aux((entry != 0).then_some(entry), None);
            assert_eq!(go(R, Some(-4), insn, at, T + off, t, NOIMG, &mut a), Ok(want), "tn.s +{off:#x}");
        }
        // gcc -fPIC `cmpq $0, weak_fn@GOTPCREL(%rip)` (48 83 3d disp 00): addend -5, no
        // relaxation, GOT load.
        let mut a = aux(Some(0x402fd0), None);
        assert_eq!(go(R, Some(-5), [0x48, 0x83, 0x3d, 0, 0, 0, 0, 0], 3, T, weak(), NOIMG, &mut a), Ok([0x48, 0x83, 0x3d, 0xc8, 0x1f, 0x00, 0x00, 0x00]));
        // REL form: addend -4 stored in the place.
        assert_eq!(go(R, None, [0x48, 0x8b, 0x05, 0xfc, 0xff, 0xff, 0xff], 3, T, lfoo, NOIMG, &mut none()), Ok([0x48, 0x8d, 0x05, 0xf9, 0x0f, 0x00, 0x00]));
    }

    // Shapes we leave alone though ld would rewrite them blindly: a REX_GOTPCRELX whose
    // REX byte is missing, a non-RIP operand, opcodes gas never marks.
    #[test]
    fn gotpcrelx_not_relaxed() {
        let lfoo = sym(0x402000);
        let mut a = aux(Some(0x402fd8), None);
        // `8b 05` tagged REX_GOTPCRELX but preceded by a non-REX byte: only `lea` is safe.
        assert_eq!(go(R_X86_64_REX_GOTPCRELX, Some(-4), [0x90, 0x8b, 0x05, 0, 0, 0, 0], 3, T, lfoo, NOIMG, &mut a), Ok([0x90, 0x8d, 0x05, 0xf9, 0x0f, 0x00, 0x00]));
        // push *foo@GOTPCREL(%rip) (ff 35), lea (8d 05), modrm with base (8b 80).
        for insn in [[0xff, 0x35, 0, 0, 0, 0], [0x8d, 0x05, 0, 0, 0, 0], [0x8b, 0x80, 0, 0, 0, 0]] {
            let want = [insn[0], insn[1], 0xd2, 0x1f, 0x00, 0x00];
            assert_eq!(go(R_X86_64_GOTPCRELX, Some(-4), insn, 2, T, lfoo, NOIMG, &mut a), Ok(want));
        }
        // Addend other than -4.
        assert_eq!(go(R_X86_64_GOTPCRELX, Some(0), [0x8b, 0x05, 0, 0, 0, 0], 2, T, lfoo, NOIMG, &mut a), Ok([0x8b, 0x05, 0xd6, 0x1f, 0x00, 0x00]));
        // Field at the section start: nothing to look at, GOT load.
        assert_eq!(go(R_X86_64_GOTPCRELX, Some(-4), [0, 0, 0, 0], 0, T, lfoo, NOIMG, &mut a), Ok([0xd4, 0x1f, 0x00, 0x00]));
    }

    // l.s (ld -static -Ttext=0x401000 -Tdata=0x401100 --defsym avar=0x12345678
    // --defsym afn=0x12345670 --defsym avar16=0xfff0 --defsym avar8=0xf0; GOT base
    // 0x402fe8, .got 0x402fd8 = [avar, lvar]; lvar = 0x401100, lfn = 0x401099):
    //   movabs $_GLOBAL_OFFSET_TABLE_+2,%r11 (GOTPC64 +4); movabs $lfn@PLTOFF / afn /
    //   wfn,%rbx; movabs $lvar@GOT / avar@GOT,%rdx; movabs $lvar@GOTOFF / avar@GOTOFF+16,
    //   %rax; movabs $lvar@GOTPLT,%rax; movl lvar@GOT,%eax; addq $_GLOBAL_OFFSET_TABLE_-4,
    //   %rax; leaq _GLOBAL_OFFSET_TABLE_(%rip),%r15; call lfn; call afn@PLT; jmp lfn@PLT;
    //   movl $lvar+8,%eax; movq $avar-8,%rax; movabs $avar,%rax; movl lvar(%rip),%eax
    #[test]
    fn large_model_and_plain_golden() {
        let (lvar, lfn, afn, avar) = (sym(0x401100), sym(0x401099), abs(0x12345670), abs(0x12345678));
        let q = |v: u64| v.to_le_bytes();
        let z8 = [0u8; 8];
        assert_eq!(go(R_X86_64_GOTPC64, Some(4), z8, 0, T + 2, sym(0x402fe8), L_IMG, &mut none()), Ok(q(0x1fea)));
        assert_eq!(go(R_X86_64_PLTOFF64, Some(0), z8, 0, T + 0x0c, lfn, L_IMG, &mut none()), Ok(q(0xffff_ffff_ffff_e0b1)));
        assert_eq!(go(R_X86_64_PLTOFF64, Some(0), z8, 0, T + 0x16, afn, L_IMG, &mut none()), Ok(q(0x11f42688)));
        assert_eq!(go(R_X86_64_PLTOFF64, Some(0), z8, 0, T + 0x20, weak(), L_IMG, &mut none()), Ok(q(0xffff_ffff_ffbf_d018)));
        assert_eq!(go(R_X86_64_GOT64, Some(0), z8, 0, T + 0x2a, lvar, L_IMG, &mut aux(Some(0x402fe0), None)), Ok(q(0xffff_ffff_ffff_fff8)));
        assert_eq!(go(R_X86_64_GOT64, Some(0), z8, 0, T + 0x34, avar, L_IMG, &mut aux(Some(0x402fd8), None)), Ok(q(0xffff_ffff_ffff_fff0)));
        assert_eq!(go(R_X86_64_GOTOFF64, Some(0), z8, 0, T + 0x3e, lvar, L_IMG, &mut none()), Ok(q(0xffff_ffff_ffff_e118)));
        assert_eq!(go(R_X86_64_GOTOFF64, Some(16), z8, 0, T + 0x48, avar, L_IMG, &mut none()), Ok(q(0x11f426a0)));
        assert_eq!(go(R_X86_64_GOTPLT64, Some(0), z8, 0, T + 0x52, lvar, L_IMG, &mut aux(Some(0x402fe0), None)), Ok(q(0xffff_ffff_ffff_fff8)));
        let mut e = aux(Some(0x402fe0), None);
        assert_eq!(go(R_X86_64_GOT32, Some(0), [0x8b, 0x04, 0x25, 0, 0, 0, 0], 3, T + 0x5a, lvar, L_IMG, &mut e), Ok([0x8b, 0x04, 0x25, 0xf8, 0xff, 0xff, 0xff]));
        assert_eq!(e.got_value, Some(0x401100));
        assert_eq!(go(R_X86_64_GOTPC32, Some(-2), [0x48, 0x05, 0, 0, 0, 0], 2, T + 0x61, sym(0), L_IMG, &mut none()), Ok([0x48, 0x05, 0x83, 0x1f, 0x00, 0x00]));
        assert_eq!(go(R_X86_64_GOTPC32, Some(-4), [0x4c, 0x8d, 0x3d, 0, 0, 0, 0], 3, T + 0x67, sym(0), L_IMG, &mut none()), Ok([0x4c, 0x8d, 0x3d, 0x7a, 0x1f, 0x00, 0x00]));
        assert_eq!(go(R_X86_64_PLT32, Some(-4), [0xe8, 0, 0, 0, 0], 1, T + 0x6e, lfn, NOIMG, &mut none()), Ok([0xe8, 0x26, 0x00, 0x00, 0x00]));
        assert_eq!(go(R_X86_64_PLT32, Some(-4), [0xe8, 0, 0, 0, 0], 1, T + 0x73, afn, NOIMG, &mut none()), Ok([0xe8, 0xf8, 0x45, 0xf4, 0x11]));
        assert_eq!(go(R_X86_64_PLT32, Some(-4), [0xe9, 0, 0, 0, 0], 1, T + 0x78, lfn, NOIMG, &mut none()), Ok([0xe9, 0x1c, 0x00, 0x00, 0x00]));
        assert_eq!(go(R_X86_64_32, Some(8), [0xb8, 0, 0, 0, 0], 1, T + 0x7d, lvar, NOIMG, &mut none()), Ok([0xb8, 0x08, 0x11, 0x40, 0x00]));
        assert_eq!(go(R_X86_64_32S, Some(-8), [0x48, 0xc7, 0xc0, 0, 0, 0, 0], 3, T + 0x82, avar, NOIMG, &mut none()), Ok([0x48, 0xc7, 0xc0, 0x70, 0x56, 0x34, 0x12]));
        assert_eq!(go(R_X86_64_64, Some(0), [0x48, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0], 2, T + 0x89, avar, NOIMG, &mut none()), Ok([0x48, 0xb8, 0x78, 0x56, 0x34, 0x12, 0, 0, 0, 0]));
        assert_eq!(go(R_X86_64_PC32, Some(-4), [0x8b, 0x05, 0, 0, 0, 0], 2, T + 0x93, lvar, NOIMG, &mut none()), Ok([0x8b, 0x05, 0x67, 0x00, 0x00, 0x00]));
    }

    // l.s .data at 0x401100: .word avar16; .word lfn - . + 0x1000; .byte avar8;
    // .byte lfn - . + 0x10; .quad lvar@GOTPCREL; .quad lvar@GOTPCREL+4;
    // .quad _GLOBAL_OFFSET_TABLE_ - .  -> f0 ff | 87 0f | f0 | 94 | ca 1e .. | c6 1e .. | c2 1e ..
    #[test]
    fn data_golden() {
        let (lvar, lfn) = (sym(0x401100), sym(0x401099));
        let d = 0x401100;
        assert_eq!(go(R_X86_64_16, Some(0), [0; 2], 0, d + 0x10, abs(0xfff0), NOIMG, &mut none()), Ok([0xf0, 0xff]));
        assert_eq!(go(R_X86_64_PC16, Some(0x1000), [0; 2], 0, d + 0x12, lfn, NOIMG, &mut none()), Ok([0x87, 0x0f]));
        assert_eq!(go(R_X86_64_8, Some(0), [0], 0, d + 0x14, abs(0xf0), NOIMG, &mut none()), Ok([0xf0]));
        assert_eq!(go(R_X86_64_PC8, Some(0x10), [0], 0, d + 0x15, lfn, NOIMG, &mut none()), Ok([0x94]));
        let mut e = aux(Some(0x402fe0), None);
        assert_eq!(go(R_X86_64_GOTPCREL64, Some(0), [0; 8], 0, d + 0x16, lvar, L_IMG, &mut e), Ok(0x1ecau64.to_le_bytes()));
        assert_eq!(go(R_X86_64_GOTPCREL64, Some(4), [0; 8], 0, d + 0x1e, lvar, L_IMG, &mut e), Ok(0x1ec6u64.to_le_bytes()));
        assert_eq!(go(R_X86_64_GOTPC64, Some(0), [0; 8], 0, d + 0x26, sym(0), L_IMG, &mut none()), Ok(0x1ec2u64.to_le_bytes()));
        assert_eq!(go(R_X86_64_PC64, Some(3), [0; 8], 0, 0x1000, sym(0x800), NOIMG, &mut none()), Ok((-0x7fdi64).to_le_bytes()));
    }

    #[test]
    fn ranges() {
        let r = |r_type, a, field: [u8; 4], p, s| go(r_type, a, field, 0, p, sym(s), NOIMG, &mut none());
        // R_X86_64_32: zero-extended.
        assert_eq!(r(R_X86_64_32, Some(0), [0; 4], 0, 0xffff_ffff), Ok([0xff; 4]));
        assert_eq!(r(R_X86_64_32, Some(1), [0; 4], 0, 0xffff_ffff), Err(Error::NoExec));
        assert_eq!(r(R_X86_64_32, Some(-1), [0; 4], 0, 0), Err(Error::NoExec));
        // 32S and PC32: sign-extended.
        assert_eq!(r(R_X86_64_32S, Some(0), [0; 4], 0, 0x7fff_ffff), Ok([0xff, 0xff, 0xff, 0x7f]));
        assert_eq!(r(R_X86_64_32S, Some(0), [0; 4], 0, 0x8000_0000), Err(Error::NoExec));
        assert_eq!(r(R_X86_64_32S, Some(0), [0; 4], 0, 0xffff_ffff_8000_0000), Ok([0, 0, 0, 0x80]));
        assert_eq!(r(R_X86_64_32S, Some(-1), [0; 4], 0, 0xffff_ffff_8000_0000), Err(Error::NoExec));
        assert_eq!(r(R_X86_64_PC32, Some(-4), [0; 4], 0x1000, 0x8000_1003), Ok([0xff, 0xff, 0xff, 0x7f]));
        assert_eq!(r(R_X86_64_PC32, Some(-4), [0; 4], 0x1000, 0x8000_1004), Err(Error::NoExec));
        assert_eq!(r(R_X86_64_PC32, Some(0), [0; 4], 0x8000_1000, 0x1000), Ok([0, 0, 0, 0x80]));
        assert_eq!(r(R_X86_64_PC32, Some(-1), [0; 4], 0x8000_1000, 0x1000), Err(Error::NoExec));
        assert_eq!(r(R_X86_64_GOTPC32, Some(0), [0; 4], 0, 0), Ok([0; 4]));
        // REL: addend sign-extended from the field.
        assert_eq!(r(R_X86_64_PC32, None, [0xfc, 0xff, 0xff, 0xff], 0x1000, 0x2000), Ok([0xfc, 0x0f, 0, 0]));
        assert_eq!(r(R_X86_64_32, None, [0xfc, 0xff, 0xff, 0xff], 0, 0x2000), Ok([0xfc, 0x1f, 0, 0]));
        // Narrow: 16/8 signed-or-unsigned, PC16/PC8 signed.
        assert_eq!(r(R_X86_64_16, Some(0), [0; 4], 0, 0x1_0000), Err(Error::NoExec));
        assert_eq!(r(R_X86_64_16, Some(-0x8000), [0; 4], 0, 0), Ok([0, 0x80, 0, 0]));
        assert_eq!(r(R_X86_64_16, Some(-0x8001), [0; 4], 0, 0), Err(Error::NoExec));
        assert_eq!(r(R_X86_64_8, Some(0), [0; 4], 0, 0x100), Err(Error::NoExec));
        assert_eq!(r(R_X86_64_PC16, Some(0), [0; 4], 0, 0x8000), Err(Error::NoExec));
        assert_eq!(r(R_X86_64_PC16, Some(0), [0; 4], 0x8000, 0), Ok([0, 0x80, 0, 0]));
        assert_eq!(r(R_X86_64_PC8, Some(0), [0; 4], 0, 0x80), Err(Error::NoExec));
        assert_eq!(r(R_X86_64_PC8, Some(0), [0; 4], 0x80, 0), Ok([0x80, 0, 0, 0]));
        // GOT32 is a signed offset from the GOT base.
        let mut e = aux(Some(0x1_0000_0000), None);
        assert_eq!(go(R_X86_64_GOT32, Some(0), [0; 4], 0, 0, sym(0), NOIMG, &mut e), Err(Error::NoExec));
    }

    // l.s with --defsym afn=0x9abcdef0: ld 2.40 fails ("relocation truncated to fit:
    // R_X86_64_PLT32 against symbol `afn'"); we branch through a veneer.
    #[test]
    fn plt32_veneer() {
        let call = [0xe8, 0xfc, 0xff, 0xff, 0xff];
        let far = abs(0x9abcdef0);
        let mut a = aux(None, Some(0x402000));
        assert_eq!(go(R_X86_64_PLT32, None, call, 1, T + 0x73, far, NOIMG, &mut a), Ok([0xe8, 0x88, 0x0f, 0x00, 0x00]));
        assert_eq!(a.veneer_req, Some((4, 0x9abcdef0, VeneerKind::X86_64)));
        // Undefined weak far below: a veneer to 0.
        let mut a = aux(None, Some(0x7f00_0000_1000));
        assert_eq!(go(R_X86_64_PLT32, Some(-4), call, 1, 0x7f00_0000_0000, weak(), NOIMG, &mut a), Ok([0xe8, 0xfb, 0x0f, 0x00, 0x00]));
        assert_eq!(a.veneer_req, Some((5, 0, VeneerKind::X86_64)));
        // No veneer available, or still out of reach.
        assert_eq!(go(R_X86_64_PLT32, None, call, 1, T, far, NOIMG, &mut none()), Err(Error::NoExec));
        assert_eq!(go(R_X86_64_PLT32, None, call, 1, T, far, NOIMG, &mut aux(None, Some(0x9000_0000))), Err(Error::NoExec));
        // PC32 never takes a veneer.
        assert_eq!(go(R_X86_64_PC32, None, call, 1, T, far, NOIMG, &mut aux(None, Some(0x402000))), Err(Error::NoExec));
    }

    #[test]
    fn dynamic_style_slots() {
        let img = Image { load_bias: 0x7f00_0000_0000, got_base: 0 };
        let q = |v: u64| v.to_le_bytes();
        assert_eq!(go(R_X86_64_RELATIVE, Some(0x40), [0; 8], 0, 0, sym(0), img, &mut none()), Ok(q(0x7f00_0000_0040)));
        assert_eq!(go(R_X86_64_RELATIVE, None, q(0x40), 0, 0, sym(0), img, &mut none()), Ok(q(0x7f00_0000_0040)));
        assert_eq!(go(R_X86_64_GLOB_DAT, Some(8), [0; 8], 0, 0, sym(0x7f00_0000_1000), NOIMG, &mut none()), Ok(q(0x7f00_0000_1008)));
        assert_eq!(go(R_X86_64_JUMP_SLOT, None, [0xff; 8], 0, 0, sym(0x7f00_0000_1000), NOIMG, &mut none()), Ok(q(0x7f00_0000_1000)));
        // Full 64 bits (Zephyr 4.3 writes only the low half).
        assert_eq!(go(R_X86_64_64, Some(1), [0; 8], 0, 0, sym(0x7f00_0000_1000), NOIMG, &mut none()), Ok(q(0x7f00_0000_1001)));
        assert_eq!(go(R_X86_64_64, None, q(u64::MAX), 0, 0, sym(2), NOIMG, &mut none()), Ok(q(1)));
        assert_eq!(go(R_X86_64_NONE, None, [1, 2, 3], 0, 0, sym(2), NOIMG, &mut none()), Ok([1, 2, 3]));
    }

    #[test]
    fn malformed() {
        // COPY, TPOFF64, SIZE32, SIZE64, GOTPC32_TLSDESC, anything.
        for r in [5, 18, 32, 33, 34, 43, 255, u32::MAX] {
            assert_eq!(go(r, Some(0), [0; 8], 0, 0, sym(0), NOIMG, &mut none()), Err(Error::NoExec));
        }
        let mut buf = [0u8; 9];
        for (r, at) in [(R_X86_64_64, 2), (R_X86_64_PC32, 6), (R_X86_64_REX_GOTPCRELX, 7), (R_X86_64_16, 8), (R_X86_64_PLT32, usize::MAX)] {
            let place = Place { bytes: &mut buf, offset: at, address: 0 };
            let got = relocate(&Reloc { r_type: r, addend: Some(-4) }, place, &sym(0), &NOIMG, &mut aux(Some(0), Some(0)));
            assert_eq!(got, Err(Error::NoExec));
        }
    }

    /// Every type with extreme inputs: results vary, but nothing may panic.
    #[test]
    fn no_panics() {
        for r_type in 0..=255 {
            for addend in [None, Some(i64::MIN), Some(i64::MAX), Some(-4)] {
                for insn in [[0xff; 12], [0; 12], [0x48, 0x8b, 0x05, 0, 0, 0, 0, 0xff, 0x25, 0, 0, 0]] {
                    for at in [0, 1, 2, 3, 4, 9, 11] {
                        for (s, p) in [(u64::MAX, 0), (0, u64::MAX - 16), (u64::MAX - 16, u64::MAX - 16)] {
                            let img = Image { load_bias: u64::MAX, got_base: u64::MAX };
                            for t in [sym(s), weak()] {
                                let _ = go(r_type, addend, insn, at, p, t, img, &mut aux(Some(u64::MAX), Some(u64::MAX)));
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn veneer_bytes() {
        let mut buf = [0u8; 16];
        assert_eq!(write_veneer(&mut buf, 0x402000, 0x9abcdef0), Ok(()));
        assert_eq!(buf, [0xff, 0x25, 0, 0, 0, 0, 0xf0, 0xde, 0xbc, 0x9a, 0, 0, 0, 0, 0xcc, 0xcc]);
        assert_eq!(write_veneer(&mut buf[..13], 0, 0), Err(Error::NoExec));
    }

    #[test]
    fn aux_needs() {
        assert_eq!(aux_need(R_X86_64_PLT32), AuxNeed::Veneer(VeneerKind::X86_64));
        for r in [R_X86_64_GOT32, R_X86_64_GOTPCREL, R_X86_64_GOTPCRELX, R_X86_64_REX_GOTPCRELX, R_X86_64_GOT64, R_X86_64_GOTPCREL64, R_X86_64_GOTPLT64] {
            assert_eq!(aux_need(r), AuxNeed::GotEntry);
        }
        assert_eq!(aux_need(R_X86_64_PC32), AuxNeed::None);
        assert_eq!(aux_need(R_X86_64_PLTOFF64), AuxNeed::None);
    }
}
