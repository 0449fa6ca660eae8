#!/usr/bin/env bash
# Build the libFuzzer targets and run each for a while, one after the other.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#   scripts/fuzz.sh --ci [TARGET...]
#
# SECONDS_PER_TARGET defaults to 60; --ci is the short run for CI: 20 seconds per target; TARGETs (fuzz_json, json, …) default to all of
# fuzz/fuzz_*.c. The build directory is build-fuzz/ (ECERT_FUZZ_BUILD overrides it); it is
# configured with clang if it does not exist yet. For each target:
#   seeds       fuzz/corpus/<name>/ (read only) — new inputs go to build-fuzz/corpus/<name>/
#   dictionary  fuzz/<name>.dict, if present
#   flags       fuzz/<name>.options, if present (libFuzzer flags, one per line)
#   crashes     build-fuzz/artifacts/<target>-crash-… (also leak-, timeout-, oom-)
#   log         build-fuzz/logs/<target>.log
# and prints one summary line: executions, coverage (libFuzzer's final cov: and ft:),
# corpus size and crash count. Exit status 1 if any target crashed.
# Environment: ECERT_FUZZ_NO_BUILD=1 skips the build step (the 'fuzz' CMake target sets
# it), ECERT_FUZZ_FLAGS adds libFuzzer flags to every run, ECERT_FUZZ_JOBS=N uses N
# parallel build jobs (default 2).
set -euo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
build=${ECERT_FUZZ_BUILD:-$src/build-fuzz}
ci_seconds=20
seconds=${1:-60}
[[ $# -gt 0 ]] && shift
[[ $seconds == --ci ]] && seconds=$ci_seconds
if ! [[ $seconds =~ ^[0-9]+$ ]] || [[ $seconds -eq 0 ]]; then
	echo "usage: $0 [SECONDS_PER_TARGET | --ci] [TARGET...]" >&2
	exit 2
fi

if [[ ${ECERT_FUZZ_NO_BUILD:-0} != 1 ]]; then
	if [[ ! -f $build/CMakeCache.txt ]]; then
		CC=${CC:-clang} cmake -S "$src" -B "$build" -DECERT_FUZZ=ON -DECERT_TESTS=OFF \
			>/dev/null
	fi
	cmake --build "$build" --target fuzz-targets -j "${ECERT_FUZZ_JOBS:-2}" >/dev/null
fi

targets=()
if [[ $# -gt 0 ]]; then
	for t in "$@"; do
		t=${t#fuzz_}
		targets+=("fuzz_$t")
	done
else
	for f in "$src"/fuzz/fuzz_*.c; do
		targets+=("$(basename "$f" .c)")
	done
fi

mkdir -p "$build/artifacts" "$build/logs"
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# The value of the last "name: N" on libFuzzer's status lines ("#123 DONE cov: 45 ft: 67").
last_field() {
	grep -o "$1: [0-9]*" "$2" | tail -n 1 | awk '{print $2}'
}

failed=0
for t in "${targets[@]}"; do
	name=${t#fuzz_}
	bin=$build/fuzz/$t
	if [[ ! -x $bin ]]; then
		echo "$t: not built ($bin)" >&2
		failed=1
		continue
	fi
	corpus=$build/corpus/$name
	mkdir -p "$corpus"
	args=(-max_total_time="$seconds" -timeout=10 -print_final_stats=1
		-artifact_prefix="$build/artifacts/$t-")
	[[ -f $src/fuzz/$name.dict ]] && args+=(-dict="$src/fuzz/$name.dict")
	if [[ -f $src/fuzz/$name.options ]]; then
		while read -r opt; do
			[[ -z $opt || $opt == \#* ]] && continue
			args+=("$opt")
		done <"$src/fuzz/$name.options"
	fi
	# shellcheck disable=SC2206
	args+=(${ECERT_FUZZ_FLAGS:-})
	seeds=()
	[[ -d $src/fuzz/corpus/$name ]] && seeds+=("$src/fuzz/corpus/$name")

	before=$(find "$build/artifacts" -name "$t-*" | wc -l)
	rc=0
	"$bin" "${args[@]}" "$corpus" "${seeds[@]}" >"$build/logs/$t.log" 2>&1 || rc=$?
	after=$(find "$build/artifacts" -name "$t-*" | wc -l)
	crashes=$((after - before))
	if [[ $rc -ne 0 && $crashes -eq 0 ]]; then
		crashes=1 # died without an artifact (e.g. a sanitizer report during startup)
	fi

	log=$build/logs/$t.log
	execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | awk '{print $2}' || true)
	[[ -z $execs ]] && execs=$(grep -o '^#[0-9]*' "$log" | tail -n 1 | tr -d '#' || true)
	speed=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | awk '{print $2}' || true)
	cov=$(last_field cov "$log" || true)
	ft=$(last_field ft "$log" || true)
	corp=$(grep -o 'corp: [0-9]*' "$log" | tail -n 1 | awk '{print $2}' || true)
	status=ok
	if [[ $crashes -ne 0 ]]; then
		status="CRASH (see $log)"
		failed=1
	fi
	printf '%-18s %4ss  execs: %-10s (%s/s)  cov: %-5s ft: %-6s corpus: %-5s crashes: %s  %s\n' \
		"$t" "$seconds" "${execs:-?}" "${speed:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" \
		"$crashes" "$status"
done
exit $failed
