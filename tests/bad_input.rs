//! Bad input: corruptions of real fixtures (ARM, i686 PIC, x86_64 PIC objects). Each
//! must come back as Zephyr's errno — never a panic, never an out-of-bounds access —
//! with the heap back at its baseline.

mod common;

use common::{cross_registry, load_unload, ElfEdit};
use llext_rs::arch::Arch;
use llext_rs::load::{LoadParams, NoHooks};
use llext_rs::source::{SliceSource, Storage};
use llext_testkit::{fixtures, Codegen, ElfKind, Flavor};

const ENOENT: i32 = -libc::ENOENT;
const ENOEXEC: i32 = -libc::ENOEXEC;
const ENOMEM: i32 = -libc::ENOMEM;
const EINVAL: i32 = -libc::EINVAL;
const ENODATA: i32 = -libc::ENODATA;

/// Base-image symbols the hello_world fixture imports, at made-up addresses.
const BASE: &[(&str, u64)] = &[("printk", 0x1001), ("base_add", 0x1101), ("base_counter", 0x2000_f000)];

/// One corruption: a name, the edit, and the errno it must produce.
struct Case {
    name: &'static str,
    edit: fn(&mut ElfEdit),
    want: i32,
}

const SHT_REL: u64 = 9;
const SHT_RELA: u64 = 4;

fn text(e: &ElfEdit) -> usize {
    e.section(".text")
}

fn first_rel(e: &ElfEdit) -> usize {
    (0..e.shnum())
        .find(|&i| matches!(e.get_sh(i, "sh_type"), SHT_REL | SHT_RELA) && e.get_sh(e.get_sh(i, "sh_info") as usize, "sh_flags") & 2 != 0)
        .expect("a relocation section for an allocated section")
}

fn truncate(e: &mut ElfEdit, len: usize) {
    e.bytes.truncate(len);
}

