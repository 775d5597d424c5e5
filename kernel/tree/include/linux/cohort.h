/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Cohort: the interface between the generic part (drivers/cohort/) and the
 * architecture part (arch/x86/kernel/cohort_*.c).
 */
#ifndef _LINUX_COHORT_H
#define _LINUX_COHORT_H

#include <linux/cpumask.h>
#include <linux/errno.h>
#include <linux/init.h>
#include <linux/types.h>
#include <uapi/linux/cohort.h>

struct boot_params;

/* Memory below 1 MiB for each instance's real-mode trampoline. */
#define COHORT_LOW_SLOT_SIZE	(32 * 1024)
#define COHORT_LOW_SLOTS	8

/* Layout of the start of an instance's memory (offsets from its base). */
#define COHORT_OFF_MAILBOX	0x0000
#define COHORT_OFF_BOOTPARAMS	0x1000
#define COHORT_OFF_CMDLINE	0x2000
#define COHORT_OFF_SETUP	0x4000
#define COHORT_OFF_GRANTS	0x8000
#define COHORT_OFF_CONSOLE_IN	0xc000
#define COHORT_CONSOLE_IN_SIZE	0x4000
#define COHORT_OFF_CONSOLE	0x10000
#define COHORT_CONSOLE_SIZE	0x20000
#define COHORT_OFF_KERNEL	0x200000	/* at least; aligned up */
/* Bytes at the base the instance keeps reserved (mailbox .. console). */
#define COHORT_RESERVED_HEAD	(COHORT_OFF_CONSOLE + COHORT_CONSOLE_SIZE)
/* Longest command line the loader builds, forced parameters included. */
#define COHORT_CMDLINE_AREA	(COHORT_OFF_SETUP - COHORT_OFF_CMDLINE)

/**
 * struct cohort_region_ref - a kernel's use of a named region of the pool
 * @region: primary: the region (private)
 * @slot: instance: its entry in the instance's grant page
 *
 * Named regions (drivers/cohort/region.c): the primary creates them and
 * maps any of them; an instance maps only those granted to it.
 */
struct cohort_region_ref {
	void *region;
	u32 slot;
	bool readonly;		/* granted read-only (in an instance) */
};

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
 * @cmdline: NUL-terminated command line, complete
 * @ctrl_base: physical base of the control region, 0 for none
 * @ctrl_size: its size
 * @pool_base: physical base of the pool
 * @pool_size: its size
 * @cpu_nodes: NUMA node of each CPU of @apic_ids
 * @mem_nodes: its memory cut by node
 * @nr_mem_nodes: entries in @mem_nodes; 0: no NUMA information
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
	phys_addr_t ctrl_base;
	u64 ctrl_size;
	phys_addr_t pool_base;
	u64 pool_size;
	const u16 *cpu_nodes;
	const struct cohort_setup_mem_node *mem_nodes;
	unsigned int nr_mem_nodes;
	/* CPUs that may be given to it while it runs, and their nodes */
	const u32 *spare_apic_ids;
	const u16 *spare_nodes;
	unsigned int nr_spare;
	/* memory given after create, COHORT_MEM_BLOCK bytes each */
	const struct cohort_setup_mem_node *mem_blocks;
	/* the nodes the pool has memory on */
	const u32 *pool_nodes;
	unsigned int nr_pool_nodes;
	unsigned int nr_mem_blocks;
};

/* Architecture, primary side (arch/x86/kernel/cohort_boot.c). */
int cohort_arch_check_image(const void *buf, size_t len, u64 mem_size,
			    size_t initrd_len, size_t cmdline_len, char *msg,
			    size_t msgsz);
int cohort_arch_boot(const struct cohort_boot *b, char *msg, size_t msgsz);
u32 cohort_arch_cpu_hwid(unsigned int cpu);
bool cohort_arch_reserved_ram(phys_addr_t base, u64 size);
#ifdef CONFIG_COHORT_TEST
int cohort_arch_test_mangle_setup(const char *what);
#endif

/* Architecture, instance side (arch/x86/kernel/cohort_guest.c). */
bool cohort_is_instance(void);
const struct cohort_setup *cohort_instance_setup(void);

/* Architecture, instance side: CPUs given and taken while it runs
 * (arch/x86/kernel/cohort_cpuplug.c).
 */
void cohort_cpuplug_init(void);
void cohort_cpuplug_poll(void);

/*
 * Test interface (drivers/cohort/msgtest.c): answers an instance gives to
 * the primary's CPU or memory requests instead of acting on them, as a
 * buggy or hostile kernel would.
 */
enum cohort_lie_kind { COHORT_LIE_CPU, COHORT_LIE_MEM, COHORT_LIE_KINDS };
#ifdef CONFIG_COHORT_TEST
bool cohort_test_take_lie(enum cohort_lie_kind kind, int *answer);
#else
static inline bool cohort_test_take_lie(enum cohort_lie_kind kind, int *answer)
{
	return false;
}
#endif

/* Instance side: memory blocks given and taken while it runs
 * (drivers/cohort/memplug.c).
 */
#ifdef CONFIG_MEMORY_HOTREMOVE
void cohort_memplug_poll(void);
#else
static inline void cohort_memplug_poll(void) { }
#endif

/* Architecture, doorbells (arch/x86/kernel/cohort_doorbell.c). */
bool cohort_arch_apic_id_ok(u32 apic_id);
void cohort_arch_doorbell(u32 apic_id);

