#!/bin/bash
# e2e: the real `ecert-issuer` from keys to status list. Root and issuer keys (ecert-keys
# gen) → a trust list (ecert-keys trust new/add/retire/compromised) → batches from CSV
# (UTF-8 and GB18030), NDJSON, a JSON array and standard input → certificate files, QR
# PNG/SVG and the register → zbarimg decodes every PNG to exactly the payload of the
# certificate file → idempotent reruns → revoke → status list with the bit set.
# Negative: every validation rule, records outside the key's scope, a number given twice,
# retired / compromised / unlisted keys, a wrong passphrase, a key file readable by others,
# usage errors — each with its exit code (0 ok, 1 refused, 2 usage / unreadable input),
# the line and field named, and nothing written. The full ID numbers of the records must
# never appear in any output, file or register. Test keys and people only.
set -u
. "$(dirname "$0")/lib/common.sh"

: "${ECERT_BIN:?ECERT_BIN must name the directory of the built programs}"
: "${ECERT_TEST_DATA:?ECERT_TEST_DATA must name the tests directory}"
KEYS="$ECERT_BIN/ecert-keys"
ISSUER="$ECERT_BIN/ecert-issuer"
TOOL="${ECERT_TOOLS:-$ECERT_BIN/../tests/tools}/ecert-testtool"
DATA="$ECERT_TEST_DATA/data/issue"
need_progs "$KEYS" "$ISSUER" "$TOOL"
need_cmds zbarimg iconv sqlite3 openssl

