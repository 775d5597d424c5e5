# Inter-kernel messaging between the primary and one instance (CPU 2).
# Round trips (a 16-byte request answered by the instance's echo service)
# with doorbells and with both receivers busy-polling, each against an
# intra-kernel cross-CPU IPI round trip in the primary
# (smp_call_function_single to CPU 1, same run).  Throughput of 64 B and
# 4 KiB checksummed messages, primary -> instance, against the rate of
# those intra-kernel IPI round trips.  Doorbells per message under that
# sustained load (baseline: one doorbell per message, what a sender
# without the notify flag would send).
# vm: --smp 4 --mem 2G --append cohort_pool=768M
# timeout: 600
set -e
D=/sys/kernel/debug/cohort
P=/sys/kernel/cohort/peers/1
mount -t debugfs none /sys/kernel/debug 2>/dev/null || true
rm -rf /tmp/x; mkdir -p /tmp/x/cohort
cat >/tmp/x/cohort/cmd <<'IEOF'
D=/sys/kernel/debug/cohort
mount -t debugfs none /sys/kernel/debug
w() { n=3000; while ! eval "$1"; do n=$((n - 1)); [ $n -gt 0 ] || return 1; sleep 0.1; done; }
w 'grep -q "^from 0 received 1 " $D/sink' && echo 1 >$D/busy_poll && echo "inst: polling"
w 'grep -q "^from 0 received 2 " $D/sink' && echo 0 >$D/busy_poll && echo "inst: not polling"
IEOF
(cd /tmp/x && find . | cpio -o -H newc 2>/dev/null | gzip) >/tmp/x.gz
cat /boot/instance-initrd.cpio.gz /tmp/x.gz >/tmp/initrd-b
cohort create b --cpus 2 --memory 128M >/dev/null
cohort load b --kernel /boot/bzImage --initrd /tmp/initrd-b
cohort start b
n=0
while [ "$(cat $P/state)" != joined ]; do
	n=$((n + 1)); [ $n -lt 900 ] || { echo "instance did not join" >&2; exit 1; }
	sleep 0.2
done
sleep 1
field() { sed -n "s/.* $1 \([0-9]*\).*/\1/p" $D/result; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }

echo "1 2000" >$D/ipi_ping
grep -q ' err 0' $D/result || { cat $D/result >&2; exit 1; }
ipi=$(sed -n 's/.* avg \([0-9]*\) ns.*/\1/p' $D/result)
echo "BENCH intra_kernel_ipi_roundtrip $ipi ns ratio=1.000 baseline=intra_kernel_ipi_roundtrip"

echo "1 2000 16" >$D/ping
rt=$(field avg)
echo "BENCH inter_kernel_roundtrip_doorbell $rt ns ratio=$(ratio "$rt" "$ipi") baseline=intra_kernel_ipi_roundtrip"

# The receiver (the instance) busy-polls, notifications off, so requests
# reach it without a doorbell; the responses still ring the primary.  One
# sink message tells the instance to poll, a second one to stop.
wait_log() { n=0; until cohort log b | grep -q "$1"; do n=$((n + 1)); [ $n -lt 300 ] || exit 1; sleep 0.1; done; }
echo "1 1 8" >$D/send
wait_log 'inst: polling'
echo "1 2000 16" >$D/ping
rtp=$(field avg)
echo "1 1 8" >$D/send
wait_log 'inst: not polling'
echo "BENCH inter_kernel_roundtrip_receiver_polling $rtp ns ratio=$(ratio "$rtp" "$ipi") baseline=intra_kernel_ipi_roundtrip"

for s in 64 4096; do
	n=200000; [ $s = 4096 ] && n=20000
	echo >$D/sink
	b0=$(cat $P/doorbells); s0=$(cat $P/sent)
	echo "1 $n $s" >$D/send
	ns=$(field ns)
	b1=$(cat $P/doorbells); s1=$(cat $P/sent)
	rate=$(awk -v n=$n -v ns="$ns" 'BEGIN { printf "%.0f", n * 1e9 / ns }')
	mbs=$(awk -v n=$n -v s=$s -v ns="$ns" 'BEGIN { printf "%.1f", n * s * 1e3 / ns }')
	ipirate=$(awk -v ns="$ipi" 'BEGIN { printf "%.0f", 1e9 / ns }')
	echo "BENCH msg_throughput_${s}B $rate msgs/s ratio=$(ratio "$rate" "$ipirate") baseline=intra_kernel_ipi_rate"
	echo "BENCH msg_bandwidth_${s}B $mbs MB/s ratio=$(ratio "$rate" "$ipirate") baseline=intra_kernel_ipi_rate"
	echo "BENCH doorbells_per_msg_${s}B $(awk -v b=$((b1 - b0)) -v m=$((s1 - s0)) 'BEGIN { printf "%.4f", b / m }') doorbells/msg ratio=$(awk -v b=$((b1 - b0)) -v m=$((s1 - s0)) 'BEGIN { printf "%.4f", b / m }') baseline=one_doorbell_per_msg"
done
echo "BENCH intra_kernel_ipi_rate $(awk -v ns="$ipi" 'BEGIN { printf "%.0f", 1e9 / ns }') calls/s ratio=1.000 baseline=intra_kernel_ipi_rate"
cohort stop b >/dev/null
cohort delete b
