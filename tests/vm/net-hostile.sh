# An instance whose root breaks its network link's rules on purpose
# (the test interface writes what a hostile kernel would): a head far
# beyond the ring, a record claiming 4 GiB, a consumed count beyond what
# was sent, and a frame with offloads no kernel accepts.  The primary
# takes the link down for the first three (carrier off, a log line, no
# oops, its memory unchanged), drops and counts the last and keeps the
# link, and each time the link works again once the instance restarts.
# vm: --smp 4 --mem 2G --append cohort_pool=768M
# timeout: 600
set -eu
. /tests/vm/lib/common.sh
. /tests/vm/lib/net.sh

stat_of() { cat "/sys/class/net/coh-a/statistics/$1"; }

# In a: a vsock service that takes eth0 down, breaks the link as asked
# and, for "gso", brings eth0 up again.
make_initrd a <<'EOF'
mount -t debugfs none /sys/kernel/debug
cat >/tmp/forge <<'X'
read kind
/usr/sbin/ip link set eth0 down
if echo "$kind" >/sys/kernel/debug/cohort/net_forge; then echo forged; else echo refused; fi
[ "$kind" != gso ] || /usr/sbin/ip link set eth0 up
X
socat VSOCK-LISTEN:7100,fork EXEC:'sh /tmp/forge' &
wait
EOF

cohort create a --cpus 1 --memory 256M --net >/dev/null
cohort load a --kernel /boot/bzImage --initrd /tmp/initrd-a --cmdline cohort.ip=169.254.3.2/24
ip link set coh-a up
ip addr add 169.254.3.1/24 dev coh-a
start_to_init a 1

link_works() { # when
	wait_for 10 carrier_is coh-a 1 || { bad "coh-a: no carrier $1"; return; }
	out=$(ping -c 3 -i 0.2 -W 2 169.254.3.2 2>&1) && ok "ping a $1" || bad "ping a $1: $out"
}
forge() { echo "$1" | socat - VSOCK-CONNECT:3:7100; }
restart() {
	cohort stop --force a >/dev/null
	cohort start a
	wait_for 150 console_has a 'init running' || die "a did not come back"
}

link_works "before"
slab0=$(awk '/^Slab:/ { print $2 }' /proc/meminfo)

# Offloads virtio_net_hdr_to_skb refuses: dropped, counted, link up.
e0=$(stat_of rx_errors)
[ "$(forge gso)" = forged ] || bad "the gso forgery was refused in a"
wait_for 5 sh -c "[ \$(cat /sys/class/net/coh-a/statistics/rx_errors) -gt $e0 ]" &&
	ok "bad offloads: dropped and counted (rx_errors $e0 -> $(stat_of rx_errors))" ||
	bad "rx_errors stayed $(stat_of rx_errors)"
carrier_is coh-a 1 && ok "the link stays up after bad offloads" || bad "carrier $(carrier coh-a)"
link_works "after bad offloads"

for kind in head len tail; do
	n0=$(dmesg | grep -c 'coh-a: the peer broke the' || true)
	[ "$(forge $kind)" = forged ] || bad "the $kind forgery was refused in a"
	# "tail" shows when the primary next sends.
	[ $kind != tail ] || ping -c 2 -W 1 169.254.3.2 >/dev/null 2>&1 || true
	wait_for 5 carrier_is coh-a 0 && ok "forged $kind: carrier down" || bad "forged $kind: carrier $(carrier coh-a)"
	[ "$(dmesg | grep -c 'coh-a: the peer broke the' || true)" -gt "$n0" ] &&
		ok "forged $kind: $(dmesg | grep -o 'the peer broke the [a-z]* ring' | tail -n 1)" ||
		bad "forged $kind: nothing logged"
	ping -c 2 -W 1 169.254.3.2 >/dev/null 2>&1 && bad "a answered over a broken link" || true
	restart
	link_works "after $kind and a restart"
done

slab1=$(awk '/^Slab:/ { print $2 }' /proc/meminfo)
# (About 0.2 MiB on the regular kernel; a KASAN kernel's quarantine
# keeps freed objects a while, hence the room.)
[ $((slab1 - slab0)) -lt 8192 ] && ok "slab memory: $slab0 kB before, $slab1 kB after" ||
	bad "slab memory grew from $slab0 to $slab1 kB"
cohort stop --force a >/dev/null
cohort delete a
dmesg | grep -E 'BUG:|WARNING:|Oops:|Call Trace' && bad "kernel warnings" || ok "no kernel warnings"
exit_if_failed net-hostile
