/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Cohort: several Linux kernels side by side on one machine.
 *
 * The user-visible ABI of Cohort, shared by the kernel and the tools:
 * the /dev/cohort ioctls, the names used in /sys/kernel/cohort/, and the
 * setup_data record a primary hands to an instance it starts.
 * docs/abi.md describes every file and field.  Layouts that only kernels
 * share (control region, mailbox, grant page) are in the kernel's
 * <linux/cohort_shm.h>, not here.
 */
#ifndef _UAPI_LINUX_COHORT_H
#define _UAPI_LINUX_COHORT_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* Release of Cohort, shown in /sys/kernel/cohort/version. */
#define COHORT_VERSION		"0.1.0"

/* Roles shown in /sys/kernel/cohort/role. */
#define COHORT_ROLE_PRIMARY	"primary"
#define COHORT_ROLE_INSTANCE	"instance"

/*
 * Instance names: 1 to COHORT_NAME_MAX - 1 characters from [A-Za-z0-9_.-],
 * not starting with '.' or '-'.
 */
#define COHORT_NAME_MAX		32
/* CPUs are Linux CPU numbers of the primary, as a bitmap. */
#define COHORT_MAX_CPUS		1024
#define COHORT_CPU_WORDS	(COHORT_MAX_CPUS / 64)
/* Why a request was refused, as text for a person (always NUL-terminated). */
#define COHORT_MSG_MAX		160
/* Instance kernel command line, including the terminating NUL. */
#define COHORT_CMDLINE_MAX	2048
/* Instance memory: a multiple of this, at least COHORT_MEM_MIN. */
#define COHORT_MEM_ALIGN	(2ULL << 20)
#define COHORT_MEM_MIN		(32ULL << 20)

/* Instance states, as shown in /sys/kernel/cohort/instances/NAME/state. */
#define COHORT_STATE_EMPTY	"empty"		/* created, nothing loaded */
#define COHORT_STATE_LOADED	"loaded"	/* image loaded, not running */
#define COHORT_STATE_STARTING	"starting"	/* CPUs sent, init not seen */
#define COHORT_STATE_RUNNING	"running"	/* its kernel checked in */
#define COHORT_STATE_STOPPING	"stopping"	/* asked to shut down */
#define COHORT_STATE_STOPPED	"stopped"	/* CPUs back; may start again */
#define COHORT_STATE_FAILED	"failed"	/* died or never came up */

/*
 * Why an instance last stopped or failed, as shown in
 * /sys/kernel/cohort/instances/NAME/stop_reason (empty while it starts or
 * runs, and before its first start).
 */
#define COHORT_WHY_STOP		"stop"		/* cohort stop: it shut down */
#define COHORT_WHY_STOP_FORCED	"stop-forced"	/* cohort stop --force */
#define COHORT_WHY_STOP_TIMEOUT	"stop-timeout"	/* too slow: CPUs taken back */
#define COHORT_WHY_POWEROFF	"poweroff"	/* powered off unasked */
#define COHORT_WHY_PANIC	"panic"		/* its kernel panicked */
#define COHORT_WHY_HEARTBEAT	"heartbeat"	/* its heartbeat was lost */
#define COHORT_WHY_START_TIMEOUT "start-timeout"	/* never checked in */
#define COHORT_WHY_CPUS_LOST	"cpus-lost"	/* CPUs did not come back */

/**
 * struct cohort_ioc_create - COHORT_IOC_CREATE: make an instance
 * @name: instance name, NUL-terminated
 * @cpus: bitmap of the primary's CPU numbers to give to the instance
 * @mem_size: bytes of pool memory, a multiple of COHORT_MEM_ALIGN
 * @mem_base: physical base inside the pool, or 0 to let the kernel place it
 * @flags: 0, or COHORT_CREATE_NODE and/or COHORT_CREATE_MAX_CPUS
 * @id: out: the instance's id (1..COHORT_MAX_KERNELS - 1; 0 is the primary)
 * @msg: out: why the request was refused
 * @node: with COHORT_CREATE_NODE, the NUMA node the memory must be on
 *	(the primary's node numbers); must be 0 without it
 * @max_cpus: with COHORT_CREATE_MAX_CPUS, the most CPUs the instance may
 *	ever have, 1..COHORT_SETUP_MAX_CPUS and no fewer than @cpus: its
 *	kernel is told of only that many (its own and the nearest others,
 *	which it may be given while it runs), which bounds the per-CPU
 *	memory it sets aside; must be 0 without it (every CPU present then)
 * @reserved: must be 0
 */
