/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cohort(8): where "cohort create" puts an instance: the primary's
 * topology read from sysfs (topology.c) and the choice or check of the
 * CPUs and the memory's node (place.c), by lib/cohort/placement.h.
 */
#ifndef _COHORT_PLACE_H
#define _COHORT_PLACE_H

#include <stdbool.h>
#include <stddef.h>

#include "cohort.h"
#include "cohort/placement.h"

/* topology.c */
int topo_read(struct cli *c, struct cohort_topo *t, char *why, size_t len);

/* What "cohort create" was asked for, as far as placement goes. */
struct place_req {
	const char *name;
	__u32 count;			/* --cpu-count, or 0 with --cpus */
	enum cohort_place_how how;	/* --placement */
	int node;			/* --node, or -1 */
	bool force;			/* --force */
	bool base;			/* --base given */
	__u64 mem_size;			/* --memory */
};

/* Longest description place_pick() and place_check() write. */
#define PLACE_WHAT_MAX	1200

/* Where the instance goes. */
struct place_plan {
	__u64 cpus[COHORT_CPU_WORDS];
	__u64 nodes[COHORT_CPU_WORDS];	/* the nodes of those CPUs known */
	bool set_node;			/* COHORT_CREATE_NODE */
	__u32 node;			/* its node then */
	char what[PLACE_WHAT_MAX];	/* "CPUs 6-7 (1 core of 2 threads) on node 1" */
};

/* place.c */
int place_pick(struct cli *c, const struct place_req *r,
	       struct place_plan *p);
int place_check(struct cli *c, const struct place_req *r, const __u64 *cpus,
		struct place_plan *p);
void place_print(const char *verb, const char *name,
		 const struct place_plan *p, const struct cohort_ioc_create *req,
		 bool net);
struct json_object;
void place_json(struct json_object *o, const struct place_plan *p);

#endif /* _COHORT_PLACE_H */
