/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Whole reads and writes on a file descriptor, for the small static tools
 * (benchmarks, checks) that talk over sockets and pipes.
 */
#ifndef _COHORT_FDIO_H
#define _COHORT_FDIO_H

#include <stddef.h>
#include <sys/types.h>

/* Writes all @len bytes, again after EINTR: 0, or -1 with errno set. */
int cohort_write_all(int fd, const void *buf, size_t len);

/*
 * Reads until @len bytes or end of file, again after EINTR: the bytes
 * read (fewer than @len at end of file), or -1 with errno set.
 */
ssize_t cohort_read_full(int fd, void *buf, size_t len);

#endif /* _COHORT_FDIO_H */
