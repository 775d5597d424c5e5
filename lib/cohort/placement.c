// SPDX-License-Identifier: GPL-2.0
/*
 * Choosing an instance's CPUs by the primary's topology (placement.h):
 * the model of cores, packages and NUMA nodes, the checks of a CPU list
 * against it, and the choice of whole cores for "--cpu-count N".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "parse.h"
#include "placement.h"

static bool is_present(const struct cohort_topo *t, unsigned int cpu)
{
	return cpu < COHORT_MAX_CPUS && cohort_cpu_isset(t->present, cpu);
}

/**
 * cohort_topo_init() - start a topology: every CPU its own core, node 0
 * @t: the topology
 * @present: the CPUs present (COHORT_MAX_CPUS bits)
 *
 * This is also what a machine without topology files in sysfs looks like.
 */
void cohort_topo_init(struct cohort_topo *t, const __u64 *present)
{
	unsigned int cpu;

	memcpy(t->present, present, sizeof(t->present));
	for (cpu = 0; cpu < COHORT_MAX_CPUS; cpu++) {
		t->core[cpu] = (__u16)cpu;
		t->node[cpu] = 0;
		t->package[cpu] = 0;
	}
}

/**
 * cohort_topo_join() - say that some CPUs are threads of one core
 * @t: the topology
 * @cpus: the CPUs (a thread_siblings_list); those not present are ignored
 *
 * The cores these CPUs are in so far become one, named by its lowest CPU.
 */
void cohort_topo_join(struct cohort_topo *t, const __u64 *cpus)
{
	__u64 old[COHORT_CPU_WORDS] = { 0 };
	unsigned int cpu, leader = COHORT_MAX_CPUS;

	for (cpu = 0; cpu < COHORT_MAX_CPUS; cpu++) {
		if (!cohort_cpu_isset(cpus, cpu) || !is_present(t, cpu))
			continue;
		cohort_cpu_set(old, t->core[cpu]);
		if (t->core[cpu] < leader)
			leader = t->core[cpu];
	}
	if (leader == COHORT_MAX_CPUS)
		return;
	for (cpu = 0; cpu < COHORT_MAX_CPUS; cpu++)
		if (is_present(t, cpu) && cohort_cpu_isset(old, t->core[cpu]))
			t->core[cpu] = (__u16)leader;
}

/**
 * cohort_topo_clear_nodes() - forget every CPU's node
 * @t: the topology
 *
 * For a machine that shows its nodes: a CPU that none of them lists
 * (offline ones are not listed) is then on no node known.
 */
void cohort_topo_clear_nodes(struct cohort_topo *t)
{
	unsigned int cpu;

	for (cpu = 0; cpu < COHORT_MAX_CPUS; cpu++)
		t->node[cpu] = COHORT_NODE_NONE;
}

/**
 * cohort_topo_set_node() - say which CPUs a NUMA node has
 * @t: the topology
 * @node: the node, below COHORT_MAX_NODES (others are ignored)
 * @cpus: its CPUs (a nodeN/cpulist)
 */
void cohort_topo_set_node(struct cohort_topo *t, unsigned int node,
			  const __u64 *cpus)
{
	unsigned int cpu;

	if (node >= COHORT_MAX_NODES)
		return;
	for (cpu = 0; cpu < COHORT_MAX_CPUS; cpu++)
		if (cohort_cpu_isset(cpus, cpu))
			t->node[cpu] = (__u16)node;
}

/**
 * cohort_topo_set_package() - say which physical package a CPU is in
 * @t: the topology
 * @cpu: the CPU
 * @package: its physical_package_id (cut to 16 bits)
 */
void cohort_topo_set_package(struct cohort_topo *t, unsigned int cpu,
			     unsigned int package)
{
	if (cpu < COHORT_MAX_CPUS)
		t->package[cpu] = (__u16)package;
}

