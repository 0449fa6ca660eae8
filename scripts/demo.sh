#!/usr/bin/env bash
# The ecert demo on the embedded defaults: make a province root key and two issuer keys,
# build and sign the trust list, issue a title and a skill certificate with QR codes,
# verify them (from the file, the QR text and the QR image) and show a tampered copy
# rejected, revoke a certificate and publish the status list, and check one eligible
# and one not-eligible cross-track claim (贯通申报).
# Usage: scripts/demo.sh [OUTDIR]   (default: demo-out/). Test keys only: the passphrase
# below is a demo value.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-demo-out}
JOBS=$(nproc 2>/dev/null || echo 2)
echo "== building =="
cmake -S . -B build >/dev/null
cmake --build build -j"$JOBS" >/dev/null
BIN=$PWD/build/bin
export PATH="$BIN:$PATH"
rm -rf "$OUT"; mkdir -p "$OUT"; cd "$OUT"
export ECERT_PASSPHRASE="demo passphrase (test only)"
step() { printf '\n\033[1m== %s ==\033[0m\n' "$*"; }
show() { printf '$ %s\n' "$*"; "$@"; }
# run a command whose non-zero exit is the point of the step
expect() { local want=$1; shift; printf '$ %s\n' "$*"; set +e; "$@"; local rc=$?; set -e
  [ "$rc" -eq "$want" ] || { echo "demo: expected exit $want, got $rc" >&2; exit 1; }
  echo "(exit $rc, as expected)"; }

step "1. 密钥 keys: province root, an approval authority (职称批准机关), an evaluation organisation (评价机构)"
show ecert-keys gen --out root
show ecert-keys gen --out rst
show ecert-keys gen --alg sm2 --out skill-org

step "2. 信任列表 trust list signed by the root"
show ecert-keys trust new --root root.key --out trust.json --name jilin-demo
show ecert-keys trust add trust.json --root root.key --pub rst.pub \
  --issuer-id urn:uscc:11220000013544525W --issuer-name 吉林省人力资源和社会保障厅 \
  --kinds title --series 工程,农业,工艺美术,文物博物,实验技术,艺术,体育,技工院校教师
show ecert-keys trust add trust.json --root root.key --pub skill-org.pub \
  --issuer-id urn:uscc:52220000MJ00000011 --issuer-name 吉林省机械行业职业技能等级评价中心 \
  --kinds skill --occupations 6-18,6-20,6-31
show ecert-keys trust show trust.json --root root.pub

step "3. 签发 issue: a title certificate (电子职称证书) and skill certificates (职业技能等级证书)"
cat > titles.ndjson <<'JSON'
{"kind":"title","certificateNumber":"JL-T-2024-000001","name":"李明","idNumber":"220104199007152342","series":"工程","specialty":"机械工程","level":"中级","titleName":"工程师","qualifiedOn":"2024-01-15","approvalDocument":"吉人社职字〔2024〕12号","evaluationMethod":"评审"}
JSON
cat > skills.csv <<'CSV'
证书编号,姓名,身份证号,职业编码,职业名称,等级,等级名称,发证日期,证书类型
S000022000001192000001,王建国,220102198503121230,6-18-01-01,车工,二级,技师,2020-06-15,职业技能等级证书
S000022000001193000002,赵志强,220202198801203117,6-18-01-01,车工,三级,高级工,2022-06-20,职业技能等级证书
CSV
show ecert-issuer issue --key rst.key --trust trust.json --in titles.ndjson --out certs --quiet
show ecert-issuer issue --key skill-org.key --trust trust.json --in skills.csv --out certs --quiet
ls certs

step "4. 核验 verify: from the file, from the QR text a scanner reads, from the QR image"
show ecert-verifier verify --root root.pub --trust trust.json certs/JL-T-2024-000001.json
QR=$(zbarimg --raw -q -Sdisable -Sqrcode.enable certs/S000022000001192000001.png)
echo "QR text read by zbarimg: ${QR:0:60}… (${#QR} characters)"
show ecert-verifier verify --root root.pub --trust trust.json --lang en --qr-text "$QR"
show ecert-verifier verify --root root.pub --trust trust.json --holder-id 220104199007152342 \
  --qr-image certs/JL-T-2024-000001.png

step "5. 篡改 a tampered copy (专业 changed) is rejected, naming the failed check"
sed 's/机械工程/电气工程/' certs/JL-T-2024-000001.json > tampered.json
expect 1 ecert-verifier verify --root root.pub --trust trust.json tampered.json

step "6. 撤销 revoke a certificate, publish the status list, verify against it"
show ecert-issuer revoke S000022000001193000002 --reason "证书信息有误" --register ecert-register.db
show ecert-issuer status-list --key skill-org.key --trust trust.json --register ecert-register.db --out skill-status.json
expect 1 ecert-verifier verify --root root.pub --trust trust.json --status skill-status.json \
  certs/S000022000001193000002.json

step "7. 贯通申报 claims: 车工技师 (2020-06-15) → 工程系列中级, as of 2023-07-01"
mkclaim() { # name id evidence-file level out
  /usr/bin/python3 - "$@" <<'PY'
import json, sys
name, idn, ev, level, out = sys.argv[1:6]
claim = {"type": "CrossTrackClaim", "direction": "skill-to-title", "asOf": "2023-07-01",
         "applicant": {"name": name, "idNumber": idn},
         "target": {"series": "工程", "specialty": "机械工程", "level": level},
         "evidence": [json.load(open(ev, encoding="utf-8"))],
         "declarations": {"annualReviewsPassed": 3, "unitRecommended": True, "frontLine": True}}
json.dump(claim, open(out, "w", encoding="utf-8"), ensure_ascii=False, indent=1)
PY
}
mkclaim 王建国 220102198503121230 certs/S000022000001192000001.json 中级 claim-eligible.json
show ecert-verifier claim --root root.pub --trust trust.json claim-eligible.json
step "8. 贯通申报 not eligible: 高级工 (2022-06-20) asks for 中级"
mkclaim 赵志强 220202198801203117 certs/S000022000001193000002.json 中级 claim-not-eligible.json
expect 1 ecert-verifier claim --root root.pub --trust trust.json claim-not-eligible.json

step "done: everything is in $OUT/"
