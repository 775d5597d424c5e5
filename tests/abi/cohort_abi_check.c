// SPDX-License-Identifier: GPL-2.0
/*
 * cohort-abi-check: ask /dev/cohort for bad things with raw ioctls,
 * bypassing every check of cohort(8), and verify that the kernel refuses
 * each with the errno docs/abi.md gives, a non-empty NUL-terminated msg,
 * and that nothing changed: the names, states and fields of every
 * instance in /sys/kernel/cohort/instances/ (its network link included),
 * every region and its grants, pool/free, the primary's network
 * interfaces and its online CPUs are compared before and after each
 * request.
 *
 * Run on a primary with a pool of at least 256 MiB and CPUs 0-2 present
 * (tests/vm/instance-refusals.sh).  It creates instances named abi-*,
 * gives one a network link (its interface coh-abi-a; a bridge of that name
 * for a moment too), loads and starts it (to check the refusals that need
 * a running instance), and stops and deletes them all again.
 *
 *   cohort-abi-check [-k BZIMAGE] [-i INITRD] [-d DEV] [-t TMPDIR]
 *
 * One line per check: "ok   WHAT: ERRNO (msg)" or "FAIL WHAT: ...".
 * Exit status: 0 when every check passed, 1 when one failed, 2 for a
 * setup problem (usage, no Cohort, too few CPUs), 77 when Cohort has no
 * pool here.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <stdarg.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <linux/sockios.h>
#include <uapi/linux/cohort.h>

#define SYSFS		"/sys/kernel/cohort"
#define NET_CLASS	"/sys/class/net"
#define CPU_ONLINE	"/sys/devices/system/cpu/online"
#define CPU_PRESENT	"/sys/devices/system/cpu/present"
#define SNAP_MAX	(64 * 1024)
#define MIB		(1ULL << 20)

static const char *dev_path = "/dev/cohort";
static const char *kernel_path = "/boot/bzImage";
static const char *initrd_path = "/boot/instance-initrd.cpio.gz";
static const char *tmpdir = "/tmp";
static int dev = -1;
static unsigned int nchecks, nfailed;
static uint64_t pool_base, pool_size;
static bool present[COHORT_MAX_CPUS];

/* ---- small helpers ---- */

static void die(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("cohort-abi-check: ", stdout);
	vprintf(fmt, ap);
	putchar('\n');
	va_end(ap);
	exit(status);
}

static const char *errname(int e)
{
	static char buf[32];
	const char *n = e ? strerrorname_np(e) : "success";

	if (n)
		return n;
	snprintf(buf, sizeof(buf), "errno %d", e);
	return buf;
}

/* Reads a sysfs file into @buf without the final newline; -1 if absent. */
static int read_str(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	buf[0] = '\0';
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return 0;
}

static uint64_t read_u64(const char *path)
{
	char buf[64];

	if (read_str(path, buf, sizeof(buf)))
		die(2, "cannot read %s: %s", path, strerror(errno));
	return strtoull(buf, NULL, 0);
}

static int inst_read(const char *name, const char *attr, char *buf, size_t len)
{
	char path[256];

	snprintf(path, sizeof(path), SYSFS "/instances/%s/%s", name, attr);
	return read_str(path, buf, len);
}

static uint64_t inst_u64(const char *name, const char *attr)
{
	char path[256];

	snprintf(path, sizeof(path), SYSFS "/instances/%s/%s", name, attr);
	return read_u64(path);
}

