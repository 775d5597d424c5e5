# The test harness itself: scripts/cohort-vm reports the command's status,
# its output, a timeout and a guest crash; scripts/check.sh fails a run whose
# VM scenario fails, hangs or crashes the guest.
set -u
vm=scripts/cohort-vm
fails=0
expect() { # description expected actual
	if [ "$2" = "$3" ]; then echo "ok: $1"; else echo "FAIL: $1: expected '$2', got '$3'"; fails=$((fails + 1)); fi
}

out=$($vm --smp 2 --mem 512M -- cat /sys/kernel/cohort/version 2>/dev/null); rc=$?
expect "version printed" "0 $(sed -n 's/.*COHORT_VERSION\t*"\(.*\)"/\1/p' include/uapi/linux/cohort.h)" "$rc $out"

$vm --smp 2 --mem 512M -- false 2>/dev/null; expect "false exits 1" 1 $?
$vm --smp 2 --mem 512M -- sh -c 'exit 42' 2>/dev/null; expect "exit 42 passes through" 42 $?

out=$($vm --smp 2 --mem 512M -- printf 'a b\n%s\n' "it's \"quoted\"" 2>/dev/null)
expect "output and quoting byte-exact" "a b
it's \"quoted\"" "$out"

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
echo payload >"$tmp/file"
out=$($vm --smp 2 --mem 512M --add "$tmp/file" --add "$tmp/file:/opt/x" -- sh -c 'cat /root/file /opt/x' 2>/dev/null)
expect "--add copies files in" "payload
payload" "$out"

start=$SECONDS
$vm --smp 2 --mem 512M --timeout 15 -- sleep 1000 2>"$tmp/err"; rc=$?
expect "a hung guest is killed with 124" 124 $rc
[ $((SECONDS - start)) -lt 60 ] || { echo "FAIL: timeout took $((SECONDS - start))s"; fails=$((fails + 1)); }
grep -q 'last console lines' "$tmp/err" || { echo "FAIL: no console lines shown on timeout"; fails=$((fails + 1)); }

$vm --smp 2 --mem 512M -- sh -c 'echo c >/proc/sysrq-trigger; sleep 30' 2>"$tmp/err"; rc=$?
expect "a guest panic gives 125" 125 $rc
grep -q 'Kernel panic' "$tmp/err" || { echo "FAIL: panic not shown"; fails=$((fails + 1)); }

$vm --smp 0 -- true 2>/dev/null; expect "bad --smp refused" 2 $?
$vm --smp 4 --threads 3 -- true 2>/dev/null; expect "--threads that does not divide --smp refused" 2 $?
$vm --smp 6 --threads 2 --numa -- true 2>/dev/null; expect "--numa with cores that do not split in two nodes refused" 2 $?
$vm --bogus -- true 2>/dev/null; expect "unknown option refused" 2 $?
$vm 2>/dev/null; expect "no command refused" 2 $?

# check.sh over fixture scenarios: one passes, one fails, one hangs, one
# crashes the guest -> three failures and a non-zero exit.
out=$(CHECK_FILTER= scripts/check.sh --host-dir "$tmp/none" --vm-dir tests/fixtures/vm 2>&1); rc=$?
expect "check.sh exits non-zero when scenarios fail" 1 $rc
expect "check.sh summary" "1 passed, 3 failed" "$(echo "$out" | tail -n 1)"
for t in fail hang crash; do
	echo "$out" | grep -q "^FAIL vm/$t " || { echo "FAIL: vm/$t not reported as failed"; fails=$((fails + 1)); }
done
echo "$out" | grep -q '^PASS vm/pass ' || { echo "FAIL: vm/pass not reported as passed"; fails=$((fails + 1)); }

[ $fails = 0 ]
