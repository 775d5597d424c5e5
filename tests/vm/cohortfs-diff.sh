# The differential test on the kernel mount: cohortfs-fsdiff runs the same
# pseudo-random file operations (open flags, writes and truncates around
# the inline and block limits, renames, links, long names and symlinks,
# files unlinked while open, ...) on a cohortfs region mounted in the
# primary and on a tmpfs, and compares every result (tests/posix/fsdiff.c
# lists what it does not compare, and why).  Then the in-kernel check and
# fsck.cohortfs of the exported image must be clean.
# tests/host/cohortfs-diff.sh does the same on a FUSE mount.
# vm: --smp 2 --mem 2G --append cohort_pool=512M
# timeout: 900
set -u
C=/mnt/cfs
R=/mnt/ref
SEEDS="1 2 3 4 5 6"
OPS=4000

. /tests/vm/lib/common.sh
DIE_DMESG=cohort

mount_debugfs
mkdir -p $C $R
grep -q cohortfs /proc/filesystems || die "cohortfs not registered"
cohort region create fsdiff --size 128M || die "region create"
base=$(cat /sys/kernel/cohort/regions/fsdiff/base)
D=/sys/kernel/debug/cohortfs/${base#0x}
mount -t cohortfs -o region=fsdiff,format none $C || die "mount cohortfs"
mount -t tmpfs -o size=512m none $R || die "mount tmpfs"

for s in $SEEDS; do
	start=$(date +%s)
	if timeout 600 cohortfs-fsdiff $C $R "$s" $OPS; then
		ok "seed $s: cohortfs and tmpfs agree ($(($(date +%s) - start)) s)"
	else
		bad "seed $s: cohortfs and tmpfs differ (above; rerun with -v)"
	fi
done

tail -n 1 $D/check
awk '$1 == "result" && $2 == 0 && $4 == 0 { ok = 1 } END { exit !ok }' $D/check &&
	ok "in-kernel check clean" || bad "check: $(tail -n 3 $D/check)"
dd if=$D/image of=/tmp/img bs=1M 2>/dev/null || die "image export"
umount $C || bad "umount cohortfs"
umount $R
fsck.cohortfs /tmp/img >/tmp/fsck.out && ok "fsck.cohortfs clean: $(tail -n 1 /tmp/fsck.out)" ||
	bad "fsck: $(cat /tmp/fsck.out)"
rm -f /tmp/img
cohort region delete fsdiff || bad "region delete"
exit_if_failed cohortfs-diff
echo "cohortfs-diff: the kernel mount and tmpfs agree on $SEEDS x $OPS ops"