/* "0-2,5" into present[]. */
static void parse_present(void)
{
	char buf[4096], *p;
	unsigned long a, b;

	if (read_str(CPU_PRESENT, buf, sizeof(buf)))
		die(2, "cannot read " CPU_PRESENT);
	p = buf;
	while (*p) {
		a = strtoul(p, &p, 10);
		b = a;
		if (*p == '-')
			b = strtoul(p + 1, &p, 10);
		for (; a <= b && a < COHORT_MAX_CPUS; a++)
			present[a] = true;
		if (*p == ',')
			p++;
		else if (*p)
			die(2, "cannot parse " CPU_PRESENT ": '%s'", buf);
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The entries of directory @path, sorted, into @names; returns how many. */
static unsigned int list_dir(const char *path, char **names, unsigned int max)
{
	unsigned int n = 0;
	struct dirent *de;
	DIR *d;

	d = opendir(path);
	if (!d)
		die(2, "cannot open %s: %s", path, strerror(errno));
	while ((de = readdir(d)) && n < max) {
		if (de->d_name[0] == '.')
			continue;
		names[n++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_str);
	return n;
}

/*
 * Everything a refused request must leave alone: online CPUs, free pool
 * memory, each instance's name and fields (not console_head, which a
 * running instance advances by itself), each region's name, range and
 * grants, and the primary's network interfaces.
 */
static void snapshot(char *buf, size_t len)
{
	static const char *const attrs[] = {
		"id", "state", "cpus", "apic_ids", "mem_base", "mem_size",
		"cmdline", "kernel_size", "initrd_size", "starts", "net", "cid",
	};
	char *names[COHORT_MAX_KERNELS + 64], val[COHORT_CMDLINE_MAX + 64];
	char tmp[4096];
	unsigned int n, i, j;
	size_t o = 0;

	read_str(CPU_ONLINE, tmp, sizeof(tmp));
	o += snprintf(buf + o, len - o, "online=%s\n", tmp);
	read_str(SYSFS "/pool/free", tmp, sizeof(tmp));
	o += snprintf(buf + o, len - o, "pool/free=%s\n", tmp);
	n = list_dir(SYSFS "/instances", names,
		     sizeof(names) / sizeof(names[0]));
	for (i = 0; i < n; i++) {
		for (j = 0; j < sizeof(attrs) / sizeof(attrs[0]); j++) {
			if (inst_read(names[i], attrs[j], val, sizeof(val)))
				snprintf(val, sizeof(val), "(unreadable)");
			if (o < len)
				o += snprintf(buf + o, len - o, "%s/%s=%s\n",
					      names[i], attrs[j], val);
		}
		free(names[i]);
	}
	n = list_dir(SYSFS "/regions", names, sizeof(names) / sizeof(names[0]));
	for (i = 0; i < n; i++) {
		char path[512], b[64], z[64], g[512];

		snprintf(path, sizeof(path), SYSFS "/regions/%s/base", names[i]);
		read_str(path, b, sizeof(b));
		snprintf(path, sizeof(path), SYSFS "/regions/%s/size", names[i]);
		read_str(path, z, sizeof(z));
		snprintf(path, sizeof(path), SYSFS "/regions/%s/grants", names[i]);
		read_str(path, g, sizeof(g));
		if (o < len)
			o += snprintf(buf + o, len - o, "region %s=%s+%s grants=%s\n",
				      names[i], b, z, g);
		free(names[i]);
	}
	n = list_dir(NET_CLASS, names, sizeof(names) / sizeof(names[0]));
	for (i = 0; i < n; i++) {
		if (o < len)
			o += snprintf(buf + o, len - o, "interface %s\n",
				      names[i]);
		free(names[i]);
	}
	if (o >= len)
		buf[len - 1] = '\0';
}

/* Prints the lines of @b that differ from @a (both snapshots). */
static void show_diff(const char *a, const char *b)
{
	char *x = strdup(a), *y = strdup(b), *s, *l;

	printf("     changed by the request (before -> after):\n");
	for (l = strtok_r(x, "\n", &s); l; l = strtok_r(NULL, "\n", &s))
		if (!strstr(b, l))
			printf("       - %s\n", l);
	for (l = strtok_r(y, "\n", &s); l; l = strtok_r(NULL, "\n", &s))
		if (!strstr(a, l))
			printf("       + %s\n", l);
	free(x);
	free(y);
}

/*
 * One request.  @want is the errno expected, or 0 for success.  A refusal
 * must come with a message in @msg (NULL for requests that have none) and
 * change nothing.  Returns the errno seen (0 for success).
 */
static int check(const char *what, unsigned long cmd, void *arg, char *msg,
		 int want, const char *msg_has)
{
	static char before[SNAP_MAX], after[SNAP_MAX];
	char shown[COHORT_MSG_MAX + 8] = "";
	bool ok = true, msg_ok = true;
	const char *why = "";
	int ret, e;

	nchecks++;
	snapshot(before, sizeof(before));
	if (msg)
		memset(msg, 'Z', COHORT_MSG_MAX);	/* the kernel must clear it */
	ret = ioctl(dev, cmd, arg);
	e = ret < 0 ? errno : 0;
	snapshot(after, sizeof(after));

	if (msg) {
		if (!memchr(msg, '\0', COHORT_MSG_MAX)) {
			msg_ok = false;
			snprintf(shown, sizeof(shown), "(msg not NUL-terminated)");
		} else {
			snprintf(shown, sizeof(shown), "%s", msg);
		}
	}
	if (e != want) {
		ok = false;
		why = "wrong result";
	} else if (want && msg && (!msg_ok || !msg[0])) {
		ok = false;
		why = "no message";
	} else if (want && msg && msg_has && !strstr(msg, msg_has)) {
		ok = false;
		why = "message lacks the expected detail";
	} else if (!want && msg && (!msg_ok || msg[0])) {
		ok = false;
		why = "a message on success";
	} else if (want && strcmp(before, after)) {
		ok = false;
		why = "the refused request changed something";
	}
	if (ok) {
		printf("ok   %s: %s%s%s%s\n", what, errname(e),
		       shown[0] ? " \"" : "", shown, shown[0] ? "\"" : "");
	} else {
		nfailed++;
		printf("FAIL %s: %s: expected %s, got %s%s%s%s", what, why,
		       errname(want), errname(e), shown[0] ? " \"" : "",
		       shown, shown[0] ? "\"" : "");
		if (msg_has && want)
			printf(" (expected the message to mention '%s')",
			       msg_has);
		putchar('\n');
		if (strcmp(before, after) && want)
			show_diff(before, after);
	}
	/* A create that should have been refused: undo it for the next checks. */
	if (cmd == COHORT_IOC_CREATE && want && !e && arg) {
		struct cohort_ioc_instance d;

		memset(&d, 0, sizeof(d));
		memcpy(d.name, ((struct cohort_ioc_create *)arg)->name,
		       COHORT_NAME_MAX - 1);
		if (ioctl(dev, COHORT_IOC_DELETE, &d) == 0)
			printf("     (deleted the instance it created)\n");
		else
			printf("     (cannot delete the instance it created: %s: %s)\n",
			       errname(errno), d.msg);
	}
	fflush(stdout);
	return e;
}

static void verdict(bool ok, const char *fmt, ...)
{
	va_list ap;

	nchecks++;
	if (!ok)
		nfailed++;
	fputs(ok ? "ok   " : "FAIL ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/* ---- request builders ---- */

static void set_cpu(struct cohort_ioc_create *r, unsigned int cpu)
{
	r->cpus[cpu / 64] |= 1ULL << (cpu % 64);
}

static struct cohort_ioc_create mk_create(const char *name, unsigned int cpu,
					  uint64_t size, uint64_t base)
{
	struct cohort_ioc_create r;

	memset(&r, 0, sizeof(r));
	snprintf(r.name, sizeof(r.name), "%s", name);
	if (cpu < COHORT_MAX_CPUS)
		set_cpu(&r, cpu);
	r.mem_size = size;
	r.mem_base = base;
	return r;
}

static struct cohort_ioc_load mk_load(const char *name, int kfd, int ifd)
{
	struct cohort_ioc_load r;

	memset(&r, 0, sizeof(r));
	snprintf(r.name, sizeof(r.name), "%s", name);
	r.kernel_fd = kfd;
	r.initrd_fd = ifd;
	return r;
}

static struct cohort_ioc_instance mk_inst(const char *name)
{
	struct cohort_ioc_instance r;

	memset(&r, 0, sizeof(r));
	snprintf(r.name, sizeof(r.name), "%s", name);
	return r;
}

static bool region_exists(const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), SYSFS "/regions/%s", name);
	return access(path, F_OK) == 0;
}

static struct cohort_ioc_region mk_region(const char *name, uint64_t size)
{
	struct cohort_ioc_region r;

	memset(&r, 0, sizeof(r));
	snprintf(r.name, sizeof(r.name), "%s", name);
	r.size = size;
	return r;
}

/* Regions of the pool: every malformed request refused, limits held. */
static void region_checks(void)
{
	struct cohort_ioc_region r;
	struct cohort_ioc_create cr;
	char path[256], buf[64], name[32];
	uint64_t base, free_before;
	int i, made = 0;

	printf("# regions\n");
	free_before = read_u64(SYSFS "/pool/free");
	r = mk_region("abi-r", 64 * MIB);
	if (check("region create: abi-r 64 MiB (accepted)",
		  COHORT_IOC_REGION_CREATE, &r, r.msg, 0, NULL))
		return;
	base = r.base;
	verdict(read_u64(SYSFS "/pool/free") == free_before - 64 * MIB,
		"region create: pool/free went down by 64 MiB");
	verdict(base + 64 * MIB == pool_base + pool_size,
		"region create: placed at the top of the pool (%#llx)",
		(unsigned long long)base);
	read_str(SYSFS "/regions/abi-r/users", buf, sizeof(buf));
	verdict(!buf[0], "region create: no users yet ('%s')", buf);

	r = mk_region("abi-r", 64 * MIB);
	check("region create: name taken", COHORT_IOC_REGION_CREATE, &r, r.msg,
	      EEXIST, "abi-r");
	r = mk_region("abi-s", 0);
	check("region create: size 0", COHORT_IOC_REGION_CREATE, &r, r.msg,
	      EINVAL, NULL);
	r = mk_region("abi-s", 3 * MIB);
	check("region create: size 3 MiB", COHORT_IOC_REGION_CREATE, &r, r.msg,
	      EINVAL, "2 MiB");
	r = mk_region("abi-s", pool_size);
	check("region create: as big as the pool", COHORT_IOC_REGION_CREATE,
	      &r, r.msg, ENOSPC, NULL);
	r = mk_region("abi-s", (pool_size & ~(2 * MIB - 1)) - 64 * MIB);
	check("region create: more than is free", COHORT_IOC_REGION_CREATE,
	      &r, r.msg, ENOSPC, "free");
	r = mk_region("abi-s", ~0ULL << 21);
	check("region create: size 2^64 - 2 MiB", COHORT_IOC_REGION_CREATE,
	      &r, r.msg, ENOSPC, NULL);
	r = mk_region("abi-s", 2 * MIB);
	r.base = base;
	check("region create: base given", COHORT_IOC_REGION_CREATE, &r, r.msg,
	      EINVAL, NULL);
	r = mk_region("abi-s", 2 * MIB);
	r.flags = 2;
	check("region create: flags 0x2", COHORT_IOC_REGION_CREATE, &r, r.msg,
	      EINVAL, NULL);
	r = mk_region("abi-s", 2 * MIB);
	r.flags = COHORT_REGION_DRY_RUN;
	check("region create: dry run (accepted)", COHORT_IOC_REGION_CREATE,
	      &r, r.msg, 0, NULL);
	verdict(r.base != 0 && !region_exists("abi-s"),
		"region create: a dry run says where (%#llx) and makes nothing",
		(unsigned long long)r.base);
	{
		struct cohort_ioc_grant g;

		memset(&g, 0, sizeof(g));
		snprintf(g.region, sizeof(g.region), "abi-s");
		snprintf(g.instance, sizeof(g.instance), "abi-a");
		g.flags = 0x4;
		check("region grant: flags 0x4", COHORT_IOC_REGION_GRANT, &g,
		      g.msg, EINVAL, "flags");
		g.flags = COHORT_GRANT_REVOKE | COHORT_GRANT_READONLY;
		check("region grant: revoke and read-only at once",
		      COHORT_IOC_REGION_GRANT, &g, g.msg, EINVAL, "flags");
	}
	r = mk_region("abi-s", 2 * MIB);
	r.reserved0 = 1;
	check("region create: reserved0 non-zero", COHORT_IOC_REGION_CREATE,
	      &r, r.msg, EINVAL, NULL);
	r = mk_region("abi-s", 2 * MIB);
	r.reserved[3] = 1;
	check("region create: reserved[3] non-zero", COHORT_IOC_REGION_CREATE,
	      &r, r.msg, EINVAL, NULL);
	r = mk_region("a/b", 2 * MIB);
	check("region create: name 'a/b'", COHORT_IOC_REGION_CREATE, &r, r.msg,
	      EINVAL, NULL);
	r = mk_region("", 2 * MIB);
	check("region create: empty name", COHORT_IOC_REGION_CREATE, &r, r.msg,
	      EINVAL, NULL);
	r = mk_region("x", 2 * MIB);
	memset(r.name, 'n', sizeof(r.name));
	check("region create: 32-character name without NUL",
	      COHORT_IOC_REGION_CREATE, &r, r.msg, EINVAL, NULL);
	check("region create: NULL argument", COHORT_IOC_REGION_CREATE, NULL,
	      NULL, EFAULT, NULL);
	cr = mk_create("abi-x", 2, 64 * MIB, base);
	check("create: memory inside region abi-r", COHORT_IOC_CREATE, &cr,
	      cr.msg, EBUSY, "region 'abi-r'");

	r = mk_region("abi-nope", 0);
	check("region delete: unknown name", COHORT_IOC_REGION_DELETE, &r,
	      r.msg, ENOENT, NULL);
	r = mk_region("abi-r", 64 * MIB);
	check("region delete: size given", COHORT_IOC_REGION_DELETE, &r, r.msg,
	      EINVAL, NULL);
	r = mk_region("abi-r", 0);
	r.flags = 4;
	check("region delete: flags 0x4", COHORT_IOC_REGION_DELETE, &r, r.msg,
	      EINVAL, NULL);
	r = mk_region("abi-r", 0);
	check("region delete: abi-r (accepted)", COHORT_IOC_REGION_DELETE, &r,
	      r.msg, 0, NULL);
	verdict(read_u64(SYSFS "/pool/free") == free_before,
		"region delete: the 64 MiB are back in the pool");
	verdict(read_str(SYSFS "/regions/abi-r/base", buf, sizeof(buf)) < 0,
		"region delete: " SYSFS "/regions/abi-r is gone");

	/* The table's limit: COHORT_MAX_REGIONS entries. */
	for (i = 0; i < COHORT_MAX_REGIONS; i++) {
		r = mk_region("", 2 * MIB);
		snprintf(r.name, sizeof(r.name), "abi-m%d", i);
		if (ioctl(dev, COHORT_IOC_REGION_CREATE, &r))
			break;
		made++;
	}
	verdict(made == COHORT_MAX_REGIONS, "region create: %d regions of 2 MiB",
		made);
	r = mk_region("abi-one-more", 2 * MIB);
	check("region create: one more than the table holds",
	      COHORT_IOC_REGION_CREATE, &r, r.msg, ENOSPC, "too many");
	for (i = 0; i < made; i++) {
		r = mk_region("", 0);
		snprintf(name, sizeof(name), "abi-m%d", i);
		snprintf(r.name, sizeof(r.name), "%s", name);
		if (ioctl(dev, COHORT_IOC_REGION_DELETE, &r))
			verdict(false, "region delete %s: %s", name, r.msg);
	}
	snprintf(path, sizeof(path), SYSFS "/pool/free");
	verdict(read_u64(path) == free_before,
		"region delete: all %d regions given back", made);
}

/* A file of @size bytes (sparse) opened read-only, write access closed. */
static int tmp_file(const char *tag, off_t size)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/cohort-abi-%s", tmpdir, tag);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || ftruncate(fd, size) < 0)
		die(2, "cannot make %s: %s", path, strerror(errno));
	close(fd);
	/* The kernel refuses files open for writing (ETXTBSY): reopen. */
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die(2, "cannot open %s: %s", path, strerror(errno));
	return fd;
}

/* The first @len bytes of @src in a new read-only temporary file. */
static int tmp_prefix(const char *tag, const char *src, size_t len)
{
	char path[512], *buf = malloc(len);
	int in, out;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/cohort-abi-%s", tmpdir, tag);
	in = open(src, O_RDONLY | O_CLOEXEC);
	out = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (!buf || in < 0 || out < 0)
		die(2, "cannot copy %s to %s: %s", src, path, strerror(errno));
	n = read(in, buf, len);
	if (n != (ssize_t)len || write(out, buf, len) != (ssize_t)len)
		die(2, "cannot copy %zu bytes of %s to %s", len, src, path);
	close(in);
	close(out);
	free(buf);
	out = open(path, O_RDONLY | O_CLOEXEC);
	if (out < 0)
		die(2, "cannot open %s: %s", path, strerror(errno));
	return out;
}

static int open_ro(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		die(2, "cannot open %s: %s", path, strerror(errno));
	return fd;
}

static bool wait_state(const char *name, const char *state, int seconds)
{
	struct timespec ts = { 0, 100 * 1000 * 1000 };
	char buf[64];
	int i;

	for (i = 0; i < seconds * 10; i++) {
		if (!inst_read(name, "state", buf, sizeof(buf)) &&
		    !strcmp(buf, state))
			return true;
		nanosleep(&ts, NULL);
	}
	return false;
}

static bool cpu_online(unsigned int cpu)
{
	char path[128], buf[16];

	if (cpu == 0)
		return true;
	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%u/online",
		 cpu);
	return !read_str(path, buf, sizeof(buf)) && !strcmp(buf, "1");
}

/* ---- the checks ---- */

#define A "abi-a"		/* the instance most checks aim at: CPU 1 */

static void create_checks(uint64_t a_base)
{
	struct cohort_ioc_create r;
	unsigned int absent = 0, i;
	char c[64], name[COHORT_NAME_MAX + 1];
	uint64_t free = read_u64(SYSFS "/pool/free");

	printf("# COHORT_IOC_CREATE (instance '%s' holds CPU 1, 64 MiB at %#llx)\n",
	       A, (unsigned long long)a_base);

	/* Names. */
	r = mk_create("", 2, 64 * MIB, 0);
	check("create: empty name", COHORT_IOC_CREATE, &r, r.msg, EINVAL, NULL);
	r = mk_create("x", 2, 64 * MIB, 0);
	memset(r.name, 'n', sizeof(r.name));	/* 32 bytes, no NUL */
	check("create: 32-character name without NUL", COHORT_IOC_CREATE, &r,
	      r.msg, EINVAL, NULL);
	r = mk_create("a/b", 2, 64 * MIB, 0);
	check("create: name 'a/b'", COHORT_IOC_CREATE, &r, r.msg, EINVAL, NULL);
	r = mk_create("a b", 2, 64 * MIB, 0);
	check("create: name 'a b'", COHORT_IOC_CREATE, &r, r.msg, EINVAL, NULL);
	r = mk_create("a\n", 2, 64 * MIB, 0);
	check("create: name 'a\\n'", COHORT_IOC_CREATE, &r, r.msg, EINVAL, NULL);
	r = mk_create("a*", 2, 64 * MIB, 0);
	check("create: name 'a*'", COHORT_IOC_CREATE, &r, r.msg, EINVAL, NULL);
	/* Latin-1 'e acute': not in [A-Za-z0-9_.-] */
	r = mk_create("caf\xe9", 2, 64 * MIB, 0);
	check("create: name 'caf\\xe9' (non-ASCII byte)", COHORT_IOC_CREATE, &r,
	      r.msg, EINVAL, NULL);
	r = mk_create("-a", 2, 64 * MIB, 0);
	check("create: name '-a'", COHORT_IOC_CREATE, &r, r.msg, EINVAL, NULL);
	r = mk_create(".a", 2, 64 * MIB, 0);
	check("create: name '.a'", COHORT_IOC_CREATE, &r, r.msg, EINVAL, NULL);

	/* flags and reserved words. */
	r = mk_create("abi-x", 2, 64 * MIB, 0);
	r.flags = 4;
	check("create: flags 0x4", COHORT_IOC_CREATE, &r, r.msg, EINVAL, NULL);
	r.flags = 0x80000000u;
	check("create: flags 0x80000000", COHORT_IOC_CREATE, &r, r.msg, EINVAL,
	      NULL);
	r = mk_create("abi-x", 2, 64 * MIB, 0);
	r.node = 1;
	check("create: node 1 without COHORT_CREATE_NODE", COHORT_IOC_CREATE,
	      &r, r.msg, EINVAL, NULL);
	r.flags = COHORT_CREATE_NODE;
	r.node = 0xffffffffu;
	check("create: node 0xffffffff", COHORT_IOC_CREATE, &r, r.msg, EINVAL,
	      "no NUMA node");
	r.node = 4095;
	check("create: node 4095 (not online)", COHORT_IOC_CREATE, &r, r.msg,
	      EINVAL, "no NUMA node");
	r = mk_create("abi-x", 2, 64 * MIB, 0);
	r.max_cpus = 1;
	check("create: max_cpus 1 without COHORT_CREATE_MAX_CPUS",
	      COHORT_IOC_CREATE, &r, r.msg, EINVAL, NULL);
	r.flags = COHORT_CREATE_MAX_CPUS;
	r.max_cpus = 0;
	check("create: max_cpus 0", COHORT_IOC_CREATE, &r, r.msg, EINVAL,
	      "max_cpus 0");
	r.max_cpus = COHORT_SETUP_MAX_CPUS + 1;
	check("create: max_cpus above COHORT_SETUP_MAX_CPUS", COHORT_IOC_CREATE,
	      &r, r.msg, EINVAL, "max_cpus");
	for (i = 0; i < 3; i++) {
		r = mk_create("abi-x", 2, 64 * MIB, 0);
		r.reserved[i] = 1ULL << (i * 16);
		snprintf(c, sizeof(c), "create: reserved[%u] non-zero", i);
		check(c, COHORT_IOC_CREATE, &r, r.msg, EINVAL, NULL);
	}

	/* CPUs. */
	while (absent < COHORT_MAX_CPUS && present[absent])
		absent++;
	if (absent < COHORT_MAX_CPUS) {
		r = mk_create("abi-x", absent, 64 * MIB, 0);
		snprintf(c, sizeof(c), "create: CPU %u (not present)", absent);
		check(c, COHORT_IOC_CREATE, &r, r.msg, ENODEV, NULL);
	}
	if (!present[COHORT_MAX_CPUS - 1]) {
		r = mk_create("abi-x", COHORT_MAX_CPUS - 1, 64 * MIB, 0);
		check("create: CPU 1023 (not present)", COHORT_IOC_CREATE, &r,
		      r.msg, ENODEV, NULL);
	}
	r = mk_create("abi-x", 0, 64 * MIB, 0);
	check("create: CPU 0", COHORT_IOC_CREATE, &r, r.msg, EBUSY, NULL);
	r = mk_create("abi-x", 1, 64 * MIB, 0);
	check("create: CPU 1, given to " A, COHORT_IOC_CREATE, &r, r.msg, EBUSY,
	      "'" A "'");
	r = mk_create("abi-x", 2, 64 * MIB, 0);
	set_cpu(&r, 1);
	check("create: CPUs 1-2, CPU 1 given to " A, COHORT_IOC_CREATE, &r,
	      r.msg, EBUSY, "'" A "'");
	r = mk_create("abi-x", COHORT_MAX_CPUS, 64 * MIB, 0);
	check("create: no CPUs", COHORT_IOC_CREATE, &r, r.msg, EINVAL, NULL);

	/* Memory size. */
	r = mk_create("abi-x", 2, 0, 0);
	check("create: memory 0", COHORT_IOC_CREATE, &r, r.msg, EINVAL, NULL);
	r = mk_create("abi-x", 2, 64 * MIB + 4096, 0);
	check("create: memory 64 MiB + 4 KiB (unaligned)", COHORT_IOC_CREATE,
	      &r, r.msg, EINVAL, NULL);
	r = mk_create("abi-x", 2, 65 * MIB, 0);
	check("create: memory 65 MiB (unaligned)", COHORT_IOC_CREATE, &r, r.msg,
	      EINVAL, NULL);
	r = mk_create("abi-x", 2, 16 * MIB, 0);
	check("create: memory 16 MiB (below 32 MiB)", COHORT_IOC_CREATE, &r,
	      r.msg, EINVAL, NULL);
	r = mk_create("abi-x", 2, 30 * MIB, 0);
	check("create: memory 30 MiB (below 32 MiB)", COHORT_IOC_CREATE, &r,
	      r.msg, EINVAL, NULL);
	r = mk_create("abi-x", 2, pool_size + 2 * MIB, 0);
	check("create: memory = pool size + 2 MiB", COHORT_IOC_CREATE, &r,
	      r.msg, ENOSPC, NULL);
	r = mk_create("abi-x", 2, 1ULL << 62, 0);
	check("create: memory 2^62", COHORT_IOC_CREATE, &r, r.msg, ENOSPC, NULL);
	r = mk_create("abi-x", 2, ~(2 * MIB - 1), 0);
	check("create: memory 2^64 - 2 MiB", COHORT_IOC_CREATE, &r, r.msg,
	      ENOSPC, NULL);
	if (free + 2 * MIB <= pool_size) {
		r = mk_create("abi-x", 2, free + 2 * MIB, 0);
		check("create: memory = free pool + 2 MiB (no free range)",
		      COHORT_IOC_CREATE, &r, r.msg, ENOSPC, NULL);
	}

	/* Base. */
	r = mk_create("abi-x", 2, 64 * MIB, pool_base + pool_size);
	check("create: base at the end of the pool", COHORT_IOC_CREATE, &r,
	      r.msg, ENOSPC, NULL);
	r = mk_create("abi-x", 2, 64 * MIB, pool_base + pool_size - 32 * MIB);
	check("create: base 32 MiB before the end of the pool, 64 MiB",
	      COHORT_IOC_CREATE, &r, r.msg, ENOSPC, NULL);
	if (pool_base >= 66 * MIB) {
		r = mk_create("abi-x", 2, 64 * MIB, pool_base - 64 * MIB);
		check("create: base 64 MiB below the pool", COHORT_IOC_CREATE,
		      &r, r.msg, ENOSPC, NULL);
		r = mk_create("abi-x", 2, 64 * MIB, pool_base - 32 * MIB);
		check("create: base 32 MiB below the pool, 64 MiB",
		      COHORT_IOC_CREATE, &r, r.msg, ENOSPC, NULL);
	}
	r = mk_create("abi-x", 2, 64 * MIB, 2 * MIB);
	check("create: base 0x200000", COHORT_IOC_CREATE, &r, r.msg, ENOSPC,
	      NULL);
	r = mk_create("abi-x", 2, 64 * MIB, ~(2 * MIB - 1));
	check("create: base 2^64 - 2 MiB", COHORT_IOC_CREATE, &r, r.msg, ENOSPC,
	      NULL);
	r = mk_create("abi-x", 2, 64 * MIB, pool_base + 4096);
	check("create: base pool + 4 KiB (unaligned)", COHORT_IOC_CREATE, &r,
	      r.msg, EINVAL, NULL);
	r = mk_create("abi-x", 2, 64 * MIB, pool_base + MIB);
	check("create: base pool + 1 MiB (unaligned)", COHORT_IOC_CREATE, &r,
	      r.msg, EINVAL, NULL);
	r = mk_create("abi-x", 2, 64 * MIB, a_base);
	check("create: base = " A "'s base", COHORT_IOC_CREATE, &r, r.msg,
	      EBUSY, "'" A "'");
	r = mk_create("abi-x", 2, 64 * MIB, a_base + 62 * MIB);
	check("create: base = " A "'s base + 62 MiB (last 2 MiB overlap)",
	      COHORT_IOC_CREATE, &r, r.msg, EBUSY, "'" A "'");
	if (a_base >= pool_base + 62 * MIB) {
		r = mk_create("abi-x", 2, 64 * MIB, a_base - 62 * MIB);
		check("create: base = " A "'s base - 62 MiB (first 2 MiB overlap)",
		      COHORT_IOC_CREATE, &r, r.msg, EBUSY, "'" A "'");
	}

	/* The name is used. */
	r = mk_create(A, 2, 64 * MIB, 0);
	check("create: duplicate name '" A "'", COHORT_IOC_CREATE, &r, r.msg,
	      EEXIST, NULL);

	/* Bad pointer. */
	check("create: NULL argument", COHORT_IOC_CREATE, NULL, NULL, EFAULT,
	      NULL);

	/* The longest name is fine (31 characters). */
	memset(name, 'L', COHORT_NAME_MAX - 1);
	name[COHORT_NAME_MAX - 1] = '\0';
	r = mk_create(name, 2, 32 * MIB, 0);
	if (!check("create: 31-character name, 32 MiB (accepted)",
		   COHORT_IOC_CREATE, &r, r.msg, 0, NULL)) {
		struct cohort_ioc_instance d = mk_inst(name);

		verdict(r.id >= 1 && r.id < COHORT_MAX_KERNELS &&
			inst_u64(name, "id") == r.id,
			"create: returned id %u matches sysfs", r.id);
		check("delete: the 31-character name (accepted)",
		      COHORT_IOC_DELETE, &d, d.msg, 0, NULL);
	}
}

static void load_checks(void)
{
	struct cohort_ioc_load r;
	char big[COHORT_CMDLINE_MAX + 16];
	int kfd = open_ro(kernel_path), ifd = open_ro(initrd_path);
	int fd, closed;
	off_t a_size = (off_t)inst_u64(A, "mem_size");

	printf("# COHORT_IOC_LOAD into '%s' (empty)\n", A);
	r = mk_load("abi-nope", kfd, ifd);
	check("load: unknown name", COHORT_IOC_LOAD, &r, r.msg, ENOENT, NULL);
	r = mk_load("", kfd, ifd);
	check("load: empty name", COHORT_IOC_LOAD, &r, r.msg, EINVAL, NULL);
	r = mk_load("-a", kfd, ifd);
	check("load: name '-a'", COHORT_IOC_LOAD, &r, r.msg, EINVAL, NULL);
	r = mk_load(A, kfd, ifd);
	memset(r.name, 'n', sizeof(r.name));
	check("load: 32-character name without NUL", COHORT_IOC_LOAD, &r, r.msg,
	      EINVAL, NULL);
	r = mk_load(A, kfd, ifd);
	r.flags = 1;
	check("load: flags 0x1", COHORT_IOC_LOAD, &r, r.msg, EINVAL, NULL);
	r = mk_load(A, kfd, ifd);
	r.reserved[3] = 1;
	check("load: reserved[3] non-zero", COHORT_IOC_LOAD, &r, r.msg, EINVAL,
	      NULL);

	/* File descriptors. */
	r = mk_load(A, -1, ifd);
	check("load: kernel fd -1", COHORT_IOC_LOAD, &r, r.msg, EBADF, NULL);
	closed = dup(kfd);
	close(closed);
	r = mk_load(A, closed, ifd);
	check("load: kernel fd not open", COHORT_IOC_LOAD, &r, r.msg, EBADF,
	      NULL);
	fd = open(tmpdir, O_PATH | O_CLOEXEC);
	r = mk_load(A, fd, ifd);
	check("load: kernel fd opened O_PATH", COHORT_IOC_LOAD, &r, r.msg, EBADF,
	      NULL);
	close(fd);
	{
		char path[512];

		snprintf(path, sizeof(path), "%s/cohort-abi-wronly", tmpdir);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd < 0)
			die(2, "cannot make %s", path);
		r = mk_load(A, fd, ifd);
		check("load: kernel fd opened write-only", COHORT_IOC_LOAD, &r,
		      r.msg, EBADF, NULL);
		close(fd);
	}
	r = mk_load(A, kfd, closed);
	check("load: initramfs fd not open", COHORT_IOC_LOAD, &r, r.msg, EBADF,
	      NULL);
	r = mk_load(A, kfd, -2);
	check("load: initramfs fd -2 (only -1 means none)", COHORT_IOC_LOAD, &r,
	      r.msg, EBADF, NULL);

	/* Files that are not a kernel this can start. */
	fd = open_ro("/bin/busybox");
	r = mk_load(A, fd, ifd);
	check("load: /bin/busybox as the kernel", COHORT_IOC_LOAD, &r, r.msg,
	      ENOEXEC, NULL);
	close(fd);
	r = mk_load(A, ifd, -1);
	check("load: the initramfs as the kernel", COHORT_IOC_LOAD, &r, r.msg,
	      ENOEXEC, NULL);
	fd = tmp_file("empty", 0);
	r = mk_load(A, fd, ifd);
	check("load: empty kernel file", COHORT_IOC_LOAD, &r, r.msg, ENOEXEC,
	      NULL);
	r = mk_load(A, kfd, fd);
	check("load: empty initramfs file", COHORT_IOC_LOAD, &r, r.msg, ENOEXEC,
	      NULL);
	close(fd);
	fd = tmp_file("zeros", 1 * MIB);
	r = mk_load(A, fd, ifd);
	check("load: 1 MiB of zeros as the kernel", COHORT_IOC_LOAD, &r, r.msg,
	      ENOEXEC, NULL);
	close(fd);
	fd = tmp_prefix("truncated", kernel_path, 256 * 1024);
	r = mk_load(A, fd, ifd);
	check("load: bzImage truncated to 256 KiB", COHORT_IOC_LOAD, &r, r.msg,
	      ENOEXEC, NULL);
	close(fd);

	/* Too big for the instance's memory. */
	fd = tmp_file("big", a_size + 1);
	r = mk_load(A, fd, ifd);
	check("load: kernel file 1 byte larger than the memory", COHORT_IOC_LOAD,
	      &r, r.msg, E2BIG, NULL);
	r = mk_load(A, kfd, fd);
	check("load: initramfs 1 byte larger than the memory", COHORT_IOC_LOAD,
	      &r, r.msg, E2BIG, NULL);
	close(fd);
	fd = tmp_file("big2", a_size - 8 * (off_t)MIB);
	r = mk_load(A, kfd, fd);
	check("load: initramfs of memory - 8 MiB (kernel does not fit)",
	      COHORT_IOC_LOAD, &r, r.msg, E2BIG, NULL);
	close(fd);

	/* Command lines. */
	r = mk_load(A, kfd, ifd);
	r.cmdline = (uintptr_t)"quiet";
	r.cmdline_len = 5;
	check("load: command line without its NUL", COHORT_IOC_LOAD, &r, r.msg,
	      EINVAL, NULL);
	r.cmdline = (uintptr_t)"ab\0cd";
	r.cmdline_len = 6;
	check("load: command line with a NUL inside", COHORT_IOC_LOAD, &r, r.msg,
	      EINVAL, NULL);
	memset(big, 'x', sizeof(big));
	big[COHORT_CMDLINE_MAX] = '\0';
	r.cmdline = (uintptr_t)big;
	r.cmdline_len = COHORT_CMDLINE_MAX + 1;
	check("load: command line of 2048 characters + NUL", COHORT_IOC_LOAD, &r,
	      r.msg, EINVAL, NULL);
	r.cmdline_len = 0xffffffffu;
	check("load: cmdline_len 0xffffffff", COHORT_IOC_LOAD, &r, r.msg, EINVAL,
	      NULL);
	r.cmdline = 0;
	r.cmdline_len = 6;
	check("load: command line pointer NULL", COHORT_IOC_LOAD, &r, r.msg,
	      EFAULT, NULL);
	check("load: NULL argument", COHORT_IOC_LOAD, NULL, NULL, EFAULT, NULL);

	/*
	 * The longest command line the ABI takes (2047 + NUL) leaves no room
	 * for the console= and cohort.name= every instance boots with: load
	 * refuses it (E2BIG) and nothing changes.
	 */
	big[COHORT_CMDLINE_MAX - 1] = '\0';
	r = mk_load(A, kfd, ifd);
	r.cmdline = (uintptr_t)big;
	r.cmdline_len = COHORT_CMDLINE_MAX;
	check("load: 2047-character command line + Cohort's parameters",
	      COHORT_IOC_LOAD, &r, r.msg, E2BIG, NULL);
	close(kfd);
	close(ifd);
}

