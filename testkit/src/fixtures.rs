//! The fixture extensions, built by `build.rs` with the real cross compilers: C
//! (sources in `testkit/c/`) and, for a few, Rust (`testkit/rust/`, same names and
//! behaviour).

use core::fmt;

/// Target architecture of a fixture.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Arch {
    /// 32-bit ARM, Thumb-2 for Cortex-M3 (ELFCLASS32, EM_ARM).
    Arm,
    /// i386 (ELFCLASS32, EM_386).
    X86,
    /// x86_64 (ELFCLASS64, EM_X86_64).
    X86_64,
}

/// Code generation options a fixture was compiled with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Codegen {
    /// `arm-none-eabi-gcc -mcpu=cortex-m3 -mthumb`
    Arm,
    /// The same plus `-mlong-calls` (Zephyr's default for ARM extensions).
    ArmLongCalls,
    /// `i686-linux-gnu-gcc` defaults: PIE (`__x86.get_pc_thunk.*` in COMDAT
    /// groups, GOTPC/GOTOFF/GOT32X/PLT32), `.eh_frame` present.
    I686Pic,
    /// `i686-linux-gnu-gcc -fno-pic`.
    I686NoPic,
    /// Host `gcc -fPIC`.
    X86_64Pic,
    /// Host `gcc -mcmodel=large -fno-pic`: 64-bit absolute addresses.
    X86_64Large,
    /// Host `gcc` defaults (PIE on Debian).
    X86_64Pie,
    /// Rust (`testkit/rust/`, llext-extension) for `thumbv7m-none-eabi`, `+long-calls`,
    /// linked with `ld -r`.
    RustArm,
    /// Rust for i586 (`targets/i586-unknown-none.json`, static relocation model),
    /// linked with `ld -r`.
    RustI686,
}

impl Codegen {
    pub const ALL: [Codegen; 9] = [
        Codegen::Arm,
        Codegen::ArmLongCalls,
        Codegen::I686Pic,
        Codegen::I686NoPic,
        Codegen::X86_64Pic,
        Codegen::X86_64Large,
        Codegen::X86_64Pie,
        Codegen::RustArm,
        Codegen::RustI686,
    ];

    pub const fn arch(self) -> Arch {
        match self {
            Codegen::Arm | Codegen::ArmLongCalls | Codegen::RustArm => Arch::Arm,
            Codegen::I686Pic | Codegen::I686NoPic | Codegen::RustI686 => Arch::X86,
            Codegen::X86_64Pic | Codegen::X86_64Large | Codegen::X86_64Pie => Arch::X86_64,
        }
    }

    /// Position-independent code (PIC or PIE).
    pub const fn pic(self) -> bool {
        matches!(
            self,
            Codegen::I686Pic | Codegen::X86_64Pic | Codegen::X86_64Pie
        )
    }

    pub const fn long_calls(self) -> bool {
        matches!(self, Codegen::ArmLongCalls | Codegen::RustArm)
    }

    /// The label used in build directories and messages (`arm-longcalls`, ...).
    pub const fn label(self) -> &'static str {
        match self {
            Codegen::Arm => "arm",
            Codegen::ArmLongCalls => "arm-longcalls",
            Codegen::I686Pic => "i686-pic",
            Codegen::I686NoPic => "i686-nopic",
            Codegen::X86_64Pic => "x86_64-pic",
            Codegen::X86_64Large => "x86_64-large",
            Codegen::X86_64Pie => "x86_64-pie",
            Codegen::RustArm => "rust-arm",
            Codegen::RustI686 => "rust-i686",
        }
    }

    /// Built from Rust (`testkit/rust/`) rather than C.
    pub const fn rust(self) -> bool {
        matches!(self, Codegen::RustArm | Codegen::RustI686)
    }
}

/// What kind of ELF file a fixture is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ElfKind {
    /// ET_REL straight from the compiler (single source file).
    Object,
    /// ET_REL from `ld -r` (partial link; the only kind for multi-file
    /// fixtures). Duplicate COMDAT members are gone and their relocations
    /// in `.eh_frame` become R_*_NONE.
    Relocatable,
    /// ET_DYN from `gcc -shared -nostdlib`.
    Shared,
}

/// Code generation plus ELF kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Flavor {
    pub codegen: Codegen,
    pub kind: ElfKind,
}

impl Flavor {
    pub const fn new(codegen: Codegen, kind: ElfKind) -> Flavor {
        Flavor { codegen, kind }
    }
    pub const fn arch(self) -> Arch {
        self.codegen.arch()
    }
    pub const fn pic(self) -> bool {
        self.codegen.pic()
    }
    pub const fn long_calls(self) -> bool {
        self.codegen.long_calls()
    }
}

impl fmt::Display for Flavor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            ElfKind::Object => "o",
            ElfKind::Relocatable => "rel.o",
            ElfKind::Shared => "so",
        };
        write!(f, "{}/{}", self.codegen.label(), kind)
    }
}

/// One built fixture.
#[derive(Debug)]
pub struct Fixture {
    /// Fixture name (`hello_world`, `data`, ...), the C file's stem.
    pub name: &'static str,
    pub flavor: Flavor,
    /// The ELF file's contents.
    pub bytes: &'static [u8],
    /// The same file on disk (under cargo's OUT_DIR), for tools such as
    /// the oracle's `ld`.
    pub path: &'static str,
}

impl fmt::Display for Fixture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.name, self.flavor)
    }
}

include!(concat!(env!("OUT_DIR"), "/fixtures.rs"));

/// The fixture `name` in `flavor`, if it was built.
pub fn find(name: &str, flavor: Flavor) -> Option<&'static Fixture> {
    FIXTURES
        .iter()
        .find(|f| f.name == name && f.flavor == flavor)
}

/// The fixture `name` in `flavor`; panics with the list of what exists.
pub fn get(name: &str, flavor: Flavor) -> &'static Fixture {
    find(name, flavor).unwrap_or_else(|| {
        let have: Vec<String> = FIXTURES
            .iter()
            .filter(|f| f.name == name)
            .map(|f| f.flavor.to_string())
            .collect();
        panic!("no fixture {name} in flavor {flavor}; built flavors of it: {have:?}")
    })
}

/// All flavors of fixture `name`.
pub fn flavors_of(name: &str) -> impl Iterator<Item = &'static Fixture> + '_ {
    FIXTURES.iter().filter(move |f| f.name == name)
}

/// Distinct fixture names, in build order.
pub fn names() -> Vec<&'static str> {
    let mut v: Vec<&'static str> = Vec::new();
    for f in FIXTURES {
        if !v.contains(&f.name) {
            v.push(f.name);
        }
    }
    v
}
