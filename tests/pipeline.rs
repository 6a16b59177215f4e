//! Every fixture × architecture through the whole loader: load, link, run the code
//! (Cortex-M3, i386 and x86_64 in Unicorn; x86_64 natively), and compare the relocated
//! bytes with what GNU ld produces for the same object at the same addresses.

mod common;

use std::collections::HashMap;

use common::{arch_of, base_table};
use llext_rs::layout::mem;
use llext_rs::load::{LoadParams, NoHooks};
use llext_rs::platform::host::ArenaPlatform;
use llext_rs::registry::Registry;
use llext_rs::source::{SliceSource, Storage};
use llext_rs::symbols::{c_str, LinkBy};
use llext_testkit::emu::{Emu, Layout};
use llext_testkit::expect::{self, Image};
use llext_testkit::oracle::{self, Placement, SectionPlacement};
use llext_testkit::{Arch as FxArch, ElfKind, Fixture, FIXTURES};

/// What a test needs to see of a loaded extension.
#[derive(Default, Debug)]
struct View {
    /// (run address, bytes) of every region with memory, GOT and veneers included.
    memory: Vec<(u64, Vec<u8>)>,
    /// Loaded sections: index -> (run address, relocated bytes).
    sections: HashMap<usize, (u64, Vec<u8>)>,
    image: Image,
    got_base: u64,
}

/// Reads what the loader produced for extension `ext`.
fn view(registry: &Registry, ext: *const llext_rs::ffi::types::llext) -> View {
    registry
        .inspect(ext, |b| {
            let l = &b.loaded;
            let bytes = |ptr: *const u8, len: usize| unsafe { std::slice::from_raw_parts(ptr, len) }.to_vec();
            let mut v = View::default();
            if let Some(image) = l.image.block.as_ref() {
                v.memory.push((l.image.run_base, image.bytes().to_vec()));
            }
            for i in 0..mem::COUNT {
                let Some((write, run, size)) = b.region(i) else { continue };
                if l.image.block.is_some() && i < mem::SYMTAB {
                    continue;
                }
                let extra = if i == mem::TEXT { l.text_aux } else { 0 };
                v.memory.push((run, bytes(write, size + extra)));
            }
            v.got_base = l.got_base;
            let sections = l.sections();
            for (index, p) in l.places.as_ref().map(|p| p.as_slice()).unwrap_or(&[]).iter().enumerate() {
                let region = usize::from(p.region);
                if !p.is_loaded() || p.detached || (mem::SYMTAB..=mem::SHSTRTAB).contains(&region) {
                    continue;
                }
                let s = sections.get(index).unwrap();
                let (write, run, _) = b.region(region).unwrap();
                let data = if s.sh_type == 8 { vec![0; s.size as usize] } else { bytes(write.wrapping_add(p.offset), s.size as usize) };
                v.sections.insert(index, (run + p.offset as u64, data));
            }
            v.image.exports = l.exports().iter().map(|s| (String::from_utf8_lossy(unsafe { c_str(s.name) }).into_owned(), s.addr as u64)).collect();
            let ptr = l.header.class.pointer_size();
            let words = |r: usize| -> Vec<u64> {
                b.region_content(r)
                    .map(|(w, _, len)| bytes(w, len).chunks(ptr).map(|c| c.iter().rev().fold(0u64, |a, &b| a << 8 | b as u64)).collect())
                    .unwrap_or_default()
            };
            v.image.preinit_array = words(mem::PREINIT);
            v.image.init_array = words(mem::INIT);
            v.image.fini_array = words(mem::FINI);
            v
        })
        .expect("extension is loaded")
}

/// Extension name for a fixture (LLEXT_MAX_NAME_LEN is 15).
fn ext_name(name: &str) -> Vec<u8> {
    name.replace("export_", "x_").into_bytes()
}

