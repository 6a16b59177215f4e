//! Reliability under allocation failure (issue #13): for every fixture, architecture and
//! storage type, each allocation a load makes is failed in turn. Every such load must
//! return -ENOMEM (or, for an allocation the load can do without, still succeed), leave
//! the heap at its baseline, and the next normal load must succeed.

mod common;

use common::{arch_of, base_table};
use llext_rs::load::{LoadParams, NoHooks};
use llext_rs::platform::host::ArenaPlatform;
use llext_rs::registry::Registry;
use llext_rs::source::{SliceSource, Storage};
use llext_rs::symbols::LinkBy;
use llext_testkit::emu::{Emu, Layout};
use llext_testkit::{expect, fixtures, Fixture, FIXTURES};

const ENOMEM: i32 = -libc::ENOMEM;

/// Figures of one fixture × storage run.
#[derive(Default)]
struct Tally {
    /// Allocations a normal load makes: each is failed once.
    points: usize,
    /// Loads that failed with -ENOMEM.
    refused: usize,
    /// Loads that did without the failed allocation and succeeded.
    tolerated: usize,
}

/// Loads `fixture` with the `nth` allocation failing (`None`: none), from a fresh copy of
/// the file in `buffer`; unloads on success. Returns the load's errno-style result and
/// the allocations it made.
fn attempt(platform: &ArenaPlatform, registry: &Registry, fixture: &Fixture, storage: Storage, buffer: &mut [u8], nth: Option<usize>) -> (Result<(), i32>, usize) {
    buffer.copy_from_slice(fixture.bytes);
    let mut source = match storage {
        Storage::Writable => SliceSource::writable(buffer),
        s => SliceSource::new(buffer, s),
    };
    let before = platform.allocations();
    platform.fail_allocation(nth);
    let result = registry.load(&mut source, b"under_test", &LoadParams::default(), &mut NoHooks, &mut |_| {});
    platform.fail_allocation(None);
    let made = platform.allocations() - before;
    let result = match result {
        Ok((ext, _)) => {
            assert_eq!(registry.unload(ext), Ok(0), "{fixture}: unload");
            Ok(())
        }
        Err(e) => Err(e.to_errno()),
    };
    (result, made)
}

/// Every allocation of one fixture's load, failed in turn.
fn fail_each_allocation(fixture: &Fixture, storage: Storage) -> Result<Tally, String> {
    let emu = Emu::with_layout(fixture.flavor.arch(), Layout::NEAR).map_err(|e| e.to_string())?;
    let platform = ArenaPlatform::cross(4 << 20, Layout::NEAR.ram).leak();
    let registry = Registry::new(platform, arch_of(fixture));
    let base = emu.base_symbols();
    let base: Vec<(&str, u64)> = base.iter().map(|(n, a)| (n.as_str(), *a)).collect();
    // SAFETY: the table and its names are leaked: they live as long as the registry.
    unsafe { registry.set_base(base_table(&base), LinkBy::Name) };
    for (user, _, provider) in expect::DEPENDENCIES {
        if *user == fixture.name {
            let dep = fixtures::get(provider, fixture.flavor);
            let mut src = SliceSource::new(dep.bytes, Storage::Temporary);
            registry.load(&mut src, provider.replace("export_", "x_").as_bytes(), &LoadParams::default(), &mut NoHooks, &mut |_| {}).map_err(|e| format!("dependency {provider}: {e}"))?;
        }
    }
    // Regions found in the buffer may be used in place: extension code sees it there.
    let mut buffer = fixture.bytes.to_vec();
    platform.map_buffer(&buffer, Layout::NEAR.ram + (4 << 20));
    let baseline = platform.used();
    let (intact, points) = attempt(platform, &registry, fixture, storage, &mut buffer, None);
    intact.map_err(|e| format!("intact load: {e}"))?;
    let mut tally = Tally { points, ..Tally::default() };
    for nth in 0..points {
        match attempt(platform, &registry, fixture, storage, &mut buffer, Some(nth)).0 {
            Err(ENOMEM) => tally.refused += 1,
            Ok(()) => tally.tolerated += 1,
            Err(e) => return Err(format!("allocation {nth} of {points} failed: load returned {e}, not -ENOMEM")),
        }
        if platform.used() != baseline {
            return Err(format!("allocation {nth} of {points} failed: {} bytes left allocated", platform.used() - baseline));
        }
    }
    attempt(platform, &registry, fixture, storage, &mut buffer, None).0.map_err(|e| format!("load after the failures: {e}"))?;
    Ok(tally)
}

#[test]
fn every_allocation_fails_cleanly() {
    let mut failures = Vec::new();
    let (mut runs, mut points, mut refused, mut tolerated) = (0, 0, 0, 0);
    for fixture in FIXTURES {
        for storage in [Storage::Temporary, Storage::Persistent, Storage::Writable] {
            runs += 1;
            match fail_each_allocation(fixture, storage) {
                Ok(t) => {
                    assert!(t.points > 0, "{fixture} {storage:?}: a load that allocates nothing");
                    points += t.points;
                    refused += t.refused;
                    tolerated += t.tolerated;
                }
                Err(e) => failures.push(format!("{fixture} {storage:?}: {e}")),
            }
        }
    }
    let line = format!(
        "allocation failures: {runs} fixture x arch x storage loads, {points} allocation points each failed once: {refused} loads returned -ENOMEM, {tolerated} did without the allocation; heap back at baseline after every one"
    );
    eprintln!("{line}");
    // CI prints the figures files after the host suite (scripts/test.sh).
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/figures");
    if std::fs::create_dir_all(&dir).is_ok() {
        let _ = std::fs::write(dir.join("allocation_failures.txt"), format!("{line}\n"));
    }
    assert!(failures.is_empty(), "{} of {runs} runs failed:\n{}", failures.len(), failures.join("\n"));
    assert!(runs >= 3 * 40 && points > runs, "too little ran: {runs} runs, {points} points");
}
