# Shared writable mappings of one cohortfs file in two kernels map the
# same memory: stores in one kernel are seen by the other's mapping and
# read() without msync(), write() is seen by mappings, 64-bit atomic adds
# from both kernels on one counter all count, holes are filled on fault,
# a mapping keeps its data while the other kernel writes and truncates,
# and fsck is clean afterwards.  Files are pinned by their first mmap
# (COHORTFS_BODY_PINNED): their blocks never move.
# vm: --smp 4 --mem 2G --append cohort_pool=768M
# timeout: 400
set -u
M=/mnt/r

. /tests/vm/lib/common.sh
DIE_DMESG=cohort

mount_debugfs
mkdir -p $M
cohort region create shared --size 64M || die "region create"
base=$(cat /sys/kernel/cohort/regions/shared/base)
D=/sys/kernel/debug/cohortfs/${base#0x}
mount -t cohortfs -o region=shared,format none $M || die "mount"
dd if=/dev/zero of=$M/f bs=4096 count=16 2>/dev/null || die "make f"
# keep a mapping up the whole time; it must still hold its store at the end
cohortfs-mmap $M/f hold 0 PRIMARY-STORE 25 >/tmp/hold.out 2>&1 &
holdpid=$!

make_initrd one <<'EOF'
mkdir -p /mnt/r
mount -t cohortfs -o region=shared none /mnt/r || exit 1
cohortfs-mmap /mnt/r/f wait 0 PRIMARY-STORE 60 && echo INST-SAW-PRIMARY
cohortfs-mmap /mnt/r/f store 8192 INSTANCE-STORE && echo INST-STORED
cohortfs-mmap /mnt/r/f wait 12288 WRITTEN 60 && echo INST-SAW-WRITE &
touch /mnt/r/inst-waiting
while [ ! -e /mnt/r/go-add ]; do sleep 0.01; done
echo "INST-ADD $(cohortfs-mmap /mnt/r/f add 4096 5000000)"
wait
touch /mnt/r/inst-done
sleep 1000
EOF
cohort create one --cpus 2-3 --memory 256M || die create
cohort load one --kernel /boot/bzImage --initrd /tmp/initrd-one || die load
cohort region grant shared one || die grant
cohort start one || die start

wait_for 200 console_has one INST-STORED || die "the instance did not store"
console_has one INST-SAW-PRIMARY && ok "the instance's mapping sees the primary's store (no msync)" ||
	bad "instance did not see the primary's store"
cohortfs-mmap $M/f wait 8192 INSTANCE-STORE 10 && ok "the primary's mapping sees the instance's store" ||
	bad "primary mapping: $(cohortfs-mmap $M/f show 8192 14)"
[ "$(dd if=$M/f bs=1 skip=8192 count=14 2>/dev/null)" = INSTANCE-STORE ] &&
	ok "read() sees the instance's store" || bad "read() after the store"

wait_for 60 test -e $M/inst-waiting || die "instance not waiting"
printf WRITTEN | dd of=$M/f bs=1 seek=12288 conv=notrunc 2>/dev/null || bad "write()"
touch $M/go-add

mine=$(cohortfs-mmap $M/f add 4096 5000000)
wait_for 120 test -e $M/inst-done || die "instance did not finish adding"
console_has one INST-SAW-WRITE && ok "the instance's mapping sees the primary's write()" ||
	bad "instance did not see write()"
total=$(cohortfs-mmap $M/f add 4096 0)
[ "$total" = 10000000 ] && ok "atomic adds from two kernels: $total (the primary ended at $mine, the instance at $(cohort log one | sed -n "s/.*INST-ADD //p"))" ||
	bad "counter $total, expected 10000000"

# holes are filled on fault; the file is pinned: blocks stay while the
# other kernel writes and truncates
dd if=/dev/zero of=$M/sparse bs=1 count=1 seek=1048575 2>/dev/null
cohortfs-mmap $M/sparse store 500000 in-a-hole || bad "store into a hole"
[ "$(dd if=$M/sparse bs=1 skip=500000 count=9 2>/dev/null)" = in-a-hole ] &&
	ok "a store into a hole is read back" || bad "hole store"
[ "$(stat -c %s $M/sparse)" = 1048576 ] || bad "sparse size $(stat -c %s $M/sparse)"
for i in 1 2 3 4; do dd if=/dev/zero of=$M/churn$i bs=64k count=16 2>/dev/null; done
rm -f $M/churn*
wait $holdpid && ok "the primary's long-lived mapping kept its data" ||
	bad "hold: $(cat /tmp/hold.out)"
truncate -s 100 $M/f 2>/dev/null || dd if=/dev/null of=$M/f bs=1 seek=100 2>/dev/null
[ "$(stat -c %s $M/f)" = 100 ] || bad "truncate: size $(stat -c %s $M/f)"
dd if=/dev/zero of=$M/f bs=1 count=1 seek=8191 conv=notrunc 2>/dev/null
[ "$(dd if=$M/f bs=1 skip=100 count=4000 2>/dev/null | tr -d '\000' | wc -c)" = 0 ] &&
	ok "bytes past a truncate read as zeros after regrowth" || bad "stale bytes after regrowth"

cohort stop one || bad "stop"
cohort delete one
cat $D/check | tail -n 1
awk '$1 == "result" && $2 == 0 && $4 == 0 { ok = 1 } END { exit !ok }' $D/check &&
	ok "in-kernel check clean" || bad "check: $(tail -n 3 $D/check)"
dd if=$D/image of=/tmp/img bs=1M 2>/dev/null
umount $M || bad umount
fsck.cohortfs /tmp/img >/tmp/fsck.out && ok "fsck.cohortfs clean: $(tail -n 1 /tmp/fsck.out)" ||
	bad "fsck: $(cat /tmp/fsck.out)"
cohort region delete shared || bad "region delete"
exit_if_failed cohortfs-mmap
