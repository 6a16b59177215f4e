//! x86 ia32 relocator (i386 psABI), `SHT_REL` as GCC emits it (`SHT_RELA` accepted).
//!
//! The link behaves like GNU ld 2.40 making a static, non-PIE executable at final
//! addresses (`ld -m elf_i386 -static`): PLT32 binds directly to the symbol, GOT32X
//! loads are relaxed exactly as ld relaxes them, and what cannot be relaxed uses a GOT
//! entry from the link stage. The GOT base (`_GLOBAL_OFFSET_TABLE_`) is `Image::got_base`.
//!
//! ia32 addresses are 32 bits and wrap, so 32-bit fields are computed modulo 2^32 (every
//! address is reachable by a PC32); 16- and 8-bit fields are range-checked.
//!
//! Zephyr 4.3 (`arch/x86/core/elf.c`) handles only R_386_32 and R_386_PC32, which this
//! module computes identically; everything else is an addition. The 16- and 8-bit types
//! come with `got-veneers` (no C code makes them), RELATIVE, GLOB_DAT and JMP_SLOT
//! (ET_DYN only) with `elf-shared`.

use super::{
    read_bytes, read_u16, read_u32, write_bytes, write_u16, write_u32, Aux, AuxNeed, Image, Place,
    Reloc, Target,
};
use crate::error::{Error, Result};

const R_386_NONE: u32 = 0;
const R_386_32: u32 = 1;
const R_386_PC32: u32 = 2;
const R_386_GOT32: u32 = 3;
const R_386_PLT32: u32 = 4;
#[cfg_attr(not(feature = "elf-shared"), allow(dead_code))] // ET_DYN only
const R_386_GLOB_DAT: u32 = 6;
#[cfg_attr(not(feature = "elf-shared"), allow(dead_code))] // ET_DYN only
const R_386_JMP_SLOT: u32 = 7;
#[cfg_attr(not(feature = "elf-shared"), allow(dead_code))] // ET_DYN only
const R_386_RELATIVE: u32 = 8;
const R_386_GOTOFF: u32 = 9;
const R_386_GOTPC: u32 = 10;
const R_386_16: u32 = 20;
const R_386_PC16: u32 = 21;
const R_386_8: u32 = 22;
const R_386_PC8: u32 = 23;
const R_386_GOT32X: u32 = 43;

/// Field widths and the results they accept: absolute narrow fields take signed or
/// unsigned values (ld's "bitfield" check), PC-relative ones signed values.
#[derive(Clone, Copy, PartialEq, Eq)]
#[cfg_attr(not(feature = "got-veneers"), allow(dead_code))] // narrow fields: with got-veneers
enum Field {
    /// 32 bits, modulo 2^32.
    Word,
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
    let (bytes, at) = (place.bytes, place.offset);
    // A wider S or P is a loader bug or a hostile file, not something to truncate.
    #[allow(irrefutable_let_patterns)] // `Addr` is `u32` in 32-bit-only builds
    let (Ok(s), Ok(p)) = (u32::try_from(target.value), u32::try_from(place.address)) else {
        crate::error!(c"relocation type %lu beyond the 32-bit address space", r_type);
        return Err(Error::NoExec);
    };
    // Bias and GOT wrap modulo 2^32 (a negative bias arrives as a wrapped Addr).
    #[cfg_attr(not(feature = "elf-shared"), allow(unused_variables))]
    let (bias, got) = (image.load_bias as u32, image.got_base as u32);

    // Plain relocations: value = base + A - sub.
    let plain = match r_type {
        R_386_32 => Some((Field::Word, s, 0)),
        // No PLT: like ld for a non-preemptible symbol, L = S.
        R_386_PC32 | R_386_PLT32 => Some((Field::Word, s, p)),
        R_386_GOTOFF => Some((Field::Word, s, got)),
        R_386_GOTPC => Some((Field::Word, got, p)),
        #[cfg(feature = "elf-shared")]
        R_386_RELATIVE => Some((Field::Word, bias, 0)),
        #[cfg(feature = "got-veneers")]
        R_386_16 => Some((Field::Half, s, 0)),
        #[cfg(feature = "got-veneers")]
        R_386_PC16 => Some((Field::SHalf, s, p)),
        #[cfg(feature = "got-veneers")]
        R_386_8 => Some((Field::Byte, s, 0)),
        #[cfg(feature = "got-veneers")]
        R_386_PC8 => Some((Field::SByte, s, p)),
        _ => None,
    };
    if let Some((field, base, sub)) = plain {
        let a = addend(reloc, bytes, at, field)?;
        return store(
            bytes,
            at,
            field,
            base.wrapping_add(a).wrapping_sub(sub),
            r_type,
        );
    }

