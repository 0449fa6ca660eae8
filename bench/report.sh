#!/bin/bash
# bench/report.sh — the benchmark report of the hardening issue, measured in one run on one
# machine, written to docs/benchmarks.md (Markdown table) and docs/benchmarks.svg (bar
# chart, drawn by this script).
#
# usage: bench/report.sh [--quick] [--build DIR] [--out FILE.md] [--jobs N] [--no-peers]
#                        [--keep]
#
# Measures:
#   - `openssl speed` sign and verify for SM2, Ed25519, P-256, one core (the limit), through
#     bench/ossl-speed (the runner verify-bench and issue-bench use as well);
#   - the real `ecert-issuer issue` on a generated CSV of skill records (issue-bench
#     --write-csv), per suite, with --qr none and --qr png, with --jobs 1 and --jobs N
#     (default: all cores); a fresh register and output directory each run;
#   - the real `ecert-verifier verify --batch` on the QR texts of those certificates
#     (--status with the issuer's signed list, --require-status), --jobs 1 and N;
#   - the peak RSS (/usr/bin/time) of `ecert-issuer issue --qr none` on 100 000 records;
#   - the same issue and verify work done by peers a team would otherwise write:
#     bench/peer-node (Node.js, canonicalize + sm-crypto + qrcode: SM2) and
#     bench/peer-python (Debian's python3-cryptography + python3-qrcode: Ed25519, P-256),
#     1 process and N processes; their certificates are checked by ecert-verifier too.
# Rates are per second of wall-clock time of the whole program run (start-up, key
# decryption and trust list included), like `openssl speed -elapsed`.
#
# --quick: small batches and 1-second openssl runs, for a smoke check (the numbers are
# not the ones to quote). --build DIR: the CMake build directory (default: build/ under
# the source tree; programs in DIR/bin, bench tools in DIR/bench; ECERT_BIN and
# ECERT_BENCH_BIN override those two). --no-peers: skip the peers. --keep: keep the
# work directory. Needs: bash, awk, /usr/bin/time (Debian package `time`); node + npm
# (the registry, once, for bench/peer-node's packages) and /usr/bin/python3 with
# python3-cryptography, python3-qrcode, python3-pil for the peers.
# Not a test: ctest does not run it.
set -euo pipefail

SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD="$SRC/build"
OUT="$SRC/docs/benchmarks.md"
QUICK=0
PEERS=1
KEEP=0
JOBS=$(nproc)

while [ $# -gt 0 ]; do
	case $1 in
	--quick) QUICK=1 ;;
	--build) BUILD=$(cd "$2" && pwd); shift ;;
	--out) OUT=$2; shift ;;
	--jobs) JOBS=$2; shift ;;
	--no-peers) PEERS=0 ;;
	--keep) KEEP=1 ;;
	-h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) echo "report.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
	esac
	shift
done
case $JOBS in '' | *[!0-9]* | 0) echo "report.sh: --jobs wants a number" >&2; exit 2 ;; esac
JOBLIST=(1)
[ "$JOBS" = 1 ] || JOBLIST+=("$JOBS")

BIN=${ECERT_BIN:-$BUILD/bin}
BBIN=${ECERT_BENCH_BIN:-$BUILD/bench}
if [ $QUICK = 1 ]; then
	SPEED_S=1 N=200 N_NODE=20 N_PY=60 N_MEM=2000 MODE="quick (smoke check)"
else
	SPEED_S=5 N=3000 N_NODE=200 N_PY=1000 N_MEM=100000 MODE="full"
fi
SUITES=(sm2 ed25519 p256)
declare -A SPEED_NAME=([sm2]=sm2 [ed25519]=ed25519 [p256]=ecdsap256)
declare -A PEER_OF=([sm2]=node [ed25519]=python [p256]=python)
USCC=52220000MJ09277315
ISSUER_NAME=吉林省汽车工业职业技能等级认定中心
DICT="$SRC/schemas/qr/dict-v1"
PY=/usr/bin/python3
export ECERT_LANG=en
unset ECERT_PASSPHRASE

