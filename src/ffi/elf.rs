//! `zephyr/llext/elf.h`: ELF types and constants, field for field as Zephyr 4.3.
#![allow(non_camel_case_types)]

pub type elf32_addr = u32;
pub type elf32_half = u16;
pub type elf32_off = u32;
pub type elf32_sword = i32;
pub type elf32_word = u32;
pub type elf64_addr = u64;
pub type elf64_half = u16;
pub type elf64_off = u64;
pub type elf64_sword = i32;
pub type elf64_word = u32;
pub type elf64_sxword = i64;
pub type elf64_xword = u64;

pub const EI_NIDENT: usize = 16;

#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct elf32_ehdr {
    pub e_ident: [u8; EI_NIDENT],
    pub e_type: elf32_half,
    pub e_machine: elf32_half,
    pub e_version: elf32_word,
    pub e_entry: elf32_addr,
    pub e_phoff: elf32_off,
    pub e_shoff: elf32_off,
    pub e_flags: elf32_word,
    pub e_ehsize: elf32_half,
    pub e_phentsize: elf32_half,
    pub e_phnum: elf32_half,
    pub e_shentsize: elf32_half,
    pub e_shnum: elf32_half,
    pub e_shstrndx: elf32_half,
}

#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct elf64_ehdr {
    pub e_ident: [u8; EI_NIDENT],
    pub e_type: elf64_half,
    pub e_machine: elf64_half,
    pub e_version: elf64_word,
    pub e_entry: elf64_addr,
    pub e_phoff: elf64_off,
    pub e_shoff: elf64_off,
    pub e_flags: elf64_word,
    pub e_ehsize: elf64_half,
    pub e_phentsize: elf64_half,
    pub e_phnum: elf64_half,
    pub e_shentsize: elf64_half,
    pub e_shnum: elf64_half,
    pub e_shstrndx: elf64_half,
}

#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct elf32_shdr {
    pub sh_name: elf32_word,
    pub sh_type: elf32_word,
    pub sh_flags: elf32_word,
    pub sh_addr: elf32_addr,
    pub sh_offset: elf32_off,
    pub sh_size: elf32_word,
    pub sh_link: elf32_word,
    pub sh_info: elf32_word,
    pub sh_addralign: elf32_word,
    pub sh_entsize: elf32_word,
}

#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct elf64_shdr {
    pub sh_name: elf64_word,
    pub sh_type: elf64_word,
    pub sh_flags: elf64_xword,
    pub sh_addr: elf64_addr,
    pub sh_offset: elf64_off,
    pub sh_size: elf64_xword,
    pub sh_link: elf64_word,
    pub sh_info: elf64_word,
    pub sh_addralign: elf64_xword,
    pub sh_entsize: elf64_xword,
}

#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct elf32_sym {
    pub st_name: elf32_word,
    pub st_value: elf32_addr,
    pub st_size: elf32_word,
    pub st_info: u8,
    pub st_other: u8,
    pub st_shndx: elf32_half,
}

#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct elf64_sym {
    pub st_name: elf64_word,
    pub st_info: u8,
    pub st_other: u8,
    pub st_shndx: elf64_half,
    pub st_value: elf64_addr,
    pub st_size: elf64_xword,
}

#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct elf32_rel {
    pub r_offset: elf32_addr,
    pub r_info: elf32_word,
}

#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct elf32_rela {
    pub r_offset: elf32_addr,
    pub r_info: elf32_word,
    pub r_addend: elf32_sword,
}

#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct elf64_rel {
    pub r_offset: elf64_addr,
    pub r_info: elf64_xword,
}

#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct elf64_rela {
    pub r_offset: elf64_addr,
    pub r_info: elf64_xword,
    pub r_addend: elf64_sxword,
}

#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct elf32_phdr {
    pub p_type: elf32_word,
    pub p_offset: elf32_off,
    pub p_vaddr: elf32_addr,
    pub p_paddr: elf32_addr,
    pub p_filesz: elf32_word,
    pub p_memsz: elf32_word,
    pub p_flags: elf32_word,
    pub p_align: elf32_word,
}

#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct elf64_phdr {
    pub p_type: elf64_word,
    pub p_offset: elf64_off,
    pub p_vaddr: elf64_addr,
    pub p_paddr: elf64_addr,
    pub p_filesz: elf64_xword,
    pub p_memsz: elf64_xword,
    pub p_flags: elf64_word,
    pub p_align: elf64_xword,
}

pub const PT_LOAD: u32 = 1;

pub const ET_REL: u16 = 1;
pub const ET_EXEC: u16 = 2;
pub const ET_DYN: u16 = 3;
pub const ET_CORE: u16 = 4;

