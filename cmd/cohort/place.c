// SPDX-License-Identifier: GPL-2.0
/*
 * cohort(8): where "cohort create" puts an instance.  With --cpu-count,
 * whole free cores chosen by lib/cohort/placement.c (compact: one NUMA
 * node; spread: over the nodes and packages) and, when they are on one
 * node and the pool has the memory free there, COHORT_CREATE_NODE for
 * that node.  With --cpus, the list checked against the topology: a
 * split core is refused without --force, a list over several nodes is
 * warned about, --node must name the list's node.  docs/man/cohort.8,
 * "create", has the rules.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cohort/parse.h"
#include "launch.h"
#include "place.h"

/* pool/nodeN/free; 0 or a negative errno (-ENOENT: no memory there). */
static int pool_node_free(struct cli *c, unsigned int node, __u64 *val)
{
	char path[4096], buf[64];
	int ret;

	snprintf(path, sizeof(path), "%s/pool/node%u/free", c->sysfs, node);
	ret = sysfs_read(path, buf, sizeof(buf));
	if (ret < 0)
		return ret;
	return sysfs_parse_u64(buf, val);
}

/*
 * The nodes the pool has memory on (a pool/nodeN/ directory each) in
 * @have, those with @size bytes free there in @roomy.  False when the
 * pool shows no node (a kernel that cannot place memory by node).
 */
static bool pool_nodes(struct cli *c, __u64 size, __u64 *have, __u64 *roomy)
{
	char path[4096];
	struct dirent *de;
	bool any = false;
	__u64 free;
	DIR *d;

	memset(have, 0, COHORT_CPU_WORDS * sizeof(*have));
	memset(roomy, 0, COHORT_CPU_WORDS * sizeof(*roomy));
	snprintf(path, sizeof(path), "%s/pool", c->sysfs);
	d = opendir(path);
	if (!d)
		return false;
	while ((de = readdir(d))) {
		const char *p = de->d_name + 4;
		unsigned long node;
		char *end;

		if (strncmp(de->d_name, "node", 4) || *p < '0' || *p > '9')
			continue;
		node = strtoul(p, &end, 10);
		if (*end || node >= COHORT_MAX_NODES)
			continue;
		any = true;
		cohort_cpu_set(have, (unsigned int)node);
		if (!pool_node_free(c, (unsigned int)node, &free) &&
		    free >= size)
			cohort_cpu_set(roomy, (unsigned int)node);
	}
	closedir(d);
	return any;
}

/* p->what: "CPUs 6-7 (1 core of 2 threads) on node 1"; @t may be NULL. */
static void describe(const struct cohort_topo *t, struct place_plan *p)
{
	unsigned int n = cohort_cpulist_weight(p->cpus, COHORT_MAX_CPUS);
	unsigned int cores, threads;
	char list[1024];

	cohort_format_cpulist(p->cpus, COHORT_MAX_CPUS, list, sizeof(list));
	p->what[0] = '\0';
	cohort_appendf(p->what, sizeof(p->what), "CPU%s %s", cohort_plural(n),
		       list);
	if (!t)
		return;
	if (cohort_topo_whole(t, p->cpus, &cores, &threads) &&
	    threads == cohort_topo_threads(t))
		cohort_appendf(p->what, sizeof(p->what),
			       " (%u core%s of %u thread%s)", cores,
			       cohort_plural(cores), threads,
			       cohort_plural(threads));
	else
		cohort_appendf(p->what, sizeof(p->what), " (not whole cores)");
	n = cohort_cpulist_weight(p->nodes, COHORT_MAX_NODES);
	if (n) {
		cohort_format_cpulist(p->nodes, COHORT_MAX_NODES, list,
				      sizeof(list));
		cohort_appendf(p->what, sizeof(p->what), " on node%s %s",
			       cohort_plural(n), list);
	}
}

/**
 * place_pick() - choose the CPUs of "cohort create --cpu-count N"
 * @c: the invocation
 * @r: the request
 * @p: out: the CPUs and the memory's node
 *
 * Whole cores no instance holds, by cohort_place_cpus().  The memory is
 * tied to their node (COHORT_CREATE_NODE) when they are all on one,
 * compact placement or --node chose it, --base is not given, and the
 * pool has that much free on it; when the pool shows nodes but lacks the
 * memory there, a warning says so (the kernel then places it anywhere).
 * compact without --node prefers the nodes where the pool has it free.
 *
 * Return: EXIT_OK; EXIT_USAGE for a count that splits cores or a node
 * without CPUs; EXIT_FAIL when too few cores are free (printed).
 */
