//! One fuzz input through the loader, shared by the fuzz target and the regression
//! test (tests/fuzz_regressions.rs includes this file).
//!
//! First byte: architecture (`% 3`: ARM, x86, x86_64), storage (`/ 3 % 3`) and load
//! parameters (high bits); the rest is the file. Panics if a load leaks heap.

use llext_rs::arch::Arch;
use llext_rs::load::{LoadParams, NoHooks};
use llext_rs::platform::host::ArenaPlatform;
use llext_rs::registry::Registry;
use llext_rs::source::{SliceSource, Storage};
use std::sync::OnceLock;

/// The architecture an input's selector byte asks for.
pub fn arch_of(selector: u8) -> Arch {
    [Arch::Arm, Arch::X86, Arch::X86_64][usize::from(selector % 3)]
}

/// Loads and unloads `data` with `registry` (whose architecture matches
/// `arch_of(data[0])`), checking that the heap returns to its baseline.
pub fn run_one(platform: &ArenaPlatform, registry: &Registry, data: &[u8]) {
    let Some((&selector, elf)) = data.split_first() else { return };
    let storage = match (selector / 3) % 3 {
        0 => Storage::Temporary,
        1 => Storage::Persistent,
        _ => Storage::Writable,
    };
    let before = platform.used();
    let mut copy = elf.to_vec();
    let mut source = match storage {
        Storage::Writable => SliceSource::writable(&mut copy),
        s => SliceSource::new(elf, s),
    };
    let params = LoadParams {
        keep_section_info: selector & 0x80 != 0,
        pre_located: selector & 0x40 != 0,
        relocate_local: selector & 0x20 == 0,
        ..LoadParams::default()
    };
    if let Ok((ext, _)) = registry.load(&mut source, b"fuzz", &params, &mut NoHooks, &mut |_| {}) {
        assert_eq!(registry.unload(ext), Ok(0));
    }
    assert_eq!(platform.used(), before, "heap not back at its baseline");
}

/// Runs `data` on one registry per architecture, each over a small cross arena, kept for
/// the whole process (the fuzz targets: extensions are linked for 32-bit run addresses
/// and never executed; the regression test makes a fresh registry per input).
#[allow(dead_code)]
pub fn run_on_shared_registries(data: &[u8]) {
    static R: OnceLock<[(&'static ArenaPlatform, Registry); 3]> = OnceLock::new();
    let Some(&selector) = data.first() else { return };
    let registries = R.get_or_init(|| {
        let reg = |selector| {
            let p = ArenaPlatform::cross(1 << 20, 0x2000_0000).leak();
            (p, Registry::new(p, arch_of(selector)))
        };
        [reg(0), reg(1), reg(2)]
    });
    let (platform, registry) = &registries[usize::from(selector % 3)];
    run_one(platform, registry, data);
}
