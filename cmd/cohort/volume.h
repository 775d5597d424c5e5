/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cohort(8): the volumes of "cohort run -v" (volume.c).
 */
#ifndef _COHORT_VOLUME_H
#define _COHORT_VOLUME_H

#include "cohort.h"
#include "run/run.h"

int volume_parse(struct cli *c, const char *arg, struct run_mount *m);
void volume_free(struct run_mount *m);

#endif /* _COHORT_VOLUME_H */
