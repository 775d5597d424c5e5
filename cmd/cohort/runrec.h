/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cohort(8): what "cohort run" records about an instance it made
 * (runrec.c), for "cohort show" and for cohortd.
 */
#ifndef _COHORT_RUNREC_H
#define _COHORT_RUNREC_H

#include <stdint.h>

#include "cohort.h"

#define RUNREC_RESTART_MAX	32

struct run_rec {
	char image[72];			/* "sha256:" + the config digest */
	char source[1024];		/* where it was imported from */
	char restart[RUNREC_RESTART_MAX];	/* --restart, as docker spells it */
	char pool[COHORT_NAME_MAX];	/* the warm pool it came from, or "" */
	int64_t created;		/* seconds since the epoch */
};

int runrec_check_restart(const char *policy, char *err, size_t errlen);
int runrec_write(const char *name, const struct run_rec *r);
int runrec_read(const char *name, struct run_rec *r);
void runrec_remove(const char *name);

#endif /* _COHORT_RUNREC_H */
