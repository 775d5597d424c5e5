#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# `cohort-image spec` (lib/run, the process `cohort run` starts) against
# the reference: images built in this run with Debian's umoci, each with a
# different config (User as a name, name:group, uid, uid:gid without
# entries, none; WorkingDir absolute and relative; Env with and without
# PATH; Entrypoint and Cmd), unpacked by `umoci unpack`, whose config.json
# says what runc would run.  For each, args, cwd, uid, gid,
# additionalGids, env and rlimits must agree, except for these deliberate
# differences (docs/image.md, "Running an image"):
#   - cwd is made absolute and normalised ("rel/x/.." -> "/rel"), as docker
#     does; umoci copies WorkingDir as it is;
#   - additionalGids starts with the primary gid, as docker's does; umoci
#     lists only the /etc/group memberships;
#   - TERM=xterm only with -t (umoci always sets it, its terminal is true);
#   - env order: the image's entries first, then PATH/HOME defaults
#     (umoci puts its PATH and TERM first), so env is compared as a map;
#   - HOME=/ for a uid without a passwd entry: umoci writes no HOME and
#     runc adds HOME=/ when it starts the process; we write it.
# Then the options docker run has (-e, --env-file, -u, -w, --entrypoint,
# COMMAND, -t, -h, --ulimit) against expected values, and refusals.
#
# Run from the top of the tree.  Exit 0 pass, 77 skip, else fail.
set -uo pipefail

top=$(pwd)
bin=$top/build/host/bin/cohort-image
[ -x "$bin" ] || { echo "SKIP: $bin not built (make tools)"; exit 77; }
for t in umoci python3; do
	command -v $t >/dev/null || { echo "SKIP: $t missing (make deps)"; exit 77; }
done
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (umoci unpack)"; exit 77; }
export ASAN_OPTIONS=detect_leaks=1

T=$(mktemp -d /tmp/cohort-run-spec.XXXXXX)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1

failures=0
checks=0
ok() { checks=$((checks + 1)); echo "ok: $*"; }
bad() { checks=$((checks + 1)); failures=$((failures + 1)); echo "FAIL: $*"; }
die() { echo "FAIL: $*"; exit 1; }

# --- the images ------------------------------------------------------------
umoci init --layout img || die "umoci init"
umoci new --image img:base || die "umoci new"
umoci unpack --image img:base b >/dev/null || die "umoci unpack base"
r=b/rootfs
mkdir -p $r/etc $r/home/app $r/srv
cat >$r/etc/passwd <<'PW'
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
app:x:1000:1000:App:/home/app:/bin/sh
svc:x:1001:1001::/srv:/bin/sh
PW
cat >$r/etc/group <<'GR'
root:x:0:
daemon:x:1:app
staff:x:50:app,svc
wheel:x:10:app
svc:x:1001:
media:x:70:root
GR
umoci repack --image img:base b >/dev/null || die "umoci repack base"

variant() { # TAG umoci-config-options...
	local tag=$1
	shift
	umoci tag --image img:base "$tag" >/dev/null || die "umoci tag $tag"
	umoci config --image img:"$tag" "$@" >/dev/null || die "umoci config $tag"
}
variant name --config.user app --config.env FOO=bar --config.env 'SP=a b  c' \
	--config.workingdir /srv --config.entrypoint /bin/ep --config.entrypoint -x \
	--config.cmd 'arg one' --config.cmd two
variant group --config.user app:staff --config.cmd /bin/sh
variant uid --config.user 1000 --config.env PATH=/opt/bin --config.cmd /bin/sh
variant ids --config.user 1234:5678 --config.cmd /bin/sh --config.workingdir rel/x/..
variant nameid --config.user svc:70 --config.entrypoint /bin/ep
variant none --config.cmd /bin/true

cat >compare.py <<'PY'
import json, posixpath, sys
ref = json.load(open(sys.argv[1]))["process"]
got = json.load(open(sys.argv[2]))["process"]
errs = []
def want(what, a, b):
    if a != b:
        errs.append("%s: umoci %r, cohort %r" % (what, a, b))
