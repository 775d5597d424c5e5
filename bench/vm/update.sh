# Live update against a restart, in the same run: the longest time a
# client that asks a vsock service over and over gets no answer
#  - while the instance is restarted (stop, start: the baseline),
#  - while `cohort update` boots a new kernel beside it and commits;
# and how long after `cohort takeover` every request reaches the new
# owner of a CID.
# vm: --smp 4 --mem 2G --append cohort_pool=768M
# timeout: 900
set -u
. /tests/vm/lib/common.sh

now_ms() { awk '{ printf "%d", $1 * 1000 }' /proc/uptime; }
serve() { # name answer
	make_initrd "$1" <<CMD
socat VSOCK-LISTEN:5000,fork,reuseaddr SYSTEM:'echo $2' &
echo "$1 serving"
CMD
}
# One line per answer: the time it came.
client() { while :; do [ "$(socat -t 1 - VSOCK-CONNECT:3:5000 2>/dev/null)" = up ] && echo "$(now_ms)"; done; }
gap_while() { # command...: the longest stretch without an answer
	client >/tmp/ts &
	local p=$!
	sleep 3
	"$@" >/dev/null 2>&1 || echo "bench: '$*' failed" >&2
	sleep 3
	kill $p
	wait $p 2>/dev/null
	awk 'NR > 1 && $1 - p > g { g = $1 - p } { p = $1 } END { print g + 0 }' /tmp/ts
}
restart() {
	cohort stop svc && cohort start svc &&
		wait_for 120 console_has svc 'svc serving' &&
		wait_for 30 sh -c '[ "$(socat -t 1 - VSOCK-CONNECT:3:5000 2>/dev/null)" = up ]'
}

serve svc up
cohort create svc --cpus 2 --memory 128M || die "create"
cohort load svc --kernel /boot/bzImage --initrd /tmp/initrd-svc || die "load"
start_to_init svc 1
wait_for 60 console_has svc 'svc serving' || die "svc"
wait_for 30 sh -c '[ "$(socat -t 1 - VSOCK-CONNECT:3:5000 2>/dev/null)" = up ]' || die "svc answers"

r=$(gap_while restart)
u=$(gap_while cohort update svc --kernel /boot/bzImage --initrd /tmp/initrd-svc)
[ "$(socat -t 1 - VSOCK-CONNECT:3:5000 2>/dev/null)" = up ] || die "svc does not answer after the update"

# takeover: b takes CID 3 over; until every request reaches b.
serve b other
cohort create b --cpu-count 1 --memory 128M && cohort load b --kernel /boot/bzImage --initrd /tmp/initrd-b || die "b"
start_to_init b 1
wait_for 60 console_has b 'b serving' || die "b"
t0=$(now_ms)
cohort takeover b svc >/dev/null || die "takeover"
until [ "$(socat -t 1 - VSOCK-CONNECT:3:5000 2>/dev/null)" = other ]; do
	[ $(($(now_ms) - t0)) -gt 10000 ] && die "CID 3 never reached b"
done
t=$(($(now_ms) - t0))

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b ? a / b : 0 }'; }
echo "BENCH restart_service_gap $r ms ratio=1.000 baseline=restart_service_gap"
echo "BENCH update_service_gap $u ms ratio=$(ratio "$u" "$r") baseline=restart_service_gap"
echo "BENCH takeover_route $t ms ratio=$(ratio "$t" "$r") baseline=restart_service_gap"
cohort stop --force b >/dev/null; cohort delete b
cohort stop --force svc >/dev/null; cohort delete svc
