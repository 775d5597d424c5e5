#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# cohortfs-fuse: the POSIX checks on a mount, O_TRUNC, symlink targets up
# to PATH_MAX - 1, setgid directories, two mounts of one image seeing each
# other's changes, an image populated by mkfs -d matching its source, a
# crashed mount's orphans reclaimed by the next one, relative paths, bad
# input.
# Skips (77) where FUSE cannot mount.
set -uo pipefail
. "$(dirname "$0")/lib/fuse.sh"
need_tools mkfs.cohortfs fsck.cohortfs cohortfs-fuse cohortfs-posix-check
need_fuse
T=$(mktemp -d)
mounts=()
cleanup() {
	for m in "${mounts[@]}"; do
		fusermount3 -u "$m" 2>/dev/null || umount -l "$m" 2>/dev/null
	done
	rm -rf "$T"
}
trap cleanup EXIT
FUSE="$BIN/cohortfs-fuse"

"$BIN/mkfs.cohortfs" -q -s 256M "$T/img" || fail mkfs
mkdir "$T/a" "$T/b" "$T/c"
if ! "$FUSE" "$T/img" "$T/a" 2>"$T/err"; then
	cat "$T/err"
	echo "SKIP: FUSE mount not possible here"
	exit 77
fi
mounts+=("$T/a")
"$FUSE" "$T/img" "$T/b" || fail "second mount"
mounts+=("$T/b")

timeout 300 "$BIN/cohortfs-posix-check" "$T/a" || fail "POSIX checks on the FUSE mount"

# open(O_TRUNC) of an existing file empties it (`: >f`, `>` in the shell)
printf 'old and longer contents\n' >"$T/a/t" || fail write
: >"$T/a/t" || fail ": >t"
[ "$(stat -c %s "$T/a/t")" = 0 ] || fail ": >t left $(stat -c %s "$T/a/t") bytes"
printf 'old and longer contents\n' >"$T/a/t"
echo new >"$T/a/t"
[ "$(cat "$T/b/t")" = new ] || fail "> over a longer file left: $(cat "$T/b/t")"

# symlink targets up to PATH_MAX - 1 bytes, as on tmpfs (past the 4032
# inline bytes they take a data block); 4096 is too long
for n in 4032 4033 4095; do
	t=$(printf "%${n}s" '' | tr ' ' x)
	ln -s "$t" "$T/a/long$n" || fail "symlink with a $n-byte target"
	[ "$(readlink "$T/b/long$n")" = "$t" ] || fail "$n-byte target read back"
done
ln -s "${t}x" "$T/a/long4096" 2>"$T/err" && fail "4096-byte target accepted"
grep -q "File name too long" "$T/err" || fail "4096-byte target: $(cat "$T/err")"
rm "$T/a/long4033" || fail "unlink a long symlink"

# a set-group-ID directory passes its group on, and the bit to subdirectories
if [ "$(id -u)" = 0 ]; then
	mkdir "$T/a/sg" && chown :1234 "$T/a/sg" && chmod 2775 "$T/a/sg" ||
		fail "setgid directory"
	mkdir "$T/a/sg/sub" && touch "$T/a/sg/f" || fail "create in a setgid directory"
	[ "$(stat -c '%g %A' "$T/a/sg/sub")" = "1234 drwxr-sr-x" ] ||
		fail "subdirectory of a setgid directory: $(stat -c '%g %A' "$T/a/sg/sub")"
	[ "$(stat -c '%g' "$T/a/sg/f")" = 1234 ] ||
		fail "file in a setgid directory has group $(stat -c %g "$T/a/sg/f")"
fi

# two mounts, one image
echo one >"$T/a/x" || fail write
[ "$(cat "$T/b/x")" = one ] || fail "mount b does not see a's file"
mv "$T/b/x" "$T/b/y" || fail "rename in b"
[ ! -e "$T/a/x" ] && [ "$(cat "$T/a/y")" = one ] || fail "a does not see b's rename"
exec 9<"$T/a/y"
rm "$T/b/y" || fail "unlink in b"
[ "$(cat <&9)" = one ] || fail "a's open file lost after unlink in b"
exec 9<&-
for i in $(seq 1 50); do echo "$i" >"$T/a/f$i"; done
n=$(ls "$T/b" | grep -c '^f')
[ "$n" = 50 ] || fail "b lists $n of 50 files"
# appends from both mounts at once
( for i in $(seq 1 200); do echo "a$i" >>"$T/a/log"; done ) &
( for i in $(seq 1 200); do echo "b$i" >>"$T/b/log"; done ) &
wait
[ "$(wc -l <"$T/a/log")" = 400 ] || fail "appends from two mounts lost: $(wc -l <"$T/a/log")"

