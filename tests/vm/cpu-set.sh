# CPUs moved between the primary and a running instance (cohort set).
# The instance runs a workload on every CPU it has that checks its own
# results, and prints which CPUs its kernel has online.  CPUs are added
# (+LIST) and taken away (-LIST) while it runs: its kernel brings them up
# and takes them down, the primary takes them offline and gets them back
# online, and the workload never sees a wrong result.  --dry-run changes
# nothing; the instance's boot CPU, CPU 0 and a CPU given to another
# instance are refused and change nothing.  A change that fails half way
# (the instance's kernel, booted with nr_cpus=2, cannot bring up a second
# new CPU) is undone: the instance and the primary have the CPUs they had.
# An instance kernel that answers with garbage or claims what it did not
# do changes nothing in the primary but which CPUs it lists for it.  A
# setup record with a spoiled spare list leaves the instance running
# without CPUs to take.  --max-cpus bounds what its kernel is told of and
# what it can be given.  A hundred grow/shrink cycles leave the primary's
# memory and CPUs as they were.
# vm: --smp 4 --mem 1G --append cohort_pool=384M
# timeout: 600
set -u
. /tests/vm/lib/common.sh

# The workload: one checker per CPU it has, and its online CPUs twice a
# second.  A checker hashes the same data over and over and says BAD if
# the hash ever differs.
make_initrd w <<'EOF'
head -c 262144 /dev/zero | tr '\0' 'x' >/tmp/data
want=$(sha256sum </tmp/data)
check() {
	n=0
	while :; do
		[ "$(sha256sum </tmp/data)" = "$want" ] || echo "WORK BAD on $1"
		n=$((n + 1))
		[ $((n % 50)) = 0 ] && echo "WORK ok $1 $n"
	done
}
for i in 1 2 3 4; do check $i & done
while :; do
	echo "ONLINE $(cat /sys/devices/system/cpu/online)"
	sleep 0.5
done
EOF

I=/sys/kernel/cohort/instances
# sees_online NAME LIST: the instance's last report of its online CPUs.
sees_online() {
	[ "$(cohort log "$1" | tr -d '\r' | sed -n 's/^ONLINE //p' | tail -n 1)" = "$2" ]
}
expect_online() { # NAME LIST WHAT
	if wait_for 60 sees_online "$1" "$2"; then
		ok "$3: $1 has CPUs $2 online"
	else
		bad "$3: $1 reports $(cohort log "$1" | sed -n 's/^ONLINE //p' | tail -n 1), expected $2"
	fi
}
# state_was CPUS PRIMARY: the instance's CPUs and the primary's online set.
state_was() {
	[ "$(attr w cpus)" = "$1" ] && [ "$(online)" = "$2" ]
}
check_state() { # CPUS PRIMARY WHAT
	if state_was "$1" "$2"; then
		ok "$3: w has CPUs $1, the primary $2"
	else
		bad "$3: w has CPUs $(attr w cpus), the primary $(online); expected $1 and $2"
	fi
}

mem_total() { awk '/^MemTotal:/ { print $2 }' /proc/meminfo; }
mem0=$(mem_total)

cohort create w --cpus 1 --memory 160M || die "cohort create w"
cohort load w --kernel /boot/bzImage --initrd /tmp/initrd-w || die "cohort load w"
start_to_init w 1
expect_online w 0 "started"
check_state 1 0,2-3 "started"

# A dry run checks and says what it would do, and changes nothing.
out=$(cohort set w --cpus +2 --dry-run 2>&1) || bad "dry run: $out"
echo "$out"
echo "$out" | grep -q "^would set w: CPUs 1 -> 1-2" || bad "dry run said: $out"
check_state 1 0,2-3 "dry run"

# Grow, one CPU at a time, then two at once; shrink.
out=$(cohort set w --cpus +2 2>&1) || die "cohort set w --cpus +2: $out"
echo "$out"
check_state 1-2 0,3 "+2"
expect_online w 0-1 "+2"
out=$(cohort set w --cpus +3 -j 2>&1) || die "cohort set w --cpus +3: $out"
echo "$out" | grep -q '"cpus":"1-3"' || bad "set -j said: $out"
check_state 1-3 0 "+3"
expect_online w 0-2 "+3"
cohort set w --cpus -2 || die "cohort set w --cpus -2"
check_state 1,3 0,2 "-2"
expect_online w 0,2 "-2"
cohort set w --cpus 1 || die "cohort set w --cpus 1"
check_state 1 0,2-3 "set to 1"
expect_online w 0 "set to 1"