    match r_type {
        R_386_NONE => Ok(()),
        // Dynamic-style slot: S (+ A for RELA); a REL slot's old content is not an addend.
        #[cfg(feature = "elf-shared")]
        R_386_GLOB_DAT | R_386_JMP_SLOT => {
            write_u32(bytes, at, s.wrapping_add(reloc.addend.unwrap_or(0) as u32))
        }
        R_386_GOT32 | R_386_GOT32X => {
            let a = addend(reloc, bytes, at, Field::Word)?;
            // ld relaxes only GOT32X (GOT32 may be `mov $foo@GOT, %reg`, not a load) and
            // only with a zero addend.
            if r_type == R_386_GOT32X && a == 0 && relax_got32x(bytes, at, s, p)? {
                return Ok(());
            }
            let g = u32::try_from(aux.got_entry(target.key, target.value)?)
                .map_err(|_| Error::NoExec)?;
            // As ld for a non-PIC link: an operand without base register (ModRM mod=00
            // rm=101) addresses the entry absolutely, otherwise relative to the GOT base.
            let base = if at > 1 && byte(bytes, at, 1).is_some_and(|m| m & 0xC7 == 0x05) {
                0
            } else {
                got
            };
            write_u32(bytes, at, g.wrapping_add(a).wrapping_sub(base))
        }
        // Narrow fields, which no C code makes and Zephyr's relocator lacks too.
        #[cfg(not(feature = "got-veneers"))]
        R_386_16 | R_386_PC16 | R_386_8 | R_386_PC8 => {
            crate::error!(c"relocation type %lu needs CONFIG_LLEXT_RS_GOT_VENEERS", r_type);
            Err(Error::NoExec)
        }
        _ => {
            crate::error!(c"unknown relocation type %lu (x86)", r_type);
            Err(Error::NoExec)
        }
    }
}

/// GNU ld 2.40's GOT32X relaxation for a non-PIC link (elf_i386_convert_load_reloc);
/// it applies to every symbol a static link resolves (defined, absolute, undefined weak):
///   call *foo@GOT(%reg)       ff 15/9x disp -> addr32 call foo  67 e8 rel32
///   jmp  *foo@GOT(%reg)       ff 25/ax disp -> jmp foo; nop     e9 rel32 90
///   mov  foo@GOT(%reg), %r    8b modrm disp -> mov $foo, %r     c7 c0+r imm32
///   test %r, foo@GOT(%reg)    85 modrm disp -> test $foo, %r    f7 c0+r imm32
///   <op> foo@GOT(%reg), %r    03..3b        -> <op> $foo, %r    81 c0+r+op imm32
///     (op = add, or, adc, sbb, and, sub, xor, cmp)
/// The same rewrites apply to the baseless `foo@GOT` forms (ModRM 05+r). ld trusts the
/// ModRM byte blindly and corrupts SIB forms (`mov foo@GOT(%ebx,%ecx), %eax`), which gas
/// also marks GOT32X; we leave anything but these exact shapes to a real GOT entry.
/// Returns false (bytes untouched) when the instruction is not relaxable.
fn relax_got32x(bytes: &mut [u8], at: usize, s: u32, p: u32) -> Result<bool> {
    read_u32(bytes, at)?; // the field itself must be there before anything is rewritten
    let Some(op_at) = at.checked_sub(2) else {
        return Ok(false);
    };
    let modrm_at = op_at + 1; // < at
    let (Some(&op), Some(&modrm)) = (bytes.get(op_at), bytes.get(modrm_at)) else {
        return Ok(false);
    };
    let (mode, reg, rm) = (modrm >> 6, modrm >> 3 & 7, modrm & 7);
    if !((mode == 2 && rm != 4) || (mode == 0 && rm == 5)) {
        return Ok(false);
    }
    let (new_op, new_modrm) = match (op, reg) {
        (0xFF, 2) => {
            write_bytes(bytes, op_at, [0x67, 0xE8])?;
            write_u32(bytes, at, s.wrapping_sub(4).wrapping_sub(p))?;
            return Ok(true);
        }
        (0xFF, 4) => {
            // The rel32 moves one byte down and ends at P + 3, where the NOP goes.
            let end = at.checked_add(3).ok_or(Error::NoExec)?;
            write_bytes(bytes, end, [0x90])?;
            write_bytes(bytes, op_at, [0xE9])?;
            write_u32(bytes, modrm_at, s.wrapping_sub(p.wrapping_add(3)))?;
            return Ok(true);
        }
        (0x8B, _) => (0xC7, 0xC0 | reg),
        (0x85, _) => (0xF7, 0xC0 | reg),
        (op, _) if op & 0xC7 == 0x03 => (0x81, 0xC0 | reg | (op & 0x38)),
        _ => return Ok(false),
    };
    write_bytes(bytes, op_at, [new_op, new_modrm])?;
    write_u32(bytes, at, s)?;
    Ok(true)
}

