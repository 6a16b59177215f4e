//! Shared helpers of the host integration tests: platforms, base-image tables, and an
//! ELF editor for building corrupted files from real fixtures.
#![allow(dead_code)]

use std::ffi::CString;

use llext_rs::arch::Arch;
use llext_rs::ffi::types::llext_const_symbol;
use llext_rs::load::{LoadParams, NoHooks};
use llext_rs::platform::host::ArenaPlatform;
use llext_rs::registry::Registry;
use llext_rs::source::{SliceSource, Storage};
use llext_rs::symbols::LinkBy;
use llext_testkit::{Arch as FxArch, Fixture};

/// Prints the loader's log to stderr when `LLEXT_LOG` is set (`error`..`trace`).
pub fn init_log() {
    struct Stderr;
    impl log::Log for Stderr {
        fn enabled(&self, _: &log::Metadata) -> bool {
            true
        }
        fn log(&self, r: &log::Record) {
            eprintln!("[{}] {}", r.level(), r.args());
        }
        fn flush(&self) {}
    }
    static LOGGER: Stderr = Stderr;
    if let Ok(level) = std::env::var("LLEXT_LOG") {
        if log::set_logger(&LOGGER).is_ok() {
            log::set_max_level(level.parse().unwrap_or(log::LevelFilter::Debug));
        }
    }
}

/// The loader's architecture for a fixture.
pub fn arch_of(f: &Fixture) -> Arch {
    match f.flavor.arch() {
        FxArch::Arm => Arch::Arm,
        FxArch::X86 => Arch::X86,
        FxArch::X86_64 => Arch::X86_64,
    }
}

/// A base-image export table built at run time (names and addresses leaked: the
/// registry keeps `'static` references).
pub fn base_table(symbols: &[(&str, u64)]) -> &'static [llext_const_symbol] {
    let mut v: Vec<llext_const_symbol> = symbols
        .iter()
        .map(|(n, a)| llext_const_symbol {
            name_or_slid: CString::new(*n).unwrap().into_raw() as usize,
            addr: *a as usize as *const core::ffi::c_void,
        })
        .collect();
    // Sorted like the linker script sorts them, so lookups are binary searches.
    v.sort_by(|a, b| unsafe { std::ffi::CStr::from_ptr(a.name_or_slid as *const _).cmp(std::ffi::CStr::from_ptr(b.name_or_slid as *const _)) });
    Box::leak(v.into_boxed_slice())
}

/// A registry over a cross arena (run addresses from `run_base`) with `base` exports.
pub fn cross_registry(arch: Arch, size: usize, run_base: u64, base: &[(&str, u64)]) -> (&'static ArenaPlatform, Registry) {
    let p = ArenaPlatform::cross(size, run_base).leak();
    let r = Registry::new(p, arch);
    unsafe { r.set_base(base_table(base), LinkBy::Name) };
    (p, r)
}

/// Loads `bytes` and unloads it again; returns the load's errno-style result and checks
/// the heap went back to where it was.
pub fn load_unload(platform: &ArenaPlatform, registry: &Registry, bytes: &[u8], name: &[u8], storage: Storage) -> Result<(), i32> {
    let before = platform.used();
    let mut copy = bytes.to_vec();
    let mut source = match storage {
        Storage::Writable => SliceSource::writable(&mut copy),
        s => SliceSource::new(bytes, s),
    };
    let result = registry.load(&mut source, name, &LoadParams::default(), &mut NoHooks, &mut |_| {});
    let out = match result {
        Ok((ext, _)) => {
            assert_eq!(registry.unload(ext), Ok(0));
            Ok(())
        }
        Err(e) => Err(e.to_errno()),
    };
    assert_eq!(platform.used(), before, "heap not back at its baseline");
    out
}

/// Field offsets of ELF32/ELF64 structures, for editing files in place.
#[derive(Clone)]
pub struct ElfEdit {
    pub bytes: Vec<u8>,
    pub is64: bool,
}

impl ElfEdit {
    pub fn new(bytes: &[u8]) -> Self {
        ElfEdit { bytes: bytes.to_vec(), is64: bytes[4] == 2 }
    }

    pub fn read(&self, off: usize, size: usize) -> u64 {
        let mut b = [0u8; 8];
        b[..size].copy_from_slice(&self.bytes[off..off + size]);
        u64::from_le_bytes(b)
    }

    pub fn write(&mut self, off: usize, size: usize, v: u64) {
        self.bytes[off..off + size].copy_from_slice(&v.to_le_bytes()[..size]);
    }

    fn word(&self) -> usize {
        if self.is64 {
            8
        } else {
            4
        }
    }

    /// (offset, size) of an ELF header field.
    pub fn ehdr(&self, field: &str) -> (usize, usize) {
        let w = self.word();
        match field {
            "e_type" => (16, 2),
            "e_machine" => (18, 2),
            "e_version" => (20, 4),
            "e_shoff" => (24 + 2 * w, w),
            "e_shentsize" => (24 + 3 * w + 10, 2),
            "e_shnum" => (24 + 3 * w + 12, 2),
            "e_shstrndx" => (24 + 3 * w + 14, 2),
            _ => panic!("{field}"),
        }
    }

    pub fn set_ehdr(&mut self, field: &str, v: u64) {
        let (o, s) = self.ehdr(field);
        self.write(o, s, v);
    }

    pub fn get_ehdr(&self, field: &str) -> u64 {
        let (o, s) = self.ehdr(field);
        self.read(o, s)
    }

