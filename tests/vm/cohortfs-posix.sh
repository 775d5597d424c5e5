# cohortfs kernel mount in the primary: a 64 MiB hole reserved with
# memmap= at 1.75 GiB (two 32 MiB regions) is refused while unformatted, formatted with the
# "format" mount option, passes the POSIX checks, keeps its contents
# across a remount, and a corrupt superblock or garbage region is refused
# (never a crash).  RAM of the kernel itself is refused as a region.
# vm: --smp 2 --mem 2G --append memmap=64M$0x70000000
# timeout: 900
set -u
R=0x70000000
R2=0x72000000
S=0x2000000
M=/mnt/cfs
D=/sys/kernel/debug/cohortfs/70000000
fail() { echo "FAIL: $*"; dmesg | tail -n 20; exit 1; }
mkdir -p $M
grep -q " /sys/kernel/debug " /proc/mounts || mount -t debugfs none /sys/kernel/debug
grep -q cohortfs /proc/filesystems || fail "cohortfs not registered"

mount -t cohortfs -o phys=$R,size=$S none $M 2>/dev/null &&
	fail "an unformatted region was mounted"
mount -t cohortfs -o phys=0x1000000,size=0x100000,format none $M 2>/dev/null &&
	fail "the kernel's own RAM was accepted as a region"
mount -t cohortfs -o phys=$R,size=$S,format none $M || fail "format mount"
grep " $M cohortfs " /proc/mounts || fail "not in /proc/mounts"
echo "--- mounted"
df $M

timeout 600 cohortfs-posix-check $M || fail "POSIX checks on the kernel mount"

# contents survive a remount (no format this time)
echo hello >$M/keep || fail write
mkdir $M/dir && ln -s ../keep $M/dir/link && ln $M/keep $M/hard || fail names
dd if=/dev/zero of=$M/big bs=64k count=40 2>/dev/null || fail "big write"
umount $M || fail umount
mount -t cohortfs -o phys=$R,size=$S none $M || fail remount
[ "$(cat $M/dir/link)" = hello ] || fail "symlink after remount"
[ "$(stat -c %h $M/keep)" = 2 ] || fail "link count after remount"
[ "$(stat -c %s $M/big)" = 2621440 ] || fail "size after remount"
cat $D/check
grep -q "^result 0 errors 0 " $D/check || fail "in-kernel check not clean"

# fsck.cohortfs on a copy of the region
dd if=$D/image of=/tmp/img bs=1M 2>/dev/null || fail "image export"
umount $M || fail umount
fsck.cohortfs /tmp/img || fail "fsck.cohortfs on the exported image"

# corrupt superblock: refused, and accepted again once repaired
mount -t cohortfs -o phys=$R,size=$S none $M || fail remount
dd if=$D/image of=/tmp/sb bs=4096 count=1 2>/dev/null
printf '\377\377\377\377' | dd of=$D/image bs=1 seek=12 conv=notrunc 2>/dev/null
mkdir -p /mnt/other
mount -t cohortfs -o phys=$R,size=$S none /mnt/other 2>/dev/null &&
	fail "a corrupt superblock was mounted"
dd if=/tmp/sb of=$D/image bs=4096 count=1 conv=notrunc 2>/dev/null
mount -t cohortfs -o phys=$R,size=$S none /mnt/other || fail "repaired sb"
[ "$(cat /mnt/other/keep)" = hello ] || fail "second mount sees the file"
echo two >/mnt/other/two
[ "$(cat $M/two)" = two ] || fail "first mount sees the second's file"
umount /mnt/other

# garbage over the metadata: refused at mount, or errors on access
dd if=/dev/urandom of=$D/image bs=4096 count=64 seek=1 conv=notrunc 2>/dev/null
ls -lR $M >/dev/null 2>&1
cat $M/keep $M/big >/dev/null 2>&1
echo x >$M/new 2>/dev/null
umount $M || fail "umount after corruption"
mount -t cohortfs -o phys=$R,size=$S none $M 2>/dev/null && {
	ls -lR $M >/dev/null 2>&1; umount $M; }

# a garbage superblock in the other half of the hole
mount -t cohortfs -o phys=$R2,size=$S,format none $M || fail "format R2"
dd if=/dev/urandom of=/sys/kernel/debug/cohortfs/72000000/image bs=4096 \
	count=1 conv=notrunc 2>/dev/null
mount -t cohortfs -o phys=$R2,size=$S none /mnt/other 2>/dev/null &&
	fail "a garbage superblock was mounted"
umount $M
dmesg | grep cohortfs
echo "cohortfs kernel mount: POSIX checks pass, corrupt regions refused"
