# A kernel that sends past the credit its vsock peer gave (the test
# interface sends as a hostile kernel would, ignoring flow control): the
# receiving kernel cuts the connection off (the sender's end is reset,
# a counter and a log line say why) and does not queue the excess (32
# MiB sent, the receiver's unreclaimable slab grows by far less),
# and the sender's service still answers.
# vm: --smp 4 --mem 2G --append cohort_pool=768M --append slab_nomerge
# timeout: 600
set -eu
. /tests/vm/lib/common.sh

P=6100
make_initrd a <<EOF
mount -t debugfs none /sys/kernel/debug
# An honest connection to the primary's reader that never reads (P + 2)...
# (it sends nothing itself and waits for data or the end).
(socat -u VSOCK-CONNECT:2:$((P + 2)) - >/dev/null 2>/tmp/err
 echo "a-socat-exit \$? \$(tail -n 1 /tmp/err)" >/dev/console) &
# ...and another to an echo service, which must keep working.
sleep 1
echo a-connected
socat -t 120 VSOCK-LISTEN:7300,fork SYSTEM:'read n; echo $((P + 2)) \$n >/sys/kernel/debug/cohort/vsock_overrun && echo overran || echo refused' &
wait
EOF

V=/sys/kernel/cohort/vsock
cohort-vsock-check serve $P &
cohort create a --cpus 1 --memory 256M >/dev/null
cohort load a --kernel /boot/bzImage --initrd /tmp/initrd-a
start_to_init a 1
wait_for 20 console_has a a-connected || die "a did not connect"
sleep 1
o0=$(cat $V/rx_overrun)
sunr0=$(awk '/^SUnreclaim:/ { print $2 }' /proc/meminfo)

# 32 MiB into a 64 KiB buffer nobody reads (both socats wait for the
# answer: each gives up half a second after its input ends otherwise).
out=$(echo 33554432 | socat -t 120 - VSOCK-CONNECT:3:7300)
[ "$out" = overran ] && ok "a sent 32 MiB past its credit" || bad "the overrun in a: $out"
wait_for 10 sh -c "[ \$(cat $V/rx_overrun) -gt $o0 ]" &&
	ok "the primary cut the connection off (rx_overrun $o0 -> $(cat $V/rx_overrun))" ||
	bad "rx_overrun stayed $(cat $V/rx_overrun)"
dmesg | grep -q 'sent past its credit: connection reset' &&
	ok "logged: $(dmesg | grep -o 'vsock: CID.*' | tail -n 1)" || bad "nothing logged"
# virtio answers a reset with end-of-file on the reset side.
wait_for 10 console_has a '^a-socat-exit' &&
	ok "a's end was reset: its reader ended ($(cohort log a | tr -d '\r' | grep -o 'a-socat-exit.*'))" ||
	bad "a's socat still runs"
sleep 1
sunr1=$(awk '/^SUnreclaim:/ { print $2 }' /proc/meminfo)
# Far less than what was sent (a KASAN kernel's quarantine holds some
# freed buffers for a while, so not nothing).
[ $((sunr1 - sunr0)) -lt 12288 ] &&
	ok "the primary's unreclaimable slab: $sunr0 kB before, $sunr1 kB after" ||
	bad "unreclaimable slab grew from $sunr0 to $sunr1 kB"
[ "$(cat $V/rx_bad)" = 0 ] && ok "no malformed packets counted" || bad "rx_bad $(cat $V/rx_bad)"

# Honest traffic still flows both ways.
out=$(echo still-here | socat - VSOCK-CONNECT:3:7300 2>&1 || true)
[ "$out" = refused ] && ok "a's service answers (no connection left to overrun)" || bad "a's service: $out"
cohort stop --force a >/dev/null
cohort delete a
dmesg | grep -E 'BUG:|WARNING:|Oops:|Call Trace' && bad "kernel warnings" || ok "no kernel warnings"
exit_if_failed vsock-hostile
