//! The safe Rust API (`llext_rs::{Extension, Loader, Symbol}`): every fixture × arch
//! loaded through it and run in Unicorn (Cortex-M3, i386, x86_64), x86_64 fixtures run
//! natively through the global registry (the C API's), shared use counts between C and
//! Rust, and bad input answered with errors.

mod common;

use std::ffi::{c_char, c_int, c_void};
use std::ops::ControlFlow;
use std::sync::Mutex;

use common::{arch_of, cross_registry};
use llext_rs::platform::host::PLATFORM;
use llext_rs::{Extension, LlextError, LoadParams, Loader, RegionKind, Source, Storage};
use llext_testkit::emu::{Emu, Layout};
use llext_testkit::expect::{self, Image};
use llext_testkit::{fixtures, Codegen, ElfKind, Flavor, FIXTURES};

// The base image of this test program, exported from Rust as an application would.
extern "C" {
    fn llext_testkit_printk(fmt: *const c_char, ...) -> c_int;
    fn llext_testkit_base_add(a: c_int, b: c_int) -> c_int;
    static mut llext_testkit_base_counter: c_int;
}
llext_rs::export_symbol!(printk = llext_testkit_printk);
llext_rs::export_symbol!(base_add = llext_testkit_base_add);
llext_rs::export_symbol!(memcpy = libc::memcpy);
llext_rs::export_symbol!(memset = libc::memset);
llext_rs::export_symbol!(static base_counter = llext_testkit_base_counter);

// The per-symbol form of the entry that Zephyr and bare-metal builds of
// `export_symbol!` use (compiled here; the host build uses the one-section form).
static PER_SYMBOL_PROBE: c_int = 7;
llext_rs::__extension::export_in!(per_symbol "._llext_rs_test_probe."; static per_symbol_probe = PER_SYMBOL_PROBE);

/// The global registry is one per process: tests using it take turns.
static GLOBAL: Mutex<()> = Mutex::new(());

fn global() -> std::sync::MutexGuard<'static, ()> {
    GLOBAL.lock().unwrap_or_else(|e| e.into_inner())
}

fn native(name: &str) -> &'static [u8] {
    fixtures::get(name, Flavor::new(Codegen::X86_64Pic, ElfKind::Object)).bytes
}

/// Calls exported `int name(void)` of a native extension.
fn call0(ext: &Extension, name: &str) -> i32 {
    let sym = ext.find(name).unwrap_or_else(|| panic!("{name} is not exported"));
    // SAFETY: the fixtures define these functions as `int f(void)`.
    let f = unsafe { sym.to_fn::<extern "C" fn() -> c_int>() };
    f()
}

#[test]
fn export_symbol_fills_the_base_table() {
    let loader = Loader::global();
    assert_eq!(loader.base_symbol("base_add"), Some(llext_testkit_base_add as *const c_void));
    assert_eq!(loader.base_symbol("base_counter"), Some(std::ptr::addr_of!(llext_testkit_base_counter).cast::<c_void>()));
    assert_eq!(loader.base_symbol("no_such_symbol"), None);
}

#[test]
fn load_find_call_unload_natively() {
    let _g = global();
    let baseline = PLATFORM.used();
    let before = Loader::global().heap_usage().expect("the host heap keeps counts");
    assert_eq!(before.used, baseline);
    let ext = Extension::load("hello", native("hello_world"), &LoadParams::default()).expect("load");
    // The heap counts, from Rust and from C, see the extension.
    let loaded = Loader::global().heap_usage().unwrap();
    assert!(loaded.used > before.used && loaded.max_used >= loaded.used && loaded.size == llext_rs::platform::host::HOST_HEAP_SIZE);
    let mut c = llext_rs::ffi::types::llext_rs_heap_usage::default();
    assert_eq!(unsafe { llext_rs::ffi::api::llext_rs_heap_usage(&mut c) }, 0);
    assert_eq!((c.used, c.max_used, c.size), (loaded.used, loaded.max_used, loaded.size));
    assert_eq!(unsafe { llext_rs::ffi::api::llext_rs_heap_usage(std::ptr::null_mut()) }, -libc::EINVAL);
    assert_eq!(ext.name().to_str(), Ok("hello"));
    assert_eq!(ext.use_count(), 1);
    llext_testkit::native::take_output();
    assert_eq!(call0(&ext, "test_entry"), 42);
    assert_eq!(llext_testkit::native::take_output(), "hello world\nA number is 42\n");
    assert!(ext.find("no_such_symbol").is_none());
    assert!(ext.exports().any(|(name, _)| name.to_bytes() == b"test_entry"));
    let text = ext.region(RegionKind::Text).expect("a text region");
    assert!(text.size > 0 && !text.ptr.is_null());
    drop(ext);
    assert_eq!(PLATFORM.used(), baseline, "heap back at its baseline after the drop");
    let after = Loader::global().heap_usage().unwrap();
    assert_eq!(after.used, baseline);
    assert!(after.max_used >= loaded.used, "the high-water mark stays");
}

