#!/bin/bash
# e2e: crash safety of `ecert-issuer issue`. A batch of a few hundred records is issued
# and the issuer is killed with SIGKILL at random moments, several times; then the batch
# is run again to completion. Afterwards: one register row per record, all issued; the
# status indexes 0..n-1 dense and unique; every certificate file's SM3 equals the
# register's doc_hash; no temp file left in the output directory; every QR image there;
# a further run changes nothing. Test keys and people only.
set -u

: "${ECERT_BIN:?ECERT_BIN must name the directory of the built programs}"
KEYS="$ECERT_BIN/ecert-keys"
ISSUER="$ECERT_BIN/ecert-issuer"
TOOL="${ECERT_TOOLS:-$ECERT_BIN/../tests/tools}/ecert-testtool"
for p in "$KEYS" "$ISSUER" "$TOOL"; do
	[ -x "$p" ] || { echo "no $p: skipped"; exit 77; }
done
for c in sqlite3 openssl zbarimg; do
	command -v "$c" >/dev/null || { echo "no $c: skipped"; exit 77; }
done

N=${ECERT_KILL_RECORDS:-600}
KILLS=${ECERT_KILLS:-6}

work=$(mktemp -d "${TMPDIR:-/tmp}/ecert-e2e-kill.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
unset ECERT_PASSPHRASE ECERT_LANG
export ECERT_NOW=2025-07-01T10:00:00+08:00

failures=0
fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}

# idnum 17DIGITS: set ID to the 18-character number with its GB 11643 check character
idnum() {
	local s=$1 sum=0 i
	local -a w=(7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2)
	for i in {0..16}; do sum=$((sum + ${s:i:1} * w[i])); done
	local c=10X98765432
	ID="$s${c:sum%11:1}"
}

# ---- keys, trust list, N generated skill records ----
(umask 077 && printf 'test-only root passphrase\n' >root-pass.txt &&
	printf 'test-only issuer passphrase\n' >pass.txt)
"$KEYS" gen --out root --passphrase-file root-pass.txt >/dev/null &&
	"$KEYS" gen --alg sm2 --out org --passphrase-file pass.txt >/dev/null &&
	"$KEYS" trust new --root root.key --out trust.json --passphrase-file root-pass.txt >/dev/null &&
	"$KEYS" trust add trust.json --root root.key --passphrase-file root-pass.txt --pub org.pub \
		--issuer-id 52220000MJ09277315 --issuer-name 吉林省汽车工业职业技能等级认定中心 \
		--kinds skill --valid-from 2025-01-01 >/dev/null || { echo "setup failed" >&2; exit 1; }

levels=(五级 四级 三级 二级 一级)
names=(初级工 中级工 高级工 技师 高级技师)
digits=(5 4 3 2 1)
occupations=("6-18-01-01,车工" "6-18-01-02,铣工" "6-18-02-04,焊工" "4-12-01-01,汽车维修工")
surnames=(王 李 张 刘 陈 杨 赵 黄 周 吴)
given=(建国 秀英 伟 洋 静 帆 磊 丽娟 志强 海燕)
{
	echo "证书编号,姓名,身份证号,职业编码,职业名称,等级,等级名称,发证日期,证书类型"
	for ((i = 0; i < N; i++)); do
		l=$((i % 5))
		printf -v birth '%04d%02d%02d' $((1965 + i % 35)) $((1 + i % 12)) $((1 + i % 28))
		printf -v seq '%03d' $((i % 1000))
		idnum "220102$birth$seq"
		printf -v number 'S00002200000125%s%06d' "${digits[l]}" "$i"
		printf -v day '2024-%02d-%02d' $((1 + i % 12)) $((1 + i % 28))
		echo "$number,${surnames[i % 10]}${given[(i / 10) % 10]},$ID,${occupations[i % 4]},${levels[l]},${names[l]},$day,职业技能等级证书"
	done
} >batch.csv

ARGS=(issue --key org.key --trust trust.json --passphrase-file pass.txt --in batch.csv
	--out out/certs --qr png,svg --jobs 2 --quiet)

# state: "reserved issued json-files"
state() {
	local r i
	r=$(sqlite3 out/ecert-register.db "SELECT sum(file_state = 'reserved'), sum(file_state = 'issued') FROM certificates" 2>/dev/null | tr '|' ' ')
	echo "${r:-none} $(find out/certs -maxdepth 1 -name '*.json' 2>/dev/null | wc -l)"
}

# issued: certificates the register has committed so far
issued() {
	sqlite3 out/ecert-register.db "SELECT count(*) FROM certificates WHERE file_state = 'issued'" 2>/dev/null || echo 0
}

