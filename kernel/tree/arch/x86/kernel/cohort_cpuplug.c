// SPDX-License-Identifier: GPL-2.0
/*
 * Cohort, instance side on x86: CPUs the primary gives or takes back while
 * the instance runs.
 *
 * The setup record lists, besides the instance's CPUs, the spare CPUs the
 * primary may give it later; they were registered as possible but not
 * present (cohort_parse_smp_cfg()), so they have CPU numbers and per-CPU
 * memory from boot.  The primary asks through the mailbox (cpu_op,
 * cpu_apic, cpu_seq); the heartbeat timer notices and a work item does
 * what a firmware hotplug event would: make the CPU present, register its
 * device and bring it up with INIT and STARTUP from this kernel; or take
 * it down (it then halts in cohort_play_dead() until the primary sends it
 * INIT) and forget it.  The answer goes back through the mailbox.
 *
 * What the primary wrote is checked here before anything is done: only a
 * CPU the record named (its own or a spare) is touched, and never the
 * boot CPU.
 */
#define pr_fmt(fmt) "cohort: " fmt

#include <linux/cohort.h>
#include <linux/cohort_shm.h>
#include <linux/cpu.h>
#include <linux/device.h>
#include <linux/kernel.h>
#include <linux/nodemask.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/topology.h>
#include <linux/workqueue.h>
#include <asm/apic.h>
#include <asm/numa.h>
#include <asm/smp.h>

#ifdef CONFIG_ACPI_HOTPLUG_CPU

/* The record's node for @apic_id, if it is a spare; NUMA_NO_NODE if not. */
static int spare_node(const struct cohort_setup *s, u32 apic_id)
{
	u32 i;

	if (!(s->flags & COHORT_SETUP_F_NUMA))
		return NUMA_NO_NODE;
	for (i = 0; i < s->nr_spare; i++)
		if (s->spare_apic_ids[i] == apic_id)
			return s->spare_nodes[i] < MAX_NUMNODES ?
			       s->spare_nodes[i] : NUMA_NO_NODE;
	return NUMA_NO_NODE;
}

/* Did the record name @apic_id, as ours or as a spare? */
static bool known_apic(const struct cohort_setup *s, u32 apic_id)
{
	u32 i;

	for (i = 0; i < s->nr_cpus; i++)
		if (s->apic_ids[i] == apic_id)
			return true;
	for (i = 0; i < s->nr_spare; i++)
		if (s->spare_apic_ids[i] == apic_id)
			return true;
	return false;
}

/* The present CPU with @apic_id, or -ENODEV. */
static int present_cpu(u32 apic_id)
{
	unsigned int cpu;

	for_each_present_cpu(cpu)
		if (cpu_physical_id(cpu) == apic_id)
			return cpu;
	return -ENODEV;
}

/* An offline CPU is no longer present: device gone, APIC ID free. */
static void forget_cpu(int cpu)
{
	cpu_maps_update_begin();
	cpus_write_lock();
	arch_unregister_cpu(cpu);
	topology_hotunplug_apic(cpu);
	cpus_write_unlock();
	cpu_maps_update_done();
}

static int cpu_add(const struct cohort_setup *s, u32 apic_id)
{
	int cpu, nid, ret;

	lock_device_hotplug();
	cpu = present_cpu(apic_id);
	if (cpu >= 0) {
		/* Asked twice (the primary retried): bring it up if down. */
		ret = cpu_online(cpu) ? 0 : device_online(get_cpu_device(cpu));
		if (ret > 0)
			ret = 0;
		goto out;
	}
	cpu_maps_update_begin();
	cpus_write_lock();
	cpu = topology_hotplug_apic(apic_id, CPU_ACPIID_INVALID);
	if (cpu >= 0) {
		nid = spare_node(s, apic_id);
		if (nid != NUMA_NO_NODE && node_online(nid))
			numa_set_node(cpu, nid);
		ret = arch_register_cpu(cpu);
		if (ret)
			topology_hotunplug_apic(cpu);
	} else {
		ret = cpu;
	}
	cpus_write_unlock();
	cpu_maps_update_done();
	if (ret)
		goto out;

	ret = device_online(get_cpu_device(cpu));
	if (ret > 0)	/* online already */
		ret = 0;
	if (ret)
		forget_cpu(cpu);
out:
	unlock_device_hotplug();
	if (ret)
		pr_err("could not bring up the CPU with APIC ID %u: %d\n",
		       apic_id, ret);
	else
		pr_info("CPU %d (APIC ID %u) given by the primary is up\n",
			cpu, apic_id);
	return ret;
}

static int cpu_remove(u32 apic_id)
{
	int cpu, ret;

	lock_device_hotplug();
	cpu = present_cpu(apic_id);
	if (cpu < 0) {
		/* Asked twice: it is gone already. */
		ret = 0;
		goto out;
	}
	if (cpu == 0) {
		ret = -EBUSY;
		goto out;
	}
	ret = device_offline(get_cpu_device(cpu));
	if (ret < 0)
		goto out;
	forget_cpu(cpu);
	ret = 0;
	pr_info("CPU %d (APIC ID %u) is down and goes back to the primary\n",
		cpu, apic_id);
out:
	unlock_device_hotplug();
	if (ret)
		pr_err("could not take down the CPU with APIC ID %u: %d\n",
		       apic_id, ret);
	return ret;
}

static void cpuplug_fn(struct work_struct *w)
{
	const struct cohort_setup *s = cohort_instance_setup();
	u32 seq, op, apic_id;
	int ret;

	if (!cohort_mbox_cpu_asked(&seq, &op, &apic_id))
		return;
	if (cohort_test_take_lie(COHORT_LIE_CPU, &ret)) {
		pr_warn("test: answering CPU request %u with %d, doing nothing\n",
			seq, ret);
		cohort_mbox_cpu_finish(seq, ret);
		return;
	}
	if (!known_apic(s, apic_id))
		ret = -ENODEV;
	else if (op == COHORT_CPU_ADD)
		ret = cpu_add(s, apic_id);
	else if (op == COHORT_CPU_REMOVE)
		ret = cpu_remove(apic_id);
	else
		ret = -EINVAL;
	cohort_mbox_cpu_finish(seq, ret);
}

static DECLARE_WORK(cpuplug_work, cpuplug_fn);

/**
 * cohort_cpuplug_poll() - act on a CPU request of the primary, if any
 *
 * Called from the heartbeat timer; the work runs in process context.
 */
void cohort_cpuplug_poll(void)
{
	u32 seq, op, apic_id;

	if (cohort_mbox_cpu_asked(&seq, &op, &apic_id))
		schedule_work(&cpuplug_work);
}

/**
 * cohort_cpuplug_init() - tell the primary CPUs may be given and taken
 */
void cohort_cpuplug_init(void)
{
	cohort_mbox_set_feature(COHORT_MBOX_F_CPU_HOTPLUG);
}

#else /* !CONFIG_ACPI_HOTPLUG_CPU */

/* Without CPU hotplug the feature is never announced: nothing to poll. */
void cohort_cpuplug_poll(void) { }
void cohort_cpuplug_init(void) { }

#endif
