#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# cohort apply --dry-run against a fake /sys/kernel/cohort tree: the plan
# (create and start, keep, replace, leave) in start order, as text and
# JSON; the directory from --dir, $COHORT_CONFIG_DIR or the default; a
# directory of bad files, every error printed as FILE:LINE: reason and
# exit 2; the usage errors.  Nothing may change: the fake tree is the
# same afterwards and /dev/cohort is never opened (it does not exist).
#
# Run from the top of the tree.  Exit 0 pass, 77 skip, else fail.
set -uo pipefail

top=$(pwd)
bin=$top/build/host/bin/cohort
[ -x "$bin" ] || { echo "SKIP: $bin not built (make tools)"; exit 77; }
command -v python3 >/dev/null || { echo "SKIP: python3 missing"; exit 77; }

T=$(mktemp -d /tmp/cohort-apply.XXXXXX)
trap 'rm -rf "$T"' EXIT
S=$T/sys
export COHORT_SYSFS=$S COHORT_CPU_SYSFS=$T/cpu COHORT_DEV=$T/no-dev
export ASAN_OPTIONS=detect_leaks=1
# No cohortd here (tests/host/daemon-client.sh plays one).
export COHORTD_SOCKET=$T/no-cohortd.sock
unset COHORT_CONFIG_DIR

failures=0
checks=0
. "$top/tests/host/lib/expect.sh"


# put FILE CONTENT: a sysfs-like file (content plus a newline).
put() {
	mkdir -p "$(dirname "$1")"
	printf '%s\n' "$2" >"$1"
}

# instance NAME STATE CPUS MEM_SIZE
instance() {
	local d=$S/instances/$1
	mkdir -p "$d"
	put "$d/state" "$2"
	put "$d/cpus" "$3"
	put "$d/mem_size" "$4"
	put "$d/mem_base" 0x100000000
}


# json_check ARGS... -- PYTHON: the output is JSON, "d" satisfies PYTHON.
json_check() {
	local args=() py
	while [ "$1" != -- ]; do args+=("$1"); shift; done
	py=$2
	checks=$((checks + 1))
	if ! "$bin" "${args[@]}" >"$T/json" 2>"$T/err"; then
		fail "cohort ${args[*]}: exit status $?: $(cat "$T/err")"
		return
	fi
	if ! python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
$py
" "$T/json"; then
		fail "cohort ${args[*]}: JSON content: $(cat "$T/json")"
	fi
}

# unchanged: the fake kernel's tree is as it was made.
snapshot() { (cd "$S" && find . -type f -exec md5sum {} + | sort); }
unchanged() {
	checks=$((checks + 1))
	[ "$(snapshot)" = "$before" ] || fail "the fake sysfs changed ($1)"
	[ -e "$COHORT_DEV" ] && fail "something made $COHORT_DEV ($1)"
}

# ---------------------------------------------------------------- the tree
put "$T/cpu/present" "0-7"
put "$S/version" "0.1.0"
put "$S/role" "primary"
instance web running 1,3 268435456
instance web.standby running 2,6 268435456
instance db loaded 5,7 536870912
instance old stopped 1 67108864
before=$(snapshot)

printf 'bzImage' >"$T/bzImage"
printf 'initrd' >"$T/initrd"
mkdir -p "$T/img"

# ---------------------------------------------------------------- good
C=$T/conf
mkdir -p "$C"
cat >"$C/web.conf" <<EOF
# the web server: as it runs
[instance]
cpus = 2-3
memory = 256M
kernel = $T/bzImage
initrd = $T/initrd
cmdline = console=ttyS0
  quiet
restart = on-failure
standby = yes

[net]
link = yes
address = 169.254.2.2/16

[health]
tcp-port = 80
EOF
cat >"$C/db.conf" <<EOF
[instance]
cpus = 4-5
memory = 1G
EOF
cat >"$C/cache.conf" <<EOF
[instance]
cpus = 6
memory = 128M
after = db
standby = yes
EOF
cat >"$C/api.conf" <<EOF
[instance]
cpu-count = 2
memory = 512M
image = oci:$T/img:1.0
after = db, web

[run]
arg = serve
env = PORT=8080
publish = 8080:8080

[net]
link = yes
address = 169.254.3.2/16
EOF
echo "not a declared instance" >"$C/README"
echo "[junk" >"$C/web.conf~"

