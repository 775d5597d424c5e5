# Messaging between the primary and one instance: membership and the
# control region in sysfs, messages both ways with checksums (sizes 1 B to
# 64 KiB), ping round trips, request/response with a timeout, counters.
# vm: --smp 4 --mem 2G --append cohort_pool=768M
# timeout: 400
set -u
D=/sys/kernel/debug/cohort
failed=0
bad() { echo "FAIL $*"; failed=$((failed + 1)); }
ok() { echo "ok   $*"; }
die() { echo "FAIL $*"; dmesg | grep 'cohort: ' | tail -n 30; exit 1; }
wait_for() { # seconds command...
	local n=$(($1 * 5)); shift
	while ! "$@" >/dev/null 2>&1; do
		n=$((n - 1)); [ $n -gt 0 ] || return 1; sleep 0.2
	done
}
console_has() { cohort log "$1" | grep -q "$2"; }
mount -t debugfs none /sys/kernel/debug 2>/dev/null
op() { echo "$2" >"$D/$1" && cat "$D/result"; }

[ "$(cat /sys/kernel/cohort/messaging)" = joined ] || die "primary messaging: $(cat /sys/kernel/cohort/messaging)"
[ "$(cat /sys/kernel/cohort/members)" = 0 ] || die "members $(cat /sys/kernel/cohort/members), expected 0"
[ "$(cat /sys/kernel/cohort/heartbeat_ms)" = 100 ] || bad "heartbeat_ms $(cat /sys/kernel/cohort/heartbeat_ms)"
[ "$(cat /sys/kernel/cohort/peers/0/state)" = self ] || bad "peers/0/state $(cat /sys/kernel/cohort/peers/0/state)"
grep -q 'Cohort pool' /proc/iomem || die "no pool"

# The instance: sends to the primary, pings it, asks it, then idles.
mkdir -p /tmp/x/cohort
cat >/tmp/x/cohort/cmd <<'IEOF'
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
(cd /tmp/x && find . | cpio -o -H newc 2>/dev/null | gzip) >/tmp/x.gz
cat /boot/instance-initrd.cpio.gz /tmp/x.gz >/tmp/initrd-a

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
if [ $failed != 0 ]; then dmesg | grep 'cohort: ' | tail -n 30; echo "msg-basic: $failed check(s) failed"; exit 1; fi
echo "msg-basic: messages both ways, all sizes, none lost"
