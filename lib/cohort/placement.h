/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Choosing an instance's CPUs by the primary's topology: whole cores (SMT
 * siblings together, never CPU 0's), all from one NUMA node or spread
 * over them.  Pure logic: the caller reads sysfs and describes what it
 * found in a struct cohort_topo (cmd/cohort/topology.c does, for
 * cohort(8)).
 */
#ifndef _COHORT_PLACEMENT_H
#define _COHORT_PLACEMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include <uapi/linux/cohort.h>

/* Node numbers are below this; sets of nodes are bitmaps as CPU sets are. */
#define COHORT_MAX_NODES	COHORT_MAX_CPUS
/* cohort_topo.node of a CPU on no node known. */
#define COHORT_NODE_NONE	0xffff

/*
 * The primary's CPUs.  A core is named by its lowest CPU (its "leader");
 * a CPU not present is a core of its own on node 0, as is every CPU until
 * cohort_topo_join() and cohort_topo_set_node() say otherwise.
 */
struct cohort_topo {
	__u64 present[COHORT_CPU_WORDS];
	__u16 core[COHORT_MAX_CPUS];	/* the lowest CPU of each CPU's core */
	__u16 node[COHORT_MAX_CPUS];	/* its NUMA node, or COHORT_NODE_NONE */
	__u16 package[COHORT_MAX_CPUS];	/* its physical package */
};

void cohort_topo_init(struct cohort_topo *t, const __u64 *present);
void cohort_topo_join(struct cohort_topo *t, const __u64 *cpus);
void cohort_topo_clear_nodes(struct cohort_topo *t);
void cohort_topo_set_node(struct cohort_topo *t, unsigned int node,
			  const __u64 *cpus);
void cohort_topo_set_package(struct cohort_topo *t, unsigned int cpu,
			     unsigned int package);
unsigned int cohort_topo_threads(const struct cohort_topo *t);
void cohort_topo_core(const struct cohort_topo *t, unsigned int cpu,
		      __u64 *mask);
unsigned int cohort_topo_split(const struct cohort_topo *t, const __u64 *cpus,
			       __u64 *split);
unsigned int cohort_topo_nodes(const struct cohort_topo *t, const __u64 *cpus,
			       __u64 *nodes);
bool cohort_topo_whole(const struct cohort_topo *t, const __u64 *cpus,
		       unsigned int *cores, unsigned int *threads);

enum cohort_place_how {
	COHORT_PLACE_COMPACT,	/* one node: the one with most free cores */
	COHORT_PLACE_SPREAD,	/* round-robin over nodes and packages */
};

/* What cohort_place_cpus() is asked for. */
struct cohort_place_req {
	unsigned int count;		/* CPUs (--cpu-count) */
	enum cohort_place_how how;
	int node;			/* the only node to use, or -1 */
	/*
	 * compact without a node: nodes to prefer (the pool has room for
	 * the memory there), a bitmap of COHORT_MAX_NODES bits; or NULL
	 */
	const __u64 *roomy;
};

/* What cohort_place_cpus() chose. */
struct cohort_place {
	__u64 cpus[COHORT_CPU_WORDS];
	__u64 nodes[COHORT_CPU_WORDS];	/* the nodes of those CPUs */
	unsigned int cores;
	unsigned int threads;		/* per core */
	int node;			/* their node when one, else -1 */
};

int cohort_place_cpus(const struct cohort_topo *t, const __u64 *free,
		      const struct cohort_place_req *r,
		      struct cohort_place *out, char *err, size_t errlen);

#endif /* _COHORT_PLACEMENT_H */
