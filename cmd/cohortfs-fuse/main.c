// SPDX-License-Identifier: GPL-2.0
/*
 * cohortfs-fuse: mount a cohortfs image with FUSE 3 (low-level API).
 *
 * The image is mapped MAP_SHARED; every mount is one cohortfs client, so
 * several mounts (and library users) share the image at once.  Inodes the
 * kernel knows (lookup count > 0) are held, so unlinked open files live
 * on until the kernel forgets them.
 */
#define FUSE_USE_VERSION 312
#include <errno.h>
#include <fcntl.h>
#include <fuse_lowlevel.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cohortfs/cfs_user.h"

static struct cfs_user U;
static char *image;
static double timeout;

struct cfs_opts {
	double timeout;
};

static const struct fuse_opt cfs_optspec[] = {
	{ "timeout=%lf", offsetof(struct cfs_opts, timeout), 0 },
	FUSE_OPT_END
};

static void ino_of(fuse_ino_t n, u32 *ino, u32 *gen)
{
	if (n == FUSE_ROOT_ID) {
		*ino = COHORTFS_ROOT_INO;
		*gen = CFS_ST_GEN(cfs_ld64(&cfs_inode(&U.fs, 1)->state));
	} else {
		*ino = (u32)n;
		*gen = (u32)(n >> 32);
	}
}

static fuse_ino_t node_of(u32 ino, u32 gen)
{
	return ino == COHORTFS_ROOT_INO ? FUSE_ROOT_ID :
	       ((fuse_ino_t)gen << 32) | ino;
}

static dev_t decode_dev(u32 d)
{
	return makedev((d >> 8) & 0xfff, (d & 0xff) | ((d >> 12) & 0xfff00));
}

static u32 encode_dev(dev_t d)
{
	u32 ma = major(d), mi = minor(d);

	return (mi & 0xff) | (ma << 8) | ((mi & ~0xffU) << 12);
}

static void to_stat(const struct cfs_attr *a, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_ino = a->ino;
	st->st_mode = a->mode;
	st->st_nlink = a->nlink;
	st->st_uid = a->uid;
	st->st_gid = a->gid;
	st->st_rdev = decode_dev(a->rdev);
	st->st_size = a->size;
	st->st_blksize = COHORTFS_BLOCK_SIZE;
	st->st_blocks = a->blocks;
	st->st_atim.tv_sec = a->atime / 1000000000LL;
	st->st_atim.tv_nsec = a->atime % 1000000000LL;
	st->st_mtim.tv_sec = a->mtime / 1000000000LL;
	st->st_mtim.tv_nsec = a->mtime % 1000000000LL;
	st->st_ctim.tv_sec = a->ctime / 1000000000LL;
	st->st_ctim.tv_nsec = a->ctime % 1000000000LL;
}

/* Current attributes, checking the generation the kernel knows. */
static int attr_of(fuse_ino_t n, struct cfs_attr *a)
{
	u32 ino, gen;
	int ret;

	ino_of(n, &ino, &gen);
	ret = cfs_getattr(&U.fs, ino, a);
	if (!ret && a->gen != gen)
		ret = -ESTALE;
	return ret;
}

static int err(int ret)
{
	if (ret == -EUCLEAN)
		return EIO;
	if (ret == -ESTALE)
		return ENOENT;
	return -ret;
}

/* Reply with an entry for (ino, gen), taking one hold for the kernel. */
static void reply_entry(fuse_req_t req, u32 ino, u32 gen)
{
	struct fuse_entry_param e;
	struct cfs_attr a;
	int ret;

	ret = cfs_uhold(&U, ino, gen);
	if (!ret)
		ret = cfs_getattr(&U.fs, ino, &a);
	if (!ret && a.gen != gen) {
		cfs_uunhold(&U, ino, gen);
		ret = -ESTALE;
	}
	if (ret) {
		if (ret != -ESTALE)
			cfs_uunhold(&U, ino, gen);
		fuse_reply_err(req, err(ret));
		return;
	}
	memset(&e, 0, sizeof(e));
	e.ino = node_of(ino, gen);
	e.generation = gen;
	e.attr_timeout = timeout;
	e.entry_timeout = timeout;
	to_stat(&a, &e.attr);
	if (fuse_reply_entry(req, &e))
		cfs_uunhold(&U, ino, gen);
}

