//! Generates the C headers (`zephyr/llext/*.h`) from the Rust types with cbindgen, and
//! compiles the hosted build's C shim.
//!
//! Headers land in `$OUT_DIR/include` (exported to dependents as
//! `DEP_LLEXT_RS_INCLUDE`) and, if set, in `$LLEXT_RS_INCLUDE_DIR` (the Zephyr module's
//! CMake points this into its build tree).

use std::env;
use std::fs;
use std::path::{Path, PathBuf};

/// One generated header: its sources, the hand-written parts around them, and the
/// items of other headers it must not repeat.
struct Header {
    name: &'static str,
    /// Types defined by other headers, referenced here as `struct` tags.
    foreign_structs: &'static [&'static str],
    /// Types emitted even though no function of this header uses them.
    include: &'static [&'static str],
    guard: &'static str,
    sources: &'static [&'static str],
    prologue: Option<&'static str>,
    trailer: Option<&'static str>,
}

const HEADERS: &[Header] = &[
    Header {
        name: "elf.h",
        foreign_structs: &[],
        include: &[
            "elf32_ehdr", "elf64_ehdr", "elf32_shdr", "elf64_shdr", "elf32_sym", "elf64_sym", "elf32_rel",
            "elf32_rela", "elf64_rel", "elf64_rela", "elf32_phdr", "elf64_phdr", "elf_ehdr_t", "elf_shdr_t",
            "elf_phdr_t", "elf_addr", "elf_half", "elf_word", "elf_rel_t", "elf_rela_t", "elf_sym_t",
            "elf32_off", "elf32_sword", "elf64_off", "elf64_sword", "elf64_sxword",
        ],
        guard: "ZEPHYR_LLEXT_ELF_H",
        sources: &["src/ffi/elf.rs"],
        prologue: Some("c/header/elf_prologue.h"),
        trailer: Some("c/header/elf_trailer.h"),
    },
    Header {
        name: "symbol.h",
        foreign_structs: &[],
        include: &["llext_symbol", "llext_symtable"],
        guard: "ZEPHYR_LLEXT_SYMBOL_H",
        sources: &["src/ffi/symbol.rs"],
        prologue: Some("c/header/symbol_prologue.h"),
        trailer: Some("c/header/symbol_trailer.h"),
    },
    Header {
        name: "llext.h",
        foreign_structs: &["llext_symbol", "llext_symtable", "llext_const_symbol"],
        include: &["llext", "llext_buf_loader", "llext_elf_sect_map", "llext_mem", "llext_entry_fn_t"],
        guard: "ZEPHYR_LLEXT_H",
        sources: &["src/ffi/types.rs", "src/ffi/api.rs", "src/ffi/loader.rs"],
        prologue: Some("c/header/llext_prologue.h"),
        trailer: Some("c/header/llext_trailer.h"),
    },
];

/// Zephyr's other LLEXT headers: all of their content is in llext.h.
const ALIASES: &[&str] = &["loader.h", "buf_loader.h", "inspect.h", "llext_internal.h"];

fn main() {
    let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("include");
    let config = cbindgen::Config::from_file(root.join("cbindgen.toml")).expect("cbindgen.toml is valid");

    let mut dirs = vec![out.clone()];
    if let Some(extra) = env::var_os("LLEXT_RS_INCLUDE_DIR") {
        dirs.push(PathBuf::from(extra));
    }
    for dir in &dirs {
        write_headers(&root, dir, &config);
    }
    println!("cargo:include={}", out.display());
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-changed=c");
    println!("cargo:rerun-if-changed=src/ffi");
    println!("cargo:rerun-if-env-changed=LLEXT_RS_INCLUDE_DIR");

    #[cfg(feature = "userspace")]
    zephyr_types(&root);

    if env::var_os("CARGO_FEATURE_ZEPHYR").is_some() {
        zephyr_app_settings();
    }

    // The hosted build finds its EXPORT_SYMBOL table through a tiny C shim.
    if env::var_os("CARGO_FEATURE_STD").is_some() {
        cc::Build::new().file(root.join("c/host_exports.c")).warnings(true).compile("llext_rs_host");
        println!("cargo:rerun-if-changed=c/host_exports.c");
    }
}

