// SPDX-License-Identifier: GPL-2.0
/*
 * cohortfs-fsdiff [-v] [-k] DIR_A DIR_B SEED NOPS: differential test of two
 * filesystems.  It runs the same pseudo-random sequence of NOPS file
 * operations (from SEED, with its own PRNG) in a fresh directory
 * fsdiff-SEED of DIR_A and of DIR_B, and compares every result: return
 * value, errno, data read, and the stat fields both must agree on.  The
 * trees are compared once more at the end, then removed (-k keeps them).
 *
 * At the first difference it prints the op number, the op, both results
 * and the ops before it, and exits 1.  Otherwise it prints one summary
 * line and exits 0.  Exit status 2: bad usage or setup.
 *
 * Meant for a cohortfs mount (FUSE or kernel) against tmpfs, but any two
 * directories will do.  Both should be empty and on filesystems mounted
 * with the same options: symlinks may point out of fsdiff-SEED into them.
 *
 * What is NOT compared, and why (the differences allowed between
 * filesystems; nothing else is skipped):
 *  - st_ino, st_dev, st_blocks, st_blksize: allocation details.
 *  - st_size of directories: tmpfs counts entries, cohortfs whole dirent
 *    blocks; both are allowed.
 *  - atime, mtime, ctime: every op runs at another instant on A and on B.
 *    Times are compared right after a utimensat() that sets them to given
 *    values (then they must be exact, to the nanosecond).
 *  - readdir order: entries are compared sorted; no order is promised.
 *  - lseek on directories: only SEEK_SET is generated; the position is a
 *    cookie, and SEEK_END would depend on the directory sizes above.
 *  - SEEK_DATA and SEEK_HOLE: not generated; a filesystem may report a
 *    hole as data (FUSE without lseek does), lseek(2) allows it.
 *  - RENAME_EXCHANGE and RENAME_WHITEOUT: not generated; cohortfs refuses
 *    them with EINVAL by design (a rename is one CAS of one entry, see
 *    docs/cohortfs-format.md).
 *  - O_TMPFILE: not generated; cohortfs has no anonymous files.
 *  - xattrs and ACLs: not generated; cohortfs has none.
 *  - device nodes: not generated; opening one depends on the nodev mount
 *    option (FUSE mounts are nodev), not on the filesystem.  FIFOs are
 *    (every open is O_NONBLOCK, so none blocks).
 *  - statfs: two filesystems of different sizes.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#define NSLOTS		6	/* open file descriptors kept across ops */
#define MAXIO		(160 * 1024)	/* longest read or write */
#define INFO_MAX	512
#define DESC_MAX	512
#define HISTORY		12	/* ops shown before a difference */
#define PATHBUF		(PATH_MAX + 64)
#define MAXSIZE		(6 << 20)	/* largest offset or size used */

/* ---- the PRNG: splitmix64, so that a seed gives the same run anywhere */

static uint64_t rng_state;

