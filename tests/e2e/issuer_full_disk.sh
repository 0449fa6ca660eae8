#!/bin/bash
# e2e: `ecert-issuer issue` when the disk fills up (issue 7). Two ways to run out of room:
#   1. a small tmpfs (2 MB) as the output directory, so that a batch of N certificates with
#      PNG and SVG fills it part way; mounted in a private user+mount namespace
#      (unshare -rm), or directly when run as root without one; skipped if neither works;
#   2. a file-size limit (ulimit -f, RLIMIT_FSIZE): the register's write-ahead log cannot
#      grow, the writes fail with EFBIG (the issuer ignores SIGXFSZ).
# Each time: the run fails with exit 1 and says why; what the register calls issued is on
# disk byte for byte, no temp file is left; then, with room again, the same command
# completes the batch: N certificates, dense status indexes, files = register, QR images
# carry the files, and a further run changes nothing. Test keys and people only.
set -u

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/issuer_batch.sh
. "$here/lib/issuer_batch.sh"
N=${ECERT_FULL_DISK_RECORDS:-200}

# after_failure RUN-NAME RC: the run that ran out of room failed cleanly, part way
after_failure() {
	local name=$1 rc=$2 iss
	[ "$rc" -eq 1 ] || fail "$name: exit $rc, want 1"
	grep -Eq 'No space left|disk is full|disk I/O error|File too large' run.err ||
		{ fail "$name: no reason given"; sed 's/^/    /' run.err >&2; }
	grep -q '有失败' run.out || fail "$name: the summary does not say the batch failed"
	iss=$(batch_issued)
	echo "$name: exit $rc, $iss of $N issued: $(head -n 1 run.err)"
	batch_check_consistent
}

# complete RUN-NAME: with room again, the same command finishes the batch
complete() {
	"$ISSUER" "${ARGS[@]}" >final.out 2>final.err
	local rc=$?
	[ "$rc" -eq 0 ] || { fail "$1: the rerun exited $rc"; sed 's/^/    /' final.out final.err >&2; }
	echo "$1: rerun: $(cat final.out)"
	batch_check_complete
}

# ---- 1. a small tmpfs (runs inside the namespace: this script with --tmpfs DIR) ----
if [ "${1:-}" = --tmpfs ]; then
	cd "$2" || exit 1
	mkdir -p disk
	mount -t tmpfs -o size=2m,mode=0755 ecert-test disk || exit 77
	OUT=disk/out
	batch_setup
	"$ISSUER" "${ARGS[@]}" >run.out 2>run.err
	rc=$?
	after_failure tmpfs "$rc"
	iss=$(batch_issued)
	[ "$iss" -gt 0 ] && [ "$iss" -lt "$N" ] || fail "tmpfs: $iss issued: the disk did not fill part way"
	mount -o remount,size=64m disk || fail "cannot enlarge the tmpfs"
	complete tmpfs
	umount disk 2>/dev/null
	exit $((failures > 0))
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/ecert-e2e-full-disk.XXXXXX") || exit 1
trap 'umount "$work/tmpfs/disk" 2>/dev/null; rm -rf "$work"' EXIT
mkdir -p "$work/tmpfs" "$work/fsize"

if unshare -rm true 2>/dev/null; then
	unshare -rm bash "$0" --tmpfs "$work/tmpfs"
	rc=$?
elif [ "$(id -u)" -eq 0 ]; then
	bash "$0" --tmpfs "$work/tmpfs"
	rc=$?
else
	rc=77
fi
case $rc in
0) ;;
77) echo "tmpfs: skipped (no user namespace and not root: cannot mount a small tmpfs)" ;;
*) fail "the tmpfs part failed" ;;
esac

# ---- 2. a file-size limit ----
cd "$work/fsize" || exit 1
OUT=out
batch_setup
(ulimit -f 64 && exec "$ISSUER" "${ARGS[@]}") >run.out 2>run.err
rc=$?
after_failure fsize "$rc"
[ "$(batch_issued)" -lt "$N" ] || fail "fsize: the limit did not stop the batch"
complete fsize

finish "issuer full-disk e2e: $N records; tmpfs and file-size limit: failed cleanly, rerun completed"
