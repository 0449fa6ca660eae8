#!/usr/bin/env bash
# Load benchmark of the counter service (not a test): POST /api/v1/verify of one QR text
# with 64 connections (wrk, Debian package `wrk`), beside the single-core signature
# verification rate of `openssl speed` for the suite the certificate uses (SM2).
#
#   bench/serve-wrk.sh [BUILD_DIR]        (default: build)
#   DURATION=20s CONNECTIONS=64 WRK_THREADS=2 bench/serve-wrk.sh
#
# Prints requests/second, p50/p99 latency, and rps ÷ (cores × openssl verify/s), with the
# targets (>= 0.8 and p99 < 50 ms). Note that wrk runs on the same machine and takes CPU
# from the service. Traffic goes to 127.0.0.1 only and stops after DURATION.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:-$SRC/build}" && pwd)
export ECERT_SRC=$SRC
export ECERT_BIN=${ECERT_BIN:-$BUILD/bin}
export ECERT_TOOLS=${ECERT_TOOLS:-$BUILD/tests/tools}
DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-64}
WRK_THREADS=${WRK_THREADS:-2}
command -v wrk >/dev/null || {
	echo "wrk is not installed (Debian: apt-get install wrk)" >&2
	exit 1
}
. "$SRC/tests/e2e/lib/counter.sh"
counter_need

W=$(mktemp -d)
trap 'counter_stop >/dev/null 2>&1 || true; rm -rf "$W"' EXIT
counter_fixtures "$W"
CORES=$(nproc)
counter_start "$W" "$W/server.log" --threads "$CORES" --max-connections 512

# The request must be a real verification that passes, not an error page.
curl -sS -H 'Content-Type: text/plain' --data-binary @"$W/valid.qr" \
	"${COUNTER_URL%/}/api/v1/verify" | grep -qF '"valid":true' || {
	echo "sanity check failed: the QR text does not verify" >&2
	exit 1
}

{
	printf 'wrk.method = "POST"\n'
	printf 'wrk.headers["Content-Type"] = "text/plain"\n'
	printf 'wrk.body = [==[%s]==]\n' "$(cat "$W/valid.qr")"
	cat <<'EOF'
function done(summary, latency, requests)
  io.write(string.format("RESULT requests=%d duration_us=%d errors=%d p50_us=%d p99_us=%d\n",
    summary.requests, summary.duration,
    summary.errors.connect + summary.errors.read + summary.errors.write +
    summary.errors.status + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99)))
end
EOF
} >"$W/verify.lua"

echo "# ecert-verifier serve: $CORES cores, $CORES worker threads; wrk -t$WRK_THREADS -c$CONNECTIONS -d$DURATION"
# Quiet the access log for the run (stderr → file; it is one line per request).
/usr/bin/time -f "# wrk itself used %U s user + %S s system CPU" wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$W/verify.lua" \
	"${COUNTER_URL%/}/api/v1/verify" | tee "$W/wrk.out"
counter_stop || true

line=$(grep '^RESULT' "$W/wrk.out")
req=$(sed 's/.*requests=\([0-9]*\).*/\1/' <<<"$line")
dur=$(sed 's/.*duration_us=\([0-9]*\).*/\1/' <<<"$line")
errs=$(sed 's/.*errors=\([0-9]*\).*/\1/' <<<"$line")
p50=$(sed 's/.*p50_us=\([0-9]*\).*/\1/' <<<"$line")
p99=$(sed 's/.*p99_us=\([0-9]*\).*/\1/' <<<"$line")

echo "# openssl speed -seconds 5 sm2 (single core)"
openssl speed -seconds 5 sm2 2>/dev/null | tee "$W/speed.out" | tail -n 2
verify=$(awk '/SM2/ {print $NF}' "$W/speed.out" | tail -n1)

awk -v req="$req" -v dur="$dur" -v errs="$errs" -v p50="$p50" -v p99="$p99" \
	-v verify="$verify" -v cores="$CORES" 'BEGIN {
	rps = req / (dur / 1e6);
	ratio = rps / (cores * verify);
	printf "\n";
	printf "requests/second        %10.0f   (%d requests, %d errors or non-2xx)\n", rps, req, errs;
	printf "latency p50 / p99      %10.2f / %.2f ms   (target p99 < 50 ms: %s)\n",
		p50 / 1000, p99 / 1000, p99 < 50000 ? "met" : "NOT met";
	printf "openssl SM2 verify/s   %10.0f   per core, x %d cores = %.0f\n", verify, cores, cores * verify;
	printf "ratio rps/(cores*rate) %10.2f   (target >= 0.8: %s)\n", ratio, (ratio >= 0.8 ? "met" : "NOT met");
}'