say() { printf '%s\n' "$*" >&2; }
die() { say "report.sh: $*"; exit 1; }

for p in "$BIN/ecert-keys" "$BIN/ecert-verifier" "$BBIN/ossl-speed" "$BBIN/verify-bench"; do
	[ -x "$p" ] || die "no $p: build first (cmake --build $BUILD)"
done
HAVE_ISSUER=1
[ -x "$BIN/ecert-issuer" ] && [ -x "$BBIN/issue-bench" ] || HAVE_ISSUER=0
[ -x /usr/bin/time ] || die "no /usr/bin/time (apt-get install -y time)"

work=$(mktemp -d "${TMPDIR:-/tmp}/ecert-report.XXXXXX")
if [ $KEEP = 1 ]; then say "work directory: $work"; else trap 'rm -rf "$work"' EXIT; fi
cd "$work"

# ---- peers: are they there? ----
NODE_OK=0 PY_OK=0 NODE_NOTE="" PY_NOTE=""
if [ $PEERS = 1 ]; then
	if command -v node >/dev/null && command -v npm >/dev/null; then
		if [ ! -d "$SRC/bench/peer-node/node_modules" ]; then
			say "installing bench/peer-node's packages (npm ci)"
			(cd "$SRC/bench/peer-node" && npm ci --no-audit --no-fund >&2) || true
		fi
		[ -d "$SRC/bench/peer-node/node_modules" ] && NODE_OK=1 || NODE_NOTE="npm ci failed"
	else
		NODE_NOTE="node/npm not installed"
	fi
	if [ -x $PY ] && $PY -c 'import cryptography, qrcode, PIL' 2>/dev/null; then
		PY_OK=1
	else
		PY_NOTE="needs /usr/bin/python3 with python3-cryptography python3-qrcode python3-pil"
	fi
fi

# now: seconds since the epoch with microseconds
now() { printf '%s' "$EPOCHREALTIME"; }
rate() { awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN { printf "%.1f", n / (b - a) }'; }

# ---- machine ----
CPU=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
MEM=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
OSSL=$("$BBIN/ossl-speed" --version)
OS=$( (. /etc/os-release && echo "$PRETTY_NAME") 2>/dev/null || uname -s)
COMMIT=$(git -C "$SRC" rev-parse --short HEAD 2>/dev/null || echo unknown)
git -C "$SRC" diff --quiet HEAD 2>/dev/null || COMMIT="$COMMIT (with local changes)"
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
DATE=$(date -u +%Y-%m-%dT%H:%M:%SZ)
say "report.sh: $MODE run, $(nproc) cores, $CPU, $OSSL, load $LOAD0"

# ---- openssl speed: the limit ----
declare -A SIGN VERIFY
for s in "${SUITES[@]}"; do
	say "openssl speed ${SPEED_NAME[$s]} (${SPEED_S} s sign + ${SPEED_S} s verify)"
	read -r _ SIGN[$s] VERIFY[$s] < <("$BBIN/ossl-speed" --seconds "$SPEED_S" "${SPEED_NAME[$s]}")
done

# ---- keys and the trust list (every issuer key, ecert's and the peers') ----
(umask 077 && echo 'benchmark-only root passphrase' >root-pass && echo 'benchmark-only issuer passphrase' >pass)
R=(--root root.key --passphrase-file root-pass)
"$BIN/ecert-keys" gen --alg sm2 --out root --passphrase-file root-pass >/dev/null
"$BIN/ecert-keys" trust new "${R[@]}" --out trust.json --name bench >/dev/null
add_key() { # add_key PUB.pem
	"$BIN/ecert-keys" trust add trust.json "${R[@]}" --pub "$1" --issuer-id "$USCC" \
		--issuer-name "$ISSUER_NAME" --kinds skill --valid-from 2024-01-01 >/dev/null
}
declare -A KID
for s in "${SUITES[@]}"; do
	"$BIN/ecert-keys" gen --alg "$s" --out "key-$s" --passphrase-file pass >/dev/null
	add_key "key-$s.pub"
	KID[$s]=$("$BIN/ecert-keys" kid "key-$s.pub")
done
if [ $NODE_OK = 1 ]; then
	node "$SRC/bench/peer-node/issue.mjs" --keygen peer-sm2.json peer-sm2.pub
	add_key peer-sm2.pub
	KID[peer-sm2]=$("$BIN/ecert-keys" kid peer-sm2.pub)
fi
if [ $PY_OK = 1 ]; then
	for s in ed25519 p256; do
		$PY "$SRC/bench/peer-python/peer.py" keygen "$s" "peer-$s.pem" "peer-$s.pub"
		add_key "peer-$s.pub"
		KID[peer-$s]=$("$BIN/ecert-keys" kid "peer-$s.pub")
	done
fi

# ---- results ----
# results.tsv: suite, work, jobs, ecert/s, limit/s (openssl, per core), peer, peer/s
: >results.tsv
: >details.md
row() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>results.tsv; }
detail() { printf '%s\n' "$*" >>details.md; }