# ---- kill -9 at random moments ----
# Odd kills come after a random time (0.1 s to 1 s: while keys load, during the first pass,
# the reservations or the first commits); even kills once the register has committed a
# random share of the batch, so that some always land in the middle of signing.
mid=0
restarts=0
for ((k = 1; k <= KILLS; k++)); do
	"$ISSUER" "${ARGS[@]}" >run.out 2>run.err &
	pid=$!
	if ((k % 2)); then
		sleep "0.$((RANDOM % 3))$((RANDOM % 10))"
	else
		target=$(((N * k / (KILLS + 1)) + RANDOM % (N / (KILLS + 1))))
		for ((t = 0; t < 3000; t++)); do
			[ "$(issued)" -ge "$target" ] && break
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.01
		done
	fi
	if kill -9 "$pid" 2>/dev/null; then
		wait "$pid" 2>/dev/null
		s=$(state)
		echo "kill $k: reserved/issued/files = $s"
		read -r res iss files <<<"$s"
		[ "$iss" != none ] && [ "${iss:-0}" -gt 0 ] && [ "${iss:-0}" -lt "$N" ] && mid=$((mid + 1))
	else
		# A fast machine can finish the whole batch before the kill: start over from an
		# empty output (a few times), so that kills still land mid-batch.
		wait "$pid"
		echo "kill $k: the run had finished (exit $?); starting over"
		restarts=$((restarts + 1))
		[ "$restarts" -le "$KILLS" ] || break
		rm -rf out
		k=$((k - 1))
	fi
done
[ "$mid" -gt 0 ] || fail "no kill landed between the first and the last commit"

# ---- run to completion ----
"$ISSUER" "${ARGS[@]}" >final.out 2>final.err
rc=$?
[ "$rc" -eq 0 ] || { fail "the final run exited $rc"; sed 's/^/    /' final.out final.err >&2; }

reg=out/ecert-register.db
rows=$(sqlite3 "$reg" "SELECT count(*) || ' ' || sum(file_state = 'issued') || ' ' ||
	count(DISTINCT status_index) || ' ' || min(status_index) || ' ' || max(status_index) ||
	' ' || count(DISTINCT number) FROM certificates")
[ "$rows" = "$N $N $N 0 $((N - 1)) $N" ] ||
	fail "register: rows issued distinct-indexes min max numbers = '$rows', want '$N $N $N 0 $((N - 1)) $N'"
# every number of the input is in the register, once
cut -d, -f1 batch.csv | tail -n +2 | sort >numbers.in
sqlite3 "$reg" "SELECT number FROM certificates" | sort >numbers.reg
cmp -s numbers.in numbers.reg || fail "the register's numbers are not the input's"
# files match the register
bad=0
while IFS='|' read -r num hash idx; do
	f=out/certs/$num.json
	h=$(openssl dgst -sm3 -r "$f" 2>/dev/null | cut -d' ' -f1)
	[ "$h" = "$hash" ] || { bad=$((bad + 1)); [ $bad -le 5 ] && fail "$f does not match doc_hash"; }
	[ -s "out/certs/$num.png" ] && [ -s "out/certs/$num.svg" ] ||
		{ bad=$((bad + 1)); [ $bad -le 5 ] && fail "$num: QR image missing"; }
done < <(sqlite3 "$reg" "SELECT number, doc_hash, status_index FROM certificates")
[ "$bad" -eq 0 ] || fail "$bad certificates do not match the register"
# the index in each file is the register's
for num in $(sqlite3 "$reg" "SELECT number FROM certificates ORDER BY random() LIMIT 20"); do
	idx=$(sqlite3 "$reg" "SELECT status_index FROM certificates WHERE number = '$num'")
	[ "$("$TOOL" get "out/certs/$num.json" credentialStatus.statusListIndex)" = "$idx" ] ||
		fail "$num: statusListIndex is not the register's $idx"
	"$TOOL" verify "out/certs/$num.json" org.pub 2>/dev/null || fail "$num does not verify"
	zbarimg --raw -q "out/certs/$num.png" 2>/dev/null | "$TOOL" qrdecode >qr.json &&
		cmp -s qr.json "out/certs/$num.json" || fail "$num: QR code does not carry the file"
done
[ "$(find out/certs -maxdepth 1 -name '*.json' | wc -l)" = "$N" ] || fail "not $N certificate files"
stray=$(find out -name '*.tmp.*' | wc -l)
[ "$stray" = 0 ] || fail "$stray temp files left: $(find out -name '*.tmp.*' | head -3)"

# ---- another run changes nothing ----
md5sum out/certs/* >before.md5
"$ISSUER" "${ARGS[@]}" >again.out 2>again.err || fail "the run after completion failed"
grep -q "签发 0 张，早已签发 $N 张" again.out || { fail "the run after completion issued again"; cat again.out >&2; }
md5sum -c --quiet before.md5 || fail "the run after completion changed files"

if [ "$failures" -gt 0 ]; then
	echo "$failures failure(s)" >&2
	exit 1
fi
echo "issuer kill e2e: $N records, $KILLS kills ($mid mid-batch): all checks passed"
