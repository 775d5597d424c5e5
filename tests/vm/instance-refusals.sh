# Bad requests are refused and change nothing.  First the kernel itself:
# cohort-abi-check (tests/abi/cohort_abi_check.c) sends raw /dev/cohort
# ioctls, bypassing the CLI, and checks each errno and msg (one line per
# check).  Then the same cases once through cohort(8): exit status and
# message as docs/man/cohort.8 says, and nothing changed in sysfs, the
# pool or the primary's online CPUs.
# vm: --smp 4 --mem 2G --append cohort_pool=768M
# timeout: 400
set -u

. /tests/vm/lib/common.sh

command -v cohort-abi-check >/dev/null ||
	{ echo "cohort-abi-check is not in the initramfs: run 'make initramfs'"; exit 1; }

echo "=== raw ioctls (cohort-abi-check)"
cohort-abi-check -k /boot/bzImage -i /boot/instance-initrd.cpio.gz
rc=$?
if [ $rc != 0 ]; then
	bad "cohort-abi-check exited with status $rc"
	echo "--- kernel messages about Cohort:"
	dmesg | grep 'cohort: ' | tail -n 30
fi
if [ -n "$(ls /sys/kernel/cohort/instances/)" ]; then
	bad "cohort-abi-check left instances behind: $(ls /sys/kernel/cohort/instances/)"
	exit 1
fi

echo "=== cohort(8) refusals"

# Everything a refusal must not change.
snap() {
	local d f
	echo "online=$(cat /sys/devices/system/cpu/online)"
	echo "free=$(cat /sys/kernel/cohort/pool/free)"
	for d in /sys/kernel/cohort/instances/*; do
		[ -d "$d" ] || continue
		for f in id state cpus mem_base mem_size cmdline kernel_size initrd_size starts; do
			echo "${d##*/}/$f=$(cat "$d/$f")"
		done
	done
}

# refuses STATUS TEXT cohort ARGS...: exits STATUS, stderr starts with
# "cohort: " and contains TEXT, and nothing changed.
refuses() {
	local want="$1" text="$2" before after out rc first cmd
	shift 2
	cmd=$(printf '%s ' "$@" | cut -c 1-90 | sed 's/ *$//')
	before=$(snap)
	out=$("$@" 2>&1 >/dev/null)
	rc=$?
	after=$(snap)
	first=$(printf '%s\n' "$out" | head -n 1)
	if [ $rc != "$want" ]; then
		bad "$cmd: exit status $rc, expected $want: $first"
	elif [ "${first#cohort: }" = "$first" ]; then
		bad "$cmd: message does not start with 'cohort: ': '$first'"
	elif ! printf '%s\n' "$out" | grep -qF -- "$text"; then
		bad "$cmd: message '$first' does not say '$text'"
	elif [ "$before" != "$after" ]; then
		bad "$cmd: the refused command changed something:"
		printf '%s\n' "$before" >/tmp/snap.before
		printf '%s\n' "$after" >/tmp/snap.after
		diff /tmp/snap.before /tmp/snap.after | sed 's/^/     /'
	else
		echo "ok   $cmd -> $rc: $first"
	fi
}

free0=$(cat /sys/kernel/cohort/pool/free)
online0=$(cat /sys/devices/system/cpu/online)
start_snap=$(snap)
pool_base=$(cat /sys/kernel/cohort/pool/base)
pool_size=$(cat /sys/kernel/cohort/pool/size)
pool_end=$(printf '%#x' $((pool_base + pool_size)))

cohort create cli-a --cpus 1 --memory 64M || { bad "cohort create cli-a failed"; exit 1; }
a_base=$(cat /sys/kernel/cohort/instances/cli-a/mem_base)
echo "# cli-a: CPU 1, 64 MiB at $a_base; pool $pool_base + $pool_size"

long=$(printf '%032d' 0 | tr 0 n)
: >/tmp/empty
cmdline=$(printf '%02048d' 0 | tr 0 x)