static uint64_t rnd64(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* uniform in [0, n) */
static uint64_t rnd(uint64_t n)
{
	return n ? rnd64() % n : 0;
}

static bool chance(unsigned int percent)
{
	return rnd(100) < percent;
}

/* ---- operations */

enum op_kind {
	OP_OPEN, OP_CLOSE, OP_WRITE, OP_PWRITE, OP_READ, OP_PREAD, OP_LSEEK,
	OP_FTRUNCATE, OP_TRUNCATE, OP_FSTAT, OP_STAT, OP_LSTAT, OP_FSYNC,
	OP_UNLINK, OP_MKDIR, OP_RMDIR, OP_RENAME, OP_LINK, OP_SYMLINK,
	OP_READLINK, OP_READDIR, OP_CHMOD, OP_FCHMOD, OP_CHOWN, OP_UTIMENS,
	OP_MKFIFO, OP_RMTREE, OP_NKINDS
};

/*
 * @weight: how often, relative to the others.
 * @names: the op changes names: lstat its path (1) and target (2) after
 * it succeeds.
 */
static const struct {
	const char *name;
	unsigned int weight;
	int names;
} kinds[OP_NKINDS] = {
	[OP_OPEN] = { "open", 14, 0 },
	[OP_CLOSE] = { "close", 3, 0 },
	[OP_WRITE] = { "write", 8, 0 },
	[OP_PWRITE] = { "pwrite", 6, 0 },
	[OP_READ] = { "read", 6, 0 },
	[OP_PREAD] = { "pread", 5, 0 },
	[OP_LSEEK] = { "lseek", 3, 0 },
	[OP_FTRUNCATE] = { "ftruncate", 4, 0 },
	[OP_TRUNCATE] = { "truncate", 3, 0 },
	[OP_FSTAT] = { "fstat", 3, 0 },
	[OP_STAT] = { "stat", 4, 0 },
	[OP_LSTAT] = { "lstat", 2, 0 },
	[OP_FSYNC] = { "fsync", 2, 0 },
	[OP_UNLINK] = { "unlink", 5, 1 },
	[OP_MKDIR] = { "mkdir", 7, 1 },
	[OP_RMDIR] = { "rmdir", 4, 1 },
	[OP_RENAME] = { "rename", 7, 2 },
	[OP_LINK] = { "link", 3, 2 },
	[OP_SYMLINK] = { "symlink", 4, 1 },
	[OP_READLINK] = { "readlink", 2, 0 },
	[OP_READDIR] = { "readdir", 3, 0 },
	[OP_CHMOD] = { "chmod", 2, 0 },
	[OP_FCHMOD] = { "fchmod", 1, 0 },
	[OP_CHOWN] = { "chown", 1, 0 },
	[OP_UTIMENS] = { "utimensat", 2, 0 },
	[OP_MKFIFO] = { "mkfifo", 1, 1 },
	[OP_RMTREE] = { "rmtree", 1, 1 },
};

struct op {
	enum op_kind kind;
	int slot;
	int flags;		/* open flags, rename/utimensat/chown flags */
	int whence;
	mode_t mode;
	uid_t uid;
	gid_t gid;
	off_t off;
	size_t len;
	struct timespec ts[2];
	char path[PATHBUF];
	char path2[PATHBUF];	/* rename/link target, symlink target */
	unsigned char *data;	/* what a write writes (len bytes) */
	char desc[DESC_MAX];
};

/* What one side returned. */
struct res {
	long long ret;
	int err;		/* errno when ret < 0 */
	char info[INFO_MAX];	/* stat fields etc., compared as text */
	unsigned char *data;	/* bytes read, readlink, readdir listing */
	size_t dlen;
};

/* One of the two directories. */
struct side {
	const char *dir;
	int root;		/* fsdiff-SEED */
	int fd[NSLOTS];
};

static struct side sides[2];
/*
 * On side A: which slots are open, for writing, on directories (which
 * get only SEEK_SET).
 */
static bool slot_open[NSLOTS], slot_wr[NSLOTS], slot_dir[NSLOTS];
static bool verbose, keep;
static unsigned long long seed;
static char long255[256], long256[257];

/* ---- generating an op (depends only on the PRNG and earlier results) */

static void add_comp(char *p, const char *c)
{
	size_t n = strlen(p);

	snprintf(p + n, PATHBUF - n, "%s%s", n ? "/" : "", c);
}

/* What a path is meant to name: biases its last component. */
enum role { ANY, FILE_, DIR_, LINK };

/*
 * A path below fsdiff-SEED.  Few names, so that ops meet each other's
 * files: mostly "d" and "e" for directories, "a".."c" for files, "l"
 * for symlinks, but any may be anything; sometimes one of 40 more names
 * (directories of several blocks: cohortfs has 15 entries a block), a
 * 255-byte or a 256-byte name, "." or ".." after the first component
 * (never above fsdiff-SEED), a trailing "/".  Returns its depth.
 */
static int gen_path(char *p, enum role role)
{
	static const char *const names[] = { "a", "b", "c", "l", "d", "e" };
	int depth = 1 + (chance(45) ? 0 : chance(65) ? 1 : 2), i;
	bool dots = false;

	p[0] = 0;
	for (i = 0; i < depth; i++) {
		bool last = i == depth - 1;
		unsigned int r = rnd(100);

		if (r < 3) {
			add_comp(p, long255);
		} else if (r < 4) {
			add_comp(p, long256);
		} else if (r < 6 && i > 0 && !dots) {
			add_comp(p, chance(50) ? "." : "..");
			dots = true;
		} else if (r < 14 && last) {
			char many[8];

			snprintf(many, sizeof(many), "n%02d", (int)rnd(40));
			add_comp(p, many);
		} else if (!chance(last ? 25 : 10) && (!last || role == DIR_)) {
			add_comp(p, names[4 + rnd(2)]);
		} else if (!chance(25) && last && role == FILE_) {
			add_comp(p, names[rnd(3)]);
		} else if (!chance(40) && last && role == LINK) {
			add_comp(p, "l");
		} else {
			add_comp(p, names[rnd(6)]);
		}
	}
	if (chance(3))
		strcat(p, "/");
	return depth;
}

/*
 * A target of exactly @len bytes that still resolves to "a" next to the
 * link: ".//////a", or (@dots) "./././a" / "././/a".  Each "." costs a
 * GETATTR on a FUSE mount with timeout 0 (the kernel checks permission
 * on every component), so a loop of such links takes seconds: @dots
 * only sometimes.
 */
static void long_target(char *t, size_t len, bool dots)
{
	size_t i, pairs = (len - 1) / 2;

	memset(t, '/', len);
	t[0] = '.';
	for (i = 0; dots && i < pairs; i++)
		t[2 * i] = '.';
	t[len - 1] = 'a';
	t[len] = 0;
}

static void gen_target(struct op *op, int depth)
{
	static const size_t longs[] = { 255, 1000, 4031, 4032, 4033, 4094,
					4095, 4096, 4097 };
	unsigned int r = rnd(100);
	char *t = op->path2;

	if (r < 35) {
		size_t len = longs[rnd(sizeof(longs) / sizeof(longs[0]))];

		long_target(t, len, chance(20));
	} else if (r < 40 && depth >= 2) {
		strcpy(t, "../");
		gen_path(t + 3, ANY);
	} else if (r < 50) {
		/* the link's own name: following it loops */
		const char *s = strrchr(op->path, '/');

		snprintf(t, PATHBUF, "%s", s && s[1] ? s + 1 : op->path);
	} else if (r < 53) {
		strcpy(t, "/nonexistent-fsdiff/x");
	} else if (r < 55) {
		t[0] = 0;
	} else {
		gen_path(t, ANY);
	}
}

static off_t gen_off(void)
{
	static const off_t offs[] = { 0, 1, 7, 100, 4031, 4032, 4033, 4095,
				      4096, 4097, 8191, 8192, 12289, 65536,
				      65537, 131075, 1 << 20, (1 << 20) + 4097,
				      (4 << 20) + 1 };

	if (chance(60))
		return offs[rnd(sizeof(offs) / sizeof(offs[0]))];
	return rnd(chance(90) ? 300000 : MAXSIZE);
}

static size_t gen_len(void)
{
	unsigned int r = rnd(100);

	if (r < 5)
		return 0;
	if (r < 15)
		return 1 + rnd(16);
	if (r < 30)
		return 4095 + rnd(3);
	if (r < 85)
		return rnd(20000);
	if (r < 97)
		return rnd(70000);
	return 131072 + rnd(MAXIO - 131072);	/* more than one FUSE write */
}

static mode_t gen_mode(void)
{
	static const mode_t modes[] = { 0644, 0600, 0755, 0444, 0777, 0640,
					0700, 04755, 02755, 01777, 02775, 0 };

	return modes[rnd(sizeof(modes) / sizeof(modes[0]))];
}

/* A slot, mostly one that is open (for writing) on side A. */
static int gen_slot(bool write)
{
	int open[NSLOTS], n = 0, i;

	for (i = 0; i < NSLOTS; i++)
		if (slot_open[i] && (!write || slot_wr[i]))
			open[n++] = i;
	if (n && !chance(10))
		return open[rnd(n)];
	return rnd(NSLOTS);
}

static const char *flag_str(int f, char *buf, size_t len)
{
	static const struct {
		int flag;
		const char *name;
	} fl[] = {
		{ O_CREAT, "CREAT" }, { O_EXCL, "EXCL" }, { O_TRUNC, "TRUNC" },
		{ O_APPEND, "APPEND" }, { O_DIRECTORY, "DIRECTORY" },
		{ O_NOFOLLOW, "NOFOLLOW" },
	};
	size_t i;

	snprintf(buf, len, "%s", (f & O_ACCMODE) == O_RDONLY ? "RDONLY" :
		 (f & O_ACCMODE) == O_WRONLY ? "WRONLY" : "RDWR");
	for (i = 0; i < sizeof(fl) / sizeof(fl[0]); i++)
		if (f & fl[i].flag)
			snprintf(buf + strlen(buf), len - strlen(buf), "|%s",
				 fl[i].name);
	return buf;
}

/* A path for messages, runs shortened: "L*255", "(./)*2046". */
static const char *show(const char *p, char *buf, size_t len)
{
	size_t i = 0, o = 0, n = strlen(p), run;

	while (i < n && o + 32 < len) {
		for (run = 0; !strncmp(p + i + 2 * run, "./", 2); run++)
			;
		if (run > 4) {
			o += snprintf(buf + o, len - o, "(./)*%zu", run);
			i += 2 * run;
			continue;
		}
		for (run = 1; i + run < n && p[i + run] == p[i]; run++)
			;
		if (run > 8) {
			o += snprintf(buf + o, len - o, "%c*%zu", p[i], run);
			i += run;
			continue;
		}
		buf[o++] = p[i++];
	}
	if (i < n)
		o += snprintf(buf + o, len - o, "...");
	buf[o] = 0;
	return buf;
}

/* Flags open() adds to its access mode, each with its chance in percent. */
static const struct {
	unsigned int percent;
	int flag;
} open_flags[] = {
	{ 65, O_CREAT }, { 15, O_EXCL }, { 25, O_TRUNC }, { 25, O_APPEND },
	{ 5, O_DIRECTORY }, { 5, O_NOFOLLOW },
};

static void gen_op(struct op *op)
{
	unsigned int total = 0, r, k;
	size_t i;
	char f[128], p1[200], p2[200];
	enum role role;
	int depth;

	for (k = 0; k < OP_NKINDS; k++)
		total += kinds[k].weight;
	r = rnd(total);
	for (k = 0; r >= kinds[k].weight; k++)
		r -= kinds[k].weight;
	memset(op, 0, offsetof(struct op, path));
	op->kind = k;
	op->path[0] = op->path2[0] = 0;
	op->slot = k == OP_OPEN ? (int)rnd(NSLOTS) :
		   gen_slot(k == OP_WRITE || k == OP_PWRITE ||
			    k == OP_FTRUNCATE);
	switch (op->kind) {
	case OP_MKDIR:
	case OP_RMDIR:
	case OP_READDIR:
	case OP_RMTREE:
		role = DIR_;
		break;
	case OP_OPEN:
	case OP_MKFIFO:
		role = FILE_;
		break;
	case OP_SYMLINK:
	case OP_READLINK:
		role = LINK;
		break;
	default:
		role = ANY;
		break;
	}
	depth = gen_path(op->path, role);
	switch (op->kind) {
	case OP_OPEN:
		op->flags = (int[]){ O_RDONLY, O_WRONLY, O_RDWR, O_RDWR }[rnd(4)];
		for (i = 0; i < sizeof(open_flags) / sizeof(open_flags[0]); i++)
			if (chance(open_flags[i].percent))
				op->flags |= open_flags[i].flag;
		op->mode = gen_mode();
		snprintf(op->desc, DESC_MAX, "open(\"%s\", %s, 0%o) -> fd%d",
			 show(op->path, p1, sizeof(p1)),
			 flag_str(op->flags, f, sizeof(f)), op->mode,
			 op->slot);
		break;
	case OP_CLOSE:
	case OP_FSTAT:
		snprintf(op->desc, DESC_MAX, "%s(fd%d)", kinds[op->kind].name,
			 op->slot);
		break;
	case OP_FSYNC:
		op->flags = chance(50);
		snprintf(op->desc, DESC_MAX, "%s(fd%d)",
			 op->flags ? "fdatasync" : "fsync", op->slot);
		break;
	case OP_READ:
	case OP_WRITE:
		op->len = gen_len();
		snprintf(op->desc, DESC_MAX, "%s(fd%d, %zu)",
			 kinds[op->kind].name, op->slot, op->len);
		break;
	case OP_PWRITE:
	case OP_PREAD:
		op->len = gen_len();
		op->off = gen_off();
		snprintf(op->desc, DESC_MAX, "%s(fd%d, %zu, %lld)",
			 kinds[op->kind].name, op->slot, op->len,
			 (long long)op->off);
		break;
	case OP_LSEEK:
		op->whence = slot_dir[op->slot] ? SEEK_SET :
			     (int[]){ SEEK_SET, SEEK_CUR, SEEK_END }[rnd(3)];
		op->off = op->whence == SEEK_SET ? gen_off() :
			  (off_t)rnd(20000) - 10000;
		snprintf(op->desc, DESC_MAX, "lseek(fd%d, %lld, %s)", op->slot,
			 (long long)op->off, op->whence == SEEK_SET ? "SET" :
			 op->whence == SEEK_CUR ? "CUR" : "END");
		break;
	case OP_FTRUNCATE:
		op->off = gen_off();
		snprintf(op->desc, DESC_MAX, "ftruncate(fd%d, %lld)", op->slot,
			 (long long)op->off);
		break;
	case OP_TRUNCATE:
		op->off = gen_off();
		snprintf(op->desc, DESC_MAX, "truncate(\"%s\", %lld)",
			 show(op->path, p1, sizeof(p1)), (long long)op->off);
		break;
	case OP_MKDIR:
	case OP_MKFIFO:
	case OP_CHMOD:
		op->mode = gen_mode();
		snprintf(op->desc, DESC_MAX, "%s(\"%s\", 0%o)",
			 kinds[op->kind].name, show(op->path, p1, sizeof(p1)),
			 op->mode);
		break;
	case OP_FCHMOD:
		op->mode = gen_mode();
		snprintf(op->desc, DESC_MAX, "fchmod(fd%d, 0%o)", op->slot,
			 op->mode);
		break;
	case OP_CHOWN:
		op->uid = (uid_t[]){ 0, 1, 1000 }[rnd(3)];
		op->gid = (gid_t[]){ 0, 1, 1000 }[rnd(3)];
		op->flags = chance(30) ? AT_SYMLINK_NOFOLLOW : 0;
		snprintf(op->desc, DESC_MAX, "%schown(\"%s\", %u, %u)",
			 op->flags ? "l" : "", show(op->path, p1, sizeof(p1)),
			 op->uid, op->gid);
		break;
	case OP_RENAME:
	case OP_LINK:
		gen_path(op->path2, op->kind == OP_LINK ? FILE_ : ANY);
		if (op->kind == OP_RENAME && chance(15))
			op->flags = RENAME_NOREPLACE;
		if (op->kind == OP_LINK && chance(20))
			op->flags = AT_SYMLINK_FOLLOW;
		snprintf(op->desc, DESC_MAX, "%s(\"%s\", \"%s\")%s",
			 kinds[op->kind].name, show(op->path, p1, sizeof(p1)),
			 show(op->path2, p2, sizeof(p2)),
			 op->flags == RENAME_NOREPLACE &&
			 op->kind == OP_RENAME ? " NOREPLACE" :
			 op->flags ? " FOLLOW" : "");
		break;
	case OP_SYMLINK:
		gen_target(op, depth);
		snprintf(op->desc, DESC_MAX, "symlink(\"%s\" [%zu bytes], \"%s\")",
			 show(op->path2, p2, sizeof(p2)), strlen(op->path2),
			 show(op->path, p1, sizeof(p1)));
		break;
	case OP_UTIMENS: {
		int i;

		for (i = 0; i < 2; i++) {
			unsigned int t = rnd(10);

			op->ts[i].tv_sec = 1000000000 + rnd(1000000000);
			op->ts[i].tv_nsec = t < 6 ? (long)rnd(1000000000) :
					    t < 8 ? 0 : t < 9 ? UTIME_OMIT :
					    UTIME_NOW;
		}
		op->flags = chance(30) ? AT_SYMLINK_NOFOLLOW : 0;
		snprintf(op->desc, DESC_MAX,
			 "utimensat(\"%s\", %lld.%ld, %lld.%ld%s)",
			 show(op->path, p1, sizeof(p1)),
			 (long long)op->ts[0].tv_sec, op->ts[0].tv_nsec,
			 (long long)op->ts[1].tv_sec, op->ts[1].tv_nsec,
			 op->flags ? ", NOFOLLOW" : "");
		break;
	}
	default:
		snprintf(op->desc, DESC_MAX, "%s(\"%s\")", kinds[op->kind].name,
			 show(op->path, p1, sizeof(p1)));
		break;
	}
	if (op->kind == OP_WRITE || op->kind == OP_PWRITE) {
		size_t i;

		for (i = 0; i < op->len; i += 8) {
			uint64_t v = rnd64();

			memcpy(op->data + i, &v, op->len - i < 8 ?
			       op->len - i : 8);
		}
	}
}

/* ---- running an op on one side */

static void set_stat_info(struct res *r, const char *what, int ret,
			  const struct stat *st)
{
	size_t n = strlen(r->info);
	char *p = r->info + n;
	size_t left = INFO_MAX - n;
	const char *type;

	if (ret < 0) {
		snprintf(p, left, "%s%s: %s", n ? "; " : "", what,
			 strerrorname_np(errno));
		return;
	}
	switch (st->st_mode & S_IFMT) {
	case S_IFREG: type = "reg"; break;
	case S_IFDIR: type = "dir"; break;
	case S_IFLNK: type = "lnk"; break;
	case S_IFIFO: type = "fifo"; break;
	default: type = "other"; break;
	}
	/* no size for directories: see the top of the file */
	snprintf(p, left, "%s%s: %s 0%04o nlink %lu uid %u gid %u",
		 n ? "; " : "", what, type, st->st_mode & 07777,
		 (unsigned long)st->st_nlink, st->st_uid, st->st_gid);
	if (!S_ISDIR(st->st_mode))
		snprintf(p + strlen(p), left - strlen(p), " size %lld",
			 (long long)st->st_size);
}

static void stat_path(struct side *s, struct res *r, const char *what,
		      const char *path, int flags)
{
	struct stat st;
	int ret = fstatat(s->root, path, &st, flags);

	set_stat_info(r, what, ret, &st);
}

static void stat_fd(struct res *r, const char *what, int fd)
{
	struct stat st;
	int ret = fstat(fd, &st);

	set_stat_info(r, what, ret, &st);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* @path under @at as a directory stream; NULL with errno set. */
static DIR *open_dir_at(int at, const char *path, int flags)
{
	int fd = openat(at, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | flags);
	DIR *d;

	if (fd < 0)
		return NULL;
	d = fdopendir(fd);
	if (!d)
		close(fd);
	return d;
}

/* The entries of @path as sorted "name type" lines (no . and ..). */
static int list_dir(int dirfd, const char *path, struct res *r)
{
	char **names = NULL;
	size_t n = 0, cap = 0, i;
	struct dirent *de;
	DIR *d;

	d = open_dir_at(dirfd, path, 0);
	if (!d)
		return -1;
	errno = 0;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			names = realloc(names, cap * sizeof(*names));
			if (!names)
				abort();
		}
		if (asprintf(&names[n++], "%s %d", de->d_name, de->d_type) < 0)
			abort();
	}
	if (errno) {
		int e = errno;

		closedir(d);
		errno = e;
		return -1;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	r->dlen = 0;
	for (i = 0; i < n; i++) {
		size_t l = strlen(names[i]);

		if (r->dlen + l + 1 <= MAXIO) {
			memcpy(r->data + r->dlen, names[i], l);
			r->data[r->dlen + l] = '\n';
			r->dlen += l + 1;
		}
		free(names[i]);
	}
	free(names);
	return n;
}

/*
 * rm -rf @path below @at: the number of names removed, or -1 and the
 * errno of the first failure (what could not be removed stays).
 */
static long long remove_tree(int at, const char *path)
{
	long long n = 0, sub;
	struct dirent *de;
	int err = 0;
	DIR *d;

	if (!unlinkat(at, path, 0))
		return 1;
	if (errno != EISDIR)
		return -1;
	fchmodat(at, path, 0700, 0);	/* for non-root, after chmod 0444 */
	d = open_dir_at(at, path, O_NOFOLLOW);
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		sub = remove_tree(dirfd(d), de->d_name);
		if (sub < 0 && !err)
			err = errno;
		n += sub < 0 ? 0 : sub;
	}
	closedir(d);
	if (err) {
		errno = err;
		return -1;
	}
	if (unlinkat(at, path, AT_REMOVEDIR))
		return -1;
	return n + 1;
}

