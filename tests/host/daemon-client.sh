#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The client side of cohortd (lib/cohort/daemon.h) in cohort(8), against a
# fake daemon (a small python3 server on a Unix socket answering canned
# replies): cohort daemon status with a good reply, config errors, missing
# and wrong-typed members, text that would drive a terminal, garbage, a
# reply over the limit, the health columns, a daemon that never answers, a stale socket and
# none at all; cohort events on a hand-written events.jsonl with good and
# malformed lines, the NAME filter, -j, --since, and -f picking up
# appended lines, a truncation and a replaced file; cohort apply without
# --dry-run against the fake daemon saying ok and refusing, with its own
# directory, and with no daemon.
#
# Run from the top of the tree.  Exit 0 pass, 77 skip, else fail.
set -uo pipefail

top=$(pwd)
bin=$top/build/host/bin/cohort
[ -x "$bin" ] || { echo "SKIP: $bin not built (make tools)"; exit 77; }
command -v python3 >/dev/null || { echo "SKIP: python3 missing"; exit 77; }

T=$(mktemp -d /tmp/cohort-daemon-client.XXXXXX)
faked=
cleanup() {
	[ -n "$faked" ] && kill "$faked" 2>/dev/null && wait "$faked" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
export TZ=UTC
export COHORT_STATE_DIR=$T/state
export COHORT_SYSFS=$T/no-sys COHORT_DEV=$T/no-dev
export ASAN_OPTIONS=detect_leaks=1
unset COHORT_CONFIG_DIR
SOCK=$T/cohortd.sock
R=$T/replies
export COHORTD_SOCKET=$SOCK
mkdir -p "$COHORT_STATE_DIR" "$R"

failures=0
checks=0
. "$top/tests/host/lib/expect.sh"



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

# reply REQUEST TEXT: what the fake daemon answers to REQUEST from now on.
reply() { printf '%s' "$2" >"$R/reply.$1"; }

# requests: what the fake daemon was asked since the last call, one a line.
requests() {
	cat "$R/requests" 2>/dev/null
	: >"$R/requests"
}

# ---------------------------------------------------------------- fake cohortd
# One connection at a time is enough, but each is served in a thread of
# its own so that one that hangs does not hold up the next.  The reply to
# REQUEST is the file reply.REQUEST, read afresh for each connection; with
# a file "hang", nothing is sent for 15 seconds.
cat >"$T/faked.py" <<'EOF'
import os, socket, sys, threading, time

path, d = sys.argv[1], sys.argv[2]

def serve(conn):
    try:
        data = b""
        while b"\n" not in data and len(data) < 64:
            b = conn.recv(64)
            if not b:
                break
            data += b
        req = data.split(b"\n")[0].decode("ascii", "replace")
        with open(os.path.join(d, "requests"), "a") as f:
            f.write(req + "\n")
        if os.path.exists(os.path.join(d, "hang")):
            time.sleep(15)
            return
        name = os.path.join(d, "reply." + "".join(
            ch for ch in req if ch.isalnum()))
        try:
            out = open(name, "rb").read()
        except OSError:
            out = b'{"ok": false, "errors": ["unknown request"]}'
        conn.sendall(out)
    except OSError:
        pass    # the client gave up (an over-long reply)
    finally:
        conn.close()

srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
srv.listen(16)
while True:
    conn, _ = srv.accept()
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
EOF

start_faked() {
	rm -f "$SOCK"
	python3 "$T/faked.py" "$SOCK" "$R" &
	faked=$!
	for _ in $(seq 100); do
		[ -S "$SOCK" ] && return
		sleep 0.05
	done
	echo "FAIL: the fake cohortd did not start"
	exit 1
}

stop_faked() {
	kill "$faked" 2>/dev/null
	wait "$faked" 2>/dev/null
	faked=
	rm -f "$SOCK"
}

start_faked

# ---------------------------------------------------------------- status
good='{"pid": 812, "started": 1748779200.5,
 "config_dir": "/etc/cohort/instances.d", "config_errors": [],
 "instances": [
  {"name": "web", "phase": "running", "state": "running",
   "restart": "on-failure", "restarts": 1, "starts": 2,
   "last_failure": "panic", "next_restart_ms": 0},
  {"name": "database", "phase": "backoff", "state": "failed",
   "restart": "always", "restarts": 12, "starts": 13,
   "last_failure": "heartbeat", "next_restart_ms": 2500},
  {"name": "batch", "phase": "gave-up", "state": "stopped",
   "restart": "on-failure", "restarts": 5, "starts": 6,
   "last_failure": "start-timeout", "next_restart_ms": 0}]}'
