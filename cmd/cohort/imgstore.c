// SPDX-License-Identifier: GPL-2.0
/*
 * cohort(8): the images "cohort run" imported.  Each is one read-only
 * copy of its root filesystem, a cohortfs in a region of the pool named
 * "img-" + the first 12 hex digits of its config digest, shared by every
 * instance that runs it, and a record in the state directory
 * (/var/lib/cohort/images/ID.json, or $COHORT_STATE_DIR/images/):
 * where it came from, its digest, its region, the bytes its tree holds.
 *
 * The region is sized from the tree itself: the image is unpacked once
 * into a scratch directory to measure it (whiteouts applied), then again
 * into the region.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cohort.h"
#include "cohort/fdio.h"
#include "cohort/parse.h"
#include "image/image.h"
#include "imgstore.h"

/* cohortfs geometry the size estimate uses (include/uapi/linux/cohortfs_fs.h) */
#define CFS_BLOCK		4096ULL
#define CFS_INLINE		(4096ULL - 64)
#define CFS_DIRENTS_PER_BLOCK	15ULL
#define CFS_INODE_BYTES		64ULL

static void rec_path(const char *id, char *buf, size_t len)
{
	snprintf(buf, len, "%s/images/%s.json", cli_state_dir(), id);
}

/* --- measuring a tree ------------------------------------------------- */

struct measure {
	uint64_t inodes;
	uint64_t blocks;
	uint64_t bytes;
};

static struct measure *cur_measure;

/* Data and map blocks of a file of @size bytes, beyond its body block. */
static uint64_t file_blocks(uint64_t size)
{
	uint64_t data, maps = 0, n;

	if (size <= CFS_INLINE)
		return 0;
	data = (size + CFS_BLOCK - 1) / CFS_BLOCK;
	for (n = data; n > 1008; n = (n + 1023) / 1024)
		maps += (n + 1023) / 1024;
	return data + maps;
}

static int measure_one(const char *path, const struct stat *st, int flag,
		       struct FTW *ftw)
{
	struct measure *m = cur_measure;

	(void)path;
	(void)flag;
	(void)ftw;
	/* Each name of a hard link counted as a file: an overestimate. */
	m->inodes++;
	m->blocks++;			/* the body */
	if (S_ISREG(st->st_mode) || S_ISLNK(st->st_mode)) {
		m->blocks += file_blocks((uint64_t)st->st_size);
		m->bytes += (uint64_t)st->st_size;
	} else if (S_ISDIR(st->st_mode)) {
		/* a partly filled dirent block, at most (below) */
		m->blocks++;
	}
	return 0;
}

/*
 * Region bytes for the tree at @dir: every block it needs, the inode
 * table, room for copy-on-write while it is written, rounded up to the
 * region alignment.  @ninodes gets the inode count to format with.
 */
static int measure_tree(const char *dir, uint64_t *size, uint32_t *ninodes,
			uint64_t *bytes)
{
	struct measure m = { 0 };
	uint64_t blocks, inodes;

	cur_measure = &m;
	if (nftw(dir, measure_one, 64, FTW_PHYS | FTW_MOUNT))
		return -errno ?: -EIO;
	/*
	 * Every name is one entry in its directory: the full dirent blocks
	 * of all directories together, with one partial block each above.
	 */
	m.blocks += (m.inodes + CFS_DIRENTS_PER_BLOCK - 1) /
		    CFS_DIRENTS_PER_BLOCK;
	inodes = m.inodes + m.inodes / 4 + 256;
	if (inodes > UINT32_MAX / 2)
		return -EFBIG;
	blocks = m.blocks + m.blocks / 8 + 2048 +
		 (inodes * CFS_INODE_BYTES + CFS_BLOCK - 1) / CFS_BLOCK;
	*size = (blocks * CFS_BLOCK + COHORT_MEM_ALIGN - 1) /
		COHORT_MEM_ALIGN * COHORT_MEM_ALIGN;
	*ninodes = (uint32_t)inodes;
	*bytes = m.bytes;
	return 0;
}

/* --- records -------------------------------------------------------- */

