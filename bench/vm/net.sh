# The network link between kernels against a veth pair inside one
# kernel, with Debian's iperf3 and iputils' ping at both ends of both:
# TCP throughput (iperf3, 5 s, from the primary to an instance with two
# CPUs and two queue pairs; the baseline is iperf3 from the primary to a
# network namespace of its own over a veth pair) at MTU 1500 and at
# MTU 65535, and ping round trips (200 at 10 ms intervals; average).
# vm: --smp 4 --mem 2G --append cohort_pool=768M
# timeout: 600
set -e
. /tests/vm/lib/common.sh
# Debian's programs, not busybox's applets (which its sh prefers).
ip() { /usr/sbin/ip "$@"; }
ping() { /usr/bin/ping "$@"; }

make_initrd nb <<'CMD'
ip() { /usr/sbin/ip "$@"; }
ip link set eth0 mtu 65535
iperf3 -s >/dev/null 2>&1 &
wait
CMD
cohort create nb --cpus 2-3 --memory 256M >/dev/null
cohort net add nb >/dev/null
cohort load nb --kernel /boot/bzImage --initrd /tmp/initrd-nb \
	--cmdline cohort.ip=169.254.9.2/24
ip link set coh-nb up
ip addr add 169.254.9.1/24 dev coh-nb
start_to_init nb 2 >/dev/null

# The baseline: a veth pair, its far end in a namespace with iperf3.
mkdir -p /run/netns
ip netns add vb
ip link add vh type veth peer name vn
ip link set vn netns vb
ip addr add 169.254.8.1/24 dev vh
ip link set vh up
ip netns exec vb ip link set lo up
ip netns exec vb ip addr add 169.254.8.2/24 dev vn
ip netns exec vb ip link set vn up
ip netns exec vb iperf3 -s >/dev/null 2>&1 &
wait_for 30 ping -c 1 -W 1 169.254.9.2
wait_for 30 ping -c 1 -W 1 169.254.8.2
sleep 1

# Mbit/s of the receiver line of one iperf3 run.
mbits() {
	iperf3 -c "$1" -t 5 -f m | sed -n 's/.* \([0-9.]*\) Mbits\/sec.*receiver$/\1/p'
}
# Average round trip in ms.
rtt() {
	ping -c 200 -i 0.01 -q "$1" | sed -n 's/^rtt [^=]*= [0-9.]*\/\([0-9.]*\)\/.*/\1/p'
}
v1=$(mbits 169.254.8.2)
n1=$(mbits 169.254.9.2)
ip link set vh mtu 65535
ip netns exec vb ip link set vn mtu 65535
ip link set coh-nb mtu 65535
v64=$(mbits 169.254.8.2)
n64=$(mbits 169.254.9.2 || echo 0)
vr=$(rtt 169.254.8.2)
nr=$(rtt 169.254.9.2)
awk -v v1="$v1" -v n1="$n1" -v v64="$v64" -v n64="$n64" -v vr="$vr" -v nr="$nr" 'BEGIN {
	printf "BENCH veth_tcp_mtu1500 %.0f Mbit/s ratio=1.00 baseline=veth_tcp_mtu1500\n", v1
	printf "BENCH vnic_tcp_mtu1500 %.0f Mbit/s ratio=%.3f baseline=veth_tcp_mtu1500\n", n1, n1 / v1
	printf "BENCH veth_tcp_mtu65535 %.0f Mbit/s ratio=1.00 baseline=veth_tcp_mtu65535\n", v64
	printf "BENCH vnic_tcp_mtu65535 %.0f Mbit/s ratio=%.3f baseline=veth_tcp_mtu65535\n", n64, n64 / v64
	printf "BENCH veth_ping_rtt %.3f ms ratio=1.00 baseline=veth_ping_rtt\n", vr
	printf "BENCH vnic_ping_rtt %.3f ms ratio=%.3f baseline=veth_ping_rtt\n", nr, nr / vr
}'
cohort stop --force nb >/dev/null
cohort delete nb