reply status "$good"

table="cohortd: running, pid 812, since 2025-06-01 12:00:00, config /etc/cohort/instances.d
NAME      PHASE    STATE    RESTART     RESTARTS  LAST-FAILURE   NEXT-RESTART  HEALTH  LAST-CHECK
web       running  running  on-failure         1  panic          -             -       -
database  backoff  failed   always            12  heartbeat      in 2500ms     -       -
batch     gave-up  stopped  on-failure         5  start-timeout  -             -       -"
expect 0 "$table" "" daemon status
expect 0 "$table" "" daemon
checks=$((checks + 1))
[ "$(requests)" = "status
status" ] || fail "daemon status: the requests were not one status line each"

printf '%s' "$good" >"$T/json.want"
json_check daemon status -j -- '
want = json.loads(open(sys.argv[1] + ".want").read())
assert d == want, d'
json_check -j daemon status -- 'assert d["pid"] == 812, d'
json_check daemon -p -- 'assert len(d["instances"]) == 3, d'
checks=$((checks + 1))
[ "$("$bin" daemon status --pretty | wc -l)" -gt 10 ] ||
	fail "daemon status --pretty is not indented"

# Health checks: a column for the state, one for the age of the last
# check, then the reasons of those failing.
python3 - "$R/reply.status" <<'PYEOF'
import json, sys, time
then = int(time.time()) - 7205
def h(result, failures, counting, last_check, last_error):
    return {"check": "vsock-port 5000", "interval_ms": 1000, "threshold": 3,
            "watching": True, "result": result, "failures": failures,
            "counting": counting, "checks": 9, "last_check": last_check,
            "last_error": last_error}
def i(name, health):
    return {"name": name, "phase": "running", "state": "running",
            "restart": "on-failure", "restarts": 0, "starts": 1,
            "last_failure": "", "next_restart_ms": 0, "health": health}
json.dump({"pid": 812, "started": 1748779200, "config_dir": "/c", "instances": [
    i("ok", h("ok", 0, True, then + 0.25, "")),
    i("failing", h("failing", 2, True, then, "connect: Connection refused")),
    i("grace", h("failing", 0, False, 0, "the command exited with status 1: \x1b[31mno")),
    i("waiting", h("none", 0, False, 0, "")),
    i("none", None),
    i("odd", 5),
    i("odder", {"result": "weird", "last_check": "now"})]}, open(sys.argv[1], "w"))
PYEOF
expect 0 "cohortd: running, pid 812, since 2025-06-01 12:00:00, config /c
NAME     PHASE    STATE    RESTART     RESTARTS  LAST-FAILURE  NEXT-RESTART  HEALTH           LAST-CHECK
ok       running  running  on-failure         0  -             -             ok               120m ago
failing  running  running  on-failure         0  -             -             failing 2/3      120m ago
grace    running  running  on-failure         0  -             -             failing (grace)  -
waiting  running  running  on-failure         0  -             -             waiting          -
none     running  running  on-failure         0  -             -             -                -
odd      running  running  on-failure         0  -             -             ?                -
odder    running  running  on-failure         0  -             -             ?                -
failing: health: connect: Connection refused
grace: health: the command exited with status 1: \\x1b[31mno" "" daemon status
json_check daemon status -j -- '
h = d["instances"][1]["health"]
assert h["failures"] == 2 and h["result"] == "failing" and h["threshold"] == 3, h
assert d["instances"][4]["health"] is None, d'

# Warm standbys: a line each after the table; wrong types show as "?".
reply status '{"pid": 812, "started": 1748779200, "config_dir": "/c",
 "instances": [
  {"name": "web", "phase": "running", "state": "running",
   "restart": "no", "restarts": 0, "starts": 1, "last_failure": "panic",
   "next_restart_ms": 0, "health": null,
   "standby": {"name": "web.standby", "phase": "ready", "state": "running",
               "takeovers": 2, "last_takeover_ms": 431, "last_failure": ""}},
  {"name": "db", "phase": "running", "state": "running",
   "restart": "no", "restarts": 0, "starts": 1, "last_failure": "",
   "next_restart_ms": 0, "standby": null},
  {"name": "api", "phase": "running", "state": "running",
   "restart": "no", "restarts": 0, "starts": 1, "last_failure": "",
   "next_restart_ms": 0,
   "standby": {"name": "api.standby", "phase": "backoff", "state": "failed",
               "takeovers": 0, "last_takeover_ms": 0, "last_failure": "panic"}},
  {"name": "odd", "phase": "running", "state": "running",
   "restart": "no", "restarts": 0, "starts": 1, "last_failure": "",
   "next_restart_ms": 0, "standby": 3},
  {"name": "odder", "phase": "running", "state": "running",
   "restart": "no", "restarts": 0, "starts": 1, "last_failure": "",
   "next_restart_ms": 0, "standby": {"name": "x\u001b[2J", "takeovers": "1"}}]}'
expect 0 "cohortd: running, pid 812, since 2025-06-01 12:00:00, config /c
NAME   PHASE    STATE    RESTART  RESTARTS  LAST-FAILURE  NEXT-RESTART  HEALTH  LAST-CHECK
web    running  running  no              0  panic         -             -       -
db     running  running  no              0  -             -             -       -
api    running  running  no              0  -             -             -       -
odd    running  running  no              0  -             -             -       -
odder  running  running  no              0  -             -             -       -
web: standby web.standby ready (running), 2 takeovers, the last 431 ms after the failure
api: standby api.standby backoff (failed), 0 takeovers, last failure panic
odd: standby ?
odder: standby x\\x1b[2J ? (?), last failure ?" "" daemon status
json_check daemon status -j -- '
assert d["instances"][0]["standby"]["takeovers"] == 2, d
assert d["instances"][1]["standby"] is None, d'

# A configuration it refused.
reply status '{"pid": 812, "started": 1748779200,
 "config_dir": "/etc/cohort/instances.d",
 "config_errors": ["/etc/cohort/instances.d/a.conf:3: memory: invalid size", 7],
 "instances": []}'
expect 0 "cohortd: running, pid 812, since 2025-06-01 12:00:00, config /etc/cohort/instances.d
NAME  PHASE  STATE  RESTART  RESTARTS  LAST-FAILURE  NEXT-RESTART  HEALTH  LAST-CHECK
config errors (the configuration was refused):
  /etc/cohort/instances.d/a.conf:3: memory: invalid size
  ?" "" daemon status

# Members missing or of the wrong type; text that would drive a terminal.
reply status '{"pid": "812", "started": "yesterday", "config_dir": 5,
 "config_errors": "none",
 "instances": [
  {"name": 7, "phase": null, "restarts": "many", "next_restart_ms": -5,
   "last_failure": "", "restart": ["no"]},
  42,
  {"name": "esc\u001b[31mred", "phase": "x\\y", "state": "running",
   "restart": "no", "restarts": 1.5, "last_failure": "\u00e9",
   "next_restart_ms": 600000},
  {}]}'
