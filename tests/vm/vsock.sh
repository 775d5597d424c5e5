# AF_VSOCK between kernels with Debian's socat, unmodified: the CIDs
# (primary 2, instance N at N + 2) as the peers see them; 100 MiB each
# way at once between the primary and an instance, and between two
# instances directly, sha256 checked at both ends; a port nobody listens
# on is refused at once (ECONNREFUSED); 300 connect/close cycles leave
# no socket behind; a peer force-stopped in the middle of a transfer
# resets the connection on the other side within a second or so: the
# reader gets ECONNRESET, as from TCP.
# vm: --smp 4 --mem 2G --append cohort_pool=1G --append slab_nomerge
# timeout: 900
set -eu
. /tests/vm/lib/common.sh

MB=100
BYTES=$((MB * 1048576))
EMPTY=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855

# Instance a: a sink that checks what it gets, a source that says what it
# sent, an echo for the cycles, and a source that never ends.
make_initrd a <<EOF
mkfifo /tmp/f1 /tmp/c1
(sha256sum </tmp/f1 | sed 's/^/a-sent /' >/dev/console) &
(wc -c </tmp/c1 >/tmp/n1) &
(s=\$(socat -u VSOCK-LISTEN:5001 - | tee /tmp/c1 | sha256sum | cut -d' ' -f1)
 sleep 1; echo "a-got \$s \$(cat /tmp/n1)" >/dev/console
 # what a's side counted, for when a byte went missing
 echo "a-counters \$(cd /sys/kernel/cohort/vsock && grep . * | tr '\n' ' ')" >/dev/console) &
head -c $BYTES /dev/urandom | tee /tmp/f1 | socat -u - VSOCK-LISTEN:5002 &
socat VSOCK-LISTEN:5003,fork EXEC:cat &
socat -u /dev/zero VSOCK-LISTEN:5004 &
# To the other instance, b (CID 4), once it listens.
sleep 1
while ! socat -u /dev/null VSOCK-CONNECT:4:6000 2>/dev/null; do sleep 1; done
mkfifo /tmp/f2
(sha256sum </tmp/f2 | sed 's/^/a-to-b-sent /' >/dev/console) &
head -c $BYTES /dev/urandom | tee /tmp/f2 | socat -u - VSOCK-CONNECT:4:6001
echo a-ready
wait
EOF
make_initrd b <<'EOF'
(socat -d -d -u VSOCK-LISTEN:6001 - 2>/tmp/log | sha256sum | sed 's/^/b-got /' >/dev/console
 grep -o 'accepting connection from.*' /tmp/log | head -n 1 >/dev/console) &
sleep 1
socat -u VSOCK-LISTEN:6000 /dev/null
wait
EOF

cohort create a --cpus 2 --memory 320M
cohort create b --cpus 3 --memory 320M
[ "$(attr a cid)" = 3 ] && [ "$(attr b cid)" = 4 ] && ok "CIDs: a 3, b 4" ||
	bad "CIDs: a $(attr a cid), b $(attr b cid)"
cohort show a | grep -q '^cid *3$' && ok "cohort show prints the CID" || bad "cohort show: no cid"
cohort list -j | grep -q '"cid":3' && ok "cohort list -j has the CID" || bad "cohort list -j: no cid"
cohort load a --kernel /boot/bzImage --initrd /tmp/initrd-a
cohort load b --kernel /boot/bzImage --initrd /tmp/initrd-b
start_to_init a 1
start_to_init b 1

# A port nobody listens on: refused at once.
t0=$(cut -d' ' -f1 /proc/uptime)
out=$(socat -u /dev/null VSOCK-CONNECT:3:4999 2>&1) && bad "connect to a closed port worked" ||
	{ echo "$out" | grep -q "Connection refused" && ok "closed port: $(echo "$out" | grep -o 'Connection refused')" ||
		bad "closed port: $out"; }
t1=$(cut -d' ' -f1 /proc/uptime)
awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a < 1.5) }' && ok "refused in $(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }') s" ||
	bad "refusal took $(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }') s"
out=$(socat -u /dev/null VSOCK-CONNECT:40:1 2>&1) && bad "connect to a CID nobody has worked" ||
	ok "CID 40 (no such kernel): $(echo "$out" | grep -o '[A-Z][a-z ]*$' | tail -n 1)"

# 100 MiB each way at once, primary <-> a.
mkfifo /tmp/f1
(sha256sum </tmp/f1 >/tmp/sent.sum) &
head -c $BYTES /dev/urandom | tee /tmp/f1 | socat -u - VSOCK-CONNECT:3:5001 &
send=$!
mkfifo /tmp/c2
(wc -c </tmp/c2 >/tmp/got.bytes) &
socat -u VSOCK-CONNECT:3:5002 - | tee /tmp/c2 | sha256sum >/tmp/got.sum &
recv=$!
wait $send && ok "$MB MiB sent to a" || bad "sending to a failed"
wait $recv && ok "$MB MiB received from a" || bad "receiving from a failed"
wait_for 60 console_has a '^a-got ' || bad "a did not report what it got"
got=$(cohort log a | tr -d '\r' | sed -n 's/^a-got \([0-9a-f]*\).*/\1/p')
n=$(cohort log a | tr -d '\r' | sed -n 's/^a-got [0-9a-f]* *\([0-9]*\)$/\1/p')
[ "$n" = $BYTES ] && ok "a got $n bytes" || {
	bad "a got '$n' bytes, not $BYTES"
	cohort log a | grep '^a-counters'
	echo "primary: $(cd /sys/kernel/cohort/vsock && grep . * | tr '\n' ' ')"
	cohort peers -a
}
[ "$got" != $EMPTY ] && [ "$got" = "$(cut -d' ' -f1 /tmp/sent.sum)" ] && ok "a got exactly what the primary sent" ||
	bad "a got $got, the primary sent $(cut -d' ' -f1 /tmp/sent.sum)"
