# cohort run: container images built with umoci and skopeo
# (tests/images/build.sh) boot in an instance of their own and run their
# process as a container runtime (crun, run beside it on the same image)
# would: Entrypoint + Cmd, Env, WorkingDir,
# User (named, with its groups from the image's /etc/group, and numeric);
# -e, -w, -u, --entrypoint and a COMMAND override them.  A multi-layer
# zstd image shows its whiteouts, replacements and opaque directory; the
# same image as a docker-archive runs too.  The exit status comes back
# (attached run, cohort wait, 127 for a missing program, 143 for a stop's
# SIGTERM, 137 after cohort kill; kill -s USR1 reaches the process).  Two instances of one image share one read-only copy (one
# region) and each writes only its own layer; cohort images counts them;
# rmi is refused while one uses it.  Volumes (-v) share a directory of
# the primary's cohortfs, or a whole region read-only.  Bad images and options are refused
# with a message and leave nothing.
# vm: --smp 4 --mem 2G --append cohort_pool=768M --add build/test-images:/images
# timeout: 600
set -u
. /tests/vm/lib/common.sh

[ -d /images/run ] || die "no /images/run: make test-images"
IMG=oci:/images/run:t
R="--memory 128M"

# 1. The image's own process, attached: its output and exit status.
out=$(cohort run --name r1 $R --rm $IMG 2>&1); st=$?
echo "$out" | tail -n 5
[ $st = 0 ] && echo "$out" | grep -q '^default-cmd' &&
	ok "Entrypoint + Cmd ran, exit status 0" || bad "default run: status $st"
[ ! -e /sys/kernel/cohort/instances/r1 ] && ok "--rm deleted the instance" ||
	bad "r1 still there after --rm"
cohort images | grep -q 'oci:/images/run:t' && ok "the image is listed" ||
	bad "cohort images: $(cohort images)"

# 2. What the process sees: user, groups (the kernel sorts them),
# directory, environment.
out=$(cohort run --name r2 $R --rm $IMG 'id; pwd; echo FOO=$FOO HOME=$HOME HOSTNAME=$HOSTNAME; echo host=$(hostname); echo args "$0"' 2>&1)
echo "$out" | tail -n 6
echo "$out" | grep -q '^uid=1000(app) gid=1000(app) groups=10(wheel),1000(app)' &&
	ok "User app: uid, gid and the groups /etc/group gives it" ||
	bad "id: $(echo "$out" | grep uid=)"
echo "$out" | grep -qx '/srv/app' && ok "WorkingDir" || bad "pwd"
echo "$out" | grep -qx 'FOO=from-image HOME=/home/app HOSTNAME=r2' &&
	ok "Env, HOME from passwd, HOSTNAME" || bad "env: $(echo "$out" | grep FOO=)"
echo "$out" | grep -qx 'host=r2' && ok "hostname is the instance name" || bad "hostname"

# 2b. The reference: Debian's crun runs the same image in the primary,
# from the runtime bundle umoci made of it, with the same probe.  The
# user, directory, environment and open-file limits must agree.  (umoci's bundle leaves the
# primary gid out of additionalGids where runc and cohort put it first,
# so the supplementary group list is not compared.)
mkdir -p /sys/fs/cgroup
mount -t cgroup2 none /sys/fs/cgroup 2>/dev/null || true
# (--no-pivot: the primary's root is its initramfs, which cannot be
# pivoted away from; crun then moves the container root over it.)
cp -a /images/run-bundle /tmp/bundle
ref=$(crun --cgroup-manager=disabled run --no-pivot -b /tmp/bundle ref1 2>&1) || bad "crun: $ref"
mine=$(cohort run --name rc $R --rm $IMG 'id; pwd; echo "FOO=$FOO HOME=$HOME PATH=$PATH"; echo "nofile $(ulimit -Sn) $(ulimit -Hn)"' 2>&1 |
	grep -v '^\[\|^cohort-init:')
echo "crun:   $(echo "$ref" | tr '\n' '|')"
echo "cohort: $(echo "$mine" | tr '\n' '|')"
[ -n "$ref" ] && [ "$(echo "$ref" | sed -n 1p | cut -d' ' -f1,2)" = "$(echo "$mine" | sed -n 1p | cut -d' ' -f1,2)" ] &&
	[ "$(echo "$ref" | sed -n 2,4p)" = "$(echo "$mine" | sed -n 2,4p)" ] &&
	echo "$mine" | grep -qx 'nofile 1024 1024' &&
	ok "the same user, directory, environment and rlimits as crun" || bad "cohort run and crun differ"
