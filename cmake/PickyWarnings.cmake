# Picky warnings (in the spirit of curl's CMake/PickyWarnings.cmake).
set(ECERT_WARNING_FLAGS "")
if(ECERT_PICKY_WARNINGS AND CMAKE_C_COMPILER_ID MATCHES "GNU|Clang")
  list(APPEND ECERT_WARNING_FLAGS
    -Wall -Wextra -Wshadow -Wconversion -Wsign-conversion -Wstrict-prototypes
    -Wmissing-prototypes -Wvla -Wformat=2 -Wpointer-arith -Wcast-qual
    -Wundef -Wwrite-strings -Wimplicit-fallthrough)
  if(ECERT_WERROR)
    list(APPEND ECERT_WARNING_FLAGS -Werror)
  endif()
endif()

# ecert_target_warnings(TARGET): apply the picky set to our own code only.
function(ecert_target_warnings target)
  target_compile_options(${target} PRIVATE ${ECERT_WARNING_FLAGS})
endfunction()