static void op_init(void *userdata, struct fuse_conn_info *conn)
{
	(void)userdata;
	conn->want &= ~FUSE_CAP_WRITEBACK_CACHE;
}

static void op_destroy(void *userdata)
{
	(void)userdata;
	cfs_user_close(&U);
}

static void op_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	u32 dir, dgen, ino, gen;
	int ret;

	ino_of(parent, &dir, &dgen);
	ret = cfs_lookup(&U.fs, dir, name, strlen(name), &ino, &gen);
	if (ret) {
		fuse_reply_err(req, err(ret));
		return;
	}
	reply_entry(req, ino, gen);
}

static void op_forget(fuse_req_t req, fuse_ino_t n, uint64_t nlookup)
{
	u32 ino, gen;

	ino_of(n, &ino, &gen);
	while (nlookup--)
		cfs_uunhold(&U, ino, gen);
	fuse_reply_none(req);
}

static void op_forget_multi(fuse_req_t req, size_t count,
			    struct fuse_forget_data *f)
{
	size_t i;

	for (i = 0; i < count; i++) {
		u32 ino, gen;
		uint64_t k;

		ino_of(f[i].ino, &ino, &gen);
		for (k = 0; k < f[i].nlookup; k++)
			cfs_uunhold(&U, ino, gen);
	}
	fuse_reply_none(req);
}

static void op_getattr(fuse_req_t req, fuse_ino_t n, struct fuse_file_info *fi)
{
	struct cfs_attr a;
	struct stat st;
	int ret;

	(void)fi;
	ret = attr_of(n, &a);
	if (ret) {
		fuse_reply_err(req, err(ret));
		return;
	}
	to_stat(&a, &st);
	fuse_reply_attr(req, &st, timeout);
}

static s64 ts_ns(const struct timespec *t)
{
	return (s64)t->tv_sec * 1000000000LL + t->tv_nsec;
}

static void op_setattr(fuse_req_t req, fuse_ino_t n, struct stat *st,
		       int to_set, struct fuse_file_info *fi)
{
	struct cfs_attr a, cur;
	u32 ino, gen, mask = 0;
	s64 now;
	int ret;

	(void)fi;
	ret = attr_of(n, &cur);
	if (ret) {
		fuse_reply_err(req, err(ret));
		return;
	}
	ino_of(n, &ino, &gen);
	memset(&a, 0, sizeof(a));
	now = U.host.now(NULL);
	if (to_set & FUSE_SET_ATTR_MODE) {
		mask |= CFS_SET_MODE;
		a.mode = st->st_mode;
	}
	if (to_set & FUSE_SET_ATTR_UID) {
		mask |= CFS_SET_UID;
		a.uid = st->st_uid;
	}
	if (to_set & FUSE_SET_ATTR_GID) {
		mask |= CFS_SET_GID;
		a.gid = st->st_gid;
	}
	if (to_set & FUSE_SET_ATTR_SIZE) {
		mask |= CFS_SET_SIZE;
		a.size = st->st_size;
	}
	if (to_set & (FUSE_SET_ATTR_ATIME | FUSE_SET_ATTR_ATIME_NOW)) {
		mask |= CFS_SET_ATIME;
		a.atime = to_set & FUSE_SET_ATTR_ATIME_NOW ? now :
			  ts_ns(&st->st_atim);
	}
	if (to_set & (FUSE_SET_ATTR_MTIME | FUSE_SET_ATTR_MTIME_NOW)) {
		mask |= CFS_SET_MTIME;
		a.mtime = to_set & FUSE_SET_ATTR_MTIME_NOW ? now :
			  ts_ns(&st->st_mtim);
	}
	if (to_set & FUSE_SET_ATTR_CTIME) {
		mask |= CFS_SET_CTIME;
		a.ctime = ts_ns(&st->st_ctim);
	}
	ret = cfs_setattr(&U.fs, ino, mask, &a);
	if (ret) {
		fuse_reply_err(req, err(ret));
		return;
	}
	op_getattr(req, n, NULL);
}

static void op_readlink(fuse_req_t req, fuse_ino_t n)
{
	char buf[COHORTFS_SYMLINK_MAX + 1];
	u32 ino, gen;
	int ret;

	ino_of(n, &ino, &gen);
	ret = cfs_readlink(&U.fs, ino, buf, sizeof(buf));
	if (ret < 0)
		fuse_reply_err(req, err(ret));
	else
		fuse_reply_readlink(req, buf);
}

