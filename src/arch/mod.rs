//! Relocators: one module per architecture, each a pure, table-driven function per
//! relocation type over a byte slice. No global or static mutable state: everything a
//! relocation needs arrives in its arguments, so loads may run concurrently.
//!
//! The bytes are patched at their *write* address (`Place::bytes`) while every address
//! computation uses *run* addresses (`Place::address`, `Target::value`), so the same code
//! serves the target, cross-architecture host tests and execute-in-place.

use crate::elf::{Addr, SAddr};
use crate::error::{Error, Result};

#[cfg(feature = "arch-arm")]
pub mod arm;
#[cfg(feature = "arch-x86")]
pub mod x86;
#[cfg(feature = "arch-x86_64")]
pub mod x86_64;

/// Architectures llext-rs can link for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
///
/// Only the architectures this build links for exist: with one relocator compiled in
/// (a Zephyr or rig build) the type has one value, and every `match` on it folds away.
pub enum Arch {
    /// AArch32 (Cortex-M Thumb-2, and ARM state for Cortex-A/R); ELF32, `SHT_REL`.
    #[cfg(feature = "arch-arm")]
    Arm,
    /// x86 ia32; ELF32, `SHT_REL`.
    #[cfg(feature = "arch-x86")]
    X86,
    /// x86_64; ELF64, `SHT_RELA`.
    #[cfg(feature = "arch-x86_64")]
    X86_64,
}

#[cfg(not(any(feature = "arch-arm", feature = "arch-x86", feature = "arch-x86_64")))]
compile_error!("llext-rs needs at least one relocator: enable arch-arm, arch-x86 or arch-x86_64");

/// ELF `e_machine` values.
pub const EM_386: u16 = 3;
pub const EM_ARM: u16 = 40;
pub const EM_X86_64: u16 = 62;

impl Arch {
    /// The architecture an ELF `e_machine` names, if this build has its relocator.
    pub fn from_machine(machine: u16) -> Option<Arch> {
        match machine {
            #[cfg(feature = "arch-arm")]
            EM_ARM => Some(Arch::Arm),
            #[cfg(feature = "arch-x86")]
            EM_386 => Some(Arch::X86),
            #[cfg(feature = "arch-x86_64")]
            EM_X86_64 => Some(Arch::X86_64),
            _ => None,
        }
    }

    /// ELF `e_machine` of this architecture.
    pub const fn machine(self) -> u16 {
        match self {
            #[cfg(feature = "arch-arm")]
            Arch::Arm => EM_ARM,
            #[cfg(feature = "arch-x86")]
            Arch::X86 => EM_386,
            #[cfg(feature = "arch-x86_64")]
            Arch::X86_64 => EM_X86_64,
        }
    }

    /// True for AArch32, whose functions may be Thumb code (bit 0 of their value).
    pub const fn is_arm(self) -> bool {
        #[cfg(feature = "arch-arm")]
        return matches!(self, Arch::Arm);
        #[cfg(not(feature = "arch-arm"))]
        false
    }

    /// True for ELF64 objects.
    pub const fn is_64bit(self) -> bool {
        #[cfg(feature = "arch-x86_64")]
        return matches!(self, Arch::X86_64);
        #[cfg(not(feature = "arch-x86_64"))]
        false
    }

    /// Bytes in a pointer (and a GOT entry).
    pub const fn pointer_size(self) -> usize {
        if self.is_64bit() {
            8
        } else {
            4
        }
    }

    /// The architecture this crate was compiled for, when it can load for it.
    pub fn native() -> Option<Arch> {
        #[cfg(all(target_arch = "arm", feature = "arch-arm"))]
        return Some(Arch::Arm);
        #[cfg(all(target_arch = "x86", feature = "arch-x86"))]
        return Some(Arch::X86);
        #[cfg(all(target_arch = "x86_64", feature = "arch-x86_64"))]
        return Some(Arch::X86_64);
        #[allow(unreachable_code)]
        None
    }
}

/// One relocation entry, decoded.
#[derive(Clone, Copy, Debug)]
pub struct Reloc {
    /// `ELF*_R_TYPE(r_info)`.
    pub r_type: u32,
    /// `r_addend` of a `SHT_RELA` entry; `None` for `SHT_REL`, whose addend is stored in
    /// the place itself.
    pub addend: Option<SAddr>,
}