#[test]
fn storage_types() {
    common::init_log();
    let _g = global();
    let baseline = PLATFORM.used();
    let elf = native("hello_world");
    let copied = Loader::global().load_copy("hello_tmp", &elf.to_vec(), &LoadParams::default()).expect("temporary");
    assert_eq!(call0(&copied, "test_entry"), 42);
    // In the program's own .bss: x86_64 code calls the base image with 32-bit
    // PC-relative offsets, so a buffer relocated in place must lie near it.
    #[repr(align(8))]
    struct Buffer([u8; 64 << 10]);
    static mut BUFFER: Buffer = Buffer([0; 64 << 10]);
    // SAFETY: this test is the buffer's only user (run once, under the global lock).
    let writable: &'static mut [u8] = unsafe { (&mut (*std::ptr::addr_of_mut!(BUFFER)).0)[..elf.len()].as_mut() };
    writable.copy_from_slice(elf);
    let in_place = Loader::global().load_writable("hello_rw", writable, &LoadParams::default()).expect("writable");
    assert_eq!(call0(&in_place, "test_entry"), 42);
    drop((copied, in_place));
    assert_eq!(PLATFORM.used(), baseline);
}

/// A source that only copies out of a vector; its `peek` lies (a dangling pointer and a
/// persistent storage claim), which the safe `load_from` never believes.
struct VecSource(Vec<u8>, usize);

impl Source for VecSource {
    fn read_at(&mut self, offset: u64, out: &mut [u8]) -> Result<(), llext_rs::error::Error> {
        self.1 += 1;
        let start = offset as usize;
        let bytes = self.0.get(start..start + out.len()).ok_or(llext_rs::error::Error::Inval)?;
        out.copy_from_slice(bytes);
        Ok(())
    }
    fn peek(&mut self, _offset: u64, _len: usize) -> Option<*mut u8> {
        Some(std::ptr::NonNull::dangling().as_ptr())
    }
    fn file_len(&self) -> Option<u64> {
        Some(self.0.len() as u64)
    }
    fn storage(&self) -> Storage {
        Storage::Writable
    }
}

#[test]
fn any_source_is_read_not_trusted() {
    let _g = global();
    let mut source = VecSource(native("data").to_vec(), 0);
    let ext = Loader::global().load_from("data_src", &mut source, &LoadParams::default()).expect("load from a custom source");
    assert!(source.1 > 0, "the source was read");
    drop(source); // the extension keeps nothing of it
    unsafe { llext_testkit_base_counter = 100 };
    let sym = ext.find("data_base").expect("data_base");
    // SAFETY: data.c: `int data_base(void)`.
    let data_base = unsafe { sym.to_fn::<extern "C" fn() -> c_int>() };
    assert_eq!(data_base(), 103);
}

#[test]
fn init_and_fini_tables() {
    let _g = global();
    let ext = Extension::load("init_fini", native("init_fini"), &LoadParams::default()).expect("load");
    let number = ext.find("number").expect("number is exported");
    // SAFETY: init_fini.c: `int number`, written only by the calls below, on this thread.
    let read = || unsafe { std::ptr::read_volatile(number.addr().cast::<c_int>()) };
    assert_eq!(read(), 0);
    ext.bringup().expect("bringup");
    assert_eq!(read(), 0x123);
    assert_eq!(call0(&ext, "test_entry"), 0x123);
    ext.teardown().expect("teardown");
    assert_eq!(read(), 0x1234);
    let r = ext.bootstrap(|| read()).expect("bootstrap");
    assert_eq!(r, 0x123);
}

