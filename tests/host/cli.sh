#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# cohort(8) against a fake /sys/kernel/cohort tree: list, show, pool (its
# ranges, and pool release), version, log (byte-exact, and -f), peers and
# heartbeat (messaging files present, partly present and missing),
# regions, network links (net, and create --net undone when the link is
# refused), create's placement by topology (whole cores, NUMA nodes, the
# pool's nodes, --dry-run), the console, and every refusal: its message,
# its exit status, and that nothing reached the kernel.  The kernel behind
# /dev/cohort is played by an LD_PRELOAD shim (fake_cohort_dev.c) that
# logs each ioctl and answers as told.
#
# Run from the top of the tree.  Exit 0 pass, 77 skip, else fail.
set -uo pipefail

top=$(pwd)
bin=$top/build/host/bin/cohort
[ -x "$bin" ] || { echo "SKIP: $bin not built (make tools)"; exit 77; }
command -v python3 >/dev/null || { echo "SKIP: python3 missing"; exit 77; }

T=$(mktemp -d /tmp/cohort-cli.XXXXXX)
trap 'rm -rf "$T"' EXIT
S=$T/sys
CPU=$T/cpu
DEV=$T/dev-cohort
LOG=$T/ioctl.log
# The primary's interfaces (/sys/class/net), made by the fake kernel.
NETS=$T/net
export COHORT_SYSFS=$S COHORT_CPU_SYSFS=$CPU COHORT_DEV=$DEV
export COHORT_NET_SYSFS=$NETS
export COHORT_FAKE_LOG=$LOG
# The shim comes before libasan in the library list; that is fine here.
export ASAN_OPTIONS=verify_asan_link_order=0:detect_leaks=1
unset COHORT_FAKE_ERRNO COHORT_FAKE_MSG COHORT_FAKE_ONLY COHORT_FAKE_INSTANCES

cc -shared -fPIC -O2 -Wall -Wextra -Werror -I"$top/include" \
	-o "$T/fake.so" "$top/tests/host/fake_cohort_dev.c" -ldl ||
	{ echo "FAIL: cannot build the fake device shim"; exit 1; }
export LD_PRELOAD=$T/fake.so
touch "$DEV"

failures=0
checks=0
. "$top/tests/host/lib/expect.sh"

# put FILE CONTENT: write a sysfs-like file (content plus a newline).
put() {
	# Atomic like a sysfs read: `log -f` may read while we write.
	mkdir -p "$(dirname "$1")"
	printf '%s\n' "$2" >"$1.tmp.$$"
	mv "$1.tmp.$$" "$1"
}

# instance NAME ID STATE CPUS APIC MEM_BASE MEM_SIZE CMDLINE KSIZE ISIZE STARTS
# (no CPU cap, no spare CPUs, no memory blocks)
instance() {
	local d=$S/instances/$1
	mkdir -p "$d"
	put "$d/id" "$2"
	put "$d/cid" "$(($2 + 2))"
	put "$d/state" "$3"
	put "$d/cpus" "$4"
	put "$d/apic_ids" "$5"
	put "$d/max_cpus" 0
	put "$d/spare_cpus" ""
	put "$d/mem_base" "$6"
	put "$d/mem_size" "$7"
	: >"$d/mem_blocks"
	put "$d/cmdline" "$8"
	put "$d/kernel_size" "$9"
	put "$d/initrd_size" "${10}"
	put "$d/starts" "${11}"
	: >"$d/console"
	put "$d/console_head" 0
	put "$d/console_writer" 0
	put "$d/net" ""
}

# peer ID STATE NAME APIC DOORBELL EPOCH HEARTBEAT AGE_MS OFFERED LISTENING
#      SENT RECEIVED DOORBELLS SUPPRESSED ERRORS DROPS FULL STALE
#      QUARANTINES CTRL_ERRORS: a peers/ID/ directory as msgsysfs.c makes it
peer() {
	local d=$S/peers/$1 f
	shift
	for f in state name apic_id doorbell epoch heartbeat heartbeat_age_ms \
		 services_offered services_listening sent received doorbells \
		 doorbells_suppressed errors drops full stale quarantines \
		 ctrl_errors; do
		put "$d/$f" "$1"
		shift
	done
}

# console NAME: set console_head from the console file's size.
console_sync() {
	put "$S/instances/$1/console_head" \
		"$(stat -c %s "$S/instances/$1/console")"
}




# no_ioctl: nothing reached the kernel since the last call.
no_ioctl() {
	checks=$((checks + 1))
	if [ -s "$LOG" ]; then
		fail "ioctls reached the kernel ($1):"
		sed 's/^/    /' "$LOG"
	fi
	rm -f "$LOG"
}

# ioctl_log LINE...: exactly these ioctls reached the kernel.
ioctl_log() {
	local want
	checks=$((checks + 1))
	want=$(printf '%s\n' "$@")
	if [ "$(cat "$LOG" 2>/dev/null)" != "$want" ]; then
		fail "ioctl log differs"
		diff <(printf '%s\n' "$want") "$LOG" | sed 's/^/    /'
	fi
	rm -f "$LOG"
}

