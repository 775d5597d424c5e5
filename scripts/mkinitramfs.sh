#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the initramfs images from busybox-static, the project's static
# programs and test scripts:
#
#   build/instance-initrd.cpio.gz  what an instance boots by default
#   build/initramfs.cpio.gz        the primary's (cohort-vm): the same plus
#                                  /boot/bzImage and /boot/instance-initrd.cpio.gz
#
# usage: scripts/mkinitramfs.sh [STATIC_BIN...]
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
b=$top/build
stage=$b/initramfs

die() { echo "mkinitramfs: $*" >&2; exit 1; }
[ -x /bin/busybox ] || die "/bin/busybox missing: install busybox-static (scripts/deps.sh)"
[ -f "$b/bzImage" ] || die "build/bzImage missing: run 'make kernel'"

common() { # dir
	local d=$1 f
	shift
	mkdir -p "$d"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,run,root,etc,mnt,boot,cohort}
	cp /bin/busybox "$d/bin/busybox"
	for f in $(/bin/busybox --list-full); do
		[ -e "$d/$f" ] || ln -s /bin/busybox "$d/$f"
	done
	for f in "$@"; do
		[ -n "$f" ] || continue
		cp "$f" "$d/usr/bin/"
	done
	cp -r "$top/tests" "$d/tests"
	cp "$top/initramfs/lib.sh" "$d/cohort/lib.sh"
	echo 'root:x:0:0:root:/root:/bin/sh' >"$d/etc/passwd"
	echo 'root:x:0:' >"$d/etc/group"
}

pack() { # dir out
	(cd "$1" && find . -print0 | LC_ALL=C sort -z |
		cpio --null -o -H newc -R 0:0 --quiet) | gzip -6 >"$2.tmp"
	mv "$2.tmp" "$2"
}

rm -rf "$stage"
common "$stage/instance" "$@"
cp "$top/initramfs/instance-init" "$stage/instance/init"
pack "$stage/instance" "$b/instance-initrd.cpio.gz"

common "$stage/primary" "$@"
cp "$top/initramfs/init" "$stage/primary/init"
cp "$b/bzImage" "$stage/primary/boot/bzImage"
cp "$b/instance-initrd.cpio.gz" "$stage/primary/boot/instance-initrd.cpio.gz"
pack "$stage/primary" "$b/initramfs.cpio.gz"
echo "mkinitramfs: build/initramfs.cpio.gz ($(du -k "$b/initramfs.cpio.gz" | cut -f1) KiB)," \
	"build/instance-initrd.cpio.gz ($(du -k "$b/instance-initrd.cpio.gz" | cut -f1) KiB)"
