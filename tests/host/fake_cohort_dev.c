// SPDX-License-Identifier: GPL-2.0
/*
 * LD_PRELOAD shim for tests/host/cli.sh: stands in for the kernel behind
 * /dev/cohort.  Every Cohort ioctl is written as one line to the file
 * named by COHORT_FAKE_LOG; it then fails with errno COHORT_FAKE_ERRNO and
 * msg COHORT_FAKE_MSG when those are set, and otherwise succeeds, except
 * COHORT_IOC_REGION_GRANT: that one is answered as the kernel would from
 * the fake sysfs tree at COHORT_SYSFS (the region and the instance must
 * have directories there; regions/NAME/grants gains or loses the instance
 * name, and a grant that exists, or a revoke of one that does not, is
 * refused).  Other ioctls, and Cohort ioctls on anything but a regular
 * file (/dev/null), go to the C library.
 *
 * CREATE's line has node=N only when its flags or node are not 0
 * (COHORT_CREATE_NODE).
 *
 * COHORT_FAKE_ONLY=WHAT (CREATE, NET, DELETE... as in the log) limits
 * COHORT_FAKE_ERRNO to that one request.
 *
 * COHORT_IOC_NET is answered from the fake tree too: the instance must
 * exist (ENOENT), a second link is refused (EEXIST), and so is removing
 * one while the instance may run (EBUSY: starting, running, stopping)
 * or that is not there (ENOENT).  A link writes its interface name
 * (coh-NAME, or coh-ID past 15 characters) to instances/NAME/net (an
 * empty line once removed), makes the region net:NAME and, under
 * COHORT_NET_SYSFS when set, the interface's directory (queues/tx-N,
 * rx-N, carrier 1 while the instance runs, mtu 1500, address).
 * COHORT_FAKE_INSTANCES=1 makes COHORT_IOC_CREATE add instances/NAME
 * (id 7, state empty, net "") and COHORT_IOC_DELETE remove it with its
 * link.
 *
 * COHORT_IOC_SET_MEMORY is logged like the others (reserved=1 when
 * reserved0 or reserved is not 0); when it fails as told,
 * COHORT_FAKE_FREEABLE (bytes) is what it says in freeable, as an
 * instance that could not empty every block asked.  With
 * COHORT_FAKE_INSTANCES, a change that is not a dry run is made in the
 * fake tree: mem_size becomes the size asked and mem_blocks gains blocks
 * (at 0x200000000 + 128 MiB * N for the Nth line, on the node asked, or
 * 0) or loses its last lines.
 *
 * COHORT_IOC_POOL_RELEASE is logged like the others (reserved=1 when
 * reserved0 or reserved is not 0) and refused, as the kernel does, when
 * flags has more than COHORT_SET_DRY_RUN or a reserved field is set.
 * When it succeeds it says released COHORT_FAKE_RELEASED and kept
 * COHORT_FAKE_KEPT (bytes; unset: 1006 MiB and 18 MiB).
 *
 * COHORT_IOC_DELETE is logged with its flags (COHORT_DELETE_DRY_RUN is 2);
 * a dry run changes nothing in the fake tree, also with
 * COHORT_FAKE_INSTANCES.
 *
 * COHORT_IOC_REGION_CREATE and _DELETE are logged as REGION_CREATE and
 * REGION_DELETE with name, size, base, flags (COHORT_REGION_DRY_RUN is 1)
 * and reserved=1 when reserved0 or reserved is not 0, and refused as the
 * kernel does for unknown flags, a base or size given to delete, a base
 * given to create, or a reserved field; a create of a region that
 * regions/NAME already has is refused with EEXIST.  A create, dry run
 * or not, says in base where the region goes: like the kernel, from the
 * top of the pool (pool/base + pool/size, 0x140000000 without them)
 * down, below the regions of the tree it would overlap.  With
 * COHORT_FAKE_INSTANCES a create that is not a dry run makes
 * regions/NAME (base, size, users and grants empty), and a delete
 * removes it.
 *
 * COHORT_IOC_CONSOLE is refused as the kernel does when its fd is not 0;
 * when it succeeds, it hands back a write-only
 * descriptor chosen by COHORT_FAKE_CONSOLE: unset, /dev/null; "hup", a
 * pipe whose reading end is closed (as after another writer took over:
 * POLLERR, EPIPE); otherwise a file the input is appended to.  While
 * COHORT_FAKE_CONSOLE_ERRNO is set, write() on that descriptor fails with
 * that errno (ENXIO: the instance is not running).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uapi/linux/cohort.h>

/* The descriptor handed out by the last COHORT_IOC_CONSOLE, or -1. */
static int console_fd = -1;

