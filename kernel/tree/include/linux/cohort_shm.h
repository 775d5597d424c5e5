/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Cohort: layouts of memory that more than one kernel can write.
 *
 * Nothing here is an interface to userspace: these are contracts between
 * kernels (a primary and its instances, all built from one tree).  Only
 * drivers/cohort/shm.c reads or writes them; everything else in Cohort
 * gets validated private snapshots from it (docs/security.md).
 *
 * Three kinds of shared memory exist:
 *
 *  - the control region: the first COHORT_CTRL_SIZE bytes of the pool,
 *    mapped by every kernel (header, kernel table, CPU grants, rings);
 *  - an instance's mailbox page and console buffer, in the instance's own
 *    memory, shared by that instance and the primary only;
 *  - an instance's grant page, in its own memory, where the primary lists
 *    the regions the instance may map.
 */
#ifndef _LINUX_COHORT_SHM_H
#define _LINUX_COHORT_SHM_H

#include <linux/bits.h>
#include <linux/init.h>
#include <linux/sizes.h>
#include <linux/types.h>
#include <uapi/linux/cohort.h>

/* ---- control region ---- */

/*
 *	0			struct cohort_ctrl_hdr (one page)
 *	COHORT_CTRL_KERNELS_OFF	struct cohort_ctrl_kernel[COHORT_MAX_KERNELS]
 *	COHORT_CTRL_CPUS_OFF	struct cohort_ctrl_cpus[COHORT_MAX_KERNELS]
 *	COHORT_CTRL_RINGS_OFF	COHORT_MAX_KERNELS receive rings, each
 *				COHORT_CTRL_RING_STRIDE bytes, ring i for id i
 */
#define COHORT_CTRL_MAGIC	0x4c5254435452484bULL	/* "KHRTCTRL" */
#define COHORT_CTRL_VERSION	3	/* 3: rings of protocol version 2 */
#define COHORT_CTRL_KERNELS_OFF	0x1000
#define COHORT_CTRL_ENTRY_SIZE	256
#define COHORT_CTRL_CPUS_OFF	0x8000
#define COHORT_CTRL_CPUS_SIZE	0x800
#define COHORT_CTRL_RINGS_OFF	0x100000
#define COHORT_CTRL_RING_SLOTS	4096
/* 256 KiB of slots + the ring header, rounded up to a page. */
#define COHORT_CTRL_RING_STRIDE	0x41000
#define COHORT_CTRL_SIZE	(18ULL << 20)
/* Largest message a kernel's ring reassembles: 64 KiB and a header. */
#define COHORT_MSG_MAX_LEN	(65536 + 4096)
/* Message types 1..COHORT_MSG_NTYPES - 1. */
#define COHORT_MSG_NTYPES	64
/* Services in the registry: 0..COHORT_MAX_SERVICES - 1. */
#define COHORT_MAX_SERVICES	64
/* Heartbeat period and allowed misses a kernel accepts from the header. */
#define COHORT_HB_MS_MIN	10
#define COHORT_HB_MS_MAX	10000
#define COHORT_HB_MISSES_MAX	1000

/**
 * struct cohort_ctrl_hdr - first page of the control region (primary)
 * @magic: %COHORT_CTRL_MAGIC, written last at format
 * @version: %COHORT_CTRL_VERSION; a kernel that knows another version
 *	refuses to join
 * @size: bytes of the region
 * @max_kernels: entries in the kernel table, %COHORT_MAX_KERNELS
 * @entry_size: bytes of one entry, %COHORT_CTRL_ENTRY_SIZE
 * @kernels_off: offset of the kernel table
 * @rings_off: offset of ring 0
 * @ring_stride: bytes from one ring to the next
 * @heartbeat_ms: period at which every kernel advances its heartbeat
 * @heartbeat_misses: missed periods after which the primary declares an
 *	instance failed
 * @cpus_off: offset of the CPU grant table, %COHORT_CTRL_CPUS_OFF
 * @may_run: bit N set while kernel N's CPUs may execute its code (from
 *	just before it is started until its CPUs are back in the primary, or
 *	it reported a panic or power-off).  A kernel whose bit is clear
 *	can no longer write anything, so its claims on shared data may be
 *	broken (cohortfs liveness).  Written by the primary.
 * @reserved: 0
 */
