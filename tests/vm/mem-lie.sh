# A lying instance kernel and memory (the test interface stands in for
# root with a hostile kernel): it answers a request to add a block with
# garbage, claims to have added a block it did not, and answers a request
# to give one back with an errno no kernel has.  The primary refuses the
# garbage and keeps that block recorded as the instance's (it may use
# it), takes the claimed success, moves on to another block when one
# answer is nonsense, and gets every block back at delete; the pool's
# accounting comes out exact and no kernel oopses.
# vm: --smp 2 --mem 1G --append cohort_pool=512M
# timeout: 300
set -u
. /tests/vm/lib/common.sh

P=/sys/kernel/cohort/pool
M=$((1 << 20))
blocks() { grep -c . "$I/liar/mem_blocks"; }

make_initrd liar <<'EOF'
mount -t debugfs none /sys/kernel/debug
echo 12345 0 -2147483648 >/sys/kernel/debug/cohort/mem_lie && echo "lies armed"
while :; do echo "MEM $(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)"; sleep 0.5; done
EOF
free0=$(cat $P/free)
cohort create liar --cpus 1 --memory 128M || die "cohort create liar"
cohort load liar --kernel /boot/bzImage --initrd /tmp/initrd-liar || die "cohort load liar"
start_to_init liar 1
wait_for 30 console_has liar "lies armed" || die "liar could not arm its lies"
liar_mem() { cohort log liar | tr -d '\r' | sed -n 's/^MEM //p' | tail -n 1; }
kb0=$(liar_mem)

# Garbage: refused, and the block stays the instance's.
out=$(cohort set liar --memory +128M 2>&1) && bad "a garbage answer was taken: $out"
case $out in
*"did not add the memory block"*EPROTO*"stays with it"*) ok "garbage answer refused: $out" ;;
*) bad "garbage answer: $out" ;;
esac
b1=$(cut -d' ' -f1 "$I/liar/mem_blocks")
[ "$(blocks)" = 1 ] && [ "$(cat $P/free)" = $((free0 - 256 * M)) ] ||
	bad "after garbage: $(blocks) blocks, pool free $(cat $P/free), was $free0"

# A claimed success: taken (the primary cannot tell), though the
# instance's kernel never added the block.
cohort set liar --memory +128M || bad "a claimed success was not taken"
[ "$(blocks)" = 2 ] && [ "$(attr liar mem_size)" = $((384 * M)) ] ||
	bad "after the claimed success: $(blocks) blocks, mem_size $(attr liar mem_size)"
sleep 1
[ "$(liar_mem)" = "$kb0" ] && ok "claimed success recorded; the instance's MemTotal stayed $kb0 kB" ||
	bad "the liar's MemTotal is $(liar_mem) kB, was $kb0"

# Nonsense for the last block: the primary tries the one before, which
# the instance never added and gives back at once; one block was asked.
out=$(cohort set liar --memory -128M 2>&1) || bad "shrink past a nonsense answer: $out"
[ "$(blocks)" = 1 ] && [ "$(cut -d' ' -f1 "$I/liar/mem_blocks")" != "$b1" ] &&
	[ "$(cat $P/free)" = $((free0 - 256 * M)) ] &&
	ok "past the nonsense answer: block $b1 back, $(cat "$I/liar/mem_blocks") kept" ||
	bad "after the nonsense answer: $(cat "$I/liar/mem_blocks" | tr '\n' ' '), pool free $(cat $P/free)"

# Honest again: the last block goes back too.
cohort set liar --memory 128M || bad "shrink to 128M once honest"
[ "$(blocks)" = 0 ] && [ "$(cat $P/free)" = $((free0 - 128 * M)) ] ||
	bad "honest shrink: $(blocks) blocks, pool free $(cat $P/free)"

# Blocks a liar holds come back at delete.
cohort set liar --memory 384M || bad "grow by two honestly"
cohort stop liar || die "cohort stop liar"
cohort delete liar || die "cohort delete liar"
[ "$(cat $P/free)" = "$free0" ] && ok "everything back: pool free $((free0 / M)) MiB" ||
	bad "after delete: pool free $(cat $P/free), was $free0"
exit_if_failed mem-lie
