//! Builds the C fixture extensions with the real cross compilers and writes
//! `$OUT_DIR/fixtures.rs`, the table `FIXTURES` of (name, flavor, bytes, path).
//!
//! Flags follow Zephyr's extension builds: no `-ffunction-sections` /
//! `-fdata-sections`, one optimisation level for everything (`-O2`),
//! `-ffreestanding -fno-common`, `-DLL_EXTENSION_BUILD`, no `-g` (Zephyr strips
//! debug flags for LLEXT). `.eh_frame` is left on where the compiler emits it
//! by default (x86), since that is what real extensions contain.
//!
//! Every fixture is built per code-generation flavor (see `CODEGENS`) and per
//! ELF kind: the compiler's own object (`Object`), an `ld -r` partial link
//! (`Relocatable`) and, for the flavors where it links cleanly, a `-shared`
//! ET_DYN (`Shared`).

use std::env;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

#[derive(Clone, Copy, PartialEq)]
enum Arch {
    Arm,
    X86,
    X86_64,
}

struct Codegen {
    /// Directory name and label.
    id: &'static str,
    /// `Codegen` variant in the generated Rust.
    variant: &'static str,
    arch: Arch,
    cc: &'static str,
    /// Prefix of the matching binutils (`ld`).
    binutils: &'static str,
    ld_emulation: &'static [&'static str],
    flags: &'static [&'static str],
    /// `-shared` variants are built: only where the objects link into an
    /// ET_DYN without text relocations the linker warns about.
    shared: bool,
    /// Extra flags for the `-shared` link.
    shared_flags: &'static [&'static str],
    /// The `cc` crate wants a target triple; flags are all ours
    /// (`no_default_flags`), so it only names the compiler family.
    triple: &'static str,
}

const CODEGENS: &[Codegen] = &[
    Codegen {
        id: "arm",
        variant: "Arm",
        arch: Arch::Arm,
        cc: "arm-none-eabi-gcc",
        binutils: "arm-none-eabi-",
        ld_emulation: &[],
        flags: &["-mcpu=cortex-m3", "-mthumb"],
        shared: true,
        shared_flags: &[],
        triple: "thumbv7m-none-eabi",
    },
    Codegen {
        // Zephyr's default for ARM extensions.
        id: "arm-longcalls",
        variant: "ArmLongCalls",
        arch: Arch::Arm,
        cc: "arm-none-eabi-gcc",
        binutils: "arm-none-eabi-",
        ld_emulation: &[],
        flags: &["-mcpu=cortex-m3", "-mthumb", "-mlong-calls"],
        shared: true,
        shared_flags: &[],
        triple: "thumbv7m-none-eabi",
    },
    Codegen {
        // Debian's i686 gcc defaults to -fPIE: __x86.get_pc_thunk.* in COMDAT
        // groups, GOTPC/GOTOFF/GOT32X/PLT32.
        id: "i686-pic",
        variant: "I686Pic",
        arch: Arch::X86,
        cc: "i686-linux-gnu-gcc",
        binutils: "i686-linux-gnu-",
        ld_emulation: &["-m", "elf_i386"],
        flags: &[],
        shared: true,
        // PIE code calls its own global functions with R_386_PC32; in a
        // shared object those would be preemptible and need text
        // relocations. -Bsymbolic binds them locally, as an extension expects.
        shared_flags: &["-Wl,-Bsymbolic"],
        triple: "i686-unknown-linux-gnu",
    },
    Codegen {
        id: "i686-nopic",
        variant: "I686NoPic",
        arch: Arch::X86,
        cc: "i686-linux-gnu-gcc",
        binutils: "i686-linux-gnu-",
        ld_emulation: &["-m", "elf_i386"],
        flags: &["-fno-pic"],
        shared: false,
        shared_flags: &[],
        triple: "i686-unknown-linux-gnu",
    },
    Codegen {
        id: "x86_64-pic",
        variant: "X86_64Pic",
        arch: Arch::X86_64,
        cc: "gcc",
        binutils: "",
        ld_emulation: &["-m", "elf_x86_64"],
        flags: &["-fPIC"],
        shared: true,
        shared_flags: &[],
        triple: "x86_64-unknown-linux-gnu",
    },
    Codegen {
        // Large code model, non-PIC: every address is a 64-bit immediate
        // (R_X86_64_64), so code and data may sit anywhere.
        id: "x86_64-large",
        variant: "X86_64Large",
        arch: Arch::X86_64,
        cc: "gcc",
        binutils: "",
        ld_emulation: &["-m", "elf_x86_64"],
        flags: &["-mcmodel=large", "-fno-pic"],
        shared: false,
        shared_flags: &[],
        triple: "x86_64-unknown-linux-gnu",
    },
    Codegen {
        // The host compiler's default (-fPIE on Debian).
        id: "x86_64-pie",
        variant: "X86_64Pie",
        arch: Arch::X86_64,
        cc: "gcc",
        binutils: "",
        ld_emulation: &["-m", "elf_x86_64"],
        flags: &[],
        shared: false,
        shared_flags: &[],
        triple: "x86_64-unknown-linux-gnu",
    },
];

