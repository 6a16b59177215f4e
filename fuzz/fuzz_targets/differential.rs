//! Differential fuzzing against GNU ld: each input describes a relocatable object (see
//! differential_input.rs), which llext-rs loads and ld links at the same addresses; a
//! refusal by either side or a relocated byte that differs is a finding.
#![no_main]

use libfuzzer_sys::fuzz_target;

mod differential_input;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = differential_input::run_differential(data) {
        panic!("{e}");
    }
});
