# A pool with a part on each NUMA node (cohort_pool=0:384M,1:384M): each
# part is reserved on its node, shown per node, in pool/ranges and
# /proc/iomem; the control region is in the lowest part.  An instance's
# memory comes from the node asked for; one running on node 1 gets a
# block from node 0 while it runs and sees it (node 0's part holds the
# control region, node 1's instance messages through it); memory in the
# gap between the parts is refused; a region goes to the top of the
# highest part.  Everything goes back.
# vm: --smp 4 --numa --mem 2G --append cohort_pool=0:384M,1:384M
# timeout: 400
set -u
. /tests/vm/lib/common.sh

P=/sys/kernel/cohort/pool
M=$((1 << 20))
B=$((128 * M))
ctrl=$((18 * M))
pool() { cat "$P/$1"; }
# node_range N: the primary's memory range of node N, "START END" (hex)
node_range() {
	dmesg | sed -n "s/.*Initmem setup node $1 \[mem \(0x[0-9a-f]*\)-\(0x[0-9a-f]*\)\].*/\1 \2/p" | head -n 1
}
# inside BASE SIZE LO HI: [BASE, BASE + SIZE) within [LO, HI]
inside() { [ $(($1)) -ge $(($3)) ] && [ $(($1 + $2 - 1)) -le $(($4)) ]; }

cat $P/ranges
cohort pool
[ "$(wc -l <$P/ranges)" = 2 ] || die "pool/ranges: $(cat $P/ranges)"
read -r base0 size0 <<EOF
$(sed -n 1p $P/ranges)
EOF
read -r base1 size1 <<EOF
$(sed -n 2p $P/ranges)
EOF
read -r lo0 hi0 <<EOF
$(node_range 0)
EOF
read -r lo1 hi1 <<EOF
$(node_range 1)
EOF
[ -n "$lo0" ] && [ -n "$lo1" ] || die "no node ranges in dmesg"
[ "$size0" = $((384 * M)) ] && [ "$size1" = $((384 * M)) ] &&
	[ "$(pool size)" = $((768 * M)) ] || die "sizes: $(cat $P/ranges), pool $(pool size)"
inside "$base0" "$size0" "$lo0" "$hi0" || die "range $base0 is not on node 0 [$lo0-$hi0]"
inside "$base1" "$size1" "$lo1" "$hi1" || die "range $base1 is not on node 1 [$lo1-$hi1]"
[ "$(pool node0/size)" = $((384 * M - ctrl)) ] && [ "$(pool node1/size)" = $((384 * M)) ] ||
	die "node0 size $(pool node0/size), node1 size $(pool node1/size)"
[ "$(pool free)" = $((768 * M - ctrl)) ] || die "pool free $(pool free)"
[ "$(grep -c 'Cohort pool' /proc/iomem)" = 2 ] || die "/proc/iomem: $(grep 'Cohort pool' /proc/iomem)"
[ "$(pool node0/lent)" -gt 0 ] && [ "$(pool node1/lent)" -gt 0 ] ||
	die "lent: node0 $(pool node0/lent) node1 $(pool node1/lent)"
ok "a part on each node: $(tr '\n' ' ' <$P/ranges)"
free0=$(pool free)

# Memory in the gap between the parts: not the pool.
gap=$((base0 + size0))
if [ $gap -lt $((base1)) ]; then
	out=$(cohort create g --cpus 1 --memory 64M --base $gap 2>&1) &&
		die "create in the gap at $gap succeeded"
	case $out in
	*"not inside the pool"*) ok "refused: $out" ;;
	*) bad "gap refused without saying why: $out" ;;
	esac
	[ ! -e "$I/g" ] || bad "a refused create left g"
fi
# In the control region: refused.
out=$(cohort create g --cpus 1 --memory 64M --base "$base0" 2>&1) &&
	die "create on the control region succeeded"
case $out in
*"control region"*) ok "refused: $out" ;;
*) bad "control region refused without saying why: $out" ;;
esac

