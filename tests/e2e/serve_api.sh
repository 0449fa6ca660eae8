#!/usr/bin/env bash
# e2e: `ecert-verifier serve` through real HTTP (curl): verify (QR text, JSON, image,
# multipart), tampered, revoked, holder, claims, limits (413), methods (405), garbage (400),
# media types (415), unknown paths and traversal (404), security headers, reloading of the
# trust and status lists (and keeping the last good one), the access log, clean shutdown.
set -uo pipefail
. "$(dirname "$0")/lib/counter.sh"
counter_need

W=$(mktemp -d)
LOG=$W/server.log
cleanup() {
	counter_stop >/dev/null 2>&1 || true
	rm -rf "$W"
}
trap cleanup EXIT

pass=0
fail=0
ok() {
	pass=$((pass + 1))
	echo "ok - $*"
}
bad() {
	fail=$((fail + 1))
	echo "not ok - $*"
}

# req NAME METHOD PATH [curl args…]: body in $W/NAME.body, headers in $W/NAME.hdr, prints
# the status code.
req() {
	local name=$1 method=$2 path=$3
	shift 3
	curl -sS --path-as-is -X "$method" -o "$W/$name.body" -D "$W/$name.hdr" \
		-w '%{http_code}' "$@" "${COUNTER_URL%/}$path"
}

# expect NAME WANT_STATUS GOT_STATUS [PATTERN…]: each PATTERN (fixed string) must be in the
# body; a PATTERN starting with ! must not.
expect() {
	local name=$1 want=$2 got=$3 p
	shift 3
	if [ "$got" != "$want" ]; then
		bad "$name: status $got, want $want: $(head -c 400 "$W/$name.body")"
		return
	fi
	for p in "$@"; do
		if [ "${p#!}" != "$p" ]; then
			if grep -qF -- "${p#!}" "$W/$name.body"; then
				bad "$name: body has '${p#!}': $(head -c 400 "$W/$name.body")"
				return
			fi
		elif ! grep -qF -- "$p" "$W/$name.body"; then
			bad "$name: body lacks '$p': $(head -c 600 "$W/$name.body")"
			return
		fi
	done
	ok "$name ($got)"
}

header() { # header NAME HEADER-NAME: the value, CR stripped
	grep -i "^$2:" "$W/$1.hdr" | head -n1 | cut -d: -f2- | tr -d '\r' | sed 's/^ //'
}

counter_fixtures "$W" || {
	echo "fixtures could not be made"
	exit 1
}
counter_start "$W" "$LOG" || exit 1
echo "# service at $COUNTER_URL"

# --- health, trust, page, headers --------------------------------------------------
s=$(req health GET /healthz)
expect health 200 "$s" '"status":"ok"' '"statusLists":1' '"stale":false'
csp=$(header health Content-Security-Policy)
case "$csp" in
*"default-src 'self'"*"script-src 'self'"*"frame-ancestors 'none'"*) ok "CSP: $csp" ;;
*) bad "CSP header: '$csp'" ;;
esac
[ "$(header health X-Content-Type-Options)" = nosniff ] && ok "nosniff" || bad "X-Content-Type-Options"
[ "$(header health X-Frame-Options)" = DENY ] && ok "X-Frame-Options DENY" || bad "X-Frame-Options"
[ "$(header health Referrer-Policy)" = no-referrer ] && ok "Referrer-Policy" || bad "Referrer-Policy"
[ "$(header health Cache-Control)" = no-store ] && ok "API Cache-Control no-store" || bad "Cache-Control"
case "$(header health Content-Type)" in application/json*) ok "JSON content type" ;; *) bad "Content-Type" ;; esac

s=$(req trust GET /api/v1/trust)
expect trust 200 "$s" '"version":2' "\"name\":\"$COUNTER_ISSUER_NAME\"" "urn:uscc:$COUNTER_USCC" \
	'"id":"urn:ecert:trustlist:counter-test"'

