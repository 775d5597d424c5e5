# Named regions of the pool and cohortfs on them, through cohort(8) and
# mount(8): list/create/delete with -j, a mount by name in the primary,
# grants (an instance maps only a region granted to it; grant, revoke,
# refusals), refusals (unknown name, region= with phys=, an unformatted
# region, delete or revoke while mounted), and an instance stopped by
# force while it still has the region mounted: its use ends with its
# CPUs, so the region can be deleted, and a restart starts clean.
# (Raw ioctl refusals for regions are in cohort-abi-check.)
# vm: --smp 4 --mem 2G --append cohort_pool=512M
# timeout: 400
set -u
M=/mnt/r
U=/sys/kernel/cohort/regions

. /tests/vm/lib/common.sh
DIE_DMESG=cohort

users() { cat $U/$1/users; }
mkdir -p $M

[ "$(cohort -j region)" = "[]" ] && ok "no regions: JSON []" || bad "empty list: $(cohort -j region)"
free0=$(cat /sys/kernel/cohort/pool/free)
cohort region create data --size 64M && ok "create data 64M" || die "create"
cohort region create -h >/dev/null || bad "region create -h"
out=$(cohort region create data --size 2M 2>&1); rc=$?
[ $rc = 1 ] && echo "$out" | grep -q "exists already" && ok "same name refused: $out" || bad "dup: $rc $out"
out=$(cohort region create big --size 4G 2>&1); rc=$?
[ $rc = 1 ] && echo "$out" | grep -q "do not fit" && ok "too big refused: $out" || bad "big: $rc $out"
out=$(cohort region create odd --size 1M 2>&1); rc=$?
[ $rc = 2 ] && ok "1M refused by the CLI: $out" || bad "odd: $rc $out"
for args in "bogus" "create" "create x" "create x --size" "create x y --size 2M" \
	"create a/b --size 2M" "delete" "delete x y" "list extra"; do
	# shellcheck disable=SC2086 # the words are the arguments
	out=$(cohort region $args 2>&1); rc=$?
	[ $rc = 2 ] && ok "cohort region $args: exit 2: $(echo "$out" | head -n 1)" ||
		bad "cohort region $args: exit $rc: $out"
done
[ "$(ls $U)" = data ] || bad "refused commands changed the regions: $(ls $U)"
out=$(cohort region delete nope 2>&1); rc=$?
[ $rc = 3 ] && ok "unknown region: exit 3: $out" || bad "delete nope: $rc $out"
[ "$(cat /sys/kernel/cohort/pool/free)" = $((free0 - 64 * 1024 * 1024)) ] &&
	ok "pool/free counts the region" || bad "pool/free $(cat /sys/kernel/cohort/pool/free), was $free0"
cohort -j region | grep -q '"name":"data".*"size":67108864.*"users":\[\]' &&
	ok "JSON list: $(cohort -j region)" || bad "JSON: $(cohort -j region)"
cohort region | grep -q '^data .* 64M  -  *-$' && ok "text list" || bad "text: $(cohort region)"

# mount refusals
mount -t cohortfs -o region=nope none $M 2>/tmp/err && bad "mounted an unknown region" ||
	ok "unknown region refused: $(dmesg | grep 'cohortfs: no region' | tail -n 1)"
mount -t cohortfs -o region=data-and-then-some-more-than-31-chars none $M 2>/dev/null &&
	bad "mounted by a name longer than any region's" || ok "a name too long for the table refused"
mount -t cohortfs -o region=data,phys=0x70000000,size=0x400000 none $M 2>/dev/null &&
	bad "region= with phys= accepted" || ok "region= with phys= refused"
mount -t cohortfs -o region=data none $M 2>/dev/null && bad "mounted an unformatted (zeroed) region" ||
	ok "unformatted region refused"
[ -z "$(users data)" ] || bad "failed mounts left users: $(users data)"

mount -t cohortfs -o region=data,format none $M && ok "format and mount by name" || die "mount"
grep -q "region=data" /proc/mounts && ok "/proc/mounts shows region=data" || bad "$(grep cohortfs /proc/mounts)"
[ "$(users data)" = 0 ] && ok "users: 0" || bad "users $(users data)"
echo hello >$M/f || bad "write"
out=$(cohort region delete data 2>&1); rc=$?
[ $rc = 1 ] && echo "$out" | grep -q "in use by kernel(s) 0" && ok "delete while mounted refused: $out" ||
	bad "delete mounted: $rc $out"
umount $M || bad umount
[ -z "$(users data)" ] && ok "users empty after umount" || bad "users after umount: $(users data)"
mount -t cohortfs -o region=data none $M && [ "$(cat $M/f)" = hello ] &&
	ok "contents kept across mounts" || bad "remount"