struct cohort_ioc_create {
	char name[COHORT_NAME_MAX];
	__u64 cpus[COHORT_CPU_WORDS];
	__u64 mem_size;
	__u64 mem_base;
	__u32 flags;
	__u32 id;
	char msg[COHORT_MSG_MAX];
	__u32 node;
	__u32 max_cpus;
	__u64 reserved[3];
};

/* cohort_ioc_create.flags: take the memory from the pool on @node only. */
#define COHORT_CREATE_NODE	(1U << 0)
/* cohort_ioc_create.flags: @max_cpus caps the instance's CPUs. */
#define COHORT_CREATE_MAX_CPUS	(1U << 1)

/**
 * struct cohort_ioc_load - COHORT_IOC_LOAD: load a kernel into an instance
 * @name: instance name
 * @kernel_fd: open file descriptor of a bzImage
 * @initrd_fd: open file descriptor of an initramfs, or -1 for none
 * @cmdline: user pointer to the command line, NUL-terminated
 * @cmdline_len: bytes at @cmdline including the NUL, at most
 *	COHORT_CMDLINE_MAX; 0 for an empty command line
 * @flags: must be 0
 * @msg: out: why the request was refused
 * @reserved: must be 0
 */
struct cohort_ioc_load {
	char name[COHORT_NAME_MAX];
	__s32 kernel_fd;
	__s32 initrd_fd;
	__u64 cmdline;
	__u32 cmdline_len;
	__u32 flags;
	char msg[COHORT_MSG_MAX];
	__u64 reserved[4];
};

/* struct cohort_ioc_instance flags */
#define COHORT_STOP_FORCE	(1U << 0)	/* take the CPUs back at once */
#define COHORT_DELETE_DRY_RUN	(1U << 1)	/* delete: check only */

/**
 * struct cohort_ioc_instance - start, stop or delete an instance
 * @name: instance name
 * @flags: COHORT_STOP_FORCE for COHORT_IOC_STOP; COHORT_DELETE_DRY_RUN
 *	for COHORT_IOC_DELETE (every check, nothing deleted); otherwise 0
 * @timeout_ms: COHORT_IOC_STOP: how long a graceful stop may take before
 *	the CPUs are taken back by force; 0 means the default (10 s).
 *	Otherwise 0.
 * @msg: out: why the request was refused
 * @reserved: must be 0
 */
struct cohort_ioc_instance {
	char name[COHORT_NAME_MAX];
	__u32 flags;
	__u32 timeout_ms;
	char msg[COHORT_MSG_MAX];
	__u64 reserved[4];
};

/**
 * struct cohort_ioc_region - COHORT_IOC_REGION_CREATE / _DELETE: a named
 *	range of the pool that every kernel can map (e.g. a cohortfs)
 * @name: region name, NUL-terminated (same rules as an instance name)
 * @size: create: bytes, a multiple of COHORT_MEM_ALIGN; delete: 0
 * @base: create, out: where the region was (or would be) placed;
 *	otherwise 0
 * @flags: create: 0 or COHORT_REGION_DRY_RUN (every check and the
 *	placement, nothing taken); delete: 0
 * @reserved0: must be 0
 * @msg: out: why the request was refused
 * @reserved: must be 0
 */
struct cohort_ioc_region {
	char name[COHORT_NAME_MAX];
	__u64 size;
	__u64 base;
	__u32 flags;
	__u32 reserved0;
	char msg[COHORT_MSG_MAX];
	__u64 reserved[4];
};

/* struct cohort_ioc_region flags */
#define COHORT_REGION_DRY_RUN	(1U << 0)

/* struct cohort_ioc_grant flags */
#define COHORT_GRANT_REVOKE	(1U << 0)	/* take the grant back */
/* the instance may map it read-only only (an image cohort run shares) */
#define COHORT_GRANT_READONLY	(1U << 1)

