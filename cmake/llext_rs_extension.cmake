# llext-rs: building extensions. add_llext_target() keeps the signature and behaviour of
# Zephyr 4.3's (OUTPUT, SOURCES, ...; flags from the toolchain's LLEXT_REMOVE_FLAGS /
# LLEXT_APPEND_FLAGS properties), with the ELF type and SLID choice taken from the same
# options (the LLEXT_BINARY_TYPE choice, CONFIG_LLEXT_EXPORT_BUILTINS_BY_SLID). It
# delegates to Zephyr's implementation, which requires CONFIG_LLEXT: that is set in the
# function scope only.
# SPDX-License-Identifier: Apache-2.0

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