static struct cohort_ioc_signal mk_signal(const char *name, uint32_t signo)
{
	struct cohort_ioc_signal r;

	memset(&r, 0, sizeof(r));
	snprintf(r.name, sizeof(r.name), "%s", name);
	r.signo = signo;
	return r;
}

/*
 * COHORT_IOC_SIGNAL: malformed requests refused; @running: A is running
 * (a good one is taken) or not (ESRCH).
 */
static void signal_checks(bool running)
{
	struct cohort_ioc_signal r;

	printf("# COHORT_IOC_SIGNAL on '%s' (%s)\n", A,
	       running ? "running" : "not running");
	r = mk_signal("abi-nope", 15);
	check("signal: unknown name", COHORT_IOC_SIGNAL, &r, r.msg, ENOENT,
	      NULL);
	r = mk_signal(A, 15);
	memset(r.name, 'n', sizeof(r.name));
	check("signal: 32-character name without NUL", COHORT_IOC_SIGNAL, &r,
	      r.msg, EINVAL, NULL);
	r = mk_signal(A, 0);
	check("signal: signal 0", COHORT_IOC_SIGNAL, &r, r.msg, EINVAL,
	      "signal");
	r = mk_signal(A, COHORT_SIGNAL_MAX + 1);
	check("signal: signal 65", COHORT_IOC_SIGNAL, &r, r.msg, EINVAL,
	      "signal");
	r = mk_signal(A, 0xffffffffu);
	check("signal: signal 2^32-1", COHORT_IOC_SIGNAL, &r, r.msg, EINVAL,
	      NULL);
	r = mk_signal(A, 15);
	r.flags = 1;
	check("signal: flags 0x1", COHORT_IOC_SIGNAL, &r, r.msg, EINVAL, NULL);
	r = mk_signal(A, 15);
	r.reserved[3] = 1;
	check("signal: reserved[3] non-zero", COHORT_IOC_SIGNAL, &r, r.msg,
	      EINVAL, NULL);
	check("signal: NULL argument", COHORT_IOC_SIGNAL, NULL, NULL, EFAULT,
	      NULL);
	/* SIGCONT: nothing the instance's init does anything with. */
	r = mk_signal(A, SIGCONT);
	check(running ? "signal: CONT to a running instance" :
	      "signal: an instance that is not running", COHORT_IOC_SIGNAL, &r,
	      r.msg, running ? 0 : ESRCH, running ? NULL : "not running");
}

