//! Execution harness on Unicorn: runs ARM (Cortex-M3, Thumb), i386 and
//! x86_64 extension code placed at 32-bit run addresses, against a tiny
//! emulated base image.
//!
//! Memory map (see [`Layout`]): a "flash" page of base-image function stubs,
//! a RAM region for extension memory, a page of base-image data
//! (`base_counter`) and a stack. Each stub is a return instruction (`bx lr` /
//! `ret`); a code hook runs when execution reaches a stub, reads the
//! arguments per the ABI (AAPCS r0-r3 then stack; i386 cdecl stack; SysV
//! x86_64 registers then stack), does the work in Rust, and sets the return
//! register; the stub's return instruction then goes back to the caller.
//! Everything else in the stub page traps (`udf` / `ud2`), so a branch that a
//! bad relocation sends to a wrong base address fails instead of running on.

use std::fmt;

use unicorn_engine::unicorn_const::{uc_error, Arch as UcArch, Mode, Prot};
use unicorn_engine::{ArmCpuModel, RegisterARM, RegisterX86, Unicorn};

pub use crate::fixtures::Arch;

/// Where things live in the emulated address space.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layout {
    /// Base-image function stubs (one page).
    pub stubs: u64,
    /// Extension memory.
    pub ram: u64,
    pub ram_size: u64,
    /// Base-image data objects (one page).
    pub base_data: u64,
    /// Initial stack pointer; the stack is the `stack_size` bytes below.
    pub stack_top: u64,
    pub stack_size: u64,
}

impl Layout {
    /// Stubs just below RAM: within ARM BL range (+-16 MiB) of all of RAM,
    /// so code built without `-mlong-calls` links without veneers.
    pub const NEAR: Layout = Layout {
        stubs: 0x1ff0_0000,
        ram: 0x2000_0000,
        ram_size: 0x80_0000,
        base_data: 0x2080_0000,
        stack_top: 0x2090_0000,
        stack_size: 0x1_0000,
    };
    /// Stubs in Cortex-M flash (0x0800_0000), out of BL range of RAM: what
    /// Zephyr's `-mlong-calls` default is for.
    pub const FAR: Layout = Layout {
        stubs: 0x0800_0000,
        ..Layout::NEAR
    };
}

impl Default for Layout {
    fn default() -> Layout {
        Layout::NEAR
    }
}

/// The base-image functions, in stub order.
pub const BASE_FUNCTIONS: [&str; 4] = ["printk", "base_add", "memcpy", "memset"];
/// The base-image data objects, with their offsets in the data page.
pub const BASE_DATA: [(&str, u64); 1] = [("base_counter", 0)];

const STUB_STRIDE: u64 = 16;
/// Offset of the return sentinel in the stub page: calls return here and
/// emulation stops.
const RETURN_OFFSET: u64 = 0xf00;
const PAGE: u64 = 0x1000;

/// Why a call did not return normally.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EmuError {
    /// Unicorn stopped with an error (unmapped access, invalid instruction,
    /// ...), at `pc`.
    Cpu { error: uc_error, pc: u64 },
    /// The instruction budget (or time limit, if set) ran out: a loop, or a
    /// jump into a NOP sled; `pc` is where it stopped.
    Budget { pc: u64 },
    /// A base-image stub could not do its job (bad format string, bad
    /// pointer).
    Base(String),
    /// Bad use of the harness itself (e.g. too many arguments).
    Usage(String),
}

impl fmt::Display for EmuError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EmuError::Cpu { error, pc } => write!(f, "CPU error {error:?} at pc {pc:#x}"),
            EmuError::Budget { pc } => write!(
                f,
                "instruction budget or time limit exhausted at pc {pc:#x}"
            ),
            EmuError::Base(m) => write!(f, "base image: {m}"),
            EmuError::Usage(m) => write!(f, "harness: {m}"),
        }
    }
}
impl std::error::Error for EmuError {}

struct State {
    arch: Arch,
    layout: Layout,
    output: String,
    error: Option<String>,
}

/// An emulated CPU with the base image mapped.
pub struct Emu {
    uc: Unicorn<'static, State>,
    arch: Arch,
    layout: Layout,
    /// Instructions per call (0 = unlimited). This is what stops runaway
    /// code, deterministically.
    pub budget: usize,
    /// Microseconds per call (0 = unlimited, the default). Off by default:
    /// with Unicorn 2.1.5, the timeout's timer thread stops emulation early
    /// (after well under a second) now and then when several emulators run
    /// on different threads, as cargo test's parallel tests do.
    pub timeout_us: u64,
}