expect 0 'cohortd: running, pid ?, since ?, config ?
NAME            PHASE  STATE    RESTART  RESTARTS  LAST-FAILURE  NEXT-RESTART  HEALTH  LAST-CHECK
?               ?      ?        ?               ?  -             ?             -       -
esc\x1b[31mred  x\\y   running  no              ?  \xc3\xa9      in 10m        -       -
?               ?      ?        ?               ?  ?             ?             -       -' \
	"cohort: warning: daemon status: an entry of cohortd's instances is not an object; not shown" \
	daemon status
reply status '{"started": 1e300, "instances": 3}'
expect 0 "cohortd: running, pid ?, since ?, config ?
NAME  PHASE  STATE  RESTART  RESTARTS  LAST-FAILURE  NEXT-RESTART  HEALTH  LAST-CHECK" \
	"cohort: warning: daemon status: cohortd's reply has no list of instances" \
	daemon status
reply status '{"instances": [1, 2]}'
expect 0 "cohortd: running, pid ?, since ?, config ?
NAME  PHASE  STATE  RESTART  RESTARTS  LAST-FAILURE  NEXT-RESTART  HEALTH  LAST-CHECK" \
	"cohort: warning: daemon status: 2 entries of cohortd's instances are not objects; not shown" \
	daemon status
json_check daemon status -j -- 'assert d == {"instances": [1, 2]}, d'

# It refuses the request.
reply status '{"ok": false, "errors": ["unknown request"]}'
expect 1 "" "cohortd: unknown request
cohort: daemon status: cohortd refused the status request" daemon status

# Garbage.
bad="cohort: daemon status: cohortd's reply is not valid"
reply status 'hello'
expect 1 "" "$bad: not JSON" daemon status
expect 1 "" "$bad: not JSON" daemon status -j
reply status '[1, 2]'
expect 1 "" "$bad: not a JSON object" daemon status
reply status '"pid"'
expect 1 "" "$bad: not a JSON object" daemon status
reply status '{"pid": 1} {"pid": 2}'
expect 1 "" "$bad: data after the JSON object" daemon status
reply status '{"pid": 1'
expect 1 "" "$bad: not JSON" daemon status
reply status ''
expect 1 "" "$bad: empty" daemon status
printf '{"pid": 1}\0' >"$R/reply.status"
expect 1 "" "$bad: a NUL byte in it" daemon status
python3 -c 'print("[" * 100000 + "]" * 100000, end="")' >"$R/reply.status"
expect 1 "" "$bad: not JSON" daemon status
# White space after the object is fine.
reply status $'{"pid": 1, "instances": []}\n\n'
expect 0 "cohortd: running, pid 1, since ?, config ?
NAME  PHASE  STATE  RESTART  RESTARTS  LAST-FAILURE  NEXT-RESTART  HEALTH  LAST-CHECK" "" daemon status

# Over the limit (1 MiB), and just under it.
python3 -c '
import sys
pad = " " * (1 << 20)
open(sys.argv[1], "w").write("{\"pid\": 1}" + pad)' "$R/reply.status"
expect 1 "" "cohort: daemon status: cohortd's reply is longer than 1048576 bytes; ignored" \
	daemon status
python3 -c '
import sys
body = "{\"pid\": 1, \"instances\": []}"
open(sys.argv[1], "w").write(body + " " * ((1 << 20) - len(body)))' "$R/reply.status"
expect 0 "cohortd: running, pid 1, since ?, config ?
NAME  PHASE  STATE  RESTART  RESTARTS  LAST-FAILURE  NEXT-RESTART  HEALTH  LAST-CHECK" "" daemon status

# A daemon that never answers: given up after 10 seconds.
touch "$R/hang"
start=$SECONDS
expect 1 "" "cohort: daemon status: cohortd at $SOCK did not answer within 10 seconds" \
	daemon status
checks=$((checks + 1))
t=$((SECONDS - start))
[ $t -ge 9 ] && [ $t -le 13 ] || fail "daemon status gave up after $t s, not 10"
rm -f "$R/hang"

# Usage.
try="Try 'cohort daemon --help' for more information."
expect 2 "" "cohort: daemon: unknown subcommand 'stop' (status)
$try" daemon stop
try="Try 'cohort daemon status --help' for more information."
expect 2 "" "cohort: daemon status: unexpected argument 'web'
$try" daemon status web
expect 2 "" "cohort: daemon status: unknown option '--follow'
$try" daemon status --follow
checks=$((checks + 1))
"$bin" daemon status --help | grep -q 'COHORTD_SOCKET' ||
	fail "daemon status --help: no COHORTD_SOCKET"
requests >/dev/null

# No daemon: a stale socket, then none at all.
stop_faked
python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1])' "$SOCK"
expect 3 "" "cohort: daemon status: cohortd is not running (nothing listens on $SOCK)" \
	daemon status