/// Loads `fixture` (and what it depends on) into a fresh registry whose base image is
/// `base`; returns the registry, its platform and the loaded extension.
/// `buffer` receives the copy of the file the loader reads; with `buffer_run`, extension
/// code sees that buffer at that address (in-place storage).
fn load(fixture: &Fixture, platform: &'static ArenaPlatform, base: &[(String, u64)], storage: Storage, buffer: &mut Vec<u8>, buffer_run: Option<u64>) -> Result<(Registry, *mut llext_rs::ffi::types::llext), String> {
    let registry = Registry::new(platform, arch_of(fixture));
    let base: Vec<(&str, u64)> = base.iter().map(|(n, a)| (n.as_str(), *a)).collect();
    unsafe { registry.set_base(base_table(&base), LinkBy::Name) };
    let params = LoadParams { keep_section_info: true, ..LoadParams::default() };
    for (user, _, provider) in expect::DEPENDENCIES {
        if *user == fixture.name {
            let dep = llext_testkit::fixtures::get(provider, fixture.flavor);
            let mut src = SliceSource::new(dep.bytes, Storage::Temporary);
            registry.load(&mut src, &ext_name(provider), &params, &mut NoHooks, &mut |_| {}).map_err(|e| format!("dependency {provider}: {e}"))?;
        }
    }
    *buffer = fixture.bytes.to_vec();
    if let Some(run) = buffer_run {
        platform.map_buffer(buffer, run);
    }
    let mut src = match storage {
        Storage::Writable => SliceSource::writable(buffer),
        s => SliceSource::new(buffer, s),
    };
    let (ext, _) = registry.load(&mut src, &ext_name(fixture.name), &params, &mut NoHooks, &mut |_| {}).map_err(|e| format!("load: {e}"))?;
    Ok((registry, ext))
}

/// Runs `fixture` in Unicorn with the given layout and storage; an error describes the
/// first failed step.
fn run_in_unicorn(fixture: &Fixture, layout: Layout, storage: Storage) -> Result<(), String> {
    common::init_log();
    let arch = match fixture.flavor.arch() {
        FxArch::Arm => llext_testkit::Arch::Arm,
        a => a,
    };
    let mut emu = Emu::with_layout(arch, layout).map_err(|e| e.to_string())?;
    // Extension memory at the emulator's RAM; in-place buffers 4 MiB above it.
    let platform = ArenaPlatform::cross(4 << 20, layout.ram).leak();
    let buffer_run = layout.ram + (4 << 20);
    let mut buffer = Vec::new();
    let (registry, ext) = load(fixture, platform, &emu.base_symbols(), storage, &mut buffer, Some(buffer_run))?;
    // Everything the registry holds goes into the emulator: dependencies too.
    let mut all = Vec::new();
    registry.iterate(|e| {
        all.push(e);
        0
    });
    for e in all {
        for (run, bytes) in view(&registry, e).memory {
            emu.load(run, &bytes).map_err(|e| format!("copy to emulator: {e}"))?;
        }
    }
    if storage != Storage::Temporary {
        // The buffer sits inside the emulator's RAM window (ram + 4 MiB, 8 MiB mapped).
        emu.load(buffer_run, &buffer).map_err(|e| e.to_string())?;
    }
    let v = view(&registry, ext);
    expect::run(&mut emu, &v.image, &expect::steps(fixture.name, fixture.flavor.arch()))
}

/// `len` bytes (little-endian) of the extension's memory at run address `addr`.
fn read_memory(v: &View, addr: u64, len: usize) -> Option<u64> {
    v.memory.iter().find_map(|(run, bytes)| {
        let off = addr.checked_sub(*run)? as usize;
        let b = bytes.get(off..off + len)?;
        Some(b.iter().rev().fold(0u64, |a, &x| a << 8 | x as u64))
    })
}

fn failures_report(kind: &str, ran: usize, failures: &[String]) {
    eprintln!("{kind}: {ran} runs, {} failures", failures.len());
    assert!(failures.is_empty(), "{kind}: {} of {ran} failed:\n{}", failures.len(), failures.join("\n"));
    assert!(ran > 0, "{kind}: nothing ran");
}