# a crashed mount's held orphan is reclaimed by the next mount
echo orphan >"$T/b/orph"
exec 8<"$T/b/orph"
rm "$T/a/orph"
pid=$(pgrep -f "cohortfs-fuse $T/img $T/b\$" | head -1)
[ -n "$pid" ] || fail "no pid for mount b"
exec 8<&-
kill -9 "$pid"
sleep 0.2
fusermount3 -u "$T/b" 2>/dev/null || umount -l "$T/b"
umnt "$T/a" || fail "unmount a"
mounts=()
"$FUSE" "$T/img" "$T/c" || fail "mount after crash"
mounts+=("$T/c")
umnt "$T/c" || fail "unmount c"
mounts=()
"$BIN/fsck.cohortfs" -n "$T/img" || fail "fsck after mounts"

# mkfs -d: contents, modes, owners, times, links survive
mkdir -p "$T/src/d/e"
head -c 300000 /dev/urandom >"$T/src/big"
printf 'small\n' >"$T/src/d/f"
ln "$T/src/big" "$T/src/d/e/hard"
ln -s ../big "$T/src/d/sym"
mkfifo "$T/src/d/fifo"
chmod 0750 "$T/src/d"
chown 12:34 "$T/src/d/f"
touch -h -d '2001-02-03 04:05:06' "$T/src/d/f" "$T/src/d/sym"
"$BIN/mkfs.cohortfs" -q -s 16M -d "$T/src" "$T/img2" || fail "mkfs -d"
"$FUSE" "$T/img2" "$T/c" || fail "mount img2"
mounts+=("$T/c")
diff -r --no-dereference -x fifo "$T/src" "$T/c" || fail "tree differs"
(cd "$T/src" && find . -printf '%p %y %m %U %G %n %s %T@ %l\n' | sort) >"$T/s1"
(cd "$T/c" && find . -printf '%p %y %m %U %G %n %s %T@ %l\n' | sort) >"$T/s2"
# the top directory's mtime changes while copying into it
diff <(grep -v '^\. ' "$T/s1") <(grep -v '^\. ' "$T/s2") || fail "metadata differs"
fusermount3 -u "$T/c"
mounts=()

# relative IMAGE and DIR: the daemon leaves for /, the mount still works
fuse_abs=$(realpath "$FUSE")
(cd "$T" && "$fuse_abs" img2 c) || fail "mount with relative paths"
mounts+=("$T/c")
grep -q " $T/c fuse" /proc/mounts || fail "relative paths: nothing mounted"
[ "$(cat "$T/c/d/f")" = small ] || fail "relative paths: contents"
umnt "$T/c" c || fail "unmount relative"
mounts=()

# an image it cannot write: a message and exit status 1, not a silent 0
mkdir "$T/ro"
cp "$T/img2" "$T/ro/img"
if mount --bind "$T/ro" "$T/ro" 2>/dev/null; then
	mounts+=("$T/ro")
	if mount -o remount,bind,ro "$T/ro" 2>/dev/null; then
		if "$FUSE" "$T/ro/img" "$T/c" 2>"$T/err"; then
			mounts+=("$T/c")
			fail "mounted an image on a read-only mount"
		fi
		grep -q "Read-only file system" "$T/err" ||
			fail "read-only image: $(cat "$T/err")"
	fi
	umount "$T/ro"
	mounts=()
fi

# bad input: nothing gets mounted
if "$FUSE" "$T/src/big" "$T/c" 2>/dev/null; then
	mounts+=("$T/c")
	fail "mounted a file that is not an image"
fi
"$FUSE" "$T/none" "$T/c" 2>/dev/null && fail "mounted a missing image"
"$FUSE" 2>/dev/null && fail "ran without arguments"
grep -q " $T/c " /proc/mounts && fail "something is mounted"
echo "PASS: cohortfs-fuse"
exit 0