/*
 * Group of a new inode in @dir: the caller's, or the directory's if it
 * has S_ISGID, which a new subdirectory inherits too.  Local filesystems
 * get this from inode_init_owner(); the kernel leaves it to FUSE daemons
 * (it only strips S_ISGID from new files of callers outside the group).
 */
static u32 new_gid(fuse_req_t req, u32 dir, mode_t *mode)
{
	struct cfs_attr a;

	if (cfs_getattr(&U.fs, dir, &a) || !(a.mode & S_ISGID))
		return fuse_req_ctx(req)->gid;
	if (S_ISDIR(*mode))
		*mode |= S_ISGID;
	return a.gid;
}

static void make(fuse_req_t req, fuse_ino_t parent, const char *name,
		 mode_t mode, dev_t rdev, const char *target)
{
	const struct fuse_ctx *ctx = fuse_req_ctx(req);
	u32 dir, dgen, ino, gen, gid;
	int ret;

	ino_of(parent, &dir, &dgen);
	gid = new_gid(req, dir, &mode);
	ret = cfs_create(&U.fs, dir, name, strlen(name), mode, ctx->uid,
			 gid, encode_dev(rdev), target, &ino, &gen);
	if (ret) {
		fuse_reply_err(req, err(ret));
		return;
	}
	reply_entry(req, ino, gen);
}

static void op_mknod(fuse_req_t req, fuse_ino_t parent, const char *name,
		     mode_t mode, dev_t rdev)
{
	make(req, parent, name, mode, rdev, NULL);
}

static void op_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name,
		     mode_t mode)
{
	make(req, parent, name, S_IFDIR | (mode & 07777), 0, NULL);
}

static void op_symlink(fuse_req_t req, const char *link, fuse_ino_t parent,
		       const char *name)
{
	make(req, parent, name, S_IFLNK | 0777, 0, link);
}

static void op_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	u32 dir, dgen;

	ino_of(parent, &dir, &dgen);
	fuse_reply_err(req, err(cfs_unlink(&U.fs, dir, name, strlen(name))));
}

static void op_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	u32 dir, dgen;

	ino_of(parent, &dir, &dgen);
	fuse_reply_err(req, err(cfs_rmdir(&U.fs, dir, name, strlen(name))));
}

static void op_rename(fuse_req_t req, fuse_ino_t parent, const char *name,
		      fuse_ino_t newparent, const char *newname,
		      unsigned int flags)
{
	u32 od, og, nd, ng, f = 0;

	if (flags & ~RENAME_NOREPLACE) {
		fuse_reply_err(req, EINVAL);
		return;
	}
	if (flags & RENAME_NOREPLACE)
		f |= CFS_RENAME_NOREPLACE;
	ino_of(parent, &od, &og);
	ino_of(newparent, &nd, &ng);
	fuse_reply_err(req, err(cfs_rename(&U.fs, od, name, strlen(name), nd,
					   newname, strlen(newname), f)));
}

static void op_link(fuse_req_t req, fuse_ino_t n, fuse_ino_t newparent,
		    const char *newname)
{
	u32 ino, gen, dir, dgen;
	int ret;

	ino_of(n, &ino, &gen);
	ino_of(newparent, &dir, &dgen);
	ret = cfs_link(&U.fs, ino, dir, newname, strlen(newname));
	if (ret) {
		fuse_reply_err(req, err(ret));
		return;
	}
	reply_entry(req, ino, gen);
}

/*
 * O_TRUNC of an existing regular file.  libfuse enables
 * FUSE_CAP_ATOMIC_O_TRUNC, so the kernel passes the flag to open (and to
 * create of a name that exists by now) instead of truncating first.
 */
static int open_trunc(u32 ino, const struct cfs_attr *a, int flags)
{
	if (!(flags & O_TRUNC) || !S_ISREG(a->mode))
		return 0;
	return cfs_truncate(&U.fs, ino, 0);
}

