# cohortd with a warm standby (standby = yes): web serves vsock port 5000
# with the name and boot id of the kernel that answers; cohortd boots
# web.standby beside it (free CPU, same memory and command line plus
# cohort.standby, no link).  While a client in the primary keeps
# connecting to web's address, web panics: the standby takes over at once
# (the client hears the former standby's kernel, the time without answers
# is far below a restart), web's console and a memory dump are kept, the
# standby becomes web and a new web.standby is made and becomes ready.
# cohort daemon status shows it; a reload changes nothing (the promoted
# web runs on other CPUs, as declared); cohortd killed -9 and started
# again adopts both; a standby that panics itself is restarted and web
# is untouched; with the standby stopped by a user, a failure of web is
# healed by its restart policy; standby = no deletes the standby; the
# parser refuses standby with image, and a name too long for .standby,
# with file and line.
#
# The network half: web also has a link and an address, and a TCP
# client in the primary keeps connecting to it through coh-web while web
# panics; the takeover moves the link (coh-web, same address) to the
# standby, whose init puts its cohort.ip= address on the new eth0.
# vm: --smp 4 --mem 2G --append cohort_pool=768M
# timeout: 600
set -u
. /tests/vm/lib/common.sh
. /tests/vm/lib/cohortd.sh

IP=169.254.7.2
mkdir -p $C

# Refusals, by the parser, with file and line; nothing is made.
R=/tmp/refused
mkdir -p $R
printf '[instance]\ncpu-count = 1\nmemory = 64M\nstandby = yes\nimage = oci:/tmp\n' >$R/img.conf
printf '[instance]\ncpu-count = 1\nmemory = 64M\nstandby = yes\n' >$R/abcdefghijklmnopqrstuvwxy.conf
out=$(cohort apply --dry-run --dir $R 2>&1); rc=$?
[ $rc = 2 ] && echo "$out" | grep -q "img.conf:5: standby (line 4) and image (line 5) cannot both be set" &&
	echo "$out" | grep -q "abcdefghijklmnopqrstuvwxy.conf:4: standby: the name .* too long" &&
	ok "standby refused with image and for a long name: $(echo "$out" | grep -c conf:) errors" ||
	bad "refusals: $rc $out"
[ -z "$(ls $I)" ] || bad "the refusals made: $(ls $I)"

make_initrd web <<'CMD'
socat VSOCK-LISTEN:5000,fork,reuseaddr SYSTEM:'echo $(hostname) $(cat /proc/sys/kernel/random/boot_id)' &
socat TCP-LISTEN:80,fork,reuseaddr SYSTEM:'echo $(hostname) $(cat /proc/sys/kernel/random/boot_id)' &
echo "$(hostname) serving"
CMD
conf() { # standby yes|no
	cat >$C/web.conf <<EOF
[instance]
cpus = 1
memory = 128M
kernel = /boot/bzImage
initrd = /tmp/initrd-web
cmdline = quiet cohort.shell
restart = on-failure
restart-backoff = 500
dump-keep = 2
standby = $1
EOF
	printf '[net]\nlink = yes\naddress = %s/16\n' $IP >>$C/web.conf
	return 0
}
conf yes
cohortd --config-dir $C >/tmp/cohortd.log 2>&1 &
dpid=$!
wait_for 120 state_is web running || die "web did not start: $(tail -n 5 /tmp/cohortd.log)"
wait_for 150 ev_is web standby-ready 1 || die "no standby: $(tail -n 5 /tmp/cohortd.log)"
state_is web.standby running && [ "$(attr web.standby cpus)" != "$(attr web cpus)" ] &&
	[ "$(attr web.standby mem_size)" = "$(attr web mem_size)" ] &&
	ok "web.standby runs on CPU $(attr web.standby cpus) beside web (CPU $(attr web cpus)), same memory" ||
	bad "web.standby: $(attr web.standby state) cpus $(attr web.standby cpus)"
