#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# cohort-init on the host, not as PID 1 (--no-poweroff: a subreaper that
# exits with the workload's status; --no-console: the workload writes to
# our stdout), with specs written here and a static probe
# (tests/host/lib/run_probe.c) as the workload:
#   - args, env, cwd, uid, gid and groups reach the process exactly, in a
#     chroot (--no-mounts --root), args[0] found through the spec's PATH,
#     a missing working directory made and owned by the user;
#   - statuses: 0, 3, 127 (no such program), 126 (not executable),
#     128 + 9 (killed), 127 and one message for a bad spec;
#   - rlimits: set before the workload runs (`ulimit` in it shows them),
#     a hard limit raised above cohort-init's own for a workload that is
#     not root (so set before the ids change), a refused setrlimit() is
#     127 and one message, --dry-run lists them;
#   - an orphan re-parented to cohort-init is reaped while the workload
#     runs; HUP INT QUIT USR1 are forwarded; TERM is forwarded and, when
#     ignored, followed by SIGKILL after --stop-timeout;
#   - the root filesystem (in a private mount and UTS namespace, with
#     --lower DIR standing in for the cohortfs region): overlay over a
#     read-only lower tree, /proc, read-only /sys, /dev, /dev/pts,
#     /dev/shm, /etc/hostname and /etc/hosts in the upper layer, the
#     lower tree untouched; an image whose /proc is a link to / refused;
#   - volumes (--volume-root DIR standing in for the cohortfs regions,
#     DIR/REGION being a region's root), in the new root: a rw bind (the
#     process writes, the file is in the source), ro binds (EROFS, the
#     source untouched), a region's root as source, a source that is a
#     link inside the region, a missing target made in the upper layer;
#     refused: a target that is a link out of the root (or goes through
#     one), a missing source, a source linking out of its region, a
#     source "../x" (by the spec check), cohortfs without --volume-root
#     under --no-mounts.
#
# Run from the top of the tree, as root.  Exit 0 pass, 77 skip, else fail.
set -uo pipefail

top=$(pwd)
init=$top/build/host/bin/cohort-init
[ -x "$init" ] || { echo "SKIP: $init not built (make tools)"; exit 77; }
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (chroot, setuid, mounts)"; exit 77; }
command -v cc >/dev/null || { echo "SKIP: no cc"; exit 77; }
command -v python3 >/dev/null || { echo "SKIP: no python3"; exit 77; }
export ASAN_OPTIONS=detect_leaks=1

T=$(mktemp -d /tmp/cohort-init.XXXXXX)
trap 'umount -R "$T/mnt" 2>/dev/null; rm -rf "$T"' EXIT
cd "$T" || exit 1

failures=0
checks=0
ok() { checks=$((checks + 1)); echo "ok: $*"; }
bad() { checks=$((checks + 1)); failures=$((failures + 1)); echo "FAIL: $*"; }
die() { echo "FAIL: $*"; exit 1; }

cc -static -O2 -o probe "$top/tests/host/lib/run_probe.c" || die "cc run_probe"
mkdir -p root/bin root/etc
cp probe root/bin/probe
printf 'not a program\n' >root/bin/noexec
chmod 0644 root/bin/noexec

# spec FILE ARGS-JSON [EXTRA-PROCESS-JSON] [EXTRA-TOP-JSON]
spec() {
	printf '{"process":{"user":{"uid":0,"gid":0},"cwd":"/","env":["PATH=/bin:%s"],"args":%s%s}%s}\n' \
		"$T" "$2" "${3:-}" "${4:-}" >"$1"
}
# run NAME WANT-STATUS SPEC [cohort-init options]: output in NAME.out
run() {
	local name=$1 want=$2 s=$3
	shift 3
	"$init" --no-poweroff --no-console "$@" "$s" >"$name.out" 2>&1 </dev/null
	local rc=$?
	if [ $rc = "$want" ]; then
		ok "$name: status $rc"
	else
		bad "$name: status $rc, want $want: $(cat "$name.out")"
	fi
}

# --- what reaches the process -----------------------------------------------
cat >print.json <<'J'
{"process":{"terminal":false,
 "user":{"uid":1000,"gid":1001,"additionalGids":[1001,50,7]},
 "args":["probe","print","a b","","*"],
 "env":["PATH=/nowhere:/bin","X=1  2","EMPTY=","Q=\"'\\"],
 "cwd":"/work/sub"}}
