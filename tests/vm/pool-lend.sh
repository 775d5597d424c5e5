# The idle pool is lent to the primary.  The primary's pages fill it; an
# instance or a region taking part of it moves them out (the primary's data
# intact, the instance's memory zeroed and usable); with the primary's
# memory full a create is refused, saying why, and changes nothing; deleting
# lends the memory again, to the byte, over 20 cycles.
# vm: --smp 4 --mem 768M --append cohort_pool=384M
# timeout: 600
set -u
. /tests/vm/lib/common.sh

P=/sys/kernel/cohort/pool
M=$((1 << 20))
pool() { cat "$P/$1"; }
meminfo() { awk -v k="$1:" '$1 == k { print $2 * 1024 }' /proc/meminfo; }
# fill NAME MIB: a tmpfs file of random data, its checksum kept
fill() {
	dd if=/dev/urandom of="/fill/$1" bs=1M count="$2" 2>/dev/null ||
		die "cannot write $2 MiB to /fill/$1"
	sha256sum "/fill/$1" >"/tmp/$1.sum"
}
intact() { # NAME...: the primary's files read back as written
	local f
	for f in "$@"; do
		sha256sum -c -s "/tmp/$f.sum" || return 1
	done
}

size=$(pool size)
lent0=$(pool lent)
free0=$(pool free)
total0=$(meminfo MemTotal)
ctrl=$((18 * M))
echo "pool $((size / M)) MiB: $((free0 / M)) MiB free, $((lent0 / M)) MiB lent, MemTotal $((total0 / M)) MiB"
# All but the control region, less at most 4 MiB at each edge of the area.
[ "$lent0" -le $((size - ctrl)) ] && [ "$lent0" -ge $((size - ctrl - 8 * M)) ] ||
	die "lent $lent0 of a pool of $size: expected all but the control region"
[ "$(pool node0/lent)" = "$lent0" ] && [ "$(pool node0/size)" = $((size - ctrl)) ] ||
	die "node0: size $(pool node0/size) lent $(pool node0/lent)"
dmesg | grep -q "cohort: pool: node 0 .*: $((lent0 / M)) MiB lent to the primary while idle" ||
	die "no boot message for the lent pool"
ok "the idle pool is lent: $((lent0 / M)) MiB"

# The primary fills much of its memory: its pages go into the pool too
# (room is left for the 128 MiB an instance takes next, and for moving
# its pages out of the 64 MiB one takes later, with the 32 MiB margin and
# what a debug kernel holds back: KASAN keeps freed memory a while).
mkdir -p /fill
mount -t tmpfs -o size=4G fill /fill || die "mount tmpfs"
n=$(($(meminfo MemAvailable) / M - 128 - 160))
fill a "$n"
used=$(pool lent_used)
[ "$used" -ge $((128 * M)) ] ||
	die "the primary wrote $n MiB but uses only $((used / M)) MiB of the pool"
ok "the primary uses $((used / M)) MiB of the pool after writing $n MiB"

# An instance takes 128 MiB: the primary's pages move out.
cohort create a --cpus 1 --memory 128M || die "cohort create a (the primary's pages could not move?)"
[ "$(pool free)" = $((free0 - 128 * M)) ] || die "pool free $(pool free) after create"
lent=$(pool lent)
[ "$lent" -le $((lent0 - 124 * M)) ] && [ "$lent" -ge $((lent0 - 128 * M)) ] ||
	die "lent $lent after taking 128 MiB of $lent0"
intact a || die "the primary's file changed when its pages moved out of the pool"
[ "$(meminfo MemTotal)" = "$total0" ] || die "MemTotal $(meminfo MemTotal), was $total0"
ok "create moved the primary's pages out: its $n MiB file is intact"

# The instance's memory is its own: it writes 2 x 24 MiB and reads them
# back.
make_initrd a <<'EOF'
dd if=/dev/urandom of=/tmp/x bs=1M count=24 2>/dev/null
s1=$(sha256sum </tmp/x)
dd if=/tmp/x of=/tmp/y bs=1M 2>/dev/null
s2=$(sha256sum </tmp/y)
sz=$(wc -c </tmp/y)
[ "$s1" = "$s2" ] && [ "$sz" = 25165824 ] && echo "MEMCHECK ok" ||
	echo "MEMCHECK bad: $sz bytes, $s1 / $s2"
