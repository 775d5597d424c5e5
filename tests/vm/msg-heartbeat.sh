# Heartbeats: with heartbeat_ms=80 and heartbeat_misses=5, an instance
# whose only CPU hangs with interrupts off (LKDTM HARDLOCKUP) is declared
# failed by the primary within the configured periods (plus the 100 ms of
# the primary's watch); `cohort list` shows it failed and it has left the
# membership.  A healthy instance next to it stays a member.
# vm: --smp 4 --mem 2G --append cohort_pool=768M
# timeout: 400
set -u
. /tests/vm/lib/common.sh
now_ms() { read -r up _ </proc/uptime; echo "${up%.*}${up#*.}0"; }

echo 80 >/sys/kernel/cohort/heartbeat_ms || die "cannot set heartbeat_ms"
echo 5 >/sys/kernel/cohort/heartbeat_misses || die "cannot set heartbeat_misses"
[ "$(cat /sys/kernel/cohort/heartbeat_ms)" = 80 ] || die "heartbeat_ms $(cat /sys/kernel/cohort/heartbeat_ms)"
echo 5 >/sys/kernel/cohort/heartbeat_ms 2>/dev/null && bad "heartbeat_ms 5 accepted (minimum 10)"

make_initrd h <<'IEOF'
mount -t debugfs none /sys/kernel/debug
echo "inst: heartbeat_ms $(cat /sys/kernel/cohort/heartbeat_ms) misses $(cat /sys/kernel/cohort/heartbeat_misses)"
echo 100 >/sys/kernel/cohort/heartbeat_ms 2>/dev/null && echo "inst: FAIL an instance changed heartbeat_ms"
if [ ! -e /sys/kernel/debug/provoke-crash/DIRECT ]; then echo "inst: NO-LKDTM"; exit 0; fi
sleep 2
echo "inst: hanging now"
echo HARDLOCKUP >/sys/kernel/debug/provoke-crash/DIRECT
IEOF

cohort create h --cpus 1 --memory 128M || die "create h"
cohort create ok --cpus 2 --memory 128M || die "create ok"
cohort load h --kernel /boot/bzImage --initrd /tmp/initrd-h || die "load h"
cohort load ok --kernel /boot/bzImage --initrd /boot/instance-initrd.cpio.gz || die "load ok"
cohort start h || die "start h"
cohort start ok || die "start ok"
wait_for 180 members_are 0-2 || die "members $(cat /sys/kernel/cohort/members), expected 0-2"
ok "members 0-2"
wait_for 60 console_has h 'inst: hanging now' || { cohort log h | tail; die "h never hung"; }
console_has h 'inst: NO-LKDTM' && { echo "no LKDTM in the instance kernel"; exit 77; }
t0=$(now_ms)
console_has h 'inst: heartbeat_ms 80 misses 5' && ok "the instance follows the primary's heartbeat configuration" ||
	bad "instance heartbeat config: $(cohort log h | grep 'inst: heartbeat')"
console_has h 'inst: FAIL' && bad "instance: $(cohort log h | grep 'inst: FAIL')"
wait_for 10 sh -c '[ "$(cat /sys/kernel/cohort/instances/h/state)" = failed ]' || die "h not failed: $(cat /sys/kernel/cohort/instances/h/state)"
t1=$(now_ms)
dt=$((t1 - t0))
echo "failure detected ${dt} ms after the hang was announced (5 x 80 ms allowed; the hang follows the announcement by up to a period)"
# The announcement reaches us through the console poll: allow for it.
[ $dt -le 1200 ] && ok "detected within 1200 ms" || bad "detection took $dt ms"
dmesg | grep -q 'instance h: heartbeat lost' && ok "primary logged the lost heartbeat" || bad "no 'heartbeat lost' in dmesg"
cohort list
cohort list | grep -q '^h .*failed' && ok "cohort list shows h failed" || bad "cohort list"
members_are 0,2 && ok "h left the membership, ok stays" || bad "members $(cat /sys/kernel/cohort/members)"
[ "$(cat /sys/kernel/cohort/peers/1/state)" = failed ] && ok "peers/1/state failed" || bad "peers/1/state $(cat /sys/kernel/cohort/peers/1/state)"
sleep 1
[ "$(cat /sys/kernel/cohort/instances/ok/state)" = running ] && ok "ok still running" || bad "ok: $(cat /sys/kernel/cohort/instances/ok/state)"
members_are 0,2 || bad "members later $(cat /sys/kernel/cohort/members)"

cohort stop --force h || bad "stop --force h"
[ "$(cat /sys/kernel/cohort/peers/1/state)" = absent ] || bad "peers/1/state after stop $(cat /sys/kernel/cohort/peers/1/state)"
cohort stop ok || bad "stop ok"
cohort delete h; cohort delete ok
echo 100 >/sys/kernel/cohort/heartbeat_ms
exit_if_failed msg-heartbeat
echo "msg-heartbeat: a hung instance was declared failed from its heartbeat"
