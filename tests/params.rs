//! Load parameters and link modes on real fixtures: section_detached, pre_located,
//! relocate_local = false, keep_section_info, SLID linking, use counts and
//! dependency limits.

mod common;

use common::{arch_of, base_table, ElfEdit};
use llext_rs::ffi::types::{llext_const_symbol, LLEXT_MAX_DEPENDENCIES};
use llext_rs::layout::mem;
use llext_rs::load::{EarlyView, LoadHooks, LoadParams, NoHooks};
use llext_rs::platform::host::ArenaPlatform;
use llext_rs::registry::Registry;
use llext_rs::source::{SliceSource, Storage};
use llext_rs::symbols::{c_str, find_export, LinkBy};
use llext_testkit::emu::{Emu, Layout};
use llext_testkit::expect::{self, Image};
use llext_testkit::{fixtures, Codegen, ElfKind, Fixture, Flavor};
use sha2::{Digest, Sha256};

const ARM_O: Flavor = Flavor::new(Codegen::Arm, ElfKind::Object);
const I686_PIC_O: Flavor = Flavor::new(Codegen::I686Pic, ElfKind::Object);

fn registry(f: &Fixture, platform: &'static ArenaPlatform, base: &[(String, u64)]) -> Registry {
    let r = Registry::new(platform, arch_of(f));
    let b: Vec<(&str, u64)> = base.iter().map(|(n, a)| (n.as_str(), *a)).collect();
    unsafe { r.set_base(base_table(&b), LinkBy::Name) };
    r
}

/// Copies every region (and an in-place buffer) into the emulator and runs the
/// fixture's expected steps.
fn run(emu: &mut Emu, reg: &Registry, ext: *mut llext_rs::ffi::types::llext, f: &Fixture) -> Result<(), String> {
    let image = reg
        .inspect(ext, |b| {
            let l = &b.loaded;
            for i in 0..mem::COUNT {
                if let Some((write, run, size)) = b.region(i) {
                    let extra = if i == mem::TEXT { l.text_aux } else { 0 };
                    let bytes = unsafe { std::slice::from_raw_parts(write, size + extra) };
                    emu.load(run, bytes).unwrap();
                }
            }
            Image {
                exports: l.exports().iter().map(|s| (String::from_utf8_lossy(unsafe { c_str(s.name) }).into_owned(), s.addr as u64)).collect(),
                ..Image::default()
            }
        })
        .unwrap();
    expect::run(emu, &image, &expect::steps(f.name, f.flavor.arch()))
}

/// `section_detached`: the `.detach` section stays in the (writable) loader buffer,
/// outside the text region, and still runs.
#[test]
fn section_detached() {
    struct Detach {
        names: Option<(*const u8, usize)>,
        asked: usize,
    }
    impl LoadHooks for Detach {
        fn sections_ready(&mut self, view: &EarlyView) {
            self.names = Some((view.shstrtab.wrapping_add(view.shstrtab_desc.info as usize), view.shstrtab_size));
        }
        fn detaches(&self) -> bool {
            true
        }
        fn is_detached(&mut self, _index: usize, header: &[u8]) -> bool {
            self.asked += 1;
            let (names, len) = self.names.expect("names are published before the first question");
            let name = u32::from_le_bytes(header[..4].try_into().unwrap()) as usize;
            let names = unsafe { std::slice::from_raw_parts(names, len) };
            names[name..].starts_with(b".detach\0")
        }
    }
    for flavor in [ARM_O, I686_PIC_O] {
        let f = fixtures::get("detached", flavor);
        let mut emu = Emu::with_layout(f.flavor.arch(), Layout::NEAR).unwrap();
        let platform = ArenaPlatform::cross(4 << 20, Layout::NEAR.ram).leak();
        let reg = registry(f, platform, &emu.base_symbols());
        let mut buffer = f.bytes.to_vec();
        let buffer_run = Layout::NEAR.ram + (4 << 20);
        platform.map_buffer(&buffer, buffer_run);
        let mut hooks = Detach { names: None, asked: 0 };
        let mut src = SliceSource::writable(&mut buffer);
        let params = LoadParams { keep_section_info: true, ..LoadParams::default() };
        let (ext, _) = reg.load(&mut src, b"detached", &params, &mut hooks, &mut |_| {}).unwrap();
        assert!(hooks.asked > 0);
        // detached_entry runs from the buffer, not from the text region.
        let (entry, text) = reg
            .inspect(ext, |b| (find_export(b.loaded.exports(), b"detached_entry").unwrap() as u64, b.region(mem::TEXT).map(|(_, run, size)| (run, size as u64)).unwrap()))
            .unwrap();
        assert!(entry >= buffer_run && entry < buffer_run + buffer.len() as u64, "{flavor}: detached_entry at {entry:#x}");
        assert!(!(text.0..text.0 + text.1).contains(&entry));
        emu.load(buffer_run, &buffer).unwrap();
        run(&mut emu, &reg, ext, f).unwrap_or_else(|e| panic!("{flavor}: {e}"));
        assert_eq!(reg.unload(ext), Ok(0));
    }
}

