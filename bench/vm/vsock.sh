# vsock between kernels against loopback TCP inside one kernel, with
# Debian's socat at both ends of both: stream throughput (64 MiB from an
# instance to the primary, socat reading and writing the devices itself;
# the baseline is 64 MiB over 127.0.0.1 in the
# primary) and connect/echo/close cycles (200 each; the baseline the same
# cycles over loopback TCP).  Times from /proc/uptime (10 ms).  Then
# request/response round trips over one persistent connection with
# cohort-sock-rr (2000 of 64 bytes each way, median): primary to an echo
# server in the instance, the baseline the same over 127.0.0.1 in the
# primary (TCP_NODELAY).
# vm: --smp 4 --mem 2G --append cohort_pool=768M
# timeout: 600
set -e
. /tests/vm/lib/common.sh

make_initrd vb <<'CMD'
socat -u OPEN:/dev/zero,readbytes=67108864 VSOCK-LISTEN:7001,fork &
socat VSOCK-LISTEN:7002,fork EXEC:cat &
cohort-sock-rr server vsock 7003 &
wait
CMD
cs() { read -r u _ </proc/uptime; echo "${u%.*}${u#*.}"; }
cohort create vb --cpus 2-3 --memory 256M >/dev/null
cohort load vb --kernel /boot/bzImage --initrd /tmp/initrd-vb
start_to_init vb 2 >/dev/null
sleep 2

ip link set lo up 2>/dev/null || true
socat -u OPEN:/dev/zero,readbytes=67108864 TCP-LISTEN:7001,bind=127.0.0.1,reuseaddr,fork &
tl=$!
socat TCP-LISTEN:7002,bind=127.0.0.1,reuseaddr,fork EXEC:cat &
te=$!
cohort-sock-rr server tcp 7003 &
tr=$!
sleep 1

mb=64
t0=$(cs); socat -u TCP:127.0.0.1:7001 OPEN:/dev/null; t1=$(cs)
socat -u VSOCK-CONNECT:3:7001 OPEN:/dev/null; t2=$(cs)
n=200
i=0; while [ $i -lt $n ]; do echo x | socat - TCP:127.0.0.1:7002 >/dev/null; i=$((i + 1)); done
t3=$(cs)
i=0; while [ $i -lt $n ]; do echo x | socat - VSOCK-CONNECT:3:7002 >/dev/null; i=$((i + 1)); done
t4=$(cs)
kill $tl $te 2>/dev/null || true
awk -v mb=$mb -v n=$n -v tcp=$((t1 - t0)) -v vs=$((t2 - t1)) \
    -v ctcp=$((t3 - t2)) -v cvs=$((t4 - t3)) 'BEGIN {
	if (tcp < 1) tcp = 1; if (vs < 1) vs = 1
	printf "BENCH tcp_loopback_stream %.1f MiB/s ratio=1.00 baseline=tcp_loopback_stream\n", mb / (tcp / 100)
	printf "BENCH vsock_stream_instance_to_primary %.1f MiB/s ratio=%.3f baseline=tcp_loopback_stream\n", mb / (vs / 100), tcp / vs
	printf "BENCH tcp_loopback_connect_echo %.2f ms ratio=1.00 baseline=tcp_loopback_connect_echo\n", ctcp * 10 / n
	printf "BENCH vsock_connect_echo %.2f ms ratio=%.3f baseline=tcp_loopback_connect_echo\n", cvs * 10 / n, cvs / ctcp
}'
rr_n=2000 rr_size=64
rtcp=$(cohort-sock-rr client tcp 127.0.0.1 7003 $rr_n $rr_size)
rvs=$(cohort-sock-rr client vsock 3 7003 $rr_n $rr_size)
kill $tr 2>/dev/null || true
# Each client prints "rr n N size S mean_us MEAN median_us MEDIAN".
printf '%s\n%s\n' "$rtcp" "$rvs" | awk -v size=$rr_size '
	{ for (i = 1; i < NF; i++) if ($i == "median_us") med[NR] = $(i + 1) }
	END {
	tcp = med[1]; vs = med[2]
	if (tcp <= 0 || vs <= 0) { print "vsock.sh: no round trip figures" > "/dev/stderr"; exit 1 }
	printf "BENCH tcp_loopback_rr_%dB %.1f us ratio=1.00 baseline=tcp_loopback_rr_%dB\n", size, tcp, size
	printf "BENCH vsock_rr_%dB %.1f us ratio=%.3f baseline=tcp_loopback_rr_%dB\n", size, vs, vs / tcp, size
}'
cohort stop --force vb >/dev/null
cohort delete vb
