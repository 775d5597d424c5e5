#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make check-debug: the VM scenarios with the primary on the debug kernel
# (lockdep, KASAN, DEBUG_ATOMIC_SLEEP, DEBUG_OBJECTS; kernel/config/
# debug.config), then every primary console searched for what those
# checkers report.  The primary runs with panic_on_warn=1, so most reports
# already fail their scenario; lockdep and KASAN reports that do not WARN
# are caught here.  Instances boot the regular kernel from the initramfs:
# the debug kernel does not fit the 128 MiB most scenarios give them.
#
#   scripts/check-debug.sh [check.sh options]   (CHECK_FILTER works too)
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
export COHORT_VM_KERNEL=$top/build/bzImage-debug
export COHORT_VM_KEEP=1 COHORT_VM_SLOW=${COHORT_VM_SLOW:-4}
[ -f "$COHORT_VM_KERNEL" ] ||
	{ echo "check-debug: build the debug kernel first (make check-debug)" >&2; exit 2; }
rm -rf "$top/build/vm"
"$top/scripts/check.sh" --host-dir /nonexistent "$@"
rc=$?
# KASAN reports start "BUG: KASAN:", atomic sleeps "BUG: sleeping function",
# most lockdep reports "WARNING:"; the rest are named.  (Not the bare words
# "lockdep" or "KASAN": boot banners carry them.)
pat='BUG:|WARNING:|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|ODEBUG:|list_add corruption|list_del corruption|INFO: lockdep is turned off'
reports=0
for log in "$top"/build/vm/run.*/ttyS0.log; do
	[ -f "$log" ] || continue
	if grep -Eq "$pat" "$log"; then
		reports=$((reports + 1))
		echo "---- debug report in ${log#"$top"/}:"
		grep -E -m 5 -A 12 "$pat" "$log" | sed 's/^/  | /'
	fi
done
echo "check-debug: $reports console(s) with a debug report"
[ $rc = 0 ] && [ $reports = 0 ]
