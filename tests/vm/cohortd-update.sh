# cohortd and kernel updates.  web is declared with a network link, a
# vsock health check and a warm standby; its service (vsock 5000, TCP
# 80) says which kernel answers (kver= on its command line).  A new
# declaration that changes only what it boots (kernel file, cmdline) is
# applied as a live update, not a replacement: events updating and
# updated, two clients (vsock and TCP) answered throughout by the old
# and then the new kernel, the standby made again for the new kernel.  A
# declared kernel whose init never passes the health check: the update
# rolls back by itself (update-failed), the old kernel serves on.  A
# change of memory still replaces it.  A user's own `cohort update`
# (which stops the old kernel) is followed: cohortd supervises the new
# kernel, and heals it when it panics.
# vm: --smp 4 --mem 2G --append cohort_pool=768M
# timeout: 900
set -u
. /tests/vm/lib/common.sh
. /tests/vm/lib/cohortd.sh

mkdir -p $C
make_initrd web <<'CMD'
k=$(grep -o "kver=[0-9]*" /proc/cmdline)
socat VSOCK-LISTEN:5000,fork,reuseaddr SYSTEM:"echo $k" &
socat TCP-LISTEN:80,fork,reuseaddr SYSTEM:"echo $k" &
echo "web serving $k"
CMD
# A kernel whose service never comes up: its health check fails.
make_initrd mute <<'CMD'
echo "mute: serving nothing"
CMD
cp /boot/bzImage /tmp/bzImage-2
conf() { # kernel initrd kver memory
	cat >$C/web.conf <<EOF
[instance]
cpus = 1
memory = $4
kernel = $1
initrd = $2
cmdline = quiet cohort.shell kver=$3
restart = on-failure
restart-backoff = 500
standby = yes
[net]
link = yes
address = 169.254.8.2/24
[health]
vsock-port = 5000
interval = 1000
threshold = 3
EOF
}
conf /boot/bzImage /tmp/initrd-web 1 128M
cohortd --config-dir $C >/tmp/cohortd.log 2>&1 &
wait_for 120 state_is web running || die "web did not start: $(tail -n 5 /tmp/cohortd.log)"
wait_for 150 ev_is web standby-ready 1 || die "no standby: $(tail -n 5 /tmp/cohortd.log)"
ip link set coh-web up && ip addr add 169.254.8.1/24 dev coh-web || die "coh-web"
vs() { socat -t 2 - VSOCK-CONNECT:$(attr web cid):5000,connect-timeout=1 2>/dev/null; }
tcp() { socat -t 2 - TCP:169.254.8.2:80,connect-timeout=1 2>/dev/null; }
wait_for 60 sh -c '[ "$(socat -t 2 - TCP:169.254.8.2:80 2>/dev/null)" = kver=1 ]' && [ "$(vs)" = kver=1 ] &&
	ok "web serves kver=1 over vsock and TCP" || die "web: vsock '$(vs)', tcp '$(tcp)'"
cid=$(attr web cid)

# 1. What it boots changes: a live update.
cohort-svc-gap vsock $cid 5000 60 >/tmp/gap-vsock &
gv=$!
cohort-svc-gap tcp 169.254.8.2 80 60 >/tmp/gap-tcp &
gt=$!
sleep 2
conf /tmp/bzImage-2 /tmp/initrd-web 2 128M
out=$(cohort apply --dir $C 2>&1) || bad "apply: $out"
wait_for 180 ev_is web updated 1 || bad "no update: $(grep '"web"' $S/events.jsonl | tail -n 4)"
wait $gv $gt
echo "vsock client: $(cat /tmp/gap-vsock)"
echo "tcp client: $(cat /tmp/gap-tcp)"
[ "$(ev web updating)" = 1 ] && [ "$(ev web replacing)" = 0 ] && [ "$(ev web restarted)" = 0 ] &&
	ok "a new kernel file and cmdline: updated live, not replaced" ||
	bad "events: $(grep '"web"' $S/events.jsonl | cut -c1-160 | tail -n 5)"
grep -q "first kver=1 last kver=2" /tmp/gap-vsock && grep -q "first kver=1 last kver=2" /tmp/gap-tcp &&
	ok "both clients heard kver=1, then kver=2" || bad "clients: $(cat /tmp/gap-vsock /tmp/gap-tcp)"
[ "$(attr web cid)" = $cid ] && [ "$(attr web net)" = coh-web ] &&
	grep -q "kver=2" $I/web/cmdline && ok "web: CID $cid, link coh-web, the new command line" ||
	bad "web: cid $(attr web cid) net $(attr web net) cmdline $(attr web cmdline)"
wait_for 200 sh -c "grep -q 'kver=2' $I/web.standby/cmdline 2>/dev/null && [ \"\$(cat $I/web.standby/state)\" = running ]" &&
	ok "the standby was made again with the new kernel's cmdline" ||
	bad "standby: $(attr web.standby cmdline 2>&1)"