const COMMON_FLAGS: &[&str] = &[
    "-std=gnu11",
    "-O2",
    "-ffreestanding",
    "-fno-common",
    "-fno-stack-protector",
    "-Wall",
    "-Wno-unused-function",
];

struct FixtureDef {
    name: &'static str,
    /// Sources per arch; `None` means the fixture does not exist there.
    sources: fn(Arch) -> Option<&'static [&'static str]>,
    /// Whether a `-shared` variant can exist: not with `.preinit_array`
    /// (forbidden in a DSO) nor with absolute MOVW/MOVT or 32-bit absolute
    /// text relocations (`ld -shared` refuses or needs text relocations).
    shared: bool,
}

macro_rules! everywhere {
    ($name:literal, $($src:literal),+) => {
        FixtureDef { name: $name, sources: |_| Some(&[$($src),+]), shared: true }
    };
}

const FIXTURES: &[FixtureDef] = &[
    everywhere!("hello_world", "hello_world.c"),
    everywhere!("data", "data.c"),
    everywhere!("relative_jump", "relative_jump.c"),
    FixtureDef {
        name: "movwmovt",
        sources: |a| (a == Arch::Arm).then_some(&["movwmovt.c"][..]),
        shared: false,
    },
    everywhere!("multi_file", "multi_file_1.c", "multi_file_2.c"),
    FixtureDef {
        name: "init_fini",
        sources: |_| Some(&["init_fini.c"][..]),
        shared: false,
    },
    everywhere!("constructor", "constructor.c"),
    everywhere!("export_dependency", "export_dependency.c"),
    everywhere!("export_dependent", "export_dependent.c"),
    everywhere!("align", "align.c"),
    everywhere!("large", "large.c"),
    everywhere!("inspect", "inspect.c"),
    everywhere!("detached", "detached.c"),
    everywhere!("find_section", "find_section.c"),
    FixtureDef {
        name: "relocs_asm",
        sources: |a| {
            Some(match a {
                Arch::Arm => &["relocs_arm.c"][..],
                Arch::X86 => &["relocs_i386.c"][..],
                Arch::X86_64 => &["relocs_x86_64.c"][..],
            })
        },
        shared: false,
    },
    FixtureDef {
        name: "relocs_abs32",
        sources: |a| (a == Arch::X86_64).then_some(&["relocs_abs32.c"][..]),
        shared: false,
    },
];

struct Built {
    name: &'static str,
    codegen: &'static str,
    kind: &'static str,
    path: PathBuf,
}