# run_peer_parallel J CMD...: run CMD --part k/J for k < J at once; fail if any fails
run_peer_parallel() {
	local j=$1 k pids=() rc=0
	shift
	for ((k = 0; k < j; k++)); do
		"$@" --part "$k/$j" >"peer-out.$k" 2>"peer-err.$k" &
		pids+=($!)
	done
	for k in "${pids[@]}"; do wait "$k" || rc=1; done
	[ $rc = 0 ] || { cat peer-err.* >&2; return 1; }
}

# peer_issue SUITE QR J: the peer's rate on the first N_peer records
peer_issue() {
	local s=$1 qr=$2 j=$3 n t0 t1
	rm -rf peer-issued
	if [ "${PEER_OF[$s]}" = node ]; then
		[ $NODE_OK = 1 ] || return 1
		n=$N_NODE
		t0=$(now)
		run_peer_parallel "$j" node "$SRC/bench/peer-node/issue.mjs" --key peer-sm2.json \
			--kid "${KID[peer-sm2]}" --issuer-id "urn:uscc:$USCC" --issuer-name "$ISSUER_NAME" \
			--dict "$DICT" --in in-node.csv --out peer-issued --qr "$qr" || return 1
		t1=$(now)
	else
		[ $PY_OK = 1 ] || return 1
		n=$N_PY
		t0=$(now)
		run_peer_parallel "$j" $PY "$SRC/bench/peer-python/peer.py" issue --key "peer-$s.pem" \
			--kid="${KID[peer-$s]}" --issuer-id "urn:uscc:$USCC" --issuer-name "$ISSUER_NAME" \
			--dict "$DICT" --in in-py.csv --out peer-issued --qr "$qr" || return 1
		t1=$(now)
	fi
	[ "$(find peer-issued -name '*.json' | wc -l)" = "$n" ] ||
		{ say "peer $s: not $n certificates"; return 1; }
	rate "$n" "$t0" "$t1"
}

# peer_verify SUITE J: the peer's rate on the first N_peer QR texts of ecert's certificates
peer_verify() {
	local s=$1 j=$2 n t0 t1
	if [ "${PEER_OF[$s]}" = node ]; then
		[ $NODE_OK = 1 ] || return 1
		n=$N_NODE
		head -n "$n" "qr-$s.txt" >peer-qr.txt
		t0=$(now)
		run_peer_parallel "$j" node "$SRC/bench/peer-node/verify.mjs" --root root.pub \
			--trust trust.json --status "status-$s.json" --dict "$DICT" --batch peer-qr.txt ||
			return 1
		t1=$(now)
	else
		[ $PY_OK = 1 ] || return 1
		n=$N_PY
		head -n "$n" "qr-$s.txt" >peer-qr.txt
		t0=$(now)
		run_peer_parallel "$j" $PY "$SRC/bench/peer-python/peer.py" verify --root root.pub \
			--trust trust.json --status "status-$s.json" --dict "$DICT" --batch peer-qr.txt ||
			return 1
		t1=$(now)
	fi
	rate "$n" "$t0" "$t1"
}