fn page_down(a: u64) -> u64 {
    a & !(PAGE - 1)
}
fn page_up(a: u64) -> u64 {
    (a + PAGE - 1) & !(PAGE - 1)
}

impl Emu {
    /// An emulator for `arch` with [`Layout::NEAR`].
    pub fn new(arch: Arch) -> Emu {
        Emu::with_layout(arch, Layout::NEAR).expect("Unicorn setup failed")
    }

    pub fn with_layout(arch: Arch, layout: Layout) -> Result<Emu, EmuError> {
        let state = State {
            arch,
            layout,
            output: String::new(),
            error: None,
        };
        let cpu = |error| EmuError::Cpu { error, pc: 0 };
        let mut uc = match arch {
            Arch::Arm => {
                let mut uc = Unicorn::new_with_data(UcArch::ARM, Mode::THUMB | Mode::MCLASS, state)
                    .map_err(cpu)?;
                uc.ctl_set_cpu_model(ArmCpuModel::CORTEX_M3.into())
                    .map_err(cpu)?;
                uc
            }
            Arch::X86 => Unicorn::new_with_data(UcArch::X86, Mode::MODE_32, state).map_err(cpu)?,
            Arch::X86_64 => {
                Unicorn::new_with_data(UcArch::X86, Mode::MODE_64, state).map_err(cpu)?
            }
        };

        uc.mem_map(layout.stubs, PAGE, Prot::READ | Prot::EXEC)
            .map_err(cpu)?;
        uc.mem_map(layout.ram, page_up(layout.ram_size), Prot::ALL)
            .map_err(cpu)?;
        uc.mem_map(layout.base_data, PAGE, Prot::READ | Prot::WRITE)
            .map_err(cpu)?;
        let stack_base = page_down(layout.stack_top - layout.stack_size);
        uc.mem_map(
            stack_base,
            page_up(layout.stack_top) - stack_base,
            Prot::READ | Prot::WRITE,
        )
        .map_err(cpu)?;

        // Trap everywhere in the stub page, a return instruction per stub.
        let (trap, ret): (&[u8], &[u8]) = match arch {
            Arch::Arm => (&[0xfe, 0xde], &[0x70, 0x47]), // udf #0xfe ; bx lr
            Arch::X86 | Arch::X86_64 => (&[0x0f, 0x0b], &[0xc3]), // ud2 ; ret
        };
        let mut page: Vec<u8> = trap.iter().copied().cycle().take(PAGE as usize).collect();
        for i in 0..BASE_FUNCTIONS.len() as u64 {
            let o = (i * STUB_STRIDE) as usize;
            page[o..o + ret.len()].copy_from_slice(ret);
        }
        uc.mem_write(layout.stubs, &page).map_err(cpu)?;

        let stub_end = layout.stubs + BASE_FUNCTIONS.len() as u64 * STUB_STRIDE - 1;
        uc.add_code_hook(layout.stubs, stub_end, |uc, addr, _size| {
            let st = uc.get_data();
            let index = ((addr - st.layout.stubs) / STUB_STRIDE) as usize;
            if addr != st.layout.stubs + index as u64 * STUB_STRIDE {
                return; // not a stub entry (cannot happen: stubs are one instruction)
            }
            if let Err(e) = run_base_function(uc, index) {
                uc.get_data_mut().error = Some(e);
                let _ = uc.emu_stop();
            }
        })
        .map_err(cpu)?;

        Ok(Emu {
            uc,
            arch,
            layout,
            budget: 20_000_000,
            timeout_us: 0,
        })
    }

    pub fn arch(&self) -> Arch {
        self.arch
    }
    pub fn layout(&self) -> Layout {
        self.layout
    }

    /// Map more read/write/execute memory (page-aligned outward).
    pub fn map(&mut self, addr: u64, size: u64) -> Result<(), EmuError> {
        let start = page_down(addr);
        self.uc
            .mem_map(start, page_up(addr + size) - start, Prot::ALL)
            .map_err(|error| EmuError::Cpu { error, pc: 0 })
    }

