#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The cohort-tools package (make deb): it builds; it holds exactly the
# files it should, release builds without sanitizers and with Debian's
# hardening; lintian finds no error or warning; unpacked, its programs
# run (cohort --version, cohortd --help, mkfs.cohortfs and fsck.cohortfs
# on an image) and its completion loads; its maintainer scripts, run as
# dpkg runs them with DPKG_ROOT pointing at a scratch root, a scratch
# debconf database and stubs for systemd and update-grub, write, keep,
# correct and remove the GRUB snippet.
#
# Run from the top of the tree.  Exit 0 pass, 77 skip, else fail.
set -uo pipefail

for t in dpkg-buildpackage dh debconf-set-selections readelf; do
	command -v $t >/dev/null || { echo "SKIP: $t missing (make deps)"; exit 77; }
done

T=$(mktemp -d /tmp/cohort-deb.XXXXXX)
trap 'rm -rf "$T"' EXIT
failures=0
fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

make -s deb >"$T/build.log" 2>&1 || {
	tail -n 40 "$T/build.log"
	echo "FAIL: make deb"
	exit 1
}
ver=$(sed -n 's/^#define COHORT_VERSION[[:space:]]*"\(.*\)"/\1/p' include/uapi/linux/cohort.h)
deb=build/deb/cohort-tools_${ver}_amd64.deb
[ -f "$deb" ] || { ls build/deb; echo "FAIL: no $deb (the package's version is not COHORT_VERSION $ver?)"; exit 1; }
echo "built $deb"

# Exactly these files (directories aside).
sbin="cohort cohortd cohortfs-fuse fsck.cohortfs mkfs.cohortfs"
{
	for p in $sbin; do echo "./usr/sbin/$p"; done
	echo ./lib/systemd/system/cohortd.service
	echo ./usr/share/bash-completion/completions/cohort
	for m in cohort.8 cohortd.8 cohortfs-fuse.8 fsck.cohortfs.8 \
		 mkfs.cohortfs.8; do
		echo "./usr/share/man/man8/$m.gz"
	done
	echo ./usr/share/man/man5/cohort-instance.conf.5.gz
	for d in README.md install.md config.md cohortd.md image.md \
		 changelog; do
		echo "./usr/share/doc/cohort-tools/$d.gz"
	done
	echo ./usr/share/doc/cohort-tools/copyright
} | sort >"$T/want"
dpkg-deb --fsys-tarfile "$deb" | tar -t | grep -v '/$' | sort >"$T/have"
if ! cmp -s "$T/want" "$T/have"; then
	fail "the package's files differ from the list (- missing, + extra):"
	diff "$T/want" "$T/have" | sed -n 's/^</  -/p; s/^>/  +/p'
fi
# Owned by root, as dpkg installs them.
dpkg-deb -c "$deb" | awk '$2 != "root/root" { print "  " $0; bad = 1 } END { exit bad }' ||
	fail "files not owned by root/root"

R=$T/root
dpkg-deb -x "$deb" "$R"

# Release builds: no sanitizer runtime, PIE, BIND_NOW, fortified.
for p in $sbin; do
	f=$R/usr/sbin/$p
	readelf -d "$f" >"$T/dyn" 2>&1 || { fail "$p: not an ELF file"; continue; }
	readelf -W --dyn-syms "$f" >"$T/syms"
	grep -Eq 'NEEDED.*lib(a|ub|t)san' "$T/dyn" && fail "$p is linked with a sanitizer: $(grep NEEDED "$T/dyn" | grep san)"
	grep -Eq '__(a|ub)san_' "$T/syms" && fail "$p has sanitizer symbols"
	readelf -h "$f" | grep -q 'Type:.*DYN' || fail "$p is not position independent"
	grep -q 'FLAGS.*BIND_NOW\|FLAGS_1.*NOW' "$T/dyn" || fail "$p is not linked with -z now"
	readelf -lW "$f" >"$T/phdr"
	grep -q 'GNU_RELRO' "$T/phdr" || fail "$p has no RELRO"
	grep -q 'NEEDED.*libc.so' "$T/dyn" || fail "$p is not linked dynamically"
done
# The programs that use string and memory functions the compiler can
# check carry the fortified ones.
# (Output to a file: grep -q would end readelf with SIGPIPE.)
for p in cohort cohortd; do
	readelf -W --dyn-syms "$R/usr/sbin/$p" >"$T/syms"
	grep -Eq '__[a-z]+_chk@' "$T/syms" ||
		fail "$p has no _FORTIFY_SOURCE functions"
done
# cohortd speaks sd_notify (its unit is Type=notify).
readelf -d "$R/usr/sbin/cohortd" >"$T/dyn"
grep -q 'NEEDED.*libsystemd' "$T/dyn" ||
	fail "cohortd is not linked with libsystemd (Type=notify would time out)"
