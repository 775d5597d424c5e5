# SMT siblings on a machine of 3 cores of 2 threads (CPUs 0-1, 2-3, 4-5).
# Placement takes whole cores; a list or a change that splits a core is
# refused unless forced, also when the rest of the core is offline in the
# primary, held by a running instance: the primary keeps the topology of
# its offline CPUs in /sys/kernel/cohort/topology/.  The instance's kernel
# sees its CPUs as the siblings they are, also those given while it runs.
# vm: --smp 6 --threads 2 --mem 1G --append cohort_pool=256M
# timeout: 600
set -u
. /tests/vm/lib/common.sh

T=/sys/kernel/cohort/topology
sib() { cat /sys/devices/system/cpu/cpu$1/topology/thread_siblings_list; }
rec() { cat $T/cpu$1/thread_siblings_list; }
[ "$(sib 0)" = 0-1 ] && [ "$(sib 2)" = 2-3 ] && [ "$(sib 4)" = 4-5 ] ||
	die "cores: $(sib 0) $(sib 2) $(sib 4), expected 0-1 2-3 4-5"
for c in 0 1 2 3 4 5; do
	[ "$(rec $c)" = "$(sib $c)" ] ||
		bad "the record of CPU $c says $(rec $c), the kernel $(sib $c)"
done
ok "3 cores of 2 threads; the record agrees"

# The instance prints the distinct sibling lists of its online CPUs.
make_initrd s <<'EOF2'
while :; do
	echo "CORES $(cat /sys/devices/system/cpu/cpu[0-9]*/topology/thread_siblings_list 2>/dev/null | sort -u | tr '\n' ' ')"
	sleep 0.5
done
EOF2
cores() { cohort log "$1" | tr -d '\r' | grep '^CORES' | tail -n 1; }
# shape NAME: its cores as thread counts, e.g. "2 2" or "2 1"
shape() {
	cores "$1" | awk '{ s = ""; for (i = 2; i <= NF; i++) {
		n = 0; k = split($i, p, ",");
		for (j = 1; j <= k; j++) { if (split(p[j], r, "-") == 2) n += r[2] - r[1] + 1; else n++ }
		s = s (s == "" ? "" : " ") n } print s }'
}
has_shape() { [ "$(shape "$1")" = "$2" ]; }

out=$(cohort create a --cpu-count 2 --memory 192M --dry-run 2>&1) || die "dry run: $out"
case $out in *"(1 core of 2 threads)"*) ok "dry run: $out" ;; *) bad "dry run: $out" ;; esac
cohort create a --cpu-count 2 --memory 192M || die "cohort create a"
A=$(attr a cpus)
case $A in
2-3) B1=4 B2=5 ;;
4-5) B1=2 B2=3 ;;
*) die "a holds $A, not a whole core" ;;
esac
ok "a holds the core $A"

out=$(cohort create b --cpus 1 --memory 64M 2>&1) && bad "CPU 0's sibling given: $out"
echo "$out" | grep -q "shares a core with CPU 0" && ok "refused: $out" || bad "CPU 1: $out"
out=$(cohort create b --cpus $B1 --memory 64M 2>&1) && bad "half a core given: $out"
echo "$out" | grep -q "splits the core" && ok "refused: $out" || bad "CPU $B1: $out"
[ ! -e "$I/b" ] || bad "a refused create left b behind"

cohort load a --kernel /boot/bzImage --initrd /tmp/initrd-s || die "cohort load a"
start_to_init a 2
wait_for 30 has_shape a "2" || bad "a sees $(cores a): expected one core of 2 threads"
ok "a's kernel: $(cores a)"
# Offline in the primary now; the record still knows them.
for c in $(echo "$A" | tr '-' ' '); do
	[ "$(rec $c)" = "$A" ] || bad "the record of offline CPU $c says $(rec $c), not $A"
done
o=$(online)

# While it runs: half a core is refused, the whole core given and taken.
out=$(cohort set a --cpus +$B1 2>&1) && bad "half a core given while running: $out"
echo "$out" | grep -q "splits the core" && ok "refused: $out" || bad "+$B1: $out"
[ "$(attr a cpus)" = "$A" ] && [ "$(online)" = "$o" ] || bad "a refusal changed a: $(attr a cpus), $(online)"
cohort set a --cpus +$B1,$B2 || bad "cohort set a --cpus +$B1,$B2"
wait_for 30 has_shape a "2 2" || bad "a sees $(cores a): expected two cores of 2 threads"
ok "a's kernel, given a core: $(cores a)"
# Taking half of it back would split it (both halves offline now).
out=$(cohort set a --cpus -$B1 2>&1) && bad "half a core taken back: $out"
echo "$out" | grep -q "splits the core" && ok "refused: $out" || bad "-$B1: $out"
cohort set a --cpus -$B1,$B2 || bad "cohort set a --cpus -$B1,$B2"
wait_for 30 has_shape a "2" || bad "a sees $(cores a) after the core went back"
[ "$(online)" = "$o" ] || bad "the primary has $(online) online, not $o"

# Forced: a takes one thread; the other is then refused to anyone else,
# though the primary's own list shows it as a core of its own.
cohort set a --cpus +$B1 --force || bad "cohort set a --cpus +$B1 --force"
wait_for 30 has_shape a "2 1" || bad "a sees $(cores a): expected a core and a lone thread"
[ "$(sib $B2)" = "$B2" ] && ok "the primary's own list of CPU $B2: $(sib $B2)" ||
	bad "CPU $B2's own list: $(sib $B2)"
out=$(cohort create b --cpus $B2 --memory 64M 2>&1) && bad "the other half of a's core given to b: $out"
echo "$out" | grep -q "splits the core" && ok "refused: $out" || bad "CPU $B2 to b: $out"
[ ! -e "$I/b" ] || bad "a refused create left b behind"
cohort set a --cpus -$B1 || bad "cohort set a --cpus -$B1"
wait_for 30 has_shape a "2" || bad "a sees $(cores a) at the end"

cohort stop a || die "cohort stop a"
cohort delete a || die "cohort delete a"
[ "$(online)" = 0-5 ] || bad "online at the end: $(online)"
exit_if_failed smt
echo "smt: whole cores kept together, in the primary and in the instance"
