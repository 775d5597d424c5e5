// SPDX-License-Identifier: GPL-2.0
/*
 * Cohort instances, primary side: change an instance's CPUs
 * (COHORT_IOC_SET_CPUS).
 *
 * An instance that is not running just gets the new set, checked as at
 * create.  A running one is changed one CPU at a time, removals first:
 *
 *  - taking a CPU back: the instance is asked (mailbox) to take it down,
 *    the grant for its doorbells is withdrawn, and the primary brings it
 *    up, which sends it INIT: whatever the instance left it doing, it is
 *    reset;
 *  - giving a CPU: the primary takes it offline, grants it, and asks the
 *    instance to bring it up (its kernel sends INIT and STARTUP itself,
 *    as to any of its CPUs).
 *
 * The instance answers in the mailbox; while the primary waits it drops
 * the mutex (cpus_changing keeps stop, start and delete away), so the
 * failure watch of every instance goes on.  A step that fails undoes the
 * steps before it, last first.  What the instance answers is only a
 * number checked against its range: the primary's own state never
 * depends on it, and a CPU it took back is reset however the instance
 * answered.
 */
#define pr_fmt(fmt) "cohort: " fmt

#include <linux/cohort.h>
#include <linux/cohort_shm.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/topology.h>

#include "cohort.h"
#include "instance.h"

#define fail(msg, ...) scnprintf(msg, COHORT_MSG_MAX, __VA_ARGS__)

#define SET_CPUS_TIMEOUT_MS	(30 * 1000)

/* Index of @apic_id in the instance's list, or -1. */
static int apic_index(const struct cohort_inst *ci, u32 apic_id)
{
	unsigned int i;

	for (i = 0; i < ci->nr_cpus; i++)
		if (ci->apic_ids[i] == apic_id)
			return i;
	return -1;
}

/* The instance's lists from a CPU set, in CPU order (not running). */
static void fill_cpus(struct cohort_inst *ci, const struct cpumask *cpus)
{
	unsigned int cpu;

	cpumask_andnot(&cohort_cpus_taken, &cohort_cpus_taken, &ci->cpus);
	cpumask_copy(&ci->cpus, cpus);
	cpumask_or(&cohort_cpus_taken, &cohort_cpus_taken, cpus);
	ci->nr_cpus = 0;
	for_each_cpu(cpu, cpus) {
		ci->cpu_nodes[ci->nr_cpus] = max(cpu_to_node(cpu), 0);
		ci->apic_ids[ci->nr_cpus++] = cohort_arch_cpu_hwid(cpu);
	}
}

/* @cpu joins the instance's lists, last (running). */
static void list_add_cpu(struct cohort_inst *ci, unsigned int cpu)
{
	ci->cpu_nodes[ci->nr_cpus] = max(cpu_to_node(cpu), 0);
	ci->apic_ids[ci->nr_cpus++] = cohort_arch_cpu_hwid(cpu);
	cpumask_set_cpu(cpu, &ci->cpus);
	cpumask_set_cpu(cpu, &cohort_cpus_taken);
	if (ci->cpus_out)
		cohort_ctrl_grant_cpus(ci->id, ci->apic_ids, ci->nr_cpus);
}

/* @cpu leaves the instance's lists; the others keep their order. */
static void list_del_cpu(struct cohort_inst *ci, unsigned int cpu)
{
	int i = apic_index(ci, cohort_arch_cpu_hwid(cpu));

	if (i >= 0) {
		memmove(&ci->apic_ids[i], &ci->apic_ids[i + 1],
			(ci->nr_cpus - i - 1) * sizeof(ci->apic_ids[0]));
		memmove(&ci->cpu_nodes[i], &ci->cpu_nodes[i + 1],
			(ci->nr_cpus - i - 1) * sizeof(ci->cpu_nodes[0]));
		ci->nr_cpus--;
	}
	cpumask_clear_cpu(cpu, &ci->cpus);
	cpumask_clear_cpu(cpu, &cohort_cpus_taken);
	/* Stopped meanwhile: its grant was withdrawn whole. */
	if (ci->cpus_out)
		cohort_ctrl_grant_cpus(ci->id, ci->apic_ids, ci->nr_cpus);
}