/* Size of a regular file; -1 for no file, -2 for anything else. */
static long long fd_size(int fd)
{
	struct stat st;

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode))
		return -2;
	return (long long)st.st_size;
}

static void log_cpus(FILE *f, const __u64 *cpus)
{
	const char *sep = "";
	int i;

	for (i = 0; i < COHORT_MAX_CPUS; i++) {
		if (cpus[i / 64] >> (i % 64) & 1) {
			fprintf(f, "%s%d", sep, i);
			sep = ",";
		}
	}
}

static int reserved_set(const __u64 *r)
{
	return r[0] || r[1] || r[2] || r[3];
}

/* Writes a kernel-like msg; returns @err. */
static int refuse(char *msg, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, COHORT_MSG_MAX, fmt, ap);
	va_end(ap);
	return err;
}

/* COHORT_IOC_REGION_GRANT against the fake sysfs: 0 or an errno. */
static int grant(struct cohort_ioc_grant *g)
{
	const char *sys = getenv("COHORT_SYSFS");
	char path[4096], list[4096] = "", out[4096] = "", *tok, *save;
	int revoke = g->flags & COHORT_GRANT_REVOKE, found = 0;
	struct stat st;
	size_t len = 0;
	FILE *f;

	if (!sys)
		sys = "";
	if ((g->flags & ~(COHORT_GRANT_REVOKE | COHORT_GRANT_READONLY)) ||
	    g->flags == (COHORT_GRANT_REVOKE | COHORT_GRANT_READONLY) ||
	    g->reserved0 ||
	    reserved_set(g->reserved))
		return refuse(g->msg, EINVAL,
			      "unknown flags or non-zero reserved fields");
	snprintf(path, sizeof(path), "%s/regions/%s", sys, g->region);
	if (stat(path, &st))
		return refuse(g->msg, ENOENT, "no region named '%s'",
			      g->region);
	snprintf(path, sizeof(path), "%s/instances/%s", sys, g->instance);
	if (stat(path, &st))
		return refuse(g->msg, ENOENT, "no instance named '%s'",
			      g->instance);
	snprintf(path, sizeof(path), "%s/regions/%s/grants", sys, g->region);
	f = fopen(path, "r");
	if (f) {
		if (!fgets(list, sizeof(list), f))
			list[0] = '\0';
		fclose(f);
	}
	list[strcspn(list, "\n")] = '\0';
	for (tok = strtok_r(list, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, g->instance))
			found = 1;
		else
			len += snprintf(out + len, sizeof(out) - len, "%s%s",
					len ? "," : "", tok);
	}
	if (revoke && !found)
		return refuse(g->msg, ENOENT,
			      "region '%s' is not granted to instance '%s'",
			      g->region, g->instance);
	if (!revoke && found)
		return refuse(g->msg, EEXIST,
			      "region '%s' is already granted to instance '%s'",
			      g->region, g->instance);
	if (!revoke)
		snprintf(out + len, sizeof(out) - len, "%s%s", len ? "," : "",
			 g->instance);
	f = fopen(path, "w");
	if (!f)
		abort();
	fprintf(f, "%s\n", out);
	fclose(f);
	return 0;
}

/* Writes "VALUE\n" to DIR/NAME, as sysfs shows it. */
static void put(const char *dir, const char *name, const char *fmt, ...)
{
	char path[4096];
	va_list ap;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		abort();
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	fclose(f);
}

