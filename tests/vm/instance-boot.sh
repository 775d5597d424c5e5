# One instance boots to its init on its own CPUs; the primary reads its
# console with `cohort log`, stops it and gets every CPU back.
# vm: --smp 4 --mem 2G --append cohort_pool=768M
# timeout: 400
set -eu
. /cohort/lib.sh 2>/dev/null || true
. /tests/vm/lib/common.sh

online_before=$(cat /sys/devices/system/cpu/online)
free_before=$(cat /sys/kernel/cohort/pool/free)

cohort create one --cpus 2-3 --memory 256M
cohort load one --kernel /boot/bzImage --initrd /boot/instance-initrd.cpio.gz
cohort start one
[ "$(cat /sys/devices/system/cpu/online)" = 0-1 ] || { echo "CPUs 2-3 still online in the primary"; exit 1; }

if ! wait_for 180 console_has one 'cohort-instance: one init running on 2 CPU(s)'; then
	echo "instance did not reach init; console:"; cohort log one | tail -n 40; exit 1
fi
wait_for 30 state_is one running || { echo "state $(cat /sys/kernel/cohort/instances/one/state)"; exit 1; }
echo "--- instance console (last lines)"
cohort log one | tail -n 5
cohort list

cohort stop one
state_is one stopped
[ "$(cat /sys/devices/system/cpu/online)" = "$online_before" ] || { echo "CPUs online: $(cat /sys/devices/system/cpu/online)"; exit 1; }
cohort delete one
[ "$(cat /sys/kernel/cohort/pool/free)" = "$free_before" ]
echo "instance booted, stopped, CPUs and memory back"
