# Live update against a restart, in the same run.  A client
# (cohort-svc-gap) asks a service over and over, each time on a new
# connection, and reports the longest time without an answer and the
# tries that failed.  Over vsock the service is an echo server that
# forks nothing (cohort-sock-rr), so that a try costs little more than
# the connection; over TCP it is socat starting a shell per answer:
#  - over vsock while the instance is restarted (stop, start: the
#    baseline), and while `cohort update` boots a new kernel beside it
#    and commits;
#  - over TCP, through the instance's network link, during an update
#    (the link moves with the takeover) against a restart;
# and how long after `cohort takeover` a CID reaches its new owner.
# vm: --smp 4 --mem 2G --append cohort_pool=768M
# timeout: 900
set -u
. /tests/vm/lib/common.sh

serve() { # name answer
	make_initrd "$1" <<CMD
socat VSOCK-LISTEN:5000,fork,reuseaddr SYSTEM:'echo $2' &
socat TCP-LISTEN:80,fork,reuseaddr SYSTEM:'echo $2' &
cohort-sock-rr server vsock 5001 &
echo "$1 serving"
CMD
}
answers() { [ "$(socat -t 1 - VSOCK-CONNECT:3:5000 2>/dev/null)" = "$1" ]; }
# The client runs for SECONDS while the command runs after 2 s.
measure() { # vsock|tcp ADDR PORT SECONDS command...
	local kind=$1 addr=$2 port=$3 secs=$4 p
	shift 4
	cohort-svc-gap "$kind" "$addr" "$port" "$secs" >/tmp/gap &
	p=$!
	sleep 2
	"$@" >/dev/null 2>&1 || echo "bench: '$*' failed" >&2
	wait $p
	echo "bench: $kind during '$*': $(cat /tmp/gap)" >&2
	cat /tmp/gap
}
field() { sed -n "s/.* $1 \([^ ]*\).*/\1/p; s/^$1 \([^ ]*\).*/\1/p" | head -n 1; }
restart() {
	cohort stop svc && cohort start svc &&
		wait_for 120 console_has svc 'svc serving' &&
		wait_for 30 answers up
}

serve svc up
cohort create svc --cpus 2 --memory 128M --net || die "create"
cohort load svc --kernel /boot/bzImage --initrd /tmp/initrd-svc \
	--cmdline cohort.ip=169.254.30.2/24 || die "load"
ip link set coh-svc up && ip addr add 169.254.30.1/24 dev coh-svc || die "coh-svc"
start_to_init svc 1
wait_for 60 console_has svc 'svc serving' || die "svc"
wait_for 30 answers up || die "svc answers"

rv=$(measure vsock 3 5001 30 restart)
uv=$(measure vsock 3 5001 30 cohort update svc --kernel /boot/bzImage --initrd /tmp/initrd-svc)
answers up || die "svc does not answer over vsock after the update"
rt=$(measure tcp 169.254.30.2 80 30 restart)
ut=$(measure tcp 169.254.30.2 80 30 cohort update svc --kernel /boot/bzImage --initrd /tmp/initrd-svc)
[ "$(socat -t 2 - TCP:169.254.30.2:80 2>/dev/null)" = up ] || die "svc does not answer over TCP after the update"

# takeover: b takes CID 3 over; until every request reaches b.
serve b other
cohort create b --cpu-count 1 --memory 128M && cohort load b --kernel /boot/bzImage --initrd /tmp/initrd-b || die "b"
start_to_init b 1
wait_for 60 console_has b 'b serving' || die "b"
t=$(measure vsock 3 5001 6 cohort takeover b svc)
answers other || die "CID 3 never reached b"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b ? a / b : 0 }'; }
line() { # name value unit baseline-name baseline-value
	echo "BENCH $1 $2 $3 ratio=$(ratio "$2" "$5") baseline=$4"
}
g() { echo "$1" | field gap_ms; }
f() { echo "$1" | field failed; }
line restart_service_gap "$(g "$rv")" ms restart_service_gap "$(g "$rv")"
line update_service_gap "$(g "$uv")" ms restart_service_gap "$(g "$rv")"
line restart_requests_failed "$(f "$rv")" requests restart_requests_failed "$(f "$rv")"
line update_requests_failed "$(f "$uv")" requests restart_requests_failed "$(f "$rv")"
line restart_tcp_service_gap "$(g "$rt")" ms restart_tcp_service_gap "$(g "$rt")"
line update_tcp_service_gap "$(g "$ut")" ms restart_tcp_service_gap "$(g "$rt")"
line update_tcp_requests_failed "$(f "$ut")" requests restart_tcp_requests_failed "$(f "$rt")"
line takeover_service_gap "$(g "$t")" ms restart_service_gap "$(g "$rv")"
# What one request costs here: a gap shorter than that cannot be seen.
m=$(echo "$uv" | field mean_ms)
line update_service_gap_vs_request "$(g "$uv")" ms request_time "$m"
cohort stop --force b >/dev/null; cohort delete b
cohort stop --force svc >/dev/null; cohort delete svc