struct cohort_ctrl_hdr {
	__u64 magic;
	__u32 version;
	__u32 size;
	__u32 max_kernels;
	__u32 entry_size;
	__u32 kernels_off;
	__u32 rings_off;
	__u32 ring_stride;
	__u32 heartbeat_ms;
	__u32 heartbeat_misses;
	__u32 cpus_off;
	__u64 may_run;
	__u64 reserved[10];
};

/* cohort_ctrl_kernel.state */
#define COHORT_KS_FREE		0	/* nobody */
#define COHORT_KS_JOINED	1	/* up: ring formatted, takes messages */
#define COHORT_KS_LEFT		2	/* shut down cleanly */

/* cohort_ctrl_kernel.flags */
#define COHORT_KF_DOORBELL	BIT(0)		/* send doorbell IPIs to apic_id */

/**
 * struct cohort_ctrl_kernel - one kernel's entry in the kernel table
 * @gen: odd while the entry's identity (@id .. @epoch, @name) is being
 *	rewritten, even otherwise; a reader that sees it change retries
 * @id: the kernel's id, equal to the entry's index
 * @state: COHORT_KS_*
 * @apic_id: physical APIC ID that takes this kernel's doorbells; must be
 *	one the primary granted to the kernel (struct cohort_ctrl_cpus)
 * @flags: COHORT_KF_*
 * @epoch: non-zero, new each time the kernel joins; peers forget their
 *	sequence numbers, re-attach to its ring and lift a quarantine when it
 *	changes
 * @heartbeat: advanced every heartbeat period while the kernel runs
 * @services_offered: bitmap of services the kernel offers
 * @services_listening: bitmap of services whose notifications it wants
 * @name: the kernel's name ("primary" or the instance name)
 * @reserved: 0
 *
 * Written by the kernel itself; cleared by the primary when an instance
 * starts, stops, fails or is deleted.  @heartbeat and the service bitmaps
 * are single words that change without @gen.
 */
struct cohort_ctrl_kernel {
	__u64 gen;
	__u32 id;
	__u32 state;
	__u32 apic_id;
	__u32 flags;
	__u64 epoch;
	__u64 heartbeat;
	__u64 services_offered;
	__u64 services_listening;
	char name[COHORT_NAME_MAX];
	__u64 reserved[21];
};

/* cohort_ctrl_cpus.cid of an id whose instance was deleted */
#define COHORT_CID_NONE		0xffffffffU

/**
 * struct cohort_ctrl_cpus - what the primary gave to one kernel
 * @gen: odd while the primary rewrites the entry
 * @nr: entries used in @apic_ids
 * @cid: the kernel's AF_VSOCK CID; 0 for COHORT_VSOCK_CID(id),
 *	%COHORT_CID_NONE once the instance of that id was deleted
 * @apic_ids: the kernel's CPUs; doorbells go only to one of these
 *
 * Written by the primary only: the CPUs when an instance starts, cleared
 * when it stops; the CID when it is made and when it takes over another's
 * (COHORT_IOC_TAKEOVER).  Entry 0 holds the primary's doorbell CPU.
 */
struct cohort_ctrl_cpus {
	__u64 gen;
	__u32 nr;
	__u32 cid;
	__u32 apic_ids[COHORT_SETUP_MAX_CPUS];
};

/* ---- mailbox: one page at the start of an instance's memory ---- */

#define COHORT_MBOX_MAGIC	0x584f424d54524843ULL

/* mailbox.request, written by the primary */
#define COHORT_REQ_NONE		0
#define COHORT_REQ_STOP		1	/* shut down and give the CPUs back */

/* mailbox.status, written by the instance */
#define COHORT_ST_BOOTING	0	/* not checked in yet */
#define COHORT_ST_RUNNING	1	/* kernel up, init started */
#define COHORT_ST_STOPPING	2	/* shutting down */
#define COHORT_ST_OFF		3	/* every CPU halted; take them back */
#define COHORT_ST_PANIC		4	/* panicked; CPUs halted */

