// SPDX-License-Identifier: GPL-2.0
/*
 * cohort(8): the primary's CPU topology, read from sysfs: the CPUs
 * present, each one's SMT siblings, core and package
 * (cpuN/topology/thread_siblings_list, core_id, physical_package_id under
 * COHORT_CPU_SYSFS) and the NUMA nodes (nodeN/cpulist in the node
 * directory beside it, /sys/devices/system/node).  What is missing counts
 * as a core of its own, on node 0 when no node is shown at all.
 *
 * The kernel removes a CPU's topology directory while the CPU is offline
 * (held by an instance), and takes it out of its siblings' lists and its
 * node's list.  A primary running Cohort keeps both for every CPU, online
 * or not, in topology/cpuN/{thread_siblings_list,node} under COHORT_SYSFS:
 * those come first where they are.  Without them an offline CPU reads as
 * a core of its own on no node known.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cohort/parse.h"
#include "place.h"

/* A CPU list file; 0, or a negative errno (-EINVAL: not a list). */
static int read_list(const char *path, __u64 *mask)
{
	char buf[8192];
	int ret;

	ret = sysfs_read(path, buf, sizeof(buf));
	if (ret < 0)
		return ret;
	if (cohort_parse_cpulist(buf, mask, COHORT_MAX_CPUS,
				 COHORT_CPULIST_LENIENT, NULL, 0))
		return -EINVAL;
	return 0;
}

/* A number file; -1 when absent or not a number (physical_package_id
 * may read -1). */
static long read_id(const char *path)
{
	char buf[64];
	__u64 v;

	if (sysfs_read(path, buf, sizeof(buf)) < 0 ||
	    sysfs_parse_u64(buf, &v) || v > 0xffff)
		return -1;
	return (long)v;
}

/* The node directory beside COHORT_CPU_SYSFS: .../system/node. */
static void node_dir(const struct cli *c, char *buf, size_t len)
{
	const char *s = c->cpu_sysfs;
	size_t n = strlen(s);

	while (n > 1 && s[n - 1] == '/')
		n--;
	while (n > 0 && s[n - 1] != '/')
		n--;
	snprintf(buf, len, "%.*snode", (int)n, s);
}

/* Each nodeN/cpulist; none shown leaves every CPU on node 0. */
static void read_nodes(const struct cli *c, struct cohort_topo *t)
{
	char dir[4096], path[4400];
	__u64 cpus[COHORT_CPU_WORDS];
	bool any = false;
	struct dirent *de;
	unsigned int cpu;
	DIR *d;

	node_dir(c, dir, sizeof(dir));
	d = opendir(dir);
	if (!d)
		return;
	while ((de = readdir(d))) {
		const char *p = de->d_name + 4;
		char *end;
		unsigned long node;

		if (strncmp(de->d_name, "node", 4) || *p < '0' || *p > '9')
			continue;
		node = strtoul(p, &end, 10);
		if (*end || node >= COHORT_MAX_NODES)
			continue;
		snprintf(path, sizeof(path), "%s/%s/cpulist", dir, de->d_name);
		if (read_list(path, cpus))
			continue;
		if (!any)
			cohort_topo_clear_nodes(t);
		any = true;
		cohort_topo_set_node(t, (unsigned int)node, cpus);
	}
	closedir(d);
	if (!any)
		return;
	/* Offline CPUs are on no node's list: Cohort's record says. */
	for (cpu = 0; cpu < COHORT_MAX_CPUS; cpu++) {
		__u64 one[COHORT_CPU_WORDS] = { 0 };
		long node;

		if (!cohort_cpu_isset(t->present, cpu) ||
		    t->node[cpu] != COHORT_NODE_NONE)
			continue;
		snprintf(path, sizeof(path), "%s/topology/cpu%u/node",
			 c->sysfs, cpu);
		node = read_id(path);
		if (node < 0)
			continue;
		cohort_cpu_set(one, cpu);
		cohort_topo_set_node(t, (unsigned int)node, one);
	}
}

/**
 * topo_read() - the primary's CPU topology
 * @c: the invocation (COHORT_CPU_SYSFS)
 * @t: out: the topology
 * @why: out: what could not be read, when it fails
 * @len: bytes at @why
 *
 * Only the CPUs present must be readable; everything else is used where
 * it is there.  A CPU without thread_siblings_list but with a core_id is
 * one core with the CPUs of the same core_id and physical_package_id.
 *
 * Return: 0, or a negative errno when the CPUs present cannot be read.
 */
int topo_read(struct cli *c, struct cohort_topo *t, char *why, size_t len)
{
	long core_id[COHORT_MAX_CPUS], package[COHORT_MAX_CPUS];
	__u64 present[COHORT_CPU_WORDS], sib[COHORT_CPU_WORDS];
	__u64 listed[COHORT_CPU_WORDS] = { 0 };
	char path[4200];
	unsigned int cpu, x;
	int ret;

	snprintf(path, sizeof(path), "%s/present", c->cpu_sysfs);
	ret = read_list(path, present);
	if (ret) {
		snprintf(why, len, "cannot read the CPUs present from %s: %s",
			 path, ret == -EINVAL ? "not a CPU list" :
						strerror(-ret));
		return ret;
	}
	cohort_topo_init(t, present);
	for (cpu = 0; cpu < COHORT_MAX_CPUS; cpu++) {
		core_id[cpu] = package[cpu] = -1;
		if (!cohort_cpu_isset(present, cpu))
			continue;
		/* Cohort's list also names the siblings that are offline. */
		snprintf(path, sizeof(path),
			 "%s/topology/cpu%u/thread_siblings_list", c->sysfs,
			 cpu);
		ret = read_list(path, sib);
		if (ret) {
			snprintf(path, sizeof(path),
				 "%s/cpu%u/topology/thread_siblings_list",
				 c->cpu_sysfs, cpu);
			ret = read_list(path, sib);
		}
		if (!ret) {
			cohort_cpu_set(sib, cpu);
			cohort_topo_join(t, sib);
			cohort_cpu_set(listed, cpu);
		}
		snprintf(path, sizeof(path), "%s/cpu%u/topology/core_id",
			 c->cpu_sysfs, cpu);
		core_id[cpu] = read_id(path);
		snprintf(path, sizeof(path),
			 "%s/cpu%u/topology/physical_package_id",
			 c->cpu_sysfs, cpu);
		package[cpu] = read_id(path);
		if (package[cpu] >= 0)
			cohort_topo_set_package(t, cpu,
						(unsigned int)package[cpu]);
	}
	for (cpu = 0; cpu < COHORT_MAX_CPUS; cpu++) {
		if (!cohort_cpu_isset(present, cpu) ||
		    cohort_cpu_isset(listed, cpu) || core_id[cpu] < 0)
			continue;
		for (x = 0; x < COHORT_MAX_CPUS; x++) {
			if (x == cpu || !cohort_cpu_isset(present, x) ||
			    core_id[x] != core_id[cpu] ||
			    package[x] != package[cpu])
				continue;
			memset(sib, 0, sizeof(sib));
			cohort_cpu_set(sib, cpu);
			cohort_cpu_set(sib, x);
			cohort_topo_join(t, sib);
		}
	}
	read_nodes(c, t);
	return 0;
}