/**
 * struct cohort_ioc_grant - COHORT_IOC_REGION_GRANT: let an instance map a
 *	region, or (%COHORT_GRANT_REVOKE) stop letting it
 * @region: region name, NUL-terminated
 * @instance: instance name, NUL-terminated
 * @flags: 0, %COHORT_GRANT_READONLY, or %COHORT_GRANT_REVOKE
 * @reserved0: must be 0
 * @msg: out: why the request was refused
 * @reserved: must be 0
 *
 * An instance maps only regions granted to it; a grant lasts until it is
 * revoked or the region or the instance is deleted.  The instance's
 * kernel mounts a %COHORT_GRANT_READONLY grant read-only only, whatever
 * its root asks for.  Revoking is refused
 * while the instance maps the region and its CPUs may run.
 */
struct cohort_ioc_grant {
	char region[COHORT_NAME_MAX];
	char instance[COHORT_NAME_MAX];
	__u32 flags;
	__u32 reserved0;
	char msg[COHORT_MSG_MAX];
	__u64 reserved[4];
};

/*
 * The signal an instance's PID 1 receives for COHORT_IOC_SIGNAL, with
 * si_int holding the signal asked for (cohort-init sends that one to the
 * workload).  A real-time signal, so that it can carry a value and no
 * program mistakes it for an ordinary one: glibc's SIGRTMIN + 6.
 */
#define COHORT_SIGNAL_CARRIER	40
/* Highest signal number COHORT_IOC_SIGNAL accepts */
#define COHORT_SIGNAL_MAX	64

/**
 * struct cohort_ioc_signal - COHORT_IOC_SIGNAL: send a signal to the
 *	workload of a running instance (`cohort kill`)
 * @name: instance name
 * @signo: the signal, 1..%COHORT_SIGNAL_MAX
 * @flags: must be 0
 * @msg: out: why the request was refused
 * @reserved: must be 0
 *
 * The signal waits in the instance's mailbox until its kernel looks (at
 * its next 100 ms heartbeat tick) and passes it to its PID 1 as
 * %COHORT_SIGNAL_CARRIER.  Like pending signals, the same signal sent
 * twice before then arrives once.
 */
struct cohort_ioc_signal {
	char name[COHORT_NAME_MAX];
	__u32 signo;
	__u32 flags;
	char msg[COHORT_MSG_MAX];
	__u64 reserved[4];
};

/* struct cohort_ioc_console flags */
#define COHORT_CONSOLE_FORCE	(1U << 0)	/* take the input from its writer */

/**
 * struct cohort_ioc_console - COHORT_IOC_CONSOLE: become the one writer of
 *	an instance's console input
 * @name: instance name
 * @flags: 0 or %COHORT_CONSOLE_FORCE
 * @fd: out: a new file descriptor (write only, close-on-exec).  What is
 *	written to it reaches the instance's /dev/ttyCH0 as typed input, in
 *	order and without loss: write() blocks while the instance has not
 *	consumed earlier input (%O_NONBLOCK: %EAGAIN).  It fails with %EPIPE
 *	once another writer took over or the instance was deleted (poll()
 *	then reports %POLLHUP), and with %ENXIO while the instance is not
 *	running.
 * @msg: out: why the request was refused
 * @reserved: must be 0
 *
 * One writer at a time: a second request fails with %EBUSY unless it has
 * %COHORT_CONSOLE_FORCE.  Closing the descriptor detaches.  The console's
 * output is read from sysfs (instances/NAME/console) by any number of
 * readers.
 */
struct cohort_ioc_console {
	char name[COHORT_NAME_MAX];
	__u32 flags;
	__s32 fd;
	char msg[COHORT_MSG_MAX];
	__u64 reserved[4];
};

/* struct cohort_ioc_net flags */
#define COHORT_NET_DEL		(1U << 0)	/* remove the link */

/* Most queue pairs of one network link. */
#define COHORT_NET_MAX_QUEUES	4

/**
 * struct cohort_ioc_net - COHORT_IOC_NET: give an instance a network link
 *	to the primary, or (%COHORT_NET_DEL) take it away
 * @instance: instance name, NUL-terminated
 * @flags: 0 or %COHORT_NET_DEL
 * @queues: add: queue pairs wanted, 0 for one per CPU of the instance
 *	(at most %COHORT_NET_MAX_QUEUES); out: the number given.  Del: 0
 * @ifname: out: the primary's end of the link, "coh-NAME" (or "coh-ID"
 *	when that does not fit in 15 characters); the instance's end is its
 *	"eth0"
 * @msg: out: why the request was refused
 * @reserved: must be 0
 *
 * One link per instance.  It may be added at any time (a running
 * instance finds it within a heartbeat period); it is removed only while
 * the instance's CPUs are in the primary (created, stopped or failed),
 * and with the instance.  Its shared memory is taken from the pool and
 * shows as the region "net:NAME".
 */