# Refusals: nothing changes.
refused() { # WHAT PATTERN ARGS...: refused, saying PATTERN; nothing changed
	local what=$1 pat=$2 out
	shift 2
	if out=$(cohort set "$@" 2>&1); then
		bad "$what: accepted: $out"
	elif ! echo "$out" | grep -q -- "$pat"; then
		bad "$what: said: $out"
	elif ! state_was 1 0,2-3; then
		bad "$what: changed w to $(attr w cpus), the primary to $(online)"
	else
		ok "$what refused: $out"
	fi
}
refused "the boot CPU" "boot CPU of instance 'w'" w --cpus 2
refused "CPU 0" "CPU 0 always stays with the primary" w --cpus +0
refused "no CPU left" "at least one" w --cpus -1
refused "a CPU not present" "not present" w --cpus +9
cohort create x --cpus 3 --memory 64M || die "cohort create x"
refused "another instance's CPU" "already given to instance 'x'" w --cpus +3
cohort delete x || die "cohort delete x"
refused "an unknown instance" "no such instance" nosuch --cpus 1
refused "bad list" "" w --cpus 1-
refused "no --cpus" "" w

# 100 grow/shrink cycles: the primary's memory and CPUs as they were.
i=0 fails=0
while [ $i -lt 100 ]; do
	cohort set w --cpus +2-3 >/dev/null || fails=$((fails + 1))
	cohort set w --cpus -2-3 >/dev/null || fails=$((fails + 1))
	i=$((i + 1))
done
[ $fails = 0 ] && ok "100 grow/shrink cycles" || bad "$fails of 200 changes failed"
check_state 1 0,2-3 "after the cycles"
expect_online w 0 "after the cycles"
[ "$(mem_total)" = "$mem0" ] && ok "the primary's MemTotal is back: $mem0 kB" ||
	bad "MemTotal $mem0 kB before, $(mem_total) kB after"

cohort log w | grep -q "WORK BAD" && bad "the workload saw a wrong result" ||
	ok "the workload never saw a wrong result ($(cohort log w | grep -c '^WORK ok') reports)"
for n in 1 2 3 4; do
	cohort log w | grep -q "^WORK ok $n " || bad "checker $n never reported"
done

# Half way: w's kernel allows 2 CPUs (nr_cpus=2), so of 2 and 3 only the
# first comes up; the change is undone.
cohort stop w || die "cohort stop w"
cohort load w --kernel /boot/bzImage --initrd /tmp/initrd-w --cmdline nr_cpus=2 ||
	die "cohort load w nr_cpus=2"
start_to_init w 1
out=$(cohort set w --cpus 1-3 2>&1) && bad "a change w's kernel cannot make worked: $out"
echo "$out"
echo "$out" | grep -q "did not bring up CPU 3 (-ENOSPC)" || bad "the failure said: $out"
check_state 1 0,2-3 "failed half way"
expect_online w 0 "failed half way"
cohort log w | grep -q "CPU 1 (APIC ID [0-9]*) given by the primary is up" &&
	ok "CPU 2 came up in w before the failure" ||
	bad "w's kernel never brought up the first CPU"
cohort set w --cpus +2 || bad "w cannot take a CPU after the undo"
check_state 1-2 0,3 "after the undo, +2"
cohort stop w || die "cohort stop w"
check_state 1-2 0-3 "stopped: w keeps its set, the primary runs them"
cohort set w --cpus 3 || bad "set a stopped instance's CPUs"
check_state 3 0-3 "stopped, set to 3"
cohort delete w || die "cohort delete w"
[ "$(online)" = 0-3 ] && ok "all CPUs back: $(online)" || bad "online after delete: $(online)"

# A lying kernel (the test interface stands in for root with a hostile
# kernel): it answers the first request with garbage and the second with
# a success it did not do.  The primary refuses the first and undoes it,
# records the second (the CPU sits unused, offline in the primary), gets
# the CPU back on the next honest request, and never oopses.
make_initrd liar <<'EOF2'
mount -t debugfs none /sys/kernel/debug
echo 12345 0 >/sys/kernel/debug/cohort/cpu_lie && echo "lies armed"
while :; do echo "ONLINE $(cat /sys/devices/system/cpu/online)"; sleep 0.5; done
EOF2
cohort create liar --cpus 1 --memory 128M || die "cohort create liar"
cohort load liar --kernel /boot/bzImage --initrd /tmp/initrd-liar || die "cohort load liar"
start_to_init liar 1
wait_for 30 console_has liar "lies armed" || die "liar could not arm its lies"
out=$(cohort set liar --cpus +2 2>&1) && bad "a garbage answer was taken: $out"
echo "$out" | grep -q "did not bring up CPU 2 (-EPROTO)" && ok "garbage answer refused: $out" ||
	bad "garbage answer: $out"
[ "$(attr liar cpus)" = 1 ] && [ "$(online)" = 0,2-3 ] && ok "garbage answer: nothing changed" ||
	bad "garbage answer: liar has $(attr liar cpus), the primary $(online)"
cohort set liar --cpus +3 || bad "a claimed success was not taken"
[ "$(attr liar cpus)" = 1,3 ] && [ "$(online)" = 0,2 ] &&
	ok "claimed success: CPU 3 is liar's, offline in the primary" ||
	bad "claimed success: liar has $(attr liar cpus), the primary $(online)"