/* Reads the first line of DIR/NAME without its newline; "" when none. */
static void get(const char *dir, const char *name, char *buf, size_t len)
{
	char path[4096];
	FILE *f;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f)
		return;
	if (!fgets(buf, (int)len, f))
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
}

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* rm -rf PATH */
static void rm_tree(const char *path)
{
	nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* mkdir of a path given as printf() arguments; the path in @path. */
static void mkdirf(char *path, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(path, len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len ||
	    (mkdir(path, 0755) && errno != EEXIST))
		abort();
}

/* CPUs in a list such as "2-3,6", as the kernel shows "cpus". */
static unsigned int count_cpus(const char *list)
{
	unsigned int n = 0, a, b;
	const char *p = list;
	char *end;

	while (*p) {
		a = b = (unsigned int)strtoul(p, &end, 10);
		if (end == p)
			break;
		if (*end == '-')
			b = (unsigned int)strtoul(end + 1, &end, 10);
		n += b >= a ? b - a + 1 : 0;
		p = *end == ',' ? end + 1 : end;
		if (*end && *end != ',')
			break;
	}
	return n;
}

/* COHORT_NET_SIZE(): a header page, then two rings per queue pair. */
static unsigned long long net_size(unsigned int queues)
{
	unsigned long long b = 4096 + 2ULL * queues * (4096 + (1ULL << 20));

	return (b + COHORT_MEM_ALIGN - 1) & ~(COHORT_MEM_ALIGN - 1);
}

/* What a link adds besides instances/NAME/net: its region, its netdev. */
static void net_make(const char *sys, const char *name, unsigned int id,
		     const char *ifname, unsigned int queues, int running)
{
	const char *nsys = getenv("COHORT_NET_SYSFS");
	char region[64], dir[4096], sub[4096];
	unsigned int i;

	if (snprintf(region, sizeof(region), "net:%s", name) >=
	    COHORT_NAME_MAX)
		snprintf(region, sizeof(region), "net:#%u", id);
	mkdirf(dir, sizeof(dir), "%s/regions", sys);
	mkdirf(dir, sizeof(dir), "%s/regions/%s", sys, region);
	put(dir, "base", "0x%llx", 0x120000000ULL + id * 0x1000000ULL);
	put(dir, "size", "%llu", net_size(queues));
	put(dir, "users", "");
	put(dir, "grants", "%s", name);
	if (!nsys || !*nsys)
		return;
	mkdirf(dir, sizeof(dir), "%s", nsys);
	mkdirf(dir, sizeof(dir), "%s/%s", nsys, ifname);
	put(dir, "carrier", "%d", running);
	put(dir, "mtu", "1500");
	put(dir, "address", "02:c0:48:00:00:%02x", id & 0xff);
	mkdirf(sub, sizeof(sub), "%s/queues", dir);
	for (i = 0; i < queues; i++) {
		mkdirf(sub, sizeof(sub), "%s/queues/tx-%u", dir, i);
		mkdirf(sub, sizeof(sub), "%s/queues/rx-%u", dir, i);
	}
}

/* Removes what net_make() made for instance NAME with interface IFNAME. */
static void net_unmake(const char *sys, const char *name, unsigned int id,
		       const char *ifname)
{
	const char *nsys = getenv("COHORT_NET_SYSFS");
	char path[4096];

	snprintf(path, sizeof(path), "%s/regions/net:%s", sys, name);
	rm_tree(path);
	snprintf(path, sizeof(path), "%s/regions/net:%u", sys, id);
	rm_tree(path);
	if (nsys && *nsys && ifname[0]) {
		snprintf(path, sizeof(path), "%s/%s", nsys, ifname);
		rm_tree(path);
	}
}

/* COHORT_IOC_NET against the fake sysfs: 0 or an errno. */
static int net(struct cohort_ioc_net *n)
{
	const char *sys = getenv("COHORT_SYSFS");
	const char *nsys = getenv("COHORT_NET_SYSFS");
	char dir[4096], path[4096], cur[64], state[32], cpus[256], id[32];
	unsigned int queues = n->queues, idv;
	struct stat st;

	if (!sys)
		sys = "";
	memset(n->ifname, 0, sizeof(n->ifname));
	if ((n->flags & ~COHORT_NET_DEL) || reserved_set(n->reserved))
		return refuse(n->msg, EINVAL,
			      "unknown flags or non-zero reserved fields");
	snprintf(dir, sizeof(dir), "%s/instances/%s", sys, n->instance);
	if (stat(dir, &st))
		return refuse(n->msg, ENOENT, "no instance named '%s'",
			      n->instance);
	get(dir, "net", cur, sizeof(cur));
	get(dir, "state", state, sizeof(state));
	get(dir, "id", id, sizeof(id));
	idv = (unsigned int)strtoul(id, NULL, 0);
	if (n->flags & COHORT_NET_DEL) {
		if (n->queues)
			return refuse(n->msg, EINVAL,
				      "queues must be 0 to remove a link");
		if (!cur[0])
			return refuse(n->msg, ENOENT,
				      "instance '%s' has no network link",
				      n->instance);
		if (snprintf(n->ifname, sizeof(n->ifname), "%s", cur) < 0)
			abort();
		if (!strcmp(state, COHORT_STATE_STARTING) ||
		    !strcmp(state, COHORT_STATE_RUNNING) ||
		    !strcmp(state, COHORT_STATE_STOPPING))
			return refuse(n->msg, EBUSY,
				      "instance '%s' may be running: stop it before removing its link",
				      n->instance);
		net_unmake(sys, n->instance, idv, cur);
		put(dir, "net", "");
		return 0;
	}
	if (cur[0])
		return refuse(n->msg, EEXIST,
			      "instance '%s' has a network link already",
			      n->instance);
	if (queues > COHORT_NET_MAX_QUEUES)
		return refuse(n->msg, EINVAL, "at most %d queue pairs",
			      COHORT_NET_MAX_QUEUES);
	if (!queues) {
		get(dir, "cpus", cpus, sizeof(cpus));
		queues = count_cpus(cpus);
		if (queues < 1)
			queues = 1;
		if (queues > COHORT_NET_MAX_QUEUES)
			queues = COHORT_NET_MAX_QUEUES;
	}
	if ((size_t)snprintf(n->ifname, sizeof(n->ifname), "coh-%s",
			     n->instance) >= sizeof(n->ifname))
		snprintf(n->ifname, sizeof(n->ifname), "coh#%u", idv);
	if (nsys && *nsys) {
		snprintf(path, sizeof(path), "%s/%s", nsys, n->ifname);
		if (!stat(path, &st)) {
			refuse(n->msg, EEXIST,
			       "an interface named %s exists already",
			       n->ifname);
			memset(n->ifname, 0, sizeof(n->ifname));
			return EEXIST;
		}
	}
	net_make(sys, n->instance, idv, n->ifname, queues,
		 !strcmp(state, COHORT_STATE_RUNNING));
	put(dir, "net", "%s", n->ifname);
	n->queues = queues;
	return 0;
}

/* COHORT_FAKE_INSTANCES: CREATE adds the instance to the fake tree. */
static void fake_create(const struct cohort_ioc_create *c)
{
	const char *sys = getenv("COHORT_SYSFS");
	char dir[4096], cpus[4096] = "";
	size_t len = 0;
	int i;

	for (i = 0; i < COHORT_MAX_CPUS; i++)
		if (c->cpus[i / 64] >> (i % 64) & 1)
			len += (size_t)snprintf(cpus + len, sizeof(cpus) - len,
						"%s%d", len ? "," : "", i);
	snprintf(dir, sizeof(dir), "%s/instances/%s", sys ? sys : "",
		 c->name);
	if (mkdir(dir, 0755))
		abort();
	put(dir, "id", "%u", c->id);
	put(dir, "cid", "%u", c->id + 2);
	put(dir, "state", COHORT_STATE_EMPTY);
	put(dir, "cpus", "%s", cpus);
	put(dir, "apic_ids", "%s", cpus);
	put(dir, "mem_base", "0x%llx", c->mem_base ?
	    (unsigned long long)c->mem_base : 0x130000000ULL);
	put(dir, "mem_size", "%llu", (unsigned long long)c->mem_size);
	put(dir, "mem_blocks", "");
	put(dir, "max_cpus", "%u", c->max_cpus);
	put(dir, "spare_cpus", "");
	put(dir, "cmdline", "");
	put(dir, "kernel_size", "0");
	put(dir, "initrd_size", "0");
	put(dir, "starts", "0");
	put(dir, "console_head", "0");
	put(dir, "console_writer", "0");
	put(dir, "net", "");
	put(dir, "console", "");
}

/*
 * COHORT_FAKE_INSTANCES: SET_MEMORY (not a dry run) changes mem_size and
 * mem_blocks as asked, blocks taken back last first.
 */
static void fake_set_memory(const struct cohort_ioc_set_memory *m)
{
	const char *sys = getenv("COHORT_SYSFS");
	char dir[4096], path[4200], line[64], old[COHORT_MEM_BLOCKS_MAX][64];
	unsigned long long size, created;
	unsigned int n = 0, want, i;
	FILE *f;

	if (m->flags & COHORT_SET_DRY_RUN)
		return;
	snprintf(dir, sizeof(dir), "%s/instances/%s", sys ? sys : "",
		 m->name);
	get(dir, "mem_size", line, sizeof(line));
	size = strtoull(line, NULL, 0);
	snprintf(path, sizeof(path), "%s/mem_blocks", dir);
	f = fopen(path, "r");
	while (f && n < COHORT_MEM_BLOCKS_MAX &&
	       fgets(old[n], sizeof(old[n]), f))
		if (old[n][0] != '\n')
			n++;
	if (f)
		fclose(f);
	created = size - n * COHORT_MEM_BLOCK;
	want = (unsigned int)((m->mem_size - created) / COHORT_MEM_BLOCK);
	f = fopen(path, "w");
	if (!f)
		abort();
	for (i = 0; i < want; i++) {
		if (i < n)
			fputs(old[i], f);
		else
			fprintf(f, "0x%llx %u\n", 0x200000000ULL +
				i * COHORT_MEM_BLOCK, m->flags &
				COHORT_SET_MEM_NODE ? m->node : 0);
	}
	fclose(f);
	put(dir, "mem_size", "%llu", (unsigned long long)m->mem_size);
}

/* COHORT_FAKE_INSTANCES: DELETE removes the instance and its link. */
static void fake_delete(const struct cohort_ioc_instance *i)
{
	const char *sys = getenv("COHORT_SYSFS");
	char dir[4096], cur[64], id[32];

	if (!sys)
		sys = "";
	if (i->flags & COHORT_DELETE_DRY_RUN)
		return;
	snprintf(dir, sizeof(dir), "%s/instances/%s", sys, i->name);
	get(dir, "net", cur, sizeof(cur));
	get(dir, "id", id, sizeof(id));
	if (cur[0])
		net_unmake(sys, i->name, (unsigned int)strtoul(id, NULL, 0),
			   cur);
	rm_tree(dir);
}

/* A number of a sysfs-like file DIR/NAME; @def when it has none. */
static unsigned long long get_u64(const char *dir, const char *name,
				  unsigned long long def)
{
	char buf[64];

	get(dir, name, buf, sizeof(buf));
	return buf[0] ? strtoull(buf, NULL, 0) : def;
}

/*
 * Where a region of @size goes: the top of the pool, then below each
 * region of the tree it would overlap; 0 when it does not fit.
 */
static unsigned long long region_place(const char *sys,
				       unsigned long long size)
{
	unsigned long long lo, top, base, rb, rs;
	char dir[4096], path[4400];
	struct dirent *d;
	int moved;
	DIR *rd;

	snprintf(dir, sizeof(dir), "%s/pool", sys);
	lo = get_u64(dir, "base", 0x100000000ULL);
	top = lo + get_u64(dir, "size", 0x40000000ULL);
	snprintf(dir, sizeof(dir), "%s/regions", sys);
	for (;;) {
		if (top < lo + size)
			return 0;
		base = top - size;
		moved = 0;
		rd = opendir(dir);
		while (rd && !moved && (d = readdir(rd))) {
			if (d->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
			rb = get_u64(path, "base", 0);
			rs = get_u64(path, "size", 0);
			if (rs && rb < top && base < rb + rs) {
				top = rb;	/* below it, and look again */
				moved = 1;
			}
		}
		if (rd)
			closedir(rd);
		if (!moved)
			return base;
	}
}

/* COHORT_IOC_REGION_CREATE / _DELETE: checked as the kernel does. */
static int region(struct cohort_ioc_region *r, int create, int fake)
{
	const char *sys = getenv("COHORT_SYSFS");
	char dir[4096];
	struct stat st;

	if (!sys)
		sys = "";
	if ((r->flags & ~(create ? COHORT_REGION_DRY_RUN : 0U)) ||
	    r->base || (!create && r->size) || r->reserved0 ||
	    reserved_set(r->reserved))
		return refuse(r->msg, EINVAL,
			      "unknown flags or non-zero reserved fields");
	snprintf(dir, sizeof(dir), "%s/regions/%s", sys, r->name);
	if (!create) {
		if (stat(dir, &st) && fake)
			return refuse(r->msg, ENOENT, "no region named '%s'",
				      r->name);
		if (fake)
			rm_tree(dir);
		return 0;
	}
	if (!stat(dir, &st))
		return refuse(r->msg, EEXIST,
			      "a region named '%s' exists already", r->name);
	r->base = region_place(sys, r->size);
	if (!r->base)
		return refuse(r->msg, ENOSPC,
			      "no free range of %llu MiB in the pool",
			      (unsigned long long)r->size >> 20);
	if (!fake || (r->flags & COHORT_REGION_DRY_RUN))
		return 0;
	mkdirf(dir, sizeof(dir), "%s/regions", sys);
	mkdirf(dir, sizeof(dir), "%s/regions/%s", sys, r->name);
	put(dir, "base", "0x%llx", (unsigned long long)r->base);
	put(dir, "size", "%llu", (unsigned long long)r->size);
	put(dir, "users", "");
	put(dir, "grants", "");
	return 0;
}

/* COHORT_IOC_POOL_RELEASE: checked as the kernel does; 0 or an errno. */
static int pool_release(struct cohort_ioc_pool_release *pr)
{
	const char *rel = getenv("COHORT_FAKE_RELEASED");
	const char *kept = getenv("COHORT_FAKE_KEPT");

	if ((pr->flags & ~COHORT_SET_DRY_RUN) || pr->reserved0 ||
	    reserved_set(pr->reserved))
		return refuse(pr->msg, EINVAL,
			      "unknown flags or non-zero reserved fields");
	pr->released = rel && *rel ? strtoull(rel, NULL, 0) : 1006ULL << 20;
	pr->kept = kept && *kept ? strtoull(kept, NULL, 0) : 18ULL << 20;
	return 0;
}

/* The writer descriptor COHORT_FAKE_CONSOLE asks for; -1 on failure. */
static int console_open(void)
{
	const char *what = getenv("COHORT_FAKE_CONSOLE");
	int p[2];

	if (!what || !*what)
		return open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (!strcmp(what, "hup")) {
		if (pipe2(p, O_CLOEXEC))
			return -1;
		close(p[0]);
		return p[1];
	}
	return open(what, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
}

ssize_t write(int fd, const void *buf, size_t len)
{
	static ssize_t (*real)(int, const void *, size_t);
	const char *e = getenv("COHORT_FAKE_CONSOLE_ERRNO");

	if (fd >= 0 && fd == console_fd && e && *e) {
		errno = atoi(e);
		return -1;
	}
	if (!real)
		real = (ssize_t (*)(int, const void *, size_t))
			dlsym(RTLD_NEXT, "write");
	return real(fd, buf, len);
}

int ioctl(int fd, unsigned long req, ...)
{
	static int (*real)(int, unsigned long, ...);
	const char *logname = getenv("COHORT_FAKE_LOG");
	const char *e = getenv("COHORT_FAKE_ERRNO");
	const char *m = getenv("COHORT_FAKE_MSG");
	const char *only = getenv("COHORT_FAKE_ONLY");
	const char *what = "?";
	int fake = getenv("COHORT_FAKE_INSTANCES") != NULL;
	char *msg = NULL;
	va_list ap;
	void *arg;
	FILE *f;
	int err;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	/* Only on the regular file standing in for /dev/cohort. */
	if (_IOC_TYPE(req) != COHORT_IOC_MAGIC || fd_size(fd) < 0) {
		if (!real)
			real = (int (*)(int, unsigned long, ...))
				dlsym(RTLD_NEXT, "ioctl");
		return real(fd, req, arg);
	}
	f = fopen(logname ? logname : "/dev/null", "a");
	if (!f)
		abort();
	if (req == COHORT_IOC_CREATE) {
		struct cohort_ioc_create *c = arg;

		fprintf(f, "CREATE name=%s cpus=", c->name);
		log_cpus(f, c->cpus);
		fprintf(f, " mem_size=%llu mem_base=0x%llx flags=%u",
			(unsigned long long)c->mem_size,
			(unsigned long long)c->mem_base, c->flags);
		if ((c->flags & COHORT_CREATE_NODE) || c->node)
			fprintf(f, " node=%u", c->node);
		if ((c->flags & COHORT_CREATE_MAX_CPUS) || c->max_cpus)
			fprintf(f, " max_cpus=%u", c->max_cpus);
		fprintf(f, " reserved=%d\n", c->reserved[0] ||
			c->reserved[1] || c->reserved[2]);
		c->id = 7;
		msg = c->msg;
		what = "CREATE";
	} else if (req == COHORT_IOC_LOAD) {
		struct cohort_ioc_load *l = arg;

		fprintf(f, "LOAD name=%s kernel=%lld initrd=%lld cmdline_len=%u",
			l->name, fd_size(l->kernel_fd), fd_size(l->initrd_fd),
			l->cmdline_len);
		if (l->cmdline)
			fprintf(f, " cmdline=[%s]",
				(const char *)(unsigned long)l->cmdline);
		fprintf(f, " flags=%u reserved=%d\n", l->flags,
			reserved_set(l->reserved));
		msg = l->msg;
		what = "LOAD";
	} else if (req == COHORT_IOC_REGION_GRANT) {
		struct cohort_ioc_grant *g = arg;

		fprintf(f, "GRANT region=%s instance=%s flags=%u reserved=%d\n",
			g->region, g->instance, g->flags,
			g->reserved0 || reserved_set(g->reserved));
		msg = g->msg;
		what = "GRANT";
	} else if (req == COHORT_IOC_CONSOLE) {
		struct cohort_ioc_console *k = arg;

		fprintf(f, "CONSOLE name=%s flags=%u fd=%d reserved=%d\n",
			k->name, k->flags, k->fd, reserved_set(k->reserved));
		msg = k->msg;
		what = "CONSOLE";
	} else if (req == COHORT_IOC_NET) {
		struct cohort_ioc_net *n = arg;

		fprintf(f, "NET instance=%s flags=%u queues=%u reserved=%d\n",
			n->instance, n->flags, n->queues,
			reserved_set(n->reserved));
		msg = n->msg;
		what = "NET";
	} else if (req == COHORT_IOC_SET_CPUS) {
		struct cohort_ioc_set_cpus *sc = arg;

		fprintf(f, "SET_CPUS name=%s cpus=", sc->name);
		log_cpus(f, sc->cpus);
		fprintf(f, " flags=%u timeout_ms=%u reserved=%d\n", sc->flags,
			sc->timeout_ms, reserved_set(sc->reserved));
		msg = sc->msg;
		what = "SET_CPUS";
	} else if (req == COHORT_IOC_SET_MEMORY) {
		struct cohort_ioc_set_memory *sm = arg;

		fprintf(f, "SET_MEMORY name=%s mem_size=%llu flags=%u node=%u timeout_ms=%u reserved=%d\n",
			sm->name, (unsigned long long)sm->mem_size, sm->flags,
			sm->node, sm->timeout_ms,
			sm->reserved0 || reserved_set(sm->reserved));
		msg = sm->msg;
		what = "SET_MEMORY";
	} else if (req == COHORT_IOC_POOL_RELEASE) {
		struct cohort_ioc_pool_release *pr = arg;

		fprintf(f, "POOL_RELEASE flags=%u reserved=%d\n", pr->flags,
			pr->reserved0 || reserved_set(pr->reserved));
		msg = pr->msg;
		what = "POOL_RELEASE";
	} else if (req == COHORT_IOC_REGION_CREATE ||
		   req == COHORT_IOC_REGION_DELETE) {
		struct cohort_ioc_region *r = arg;

		what = req == COHORT_IOC_REGION_CREATE ? "REGION_CREATE" :
		       "REGION_DELETE";
		fprintf(f, "%s name=%s size=%llu base=0x%llx flags=%u reserved=%d\n",
			what, r->name, (unsigned long long)r->size,
			(unsigned long long)r->base, r->flags,
			r->reserved0 || reserved_set(r->reserved));
		msg = r->msg;
	} else {
		struct cohort_ioc_instance *i = arg;

		what = req == COHORT_IOC_START ? "START" :
		       req == COHORT_IOC_STOP ? "STOP" :
		       req == COHORT_IOC_DELETE ? "DELETE" : "?";

		fprintf(f, "%s name=%s flags=%u timeout_ms=%u reserved=%d\n",
			what, i->name, i->flags, i->timeout_ms,
			reserved_set(i->reserved));
		msg = i->msg;
	}
	fclose(f);
	if (e && *e && (!only || !*only || !strcmp(only, what))) {
		const char *fr = getenv("COHORT_FAKE_FREEABLE");

		if (req == COHORT_IOC_SET_MEMORY && fr && *fr)
			((struct cohort_ioc_set_memory *)arg)->freeable =
				strtoull(fr, NULL, 0);
		snprintf(msg, COHORT_MSG_MAX, "%s", m ? m : "");
		errno = atoi(e);
		return -1;
	}
	if (req == COHORT_IOC_REGION_GRANT) {
		err = grant(arg);
		if (err) {
			errno = err;
			return -1;
		}
	}
	if (req == COHORT_IOC_NET) {
		err = net(arg);
		if (err) {
			errno = err;
			return -1;
		}
	}
	if (req == COHORT_IOC_REGION_CREATE ||
	    req == COHORT_IOC_REGION_DELETE) {
		err = region(arg, req == COHORT_IOC_REGION_CREATE, fake);
		if (err) {
			errno = err;
			return -1;
		}
	}
	if (req == COHORT_IOC_POOL_RELEASE) {
		err = pool_release(arg);
		if (err) {
			errno = err;
			return -1;
		}
	}
	if (fake && req == COHORT_IOC_CREATE)
		fake_create(arg);
	if (fake && req == COHORT_IOC_DELETE)
		fake_delete(arg);
	if (fake && req == COHORT_IOC_SET_MEMORY)
		fake_set_memory(arg);
	if (req == COHORT_IOC_CONSOLE) {
		struct cohort_ioc_console *k = arg;

		if (k->fd || (k->flags & ~COHORT_CONSOLE_FORCE) ||
		    reserved_set(k->reserved)) {
			refuse(k->msg, EINVAL,
			       "fd must be 0; unknown flags or non-zero reserved fields");
			errno = EINVAL;
			return -1;
		}
		k->fd = console_open();
		if (k->fd < 0)
			abort();
		console_fd = k->fd;
	}
	return 0;
}
