#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make fuzz: run each libFuzzer target for FUZZ_SECONDS (default 60) over
# its corpus in tests/fuzz/corpus/NAME (new inputs go to build/fuzz/NAME).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
secs=${FUZZ_SECONDS:-60}
rc=0
for f in "$@"; do
	n=$(basename "$f")
	mkdir -p "$top/build/fuzz/corpus-$n"
	seeds=$top/tests/fuzz/corpus/$n
	[ -d "$seeds" ] || seeds=
	echo "== $n for ${secs}s"
	"$f" -max_total_time="$secs" -print_final_stats=1 \
		"$top/build/fuzz/corpus-$n" $seeds || rc=1
done
exit $rc
