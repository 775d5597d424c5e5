#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# cohortfs-diff: the differential test on a FUSE mount.  cohortfs-fsdiff
# runs the same pseudo-random file operations on the mount and on tmpfs
# and compares every result (tests/posix/fsdiff.c lists what it does not
# compare, and why); then the image must be fsck-clean.
#   FSDIFF_SEEDS  seeds to run (default "1 2 3 4 5 6")
#   FSDIFF_OPS    ops per seed (default 4000)
# Skips (77) where FUSE cannot mount.
set -uo pipefail
. "$(dirname "$0")/lib/fuse.sh"
SEEDS=${FSDIFF_SEEDS:-1 2 3 4 5 6}
OPS=${FSDIFF_OPS:-4000}
need_tools mkfs.cohortfs fsck.cohortfs cohortfs-fuse cohortfs-fsdiff
need_fuse
T=$(mktemp -d)
REF='' ref_mounted=''
cleanup() {
	fusermount3 -u "$T/m" 2>/dev/null || umount -l "$T/m" 2>/dev/null
	[ -n "$ref_mounted" ] && umount "$REF" 2>/dev/null
	[ -n "$REF" ] && rm -rf "$REF"
	rm -rf "$T"
}
trap cleanup EXIT

# the reference: a tmpfs of our own as root, else a directory on /dev/shm
REF=$(mktemp -d /dev/shm/cohortfs-diff.XXXXXX 2>/dev/null) || REF=
if [ -z "$REF" ]; then
	REF=$T/ref
	mkdir "$REF"
fi
if [ "$(id -u)" = 0 ] &&
	mount -t tmpfs -o size=512m,mode=0755 cohortfs-diff "$REF" 2>/dev/null; then
	ref_mounted=1
	echo "reference: a tmpfs on $REF"
elif [ "$(stat -f -c %T "$REF")" = tmpfs ]; then
	echo "reference: $REF on tmpfs"
else
	echo "SKIP: no tmpfs to compare with"
	exit 77
fi

"$BIN/mkfs.cohortfs" -q -s 256M "$T/img" || fail mkfs
mkdir "$T/m"
if ! "$BIN/cohortfs-fuse" "$T/img" "$T/m" 2>"$T/err"; then
	cat "$T/err"
	echo "SKIP: FUSE mount not possible here"
	exit 77
fi

for s in $SEEDS; do
	start=$SECONDS
	timeout 600 "$BIN/cohortfs-fsdiff" "$T/m" "$REF" "$s" "$OPS" ||
		fail "cohortfs and tmpfs differ (seed $s; rerun: $BIN/cohortfs-fsdiff -v DIR_A DIR_B $s $OPS)"
	echo "seed $s: $((SECONDS - start)) s"
done

umnt "$T/m" || fail unmount
"$BIN/fsck.cohortfs" -n "$T/img" || fail "fsck after the differential runs"
echo "PASS: cohortfs-diff"
exit 0