/*
 * Ask the running instance to bring @cpu up or take it down, and wait for
 * its answer without the mutex.  Return: its answer (0 or a negative
 * errno), -ETIMEDOUT, or -ESRCH if it stopped running meanwhile.
 */
static int ask(struct cohort_inst *ci, unsigned int cpu, u32 op,
	       unsigned int timeout_ms)
{
	u32 seq = ++ci->cpu_seq;

	cohort_mbox_cpu_ask(ci->mem_base, seq, op, cohort_arch_cpu_hwid(cpu));
	return cohort_inst_await(ci, cohort_mbox_cpu_answer, seq, timeout_ms);
}

/* Give the running instance @cpu.  Return: 0, or a negative errno with @msg. */
static int give(struct cohort_inst *ci, unsigned int cpu,
		unsigned int timeout_ms, char *msg)
{
	int ret;

	if (cpu_online(cpu)) {
		ret = remove_cpu(cpu);
		if (ret)
			return fail(msg, "cannot take CPU %u offline in the primary (error %d)",
				    cpu, ret), ret;
	}
	list_add_cpu(ci, cpu);
	ret = ask(ci, cpu, COHORT_CPU_ADD, timeout_ms);
	if (!ret) {
		pr_info("instance %s: CPU %u given\n", ci->name, cpu);
		return 0;
	}
	fail(msg, "instance '%s' did not bring up CPU %u (%pe%s)",
	     ci->name, cpu, ERR_PTR(ret),
	     ret == -ETIMEDOUT ? ": no answer in time" :
	     ret == -ESRCH ? ": it stopped running" : "");
	/* Whatever it did with the CPU, INIT from the primary resets it. */
	list_del_cpu(ci, cpu);
	if (!cpu_online(cpu) && add_cpu(cpu))
		pr_err("instance %s: CPU %u did not come back to the primary\n",
		       ci->name, cpu);
	return ret;
}

/* Take @cpu back from the running instance. */
static int take(struct cohort_inst *ci, unsigned int cpu,
		unsigned int timeout_ms, char *msg)
{
	int ret;

	ret = ask(ci, cpu, COHORT_CPU_REMOVE, timeout_ms);
	if (ret)
		return fail(msg, "instance '%s' did not give CPU %u back (%pe%s)",
			    ci->name, cpu, ERR_PTR(ret),
			    ret == -ETIMEDOUT ? ": no answer in time" :
			    ret == -ESRCH ? ": it stopped running" : ""), ret;
	list_del_cpu(ci, cpu);
	ret = cpu_online(cpu) ? 0 : add_cpu(cpu);
	if (ret) {
		pr_err("instance %s: CPU %u did not come back to the primary: %d\n",
		       ci->name, cpu, ret);
		return fail(msg,
			    "CPU %u did not come back to the primary (%pe); it stays offline",
			    cpu, ERR_PTR(ret)), ret;
	}
	pr_info("instance %s: CPU %u taken back\n", ci->name, cpu);
	return 0;
}

/* Checks that need no change: the new set against every rule. */
static int check(struct cohort_inst *ci, struct cohort_ioc_set_cpus *req,
		 struct cpumask *want)
{
	char *msg = req->msg;
	unsigned int cpu;
	int ret;

	if ((req->flags & ~COHORT_SET_DRY_RUN) ||
	    !cohort_reserved_zero(req->reserved, ARRAY_SIZE(req->reserved)))
		return fail(msg, "unknown flags or non-zero reserved fields"), -EINVAL;
	if (ci->cpus_changing)
		return fail(msg, "the CPUs of instance '%s' are being changed already",
			    ci->name), -EBUSY;
	ret = cohort_inst_cpus(req->cpus, ci, want, msg);
	if (ret)
		return ret;
	if (ci->max_cpus && cpumask_weight(want) > ci->max_cpus)
		return fail(msg, "instance '%s' may have at most %u CPUs (max_cpus), not %u",
			    ci->name, ci->max_cpus, cpumask_weight(want)), -EINVAL;

