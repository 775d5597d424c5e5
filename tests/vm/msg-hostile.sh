# A hostile instance: b (id 2) writes random bytes into the rings of the
# primary and of instance a (id 1): forged slots under its own id with a
# valid checksum and pure random slots.  Neither receiver crashes; both
# drop the garbage and count the errors against the id the slots claim,
# but quarantine nobody (a slot's sender id can be forged, so it is no
# proof: docs/security.md); a and the primary keep talking, every message
# they send after the attack arrives intact (or the sender was told
# -ECANCELED), and b's own well-formed messages are still taken.
# vm: --smp 4 --mem 2G --append cohort_pool=768M
# timeout: 400
set -u
D=/sys/kernel/debug/cohort
. /tests/vm/lib/common.sh
mount_debugfs 2>/dev/null

# a: waits for the primary's messages (until their count stops moving),
# reports them, then sends 1000 messages to the primary and pings it.
cat >/tmp/cmd-a <<'IEOF'
D=/sys/kernel/debug/cohort
mount -t debugfs none /sys/kernel/debug
w() { n=900; while ! eval "$1"; do n=$((n - 1)); [ $n -gt 0 ] || return 1; sleep 0.2; done; }
w 'grep -q "^from 0 received [1-9]" $D/sink' || echo "inst a: FAIL nothing from the primary"
last=x
while :; do
	now=$(grep '^from 0 ' $D/sink)
	[ "$now" = "$last" ] && break
	last=$now; sleep 2
done
echo "inst a: sink $now"
echo "0 1000 100" >$D/send; echo "inst a: $(cat $D/result)"
echo "0 10 16" >$D/ping && echo "inst a: $(cat $D/result)" || echo "inst a: FAIL ping"
echo "inst a: peer 2 state $(cat /sys/kernel/cohort/peers/2/state) errors $(cat /sys/kernel/cohort/peers/2/errors) quarantines $(cat /sys/kernel/cohort/peers/2/quarantines)"
echo "inst a: stats $(cat /sys/kernel/cohort/msg_stats | tr '\n' ' ')"
IEOF
# b: the hostile one.
cat >/tmp/cmd-b <<'IEOF'
D=/sys/kernel/debug/cohort
mount -t debugfs none /sys/kernel/debug
w() { n=900; while ! eval "$1"; do n=$((n - 1)); [ $n -gt 0 ] || return 1; sleep 0.2; done; }
w '[ "$(cat /sys/kernel/cohort/peers/1/state)" = joined ]'
echo "0 64" >$D/scribble && echo "inst b: $(cat $D/result)"
echo "1 64" >$D/scribble && echo "inst b: $(cat $D/result)"
echo "inst b: scribbled"
echo "0 10 64" >$D/send; echo "inst b: $(cat $D/result)"
IEOF
make_initrd a </tmp/cmd-a
make_initrd b </tmp/cmd-b
cohort create a --cpus 1 --memory 128M || die "create a"
cohort create b --cpus 2 --memory 128M || die "create b"
cohort load a --kernel /boot/bzImage --initrd /tmp/initrd-a || die "load a"
cohort load b --kernel /boot/bzImage --initrd /tmp/initrd-b || die "load b"
echo >$D/sink
cohort start a || die "start a"
cohort start b || die "start b"
wait_for 180 console_has b 'inst b: scribbled' || { cohort log b | tail -n 20; die "b did not scribble"; }
wait_for 180 console_has b COHORT-EXIT || die "b did not finish"
cohort log b | grep 'inst b:'
[ "$(cat /sys/kernel/cohort/peers/2/state)" = joined ] &&
	ok "the primary did not quarantine b on the word of its ring" || bad "peers/2/state $(cat /sys/kernel/cohort/peers/2/state)"
echo "primary: peer 2 errors $(cat /sys/kernel/cohort/peers/2/errors) drops $(cat /sys/kernel/cohort/peers/2/drops) quarantines $(cat /sys/kernel/cohort/peers/2/quarantines)"
echo "primary: $(cat /sys/kernel/cohort/msg_stats | tr '\n' ' ')"
[ "$(cat /sys/kernel/cohort/peers/2/errors)" -gt 0 ] && ok "errors counted against b" || bad "no errors counted against b"
wait_for 20 grep -q '^from 2 received [1-9]' $D/sink && ok "b's well-formed messages are taken: $(grep '^from 2' $D/sink)" ||
	bad "nothing from b after its garbage: $(cat $D/sink)"

# The others keep working: every message sent after the attack arrives
# intact, or its sender was told it was lost (-ECANCELED: it ran into a
# slot b scribbled on).
echo "1 1000 100" >$D/send; cat $D/result
f=$(sed -n 's/.* fails \([0-9]*\) .*/\1/p' $D/result)
wait_for 120 console_has a COHORT-EXIT || { cohort log a | tail -n 20; die "a did not finish"; }
cohort log a | grep 'inst a:'
console_has a 'inst a: FAIL' && bad "a reported failures"
console_has a 'inst a: peer 2 state joined errors [1-9]' && ok "a counted b's garbage and did not quarantine it" ||
	bad "a: $(cohort log a | grep 'peer 2 state')"
ga=$(cohort log a | sed -n 's/^inst a: sink from 0 received \([0-9]*\) bytes [0-9]* bad 0.*/\1/p')
echo "to a: sent 1000, ${f:-?} reported lost, a received ${ga:-?} intact"
[ -n "$ga" ] && [ -n "$f" ] && [ $((ga + f)) = 1000 ] && ok "every message to a arrived intact or was reported lost" ||
	bad "messages to a"
echo "1 10 16" >$D/ping && cat $D/result || bad "ping a: $(cat $D/result)"
fa=$(cohort log a | sed -n 's/^inst a: send to 0 count [0-9]* size 100 ns [0-9]* fails \([0-9]*\) .*/\1/p')
got=$(sed -n 's/^from 1 received \([0-9]*\) bytes [0-9]* bad 0$/\1/p' $D/sink)
echo "from a: received ${got:-?}, a's send reported ${fa:-?} cancelled"
[ -n "$got" ] && [ -n "$fa" ] && [ $((got + fa)) -ge 1000 ] && ok "every message from a arrived intact or was reported lost" ||
	{ cat $D/sink; bad "messages from a"; }
[ "$(cat /sys/kernel/cohort/instances/a/state)" = running ] || bad "a: $(cat /sys/kernel/cohort/instances/a/state)"
cohort stop a || bad "stop a"; cohort stop --force b || bad "stop b"
cohort delete a; cohort delete b
exit_if_failed msg-hostile
echo "msg-hostile: a scribbling peer's garbage was dropped, the others kept working"