want="quiet cohort.shell"
want="$want cohort.ip=$IP/16"
[ "$(attr web.standby cmdline)" = "$want cohort.standby console=ttyCH0 cohort.name=web.standby" ] &&
	ok "its command line: web's plus cohort.standby" || bad "standby cmdline: $(attr web.standby cmdline)"
[ -z "$(attr web.standby net)" ] && ok "no link of its own" || bad "web.standby has a link: $(attr web.standby net)"
cohort daemon status | grep -q "^web: standby web.standby ready (running), 0 takeovers" &&
	ok "daemon status: $(cohort daemon status | grep '^web: standby')" ||
	bad "status: $(cohort daemon status 2>&1)"
cohort daemon status -j | grep -q '"standby":{"name":"web.standby","phase":"ready"' &&
	ok "daemon status -j has the standby object" || bad "status -j: $(cohort daemon status -j)"

cid=$(attr web cid)
# A client that gives up a connection not answered within half a second.
ask() { socat -t 1 - VSOCK-CONNECT:$1:5000,connect-timeout=0.5 2>/dev/null; }
wait_for 60 sh -c "socat -t 1 - VSOCK-CONNECT:$cid:5000 | grep -q '^web '" || die "web does not serve"
wait_for 60 sh -c "socat -t 1 - VSOCK-CONNECT:$(attr web.standby cid):5000 | grep -q '^web.standby '" ||
	die "the standby does not serve"
old=$(ask $cid)
sb=$(ask "$(attr web.standby cid)")
ok "web answers '$old', the standby at CID $(attr web.standby cid) '$sb'"
ip link set coh-web up && ip addr add 169.254.7.1/16 dev coh-web || bad "an address on coh-web"
tcp() { socat -t 1 - TCP:$IP:80,so-bindtodevice=coh-web,connect-timeout=1 2>/dev/null; }
wait_for 60 sh -c "[ \"\$(socat -t 1 - TCP:$IP:80,so-bindtodevice=coh-web 2>/dev/null)\" = '$old' ]" &&
	ok "web answers at $IP over coh-web" || bad "TCP to $IP: '$(tcp)'"

# web panics while a client keeps asking its address.
ask_loop ask $cid >/tmp/answers &
client=$!
ask_loop tcp >/tmp/tcp-answers &
tclient=$!
sleep 3
s_sb=$(attr web.standby starts)
type_in web 'echo c >/proc/sysrq-trigger'
wait_for 60 ev_is web took-over 1 || bad "no takeover: $(grep '"web"' $S/events.jsonl | tail -n 3)"
wait_for 60 sh -c "[ \"\$(socat -t 1 - VSOCK-CONNECT:$cid:5000 2>/dev/null)\" = '$sb' ]" &&
	ok "web's address (CID $cid) is answered by the former standby: $sb" ||
	bad "CID $cid answers '$(ask $cid)', not '$sb'"
sleep 2
kill $client
wait $client 2>/dev/null
kill $tclient
wait $tclient 2>/dev/null
gap=$(longest_gap /tmp/answers)
grep -q "^[0-9]* $sb\$" /tmp/answers && grep -q "^[0-9]* $old\$" /tmp/answers &&
	ok "the client heard web, then the standby ($(wc -l </tmp/answers) answers)" ||
	bad "answers: $(cut -d' ' -f2- /tmp/answers | uniq -c)"
ms=$(grep -o '"event":"took-over","reason":"","detail":"[^"]*' $S/events.jsonl | grep -o '[0-9]* ms' | head -n 1)
# the kernel's clock of the panic, and the first answer after it
t_panic=$(dmesg | grep "instance web: panicked" | tail -n 1 | sed 's/^\[ *\([0-9]*\)\.\([0-9]\{3\}\).*/\1\2/')
t_back=$(grep " $sb\$" /tmp/answers | head -n 1 | cut -d' ' -f1)
boot=$(dmesg | grep -o "instance web.standby: running, [0-9]* ms after start" | head -n 1 | grep -o "[0-9]* ms" | cut -d' ' -f1)
echo "standby takeover: no answer for $gap ms, answers again $((t_back - t_panic)) ms after the panic; cohortd took over $ms after it saw the failure; the standby booted in $boot ms"
[ -n "$boot" ] && [ "$gap" -lt "$boot" ] && ok "the service was back in less than a boot: $gap ms < $boot ms" ||
	bad "no answer for $gap ms, a boot takes '$boot' ms"