# json_check ARGS... -- PYTHON: validate JSON output, then assert in python
# (the parsed document is "d").
json_check() {
	local args=() py
	while [ "$1" != -- ]; do args+=("$1"); shift; done
	py=$2
	checks=$((checks + 1))
	if ! "$bin" "${args[@]}" >"$T/json" 2>"$T/err"; then
		fail "cohort ${args[*]}: exit status $?"
		return
	fi
	if ! python3 -m json.tool "$T/json" >/dev/null; then
		fail "cohort ${args[*]}: not JSON: $(cat "$T/json")"
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

# ---------------------------------------------------------------- the tree
put "$CPU/present" "0-7"
put "$S/version" "0.1.0"
put "$S/role" "primary"
put "$S/id" "0"
put "$S/pool/base" "0x100000000"
put "$S/pool/size" "1073741824"
put "$S/pool/free" "268435456"
instance web 1 running 2-3 2,3 0x100000000 268435456 \
	"console=ttyS0 quiet" 4064256 1048576 1
instance db 2 loaded 5-7:2 5,7 0x110000000 536870912 "" 4064256 0 0
put "$S/instances/db/cpus" "5,7"
put "$S/instances/db/max_cpus" 4
put "$S/instances/db/spare_cpus" "4,6"
put "$S/instances/web/console_writer" 4242

# Messaging: the primary, web joined, db created but not running, a
# failed kernel 3 (its entry cleared), a quarantined one with an old
# heartbeat, and the unused ids, absent, as the kernel has them all.
put "$S/messaging" "joined"
put "$S/members" "0-1,5"
put "$S/heartbeat_ms" 100
put "$S/heartbeat_misses" 5
peer 0 self primary 0 1 0x1f2e 5021 40 0x3 0x1 \
	12 10 4 2 0 0 0 0 0 0
peer 1 joined web 2 1 0x2a 4977 120 0x1 0x3 \
	10 12 5 3 1 2 0 0 0 0
peer 2 absent "" 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
peer 3 failed "" 0 0 0 0 0 0 0 7 3 2 1 0 0 0 0 0 0
peer 4 absent "" 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
peer 5 quarantined rogue 6 0 0x77 31 15500 0 0 \
	1 123456789 0 0 42 17 3 5 1 9

# A console with every byte value, lines, CRs and invalid UTF-8.
python3 -c "
import sys
data = bytes(range(256)) * 3 + b'Linux version 6.12\r\n\xff\xfe\x00end'
sys.stdout.buffer.write(data)" >"$S/instances/web/console"
console_sync web

# A bzImage-looking file: header of a 64-bit kernel, protocol 2.15.
python3 -c "
import struct, sys
img = bytearray(5 * 512 + 64 * 16)
img[0x1f1] = 4
struct.pack_into('<I', img, 0x1f4, 64)
struct.pack_into('<H', img, 0x1fe, 0xaa55)
img[0x202:0x206] = b'HdrS'
struct.pack_into('<H', img, 0x206, 0x020f)
img[0x211] = 1
struct.pack_into('<H', img, 0x236, 0x23)
open(sys.argv[1], 'wb').write(img)
img[0x236] = 0x22
open(sys.argv[2], 'wb').write(img)
struct.pack_into('<H', img, 0x236, 0x23)
struct.pack_into('<H', img, 0x206, 0x020b)
open(sys.argv[3], 'wb').write(img)
" "$T/bzImage" "$T/bzImage32" "$T/bzImage-old"
printf 'initramfs' >"$T/initrd"
printf 'not a kernel\n' >"$T/text"
: >"$T/empty"
mkdir "$T/dir"

try_create="Try 'cohort create --help' for more information."
try_load="Try 'cohort load --help' for more information."
try_stop="Try 'cohort stop --help' for more information."

# ---------------------------------------------------------------- reading
expect 0 "NAME  ID  STATE    CPUS  MEMORY            PEER    HEARTBEAT
web    1  running  2-3   0x100000000+256M  joined  120ms
db     2  loaded   5,7   0x110000000+512M  absent  -" "" list

json_check list -j -- '
assert isinstance(d, list) and len(d) == 2
w, b = d
assert w == {"name": "web", "id": 1, "cid": 3, "state": "running", "cpus": [2, 3],
             "apic_ids": [2, 3], "max_cpus": None, "spare_cpus": "",
             "mem_base": 0x100000000, "mem_size": 268435456,
             "mem_blocks": [], "cmdline": "console=ttyS0 quiet",
             "kernel_size": 4064256, "initrd_size": 1048576, "starts": 1,
             "console_head": 794, "console_writer": 4242, "net": None,
             "peer": {
                 "id": 1, "state": "joined", "name": "web", "apic_id": 2,
                 "doorbell": True, "epoch": 0x2a, "heartbeat": 4977,
                 "heartbeat_age_ms": 120, "services_offered": 1,
                 "services_listening": 3, "sent": 10, "received": 12,
                 "doorbells": 5, "doorbells_suppressed": 3, "errors": 1,
                 "drops": 2, "full": 0, "stale": 0, "quarantines": 0,
                 "ctrl_errors": 0}}, w
assert b["name"] == "db" and b["cpus"] == [5, 7] and b["cmdline"] == ""
assert b["mem_base"] == 0x110000000 and b["starts"] == 0
assert b["max_cpus"] == 4 and b["spare_cpus"] == "4,6", b
assert b["mem_blocks"] == [], b
# No writer on the console: null, as without the file; no link, null.
assert b["console_writer"] is None, b
assert b["net"] is None, b
# An absent peer: no age, and the instance gives the name.
p = b["peer"]
assert p["state"] == "absent" and p["heartbeat_age_ms"] is None, p
assert p["name"] == "db" and p["doorbell"] is False and p["sent"] == 0, p
'
json_check -j list -- 'assert [i["name"] for i in d] == ["web", "db"]'
json_check list --pretty -- 'assert len(d) == 2'
checks=$((checks + 1))
if [ "$("$bin" list -j | head -c 1)" != "[" ] ||
   [ "$("$bin" list -j | wc -l)" != 1 ]; then
	fail "list -j is not one line of JSON"
fi
checks=$((checks + 1))
if [ "$("$bin" list -p | wc -l)" -lt 10 ]; then
	fail "list -p is not indented"
fi

expect 0 "name           web
id             1
cid            3
state          running
cpus           2-3
apic_ids       2,3
max_cpus       none
spare_cpus     none
mem_base       0x100000000
mem_size       268435456 (256 MiB)
mem_blocks     0
cmdline        console=ttyS0 quiet
kernel_size    4064256 (3969 KiB)
initrd_size    1048576 (1 MiB)
starts         1
console_head   794
console_writer 4242
net            none
messaging
  state                 joined
  name                  web
  apic_id               2
  doorbell              1
  epoch                 0x2a
  heartbeat             4977
  heartbeat_age_ms      120
  services_offered      0x1
  services_listening    0x3
  sent                  10
  received              12
  doorbells             5
  doorbells_suppressed  3
  errors                1
  drops                 2
  full                  0
  stale                 0
  quarantines           0
  ctrl_errors           0" "" show web

expect 0 "name           db
id             2
cid            4
state          loaded
cpus           5,7
apic_ids       5,7
max_cpus       4
spare_cpus     4,6
mem_base       0x110000000
mem_size       536870912 (512 MiB)
mem_blocks     0
cmdline
kernel_size    4064256 (3969 KiB)
initrd_size    0
starts         0
console_head   0
console_writer none
net            none
messaging
  state                 absent
  name                  db
  apic_id               0
  doorbell              0
  epoch                 0
  heartbeat             0
  heartbeat_age_ms      -
  services_offered      0
  services_listening    0
  sent                  0
  received              0
  doorbells             0
  doorbells_suppressed  0
  errors                0
  drops                 0
  full                  0
  stale                 0
  quarantines           0
  ctrl_errors           0" "" show db

json_check show web -j -- '
assert d["name"] == "web" and d["id"] == 1 and d["cid"] == 3 and d["state"] == "running"
assert d["cpus"] == [2, 3] and d["apic_ids"] == [2, 3]
assert d["console_head"] == 794 and d["cmdline"] == "console=ttyS0 quiet"
assert d["console_writer"] == 4242
assert sorted(d) == sorted(["name", "id", "cid", "state", "cpus", "apic_ids",
    "max_cpus", "spare_cpus", "mem_base", "mem_size", "mem_blocks",
    "cmdline", "kernel_size", "initrd_size", "starts", "console_head",
    "console_writer", "net", "peer"])
p = d["peer"]
assert sorted(p) == sorted(["id", "state", "name", "apic_id", "doorbell",
    "epoch", "heartbeat", "heartbeat_age_ms", "services_offered",
    "services_listening", "sent", "received", "doorbells",
    "doorbells_suppressed", "errors", "drops", "full", "stale",
    "quarantines", "ctrl_errors"]), p
assert p["state"] == "joined" and p["heartbeat_age_ms"] == 120, p
assert p["heartbeat"] == 4977 and p["received"] == 12, p
'

# A kernel without lending (no lent files, no nodes): they read as 0;
# without pool/ranges, base and size make the one range.
expect 0 "base       0x100000000
range      0x100000000+1G
size       1073741824 (1 GiB)
free       268435456 (256 MiB)
lent       0
lent_used  0" "" pool
json_check pool -j -- '
assert d == {"base": 4294967296, "size": 1073741824, "free": 268435456,
             "lent": 0, "lent_used": 0,
             "ranges": [{"base": 4294967296, "size": 1073741824}],
             "nodes": []}, d'
# pool/ranges: a range per NUMA node (cohort_pool=NODE:SIZE,...).
put "$S/pool/ranges" "0x100000000 536870912
0x880000000 536870912"
expect 0 "base       0x100000000
range      0x100000000+512M
range      0x880000000+512M
size       1073741824 (1 GiB)
free       268435456 (256 MiB)
lent       0
lent_used  0" "" pool
json_check pool -j -- '
assert d["ranges"] == [{"base": 0x100000000, "size": 536870912},
                       {"base": 0x880000000, "size": 536870912}], d
assert d["base"] == 0x100000000 and d["size"] == 1073741824, d'
json_check -p pool -- 'assert len(d["ranges"]) == 2, d'
# Empty after the pool was given back and there is no control region.
: >"$S/pool/ranges"
json_check pool -j -- 'assert d["ranges"] == [], d'
for bad in "lots" "0x100000000" "0x100000000 512M" "0x100000000 0" \
	   "0x100000000  536870912" "0x100000000 536870912 0"; do
	put "$S/pool/ranges" "$bad"
	expect 1 "" "cohort: cannot read $S/pool/ranges: not \"0xBASE SIZE\" lines" pool
done
put "$S/pool/ranges" "0x100000000 536870912

0x880000000 536870912"
expect 1 "" "cohort: cannot read $S/pool/ranges: not \"0xBASE SIZE\" lines" pool -j
put "$S/pool/ranges" "0x100000000 1073741824"
expect 0 "base       0x100000000
range      0x100000000+1G
size       1073741824 (1 GiB)
free       268435456 (256 MiB)
lent       0
lent_used  0" "" pool
# Lent to the primary, on two nodes (node10 sorts after node2).
put "$S/pool/lent" "805306368"
put "$S/pool/lent_used" "12288"
for nd in node2:524288000:262144000:262144000:12288 \
	  node10:524288000:524288000:524288000:0; do
	IFS=: read -r n sz fr le us <<<"$nd"
	put "$S/pool/$n/size" "$sz"
	put "$S/pool/$n/free" "$fr"
	put "$S/pool/$n/lent" "$le"
	put "$S/pool/$n/lent_used" "$us"
done
mkdir -p "$S/pool/nodeX" "$S/pool/node"
expect 0 "base       0x100000000
range      0x100000000+1G
size       1073741824 (1 GiB)
free       268435456 (256 MiB)
lent       805306368 (768 MiB)
lent_used  12288 (12 KiB)

NODE  SIZE  HELD  FREE  LENT  LENT_USED
2     500M  250M  250M  250M        12K
10    500M     0  500M  500M          0" "" pool
json_check pool -j -- '
assert d["lent"] == 805306368 and d["lent_used"] == 12288, d
assert d["nodes"] == [
    {"node": 2, "size": 524288000, "free": 262144000, "lent": 262144000,
     "lent_used": 12288, "held": 262144000},
    {"node": 10, "size": 524288000, "free": 524288000, "lent": 524288000,
     "lent_used": 0, "held": 0}], d'
put "$S/pool/node10/lent" "lots"
expect 1 "" "cohort: cannot read $S/pool/node10/lent: not a number" pool
put "$S/pool/node10/lent" "524288000"

expect 0 "cohort 0.1.0
kernel 0.1.0 (primary, id 0)" "" version
expect 0 "cohort 0.1.0" "" --version
json_check version -j -- '
assert d == {"cohort": "0.1.0", "kernel": "0.1.0", "role": "primary", "id": 0}'

# log: byte-exact.
checks=$((checks + 1))
"$bin" log web >"$T/log.out" 2>"$T/err" || fail "log web: exit status $?"
cmp -s "$T/log.out" "$S/instances/web/console" ||
	fail "log web: output differs from the console"
[ -s "$T/err" ] && fail "log web: stderr: $(cat "$T/err")"
expect 0 "" "" log db

# log reads up to console_head, not past it.
checks=$((checks + 1))
put "$S/instances/web/console_head" 100
"$bin" log web >"$T/log.out" || fail "log web (head 100): exit status $?"
head -c 100 "$S/instances/web/console" | cmp -s - "$T/log.out" ||
	fail "log web (head 100): output differs"
console_sync web

# follow_has N: the follower printed N bytes, within 20 s (it runs at the
# lowest priority beside VM scenarios, so no fixed sleep is enough).
follow_has() {
	local end=$((SECONDS + 20))
	until [ "$(stat -c %s "$T/follow.out")" -ge "$1" ]; do
		[ $SECONDS -lt $end ] || return 1
		sleep 0.05
	done
}

# log -f: follows appended output, ends a second after the instance stops.
checks=$((checks + 1))
"$bin" log -f web >"$T/follow.out" 2>"$T/follow.err" &
pid=$!
follow_has "$(stat -c %s "$S/instances/web/console")"
printf 'second part\n\000\001' >>"$S/instances/web/console"
console_sync web
follow_has "$(stat -c %s "$S/instances/web/console")"
printf 'third part, then it stops\n' >>"$S/instances/web/console"
console_sync web
follow_has "$(stat -c %s "$S/instances/web/console")"
put "$S/instances/web/state" stopping
sleep 0.3
put "$S/instances/web/state" stopped
# It stops by itself (a second after, by its design; the bound is loose,
# a starved run is slow).
end=$((SECONDS + 20))
while kill -0 $pid 2>/dev/null && [ $SECONDS -lt $end ]; do
	sleep 0.1
done
if kill -0 $pid 2>/dev/null; then
	fail "log -f web did not stop within 20 s after the instance stopped"
	kill $pid
fi
wait $pid || fail "log -f web: exit status $?"
cmp -s "$T/follow.out" "$S/instances/web/console" ||
	fail "log -f web: output differs from the console"
[ -s "$T/follow.err" ] && fail "log -f web: stderr: $(cat "$T/follow.err")"

# log -f: SIGINT ends it, exit status 0, everything so far printed.
checks=$((checks + 1))
put "$S/instances/web/state" running
"$bin" log --follow web >"$T/follow.out" 2>"$T/follow.err" &
pid=$!
follow_has "$(stat -c %s "$S/instances/web/console")"
printf 'after interrupt\n' >>"$S/instances/web/console"
console_sync web
follow_has "$(stat -c %s "$S/instances/web/console")"
kill -INT $pid
wait $pid || fail "log -f web after SIGINT: exit status $?"
cmp -s "$T/follow.out" "$S/instances/web/console" ||
	fail "log -f web (SIGINT): output differs from the console"

# restart PID NAME STARTS CONTENT: the instance started again and wrote
# CONTENT to its new console stream, while its follower PID is stopped,
# so that it sees all at once.
restart() {
	kill -STOP -- "$1"
	printf '%s' "$4" >"$S/instances/$2/console"	# the same file
	console_sync "$2"
	put "$S/instances/$2/starts" "$3"
	kill -CONT -- "$1"
}

# log -f across starts: each new stream is printed from its first byte,
# whether console_head went back or (seen from "starts" only) not.
checks=$((checks + 1))
cp "$S/instances/web/console" "$T/web-console"
"$bin" log -f web >"$T/follow.out" 2>"$T/follow.err" &
pid=$!
n=$(stat -c %s "$T/web-console")
follow_has $n
restart $pid web 2 $'second boot\n'
follow_has $((n + 12))
restart $pid web 3 "$(seq 1 700)"
follow_has $((n + 12 + $(seq 1 700 | head -c -1 | wc -c)))
kill -INT $pid
wait $pid || fail "log -f web across starts: exit status $?"
{ cat "$T/web-console"; echo 'second boot'; seq 1 700 | head -c -1; } |
	cmp -s - "$T/follow.out" || fail "log -f web across starts: output differs"
[ -s "$T/follow.err" ] && fail "log -f web across starts: stderr: $(cat "$T/follow.err")"
cp "$T/web-console" "$S/instances/web/console"
console_sync web
put "$S/instances/web/starts" 1

# log -f on an instance that is not running: prints what there is, ends.
checks=$((checks + 1))
put "$S/instances/web/state" stopped
timeout 5 "$bin" log -f web >"$T/follow.out" ||
	fail "log -f of a stopped instance: exit status $?"
cmp -s "$T/follow.out" "$S/instances/web/console" ||
	fail "log -f of a stopped instance: output differs"
put "$S/instances/web/state" running

# ---------------------------------------------------------------- messaging
# peers: the primary, every instance's id, every kernel not absent.
expect 0 "ID  NAME     STATE        HEARTBEAT  SENT   RECEIVED  DOORBELLS  SUPPRESSED  ERRORS  DROPS
 0  primary  self         40ms         12         10          4           2       0      0
 1  web      joined       120ms        10         12          5           3       1      2
 2  db       absent       -             0          0          0           0       0      0
 3  -        failed       -             7          3          2           1       0      0
 5  rogue    quarantined  15s           1  123456789          0           0      42     17" "" peers
# -a: the unused ids too.
expect 0 "ID  NAME     STATE        HEARTBEAT  SENT   RECEIVED  DOORBELLS  SUPPRESSED  ERRORS  DROPS
 0  primary  self         40ms         12         10          4           2       0      0
 1  web      joined       120ms        10         12          5           3       1      2
 2  db       absent       -             0          0          0           0       0      0
 3  -        failed       -             7          3          2           1       0      0
 4  -        absent       -             0          0          0           0       0      0
 5  rogue    quarantined  15s           1  123456789          0           0      42     17" "" peers --all
json_check peers -j -- '
assert [p["id"] for p in d] == [0, 1, 2, 3, 5], d
z, w, b, f, q = d
assert z == {"id": 0, "state": "self", "name": "primary", "apic_id": 0,
             "doorbell": True, "epoch": 0x1f2e, "heartbeat": 5021,
             "heartbeat_age_ms": 40, "services_offered": 3,
             "services_listening": 1, "sent": 12, "received": 10,
             "doorbells": 4, "doorbells_suppressed": 2, "errors": 0,
             "drops": 0, "full": 0, "stale": 0, "quarantines": 0,
             "ctrl_errors": 0}, z
assert w["name"] == "web" and w["heartbeat_age_ms"] == 120, w
assert b["name"] == "db" and b["heartbeat_age_ms"] is None, b
assert f["name"] is None and f["state"] == "failed", f
assert f["heartbeat_age_ms"] is None and f["sent"] == 7, f
assert q["state"] == "quarantined" and q["heartbeat_age_ms"] == 15500, q
assert (q["full"], q["stale"], q["quarantines"], q["ctrl_errors"]) == \
       (3, 5, 1, 9), q
'
json_check peers -a -p -- 'assert [p["id"] for p in d] == [0, 1, 2, 3, 4, 5]'
json_check -j peers -- 'assert len(d) == 5'
refuse 2 "cohort: peers: unexpected argument 'web'
Try 'cohort peers --help' for more information." peers web
refuse 2 "cohort: peers: unknown option '--bogus'
Try 'cohort peers --help' for more information." peers --bogus

# An older kernel, or one that changed: files missing from peers/ID/ and
# peers/ID/ missing for an instance are shown as -, never an error.
cp -a "$S" "$T/old"
rm "$T/old/peers/1/heartbeat_age_ms" "$T/old/peers/1/received" \
	"$T/old/peers/1/name" "$T/old/peers/0/drops"
put "$T/old/peers/1/sent" "lots"
rm -r "$T/old/peers/2"
COHORT_SYSFS=$T/old expect 0 "NAME  ID  STATE    CPUS  MEMORY            PEER    HEARTBEAT
web    1  running  2-3   0x100000000+256M  joined  -
db     2  loaded   5,7   0x110000000+512M  -       -" "" list
COHORT_SYSFS=$T/old expect 0 "ID  NAME     STATE        HEARTBEAT  SENT   RECEIVED  DOORBELLS  SUPPRESSED  ERRORS  DROPS
 0  primary  self         40ms         12         10          4           2       0      -
 1  web      joined       -             -          -          5           3       1      2
 3  -        failed       -             7          3          2           1       0      0
 5  rogue    quarantined  15s           1  123456789          0           0      42     17" "" peers
COHORT_SYSFS=$T/old json_check list -j -- '
w, b = d
assert w["peer"]["heartbeat_age_ms"] is None and w["peer"]["sent"] is None
assert w["peer"]["received"] is None and w["peer"]["name"] == "web"
assert w["peer"]["state"] == "joined" and w["peer"]["doorbells"] == 5
assert b["peer"] is None and b["state"] == "loaded"
'
checks=$((checks + 1))
COHORT_SYSFS=$T/old "$bin" show db >"$T/out" 2>"$T/err" ||
	fail "show db without peers/2: exit status $?"
[ "$(tail -n 2 "$T/out")" = "net            none
messaging      -" ] || fail "show db without peers/2: $(tail -n 2 "$T/out")"
[ -s "$T/err" ] && fail "show db without peers/2: stderr: $(cat "$T/err")"
COHORT_SYSFS=$T/old json_check show db -j -- 'assert d["peer"] is None'
# A kernel without console_writer: shown as -, null in JSON.
rm "$T/old/instances/web/console_writer"
checks=$((checks + 1))
COHORT_SYSFS=$T/old "$bin" show web >"$T/out" 2>"$T/err" ||
	fail "show web without console_writer: exit status $?"
grep -qx 'console_writer -' "$T/out" ||
	fail "show web without console_writer: $(grep console_ "$T/out")"
[ -s "$T/err" ] && fail "show web without console_writer: stderr: $(cat "$T/err")"
COHORT_SYSFS=$T/old json_check show web -j -- '
assert "console_writer" in d and d["console_writer"] is None, d'
# A kernel without CPU caps or memory blocks: -, null in JSON.
rm "$T/old/instances/web/max_cpus" "$T/old/instances/web/spare_cpus" \
	"$T/old/instances/web/mem_blocks"
checks=$((checks + 1))
COHORT_SYSFS=$T/old "$bin" show web >"$T/out" 2>"$T/err" ||
	fail "show web without mem_blocks: exit status $?"
[ "$(grep -E '^(max_cpus|spare_cpus|mem_blocks) ' "$T/out")" = "max_cpus       -
spare_cpus     -
mem_blocks     -" ] || fail "show web without mem_blocks: $(grep -E '^(max|spare|mem)' "$T/out")"
[ -s "$T/err" ] && fail "show web without mem_blocks: stderr: $(cat "$T/err")"
COHORT_SYSFS=$T/old json_check show web -j -- '
assert d["max_cpus"] is None and d["spare_cpus"] is None, d
assert "mem_blocks" in d and d["mem_blocks"] is None, d'
# A kernel without network links: net is -, null in JSON.
rm "$T/old/instances/web/net"
checks=$((checks + 1))
COHORT_SYSFS=$T/old "$bin" show web >"$T/out" 2>"$T/err" ||
	fail "show web without net: exit status $?"
grep -qx 'net            -' "$T/out" ||
	fail "show web without net: $(grep ^net "$T/out")"
[ -s "$T/err" ] && fail "show web without net: stderr: $(cat "$T/err")"
COHORT_SYSFS=$T/old json_check show web -j -- '
assert "net" in d and d["net"] is None, d'

# A kernel without messaging at all: list and show as before, with -.
rm -r "$T/old/peers" "$T/old/messaging" "$T/old/members" \
	"$T/old/heartbeat_ms" "$T/old/heartbeat_misses"
COHORT_SYSFS=$T/old expect 0 "NAME  ID  STATE    CPUS  MEMORY            PEER  HEARTBEAT
web    1  running  2-3   0x100000000+256M  -     -
db     2  loaded   5,7   0x110000000+512M  -     -" "" list
COHORT_SYSFS=$T/old json_check list -j -- '
assert [i["peer"] for i in d] == [None, None]'
checks=$((checks + 1))
COHORT_SYSFS=$T/old "$bin" show web >"$T/out" 2>"$T/err" ||
	fail "show web without messaging: exit status $?"
[ "$(tail -n 1 "$T/out")" = "messaging      -" ] ||
	fail "show web without messaging: $(tail -n 1 "$T/out")"
COHORT_SYSFS=$T/old refuse 4 "cohort: inter-kernel messaging is not available: $T/old/peers does not exist (a kernel without it?)" peers
COHORT_SYSFS=$T/old refuse 4 "cohort: inter-kernel messaging is not available: $T/old/heartbeat_ms does not exist (a kernel without it?)" heartbeat
COHORT_SYSFS=$T/old refuse 4 "cohort: inter-kernel messaging is not available: $T/old/heartbeat_ms does not exist (a kernel without it?)" heartbeat --period 50
put "$T/old/messaging" "off: no control region"
COHORT_SYSFS=$T/old refuse 4 "cohort: inter-kernel messaging is not available: $T/old/peers does not exist (messaging: off: no control region)" peers
put "$T/old/heartbeat_ms" 100
COHORT_SYSFS=$T/old refuse 4 "cohort: inter-kernel messaging is not available: $T/old/heartbeat_misses does not exist (messaging: off: no control region)" heartbeat --misses 3
checks=$((checks + 1))
[ "$(cat "$T/old/heartbeat_ms")" = 100 ] ||
	fail "heartbeat wrote the period although heartbeat_misses is missing"
COHORT_SYSFS=$T/none refuse 4 "cohort: Cohort is not available: $T/none does not exist (a kernel without Cohort?)" peers
COHORT_SYSFS=$T/none refuse 4 "cohort: Cohort is not available: $T/none does not exist (a kernel without Cohort?)" heartbeat

# heartbeat: print.
expect 0 "period  100 ms
misses  5" "" heartbeat
json_check heartbeat -j -- 'assert d == {"period_ms": 100, "misses": 5}'
json_check -p heartbeat -- 'assert d == {"period_ms": 100, "misses": 5}'

# heartbeat: set; exactly what is asked is written, in decimal.
hb_is() {
	checks=$((checks + 1))
	[ "$(cat "$S/heartbeat_ms")/$(cat "$S/heartbeat_misses")" = "$1/$2" ] ||
		fail "heartbeat files are $(cat "$S/heartbeat_ms")/$(cat "$S/heartbeat_misses"), want $1/$2"
}
expect 0 "" "" heartbeat --period 250
hb_is 250 5
expect 0 "" "" heartbeat --misses 3
hb_is 250 3
expect 0 "" "" heartbeat --period=10 --misses=1000
hb_is 10 1000
expect 0 "" "" heartbeat --period 10000 --misses 1
hb_is 10000 1
expect 0 "" "" heartbeat --period 0100 --misses 007
hb_is 100 7
expect 0 "period  100 ms
misses  7" "" heartbeat
expect 0 "" "" heartbeat --misses 5
hb_is 100 5

# heartbeat: every refusal, exit 2, nothing written.
try_hb="Try 'cohort heartbeat --help' for more information."
hb_period_range="the heartbeat period must be from 10 to 10000 milliseconds"
hb_period_bad="expected a whole number of milliseconds from 10 to 10000"
hb_misses_range="the number of misses must be from 1 to 1000"
hb_misses_bad="expected a whole number from 1 to 1000"
refuse 2 "cohort: heartbeat: $hb_period_range, not 0" heartbeat --period 0
refuse 2 "cohort: heartbeat: $hb_period_range, not 9" heartbeat --period 9
refuse 2 "cohort: heartbeat: $hb_period_range, not 10001" heartbeat --period 10001
refuse 2 "cohort: heartbeat: $hb_period_range, not 60000" heartbeat --period 60000
refuse 2 "cohort: heartbeat: $hb_period_range, not 99999999999999999999" \
	heartbeat --period 99999999999999999999
refuse 2 "cohort: heartbeat: invalid heartbeat period '100ms': $hb_period_bad" \
	heartbeat --period 100ms
refuse 2 "cohort: heartbeat: invalid heartbeat period '-5': $hb_period_bad" \
	heartbeat --period -5
refuse 2 "cohort: heartbeat: invalid heartbeat period '+50': $hb_period_bad" \
	heartbeat --period +50
refuse 2 "cohort: heartbeat: invalid heartbeat period '0x64': $hb_period_bad" \
	heartbeat --period 0x64
refuse 2 "cohort: heartbeat: invalid heartbeat period '1.5': $hb_period_bad" \
	heartbeat --period 1.5
refuse 2 "cohort: heartbeat: invalid heartbeat period ' 50': $hb_period_bad" \
	heartbeat --period " 50"
refuse 2 "cohort: heartbeat: invalid heartbeat period '': $hb_period_bad" \
	heartbeat --period ""
refuse 2 "cohort: heartbeat: $hb_misses_range, not 0" heartbeat --misses 0
refuse 2 "cohort: heartbeat: $hb_misses_range, not 1001" heartbeat --misses 1001
refuse 2 "cohort: heartbeat: invalid number of misses 'many': $hb_misses_bad" \
	heartbeat --misses many
refuse 2 "cohort: heartbeat: invalid number of misses '-1': $hb_misses_bad" \
	heartbeat --misses -1
# A bad value refuses the good one given with it.
refuse 2 "cohort: heartbeat: $hb_misses_range, not 0" \
	heartbeat --period 50 --misses 0
refuse 2 "cohort: heartbeat: $hb_period_range, not 5" \
	heartbeat --period 5 --misses 3
refuse 2 "cohort: heartbeat: option '--period' needs an argument
$try_hb" heartbeat --period
refuse 2 "cohort: heartbeat: option '--period' given more than once
$try_hb" heartbeat --period 50 --period 60
refuse 2 "cohort: heartbeat: option '--misses' given more than once
$try_hb" heartbeat --misses 2 --misses=3
refuse 2 "cohort: heartbeat: unknown option '--interval'
$try_hb" heartbeat --interval 50
refuse 2 "cohort: heartbeat: unexpected argument '50'
$try_hb" heartbeat 50
# Validation comes first, even without Cohort.
COHORT_SYSFS=$T/none refuse 2 "cohort: heartbeat: $hb_period_range, not 9" \
	heartbeat --period 9
hb_is 100 5

# heartbeat in an instance: shown, not set.
put "$T/guest/role" instance
put "$T/guest/heartbeat_ms" 100
put "$T/guest/heartbeat_misses" 5
COHORT_SYSFS=$T/guest expect 0 "period  100 ms
misses  5" "" heartbeat
COHORT_SYSFS=$T/guest refuse 4 "cohort: heartbeat: this kernel is a Cohort instance; the heartbeat is set on the primary" \
	heartbeat --period 50
checks=$((checks + 1))
[ "$(cat "$T/guest/heartbeat_ms")" = 100 ] || fail "heartbeat set in an instance"

# heartbeat: the kernel refuses the write, or the file makes no sense.
cp -a "$S" "$T/bad"
rm "$T/bad/heartbeat_ms"
mkdir "$T/bad/heartbeat_ms"
COHORT_SYSFS=$T/bad refuse 1 "cohort: heartbeat: cannot set the heartbeat period to 50: $T/bad/heartbeat_ms: Is a directory" \
	heartbeat --period 50
COHORT_SYSFS=$T/bad refuse 1 "cohort: cannot read $T/bad/heartbeat_ms: Is a directory" heartbeat
put "$T/bad/heartbeat_misses" "five"
rmdir "$T/bad/heartbeat_ms"
put "$T/bad/heartbeat_ms" 100
COHORT_SYSFS=$T/bad refuse 1 "cohort: cannot read $T/bad/heartbeat_misses: not a number" heartbeat

no_ioctl "reading commands"

# ---------------------------------------------------------------- refusals
# Names.
refuse 2 "cohort: create: missing the instance NAME
$try_create" create
refuse 2 "cohort: create: the instance name is empty" \
	create "" --cpus 1 --memory 64M
refuse 2 "cohort: create: invalid instance name 'a b': ' ' is not allowed (use letters, digits, '_', '.' and '-')" \
	create "a b" --cpus 1 --memory 64M
refuse 2 "cohort: create: invalid instance name 'a/b': '/' is not allowed (use letters, digits, '_', '.' and '-')" \
	create a/b --cpus 1 --memory 64M
refuse 2 "cohort: create: invalid instance name '.hidden': it must not start with '.' or '-'" \
	create .hidden --cpus 1 --memory 64M
refuse 2 "cohort: create: invalid instance name '-x': it must not start with '.' or '-'" \
	create --cpus 1 --memory 64M -- -x
refuse 2 "cohort: create: invalid instance name 'abcdefghijklmnopqrstuvwxyz0123456': 33 characters, at most 31 are allowed" \
	create abcdefghijklmnopqrstuvwxyz0123456 --cpus 1 --memory 64M
refuse 2 "cohort: start: invalid instance name 'x\\x0ay': '\\x0a' is not allowed (use letters, digits, '_', '.' and '-')" \
	start $'x\ny'

# Usage.
refuse 2 "cohort: create: unknown option '--bogus'
$try_create" create new --bogus
refuse 2 "cohort: create: unknown option '-z'
$try_create" create new -z
refuse 2 "cohort: create: option '--cpus' needs an argument
$try_create" create new --cpus
refuse 2 "cohort: create: option '-m' needs an argument
$try_create" create new -c 1 -m
refuse 2 "cohort: create: option '--cpus' given more than once
$try_create" create new --cpus 1 --cpus 2 --memory 64M
refuse 2 "cohort: create: unexpected argument 'extra'
$try_create" create new extra --cpus 1 --memory 64M
refuse 2 "cohort: create: --cpus LIST or --cpu-count N is required
$try_create" create new --memory 64M
refuse 2 "cohort: create: --memory SIZE is required
$try_create" create new --cpus 1
refuse 2 "cohort: unknown command 'frobnicate'
Try 'cohort --help' for more information." frobnicate
refuse 2 "cohort: unknown option '--bogus'
Try 'cohort --help' for more information." --bogus list
refuse 2 "cohort: list: unexpected argument 'web'
Try 'cohort list --help' for more information." list web
refuse 2 "cohort: show: missing the instance NAME
Try 'cohort show --help' for more information." show
refuse 2 "cohort: log: unknown option '--tail'
Try 'cohort log --help' for more information." log web --tail
checks=$((checks + 1))
"$bin" >/dev/null 2>&1; [ $? = 2 ] || fail "cohort without a command: not 2"

# CPU lists.
refuse 2 "cohort: create new: the CPU list is empty" \
	create new --cpus "" --memory 64M
refuse 2 "cohort: create new: invalid CPU list '1,,2': expected a CPU number at ',2'" \
	create new --cpus 1,,2 --memory 64M
refuse 2 "cohort: create new: invalid CPU list '1-': expected a CPU number at the end" \
	create new --cpus 1- --memory 64M
refuse 2 "cohort: create new: invalid CPU list 'two': expected a CPU number at 'two'" \
	create new --cpus two --memory 64M
refuse 2 "cohort: create new: invalid CPU list '1 2': unexpected characters at ' 2'" \
	create new --cpus "1 2" --memory 64M
refuse 2 "cohort: create new: invalid CPU list: the range 6-4 is reversed (write 4-6)" \
	create new --cpus 6-4 --memory 64M
refuse 2 "cohort: create new: invalid CPU list '2-6:0': a stride must be at least 1" \
	create new --cpus 2-6:0 --memory 64M
refuse 2 "cohort: create new: invalid CPU list: CPU 3 is named twice" \
	create new --cpus 2-4,3 --memory 64M
refuse 2 "cohort: create new: CPU 1024 is too large (Cohort supports CPUs 0-1023)" \
	create new --cpus 1024 --memory 64M
refuse 2 "cohort: create new: CPU number in '99999999999' is too large (Cohort supports CPUs 0-1023)" \
	create new --cpus 99999999999 --memory 64M
refuse 2 "cohort: create new: CPU 0 always stays with the primary; it cannot be given to an instance" \
	create new --cpus 0-1 --memory 64M
refuse 2 "cohort: create new: CPU 8 is not present (present: 0-7)" \
	create new --cpus 6-8 --memory 64M
refuse 2 "cohort: create new: CPUs 8-9,12 are not present (present: 0-7)" \
	create new --cpus 4,8-9,12 --memory 64M

# Memory and base.
refuse 2 "cohort: create new: the memory size must not be 0" \
	create new --cpus 4 --memory 0
refuse 2 "cohort: create new: the memory size 16 MiB is below the minimum of 32 MiB" \
	create new --cpus 4 --memory 16M
refuse 2 "cohort: create new: the memory size 33 MiB is not a multiple of 2 MiB" \
	create new --cpus 4 --memory 33MiB
refuse 2 "cohort: create new: the memory size 33554433 bytes is not a multiple of 2 MiB" \
	create new --cpus 4 --memory 33554433
refuse 2 "cohort: create new: invalid size '1.5G': fractions are not accepted; use a smaller unit" \
	create new --cpus 4 --memory 1.5G
refuse 2 "cohort: create new: invalid size '64MB': unknown unit 'MB' (use K, M, G, T or KiB, MiB, GiB, TiB; powers of 1024)" \
	create new --cpus 4 --memory 64MB
refuse 2 "cohort: create new: the size is empty" \
	create new --cpus 4 --memory ""
refuse 2 "cohort: create new: size '99999999999999999999' is too large" \
	create new --cpus 4 --memory 99999999999999999999
refuse 2 "cohort: create new: the base address 0x100001000 is not a multiple of 2 MiB" \
	create new --cpus 4 --memory 64M --base 0x100001000
refuse 2 "cohort: create new: the base address must not be 0; leave --base out to let the kernel place the memory" \
	create new --cpus 4 --memory 64M --base 0
refuse 2 "cohort: create new: invalid address '0xZZ': expected hexadecimal 0x... or decimal" \
	create new --cpus 4 --memory 64M --base 0xZZ
refuse 2 "cohort: create new: base 0xffffffffffe00000 + memory size go past the end of the address space" \
	create new --cpus 4 --memory 64M --base 0xffffffffffe00000
refuse 1 "cohort: create web: an instance of that name already exists" \
	create web --cpus 4 --memory 64M

# load.
refuse 2 "cohort: load: missing the instance NAME
$try_load" load --kernel "$T/bzImage"
refuse 2 "cohort: load: --kernel FILE is required
$try_load" load web
refuse 2 "cohort: load web: cannot open kernel '$T/nope': No such file or directory" \
	load web --kernel "$T/nope"
refuse 2 "cohort: load web: kernel '$T/dir' is not a regular file" \
	load web --kernel "$T/dir"
refuse 2 "cohort: load web: kernel '$T/empty' is empty" \
	load web --kernel "$T/empty"
refuse 2 "cohort: load web: kernel '$T/text' is not a bzImage Cohort can start: 13 bytes are too few for a kernel image header" \
	load web --kernel "$T/text"
refuse 2 "cohort: load web: kernel '$T/initrd' is not a bzImage Cohort can start: 9 bytes are too few for a kernel image header" \
	load web --kernel "$T/initrd"
refuse 2 "cohort: load web: kernel '$T/bzImage32' is not a bzImage Cohort can start: XLF_KERNEL_64 is not set in xloadflags (no 64-bit entry point)" \
	load web --kernel "$T/bzImage32"
refuse 2 "cohort: load web: kernel '$T/bzImage-old' is not a bzImage Cohort can start: boot protocol 2.11 is too old, 2.12 or later is needed" \
	load web --kernel "$T/bzImage-old"
if [ -f "$top/build/initramfs.cpio.gz" ]; then
	refuse 2 "cohort: load web: kernel '$top/build/initramfs.cpio.gz' is not a bzImage Cohort can start: no boot sector signature 0xAA55 at offset 0x1fe" \
		load web --kernel "$top/build/initramfs.cpio.gz"
fi
refuse 2 "cohort: load web: cannot open initrd '$T/nope': No such file or directory" \
	load web --kernel "$T/bzImage" --initrd "$T/nope"
refuse 2 "cohort: load web: initrd '$T/empty' is empty" \
	load web --kernel "$T/bzImage" --initrd "$T/empty"
refuse 2 "cohort: load web: initrd '$T/dir' is not a regular file" \
	load web --kernel "$T/bzImage" --initrd "$T/dir"
long=$(head -c 2048 /dev/zero | tr '\0' x)
refuse 2 "cohort: load web: the command line is 2048 bytes long, at most 2047 are allowed" \
	load web --kernel "$T/bzImage" --cmdline "$long"
long=$(head -c 2033 /dev/zero | tr '\0' x)
refuse 2 "cohort: load web: the command line is 2048 bytes long with 'cohort.shell=1' added for --shell, at most 2047 are allowed" \
	load web --kernel "$T/bzImage" --cmdline "$long" --shell
refuse 2 "cohort: load: option '--shell' given more than once
$try_load" load web --kernel "$T/bzImage" --shell --shell
refuse 3 "cohort: load nosuch: no such instance" \
	load nosuch --kernel "$T/bzImage"
refuse 2 "cohort: load: option '--kernel' given more than once
$try_load" load web --kernel "$T/bzImage" --kernel "$T/bzImage"

# start / stop / delete.
refuse 3 "cohort: start nosuch: no such instance" start nosuch
refuse 3 "cohort: stop nosuch: no such instance" stop nosuch
refuse 3 "cohort: delete nosuch: no such instance" delete nosuch
refuse 3 "cohort: show nosuch: no such instance" show nosuch
refuse 3 "cohort: log nosuch: no such instance" log nosuch
refuse 2 "cohort: stop: --force and --timeout cannot be used together
$try_stop" stop web --force --timeout 5
refuse 2 "cohort: stop web: the timeout must be more than 0 seconds" \
	stop web --timeout 0
refuse 2 "cohort: stop web: invalid timeout '5s': expected seconds, such as 10 or 2.5 (at most 3 decimals)" \
	stop web --timeout 5s
refuse 2 "cohort: stop web: timeout '5000000' is too long (at most 4294967 seconds)" \
	stop web -t 5000000
refuse 2 "cohort: start: unexpected argument 'db'
Try 'cohort start --help' for more information." start web db
refuse 2 "cohort: delete: unknown option '--force'
Try 'cohort delete --help' for more information." delete web --force

no_ioctl "refusals"

# ---------------------------------------------------------------- no Cohort
COHORT_SYSFS=$T/none refuse 4 "cohort: Cohort is not available: $T/none does not exist (a kernel without Cohort?)" list
COHORT_SYSFS=$T/none refuse 4 "cohort: Cohort is not available: $T/none does not exist (a kernel without Cohort?)" start web
COHORT_SYSFS=$T/none refuse 4 "cohort: Cohort is not available: $T/none does not exist (a kernel without Cohort?)" pool
COHORT_SYSFS=$T/none expect 4 "cohort 0.1.0" "cohort: Cohort is not available: $T/none does not exist (a kernel without Cohort?)" version
# Validation comes first, even without Cohort.
COHORT_SYSFS=$T/none refuse 2 "cohort: create new: the memory size 16 MiB is below the minimum of 32 MiB" \
	create new --cpus 4 --memory 16M
COHORT_DEV=$T/none refuse 4 "cohort: Cohort is not available: $T/none: No such file or directory" start web
COHORT_DEV=$T/none refuse 4 "cohort: Cohort is not available: $T/none: No such file or directory" \
	create new --cpus 4 --memory 64M
COHORT_DEV=/dev/null refuse 4 "cohort: Cohort is not available: /dev/null is not the Cohort control device" start web
no_ioctl "no Cohort"

mkdir -p "$T/inst"
put "$T/inst/version" 0.1.0
put "$T/inst/role" instance
put "$T/inst/id" 3
COHORT_SYSFS=$T/inst refuse 4 "cohort: this kernel is a Cohort instance; instances are managed from the primary" list
COHORT_SYSFS=$T/inst refuse 4 "cohort: this kernel is a Cohort instance; instances are managed from the primary" start web
COHORT_SYSFS=$T/inst expect 0 "cohort 0.1.0
kernel 0.1.0 (instance, id 3)" "" version

# ---------------------------------------------------------------- requests
# What reaches the kernel when everything is right.
expect 0 "" "" create new --cpus 4,6-7 --memory 64M
ioctl_log "CREATE name=new cpus=4,6,7 mem_size=67108864 mem_base=0x0 flags=0 reserved=0"
expect 0 '{"name":"new","id":7}' "" -j create new -c 1-7:3 -m 1G -b 0x140000000
ioctl_log "CREATE name=new cpus=1,4,7 mem_size=1073741824 mem_base=0x140000000 flags=0 reserved=0"
expect 0 "" "" create new --cpus=4 --memory=33554432 --base=5368709120
ioctl_log "CREATE name=new cpus=4 mem_size=33554432 mem_base=0x140000000 flags=0 reserved=0"
expect 0 "" "" load web --kernel "$T/bzImage"
ioctl_log "LOAD name=web kernel=3584 initrd=-1 cmdline_len=0 flags=0 reserved=0"
expect 0 "" "" load web -k "$T/bzImage" -i "$T/initrd" -a "console=ttyS0 rdinit=/init"
ioctl_log "LOAD name=web kernel=3584 initrd=9 cmdline_len=27 cmdline=[console=ttyS0 rdinit=/init] flags=0 reserved=0"
long=$(head -c 2047 /dev/zero | tr '\0' y)
expect 0 "" "" load web --kernel "$T/bzImage" --cmdline "$long"
ioctl_log "LOAD name=web kernel=3584 initrd=-1 cmdline_len=2048 cmdline=[$long] flags=0 reserved=0"
# --shell: cohort.shell=1 at the end of the command line, or alone.
expect 0 "" "" load web --kernel "$T/bzImage" --shell
ioctl_log "LOAD name=web kernel=3584 initrd=-1 cmdline_len=15 cmdline=[cohort.shell=1] flags=0 reserved=0"
expect 0 "" "" load web --shell -k "$T/bzImage" -a "console=ttyS0 quiet"
ioctl_log "LOAD name=web kernel=3584 initrd=-1 cmdline_len=35 cmdline=[console=ttyS0 quiet cohort.shell=1] flags=0 reserved=0"
expect 0 "" "" load web --kernel "$T/bzImage" --cmdline "" --shell
ioctl_log "LOAD name=web kernel=3584 initrd=-1 cmdline_len=15 cmdline=[cohort.shell=1] flags=0 reserved=0"
long=$(head -c 2032 /dev/zero | tr '\0' y)
expect 0 "" "" load web --kernel "$T/bzImage" --cmdline "$long" --shell
ioctl_log "LOAD name=web kernel=3584 initrd=-1 cmdline_len=2048 cmdline=[$long cohort.shell=1] flags=0 reserved=0"
if [ -f "$top/build/bzImage" ]; then
	expect 0 "" "" load web --kernel "$top/build/bzImage"
	ioctl_log "LOAD name=web kernel=$(stat -c %s "$top/build/bzImage") initrd=-1 cmdline_len=0 flags=0 reserved=0"
fi
expect 0 "" "" start web
ioctl_log "START name=web flags=0 timeout_ms=0 reserved=0"
expect 0 "" "" stop web
ioctl_log "STOP name=web flags=0 timeout_ms=0 reserved=0"
expect 0 "" "" stop web --timeout 2.5
ioctl_log "STOP name=web flags=0 timeout_ms=2500 reserved=0"
expect 0 "" "" stop -f web
ioctl_log "STOP name=web flags=1 timeout_ms=0 reserved=0"
expect 0 "" "" delete db
ioctl_log "DELETE name=db flags=0 timeout_ms=0 reserved=0"
# delete --dry-run: the kernel checks (COHORT_DELETE_DRY_RUN), nothing is
# deleted; what would come back is read from sysfs (db: CPUs 5,7, 512 MiB).
would_delete_db="would delete db: CPUs 5,7 go back to the primary and 512 MiB to the pool; nothing changed"
expect 0 "$would_delete_db" "" delete db --dry-run
ioctl_log "DELETE name=db flags=2 timeout_ms=0 reserved=0"
expect 0 "$would_delete_db" "" delete -n db
ioctl_log "DELETE name=db flags=2 timeout_ms=0 reserved=0"
json_check -j delete db --dry-run -- '
assert d == {"name": "db", "dry_run": True, "cpus": "5,7",
             "mem_size": 536870912}, d
assert list(d) == ["name", "dry_run", "cpus", "mem_size"], d'
ioctl_log "DELETE name=db flags=2 timeout_ms=0 reserved=0"
json_check delete db -n -p -- '
assert d == {"name": "db", "dry_run": True, "cpus": "5,7",
             "mem_size": 536870912}, d'
ioctl_log "DELETE name=db flags=2 timeout_ms=0 reserved=0"
# -j without --dry-run: a delete prints nothing, as before.
expect 0 "" "" -j delete db
ioctl_log "DELETE name=db flags=0 timeout_ms=0 reserved=0"
try_delete="Try 'cohort delete --help' for more information."
refuse 2 "cohort: delete: unknown option '--bogus'
$try_delete" delete db --bogus
refuse 2 "cohort: delete: missing the instance NAME
$try_delete" delete
refuse 2 "cohort: delete: missing the instance NAME
$try_delete" delete --dry-run
refuse 2 "cohort: delete: unexpected argument 'web'
$try_delete" delete db web --dry-run
refuse 2 "cohort: delete: option '--dry-run' given more than once
$try_delete" delete db -n --dry-run
refuse 3 "cohort: delete nosuch: no such instance" delete nosuch --dry-run
no_ioctl "delete usage errors"
checks=$((checks + 1))
"$bin" delete --help | grep -q -- '^  -n, --dry-run ' ||
	fail "delete --help: no --dry-run"

# set: the whole new set from LIST, +LIST or -LIST and the CPUs it has
# (web: 2-3); the result checked before the kernel sees it.
expect 0 "set web: CPUs 2-3 -> 2-4 (added: 4; removed: none)" "" set web --cpus +4
ioctl_log "SET_CPUS name=web cpus=2,3,4 flags=0 timeout_ms=0 reserved=0"
expect 0 "set web: CPUs 2-3 -> 2 (added: none; removed: 3)" "" set web --cpus -3
ioctl_log "SET_CPUS name=web cpus=2 flags=0 timeout_ms=0 reserved=0"
expect 0 "would set web: CPUs 2-3 -> 4-5 (added: 4-5; removed: 2-3)" "" \
	set web --cpus 4-5 --dry-run --timeout 2.5
ioctl_log "SET_CPUS name=web cpus=4,5 flags=1 timeout_ms=2500 reserved=0"
json_check set web --cpus +6 -j -- '
assert d == {"name": "web", "dry_run": False, "cpus_before": "2-3",
             "cpus": "2-3,6", "added": "6", "removed": "none"}, d'
ioctl_log "SET_CPUS name=web cpus=2,3,6 flags=0 timeout_ms=0 reserved=0"
try_set="Try 'cohort set --help' for more information."
refuse 2 "cohort: set web: that leaves it no CPU; an instance keeps at least one" \
	set web --cpus -2-3
no_ioctl "set leaving no CPU"
refuse 2 "cohort: set web: CPU 0 always stays with the primary; it cannot be given to an instance" \
	set web --cpus +0
no_ioctl "set +0"
refuse 2 "cohort: set web: CPU 9 is not present (present: 0-7)" set web --cpus +9
no_ioctl "set a CPU not present"
refuse 2 "cohort: set: --cpus [+|-]LIST or --memory [+|-]SIZE is required
$try_set" set web
refuse 2 "cohort: set web: invalid timeout '1m': expected seconds, such as 10 or 2.5 (at most 3 decimals)" \
	set web --cpus 2 --timeout 1m
refuse 3 "cohort: set nosuch: no such instance" set nosuch --cpus 2
no_ioctl "set bad arguments"
export COHORT_FAKE_ERRNO=16 COHORT_FAKE_MSG="CPU 2 is the boot CPU of instance 'web': it stays while the instance runs"
refuse 1 "cohort: set web: CPU 2 is the boot CPU of instance 'web': it stays while the instance runs" \
	set web --cpus 3
ioctl_log "SET_CPUS name=web cpus=3 flags=0 timeout_ms=0 reserved=0"
unset COHORT_FAKE_ERRNO COHORT_FAKE_MSG

# set --memory: the total it should have, from SIZE, +SIZE or -SIZE and
# what it has (web: 160 MiB from create and two blocks, 416 MiB); the
# result checked before the kernel sees it.
put "$S/instances/web/mem_size" 436207616
printf '0x180000000 0\n0x188000000 -1\n' >"$S/instances/web/mem_blocks"
expect 0 "NAME  ID  STATE    CPUS  MEMORY                             PEER    HEARTBEAT
web    1  running  2-3   416M (0x100000000+160M, 2 blocks)  joined  120ms
db     2  loaded   5,7   0x110000000+512M                   absent  -" "" list
checks=$((checks + 1))
"$bin" show web >"$T/out" 2>"$T/err" || fail "show web with blocks: exit status $?"
[ "$(sed -n '/^max_cpus/,/^cmdline/p' "$T/out")" = "max_cpus       none
spare_cpus     none
mem_base       0x100000000
mem_size       436207616 (416 MiB)
mem_blocks     2 (256 MiB; 160 MiB from create)
  0x180000000 node 0
  0x188000000 node -
cmdline        console=ttyS0 quiet" ] ||
	fail "show web with blocks: $(sed -n '/^max_cpus/,/^cmdline/p' "$T/out")"
json_check show web -j -- '
assert d["mem_size"] == 436207616 and d["mem_base"] == 0x100000000, d
assert d["mem_blocks"] == [{"base": 0x180000000, "node": 0},
                           {"base": 0x188000000, "node": None}], d'
json_check list -j -- '
assert [i["mem_blocks"] for i in d] == [
    [{"base": 0x180000000, "node": 0}, {"base": 0x188000000, "node": None}],
    []], d'
expect 0 "set web: memory 416 MiB -> 672 MiB (added: 256 MiB)" "" \
	set web --memory +256M
ioctl_log "SET_MEMORY name=web mem_size=704643072 flags=0 node=0 timeout_ms=0 reserved=0"
expect 0 "set web: memory 416 MiB -> 288 MiB (removed: 128 MiB)" "" \
	set web --memory -128M
ioctl_log "SET_MEMORY name=web mem_size=301989888 flags=0 node=0 timeout_ms=0 reserved=0"
expect 0 "set web: memory 416 MiB -> 160 MiB (removed: 256 MiB)" "" \
	set web -m 160M
ioctl_log "SET_MEMORY name=web mem_size=167772160 flags=0 node=0 timeout_ms=0 reserved=0"
expect 0 "set web: memory 416 MiB -> 1184 MiB (added: 768 MiB)" "" \
	set web --memory=1184M
ioctl_log "SET_MEMORY name=web mem_size=1241513984 flags=0 node=0 timeout_ms=0 reserved=0"
expect 0 "set web: memory 416 MiB -> 416 MiB (no change)" "" set web --memory +0
ioctl_log "SET_MEMORY name=web mem_size=436207616 flags=0 node=0 timeout_ms=0 reserved=0"
expect 0 "would set web: memory 416 MiB -> 288 MiB (removed: 128 MiB)" "" \
	set web --memory 288M --dry-run --timeout 2.5
ioctl_log "SET_MEMORY name=web mem_size=301989888 flags=1 node=0 timeout_ms=2500 reserved=0"
expect 0 "set web: memory 416 MiB -> 544 MiB (added: 128 MiB)" "" \
	set web --memory +128M --node 1
ioctl_log "SET_MEMORY name=web mem_size=570425344 flags=2 node=1 timeout_ms=0 reserved=0"
json_check set web --memory +128M -j -- '
assert d == {"name": "web", "dry_run": False, "mem_size_before": 436207616,
             "mem_size": 570425344, "added": 134217728, "removed": 0}, d'
ioctl_log "SET_MEMORY name=web mem_size=570425344 flags=0 node=0 timeout_ms=0 reserved=0"
json_check set web --memory -256M --dry-run -j -- '
assert d == {"name": "web", "dry_run": True, "mem_size_before": 436207616,
             "mem_size": 167772160, "added": 0, "removed": 268435456}, d'
ioctl_log "SET_MEMORY name=web mem_size=167772160 flags=1 node=0 timeout_ms=0 reserved=0"
# The most blocks: 128 beyond its 160 MiB, no more.
expect 0 "set web: memory 416 MiB -> 16544 MiB (added: 16128 MiB)" "" \
	set web --memory +16128M
ioctl_log "SET_MEMORY name=web mem_size=17347641344 flags=0 node=0 timeout_ms=0 reserved=0"
refuse 2 "cohort: set web: 17 GiB is more than its 160 MiB from create and 128 blocks of 128 MiB: at most 16544 MiB" \
	set web --memory 17G
refuse 2 "cohort: set web: 16608 MiB is not its 160 MiB from create and whole blocks of 128 MiB; the nearest size is 16544 MiB" \
	set web --memory 16608M
refuse 2 "cohort: set web: 32 MiB is less than the 160 MiB it was created with, which stays with it" \
	set web --memory 32M
refuse 2 "cohort: set web: 32 MiB (416 MiB - 384 MiB) is less than the 160 MiB it was created with, which stays with it" \
	set web --memory -384M
refuse 2 "cohort: set web: 1 GiB is not its 160 MiB from create and whole blocks of 128 MiB; the nearest sizes are 928 MiB and 1056 MiB" \
	set web --memory 1G
refuse 2 "cohort: set web: 516 MiB (416 MiB + 100 MiB) is not its 160 MiB from create and whole blocks of 128 MiB; the nearest sizes are 416 MiB and 544 MiB" \
	set web --memory +100M
refuse 2 "cohort: set web: it has 416 MiB; it cannot give back 1 GiB" \
	set web --memory -1G
refuse 2 "cohort: set web: --memory: invalid size 'lots': expected a number of bytes, optionally followed by K, M, G or T" \
	set web --memory lots
refuse 2 "cohort: set web: --memory: invalid size '1.5G': fractions are not accepted; use a smaller unit" \
	set web --memory +1.5G
refuse 2 "cohort: set web: --memory: the size is empty" set web --memory -
refuse 2 "cohort: set web: --memory: size '99999999999T' is too large" \
	set web --memory +99999999999T
refuse 2 "cohort: set web: 18446744073709551615 bytes more is too large" \
	set web --memory +18446744073709551615
refuse 3 "cohort: set nosuch: no such instance" set nosuch --memory +128M
refuse 2 "cohort: set: option '--memory' needs an argument
$try_set" set web --memory
refuse 2 "cohort: set: option '--memory' given more than once
$try_set" set web -m 1G --memory 2G
refuse 2 "cohort: set: --node goes with --memory [+|-]SIZE
$try_set" set web --cpus +4 --node 1
refuse 2 "cohort: set: --force goes with --cpus [+|-]LIST
$try_set" set web --memory +128M --force
refuse 2 "cohort: set web: --node: invalid NUMA node 'x': expected a whole number from 0 to 1023" \
	set web --memory +128M --node x
no_ioctl "set --memory refusals"
# A kernel that cannot change memory (no mem_blocks), one that shows
# garbage: nothing asked.
mv "$S/instances/web/mem_blocks" "$T/mem_blocks"
refuse 1 "cohort: set web: this kernel cannot change an instance's memory ($S/instances/web/mem_blocks does not exist)" \
	set web --memory +128M
put "$S/instances/web/mem_blocks" "0x180000000 zero"
refuse 1 "cohort: set web: cannot read its memory blocks: not \"0xBASE NODE\" lines" \
	set web --memory +128M
put "$S/instances/web/mem_blocks" "0x180000001 0"
refuse 1 "cohort: set web: cannot read its memory blocks: not \"0xBASE NODE\" lines" \
	set web --memory +128M
mv "$T/mem_blocks" "$S/instances/web/mem_blocks"
no_ioctl "set --memory without mem_blocks"
# The kernel's refusals; a shrink the instance could make only in part
# says how much it could have given back.
export COHORT_FAKE_ERRNO=16 COHORT_FAKE_MSG="web could empty 1 of the 2 blocks asked; they were added again"
export COHORT_FAKE_FREEABLE=134217728
refuse 1 "cohort: set web: web could empty 1 of the 2 blocks asked; they were added again
cohort: set web: 'cohort set web --memory -128M' takes the 128 MiB it can give back" \
	set web --memory 160M
ioctl_log "SET_MEMORY name=web mem_size=167772160 flags=0 node=0 timeout_ms=0 reserved=0"
export COHORT_FAKE_FREEABLE=0
refuse 1 "cohort: set web: web could empty 1 of the 2 blocks asked; they were added again" \
	set web --memory 160M
ioctl_log "SET_MEMORY name=web mem_size=167772160 flags=0 node=0 timeout_ms=0 reserved=0"
unset COHORT_FAKE_FREEABLE
export COHORT_FAKE_ERRNO=28 COHORT_FAKE_MSG="the pool has no 128 MiB block free on node 1"
refuse 1 "cohort: set web: the pool has no 128 MiB block free on node 1" \
	set web --memory +128M --node 1
ioctl_log "SET_MEMORY name=web mem_size=570425344 flags=2 node=1 timeout_ms=0 reserved=0"
unset COHORT_FAKE_ERRNO COHORT_FAKE_MSG

# --cpus and --memory together: both checked first, the CPUs changed
# first; when the memory cannot be changed, the CPUs are put back.
expect 0 "set web: CPUs 2-3 -> 2-4 (added: 4; removed: none)
set web: memory 416 MiB -> 544 MiB (added: 128 MiB)" "" \
	set web --cpus +4 --memory +128M
ioctl_log "SET_CPUS name=web cpus=2,3,4 flags=0 timeout_ms=0 reserved=0" \
	"SET_MEMORY name=web mem_size=570425344 flags=0 node=0 timeout_ms=0 reserved=0"
expect 0 "would set web: CPUs 2-3 -> 2 (added: none; removed: 3)
would set web: memory 416 MiB -> 288 MiB (removed: 128 MiB)" "" \
	set web --memory 288M --cpus -3 --dry-run -t 1
ioctl_log "SET_CPUS name=web cpus=2 flags=1 timeout_ms=1000 reserved=0" \
	"SET_MEMORY name=web mem_size=301989888 flags=1 node=0 timeout_ms=1000 reserved=0"
json_check set web --cpus +4 --memory +128M -j -- '
assert d == {"name": "web", "dry_run": False,
             "cpus": {"cpus_before": "2-3", "cpus": "2-4", "added": "4",
                      "removed": "none"},
             "memory": {"mem_size_before": 436207616, "mem_size": 570425344,
                        "added": 134217728, "removed": 0}}, d'
ioctl_log "SET_CPUS name=web cpus=2,3,4 flags=0 timeout_ms=0 reserved=0" \
	"SET_MEMORY name=web mem_size=570425344 flags=0 node=0 timeout_ms=0 reserved=0"
refuse 2 "cohort: set web: 1 GiB is not its 160 MiB from create and whole blocks of 128 MiB; the nearest sizes are 928 MiB and 1056 MiB" \
	set web --cpus +4 --memory 1G
refuse 2 "cohort: set web: CPU 9 is not present (present: 0-7)" \
	set web --cpus +9 --memory +128M
no_ioctl "set --cpus --memory refused before the kernel"
export COHORT_FAKE_ONLY=SET_MEMORY COHORT_FAKE_ERRNO=28
export COHORT_FAKE_MSG="the pool has no 128 MiB block free"
refuse 1 "cohort: set web: the pool has no 128 MiB block free
cohort: set web: its CPUs were put back to 2-3" \
	set web --cpus +4 --memory +128M --timeout 5
ioctl_log "SET_CPUS name=web cpus=2,3,4 flags=0 timeout_ms=5000 reserved=0" \
	"SET_MEMORY name=web mem_size=570425344 flags=0 node=0 timeout_ms=5000 reserved=0" \
	"SET_CPUS name=web cpus=2,3 flags=0 timeout_ms=5000 reserved=0"
export COHORT_FAKE_ERRNO=16 COHORT_FAKE_FREEABLE=134217728
export COHORT_FAKE_MSG="web could empty 1 of the 2 blocks asked; they were added again"
refuse 1 "cohort: set web: web could empty 1 of the 2 blocks asked; they were added again
cohort: set web: 'cohort set web --memory -128M' takes the 128 MiB it can give back
cohort: set web: its CPUs were put back to 2-3" \
	set web --cpus -3 --memory -256M
ioctl_log "SET_CPUS name=web cpus=2 flags=0 timeout_ms=0 reserved=0" \
	"SET_MEMORY name=web mem_size=167772160 flags=0 node=0 timeout_ms=0 reserved=0" \
	"SET_CPUS name=web cpus=2,3 flags=0 timeout_ms=0 reserved=0"
unset COHORT_FAKE_FREEABLE
# The CPUs refused: the memory is not asked for, but a dry run checks it.
export COHORT_FAKE_ONLY=SET_CPUS COHORT_FAKE_ERRNO=16
export COHORT_FAKE_MSG="CPU 2 is the boot CPU of instance 'web': it stays while the instance runs"
refuse 1 "cohort: set web: CPU 2 is the boot CPU of instance 'web': it stays while the instance runs" \
	set web --cpus 3 --memory +128M
ioctl_log "SET_CPUS name=web cpus=3 flags=0 timeout_ms=0 reserved=0"
refuse 1 "cohort: set web: CPU 2 is the boot CPU of instance 'web': it stays while the instance runs" \
	set web --cpus 3 --memory +128M --dry-run
ioctl_log "SET_CPUS name=web cpus=3 flags=1 timeout_ms=0 reserved=0" \
	"SET_MEMORY name=web mem_size=570425344 flags=1 node=0 timeout_ms=0 reserved=0"
unset COHORT_FAKE_ONLY COHORT_FAKE_ERRNO COHORT_FAKE_MSG
put "$S/instances/web/mem_size" 268435456
: >"$S/instances/web/mem_blocks"

# pool release: the kernel says what the primary gets and what stays.
try_pool="Try 'cohort pool --help' for more information."
try_pool_rel="Try 'cohort pool release --help' for more information."
expect 0 "would give 1006M of the pool back to the primary; 18M stay for messaging between kernels; nothing changed" "" \
	pool release --dry-run
ioctl_log "POOL_RELEASE flags=1 reserved=0"
expect 0 "gave 1006M of the pool back to the primary; 18M stay for messaging between kernels" "" \
	pool release
ioctl_log "POOL_RELEASE flags=0 reserved=0"
json_check pool release -j -- '
assert d == {"released": 1054867456, "kept": 18874368, "dry_run": False}, d'
ioctl_log "POOL_RELEASE flags=0 reserved=0"
json_check -p pool release -n -- '
assert d == {"released": 1054867456, "kept": 18874368, "dry_run": True}, d'
ioctl_log "POOL_RELEASE flags=1 reserved=0"
COHORT_FAKE_RELEASED=1073741824 COHORT_FAKE_KEPT=0 \
	expect 0 "gave 1G of the pool back to the primary" "" pool release
ioctl_log "POOL_RELEASE flags=0 reserved=0"
checks=$((checks + 1))
"$bin" help pool | grep -qx 'Usage: cohort pool \[-j\] | release \[--dry-run\] \[-j\]' ||
	fail "help pool: no release"
"$bin" pool release --help | grep -q -- '^  -n, --dry-run ' ||
	fail "pool release --help: no --dry-run"
refuse 2 "cohort: pool release: unexpected argument 'extra-arg'
$try_pool_rel" pool release extra-arg
refuse 2 "cohort: pool release: unknown option '--force'
$try_pool_rel" pool release --force
refuse 2 "cohort: pool release: option '--dry-run' given more than once
$try_pool_rel" pool release --dry-run -n
refuse 2 "cohort: pool: unknown subcommand 'bogus' (release)
$try_pool" pool bogus
refuse 2 "cohort: pool: unexpected argument 'release'
$try_pool" pool -j release
no_ioctl "pool release usage errors"
COHORT_SYSFS=$T/none refuse 4 "cohort: Cohort is not available: $T/none does not exist (a kernel without Cohort?)" \
	pool release
COHORT_DEV=$T/none refuse 4 "cohort: Cohort is not available: $T/none: No such file or directory" \
	pool release --dry-run
COHORT_DEV=/dev/null refuse 4 "cohort: Cohort is not available: /dev/null is not the Cohort control device" \
	pool release
no_ioctl "pool release without Cohort"
# Refused: the kernel's msg, or strerror when there is none.
export COHORT_FAKE_ERRNO=16 COHORT_FAKE_MSG="instance 'web' holds 256 MiB of the pool: the pool is given back only when nothing uses it"
refuse 1 "cohort: pool release: instance 'web' holds 256 MiB of the pool: the pool is given back only when nothing uses it" \
	pool release
ioctl_log "POOL_RELEASE flags=0 reserved=0"
refuse 1 "cohort: pool release: instance 'web' holds 256 MiB of the pool: the pool is given back only when nothing uses it" \
	pool release --dry-run -j
ioctl_log "POOL_RELEASE flags=1 reserved=0"
export COHORT_FAKE_ERRNO=19 COHORT_FAKE_MSG=""
refuse 1 "cohort: pool release: No such device" pool release
ioctl_log "POOL_RELEASE flags=0 reserved=0"
unset COHORT_FAKE_ERRNO COHORT_FAKE_MSG

# The kernel's refusals: its msg, or strerror when there is none.
export COHORT_FAKE_ERRNO=16 COHORT_FAKE_MSG="CPU 4 is already given to instance 'web'"
refuse 1 "cohort: create new: CPU 4 is already given to instance 'web'" \
	create new --cpus 4 --memory 64M
ioctl_log "CREATE name=new cpus=4 mem_size=67108864 mem_base=0x0 flags=0 reserved=0"
export COHORT_FAKE_ERRNO=28 COHORT_FAKE_MSG=""
refuse 1 "cohort: create new: No space left on device" \
	create new --cpus 4 --memory 64M
rm -f "$LOG"
export COHORT_FAKE_ERRNO=2 COHORT_FAKE_MSG="no instance 'web'"
refuse 3 "cohort: start web: no instance 'web'" start web
rm -f "$LOG"
export COHORT_FAKE_ERRNO=2 COHORT_FAKE_MSG=""
refuse 3 "cohort: delete web: No such file or directory" delete web
rm -f "$LOG"
export COHORT_FAKE_ERRNO=16 COHORT_FAKE_MSG="'web' is running; stop it first"
refuse 1 "cohort: delete web: 'web' is running; stop it first" delete web
rm -f "$LOG"
# The same refusal for a dry run: the kernel made the same checks.
refuse 1 "cohort: delete web: 'web' is running; stop it first" delete web --dry-run
ioctl_log "DELETE name=web flags=2 timeout_ms=0 reserved=0"
COHORT_FAKE_ERRNO=2 COHORT_FAKE_MSG="" \
	refuse 3 "cohort: delete web: No such file or directory" -j delete web -n
ioctl_log "DELETE name=web flags=2 timeout_ms=0 reserved=0"
export COHORT_FAKE_ERRNO=110 COHORT_FAKE_MSG="'web' did not stop within 10 s; its CPUs were taken back"
refuse 1 "cohort: stop web: 'web' did not stop within 10 s; its CPUs were taken back" stop web
rm -f "$LOG"
export COHORT_FAKE_ERRNO=8 COHORT_FAKE_MSG="the kernel has no 64-bit entry point"
refuse 1 "cohort: load web: the kernel has no 64-bit entry point" \
	load web --kernel "$T/bzImage"
rm -f "$LOG"
export COHORT_FAKE_ERRNO=107 COHORT_FAKE_MSG=""
refuse 1 "cohort: start web: Transport endpoint is not connected" start web
rm -f "$LOG"
# A message that fills the whole field is still cut at its end.
COHORT_FAKE_MSG=$(head -c 300 /dev/zero | tr '\0' m)
export COHORT_FAKE_ERRNO=22 COHORT_FAKE_MSG
refuse 1 "cohort: start web: $(head -c 159 /dev/zero | tr '\0' m)" start web
rm -f "$LOG"
unset COHORT_FAKE_ERRNO COHORT_FAKE_MSG

# ---------------------------------------------------------------- regions
# Two regions: scratch granted to nobody, data to web and mapped by 0-1.
# The fake kernel answers COHORT_IOC_REGION_GRANT from this tree, as the
# kernel does: the grants file gains or loses the instance.
put "$S/regions/scratch/base" 0x138000000
put "$S/regions/scratch/size" 33554432
put "$S/regions/scratch/users" ""
put "$S/regions/scratch/grants" ""
put "$S/regions/data/base" 0x13c000000
put "$S/regions/data/size" 67108864
put "$S/regions/data/users" 0-1
put "$S/regions/data/grants" web
try_grant="Try 'cohort region grant --help' for more information."
try_revoke="Try 'cohort region revoke --help' for more information."
valid_chars="(use letters, digits, '_', '.' and '-')"

# gone PATH...: none of these exist.
gone() {
	local p
	checks=$((checks + 1))
	for p in "$@"; do
		[ -e "$p" ] && fail "$p is still there"
	done
}
# grants_are REGION CONTENT: the fake kernel's grants file.
grants_are() {
	checks=$((checks + 1))
	[ "$(cat "$S/regions/$1/grants")" = "$2" ] ||
		fail "regions/$1/grants is '$(cat "$S/regions/$1/grants")', want '$2'"
}

expect 0 "NAME                 BASE               SIZE  USERS  GRANTS
scratch              0x138000000         32M  -      -
data                 0x13c000000         64M  0-1    web" "" region list
json_check region -j -- '
assert d == [{"name": "scratch", "base": 0x138000000, "size": 33554432,
              "users": [], "grants": []},
             {"name": "data", "base": 0x13c000000, "size": 67108864,
              "users": [0, 1], "grants": ["web"]}], d'
no_ioctl "region list"

# grant and revoke: what reaches the kernel, and what list shows after.
expect 0 "" "" region grant scratch db
ioctl_log "GRANT region=scratch instance=db flags=0 reserved=0"
expect 0 "" "" region grant scratch web
ioctl_log "GRANT region=scratch instance=web flags=0 reserved=0"
grants_are scratch db,web
expect 0 "NAME                 BASE               SIZE  USERS  GRANTS
scratch              0x138000000         32M  -      db,web
data                 0x13c000000         64M  0-1    web" "" region
json_check -j region list -- '
assert [r["grants"] for r in d] == [["db", "web"], ["web"]], d'
expect 0 "" "" region revoke scratch db
ioctl_log "GRANT region=scratch instance=db flags=1 reserved=0"
grants_are scratch web
json_check region list -p -- '
assert [r["grants"] for r in d] == [["web"], ["web"]], d'
expect 0 "" "" region revoke scratch web
ioctl_log "GRANT region=scratch instance=web flags=1 reserved=0"
grants_are scratch ""
expect 0 "" "" region grant --read-only scratch db
ioctl_log "GRANT region=scratch instance=db flags=2 reserved=0"
expect 0 "" "" region revoke scratch db
ioctl_log "GRANT region=scratch instance=db flags=1 reserved=0"
grants_are scratch ""
expect 0 "NAME                 BASE               SIZE  USERS  GRANTS
scratch              0x138000000         32M  -      -
data                 0x13c000000         64M  0-1    web" "" region list

# The kernel's refusals: its msg, exit 1, or 3 for ENOENT; nothing changed.
refuse 1 "cohort: region grant data web: region 'data' is already granted to instance 'web'" \
	region grant data web
ioctl_log "GRANT region=data instance=web flags=0 reserved=0"
refuse 3 "cohort: region revoke data db: region 'data' is not granted to instance 'db'" \
	region revoke data db
ioctl_log "GRANT region=data instance=db flags=1 reserved=0"
refuse 3 "cohort: region grant nope web: no region named 'nope'" \
	region grant nope web
rm -f "$LOG"
refuse 3 "cohort: region grant data nosuch: no instance named 'nosuch'" \
	region grant data nosuch
rm -f "$LOG"
export COHORT_FAKE_ERRNO=16 COHORT_FAKE_MSG="instance 'web' maps region 'data'; unmount it there or stop the instance first"
refuse 1 "cohort: region revoke data web: $COHORT_FAKE_MSG" region revoke data web
ioctl_log "GRANT region=data instance=web flags=1 reserved=0"
export COHORT_FAKE_ERRNO=28 COHORT_FAKE_MSG="instance 'db' has 32 regions granted already (the most)"
refuse 1 "cohort: region grant data db: $COHORT_FAKE_MSG" region grant data db
rm -f "$LOG"
export COHORT_FAKE_ERRNO=28 COHORT_FAKE_MSG=""
refuse 1 "cohort: region grant data db: No space left on device" \
	region grant data db
rm -f "$LOG"
unset COHORT_FAKE_ERRNO COHORT_FAKE_MSG
grants_are data web

# Usage errors and bad names: exit 2, nothing asked of the kernel.
refuse 2 "cohort: region grant: missing the region NAME
$try_grant" region grant
refuse 2 "cohort: region grant: missing the instance NAME
$try_grant" region grant data
refuse 2 "cohort: region revoke: missing the instance NAME
$try_revoke" region revoke a/b
refuse 2 "cohort: region grant: unexpected argument 'extra'
$try_grant" region grant data web extra
refuse 2 "cohort: region revoke: unexpected argument 'db'
$try_revoke" region revoke data web db
refuse 2 "cohort: region grant: unknown option '--force'
$try_grant" region grant data web --force
refuse 2 "cohort: region grant: invalid region name 'a/b': '/' is not allowed $valid_chars" \
	region grant a/b web
refuse 2 "cohort: region grant: invalid instance name '.x': it must not start with '.' or '-'" \
	region grant data .x
refuse 2 "cohort: region revoke: the region name is empty" region revoke "" web
refuse 2 "cohort: region revoke: the instance name is empty" region revoke data ""
refuse 2 "cohort: region revoke: invalid instance name 'abcdefghijklmnopqrstuvwxyz0123456': 33 characters, at most 31 are allowed" \
	region revoke data abcdefghijklmnopqrstuvwxyz0123456
refuse 2 "cohort: region delete: invalid region name 'a b': ' ' is not allowed $valid_chars" \
	region delete "a b"
refuse 2 "cohort: region create: invalid region name '-x': it must not start with '.' or '-'" \
	region create --size 64M -- -x
refuse 2 "cohort: region: unknown subcommand 'give' (list, create, delete, grant, revoke)
Try 'cohort region --help' for more information." region give data web
# Validation comes first, even without the device.
COHORT_DEV=$T/none refuse 2 "cohort: region grant: invalid region name 'a/b': '/' is not allowed $valid_chars" \
	region grant a/b web
checks=$((checks + 1))
"$bin" region grant --help >"$T/out" 2>&1 || fail "region grant --help: exit status $?"
grep -q '^  revoke NAME INSTANCE$' "$T/out" || fail "region grant --help: no revoke"
no_ioctl "region usage errors"
grants_are data web
grants_are scratch ""
COHORT_DEV=$T/none refuse 4 "cohort: Cohort is not available: $T/none: No such file or directory" \
	region grant data web
COHORT_DEV=/dev/null refuse 4 "cohort: Cohort is not available: /dev/null is not the Cohort control device" \
	region revoke data web
no_ioctl "region grant without the device"

# region create: what reaches the kernel.  --dry-run (COHORT_REGION_DRY_RUN)
# says where the region would go, and takes nothing; the fake places it as
# the kernel does: from the top of the pool down, here below data and
# above scratch.
would_create_r="would create region r: 32 MiB at 0x13a000000; nothing changed"
expect 0 "$would_create_r" "" region create r --size 32M --dry-run
ioctl_log "REGION_CREATE name=r size=33554432 base=0x0 flags=1 reserved=0"
expect 0 "$would_create_r" "" region create -n r -s 33554432
ioctl_log "REGION_CREATE name=r size=33554432 base=0x0 flags=1 reserved=0"
json_check -j region create r --size 32M --dry-run -- '
assert d == {"name": "r", "base": 0x13a000000, "size": 33554432,
             "dry_run": True}, d'
ioctl_log "REGION_CREATE name=r size=33554432 base=0x0 flags=1 reserved=0"
expect 0 "" "" region create r --size 32M
ioctl_log "REGION_CREATE name=r size=33554432 base=0x0 flags=0 reserved=0"
json_check region create r --size 32M -j -- '
assert d == {"name": "r", "base": 0x13a000000, "size": 33554432,
             "dry_run": False}, d
assert list(d) == ["name", "base", "size", "dry_run"], d'
ioctl_log "REGION_CREATE name=r size=33554432 base=0x0 flags=0 reserved=0"
# A fake kernel that keeps its regions in the tree: the dry run leaves it
# as it was, the create adds the region, the delete takes it away.
COHORT_FAKE_INSTANCES=1 expect 0 "$would_create_r" "" \
	region create r --size 32M --dry-run
gone "$S/regions/r"
COHORT_FAKE_INSTANCES=1 expect 0 "" "" region create r --size 32M
json_check region -j -- '
assert [(r["name"], r["base"], r["size"]) for r in d] == [
	("scratch", 0x138000000, 33554432), ("r", 0x13a000000, 33554432),
	("data", 0x13c000000, 67108864)], d'
# Now r is there: the next one would go below scratch.
COHORT_FAKE_INSTANCES=1 expect 0 \
	"would create region s: 64 MiB at 0x134000000; nothing changed" "" \
	region create s --size 64M --dry-run
gone "$S/regions/s"
COHORT_FAKE_INSTANCES=1 expect 0 "" "" region delete r
ioctl_log "REGION_CREATE name=r size=33554432 base=0x0 flags=1 reserved=0" \
	"REGION_CREATE name=r size=33554432 base=0x0 flags=0 reserved=0" \
	"REGION_CREATE name=s size=67108864 base=0x0 flags=1 reserved=0" \
	"REGION_DELETE name=r size=0 base=0x0 flags=0 reserved=0"
gone "$S/regions/r"
# The kernel's refusals, for a dry run as for a create.
refuse 1 "cohort: region create data: a region named 'data' exists already" \
	region create data --size 32M --dry-run
ioctl_log "REGION_CREATE name=data size=33554432 base=0x0 flags=1 reserved=0"
export COHORT_FAKE_ERRNO=28 COHORT_FAKE_MSG="no free range of 1024 MiB in the pool (160 MiB free)"
refuse 1 "cohort: region create big: $COHORT_FAKE_MSG" \
	region create big --size 1G --dry-run
ioctl_log "REGION_CREATE name=big size=1073741824 base=0x0 flags=1 reserved=0"
unset COHORT_FAKE_ERRNO COHORT_FAKE_MSG
try_rcreate="Try 'cohort region create --help' for more information."
refuse 2 "cohort: region create: option '--dry-run' given more than once
$try_rcreate" region create r --size 32M -n --dry-run
refuse 2 "cohort: region create: --size SIZE is required
$try_rcreate" region create r --dry-run
refuse 2 "cohort: region create r: the size 1 MiB is not a non-zero multiple of 2 MiB" \
	region create r --size 1M --dry-run
no_ioctl "region create usage errors"

# A kernel without grants files: shown as -, null in JSON, not an error.
cp -a "$S" "$T/nogrants"
rm "$T/nogrants/regions/scratch/grants" "$T/nogrants/regions/data/grants"
COHORT_SYSFS=$T/nogrants expect 0 "NAME                 BASE               SIZE  USERS  GRANTS
scratch              0x138000000         32M  -      -
data                 0x13c000000         64M  0-1    -" "" region
COHORT_SYSFS=$T/nogrants json_check region -j -- '
assert [r["grants"] for r in d] == [None, None], d'
# A grants file that cannot be read is an error.
mkdir "$T/nogrants/regions/data/grants"
COHORT_SYSFS=$T/nogrants refuse 1 "cohort: cannot read $T/nogrants/regions/data/grants: Is a directory" region

# ---------------------------------------------------------------- network links
# The fake kernel answers COHORT_IOC_NET from the tree as the kernel
# does: instances/NAME/net names the primary's end, the region net:NAME
# holds the link, the interface shows under $NETS (COHORT_NET_SYSFS).
try_net="Try 'cohort net --help' for more information."
try_net_add="Try 'cohort net add --help' for more information."
try_net_del="Try 'cohort net del --help' for more information."
try_net_list="Try 'cohort net list --help' for more information."
net_head="INSTANCE  INTERFACE  QUEUES  CARRIER  MTU  MAC"

# net_is INSTANCE CONTENT: the fake kernel's instances/INSTANCE/net.
net_is() {
	checks=$((checks + 1))
	[ "$(cat "$S/instances/$1/net")" = "$2" ] ||
		fail "instances/$1/net is '$(cat "$S/instances/$1/net")', want '$2'"
}

# No link yet: the header alone, an empty array.
expect 0 "$net_head" "" net
expect 0 "$net_head" "" net list
expect 0 "[]" "" net list -j
expect 0 "[]" "" -j net
no_ioctl "net list"

# add: what reaches the kernel and what it answers; 0 queues asks for
# one per CPU (db has two).
expect 0 "db: eth0 <-> coh-db (2 queues)" "" net add db
ioctl_log "NET instance=db flags=0 queues=0 reserved=0"
net_is db coh-db
expect 0 "web: eth0 <-> coh-web (1 queue)" "" net add web --queues 1
ioctl_log "NET instance=web flags=0 queues=1 reserved=0"
net_is web coh-web

# list: one line per link, by instance id; carrier up while it runs.
expect 0 "INSTANCE  INTERFACE  QUEUES  CARRIER   MTU  MAC
web       coh-web         1  up       1500  02:c0:48:00:00:01
db        coh-db          2  down     1500  02:c0:48:00:00:02" "" net
json_check net list -j -- '
assert d == [{"instance": "web", "interface": "coh-web", "queues": 1,
              "carrier": True, "mtu": 1500, "mac": "02:c0:48:00:00:01"},
             {"instance": "db", "interface": "coh-db", "queues": 2,
              "carrier": False, "mtu": 1500, "mac": "02:c0:48:00:00:02"}], d'
json_check -p net -- 'assert [l["interface"] for l in d] == ["coh-web", "coh-db"], d'
# show and list -j name the primary's end.
checks=$((checks + 1))
"$bin" show web >"$T/out" 2>"$T/err" || fail "show web with a link: exit status $?"
grep -qx 'net            coh-web' "$T/out" ||
	fail "show web with a link: $(grep ^net "$T/out")"
json_check show db -j -- 'assert d["net"] == "coh-db", d'
json_check list -j -- 'assert [i["net"] for i in d] == ["coh-web", "coh-db"], d'
# The links' memory: the regions net:NAME, granted to their instance,
# which no one deletes or grants by hand.
expect 0 "NAME                 BASE               SIZE  USERS  GRANTS
net:web              0x121000000          4M  -      web
net:db               0x122000000          6M  -      db
scratch              0x138000000         32M  -      -
data                 0x13c000000         64M  0-1    web" "" region
refuse 2 "cohort: region delete: invalid region name 'net:web': ':' is not allowed $valid_chars" \
	region delete net:web
refuse 2 "cohort: region grant: invalid region name 'net:db': ':' is not allowed $valid_chars" \
	region grant net:db web
no_ioctl "net list, show, region"

# What cannot be read of an interface is -, null in JSON: carrier (the
# kernel refuses to read it while the interface is down), MTU, address,
# queues; an interface that is not there at all.
rm "$NETS/coh-db/carrier" "$NETS/coh-db/address"
put "$NETS/coh-db/mtu" "big"
mv "$NETS/coh-db/queues" "$T/db-queues"
expect 0 "INSTANCE  INTERFACE  QUEUES  CARRIER   MTU  MAC
web       coh-web         1  up       1500  02:c0:48:00:00:01
db        coh-db          -  -           -  -" "" net list
json_check net -j -- '
assert d[1] == {"instance": "db", "interface": "coh-db", "queues": None,
                "carrier": None, "mtu": None, "mac": None}, d'
mv "$T/db-queues" "$NETS/coh-db/queues"
put "$NETS/coh-db/carrier" 0
put "$NETS/coh-db/mtu" 9000
put "$NETS/coh-db/address" "02:c0:48:00:00:02"
# COHORT_NET_SYSFS is where the interfaces are looked up.
COHORT_NET_SYSFS=$T/none expect 0 "INSTANCE  INTERFACE  QUEUES  CARRIER  MTU  MAC
web       coh-web         -  -          -  -
db        coh-db          -  -          -  -" "" net
expect 0 "INSTANCE  INTERFACE  QUEUES  CARRIER   MTU  MAC
web       coh-web         1  up       1500  02:c0:48:00:00:01
db        coh-db          2  down     9000  02:c0:48:00:00:02" "" net list
# A net file that cannot be read is an error.
cp -a "$S" "$T/badnet"
rm "$T/badnet/instances/db/net"
mkdir "$T/badnet/instances/db/net"
COHORT_SYSFS=$T/badnet refuse 1 "cohort: cannot read $T/badnet/instances/db/net: Is a directory" net
no_ioctl "net list of odd interfaces"

# The kernel's refusals: its sentence; exit 3 for no such instance or
# no link, 1 otherwise; nothing changed.
refuse 1 "cohort: net add web: instance 'web' has a network link already" \
	net add web
ioctl_log "NET instance=web flags=0 queues=0 reserved=0"
refuse 3 "cohort: net add nosuch: no instance named 'nosuch'" net add nosuch
ioctl_log "NET instance=nosuch flags=0 queues=0 reserved=0"
refuse 1 "cohort: net del web: instance 'web' may be running: stop it before removing its link" \
	net del web
ioctl_log "NET instance=web flags=1 queues=0 reserved=0"
net_is web coh-web
refuse 3 "cohort: net del nosuch: no instance named 'nosuch'" net del nosuch
ioctl_log "NET instance=nosuch flags=1 queues=0 reserved=0"
export COHORT_FAKE_ERRNO=95 COHORT_FAKE_MSG="this kernel was built without CONFIG_COHORT_NET"
refuse 1 "cohort: net add db: $COHORT_FAKE_MSG" net add db
ioctl_log "NET instance=db flags=0 queues=0 reserved=0"
export COHORT_FAKE_ERRNO=28 COHORT_FAKE_MSG=""
refuse 1 "cohort: net del db: No space left on device" net del db
rm -f "$LOG"
unset COHORT_FAKE_ERRNO COHORT_FAKE_MSG
net_is db coh-db

# del: only while the instance's CPUs are the primary's; everything the
# link had goes with it.
expect 0 "" "" net del db
ioctl_log "NET instance=db flags=1 queues=0 reserved=0"
net_is db ""
gone "$NETS/coh-db" "$S/regions/net:db"
refuse 3 "cohort: net del db: instance 'db' has no network link" net del db
ioctl_log "NET instance=db flags=1 queues=0 reserved=0"
put "$S/instances/web/state" stopped
expect 0 "" "" net del web
ioctl_log "NET instance=web flags=1 queues=0 reserved=0"
put "$S/instances/web/state" running
gone "$NETS/coh-web" "$S/regions/net:web"
expect 0 "$net_head" "" net list
# -j: a JSON object, before the subcommand or after it.
expect 0 '{"instance":"db","interface":"coh-db","queues":4}' "" -j net add db -q 4
ioctl_log "NET instance=db flags=0 queues=4 reserved=0"
json_check net add web --pretty -- '
assert d == {"instance": "web", "interface": "coh-web", "queues": 2}, d'
ioctl_log "NET instance=web flags=0 queues=0 reserved=0"
# coh-NAME while it fits in 15 characters, then coh#ID.
instance elevenchars 4 stopped 1 1 0x140000000 33554432 "" 0 0 0
instance twelve_chars 5 stopped 6 6 0x142000000 33554432 "" 0 0 0
expect 0 "elevenchars: eth0 <-> coh-elevenchars (1 queue)" "" net add elevenchars
expect 0 "twelve_chars: eth0 <-> coh#5 (1 queue)" "" net add twelve_chars --queues=1
ioctl_log "NET instance=elevenchars flags=0 queues=0 reserved=0" \
	"NET instance=twelve_chars flags=0 queues=1 reserved=0"
expect 0 "INSTANCE      INTERFACE        QUEUES  CARRIER   MTU  MAC
web           coh-web               2  up       1500  02:c0:48:00:00:01
db            coh-db                4  down     1500  02:c0:48:00:00:02
elevenchars   coh-elevenchars       1  down     1500  02:c0:48:00:00:04
twelve_chars  coh#5                 1  down     1500  02:c0:48:00:00:05" "" net
expect 0 "" "" net del twelve_chars
expect 0 "" "" net del elevenchars
rm -f "$LOG"
gone "$NETS/coh#5" "$NETS/coh-elevenchars" "$S/regions/net:twelve_chars"
rm -r "$S/instances/elevenchars" "$S/instances/twelve_chars"

# Usage errors and bad values: exit 2, nothing asked of the kernel.
queues_range="the number of queues must be from 1 to 4"
queues_bad="expected a whole number from 1 to 4"
refuse 2 "cohort: net add: missing the instance NAME
$try_net_add" net add
refuse 2 "cohort: net del: missing the instance NAME
$try_net_del" net del
refuse 2 "cohort: net add: unexpected argument 'db'
$try_net_add" net add web db
refuse 2 "cohort: net del: unexpected argument 'db'
$try_net_del" net del web db
refuse 2 "cohort: net list: unexpected argument 'web'
$try_net_list" net list web
refuse 2 "cohort: net add: unknown option '--bogus'
$try_net_add" net add web --bogus
refuse 2 "cohort: net del: unknown option '--queues'
$try_net_del" net del web --queues 2
refuse 2 "cohort: net del: unknown option '-j'
$try_net_del" net del -j web
refuse 2 "cohort: net: unknown option '--all'
$try_net" net --all
refuse 2 "cohort: net add: option '--queues' needs an argument
$try_net_add" net add web --queues
refuse 2 "cohort: net add: option '-q' needs an argument
$try_net_add" net add web -q
refuse 2 "cohort: net add: option '--queues' given more than once
$try_net_add" net add web --queues 1 --queues 2
refuse 2 "cohort: net add web: $queues_range, not 0" net add web --queues 0
refuse 2 "cohort: net add web: $queues_range, not 5" net add web --queues 5
refuse 2 "cohort: net add web: $queues_range, not 99999999999999999999" \
	net add web --queues 99999999999999999999
refuse 2 "cohort: net add web: invalid number of queues 'two': $queues_bad" \
	net add web --queues two
refuse 2 "cohort: net add web: invalid number of queues '-1': $queues_bad" \
	net add web --queues -1
refuse 2 "cohort: net add web: invalid number of queues '0x2': $queues_bad" \
	net add web -q 0x2
refuse 2 "cohort: net add web: invalid number of queues '': $queues_bad" \
	net add web --queues ""
refuse 2 "cohort: net add: invalid instance name 'a/b': '/' is not allowed $valid_chars" \
	net add a/b
refuse 2 "cohort: net del: the instance name is empty" net del ""
refuse 2 "cohort: net add: invalid instance name '.x': it must not start with '.' or '-'" \
	net add .x
refuse 2 "cohort: net: unknown subcommand 'remove' (list, add, del)
$try_net" net remove web
# Validation comes first, even without Cohort or the device.
COHORT_SYSFS=$T/none refuse 2 "cohort: net add web: $queues_range, not 9" \
	net add web --queues 9
COHORT_DEV=$T/none refuse 2 "cohort: net del: invalid instance name 'a/b': '/' is not allowed $valid_chars" \
	net del a/b
no_ioctl "net usage errors"

# Without Cohort, the device or links in the kernel: exit 4.
COHORT_SYSFS=$T/none refuse 4 "cohort: Cohort is not available: $T/none does not exist (a kernel without Cohort?)" \
	net add web
COHORT_SYSFS=$T/none refuse 4 "cohort: Cohort is not available: $T/none does not exist (a kernel without Cohort?)" \
	net
COHORT_SYSFS=$T/inst refuse 4 "cohort: this kernel is a Cohort instance; instances are managed from the primary" \
	net list
COHORT_DEV=$T/none refuse 4 "cohort: Cohort is not available: $T/none: No such file or directory" \
	net del db
COHORT_DEV=/dev/null refuse 4 "cohort: Cohort is not available: /dev/null is not the Cohort control device" \
	net add web
cp -a "$S" "$T/nonet"
rm "$T/nonet/instances/db/net"
COHORT_SYSFS=$T/nonet refuse 4 "cohort: network links are not available: $T/nonet/instances/db/net does not exist (a kernel without them?)" \
	net add db
COHORT_SYSFS=$T/nonet refuse 4 "cohort: network links are not available: $T/nonet/instances/db/net does not exist (a kernel without them?)" \
	net del db
# list leaves out an instance without the file.
COHORT_SYSFS=$T/nonet expect 0 "INSTANCE  INTERFACE  QUEUES  CARRIER   MTU  MAC
web       coh-web         2  up       1500  02:c0:48:00:00:01" "" net
no_ioctl "net without Cohort"

# create --net: the instance, then its link.  The fake kernel adds the
# instances it creates to the tree (COHORT_FAKE_INSTANCES).
export COHORT_FAKE_INSTANCES=1
expect 0 "new: eth0 <-> coh-new (2 queues)" "" \
	create new --cpus 4,6 --memory 64M --net
ioctl_log "CREATE name=new cpus=4,6 mem_size=67108864 mem_base=0x0 flags=0 reserved=0" \
	"NET instance=new flags=0 queues=0 reserved=0"
net_is new coh-new
expect 0 "" "" delete new
ioctl_log "DELETE name=new flags=0 timeout_ms=0 reserved=0"
gone "$S/instances/new" "$NETS/coh-new" "$S/regions/net:new"
expect 0 '{"name":"new","id":7,"net":"coh-new","net_queues":3}' "" \
	-j create new -c 4 -m 64M --net --net-queues 3
ioctl_log "CREATE name=new cpus=4 mem_size=67108864 mem_base=0x0 flags=0 reserved=0" \
	"NET instance=new flags=0 queues=3 reserved=0"
expect 0 "" "" delete new
rm -f "$LOG"
expect 0 "a_long_instance: eth0 <-> coh#7 (1 queue)" "" \
	create a_long_instance --cpus 4 --memory 64M --net
rm -f "$LOG"
expect 0 "" "" delete a_long_instance
rm -f "$LOG"
gone "$S/instances/a_long_instance" "$NETS/coh#7"
# Without --net, create prints nothing and makes no link.
expect 0 "" "" create new --cpus 4 --memory 64M
ioctl_log "CREATE name=new cpus=4 mem_size=67108864 mem_base=0x0 flags=0 reserved=0"
net_is new ""
# Blocks given and taken back, as the kernel shows them: added in order,
# taken back last first; its memory from create stays.
expect 0 "set new: memory 64 MiB -> 320 MiB (added: 256 MiB)" "" \
	set new --memory +256M
expect 0 "set new: memory 320 MiB -> 448 MiB (added: 128 MiB)" "" \
	set new --memory 448M --node 1
expect 0 "set new: memory 448 MiB -> 320 MiB (removed: 128 MiB)" "" \
	set new --memory -128M
rm -f "$LOG"
checks=$((checks + 1))
"$bin" show new >"$T/out" 2>"$T/err" || fail "show new with blocks: exit status $?"
[ "$(sed -n '/^mem_size/,/^cmdline/p' "$T/out")" = "mem_size       335544320 (320 MiB)
mem_blocks     2 (256 MiB; 64 MiB from create)
  0x200000000 node 0
  0x208000000 node 0
cmdline" ] || fail "show new with blocks: $(sed -n '/^mem_size/,/^cmdline/p' "$T/out")"
refuse 2 "cohort: set new: 32 MiB is less than the 64 MiB it was created with, which stays with it" \
	set new --memory 32M
expect 0 "set new: memory 320 MiB -> 64 MiB (removed: 256 MiB)" "" \
	set new --memory 64M
json_check show new -j -- '
assert d["mem_size"] == 67108864 and d["mem_blocks"] == [], d
assert d["max_cpus"] is None and d["spare_cpus"] == "", d'
rm -f "$LOG"
# delete --dry-run: one CPU; the fake kernel's tree keeps the instance,
# and the record cohort run left stays (a delete removes it).
mkdir -p "$T/state/run"
echo '{}' >"$T/state/run/new.json"
COHORT_STATE_DIR=$T/state expect 0 "would delete new: CPU 4 goes back to the primary and 64 MiB to the pool; nothing changed" "" \
	delete new --dry-run
ioctl_log "DELETE name=new flags=2 timeout_ms=0 reserved=0"
checks=$((checks + 1))
[ -d "$S/instances/new" ] && [ -f "$T/state/run/new.json" ] ||
	fail "delete --dry-run deleted new or its run record"
COHORT_STATE_DIR=$T/state expect 0 "" "" delete new
ioctl_log "DELETE name=new flags=0 timeout_ms=0 reserved=0"
gone "$S/instances/new" "$T/state/run/new.json"

# The link refused: the instance is deleted again, nothing is left.
mkdir -p "$NETS/coh-new"
refuse 1 "cohort: net add new: an interface named coh-new exists already
cohort: create new: the instance was deleted again, as its network link could not be added" \
	create new --cpus 4 --memory 64M --net
ioctl_log "CREATE name=new cpus=4 mem_size=67108864 mem_base=0x0 flags=0 reserved=0" \
	"NET instance=new flags=0 queues=0 reserved=0" \
	"DELETE name=new flags=0 timeout_ms=0 reserved=0"
gone "$S/instances/new" "$S/regions/net:new"
COHORT_FAKE_ONLY=NET COHORT_FAKE_ERRNO=28 \
COHORT_FAKE_MSG="no free range of 4 MiB in the pool (2 MiB free)" \
	refuse 1 "cohort: net add new: no free range of 4 MiB in the pool (2 MiB free)
cohort: create new: the instance was deleted again, as its network link could not be added" \
	create new --cpus 4 --memory 64M --net --net-queues 1
ioctl_log "CREATE name=new cpus=4 mem_size=67108864 mem_base=0x0 flags=0 reserved=0" \
	"NET instance=new flags=0 queues=1 reserved=0" \
	"DELETE name=new flags=0 timeout_ms=0 reserved=0"
gone "$S/instances/new"
# ... and when even that is refused, what to do is said.
COHORT_FAKE_ONLY=DELETE COHORT_FAKE_ERRNO=16 \
COHORT_FAKE_MSG="instance 'new' is busy" \
	refuse 1 "cohort: net add new: an interface named coh-new exists already
cohort: delete new: instance 'new' is busy
cohort: create new: the instance was made without its network link and could not be deleted again; delete it with 'cohort delete new'" \
	-j create new --cpus 4 --memory 64M --net
ioctl_log "CREATE name=new cpus=4 mem_size=67108864 mem_base=0x0 flags=0 reserved=0" \
	"NET instance=new flags=0 queues=0 reserved=0" \
	"DELETE name=new flags=0 timeout_ms=0 reserved=0"
net_is new ""
rm -r "$S/instances/new" "$NETS/coh-new"
unset COHORT_FAKE_INSTANCES

# create --net: its usage errors, before anything reaches the kernel.
refuse 2 "cohort: create: --net-queues N needs --net
$try_create" create new --cpus 4 --memory 64M --net-queues 2
refuse 2 "cohort: create new: $queues_range, not 5" \
	create new --cpus 4 --memory 64M --net --net-queues 5
refuse 2 "cohort: create new: invalid number of queues 'all': $queues_bad" \
	create new --cpus 4 --memory 64M --net --net-queues all
refuse 2 "cohort: create: option '--net' given more than once
$try_create" create new --cpus 4 --memory 64M --net --net
refuse 2 "cohort: create: option '--net-queues' needs an argument
$try_create" create new --cpus 4 --memory 64M --net --net-queues
refuse 2 "cohort: create: unknown option '--netqueues'
$try_create" create new --cpus 4 --memory 64M --net --netqueues=2
refuse 1 "cohort: create web: an instance of that name already exists" \
	create web --cpus 4 --memory 64M --net
no_ioctl "create --net usage errors"

# Leave web and db with the links they had before this section.
put "$S/instances/web/state" stopped
expect 0 "" "" net del db
expect 0 "" "" net del web
rm -f "$LOG"
put "$S/instances/web/state" running
net_is web ""
net_is db ""

# ---------------------------------------------------------------- console
# cohort console against a copy of the tree (the tests delete instances),
# each run in the background and bounded by timeout(1).
C=$T/con
try_console="Try 'cohort console --help' for more information."
con_tree() {
	rm -rf "$C"
	cp -a "$S" "$C"
}
con_tree

# until SECONDS CMD...: wait until CMD succeeds; 1 when it never did.
until_ok() {
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		[ $SECONDS -lt $end ] || return 1
		sleep 0.05
	done
}
# out_is FILE: what cohort console printed so far is FILE.
out_is() { cmp -s "$T/con.out" "$1"; }
# err_has TEXT: its stderr has the line TEXT.
err_has() { grep -qxF -- "$1" "$T/con.err"; }

# con_bg STDIN ARGS...: "cohort console ARGS..." in the background on $C,
# stdin from STDIN, under timeout(1) whose pid is $pid; cohort's is $cpid
# (signals go there: timeout would send its own too).  Returns once the
# banner is out.
con_bg() {
	local in=$1
	shift
	: >"$T/con.err"
	COHORT_SYSFS=$C timeout -k 5 30 "$bin" console "$@" <"$in" 7>&- \
		>"$T/con.out" 2>"$T/con.err" &
	pid=$!
	cpid=
	# The file has no newline: read fails at its end, cpid is still set.
	until_ok 10 eval 'read -r cpid _ <"/proc/$pid/task/$pid/children"; [ -n "$cpid" ]'
	until_ok 10 test -s "$T/con.err" ||
		fail "console $*: no banner after 10 s"
}
# con_end RC WHAT: it ends within 10 s with exit status RC.
con_end() {
	local rc
	checks=$((checks + 1))
	if ! until_ok 10 eval '! kill -0 $pid 2>/dev/null'; then
		fail "console ($2): still running after 10 s"
		kill $pid
	fi
	wait $pid
	rc=$?
	if [ "$rc" != "$1" ]; then
		fail "console ($2): exit status $rc, want $1"
		sed 's/^/    stderr: /' "$T/con.err"
	fi
}
# con_err TEXT WHAT: its whole stderr is TEXT.
con_err() {
	checks=$((checks + 1))
	[ "$(cat "$T/con.err")" = "$1" ] || {
		fail "console ($2): stderr differs"
		diff <(printf '%s\n' "$1") "$T/con.err" | sed 's/^/    /'
	}
}
# con_out FILE WHAT: its whole stdout is FILE, byte for byte.
con_out() {
	checks=$((checks + 1))
	out_is "$1" || fail "console ($2): stdout differs from $1"
}

# Usage errors and unknown instances: nothing asked of the kernel.
refuse 2 "cohort: console: missing the instance NAME
$try_console" console
refuse 2 "cohort: console: unknown option '--bogus'
$try_console" console web --bogus
refuse 2 "cohort: console: unknown option '-f'
$try_console" console -f web
refuse 2 "cohort: console: unknown option '-j'
$try_console" console -j web
refuse 2 "cohort: console: there is no JSON output (--json)
$try_console" -j console web
refuse 2 "cohort: console: there is no JSON output (--json)
$try_console" --pretty console -r web
refuse 2 "cohort: console: unexpected argument 'db'
$try_console" console web db
refuse 2 "cohort: console: --force and --read-only cannot be used together
$try_console" console --read-only --force web
refuse 2 "cohort: console: option '--force' given more than once
$try_console" console --force --force web
refuse 2 "cohort: console: invalid instance name 'a/b': '/' is not allowed (use letters, digits, '_', '.' and '-')" \
	console a/b
refuse 3 "cohort: console nosuch: no such instance" console nosuch
refuse 3 "cohort: console nosuch: no such instance" console -r nosuch
COHORT_SYSFS=$T/none refuse 4 "cohort: Cohort is not available: $T/none does not exist (a kernel without Cohort?)" \
	console web
no_ioctl "console usage errors"
COHORT_DEV=$T/none refuse 4 "cohort: Cohort is not available: $T/none: No such file or directory" \
	console web
no_ioctl "console without the device"

# The kernel's refusals: one writer at a time (with the way out), no
# such instance, no permission.  Nothing printed on stdout.
export COHORT_FAKE_ERRNO=16 COHORT_FAKE_MSG="the console of 'web' is held by process 4242 (cohort)"
refuse 1 "cohort: console web: $COHORT_FAKE_MSG
Use 'cohort console --force web' to take the input over, or 'cohort console --read-only web' to watch." \
	console web
ioctl_log "CONSOLE name=web flags=0 fd=0 reserved=0"
export COHORT_FAKE_ERRNO=2 COHORT_FAKE_MSG="no instance 'web'"
refuse 3 "cohort: console web: no instance 'web'" console web
ioctl_log "CONSOLE name=web flags=0 fd=0 reserved=0"
export COHORT_FAKE_ERRNO=1 COHORT_FAKE_MSG=""
refuse 1 "cohort: console web: Operation not permitted" console --force web
ioctl_log "CONSOLE name=web flags=1 fd=0 reserved=0"
unset COHORT_FAKE_ERRNO COHORT_FAKE_MSG

# -r, stdin not a terminal: the whole console, byte for byte (every byte
# value), never the writer; SIGTERM ends it with 0.
con_bg /dev/null -r web
until_ok 10 out_is "$C/instances/web/console"
kill -TERM $cpid
con_end 0 "-r, SIGTERM"
con_out "$C/instances/web/console" "-r"
con_err "Connected to web's console (read-only)
[detached from web]" "-r"
no_ioctl "console -r"

# The writer, stdin /dev/null: the history, then what comes, until the
# instance is deleted (exit 0).
cp "$C/instances/web/console" "$T/want"
con_bg /dev/null web
until_ok 10 out_is "$T/want"
printf 'login: ' >>"$C/instances/web/console"
put "$C/instances/web/console_head" "$(stat -c %s "$C/instances/web/console")"
cp "$C/instances/web/console" "$T/want"
until_ok 10 out_is "$T/want" || fail "console web: new output not shown"
rm -rf "$C/instances/web"
con_end 0 "instance deleted"
con_out "$T/want" "instance deleted"
con_err "Connected to web's console
[web was deleted]" "instance deleted"
ioctl_log "CONSOLE name=web flags=0 fd=0 reserved=0"
con_tree

# --no-history --force: only what comes after; SIGINT ends it with 0.
con_bg /dev/null --no-history --force web
printf 'fresh output\r\n' >>"$C/instances/web/console"
put "$C/instances/web/console_head" "$(stat -c %s "$C/instances/web/console")"
printf 'fresh output\r\n' >"$T/want"
until_ok 10 out_is "$T/want"
kill -INT $cpid
con_end 0 "--no-history"
con_out "$T/want" "--no-history"
ioctl_log "CONSOLE name=web flags=1 fd=0 reserved=0"

# Input from a file goes to the writer as it is, Ctrl-C and Ctrl-]
# included; after its end the output is still followed.
printf 'uname -a\n\003\035tail \377' >"$T/typing"
: >"$T/typed"
COHORT_FAKE_CONSOLE=$T/typed con_bg "$T/typing" --no-history web
until_ok 10 cmp -s "$T/typing" "$T/typed"
printf 'Linux web\n' >>"$C/instances/web/console"
put "$C/instances/web/console_head" "$(stat -c %s "$C/instances/web/console")"
printf 'Linux web\n' >"$T/want"
until_ok 10 out_is "$T/want"
kill -TERM $cpid
con_end 0 "input from a file"
checks=$((checks + 1))
cmp -s "$T/typing" "$T/typed" ||
	fail "console web <file: the instance got $(od -c "$T/typed" | head -n 2)"
con_out "$T/want" "input from a file"
con_err "Connected to web's console
[detached from web]" "input from a file"
rm -f "$LOG"

# Another writer took over (the writer hangs up): what is there is
# printed, then exit 1.
COHORT_FAKE_CONSOLE=hup COHORT_SYSFS=$C timeout -k 5 30 "$bin" console web \
	</dev/null >"$T/con.out" 2>"$T/con.err"
rc=$?
checks=$((checks + 1))
[ $rc = 1 ] || fail "console, writer taken over: exit status $rc, want 1"
con_out "$C/instances/web/console" "writer taken over"
con_err "Connected to web's console
[web: another writer took over the console]" "writer taken over"
rm -f "$LOG"

# An instance that is not running: input is dropped, said once.
rm -f "$T/fifo"
mkfifo "$T/fifo"
exec 7<>"$T/fifo"
COHORT_FAKE_CONSOLE_ERRNO=6 con_bg "$T/fifo" web
printf 'ls\n' >&7
until_ok 10 err_has "[web is not running: input dropped]"
printf 'ls again\n' >&7
sleep 0.3
exec 7>&-
kill -TERM $cpid
con_end 0 "not running"
con_err "Connected to web's console
[web is not running: input dropped]
[detached from web]" "not running"
rm -f "$LOG"

# Across starts: the new boot from its first byte, whether console_head
# went back or only "starts" tells.
cp "$C/instances/web/console" "$T/want"
con_bg /dev/null -r web
until_ok 10 out_is "$T/want"
S=$C restart $cpid web 2 $'second boot\r\n'
printf 'second boot\r\n' >>"$T/want"
until_ok 10 out_is "$T/want" || fail "console across a start: head back"
S=$C restart $cpid web 3 "$(seq 1 700)"
seq 1 700 | head -c -1 >>"$T/want"
until_ok 10 out_is "$T/want" || fail "console across a start: starts only"
kill -HUP $cpid
con_end 0 "across starts"
con_out "$T/want" "across starts"
con_tree

# A terminal: raw mode while attached (Ctrl-C is a byte for the
# instance), Ctrl-] detaches, and the terminal is restored on every way
# out: Ctrl-], SIGTERM, the writer taken over.
cat >"$T/on_tty.py" <<'PY'
# on_tty.py KEYS|-SIGNAL OUT CMD...: run CMD on a new terminal; once it
# printed its banner, type KEYS (Python escapes) or send it SIGNAL.
# Prints "rc=N raw=0|1 restored=0|1"; what the terminal showed goes to OUT.
import os, pty, select, signal, subprocess, sys, termios, time
act, outname, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
m, s = pty.openpty()
before = termios.tcgetattr(s)
p = subprocess.Popen(cmd, stdin=s, stdout=s, stderr=s, start_new_session=True)
out = b""
def drain(until, t):
    global out
    end = time.time() + t
    while time.time() < end and not until():
        r, _, _ = select.select([m], [], [], 0.05)
        if r:
            try:
                out += os.read(m, 65536)
            except OSError:
                break
drain(lambda: b"escape character is ^]\r\n" in out or
      p.poll() is not None, 10)
time.sleep(0.2)
now = termios.tcgetattr(s)
raw = not now[3] & (termios.ICANON | termios.ISIG | termios.ECHO) and \
      now[1] & termios.OPOST == before[1] & termios.OPOST
if act.startswith("-"):
    p.send_signal(getattr(signal, act[1:]))
else:
    os.write(m, act.encode().decode("unicode_escape").encode("latin-1"))
try:
    rc = p.wait(timeout=10)
except subprocess.TimeoutExpired:
    p.kill()
    rc = "hung"
drain(lambda: False, 0.2)
open(outname, "wb").write(out)
print("rc=%s raw=%d restored=%d" % (rc, raw, termios.tcgetattr(s) == before))
PY
# on_tty KEYS|-SIGNAL WANT WHAT ARGS...: cohort console ARGS on a
# terminal; WANT is a pattern of the line on_tty.py prints.
on_tty() {
	local keys=$1 want=$2 what=$3 got
	shift 3
	checks=$((checks + 1))
	got=$(COHORT_SYSFS=$C timeout -k 5 30 python3 "$T/on_tty.py" "$keys" \
		"$T/con.out" "$bin" console "$@")
	[[ $got == $want ]] || fail "console on a terminal ($what): $got, want $want"
}
: >"$T/typed"
COHORT_FAKE_CONSOLE=$T/typed on_tty 'ls\x03\x1dafter' "rc=0 raw=1 restored=1" Ctrl-] web
checks=$((checks + 1))
[ "$(od -An -c "$T/typed" | tr -s ' ')" = " l s 003" ] ||
	fail "console on a terminal: the instance got $(od -An -c "$T/typed")"
grep -qF "Connected to web's console; escape character is ^]" "$T/con.out" ||
	fail "console on a terminal: no banner: $(od -c "$T/con.out" | head)"
checks=$((checks + 1))
tail -c 23 "$T/con.out" | grep -qF "[detached from web]" ||
	fail "console on a terminal: not detached: $(tail -c 40 "$T/con.out" | od -c)"
ioctl_log "CONSOLE name=web flags=0 fd=0 reserved=0"
: >"$T/typed"
COHORT_FAKE_CONSOLE=$T/typed on_tty -SIGTERM "rc=0 raw=1 restored=1" SIGTERM web
COHORT_FAKE_CONSOLE=$T/typed on_tty -SIGHUP "rc=0 raw=1 restored=1" SIGHUP web
rm -f "$LOG"
COHORT_FAKE_CONSOLE=hup on_tty 'x' "rc=1 raw=? restored=1" "taken over" web
rm -f "$LOG"
# -r: keys are not sent anywhere, Ctrl-] still detaches.
on_tty 'ls\x03\x1d' "rc=0 raw=1 restored=1" "-r" -r web
no_ioctl "console -r on a terminal"
checks=$((checks + 1))
[ -s "$T/typed" ] && fail "console on a terminal: input after SIGTERM or with -r"
# The usage errors leave the terminal alone.
on_tty 'x' "rc=2 raw=0 restored=1" "usage error" --bogus web

# ---------------------------------------------------------------- placement
# create --cpu-count by the primary's topology, --cpus checked against it
# (place.c, lib/cohort/placement.c).  The machine: CPUs 0-15, two threads
# a core (CPUs i and i+8), cores 0-3 on node 0 and package 0, cores 4-7
# on node 1 and package 1.  Instances hold 2-3 and 5,7; as the kernel
# shows it, those CPUs are offline: no topology directory, in no node's
# list, gone from their siblings' lists (10, 11, 13 and 15 show cores of
# one thread, which are not taken).  The free whole cores: 1 (CPUs 1,9)
# on node 0, 4 (4,12) and 6 (6,14) on node 1.
P=$T/place/sys
TP=$T/place/cpu
put "$P/version" "0.1.0"
put "$P/role" "primary"
put "$P/id" "0"
put "$P/pool/base" "0x100000000"
put "$P/pool/size" "1073741824"
put "$P/pool/free" "1073741824"
put "$P/instances/web/cpus" "2-3"
put "$P/instances/db/cpus" "5,7"
put "$TP/present" "0-15"
for cpu in 0 1 4 6 8 9 10 11 12 13 14 15; do
	core=$((cpu % 8))
	case $cpu in
	10|11|13|15) sib=$cpu ;;
	*) sib="$core,$((core + 8))" ;;
	esac
	put "$TP/cpu$cpu/topology/thread_siblings_list" "$sib"
	put "$TP/cpu$cpu/topology/core_id" "$core"
	put "$TP/cpu$cpu/topology/physical_package_id" "$((core / 4))"
done
put "$T/place/node/node0/cpulist" "0-1,8-11"
put "$T/place/node/node1/cpulist" "4,6,12-15"
put "$T/flat/cpu/present" "0-7"
export COHORT_SYSFS=$P COHORT_CPU_SYSFS=$TP

# Without topology files (only "present"): every CPU a core of its own on
# node 0, the highest-numbered free ones first, as before.
COHORT_CPU_SYSFS=$T/flat/cpu expect 0 \
	"create new: CPUs 4,6 (2 cores of 1 thread) on node 0, 64 MiB of memory from the pool" "" \
	create new --cpu-count 2 --memory 64M
ioctl_log "CREATE name=new cpus=4,6 mem_size=67108864 mem_base=0x0 flags=0 reserved=0"
# No thread_siblings_list but core_id: the CPUs of one core_id and
# physical_package_id are one core (here N and N+6; with 2-3 and 5,7
# held, only 4,10 is free).
put "$T/ids/cpu/present" "0-11"
for cpu in $(seq 0 11); do
	put "$T/ids/cpu/cpu$cpu/topology/core_id" "$((cpu % 6))"
	put "$T/ids/cpu/cpu$cpu/topology/physical_package_id" "0"
done
COHORT_CPU_SYSFS=$T/ids/cpu expect 0 \
	"would create new: CPUs 4,10 (1 core of 2 threads) on node 0, 64 MiB of memory from the pool" "" \
	create new --cpu-count 2 --memory 64M --dry-run
COHORT_CPU_SYSFS=$T/ids/cpu refuse 2 \
	"cohort: create new: the list splits the core [4,10]; SMT siblings stay together in one kernel: name all its threads, or add --force" \
	create new --cpus 4 --memory 64M
no_ioctl "cores by core_id"

# compact: whole cores of the node with the most free (node 1), the
# highest-numbered there; --node picks the node.
expect 0 "create new: CPUs 6,14 (1 core of 2 threads) on node 1, 64 MiB of memory from the pool" "" \
	create new --cpu-count 2 --memory 64M
ioctl_log "CREATE name=new cpus=6,14 mem_size=67108864 mem_base=0x0 flags=0 reserved=0"
expect 0 "create new: CPUs 4,6,12,14 (2 cores of 2 threads) on node 1, 64 MiB of memory from the pool" "" \
	create new --cpu-count 4 --placement compact --memory 64M
ioctl_log "CREATE name=new cpus=4,6,12,14 mem_size=67108864 mem_base=0x0 flags=0 reserved=0"
expect 0 "create new: CPUs 1,9 (1 core of 2 threads) on node 0, 64 MiB of memory from the pool" "" \
	create new --cpu-count 2 --node 0 --memory 64M
ioctl_log "CREATE name=new cpus=1,9 mem_size=67108864 mem_base=0x0 flags=0 reserved=0"
# spread: a core from each node in turn.
expect 0 "create new: CPUs 1,6,9,14 (2 cores of 2 threads) on nodes 0-1, 64 MiB of memory from the pool" "" \
	create new --cpu-count 4 --placement spread --memory 64M
ioctl_log "CREATE name=new cpus=1,6,9,14 mem_size=67108864 mem_base=0x0 flags=0 reserved=0"
json_check -j create new --cpu-count 2 --memory 64M -- '
assert d == {"name": "new", "id": 7, "cpus": [6, 14], "nodes": [1],
             "memory_node": None}, d'
ioctl_log "CREATE name=new cpus=6,14 mem_size=67108864 mem_base=0x0 flags=0 reserved=0"

# What --cpu-count refuses, and says what is free.
refuse 2 "cohort: create new: --cpu-count 3: cores here have 2 threads; ask for a multiple of 2, or use --cpus to split a core" \
	create new --cpu-count 3 --memory 64M
refuse 1 "cohort: create new: --cpu-count 6 needs 3 free cores of 2 threads on one node; free: node 0: 1 core (CPUs 1,9), node 1: 2 cores (CPUs 4,6,12,14); CPU 0's core stays with the primary" \
	create new --cpu-count 6 --memory 64M
refuse 1 "cohort: create new: --cpu-count 4 needs 2 free cores of 2 threads on node 0; free: node 0: 1 core (CPUs 1,9); CPU 0's core stays with the primary" \
	create new --cpu-count 4 --node 0 --memory 64M
refuse 1 "cohort: create new: --cpu-count 8 needs 4 free cores of 2 threads; free: node 0: 1 core (CPUs 1,9), node 1: 2 cores (CPUs 4,6,12,14); CPU 0's core stays with the primary" \
	create new --cpu-count 8 --placement spread --memory 64M
refuse 2 "cohort: create new: --node 2: no CPU is on NUMA node 2 (CPUs are on nodes 0-1)" \
	create new --cpu-count 2 --node 2 --memory 64M
refuse 2 "cohort: create new: --node: the NUMA node must be from 0 to 1023, not 1024" \
	create new --cpu-count 2 --node 1024 --memory 64M
refuse 2 "cohort: create new: --node: invalid NUMA node 'one': expected a whole number from 0 to 1023" \
	create new --cpus 1,9 --node one --memory 64M
refuse 2 "cohort: create new: --cpu-count: the CPU count must be from 1 to 256, not 0" \
	create new --cpu-count 0 --memory 64M
refuse 2 "cohort: create: --placement is compact or spread, not 'wide'
$try_create" create new --cpu-count 2 --placement wide --memory 64M
refuse 2 "cohort: create: --placement goes with --cpu-count N
$try_create" create new --cpus 1,9 --placement spread --memory 64M
refuse 2 "cohort: create: --force goes with --cpus LIST
$try_create" create new --cpu-count 2 --force --memory 64M
refuse 2 "cohort: create: option '--node' given more than once
$try_create" create new --cpu-count 2 --node 0 --node 1 --memory 64M
refuse 1 "cohort: create web: an instance of that name already exists" \
	create web --cpu-count 2 --memory 64M
no_ioctl "placement refusals"

# --cpus: SMT siblings stay together unless --force; CPU 0's core stays
# with the primary; --node must be the list's node.
refuse 2 "cohort: create new: the list splits the core [6,14]; SMT siblings stay together in one kernel: name all its threads, or add --force" \
	create new --cpus 6 --memory 64M
refuse 2 "cohort: create new: the list splits the cores [1,9], [4,12] and [6,14]; SMT siblings stay together in one kernel: name all their threads, or add --force" \
	create new --cpus 1,4,6 --memory 64M
refuse 2 "cohort: create new: CPU 8 shares a core with CPU 0 ([0,8]); CPU 0 stays with the primary and so does its core: add --force to give it anyway" \
	create new --cpus 8 --memory 64M
refuse 2 "cohort: create new: --node 0: CPUs 6,14 are on node 1" \
	create new --cpus 6,14 --node 0 --memory 64M
refuse 2 "cohort: create new: --node 1: CPUs 1,9 are on node 0" \
	create new --cpus 1,6,9,14 --node 1 --memory 64M
no_ioctl "--cpus refused by topology"
expect 0 "" "" create new --cpus 6 --force --memory 64M
ioctl_log "CREATE name=new cpus=6 mem_size=67108864 mem_base=0x0 flags=0 reserved=0"
expect 0 "" "" create new --cpus 8 -f --memory 64M
ioctl_log "CREATE name=new cpus=8 mem_size=67108864 mem_base=0x0 flags=0 reserved=0"
expect 0 "" "" create new --cpus 6,14 --memory 64M
ioctl_log "CREATE name=new cpus=6,14 mem_size=67108864 mem_base=0x0 flags=0 reserved=0"
# A core that shows one thread (its sibling offline, held) is not split,
# as far as the kernel's own files tell.
expect 0 "" "" create new --cpus 10 --memory 64M
ioctl_log "CREATE name=new cpus=10 mem_size=67108864 mem_base=0x0 flags=0 reserved=0"
# The primary's record (topology/ under COHORT_SYSFS) knows the offline
# CPUs' cores and nodes: 10 is the other half of web's CPU 2, and 3 and
# 11 are one core on node 0.
for cpu in $(seq 0 15); do
	core=$((cpu % 8))
	put "$P/topology/cpu$cpu/thread_siblings_list" "$core,$((core + 8))"
	put "$P/topology/cpu$cpu/node" "$((core / 4))"
done
refuse 2 "cohort: create new: the list splits the core [2,10]; SMT siblings stay together in one kernel: name all its threads, or add --force" \
	create new --cpus 10 --memory 64M
no_ioctl "a core half held, by the record"
expect 0 "would create new: CPUs 6,14 (1 core of 2 threads) on node 1, 64 MiB of memory from the pool" "" \
	create new --cpu-count 2 --memory 64M --dry-run
expect 0 "would create new: CPUs 1,9 (1 core of 2 threads) on node 0, 64 MiB of memory from the pool" "" \
	create new --cpu-count 2 --node 0 --memory 64M --dry-run
rm -r "$P/topology"
# --node ties the memory to the node; --base leaves it where it is.
expect 0 "" "" create new --cpus 6,14 --node 1 --memory 64M
ioctl_log "CREATE name=new cpus=6,14 mem_size=67108864 mem_base=0x0 flags=1 node=1 reserved=0"
expect 0 "" "" create new --cpus 6,14 --node 1 --memory 64M --base 0x140000000
ioctl_log "CREATE name=new cpus=6,14 mem_size=67108864 mem_base=0x140000000 flags=0 reserved=0"
# A list over two nodes: a warning, the memory not tied (--force: quiet).
expect 0 "" "cohort: warning: create new: CPUs 1,6,9,14 are on NUMA nodes 0-1; the memory is not tied to a node" \
	create new --cpus 1,6,9,14 --memory 64M
ioctl_log "CREATE name=new cpus=1,6,9,14 mem_size=67108864 mem_base=0x0 flags=0 reserved=0"
expect 0 "" "" create new --cpus 1,6,9,14 --force --memory 64M
ioctl_log "CREATE name=new cpus=1,6,9,14 mem_size=67108864 mem_base=0x0 flags=0 reserved=0"

# --dry-run: the plan on stdout, nothing asked of the kernel; the same
# checks first.
expect 0 "would create new: CPUs 6,14 (1 core of 2 threads) on node 1, 64 MiB of memory from the pool" "" \
	create new --cpu-count 2 --memory 64M --dry-run
expect 0 "would create new: CPUs 1,9 (1 core of 2 threads) on node 0, 64 MiB of memory from node 0" "" \
	create new --cpus 1,9 --node 0 --memory 64M -n
expect 0 "would create new: CPU 6 (not whole cores) on node 1, 1 GiB of memory at 0x140000000, and a network link" "" \
	create new --cpus 6 --force --memory 1G --base 0x140000000 --net --dry-run
expect 0 "would create new: CPUs 4,6,12,14 (2 cores of 2 threads) on node 1, 64 MiB of memory from the pool, and a network link" "" \
	create new --cpus 4,6,12,14 --memory 64M --dry-run --net-queues 2 --net
json_check -j create new --cpu-count 4 --placement spread --memory 64M --dry-run -- '
assert d == {"name": "new", "cpus": [1, 6, 9, 14], "nodes": [0, 1],
             "memory_node": None, "memory": 67108864, "max_cpus": None,
             "net": False, "dry_run": True}, d'
refuse 2 "cohort: create new: the list splits the core [6,14]; SMT siblings stay together in one kernel: name all its threads, or add --force" \
	create new --cpus 6 --memory 64M --dry-run
refuse 2 "cohort: create new: CPU 16 is not present (present: 0-15)" \
	create new --cpus 16 --memory 64M --dry-run
refuse 1 "cohort: create web: an instance of that name already exists" \
	create web --cpus 6,14 --memory 64M --dry-run
refuse 2 "cohort: create: option '--dry-run' given more than once
$try_create" create new --cpus 6,14 --memory 64M -n --dry-run
no_ioctl "dry runs"

# --max-cpus N: the most CPUs the instance may have (its kernel is told
# of no more); no fewer than it gets, at most 256.
expect 0 "would create new: CPUs 6,14 (1 core of 2 threads) on node 1, 64 MiB of memory from the pool, at most 4 CPUs" "" \
	create new --cpus 6,14 --max-cpus 4 --memory 64M --dry-run
json_check -j create new --cpus 6,14 --max-cpus 4 --memory 64M --dry-run -- '
assert d["max_cpus"] == 4, d'
no_ioctl "max-cpus dry runs"
expect 0 "" "" create new --cpus 6,14 --max-cpus 4 --memory 64M
ioctl_log "CREATE name=new cpus=6,14 mem_size=67108864 mem_base=0x0 flags=2 max_cpus=4 reserved=0"
expect 0 "" "" create new --cpus 6,14 --max-cpus 2 --node 1 --memory 64M
ioctl_log "CREATE name=new cpus=6,14 mem_size=67108864 mem_base=0x0 flags=3 node=1 max_cpus=2 reserved=0"
refuse 2 "cohort: create new: --max-cpus 1 is fewer than the 2 CPUs it gets" \
	create new --cpus 6,14 --max-cpus 1 --memory 64M
refuse 2 "cohort: create new: --max-cpus 1 is fewer than the 2 CPUs it gets" \
	create new --cpu-count 2 --max-cpus 1 --memory 64M
for v in 0 257 -1 two 4x ""; do
	checks=$((checks + 1))
	out=$("$bin" create new --cpus 6,14 --max-cpus "$v" --memory 64M 2>&1)
	rc=$?
	case "$rc:$out" in
	"2:cohort: create new: --max-cpus: "*) ;;
	*) fail "--max-cpus '$v': exit $rc: $out" ;;
	esac