rm -f "$SOCK"
expect 3 "" "cohort: daemon status: cohortd is not running (no socket at $SOCK)" \
	daemon status
expect 3 "" "cohort: daemon status: cohortd is not running (no socket at $SOCK)" \
	daemon status -j
long=$T/$(printf 'x%.0s' $(seq 120))
COHORTD_SOCKET=$long expect 1 "" \
	"cohort: daemon status: the socket path $long is too long (at most 107 bytes)" \
	daemon status
# Empty: the default.
if [ ! -e /run/cohort/cohortd.sock ]; then
	COHORTD_SOCKET= expect 3 "" \
		"cohort: daemon status: cohortd is not running (no socket at /run/cohort/cohortd.sock)" \
		daemon status
fi

# ---------------------------------------------------------------- events
EV=$COHORT_STATE_DIR/events.jsonl
head="TIME                     INSTANCE  EVENT            REASON         DETAIL"

# No events file yet.
expect 0 "$head" "" events
expect 0 "[]" "" events -j
expect 0 "$head" "" events web

python3 - "$EV" <<'EOF'
import json, sys
good = [
    {"time": 1748779200.25, "instance": "", "event": "daemon-start",
     "detail": "pid 812"},
    {"time": 1748779201.5, "instance": "web", "event": "started"},
    {"time": 1748779260.007, "instance": "web", "event": "failed",
     "reason": "panic",
     "detail": "console kept in /var/lib/cohort/web/console-20250601T120100-panic.log"},
    {"time": 1748779261, "instance": "db", "event": "restarting",
     "reason": "heartbeat", "detail": "after 1000 ms", "attempt": 2},
    {"time": 1748779262.999, "instance": "web", "event": "exited",
     "reason": "", "detail": "status 0\u001b[2J"},
]
lines = [
    json.dumps(good[0]),
    json.dumps(good[1]),
    "not json",
    json.dumps(good[2]),
    '{"time": "x", "event": "failed"}',
    json.dumps(good[3]),
    "[]",
    "",
    "   ",
    '{"time": 1, "event": "x", "detail": "' + "y" * 5000 + '"}',
    '{"event": "started", "instance": "web"}',
    '{"time": 1, "instance": 5, "event": "x"}',
    '{"time": -1, "event": "x"}',
    '{"time": 1, "event": null}',
    '{"time": 1, "event": "x"} trailing',
    json.dumps(good[4]),
]
open(sys.argv[1], "w").write("\n".join(lines) + "\n")
json.dump(good, open(sys.argv[1] + ".good", "w"))
EOF
malformed="cohort: warning: events: 9 malformed lines in $EV skipped"
expect 0 "$head
2025-06-01 12:00:00.250  -         daemon-start     -              pid 812
2025-06-01 12:00:01.500  web       started          -              -
2025-06-01 12:01:00.007  web       failed           panic          console kept in /var/lib/cohort/web/console-20250601T120100-panic.log
2025-06-01 12:01:01.000  db        restarting       heartbeat      after 1000 ms
2025-06-01 12:01:02.999  web       exited           -              status 0\x1b[2J" \
	"$malformed" events
expect 0 "$head
2025-06-01 12:00:01.500  web       started          -              -
2025-06-01 12:01:00.007  web       failed           panic          console kept in /var/lib/cohort/web/console-20250601T120100-panic.log
2025-06-01 12:01:02.999  web       exited           -              status 0\x1b[2J" \
	"$malformed" events web
expect 0 "$head" "$malformed" events nosuch
json_check events -j -- '
good = json.load(open("'"$EV"'.good"))
assert d == good, d'
json_check -j events db -- '
assert len(d) == 1 and d[0]["event"] == "restarting" and d[0]["attempt"] == 2, d'
checks=$((checks + 1))
[ "$("$bin" events -p 2>/dev/null | wc -l)" -gt 20 ] ||
	fail "events --pretty is not indented"
# A last line without its newline is taken as it is.
printf '%s' '{"time": 1748779300, "instance": "web", "event": "stopped"}' >>"$EV"
json_check events -j web -- 'assert d[-1]["event"] == "stopped", d'

# --since: the old ones are too old.
now=$(date +%s)
{
	printf '{"time": %s, "instance": "web", "event": "started"}\n' $((now - 3600))
	printf '{"time": %s.5, "instance": "web", "event": "failed", "reason": "panic"}\n' $((now - 5))
	printf '{"time": %s, "instance": "db", "event": "started"}\n' $((now - 2))
} >"$EV"
json_check events --since 60 -j -- '
assert [e["event"] for e in d] == ["failed", "started"], d'
json_check events --since=60 web -j -- '
assert [(e["instance"], e["event"]) for e in d] == [("web", "failed")], d'
json_check events --since 7200 -j -- 'assert len(d) == 3, d'
json_check events --since 0 -j -- 'assert d == [], d'
checks=$((checks + 1))
[ "$("$bin" events --since 60 | wc -l)" = 3 ] || fail "events --since 60: not 3 lines"

# Usage, and a file that cannot be read.
try="Try 'cohort events --help' for more information."
expect 2 "" "cohort: events: invalid --since 'soon': expected a whole number of seconds from 0 to 4294967295
$try" events --since soon
expect 2 "" "cohort: events: invalid --since '-5': expected a whole number of seconds from 0 to 4294967295
$try" events --since -5
expect 2 "" "cohort: events: option '--since' needs an argument
$try" events --since
expect 2 "" "cohort: events: unexpected argument 'db'
$try" events web db
expect 2 "" "cohort: events: invalid instance name 'bad name': ' ' is not allowed (use letters, digits, '_', '.' and '-')" \
	events 'bad name'
expect 2 "" "cohort: events: option '--follow' given more than once
$try" events -f --follow
rm -f "$EV"
mkdir "$EV"
expect 1 "" "cohort: events: $EV is not a regular file" events
rmdir "$EV"

# -f: lines appended, a truncation, a replaced file; SIGINT ends it.
# wait_for FILE TEXT: until FILE holds a line with TEXT (5 seconds).
wait_for() {
	for _ in $(seq 100); do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}
printf '{"time": 1748779200, "instance": "web", "event": "started"}\n' >"$EV"
"$bin" events -f >"$T/f.out" 2>"$T/f.err" &
fpid=$!
checks=$((checks + 1))
wait_for "$T/f.out" "started" || fail "events -f: the first line did not show"
printf '{"time": 1748779201, "instance": "web", "event": "failed", "reason": "panic"}\n' >>"$EV"
checks=$((checks + 1))
wait_for "$T/f.out" "failed" || fail "events -f: an appended line did not show"
# half a line waits for its end
printf '{"time": 1748779202, "instance": "web", ' >>"$EV"
sleep 0.5
checks=$((checks + 1))
grep -q restarting "$T/f.out" && fail "events -f: half a line was taken"
printf '"event": "restarting", "detail": "after 1000 ms"}\nnot json\n' >>"$EV"
checks=$((checks + 1))
wait_for "$T/f.out" "restarting" || fail "events -f: a completed line did not show"
# truncated, then written again
: >"$EV"
sleep 0.5
printf '{"time": 1748779300, "instance": "db", "event": "adopted"}\n' >>"$EV"
checks=$((checks + 1))
wait_for "$T/f.out" "adopted" || fail "events -f: a line after truncation did not show"
# replaced (rotated)
printf '{"time": 1748779400, "instance": "api", "event": "started"}\n' >"$EV.new"
mv "$EV.new" "$EV"
checks=$((checks + 1))
wait_for "$T/f.out" " api " || fail "events -f: the replacing file was not read"
kill -INT $fpid
wait $fpid
rc=$?
checks=$((checks + 1))
[ $rc = 0 ] || fail "events -f: exit status $rc after SIGINT"
checks=$((checks + 1))
[ "$(cat "$T/f.out")" = "$head
2025-06-01 12:00:00.000  web       started          -              -
2025-06-01 12:00:01.000  web       failed           panic          -
2025-06-01 12:00:02.000  web       restarting       -              after 1000 ms
2025-06-01 12:01:40.000  db        adopted          -              -
2025-06-01 12:03:20.000  api       started          -              -" ] || {
	fail "events -f: the output differs"
	sed 's/^/    /' "$T/f.out"
}
checks=$((checks + 1))
[ "$(cat "$T/f.err")" = "cohort: warning: events: $EV was truncated; reading it from its start
cohort: warning: events: 1 malformed line in $EV skipped" ] || {
	fail "events -f: stderr differs"
	sed 's/^/    /' "$T/f.err"
}

# -f -j with a filter, on a file that does not exist yet; SIGTERM ends it.
rm -f "$EV"
"$bin" events -f -j db >"$T/f.out" 2>"$T/f.err" &
fpid=$!
sleep 0.5
printf '{"time": 1, "instance": "web", "event": "started"}\n{"time": 2, "instance": "db", "event": "started"}\n' >"$EV"
checks=$((checks + 1))
wait_for "$T/f.out" '"db"' || fail "events -f -j: the file made later was not read"
kill -TERM $fpid
wait $fpid
rc=$?
checks=$((checks + 1))
[ $rc = 0 ] || fail "events -f -j: exit status $rc after SIGTERM"
checks=$((checks + 1))
[ "$(cat "$T/f.out")" = '{"time":2,"instance":"db","event":"started"}' ] || {
	fail "events -f -j: the output differs"
	sed 's/^/    /' "$T/f.out"
}
checks=$((checks + 1))
[ -s "$T/f.err" ] && fail "events -f -j: stderr: $(cat "$T/f.err")"

# ---------------------------------------------------------------- apply
C=$T/conf
mkdir -p "$C"
printf '[instance]\ncpus = 2-3\nmemory = 256M\nrestart = on-failure\n' >"$C/web.conf"
printf '[instance]\ncpu-count = 1\nmemory = 128M\nafter = web\n' >"$C/db.conf"
B=$T/bad
mkdir -p "$B"
printf '[instance]\ncpus = 2\n' >"$B/x.conf"

start_faked
requests >/dev/null
reply status '{"pid": 812, "started": 1748779200,
 "config_dir": "/etc/cohort/instances.d", "instances": []}'
reply reload '{"ok": true}'
expect 0 "cohort: apply: cohortd reloaded /etc/cohort/instances.d" \
	"cohort: warning: apply: cohortd reads its own directory, /etc/cohort/instances.d, not $C, which was only checked" \
	apply --dir "$C"
checks=$((checks + 1))
[ "$(requests)" = "status
reload" ] || fail "apply: not a status, then a reload"
json_check apply --dir "$C" -j -- 'assert d == {"ok": True}, d'
requests >/dev/null

# cohortd reads the directory given: nothing to say about it.
reply status '{"pid": 812, "config_dir": "'"$C"'/", "instances": []}'
expect 0 "cohort: apply: cohortd reloaded $C/" "" apply --dir "$C"
COHORT_CONFIG_DIR=$C expect 0 "cohort: apply: cohortd reloaded $C/" "" apply
# It does not say which directory it reads.
reply status '{"pid": 812}'
expect 0 "cohort: apply: cohortd reloaded $C" \
	"cohort: warning: apply: cohortd reads the directory it was started with, not necessarily $C, which was only checked" \
	apply --dir "$C"
reply status '{"pid": 812, "config_dir": "'"$C"'"}'
requests >/dev/null

# It refuses the configuration.
reply reload '{"ok": false, "errors": ["/etc/cohort/instances.d/a.conf:2: cpus: CPU 0 always stays with the primary", "/etc/cohort/instances.d/b.conf:0: not a regular file\u001b[0m", 3]}'
expect 2 "" '/etc/cohort/instances.d/a.conf:2: cpus: CPU 0 always stays with the primary
/etc/cohort/instances.d/b.conf:0: not a regular file\x1b[0m
?
cohort: apply: cohortd refused the configuration (3 errors); nothing changed' \
	apply --dir "$C"
json_check_rc2() {
	checks=$((checks + 1))
	"$bin" apply --dir "$C" -j >"$T/json" 2>"$T/err"
	[ $? = 2 ] || fail "apply -j: refused, but not exit status 2"
	python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert d["ok"] is False and len(d["errors"]) == 3, d' "$T/json" ||
		fail "apply -j: refused: $(cat "$T/json")"
}
json_check_rc2
reply reload '{"ok": false, "errors": "many"}'
expect 2 "" "cohort: apply: cohortd refused the configuration (0 errors); nothing changed" \
	apply --dir "$C"
reply reload '{"ok": false, "errors": ["x.conf:1: one"]}'
expect 2 "" "x.conf:1: one
cohort: apply: cohortd refused the configuration (1 error); nothing changed" \
	apply --dir "$C"

# Replies that say nothing usable.
reply reload '{"reloaded": true}'
expect 1 "" "cohort: apply: cohortd's reply does not say whether it reloaded" apply --dir "$C"
reply reload '{"ok": "yes"}'
expect 1 "" "cohort: apply: cohortd's reply does not say whether it reloaded" apply --dir "$C"
reply reload 'OK'
expect 1 "" "cohort: apply: cohortd's reply is not valid: not JSON" apply --dir "$C"
reply status 'garbage'
expect 1 "" "cohort: apply: cohortd's reply is not valid: not JSON" apply --dir "$C"
checks=$((checks + 1))
[ "$(requests)" = "$(printf 'status\nreload\n%.0s' 1 2 3 4 5 6 7)
status" ] || fail "apply: the requests differ"

# The files are checked first: with an error, cohortd is not asked.
expect 2 "" "$B/x.conf:0: [instance] needs memory = SIZE
cohort: apply: 1 error in $B; nothing was done" apply --dir "$B"
checks=$((checks + 1))
[ -z "$(requests)" ] || fail "apply: cohortd was asked despite errors"

# No daemon.
stop_faked
expect 3 "" "cohort: apply: cohortd is not running (no socket at $SOCK): start it, or use --dry-run" \
	apply --dir "$C"
expect 3 "" "cohort: apply: cohortd is not running (no socket at $SOCK): start it, or use --dry-run" \
	apply --dir "$C" -j
checks=$((checks + 1))
"$bin" apply --help | grep -q 'cohortd reloaded' || fail "apply --help: no word of cohortd"

echo "$checks checks, $failures failed"
[ $failures = 0 ]