work=$(mktemp -d "${TMPDIR:-/tmp}/ecert-e2e-issuer.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
unset ECERT_PASSPHRASE ECERT_LANG
# A fixed clock (ecert_time_now honours ECERT_NOW): "today" is 2025-07-01 in China.
export ECERT_NOW=2025-07-01T10:00:00+08:00
# every output of every command, to look for full ID numbers at the end
E2E_RUN_LOG=$work/all-output.log
: >"$E2E_RUN_LOG"
# inputs made from the fixtures live in in/ (the search for ID numbers skips it)
mkdir in


# idnum 17DIGITS: set ID to the 18-character number with its GB 11643 check character
idnum() {
	local s=$1 sum=0 i
	local -a w=(7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2)
	for i in {0..16}; do sum=$((sum + ${s:i:1} * w[i])); done
	local c=10X98765432
	ID="$s${c:sum%11:1}"
}

# count DIR EXT: number of DIR/*.EXT
count() { find "$1" -maxdepth 1 -name "*.$2" | wc -l; }

# qr_check DIR: every PNG decodes (zbarimg) to a QR text that carries exactly the bytes of
# the certificate file, which are its JCS form; every certificate verifies with PUB
qr_check() {
	local dir=$1 pub=$2 png n
	for png in "$dir"/*.png; do
		n=${png%.png}
		zbarimg --raw -q -Sdisable -Sqrcode.enable "$png" 2>/dev/null >qr.txt || { fail "zbarimg cannot read $png"; continue; }
		head -c 4 qr.txt | grep -q '^EC1:' || fail "$png: QR text does not start with EC1:"
		"$TOOL" qrdecode <qr.txt >qr.json || { fail "$png: QR text does not decode"; continue; }
		cmp -s qr.json "$n.json" || fail "$png: the QR code does not carry $n.json"
		"$TOOL" jcs "$n.json" >jcs.json || fail "$n.json is not strict JSON"
		cmp -s jcs.json "$n.json" || fail "$n.json is not in JCS form"
		"$TOOL" verify "$n.json" "$pub" 2>/dev/null || fail "$n.json does not verify with $pub"
		[ -s "$n.svg" ] && ! grep -q '<svg' "$n.svg" && fail "$n.svg is not an SVG"
	done
}

# register_check REG DIR N: N rows, all issued, indexes 0..N-1 per kid, file hashes match
register_check() {
	local reg=$1 dir=$2 n=$3 num hash file_hash rows
	rows=$(sqlite3 "$reg" "SELECT count(*) || ' ' || sum(file_state = 'issued') FROM certificates")
	[ "$rows" = "$n $n" ] || fail "$reg: rows/issued '$rows', want '$n $n'"
	sqlite3 "$reg" "SELECT kid, count(*), count(DISTINCT status_index), min(status_index),
		max(status_index) FROM certificates GROUP BY kid" | while IFS='|' read -r kid c d lo hi; do
		[ "$c" = "$d" ] && [ "$lo" = 0 ] && [ "$hi" = $((c - 1)) ] ||
			fail "$reg: indexes of $kid not dense: $c rows, $d distinct, $lo..$hi"
	done
	while IFS='|' read -r num hash; do
		file_hash=$(openssl dgst -sm3 -r "$dir/$num.json" 2>/dev/null | cut -d' ' -f1)
		[ "$file_hash" = "$hash" ] || fail "$dir/$num.json does not match the register's doc_hash"
	done < <(sqlite3 "$reg" "SELECT number, doc_hash FROM certificates")
}

(umask 077 && printf 'test-only root passphrase\n' >root-pass.txt &&
	printf 'test-only issuer passphrase\n' >pass.txt &&
	printf 'not the passphrase\n' >wrong-pass.txt)
R=(--root root.key --passphrase-file root-pass.txt)
P=(--passphrase-file pass.txt)

# ---- keys and the trust list ----
run 0 "gen root" -- "$KEYS" gen --out root --passphrase-file root-pass.txt
run 0 "gen root2" -- "$KEYS" gen --out root2 --passphrase-file root-pass.txt
run 0 "gen org (sm2)" -- "$KEYS" gen --alg sm2 --out org "${P[@]}"
run 0 "gen hrss (p256)" -- "$KEYS" gen --alg p256 --out hrss "${P[@]}"
run 0 "gen both (ed25519)" -- "$KEYS" gen --alg ed25519 --out both "${P[@]}"
run 0 "gen old (ed25519)" -- "$KEYS" gen --alg ed25519 --out old "${P[@]}"
run 0 "gen lost (sm2)" -- "$KEYS" gen --alg sm2 --out lost "${P[@]}"
run 0 "gen stranger (sm2)" -- "$KEYS" gen --alg sm2 --out stranger "${P[@]}"
run 0 "trust new" -- "$KEYS" trust new "${R[@]}" --out trust.json --name jilin-test
run 0 "trust add org" -- "$KEYS" trust add trust.json "${R[@]}" --pub org.pub \
	--issuer-id 52220000MJ09277315 --issuer-name 吉林省汽车工业职业技能等级认定中心 \
	--kinds skill --occupations 6-18,4-12 --valid-from 2025-01-01
run 0 "trust add hrss" -- "$KEYS" trust add trust.json "${R[@]}" --pub hrss.pub \
	--issuer-id 11220000013544525W --issuer-name 吉林省人力资源和社会保障厅 \
	--kinds title --series 工程,农业,技工院校教师 --valid-from 2025-01-01
run 0 "trust add both" -- "$KEYS" trust add trust.json "${R[@]}" --pub both.pub \
	--issuer-id 12220100412345678C --issuer-name 长春汽车工业高等专科学校 \
	--kinds title,skill --valid-from 2025-01-01
run 0 "trust add old" -- "$KEYS" trust add trust.json "${R[@]}" --pub old.pub \
	--issuer-id 91220101MA17X2Q8R5 --issuer-name 长春市职业技能等级评价中心 \
	--kinds skill --valid-from 2024-01-01
run 0 "trust add lost" -- "$KEYS" trust add trust.json "${R[@]}" --pub lost.pub \
	--issuer-id 91220101MA17X2Q8R5 --issuer-name 长春市职业技能等级评价中心 \
	--kinds skill --valid-from 2024-01-01
run 0 "trust retire old" -- "$KEYS" trust retire trust.json "${R[@]}" \
	--kid "$("$KEYS" kid old.pub)" --since 2025-06-01
run 0 "trust compromised lost" -- "$KEYS" trust compromised trust.json "${R[@]}" \
	--kid "$("$KEYS" kid lost.pub)" --since 2025-06-15
ORG=(--key org.key --trust trust.json "${P[@]}")
HRSS=(--key hrss.key --trust trust.json "${P[@]}")
BOTH=(--key both.key --trust trust.json "${P[@]}")

# ---- help ----
run 0 "--help" -- "$ISSUER" --help
has out "用法" "--help is in Chinese by default"
has out "status-list" "--help lists the commands"
run 0 "--lang en --help" -- "$ISSUER" --lang en --help
has out "Usage: ecert-issuer COMMAND" "--lang en --help"
for cmd in issue revoke status-list; do
	run 0 "$cmd --help" -- "$ISSUER" "$cmd" --help
	has out "用法: ecert-issuer $cmd" "$cmd --help usage"
	has out "退出码" "$cmd --help exit codes"
	has out "环境变量" "$cmd --help environment"
	has out "示例" "$cmd --help examples"
	ECERT_LANG=en run 0 "$cmd --help (ECERT_LANG=en)" -- "$ISSUER" "$cmd" --help
	has out "Usage: ecert-issuer $cmd" "$cmd --help usage (en)"
	has out "Exit status" "$cmd --help exit status (en)"
	has out "Environment" "$cmd --help environment (en)"
	has out "Example" "$cmd --help examples (en)"
done
run 0 "help issue" -- "$ISSUER" help issue
has out "--skip-invalid" "help issue"
has out "证书编号" "issue --help lists the Chinese column labels"

# ---- usage errors: exit 2, nothing written ----
run 2 "no command" -- "$ISSUER"
run 2 "unknown command" -- "$ISSUER" frobnicate
run 2 "issue without --out" -- "$ISSUER" issue "${ORG[@]}" --in "$DATA/skill.csv"
run 2 "bad --qr" -- "$ISSUER" issue "${ORG[@]}" --in "$DATA/skill.csv" --out x --qr gif
run 2 "bad --jobs" -- "$ISSUER" issue "${ORG[@]}" --in "$DATA/skill.csv" --out x --jobs 0
run 2 "bad --encoding" -- "$ISSUER" issue "${ORG[@]}" --in "$DATA/skill.csv" --out x --encoding latin1
run 2 "passphrase on argv" -- "$ISSUER" issue --key org.key --trust trust.json \
	--in "$DATA/skill.csv" --out x --passphrase=secret
has err "ECERT_PASSPHRASE" "passphrase on argv is refused"
run 2 "unreadable input" -- "$ISSUER" issue "${ORG[@]}" --in no-such.csv --out x
run 2 "unreadable trust list" -- "$ISSUER" issue --key org.key --trust no-such.json \
	"${P[@]}" --in "$DATA/skill.csv" --out x
run 2 "missing key file" -- "$ISSUER" issue --key no-such.key --trust trust.json \
	"${P[@]}" --in "$DATA/skill.csv" --out x
[ -e x ] && fail "usage errors created the output directory"
[ -e ecert-register.db ] && fail "usage errors created a register"

# ---- CSV, UTF-8 ----
run 0 "issue skill.csv" -- "$ISSUER" issue "${ORG[@]}" --in "$DATA/skill.csv" --out certs
has out "签发 6 张" "summary counts 6 issued"
has out "张/秒" "summary shows the rate"
[ "$(count certs json)" = 6 ] || fail "certs: $(count certs json) json files, want 6"
[ "$(count certs png)" = 6 ] || fail "certs: $(count certs png) png files, want 6"
[ "$(count certs svg)" = 6 ] || fail "certs: $(count certs svg) svg files, want 6"
[ -f ecert-register.db ] || fail "the default register is not beside the output directory"
qr_check certs org.pub
register_check ecert-register.db certs 6
"$TOOL" holder certs/S000022000001193000001.json 220102198503121230 ||
	fail "idDigest does not belong to the holder"
"$TOOL" holder certs/S000022000001193000001.json 220104198001012512 2>/dev/null &&
	fail "idDigest matches another person"
# the lower-case x check character is masked and digested as X
[ "$("$TOOL" get certs/S000022000001221000005.json credentialSubject.idNumberMasked)" = \
	"220202********272X" ] || fail "masked ID with x"
"$TOOL" holder certs/S000022000001221000005.json 22020219830615272X || fail "idDigest with x"
[ "$("$TOOL" get certs/S000022000001221000005.json credentialSubject.employer)" = \
	"长春一汽富维汽车零部件股份有限公司,焊装车间" ] || fail "a quoted CSV cell with a comma"
[ "$("$TOOL" get certs/S000022000001193000001.json issuer.name)" = \
	"吉林省汽车工业职业技能等级认定中心" ] || fail "issuer name from the trust entry"
[ "$("$TOOL" get certs/S000022000001193000001.json issuer.id)" = \
	"urn:uscc:52220000MJ09277315" ] || fail "issuer id from the trust entry"
[ "$("$TOOL" get certs/S000022000001193000001.json validFrom)" = "2025-07-01T10:00:00+08:00" ] ||
	fail "validFrom defaults to the issue time"
[ "$("$TOOL" get certs/2022000100300456.json credentialSubject.certificateKind)" = "职业资格证书" ] ||
	fail "a 职业资格证书"
"$TOOL" get certs/S000022000001235000041.json credentialSubject.gender >/dev/null &&
	fail "an empty CSV cell became a field"
list_id=$("$TOOL" get certs/S000022000001214000233.json credentialStatus.statusListCredential)
[ "$list_id" = "urn:ecert:status:52220000MJ09277315:$("$KEYS" kid org.pub)" ] ||
	fail "statusListCredential '$list_id'"
[ "$(stat -c %a certs/S000022000001193000001.json)" = 644 ] || fail "certificate file mode"

# ---- idempotent rerun: the same files, the same indexes ----
md5sum certs/* >before.md5
sqlite3 ecert-register.db "SELECT number, status_index, doc_hash FROM certificates ORDER BY 1" >before.reg
run 0 "rerun skill.csv" -- "$ISSUER" issue "${ORG[@]}" --in "$DATA/skill.csv" --out certs
has out "签发 0 张，早已签发 6 张" "rerun issues nothing"
md5sum -c --quiet before.md5 || fail "a rerun changed certificate files"
sqlite3 ecert-register.db "SELECT number, status_index, doc_hash FROM certificates ORDER BY 1" >after.reg
cmp -s before.reg after.reg || fail "a rerun changed the register"
# a lost image is made again from the certificate file, identical
rm certs/S000022000001202000017.png certs/S000022000001202000017.svg
run 0 "rerun after losing images" -- "$ISSUER" issue "${ORG[@]}" --in "$DATA/skill.csv" --out certs
md5sum -c --quiet before.md5 || fail "images made again differ"
# a certificate file changed after issue is refused, never signed again
cp certs/S000022000001193000001.json saved.json
sed -i 's/王建国/王建民/' certs/S000022000001193000001.json
run 1 "rerun with an altered certificate file" -- "$ISSUER" issue "${ORG[@]}" \
	--in "$DATA/skill.csv" --out certs
has err "S000022000001193000001" "altered file named"
cp saved.json certs/S000022000001193000001.json

# ---- CSV, GB18030: the same records give the same register entries ----
iconv -f UTF-8 -t GB18030 "$DATA/skill.csv" >in/skill-gb.csv
grep -q "王建国" in/skill-gb.csv && fail "iconv did not convert to GB18030"
run 0 "GB18030 into the UTF-8 batch's register" -- "$ISSUER" issue "${ORG[@]}" \
	--in in/skill-gb.csv --out certs
has out "早已签发 6 张" "GB18030 records are the same records"
md5sum -c --quiet before.md5 || fail "the GB18030 rerun changed files"
mkdir gb
run 0 "issue skill-gb.csv (auto)" -- "$ISSUER" issue "${ORG[@]}" --in in/skill-gb.csv \
	--out gb/certs --qr png
[ "$(count gb/certs json)" = 6 ] || fail "gb: $(count gb/certs json) certificates"
[ "$(count gb/certs svg)" = 0 ] || fail "--qr png wrote SVG files"
[ "$("$TOOL" get gb/certs/S000022000001193000001.json credentialSubject.name)" = 王建国 ] ||
	fail "GB18030 name not decoded"
[ "$("$TOOL" get gb/certs/S000022000001193000001.json credentialSubject.occupation)" = 车工 ] ||
	fail "GB18030 occupation not decoded"
qr_check gb/certs org.pub
register_check gb/ecert-register.db gb/certs 6
run 0 "rerun skill-gb.csv --encoding gb18030" -- "$ISSUER" issue "${ORG[@]}" --in in/skill-gb.csv \
	--encoding gb18030 --out gb/certs --qr png
has out "早已签发 6 张" "explicit encoding: same records"

# ---- NDJSON (title, P-256), JSON array (both kinds, Ed25519), standard input ----
run 0 "issue title.ndjson" -- "$ISSUER" issue "${HRSS[@]}" --in "$DATA/title.ndjson" \
	--out title/certs --jobs 1
[ "$(count title/certs json)" = 4 ] || fail "title: $(count title/certs json) certificates"
qr_check title/certs hrss.pub
register_check title/ecert-register.db title/certs 4
[ "$("$TOOL" get title/certs/JL-T-2025-000104.json credentialSubject.pathway.rule)" = \
	s2t-years ] || fail "pathway not carried"
[ "$("$TOOL" get title/certs/JL-T-2025-000102.json validFrom)" = 2025-01-01T00:00:00+08:00 ] ||
	fail "the record's validFrom"
[ "$("$TOOL" get title/certs/JL-T-2025-000102.json validUntil)" = 2030-12-31T23:59:59+08:00 ] ||
	fail "the record's validUntil"
[ "$("$TOOL" get title/certs/JL-T-2025-000103.json licenseId)" = 22000025JL000103 ] ||
	fail "licenseId not carried"
[ "$("$TOOL" get title/certs/JL-T-2025-000101.json proof.cryptosuite)" = ecdsa-jcs-2019 ] ||
	fail "P-256 key, suite"
run 0 "issue mixed.json" -- "$ISSUER" issue "${BOTH[@]}" --in "$DATA/mixed.json" --out mixed/certs
[ "$(count mixed/certs json)" = 2 ] || fail "mixed: $(count mixed/certs json) certificates"
qr_check mixed/certs both.pub
register_check mixed/ecert-register.db mixed/certs 2
[ "$("$TOOL" get mixed/certs/Y000022010001253000007.json validUntil)" = 2029-01-09T00:00:00+08:00 ] ||
	fail "a date validUntil"
run 0 "issue from stdin" -- sh -c "\"$ISSUER\" issue --key hrss.key --trust trust.json \
	--passphrase-file pass.txt --in - --out stdin/certs --register stdin/reg.db --qr svg \
	<\"$DATA/title.ndjson\""
[ "$(count stdin/certs json)" = 4 ] || fail "stdin: $(count stdin/certs json) certificates"
[ "$(count stdin/certs png)" = 0 ] || fail "--qr svg wrote PNG files"
register_check stdin/reg.db stdin/certs 4
# the progress bar: on a terminal only (script(1) gives the run one)
hasnt err "剩余" "no progress bar when stderr is not a terminal"
if command -v script >/dev/null; then
	script -qec "\"$ISSUER\" issue --key hrss.key --trust trust.json --passphrase-file pass.txt \
		--in \"$DATA/title.ndjson\" --out tty/certs" /dev/null >tty.out 2>&1 ||
		fail "issue on a terminal failed"
	has tty.out "4/4 100%" "progress bar: count and percentage"
	has tty.out "张/秒" "progress bar: rate"
	has tty.out "剩余" "progress bar: ETA"
fi
# --root: the trust list verified with the root key; with another root it is refused
run 0 "--root (the right root)" -- "$ISSUER" issue "${HRSS[@]}" --root root.pub \
	--in "$DATA/title.ndjson" --out title/certs
run 1 "--root (another root)" -- "$ISSUER" issue "${HRSS[@]}" --root root2.pub \
	--in "$DATA/title.ndjson" --out title/certs
has err "信任列表" "another root: a trust list error"

# ---- revoke and the status list ----
run 2 "revoke without --reason" -- "$ISSUER" revoke S000022000001214000233
run 2 "revoke, no register" -- "$ISSUER" revoke S000022000001214000233 --reason x --register none.db
run 1 "revoke an unknown number" -- "$ISSUER" revoke S000022000001299000001 --reason 测试
run 0 "revoke" -- "$ISSUER" revoke S000022000001214000233 --reason 证书信息有误
has out "状态索引 2" "revoke names the status index"
run 1 "revoke again" -- "$ISSUER" revoke S000022000001214000233 --reason 证书信息有误
[ "$(sqlite3 ecert-register.db "SELECT revoke_reason FROM certificates WHERE number =
	'S000022000001214000233'")" = 证书信息有误 ] || fail "reason not in the register"
run 0 "status-list" -- "$ISSUER" status-list "${ORG[@]}" --out status.json
has out "已撤销 1 张" "status-list counts the revocation"
[ "$("$TOOL" get status.json id)" = "$list_id" ] || fail "the status list id is not the certificates'"
[ "$("$TOOL" statusbit status.json 2 org.pub)" = 1 ] || fail "revoked index 2 is not set"
for i in 0 1 3 4 5 6 131071; do
	[ "$("$TOOL" statusbit status.json $i org.pub)" = 0 ] || fail "index $i is set"
done
"$TOOL" statusbit status.json 131072 >/dev/null 2>&1 && fail "the list has more than 16 KB of bits"
"$TOOL" statusbit status.json 2 hrss.pub >/dev/null 2>&1 && fail "the list verifies with another key"
[ "$("$TOOL" get status.json proof.verificationMethod)" = \
	"urn:uscc:52220000MJ09277315#$("$KEYS" kid org.pub)" ] || fail "status list signer"
encoded=$("$TOOL" get status.json credentialSubject.encodedList)
[ "${encoded:0:1}" = u ] || fail "encodedList is not multibase base64url"
run 0 "status-list --lang en --valid-until" -- "$ISSUER" status-list "${ORG[@]}" \
	--out status2.json --valid-until 2025-12-31 --lang en
has out "1 revoked" "status-list in English"
[ "$("$TOOL" get status2.json validUntil)" = 2025-12-31T00:00:00+08:00 ] || fail "status validUntil"
# another key's list has nothing revoked
run 0 "status-list (hrss)" -- "$ISSUER" status-list "${HRSS[@]}" --out title-status.json \
	--register title/ecert-register.db
[ "$("$TOOL" statusbit title-status.json 0 hrss.pub)" = 0 ] || fail "hrss index 0 is set"

# ---- validation: exit 1, line and field named, nothing written ----
# bad_csv NAME SED-EXPRESSION LINE FIELD DESCRIPTION
bad_csv() {
	local name=$1 expr=$2 line=$3 field=$4 desc=$5
	sed "$expr" "$DATA/skill.csv" >"in/$name.csv"
	cmp -s "in/$name.csv" "$DATA/skill.csv" && { fail "$desc: the edit did not apply"; return; }
	run 1 "$desc" -- "$ISSUER" issue "${ORG[@]}" --in "in/$name.csv" --out "bad-$name/certs"
	has err "第 $line 行" "$desc: line"
	has err "字段 $field" "$desc: field"
	[ -e "bad-$name" ] && fail "$desc: something was written"
}
bad_csv idsum 's/220104198001012512/220104198001012513/' 3 idNumber "bad ID checksum"
idnum 22010220300101123
bad_csv idbirth "s/220105199007184527/$ID/" 4 idNumber "ID birth date in the future"
idnum 22010218500101123
bad_csv idold "s/220105199007184527/$ID/" 4 idNumber "ID birth date before 1900"
idnum 22010219801301123
bad_csv idmonth "s/220105199007184527/$ID/" 4 idNumber "ID birth date not real"
bad_csv future 's/2021-04-08/2030-04-08/' 4 certifiedOn "certifiedOn in the future"
bad_csv unreal 's/2021-04-08/2021-02-30/' 4 certifiedOn "certifiedOn not a real date"
bad_csv beforebirth 's/2021-04-08/1989-04-08/' 4 certifiedOn "certifiedOn before birth"
bad_csv levelname 's/三级,高级工,2019/三级,技师,2019/' 2 levelName "wrong levelName for the level"
bad_csv occ 's/6-18-01-02/6-18-1-02/' 3 occupationCode "bad occupation code"
bad_csv number 's/S000022000001193000001/S000022000001194000001/' 2 certificateNumber \
	"certificate number of another level"
bad_csv dup '2p' 3 certificateNumber "a certificate number given twice"
has err "第 2 行已出现" "duplicate: names the first line"
bad_csv missing 's/,车工,三级,高级工,2019/,,三级,高级工,2019/' 2 occupation "a required field empty"
# English messages
sed 's/220104198001012512/220104198001012513/' "$DATA/skill.csv" >in/en.csv
run 1 "bad ID checksum (--lang en)" -- "$ISSUER" issue "${ORG[@]}" --in in/en.csv --out bad-en --lang en
has err "line 3, field idNumber" "English: line and field"
has err "nothing was issued" "English: nothing issued"
# titles (NDJSON): titleName of another level, a level the series lacks, an unknown series
bad_nd() {
	local name=$1 expr=$2 line=$3 field=$4 desc=$5
	sed "$expr" "$DATA/title.ndjson" >"in/$name.ndjson"
	cmp -s "in/$name.ndjson" "$DATA/title.ndjson" && { fail "$desc: the edit did not apply"; return; }
	run 1 "$desc" -- "$ISSUER" issue "${HRSS[@]}" --in "in/$name.ndjson" --out "bad-$name/certs"
	has err "第 $line 行" "$desc: line"
	has err "字段 $field" "$desc: field"
	[ -e "bad-$name" ] && fail "$desc: something was written"
}
bad_nd titlename 's/"level":"中级","titleName":"工程师"/"level":"中级","titleName":"高级工程师"/' \
	1 titleName "titleName of another level"
bad_nd qualified 's/"qualifiedOn":"2025-05-16"/"qualifiedOn":"2026-05-16"/' 4 qualifiedOn \
	"qualifiedOn in the future"
bad_nd method 's/"evaluationMethod":"认定"/"evaluationMethod":"推荐"/' 4 evaluationMethod \
	"unknown evaluation method"
bad_nd validity 's/"validFrom":"2025-01-01"/"validFrom":"2031-01-01"/' 2 validUntil \
	"validUntil before validFrom"

# ---- out of scope: refused before signing ----
bad_csv scope_occ 's/6-18-01-02/2-02-07-01/' 3 occupationCode "occupation outside the key's scope"
has err "超出签发范围" "scope message"
printf '类别,证书编号,姓名,身份证号,系列,专业,级别,资格名称,取得资格时间,批准文号,取得方式\n' >in/kind.csv
printf 'title,JL-T-2025-000900,孙立军,222401199502091064,工程,道路与桥梁,中级,工程师,2025-03-28,吉人社职字〔2025〕31号,评审\n' >>in/kind.csv
run 1 "a title record for a skill-only key" -- "$ISSUER" issue "${ORG[@]}" --in in/kind.csv --out bad-kind
has err "字段 kind" "kind out of scope: field"
[ -e bad-kind ] && fail "kind out of scope: something was written"
bad_nd scope_series 's/"series":"农业","specialty":"作物栽培","level":"助理级","titleName":"助理农艺师"/"series":"经济","specialty":"工商管理","level":"助理级","titleName":"助理经济师"/' \
	4 series "series outside the key's scope (line 4: after a blank line)"
has err "超出签发范围" "series scope message"

# ---- --skip-invalid: the rejects listed, the rest issued ----
sed -e 's/220104198001012512/220104198001012513/' -e 's/2021-04-08/2030-04-08/' \
	"$DATA/skill.csv" >in/some-bad.csv
mkdir skip
run 0 "--skip-invalid" -- "$ISSUER" issue "${ORG[@]}" --in in/some-bad.csv --out skip/certs \
	--skip-invalid skip/rejects.csv
has out "跳过 2 条" "summary counts the skipped records"
[ "$(count skip/certs json)" = 4 ] || fail "--skip-invalid: $(count skip/certs json) issued, want 4"
[ -f skip/rejects.csv ] || fail "no rejects file"
has skip/rejects.csv "^3,S000022000001202000017,idNumber," "rejects: line 3, idNumber"
has skip/rejects.csv "^4,S000022000001214000233,certifiedOn," "rejects: line 4, certifiedOn"
[ "$(grep -c '^[0-9]' skip/rejects.csv)" = 2 ] || fail "rejects: want 2 rows"
[ "$(stat -c %a skip/rejects.csv)" = 600 ] || fail "rejects file mode"
register_check skip/ecert-register.db skip/certs 4
run 1 "without --skip-invalid the same input issues nothing" -- "$ISSUER" issue "${ORG[@]}" \
	--in in/some-bad.csv --out skip2/certs
[ -e skip2 ] && fail "a bad batch wrote something"

# ---- keys refused ----
run 1 "retired key" -- "$ISSUER" issue --key old.key --trust trust.json "${P[@]}" \
	--in "$DATA/skill.csv" --out bad-old
has err "retired" "retired key message"
run 1 "compromised key" -- "$ISSUER" issue --key lost.key --trust trust.json "${P[@]}" \
	--in "$DATA/skill.csv" --out bad-lost
has err "compromised" "compromised key message"
run 1 "key not in the trust list" -- "$ISSUER" issue --key stranger.key --trust trust.json \
	"${P[@]}" --in "$DATA/skill.csv" --out bad-stranger
has err "not in this trust list" "unlisted key message"
run 1 "status-list with a compromised key" -- "$ISSUER" status-list --key lost.key \
	--trust trust.json "${P[@]}" --out bad-status.json
# a retired key no longer signs certificates, but still publishes the status of those it
# signed (the default register has none of its kid: an empty list, signed by that key)
run 0 "status-list with a retired key" -- "$ISSUER" status-list --key old.key \
	--trust trust.json "${P[@]}" --out old-status.json
[ "$("$TOOL" statusbit old-status.json 0 old.pub)" = 0 ] || fail "the retired key's list"
run 1 "wrong passphrase" -- "$ISSUER" issue --key org.key --trust trust.json \
	--passphrase-file wrong-pass.txt --in "$DATA/skill.csv" --out bad-pass
has err "口令" "wrong passphrase message"
run 1 "no passphrase" -- "$ISSUER" issue --key org.key --trust trust.json \
	--in "$DATA/skill.csv" --out bad-pass
ECERT_PASSPHRASE='test-only issuer passphrase' run 0 "passphrase from the environment" -- \
	"$ISSUER" issue --key org.key --trust trust.json --in "$DATA/skill.csv" --out certs
cp org.key open.key
chmod 644 open.key
run 1 "key file readable by others" -- "$ISSUER" issue --key open.key --trust trust.json \
	"${P[@]}" --in "$DATA/skill.csv" --out bad-open
has err "chmod 600" "permission message"
for d in bad-old bad-lost bad-stranger bad-pass bad-open; do
	[ -e "$d" ] && fail "$d: a refused key wrote something"
done
[ -e bad-status.json ] && fail "a compromised key wrote a status list"

# ---- the full ID numbers never appear anywhere ----
ids=$(grep -owhE '[0-9]{17}[0-9Xx]' "$DATA/skill.csv" "$DATA/title.ndjson" "$DATA/mixed.json" | sort -u)
[ -n "$ids" ] || fail "no ID numbers found in the fixtures"
for id in $ids 220104198001012513; do
	if grep -rqiF --exclude-dir=in -- "$id" .; then
		fail "a full ID number ($id) appears in: $(grep -rliF --exclude-dir=in -- "$id" . | tr '\n' ' ')"
	fi
done

finish "issuer e2e: all checks passed"