#[test]
fn every_fixture_runs_in_unicorn() {
    let mut failures = Vec::new();
    let mut ran = 0;
    for f in FIXTURES {
        ran += 1;
        if let Err(e) = run_in_unicorn(f, Layout::NEAR, Storage::Temporary) {
            failures.push(format!("{f}: {e}"));
        }
    }
    failures_report("unicorn, near layout", ran, &failures);
}


/// Base image in Cortex-M flash (0x0800_0000), extension in SRAM (0x2000_0000): calls
/// from code built without -mlong-calls are out of Thumb BL range and go through
/// veneers (Zephyr 4.3 fails these with -ENOEXEC).
#[test]
fn arm_far_calls_use_veneers() {
    let mut failures = Vec::new();
    let mut ran = 0;
    for f in FIXTURES.iter().filter(|f| f.flavor.arch() == FxArch::Arm) {
        ran += 1;
        if let Err(e) = run_in_unicorn(f, Layout::FAR, Storage::Temporary) {
            failures.push(format!("{f}: {e}"));
        }
    }
    failures_report("unicorn, ARM far layout", ran, &failures);
}

#[test]
fn storage_types_in_place() {
    let mut failures = Vec::new();
    let mut ran = 0;
    for f in FIXTURES.iter().filter(|f| f.flavor.kind != ElfKind::Shared) {
        for storage in [Storage::Persistent, Storage::Writable] {
            ran += 1;
            if let Err(e) = run_in_unicorn(f, Layout::NEAR, storage) {
                failures.push(format!("{f} {storage:?}: {e}"));
            }
        }
    }
    failures_report("unicorn, persistent and writable storage", ran, &failures);
}

/// x86_64 fixtures run natively in this process from the host arena.
#[cfg(target_arch = "x86_64")]
#[test]
fn x86_64_fixtures_run_natively() {
    common::init_log();
    let _guard = llext_testkit::native::lock();
    let mut failures = Vec::new();
    let mut ran = 0;
    // One arena near this program's code: small-model code reaches base_counter.
    let platform = ArenaPlatform::native(8 << 20).leak();
    for f in FIXTURES.iter().filter(|f| f.flavor.arch() == FxArch::X86_64 && f.name != "relocs_abs32") {
        ran += 1;
        let before = platform.used();
        let mut buffer = Vec::new();
        let result = load(f, platform, &llext_testkit::native::base_symbols(), Storage::Temporary, &mut buffer, None).and_then(|(registry, ext)| {
            let v = view(&registry, ext);
            let r = expect::run(&mut llext_testkit::native::Native, &v.image, &expect::steps(f.name, f.flavor.arch()));
            let mut all = Vec::new();
            registry.iterate(|e| {
                all.push(e);
                0
            });
            for e in all.into_iter().rev() {
                while registry.unload(e).is_ok_and(|n| n > 0) {}
            }
            r
        });
        if let Err(e) = result {
            failures.push(format!("{f}: {e}"));
        } else if platform.used() != before {
            failures.push(format!("{f}: heap not back at its baseline"));
        }
    }
    failures_report("native x86_64", ran, &failures);
}