    /// The base image's exported symbols: (name, run address). ARM function
    /// addresses have bit 0 set (Thumb), as `&function` does in C.
    pub fn base_symbols(&self) -> Vec<(String, u64)> {
        let thumb = u64::from(self.arch == Arch::Arm);
        let mut v: Vec<(String, u64)> = BASE_FUNCTIONS
            .iter()
            .enumerate()
            .map(|(i, n)| {
                (
                    n.to_string(),
                    (self.layout.stubs + i as u64 * STUB_STRIDE) | thumb,
                )
            })
            .collect();
        v.extend(
            BASE_DATA
                .iter()
                .map(|(n, o)| (n.to_string(), self.layout.base_data + o)),
        );
        v
    }

    /// Run address of one base-image symbol.
    pub fn base_symbol(&self, name: &str) -> Option<u64> {
        self.base_symbols()
            .into_iter()
            .find(|(n, _)| n == name)
            .map(|(_, a)| a)
    }

    /// Copy `bytes` to `addr`.
    pub fn load(&mut self, addr: u64, bytes: &[u8]) -> Result<(), EmuError> {
        self.uc
            .mem_write(addr, bytes)
            .map_err(|error| EmuError::Cpu { error, pc: addr })
    }

    pub fn read(&self, addr: u64, len: usize) -> Result<Vec<u8>, EmuError> {
        self.uc
            .mem_read_as_vec(addr, len)
            .map_err(|error| EmuError::Cpu { error, pc: addr })
    }

    pub fn read_u32(&self, addr: u64) -> Result<u32, EmuError> {
        let b = self.read(addr, 4)?;
        Ok(u32::from_le_bytes(b.try_into().unwrap()))
    }

    pub fn read_u64(&self, addr: u64) -> Result<u64, EmuError> {
        let b = self.read(addr, 8)?;
        Ok(u64::from_le_bytes(b.try_into().unwrap()))
    }

    /// Read a pointer-sized value (4 bytes on ARM/i386, 8 on x86_64).
    pub fn read_ptr(&self, addr: u64) -> Result<u64, EmuError> {
        match self.arch {
            Arch::X86_64 => self.read_u64(addr),
            _ => self.read_u32(addr).map(u64::from),
        }
    }

    pub fn write_u32(&mut self, addr: u64, v: u32) -> Result<(), EmuError> {
        self.load(addr, &v.to_le_bytes())
    }

    /// NUL-terminated string at `addr` (at most 4 KiB).
    pub fn read_cstr(&self, addr: u64) -> Result<String, EmuError> {
        read_cstr(&self.uc, addr).map_err(EmuError::Base)
    }

    pub fn base_counter(&self) -> i32 {
        self.read_u32(self.layout.base_data + BASE_DATA[0].1)
            .expect("base data is mapped") as i32
    }

    pub fn set_base_counter(&mut self, v: i32) {
        self.write_u32(self.layout.base_data + BASE_DATA[0].1, v as u32)
            .expect("base data is mapped");
    }

    /// Everything printk printed so far.
    pub fn output(&self) -> &str {
        &self.uc.get_data().output
    }

    /// printk output so far, clearing it.
    pub fn take_output(&mut self) -> String {
        std::mem::take(&mut self.uc.get_data_mut().output)
    }

