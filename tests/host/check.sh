#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# cohort check against fake machines: a tree standing for /proc, /sys,
# /boot and /dev (COHORT_CHECK_ROOT), first one ready for Cohort, then
# each thing changed, broken or malformed in turn.  Each check's verdict,
# what it says and its fix, the JSON and the text, and the exit status
# (0 all pass, 1 warnings only, 2 a failure) are compared; the sanitizer
# build turns any crash into a failure.
#
# Run from the top of the tree.  Exit 0 pass, 77 skip, else fail.
set -uo pipefail

top=$(pwd)
bin=$top/build/host/bin/cohort
[ -x "$bin" ] || { echo "SKIP: $bin not built (make tools)"; exit 77; }
command -v python3 >/dev/null || { echo "SKIP: python3 missing"; exit 77; }

T=$(mktemp -d /tmp/cohort-check.XXXXXX)
trap 'rm -rf "$T"' EXIT
export ASAN_OPTIONS=detect_leaks=1
unset COHORT_SYSFS COHORT_DEV COHORT_CPU_SYSFS
failures=0
checks=0
fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

ver=$(sed -n 's/^#define COHORT_VERSION[[:space:]]*"\(.*\)"/\1/p' include/uapi/linux/cohort.h)
rel=6.12.0-cohort
efivar=sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c

# put FILE CONTENT: a file of the fake machine (and its directories).
put() {
	mkdir -p "$(dirname "$R/$1")"
	printf '%s\n' "$2" >"$R/$1"
}

cpuinfo() { # FLAGS [VENDOR]: four processors
	local i
	for i in 0 1 2 3; do
		printf 'processor\t: %s\nvendor_id\t: %s\nmodel name\t: %s\napicid\t\t: %s\nflags\t\t: %s\n\n' \
			$i "${2:-GenuineIntel}" "Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz" \
			$((i * 2)) "$1"
	done >"$R/proc/cpuinfo"
}

msr() { # APIC_BASE: /dev/cpu/0/msr holding it at offset 0x1b
	mkdir -p "$R/dev/cpu/0"
	python3 -c 'import sys, struct
open(sys.argv[1], "wb").write(b"\0" * 0x1b + struct.pack("<Q", int(sys.argv[2], 0)))' \
		"$R/dev/cpu/0/msr" "$1"
}

efi() { # BYTES...: the SecureBoot variable, as printf escapes
	mkdir -p "$(dirname "$R/$efivar")"
	printf '%b' "$1" >"$R/$efivar"
}

# A machine ready for Cohort: every check passes.  Built once by
# make_good, then copied.
good() {
	rm -rf "$R"
	cp -a "$T/good" "$R"
}
make_good() {
	R=$T/good
	mkdir -p "$R/proc/sys/kernel" "$R/dev"
	flags="fpu vme de pse tsc msr pae lm constant_tsc nonstop_tsc x2apic"
	cpuinfo "$flags"
	put proc/cmdline "BOOT_IMAGE=/boot/vmlinuz-$rel root=/dev/sda1 ro quiet cohort_pool=4G"
	put proc/meminfo "MemTotal:       16318412 kB
MemFree:        15000000 kB"
	put proc/sys/kernel/osrelease "$rel"
	put proc/interrupts "           CPU0       CPU1
  9:          0          0  IR-IO-APIC    9-fasteoi   acpi
 24:         12          0  IR-PCI-MSI 512000-edge      ahci[0000:00:17.0]"
	put "boot/config-$rel" "#
# Linux/x86 6.12 Kernel Configuration
#
CONFIG_64BIT=y
CONFIG_SMP=y
CONFIG_HOTPLUG_CPU=y
CONFIG_KEXEC_FILE=y
CONFIG_X86_X2APIC=y
CONFIG_VSOCKETS=y
CONFIG_COHORT=y
CONFIG_COHORT_VSOCK=y
CONFIG_COHORT_NET=y
CONFIG_COHORTFS=y
CONFIG_OVERLAY_FS=y
# CONFIG_COHORT_TEST is not set"
	put sys/kernel/cohort/version "$ver"
	put sys/kernel/cohort/role primary
	put sys/kernel/cohort/id 0
	put sys/kernel/cohort/pool/base 0x100000000
	put sys/kernel/cohort/pool/size 4294967296
	put sys/kernel/cohort/pool/free 4275044352
	ln -s /dev/null "$R/dev/cohort"	# a character device
	local i
	put sys/devices/system/cpu/present 0-3
	put sys/devices/system/cpu/online 0-3
	put sys/devices/system/cpu/smt/control notsupported
	for i in 0 1 2 3; do
		[ $i = 0 ] || put "sys/devices/system/cpu/cpu$i/online" 1
		put "sys/devices/system/cpu/cpu$i/topology/thread_siblings_list" $i
	done
	put sys/devices/system/node/online 0
	put sys/devices/system/node/node0/cpulist 0-3
	mkdir -p "$R/sys/class/iommu/dmar0" "$R/sys/class/iommu/dmar1"
	put sys/kernel/security/lsm "capability,lockdown"
	put sys/kernel/security/lockdown "[none] integrity confidentiality"
	efi '\x06\x00\x00\x00\x00'
	msr 0xfee00900	# enabled, BSP, xAPIC mode
}