umount $M

# An instance maps a region only once it is granted to it; revoking is
# refused while it maps it; it is stopped by force with the mount still
# up, and restarts clean.
make_initrd u <<'EOF'
mkdir -p /mnt/r
mount -t cohortfs -o region=data none /mnt/r 2>/dev/null && echo INST-MOUNTED-AT-ONCE
echo INST-FIRST-TRY-DONE
n=0
until mount -t cohortfs -o region=data none /mnt/r 2>/dev/null; do
	n=$((n + 1)); [ $n -lt 1000 ] || exit 1; sleep 0.2
done
echo "INST-MOUNTED $(cat /mnt/r/f)"
mount -t cohortfs -o region=nope none /mnt/r 2>/dev/null || echo INST-NOPE-REFUSED
sleep 1000
EOF
cohort create u --cpus 1-2 --memory 128M || die create
cohort load u --kernel /boot/bzImage --initrd /tmp/initrd-u || die load
cohort start u || die start
wait_for 200 console_has u INST-FIRST-TRY-DONE || die "instance: $(cohort log u | tail -n 5)"
console_has u INST-MOUNTED-AT-ONCE && bad "the instance mapped a region not granted to it" ||
	ok "a region not granted is refused in the instance"
[ -z "$(cat $U/data/grants)" ] || bad "grants before grant: $(cat $U/data/grants)"
out=$(cohort region grant data nobody 2>&1); rc=$?
[ $rc = 3 ] && ok "grant to an unknown instance: exit 3: $out" || bad "grant nobody: $rc $out"
out=$(cohort region revoke data u 2>&1); rc=$?
[ $rc = 3 ] && ok "revoke of no grant: exit 3: $out" || bad "revoke ungranted: $rc $out"
cohort region grant data u && ok "grant data to the running instance" || die "grant"
out=$(cohort region grant data u 2>&1); rc=$?
[ $rc = 1 ] && echo "$out" | grep -q "already granted" && ok "a second grant refused: $out" || bad "regrant: $rc $out"
[ "$(cat $U/data/grants)" = u ] && ok "grants: u" || bad "grants: $(cat $U/data/grants)"
cohort -j region | grep -q '"grants":\["u"\]' && ok "JSON shows the grant" || bad "JSON grants: $(cohort -j region)"
wait_for 200 console_has u 'INST-MOUNTED hello' && ok "the instance mounts the granted region by name" ||
	die "instance mount: $(cohort log u | tail -n 5)"
wait_for 20 console_has u INST-NOPE-REFUSED && ok "unknown region refused in the instance" || bad "instance nope"
[ "$(users data)" = 1 ] && ok "users: 1 (the instance)" || bad "users with instance: $(users data)"
out=$(cohort region revoke data u 2>&1); rc=$?
[ $rc = 1 ] && echo "$out" | grep -q "maps region" && ok "revoke refused while it maps it: $out" ||
	bad "revoke while mapped: $rc $out"
cohort region delete data 2>/dev/null && die "deleted a region an instance maps"
ok "delete refused while the instance maps it"
[ "$(cat $U/data/grants)" = u ] || bad "refusals changed the grants: $(cat $U/data/grants)"
cohort stop --force u || die "stop --force"
[ -z "$(users data)" ] && ok "users empty once its CPUs are back" || bad "users after stop: $(users data)"
cohort start u || die restart
wait_for 200 console_has u 'INST-MOUNTED-AT-ONCE' && ok "the grant lasts across a restart" || die "second start"
wait_for 20 sh -c "[ \"\$(cat $U/data/users)\" = 1 ]" && ok "a restarted instance starts clean (users 1)" ||
	bad "users after restart: $(users data)"
cohort stop --force u || die "stop u"
cohort region revoke data u && ok "revoke once its CPUs are back" || bad "revoke after stop"
[ -z "$(cat $U/data/grants)" ] || bad "grants after revoke: $(cat $U/data/grants)"
cohort region grant data u || bad "grant again"
cohort delete u || die "delete u"
[ -z "$(cat $U/data/grants)" ] && ok "deleting the instance drops its grant" || bad "grants after delete: $(cat $U/data/grants)"

# a region and an instance do not overlap
cohort create v --cpus 1 --memory 64M --base "$(cat $U/data/base)" 2>/tmp/err && bad "instance inside a region"
grep -q "overlaps region 'data'" /tmp/err && ok "instance inside the region refused: $(cat /tmp/err)" ||
	bad "overlap message: $(cat /tmp/err)"
cohort region delete data && ok "delete" || bad "delete"
[ "$(cat /sys/kernel/cohort/pool/free)" = "$free0" ] && ok "pool/free back to $free0" || bad "pool/free after delete"
exit_if_failed cohortfs-region
