# A control region of an unknown version: the instance refuses to join
# the messaging, says why in its log and in /sys/kernel/cohort/messaging,
# and boots on without it.  The primary's membership stays 0.
# vm: --smp 4 --mem 2G --append cohort_pool=768M
# timeout: 300
set -u
D=/sys/kernel/debug/cohort
. /tests/vm/lib/common.sh
mount_debugfs 2>/dev/null

make_initrd v <<'IEOF'
echo "inst: messaging: $(cat /sys/kernel/cohort/messaging)"
IEOF

echo 99 >$D/ctrl_version || die "ctrl_version"
cohort create v --cpus 1 --memory 128M || die "create"
cohort load v --kernel /boot/bzImage --initrd /tmp/initrd-v || die "load"
cohort start v || die "start"
wait_for 180 console_has v COHORT-EXIT || { cohort log v | tail -n 30; die "v did not finish"; }
cohort log v | grep 'cohort: not joining\|inst:'
console_has v 'cohort: not joining the messaging: control region version 99, this kernel knows [0-9]' ||
	die "no refusal in the instance's log"
console_has v 'inst: messaging: refused: control region version 99, this kernel knows [0-9]' ||
	die "refusal not in /sys/kernel/cohort/messaging"
known=$(cohort log v | tr -d '\r' | sed -n 's/.*inst: messaging: refused: .* this kernel knows \([0-9]*\)$/\1/p')
[ "$(cat /sys/kernel/cohort/members)" = 0 ] || die "members $(cat /sys/kernel/cohort/members)"
[ "$(cat /sys/kernel/cohort/instances/v/state)" = running ] || die "state $(cat /sys/kernel/cohort/instances/v/state)"
echo "$known" >$D/ctrl_version || die "restore version $known"
cohort stop v || die "stop"
cohort delete v
echo "msg-version: an instance refused a control region of version 99 and said why"