fn main() {
    println!("cargo:rustc-check-cfg=cfg(llext_c_api_test)");
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let out = PathBuf::from(env::var("OUT_DIR").unwrap());
    let cdir = manifest.join("c");

    println!("cargo:rerun-if-changed=c");
    println!("cargo:rerun-if-changed=native");
    println!("cargo:rerun-if-env-changed=DEP_LLEXT_RS_INCLUDE");

    // llext-rs exports its generated headers (links = "llext_rs",
    // `cargo::metadata=include=DIR`); until it does, use the stand-in.
    let include = match env::var_os("DEP_LLEXT_RS_INCLUDE") {
        Some(dir) => {
            let dir = PathBuf::from(dir);
            println!("cargo:rerun-if-changed={}", dir.display());
            dir
        }
        None => cdir.join("include-shim"),
    };

    check_tools();

    let results: Vec<Vec<Built>> = std::thread::scope(|s| {
        let mut handles: Vec<_> = CODEGENS
            .iter()
            .map(|cg| {
                let (cdir, include, out) = (&cdir, &include, &out);
                s.spawn(move || build_codegen(cg, cdir, include, out))
            })
            .collect();
        for rc in RUST_CODEGENS {
            let (manifest, out) = (&manifest, &out);
            handles.push(s.spawn(move || build_rust_codegen(rc, manifest, out)));
        }
        handles
            .into_iter()
            .map(|h| h.join().expect("fixture build thread panicked"))
            .collect()
    });

    write_table(&out, &include, results.into_iter().flatten().collect());
    build_native_base(&manifest);
    if env::var_os("DEP_LLEXT_RS_INCLUDE").is_some() {
        build_c_api_test(&manifest, &include);
    }
}

/// The C API test program (tests/c/api_test.c in the llext-rs repo): C that includes
/// only the generated headers, linked into the Rust test that drives it (the C API
/// functions it calls are llext-rs's, in the same binary).
fn build_c_api_test(manifest: &Path, include: &Path) {
    let src = manifest.join("..").join("tests").join("c").join("api_test.c");
    println!("cargo:rerun-if-changed={}", src.display());
    cc::Build::new()
        .file(&src)
        .include(include)
        .warnings(true)
        .extra_warnings(true)
        .flag("-std=gnu11")
        .compile("llext_c_api_test");
    println!("cargo:rustc-cfg=llext_c_api_test");
}

fn check_tools() {
    let mut missing = Vec::new();
    for cg in CODEGENS {
        for tool in [cg.cc.to_string(), format!("{}ld", cg.binutils)] {
            let ok = Command::new(&tool)
                .arg("--version")
                .output()
                .map(|o| o.status.success())
                .unwrap_or(false);
            if !ok && !missing.contains(&tool) {
                missing.push(tool);
            }
        }
    }
    if !missing.is_empty() {
        panic!(
            "\n\nllext-testkit builds its C fixture extensions with real cross compilers, and \
             these are missing: {}.\nOn Debian/Ubuntu install them with:\n\n    \
             apt-get install gcc-arm-none-eabi binutils-arm-none-eabi gcc-i686-linux-gnu \
             binutils-i686-linux-gnu gcc binutils\n\n",
            missing.join(", ")
        );
    }
}

