# cohortfs kernel mount against tmpfs in the same VM: sequential write and
# read (a 32 MiB file written 4 times, read 8 times, dd bs=1M), creating
# 1000 small files, stat of 1000 files (ls -l, 10 times), readdir of 1000
# entries (ls, 50 times).  Each figure
# is the better of 3 runs; ratio = cohortfs figure / tmpfs figure (for
# speeds < 1 and for per-operation times > 1 mean cohortfs is slower).
# The region is a 64 MiB hole reserved with memmap=.
# vm: --smp 2 --mem 2G --append memmap=64M$0x70000000
# timeout: 900
set -eu
mkdir -p /mnt/cfs /mnt/tmp
mount -t cohortfs -o phys=0x70000000,size=0x4000000,format none /mnt/cfs
mount -t tmpfs -o size=256M none /mnt/tmp
drop() { sync; echo 3 >/proc/sys/vm/drop_caches 2>/dev/null || true; }
# ms, from the nanosecond clock in /proc/timer_list (else /proc/uptime,
# which has 10 ms steps)
if grep -q '^now at [0-9]* nsecs' /proc/timer_list 2>/dev/null; then
	now() { awk '/^now at/ { printf "%d\n", $3 / 1000000; exit }' /proc/timer_list; }
else
	now() { awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime; }
fi
# best DIR WHAT: best of 3 runs of "run_WHAT DIR", in ms
best() {
	b=
	for i in 1 2 3; do
		t0=$(now); "run_$2" "$1"; t1=$(now)
		t=$((t1 - t0)); [ "$t" -gt 0 ] || t=1
		if [ -z "$b" ] || [ "$t" -lt "$b" ]; then b=$t; fi
	done
	echo "$b"
}
run_write() {
	for k in 1 2 3 4; do
		rm -f "$1/seq"; dd if=/dev/zero of="$1/seq" bs=1M count=32 2>/dev/null
	done
}
run_read() { for k in 1 2 3 4 5 6 7 8; do dd if="$1/seq" of=/dev/null bs=1M 2>/dev/null; done; }
run_create() {
	rm -rf "$1/small"; mkdir "$1/small"; i=0
	while [ $i -lt 1000 ]; do echo x >"$1/small/f$i"; i=$((i + 1)); done
}
run_stat() { for k in 1 2 3 4 5 6 7 8 9 10; do ls -l "$1/small" >/dev/null; done; }
run_readdir() {
	k=0; while [ $k -lt 50 ]; do ls "$1/small" >/dev/null; k=$((k + 1)); done
}
report() { # name unit cfs_ms tmp_ms kind(speed|time) amount
	if [ "$5" = speed ]; then
		c=$(awk -v a="$6" -v t="$3" 'BEGIN { printf "%.1f", a / (t / 1000) }')
		echo "BENCH cohortfs_$1 $c $2 ratio=$(awk -v c="$3" -v t="$4" 'BEGIN { printf "%.3f", t / c }') baseline=tmpfs_$1"
		echo "BENCH tmpfs_$1 $(awk -v a="$6" -v t="$4" 'BEGIN { printf "%.1f", a / (t / 1000) }') $2 ratio=1.000 baseline=tmpfs_$1"
	else
		c=$(awk -v n="$6" -v t="$3" 'BEGIN { printf "%.1f", t * 1000 / n }')
		echo "BENCH cohortfs_$1 $c $2 ratio=$(awk -v c="$3" -v t="$4" 'BEGIN { printf "%.3f", c / t }') baseline=tmpfs_$1"
		echo "BENCH tmpfs_$1 $(awk -v n="$6" -v t="$4" 'BEGIN { printf "%.1f", t * 1000 / n }') $2 ratio=1.000 baseline=tmpfs_$1"
	fi
}
for w in write read create stat readdir; do
	eval "c_$w=$(best /mnt/cfs $w)"
	eval "t_$w=$(best /mnt/tmp $w)"
done
report seq_write MiB/s "$c_write" "$t_write" speed 128
report seq_read MiB/s "$c_read" "$t_read" speed 256
report small_create us/file "$c_create" "$t_create" time 1000
report stat us/file "$c_stat" "$t_stat" time 10000
report readdir us/entry "$c_readdir" "$t_readdir" time 50000
umount /mnt/cfs /mnt/tmp