CROSS=""
if [ $HAVE_ISSUER = 1 ]; then
	"$BBIN/issue-bench" --write-csv "$N" in.csv
	head -n $((N_NODE + 1)) in.csv >in-node.csv
	head -n $((N_PY + 1)) in.csv >in-py.csv
fi
for s in "${SUITES[@]}"; do
	if [ $HAVE_ISSUER = 0 ]; then
		row "$s" "issue, no QR" 1 - "${SIGN[$s]}" - -
		continue
	fi
	for qr in none png; do
		for j in "${JOBLIST[@]}"; do
			say "ecert-issuer issue: $s, --qr $qr, --jobs $j, $N records"
			rm -rf issued reg.db
			t0=$(now)
			"$BIN/ecert-issuer" issue --key "key-$s.key" --trust trust.json --root root.pub \
				--in in.csv --out issued --qr "$qr" --jobs "$j" --register reg.db \
				--passphrase-file pass --quiet >issue.log 2>&1 ||
				{ cat issue.log >&2; die "ecert-issuer issue failed"; }
			t1=$(now)
			[ "$(find issued -name '*.json' | wc -l)" = "$N" ] || die "$s: not $N certificates"
			r=$(rate "$N" "$t0" "$t1")
			detail "| issue | $s | $qr | $j | $N | $r | $(grep -o '[0-9.]* certificates/s' issue.log | cut -d' ' -f1) |"
			pr=-
			if [ $PEERS = 1 ]; then
				say "  peer (${PEER_OF[$s]}) issue: $s, --qr $qr, $j process(es)"
				pr=$(peer_issue "$s" "$qr" "$j") || pr=-
			fi
			row "$s" "issue, $([ $qr = png ] && echo 'QR PNG' || echo 'no QR')" "$j" "$r" "${SIGN[$s]}" "${PEER_OF[$s]}" "$pr"
			if [ $qr = none ] && [ "$j" = 1 ]; then
				"$BBIN/verify-bench" --to-qr issued >"qr-$s.txt"
				"$BIN/ecert-issuer" status-list --key "key-$s.key" --trust trust.json \
					--out "status-$s.json" --register reg.db --passphrase-file pass >/dev/null
				# the peer's certificates must verify with the real verifier
				if [ "$pr" != - ] && [ -d peer-issued ]; then
					"$BBIN/verify-bench" --to-qr peer-issued >peer-made.txt
					if "$BIN/ecert-verifier" verify --root root.pub --trust trust.json \
						--batch peer-made.txt --jobs 1 >/dev/null 2>&1; then
						CROSS="$CROSS $s:yes"
					else
						CROSS="$CROSS $s:NO"
					fi
				fi
			fi
		done
	done
	for j in "${JOBLIST[@]}"; do
		say "ecert-verifier verify --batch: $s, --jobs $j, $N QR texts"
		t0=$(now)
		"$BIN/ecert-verifier" verify --root root.pub --trust trust.json --status "status-$s.json" \
			--require-status --batch "qr-$s.txt" --jobs "$j" >verify.out 2>verify.log ||
			{ cat verify.log >&2; die "ecert-verifier: not every certificate verified"; }
		t1=$(now)
		[ "$(grep -c '"valid":true' verify.out)" = "$N" ] || die "$s: not $N valid results"
		r=$(rate "$N" "$t0" "$t1")
		detail "| verify | $s | - | $j | $N | $r | $(grep -o '([0-9.]*/s' verify.log | tr -d '(/s') |"
		pr=-
		if [ $PEERS = 1 ]; then
			say "  peer (${PEER_OF[$s]}) verify: $s, $j process(es)"
			pr=$(peer_verify "$s" "$j") || pr=-
		fi
		row "$s" "verify" "$j" "$r" "${VERIFY[$s]}" "${PEER_OF[$s]}" "$pr"
	done
