# Network links between kernels with the ordinary tools (iproute2's ip, a
# Linux bridge, iputils' ping, iperf3; all Debian's, unmodified): a link
# added before the start and one added to a running instance (eth0 turns
# up there), one queue pair per instance CPU; ping, flood ping, 64 KiB
# MTU with unfragmented 65000-byte pings, iperf3 both ways between the
# primary and an instance and between two instances through a bridge in
# the primary, b's address by DHCP from the primary; the carrier drops
# when the instance panics, comes back with the same name when it starts
# again, and the link works again; a
# link is not removed while its instance may run; the pool is whole again
# at the end.
# vm: --smp 4 --mem 2G --append cohort_pool=1G
# timeout: 900
set -eu
. /tests/vm/lib/common.sh
. /tests/vm/lib/net.sh
free0=$(cohort pool -j | grep -o '"free":[0-9]*')

# iperf3's receiver line: "... 1.23 GBytes  3.52 Gbits/sec  receiver".
rate() { sed -n 's/.*  \([0-9.]* [KMG]*bits\/sec\).*receiver$/\1/p' "$1" | tail -n 1; }

# Instance a: one CPU, two addresses (direct link, then bridge); an
# iperf3 server; a panic on demand over vsock.  Both instances' commands
# begin with the primary's lib/net.sh (check.sh keeps that one fresh).
{ cat /tests/vm/lib/net.sh; cat; } <<'EOF' | make_initrd a
ip link set eth0 mtu 65535
iperf3 -s >/dev/null 2>&1 &
socat VSOCK-LISTEN:7777 SYSTEM:'echo c >/proc/sysrq-trigger' &
ls -d /sys/class/net/eth0/queues/rx-* | wc -l | sed 's/^/a-queues /'
# To b through the primary's bridge, once it is there.
n=0
while ! ping -c 1 -W 1 169.254.2.3 >/dev/null 2>&1; do
	n=$((n + 1)); [ $n -lt 300 ] || { echo a-to-b-unreachable; exit 1; }
	sleep 1
done
ping -c 5 -i 0.2 169.254.2.3 | tail -n 2 | sed 's/^/a-to-b-ping /'
iperf3 -c 169.254.2.3 -p 5202 -t 3 >/tmp/ab.txt 2>&1 && echo "a-to-b-iperf $(sed -n 's/.*  \([0-9.]* [KMG]*bits\/sec\).*receiver$/\1/p' /tmp/ab.txt)" ||
	{ echo a-to-b-iperf-failed; cat /tmp/ab.txt; }
wait
EOF
# Instance b: two CPUs, its link added while it runs; an iperf3 server.
{ cat /tests/vm/lib/net.sh; cat; } <<'EOF' | make_initrd b
ip link set lo up
n=0
while [ ! -e /sys/class/net/eth0 ]; do
	n=$((n + 1)); [ $n -lt 600 ] || { echo b-no-eth0; exit 1; }
	sleep 0.1
done
echo "b-eth0-appeared $(ls -d /sys/class/net/eth0/queues/rx-* | wc -l) queues"
ip link set eth0 up
# Its address by DHCP (busybox's udhcpc) from the primary's udhcpd.
cat >/tmp/dhcp.sh <<'X'
#!/bin/sh
[ "$1" = bound ] || exit 0
/usr/sbin/ip addr add "$ip/24" dev "$interface"
echo "b-dhcp-bound $ip" >/dev/console
X
chmod +x /tmp/dhcp.sh
n=0
until udhcpc -i eth0 -f -q -n -t 3 -T 1 -s /tmp/dhcp.sh >/dev/null 2>&1; do
	n=$((n + 1)); [ $n -lt 100 ] || { echo b-no-dhcp; exit 1; }
done
iperf3 -s >/dev/null 2>&1 &
iperf3 -s -p 5202 >/dev/null 2>&1 &
wait
EOF

cohort create a --cpus 1 --memory 320M
cohort create b --cpus 2-3 --memory 320M
out=$(cohort net add a) && ok "net add a: $out" || bad "net add a failed: $out"
[ "$(attr a net)" = coh-a ] && ok "instances/a/net is coh-a" || bad "instances/a/net: $(attr a net)"
ip link show coh-a >/dev/null && ok "the primary has coh-a" || bad "no coh-a"
[ "$(ls -d /sys/class/net/coh-a/queues/tx-* | wc -l)" = 1 ] &&
	ok "coh-a: one queue pair for a's one CPU" || bad "coh-a queues: $(ls /sys/class/net/coh-a/queues)"
cohort region list | grep -q 'net:a' && ok "its memory shows as region net:a" || bad "no region net:a"
out=$(cohort net add a 2>&1) && bad "a second link was added" || ok "second link refused: $out"
out=$(cohort region delete net:a 2>&1) && bad "region net:a deleted by hand" || ok "region net:a not deletable: $out"
ip link set coh-a up
ip addr add 169.254.1.1/24 dev coh-a
carrier_is coh-a 0 && ok "coh-a: no carrier before a runs" || bad "coh-a carrier $(carrier coh-a) before a runs"

