//! Drives the whole load pipeline (parse, layout, link, exports, unload) over arbitrary
//! bytes for every architecture, storage type and load parameter set. A crash, a hang,
//! an out-of-bounds access (ASan) or a heap block left behind after unload is a finding.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use llext_rs::platform::host::ArenaPlatform;
use llext_rs::registry::Registry;

mod one_input;

/// One registry per architecture over a small cross arena: extensions are linked for
/// 32-bit run addresses and never executed.
fn registries() -> &'static [(&'static ArenaPlatform, Registry); 3] {
    static R: OnceLock<[(&'static ArenaPlatform, Registry); 3]> = OnceLock::new();
    R.get_or_init(|| {
        let reg = |selector| {
            let p = ArenaPlatform::cross(1 << 20, 0x2000_0000).leak();
            (p, Registry::new(p, one_input::arch_of(selector)))
        };
        [reg(0), reg(1), reg(2)]
    })
}

fuzz_target!(|data: &[u8]| {
    let Some(&selector) = data.first() else { return };
    let (platform, registry) = &registries()[usize::from(selector % 3)];
    one_input::run_one(platform, registry, data);
});
