# One million 64-byte messages, checksummed, from the primary to an
# instance and one million back, none lost; and doorbells per message
# under that load.
# vm: --smp 4 --mem 2G --append cohort_pool=768M
# timeout: 500
set -u
D=/sys/kernel/debug/cohort
N=${MSG_COUNT:-1000000}
. /tests/vm/lib/common.sh
mount_debugfs 2>/dev/null

{ echo "N=$N"; cat <<'IEOF'
D=/sys/kernel/debug/cohort
mount -t debugfs none /sys/kernel/debug
w() { n=1500; while ! eval "$1"; do n=$((n - 1)); [ $n -gt 0 ] || return 1; sleep 0.2; done; }
if w 'grep -q "^from 0 received $N bytes [0-9]* bad 0$" $D/sink'; then
	echo "inst: ok received $N from 0"
else
	echo "inst: FAIL from 0"; cat $D/sink
fi
echo "inst: from primary: $(cat /sys/kernel/cohort/peers/0/received) received, $(cat /sys/kernel/cohort/peers/0/drops) drops, $(cat /sys/kernel/cohort/peers/0/errors) errors"
echo "0 $N 64" >$D/send || echo "inst: FAIL send"
echo "inst: $(cat $D/result)"
IEOF
} | make_initrd m

cohort create m --cpus 2 --memory 128M || die "create"
cohort load m --kernel /boot/bzImage --initrd /tmp/initrd-m || die "load"
echo >$D/sink
cohort start m || die "start"
wait_for 180 sh -c '[ "$(cat /sys/kernel/cohort/peers/1/state)" = joined ]' || die "m did not join"
P=/sys/kernel/cohort/peers/1
echo "1 $N 64" >$D/send || bad "send: $(cat $D/result)"
r=$(cat $D/result); echo "$r"
ns=$(echo "$r" | sed -n 's/.* ns \([0-9]*\) .*/\1/p')
echo "primary -> m: $N messages in $((ns / 1000000)) ms, $(cat $P/doorbells) doorbells, $(cat $P/doorbells_suppressed) suppressed, $(cat $P/full) times full"
wait_for 300 console_has m 'COHORT-EXIT' || { cohort log m | tail -n 20; die "m did not finish"; }
cohort log m | grep 'inst:'
console_has m "inst: ok received $N from 0" && ok "m received $N from the primary, checksums right" || bad "m's sink"
console_has m 'inst: FAIL' && bad "m reported failures"
got=$(sed -n 's/^from 1 received \([0-9]*\) bytes [0-9]* bad 0$/\1/p' $D/sink)
[ "$got" = "$N" ] && ok "the primary received $N from m, checksums right" || { cat $D/sink; bad "primary sink: $got"; }
echo "primary <- m: drops $(cat $P/drops) errors $(cat $P/errors)"
[ "$(cat $P/drops)" = 0 ] && [ "$(cat $P/errors)" = 0 ] || bad "drops or errors"
cohort stop m || bad "stop"; cohort delete m
exit_if_failed msg-million
echo "msg-million: $N messages each way, none lost"