J
run print 0 print.json --no-mounts --root "$T/root"
# getgroups() returns the kernel's sorted copy.
cat >print.want <<'W'
arg=probe
arg=print
arg=a b
arg=
arg=*
env=PATH=/nowhere:/bin
env=X=1  2
env=EMPTY=
env=Q="'\
cwd=/work/sub
uid=1000/1000 gid=1001/1001
groups=7,50,1001
sid=own stdin=empty
cohort-init: exited with status 0
W
diff -u print.want print.out >print.diff && ok "print: args, env, cwd, ids, groups exact" ||
	{ bad "print: differs"; cat print.diff; }
[ "$(stat -c %u:%g root/work/sub) $(stat -c %u:%g root/work)" = "1000:1001 1000:1001" ] &&
	ok "missing working directory made, owned by the user" ||
	bad "root/work/sub: $(stat -c %u:%g root/work/sub 2>&1)"

# --- statuses ---------------------------------------------------------------
spec exit0.json '["/bin/probe","exit","0"]'
run "exit 0" 0 exit0.json --no-mounts --root "$T/root"
spec exit3.json '["probe","exit","3"]'
run "exit 3" 3 exit3.json --no-mounts --root "$T/root"
spec missing.json '["no-such-program"]'
run "missing program" 127 missing.json --no-mounts --root "$T/root"
grep -qx 'cohort-init: no-such-program: No such file or directory' "missing program.out" &&
	ok "missing program: message" || bad "missing program: $(cat "missing program.out")"
spec noexec.json '["noexec"]'
run "not executable" 126 noexec.json --no-mounts --root "$T/root"
grep -q 'cohort-init: noexec: Permission denied' "not executable.out" &&
	ok "not executable: message" || bad "not executable: $(cat "not executable.out")"
spec kill.json '["probe","kill","9"]'
run "killed by SIGKILL" 137 kill.json --no-mounts --root "$T/root"
spec kill.json '["probe","kill","15"]'
run "killed by SIGTERM" 143 kill.json --no-mounts --root "$T/root"
printf '{"process":{"user":{"uid":0,"gid":0},"cwd":"rel","args":["x"]}}' >bad.json
run "bad spec" 127 bad.json --no-mounts
grep -qx "cohort-init: bad.json: run spec: cwd 'rel' is not an absolute path" "bad spec.out" &&
	ok "bad spec: one clear message" || bad "bad spec: $(cat "bad spec.out")"
run "missing spec" 127 nothing.json --no-mounts
if "$init" --dry-run print.json >dry.out 2>&1 && grep -qx 'user 1000:1001 groups 1001,50,7' dry.out &&
   grep -qx 'arg a b' dry.out; then
	ok "--dry-run prints the plan"
else
	bad "--dry-run: $(cat dry.out)"
fi

# --- resource limits -----------------------------------------------------------
NOFILE='{"type":"RLIMIT_NOFILE","soft":64,"hard":128}'
CORE='{"type":"RLIMIT_CORE","soft":18446744073709551615,"hard":18446744073709551615}'
spec limits.json '["/bin/sh","-c","ulimit -Sn; ulimit -Hn; ulimit -Sc; ulimit -Hc"]' \
	",\"rlimits\":[$NOFILE,$CORE]"
run rlimits 0 limits.json --no-mounts
printf '64\n128\nunlimited\nunlimited\ncohort-init: exited with status 0\n' >limits.want
diff -u limits.want rlimits.out >limits.diff && ok "rlimits: nofile 64:128, core unlimited in the workload" ||
	{ bad "rlimits: differ"; cat limits.diff; }
if "$init" --dry-run limits.json >dry-limits.out 2>&1 &&
   grep -qx 'rlimit nofile 64 128' dry-limits.out &&
   grep -qx 'rlimit core unlimited unlimited' dry-limits.out; then
	ok "--dry-run lists the rlimits"
else
	bad "--dry-run rlimits: $(cat dry-limits.out)"
