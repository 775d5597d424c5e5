// SPDX-License-Identifier: GPL-2.0
/*
 * cohort(8): "cohort check [-j]": is this machine ready for Cohort?  One
 * line per check, PASS, WARN or FAIL, with what was found and, when it
 * is not a pass, what to do.  Exit 0 when all pass, 1 with warnings
 * only, 2 with any failure.
 *
 * Everything is read from files: /proc, /sys, /boot and /dev/cpu/0/msr,
 * each under $COHORT_CHECK_ROOT when that is set (for the tests, which
 * build a fake machine: tests/host/check.sh).  The parsing is in
 * lib/cohort/hostcheck.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>
#include <zlib.h>

#include "cohort.h"
#include "cohort/hostcheck.h"
#include "cohort/parse.h"

/* The EFI variable that says whether Secure Boot is on. */
#define EFI_SECUREBOOT \
	"/sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c"
/* IA32_APIC_BASE, and its bit that says x2APIC mode is on */
#define MSR_APIC_BASE		0x1b
#define APIC_BASE_EXTD		(1ULL << 10)

#define TEXT_MAX		512

struct result {
	char name[40];
	enum hc_level level;
	char text[TEXT_MAX];	/* what was found */
	char fix[TEXT_MAX];	/* what to do, "" when nothing */
};

struct checker {
	struct cli *c;
	const char *root;	/* $COHORT_CHECK_ROOT, "" when unset */
	const char *sysfs;	/* Cohort's sysfs directory */
	const char *dev;	/* /dev/cohort */
	const char *cpu_sysfs;	/* /sys/devices/system/cpu */
	char cmdline[4096];	/* /proc/cmdline, "" when unreadable */
	bool have_cmdline;
	struct hc_cpuinfo cpu;
	int cpu_err;		/* reading /proc/cpuinfo: 0 or -errno */
	char lockdown[32];	/* its mode, "" when unknown */
	struct result *v;
	size_t n;
};

static const char *const level_names[] = { "PASS", "WARN", "FAIL" };
static const char *const level_json[] = { "pass", "warn", "fail" };

static struct result *add(struct checker *k, const char *name,
			  enum hc_level level, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static struct result *add(struct checker *k, const char *name,
			  enum hc_level level, const char *fmt, ...)
{
	struct result *r;
	va_list ap;

	r = realloc(k->v, (k->n + 1) * sizeof(*k->v));
	if (!r) {
		cli_err("out of memory");
		exit(EXIT_FAIL);
	}
	k->v = r;
	r = &k->v[k->n++];
	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "%s", name);
	r->level = level;
	va_start(ap, fmt);
	vsnprintf(r->text, sizeof(r->text), fmt, ap);
	va_end(ap);
	return r;
}

static void fix(struct result *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void fix(struct result *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->fix, sizeof(r->fix), fmt, ap);
	va_end(ap);
}

/* @path under the root. */
static const char *at(struct checker *k, const char *path, char *buf,
		      size_t len)
{
	snprintf(buf, len, "%s%s", k->root, path);
	return buf;
}

/* A small file under the root, as sysfs_read() reads it. */
static int read_at(struct checker *k, const char *path, char *buf,
		   size_t len)
{
	char p[PATH_MAX];

	return sysfs_read(at(k, path, p, sizeof(p)), buf, len);
}

static bool exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* "15.6 GiB": a size for a person, rounded. */
static void approx_size(__u64 bytes, char *buf, size_t len)
{
	static const char units[] = "KMGTP";
	double v = (double)bytes;
	int u = -1;

	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	if (u < 0)
		snprintf(buf, len, "%llu bytes", (unsigned long long)bytes);
	else if (v == (double)(__u64)v)
		snprintf(buf, len, "%.0f %ciB", v, units[u]);
	else
		snprintf(buf, len, "%.1f %ciB", v, units[u]);
}

/* The command-line part of each fix that adds a parameter. */
#define CMDLINE_HOW "(GRUB: GRUB_CMDLINE_LINUX in /etc/default/grub or " \
	"/etc/default/grub.d/, then update-grub) and reboot"