wait_for 30 sh -c '[ "$(cohort daemon status -j | grep -o "\"name\":\"web\",\"phase\":\"[a-z-]*\"")" = "\"name\":\"web\",\"phase\":\"running\"" ]' &&
	ok "cohortd: web running" || bad "phase $(phase web)"

# 2. A kernel that fails its health check: rolled back, the old one serves.
wait_for 150 ev_is web standby-ready 2 || bad "the new standby is not ready"
conf /tmp/bzImage-2 /tmp/initrd-mute 3 128M
out=$(cohort apply --dir $C 2>&1) || bad "apply: $out"
wait_for 300 ev_is web update-failed 1 || bad "no update-failed: $(grep '"web"' $S/events.jsonl | tail -n 3)"
[ "$(vs)" = kver=2 ] && [ "$(tcp)" = kver=2 ] && state_is web running && [ "$(ev web replacing)" = 0 ] &&
	ok "a kernel that fails its health check: rolled back, kver=2 serves on: $(grep '"update-failed"' $S/events.jsonl | grep -o '"detail":"[^"]*' | cut -c1-160)" ||
	bad "after the failed update: '$(vs)' '$(tcp)' $(attr web state)"
[ ! -e $I/web.next ] && ok "no web.next left" || bad "web.next left: $(attr web.next state)"
conf /tmp/bzImage-2 /tmp/initrd-web 2 128M
cohort apply --dir $C >/dev/null 2>&1 || bad "apply back"
wait_for 180 ev_is web updated 2 ||
	bad "no second update: $(grep '"web"' $S/events.jsonl | tail -n 4); cohortd: $(tail -n 4 /tmp/cohortd.log)"

# 3. A user's own update: cohortd adopts the new kernel and heals it.
wait_for 150 sh -c "[ \"\$(cat $I/web.standby/state 2>/dev/null)\" = running ]" || bad "no standby before the user's update"
out=$(cohort update web --kernel /boot/bzImage --initrd /tmp/initrd-web --cmdline "quiet cohort.shell kver=4 cohort.ip=169.254.8.2/24" 2>&1) &&
	ok "a user's update: $(echo $out | cut -c1-120)" || bad "user update: $out"
# (cohortd sees the old kernel stop and the new one run: "adopted"; or,
# between two of its looks, only the new one running under the name)
wait_for 30 sh -c '[ "$(cohort daemon status -j | grep -o "\"name\":\"web\",\"phase\":\"[a-z-]*\"")" = "\"name\":\"web\",\"phase\":\"running\"" ]' &&
	ok "cohortd supervises the kernel the user's update started" ||
	bad "phase $(phase web): $(grep '"web"' $S/events.jsonl | tail -n 3)"
[ "$(vs)" = kver=4 ] && ok "the user's kernel serves: kver=4" || bad "after the user's update: '$(vs)'"
f0=$(ev web failed)
type_in web 'echo c >/proc/sysrq-trigger'
wait_for 60 sh -c "[ \$(grep -c '\"instance\":\"web\",\"event\":\"failed\"' $S/events.jsonl) -gt $f0 ]" &&
	wait_for 150 sh -c '[ -n "$(socat -t 2 - VSOCK-CONNECT:'$cid':5000 2>/dev/null)" ]' &&
	ok "its panic was healed: CID $cid answers '$(vs)'" || bad "not healed: $(grep '"web"' $S/events.jsonl | tail -n 3)"
wait_for 200 sh -c "[ \"\$(cat $I/web.standby/state 2>/dev/null)\" = running ]" &&
	wait_for 30 sh -c '[ "$(cohort daemon status -j | grep -o "\"name\":\"web\",\"phase\":\"[a-z-]*\"")" = "\"name\":\"web\",\"phase\":\"running\"" ]' ||
	bad "web and its standby did not settle: $(phase web)"

# 4. Memory is not what it boots: replaced, not updated.
u0=$(ev web updating)
conf /tmp/bzImage-2 /tmp/initrd-web 2 160M
cohort apply --dir $C >/dev/null 2>&1 || bad "apply"
wait_for 200 sh -c "[ \"\$(cat $I/web/mem_size 2>/dev/null)\" = $((160 << 20)) ] && [ \"\$(cat $I/web/state)\" = running ]" &&
	[ "$(ev web updating)" = "$u0" ] && [ "$(ev web replacing)" = 1 ] &&
	ok "a memory change replaces it (no update)" || bad "memory change: $(grep '"web"' $S/events.jsonl | tail -n 3)"

kill %1 2>/dev/null
pkill -x cohortd
sleep 1
for n in web.standby web; do
	cohort stop --force $n >/dev/null 2>&1
	cohort delete $n >/dev/null 2>&1
done
exit_if_failed cohortd-update
echo "cohortd-update: declared kernel changes applied as live updates"
