# Quarantine is scoped to one boot of a kernel, in every kernel.  a makes
# its own control entry inconsistent (unknown flags, through the test
# interface standing in for a buggy kernel): the primary and b quarantine
# a.  a is restarted with an honest kernel: b (not only the primary) sees
# the new epoch, lifts the quarantine and talks to a again.  Then a is
# stopped and started five times while b watches: an honest kernel that
# leaves or joins is never quarantined.
# vm: --smp 4 --mem 2G --append cohort_pool=768M
# timeout: 500
set -u
. /tests/vm/lib/common.sh
D=/sys/kernel/debug/cohort
mount_debugfs

make_initrd b <<'EOF'
mount -t debugfs none /sys/kernel/debug
D=/sys/kernel/debug/cohort
while :; do
	r=$(echo "1 1 16" >$D/ping 2>/dev/null && echo ok || echo fail)
	echo "B-SEES $(cat /sys/kernel/cohort/peers/1/state) ping $r quarantines $(cat /sys/kernel/cohort/peers/1/quarantines)"
	sleep 1
done
EOF
make_initrd bad <<'EOF'
mount -t debugfs none /sys/kernel/debug
# flags of this kernel's entry (id 1): gen 8, id 4, state 4, apic_id 4
echo "$((0x1000 + 256 + 20)) 80000001" >/sys/kernel/debug/cohort/poke && echo A-FORGED
EOF
make_initrd good </dev/null

cohort create a --cpus 1 --memory 128M || die "create a"
cohort create b --cpus 2 --memory 128M || die "create b"
[ "$(attr a id)" = 1 ] || die "a is not id 1"
cohort load b --kernel /boot/bzImage --initrd /tmp/initrd-b || die "load b"
cohort load a --kernel /boot/bzImage --initrd /tmp/initrd-bad || die "load a"
start_to_init b 1
start_to_init a 1
wait_for 60 console_has a A-FORGED || die "a did not forge its entry"
wait_for 30 console_has b 'B-SEES quarantined' && ok "b quarantined a for its bad entry" ||
	bad "b: $(cohort log b | tail -n 1)"
wait_for 10 sh -c '[ "$(cat /sys/kernel/cohort/peers/1/state)" = quarantined ]' &&
	ok "the primary quarantined a" || bad "primary: $(cat /sys/kernel/cohort/peers/1/state)"

cohort stop --force a || die "stop a"
cohort load a --kernel /boot/bzImage --initrd /tmp/initrd-good || die "reload a"
start_to_init a 1
# b's latest line (it printed "joined ping ok" once before the forgery too)
last_b() { cohort log b | tr -d '\r' | grep 'B-SEES' | tail -n 1; }
b_now() { last_b | grep -q "$1"; }
wait_for 60 b_now 'B-SEES joined ping ok' &&
	ok "b lifted the quarantine when a joined again and pings it" || bad "b after a's restart: $(last_b)"
q=$(last_b | sed 's/.*quarantines //')
[ "$q" = 1 ] && ok "one quarantine counted in b" || bad "b counted $q quarantines"

for i in 1 2 3 4 5; do
	cohort stop a || bad "stop a ($i)"
	start_to_init a 1
done
wait_for 30 b_now 'B-SEES joined ping ok quarantines 1$' &&
	ok "five stops and starts of an honest a: b quarantined it no more" || bad "b after the cycles: $(last_b)"
[ "$(cat /sys/kernel/cohort/peers/1/quarantines)" = 1 ] && ok "nor did the primary" ||
	bad "primary counted $(cat /sys/kernel/cohort/peers/1/quarantines) quarantines"
cohort stop a; cohort stop b; cohort delete a; cohort delete b
exit_if_failed msg-rejoin