static void check_kernel(struct checker *k)
{
	char version[64], role[32], osrel[128] = "?", path[PATH_MAX];
	struct stat st;
	struct result *r;

	read_at(k, "/proc/sys/kernel/osrelease", osrel, sizeof(osrel));
	if (stat(k->sysfs, &st) || !S_ISDIR(st.st_mode)) {
		r = add(k, "kernel", HC_FAIL,
			"the running kernel (%s) has no Cohort: no %s", osrel,
			k->sysfs);
		fix(r, "boot a kernel built with Cohort (docs/install.md)");
		return;
	}
	snprintf(path, sizeof(path), "%s/role", k->sysfs);
	if (sysfs_read(path, role, sizeof(role)) < 0)
		snprintf(role, sizeof(role), "?");
	if (!strcmp(role, "instance")) {
		r = add(k, "kernel", HC_FAIL,
			"this kernel is a Cohort instance: instances start no instances");
		fix(r, "run cohort check on the primary");
		return;
	}
	snprintf(path, sizeof(path), "%s/version", k->sysfs);
	if (sysfs_read(path, version, sizeof(version)) < 0)
		snprintf(version, sizeof(version), "?");
	if (stat(k->dev, &st) || !S_ISCHR(st.st_mode)) {
		r = add(k, "kernel", HC_FAIL,
			"Cohort %s (%s), but %s is missing or not a device",
			version, role, k->dev);
		fix(r, "mount devtmpfs on /dev (CONFIG_DEVTMPFS), or let udev make it");
		return;
	}
	if (strcmp(version, COHORT_VERSION)) {
		r = add(k, "kernel", HC_WARN,
			"the kernel has Cohort %s, this tool is %s: their interface may differ",
			version, COHORT_VERSION);
		fix(r, "install the cohort-tools built from the same tree as the kernel");
		return;
	}
	add(k, "kernel", HC_PASS, "Cohort %s in %s, the %s; %s is there",
	    version, osrel, role, k->dev);
}

static void check_pool(struct checker *k)
{
	static const char *const names[] = { "size", "base", "free" };
	char arg[256] = "", path[PATH_MAX], buf[64], a[32], b[32];
	bool given = false;
	__u64 val[3], want_size = 0, want_base = 0;
	struct result *r;
	struct stat st;
	int bad = 0;
	size_t i;

	if (k->have_cmdline)
		given = hc_cmdline_get(k->cmdline, "cohort_pool", arg,
				       sizeof(arg));
	if (given && hc_parse_pool_arg(arg, &want_size, &want_base))
		bad = 1;
	if (stat(k->sysfs, &st)) {
		r = add(k, "pool", HC_FAIL, "no pool: the kernel has no Cohort");
		if (given)
			fix(r, "cohort_pool=%s is on the command line: boot a kernel with Cohort",
			    arg);
		else
			fix(r, "add cohort_pool=SIZE to the kernel command line " CMDLINE_HOW);
		return;
	}
	for (i = 0; i < 3; i++) {
		int ret;

		snprintf(path, sizeof(path), "%s/pool/%s", k->sysfs, names[i]);
		ret = sysfs_read(path, buf, sizeof(buf));
		if (ret >= 0)
			ret = sysfs_parse_u64(buf, &val[i]);
		if (ret < 0) {
			r = add(k, "pool", HC_FAIL, "cannot read %s: %s", path,
				ret == -EINVAL ? "not a number" : strerror(-ret));
			fix(r, "a kernel whose Cohort is the one of this tool (docs/abi.md)");
			return;
		}
	}
	if (!val[0]) {
		if (!k->have_cmdline) {
			r = add(k, "pool", HC_FAIL,
				"no pool, and the command line cannot be read");
			fix(r, "add cohort_pool=SIZE to the kernel command line " CMDLINE_HOW);
		} else if (!given) {
			r = add(k, "pool", HC_FAIL,
				"no pool: the kernel command line has no cohort_pool=");
			fix(r, "add cohort_pool=SIZE to the kernel command line: "
			    "dpkg-reconfigure cohort-tools, or " CMDLINE_HOW);
		} else if (bad) {
			r = add(k, "pool", HC_FAIL,
				"no pool: cohort_pool=%s is not SIZE[@ADDR], so the kernel ignored it",
				arg);
			fix(r, "a size such as cohort_pool=4G or cohort_pool=768M@0x100000000 " CMDLINE_HOW);
		} else {
			r = add(k, "pool", HC_FAIL,
				"no pool: cohort_pool=%s was asked for but could not be reserved",
				arg);
			fix(r, "the kernel log says why (dmesg | grep -i cohort): not that much free memory, "
			    "a base that is not free RAM or not a multiple of 2 MiB, or no memory "
			    "below 1 MiB for the trampolines; ask for less, or another @ADDR");
		}
		return;
	}
	cohort_format_size(val[0], false, a, sizeof(a));
	approx_size(val[2], b, sizeof(b));
	if (val[0] < HC_POOL_MIN) {
		r = add(k, "pool", HC_FAIL,
			"the pool of %s is too small for one instance: 18 MiB of it are for messaging, an instance needs 32 MiB",
			a);
		fix(r, "cohort_pool=256M or more " CMDLINE_HOW);
		return;
	}
	add(k, "pool", HC_PASS, "%s at 0x%llx, %s free%s%s", a,
	    (unsigned long long)val[1], b,
	    given ? ", from cohort_pool=" : "", given ? arg : "");
}