/// The field a relocation patches.
pub struct Place<'a> {
    /// The whole target section at its write address; the relocator bounds-checks every
    /// access (relaxations look at the instruction bytes before `offset`).
    pub bytes: &'a mut [u8],
    /// Offset of the relocated field inside `bytes` (`r_offset` for `ET_REL`).
    pub offset: usize,
    /// Run address of the relocated field (`P`).
    pub address: Addr,
}

/// What the referenced symbol is, as far as relocation choices care.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SymbolKind {
    /// No symbol (`ELF_R_SYM == 0`), value 0.
    None,
    /// Defined inside the extension being linked: its address moves with the extension.
    Local,
    /// A function (`STT_FUNC`) defined inside the extension: as `Local`; on ARM, bit 0
    /// of its value is AAELF's T (a Thumb function), which its address `S` excludes.
    LocalFunction,
    /// A fixed address outside the extension: base image export, another extension's
    /// export, or `SHN_ABS`.
    Absolute,
    /// An undefined weak symbol that resolved nowhere: value 0.
    UndefinedWeak,
}

/// The resolved symbol of a relocation (`S`).
#[derive(Clone, Copy, Debug)]
pub struct Target {
    /// Run address, Thumb bit included for Thumb functions; 0 for `SymbolKind::None`.
    pub value: Addr,
    /// How the symbol was resolved.
    pub kind: SymbolKind,
    /// Symbol table index: names the GOT entry or veneer shared by every reference to
    /// the same symbol.
    pub key: u32,
}

/// Per-extension constants some relocation types need.
#[derive(Clone, Copy, Debug, Default)]
pub struct Image {
    /// Added by `*_RELATIVE` relocations: run address minus link-time (VMA) address of
    /// the extension image. 0 for `ET_REL`.
    pub load_bias: Addr,
    /// Run address of the extension's GOT (`_GLOBAL_OFFSET_TABLE_`).
    pub got_base: Addr,
}

/// Branch trampolines that extend a call's reach.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VeneerKind {
    /// Thumb-2: `ldr.w pc, [pc, #0]` + literal (Cortex-M).
    Thumb,
    /// ARM state: `ldr pc, [pc, #-4]` + literal.
    Arm,
    /// x86_64: `jmp *0(%rip)` + 64-bit literal.
    X86_64,
}

impl VeneerKind {
    /// Bytes reserved per veneer (a multiple of its alignment).
    pub const fn size(self) -> usize {
        match self {
            VeneerKind::Thumb | VeneerKind::Arm => 8,
            VeneerKind::X86_64 => 16,
        }
    }

    /// Required alignment of a veneer's start.
    pub const fn align(self) -> usize {
        match self {
            VeneerKind::Thumb | VeneerKind::Arm => 4,
            VeneerKind::X86_64 => 8,
        }
    }
}

/// Auxiliary space a relocation type may consume; the link stage counts these in a
/// first pass so the extension's text region can reserve room for them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuxNeed {
    /// Nothing beyond the place itself.
    None,
    /// A GOT entry for the symbol (unless relaxed away).
    GotEntry,
    /// A veneer if the branch target turns out to be out of range.
    Veneer(VeneerKind),
}

/// Linker-provided services a relocator may call back into. Implemented by the link
/// stage over the space it reserved; every call is bounded by that reservation.
pub trait Aux {
    /// Run address of the GOT entry holding `value` for symbol `key`, created on first
    /// use. `-ENOEXEC`-style error if nothing was reserved.
    fn got_entry(&mut self, key: u32, value: Addr) -> Result<Addr>;
    /// Run address of a veneer of `kind` that jumps to `target` for symbol `key`,
    /// created on first use.
    fn veneer(&mut self, key: u32, target: Addr, kind: VeneerKind) -> Result<Addr>;
}

/// Applies one relocation.
///
/// Errors: `Error::NoExec` for an unknown type, an out-of-range result or a place that
/// does not fit inside `place.bytes`.
pub fn relocate(
    arch: Arch,
    reloc: &Reloc,
    place: Place<'_>,
    target: &Target,
    image: &Image,
    aux: &mut dyn Aux,
) -> Result<()> {
    match arch {
        #[cfg(feature = "arch-arm")]
        Arch::Arm => arm::relocate(reloc, place, target, image, aux),
        #[cfg(feature = "arch-x86")]
        Arch::X86 => x86::relocate(reloc, place, target, image, aux),
        #[cfg(feature = "arch-x86_64")]
        Arch::X86_64 => x86_64::relocate(reloc, place, target, image, aux),
    }
}

