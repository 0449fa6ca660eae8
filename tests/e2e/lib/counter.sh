# Shared by tests/e2e/serve_api.sh, tests/e2e/browser.sh and bench/serve-wrk.sh (sourced,
# not run): builds a throw-away province root, an issuer key, a trust list, signed
# certificates, a status list and claims with the real programs, and starts/stops
# `ecert-verifier serve` on a free loopback port.
#
# Needs: ECERT_BIN (ecert-keys, ecert-verifier), ECERT_TESTKIT (TEST-ONLY signer of
# certificate fixtures until ecert-issuer can issue them), ECERT_SRC.

COUNTER_USCC=52220000MJ09277315
COUNTER_ISSUER_NAME=吉林省汽车工业职业技能等级认定中心
COUNTER_ID_NUMBER=220102198503121230
COUNTER_PID=
COUNTER_URL=

counter_skip() {
	echo "SKIP: $*"
	exit 77
}

# counter_need: skip (77) unless the programs this needs exist.
counter_need() {
	local p
	for p in ecert-verifier ecert-keys; do
		[ -x "$ECERT_BIN/$p" ] || counter_skip "$p is not built yet"
	done
	[ -x "${ECERT_TESTKIT:-}" ] || counter_skip "ecert-testkit is not built"
	"$ECERT_BIN/ecert-keys" trust --help >/dev/null 2>&1 ||
		counter_skip "ecert-keys has no 'trust' command yet"
	"$ECERT_BIN/ecert-verifier" serve --help >/dev/null 2>&1 ||
		counter_skip "ecert-verifier has no 'serve' command yet"
	command -v curl >/dev/null || counter_skip "curl is not installed"
}

# counter_fixtures DIR: keys, trust list, certificates, QR texts and image, status list,
# claims. Everything is test-only and made fresh.
counter_fixtures() {
	local d=$1 kit=$ECERT_TESTKIT keys=$ECERT_BIN/ecert-keys
	local tpl=$ECERT_SRC/tests/data/serve/skill-template.json
	export ECERT_PASSPHRASE=test-only-passphrase
	mkdir -p "$d/status"
	"$keys" gen --out "$d/root" >/dev/null
	"$keys" gen --out "$d/issuer" >/dev/null
	"$keys" gen --out "$d/other" >/dev/null
	"$keys" trust new --root "$d/root.key" --out "$d/trust.json" --name counter-test >/dev/null
	"$keys" trust add "$d/trust.json" --root "$d/root.key" --pub "$d/issuer.pub" \
		--issuer-id "$COUNTER_USCC" --issuer-name "$COUNTER_ISSUER_NAME" \
		--kinds skill --occupations 6-18 --valid-from 2019-01-01 >/dev/null
	# valid: status index 1; revoked: index 2 (set in the status list)
	"$kit" sign "$d/issuer.key" "urn:uscc:$COUNTER_USCC" --id-number "$COUNTER_ID_NUMBER" \
		--status-index 1 <"$tpl" >"$d/valid.json"
	"$kit" set id urn:ecert:S000022000001202000002 <"$tpl" |
		"$kit" sign "$d/issuer.key" "urn:uscc:$COUNTER_USCC" \
			--id-number "$COUNTER_ID_NUMBER" --status-index 2 >"$d/revoked.json"
	"$kit" status "$d/issuer.key" "urn:uscc:$COUNTER_USCC" "$COUNTER_ISSUER_NAME" 2 \
		>"$d/status/issuer.json"
	# tampered: the holder's name changed after signing, proof kept
	"$kit" set credentialSubject.name 王建民 <"$d/valid.json" >"$d/tampered.json"
	"$kit" qr <"$d/valid.json" >"$d/valid.qr"
	"$kit" qr <"$d/revoked.json" >"$d/revoked.qr"
	"$kit" qr <"$d/tampered.json" >"$d/tampered.qr"
	"$kit" png "$d/valid.png" <"$d/valid.qr"
	# claims (docs/claims.md's worked example): eligible on 2023-07-01, one day short on
	# 2023-06-14, and 正高级 through a declared-only award (needs review)
	local ev
	ev=$(cat "$d/valid.json")
	cat >"$d/claim-eligible.json" <<-EOF
	{"type":"CrossTrackClaim","direction":"skill-to-title","asOf":"2023-07-01",
	 "applicant":{"name":"王建国","idNumber":"$COUNTER_ID_NUMBER"},
	 "target":{"series":"工程","specialty":"机械工程","level":"中级"},
	 "evidence":[$ev],
	 "declarations":{"annualReviewsPassed":3,"unitRecommended":true,"frontLine":true}}
	EOF
	cat >"$d/claim-not-eligible.json" <<-EOF
	{"type":"CrossTrackClaim","direction":"skill-to-title","asOf":"2023-06-14",
	 "applicant":{"name":"王建国","idNumber":"$COUNTER_ID_NUMBER"},
	 "target":{"series":"工程","specialty":"机械工程","level":"中级"},
	 "evidence":[$ev],
	 "declarations":{"annualReviewsPassed":3,"unitRecommended":true,"frontLine":true}}
	EOF
	cat >"$d/claim-review.json" <<-EOF
	{"type":"CrossTrackClaim","direction":"skill-to-title","asOf":"2023-07-01",
	 "applicant":{"name":"王建国","idNumber":"$COUNTER_ID_NUMBER"},
	 "target":{"series":"工程","specialty":"机械工程","level":"正高级"},
	 "evidence":[$ev],
	 "declarations":{"annualReviewsPassed":3,"unitRecommended":true,"frontLine":true,
	                 "awards":["全国技术能手"]}}
	EOF
}

# counter_start DIR LOG [serve options…]: start the service on a free loopback port (port
# 0, read back from its start-up line); sets COUNTER_PID and COUNTER_URL.
counter_start() {
	local d=$1 log=$2 i
	shift 2
	"$ECERT_BIN/ecert-verifier" serve --listen 127.0.0.1:0 --root "$d/root.pub" \
		--trust "$d/trust.json" --status-dir "$d/status" "$@" 2>"$log" &
	COUNTER_PID=$!
	for i in $(seq 1 100); do
		COUNTER_URL=$(sed -n 's|^ecert-verifier: serving \(http://[^ ]*/\).*|\1|p' "$log" | head -n1)
		[ -n "$COUNTER_URL" ] && return 0
		kill -0 "$COUNTER_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "the service did not start:" >&2
	cat "$log" >&2
	return 1
}

# counter_stop: SIGTERM, and the exit status of the service (0 = clean shutdown).
counter_stop() {
	local rc=0
	[ -n "$COUNTER_PID" ] || return 0
	kill -TERM "$COUNTER_PID" 2>/dev/null || true
	wait "$COUNTER_PID" || rc=$?
	COUNTER_PID=
	return $rc
}
