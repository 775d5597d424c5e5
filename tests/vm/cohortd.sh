# cohortd: declared instances started in dependency order and kept
# running.  A panic (sysrq c), a hang with interrupts off (LKDTM
# HARDLOCKUP: the heartbeat stops) and a power-off nobody asked for are each
# healed by the restart policy, with the failed kernel's console and a
# memory dump makedumpfile reads kept (dump-keep, dump = no honoured) and
# the cause in the events; one that fails at every boot is restarted with
# growing delays and given up at restart-limit; a stop asked by a user is
# left alone; cohortd killed and started again adopts what runs without
# touching it; a bad file on reload is refused with file, line and
# reason and changes nothing; stop_reason says why each stopped.
# vm: --smp 4 --mem 2G --append cohort_pool=768M
# timeout: 600
set -u
. /tests/vm/lib/common.sh
. /tests/vm/lib/cohortd.sh

mkdir -p $C

# c fails at every boot: its init panics at once.
make_initrd c <<'EOF'
echo c >/proc/sysrq-trigger
EOF
cp /tmp/initrd-c /tmp/initrd-panics
cat >$C/a.conf <<EOF
# a: a shell on its console, healed when it fails
[instance]
cpu-count = 1
memory = 128M
kernel = /boot/bzImage
initrd = /boot/instance-initrd.cpio.gz
cmdline = quiet cohort.shell
restart = on-failure
restart-backoff = 500
EOF
cat >$C/b.conf <<EOF
[instance]
cpu-count = 1
memory = 128M
kernel = /boot/bzImage
initrd = /boot/instance-initrd.cpio.gz
cmdline = quiet cohort.shell
after = a
restart = always
restart-backoff = 500
dump = no
EOF
cat >$C/c.conf <<EOF
[instance]
cpu-count = 1
memory = 128M
kernel = /boot/bzImage
initrd = /tmp/initrd-panics
restart = on-failure
restart-limit = 2
restart-backoff = 1000
restart-backoff-max = 4000
dump-keep = 1
EOF
out=$(cohort apply --dry-run --dir $C 2>&1) && echo "$out" | grep -q "^create a" &&
	ok "cohort apply --dry-run: $(echo "$out" | tr '\n' ';' | cut -c1-90)" || bad "dry run: $out"

cohortd --config-dir $C >/tmp/cohortd.log 2>&1 &
dpid=$!
wait_for 120 state_is a running || die "a did not start: $(tail -n 5 /tmp/cohortd.log)"
wait_for 120 state_is b running || die "b did not start: $(tail -n 5 /tmp/cohortd.log)"
ta=$(grep -n '"instance":"a","event":"started"' $S/events.jsonl | head -n 1 | cut -d: -f1)
tb=$(grep -n '"instance":"b","event":"started"' $S/events.jsonl | head -n 1 | cut -d: -f1)
[ -n "$ta" ] && [ -n "$tb" ] && [ "$ta" -lt "$tb" ] && ok "a started before b (after = a)" ||
	bad "order: a at $ta, b at $tb"
cohort daemon status | grep -q "^a " && ok "cohort daemon status lists them" ||
	bad "status: $(cohort daemon status 2>&1)"
# The control socket: root only; an unknown or endless request is refused.
[ "$(stat -c %a /run/cohort/cohortd.sock)" = 600 ] && ok "control socket mode 0600" ||
	bad "socket mode $(stat -c %a /run/cohort/cohortd.sock)"
ans=$(echo bogus | socat -t 3 - UNIX-CONNECT:/run/cohort/cohortd.sock)
echo "$ans" | grep -q '"ok":false.*unknown request' && ok "an unknown request: $ans" || bad "bogus: $ans"
ans=$(head -c 5000 /dev/zero | tr '\0' x | socat -t 3 - UNIX-CONNECT:/run/cohort/cohortd.sock)
echo "$ans" | grep -q 'unknown request' && state_is a running && ok "an over-long request refused, daemon still serving" ||
	bad "long request: $ans"

# c: fails at each boot; restarted twice with growing delays, then given up.
wait_for 120 ev_is c gave-up 1 && ok "c gave up after its restart-limit" ||
	bad "c: $(grep '"c"' $S/events.jsonl | tail -n 3)"
[ "$(ev c restarted)" = 2 ] && [ "$(ev c failed)" = 3 ] &&
	ok "c: 3 failures, 2 restarts, then no more" || bad "c: $(ev c failed) failures $(ev c restarted) restarts"
d=$(grep -o '"instance":"c","event":"restarting","reason":"panic","detail":"in [0-9]*' $S/events.jsonl |
	sed 's/.*in //' | tr '\n' ' ')
[ "$d" = "1000 2000 " ] && ok "c's delays doubled: $d ms" || bad "c's delays: '$d'"
[ "$(attr c stop_reason)" = panic ] && ok "c's stop_reason: panic" || bad "c stop_reason $(attr c stop_reason)"
ls $S/c/console-*-panic.log >/dev/null 2>&1 && grep -q "Kernel panic" $S/c/console-*-panic.log &&
	ok "c's consoles kept, with the panic in them" || bad "c: no console kept: $(ls $S/c)"
[ "$(ls $S/c/vmcore-*-panic 2>/dev/null | wc -l)" = 1 ] && ok "c: one memory dump kept (dump-keep = 1)" ||
	bad "c's dumps: $(ls $S/c)"
grep '"instance":"c","event":"failed"' $S/events.jsonl | tail -n 1 | grep -q "memory dump" &&
	bad "c's last failure, after which it gave up, names a dump no job takes" ||
	ok "c's last failure (it gave up) names no dump"