/**
 * struct cohort_mailbox - one page shared by a primary and an instance
 * @magic: COHORT_MBOX_MAGIC, written by the primary
 * @request: COHORT_REQ_*, written by the primary
 * @status: COHORT_ST_*, written by the instance
 * @heartbeat: advanced by the instance while it runs
 * @console_head: bytes ever written to the console buffer (instance)
 * @console_in_head: bytes ever put into the console input buffer (primary)
 * @console_in_tail: bytes of console input consumed so far (instance)
 * @exit: %COHORT_EXIT_SET | the exit status (0-255) of the instance's
 *	workload, written by the instance before it powers off; 0 until then
 * @vmcoreinfo_size: bytes of the note at @vmcoreinfo (instance)
 * @signals: signals waiting for the instance's PID 1 (bit N - 1 for signal
 *	N): the primary sets bits atomically, the instance takes them all
 *	with an exchange
 * @vmcoreinfo: physical address of the instance kernel's VMCOREINFO ELF
 *	note, written by the instance once it booted; the primary puts a
 *	checked copy of it into the instance's memory dump
 * @page_offset: the virtual address where the instance's kernel maps
 *	physical address 0 (its direct map), for the dump's program headers
 * @cpu_op: COHORT_CPU_*, what the primary asks of the CPU at @cpu_apic
 *	(primary)
 * @cpu_apic: the physical APIC ID of that CPU (primary)
 * @cpu_seq: written last by the primary (release) when it asks: a value
 *	not yet in @cpu_done is a new request
 * @cpu_done: @cpu_seq of the last request the instance finished, written
 *	after @cpu_result (release) (instance)
 * @cpu_result: 0, or the negative errno the request failed with (instance)
 * @features: COHORT_MBOX_F_*, what the instance can do, once it can
 *	(instance)
 * @mem_op: COHORT_MEM_*, what the primary asks of the memory block at
 *	@mem_base (primary)
 * @mem_node: that block's NUMA node, the primary's number (primary)
 * @mem_base: physical base of the block, %COHORT_MEM_BLOCK bytes (primary)
 * @mem_seq: as @cpu_seq, for memory requests (primary)
 * @mem_done: as @cpu_done (instance)
 * @mem_result: as @cpu_result (instance)
 * @mem_timeout_ms: how long the instance may try to empty a block before
 *	it gives up (primary)
 * @reserved: 0
 */
struct cohort_mailbox {
	__u64 magic;
	__u32 request;
	__u32 status;
	__u64 heartbeat;
	__u64 console_head;
	__u64 console_in_head;
	__u64 console_in_tail;
	__u32 exit;
	__u32 vmcoreinfo_size;
	__u64 signals;
	__u64 vmcoreinfo;
	__u64 page_offset;
	__u32 cpu_op;
	__u32 cpu_apic;
	__u32 cpu_seq;
	__u32 cpu_done;
	__s32 cpu_result;
	__u32 features;
	__u32 mem_op;
	__u32 mem_node;
	__u64 mem_base;
	__u32 mem_seq;
	__u32 mem_done;
	__s32 mem_result;
	__u32 mem_timeout_ms;
	__u64 reserved[47];
};

/* mailbox.cpu_op */
#define COHORT_CPU_ADD		1	/* bring it up: it was given to you */
#define COHORT_CPU_REMOVE	2	/* take it down: it goes back */

/* mailbox.mem_op */
#define COHORT_MEM_ADD		1	/* add the block: it was given to you */
#define COHORT_MEM_REMOVE	2	/* empty the block and give it back */

/* mailbox.features */
#define COHORT_MBOX_F_CPU_HOTPLUG BIT(0)	/* takes cpu_op requests */
#define COHORT_MBOX_F_MEM_HOTPLUG BIT(1)	/* takes mem_op requests */

/* mailbox.exit: the low byte holds the status once this bit is set */
#define COHORT_EXIT_SET		0x100

/* ---- grant page: regions an instance may map ---- */

#define COHORT_GRANTS_MAGIC	0x544e415247524843ULL	/* "CHRGRANT" */

/**
 * struct cohort_grant - one region granted to an instance
 * @seq: written by the primary only: odd while it changes the entry,
 *	even otherwise; the entry is in use when @seq is even and @size is
 *	not 0
 * @base: physical address, a multiple of %COHORT_MEM_ALIGN
 * @size: bytes, a multiple of %COHORT_MEM_ALIGN
 * @in_use: written by the instance only: 1 while it maps the region.  It
 *	sets it, then checks @seq again after a full barrier; the primary
 *	makes @seq odd, then reads @in_use after a full barrier, so a revoke
 *	and a new mapping always see each other.
 * @flags: written by the primary: %COHORT_GRANT_RO when the instance may
 *	only map it read-only
 * @name: the region's name, NUL-terminated
 */
