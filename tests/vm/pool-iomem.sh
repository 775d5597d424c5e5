# The pool and the instance trampoline slots show in /proc/iomem, inside
# System RAM, at the base sysfs reports.
# vm: --smp 2 --mem 1G --append cohort_pool=256M
# timeout: 120
set -u
. /tests/vm/lib/common.sh

base=$(cat /sys/kernel/cohort/pool/base)
size=$(cat /sys/kernel/cohort/pool/size)
[ "$size" = $((256 << 20)) ] || die "pool size $size"
start=$(printf '%08x' "$base")
end=$(printf '%08x' $((base + size - 1)))
grep -q "^  $start-$end : Cohort pool" /proc/iomem ||
	die "no 'Cohort pool' $start-$end nested in System RAM: $(grep -i cohort /proc/iomem)"
grep -q ' : Cohort trampolines' /proc/iomem || die "no trampoline slots in /proc/iomem"
slot=$(sed -n 's/^ *\([0-9a-f]*\)-[0-9a-f]* : Cohort trampolines/\1/p' /proc/iomem)
[ $((0x$slot)) -lt $((0x100000)) ] || die "trampoline slots at 0x$slot, not below 1 MiB"
dmesg | grep -q "cohort: pool of 256 MiB" || die "no boot message for the pool"
echo "ok: pool at $base ($size bytes), slots at 0x$slot"