# run: cohort check -j on the machine; the verdicts into
# $T/verdicts ("NAME STATUS"), the whole report into $T/report.
run() {
	COHORT_CHECK_ROOT=$R "$bin" check -j >"$T/json" 2>"$T/err"
	rc=$?
	if [ $rc -gt 2 ] || [ -s "$T/err" ]; then
		fail "cohort check -j: exit status $rc, stderr: $(cat "$T/err")"
	fi
	python3 - "$T/json" "$rc" >"$T/verdicts" 2>"$T/pyerr" <<'EOF' || fail "the JSON: $(cat "$T/pyerr")"
import json, sys
d = json.load(open(sys.argv[1]))
rc = int(sys.argv[2])
levels = ["pass", "warn", "fail"]
worst = max((levels.index(c["status"]) for c in d["checks"]), default=0)
assert d["status"] == levels[worst], d["status"]
assert rc == worst, "exit status %d for %s" % (rc, d["status"])
for l in levels:
    assert d[l] == sum(1 for c in d["checks"] if c["status"] == l), l
names = set()
for c in d["checks"]:
    assert set(c) == {"check", "status", "result", "fix"}, c
    assert c["check"] not in names, "twice: " + c["check"]
    names.add(c["check"])
    assert c["result"], c
    assert (c["fix"] is None) == (c["status"] == "pass"), c
    print(c["check"], c["status"], "|", c["result"], "|", c["fix"] or "")
EOF
}

# want NAME STATUS [PATTERN]: the check's verdict, and PATTERN (an ERE)
# in what it says or its fix.
want() {
	local line
	checks=$((checks + 1))
	line=$(grep "^$1 " "$T/verdicts")
	if [ -z "$line" ]; then
		fail "$what: no check $1"
		return
	fi
	set -- "$1" "$2" "${3:-}" "$line"
	case "$4" in
	"$1 $2 |"*) ;;
	*) fail "$what: $1 is not $2: $4"; return ;;
	esac
	if [ -n "$3" ] && ! grep -Eq -- "$3" <<<"$4"; then
		fail "$what: $1 does not say /$3/: $4"
	fi
}

# status RC: the exit status of the last run.
status() {
	checks=$((checks + 1))
	[ "$rc" = "$1" ] || fail "$what: exit status $rc, want $1"
}

make_good
R=$T/root

what="a ready machine"
good
run
status 0
grep -v ' pass |' "$T/verdicts" | sed 's/^/  not a pass: /'
want kernel pass "Cohort $ver in $rel, the primary"
want pool pass "4 GiB at 0x100000000, 18(\.[0-9])? MiB free|from cohort_pool=4G"
want CONFIG_COHORT pass
want CONFIG_COHORT_TEST pass "not set"
want cpu pass "GenuineIntel, Intel\(R\) Xeon"
want cpus pass "4 CPUs present \(0-3\), 4 online: up to 3 for instances"
want tsc pass "invariant"
want x2apic pass "xAPIC mode"
want init-sipi pass "bare metal"
want smt pass "one thread per core"
want numa pass "one NUMA node"
want memory pass "15.6 GiB"
want iommu pass "dmar0, dmar1|dmar1, dmar0"
want irq-remap pass "2 IR- interrupts"
want lockdown pass "not locked down"
want secure-boot pass "off"