struct cohort_grant {
	__u64 seq;
	__u64 base;
	__u64 size;
	__u32 in_use;
	__u32 flags;
	char name[COHORT_NAME_MAX];
};

/* cohort_grant.flags */
#define COHORT_GRANT_RO		0x1

/**
 * struct cohort_grant_page - the grant page of an instance
 * @magic: %COHORT_GRANTS_MAGIC, written by the primary at create
 * @max: entries in @g, %COHORT_MAX_GRANTS
 * @reserved: 0
 * @g: the grants
 */
struct cohort_grant_page {
	__u64 magic;
	__u32 max;
	__u32 reserved[13];
	struct cohort_grant g[COHORT_MAX_GRANTS];
};

/* ---- network link: the region "net:NAME" of an instance's NIC ---- */

/*
 *	0			struct cohort_net_hdr (one page)
 *	COHORT_NET_RING(q, d)	ring of queue q, direction d (0: to the
 *				instance, 1: to the primary): one page of
 *				struct cohort_net_idx, then
 *				COHORT_NET_RING_BYTES of records
 *
 * A record is struct cohort_net_rec and the frame, padded to
 * COHORT_NET_REC_ALIGN; it never wraps: a record with
 * COHORT_NET_REC_PAD says the rest of the lap is unused.  @head and
 * @tail count bytes ever produced and consumed.
 */
#define COHORT_NET_MAGIC	0x4b4e494c54524843ULL	/* "CHRTLINK" */
#define COHORT_NET_VERSION	1
#define COHORT_NET_RING_BYTES	SZ_1M
#define COHORT_NET_RING_STRIDE	(PAGE_SIZE + COHORT_NET_RING_BYTES)
#define COHORT_NET_RING(q, d)	(PAGE_SIZE + (2 * (q) + (d)) * \
				 (u64)COHORT_NET_RING_STRIDE)
#define COHORT_NET_SIZE(nq)	ALIGN(COHORT_NET_RING(nq, 0), COHORT_MEM_ALIGN)
#define COHORT_NET_REC_ALIGN	64
/* Largest frame: a 64 KiB GSO packet or MTU with its link headers. */
#define COHORT_NET_FRAME_MAX	(65536 + 512)

/**
 * struct cohort_net_hdr - first page of a link
 * @magic: %COHORT_NET_MAGIC, written last by the primary
 * @version: %COHORT_NET_VERSION
 * @queues: queue pairs, 1..%COHORT_NET_MAX_QUEUES
 * @mac_primary: address of the primary's end
 * @mac_instance: address of the instance's end (its eth0)
 * @attached: written by the instance: its epoch once its end is ready;
 *	the primary says carrier up while it equals the instance's epoch
 * @reserved: 0
 *
 * Written by the primary when the link is made and when the instance
 * starts; the primary never reads it back.
 */
struct cohort_net_hdr {
	__u64 magic;
	__u32 version;
	__u32 queues;
	__u8 mac_primary[6];
	__u8 mac_instance[6];
	__u32 reserved0;
	__u64 attached;
	__u64 reserved[58];
};

/**
 * struct cohort_net_idx - the indices of one ring, each on its own line
 * @head: bytes produced (producer)
 * @kick: set by the consumer before it sleeps; a producer that swaps it
 *	back to 0 sends a %COHORT_NET_KICK_RX
 * @tail: bytes consumed (consumer)
 * @space: set by the producer when the ring is full; a consumer that
 *	swaps it back to 0 sends a %COHORT_NET_KICK_SPACE
 */
struct cohort_net_idx {
	__u64 head;
	__u64 pad0[7];
	__u32 kick;
	__u32 pad1[15];
	__u64 tail;
	__u64 pad2[7];
	__u32 space;
	__u32 pad3[15];
};

/* cohort_net_rec.flags */
#define COHORT_NET_REC_PAD	BIT(0)	/* nothing more in this lap */
#define COHORT_NET_REC_CSUM_OK	BIT(1)	/* checksums verified by the sender */

/**
 * struct cohort_net_rec - header of one frame in a ring
 * @len: bytes of the frame that follows
 * @flags: COHORT_NET_REC_*
 * @vnet: offloads (checksum to fill in, segmentation), little endian,
 *	the layout of struct virtio_net_hdr
 * @reserved: 0
 */