s=$(req page GET /)
expect page 200 "$s" '电子证书核验' '<script src="/app.js"' '!<script>' '!style="'
case "$(header page Content-Type)" in text/html*) ok "page is text/html" ;; *) bad "page type" ;; esac
[ -n "$(header page Content-Security-Policy)" ] && ok "page has CSP" || bad "page CSP"
s=$(req js GET /app.js)
expect js 200 "$s" 'BarcodeDetector' '有效' '无效'
case "$(header js Content-Type)" in text/javascript*) ok "app.js type" ;; *) bad "app.js type" ;; esac
s=$(req css GET /style.css)
expect css 200 "$s" '@media print'
s=$(req head HEAD /healthz -I)
[ "$s" = 200 ] && ok "HEAD /healthz (200)" || bad "HEAD /healthz: $s"

# --- verify ---------------------------------------------------------------------------
s=$(req valid POST /api/v1/verify -H 'Content-Type: text/plain' --data-binary @"$W/valid.qr")
expect valid 200 "$s" '"valid":true' '{"name":"signature","ok":true' '"name":"王建国"' \
	'!"ok":false' '!"error"'
s=$(req validjson POST /api/v1/verify -H 'Content-Type: application/json' --data-binary @"$W/valid.json")
expect validjson 200 "$s" '"valid":true' '!"ok":false'
s=$(req tampered POST /api/v1/verify -H 'Content-Type: text/plain' --data-binary @"$W/tampered.qr")
expect tampered 200 "$s" '"valid":false' '{"name":"signature","ok":false' '"name":"王建民"'
s=$(req tamperedjson POST /api/v1/verify -H 'Content-Type: application/json' --data-binary @"$W/tampered.json")
expect tamperedjson 200 "$s" '"valid":false' '{"name":"signature","ok":false'
s=$(req revoked POST /api/v1/verify -H 'Content-Type: text/plain' --data-binary @"$W/revoked.qr")
expect revoked 200 "$s" '"valid":false' '{"name":"status","ok":false' '{"name":"signature","ok":true'
s=$(req upload POST /api/v1/verify -F "image=@$W/valid.png;type=image/png")
expect upload 200 "$s" '"valid":true' '!"ok":false'
s=$(req rawpng POST /api/v1/verify -H 'Content-Type: image/png' --data-binary @"$W/valid.png")
expect rawpng 200 "$s" '"valid":true'
s=$(req noimage POST /api/v1/verify -F "picture=@$W/valid.png;type=image/png")
expect noimage 400 "$s" '"code":"no_image"'
s=$(req holder POST /api/v1/verify -H 'Content-Type: text/plain' -H "X-Holder-Id: $COUNTER_ID_NUMBER" \
	--data-binary @"$W/valid.qr")
expect holder 200 "$s" '"valid":true' '{"name":"holder","ok":true'
s=$(req holderform POST /api/v1/verify -F "image=@$W/valid.png;type=image/png" -F "holderId=$COUNTER_ID_NUMBER")
expect holderform 200 "$s" '"valid":true' '{"name":"holder","ok":true'
s=$(req notholder POST /api/v1/verify -H 'Content-Type: text/plain' -H 'X-Holder-Id: 11010519491231002X' \
	--data-binary @"$W/valid.qr")
expect notholder 200 "$s" '"valid":false' '{"name":"holder","ok":false'
s=$(req badholder POST /api/v1/verify -H 'Content-Type: text/plain' -H 'X-Holder-Id: 12345' \
	--data-binary @"$W/valid.qr")
expect badholder 400 "$s" '"code":"bad_holder_id"'

