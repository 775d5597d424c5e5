/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading an instance's console stream (docs/abi.md, "Reading the console").
 */
#ifndef _COHORT_CONSOLE_H
#define _COHORT_CONSOLE_H

#include <stddef.h>
#include <sys/types.h>
#include <linux/types.h>

/* Bytes asked for per read; sysfs returns at most a page per read. */
#define COHORT_CONSOLE_CHUNK	4096

/*
 * Reads up to @len bytes of the console stream at absolute offset @off,
 * like pread(): returns bytes read, 0 past the head, or -1 with errno.
 */
typedef ssize_t (*cohort_console_read_t)(void *ctx, void *buf, size_t len,
					 __u64 off);

int cohort_console_start(cohort_console_read_t rd, void *ctx, __u64 head,
			 __u64 size, __u64 *start);

#endif /* _COHORT_CONSOLE_H */
