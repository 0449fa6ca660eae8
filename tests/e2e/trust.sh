#!/bin/bash
# e2e: the real `ecert-keys trust` — a root key and issuer keys of different algorithms;
# new, add with scopes, show (text and JSON), retire, compromised; what must be refused
# (a bad USCC, a duplicate kid, an unknown series, the wrong root passphrase, another
# root, a hand-edited list, a passphrase on argv) with their exit codes (0 ok, 1 failure,
# 2 usage); and that every change bumps the version and nothing else does. Test keys only.
set -u
. "$(dirname "$0")/lib/common.sh"

: "${ECERT_BIN:?ECERT_BIN must name the directory of the built programs}"
KEYS="$ECERT_BIN/ecert-keys"
need_progs "$KEYS"

work=$(mktemp -d "${TMPDIR:-/tmp}/ecert-e2e-trust.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
unset ECERT_PASSPHRASE
# A fixed clock (ecert_time_now honours ECERT_NOW): issue times are predictable.
export ECERT_NOW=2025-03-01T10:00:00+08:00


# version N: the list verifies with the root public key and has version N
version_is() {
	"$KEYS" trust show trust.json --root root.pub >show.out 2>show.err ||
		{ fail "show after '$2' failed"; sed 's/^/    /' show.err >&2; return; }
	grep -q "^  version *$1\$" show.out || { fail "$2: want version $1"; sed 's/^/    /' show.out >&2; }
}

(umask 077 && printf 'test-only root passphrase\n' >root-pass.txt &&
	printf 'not the passphrase\n' >wrong-pass.txt &&
	printf 'test-only issuer passphrase\n' >issuer-pass.txt)
R=(--root root.key --passphrase-file root-pass.txt)

# ---- keys: an SM2 root, another root, issuer keys SM2 / Ed25519 / P-256 ----
run 0 "gen root" -- "$KEYS" gen --alg sm2 --out root --passphrase-file root-pass.txt
run 0 "gen other root" -- "$KEYS" gen --alg sm2 --out root2 --passphrase-file root-pass.txt
run 0 "gen hrss (sm2)" -- "$KEYS" gen --alg sm2 --out hrss --passphrase-file issuer-pass.txt
run 0 "gen org (ed25519)" -- "$KEYS" gen --alg ed25519 --out org --passphrase-file issuer-pass.txt
run 0 "gen org2 (p256)" -- "$KEYS" gen --alg p256 --out org2 --passphrase-file issuer-pass.txt
kid_hrss=$("$KEYS" kid hrss.pub)
kid_org=$("$KEYS" kid org.pub)
kid_org2=$("$KEYS" kid org2.pub)

# ---- help ----
run 0 "trust --help" -- "$KEYS" trust --help
has out "Usage: ecert-keys trust" "trust --help"
has out "compromised" "trust --help lists the subcommands"
for sub in new add retire compromised show; do
	run 0 "trust $sub --help" -- "$KEYS" trust "$sub" --help
	has out "Usage: ecert-keys trust $sub" "trust $sub --help"
	has out "Exit status" "trust $sub --help documents the exit status"
done
run 0 "ecert-keys --help lists trust" -- "$KEYS" --help
has out "trust" "ecert-keys --help"
run 2 "no subcommand" -- "$KEYS" trust
run 2 "unknown subcommand" -- "$KEYS" trust frobnicate
has err "unknown subcommand" "unknown subcommand message"

# ---- new ----
run 2 "new without --out" -- "$KEYS" trust new "${R[@]}"
run 2 "passphrase on argv" -- "$KEYS" trust new --root root.key --out t.json --passphrase=x
has err "never taken from the command line" "passphrase on argv refused"
[ -e t.json ] && fail "a list was written despite the usage error"
run 1 "new without any passphrase" -- "$KEYS" trust new --root root.key --out t.json
[ -e t.json ] && fail "a list was written without a passphrase"
run 1 "new with the wrong passphrase" -- "$KEYS" trust new --root root.key --out t.json \
	--passphrase-file wrong-pass.txt
[ -e t.json ] && fail "a list was written with the wrong passphrase"
run 0 "new" -- "$KEYS" trust new "${R[@]}" --out trust.json --name jilin
has out "version 1" "new reports version 1"
has out "urn:ecert:trustlist:jilin" "new reports the id"
[ "$(stat -c %a trust.json)" = 644 ] || fail "trust.json mode $(stat -c %a trust.json)"
version_is 1 "new"
has show.out "0 keys" "a new list is empty"
run 1 "new over an existing list" -- "$KEYS" trust new "${R[@]}" --out trust.json
has err "exist" "new refuses to overwrite"
version_is 1 "refused new"
# ECERT_PASSPHRASE works as well as the file
ECERT_PASSPHRASE='test-only root passphrase' run 0 "new (env passphrase, --force)" -- \
	"$KEYS" trust new --root root.key --out trust.json --name jilin --force
version_is 1 "new --force"

# ---- add ----
run 0 "add hrss (title, 工程/农业)" -- "$KEYS" trust add trust.json "${R[@]}" --pub hrss.pub \
	--issuer-id 11220000013544525W --issuer-name 吉林省人力资源和社会保障厅 \
	--kinds title --series 工程,农业 --valid-from 2025-01-01 --valid-until 2029-12-31
has out "version 2 (was 1)" "add reports the version"
has out "$kid_hrss" "add reports the kid"
version_is 2 "add hrss"
run 0 "add org (skill, occupations, multibase)" -- "$KEYS" trust add trust.json "${R[@]}" \
	--pub org.pub --issuer-id urn:uscc:91220101MA00000000 \
	--issuer-name 长春市职业技能等级评价中心 --kinds skill --occupations 6-18,4-07-02 \
	--valid-from 2025-01-01T08:00:00+08:00 --multibase
version_is 3 "add org"
grep -q '"publicKeyMultibase":[[:space:]]*"z6Mk' trust.json || fail "org's key is not stored as multibase"

cp trust.json before.json
# a bad USCC: wrong check character, bare and as a URN
run 1 "bad USCC" -- "$KEYS" trust add trust.json "${R[@]}" --pub org2.pub \
	--issuer-id 11220000013544525X --issuer-name 某机构 --kinds skill
has err "check character" "bad USCC message"
run 1 "bad USCC (urn)" -- "$KEYS" trust add trust.json "${R[@]}" --pub org2.pub \
	--issuer-id urn:uscc:11220000013544525X --issuer-name 某机构 --kinds skill
run 1 "duplicate kid" -- "$KEYS" trust add trust.json "${R[@]}" --pub hrss.pub \
	--issuer-id 11220000013544525W --issuer-name 吉林省人力资源和社会保障厅 --kinds title
has err "already in the list" "duplicate kid message"
run 1 "same issuer, other name" -- "$KEYS" trust add trust.json "${R[@]}" --pub org2.pub \
	--issuer-id 11220000013544525W --issuer-name 吉林省人社厅 --kinds title
has err "吉林省人力资源和社会保障厅" "name conflict names the listed name"
run 1 "unknown series" -- "$KEYS" trust add trust.json "${R[@]}" --pub org2.pub \
	--issuer-id 11220000013544525W --issuer-name 吉林省人力资源和社会保障厅 \
	--kinds title --series 工程,炼金
has err "炼金" "unknown series named"
run 1 "malformed occupation" -- "$KEYS" trust add trust.json "${R[@]}" --pub org2.pub \
	--issuer-id 91220101MA00000000 --issuer-name 长春市职业技能等级评价中心 \
	--kinds skill --occupations 6-180
run 1 "the root key as an issuer key" -- "$KEYS" trust add trust.json "${R[@]}" --pub root.pub \
	--issuer-id 11220000013544525W --issuer-name 吉林省人力资源和社会保障厅 --kinds title
run 1 "wrong root passphrase" -- "$KEYS" trust add trust.json --root root.key \
	--passphrase-file wrong-pass.txt --pub org2.pub --issuer-id 91220101MA00000000 \
	--issuer-name 长春市职业技能等级评价中心 --kinds skill
run 1 "another root's key" -- "$KEYS" trust add trust.json --root root2.key \
	--passphrase-file root-pass.txt --pub org2.pub --issuer-id 91220101MA00000000 \
	--issuer-name 长春市职业技能等级评价中心 --kinds skill
has err "root" "another root is named"
run 2 "series on a skill key" -- "$KEYS" trust add trust.json "${R[@]}" --pub org2.pub \
	--issuer-id 91220101MA00000000 --issuer-name 长春市职业技能等级评价中心 \
	--kinds skill --series 工程
run 2 "bad kinds" -- "$KEYS" trust add trust.json "${R[@]}" --pub org2.pub \
	--issuer-id 91220101MA00000000 --issuer-name x --kinds diploma
run 2 "bad time" -- "$KEYS" trust add trust.json "${R[@]}" --pub org2.pub \
	--issuer-id 91220101MA00000000 --issuer-name x --kinds skill --valid-from 2025-02-30
run 2 "missing --issuer-name" -- "$KEYS" trust add trust.json "${R[@]}" --pub org2.pub \
	--issuer-id 91220101MA00000000 --kinds skill
run 2 "an option of another subcommand" -- "$KEYS" trust add trust.json "${R[@]}" --kid x
cmp -s before.json trust.json || fail "a refused add changed the list"
version_is 3 "refused adds"

run 0 "add org2 (both kinds, unrestricted)" -- "$KEYS" trust add trust.json "${R[@]}" \
	--pub org2.pub --issuer-id 91220101MA00000000 --issuer-name 长春市职业技能等级评价中心 \
	--kinds title,skill --valid-from 2025-01-01
version_is 4 "add org2"

# ---- show ----
run 0 "show" -- "$KEYS" trust show trust.json --root root.pub
has out "Trust list urn:ecert:trustlist:jilin" "show: id"
has out "3 keys of 2 issuers" "show: counts"
has out "$kid_hrss  sm2-jcs-2025  active" "show: hrss entry"
has out "$kid_org  eddsa-jcs-2022  active" "show: org entry"
has out "$kid_org2  ecdsa-jcs-2019  active" "show: org2 entry"
has out "吉林省人力资源和社会保障厅 (urn:uscc:11220000013544525W)" "show: issuer in UTF-8"
has out "series 工程, 农业" "show: series"
has out "occupations 6-18, 4-07-02" "show: occupations"
has out "2025-01-01T00:00:00+08:00 .. 2029-12-31T23:59:59+08:00" "show: date-only validity"
has out "any series" "show: unrestricted key"
run 0 "show with the root private key" -- "$KEYS" trust show trust.json "${R[@]}"
run 0 "show --json" -- "$KEYS" trust show trust.json --root root.pub --json
has out '"type":[[:space:]]*\["EcertTrustList"\]' "show --json"
has out '"version":[[:space:]]*4' "show --json version"
run 1 "show with another root" -- "$KEYS" trust show trust.json --root root2.pub
has err "root" "show names the root mismatch"
run 2 "show without --root" -- "$KEYS" trust show trust.json
run 1 "show a missing file" -- "$KEYS" trust show nothing.json --root root.pub

# ---- retire ----
run 0 "retire org" -- "$KEYS" trust retire trust.json "${R[@]}" --kid "$kid_org" \
	--since 2025-02-28T17:00:00+08:00
has out "retired since 2025-02-28T17:00:00+08:00" "retire reports the time"
version_is 5 "retire"
has show.out "$kid_org  eddsa-jcs-2022  retired" "show: retired"
cp trust.json before.json
run 1 "retire again" -- "$KEYS" trust retire trust.json "${R[@]}" --kid "$kid_org"
has err "already retired" "retire again message"
run 1 "retire an unknown kid" -- "$KEYS" trust retire trust.json "${R[@]}" --kid AAAAAAAAAAA
run 2 "retire without --kid" -- "$KEYS" trust retire trust.json "${R[@]}"
cmp -s before.json trust.json || fail "a refused retire changed the list"

# ---- compromised ----
run 2 "compromised without --since" -- "$KEYS" trust compromised trust.json "${R[@]}" \
	--kid "$kid_org2"
run 0 "compromised org2" -- "$KEYS" trust compromised trust.json "${R[@]}" --kid "$kid_org2" \
	--since 2025-02-01
has out "compromised since 2025-02-01T00:00:00+08:00" "a date means the start of the day"
version_is 6 "compromised"
has show.out "$kid_org2  ecdsa-jcs-2019  compromised" "show: compromised"
run 1 "compromised later than before" -- "$KEYS" trust compromised trust.json "${R[@]}" \
	--kid "$kid_org2" --since 2025-02-10
run 0 "compromised earlier" -- "$KEYS" trust compromised trust.json "${R[@]}" \
	--kid "$kid_org2" --since 2025-01-15
version_is 7 "compromised earlier"
# a retired key marked compromised later keeps its retirement time
run 0 "compromise the retired org key" -- "$KEYS" trust compromised trust.json "${R[@]}" \
	--kid "$kid_org" --since 2025-03-01
has out "compromised since 2025-02-28T17:00:00+08:00" "the earlier time is kept"
version_is 8 "compromised retired"

# ---- --out leaves the original alone ----
cp trust.json before.json
run 0 "retire to another file" -- "$KEYS" trust retire trust.json "${R[@]}" --kid "$kid_hrss" \
	--out staged.json
cmp -s before.json trust.json || fail "--out changed the original"
"$KEYS" trust show staged.json --root root.pub | grep -q "^  version *9$" ||
	fail "--out: the staged list is not version 9"

# ---- a hand-edited list is refused and never re-signed ----
sed 's/长春市职业技能等级评价中心/长春市职业技能等级评价中必/' trust.json >edited.json
cmp -s edited.json trust.json && fail "the edit did not change anything"
run 1 "show an edited list" -- "$KEYS" trust show edited.json --root root.pub
has err "does not verify" "edited list message"
cp edited.json before.json
run 1 "add to an edited list" -- "$KEYS" trust add edited.json "${R[@]}" --pub root2.pub \
	--issuer-id 91220101MA00000000 --issuer-name 长春市职业技能等级评价中必 --kinds skill
cmp -s before.json edited.json || fail "an edited list was re-signed"
sed 's/"version":\([[:space:]]*\)8/"version":\19/' trust.json >edited.json
run 1 "show a list with its version changed" -- "$KEYS" trust show edited.json --root root.pub

# ---- no stray temporary files ----
ls -a | grep -q '\.tmp\.' && fail "temporary files left behind: $(ls -a | grep '\.tmp\.')"

finish "trust e2e: all passed"