done

# ---- peak memory of a large batch ----
MEM_LINE="not measured (no ecert-issuer in $BIN)"
if [ $HAVE_ISSUER = 1 ]; then
	say "peak memory: ecert-issuer issue --qr none --jobs $JOBS, $N_MEM records (sm2)"
	"$BBIN/issue-bench" --write-csv "$N_MEM" in-mem.csv
	rm -rf issued reg.db
	t0=$(now)
	/usr/bin/time -f '%M' -o mem.txt "$BIN/ecert-issuer" issue --key key-sm2.key --trust trust.json \
		--in in-mem.csv --out issued --qr none --jobs "$JOBS" --register reg.db \
		--passphrase-file pass --quiet >issue.log 2>&1 || { cat issue.log >&2; die "large batch failed"; }
	t1=$(now)
	MEM_KB=$(tail -n 1 mem.txt)
	MEM_LINE=$(awk -v kb="$MEM_KB" -v n="$N_MEM" -v r="$(rate "$N_MEM" "$t0" "$t1")" -v j="$JOBS" \
		'BEGIN { printf "%.1f MiB peak RSS for %d records (SM2, no QR, %d jobs, %s certificates/s)", kb / 1024, n, j, r }')
	rm -rf issued reg.db in-mem.csv
fi
LOAD1=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- the report ----
mkdir -p "$(dirname "$OUT")"
SVG="${OUT%.md}.svg"
awk -F'\t' -v jobs="$JOBS" '
function lbl(s) { return s == "sm2" ? "SM2" : s == "ed25519" ? "Ed25519" : "P-256" }
{
	ecert = ($4 == "-") ? "–" : sprintf("%.0f", $4)
	lim = $5 * $3
	x = ($4 == "-") ? "–" : sprintf("%.2f", $4 / lim)
	peer = ($6 == "-") ? "–" : ($6 == "node" ? "Node.js" : "Python")
	pr = ($7 == "-") ? "–" : sprintf("%.1f", $7)
	ratio = ($7 == "-" || $4 == "-") ? "–" : sprintf("%.0f×", $4 / $7)
	printf "| %s | %s | %s | %s | %.0f | %s | %s | %s | %s |\n", $2, lbl($1), $3, ecert, lim, x, peer, pr, ratio
}' results.tsv >table.md

