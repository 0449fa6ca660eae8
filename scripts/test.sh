#!/usr/bin/env bash
# Build ecert and run every test: the normal build (warnings as errors) and the
# ASan+UBSan build. Usage: scripts/test.sh [--quick]   (--quick skips the sanitizer build)
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS=$(nproc 2>/dev/null || echo 2)
quick=0
[ "${1:-}" = "--quick" ] && quick=1

echo "== build (RelWithDebInfo, -Werror) =="
cmake -S . -B build -DECERT_WERROR=ON >/dev/null
cmake --build build -j"$JOBS"
echo "== tests =="
(cd build && ctest --output-on-failure -j"$JOBS")

if [ $quick -eq 0 ]; then
  echo "== build (ASan+UBSan) =="
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Asan -DECERT_WERROR=ON >/dev/null
  cmake --build build-asan -j"$JOBS"
  echo "== tests under ASan+UBSan =="
  (cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
     UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j"$JOBS")
fi
echo "== all tests passed =="
