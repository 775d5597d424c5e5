# cohort run -p: a TCP port of the primary reaches the workload's port in
# its instance over vsock.  What goes through is checked against the same
# transfer over the primary's own loopback TCP (the reference): an HTTP
# page from busybox httpd, 8 MiB each way with sha256 at both ends, a
# half-close (the sender's end of data reaches the receiver, which still
# answers).  Bad -p arguments and a port in use are refused before
# anything is made; the port is given up when the instance stops; a warm
# instance publishes too; the instance's relay hears only the primary.
# vm: --smp 4 --mem 2G --append cohort_pool=768M --add build/test-images:/images
# timeout: 600
set -u
. /tests/vm/lib/common.sh

[ -d /images/run ] || die "no /images/run: make test-images"
IMG=oci:/images/run:t
R="--memory 128M"
INST=/sys/kernel/cohort/instances
BB=/bin/busybox
ip link set lo up	# the test primary's init leaves it down

listening() {	# port: is it a listening TCP port of the primary?
	grep -qi "^ *[0-9]*: [0-9A-F]*:$(printf %04X "$1") [0-9A-F]*:0000 0A " \
		/proc/net/tcp /proc/net/tcp6 2>/dev/null
}

# 1. Refused before anything is made.
for p in 80 80/udp 0:80 8080:70000 8080:x 1.2.3:8080:80 '[::1:8080:80' \
	 8080:80:90:1 ::80; do
	out=$(cohort run --name bad $R -p "$p" $IMG true 2>&1); st=$?
	[ $st = 125 ] && echo "$out" | grep -q -- "-p" &&
		ok "-p $p refused: $(echo "$out" | head -n 1 | cut -c1-80)" || bad "-p $p: $st $out"
done
socat TCP-LISTEN:8085,reuseaddr /dev/null &
busy=$!
wait_for 10 listening 8085
out=$(cohort run --name bad $R -p 8085:80 $IMG true 2>&1); st=$?
[ $st = 125 ] && echo "$out" | grep -q "in use" && ok "a port in use: $out" || bad "port in use: $st $out"
kill $busy
[ -z "$(ls $INST)" ] && ok "the refusals made no instance" || bad "left: $(ls $INST)"

# 2. A web server and two raw ports, published.
cohort run -d --name web $R -p 8080:8000 -p 127.0.0.1:8081:9001 -p '[::1]:8082:9002' $IMG \
	"mkdir -p /tmp/www && echo hello-from-web >/tmp/www/index.html &&
	 head -c 8388608 /dev/urandom >/tmp/www/big &&
	 echo big-sum \$($BB sha256sum </tmp/www/big) &&
	 ($BB httpd -f -p 8000 -h /tmp/www &) &&
	 ($BB nc -l -p 9001 | $BB sha256sum | $BB sed 's/^/up-sum /' &) &&
	 printf '#!/bin/sh\\necho got-\$(wc -c)\\n' >/tmp/count && $BB chmod +x /tmp/count &&
	 ($BB nc -l -p 9002 -e /tmp/count &) &&
	 echo web-ready; sleep 600" >/dev/null || bad "run web"
wait_for 120 console_has web web-ready || die "web never got ready"
listening 8080 && listening 8081 && listening 8082 &&
	ok "the primary listens on 8080, 127.0.0.1:8081, [::1]:8082" || bad "not listening"

