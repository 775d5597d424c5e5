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

# Network: loopback up; with cohort.ip=ADDR/LEN[,ADDR/LEN...] on the
# command line (`cohort load --cmdline cohort.ip=...`), those on eth0, the
# instance's end of its link to the primary (`cohort net add`), and the
# link up.  eth0 exists from the first instant when the link was added
# before the start.  An instance without one yet (a warm standby, the new
# kernel of a live update) gets it when it takes over another's link
# (`cohort takeover`): the addresses go on it the moment it appears.
cohort_net_addresses() {
	local a
	for a in $(echo "$1" | tr , ' '); do
		ip addr add "$a" dev eth0 || return 1
	done
	ip link set eth0 up
}

cohort_net_setup() {
	local ips
	ip link set lo up
	ips=$(cohort_cmdline_arg cohort.ip) || return 0
	if [ -e /sys/class/net/eth0 ]; then
		cohort_net_addresses "$ips"
		return
	fi
	echo "cohort-instance: no eth0 yet; cohort.ip goes on it when it comes (cohort takeover)" >/dev/console
	(cohort-init --wait-link eth0 && cohort_net_addresses "$ips" &&
		echo "cohort-instance: eth0 came: $ips" >/dev/console) &
}