/* The kernel configuration: /proc/config.gz, or /boot/config-RELEASE. */
static gzFile open_config(struct checker *k, char *which, size_t len)
{
	char osrel[128], path[PATH_MAX];
	gzFile f;

	at(k, "/proc/config.gz", path, sizeof(path));
	f = gzopen(path, "rb");
	if (f) {
		snprintf(which, len, "/proc/config.gz");
		return f;
	}
	if (read_at(k, "/proc/sys/kernel/osrelease", osrel, sizeof(osrel)) < 0)
		snprintf(osrel, sizeof(osrel), "RELEASE");
	snprintf(which, len, "/boot/config-%s", osrel);
	at(k, which, path, sizeof(path));
	return gzopen(path, "rb");
}

static void check_config(struct checker *k)
{
	char which[PATH_MAX], line[1024], name[128], val[128];
	char (*have)[8];
	size_t i, lines = 0, opts = 0;
	struct result *r;
	gzFile f;

	f = open_config(k, which, sizeof(which));
	if (!f) {
		r = add(k, "config", HC_WARN,
			"the kernel's configuration is not readable: no /proc/config.gz or %s",
			which);
		fix(r, "install the kernel's .config as %s (build/kbuild/.config after make kernel), "
		    "or build it with CONFIG_IKCONFIG_PROC", which);
		return;
	}
	have = calloc(hc_nr_kopts, sizeof(*have));
	if (!have) {
		gzclose(f);
		cli_err("out of memory");
		exit(EXIT_FAIL);
	}
	while (gzgets(f, line, sizeof(line))) {
		int t = hc_kconfig_line(line, name, sizeof(name), val,
					sizeof(val));

		lines++;
		if (t == HC_KCONFIG_OTHER)
			continue;
		opts++;
		for (i = 0; i < hc_nr_kopts; i++)
			if (!strcmp(name, hc_kopts[i].name))
				snprintf(have[i], sizeof(have[i]), "%.7s", val);
	}
	gzclose(f);
	if (!opts) {
		r = add(k, "config", HC_WARN,
			"%s holds no kernel options (%zu lines): not a kernel configuration",
			which, lines);
		fix(r, "put the running kernel's .config there");
		free(have);
		return;
	}
	for (i = 0; i < hc_nr_kopts; i++) {
		const struct hc_kopt *o = &hc_kopts[i];
		const char *v = have[i][0] ? have[i] : "n";
		bool ok = o->want == 'y' ? !strcmp(v, "y") : !strcmp(v, "n");

		if (ok) {
			add(k, o->name, HC_PASS, "%s: %s",
			    o->want == 'y' ? "y" : "not set", o->why);
			continue;
		}
		if (o->want == 'y') {
			r = add(k, o->name, o->level, "%s: %s (%s)",
				strcmp(v, "n") ? v : "not set", o->why, which);
			fix(r, "a kernel with %s=y", o->name);
		} else {
			r = add(k, o->name, o->level,
				"%s: %s, never in production (%s)", v, o->why,
				which);
			fix(r, "a kernel without %s", o->name);
		}
	}
	free(have);
}

static void read_cpuinfo(struct checker *k)
{
	char path[PATH_MAX];
	FILE *f = fopen(at(k, "/proc/cpuinfo", path, sizeof(path)), "re");

	if (!f) {
		k->cpu_err = -errno;
		memset(&k->cpu, 0, sizeof(k->cpu));
		return;
	}
	k->cpu_err = hc_cpuinfo_read(f, &k->cpu);
	fclose(f);
}

/* False, after adding a result, when /proc/cpuinfo says nothing. */
static bool cpuinfo_usable(struct checker *k, const char *name)
{
	struct result *r;

	if (k->cpu_err) {
		r = add(k, name, HC_WARN, "cannot tell: /proc/cpuinfo: %s",
			strerror(-k->cpu_err));
		fix(r, "mount procfs on /proc");
		return false;
	}
	if (!k->cpu.processors || !k->cpu.flags) {
		r = add(k, name, HC_WARN,
			"cannot tell: /proc/cpuinfo has no processor with flags");
		fix(r, "an x86-64 kernel's /proc/cpuinfo lists each processor with its flags");
		return false;
	}
	return true;
}

static void check_cpu(struct checker *k)
{
	struct result *r;

	if (k->cpu_err) {
		r = add(k, "cpu", HC_FAIL, "cannot read /proc/cpuinfo: %s",
			strerror(-k->cpu_err));
		fix(r, "mount procfs on /proc");
		return;
	}
	if (!k->cpu.processors) {
		r = add(k, "cpu", HC_FAIL,
			"/proc/cpuinfo lists no processor: not understood");
		fix(r, "an x86-64 kernel's /proc/cpuinfo lists each processor");
		return;
	}
	if (!k->cpu.vendor[0]) {
		r = add(k, "cpu", HC_FAIL,
			"not an x86 processor (no vendor_id in /proc/cpuinfo): Cohort is for x86-64 only");
		fix(r, "an x86-64 machine");
		return;
	}
	if (!hc_has_word(k->cpu.flags, "lm")) {
		r = add(k, "cpu", HC_FAIL,
			"%s without long mode (no lm flag): Cohort is for x86-64 only",
			k->cpu.vendor);
		fix(r, "an x86-64 machine");
		return;
	}
	if (strcmp(k->cpu.vendor, "GenuineIntel") &&
	    strcmp(k->cpu.vendor, "AuthenticAMD")) {
		r = add(k, "cpu", HC_WARN,
			"%s, %s: Cohort is written for Intel and AMD processors and untested on others",
			k->cpu.vendor, k->cpu.model[0] ? k->cpu.model : "?");
		fix(r, "none known; report what works");
		return;
	}
	add(k, "cpu", HC_PASS, "%s, %s", k->cpu.vendor,
	    k->cpu.model[0] ? k->cpu.model : "model unknown");
}

