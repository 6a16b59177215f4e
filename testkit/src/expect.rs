//! What each fixture must do when run, derived from its C source (each C
//! file's header comment states the same), and a runner that checks it on
//! any [`Target`] (the Unicorn [`crate::emu::Emu`], the native executor).
//!
//! A loader test builds an [`Image`] from what the loader reports (exported
//! symbols, init/fini arrays), then calls [`run`] with [`steps`].

use crate::fixtures::Arch;

/// One thing to do with a freshly loaded extension, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// Set the base image's `base_counter`.
    SetBaseCounter(i32),
    /// Read the exported 32-bit object `symbol`.
    Read { symbol: &'static str, value: i32 },
    /// Call exported function `func`; compare its return value's low 32
    /// bits and everything it printed.
    Call {
        func: &'static str,
        args: Vec<i64>,
        ret: i32,
        output: String,
    },
    /// Run `.preinit_array` then `.init_array`, in order.
    Init,
    /// Run `.fini_array`, in array order (as Zephyr 4.3's `llext_teardown` does).
    Fini,
}

fn call(func: &'static str, args: &[i64], ret: i32, output: &str) -> Step {
    Step::Call {
        func,
        args: args.to_vec(),
        ret,
        output: output.to_string(),
    }
}

/// The base-image symbols an extension may need beyond [`crate::emu::BASE_FUNCTIONS`]:
/// `export_dependent` imports `test_dependency` from `export_dependency`.
pub const DEPENDENCIES: &[(&str, &str, &str)] =
    &[("export_dependent", "test_dependency", "export_dependency")];

// ----- models of the C code, kept literal so they can be checked by eye

const WEIGHTS: [i32; 8] = [3, 1, 4, 1, 5, 9, 2, 6];

/// data.c: weighted()
fn weighted(s: &str) -> i32 {
    s.bytes()
        .enumerate()
        .map(|(i, c)| c as i32 * WEIGHTS[i & 7])
        .sum()
}

/// data.c: op_table[] and op_ptr (= op_mul)
fn data_op(sel: i32, a: i32, b: i32) -> i32 {
    match sel & 3 {
        0 => a.wrapping_add(b),
        1 => a.wrapping_sub(b),
        2 => a.wrapping_mul(b),
        _ => a ^ b,
    }
}

/// data.c: data_switch()
fn data_switch(op: i32, a: i32, b: i32) -> i32 {
    match op {
        0 => a + b,
        1 => a - b,
        2 => a * b,
        3 => a ^ b,
        4 => a | (b << 4),
        5 => (a & b) + 5,
        6 => (a + b) * 6,
        7 => (a << 3) - b,
        8 => a * b + 8,
        9 => ((a as u32) >> (b & 7)) as i32 + 9,
        _ => -1,
    }
}

/// data.c: data_goto()
fn data_goto(op: i32, a: i32) -> i32 {
    match op & 3 {
        0 => a + 100,
        1 => a * 5 + 1,
        2 => a + 2000,
        _ => a - 7,
    }
}

/// large.c (gen_large.sh): the function at chain position k.
fn large_chain(k: u32) -> u32 {
    const N: u32 = 128;
    if k % 2 == 0 {
        k / 2
    } else {
        N - 1 - (k - 1) / 2
    }
}

/// large.c: large_entry(x)
pub fn large_entry(x: u32) -> u32 {
    // Going down the chain, each function i calls the next with x * 31 + i;
    // the last returns its x; coming back up, each XORs i * 40503.
    let mut v = x;
    for k in 0..127 {
        v = v.wrapping_mul(31).wrapping_add(large_chain(k));
    }
    for k in (0..127).rev() {
        v ^= large_chain(k).wrapping_mul(40503);
    }
    v
}