struct cohort_ioc_net {
	char instance[COHORT_NAME_MAX];
	__u32 flags;
	__u32 queues;
	char ifname[16];
	char msg[COHORT_MSG_MAX];
	__u64 reserved[4];
};

/**
 * struct cohort_ioc_takeover - COHORT_IOC_TAKEOVER: an instance takes over
 *	another's AF_VSOCK address (`cohort takeover`)
 * @name: the instance that takes the address over
 * @from: the instance whose address it takes; it gets @name's in exchange
 * @flags: must be 0
 * @cid: out: @name's CID now
 * @msg: out: why the request was refused
 * @reserved: must be 0
 *
 * The two CIDs are exchanged at once, so no two kernels ever have the
 * same one; either may be running.  Every kernel learns the new mapping
 * within a watch period (100 ms) and resets the connections it had to
 * either address: a client then connects again and reaches @name.  A
 * warm standby taking over a failed instance's service, or a new kernel
 * taking over from the old one in a live update, is this.
 */
struct cohort_ioc_takeover {
	char name[COHORT_NAME_MAX];
	char from[COHORT_NAME_MAX];
	__u32 flags;
	__u32 cid;
	char msg[COHORT_MSG_MAX];
	__u64 reserved[4];
};

/**
 * struct cohort_ioc_rename - COHORT_IOC_RENAME: give an instance a new name
 *	(`cohort rename`)
 * @name: the instance
 * @new_name: its name from now on; no instance may have it
 * @flags: must be 0
 * @msg: out: why the request was refused
 * @reserved: must be 0
 *
 * In any state.  Its sysfs directory and everything the primary knows
 * it by follow at once, and the cohort.name= of the command line it was
 * loaded with; its kernel learns the name at its next start, so until
 * then it and its peers (`cohort peers`) still say the old one.  Refused
 * while it has a network link (whose region and interface carry the
 * name).
 */
struct cohort_ioc_rename {
	char name[COHORT_NAME_MAX];
	char new_name[COHORT_NAME_MAX];
	__u32 flags;
	__u32 reserved32;
	char msg[COHORT_MSG_MAX];
	__u64 reserved[4];
};

#define COHORT_IOC_MAGIC	0xC8

/**
 * struct cohort_ioc_set_cpus - COHORT_IOC_SET_CPUS: change an instance's CPUs
 * @name: instance name
 * @cpus: the CPUs it should have (bitmap of the primary's CPU numbers)
 * @flags: COHORT_SET_*
 * @timeout_ms: how long the instance gets for each CPU it brings up or
 *	takes down; 0 for the default (30 s)
 * @msg: out: why the request was refused or failed
 * @reserved: must be 0
 *
 * An instance that is not running just gets the new set, checked as at
 * create.  A running one is changed a CPU at a time, removals first: its
 * kernel takes each CPU down before the primary brings it up, and brings
 * up each CPU the primary took offline for it.  A step that fails undoes
 * the ones before it; the instance then has the CPUs it had.
 */
struct cohort_ioc_set_cpus {
	char name[COHORT_NAME_MAX];
	__u64 cpus[COHORT_CPU_WORDS];
	__u32 flags;
	__u32 timeout_ms;
	char msg[COHORT_MSG_MAX];
	__u64 reserved[4];
};

/* cohort_ioc_set_cpus.flags: check only, change nothing. */
#define COHORT_SET_DRY_RUN	(1U << 0)

/*
 * Memory given to an instance after create, or taken back from it
 * (COHORT_IOC_SET_MEMORY), comes in blocks of this size, each aligned to
 * it: the instance's kernel adds and removes its memory in these blocks
 * (memory hotplug).  Its memory from create stays with it.
 */
#define COHORT_MEM_BLOCK	(128ULL << 20)
/* Most such blocks one instance holds. */
#define COHORT_MEM_BLOCKS_MAX	128