static struct cohort_ioc_takeover mk_takeover(const char *name,
					      const char *from)
{
	struct cohort_ioc_takeover r;

	memset(&r, 0, sizeof(r));
	snprintf(r.name, sizeof(r.name), "%s", name);
	snprintf(r.from, sizeof(r.from), "%s", from);
	return r;
}

/* COHORT_IOC_TAKEOVER: malformed requests refused, no CID moved. */
static void takeover_checks(void)
{
	struct cohort_ioc_takeover r;

	printf("# COHORT_IOC_TAKEOVER on '%s'\n", A);
	r = mk_takeover("abi-nope", A);
	check("takeover: unknown name", COHORT_IOC_TAKEOVER, &r, r.msg, ENOENT,
	      NULL);
	r = mk_takeover(A, "abi-nope");
	check("takeover: unknown from", COHORT_IOC_TAKEOVER, &r, r.msg, ENOENT,
	      NULL);
	r = mk_takeover(A, A);
	memset(r.from, 'n', sizeof(r.from));
	check("takeover: 32-character from without NUL", COHORT_IOC_TAKEOVER,
	      &r, r.msg, EINVAL, NULL);
	r = mk_takeover(A, A);
	check("takeover: from itself", COHORT_IOC_TAKEOVER, &r, r.msg, EINVAL,
	      "itself");
	r = mk_takeover(A, A);
	r.flags = 1;
	check("takeover: flags 0x1", COHORT_IOC_TAKEOVER, &r, r.msg, EINVAL,
	      NULL);
	r = mk_takeover(A, A);
	r.cid = 3;
	check("takeover: a CID in the request", COHORT_IOC_TAKEOVER, &r, r.msg,
	      EINVAL, NULL);
	r = mk_takeover(A, A);
	r.reserved[3] = 1;
	check("takeover: reserved[3] non-zero", COHORT_IOC_TAKEOVER, &r, r.msg,
	      EINVAL, NULL);
	check("takeover: NULL argument", COHORT_IOC_TAKEOVER, NULL, NULL,
	      EFAULT, NULL);
}

