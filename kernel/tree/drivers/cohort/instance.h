/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Cohort instances, primary side: what instance.c (their life),
 * instcpu.c and instmem.c (their CPUs and memory changed) share.
 * Everything here is used with the instances' mutex held (cohort_lock()).
 */
#ifndef _COHORT_INSTANCE_H
#define _COHORT_INSTANCE_H

#include <linux/cpumask.h>
#include <linux/kobject.h>
#include <linux/list.h>
#include <linux/workqueue.h>
#include <uapi/linux/cohort.h>

enum cohort_state {
	ST_EMPTY,
	ST_LOADED,
	ST_STARTING,
	ST_RUNNING,
	ST_STOPPING,
	ST_STOPPED,
	ST_FAILED,
};

struct cohort_inst {
	struct kobject kobj;
	struct list_head node;
	char name[COHORT_NAME_MAX];
	u32 id;
	struct cpumask cpus;
	/* CPUs that may be given while it runs: present at its start */
	struct cpumask spare;
	unsigned int max_cpus;	/* most CPUs it may have; 0: no cap */
	u32 apic_ids[COHORT_SETUP_MAX_CPUS];
	u16 cpu_nodes[COHORT_SETUP_MAX_CPUS];
	unsigned int nr_cpus;
	phys_addr_t mem_base;
	u64 mem_size;		/* from create: its boot memory */
	/* memory given after create, COHORT_MEM_BLOCK each, in that order */
	struct cohort_setup_mem_node blocks[COHORT_MEM_BLOCKS_MAX];
	unsigned int nr_blocks;
	u32 mem_seq;		/* last memory request of this run (mailbox) */
	bool mem_changing;	/* a COHORT_IOC_SET_MEMORY is under way */
	unsigned int low_slot;
	u32 cid;		/* AF_VSOCK CID, unique among instances */
	enum cohort_state state;
	bool cpus_out;		/* its CPUs are offline in the primary */
	bool deleted;
	void *kernel;
	size_t kernel_len;
	void *initrd;
	size_t initrd_len;
	char *cmdline;
	unsigned int starts;
	u32 cpu_seq;		/* last CPU request of this run (mailbox) */
	bool cpus_changing;	/* a COHORT_IOC_SET_CPUS is under way */
	int exit_status;	/* of its workload, once off; -1: none said */
	/* COHORT_WHY_*: why it last stopped or failed; NULL while it runs */
	const char *why;
	unsigned long start_jiffies;
	struct delayed_work watch;
	/* Header of its memory dump since it stopped; NULL until read. */
	void *dump_hdr;
	size_t dump_hdr_len;
};

/* CPUs given to some instance, running or not */
extern struct cpumask cohort_cpus_taken;

struct cohort_inst *cohort_inst_lookup(char *name, char *msg, int *ret);
struct cohort_inst *cohort_inst_of_cpu(unsigned int cpu);
int cohort_inst_cpus(const u64 *bits, const struct cohort_inst *self,
		     struct cpumask *cpus, char *msg);
const char *cohort_inst_state_name(const struct cohort_inst *ci);
bool cohort_reserved_zero(const u64 *r, unsigned int n);
int cohort_set_cpus(struct cohort_ioc_set_cpus *req);
int cohort_set_memory(struct cohort_ioc_set_memory *req);
int cohort_inst_changeable(const struct cohort_inst *ci, char *msg);
int cohort_inst_await(struct cohort_inst *ci,
		      bool (*answered)(phys_addr_t mem, u32 seq, int *result),
		      u32 seq, unsigned int timeout_ms);
u64 cohort_inst_mem_total(const struct cohort_inst *ci);

#endif /* _COHORT_INSTANCE_H */
