#!/bin/bash
# e2e: crash safety of `ecert-issuer issue`. A batch of a few hundred records is issued
# and the issuer is killed with SIGKILL at random moments, several times (after each kill,
# every certificate the register calls issued is on disk as registered); then the batch
# is run again to completion. Afterwards: one register row per record, all issued; the
# status indexes 0..n-1 dense and unique; every certificate file's SM3 equals the
# register's doc_hash; no temp file left in the output directory; every QR image there;
# a further run changes nothing. Test keys and people only.
set -u

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/issuer_batch.sh
. "$here/lib/issuer_batch.sh"
N=${ECERT_KILL_RECORDS:-600}
KILLS=${ECERT_KILLS:-10}

work=$(mktemp -d "${TMPDIR:-/tmp}/ecert-e2e-kill.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

OUT=out
batch_setup

# ---- kill -9 at random moments ----
# Odd kills come after a random time (0 to 0.3 s: while keys load, during the first pass,
# the reservations or the first commits); even kills once the register has committed a
# random share of the batch, so that some always land in the middle of signing.
mid=0
restarts=0
for ((k = 1; k <= KILLS; k++)); do
	"$ISSUER" "${ARGS[@]}" >run.out 2>run.err &
	pid=$!
	if ((k % 2)); then
		sleep "0.$((RANDOM % 3))$((RANDOM % 10))"
	else
		target=$(((N * k / (KILLS + 1)) + RANDOM % (N / (KILLS + 1))))
		for ((t = 0; t < 3000; t++)); do
			[ "$(batch_issued)" -ge "$target" ] && break
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.01
		done
	fi
	if kill -9 "$pid" 2>/dev/null; then
		wait "$pid" 2>/dev/null
		s=$(batch_state)
		echo "kill $k: reserved/issued/files = $s"
		read -r res iss files <<<"$s"
		[ "$iss" != none ] && [ "${iss:-0}" -gt 0 ] && [ "${iss:-0}" -lt "$N" ] && mid=$((mid + 1))
		[ "$iss" != none ] && batch_check_consistent --killed
	else
		# A fast machine can finish the whole batch before the kill: start over from an
		# empty output (a few times), so that kills still land mid-batch.
		wait "$pid"
		echo "kill $k: the run had finished (exit $?); starting over"
		restarts=$((restarts + 1))
		[ "$restarts" -le "$KILLS" ] || break
		rm -rf out
		k=$((k - 1))
	fi
done
[ "$mid" -gt 0 ] || fail "no kill landed between the first and the last commit"

# ---- run to completion ----
"$ISSUER" "${ARGS[@]}" >final.out 2>final.err
rc=$?
[ "$rc" -eq 0 ] || { fail "the final run exited $rc"; sed 's/^/    /' final.out final.err >&2; }
batch_check_complete

finish "issuer kill e2e: $N records, $KILLS kills ($mid mid-batch): all checks passed"