    /// Call the function at `addr` with integer/pointer `args` (at most 4
    /// on ARM in registers plus any on the stack; any number on i386; at
    /// most 6 on x86_64) and return its integer return register (r0 / eax /
    /// rax; 32-bit values zero-extended).
    pub fn call(&mut self, addr: u64, args: &[u64]) -> Result<u64, EmuError> {
        let sentinel = self.layout.stubs + RETURN_OFFSET;
        let top = self.layout.stack_top & !0xf;
        let cpu = |error| EmuError::Cpu { error, pc: addr };
        self.uc.get_data_mut().error = None;
        let begin = match self.arch {
            Arch::Arm => {
                let regs = [
                    RegisterARM::R0,
                    RegisterARM::R1,
                    RegisterARM::R2,
                    RegisterARM::R3,
                ];
                let stacked = args.len().saturating_sub(4);
                // AAPCS: 8-byte aligned SP at calls; extra args at [sp], [sp+4], ...
                let sp = (top - 4 * stacked as u64) & !7;
                for (i, a) in args.iter().enumerate() {
                    if i < 4 {
                        self.uc.reg_write(regs[i], *a & 0xffff_ffff).map_err(cpu)?;
                    } else {
                        self.write_u32(sp + 4 * (i as u64 - 4), *a as u32)?;
                    }
                }
                self.uc.reg_write(RegisterARM::SP, sp).map_err(cpu)?;
                self.uc
                    .reg_write(RegisterARM::LR, sentinel | 1)
                    .map_err(cpu)?;
                addr | 1
            }
            Arch::X86 => {
                // cdecl: args right to left, then the return address.
                let sp = top - 4 * (args.len() as u64 + 1);
                self.write_u32(sp, sentinel as u32)?;
                for (i, a) in args.iter().enumerate() {
                    self.write_u32(sp + 4 * (i as u64 + 1), *a as u32)?;
                }
                self.uc.reg_write(RegisterX86::ESP, sp).map_err(cpu)?;
                addr
            }
            Arch::X86_64 => {
                if args.len() > 6 {
                    return Err(EmuError::Usage("at most 6 arguments on x86_64".into()));
                }
                let regs = [
                    RegisterX86::RDI,
                    RegisterX86::RSI,
                    RegisterX86::RDX,
                    RegisterX86::RCX,
                    RegisterX86::R8,
                    RegisterX86::R9,
                ];
                for (r, a) in regs.iter().zip(args) {
                    self.uc.reg_write(*r, *a).map_err(cpu)?;
                }
                // At entry (rsp + 8) is 16-byte aligned.
                let sp = top - 8;
                self.load(sp, &sentinel.to_le_bytes())?;
                self.uc.reg_write(RegisterX86::RSP, sp).map_err(cpu)?;
                self.uc.reg_write(RegisterX86::RAX, 0).map_err(cpu)?;
                addr
            }
        };

        let result = self
            .uc
            .emu_start(begin, sentinel, self.timeout_us, self.budget);
        let pc = self.pc();
        if let Some(e) = self.uc.get_data_mut().error.take() {
            return Err(EmuError::Base(e));
        }
        result.map_err(|error| EmuError::Cpu { error, pc })?;
        if pc & !1 != sentinel {
            return Err(EmuError::Budget { pc });
        }
        let ret = match self.arch {
            Arch::Arm => self.uc.reg_read(RegisterARM::R0),
            Arch::X86 => self.uc.reg_read(RegisterX86::EAX),
            Arch::X86_64 => self.uc.reg_read(RegisterX86::RAX),
        }
        .map_err(|error| EmuError::Cpu { error, pc })?;
        Ok(ret)
    }

    /// The program counter. (Unicorn's `pc_read` rejects the Thumb|MClass
    /// mode, so read the register directly.)
    pub fn pc(&self) -> u64 {
        match self.arch {
            Arch::Arm => self.uc.reg_read(RegisterARM::PC),
            Arch::X86 => self.uc.reg_read(RegisterX86::EIP),
            Arch::X86_64 => self.uc.reg_read(RegisterX86::RIP),
        }
        .unwrap_or(0)
    }

    /// [`Emu::call`] for functions returning `int`.
    pub fn call_i32(&mut self, addr: u64, args: &[i64]) -> Result<i32, EmuError> {
        let args: Vec<u64> = args.iter().map(|a| *a as u64).collect();
        self.call(addr, &args).map(|r| r as u32 as i32)
    }
}

// ---------------------------------------------------------------------------
// Base-image functions