/// `pre_located`: the application placed the file at its link-time addresses (here
/// `ld -r -Ttext=...`); exports are reported at those addresses.
#[test]
fn pre_located() {
    let f = fixtures::get("hello_world", Flavor::new(Codegen::ArmLongCalls, ElfKind::Object));
    let dir = std::env::temp_dir().join(format!("llext-prelocated-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("pre.o");
    let status = std::process::Command::new("arm-none-eabi-ld").args(["-r", "-Ttext=0x0badd000", f.path, "-o"]).arg(&out).status().unwrap();
    assert!(status.success());
    let mut buffer = std::fs::read(&out).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let e = ElfEdit::new(&buffer);
    let text = e.section(".text");
    assert_eq!(e.get_sh(text, "sh_addr"), 0x0badd000);
    let k = e.symbol("test_entry");
    let value = e.read(e.sym(k).0 + 4, 4);

    let platform = ArenaPlatform::cross(1 << 20, 0x2000_0000).leak();
    let base: Vec<(String, u64)> = vec![("printk".into(), 0x1001), ("base_add".into(), 0x1101)];
    let reg = registry(f, platform, &base);
    let before = platform.used();
    let mut src = SliceSource::writable(&mut buffer);
    let params = LoadParams { pre_located: true, ..LoadParams::default() };
    let (ext, _) = reg.load(&mut src, b"pre", &params, &mut NoHooks, &mut |_| {}).unwrap();
    let entry = reg.inspect(ext, |b| find_export(b.loaded.exports(), b"test_entry").unwrap() as u64).unwrap();
    assert_eq!(entry, 0x0badd000 + value, "test_entry at its link-time address (Thumb bit kept)");
    assert_eq!(reg.unload(ext), Ok(0));
    assert_eq!(platform.used(), before);

    // Temporary storage cannot be pre-located: nothing stays in place.
    let mut src = SliceSource::new(f.bytes, Storage::Temporary);
    assert_eq!(reg.load(&mut src, b"pre", &params, &mut NoHooks, &mut |_| {}).err().map(|e| e.to_errno()), Some(-libc::EFAULT));
}

/// `relocate_local = false`: nothing is patched and no export table is made.
#[test]
fn no_relocation() {
    let f = fixtures::get("hello_world", ARM_O);
    let platform = ArenaPlatform::cross(1 << 20, 0x2000_0000).leak();
    let reg = registry(f, platform, &[]);
    let mut src = SliceSource::new(f.bytes, Storage::Temporary);
    let params = LoadParams { relocate_local: false, ..LoadParams::default() };
    // No base symbols at all: without linking, imports are never looked up.
    let (ext, _) = reg.load(&mut src, b"raw", &params, &mut NoHooks, &mut |_| {}).unwrap();
    let e = ElfEdit::new(f.bytes);
    let t = e.section(".text");
    let (off, size) = (e.get_sh(t, "sh_offset") as usize, e.get_sh(t, "sh_size") as usize);
    reg.inspect(ext, |b| {
        let (w, _, len) = b.region_content(mem::TEXT).unwrap();
        assert_eq!(len, size);
        assert_eq!(unsafe { std::slice::from_raw_parts(w, len) }, &f.bytes[off..off + size]);
        assert!(b.loaded.exports().is_empty());
    })
    .unwrap();
    assert_eq!(reg.unload(ext), Ok(0));
}

/// SLID linking: imports carry SHA-256 hashes of their names in `st_value` (as
/// Zephyr's llext_inject_slids.py writes them) and the base table is keyed by SLID.
#[test]
fn slid_linking() {
    fn slid(name: &str, bytes: usize) -> u64 {
        let h = Sha256::digest(name.as_bytes());
        h[..bytes].iter().fold(0, |a, &b| a << 8 | b as u64)
    }
    // Zephyr's test suite pins these values.
    assert_eq!(slid("printk", 4), 0x87B3_1052);
    assert_eq!(slid("printk", 8), 0x87B3_1052_6882_7052);
    for flavor in [ARM_O, I686_PIC_O, Flavor::new(Codegen::X86_64Pic, ElfKind::Object)] {
        let f = fixtures::get("hello_world", flavor);
        let mut emu = Emu::with_layout(f.flavor.arch(), Layout::NEAR).unwrap();
        let width = if f.flavor.arch() == llext_testkit::Arch::X86_64 { 8 } else { 4 };
        // Inject SLIDs into the undefined globals.
        let mut e = ElfEdit::new(f.bytes);
        let n = e.get_sh(e.symtab(), "sh_size") as usize / if e.is64 { 24 } else { 16 };
        for k in 1..n {
            let (off, shndx) = e.sym(k);
            let info = e.bytes[if e.is64 { off + 4 } else { off + 12 }];
            if e.read(shndx, 2) == 0 && info >> 4 == 1 {
                let name = e.symbol_name(k);
                let value_off = if e.is64 { off + 8 } else { off + 4 };
                e.write(value_off, width, slid(&name, width));
            }
        }
        // The base table by SLID, sorted as llext_prepare_exptab.py sorts it; names
        // are not in the image.
        let mut table: Vec<llext_const_symbol> = emu
            .base_symbols()
            .iter()
            .map(|(n, a)| llext_const_symbol { name_or_slid: slid(n, width.min(std::mem::size_of::<usize>())) as usize, addr: *a as usize as *const _ })
            .collect();
        table.sort_by_key(|s| s.name_or_slid);
        let platform = ArenaPlatform::cross(4 << 20, Layout::NEAR.ram).leak();
        let reg = Registry::new(platform, arch_of(f));
        unsafe { reg.set_base(Box::leak(table.into_boxed_slice()), LinkBy::Slid) };
        let mut src = SliceSource::new(&e.bytes, Storage::Temporary);
        let (ext, _) = reg.load(&mut src, b"slid", &LoadParams::default(), &mut NoHooks, &mut |_| {}).unwrap();
        run(&mut emu, &reg, ext, f).unwrap_or_else(|err| panic!("{flavor}: {err}"));
        assert_eq!(reg.unload(ext), Ok(0));
        // The same file without SLIDs does not link in SLID mode.
        let mut src = SliceSource::new(f.bytes, Storage::Temporary);
        assert_eq!(reg.load(&mut src, b"plain", &LoadParams::default(), &mut NoHooks, &mut |_| {}).err().map(|e| e.to_errno()), Some(-libc::ENODATA));
    }
}

/// Loading a loaded name bumps its use count; unloading counts down; a provider lives
/// as long as a dependent; more than LLEXT_MAX_DEPENDENCIES providers is refused.
#[test]
fn use_counts_and_dependencies() {
    let dep = fixtures::get("export_dependency", ARM_O);
    let user = fixtures::get("export_dependent", ARM_O);
    let emu = Emu::with_layout(dep.flavor.arch(), Layout::NEAR).unwrap();
    let platform = ArenaPlatform::cross(4 << 20, Layout::NEAR.ram).leak();
    let reg = registry(dep, platform, &emu.base_symbols());
    let before = platform.used();
    let load = |f: &Fixture, name: &[u8]| {
        let mut src = SliceSource::new(f.bytes, Storage::Temporary);
        reg.load(&mut src, name, &LoadParams::default(), &mut NoHooks, &mut |_| {})
    };
    let (p, prev) = load(dep, b"provider").unwrap();
    assert_eq!(prev, 0);
    assert_eq!(load(dep, b"provider").unwrap(), (p, 1));
    assert_eq!(reg.unload(p), Ok(1));
    let (u, _) = load(user, b"user").unwrap();
    let deps = reg.inspect(u, |b| b.public.dependency).unwrap();
    assert_eq!(deps[0], p);
    assert!(deps[1..].iter().all(|d| d.is_null()));
    assert_eq!(reg.inspect(p, |b| b.public.use_count), Some(2));
    // The application lets go of the provider first: the dependent keeps it.
    assert_eq!(reg.unload(p), Ok(1));
    assert!(!reg.by_name(b"provider").is_null());
    assert_eq!(reg.unload(u), Ok(0));
    assert!(reg.by_name(b"provider").is_null(), "provider freed with its last user");
    assert_eq!(platform.used(), before);
    assert_eq!(LLEXT_MAX_DEPENDENCIES, 8);
}

/// The extension's name in messages is its kept, NUL-terminated copy (`struct llext`'s
/// `name`), never the caller's slice, which need not be terminated: the loader's log
/// once read a Rust caller's name past its end (found while building the differential
/// fuzz target; under valgrind in CI that would be an invalid read). A name longer than
/// LLEXT_MAX_NAME_LEN shows whether the message uses the slice or the copy.
#[test]
fn messages_name_the_kept_copy() {
    use std::sync::Mutex;
    static SEEN: Mutex<Vec<String>> = Mutex::new(Vec::new());
    struct Capture;
    impl log::Log for Capture {
        fn enabled(&self, _: &log::Metadata) -> bool {
            true
        }
        fn log(&self, r: &log::Record) {
            SEEN.lock().unwrap().push(r.args().to_string());
        }
        fn flush(&self) {}
    }
    static CAPTURE: Capture = Capture;
    if log::set_logger(&CAPTURE).is_err() {
        return; // LLEXT_LOG's logger runs this binary: nothing to capture
    }
    log::set_max_level(log::LevelFilter::Info);
    let f = fixtures::get("hello_world", ARM_O);
    let platform = ArenaPlatform::cross(1 << 20, 0x2000_0000).leak();
    let reg = registry(f, platform, &[]);
    // On the heap, exactly as long as the name: no NUL after it.
    let name = b"kept_name_is_cut_here".to_vec().into_boxed_slice();
    let mut src = SliceSource::new(f.bytes, Storage::Temporary);
    // Not linked: no base image needed.
    let params = LoadParams { relocate_local: false, ..LoadParams::default() };
    let (ext, _) = reg.load(&mut src, &name, &params, &mut NoHooks, &mut |_| {}).unwrap();
    assert_eq!(reg.unload(ext), Ok(0));
    let seen = SEEN.lock().unwrap();
    let loaded: Vec<&String> = seen.iter().filter(|m| m.contains("loaded extension")).collect();
    assert!(loaded.iter().any(|m| m.ends_with("loaded extension kept_name_is_cu")), "{loaded:?}");
    assert!(!loaded.iter().any(|m| m.contains("kept_name_is_cut")), "{loaded:?}");
}
