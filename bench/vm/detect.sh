# How long the primary takes to see that an instance failed, in
# heartbeat periods (the period measured in the same run is the
# baseline): a hang with interrupts off (LKDTM HARDLOCKUP: only the
# missing heartbeat tells), with the default heartbeat_misses and with
# heartbeat_misses = 2, and a panic (the instance says so itself).  The
# failure is asked for over vsock; the primary then reads the
# instance's state every few ms.  Medians of 3.
# vm: --smp 4 --mem 2G --append cohort_pool=768M
# timeout: 900
set -u
. /tests/vm/lib/common.sh

now_ms() { awk '{ printf "%d", $1 * 1000 }' /proc/uptime; }
make_initrd a <<'CMD'
mount -t debugfs none /sys/kernel/debug
socat VSOCK-LISTEN:7000,fork SYSTEM:'echo HARDLOCKUP >/sys/kernel/debug/provoke-crash/DIRECT' &
socat VSOCK-LISTEN:7001,fork SYSTEM:'echo c >/proc/sysrq-trigger' &
echo "a ready"
CMD
cohort create a --cpus 1 --memory 128M || die "create"
cohort load a --kernel /boot/bzImage --initrd /tmp/initrd-a || die "load"
H=/sys/kernel/cohort
period=$(cat $H/heartbeat_ms)
misses0=$(cat $H/heartbeat_misses)

# One failure: ms from asking to the state "failed"; the reason checked.
once() { # port reason
	cohort start a >/dev/null || die "start"
	wait_for 150 console_has a 'a ready' || die "a not ready"
	sleep 1
	local t0 t
	t0=$(now_ms)
	socat -u - VSOCK-CONNECT:3:$1 </dev/null 2>/dev/null &
	until [ "$(attr a state)" = failed ]; do
		[ $(($(now_ms) - t0)) -gt 30000 ] && die "a did not fail ($1)"
	done
	t=$(($(now_ms) - t0))
	[ "$(attr a stop_reason)" = "$2" ] || die "a failed with '$(attr a stop_reason)', not $2"
	cohort stop --force a >/dev/null 2>&1
	echo "$t"
}
median() { sort -n | sed -n 2p; }
hang=$(for i in 1 2 3; do once 7000 heartbeat; done | median)
echo 2 >$H/heartbeat_misses
hang2=$(for i in 1 2 3; do once 7000 heartbeat; done | median)
echo "$misses0" >$H/heartbeat_misses
panic=$(for i in 1 2 3; do once 7001 panic; done | median)
cohort delete a

line() { awk -v n="$1" -v v="$2" -v p="$period" 'BEGIN { printf "BENCH %s %d ms ratio=%.2f baseline=heartbeat_period\n", n, v, v / p }'; }
echo "BENCH heartbeat_period $period ms ratio=1.00 baseline=heartbeat_period"
line "hang_detection_misses_$misses0" "$hang"
line hang_detection_misses_2 "$hang2"
line panic_detection "$panic"
