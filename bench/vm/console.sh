# Console output throughput: an instance writes 8 MiB of text through
# its tty (/dev/ttyCH0: line discipline, output processing, the console
# buffer the primary reads); the baseline is the same bytes through a
# pipe in the same instance, in the same run.  Then the primary's side:
# `cohort log` reading the 128 KiB the console holds, 40 times, against
# cat of as many bytes from tmpfs.  Times come from /proc/uptime (10 ms).
# vm: --smp 4 --mem 2G --append cohort_pool=768M
# timeout: 500
set -e
. /tests/vm/lib/common.sh

make_initrd bench <<'CMD'
cs() { read -r u _ </proc/uptime; echo "${u%.*}${u#*.}"; }
i=0
while [ $i -lt 2048 ]; do
	echo "console throughput line $i, some text to make it 64 bytes long."
	i=$((i + 1))
done >/tmp/block
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do cat /tmp/block; done >/tmp/2m
cat /tmp/2m /tmp/2m /tmp/2m /tmp/2m >/tmp/8m
t0=$(cs); cat /tmp/8m >/dev/ttyCH0; t1=$(cs)
cat /tmp/8m /tmp/8m /tmp/8m /tmp/8m | cat >/dev/null; t2=$(cs)
echo "RESULT $(wc -c </tmp/8m) $((t1 - t0)) $((t2 - t1))" >/dev/ttyCH0
CMD
cohort create b --cpus 2-3 --memory 256M >/dev/null
cohort load b --kernel /boot/bzImage --initrd /tmp/initrd-bench
start_to_init b 2 >/dev/null
wait_for 300 console_has b '^RESULT ' ||
	{ cohort log b | tail -n 5; die "the instance did not finish"; }
set -- $(cohort log b | tr -d '\r' | grep '^RESULT ' | tail -n 1)
awk -v b="$2" -v t="$3" -v p="$4" 'BEGIN {
	if (t < 1) t = 1; if (p < 1) p = 1
	tty = b / (t / 100) / 1048576; pipe = 4 * b / (p / 100) / 1048576
	printf "BENCH console_out_pipe %.1f MiB/s ratio=1.00 baseline=console_out_pipe\n", pipe
	printf "BENCH console_out_tty %.1f MiB/s ratio=%.3f baseline=console_out_pipe\n", tty, tty / pipe
}'

cs() { read -r u _ </proc/uptime; echo "${u%.*}${u#*.}"; }
head -c 131072 /dev/urandom >/tmp/held
n=40
t0=$(cs)
i=0; while [ $i -lt $n ]; do cohort log b >/dev/null; i=$((i + 1)); done
t1=$(cs)
i=0; while [ $i -lt $n ]; do cat /tmp/held >/dev/null; i=$((i + 1)); done
t2=$(cs)
awk -v l=$((t1 - t0)) -v c=$((t2 - t1)) -v n=$n 'BEGIN {
	if (l < 1) l = 1; if (c < 1) c = 1
	mb = n * 131072 / 1048576
	printf "BENCH console_read_cat %.1f MiB/s ratio=1.00 baseline=console_read_cat\n", mb / (c / 100)
	printf "BENCH console_read_log %.1f MiB/s ratio=%.3f baseline=console_read_cat\n", mb / (l / 100), c / l
}'
cohort stop --force b >/dev/null
cohort delete b
