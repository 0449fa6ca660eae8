#!/bin/bash
# e2e: the real ecert-keys program — gen for each algorithm, kid, pub (PEM and Multikey),
# the error cases with their exit codes (0 ok, 1 failure, 2 usage), and that a
# passphrase is never accepted on the command line. Test keys only.
set -u
. "$(dirname "$0")/lib/common.sh"

: "${ECERT_BIN:?ECERT_BIN must name the directory of the built programs}"
: "${ECERT_TEST_DATA:?ECERT_TEST_DATA must name the tests/ directory}"
KEYS="$ECERT_BIN/ecert-keys"
need_progs "$KEYS"

work=$(mktemp -d "${TMPDIR:-/tmp}/ecert-e2e-keys.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
unset ECERT_PASSPHRASE


(umask 077 && printf 'test-only passphrase\n' >pass.txt)
secret='s3cret-on-argv'

# ---- gen / kid / pub for each algorithm ----
for alg in sm2 ed25519 p256; do
	case $alg in
	sm2) prefix=zEPJ cipher=sm4-cbc ;;
	ed25519) prefix=z6Mk cipher=aes-256-cbc ;;
	p256) prefix=zDna cipher=aes-256-cbc ;;
	esac
	run 0 "gen $alg" -- "$KEYS" gen --alg "$alg" --out "k-$alg" --passphrase-file pass.txt
	has out "^kid: [A-Za-z0-9_-]\{11\}$" "gen $alg prints the kid"
	has out "k-$alg.key" "gen $alg names the key file"
	has out "k-$alg.pub" "gen $alg names the public file"
	has out "algorithm: $alg" "gen $alg names the algorithm"
	kid=$(sed -n 's/^kid: //p' out)
	[ "$(stat -c %a "k-$alg.key")" = 600 ] || fail "$alg: key file mode $(stat -c %a "k-$alg.key")"
	[ "$(stat -c %a "k-$alg.pub")" = 644 ] || fail "$alg: pub file mode $(stat -c %a "k-$alg.pub")"
	head -n1 "k-$alg.key" | grep -qx -- '-----BEGIN ENCRYPTED PRIVATE KEY-----' ||
		fail "$alg: key file is not an encrypted PKCS#8 PEM"
	head -n1 "k-$alg.pub" | grep -qx -- '-----BEGIN PUBLIC KEY-----' ||
		fail "$alg: pub file is not an SPKI PEM"

	run 0 "kid $alg.pub" -- "$KEYS" kid "k-$alg.pub"
	[ "$(cat out)" = "$kid" ] || fail "kid of k-$alg.pub: $(cat out), gen said $kid"
	run 0 "kid $alg.key (file)" -- "$KEYS" kid "k-$alg.key" --passphrase-file pass.txt
	[ "$(cat out)" = "$kid" ] || fail "kid of k-$alg.key: $(cat out), gen said $kid"
	run 0 "kid $alg.key (env)" -- env ECERT_PASSPHRASE='test-only passphrase' "$KEYS" kid "k-$alg.key"
	[ "$(cat out)" = "$kid" ] || fail "kid of k-$alg.key via env: $(cat out)"

	run 0 "pub $alg.key" -- "$KEYS" pub "k-$alg.key" --passphrase-file pass.txt
	cmp -s out "k-$alg.pub" || fail "pub of k-$alg.key differs from k-$alg.pub"
	run 0 "pub $alg.pub" -- "$KEYS" pub "k-$alg.pub"
	cmp -s out "k-$alg.pub" || fail "pub of k-$alg.pub differs from itself"
	run 0 "pub --multibase $alg" -- "$KEYS" pub --multibase "k-$alg.pub"
	case $(cat out) in
	"$prefix"*) ;;
	*) fail "Multikey of $alg: $(cat out), want prefix $prefix" ;;
	esac
	[ "$(wc -l <out)" -eq 1 ] || fail "Multikey of $alg is not one line"

	# interoperability: stock OpenSSL reads the key with the passphrase
	if command -v openssl >/dev/null; then
		openssl pkey -in "k-$alg.key" -passin file:pass.txt -pubout 2>/dev/null |
			cmp -s - "k-$alg.pub" || fail "openssl cannot read k-$alg.key"
		openssl asn1parse -in "k-$alg.key" 2>/dev/null | grep -q ":$cipher\$" ||
			fail "k-$alg.key is not encrypted with $cipher"
	fi
done

# ---- default algorithm, passphrase from the environment ----
run 0 "gen default" -- env ECERT_PASSPHRASE='another test-only passphrase' "$KEYS" gen --out def
has out "algorithm: sm2" "default algorithm is sm2"

# ---- the SM2 vector key ----
run 0 "kid of the vector key" -- "$KEYS" kid "$ECERT_TEST_DATA/vectors/sm2-jcs-2025/publicKey.pem"
[ "$(cat out)" = "$(cat "$ECERT_TEST_DATA/vectors/sm2-jcs-2025/kid.txt")" ] ||
	fail "kid of the SM2 vector key: $(cat out)"