# The text: a header, a row per check, a fix under each warning or
# failure, and the counts.
COHORT_CHECK_ROOT=$R "$bin" check >"$T/text" 2>&1
checks=$((checks + 1))
head -n 1 "$T/text" | grep -Eq '^STATUS +CHECK +RESULT$' || fail "text: header $(head -n 1 "$T/text")"
grep -Eq '^PASS +pool +4 GiB at 0x100000000' "$T/text" || fail "text: no pool row"
tail -n 1 "$T/text" | grep -Eq '^[0-9]+ pass, 0 warn, 0 fail$' || fail "text: last line $(tail -n 1 "$T/text")"
# -j before the command, and --pretty, say the same.
COHORT_CHECK_ROOT=$R "$bin" -p check >"$T/pretty"
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$T/pretty" || fail "-p check: not JSON"
grep -q '^  "status": "pass",' "$T/pretty" || fail "-p check: not indented"

what="the pool"
good; put sys/kernel/cohort/pool/size 0; put sys/kernel/cohort/pool/base 0x0
put sys/kernel/cohort/pool/free 0
put proc/cmdline "BOOT_IMAGE=/boot/vmlinuz-$rel ro quiet"
run; status 2
want pool fail "the kernel command line has no cohort_pool=.*add cohort_pool=SIZE to the kernel command line"
put proc/cmdline "ro cohort_pool=lots"
run; want pool fail "cohort_pool=lots is not SIZE\[@ADDR\]"
put proc/cmdline "ro cohort_pool=64G@0x100000000"
run; want pool fail "cohort_pool=64G@0x100000000 was asked for but could not be reserved.*dmesg"
rm "$R/proc/cmdline"
run; want pool fail "command line cannot be read"
good; put sys/kernel/cohort/pool/size 33554432
run; status 2; want pool fail "too small.*cohort_pool=256M or more"
good; put sys/kernel/cohort/pool/size "many"
run; want pool fail "pool/size: not a number"
good; rm "$R/sys/kernel/cohort/pool/free"
run; want pool fail "pool/free: No such file"

what="the kernel"
good; rm -rf "$R/sys/kernel/cohort"
run; status 2
want kernel fail "the running kernel \($rel\) has no Cohort.*docs/install.md"
want pool fail "the kernel has no Cohort.*cohort_pool=4G is on the command line: boot a kernel with Cohort"
good; put sys/kernel/cohort/role instance
run; want kernel fail "is a Cohort instance.*on the primary"
good; put sys/kernel/cohort/version 0.0.9
run; status 1; want kernel warn "Cohort 0.0.9, this tool is $ver"
good; rm "$R/dev/cohort"
run; status 2; want kernel fail "/dev/cohort is missing.*devtmpfs"
good; rm "$R/dev/cohort"; put dev/cohort "a regular file"
run; want kernel fail "not a device"

what="the kernel configuration"
good; sed -i 's/^CONFIG_COHORT=y/# CONFIG_COHORT is not set/' "$R/boot/config-$rel"
run; status 2; want CONFIG_COHORT fail "not set: Cohort itself.*a kernel with CONFIG_COHORT=y"
good; sed -i 's/^CONFIG_VSOCKETS=y/CONFIG_VSOCKETS=m/; /CONFIG_COHORTFS/d' "$R/boot/config-$rel"
run; status 1
want CONFIG_VSOCKETS warn "^CONFIG_VSOCKETS warn \| m: "
want CONFIG_COHORTFS warn "not set: cohortfs"
good; sed -i 's/^# CONFIG_COHORT_TEST is not set/CONFIG_COHORT_TEST=y/' "$R/boot/config-$rel"
run; status 1; want CONFIG_COHORT_TEST warn "y: a test interface.*never in production.*a kernel without CONFIG_COHORT_TEST"
# /proc/config.gz comes first; gzip or plain, both are read.
good; mkdir -p "$R/proc"; gzip -c "$R/boot/config-$rel" >"$R/proc/config.gz"
sed -i 's/^CONFIG_COHORT=y/# CONFIG_COHORT is not set/' "$R/boot/config-$rel"
run; status 0; want CONFIG_COHORT pass
good; rm "$R/boot/config-$rel"
run; status 1
want config warn "no /proc/config.gz or /boot/config-$rel.*build/kbuild/.config"
grep -q '^CONFIG_COHORT ' "$T/verdicts" && fail "$what: options checked without a configuration"
good; head -c 3000 /dev/urandom | tr -d 'C' >"$R/boot/config-$rel"
run; status 1; want config warn "holds no kernel options"
good; rm "$R/proc/sys/kernel/osrelease"
run; want config warn "/boot/config-RELEASE"; want kernel pass "in \?"

