//! The C API from C: tests/c/api_test.c includes only the generated headers and uses
//! them as Zephyr application code does (LLEXT_BUF_LOADER, EXPORT_SYMBOL, llext_load,
//! llext_find_sym, bring-up and teardown, iteration, inspection, unload). This test
//! hands it x86_64 fixtures and runs it natively against the global registry.

use std::ffi::CStr;

use llext_testkit::c_api::*;
use llext_testkit::{fixtures, Codegen, ElfKind, Flavor};

fn check(name: &str, rc: i32) {
    let why = unsafe { CStr::from_ptr(llext_rs_c_api_failure()) }.to_string_lossy();
    assert_eq!(rc, 0, "{name}: {why}");
}

#[test]
fn c_api() {
    // One test: the C API has one global registry, and these steps share it. The first
    // lookup indexes the base image's (unsorted, hosted) export table: the heap in use
    // after that is the baseline.
    let baseline = {
        let hello = fixtures::get("hello_world", Flavor::new(Codegen::X86_64Pic, ElfKind::Object)).bytes;
        check("hello", unsafe { llext_rs_c_api_hello(hello.as_ptr(), hello.len()) });
        llext_rs::platform::host::PLATFORM.used()
    };
    for flavor in [Flavor::new(Codegen::X86_64Pic, ElfKind::Object), Flavor::new(Codegen::X86_64Pie, ElfKind::Relocatable), Flavor::new(Codegen::X86_64Pic, ElfKind::Shared)] {
        let hello = fixtures::get("hello_world", flavor).bytes;
        check("hello", unsafe { llext_rs_c_api_hello(hello.as_ptr(), hello.len()) });
        let dep = fixtures::get("export_dependency", flavor).bytes;
        let user = fixtures::get("export_dependent", flavor).bytes;
        check("dependency", unsafe { llext_rs_c_api_dependency(dep.as_ptr(), dep.len(), user.as_ptr(), user.len()) });
        check("errors", unsafe { llext_rs_c_api_errors(hello.as_ptr(), hello.len()) });
        if flavor.kind != ElfKind::Shared {
            let init_fini = fixtures::get("init_fini", flavor).bytes;
            check("init_fini", unsafe { llext_rs_c_api_init_fini(init_fini.as_ptr(), init_fini.len()) });
            let mut inspect = fixtures::get("inspect", flavor).bytes.to_vec();
            check("inspect", unsafe { llext_rs_c_api_inspect(inspect.as_mut_ptr(), inspect.len()) });
        }
    }
    // Everything was unloaded.
    assert_eq!(llext_rs::platform::host::PLATFORM.used(), baseline);
}
