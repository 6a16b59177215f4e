# llext-rs: building extensions. add_llext_target() keeps the signature and behaviour of
# Zephyr 4.3's (OUTPUT, SOURCES, ...; flags from the toolchain's LLEXT_REMOVE_FLAGS /
# LLEXT_APPEND_FLAGS properties), with the ELF type and SLID choice taken from the same
# options (the LLEXT_BINARY_TYPE choice, CONFIG_LLEXT_EXPORT_BUILTINS_BY_SLID). It
# delegates to Zephyr's implementation, which requires CONFIG_LLEXT: that is set in the
# function scope only.
# SPDX-License-Identifier: Apache-2.0

# The module's directory, for functions called from the application's scope.
set_property(GLOBAL PROPERTY LLEXT_RS_DIR ${LLEXT_RS_DIR})

get_property(llext_rs_overridden GLOBAL PROPERTY LLEXT_RS_ADD_LLEXT_TARGET)
if(COMMAND add_llext_target AND NOT llext_rs_overridden)
  # CMake keeps the previous definition of an overridden function as _<name>.
  set_property(GLOBAL PROPERTY LLEXT_RS_ADD_LLEXT_TARGET TRUE)
  function(add_llext_target target_name)
    set(CONFIG_LLEXT y)
    _add_llext_target(${target_name} ${ARGN})

    # Zephyr 4.3 makes <name>_debug.elf depend on a custom target only, which orders
    # the steps but is no file dependency: an edited extension source would not
    # rebuild the .llext. Add the dependency on the compiled (or ld -r) output.
    if(CONFIG_LLEXT_TYPE_ELF_OBJECT)
      set(lib_output $<TARGET_OBJECTS:${target_name}_llext_lib>)
    else()
      set(lib_output $<TARGET_FILE:${target_name}_llext_lib>)
    endif()
    add_custom_command(OUTPUT ${PROJECT_BINARY_DIR}/llext/${target_name}_debug.elf
      APPEND DEPENDS ${lib_output})
  endfunction()
endif()

# llext_rs_embed_extension(<app target> <llext target> <header name>)
# Turns the .llext of <llext target> into a C array initializer in
# ${ZEPHYR_BINARY_DIR}/include/generated/<header name> (as Zephyr's tests do), to be
# written as `static const uint8_t ext[] __aligned(4) = { #include "<header name>" };`.
function(llext_rs_embed_extension app_target llext_target header_name)
  get_target_property(llext_file ${llext_target} pkg_output)
  if(NOT llext_file)
    set(llext_file ${CMAKE_CURRENT_BINARY_DIR}/${llext_target}.llext)
  endif()
  generate_inc_file_for_target(${app_target} ${llext_file}
    ${ZEPHYR_BINARY_DIR}/include/generated/${header_name})
endfunction()

# add_llext_rust_target(<name> OUTPUT <file> CRATE <dir> [BIN <bin>])
# The Rust counterpart of add_llext_target(): builds the extension crate in <dir> (a
# no_std, no_main bin crate using llext-extension, as extension/template/; BIN defaults
# to <name>) for the board's Rust target and writes the relocatable object to <file>.
# cargo runs with -Zbuild-std=core (rust-src needed, as for the loader with a target
# whose core is not installed), RUSTC_BOOTSTRAP=1, and the toolchain's own ld for the
# `ld -r` link: the crate needs no .cargo/config.toml (one it has is overridden for the
# target). The file is packaged as Zephyr packages C extensions (--strip-unneeded;
# the imports' SLIDs injected in CONFIG_LLEXT_EXPORT_BUILTINS_BY_SLID builds). The
# custom target <name> has the `pkg_output` property, like Zephyr's, so
# llext_rs_embed_extension() finds the file.
function(add_llext_rust_target name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "OUTPUT;CRATE;BIN" "")
  if(NOT arg_OUTPUT OR NOT arg_CRATE)
    message(FATAL_ERROR "add_llext_rust_target(${name}): OUTPUT and CRATE are required")
  endif()
  if(NOT arg_BIN)
    set(arg_BIN ${name})
  endif()
  get_filename_component(crate ${arg_CRATE} ABSOLUTE)
  get_property(LLEXT_RS_DIR GLOBAL PROPERTY LLEXT_RS_DIR)
  llext_rs_find_tool(LLEXT_RS_CARGO cargo)
  llext_rs_find_tool(LLEXT_RS_RUSTC rustc)
  llext_rs_rust_target(target triple)
  # cargo's per-target environment: CARGO_TARGET_<TRIPLE, upper case, _ for - and .>_*.
  string(TOUPPER ${triple} env_triple)
  string(REGEX REPLACE "[-.]" "_" env_triple ${env_triple})

  # One relocatable object, everything kept; the toolchain's ld.
  set(flags -C linker-flavor=ld -C link-arg=-r -C link-arg=--no-gc-sections
    -C link-arg=-T${LLEXT_RS_DIR}/extension/llext-rust.ld)
  if(CONFIG_ARM)
    # Zephyr builds ARM extensions with -mlong-calls: base-image calls through literal
    # pools, whatever the distance.
    list(APPEND flags -C target-feature=+long-calls)
  elseif(CONFIG_X86 AND NOT CONFIG_X86_64)
    list(APPEND flags -C link-arg=-melf_i386)
  endif()
  list(JOIN flags " " flags)

  # Packaged as Zephyr packages a C extension: unneeded symbols stripped, and in SLID
  # builds the imports' SLIDs injected (scripts/build/llext_inject_slids.py).
  if(CONFIG_LLEXT_EXPORT_BUILTINS_BY_SLID)
    set(slid_inject_cmd ${PYTHON_EXECUTABLE} ${ZEPHYR_BASE}/scripts/build/llext_inject_slids.py
      --elf-file ${arg_OUTPUT})
  else()
    set(slid_inject_cmd ${CMAKE_COMMAND} -E true)
  endif()

  set(target_dir ${CMAKE_CURRENT_BINARY_DIR}/${name}-cargo)
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${crate}/src/*.rs ${LLEXT_RS_DIR}/extension/src/*.rs)
  add_custom_command(OUTPUT ${arg_OUTPUT}
    COMMAND ${CMAKE_COMMAND} -E env --unset=RUSTFLAGS --unset=CARGO_ENCODED_RUSTFLAGS
      RUSTC=${LLEXT_RS_RUSTC} RUSTC_BOOTSTRAP=1
      CARGO_TARGET_${env_triple}_LINKER=${CMAKE_LINKER}
      "CARGO_TARGET_${env_triple}_RUSTFLAGS=${flags}"
      ${LLEXT_RS_CARGO} build --release --quiet --bin ${arg_BIN} --target ${target}
      -Zbuild-std=core -Zjson-target-spec --target-dir ${target_dir}
    COMMAND ${CMAKE_OBJCOPY} --strip-unneeded ${target_dir}/${triple}/release/${arg_BIN} ${arg_OUTPUT}
    COMMAND ${slid_inject_cmd}
    DEPENDS ${sources} ${crate}/Cargo.toml ${LLEXT_RS_DIR}/extension/llext-rust.ld
    WORKING_DIRECTORY ${crate}
    COMMENT "llext-rs: Rust extension ${name} (${triple})"
    USES_TERMINAL)
  add_custom_target(${name} ALL DEPENDS ${arg_OUTPUT})
  set_target_properties(${name} PROPERTIES pkg_output ${arg_OUTPUT})
endfunction()