cohort load a --kernel /boot/bzImage --initrd /tmp/initrd-a \
	--cmdline "cohort.ip=169.254.1.2/24,169.254.2.2/24"
cohort load b --kernel /boot/bzImage --initrd /tmp/initrd-b
start_to_init a 1
start_to_init b 2
wait_for 10 carrier_is coh-a 1 && ok "coh-a: carrier up once a runs" || bad "coh-a carrier $(carrier coh-a)"
wait_for 10 console_has a '^a-queues 1' && ok "a's eth0 has 1 queue pair" || bad "a's eth0: $(cohort log a | grep a-queues)"

# Primary <-> a, directly.
out=$(ping -c 5 -i 0.2 169.254.1.2 2>&1) && ok "ping a: $(echo "$out" | grep -o '[0-9]* received')" ||
	bad "ping a: $out"
out=$(ping -f -c 2000 169.254.1.2 2>&1) && echo "$out" | grep -q ' 0% packet loss' &&
	ok "flood ping a: $(echo "$out" | grep -o '[0-9]* received.*loss')" || bad "flood ping a: $out"
iperf3 -c 169.254.1.2 -t 3 >/tmp/pa.txt 2>&1 && [ -n "$(rate /tmp/pa.txt)" ] &&
	ok "iperf3 primary -> a: $(rate /tmp/pa.txt)" || { bad "iperf3 to a"; cat /tmp/pa.txt; }
iperf3 -c 169.254.1.2 -t 3 -R >/tmp/ap.txt 2>&1 && [ -n "$(rate /tmp/ap.txt)" ] &&
	ok "iperf3 a -> primary: $(rate /tmp/ap.txt)" || { bad "iperf3 from a"; cat /tmp/ap.txt; }
ip -s link show coh-a | grep -A1 'RX:' | tail -n 1 >/tmp/rx
ok "coh-a counters after iperf3 (RX bytes packets errors ...): $(cat /tmp/rx)"

# 64 KiB frames: MTU 65535 at both ends, a 65000-byte ping not fragmented.
ip link set coh-a mtu 65535
out=$(ping -c 3 -s 65000 -M do 169.254.1.2 2>&1) &&
	ok "65000-byte pings, not fragmented (MTU 65535 both ends): $(echo "$out" | grep -o '[0-9]* received')" ||
	bad "65000-byte ping: $out"
iperf3 -c 169.254.1.2 -t 3 >/tmp/pa64.txt 2>&1 && [ -n "$(rate /tmp/pa64.txt)" ] &&
	ok "iperf3 primary -> a at MTU 65535: $(rate /tmp/pa64.txt)" || { bad "iperf3 at MTU 65535"; cat /tmp/pa64.txt; }

# Hot add: b was started without a link.
[ -z "$(attr b net)" ] && ok "b has no link yet" || bad "instances/b/net: $(attr b net)"
out=$(cohort net add b) && ok "net add b (running): $out" || bad "net add b: $out"
wait_for 10 console_has b 'b-eth0-appeared' && ok "eth0 appeared in b: $(cohort log b | tr -d '\r' | grep -o 'b-eth0-appeared.*')" ||
	bad "no eth0 in b"
cohort log b | grep -q 'b-eth0-appeared 2 queues' && ok "b's eth0 has 2 queue pairs (2 CPUs)" || bad "b's queues: $(cohort log b | grep b-eth0)"
ip link set coh-b up
wait_for 10 carrier_is coh-b 1 && ok "coh-b: carrier up" || bad "coh-b carrier $(carrier coh-b)"

# A bridge: the primary on br0, a and b behind it.
ip link add br0 type bridge
ip link set coh-a master br0
ip link set coh-b master br0
ip link set br0 up
ip addr add 169.254.2.1/24 dev br0
cat >/tmp/udhcpd.conf <<'X'
start 169.254.2.3
end 169.254.2.3
interface br0
lease_file /tmp/udhcpd.leases
option subnet 255.255.255.0
X
touch /tmp/udhcpd.leases
udhcpd -f /tmp/udhcpd.conf >/dev/null 2>&1 &
dhcpd=$!
wait_for 60 console_has b '^b-dhcp-bound 169.254.2.3' &&
	ok "b took 169.254.2.3 by DHCP from the primary's udhcpd on br0" || bad "b got no DHCP lease"
kill $dhcpd 2>/dev/null || true
wait_for 30 ping -c 1 -W 1 169.254.2.3 && ok "primary reaches b through br0" || bad "b unreachable through br0"
out=$(ping -c 3 -i 0.2 169.254.2.2 2>&1) && ok "primary reaches a through br0" || bad "a through br0: $out"
iperf3 -c 169.254.2.3 -t 3 >/tmp/pb.txt 2>&1 && [ -n "$(rate /tmp/pb.txt)" ] &&
	ok "iperf3 primary -> b (2 queues): $(rate /tmp/pb.txt)" || { bad "iperf3 to b"; cat /tmp/pb.txt; }