int place_pick(struct cli *c, const struct place_req *r, struct place_plan *p)
{
	struct cohort_place_req q = {
		.count = r->count, .how = r->how, .node = r->node,
	};
	__u64 free[COHORT_CPU_WORDS], have[COHORT_CPU_WORDS];
	__u64 roomy[COHORT_CPU_WORDS], left;
	char err[2048], a[COHORT_SIZE_STR_MAX], b[COHORT_SIZE_STR_MAX];
	struct cohort_place got;
	struct cohort_topo t;
	bool tie, shown = false;
	int ret;

	memset(p, 0, sizeof(*p));
	ret = launch_free_cpus(c, free);
	if (ret)
		return ret;
	if (topo_read(c, &t, err, sizeof(err))) {
		cli_err("%s %s: %s", c->cmd, r->name, err);
		return EXIT_FAIL;
	}
	tie = !r->base && (r->how == COHORT_PLACE_COMPACT || r->node >= 0);
	if (tie)
		shown = pool_nodes(c, r->mem_size, have, roomy);
	if (shown && r->node < 0)
		q.roomy = roomy;
	ret = cohort_place_cpus(&t, free, &q, &got, err, sizeof(err));
	if (ret) {
		cli_err("%s %s: %s", c->cmd, r->name, err);
		return ret == -ENOSPC ? EXIT_FAIL : EXIT_USAGE;
	}
	memcpy(p->cpus, got.cpus, sizeof(p->cpus));
	memcpy(p->nodes, got.nodes, sizeof(p->nodes));
	if (shown && got.node >= 0) {
		unsigned int node = (unsigned int)got.node;

		cohort_format_size(r->mem_size, false, a, sizeof(a));
		if (cohort_cpu_isset(roomy, node)) {
			p->set_node = true;
			p->node = node;
		} else if (!cohort_cpu_isset(have, node) ||
			   pool_node_free(c, node, &left)) {
			cli_warn("%s %s: the pool has no memory on node %u; the memory comes from other nodes",
				 c->cmd, r->name, node);
		} else {
			cohort_format_size(left, false, b, sizeof(b));
			cli_warn("%s %s: the pool has only %s free on node %u (%s asked); the memory is not tied to the node",
				 c->cmd, r->name, b, node, a);
		}
	}
	describe(&t, p);
	return EXIT_OK;
}

/* "[3,7]", "[3,7] and [5,9]", "[1,5], [3,7] and [5,9]": the cores split. */
static void split_text(const struct cohort_topo *t, const __u64 *split,
		       unsigned int n, char *buf, size_t len)
{
	__u64 core[COHORT_CPU_WORDS];
	unsigned int cpu, i = 0;
	char list[1024];

	buf[0] = '\0';
	for (cpu = 0; cpu < COHORT_MAX_CPUS; cpu++) {
		if (!cohort_cpu_isset(split, cpu) || t->core[cpu] != cpu)
			continue;
		cohort_topo_core(t, cpu, core);
		cohort_format_cpulist(core, COHORT_MAX_CPUS, list, sizeof(list));
		i++;
		cohort_appendf(buf, len, "%s[%s]",
			       i == 1 ? "" : i == n ? " and " : ", ", list);
	}
}

/* The refusal of a list that splits cores. */
static int refuse_split(struct cli *c, const struct place_req *r,
			const struct cohort_topo *t, const __u64 *cpus,
			const __u64 *split, unsigned int n)
{
	__u64 core0[COHORT_CPU_WORDS], mine[COHORT_CPU_WORDS];
	char text[2048], a[1024], b[1024];
	unsigned int w, k;

	if (cohort_cpu_isset(split, 0)) {
		cohort_topo_core(t, 0, core0);
		for (w = 0; w < COHORT_CPU_WORDS; w++)
			mine[w] = core0[w] & cpus[w];
		k = cohort_cpulist_weight(mine, COHORT_MAX_CPUS);
		cohort_format_cpulist(mine, COHORT_MAX_CPUS, a, sizeof(a));
		cohort_format_cpulist(core0, COHORT_MAX_CPUS, b, sizeof(b));
		cli_err("%s %s: CPU%s %s share%s a core with CPU 0 ([%s]); CPU 0 stays with the primary and so does its core: add --force to give %s anyway",
			c->cmd, r->name, cohort_plural(k), a, k == 1 ? "s" : "", b,
			k == 1 ? "it" : "them");
		return EXIT_USAGE;
	}
	split_text(t, split, n, text, sizeof(text));
	cli_err("%s %s: the list splits the core%s %s; SMT siblings stay together in one kernel: name all %s threads, or add --force",
		c->cmd, r->name, cohort_plural(n), text, n == 1 ? "its" : "their");
	return EXIT_USAGE;
}

/**
 * place_check() - check the CPUs of "cohort create --cpus LIST"
 * @c: the invocation
 * @r: the request
 * @cpus: the list
 * @p: out: the CPUs and the memory's node
 *
 * Without --force, a list that takes some threads of a core and not the
 * others is refused, and one on several NUMA nodes is warned about.
 * With --node, every CPU of the list on a node known must be on that
 * one; the memory is tied to it unless --base is given.  When the
 * topology cannot be read, nothing is checked (cli_check_cpus_present()
 * has warned).
 *
 * Return: EXIT_OK, or EXIT_USAGE (printed).
 */
