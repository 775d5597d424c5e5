// SPDX-License-Identifier: GPL-2.0
/*
 * cohortfs userspace library; see cfs_user.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cfs_user.h"

static s64 cfs_user_now(void *priv)
{
	struct timespec ts;

	(void)priv;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (s64)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/*
 * Start time of process @pid in clock ticks since boot, 0 if unknown;
 * *@zombie tells whether it has exited but not been reaped.
 */
static u64 cfs_proc_stat(pid_t pid, bool *zombie)
{
	char path[64], buf[1024];
	unsigned long long start = 0;
	char *p;
	ssize_t n;
	int fd, field;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	p = strrchr(buf, ')');
	if (!p)
		return 0;
	*zombie = p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X');
	/* field 3 follows ") "; starttime is field 22 */
	for (field = 2; field < 22 && p; field++)
		p = strchr(p + 1, ' ');
	if (p)
		start = strtoull(p + 1, NULL, 10);
	return start;
}

static bool cfs_user_alive(void *priv, u32 id, u64 stamp)
{
	(void)priv;
	if (!id || id > INT32_MAX)
		return false;
	if (kill((pid_t)id, 0) < 0 && errno == ESRCH)
		return false;
	{
		bool zombie = false;
		u64 now = cfs_proc_stat((pid_t)id, &zombie);

		/* a reused pid has another start time */
		if (zombie || (stamp && now != stamp))
			return false;
	}
	return true;
}

/**
 * cfs_host_init() - host callbacks for this process.
 * @h: filled in.
 */
void cfs_host_init(struct cfs_host *h)
{
	memset(h, 0, sizeof(*h));
	h->now = cfs_user_now;
	h->alive = cfs_user_alive;
	h->host_id = getpid();
	{
		bool z;

		h->host_stamp = cfs_proc_stat(getpid(), &z);
	}
}

/**
 * cfs_map_image() - map an image file MAP_SHARED.
 * @path: the image.
 * @rw: writable mapping.
 * @base: the mapping.
 * @size: its length.
 * @fd: the open file.
 *
 * Return: 0 or a negative errno.
 */
