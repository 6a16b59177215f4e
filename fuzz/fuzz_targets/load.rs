//! Drives the whole load pipeline (parse, layout, link, exports, unload) over arbitrary
//! bytes for every architecture and storage type. A crash, a hang, an out-of-bounds
//! access (ASan) or a heap block left behind after unload is a finding.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use llext_rs::arch::Arch;
use llext_rs::load::{LoadParams, NoHooks};
use llext_rs::platform::host::ArenaPlatform;
use llext_rs::registry::Registry;
use llext_rs::source::{SliceSource, Storage};

/// One registry per architecture over a small cross arena: extensions are linked for
/// 32-bit run addresses and never executed.
fn registries() -> &'static [(&'static ArenaPlatform, Registry); 3] {
    static R: OnceLock<[(&'static ArenaPlatform, Registry); 3]> = OnceLock::new();
    R.get_or_init(|| {
        let reg = |arch| {
            let p = ArenaPlatform::cross(1 << 20, 0x2000_0000).leak();
            (p, Registry::new(p, arch))
        };
        [reg(Arch::Arm), reg(Arch::X86), reg(Arch::X86_64)]
    })
}

fuzz_target!(|data: &[u8]| {
    // First byte: architecture (% 3), storage (/ 3 % 3) and load parameters (high
    // bits); the rest is the file.
    let Some((&selector, elf)) = data.split_first() else { return };
    let (platform, registry) = &registries()[usize::from(selector % 3)];
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
});
