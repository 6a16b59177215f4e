# llext-rs: runs cargo for the board's Rust target.
# SPDX-License-Identifier: Apache-2.0
#
# Inputs (CMake cache or environment): LLEXT_RS_CARGO, LLEXT_RS_RUSTC (tools; default:
# cargo/rustc on PATH), LLEXT_RS_BUILD_STD (ON/OFF/AUTO, default AUTO).
# Outputs: LLEXT_RS_INCLUDE_DIR, LLEXT_RS_LIBRARY, custom target llext_rs_core.

# Zephyr Kconfig -> Rust target triple (or target JSON shipped in targets/).
function(llext_rs_rust_target out)
  if(CONFIG_CPU_CORTEX_M)
    if(CONFIG_CPU_CORTEX_M0 OR CONFIG_CPU_CORTEX_M0PLUS OR CONFIG_CPU_CORTEX_M1)
      set(t thumbv6m-none-eabi)
    elseif(CONFIG_CPU_CORTEX_M3)
      set(t thumbv7m-none-eabi)
    elseif(CONFIG_CPU_CORTEX_M4 OR CONFIG_CPU_CORTEX_M7)
      if(CONFIG_FP_HARDABI)
        set(t thumbv7em-none-eabihf)
      else()
        set(t thumbv7em-none-eabi)
      endif()
    elseif(CONFIG_CPU_CORTEX_M23)
      set(t thumbv8m.base-none-eabi)
    elseif(CONFIG_CPU_CORTEX_M33 OR CONFIG_CPU_CORTEX_M55 OR CONFIG_CPU_CORTEX_M85)
      if(CONFIG_FP_HARDABI)
        set(t thumbv8m.main-none-eabihf)
      else()
        set(t thumbv8m.main-none-eabi)
      endif()
    endif()
  elseif(CONFIG_X86_64)
    set(t x86_64-unknown-none)
  elseif(CONFIG_X86)
    set(t ${LLEXT_RS_DIR}/targets/i586-unknown-none.json)
  endif()
  if(NOT t)
    message(FATAL_ERROR "llext-rs: no Rust target for this CPU (${CONFIG_SOC} on ${ARCH}). "
      "llext-rs supports ARM Cortex-M, 32-bit x86 and x86_64.")
  endif()
  set(${out} ${t} PARENT_SCOPE)
endfunction()

function(llext_rs_find_tool var name)
  # -D<var>=... wins, then the environment, then PATH; the choice is cached so that
  # re-configuring from ninja (without the environment) keeps it.
  if(DEFINED ENV{${var}} AND NOT DEFINED CACHE{${var}})
    set(${var} $ENV{${var}} CACHE FILEPATH "llext-rs: ${name} to use")
  endif()
  if(NOT ${var})
    find_program(${var} ${name})
  endif()
  if(NOT ${var} OR NOT EXISTS "${${var}}")
    message(FATAL_ERROR "llext-rs: '${name}' not found. Install a Rust toolchain "
      "(rustup, or Debian's cargo + rustc-web with rust-src for -Zbuild-std), "
      "or point ${var} at it (environment or -D${var}=...).")
  endif()
  set(${var} ${${var}} PARENT_SCOPE)
endfunction()

