# cohortd: a warm standby is ready only once its instance's health check
# passes on it.  web declares a vsock-port check and standby = yes; the
# standby's service (its init sees cohort.standby) listens only once
# told to.  Meanwhile web.standby runs but is not ready (phase
# "starting", no standby-ready event); told to listen, it becomes ready.
# Its service killed, threshold failed checks make it not ready again,
# and a crash of web then goes to web's restart policy, not to a
# takeover; once its service listens again, it is ready again.  A
# takeover counts towards restart-limit: with a limit of 2, a restart
# and a takeover, the next failure makes cohortd give up.
# vm: --smp 4 --mem 2G --append cohort_pool=768M
# timeout: 400
set -u
. /tests/vm/lib/common.sh
. /tests/vm/lib/cohortd.sh

mkdir -p $C
# crash_web: panic web's kernel through cohort exec, again until it went
# (an exec right after a boot may find its server not listening yet).
crash_web() {
	local id0 s0 n=0
	id0=$(attr web id) s0=$(attr web starts)
	while [ $n -lt 10 ] && [ "$(attr web id)" = "$id0" ] && [ "$(attr web starts)" = "$s0" ] &&
		state_is web running; do
		cohort exec web -- sh -c 'echo c >/proc/sysrq-trigger' >/dev/null 2>&1
		sleep 1
		n=$((n + 1))
	done
}
make_initrd web <<'CMD'
if grep -q cohort.standby /proc/cmdline; then
	while [ ! -e /tmp/go ]; do sleep 0.2; done
fi
socat VSOCK-LISTEN:5000,fork,reuseaddr SYSTEM:'echo $(hostname)' &
echo "$(hostname) serving"
CMD
cat >$C/web.conf <<EOF
[instance]
cpus = 1
memory = 128M
kernel = /boot/bzImage
initrd = /tmp/initrd-web
restart = on-failure
restart-backoff = 500
restart-limit = 2
restart-window = 600
standby = yes

[health]
vsock-port = 5000
interval = 300
threshold = 2
EOF
cohortd --config-dir $C >/tmp/cohortd.log 2>&1 &
dpid=$!
wait_for 120 state_is web running || die "web did not start: $(tail -n 5 /tmp/cohortd.log)"
wait_for 150 state_is web.standby running || die "no web.standby: $(tail -n 5 /tmp/cohortd.log)"
sleep 5
[ "$(phase web.standby)" = starting ] && [ "$(ev web standby-ready)" = 0 ] &&
	ok "web.standby runs, its service silent: not ready ($(cohort daemon status | grep '^web: standby'))" ||
	bad "a standby without its service: phase $(phase web.standby), $(ev web standby-ready) standby-ready"

cohort exec web.standby -- touch /tmp/go || bad "exec touch"
wait_for 30 ev_is web standby-ready 1 && [ "$(phase web.standby)" = ready ] &&
	ok "its service listens: ready ($(grep standby-ready $S/events.jsonl | tail -n 1 | grep -o '"detail":"[^"]*"'))" ||
	bad "after go: phase $(phase web.standby), $(ev web standby-ready) standby-ready"

cohort exec web.standby -- killall socat || bad "exec killall"
wait_for 30 sh -c '[ "$(cohort daemon status -j | grep -o "\"name\":\"web.standby\",\"phase\":\"[a-z-]*\"")" = "\"name\":\"web.standby\",\"phase\":\"starting\"" ]' &&
	ok "its service killed: not ready ($(grep 'not ready' /tmp/cohortd.log | tail -n 1))" ||
	bad "after killall: phase $(phase web.standby)"
s_web=$(attr web starts)
crash_web
wait_for 90 ev_is web restarted 1 && wait_for 60 state_is web running &&
	[ "$(attr web starts)" = $((s_web + 1)) ] && [ "$(ev web took-over)" = 0 ] &&
	ok "web's crash healed by its restart policy, no takeover" ||
	bad "crash: $(grep '"web"' $S/events.jsonl | tail -n 3)"

cohort exec web.standby -- sh -c 'socat VSOCK-LISTEN:5000,fork,reuseaddr SYSTEM:hostname >/dev/null 2>&1 &' ||
	bad "exec socat"
wait_for 30 ev_is web standby-ready 2 && ok "listening again: ready again" ||
	bad "phase $(phase web.standby), $(ev web standby-ready) standby-ready"

# A takeover counts as a restart: web was restarted once, the takeover
# makes two, so at the next failure (its new standby, waiting for
# /tmp/go, is not ready) cohortd gives up (restart-limit = 2).
s_web=$(attr web starts)
crash_web
wait_for 60 ev_is web took-over 1 && wait_for 60 state_is web running &&
	[ "$(cohort exec web -- hostname 2>/dev/null)" = web.standby ] &&
	ok "a crash with the standby ready: taken over" ||
	bad "takeover: $(grep '"web"' $S/events.jsonl | tail -n 3)"
wait_for 150 state_is web.standby running || bad "no new web.standby"
crash_web
wait_for 60 ev_is web gave-up 1 && [ "$(ev web restarted)" = 1 ] && [ "$(ev web took-over)" = 1 ] &&
	ok "the next failure: gave up ($(grep '"gave-up"' $S/events.jsonl | grep -o '"detail":"[^"]*"'))" ||
	bad "at the limit: $(grep '"web"' $S/events.jsonl | tail -n 3)"

kill $dpid
wait $dpid
for n in web web.standby; do cohort stop --force $n >/dev/null 2>&1; cohort delete $n || bad "delete $n"; done
[ -z "$(ls $I)" ] && ok "no instance left" || bad "left: $(ls $I)"
[ "$failed" = 0 ] || { echo "--- cohortd's log:"; tail -n 40 /tmp/cohortd.log; }
exit_if_failed cohortd-standby-health
echo "cohortd-standby-health: a standby is ready only while its health check passes"