done
no_ioctl "max-cpus refusals"

# The pool on two nodes (pool/nodeN/): compact takes the memory from the
# CPUs' node, and prefers the nodes where the pool has it free.
put "$P/pool/node0/free" "536870912"
put "$P/pool/node1/free" "33554432"
expect 0 "create new: CPUs 1,9 (1 core of 2 threads) on node 0, 64 MiB of memory from node 0" "" \
	create new --cpu-count 2 --memory 64M
ioctl_log "CREATE name=new cpus=1,9 mem_size=67108864 mem_base=0x0 flags=1 node=0 reserved=0"
json_check -j create new --cpu-count 2 --memory 64M -- '
assert d == {"name": "new", "id": 7, "cpus": [1, 9], "nodes": [0],
             "memory_node": 0}, d'
rm -f "$LOG"
# Room on both: the node with the most free cores.
expect 0 "create new: CPUs 6,14 (1 core of 2 threads) on node 1, 32 MiB of memory from node 1" "" \
	create new --cpu-count 2 --memory 32M
ioctl_log "CREATE name=new cpus=6,14 mem_size=33554432 mem_base=0x0 flags=1 node=1 reserved=0"
# Only node 1 has the cores, not the memory: placed, with a warning.
expect 0 "create new: CPUs 4,6,12,14 (2 cores of 2 threads) on node 1, 64 MiB of memory from the pool" \
	"cohort: warning: create new: the pool has only 32 MiB free on node 1 (64 MiB asked); the memory is not tied to the node" \
	create new --cpu-count 4 --memory 64M
