# cohortd health checks ([health]): a vsock-port check passes while the
# instance's service listens; once it is killed (through cohort exec),
# threshold failed checks in a row make the instance failed with reason
# "health": its console is kept, it is stopped and started again by its
# restart policy, and passes again.  A tcp-port check connects over the
# instance's link to its [net] address.  A command check (cohort exec in
# the instance) that passes leaves the instance untouched for ten
# intervals; while one hangs, cohortd still answers at once and checks
# the others; when the command fails, the instance is restarted with the
# command's status as the reason.  cohort daemon status shows each
# check's state, failures in a row and the time of the last check.
# vm: --smp 4 --mem 2G --append cohort_pool=768M
# timeout: 400
set -u
. /tests/vm/lib/common.sh
. /tests/vm/lib/cohortd.sh

mkdir -p $C
# health NAME: its "health" object in cohort daemon status -j, one line
health() { cohort daemon status -j | grep -o "\"name\":\"$1\",[^{]*\"health\":{[^}]*}"; }
result_is() { health "$1" | grep -q "\"result\":\"$2\""; }	# NAME ok|failing|none
checks() { health "$1" | sed 's/.*"checks":\([0-9]*\).*/\1/'; }
ip() { /usr/sbin/ip "$@"; }

# v: a vsock service, its check every 300 ms.
make_initrd v <<'EOF'
socat -u VSOCK-LISTEN:5000,fork,reuseaddr /dev/null &
EOF
# t: a TCP service on its link's address.
make_initrd t <<'EOF'
socat -u TCP-LISTEN:8080,fork,reuseaddr /dev/null &
EOF
# c: healthy while /tmp/healthy exists (made at each boot); the first
# check after /tmp/slow is made hangs.
make_initrd c <<'EOF'
touch /tmp/healthy
EOF
for n in v t c; do
	cat >$C/$n.conf <<EOF
[instance]
cpu-count = 1
memory = 128M
kernel = /boot/bzImage
initrd = /tmp/initrd-$n
restart = on-failure
restart-backoff = 500
EOF
done
cat >>$C/v.conf <<EOF

[health]
vsock-port = 5000
interval = 300
threshold = 3
EOF
cat >>$C/t.conf <<EOF

[net]
link = yes
address = 169.254.7.2/16

[health]
tcp-port = 8080
interval = 300
EOF
cat >>$C/c.conf <<EOF

[health]
command = if test -e /tmp/slow; then rm /tmp/slow; sleep 60; fi; test -e /tmp/healthy
interval = 500
threshold = 2
EOF
out=$(cohort apply --dry-run --dir $C 2>&1) || die "the files are refused: $out"

cohortd --config-dir $C >/tmp/cohortd.log 2>&1 &
dpid=$!
for n in v t c; do
	wait_for 120 state_is $n running || die "$n did not start: $(tail -n 5 /tmp/cohortd.log)"
done
# The primary's end of t's link, so that its address can be reached.
wait_for 30 test -e /sys/class/net/coh-t || die "no coh-t"
ip addr add 169.254.7.1/16 dev coh-t && ip link set coh-t up || bad "coh-t setup"