static struct cohort_ioc_set_cpus mk_set(const char *name, unsigned int cpu)
{
	struct cohort_ioc_set_cpus r;

	memset(&r, 0, sizeof(r));
	snprintf(r.name, sizeof(r.name), "%s", name);
	if (cpu < COHORT_MAX_CPUS)
		r.cpus[cpu / 64] |= 1ULL << (cpu % 64);
	return r;
}

/* The instance's CPU list in sysfs is @want. */
static void cpus_are(const char *what, const char *name, const char *want)
{
	char path[256], buf[64] = "";
	FILE *f;

	snprintf(path, sizeof(path), SYSFS "/instances/%s/cpus", name);
	f = fopen(path, "r");
	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = 0;
		fclose(f);
	}
	buf[strcspn(buf, "\n")] = 0;
	verdict(!strcmp(buf, want), "%s: %s has CPUs '%s' (want '%s')", what,
		name, buf, want);
}

/*
 * COHORT_IOC_SET_CPUS on A (CPU 1): malformed or impossible sets refused;
 * a dry run accepted and changing nothing.  @running: A runs, so its
 * boot CPU must stay.
 */
static void set_cpus_checks(bool running)
{
	struct cohort_ioc_set_cpus r;

	printf("# COHORT_IOC_SET_CPUS on '%s' (%s)\n", A,
	       running ? "running" : "not running");
	r = mk_set("abi-nope", 1);
	check("set_cpus: unknown name", COHORT_IOC_SET_CPUS, &r, r.msg, ENOENT,
	      NULL);
	r = mk_set(A, 1);
	r.flags = 0x2;
	check("set_cpus: flags 0x2", COHORT_IOC_SET_CPUS, &r, r.msg, EINVAL,
	      NULL);
	r = mk_set(A, 1);
	r.reserved[3] = 1;
	check("set_cpus: reserved[3] non-zero", COHORT_IOC_SET_CPUS, &r, r.msg,
	      EINVAL, NULL);
	r = mk_set(A, COHORT_MAX_CPUS);
	check("set_cpus: no CPUs", COHORT_IOC_SET_CPUS, &r, r.msg, EINVAL,
	      "no CPUs");
	r = mk_set(A, 0);
	check("set_cpus: CPU 0", COHORT_IOC_SET_CPUS, &r, r.msg, EBUSY,
	      "CPU 0");
	r = mk_set(A, 1);
	r.cpus[COHORT_CPU_WORDS - 1] |= 1ULL << 63;
	check("set_cpus: CPU 1023 (not present)", COHORT_IOC_SET_CPUS, &r,
	      r.msg, ENODEV, "not present");
	check("set_cpus: NULL argument", COHORT_IOC_SET_CPUS, NULL, NULL,
	      EFAULT, NULL);
	if (running) {
		r = mk_set(A, 2);
		check("set_cpus: without its boot CPU, running",
		      COHORT_IOC_SET_CPUS, &r, r.msg, EBUSY, "boot CPU");
	}
	r = mk_set(A, 1);
	r.cpus[0] |= 1ULL << 2;
	r.flags = COHORT_SET_DRY_RUN;
	check("set_cpus: CPUs 1-2, dry run (accepted)", COHORT_IOC_SET_CPUS,
	      &r, r.msg, 0, NULL);
	cpus_are("set_cpus: after the dry run", A, "1");
}

/*
 * COHORT_IOC_POOL_RELEASE while instance A holds pool memory: malformed
 * requests refused, and a well-formed one (dry run or not) refused because
 * the pool is in use.  None changes anything.
 */