static int rec_write(const struct img_rec *r)
{
	struct json_object *o;
	char path[4096];
	int ret;

	snprintf(path, sizeof(path), "%s/images", cli_state_dir());
	ret = cli_mkdir_p(path);
	if (ret)
		return ret;
	rec_path(r->id, path, sizeof(path));
	o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_string(r->digest));
	json_object_object_add(o, "source", json_object_new_string(r->source));
	json_object_object_add(o, "region", json_object_new_string(r->region));
	json_object_object_add(o, "bytes", json_object_new_uint64(r->bytes));
	json_object_object_add(o, "region_size",
			       json_object_new_uint64(r->region_size));
	json_object_object_add(o, "created", json_object_new_int64(r->created));
	ret = cli_record_write(path, o);
	json_object_put(o);
	return ret;
}

static bool hex_id(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return i == 64;
}

static const char *jstr(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static int64_t jint(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_int))
		return -1;
	return json_object_get_int64(v);
}

/**
 * imgstore_read() - read the record of image @id
 * @id: 64 hex digits (the config digest without "sha256:")
 * @r: out
 *
 * Return: 0, -ENOENT when there is none, -EINVAL when it is damaged.
 */
int imgstore_read(const char *id, struct img_rec *r)
{
	struct json_object *o;
	const char *digest, *source, *region;
	char path[4096];
	int ret;

	if (!hex_id(id))
		return -EINVAL;
	rec_path(id, path, sizeof(path));
	o = cli_record_read(path, &ret);
	if (!o)
		return ret;
	ret = -EINVAL;
	digest = jstr(o, "id");
	source = jstr(o, "source");
	region = jstr(o, "region");
	memset(r, 0, sizeof(*r));
	if (digest && source && region && strlen(region) < sizeof(r->region) &&
	    strlen(source) < sizeof(r->source) &&
	    !strncmp(digest, "sha256:", 7) && !strcmp(digest + 7, id)) {
		snprintf(r->id, sizeof(r->id), "%s", id);
		snprintf(r->digest, sizeof(r->digest), "%s", digest);
		snprintf(r->source, sizeof(r->source), "%s", source);
		snprintf(r->region, sizeof(r->region), "%s", region);
		r->bytes = (uint64_t)jint(o, "bytes");
		r->region_size = (uint64_t)jint(o, "region_size");
		r->created = jint(o, "created");
		ret = 0;
	}
	json_object_put(o);
	return ret;
}

/**
 * imgstore_list() - the records of every imported image
 * @out: out: malloc'd array, oldest first
 * @n: out: its length
 *
 * Damaged records are skipped with a warning.
 *
 * Return: 0 or a negative errno.
 */
int imgstore_list(struct img_rec **out, size_t *n)
{
	struct img_rec *v = NULL, *nv;
	size_t cnt = 0;
	char path[4096];
	struct dirent *de;
	DIR *d;

	*out = NULL;
	*n = 0;
	snprintf(path, sizeof(path), "%s/images", cli_state_dir());
	d = opendir(path);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		char id[80];
		size_t l = strlen(de->d_name);

		if (l != 64 + 5 || strcmp(de->d_name + 64, ".json"))
			continue;
		snprintf(id, sizeof(id), "%.64s", de->d_name);
		nv = realloc(v, (cnt + 1) * sizeof(*v));
		if (!nv) {
			closedir(d);
			free(v);
			return -ENOMEM;
		}
		v = nv;
		if (imgstore_read(id, &v[cnt])) {
			cli_warn("%s/%s: damaged image record; ignored", path,
				 de->d_name);
			continue;
		}
		cnt++;
	}
	closedir(d);
	for (size_t i = 1; i < cnt; i++)
		for (size_t j = i; j > 0 && v[j - 1].created > v[j].created; j--) {
			struct img_rec t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	*out = v;
	*n = cnt;
	return 0;
}

/**
 * imgstore_forget() - remove the record of image @id (not its region)
 * @id: 64 hex digits
 *
 * Return: 0 or a negative errno.
 */
int imgstore_forget(const char *id)
{
	char path[4096];

	rec_path(id, path, sizeof(path));
	return unlink(path) < 0 && errno != ENOENT ? -errno : 0;
}

/* --- regions ---------------------------------------------------------- */

/**
 * imgstore_region_exists() - is region @name in the pool?
 * @c: the invocation
 * @name: region name
 *
 * Return: true if it is.
 */
bool imgstore_region_exists(struct cli *c, const char *name)
{
	char path[4096];
	struct stat st;

	snprintf(path, sizeof(path), "%s/regions/%s", c->sysfs, name);
	return stat(path, &st) == 0;
}

