/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cohort(8): warm pools (warmpool.c): instances booted ahead of time and
 * idle until "cohort run --warm POOL" hands one a workload.
 */
#ifndef _COHORT_WARMPOOL_H
#define _COHORT_WARMPOOL_H

#include <stdbool.h>
#include <stddef.h>

#include "cohort.h"

/* The longest pool name: "POOL-" and 6 hex digits name an instance. */
#define WARM_NAME_MAX		(COHORT_NAME_MAX - 8)
#define WARM_COUNT_MAX		64
#define WARM_MEMORY_DEFAULT	"256M"

/* A pool's record, $COHORT_STATE_DIR/warm/POOL.json. */
struct warm_pool {
	char name[WARM_NAME_MAX + 1];
	unsigned int count;		/* idle instances to keep */
	char cpu_count[16];		/* CPUs of each, as given */
	char memory[32];		/* memory of each, as given */
	char kernel[4096];
	char initrd[4096];
	char cmdline[COHORT_CMDLINE_MAX];	/* without cohort.warm */
};

int warm_check_name(struct cli *c, const char *name);
int warm_read(const char *name, struct warm_pool *p);
int warm_write(const struct warm_pool *p);
int warm_forget(const char *name);
int warm_list(char ***names, size_t *n);
int warm_idle(struct cli *c, const char *pool, char ***insts, size_t *n);
void warm_strv_free(char **v, size_t n);
int warm_fill(struct cli *c, const struct warm_pool *p, bool drain);
int warm_claim(struct cli *c, const char *pool, char *inst, size_t len);
int warm_hand(struct cli *c, const char *inst, const char *json);
void warm_refill_spawn(struct cli *c, const char *pool);

#endif /* _COHORT_WARMPOOL_H */
