# Standby takeover against a restart, in the same run: the longest time
# a client that asks a vsock service over and over (giving up a
# connection not answered in half a second) gets no answer while the
# instance's kernel panics and cohortd heals it
#  - by its restart policy (restart = on-failure, restart-backoff = 1,
#    dump = no: as fast as a restart goes; the baseline),
#  - by its warm standby (standby = yes, dump = no): takeover, then the
#    clean-up behind it;
# and the instance's own boot time (the kernel's "running, N ms after
# start" of the standby), which the issue compares the gap with.
# vm: --smp 4 --mem 2G --append cohort_pool=768M
# timeout: 600
set -u
. /tests/vm/lib/common.sh
. /tests/vm/lib/cohortd.sh

mkdir -p $C
make_initrd svc <<'CMD'
socat VSOCK-LISTEN:5000,fork,reuseaddr SYSTEM:'echo up' &
echo "svc serving"
CMD
conf() { # standby yes|no
	cat >$C/svc.conf <<EOF
[instance]
cpus = 1
memory = 128M
kernel = /boot/bzImage
initrd = /tmp/initrd-svc
cmdline = quiet cohort.shell
restart = on-failure
restart-backoff = 1
dump = no
standby = $1
EOF
}
ask() { socat -t 1 - VSOCK-CONNECT:3:5000,connect-timeout=0.5 2>/dev/null; }
up() { [ "$(ask)" = up ]; }
gap_while_panic() { # wait-for-event count
	ask_loop ask >/tmp/ts &
	local p=$!
	sleep 3
	type_in svc 'echo c >/proc/sysrq-trigger'
	wait_for 120 ev_is svc "$1" "$2" || echo "bench: no $1 event" >&2
	wait_for 120 up || echo "bench: svc does not answer again" >&2
	sleep 3
	kill $p
	wait $p 2>/dev/null
	longest_gap /tmp/ts
}

conf no
cohortd --config-dir $C >/tmp/cohortd.log 2>&1 &
dpid=$!
wait_for 120 state_is svc running || die "svc did not start"
wait_for 60 up || die "svc does not answer"
r=$(gap_while_panic restarted 1)
# where a restart's time goes: its events, the kernel's view, the client
grep '"instance":"svc"' $S/events.jsonl | sed 's/^/# /'
dmesg | grep "instance svc:" | sed 's/^/# /'
awk 'NR > 1 && $1 - p > 1000 { print "# no answer from " p " to " $1 } { p = $1 }' /tmp/ts

conf yes
cohort apply --dir $C >/dev/null || die "apply"
wait_for 150 ev_is svc standby-ready 1 || die "no standby: $(tail -n 3 $S/events.jsonl)"
wait_for 60 sh -c "socat -t 1 - VSOCK-CONNECT:$(attr svc.standby cid):5000 | grep -q up" ||
	die "the standby does not serve"
s=$(gap_while_panic took-over 1)
boot=$(dmesg | grep -o "instance svc.standby: running, [0-9]* ms after start" | head -n 1 |
	grep -o "[0-9]* ms" | cut -d' ' -f1)
seen=$(grep -o '"event":"took-over","reason":"","detail":"[^"]*' $S/events.jsonl |
	grep -o '[0-9]* ms after' | cut -d' ' -f1)

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b ? a / b : 0 }'; }
echo "BENCH restart_failover_gap $r ms ratio=1.000 baseline=restart_failover_gap"
echo "BENCH standby_failover_gap $s ms ratio=$(ratio "$s" "$r") baseline=restart_failover_gap"
echo "BENCH instance_boot $boot ms ratio=$(ratio "$boot" "$r") baseline=restart_failover_gap"
echo "BENCH standby_takeover_seen_to_done $seen ms ratio=$(ratio "$seen" "$r") baseline=restart_failover_gap"
echo "BENCH standby_failover_gap_vs_boot $s ms ratio=$(ratio "$s" "$boot") baseline=instance_boot"
echo "BENCH restart_failover_gap_vs_boot $r ms ratio=$(ratio "$r" "$boot") baseline=instance_boot"
kill $dpid
wait $dpid
for n in svc svc.standby; do
	cohort stop --force $n >/dev/null 2>&1
	cohort delete $n >/dev/null 2>&1
done
