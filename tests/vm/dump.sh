# cohort dump: a panicked instance's memory saved as an ELF core file that
# makedumpfile reads as it reads a kdump.  Refused while the CPUs are out
# (nothing written), taken after `cohort stop --force`; the dump holds
# what the instance had in memory (a marker file), makedumpfile extracts
# the kernel log from it through the VMCOREINFO note (the panic, as the
# console showed it), compresses it straight from sysfs, and zero pages
# are holes.  A hostile instance that publishes a note outside its memory,
# or garbage inside it, gets a dump without a note and a line in the
# primary's log; nothing oopses.
# vm: --smp 4 --mem 2G --append cohort_pool=768M
# timeout: 500
set -u
. /tests/vm/lib/common.sh

V=/sys/kernel/cohort/instances/pan/vmcore
MARK=cohort-dump-marker-$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')
make_initrd pan <<EOF
for i in \$(seq 1 4000); do echo "$MARK \$i"; done >/root/marker
echo "about to panic: $MARK" >/dev/kmsg
echo c >/proc/sysrq-trigger
EOF
cohort create pan --cpus 2-3 --memory 128M || die "cohort create pan"
cohort load pan --kernel /boot/bzImage --initrd /tmp/initrd-pan || die "cohort load pan"
cohort start pan || die "cohort start pan"
wait_for 150 state_is pan failed || die "pan: state $(attr pan state), expected failed"
ok "pan panicked"

# CPUs still out: refused, no file.
if out=$(cohort dump pan /tmp/pan.core 2>&1); then
	bad "dump of a failed instance holding its CPUs succeeded"
else
	ok "refused while its CPUs are out: $out"
fi
[ ! -e /tmp/pan.core ] && ok "no file made" || bad "a refused dump left /tmp/pan.core"
head -c 1 $V >/dev/null 2>&1 && bad "sysfs vmcore readable while the CPUs are out" ||
	ok "sysfs vmcore: $(head -c 1 $V 2>&1 >/dev/null)"

cohort stop pan --force || die "cohort stop --force pan"
out=$(cohort dump pan /tmp/pan.core 2>&1) && ok "dump: $out" || die "cohort dump failed: $out"
out=$(cohort dump pan /tmp/pan.core 2>&1) && bad "an existing file was replaced without --force" ||
	ok "an existing file is kept: $out"
cohort dump --force pan /tmp/pan.core >/dev/null || bad "dump --force failed"

# An ELF core file of the instance's memory, mostly holes.
[ "$(head -c 4 /tmp/pan.core | tail -c 3)" = ELF ] && ok "an ELF file" || bad "not ELF: $(head -c 4 /tmp/pan.core | od -c)"
size=$(stat -c %s /tmp/pan.core)
disk=$(($(stat -c %b /tmp/pan.core) * 512))
want=$((128 * 1024 * 1024 + 32 * 1024))
[ $size -gt $want ] && [ $size -lt $((want + 65536)) ] && ok "size $size: the memory and a header" ||
	bad "size $size, expected a little over $want"
# Its kernel, initramfs and rootfs fill much of it; the rest is holes.
[ $disk -lt $((size - 8 * 1024 * 1024)) ] && ok "$disk bytes on disk: zero pages are holes" ||
	bad "$disk bytes on disk of $size"
cmp -s /tmp/pan.core $V && ok "the file is what sysfs serves" || bad "the file differs from $V"
n=$(grep -c "^$MARK [0-9]*\$" /tmp/pan.core)
[ "$n" -ge 1000 ] && ok "the instance's marker file is in the dump ($n of 4000 lines whole)" ||
	bad "marker lines in the dump: $n"

# makedumpfile reads it through the VMCOREINFO note.
if makedumpfile --dump-dmesg /tmp/pan.core /tmp/pan.dmesg >/tmp/mdf.out 2>&1; then
	ok "makedumpfile --dump-dmesg read it"
else
	bad "makedumpfile --dump-dmesg failed: $(tail -n 5 /tmp/mdf.out)"
fi
for line in "about to panic: $MARK" "Kernel panic - not syncing: sysrq triggered crash"; do
	grep -qF "$line" /tmp/pan.dmesg 2>/dev/null && cohort log pan | grep -qF "$line" &&
		ok "the log in the dump and the console both say: $line" ||
		bad "not in both the dump's log and the console: $line"
done
grep -q "cohort.name=pan" /tmp/pan.dmesg 2>/dev/null && ok "the dump's log is pan's (its command line)" ||
	bad "the dump's log does not show pan's command line"
rm -f /tmp/pan.dmesg
if makedumpfile -c -d 31 $V /tmp/pan.cmp >/tmp/mdf.out 2>&1; then
	ok "makedumpfile -c -d 31 straight from sysfs: $(stat -c %s /tmp/pan.cmp) bytes"
	makedumpfile --dump-dmesg /tmp/pan.cmp /tmp/pan.dmesg >/dev/null 2>&1 &&
		grep -qF "about to panic: $MARK" /tmp/pan.dmesg &&
		ok "and its compressed dump has the same log" || bad "no log from the compressed dump"
else
	bad "makedumpfile -c -d 31 $V failed: $(tail -n 5 /tmp/mdf.out)"
fi
rm -f /tmp/pan.cmp /tmp/pan.dmesg /tmp/pan.core

# Running again: refused; its old dump is gone.
cohort load pan --kernel /boot/bzImage --initrd /boot/instance-initrd.cpio.gz || die "reload pan"
start_to_init pan 2
out=$(cohort dump pan /tmp/run.core 2>&1) && bad "a running instance was dumped" ||
	ok "a running instance is refused: $out"
[ ! -e /tmp/run.core ] || bad "a refused dump left a file"
cohort stop pan || die "stop pan"

# Hostile: a note outside its memory (the primary's), then garbage in it.
mount_debugfs
for hostile in "0x1000 4096 0x1234" "MEM 4096 0xffff888000000000"; do
	make_initrd hostile <<EOF
mount -t debugfs none /sys/kernel/debug
base=\$(grep "System RAM" /proc/iomem | tail -n 1 | cut -d- -f1 | tr -d ' ')
set -- $hostile
[ "\$1" = MEM ] && set -- 0x\$base \$2 \$3
echo "\$@" >/sys/kernel/debug/cohort/vmcoreinfo
echo "hostile note: \$*"
poweroff -f
EOF
	cohort load pan --kernel /boot/bzImage --initrd /tmp/initrd-hostile || die "load hostile"
	dmesg -c >/dev/null
	cohort start pan || die "start hostile"
	wait_for 150 state_is pan stopped || die "hostile: state $(attr pan state), expected stopped"
	cohort log pan | grep "hostile note"
	out=$(cohort dump pan /tmp/h.core 2>&1) && ok "dump of a hostile instance: $out" ||
		bad "dump of a hostile instance failed: $out"
	echo "$out" | grep -q "no VMCOREINFO" && ok "it has no note, and says so" || bad "a bogus note was taken"
	dmesg | grep -q "VMCOREINFO note does not hold together" && ok "the primary logs why" ||
		bad "no log line about the bogus note"
	rm -f /tmp/h.core
done
cohort delete pan || bad "delete pan"
exit_if_failed dump
echo "dump: a panicked instance dumped, read by makedumpfile; refusals and hostile notes handled"