# Node 1: its memory from node 1's part; it runs and reports its memory.
make_initrd n <<'EOF'
k=0
while :; do
	k=$((k + 1))
	echo "WORK $k MEM $(awk '/^MemTotal:/ { print $2 }' /proc/meminfo) N0 $(awk '/MemTotal/ { print $4 }' /sys/devices/system/node/node0/meminfo 2>/dev/null)"
	sleep 0.3
done
EOF
cohort create a1 --cpus 2-3 --node 1 --memory 128M || die "cohort create a1 --node 1"
inside "$(attr a1 mem_base)" $((128 * M)) "$base1" $((base1 + size1 - 1)) ||
	die "a1's memory at $(attr a1 mem_base) is not in node 1's part"
cohort load a1 --kernel /boot/bzImage --initrd /tmp/initrd-n || die "cohort load a1"
start_to_init a1 2
wait_for 30 console_has a1 "^WORK" || die "a1's workload did not start"
a1_mem() { cohort log a1 | tr -d '\r' | sed -n 's/^WORK [0-9]* MEM \([0-9]*\).*/\1/p' | tail -n 1; }
a1_n0() { cohort log a1 | tr -d '\r' | sed -n 's/^WORK [0-9]* MEM [0-9]* N0 \([0-9]*\).*/\1/p' | tail -n 1; }
kb0=$(a1_mem)
ok "a1 runs on node 1 with MemTotal $kb0 kB"

# A block from node 0 while it runs: its kernel adds it, on its node 0.
out=$(cohort set a1 --memory +128M --node 0 2>&1) || die "set a1 +128M --node 0: $out"
read -r blk bnode <"$I/a1/mem_blocks"
[ "$bnode" = 0 ] && inside "$blk" $B "$base0" $((base0 + size0 - 1)) ||
	bad "a1's block $blk (node $bnode) is not in node 0's part"
grows() { [ "$(a1_mem)" = $((kb0 + 128 * 1024)) ]; }
wait_for 60 grows && ok "a1's MemTotal grew by 128 MiB" || bad "a1's MemTotal is $(a1_mem) kB, was $kb0"
n0_has() { [ "$(a1_n0)" = $((128 * 1024)) ]; }
wait_for 30 n0_has && ok "a1's node 0 holds the block" ||
	{ bad "a1's node 0 has $(a1_n0) kB"; cohort log a1 | grep -v '^WORK' | tail -n 20; }
out=$(cohort set a1 --memory -128M 2>&1) || die "set a1 -128M: $out"
back() { [ "$(a1_mem)" = "$kb0" ]; }
wait_for 60 back && ok "the block went back" || bad "a1's MemTotal is $(a1_mem) kB, expected $kb0"
[ -z "$(cat "$I/a1/mem_blocks")" ] || bad "a1 still holds $(cat "$I/a1/mem_blocks")"

# Node 0: memory from node 0's part, clear of the control region.
cohort create a0 --cpus 1 --node 0 --memory 64M || die "cohort create a0 --node 0"
inside "$(attr a0 mem_base)" $((64 * M)) $((base0 + ctrl)) $((base0 + size0 - 1)) ||
	bad "a0's memory at $(attr a0 mem_base) is not in node 0's part after the control region"
# A region: the top of the highest part.
cohort region create r --size 32M || die "cohort region create r"
rbase=$(cat /sys/kernel/cohort/regions/r/base)
[ $((rbase)) = $((base1 + size1 - 32 * M)) ] ||
	bad "region r at $rbase, expected the top of node 1's part ($((base1 + size1 - 32 * M)))"
cohort pool

cohort region delete r || die "cohort region delete r"
cohort delete a0 || die "cohort delete a0"
cohort stop a1 || die "cohort stop a1"
cohort delete a1 || die "cohort delete a1"
[ "$(pool free)" = "$free0" ] || bad "pool free $(pool free) at the end, was $free0"
exit_if_failed pool-pernode
