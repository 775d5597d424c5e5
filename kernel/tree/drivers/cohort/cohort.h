/* SPDX-License-Identifier: GPL-2.0 */
/* Cohort: shared between the files of drivers/cohort/. */
#ifndef _DRIVERS_COHORT_H
#define _DRIVERS_COHORT_H

#include <linux/cohort.h>
#include <linux/kobject.h>
#include <linux/nodemask.h>
#include <linux/sizes.h>

extern phys_addr_t cohort_pool_base;	/* the lowest part's start */
extern phys_addr_t cohort_pool_end;	/* the highest part's end */
extern u64 cohort_pool_size;		/* bytes of all parts */
extern phys_addr_t cohort_low_base;
extern unsigned int cohort_low_slots;
extern struct kobject *cohort_kobj;
extern phys_addr_t cohort_ctrl_base;
extern u64 cohort_ctrl_size;

/**
 * struct cohort_pool_use - what holds a range of the pool
 * @base: start of the instance's or region's memory
 * @size: its length
 * @kind: "instance" or "region"
 * @name: its name
 */
struct cohort_pool_use {
	phys_addr_t base;
	u64 size;
	const char *kind;
	const char *name;
};

/**
 * struct cohort_inst_info - what other files may know of an instance
 * @id: its id
 * @name: its name (valid while cohort_mutex is held)
 * @mem_base: base of its memory (mailbox, grant page)
 * @cpus_out: its CPUs are out of the primary, so it may be running
 * @running: starting or running (not stopping, stopped or failed)
 * @nr_cpus: how many CPUs it has
 */
struct cohort_inst_info {
	u32 id;
	const char *name;
	phys_addr_t mem_base;
	bool cpus_out;
	bool running;
	u32 nr_cpus;
};

void cohort_lock(void);
void cohort_unlock(void);
bool cohort_inst_find(const char *name, struct cohort_inst_info *ii);
bool cohort_inst_by_id(u32 id, struct cohort_inst_info *ii);

void __init cohort_pool_publish(void);
bool cohort_pool_part(unsigned int i, phys_addr_t *base, u64 *size);
int cohort_pool_none(char *msg);
bool cohort_pool_within(phys_addr_t base, u64 size);
int cohort_pool_release(struct cohort_ioc_pool_release *req);
int cohort_pool_lend_release(void);

/* lend.c: the idle pool lent to the primary */
#define COHORT_POOL_PARTS	8	/* ranges cohort_pool= may reserve */
#define COHORT_POOL_SEGS	16	/* parts in distinct nodes or zones */

/**
 * struct cohort_pool_stat - how (part of) the pool is used, in bytes
 * @size: memory of the pool there (the control region left out)
 * @held: held by instances and regions
 * @lent: lent to the primary: not held, and the primary may use it
 * @lent_used: of @lent, what the primary's pages take now
 */
struct cohort_pool_stat {
	u64 size;
	u64 held;
	u64 lent;
	u64 lent_used;
};

/* room.c: can a kernel move its pages out of a range of its memory? */
#define COHORT_MOVE_MARGIN	SZ_32M	/* kept free beyond the pages moved */
u64 cohort_buddy_free(phys_addr_t lo, phys_addr_t hi);
bool cohort_room_to_move(u64 used, u64 free_in, s64 *avail);

void __init cohort_pool_lend_add(phys_addr_t base, phys_addr_t end);
void __init cohort_pool_lend_declare(void);
void __init cohort_pool_lend_report(void);
int cohort_pool_take(phys_addr_t base, u64 size, char *msg);
void cohort_pool_give(phys_addr_t base, u64 size);
bool cohort_pool_returning(phys_addr_t base, u64 size,
			   struct cohort_pool_use *use);
u64 cohort_pool_held(void);
bool cohort_pool_stats(int nid, struct cohort_pool_stat *st, bool used);
void cohort_pool_nodes(nodemask_t *nodes);
bool cohort_pool_node_part(int nid, unsigned int i, phys_addr_t *lo,
			   phys_addr_t *hi);
bool cohort_pool_on_node(phys_addr_t base, u64 size, int nid);
bool cohort_pool_range(unsigned int i, phys_addr_t *lo, phys_addr_t *hi);
unsigned int cohort_pool_mem_nodes(phys_addr_t base, u64 size,
				   struct cohort_setup_mem_node *out,
				   unsigned int max);