# --ulimit: set before the user (app) is taken, so a hard limit above
# the default can be given; a later one of the same name wins.
out=$(cohort run --name ul $R --rm --ulimit nofile=64:128 --ulimit core=0 \
	--ulimit nofile=4096 $IMG 'echo "limits $(ulimit -Sn) $(ulimit -Hn) $(ulimit -c) $(id -u)"' 2>&1)
echo "$out" | grep -qx 'limits 4096 4096 0 1000' && ok "--ulimit: nofile 4096 for user app, core 0" ||
	bad "--ulimit: $(echo "$out" | grep limits)"

# 3. Overrides.
out=$(cohort run --name r3 $R --rm -e FOO=over -e BAR=new -w /tmp -u 65534:10 \
	$IMG 'id -u; id -g; pwd; echo $FOO $BAR' 2>&1)
echo "$out" | tail -n 4
echo "$out" | tr '\n' ' ' | grep -q '65534 10 /tmp over new' &&
	ok "-e, -w and -u uid:gid override the image" || bad "overrides: $out"
out=$(cohort run --name r4 $R --rm --entrypoint /bin/echo $IMG one two 2>&1)
echo "$out" | grep -qx 'one two' && ok "--entrypoint drops the image's Cmd; COMMAND follows" ||
	bad "--entrypoint: $out"

# 3b. A multi-layer zstd image: what its later layers deleted is gone.
out=$(cohort run --name l1 $R --rm oci:/images/layers:t 2>&1); st=$?
echo "$out" | grep -q '^uid=1000(app) gid=10(wheel)' && [ $st = 0 ] &&
	ok "numeric User 1000:10 from a zstd image" || bad "layers: $st $out"