want("args", ref["args"], got["args"])
want("cwd", posixpath.normpath("/" + ref["cwd"]).replace("//", "/"), got["cwd"])
want("uid", ref["user"]["uid"], got["user"]["uid"])
want("gid", ref["user"]["gid"], got["user"]["gid"])
gids = [ref["user"]["gid"]]
for g in ref["user"].get("additionalGids") or []:
    if g not in gids:
        gids.append(g)
want("additionalGids", gids, got["user"]["additionalGids"])
def envmap(l):
    return dict(e.split("=", 1) for e in l)
renv = envmap(ref["env"])
renv.pop("TERM", None)      # umoci's terminal is true; ours without -t is not
renv.setdefault("HOME", "/")  # umoci leaves it to runc, which uses "/"
want("env", renv, envmap(got["env"]))
if len(got["env"]) != len(envmap(got["env"])):
    errs.append("env: a NAME twice: %r" % got["env"])
want("terminal", False, got["terminal"])
want("rlimits", ref.get("rlimits"), got.get("rlimits"))
print("\n".join(errs))
sys.exit(1 if errs else 0)
PY

for tag in name group uid ids nameid none; do
	umoci unpack --image img:$tag ref-$tag >/dev/null || die "umoci unpack $tag"
	if ! "$bin" spec oci:img:$tag >spec-$tag.json 2>spec-$tag.err; then
		bad "$tag: cohort-image spec failed: $(cat spec-$tag.err)"
		continue
	fi
	if out=$(python3 compare.py ref-$tag/config.json spec-$tag.json); then
		ok "$tag: args, cwd, uid, gid, groups, env and rlimits agree with umoci"
	else
		bad "$tag: differs from umoci: $out"
	fi
done

# --- options, against what docker run does --------------------------------
# expect NAME PYTHON-CONDITION-ON-p-AND-top spec-options...
expect() {
	local name=$1 cond=$2
	shift 2
	if ! "$bin" spec "$@" >opt.json 2>opt.err; then
		bad "$name: cohort-image spec $*: $(cat opt.err)"
		return
	fi
	if python3 -c "
import json, sys
top = json.load(open('opt.json')); p = top['process']
env = dict(e.split('=', 1) for e in p['env'])
sys.exit(0 if ($cond) else 1)"; then
		ok "$name"
	else
		bad "$name: $cond is false for: $(tr -d '\n' <opt.json)"
	fi
}
refuse() { # NAME MESSAGE spec-options...
	local name=$1 msg=$2 rc
	shift 2
	"$bin" spec "$@" >opt.json 2>opt.err
	rc=$?
	if [ $rc = 0 ]; then
		bad "$name: accepted: $(tr -d '\n' <opt.json)"
	elif [ $rc != 1 ] && [ $rc != 2 ]; then
		bad "$name: exit status $rc"
	elif grep -qF -- "$msg" opt.err; then
		ok "$name: refused ($msg)"
	else
		bad "$name: message $(cat opt.err), want $msg"
	fi
}

expect "COMMAND replaces Cmd, keeps Entrypoint" \
	"p['args'] == ['/bin/ep', '-x', 'ls', '-l']" oci:img:name ls -l
expect "--entrypoint drops the image's Cmd" \
	"p['args'] == ['/bin/sh']" --entrypoint /bin/sh oci:img:name
expect "--entrypoint with COMMAND" \
	"p['args'] == ['/bin/sh', '-c', 'id']" --entrypoint /bin/sh oci:img:name -c id
expect "--entrypoint '' keeps the image's Cmd (moby)" \
	"p['args'] == ['arg one', 'two']" --entrypoint '' oci:img:name
expect "-e replaces in place and appends" \
	"p['env'][:3] == ['FOO=new', 'SP=a b  c', 'NEW=1'] and env['PATH'].startswith('/usr/local/sbin')" \
	-e FOO=new -e NEW=1 oci:img:name
export RUN_SPEC_FROM_HERE='v a l'
unset RUN_SPEC_UNSET
expect "-e NAME takes our value, or is dropped" \
	"env['RUN_SPEC_FROM_HERE'] == 'v a l' and 'RUN_SPEC_UNSET' not in env" \
	-e RUN_SPEC_FROM_HERE -e RUN_SPEC_UNSET oci:img:name
