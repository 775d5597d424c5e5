# How long the primary takes to see that an instance failed, in
# heartbeat periods (the period measured in the same run is the
# baseline): a hang with interrupts off (LKDTM HARDLOCKUP: only the
# missing heartbeat tells), with the default heartbeat_misses and with
# heartbeat_misses = 2, and a panic (the instance says so itself).  The
# failure is asked for over vsock; the primary then reads the
# instance's heartbeat counter and state every few ms.
# - A hang counts from the instance's last heartbeat: it came at most a
#   period before the hang, so the figure is an upper bound, at most a
#   period more than the true time.
# - A panic counts from the request, less what asking costs (a request
#   answered over the same path, measured here too).
# Medians of 3.
# vm: --smp 4 --mem 2G --append cohort_pool=768M
# timeout: 900
set -u
. /tests/vm/lib/common.sh

now_ms() { awk '{ printf "%d", $1 * 1000 }' /proc/uptime; }
make_initrd a <<'CMD'
mount -t debugfs none /sys/kernel/debug
socat VSOCK-LISTEN:7000,fork SYSTEM:'echo HARDLOCKUP >/sys/kernel/debug/provoke-crash/DIRECT' &
socat VSOCK-LISTEN:7001,fork SYSTEM:'echo c >/proc/sysrq-trigger' &
socat VSOCK-LISTEN:7002,fork SYSTEM:'echo here' &
echo "a ready"
CMD
cohort create a --cpus 1 --memory 128M || die "create"
cohort load a --kernel /boot/bzImage --initrd /tmp/initrd-a || die "load"
H=/sys/kernel/cohort
period=$(cat $H/heartbeat_ms)
misses0=$(cat $H/heartbeat_misses)

up() {
	cohort start a >/dev/null || die "start"
	wait_for 150 console_has a 'a ready' || die "a not ready"
	sleep 1
}
median() { sort -n | sed -n 2p; }

# One failure: "T B", ms from asking to the state "failed" (T) and from
# the last heartbeat seen to it (B); the reason checked.
once() { # port reason
	up
	local t0 t hb last="" tb=0
	t0=$(now_ms)
	socat -u - VSOCK-CONNECT:3:$1 </dev/null 2>/dev/null &
	# Builtins only: a loop that forks would see everything later.
	while read -r st <$I/a/state && [ "$st" != failed ]; do
		read -r hb <$H/peers/1/heartbeat || hb=0
		read -r t _ </proc/uptime
		t=$((${t%.*}${t#*.} * 10))
		# 0 once the instance left the membership.
		[ "$hb" != "$last" ] && [ "$hb" != 0 ] && { last=$hb; tb=$t; }
		[ $((t - t0)) -gt 30000 ] && die "a did not fail ($1)"
	done
	read -r t _ </proc/uptime
	t=$((${t%.*}${t#*.} * 10))
	[ "$(attr a stop_reason)" = "$2" ] || die "a failed with '$(attr a stop_reason)', not $2"
	cohort stop --force a >/dev/null 2>&1
	echo "$((t - t0)) $((t - tb))"
}
# What asking costs: connect, fork, a shell runs a command, the answer.
ask=$(up; for i in 1 2 3; do
	t0=$(now_ms)
	[ "$(socat -t 5 - VSOCK-CONNECT:3:7002 </dev/null 2>/dev/null)" = here ] || die "no answer on 7002"
	echo $(($(now_ms) - t0))
done | median; cohort stop --force a >/dev/null 2>&1)

hang=$(for i in 1 2 3; do once 7000 heartbeat | cut -d' ' -f2; done | median)
echo 2 >$H/heartbeat_misses
hang2=$(for i in 1 2 3; do once 7000 heartbeat | cut -d' ' -f2; done | median)
echo "$misses0" >$H/heartbeat_misses
panic=$(for i in 1 2 3; do once 7001 panic | cut -d' ' -f1; done | median)
panic=$((panic - ask))
[ $panic -ge 0 ] || panic=0
cohort delete a

line() { awk -v n="$1" -v v="$2" -v p="$period" 'BEGIN { printf "BENCH %s %d ms ratio=%.2f baseline=heartbeat_period\n", n, v, v / p }'; }
line heartbeat_period "$period"
line failure_request_cost "$ask"
line "hang_detection_misses_${misses0}_at_most" "$hang"
line hang_detection_misses_2_at_most "$hang2"
line panic_detection "$panic"
