# SPDX-License-Identifier: GPL-2.0
# Runs inside the demo VM (busybox sh).
set -e
step() { printf '\n== %s\n' "$*"; }

step "The primary kernel"
uname -a
echo "CPUs online: $(cat /sys/devices/system/cpu/online)"
for n in /sys/devices/system/node/node*; do
	echo "$(basename "$n"): CPUs $(cat "$n/cpulist")"
done

step "Cohort in sysfs: /sys/kernel/cohort/"
for f in /sys/kernel/cohort/*; do
	[ -f "$f" ] && printf '%-10s %s\n' "$(basename "$f"):" "$(cat "$f")"
done
echo
echo "demo: done"