# ---- no overwrite without --force ----
cp k-sm2.key before.key
run 1 "gen over an existing key" -- "$KEYS" gen --out k-sm2 --passphrase-file pass.txt
has err "^ecert-keys: error: k-sm2.key: already exists" "existing key message"
cmp -s before.key k-sm2.key || fail "k-sm2.key changed without --force"
run 0 "gen --force" -- "$KEYS" gen --out k-sm2 --force --passphrase-file pass.txt
cmp -s before.key k-sm2.key && fail "k-sm2.key not replaced with --force"
[ "$(stat -c %a k-sm2.key)" = 600 ] || fail "replaced key file mode $(stat -c %a k-sm2.key)"

# ---- the passphrase is never taken from the command line ----
# refused with exit 2, nothing written, and the value never echoed
argv_refused() { # DESCRIPTION ARGS...
	local desc=$1
	shift
	run 2 "$desc" -- "$KEYS" "$@"
	has err "never taken from the command line" "$desc: message teaches the rule"
	grep -qs -- "$secret" out err && fail "$desc: the passphrase was echoed"
}
argv_refused "--passphrase VALUE" gen --out argv1 --passphrase "$secret"
argv_refused "--passphrase=VALUE" gen --out argv2 "--passphrase=$secret"
argv_refused "passphrase as an argument" gen --out argv3 "$secret"
argv_refused "kid --passphrase" kid k-p256.key --passphrase "$secret"
argv_refused "pub --passphrase=" pub k-p256.key "--passphrase=$secret"
argv_refused "kid FILE PASSPHRASE" kid k-p256.key "$secret"
run 2 "abbreviated --pass" -- "$KEYS" gen --out argv4 --pass "$secret"
grep -qs -- "$secret" out err && fail "--pass: the passphrase was echoed"
for n in argv1 argv2 argv3 argv4; do
	[ -e "$n.key" ] && fail "$n.key written despite a passphrase on the command line"
done
grep -rqs -- "$secret" . && fail "the argv passphrase was stored in a file"

# ---- passphrase problems ----
run 1 "no passphrase" -- "$KEYS" gen --out nopass
has err "ECERT_PASSPHRASE" "no passphrase message names the variable"
[ -e nopass.key ] && fail "nopass.key written without a passphrase"
: >empty.txt
run 1 "empty passphrase file" -- "$KEYS" gen --out emptypass --passphrase-file empty.txt
run 1 "missing passphrase file" -- "$KEYS" gen --out nofile --passphrase-file no-such-file
run 1 "wrong passphrase" -- env ECERT_PASSPHRASE=wrong "$KEYS" kid k-ed25519.key
has err "^ecert-keys: error: k-ed25519.key: .*wrong passphrase" "wrong passphrase message"

# ---- permissions ----
chmod 644 k-p256.key
run 1 "key file mode 0644" -- "$KEYS" kid k-p256.key --passphrase-file pass.txt
has err "chmod 600" "permission message teaches chmod 600"
chmod 600 k-p256.key
run 0 "key file mode 0600 again" -- "$KEYS" kid k-p256.key --passphrase-file pass.txt

# ---- other failures ----
run 1 "kid of a missing file" -- "$KEYS" kid no-such.pub
has err "^ecert-keys: error: no-such.pub: " "missing file message"
echo "not a key" >junk.pem
run 1 "kid of a non-key" -- "$KEYS" kid junk.pem
run 1 "gen into a missing directory" -- "$KEYS" gen --out no/such/dir/k --passphrase-file pass.txt

# ---- usage errors ----
run 2 "no command" -- "$KEYS"
run 2 "unknown command" -- "$KEYS" frobnicate
has err "^ecert-keys: error: " "message format"
run 2 "gen without --out" -- "$KEYS" gen --passphrase-file pass.txt
run 2 "gen --alg rsa" -- "$KEYS" gen --alg rsa --out r --passphrase-file pass.txt
run 2 "gen --alg without value" -- "$KEYS" gen --out r --alg
run 2 "gen unknown option" -- "$KEYS" gen --out r --bogus
run 2 "kid without file" -- "$KEYS" kid
run 2 "kid with two files" -- "$KEYS" kid k-sm2.pub k-p256.pub
run 2 "kid --multibase" -- "$KEYS" kid --multibase k-sm2.pub
run 2 "pub unknown option" -- "$KEYS" pub -x k-sm2.pub

# ---- help ----
run 0 "--help" -- "$KEYS" --help
has out "Usage:" "top-level help"
for cmd in gen kid pub; do
	run 0 "$cmd --help" -- "$KEYS" "$cmd" --help
	has out "^Usage: ecert-keys $cmd" "$cmd help usage"
	has out "Exit status" "$cmd help exit codes"
	has out "ECERT_PASSPHRASE" "$cmd help environment"
	has out "Examples" "$cmd help examples"
	run 0 "help $cmd" -- "$KEYS" help "$cmd"
done

finish "ecert-keys e2e: all passed"
