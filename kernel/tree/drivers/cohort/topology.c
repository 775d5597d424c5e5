// SPDX-License-Identifier: GPL-2.0
/*
 * Cohort: the primary's CPU topology, kept for CPUs while they are offline.
 *
 * The kernel forgets an offline CPU's SMT siblings: its topology directory
 * goes, and it leaves its siblings' lists and its node's CPU list.  A CPU
 * is offline in the primary exactly while an instance holds it, and
 * placement (cohort create, cohort set) must keep the threads of a core
 * together all the same.  So each CPU's siblings are saved as it goes
 * offline, and /sys/kernel/cohort/topology/cpuN/ shows, for every CPU
 * present when Cohort started:
 *
 *	thread_siblings_list	the CPUs of its core, online or not
 *	node			its NUMA node, -1 when it has none
 *
 * A CPU that was already offline then, and never online since, counts as
 * a core of its own.
 */
#define pr_fmt(fmt) "cohort: " fmt

#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/cpumask.h>
#include <linux/kobject.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/sysfs.h>
#include <linux/topology.h>

#include "cohort.h"

/* Each CPU's siblings as last seen online (nr_cpu_ids masks); empty: never. */
static void *saved;
static DEFINE_SPINLOCK(saved_lock);

static struct cpumask *saved_mask(unsigned int cpu)
{
	return (struct cpumask *)((char *)saved + cpu * cpumask_size());
}

/* CPU hotplug, on @cpu going down: its sibling mask is still whole. */
static int topo_offline(unsigned int cpu)
{
	spin_lock(&saved_lock);
	cpumask_copy(saved_mask(cpu), topology_sibling_cpumask(cpu));
	spin_unlock(&saved_lock);
	return 0;
}

/* The present CPUs of @cpu's core, @cpu included. */
static void siblings(unsigned int cpu, struct cpumask *out)
{
	unsigned int x;

	spin_lock(&saved_lock);
	if (cpu_online(cpu))
		cpumask_copy(out, topology_sibling_cpumask(cpu));
	else
		cpumask_copy(out, saved_mask(cpu));
	/* Offline CPUs that counted @cpu among their siblings. */
	for_each_present_cpu(x)
		if (!cpu_online(x) && cpumask_test_cpu(cpu, saved_mask(x)))
			cpumask_set_cpu(x, out);
	spin_unlock(&saved_lock);
	cpumask_set_cpu(cpu, out);
	cpumask_and(out, out, cpu_present_mask);
}

/* The CPU a cpuN directory is for. */
static int kobj_cpu(struct kobject *kobj, unsigned int *cpu)
{
	if (kstrtouint(kobject_name(kobj) + 3, 10, cpu) || *cpu >= nr_cpu_ids)
		return -EINVAL;
	return 0;
}

static ssize_t thread_siblings_list_show(struct kobject *kobj,
					 struct kobj_attribute *attr, char *buf)
{
	cpumask_var_t mask;
	unsigned int cpu;
	ssize_t n;

	if (kobj_cpu(kobj, &cpu))
		return -EINVAL;
	if (!zalloc_cpumask_var(&mask, GFP_KERNEL))
		return -ENOMEM;
	siblings(cpu, mask);
	n = sysfs_emit(buf, "%*pbl\n", cpumask_pr_args(mask));
	free_cpumask_var(mask);
	return n;
}

static struct kobj_attribute thread_siblings_list_attr =
	__ATTR_RO(thread_siblings_list);

static ssize_t node_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	unsigned int cpu;

	if (kobj_cpu(kobj, &cpu))
		return -EINVAL;
	return sysfs_emit(buf, "%d\n", cpu_to_node(cpu));
}

static struct kobj_attribute node_attr = __ATTR_RO(node);

static struct attribute *topo_attrs[] = {
	&thread_siblings_list_attr.attr,
	&node_attr.attr,
	NULL,
};

static const struct attribute_group topo_group = {
	.attrs = topo_attrs,
};

/**
 * cohort_topology_init() - keep the CPU topology for offline CPUs (primary)
 *
 * Saves the siblings of every CPU online now, keeps saving them as CPUs go
 * offline, and makes /sys/kernel/cohort/topology/.
 *
 * Return: 0 or a negative errno.
 */
int __init cohort_topology_init(void)
{
	struct kobject *dir, *kobj;
	unsigned int cpu;
	char name[16];
	int ret;

	saved = kcalloc(nr_cpu_ids, cpumask_size(), GFP_KERNEL);
	if (!saved)
		return -ENOMEM;
	cpus_read_lock();
	for_each_online_cpu(cpu)
		cpumask_copy(saved_mask(cpu), topology_sibling_cpumask(cpu));
	ret = cpuhp_setup_state_nocalls_cpuslocked(CPUHP_AP_ONLINE_DYN,
						   "cohort/topology", NULL,
						   topo_offline);
	cpus_read_unlock();
	if (ret < 0)
		return ret;
	dir = kobject_create_and_add("topology", cohort_kobj);
	if (!dir)
		return -ENOMEM;
	for_each_present_cpu(cpu) {
		snprintf(name, sizeof(name), "cpu%u", cpu);
		kobj = kobject_create_and_add(name, dir);
		if (!kobj)
			return -ENOMEM;
		ret = sysfs_create_group(kobj, &topo_group);
		if (ret)
			return ret;
	}
	return 0;
}
