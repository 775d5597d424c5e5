# Time from `cohort start` to the instance's init, median of 5 starts.
# The host compares it with the primary's own QEMU-start-to-init time.
# vm: --smp 4 --mem 2G --append cohort_pool=768M
# timeout: 300
set -e
cohort create b --cpus 2-3 --memory 256M >/dev/null
cohort load b --kernel /boot/bzImage --initrd /boot/instance-initrd.cpio.gz
ms=$(cohort-spawn-bench b 5)
cohort delete b
echo "VS-BOOT instance_start_to_init $ms ms"
