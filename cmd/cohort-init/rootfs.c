// SPDX-License-Identifier: GPL-2.0
/*
 * cohort-init: the workload's root filesystem.
 *
 *	RUN/image  cohortfs, read-only, from the region (-o region=NAME)
 *	RUN/rw     tmpfs: upper/ and work/ of the overlay
 *	RUN/root   overlay of the two, the workload's /, with
 *	           /proc (proc), /sys (sysfs, read-only), /dev (devtmpfs, or a
 *	           bind of the instance's /dev), /dev/pts (devpts,
 *	           newinstance), /dev/shm (tmpfs), and /etc/hostname and
 *	           /etc/hosts written into the upper layer when the image
 *	           has an /etc.
 *
 * Every path inside the new root is reached one component at a time with
 * openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS), missing directories are
 * made (in the upper layer), and the mount goes onto the opened
 * directory itself (/proc/self/fd/N; dirs.c): an image shipping /proc as
 * a link to / is refused instead of mounting over the instance's own /.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "init.h"

#define MAX_MOUNTS	16

/* What was mounted, in order, to be undone in reverse. */
static char mounted[MAX_MOUNTS][4096];
static int nr_mounted;

static int do_mount(const char *src, const char *target, const char *what,
		    const char *fstype, unsigned long flags, const char *data)
{
	if (mount(src, target, fstype, flags, data)) {
		init_msg("mount %s on %s: %s", fstype ? fstype : src, what,
			 strerror(errno));
		return -1;
	}
	if (nr_mounted < MAX_MOUNTS)
		snprintf(mounted[nr_mounted++], sizeof(mounted[0]), "%s", what);
	return 0;
}

/* Mounts onto @path inside the new root, whatever links the image has. */
static int mount_in(int rootfd, const char *path, const char *src,
		    const char *fstype, unsigned long flags, const char *data)
{
	char target[64], what[300], why[256];
	int fd = init_open_dir(rootfd, path, why, sizeof(why)), ret;

	if (fd < 0) {
		init_msg("the image's /%s: %s%s", path, why,
			 strstr(why, "symbolic link") ? ": refusing to mount over it" : "");
		return -1;
	}
	snprintf(target, sizeof(target), "/proc/self/fd/%d", fd);
	snprintf(what, sizeof(what), "/%s", path);
	ret = mount(src, target, fstype, flags, data);
	if (ret)
		init_msg("mount %s on the image's /%s: %s", fstype ? fstype : src,
			 path, strerror(errno));
	close(fd);
	return ret ? -1 : 0;
}

/* Replaces NAME in @etcfd by a file holding @text (in the upper layer). */
static int write_etc(int etcfd, const char *name, const char *text)
{
	size_t len = strlen(text);
	int fd;

	unlinkat(etcfd, name, 0);	/* a link or whatever the image had */
	fd = openat(etcfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, text, len) != (ssize_t)len) {
		init_msg("the image's /etc/%s: %s", name, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return close(fd);
}

static int etc_files(int rootfd, const struct run_spec *spec)
{
	struct open_how how = {
		.flags = O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS,
	};
	char host[RUN_HOSTNAME_MAX + 2], text[512];
	int etcfd, fd, ret;

	etcfd = syscall(SYS_openat2, rootfd, "etc", &how, sizeof(how));
	if (etcfd < 0)
		return 0;	/* no /etc (or a link): docker adds nothing either */
	/* O_PATH cannot create: reopen it for real. */
	fd = openat(etcfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	close(etcfd);
	if (fd < 0) {
		init_msg("the image's /etc: %s", strerror(errno));
		return -1;
	}
	if (spec->hostname)
		snprintf(host, sizeof(host), "%s", spec->hostname);
	else if (gethostname(host, sizeof(host) - 1))
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	snprintf(text, sizeof(text), "%s\n", host);
	ret = write_etc(fd, "hostname", text);
	snprintf(text, sizeof(text),
		 "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n127.0.1.1\t%s\n",
		 host);
	if (!ret)
		ret = write_etc(fd, "hosts", text);
	close(fd);
	return ret;
}

static int inner_mounts(const char *root, const struct run_spec *spec)
{
	int rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC), ret = -1;

	if (rootfd < 0) {
		init_msg("%s: %s", root, strerror(errno));
		return -1;
	}
	if (mount_in(rootfd, "proc", "proc", "proc",
		     MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) ||
	    mount_in(rootfd, "sys", "sysfs", "sysfs",
		     MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL))
		goto out;
	if (mount_in(rootfd, "dev", "devtmpfs", "devtmpfs",
		     MS_NOSUID | MS_NOEXEC, NULL)) {
		init_msg("trying a bind of /dev instead");
		if (mount_in(rootfd, "dev", "/dev", NULL, MS_BIND | MS_REC, NULL))
			goto out;
	}
	if (mount_in(rootfd, "dev/pts", "devpts", "devpts", MS_NOSUID | MS_NOEXEC,
		     "newinstance,ptmxmode=0666,mode=0620") ||
	    mount_in(rootfd, "dev/shm", "shm", "tmpfs",
		     MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=1777") ||
	    etc_files(rootfd, spec))
		goto out;
	ret = 0;
out:
	close(rootfd);
	return ret;
}

/**
 * rootfs_setup() - build the workload's root filesystem
 * @o: options (run_dir, lower)
 * @spec: the spec (rootfs: the region; hostname)
 * @root: the new root's path, written here
 * @rootlen: bytes at @root
 *
 * Prints why on failure; what was mounted stays for rootfs_teardown().
 *
 * Return: 0, or -1.
 */
int rootfs_setup(const struct init_opts *o, const struct run_spec *spec,
		 char *root, size_t rootlen)
{
	char image[4096], rw[4096], upper[4096], work[4096], data[4 * 4096 + 64];

	snprintf(image, sizeof(image), "%s/image", o->run_dir);
	snprintf(rw, sizeof(rw), "%s/rw", o->run_dir);
	snprintf(upper, sizeof(upper), "%s/rw/upper", o->run_dir);
	snprintf(work, sizeof(work), "%s/rw/work", o->run_dir);
	snprintf(root, rootlen, "%s/root", o->run_dir);
	if (init_mkdir_p(image) || init_mkdir_p(rw) || init_mkdir_p(root))
		return -1;
	if (o->lower) {
		if (do_mount(o->lower, image, image, NULL, MS_BIND, NULL) ||
		    do_mount(NULL, image, image, NULL,
			     MS_BIND | MS_REMOUNT | MS_RDONLY, NULL))
			return -1;
		nr_mounted--;	/* the remount is the same mount */
	} else {
		snprintf(data, sizeof(data), "region=%s", spec->rootfs);
		if (do_mount("none", image, image, "cohortfs", MS_RDONLY, data))
			return -1;
	}
	if (do_mount("tmpfs", rw, rw, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") ||
	    init_mkdir_p(upper) || init_mkdir_p(work))
		return -1;
	snprintf(data, sizeof(data), "lowerdir=%s,upperdir=%s,workdir=%s",
		 image, upper, work);
	if (do_mount("overlay", root, root, "overlay", 0, data))
		return -1;
	return inner_mounts(root, spec);
}

/**
 * rootfs_teardown() - unmount what rootfs_setup() mounted, as far as can be
 *
 * The mounts inside the new root go with it (MNT_DETACH).
 */
void rootfs_teardown(void)
{
	while (nr_mounted > 0)
		umount2(mounted[--nr_mounted], MNT_DETACH);
}