/**
 * struct cohort_ioc_set_memory - COHORT_IOC_SET_MEMORY: grow or shrink
 *	an instance's memory
 * @name: instance name
 * @mem_size: the memory it should have: its memory from create plus a
 *	whole number of COHORT_MEM_BLOCK blocks (up to COHORT_MEM_BLOCKS_MAX)
 * @flags: COHORT_SET_DRY_RUN and/or COHORT_SET_MEM_NODE
 * @timeout_ms: how long the instance gets for each block it adds or gives
 *	back; 0 for the default (30 s)
 * @node: with COHORT_SET_MEM_NODE, the NUMA node new blocks must be on
 *	(the primary's number); 0 without it
 * @reserved0: must be 0
 * @freeable: out: when the instance could not give back as much as asked,
 *	the bytes it could give back; 0 otherwise
 * @msg: out: why the request was refused or failed
 * @reserved: must be 0
 *
 * New blocks are taken from the pool (on the node of the instance's
 * memory from create when there is room, unless a node is asked for) and
 * blocks given back go to the pool, last added first.  An instance that
 * is not running just gets or loses the blocks: it adds them when it
 * starts.  A running one adds each new block to its memory (movable)
 * and gives a block back only once it has moved everything out of it.
 * When it cannot free as much as asked, the blocks it gave back are
 * added again and @freeable says how much it could have given.  A change
 * that fails half way is undone.
 */
struct cohort_ioc_set_memory {
	char name[COHORT_NAME_MAX];
	__u64 mem_size;
	__u32 flags;
	__u32 timeout_ms;
	__u32 node;
	__u32 reserved0;
	__u64 freeable;
	char msg[COHORT_MSG_MAX];
	__u64 reserved[4];
};

/* cohort_ioc_set_memory.flags: new blocks on @node only. */
#define COHORT_SET_MEM_NODE	(1U << 1)

/**
 * struct cohort_ioc_pool_release - COHORT_IOC_POOL_RELEASE: give the pool
 *	to the primary for good
 * @flags: COHORT_SET_DRY_RUN (check and count only) or 0
 * @reserved0: must be 0
 * @released: out: bytes of the pool the primary gets (or would get)
 * @kept: out: bytes that stay reserved: the control region, which the
 *	messaging between kernels keeps using
 * @msg: out: why the request was refused
 * @reserved: must be 0
 *
 * Only when no instance, region or network link holds any of the pool.
 * The memory lent to the primary becomes ordinary memory where it is
 * (nothing moves) and the rest is freed to it; no instance or region can
 * be made afterwards, until the primary boots again with a pool.
 */
struct cohort_ioc_pool_release {
	__u32 flags;
	__u32 reserved0;
	__u64 released;
	__u64 kept;
	char msg[COHORT_MSG_MAX];
	__u64 reserved[4];
};

#define COHORT_IOC_CREATE	_IOWR(COHORT_IOC_MAGIC, 1, struct cohort_ioc_create)
#define COHORT_IOC_LOAD		_IOWR(COHORT_IOC_MAGIC, 2, struct cohort_ioc_load)
#define COHORT_IOC_START	_IOWR(COHORT_IOC_MAGIC, 3, struct cohort_ioc_instance)
#define COHORT_IOC_STOP		_IOWR(COHORT_IOC_MAGIC, 4, struct cohort_ioc_instance)
#define COHORT_IOC_DELETE	_IOWR(COHORT_IOC_MAGIC, 5, struct cohort_ioc_instance)
#define COHORT_IOC_REGION_CREATE _IOWR(COHORT_IOC_MAGIC, 6, struct cohort_ioc_region)
#define COHORT_IOC_REGION_DELETE _IOWR(COHORT_IOC_MAGIC, 7, struct cohort_ioc_region)
#define COHORT_IOC_REGION_GRANT	_IOWR(COHORT_IOC_MAGIC, 8, struct cohort_ioc_grant)
#define COHORT_IOC_CONSOLE	_IOWR(COHORT_IOC_MAGIC, 9, struct cohort_ioc_console)
#define COHORT_IOC_NET		_IOWR(COHORT_IOC_MAGIC, 10, struct cohort_ioc_net)
#define COHORT_IOC_SIGNAL	_IOWR(COHORT_IOC_MAGIC, 11, struct cohort_ioc_signal)
#define COHORT_IOC_TAKEOVER	_IOWR(COHORT_IOC_MAGIC, 12, struct cohort_ioc_takeover)
#define COHORT_IOC_RENAME	_IOWR(COHORT_IOC_MAGIC, 13, struct cohort_ioc_rename)
#define COHORT_IOC_SET_CPUS	_IOWR(COHORT_IOC_MAGIC, 14, struct cohort_ioc_set_cpus)
#define COHORT_IOC_SET_MEMORY	_IOWR(COHORT_IOC_MAGIC, 15, struct cohort_ioc_set_memory)
#define COHORT_IOC_POOL_RELEASE	_IOWR(COHORT_IOC_MAGIC, 16, struct cohort_ioc_pool_release)