/* Threads of each core, by its leader. */
static void core_sizes(const struct cohort_topo *t, __u16 *size)
{
	unsigned int cpu;

	memset(size, 0, COHORT_MAX_CPUS * sizeof(*size));
	for (cpu = 0; cpu < COHORT_MAX_CPUS; cpu++)
		if (is_present(t, cpu))
			size[t->core[cpu]]++;
}

/**
 * cohort_topo_threads() - the threads of the machine's widest core
 * @t: the topology
 *
 * A core that shows fewer has threads offline (held by an instance) or
 * is of a smaller kind; cohort_place_cpus() does not use it.
 *
 * Return: 1 or more.
 */
unsigned int cohort_topo_threads(const struct cohort_topo *t)
{
	__u16 size[COHORT_MAX_CPUS];
	unsigned int cpu, max = 1;

	core_sizes(t, size);
	for (cpu = 0; cpu < COHORT_MAX_CPUS; cpu++)
		if (size[cpu] > max)
			max = size[cpu];
	return max;
}

/**
 * cohort_topo_core() - the CPUs of a CPU's core
 * @t: the topology
 * @cpu: the CPU
 * @mask: out: its core's CPUs that are present (just @cpu when it is not)
 */
void cohort_topo_core(const struct cohort_topo *t, unsigned int cpu,
		      __u64 *mask)
{
	unsigned int i;

	memset(mask, 0, COHORT_CPU_WORDS * sizeof(*mask));
	if (cpu >= COHORT_MAX_CPUS)
		return;
	if (!is_present(t, cpu)) {
		cohort_cpu_set(mask, cpu);
		return;
	}
	for (i = t->core[cpu]; i < COHORT_MAX_CPUS; i++)
		if (is_present(t, i) && t->core[i] == t->core[cpu])
			cohort_cpu_set(mask, i);
}

/**
 * cohort_topo_split() - the cores a CPU list takes only some threads of
 * @t: the topology
 * @cpus: the list
 * @split: out: every CPU of those cores (COHORT_MAX_CPUS bits)
 *
 * Return: how many cores the list splits.
 */
unsigned int cohort_topo_split(const struct cohort_topo *t, const __u64 *cpus,
			       __u64 *split)
{
	__u64 seen[COHORT_CPU_WORDS] = { 0 }, core[COHORT_CPU_WORDS];
	unsigned int cpu, w, n = 0;

	memset(split, 0, COHORT_CPU_WORDS * sizeof(*split));
	for (cpu = 0; cpu < COHORT_MAX_CPUS; cpu++) {
		if (!cohort_cpu_isset(cpus, cpu) || !is_present(t, cpu) ||
		    cohort_cpu_isset(seen, t->core[cpu]))
			continue;
		cohort_cpu_set(seen, t->core[cpu]);
		cohort_topo_core(t, cpu, core);
		for (w = 0; w < COHORT_CPU_WORDS; w++)
			if (core[w] & ~cpus[w])
				break;
		if (w == COHORT_CPU_WORDS)
			continue;
		for (w = 0; w < COHORT_CPU_WORDS; w++)
			split[w] |= core[w];
		n++;
	}
	return n;
}

/**
 * cohort_topo_nodes() - the NUMA nodes of a CPU list
 * @t: the topology
 * @cpus: the list
 * @nodes: out: the nodes known of its CPUs (COHORT_MAX_NODES bits)
 *
 * Return: how many nodes that is (CPUs on no node known do not count).
 */
unsigned int cohort_topo_nodes(const struct cohort_topo *t, const __u64 *cpus,
			       __u64 *nodes)
{
	unsigned int cpu;

	memset(nodes, 0, COHORT_CPU_WORDS * sizeof(*nodes));
	for (cpu = 0; cpu < COHORT_MAX_CPUS; cpu++)
		if (cohort_cpu_isset(cpus, cpu) &&
		    t->node[cpu] != COHORT_NODE_NONE)
			cohort_cpu_set(nodes, t->node[cpu]);
	return cohort_cpulist_weight(nodes, COHORT_MAX_NODES);
}