    pub fn shnum(&self) -> usize {
        self.get_ehdr("e_shnum") as usize
    }

    /// (offset, size) of field `field` of section header `i`.
    pub fn shdr(&self, i: usize, field: &str) -> (usize, usize) {
        let base = self.get_ehdr("e_shoff") as usize + i * if self.is64 { 64 } else { 40 };
        let (o, s) = if self.is64 {
            match field {
                "sh_name" => (0, 4),
                "sh_type" => (4, 4),
                "sh_flags" => (8, 8),
                "sh_addr" => (16, 8),
                "sh_offset" => (24, 8),
                "sh_size" => (32, 8),
                "sh_link" => (40, 4),
                "sh_info" => (44, 4),
                "sh_addralign" => (48, 8),
                "sh_entsize" => (56, 8),
                _ => panic!("{field}"),
            }
        } else {
            match field {
                "sh_name" => (0, 4),
                "sh_type" => (4, 4),
                "sh_flags" => (8, 4),
                "sh_addr" => (12, 4),
                "sh_offset" => (16, 4),
                "sh_size" => (20, 4),
                "sh_link" => (24, 4),
                "sh_info" => (28, 4),
                "sh_addralign" => (32, 4),
                "sh_entsize" => (36, 4),
                _ => panic!("{field}"),
            }
        };
        (base + o, s)
    }

    pub fn get_sh(&self, i: usize, field: &str) -> u64 {
        let (o, s) = self.shdr(i, field);
        self.read(o, s)
    }

    pub fn set_sh(&mut self, i: usize, field: &str, v: u64) {
        let (o, s) = self.shdr(i, field);
        self.write(o, s, v);
    }

    pub fn section_name(&self, i: usize) -> String {
        let strndx = self.get_ehdr("e_shstrndx") as usize;
        let off = self.get_sh(strndx, "sh_offset") as usize + self.get_sh(i, "sh_name") as usize;
        let end = self.bytes[off..].iter().position(|&b| b == 0).unwrap();
        String::from_utf8_lossy(&self.bytes[off..off + end]).into_owned()
    }

    pub fn section(&self, name: &str) -> usize {
        (0..self.shnum()).find(|&i| self.section_name(i) == name).unwrap_or_else(|| panic!("no section {name}"))
    }

    pub fn section_of_type(&self, sh_type: u64) -> usize {
        (0..self.shnum()).find(|&i| self.get_sh(i, "sh_type") == sh_type).unwrap_or_else(|| panic!("no section of type {sh_type}"))
    }

    /// First relocation section (SHT_REL or SHT_RELA) whose target is `target`.
    pub fn rel_for(&self, target: usize) -> usize {
        (0..self.shnum())
            .find(|&i| matches!(self.get_sh(i, "sh_type"), 4 | 9) && self.get_sh(i, "sh_info") as usize == target)
            .unwrap_or_else(|| panic!("no relocations for section {target}"))
    }

    /// Offset of relocation entry `j` of section `rel` and its r_info field.
    pub fn rel_entry(&self, rel: usize, j: usize) -> (usize, usize) {
        let entsize = self.get_sh(rel, "sh_entsize") as usize;
        let off = self.get_sh(rel, "sh_offset") as usize + j * entsize;
        (off, off + self.word())
    }

    pub fn symtab(&self) -> usize {
        self.section_of_type(2)
    }

    /// Offset of symbol `k` and (st_name, st_shndx) field offsets.
    pub fn sym(&self, k: usize) -> (usize, usize) {
        let symtab = self.symtab();
        let size = if self.is64 { 24 } else { 16 };
        let off = self.get_sh(symtab, "sh_offset") as usize + k * size;
        (off, off + if self.is64 { 6 } else { 14 })
    }

    pub fn symbol_name(&self, k: usize) -> String {
        let symtab = self.symtab();
        let strtab = self.get_sh(symtab, "sh_link") as usize;
        let (off, _) = self.sym(k);
        let name = self.read(off, 4) as usize;
        let start = self.get_sh(strtab, "sh_offset") as usize + name;
        let end = self.bytes[start..].iter().position(|&b| b == 0).unwrap();
        String::from_utf8_lossy(&self.bytes[start..start + end]).into_owned()
    }

    pub fn symbol(&self, name: &str) -> usize {
        let n = self.get_sh(self.symtab(), "sh_size") as usize / if self.is64 { 24 } else { 16 };
        (1..n).find(|&k| self.symbol_name(k) == name).unwrap_or_else(|| panic!("no symbol {name}"))
    }

    /// Byte offset of the string `s` inside the file (first occurrence).
    pub fn find_bytes(&self, s: &[u8]) -> usize {
        self.bytes.windows(s.len()).position(|w| w == s).unwrap_or_else(|| panic!("{:?} not in file", String::from_utf8_lossy(s)))
    }
}

/// Prints a figures line and writes it where CI shows it (scripts/test.sh prints
/// target/figures/*.txt after the host suite; LLEXT_FIGURES_DIR elsewhere, for runs
/// whose figures are not the suite's, such as under valgrind).
pub fn report(file: &str, line: &str) {
    eprintln!("{line}");
    let dir = std::env::var_os("LLEXT_FIGURES_DIR")
        .map_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/figures"), std::path::PathBuf::from);
    if std::fs::create_dir_all(&dir).is_ok() {
        let _ = std::fs::write(dir.join(file), format!("{line}\n"));
    }
}