static void check_cpus(struct checker *k)
{
	__u64 present[COHORT_CPU_WORDS] = { 0 }, online[COHORT_CPU_WORDS] = { 0 };
	char buf[4096], path[PATH_MAX], list[256];
	unsigned int n, on = 0, cpu, hotplug = 0;
	struct result *r;

	snprintf(path, sizeof(path), "%s/present", k->cpu_sysfs);
	if (sysfs_read(path, buf, sizeof(buf)) < 0 ||
	    cohort_parse_cpulist(buf, present, COHORT_MAX_CPUS,
				 COHORT_CPULIST_LENIENT, NULL, 0)) {
		r = add(k, "cpus", HC_FAIL, "cannot read a CPU list from %s",
			path);
		fix(r, "mount sysfs on /sys");
		return;
	}
	n = cohort_cpulist_weight(present, COHORT_MAX_CPUS);
	snprintf(path, sizeof(path), "%s/online", k->cpu_sysfs);
	if (sysfs_read(path, buf, sizeof(buf)) >= 0 &&
	    !cohort_parse_cpulist(buf, online, COHORT_MAX_CPUS,
				  COHORT_CPULIST_LENIENT, NULL, 0))
		on = cohort_cpulist_weight(online, COHORT_MAX_CPUS);
	if (cohort_format_cpulist(present, COHORT_MAX_CPUS, list, sizeof(list)))
		snprintf(list, sizeof(list), "...");
	if (n < 2) {
		r = add(k, "cpus", HC_FAIL,
			"%u CPU present (%s): CPU 0 stays with the primary and none is left for an instance",
			n, list);
		fix(r, "a machine with 2 CPUs or more; nosmp, nr_cpus= or maxcpus= on the command line?");
		return;
	}
	for (cpu = 1; cpu < COHORT_MAX_CPUS; cpu++) {
		if (!cohort_cpu_isset(present, cpu))
			continue;
		snprintf(path, sizeof(path), "%s/cpu%u/online", k->cpu_sysfs,
			 cpu);
		if (exists(path))
			hotplug++;
	}
	if (!hotplug) {
		r = add(k, "cpus", HC_FAIL,
			"%u CPUs (%s), but none can be taken offline (no cpuN/online files)",
			n, list);
		fix(r, "a kernel with CONFIG_HOTPLUG_CPU=y");
		return;
	}
	add(k, "cpus", HC_PASS,
	    "%u CPUs present (%s), %u online: up to %u for instances", n,
	    list, on, n - 1);
}

static void check_tsc(struct checker *k)
{
	bool c, s;
	struct result *r;

	if (!cpuinfo_usable(k, "tsc"))
		return;
	c = hc_has_word(k->cpu.flags, "constant_tsc");
	s = hc_has_word(k->cpu.flags, "nonstop_tsc");
	if (c && s) {
		add(k, "tsc", HC_PASS, "invariant TSC (constant_tsc, nonstop_tsc)");
		return;
	}
	r = add(k, "tsc", HC_WARN,
		"the TSC is not invariant (no %s%s%s): instances take the primary's TSC frequency "
		"and never calibrate, so their clocks drift if it changes rate or stops in idle states",
		c ? "" : "constant_tsc", !c && !s ? ", no " : "",
		s ? "" : "nonstop_tsc");
	fix(r, "a processor with an invariant TSC; under a hypervisor, expose it (QEMU/KVM: -cpu host,+invtsc)");
}

