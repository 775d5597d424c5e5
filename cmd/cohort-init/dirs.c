// SPDX-License-Identifier: GPL-2.0
/*
 * cohort-init: directories for mount points: reaching one inside the new
 * root, for the standard mounts (rootfs.c) and the volumes (volumes.c),
 * and making the instance's own (/run/cohort/...).
 *
 * The path is walked one component at a time with
 * openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS):
 * no symbolic link is followed, not even one pointing inside the root, so
 * the image cannot send a mount anywhere else.  A missing component is
 * made (0755, in the writable layer).  The result is an O_PATH descriptor
 * of the directory itself: mounting on it (/proc/self/fd/N, or
 * move_mount()) cannot be redirected by a link put there afterwards.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "init.h"

/**
 * init_open_dir() - open a directory below a root, making what is missing
 * @rootfd: the root (any descriptor of a directory)
 * @path: relative to it ("dev/pts"); "" is @rootfd itself
 * @why: on failure, why ("mkdir pts: Read-only file system",
 *	"'proc' is a symbolic link or not a directory")
 * @whylen: bytes at @why
 *
 * Return: an O_PATH | O_CLOEXEC descriptor of the directory, or -1.
 */
int init_open_dir(int rootfd, const char *path, char *why, size_t whylen)
{
	struct open_how how = {
		.flags = O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
			   RESOLVE_NO_MAGICLINKS,
	};
	char buf[PATH_MAX], *comp, *save = NULL;
	int fd, next;

	if (strlen(path) >= sizeof(buf)) {
		snprintf(why, whylen, "%s", strerror(ENAMETOOLONG));
		return -1;
	}
	fd = fcntl(rootfd, F_DUPFD_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(why, whylen, "%s", strerror(errno));
		return -1;
	}
	snprintf(buf, sizeof(buf), "%s", path);
	for (comp = strtok_r(buf, "/", &save); comp;
	     comp = strtok_r(NULL, "/", &save)) {
		next = syscall(SYS_openat2, fd, comp, &how, sizeof(how));
		if (next < 0 && errno == ENOENT) {
			if (mkdirat(fd, comp, 0755) && errno != EEXIST) {
				snprintf(why, whylen, "mkdir %s: %s", comp,
					 strerror(errno));
				close(fd);
				return -1;
			}
			next = syscall(SYS_openat2, fd, comp, &how, sizeof(how));
		}
		if (next < 0) {
			if (errno == ELOOP || errno == ENOTDIR)
				snprintf(why, whylen,
					 "'%s' is a symbolic link or not a directory",
					 comp);
			else
				snprintf(why, whylen, "%s", strerror(errno));
			close(fd);
			return -1;
		}
		close(fd);
		fd = next;
	}
	return fd;
}

/**
 * init_mkdir_p() - make a directory of the instance and its parents
 * @path: absolute, trusted (/run/cohort/rw/upper); prints why on failure
 *
 * Return: 0, or -1.
 */
int init_mkdir_p(const char *path)
{
	char buf[PATH_MAX], *p;

	if (strlen(path) >= sizeof(buf)) {
		init_msg("mkdir %.64s...: %s", path, strerror(ENAMETOOLONG));
		return -1;
	}
	snprintf(buf, sizeof(buf), "%s", path);
	for (p = buf + 1; ; p++) {
		if (*p == '/' || !*p) {
			char c = *p;

			*p = '\0';
			if (mkdir(buf, 0755) && errno != EEXIST) {
				init_msg("mkdir %s: %s", buf, strerror(errno));
				return -1;
			}
			*p = c;
			if (!c)
				return 0;
		}
	}
}
