//! Inputs the fuzzer once crashed on (tests/fuzz_regressions/*, in the fuzz target's
//! format: a selector byte, then the file). Each must now load or fail cleanly, with
//! the heap back at its baseline.

use llext_rs::arch::Arch;
use llext_rs::load::{LoadParams, NoHooks};
use llext_rs::platform::host::ArenaPlatform;
use llext_rs::registry::Registry;
use llext_rs::source::{SliceSource, Storage};

#[test]
fn fuzz_regressions() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let data = std::fs::read(entry.unwrap().path()).unwrap();
        let (&selector, elf) = data.split_first().unwrap();
        let arch = [Arch::Arm, Arch::X86, Arch::X86_64][usize::from(selector % 3)];
        let storage = [Storage::Temporary, Storage::Persistent, Storage::Writable][usize::from(selector / 3 % 3)];
        let platform = ArenaPlatform::cross(1 << 20, 0x2000_0000).leak();
        let registry = Registry::new(platform, arch);
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
        assert_eq!(platform.used(), 0);
        n += 1;
    }
    assert!(n > 0);
}