dpkg-deb -f "$deb" Depends | grep -q libsystemd0 ||
	fail "Depends has no libsystemd0: $(dpkg-deb -f "$deb" Depends)"

# The unit starts the cohortd the package installs.
exec_start=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$R/lib/systemd/system/cohortd.service")
[ -x "$R$exec_start" ] || fail "ExecStart=$exec_start is not in the package"
for d in $(sed -n 's/^Documentation=.*file:\([^ ]*\).*/\1/p' "$R/lib/systemd/system/cohortd.service"); do
	[ -f "$R$d" ] || [ -f "$R$d.gz" ] || fail "the unit's Documentation file:$d is not in the package"
done

# Lintian: no error or warning (info and pedantic tags are reported).
if command -v lintian >/dev/null; then
	lintian --fail-on error,warning -I build/deb/cohort_"$ver"_amd64.changes \
		>"$T/lintian" 2>&1
	rc=$?
	grep -v '^running with root privileges' "$T/lintian" | sed 's/^/  lintian: /'
	[ $rc = 0 ] || fail "lintian exit status $rc"
else
	echo "lintian not installed: not run"
fi

# The programs run from the unpacked tree.
out=$("$R/usr/sbin/cohort" --version 2>&1)
[ "$out" = "cohort $ver" ] || fail "cohort --version said '$out', want 'cohort $ver'"
"$R/usr/sbin/cohortd" --help >"$T/out" 2>&1 || fail "cohortd --help: exit status $?"
grep -q '^Usage: cohortd' "$T/out" || fail "cohortd --help: $(head -n 1 "$T/out")"
"$R/usr/sbin/mkfs.cohortfs" -q -s 32M -L pkg "$T/fs.img" >"$T/out" 2>&1 ||
	{ fail "mkfs.cohortfs: exit status $?"; cat "$T/out"; }
"$R/usr/sbin/fsck.cohortfs" -n "$T/fs.img" >"$T/out" 2>&1 ||
	{ fail "fsck.cohortfs -n on a new image: exit status $?"; cat "$T/out"; }
"$R/usr/sbin/cohortfs-fuse" --help >"$T/out" 2>&1
grep -q 'usage: .*cohortfs-fuse IMAGE DIR' "$T/out" || fail "cohortfs-fuse --help: $(head -n 1 "$T/out")"
bash -c '. "$1"; complete -p cohort' _ "$R/usr/share/bash-completion/completions/cohort" \
	>"$T/out" 2>&1
grep -q '_cohort cohort' "$T/out" || fail "the completion does not load: $(cat "$T/out")"
command -v man >/dev/null || echo "man not installed: the man pages are not rendered"
command -v man >/dev/null && for m in "$R"/usr/share/man/man*/*.gz; do
	LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$m" >/dev/null 2>"$T/man" ||
		fail "man ${m##*/}: exit status $?"
	[ -s "$T/man" ] && fail "man ${m##*/}: $(head -n 3 "$T/man")"
done

# Maintainer scripts, as dpkg runs them from /var/lib/dpkg/info, against
# a scratch root (DPKG_ROOT), a scratch debconf database and stubs.
info=$T/info
mkdir -p "$info" "$T/stub" "$R/etc/default/grub.d"
dpkg-deb -e "$deb" "$T/control"
for s in config postinst postrm prerm templates; do
	cp "$T/control/$s" "$info/cohort-tools.$s"
done
# Debconf, too, looks for its configuration and databases under
# DPKG_ROOT.
mkdir -p "$R/var/cache/debconf"
cat >"$R/etc/debconf.conf" <<EOF
Config: configdb
Templates: templatedb

Name: configdb
Driver: File
Filename: /var/cache/debconf/config.dat

Name: templatedb
Driver: File
Filename: /var/cache/debconf/templates.dat
EOF
for s in systemctl deb-systemd-helper deb-systemd-invoke update-grub; do
	printf '#!/bin/sh\necho "%s $*" >>"%s/calls"\nexit 0\n' "$s" "$T" >"$T/stub/$s"
	chmod +x "$T/stub/$s"
done
cfg=$R/etc/default/grub.d/cohort.cfg

# maint SCRIPT ARGS...: run a maintainer script as dpkg would.
maint() {
	local s=$1
	shift
	env PATH="$T/stub:$PATH" DPKG_ROOT="$R" HOME="$T" \
		DEBIAN_FRONTEND=noninteractive DEBCONF_NONINTERACTIVE_SEEN=true \
		DPKG_MAINTSCRIPT_PACKAGE=cohort-tools DPKG_MAINTSCRIPT_NAME="$s" \
		"$info/cohort-tools.$s" "$@" >"$T/maint.out" 2>&1
}

