# llext-rs: runs cargo for the board's Rust target.
# SPDX-License-Identifier: Apache-2.0
#
# Inputs (CMake cache or environment): LLEXT_RS_CARGO, LLEXT_RS_RUSTC (tools; default:
# cargo/rustc on PATH), LLEXT_RS_BUILD_STD (ON/OFF/AUTO, default AUTO), LIBCLANG_PATH
# (CONFIG_USERSPACE: bindgen's libclang; default: searched).
# Outputs: LLEXT_RS_INCLUDE_DIR, LLEXT_RS_LIBRARY, custom target llext_rs_core.

# Zephyr Kconfig -> Rust target triple (or target JSON shipped in targets/) in <out>,
# and in <name> (optional) the target's name as cargo spells its output directory
# (not NAME_WE: thumbv8m.main-none-eabi has a dot of its own).
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
  if(ARGC GREATER 1)
    get_filename_component(name ${t} NAME)
    string(REGEX REPLACE "\\.json$" "" name ${name})
    set(${ARGV1} ${name} PARENT_SCOPE)
  endif()
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

# CONFIG_USERSPACE: bindgen loads libclang when the build script runs. Find it now, for
# a clear error, and cache its directory for cargo (ninja may run without the environment).
function(llext_rs_find_libclang)
  if(DEFINED ENV{LIBCLANG_PATH} AND NOT DEFINED CACHE{LLEXT_RS_LIBCLANG_PATH})
    set(LLEXT_RS_LIBCLANG_PATH $ENV{LIBCLANG_PATH} CACHE PATH "llext-rs: libclang directory for bindgen")
  endif()
  if(NOT LLEXT_RS_LIBCLANG_PATH)
    # Where clang-sys looks as well: versioned LLVM trees (newest first), llvm-config's.
    execute_process(COMMAND llvm-config --libdir OUTPUT_VARIABLE llvm_libdir
      OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE rc)
    file(GLOB llvm_dirs LIST_DIRECTORIES true /usr/lib/llvm-*/lib /usr/lib64/llvm*/lib /usr/local/opt/llvm*/lib)
    list(SORT llvm_dirs COMPARE NATURAL ORDER DESCENDING)
    find_library(LLEXT_RS_LIBCLANG NAMES clang libclang.so.1 HINTS ${llvm_dirs} ${llvm_libdir})
    if(LLEXT_RS_LIBCLANG)
      get_filename_component(dir ${LLEXT_RS_LIBCLANG} DIRECTORY)
      set(LLEXT_RS_LIBCLANG_PATH ${dir} CACHE PATH "llext-rs: libclang directory for bindgen")
    endif()
  endif()
  set(found)
  if(LLEXT_RS_LIBCLANG_PATH)
    file(GLOB found ${LLEXT_RS_LIBCLANG_PATH}/libclang*.so* ${LLEXT_RS_LIBCLANG_PATH}/libclang*.dylib
      ${LLEXT_RS_LIBCLANG_PATH}/libclang.dll)
    if(NOT IS_DIRECTORY "${LLEXT_RS_LIBCLANG_PATH}" AND EXISTS "${LLEXT_RS_LIBCLANG_PATH}")
      set(found ${LLEXT_RS_LIBCLANG_PATH})
    endif()
  endif()
  if(NOT found)
    message(FATAL_ERROR "llext-rs: CONFIG_USERSPACE needs libclang: bindgen reads "
      "struct k_mem_partition from Zephyr's headers. Install it (Debian/Ubuntu: libclang-dev) "
      "and, if it is not found, set LIBCLANG_PATH (environment or -DLLEXT_RS_LIBCLANG_PATH=...) "
      "to the directory holding libclang.so (now: '${LLEXT_RS_LIBCLANG_PATH}').")
  endif()
endfunction()

# <dir> made absolute, or empty if it is a generator expression or under GCC's own
# directory <gcc_dir>.
function(llext_rs_keep_dir out dir gcc_dir)
  set(keep)
  if(NOT dir MATCHES "\\$<")
    get_filename_component(keep "${dir}" ABSOLUTE)
    if(gcc_dir)
      cmake_path(IS_PREFIX gcc_dir "${keep}" NORMALIZE under_gcc)
      if(under_gcc)
        set(keep)
      endif()
    endif()
  endif()
  set(${out} "${keep}" PARENT_SCOPE)
endfunction()