fi
# Raising a hard limit takes CAP_SYS_RESOURCE: it works for uid 65534 only
# because cohort-init sets it before the ids change.
printf '{"process":{"user":{"uid":65534,"gid":65534},"cwd":"/","args":["/bin/sh","-c","id -u; ulimit -Sn; ulimit -Hn"],"rlimits":[{"type":"RLIMIT_NOFILE","soft":1000,"hard":3000}]}}\n' >raise.json
if (ulimit -n 256 && ulimit -Hn 257) 2>/dev/null; then
	(ulimit -n 256 && "$init" --no-poweroff --no-console --no-mounts raise.json) >raise.out 2>&1 </dev/null
	rc=$?
	[ $rc = 0 ] && [ "$(head -n 3 raise.out | tr '\n' ' ')" = "65534 1000 3000 " ] &&
		ok "a hard limit raised above cohort-init's (256) for uid 65534" ||
		bad "raised hard limit: status $rc: $(cat raise.out)"
else
	echo "skip: no CAP_SYS_RESOURCE here: raising a hard limit not tested"
fi
# More than fs.nr_open files is refused by the kernel, even to root.
nr_open=$(cat /proc/sys/fs/nr_open)
spec toomany.json '["/bin/true"]' \
	",\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":1024,\"hard\":$((nr_open + 1))}]"