fn read_cstr(uc: &Unicorn<'_, State>, addr: u64) -> Result<String, String> {
    let mut bytes = Vec::new();
    let mut b = [0u8];
    loop {
        uc.mem_read(addr + bytes.len() as u64, &mut b)
            .map_err(|e| format!("string at {addr:#x} unreadable ({e:?})"))?;
        if b[0] == 0 {
            break;
        }
        bytes.push(b[0]);
        if bytes.len() > 4096 {
            return Err(format!("string at {addr:#x} longer than 4 KiB"));
        }
    }
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Integer argument `i` of the function being entered, per the ABI.
fn arg(uc: &Unicorn<'_, State>, i: usize) -> Result<u64, String> {
    let reg = |r: i32| uc.reg_read(r).map_err(|e| format!("register read: {e:?}"));
    let mem = |a: u64, n: usize| -> Result<u64, String> {
        let mut b = [0u8; 8];
        uc.mem_read(a, &mut b[..n])
            .map_err(|e| format!("stack read at {a:#x}: {e:?}"))?;
        Ok(u64::from_le_bytes(b))
    };
    match uc.get_data().arch {
        Arch::Arm => {
            if i < 4 {
                reg(i32::from(RegisterARM::R0) + i as i32)
            } else {
                mem(reg(RegisterARM::SP.into())? + 4 * (i as u64 - 4), 4)
            }
        }
        Arch::X86 => mem(reg(RegisterX86::ESP.into())? + 4 + 4 * i as u64, 4),
        Arch::X86_64 => {
            const REGS: [RegisterX86; 6] = [
                RegisterX86::RDI,
                RegisterX86::RSI,
                RegisterX86::RDX,
                RegisterX86::RCX,
                RegisterX86::R8,
                RegisterX86::R9,
            ];
            match REGS.get(i) {
                Some(r) => reg((*r).into()),
                None => mem(reg(RegisterX86::RSP.into())? + 8 + 8 * (i as u64 - 6), 8),
            }
        }
    }
}

fn set_return(uc: &mut Unicorn<'_, State>, v: u64) -> Result<(), String> {
    let r = match uc.get_data().arch {
        Arch::Arm => uc.reg_write(RegisterARM::R0, v & 0xffff_ffff),
        Arch::X86 => uc.reg_write(RegisterX86::EAX, v & 0xffff_ffff),
        Arch::X86_64 => uc.reg_write(RegisterX86::RAX, v),
    };
    r.map_err(|e| format!("register write: {e:?}"))
}

fn run_base_function(uc: &mut Unicorn<'_, State>, index: usize) -> Result<(), String> {
    let ret = match BASE_FUNCTIONS[index] {
        "printk" => {
            let text = format_printk(uc)?;
            let n = text.len() as u64;
            uc.get_data_mut().output.push_str(&text);
            n
        }
        "base_add" => (arg(uc, 0)? as u32).wrapping_add(arg(uc, 1)? as u32) as u64,
        "memcpy" => {
            let (dst, src, n) = (arg(uc, 0)?, arg(uc, 1)?, arg(uc, 2)?);
            let data = uc
                .mem_read_as_vec(src, n as usize)
                .map_err(|e| format!("memcpy read: {e:?}"))?;
            uc.mem_write(dst, &data)
                .map_err(|e| format!("memcpy write: {e:?}"))?;
            dst
        }
        "memset" => {
            let (dst, c, n) = (arg(uc, 0)?, arg(uc, 1)?, arg(uc, 2)?);
            uc.mem_write(dst, &vec![c as u8; n as usize])
                .map_err(|e| format!("memset: {e:?}"))?;
            dst
        }
        other => return Err(format!("no implementation for {other}")),
    };
    set_return(uc, ret)
}

/// printk's format: %d %i %u %x %s %c %p %% with an optional `l`; no flags,
/// width or precision (the fixtures use none; anything else is an error, so
/// a format string read from a wrong address shows up).
fn format_printk(uc: &Unicorn<'_, State>) -> Result<String, String> {
    let is64 = uc.get_data().arch == Arch::X86_64;
    let fmt = read_cstr(uc, arg(uc, 0)?)?;
    let mut out = String::new();
    let mut next = 1;
    let mut chars = fmt.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut conv = chars.next().ok_or("format ends in %")?;
        let mut long = false;
        if conv == 'l' {
            long = true;
            conv = chars.next().ok_or("format ends in %l")?;
        }
        if conv == '%' {
            out.push('%');
            continue;
        }
        let raw = arg(uc, next)?;
        next += 1;
        // `long` is 64-bit only on x86_64; everything else is 32-bit.
        let wide = long && is64;
        match conv {
            'd' | 'i' if wide => out.push_str(&(raw as i64).to_string()),
            'd' | 'i' => out.push_str(&(raw as u32 as i32).to_string()),
            'u' if wide => out.push_str(&raw.to_string()),
            'u' => out.push_str(&(raw as u32).to_string()),
            'x' if wide => out.push_str(&format!("{raw:x}")),
            'x' => out.push_str(&format!("{:x}", raw as u32)),
            'c' => out.push(raw as u8 as char),
            's' => out.push_str(&read_cstr(uc, if is64 { raw } else { raw & 0xffff_ffff })?),
            'p' => out.push_str(&format!(
                "0x{:x}",
                if is64 { raw } else { raw & 0xffff_ffff }
            )),
            other => {
                return Err(format!(
                    "printk: unsupported conversion %{other} in {fmt:?}"
                ))
            }
        }
    }
    Ok(out)
}