grep -q '"instance":"web","event":"failed","reason":"panic","detail":"[^"]*web.standby takes over' $S/events.jsonl &&
	ok "the failure event says the standby takes over" || bad "failure event: $(grep '"failed"' $S/events.jsonl)"
f=$(ls $S/web/console-*-panic.log 2>/dev/null | head -n 1)
[ -n "$f" ] && grep -q "sysrq" "$f" && ok "web's console kept: $f" || bad "console not kept: $(ls $S/web)"
# the dump is written after the takeover, before the job ends
wait_for 120 sh -c '[ "$(cohort daemon status -j | grep -o "\"name\":\"web\",\"phase\":\"[a-z-]*\"")" = "\"name\":\"web\",\"phase\":\"running\"" ]' ||
	bad "the takeover job did not end: $(phase web)"
f=$(ls $S/web/vmcore-*-panic 2>/dev/null | head -n 1)
[ -n "$f" ] && makedumpfile --dump-dmesg "$f" /tmp/web.dmesg >/dev/null 2>&1 &&
	grep -q "sysrq triggered crash" /tmp/web.dmesg && ok "web's memory dumped before it was deleted: $f" ||
	bad "no usable dump: $(ls $S/web); $(tail -n 5 $S/web/job.log)"
rm -f /tmp/web.dmesg

# The standby is web now; a new standby is made and gets ready.
wait_for 150 ev_is web standby-ready 2 || bad "no new standby: $(grep '"web"' $S/events.jsonl | tail -n 3)"
[ "$(phase web)" = running ] && [ "$(attr web starts)" = "$s_sb" ] &&
	[ "$(ask $cid)" = "$sb" ] && state_is web.standby running &&
	[ "$(ls $I | tr '\n' ' ')" = "web web.standby " ] &&
	ok "web is the former standby's kernel (started $s_sb times, never restarted); a new web.standby runs" ||
	bad "after: $(ls $I) phase $(phase web) starts $(attr web starts) vs $s_sb; CID $cid '$(ask $cid)'"
grep -q "cohort.name=web$" $I/web/cmdline && ok "its command line names it web" ||
	bad "web's cmdline: $(attr web cmdline)"
wait_for 60 sh -c "socat -t 1 - VSOCK-CONNECT:$(attr web.standby cid):5000 | grep -q '^web.standby '"
new=$(ask "$(attr web.standby cid)")
[ -n "$new" ] && [ "$new" != "$sb" ] && ok "the new standby is another kernel: $new" ||
	bad "the new standby answers '$new'"
cohort daemon status | grep -q "^web: standby web.standby ready (running), 1 takeover, the last [0-9]* ms" &&
	ok "daemon status: $(cohort daemon status | grep '^web: standby')" ||
	bad "status: $(cohort daemon status 2>&1 | tail -n 3)"
[ "$(ev web restarted)" = 0 ] && ok "no restart was needed" || bad "restarted: $(ev web restarted)"
tgap=$(longest_gap /tmp/tcp-answers)
grep -q "^[0-9]* $sb\$" /tmp/tcp-answers && [ "$(tcp)" = "$sb" ] &&
	ok "TCP to $IP: the former standby answers, after $tgap ms without" ||
	bad "TCP answers: $(cut -d' ' -f2- /tmp/tcp-answers | uniq -c); now '$(tcp)'"