/* x2APIC mode, from MSR 0x1b: 1 on, 0 off, -1 cannot tell. */
static int x2apic_mode(struct checker *k)
{
	char path[PATH_MAX];
	__u64 v;
	int fd = open(at(k, "/dev/cpu/0/msr", path, sizeof(path)),
		      O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = pread(fd, &v, sizeof(v), MSR_APIC_BASE);
	close(fd);
	if (n != (ssize_t)sizeof(v))
		return -1;
	return (v & APIC_BASE_EXTD) ? 1 : 0;
}

static void check_x2apic(struct checker *k)
{
	struct result *r;
	int mode;

	if (!cpuinfo_usable(k, "x2apic"))
		return;
	mode = x2apic_mode(k);
	if (mode < 0 && k->cpu.have_apicid && k->cpu.max_apicid > 254)
		mode = 1;	/* xAPIC cannot address that APIC ID */
	if (!hc_has_word(k->cpu.flags, "x2apic") && mode != 1) {
		add(k, "x2apic", HC_PASS,
		    "xAPIC mode (no x2apic flag): the mode Cohort is tested in");
		return;
	}
	if (mode == 0) {
		add(k, "x2apic", HC_PASS,
		    "x2APIC-capable, the kernel runs in xAPIC mode: the mode Cohort is tested in");
		return;
	}
	if (mode == 1) {
		r = add(k, "x2apic", HC_WARN,
			"the kernel runs in x2APIC mode: Cohort sends its IPIs in physical mode there, "
			"but was only ever tested in xAPIC mode");
		fix(r, "if instances do not start, try nox2apic on the command line "
		    "(only where no APIC ID is above 254)");
		return;
	}
	r = add(k, "x2apic", HC_WARN,
		"x2APIC-capable; whether the kernel runs in x2APIC mode (Cohort was only tested in "
		"xAPIC mode) cannot be told without reading MSR 0x1b");
	fix(r, "run as root with /dev/cpu/0/msr (CONFIG_X86_MSR, modprobe msr) to know");
}

static void check_init_sipi(struct checker *k)
{
	char vendor[128] = "", product[128] = "";
	struct result *r;

	if (!cpuinfo_usable(k, "init-sipi"))
		return;
	if (!hc_has_word(k->cpu.flags, "hypervisor")) {
		add(k, "init-sipi", HC_PASS,
		    "bare metal (no hypervisor flag): instances are started with INIT and STARTUP IPIs, "
		    "which every x86 processor takes");
		return;
	}
	read_at(k, "/sys/class/dmi/id/sys_vendor", vendor, sizeof(vendor));
	read_at(k, "/sys/class/dmi/id/product_name", product,
		sizeof(product));
	r = add(k, "init-sipi", HC_WARN,
		"under a hypervisor (%s%s%s): it emulates the INIT and STARTUP IPIs that start "
		"instances; QEMU and KVM do (the bench machine), others are untested, and "
		"instances are isolated no better than the hypervisor isolates vCPUs",
		vendor[0] ? vendor : "hypervisor flag", product[0] ? " " : "",
		product);
	fix(r, "for production, run on bare metal");
}

static void check_smt(struct checker *k)
{
	__u64 present[COHORT_CPU_WORDS] = { 0 }, sib[COHORT_CPU_WORDS];
	char buf[4096], path[PATH_MAX], ctl[32] = "", example[128] = "";
	unsigned int cpu, w, threads = 0, read = 0;
	struct result *r;

	snprintf(path, sizeof(path), "%s/present", k->cpu_sysfs);
	if (sysfs_read(path, buf, sizeof(buf)) < 0 ||
	    cohort_parse_cpulist(buf, present, COHORT_MAX_CPUS,
				 COHORT_CPULIST_LENIENT, NULL, 0)) {
		r = add(k, "smt", HC_WARN, "cannot tell: no CPU list in %s",
			path);
		fix(r, "mount sysfs on /sys");
		return;
	}
	for (cpu = 0; cpu < COHORT_MAX_CPUS; cpu++) {
		if (!cohort_cpu_isset(present, cpu))
			continue;
		snprintf(path, sizeof(path),
			 "%s/cpu%u/topology/thread_siblings_list",
			 k->cpu_sysfs, cpu);
		memset(sib, 0, sizeof(sib));
		if (sysfs_read(path, buf, sizeof(buf)) < 0 ||
		    cohort_parse_cpulist(buf, sib, COHORT_MAX_CPUS,
					 COHORT_CPULIST_LENIENT, NULL, 0))
			continue;
		read++;
		w = cohort_cpulist_weight(sib, COHORT_MAX_CPUS);
		if (w > threads) {
			threads = w;
			snprintf(example, sizeof(example), "%.100s", buf);
		}
	}
	snprintf(path, sizeof(path), "%s/smt/control", k->cpu_sysfs);
	sysfs_read(path, ctl, sizeof(ctl));
	if (!read || !threads) {
		r = add(k, "smt", HC_WARN,
			"cannot tell: no readable cpuN/topology/thread_siblings_list");
		fix(r, "mount sysfs on /sys");
		return;
	}
	if (threads == 1) {
		add(k, "smt", HC_PASS, "one thread per core (SMT %s)",
		    ctl[0] ? ctl : "off or absent");
		return;
	}
	add(k, "smt", HC_PASS,
	    "%u threads per core (SMT %s): give an instance whole cores, "
	    "e.g. CPUs %s together (thread_siblings_list)",
	    threads, ctl[0] ? ctl : "on", example);
}

static void check_numa(struct checker *k)
{
	__u64 nodes[COHORT_CPU_WORDS] = { 0 };
	char buf[4096], path[PATH_MAX], text[TEXT_MAX] = "", cpus[256];
	unsigned int node, n;
	size_t len;

	if (read_at(k, "/sys/devices/system/node/online", buf, sizeof(buf)) < 0) {
		add(k, "numa", HC_PASS,
		    "no NUMA information (/sys/devices/system/node): one node");
		return;
	}
	if (cohort_parse_cpulist(buf, nodes, COHORT_MAX_CPUS,
				 COHORT_CPULIST_LENIENT, NULL, 0)) {
		struct result *r = add(k, "numa", HC_WARN,
			"cannot tell: /sys/devices/system/node/online is not a list");

		fix(r, "mount sysfs on /sys");
		return;
	}
	n = cohort_cpulist_weight(nodes, COHORT_MAX_CPUS);
	for (node = 0; node < COHORT_MAX_CPUS; node++) {
		if (!cohort_cpu_isset(nodes, node))
			continue;
		snprintf(path, sizeof(path),
			 "/sys/devices/system/node/node%u/cpulist", node);
		if (read_at(k, path, cpus, sizeof(cpus)) < 0)
			snprintf(cpus, sizeof(cpus), "?");
		len = strlen(text);
		snprintf(text + len, sizeof(text) - len, "%snode %u: CPUs %s",
			 len ? ", " : "", node, cpus[0] ? cpus : "none");
	}
	if (n <= 1) {
		add(k, "numa", HC_PASS, "one NUMA node (%s)", text);
		return;
	}
	add(k, "numa", HC_PASS,
	    "%u NUMA nodes (%s); the pool is one range, so on one node: "
	    "place instances there (cohort create --node N)", n, text);
}

static void check_memory(struct checker *k)
{
	char path[PATH_MAX], size[32], *line = NULL;
	size_t cap = 0;
	__u64 kb = 0, cma_kb = 0, v;
	bool found = false, bad = false;
	struct result *r;
	FILE *f = fopen(at(k, "/proc/meminfo", path, sizeof(path)), "re");

	if (!f) {
		r = add(k, "memory", HC_WARN, "cannot read /proc/meminfo: %s",
			strerror(errno));
		fix(r, "mount procfs on /proc");
		return;
	}
	while (getline(&line, &cap, f) > 0) {
		int ret = hc_meminfo_kb(line, "MemTotal", &kb);

		if (ret == -ENOENT) {
			/* The pool lent to it counts in MemTotal: not its own. */
			if (!hc_meminfo_kb(line, "CmaTotal", &v))
				cma_kb = v;
			continue;
		}
		if (!found && !bad) {
			found = !ret;
			bad = ret == -EINVAL;
		}
	}
	free(line);
	fclose(f);
	kb = kb > cma_kb ? kb - cma_kb : 0;
	if (!found) {
		r = add(k, "memory", HC_WARN, "cannot tell: %s in /proc/meminfo",
			bad ? "a malformed MemTotal line" : "no MemTotal line");
		fix(r, "mount procfs on /proc");
		return;
	}
	approx_size(kb * 1024, size, sizeof(size));
	if (kb < 512 * 1024) {
		r = add(k, "memory", HC_WARN,
			"the primary is left %s besides the pool: little for its own work", size);
		fix(r, "a smaller cohort_pool=, or more memory");
		return;
	}
	add(k, "memory", HC_PASS, "the primary has %s besides the pool", size);
}

static void check_iommu(struct checker *k)
{
	char path[PATH_MAX], names[256] = "", val[64];
	struct dirent *e;
	struct result *r;
	size_t len;
	DIR *d;
	int n = 0;

	d = opendir(at(k, "/sys/class/iommu", path, sizeof(path)));
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		n++;
		len = strlen(names);
		if (len < sizeof(names) - 64)
			snprintf(names + len, sizeof(names) - len, "%s%.60s",
				 len ? ", " : "", e->d_name);
	}
	if (d)
		closedir(d);
	if (n) {
		add(k, "iommu", HC_PASS, "IOMMU on: %s", names);
		return;
	}
	r = add(k, "iommu", HC_WARN,
		"no IOMMU in use (/sys/class/iommu is empty): the devices the primary drives can "
		"write anywhere in memory, instances' included, and interrupts cannot be remapped");
	if (k->have_cmdline &&
	    ((hc_cmdline_get(k->cmdline, "intel_iommu", val, sizeof(val)) &&
	      !strncmp(val, "off", 3)) ||
	     (hc_cmdline_get(k->cmdline, "amd_iommu", val, sizeof(val)) &&
	      !strcmp(val, "off"))))
		fix(r, "the command line turns it off: remove intel_iommu=off / amd_iommu=off");
	else
		fix(r, "turn VT-d or AMD-Vi on in the firmware, add intel_iommu=on for Intel, "
		    "and use a kernel with CONFIG_INTEL_IOMMU or CONFIG_AMD_IOMMU");
}