static int region_ioctl(struct cli *c, const char *name, unsigned long req,
			__u64 size)
{
	struct cohort_ioc_region r;

	memset(&r, 0, sizeof(r));
	snprintf(r.name, sizeof(r.name), "%s", name);
	r.size = size;
	return cli_dev_ioctl(c, name, req, &r, r.msg);
}

/**
 * imgstore_mount() - mount an image's cohortfs on a new scratch directory
 * @r: the image
 * @opts: extra mount options ("format,ninodes=N") or NULL
 * @rdonly: mount read-only
 * @dir: out: the mount point, at least 64 bytes
 * @len: size of @dir
 *
 * Return: 0 or a negative errno.
 */
int imgstore_mount(const struct img_rec *r, const char *opts, bool rdonly,
		   char *dir, size_t len)
{
	const char *tmp = getenv("TMPDIR");
	char data[256];

	snprintf(dir, len, "%s/cohort-img.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		return -errno;
	snprintf(data, sizeof(data), "region=%s%s%s", r->region,
		 opts ? "," : "", opts ? opts : "");
	if (mount("none", dir, "cohortfs", rdonly ? MS_RDONLY : 0, data) < 0) {
		int e = errno;

		rmdir(dir);
		return -e;
	}
	return 0;
}

/**
 * imgstore_umount() - undo imgstore_mount()
 * @dir: the mount point
 */
void imgstore_umount(const char *dir)
{
	if (umount2(dir, 0) < 0)
		cli_warn("cannot unmount %s: %s", dir, strerror(errno));
	else
		rmdir(dir);
}

static int scratch_dir(char *dir, size_t len)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(dir, len, "%s/cohort-unpack.XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	return mkdtemp(dir) ? 0 : -errno;
}

static int unpack_into(struct cli *c, struct image *img, const char *dir,
		       const char *what)
{
	struct image_unpack_stats st;
	char err[IMAGE_ERR_MAX];
	int fd;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		cli_err("%s: cannot open %s: %s", c->cmd, dir, strerror(errno));
		return EXIT_FAIL;
	}
	if (image_unpack(img, fd, NULL, &st, err, sizeof(err))) {
		cli_err("%s: %s: %s", c->cmd, what, err);
		close(fd);
		return EXIT_FAIL;
	}
	close(fd);
	return EXIT_OK;
}

static void remove_scratch(const char *dir)
{
	char err[IMAGE_ERR_MAX], parent[4096];
	const char *base = strrchr(dir, '/');
	int fd;

	/* From its parent: the removal never crosses into another mount. */
	snprintf(parent, sizeof(parent), "%.*s", (int)(base - dir), dir);
	fd = open(parent[0] ? parent : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || image_remove_tree(fd, base + 1, err, sizeof(err)))
		cli_warn("cannot remove %s: %s", dir,
			 fd < 0 ? strerror(errno) : err);
	if (fd >= 0)
		close(fd);
}

/*
 * Unpacks @img into a new region @r->region: measure in a scratch
 * directory, create and format the region, unpack into it.  Nothing is
 * left behind on failure.
 */
static int import(struct cli *c, struct image *img, struct img_rec *r)
{
	char scratch[4096], mnt[4096], opts[64], sz[COHORT_SIZE_STR_MAX];
	uint32_t ninodes = 0;
	int ret;

	ret = scratch_dir(scratch, sizeof(scratch));
	if (ret) {
		cli_err("%s: cannot make a scratch directory: %s", c->cmd,
			strerror(-ret));
		return EXIT_FAIL;
	}
	ret = unpack_into(c, img, scratch, r->source);
	if (!ret) {
		ret = measure_tree(scratch, &r->region_size, &ninodes,
				   &r->bytes);
		if (ret) {
			cli_err("%s: cannot measure the unpacked image: %s",
				c->cmd, strerror(-ret));
			ret = EXIT_FAIL;
		}
	}
	remove_scratch(scratch);
	if (ret)
		return ret;

	ret = region_ioctl(c, r->region, COHORT_IOC_REGION_CREATE,
			   r->region_size);
	if (ret) {
		cohort_format_size(r->region_size, false, sz, sizeof(sz));
		cli_err("%s: the image needs a region of %s for its tree",
			c->cmd, sz);
		return ret;
	}
	snprintf(opts, sizeof(opts), "format,ninodes=%u", ninodes);
	ret = imgstore_mount(r, opts, false, mnt, sizeof(mnt));
	if (ret) {
		cli_err("%s: cannot format region %s as cohortfs: %s", c->cmd,
			r->region, strerror(-ret));
		ret = EXIT_FAIL;
	} else {
		ret = unpack_into(c, img, mnt, r->source);
		imgstore_umount(mnt);
	}
	if (!ret) {
		r->created = (int64_t)time(NULL);
		ret = rec_write(r);
		if (ret) {
			cli_err("%s: cannot write the image record in %s/images: %s",
				c->cmd, cli_state_dir(), strerror(-ret));
			ret = EXIT_FAIL;
		}
	}
	if (ret) {
		const char *cmd = c->cmd;

		c->cmd = "region delete";
		region_ioctl(c, r->region, COHORT_IOC_REGION_DELETE, 0);
		c->cmd = cmd;
	}
	return ret;
}

