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
. /tests/vm/lib/common.sh
DIE_DMESG= # all kernel messages
mkdir -p $M
mount_debugfs
grep -q cohortfs /proc/filesystems || die "cohortfs not registered"

mount -t cohortfs -o phys=$R,size=$S none $M 2>/dev/null &&
	die "an unformatted region was mounted"
mount -t cohortfs -o phys=0x1000000,size=0x100000,format none $M 2>/dev/null &&
	die "the kernel's own RAM was accepted as a region"
mount -t cohortfs -o phys=$R,size=$S,format none $M || die "format mount"
grep " $M cohortfs " /proc/mounts || die "not in /proc/mounts"
echo "--- mounted"
df $M

timeout 600 cohortfs-posix-check $M || die "POSIX checks on the kernel mount"

# contents survive a remount (no format this time)
echo hello >$M/keep || die write
mkdir $M/dir && ln -s ../keep $M/dir/link && ln $M/keep $M/hard || die names
dd if=/dev/zero of=$M/big bs=64k count=40 2>/dev/null || die "big write"
umount $M || die umount
mount -t cohortfs -o phys=$R,size=$S none $M || die remount
[ "$(cat $M/dir/link)" = hello ] || die "symlink after remount"
[ "$(stat -c %h $M/keep)" = 2 ] || die "link count after remount"
[ "$(stat -c %s $M/big)" = 2621440 ] || die "size after remount"
cat $D/check
grep -q "^result 0 errors 0 " $D/check || die "in-kernel check not clean"

# fsck.cohortfs on a copy of the region
dd if=$D/image of=/tmp/img bs=1M 2>/dev/null || die "image export"
umount $M || die umount
fsck.cohortfs /tmp/img || die "fsck.cohortfs on the exported image"

# corrupt superblock: refused, and accepted again once repaired
mount -t cohortfs -o phys=$R,size=$S none $M || die remount
dd if=$D/image of=/tmp/sb bs=4096 count=1 2>/dev/null
printf '\377\377\377\377' | dd of=$D/image bs=1 seek=12 conv=notrunc 2>/dev/null
mkdir -p /mnt/other
mount -t cohortfs -o phys=$R,size=$S none /mnt/other 2>/dev/null &&
	die "a corrupt superblock was mounted"
dd if=/tmp/sb of=$D/image bs=4096 count=1 conv=notrunc 2>/dev/null
mount -t cohortfs -o phys=$R,size=$S none /mnt/other || die "repaired sb"
[ "$(cat /mnt/other/keep)" = hello ] || die "second mount sees the file"
echo two >/mnt/other/two
[ "$(cat $M/two)" = two ] || die "first mount sees the second's file"
umount /mnt/other

# garbage over the metadata: refused at mount, or errors on access
dd if=/dev/urandom of=$D/image bs=4096 count=64 seek=1 conv=notrunc 2>/dev/null
ls -lR $M >/dev/null 2>&1
cat $M/keep $M/big >/dev/null 2>&1
echo x >$M/new 2>/dev/null
umount $M || die "umount after corruption"
mount -t cohortfs -o phys=$R,size=$S none $M 2>/dev/null && {
	ls -lR $M >/dev/null 2>&1; umount $M; }

# a garbage superblock in the other half of the hole
mount -t cohortfs -o phys=$R2,size=$S,format none $M || die "format R2"
dd if=/dev/urandom of=/sys/kernel/debug/cohortfs/72000000/image bs=4096 \
	count=1 conv=notrunc 2>/dev/null
mount -t cohortfs -o phys=$R2,size=$S none /mnt/other 2>/dev/null &&
	die "a garbage superblock was mounted"
umount $M
dmesg | grep cohortfs
echo "cohortfs kernel mount: POSIX checks pass, corrupt regions refused"
