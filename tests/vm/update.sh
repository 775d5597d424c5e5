# cohort update: a running instance gets a new kernel beside it and its
# service moves over.  svc serves vsock port 5000 and keeps a boot count
# on a cohortfs region.  prepare boots svc.next (same CPU count on free
# CPUs, same memory, the region, the new command line) while svc keeps
# serving; commit moves the vsock address, stops the old kernel and
# gives the new one svc's name; the new kernel saw the state (the count
# went on).  A failed prepare (a kernel that panics, a health check that
# never passes) rolls back by itself, keeping the console; rollback
# after prepare leaves svc as it was; bad requests change nothing.  svc
# also serves TCP over a network link (coh-svc, 169.254.40.2): the link
# moves with the commit.  Two clients (cohort-svc-gap, one over vsock,
# one over TCP) ask throughout the whole update: both hear the new
# kernel at the end; their longest gaps and failed tries are printed.
# vm: --smp 4 --mem 2G --append cohort_pool=768M
# timeout: 600
set -u
. /tests/vm/lib/common.sh

cohort region create state --size 16M || die "region"
mkdir -p /mnt/s && mount -t cohortfs -o region=state,format none /mnt/s && umount /mnt/s || die "format"
make_initrd svc <<'CMD'
mkdir -p /mnt/s
mount -t cohortfs -o region=state none /mnt/s || echo "no state"
n=$(cat /mnt/s/count 2>/dev/null || echo 0)
echo $((n + 1)) >/mnt/s/count
socat VSOCK-LISTEN:5000,fork,reuseaddr SYSTEM:'echo $(grep -o "kver=[0-9]*" /proc/cmdline) count=$(cat /mnt/s/count)' &
socat TCP-LISTEN:80,fork,reuseaddr SYSTEM:'grep -o "kver=[0-9]*" /proc/cmdline' &
echo "svc serving"
CMD
cohort create svc --cpus 2 --memory 128M --net || die "create"
cohort region grant state svc || die "grant"
cohort load svc --kernel /boot/bzImage --initrd /tmp/initrd-svc --cmdline "kver=1 cohort.ip=169.254.40.2/24" || die "load"
ip link set coh-svc up && ip addr add 169.254.40.1/24 dev coh-svc || die "coh-svc"
start_to_init svc 1
wait_for 60 console_has svc 'svc serving' || die "svc does not serve"
ask() { socat -t 3 - VSOCK-CONNECT:3:5000 2>/dev/null; }
# socat went to the background before it listened: wait for its answer.
wait_for 30 sh -c '[ -n "$(socat -t 3 - VSOCK-CONNECT:3:5000 2>/dev/null)" ]' || die "svc does not answer"
[ "$(ask)" = "kver=1 count=1" ] && ok "svc serves: $(ask)" || bad "svc answers '$(ask)'"

# Refusals: nothing changes.
out=$(cohort update svc 2>&1); rc=$?
[ $rc = 2 ] && ok "no --kernel: $out" || bad "update without --kernel: $rc $out"
out=$(cohort update commit svc 2>&1); rc=$?
[ $rc = 1 ] && ok "commit with nothing prepared: $out" || bad "commit: $rc $out"
out=$(cohort update rollback svc 2>&1); rc=$?
[ $rc = 1 ] && ok "rollback with nothing prepared: $out" || bad "rollback: $rc $out"
out=$(cohort update nosuch --kernel /boot/bzImage 2>&1); rc=$?
[ $rc = 3 ] && ok "unknown instance: $out" || bad "nosuch: $rc $out"
[ "$(ls /sys/kernel/cohort/instances)" = svc ] || bad "refusals left: $(ls /sys/kernel/cohort/instances)"

# A new kernel that panics: prepare rolls back, svc untouched.
make_initrd bad <<'CMD'
echo c >/proc/sysrq-trigger
CMD
out=$(cohort update prepare svc --kernel /boot/bzImage --initrd /tmp/initrd-bad --wait 60 2>&1); rc=$?
[ $rc = 1 ] && echo "$out" | grep -q "rolled back" && ok "a panicking kernel: $out" ||
	bad "prepare with a panicking kernel: $rc $out"
[ "$(ls /sys/kernel/cohort/instances)" = svc ] && [ "$(ask)" = "kver=1 count=1" ] &&
	ok "svc untouched, svc.next gone" || bad "after the failed prepare: $(ls /sys/kernel/cohort/instances) '$(ask)'"
