//! Drives the whole load pipeline (parse, layout, link, exports, unload) over arbitrary
//! bytes for every architecture, storage type and load parameter set. A crash, a hang,
//! an out-of-bounds access (ASan) or a heap block left behind after unload is a finding.
#![no_main]

use libfuzzer_sys::fuzz_target;

mod one_input;

fuzz_target!(|data: &[u8]| one_input::run_on_shared_registries(data));