plan="replace db (cpus 5,7 -> 4-5, memory 512M -> 1G)
create cache cpus 6 memory 128M
start cache
create cache.standby cpu-count 1 memory 128M (standby of cache)
keep web
keep web.standby (standby of web)
create api cpu-count 2 memory 512M
start api
leave old (not declared)"

expect 0 "$plan" "" apply --dry-run --dir "$C"
expect 0 "$plan" "" apply -n --dir="$C"
COHORT_CONFIG_DIR=$C expect 0 "$plan" "" apply --dry-run
# --dir wins over the variable
COHORT_CONFIG_DIR=$T/nowhere expect 0 "$plan" "" apply --dry-run --dir "$C/"
unchanged "plans"

json_check apply --dry-run --dir "$C" -j -- '
assert [(s["action"], s["name"]) for s in d] == [
    ("replace", "db"), ("create", "cache"), ("start", "cache"),
    ("create", "cache.standby"), ("keep", "web"), ("keep", "web.standby"),
    ("create", "api"), ("start", "api"), ("leave", "old")], d
r = d[0]
assert r["have"] == {"cpus": [5, 7], "memory": 536870912}, r
assert r["want"] == {"cpus": [4, 5], "cpu_count": 2, "memory": 1 << 30}, r
assert r["state"] == "loaded", r
assert d[1]["want"] == {"cpus": [6], "cpu_count": 1, "memory": 128 << 20}, d[1]
assert d[3] == {"action": "create", "name": "cache.standby",
                "standby_of": "cache"}, d[3]
assert d[4] == {"action": "keep", "name": "web", "state": "running"}, d[4]
assert d[5] == {"action": "keep", "name": "web.standby", "standby_of": "web",
                "state": "running"}, d[5]
assert d[6]["want"] == {"cpus": None, "cpu_count": 2, "memory": 512 << 20}, d[6]
assert d[8] == {"action": "leave", "name": "old", "reason": "not declared",
                "state": "stopped"}, d[8]'
json_check -p apply --dry-run --dir "$C" -- 'assert len(d) == 9'
checks=$((checks + 1))
[ "$("$bin" apply --dry-run --dir "$C" --pretty | wc -l)" -gt 20 ] ||
	fail "apply --pretty is not indented"

# Nothing declared: every instance is left alone.
mkdir -p "$T/empty"
expect 0 "leave db (not declared)
leave old (not declared)
leave web (not declared)
leave web.standby (not declared)" "" apply --dry-run --dir "$T/empty"
json_check apply --dry-run --dir "$T/empty" -j -- \
	'assert [s["name"] for s in d] == ["db", "old", "web", "web.standby"], d'

# Without --dry-run: checked all the same, then cohortd is asked.
expect 3 "" "cohort: apply: cohortd is not running (no socket at $COHORTD_SOCKET): start it, or use --dry-run" \
	apply --dir "$C"
unchanged "without --dry-run"

# Cohort absent: the files are checked first, then that is said.
COHORT_SYSFS=$T/nowhere expect 4 "" \
	"cohort: Cohort is not available: $T/nowhere does not exist (a kernel without Cohort?)" \
	apply --dry-run --dir "$C"

# ---------------------------------------------------------------- bad
B=$T/bad
mkdir -p "$B"
cat >"$B/a.conf" <<EOF
[instance]
cpus = 0-1
memory = 12Q
colour = blue
memory = 64M
kernel = $T/nothing
EOF
cat >"$B/b.conf" <<EOF
[instance]
cpus = 1
memory = 64M
after = c, ghost
image = oci:$T/img
initrd = $T/initrd
[run]
env = NOVALUE
publish = 80
EOF
cat >"$B/c.conf" <<EOF
[instance]
cpu-count = 1
memory = 64M
after = b
[network]
link = yes
EOF
python3 - "$B/d.conf" <<'EOF'
import sys
long = "cmdline = console=ttyS0 " + "x" * 180 + " memory = 64M"
open(sys.argv[1], "w").write("[instance]\ncpus = 2\n" + long + "\n"
                             "[net]\nqueues = 2\n")
EOF
printf '[instance]\ncpus = 3\nmemory = 64M\n' >"$B/bad name.conf"
printf '[instance]\ncpus = 4\nmemory = 64M\n' >"$B/ok.conf"
mkdir "$B/dir.conf"