/// The steps for fixture `name` on `arch`, from a fresh load. Empty for an
/// unknown name.
pub fn steps(name: &str, arch: Arch) -> Vec<Step> {
    match name {
        "hello_world" => vec![call("test_entry", &[], 42, "hello world\nA number is 42\n")],
        "data" => {
            let sum = weighted("rodata greeting") * 3 + weighted("merge string literal");
            let mut v = vec![
                Step::SetBaseCounter(100),
                call(
                    "test_entry",
                    &[],
                    sum + data_op(2, 6, 7) * 2 + 6 * 7,
                    "rodata greeting|merge string literal|1000\n",
                ),
                call("data_rodata_sum", &[], sum, ""),
                // data_value 1000, bss_value 0 at load
                call("data_rw", &[5], (1000 + 5) + 5, ""),
                call("data_rw", &[7], (1005 + 12) + 7, ""),
                call("data_rw", &[5], (1017 + 17) + 10, ""),
                call("data_base", &[], 103, ""),
                call("data_base", &[], 106, ""),
            ];
            for sel in 0..4 {
                v.push(call("data_fnptr", &[sel as i64, 6, 7], data_op(sel, 6, 7) * 2 + 42, ""));
            }
            for op in -1..=10 {
                for (a, b) in [(13, 5), (200, 3), (3, 200)] {
                    v.push(call("data_switch", &[op as i64, a as i64, b as i64], data_switch(op, a, b), ""));
                }
            }
            for op in 0..8 {
                v.push(call("data_goto", &[op as i64, 21], data_goto(op, 21), ""));
            }
            v
        }
        "relative_jump" => vec![call(
            "test_entry",
            &[],
            12345,
            "enter\nrelative jump 1\nrelative jump 2\nrelative jump 3\nrelative jump 4\nrelative jump 5\nexit\n",
        )],
        "movwmovt" => vec![
            call("test_entry", &[], 16 + 22 * 100 + 8 * 10000, "test movwmovt\ntest_func\ntest_func\n"),
            call("movw_abs_data", &[], 8, ""),
            call("movw_abs_call", &[10], 31, "test_func\n"),
            call("movw_abs_data", &[], 11, ""),
            call("movw_prel_call", &[-4], -11, "test_func\n"),
            call("movw_abs_data", &[], -3, ""),
        ],
        "multi_file" => vec![call("test_entry", &[], 11 + (22 + 14 + 300) + 300, "multi 1: 11\nmulti 2: 22\n")],
        "init_fini" => vec![
            Step::Read { symbol: "number", value: 0 },
            Step::Init,
            Step::Read { symbol: "number", value: 0x123 },
            call("test_entry", &[], 0x123, ""),
            Step::Fini,
            Step::Read { symbol: "number", value: 0x1234 },
        ],
        "constructor" => vec![
            call("test_entry", &[], 0, ""),
            Step::Init,
            call("test_entry", &[], 0x55, ""),
            Step::Fini,
            call("test_entry", &[], 0xaa, ""),
        ],
        "export_dependency" => vec![
            call("test_entry", &[], 42, ""),
            call("test_dependency", &[-3, 5], -15, ""),
        ],
        "export_dependent" => vec![call("test_entry", &[], 33, "dependency says 30\n")],
        "align" => vec![call("test_entry", &[], 0x3fff, "")],
        "large" => vec![
            call("test_entry", &[], large_entry(1) as i32, ""),
            call("large_entry", &[0], large_entry(0) as i32, ""),
            call("large_entry", &[12345], large_entry(12345) as i32, ""),
        ],
        "inspect" => vec![
            Step::Read { symbol: "number_in_bss", value: 0 },
            Step::Read { symbol: "number_in_data", value: 1 },
            Step::Read { symbol: "number_in_rodata", value: 2 },
            Step::Read { symbol: "number_in_my_rodata", value: 3 },
            call("function_in_text", &[], 4, ""),
        ],
        "detached" => vec![
            call("detached_entry", &[], 98, "bss 0 data -3\n"),
            call("test_entry", &[], 199, "bss 1 data -2\n"),
            call("detached_entry", &[], 300, "bss 2 data -1\n"),
        ],
        "find_section" => vec![Step::Read { symbol: "number", value: 42 }, call("test_entry", &[], 42, "")],
        "relocs_asm" => match arch {
            Arch::Arm => vec![
                call("thumb_target", &[3], 22, ""),
                call("via_prel31", &[1], 8, ""),
                call("via_rel32", &[2], 15, ""),
                call("via_abs32", &[3], 22, ""),
                call("via_movw_prel", &[4], 29, ""),
                call("via_movw_abs_data", &[], 0x5a5a_1234, ""),
                call("tail_base_add", &[1000, 5], 1005, ""),
                call("thumb_bit_ok", &[], 1, ""),
                call("test_entry", &[], 8 + 15 + 22 + 29 + 1005 + 100_000, ""),
            ],
            Arch::X86 => vec![
                Step::SetBaseCounter(77),
                call("got32x_call", &[40, 2], 42, ""),
                call("got32x_load", &[], 77, ""),
                call("got32_load", &[], 77, ""),
                call("gotoff_load", &[], 0x1111, ""),
                call("plt32_call", &[3, 4], 7, ""),
                call("pc32_call", &[5, 6], 11, ""),
                call("abs32_load", &[], 0x2222, ""),
                call("test_entry", &[], 42 + 7 + 11 + 0x1111 + 0x2222 + 77 * 2000, ""),
            ],
            Arch::X86_64 => vec![
                Step::SetBaseCounter(77),
                call("gotpcrelx_call", &[40, 2], 42, ""),
                call("gotpcrelx_jmp", &[3, 4], 7, ""),
                call("rex_gotpcrelx_load", &[], 77, ""),
                call("gotpcrel_load", &[], 77, ""),
                call("pc32_load", &[], 0x2222, ""),
                call("plt32_call", &[5, 6], 11, ""),
                call("abs64_load", &[], 0x4444, ""),
                call("test_entry", &[], 42 + 7 + 11 + 0x2222 + 0x4444 + 77 * 2000, ""),
            ],
        },
        "relocs_abs32" => vec![
            call("abs32_load", &[], 0x6666, ""),
            call("abs32s_load", &[], 0x3333, ""),
            call("test_entry", &[], 0x9999, ""),
        ],
        _ => Vec::new(),
    }
}

