# Shared by the end-to-end scripts (sourced after `set -u`): skipping when something the
# test needs is missing, counting failures, running a program for its exit status,
# looking into its output, and the verdict at the end.
#
#   need_progs PATH...        exit 77 (ctest: skipped) unless each is an executable file
#   need_cmds NAME...         exit 77 unless each command is on PATH
#   fail MESSAGE              count a failure and say it on stderr; the script goes on
#   run WANT DESC -- CMD...   run CMD with stdout in ./out and stderr in ./err; a failure,
#                             showing both, unless it exits with WANT. With E2E_RUN_LOG
#                             set, both are also appended to that file.
#   has FILE PATTERN DESC     a failure, showing FILE, unless grep finds PATTERN in it
#   hasnt FILE PATTERN DESC   a failure if grep finds PATTERN in FILE
#   finish MESSAGE            exit 1 with the count if anything failed, else print
#                             "MESSAGE" and exit 0

failures=0

need_progs() {
	local p
	for p in "$@"; do
		[ -x "$p" ] || { echo "no $p: skipped"; exit 77; }
	done
}

need_cmds() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null || { echo "no $c: skipped"; exit 77; }
	done
}

fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}

run() {
	local want=$1 desc=$2 rc
	shift 3
	"$@" >out 2>err
	rc=$?
	[ -z "${E2E_RUN_LOG:-}" ] || cat out err >>"$E2E_RUN_LOG"
	if [ "$rc" -ne "$want" ]; then
		fail "$desc: exit $rc, want $want"
		sed 's/^/    stdout: /' out >&2
		sed 's/^/    stderr: /' err >&2
	fi
	return 0
}

has() {
	grep -q -- "$2" "$1" || { fail "$3: '$2' not in $1"; sed 's/^/    /' "$1" >&2; }
}

hasnt() {
	if grep -q -- "$2" "$1"; then
		fail "$3: '$2' unexpectedly in $1"
	fi
}

finish() {
	if [ "$failures" -ne 0 ]; then
		echo "$failures failure(s)" >&2
		exit 1
	fi
	echo "$*"
	exit 0
}
