#!/usr/bin/env bash
# Issuance benchmark (a measurement, not a test). Prints:
#   1. bench/issue-bench: certificates/second of the issuer's per-certificate path for each
#      suite (sm2, ed25519, p256), with and without a QR PNG, 1 and 2 jobs, beside the
#      single-core `openssl speed -seconds S -elapsed` sign rate measured in the same run;
#   2. the real program: `ecert-issuer issue` on a generated CSV of RECORDS records (default
#      100 000) with --qr none, and on PNG_RECORDS records with --qr png — wall time,
#      certificates/second, and peak resident memory (GNU time's "Maximum resident set
#      size"), register and file writes included.
#
# usage: bench/run-issue-bench.sh [BUILD_DIR]
# environment: N (issue-bench certificates per run, 2000), SECONDS_SPEED (3),
#   RECORDS (100000), PNG_RECORDS (10000), SUITE (sm2: key of the real-program runs),
#   JOBS (cores), SKIP_PATH=1 / SKIP_PROGRAM=1 to leave out a part.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
BIN=$BUILD/bin
BENCH=$BUILD/bench/issue-bench
N=${N:-2000}
SECONDS_SPEED=${SECONDS_SPEED:-3}
RECORDS=${RECORDS:-100000}
PNG_RECORDS=${PNG_RECORDS:-10000}
SUITE=${SUITE:-sm2}
JOBS=${JOBS:-$(nproc)}

for p in "$BIN/ecert-issuer" "$BIN/ecert-keys" "$BENCH"; do
	[ -x "$p" ] || { echo "missing $p: build first (cmake --build $BUILD)" >&2; exit 2; }
done
[ -x /usr/bin/time ] || { echo "needs GNU time (/usr/bin/time, Debian package 'time')" >&2; exit 2; }

echo "# ecert issuance benchmark — $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "# $(nproc) CPU(s): $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(openssl version)"
echo

if [ "${SKIP_PATH:-0}" != 1 ]; then
	echo "## 1. Per-certificate path (in process, no register or files)"
	echo
	"$BENCH" -n "$N" --seconds "$SECONDS_SPEED" --jobs 1,2 --stages
	echo
fi

[ "${SKIP_PROGRAM:-0}" = 1 ] && exit 0

work=$(mktemp -d "${TMPDIR:-/tmp}/ecert-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
export ECERT_PASSPHRASE='bench-only passphrase'
"$BIN/ecert-keys" gen --out "$work/root" >/dev/null
"$BIN/ecert-keys" gen --alg "$SUITE" --out "$work/org" >/dev/null
"$BIN/ecert-keys" trust new --root "$work/root.key" --out "$work/trust.json" >/dev/null
"$BIN/ecert-keys" trust add "$work/trust.json" --root "$work/root.key" --pub "$work/org.pub" \
	--issuer-id 52220000MJ09277315 --issuer-name 吉林省汽车工业职业技能等级认定中心 \
	--kinds skill --valid-from 2020-01-01 >/dev/null

# run NAME RECORDS QR: issue a fresh batch and print one table row
run() {
	local name=$1 n=$2 qr=$3 csv="$work/$1.csv" out="$work/$1" t rss rate
	"$BENCH" --write-csv "$n" "$csv"
	/usr/bin/time -v -o "$work/$name.time" "$BIN/ecert-issuer" issue --key "$work/org.key" \
		--trust "$work/trust.json" --in "$csv" --out "$out/certs" --qr "$qr" \
		--jobs "$JOBS" --quiet >"$work/$name.out"
	t=$(grep 'Elapsed (wall clock)' "$work/$name.time" | awk '{print $NF}' |
		awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }')
	rss=$(grep 'Maximum resident set size' "$work/$name.time" | awk '{print $NF}')
	rate=$(awk -v n="$n" -v t="$t" 'BEGIN { printf "%.0f", n / t }')
	printf '| %s | %d | %s | %d | %.1f s | %s | %.1f MB |\n' "$SUITE" "$n" "$qr" "$JOBS" "$t" \
		"$rate" "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')"
	grep -q "签发 $n 张" "$work/$name.out" || { echo "unexpected result:" >&2; cat "$work/$name.out" >&2; }
	rm -rf "$out" "$csv"
}

echo "## 2. ecert-issuer issue, end to end (both passes, register, files, fsync)"
echo
echo "| suite | records | QR | jobs | wall time | cert/s | peak RSS |"
echo "|---|---|---|---|---|---|---|"
run none "$RECORDS" none
run png "$PNG_RECORDS" png
echo
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
