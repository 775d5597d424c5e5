# cohort takeover moves a network link: svc serves TCP on its address
# over its link (coh-svc in the primary); sb, booted with the same
# cohort.ip but no link (a warm standby), takes over svc's identity while
# a client in the primary keeps connecting.  Then the client reaches sb
# at the same address through the same coh-svc (name, address and MAC
# unchanged), sb's init put the address on its new eth0, svc's old link
# memory goes back to the pool when svc is deleted, sb keeps the link
# across a restart (also after taking svc's name), and refusals (a taker
# with a link of its own, a link for the instance that gave its away, a
# rename of an instance whose link carries its name, a pool with no room
# for the link's new memory) change nothing.
# vm: --smp 4 --mem 2G --append cohort_pool=768M
# timeout: 500
set -u
. /tests/vm/lib/common.sh

now_ms() { awk '{ printf "%d", $1 * 1000 }' /proc/uptime; }
for n in svc sb; do
	make_initrd $n <<CMD
socat TCP-LISTEN:80,fork,reuseaddr SYSTEM:'echo from-$n' &
echo "serving $n"
CMD
done
region_names() { cohort region list -j | grep -o '"name":"[^"]*"' | sort | tr '\n' ' '; }
regions0=$(region_names)
free0=$(cohort pool -j | grep -o '"free":[0-9]*')
cohort create svc --cpus 1 --memory 128M --net || die "create svc"
cohort create sb --cpus 2 --memory 128M || die "create sb"
for n in svc sb; do
	cohort load $n --kernel /boot/bzImage --initrd /tmp/initrd-$n \
		--cmdline cohort.ip=169.254.20.2/24 || die "load $n"
done
ip link set coh-svc up && ip addr add 169.254.20.1/24 dev coh-svc || die "coh-svc"
mac0=$(cat /sys/class/net/coh-svc/address)
start_to_init svc 1
start_to_init sb 1
ask() { socat -t 2 - TCP:169.254.20.2:80,connect-timeout=2 2>/dev/null; }
wait_for 60 sh -c '[ "$(socat -t 2 - TCP:169.254.20.2:80,connect-timeout=2 2>/dev/null)" = from-svc ]' &&
	ok "svc answers at 169.254.20.2 over coh-svc" || die "svc does not answer: '$(ask)'"
console_has sb "no eth0 yet" && ok "sb waits for a link: $(cohort log sb | tr -d '\r' | grep 'no eth0')" ||
	bad "sb's init said nothing about its missing eth0"

# Refused: a taker with a link of its own; nothing moves.
cohort create x --cpus 3 --memory 64M --net || die "create x"
out=$(cohort takeover x svc 2>&1); rc=$?
[ $rc != 0 ] && echo "$out" | grep -q "link of its own" && ok "a taker with its own link refused: $out" ||
	bad "takeover x svc: exit $rc: $out"
[ "$(attr svc net)" = coh-svc ] && [ "$(attr x net)" = coh-x ] && [ "$(attr svc cid)" = 3 ] &&
	[ "$(ask)" = from-svc ] && ok "the refusal changed nothing" ||
	bad "after the refusal: svc $(attr svc net) cid $(attr svc cid), x $(attr x net), answer '$(ask)'"
cohort delete x || bad "delete x"
out=$(cohort rename svc other 2>&1); rc=$?
[ $rc != 0 ] && echo "$out" | grep -q "named after it" && [ "$(attr svc net)" = coh-svc ] &&
	ok "renaming svc, whose link is coh-svc, refused: $out" || bad "rename svc: exit $rc: $out"

# Refused: the pool has no room for the link's new rings; nothing moves.
nfill=0
for sz in 256M 64M 16M 4M 2M; do
	while cohort region create fill$nfill --size $sz >/dev/null 2>&1; do nfill=$((nfill + 1)); done
done
out=$(cohort takeover sb svc 2>&1); rc=$?
[ $rc != 0 ] && echo "$out" | grep -q "no free range" && ok "a takeover with the pool full refused: $out" ||
	bad "takeover sb svc with the pool full: exit $rc: $out"
