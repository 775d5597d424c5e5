# cohort takeover: an instance takes over another's AF_VSOCK address.
# Two instances serve the same vsock port; after `cohort takeover b a`,
# clients of a's old CID reach b (from the primary, and from a itself,
# instance to instance), each kernel's local CID query says its new CID,
# a connection that was open to the old owner is reset, the CIDs stay
# with the instances across a restart, an instance made later gets a
# free CID, and bad requests change nothing.
# vm: --smp 4 --mem 2G --append cohort_pool=768M
# timeout: 400
set -u
. /tests/vm/lib/common.sh

for n in a b; do
	make_initrd $n <<CMD
socat VSOCK-LISTEN:5000,fork,reuseaddr SYSTEM:'echo from-$n cid \$(cohort-vsock-check cid)' &
socat VSOCK-LISTEN:5001,fork,reuseaddr SYSTEM:'echo open; sleep 600' &
echo "serving $n"
# Instance to instance: who answers at CID 3?
while :; do
	echo "$n-sees: \$(socat -t 2 - VSOCK-CONNECT:3:5000 2>/dev/null)"
	sleep 1
done
CMD
done
cohort create a --cpus 2 --memory 128M && cohort create b --cpus 3 --memory 128M || die "create"
cohort load a --kernel /boot/bzImage --initrd /tmp/initrd-a || die "load a"
cohort load b --kernel /boot/bzImage --initrd /tmp/initrd-b || die "load b"
start_to_init a 1
start_to_init b 1
wait_for 60 console_has a 'serving a' && wait_for 60 console_has b 'serving b' || die "servers"
[ "$(attr a cid)" = 3 ] && [ "$(attr b cid)" = 4 ] && ok "a has CID 3, b CID 4" ||
	bad "CIDs before: a $(attr a cid), b $(attr b cid)"
ask() { socat -t 3 - VSOCK-CONNECT:$1:5000 2>/dev/null; }
wait_for 30 sh -c '[ "$(socat -t 3 - VSOCK-CONNECT:3:5000 2>/dev/null)" = "from-a cid 3" ]' &&
	ok "CID 3 answers: $(ask 3)" || bad "CID 3 answers '$(ask 3)'"

# A connection held open to a.
socat -u VSOCK-CONNECT:3:5001 - >/tmp/long.out 2>/tmp/long.err &
long=$!
wait_for 20 grep -q open /tmp/long.out || bad "the long connection did not open"

# Refused: itself, a name that is not there; nothing moves.
out=$(cohort takeover a a 2>&1); rc=$?
[ $rc = 1 ] && ok "takeover from itself refused: $out" || bad "takeover a a: exit $rc: $out"
out=$(cohort takeover a nosuch 2>&1); rc=$?
[ $rc = 3 ] && ok "takeover from a missing instance refused: $out" || bad "takeover a nosuch: exit $rc: $out"
out=$(cohort takeover a 2>&1); rc=$?
[ $rc = 2 ] && ok "a missing argument: $out" || bad "takeover a: exit $rc"
[ "$(attr a cid)" = 3 ] && [ "$(attr b cid)" = 4 ] && ok "refusals changed nothing" ||
	bad "after the refusals: a $(attr a cid), b $(attr b cid)"

now_ms() { awk '{ printf "%d", $1 * 1000 }' /proc/uptime; }
t0=$(now_ms)
out=$(cohort takeover b a) && ok "cohort takeover b a: $out" || bad "takeover failed: $out"
until [ "$(ask 3)" = "from-b cid 3" ]; do
	[ $(($(now_ms) - t0)) -gt 10000 ] && break
done
ms=$(($(now_ms) - t0))
[ "$(ask 3)" = "from-b cid 3" ] && ok "CID 3 is b's now ($ms ms after the takeover)" ||
	bad "CID 3 answers '$(ask 3)'"
[ "$(ask 4)" = "from-a cid 4" ] && ok "a answers at 4, and says so" || bad "CID 4 answers '$(ask 4)'"
[ "$(attr a cid)" = 4 ] && [ "$(attr b cid)" = 3 ] && ok "sysfs: a 4, b 3" ||
	bad "sysfs: a $(attr a cid), b $(attr b cid)"
wait_for 10 sh -c "! kill -0 $long 2>/dev/null" && ok "the connection open to the old owner was reset" ||
	bad "the connection to a's old address still stands"
wait_for 20 sh -c 'cohort log a | tr -d "\r" | grep -q "^a-sees: from-b cid 3"' &&
	ok "a itself reaches b at CID 3, instance to instance" ||
	bad "a sees: $(cohort log a | grep a-sees | tail -n 1)"

# The CIDs stay with the instances across a restart.
cohort stop --force b >/dev/null && cohort start b || die "restart b"
wait_for 150 sh -c '[ "$(socat -t 3 - VSOCK-CONNECT:3:5000 2>/dev/null)" = "from-b cid 3" ]' &&
	[ "$(attr b cid)" = 3 ] && ok "b keeps CID 3 across a restart" || bad "after b's restart: $(ask 3), cid $(attr b cid)"

# A new instance never gets a CID another one has.
cohort stop --force a >/dev/null
cohort delete a || bad "delete a"
[ "$(ask 3)" = "from-b cid 3" ] && ok "with a deleted (its id's own CID was 3), CID 3 is still b's" ||
	bad "after a's delete CID 3 answers '$(ask 3)'"
cohort create c --cpus 2 --memory 64M || die "create c"
[ "$(attr c id)" = 1 ] && [ "$(attr c cid)" = 4 ] &&
	ok "c (id 1, whose CID 3 is b's) gets the free CID 4" || bad "c: id $(attr c id) cid $(attr c cid)"
cohort delete c
cohort stop --force b >/dev/null
cohort delete b
kill $long 2>/dev/null
exit_if_failed takeover
echo "takeover: a vsock address moved between instances"
