# A graceful stop waits without holding Cohort's lock.  Instance h hangs
# its only CPU with interrupts off (LKDTM HARDLOCKUP, heartbeat misses set
# high so the watch does not fail it first), so it never sees the stop
# request; while `cohort stop h --timeout 20` waits, other requests go on:
# another instance is created, started and checked in, a region is
# created and deleted, and `cohort list` answers.  The stop then takes
# the CPU back by force and says so (exit 1, "did not shut down").
# vm: --smp 4 --mem 2G --append cohort_pool=768M
# timeout: 400
set -u
. /tests/vm/lib/common.sh

echo 1000 >/sys/kernel/cohort/heartbeat_misses || die "heartbeat_misses"
make_initrd h <<'EOF'
mount -t debugfs none /sys/kernel/debug
[ -e /sys/kernel/debug/provoke-crash/DIRECT ] || { echo "inst: NO-LKDTM"; exit 0; }
echo "inst: hanging now"
echo HARDLOCKUP >/sys/kernel/debug/provoke-crash/DIRECT
EOF
cohort create h --cpus 1 --memory 128M || die "create h"
cohort load h --kernel /boot/bzImage --initrd /tmp/initrd-h || die "load h"
start_to_init h 1
wait_for 60 console_has h 'inst: hanging now' || die "h never hung"
console_has h 'inst: NO-LKDTM' && { echo "no LKDTM in the instance kernel"; exit 77; }
sleep 1

cohort stop h --timeout 20 >/tmp/stop.out 2>&1 &
stopper=$!
wait_for 10 state_is h stopping || die "h is not stopping: $(attr h state)"
cohort create o --cpus 2 --memory 128M && ok "create while h stops" || bad "create o"
cohort load o --kernel /boot/bzImage --initrd /boot/instance-initrd.cpio.gz || bad "load o"
cohort start o && ok "start while h stops" || bad "start o"
cohort region create r --size 16M && cohort region delete r && ok "region create and delete while h stops" ||
	bad "region while h stops"
cohort list >/tmp/list.out && grep -q '^h .*stopping' /tmp/list.out && ok "list while h stops: h stopping" ||
	bad "list: $(cat /tmp/list.out)"
kill -0 $stopper 2>/dev/null && ok "all of that while the stop was still waiting" ||
	bad "the stop had already returned: $(cat /tmp/stop.out)"
wait_for 150 console_has o "cohort-instance: o init running" && ok "o boots meanwhile" || bad "o did not boot"
wait $stopper; rc=$?
[ $rc = 1 ] && grep -q "did not shut down within 20000 ms" /tmp/stop.out &&
	ok "the stop took the CPU back by force: $(cat /tmp/stop.out)" || bad "stop: exit $rc: $(cat /tmp/stop.out)"
state_is h stopped || bad "h: $(attr h state)"
[ "$(cat /sys/devices/system/cpu/cpu1/online)" = 1 ] && ok "CPU 1 is back" || bad "CPU 1 offline"
cohort stop o || bad "stop o"
cohort delete h; cohort delete o
exit_if_failed instance-stop-busy
