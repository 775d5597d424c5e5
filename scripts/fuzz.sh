#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make fuzz: run each libFuzzer target for FUZZ_SECONDS (default 60) over
# its seeds (made by tests/fuzz/gen-corpus.sh for fuzz_cohortfs); new inputs
# go to build/fuzz/corpus-NAME.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
secs=${FUZZ_SECONDS:-60}
rc=0
for f in "$@"; do
	n=$(basename "$f")
	mkdir -p "$top/build/fuzz/corpus-$n"
	# Seeds are made, never committed: tests/fuzz/gen-corpus.sh for cohortfs.
	seeds=
	if [ "$n" = fuzz_cohortfs ]; then
		seeds=$top/build/fuzz/seeds-$n
		(cd "$top" && bash tests/fuzz/gen-corpus.sh "$seeds" >/dev/null) || rc=1
	fi
	echo "== $n for ${secs}s"
	"$f" -max_total_time="$secs" -print_final_stats=1 \
		"$top/build/fuzz/corpus-$n" $seeds || rc=1
done
exit $rc
