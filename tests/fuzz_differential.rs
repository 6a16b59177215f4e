//! The differential fuzz target's check (fuzz/fuzz_targets/differential_input.rs) over
//! a fixed set of pseudo-random inputs: generated ARM, i386 and x86_64 objects, loaded by
//! llext-rs and linked by GNU ld at the same addresses, relocated bytes compared. The
//! fuzz target explores further (scripts/fuzz.sh); inputs it once failed on are in
//! tests/fuzz_differential/ and run here too.

mod common;

#[path = "../fuzz/fuzz_targets/differential_input.rs"]
mod differential_input;

/// Inputs tried per run: each is one ld invocation.
const INPUTS: usize = 3000;

#[test]
fn generated_objects_relocate_as_gnu_ld_does() {
    common::init_log();
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = || {
        // xorshift64: reproducible inputs without a dependency.
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut inputs: Vec<Vec<u8>> = (0..INPUTS).map(|_| (0..600).map(|_| next() as u8).collect()).collect();
    let saved = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_differential");
    if let Ok(dir) = std::fs::read_dir(&saved) {
        inputs.extend(dir.map(|e| std::fs::read(e.unwrap().path()).unwrap()));
    }
    // LLEXT_DIFF_ONLY=<n> runs input n alone (with LLEXT_LOG=debug and --nocapture: the
    // loader's log of it).
    let only: Option<usize> = std::env::var("LLEXT_DIFF_ONLY").ok().and_then(|v| v.parse().ok());
    let (mut relocations, mut sections, mut failures) = (0, 0, Vec::new());
    for (i, data) in inputs.iter().enumerate().filter(|(i, _)| only.is_none_or(|n| n == *i)) {
        match differential_input::run_differential(data) {
            Ok(o) => {
                relocations += o.relocations;
                sections += o.sections_compared;
            }
            Err(e) => failures.push(format!("input {i}: {e}")),
        }
    }
    let line = format!("differential vs GNU ld: {} generated objects (ARM, i386, x86_64), {relocations} relocations, {sections} sections compared, {} differences", inputs.len(), failures.len());
    if only.is_none() {
        common::report("differential.txt", &line);
    } else {
        eprintln!("{line}");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(only.is_some() || relocations > INPUTS * 10, "the generator made too few relocations: {relocations}");
}