static int slot_fd(struct side *s, const struct op *op)
{
	return s->fd[op->slot];
}

static void run_op(struct side *s, const struct op *op, struct res *r)
{
	int fd = slot_fd(s, op), flags;
	long long ret = 0;

	r->info[0] = 0;
	r->dlen = 0;
	errno = 0;
	switch (op->kind) {
	case OP_OPEN:
		flags = op->flags | O_NONBLOCK | O_CLOEXEC;
		ret = openat(s->root, op->path, flags, op->mode);
		if (ret >= 0) {
			stat_fd(r, "fstat", ret);
			if (fd >= 0)
				close(fd);
			s->fd[op->slot] = ret;
			ret = 0;	/* the numbers may differ */
		}
		break;
	case OP_CLOSE:
		ret = close(fd);
		s->fd[op->slot] = -1;
		break;
	case OP_WRITE:
		ret = write(fd, op->data, op->len);
		if (ret >= 0)
			stat_fd(r, "fstat", fd);
		break;
	case OP_PWRITE:
		ret = pwrite(fd, op->data, op->len, op->off);
		if (ret >= 0)
			stat_fd(r, "fstat", fd);
		break;
	case OP_READ:
		ret = read(fd, r->data, op->len);
		if (ret > 0)
			r->dlen = ret;
		break;
	case OP_PREAD:
		ret = pread(fd, r->data, op->len, op->off);
		if (ret > 0)
			r->dlen = ret;
		break;
	case OP_LSEEK:
		ret = lseek(fd, op->off, op->whence);
		break;
	case OP_FTRUNCATE:
		ret = ftruncate(fd, op->off);
		if (!ret)
			stat_fd(r, "fstat", fd);
		break;
	case OP_TRUNCATE: {
		/* truncate() has no *at form: through the fd of the root */
		char p[PATHBUF + 32];

		snprintf(p, sizeof(p), "/proc/self/fd/%d/%s", s->root,
			 op->path);
		ret = truncate(p, op->off);
		if (!ret)
			stat_path(s, r, "stat", op->path, 0);
		break;
	}
	case OP_FSTAT: {
		struct stat st;

		ret = fstat(fd, &st);
		if (!ret)
			set_stat_info(r, "fstat", 0, &st);
		break;
	}
	case OP_STAT:
	case OP_LSTAT: {
		struct stat st;

		ret = fstatat(s->root, op->path, &st,
			      op->kind == OP_LSTAT ? AT_SYMLINK_NOFOLLOW : 0);
		if (!ret)
			set_stat_info(r, "stat", 0, &st);
		break;
	}
	case OP_FSYNC:
		ret = op->flags ? fdatasync(fd) : fsync(fd);
		break;
	case OP_UNLINK:
		ret = unlinkat(s->root, op->path, 0);
		break;
	case OP_MKDIR:
		ret = mkdirat(s->root, op->path, op->mode);
		break;
	case OP_MKFIFO:
		ret = mkfifoat(s->root, op->path, op->mode);
		break;
	case OP_RMDIR:
		ret = unlinkat(s->root, op->path, AT_REMOVEDIR);
		break;
	case OP_RENAME:
		ret = renameat2(s->root, op->path, s->root, op->path2,
				op->flags);
		break;
	case OP_LINK:
		ret = linkat(s->root, op->path, s->root, op->path2, op->flags);
		break;
	case OP_SYMLINK:
		ret = symlinkat(op->path2, s->root, op->path);
		break;
	case OP_READLINK:
		ret = readlinkat(s->root, op->path, (char *)r->data, MAXIO);
		if (ret > 0)
			r->dlen = ret;
		break;
	case OP_READDIR:
		ret = list_dir(s->root, op->path, r);
		break;
	case OP_RMTREE:
		ret = remove_tree(s->root, op->path);
		break;
	case OP_CHMOD:
		ret = fchmodat(s->root, op->path, op->mode, 0);
		if (!ret)
			stat_path(s, r, "stat", op->path, 0);
		break;
	case OP_FCHMOD:
		ret = fchmod(fd, op->mode);
		if (!ret)
			stat_fd(r, "fstat", fd);
		break;
	case OP_CHOWN:
		ret = fchownat(s->root, op->path, op->uid, op->gid, op->flags);
		if (!ret)
			stat_path(s, r, "stat", op->path, op->flags);
		break;
	case OP_UTIMENS: {
		struct stat st;
		int i;

		ret = utimensat(s->root, op->path, op->ts, op->flags);
		if (ret || fstatat(s->root, op->path, &st, op->flags))
			break;
		/* only the times given: the others are "now" on each side */
		for (i = 0; i < 2; i++) {
			const struct timespec *t = i ? &st.st_mtim : &st.st_atim;
			size_t n = strlen(r->info);

			if (op->ts[i].tv_nsec == UTIME_OMIT ||
			    op->ts[i].tv_nsec == UTIME_NOW)
				continue;
			snprintf(r->info + n, INFO_MAX - n, "%s %lld.%09ld ",
				 i ? "mtime" : "atime", (long long)t->tv_sec,
				 t->tv_nsec);
		}
		break;
	}
	case OP_NKINDS:
		break;
	}
	r->ret = ret;
	r->err = ret < 0 ? errno : 0;
	/* what a change of names left behind */
	if (ret >= 0 && kinds[op->kind].names)
		stat_path(s, r, "lstat", op->path, AT_SYMLINK_NOFOLLOW);
	if (ret >= 0 && kinds[op->kind].names == 2)
		stat_path(s, r, "lstat new", op->path2, AT_SYMLINK_NOFOLLOW);
}