fn run(cmd: &mut Command) {
    let output = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    if !output.status.success() {
        panic!(
            "{cmd:?} failed ({}):\n{}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    // Linker warnings (e.g. text relocations) mean the fixture is not what
    // we think it is: surface them.
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !stderr.trim().is_empty() {
        panic!("{cmd:?} printed warnings:\n{stderr}");
    }
}

fn build_codegen(cg: &Codegen, cdir: &Path, include: &Path, out: &Path) -> Vec<Built> {
    let dir = out.join("fixtures").join(cg.id);
    std::fs::create_dir_all(&dir).unwrap();

    // Every source this flavor needs, compiled in one cc::Build.
    let mut sources: Vec<&str> = FIXTURES
        .iter()
        .filter_map(|f| (f.sources)(cg.arch))
        .flatten()
        .copied()
        .collect();
    sources.sort();
    sources.dedup();

    let mut build = cc::Build::new();
    build
        .no_default_flags(true)
        .cargo_metadata(false)
        .inherit_rustflags(false)
        .warnings(false)
        .extra_warnings(false)
        .compiler(cg.cc)
        .target(cg.triple)
        .host(&env::var("HOST").unwrap())
        .opt_level(2)
        .debug(false)
        .out_dir(dir.join("cc"))
        .define("LL_EXTENSION_BUILD", None)
        .include(cdir)
        .include(include);
    for f in COMMON_FLAGS.iter().chain(cg.flags) {
        build.flag(f);
    }
    for s in &sources {
        build.file(cdir.join(s));
    }
    let objects = build.compile_intermediates();
    assert_eq!(objects.len(), sources.len());
    let object_of = |src: &str| -> PathBuf {
        let stem = src.strip_suffix(".c").unwrap();
        objects
            .iter()
            .find(|o| {
                let n = o.file_name().unwrap().to_str().unwrap();
                n == format!("{stem}.o") || n.ends_with(&format!("-{stem}.o"))
            })
            .unwrap_or_else(|| panic!("no object for {src} among {objects:?}"))
            .clone()
    };

    let ld = format!("{}ld", cg.binutils);
    let mut built = Vec::new();
    for fx in FIXTURES {
        let Some(srcs) = (fx.sources)(cg.arch) else {
            continue;
        };
        let objs: Vec<PathBuf> = srcs.iter().map(|s| object_of(s)).collect();

        if objs.len() == 1 {
            let p = dir.join(format!("{}.o", fx.name));
            std::fs::copy(&objs[0], &p).unwrap();
            built.push(Built {
                name: fx.name,
                codegen: cg.variant,
                kind: "Object",
                path: p,
            });
        }

        let p = dir.join(format!("{}.rel.o", fx.name));
        run(Command::new(&ld)
            .args(cg.ld_emulation)
            .arg("-r")
            .arg("-o")
            .arg(&p)
            .args(&objs));
        built.push(Built {
            name: fx.name,
            codegen: cg.variant,
            kind: "Relocatable",
            path: p,
        });

        if cg.shared && fx.shared {
            let p = dir.join(format!("{}.so", fx.name));
            run(Command::new(cg.cc)
                .args(cg.flags)
                .args(["-shared", "-nostdlib"])
                .args(cg.shared_flags)
                .arg("-o")
                .arg(&p)
                .args(&objs));
            built.push(Built {
                name: fx.name,
                codegen: cg.variant,
                kind: "Shared",
                path: p,
            });
        }
    }
    built
}

/// A Rust target the fixtures in `testkit/rust/` are built for.
struct RustCodegen {
    id: &'static str,
    variant: &'static str,
    /// `--target`: a built-in triple, or a JSON spec under the repository root.
    target: &'static str,
    json: bool,
}

const RUST_CODEGENS: &[RustCodegen] = &[
    RustCodegen { id: "rust-arm", variant: "RustArm", target: "thumbv7m-none-eabi", json: false },
    RustCodegen { id: "rust-i686", variant: "RustI686", target: "targets/i586-unknown-none.json", json: true },
];

/// Rust fixtures: bins of `testkit/rust/` (the extension crate's own way to build, its
/// `.cargo/config.toml`: `ld -r`, build-std), one cargo run per target. Needs a
/// toolchain that can build `core` for the target (Debian's rustc-web with its
/// sources, as the rig; LLEXT_TESTKIT_CARGO/LLEXT_TESTKIT_RUSTC choose another).
fn build_rust_codegen(rc: &RustCodegen, manifest: &Path, out: &Path) -> Vec<Built> {
    let crate_dir = manifest.join("rust");
    for watched in ["src", "Cargo.toml", "Cargo.lock", ".cargo/config.toml", "../../extension/src", "../../extension/Cargo.toml", "../../extension/llext-rust.ld"] {
        println!("cargo:rerun-if-changed={}", crate_dir.join(watched).display());
    }
    println!("cargo:rerun-if-env-changed=LLEXT_TESTKIT_CARGO");
    println!("cargo:rerun-if-env-changed=LLEXT_TESTKIT_RUSTC");
    let tool = |var: &str, debian: &str, fallback: &str| {
        env::var(var).unwrap_or_else(|_| if Path::new(debian).exists() { debian.into() } else { fallback.into() })
    };
    let cargo = tool("LLEXT_TESTKIT_CARGO", "/usr/bin/cargo", "cargo");
    let rustc = tool("LLEXT_TESTKIT_RUSTC", "/usr/bin/rustc", "rustc");
    let target_dir = out.join("rust-target");
    let target = if rc.json { manifest.join("..").join(rc.target).to_str().unwrap().to_string() } else { rc.target.to_string() };
    let mut cmd = Command::new(&cargo);
    cmd.current_dir(&crate_dir).args(["build", "--release", "--locked", "--target", &target]);
    if rc.json {
        cmd.arg("-Zjson-target-spec");
    }
    cmd.arg("--target-dir").arg(&target_dir);
    // The outer cargo's settings are not the extension's: it has its own config.
    for (key, _) in env::vars_os() {
        let key = key.to_string_lossy().into_owned();
        if key.starts_with("CARGO_") || key.starts_with("RUST") || key == "TARGET" || key == "HOST" || key == "OUT_DIR" {
            cmd.env_remove(&key);
        }
    }
    cmd.env("RUSTC", &rustc).env("RUSTC_BOOTSTRAP", "1");
    let output = cmd.output().unwrap_or_else(|e| panic!("cannot run {cargo}: {e}"));
    if !output.status.success() {
        panic!(
            "building the Rust fixture extensions for {} failed ({}):\n{}\n\
             They need a Rust toolchain that can build `core` for the target: on Debian, \
             apt-get install rustc-web cargo-web rust-web-src (scripts/install-deps.sh).",
            rc.target,
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let triple = Path::new(rc.target).file_stem().unwrap().to_str().unwrap();
    let dir = out.join("fixtures").join(rc.id);
    std::fs::create_dir_all(&dir).unwrap();
    ["hello_world", "export_dependency", "export_dependent"]
        .into_iter()
        .map(|name| {
            let p = dir.join(format!("{name}.rel.o"));
            std::fs::copy(target_dir.join(triple).join("release").join(name), &p).unwrap();
            Built { name, codegen: rc.variant, kind: "Relocatable", path: p }
        })
        .collect()
}

fn write_table(out: &Path, include: &Path, built: Vec<Built>) {
    let mut s = String::from("// @generated by llext-testkit's build.rs\n\n");
    writeln!(
        s,
        "/// The include directory that provided <zephyr/llext/symbol.h>: llext-rs's\n\
         /// generated headers (DEP_LLEXT_RS_INCLUDE) or testkit's stand-in.\n\
         pub const SYMBOL_H_INCLUDE_DIR: &str = {:?};\n",
        include.to_str().expect("include dir must be UTF-8")
    )
    .unwrap();
    s.push_str(
        "/// Every fixture built, by (name, flavor).\npub static FIXTURES: &[Fixture] = &[\n",
    );
    for b in &built {
        let path = b.path.to_str().expect("OUT_DIR must be UTF-8");
        writeln!(
            s,
            "    Fixture {{ name: {:?}, flavor: Flavor {{ codegen: Codegen::{}, kind: ElfKind::{} }}, \
             bytes: include_bytes!({:?}), path: {:?} }},",
            b.name, b.codegen, b.kind, path, path
        )
        .unwrap();
    }
    s.push_str("];\n");
    std::fs::write(out.join("fixtures.rs"), s).unwrap();
}

/// The native (x86_64 host) base image: printk & co. in C, because a
/// variadic function cannot be defined in stable Rust.
fn build_native_base(manifest: &Path) {
    cc::Build::new()
        .file(manifest.join("native").join("native_base.c"))
        .warnings(true)
        .compile("llext_testkit_native_base");
}