ioctl_log "CREATE name=new cpus=4,6,12,14 mem_size=67108864 mem_base=0x0 flags=0 reserved=0"
expect 0 "would create new: CPUs 6,14 (1 core of 2 threads) on node 1, 64 MiB of memory from the pool" \
	"cohort: warning: create new: the pool has only 32 MiB free on node 1 (64 MiB asked); the memory is not tied to the node" \
	create new --cpu-count 2 --node 1 --memory 64M --dry-run
rm -r "$P/pool/node1"
expect 0 "create new: CPUs 6,14 (1 core of 2 threads) on node 1, 64 MiB of memory from the pool" \
	"cohort: warning: create new: the pool has no memory on node 1; the memory comes from other nodes" \
	create new --cpu-count 2 --node 1 --memory 64M
ioctl_log "CREATE name=new cpus=6,14 mem_size=67108864 mem_base=0x0 flags=0 reserved=0"
# spread ties the memory to a node only with --node; --base never does.
expect 0 "create new: CPUs 1,6,9,14 (2 cores of 2 threads) on nodes 0-1, 64 MiB of memory from the pool" "" \
	create new --cpu-count 4 --placement spread --memory 64M
ioctl_log "CREATE name=new cpus=1,6,9,14 mem_size=67108864 mem_base=0x0 flags=0 reserved=0"
expect 0 "create new: CPUs 1,9 (1 core of 2 threads) on node 0, 64 MiB of memory from node 0" "" \
	create new --cpu-count 2 --node 0 --placement spread --memory 64M
