#!/usr/bin/env bash
# Build ecert and run every test, four ways:
#   1. the normal build (RelWithDebInfo, warnings as errors)         build/
#   2. the same tests under ASan + UBSan                              build-asan/
#   3. the same tests under valgrind memcheck (unit tests directly, the programs of the
#      end-to-end tests through wrappers; errors and definite leaks fail)  build-valgrind/
#   4. each libFuzzer target for a short run (scripts/fuzz.sh --ci)   build-fuzz/
# Usage: scripts/test.sh [--quick]   (--quick: only 1)
# CI (.ci/run) runs exactly this, without --quick.
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

  echo "== build (valgrind) =="
  cmake -S . -B build-valgrind -DECERT_VALGRIND=ON -DECERT_WERROR=ON >/dev/null
  cmake --build build-valgrind -j"$JOBS"
  echo "== tests under valgrind memcheck =="
  rm -f build-valgrind/valgrind-logs/*.log
  (cd build-valgrind && ctest --output-on-failure -j"$JOBS")
  # A program that exited 99 failed its test already; this also catches a report from a
  # run whose exit status a test did not look at.
  reports=$(find build-valgrind/valgrind-logs -name '*.log' -size +0 | head -n 5)
  if [ -n "$reports" ]; then
    echo "valgrind reported errors:" >&2
    for f in $reports; do echo "--- $f" >&2; head -n 40 "$f" >&2; done
    exit 1
  fi

  echo "== fuzz targets, short run (scripts/fuzz.sh --ci) =="
  bash scripts/fuzz.sh --ci
fi
echo "== all tests passed =="