static void pool_release_checks(void)
{
	struct cohort_ioc_pool_release r;

	printf("# COHORT_IOC_POOL_RELEASE while '%s' exists\n", A);
	memset(&r, 0, sizeof(r));
	r.flags = 0x4;
	check("pool_release: flags 0x4", COHORT_IOC_POOL_RELEASE, &r, r.msg,
	      EINVAL, "unknown flags");
	memset(&r, 0, sizeof(r));
	r.reserved0 = 1;
	check("pool_release: reserved0 non-zero", COHORT_IOC_POOL_RELEASE, &r,
	      r.msg, EINVAL, "reserved");
	memset(&r, 0, sizeof(r));
	r.reserved[3] = 1;
	check("pool_release: reserved[3] non-zero", COHORT_IOC_POOL_RELEASE, &r,
	      r.msg, EINVAL, "reserved");
	check("pool_release: NULL argument", COHORT_IOC_POOL_RELEASE, NULL,
	      NULL, EFAULT, NULL);
	memset(&r, 0, sizeof(r));
	r.flags = COHORT_SET_DRY_RUN;
	check("pool_release: dry run, pool in use", COHORT_IOC_POOL_RELEASE, &r,
	      r.msg, EBUSY, "instance '" A "'");
	memset(&r, 0, sizeof(r));
	check("pool_release: pool in use", COHORT_IOC_POOL_RELEASE, &r, r.msg,
	      EBUSY, "instance '" A "'");
}

static struct cohort_ioc_rename mk_rename(const char *name, const char *to)
{
	struct cohort_ioc_rename r;

	memset(&r, 0, sizeof(r));
	snprintf(r.name, sizeof(r.name), "%s", name);
	snprintf(r.new_name, sizeof(r.new_name), "%s", to);
	return r;
}

/* COHORT_IOC_RENAME: malformed requests refused; a good one and back. */
static void rename_checks(void)
{
	struct cohort_ioc_rename r;

	printf("# COHORT_IOC_RENAME on '%s'\n", A);
	r = mk_rename("abi-nope", "abi-new");
	check("rename: unknown name", COHORT_IOC_RENAME, &r, r.msg, ENOENT,
	      NULL);
	r = mk_rename(A, A);
	check("rename: to a name that is taken", COHORT_IOC_RENAME, &r, r.msg,
	      EEXIST, "exists already");
	r = mk_rename(A, "abi/new");
	check("rename: a '/' in the new name", COHORT_IOC_RENAME, &r, r.msg,
	      EINVAL, NULL);
	r = mk_rename(A, "");
	check("rename: an empty new name", COHORT_IOC_RENAME, &r, r.msg,
	      EINVAL, NULL);
	r = mk_rename(A, "x");
	memset(r.new_name, 'n', sizeof(r.new_name));
	check("rename: 32-character new name without NUL", COHORT_IOC_RENAME,
	      &r, r.msg, EINVAL, NULL);
	r = mk_rename(A, "abi-new");
	r.flags = 1;
	check("rename: flags 0x1", COHORT_IOC_RENAME, &r, r.msg, EINVAL, NULL);
	r = mk_rename(A, "abi-new");
	r.reserved32 = 1;
	check("rename: reserved32 non-zero", COHORT_IOC_RENAME, &r, r.msg,
	      EINVAL, NULL);
	r = mk_rename(A, "abi-new");
	r.reserved[0] = 1;
	check("rename: reserved[0] non-zero", COHORT_IOC_RENAME, &r, r.msg,
	      EINVAL, NULL);
	check("rename: NULL argument", COHORT_IOC_RENAME, NULL, NULL, EFAULT,
	      NULL);
	r = mk_rename(A, "abi-new");
	check("rename: " A " to abi-new (accepted)", COHORT_IOC_RENAME, &r,
	      r.msg, 0, NULL);
	r = mk_rename("abi-new", A);
	check("rename: back to " A " (accepted)", COHORT_IOC_RENAME, &r, r.msg,
	      0, NULL);
}

static struct cohort_ioc_console mk_console(const char *name, uint32_t flags)
{
	struct cohort_ioc_console r;

	memset(&r, 0, sizeof(r));
	snprintf(r.name, sizeof(r.name), "%s", name);
	r.flags = flags;
	return r;
}

/*
 * COHORT_IOC_CONSOLE: malformed requests refused, one writer at a time, a
 * forced attach revokes the old writer.  @running: A is running (typed
 * bytes are taken) or not (ENXIO).
 */
static void console_checks(bool running)
{
	struct cohort_ioc_console r;
	struct pollfd pfd;
	int fd1, fd2;
	char buf[64];
	ssize_t n;

	printf("# COHORT_IOC_CONSOLE on '%s' (%s)\n", A,
	       running ? "running" : "not running");
	r = mk_console("abi-nope", 0);
	check("console: unknown name", COHORT_IOC_CONSOLE, &r, r.msg, ENOENT,
	      NULL);
	r = mk_console(A, 0);
	memset(r.name, 'n', sizeof(r.name));
	check("console: 32-character name without NUL", COHORT_IOC_CONSOLE, &r,
	      r.msg, EINVAL, NULL);
	r = mk_console(A, 2);
	check("console: flags 0x2", COHORT_IOC_CONSOLE, &r, r.msg, EINVAL, NULL);
	r = mk_console(A, 0);
	r.fd = 7;
	check("console: fd 7 in the request", COHORT_IOC_CONSOLE, &r, r.msg,
	      EINVAL, NULL);
	r = mk_console(A, 0);
	r.reserved[2] = 1;
	check("console: reserved[2] non-zero", COHORT_IOC_CONSOLE, &r, r.msg,
	      EINVAL, NULL);
	check("console: NULL argument", COHORT_IOC_CONSOLE, NULL, NULL, EFAULT,
	      NULL);

	r = mk_console(A, 0);
	if (ioctl(dev, COHORT_IOC_CONSOLE, &r) < 0) {
		verdict(false, "console: attach %s: %s (%s)", A, errname(errno),
			r.msg);
		return;
	}
	fd1 = r.fd;
	verdict(fd1 > 2 && (fcntl(fd1, F_GETFD) & FD_CLOEXEC),
		"console: attach gives a close-on-exec fd (%d)", fd1);
	verdict(inst_u64(A, "console_writer") == (uint64_t)getpid(),
		"console: console_writer is this process (%llu)",
		(unsigned long long)inst_u64(A, "console_writer"));
	r = mk_console(A, 0);
	check("console: a second writer", COHORT_IOC_CONSOLE, &r, r.msg, EBUSY,
	      "writer");
	n = read(fd1, buf, sizeof(buf));
	verdict(n < 0 && errno == EBADF, "console: the fd is write only (%s)",
		n < 0 ? errname(errno) : "read worked");
	n = write(fd1, "x", 1);
	if (running)
		verdict(n == 1, "console: a byte typed into a running instance (%s)",
			n < 0 ? errname(errno) : "ok");
	else
		verdict(n < 0 && errno == ENXIO,
			"console: typing into an instance that is not running: %s",
			n < 0 ? errname(errno) : "accepted");

	r = mk_console(A, COHORT_CONSOLE_FORCE);
	if (ioctl(dev, COHORT_IOC_CONSOLE, &r) < 0) {
		verdict(false, "console: forced attach: %s (%s)", errname(errno),
			r.msg);
		close(fd1);
		return;
	}
	fd2 = r.fd;
	verdict(true, "console: --force takes the console over (fd %d)", fd2);
	n = write(fd1, "x", 1);
	verdict(n < 0 && errno == EPIPE, "console: the old writer gets %s",
		n < 0 ? errname(errno) : "its write through");
	pfd.fd = fd1;
	pfd.events = POLLOUT;
	n = poll(&pfd, 1, 0);
	verdict(n == 1 && (pfd.revents & POLLHUP),
		"console: poll() on the old writer reports POLLHUP (%#x)",
		pfd.revents);
	close(fd1);
	verdict(inst_u64(A, "console_writer") == (uint64_t)getpid(),
		"console: closing the revoked fd leaves the new writer");
	close(fd2);
	verdict(inst_u64(A, "console_writer") == 0,
		"console: closing the writer's fd detaches (console_writer 0)");
}

#define NET_IF "coh-" A		/* the primary's end of A's link */
#define NET_REGION "net:" A	/* the link's memory */

static struct cohort_ioc_net mk_net(const char *instance, uint32_t flags,
				    uint32_t queues)
{
	struct cohort_ioc_net r;

	memset(&r, 0, sizeof(r));
	snprintf(r.instance, sizeof(r.instance), "%s", instance);
	r.flags = flags;
	r.queues = queues;
	return r;
}

/* SIOCBRADDBR or SIOCBRDELBR: a bridge named @name in the primary. */
static int bridge(unsigned long cmd, const char *name)
{
	char ifname[IFNAMSIZ] = "";
	int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0), ret;

	if (s < 0)
		return -1;
	snprintf(ifname, sizeof(ifname), "%s", name);
	ret = ioctl(s, cmd, ifname);
	close(s);
	return ret;
}

/* Whether A has its link: the interface, the region and instances/A/net. */
static void net_verdict(bool has, const char *when)
{
	char net[64], size[64];
	bool dev = !access(NET_CLASS "/" NET_IF, F_OK);
	bool region = !read_str(SYSFS "/regions/" NET_REGION "/size", size,
				sizeof(size));

	inst_read(A, "net", net, sizeof(net));
	if (has)
		verdict(dev && region && !strcmp(net, NET_IF),
			"net: %s: " NET_IF " is there (%s), region " NET_REGION
			" (%s), instances/" A "/net '%s'", when,
			dev ? "yes" : "no", region ? size : "none", net);
	else
		verdict(!dev && !region && !net[0],
			"net: %s: no " NET_IF " (%s), no region " NET_REGION
			" (%s), instances/" A "/net empty ('%s')", when,
			dev ? "there" : "none", region ? size : "none", net);
}

/*
 * COHORT_IOC_NET while A is not running: malformed requests refused, a
 * link added and removed; and the region ioctls keep off the link's
 * region.  A leaves with a link of COHORT_NET_MAX_QUEUES queue pairs,
 * which net_checks_running() finds and the delete of A takes away.
 */
