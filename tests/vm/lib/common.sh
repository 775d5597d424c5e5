# SPDX-License-Identifier: GPL-2.0
# Helpers shared by the VM scenarios tests/vm/*.sh, which source this file
# as /tests/vm/lib/common.sh inside the guest (busybox sh).  Not a test
# itself: scripts/check.sh only runs tests/vm/*.sh.
#
# Failure handling:
#   ok TEXT / bad TEXT   report one check; bad counts it in $failed
#   exit_if_failed NAME [DMESG_LINES]
#                        at the end: when a check failed, show the last
#                        DMESG_LINES (default 30, 0: none) Cohort kernel
#                        messages, say how many failed, exit 1
#   die TEXT             fail at once: the consoles of all instances, the
#                        kernel messages matching $DIE_DMESG (grep -i;
#                        default 'cohort: ', '' for all), exit 1

I=/sys/kernel/cohort/instances
failed=0

ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; failed=$((failed + 1)); }

exit_if_failed() { # name [dmesg lines]
	[ "$failed" = 0 ] && return 0
	[ "${2:-30}" = 0 ] || dmesg | grep 'cohort: ' | tail -n "${2:-30}"
	echo "$1: $failed check(s) failed"
	exit 1
}

die() {
	local d
	echo "FAIL $*"
	for d in "$I"/*; do
		[ -d "$d" ] || continue
		echo "--- console of ${d##*/} (state $(cat "$d/state"), last lines):"
		cohort log "${d##*/}" 2>&1 | tail -n 40
	done
	echo "--- kernel messages:"
	dmesg | grep -i -- "${DIE_DMESG-cohort: }" | tail -n 30
	exit 1
}

wait_for() { # seconds command...: until the command succeeds
	local n=$(($1 * 5)); shift
	while ! "$@" >/dev/null 2>&1; do
		n=$((n - 1))
		[ $n -gt 0 ] || return 1
		sleep 0.2
	done
}

attr() { cat "$I/$1/$2"; } # instance attribute
state_is() { [ "$(attr "$1" state)" = "$2" ]; } # instance state
console_has() { cohort log "$1" | grep -q "$2"; } # instance text
members_are() { [ "$(cat /sys/kernel/cohort/members)" = "$1" ]; }
online() { cat /sys/devices/system/cpu/online; }

mount_debugfs() {
	grep -q " /sys/kernel/debug " /proc/mounts ||
		mount -t debugfs none /sys/kernel/debug
}

# op FILE LINE: write LINE to the messaging debugfs FILE, show the result.
op() {
	echo "$2" >"/sys/kernel/debug/cohort/$1" &&
		cat /sys/kernel/debug/cohort/result
}

# make_initrd NAME: /tmp/initrd-NAME, the instance initramfs plus a
# /cohort/cmd (the command its init runs) read from stdin.
make_initrd() {
	local dir="/tmp/extra-$1"
	rm -rf "$dir"
	mkdir -p "$dir/cohort"
	cat >"$dir/cohort/cmd"
	(cd "$dir" && find . | cpio -o -H newc 2>/dev/null | gzip) >"/tmp/extra-$1.gz"
	cat /boot/instance-initrd.cpio.gz "/tmp/extra-$1.gz" >"/tmp/initrd-$1"
}

# start_to_init NAME NCPUS: start it and wait for its init line.
start_to_init() {
	cohort start "$1" || die "cohort start $1"
	wait_for 150 console_has "$1" "cohort-instance: $1 init running on $2 CPU(s)" ||
		die "$1 did not reach its init (state $(attr "$1" state))"
	wait_for 30 state_is "$1" running || die "$1: state $(attr "$1" state), expected running"
}
