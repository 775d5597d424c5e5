# Messaging between the primary and one instance: membership and the
# control region in sysfs, messages both ways with checksums (sizes 1 B to
# 64 KiB), ping round trips, request/response with a timeout, counters.
# vm: --smp 4 --mem 2G --append cohort_pool=768M
# timeout: 400
set -u
D=/sys/kernel/debug/cohort
. /tests/vm/lib/common.sh
mount_debugfs 2>/dev/null

[ "$(cat /sys/kernel/cohort/messaging)" = joined ] || die "primary messaging: $(cat /sys/kernel/cohort/messaging)"
[ "$(cat /sys/kernel/cohort/members)" = 0 ] || die "members $(cat /sys/kernel/cohort/members), expected 0"
[ "$(cat /sys/kernel/cohort/heartbeat_ms)" = 100 ] || bad "heartbeat_ms $(cat /sys/kernel/cohort/heartbeat_ms)"
[ "$(cat /sys/kernel/cohort/peers/0/state)" = self ] || bad "peers/0/state $(cat /sys/kernel/cohort/peers/0/state)"
grep -q 'Cohort pool' /proc/iomem || die "no pool"

# The instance: sends to the primary, pings it, asks it, then idles.
make_initrd a <<'IEOF'
D=/sys/kernel/debug/cohort
mount -t debugfs none /sys/kernel/debug
echo "inst: messaging $(cat /sys/kernel/cohort/messaging) members $(cat /sys/kernel/cohort/members)"
for s in 1 7 8 36 37 100 4096 65536; do
	echo "0 20 $s" >$D/send || echo "inst: FAIL send size $s"
	cat $D/result
done
echo "0 2000 64" >$D/send || echo "inst: FAIL send 2000"
cat $D/result
echo "0 20 16" >$D/ping && echo "inst: $(cat $D/result)"
echo "0 echo 1000 1000" >$D/request && echo "inst: $(cat $D/result)"
echo "inst: peer0 state $(cat /sys/kernel/cohort/peers/0/state) sent $(cat /sys/kernel/cohort/peers/0/sent) doorbells $(cat /sys/kernel/cohort/peers/0/doorbells) suppressed $(cat /sys/kernel/cohort/peers/0/doorbells_suppressed)"
IEOF

cohort create a --cpus 1 --memory 128M || die "create"
cohort load a --kernel /boot/bzImage --initrd /tmp/initrd-a || die "load"
echo >$D/sink
cohort start a || die "start"
wait_for 180 console_has a COHORT-EXIT || { cohort log a | tail -n 40; die "instance did not finish"; }
cohort log a | sed -n '/inst: \|send to\|COHORT-EXIT/p'
console_has a 'inst: FAIL' && bad "instance reported failures"
console_has a 'inst: messaging joined members 0-1' && ok "instance joined, sees members 0-1" || bad "instance membership"

# 8 sizes x 20 + 2000 messages, all checksummed.
want=$((8 * 20 + 2000))
got=$(sed -n 's/^from 1 received \([0-9]*\) .*/\1/p' $D/sink)
badn=$(sed -n 's/^from 1 received [0-9]* bytes [0-9]* bad \([0-9]*\)/\1/p' $D/sink)
[ "$got" = $want ] && [ "$badn" = 0 ] && ok "primary received $got/$want messages from 1, 0 bad" ||
	{ cat $D/sink; bad "primary sink: $got/$want received, $badn bad"; }
[ "$(cat /sys/kernel/cohort/members)" = 0-1 ] && ok "members 0-1" || bad "members $(cat /sys/kernel/cohort/members)"
[ "$(cat /sys/kernel/cohort/peers/1/state)" = joined ] || bad "peers/1/state $(cat /sys/kernel/cohort/peers/1/state)"
[ "$(cat /sys/kernel/cohort/peers/1/name)" = a ] || bad "peers/1/name $(cat /sys/kernel/cohort/peers/1/name)"
echo "peer 1: received $(cat /sys/kernel/cohort/peers/1/received) errors $(cat /sys/kernel/cohort/peers/1/errors) drops $(cat /sys/kernel/cohort/peers/1/drops) heartbeat $(cat /sys/kernel/cohort/peers/1/heartbeat) age $(cat /sys/kernel/cohort/peers/1/heartbeat_age_ms) ms"

# Primary -> instance.
for s in 1 36 37 4096 65536; do
	op send "1 20 $s" || bad "send size $s"
done
op send "1 2000 64" || bad "send 2000"
op ping "1 20 16" || bad "ping"
op request "1 echo 4000 1000" || bad "request echo"
t0=$(date +%s)
op request "1 blackhole 8 500" && bad "blackhole request did not time out"
grep -q 'error -110' $D/result && ok "request timed out (-ETIMEDOUT)" || bad "request: $(cat $D/result)"
op request "1 40 8 1000"
grep -q 'error -95' $D/result && ok "request of an unhandled type: -EOPNOTSUPP" || bad "unhandled request: $(cat $D/result)"
op request "5 echo 8 1000"
grep -q 'error -107' $D/result && ok "request to a non-member: -ENOTCONN" || bad "non-member: $(cat $D/result)"
sleep 1
r=$(cat /sys/kernel/cohort/peers/1/sent)
echo "primary -> 1: sent $r doorbells $(cat /sys/kernel/cohort/peers/1/doorbells) suppressed $(cat /sys/kernel/cohort/peers/1/doorbells_suppressed) full $(cat /sys/kernel/cohort/peers/1/full)"
cat /sys/kernel/cohort/msg_stats | tr '\n' ' '; echo

cohort stop a || bad "stop"
[ "$(cat /sys/kernel/cohort/members)" = 0 ] && ok "stopped instance left the membership" || bad "members after stop: $(cat /sys/kernel/cohort/members)"
[ "$(cat /sys/kernel/cohort/peers/1/state)" = absent ] || bad "peers/1/state after stop: $(cat /sys/kernel/cohort/peers/1/state)"
cohort delete a
exit_if_failed msg-basic
echo "msg-basic: messages both ways, all sizes, none lost"