# create
refuses 2 "the instance name is empty" cohort create '' --cpus 2 --memory 64M
refuses 2 "at most 31" cohort create "$long" --cpus 2 --memory 64M
refuses 2 "is not allowed" cohort create 'a/b' --cpus 2 --memory 64M
refuses 2 "must not start with" cohort create --cpus 2 --memory 64M -- -a
refuses 2 "must not start with" cohort create .a --cpus 2 --memory 64M
refuses 2 "not present" cohort create x --cpus 7 --memory 64M
refuses 2 "CPU 0 always stays with the primary" cohort create x --cpus 0 --memory 64M
refuses 1 "already given to instance 'cli-a'" cohort create x --cpus 1 --memory 64M
refuses 2 "CPU list" cohort create x --cpus '' --memory 64M
refuses 2 "must not be 0" cohort create x --cpus 2 --memory 0
refuses 2 "not a multiple of" cohort create x --cpus 2 --memory 65M
refuses 2 "below the minimum" cohort create x --cpus 2 --memory 16M
refuses 1 "do not fit the pool" cohort create x --cpus 2 --memory 1G
refuses 1 "not inside the pool" cohort create x --cpus 2 --memory 64M --base "$pool_end"
refuses 2 "not a multiple of" cohort create x --cpus 2 --memory 64M \
	--base "$(printf '%#x' $((pool_base + 0x100000)))"
refuses 1 "overlaps instance 'cli-a'" cohort create x --cpus 2 --memory 64M --base "$a_base"
refuses 2 "must not be 0" cohort create x --cpus 2 --memory 64M --base 0
refuses 1 "already exists" cohort create cli-a --cpus 2 --memory 64M

# load
refuses 2 "cannot open kernel" cohort load cli-a --kernel /nonexistent
refuses 2 "is not a bzImage" cohort load cli-a --kernel /bin/busybox
refuses 2 "is empty" cohort load cli-a --kernel /tmp/empty
refuses 2 "is empty" cohort load cli-a --kernel /boot/bzImage --initrd /tmp/empty
refuses 2 "at most 2047" cohort load cli-a --kernel /boot/bzImage --cmdline "$cmdline"
refuses 3 "no such instance" cohort load cli-nope --kernel /boot/bzImage

# start, stop, delete before anything is loaded
refuses 3 "no such instance" cohort start cli-nope
refuses 1 "nothing is loaded" cohort start cli-a
refuses 1 "is not running" cohort stop cli-a
refuses 1 "is not running" cohort stop cli-a --force
refuses 2 "cannot be used together" cohort stop cli-a --force --timeout 3
refuses 2 "more than 0 seconds" cohort stop cli-a --timeout 0
refuses 2 "invalid timeout" cohort stop cli-a --timeout abc
refuses 3 "no such instance" cohort stop cli-nope
refuses 3 "no such instance" cohort delete cli-nope

# while it runs
cohort load cli-a --kernel /boot/bzImage --initrd /boot/instance-initrd.cpio.gz ||
	{ bad "cohort load cli-a failed"; exit 1; }
cohort start cli-a || { bad "cohort start cli-a failed"; exit 1; }
if ! wait_for 150 state_is cli-a running; then
	bad "cli-a did not reach 'running' (state $(cat /sys/kernel/cohort/instances/cli-a/state))"
	cohort log cli-a | tail -n 20
else
	refuses 1 "is running" cohort start cli-a
	refuses 1 "stop it first" cohort load cli-a --kernel /boot/bzImage
	refuses 1 "stop it first" cohort delete cli-a
	refuses 1 "already given to instance 'cli-a'" cohort create x --cpus 1 --memory 64M
fi
cohort stop cli-a || bad "cohort stop cli-a failed"
cohort delete cli-a || bad "cohort delete cli-a failed"

[ "$(cat /sys/devices/system/cpu/online)" = "$online0" ] ||
	bad "online CPUs at the end: $(cat /sys/devices/system/cpu/online), expected $online0"
[ "$(cat /sys/kernel/cohort/pool/free)" = "$free0" ] ||
	bad "pool free at the end: $(cat /sys/kernel/cohort/pool/free), expected $free0"
[ "$(snap)" = "$start_snap" ] || bad "sysfs at the end differs from the start"

exit_if_failed instance-refusals 0
echo "instance-refusals: every bad request was refused and changed nothing"
