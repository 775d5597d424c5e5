# SPDX-License-Identifier: GPL-2.0
# Shared by the primary's and the instances' /init (busybox sh).

export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root

cohort_mounts() {
	mount -t proc proc /proc
	mount -t sysfs sysfs /sys
	mount -t devtmpfs devtmpfs /dev 2>/dev/null
	mkdir -p /dev/pts /dev/shm
	mount -t devpts devpts /dev/pts
	mount -t tmpfs tmpfs /tmp
	mount -t tmpfs tmpfs /run
	hostname "${1:-cohort}"
}

# The value of NAME=VALUE on the kernel command line.
cohort_cmdline_arg() {
	local a
	for a in $(cat /proc/cmdline); do
		case "$a" in "$1="*) echo "${a#*=}"; return 0 ;; esac
	done
	return 1
}

# Is NAME or NAME=1 on the kernel command line?
cohort_cmdline_flag() {
	local a
	for a in $(cat /proc/cmdline); do
		case "$a" in "$1"|"$1=1") return 0 ;; esac
	done
	return 1
}