[ "$(attr svc net)" = coh-svc ] && [ -z "$(attr sb net)" ] && [ "$(attr svc cid)" = 3 ] &&
	[ "$(attr sb cid)" = 4 ] && [ "$(ask)" = from-svc ] && ok "the refusal changed nothing" ||
	bad "after the refusal: svc $(attr svc net) cid $(attr svc cid), sb '$(attr sb net)' cid $(attr sb cid), answer '$(ask)'"
for i in $(seq 0 $((nfill - 1))); do cohort region delete fill$i || bad "delete fill$i"; done

# A client that keeps connecting, one line per try.
(while :; do echo "$(now_ms) $(ask || echo none)"; done) >/tmp/tcp.log 2>&1 &
client=$!
sleep 3
t0=$(now_ms)
out=$(cohort takeover sb svc) && ok "cohort takeover sb svc: $(echo $out)" || bad "takeover: $out"
until [ "$(ask)" = from-sb ]; do
	[ $(($(now_ms) - t0)) -gt 20000 ] && break
done
ms=$(($(now_ms) - t0))
[ "$(ask)" = from-sb ] && ok "169.254.20.2 is sb's now, $ms ms after the takeover" ||
	bad "after the takeover 169.254.20.2 answers '$(ask)'"
sleep 2
kill $client 2>/dev/null
wait $client 2>/dev/null
awk -v t0="$t0" '$1 >= t0 && $2 == "none" { n++ } END { print "tcp client: " n + 0 " tries without an answer after the takeover" }' /tmp/tcp.log
grep -q from-svc /tmp/tcp.log && grep -q from-sb /tmp/tcp.log && ok "the client saw svc, then sb" ||
	bad "client log: $(sort -u -k2 /tmp/tcp.log | head -n 5)"
[ "$(attr sb net)" = coh-svc ] && [ -z "$(attr svc net)" ] && ok "sysfs: sb's link is coh-svc, svc has none" ||
	bad "sysfs: sb '$(attr sb net)', svc '$(attr svc net)'"
[ "$(cat /sys/class/net/coh-svc/address)" = "$mac0" ] && ip -4 addr show coh-svc | grep -q 169.254.20.1/24 &&
	ok "coh-svc kept its MAC ($mac0) and the primary's address" || bad "coh-svc changed: $(ip addr show coh-svc)"
console_has sb "eth0 came" && ok "sb's init put its address on the new eth0" || bad "sb: no 'eth0 came'"
out=$(cohort net add svc 2>&1); rc=$?
[ $rc != 0 ] && echo "$out" | grep -q "gave its link away" && ok "a new link for svc while it may use the old one refused: $out" ||
	bad "net add svc: exit $rc: $out"

# svc goes; its old link memory with it.
cohort stop --force svc >/dev/null; cohort delete svc || bad "delete svc"
r=$(region_names)
echo "$r" | grep -q '"net:svc"' && bad "net:svc outlived svc: $r" || ok "svc's old link memory went with it"
# sb takes the name; its link still carries it.
cohort rename sb svc >/dev/null && [ "$(attr svc net)" = coh-svc ] && ok "sb renamed svc, link coh-svc" ||
	bad "rename sb svc: $(attr svc net 2>&1)"
cohort stop --force svc >/dev/null && cohort start svc || die "restart svc"
wait_for 150 sh -c '[ "$(socat -t 2 - TCP:169.254.20.2:80,connect-timeout=2 2>/dev/null)" = from-sb ]' &&
	ok "after a restart the link works again (the kernel found it under its new owner)" ||
	bad "after the restart: '$(ask)', net $(attr svc net)"
cohort stop --force svc >/dev/null; cohort delete svc || bad "delete"
[ "$(region_names)" = "$regions0" ] && [ "$(cohort pool -j | grep -o '"free":[0-9]*')" = "$free0" ] &&
	ok "regions and pool as before" || bad "left: $(region_names) $(cohort pool -j)"
ip link show coh-svc >/dev/null 2>&1 && bad "coh-svc outlived its instance" || ok "coh-svc went with the last owner"
exit_if_failed takeover-net
echo "takeover-net: a network link moved between instances"
