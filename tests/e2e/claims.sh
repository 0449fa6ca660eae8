#!/bin/bash
# e2e: the pathway rules on signed evidence. Every case of tests/data/rules-cases.json is
# replayed through the real programs: `ecert-keys` makes a root key, issuer keys and the
# trust lists; `ecert-issuer issue` signs every evidence certificate (one batch per key);
# `ecert-issuer revoke` + `status-list` revoke what the cases revoke; then
# `ecert-verifier claim --json` checks one claim per case and tests/e2e/claims-cases.py
# compares the verdict, exit status (0/1/3), deciding evidence, findings and the failed
# check of each evidence certificate with the case. Evidence failures are made on real
# files: tampered (one byte changed), revoked, someone else's, out of scope, untrusted key.
# Test keys only.
set -u

: "${ECERT_BIN:?ECERT_BIN must name the directory of the built programs}"
: "${ECERT_SRC:?ECERT_SRC must name the source tree}"
KEYS="$ECERT_BIN/ecert-keys"
ISSUER="$ECERT_BIN/ecert-issuer"
VERIFIER="$ECERT_BIN/ecert-verifier"
CASES="$ECERT_SRC/tests/data/rules-cases.json"
GEN="$ECERT_SRC/tests/e2e/claims-cases.py"
for p in "$KEYS" "$ISSUER" "$VERIFIER"; do
	[ -x "$p" ] || { echo "no $p: skipped"; exit 77; }
done
command -v python3 >/dev/null || { echo "no python3: skipped"; exit 77; }

work=$(mktemp -d "${TMPDIR:-/tmp}/ecert-e2e-claims.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
unset ECERT_PASSPHRASE ECERT_LANG
# A fixed clock for issuing and verifying (ecert_time_now honours ECERT_NOW): every
# evidence date of the cases is before it, and the results never depend on the day.
export ECERT_NOW=2024-03-01T10:00:00+08:00

failures=0
fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}

# run EXPECTED_RC DESCRIPTION -- COMMAND...: output in $work/out and $work/err
run() {
	local want=$1 desc=$2 rc
	shift 3
	"$@" >out 2>err
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		fail "$desc: exit $rc, want $want"
		sed 's/^/    stdout: /' out >&2
		sed 's/^/    stderr: /' err >&2
	fi
	return 0
}

has() { # has FILE PATTERN DESCRIPTION
	grep -q -- "$2" "$1" || { fail "$3: '$2' not in $1"; sed 's/^/    /' "$1" >&2; }
}

# ---- keys and trust lists ----
(umask 077 && printf 'test-only root passphrase\n' >root-pass.txt &&
	printf 'test-only issuer passphrase\n' >pass.txt)
R=(--root root.key --passphrase-file root-pass.txt)
run 0 "gen root" -- "$KEYS" gen --out root --passphrase-file root-pass.txt
for k in title skill narrow rogue; do
	run 0 "gen $k" -- "$KEYS" gen --out "$k" --passphrase-file pass.txt
