# A malformed cohort_pool= (a bad size, a node named twice) and a pool
# that cannot be reserved are reported at boot and the primary runs on
# without one; instance requests then say why they are refused.
# vm: --smp 2 --mem 1G --append cohort_pool=12Q --append cohort_pool=0:64M,0:64M --append cohort_pool=64G
# timeout: 120
set -u
. /tests/vm/lib/common.sh

dmesg | grep -q 'cohort_pool=12Q: expected SIZE\[@ADDR\]' ||
	die "no boot message about the malformed cohort_pool=12Q"
dmesg | grep -q 'cohort_pool=0:64M,0:64M: expected SIZE\[@ADDR\] .* or NODE:SIZE' ||
	die "no boot message about the node named twice in cohort_pool=0:64M,0:64M"
dmesg | grep -q 'cohort: no pool: cannot reserve 65536 MiB' ||
	die "no boot message about the pool: $(dmesg | grep 'cohort:')"
[ "$(cat /sys/kernel/cohort/pool/size)" = 0 ] || die "pool size $(cat /sys/kernel/cohort/pool/size)"
grep -q 'Cohort pool' /proc/iomem && die "a pool shows in /proc/iomem"
out=$(cohort create x --cpus 1 --memory 64M 2>&1) && die "create succeeded without a pool"
case "$out" in
*"there is no pool: boot the primary with cohort_pool=SIZE"*) ;;
*) die "create said: $out" ;;
esac
[ -z "$(ls /sys/kernel/cohort/instances)" ] || die "an instance appeared"
[ "$(cat /sys/devices/system/cpu/online)" = 0-1 ] || die "CPUs online $(cat /sys/devices/system/cpu/online)"
echo "ok: no pool, reported, refused: $out"
