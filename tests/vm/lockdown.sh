# A primary booted locked down (lockdown=integrity) treats Cohort like
# kexec and /dev/mem: it creates instances and regions, but loads and
# starts no other kernel, and mounts no cohortfs with phys=, each refused
# with a sentence that says why; a region mounts as usual.
# vm: --smp 2 --mem 2G --append cohort_pool=512M --append memmap=32M$0x70000000 --append lockdown=integrity
# timeout: 300
set -u
. /tests/vm/lib/common.sh
mkdir -p /mnt/c

grep -q '\[integrity\]' /sys/kernel/security/lockdown 2>/dev/null ||
	{ mount -t securityfs none /sys/kernel/security 2>/dev/null; }
grep -q '\[integrity\]' /sys/kernel/security/lockdown ||
	die "not locked down: $(cat /sys/kernel/security/lockdown 2>&1)"
ok "locked down: $(cat /sys/kernel/security/lockdown)"

cohort create a --cpus 1 --memory 64M && ok "create works locked down" || die "create"
out=$(cohort load a --kernel /boot/bzImage 2>&1); rc=$?
[ $rc = 1 ] && echo "$out" | grep -q "locked down" && ok "load refused: $out" || bad "load: $rc $out"
state_is a empty || bad "a refused load changed the state: $(attr a state)"
out=$(mount -t cohortfs -o phys=0x70000000,size=0x2000000,format none /mnt/c 2>&1); rc=$?
[ $rc != 0 ] && dmesg | grep -q "phys= is refused while the kernel is locked down" &&
	ok "phys= refused: $(dmesg | grep -m1 'locked down' | sed 's/.*cohortfs: //')" || bad "phys=: $rc $out"
cohort region create r --size 16M || die "region create"
mount -t cohortfs -o region=r,format none /mnt/c && echo hi >/mnt/c/f && umount /mnt/c &&
	ok "a region still mounts" || bad "region mount"
cohort region delete r; cohort delete a
exit_if_failed lockdown
