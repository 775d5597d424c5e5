# Memory two kernels spend to map one 64 MiB file, writable and shared,
# storing into every page.  cohortfs: one copy in a region of the pool,
# mapped by the primary and by an instance, so each kernel pays only for
# its page tables.  Baseline tmpfs: a kernel holds its own copy, measured
# in the primary (create + map) and counted twice, since each kernel
# needs one.
# vm: --smp 4 --mem 2G --append cohort_pool=512M
# timeout: 300
set -eu
avail() { awk '/MemFree/ { print $2 }' /proc/meminfo; }

mkdir -p /mnt/cfs /mnt/tmp
cohort region create share --size 128M
mount -t cohortfs -o region=share,format none /mnt/cfs
dd if=/dev/zero of=/mnt/cfs/big bs=1M count=64 2>/dev/null
mount -t tmpfs -o size=256M none /mnt/tmp

sync
a0=$(avail)
dd if=/dev/zero of=/mnt/tmp/big bs=1M count=64 2>/dev/null
m=$(cohort-maptouch -w /mnt/tmp/big | awk '/MAPCOST_KB/ { print $2 }')
a1=$(avail)
tmpfs_one=$((a0 - a1))
[ "$tmpfs_one" -gt 0 ] || { echo "tmpfs cost $tmpfs_one KiB?"; exit 1; }

p=$(cohort-maptouch -w /mnt/cfs/big | awk '/MAPCOST_KB/ { print $2 }')

mkdir -p /tmp/x/cohort
cat >/tmp/x/cohort/cmd <<CMD
mkdir -p /mnt/cfs
mount -t cohortfs -o region=share none /mnt/cfs
cohort-maptouch -w /mnt/cfs/big
CMD
(cd /tmp/x && find . | cpio -o -H newc 2>/dev/null | gzip) >/tmp/x.gz
cat /boot/instance-initrd.cpio.gz /tmp/x.gz >/tmp/initrd
cohort create m --cpus 2-3 --memory 256M >/dev/null
cohort load m --kernel /boot/bzImage --initrd /tmp/initrd
cohort region grant share m
cohort start m
n=600
until cohort log m | grep -q COHORT-EXIT; do
	n=$((n - 1)); [ $n -gt 0 ] || { cohort log m | tail -n 20; exit 1; }
	sleep 0.2
done
i=$(cohort log m | awk '/^MAPCOST_KB/ { print $2 }' | tail -n 1)
[ -n "$i" ] || { cohort log m | tail -n 20; exit 1; }
cohort stop m --force >/dev/null
cohort delete m

two_tmpfs=$((2 * tmpfs_one))
two_cfs=$((p + i))
[ "$two_cfs" -gt 0 ] || two_cfs=1
echo "BENCH tmpfs_two_kernels_map_64M $two_tmpfs KiB ratio=1.000 baseline=tmpfs_two_kernels_map_64M"
echo "BENCH cohortfs_two_kernels_map_64M $two_cfs KiB ratio=$(awk -v a="$two_cfs" -v b="$two_tmpfs" 'BEGIN { printf "%.3g", a / b }') baseline=tmpfs_two_kernels_map_64M"
echo "(tmpfs: one kernel $tmpfs_one KiB, of which mapping $m KiB; cohortfs: primary $p KiB, instance $i KiB)"
