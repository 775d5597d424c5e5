# cohortfs shared between two kernels: the primary takes a 64 MiB region
# from the pool ("cohort region create"), formats and mounts it; an
# instance mounts the same region by name, runs the POSIX checks there,
# and each kernel sees the other's writes; both append to one file at
# once and no append is lost.
# Then an instance panics (sysrq c) in the middle of a write loop: the
# primary's mount goes on working, learns from Cohort that the kernel is
# dead (its CPUs halted), frees its client slot and what it held, and
# fsck.cohortfs on a copy of the region (exported through debugfs) finds
# nothing worse than leaks (blocks of the write it died in), which -y
# repairs.
# vm: --smp 4 --mem 2G --append cohort_pool=768M
# timeout: 600
set -u
M=/mnt/cfs

. /tests/vm/lib/common.sh
DIE_DMESG=cohort # cohortfs too

mount_debugfs
mkdir -p $M
cohort region create shared --size 64M || die "region create"
base=$(cat /sys/kernel/cohort/regions/shared/base)
D=/sys/kernel/debug/cohortfs/${base#0x}
mount -t cohortfs -o region=shared,format none $M || die "format mount"
[ "$(cat /sys/kernel/cohort/regions/shared/users)" = 0 ] || die "users: $(cat /sys/kernel/cohort/regions/shared/users)"
echo "from the primary" >$M/primary || die "write"

# --- instance 1: sees the primary's file, POSIX checks, writes back
make_initrd one <<EOF
mkdir -p /mnt/cfs
mount -t cohortfs -o region=shared none /mnt/cfs || exit 1
echo "INST-SEES: \$(cat /mnt/cfs/primary)"
cohortfs-posix-check /mnt/cfs >/tmp/posix 2>&1; rc=\$?
tail -n 3 /tmp/posix
echo "INST-POSIX \$rc"
echo "from the instance" >/mnt/cfs/instance
mkdir /mnt/cfs/idir && echo a >/mnt/cfs/idir/a && mv /mnt/cfs/idir/a /mnt/cfs/idir/b
while [ ! -e /mnt/cfs/go ]; do sleep 0.1; done
echo "INST-SEES-GO: \$(cat /mnt/cfs/go)"
i=0; while [ \$i -lt 300 ]; do echo inst-line >>/mnt/cfs/app; i=\$((i + 1)); done
echo INST-APPEND-DONE
[ -e /mnt/cfs/primary ] || echo "INST-GONE-OK"
umount /mnt/cfs && echo INST-UMOUNT-OK
EOF
cohort create one --cpus 2-3 --memory 256M || die create
cohort load one --kernel /boot/bzImage --initrd /tmp/initrd-one || die load
cohort region grant shared one || die grant
cohort start one || die start
wait_for 240 console_has one 'INST-POSIX' || die "instance did not run the POSIX checks"
[ "$(cat /sys/kernel/cohort/regions/shared/users)" = 0-1 ] || die "users with the instance: $(cat /sys/kernel/cohort/regions/shared/users)"
cohort region delete shared 2>/tmp/err && die "deleted a region in use"
grep -q "in use by kernel(s) 0-1" /tmp/err || die "delete refusal: $(cat /tmp/err)"
console_has one 'INST-SEES: from the primary' || die "the instance does not see the primary's file"
console_has one 'INST-POSIX 0' || die "POSIX checks failed in the instance"
wait_for 30 test -e $M/idir/b || die "the primary does not see the instance's rename"
[ "$(cat $M/instance)" = "from the instance" ] || die "the primary does not see the instance's file"
[ ! -e $M/idir/a ] || die "old name still there"
rm $M/primary
echo "go" >$M/go
# both kernels append to one file at once: no line lost or torn
i=0; while [ $i -lt 300 ]; do echo prim-line >>$M/app; i=$((i + 1)); done
wait_for 60 console_has one 'INST-APPEND-DONE' || die "instance appends did not finish"
[ "$(grep -c '^prim-line$' $M/app)" = 300 ] && [ "$(grep -c '^inst-line$' $M/app)" = 300 ] &&
	[ "$(stat -c %s $M/app)" = 6000 ] || die "concurrent appends: $(stat -c %s $M/app) bytes"
echo "ok: 600 concurrent appends from two kernels, none lost"
wait_for 60 console_has one 'INST-UMOUNT-OK' || die "instance did not finish"
console_has one 'INST-SEES-GO: go' || die "the instance does not see the primary's late write"
console_has one 'INST-GONE-OK' || die "the instance still sees the primary's unlinked file"
cohort log one | grep INST-
cohort stop one || die stop
cohort delete one
[ "$(cat /sys/kernel/cohort/regions/shared/users)" = 0 ] || die "users after the instance unmounted"
echo "ok: two kernels see each other's changes"

# --- instance 2: panics in the middle of writing
make_initrd pan <<EOF
mkdir -p /mnt/cfs
mount -t cohortfs -o region=shared none /mnt/cfs || exit 1
mkdir -p /mnt/cfs/crash
# an unlinked file kept open: an orphan only this kernel's hold keeps
dd if=/dev/zero of=/mnt/cfs/crash/held bs=64k count=16 2>/dev/null
exec 3</mnt/cfs/crash/held
rm /mnt/cfs/crash/held
(i=0; while :; do dd if=/dev/zero of=/mnt/cfs/crash/f\$((i % 8)) bs=64k count=20 2>/dev/null
  echo x >>/mnt/cfs/crash/log; mv /mnt/cfs/crash/log /mnt/cfs/crash/log2; mv /mnt/cfs/crash/log2 /mnt/cfs/crash/log
  i=\$((i + 1)); done) &
sleep 2
echo "INST-CRASHING"
echo c >/proc/sysrq-trigger
EOF
cohort create pan --cpus 2-3 --memory 256M || die create
cohort load pan --kernel /boot/bzImage --initrd /tmp/initrd-pan || die load
cohort region grant shared pan || die grant
cohort start pan || die start
wait_for 240 state_is pan failed || die "instance pan did not panic"
console_has pan INST-CRASHING || die "no crash marker"
# Cohort knows its CPUs are halted: the primary's mount frees its client
# slot (and the hold on the file it had open) without waiting for fsck.
wait_for 30 sh -c 'dmesg | grep -q "cohortfs: shared: freed 1 client"' ||
	die "the dead kernel's client was not freed"
dmesg | grep 'freed 1 client'
cohort stop pan --force || die "stop --force"
cohort delete pan

# the primary's mount goes on working
ls -l $M/crash || die "ls after the crash"
cat $M/crash/* >/dev/null || die "read after the crash"
echo after >$M/after && [ "$(cat $M/after)" = after ] || die "write after the crash"
rm -rf $M/crash || die "rm after the crash"
# What is left: the blocks of the write it died in (leaks).
cat $D/check
awk '$1 == "result" && $2 == 0 && $4 == $12 + $14 { ok = 1 } END { exit !ok }' \
	$D/check || die "in-kernel check: problems other than leaks"
dd if=$D/image of=/tmp/img bs=1M 2>/dev/null || die export
fsck.cohortfs /tmp/img >/tmp/fsck.out; rc=$?
tail -n 1 /tmp/fsck.out
echo "fsck.cohortfs exit $rc"
grep -v 'unreachable inode freed\|leaked blocks' /tmp/fsck.out | grep -v '^/tmp/img: [0-9]* files' &&
	die "fsck found more than leaks"
fsck.cohortfs -y /tmp/img | tail -n 1; echo "fsck -y exit $?"
fsck.cohortfs /tmp/img || die "not clean after fsck -y"
umount $M || die umount
cohort region delete shared || die "region delete after umount"
[ ! -e /sys/kernel/cohort/regions/shared ] || die "region still listed"
echo "ok: a crashed writer left a repairable (leaks only) filesystem"
