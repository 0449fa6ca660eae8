# Shared by tests/e2e/serve_api.sh, tests/e2e/browser.sh and bench/serve-wrk.sh (sourced,
# not run): builds a throw-away province root, an issuer key and a trust list
# (ecert-keys), issues certificates with their QR codes, revokes one and publishes the
# status list (ecert-issuer), writes claims, and starts/stops `ecert-verifier serve` on a
# free loopback port.
#
# Needs: ECERT_BIN (ecert-keys, ecert-issuer, ecert-verifier), ECERT_TOOLS (the test-only
# helper `testkit`, which re-encodes an edited certificate as a QR text for the tampered
# case), ECERT_SRC.

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
	for p in ecert-verifier ecert-keys ecert-issuer; do
		[ -x "$ECERT_BIN/$p" ] || counter_skip "$p is not built yet"
	done
	ECERT_TESTKIT=${ECERT_TESTKIT:-${ECERT_TOOLS:-}/testkit}
	[ -x "$ECERT_TESTKIT" ] || counter_skip "the test helper testkit is not built"
	"$ECERT_BIN/ecert-keys" trust --help >/dev/null 2>&1 ||
		counter_skip "ecert-keys has no 'trust' command yet"
	"$ECERT_BIN/ecert-verifier" serve --help >/dev/null 2>&1 ||
		counter_skip "ecert-verifier has no 'serve' command yet"
	command -v curl >/dev/null || counter_skip "curl is not installed"
}

# counter_fixtures DIR: keys, trust list, certificates (JSON, QR text, PNG), status list,
# claims. Everything is test-only and made fresh.
counter_fixtures() {
	local d=$1 keys=$ECERT_BIN/ecert-keys issuer=$ECERT_BIN/ecert-issuer kit=$ECERT_TESTKIT
	local n1=S000022000001202000001 n2=S000022000001202000002
	export ECERT_PASSPHRASE=test-only-passphrase
	mkdir -p "$d/status" "$d/certs"
	"$keys" gen --out "$d/root" >/dev/null
	"$keys" gen --out "$d/issuer" >/dev/null
	"$keys" gen --out "$d/other" >/dev/null
	"$keys" trust new --root "$d/root.key" --out "$d/trust.json" --name counter-test >/dev/null
	"$keys" trust add "$d/trust.json" --root "$d/root.key" --pub "$d/issuer.pub" \
		--issuer-id "$COUNTER_USCC" --issuer-name "$COUNTER_ISSUER_NAME" \
		--kinds skill --occupations 6-18 --valid-from 2019-01-01 >/dev/null
	# 王建国, 车工 技师（二级）since 2020-06-15 (docs/claims.md's worked example), twice
	cat >"$d/records.ndjson" <<-EOF
	{"kind":"skill","certificateNumber":"$n1","name":"王建国","idNumber":"$COUNTER_ID_NUMBER","occupationCode":"6-18-01-01","occupation":"车工","level":"二级","levelName":"技师","certifiedOn":"2020-06-15","certificateKind":"职业技能等级证书","validFrom":"2020-06-15T00:00:00+08:00"}
	{"kind":"skill","certificateNumber":"$n2","name":"王建国","idNumber":"$COUNTER_ID_NUMBER","occupationCode":"6-18-01-01","occupation":"车工","level":"二级","levelName":"技师","certifiedOn":"2020-06-15","certificateKind":"职业技能等级证书","validFrom":"2020-06-15T00:00:00+08:00"}
	EOF
	"$issuer" issue --key "$d/issuer.key" --trust "$d/trust.json" --root "$d/root.pub" \
		--in "$d/records.ndjson" --out "$d/certs" --qr png --register "$d/register.db" \
		--quiet >/dev/null || return 1
	"$issuer" revoke "$n2" --reason 测试撤销 --register "$d/register.db" >/dev/null || return 1
	"$issuer" status-list --key "$d/issuer.key" --trust "$d/trust.json" \
		--register "$d/register.db" --out "$d/status/issuer.json" >/dev/null || return 1
	cp "$d/certs/$n1.json" "$d/valid.json"
	cp "$d/certs/$n1.png" "$d/valid.png"
	cp "$d/certs/$n2.json" "$d/revoked.json"
	# tampered: the holder's name changed after signing, proof kept
	"$kit" set credentialSubject.name 王建民 <"$d/valid.json" >"$d/tampered.json"
	"$kit" qr <"$d/valid.json" >"$d/valid.qr"
	"$kit" qr <"$d/revoked.json" >"$d/revoked.qr"
	"$kit" qr <"$d/tampered.json" >"$d/tampered.qr"
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

# counter_revoke DIR NUMBER: revoke one more certificate and republish the status list
# (atomically, as the issuer writes it).
counter_revoke() {
	"$ECERT_BIN/ecert-issuer" revoke "$2" --reason 测试撤销 --register "$1/register.db" \
		>/dev/null &&
		"$ECERT_BIN/ecert-issuer" status-list --key "$1/issuer.key" --trust "$1/trust.json" \
			--register "$1/register.db" --out "$1/status/issuer.json" >/dev/null
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