ioctl_log "CREATE name=new cpus=1,9 mem_size=67108864 mem_base=0x0 flags=1 node=0 reserved=0"
expect 0 "create new: CPUs 6,14 (1 core of 2 threads) on node 1, 64 MiB of memory at 0x140000000" "" \
	create new --cpu-count 2 --memory 64M --base 0x140000000
ioctl_log "CREATE name=new cpus=6,14 mem_size=67108864 mem_base=0x140000000 flags=0 reserved=0"
# The kernel's refusal is printed as ever (and no plan line).
export COHORT_FAKE_ERRNO=28 COHORT_FAKE_MSG="no free range of 64 MiB in the pool on node 0 (32 MiB free there)"
refuse 1 "cohort: create new: no free range of 64 MiB in the pool on node 0 (32 MiB free there)" \
	create new --cpu-count 2 --memory 64M
ioctl_log "CREATE name=new cpus=1,9 mem_size=67108864 mem_base=0x0 flags=1 node=0 reserved=0"
unset COHORT_FAKE_ERRNO COHORT_FAKE_MSG
export COHORT_SYSFS=$S COHORT_CPU_SYSFS=$CPU

# ---------------------------------------------------------------- help
expect 0 "Usage: cohort start NAME

Boot a loaded or stopped instance." "" start --help
checks=$((checks + 1))
"$bin" --help | grep -q '^  create ' || fail "--help lists no create"
"$bin" help stop | grep -q -- '--timeout SEC' || fail "help stop: no --timeout"
"$bin" --help | grep -q '^  console ' || fail "--help lists no console"
"$bin" help console | grep -q -- '--no-history' || fail "help console: no --no-history"
"$bin" console --help | grep -q 'Ctrl-] detaches' || fail "console --help: no escape"
"$bin" load --help | grep -q -- '--shell' || fail "load --help: no --shell"
"$bin" run --help | grep -q -- '--ulimit NAME=SOFT\[:HARD\]' || fail "run --help: no --ulimit"
no_ioctl "help"

