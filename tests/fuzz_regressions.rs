//! Inputs the fuzzer once crashed on (tests/fuzz_regressions/*) and the campaigns'
//! minimised corpus (tests/fuzz_corpus/*), in the fuzz targets' format, run through
//! their own input handling: each must load or fail cleanly, with the heap back at its
//! baseline.

use llext_rs::platform::host::ArenaPlatform;
use llext_rs::registry::Registry;

#[path = "../fuzz/fuzz_targets/one_input.rs"]
mod one_input;

/// Runs every input in `dir` through the fuzz target's input handling, each on a fresh
/// registry; returns how many ran.
fn run_dir(dir: &std::path::Path) -> usize {
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let data = std::fs::read(entry.unwrap().path()).unwrap();
        if data.is_empty() {
            continue;
        }
        let platform = ArenaPlatform::cross(1 << 20, 0x2000_0000).leak();
        let registry = Registry::new(platform, one_input::arch_of(data[0]));
        one_input::run_one(platform, &registry, &data);
        n += 1;
    }
    n
}

fn repo(path: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

#[test]
fn fuzz_regressions() {
    assert!(run_dir(&repo("tests/fuzz_regressions")) > 0);
}

/// The long campaigns' corpus, minimised (libFuzzer -set_cover_merge against the
/// fixture seeds: only inputs that reach code the seeds do not) and kept compressed in
/// the repository (the ELF files are alike: 10 MB make 100 KB of xz), so every test
/// run replays it.
#[test]
fn fuzz_corpus_replays() {
    let dir = std::env::temp_dir().join(format!("llext-fuzz-corpus-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let status = std::process::Command::new("tar").arg("-xJf").arg(repo("tests/fuzz_corpus.tar.xz")).arg("-C").arg(&dir).status().unwrap();
    assert!(status.success(), "tar -xJf tests/fuzz_corpus.tar.xz");
    let n = run_dir(&dir);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(n >= 500, "only {n} corpus inputs");
}