# a: panics once: healed.
s0=$(attr a starts)
type_in a 'echo c >/proc/sysrq-trigger'
wait_for 60 ev_is a restarted 1 && wait_for 60 state_is a running &&
	[ "$(attr a starts)" = $((s0 + 1)) ] && ok "a panicked and was restarted" ||
	bad "a: $(grep '"a"' $S/events.jsonl | tail -n 3)"
grep -q '"instance":"a","event":"failed","reason":"panic"' $S/events.jsonl &&
	ok "the event says panic" || bad "a's failure event"
f=$(ls $S/a/console-*-panic.log 2>/dev/null | head -n 1)
[ -n "$f" ] && grep -q "sysrq" "$f" && ok "a's console before the restart kept: $f" || bad "a: console not kept"
f=$(ls $S/a/vmcore-*-panic 2>/dev/null | head -n 1)
[ -n "$f" ] && makedumpfile --dump-dmesg "$f" /tmp/a.dmesg >/dev/null 2>&1 &&
	grep -q "sysrq triggered crash" /tmp/a.dmesg &&
	ok "a's memory dumped before the restart ($f): makedumpfile reads the panic from it" ||
	bad "a: no usable dump: $(ls $S/a); $(tail -n 3 $S/a/job.log)"
rm -f /tmp/a.dmesg
grep -q '"instance":"a","event":"failed","reason":"panic","detail":"[^"]*memory dump to ' $S/events.jsonl &&
	ok "the failure event names the dump" || bad "a's failure event names no dump"

# a: hangs with interrupts off (LKDTM HARDLOCKUP): its heartbeat stops,
# the kernel marks it failed, cohortd takes its CPUs back and restarts it.
type_in a 'mount -t debugfs none /sys/kernel/debug; echo HARDLOCKUP >/sys/kernel/debug/provoke-crash/DIRECT'
wait_for 90 ev_is a restarted 2 && wait_for 60 state_is a running &&
	grep -q '"instance":"a","event":"failed","reason":"heartbeat"' $S/events.jsonl &&
	ls $S/a/console-*-heartbeat.log >/dev/null 2>&1 &&
	ok "a hung with interrupts off: heartbeat lost, console kept, restarted" ||
	bad "a after the hang: $(grep '"a"' $S/events.jsonl | tail -n 3)"

# b: powers off unasked: restart = always brings it back.
type_in b 'poweroff -f'
wait_for 60 ev_is b restarted 1 && wait_for 60 state_is b running &&
	grep -q '"instance":"b","event":"failed","reason":"poweroff"' $S/events.jsonl &&
	ok "b powered off unasked and was restarted" || bad "b: $(grep '"b"' $S/events.jsonl | tail -n 3)"
ls $S/b/vmcore-* >/dev/null 2>&1 && bad "b has dump = no, yet: $(ls $S/b)" || ok "b: no dump (dump = no)"

# A stop a user asks for is left alone.
cohort stop a >/dev/null
sleep 2
[ "$(attr a stop_reason)" = stop ] && state_is a stopped && [ "$(ev a restarted)" = 2 ] &&
	[ "$(phase a)" = stopped ] && ok "cohort stop a: stop_reason stop, not restarted" ||
	bad "a after a stop: $(attr a state) $(attr a stop_reason) phase $(phase a)"

# cohortd killed: what runs is adopted, untouched.
sb=$(attr b starts)
kill -9 $dpid
wait $dpid 2>/dev/null
cohortd --config-dir $C >>/tmp/cohortd.log 2>&1 &
dpid=$!
wait_for 20 ev_is b adopted 1 && [ "$(attr b starts)" = "$sb" ] && state_is b running &&
	ok "a new cohortd adopted b without restarting it" || bad "adopt: $(grep '"b"' $S/events.jsonl | tail -n 2)"
[ "$(phase a)" = stopped ] && ok "and left the stopped a alone" || bad "a: phase $(phase a)"

# A bad file: refused with file, line and reason; nothing changes.
printf '[instance]\ncpu-count = 1\nmemory = lots\n' >$C/d.conf
out=$(cohort apply --dir $C 2>&1); st=$?
[ $st = 2 ] && echo "$out" | grep -q "d.conf:3: " && ok "cohort apply refuses d.conf: $(echo "$out" | grep d.conf | head -n 1)" ||
	bad "apply: $st $out"
kill -HUP $dpid
wait_for 10 sh -c "grep -q 'config-error.*d.conf:3' $S/events.jsonl" &&
	ok "SIGHUP with a bad file: refused, logged with file and line" || bad "no config-error event"
cohort daemon status | grep -q "d.conf:3" && ok "daemon status shows the error" || bad "status: no error"
[ ! -e $I/d ] && state_is b running && [ "$(attr b starts)" = "$sb" ] && ok "nothing changed" || bad "changed"
rm $C/d.conf
out=$(cohort apply --dir $C 2>&1) && ok "cohort apply (reload): $out" || bad "apply: $out"

kill $dpid
wait $dpid
grep -q '"event":"daemon-stop"' $S/events.jsonl && state_is b running &&
	ok "cohortd exits on SIGTERM and leaves b running" || bad "after SIGTERM"
cohort events b | grep -q restarted && ok "cohort events b: $(cohort events b | wc -l) lines" ||
	bad "cohort events: $(cohort events b 2>&1 | tail -n 2)"
for n in a b c; do
	cohort stop --force $n >/dev/null 2>&1
	cohort delete $n || bad "delete $n"
done
[ -z "$(ls $I)" ] && ok "no instance left" || bad "left: $(ls $I)"
[ "$failed" = 0 ] || { echo "--- cohortd's log:"; tail -n 40 /tmp/cohortd.log; }
exit_if_failed cohortd
echo "cohortd: declared instances started in order, healed, adopted"