# (no Entrypoint: COMMAND replaces all of Cmd)
out=$(cohort run --name l2 $R --rm oci:/images/layers:t /bin/sh -c \
	'for p in etc/gone old srv/app/data f2d/x d2f opq/lower opq/upper srv/added; do
		if [ -e /$p ]; then echo "$p present"; else echo "$p absent"; fi; done
	 [ -d /f2d ] && [ -f /d2f ] && echo replaced' 2>&1)
want='etc/gone absent old absent srv/app/data absent f2d/x present d2f present opq/lower absent opq/upper present srv/added present replaced'
got=$(echo "$out" | grep -E ' (present|absent)$|^replaced$' | tr '\n' ' ' | sed 's/ $//')
[ "$got" = "$want" ] && ok "whiteouts, an opaque directory, file<->directory replacements" ||
	{ echo "$out" | tail -n 12; bad "layers: got '$got'"; }
out=$(cohort run --name da $R --rm docker-archive:/images/run.tar 'echo via-archive $FOO' 2>&1)
echo "$out" | grep -qx 'via-archive from-image' && ok "a docker-archive runs" ||
	bad "docker-archive: $out"

# 4. Exit statuses: a code, a missing program, cohort wait.
cohort run --name r5 $R --rm $IMG 'exit 7' >/dev/null 2>&1; st=$?
[ $st = 7 ] && ok "exit 7 comes back as cohort run's status" || bad "exit 7 gave $st"
cohort run --name r6 $R --rm --entrypoint /no/such $IMG >/tmp/r6 2>&1; st=$?
[ $st = 127 ] && grep -q 'no/such' /tmp/r6 && ok "a missing program: 127 and a message" ||
	{ tail -n 5 /tmp/r6; bad "missing program gave $st"; }
n=$(cohort run -d --name w1 --restart on-failure:3 $R $IMG 'sleep 1; exit 3' 2>/tmp/w1) ||
	bad "run -d"
[ "$n" = w1 ] && ok "run -d prints the name" || bad "run -d printed '$n'"
grep -q "is recorded, but cohortd restarts only" /tmp/w1 &&
	ok "--restart on-failure:3 is recorded, and run says nothing acts on it yet" ||
	bad "--restart: $(cat /tmp/w1)"
cohort show w1 | grep -q '^restart  *on-failure:3$' && cohort show w1 | grep -q '^image  *sha256:' &&
	cohort show -j w1 | grep -q '"restart":"on-failure:3"' &&
	ok "cohort show prints the image and the restart policy" || bad "show: $(cohort show w1 | tail -n 6)"
[ "$(cohort wait w1)" = 3 ] && ok "cohort wait prints 3" || bad "cohort wait w1"
[ "$(cat /sys/kernel/cohort/instances/w1/exit_status)" = 3 ] && ok "exit_status in sysfs" ||
	bad "exit_status: $(cat /sys/kernel/cohort/instances/w1/exit_status)"
cohort delete w1
[ ! -e /var/lib/cohort/run/w1.json ] && ok "delete removes the run record" || bad "w1.json left"

# 4b. cohort kill: a signal to the workload (the default is KILL).
cohort run -d --name k1 $R $IMG 'trap "echo got-usr1" USR1; echo ready; while :; do sleep 1; done' >/dev/null ||
	bad "run k1"
wait_for 120 console_has k1 '^ready' || bad "k1 did not start"
cohort kill -s USR1 k1 || bad "kill -s USR1"
wait_for 30 console_has k1 '^got-usr1' && ok "kill -s USR1 reached the workload's trap" ||
	bad "no USR1: $(cohort log k1 | tail -n 3)"
cohort kill -s NOSUCH k1 2>/tmp/k1; [ $? = 2 ] && grep -q 'unknown signal' /tmp/k1 &&
	ok "kill: an unknown signal refused" || bad "kill -s NOSUCH: $(cat /tmp/k1)"
cohort kill k1 || bad "kill"
[ "$(cohort wait k1)" = 137 ] && ok "kill: KILL, status 137" || bad "k1 status after kill"
cohort kill k1 2>/tmp/k1; [ $? = 1 ] && grep -q 'not running' /tmp/k1 &&
	ok "kill: an instance that stopped is refused" || bad "kill after stop: $(cat /tmp/k1)"
cohort delete k1

# 5. Two instances of one image: one shared copy, private writes.
f0=$(cat /sys/kernel/cohort/pool/free)
cohort run -d --name a $R $IMG 'echo mine-a >/srv/app/data; echo new >/srv/app/new; sleep 600' >/dev/null || bad "run a"
f1=$(cat /sys/kernel/cohort/pool/free)
cohort run -d --name b $R $IMG 'sleep 3; cat /srv/app/data; ls /srv/app; sleep 600' >/dev/null || bad "run b"
f2=$(cat /sys/kernel/cohort/pool/free)
# The image was imported above: each instance costs its own memory only.
[ $((f0 - f1)) = $((128 << 20)) ] && [ $((f1 - f2)) = $((128 << 20)) ] &&
	ok "each instance of the image takes 128 MiB of the pool, no copy of the image" ||
	bad "pool: $f0 -> $f1 -> $f2"
wait_for 120 console_has b 'shipped' && ok "b sees the image's file, not a's write" ||
	{ cohort log b | tail; bad "b: $(cohort log b | tail -n 3)"; }
console_has b '^new$' && bad "a's new file showed in b"
reg=$(grep -l '^a,b$' /sys/kernel/cohort/regions/img-*/grants | cut -d/ -f6)
[ -n "$reg" ] && [ "$(echo "$reg" | wc -l)" = 1 ] &&
	ok "one region for the image, granted to both: $reg" ||
	bad "regions: $(grep . /sys/kernel/cohort/regions/*/grants)"
[ "$(cohort -j images | grep -o '"instances": *\[[^]]*\]' | grep -o '"[ab]"' | wc -l)" = 2 ] &&
	ok "cohort images: used by a and b" || bad "images -j: $(cohort -j images)"
cohort rmi t 2>/dev/null && bad "rmi of an unknown name worked"
cohort rmi "$IMG" 2>/tmp/rmi; st=$?
[ $st != 0 ] && grep -q 'used by' /tmp/rmi && ok "rmi refused while instances use it" ||
	bad "rmi while used: status $st $(cat /tmp/rmi)"
# Root in an instance cannot write the shared copy: its region is granted
# read-only, so the instance's kernel mounts it read-only only (busybox
# mount then retries read-only by itself, as util-linux's does).
cohort run --name ro1 $R --rm -u 0 $IMG "mkdir -p /m
	busybox mount -t cohortfs -o region=$reg none /m 2>&1
	grep ' /m cohortfs rw' /proc/mounts >/dev/null && echo rw-mounted
	busybox umount /m 2>/dev/null
	busybox mount -t cohortfs -o region=$reg,ro none /m && echo ro-mounted
	if busybox mount -o remount,rw /m 2>&1; then echo remounted-rw; fi
	if echo x >/m/srv/app/data 2>/dev/null; then echo wrote; else echo write-refused; fi" >/tmp/ro1 2>&1
cat /tmp/ro1 | grep -v '^\[' | tail -n 6
grep -q 'granted read-only' /tmp/ro1 && ! grep -q 'rw-mounted' /tmp/ro1 &&
	ok "root in the instance: a read-write mount of the image region refused" ||
	bad "rw mount of the image region"
grep -qx 'ro-mounted' /tmp/ro1 && ! grep -q 'remounted-rw' /tmp/ro1 &&
	grep -qx 'write-refused' /tmp/ro1 &&
	ok "root in the instance: read-only mount allowed, no remount rw, no write" ||
	bad "ro mount / remount of the image region"
dmesg | grep -q "granted to instance a (read-only)" && ok "the primary granted it read-only" ||
	bad "no read-only grant in the primary's log"
# The shared copy is untouched.
mkdir -p /mnt/img && mount -t cohortfs -o region=$reg,ro none /mnt/img &&
	[ "$(cat /mnt/img/srv/app/data)" = shipped ] && [ ! -e /mnt/img/srv/app/new ] &&
	ok "the image's region is unchanged" || bad "the region changed"
umount /mnt/img

# 5b. Volumes: a directory of the primary on a cohortfs, a region by name.
cohort region create vol --size 16M || bad "region create vol"
mkdir -p /mnt/vol && mount -t cohortfs -o region=vol,format none /mnt/vol || bad "mount vol"
mkdir -p /mnt/vol/sub && echo from-primary >/mnt/vol/sub/in
out=$(cohort run --name v1 $R --rm -u 0 -v /mnt/vol/sub:/data -v vol:/whole:ro $IMG \
	'cat /data/in; echo from-instance >/data/out; ls /whole/sub | tr "\n" " "; echo;
	 if echo x >/whole/try; then echo ro-written; else echo ro-refused; fi' 2>&1); st=$?
echo "$out" | tail -n 5
[ $st = 0 ] && echo "$out" | grep -qx 'from-primary' && ok "-v DIR:DST: the primary's file in the instance" ||
	bad "volume read: $st"
[ "$(cat /mnt/vol/sub/out 2>/dev/null)" = from-instance ] &&
	ok "the instance's write is in the primary's cohortfs" || bad "volume write"
echo "$out" | grep -q '^in ' && echo "$out" | grep -qx 'ro-refused' &&
	ok "-v REGION:DST:ro: the whole region, read-only" || bad "read-only volume"
[ ! -e /mnt/vol/try ] || bad "a read-only volume was written"
cohort run --name v2 $R -v /tmp:/x $IMG true 2>/tmp/v2; st=$?
[ $st = 125 ] && grep -q 'not on a cohortfs' /tmp/v2 && ok "-v of a directory not on a cohortfs refused" ||
	bad "-v /tmp: $st $(cat /tmp/v2)"
cohort run --name v3 $R -v nosuch:/x $IMG true 2>/tmp/v3; st=$?
[ $st = 125 ] && grep -q "no region 'nosuch'" /tmp/v3 && ok "-v of an unknown region refused" ||
	bad "-v nosuch: $st $(cat /tmp/v3)"
for v in vol:relative vol:/x:bogus vol /mnt/vol/../../etc:/x; do
	cohort run --name v4 $R -v "$v" $IMG true 2>/tmp/v4 && bad "-v $v accepted"
done
[ ! -e /sys/kernel/cohort/instances/v2 ] && [ ! -e /sys/kernel/cohort/instances/v4 ] &&
	ok "refused volumes leave no instance" || bad "an instance was left by a refused volume"
umount /mnt/vol && cohort region delete vol || bad "region vol cleanup"

# 6. A stop reaches the process as SIGTERM: 128 + 15.
cohort stop a || bad "stop a"
[ "$(cat /sys/kernel/cohort/instances/a/exit_status)" = 143 ] &&
	ok "stop: the process got SIGTERM, status 143" ||
	bad "a's status after stop: '$(cat /sys/kernel/cohort/instances/a/exit_status)'"
cohort stop --force b
[ -z "$(cat /sys/kernel/cohort/instances/b/exit_status)" ] &&
	ok "a forced stop reports no status" || bad "b's status after a forced stop"
cohort wait b >/dev/null 2>&1 && bad "cohort wait after a forced stop succeeded"
cohort delete a; cohort delete b
cohort rmi "$IMG" >/dev/null && ok "rmi once nobody uses it" || bad "rmi"
[ ! -e /sys/kernel/cohort/regions/$reg ] && ok "its region is gone" ||
	bad "region $reg left"

# 7. Refusals: nothing is left behind.
before=$(cat /sys/kernel/cohort/pool/free)
cohort run --name x1 $R oci:/tmp/nothing 2>/tmp/x1; st=$?
[ $st = 125 ] && grep -q nothing /tmp/x1 && ok "a missing image: 125 and a message" ||
	bad "missing image: $st $(cat /tmp/x1)"
cp -r /images/run /tmp/bad
for f in /tmp/bad/blobs/sha256/*; do
	[ "$(wc -c <"$f")" -gt 1000 ] && printf 'x' | dd of="$f" bs=1 seek=500 conv=notrunc 2>/dev/null
done
cohort run --name x2 $R oci:/tmp/bad:t 2>/tmp/x2; st=$?
[ $st = 125 ] && ok "a damaged layer: 125 ($(head -n 1 /tmp/x2))" || bad "damaged layer: $st"
cohort run --name x3 --cpus 0 $R $IMG 2>/tmp/x3; st=$?
[ $st = 125 ] && grep -q 'CPU 0' /tmp/x3 && ok "CPU 0 refused" || bad "cpus 0: $st $(cat /tmp/x3)"
cohort run --name x4 $R -u nosuchuser $IMG true 2>/tmp/x4; st=$?
[ $st = 125 ] && grep -q nosuchuser /tmp/x4 && ok "an unknown user: $(cat /tmp/x4)" ||
	bad "unknown user: $st $(cat /tmp/x4)"
cohort run --name x5 --restart sometimes $R $IMG 2>/tmp/x5; st=$?
[ $st = 125 ] && grep -q "want no, always" /tmp/x5 && ok "--restart sometimes refused" ||
	bad "--restart sometimes: $st $(cat /tmp/x5)"
cohort run --name x5 --restart always --rm $R $IMG 2>/tmp/x5; st=$?
[ $st = 125 ] && grep -q "cannot be used together" /tmp/x5 && ok "--restart always --rm refused" ||
	bad "--restart --rm: $st $(cat /tmp/x5)"
cohort run --name x6 --cpu-count 0 $R $IMG true 2>/tmp/x6; st=$?
[ $st = 125 ] && grep -q 'CPU count' /tmp/x6 && ok "--cpu-count 0 refused" || bad "--cpu-count 0: $st $(cat /tmp/x6)"
cohort run --name x7 --cpu-count 9 $R $IMG true 2>/tmp/x7; st=$?
[ $st = 125 ] && grep -q 'free' /tmp/x7 && ok "--cpu-count beyond the free CPUs refused" || bad "--cpu-count 9: $st $(cat /tmp/x7)"
cohort run --name x8 --env-file /nonexistent $R $IMG true 2>/tmp/x8; st=$?
[ $st = 125 ] && grep -q 'env-file' /tmp/x8 && ok "a missing --env-file refused" || bad "--env-file: $st $(cat /tmp/x8)"
[ -z "$(ls /sys/kernel/cohort/instances)" ] && ok "no instance left by the refusals" ||
	bad "left: $(ls /sys/kernel/cohort/instances)"
cohort rmi "$IMG" >/dev/null 2>&1
[ "$(cat /sys/kernel/cohort/pool/free)" = "$before" ] &&
	ok "the pool is as before" || bad "pool free $(cat /sys/kernel/cohort/pool/free), was $before"
for id in $(cohort -j images | grep -o 'sha256:[0-9a-f]*'); do
	cohort rmi "$id" >/dev/null || bad "rmi $id"
done
[ -z "$(ls /sys/kernel/cohort/regions)" ] && [ -z "$(cohort images | sed 1d)" ] &&
	ok "rmi of every image leaves no region and no record" ||
	bad "left: $(ls /sys/kernel/cohort/regions)"
exit_if_failed run
echo "run: images boot and run their process as a container runtime would"
