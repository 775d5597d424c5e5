# An instance touches no shared hardware.  QEMU traces every device access
# with the CPU that made it (trace events memory_region_ops_read/write)
# while an instance on CPUs 2-3 boots, mounts a granted region, messages
# the primary, runs the escape kit (every attempt refused), takes its
# second CPU offline and back, and stops.
# From the moment the primary marks the start (a byte on the debug port,
# CPUs 2-3 already offline in it) until the primary sends each of those
# CPUs INIT to take it back after the stop, any access by CPU 2 or 3 to a
# device other than its own local APIC page fails the test: legacy ports
# (PIT, PIC, RTC, serial, i8042, PCI config, ACPI), the IOAPIC, HPET, MSI
# writes to other CPUs.  Its ICR writes are decoded too: no broadcast
# shorthand, and IPIs only to its own APIC IDs, or doorbells (vector 0xf5)
# to the primary's doorbell CPU.  QEMU's default x86 topology gives CPU index N the
# APIC ID N, which the guest checks.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cat >"$tmp/guest.sh" <<'EOF'
set -e
. /tests/vm/lib/common.sh
mark() { printf "$1" | dd of=/dev/port bs=1 seek=1026 conv=notrunc 2>/dev/null; }
mount_debugfs
for c in 2 3; do echo 0 >/sys/devices/system/cpu/cpu$c/online; done
cohort region create r --size 16M
make_initrd t <<'IEOF'
mount -t debugfs none /sys/kernel/debug
mkdir -p /mnt/r
mount -t cohortfs -o region=r,format none /mnt/r
dd if=/dev/urandom of=/mnt/r/f bs=64k count=16 2>/dev/null
sync
umount /mnt/r
echo "0 20 16" >/sys/kernel/debug/cohort/ping && cat /sys/kernel/debug/cohort/result
cohort-escape-kit open:/dev/mem ioperm:0xcf9:1 iopl:3 msr-write:0:0x33 \
	mount-phys:0x100000:0x100000 >/dev/null || true
echo 0 >/sys/devices/system/cpu/cpu1/online && echo 1 >/sys/devices/system/cpu/cpu1/online &&
	[ "$(cat /sys/devices/system/cpu/online)" = 0-1 ] && echo T-HOTPLUG-OK
echo T-WORKED
IEOF
cohort create t --cpus 2-3 --memory 256M
cohort load t --kernel /boot/bzImage --initrd /tmp/initrd-t
cohort region grant r t
echo "APIC IDs of t: $(attr t apic_ids)"
mark '\361'
cohort start t
wait_for 200 console_has t COHORT-EXIT || { cohort log t | tail -n 20; exit 1; }
cohort log t | grep -E 'T-WORKED|T-HOTPLUG|ping' 
mark '\362'
cohort stop t
cohort delete t
cohort region delete r
echo GUEST-DONE
EOF

out=$("$top/scripts/cohort-vm" --smp 4 --mem 2G --append cohort_pool=512M --timeout 500 \
	--add "$tmp/guest.sh:/root/guest.sh" \
	--qemu "-D $tmp/trace -trace enable=memory_region_ops_read -trace enable=memory_region_ops_write -device isa-debugcon,iobase=0x402,chardev=dbg -chardev file,id=dbg,path=$tmp/dbgcon" \
	-- sh /root/guest.sh 2>&1)
rc=$?
echo "$out" | tail -n 8
[ $rc = 0 ] && echo "$out" | grep -q GUEST-DONE || { echo "FAIL: the guest run failed ($rc)"; exit 1; }
echo "$out" | grep -q 'APIC IDs of t: 2,3' || { echo "FAIL: t's APIC IDs are not 2,3"; exit 1; }
echo "$out" | grep -q 'T-WORKED' || { echo "FAIL: the instance did not do its work"; exit 1; }
echo "$out" | grep -q 'T-HOTPLUG-OK' || { echo "FAIL: the instance could not take its CPU 1 offline and back"; exit 1; }
echo "trace: $(wc -l <"$tmp/trace") device accesses"

# Window per instance CPU: open from the 0xf1 mark; after the 0xf2 mark,
# closed by the first INIT a primary CPU (not 2 or 3) sends to it.
python3 - "$tmp/trace" <<'PYEOF'
import re, sys
line_re = re.compile(r"^memory_region_ops_(read|write) cpu (-?\d+) mr \S+ addr (0x[0-9a-f]+) "
                     r"value (0x[0-9a-f]+) size \d+ name '([^']*)'")
mine = {2, 3}
DOORBELL_VECTOR = 0xF5
doorbell_apics = {0}            # the primary's doorbell CPU
window = {}
started = stopping = False
icrhi = {}
inwin = lapic = bad = closed = own_ipis = doorbells = 0
for line in open(sys.argv[1], errors="replace"):
    m = line_re.match(line)
    if not m:
        continue
    op, cpu, addr, val, name = m.group(1), int(m.group(2)), int(m.group(3), 16), int(m.group(4), 16), m.group(5)
    if op == "write" and name == "isa-debugcon":
        if val == 0xF1:
            started = True
            window = {c: True for c in mine}
        elif val == 0xF2 and started:
            stopping = True
        continue
    if not started:
        continue
    if cpu not in mine:
        if op == "write" and name == "apic-msi":
            if addr == 0xFEE00310:
                icrhi[cpu] = val
            elif addr == 0xFEE00300 and (val >> 8) & 7 == 5 and not val & 0xC0000:
                dst = icrhi.get(cpu, 0) >> 24
                if stopping and window.get(dst):
                    window[dst] = False
                    closed += 1
        continue
    if not window.get(cpu):
        continue
    inwin += 1
    if name == "apic-msi" and 0xFEE00000 <= addr < 0xFEE01000:
        lapic += 1
        # Its own LAPIC page, but the ICR sends IPIs: to whom?
        if op == "write" and addr == 0xFEE00310:
            icrhi[cpu] = val
        elif op == "write" and addr == 0xFEE00300:
            shorthand, mode, vector = (val >> 18) & 3, (val >> 8) & 7, val & 0xFF
            dst = icrhi.get(cpu, 0) >> 24
            if shorthand in (2, 3):
                why = "a broadcast IPI (shorthand %d)" % shorthand
            elif shorthand == 1 or dst in mine:
                own_ipis += 1
                continue
            elif mode == 0 and vector == DOORBELL_VECTOR and dst in doorbell_apics:
                doorbells += 1
                continue
            else:
                why = "an IPI (mode %d, vector %#x) to APIC %d" % (mode, vector, dst)
            bad += 1
            if bad <= 20:
                print(f"FAIL: CPU {cpu} sent {why} (ICR {val:#x})")
        continue
    bad += 1
    if bad <= 20:
        print(f"FAIL: CPU {cpu} touched {name} at {addr:#x} ({op}, value {val:#x})")
print(f"instance CPUs: {inwin} accesses in their window, {lapic} to their local APIC "
      f"({own_ipis} IPIs among themselves, {doorbells} doorbells to the primary), "
      f"{bad} to anything else; windows closed by the primary's INIT: {closed} of {len(mine)}")
if not started:
    sys.exit("FAIL: no start mark in the trace")
if closed != len(mine):
    sys.exit("FAIL: not every window was closed by an INIT from the primary")
if not lapic:
    sys.exit("FAIL: no local APIC access seen: is the trace working?")
if not own_ipis or not doorbells:
    sys.exit("FAIL: no IPI among the instance's CPUs or no doorbell to the primary: is the ICR decoded?")
sys.exit(1 if bad else 0)
PYEOF