what="the processor"
good; cpuinfo "${flags/ nonstop_tsc/}"
run; status 1; want tsc warn "not invariant \(no nonstop_tsc\).*invtsc"
cpuinfo "${flags/ constant_tsc nonstop_tsc/}"
run; want tsc warn "no constant_tsc, no nonstop_tsc"
cpuinfo "$flags hypervisor"; put sys/class/dmi/id/sys_vendor QEMU
put sys/class/dmi/id/product_name "Standard PC (Q35 + ICH9, 2009)"
run; status 1; want init-sipi warn "under a hypervisor \(QEMU Standard PC.*bare metal"
good; cpuinfo "$flags" HygonGenuine
run; status 1; want cpu warn "HygonGenuine.*untested"
good; cpuinfo "${flags/ lm/}"
run; status 2; want cpu fail "without long mode"
good; printf 'processor\t: 0\nBogoMIPS\t: 100\nFeatures\t: fp asimd\n' >"$R/proc/cpuinfo"
run; status 2; want cpu fail "not an x86 processor"
want tsc warn "no processor with flags"; want x2apic warn "cannot tell"
good; head -c 5000 /dev/urandom >"$R/proc/cpuinfo"
run; status 2; want cpu fail "lists no processor"
want tsc warn "cannot tell"; want init-sipi warn "cannot tell"
good; rm "$R/proc/cpuinfo"
run; status 2; want cpu fail "cannot read /proc/cpuinfo: No such file"
want tsc warn "cannot tell: /proc/cpuinfo: No such file"
good; : >"$R/proc/cpuinfo"
run; want cpu fail "lists no processor"

what="x2APIC"
good; msr 0xfee00d00	# x2APIC mode
run; status 1; want x2apic warn "runs in x2APIC mode.*nox2apic"
good; rm -r "$R/dev/cpu"
run; status 1; want x2apic warn "cannot be told without reading MSR 0x1b"
sed -i 's/^apicid.*: 6$/apicid\t\t: 300/' "$R/proc/cpuinfo"
run; want x2apic warn "runs in x2APIC mode"
good; cpuinfo "${flags/ x2apic/}"; rm -r "$R/dev/cpu"
run; status 0; want x2apic pass "no x2apic flag"
good; : >"$R/dev/cpu/0/msr"
run; want x2apic warn "cannot be told"

what="the CPUs"
good; put sys/devices/system/cpu/present 0
run; status 2; want cpus fail "1 CPU present \(0\).*none is left.*nosmp"
good; rm "$R"/sys/devices/system/cpu/cpu[123]/online
run; status 2; want cpus fail "none can be taken offline.*CONFIG_HOTPLUG_CPU"
good; put sys/devices/system/cpu/present "0-3,banana"
run; status 2; want cpus fail "cannot read a CPU list"; want smt warn "cannot tell"
good; put sys/devices/system/cpu/present "0-3,8"
run; want cpus pass "5 CPUs present \(0-3,8\)"