/* ---- comparing */

static struct op history[HISTORY];

static void show_res(int side, const struct res *r)
{
	printf("  %c (%s): ", 'A' + side, sides[side].dir);
	if (r->ret < 0)
		printf("-1 %s", strerrorname_np(r->err));
	else
		printf("%lld", r->ret);
	if (r->info[0])
		printf(" [%s]", r->info);
	printf("\n");
}

/* 0 if the results agree, else print why and return 1. */
static int compare(unsigned long n, const struct op *op,
		   const struct res *a, const struct res *b)
{
	const char *why = NULL;
	size_t i = 0;

	if (a->ret != b->ret || (a->ret < 0 && a->err != b->err))
		why = "results differ";
	else if (strcmp(a->info, b->info))
		why = "attributes differ";
	else if (a->dlen != b->dlen || memcmp(a->data, b->data, a->dlen))
		why = "data differs";
	if (!why)
		return 0;
	printf("fsdiff: seed %llu: op %lu: %s: %s\n", seed, n, why, op->desc);
	show_res(0, a);
	show_res(1, b);
	if (!strcmp(why, "data differs")) {
		while (i < a->dlen && i < b->dlen && a->data[i] == b->data[i])
			i++;
		printf("  %zu and %zu bytes, first difference at byte %zu",
		       a->dlen, b->dlen, i);
		if (i < a->dlen && i < b->dlen)
			printf(" (0x%02x, 0x%02x)", a->data[i], b->data[i]);
		printf("\n");
	}
	return 1;
}