static void check_irq_remap(struct checker *k)
{
	char path[PATH_MAX], *line = NULL, val[16];
	size_t cap = 0;
	unsigned int remapped = 0, lines = 0;
	struct result *r;
	FILE *f = fopen(at(k, "/proc/interrupts", path, sizeof(path)), "re");

	if (!f) {
		r = add(k, "irq-remap", HC_WARN,
			"cannot read /proc/interrupts: %s", strerror(errno));
		fix(r, "mount procfs on /proc");
		return;
	}
	while (getline(&line, &cap, f) > 0) {
		lines++;
		if (hc_interrupt_remapped(line))
			remapped++;
	}
	free(line);
	fclose(f);
	if (remapped) {
		add(k, "irq-remap", HC_PASS,
		    "interrupt remapping on (%u IR- interrupts in /proc/interrupts)",
		    remapped);
		return;
	}
	r = add(k, "irq-remap", HC_WARN,
		"no interrupt remapping (no IR- interrupt chip in /proc/interrupts): a device's "
		"message-signalled interrupt can reach any CPU, an instance's too");
	if (k->have_cmdline &&
	    hc_cmdline_get(k->cmdline, "intremap", val, sizeof(val)) &&
	    !strcmp(val, "off"))
		fix(r, "remove intremap=off from the command line");
	else
		fix(r, "an IOMMU with interrupt remapping, on (see iommu)");
}

