//! Inputs the fuzzer once crashed on (tests/fuzz_regressions/*, in the fuzz target's
//! format), run through the fuzz target's own input handling: each must now load or
//! fail cleanly, with the heap back at its baseline.

use llext_rs::platform::host::ArenaPlatform;
use llext_rs::registry::Registry;

#[path = "../fuzz/fuzz_targets/one_input.rs"]
mod one_input;

#[test]
fn fuzz_regressions() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let data = std::fs::read(entry.unwrap().path()).unwrap();
        let platform = ArenaPlatform::cross(1 << 20, 0x2000_0000).leak();
        let registry = Registry::new(platform, one_input::arch_of(data[0]));
        one_input::run_one(platform, &registry, &data);
        n += 1;
    }
    assert!(n > 0);
}