/// The relocated bytes of every loaded section equal GNU ld's output for the same object
/// linked at the same addresses against the same base symbols.
#[test]
fn relocated_bytes_match_gnu_ld() {
    let mut failures = Vec::new();
    let mut ran = 0;
    let mut compared = 0usize;
    let mut got_refs = 0usize;
    for f in FIXTURES.iter().filter(|f| f.flavor.kind != ElfKind::Shared) {
        ran += 1;
        let layout = Layout::NEAR;
        let platform = ArenaPlatform::cross(4 << 20, layout.ram).leak();
        let emu = Emu::with_layout(f.flavor.arch(), layout).unwrap();
        let mut symbols = emu.base_symbols();
        let mut buffer = Vec::new();
        let (registry, ext) = match load(f, platform, &symbols, Storage::Temporary, &mut buffer, None) {
            Ok(r) => r,
            Err(e) => {
                failures.push(format!("{f}: {e}"));
                continue;
            }
        };
        // Imports from another extension resolve to its exports.
        registry.iterate(|e| {
            if e != ext {
                let exports = view(&registry, e).image.exports;
                for (user, symbol, _) in expect::DEPENDENCIES {
                    if *user == f.name {
                        symbols.extend(exports.iter().filter(|(n, _)| n == symbol).cloned());
                    }
                }
            }
            0
        });
        let v = view(&registry, ext);
        let placement = Placement {
            sections: v.sections.iter().map(|(&index, &(addr, _))| SectionPlacement { index, addr }).collect(),
            symbols,
            got: None,
            got_plt: Some(v.got_base),
            scratch: Some(layout.ram + (3 << 20)),
            relax: true,
        };
        let linked = match oracle::link(f.bytes, &placement) {
            Ok(l) => l,
            Err(e) => {
                failures.push(format!("{f}: oracle: {e}"));
                continue;
            }
        };
        for (index, (addr, ours)) in &v.sections {
            let Some(theirs) = linked.section(*index) else {
                failures.push(format!("{f}: section {index} missing from ld output"));
                continue;
            };
            compared += 1;
            let (mut ours, mut theirs_bytes) = (ours.clone(), theirs.bytes.clone());
            // References through a GOT entry that was not relaxed away: ld lays out its
            // GOT its own way, so compare what the entries hold, then mask the field.
            for r in linked.got.refs.iter().filter(|r| r.section == *index && !r.relaxed) {
                let Some(slot) = r.slot else { continue };
                let off = r.offset as usize;
                let field = i32::from_le_bytes(ours[off..off + 4].try_into().unwrap()) as i64;
                let place = addr + r.offset;
                let entry = match r.r_type {
                    // i386 GOT32/GOT32X, ARM GOT_BREL: offset from the GOT base; a
                    // baseless i386 operand holds the entry's absolute address.
                    3 | 43 | 26 => {
                        let rel = (v.got_base as u32).wrapping_add(field as u32) as u64;
                        if read_memory(&v, rel, 4).is_some() { rel } else { field as u32 as u64 }
                    }
                    // x86_64 GOTPCREL*: PC-relative to the end of the field; ARM GOT_PREL.
                    9 | 41 | 42 => place.wrapping_add(4).wrapping_add(field as u64),
                    _ => place.wrapping_add(field as u64),
                };
                let ptr = if f.flavor.arch() == FxArch::X86_64 { 8 } else { 4 };
                let ours_value = read_memory(&v, entry, ptr);
                let ld_value = linked.got.slots.iter().find(|s| s.addr == slot).map(|s| s.value);
                if ours_value != ld_value {
                    failures.push(format!("{f}: GOT reference to {} at {place:#x}: our entry {entry:#x} holds {ours_value:x?}, ld's {ld_value:x?}", r.symbol));
                }
                got_refs += 1;
                ours[off..off + 4].fill(0);
                theirs_bytes[off..off + 4].fill(0);
            }
            if theirs.addr != *addr || theirs_bytes != ours {
                let at = ours.iter().zip(&theirs_bytes).position(|(a, b)| a != b).unwrap_or(0);
                failures.push(format!(
                    "{f}: section {index} ({}) at {addr:#x} differs from ld at offset {at:#x}: ours {:02x?} ld {:02x?}",
                    theirs.name,
                    &ours[at..(at + 8).min(ours.len())],
                    &theirs_bytes[at..(at + 8).min(theirs_bytes.len())]
                ));
            }
        }
    }
    eprintln!("{compared} sections compared, {got_refs} GOT references compared through their entries");
    failures_report("GNU ld differential oracle", ran, &failures);
}