EOF
cohort load a --kernel /boot/bzImage --initrd /tmp/initrd-a || die "cohort load a"
start_to_init a 1
wait_for 200 console_has a "MEMCHECK" || die "the instance's memory check did not finish"
console_has a "MEMCHECK ok" || die "the instance read back other data than it wrote"
ok "the instance uses its memory"

# Pressure: the primary's memory is full, so its pages cannot move out:
# refused before anything moves (a migration failing half way would leave
# the primary's own allocations to the OOM killer).
n=$(($(meminfo MemAvailable) / M - 32))
[ "$n" -gt 0 ] && fill b "$n"
free1=$(pool free)
lent1=$(pool lent)
out=$(cohort create b --cpus 2 --memory 64M 2>&1)
rc=$?
echo "create under pressure: exit $rc: $out"
if [ $rc = 0 ]; then
	# Acceptable only if the memory could really be found.
	intact a b || die "create under pressure succeeded and the primary's files changed"
	cohort delete b || die "cohort delete b"
	bad "create of 64 MiB succeeded with the primary's memory full ($n MiB written)"
else
	[ $rc = 1 ] || bad "exit status $rc, expected 1"
	case $out in
	*"elsewhere to move them to"*"free memory in the primary"*) ok "refused: $out" ;;
	*) bad "refused without saying why the pool is busy: $out" ;;
	esac
	[ ! -e "$I/b" ] || bad "a refused create left instance b"
	[ "$(pool free)" = "$free1" ] || bad "pool free $(pool free) after a refused create, was $free1"
	[ "$(pool lent)" = "$lent1" ] || bad "pool lent $(pool lent) after a refused create, was $lent1"
	intact a b || bad "the primary's files changed under a refused create"
fi
rm -f /fill/b
cohort create b --cpus 2 --memory 64M || die "create after the primary freed memory"
cohort delete b || die "cohort delete b"
ok "with memory freed the create succeeds"

# Stop and delete: everything is lent again, to the byte.
cohort stop a || die "cohort stop a"
cohort delete a || die "cohort delete a"
[ "$(pool lent)" = "$lent0" ] || die "lent $(pool lent) after delete, was $lent0"
[ "$(pool free)" = "$free0" ] || die "free $(pool free) after delete, was $free0"

# A region too: taken zeroed from the top, lent again when deleted.
cohort region create r --size 64M || die "cohort region create"
[ "$(pool free)" = $((free0 - 64 * M)) ] || die "free $(pool free) with a region"
lent=$(pool lent)
[ "$lent" -le $((lent0 - 60 * M)) ] && [ "$lent" -ge $((lent0 - 64 * M)) ] ||
	die "lent $lent with a 64 MiB region, was $lent0"
cohort region delete r || die "cohort region delete"
[ "$(pool lent)" = "$lent0" ] || die "lent $(pool lent) after the region, was $lent0"

# 20 cycles: nothing leaks.
i=1
while [ $i -le 20 ]; do
	cohort create c --cpus 3 --memory 64M || die "cycle $i: create"
	cohort delete c || die "cycle $i: delete"
	i=$((i + 1))
done
[ "$(pool lent)" = "$lent0" ] || die "lent $(pool lent) after 20 cycles, was $lent0"
[ "$(pool free)" = "$free0" ] || die "free $(pool free) after 20 cycles, was $free0"
[ "$(meminfo MemTotal)" = "$total0" ] || die "MemTotal $(meminfo MemTotal) after 20 cycles, was $total0"
intact a || die "the primary's file changed over 20 cycles"
ok "20 create/delete cycles: lent, free and MemTotal as before"

# The primary uses the memory given back.
rm -f /fill/a
before=$(pool lent_used)
n=$(($(meminfo MemAvailable) / M - 96))
fill c "$n"
used=$(pool lent_used)
[ "$used" -ge $((before + 128 * M)) ] ||
	die "after the instance left the primary uses only $((used / M)) MiB of the pool"
ok "the primary uses the pool again: $((used / M)) MiB"
echo "--- cohort pool:"
cohort pool
exit_if_failed pool-lend
