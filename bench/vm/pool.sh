# The pool lent to the primary: how much of it the primary can fill with its
# own pages (tmpfs, written until 32 MiB are left), over the pool's size
# (goal 1.0; the control region and the area edges are never lent); and
# the time a create takes to move the primary's pages out of 256 MiB, over
# a create of 256 MiB the primary does not use (same run, same VM).
# vm: --smp 2 --mem 1G --append cohort_pool=512M
# timeout: 900
set -eu
P=/sys/kernel/cohort/pool
M=$((1 << 20))
meminfo() { awk -v k="$1:" '$1 == k { print $2 * 1024 }' /proc/meminfo; }
if grep -q '^now at [0-9]* nsecs' /proc/timer_list 2>/dev/null; then
	now_us() { awk '/^now at/ { printf "%d\n", $3 / 1000; exit }' /proc/timer_list; }
else
	now_us() { awk '{ printf "%d\n", $1 * 1000000 }' /proc/uptime; }
fi
size=$(cat $P/size)

# A create of memory the primary does not use: only zeroing.  Best of 3.
best_free=0
for i in 1 2 3; do
	t0=$(now_us)
	cohort create idle --cpus 1 --memory 256M
	t1=$(now_us)
	cohort delete idle
	d=$((t1 - t0))
	[ $best_free = 0 ] || [ $d -lt $best_free ] && best_free=$d
done

mkdir -p /fill
mount -t tmpfs -o size=4G fill /fill
n=$(($(meminfo MemAvailable) / M - 32))
dd if=/dev/zero of=/fill/a bs=1M count="$n" 2>/dev/null
used=$(cat $P/lent_used)
awk -v u="$used" -v s="$size" 'BEGIN {
	printf "BENCH pool_size %d MiB ratio=1.00 baseline=pool_size\n", s / 1048576
	printf "BENCH pool_used_by_primary %d MiB ratio=%.3f baseline=pool_size\n", u / 1048576, u / s }'

# Now the create must move the primary's pages: make room for them first.
rm /fill/a
n=$(($(meminfo MemAvailable) / M - 256 - 96))
dd if=/dev/zero of=/fill/b bs=1M count="$n" 2>/dev/null
echo "# the primary's pages take $(($(cat $P/lent_used) / M)) MiB of the pool"
t0=$(now_us)
cohort create busy --cpus 1 --memory 256M
t1=$(now_us)
cohort delete busy
awk -v a=$((t1 - t0)) -v b="$best_free" 'BEGIN {
	printf "BENCH pool_take_256M_unused %.1f ms ratio=1.00 baseline=pool_take_256M_unused\n", b / 1000
	printf "BENCH pool_take_256M_used_by_primary %.1f ms ratio=%.2f baseline=pool_take_256M_unused\n", a / 1000, a / b }'
