# One instance started and gracefully stopped 20 times in a row: every
# start reaches 'running', every stop succeeds and gives the CPUs back,
# 'starts' counts 20, the pool and the primary's CPUs are as before, and
# the console after the last start shows the instance's init line.
# vm: --smp 4 --mem 2G --append cohort_pool=768M
# timeout: 400
set -u

CYCLES=20

. /tests/vm/lib/common.sh
now_cs() { # uptime in centiseconds
	local u f
	read -r u _ </proc/uptime
	f=${u#*.}
	f=${f#0}
	echo $((${u%.*} * 100 + f))
}

online0=$(online)
free0=$(cat /sys/kernel/cohort/pool/free)

cohort create cyc --cpus 2-3 --memory 128M || die "cohort create"
cohort load cyc --kernel /boot/bzImage --initrd /boot/instance-initrd.cpio.gz ||
	die "cohort load"
size=$(attr cyc mem_size)
free1=$(cat /sys/kernel/cohort/pool/free)
[ "$free1" = $((free0 - size)) ] || die "pool free $free1 after create, expected $((free0 - size))"

i=1
while [ $i -le $CYCLES ]; do
	t0=$(now_cs)
	cohort start cyc || die "cycle $i: cohort start failed (state $(attr cyc state))"
	[ "$(online)" = 0-1 ] || die "cycle $i: primary CPUs online after start: $(online), expected 0-1"
	wait_for 150 state_is cyc running ||
		die "cycle $i: state '$(attr cyc state)' 150 s after start, expected running"
	t1=$(now_cs)
	if [ $i = $CYCLES ]; then
		wait_for 150 eval 'cohort log cyc | grep -q "cohort-instance: cyc init running on 2 CPU(s)"' ||
			die "cycle $i: the console shows no 'cohort-instance: cyc init running on 2 CPU(s)' line"
	fi
	out=$(cohort stop cyc 2>&1)
	rc=$?
	t2=$(now_cs)
	[ $rc = 0 ] || die "cycle $i: cohort stop exited $rc: $out"
	state_is cyc stopped || die "cycle $i: state '$(attr cyc state)' after stop, expected stopped"
	[ "$(online)" = "$online0" ] ||
		die "cycle $i: primary CPUs online after stop: $(online), expected $online0"
	[ "$(attr cyc starts)" = $i ] || die "cycle $i: starts is $(attr cyc starts), expected $i"
	echo "cycle $i: running after $(((t1 - t0) * 10)) ms, stopped in $(((t2 - t1) * 10)) ms"
	i=$((i + 1))
done

echo "--- console after the last start (last lines):"
cohort log cyc | tail -n 3
starts=$(attr cyc starts)
[ "$starts" = $CYCLES ] || die "starts is $starts, expected $CYCLES"
[ "$(cat /sys/kernel/cohort/pool/free)" = "$free1" ] ||
	die "pool free $(cat /sys/kernel/cohort/pool/free) with the instance stopped, expected $free1"
cohort delete cyc || die "cohort delete"
[ "$(cat /sys/kernel/cohort/pool/free)" = "$free0" ] ||
	die "pool free $(cat /sys/kernel/cohort/pool/free) after delete, expected $free0"
[ "$(online)" = "$online0" ] || die "primary CPUs online at the end: $(online), expected $online0"
echo "instance-cycles: $CYCLES starts and graceful stops, starts=$starts, CPUs and pool back"