static void op_open(fuse_req_t req, fuse_ino_t n, struct fuse_file_info *fi)
{
	struct cfs_attr a;
	u32 ino, gen;
	int ret = attr_of(n, &a);

	if (!ret && S_ISDIR(a.mode))
		ret = -EISDIR;
	ino_of(n, &ino, &gen);
	if (!ret)
		ret = open_trunc(ino, &a, fi->flags);
	if (ret) {
		fuse_reply_err(req, err(ret));
		return;
	}
	fi->keep_cache = 0;
	fuse_reply_open(req, fi);
}

static void op_create(fuse_req_t req, fuse_ino_t parent, const char *name,
		      mode_t mode, struct fuse_file_info *fi)
{
	const struct fuse_ctx *ctx = fuse_req_ctx(req);
	struct fuse_entry_param e;
	u32 dir, dgen, ino, gen, gid;
	bool existed = false;
	struct cfs_attr a;
	int ret;

	ino_of(parent, &dir, &dgen);
	mode = S_IFREG | (mode & 07777);
	gid = new_gid(req, dir, &mode);
	ret = cfs_create(&U.fs, dir, name, strlen(name), mode, ctx->uid, gid,
			 0, NULL, &ino, &gen);
	if (ret == -EEXIST && !(fi->flags & O_EXCL)) {
		ret = cfs_lookup(&U.fs, dir, name, strlen(name), &ino, &gen);
		existed = true;
	}
	if (!ret)
		ret = cfs_uhold(&U, ino, gen);
	if (ret) {
		fuse_reply_err(req, err(ret));
		return;
	}
	ret = cfs_getattr(&U.fs, ino, &a);
	if (!ret && existed && S_ISDIR(a.mode))
		ret = -EISDIR;
	if (!ret && existed) {
		ret = open_trunc(ino, &a, fi->flags);
		if (!ret)
			ret = cfs_getattr(&U.fs, ino, &a);
	}
	if (ret) {
		cfs_uunhold(&U, ino, gen);
		fuse_reply_err(req, err(ret));
		return;
	}
	memset(&e, 0, sizeof(e));
	e.ino = node_of(ino, gen);
	e.generation = gen;
	e.attr_timeout = timeout;
	e.entry_timeout = timeout;
	to_stat(&a, &e.attr);
	fi->keep_cache = 0;
	if (fuse_reply_create(req, &e, fi))
		cfs_uunhold(&U, ino, gen);
}

static void op_read(fuse_req_t req, fuse_ino_t n, size_t size, off_t off,
		    struct fuse_file_info *fi)
{
	char *buf = malloc(size ? size : 1);
	u32 ino, gen;
	s64 r;

	(void)fi;
	if (!buf) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	ino_of(n, &ino, &gen);
	r = cfs_read(&U.fs, ino, off, buf, size);
	if (r < 0)
		fuse_reply_err(req, err(r));
	else
		fuse_reply_buf(req, buf, r);
	free(buf);
}

static void op_write(fuse_req_t req, fuse_ino_t n, const char *buf,
		     size_t size, off_t off, struct fuse_file_info *fi)
{
	u32 ino, gen;
	s64 r;

	ino_of(n, &ino, &gen);
	r = cfs_write(&U.fs, ino, off, buf, size, fi->flags & O_APPEND);
	if (r < 0)
		fuse_reply_err(req, err(r));
	else
		fuse_reply_write(req, r);
}

static void op_fsync(fuse_req_t req, fuse_ino_t n, int datasync,
		     struct fuse_file_info *fi)
{
	(void)n;
	(void)datasync;
	(void)fi;
	fuse_reply_err(req, 0);
}

static void op_opendir(fuse_req_t req, fuse_ino_t n, struct fuse_file_info *fi)
{
	struct cfs_attr a;
	int ret = attr_of(n, &a);

	if (!ret && !S_ISDIR(a.mode))
		ret = -ENOTDIR;
	if (ret) {
		fuse_reply_err(req, err(ret));
		return;
	}
	fuse_reply_open(req, fi);
}

static void op_readdir(fuse_req_t req, fuse_ino_t n, size_t size, off_t off,
		       struct fuse_file_info *fi)
{
	char *buf = malloc(size);
	struct cfs_dirent_out de;
	size_t used = 0;
	u32 ino, gen;
	u64 pos;
	int ret = 0;