what="SMT and NUMA"
good; put sys/devices/system/cpu/smt/control on
put sys/devices/system/cpu/cpu0/topology/thread_siblings_list 0,2
put sys/devices/system/cpu/cpu2/topology/thread_siblings_list 0,2
run; status 0; want smt pass "2 threads per core \(SMT on\).*CPUs 0,2 together"
good; rm -r "$R"/sys/devices/system/cpu/cpu*/topology
run; status 1; want smt warn "cannot tell"
good; put sys/devices/system/node/online 0-1
put sys/devices/system/node/node0/cpulist 0-1
put sys/devices/system/node/node1/cpulist 2-3
run; status 0; want numa pass "2 NUMA nodes \(node 0: CPUs 0-1, node 1: CPUs 2-3\).*--node N"
good; put sys/devices/system/node/online "zero"
run; status 1; want numa warn "not a list"
good; rm -r "$R/sys/devices/system/node"
run; status 0; want numa pass "no NUMA information"

what="memory"
good; put proc/meminfo "MemTotal:         262144 kB"
run; status 1; want memory warn "left 256 MiB"
# The pool lent to the primary (CMA) counts in MemTotal, not as its own.
good; put proc/meminfo "MemTotal:        1310720 kB
CmaTotal:        1048576 kB"
run; status 1; want memory warn "left 256 MiB besides"
put proc/meminfo "MemTotal:        2621440 kB
CmaTotal:        1048576 kB"
run; want memory pass "has 1.5 GiB besides the pool"
put proc/meminfo "MemTotal: many kB"
run; want memory warn "malformed MemTotal"
put proc/meminfo "Nothing: 1 kB"
run; want memory warn "no MemTotal"
rm "$R/proc/meminfo"
run; want memory warn "cannot read /proc/meminfo"

what="IOMMU and interrupt remapping"
good; rm -r "$R/sys/class/iommu"/*
put proc/interrupts " 24:  0  0  PCI-MSI 512000-edge  ahci"
run; status 1
want iommu warn "no IOMMU in use.*VT-d or AMD-Vi"
want irq-remap warn "no interrupt remapping.*an IOMMU with interrupt remapping"
put proc/cmdline "ro cohort_pool=4G intel_iommu=off intremap=off"
run; want iommu warn "remove intel_iommu=off"; want irq-remap warn "remove intremap=off"
rm "$R/proc/interrupts"
run; want irq-remap warn "cannot read /proc/interrupts"

what="lockdown and Secure Boot"
good; put sys/kernel/security/lockdown "none [integrity] confidentiality"
run; status 2
want lockdown fail "locked down \(integrity\).*signed or not.*mokutil --disable-validation"
want secure-boot pass "off"
efi '\x06\x00\x00\x00\x01'
run; want secure-boot warn "Secure Boot is on.*sbsign.*mokutil --import"
good; efi '\x06\x00\x00\x00\x01'
run; status 0; want secure-boot pass "Secure Boot is on"
good; efi '\x06\x00\x00'
run; status 1; want secure-boot warn "not a boolean \(3 bytes\)"
good; rm "$R/$efivar"
run; want secure-boot pass "without a SecureBoot variable"
good; rm -r "$R/sys/firmware"
run; want secure-boot pass "no /sys/firmware/efi"
good; put sys/kernel/security/lockdown "[sideways]"
run; status 1; want lockdown warn "no \[mode\]"
good; rm "$R/sys/kernel/security/lockdown"
run; status 0; want lockdown pass "no lockdown LSM"
rm -r "$R/sys/kernel/security"
run; status 1; want lockdown warn "securityfs is not mounted"

what="nothing at all"
rm -rf "$R"; mkdir -p "$R"
run; status 2
want kernel fail; want pool fail; want config warn; want cpu fail
want cpus fail; want memory warn; want lockdown warn

what="usage"
checks=$((checks + 1))
COHORT_CHECK_ROOT=$R "$bin" check extra >"$T/out" 2>&1
rc=$?
[ $rc = 2 ] && grep -q "unexpected argument 'extra'" "$T/out" ||
	fail "check extra: exit status $rc: $(cat "$T/out")"
"$bin" check --help >"$T/out" 2>&1 || fail "check --help: exit status $?"
grep -q '^Usage: cohort check \[-j\]' "$T/out" || fail "check --help: $(head -n 1 "$T/out")"

echo "$checks checks, $failures failed"
[ $failures = 0 ]
