/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Cohort: several Linux kernels side by side on one machine.
 *
 * The user-visible ABI of Cohort, shared by the kernel and the tools:
 * the /dev/cohort ioctls, the names used in /sys/kernel/cohort/, and the
 * setup_data record a primary hands to an instance it starts.
 * docs/abi.md describes every file and field.
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

/**
 * struct cohort_ioc_create - COHORT_IOC_CREATE: make an instance
 * @name: instance name, NUL-terminated
 * @cpus: bitmap of the primary's CPU numbers to give to the instance
 * @mem_size: bytes of pool memory, a multiple of COHORT_MEM_ALIGN
 * @mem_base: physical base inside the pool, or 0 to let the kernel place it
 * @flags: must be 0
 * @id: out: the instance's id (1..COHORT_MAX_KERNELS - 1; 0 is the primary)
 * @msg: out: why the request was refused
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
	__u64 reserved[4];
};

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

/**
 * struct cohort_ioc_instance - start, stop or delete an instance
 * @name: instance name
 * @flags: COHORT_STOP_FORCE for COHORT_IOC_STOP; otherwise 0
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
 * @base: create, out: where the region was placed; otherwise 0
 * @flags: must be 0
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

#define COHORT_IOC_MAGIC	0xC8
#define COHORT_IOC_CREATE	_IOWR(COHORT_IOC_MAGIC, 1, struct cohort_ioc_create)
#define COHORT_IOC_LOAD		_IOWR(COHORT_IOC_MAGIC, 2, struct cohort_ioc_load)
#define COHORT_IOC_START	_IOWR(COHORT_IOC_MAGIC, 3, struct cohort_ioc_instance)
#define COHORT_IOC_STOP		_IOWR(COHORT_IOC_MAGIC, 4, struct cohort_ioc_instance)
#define COHORT_IOC_DELETE	_IOWR(COHORT_IOC_MAGIC, 5, struct cohort_ioc_instance)
#define COHORT_IOC_REGION_CREATE _IOWR(COHORT_IOC_MAGIC, 6, struct cohort_ioc_region)
#define COHORT_IOC_REGION_DELETE _IOWR(COHORT_IOC_MAGIC, 7, struct cohort_ioc_region)

/* Most kernels in one Cohort, the primary included. */
#define COHORT_MAX_KERNELS	64

/*
 * The setup_data record a primary puts in an instance's boot_params.
 * Its presence is what makes a kernel boot as an instance.
 */
#define COHORT_SETUP_TYPE	0x636f6872	/* "cohr" */
#define COHORT_SETUP_MAGIC	0x43484f5254534554ULL
#define COHORT_SETUP_VERSION	1
#define COHORT_SETUP_MAX_CPUS	256

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
 * @reserved: 0
 * @apic_ids: APIC IDs of the instance's CPUs
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
	__u64 reserved[6];
	__u32 apic_ids[COHORT_SETUP_MAX_CPUS];
};

/* cohort_setup.flags */
#define COHORT_SETUP_F_X2APIC	(1U << 0)	/* the machine runs x2APIC */
#define COHORT_SETUP_F_TSC_RELIABLE (1U << 1)	/* primary trusts its TSC */

/*
 * The mailbox page: a primary and one instance talk through it before
 * messaging is up.  Each side writes only its own fields.
 */
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
 */
struct cohort_mailbox {
	__u64 magic;
	__u32 request;
	__u32 status;
	__u64 heartbeat;
	__u64 console_head;
	__u64 reserved[60];
};

/*
 * The control region: the first COHORT_CTRL_SIZE bytes of the pool,
 * shared by every kernel of the machine (docs/abi.md).  The primary
 * formats the header and zeroes the rest at boot; each kernel writes only
 * its own entry in the kernel table and formats only its own receive ring.
 * Nothing in it is trusted by a reader.
 *
 *	0			struct cohort_ctrl_hdr (one page)
 *	COHORT_CTRL_KERNELS_OFF	struct cohort_ctrl_kernel[COHORT_MAX_KERNELS]
 *	COHORT_CTRL_REGIONS_OFF	struct cohort_ctrl_region[COHORT_MAX_REGIONS]
 *	COHORT_CTRL_RINGS_OFF	COHORT_MAX_KERNELS receive rings, each
 *				COHORT_CTRL_RING_STRIDE bytes, ring i for id i
 */