#[test]
fn dependencies_and_shared_use_counts() {
    let _g = global();
    let baseline = PLATFORM.used();
    let provider = Extension::load("x_dependency", native("export_dependency"), &LoadParams::default()).expect("provider");
    let user = Extension::load("x_dependent", native("export_dependent"), &LoadParams::default()).expect("user");
    assert_eq!(provider.use_count(), 2, "the dependent holds a use of its provider");
    llext_testkit::native::take_output();
    assert_eq!(call0(&user, "test_entry"), 33);
    assert_eq!(llext_testkit::native::take_output(), "dependency says 30\n");

    // Same name again: the same extension, one more use; `get` and `clone` likewise.
    let again = Extension::load("x_dependency", native("hello_world"), &LoadParams::default()).expect("again");
    assert_eq!(again.as_raw(), provider.as_raw());
    let by_name = Loader::global().get("x_dependency").expect("get");
    let cloned = by_name.clone();
    assert_eq!(provider.use_count(), 5);
    drop((again, by_name, cloned));
    assert_eq!(provider.use_count(), 2);

    // Iteration sees both, in load order.
    let mut names = Vec::new();
    let flow = Loader::global().for_each(|e| {
        names.push(e.name().to_string_lossy().into_owned());
        ControlFlow::Continue(())
    });
    assert_eq!(flow, ControlFlow::Continue(()));
    assert_eq!(names, ["x_dependency", "x_dependent"]);
    // A use taken during iteration outlives it.
    let mut first = None;
    let stopped = Loader::global().for_each(|e| {
        first = e.to_extension();
        ControlFlow::Break(())
    });
    assert_eq!(stopped, ControlFlow::Break(()));
    let first = first.expect("a handle from the iteration");
    assert_eq!(first.as_raw(), provider.as_raw());
    drop(first);

    // The provider outlives its own handle through the user's use, as in C.
    drop(provider);
    assert_eq!(call0(&user, "test_entry"), 33);
    drop(user);
    assert!(Loader::global().get("x_dependency").is_none());
    assert_eq!(PLATFORM.used(), baseline);
}

#[test]
fn c_and_rust_share_one_extension() {
    use llext_rs::ffi::api::{llext_by_name, llext_unload};
    let _g = global();
    let ext = Extension::load("shared", native("hello_world"), &LoadParams::default()).expect("load");
    // C sees it by name and holds its own use.
    let c_ext = unsafe { llext_by_name(c"shared".as_ptr()) };
    assert_eq!(c_ext, ext.as_raw());
    let c_use = ext.clone().into_raw();
    assert_eq!(ext.use_count(), 2);
    drop(ext);
    // C's use keeps it loaded; C gives it back to Rust, whose drop unloads it.
    let mut p = c_use;
    let back = unsafe { Extension::from_raw(p) }.expect("C's use, handed to Rust");
    assert_eq!(call0(&back, "test_entry"), 42);
    drop(back);
    assert!(unsafe { llext_by_name(c"shared".as_ptr()) }.is_null());
    // Unloading what is gone is an error, not a crash.
    assert!(unsafe { llext_unload(&mut p) } < 0);
    assert!(unsafe { Extension::from_raw(c_ext) }.is_none());
}

#[test]
fn sections_with_keep_section_info() {
    let _g = global();
    let params = LoadParams { keep_section_info: true, ..LoadParams::default() };
    let ext = Extension::load("inspect", native("inspect"), &params).expect("load");
    let text = ext.section(".text").expect(".text is kept");
    assert_eq!(text.region, Some(RegionKind::Text));
    let region = ext.region(RegionKind::Text).expect("text region");
    assert!(text.placement.ptr >= region.ptr && text.placement.run + text.placement.size <= region.run + region.size);
    assert!(ext.section(".no_such_section").is_none());
    drop(ext);
    let ext = Extension::load("inspect2", native("inspect"), &LoadParams::default()).expect("load");
    assert!(ext.section(".text").is_none(), "no section map without keep_section_info");
}