# A reload: the declaration did not change (web runs on other CPUs).
out=$(cohort apply --dir $C 2>&1) || bad "apply: $out"
sleep 2
[ "$(ev web replacing)" = 0 ] && [ "$(attr web starts)" = "$s_sb" ] &&
	ok "a reload leaves the promoted web alone" || bad "reload: $(grep '"web"' $S/events.jsonl | tail -n 2)"
cohort apply --dry-run --dir $C | grep -q "^keep web$" && cohort apply --dry-run --dir $C |
	grep -q "^keep web.standby (standby of web)$" && ok "apply --dry-run: keep web, keep web.standby" ||
	bad "dry run: $(cohort apply --dry-run --dir $C 2>&1)"

# cohortd killed: both adopted, untouched.
s_web=$(attr web starts); s_sb=$(attr web.standby starts)
kill -9 $dpid
wait $dpid 2>/dev/null
cohortd --config-dir $C >>/tmp/cohortd.log 2>&1 &
dpid=$!
wait_for 20 ev_is web adopted 1 && wait_for 20 ev_is web standby-ready 3 &&
	grep '"event":"standby-ready"' $S/events.jsonl | tail -n 1 | grep -q "web.standby adopted" &&
	[ "$(attr web starts)" = "$s_web" ] && [ "$(attr web.standby starts)" = "$s_sb" ] &&
	ok "a new cohortd adopted web and web.standby without restarting either" ||
	bad "adopt: $(grep '"web"' $S/events.jsonl | tail -n 3)"

# The standby panics itself: restarted; web untouched.
type_in web.standby 'echo c >/proc/sysrq-trigger'
wait_for 60 ev_is web standby-failed 1 && wait_for 120 ev_is web standby-ready 4 &&
	grep -q '"instance":"web","event":"standby-failed","reason":"panic"' $S/events.jsonl &&
	[ "$(attr web.standby starts)" = $((s_sb + 1)) ] &&
	ok "the standby panicked and was started again" ||
	bad "standby failure: $(grep '"web"' $S/events.jsonl | tail -n 3)"
ls $S/web.standby/console-*-panic.log >/dev/null 2>&1 && ok "its console kept in $S/web.standby" ||
	bad "standby console: $(ls $S/web.standby)"
[ "$(attr web starts)" = "$s_web" ] && [ "$(ask $cid)" = "$sb" ] && ok "web untouched" ||
	bad "web: starts $(attr web starts), answers '$(ask $cid)'"

# No standby ready (a user stopped it): web's restart policy heals it.
cohort stop web.standby >/dev/null
wait_for 20 ev_is web standby-stopped 1 || bad "no standby-stopped: $(tail -n 2 $S/events.jsonl)"
type_in web 'echo c >/proc/sysrq-trigger'
wait_for 90 ev_is web restarted 1 && wait_for 60 state_is web running &&
	[ "$(attr web starts)" = $((s_web + 1)) ] && [ "$(ev web took-over)" = 1 ] && state_is web.standby stopped &&
	ok "with the standby stopped, web was restarted by its policy" ||
	bad "restart: $(grep '"web"' $S/events.jsonl | tail -n 3)"
grep -q "cohort.standby" $I/web/cmdline && bad "web restarted as a standby: $(attr web cmdline)" ||
	ok "web was loaded again without cohort.standby for its restart"

# standby = no: the standby goes, web stays.
conf no
out=$(cohort apply --dir $C 2>&1) || bad "apply: $out"
wait_for 30 sh -c "[ ! -e $I/web.standby ]" && state_is web running &&
	ok "standby = no: web.standby deleted, web runs on" || bad "after standby = no: $(ls $I)"

kill $dpid
wait $dpid
cohort stop --force web >/dev/null 2>&1
cohort delete web || bad "delete web"
[ -z "$(ls $I)" ] && ok "no instance left" || bad "left: $(ls $I)"
[ "$failed" = 0 ] || { echo "--- cohortd's log:"; tail -n 40 /tmp/cohortd.log; }
exit_if_failed cohortd-standby
echo "cohortd-standby: a warm standby took over a failed instance's address"