grep -q "Kernel panic" /var/lib/cohort/update/svc.next-console.log 2>/dev/null &&
	ok "the failed kernel's console kept" || bad "no console kept"

# prepare, then rollback.
out=$(cohort update prepare svc --kernel /boot/bzImage --initrd /tmp/initrd-svc --cmdline "kver=2" 2>&1) &&
	ok "prepare: $out" || bad "prepare: $out"
state_is svc.next running && [ "$(attr svc.next cpus)" != "$(attr svc cpus)" ] &&
	[ "$(attr svc.next mem_size)" = "$(attr svc mem_size)" ] &&
	ok "svc.next runs on CPU $(attr svc.next cpus) with the same memory" || bad "svc.next: $(attr svc.next state)"
grep -q svc.next /sys/kernel/cohort/regions/state/grants && ok "svc.next has the state region" ||
	bad "grants: $(cat /sys/kernel/cohort/regions/state/grants)"
[ "$(ask)" = "kver=1 count=2" ] && ok "svc still serves (the new kernel counted its boot): $(ask)" ||
	bad "during prepare svc answers '$(ask)'"
out=$(cohort update prepare svc --kernel /boot/bzImage 2>&1); rc=$?
[ $rc = 1 ] && ok "a second prepare refused: $out" || bad "second prepare: $rc $out"
out=$(cohort update rollback svc 2>&1) && ok "rollback: $out" || bad "rollback: $out"
[ "$(ls /sys/kernel/cohort/instances)" = svc ] && [ "$(ask)" = "kver=1 count=2" ] &&
	ok "after rollback only svc, serving" || bad "after rollback: $(ls /sys/kernel/cohort/instances) '$(ask)'"

# The whole update in one go, two clients asking throughout.
[ "$(socat -t 3 - TCP:169.254.40.2:80 2>/dev/null)" = kver=1 ] && ok "svc answers over TCP too" ||
	bad "TCP to svc: '$(socat -t 3 - TCP:169.254.40.2:80 2>&1)'"
cohort-svc-gap vsock 3 5000 45 >/tmp/gap-vsock &
gv=$!
cohort-svc-gap tcp 169.254.40.2 80 45 >/tmp/gap-tcp &
gt=$!
sleep 2
out=$(cohort update svc --kernel /boot/bzImage --initrd /tmp/initrd-svc --cmdline "kver=3 cohort.ip=169.254.40.2/24" 2>&1) &&
	ok "update: $(echo "$out" | tr '\n' ' ')" || bad "update: $out"
wait $gv $gt
echo "vsock client during the update: $(cat /tmp/gap-vsock)"
echo "tcp client during the update: $(cat /tmp/gap-tcp)"
grep -q "first kver=1 count=2 last kver=3 count=3" /tmp/gap-vsock && grep -q "first kver=1 last kver=3" /tmp/gap-tcp &&
	ok "both clients went from the old kernel to the new one" || bad "clients: $(cat /tmp/gap-vsock /tmp/gap-tcp)"
[ "$(attr svc net)" = coh-svc ] && ok "the new svc has the link coh-svc" || bad "svc's link: '$(attr svc net)'"
wait_for 10 sh -c '[ "$(socat -t 3 - VSOCK-CONNECT:3:5000 2>/dev/null)" = "kver=3 count=3" ]' &&
	ok "CID 3 is served by the new kernel, which saw the state: $(ask)" || bad "after the update: '$(ask)'"
[ "$(ls /sys/kernel/cohort/instances)" = svc ] && state_is svc running &&
	[ "$(attr svc cid)" = 3 ] && grep -q "kver=3" /sys/kernel/cohort/instances/svc/cmdline &&
	ok "svc is the new kernel (cmdline kver=3, CID 3), the old one is gone" ||
	bad "instances: $(ls /sys/kernel/cohort/instances), svc cid $(attr svc cid) cmdline $(attr svc cmdline)"
grep -q "cohort.name=svc$" /sys/kernel/cohort/instances/svc/cmdline &&
	ok "its command line names it svc for its next start" || bad "cmdline: $(attr svc cmdline)"
[ ! -e /var/lib/cohort/update/svc ] && ok "no update left prepared" || bad "the marker is still there"

cohort stop svc || bad "stop svc"
cohort delete svc
cohort region delete state || bad "region delete"
ip link show coh-svc >/dev/null 2>&1 && bad "coh-svc outlived svc" || ok "no link left"
exit_if_failed update
echo "update: a new kernel took over a running service"