/// The byte `back` bytes before `at`, if inside the section.
fn byte(bytes: &[u8], at: usize, back: usize) -> Option<u8> {
    bytes.get(at.checked_sub(back)?).copied()
}

/// RELA addend, or the REL addend stored in the field (narrow fields sign-extended, as
/// ld reads them); modulo 2^32.
fn addend(reloc: &Reloc, bytes: &[u8], at: usize, field: Field) -> Result<u32> {
    if let Some(a) = reloc.addend {
        return Ok(a as u32);
    }
    Ok(match field {
        Field::Word => read_u32(bytes, at)?,
        Field::Half | Field::SHalf => i32::from(read_u16(bytes, at)? as i16) as u32,
        Field::Byte | Field::SByte => {
            i32::from(read_bytes(bytes, at).map(i8::from_le_bytes)?) as u32
        }
    })
}

fn store(bytes: &mut [u8], at: usize, field: Field, v: u32, r_type: u32) -> Result<()> {
    let x = v as i32;
    let ok = match field {
        Field::Word => true,
        Field::Half => (-0x8000..=0xFFFF).contains(&x),
        Field::SHalf => i16::try_from(x).is_ok(),
        Field::Byte => (-0x80..=0xFF).contains(&x),
        Field::SByte => i8::try_from(x).is_ok(),
    };
    if !ok {
        crate::error!(c"relocation type %lu out of range", r_type);
        return Err(Error::NoExec);
    }
    match field {
        Field::Word => write_u32(bytes, at, v),
        Field::Half | Field::SHalf => write_u16(bytes, at, v as u16),
        Field::Byte | Field::SByte => write_bytes(bytes, at, [v as u8]),
    }
}

pub fn aux_need(r_type: u32) -> AuxNeed {
    match r_type {
        // An upper bound: relaxed GOT32X loads need no entry.
        R_386_GOT32 | R_386_GOT32X => AuxNeed::GotEntry,
        _ => AuxNeed::None,
    }
}

// Golden vectors: input bytes as `i686-linux-gnu-as --32` (binutils 2.40) emits them,
// expected bytes as `i686-linux-gnu-ld -m elf_i386 -static` 2.40 links them, e.g.
//   i686-linux-gnu-as --32 -o g.o g.s
//   i686-linux-gnu-ld -m elf_i386 -static -o g -Ttext=0x8049000 -Tdata=0x804a000 \
//       --defsym avar=0x12345678 --defsym afn=0x9abcdef0 g.o
//   i686-linux-gnu-objdump -d g; i686-linux-gnu-readelf -S g   (GOT placement)
// Symbols: lvar = 0x804a000 (.data), lfn (.text), avar/afn absolute (--defsym), wvar a
// `.weak` left undefined.
#[cfg(test)]
#[rustfmt::skip]
mod tests {
    use super::*;
    use crate::elf::{Addr, SAddr};
    use crate::arch::{SymbolKind, VeneerKind};

    /// Aux double: one fixed GOT entry address; records the value requested.
    struct Fake {
        got: Option<Addr>,
        got_value: Option<Addr>,
    }

    impl Aux for Fake {
        fn got_entry(&mut self, _key: u32, value: Addr) -> Result<Addr> {
            self.got_value = Some(value);
            self.got.ok_or(Error::NoExec)
        }
        fn veneer(&mut self, _key: u32, _target: Addr, _kind: VeneerKind) -> Result<Addr> {
            Err(Error::NoExec)
        }
    }

    fn no_got() -> Fake {
        Fake { got: None, got_value: None }
    }

    fn got_at(at: Addr) -> Fake {
        Fake { got: Some(at), got_value: None }
    }