// ----- running

/// Something that can run loaded extension code.
pub trait Target {
    /// Call the function at `addr` with integer arguments; its integer
    /// return register.
    fn call(&mut self, addr: u64, args: &[u64]) -> Result<u64, String>;
    fn read_u32(&mut self, addr: u64) -> Result<u32, String>;
    /// printk output since the last call, clearing it.
    fn take_output(&mut self) -> String;
    fn set_base_counter(&mut self, v: i32);
}

impl Target for crate::emu::Emu {
    fn call(&mut self, addr: u64, args: &[u64]) -> Result<u64, String> {
        crate::emu::Emu::call(self, addr, args).map_err(|e| e.to_string())
    }
    fn read_u32(&mut self, addr: u64) -> Result<u32, String> {
        crate::emu::Emu::read_u32(self, addr).map_err(|e| e.to_string())
    }
    fn take_output(&mut self) -> String {
        crate::emu::Emu::take_output(self)
    }
    fn set_base_counter(&mut self, v: i32) {
        crate::emu::Emu::set_base_counter(self, v)
    }
}

/// What a loaded extension offers to [`run`]: run addresses of its exports
/// and the entries of its init/fini arrays (function addresses as stored).
#[derive(Clone, Debug, Default)]
pub struct Image {
    pub exports: Vec<(String, u64)>,
    pub preinit_array: Vec<u64>,
    pub init_array: Vec<u64>,
    pub fini_array: Vec<u64>,
}

impl Image {
    pub fn export(&self, name: &str) -> Option<u64> {
        self.exports
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, a)| *a)
    }
}

/// Run `steps` on `target`; the first mismatch is the error.
pub fn run(target: &mut dyn Target, image: &Image, steps: &[Step]) -> Result<(), String> {
    if steps.is_empty() {
        return Err("no steps: unknown fixture?".into());
    }
    target.take_output();
    for (n, step) in steps.iter().enumerate() {
        let ctx = |m: String| format!("step {n} {step:?}: {m}");
        match step {
            Step::SetBaseCounter(v) => target.set_base_counter(*v),
            Step::Read { symbol, value } => {
                let addr = image
                    .export(symbol)
                    .ok_or_else(|| ctx(format!("{symbol} is not exported")))?;
                let got = target.read_u32(addr).map_err(ctx)? as i32;
                if got != *value {
                    return Err(ctx(format!("read {got} ({got:#x})")));
                }
            }
            Step::Call {
                func,
                args,
                ret,
                output,
            } => {
                let addr = image
                    .export(func)
                    .ok_or_else(|| ctx(format!("{func} is not exported")))?;
                let args: Vec<u64> = args.iter().map(|a| *a as u64).collect();
                let got = target.call(addr, &args).map_err(ctx)? as u32 as i32;
                let printed = target.take_output();
                if got != *ret || printed != *output {
                    return Err(ctx(format!(
                        "returned {got} ({got:#x}), printed {printed:?}"
                    )));
                }
            }
            Step::Init => {
                for &f in image.preinit_array.iter().chain(&image.init_array) {
                    target.call(f, &[]).map_err(ctx)?;
                }
            }
            Step::Fini => {
                for &f in image.fini_array.iter() {
                    target.call(f, &[]).map_err(ctx)?;
                }
            }
        }
    }
    Ok(())
}
