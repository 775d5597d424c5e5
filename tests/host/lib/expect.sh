# SPDX-License-Identifier: GPL-2.0
# Checks of the cohort command line shared by the host tests (cli.sh,
# apply.sh, daemon-client.sh), which source this file.  They set $bin (the
# cohort binary) and $T (a scratch directory) and count in $checks and
# $failures.

fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

# expect RC STDOUT STDERR ARGS...: run cohort, compare all three exactly.
expect() {
	local rc=$1 out=$2 err=$3 got_rc
	shift 3
	checks=$((checks + 1))
	"$bin" "$@" >"$T/out" 2>"$T/err"
	got_rc=$?
	if [ "$got_rc" != "$rc" ]; then
		fail "cohort $*: exit status $got_rc, want $rc"
		sed 's/^/    stderr: /' "$T/err"
		return
	fi
	if [ "$(cat "$T/out"; echo x)" != "$out"$'\n'x ] &&
	   ! { [ -z "$out" ] && [ ! -s "$T/out" ]; }; then
		fail "cohort $*: stdout differs"
		diff <(printf '%s\n' "$out") "$T/out" | sed 's/^/    /'
	fi
	if [ "$(cat "$T/err"; echo x)" != "$err"$'\n'x ] &&
	   ! { [ -z "$err" ] && [ ! -s "$T/err" ]; }; then
		fail "cohort $*: stderr differs"
		diff <(printf '%s\n' "$err") "$T/err" | sed 's/^/    /'
	fi
}

# refuse RC STDERR ARGS...: a refusal, nothing on stdout.
refuse() {
	local rc=$1 err=$2
	shift 2
	expect "$rc" "" "$err" "$@"
}
