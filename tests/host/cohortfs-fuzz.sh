#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# A short libFuzzer run of fuzz_cohortfs (mount-time validation, reads,
# fsck and repair) from a seed corpus made by tests/fuzz/gen-corpus.sh
# with mkfs.cohortfs.  Skips (77) without clang's fuzzer runtime.
set -uo pipefail
F=build/fuzz/fuzz_cohortfs
if [ ! -x "$F" ]; then
	command -v clang >/dev/null || { echo "SKIP: no clang"; exit 77; }
	make -s "$PWD/$F" >/dev/null 2>&1 || { echo "SKIP: cannot build $F"; exit 77; }
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
make -s "$PWD/build/host/bin/mkfs.cohortfs" >/dev/null
bash tests/fuzz/gen-corpus.sh "$T/seeds" >/dev/null || { echo "FAIL: cannot make the seed corpus"; exit 1; }
mkdir -p "$T/new"
if ! "$F" -max_total_time="${FUZZ_SECONDS:-30}" -max_len=98304 \
	-artifact_prefix="$T/" "$T/new" "$T/seeds" >"$T/log" 2>&1; then
	tail -40 "$T/log"
	echo "FAIL: fuzz_cohortfs found a crash"
	exit 1
fi
grep -E '^Done [0-9]+ runs' "$T/log"
echo "PASS: fuzz_cohortfs"