static void print_history(unsigned long n)
{
	unsigned long i = n >= HISTORY ? n - HISTORY + 1 : 1;

	printf("  the ops before it:\n");
	for (; i < n; i++)
		printf("    %lu: %s\n", i, history[i % HISTORY].desc);
}

/* ---- the final comparison of both trees, and removal */

static struct res ra, rb;

static int final_diff(const char *fmt, const char *path)
{
	char p[200];

	printf("fsdiff: seed %llu: final trees: ", seed);
	printf(fmt, show(path, p, sizeof(p)));
	printf("\n");
	show_res(0, &ra);
	show_res(1, &rb);
	return 1;
}

static int compare_file(const char *path)
{
	int fa = openat(sides[0].root, path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	int fb = openat(sides[1].root, path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	off_t off = 0;
	int bad = 0;

	if (fa < 0 || fb < 0) {
		bad = final_diff("cannot open %s", path);
		goto out;
	}
	for (;;) {
		ssize_t na = pread(fa, ra.data, MAXIO, off);
		ssize_t nb = pread(fb, rb.data, MAXIO, off);

		if (na != nb || na < 0 || memcmp(ra.data, rb.data, na)) {
			bad = final_diff("contents of %s differ", path);
			break;
		}
		if (!na)
			break;
		off += na;
	}
out:
	if (fa >= 0)
		close(fa);
	if (fb >= 0)
		close(fb);
	return bad;
}

static int compare_tree(const char *path, int depth)
{
	char *la, *line, *save = NULL;
	int na, nb, bad = 0;

	na = list_dir(sides[0].root, path, &ra);
	nb = list_dir(sides[1].root, path, &rb);
	ra.ret = na;
	rb.ret = nb;
	ra.err = na < 0 ? errno : 0;
	rb.err = nb < 0 ? errno : 0;
	ra.info[0] = rb.info[0] = 0;
	if (na != nb || na < 0 || ra.dlen != rb.dlen ||
	    memcmp(ra.data, rb.data, ra.dlen))
		return final_diff("directory %s differs", path);
	if (depth > 8)
		return 0;
	la = strndup((char *)ra.data, ra.dlen);
	if (!la)
		abort();
	for (line = strtok_r(la, "\n", &save); line && !bad;
	     line = strtok_r(NULL, "\n", &save)) {
		char sub[PATHBUF];
		struct stat sa, sb;
		int ta, tb;

		*strrchr(line, ' ') = 0;
		snprintf(sub, sizeof(sub), "%s/%s", path, line);
		ra.info[0] = rb.info[0] = 0;
		ta = fstatat(sides[0].root, sub, &sa, AT_SYMLINK_NOFOLLOW);
		set_stat_info(&ra, "lstat", ta, &sa);
		tb = fstatat(sides[1].root, sub, &sb, AT_SYMLINK_NOFOLLOW);
		set_stat_info(&rb, "lstat", tb, &sb);
		if (ta || tb || strcmp(ra.info, rb.info)) {
			bad = final_diff("attributes of %s differ", sub);
			break;
		}
		if (S_ISDIR(sa.st_mode)) {
			bad = compare_tree(sub, depth + 1);
		} else if (S_ISREG(sa.st_mode)) {
			bad = compare_file(sub);
		} else if (S_ISLNK(sa.st_mode)) {
			ra.ret = readlinkat(sides[0].root, sub,
					    (char *)ra.data, MAXIO);
			rb.ret = readlinkat(sides[1].root, sub,
					    (char *)rb.data, MAXIO);
			if (ra.ret != rb.ret || ra.ret < 0 ||
			    memcmp(ra.data, rb.data, ra.ret))
				bad = final_diff("symlink %s differs", sub);
		}
	}
	free(la);
	return bad;
}

/* ---- main */

static void usage(FILE *f, const char *prog)
{
	fprintf(f, "usage: %s [-v] [-k] DIR_A DIR_B SEED NOPS\n"
		"  runs NOPS pseudo-random file operations from SEED in\n"
		"  DIR_A/fsdiff-SEED and DIR_B/fsdiff-SEED, compares results\n"
		"  -v  print every op\n"
		"  -k  keep both trees\n", prog);
}

int main(int argc, char **argv)
{
	static struct res a, b;
	unsigned long nops, n, nfail = 0;
	char work[64], *end;
	int i, opt, bad = 0;
	struct op *op;

	while ((opt = getopt(argc, argv, "vkh")) != -1) {
		switch (opt) {
		case 'v':
			verbose = true;
			break;
		case 'k':
			keep = true;
			break;
		case 'h':
			usage(stdout, argv[0]);
			return 0;
		default:
			usage(stderr, argv[0]);
			return 2;
		}
	}
	if (argc - optind != 4) {
		usage(stderr, argv[0]);
		return 2;
	}
	seed = strtoull(argv[optind + 2], &end, 0);
	if (*end) {
		usage(stderr, argv[0]);
		return 2;
	}
	nops = strtoul(argv[optind + 3], &end, 0);
	if (*end) {
		usage(stderr, argv[0]);
		return 2;
	}
	rng_state = seed;
	memset(long255, 'L', 255);
	memset(long256, 'M', 256);
	umask(022);
	/* a write to a FIFO nobody reads: EPIPE on both sides, no signal */
	signal(SIGPIPE, SIG_IGN);
	snprintf(work, sizeof(work), "fsdiff-%llu", seed);
	for (i = 0; i < 2; i++) {
		int top;

		sides[i].dir = argv[optind + i];
		top = open(sides[i].dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (top < 0 || mkdirat(top, work, 0755) < 0 ||
		    (sides[i].root = openat(top, work, O_RDONLY | O_DIRECTORY |
					    O_CLOEXEC)) < 0) {
			fprintf(stderr, "fsdiff: %s/%s: %s\n", sides[i].dir,
				work, strerror(errno));
			return 2;
		}
		close(top);
		memset(sides[i].fd, -1, sizeof(sides[i].fd));
	}
	a.data = malloc(MAXIO);
	b.data = malloc(MAXIO);
	ra.data = malloc(MAXIO);
	rb.data = malloc(MAXIO);
	for (i = 0; i < HISTORY; i++)
		history[i].data = malloc(MAXIO);
	if (!a.data || !b.data || !ra.data || !rb.data ||
	    !history[HISTORY - 1].data)
		abort();

	for (n = 1; n <= nops; n++) {
		op = &history[n % HISTORY];
		gen_op(op);
		run_op(&sides[0], op, &a);
		run_op(&sides[1], op, &b);
		if (verbose)
			printf("%lu: %s = %lld%s%s\n", n, op->desc, a.ret,
			       a.ret < 0 ? " " : "",
			       a.ret < 0 ? strerrorname_np(a.err) : "");
		if (compare(n, op, &a, &b)) {
			print_history(n);
			bad = 1;
			break;
		}
		if (a.ret < 0)
			nfail++;
		if (op->kind == OP_OPEN && !a.ret) {
			struct stat st;

			slot_open[op->slot] = true;
			slot_dir[op->slot] =
				!fstat(sides[0].fd[op->slot], &st) &&
				S_ISDIR(st.st_mode);
			slot_wr[op->slot] = (op->flags & O_ACCMODE) != O_RDONLY;
		} else if (op->kind == OP_CLOSE) {
			slot_open[op->slot] = false;
			slot_wr[op->slot] = false;
			slot_dir[op->slot] = false;
		}
	}
	for (i = 0; i < 2; i++) {
		int k;

		for (k = 0; k < NSLOTS; k++)
			if (sides[i].fd[k] >= 0)
				close(sides[i].fd[k]);
	}
	if (!bad)
		bad = compare_tree(".", 0);
	if (!bad && !keep) {
		for (i = 0; i < 2; i++) {
			int top = open(sides[i].dir, O_RDONLY | O_DIRECTORY |
				       O_CLOEXEC);

			close(sides[i].root);
			if (top >= 0 && remove_tree(top, work) < 0)
				fprintf(stderr, "fsdiff: cannot remove %s/%s: %s\n",
					sides[i].dir, work, strerror(errno));
			if (top >= 0)
				close(top);
		}
	}
	if (bad) {
		printf("fsdiff: seed %llu: trees kept in %s/%s and %s/%s\n",
		       seed, sides[0].dir, work, sides[1].dir, work);
		return 1;
	}
	printf("fsdiff: seed %llu: %lu ops compared (%lu failed alike), "
	       "final trees equal: %s and %s agree\n", seed, nops, nfail,
	       sides[0].dir, sides[1].dir);
	return 0;
}