#define COHORT_CTRL_MAGIC	0x4c5254435452484bULL	/* "KHRTCTRL" */
#define COHORT_CTRL_VERSION	1
#define COHORT_CTRL_KERNELS_OFF	0x1000
#define COHORT_CTRL_ENTRY_SIZE	256
#define COHORT_CTRL_REGIONS_OFF	0x8000
#define COHORT_MAX_REGIONS	64
#define COHORT_CTRL_RINGS_OFF	0x100000
#define COHORT_CTRL_RING_SLOTS	4096
/* 256 KiB of slots + the ring header, rounded up to a page. */
#define COHORT_CTRL_RING_STRIDE	0x41000
#define COHORT_CTRL_SIZE	(18ULL << 20)
/* Largest message a kernel's ring reassembles. */
#define COHORT_MSG_MAX_LEN	65536
/* Message types 1..COHORT_MSG_NTYPES - 1. */
#define COHORT_MSG_NTYPES	64
/* Services in the registry: 0..COHORT_MAX_SERVICES - 1. */
#define COHORT_MAX_SERVICES	64

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
 * @reserved0: 0
 * @may_run: bit N set while kernel N's CPUs may execute its code (from
 *	just before it is started until its CPUs are back in the primary, or
 *	it reported a panic or power-off).  A kernel whose bit is clear
 *	can no longer write anything, so its claims on shared data may be
 *	broken (cohortfs liveness, region users).  Written by the primary.
 * @pool_size: bytes of the pool, which starts with this region
 * @regions_off: offset of the region table, %COHORT_CTRL_REGIONS_OFF
 * @max_regions: entries in it, %COHORT_MAX_REGIONS
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
	__u32 reserved0;
	__u64 may_run;
	__u64 pool_size;
	__u32 regions_off;
	__u32 max_regions;
	__u32 reserved[14];
};

/*
 * cohort_ctrl_kernel.state, written by the kernel itself (or cleared to
 * FREE by the primary when the instance stops or fails).
 */
#define COHORT_KS_FREE		0	/* nobody */
#define COHORT_KS_JOINED	1	/* up: ring formatted, takes messages */
#define COHORT_KS_LEFT		2	/* shut down cleanly */

/* cohort_ctrl_kernel.flags */
#define COHORT_KF_DOORBELL	(1U << 0)	/* send doorbell IPIs to apic_id */

/**
 * struct cohort_ctrl_kernel - one kernel's entry in the kernel table
 * @id: the kernel's id, equal to the entry's index
 * @state: COHORT_KS_*
 * @apic_id: physical APIC ID that takes this kernel's doorbells
 * @flags: COHORT_KF_*
 * @epoch: non-zero, new each time the kernel joins; peers forget their
 *	sequence numbers and re-attach to its ring when it changes
 * @heartbeat: advanced every heartbeat period while the kernel runs
 * @services_offered: bitmap of services the kernel offers
 * @services_listening: bitmap of services whose notifications it wants
 * @name: the kernel's name ("primary" or the instance name)
 * @reserved: 0
 */
struct cohort_ctrl_kernel {
	__u32 id;
	__u32 state;
	__u32 apic_id;
	__u32 flags;
	__u64 epoch;
	__u64 heartbeat;
	__u64 services_offered;
	__u64 services_listening;
	char name[COHORT_NAME_MAX];
	__u64 reserved[22];
};

/**
 * struct cohort_ctrl_region - a named region of the pool, in the region
 *	table of the control region
 * @seq: written by the primary only: odd while it changes the entry,
 *	even otherwise; the entry is in use when @seq is even and @size is
 *	not 0.  Readers retry when it changes under them.
 * @base: physical address, a multiple of %COHORT_MEM_ALIGN
 * @size: bytes, a multiple of %COHORT_MEM_ALIGN
 * @users: bit N set while kernel N maps the region; each kernel sets and
 *	clears only its own bit (atomically), and checks @seq again after
 *	setting it, so a delete and a new user always see each other
 * @name: the region's name, NUL-terminated
 */
struct cohort_ctrl_region {
	__u64 seq;
	__u64 base;
	__u64 size;
	__u64 users;
	char name[COHORT_NAME_MAX];
};

/* Message types used by Cohort itself (the rest are free). */
#define COHORT_MSG_T_RPC_REQ	1	/* struct cohort_msg_rpc + request */
#define COHORT_MSG_T_RPC_RESP	2	/* struct cohort_msg_rpc + response */
#define COHORT_MSG_T_SINK	3	/* test: checksummed, counted */
#define COHORT_MSG_T_ECHO	4	/* test: a request answered with itself */
#define COHORT_MSG_T_BLACKHOLE	5	/* test: a request never answered */
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

#endif /* _UAPI_LINUX_COHORT_H */