/*
 * AF_VSOCK address of kernel id N: the primary (0) is the host, CID 2;
 * instance N is N + 2, unless COHORT_IOC_TAKEOVER moved addresses
 * between instances (then an instance made later whose N + 2 is taken
 * gets the lowest free CID above 2).  instances/NAME/cid says which.
 */
#define COHORT_VSOCK_CID(id)	((id) + 2U)

/* Most kernels in one Cohort, the primary included. */
#define COHORT_MAX_KERNELS	64
/* Most named regions of the pool. */
#define COHORT_MAX_REGIONS	64
/* Most regions granted to one instance. */
#define COHORT_MAX_GRANTS	32

/*
 * The setup_data record a primary puts in an instance's boot_params.
 * Its presence is what makes a kernel boot as an instance.
 */
#define COHORT_SETUP_TYPE	0x636f6872	/* "cohr" */
#define COHORT_SETUP_MAGIC	0x43484f5254534554ULL
#define COHORT_SETUP_VERSION	3
#define COHORT_SETUP_MAX_CPUS	256

/* Parts of an instance's memory on distinct NUMA nodes, at most. */
#define COHORT_SETUP_MEM_NODES	4
/* NUMA nodes of the pool a setup record names, at most. */
#define COHORT_SETUP_POOL_NODES	16

/**
 * struct cohort_setup_mem_node - a part of an instance's memory on one node
 * @base: physical start
 * @size: bytes
 * @node: its NUMA node (the primary's number)
 * @reserved: 0
 */
struct cohort_setup_mem_node {
	__u64 base;
	__u64 size;
	__u32 node;
	__u32 reserved;
};

/**
 * struct cohort_setup - what an instance learns from its primary at boot
 * @magic: COHORT_SETUP_MAGIC
 * @version: COHORT_SETUP_VERSION; an instance refuses other versions
 * @size: bytes of this record
 * @id: this instance's id
 * @nr_cpus: entries used in @apic_ids; the first is the boot CPU
 * @tsc_khz: TSC frequency measured by the primary
 * @lapic_timer_period: LAPIC timer ticks per jiffy (primary's calibration)
 * @lpj: loops per jiffy
 * @hz: the primary's HZ, for which @lapic_timer_period and @lpj hold
 * @flags: COHORT_SETUP_F_*
 * @mem_base: physical base of the instance's memory
 * @mem_size: bytes of the instance's memory
 * @low_base: physical base of its slot below 1 MiB (real-mode trampoline)
 * @low_size: bytes of that slot
 * @mailbox: physical address of the instance's mailbox page (in its memory)
 * @console: physical address of the console buffer (in its memory)
 * @console_size: bytes of the console buffer, a power of two
 * @wallclock_ns: the primary's CLOCK_REALTIME when the instance started
 * @name: instance name
 * @ctrl_base: physical base of the shared control region (messaging), or 0
 * @ctrl_size: bytes of the control region
 * @pool_base: physical base of the pool (every region lies inside it)
 * @pool_size: bytes of the pool
 * @grants: physical address of the instance's grant page (in its memory):
 *	the regions the primary lets it map
 * @console_in: physical address of the console input buffer (in its
 *	memory): bytes typed by the primary's console writer
 * @console_in_size: bytes of that buffer, a power of two
 * @reserved: 0
 * @apic_ids: APIC IDs of the instance's CPUs
 * @cpu_nodes: with COHORT_SETUP_F_NUMA, the NUMA node of each CPU of
 *	@apic_ids (the primary's node numbers)
 * @nr_mem_nodes: with COHORT_SETUP_F_NUMA, entries used in @mem_nodes
 * @reserved2: 0
 * @mem_nodes: with COHORT_SETUP_F_NUMA, the instance's memory cut by NUMA
 *	node, in address order, covering [@mem_base, @mem_base + @mem_size)
 * @nr_spare: with COHORT_SETUP_F_SPARE, entries used in @spare_apic_ids
 * @reserved3: 0
 * @spare_apic_ids: with COHORT_SETUP_F_SPARE, the CPUs the primary may
 *	give the instance while it runs (COHORT_IOC_SET_CPUS); none of them
 *	is in @apic_ids.  The instance counts them as possible, not present.
 * @spare_nodes: the NUMA node of each of @spare_apic_ids (with
 *	COHORT_SETUP_F_NUMA meaningful)
 * @nr_mem_blocks: with COHORT_SETUP_F_MEM_BLOCKS, entries used in
 *	@mem_blocks
 * @reserved4: 0
 * @mem_blocks: with COHORT_SETUP_F_MEM_BLOCKS, memory given to the
 *	instance after create (COHORT_IOC_SET_MEMORY), one COHORT_MEM_BLOCK
 *	block each, outside [@mem_base, @mem_base + @mem_size): the instance
 *	adds them as hot-plugged (movable) memory, so that it can give them
 *	back while it runs
 * @nr_pool_nodes: with COHORT_SETUP_F_POOL_NODES, entries used in
 *	@pool_nodes
 * @reserved5: 0
 * @pool_nodes: with COHORT_SETUP_F_POOL_NODES, the NUMA nodes the pool
 *	has memory on: memory given while the instance runs may come from
 *	any of them, so it counts them all as possible nodes
 *
 * Fields are only ever added at the end, with a flag saying they are
 * filled: a kernel reads as much of the record as it knows, and a shorter
 * record leaves the rest zero.
 */
