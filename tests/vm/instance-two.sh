# Two instances at once on separate CPUs while the primary computes on
# CPU 0.  'a' runs on CPU 1 with 128 MiB, 'b' on CPUs 2-3 with 256 MiB;
# each checks from inside what it was given (CPUs, memory, the physical
# memory it can see, its role and id) and prints one line per check.  The
# primary's checksum loop must give the right answer every time.  Then
# both stop, their CPUs come back, both are deleted and the pool is whole.
# vm: --smp 4 --mem 2G --append cohort_pool=768M
# timeout: 400
set -u

# md5 of `seq 1 200000` (with its final newline), computed off-line.
SUM=0e10426a1d5bddffcef02f1345787128

. /tests/vm/lib/common.sh

online0=$(cat /sys/devices/system/cpu/online)
free0=$(cat /sys/kernel/cohort/pool/free)
[ "$online0" = 0-3 ] || die "the primary should start with CPUs 0-3 online, has $online0"

# The command an instance runs: NAME NCPUS MEM_BASE MEM_SIZE ID.
# Its checks print "ok ..." or "FAIL ..."; it exits 1 if one failed.
instance_cmd() {
	local name="$1" ncpus="$2" base="$3" size="$4" id="$5"
	cat <<EOF
name=$name ncpus=$ncpus base=$base size=$size id=$id sum=$SUM
EOF
	cat <<'EOF'
fails=0
ok() { echo "[$name] ok   $*"; }
no() { echo "[$name] FAIL $*"; fails=$((fails + 1)); }

n=$(nproc)
[ "$n" = "$ncpus" ] && ok "nproc is $n" || no "nproc is $n, expected $ncpus"
p=$(grep -c '^processor' /proc/cpuinfo)
[ "$p" = "$ncpus" ] && ok "/proc/cpuinfo lists $p processors" ||
	no "/proc/cpuinfo lists $p processors, expected $ncpus"

kb=$(sed -n 's/^MemTotal: *\([0-9]*\) kB$/\1/p' /proc/meminfo)
max=$((size / 1024)) min=$((size / 2048))
if [ -n "$kb" ] && [ "$kb" -le "$max" ] && [ "$kb" -ge "$min" ]; then
	ok "MemTotal $kb kB is within [$min, $max] kB"
else
	no "MemTotal '$kb' kB is not within [$min, $max] kB"
fi

# Physical memory it can use: only [base, base + size) and its slot for
# the real-mode trampoline below 1 MiB (32 KiB).
end=$((base + size)) inside=0 low=0 stray=0
grep ' : System RAM$' /proc/iomem >/tmp/ram
while IFS= read -r line; do
	r=${line%% : *}
	s=$((0x${r%-*})) e=$((0x${r#*-}))
	if [ $s -ge $((base)) ] && [ $e -lt $end ]; then
		inside=$((inside + e - s + 1))
	elif [ $e -lt $((0x100000)) ] && [ $((e - s + 1)) -le $((0x8000)) ]; then
		low=$((low + 1))
	else
		no "System RAM outside its memory: $line"
		stray=$((stray + 1))
	fi
done </tmp/ram
if [ $inside -gt $((size / 2)) ] && [ $stray = 0 ] && [ $low -le 1 ]; then
	ok "System RAM: $((inside >> 20)) MiB inside [$(printf '%#x' $base), $(printf '%#x' $end)), $low low slot(s), nothing else"
else
	no "System RAM: $((inside >> 20)) MiB inside its memory, $low low range(s), $stray outside"
	sed 's/^/    /' /tmp/ram
fi

role=$(cat /sys/kernel/cohort/role 2>&1)
[ "$role" = instance ] && ok "role is instance" || no "role is '$role', expected instance"
myid=$(cat /sys/kernel/cohort/id 2>&1)
[ "$myid" = "$id" ] && ok "id is $myid, as the primary says" ||
	no "id is '$myid', the primary says $id"

i=0
while [ $i -lt 3 ]; do
	got=$(seq 1 200000 | md5sum | cut -d' ' -f1)
	[ "$got" = "$sum" ] || no "checksum $got, expected $sum"
	i=$((i + 1))
done
ok "checksum right 3 times"
[ $fails = 0 ]
EOF
}

cohort create a --cpus 1 --memory 128M || die "cohort create a"
cohort create b --cpus 2-3 --memory 256M || die "cohort create b"
for n in a b; do
	echo "# $n: id $(attr $n id), CPUs $(attr $n cpus), $(attr $n mem_size) bytes at $(attr $n mem_base)"
done
instance_cmd a 1 "$(attr a mem_base)" "$(attr a mem_size)" "$(attr a id)" | make_initrd a
instance_cmd b 2 "$(attr b mem_base)" "$(attr b mem_size)" "$(attr b id)" | make_initrd b
cohort load a --kernel /boot/bzImage --initrd /tmp/initrd-a || die "cohort load a"
cohort load b --kernel /boot/bzImage --initrd /tmp/initrd-b || die "cohort load b"

# The primary's workload on CPU 0: write the numbers to a file in tmpfs
# and checksum it, until both instances are done.
rm -f /tmp/work.stop /tmp/work.out
# shellcheck disable=SC2016
taskset -c 0 sh -c '
	i=0
	while [ $i -lt 5 ] || [ ! -e /tmp/work.stop ]; do
		seq 1 200000 >/tmp/work.data
		md5sum </tmp/work.data | cut -d" " -f1 >>/tmp/work.out
		i=$((i + 1))
	done' &
work=$!

cohort start a || die "cohort start a"
cohort start b || die "cohort start b"
online=$(cat /sys/devices/system/cpu/online)
[ "$online" = 0 ] || bad "while both run the primary has CPUs $online online, expected 0"

for n in a b; do
	if ! wait_for 180 console_has $n 'COHORT-EXIT'; then
		echo "--- console of $n:"; cohort log $n | tail -n 30
		touch /tmp/work.stop
		die "instance $n did not finish its command (state $(attr $n state))"
	fi
done
during=$(wc -l </tmp/work.out)
touch /tmp/work.stop
wait $work || bad "the primary's workload exited with status $?"

for n in a b; do
	echo "--- $n: console from init on"
	cohort log $n | sed -n '/cohort-instance: /,/COHORT-EXIT/p'
	ncpu=1; [ $n = b ] && ncpu=2
	console_has $n "cohort-instance: $n init running on $ncpu CPU(s)" ||
		bad "$n: no 'cohort-instance: $n init running on $ncpu CPU(s)' line"
	console_has $n 'COHORT-EXIT 0' || bad "$n: its checks failed (see its console above)"
	st=$(attr $n state)
	[ "$st" = running ] || bad "$n: state '$st' after its command, expected running"
done

runs=$(wc -l </tmp/work.out)
wrong=$(grep -cv "^$SUM\$" /tmp/work.out)
if [ "$runs" -ge 5 ] && [ "$during" -ge 1 ] && [ "$wrong" = 0 ]; then
	echo "ok   primary: $runs checksums on CPU 0 ($during while the instances ran), all right"
else
	bad "primary: $runs checksums ($during while the instances ran), $wrong wrong: $(sort /tmp/work.out | uniq -c | tr '\n' ' ')"
fi

cohort stop a || bad "cohort stop a failed"
cohort stop b || bad "cohort stop b failed"
for n in a b; do
	st=$(attr $n state)
	[ "$st" = stopped ] || bad "$n: state '$st' after stop, expected stopped"
done
online=$(cat /sys/devices/system/cpu/online)
[ "$online" = "$online0" ] || bad "after stopping both the primary has CPUs $online online, expected $online0"
cohort delete a || bad "cohort delete a failed"
cohort delete b || bad "cohort delete b failed"
free=$(cat /sys/kernel/cohort/pool/free)
[ "$free" = "$free0" ] || bad "pool free $free after deleting both, expected $free0"
[ -z "$(ls /sys/kernel/cohort/instances/)" ] ||
	bad "instances left: $(ls /sys/kernel/cohort/instances/)"

exit_if_failed instance-two 20
echo "instance-two: two instances ran side by side, the primary computed right, all returned"
