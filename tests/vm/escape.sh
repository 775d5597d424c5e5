# The escape kit (docs/security.md): root inside instance a tries every
# way out of its grant that Cohort knows of, and each must be refused,
# while instance b (its neighbour) keeps running with its memory intact
# and the primary keeps a canary intact:
#   cohortfs phys= over b's memory, the primary's kernel data, the control
#   region, the local APIC and HPET, a region granted to b only; a mount of
#   b's region by name; /dev/mem and /dev/port; ioperm on the PIT, PIC,
#   CMOS, PCI config, reset (0xcf9) and keyboard controller (0x64) ports
#   and ACPI PM; iopl(3); MSR writes (TEST_CTRL, RAPL power limit, PQR,
#   thermal, MISC_ENABLE); kexec_file_load;
#   then, through the test interface standing in for a hostile kernel: a
#   forged region entry in the control region, mounted by name; a doorbell
#   APIC ID claiming b's CPU (the primary quarantines a, never rings b);
#   a forged ring slot under b's id (b is not quarantined for it);
#   and last a sysrq crash.
# The same kit run by root in the primary: phys= over the pool, instance
# memory, the control region, the trampolines, its own RAM and MMIO.
# vm: --smp 4 --mem 2G --append cohort_pool=768M
# timeout: 600
set -u
. /tests/vm/lib/common.sh
D=/sys/kernel/debug/cohort
mount_debugfs

iomem() { # the first range named $1 in /proc/iomem, as "0xSTART 0xEND"
	grep -m1 ": $1\$" /proc/iomem | sed 's/^ *\([0-9a-f]*\)-\([0-9a-f]*\) .*/0x\1 0x\2/'
}
set -- $(iomem "Kernel data"); KDATA=$1
set -- $(iomem "Cohort trampolines"); LOW=$1
POOL=$(cat /sys/kernel/cohort/pool/base)
[ -n "$KDATA" ] && [ -n "$LOW" ] || die "no Kernel data or trampolines in /proc/iomem"

# The primary's canary: a file whose digest is checked at the end.
dd if=/dev/urandom of=/tmp/canary bs=1M count=8 2>/dev/null
canary=$(md5sum </tmp/canary)

cohort region create mine --size 16M || die "create region mine"
cohort region create theirs --size 16M || die "create region theirs"
THEIRS=$(cat /sys/kernel/cohort/regions/theirs/base)

# b: the neighbour.  Keeps a canary in its own memory and reports.
make_initrd b <<'EOF'
mount -t debugfs none /sys/kernel/debug
dd if=/dev/urandom of=/tmp/canary bs=1M count=8 2>/dev/null
c=$(md5sum </tmp/canary)
while :; do
	[ "$(md5sum </tmp/canary)" = "$c" ] && s=intact || s=CHANGED
	echo "B-ALIVE canary $s bells $(sed -n 's/^doorbells_received //p' /sys/kernel/cohort/msg_stats) peer1 $(cat /sys/kernel/cohort/peers/1/state)"
	sleep 2
done
EOF
cohort create b --cpus 2 --memory 128M || die "create b"
cohort load b --kernel /boot/bzImage --initrd /tmp/initrd-b || die "load b"
cohort region grant theirs b || die "grant theirs to b"
start_to_init b 1
wait_for 60 console_has b 'B-ALIVE canary intact' || die "b does not report"

VICTIM=$(($(attr b mem_base) + 0x1000000))
BAPIC=$(attr b apic_ids)
BID=$(attr b id)
cohort create a --cpus 1 --memory 128M || die "create a"
cohort region grant mine a || die "grant mine to a"
AID=$(attr a id)
# a's entry in the kernel table: gen (8), id (4), state (4), apic_id (4)
AAPIC_OFF=$((0x1000 + AID * 256 + 16))
le32() { printf '%02x%02x%02x%02x' $(($1 & 255)) $((($1 >> 8) & 255)) \
	$((($1 >> 16) & 255)) $((($1 >> 24) & 255)); }