int place_check(struct cli *c, const struct place_req *r, const __u64 *cpus,
		struct place_plan *p)
{
	__u64 split[COHORT_CPU_WORDS], off[COHORT_CPU_WORDS];
	__u64 where[COHORT_CPU_WORDS];
	char why[4200], a[1024], b[1024];
	struct cohort_topo t;
	unsigned int n, k, cpu;

	memset(p, 0, sizeof(*p));
	memcpy(p->cpus, cpus, sizeof(p->cpus));
	if (r->node >= 0 && !r->base) {
		p->set_node = true;
		p->node = (__u32)r->node;
	}
	if (topo_read(c, &t, why, sizeof(why))) {
		describe(NULL, p);
		return EXIT_OK;
	}
	n = cohort_topo_split(&t, cpus, split);
	if (n && !r->force)
		return refuse_split(c, r, &t, cpus, split, n);
	n = cohort_topo_nodes(&t, cpus, p->nodes);
	if (r->node >= 0) {
		memset(off, 0, sizeof(off));
		for (cpu = 0; cpu < COHORT_MAX_CPUS; cpu++)
			if (cohort_cpu_isset(cpus, cpu) &&
			    t.node[cpu] != COHORT_NODE_NONE &&
			    t.node[cpu] != r->node)
				cohort_cpu_set(off, cpu);
		k = cohort_cpulist_weight(off, COHORT_MAX_CPUS);
		if (k) {
			n = cohort_topo_nodes(&t, off, where);
			cohort_format_cpulist(off, COHORT_MAX_CPUS, a,
					      sizeof(a));
			cohort_format_cpulist(where, COHORT_MAX_NODES, b,
					      sizeof(b));
			cli_err("%s %s: --node %d: CPU%s %s %s on node%s %s",
				c->cmd, r->name, r->node, cohort_plural(k), a,
				k == 1 ? "is" : "are", cohort_plural(n), b);
			return EXIT_USAGE;
		}
	} else if (n > 1 && !r->force) {
		cohort_format_cpulist(cpus, COHORT_MAX_CPUS, a, sizeof(a));
		cohort_format_cpulist(p->nodes, COHORT_MAX_NODES, b, sizeof(b));
		cli_warn("%s %s: CPUs %s are on NUMA nodes %s; the memory is not tied to a node",
			 c->cmd, r->name, a, b);
	}
	describe(&t, p);
	return EXIT_OK;
}

/**
 * place_print() - the one line that says where an instance goes
 * @verb: "create", or "would create" for --dry-run
 * @name: the instance
 * @p: the plan
 * @req: the request made of it (memory size, base, node)
 * @net: --net was given
 *
 * "create web: CPUs 6-7 (1 core of 2 threads) on node 1, 256 MiB of
 * memory from node 1", on stdout.
 */
void place_print(const char *verb, const char *name,
		 const struct place_plan *p, const struct cohort_ioc_create *req,
		 bool net)
{
	char sz[COHORT_SIZE_STR_MAX];

	cohort_format_size(req->mem_size, false, sz, sizeof(sz));
	printf("%s %s: %s, %s of memory ", verb, name, p->what, sz);
	if (req->flags & COHORT_CREATE_NODE)
		printf("from node %u", req->node);
	else if (req->mem_base)
		printf("at 0x%llx", (unsigned long long)req->mem_base);
	else
		printf("from the pool");
	if (req->flags & COHORT_CREATE_MAX_CPUS)
		printf(", at most %u CPUs", req->max_cpus);
	printf("%s\n", net ? ", and a network link" : "");
}

/* A bitmap as a JSON array of its numbers. */
static struct json_object *json_numbers(const __u64 *mask, unsigned int nbits)
{
	struct json_object *a = json_object_new_array();
	unsigned int n;

	for (n = 0; n < nbits; n++)
		if (cohort_cpu_isset(mask, n))
			json_object_array_add(a, json_object_new_int((int)n));
	return a;
}

/**
 * place_json() - the plan's members of "create -j": cpus and nodes
 *	(arrays of numbers, as "show -j" has cpus) and memory_node (a
 *	number, or null when the memory is not tied to a node)
 * @o: the object to add them to
 * @p: the plan
 */
void place_json(struct json_object *o, const struct place_plan *p)
{
	json_object_object_add(o, "cpus",
			       json_numbers(p->cpus, COHORT_MAX_CPUS));
	json_object_object_add(o, "nodes",
			       json_numbers(p->nodes, COHORT_MAX_NODES));
	json_object_object_add(o, "memory_node", p->set_node ?
			       json_object_new_int64(p->node) : NULL);
}