struct cohort_net_rec {
	__u32 len;
	__u32 flags;
	__u8 vnet[10];
	__u8 reserved[14];
};

/* Payload of a COHORT_MSG_T_NET message. */
#define COHORT_NET_KICK_RX	1	/* records waiting in your ring @queue */
#define COHORT_NET_KICK_SPACE	2	/* room again in my ring @queue */
#define COHORT_NET_KICK_RESCAN	3	/* primary: a link was added */

/**
 * struct cohort_net_kick - why a peer kernel knocks
 * @what: COHORT_NET_KICK_*
 * @queue: the queue pair
 * @reserved: 0
 */
struct cohort_net_kick {
	__u8 what;
	__u8 queue;
	__u16 reserved;
};

/* ---- message types used by Cohort itself (the rest are free) ---- */

#define COHORT_MSG_T_RPC_REQ	1	/* struct cohort_msg_rpc + request */
#define COHORT_MSG_T_RPC_RESP	2	/* struct cohort_msg_rpc + response */
#define COHORT_MSG_T_SINK	3	/* test: checksummed, counted */
#define COHORT_MSG_T_ECHO	4	/* test: a request answered with itself */
#define COHORT_MSG_T_BLACKHOLE	5	/* test: a request never answered */
#define COHORT_MSG_T_CONSOLE	6	/* console input waiting (no payload) */
#define COHORT_MSG_T_VSOCK	7	/* a virtio-vsock packet: header + data */
#define COHORT_MSG_T_NET	8	/* struct cohort_net_kick */
#define COHORT_MSG_T_CIDS	9	/* primary: CID table changed (no payload) */
#define COHORT_MSG_T_FIRST_FREE	16

/**
 * struct cohort_msg_rpc - header of a request or response message
 * @id: request id chosen by the requester, echoed in the response
 * @type: the request's message type (the handler that answers it)
 * @status: response: 0 or a negative errno from the responder
 */
struct cohort_msg_rpc {
	__u32 id;
	__u16 type;
	__s16 status;
};

/* ---- drivers/cohort/shm.c: the only code that touches the above ---- */

#ifdef CONFIG_COHORT

/**
 * struct cohort_mem_req - a memory request as the instance read it
 * @seq: its number
 * @op: COHORT_MEM_*, as the primary wrote it (check it)
 * @node: the node it names (check it)
 * @timeout_ms: how long emptying a block may take (check it)
 * @base: the block it names (check it)
 */
struct cohort_mem_req {
	u32 seq;
	u32 op;
	u32 node;
	u32 timeout_ms;
	u64 base;
};

/**
 * struct cohort_kernel_view - a private, checked copy of a kernel's entry
 * @id: its id
 * @state: COHORT_KS_*
 * @apic_id: its doorbell APIC ID (granted to it by the primary)
 * @flags: COHORT_KF_*
 * @epoch: its epoch
 * @heartbeat: its heartbeat counter
 * @offered: services it offers
 * @listening: services it listens to
 * @name: its name, NUL-terminated
 */
struct cohort_kernel_view {
	u32 id;
	u32 state;
	u32 apic_id;
	u32 flags;
	u64 epoch;
	u64 heartbeat;
	u64 offered;
	u64 listening;
	char name[COHORT_NAME_MAX];
};

/* What cohort_ctrl_read_kernel() found. */
enum cohort_entry {
	COHORT_ENTRY_ABSENT,	/* free or left: not a member */
	COHORT_ENTRY_MEMBER,	/* joined and consistent */
	COHORT_ENTRY_BAD,	/* joined but inconsistent: blame the epoch */
	COHORT_ENTRY_BUSY,	/* kept changing while read: ask again later */
};

/* Control region. */
int cohort_ctrl_format(phys_addr_t base, u64 size, unsigned int hb_ms,
		       unsigned int hb_misses, u32 doorbell_apic);
int cohort_ctrl_attach(phys_addr_t base, u64 size, const char **why);
void *cohort_ctrl_ring(u32 id);
void cohort_ctrl_join(u32 id, u32 apic_id, u64 epoch, const char *name);
void cohort_ctrl_clear_kernel(u32 id);
enum cohort_entry cohort_ctrl_read_kernel(u32 id, struct cohort_kernel_view *v,
					  const char **why);