	(void)fi;
	if (!buf) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	ino_of(n, &ino, &gen);
	while (off < 2) {
		struct stat st = { .st_mode = S_IFDIR };
		size_t l;

		st.st_ino = off == 0 ? ino :
			    cfs_ld32(&cfs_inode(&U.fs, ino)->parent);
		l = fuse_add_direntry(req, buf + used, size - used,
				      off == 0 ? "." : "..", &st, off + 1);
		if (l > size - used)
			goto out;
		used += l;
		off++;
	}
	pos = off - 2;
	while ((ret = cfs_readdir(&U.fs, ino, &pos, &de)) == 1) {
		struct stat st = { .st_ino = de.ino,
				   .st_mode = (mode_t)de.type << 12 };
		size_t l = fuse_add_direntry(req, buf + used, size - used,
					     de.name, &st, pos + 2);

		if (l > size - used)
			break;
		used += l;
	}
out:
	if (ret < 0 && !used)
		fuse_reply_err(req, err(ret));
	else
		fuse_reply_buf(req, buf, used);
	free(buf);
}

static void op_statfs(fuse_req_t req, fuse_ino_t n)
{
	struct cfs_statfs s;
	struct statvfs v;

	(void)n;
	cfs_statfs(&U.fs, &s);
	memset(&v, 0, sizeof(v));
	v.f_bsize = COHORTFS_BLOCK_SIZE;
	v.f_frsize = COHORTFS_BLOCK_SIZE;
	v.f_blocks = s.blocks;
	v.f_bfree = s.bfree;
	v.f_bavail = s.bfree;
	v.f_files = s.files;
	v.f_ffree = s.ffree;
	v.f_favail = s.ffree;
	v.f_namemax = COHORTFS_NAME_MAX;
	fuse_reply_statfs(req, &v);
}

static const struct fuse_lowlevel_ops ops = {
	.init = op_init,
	.destroy = op_destroy,
	.lookup = op_lookup,
	.forget = op_forget,
	.forget_multi = op_forget_multi,
	.getattr = op_getattr,
	.setattr = op_setattr,
	.readlink = op_readlink,
	.mknod = op_mknod,
	.mkdir = op_mkdir,
	.symlink = op_symlink,
	.unlink = op_unlink,
	.rmdir = op_rmdir,
	.rename = op_rename,
	.link = op_link,
	.open = op_open,
	.create = op_create,
	.read = op_read,
	.write = op_write,
	.fsync = op_fsync,
	.opendir = op_opendir,
	.readdir = op_readdir,
	.statfs = op_statfs,
};

static void usage(FILE *f, const char *prog)
{
	fprintf(f, "usage: %s IMAGE DIR [-f] [-s] [-d] [-o OPTION,...]\n"
		"  -o timeout=SECS  attribute and entry cache time (default 0:\n"
		"                   changes by other mounts show at once)\n"
		"  other options: see fuse(8)\n", prog);
}

/* What the daemon tells the parent waiting in daemonize(). */
#define DAEMON_READY	'R'
#define DAEMON_FAILED	'F'

/*
 * Go to the background like fuse_daemonize(), except that the parent
 * waits until the daemon says whether it serves the mount and exits
 * with that outcome (fuse_daemonize() exits 0 at once, before anything
 * that can still fail).  A daemon that fails unmounts, prints why and
 * says so; one that dies without a word is unmounted by the parent.
 * Returns in the daemon: the pipe to report on.
 */
static int daemonize(struct fuse_session *se, const char *prog)
{
	int p[2];
	pid_t pid;
	char c = 0;

	if (pipe(p) < 0 || (pid = fork()) < 0) {
		fprintf(stderr, "%s: cannot go to the background: %s\n", prog,
			strerror(errno));
		fuse_session_unmount(se);
		exit(1);
	}
	if (pid) {
		close(p[1]);
		if (read(p[0], &c, 1) == 1 && c == DAEMON_READY)
			_exit(0);
		waitpid(pid, NULL, 0);
		if (c != DAEMON_FAILED) {
			fprintf(stderr, "%s: the daemon died while starting\n",
				prog);
			fuse_session_unmount(se);
		}
		_exit(1);
	}
	close(p[0]);
	setsid();
	return p[1];
}

/*
 * Tell the waiting parent whether the daemon serves the mount; when it
 * does, leave the caller's directory and terminal first.  Failures here
 * change nothing: the image path is absolute, and a parent that is gone
 * needs no answer.
 */
