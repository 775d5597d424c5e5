# cohort pool release: a pool nobody uses becomes the primary's for good.
# Refused (changing nothing) while an instance or a region holds any of
# it; a dry run only counts (as do dry runs of delete and region create).
# Then the lent memory turns into ordinary memory where it is (the
# primary's files in it stay intact, its page blocks stop being CMA
# blocks), the pages kept reserved since boot are freed to the primary
# (MemTotal grows by them), the pool shrinks to its control region, and
# creating an instance or a region says why not.
# vm: --smp 2 --mem 1G --append cohort_pool=384M
# timeout: 300
set -u
. /tests/vm/lib/common.sh

P=/sys/kernel/cohort/pool
M=$((1 << 20))
ctrl=$((18 * M))
pool() { cat "$P/$1"; }
meminfo() { awk -v k="$1:" '$1 == k { print $2 * 1024 }' /proc/meminfo; }
# cma_blocks: page blocks of type CMA, all zones
cma_blocks() {
	awk '/^Number of blocks type/ { for (i = 1; i <= NF; i++) if ($i == "CMA") c = i }
	     /^Node .* zone/ && c { n += $c } END { print n + 0 }' /proc/pagetypeinfo
}
iomem_pool() { grep "Cohort pool" /proc/iomem | tr -d ' '; }

size=$(pool size)
lent0=$(pool lent)
total0=$(meminfo MemTotal)
cma0=$(meminfo CmaTotal)
blocks0=$(cma_blocks)
iomem0=$(iomem_pool)
echo "pool $((size / M)) MiB, lent $((lent0 / M)) MiB, MemTotal $((total0 / M)) MiB, CmaTotal $((cma0 / M)) MiB, $blocks0 CMA blocks"
[ "$lent0" -gt 0 ] && [ "$blocks0" -gt 0 ] || die "nothing lent to release"

# The primary's files reach into the lent pool.
mkdir -p /fill
mount -t tmpfs -o size=2G fill /fill || die "mount tmpfs"
dd if=/dev/urandom of=/fill/a bs=1M count=$(($(meminfo MemAvailable) / M - 96)) 2>/dev/null ||
	die "cannot fill the primary's memory"
sha256sum /fill/a >/tmp/a.sum
used=$(pool lent_used)
[ "$used" -ge $((64 * M)) ] || die "the primary uses only $((used / M)) MiB of the pool"
ok "the primary's pages take $((used / M)) MiB of the pool"

# unchanged WHAT: the pool and the primary's memory are as at the start.
unchanged() {
	[ "$(pool size)" = "$size" ] && [ "$(pool lent)" = "$lent0" ] &&
		[ "$(meminfo MemTotal)" = "$total0" ] && [ "$(cma_blocks)" = "$blocks0" ] &&
		[ "$(iomem_pool)" = "$iomem0" ] ||
		bad "$1 changed the pool: size $(pool size) lent $(pool lent) MemTotal $(meminfo MemTotal) CMA blocks $(cma_blocks)"
}
# refused WHAT TEXT CMD...: exits 1 saying TEXT, nothing changed
refused() {
	local what=$1 text=$2 out rc
	shift 2
	out=$("$@" 2>&1)
	rc=$?
	case "$rc:$out" in
	1:*"$text"*) ok "$what refused: $out" ;;
	*) bad "$what: exit $rc: $out (expected 1 and '$text')" ;;
	esac
}