# Appends to the caller's `features` the cargo feature of each enabled Kconfig option
# (arguments: CONFIG_<option>=<feature>). A macro: it extends the caller's list.
macro(llext_rs_features_of)
  foreach(option_feature ${ARGN})
    string(REPLACE "=" ";" option_feature ${option_feature})
    list(GET option_feature 0 option)
    list(GET option_feature 1 feature)
    if(${option})
      list(APPEND features ${feature})
    endif()
  endforeach()
endmacro()

# Clang flags for bindgen (build.rs, feature userspace), one per line in <file>: the
# include directories, definitions and Kconfig Zephyr's C files are compiled with, for
# <clang_target>. Deferred to the end of the configuration: modules after this one and
# the application add include directories too.
function(llext_rs_write_bindgen_args file clang_target autoconf stdint_h)
  # GCC's internal headers (arm_acle.h, ...) use GCC-only builtins libclang rejects: Zephyr
  # adds them as $<TARGET_PROPERTY:compiler,nostdinc_include>, skipped with every other
  # generator expression below, and anything under GCC's own directory is dropped too.
  # -nostdlibinc (unlike -nostdinc) keeps clang's builtin stddef.h etc. in their place.
  execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=include
    OUTPUT_VARIABLE gcc_include OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  set(gcc_dir)
  if(IS_ABSOLUTE "${gcc_include}")
    get_filename_component(gcc_dir "${gcc_include}" DIRECTORY)
  endif()
  set(args --target=${clang_target} -nostdlibinc -ffreestanding -imacros ${autoconf})
  if(stdint_h)
    list(APPEND args -imacros ${stdint_h})
  endif()
  get_target_property(defs zephyr_interface INTERFACE_COMPILE_DEFINITIONS)
  foreach(d ${defs})
    if(d AND NOT d MATCHES "\\$<")
      list(APPEND args -D${d})
    endif()
  endforeach()

  get_target_property(sys_dirs zephyr_interface INTERFACE_SYSTEM_INCLUDE_DIRECTORIES)
  get_target_property(dirs zephyr_interface INTERFACE_INCLUDE_DIRECTORIES)
  if(NOT sys_dirs)
    set(sys_dirs)
  endif()
  if(NOT dirs)
    set(dirs)
  endif()
  # Zephyr uses the toolchain's own include directories when its libc comes with the
  # toolchain (newlib, picolibc): ask GCC for them, with the flags that select them.
  get_target_property(nostdinc compiler nostdinc)
  if(NOT nostdinc AND gcc_dir)
    set(flags)
    get_target_property(opts zephyr_interface INTERFACE_COMPILE_OPTIONS)
    foreach(o ${opts})
      if(o MATCHES "^--?(sysroot|specs)=")
        list(APPEND flags ${o})
      endif()
    endforeach()
    if(CONFIG_PICOLIBC)
      list(APPEND flags -specs=picolibc.specs)
    endif()
    file(WRITE ${file}.c "")
    execute_process(COMMAND ${CMAKE_C_COMPILER} ${flags} -E -Wp,-v -x c ${file}.c
      OUTPUT_QUIET ERROR_VARIABLE out)
    string(REGEX MATCH "> search starts here:\n(.*)End of search list" out "${out}")
    string(REGEX REPLACE "[ \n]+" ";" out "${CMAKE_MATCH_1}")
    list(APPEND sys_dirs ${out})
  endif()

  set(isystem)
  foreach(d ${sys_dirs})
    llext_rs_keep_dir(d "${d}" "${gcc_dir}")
    if(d)
      list(APPEND isystem ${d})
    endif()
  endforeach()
  foreach(d ${dirs})
    llext_rs_keep_dir(d "${d}" "${gcc_dir}")
    if(d AND NOT d IN_LIST isystem)
      list(APPEND args -I${d})
    endif()
  endforeach()
  foreach(d ${isystem})
    list(APPEND args -isystem ${d})
  endforeach()
  list(JOIN args "\n" text)
  set(old)
  if(EXISTS ${file})
    file(READ ${file} old)
  endif()
  if(NOT old STREQUAL "${text}\n")
    file(WRITE ${file} "${text}\n")
  endif()
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
  # The target, and its name as cargo spells its output directory (and clang's --target
  # for bindgen).
  llext_rs_rust_target(target target_dir_name)

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
  llext_rs_features_of(
    CONFIG_LLEXT_RS_ARCH_ARM=arch-arm
    CONFIG_LLEXT_RS_ARCH_X86=arch-x86
    CONFIG_LLEXT_RS_ARCH_X86_64=arch-x86_64
    CONFIG_LLEXT_RS_SHAREDLIB=elf-shared
    CONFIG_LLEXT_RS_GOT_VENEERS=got-veneers
    CONFIG_LLEXT_RS_PACK_REGIONS=pack-regions)
  # Without userspace: every feature that needs no kernel headers (configure-time run).
  list(JOIN features "," header_features_csv)
  llext_rs_features_of(
    CONFIG_USERSPACE=userspace
    CONFIG_LLEXT_EXPORT_BUILTINS_BY_SLID=slid
    CONFIG_LLEXT_IMPORT_ALL_GLOBALS=import-all-globals
    CONFIG_LLEXT_HEAP_DYNAMIC=heap-dynamic)
  list(JOIN features "," features_csv)

  # Messages above the module's log level are compiled out of the Rust code (src/diag.rs);
  # without CONFIG_LOG the level is 0 and no message is built in.
  if(DEFINED CONFIG_LLEXT_LOG_LEVEL)
    set(log_level ${CONFIG_LLEXT_LOG_LEVEL})
  else()
    set(log_level 0)
  endif()

  # How extension regions are shaped for memory protection (src/platform/zephyr.rs
  # reads it at compile time): MMU pages, ARMv7-M MPU power-of-two regions under
  # userspace, 32-byte granules for other MPUs, or nothing.
  if(CONFIG_MMU)
    math(EXPR page "${CONFIG_MMU_PAGE_SIZE}" OUTPUT_FORMAT DECIMAL)
    set(protection pages:${page})
  elseif(CONFIG_USERSPACE AND CONFIG_MPU_REQUIRES_POWER_OF_TWO_ALIGNMENT)
    math(EXPR min "${CONFIG_ARM_MPU_REGION_MIN_ALIGN_AND_SIZE}" OUTPUT_FORMAT DECIMAL)
    set(protection pow2:${min})
  elseif(CONFIG_USERSPACE)
    set(protection pages:32)
  else()
    set(protection none)
  endif()

  # One cargo target dir per feature set, log level and protection, shared between
  # builds (core is built once); builds that differ only in the level must not overwrite
  # each other's library.
  string(MD5 key "${target};${features_csv};${log_level};${protection};${LLEXT_RS_BUILD_STD};${LLEXT_RS_RUSTC}")
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
  set(cargo_library ${cargo_target_dir}/${target_dir_name}/release/libllext_rs.a)
  # What the image links: cargo's archive with compiler_builtins' symbols (all hidden)
  # made local, so the loader's memcpy/memset and any 64-bit division come from the
  # libc and libgcc the image links anyway, as C code's do. Otherwise the linker takes
  # them from compiler_builtins, which sits in the same archive: ~1 KB more on
  # Cortex-M3. (The ARM EABI names LLVM calls memcpy by are in c/aeabi_mem.c.) It is
  # this build's own file: builds sharing the cargo target dir run at the same time
  # (twister), and cargo locks only its own outputs.
  set(library ${CMAKE_CURRENT_BINARY_DIR}/libllext_rs.a)

  set(cargo_env
    LLEXT_RS_PROTECTION=${protection}
    CARGO_TARGET_DIR=${cargo_target_dir}
    RUSTC=${LLEXT_RS_RUSTC}
    LLEXT_RS_INCLUDE_DIR=${include_dir}
    LLEXT_RS_LOG_LEVEL=${log_level}
    CARGO_PROFILE_RELEASE_DEBUG=true
  )
  # `cargo rustc --crate-type staticlib`: the manifest's crate type is rlib (for Rust
  # applications); a staticlib with the release profile's LTO (about 20 KB less on
  # Cortex-M3 than a plain `cargo build` of several crate types would give).
  set(cargo_args rustc --release --lib --crate-type staticlib --no-default-features
    --features ${features_csv} --target ${target}
    --manifest-path ${LLEXT_RS_DIR}/Cargo.toml)
  # Same target and flags, headers only (check = no code generation).
  set(check_args check --release --lib --no-default-features
    --features ${header_features_csv} --target ${target}
    --manifest-path ${LLEXT_RS_DIR}/Cargo.toml)
  if(LLEXT_RS_BUILD_STD)
    list(APPEND cargo_env RUSTC_BOOTSTRAP=1)
    list(APPEND cargo_args -Zbuild-std=core -Zjson-target-spec)
    list(APPEND check_args -Zbuild-std=core -Zjson-target-spec)
  endif()

  if(CONFIG_USERSPACE)
    # struct k_mem_partition comes from Zephyr's headers through bindgen (build.rs),
    # with the flags this build compiles C with (written once configuration is done).
    llext_rs_find_libclang()
    set(stdint_h)
    if(CONFIG_ENFORCE_ZEPHYR_STDINT)
      set(stdint_h ${ZEPHYR_BASE}/include/zephyr/toolchain/zephyr_stdint.h)
    endif()
    set(args_file ${CMAKE_CURRENT_BINARY_DIR}/llext_rs_bindgen_args.txt)
    cmake_language(EVAL CODE "cmake_language(DEFER DIRECTORY [[${CMAKE_SOURCE_DIR}]] CALL
      llext_rs_write_bindgen_args [[${args_file}]] [[${target_dir_name}]] [[${AUTOCONF_H}]] [[${stdint_h}]])")
    list(APPEND cargo_env LLEXT_RS_BINDGEN_ARGS_FILE=${args_file} LIBCLANG_PATH=${LLEXT_RS_LIBCLANG_PATH})
  endif()

  # Configure time: every C file needs the generated headers. Zephyr's own headers need
  # build-time generated ones (syscalls), so bindgen's feature (userspace) is left out:
  # the headers do not depend on features (#if defined(CONFIG_USERSPACE)).
  message(STATUS "llext-rs: cargo ${target_dir_name} [${features_csv}] -> ${library}")
  execute_process(
    COMMAND ${CMAKE_COMMAND} -E env ${cargo_env} ${LLEXT_RS_CARGO} ${check_args} --quiet
    RESULT_VARIABLE rc)
  if(rc EQUAL 0 AND NOT EXISTS ${include_dir}/zephyr/llext/llext.h)
    # The build script ran earlier without writing here: make it run again.
    execute_process(COMMAND ${CMAKE_COMMAND} -E env ${cargo_env} ${LLEXT_RS_CARGO} clean
      --release --target ${target} --manifest-path ${LLEXT_RS_DIR}/Cargo.toml -p llext-rs)
    execute_process(
      COMMAND ${CMAKE_COMMAND} -E env ${cargo_env} ${LLEXT_RS_CARGO} ${check_args} --quiet
      RESULT_VARIABLE rc)
  endif()
  if(NOT rc EQUAL 0 OR NOT EXISTS ${include_dir}/zephyr/llext/llext.h)
    message(FATAL_ERROR "llext-rs: cargo check failed (${rc})")
  endif()

  if(CONFIG_LLEXT_RS_CORE_BUILD_RUST_APP)
    # The application's crate builds llext-rs (its dependency): headers only here.
    add_custom_target(llext_rs_core)
    set(LLEXT_RS_LIBRARY "" PARENT_SCOPE)
    set(LLEXT_RS_INCLUDE_DIR ${include_dir} PARENT_SCOPE)
    return()
  endif()

  # Build time: cargo decides what is stale (sources, features, env).
  add_custom_target(llext_rs_core
    COMMAND ${CMAKE_COMMAND} -E env ${cargo_env} ${LLEXT_RS_CARGO} ${cargo_args} --quiet
    COMMAND ${CMAKE_OBJCOPY} --localize-hidden ${cargo_library} ${library}.tmp
    # Unchanged: keep the timestamp, so the image is not relinked.
    COMMAND ${CMAKE_COMMAND} -E copy_if_different ${library}.tmp ${library}
    BYPRODUCTS ${library} ${library}.tmp
    WORKING_DIRECTORY ${LLEXT_RS_DIR}
    COMMENT "llext-rs: cargo build (${target_dir_name})"
    USES_TERMINAL)
  if(CONFIG_USERSPACE)
    # bindgen reads Zephyr headers that include the generated syscall headers.
    add_dependencies(llext_rs_core ${SYSCALL_LIST_H_TARGET})
  endif()
  set(LLEXT_RS_LIBRARY ${library} PARENT_SCOPE)
  set(LLEXT_RS_INCLUDE_DIR ${include_dir} PARENT_SCOPE)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${LLEXT_RS_DIR}/Cargo.toml)
endfunction()