#[test]
fn bad_input_is_an_error() {
    let _g = global();
    let baseline = PLATFORM.used();
    let elf = native("hello_world");
    let params = LoadParams::default();
    assert_eq!(Loader::global().load_copy("", elf, &params).unwrap_err(), LlextError::InvalidArgument);
    assert_eq!(Loader::global().load_copy("nul\0name", elf, &params).unwrap_err(), LlextError::InvalidArgument);
    let pre_located = LoadParams { pre_located: true, ..params };
    assert_eq!(Extension::load("pre", elf, &pre_located).unwrap_err(), LlextError::InvalidArgument);
    for cut in [0, 4, 16, 63, elf.len() / 2] {
        let e = Loader::global().load_copy("cut", &elf[..cut], &params).unwrap_err();
        assert_eq!(e, LlextError::NotExecutable, "file cut at {cut}");
        assert_eq!(e.errno(), -libc::ENOEXEC);
    }
    // An import nobody exports.
    let mut edit = common::ElfEdit::new(elf);
    let at = edit.bytes.windows(7).position(|w| w == b"printk\0").expect("printk in the string table");
    edit.bytes[at] = b'q';
    assert_eq!(Loader::global().load_copy("undef", &edit.bytes, &params).unwrap_err(), LlextError::UndefinedSymbol);
    assert_eq!(LlextError::from_errno(-libc::ENODATA), LlextError::UndefinedSymbol);
    assert_eq!(LlextError::from_errno(-1000), LlextError::Other(-1000));
    assert_eq!(PLATFORM.used(), baseline);
}

/// The image `expect::run` needs, from the safe API's view of the extension.
fn image_of(ext: &Extension, pointer: usize) -> Image {
    let words = |kind| -> Vec<u64> {
        ext.region(kind)
            .map(|p| unsafe { std::slice::from_raw_parts(p.ptr, p.size) }.chunks(pointer).map(|c| c.iter().rev().fold(0u64, |a, &b| a << 8 | b as u64)).collect())
            .unwrap_or_default()
    };
    Image {
        exports: ext.exports().map(|(n, s)| (n.to_string_lossy().into_owned(), s.addr() as u64)).collect(),
        preinit_array: words(RegionKind::Preinit),
        init_array: words(RegionKind::Init),
        fini_array: words(RegionKind::Fini),
    }
}