/**
 * cohort_topo_whole() - whether a CPU list is whole cores of one size
 * @t: the topology
 * @cpus: the list (not empty)
 * @cores: out: how many cores, when it is
 * @threads: out: their threads each, when it is
 *
 * Return: true when every CPU is present, its core's every thread is in
 * the list and all those cores have as many threads.
 */
bool cohort_topo_whole(const struct cohort_topo *t, const __u64 *cpus,
		       unsigned int *cores, unsigned int *threads)
{
	__u64 split[COHORT_CPU_WORDS];
	__u16 size[COHORT_MAX_CPUS];
	unsigned int cpu, n = 0, th = 0;

	if (cohort_topo_split(t, cpus, split))
		return false;
	core_sizes(t, size);
	for (cpu = 0; cpu < COHORT_MAX_CPUS; cpu++) {
		if (!cohort_cpu_isset(cpus, cpu))
			continue;
		if (!is_present(t, cpu))
			return false;
		if (t->core[cpu] != cpu)
			continue;
		if (th && size[cpu] != th)
			return false;
		th = size[cpu];
		n++;
	}
	if (!n)
		return false;
	*cores = n;
	*threads = th;
	return true;
}

/*
 * The cores cohort_place_cpus() may take, by leader: not CPU 0's, as many
 * threads as the widest core, every thread free and all on one node
 * known.
 */
static void usable_cores(const struct cohort_topo *t, const __u64 *free,
			 unsigned int threads, __u64 *ok)
{
	__u16 size[COHORT_MAX_CPUS];
	__u64 bad[COHORT_CPU_WORDS] = { 0 };
	unsigned int cpu, lead;

	core_sizes(t, size);
	for (cpu = 0; cpu < COHORT_MAX_CPUS; cpu++) {
		if (!is_present(t, cpu))
			continue;
		lead = t->core[cpu];
		if (!cohort_cpu_isset(free, cpu) || !cpu ||
		    t->node[cpu] == COHORT_NODE_NONE ||
		    t->node[cpu] != t->node[lead])
			cohort_cpu_set(bad, lead);
	}
	memset(ok, 0, COHORT_CPU_WORDS * sizeof(*ok));
	for (cpu = 1; cpu < COHORT_MAX_CPUS; cpu++)
		if (is_present(t, cpu) && t->core[cpu] == cpu &&
		    size[cpu] == threads && !cohort_cpu_isset(bad, cpu))
			cohort_cpu_set(ok, cpu);
}

/* Adds @cpu's core to @mask. */
static void add_core(const struct cohort_topo *t, unsigned int cpu,
		     __u64 *mask)
{
	__u64 core[COHORT_CPU_WORDS];
	unsigned int w;

	cohort_topo_core(t, cpu, core);
	for (w = 0; w < COHORT_CPU_WORDS; w++)
		mask[w] |= core[w];
}

/* "1 core (CPUs 6-7)", "2 cores (CPUs 4-7)" or "none": @node's free. */
static void describe(const struct cohort_topo *t, const __u64 *ok, int node,
		     char *buf, size_t len)
{
	__u64 cpus[COHORT_CPU_WORDS] = { 0 };
	unsigned int cpu, n = 0;
	char list[1024];

	for (cpu = 1; cpu < COHORT_MAX_CPUS; cpu++) {
		if (!cohort_cpu_isset(ok, cpu) ||
		    (node >= 0 && t->node[cpu] != node))
			continue;
		add_core(t, cpu, cpus);
		n++;
	}
	if (!n) {
		cohort_appendf(buf, len, "none");
		return;
	}
	cohort_format_cpulist(cpus, COHORT_MAX_CPUS, list, sizeof(list));
	cohort_appendf(buf, len, "%u core%s (CPU%s %s)", n, cohort_plural(n),
	     cohort_plural(cohort_cpulist_weight(cpus, COHORT_MAX_CPUS)), list);
}