wait_for 120 console_has a '^a-to-b-iperf' || bad "a did not finish with b"
cohort log a | tr -d '\r' | grep -q '^a-to-b-ping .* 0% packet loss' &&
	ok "a pings b through the bridge: $(cohort log a | tr -d '\r' | grep -o 'a-to-b-ping [0-9]* packets.*loss')" ||
	bad "a to b ping: $(cohort log a | grep a-to-b)"
r=$(cohort log a | tr -d '\r' | sed -n 's/^a-to-b-iperf \(.*bits\/sec\)$/\1/p')
[ -n "$r" ] && ok "iperf3 a -> b through the bridge: $r" || bad "iperf3 a to b: $(cohort log a | grep -A5 a-to-b-iperf)"

# Removing a link of a running instance is refused.
out=$(cohort net del a 2>&1) && bad "net del of a running instance worked" || ok "net del while running refused: $out"

# a panics: coh-a loses its carrier, keeps its name and bridge port.
socat -u /dev/null VSOCK-CONNECT:3:7777 2>/dev/null || true
wait_for 30 state_is a failed && ok "a panicked (state failed)" || bad "a: state $(attr a state)"
wait_for 5 carrier_is coh-a 0 && ok "coh-a: carrier down after the panic" || bad "coh-a carrier $(carrier coh-a) after the panic"
# Frames sent meanwhile go nowhere and block nothing.
ping -c 3 -W 1 169.254.2.2 >/dev/null 2>&1 && bad "a answered while dead" || ok "no answer from the dead a"
# Its CPUs come back with a stop; then it starts again.
cohort stop a
cohort start a
wait_for 150 console_has a 'init running' || die "a did not come back"
wait_for 10 carrier_is coh-a 1 && ok "coh-a: carrier up again after the restart" || bad "coh-a carrier $(carrier coh-a) after the restart"
ip link show coh-a | grep -q 'master br0' && ok "coh-a is still a port of br0" || bad "coh-a left br0"
out=$(ping -c 3 -i 0.2 169.254.2.2 2>&1) && ok "ping a after the restart" || bad "ping after the restart: $out"
iperf3 -c 169.254.2.2 -t 2 >/tmp/pa2.txt 2>&1 && [ -n "$(rate /tmp/pa2.txt)" ] &&
	ok "iperf3 to a after the restart: $(rate /tmp/pa2.txt)" || { bad "iperf3 after the restart"; cat /tmp/pa2.txt; }

# A force-stop: the same.
cohort stop --force b
wait_for 5 carrier_is coh-b 0 && ok "coh-b: carrier down after a force-stop" || bad "coh-b carrier $(carrier coh-b) after a force-stop"

cohort stop --force a
out=$(cohort net del a) && ok "net del a once stopped: $out" || bad "net del a: $out"
ip link show coh-a >/dev/null 2>&1 && bad "coh-a still there" || ok "coh-a is gone"
cohort region list | grep -q 'net:a' && bad "region net:a still there" || ok "region net:a is gone"
[ -z "$(attr a net)" ] && ok "instances/a/net is empty" || bad "instances/a/net: $(attr a net)"
cohort delete a
cohort delete b
ip link show coh-b >/dev/null 2>&1 && bad "coh-b outlived its instance" || ok "coh-b went with b"

# A name too long for coh-NAME gets coh#ID; an instance named by that
# number still gets its own link.
cohort create a-rather-long-name --cpus 1 --memory 64M >/dev/null || die "create long"
lid=$(attr a-rather-long-name id)
cohort create "$lid" --cpus 2 --memory 64M >/dev/null || die "create $lid"
cohort net add a-rather-long-name >/dev/null && [ "$(attr a-rather-long-name net)" = "coh#$lid" ] &&
	ok "a long name's link is coh#$lid" || bad "long name's link: $(attr a-rather-long-name net)"
cohort region list | grep -q "net:#$lid" || cohort region list | grep -q 'net:a-rather-long-name' ||
	bad "no region for the long name's link"
out=$(cohort net add "$lid" 2>&1) && [ "$(attr "$lid" net)" = "coh-$lid" ] &&
	ok "instance '$lid' gets coh-$lid beside it" || bad "instance '$lid': $out"
cohort delete a-rather-long-name
cohort delete "$lid"
free1=$(cohort pool -j | grep -o '"free":[0-9]*')
[ "$free0" = "$free1" ] && ok "the pool is whole again ($free1)" || bad "pool free $free0 before, $free1 after"
dmesg | grep -E 'BUG:|WARNING:|Oops:|Call Trace' && bad "kernel warnings" || ok "no kernel warnings"
exit_if_failed net
