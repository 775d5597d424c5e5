// SPDX-License-Identifier: GPL-2.0
/*
 * Directories of the tree being unpacked, reached and removed without
 * ever following a symbolic link: one openat2() per component with
 * RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS, unlinkat() for removal.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/openat2.h>

#include "internal.h"

static int open_one(int dirfd, const char *name, int flags)
{
	struct open_how how = {
		.flags = flags | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
			   RESOLVE_NO_MAGICLINKS,
	};

	return syscall(SYS_openat2, dirfd, name, &how, sizeof(how));
}

/**
 * img_open_dir() - an O_PATH fd of directory @path below @rootfd
 * @path: clean and relative ("" is the root itself)
 * @create: make missing components (mode 0755)
 *
 * A component that is a symbolic link or not a directory is an error:
 * nothing in the image is ever followed.
 *
 * Return: the fd, or -1: errno ENOENT when @create is false and a
 * component is missing, ENOTDIR when one is not a directory, ELOOP when
 * one is a symbolic link.
 */
int img_open_dir(int rootfd, const char *path, bool create, char *err,
		 size_t errlen)
{
	char comp[NAME_MAX + 1];
	const char *p = path, *end;
	int fd, next;
	size_t len;
	struct stat st;

	fd = open_one(rootfd, ".", O_PATH);
	while (fd >= 0 && *p) {
		end = strchrnul(p, '/');
		len = end - p;
		if (len > NAME_MAX) {
			cohort_seterr(err, errlen, "%.200s: name too long", path);
			close(fd);
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(comp, p, len);
		comp[len] = '\0';
		next = open_one(fd, comp, O_PATH);
		if (next < 0 && errno == ENOENT && create &&
		    (!mkdirat(fd, comp, 0755) || errno == EEXIST))
			next = open_one(fd, comp, O_PATH);
		if (next < 0) {
			int e = errno;

			if (e == ELOOP || (e == ENOTDIR &&
			    !fstatat(fd, comp, &st, AT_SYMLINK_NOFOLLOW) &&
			    S_ISLNK(st.st_mode))) {
				cohort_seterr(err, errlen, "%.200s: '%.*s' is a symbolic link: an image may not write through its own links",
					path, (int)(end - path), path);
				e = ELOOP;
			} else if (e == ENOTDIR)
				cohort_seterr(err, errlen, "%.200s: '%.*s' is not a directory",
					path, (int)(end - path), path);
			else if (e != ENOENT || create)
				cohort_seterr(err, errlen, "%.200s: %s", path, strerror(e));
			close(fd);
			errno = e;
			return -1;
		}
		close(fd);
		fd = next;
		p = *end ? end + 1 : end;
	}
	if (fd < 0)
		cohort_seterr(err, errlen, "the target directory: %s", strerror(errno));
	return fd;
}

/*
 * Let the owner into directory @name of @dirfd to empty it: a tree
 * unpacked without root keeps an image's 0555 directories as they are.
 * Best effort: when the mode cannot be changed, emptying the directory
 * fails next and says why.
 */
static void make_writable(int dirfd, const char *name)
{
	struct stat st;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) ||
	    !S_ISDIR(st.st_mode) || (st.st_mode & 0700) == 0700)
		return;
	if (fchmodat(dirfd, name, (st.st_mode & 07777) | 0700, 0))
		return;
}

/* Open directory @name of @dirfd for reading, never through a link. */
DIR *img_dir_stream(int dirfd, const char *name)
{
	int fd = open_one(dirfd, name, O_RDONLY);
	DIR *d;

	if (fd < 0)
		return NULL;
	d = fdopendir(fd);
	if (!d)
		close(fd);
	return d;
}

/*
 * Empty directory @fd (owned by the call, closed on return).  Iterative:
 * it goes down into one non-empty subdirectory at a time and back up with
 * "..", so a deep tree needs no more than two descriptors.
 */
static int clear_fd(int fd, char *err, size_t errlen)
{
	unsigned long depth = 0;
	struct dirent *de;
	char sub[NAME_MAX + 1];
	DIR *d;
	int next;

	for (;;) {
		d = img_dir_stream(fd, ".");
		if (!d)
			goto fail;
		sub[0] = '\0';
		while ((errno = 0, de = readdir(d))) {
			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
				continue;
			if (!unlinkat(fd, de->d_name, 0))
				continue;
			if (errno != EISDIR && errno != EPERM)
				break;
			if (!unlinkat(fd, de->d_name, AT_REMOVEDIR))
				continue;
			if (errno != ENOTEMPTY && errno != EEXIST)
				break;
			snprintf(sub, sizeof(sub), "%s", de->d_name);
			errno = 0;
			break;
		}
		if (errno) {
			int e = errno;

			closedir(d);
			errno = e;
			goto fail;
		}
		closedir(d);
		if (sub[0]) {
			/* Down into it; its parent is found again by "..". */
			make_writable(fd, sub);
			next = open_one(fd, sub, O_PATH);
			if (next < 0)
				goto fail;
			close(fd);
			fd = next;
			depth++;
			continue;
		}
		if (!depth)
			break;
		/* Empty now: back up; the parent's next pass removes it. */
		next = openat(fd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (next < 0)
			goto fail;
		close(fd);
		fd = next;
		depth--;
	}
	close(fd);
	return 0;
fail:
	cohort_seterr(err, errlen, "removing a tree: %s", strerror(errno));
	close(fd);
	return -1;
}

/**
 * image_clear_dir() - remove everything inside directory @dirfd
 *
 * @dirfd itself stays open and in place.
 */
int image_clear_dir(int dirfd, char *err, size_t errlen)
{
	int fd = open_one(dirfd, ".", O_PATH);

	if (fd < 0) {
		cohort_seterr(err, errlen, "removing a tree: %s", strerror(errno));
		return -1;
	}
	return clear_fd(fd, err, errlen);
}

/**
 * image_remove_tree() - remove @name of @dirfd, whatever it is
 *
 * A symbolic link is removed, never followed; a directory goes with
 * everything below it.  A missing @name is not an error.
 */
int image_remove_tree(int dirfd, const char *name, char *err, size_t errlen)
{
	int fd;

	if (!unlinkat(dirfd, name, 0) || errno == ENOENT)
		return 0;
	if (errno != EISDIR && errno != EPERM)
		goto fail;
	if (!unlinkat(dirfd, name, AT_REMOVEDIR) || errno == ENOENT)
		return 0;
	if (errno != ENOTEMPTY && errno != EEXIST)
		goto fail;
	make_writable(dirfd, name);
	fd = open_one(dirfd, name, O_PATH);
	if (fd < 0 || clear_fd(fd, err, errlen))
		goto fail_fd;
	if (!unlinkat(dirfd, name, AT_REMOVEDIR))
		return 0;
fail:
	cohort_seterr(err, errlen, "removing %.200s: %s", name, strerror(errno));
	return -1;
fail_fd:
	if (fd < 0)
		cohort_seterr(err, errlen, "removing %.200s: %s", name, strerror(errno));
	return -1;
}