fn cases() -> Vec<Case> {
    vec![
        Case { name: "empty file", edit: |e| truncate(e, 0), want: ENOEXEC },
        Case { name: "truncated in e_ident", edit: |e| truncate(e, 10), want: ENOEXEC },
        Case { name: "truncated after e_ident", edit: |e| truncate(e, 16), want: ENOEXEC },
        Case { name: "truncated mid ELF header", edit: |e| truncate(e, 40), want: ENOEXEC },
        Case {
            name: "truncated at end of ELF header",
            edit: |e| {
                let n = if e.is64 { 64 } else { 52 };
                truncate(e, n)
            },
            want: ENOEXEC,
        },
        Case {
            name: "truncated at section table start",
            edit: |e| {
                let n = e.get_ehdr("e_shoff") as usize;
                truncate(e, n)
            },
            want: ENOEXEC,
        },
        Case {
            name: "truncated mid section table",
            edit: |e| {
                let n = e.get_ehdr("e_shoff") as usize + 3 * if e.is64 { 64 } else { 40 } + 7;
                truncate(e, n)
            },
            want: ENOEXEC,
        },
        Case {
            name: "truncated inside .text (table moved before it)",
            edit: |e| {
                // Keep the header table: cut the bytes of .text by making it extend past the end.
                let t = text(e);
                let end = e.bytes.len() as u64;
                let off = e.get_sh(t, "sh_offset");
                e.set_sh(t, "sh_size", end - off + 1);
            },
            want: ENOEXEC,
        },
        Case { name: "bad magic", edit: |e| e.bytes[1] = b'X', want: ENOEXEC },
        Case { name: "wrong class", edit: |e| e.bytes[4] = if e.is64 { 1 } else { 2 }, want: ENOEXEC },
        Case { name: "big-endian data", edit: |e| e.bytes[5] = 2, want: ENOEXEC },
        Case { name: "EI_VERSION 0", edit: |e| e.bytes[6] = 0, want: ENOEXEC },
        Case {
            name: "wrong machine",
            edit: |e| {
                let m = if e.get_ehdr("e_machine") == 40 { 3 } else { 40 };
                e.set_ehdr("e_machine", m)
            },
            want: ENOEXEC,
        },
        Case { name: "ET_EXEC", edit: |e| e.set_ehdr("e_type", 2), want: ENOEXEC },
        Case { name: "ET_CORE", edit: |e| e.set_ehdr("e_type", 4), want: ENOEXEC },
        Case { name: "wrong e_shentsize", edit: |e| e.set_ehdr("e_shentsize", 12), want: ENOEXEC },
        Case { name: "huge e_shnum", edit: |e| e.set_ehdr("e_shnum", 0xffff), want: ENOEXEC },
        Case { name: "e_shnum 0", edit: |e| e.set_ehdr("e_shnum", 0), want: ENOEXEC },
        Case {
            name: "e_shoff past the end",
            edit: |e| {
                let n = e.bytes.len() as u64 + 8;
                e.set_ehdr("e_shoff", n)
            },
            want: ENOEXEC,
        },
        Case {
            name: "e_shoff near the top of the address space",
            edit: |e| {
                let v = if e.is64 { u64::MAX - 16 } else { u32::MAX as u64 - 16 };
                e.set_ehdr("e_shoff", v)
            },
            want: ENOEXEC,
        },
        Case { name: "e_shstrndx out of range", edit: |e| { let n = e.shnum() as u64; e.set_ehdr("e_shstrndx", n) }, want: ENOEXEC },
        Case { name: "e_shstrndx 0", edit: |e| e.set_ehdr("e_shstrndx", 0), want: ENOEXEC },
        Case { name: "e_shstrndx names a non-string table", edit: |e| { let t = text(e) as u64; e.set_ehdr("e_shstrndx", t) }, want: ENOEXEC },
        Case { name: "sh_offset past the end", edit: |e| { let t = text(e); let n = e.bytes.len() as u64 + 64; e.set_sh(t, "sh_offset", n) }, want: ENOEXEC },
        Case {
            name: "sh_offset + sh_size overflows",
            edit: |e| {
                let t = text(e);
                let top = if e.is64 { u64::MAX - 8 } else { u32::MAX as u64 - 8 };
                e.set_sh(t, "sh_offset", top);
                e.set_sh(t, "sh_size", 64);
            },
            want: ENOEXEC,
        },
        Case { name: "huge sh_size", edit: |e| { let t = text(e); e.set_sh(t, "sh_size", 0x7fff_0000) }, want: ENOEXEC },
        Case {
            name: "sections overlap in the file",
            edit: |e| {
                let t = text(e);
                let s = e.symtab();
                let off = e.get_sh(t, "sh_offset");
                e.set_sh(s, "sh_offset", off);
            },
            want: ENOEXEC,
        },
        Case { name: "sh_name past the name table", edit: |e| { let t = text(e); e.set_sh(t, "sh_name", 0x00ff_ffff) }, want: ENOEXEC },
        Case { name: "non-power-of-two alignment", edit: |e| { let t = text(e); e.set_sh(t, "sh_addralign", 12) }, want: ENOEXEC },
        Case { name: "symtab sh_link out of range", edit: |e| { let s = e.symtab(); e.set_sh(s, "sh_link", 0x1234) }, want: ENOEXEC },
        Case { name: "symtab sh_link to a non-string table", edit: |e| { let s = e.symtab(); let t = text(e) as u64; e.set_sh(s, "sh_link", t) }, want: ENOEXEC },
        Case { name: "symtab sh_entsize wrong", edit: |e| { let s = e.symtab(); e.set_sh(s, "sh_entsize", 7) }, want: ENOEXEC },
        Case { name: "symtab size not a multiple of entries", edit: |e| { let s = e.symtab(); let n = e.get_sh(s, "sh_size") - 3; e.set_sh(s, "sh_size", n) }, want: ENOEXEC },
        Case { name: "no symbol table", edit: |e| { let s = e.symtab(); e.set_sh(s, "sh_type", 1) }, want: ENOEXEC },
        Case { name: "relocation sh_info out of range", edit: |e| { let r = first_rel(e); e.set_sh(r, "sh_info", 0xffff) }, want: ENOEXEC },
        Case { name: "relocation sh_link not a symbol table", edit: |e| { let r = first_rel(e); let t = text(e) as u64; e.set_sh(r, "sh_link", t) }, want: ENOEXEC },
        Case { name: "relocation sh_entsize wrong", edit: |e| { let r = first_rel(e); e.set_sh(r, "sh_entsize", 5) }, want: ENOEXEC },
        Case { name: "relocation size not a multiple of entries", edit: |e| { let r = first_rel(e); let n = e.get_sh(r, "sh_size") + 1; e.set_sh(r, "sh_size", n) }, want: ENOEXEC },
        Case {
            name: "relocation offset outside its section",
            edit: |e| {
                let r = first_rel(e);
                let target = e.get_sh(r, "sh_info") as usize;
                let (off, _) = e.rel_entry(r, 0);
                let size = e.get_sh(target, "sh_size");
                let w = if e.is64 { 8 } else { 4 };
                e.write(off, w, size + 2);
            },
            want: ENOEXEC,
        },
        Case {
            name: "relocation symbol index past the table",
            edit: |e| {
                let r = first_rel(e);
                let (_, info) = e.rel_entry(r, 0);
                if e.is64 {
                    let t = e.read(info, 8) & 0xffff_ffff;
                    e.write(info, 8, t | (0x00ff_ffff << 32));
                } else {
                    let t = e.read(info, 4) & 0xff;
                    e.write(info, 4, t | (0x00ff_ffff << 8));
                }
            },
            want: ENOEXEC,
        },
        Case {
            name: "unknown relocation type",
            edit: |e| {
                let r = first_rel(e);
                let (_, info) = e.rel_entry(r, 0);
                let v = e.read(info, 4);
                e.write(info, 4, (v & !0xff) | 0xfe);
            },
            want: ENOEXEC,
        },
        Case {
            name: "symbol st_shndx out of range",
            edit: |e| {
                let k = e.symbol("test_entry");
                let (_, shndx) = e.sym(k);
                e.write(shndx, 2, 0x0f00);
            },
            want: ENOEXEC,
        },
        Case {
            name: "symbol st_shndx reserved (COMMON)",
            edit: |e| {
                let k = e.symbol("test_entry");
                let (_, shndx) = e.sym(k);
                e.write(shndx, 2, 0xfff2);
            },
            want: ENOEXEC,
        },
        Case {
            name: "symbol st_name past the string table",
            edit: |e| {
                let k = e.symbol("printk");
                let (off, _) = e.sym(k);
                e.write(off, 4, 0x00ff_ffff);
            },
            want: ENOEXEC,
        },
        Case {
            name: "reference to an unexported symbol",
            edit: |e| {
                let at = e.find_bytes(b"printk\0");
                e.bytes[at + 5] = b'X';
            },
            want: ENODATA,
        },
        Case {
            name: "init array with a bad entry size",
            edit: |e| {
                let t = text(e);
                e.set_sh(t, "sh_type", 14);
            },
            want: ENOEXEC,
        },
    ]
}

