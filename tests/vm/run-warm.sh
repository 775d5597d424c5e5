# cohort warm and cohort run --warm: a pool of instances booted ahead of
# time takes a workload without a kernel boot on the way.  The workload
# runs in the claimed instance (hostname, output, exit status), a
# replacement boots in the background, an empty pool falls back to a
# cold boot.  The hand-over port hears only the primary's privileged
# ports: a spec another instance or an unprivileged port sends is
# ignored, the same bytes from a privileged port of the primary are taken
# (the control that shows the forgery was well formed), garbage from the
# primary is answered with an error and changes nothing.  -d --rm deletes
# the instance once it stops; --count 0 removes the pool and its
# instances.
# vm: --smp 4 --mem 2G --append cohort_pool=768M --add build/test-images:/images
# timeout: 600
set -u
. /tests/vm/lib/common.sh

[ -d /images/run ] || die "no /images/run: make test-images"
IMG=oci:/images/run:t
INST=/sys/kernel/cohort/instances

idle_of() {	# the idle instances of pool $1, one per line
	ls "/var/lib/cohort/warm/$1.idle" 2>/dev/null
}

# The header of a hand-over (lib/run/warm.h) and a spec, as bytes.
hand_over() {	# $1 JSON -> stdout
	len=${#1}
	printf 'CWRM'
	printf "\\$(printf %03o $((len & 255)))\\$(printf %03o $((len >> 8 & 255)))\\000\\000"
	printf '%s' "$1"
}
before=$(cat /sys/kernel/cohort/pool/free)
FORGED='{"process":{"user":{"uid":0,"gid":0},"args":["/bin/sh","-c","echo FORGED-RAN >/dev/console; sleep 600"],"cwd":"/"}}'

# 1. Refused before anything is made.
out=$(cohort run --warm nosuch $IMG true 2>&1); st=$?
[ $st = 125 ] && echo "$out" | grep -q "no such warm pool" &&
	ok "run --warm of a pool that does not exist: 125, said so" ||
	bad "run --warm nosuch: $st $out"
out=$(cohort run --warm w --name x $IMG true 2>&1); st=$?
[ $st = 125 ] && echo "$out" | grep -q "cannot be used with it" &&
	ok "--warm with --name refused" || bad "--warm --name: $st $out"
out=$(cohort warm w 2>&1); st=$?
[ $st = 3 ] && echo "$out" | grep -q "no warm pool w" && ok "cohort warm of no pool: 3" ||
	bad "cohort warm w: $st $out"
for args in "bad/name --count 1" "w --count 65" "w --count x" \
	    "w --count 1 --memory 3M" "w --count 1 --cpu-count 0" \
	    "w --count 1 --kernel /no/such" "list extra"; do
	out=$(cohort warm $args 2>&1); st=$?
	[ $st = 2 ] && ok "cohort warm $args: refused ($(echo "$out" | head -n 1 | cut -c1-70))" ||
		bad "cohort warm $args: status $st: $out"
done
[ -z "$(ls $INST)" ] && [ ! -e /var/lib/cohort/warm/w.json ] &&
	ok "the refusals made no instance and no pool" || bad "left: $(ls $INST)"

# 2. A pool of one.
out=$(cohort warm w --count 1 --memory 128M 2>&1); st=$?
echo "$out"
i1=$(idle_of w)
[ $st = 0 ] && echo "$out" | grep -q "^warm pool w: 1 of 1 idle: w-" && [ -n "$i1" ] &&
	[ "$(attr "$i1" state)" = running ] &&
	ok "cohort warm: $i1 booted and idle" || bad "cohort warm w: $st $out"
cohort warm list | grep -Eq '^w +1 +1 +1 +128M ' && ok "cohort warm list shows it" ||
	bad "warm list: $(cohort warm list)"
cohort warm list -j | grep -q "\"idle\":\[\"$i1\"\]" && ok "warm list -j names the idle instance" ||
	bad "warm list -j: $(cohort warm list -j)"
out=$(cohort warm w 2>&1) && [ "$(idle_of w)" = "$i1" ] &&
	ok "filling a full pool keeps the instance that answers" || bad "refill of a full pool: $out"

# 3. A workload handed over.
out=$(cohort run --warm w --rm $IMG 'echo warm-hello from $(hostname) FOO=$FOO; exit 7' 2>&1); st=$?
echo "$out" | tail -n 3
[ $st = 7 ] && echo "$out" | grep -q "^warm-hello from $i1 FOO=from-image" &&
	ok "run --warm ran in $i1: output, hostname, image env, exit 7" ||
	bad "run --warm: status $st: $out"
[ ! -e "$INST/$i1" ] && ok "--rm deleted $i1" || bad "$i1 left after --rm"
cohort warm w >/dev/null 2>&1	# waits for the background refill
i2=$(idle_of w)
[ -n "$i2" ] && [ "$i2" != "$i1" ] && [ "$(attr "$i2" state)" = running ] &&
	ok "a replacement booted in the background: $i2" || bad "no replacement: '$i2'"

# 4. Only the primary is heard.  Another instance sends a well-formed spec.
cid=$(attr "$i2" cid)
make_initrd evil <<EOF
printf '%s' '$(hand_over "$FORGED" | base64 -w0)' | base64 -d |
	socat -t 5 - VSOCK-CONNECT:$cid:1000 >/tmp/ans 2>&1
echo "evil-answer[\$(cat /tmp/ans)]" >/dev/console
EOF
cohort create evil --cpus 1 --memory 128M && cohort load evil --kernel /boot/bzImage --initrd /tmp/initrd-evil &&
	start_to_init evil 1
wait_for 60 console_has evil "evil-answer\[" ||
	bad "evil never finished: $(cohort log evil | tail -n 5)"
sleep 1
# socat may say the connection was closed under it; no answer came.
ans=$(cohort log evil | grep -o 'evil-answer\[.*')
echo "$ans" | grep -Eq '\[(ok|ready|error: )' && bad "evil got an answer: $ans" ||
	ok "a spec from another instance: closed without an answer (${ans#evil-answer})"
! console_has "$i2" FORGED-RAN && cohort warm w >/dev/null 2>&1 && [ "$(idle_of w)" = "$i2" ] &&
	ok "$i2 ran nothing and is still ready" || bad "$i2 after the forgery: $(cohort log $i2 | tail -n 3)"
cohort stop evil --force >/dev/null; cohort delete evil

# From the primary, but from an unprivileged port (what a user without
# CAP_NET_BIND_SERVICE gets): not heard either.
ans=$(hand_over "$FORGED" | socat -t 5 - VSOCK-CONNECT:$cid:1000 2>&1)
echo "$ans" | grep -Eq '^(ok|ready|error: )' && bad "an unprivileged port got: $ans" ||
	ok "a spec from an unprivileged port of the primary: closed without an answer"
# Garbage from the primary's privileged port: an error, nothing changes.
priv() {	# source port -> the instance's answer
	socat -t 5 - "VSOCK-CONNECT:$cid:1000,bind=2:$1" 2>&1
}
ans=$(printf 'GARBAGE!' | priv 702)
[ "$ans" = "error: not a warm hand-over (bad magic)" ] && ok "garbage from the primary: '$ans'" ||
	bad "garbage got '$ans'"
ans=$(printf 'CWRM\377\377\377\177' | priv 703)
echo "$ans" | grep -q "^error: a spec of 2147483647 bytes" && ok "a huge length refused: '$ans'" ||
	bad "huge length got '$ans'"
ans=$(hand_over '{"process":{}}' | priv 704)
echo "$ans" | grep -q "^error: " && ok "a bad spec refused: '$ans'" || bad "bad spec got '$ans'"
cohort warm w >/dev/null 2>&1 && [ "$(idle_of w)" = "$i2" ] && ! console_has "$i2" FORGED-RAN &&
	ok "$i2 is still ready after the garbage" || bad "$i2 after garbage"
# The control: the same forged bytes from the primary are taken.
ans=$(hand_over "$FORGED" | priv 705)
[ "$ans" = ok ] && wait_for 30 console_has "$i2" FORGED-RAN &&
	ok "the same spec from the primary is taken and runs (the forgery was well formed)" ||
	bad "control: '$ans'"
rm -f "/var/lib/cohort/warm/w.idle/$i2"
cohort stop "$i2" --force >/dev/null; cohort delete "$i2"

# 5. An empty pool: the run boots cold with the pool's settings.
cohort warm w >/dev/null 2>&1
i3=$(idle_of w)
n=$(cohort run --warm w -d $IMG 'sleep 600') && [ "$n" = "$i3" ] ||
	bad "run --warm -d printed '$n', expected $i3"
# The replacement is made (and still booting) before the next run.
wait_for 30 sh -c "[ \$(ls $INST | wc -l) = 2 ]" || bad "no replacement being made"
out=$(cohort run --warm w --rm $IMG 'echo cold-$(hostname)' 2>&1); st=$?
echo "$out" | tail -n 2
[ $st = 0 ] && echo "$out" | grep -q "has no idle instance; booting one cold" &&
	echo "$out" | grep -q "^cold-run-" && ok "an empty pool: booted cold, said so" ||
	bad "empty pool: $st $out"
cohort stop "$i3" --force >/dev/null; cohort delete "$i3"

# 6. -d --rm: deleted once it stops.
n=$(cohort run -d --rm --memory 128M $IMG 'exit 0') || bad "run -d --rm"
wait_for 120 sh -c "[ ! -e $INST/$n ]" && ok "-d --rm: $n deleted after it stopped" ||
	bad "-d --rm: $n is $(attr "$n" state): $(cohort log "$n" | tail -n 5)"

# 7. --count 0: the pool and its instances go.
cohort warm w >/dev/null 2>&1
i4=$(idle_of w)
out=$(cohort warm w --count 0 2>&1); st=$?
[ $st = 0 ] && [ ! -e "$INST/$i4" ] && [ ! -e /var/lib/cohort/warm/w.json ] &&
	[ -z "$(cohort warm list -j | grep -v '^\[\]$')" ] &&
	ok "--count 0 deleted $i4 and the pool" || bad "--count 0: $st $out"
[ -z "$(ls $INST)" ] && ok "no instance left" || bad "left: $(ls $INST)"
# A damaged record: refused, but --count 0 still removes it.
echo junk >/var/lib/cohort/warm/d.json
out=$(cohort warm d 2>&1); st=$?
[ $st = 1 ] && echo "$out" | grep -q damaged && ok "a damaged record: $out" || bad "damaged: $st $out"
cohort warm d --count 0 >/dev/null 2>&1 && [ ! -e /var/lib/cohort/warm/d.json ] &&
	ok "--count 0 removes a damaged record" || bad "damaged record left"
cohort rmi "$IMG" >/dev/null || bad "rmi"
[ "$(cat /sys/kernel/cohort/pool/free)" = "$before" ] &&
	ok "the pool's memory is all free again" || bad "pool free $(cat /sys/kernel/cohort/pool/free), was $before"
exit_if_failed run-warm
echo "run-warm: warm pools take workloads without a boot; only the primary hands them over"