struct cohort_setup {
	__u64 magic;
	__u32 version;
	__u32 size;
	__u32 id;
	__u32 nr_cpus;
	__u32 tsc_khz;
	__u32 lapic_timer_period;
	__u64 lpj;
	__u32 hz;
	__u32 flags;
	__u64 mem_base;
	__u64 mem_size;
	__u64 low_base;
	__u64 low_size;
	__u64 mailbox;
	__u64 console;
	__u64 console_size;
	__u64 wallclock_ns;
	char name[COHORT_NAME_MAX];
	__u64 ctrl_base;
	__u64 ctrl_size;
	__u64 pool_base;
	__u64 pool_size;
	__u64 grants;
	__u64 console_in;
	__u64 console_in_size;
	__u64 reserved[1];
	__u32 apic_ids[COHORT_SETUP_MAX_CPUS];
	__u16 cpu_nodes[COHORT_SETUP_MAX_CPUS];
	__u32 nr_mem_nodes;
	__u32 reserved2;
	struct cohort_setup_mem_node mem_nodes[COHORT_SETUP_MEM_NODES];
	__u32 nr_spare;
	__u32 reserved3;
	__u32 spare_apic_ids[COHORT_SETUP_MAX_CPUS];
	__u16 spare_nodes[COHORT_SETUP_MAX_CPUS];
	__u32 nr_mem_blocks;
	__u32 reserved4;
	struct cohort_setup_mem_node mem_blocks[COHORT_MEM_BLOCKS_MAX];
	__u32 nr_pool_nodes;
	__u32 reserved5;
	__u32 pool_nodes[COHORT_SETUP_POOL_NODES];
};

/* cohort_setup.flags */
#define COHORT_SETUP_F_X2APIC	(1U << 0)	/* the machine runs x2APIC */
#define COHORT_SETUP_F_TSC_RELIABLE (1U << 1)	/* primary trusts its TSC */
#define COHORT_SETUP_F_NUMA	(1U << 2)	/* cpu_nodes, mem_nodes filled */
#define COHORT_SETUP_F_SPARE	(1U << 3)	/* nr_spare, spare_* filled */
#define COHORT_SETUP_F_MEM_BLOCKS (1U << 4)	/* nr_mem_blocks, mem_blocks */
#define COHORT_SETUP_F_POOL_NODES (1U << 5)	/* nr_pool_nodes, pool_nodes */

#endif /* _UAPI_LINUX_COHORT_H */
