#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# mkfs.cohortfs and fsck.cohortfs: bad input is refused without changing
# anything; corruption is reported with e2fsck exit codes and repaired.
set -uo pipefail
BIN=${BIN:-build/host/bin}
for p in mkfs.cohortfs fsck.cohortfs cohortfs-stress; do
	[ -x "$BIN/$p" ] || { echo "missing $BIN/$p (make tools)"; exit 1; }
done
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
expect() {	# expect CODE DESCRIPTION CMD...
	local want=$1 what=$2 rc
	shift 2
	"$@" >"$T/out" 2>&1
	rc=$?
	if [ "$rc" != "$want" ]; then
		echo "FAIL: $what: exit $rc, want $want"
		cat "$T/out"
		fails=$((fails + 1))
	fi
}
MKFS=$BIN/mkfs.cohortfs
FSCK=$BIN/fsck.cohortfs

# mkfs: bad arguments change nothing
expect 1 "mkfs without image" "$MKFS"
expect 1 "mkfs bad size" "$MKFS" -s 12Q "$T/a"
expect 1 "mkfs tiny size" "$MKFS" -s 4K "$T/a"
expect 1 "mkfs new image without size" "$MKFS" "$T/a"
[ -e "$T/a" ] && { echo "FAIL: mkfs created an image on bad input"; fails=$((fails + 1)); }
expect 1 "mkfs -d missing dir" "$MKFS" -s 1M -d "$T/nodir" "$T/a"
[ -e "$T/a" ] && { echo "FAIL: mkfs created an image with a bad -d"; fails=$((fails + 1)); }
echo keep >"$T/keep"
expect 1 "mkfs on a directory" "$MKFS" -s 1M "$T"
expect 1 "mkfs on a too small file" "$MKFS" "$T/keep"
grep -q keep "$T/keep" || { echo "FAIL: mkfs changed a file it refused"; fails=$((fails + 1)); }
expect 1 "mkfs -d tree too big" "$MKFS" -s 96K -d /usr/include "$T/small"
[ -e "$T/small" ] && { echo "FAIL: failed mkfs left an image"; fails=$((fails + 1)); }

# a good image, populated from a tree
mkdir -p "$T/src/d/e"
printf 'data\n' >"$T/src/d/f"
head -c 200000 /dev/urandom >"$T/src/big"
ln "$T/src/big" "$T/src/d/e/hard"
ln -s ../big "$T/src/d/sym"
chmod 0751 "$T/src/d"
touch -d '2001-02-03 04:05:06' "$T/src/d/f"
expect 0 "mkfs -d" "$MKFS" -s 8M -d "$T/src" "$T/img"
expect 0 "fsck -n clean" "$FSCK" -n "$T/img"
expect 0 "fsck -y clean" "$FSCK" -y "$T/img"
expect 0 "fsck default clean" "$FSCK" "$T/img"
grep -q "3 files, 3 directories" "$T/out" || {
	echo "FAIL: fsck counts"; cat "$T/out"; fails=$((fails + 1)); }

# fsck: usage and operational errors
expect 16 "fsck without image" "$FSCK"
expect 16 "fsck -n -y" "$FSCK" -n -y "$T/img"
expect 16 "fsck bad option" "$FSCK" -Z "$T/img"
expect 8 "fsck missing image" "$FSCK" "$T/none"
expect 8 "fsck not an image" "$FSCK" "$T/keep"
cp "$T/img" "$T/bad"
dd if=/dev/zero of="$T/bad" bs=4 count=1 conv=notrunc status=none
expect 8 "fsck zeroed magic" "$FSCK" -y "$T/bad"
cmp -s "$T/bad" <(dd if=/dev/zero bs=4 count=1 status=none; tail -c +5 "$T/img") ||
	{ echo "FAIL: fsck changed an image it could not read"; fails=$((fails + 1)); }

# leaked space and a dangling entry: reported (4), repaired (1), clean (0)
cp "$T/img" "$T/leak"
# mark the last data block used in the bitmap (block 2 holds the bitmap)
nb=$((8 * 1024 * 1024 / 4096))
byte=$((2 * 4096 + (nb - 1) / 8))
printf '\x80' | dd of="$T/leak" bs=1 seek=$byte conv=notrunc status=none
cp "$T/leak" "$T/leak.before"
expect 4 "fsck -n on a leak" "$FSCK" -n "$T/leak"
grep -q "1 leaked blocks" "$T/out" || { echo "FAIL: leak not counted"; cat "$T/out"; fails=$((fails + 1)); }
cmp -s "$T/leak" "$T/leak.before" || { echo "FAIL: fsck -n wrote"; fails=$((fails + 1)); }
expect 1 "fsck -y on a leak" "$FSCK" -y "$T/leak"
expect 0 "fsck after repair" "$FSCK" -n "$T/leak"

if [ "$fails" = 0 ]; then
	echo "PASS: mkfs/fsck command line"
	exit 0
fi
exit 1