wait_for 60 console_has a '^a-sent ' || bad "a did not report what it sent"
sent=$(cohort log a | tr -d '\r' | sed -n 's/^a-sent \([0-9a-f]*\).*/\1/p')
wait_for 10 test -s /tmp/got.bytes
[ "$(cat /tmp/got.bytes)" = $BYTES ] && ok "the primary got $BYTES bytes" || bad "the primary got $(cat /tmp/got.bytes) bytes"
[ "$sent" != $EMPTY ] && [ "$sent" = "$(cut -d' ' -f1 /tmp/got.sum)" ] && ok "the primary got exactly what a sent" ||
	bad "primary got $(cut -d' ' -f1 /tmp/got.sum), a sent $sent"

# Instance to instance, directly.
wait_for 300 console_has b '^b-got ' || bad "b did not report what it got from a"
sent=$(cohort log a | tr -d '\r' | sed -n 's/^a-to-b-sent \([0-9a-f]*\).*/\1/p')
got=$(cohort log b | tr -d '\r' | sed -n 's/^b-got \([0-9a-f]*\).*/\1/p')
[ -n "$got" ] && [ "$got" != $EMPTY ] && [ "$got" = "$sent" ] && ok "b got exactly what a sent it" ||
	bad "b got '$got', a sent '$sent'"
cohort log b | grep -q 'accepting connection from.*cid:3' && ok "b sees a as CID 3" ||
	bad "b's view of the peer: $(cohort log b | grep accepting)"

# 300 connect/close cycles: no socket left behind on the primary.
# Live AF_VSOCK sockets: objects in their own slab (slab_nomerge keeps it
# apart), and the kernel's unreclaimable slab memory.
# Shrinking the cache first frees its empty slabs and, on a KASAN
# kernel, the freed sockets its quarantine still holds.
vsocks() {
	echo 1 >/sys/kernel/slab/AF_VSOCK/shrink 2>/dev/null || true
	awk '$1 == "AF_VSOCK" { print $2 }' /proc/slabinfo
}
sunreclaim() { awk '/^SUnreclaim:/ { print $2 }' /proc/meminfo; }
grep -q '^AF_VSOCK ' /proc/slabinfo || bad "no AF_VSOCK slab to count sockets in"
mem_before=$(sunreclaim)
gone() { ! kill -0 "$1" 2>/dev/null; }
before=$(vsocks)
i=0 fails=0
while [ $i -lt 300 ]; do
	[ "$(echo hi | socat - VSOCK-CONNECT:3:5003 2>/dev/null)" = hi ] || fails=$((fails + 1))
	i=$((i + 1))
done
[ $fails = 0 ] && ok "300 connect/echo/close cycles" || bad "$fails of 300 cycles failed"
sleep 2
after=$(vsocks)
# SLUB counts every object of a CPU's current slab as active, so the
# count moves by a slab or two either way; 300 leaked sockets would not.
per=$(awk '$1 == "AF_VSOCK" { print $5 }' /proc/slabinfo)
[ "$after" -le $((before + 2 * per)) ] &&
	ok "no socket left behind ($before -> $after AF_VSOCK objects, $per per slab)" ||
	bad "sockets left: $before -> $after ($per per slab)"
mem_after=$(sunreclaim)
[ "$mem_after" -le $((mem_before + 512)) ] &&
	ok "unreclaimable slab memory back ($mem_before -> $mem_after KiB)" ||
	bad "unreclaimable slab grew from $mem_before to $mem_after KiB"

# A peer force-stopped mid-transfer: the reader is reset promptly.
# (-d -d: socat reports ECONNRESET on a read as a notice, and ends.)
socat -d -d -u VSOCK-CONNECT:3:5004 /dev/null 2>/tmp/reset.err &
reader=$!
sleep 2
kill -0 $reader 2>/dev/null && ok "an endless transfer from a runs" || bad "the endless transfer ended early: $(cat /tmp/reset.err)"
t0=$(cut -d' ' -f1 /proc/uptime)
cohort stop --force a
wait_for 10 gone $reader && {
	t1=$(cut -d' ' -f1 /proc/uptime)
	ok "the reader ended $(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }') s after the force-stop: $(grep ' read(' /tmp/reset.err | grep -o '[A-Z][a-z ]*$' | tail -n 1)"
} || { bad "the reader still waits 10 s after its peer was force-stopped"; kill $reader; }
# As a TCP reader whose peer vanished: ECONNRESET, not "not connected".
grep ' read(' /tmp/reset.err | grep -q 'Connection reset by peer' &&
	ok "the reader was told ECONNRESET" || bad "the reader's end: $(grep ' read(\| E ' /tmp/reset.err)"

cohort stop --force b 2>/dev/null || true
cohort delete a
cohort delete b
exit_if_failed vsock
echo "vsock: socat across kernels, both directions, instance to instance"