# A fake region entry as the old shared table had them: seq 2, base, size,
# users 0, name "evil".
le64() { echo "$(le32 $(($1 & 0xffffffff)))$(le32 $(($1 >> 32)))"; }
FAKE="$(le64 2)$(le64 $VICTIM)$(le64 0x1000000)$(le64 0)6576696c00"

make_initrd a <<EOF
mount -t debugfs none /sys/kernel/debug
mkdir -p /mnt/mine
mount -t cohortfs -o region=mine,format none /mnt/mine && echo A-OWN-REGION-OK
umount /mnt/mine
cohort-escape-kit \\
	mount-phys:$VICTIM:0x1000000 \\
	mount-phys:$KDATA:0x200000 \\
	mount-phys:$POOL:0x1000000 \\
	mount-phys:0xfee00000:0x1000 \\
	mount-phys:0xfed00000:0x1000 \\
	mount-phys:$THEIRS:0x200000 \\
	mount-region:theirs \\
	open:/dev/mem open:/dev/port \\
	ioperm:0x40:4 ioperm:0x20:2 ioperm:0xa0:2 ioperm:0x70:2 ioperm:0xcf8:8 \\
	ioperm:0xcf9:1 ioperm:0x64:1 ioperm:0x600:128 ioperm:0x3f8:8 iopl:3 \\
	msr-write:0:0x33 msr-write:0:0x610 msr-write:0:0xc8f msr-write:0:0x19b \\
	msr-write:0:0x1a0 \\
	kexec:/bin/busybox
echo "A-KIT-EXIT \$?"
echo "0x6000 $FAKE" >$D/poke && cat $D/result
cohort-escape-kit mount-region:evil
echo "A-FORGE-EXIT \$?"
echo "0 8 $BID" >$D/scribble && echo "A-IMPERSONATED \$(cat $D/result)"
echo "$AAPIC_OFF $(le32 $BAPIC)" >$D/poke && echo A-DOORBELL-FORGED
sleep 1000
EOF
cohort load a --kernel /boot/bzImage --initrd /tmp/initrd-a || die "load a"
start_to_init a 1
wait_for 200 console_has a 'A-DOORBELL-FORGED' || die "a did not finish its kit: $(cohort log a | tail -n 20)"
cohort log a | grep -E '^(refused|ALLOWED|A-)' | sed 's/^/  a: /'

console_has a A-OWN-REGION-OK && ok "a mounts the region granted to it" || bad "a's own region"
n=$(cohort log a | sed -n '1,/A-KIT-EXIT/p' | grep -c '^refused ')
cohort log a | grep '^ALLOWED ' | while read -r l; do echo "FAIL escaped: $l"; done
console_has a 'A-KIT-EXIT 0' && [ "$n" = 25 ] && ok "a: all $n attempts refused" ||
	bad "a's kit: $(cohort log a | grep 'A-KIT-EXIT'), $n of 25 refused"
# Refused by the rule, not by accident (a missing device node, say).
for what in "mount-phys:" "open:/dev/mem" "open:/dev/port" "ioperm:" "iopl:" "msr-write:" "kexec:"; do
	bad=$(cohort log a | grep "^refused $what" | grep -vc 'Operation not permitted')
	[ "$bad" = 0 ] && ok "$what refused with EPERM" ||
		bad "$what: $(cohort log a | grep "^refused $what" | grep -v 'Operation not permitted' | head -n 1)"
done
console_has a 'refused mount-region:theirs: No such file' &&
	ok "b's region is not found by name in a" || bad "region theirs"
console_has a 'A-FORGE-EXIT 0' && ok "a forged region entry names nothing" ||
	bad "forged region entry mounted"
console_has a 'A-IMPERSONATED scribble into 0: 8 forged slots as' ||
	bad "the impersonation did not run: $(cohort log a | grep -i scribble)"

