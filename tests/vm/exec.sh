# cohort exec: a command run in a running instance, its output on our
# stdout and stderr apart, its exit status ours (127 not found, 126 not
# runnable, 128 + N for signal N, 124 after --timeout, which kills it,
# even while it writes without end),
# -e, -w and -u, binary output whole, stdin not forwarded, the command
# killed when cohort exec goes.  In a plain instance it runs as root in
# the initramfs; in an image instance (cohort run -d, and a warm one) in
# the image's root with the workload's user, directory, environment and
# limits, as the container's own process has them under Debian's crun,
# and with the environment and files crun exec shows in a container of
# the same image.  The exec server hears only root of the primary: a
# request from an unprivileged port of the primary, or from another
# instance, is closed without an answer and runs nothing, while the
# same bytes from a privileged port run (the control).
# vm: --smp 4 --mem 2G --append cohort_pool=768M --add build/test-images:/images
# timeout: 400
set -u
. /tests/vm/lib/common.sh

[ -d /images/run ] || die "no /images/run: make test-images"
IMG=oci:/images/run:t

# The bytes of a request (lib/run/exec.h): "CEXQ", the length, the JSON.
request() {	# JSON -> stdout
	len=${#1}
	printf 'CEXQ'
	printf "\\$(printf %03o $((len & 255)))\\$(printf %03o $((len >> 8 & 255)))\\000\\000"
	printf '%s' "$1"
}
no_proc() {	# instance text: no process of the instance matches text
	! cohort exec "$1" ps -o args | grep -v grep | grep -q "$2"
}

# 1. A plain instance: the instance initramfs's init serves cohort exec.
cohort create p --cpus 1 --memory 128M &&
	cohort load p --kernel /boot/bzImage --initrd /boot/instance-initrd.cpio.gz ||
	die "cannot make p"
start_to_init p 1
out=$(cohort exec p echo hello world); st=$?
[ $st = 0 ] && [ "$out" = "hello world" ] && ok "exec: output and status 0" ||
	bad "exec echo: $st '$out'"
cohort exec p sh -c 'echo to-out; echo to-err >&2; exit 3' >/tmp/o 2>/tmp/e; st=$?
[ $st = 3 ] && [ "$(cat /tmp/o)" = to-out ] && [ "$(cat /tmp/e)" = to-err ] &&
	ok "stdout and stderr kept apart, exit status 3" ||
	bad "streams: $st out '$(cat /tmp/o)' err '$(cat /tmp/e)'"
out=$(cohort exec p printf '[%s]' 'a b' '' '*' "\$HOME")
[ "$out" = '[a b][][*][$HOME]' ] && ok "arguments arrive whole, unexpanded: $out" ||
	bad "arguments: $out"
out=$(cohort exec p nosuch-command 2>&1); st=$?
[ $st = 127 ] && echo "$out" | grep -q "nosuch-command: No such file" &&
	ok "a command that does not exist: 127 ($out)" || bad "not found: $st $out"
out=$(cohort exec p /etc 2>&1); st=$?
[ $st = 126 ] && ok "a directory as the command: 126 ($out)" || bad "not runnable: $st $out"
cohort exec p sh -c 'kill -TERM $$'; st=$?
[ $st = 143 ] && ok "killed by SIGTERM: 143" || bad "SIGTERM: $st"
cohort exec p sh -c 'kill -KILL $$'; st=$?
[ $st = 137 ] && ok "killed by SIGKILL: 137" || bad "SIGKILL: $st"
t0=$(date +%s)
out=$(cohort exec --timeout 1.5 p sh -c 'echo started; sleep 60; echo never' 2>&1); st=$?
t=$(($(date +%s) - t0))
[ $st = 124 ] && [ $t -le 6 ] && echo "$out" | grep -q "^started" &&
	echo "$out" | grep -q "longer than --timeout 1.5 s: killed" && ! echo "$out" | grep -q never &&
	ok "--timeout 1.5: killed, 124, said so (${t}s)" || bad "--timeout: $st after ${t}s: $out"
wait_for 10 no_proc p "sleep 60" && ok "the timed-out command's processes are gone" ||
	bad "left: $(cohort exec p ps -o args | grep sleep)"
t0=$(date +%s)
cohort exec --timeout 2 p yes >/dev/null 2>&1; st=$?
t=$(($(date +%s) - t0))
[ $st = 124 ] && [ $t -le 8 ] && ok "a command that never stops writing is killed at --timeout too (${t}s)" ||
	bad "yes with --timeout 2: $st after ${t}s"
t0=$(date +%s)
out=$(cohort exec p sh -c 'yes >&2 & sleep 0.5; echo done' 2>/dev/null); st=$?
t=$(($(date +%s) - t0))
[ $st = 0 ] && [ "$out" = done ] && [ $t -le 8 ] &&
	ok "one that leaves a writer behind ends when it exits (${t}s)" || bad "background writer: $st '$out' ${t}s"
cohort exec p killall yes
out=$(cohort exec -e A=1 p -e A=2 -e B=b -w /tmp -- sh -c 'echo $A $B $(pwd) $(id -u) $HOME')
[ "$out" = "2 b /tmp 0 /root" ] && ok "-e (the later wins), -w, root with HOME /root: $out" ||
	bad "-e -w: $out"
export FROM_HERE=here
out=$(cohort exec -e FROM_HERE -e NOT_SET_HERE p sh -c 'echo $FROM_HERE ${NOT_SET_HERE-unset}')
[ "$out" = "here unset" ] && ok "-e NAME takes our value, or nothing when unset" || bad "-e NAME: $out"
out=$(cohort exec -u 1234:56 p sh -c 'echo $(id -u) $(id -g) $HOME')
[ "$out" = "1234 56 /" ] && ok "-u uid:gid without an entry: $out" || bad "-u 1234:56: $out"
out=$(cohort exec -u nobody p id 2>&1); st=$?
[ $st = 126 ] && echo "$out" | grep -q "user nobody not found" && ok "-u of an unknown name: 126" ||
	bad "-u nobody: $st $out"
out=$(cohort exec -w /no/such p pwd 2>&1); st=$?
[ $st = 126 ] && ok "-w of a missing directory: 126 (not made)" || bad "-w missing: $st $out"
a=$(cohort exec p cat /bin/busybox | sha256sum | cut -d' ' -f1)
b=$(cohort exec p sha256sum /bin/busybox | cut -d' ' -f1)
n=$(cohort exec p sh -c 'head -c 5000000 /dev/zero' | wc -c)
[ -n "$a" ] && [ "$a" = "$b" ] && [ "$n" = 5000000 ] &&
	ok "binary output arrives whole (busybox's sha256 on both ends; 5 MB)" || bad "binary: $a $b $n"
out=$(echo typed | cohort exec p cat); st=$?
[ $st = 0 ] && [ -z "$out" ] && ok "stdin is not forwarded: the command reads /dev/null" ||
	bad "stdin: $st '$out'"
t0=$(date +%s)
out=$(cohort exec p sh -c 'sleep 70 >/dev/null 2>&1 & echo bg'); st=$?
[ $st = 0 ] && [ "$out" = bg ] && [ $(($(date +%s) - t0)) -le 5 ] &&
	ok "a command that leaves a process behind ends when it exits" || bad "background: $st $out"
cohort exec p sleep 80 &
pid=$!
wait_for 10 sh -c "cohort exec p ps -o args | grep -q '^sleep 80'" || bad "sleep 80 never ran"
kill $pid
wait $pid 2>/dev/null
wait_for 10 no_proc p "sleep 80" && ok "cohort exec killed: the command is killed too" ||
	bad "sleep 80 left: $(cohort exec p ps -o args | grep sleep)"

# Refusals on the primary's side: 125.
out=$(cohort exec nosuch true 2>&1); st=$?
[ $st = 125 ] && echo "$out" | grep -q "no such instance" && ok "no such instance: 125" ||
	bad "nosuch: $st $out"
out=$(cohort exec p 2>&1); st=$?
[ $st = 125 ] && echo "$out" | grep -q "missing the COMMAND" && ok "no command: 125" || bad "no command: $st $out"
out=$(cohort exec --timeout 0 p true 2>&1); st=$?
[ $st = 125 ] && ok "--timeout 0 refused: 125" || bad "--timeout 0: $st $out"
# A user of the primary without privileges.
echo 'u:x:1000:1000::/tmp:/bin/sh' >>/etc/passwd
as_user() { su -s /bin/sh u -c "$*"; }
out=$(as_user cohort exec p true 2>&1); st=$?
[ $st = 125 ] && echo "$out" | grep -q "run cohort exec as root" &&
	ok "a user without privileges: 125 ($out)" || bad "unprivileged cohort exec: $st $out"

# 2. Who is heard.  Another instance, e, sends a well-formed request to
# p; first it stops its own exec server, so that cohort exec finds no
# server in it.
pcid=$(attr p cid)
REQ='{"args":["sh","-c","echo pwned >/tmp/pwned"]}'
make_initrd e <<EOF
kill \$(pidof cohort-init)
printf '%s' '$(request "$REQ" | base64 -w0)' | base64 -d |
	socat -t 5 - VSOCK-CONNECT:$pcid:1001 >/tmp/ans 2>/dev/null
echo "e-answer[\$(od -c /tmp/ans | head -n 2 | tr -s ' \n' ' ')]" >/dev/console
EOF
cohort create e --cpus 2 --memory 128M && cohort load e --kernel /boot/bzImage --initrd /tmp/initrd-e &&
	start_to_init e 1
wait_for 60 console_has e "e-answer\[" || bad "e never finished: $(cohort log e | tail -n 5)"
ans=$(cohort log e | grep -o 'e-answer\[.*')
echo "$ans" | grep -q 'C *X' && bad "e got an answer: $ans" ||
	ok "a request from another instance: closed without an answer (${ans#e-answer})"
out=$(cohort exec e true 2>&1); st=$?
[ $st = 125 ] && echo "$out" | grep -q "does not answer on vsock port 1001" &&
	ok "no exec server: 125 ($out)" || bad "e without a server: $st $out"
# From the primary, from an unprivileged port (as a user without
# CAP_NET_BIND_SERVICE would): not heard either.
request "$REQ" >/tmp/req
ans=$(as_user socat -t 5 - VSOCK-CONNECT:$pcid:1001 </tmp/req 2>&1 | od -c)
echo "$ans" | grep -q 'C *X' && bad "an unprivileged port got: $ans" ||
	ok "a request from an unprivileged port of the primary: no answer"
ans=$(request "$REQ" | socat -t 5 - VSOCK-CONNECT:$pcid:1001,bind=2:2000 2>&1 | od -c)
echo "$ans" | grep -q 'C *X' && bad "port 2000 got: $ans" ||
	ok "nor from port 2000 bound by root"
out=$(cohort exec p cat /tmp/pwned 2>&1); st=$?
[ $st = 1 ] && ok "none of them ran: no /tmp/pwned in p" || bad "/tmp/pwned: $st $out"
# Garbage from a privileged port: refused with a reason, 125.
ans=$(printf 'GARBAGE!' | socat -t 5 - VSOCK-CONNECT:$pcid:1001,bind=2:702 2>&1 | tr -d '\000')
echo "$ans" | grep -q "not an exec request" && ok "garbage from the primary: refused, with the reason" ||
	bad "garbage: $ans"
ans=$(printf 'CEXQ\377\377\377\177' | socat -t 5 - VSOCK-CONNECT:$pcid:1001,bind=2:703 2>&1 | tr -d '\000')
echo "$ans" | grep -q "an exec request of 2147483647 bytes" && ok "a huge length: refused" ||
	bad "huge length: $ans"
# The control: the same request from a privileged port runs.
request "$REQ" | socat -t 5 - VSOCK-CONNECT:$pcid:1001,bind=2:704 >/dev/null 2>&1
[ "$(cohort exec p cat /tmp/pwned)" = pwned ] &&
	ok "the same bytes from a privileged port ran (the forgery was well formed)" || bad "control did not run"
cohort stop e --force >/dev/null; cohort delete e
cohort stop p >/dev/null
out=$(cohort exec p true 2>&1); st=$?
[ $st = 125 ] && echo "$out" | grep -q "p is not running (state stopped)" &&
	ok "a stopped instance: 125 ($out)" || bad "stopped: $st $out"
cohort delete p

# 3. An image instance: the workload's root, user, directory, env, limits.
n=$(cohort run -d --name img --memory 128M $IMG 'echo from-workload >/tmp/w; sleep 600') ||
	die "cohort run -d: $n"
wait_for 120 cohort exec img test -f /tmp/w || die "no exec in img: $(cohort log img | tail -n 5)"
PROBE='id; pwd; echo "FOO=$FOO HOME=$HOME PATH=$PATH"; echo "nofile $(ulimit -Sn) $(ulimit -Hn)"'
mine=$(cohort exec img sh -c "$PROBE" 2>&1)
# The reference: the container's own process under crun, as run.sh has it
# (umoci's bundle leaves the primary gid out of the groups: not compared).
mkdir -p /sys/fs/cgroup
mount -t cgroup2 none /sys/fs/cgroup 2>/dev/null || true
cp -a /images/run-bundle /tmp/bundle
ref=$(crun --cgroup-manager=disabled run --no-pivot -b /tmp/bundle ref1 2>&1) || bad "crun: $ref"
echo "crun run:    $(echo "$ref" | tr '\n' '|')"
echo "cohort exec: $(echo "$mine" | tr '\n' '|')"
[ -n "$ref" ] && [ "$(echo "$ref" | sed -n 1p | cut -d' ' -f1,2)" = "$(echo "$mine" | sed -n 1p | cut -d' ' -f1,2)" ] &&
	[ "$(echo "$ref" | sed -n 2,4p)" = "$(echo "$mine" | sed -n 2,4p)" ] &&
	ok "user, directory, environment and rlimits of the container's process (as docker exec)" ||
	bad "cohort exec and the container's process differ"
[ "$(cohort exec img cat /tmp/w)" = from-workload ] &&
	ok "the command sees what the workload wrote: the same root, its writable layer" || bad "/tmp/w"
# crun exec in a running container of the same image: the same
# environment and the image's files.
cp -a /images/run-bundle /tmp/bundle2
sed -i '/"args": \[/,/\]/c\  "args": ["/bin/sleep", "600"],' /tmp/bundle2/config.json
crun --cgroup-manager=disabled run -d --no-pivot -b /tmp/bundle2 ref2 || bad "crun run -d"
FILES='cat /srv/app/data /etc/passwd; ls /bin | wc -l'
ce=$(crun exec ref2 /bin/sh -c 'env | grep -E "^(FOO|HOME|PATH)=" | sort')
me=$(cohort exec img sh -c 'env | grep -E "^(FOO|HOME|PATH)=" | sort')
cf=$(crun exec ref2 /bin/sh -c "$FILES")
mf=$(cohort exec img sh -c "$FILES")
echo "crun exec: $(echo "$ce" | tr '\n' '|') / cohort exec: $(echo "$me" | tr '\n' '|')"
[ -n "$ce" ] && [ "$ce" = "$me" ] && [ -n "$cf" ] && [ "$cf" = "$mf" ] &&
	ok "the environment and the image's files crun exec shows" || bad "crun exec: '$ce' '$cf' cohort: '$me' '$mf'"
cw=$(crun exec -u 0 --cwd /tmp ref2 /bin/sh -c 'id -u; pwd')
mw=$(cohort exec -u 0 -w /tmp img sh -c 'id -u; pwd')
[ "$cw" = "$mw" ] && ok "-u 0 -w /tmp as crun exec's -u 0 --cwd /tmp" || bad "-u -w: '$cw' '$mw'"
crun --cgroup-manager=disabled kill ref2 KILL >/dev/null 2>&1
out=$(cohort exec img nosuch 2>&1); st=$?
[ $st = 127 ] && ok "not found in the image: 127 (docker exec's; crun exec says 255)" || bad "img nosuch: $st $out"
out=$(cohort exec -u app:nosuch img id 2>&1); st=$?
[ $st = 126 ] && echo "$out" | grep -q "group nosuch not found" && ok "-u with a group the image lacks: 126" ||
	bad "-u app:nosuch: $st $out"
cohort stop img --force >/dev/null; cohort delete img

# 4. A warm instance has it after the hand-over.
cohort warm w --count 1 --memory 128M >/dev/null 2>&1 || bad "cohort warm"
n=$(cohort run --warm w -d $IMG 'sleep 600') || bad "run --warm: $n"
# the hand-over answers before the workload's root is made
wait_for 30 cohort exec "$n" true
out=$(cohort exec "$n" sh -c 'echo $(id -un) $(pwd) $FOO $(hostname)' 2>&1)
[ "$out" = "app /srv/app from-image $n" ] && ok "a warm instance after the hand-over: $out" ||
	bad "warm: $out"
cohort stop "$n" --force >/dev/null; cohort delete "$n"
cohort warm w --count 0 >/dev/null 2>&1
exit_if_failed exec
echo "exec: commands run in plain, image and warm instances, for root of the primary only"