pub const SHT_NULL: u32 = 0x0;
pub const SHT_PROGBITS: u32 = 0x1;
pub const SHT_SYMTAB: u32 = 0x2;
pub const SHT_STRTAB: u32 = 0x3;
pub const SHT_RELA: u32 = 0x4;
pub const SHT_NOBITS: u32 = 0x8;
pub const SHT_REL: u32 = 0x9;
pub const SHT_DYNSYM: u32 = 0xB;
pub const SHT_INIT_ARRAY: u32 = 0xe;
pub const SHT_FINI_ARRAY: u32 = 0xf;
pub const SHT_PREINIT_ARRAY: u32 = 0x10;

pub const SHF_WRITE: u32 = 0x1;
pub const SHF_ALLOC: u32 = 0x2;
pub const SHF_EXECINSTR: u32 = 0x4;
pub const SHF_MASKOS: u32 = 0x0ff00000;
/// LLEXT-private flag on region descriptors that are targets of relocations.
pub const SHF_LLEXT_HAS_RELOCS: u32 = 0x00100000;
pub const SHF_BASIC_TYPE_MASK: u32 = SHF_WRITE | SHF_ALLOC | SHF_EXECINSTR;

pub const SHN_UNDEF: u16 = 0;
pub const SHN_LORESERVE: u16 = 0xff00;
pub const SHN_ABS: u16 = 0xfff1;
pub const SHN_COMMON: u16 = 0xfff2;
pub const SHN_HIRESERVE: u16 = 0xffff;

pub const STT_NOTYPE: u8 = 0;
pub const STT_OBJECT: u8 = 1;
pub const STT_FUNC: u8 = 2;
pub const STT_SECTION: u8 = 3;
pub const STT_FILE: u8 = 4;
pub const STT_COMMON: u8 = 5;
pub const STT_LOOS: u8 = 10;
pub const STT_HIOS: u8 = 12;
pub const STT_LOPROC: u8 = 13;
pub const STT_HIPROC: u8 = 15;

pub const STB_LOCAL: u8 = 0;
pub const STB_GLOBAL: u8 = 1;
pub const STB_WEAK: u8 = 2;
pub const STB_LOOS: u8 = 10;
pub const STB_HIOS: u8 = 12;
pub const STB_LOPROC: u8 = 13;
pub const STB_HIPROC: u8 = 15;

// Machine-sized aliases: the class this image loads.
#[cfg(target_pointer_width = "64")]
pub type elf_ehdr_t = elf64_ehdr;
#[cfg(not(target_pointer_width = "64"))]
pub type elf_ehdr_t = elf32_ehdr;
#[cfg(target_pointer_width = "64")]
pub type elf_shdr_t = elf64_shdr;
#[cfg(not(target_pointer_width = "64"))]
pub type elf_shdr_t = elf32_shdr;
#[cfg(target_pointer_width = "64")]
pub type elf_phdr_t = elf64_phdr;
#[cfg(not(target_pointer_width = "64"))]
pub type elf_phdr_t = elf32_phdr;
#[cfg(target_pointer_width = "64")]
pub type elf_addr = elf64_addr;
#[cfg(not(target_pointer_width = "64"))]
pub type elf_addr = elf32_addr;
#[cfg(target_pointer_width = "64")]
pub type elf_half = elf64_half;
#[cfg(not(target_pointer_width = "64"))]
pub type elf_half = elf32_half;
#[cfg(target_pointer_width = "64")]
pub type elf_word = elf64_xword;
#[cfg(not(target_pointer_width = "64"))]
pub type elf_word = elf32_word;
#[cfg(target_pointer_width = "64")]
pub type elf_rel_t = elf64_rel;
#[cfg(not(target_pointer_width = "64"))]
pub type elf_rel_t = elf32_rel;
#[cfg(target_pointer_width = "64")]
pub type elf_rela_t = elf64_rela;
#[cfg(not(target_pointer_width = "64"))]
pub type elf_rela_t = elf32_rela;
#[cfg(target_pointer_width = "64")]
pub type elf_sym_t = elf64_sym;
#[cfg(not(target_pointer_width = "64"))]
pub type elf_sym_t = elf32_sym;

const _: () = {
    assert!(core::mem::size_of::<elf32_shdr>() == 40);
    assert!(core::mem::size_of::<elf64_shdr>() == 64);
    assert!(core::mem::size_of::<elf32_ehdr>() == 52);
    assert!(core::mem::size_of::<elf64_ehdr>() == 64);
    assert!(core::mem::size_of::<elf32_sym>() == 16);
    assert!(core::mem::size_of::<elf64_sym>() == 24);
};
