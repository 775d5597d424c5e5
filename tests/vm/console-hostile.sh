# An instance publishes a console input count that cannot be true (the
# test interface stands in for root with a hostile kernel): the primary's
# writer is refused with EIO and the reason is logged, nothing is written
# into the instance's buffer (nothing reaches its tty), no kernel oopses
# and the instance runs on.
# vm: --smp 4 --mem 2G --append cohort_pool=768M
# timeout: 400
set -eu
. /tests/vm/lib/common.sh

make_initrd hostile <<'EOF'
mount -t debugfs none /sys/kernel/debug
echo 4096 >/sys/kernel/debug/cohort/conin_tail
echo "tail-bogus"
while [ ! -e /tmp/go ]; do
	read -r -t 1 line </dev/ttyCH0 && echo "got: $line" && touch /tmp/go
done
EOF
cohort create box --cpus 2-3 --memory 256M
cohort load box --kernel /boot/bzImage --initrd /tmp/initrd-hostile
start_to_init box 2
wait_for 60 console_has box '^tail-bogus' || die "the instance did not publish its bogus count"

dmesg -c >/dev/null
if out=$(printf 'nope\r' | timeout 20 cohort console --no-history box 2>&1); then
	bad "typing was accepted with a bogus consumed count"
else
	ok "the writer is refused: $(echo "$out" | grep -v '^Connected to' | head -n 1)"
fi
dmesg | grep -q "console input count is corrupt" && ok "the primary logs why" ||
	bad "no log line about the corrupt count"
cohort log box | grep -q "got: nope" && bad "the input got through" ||
	ok "nothing reached the instance"
dmesg | grep -Eq "Oops|BUG:|WARNING:" && bad "kernel trouble: $(dmesg | grep -E 'Oops|BUG:|WARNING:' | head -n 1)"
state_is box running && ok "the instance still runs" || bad "state $(attr box state)"
cohort stop --force box
cohort delete box
exit_if_failed console-hostile
echo "console-hostile: a bogus consumed count refused, nothing written"