/// A Zephyr Rust application (zephyr-lang-rust, CONFIG_LLEXT_RS_CORE_BUILD_RUST_APP)
/// builds llext-rs as its dependency with cargo's environment only: what the module's
/// CMake passes otherwise (memory protection shape, log level) comes from the build's
/// `.config` (`DOTCONFIG`, which zephyr-lang-rust sets), with the same rules as
/// cmake/llext_rs_cargo.cmake, and the crate's features are checked against it.
fn zephyr_app_settings() {
    println!("cargo:rerun-if-env-changed=LLEXT_RS_PROTECTION");
    println!("cargo:rerun-if-env-changed=DOTCONFIG");
    if env::var_os("LLEXT_RS_PROTECTION").is_some() {
        return; // the module's own cargo build
    }
    let Some(dotconfig) = env::var_os("DOTCONFIG") else {
        panic!("llext-rs for Zephyr: LLEXT_RS_PROTECTION is unset (the module's CMake sets it) and there is no DOTCONFIG (zephyr-lang-rust's build sets it) to derive it from");
    };
    println!("cargo:rerun-if-changed={}", PathBuf::from(&dotconfig).display());
    let text = fs::read_to_string(&dotconfig).unwrap_or_else(|e| panic!("reading {}: {e}", PathBuf::from(&dotconfig).display()));
    let value = |name: &str| -> Option<String> {
        text.lines().find_map(|l| l.strip_prefix(name)?.strip_prefix('=').map(|v| v.trim_matches('"').to_string()))
    };
    let on = |name: &str| value(name).as_deref() == Some("y");
    let number = |name: &str| -> u64 {
        let v = value(name).unwrap_or_else(|| panic!("{name} is not in {}", PathBuf::from(&dotconfig).display()));
        match v.strip_prefix("0x") {
            Some(hex) => u64::from_str_radix(hex, 16),
            None => v.parse(),
        }
        .unwrap_or_else(|_| panic!("{name}={v} is not a number"))
    };
    let protection = if on("CONFIG_MMU") {
        format!("pages:{}", number("CONFIG_MMU_PAGE_SIZE"))
    } else if on("CONFIG_USERSPACE") && on("CONFIG_MPU_REQUIRES_POWER_OF_TWO_ALIGNMENT") {
        format!("pow2:{}", number("CONFIG_ARM_MPU_REGION_MIN_ALIGN_AND_SIZE"))
    } else if on("CONFIG_USERSPACE") {
        "pages:32".to_string()
    } else {
        "none".to_string()
    };
    println!("cargo:rustc-env=LLEXT_RS_PROTECTION={protection}");
    if env::var_os("LLEXT_RS_LOG_LEVEL").is_none() {
        let level = if on("CONFIG_LOG") { value("CONFIG_LLEXT_LOG_LEVEL").unwrap_or_else(|| "0".into()) } else { "0".into() };
        println!("cargo:rustc-env=LLEXT_RS_LOG_LEVEL={level}");
    }
    // The features the module would pick from Kconfig (cmake/llext_rs_cargo.cmake).
    for (option, feature) in [
        ("CONFIG_LLEXT_RS_ARCH_ARM", "arch-arm"),
        ("CONFIG_LLEXT_RS_ARCH_X86", "arch-x86"),
        ("CONFIG_LLEXT_RS_ARCH_X86_64", "arch-x86_64"),
        ("CONFIG_LLEXT_RS_SHAREDLIB", "elf-shared"),
        ("CONFIG_LLEXT_RS_GOT_VENEERS", "got-veneers"),
        ("CONFIG_LLEXT_RS_PACK_REGIONS", "pack-regions"),
        ("CONFIG_USERSPACE", "userspace"),
        ("CONFIG_LLEXT_EXPORT_BUILTINS_BY_SLID", "slid"),
        ("CONFIG_LLEXT_IMPORT_ALL_GLOBALS", "import-all-globals"),
        ("CONFIG_LLEXT_HEAP_DYNAMIC", "heap-dynamic"),
    ] {
        let enabled = env::var_os(format!("CARGO_FEATURE_{}", feature.to_uppercase().replace('-', "_"))).is_some();
        if on(option) != enabled {
            panic!(
                "llext-rs: {option} is {} in this Zephyr build but feature \"{feature}\" is {}: \
                 give the application's llext-rs dependency the features its Kconfig selects",
                if on(option) { "y" } else { "not set" },
                if enabled { "on" } else { "off" }
            );
        }
    }
}