# 1. Every check passes.
for n in v t c; do
	wait_for 90 result_is $n ok && ok "$n: its check passes ($(health $n | grep -o '"check":"[^"]*"'))" ||
		bad "$n: $(health $n)"
done
cohort daemon status | tee /tmp/status
grep -Eq '^v .* ok +[0-9]+ms ago$' /tmp/status && ok "daemon status: HEALTH ok, LAST-CHECK an age" ||
	bad "daemon status: $(cat /tmp/status)"
s0=$(attr c starts) n0=$(checks c)
sleep 5
n1=$(checks c)
[ "$(attr c starts)" = "$s0" ] && [ $((n1 - n0)) -ge 3 ] && result_is c ok && [ "$(ev c failed)" = 0 ] &&
	ok "c: a command check that passes: $((n1 - n0)) checks in 5 s, instance untouched" ||
	bad "c: starts $s0 -> $(attr c starts), checks $n0 -> $n1: $(health c)"

# 2. A command that hangs: cohortd still answers, the other checks go on.
cohort exec c touch /tmp/slow || bad "touch /tmp/slow"
sleep 1
v0=$(checks v)
t0=$(date +%s)
for i in 1 2 3 4 5; do cohort daemon status >/dev/null || bad "daemon status"; sleep 0.5; done
t=$(($(date +%s) - t0))
v1=$(checks v)
[ $t -le 5 ] && [ $((v1 - v0)) -ge 3 ] &&
	ok "while c's command hangs, cohortd answers (5 requests in ${t}s) and checks v ($((v1 - v0)) checks)" ||
	bad "blocked: ${t}s, v's checks $v0 -> $v1"
# (the next check passes at once: the log keeps what status showed briefly)
wait_for 20 grep -q "c: health check failed: the command ran longer than 10000 ms" /tmp/cohortd.log &&
	ok "c: the hung command timed out after 10 s: one failure" ||
	bad "c timeout: $(health c); $(grep ' c: ' /tmp/cohortd.log | tail -n 3)"
wait_for 30 result_is c ok && health c | grep -q '"failures":0' && [ "$(ev c failed)" = 0 ] &&
	[ "$(attr c starts)" = "$s0" ] &&
	ok "c: one failure of 2, then a pass: the count cleared, the instance untouched" ||
	bad "c: $(health c)"

# 3. c's command fails: threshold 2, restarted with reason health.
s0=$(attr c starts)
cohort exec c rm /tmp/healthy || bad "rm /tmp/healthy"
wait_for 60 ev_is c restarted 1 && wait_for 60 result_is c ok &&
	[ "$(attr c starts)" = $((s0 + 1)) ] && ok "c: its command failed twice: restarted, passing again" ||
	bad "c: $(grep '"c"' $S/events.jsonl | tail -n 4)"
grep -q '"instance":"c","event":"failed","reason":"health","detail":"2 health checks in a row failed, the last: the command exited with status 1' $S/events.jsonl &&
	ok "c: the event says health, and the command's status" ||
	bad "c's event: $(grep '"c","event":"failed"' $S/events.jsonl)"

# 4. v's service is killed: 3 failures at 300 ms, restarted, passing again.
s0=$(attr v starts)
cohort exec v killall socat || bad "killall socat"
wait_for 60 ev_is v restarted 1 && wait_for 60 result_is v ok &&
	[ "$(attr v starts)" = $((s0 + 1)) ] &&
	ok "v: its service killed: failed, restarted, its check passes again" ||
	bad "v: $(grep '"v"' $S/events.jsonl | tail -n 4)"
grep -q '"instance":"v","event":"failed","reason":"health","detail":"3 health checks in a row failed, the last: connect: Connection refused; console kept in /var/lib/cohort/v/console-' $S/events.jsonl &&
	ok "v: the event says health, the refused connection and the kept console" ||
	bad "v's event: $(grep '"v","event":"failed"' $S/events.jsonl)"
grep -q '"instance":"v","event":"restarting","reason":"health"' $S/events.jsonl &&
	ok "v: restarted by its policy (restarting, reason health)" || bad "v: no restarting event"
f=$(ls $S/v/console-*-health.log 2>/dev/null | head -n 1)
[ -n "$f" ] && grep -q "cohort-instance: v init running" "$f" &&
	ok "v: its console before the restart kept: ${f##*/}" || bad "v: console not kept: $(ls $S/v)"
cohort daemon status -j | grep -q '"name":"v","phase":"running".*"last_failure":"health"' &&
	ok "v: daemon status says its last failure was health" || bad "v status: $(cohort daemon status)"
[ "$(ev t failed)" = 0 ] && result_is t ok && ok "t: untouched all along, passing" || bad "t: $(health t)"

# cohortd goes; the instances run on.
kill $dpid
wait_for 10 sh -c '! pidof cohortd' || bad "cohortd did not stop"
for n in v t c; do state_is $n running || bad "$n: $(attr $n state) after cohortd stopped"; done
exit_if_failed cohortd-health
echo "cohortd-health: vsock, TCP and command checks; failures healed by the restart policy"
