#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Several processes write one cohortfs image at once through the library
# on a shared mapping: creates, appends, renames (also of directories and
# over contended names), unlinks, in the same directories; /log and a third
# of the files are pinned (written in place, as after an mmap).  Then fsck must
# find it clean and every acknowledged change must be there.
set -euo pipefail
BIN=${BIN:-build/host/bin}
for p in mkfs.cohortfs fsck.cohortfs cohortfs-stress; do
	[ -x "$BIN/$p" ] || { echo "missing $BIN/$p (make tools)"; exit 1; }
done
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

"$BIN/mkfs.cohortfs" -q -s 128M "$T/img"
"$BIN/cohortfs-stress" setup "$T/img" pinned
pids=()
for w in 1 2 3 4 5 6; do
	"$BIN/cohortfs-stress" run "$T/img" "$w" 4000 "$T/j$w" &
	pids+=($!)
done
for p in "${pids[@]}"; do
	wait "$p" || { echo "FAIL: worker $p failed"; exit 1; }
done
if ! "$BIN/fsck.cohortfs" -n "$T/img"; then
	echo "FAIL: fsck after concurrent writers"
	exit 1
fi
"$BIN/cohortfs-stress" verify "$T/img" "$T"/j* || {
	echo "FAIL: acknowledged changes missing"; exit 1; }

# The verifier must notice a change nobody acknowledged.
victim=
for v in $(grep '^I C ' "$T/j1" | cut -d' ' -f3); do
	if [ "$(grep -c -- "$v\b" "$T/j1")" = 1 ]; then
		victim=$v
		break
	fi
done
if [ -z "$victim" ]; then
	echo "FAIL: no untouched file for the negative check"
	exit 1
else
	cp "$T/img" "$T/img2"
	"$BIN/cohortfs-stress" run "$T/img2" 99 0 "$T/x" >/dev/null
	printf 'I U %s\nK\n' "$victim" >"$T/jneg"
	if "$BIN/cohortfs-stress" verify "$T/img2" "$T"/j* "$T/jneg" \
		>/dev/null 2>&1; then
		echo "FAIL: verifier missed a file that should be gone"
		exit 1
	fi
fi
echo "PASS: concurrent writers"