/* The refusal of a request that too few free cores can meet. */
static void too_few(const struct cohort_topo *t, const __u64 *ok,
		    const struct cohort_place_req *r, const __u64 *known,
		    unsigned int threads, char *err, size_t errlen)
{
	unsigned int need = r->count / threads, node, shown = 0;
	bool one = cohort_cpulist_weight(known, COHORT_MAX_NODES) <= 1;

	if (!err || !errlen)
		return;
	err[0] = '\0';
	cohort_appendf(err, errlen,
		       "--cpu-count %u needs %u free core%s of %u thread%s",
		       r->count, need, cohort_plural(need), threads,
		       cohort_plural(threads));
	if (r->node >= 0)
		cohort_appendf(err, errlen, " on node %d", r->node);
	else if (r->how == COHORT_PLACE_COMPACT && !one)
		cohort_appendf(err, errlen, " on one node");
	cohort_appendf(err, errlen, "; free: ");
	if (r->node >= 0 || one) {
		if (r->node >= 0 && !one)
			cohort_appendf(err, errlen, "node %d: ", r->node);
		describe(t, ok, r->node, err, errlen);
	} else {
		for (node = 0; node < COHORT_MAX_NODES; node++) {
			if (!cohort_cpu_isset(known, node))
				continue;
			cohort_appendf(err, errlen, "%snode %u: ",
				       shown++ ? ", " : "", node);
			describe(t, ok, (int)node, err, errlen);
		}
	}
	cohort_appendf(err, errlen, threads > 1 ?
	     "; CPU 0's core stays with the primary" :
	     "; CPU 0 stays with the primary");
}

/* compact: the node to take @need cores from, or -1 when none can. */
static int compact_node(const struct cohort_topo *t, const __u64 *ok,
			const struct cohort_place_req *r, const __u64 *known,
			unsigned int need)
{
	__u16 free_cores[COHORT_MAX_NODES];
	unsigned int cpu, node;
	int best = -1, pass;

	memset(free_cores, 0, sizeof(free_cores));
	for (cpu = 1; cpu < COHORT_MAX_CPUS; cpu++)
		if (cohort_cpu_isset(ok, cpu))
			free_cores[t->node[cpu]]++;
	if (r->node >= 0)
		return free_cores[r->node] >= need ? r->node : -1;
	/* first among the nodes where the pool has room, then any */
	for (pass = r->roomy ? 0 : 1; pass < 2 && best < 0; pass++) {
		for (node = 0; node < COHORT_MAX_NODES; node++) {
			if (!cohort_cpu_isset(known, node) ||
			    free_cores[node] < need ||
			    (!pass && !cohort_cpu_isset(r->roomy, node)))
				continue;
			if (best < 0 || free_cores[node] > free_cores[best])
				best = (int)node;
		}
	}
	return best;
}

/* A core spread may take: its node and package, then its leader. */
struct spread_core {
	unsigned int node, package, leader;
};

/* node, then package ascending; the highest-numbered core first. */
static int spread_cmp(const void *a, const void *b)
{
	const struct spread_core *x = a, *y = b;

	if (x->node != y->node)
		return x->node < y->node ? -1 : 1;
	if (x->package != y->package)
		return x->package < y->package ? -1 : 1;
	return x->leader > y->leader ? -1 : x->leader < y->leader;
}

/*
 * spread: one core from each (node, package) in turn, nodes and packages
 * in ascending order, each time the highest-numbered core left there.
 * Returns false when fewer than @need cores are free.
 */
static bool spread(const struct cohort_topo *t, const __u64 *ok,
		   const struct cohort_place_req *r, unsigned int need,
		   __u64 *cpus)
{
	struct spread_core c[COHORT_MAX_CPUS];
	bool taken[COHORT_MAX_CPUS];
	unsigned int cpu, n = 0, got = 0, i;

	for (cpu = 1; cpu < COHORT_MAX_CPUS; cpu++) {
		if (!cohort_cpu_isset(ok, cpu) ||
		    (r->node >= 0 && t->node[cpu] != r->node))
			continue;
		c[n].node = t->node[cpu];
		c[n].package = t->package[cpu];
		c[n].leader = cpu;
		taken[n++] = false;
	}
	if (n < need)
		return false;
	qsort(c, n, sizeof(c[0]), spread_cmp);
	while (got < need) {
		bool took = false;

		for (i = 0; i < n && got < need; i++) {
			if (i && (c[i].node != c[i - 1].node ||
				  c[i].package != c[i - 1].package))
				took = false;
			if (took || taken[i])
				continue;
			taken[i] = took = true;
			add_core(t, c[i].leader, cpus);
			got++;
		}
	}
	return true;
}

