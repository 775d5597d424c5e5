# Memory moved between the primary and a running instance (cohort set
# --memory).  Blocks of 128 MiB of the pool are given to an instance while
# it runs (its kernel adds them as movable memory and its MemTotal grows)
# and taken back (its kernel moves what lives in them out first); the
# instance's workload keeps files in memory and checks them the whole
# time.  A shrink the instance cannot do (its files would not fit) is
# refused, says how much it could have freed, and changes nothing.  The
# primary's memory fills the idle pool and is moved out for a new block.
# A stopped instance gets its blocks when it starts.  Dry runs and bad
# sizes change nothing.  A hundred grow/shrink cycles leave the primary's
# memory, the pool and the instance as they were.
# vm: --smp 4 --mem 2G --append cohort_pool=1G
# timeout: 900
set -u
. /tests/vm/lib/common.sh

B=$((128 << 20))
P=/sys/kernel/cohort/pool

# The workload: 8 MiB files in its memory (tmpfs), FILL of them, checked
# over and over; and its MemTotal.  initrd-w has none, initrd-wfill 25
# (200 MiB, more than its memory from create could hold besides itself).
workload() {
	sed "s/@FILL@/$1/" <<'EOF'
mkdir -p /data && mount -t tmpfs -o size=90% none /data || echo "WORK cannot mount"
i=0
while [ $i -lt @FILL@ ]; do
	dd if=/dev/urandom of=/data/f$i bs=1M count=8 2>/dev/null || echo "WORK cannot write f$i"
	i=$((i + 1))
done
sha256sum /data/* >/tmp/sums 2>/dev/null
echo "WORK filled @FILL@"
k=0
while :; do
	[ @FILL@ = 0 ] || sha256sum -c -s /tmp/sums || echo "WORK BAD"
	k=$((k + 1))
	echo "WORK ok $k MEM $(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)"
	sleep 0.3
done
EOF
}
workload 0 | make_initrd w
workload 25 | make_initrd wfill

# w_mem KB: the instance's last report of its MemTotal.
w_mem() { cohort log w | tr -d '\r' | sed -n 's/^WORK ok [0-9]* MEM //p' | tail -n 1; }
sees_mem() { [ "$(w_mem)" = "$1" ]; }
expect_mem() { # KB WHAT
	if wait_for 60 sees_mem "$1"; then
		ok "$2: w's MemTotal is $1 kB"
	else
		bad "$2: w's MemTotal is $(w_mem) kB, expected $1 kB"
	fi
}
blocks() { wc -l <"$I/w/mem_blocks"; }
mem_total() { awk '/^MemTotal:/ { print $2 }' /proc/meminfo; }

mem0=$(mem_total)
free0=$(cat $P/free)

cohort create w --cpus 1 --memory 192M || die "cohort create w"
free1=$(cat $P/free)
cohort load w --kernel /boot/bzImage --initrd /tmp/initrd-w || die "cohort load w"
start_to_init w 1
wait_for 30 console_has w "WORK ok" || die "w's workload did not start"
base_kb=$(w_mem)
ok "w runs with MemTotal $base_kb kB"
[ "$(attr w mem_size)" = $((192 << 20)) ] && [ "$(blocks)" = 0 ] ||
	bad "w: mem_size $(attr w mem_size), $(blocks) blocks"

# A dry run says what it would do and changes nothing.
out=$(cohort set w --memory +256M --dry-run 2>&1) || bad "dry run: $out"
echo "$out"
echo "$out" | grep -q "^would set w: memory 192 MiB -> 448 MiB" || bad "dry run said: $out"
[ "$(blocks)" = 0 ] && [ "$(cat $P/free)" = "$free1" ] && ok "dry run changed nothing" ||
	bad "dry run: $(blocks) blocks, pool free $(cat $P/free)"

# Grow by two blocks while it runs.
out=$(cohort set w --memory +256M 2>&1) || die "cohort set w --memory +256M: $out"
echo "$out"
[ "$(attr w mem_size)" = $(((192 << 20) + 2 * B)) ] && [ "$(blocks)" = 2 ] &&
	ok "w holds 2 blocks: $(tr '\n' ' ' <"$I/w/mem_blocks")" ||
	bad "after +256M: mem_size $(attr w mem_size), $(blocks) blocks"
[ "$(cat $P/free)" = $((free1 - 2 * B)) ] && ok "the pool has 256 MiB less free" ||
	bad "pool free $(cat $P/free), was $free1"
expect_mem $((base_kb + 2 * 131072)) "+256M"
b1=$(sed -n 1p "$I/w/mem_blocks" | cut -d' ' -f1)
out=$(cohort show w)
echo "$out" | grep -q "^mem_blocks *2 (256 MiB; 192 MiB from create)" &&
	echo "$out" | grep -q "^  $b1 node [0-9]" && ok "cohort show lists the blocks" ||
	bad "cohort show: $(cohort show w | grep mem_)"
cohort show w -j | grep -q '"mem_blocks":\[{"base":[0-9]*,"node":[0-9]*},{' &&
	ok "cohort show -j lists the blocks" || bad "cohort show -j: $(cohort show w -j)"
cohort log w | grep -q "memory block at 0x[0-9a-f]* (128 MiB, node [0-9]*) added" &&
	ok "w's kernel added the blocks" || bad "w's kernel said nothing of the blocks"

# Bad sizes and names: refused, nothing changes.
refused() { # WHAT PATTERN ARGS...
	local what=$1 pat=$2 out
	shift 2
	if out=$(cohort set "$@" 2>&1); then
		bad "$what: accepted: $out"
	elif ! echo "$out" | grep -q -- "$pat"; then
		bad "$what: said: $out"
	elif [ "$(blocks)" != 2 ]; then
		bad "$what: w has $(blocks) blocks"
	else
		ok "$what refused: $out"
	fi
}
refused "less than from create" "192" w --memory 128M
refused "not whole blocks" "128 MiB" w --memory +100M
refused "more than the pool has" "room\|pool" w --memory +2G
refused "an unknown instance" "no such instance" nosuch --memory +128M
refused "a node the pool does not have" "node" w --memory +128M --node 7

# CPUs and memory in one command; when the memory part is refused, the
# CPU set is put back.
out=$(cohort set w --cpus +2 --memory +128M --node 0 2>&1) || bad "CPUs and memory together: $out"
echo "$out"
[ "$(attr w cpus)" = 1-2 ] && [ "$(blocks)" = 3 ] && grep -q " 0$" "$I/w/mem_blocks" &&
	ok "CPUs and memory together: CPUs 1-2, 3 blocks on node 0" ||
	bad "together: w has CPUs $(attr w cpus), $(blocks) blocks"
expect_mem $((base_kb + 3 * 131072)) "CPUs and memory together"
cohort set w --cpus -2 --memory -128M || bad "CPUs and memory back together"
out=$(cohort set w --cpus +2 --memory +2G 2>&1) && bad "more memory than the pool has was given: $out"
echo "$out"
[ "$(attr w cpus)" = 1 ] && [ "$(blocks)" = 2 ] && ok "memory refused: the CPU set was put back" ||
	bad "after the refused memory: w has CPUs $(attr w cpus), $(blocks) blocks"

# Fill it: 200 MiB of files, which do not fit in its memory from create.
cohort stop w || die "cohort stop w"
cohort load w --kernel /boot/bzImage --initrd /tmp/initrd-wfill || die "cohort load w (fill)"
# Stopped, it keeps its blocks and adds them as it boots.
[ "$(blocks)" = 2 ] || bad "stopped: w has $(blocks) blocks"
start_to_init w 1
wait_for 120 console_has w "WORK filled 25" || die "w could not fill 200 MiB"
console_has w "WORK cannot" && die "w could not write its files: $(cohort log w | grep 'WORK cannot')"
expect_mem $((base_kb + 2 * 131072)) "restarted with its blocks"

# Taking both back would not leave room for its files: refused, and it
# says it could give back one block; nothing changed.
out=$(cohort set w --memory -256M --timeout 8 2>&1) && bad "a shrink w cannot do was done: $out"
echo "$out"
echo "$out" | grep -q "could give back 128 of the 256 MiB asked, so nothing changed" &&
	ok "refused, saying how much could be freed" || bad "refused shrink said: $out"
[ "$(blocks)" = 2 ] && ok "w still holds 2 blocks" || bad "w holds $(blocks) blocks"
expect_mem $((base_kb + 2 * 131072)) "refused shrink"

# One block back: its files move to the rest of its memory.
out=$(cohort set w --memory -128M 2>&1) || bad "cohort set w --memory -128M: $out"
echo "$out"
[ "$(blocks)" = 1 ] || bad "-128M: w holds $(blocks) blocks"
expect_mem $((base_kb + 131072)) "-128M"

# The primary's files fill the idle pool; a new block moves them out.
mkdir -p /fill && mount -t tmpfs -o size=1400M none /fill
dd if=/dev/urandom of=/fill/a bs=1M count=900 2>/dev/null || die "cannot fill the primary"
sha256sum /fill/a >/tmp/a.sum
echo "pool lent_used: $(cat $P/lent_used)"
out=$(cohort set w --memory +128M 2>&1) || bad "grow with the primary's memory full: $out"
echo "$out"
expect_mem $((base_kb + 2 * 131072)) "+128M over the primary's pages"
sha256sum -c -s /tmp/a.sum && ok "the primary's data is intact" || bad "the primary's file changed"
rm -f /fill/a

# Stopped, it just loses and gets blocks.
cohort stop w || die "cohort stop w"
cohort set w --memory 192M || bad "shrink a stopped instance"
[ "$(blocks)" = 0 ] && [ "$(cat $P/free)" = "$free1" ] && ok "stopped: blocks back in the pool" ||
	bad "stopped shrink: $(blocks) blocks, pool free $(cat $P/free), was $free1"
cohort set w --memory +256M || bad "grow a stopped instance"
[ "$(blocks)" = 2 ] || bad "stopped grow: w holds $(blocks) blocks"

# A record whose blocks are spoiled (the test interface, standing in for
# a primary with a bug): one on its own memory, one off its alignment.
# Its kernel adds neither, says so, and runs on its memory from create;
# the primary still holds them for it, and takes them back.
cohort load w --kernel /boot/bzImage --initrd /tmp/initrd-w || die "cohort load w"
mount_debugfs
echo blocks >/sys/kernel/debug/cohort/setup_mangle || die "setup_mangle"
start_to_init w 1
wait_for 30 console_has w "WORK ok" || die "w's workload did not start"
[ "$(cohort log w | grep -c "memory block at 0x[0-9a-f]* is not one this kernel can add")" = 2 ] &&
	ok "spoiled blocks: both refused by the instance's kernel" ||
	bad "spoiled blocks: $(cohort log w | grep -i 'memory block')"
expect_mem "$base_kb" "spoiled blocks"
[ "$(blocks)" = 2 ] || bad "spoiled blocks: w holds $(blocks) blocks"
out=$(cohort set w --memory 192M 2>&1) && ok "blocks it never added taken back: $out" ||
	bad "blocks it never added: $out"
[ "$(blocks)" = 0 ] && [ "$(cat $P/free)" = "$free1" ] && ok "the pool has them again" ||
	bad "after the spoiled blocks: $(blocks) blocks, pool free $(cat $P/free), was $free1"

# A hundred grow/shrink cycles.
t0=$(date +%s)
i=0 fails=0
while [ $i -lt 100 ]; do
	cohort set w --memory +256M >/dev/null || fails=$((fails + 1))
	cohort set w --memory -256M >/dev/null || fails=$((fails + 1))
	i=$((i + 1))
done
[ $fails = 0 ] && ok "100 grow/shrink cycles of 256 MiB in $(($(date +%s) - t0)) s" ||
	bad "$fails of 200 changes failed"
[ "$(blocks)" = 0 ] && [ "$(cat $P/free)" = "$free1" ] && ok "the pool is as it was" ||
	bad "after the cycles: $(blocks) blocks, pool free $(cat $P/free), was $free1"
expect_mem "$base_kb" "after the cycles"
cohort log w | grep -q "WORK BAD\|WORK cannot" && bad "the workload saw a wrong result" ||
	ok "the workload never saw a wrong result ($(cohort log w | grep -c '^WORK ok') checks)"

cohort stop w || die "cohort stop w"
cohort delete w || die "cohort delete w"
[ "$(cat $P/free)" = "$free0" ] || bad "pool free $(cat $P/free) at the end, was $free0"
umount /fill
[ "$(mem_total)" = "$mem0" ] && ok "the primary's MemTotal is back: $mem0 kB" ||
	bad "MemTotal $mem0 kB before, $(mem_total) kB after"
dmesg | grep -E "Oops|BUG:|WARNING:|Call Trace" && bad "the primary's kernel complained" ||
	ok "no oops, BUG or WARNING in the primary"
exit_if_failed mem-set
echo "mem-set: all checks passed"