# The forged doorbell APIC ID: the primary quarantines a and never rings
# b's CPU for it; b is not blamed for the slots forged under its id.
wait_for 20 sh -c "dmesg | grep -q 'kernel $AID (epoch .*) quarantined: a doorbell APIC ID that is not one of its CPUs'" &&
	ok "the primary quarantined a for claiming b's CPU" ||
	bad "no quarantine: $(dmesg | grep 'cohort: kernel' | tail -n 3)"
bells=$(cat /sys/kernel/cohort/peers/$AID/doorbells)
out=$(op send "$AID 5 64" 2>&1)
echo "send to a after its forgery: $out"
[ "$(cat /sys/kernel/cohort/peers/$AID/doorbells)" = "$bells" ] &&
	ok "no doorbell sent for a (was $bells)" || bad "doorbells to a: $(cat /sys/kernel/cohort/peers/$AID/doorbells)"
[ "$(cat /sys/kernel/cohort/peers/$BID/state)" = joined ] &&
	ok "b, impersonated by a, is not quarantined" || bad "b: $(cat /sys/kernel/cohort/peers/$BID/state)"
dmesg | grep -q "cohort: kernel $BID (epoch .*) quarantined" && bad "b was quarantined"
bline=$(cohort log b | grep B-ALIVE | tail -n 1)
echo "b: $bline"

# Last: a crashes itself.
echo "sysrq crash of a"
cohort stop --force a || bad "stop a"
cat >/tmp/cmd-a2 <<'EOF'
echo A2-UP
echo c >/proc/sysrq-trigger
EOF
make_initrd a2 </tmp/cmd-a2
cohort load a --kernel /boot/bzImage --initrd /tmp/initrd-a2 || die "reload a"
cohort start a || die "restart a"
wait_for 200 state_is a failed && ok "a crashed with sysrq: failed" || bad "a: $(attr a state)"
sleep 4
bline2=$(cohort log b | grep B-ALIVE | tail -n 1)
echo "b: $bline2"
state_is b running && echo "$bline2" | grep -q 'canary intact' &&
	ok "b kept running with its canary intact" || bad "b: $(attr b state) $bline2"
[ "$(echo "$bline" | sed 's/.* bells \([0-9]*\) .*/\1/')" = "$(echo "$bline2" | sed 's/.* bells \([0-9]*\) .*/\1/')" ] &&
	ok "b took no doorbell meanwhile" || bad "b's doorbells moved: $bline / $bline2"

# The primary side: phys= over anything but RAM reserved from it.
AMEM=$(attr a mem_base)
cohort-escape-kit \
	mount-phys:$POOL:0x1000000 \
	mount-phys:$AMEM:0x1000000 \
	mount-phys:$THEIRS:0x200000 \
	mount-phys:$LOW:0x8000 \
	mount-phys:$KDATA:0x200000 \
	mount-phys:0x100000:0x100000 \
	mount-phys:0xfee00000:0x1000 \
	mount-phys:0xfed00000:0x1000 \
	mount-phys:0xb0000000:0x100000 >/tmp/kit-primary
rc=$?
sed 's/^/  primary: /' /tmp/kit-primary
[ $rc = 0 ] && [ "$(grep -c '^refused ' /tmp/kit-primary)" = 9 ] &&
	ok "the primary refuses phys= over the pool, instances, regions, trampolines, its RAM and MMIO" ||
	bad "primary kit: exit $rc, $(grep -c '^refused ' /tmp/kit-primary) of 9 refused"
dmesg | grep -q "overlaps the Cohort pool" && ok "the refusal says why: $(dmesg | grep -m1 'overlaps the Cohort pool')" ||
	bad "no reason logged"
[ "$(md5sum </tmp/canary)" = "$canary" ] && ok "the primary's canary is intact" || bad "primary canary changed"

cohort stop --force a; cohort stop b || bad "stop b"
cohort delete a; cohort delete b
cohort region delete mine; cohort region delete theirs
exit_if_failed escape
echo "escape: every way out was refused; the neighbour and the primary were untouched"
