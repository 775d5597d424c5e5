/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cohortfs userspace library: images mapped MAP_SHARED, host callbacks
 * for processes, per-process hold counts, and path-based helpers on top
 * of the shared format code.  Not shared with the kernel.
 */
#ifndef _COHORTFS_USER_H
#define _COHORTFS_USER_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "format.h"

/**
 * struct cfs_user - a process's attachment to an image.
 * @fs: the format-level mount.
 * @host: host callbacks for this process.
 * @base: mapping.
 * @size: mapping length.
 * @fd: the image file.
 * @holds: per-inode hold counts of this process.
 * @lock: protects @holds.
 */
struct cfs_user {
	struct cfs_fs fs;
	struct cfs_host host;
	void *base;
	uint64_t size;
	int fd;
	uint32_t *holds;
	pthread_mutex_t lock;
};

void cfs_host_init(struct cfs_host *h);
int cfs_map_image(const char *path, bool rw, void **base, uint64_t *size,
		  int *fd);
void cfs_unmap_image(void *base, uint64_t size, int fd);
int cfs_user_open(struct cfs_user *u, const char *image, bool rw);
void cfs_user_close(struct cfs_user *u);
int cfs_uhold(struct cfs_user *u, uint32_t ino, uint32_t gen);
void cfs_uunhold(struct cfs_user *u, uint32_t ino, uint32_t gen);
int cfs_resolve(struct cfs_user *u, const char *path, uint32_t *ino,
		uint32_t *gen);
int cfs_path_create(struct cfs_user *u, const char *path, uint32_t mode,
		    const char *target);
int cfs_path_unlink(struct cfs_user *u, const char *path);
int cfs_path_rmdir(struct cfs_user *u, const char *path);
int cfs_path_rename(struct cfs_user *u, const char *from, const char *to,
		    uint32_t flags);
int cfs_path_link(struct cfs_user *u, const char *from, const char *to);
int64_t cfs_path_write(struct cfs_user *u, const char *path, uint64_t off,
		       const void *buf, uint64_t len, bool append);
int64_t cfs_path_read(struct cfs_user *u, const char *path, uint64_t off,
		      void *buf, uint64_t len);
int cfs_path_stat(struct cfs_user *u, const char *path, struct cfs_attr *a);
const char *cfs_strerror(int err);

#endif /* _COHORTFS_USER_H */
