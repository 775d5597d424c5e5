// SPDX-License-Identifier: GPL-2.0
/*
 * Applying layers, in order, to a directory given as an fd: files,
 * directories, symbolic and hard links, device nodes and fifos with their
 * modes, owners and times; whiteouts (.wh.NAME) and opaque directories
 * (.wh..wh..opq) removing what lower layers made.
 *
 * Safety: a member name is made clean and relative first (no "..", no
 * absolute path), its parent directory is reached one component at a time
 * without following any symbolic link (tree.c), and the last component is
 * made with *at() calls that do not follow one either; hard link targets
 * obey the same rules.  So nothing is ever written outside the target.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <json-c/linkhash.h>

#include "internal.h"

/* A directory whose mode and time are set once its layer is applied. */
struct deferred {
	char *path;
	mode_t mode;
	struct timespec mtime;
	bool has_mtime;
};

struct img_unpack {
	struct image_unpack_opts opts;
	struct image_unpack_stats *stats;
	bool root;			/* may chown and make devices */
	bool tail_missing;		/* the layer ended in its last member's padding */
	struct lh_table *seen;		/* paths the current layer made */
	struct deferred *dirs;
	size_t nr_dirs, cap_dirs;
	char path[PATH_MAX];		/* the member's clean name */
	char split[PATH_MAX];		/* the same, cut in parent and base */
	char target[PATH_MAX];		/* a hard link's target, cut */
};

static void free_key(struct lh_entry *e)
{
	free(lh_entry_k(e));
}

static int reset_seen(struct img_unpack *u)
{
	if (u->seen)
		lh_table_free(u->seen);
	u->seen = lh_kchar_table_new(1024, free_key);
	return u->seen ? 0 : -1;
}

static bool seen(struct img_unpack *u, const char *path)
{
	return lh_table_lookup_entry(u->seen, path) != NULL;
}

/* @path and its ancestors are present in this layer. */
static int mark_seen(struct img_unpack *u, const char *path)
{
	char buf[PATH_MAX], *slash, *key;

	snprintf(buf, sizeof(buf), "%s", path);
	for (;;) {
		if (seen(u, buf))
			return 0;
		key = strdup(buf);
		if (!key || lh_table_insert(u->seen, key, NULL)) {
			free(key);
			return -1;
		}
		slash = strrchr(buf, '/');
		if (!slash)
			return 0;
		*slash = '\0';
	}
}

struct img_unpack *img_unpack_new(const struct image_unpack_opts *opts,
				  struct image_unpack_stats *stats,
				  char *err, size_t errlen)
{
	struct img_unpack *u = calloc(1, sizeof(*u));

	if (!u || reset_seen(u)) {
		free(u);
		cohort_seterr(err, errlen, "out of memory");
		return NULL;
	}
	if (opts)
		u->opts = *opts;
	if (!u->opts.max_entries)
		u->opts.max_entries = IMAGE_DEFAULT_MAX_ENTRIES;
	u->stats = stats;
	u->root = geteuid() == 0;
	return u;
}

static void free_dirs(struct img_unpack *u)
{
	size_t i;

	for (i = 0; i < u->nr_dirs; i++)
		free(u->dirs[i].path);
	u->nr_dirs = 0;
}

void img_unpack_free(struct img_unpack *u)
{
	if (!u)
		return;
	free_dirs(u);
	free(u->dirs);
	lh_table_free(u->seen);
	free(u);
}

static void times_of(struct archive_entry *e, struct timespec ts[2])
{
	ts[1].tv_sec = archive_entry_mtime(e);
	ts[1].tv_nsec = archive_entry_mtime_nsec(e);
	if (!archive_entry_mtime_is_set(e))
		ts[1].tv_nsec = UTIME_OMIT;
	ts[0] = ts[1];
	if (archive_entry_atime_is_set(e)) {
		ts[0].tv_sec = archive_entry_atime(e);
		ts[0].tv_nsec = archive_entry_atime_nsec(e);
	}
}

