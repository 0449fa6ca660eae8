#!/bin/bash
# e2e: the real `ecert-verifier verify` on certificates issued by the real `ecert-issuer`.
# All three suites (SM2 title, Ed25519 skill, P-256 title+skill) verify from the JSON file,
# standard input, the QR text (read back from the PNG by zbarimg), the PNG itself and a
# photo-like JPEG (scaled, rotated, noisy, blurred); --json has the eight named checks.
# Rejected, with the check named and exit 1: every single-byte change of a certificate
# (sampled across the file), revoked (signed status list), expired (--at), wrong holder,
# a certificate from a key outside the trust list, garbage / truncated / padded QR text,
# an image without a code. Exit 2: unreadable file, usage errors. Batch mode keeps input
# order with several jobs. Test keys and people only.
set -u
. "$(dirname "$0")/lib/common.sh"
: "${ECERT_BIN:?ECERT_BIN must name the directory of the built programs}"
KEYS="$ECERT_BIN/ecert-keys"
ISSUER="$ECERT_BIN/ecert-issuer"
VERIFIER="$ECERT_BIN/ecert-verifier"
need_progs "$KEYS" "$ISSUER" "$VERIFIER"
need_cmds zbarimg
# Debian's python3 directly: a version manager's shim can cost seconds per call
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3) || { echo "no python3: skipped"; exit 77; }
work=$(mktemp -d "${TMPDIR:-/tmp}/ecert-e2e-verify.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
export ECERT_PASSPHRASE="e2e verify (test only)"
unset ECERT_LANG ECERT_NOW
V() { "$VERIFIER" verify --root root.pub --trust trust.json "$@"; }
# first failed check of a --json result on stdin
failed_check() {
	"$PY" -c '
import json,sys
r=json.load(sys.stdin)
f=[c["name"] for c in r["checks"] if c["ok"] is False]
print(f[0] if f else "none")'
}

# --- keys, trust list, certificates --------------------------------------------------
"$KEYS" gen --out root >/dev/null || exit 1
"$KEYS" gen --alg sm2 --out k-sm2 >/dev/null || exit 1
"$KEYS" gen --alg ed25519 --out k-ed >/dev/null || exit 1
"$KEYS" gen --alg p256 --out k-p256 >/dev/null || exit 1
"$KEYS" gen --alg sm2 --out k-stranger >/dev/null || exit 1
"$KEYS" trust new --root root.key --out trust.json >/dev/null || exit 1
ID=urn:uscc:11220000013544525W
NAME=吉林省人力资源和社会保障厅
"$KEYS" trust add trust.json --root root.key --pub k-sm2.pub --issuer-id $ID --issuer-name $NAME \
	--kinds title --series 工程 >/dev/null || exit 1
"$KEYS" trust add trust.json --root root.key --pub k-ed.pub --issuer-id $ID --issuer-name $NAME \
	--kinds skill --occupations 6-18 >/dev/null || exit 1
"$KEYS" trust add trust.json --root root.key --pub k-p256.pub --issuer-id $ID --issuer-name $NAME \
	--kinds title,skill --valid-until 2030-12-31 >/dev/null || exit 1
# a second list that also lists the stranger key, to issue with it (the verifier gets trust.json)
cp trust.json trust-stranger.json
"$KEYS" trust add trust-stranger.json --root root.key --pub k-stranger.pub --issuer-id $ID \
	--issuer-name $NAME --kinds title >/dev/null || exit 1

cat >t-sm2.ndjson <<'J'
{"kind":"title","certificateNumber":"T-SM2-1","name":"李明","idNumber":"220104199007152342","series":"工程","specialty":"机械工程","level":"中级","titleName":"工程师","qualifiedOn":"2024-01-15","approvalDocument":"吉人社职字〔2024〕12号","evaluationMethod":"评审"}
J
cat >s-ed.ndjson <<'J'
{"kind":"skill","certificateNumber":"S000022000001192000001","name":"王建国","idNumber":"220102198503121230","occupationCode":"6-18-01-01","occupation":"车工","level":"二级","levelName":"技师","certifiedOn":"2020-06-15","certificateKind":"职业技能等级证书"}
J
cat >p256.ndjson <<'J'
{"kind":"title","certificateNumber":"T-P256-1","name":"赵志强","idNumber":"220202198801203117","series":"农业","specialty":"农学","level":"中级","titleName":"农艺师","qualifiedOn":"2023-05-10","approvalDocument":"吉人社职字〔2023〕7号","evaluationMethod":"评审","validUntil":"2029-12-31"}
{"kind":"skill","certificateNumber":"S000022000001193000002","name":"赵志强","idNumber":"220202198801203117","occupationCode":"4-12-01-01","occupation":"汽车维修工","level":"三级","levelName":"高级工","certifiedOn":"2022-06-20","certificateKind":"职业技能等级证书"}
J
sed 's/T-SM2-1/T-STRANGER-1/' t-sm2.ndjson >stranger.ndjson
for b in "k-sm2 t-sm2.ndjson trust.json" "k-ed s-ed.ndjson trust.json" "k-p256 p256.ndjson trust.json" \
	"k-stranger stranger.ndjson trust-stranger.json"; do
	set -- $b
	run 0 "issue $2" -- "$ISSUER" issue --key "$1.key" --trust "$3" --in "$2" --out certs \
		--register reg-"$1".db --quiet
done

# --- valid: every suite, every input form ----------------------------------------------
for n in T-SM2-1 S000022000001192000001 T-P256-1 S000022000001193000002; do
	run 0 "$n from file" -- V "certs/$n.json"
	has out "核验结果：有效" "$n text"
	has out "签名验证通过" "$n text: the checks' details in Chinese"
	run 0 "$n from stdin" -- V - <"certs/$n.json"
	run 0 "$n --json" -- V --json "certs/$n.json"
	"$PY" - out <<'P' || fail "$n --json shape"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["valid"] is True
names = [c["name"] for c in r["checks"]]
assert names == ["decode","schema","signature","trust","scope","validity","status","holder"], names
assert r["checks"][6]["ok"] is None and "not checked" in r["checks"][6]["detail"]
assert "未核验是否吊销" in r["checks"][6]["detailZh"]
assert all(c["detailZh"] for c in r["checks"][:6]), "a passed check without detailZh"
assert r["certificate"]["id"].startswith("urn:ecert:")
P
	qr=$(zbarimg --raw -q -Sdisable -Sqrcode.enable "certs/$n.png") || fail "$n: zbarimg"
	run 0 "$n from QR text" -- V --lang en --qr-text "$qr"
	has out "Result: VALID" "$n en"
	run 0 "$n from QR image" -- V --qr-image "certs/$n.png"
	run 0 "$n PNG as FILE" -- V "certs/$n.png"
	echo "$qr" >"$n.qr"
done
run 0 "holder matches" -- V --holder-id 220104199007152342 certs/T-SM2-1.json
has out "\[通过\] 持证人" "holder passed"

# a photo-like image: scaled, rotated, noisy, blurred, JPEG (ImageMagick, where installed)
if command -v convert >/dev/null && convert -version 2>/dev/null | grep -q ImageMagick; then
	convert certs/T-SM2-1.png -resize 83% -background white -rotate 13 -attenuate 0.4 \
		+noise Gaussian -blur 0x0.7 -quality 85 photo.jpg 2>/dev/null
	run 0 "photo-like JPEG" -- V --qr-image photo.jpg
else
	echo "note: ImageMagick missing, photo-like JPEG case skipped (unit test_qrimage covers it)"
fi

# --- rejections, each with its check -------------------------------------------------
expect_check() { # expect_check CHECK DESC -- CMD...
	local check=$1 desc=$2
	shift 3
	"$@" --json >out 2>err
	local rc=$?
	[ $rc -eq 1 ] || fail "$desc: exit $rc, want 1"
	local got
	got=$(failed_check <out 2>/dev/null)
	[ "$got" = "$check" ] || fail "$desc: failed check '$got', want '$check'"
}
# one changed byte: sampled over the whole file (about 80 positions), every one rejected
mkdir flips
"$PY" - certs/T-SM2-1.json <<'P'
import sys
data = open(sys.argv[1], "rb").read()
step = max(1, len(data) // 80)
for i in range(0, len(data), step):
    d = bytearray(data); d[i] ^= 0x04
    open("flips/%06d.json" % i, "wb").write(d)
P
for f in flips/*.json; do
	"$VERIFIER" verify --root root.pub --trust trust.json "$f" >/dev/null 2>&1
	rc=$?
	[ $rc -eq 1 ] || fail "byte ${f#flips/} changed: exit $rc, want 1"
done
sed 's/机械工程/电气工程/' certs/T-SM2-1.json >tampered.json
expect_check signature "tampered specialty" -- V tampered.json
expect_check trust "key not in the trust list" -- V certs/T-STRANGER-1.json
expect_check validity "expired (--at after validUntil)" -- V --at 2030-01-01 certs/T-P256-1.json
expect_check holder "wrong holder" -- V --holder-id 220102198503121230 certs/T-SM2-1.json
expect_check decode "garbage QR text" -- V --qr-text "EC1:THIS IS NOT BASE45%%%"
qr=$(cat T-SM2-1.qr)
expect_check decode "truncated QR text" -- V --qr-text "${qr:0:200}"
expect_check decode "padded QR text" -- V --qr-text "${qr}ABC"
expect_check decode "foreign QR prefix" -- V --qr-text "HC1:${qr:4}"
"$PY" -c 'import zlib,struct,sys
def chunk(t,d): return struct.pack(">I",len(d))+t+d+struct.pack(">I",zlib.crc32(t+d)&0xffffffff)
w=h=64; raw=b"".join(b"\0"+b"\xff"*w for _ in range(h))
open("blank.png","wb").write(b"\x89PNG\r\n\x1a\n"+chunk(b"IHDR",struct.pack(">IIBBBBB",w,h,8,0,0,0,0))+chunk(b"IDAT",zlib.compress(raw))+chunk(b"IEND",b""))'
expect_check decode "image without a code" -- V --qr-image blank.png
printf '{"a":1,"a":2}' >dup.json
expect_check schema "duplicate keys" -- V dup.json

# revoked: revoke, publish the signed status list, verify against it
run 0 "revoke" -- "$ISSUER" revoke S000022000001193000002 --reason "测试" --register reg-k-p256.db
run 0 "status list" -- "$ISSUER" status-list --key k-p256.key --trust trust.json \
	--register reg-k-p256.db --out status-p256.json
expect_check status "revoked" -- V --status status-p256.json certs/S000022000001193000002.json
run 0 "not revoked, status checked" -- V --status status-p256.json --require-status certs/T-P256-1.json
expect_check status "--require-status without a list" -- V --require-status certs/T-SM2-1.json
# a status list that does not verify (edited) is refused when loaded
sed 's/"revocation"/"suspension"/' status-p256.json >status-bad.json
run 1 "edited status list refused" -- V --status status-bad.json certs/T-P256-1.json

# --- usage and unreadable input: exit 2 ----------------------------------------------
run 2 "missing file" -- V no-such-file.json
run 2 "no input" -- V
run 2 "no trust list" -- "$VERIFIER" verify --root root.pub certs/T-SM2-1.json
run 2 "bad --lang" -- V --lang fr certs/T-SM2-1.json

# --- batch: order kept with 2 jobs ---------------------------------------------------
{ cat T-SM2-1.qr; echo "EC1:broken"; "$PY" -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))))' certs/S000022000001192000001.json; cat T-P256-1.qr; } >batch.txt
run 1 "batch with one bad line" -- V --batch batch.txt --jobs 2
"$PY" - out <<'P' || fail "batch output order/validity"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
assert [r["valid"] for r in rows] == [True, False, True, True], [r["valid"] for r in rows]
P
has err "verified 4 item" "batch throughput line"

finish "e2e verify: all checks passed"