    const NOIMG: Image = Image { load_bias: 0, got_base: 0 };
    /// g.s: _GLOBAL_OFFSET_TABLE_ (.got.plt) = 0x804aff4, .got = 0x804afec.
    const G_IMG: Image = Image { load_bias: 0, got_base: 0x804aff4 };

    fn sym(value: Addr) -> Target {
        Target { value, kind: SymbolKind::Local, key: 3 }
    }

    fn abs(value: Addr) -> Target {
        Target { value, kind: SymbolKind::Absolute, key: 4 }
    }

    fn weak() -> Target {
        Target { value: 0, kind: SymbolKind::UndefinedWeak, key: 5 }
    }

    /// Relocates field offset `at` of `insn`, whose run address is `p0` (P = p0 + at).
    #[allow(clippy::too_many_arguments)]
    fn go<const N: usize>(r_type: u32, addend: Option<SAddr>, insn: [u8; N], at: usize, p0: Addr, t: Target, img: Image, aux: &mut Fake) -> Result<[u8; N]> {
        let mut buf = insn;
        let place = Place { bytes: &mut buf, offset: at, address: p0 + at as Addr };
        relocate(&Reloc { r_type, addend }, place, &t, &img, aux)?;
        Ok(buf)
    }

    /// REL, field at offset 0.
    fn rel<const N: usize>(r_type: u32, field: [u8; N], p: Addr, t: Target) -> Result<[u8; N]> {
        go(r_type, None, field, 0, p, t, NOIMG, &mut no_got())
    }

    const BAD4: Result<[u8; 4]> = Err(Error::NoExec);

    // g.s, every GOT32X form gas emits; ld relaxes them all (addend 0):
    //   movl lvar@GOT(%ebx),%eax / avar@GOT(%ebx),%ecx / wvar@GOT(%ebx),%edx;
    //   movl lvar@GOT,%esi / avar@GOT,%edi; call *lfn@GOT(%ebx); jmp *lfn@GOT(%ebx);
    //   call *afn@GOT(%ebx); call *lfn@GOT; jmp *afn@GOT; call *wvar@GOT(%ebx);
    //   testl %ecx,lvar@GOT(%ebx); addl lvar@GOT(%ebx),%edx; xorl avar@GOT(%eax),%ebp;
    //   cmpl wvar@GOT(%ebx),%esi;  lfn = 0x804906e.
    #[test]
    fn got32x_relaxations_golden() {
        let (lvar, lfn) = (sym(0x804a000), sym(0x804906e));
        let cases: [(u32, [u8; 6], Target, [u8; 6]); 15] = [
            (0x00, [0x8b, 0x83, 0, 0, 0, 0], lvar, [0xc7, 0xc0, 0x00, 0xa0, 0x04, 0x08]),
            (0x06, [0x8b, 0x8b, 0, 0, 0, 0], abs(0x12345678), [0xc7, 0xc1, 0x78, 0x56, 0x34, 0x12]),
            (0x0c, [0x8b, 0x93, 0, 0, 0, 0], weak(), [0xc7, 0xc2, 0x00, 0x00, 0x00, 0x00]),
            (0x12, [0x8b, 0x35, 0, 0, 0, 0], lvar, [0xc7, 0xc6, 0x00, 0xa0, 0x04, 0x08]),
            (0x18, [0x8b, 0x3d, 0, 0, 0, 0], abs(0x12345678), [0xc7, 0xc7, 0x78, 0x56, 0x34, 0x12]),
            (0x1e, [0xff, 0x93, 0, 0, 0, 0], lfn, [0x67, 0xe8, 0x4a, 0x00, 0x00, 0x00]),
            (0x24, [0xff, 0xa3, 0, 0, 0, 0], lfn, [0xe9, 0x45, 0x00, 0x00, 0x00, 0x90]),
            (0x2a, [0xff, 0x93, 0, 0, 0, 0], abs(0x9abcdef0), [0x67, 0xe8, 0xc0, 0x4e, 0xb8, 0x92]),
            (0x30, [0xff, 0x15, 0, 0, 0, 0], lfn, [0x67, 0xe8, 0x38, 0x00, 0x00, 0x00]),
            (0x36, [0xff, 0x25, 0, 0, 0, 0], abs(0x9abcdef0), [0xe9, 0xb5, 0x4e, 0xb8, 0x92, 0x90]),
            (0x3c, [0xff, 0x93, 0, 0, 0, 0], weak(), [0x67, 0xe8, 0xbe, 0x6f, 0xfb, 0xf7]),
            (0x42, [0x85, 0x8b, 0, 0, 0, 0], lvar, [0xf7, 0xc1, 0x00, 0xa0, 0x04, 0x08]),
            (0x48, [0x03, 0x93, 0, 0, 0, 0], lvar, [0x81, 0xc2, 0x00, 0xa0, 0x04, 0x08]),
            (0x4e, [0x33, 0xa8, 0, 0, 0, 0], abs(0x12345678), [0x81, 0xf5, 0x78, 0x56, 0x34, 0x12]),
            (0x54, [0x3b, 0xb3, 0, 0, 0, 0], weak(), [0x81, 0xfe, 0x00, 0x00, 0x00, 0x00]),
        ];
        for (off, insn, t, want) in cases {
            // No GOT entry offered: a relaxed load must not ask for one.
            let got = go(R_386_GOT32X, None, insn, 2, 0x8049000 + Addr::from(off), t, G_IMG, &mut no_got());
            assert_eq!(got, Ok(want), "g.s +{off:#x}");
            let got = go(R_386_GOT32X, Some(0), insn, 2, 0x8049000 + Addr::from(off), t, G_IMG, &mut no_got());
            assert_eq!(got, Ok(want), "g.s +{off:#x} RELA");
        }
    }