# the chart: one row per measurement, bars on a log scale for ecert, the peer and the limit
awk -F'\t' -v title="ecert $MODE benchmark, $(nproc) cores, $DATE" '
function lbl(s) { return s == "sm2" ? "SM2" : s == "ed25519" ? "Ed25519" : "P-256" }
function x(v) { return v <= 1 ? 0 : W * log(v) / log(10) / DECADES }
function tick(d) { return d < 3 ? 10 ^ d : d < 6 ? 10 ^ (d - 3) "k" : 10 ^ (d - 6) "M" }
function bar(y, v, cls, text) {
	if (v == "-" || v <= 0) return
	printf "<rect class=\"%s\" x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\"/>\n", cls, L, y, x(v), BH
	printf "<text class=\"v\" x=\"%.1f\" y=\"%d\">%s</text>\n", L + x(v) + 4, y + BH - 2, text
}
BEGIN { L = 250; W = 600; BH = 9; ROW = 34; TOP = 60; max = 10 }
{
	s[NR] = $1; w[NR] = $2; j[NR] = $3; e[NR] = $4; lim[NR] = $5 * $3; p[NR] = $6; pr[NR] = $7
	n = NR
	if (lim[NR] > max) max = lim[NR]
	if ($4 != "-" && $4 > max) max = $4
	if ($7 != "-" && $7 > max) max = $7
}
END {
	DECADES = int(log(max) / log(10) + 0.999999)
	H = TOP + n * ROW + 40
	printf "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"11\">\n", L + W + 80, H
	print "<style>.e{fill:#1f6feb}.p{fill:#e36209}.l{fill:#8c959f}.v{fill:#24292f;font-size:9px}.g{stroke:#d0d7de}</style>"
	printf "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
	printf "<text x=\"10\" y=\"18\" font-size=\"13\" font-weight=\"bold\">%s</text>\n", title
	printf "<rect class=\"e\" x=\"10\" y=\"30\" width=\"10\" height=\"9\"/><text x=\"24\" y=\"38\">ecert</text>\n"
	printf "<rect class=\"p\" x=\"70\" y=\"30\" width=\"10\" height=\"9\"/><text x=\"84\" y=\"38\">peer (Node.js for SM2, Python otherwise)</text>\n"
	printf "<rect class=\"l\" x=\"330\" y=\"30\" width=\"10\" height=\"9\"/><text x=\"344\" y=\"38\">openssl speed × jobs (the limit)</text>\n"
	for (d = 0; d <= DECADES; d++) {
		gx = L + W * d / DECADES
		printf "<line class=\"g\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>\n", gx, TOP - 8, gx, H - 30
		printf "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n", gx, H - 16, tick(d)
	}
	printf "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">certificates (or operations) per second, log scale</text>\n", L + W / 2, H - 3
	for (i = 1; i <= n; i++) {
		y = TOP + (i - 1) * ROW
		printf "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s, %s, %d job%s</text>\n", L - 6, y + 16, lbl(s[i]), w[i], j[i], j[i] == 1 ? "" : "s"
		bar(y, e[i], "e", e[i] == "-" ? "" : sprintf("%.0f", e[i]))
		bar(y + BH + 1, pr[i], "p", pr[i] == "-" ? "" : sprintf("%.1f", pr[i]))
		bar(y + 2 * (BH + 1), lim[i], "l", sprintf("%.0f", lim[i]))
	}
	print "</svg>"
}' results.tsv >chart.svg