done
# USCCs with valid GB 32100 check characters
TITLE_ID=11220000013544525W   # 吉林省人力资源和社会保障厅
read -r SKILL_ID NARROW_ID ROGUE_ID < <(python3 -c '
A = "0123456789ABCDEFGHJKLMNPQRTUWXY"
W = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
print(" ".join(s + A[(31 - sum(A.index(c) * w for c, w in zip(s, W)) % 31) % 31]
               for s in ("52220100MJ0000001", "52220100MJ0000002", "52220100MJ0000003")))')
SERIES=工程,农业,工艺美术,文物博物,实验技术,艺术,体育,技工院校教师,经济
FROM=(--valid-from 2020-01-01T00:00:00+08:00)

# trust.json: what the verifier trusts. trust-issuer.json: the issuers' own copies — the
# narrow key's entry there allows any occupation (the verifier's allows 4-… only), and
# the rogue key is in no list the verifier trusts.
run 0 "trust new (verifier)" -- "$KEYS" trust new "${R[@]}" --name verifier --out trust.json
run 0 "trust new (issuer)" -- "$KEYS" trust new "${R[@]}" --name issuers --out trust-issuer.json
for list in trust.json trust-issuer.json; do
	run 0 "add title key to $list" -- "$KEYS" trust add "$list" "${R[@]}" --pub title.pub \
		--issuer-id "$TITLE_ID" --issuer-name 吉林省人力资源和社会保障厅 --kinds title \
		--series "$SERIES" "${FROM[@]}"
	run 0 "add skill key to $list" -- "$KEYS" trust add "$list" "${R[@]}" --pub skill.pub \
		--issuer-id "$SKILL_ID" --issuer-name 长春市职业技能等级认定中心 --kinds skill "${FROM[@]}"
done
run 0 "add narrow key (verifier)" -- "$KEYS" trust add trust.json "${R[@]}" --pub narrow.pub \
	--issuer-id "$NARROW_ID" --issuer-name 吉林市某文化艺术评价机构 --kinds skill \
	--occupations 4 "${FROM[@]}"
run 0 "add narrow key (issuer)" -- "$KEYS" trust add trust-issuer.json "${R[@]}" --pub narrow.pub \
	--issuer-id "$NARROW_ID" --issuer-name 吉林市某文化艺术评价机构 --kinds title,skill "${FROM[@]}"
run 0 "add rogue key (issuer only)" -- "$KEYS" trust add trust-issuer.json "${R[@]}" \
	--pub rogue.pub --issuer-id "$ROGUE_ID" --issuer-name 未经授权的评价机构 \
	--kinds title,skill "${FROM[@]}"

# ---- records, issuance (one batch per key), refusals, revocations ----
run 0 "generate records" -- python3 "$GEN" records "$CASES" "$work"
cat out
ISSUE=("$ISSUER" issue --trust trust-issuer.json --root root.pub --qr none --quiet
	--passphrase-file pass.txt)
for k in title skill narrow rogue; do
	run 0 "issue the $k key's evidence" -- "${ISSUE[@]}" --key "$k.key" \
		--in "records-$k.json" --out "certs/$k" --register "reg-$k.db"
done
# evidence no issuer signs (level and levelName disagree; a 工种 code where certificates
# carry the occupation's): refused, naming the field, and nothing written
run 1 "records no issuer may sign are refused" -- "${ISSUE[@]}" --key skill.key \
	--in records-refused.json --out certs/refused --register reg-refused.db --lang en
while read -r number field; do
	has err "$field" "the refusal of $number names $field"
done <refused.txt
[ -z "$(ls certs/refused 2>/dev/null)" ] || fail "a refused batch wrote certificates"

while read -r k number; do
	run 0 "revoke $number" -- "$ISSUER" revoke "$number" --reason "e2e: revoked case" \
		--register "reg-$k.db"
done <revoke.txt
for k in title skill; do
	run 0 "status list of the $k key" -- "$ISSUER" status-list --key "$k.key" \
		--trust trust-issuer.json --root root.pub --out "status-$k.json" \
		--register "reg-$k.db" --passphrase-file pass.txt
done

# ---- one claim per case, checked by the real verifier ----
run 0 "build the claims" -- python3 "$GEN" claims "$work"
CLAIM=("$VERIFIER" claim --root root.pub --trust trust.json)
python3 "$GEN" check "$work" status-title.json status-skill.json -- "${CLAIM[@]}" ||
	fail "rule cases on signed evidence (above)"

# ---- the worked example as text, both languages ----
run 0 "worked example (zh)" -- "${CLAIM[@]}" --status status-skill.json claims/001.json
has out "贯通申报核验结果：符合条件（eligible）" "worked example verdict (zh)"
has out "二（三）2 s2t-years" "worked example cites the clause"
has out "2020-06-15 取得技师（二级），至 2023-07-01 满 3 年" "worked example years"
run 0 "worked example (en)" -- "${CLAIM[@]}" --status status-skill.json --lang en claims/001.json
has out "eligible" "worked example verdict (en)"

# ---- someone of the same name: idDigest decides ----
python3 - "$work" <<'EOF' || fail "namesake claim"
import json, sys
w = sys.argv[1]
c = json.load(open(w + "/claims/001.json", encoding="utf-8"))
# 王建国 with another ID number (its check digit computed, GB 11643)
W = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
s = "22010219850312124"  # the applicant's is 22010219850312123 + 0
c["applicant"]["idNumber"] = s + "10X98765432"[sum(int(a) * b for a, b in zip(s, W)) % 11]
json.dump(c, open(w + "/namesake.json", "w", encoding="utf-8"), ensure_ascii=False)
EOF
run 1 "a namesake's claim on 王建国's certificate" -- "${CLAIM[@]}" --status status-skill.json \
	--json namesake.json
has out '"verdict":[[:space:]]*"not_eligible"' "namesake verdict"

# ---- input errors are exit 2, not a verdict ----
printf '{"type":"CrossTrackClaim","direction":"skill-to-title","asOf":"2023-07-01"}' >bad.json
run 2 "a claim that does not match its schema" -- "${CLAIM[@]}" bad.json
run 2 "no claim file" -- "${CLAIM[@]}" missing.json

# ---- claim --help: the format, a worked example in Chinese, the exit codes ----
run 0 "claim --help" -- "$VERIFIER" claim --help
has out '"direction": "skill-to-title"' "help shows the claim format"
has out "例：" "help has a Chinese worked example"
has out "满 3 年" "help's example states the years"
has out "3 needs_review" "help gives the review exit status"

if [ "$failures" -ne 0 ]; then
	echo "$failures failure(s)" >&2
	exit 1
fi
echo "claims: all passed"