    // Loads ld does not relax use the GOT entry.
    //   g.s  0x5a movl lvar@GOT+4(%ebx),%eax  (addend 4; entry 0x804afec) -> 8b 83 fc ff ff ff
    //   g.s  0x60 movl lvar@GOT(%ebx,%ecx,1),%eax: ld 2.40 corrupts it (8b 81 c5 00 a0 04 08);
    //        we keep the load from the entry: 8b 84 0b f8 ff ff ff. Same for (%esp) (0x67).
    //   h.s (as -mrelax-relocations=no; .got 0x804afe0 = [lvar, lfn], GOT base 0x804aff4):
    //        movl lvar@GOT+4,%esi (GOT32X baseless, addend 4) -> 8b 35 e4 af 04 08
    //        movl lvar@GOT+8(%ebx),%esi (GOT32) -> 8b b3 f4 ff ff ff
    //        movl lvar@GOT(%ebx),%eax (GOT32, never relaxed) -> 8b 83 ec ff ff ff
    //        call *lfn@GOT(%ebx) (GOT32) -> ff 93 f0 ff ff ff
    //   k.s: movl $lvar@GOT,%eax -> b8 f8 ff ff ff; `8b 35` + .reloc R_386_GOT32 lvar
    //        (baseless: absolute entry address) -> 8b 35 ec af 04 08; `8b b3` + .reloc
    //        R_386_GOT32X lvar -> c7 c6 00 a0 04 08.
    #[test]
    fn got_entries_golden() {
        let lvar = sym(0x804a000);
        let mut aux = got_at(0x804afec);
        assert_eq!(go(R_386_GOT32X, None, [0x8b, 0x83, 4, 0, 0, 0], 2, 0x804905a, lvar, G_IMG, &mut aux), Ok([0x8b, 0x83, 0xfc, 0xff, 0xff, 0xff]));
        assert_eq!(aux.got_value, Some(0x804a000));
        assert_eq!(go(R_386_GOT32X, None, [0x8b, 0x84, 0x0b, 0, 0, 0, 0], 3, 0x8049060, lvar, G_IMG, &mut aux), Ok([0x8b, 0x84, 0x0b, 0xf8, 0xff, 0xff, 0xff]));
        assert_eq!(go(R_386_GOT32X, None, [0x8b, 0x84, 0x24, 0, 0, 0, 0], 3, 0x8049067, lvar, G_IMG, &mut aux), Ok([0x8b, 0x84, 0x24, 0xf8, 0xff, 0xff, 0xff]));
        let (mut e_lvar, mut e_lfn) = (got_at(0x804afe0), got_at(0x804afe4));
        assert_eq!(go(R_386_GOT32X, None, [0x8b, 0x35, 4, 0, 0, 0], 2, 0x8049000, lvar, G_IMG, &mut e_lvar), Ok([0x8b, 0x35, 0xe4, 0xaf, 0x04, 0x08]));
        assert_eq!(go(R_386_GOT32, None, [0x8b, 0xb3, 8, 0, 0, 0], 2, 0x8049006, lvar, G_IMG, &mut e_lvar), Ok([0x8b, 0xb3, 0xf4, 0xff, 0xff, 0xff]));
        assert_eq!(go(R_386_GOT32, None, [0x8b, 0x83, 0, 0, 0, 0], 2, 0x804900c, lvar, G_IMG, &mut e_lvar), Ok([0x8b, 0x83, 0xec, 0xff, 0xff, 0xff]));
        assert_eq!(go(R_386_GOT32, None, [0xff, 0x93, 0, 0, 0, 0], 2, 0x8049012, sym(0x8049044), G_IMG, &mut e_lfn), Ok([0xff, 0x93, 0xf0, 0xff, 0xff, 0xff]));
        assert_eq!(go(R_386_GOT32, Some(8), [0x8b, 0xb3, 0, 0, 0, 0], 2, 0x8049006, lvar, G_IMG, &mut e_lvar), Ok([0x8b, 0xb3, 0xf4, 0xff, 0xff, 0xff]));
        let mut k = got_at(0x804afec);
        assert_eq!(go(R_386_GOT32, None, [0xb8, 0, 0, 0, 0], 1, 0x8049000, lvar, G_IMG, &mut k), Ok([0xb8, 0xf8, 0xff, 0xff, 0xff]));
        assert_eq!(go(R_386_GOT32, None, [0x8b, 0x35, 0, 0, 0, 0], 2, 0x8049005, lvar, G_IMG, &mut k), Ok([0x8b, 0x35, 0xec, 0xaf, 0x04, 0x08]));
        assert_eq!(go(R_386_GOT32X, None, [0x8b, 0xb3, 0, 0, 0, 0], 2, 0x804900b, lvar, G_IMG, &mut no_got()), Ok([0xc7, 0xc6, 0x00, 0xa0, 0x04, 0x08]));
        // Not relaxable and no entry reserved -> NoExec.
        assert_eq!(go(R_386_GOT32, None, [0x8b, 0x83, 0, 0, 0, 0], 2, 0x804900c, lvar, G_IMG, &mut no_got()), Err(Error::NoExec));
        // Field at the very start of the section: nothing to look back at, entry used.
        assert_eq!(go(R_386_GOT32X, None, [0, 0, 0, 0], 0, 0x804900c, lvar, G_IMG, &mut k), Ok([0xf8, 0xff, 0xff, 0xff]));
        // Other opcodes / ModRM shapes stay loads: push *foo@GOT(%ebx) (ff b3), lea.
        assert_eq!(go(R_386_GOT32X, None, [0xff, 0xb3, 0, 0, 0, 0], 2, 0x8049000, lvar, G_IMG, &mut k), Ok([0xff, 0xb3, 0xf8, 0xff, 0xff, 0xff]));
        assert_eq!(go(R_386_GOT32X, None, [0x8d, 0x83, 0, 0, 0, 0], 2, 0x8049000, lvar, G_IMG, &mut k), Ok([0x8d, 0x83, 0xf8, 0xff, 0xff, 0xff]));
        // jmp relaxation whose NOP byte would fall outside the section: GOT fallback is
        // impossible too (the field itself is cut) -> NoExec.
        assert_eq!(go(R_386_GOT32X, None, [0xff, 0xa3, 0, 0, 0], 2, 0x8049000, lvar, G_IMG, &mut k), Err(Error::NoExec));
    }