u64 cohort_ctrl_kernel_epoch(u32 id);
void cohort_ctrl_heartbeat(u32 id);
void cohort_ctrl_publish_services(u32 id, u64 offered, u64 listening);
void cohort_ctrl_set_hb(unsigned int ms, unsigned int misses);
void cohort_ctrl_get_hb(unsigned int *ms, unsigned int *misses);
void cohort_ctrl_set_may_run(u32 id, bool may_run);
bool cohort_ctrl_may_run(u32 id);
void cohort_ctrl_grant_cpus(u32 id, const u32 *apic_ids, unsigned int nr);
void cohort_ctrl_set_cid(u32 id, u32 cid);
u32 cohort_ctrl_cid(u32 id);
bool cohort_ctrl_doorbell_ok(u32 id, u32 apic_id);
#ifdef CONFIG_COHORT_TEST
int cohort_ctrl_test_poke(u32 off, const void *buf, size_t len);
void cohort_ctrl_test_set_version(u32 version);
#endif

/* Mailbox and console, primary side (the instance's memory at @mem). */
void cohort_mbox_reset(phys_addr_t mem);
u32 cohort_mbox_status(phys_addr_t mem);
int cohort_mbox_exit(phys_addr_t mem);
ssize_t cohort_mbox_vmcoreinfo(phys_addr_t mem, u64 size, char *buf,
			       size_t max);
u64 cohort_mbox_page_offset(phys_addr_t mem, u64 size);
void cohort_mbox_signal(phys_addr_t mem, unsigned int signo);
void cohort_mbox_request(phys_addr_t mem, u32 request);
bool cohort_mbox_has_feature(phys_addr_t mem, u32 feature);
void cohort_mbox_cpu_ask(phys_addr_t mem, u32 seq, u32 op, u32 apic_id);
bool cohort_mbox_cpu_answer(phys_addr_t mem, u32 seq, int *result);
void cohort_mbox_mem_ask(phys_addr_t mem, const struct cohort_mem_req *r);
bool cohort_mbox_mem_answer(phys_addr_t mem, u32 seq, int *result);
u64 cohort_console_head(phys_addr_t mem);
size_t cohort_console_copy(phys_addr_t mem, u64 pos, char *buf, size_t count);
int cohort_conin_put(phys_addr_t mem, u64 *head, const void *buf, size_t len);
int cohort_conin_room(phys_addr_t mem, u64 head);

/* Mailbox and console, instance side. */
void __init cohort_mbox_attach(struct cohort_mailbox *mb);
void cohort_mbox_set_status(u32 status);
int cohort_mbox_set_exit(u32 code);
int cohort_mbox_get_exit(void);
void cohort_mbox_set_vmcoreinfo(phys_addr_t note, u32 size,
				u64 page_offset);
u64 cohort_mbox_take_signals(void);
void cohort_mbox_beat(void);
bool cohort_mbox_stop_requested(void);
void cohort_mbox_set_feature(u32 feature);
bool cohort_mbox_cpu_asked(u32 *seq, u32 *op, u32 *apic_id);
void cohort_mbox_cpu_finish(u32 seq, int result);
bool cohort_mbox_mem_asked(struct cohort_mem_req *r);
void cohort_mbox_mem_finish(u32 seq, int result);
void cohort_mbox_console_publish(u64 head);
void __init cohort_conin_attach(void *buf, u64 size);
size_t cohort_conin_take(u8 *dst, size_t max);
bool cohort_conin_pending(void);
#ifdef CONFIG_COHORT_TEST
void cohort_conin_test_set_tail(u64 tail);
#endif

/* Grant pages: primary side. */
void cohort_grants_format(phys_addr_t mem);
int cohort_grants_set(phys_addr_t mem, u32 slot, const char *name,
		      phys_addr_t base, u64 size, u32 flags);
int cohort_grants_clear(phys_addr_t mem, u32 slot, bool may_run);
bool cohort_grants_in_use(phys_addr_t mem, u32 slot);
void cohort_grants_forget_use(phys_addr_t mem);

/* Grant pages: instance side. */
int cohort_grants_get(const char *name, phys_addr_t *base, u64 *size,
		      u32 *slot, u32 *flags, char *why, size_t whysz);
void cohort_grants_put(u32 slot);

#endif /* CONFIG_COHORT */

#endif /* _LINUX_COHORT_SHM_H */
