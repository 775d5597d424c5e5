# NUMA placement of an instance.  The pool (one range, so on one node:
# node 1 here, the top of memory) is shown per node; an instance asked onto
# node 1 gets its memory there, and its kernel sees node 1 holding all its
# CPUs and memory; asking for node 0, where the pool has nothing, is
# refused and changes nothing; an instance whose CPUs span both nodes sees
# a CPU on each; a record with an inconsistent NUMA layout gives one node.
# vm: --smp 4 --numa --mem 2G --append cohort_pool=512M
# timeout: 400
set -u
. /tests/vm/lib/common.sh

P=/sys/kernel/cohort/pool
M=$((1 << 20))
pool() { cat "$P/$1"; }
# node_range N: the primary's memory range of node N, "START END" (hex)
node_range() {
	dmesg | sed -n "s/.*Initmem setup node $1 \[mem \(0x[0-9a-f]*\)-\(0x[0-9a-f]*\)\].*/\1 \2/p" | head -n 1
}

size=$(pool size)
[ -d $P/node1 ] && [ ! -e $P/node0 ] || die "pool nodes: $(ls $P)"
[ "$(pool node1/size)" = $((size - 18 * M)) ] || die "node1 size $(pool node1/size), pool $size"
[ "$(pool node1/lent)" = "$(pool lent)" ] && [ "$(pool lent)" -gt 0 ] ||
	die "node1 lent $(pool node1/lent), pool $(pool lent)"
ok "pool on node 1: $(($(pool node1/size) / M)) MiB"
cohort pool
cohort pool -j

# Node 1: CPUs 2-3 and memory from node 1's part.
read -r lo hi <<EOF
$(node_range 1)
EOF
[ -n "$lo" ] || die "no node 1 range in dmesg"
make_initrd n1 <<'EOF'
echo "NODES online=$(cat /sys/devices/system/node/online) node1=$(cat /sys/devices/system/node/node1/cpulist 2>/dev/null)"
awk '/MemTotal/ { print "NODE1MEM", $4 }' /sys/devices/system/node/node1/meminfo 2>/dev/null
EOF
out=$(cohort create n1 --cpus 2-3 --node 1 --memory 128M 2>&1) || die "cohort create --node 1: $out"
echo "$out"
base=$(attr n1 mem_base)
[ $((base)) -ge $((lo)) ] && [ $((base + 128 * M - 1)) -le $((hi)) ] ||
	die "memory at $base is not on node 1 [$lo-$hi]"
ok "memory on node 1 at $base"
cohort load n1 --kernel /boot/bzImage --initrd /tmp/initrd-n1 || die "cohort load n1"
start_to_init n1 2
wait_for 60 console_has n1 "^NODE1MEM" || die "n1 did not print its nodes"
cohort log n1 | grep -q "NODES online=1 node1=0-1" ||
	bad "n1 sees $(cohort log n1 | grep NODES): expected node 1 only, with both its CPUs"
kb=$(cohort log n1 | sed -n 's/^NODE1MEM \([0-9]*\).*/\1/p' | tail -n 1)
# Its kernel's node 1 holds all its memory: 128 MiB less what it reserves.
[ -n "$kb" ] && [ "$kb" -gt $((100 * 1024)) ] && [ "$kb" -le $((128 * 1024)) ] ||
	bad "n1's node 1 has ${kb:-no} kB, expected nearly 128 MiB"
ok "n1 sees node 1 with its CPUs and ${kb:-?} kB"
cohort stop n1 || die "cohort stop n1"
cohort delete n1 || die "cohort delete n1"

# Node 0 has no pool memory: refused, nothing changes.
free=$(pool free)
out=$(cohort create n0 --cpus 1 --node 0 --memory 64M 2>&1)
rc=$?
[ $rc != 0 ] || die "create on node 0, where the pool has nothing, succeeded"
case $out in
*"no memory on node 0"*) ok "refused: $out" ;;
*) bad "refused without naming the node: $out" ;;
esac
[ "$(pool free)" = "$free" ] && [ ! -e "$I/n0" ] || bad "a refused create changed the pool"
# More than node 1's part: refused.
out=$(cohort create big --cpus 2 --node 1 --memory $(((size / M) / 2 * 2))M 2>&1) &&
	die "create of the whole pool on node 1 succeeded"
case $out in
*"on node 1"*|*"do not fit"*) ok "refused: $out" ;;
*) bad "refused without saying why: $out" ;;
esac

# CPUs on both nodes: the instance sees both.
make_initrd sp <<'EOF'
echo "SPAN online=$(cat /sys/devices/system/node/online) node0=$(cat /sys/devices/system/node/node0/cpulist 2>/dev/null) node1=$(cat /sys/devices/system/node/node1/cpulist 2>/dev/null)"
EOF
cohort create sp --cpus 1-2 --memory 128M 2>&1 || die "cohort create sp"
cohort load sp --kernel /boot/bzImage --initrd /tmp/initrd-sp || die "cohort load sp"
start_to_init sp 2
wait_for 60 console_has sp "^SPAN" || die "sp did not print its nodes"
cohort log sp | grep "^SPAN"
cohort log sp | grep -q "^SPAN online=0-1 node0=0 node1=1" ||
	bad "sp does not see one CPU on each node"
cohort stop sp || die "cohort stop sp"
cohort delete sp || die "cohort delete sp"
# The same with a record whose memory parts cover more than its memory
# (the test interface spoils the next record, as a buggy primary would):
# the instance's kernel says so, takes one node, and runs.
mount_debugfs
echo numa >/sys/kernel/debug/cohort/setup_mangle || die "setup_mangle"
cohort create sq --cpus 1-2 --memory 128M 2>&1 || die "cohort create sq"
cohort load sq --kernel /boot/bzImage --initrd /tmp/initrd-sp || die "cohort load sq"
start_to_init sq 2
wait_for 60 console_has sq "^SPAN" || die "sq did not print its nodes"
cohort log sq | grep -q "NUMA layout is inconsistent; one node" &&
	ok "spoiled NUMA layout: seen by the instance's kernel" ||
	bad "no word of the spoiled NUMA layout: $(cohort log sq | grep -i numa | head -n 3)"
cohort log sq | grep "^SPAN"
cohort log sq | grep -q "^SPAN online=0 node0=0-1" &&
	ok "one node, holding both its CPUs" ||
	bad "sq with a spoiled record sees $(cohort log sq | grep '^SPAN')"
cohort stop sq || die "cohort stop sq"
cohort delete sq || die "cohort delete sq"
# --cpu-count: whole cores on the node where the pool has room (node 1),
# the memory from there; --dry-run first changes nothing.
out=$(cohort create auto --cpu-count 2 --memory 64M --dry-run 2>&1) || die "dry run: $out"
echo "$out"
[ ! -e "$I/auto" ] || die "--dry-run created the instance"
out=$(cohort create auto --cpu-count 2 --memory 64M 2>&1) || die "create --cpu-count 2: $out"
echo "$out"
case $out in
*"CPUs 2-3"*"on node 1"*"from node 1"*) ok "placed: $out" ;;
*) bad "placement: $out" ;;
esac
[ "$(attr auto cpus)" = 2-3 ] || bad "auto holds CPUs $(attr auto cpus)"
base=$(attr auto mem_base)
[ $((base)) -ge $((lo)) ] && [ $((base + 64 * M - 1)) -le $((hi)) ] ||
	bad "auto's memory at $base is not on node 1 [$lo-$hi]"
cohort delete auto || die "cohort delete auto"
exit_if_failed pool-numa
