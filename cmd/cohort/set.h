/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cohort(8): "cohort set" (set.c) changes an instance's CPUs (setcpus.c,
 * COHORT_IOC_SET_CPUS) and its memory (setmem.c, COHORT_IOC_SET_MEMORY).
 *
 * Each part is parsed first (nothing read), then planned against what
 * sysfs shows of the instance, then asked of the kernel; its report is a
 * line of text or JSON keys.
 */
#ifndef _COHORT_SET_H
#define _COHORT_SET_H

#include <stdbool.h>

#include "cohort.h"

struct json_object;

/* "--cpus [+|-]LIST" */
struct set_cpus {
	const char *arg;		/* as given */
	bool force;			/* --force: SMT siblings may part */
	__u64 list[COHORT_CPU_WORDS];	/* LIST */
	__u64 before[COHORT_CPU_WORDS];	/* the CPUs it has */
	struct cohort_ioc_set_cpus req;	/* the CPUs it should have */
};

int set_cpus_parse(struct cli *c, const char *name, struct set_cpus *s);
int set_cpus_plan(struct cli *c, const char *name, struct set_cpus *s);
int set_cpus_apply(struct cli *c, const char *name, struct set_cpus *s,
		   bool dry, __u32 timeout_ms);
int set_cpus_undo(struct cli *c, const char *name, struct set_cpus *s,
		  __u32 timeout_ms);
void set_cpus_json(struct json_object *o, const struct set_cpus *s);
void set_cpus_print(const char *name, bool dry, const struct set_cpus *s);

/* "--memory [+|-]SIZE [--node N]" */
struct set_mem {
	const char *arg;		/* as given */
	int sign;			/* +1 +SIZE, -1 -SIZE, 0 SIZE */
	__u64 size;			/* SIZE in bytes */
	__u64 before;			/* the memory it has */
	struct cohort_ioc_set_memory req; /* the memory it should have */
};

int set_mem_parse(struct cli *c, const char *name, const char *node,
		  struct set_mem *m);
int set_mem_plan(struct cli *c, const char *name, struct set_mem *m);
int set_mem_apply(struct cli *c, const char *name, struct set_mem *m,
		  bool dry, __u32 timeout_ms);
void set_mem_json(struct json_object *o, const struct set_mem *m);
void set_mem_print(const char *name, bool dry, const struct set_mem *m);

#endif /* _COHORT_SET_H */