static void check_lockdown(struct checker *k)
{
	char buf[128], path[PATH_MAX];
	struct result *r;
	int ret = read_at(k, "/sys/kernel/security/lockdown", buf, sizeof(buf));

	if (ret == -ENOENT) {
		if (exists(at(k, "/sys/kernel/security/lsm", path, sizeof(path))))
			add(k, "lockdown", HC_PASS,
			    "no lockdown: the kernel has no lockdown LSM");
		else {
			r = add(k, "lockdown", HC_WARN,
				"cannot tell: securityfs is not mounted on /sys/kernel/security");
			fix(r, "mount -t securityfs securityfs /sys/kernel/security");
		}
		return;
	}
	if (ret < 0) {
		r = add(k, "lockdown", HC_WARN,
			"cannot read /sys/kernel/security/lockdown: %s",
			strerror(-ret));
		fix(r, "run as root");
		return;
	}
	if (hc_lockdown_mode(buf, k->lockdown, sizeof(k->lockdown))) {
		r = add(k, "lockdown", HC_WARN,
			"cannot tell: /sys/kernel/security/lockdown has no [mode]");
		fix(r, "look at it: the kernel shows its mode in brackets, e.g. [none]");
		return;
	}
	if (!strcmp(k->lockdown, "none")) {
		add(k, "lockdown", HC_PASS, "the kernel is not locked down");
		return;
	}
	r = add(k, "lockdown", HC_FAIL,
		"the kernel is locked down (%s): Cohort then loads and starts no kernel at all, "
		"signed or not, as kexec_load refuses (it checks no signatures)",
		k->lockdown);
	fix(r, "boot without lockdown: remove lockdown= from the command line; when Secure Boot "
	    "turns it on (kernels built with CONFIG_LOCK_DOWN_IN_EFI_SECURE_BOOT), turn Secure Boot "
	    "off in the firmware or shim's validation off (mokutil --disable-validation)");
}

static void check_secure_boot(struct checker *k)
{
	char path[PATH_MAX];
	unsigned char buf[64];
	struct result *r;
	ssize_t n;
	int fd, on;

	if (!exists(at(k, "/sys/firmware/efi", path, sizeof(path)))) {
		add(k, "secure-boot", HC_PASS,
		    "no /sys/firmware/efi: not booted through UEFI, or a kernel without EFI: "
		    "no Secure Boot");
		return;
	}
	fd = open(at(k, EFI_SECUREBOOT, path, sizeof(path)),
		  O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			add(k, "secure-boot", HC_PASS,
			    "UEFI without a SecureBoot variable: no Secure Boot");
		else
			fix(add(k, "secure-boot", HC_WARN, "cannot read %s: %s",
				EFI_SECUREBOOT, strerror(errno)),
			    "run as root, or ask mokutil --sb-state");
		return;
	}
	n = read(fd, buf, sizeof(buf));
	close(fd);
	on = n < 0 ? -EINVAL : hc_efi_bool(buf, (size_t)n);
	if (on < 0) {
		r = add(k, "secure-boot", HC_WARN,
			"cannot tell: the SecureBoot variable is not a boolean (%zd bytes)", n);
		fix(r, "ask mokutil --sb-state");
		return;
	}
	if (!on) {
		add(k, "secure-boot", HC_PASS, "Secure Boot is off");
		return;
	}
	r = add(k, "secure-boot",
		k->lockdown[0] && strcmp(k->lockdown, "none") ? HC_WARN : HC_PASS,
		"Secure Boot is on: the firmware and shim start only signed kernels, and "
		"kernels built with CONFIG_LOCK_DOWN_IN_EFI_SECURE_BOOT lock themselves down under it");
	fix(r, "sign each Cohort kernel you boot with a Machine Owner Key: sbsign --key MOK.key "
	    "--cert MOK.crt, the key enrolled with mokutil --import MOK.der (instance kernels are "
	    "loaded by Cohort, not the firmware: they need no signature)");
	if (r->level == HC_PASS)
		r->fix[0] = '\0';
}

