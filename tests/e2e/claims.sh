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
. "$(dirname "$0")/lib/common.sh"

: "${ECERT_BIN:?ECERT_BIN must name the directory of the built programs}"
: "${ECERT_SRC:?ECERT_SRC must name the source tree}"
KEYS="$ECERT_BIN/ecert-keys"
ISSUER="$ECERT_BIN/ecert-issuer"
VERIFIER="$ECERT_BIN/ecert-verifier"
CASES="$ECERT_SRC/tests/data/rules-cases.json"
GEN="$ECERT_SRC/tests/e2e/claims-cases.py"
need_progs "$KEYS" "$ISSUER" "$VERIFIER"
need_cmds python3

work=$(mktemp -d "${TMPDIR:-/tmp}/ecert-e2e-claims.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
unset ECERT_PASSPHRASE ECERT_LANG
# A fixed clock for issuing and verifying (ecert_time_now honours ECERT_NOW): every
# evidence date of the cases is before it, and the results never depend on the day.
export ECERT_NOW=2024-03-01T10:00:00+08:00

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
# what `claim --help` says of the same example: a day earlier, and 正高级 with an honour
python3 - claims/001.json <<'PY'
import json, sys
c = json.load(open(sys.argv[1], encoding="utf-8"))
assert c["applicant"] == {"name": "王建国", "idNumber": "220102198503121230"}
assert c["target"] == {"series": "工程", "specialty": "机械工程", "level": "中级"}
assert c["asOf"] == "2023-07-01"
early = dict(c, asOf="2023-06-14")
json.dump(early, open("help-early.json", "w", encoding="utf-8"), ensure_ascii=False)
honour = json.loads(json.dumps(c))
honour["target"]["level"] = "正高级"
honour["declarations"]["awards"] = ["全国技术能手"]
json.dump(honour, open("help-honour.json", "w", encoding="utf-8"), ensure_ascii=False)
PY
run 1 "help example, a day earlier" -- "${CLAIM[@]}" --status status-skill.json help-early.json
has out "仅满 2 年" "help example, a day earlier: years"
run 3 "help example, 正高级 on a declared honour" -- "${CLAIM[@]}" --status status-skill.json \
	help-honour.json
has out "需人工复核（needs_review）" "help example, declared honour: review"

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
has out "not_eligible，退出码" "help's example gives the not-eligible exit status"
run 0 "verify --help documents --basis" -- "$VERIFIER" verify --help
has out "--basis FILE" "verify --help: --basis"
run 0 "issue --help documents --basis" -- "$ISSUER" issue --help --lang en
has out "--basis FILE" "issue --help: --basis"

# ---- a title earned through the pathway: ecert-issuer issue --basis, verify --basis ----
# (after the rule cases: this part revokes and re-publishes one of their certificates)
num() { python3 "$GEN" number "$work" "$1"; }
WORKED=certs/skill/$(num "worked example: 车工 技师 since 2020-06-15 applies for 工程 中级 机械工程 on 2023-07-01").json
SECOND=certs/skill/$(num "技师 + 3 years: on the anniversary day").json
ELSES=certs/skill/$(num "evidence: not the applicant's").json
PLAIN=certs/title/$(num "title-to-skill: 助理工程师 → 高级工 (初级 → 三级)").json
title_record() { # title_record NUMBER LEVEL TITLENAME QUALIFIEDON [KIND]
	printf '{"kind":"%s","certificateNumber":"%s","name":"王建国","idNumber":"220102198503121230","series":"工程","specialty":"机械工程","level":"%s","titleName":"%s","qualifiedOn":"%s","approvalDocument":"吉职改字〔2023〕88号","evaluationMethod":"评审"}\n' \
		"${5:-title}" "$1" "$2" "$3" "$4"
}
TISSUE=("${ISSUE[@]}" --key title.key --register reg-title.db --lang en)
VERIFY=("$VERIFIER" verify --root root.pub --trust trust.json --status status-skill.json
	--status status-title.json)

title_record JL-T-PW-001 中级 工程师 2023-07-01 >pw1.json
run 0 "issue a title with its basis (技师 + 3 years → 中级)" -- "${TISSUE[@]}" --in pw1.json \
	--out pw --basis "$WORKED"
want_digest="sm3:$(openssl dgst -sm3 -r "$WORKED" | cut -d' ' -f1)"
python3 - pw/JL-T-PW-001.json "$WORKED" "$want_digest" <<'PY' || fail "the pathway member"
import json, sys
cert = json.load(open(sys.argv[1], encoding="utf-8"))
basis = json.load(open(sys.argv[2], encoding="utf-8"))
pw = cert["credentialSubject"]["pathway"]
assert pw == {"rule": "s2t-years", "basis": [{"id": basis["id"], "digest": sys.argv[3]}]}, pw
PY
run 0 "verify with the basis (name only)" -- "${VERIFY[@]}" --json --basis "$WORKED" \
	pw/JL-T-PW-001.json
python3 - out <<'PY' || fail "verify --basis JSON"
import json, sys
r = json.load(open(sys.argv[1], encoding="utf-8"))
assert r["valid"] is True and len(r["checks"]) == 8, r
p = r["pathway"]
assert p["ok"] is True and p["rule"] == "s2t-years" and p["identity"] == "name", p
assert "masked ID number only" in p["detail"] and "满 3 年" in p["detailZh"], p
assert r["basisChecks"][0]["valid"] is True, r["basisChecks"]
PY
run 0 "verify with the basis and the ID number" -- "${VERIFY[@]}" --json \
	--holder-id 220102198503121230 --basis "$WORKED" pw/JL-T-PW-001.json
has out '"identity":[[:space:]]*"idDigest"' "identity by idDigest"
run 0 "verify --basis, text" -- "${VERIFY[@]}" --basis "$WORKED" pw/JL-T-PW-001.json
has out "\[通过\] 贯通路径：二（三）2 s2t-years" "text names the pathway rule"
run 0 "a pathway without --basis is described, not judged" -- "${VERIFY[@]}" --json \
	pw/JL-T-PW-001.json
has out '"ok":[[:space:]]*null' "pathway not judged without --basis"

# a specialty the correspondence table does not pair with 车工: issued (the committee's call),
# with a warning, and the verifier's detail says so too
python3 - pw1.json pw9.json <<'PY'
import json, sys
r = json.load(open(sys.argv[1], encoding="utf-8"))
r.update(certificateNumber="JL-T-PW-009", specialty="电气工程")
json.dump(r, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
run 0 "issue --basis for a pair the table lacks" -- "${TISSUE[@]}" --in pw9.json --out pw \
	--basis "$WORKED"
has err "warning: pathway: .*Also" "a pair the table lacks: warned at issuance"
run 0 "verify that title" -- "${VERIFY[@]}" --lang en --basis "$WORKED" pw/JL-T-PW-009.json
has out "\[pass\] pathway: .*Also" "a pair the table lacks: said at verification"

# the issuer refuses, before signing anything
refuse() { # refuse DESC PATTERN -- ARGS…
	local desc=$1 pat=$2
	shift 3
	rm -rf pw-no
	run 1 "$desc" -- "${TISSUE[@]}" --out pw-no "$@"
	has err "$pat" "$desc: the reason"
	[ -z "$(ls pw-no 2>/dev/null)" ] || fail "$desc: certificates written"
}
title_record JL-T-PW-002 中级 工程师 2023-06-14 >short.json
refuse "issue --basis one day short of 3 years" "s2t-years" -- --in short.json --basis "$WORKED"
title_record JL-T-PW-003 副高级 高级工程师 2023-07-01 >high.json
refuse "issue --basis for a level the basis does not reach" "s2t-years" -- --in high.json \
	--basis "$WORKED"
title_record JL-T-PW-004 中级 工程师 2022-11-17 >early.json
refuse "issue --basis before the policy was in force" "in-force" -- --in early.json \
	--basis "$WORKED"
refuse "issue --basis on someone else's certificate" "pathway" -- --in pw1.json --basis "$ELSES"
python3 - "$WORKED" tampered.json <<'PY'
import sys
b = bytearray(open(sys.argv[1], "rb").read())
i = b.index(b'"validFrom":"') + len(b'"validFrom":"') + 3  # a year digit
b[i] = ord("1") if b[i] == ord("0") else b[i] - 1
open(sys.argv[2], "wb").write(bytes(b))
PY
refuse "issue --basis on a tampered certificate" "signature" -- --in pw1.json \
	--basis tampered.json
title_record JL-T-PW-005 中级 工程师 2023-07-01 skill >skillrec.json
refuse "issue --basis for a skill record" "kind" -- --in skillrec.json --basis "$WORKED"
python3 - pw1.json ownpw.json <<'PY'
import json, sys
r = json.load(open(sys.argv[1], encoding="utf-8"))
r["certificateNumber"] = "JL-T-PW-010"
r["pathway"] = {"rule": "s2t-years",
                "basis": [{"id": "urn:ecert:S000022000001202000001", "digest": "sm3:" + "0" * 64}]}
json.dump(r, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
run 0 "a record with its own pathway and no --basis: signed as given" -- "${TISSUE[@]}" \
	--in ownpw.json --out pw-own
has err "not checked against the pathway rules" "an unchecked pathway is warned about"
run 1 "verify --basis on a title whose pathway was not checked" -- "${VERIFY[@]}" \
	--basis "$WORKED" pw-own/JL-T-PW-010.json
has out "\[失败\] 贯通路径" "an unchecked pathway with a wrong digest fails"
{
	title_record JL-T-PW-006 中级 工程师 2023-07-01
	title_record JL-T-PW-007 中级 工程师 2023-07-01
} >two.ndjson
refuse "--basis with two records" "pathway" -- --in two.ndjson --basis "$WORKED"

# the verifier refuses a basis that is not the one the title was issued on
run 1 "verify --basis with another certificate" -- "${VERIFY[@]}" --basis "$SECOND" \
	pw/JL-T-PW-001.json
has out "\[失败\] 贯通路径" "another basis: the pathway fails"
has out "核验结果：无效（所依据的贯通路径不成立）" "another basis: the result line says why"
run 1 "verify --basis with the tampered basis" -- "${VERIFY[@]}" --json --basis tampered.json \
	pw/JL-T-PW-001.json
has out '"ok":[[:space:]]*false' "tampered basis: the pathway fails"
# the basis's number signed again under another register: valid, but another document
python3 - "$work" "$WORKED" <<'PY'
import json, sys
w, path = sys.argv[1], sys.argv[2]
number = json.load(open(path, encoding="utf-8"))["id"][len("urn:ecert:"):]
recs = json.load(open(w + "/records-skill.json", encoding="utf-8"))
json.dump([r for r in recs if r["certificateNumber"] == number],
          open(w + "/dup.json", "w", encoding="utf-8"), ensure_ascii=False)
PY
run 0 "the basis's number issued again (another register)" -- "${ISSUE[@]}" --key skill.key \
	--in dup.json --out certs/dup --register reg-dup.db
run 1 "verify --basis with a re-signed copy" -- "${VERIFY[@]}" --json --lang en \
	--basis "certs/dup/${WORKED##*/}" pw/JL-T-PW-001.json
has out "not the certificate the title was issued on" "re-signed copy: the digest differs"
run 1 "verify --basis on a title without a pathway" -- "${VERIFY[@]}" --basis "$WORKED" "$PLAIN"
run 2 "--basis with two certificates" -- "${VERIFY[@]}" --basis "$WORKED" pw/JL-T-PW-001.json \
	"$PLAIN"
run 2 "--basis file missing" -- "${VERIFY[@]}" --basis missing.json pw/JL-T-PW-001.json
# a basis revoked after the title was issued
title_record JL-T-PW-008 中级 工程师 2023-07-01 >pw8.json
run 0 "issue a second pathway title" -- "${TISSUE[@]}" --in pw8.json --out pw --basis "$SECOND"
run 0 "verify it" -- "${VERIFY[@]}" --basis "$SECOND" pw/JL-T-PW-008.json
run 0 "revoke its basis" -- "$ISSUER" revoke "$(basename "$SECOND" .json)" --reason "e2e" \
	--register reg-skill.db
run 0 "republish the skill status list" -- "$ISSUER" status-list --key skill.key \
	--trust trust-issuer.json --root root.pub --out status-skill.json --register reg-skill.db \
	--passphrase-file pass.txt
run 1 "verify with a revoked basis" -- "${VERIFY[@]}" --lang en --basis "$SECOND" \
	pw/JL-T-PW-008.json
has out "\[FAIL\] pathway" "revoked basis: the pathway fails"
has out "revoked" "revoked basis: says revoked"
has out "Result: INVALID (the career pathway it names does not hold)" "revoked basis: the result line says why"

finish "claims: all passed"