static bool want_chown(struct img_unpack *u)
{
	return u->root && !u->opts.no_chown;
}

/*
 * Make room for a new @base in @pfd: remove what is there, unless it is a
 * directory and @keep_dir (a directory member merges with the lower one).
 * Return: 1 when a directory was kept, 0 when the name is free, -1.
 */
static int make_room(int pfd, const char *base, bool keep_dir, char *err,
		     size_t errlen)
{
	struct stat st;

	if (fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW)) {
		if (errno == ENOENT)
			return 0;
		cohort_seterr(err, errlen, "%s", strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode) && keep_dir)
		return 1;
	return image_remove_tree(pfd, base, err, errlen) ? -1 : 0;
}

/* Owner, mode and times of the node @base just made (not a symlink). */
static int set_meta_at(struct img_unpack *u, int pfd, const char *base,
		       struct archive_entry *e, char *err, size_t errlen)
{
	struct timespec ts[2];

	if (want_chown(u) &&
	    fchownat(pfd, base, archive_entry_uid(e), archive_entry_gid(e),
		     AT_SYMLINK_NOFOLLOW))
		goto fail;
	if (fchmodat(pfd, base, archive_entry_perm(e), 0))
		goto fail;
	times_of(e, ts);
	if (utimensat(pfd, base, ts, AT_SYMLINK_NOFOLLOW))
		goto fail;
	return 0;
fail:
	cohort_seterr(err, errlen, "setting owner, mode or time: %s", strerror(errno));
	return -1;
}