	ret = cohort_inst_changeable(ci, msg);
	if (ret <= 0)
		return ret;

	if (!cohort_mbox_has_feature(ci->mem_base, COHORT_MBOX_F_CPU_HOTPLUG))
		return fail(msg,
			    "the kernel of instance '%s' does not take or give CPUs while it runs",
			    ci->name), -EOPNOTSUPP;
	for_each_cpu(cpu, &ci->cpus)
		if (cohort_arch_cpu_hwid(cpu) == ci->apic_ids[0] &&
		    !cpumask_test_cpu(cpu, want))
			return fail(msg,
				    "CPU %u is the boot CPU of instance '%s': it stays while the instance runs",
				    cpu, ci->name), -EBUSY;
	for_each_cpu(cpu, want)
		if (!cpumask_test_cpu(cpu, &ci->cpus) &&
		    !cpumask_test_cpu(cpu, &ci->spare))
			return fail(msg,
				    "CPU %u cannot be given to instance '%s' while it runs: only CPUs present at its start, within its max_cpus, can (spare_cpus: %*pbl)",
				    cpu, ci->name, cpumask_pr_args(&ci->spare)),
			       -ENODEV;
	return 0;
}

/* The sets of one change; too big for the stack with many CPUs. */
struct change {
	struct cpumask want, drop, add, dropped, added;
	char why[COHORT_MSG_MAX];
};

/* Change a running instance's CPUs to @c->want; undo all on failure. */
static int change(struct cohort_inst *ci, struct change *c,
		  unsigned int timeout_ms, char *msg)
{
	unsigned int cpu;
	int ret = 0;

	cpumask_andnot(&c->drop, &ci->cpus, &c->want);
	cpumask_andnot(&c->add, &c->want, &ci->cpus);
	ci->cpus_changing = true;
	for_each_cpu(cpu, &c->drop) {
		ret = take(ci, cpu, timeout_ms, msg);
		if (ret)
			goto undo;
		cpumask_set_cpu(cpu, &c->dropped);
	}
	for_each_cpu(cpu, &c->add) {
		ret = give(ci, cpu, timeout_ms, msg);
		if (ret)
			goto undo;
		cpumask_set_cpu(cpu, &c->added);
	}
	ci->cpus_changing = false;
	return 0;
undo:
	/* The first failure is what the caller hears about. */
	for_each_cpu(cpu, &c->added)
		if (take(ci, cpu, timeout_ms, c->why))
			pr_err("instance %s: undo: %s\n", ci->name, c->why);
	for_each_cpu(cpu, &c->dropped)
		if (give(ci, cpu, timeout_ms, c->why))
			pr_err("instance %s: undo: %s\n", ci->name, c->why);
	ci->cpus_changing = false;
	return ret;
}

/**
 * cohort_set_cpus() - COHORT_IOC_SET_CPUS
 * @req: the request, copied in; @req->msg says why it failed
 *
 * Call with the mutex held; it is dropped while a running instance
 * brings a CPU up or takes one down.
 *
 * Return: 0, or a negative errno.
 */
int cohort_set_cpus(struct cohort_ioc_set_cpus *req)
{
	struct cohort_inst *ci;
	struct change *c;
	int ret;

	ci = cohort_inst_lookup(req->name, req->msg, &ret);
	if (!ci)
		return ret;
	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	ret = check(ci, req, &c->want);
	if (ret || (req->flags & COHORT_SET_DRY_RUN) ||
	    cpumask_equal(&c->want, &ci->cpus))
		goto out;
	if (ci->state == ST_RUNNING)
		ret = change(ci, c, req->timeout_ms ?: SET_CPUS_TIMEOUT_MS,
			     req->msg);
	else
		fill_cpus(ci, &c->want);
	pr_info("instance %s: CPUs now %*pbl\n", ci->name,
		cpumask_pr_args(&ci->cpus));
out:
	kfree(c);
	return ret;
}
