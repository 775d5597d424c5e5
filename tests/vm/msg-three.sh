# Three kernels: the primary and instances a (id 1) and b (id 2).
# Instance to instance both ways (sizes 1 B .. 64 KiB, checksummed, none
# lost), pings between instances, multicast from the primary to both, and
# a service notification that reaches only the instance listening to it.
# vm: --smp 4 --mem 2G --append cohort_pool=768M
# timeout: 400
set -u
D=/sys/kernel/debug/cohort
. /tests/vm/lib/common.sh
mount_debugfs 2>/dev/null

# instance_cmd NAME PEER LISTEN FROM0: send to PEER, expect FROM0 sink
# messages from the primary and 4 * 50 + 1000 from PEER.
instance_cmd() {
	echo "me=$1 peer=$2 listen=$3 from0=$4"
	cat <<'IEOF'
D=/sys/kernel/debug/cohort
mount -t debugfs none /sys/kernel/debug
w() { n=900; while ! eval "$1"; do n=$((n - 1)); [ $n -gt 0 ] || return 1; sleep 0.2; done; }
[ -n "$listen" ] && echo "listen $listen" >$D/service
w '[ "$(cat /sys/kernel/cohort/peers/$peer/state)" = joined ]' || echo "inst $me: FAIL peer $peer never joined"
for s in 1 100 4096 65536; do
	echo "$peer 50 $s" >$D/send || echo "inst $me: FAIL send size $s: $(cat $D/result)"
done
echo "$peer 1000 64" >$D/send || echo "inst $me: FAIL send 1000: $(cat $D/result)"
echo "$peer 20 16" >$D/ping && echo "inst $me: $(cat $D/result)" || echo "inst $me: FAIL ping $peer"
want=$((4 * 50 + 1000))
if w 'grep -q "^from $peer received $want bytes [0-9]* bad 0$" $D/sink'; then
	echo "inst $me: ok received $want from $peer"
else
	echo "inst $me: FAIL from $peer:"; cat $D/sink
fi
if w 'grep -q "^from 0 received $from0 bytes [0-9]* bad 0$" $D/sink'; then
	echo "inst $me: ok received $from0 from 0"
else
	echo "inst $me: FAIL from 0:"; cat $D/sink
fi
cat $D/sink
# What the ring saw, for a failure's diagnosis.
for p in 0 $peer; do
	P=/sys/kernel/cohort/peers/$p
	echo "inst $me: peer $p sent $(cat $P/sent) received $(cat $P/received) errors $(cat $P/errors) drops $(cat $P/drops) full $(cat $P/full) stale $(cat $P/stale)"
done
IEOF
}

cohort create a --cpus 1 --memory 128M || die "create a"
cohort create b --cpus 2 --memory 128M || die "create b"
[ "$(cat /sys/kernel/cohort/instances/a/id)" = 1 ] && [ "$(cat /sys/kernel/cohort/instances/b/id)" = 2 ] || die "ids"
# a gets the multicast (100); b the multicast and the notification (110).
instance_cmd a 2 "" 100 | make_initrd a
instance_cmd b 1 7 110 | make_initrd b
cohort load a --kernel /boot/bzImage --initrd /tmp/initrd-a || die "load a"
cohort load b --kernel /boot/bzImage --initrd /tmp/initrd-b || die "load b"
cohort start a || die "start a"
cohort start b || die "start b"
wait_for 180 members_are 0-2 || die "members $(cat /sys/kernel/cohort/members), expected 0-2"
ok "members 0-2"
wait_for 30 sh -c "[ \"\$(cat /sys/kernel/cohort/peers/2/services_listening)\" = 0x80 ]" ||
	bad "b does not listen to service 7: $(cat /sys/kernel/cohort/peers/2/services_listening)"

echo "0x6 100 256" >$D/multicast || bad "multicast: $(cat $D/result)"
cat $D/result
grep -q 'sent_to 0x6 count 100' $D/result && ok "multicast to 1 and 2" || bad "multicast: $(cat $D/result)"
echo "notify 7 10 32" >$D/service || bad "notify: $(cat $D/result)"
cat $D/result
grep -q 'listeners 0x4 sent_to 0x4 count 10' $D/result && ok "service 7 notification went to b only" ||
	bad "notify: $(cat $D/result)"

for n in a b; do
	wait_for 180 console_has $n COHORT-EXIT || { cohort log $n | tail -n 30; die "$n did not finish"; }
	cohort log $n | grep "inst $n:"
	console_has $n "inst $n: FAIL" && bad "$n reported failures"
done
console_has a 'inst a: ok received 1200 from 2' || bad "a: messages from b"
console_has b 'inst b: ok received 1200 from 1' || bad "b: messages from a"
console_has a 'inst a: ok received 100 from 0' || bad "a: multicast"
console_has b 'inst b: ok received 110 from 0' || bad "b: multicast + notification"
for i in 1 2; do
	echo "peer $i: state $(cat /sys/kernel/cohort/peers/$i/state) name $(cat /sys/kernel/cohort/peers/$i/name) sent $(cat /sys/kernel/cohort/peers/$i/sent) doorbells $(cat /sys/kernel/cohort/peers/$i/doorbells) errors $(cat /sys/kernel/cohort/peers/$i/errors) drops $(cat /sys/kernel/cohort/peers/$i/drops)"
done
cohort stop a || bad "stop a"
wait_for 5 members_are 0,2 || bad "members after stopping a: $(cat /sys/kernel/cohort/members)"
cohort stop b || bad "stop b"
members_are 0 || bad "members after stopping both: $(cat /sys/kernel/cohort/members)"
cohort delete a; cohort delete b
exit_if_failed msg-three
echo "msg-three: instance to instance, multicast and service notification work"