fn write_headers(root: &Path, dir: &Path, config: &cbindgen::Config) {
    let llext_dir = dir.join("zephyr/llext");
    fs::create_dir_all(&llext_dir).expect("create the header directory");
    for h in HEADERS {
        let mut cfg = config.clone();
        // The guard is written by hand so the hand-written trailer stays inside it.
        cfg.include_guard = None;
        cfg.header = Some(format!("#ifndef {0}\n#define {0}", h.guard));
        cfg.after_includes = h.prologue.map(|p| read(root, p));
        let trailer = h.trailer.map(|t| read(root, t)).unwrap_or_default();
        cfg.trailer = Some(format!("{trailer}\n#endif /* {} */", h.guard));
        cfg.export.include = h.include.iter().map(|s| s.to_string()).collect();
        for s in h.foreign_structs {
            cfg.export.rename.insert(s.to_string(), format!("struct {s}"));
        }
        let mut builder = cbindgen::Builder::new().with_config(cfg);
        for src in h.sources {
            builder = builder.with_src(root.join(src));
        }
        let bindings = builder.generate().unwrap_or_else(|e| panic!("cbindgen failed for {}: {e}", h.name));
        let mut text = Vec::new();
        bindings.write(&mut text);
        let text = String::from_utf8(text).expect("cbindgen writes UTF-8");
        // cbindgen closes a cfg-gated field's `#if` before the field's `;`, leaving a
        // stray `;` in the struct when the condition is false: move it inside.
        let text = text.replace("\n#endif\n  ;\n", ";\n#endif\n");
        write_if_changed(&llext_dir.join(h.name), &text);
    }
    for alias in ALIASES {
        let guard = format!("ZEPHYR_LLEXT_{}", alias.replace('.', "_").to_uppercase());
        let text = format!(
            "/* Generated by llext-rs: Zephyr's {alias} API is part of llext.h. */\n#ifndef {guard}\n#define {guard}\n#include <zephyr/llext/llext.h>\n#endif\n"
        );
        write_if_changed(&llext_dir.join(alias), &text);
    }
}

/// `$OUT_DIR/zephyr_types.rs`: the kernel types of `c/zephyr_types.h` that Rust shares
/// with C, generated from Zephyr's headers with the Zephyr build's clang flags (one per
/// line in `$LLEXT_RS_BINDGEN_ARGS_FILE`, written by cmake/llext_rs_cargo.cmake).
#[cfg(feature = "userspace")]
fn zephyr_types(root: &Path) {
    println!("cargo:rerun-if-env-changed=LLEXT_RS_BINDGEN_ARGS_FILE");
    println!("cargo:rerun-if-env-changed=LIBCLANG_PATH");
    let args_file = PathBuf::from(
        env::var_os("LLEXT_RS_BINDGEN_ARGS_FILE")
            .expect("feature userspace needs LLEXT_RS_BINDGEN_ARGS_FILE (the Zephyr module's CMake sets it)"),
    );
    println!("cargo:rerun-if-changed={}", args_file.display());
    let args = fs::read_to_string(&args_file).unwrap_or_else(|e| panic!("read {}: {e}", args_file.display()));
    let wrapper = root.join("c/zephyr_types.h");
    let bindings = bindgen::Builder::default()
        .header(wrapper.to_string_lossy())
        .clang_args(args.lines().filter(|l| !l.is_empty()))
        // The flags name every include directory; a host clang's would be wrong.
        .detect_include_paths(false)
        .use_core()
        .ctypes_prefix("core::ffi")
        .allowlist_type("k_mem_partition")
        .allowlist_type("k_mem_partition_attr_t")
        .derive_default(true)
        .generate_comments(false)
        .layout_tests(true)
        .formatter(bindgen::Formatter::None)
        // Reruns when any header it read changes (Zephyr's, autoconf.h).
        .parse_callbacks(Box::new(bindgen::CargoCallbacks::new()))
        .generate()
        .unwrap_or_else(|e| {
            panic!("bindgen over {} with the flags in {} failed: {e}", wrapper.display(), args_file.display())
        });
    let out = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("zephyr_types.rs");
    bindings.write_to_file(&out).unwrap_or_else(|e| panic!("write {}: {e}", out.display()));
}

fn read(root: &Path, rel: &str) -> String {
    fs::read_to_string(root.join(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
}

fn write_if_changed(path: &Path, text: &str) {
    if fs::read_to_string(path).ok().as_deref() != Some(text) {
        fs::write(path, text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    }
}
