//! End-to-end checks of the testkit without the loader: fixtures linked by
//! the oracle at fixed addresses run in Unicorn (ARM, i386, x86_64) and
//! natively (x86_64), and must behave as their C source says
//! (`llext_testkit::expect`).

use llext_testkit::emu::{Emu, EmuError, Layout};
use llext_testkit::expect::{self, Image};
use llext_testkit::fixtures::{self, Arch, Codegen, ElfKind, Fixture, Flavor};
use llext_testkit::oracle::{self, Linked, Placement};

/// Link `fx` with every alloc section packed from `base`, importing
/// `symbols`, and load the result into `emu`.
fn link_and_load(
    emu: &mut Emu,
    fx: &Fixture,
    base: u64,
    symbols: &[(String, u64)],
    relax: bool,
) -> Result<Linked, String> {
    let mut placement = oracle::pack(fx.bytes, base, symbols).map_err(|e| e.to_string())?;
    placement.relax = relax;
    let linked = oracle::link(fx.bytes, &placement).map_err(|e| format!("{fx}: {e}"))?;
    for s in &linked.sections {
        if s.grown_by != 0 {
            return Err(format!(
                "{fx}: ld grew {} by {} bytes (veneers?)",
                s.name, s.grown_by
            ));
        }
    }
    for (addr, bytes) in linked.memory_image() {
        emu.load(addr, bytes)
            .map_err(|e| format!("{fx}: loading {addr:#x}: {e}"))?;
    }
    Ok(linked)
}

/// Imports for `fx`: the emulated base image, plus other extensions'
/// exports for fixtures that depend on one (linked and loaded at `dep_base`).
fn imports(
    emu: &mut Emu,
    fx: &Fixture,
    dep_base: u64,
    relax: bool,
) -> Result<Vec<(String, u64)>, String> {
    let mut symbols = emu.base_symbols();
    for (user, symbol, provider) in expect::DEPENDENCIES {
        if *user == fx.name {
            let dep = fixtures::get(provider, fx.flavor);
            let linked = link_and_load(emu, dep, dep_base, &symbols, relax)?;
            let image = linked.image().map_err(|e| e.to_string())?;
            let addr = image
                .export(symbol)
                .ok_or(format!("{dep} does not export {symbol}"))?;
            symbols.push((symbol.to_string(), addr));
        }
    }
    Ok(symbols)
}

fn run_in_emu(fx: &Fixture, layout: Layout, relax: bool) -> Result<(), String> {
    let arch = fx.flavor.arch();
    let mut emu = Emu::with_layout(arch, layout).map_err(|e| e.to_string())?;
    let symbols = imports(&mut emu, fx, layout.ram + 0x40_0000, relax)?;
    let linked = link_and_load(&mut emu, fx, layout.ram, &symbols, relax)?;
    let image = linked.image().map_err(|e| e.to_string())?;
    let steps = expect::steps(fx.name, arch);
    expect::run(&mut emu, &image, &steps).map_err(|e| format!("{fx} (relax {relax}): {e}"))
}

