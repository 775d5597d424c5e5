#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Make the seed corpus of fuzz_cohortfs: small images (64-96 KiB) made by
# mkfs.cohortfs from little trees.  Usage: gen-corpus.sh [OUTDIR]
set -euo pipefail
BIN=${BIN:-build/host/bin}
OUT=${1:-build/fuzz/seeds-fuzz_cohortfs}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkdir -p "$OUT"
export ASAN_OPTIONS=detect_leaks=0

"$BIN/mkfs.cohortfs" -q -s 64K "$OUT/empty.img"

mkdir -p "$T/a/sub/deeper"
printf 'hello\n' >"$T/a/file"
ln "$T/a/file" "$T/a/sub/hardlink"
ln -s ../file "$T/a/sub/symlink"
head -c 9000 /dev/zero | tr '\0' 'x' >"$T/a/sub/blocks"
for i in 1 2 3; do : >"$T/a/sub/deeper/n$i"; done
"$BIN/mkfs.cohortfs" -q -s 96K -N 64 -d "$T/a" "$OUT/tree.img"

mkdir -p "$T/b"
head -c 20000 /dev/zero | tr '\0' 'y' >"$T/b/f"
"$BIN/mkfs.cohortfs" -q -s 80K -N 64 -d "$T/b" "$OUT/multiblock.img"
ls -l "$OUT"
