/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cohort(8): making and booting instances for "run" and "warm"
 * (launch.c).
 */
#ifndef _COHORT_LAUNCH_H
#define _COHORT_LAUNCH_H

#include <stdbool.h>
#include <stddef.h>

#include "cohort.h"

int launch_files(struct cli *c, const char **kernel, const char **initrd,
		 char *kbuf, char *ibuf);
int launch_free_cpus(struct cli *c, __u64 *out);
int launch_pick_cpus(struct cli *c, const char *count, char *buf, size_t len);
void launch_name(struct cli *c, const char *prefix, char *buf, size_t len);
int launch_sub(struct cli *c, int (*fn)(struct cli *, int, char **),
	       const char *cmd, char **argv);
int launch_create(struct cli *c, const char *name, const char *cpus,
		  const char *memory);
int launch_start(struct cli *c, const char *name, const char *kernel,
		 const char *initrd, const char *cmdline);
int launch_delete(struct cli *c, const char *name);
int launch_grant(struct cli *c, const char *region, const char *name,
		 bool readonly);

#endif /* _COHORT_LAUNCH_H */