/// Flavors the table runs on: one per architecture, the PIC ones where they exist.
fn flavors() -> [Flavor; 3] {
    [
        Flavor::new(Codegen::Arm, ElfKind::Object),
        Flavor::new(Codegen::I686Pic, ElfKind::Object),
        Flavor::new(Codegen::X86_64Pic, ElfKind::Object),
    ]
}

fn arch(flavor: Flavor) -> Arch {
    common::arch_of(fixtures::get("hello_world", flavor))
}

#[test]
fn corruption_table() {
    let mut failures = Vec::new();
    let mut count = 0;
    for flavor in flavors() {
        let fixture = fixtures::get("hello_world", flavor);
        let (platform, registry) = cross_registry(arch(flavor), 1 << 20, 0x2000_0000, BASE);
        // The intact file loads: the corruptions below are what breaks it.
        assert_eq!(load_unload(platform, &registry, fixture.bytes, b"hello", Storage::Temporary), Ok(()), "{flavor}: intact fixture");
        for case in cases() {
            for storage in [Storage::Temporary, Storage::Persistent, Storage::Writable] {
                let mut e = common::ElfEdit::new(fixture.bytes);
                (case.edit)(&mut e);
                count += 1;
                let got = load_unload(platform, &registry, &e.bytes, b"bad", storage);
                if got != Err(case.want) {
                    failures.push(format!("{flavor} {storage:?} {}: got {got:?}, want Err({})", case.name, case.want));
                }
            }
        }
    }
    eprintln!("{count} corrupted loads checked");
    assert!(failures.is_empty(), "{} of {count} corruptions misreported:\n{}", failures.len(), failures.join("\n"));
    assert!(cases().len() >= 30);
}

#[test]
fn names_and_memory() {
    let flavor = Flavor::new(Codegen::Arm, ElfKind::Object);
    let fixture = fixtures::get("hello_world", flavor);
    let (platform, registry) = cross_registry(Arch::Arm, 1 << 20, 0x2000_0000, BASE);
    // LLEXT_MAX_NAME_LEN is 15: longer names are cut, as Zephyr cuts them (the kept name
    // is checked below); an empty name or one with a NUL is refused.
    assert_eq!(load_unload(platform, &registry, fixture.bytes, b"sixteen_chars_xx", Storage::Temporary), Ok(()));
    assert_eq!(load_unload(platform, &registry, fixture.bytes, b"", Storage::Temporary), Err(EINVAL));
    assert_eq!(load_unload(platform, &registry, fixture.bytes, b"nul\0inside", Storage::Temporary), Err(EINVAL));
    assert_eq!(load_unload(platform, &registry, fixture.bytes, b"fifteen_chars_x", Storage::Temporary), Ok(()));
    // The kept name is the first 15 bytes: found by them, and a second load under the
    // long name is the same extension (use count 2), as in Zephyr.
    let mut source = SliceSource::new(fixture.bytes, Storage::Temporary);
    let (ext, _) = registry.load(&mut source, b"sixteen_chars_xx", &LoadParams::default(), &mut NoHooks, &mut |_| {}).unwrap();
    assert_eq!(registry.by_name(b"sixteen_chars_x"), ext);
    let mut again = SliceSource::new(fixture.bytes, Storage::Temporary);
    let (same, previous) = registry.load(&mut again, b"sixteen_chars_xy", &LoadParams::default(), &mut NoHooks, &mut |_| {}).unwrap();
    assert_eq!((same, previous), (ext, 1));
    assert_eq!(registry.unload(ext), Ok(1));
    assert_eq!(registry.unload(ext), Ok(0));

    // A heap too small for the extension.
    let (small, small_registry) = cross_registry(Arch::Arm, 512, 0x2000_0000, BASE);
    assert_eq!(load_unload(small, &small_registry, fixture.bytes, b"hello", Storage::Temporary), Err(ENOMEM));
    let _ = ENOENT;
}
