# Instances that go wrong are taken back.
#  (a) an instance panics (sysrq 'c'): the primary sees 'failed',
#      `cohort stop --force` returns its CPUs, and it starts again to init.
#  (b) an instance hangs a CPU with interrupts off (LKDTM HARDLOCKUP):
#      (b1) on a 1-CPU instance a graceful `cohort stop --timeout 3` fails
#           with exit 1 and "did not shut down", and still returns the CPU;
#      (b2) on a 2-CPU instance with its second CPU hung, `cohort stop
#           --force` returns both, and the instance starts again to init.
# After each, the primary's online CPUs are as before and it still runs
# commands normally.  (b) is skipped, with a message, when the instance
# kernel has no /sys/kernel/debug/provoke-crash/DIRECT (CONFIG_LKDTM).
# vm: --smp 4 --mem 2G --append cohort_pool=768M
# timeout: 400
set -u

# md5 of `seq 1 200000` (with its final newline), computed off-line.
SUM=0e10426a1d5bddffcef02f1345787128

. /tests/vm/lib/common.sh

# The primary is itself: CPUs as at the start, commands run and compute right.
primary_ok() { # what
	local got
	[ "$(online)" = "$online0" ] || die "$1: primary CPUs online $(online), expected $online0"
	got=$(seq 1 200000 | md5sum | cut -d' ' -f1)
	[ "$got" = "$SUM" ] || die "$1: the primary computed checksum $got, expected $SUM"
	if ! ls / >/dev/null || ! cohort list >/dev/null; then
		die "$1: the primary cannot run commands"
	fi
	echo "ok   $1: primary CPUs $(online) online, primary computes right"
}

online0=$(online)
free0=$(cat /sys/kernel/cohort/pool/free)
[ "$online0" = 0-3 ] || die "the primary should start with CPUs 0-3 online, has $online0"

echo "=== (a) an instance panics"
make_initrd pan <<'EOF'
echo "panicking now"
echo c >/proc/sysrq-trigger
EOF
cohort create pan --cpus 2-3 --memory 128M || die "cohort create pan"
cohort load pan --kernel /boot/bzImage --initrd /tmp/initrd-pan || die "cohort load pan"
cohort start pan || die "cohort start pan"
wait_for 150 state_is pan failed || die "pan: state $(attr pan state) 150 s after start, expected failed"
echo "ok   pan: state failed"
console_has pan 'Kernel panic' || die "pan: failed, but its console shows no 'Kernel panic'"
cohort log pan | grep -m 1 'Kernel panic'
[ "$(online)" = 0-1 ] || die "pan: while failed the primary has CPUs $(online) online, expected 0-1"
out=$(cohort delete pan 2>&1) && die "pan: delete of a failed instance holding CPUs succeeded"
echo "ok   pan: delete refused while it holds CPUs: $out"
out=$(cohort stop pan --force 2>&1) || die "pan: cohort stop --force failed: $out"
state_is pan stopped || die "pan: state $(attr pan state) after stop --force, expected stopped"
echo "ok   pan: stop --force returned its CPUs"
primary_ok "after the panic"
# Started again (the same image: it reaches init, then panics again) ...
cohort start pan || die "cohort start pan (again, same image)"
wait_for 150 console_has pan 'cohort-instance: pan init running on 2 CPU(s)' ||
	die "pan: did not reach init when started again"
wait_for 150 state_is pan failed || die "pan: state $(attr pan state), expected failed again"
cohort stop pan --force || die "pan: second cohort stop --force failed"
echo "ok   pan: started again, reached init, panicked again, stopped"
# ... and with a harmless initramfs it runs and stops gracefully.
cohort load pan --kernel /boot/bzImage --initrd /boot/instance-initrd.cpio.gz ||
	die "pan: reload"
start_to_init pan 2
out=$(cohort stop pan 2>&1) || die "pan: graceful stop after reload failed: $out"
state_is pan stopped || die "pan: state $(attr pan state) after stop, expected stopped"
echo "ok   pan: reloaded, ran to init, stopped gracefully"
cohort delete pan || die "cohort delete pan"
primary_ok "after (a)"

