# CPUs moved into and out of a running instance (cohort set), against the
# primary taking the same CPU offline and back online by itself (its own
# CPU hotplug, echo 0/1 > .../online): the time a CPU takes to reach the
# instance and to come back, each over the primary's own offline+online.
# The instance sees a request at its 100 ms heartbeat tick, so about
# 50 ms of each step is waiting.  Medians of 9.
# vm: --smp 4 --mem 1G --append cohort_pool=256M
# timeout: 900
set -eu
. /tests/vm/lib/common.sh
if grep -q '^now at [0-9]* nsecs' /proc/timer_list 2>/dev/null; then
	now_us() { awk '/^now at/ { printf "%d\n", $3 / 1000; exit }' /proc/timer_list; }
else
	now_us() { awk '{ printf "%d\n", $1 * 1000000 }' /proc/uptime; }
fi
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
N=9

# The primary's own: CPU 2 offline and online again.
for i in $(seq $N); do
	t0=$(now_us)
	echo 0 >/sys/devices/system/cpu/cpu2/online
	echo 1 >/sys/devices/system/cpu/cpu2/online
	t1=$(now_us)
	echo $((t1 - t0))
done | median >/tmp/native

make_initrd b <<'EOF'
echo idle
EOF
cohort create b --cpus 1 --memory 128M
cohort load b --kernel /boot/bzImage --initrd /tmp/initrd-b
start_to_init b 1
: >/tmp/give
: >/tmp/take
for i in $(seq $N); do
	t0=$(now_us)
	cohort set b --cpus +2 >/dev/null
	t1=$(now_us)
	cohort set b --cpus -2 >/dev/null
	t2=$(now_us)
	echo $((t1 - t0)) >>/tmp/give
	echo $((t2 - t1)) >>/tmp/take
done
cohort stop b
cohort delete b
native=$(cat /tmp/native)
give=$(median </tmp/give)
take=$(median </tmp/take)
awk -v n="$native" -v g="$give" -v t="$take" 'BEGIN {
	printf "BENCH cpu_offline_online_primary %.1f ms ratio=1.00 baseline=cpu_offline_online_primary\n", n / 1000
	printf "BENCH cpu_give_to_instance %.1f ms ratio=%.2f baseline=cpu_offline_online_primary\n", g / 1000, g / n
	printf "BENCH cpu_take_from_instance %.1f ms ratio=%.2f baseline=cpu_offline_online_primary\n", t / 1000, t / n }'