# --- garbage, media types, limits, methods, paths --------------------------------------
{ printf 'X'; head -c 3000 /dev/urandom; } >"$W/garbage.bin"
s=$(req garbage POST /api/v1/verify -H 'Content-Type: text/plain' --data-binary @"$W/garbage.bin")
expect garbage 400 "$s" '"error":{"code":' '"valid":false' '{"name":"decode","ok":false'
s=$(req badjson POST /api/v1/verify -H 'Content-Type: application/json' --data-binary '{"a":1,"a":2}')
expect badjson 400 "$s" '"error":{"code":"json_dupkey"'
s=$(req cutjson POST /api/v1/verify -H 'Content-Type: application/json' --data-binary '{"type":')
expect cutjson 400 "$s" '"error":{"code":"json_syntax"'
s=$(req notcert POST /api/v1/verify -H 'Content-Type: application/json' --data-binary '{"a":1}')
expect notcert 200 "$s" '"valid":false' '{"name":"schema","ok":false' '!"error":{'
s=$(req badqr POST /api/v1/verify -H 'Content-Type: text/plain' --data-binary 'EC1:%%%%')
expect badqr 400 "$s" '"error":{"code":'
s=$(req badimage POST /api/v1/verify -H 'Content-Type: image/png' --data-binary @"$W/garbage.bin")
expect badimage 400 "$s" '"error":{"code":"qr_image"'
s=$(req badmultipart POST /api/v1/verify -H 'Content-Type: multipart/form-data; boundary=xyz' \
	--data-binary 'this is not multipart')
case "$s" in 400) ok "malformed multipart (400)" ;; *) bad "malformed multipart: $s $(cat "$W/badmultipart.body")" ;; esac
s=$(req empty POST /api/v1/verify -H 'Content-Type: text/plain' --data-binary '')
expect empty 400 "$s" '"code":"empty_body"'
s=$(req form POST /api/v1/verify --data 'a=b')
expect form 415 "$s" '"code":"unsupported_media_type"'
s=$(req notype POST /api/v1/verify -H 'Content-Type:' --data-binary @"$W/valid.qr")
expect notype 415 "$s" '"code":"unsupported_media_type"'
head -c $((2 * 1024 * 1024)) /dev/zero | tr '\0' 'A' >"$W/big.txt"
s=$(req big POST /api/v1/verify -H 'Content-Type: text/plain' --data-binary @"$W/big.txt")
expect big 413 "$s" '"code":"payload_too_large"'
# chunked (no Content-Length): refused while receiving — 413 after reading a little past
# the bound, and a body far past it is cut off by closing the connection
head -c $((200 * 1024)) "$W/big.txt" >"$W/mid.txt"
s=$(req bigchunked POST /api/v1/verify -H 'Content-Type: text/plain' -H 'Transfer-Encoding: chunked' \
	--data-binary @"$W/mid.txt")
expect bigchunked 413 "$s" '"code":"payload_too_large"'
head -c $((8 * 1024 * 1024)) /dev/zero | tr '\0' 'A' >"$W/huge.txt"
s=$(req hugechunked POST /api/v1/verify -H 'Content-Type: text/plain' -H 'Transfer-Encoding: chunked' \
	--data-binary @"$W/huge.txt" 2>/dev/null)
case "$s" in 413 | 000 | 100) ok "huge chunked body refused ($s)" ;; *) bad "huge chunked body: $s" ;; esac
s=$(req afterhuge GET /healthz)
expect afterhuge 200 "$s" '"status":"ok"'
s=$(req getverify GET /api/v1/verify)
expect getverify 405 "$s" '"code":"method_not_allowed"'
[ "$(header getverify Allow)" = POST ] && ok "Allow: POST" || bad "Allow header: $(header getverify Allow)"
s=$(req posthealth POST /healthz -H 'Content-Type: text/plain' --data-binary x)
expect posthealth 405 "$s" '"code":"method_not_allowed"'
[ "$(header posthealth Allow)" = "GET, HEAD" ] && ok "Allow: GET, HEAD" || bad "Allow: $(header posthealth Allow)"
s=$(req options OPTIONS /api/v1/verify -H 'Origin: http://evil.example' \
	-H 'Access-Control-Request-Method: POST')
expect options 405 "$s" '"code":"method_not_allowed"'
if grep -qi '^access-control-' "$W/options.hdr" "$W/valid.hdr" "$W/health.hdr"; then
	bad "CORS headers present"
else
	ok "no CORS headers"
fi
s=$(req cors POST /api/v1/verify -H 'Origin: http://evil.example' -H 'Content-Type: text/plain' \
	--data-binary @"$W/valid.qr")