echo "=== (b) an instance hangs a CPU with interrupts off"
# The hang starts in the background a second after the command ends, so
# init is idle (and would obey a stop) when the CPU locks up.
# $1 of the command: the instance CPU to hang.
lockup_cmd() {
	cat <<EOF
cpu=$1
EOF
	cat <<'EOF'
mount -t debugfs none /sys/kernel/debug 2>/dev/null
if [ ! -e /sys/kernel/debug/provoke-crash/DIRECT ]; then
	echo "COHORT-NO-LKDTM: no /sys/kernel/debug/provoke-crash/DIRECT"
	exit 0
fi
setsid taskset -c $cpu sh -c 'sleep 1; echo "hanging CPU $cpu"; echo HARDLOCKUP >/sys/kernel/debug/provoke-crash/DIRECT' \
	</dev/null >/dev/console 2>&1 &
echo "LKDTM armed"
EOF
}
lockup_cmd 0 | make_initrd hang1
lockup_cmd 1 | make_initrd hang2
cohort create hang1 --cpus 1 --memory 128M || die "cohort create hang1"
cohort load hang1 --kernel /boot/bzImage --initrd /tmp/initrd-hang1 || die "cohort load hang1"
start_to_init hang1 1
wait_for 60 console_has hang1 'COHORT-EXIT' || die "hang1: its command did not finish"
if console_has hang1 'COHORT-NO-LKDTM'; then
	cohort log hang1 | grep COHORT-NO-LKDTM
	echo "SKIP (b): the instance kernel has no LKDTM (CONFIG_LKDTM); not testing hung CPUs"
	cohort stop hang1 || die "hang1: graceful stop (no LKDTM) failed"
	cohort delete hang1 || die "cohort delete hang1"
	primary_ok "at the end"
	[ "$(cat /sys/kernel/cohort/pool/free)" = "$free0" ] || die "pool free $(cat /sys/kernel/cohort/pool/free), expected $free0"
	echo "instance-force: (a) passed, (b) skipped"
	exit 0
fi

echo "--- (b1) 1 CPU hung, graceful stop"
wait_for 30 console_has hang1 'Performing direct entry HARDLOCKUP' ||
	die "hang1: LKDTM did not report HARDLOCKUP"
cohort log hang1 | grep -m 1 'Performing direct entry HARDLOCKUP'
sleep 1
# Heartbeat watching may already have marked it failed; a graceful stop
# of a running instance that cannot shut down times out.
st=$(attr hang1 state)
t0=$(cut -d' ' -f1 /proc/uptime)
out=$(cohort stop hang1 --timeout 3 2>&1)
rc=$?
t1=$(cut -d' ' -f1 /proc/uptime)
echo "cohort stop hang1 --timeout 3 (state was $st) -> $rc after $t0..$t1 s: $out"
case "$st" in
running)
	[ $rc = 1 ] || die "hang1: graceful stop of a hung instance exited $rc, expected 1"
	case "$out" in
	*"did not shut down within 3000 ms"*) ;;
	*) die "hang1: the message does not say 'did not shut down within 3000 ms'" ;;
	esac ;;
failed)
	[ $rc = 0 ] || die "hang1: stop of a failed instance exited $rc, expected 0" ;;
*)
	die "hang1: state $st with its CPU hung, expected running or failed" ;;
esac
state_is hang1 stopped || die "hang1: state $(attr hang1 state) after the timed-out stop, expected stopped"
echo "ok   hang1: graceful stop timed out with exit 1 and took the CPU back"
primary_ok "after (b1)"
cohort delete hang1 || die "cohort delete hang1"

echo "--- (b2) 2 CPUs, the second hung, stop --force"
cohort create hang2 --cpus 2-3 --memory 128M || die "cohort create hang2"
cohort load hang2 --kernel /boot/bzImage --initrd /tmp/initrd-hang2 || die "cohort load hang2"
start_to_init hang2 2
wait_for 60 console_has hang2 'Performing direct entry HARDLOCKUP' ||
	die "hang2: LKDTM did not report HARDLOCKUP"
cohort log hang2 | grep -m 1 'Performing direct entry HARDLOCKUP'
sleep 1
out=$(cohort stop hang2 --force 2>&1) || die "hang2: cohort stop --force failed: $out"
state_is hang2 stopped || die "hang2: state $(attr hang2 state) after stop --force, expected stopped"
echo "ok   hang2: stop --force took both CPUs back"
primary_ok "after (b2)"
cohort load hang2 --kernel /boot/bzImage --initrd /boot/instance-initrd.cpio.gz ||
	die "hang2: reload"
start_to_init hang2 2
cohort log hang2 | grep -m 1 'cohort-instance: '
out=$(cohort stop hang2 2>&1) || die "hang2: graceful stop after restart failed: $out"
echo "ok   hang2: started again on the CPUs that were hung, reached init, stopped"
cohort delete hang2 || die "cohort delete hang2"

primary_ok "at the end"
[ "$(cat /sys/kernel/cohort/pool/free)" = "$free0" ] ||
	die "pool free $(cat /sys/kernel/cohort/pool/free) at the end, expected $free0"
echo "instance-force: panicked and hung instances were taken back; the primary is fine"
