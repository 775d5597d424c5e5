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
	cp "$top/initramfs/profile" "$d/etc/profile"
}

# Debian's dynamically linked programs, unmodified, with the libraries
# ldd names (at the same paths) and the dynamic loader.
add_dynamic() { # dir prog...
	local d=$1 p f
	shift
	for p in "$@"; do
		p=$(command -v "$p") || die "$1 missing: install it (scripts/deps.sh)"
		mkdir -p "$d$(dirname "$p")"
		# Busybox's applet of that name goes, whatever PATH says.
		rm -f "$d"/{bin,sbin,usr/bin,usr/sbin}/"$(basename "$p")"
		cp -L "$p" "$d$p"
		for f in $(ldd "$p" | grep -o '/[^ ]*'); do
			mkdir -p "$d$(dirname "$f")"
			[ -e "$d$f" ] || cp -L "$f" "$d$f"
		done
	done
}

# Terminal descriptions and glibc's C.UTF-8 locale (libc-bin) for
# programs that drive terminals: tmux refuses to start without UTF-8.
add_terminfo() { # dir
	local d=$1 t f
	[ -d /usr/lib/locale/C.utf8 ] || die "/usr/lib/locale/C.utf8 missing (libc-bin)"
	mkdir -p "$d/usr/lib/locale"
	cp -r /usr/lib/locale/C.utf8 "$d/usr/lib/locale/"

	for t in dumb linux vt100 vt102 vt220 xterm xterm-256color screen \
		screen-256color tmux tmux-256color; do
		for f in /lib/terminfo/${t:0:1}/$t /usr/share/terminfo/${t:0:1}/$t; do
			[ -f "$f" ] || continue
			mkdir -p "$d$(dirname "$f")"
			cp -L "$f" "$d$f"
			break
		done
	done
}

pack() { # dir out
	(cd "$1" && find . -print0 | LC_ALL=C sort -z |
		cpio --null -o -H newc -R 0:0 --quiet) | gzip -6 >"$2.tmp"
	mv "$2.tmp" "$2"
}

rm -rf "$stage"
common "$stage/instance" "$@"
cp "$top/initramfs/instance-init" "$stage/instance/init"
# Debian's socat, unmodified, for sockets between kernels (AF_VSOCK), and
# iproute2's ip, iputils' ping and iperf3 for the network links.
add_dynamic "$stage/instance" socat ip ping iperf3
pack "$stage/instance" "$b/instance-initrd.cpio.gz"

common "$stage/primary" "$@"
cp "$top/initramfs/init" "$stage/primary/init"
# The tests drive instance consoles as a person does, through tmux, and
# read instances' memory dumps with makedumpfile.
add_dynamic "$stage/primary" tmux socat ip ping iperf3 crun makedumpfile
add_terminfo "$stage/primary"
cp "$b/bzImage" "$stage/primary/boot/bzImage"
cp "$b/instance-initrd.cpio.gz" "$stage/primary/boot/instance-initrd.cpio.gz"
pack "$stage/primary" "$b/initramfs.cpio.gz"
echo "mkinitramfs: build/initramfs.cpio.gz ($(du -k "$b/initramfs.cpio.gz" | cut -f1) KiB)," \
	"build/instance-initrd.cpio.gz ($(du -k "$b/instance-initrd.cpio.gz" | cut -f1) KiB)"