static void daemon_tell(int notify, char what)
{
	ssize_t n;
	int fd;

	if (notify < 0)
		return;
	if (what == DAEMON_READY) {
		fd = chdir("/") ? -1 : open("/dev/null", O_RDWR);
		if (fd >= 0) {
			dup2(fd, 0);
			dup2(fd, 1);
			dup2(fd, 2);
			if (fd > 2)
				close(fd);
		}
	}
	n = write(notify, &what, 1);
	(void)n;
	close(notify);
}

/* Whether @path is a cohortfs image we can map for writing. */
static int check_image(const char *path)
{
	uint64_t size;
	void *base;
	int ret, fd;

	ret = cfs_map_image(path, true, &base, &size, &fd);
	if (ret)
		return ret;
	ret = cfs_validate_super(base, size);
	cfs_unmap_image(base, size, fd);
	return ret;
}

int main(int argc, char **argv)
{
	struct fuse_args args;
	struct fuse_cmdline_opts o;
	struct fuse_loop_config *lc;
	struct cfs_opts co = { 0 };
	struct fuse_session *se;
	int ret = 1, i, notify = -1;

	if (argc < 3 || argv[1][0] == '-') {
		if (argc == 2 && (!strcmp(argv[1], "-h") ||
				  !strcmp(argv[1], "--help"))) {
			usage(stdout, argv[0]);
			return 0;
		}
		usage(stderr, argv[0]);
		return 1;
	}
	/* the daemon runs in /: keep the image by its absolute path */
	image = realpath(argv[1], NULL);
	if (!image) {
		fprintf(stderr, "%s: %s: %s\n", argv[0], argv[1],
			strerror(errno));
		return 1;
	}
	/* check the image before mounting anything */
	ret = check_image(image);
	if (ret) {
		fprintf(stderr, "%s: %s: %s\n", argv[0], argv[1],
			ret == -EUCLEAN ? "not a valid cohortfs image" :
			cfs_strerror(ret));
		return 1;
	}

	args.argc = argc - 1;
	args.argv = malloc(sizeof(char *) * argc);
	args.allocated = 0;
	args.argv[0] = argv[0];
	for (i = 2; i < argc; i++)
		args.argv[i - 1] = argv[i];
	if (fuse_opt_parse(&args, &co, cfs_optspec, NULL) == -1)
		return 1;
	timeout = co.timeout;
	fuse_opt_add_arg(&args, "-odefault_permissions,fsname=cohortfs,subtype=cohortfs");
	if (fuse_parse_cmdline(&args, &o) != 0)
		return 1;
	if (o.show_help || o.show_version || !o.mountpoint) {
		usage(o.show_help ? stdout : stderr, argv[0]);
		return o.mountpoint ? 0 : 1;
	}
	se = fuse_session_new(&args, &ops, sizeof(ops), NULL);
	if (!se) {
		fprintf(stderr, "%s: cannot start a FUSE session\n", argv[0]);
		return 1;
	}
	if (fuse_set_signal_handlers(se) != 0 ||
	    fuse_session_mount(se, o.mountpoint) != 0) {
		fprintf(stderr, "%s: cannot mount on %s\n", argv[0],
			o.mountpoint);
		return 1;
	}
	if (!o.foreground)
		notify = daemonize(se, argv[0]);
	/* register only now: the client is this (daemonized) process */
	ret = cfs_user_open(&U, image, true);
	if (ret) {
		fprintf(stderr, "%s: %s: %s\n", argv[0], argv[1],
			cfs_strerror(ret));
		fuse_session_unmount(se);
		daemon_tell(notify, DAEMON_FAILED);
		return 1;
	}
	daemon_tell(notify, DAEMON_READY);
	if (o.singlethread) {
		ret = fuse_session_loop(se);
	} else {
		lc = fuse_loop_cfg_create();
		fuse_loop_cfg_set_clone_fd(lc, o.clone_fd);
		fuse_loop_cfg_set_max_threads(lc, o.max_threads);
		ret = fuse_session_loop_mt(se, lc);
		fuse_loop_cfg_destroy(lc);
	}
	fuse_session_unmount(se);
	fuse_remove_signal_handlers(se);
	fuse_session_destroy(se);
	free(o.mountpoint);
	fuse_opt_free_args(&args);
	return ret ? 1 : 0;
}
