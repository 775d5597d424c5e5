#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Run Cohort's tests, one line per test, and a last line
# "N passed, N failed[, N skipped]".  Exit status 1 if anything failed.
#
#   scripts/check.sh [options] [UNIT_TEST_BINARY...]
#
#   --unit-only       only the cmocka unit test binaries given
#   --host-dir DIR    host-side scripts (default tests/host): exit 0 pass,
#                     77 skip, anything else fail
#   --vm-dir DIR      VM scenarios (default tests/vm), each run in its own
#                     guest by scripts/cohort-vm; a header line
#                     "# vm: OPTIONS" adds cohort-vm options and
#                     "# timeout: SEC" bounds it (default 300)
#   CHECK_FILTER=GLOB only tests whose name matches GLOB
#   COHORT_VM_SLOW=N  multiply every VM scenario's timeout by N (debug kernel)
#   CHECK_SERIAL=1    host tests first and alone, not beside the VM scenarios
#
# Logs of every test go to build/test-logs/; a failing test's tail is shown.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
host_dir=$top/tests/host
vm_dir=$top/tests/vm
unit_only=0
units=()
while [ $# -gt 0 ]; do
	case "$1" in
	--unit-only) unit_only=1; shift ;;
	--host-dir) host_dir=$2; shift 2 ;;
	--vm-dir) vm_dir=$2; shift 2 ;;
	-*) echo "check: unknown option $1" >&2; exit 2 ;;
	*) units+=("$1"); shift ;;
	esac
done

logs=$top/build/test-logs
mkdir -p "$logs"
pass=0 fail=0 skip=0
failed=()
filter=${CHECK_FILTER:-*}

result() { # PASS|FAIL|SKIP name seconds [log]
	case $1 in
	PASS) pass=$((pass + 1)) ;;
	SKIP) skip=$((skip + 1)) ;;
	FAIL) fail=$((fail + 1)); failed+=("$2")
	      if [ -n "${4:-}" ] && [ -f "$4" ]; then
		      # What failed first: the tail alone often shows only the
		      # clean-up that followed.
		      echo "---- failed checks of $2:"
		      grep -a 'FAIL' "$4" | head -n 15 | sed 's/^/  | /'
		      echo "---- last lines of $2 (${4#"$top"/}):"
		      tail -n 30 "$4" | sed 's/^/  | /'
	      fi ;;
	esac
	printf '%s %s (%ss)\n' "$1" "$2" "$3"
}

want() { case "$1" in $filter) return 0 ;; esac; return 1; }

# Unit tests: cmocka binaries speaking TAP, one line per test case.
for bin in "${units[@]}"; do
	name=unit/$(basename "$bin")
	log=$logs/$(basename "$bin").log
	start=$SECONDS
	CMOCKA_MESSAGE_OUTPUT=TAP "$bin" >"$log" 2>&1
	rc=$?
	t=$((SECONDS - start))
	seen=0
	while IFS= read -r line; do
		case "$line" in
		"not ok "*)
			seen=1; n=${line#not ok }; n=${n#* - }
			want "$name/$n" && result FAIL "$name/$n" "$t" "$log" ;;
		"ok "*"# SKIP"*|"ok "*"# skip"*)
			seen=1; n=${line#ok }; n=${n#* - }; n=${n%% #*}
			want "$name/$n" && result SKIP "$name/$n" "$t" ;;
		"ok "*)
			seen=1; n=${line#ok }; n=${n#* - }
			want "$name/$n" && result PASS "$name/$n" "$t" ;;
		esac
	done <"$log"
	if [ $seen = 0 ] || { [ $rc != 0 ] && ! grep -q '^not ok ' "$log"; }; then
		# Crashed, or died without reporting a failing case.
		want "$name" && result FAIL "$name (exit status $rc)" "$t" "$log"
	fi
done

# run_host: the host-side scripts, one line "RC SECONDS NAME" each into
# $results_file (this run's own: a test may run check.sh itself), and
# "done" once all ran.
results_file=$logs/.host-results.$$
run_host() {
	local t name log start rc
	: >"$results_file"
	for t in "$host_dir"/*.sh; do
		[ -e "$t" ] || continue
		name=host/$(basename "$t" .sh)
		want "$name" || continue
		log=$logs/host-$(basename "$t" .sh).log
		start=$SECONDS
		(cd "$top" && timeout --kill-after=10 1800 bash "$t") </dev/null >"$log" 2>&1
		rc=$?
		echo "$rc $((SECONDS - start)) $name" >>"$results_file"
	done
	echo done >>"$results_file"
}
# host_results: report what run_host recorded.
host_results() {
	local rc t name
	grep -qx done "$results_file" 2>/dev/null ||
		result FAIL "host tests (their results were lost)" 0
	while read -r rc t name; do
		[ "$rc" = done ] && continue
		log=$logs/${name/\//-}.log
		case $rc in
		0) result PASS "$name" "$t" ;;
		77) result SKIP "$name" "$t" ;;
		*) result FAIL "$name (exit status $rc)" "$t" "$log" ;;
		esac
	done <"$results_file"
	rm -f "$results_file"
}

if [ $unit_only = 0 ]; then
	# The host tests use the CPU a VM scenario leaves idle (a TCG guest
	# keeps about one of two cores busy): they run beside the scenarios,
	# at the lowest priority so that the scenarios' own timing (a
	# takeover against a boot, heartbeats) is not theirs to disturb, and
	# are reported after them.  CHECK_SERIAL=1 runs them first, alone.
	host_pid=
	if [ "${CHECK_SERIAL:-0}" = 1 ]; then
		run_host
		host_results
	else
		# In a process group of its own, so that an interrupted run
		# takes its tests down with it.
		set -m
		{ renice -n 19 -p "$BASHPID" >/dev/null; run_host; } &
		host_pid=$!
		set +m
		trap 'kill -- -$host_pid 2>/dev/null' EXIT
		trap 'exit 130' INT TERM
	fi

	# The scenarios' shared helpers, fresh even without a new initramfs.
	vm_lib=()
	[ -d "$vm_dir/lib" ] && vm_lib=(--add "$vm_dir/lib:/tests/vm/lib")
	for t in "$vm_dir"/*.sh; do
		[ -e "$t" ] || continue
		name=vm/$(basename "$t" .sh)
		want "$name" || continue
		log=$logs/vm-$(basename "$t" .sh).log
		opts=$(sed -n 's/^# vm: //p' "$t" | head -n 1)
		tmo=$(sed -n 's/^# timeout: \([0-9]*\).*/\1/p' "$t" | head -n 1)
		start=$SECONDS
		# shellcheck disable=SC2086
		"$top/scripts/cohort-vm" $opts --timeout $((${tmo:-300} * ${COHORT_VM_SLOW:-1})) \
			"${vm_lib[@]}" \
			--add "$t:/cohort/scenario.sh" -- sh /cohort/scenario.sh \
			</dev/null >"$log" 2>&1
		rc=$?
		case $rc in
		0) result PASS "$name" $((SECONDS - start)) ;;
		77) result SKIP "$name" $((SECONDS - start)) ;;
		*) result FAIL "$name (exit status $rc)" $((SECONDS - start)) "$log" ;;
		esac
	done
	if [ -n "$host_pid" ]; then
		wait "$host_pid"
		trap - EXIT
		host_results
	fi
fi

if [ $fail -gt 0 ]; then
	echo "failed:"
	printf '  %s\n' "${failed[@]}"
fi
summary="$pass passed, $fail failed"
[ $skip -gt 0 ] && summary="$summary, $skip skipped"
echo "$summary"
[ $fail = 0 ]