/// Every Object/Relocatable fixture of `codegen`, through the oracle and
/// Unicorn. Reports all failures at once.
fn run_codegen(codegen: Codegen, layout: Layout, relax: bool) {
    let mut failures = Vec::new();
    let mut ran = 0;
    for kind in [ElfKind::Object, ElfKind::Relocatable] {
        for fx in fixtures::FIXTURES
            .iter()
            .filter(|f| f.flavor == Flavor::new(codegen, kind))
        {
            ran += 1;
            let result = run_in_emu(fx, layout, relax);
            // relocs_asm's `b.w base_add` (R_ARM_THM_JUMP24) cannot reach
            // flash from RAM even with -mlong-calls: ld needs a veneer.
            if fx.name == "relocs_asm" && fx.flavor.arch() == Arch::Arm && layout == Layout::FAR {
                match result {
                    Err(e) if e.contains("grew .text") => continue,
                    other => failures.push(format!("{fx}: expected a veneer, got {other:?}")),
                }
                continue;
            }
            if let Err(e) = result {
                failures.push(e);
            }
        }
    }
    assert!(ran >= 20, "only {ran} fixtures for {codegen:?}");
    assert!(
        failures.is_empty(),
        "{} of {ran} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn arm_runs_in_unicorn() {
    run_codegen(Codegen::Arm, Layout::NEAR, true);
}

#[test]
fn arm_longcalls_runs_in_unicorn() {
    run_codegen(Codegen::ArmLongCalls, Layout::NEAR, true);
}

/// -mlong-calls code reaches flash at 0x0800_0000 from RAM without veneers.
#[test]
fn arm_longcalls_runs_with_far_base_image() {
    run_codegen(Codegen::ArmLongCalls, Layout::FAR, true);
}

/// Without -mlong-calls, ld needs veneers to reach flash from RAM: the
/// oracle must say so (a loader cannot do that and should refuse).
#[test]
fn arm_short_calls_to_far_base_image_need_veneers() {
    let fx = fixtures::get("hello_world", Flavor::new(Codegen::Arm, ElfKind::Object));
    let emu = Emu::with_layout(Arch::Arm, Layout::FAR).unwrap();
    let placement = oracle::pack(fx.bytes, Layout::FAR.ram, &emu.base_symbols()).unwrap();
    let linked = oracle::link(fx.bytes, &placement).unwrap();
    let text = linked.sections.iter().find(|s| s.name == ".text").unwrap();
    assert!(
        text.grown_by > 0,
        "expected a long-branch veneer after .text"
    );
}

#[test]
fn i686_pic_runs_in_unicorn() {
    run_codegen(Codegen::I686Pic, Layout::NEAR, true);
}

#[test]
fn i686_pic_runs_in_unicorn_without_relaxation() {
    run_codegen(Codegen::I686Pic, Layout::NEAR, false);
}

#[test]
fn i686_nopic_runs_in_unicorn() {
    run_codegen(Codegen::I686NoPic, Layout::NEAR, true);
    run_codegen(Codegen::I686NoPic, Layout::NEAR, false);
}

#[test]
fn x86_64_runs_in_unicorn() {
    for cg in [Codegen::X86_64Pic, Codegen::X86_64Large, Codegen::X86_64Pie] {
        run_codegen(cg, Layout::NEAR, true);
        run_codegen(cg, Layout::NEAR, false);
    }
}

// ----- native x86_64

#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
mod native {
    use super::*;
    use llext_testkit::native::{self, ExecMemory, Native};

    fn run_native(fx: &Fixture, mem: &mut ExecMemory, relax: bool) -> Result<(), String> {
        let base = mem.addr();
        let mut symbols = native::base_symbols();
        let mut link = |fx: &Fixture,
                        at: u64,
                        symbols: &[(String, u64)]|
         -> Result<Image, String> {
            let mut placement = oracle::pack(fx.bytes, at, symbols).map_err(|e| e.to_string())?;
            placement.relax = relax;
            placement.scratch = Some(at + 0x20_0000);
            let linked = oracle::link(fx.bytes, &placement).map_err(|e| format!("{fx}: {e}"))?;
            for (addr, bytes) in linked.memory_image() {
                mem.write(addr, bytes);
            }
            linked.image().map_err(|e| e.to_string())
        };
        for (user, symbol, provider) in expect::DEPENDENCIES {
            if *user == fx.name {
                let image = link(
                    fixtures::get(provider, fx.flavor),
                    base + 0x40_0000,
                    &symbols,
                )?;
                symbols.push((symbol.to_string(), image.export(symbol).unwrap()));
            }
        }
        let image = link(fx, base, &symbols)?;
        let steps = expect::steps(fx.name, Arch::X86_64);
        expect::run(&mut Native, &image, &steps).map_err(|e| format!("{fx} (relax {relax}): {e}"))
    }

    /// x86_64 fixtures linked at a host address near the test binary (so
    /// PC32/PLT32 calls to the base functions reach) and run in-process.
    /// relocs_abs32 is left out: it needs addresses below 2 GiB.
    #[test]
    fn x86_64_runs_natively() {
        let _guard = native::lock();
        let mut failures = Vec::new();
        let mut ran = 0;
        let near = native::base_symbols()[0].1;
        for cg in [Codegen::X86_64Pic, Codegen::X86_64Large, Codegen::X86_64Pie] {
            for kind in [ElfKind::Object, ElfKind::Relocatable] {
                for fx in fixtures::FIXTURES
                    .iter()
                    .filter(|f| f.flavor == Flavor::new(cg, kind))
                {
                    if fx.name == "relocs_abs32" {
                        continue;
                    }
                    // ld cannot relax GOT loads into 32-bit immediates at
                    // host addresses above 2 GiB (see Placement::relax).
                    {
                        let relax = false;
                        let mut mem = ExecMemory::near(near, 0x80_0000)
                            .expect("executable memory near the binary");
                        ran += 1;
                        if let Err(e) = run_native(fx, &mut mem, relax) {
                            failures.push(e);
                        }
                    }
                }
            }
        }
        assert!(ran >= 70, "only {ran} runs");
        assert!(
            failures.is_empty(),
            "{} of {ran} failed:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }

    #[test]
    fn native_base_image_works() {
        let _guard = native::lock();
        native::set_base_counter(5);
        let syms = native::base_symbols();
        let addr = |n: &str| syms.iter().find(|(s, _)| s == n).unwrap().1;
        // SAFETY: base_add is `int base_add(int, int)`.
        let r = unsafe { native::call(addr("base_add"), &[40, 2]) } as i32;
        assert_eq!(r, 42);
        assert_eq!(unsafe { *(addr("base_counter") as *const i32) }, 5);
        let fmt = c"x=%d s=%s\n";
        // SAFETY: printk with a format matching its arguments.
        let n = unsafe {
            native::call(
                addr("printk"),
                &[fmt.as_ptr() as u64, (-7i64) as u64, c"ok".as_ptr() as u64],
            )
        };
        assert_eq!(n as i32, 10);
        assert_eq!(native::take_output(), "x=-7 s=ok\n");
    }
}

// ----- the harness itself must catch broken code

/// A wrong import address (a relocation resolved to the wrong base
/// function) makes the run fail.
#[test]
fn wrong_relocation_is_detected() {
    for cg in [Codegen::Arm, Codegen::I686Pic, Codegen::X86_64Pic] {
        let fx = fixtures::get("hello_world", Flavor::new(cg, ElfKind::Object));
        let mut emu = Emu::new(cg.arch());
        let mut symbols = emu.base_symbols();
        // base_add resolved to memset's stub: returns its first argument.
        let memset = emu.base_symbol("memset").unwrap();
        symbols.iter_mut().find(|(n, _)| n == "base_add").unwrap().1 = memset;
        let linked = link_and_load(&mut emu, fx, Layout::NEAR.ram, &symbols, true).unwrap();
        let image = linked.image().unwrap();
        let err =
            expect::run(&mut emu, &image, &expect::steps("hello_world", cg.arch())).unwrap_err();
        assert!(err.contains("returned"), "{cg:?}: {err}");
    }
}

#[test]
fn runaway_code_is_stopped() {
    let ram = Layout::NEAR.ram;
    // ARM: b . ; x86: jmp .
    for (arch, code) in [
        (Arch::Arm, &[0xfe, 0xe7][..]),
        (Arch::X86, &[0xeb, 0xfe][..]),
        (Arch::X86_64, &[0xeb, 0xfe][..]),
    ] {
        let mut emu = Emu::new(arch);
        emu.budget = 100_000;
        emu.load(ram, code).unwrap();
        assert!(
            matches!(emu.call(ram, &[]), Err(EmuError::Budget { .. })),
            "{arch:?}"
        );
        // A jump to unmapped memory is a CPU error, not a hang.
        assert!(
            matches!(emu.call(0x4000_0000, &[]), Err(EmuError::Cpu { .. })),
            "{arch:?}"
        );
    }
}

/// Calling into the stub page between stubs traps.
#[test]
fn stray_base_image_branch_traps() {
    for arch in [Arch::Arm, Arch::X86, Arch::X86_64] {
        let mut emu = Emu::new(arch);
        let printk = emu.base_symbol("printk").unwrap() & !1;
        assert!(emu.call(printk + 8, &[]).is_err(), "{arch:?}");
    }
}

#[test]
fn emulated_printk_formats() {
    for arch in [Arch::Arm, Arch::X86, Arch::X86_64] {
        let mut emu = Emu::new(arch);
        let s = Layout::NEAR.ram;
        emu.load(s, b"%d|%u|%x|%s|%c|%p|%%|%ld\0").unwrap();
        emu.load(s + 0x100, b"str\0").unwrap();
        let printk = emu.base_symbol("printk").unwrap();
        // printk's own arguments: fmt + 7 values (stack on ARM/i386 beyond
        // the registers; x86_64 takes 6 in registers, so stop at 5 there).
        let args: Vec<u64> = vec![
            s,
            (-5i64) as u64,
            4_000_000_000,
            0xbeef,
            s + 0x100,
            b'Z' as u64,
            0x1234,
            (-9i64) as u64,
        ];
        if arch == Arch::X86_64 {
            emu.load(s, b"%d|%u|%x|%s|%c\0").unwrap();
            let n = emu.call(printk, &args[..6]).unwrap();
            assert_eq!(emu.take_output(), "-5|4000000000|beef|str|Z");
            assert_eq!(n, 24);
        } else {
            let n = emu.call(printk, &args).unwrap();
            assert_eq!(emu.take_output(), "-5|4000000000|beef|str|Z|0x1234|%|-9");
            assert_eq!(n, 36);
        }
    }
}

// ----- the oracle

#[test]
fn oracle_places_sections_exactly() {
    let fx = fixtures::get("align", Flavor::new(Codegen::Arm, ElfKind::Object));
    let emu = Emu::new(Arch::Arm);
    // Reverse index order with gaps, to show nothing is laid out by ld.
    let sections = oracle::alloc_sections(fx.bytes).unwrap();
    let mut addr = 0x2000_0000u64;
    let mut placement = Placement {
        symbols: emu.base_symbols(),
        relax: true,
        ..Placement::default()
    };
    for s in sections.iter().rev() {
        addr = (addr + 0x100).next_multiple_of(s.align.max(0x200));
        placement.sections.push(oracle::SectionPlacement {
            index: s.index,
            addr,
        });
        addr += s.size;
    }
    let linked = oracle::link(fx.bytes, &placement).unwrap();
    for (p, l) in placement.sections.iter().zip(&linked.sections) {
        assert_eq!((p.index, p.addr), (l.index, l.addr));
        assert_eq!(l.bytes.len() as u64, l.size);
    }
    assert!(linked.synthetic.is_empty(), "{:?}", linked.synthetic);
}

#[test]
fn oracle_rejects_bad_input() {
    let fx = fixtures::get("hello_world", Flavor::new(Codegen::Arm, ElfKind::Object));
    let emu = Emu::new(Arch::Arm);
    let mut p = oracle::pack(fx.bytes, 0x2000_0000, &emu.base_symbols()).unwrap();
    p.symbols.retain(|(n, _)| n != "printk");
    let e = oracle::link(fx.bytes, &p).unwrap_err();
    assert!(e.0.contains("printk"), "{e}");

    let mut p = oracle::pack(fx.bytes, 0x2000_0000, &emu.base_symbols()).unwrap();
    p.sections[0].addr += 1;
    assert!(oracle::link(fx.bytes, &p)
        .unwrap_err()
        .0
        .contains("alignment"));

    let so = fixtures::get("hello_world", Flavor::new(Codegen::Arm, ElfKind::Shared));
    assert!(oracle::link(so.bytes, &p).is_err());
}

/// The GOT report for i386: with --no-relax every GOT32/GOT32X reference
/// uses a slot holding the symbol's address; with relaxation ld rewrites
/// the relaxable ones (GOT32X) and keeps the `pushl` (GOT32).
#[test]
fn oracle_reports_i386_got() {
    let fx = fixtures::get(
        "relocs_asm",
        Flavor::new(Codegen::I686NoPic, ElfKind::Object),
    );
    let emu = Emu::new(Arch::X86);
    let base_add = emu.base_symbol("base_add").unwrap();
    let counter = emu.base_symbol("base_counter").unwrap();
    for relax in [false, true] {
        let mut p = oracle::pack(fx.bytes, 0x2000_0000, &emu.base_symbols()).unwrap();
        p.relax = relax;
        p.got = Some(0x2001_0000);
        p.got_plt = Some(0x2001_0100);
        let linked = oracle::link(fx.bytes, &p).unwrap();
        let got = &linked.got;
        assert_eq!(
            got.base,
            Some(0x2001_0100),
            "_GLOBAL_OFFSET_TABLE_ is .got.plt"
        );
        assert_eq!(got.got_addr, Some(0x2001_0000));
        assert_eq!(got.refs.len(), 3, "{:?}", got.refs);
        for r in &got.refs {
            let relaxable = r.r_type == 43; // R_386_GOT32X
            assert_eq!(r.relaxed, relax && relaxable, "{r:?}");
            if !r.relaxed {
                let slot = got
                    .slots
                    .iter()
                    .find(|s| Some(s.addr) == r.slot)
                    .expect("slot in .got");
                let want = if r.symbol == "base_add" {
                    base_add
                } else {
                    counter
                };
                assert_eq!(slot.value, want, "{r:?}");
                assert_eq!(slot.symbols, vec![r.symbol.clone()]);
            }
        }
    }
}

#[test]
fn oracle_reports_x86_64_got() {
    let fx = fixtures::get(
        "relocs_asm",
        Flavor::new(Codegen::X86_64Large, ElfKind::Object),
    );
    let emu = Emu::new(Arch::X86_64);
    for relax in [false, true] {
        let mut p = oracle::pack(fx.bytes, 0x2000_0000, &emu.base_symbols()).unwrap();
        p.relax = relax;
        let linked = oracle::link(fx.bytes, &p).unwrap();
        let got = &linked.got;
        // call, jmp, movq (relaxable) and pushq (plain GOTPCREL) in
        // relocs_asm, plus gcc's own GOT references in the large model.
        assert!(got.refs.len() >= 4, "{:?}", got.refs);
        for r in &got.refs {
            let relaxable = r.r_type == 41 || r.r_type == 42;
            assert_eq!(r.relaxed, relax && relaxable, "{r:?}");
            if let Some(slot) = r.slot {
                let s = got
                    .slots
                    .iter()
                    .find(|s| s.addr == slot)
                    .expect("slot in .got");
                assert_eq!(Some(s.value), emu.base_symbol(&r.symbol), "{r:?}");
            }
        }
    }
}

// ----- the fixture set

#[test]
fn fixture_matrix_is_complete() {
    let object_names = [
        "hello_world",
        "data",
        "relative_jump",
        "init_fini",
        "constructor",
        "export_dependency",
        "export_dependent",
        "align",
        "large",
        "inspect",
        "detached",
        "find_section",
        "relocs_asm",
    ];
    for cg in Codegen::ALL {
        if cg.rust() {
            // The Rust twins: three fixtures, each one `ld -r` object.
            for name in ["hello_world", "export_dependency", "export_dependent"] {
                fixtures::get(name, Flavor::new(cg, ElfKind::Relocatable));
            }
            assert_eq!(fixtures::FIXTURES.iter().filter(|f| f.flavor.codegen == cg).count(), 3);
            continue;
        }
        for name in object_names {
            fixtures::get(name, Flavor::new(cg, ElfKind::Object));
            fixtures::get(name, Flavor::new(cg, ElfKind::Relocatable));
        }
        fixtures::get("multi_file", Flavor::new(cg, ElfKind::Relocatable));
        assert_eq!(
            fixtures::find("movwmovt", Flavor::new(cg, ElfKind::Object)).is_some(),
            cg.arch() == Arch::Arm
        );
        assert_eq!(
            fixtures::find("relocs_abs32", Flavor::new(cg, ElfKind::Object)).is_some(),
            cg.arch() == Arch::X86_64
        );
    }
    for f in fixtures::FIXTURES {
        let file = object::File::parse(f.bytes).unwrap_or_else(|e| panic!("{f}: {e}"));
        use object::Object;
        let want_kind = match f.flavor.kind {
            ElfKind::Object | ElfKind::Relocatable => object::ObjectKind::Relocatable,
            ElfKind::Shared => object::ObjectKind::Dynamic,
        };
        assert_eq!(file.kind(), want_kind, "{f}");
        let want_arch = match f.flavor.arch() {
            Arch::Arm => object::Architecture::Arm,
            Arch::X86 => object::Architecture::I386,
            Arch::X86_64 => object::Architecture::X86_64,
        };
        assert_eq!(file.architecture(), want_arch, "{f}");
        assert_eq!(
            std::fs::read(f.path).unwrap(),
            f.bytes,
            "{f}: path and bytes differ"
        );
    }
}

#[test]
fn large_fixture_is_large() {
    use object::{Object, ObjectSection};
    for f in fixtures::flavors_of("large") {
        let file = object::File::parse(f.bytes).unwrap();
        let text = file.section_by_name(".text").unwrap();
        assert!(
            text.size() > 64 * 1024,
            "{f}: .text is {} bytes",
            text.size()
        );
    }
}
