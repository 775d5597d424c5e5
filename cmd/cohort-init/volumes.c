// SPDX-License-Identifier: GPL-2.0
/*
 * cohort-init: the spec's volumes (`cohort run -v`), bound into the
 * workload's root once it and its standard mounts are ready, in the
 * spec's order:
 *
 *  1. the region's cohortfs is mounted once, on RUN/vol/REGION
 *     (-o region=REGION; read-only when every volume of it is);
 *  2. SOURCE is opened below that mount with openat2(RESOLVE_BENEATH |
 *     RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV): links inside the region
 *     are followed, but nothing leads out of its filesystem, and a missing
 *     directory is an error, never made;
 *  3. TARGET is reached inside the root without following any link
 *     (dirs.c), its missing directories made in the writable layer;
 *  4. a clone of the source (open_tree(OPEN_TREE_CLONE)), made read-only
 *     for "ro" before it is attached (mount_setattr()), is moved onto the
 *     target's descriptor (move_mount()): the read-only bind is never
 *     writable, and no link swapped in after step 3 can redirect it.
 *
 * Any failure is fatal: "volume REGION/SOURCE -> TARGET: REASON".
 *
 * For tests on a host, --volume-root DIR stands in for step 1: DIR/REGION
 * is taken as the root of REGION's filesystem.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "init.h"

/* The regions mounted on RUN/vol/, to detach at the end. */
static char vol_mounted[RUN_MAX_MOUNTS][PATH_MAX];
static int nr_vol_mounted;