static void net_checks(void)
{
	struct cohort_ioc_net r;
	struct cohort_ioc_region rg;
	struct cohort_ioc_grant g;
	char c[96];
	unsigned int i;

	printf("# COHORT_IOC_NET on '%s' (not running, no link)\n", A);
	net_verdict(false, "at first");

	/* Instance names. */
	r = mk_net("", 0, 0);
	check("net: empty instance name", COHORT_IOC_NET, &r, r.msg, EINVAL,
	      NULL);
	r = mk_net(A, 0, 0);
	memset(r.instance, 'n', sizeof(r.instance));
	check("net: 32-character instance name without NUL", COHORT_IOC_NET,
	      &r, r.msg, EINVAL, NULL);
	r = mk_net("a/b", 0, 0);
	check("net: instance name 'a/b'", COHORT_IOC_NET, &r, r.msg, EINVAL,
	      NULL);
	r = mk_net("-a", 0, 0);
	check("net: instance name '-a'", COHORT_IOC_NET, &r, r.msg, EINVAL,
	      NULL);
	r = mk_net("abi-nope", 0, 0);
	check("net: unknown instance", COHORT_IOC_NET, &r, r.msg, ENOENT,
	      "'abi-nope'");
	r = mk_net("abi-nope", COHORT_NET_DEL, 0);
	check("net: remove, unknown instance", COHORT_IOC_NET, &r, r.msg,
	      ENOENT, "'abi-nope'");

	/* flags and reserved words. */
	r = mk_net(A, 2, 0);
	check("net: flags 0x2", COHORT_IOC_NET, &r, r.msg, EINVAL, NULL);
	r = mk_net(A, 0x80000000u, 0);
	check("net: flags 0x80000000", COHORT_IOC_NET, &r, r.msg, EINVAL, NULL);
	r = mk_net(A, COHORT_NET_DEL | 2, 0);
	check("net: flags DEL|0x2", COHORT_IOC_NET, &r, r.msg, EINVAL, NULL);
	for (i = 0; i < 4; i++) {
		r = mk_net(A, 0, 0);
		r.reserved[i] = 1ULL << (i * 16);
		snprintf(c, sizeof(c), "net: reserved[%u] non-zero", i);
		check(c, COHORT_IOC_NET, &r, r.msg, EINVAL, NULL);
	}

	/* Queue pairs. */
	r = mk_net(A, 0, COHORT_NET_MAX_QUEUES + 1);
	snprintf(c, sizeof(c), "net: %d queue pairs", COHORT_NET_MAX_QUEUES + 1);
	check(c, COHORT_IOC_NET, &r, r.msg, EINVAL, "at most");
	r = mk_net(A, 0, 0xffffffffu);
	check("net: 0xffffffff queue pairs", COHORT_IOC_NET, &r, r.msg, EINVAL,
	      NULL);

	/* Removing a link A does not have. */
	r = mk_net(A, COHORT_NET_DEL, 0);
	check("net: remove, no link", COHORT_IOC_NET, &r, r.msg, ENOENT,
	      "no network link");
	r = mk_net(A, COHORT_NET_DEL, 1);
	check("net: remove with queues 1", COHORT_IOC_NET, &r, r.msg, EINVAL,
	      "queues");
	check("net: NULL argument", COHORT_IOC_NET, NULL, NULL, EFAULT, NULL);

	/* An interface that is not Cohort's holds the name already. */
	if (bridge(SIOCBRADDBR, NET_IF)) {
		printf("#    (no bridge " NET_IF ": %s; not checked with an interface of that name)\n",
		       errname(errno));
	} else {
		r = mk_net(A, 0, 0);
		check("net: a bridge named " NET_IF " exists", COHORT_IOC_NET,
		      &r, r.msg, EEXIST, NET_IF);
		if (bridge(SIOCBRDELBR, NET_IF))
			die(2, "cannot remove the bridge " NET_IF ": %s",
			    errname(errno));
	}
	net_verdict(false, "after the refusals");

	/* A link, one queue pair per CPU. */
	r = mk_net(A, 0, 0);
	if (check("net: add a link to " A " (accepted)", COHORT_IOC_NET, &r,
		  r.msg, 0, NULL))
		return;
	verdict(!strcmp(r.ifname, NET_IF) && r.queues == 1,
		"net: add returns ifname '%s' and %u queue pair(s) (expected "
		NET_IF ", 1: " A " has 1 CPU)", r.ifname, r.queues);
	net_verdict(true, "after the add");

	printf("# COHORT_IOC_NET on '%s' (not running, with a link)\n", A);
	r = mk_net(A, 0, 0);
	check("net: a second link", COHORT_IOC_NET, &r, r.msg, EEXIST,
	      "already");
	r = mk_net(A, 0, 2);
	check("net: a second link, 2 queue pairs", COHORT_IOC_NET, &r, r.msg,
	      EEXIST, "already");
	r = mk_net(A, COHORT_NET_DEL, 1);
	check("net: remove with queues 1 (a link there)", COHORT_IOC_NET, &r,
	      r.msg, EINVAL, "queues");
	r = mk_net(A, COHORT_NET_DEL | 0x100, 0);
	check("net: remove with flags DEL|0x100 (a link there)",
	      COHORT_IOC_NET, &r, r.msg, EINVAL, NULL);

	/* Its region is not for the region ioctls. */
	rg = mk_region(NET_REGION, 0);
	check("region delete: " NET_REGION, COHORT_IOC_REGION_DELETE, &rg,
	      rg.msg, EPERM, "cohort net");
	rg = mk_region("net:abi-x", 2 * MIB);
	check("region create: name 'net:abi-x'", COHORT_IOC_REGION_CREATE, &rg,
	      rg.msg, EPERM, NULL);
	memset(&g, 0, sizeof(g));
	snprintf(g.region, sizeof(g.region), NET_REGION);
	snprintf(g.instance, sizeof(g.instance), A);
	check("region grant: " NET_REGION " to " A, COHORT_IOC_REGION_GRANT, &g,
	      g.msg, EPERM, NULL);
	g.flags = COHORT_GRANT_REVOKE;
	check("region revoke: " NET_REGION " from " A, COHORT_IOC_REGION_GRANT,
	      &g, g.msg, EPERM, NULL);

	/* Removed while A's CPUs are in the primary; then it is gone. */
	r = mk_net(A, COHORT_NET_DEL, 0);
	if (!check("net: remove the link of " A " (accepted)", COHORT_IOC_NET,
		   &r, r.msg, 0, NULL))
		verdict(!strcmp(r.ifname, NET_IF),
			"net: remove returns ifname '%s'", r.ifname);
	net_verdict(false, "after the remove");
	r = mk_net(A, COHORT_NET_DEL, 0);
	check("net: remove again", COHORT_IOC_NET, &r, r.msg, ENOENT,
	      "no network link");

	/* The most queue pairs, for the checks while A runs. */
	r = mk_net(A, 0, COHORT_NET_MAX_QUEUES);
	snprintf(c, sizeof(c), "net: add with %d queue pairs (accepted)",
		 COHORT_NET_MAX_QUEUES);
	if (!check(c, COHORT_IOC_NET, &r, r.msg, 0, NULL))
		verdict(r.queues == COHORT_NET_MAX_QUEUES,
			"net: add returns %u queue pairs", r.queues);
	net_verdict(true, "after the second add");
}

/* COHORT_IOC_NET while A runs with its link. */
static void net_checks_running(void)
{
	struct cohort_ioc_net r;

	r = mk_net(A, COHORT_NET_DEL, 0);
	check("net: remove the link of a running instance", COHORT_IOC_NET, &r,
	      r.msg, EBUSY, "stop it");
	r = mk_net(A, 0, 0);
	check("net: a second link, running", COHORT_IOC_NET, &r, r.msg, EEXIST,
	      "already");
}