function(llext_rs_build_core)
  if(CONFIG_LLEXT_RS_CORE_BUILD_PREBUILT)
    if(NOT LLEXT_RS_PREBUILT_LIB OR NOT LLEXT_RS_PREBUILT_INCLUDE)
      message(FATAL_ERROR "llext-rs: CONFIG_LLEXT_RS_CORE_BUILD_PREBUILT needs "
        "-DLLEXT_RS_PREBUILT_LIB=<libllext_rs.a> -DLLEXT_RS_PREBUILT_INCLUDE=<dir>")
    endif()
    add_custom_target(llext_rs_core)
    set(LLEXT_RS_LIBRARY ${LLEXT_RS_PREBUILT_LIB} PARENT_SCOPE)
    set(LLEXT_RS_INCLUDE_DIR ${LLEXT_RS_PREBUILT_INCLUDE} PARENT_SCOPE)
    return()
  endif()

  llext_rs_find_tool(LLEXT_RS_CARGO cargo)
  llext_rs_find_tool(LLEXT_RS_RUSTC rustc)
  llext_rs_rust_target(target)

  # Target name as cargo spells its output directory.
  get_filename_component(target_dir_name ${target} NAME_WE)

  # Is the target's core prebuilt in the sysroot? Otherwise build it (-Zbuild-std).
  if(NOT DEFINED LLEXT_RS_BUILD_STD)
    set(LLEXT_RS_BUILD_STD AUTO)
  endif()
  if(LLEXT_RS_BUILD_STD STREQUAL "AUTO")
    execute_process(COMMAND ${LLEXT_RS_RUSTC} --print sysroot
      OUTPUT_VARIABLE sysroot OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "llext-rs: '${LLEXT_RS_RUSTC} --print sysroot' failed")
    endif()
    if(target MATCHES "\\.json$" OR NOT EXISTS "${sysroot}/lib/rustlib/${target}/lib")
      if(NOT EXISTS "${sysroot}/lib/rustlib/src/rust/library/core")
        message(FATAL_ERROR "llext-rs: Rust target ${target_dir_name} is not installed and "
          "rust-src is missing for -Zbuild-std. Install one: 'rustup target add ${target_dir_name}' "
          "or rust-src (Debian: rustc-web + rust-web-src, then LLEXT_RS_CARGO=/usr/bin/cargo "
          "LLEXT_RS_RUSTC=/usr/bin/rustc).")
      endif()
      message(STATUS "llext-rs: ${target_dir_name} core not installed; building it with -Zbuild-std=core")
      set(LLEXT_RS_BUILD_STD ON)
    else()
      set(LLEXT_RS_BUILD_STD OFF)
    endif()
  endif()

  # Kconfig -> cargo features.
  set(features zephyr)
  if(CONFIG_LLEXT_RS_ARCH_ARM)
    list(APPEND features arch-arm)
  endif()
  if(CONFIG_LLEXT_RS_ARCH_X86)
    list(APPEND features arch-x86)
  endif()
  if(CONFIG_LLEXT_RS_ARCH_X86_64)
    list(APPEND features arch-x86_64)
  endif()
  if(CONFIG_USERSPACE)
    list(APPEND features userspace)
  endif()
  if(CONFIG_LLEXT_RS_EXPORT_BUILTINS_BY_SLID)
    list(APPEND features slid)
  endif()
  if(CONFIG_LLEXT_RS_IMPORT_ALL_GLOBALS)
    list(APPEND features import-all-globals)
  endif()
  if(CONFIG_LLEXT_RS_HEAP_DYNAMIC)
    list(APPEND features heap-dynamic)
  endif()
  list(JOIN features "," features_csv)

  # One cargo target dir per feature set, shared between builds (core is built once).
  string(MD5 key "${target};${features_csv};${LLEXT_RS_BUILD_STD};${LLEXT_RS_RUSTC}")
  string(SUBSTRING ${key} 0 10 key)
  if(DEFINED ENV{LLEXT_RS_TARGET_DIR})
    set(target_root $ENV{LLEXT_RS_TARGET_DIR})
  else()
    set(target_root ${LLEXT_RS_DIR}/target/zephyr)
  endif()
  set(cargo_target_dir ${target_root}/${target_dir_name}-${key})
  # The headers belong to the cargo build that made the library (same features), so
  # they live next to it: build.rs only rewrites them when it reruns.
  set(include_dir ${cargo_target_dir}/include)
  set(library ${cargo_target_dir}/${target_dir_name}/release/libllext_rs.a)

  set(cargo_env
    CARGO_TARGET_DIR=${cargo_target_dir}
    RUSTC=${LLEXT_RS_RUSTC}
    LLEXT_RS_INCLUDE_DIR=${include_dir}
    CARGO_PROFILE_RELEASE_DEBUG=true
  )
  # `cargo rustc --crate-type staticlib`: with the manifest's two crate types a plain
  # `cargo build` drops the release profile's LTO (about 20 KB more on Cortex-M3).
  set(cargo_args rustc --release --lib --crate-type staticlib --no-default-features
    --features ${features_csv} --target ${target}
    --manifest-path ${LLEXT_RS_DIR}/Cargo.toml)
  if(LLEXT_RS_BUILD_STD)
    list(APPEND cargo_env RUSTC_BOOTSTRAP=1)
    list(APPEND cargo_args -Zbuild-std=core -Zjson-target-spec)
  endif()

  # Configure time: Zephyr's syscall scan and every C file need the generated headers.
  message(STATUS "llext-rs: cargo ${target_dir_name} [${features_csv}] -> ${library}")
  execute_process(
    COMMAND ${CMAKE_COMMAND} -E env ${cargo_env} ${LLEXT_RS_CARGO} ${cargo_args} --quiet
    RESULT_VARIABLE rc)
  if(rc EQUAL 0 AND NOT EXISTS ${include_dir}/zephyr/llext/llext.h)
    # The build script ran earlier without writing here: make it run again.
    execute_process(COMMAND ${CMAKE_COMMAND} -E env ${cargo_env} ${LLEXT_RS_CARGO} clean
      --release --target ${target} --manifest-path ${LLEXT_RS_DIR}/Cargo.toml -p llext-rs)
    execute_process(
      COMMAND ${CMAKE_COMMAND} -E env ${cargo_env} ${LLEXT_RS_CARGO} ${cargo_args} --quiet
      RESULT_VARIABLE rc)
  endif()
  if(NOT rc EQUAL 0 OR NOT EXISTS ${include_dir}/zephyr/llext/llext.h)
    message(FATAL_ERROR "llext-rs: cargo build failed (${rc})")
  endif()

  # Build time: cargo decides what is stale (sources, features, env).
  add_custom_target(llext_rs_core
    COMMAND ${CMAKE_COMMAND} -E env ${cargo_env} ${LLEXT_RS_CARGO} ${cargo_args} --quiet
    BYPRODUCTS ${library}
    WORKING_DIRECTORY ${LLEXT_RS_DIR}
    COMMENT "llext-rs: cargo build (${target_dir_name})"
    USES_TERMINAL)
  set(LLEXT_RS_LIBRARY ${library} PARENT_SCOPE)
  set(LLEXT_RS_INCLUDE_DIR ${include_dir} PARENT_SCOPE)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${LLEXT_RS_DIR}/Cargo.toml)
endfunction()