static void vol_err(const struct run_mount *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void vol_err(const struct run_mount *m, const char *fmt, ...)
{
	char why[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	init_msg("volume %s/%s -> %s: %s", m->region, m->source, m->target, why);
}

/* Mounts (or, with --volume-root, finds) the root of mounts[i]'s region. */
static int region_root(const struct init_opts *o, const struct run_spec *spec,
		       size_t i)
{
	const struct run_mount *m = &spec->mounts[i];
	unsigned long flags = MS_RDONLY;
	char path[PATH_MAX], data[128];
	int dirfd, fd;
	size_t j;

	if (o->volume_root) {
		dirfd = open(o->volume_root, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (dirfd < 0) {
			vol_err(m, "--volume-root %s: %s", o->volume_root,
				strerror(errno));
			return -1;
		}
		/* A region name has no '/' and is not "." or "..". */
		fd = openat(dirfd, m->region, O_PATH | O_DIRECTORY | O_NOFOLLOW |
			    O_CLOEXEC);
		if (fd < 0)
			vol_err(m, "%s/%s: %s", o->volume_root, m->region,
				strerror(errno));
		close(dirfd);
		return fd;
	}
	if (o->no_mounts) {
		vol_err(m, "--no-mounts: the region's cohortfs cannot be mounted (--volume-root DIR stands in for it)");
		return -1;
	}
	for (j = i; j < spec->nr_mounts; j++)
		if (!strcmp(spec->mounts[j].region, m->region) &&
		    !spec->mounts[j].readonly)
			flags = 0;
	if (snprintf(path, sizeof(path), "%s/vol/%s", o->run_dir, m->region) >=
	    (int)sizeof(path)) {
		vol_err(m, "%s/vol/%s: %s", o->run_dir, m->region,
			strerror(ENAMETOOLONG));
		return -1;
	}
	if (init_mkdir_p(path))
		return -1;
	snprintf(data, sizeof(data), "region=%s", m->region);
	if (mount("none", path, "cohortfs", flags, data)) {
		vol_err(m, "mount cohortfs -o %s%s on %s: %s", data,
			flags ? ",ro" : "", path, strerror(errno));
		return -1;
	}
	if (nr_vol_mounted < RUN_MAX_MOUNTS)
		snprintf(vol_mounted[nr_vol_mounted++], sizeof(vol_mounted[0]),
			 "%s", path);
	fd = open(path, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		vol_err(m, "%s: %s", path, strerror(errno));
	return fd;
}

/* SOURCE below the region's root, never leaving its filesystem. */
static int open_source(int regfd, const struct run_mount *m)
{
	struct open_how how = {
		.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS |
			   RESOLVE_NO_XDEV,
	};
	int fd = syscall(SYS_openat2, regfd, m->source[0] ? m->source : ".",
			 &how, sizeof(how));

	if (fd >= 0)
		return fd;
	switch (errno) {
	case ENOENT:
		vol_err(m, "the source is not in the region: no such directory (it is not made)");
		break;
	case ENOTDIR:
		vol_err(m, "the source is not a directory");
		break;
	case EXDEV:
		vol_err(m, "the source leads out of the region's filesystem (a link to an absolute path or above its root, or another mount)");
		break;
	default:
		vol_err(m, "the source: %s", strerror(errno));
	}
	return -1;
}

/* Binds @srcfd onto @tgtfd, read-only before it is attached if asked. */
static int bind_volume(int srcfd, int tgtfd, const struct run_mount *m)
{
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };
	int tree = open_tree(srcfd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
			     AT_EMPTY_PATH);
	int ret = -1;

	if (tree < 0) {
		vol_err(m, "open_tree: %s", strerror(errno));
		return -1;
	}
	if (m->readonly &&
	    mount_setattr(tree, "", AT_EMPTY_PATH, &attr, sizeof(attr))) {
		vol_err(m, "making the bind read-only: %s", strerror(errno));
		goto out;
	}
	if (move_mount(tree, "", tgtfd, "", MOVE_MOUNT_F_EMPTY_PATH |
		       MOVE_MOUNT_T_EMPTY_PATH)) {
		vol_err(m, "move_mount: %s", strerror(errno));
		goto out;
	}
	ret = 0;
out:
	close(tree);
	return ret;
}

/**
 * volumes_setup() - bind the spec's volumes into the workload's root
 * @o: options (run_dir, no_mounts, volume_root)
 * @spec: the spec (mounts, checked by run_spec_check())
 * @root: the workload's root: the new root, --root DIR or "/"
 *
 * Prints why on failure; the regions mounted stay for volumes_teardown().
 *
 * Return: 0, or -1.
 */
int volumes_setup(const struct init_opts *o, const struct run_spec *spec,
		  const char *root)
{
	int regfd[RUN_MAX_MOUNTS], rootfd, srcfd, tgtfd, ret = -1;
	char why[512];
	size_t i, j, n = spec->nr_mounts;

	if (!n)
		return 0;
	if (n > RUN_MAX_MOUNTS) {	/* run_spec_check() refused it already */
		init_msg("%zu volumes: at most %d are allowed", n, RUN_MAX_MOUNTS);
		return -1;
	}
	rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0) {
		init_msg("%s: %s", root, strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++)
		regfd[i] = -1;
	for (i = 0; i < n; i++) {
		const struct run_mount *m = &spec->mounts[i];

		/* The region's first volume mounts it; the others reuse it. */
		for (j = 0; j < i && strcmp(spec->mounts[j].region, m->region); j++)
			;
		if (j == i && (regfd[i] = region_root(o, spec, i)) < 0)
			goto out;
		srcfd = open_source(regfd[j], m);
		if (srcfd < 0)
			goto out;
		tgtfd = init_open_dir(rootfd, m->target + 1, why, sizeof(why));
		if (tgtfd < 0) {
			vol_err(m, "the target: %s%s", why,
				strstr(why, "symbolic link") ?
				": refusing to mount over it" : "");
			close(srcfd);
			goto out;
		}
		ret = bind_volume(srcfd, tgtfd, m);
		close(srcfd);
		close(tgtfd);
		if (ret)
			goto out;
		ret = -1;
	}
	ret = 0;
out:
	for (i = 0; i < n; i++)
		if (regfd[i] >= 0)
			close(regfd[i]);
	close(rootfd);
	return ret;
}

/**
 * volumes_teardown() - detach the regions volumes_setup() mounted
 *
 * The binds inside the new root go with it (rootfs_teardown()).
 */
void volumes_teardown(void)
{
	while (nr_vol_mounted > 0)
		umount2(vol_mounted[--nr_vol_mounted], MNT_DETACH);
}