/// Every fixture, through `Loader::on` a cross registry, run in Unicorn.
#[test]
fn every_fixture_through_the_safe_api_in_unicorn() {
    let mut failures = Vec::new();
    let mut ran = 0;
    for f in FIXTURES {
        let layout = Layout::NEAR;
        let mut emu = Emu::with_layout(f.flavor.arch(), layout).unwrap();
        let base: Vec<(String, u64)> = emu.base_symbols();
        let base: Vec<(&str, u64)> = base.iter().map(|(n, a)| (n.as_str(), *a)).collect();
        let (_platform, registry) = cross_registry(arch_of(f), 4 << 20, layout.ram, &base);
        let loader = Loader::on(Box::leak(Box::new(registry)));
        let mut held = Vec::new();
        for (user, _, provider) in expect::DEPENDENCIES {
            if *user == f.name {
                let dep = fixtures::get(provider, f.flavor);
                held.push(loader.load_copy(&provider.replace("export_", "x_"), dep.bytes, &LoadParams::default()).unwrap());
            }
        }
        ran += 1;
        let ext = match loader.load_copy("fixture", f.bytes, &LoadParams::default()) {
            Ok(ext) => ext,
            Err(e) => {
                failures.push(format!("{f}: {e}"));
                continue;
            }
        };
        held.push(ext);
        // Another machine's code: no init/fini calls from here.
        if Some(arch_of(f)) != llext_rs::arch::Arch::native() {
            assert_eq!(held.last().unwrap().bringup(), Err(LlextError::NotSupported));
        }
        for e in &held {
            for p in e.memory() {
                emu.load(p.run as u64, unsafe { std::slice::from_raw_parts(p.ptr, p.size) }).unwrap();
            }
        }
        let image = image_of(held.last().unwrap(), arch_of(f).pointer_size());
        if let Err(e) = expect::run(&mut emu, &image, &expect::steps(f.name, f.flavor.arch())) {
            failures.push(format!("{f}: {e}"));
        }
        // Dropped in load order: the dependent's use keeps its provider until it goes.
        drop(held);
        assert!(loader.registry().is_empty(), "{f}: everything unloaded");
    }
    eprintln!("safe API in unicorn: {ran} fixtures, {} failures", failures.len());
    assert!(ran > 0);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Loads `provider` then `user` (the export_dependency/export_dependent pair, of one
/// arch, C or Rust each) through the safe API and runs the user's test_entry in
/// Unicorn: 33 and "dependency says 30\n", whichever language each side is in.
fn run_pair(provider: &llext_testkit::Fixture, user: &llext_testkit::Fixture) -> Result<(), String> {
    let layout = Layout::NEAR;
    let mut emu = Emu::with_layout(user.flavor.arch(), layout).map_err(|e| e.to_string())?;
    let base: Vec<(String, u64)> = emu.base_symbols();
    let base: Vec<(&str, u64)> = base.iter().map(|(n, a)| (n.as_str(), *a)).collect();
    let (_platform, registry) = cross_registry(arch_of(user), 4 << 20, layout.ram, &base);
    let loader = Loader::on(Box::leak(Box::new(registry)));
    let params = LoadParams::default();
    let p = loader.load_copy("provider", provider.bytes, &params).map_err(|e| format!("provider: {e}"))?;
    let u = loader.load_copy("user", user.bytes, &params).map_err(|e| format!("user: {e}"))?;
    if p.use_count() != 2 {
        return Err(format!("the provider has {} uses, not 2", p.use_count()));
    }
    for e in [&p, &u] {
        for m in e.memory() {
            emu.load(m.run as u64, unsafe { std::slice::from_raw_parts(m.ptr, m.size) }).map_err(|e| e.to_string())?;
        }
    }
    let entry = u.find("test_entry").ok_or("no test_entry")?.addr() as u64;
    let r = emu.call_i32(entry, &[]).map_err(|e| e.to_string())?;
    let out = emu.take_output();
    if (r, out.as_str()) != (33, "dependency says 30\n") {
        return Err(format!("test_entry returned {r} and printed {out:?}"));
    }
    Ok(())
}

/// A Rust extension exports a symbol a C extension links against, and the reverse, on
/// both arches.
#[test]
fn c_and_rust_extensions_link_against_each_other() {
    let pairs = [(Codegen::RustArm, Codegen::ArmLongCalls), (Codegen::RustI686, Codegen::I686NoPic)];
    let mut ran = 0;
    for (rust, c) in pairs {
        let get = |name, cg| fixtures::get(name, Flavor::new(cg, if cg == rust { ElfKind::Relocatable } else { ElfKind::Object }));
        for (provider, user) in [(rust, c), (c, rust), (rust, rust)] {
            let (p, u) = (get("export_dependency", provider), get("export_dependent", user));
            run_pair(p, u).unwrap_or_else(|e| panic!("{p} providing for {u}: {e}"));
            ran += 1;
        }
    }
    assert_eq!(ran, 6);
}

/// Bytes the loader places (every SHF_ALLOC section) and file size of a fixture.
fn loaded_size(bytes: &[u8]) -> (u64, usize) {
    use object::{Object, ObjectSection, SectionFlags};
    let file = object::File::parse(bytes).expect("a fixture is an ELF file");
    let alloc = file
        .sections()
        .filter(|s| matches!(s.flags(), SectionFlags::Elf { sh_flags } if sh_flags & u64::from(object::elf::SHF_ALLOC) != 0))
        .map(|s| s.size())
        .sum();
    (alloc, bytes.len())
}

/// The size of each Rust fixture extension against its C twin (same behaviour, Zephyr's
/// codegen: -mlong-calls / +long-calls on ARM, no PIC on i686): a figures line for CI.
#[test]
fn rust_extension_sizes() {
    let mut parts = Vec::new();
    for (rust, c, label) in [(Codegen::RustArm, Codegen::ArmLongCalls, "arm"), (Codegen::RustI686, Codegen::I686NoPic, "i686")] {
        for name in ["hello_world", "export_dependency", "export_dependent"] {
            let (r_alloc, r_file) = loaded_size(fixtures::get(name, Flavor::new(rust, ElfKind::Relocatable)).bytes);
            let (c_alloc, c_file) = loaded_size(fixtures::get(name, Flavor::new(c, ElfKind::Relocatable)).bytes);
            assert!(r_alloc > 0 && c_alloc > 0);
            parts.push(format!("{label} {name} {r_alloc}/{r_file} B (C {c_alloc}/{c_file} B)"));
        }
    }
    common::report("rust_extensions.txt", &format!("rust extensions, loaded/file bytes vs C twins: {}", parts.join("; ")));
}