/**
 * imgstore_get() - open image @source, importing it unless it already is
 * @c: the invocation
 * @source: oci:DIR[:TAG] or docker-archive:FILE (docs/image.md)
 * @img: out: the open image (image_close() it)
 * @r: out: its record
 * @imported: out: true if this call imported it
 *
 * An image is known by its config digest, so the same image from another
 * source or tag is imported once.
 *
 * Return: an exit status; the error was printed.
 */
int imgstore_get(struct cli *c, const char *source, struct image **img,
		 struct img_rec *r, bool *imported)
{
	char err[IMAGE_ERR_MAX];
	struct image_info info;
	int ret;

	*imported = false;
	if (image_open(source, img, err, sizeof(err))) {
		cli_err("%s: %s", c->cmd, err);
		return EXIT_USAGE;
	}
	image_info(*img, &info);
	if (strncmp(info.config_digest, "sha256:", 7) ||
	    !hex_id(info.config_digest + 7)) {
		cli_err("%s: %s: the image's config digest '%s' is not sha256",
			c->cmd, source, info.config_digest);
		ret = EXIT_FAIL;
		goto fail;
	}
	ret = imgstore_read(info.config_digest + 7, r);
	if (!ret && imgstore_region_exists(c, r->region))
		return EXIT_OK;
	if (!ret) {
		cli_warn("image %.12s: its region %s is gone (the primary restarted?); importing it again",
			 r->id, r->region);
		imgstore_forget(r->id);
	}
	memset(r, 0, sizeof(*r));
	snprintf(r->id, sizeof(r->id), "%.64s", info.config_digest + 7);
	snprintf(r->digest, sizeof(r->digest), "%s", info.config_digest);
	snprintf(r->source, sizeof(r->source), "%s", source);
	snprintf(r->region, sizeof(r->region), "img-%.12s", r->id);
	if (imgstore_region_exists(c, r->region)) {
		cli_err("%s: region %s exists but is no image Cohort imported; delete it or rename it",
			c->cmd, r->region);
		ret = EXIT_FAIL;
		goto fail;
	}
	ret = import(c, *img, r);
	if (ret)
		goto fail;
	*imported = true;
	return EXIT_OK;
fail:
	image_close(*img);
	*img = NULL;
	return ret;
}

/**
 * imgstore_remove() - delete an image's region and record
 * @c: the invocation
 * @r: the image
 *
 * The kernel refuses to delete a region that is granted to an instance.
 *
 * Return: an exit status; the error was printed.
 */
int imgstore_remove(struct cli *c, const struct img_rec *r)
{
	char path[4096], grants[COHORT_MAX_KERNELS * COHORT_NAME_MAX];
	int ret;

	if (imgstore_region_exists(c, r->region)) {
		snprintf(path, sizeof(path), "%s/regions/%s/grants", c->sysfs,
			 r->region);
		ret = sysfs_read(path, grants, sizeof(grants));
		if (ret < 0) {
			cli_err("%s: cannot read %s: %s", c->cmd, path,
				strerror(-ret));
			return EXIT_FAIL;
		}
		if (grants[0]) {
			cli_err("%s: image %.12s is used by instance(s) %s; delete them first",
				c->cmd, r->id, grants);
			return EXIT_FAIL;
		}
		ret = region_ioctl(c, r->region, COHORT_IOC_REGION_DELETE, 0);
		if (ret)
			return ret;
	}
	ret = imgstore_forget(r->id);
	if (ret) {
		cli_err("%s: cannot remove the record of image %.12s: %s",
			c->cmd, r->id, strerror(-ret));
		return EXIT_FAIL;
	}
	return EXIT_OK;
}