int __init cohort_instances_init(void);
int __init cohort_topology_init(void);
u64 cohort_pool_free(void);
u64 cohort_pool_free_locked(void);
bool cohort_pool_busy(phys_addr_t base, u64 size, struct cohort_pool_use *use);
phys_addr_t cohort_pool_fit(u64 size, u64 align, int nid,
			    const phys_addr_t *skip, unsigned int nskip);
int cohort_check_name(char *name, char *msg);
int __init cohort_msg_init(void);

/* region.c, called with the instances' mutex held */
int __init cohort_regions_init(void);
int cohort_region_create(struct cohort_ioc_region *req);
int cohort_region_make(const char *name, u64 size, u64 *out, char *msg);
int cohort_region_remove(const char *name, char *msg, struct kobject **gone);
int cohort_region_give(const char *name, const struct cohort_inst_info *ii,
		       bool readonly, char *msg);
int cohort_region_delete(struct cohort_ioc_region *req, struct kobject **gone);
int cohort_region_grant(struct cohort_ioc_grant *req);
bool cohort_region_busy(phys_addr_t base, u64 size, struct cohort_pool_use *use);
void cohort_region_forget_instance(u32 id);

/* conin.c: console input writers; all but the ioctl with the mutex held */
long cohort_conin_ioctl(struct cohort_ioc_console __user *uarg);
void cohort_conin_reset(u32 id);
void cohort_conin_forget(u32 id);
void cohort_conin_tick(u32 id);
pid_t cohort_conin_writer(u32 id);

/* vsock.c: a takeover moved CIDs */
#if IS_ENABLED(CONFIG_COHORT_VSOCK)
void cohort_vsock_cids_changed(void);
#else
static inline void cohort_vsock_cids_changed(void)
{
}
#endif

/* vsock.c: the test interface's hostile sender */
#if IS_ENABLED(CONFIG_COHORT_TEST) && IS_ENABLED(CONFIG_COHORT_VSOCK)
int cohort_vsock_test_overrun(u32 port, u32 bytes);
#else
static inline int cohort_vsock_test_overrun(u32 port, u32 bytes)
{
	return -ENODEV;
}
#endif

/* dump.c: an instance's memory as an ELF core file */
/* Most: its low slot, its memory from create and its blocks. */
#define COHORT_DUMP_RANGES	(2 + COHORT_MEM_BLOCKS_MAX)

/**
 * struct cohort_dump_range - a range of an instance's RAM
 * @base: physical address
 * @size: bytes
 */
struct cohort_dump_range {
	phys_addr_t base;
	u64 size;
};

void *cohort_dump_header(const struct cohort_dump_range *r, unsigned int nr,
			 u64 page_offset, const char *note, size_t note_len,
			 size_t *len);
ssize_t cohort_dump_read(const void *hdr, size_t hdr_len,
			 const struct cohort_dump_range *r, unsigned int nr,
			 char *buf, loff_t pos, size_t count);

/* netctl.c: network links; all with the mutex held */
#ifdef CONFIG_COHORT_NET
int cohort_net_ctl(struct cohort_ioc_net *req, struct kobject **gone);
int cohort_net_takeover(const struct cohort_inst_info *to,
			const struct cohort_inst_info *from, char *msg,
			struct kobject **gone);
void cohort_net_instance_start(u32 id);
void cohort_net_forget_instance(u32 id, struct kobject **gone);
void cohort_net_ifname(u32 id, char *buf);
bool cohort_net_named_after(u32 id, const char *name);
#else
static inline int cohort_net_ctl(struct cohort_ioc_net *req,
				 struct kobject **gone)
{
	scnprintf(req->msg, COHORT_MSG_MAX,
		  "this kernel was built without CONFIG_COHORT_NET");
	return -EOPNOTSUPP;
}

static inline int cohort_net_takeover(const struct cohort_inst_info *to,
				      const struct cohort_inst_info *from,
				      char *msg, struct kobject **gone)
{
	return 0;
}

static inline void cohort_net_instance_start(u32 id) { }
static inline void cohort_net_forget_instance(u32 id, struct kobject **gone) { }
static inline void cohort_net_ifname(u32 id, char *buf)
{
	*buf = '\0';
}

static inline bool cohort_net_named_after(u32 id, const char *name)
{
	return false;
}
#endif

#endif /* _DRIVERS_COHORT_H */
