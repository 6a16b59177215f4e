//! Reliability (issue #13), measured: every allocation of every fixture's load failed in
//! turn (each must return -ENOMEM, or succeed without it, and leave the heap at its
//! baseline), a soak of load/call/unload cycles with the heap checked after each, and
//! threads sharing one registry. Each test writes its figures line for CI.

mod common;

use common::{arch_of, base_table, report};
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

/// A registry on `platform` whose base image exports `base`.
fn registry_with(platform: &'static ArenaPlatform, arch: llext_rs::arch::Arch, base: &[(String, u64)]) -> Registry {
    let registry = Registry::new(platform, arch);
    let base: Vec<(&str, u64)> = base.iter().map(|(n, a)| (n.as_str(), *a)).collect();
    // SAFETY: the table and its names are leaked: they live as long as the registry.
    unsafe { registry.set_base(base_table(&base), LinkBy::Name) };
    registry
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
    let registry = registry_with(platform, arch_of(fixture), &emu.base_symbols());
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
    report("allocation_failures.txt", &line);
    assert!(failures.is_empty(), "{} of {runs} runs failed:\n{}", failures.len(), failures.join("\n"));
    assert!(runs >= 3 * 40 && points > runs, "too little ran: {runs} runs, {points} points");
}

/// Exports of a loaded extension, as the expectation runner looks them up.
fn exports_of(registry: &Registry, ext: *mut llext_rs::ffi::types::llext) -> expect::Image {
    let exports = registry
        .inspect(ext, |b| {
            b.loaded
                .exports()
                .iter()
                // SAFETY: export names are C strings inside the loaded extension.
                .map(|s| (String::from_utf8_lossy(unsafe { llext_rs::symbols::c_str(s.name) }).into_owned(), s.addr as u64))
                .collect()
        })
        .unwrap_or_default();
    expect::Image { exports, ..expect::Image::default() }
}

/// Soak (issue #13): load, look up, call and unload x86_64 extensions natively in a loop,
/// mixing fixtures and an exporting/importing pair, with the heap checked against its
/// baseline after every cycle. LLEXT_SOAK_CYCLES sets the count (default, as in CI:
/// 100,000, about 15 s unoptimised).
#[test]
fn soak_load_call_unload() {
    let cycles: usize = std::env::var("LLEXT_SOAK_CYCLES").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let _guard = llext_testkit::native::lock();
    let flavor = llext_testkit::Flavor::new(llext_testkit::Codegen::X86_64Pic, llext_testkit::ElfKind::Object);
    let platform = ArenaPlatform::native(8 << 20).leak();
    let registry = registry_with(platform, llext_rs::arch::Arch::X86_64, &llext_testkit::native::base_symbols());
    // (extension, what it imports from another extension, if anything)
    let mix = [("hello_world", None), ("data", None), ("export_dependent", Some("export_dependency")), ("export_dependency", None)];
    let baseline = platform.used();
    let mut peak = 0;
    let start = std::time::Instant::now();
    for cycle in 0..cycles {
        let (name, provider) = mix[cycle % mix.len()];
        let load = |name: &str| {
            let fixture = fixtures::get(name, flavor);
            let mut src = SliceSource::new(fixture.bytes, Storage::Temporary);
            let ext_name = name.replace("export_", "x_");
            registry.load(&mut src, ext_name.as_bytes(), &LoadParams::default(), &mut NoHooks, &mut |_| {}).map(|(ext, _)| ext).unwrap_or_else(|e| panic!("cycle {cycle}: load {name}: {e}"))
        };
        let dependency = provider.map(load);
        let ext = load(name);
        peak = peak.max(platform.used() - baseline);
        let image = exports_of(&registry, ext);
        expect::run(&mut llext_testkit::native::Native, &image, &expect::steps(name, llext_testkit::Arch::X86_64)).unwrap_or_else(|e| panic!("cycle {cycle}: {name}: {e}"));
        assert_eq!(registry.unload(ext), Ok(0), "cycle {cycle}: unload {name}");
        if let Some(dependency) = dependency {
            assert_eq!(registry.unload(dependency), Ok(0), "cycle {cycle}: unload the dependency");
        }
        assert_eq!(platform.used(), baseline, "cycle {cycle} ({name}): heap drift");
    }
    let line = format!(
        "soak: {cycles} load/find/call/unload cycles (x86_64 native; hello_world, data, an exporting/importing pair) in {:.1} s; heap drift 0 bytes, peak {peak} bytes above baseline",
        start.elapsed().as_secs_f64()
    );
    report("soak.txt", &line);
}

/// Concurrency (issue #13): threads load, look up, iterate and unload the same name and
/// names of their own on one registry, under its lock. Every load of the shared name
/// sees a consistent use count, lookups find what is loaded, and at the end nothing is
/// loaded and the heap is at its baseline; the harness's timeout bounds the time.
#[test]
fn threads_share_one_registry() {
    const THREADS: u32 = 4;
    const ROUNDS: usize = 2_000;
    let flavor = llext_testkit::Flavor::new(llext_testkit::Codegen::Arm, llext_testkit::ElfKind::Object);
    let fixture = fixtures::get("hello_world", flavor);
    let emu = Emu::with_layout(fixture.flavor.arch(), Layout::NEAR).expect("emulator");
    let platform = ArenaPlatform::cross(8 << 20, Layout::NEAR.ram).leak();
    let registry = registry_with(platform, arch_of(fixture), &emu.base_symbols());
    let baseline = platform.used();
    let start = std::time::Instant::now();
    let load = |name: &[u8]| {
        let mut src = SliceSource::new(fixture.bytes, Storage::Temporary);
        registry.load(&mut src, name, &LoadParams::default(), &mut NoHooks, &mut |_| {}).expect("load")
    };
    let operations: usize = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..THREADS)
            .map(|t| {
                let (registry, load) = (&registry, &load);
                scope.spawn(move || {
                    let own = format!("own_{t}").into_bytes();
                    let mut done = 0;
                    for _ in 0..ROUNDS {
                        // The shared name: loaded once, then its use count grows.
                        let (shared, previous) = load(b"shared");
                        assert!(previous < THREADS, "use count {previous} with {THREADS} threads");
                        let (mine, previous) = load(&own);
                        assert_eq!(previous, 0, "thread {t}: its own extension was already loaded");
                        assert_eq!(registry.by_name(&own), mine);
                        assert_eq!(registry.by_name(b"shared"), shared);
                        let mut seen = 0;
                        registry.iterate(|e| {
                            seen += usize::from(e == shared || e == mine);
                            0
                        });
                        assert_eq!(seen, 2, "thread {t}: iteration misses a loaded extension");
                        assert_eq!(registry.unload(mine), Ok(0));
                        assert!(registry.unload(shared).is_ok_and(|left| left < THREADS));
                        done += 7;
                    }
                    done
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().expect("worker")).sum()
    });
    assert!(registry.is_empty(), "extensions left loaded");
    assert_eq!(platform.used(), baseline, "heap not back at its baseline");
    let line = format!(
        "concurrency: {THREADS} threads x {ROUNDS} rounds, {operations} registry operations (load shared and own names, look up, iterate, unload) in {:.2} s; use counts consistent, nothing left loaded, heap at baseline",
        start.elapsed().as_secs_f64()
    );
    report("concurrency.txt", &line);
}