run "setrlimit refused" 127 toomany.json --no-mounts
[ "$(cat "setrlimit refused.out")" = "cohort-init: setrlimit nofile: Operation not permitted
cohort-init: exited with status 127" ] && ok "setrlimit refused: one clear message" ||
	bad "setrlimit refused: $(cat "setrlimit refused.out")"
spec softhard.json '["/bin/true"]' ",\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":2048,\"hard\":1024}]"
run "soft above hard" 127 softhard.json --no-mounts
grep -qx "cohort-init: softhard.json: run spec: rlimit nofile: the soft limit 2048 is above the hard limit 1024" \
	"soft above hard.out" && ok "soft above hard refused by the spec check" ||
	bad "soft above hard: $(cat "soft above hard.out")"

# --- reaping and signals ------------------------------------------------------
spec orphan.json "[\"$T/probe\",\"orphan\"]"
run orphan 0 orphan.json --no-mounts
me=$(sed -n 's/^me=//p' orphan.out)
kids=$(sed -n 's|^/proc/.*/children=||p' orphan.out)
[ -n "$me" ] && [ "$(echo $kids)" = "$me" ] && ok "orphan reaped while the workload runs" ||
	bad "orphan: cohort-init's children '$kids', want only $me"

# start SPEC [options]: cohort-init in the background, waits for "ready"
start() {
	local s=$1
	shift
	"$init" --no-poweroff --no-console "$@" "$s" >sig.out 2>&1 </dev/null &
	pid=$!
	for _ in $(seq 100); do grep -q ready sig.out && return 0; sleep 0.05; done
	bad "the probe never got ready: $(cat sig.out)"
	return 1
}
spec trap.json "[\"$T/probe\",\"trap\"]"
if start trap.json --no-mounts; then
	for s in HUP INT QUIT USR1; do kill -$s $pid; sleep 0.2; done
	kill -TERM $pid
	wait $pid
	rc=$?
	got=$(grep '^got' sig.out | tr '\n' ' ')
	[ "$got" = "got 1 got 2 got 3 got 10 " ] && ok "HUP INT QUIT USR1 forwarded" ||
		bad "forwarded: '$got'"
	[ $rc = 40 ] && ok "TERM forwarded: status 40" || bad "TERM: status $rc"
fi
spec ignore.json "[\"$T/probe\",\"ignore\"]"
for s in TERM USR2; do
	if start ignore.json --no-mounts --stop-timeout 1; then
		t0=$SECONDS
		kill -$s $pid
		wait $pid
		rc=$?
		[ $rc = 137 ] && [ $((SECONDS - t0)) -le 4 ] &&
			ok "$s ignored: SIGKILL after the stop timeout (137)" ||
			bad "$s ignored: status $rc after $((SECONDS - t0)) s: $(cat sig.out)"
	fi
done

# --- the root filesystem, in private namespaces ------------------------------
if unshare -m -u true 2>/dev/null && grep -qw overlay /proc/filesystems; then
	mkdir -p lower/bin lower/etc lower/tmp mnt
	cp probe lower/bin/probe
	echo image >lower/etc/hostname
	cat >mounts.json <<'J'
{"process":{"user":{"uid":0,"gid":0},"args":["probe","mounts"],"env":["PATH=/bin"],"cwd":"/"},
 "hostname":"box","cohort":{"rootfs":"test-region"}}
J
	unshare -m -u --propagation private "$init" --no-poweroff --no-console \
		--lower "$T/lower" --run-dir "$T/mnt" mounts.json >mounts.out 2>&1
	rc=$?
	cat >mounts.want <<'W'
proc=yes
sys-ro=yes
devnull=yes
pts=yes shm=yes
/etc/hostname=box
/etc/hosts=127.0.0.1	localhost
::1	localhost ip6-localhost ip6-loopback
127.0.1.1	box
write=yes
cohort-init: exited with status 0
W
	[ $rc = 0 ] && diff -u mounts.want mounts.out >mounts.diff &&
		ok "new root: overlay, /proc, /sys ro, /dev, /dev/pts, /dev/shm, /etc/hostname, /etc/hosts" ||
		{ bad "new root (status $rc):"; cat mounts.out; cat mounts.diff 2>/dev/null; }
	[ "$(cat lower/etc/hostname)" = image ] && [ ! -e lower/written ] && [ ! -e lower/proc ] &&
		ok "the lower tree is untouched" || bad "the lower tree was written to"
	grep -q " $T/mnt" /proc/mounts && bad "mounts leaked out of the namespace" ||
		ok "no mount left outside the namespace"

	rm -rf "$T/mnt"
	mkdir -p evil/bin && cp probe evil/bin/probe && ln -s / evil/proc
	unshare -m -u --propagation private "$init" --no-poweroff --no-console \
		--lower "$T/evil" --run-dir "$T/mnt" mounts.json >evil.out 2>&1
	rc=$?
	[ $rc = 127 ] && grep -q "the image's /proc: 'proc' is a symbolic link or not a directory: refusing to mount over it" evil.out &&
		ok "/proc -> / in the image refused" || bad "evil /proc: status $rc: $(cat evil.out)"

	# --- volumes ------------------------------------------------------------
	rm -rf "$T/mnt"
	mkdir -p vlower/bin vlower/etc outside vols/reg1/data vols/reg1/ro vols/reg2
	cp probe vlower/bin/probe
	ln -s "$T/outside" vlower/escape
	echo "rw volume" >vols/reg1/data/in
	echo "ro volume" >vols/reg1/ro/in
	echo "region root" >vols/reg2/in
	ln -s data vols/reg1/link
	ln -s /etc vols/reg1/out
	# vspec FILE ARGS-JSON MOUNT-JSON...
	vspec() {
		local f=$1 a=$2 m
		shift 2
		m=$(IFS=,; echo "$*")
		printf '{"process":{"user":{"uid":0,"gid":0},"args":%s,"env":["PATH=/bin"],"cwd":"/"},"cohort":{"rootfs":"test-region"},"mounts":[%s]}\n' \
			"$a" "$m" >"$f"
	}
	# vm REGION SOURCE TARGET ro|rw: one entry of "mounts"
	vm() {
		printf '{"destination":"%s","type":"cohortfs","source":"%s","options":["region=%s","%s"]}' \
			"$3" "$2" "$1" "$4"
	}
	# vrun NAME WANT-STATUS SPEC: in private namespaces, output in NAME.out
	vrun() {
		local name=$1 want=$2 rc
		unshare -m -u --propagation private "$init" --no-poweroff --no-console \
			--lower "$T/vlower" --volume-root "$T/vols" --run-dir "$T/mnt" \
			"$3" >"$name.out" 2>&1 </dev/null
		rc=$?
		if [ $rc = "$want" ]; then
			ok "$name: status $rc"
		else
			bad "$name: status $rc, want $want: $(cat "$name.out")"
		fi
	}
	vspec vol.json '["probe","volumes","/data","/ro","/srv/new/deep","/linked"]' \
		"$(vm reg1 data /data rw)" "$(vm reg1 ro /ro ro)" \
		"$(vm reg2 "" /srv/new/deep rw)" "$(vm reg1 link /linked ro)"
	vrun volumes 0 vol.json
	cat >vol.want <<'W'
/data/in=rw volume
/data: write ok
/ro/in=ro volume
/ro: write: Read-only file system
/srv/new/deep/in=region root
/srv/new/deep: write ok
/linked/in=rw volume
/linked: write: Read-only file system
cohort-init: exited with status 0
W
	diff -u vol.want volumes.out >vol.diff &&
		ok "volumes: rw written through, ro refused with EROFS, a region's root, a link inside the region" ||
		{ bad "volumes: differ"; cat vol.diff; }
	[ "$(cat vols/reg1/data/out 2>&1)" = "from the container" ] &&
		ok "rw volume: the file is in the source directory" ||
		bad "rw volume: vols/reg1/data/out: $(cat vols/reg1/data/out 2>&1)"
	[ "$(cat vols/reg2/out 2>&1)" = "from the container" ] && [ ! -e vols/reg1/ro/out ] &&
		ok "region root written; ro source untouched" ||
		bad "vols: $(ls -R vols)"
	[ ! -e vlower/srv ] && [ ! -e vlower/data ] &&
		ok "missing targets made in the upper layer, not the image" ||
		bad "targets made in the lower tree: $(ls vlower)"
	grep -q " $T/" /proc/mounts && bad "volume mounts leaked out of the namespace" ||
		ok "no volume mount left outside the namespace"

	vspec vescape.json '["probe","volumes","/escape"]' "$(vm reg1 data /escape rw)"
	vrun "target -> outside the root" 127 vescape.json
	grep -qx "cohort-init: volume reg1/data -> /escape: the target: 'escape' is a symbolic link or not a directory: refusing to mount over it" \
		"target -> outside the root.out" && [ -z "$(ls -A outside)" ] &&
		ok "a target that is a link out of the root refused, nothing written there" ||
		bad "target link: $(cat "target -> outside the root.out"; ls -A outside)"
	vspec vescape2.json '["probe","volumes","/escape/sub"]' "$(vm reg1 data /escape/sub rw)"
	vrun "target through a link" 127 vescape2.json
	grep -q "volume reg1/data -> /escape/sub: the target: 'escape' is a symbolic link" \
		"target through a link.out" && [ -z "$(ls -A outside)" ] &&
		ok "a target through a link refused, nothing made outside" ||
		bad "target through a link: $(cat "target through a link.out"; ls -A outside)"
	vspec vmissing.json '["probe","volumes","/x"]' "$(vm reg1 data /d rw)" "$(vm reg1 nope /x rw)"
	vrun "missing source" 127 vmissing.json
	grep -qx "cohort-init: volume reg1/nope -> /x: the source is not in the region: no such directory (it is not made)" \
		"missing source.out" && [ ! -e vols/reg1/nope ] &&
		ok "missing source refused, not made" || bad "missing source: $(cat "missing source.out")"
	vspec vout.json '["probe","volumes","/x"]' "$(vm reg1 out /x ro)"
	vrun "source link out" 127 vout.json
	grep -q "cohort-init: volume reg1/out -> /x: the source leads out of the region's filesystem" \
		"source link out.out" && ok "a source linking out of its region refused" ||
		bad "source link: $(cat "source link out.out")"
else
	echo "skip: no mount namespaces or overlayfs here: root filesystem and volumes not tested"
fi

# --- volumes refused without any mount ----------------------------------------
printf '{"process":{"user":{"uid":0,"gid":0},"args":["probe"],"cwd":"/"},"mounts":[%s]}\n' \
	'{"destination":"/x","type":"cohortfs","source":"../x","options":["region=reg1","rw"]}' >vdotdot.json
run "source dotdot" 127 vdotdot.json --no-mounts --root "$T/root"
grep -qx "cohort-init: vdotdot.json: run spec: mount 1: source '../x': '.' and '..' are not allowed" \
	"source dotdot.out" && ok "source ../x refused by the spec check" ||
	bad "source ../x: $(cat "source dotdot.out")"
printf '{"process":{"user":{"uid":0,"gid":0},"args":["probe"],"cwd":"/"},"mounts":[%s]}\n' \
	'{"destination":"/x","type":"cohortfs","source":"data","options":["region=reg1","rw"]}' >vnomount.json
run "volume with --no-mounts" 127 vnomount.json --no-mounts --root "$T/root"
grep -q "cohort-init: volume reg1/data -> /x: --no-mounts: the region's cohortfs cannot be mounted" \
	"volume with --no-mounts.out" && ok "--no-mounts without --volume-root: volumes refused" ||
	bad "--no-mounts volume: $(cat "volume with --no-mounts.out")"

echo "$checks checks, $failures failed"
[ $failures = 0 ]