    // h.s (see above) and gcc's default PIE code (c.c; i686-linux-gnu-gcc -O2 -c:
    // `add $_GLOBAL_OFFSET_TABLE_, %ebx` = R_386_GOTPC with in-place addend 2, calls
    // R_386_PLT32, statics R_386_GOTOFF; -fno-pic gives R_386_32 / R_386_PC32).
    //   0x18 leal lvar@GOTOFF(%ebx) -> 8d 83 0c f0 ff ff
    //   0x1e leal avar@GOTOFF+0x10(%ebx) -> 8d 83 94 a6 2f 0a
    //   0x24 addl $_GLOBAL_OFFSET_TABLE_, %ebx -> 81 c3 d0 1f 00 00
    //   0x2a call lfn@PLT (lfn = 0x8049044) -> e8 15 00 00 00
    //   0x2f call afn@PLT (afn = 0x9abcdef0) -> e8 bc 4e b8 92;  0x34 call afn -> e8 b7 4e b8 92
    //   0x39 movl $avar+3, %eax -> b8 7b 56 34 12
    //   0x3e .word avar16 (0xfff0) -> f0 ff;  0x40 .byte avar8 (0xf0) -> f0
    //   .data 0x804a004: .long lvar + 8 -> 08 a0 04 08; 0x804a008: .long lfn - . -> 3c f0 ff ff
    #[test]
    fn plain_golden() {
        let (lvar, lfn, afn) = (sym(0x804a000), sym(0x8049044), abs(0x9abcdef0));
        let t = 0x8049000;
        assert_eq!(go(R_386_GOTOFF, None, [0x8d, 0x83, 0, 0, 0, 0], 2, t + 0x18, lvar, G_IMG, &mut no_got()), Ok([0x8d, 0x83, 0x0c, 0xf0, 0xff, 0xff]));
        assert_eq!(go(R_386_GOTOFF, None, [0x8d, 0x83, 0x10, 0, 0, 0], 2, t + 0x1e, abs(0x12345678), G_IMG, &mut no_got()), Ok([0x8d, 0x83, 0x94, 0xa6, 0x2f, 0x0a]));
        assert_eq!(go(R_386_GOTPC, None, [0x81, 0xc3, 2, 0, 0, 0], 2, t + 0x24, sym(0x804aff4), G_IMG, &mut no_got()), Ok([0x81, 0xc3, 0xd0, 0x1f, 0x00, 0x00]));
        assert_eq!(go(R_386_GOTPC, Some(2), [0x81, 0xc3, 0, 0, 0, 0], 2, t + 0x24, sym(0), G_IMG, &mut no_got()), Ok([0x81, 0xc3, 0xd0, 0x1f, 0x00, 0x00]));
        let call = [0xe8, 0xfc, 0xff, 0xff, 0xff];
        assert_eq!(go(R_386_PLT32, None, call, 1, t + 0x2a, lfn, NOIMG, &mut no_got()), Ok([0xe8, 0x15, 0, 0, 0]));
        assert_eq!(go(R_386_PLT32, None, call, 1, t + 0x2f, afn, NOIMG, &mut no_got()), Ok([0xe8, 0xbc, 0x4e, 0xb8, 0x92]));
        assert_eq!(go(R_386_PC32, None, call, 1, t + 0x34, afn, NOIMG, &mut no_got()), Ok([0xe8, 0xb7, 0x4e, 0xb8, 0x92]));
        assert_eq!(go(R_386_PC32, Some(-4), [0xe8, 0, 0, 0, 0], 1, t + 0x34, afn, NOIMG, &mut no_got()), Ok([0xe8, 0xb7, 0x4e, 0xb8, 0x92]));
        assert_eq!(go(R_386_32, None, [0xb8, 3, 0, 0, 0], 1, t + 0x39, abs(0x12345678), NOIMG, &mut no_got()), Ok([0xb8, 0x7b, 0x56, 0x34, 0x12]));
        assert_eq!(rel(R_386_16, [0, 0], t + 0x3e, abs(0xfff0)), Ok([0xf0, 0xff]));
        assert_eq!(rel(R_386_8, [0], t + 0x40, abs(0xf0)), Ok([0xf0]));
        assert_eq!(rel(R_386_32, [8, 0, 0, 0], 0x804a004, lvar), Ok([0x08, 0xa0, 0x04, 0x08]));
        assert_eq!(rel(R_386_PC32, [0, 0, 0, 0], 0x804a008, lfn), Ok([0x3c, 0xf0, 0xff, 0xff]));
        // 32-bit fields wrap: a PC32 from low memory to the top is a short backwards hop.
        assert_eq!(rel(R_386_PC32, [0xfc, 0xff, 0xff, 0xff], 0x100, sym(0xffff_ff00)), Ok([0xfc, 0xfd, 0xff, 0xff]));
    }