# The reference: the same page from a busybox httpd in the primary.
mkdir -p /tmp/www && echo hello-from-web >/tmp/www/index.html
busybox httpd -p 127.0.0.1:8090 -h /tmp/www
ref=$(wget -q -O - http://127.0.0.1:8090/index.html)
got=$(wget -q -O - http://127.0.0.1:8080/index.html)
[ "$got" = hello-from-web ] && [ "$got" = "$ref" ] &&
	ok "an HTTP page through 8080 is the one loopback gives: $got" || bad "http: '$got' vs '$ref'"
sum=$(cohort log web | sed -n 's/^big-sum \([0-9a-f]*\).*/\1/p')
got=$(wget -q -O - http://127.0.0.1:8080/big | sha256sum | cut -d' ' -f1)
[ -n "$sum" ] && [ "$got" = "$sum" ] && ok "8 MiB from the instance, sha256 equal" ||
	bad "download: $got vs $sum"

# 8 MiB up, checked at the far end; the same over loopback for reference.
head -c 8388608 /dev/urandom >/tmp/up
want=$(sha256sum </tmp/up | cut -d' ' -f1)
busybox nc -l -p 8091 | sha256sum >/tmp/ref-up &
sleep 0.5
socat -u FILE:/tmp/up TCP:127.0.0.1:8091
socat -u FILE:/tmp/up TCP:127.0.0.1:8081
wait_for 60 console_has web up-sum || bad "no up-sum"
wait
[ "$(cut -d' ' -f1 /tmp/ref-up)" = "$want" ] && console_has web "up-sum $want" &&
	ok "8 MiB to the instance, sha256 equal (and over loopback)" ||
	bad "upload: $(cohort log web | grep up-sum) ref $(cat /tmp/ref-up) want $want"

# Half-close: the sender's end of data arrives, and the answer the
# workload gives after it comes back; as over loopback.
printf '#!/bin/sh\necho got-$(wc -c)\n' >/tmp/count && chmod +x /tmp/count
busybox nc -l -p 8092 -e /tmp/count &
sleep 0.5
ref=$(printf 'twelve bytes' | socat -t 10 - TCP:127.0.0.1:8092)
got=$(printf 'twelve bytes' | socat -t 10 - TCP6:[::1]:8082)
[ "$got" = got-12 ] && [ "$got" = "$ref" ] &&
	ok "half-close: the workload saw the end after 12 bytes and answered: $got" ||
	bad "half-close: '$got' vs loopback '$ref'"

# Another instance at the relay's vsock port: not heard.
cid=$(attr web cid)
make_initrd evil <<EOF
echo hi | socat -t 3 - VSOCK-CONNECT:$cid:$((65536 + 8000)) >/tmp/ans 2>&1
echo "evil-done[\$(head -c 60 /tmp/ans)]" >/dev/console
EOF
cohort create evil --cpus 1 --memory 128M && cohort load evil --kernel /boot/bzImage --initrd /tmp/initrd-evil &&
	start_to_init evil 1
wait_for 60 console_has evil "evil-done" || bad "evil never finished"
cohort log evil | grep -q 'evil-done\[.*HTTP' && bad "another instance reached the web server" ||
	ok "another instance is not relayed: $(cohort log evil | grep -o 'evil-done.*' | cut -c1-60)"
cohort stop evil --force >/dev/null; cohort delete evil

# 3. Stopping gives the ports up.
cohort stop web >/dev/null
wait_for 20 sh -c '! grep -qi ":1F90 [0-9A-F]*:0000 0A" /proc/net/tcp' &&
	ok "8080 is given up when the instance stops" || bad "8080 still listened on"
out=$(wget -q -O - http://127.0.0.1:8080/ 2>&1) && bad "8080 still answers: $out" ||
	ok "8080 refuses connections"
cohort delete web

# 4. A warm instance publishes too; -d --rm with -p.
cohort warm pw --count 1 $R >/dev/null || bad "warm pool"
n=$(cohort run --warm pw -d --rm -p 8083:8000 $IMG \
	"mkdir -p /tmp/w && echo warm-web >/tmp/w/index.html && $BB httpd -f -p 8000 -h /tmp/w") ||
	bad "run --warm -p"
wait_for 60 sh -c 'wget -q -O - http://127.0.0.1:8083/ | grep -q warm-web' &&
	ok "run --warm -p: $n serves through 8083" || bad "warm publish"
cohort kill "$n" >/dev/null
wait_for 60 sh -c "[ ! -e $INST/$n ]" && ok "-d --rm deleted $n once killed" || bad "$n left"
wait_for 20 sh -c '! grep -qi ":1F93 [0-9A-F]*:0000 0A" /proc/net/tcp' &&
	ok "8083 given up" || bad "8083 still listened on"
cohort warm pw --count 0 >/dev/null
cohort rmi "$IMG" >/dev/null
[ -z "$(ls $INST)" ] && ok "no instance left" || bad "left: $(ls $INST)"
exit_if_failed run-publish
echo "run-publish: published ports carry what loopback TCP carries"