if grep -qi '^access-control-' "$W/cors.hdr"; then bad "CORS answer to a foreign origin"; else ok "no CORS for a foreign origin"; fi
s=$(req unknown GET /api/v1/nothing)
expect unknown 404 "$s" '"code":"not_found"'
for p in '/../../../../etc/passwd' '/%2e%2e/%2e%2e/etc/passwd' '/app.js/../../etc/passwd' \
	'/..%2f..%2fetc%2fpasswd' '//etc/passwd' '/index.html' '/web/app.js'; do
	s=$(req trav GET "$p")
	if [ "$s" = 404 ] && ! grep -q 'root:' "$W/trav.body"; then
		ok "no traversal: $p (404)"
	else
		bad "path $p: $s $(head -c 200 "$W/trav.body")"
	fi
done
s=$(curl -sS -o "$W/hdrbig.body" -w '%{http_code}' -H "X-Big: $(head -c 100000 /dev/zero | tr '\0' 'a')" \
	"${COUNTER_URL%/}/healthz")
case "$s" in 413 | 431 | 400) ok "oversized header refused ($s)" ;; *) bad "oversized header: $s" ;; esac

# --- claims ---------------------------------------------------------------------------
s=$(req claimok POST /api/v1/claims -H 'Content-Type: application/json' --data-binary @"$W/claim-eligible.json")
expect claimok 200 "$s" '"verdict":"eligible"' '"findings":[' '"evidenceChecks":[' '"rule":"s2t-years"'
s=$(req claimno POST /api/v1/claims -H 'Content-Type: application/json' --data-binary @"$W/claim-not-eligible.json")
expect claimno 200 "$s" '"verdict":"not_eligible"' '"rule":"s2t-years"'
s=$(req claimreview POST /api/v1/claims -H 'Content-Type: application/json' --data-binary @"$W/claim-review.json")
expect claimreview 200 "$s" '"verdict":"needs_review"'
s=$(req claimschema POST /api/v1/claims -H 'Content-Type: application/json' --data-binary '{"type":"CrossTrackClaim"}')
expect claimschema 400 "$s" '"error":{"code":'
s=$(req claimbad POST /api/v1/claims -H 'Content-Type: application/json' --data-binary '{"type":')
expect claimbad 400 "$s" '"error":{"code":"json_syntax"'
s=$(req claimarray POST /api/v1/claims -H 'Content-Type: application/json' --data-binary '[1,2]')
expect claimarray 400 "$s" '"error":{"code":'
s=$(req claimimg POST /api/v1/claims -H 'Content-Type: image/png' --data-binary @"$W/valid.png")
expect claimimg 415 "$s" '"code":"unsupported_media_type"'
s=$(req claimget GET /api/v1/claims)
expect claimget 405 "$s" '"code":"method_not_allowed"'

# --- reloading ----------------------------------------------------------------------
# wait_for NAME PATH PATTERN: poll (up to 10 s) until the body of GET PATH has PATTERN.
wait_for() {
	local i
	for i in $(seq 1 50); do
		req "$1" GET "$2" >/dev/null
		grep -qF -- "$3" "$W/$1.body" && return 0
		sleep 0.2
	done
	return 1
}
cp "$W/trust.json" "$W/trust-v2.json"
ECERT_PASSPHRASE=test-only-passphrase "$ECERT_BIN/ecert-keys" trust add "$W/trust.json" \
	--root "$W/root.key" --pub "$W/other.pub" --issuer-id 91220101MA00000000 \
	--issuer-name 长春市职业技能等级评价中心 --kinds skill >/dev/null 2>"$W/add.err" ||
	{ cat "$W/add.err"; bad "could not add a second issuer"; }
if wait_for reload1 /api/v1/trust '"version":3'; then
	ok "trust list reloaded without restart (version 3)"
else
	bad "trust list not reloaded: $(cat "$W/reload1.body")"