/// What auxiliary space relocation type `r_type` may need on `arch`.
pub fn aux_need(arch: Arch, r_type: u32) -> AuxNeed {
    match arch {
        #[cfg(feature = "arch-arm")]
        Arch::Arm => arm::aux_need(r_type),
        #[cfg(feature = "arch-x86")]
        Arch::X86 => x86::aux_need(r_type),
        #[cfg(feature = "arch-x86_64")]
        Arch::X86_64 => x86_64::aux_need(r_type),
    }
}

/// Writes a veneer of `kind` at `bytes` (its write address), placed at run address
/// `address`, jumping to `target`. `bytes` is exactly `kind.size()` long.
pub fn write_veneer(kind: VeneerKind, bytes: &mut [u8], address: Addr, target: Addr) -> Result<()> {
    match kind {
        #[cfg(feature = "arch-arm")]
        VeneerKind::Thumb | VeneerKind::Arm => arm::write_veneer(kind, bytes, address, target),
        #[cfg(feature = "arch-x86_64")]
        VeneerKind::X86_64 => x86_64::write_veneer(bytes, address, target),
        #[allow(unreachable_patterns)]
        _ => {
            let _ = (bytes, address, target);
            Err(Error::NotSup)
        }
    }
}

// Little-endian field access shared by the relocators; every access is bounds-checked
// and a field that does not fit is a malformed relocation (`-ENOEXEC`).

/// Reads `N` bytes at `offset`.
#[cfg_attr(not(any(feature = "arch-x86", feature = "arch-x86_64")), allow(dead_code))] // the x86 relocators' helpers
pub(crate) fn read_bytes<const N: usize>(bytes: &[u8], offset: usize) -> Result<[u8; N]> {
    let end = offset.checked_add(N).ok_or(Error::NoExec)?;
    let field = bytes.get(offset..end).ok_or(Error::NoExec)?;
    let mut out = [0u8; N];
    out.copy_from_slice(field);
    Ok(out)
}

/// Writes `value` at `offset`.
pub(crate) fn write_bytes<const N: usize>(bytes: &mut [u8], offset: usize, value: [u8; N]) -> Result<()> {
    let end = offset.checked_add(N).ok_or(Error::NoExec)?;
    bytes.get_mut(offset..end).ok_or(Error::NoExec)?.copy_from_slice(&value);
    Ok(())
}

#[cfg_attr(not(any(feature = "arch-x86", feature = "arch-x86_64")), allow(dead_code))] // the x86 relocators' helpers
pub(crate) fn read_u16(bytes: &[u8], offset: usize) -> Result<u16> {
    read_bytes(bytes, offset).map(u16::from_le_bytes)
}
#[cfg_attr(not(any(feature = "arch-x86", feature = "arch-x86_64")), allow(dead_code))] // the x86 relocators' helpers
pub(crate) fn read_u32(bytes: &[u8], offset: usize) -> Result<u32> {
    read_bytes(bytes, offset).map(u32::from_le_bytes)
}
#[cfg(feature = "arch-x86_64")]
pub(crate) fn read_u64(bytes: &[u8], offset: usize) -> Result<Addr> {
    read_bytes(bytes, offset).map(Addr::from_le_bytes)
}
#[cfg_attr(not(any(feature = "arch-x86", feature = "arch-x86_64")), allow(dead_code))] // the x86 relocators' helpers
pub(crate) fn write_u16(bytes: &mut [u8], offset: usize, v: u16) -> Result<()> {
    write_bytes(bytes, offset, v.to_le_bytes())
}
pub(crate) fn write_u32(bytes: &mut [u8], offset: usize, v: u32) -> Result<()> {
    write_bytes(bytes, offset, v.to_le_bytes())
}
pub(crate) fn write_u64(bytes: &mut [u8], offset: usize, v: Addr) -> Result<()> {
    write_bytes(bytes, offset, v.to_le_bytes())
}
