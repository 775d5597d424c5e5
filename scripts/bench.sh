#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: every benchmark prints one line per figure,
#   BENCH name value unit ratio=R baseline=NAME
# with its baseline measured in the same run.
#   scripts/bench.sh [NATIVE_BENCH_PROGRAM...]
# Native programs run on the host; bench/vm/*.sh run inside a VM each
# (header lines "# vm: OPTIONS" and "# timeout: SEC" as for tests/vm).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
rc=0
for b in "$@"; do
	echo "== $(basename "$b")"
	"$b" || { echo "bench: $(basename "$b") failed" >&2; rc=1; }
done
for t in "$top"/bench/vm/*.sh; do
	[ -e "$t" ] || continue
	echo "== vm/$(basename "$t" .sh)"
	opts=$(sed -n 's/^# vm: //p' "$t" | head -n 1)
	tmo=$(sed -n 's/^# timeout: \([0-9]*\).*/\1/p' "$t" | head -n 1)
	bt=$(mktemp)
	# shellcheck disable=SC2086
	out=$("$top/scripts/cohort-vm" $opts --timeout "${tmo:-600}" \
		--boot-time "$bt" \
		--add "$t:/cohort/bench.sh" -- sh /cohort/bench.sh) ||
		{ echo "bench: vm/$(basename "$t" .sh) failed" >&2; rc=1; }
	boot=$(cat "$bt" 2>/dev/null)
	rm -f "$bt"
	# "VS-BOOT name value unit": a figure whose baseline is the primary's
	# own time from QEMU start to its /init, measured on the host.
	echo "$out" | while read -r tag name value unit; do
		if [ "$tag" = VS-BOOT ] && [ -n "$boot" ]; then
			echo "BENCH primary_qemu_start_to_init $boot ms ratio=1.00 baseline=primary_qemu_start_to_init"
			echo "BENCH $name $value $unit ratio=$(awk -v a="$value" -v b="$boot" 'BEGIN { printf "%.3f", a / b }') baseline=primary_qemu_start_to_init"
		elif [ -n "$tag" ]; then
			echo "$tag $name $value $unit"
		fi
	done
done
exit $rc