static void print_text(struct checker *k)
{
	static const char *const heads[] = { "STATUS", "CHECK", "RESULT" };
	unsigned int count[3] = { 0 };
	const char *col[3];
	int w[3] = { 0 };
	size_t i;

	table_widen(w, heads, 3);
	for (i = 0; i < k->n; i++) {
		col[0] = level_names[k->v[i].level];
		col[1] = k->v[i].name;
		col[2] = k->v[i].text;
		table_widen(w, col, 3);
	}
	table_row(w, heads, 3, "lll");
	for (i = 0; i < k->n; i++) {
		col[0] = level_names[k->v[i].level];
		col[1] = k->v[i].name;
		col[2] = k->v[i].text;
		table_row(w, col, 3, "lll");
		if (k->v[i].fix[0])
			printf("%*s  fix: %s\n", w[0] + 2 + w[1], "",
			       k->v[i].fix);
		count[k->v[i].level]++;
	}
	printf("%u pass, %u warn, %u fail\n", count[HC_PASS], count[HC_WARN],
	       count[HC_FAIL]);
}

static void print_json(struct checker *k, enum hc_level worst)
{
	struct json_object *o = json_object_new_object();
	struct json_object *a = json_object_new_array();
	unsigned int count[3] = { 0 };
	size_t i;

	for (i = 0; i < k->n; i++) {
		struct json_object *e = json_object_new_object();

		json_object_object_add(e, "check",
				       json_object_new_string(k->v[i].name));
		json_object_object_add(e, "status",
			json_object_new_string(level_json[k->v[i].level]));
		json_object_object_add(e, "result",
				       json_object_new_string(k->v[i].text));
		json_object_object_add(e, "fix", k->v[i].fix[0] ?
				       json_object_new_string(k->v[i].fix) :
				       NULL);
		json_object_array_add(a, e);
		count[k->v[i].level]++;
	}
	json_object_object_add(o, "status",
			       json_object_new_string(level_json[worst]));
	for (i = 0; i < 3; i++)
		json_object_object_add(o, level_json[i],
				       json_object_new_int((int)count[i]));
	json_object_object_add(o, "checks", a);
	cli_json_print(k->c, o);
	json_object_put(o);
}

/**
 * cmd_check() - "cohort check [-j]"
 * @c: the invocation
 * @argc: arguments of the command
 * @argv: the arguments
 *
 * Return: 0 when every check passed, 1 with warnings and no failure, 2
 * with a failure (or a usage error).
 */
int cmd_check(struct cli *c, int argc, char **argv)
{
	static char sysfs[PATH_MAX], dev[PATH_MAX], cpu[PATH_MAX];
	struct checker k = { .c = c };
	enum hc_level worst = HC_PASS;
	const char *root = getenv("COHORT_CHECK_ROOT");
	size_t i;
	int ret;

	ret = cli_info_options(c, argc, argv);
	if (ret)
		return ret < 0 ? EXIT_OK : ret;
	ret = cli_no_args(c, argc, argv);
	if (ret)
		return ret;
	if (root && *root) {
		k.root = root;
		k.sysfs = at(&k, "/sys/kernel/cohort", sysfs, sizeof(sysfs));
		k.dev = at(&k, "/dev/cohort", dev, sizeof(dev));
		k.cpu_sysfs = at(&k, "/sys/devices/system/cpu", cpu, sizeof(cpu));
	} else {
		k.root = "";
		k.sysfs = c->sysfs;
		k.dev = c->dev;
		k.cpu_sysfs = c->cpu_sysfs;
	}
	k.have_cmdline = read_at(&k, "/proc/cmdline", k.cmdline,
				 sizeof(k.cmdline)) >= 0;
	read_cpuinfo(&k);

	check_kernel(&k);
	check_pool(&k);
	check_config(&k);
	check_cpu(&k);
	check_cpus(&k);
	check_tsc(&k);
	check_x2apic(&k);
	check_init_sipi(&k);
	check_smt(&k);
	check_numa(&k);
	check_memory(&k);
	check_iommu(&k);
	check_irq_remap(&k);
	check_lockdown(&k);
	check_secure_boot(&k);

	for (i = 0; i < k.n; i++)
		if (k.v[i].level > worst)
			worst = k.v[i].level;
	if (c->json)
		print_json(&k, worst);
	else
		print_text(&k);
	hc_cpuinfo_free(&k.cpu);
	free(k.v);
	return worst == HC_FAIL ? 2 : worst == HC_WARN ? 1 : 0;
}