expect_online liar 0 "claimed success, nothing done"
cohort set liar --cpus -3 || bad "CPU 3 back from the liar"
[ "$(attr liar cpus)" = 1 ] && [ "$(online)" = 0,2-3 ] && ok "CPU 3 back in the primary" ||
	bad "after -3: liar has $(attr liar cpus), the primary $(online)"
cohort stop liar || die "cohort stop liar"
cohort delete liar || die "cohort delete liar"
[ "$(online)" = 0-3 ] || bad "online after the liar: $(online)"

# A record whose spare list names the instance's own boot CPU (the test
# interface spoils the next record, as a buggy primary would): its kernel
# says so, runs, and takes no CPU; the primary undoes the refused change.
make_initrd spoil <<'EOF2'
while :; do echo "ONLINE $(cat /sys/devices/system/cpu/online)"; sleep 0.5; done
EOF2
mount_debugfs
echo spare >/sys/kernel/debug/cohort/setup_mangle || die "setup_mangle"
cohort create spoil --cpus 1 --memory 128M || die "cohort create spoil"
cohort load spoil --kernel /boot/bzImage --initrd /tmp/initrd-spoil || die "cohort load spoil"
start_to_init spoil 1
cohort log spoil | grep -q "inconsistent spare CPUs in the setup record" &&
	ok "spoiled spare list: seen by the instance's kernel" ||
	bad "no word of the spoiled spare list: $(cohort log spoil | grep -i spare)"
out=$(cohort set spoil --cpus +2 2>&1) && bad "a CPU was given without a spare list: $out"
echo "$out" | grep -q "did not bring up CPU 2 (-ENODEV)" && ok "refused by the instance: $out" ||
	bad "without a spare list: $out"
[ "$(attr spoil cpus)" = 1 ] && [ "$(online)" = 0,2-3 ] && ok "nothing changed" ||
	bad "spoil has $(attr spoil cpus), the primary $(online)"
cohort stop spoil || die "cohort stop spoil"
cohort delete spoil || die "cohort delete spoil"
[ "$(online)" = 0-3 ] || bad "online after spoil: $(online)"

# --max-cpus 2: its kernel is told of one spare, the nearest (CPU 2), and
# of no more; a CPU that is not its spare and a third CPU are refused.
make_initrd cap <<'EOF2'
while :; do
	echo "POSSIBLE $(cat /sys/devices/system/cpu/possible) ONLINE $(cat /sys/devices/system/cpu/online)"
	sleep 0.5
done
EOF2
cohort create cap --cpus 1 --max-cpus 2 --memory 128M || die "cohort create cap"
cohort load cap --kernel /boot/bzImage --initrd /tmp/initrd-cap || die "cohort load cap"
start_to_init cap 1
[ "$(attr cap max_cpus)" = 2 ] && [ "$(attr cap spare_cpus)" = 2 ] &&
	ok "max_cpus 2: spare CPU 2" ||
	bad "cap: max_cpus $(attr cap max_cpus), spare_cpus '$(attr cap spare_cpus)'"
wait_for 30 console_has cap "^POSSIBLE 0-1 " && ok "its kernel has 2 possible CPUs" ||
	bad "cap: $(cohort log cap | grep POSSIBLE | tail -n 1)"
out=$(cohort set cap --cpus 1,3 2>&1) && bad "a CPU that is not its spare was given: $out"
echo "$out" | grep -q "cannot be given to instance 'cap' while it runs.*spare_cpus: 2" &&
	ok "refused: $out" || bad "cap 1,3: $out"
cohort set cap --cpus +2 || bad "cohort set cap --cpus +2"
wait_for 30 console_has cap "ONLINE 0-1" && ok "its spare came up" ||
	bad "cap: $(cohort log cap | grep POSSIBLE | tail -n 1)"
out=$(cohort set cap --cpus +3 2>&1) && bad "a third CPU was given: $out"
echo "$out" | grep -q "at most 2 CPUs (max_cpus), not 3" && ok "refused: $out" || bad "cap +3: $out"
[ "$(attr cap cpus)" = 1-2 ] && [ "$(online)" = 0,3 ] && ok "cap has CPUs 1-2, the primary 0,3" ||
	bad "cap has $(attr cap cpus), the primary $(online)"
cohort stop cap || die "cohort stop cap"
out=$(cohort set cap --cpus 1-3 2>&1) && bad "a stopped instance got more than max_cpus: $out"
echo "$out" | grep -q "at most 2 CPUs" || bad "stopped cap 1-3: $out"
cohort delete cap || die "cohort delete cap"
[ "$(online)" = 0-3 ] || bad "online after cap: $(online)"
dmesg | grep -E "Oops|BUG:|WARNING:|Call Trace" && bad "the primary's kernel complained" ||
	ok "no oops, BUG or WARNING in the primary"
[ "$(mem_total)" = "$mem0" ] || bad "MemTotal $mem0 kB before, $(mem_total) kB at the end"
exit_if_failed cpu-set
echo "cpu-set: all checks passed"