fi
grep -qF '长春市职业技能等级评价中心' "$W/reload1.body" && ok "new issuer listed" || bad "new issuer missing"
# a bad new file keeps the last good list, with a warning
cp "$W/trust.json" "$W/trust-v3.json"
printf '{"not": "a trust list"' >"$W/trust.json.tmp" && mv "$W/trust.json.tmp" "$W/trust.json"
if wait_for stale /healthz '"stale":true'; then ok "bad trust list: stale reported"; else bad "bad trust list not noticed"; fi
grep -qF '"trustListVersion":3' "$W/stale.body" && ok "still serving version 3" || bad "lost the last good list: $(cat "$W/stale.body")"
s=$(req stillvalid POST /api/v1/verify -H 'Content-Type: text/plain' --data-binary @"$W/valid.qr")
expect stillvalid 200 "$s" '"valid":true'
grep -q 'warning: reload failed' "$LOG" && ok "warning logged" || bad "no warning in the log"
# a list edited after signing is refused too
sed 's/"version":3/"version":4/' "$W/trust-v3.json" >"$W/trust.json.tmp" && mv "$W/trust.json.tmp" "$W/trust.json"
sleep 1.5
s=$(req edited GET /api/v1/trust)
expect edited 200 "$s" '"version":3'
cp "$W/trust-v3.json" "$W/trust.json.tmp" && mv "$W/trust.json.tmp" "$W/trust.json"
if wait_for unstale /healthz '"stale":false'; then ok "good list again: not stale"; else bad "still stale"; fi
# revoking the valid certificate: ecert-issuer revoke + status-list
counter_revoke "$W" S000022000001202000001 || bad "could not revoke and republish"
hit=0
for i in $(seq 1 50); do
	s=$(req nowrevoked POST /api/v1/verify -H 'Content-Type: text/plain' --data-binary @"$W/valid.qr")
	grep -qF '{"name":"status","ok":false' "$W/nowrevoked.body" && { hit=1; break; }
	sleep 0.2
done
[ $hit = 1 ] && ok "status list reloaded: the certificate is now revoked" || bad "status list not reloaded"
# a broken status list keeps the previous one
printf 'garbage' >"$W/status/broken.json"
sleep 1.5
s=$(req keepstatus POST /api/v1/verify -H 'Content-Type: text/plain' --data-binary @"$W/revoked.qr")
expect keepstatus 200 "$s" '"valid":false' '{"name":"status","ok":false'
rm -f "$W/status/broken.json"

# --- concurrency: 64 requests at once ----------------------------------------------
pids=()
for i in $(seq 1 64); do
	curl -sS -o "$W/par$i.body" -H 'Content-Type: text/plain' --data-binary @"$W/revoked.qr" \
		"${COUNTER_URL%/}/api/v1/verify" &
	pids+=($!)
done
wait "${pids[@]}"
n=0
for i in $(seq 1 64); do grep -qF '"valid":false' "$W/par$i.body" && n=$((n + 1)); done
[ $n = 64 ] && ok "64 parallel verifications" || bad "parallel: $n of 64 answered"

# --- the service is still alive, its log holds no personal data, it stops cleanly ---------
s=$(req alive GET /healthz)
expect alive 200 "$s" '"status":"ok"'
grep -qE '^[0-9T:-]+Z POST /api/v1/verify 200 [0-9]+ [0-9]+us$' "$LOG" && ok "access log lines" ||
	bad "access log format: $(grep -m3 'POST' "$LOG")"
if grep -qF "$COUNTER_ID_NUMBER" "$LOG" || grep -qF 'EC1:' "$LOG" || grep -qF '王建国' "$LOG"; then
	bad "the log holds an ID number, a QR text or a name"
else
	ok "no ID number, QR text or name in the log"
fi
grep -qF 'GET /api/v#/nothing 404' "$LOG" && ok "unknown paths logged with digits masked" ||
	bad "unknown path log line: $(grep -m1 '404' "$LOG")"
if counter_stop; then ok "clean shutdown on SIGTERM"; else bad "exit status on SIGTERM"; fi

echo "$pass passed, $fail failed"
[ $fail = 0 ]
