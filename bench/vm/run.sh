# cohort run, cold: from the command to the image's first output, against
# the instance's own start-to-init time (cohort-spawn-bench: the goal is at
# most 1.2 times that) and against Debian's crun running the same image's
# bundle in the primary (the container it replaces).  cohort run --warm
# (an instance of a warm pool takes the workload; no boot) to the first
# output it prints, attached, against crun's (the goal is at most 1.5
# times); its replacement boots in the background meanwhile.  Memory: the pool an
# instance of an imported image takes, against an instance with a private
# copy of the image (its memory plus the image's region).  Medians of 5.
# vm: --smp 4 --mem 2G --append cohort_pool=768M --add build/test-images:/images
# timeout: 900
set -e
IMG=oci:/images/run:t
M=128M
median() { sort -n | sed -n 3p; }

# Imported once, not timed.
cohort run --rm --memory $M $IMG true >/dev/null

cohort create b --cpus 3 --memory $M >/dev/null
cohort load b --kernel /boot/bzImage --initrd /boot/instance-initrd.cpio.gz
boot=$(cohort-spawn-bench b 5)
cohort delete b

for i in 1 2 3 4 5; do
	cohort-first-output --console r$i FIRST-OUTPUT \
		cohort run -d --name r$i --memory $M $IMG 'echo FIRST-OUTPUT; sleep 60'
	cohort stop --force r$i >/dev/null
	cohort delete r$i
done >/tmp/run.ms
run=$(median </tmp/run.ms)

cohort warm p --count 1 --memory $M >/dev/null
for i in 1 2 3 4 5; do
	cohort warm p >/dev/null 2>&1	# the last run's replacement is ready
	cohort-first-output FIRST-OUTPUT cohort run --warm p --rm $IMG 'echo FIRST-OUTPUT'
done >/tmp/warm.ms
warm=$(median </tmp/warm.ms)
cohort warm p --count 0 >/dev/null

mkdir -p /sys/fs/cgroup
mount -t cgroup2 none /sys/fs/cgroup 2>/dev/null || true
# (--no-pivot: the primary's root is its initramfs, which cannot be
# pivoted away from; crun then moves the container root over it.)
cp -a /images/run-bundle /tmp/bundle
for i in 1 2 3 4 5; do
	cohort-first-output uid= crun --cgroup-manager=disabled run --no-pivot -b /tmp/bundle c$i
done >/tmp/crun.ms
crun=$(median </tmp/crun.ms)

reg=$(cohort -j images | grep -o '"region_size": *[0-9]*' | grep -o '[0-9]*$')
f0=$(cat /sys/kernel/cohort/pool/free)
cohort run -d --name m1 --memory $M $IMG 'sleep 60' >/dev/null
f1=$(cat /sys/kernel/cohort/pool/free)
cohort stop --force m1 >/dev/null; cohort delete m1
shared=$((f0 - f1))
private=$((shared + reg))

awk -v boot="$boot" -v run="$run" -v warm="$warm" -v crun="$crun" -v s="$shared" -v p="$private" 'BEGIN {
	printf "BENCH instance_start_to_init %.1f ms ratio=1.00 baseline=instance_start_to_init\n", boot
	printf "BENCH run_cold_to_first_output %.1f ms ratio=%.2f baseline=instance_start_to_init\n", run, run / boot
	printf "BENCH crun_run_to_first_output %.1f ms ratio=1.00 baseline=crun_run_to_first_output\n", crun
	printf "BENCH run_cold_to_first_output_vs_crun %.1f ms ratio=%.2f baseline=crun_run_to_first_output\n", run, run / crun
	printf "BENCH run_warm_to_first_output_vs_crun %.1f ms ratio=%.2f baseline=crun_run_to_first_output\n", warm, warm / crun
	printf "BENCH private_image_copy_pool_per_instance %.1f MiB ratio=1.00 baseline=private_image_copy_pool_per_instance\n", p / 1048576
	printf "BENCH run_pool_per_instance %.1f MiB ratio=%.3f baseline=private_image_copy_pool_per_instance\n", s / 1048576, s / p
	# ten instances: ten times their own memory and one image region
	printf "BENCH private_image_copy_pool_ten_instances %.1f MiB ratio=1.00 baseline=private_image_copy_pool_ten_instances\n", 10 * p / 1048576
	printf "BENCH run_pool_ten_instances %.1f MiB ratio=%.3f baseline=private_image_copy_pool_ten_instances\n", (10 * s + (p - s)) / 1048576, (10 * s + (p - s)) / (10 * p)
}'