    #[test]
    fn narrow_fields() {
        // R_386_16 / R_386_8 accept signed or unsigned values (REL addend sign-extended).
        assert_eq!(rel(R_386_16, [0xff, 0xff], 0, sym(0)), Ok([0xff, 0xff]));
        assert_eq!(rel(R_386_16, [0, 0], 0, sym(0x1_0000)), Err(Error::NoExec));
        assert_eq!(rel(R_386_16, [0, 0], 0, sym(0xffff_8000)), Ok([0x00, 0x80]));
        assert_eq!(rel(R_386_16, [0, 0], 0, sym(0xffff_7fff)), Err(Error::NoExec));
        assert_eq!(rel(R_386_8, [0, 0], 0, sym(0xff)), Ok([0xff, 0]));
        assert_eq!(rel(R_386_8, [0], 0, sym(0x100)), Err(Error::NoExec));
        assert_eq!(rel(R_386_8, [0x80], 0, sym(0)), Ok([0x80]));
        // PC16 / PC8 are signed.
        assert_eq!(rel(R_386_PC16, [0xfe, 0xff], 0x1000, sym(0x8fff)), Ok([0xfd, 0x7f]));
        assert_eq!(rel(R_386_PC16, [0, 0], 0x1000, sym(0x9000)), Err(Error::NoExec));
        assert_eq!(rel(R_386_PC16, [0, 0], 0x9000, sym(0x1000)), Ok([0x00, 0x80]));
        assert_eq!(rel(R_386_PC8, [0xff], 0x1000, sym(0x1080)), Ok([0x7f]));
        assert_eq!(rel(R_386_PC8, [0], 0x1000, sym(0x1080)), Err(Error::NoExec));
        assert_eq!(rel(R_386_PC8, [0], 0x1080, sym(0x1000)), Ok([0x80]));
        assert_eq!(go(R_386_PC8, Some(-1), [0x55], 0, 0x1000, sym(0x1080), NOIMG, &mut no_got()), Ok([0x7f]));
    }