errors="$B/a.conf:2: cpus: CPU 0 always stays with the primary; it cannot be given to an instance
$B/a.conf:3: memory: invalid size '12Q': unknown unit 'Q' (use K, M, G, T or KiB, MiB, GiB, TiB; powers of 1024)
$B/a.conf:4: unknown key 'colour' in [instance] (keys: cpus, cpu-count, memory, kernel, initrd, cmdline, image, after, restart, restart-limit, restart-window, restart-backoff, restart-backoff-max, dump, dump-keep, standby)
$B/a.conf:5: memory is already set on line 3
$B/a.conf:6: kernel: '$T/nothing': No such file or directory
$B/b.conf:4: after: no instance ghost is declared (no ghost.conf here)
$B/b.conf:4: after: a dependency cycle: b after c after b
$B/b.conf:6: image (line 5) and initrd cannot both be set: an image runs on cohort's instance initramfs
$B/b.conf:8: env: 'NOVALUE' is not NAME=VALUE
$B/b.conf:9: publish: '80': give the primary's port too: HOSTPORT:80
$B/bad name.conf:0: the file name does not name an instance: invalid instance name 'bad name': ' ' is not allowed (use letters, digits, '_', '.' and '-')
$B/c.conf:5: unknown section [network] (sections: [instance], [run], [net], [health])
$B/d.conf:0: [instance] needs memory = SIZE
$B/d.conf:3: the line is 217 bytes long; at most 197 are allowed (a long cmdline goes on over lines that start with white space)
$B/d.conf:5: queues needs link = yes
$B/dir.conf:0: not a regular file
cohort: apply: 16 errors in $B; nothing was done"
expect 2 "" "$errors" apply --dry-run --dir "$B"
expect 2 "" "$errors" -j apply --dry-run --dir "$B"
expect 2 "" "$errors" apply --dir "$B"
unchanged "bad files"

# One error: singular.
mkdir -p "$T/one"
printf '[instance]\ncpus = 2\n' >"$T/one/x.conf"
expect 2 "" "$T/one/x.conf:0: [instance] needs memory = SIZE
cohort: apply: 1 error in $T/one; nothing was done" apply --dry-run --dir "$T/one"

# Two instances claiming a CPU; more than 63 instances.
mkdir -p "$T/cpus"
printf '[instance]\ncpus = 2-3\nmemory = 64M\n' >"$T/cpus/a.conf"
printf '[instance]\nmemory = 64M\ncpus = 3-4\n' >"$T/cpus/b.conf"
expect 2 "" "$T/cpus/b.conf:3: cpus: CPU 3 is also claimed by instance a (line 2 of a.conf)
cohort: apply: 1 error in $T/cpus; nothing was done" apply --dry-run --dir "$T/cpus"
mkdir -p "$T/many"
for i in $(seq -w 0 63); do
	printf '[instance]\ncpu-count = 1\nmemory = 64M\n' >"$T/many/i$i.conf"
done
expect 2 "" "$T/many:0: 64 instances are declared; at most 63 fit beside the primary
cohort: apply: 1 error in $T/many; nothing was done" apply --dry-run --dir "$T/many"

# The directory itself.
expect 2 "" "$T/nowhere:0: cannot read the directory: No such file or directory
cohort: apply: 1 error in $T/nowhere; nothing was done" \
	apply --dry-run --dir "$T/nowhere"
if [ ! -e /etc/cohort/instances.d ]; then
	expect 2 "" "/etc/cohort/instances.d:0: cannot read the directory: No such file or directory
cohort: apply: 1 error in /etc/cohort/instances.d; nothing was done" apply --dry-run
fi
unchanged "errors"

# ---------------------------------------------------------------- usage
try="Try 'cohort apply --help' for more information."
expect 2 "" "cohort: apply: unknown option '--force'
$try" apply --dry-run --force
expect 2 "" "cohort: apply: unexpected argument 'web'
$try" apply --dry-run web
expect 2 "" "cohort: apply: option '--dir' given more than once
$try" apply --dry-run --dir "$C" --dir "$C"
expect 2 "" "cohort: apply: option '--dir' needs an argument
$try" apply --dry-run --dir
expect 2 "" "cohort: apply: --dir: the directory is empty
$try" apply --dry-run --dir ""
checks=$((checks + 1))
"$bin" apply --help | grep -q -- '--dry-run' || fail "apply --help: no --dry-run"
"$bin" --help | grep -q '^  apply ' || fail "--help lists no apply"
"$bin" help apply | grep -q 'COHORT_CONFIG_DIR' || fail "help apply: no COHORT_CONFIG_DIR"
unchanged "usage"

echo "$checks checks, $failures failed"
[ $failures = 0 ]