printf '# comment\nFOO=from-file\n  LATER=1\n' >env.list
expect "--env-file, then -e wins" \
	"env['FOO'] == 'from-file' and env['LATER'] == '2'" \
	--env-file env.list -e LATER=2 oci:img:name
expect "-u name:group" \
	"p['user'] == {'uid': 1001, 'gid': 10, 'additionalGids': [10]}" -u svc:wheel oci:img:name
expect "-u uid takes the passwd entry" \
	"p['user'] == {'uid': 1000, 'gid': 1000, 'additionalGids': [1000, 1, 50, 10]} and env['HOME'] == '/home/app'" \
	-u 1000 oci:img:none
expect "-u uid without an entry" \
	"p['user'] == {'uid': 4242, 'gid': 0, 'additionalGids': [0]} and env['HOME'] == '/'" \
	-u 4242 oci:img:none
expect "-u uid:group" \
	"p['user'] == {'uid': 4242, 'gid': 50, 'additionalGids': [50]}" -u 4242:staff oci:img:none
expect "no User: root, its groups" \
	"p['user'] == {'uid': 0, 'gid': 0, 'additionalGids': [0, 70]} and env['HOME'] == '/root'" oci:img:none
expect "-w replaces WorkingDir, normalised" "p['cwd'] == '/w'" -w /w/x/../ oci:img:name
expect "-t -h: TERM, HOSTNAME, hostname" \
	"p['terminal'] and env['TERM'] == 'xterm' and env['HOSTNAME'] == 'web' and top['hostname'] == 'web'" \
	-t -h web oci:img:none
expect "--rootfs" "top['cohort'] == {'rootfs': 'img-1'}" --rootfs img-1 oci:img:none
expect "no --ulimit: nofile 1024:1024 (runc's, umoci's)" \
	"p['rlimits'] == [{'type': 'RLIMIT_NOFILE', 'hard': 1024, 'soft': 1024}]" oci:img:none
expect "--ulimit: nofile replaced in place, others appended, the later wins" \
	"p['rlimits'] == [{'type': 'RLIMIT_NOFILE', 'hard': 8192, 'soft': 2048}, {'type': 'RLIMIT_CORE', 'hard': 2**64 - 1, 'soft': 2**64 - 1}, {'type': 'RLIMIT_MEMLOCK', 'hard': 2**64 - 1, 'soft': 65536}]" \
	--ulimit nofile=4096 --ulimit core=-1 --ulimit memlock=65536:unlimited \
	--ulimit nofile=2048:8192 oci:img:none

refuse "unknown user" "user nobody not found in the image's /etc/passwd" -u nobody oci:img:none
refuse "unknown group" "group nogroup not found in the image's /etc/group" -u app:nogroup oci:img:none
refuse "uid out of range" "uid out of range" -u 4294967295 oci:img:none
refuse "relative -w" "-w rel: the working directory must be an absolute path" -w rel oci:img:none
refuse "no command" "no command: the image has no Entrypoint or Cmd and none was given" \
	--entrypoint '' oci:img:base
refuse "bad -e" "the variable name is empty" -e =x oci:img:none
refuse "bad region" "rootfs: invalid region name" --rootfs ../x oci:img:none
refuse "unknown --ulimit" "--ulimit 'files=1': unknown limit 'files' (one of core," \
	--ulimit files=1 oci:img:none
refuse "--ulimit soft above hard" \
	"--ulimit 'nofile=2048:1024': the soft limit 2048 is above the hard limit 1024" \
	--ulimit nofile=2048:1024 oci:img:none
refuse "--ulimit junk" "--ulimit 'nproc=12k': the soft limit '12k' is not a number, -1 or unlimited" \
	--ulimit nproc=12k oci:img:none
refuse "--ulimit overflow" "--ulimit 'nofile=1:9223372036854775808': the hard limit is above 9223372036854775807" \
	--ulimit nofile=1:9223372036854775808 oci:img:none
ls /tmp/cohort-image-spec.* >/dev/null 2>&1 && bad "temporary trees left in /tmp" ||
	ok "no temporary tree left behind"

echo "$checks checks, $failures failed"
[ $failures = 0 ]