int cfs_map_image(const char *path, bool rw, void **base, uint64_t *size,
		  int *fd)
{
	struct stat st;
	int f;

	f = open(path, (rw ? O_RDWR : O_RDONLY) | O_CLOEXEC);
	if (f < 0)
		return -errno;
	if (fstat(f, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(f);
		return S_ISREG(st.st_mode) ? -errno : -EINVAL;
	}
	if (st.st_size < COHORTFS_BLOCK_SIZE) {
		close(f);
		return -EUCLEAN;
	}
	*base = mmap(NULL, st.st_size, PROT_READ | (rw ? PROT_WRITE : 0),
		     MAP_SHARED, f, 0);
	if (*base == MAP_FAILED) {
		int e = -errno;

		close(f);
		return e;
	}
	*size = st.st_size;
	*fd = f;
	return 0;
}

/**
 * cfs_unmap_image() - undo cfs_map_image().
 * @base: the mapping.
 * @size: its length.
 * @fd: the file.
 */
void cfs_unmap_image(void *base, uint64_t size, int fd)
{
	munmap(base, size);
	close(fd);
}

/**
 * cfs_user_open() - map an image and mount it.
 * @u: filled in.
 * @image: path of the image.
 * @rw: register as a writing client.
 *
 * Return: 0 or a negative errno.
 */
int cfs_user_open(struct cfs_user *u, const char *image, bool rw)
{
	int ret;

	memset(u, 0, sizeof(*u));
	cfs_host_init(&u->host);
	ret = cfs_map_image(image, rw, &u->base, &u->size, &u->fd);
	if (ret)
		return ret;
	ret = cfs_mount(&u->fs, u->base, u->size, &u->host, rw);
	if (!ret) {
		u->holds = calloc(u->fs.ninodes, sizeof(*u->holds));
		if (!u->holds) {
			cfs_unmount(&u->fs);
			ret = -ENOMEM;
		}
	}
	if (ret) {
		cfs_unmap_image(u->base, u->size, u->fd);
		return ret;
	}
	pthread_mutex_init(&u->lock, NULL);
	return 0;
}

/**
 * cfs_user_close() - unmount (dropping all holds) and unmap.
 * @u: the attachment.
 */
void cfs_user_close(struct cfs_user *u)
{
	cfs_unmount(&u->fs);
	cfs_unmap_image(u->base, u->size, u->fd);
	free(u->holds);
	pthread_mutex_destroy(&u->lock);
}

/**
 * cfs_uhold() - counted hold of an inode by this process.
 * @u: the attachment.
 * @ino: inode.
 * @gen: generation.
 *
 * Return: 0 or -ESTALE.
 */
int cfs_uhold(struct cfs_user *u, uint32_t ino, uint32_t gen)
{
	int ret = 0;

	if (!cfs_ino_ok(&u->fs, ino))
		return -ESTALE;
	pthread_mutex_lock(&u->lock);
	if (!u->holds[ino])
		ret = cfs_hold(&u->fs, ino, gen);
	if (!ret)
		u->holds[ino]++;
	pthread_mutex_unlock(&u->lock);
	return ret;
}

/**
 * cfs_uunhold() - drop a hold taken with cfs_uhold().
 * @u: the attachment.
 * @ino: inode.
 * @gen: generation.
 */
void cfs_uunhold(struct cfs_user *u, uint32_t ino, uint32_t gen)
{
	if (!cfs_ino_ok(&u->fs, ino))
		return;
	pthread_mutex_lock(&u->lock);
	if (u->holds[ino] && !--u->holds[ino])
		cfs_unhold(&u->fs, ino, gen);
	pthread_mutex_unlock(&u->lock);
}

/* Walk @path from the root, stopping before the last component. */
static int cfs_walk(struct cfs_user *u, const char *path, bool parent,
		    uint32_t *ino, uint32_t *gen, const char **last,
		    uint32_t *lastlen)
{
	uint32_t cur = COHORTFS_ROOT_INO, cgen = 1;
	const char *p = path;
	int ret;

	ret = cfs_inode_valid(&u->fs, cur, 0);
	if (ret)
		return ret;
	cgen = CFS_ST_GEN(cfs_ld64(&cfs_inode(&u->fs, cur)->state));
	for (;;) {
		const char *e;
		uint32_t len;

		while (*p == '/')
			p++;
		if (!*p) {
			if (parent)
				return -EINVAL;
			break;
		}
		e = strchrnul(p, '/');
		len = e - p;
		{
			const char *q = e;

			while (*q == '/')
				q++;
			if (parent && !*q) {
				*last = p;
				*lastlen = len;
				break;
			}
		}
		ret = cfs_lookup(&u->fs, cur, p, len, &cur, &cgen);
		if (ret)
			return ret;
		p = e;
	}
	*ino = cur;
	*gen = cgen;
	return 0;
}

/**
 * cfs_resolve() - inode of an absolute path in the image (no symlinks).
 * @u: the attachment.
 * @path: the path.
 * @ino: its inode.
 * @gen: its generation.
 *
 * Return: 0 or a negative errno.
 */
int cfs_resolve(struct cfs_user *u, const char *path, uint32_t *ino,
		uint32_t *gen)
{
	return cfs_walk(u, path, false, ino, gen, NULL, NULL);
}

/* Resolve the parent of @path and hold it. */
static int cfs_parent(struct cfs_user *u, const char *path, uint32_t *dir,
		      uint32_t *dgen, const char **name, uint32_t *len)
{
	int ret = cfs_walk(u, path, true, dir, dgen, name, len);

	if (!ret)
		ret = cfs_uhold(u, *dir, *dgen);
	return ret;
}

/**
 * cfs_path_create() - create a file (mode S_IFREG...), directory or
 * symlink (with @target) at @path, owned by the caller.
 * @u: the attachment.
 * @path: the path.
 * @mode: type and permissions.
 * @target: symlink target or NULL.
 *
 * Return: 0 or a negative errno.
 */
int cfs_path_create(struct cfs_user *u, const char *path, uint32_t mode,
		    const char *target)
{
	uint32_t dir, dgen, len, ino, gen;
	const char *name;
	int ret;

	ret = cfs_parent(u, path, &dir, &dgen, &name, &len);
	if (ret)
		return ret;
	ret = cfs_create(&u->fs, dir, name, len, mode, getuid(), getgid(), 0,
			 target, &ino, &gen);
	cfs_uunhold(u, dir, dgen);
	return ret;
}

static int cfs_path_remove(struct cfs_user *u, const char *path, bool isdir)
{
	uint32_t dir, dgen, len;
	const char *name;
	int ret;

	ret = cfs_parent(u, path, &dir, &dgen, &name, &len);
	if (ret)
		return ret;
	ret = isdir ? cfs_rmdir(&u->fs, dir, name, len) :
		      cfs_unlink(&u->fs, dir, name, len);
	cfs_uunhold(u, dir, dgen);
	return ret;
}

/**
 * cfs_path_unlink() - unlink(2) on an image path.
 * @u: the attachment.
 * @path: the path.
 *
 * Return: 0 or a negative errno.
 */
int cfs_path_unlink(struct cfs_user *u, const char *path)
{
	return cfs_path_remove(u, path, false);
}

/**
 * cfs_path_rmdir() - rmdir(2) on an image path.
 * @u: the attachment.
 * @path: the path.
 *
 * Return: 0 or a negative errno.
 */
int cfs_path_rmdir(struct cfs_user *u, const char *path)
{
	return cfs_path_remove(u, path, true);
}

/**
 * cfs_path_rename() - rename(2) on image paths.
 * @u: the attachment.
 * @from: source path.
 * @to: target path.
 * @flags: CFS_RENAME_NOREPLACE or 0.
 *
 * Return: 0 or a negative errno.
 */
int cfs_path_rename(struct cfs_user *u, const char *from, const char *to,
		    uint32_t flags)
{
	uint32_t od, og, ol, nd, ng, nl;
	const char *on, *nn;
	int ret;

	ret = cfs_parent(u, from, &od, &og, &on, &ol);
	if (ret)
		return ret;
	ret = cfs_parent(u, to, &nd, &ng, &nn, &nl);
	if (!ret) {
		ret = cfs_rename(&u->fs, od, on, ol, nd, nn, nl, flags);
		cfs_uunhold(u, nd, ng);
	}
	cfs_uunhold(u, od, og);
	return ret;
}

/**
 * cfs_path_link() - link(2) on image paths.
 * @u: the attachment.
 * @from: existing path.
 * @to: new path.
 *
 * Return: 0 or a negative errno.
 */
int cfs_path_link(struct cfs_user *u, const char *from, const char *to)
{
	uint32_t ino, gen, dir, dgen, len;
	const char *name;
	int ret;

	ret = cfs_resolve(u, from, &ino, &gen);
	if (ret)
		return ret;
	ret = cfs_uhold(u, ino, gen);
	if (ret)
		return ret;
	ret = cfs_parent(u, to, &dir, &dgen, &name, &len);
	if (!ret) {
		ret = cfs_link(&u->fs, ino, dir, name, len);
		cfs_uunhold(u, dir, dgen);
	}
	cfs_uunhold(u, ino, gen);
	return ret;
}

/**
 * cfs_path_write() - write to the file at @path.
 * @u: the attachment.
 * @path: the path.
 * @off: offset (ignored with @append).
 * @buf: data.
 * @len: length.
 * @append: append atomically.
 *
 * Return: bytes written or a negative errno.
 */
int64_t cfs_path_write(struct cfs_user *u, const char *path, uint64_t off,
		       const void *buf, uint64_t len, bool append)
{
	uint32_t ino, gen;
	int64_t ret;

	ret = cfs_resolve(u, path, &ino, &gen);
	if (ret)
		return ret;
	ret = cfs_uhold(u, ino, gen);
	if (ret)
		return ret;
	ret = cfs_write(&u->fs, ino, off, buf, len, append);
	cfs_uunhold(u, ino, gen);
	return ret;
}

/**
 * cfs_path_read() - read from the file at @path.
 * @u: the attachment.
 * @path: the path.
 * @off: offset.
 * @buf: destination.
 * @len: length.
 *
 * Return: bytes read or a negative errno.
 */
int64_t cfs_path_read(struct cfs_user *u, const char *path, uint64_t off,
		      void *buf, uint64_t len)
{
	uint32_t ino, gen;
	int ret;

	ret = cfs_resolve(u, path, &ino, &gen);
	if (ret)
		return ret;
	return cfs_read(&u->fs, ino, off, buf, len);
}

/**
 * cfs_path_stat() - attributes of the inode at @path.
 * @u: the attachment.
 * @path: the path.
 * @a: filled in.
 *
 * Return: 0 or a negative errno.
 */
int cfs_path_stat(struct cfs_user *u, const char *path, struct cfs_attr *a)
{
	uint32_t ino, gen;
	int ret;

	ret = cfs_resolve(u, path, &ino, &gen);
	if (ret)
		return ret;
	return cfs_getattr(&u->fs, ino, a);
}

/**
 * cfs_strerror() - message for a negative errno from the library.
 * @err: the errno (negative).
 *
 * Return: a static string.
 */
const char *cfs_strerror(int err)
{
	if (err == -EUCLEAN)
		return "filesystem corrupt (structure needs cleaning)";
	if (err == -EOPNOTSUPP)
		return "unsupported cohortfs version or feature";
	return strerror(-err);
}
