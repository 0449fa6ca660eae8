#!/usr/bin/env bash
# e2e: the counter page in a real browser — Debian's chromium driven by playwright-core
# (tests/browser/counter.spec.mjs): paste a valid QR text (有效), a tampered one (无效 with the
# failed check), upload a QR image, submit a claim, switch to English, print layout.
# Screenshots go to $ECERT_ARTIFACTS (build/test-artifacts/).
#
# Needs: chromium (apt-get install chromium), node >= 20 and npm; playwright-core is
# installed into tests/browser/node_modules on the first run (npm ci). Skipped (77), with
# the reason, only where Chromium or Node.js is missing.
set -uo pipefail
. "$(dirname "$0")/lib/counter.sh"

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
[ -x "$CHROMIUM" ] || counter_skip "Chromium is not installed ($CHROMIUM; Debian: apt-get install chromium)"
command -v node >/dev/null || counter_skip "Node.js is not installed"
command -v npm >/dev/null || counter_skip "npm is not installed"
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' ||
	counter_skip "Node.js $(node --version) is older than playwright-core needs (20)"
counter_need

BROWSER_DIR=$ECERT_SRC/tests/browser
if [ ! -f "$BROWSER_DIR/node_modules/playwright-core/package.json" ]; then
	echo "# installing playwright-core into $BROWSER_DIR/node_modules (npm ci)"
	(cd "$BROWSER_DIR" && npm ci --no-audit --no-fund --loglevel=error) || {
		echo "npm ci failed in $BROWSER_DIR"
		exit 1
	}
fi

ARTIFACTS=${ECERT_ARTIFACTS:-$PWD/test-artifacts}
mkdir -p "$ARTIFACTS"
W=$(mktemp -d)
LOG=$W/server.log
cleanup() {
	counter_stop >/dev/null 2>&1 || true
	cp "$LOG" "$ARTIFACTS/browser-server.log" 2>/dev/null || true
	rm -rf "$W"
}
trap cleanup EXIT

counter_fixtures "$W" || {
	echo "fixtures could not be made"
	exit 1
}
counter_start "$W" "$LOG" || exit 1
echo "# service at $COUNTER_URL, screenshots in $ARTIFACTS"

COUNTER_URL=$COUNTER_URL FIXTURES=$W ARTIFACTS=$ARTIFACTS CHROMIUM=$CHROMIUM \
	timeout 300 node "$BROWSER_DIR/counter.spec.mjs"
rc=$?
counter_stop || {
	echo "not ok - the service did not stop cleanly"
	rc=1
}
exit $rc