{
	echo "# Benchmarks"
	echo
	if [ $QUICK = 1 ]; then
		echo "> **Quick mode (smoke check)**: small batches and 1-second \`openssl speed\` runs."
		echo "> These numbers show that the measurement works, not how fast ecert is;"
		echo "> run \`bench/report.sh\` without \`--quick\` on a quiet machine for those."
		echo
	fi
	echo "Written by \`bench/report.sh\` ($MODE run) — every number below was measured in one run"
	echo "on one machine. Rates are per second of wall-clock time of the whole program run"
	echo "(start-up, key decryption and trust list loading included), as \`openssl speed -elapsed\`."
	echo
	echo "| machine | |"
	echo "|---|---|"
	echo "| date | $DATE |"
	echo "| cores (nproc) | $(nproc) |"
	echo "| CPU | $CPU |"
	echo "| memory | $MEM |"
	echo "| OS | $OS, Linux $(uname -r) |"
	echo "| OpenSSL | $OSSL |"
	echo "| ecert | commit $COMMIT |"
	echo "| load average at start / end | $LOAD0 / $LOAD1 |"
	[ $NODE_OK = 1 ] && echo "| Node.js peer | node $(node --version), $(cd "$SRC/bench/peer-node" && node -e 'const p=require("./package.json");console.log(Object.entries(p.dependencies).map(([k,v])=>k+" "+v).join(", "))') |"
	[ $PY_OK = 1 ] && echo "| Python peer | $($PY --version 2>&1), $(dpkg-query -W -f '${Package} ${Version}, ' python3-cryptography python3-qrcode python3-pil 2>/dev/null | sed 's/, $//') |"
	echo
	echo "## Results"
	echo
	echo "The limit is \`openssl speed -seconds $SPEED_S -elapsed\` on one core — sign/s for issuing,"
	echo "verify/s for verifying — times the number of jobs. \`× limit\` is ecert's rate divided by"
	echo "it (issuing also verifies every signature it makes, so its own ceiling is"
	echo "1/(1/sign + 1/verify) per core). \`ecert ÷ peer\` compares with the same work done by a peer."
	echo
	echo "| work | suite | jobs | ecert /s | limit /s | × limit | peer | peer /s | ecert ÷ peer |"
	echo "|---|---|---:|---:|---:|---:|---|---:|---:|"
	cat table.md
	echo
	echo "| openssl speed, 1 core | sign/s | verify/s |"
	echo "|---|---:|---:|"
	for s in "${SUITES[@]}"; do
		printf '| %s (`%s`) | %.0f | %.0f |\n' "$s" "${SPEED_NAME[$s]}" "${SIGN[$s]}" "${VERIFY[$s]}"
	done
	echo
	echo "Memory: $MEM_LINE (\`/usr/bin/time\` maximum resident set size)."
	echo
	echo "![ecert, the peers and the openssl limit, log scale]($(basename "$SVG"))"
	echo
	echo "## What was run"
	echo
	echo "- Keys: an SM2 root; one issuer key per suite (\`ecert-keys gen\`), listed with the peers'"
	echo "  keys in one root-signed trust list (\`ecert-keys trust\`), scope: skill certificates."
	if [ $HAVE_ISSUER = 1 ]; then
		echo "- Issue: \`ecert-issuer issue --qr none|png --jobs 1|$JOBS\` on $N generated skill records"
		echo "  (\`issue-bench --write-csv\`), a fresh register and output directory each run. It"
		echo "  validates every record, signs, verifies the signature with the public key, checks the"
		echo "  schema, renders the QR code (PNG and, with the default, SVG — here PNG only), writes"
		echo "  each file atomically and records the certificate in its SQLite register."
		echo "- Verify: \`ecert-verifier verify --batch --require-status --status <the issuer's list>"
		echo "  --jobs 1|$JOBS\` on the QR texts (\`verify-bench --to-qr\`) of the $N certificates; every"
		echo "  result must be valid. It prints a JSON result per certificate."
	else
		echo "- Issue and verify: **not measured** — this build has no \`ecert-issuer\`/\`issue-bench\`."
	fi
	echo "- Peers, on the first $N_NODE (Node.js) / $N_PY (Python) records and QR texts, 1 process and"
	echo "  $JOBS processes (\`--part k/$JOBS\`): bench/peer-node (canonicalize, sm-crypto, qrcode; SM2)"
	echo "  and bench/peer-python (python3-cryptography, python3-qrcode; Ed25519, P-256). They build"
	echo "  the same documents, sign, verify what they signed, deflate with the dictionary, base45,"
	echo "  draw the QR PNG and write the files (no register, no fsync); to verify they decode,"
	echo "  check the proof against the trust list's key, its status and scope, the dates and the"
	echo "  status bit (no JSON Schema, no strict JSON parsing; the Python peer cannot check an SM2"
	echo "  root's signature on the trust list). Peer certificates accepted by ecert-verifier:${CROSS:- not checked}."
	[ -n "$NODE_NOTE" ] && echo "- Node.js peer not run: $NODE_NOTE."
	[ -n "$PY_NOTE" ] && echo "- Python peer not run: $PY_NOTE."
	echo
	echo "Each run, with the rate the program reports itself (issuer: from its start after"
	echo "loading the key; verifier: the batch alone):"
	echo
	echo "| | suite | QR | jobs | items | /s (whole run) | /s (reported) |"
	echo "|---|---|---|---:|---:|---:|---:|"
	cat details.md
} >"$OUT"
cp chart.svg "$SVG"
say "report.sh: wrote $OUT and $SVG"
