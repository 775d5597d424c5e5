/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Cohort: the interface between the generic part (drivers/cohort/) and the
 * architecture part (arch/x86/kernel/cohort_*.c).
 */
#ifndef _LINUX_COHORT_H
#define _LINUX_COHORT_H

#include <linux/cpumask.h>
#include <linux/init.h>
#include <linux/types.h>
#include <uapi/linux/cohort.h>

/* Memory below 1 MiB for each instance's real-mode trampoline. */
#define COHORT_LOW_SLOT_SIZE	(32 * 1024)
#define COHORT_LOW_SLOTS	8

/* Layout of the start of an instance's memory (offsets from its base). */
#define COHORT_OFF_MAILBOX	0x0000
#define COHORT_OFF_BOOTPARAMS	0x1000
#define COHORT_OFF_CMDLINE	0x2000
#define COHORT_OFF_SETUP	0x4000
#define COHORT_OFF_CONSOLE	0x10000
#define COHORT_CONSOLE_SIZE	0x20000
#define COHORT_OFF_KERNEL	0x200000	/* at least; aligned up */
/* Bytes at the base the instance keeps reserved (mailbox .. console). */
#define COHORT_RESERVED_HEAD	(COHORT_OFF_CONSOLE + COHORT_CONSOLE_SIZE)
/* Longest command line the loader builds, forced parameters included. */
#define COHORT_CMDLINE_AREA	(COHORT_OFF_SETUP - COHORT_OFF_CMDLINE)

#ifdef CONFIG_COHORT

/**
 * struct cohort_boot - everything the architecture code needs to start one
 * @id: instance id
 * @name: instance name
 * @mem_base: physical base of the instance's memory
 * @mem_size: its size
 * @low_base: physical base of its slot below 1 MiB
 * @apic_ids: APIC IDs of its CPUs, boot CPU first
 * @nr_cpus: number of entries in @apic_ids
 * @kernel: the bzImage
 * @kernel_len: its length
 * @initrd: the initramfs or NULL
 * @initrd_len: its length
 * @cmdline: NUL-terminated command line (the user's part)
 */
struct cohort_boot {
	u32 id;
	const char *name;
	phys_addr_t mem_base;
	u64 mem_size;
	phys_addr_t low_base;
	const u32 *apic_ids;
	unsigned int nr_cpus;
	const void *kernel;
	size_t kernel_len;
	const void *initrd;
	size_t initrd_len;
	const char *cmdline;
};

/* Architecture, primary side (arch/x86/kernel/cohort_boot.c). */
int cohort_arch_check_image(const void *buf, size_t len, u64 mem_size,
			    size_t initrd_len, char *msg, size_t msgsz);
int cohort_arch_boot(const struct cohort_boot *b, char *msg, size_t msgsz);
u32 cohort_arch_cpu_hwid(unsigned int cpu);

/* Architecture, instance side (arch/x86/kernel/cohort_guest.c). */
bool cohort_is_instance(void);
const struct cohort_setup *cohort_instance_setup(void);

/* Generic, called from setup_arch(). */
void __init cohort_reserve_low(void);
void __init cohort_reserve_pool(void);
void __init cohort_instance_detect(u64 pa_data, u32 len);
void __init cohort_console_early(void *buf, u64 size,
				 struct cohort_mailbox *mb);

/**
 * cohort_forbids_ipi_broadcast() - must IPIs name their targets?
 *
 * A broadcast IPI reaches every CPU of the machine.  In an instance that
 * includes the primary's CPUs; in a primary, CPUs that are offline may be
 * running an instance.  Either way shorthand broadcasts are off.
 *
 * Return: true when IPI shorthands must not be used.
 */
static inline bool cohort_forbids_ipi_broadcast(void)
{
	return cohort_is_instance() ||
	       !cpumask_equal(cpu_online_mask, cpu_present_mask);
}

#else

static inline bool cohort_forbids_ipi_broadcast(void) { return false; }
static inline bool cohort_is_instance(void) { return false; }
static inline void cohort_reserve_low(void) { }
static inline void cohort_reserve_pool(void) { }
static inline void cohort_instance_detect(u64 pa_data, u32 len) { }

#endif /* CONFIG_COHORT */
#endif /* _LINUX_COHORT_H */