    #[test]
    fn dynamic_style_slots() {
        let img = Image { load_bias: 0x1000_0000, got_base: 0 };
        assert_eq!(go(R_386_RELATIVE, None, [0, 0x10, 0, 0], 0, 0, sym(0), img, &mut no_got()), Ok([0, 0x10, 0, 0x10]));
        assert_eq!(go(R_386_RELATIVE, Some(4), [0, 0x10, 0, 0], 0, 0, sym(0), img, &mut no_got()), Ok([4, 0, 0, 0x10]));
        assert_eq!(rel(R_386_GLOB_DAT, [0xde, 0xad, 0xbe, 0xef], 0, sym(0x1234)), Ok([0x34, 0x12, 0, 0]));
        assert_eq!(rel(R_386_JMP_SLOT, [0xde, 0xad, 0xbe, 0xef], 0, sym(0x1234)), Ok([0x34, 0x12, 0, 0]));
        assert_eq!(go(R_386_GLOB_DAT, Some(2), [0; 4], 0, 0, sym(0x1234), NOIMG, &mut no_got()), Ok([0x36, 0x12, 0, 0]));
        assert_eq!(rel(R_386_NONE, [1, 2, 3, 4], 0, sym(0x1234)), Ok([1, 2, 3, 4]));
    }

    #[test]
    fn malformed() {
        // COPY, TLS_TPOFF, R_386_SIZE32, anything else.
        for r in [5, 14, 38, 44, 255, u32::MAX] {
            assert_eq!(rel(r, [0; 4], 0, sym(0)), BAD4);
        }
        let mut buf = [0u8; 6];
        for (r, at) in [(R_386_32, 3), (R_386_16, 5), (R_386_GOT32X, 4), (R_386_PC32, usize::MAX)] {
            let place = Place { bytes: &mut buf, offset: at, address: 0 };
            let got = relocate(&Reloc { r_type: r, addend: None }, place, &sym(0), &NOIMG, &mut got_at(0));
            assert_eq!(got, Err(Error::NoExec));
        }
        assert_eq!(rel(R_386_32, [0; 4], 0, sym(0x1_0000_0000)), BAD4);
        assert_eq!(rel(R_386_32, [0; 4], 0x1_0000_0000, sym(0)), BAD4);
    }

    /// Every type with extreme inputs: results vary, but nothing may panic.
    #[test]
    fn no_panics() {
        for r_type in 0..=255 {
            for addend in [None, Some(SAddr::MIN), Some(SAddr::MAX), Some(0)] {
                for insn in [[0xff; 8], [0; 8], [0x8b, 0x83, 0xff, 0x15, 0, 0, 0, 0]] {
                    for at in [0, 1, 2, 4, 5, 7] {
                        for (s, p) in [(0xffff_ffff, 0), (0, 0xffff_ffff), (0xffff_fff0, 0xffff_fff0)] {
                            let img = Image { load_bias: Addr::MAX, got_base: Addr::MAX };
                            for t in [sym(s), weak()] {
                                let _ = go(r_type, addend, insn, at, p, t, img, &mut got_at(0xffff_fff0));
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn aux_needs() {
        assert_eq!(aux_need(R_386_GOT32), AuxNeed::GotEntry);
        assert_eq!(aux_need(R_386_GOT32X), AuxNeed::GotEntry);
        assert_eq!(aux_need(R_386_PLT32), AuxNeed::None);
        assert_eq!(aux_need(R_386_GOTOFF), AuxNeed::None);
    }
}
