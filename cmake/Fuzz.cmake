# libFuzzer build (cmake -DECERT_FUZZ=ON, clang only). Included before the libraries are
# defined, so that everything built in this tree — the libraries, the programs and the
# fuzz targets — carries ASan + UBSan and libFuzzer's coverage instrumentation
# (-fsanitize=fuzzer-no-link). Only the targets in fuzz/ link libFuzzer itself
# (-fsanitize=fuzzer, which brings its main()). Any sanitizer report aborts, so
# libFuzzer records it as a crash.
#   CC=clang cmake -S . -B build-fuzz -DECERT_FUZZ=ON -DECERT_TESTS=OFF
if(NOT CMAKE_C_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "ECERT_FUZZ=ON needs clang (libFuzzer); this build uses "
    "${CMAKE_C_COMPILER_ID}. Configure a fresh build directory with CC=clang.")
endif()

include(CheckCSourceCompiles)
set(CMAKE_REQUIRED_FLAGS "-fsanitize=fuzzer,address,undefined")
check_c_source_compiles("
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }"
  ECERT_HAVE_LIBFUZZER)
unset(CMAKE_REQUIRED_FLAGS)
if(NOT ECERT_HAVE_LIBFUZZER)
  message(FATAL_ERROR "clang cannot link -fsanitize=fuzzer,address,undefined: install "
    "the compiler runtime (Debian: libclang-rt-14-dev).")
endif()

set(ECERT_FUZZ_SANITIZE -fsanitize=address,undefined -fno-sanitize-recover=all)
add_compile_options(-fsanitize=fuzzer-no-link ${ECERT_FUZZ_SANITIZE}
  -fno-omit-frame-pointer -g)
add_link_options(${ECERT_FUZZ_SANITIZE})