/**
 * cohort_place_cpus() - choose whole free cores for an instance
 * @t: the primary's topology
 * @free: the CPUs no instance holds (CPU 0 is never taken, whatever this
 *	says)
 * @r: the request
 * @out: the choice
 * @err: why there is none, or NULL
 * @errlen: bytes at @err
 *
 * The cores taken are those with every thread free, as many threads as
 * the machine's widest core, all on one node known, and not CPU 0's.
 * compact takes them from one node: @r->node, or else the node with the
 * most such cores that has enough, preferring the nodes in @r->roomy
 * (ties: the lowest node); there, the highest-numbered cores.  spread
 * takes one core in turn from each (node, package) pair, nodes and
 * packages in ascending order (only @r->node's when given), each time the
 * highest-numbered core left there.
 *
 * Return: 0; -EINVAL when @r->count is not a multiple of the threads of a
 * core; -ENODEV when no CPU is on @r->node; -ENOSPC when too few cores
 * are free.  The message names what is free.
 */
int cohort_place_cpus(const struct cohort_topo *t, const __u64 *free,
		      const struct cohort_place_req *r,
		      struct cohort_place *out, char *err, size_t errlen)
{
	__u64 ok[COHORT_CPU_WORDS], known[COHORT_CPU_WORDS];
	unsigned int threads = cohort_topo_threads(t), need;
	char list[1024];
	int node = -1;

	memset(out, 0, sizeof(*out));
	out->node = -1;
	if (!r->count || r->count % threads) {
		cohort_seterr(err, errlen,
			      "--cpu-count %u: cores here have %u threads; ask for a multiple of %u, or use --cpus to split a core",
			      r->count, threads, threads);
		return -EINVAL;
	}
	need = r->count / threads;
	cohort_topo_nodes(t, t->present, known);
	if (r->node >= 0 && (r->node >= COHORT_MAX_NODES ||
			     !cohort_cpu_isset(known, (unsigned int)r->node))) {
		cohort_format_cpulist(known, COHORT_MAX_NODES, list,
				      sizeof(list));
		if (list[0])
			cohort_seterr(err, errlen,
				      "--node %d: no CPU is on NUMA node %d (CPUs are on node%s %s)",
				      r->node, r->node,
				      cohort_plural(cohort_cpulist_weight(known, COHORT_MAX_NODES)),
				      list);
		else
			cohort_seterr(err, errlen,
				      "--node %d: no CPU is on a NUMA node known",
				      r->node);
		return -ENODEV;
	}
	usable_cores(t, free, threads, ok);
	if (r->how == COHORT_PLACE_SPREAD) {
		if (!spread(t, ok, r, need, out->cpus)) {
			too_few(t, ok, r, known, threads, err, errlen);
			return -ENOSPC;
		}
	} else {
		unsigned int cpu, got = 0;

		node = compact_node(t, ok, r, known, need);
		if (node < 0) {
			too_few(t, ok, r, known, threads, err, errlen);
			return -ENOSPC;
		}
		for (cpu = COHORT_MAX_CPUS - 1; cpu > 0 && got < need; cpu--) {
			if (!cohort_cpu_isset(ok, cpu) || t->node[cpu] != node)
				continue;
			add_core(t, cpu, out->cpus);
			got++;
		}
	}
	out->cores = need;
	out->threads = threads;
	if (cohort_topo_nodes(t, out->cpus, out->nodes) == 1) {
		for (node = 0; !cohort_cpu_isset(out->nodes, (unsigned int)node);
		     node++)
			;
		out->node = node;
	}
	return 0;
}
