# The bench machine cohort-vm builds: 4 CPUs over 2 NUMA nodes, 4 UARTs.
# vm: --smp 4 --numa --mem 1G
# timeout: 120
set -e
. /tests/vm/lib/common.sh
[ "$(nproc)" = 4 ] || { echo "nproc $(nproc)"; exit 1; }
[ "$(cat /sys/devices/system/node/node0/cpulist)" = 0-1 ]
[ "$(cat /sys/devices/system/node/node1/cpulist)" = 2-3 ]
n=$(grep -c 'uart:16550A' /proc/tty/driver/serial)
[ "$n" -ge 4 ] || { echo "only $n UARTs"; exit 1; }
[ -f /boot/bzImage ] || { echo "no /boot/bzImage"; exit 1; }
echo ok