# cohort run --ulimit: a bad one is refused before anything is asked of
# the kernel, with 125 as docker run (good ones: tests/host/run-spec.sh).
refuse 125 "cohort: run: --ulimit 'files=1': unknown limit 'files' (one of core, cpu, data, fsize, locks, memlock, msgqueue, nice, nofile, nproc, rss, rtprio, rttime, sigpending, stack, as)" \
	run --ulimit files=1 oci:/nowhere
refuse 125 "cohort: run: --ulimit 'nofile=2048:1024': the soft limit 2048 is above the hard limit 1024" \
	run --ulimit nofile=1 --ulimit nofile=2048:1024 oci:/nowhere
refuse 125 "cohort: run: --ulimit 'nofile=lots': the soft limit 'lots' is not a number, -1 or unlimited" \
	run --ulimit nofile=lots oci:/nowhere
no_ioctl "run --ulimit refused"

# cohort dump: what the kernel serves must be an ELF core file; anything
# else (a kernel of another make, garbage) is refused and no file made.
instance olddump 6 stopped 6 6 0x142000000 33554432 "" 0 0 0
put "$S/instances/olddump/vmcore" "this is not an ELF core file at all"
refuse 1 "cohort: dump olddump: $S/instances/olddump/vmcore: not an ELF core file" \
	dump olddump "$T/olddump.core"
[ ! -e "$T/olddump.core" ] || fail "a refused dump made $T/olddump.core"
printf '\177ELF\002\001\001' | cat - /dev/zero | head -c 40 >"$S/instances/olddump/vmcore"
refuse 1 "cohort: dump olddump: $S/instances/olddump/vmcore: not an ELF core file" \
	dump olddump "$T/olddump.core"
[ ! -e "$T/olddump.core" ] || fail "a dump of a truncated ELF header made $T/olddump.core"
no_ioctl "dump of a non-ELF vmcore"
rm -r "$S/instances/olddump"

echo "$checks checks, $failures failed"
[ $failures = 0 ]
