#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Writers killed with SIGKILL mid-operation, in a loop: fsck may find
# leaks (and repair them) but nothing else, and nothing acknowledged may
# be lost.  New writers after each round evict the dead clients.
set -euo pipefail
BIN=${BIN:-build/host/bin}
ROUNDS=${ROUNDS:-10}
for p in mkfs.cohortfs fsck.cohortfs cohortfs-stress; do
	[ -x "$BIN/$p" ] || { echo "missing $BIN/$p (make tools)"; exit 1; }
done
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

"$BIN/mkfs.cohortfs" -q -s 128M "$T/img"
"$BIN/cohortfs-stress" setup "$T/img" pinned
leaks=0
for r in $(seq 1 "$ROUNDS"); do
	pids=()
	for w in 1 2 3; do
		ASAN_OPTIONS=detect_leaks=0 "$BIN/cohortfs-stress" run \
			"$T/img" "$((r * 10 + w))" 1000000 "$T/j$w" \
			"$((r * 100 + w))" 2>/dev/null &
		pids+=($!)
	done
	# Each writer has its journal before it can be killed (a slow or
	# low-priority start would leave the check nothing to verify).
	for w in 1 2 3; do
		for i in $(seq 100); do
			[ -e "$T/j$w" ] && break
			sleep 0.1
		done
	done
	sleep "0.$((RANDOM % 4 + 1))"
	kill -9 "${pids[@]}" 2>/dev/null || true
	wait "${pids[@]}" 2>/dev/null || true
	# repair every other round only: live writers must cope with leftovers
	if [ $((r % 2)) = 0 ] || [ "$r" = "$ROUNDS" ]; then
		rc=0
		"$BIN/fsck.cohortfs" -y "$T/img" >"$T/fsck.out" || rc=$?
		if [ "$rc" != 0 ] && [ "$rc" != 1 ]; then
			cat "$T/fsck.out"
			echo "FAIL: round $r: fsck -y exit $rc"
			exit 1
		fi
		# only leftovers of interrupted operations may be repaired
		if grep -v -e 'unfinished entry' -e 'unreachable inode' \
			-e 'leaked blocks' -e 'wrong link count' \
			-e 'problem(s)' "$T/fsck.out"; then
			echo "FAIL: round $r: fsck found more than leftovers"
			exit 1
		fi
		[ "$rc" = 1 ] && leaks=$((leaks + 1))
		"$BIN/fsck.cohortfs" -n "$T/img" >"$T/fsck2.out" || {
			cat "$T/fsck2.out"
			echo "FAIL: round $r: not clean after repair"
			exit 1
		}
	fi
	"$BIN/cohortfs-stress" verify "$T/img" "$T"/j? >"$T/verify.out" 2>&1 || {
		cat "$T/verify.out"
		echo "FAIL: round $r: acknowledged changes lost"
		exit 1
	}
done
echo "PASS: $ROUNDS crash rounds ($leaks needed leak repair)"
