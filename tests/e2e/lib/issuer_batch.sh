# Shared by the issuer's crash-safety tests (issuer_kill.sh, issuer_full_disk.sh). Sourced
# first: it sets KEYS, ISSUER and TOOL from ECERT_BIN / ECERT_TOOLS (exit 77, skipped, when
# a program or sqlite3, openssl, zbarimg is missing), a fixed ECERT_NOW, no passphrase or
# language from the environment, and lib/common.sh (fail, finish, …). The functions run in
# the test's working directory with N (records) and OUT (the output root) set. Test keys
# and people only.
#
#   batch_setup             root + SM2 issuer keys, a trust list, batch.csv with N skill
#                           records; sets ARGS (issue into OUT/certs, PNG and SVG, 2 jobs;
#                           the register is OUT/ecert-register.db)
#   batch_state             "reserved issued json-files" at this moment
#   batch_issued            how many certificates the register has committed
#   batch_check_consistent [--killed]
#                           what the register says is issued is on disk, byte for byte; no
#                           temp file is left (--killed: a run killed by SIGKILL may leave
#                           temp files, which the next run removes)
#   batch_check_complete    all N issued with dense status indexes, files = register, the QR
#                           images carry the files, and one more run changes nothing

# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
: "${ECERT_BIN:?ECERT_BIN must name the directory of the built programs}"
KEYS="$ECERT_BIN/ecert-keys"
ISSUER="$ECERT_BIN/ecert-issuer"
TOOL="${ECERT_TOOLS:-$ECERT_BIN/../tests/tools}/ecert-testtool"
need_progs "$KEYS" "$ISSUER" "$TOOL"
need_cmds sqlite3 openssl zbarimg
unset ECERT_PASSPHRASE ECERT_LANG
export ECERT_NOW=2025-07-01T10:00:00+08:00

# idnum 17DIGITS: set ID to the 18-character number with its GB 11643 check character
idnum() {
	local s=$1 sum=0 i
	local -a w=(7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2)
	for i in {0..16}; do sum=$((sum + ${s:i:1} * w[i])); done
	local c=10X98765432
	ID="$s${c:sum%11:1}"
}

batch_setup() {
	local i l birth seq number day
	(umask 077 && printf 'test-only root passphrase\n' >root-pass.txt &&
		printf 'test-only issuer passphrase\n' >pass.txt)
	"$KEYS" gen --out root --passphrase-file root-pass.txt >/dev/null &&
		"$KEYS" gen --alg sm2 --out org --passphrase-file pass.txt >/dev/null &&
		"$KEYS" trust new --root root.key --out trust.json --passphrase-file root-pass.txt >/dev/null &&
		"$KEYS" trust add trust.json --root root.key --passphrase-file root-pass.txt --pub org.pub \
			--issuer-id 52220000MJ09277315 --issuer-name 吉林省汽车工业职业技能等级认定中心 \
			--kinds skill --valid-from 2025-01-01 >/dev/null || { echo "setup failed" >&2; exit 1; }

	local -a levels=(五级 四级 三级 二级 一级) names=(初级工 中级工 高级工 技师 高级技师)
	local -a digits=(5 4 3 2 1) surnames=(王 李 张 刘 陈 杨 赵 黄 周 吴)
	local -a occupations=("6-18-01-01,车工" "6-18-01-02,铣工" "6-18-02-04,焊工" "4-12-01-01,汽车维修工")
	local -a given=(建国 秀英 伟 洋 静 帆 磊 丽娟 志强 海燕)
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
		--out "$OUT/certs" --qr png,svg --jobs 2 --quiet)
}

batch_state() {
	local r
	r=$(sqlite3 "$OUT/ecert-register.db" "SELECT sum(file_state = 'reserved'), sum(file_state = 'issued') FROM certificates" 2>/dev/null | tr '|' ' ')
	echo "${r:-none} $(find "$OUT/certs" -maxdepth 1 -name '*.json' 2>/dev/null | wc -l)"
}

batch_issued() {
	sqlite3 "$OUT/ecert-register.db" "SELECT count(*) FROM certificates WHERE file_state = 'issued'" 2>/dev/null || echo 0
}

batch_check_consistent() {
	local num hash h bad=0 stray killed=0
	[ "${1:-}" = --killed ] && killed=1
	while IFS='|' read -r num hash; do
		h=$(openssl dgst -sm3 -r "$OUT/certs/$num.json" 2>/dev/null | cut -d' ' -f1)
		[ "$h" = "$hash" ] || { bad=$((bad + 1)); [ $bad -le 5 ] && fail "$num.json does not match the register's doc_hash"; }
		[ -s "$OUT/certs/$num.png" ] && [ -s "$OUT/certs/$num.svg" ] ||
			{ bad=$((bad + 1)); [ $bad -le 5 ] && fail "$num: QR image missing"; }
	done < <(sqlite3 "$OUT/ecert-register.db" "SELECT number, doc_hash FROM certificates WHERE file_state = 'issued'")
	[ "$bad" -eq 0 ] || fail "$bad issued certificates do not match their files"
	stray=$(find "$OUT" -name '*.tmp.*' | wc -l)
	[ "$stray" = 0 ] || [ "$killed" = 1 ] || fail "$stray temp files left: $(find "$OUT" -name '*.tmp.*' | head -3)"
}

batch_check_complete() {
	local reg=$OUT/ecert-register.db rows num idx
	rows=$(sqlite3 "$reg" "SELECT count(*) || ' ' || sum(file_state = 'issued') || ' ' ||
		count(DISTINCT status_index) || ' ' || min(status_index) || ' ' || max(status_index) ||
		' ' || count(DISTINCT number) FROM certificates")
	[ "$rows" = "$N $N $N 0 $((N - 1)) $N" ] ||
		fail "register: rows issued distinct-indexes min max numbers = '$rows', want '$N $N $N 0 $((N - 1)) $N'"
	# every number of the input is in the register, once
	cut -d, -f1 batch.csv | tail -n +2 | sort >numbers.in
	sqlite3 "$reg" "SELECT number FROM certificates" | sort >numbers.reg
	cmp -s numbers.in numbers.reg || fail "the register's numbers are not the input's"
	batch_check_consistent
	# the index in each file is the register's; the file verifies; the QR code carries it
	for num in $(sqlite3 "$reg" "SELECT number FROM certificates ORDER BY random() LIMIT 20"); do
		idx=$(sqlite3 "$reg" "SELECT status_index FROM certificates WHERE number = '$num'")
		[ "$("$TOOL" get "$OUT/certs/$num.json" credentialStatus.statusListIndex)" = "$idx" ] ||
			fail "$num: statusListIndex is not the register's $idx"
		"$TOOL" verify "$OUT/certs/$num.json" org.pub 2>/dev/null || fail "$num does not verify"
		zbarimg --raw -q -Sdisable -Sqrcode.enable "$OUT/certs/$num.png" 2>/dev/null | "$TOOL" qrdecode >qr.json &&
			cmp -s qr.json "$OUT/certs/$num.json" || fail "$num: QR code does not carry the file"
	done
	[ "$(find "$OUT/certs" -maxdepth 1 -name '*.json' | wc -l)" = "$N" ] || fail "not $N certificate files"

	# another run changes nothing
	md5sum "$OUT"/certs/* >before.md5
	"$ISSUER" "${ARGS[@]}" >again.out 2>again.err || fail "the run after completion failed"
	grep -q "签发 0 张，早已签发 $N 张" again.out || { fail "the run after completion issued again"; cat again.out >&2; }
	md5sum -c --quiet before.md5 || fail "the run after completion changed files"
}