# In use: refused, naming what holds it.
cohort create x --cpus 1 --memory 64M || die "cohort create x"
free1=$(pool free)
refused "release with instance x" "instance 'x'" cohort pool release
refused "dry run with instance x" "instance 'x'" cohort pool release --dry-run
[ "$(pool free)" = "$free1" ] && [ -d "$I/x" ] || bad "a refused release changed instance x or the pool"
# Dry runs of delete and region create: they say what would happen and
# change nothing.
out=$(cohort delete x --dry-run 2>&1) || bad "cohort delete x --dry-run: $out"
case $out in
"would delete x"*"nothing changed") ok "dry run: $out" ;;
*) bad "delete --dry-run said: $out" ;;
esac
[ -d "$I/x" ] && [ "$(pool free)" = "$free1" ] || bad "a dry-run delete changed something"
out=$(cohort region create r --size 32M --dry-run 2>&1) || bad "region create --dry-run: $out"
case $out in
"would create region r: 32 MiB at 0x"*"nothing changed") ok "dry run: $out" ;;
*) bad "region create --dry-run said: $out" ;;
esac
[ ! -e /sys/kernel/cohort/regions/r ] && [ "$(pool free)" = "$free1" ] ||
	bad "a dry-run region create changed something"
cohort delete x || die "cohort delete x"
cohort region create r --size 32M || die "cohort region create r"
refused "release with region r" "region 'r'" cohort pool release
cohort region delete r || die "cohort region delete r"
unchanged "the refusals"

# Bad arguments: usage errors, nothing changed.
out=$(cohort pool release now 2>&1)
[ $? = 2 ] || bad "'cohort pool release now' did not exit 2: $out"
out=$(cohort pool give 2>&1)
[ $? = 2 ] || bad "'cohort pool give' did not exit 2: $out"
unchanged "bad arguments"

# A dry run counts and changes nothing.
out=$(cohort pool release --dry-run 2>&1) || die "dry run: $out"
echo "$out"
case $out in
*"would give $(((size - ctrl) / M))M"*"18M stay"*) ok "dry run: $out" ;;
*) bad "dry run said: $out" ;;
esac
cohort pool release --dry-run -j | grep -q "\"released\": *$((size - ctrl))" ||
	bad "dry run -j: $(cohort pool release --dry-run -j)"
unchanged "the dry run"

# The release.
out=$(cohort pool release 2>&1) || die "cohort pool release: $out"
echo "$out"
case $out in
"gave $(((size - ctrl) / M))M"*) ok "released: $out" ;;
*) bad "release said: $out" ;;
esac
[ "$(pool size)" = "$ctrl" ] && [ "$(pool free)" = 0 ] && [ "$(pool lent)" = 0 ] ||
	bad "after release: size $(pool size) free $(pool free) lent $(pool lent)"
[ "$(pool ranges)" = "$(printf '%#x %d' "$(pool base)" "$ctrl")" ] ||
	bad "after release the pool's ranges are: $(pool ranges)"
iomem_pool | grep -q "^$(printf '%x' "$(pool base)")-$(printf '%x' $(($(pool base) + ctrl - 1))):Cohortpool$" ||
	bad "/proc/iomem after release: $(iomem_pool)"
blocks=$(cma_blocks)
lent_blocks=$((lent0 / (4 * M)))
[ "$blocks" = $((blocks0 - lent_blocks)) ] ||
	bad "$blocks CMA page blocks after release, expected $((blocks0 - lent_blocks))"
[ "$(meminfo CmaTotal)" = $((cma0 - lent0)) ] ||
	bad "CmaTotal $(meminfo CmaTotal) after release, expected $((cma0 - lent0))"
# What was never lent (the edges of the area) is freed into MemTotal.
total=$(meminfo MemTotal)
[ "$total" = $((total0 + size - ctrl - lent0)) ] ||
	bad "MemTotal $total after release, expected $((total0 + size - ctrl - lent0)) ($((total0 / M)) MiB + the $(((size - ctrl - lent0) / M)) MiB never lent)"
sha256sum -c -s /tmp/a.sum || bad "the primary's file changed in the release"
ok "the pool is the primary's: MemTotal $((total0 / M)) -> $((total / M)) MiB, CMA blocks $blocks0 -> $blocks"

# Nothing more can be taken from it, and saying so.
refused "create after release" "given back" cohort create y --cpus 1 --memory 64M
refused "region after release" "given back" cohort region create s --size 32M
refused "second release" "given back" cohort pool release
[ ! -e "$I/y" ] || bad "a refused create left instance y"

cohort pool
exit_if_failed pool-release