static int write_all(int fd, const char *p, size_t n, off_t off)
{
	ssize_t w;

	while (n) {
		w = pwrite(fd, p, n, off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= w;
		off += w;
	}
	return 0;
}

static int make_file(struct img_unpack *u, struct archive *a,
		     struct archive_entry *e, int pfd, const char *base,
		     char *err, size_t errlen)
{
	struct timespec ts[2];
	const void *buf;
	size_t size;
	la_int64_t off, end = 0;
	int fd, r;

	if (make_room(pfd, base, false, err, errlen) < 0)
		return -1;
	fd = openat(pfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, 0600);
	if (fd < 0) {
		cohort_seterr(err, errlen, "cannot create: %s", strerror(errno));
		return -1;
	}
	while ((r = archive_read_data_block(a, &buf, &size, &off)) != ARCHIVE_EOF) {
		if (r < ARCHIVE_WARN) {
			/*
			 * All of the data came, then the stream ended where
			 * the padding and the end-of-archive blocks should be
			 * (Debian's umoci 0.4.7 `insert` writes layers so):
			 * nothing is missing, this was the last member.
			 */
			if (archive_entry_size_is_set(e) &&
			    end >= archive_entry_size(e)) {
				u->tail_missing = true;
				break;
			}
			cohort_seterr(err, errlen, "%s", archive_error_string(a));
			goto fail;
		}
		if (off + (la_int64_t)size > end)
			end = off + size;
		u->stats->bytes += size;
		if (u->opts.max_bytes && u->stats->bytes > u->opts.max_bytes) {
			cohort_seterr(err, errlen, "more than %llu bytes of file data: refusing the image",
				(unsigned long long)u->opts.max_bytes);
			goto fail;
		}
		if (write_all(fd, buf, size, off)) {
			cohort_seterr(err, errlen, "write: %s", strerror(errno));
			goto fail;
		}
	}
	/* A sparse file may end in a hole. */
	if (archive_entry_size_is_set(e) &&
	    ftruncate(fd, archive_entry_size(e))) {
		cohort_seterr(err, errlen, "truncate: %s", strerror(errno));
		goto fail;
	}
	if (want_chown(u) &&
	    fchown(fd, archive_entry_uid(e), archive_entry_gid(e)))
		goto fail_meta;
	if (fchmod(fd, archive_entry_perm(e)))
		goto fail_meta;
	times_of(e, ts);
	if (futimens(fd, ts))
		goto fail_meta;
	close(fd);
	return 0;
fail_meta:
	cohort_seterr(err, errlen, "setting owner, mode or time: %s", strerror(errno));
fail:
	close(fd);
	return -1;
}

static int make_dir(struct img_unpack *u, struct archive_entry *e, int pfd,
		    const char *base, char *err, size_t errlen)
{
	struct deferred *d;
	int kept = make_room(pfd, base, true, err, errlen);

	if (kept < 0)
		return -1;
	/* Owner-writable until the layer is done; the mode comes then. */
	if (!kept && mkdirat(pfd, base, 0700)) {
		cohort_seterr(err, errlen, "cannot create: %s", strerror(errno));
		return -1;
	}
	if (want_chown(u) &&
	    fchownat(pfd, base, archive_entry_uid(e), archive_entry_gid(e),
		     AT_SYMLINK_NOFOLLOW)) {
		cohort_seterr(err, errlen, "setting the owner: %s", strerror(errno));
		return -1;
	}
	if (u->nr_dirs == u->cap_dirs) {
		size_t cap = u->cap_dirs ? 2 * u->cap_dirs : 64;

		d = realloc(u->dirs, cap * sizeof(*d));
		if (!d)
			goto oom;
		u->dirs = d;
		u->cap_dirs = cap;
	}
	d = &u->dirs[u->nr_dirs];
	d->path = strdup(u->path);
	if (!d->path)
		goto oom;
	d->mode = archive_entry_perm(e);
	d->has_mtime = archive_entry_mtime_is_set(e);
	d->mtime.tv_sec = archive_entry_mtime(e);
	d->mtime.tv_nsec = archive_entry_mtime_nsec(e);
	u->nr_dirs++;
	return 0;
oom:
	cohort_seterr(err, errlen, "out of memory");
	return -1;
}

static int make_symlink(struct img_unpack *u, struct archive_entry *e,
			int pfd, const char *base, char *err, size_t errlen)
{
	const char *target = archive_entry_symlink(e);
	struct timespec ts[2];

	if (!target || !*target) {
		cohort_seterr(err, errlen, "symbolic link without a target");
		return -1;
	}
	if (make_room(pfd, base, false, err, errlen) < 0)
		return -1;
	if (symlinkat(target, pfd, base)) {
		cohort_seterr(err, errlen, "cannot create: %s", strerror(errno));
		return -1;
	}
	times_of(e, ts);
	if ((want_chown(u) &&
	     fchownat(pfd, base, archive_entry_uid(e), archive_entry_gid(e),
		      AT_SYMLINK_NOFOLLOW)) ||
	    utimensat(pfd, base, ts, AT_SYMLINK_NOFOLLOW)) {
		cohort_seterr(err, errlen, "setting owner or time: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* Devices need root; without it they are counted and skipped. */
static int make_node(struct img_unpack *u, struct archive_entry *e, int pfd,
		     const char *base, char *err, size_t errlen)
{
	mode_t type = archive_entry_filetype(e);

	if (type != AE_IFIFO && !u->root) {
		u->stats->skipped_devices++;
		return 0;
	}
	if (make_room(pfd, base, false, err, errlen) < 0)
		return -1;
	if (mknodat(pfd, base, type | 0600,
		    type == AE_IFIFO ? 0 : archive_entry_rdev(e))) {
		cohort_seterr(err, errlen, "cannot create: %s", strerror(errno));
		return -1;
	}
	return set_meta_at(u, pfd, base, e, err, errlen);
}

/* A hard link to @linkname, which must be inside the tree already. */
static int make_hardlink(struct img_unpack *u, const char *linkname, int pfd,
			 const char *base, int rootfd, char *err, size_t errlen)
{
	const char *tparent, *tbase;
	struct stat tst, st;
	char sub[IMAGE_ERR_MAX];
	int tfd, ret = -1;

	if (img_path_clean(linkname, u->target, sizeof(u->target), err, errlen))
		return -1;
	if (!u->target[0]) {
		cohort_seterr(err, errlen, "hard link to the root directory");
		return -1;
	}
	if (!strcmp(u->target, u->path))
		return 0;
	img_path_split(u->target, &tparent, &tbase);
	tfd = img_open_dir(rootfd, tparent, false, sub, sizeof(sub));
	if (tfd < 0 || fstatat(tfd, tbase, &tst, AT_SYMLINK_NOFOLLOW)) {
		cohort_seterr(err, errlen, "hard link target '%.200s' %s", linkname,
			tfd < 0 && errno != ENOENT ? sub : "does not exist");
		goto out;
	}
	if (S_ISDIR(tst.st_mode)) {
		cohort_seterr(err, errlen, "hard link target '%.200s' is a directory", linkname);
		goto out;
	}
	if (!fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW) &&
	    st.st_dev == tst.st_dev && st.st_ino == tst.st_ino) {
		ret = 0;
		goto out;
	}
	if (make_room(pfd, base, false, err, errlen) < 0)
		goto out;
	if (linkat(tfd, tbase, pfd, base, 0)) {
		cohort_seterr(err, errlen, "cannot link to '%.200s': %s", linkname,
			strerror(errno));
		goto out;
	}
	ret = 0;
out:
	if (tfd >= 0)
		close(tfd);
	return ret;
}

/* .wh.NAME: NAME of a lower layer goes. */
static int whiteout(struct img_unpack *u, int rootfd, const char *parent,
		    const char *name, char *err, size_t errlen)
{
	char full[PATH_MAX];
	int pfd, ret;

	if (!*name || !strcmp(name, ".") || !strcmp(name, "..")) {
		cohort_seterr(err, errlen, "whiteout of an invalid name '%.200s'", name);
		return -1;
	}
	snprintf(full, sizeof(full), "%s%s%s", parent, *parent ? "/" : "", name);
	if (seen(u, full))	/* made by this layer: not for its whiteouts */
		return 0;
	/*
	 * No such directory, or a file in its place (a later layer's file
	 * replaced a lower directory and whites out what was in it): nothing
	 * to delete.  Through a symbolic link: refused, as for any member.
	 */
	pfd = img_open_dir(rootfd, parent, false, err, errlen);
	if (pfd < 0)
		return errno == ENOENT || errno == ENOTDIR ? 0 : -1;
	ret = image_remove_tree(pfd, name, err, errlen);
	close(pfd);
	u->stats->whiteouts += !ret;
	return ret;
}

/*
 * Remove what lower layers left in directory @fd (path @path): every entry
 * this layer did not make, and below those it made, the same again.
 */
static int prune(struct img_unpack *u, int fd, const char *path, char *err,
		 size_t errlen)
{
	char child[PATH_MAX];
	struct dirent *de;
	struct stat st;
	DIR *d = img_dir_stream(fd, ".");
	int sub, ret = 0;

	if (!d) {
		cohort_seterr(err, errlen, "%.200s: %s", path, strerror(errno));
		return -1;
	}
	while (!ret && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(child, sizeof(child), "%s%s%s", path, *path ? "/" : "",
			 de->d_name);
		if (!seen(u, child)) {
			ret = image_remove_tree(fd, de->d_name, err, errlen);
			continue;
		}
		if (fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) ||
		    !S_ISDIR(st.st_mode))
			continue;
		sub = img_open_dir(fd, de->d_name, false, err, errlen);
		if (sub < 0) {
			ret = -1;
			break;
		}
		ret = prune(u, sub, child, err, errlen);
		close(sub);
	}
	closedir(d);
	return ret;
}

/* .wh..wh..opq: the directory shows only what this layer puts in it. */
static int opaque(struct img_unpack *u, int rootfd, const char *parent,
		  char *err, size_t errlen)
{
	int pfd, ret;

	if (*parent && mark_seen(u, parent)) {
		cohort_seterr(err, errlen, "out of memory");
		return -1;
	}
	pfd = img_open_dir(rootfd, parent, true, err, errlen);
	if (pfd < 0)
		return -1;
	ret = prune(u, pfd, parent, err, errlen);
	close(pfd);
	u->stats->whiteouts += !ret;
	return ret;
}

static int apply_entry(struct img_unpack *u, struct archive *a,
		       struct archive_entry *e, int rootfd, char *err,
		       size_t errlen)
{
	const char *raw = archive_entry_pathname(e), *parent, *base, *name;
	const char *link = archive_entry_hardlink(e);
	char sub[IMAGE_ERR_MAX];
	int pfd, ret;

	if (!raw) {
		cohort_seterr(err, errlen, "a member without a name");
		return -1;
	}
	if (img_path_clean(raw, u->path, sizeof(u->path), err, errlen))
		return -1;
	if (!u->path[0])	/* the root itself: the caller's directory */
		return 0;
	memcpy(u->split, u->path, sizeof(u->split));
	img_path_split(u->split, &parent, &base);

	switch (img_whiteout_kind(base, &name)) {
	case IMG_WH_META:
		return 0;
	case IMG_WH_OPAQUE:
		ret = opaque(u, rootfd, parent, sub, sizeof(sub));
		goto done;
	case IMG_WH_FILE:
		ret = whiteout(u, rootfd, parent, name, sub, sizeof(sub));
		goto done;
	case IMG_WH_NONE:
		break;
	}
	if (mark_seen(u, u->path)) {
		cohort_seterr(err, errlen, "out of memory");
		return -1;
	}
	pfd = img_open_dir(rootfd, parent, true, sub, sizeof(sub));
	if (pfd < 0) {
		ret = -1;
		goto done;
	}
	if (link) {
		ret = make_hardlink(u, link, pfd, base, rootfd, sub, sizeof(sub));
	} else {
		switch (archive_entry_filetype(e)) {
		case AE_IFREG:
			ret = make_file(u, a, e, pfd, base, sub, sizeof(sub));
			break;
		case AE_IFDIR:
			ret = make_dir(u, e, pfd, base, sub, sizeof(sub));
			break;
		case AE_IFLNK:
			ret = make_symlink(u, e, pfd, base, sub, sizeof(sub));
			break;
		case AE_IFCHR:
		case AE_IFBLK:
		case AE_IFIFO:
			ret = make_node(u, e, pfd, base, sub, sizeof(sub));
			break;
		default:
			cohort_seterr(sub, sizeof(sub), "unsupported member type (0%o)",
				archive_entry_filetype(e));
			ret = -1;
		}
	}
	close(pfd);
done:
	if (ret)
		cohort_seterr(err, errlen, "member '%.200s': %s", raw, sub);
	return ret;
}

/* Modes and times of the layer's directories, deepest (latest) first. */
static int finish_dirs(struct img_unpack *u, int rootfd, char *err,
		       size_t errlen)
{
	const char *parent, *base;
	struct timespec ts[2];
	struct stat st;
	size_t i = u->nr_dirs;
	int pfd, ret = 0;

	while (!ret && i--) {
		struct deferred *d = &u->dirs[i];

		img_path_split(d->path, &parent, &base);
		pfd = img_open_dir(rootfd, parent, false, NULL, 0);
		/* Gone or replaced later in the layer: nothing to set. */
		if (pfd < 0)
			continue;
		if (!fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW) &&
		    S_ISDIR(st.st_mode)) {
			ts[0].tv_sec = ts[1].tv_sec = d->mtime.tv_sec;
			ts[0].tv_nsec = ts[1].tv_nsec =
				d->has_mtime ? d->mtime.tv_nsec : UTIME_OMIT;
			if (fchmodat(pfd, base, d->mode, 0) ||
			    utimensat(pfd, base, ts, AT_SYMLINK_NOFOLLOW)) {
				cohort_seterr(err, errlen, "directory '%.200s': %s",
					d->path, strerror(errno));
				ret = -1;
			}
		}
		close(pfd);
	}
	free_dirs(u);
	return ret;
}

/**
 * img_apply_layer() - apply the tar read by @a to the tree at @rootfd
 */
int img_apply_layer(struct img_unpack *u, struct archive *a, int rootfd,
		    char *err, size_t errlen)
{
	struct archive_entry *e;
	int r, ret = 0;

	u->tail_missing = false;
	if (reset_seen(u)) {
		cohort_seterr(err, errlen, "out of memory");
		return -1;
	}
	while ((r = archive_read_next_header(a, &e)) != ARCHIVE_EOF) {
		if (r < ARCHIVE_WARN) {
			cohort_seterr(err, errlen, "%s", archive_error_string(a));
			ret = -1;
			break;
		}
		if (++u->stats->entries > u->opts.max_entries) {
			cohort_seterr(err, errlen, "more than %llu entries: refusing the image",
				(unsigned long long)u->opts.max_entries);
			ret = -1;
			break;
		}
		ret = apply_entry(u, a, e, rootfd, err, errlen);
		if (ret || u->tail_missing)
			break;
	}
	if (!ret)
		return finish_dirs(u, rootfd, err, errlen);
	free_dirs(u);
	return ret;
}

/* The filter a layer's compression needs. */
static int set_filter(struct archive *a, enum image_compression c)
{
	switch (c) {
	case IMAGE_COMPRESS_GZIP:
		return archive_read_support_filter_gzip(a);
	case IMAGE_COMPRESS_ZSTD:
		return archive_read_support_filter_zstd(a);
	case IMAGE_COMPRESS_NONE:
		break;
	}
	return ARCHIVE_OK;
}

/* Layer @i: verified whole first, then applied while verified again. */
static int unpack_layer(struct image *img, size_t i, struct img_unpack *u,
			int rootfd, struct img_blob *b, char *err,
			size_t errlen)
{
	struct archive *a;
	int ret;

	if (img_open_layer(img, i, b, err, errlen))
		return -1;
	ret = img_blob_finish(b, err, errlen);
	img_blob_close(b);
	if (ret || img_open_layer(img, i, b, err, errlen))
		return -1;
	a = archive_read_new();
	if (!a) {
		cohort_seterr(err, errlen, "out of memory");
		img_blob_close(b);
		return -1;
	}
	archive_read_support_format_tar(a);
	if (set_filter(a, img->layers[i].compression) < ARCHIVE_WARN) {
		cohort_seterr(err, errlen, "%s: %s", b->what, archive_error_string(a));
		ret = -1;
	} else {
		ret = img_blob_archive_open(b, a, err, errlen);
	}
	if (!ret) {
		char sub[IMAGE_ERR_MAX];

		ret = img_apply_layer(u, a, rootfd, sub, sizeof(sub));
		if (ret)
			cohort_seterr(err, errlen, "%s: %s", b->what, sub);
	}
	if (!ret)
		ret = img_blob_finish(b, err, errlen);
	archive_read_free(a);
	img_blob_close(b);
	return ret;
}

/**
 * image_unpack() - apply every layer of @img, in order, below @rootfd
 * @opts: limits and owners; NULL for the defaults
 * @stats: what was done (may be NULL)
 *
 * On failure the tree is left as it was when the error happened: the
 * caller removes it (image_clear_dir()).
 */
int image_unpack(struct image *img, int rootfd,
		 const struct image_unpack_opts *opts,
		 struct image_unpack_stats *stats, char *err, size_t errlen)
{
	struct image_unpack_stats local;
	struct img_unpack *u;
	struct img_blob *b;
	size_t i;
	int ret = 0;

	if (!stats)
		stats = &local;
	memset(stats, 0, sizeof(*stats));
	u = img_unpack_new(opts, stats, err, errlen);
	b = malloc(sizeof(*b));
	if (!u || !b) {
		cohort_seterr(err, errlen, "out of memory");
		img_unpack_free(u);
		free(b);
		return -1;
	}
	for (i = 0; !ret && i < img->nr_layers; i++)
		ret = unpack_layer(img, i, u, rootfd, b, err, errlen);
	img_unpack_free(u);
	free(b);
	return ret;
}