int main(int argc, char **argv)
{
	struct cohort_ioc_create cr;
	struct cohort_ioc_load ld;
	struct cohort_ioc_instance in;
	static char start_snap[SNAP_MAX], end_snap[SNAP_MAX];
	uint64_t a_base;
	int opt, kfd, ifd, fd;
	char buf[256];

	while ((opt = getopt(argc, argv, "k:i:d:t:")) != -1) {
		switch (opt) {
		case 'k': kernel_path = optarg; break;
		case 'i': initrd_path = optarg; break;
		case 'd': dev_path = optarg; break;
		case 't': tmpdir = optarg; break;
		default:
			fprintf(stderr, "usage: cohort-abi-check [-k BZIMAGE] [-i INITRD] [-d DEV] [-t TMPDIR]\n");
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (read_str(SYSFS "/role", buf, sizeof(buf)) || strcmp(buf, "primary"))
		die(2, SYSFS "/role is not 'primary' ('%s')", buf);
	pool_base = read_u64(SYSFS "/pool/base");
	pool_size = read_u64(SYSFS "/pool/size");
	if (!pool_size)
		die(77, "no pool: boot the primary with cohort_pool=SIZE");
	if (pool_size < 256 * MIB)
		die(2, "the pool has %llu MiB; 256 MiB are needed",
		    (unsigned long long)(pool_size >> 20));
	parse_present();
	if (!present[1] || !present[2])
		die(2, "CPUs 1 and 2 must be present");
	if (!cpu_online(1) || !cpu_online(2))
		die(2, "CPUs 1 and 2 must be online in the primary");
	dev = open(dev_path, O_RDWR | O_CLOEXEC);
	if (dev < 0)
		die(2, "cannot open %s: %s", dev_path, strerror(errno));
	snapshot(start_snap, sizeof(start_snap));
	printf("# pool %#llx + %llu MiB\n", (unsigned long long)pool_base,
	       (unsigned long long)(pool_size >> 20));

	/* The instance the checks aim at. */
	cr = mk_create(A, 1, 64 * MIB, 0);
	if (check("create: " A " on CPU 1 with 64 MiB (accepted)",
		  COHORT_IOC_CREATE, &cr, cr.msg, 0, NULL))
		die(1, "cannot create the test instance; stopping");
	a_base = inst_u64(A, "mem_base");

	create_checks(a_base);
	region_checks();
	console_checks(false);
	signal_checks(false);
	takeover_checks();
	rename_checks();
	set_cpus_checks(false);
	pool_release_checks();
	net_checks();

	printf("# requests on '%s' before anything is loaded\n", A);
	in = mk_inst(A);
	check("start: nothing loaded", COHORT_IOC_START, &in, in.msg, ENOTCONN,
	      NULL);
	in = mk_inst(A);
	check("stop: not running (empty)", COHORT_IOC_STOP, &in, in.msg,
	      EALREADY, NULL);
	in = mk_inst(A);
	in.flags = COHORT_STOP_FORCE;
	check("stop --force: not running (empty)", COHORT_IOC_STOP, &in, in.msg,
	      EALREADY, NULL);
	in = mk_inst(A);
	in.flags = 1;
	check("delete: flags 0x1", COHORT_IOC_DELETE, &in, in.msg, EINVAL, NULL);
	in = mk_inst(A);
	in.flags = COHORT_DELETE_DRY_RUN | 0x100;
	check("delete: flags DRY_RUN|0x100", COHORT_IOC_DELETE, &in, in.msg,
	      EINVAL, NULL);
	in = mk_inst(A);
	in.flags = COHORT_DELETE_DRY_RUN;
	check("delete: dry run (accepted)", COHORT_IOC_DELETE, &in, in.msg, 0,
	      NULL);
	verdict(inst_u64(A, "mem_base") == a_base,
		"delete: after a dry run '%s' is still there", A);
	in = mk_inst(A);
	in.timeout_ms = 1;
	check("delete: timeout_ms 1", COHORT_IOC_DELETE, &in, in.msg, EINVAL,
	      NULL);
	in = mk_inst(A);
	in.reserved[0] = 1;
	check("delete: reserved[0] non-zero", COHORT_IOC_DELETE, &in, in.msg,
	      EINVAL, NULL);
	for (int i = 0; i < 3; i++) {
		static const unsigned long cmds[] = {
			COHORT_IOC_START, COHORT_IOC_STOP, COHORT_IOC_DELETE
		};
		static const char *const what[] = { "start", "stop", "delete" };
		char c[96];

		in = mk_inst("abi-nope");
		snprintf(c, sizeof(c), "%s: unknown name", what[i]);
		check(c, cmds[i], &in, in.msg, ENOENT, NULL);
		in = mk_inst("a/b");
		snprintf(c, sizeof(c), "%s: name 'a/b'", what[i]);
		check(c, cmds[i], &in, in.msg, EINVAL, NULL);
		in = mk_inst(A);
		memset(in.name, 'n', sizeof(in.name));
		snprintf(c, sizeof(c), "%s: 32-character name without NUL",
			 what[i]);
		check(c, cmds[i], &in, in.msg, EINVAL, NULL);
	}

	load_checks();

	printf("# '%s' loaded with %s and %s\n", A, kernel_path, initrd_path);
	kfd = open_ro(kernel_path);
	ifd = open_ro(initrd_path);
	ld = mk_load(A, kfd, ifd);
	check("load: bzImage + initramfs, empty command line (accepted)",
	      COHORT_IOC_LOAD, &ld, ld.msg, 0, NULL);
	in = mk_inst(A);
	check("stop: not running (loaded)", COHORT_IOC_STOP, &in, in.msg,
	      EALREADY, NULL);
	in = mk_inst(A);
	in.flags = 1;
	check("start: flags 0x1", COHORT_IOC_START, &in, in.msg, EINVAL, NULL);
	in = mk_inst(A);
	in.timeout_ms = 1000;
	check("start: timeout_ms 1000", COHORT_IOC_START, &in, in.msg, EINVAL,
	      NULL);
	in = mk_inst(A);
	in.reserved[2] = 1;
	check("start: reserved[2] non-zero", COHORT_IOC_START, &in, in.msg,
	      EINVAL, NULL);
	check("start: NULL argument", COHORT_IOC_START, NULL, NULL, EFAULT, NULL);

	in = mk_inst(A);
	if (check("start: " A " (accepted)", COHORT_IOC_START, &in, in.msg, 0,
		  NULL))
		die(1, "cannot start the test instance; stopping");
	verdict(!cpu_online(1), "start: CPU 1 is offline in the primary");
	if (!wait_state(A, "running", 150)) {
		inst_read(A, "state", buf, sizeof(buf));
		verdict(false, "start: " A " reaches 'running' (state '%s')",
			buf);
	} else {
		verdict(true, "start: " A " reaches 'running'");
		printf("# requests on '%s' while it runs\n", A);
		in = mk_inst(A);
		check("start: already running", COHORT_IOC_START, &in, in.msg,
		      EBUSY, NULL);
		ld = mk_load(A, kfd, ifd);
		check("load: into a running instance", COHORT_IOC_LOAD, &ld,
		      ld.msg, EBUSY, NULL);
		in = mk_inst(A);
		check("delete: running instance", COHORT_IOC_DELETE, &in,
		      in.msg, EBUSY, NULL);
		in = mk_inst(A);
		in.flags = COHORT_DELETE_DRY_RUN;
		check("delete: dry run, running instance", COHORT_IOC_DELETE,
		      &in, in.msg, EBUSY, "stop it first");
		in = mk_inst(A);
		in.flags = 2;
		check("stop: flags 0x2", COHORT_IOC_STOP, &in, in.msg, EINVAL,
		      NULL);
		in = mk_inst(A);
		in.flags = COHORT_STOP_FORCE | 0x100;
		check("stop: flags FORCE|0x100", COHORT_IOC_STOP, &in, in.msg,
		      EINVAL, NULL);
		in = mk_inst(A);
		in.reserved[1] = 1;
		check("stop: reserved[1] non-zero", COHORT_IOC_STOP, &in, in.msg,
		      EINVAL, NULL);
		cr = mk_create("abi-x", 1, 64 * MIB, 0);
		check("create: CPU 1, running in " A, COHORT_IOC_CREATE, &cr,
		      cr.msg, EBUSY, "'" A "'");
		console_checks(true);
		signal_checks(true);
		set_cpus_checks(true);
		net_checks_running();
	}

	printf("# ioctl numbers /dev/cohort does not know\n");
	in = mk_inst(A);
	check("ioctl 0xC8/8", _IOWR(COHORT_IOC_MAGIC, 8,
				    struct cohort_ioc_instance),
	      &in, NULL, ENOTTY, NULL);
	check("ioctl REGION_CREATE number with the size of the START request",
	      _IOWR(COHORT_IOC_MAGIC, 6, struct cohort_ioc_instance), &in, NULL,
	      ENOTTY, NULL);
	check("ioctl 0xC8/0", _IOWR(COHORT_IOC_MAGIC, 0,
				    struct cohort_ioc_instance),
	      &in, NULL, ENOTTY, NULL);
	check("ioctl 0xC8/255", _IOWR(COHORT_IOC_MAGIC, 255,
				      struct cohort_ioc_instance),
	      &in, NULL, ENOTTY, NULL);
	check("ioctl STOP number with _IOR direction",
	      _IOR(COHORT_IOC_MAGIC, 4, struct cohort_ioc_instance), &in, NULL,
	      ENOTTY, NULL);
	check("ioctl STOP number with a 16-byte size",
	      _IOWR(COHORT_IOC_MAGIC, 4, char[16]), &in, NULL, ENOTTY, NULL);
	check("ioctl CREATE number with the size of the START request",
	      _IOWR(COHORT_IOC_MAGIC, 1, struct cohort_ioc_instance), &in, NULL,
	      ENOTTY, NULL);
	{
		struct termios t;

		check("ioctl TCGETS", TCGETS, &t, NULL, ENOTTY, NULL);
	}

	printf("# cleaning up\n");
	in = mk_inst(A);
	check("stop: " A " (graceful, accepted)", COHORT_IOC_STOP, &in, in.msg,
	      0, NULL);
	inst_read(A, "state", buf, sizeof(buf));
	verdict(!strcmp(buf, "stopped"), "stop: state after stop is '%s'", buf);
	verdict(cpu_online(1), "stop: CPU 1 is back online in the primary");
	{
		struct cohort_ioc_console con = mk_console(A, 0);
		int cfd = ioctl(dev, COHORT_IOC_CONSOLE, &con) ? -1 : con.fd;
		struct pollfd pfd = { .fd = cfd };

		verdict(cfd >= 0, "console: attach to the stopped " A);
		in = mk_inst(A);
		check("delete: " A " (accepted)", COHORT_IOC_DELETE, &in,
		      in.msg, 0, NULL);
		if (cfd >= 0) {
			verdict(write(cfd, "x", 1) < 0 && errno == EPIPE,
				"console: a deleted instance's writer gets EPIPE");
			verdict(poll(&pfd, 1, 0) == 1 &&
				(pfd.revents & POLLHUP),
				"console: and POLLHUP");
			close(cfd);
		}
	}
	close(kfd);
	close(ifd);
	fd = open(SYSFS "/instances/" A, O_RDONLY | O_DIRECTORY);
	verdict(fd < 0, "delete: " SYSFS "/instances/" A " is gone");
	if (fd >= 0)
		close(fd);
	verdict(access(NET_CLASS "/" NET_IF, F_OK) &&
		access(SYSFS "/regions/" NET_REGION, F_OK),
		"delete: " A "'s link went with it (no " NET_IF ", no region "
		NET_REGION ")");
	snapshot(end_snap, sizeof(end_snap));
	if (strcmp(start_snap, end_snap)) {
		verdict(false, "at the end, everything is as at the start");
		show_diff(start_snap, end_snap);
	} else {
		verdict(true, "at the end, everything is as at the start");
	}
	close(dev);
	printf("cohort-abi-check: %u checks, %u failed\n", nchecks, nfailed);
	return nfailed ? 1 : 0;
}