# pool_in_cfg: the value of cohort_pool= in the snippet, or "absent".
pool_in_cfg() {
	[ -f "$cfg" ] || { echo absent; return; }
	# shellcheck disable=SC2016 # $GRUB_CMDLINE_LINUX as written
	sed -n 's/^GRUB_CMDLINE_LINUX="$GRUB_CMDLINE_LINUX cohort_pool=\(.*\)"$/\1/p' "$cfg"
}

# The default: a quarter of MemTotal in multiples of 256 MiB.
kib=$(sed -n 's/^MemTotal: *\([0-9]*\) kB$/\1/p' /proc/meminfo)
mib=$((kib / 1024 / 4 / 256 * 256))
[ $mib -ge 256 ] || mib=256
if [ $((mib % 1024)) = 0 ]; then quarter=$((mib / 1024))G; else quarter=${mib}M; fi

maint postinst configure || { fail "postinst configure: exit status $?"; cat "$T/maint.out"; }
[ "$(pool_in_cfg)" = "$quarter" ] ||
	fail "first install: cohort_pool=$(pool_in_cfg), want the default $quarter"
grep -q "update-grub" "$T/maint.out" ||
	fail "first install: the user is not told to run update-grub: $(cat "$T/maint.out")"
grep -q '^update-grub' "$T/calls" 2>/dev/null &&
	fail "update-grub was run for a root that is not this system's"
# A shell that sources the snippet as grub-mkconfig does gets it.
got=$(GRUB_CMDLINE_LINUX="quiet" sh -c '. "$1"; echo "$GRUB_CMDLINE_LINUX"' _ "$cfg")
[ "$got" = "quiet cohort_pool=$quarter" ] ||
	fail "sourced, the snippet makes GRUB_CMDLINE_LINUX '$got'"
grep -q 'deb-systemd-helper' "$T/calls" 2>/dev/null ||
	fail "postinst did not enable cohortd.service (no deb-systemd-helper call)"

# An edit by hand is kept on upgrade, and nothing is rewritten.
sed -i '/^GRUB_CMDLINE_LINUX=/s/cohort_pool=[^"]*/cohort_pool=768M@0x100000000/' "$cfg"
maint postinst configure "$ver" || { fail "postinst upgrade: exit status $?"; cat "$T/maint.out"; }
[ "$(pool_in_cfg)" = "768M@0x100000000" ] ||
	fail "upgrade: cohort_pool=$(pool_in_cfg), want the edited 768M@0x100000000"
grep -q "update-grub" "$T/maint.out" &&
	fail "upgrade with nothing changed still asks for update-grub: $(cat "$T/maint.out")"

# So is a part per NUMA node.
sed -i '/^GRUB_CMDLINE_LINUX=/s/cohort_pool=[^"]*/cohort_pool=0:512M,1:512M/' "$cfg"
maint postinst configure "$ver" || { fail "postinst upgrade, per node: exit status $?"; cat "$T/maint.out"; }
[ "$(pool_in_cfg)" = "0:512M,1:512M" ] ||
	fail "upgrade: cohort_pool=$(pool_in_cfg), want the edited 0:512M,1:512M"

# A value that makes no sense is replaced by the default.
sed -i '/^GRUB_CMDLINE_LINUX=/s/cohort_pool=[^"]*/cohort_pool=lots/' "$cfg"
maint postinst configure "$ver" || { fail "postinst with a bad value: exit status $?"; cat "$T/maint.out"; }
[ "$(pool_in_cfg)" = "$quarter" ] ||
	fail "bad value: cohort_pool=$(pool_in_cfg), want the default $quarter"

# A snippet whose cohort_pool= was removed means no pool: it goes.
sed -i '/^GRUB_CMDLINE_LINUX=/d' "$cfg"
maint postinst configure "$ver" || { fail "postinst, no value: exit status $?"; cat "$T/maint.out"; }
[ "$(pool_in_cfg)" = absent ] || fail "no value: the snippet is still there"

# A preseeded answer is taken; purge takes the snippet away.
echo "cohort-tools cohort-tools/pool string 2G" |
	DPKG_ROOT=$R HOME=$T debconf-set-selections
maint postinst configure "$ver"
[ "$(pool_in_cfg)" = 2G ] || fail "preseeded 2G: cohort_pool=$(pool_in_cfg)"
maint postrm purge || { fail "postrm purge: exit status $?"; cat "$T/maint.out"; }
[ "$(pool_in_cfg)" = absent ] || fail "purge: the snippet is still there"

if [ $failures -gt 0 ]; then
	echo "$failures check(s) failed"
	exit 1
fi
echo "deb: all checks passed"