/* Generic, called from setup_arch(). */
void __init cohort_reserve_low(void);
void __init cohort_reserve_pool(void);
void __init cohort_instance_early(const struct boot_params *bp);
void __init cohort_instance_detect(u64 pa_data, u32 len);
void __init cohort_console_early(void *buf, u64 size);

/* Called from x86_numa_init(). */
int __init cohort_instance_numa_init(void);
void cohort_console_poll(void);

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

/*
 * Inter-kernel messaging (drivers/cohort/msg.c, docs/abi.md).
 *
 * Handlers run in softirq context (a BH workqueue), one message at a
 * time, and must not sleep.  @data is valid only during the call, unless
 * it is in a buffer of the handler's own (@cookie, see
 * cohort_msg_register_buf()).
 */

/**
 * struct cohort_msg - a message handed to a handler
 * @sender: id of the kernel that sent it
 * @type: message type
 * @len: bytes at @data
 * @data: the message
 * @rpc_id: request id when @is_request (for cohort_msg_reply())
 * @is_request: sent with cohort_msg_request(); answer with cohort_msg_reply()
 * @cookie: NULL, or the cookie of the handler's own buffer that @data is
 *	in: the handler owns that buffer now
 */
struct cohort_msg {
	u32 sender;
	u16 type;
	u32 len;
	const void *data;
	u32 rpc_id;
	bool is_request;
	void *cookie;
};

typedef void (*cohort_msg_handler_t)(const struct cohort_msg *msg, void *ctx);

/**
 * struct cohort_msg_buf_ops - a handler's own receive buffers
 * @get: a buffer of @len bytes for a message from @sender, or NULL; the
 *	message is copied out of the ring straight into it and checked
 *	there (the sender and length are not checked yet when this is
 *	called).  Sets *@cookie, not NULL.  Softirq context.  ERR_PTR(-EAGAIN)
 *	when there is none right now: the message then waits in the ring
 *	(senders find it full and wait too), and the handler calls
 *	cohort_msg_kick() once it has buffers again.
 * @put: takes back a buffer whose message turned out invalid or was not
 *	delivered
 */
struct cohort_msg_buf_ops {
	void *(*get)(void *ctx, u32 sender, u32 len, void **cookie);
	void (*put)(void *ctx, void *cookie);
};

/* cohort_msg_send() flags */
#define COHORT_MSG_WAIT		BIT(0)	/* sleep while the ring is full */

/* Called from the doorbell interrupt. */
void cohort_msg_doorbell(void);
void cohort_msg_kick(void);
/* Primary: instance state changes (instance.c). */
void cohort_msg_peer_gone(u32 id, bool failed);
bool cohort_msg_heartbeat_lost(u32 id);
unsigned int cohort_msg_watch_ms(unsigned int max);

int cohort_msg_register(unsigned int type, cohort_msg_handler_t fn, void *ctx);
int cohort_msg_register_buf(unsigned int type, cohort_msg_handler_t fn,
			    const struct cohort_msg_buf_ops *bops, void *ctx);
void cohort_msg_unregister(unsigned int type);
u32 cohort_msg_self(void);
u64 cohort_msg_members(void);
int cohort_msg_send(u32 dst, unsigned int type, const void *data, size_t len,
		    unsigned int flags);
int cohort_msg_send_hdr(u32 dst, unsigned int type, const void *hdr,
			size_t hlen, const void *data, size_t len,
			unsigned int flags);
int cohort_msg_multicast(u64 group, unsigned int type, const void *data,
			 size_t len, unsigned int flags, u64 *sent);
int cohort_msg_request(u32 dst, unsigned int type, const void *req,
		       size_t len, void *resp, size_t resp_max,
		       unsigned int timeout_ms);
int cohort_msg_reply(const struct cohort_msg *req, int status,
		     const void *data, size_t len);
int cohort_service_offer(unsigned int svc, bool on);
int cohort_service_listen(unsigned int svc, bool on);
u64 cohort_service_providers(unsigned int svc);
u64 cohort_service_listeners(unsigned int svc);
int cohort_service_notify(unsigned int svc, unsigned int type,
			  const void *data, size_t len, u64 *sent);

/* Liveness of other kernels, for claims they leave in shared memory. */
u64 cohort_msg_epoch(void);
bool cohort_kernel_alive(u32 id, u64 epoch);

/* Physical memory a filesystem may map (cohortfs phys=). */
int cohort_phys_check(phys_addr_t base, u64 size, char *why, size_t whysz);

int cohort_region_get(const char *name, phys_addr_t *base, u64 *size,
		      struct cohort_region_ref *ref, char *why, size_t whysz);
void cohort_region_put(struct cohort_region_ref *ref);

#else

static inline u64 cohort_msg_epoch(void) { return 0; }
static inline bool cohort_kernel_alive(u32 id, u64 epoch) { return true; }
static inline int cohort_region_get(const char *name, phys_addr_t *base,
				    u64 *size, struct cohort_region_ref *ref,
				    char *why, size_t whysz)
{
	return -ENODEV;
}

static inline void cohort_region_put(struct cohort_region_ref *ref) { }

static inline bool cohort_forbids_ipi_broadcast(void) { return false; }
static inline bool cohort_is_instance(void) { return false; }
static inline void cohort_reserve_low(void) { }
static inline void cohort_reserve_pool(void) { }
static inline void cohort_instance_early(const struct boot_params *bp) { }
static inline void cohort_instance_detect(u64 pa_data, u32 len) { }
static inline int cohort_instance_numa_init(void) { return -ENODEV; }

#endif /* CONFIG_COHORT */
#endif /* _LINUX_COHORT_H */
