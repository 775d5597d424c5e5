/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Cohort messaging: shared between msg.c, member.c, service.c, msgsysfs.c
 * and msgtest.c.  Everything here is private memory.
 */
#ifndef _DRIVERS_COHORT_MSG_H
#define _DRIVERS_COHORT_MSG_H

#include <linux/cohort.h>
#include <linux/cohort_shm.h>
#include <linux/sched.h>
#include <linux/spinlock.h>

#include "cohort_ring.h"

/* What this kernel knows about one other kernel.  Private memory. */
struct cohort_peer {
	spinlock_t tx_lock;		/* serialises sends to it */
	struct cohort_ring_tx tx;
	u64 tx_epoch;			/* its epoch when tx attached; 0: not */
	u64 rx_epoch;			/* rx_lock: epoch its sequence is from */
	/* sending, under tx_lock */
	u64 sent;
	u64 bytes_sent;
	u64 doorbells;
	u64 doorbells_suppressed;
	u64 full;
	u64 tx_errors;
	/* receiving, under rx_lock */
	u64 bytes_received;
	u64 proto_errors;
	bool rx_quarantined;
	/* membership */
	u64 ctrl_errors;		/* inconsistent control entries */
	u64 quarantines;
	bool quarantined;
	u64 quarantine_epoch;		/* hb_lock: the incarnation ignored */
	bool was_member;
	bool failed;			/* primary: removed by failure */
	/* heartbeat, under hb_lock */
	bool hb_seen;
	u64 last_hb;
	unsigned long last_hb_change;
	unsigned long last_hb_check;
	unsigned long hb_stall;		/* jiffies seen unchanged, capped */
};

struct cohort_msg_state {
	u32 self;
	u64 epoch;			/* this kernel's, when joined */
	char name[COHORT_NAME_MAX];
	bool is_primary;
	bool joined;
	char status[160];
	unsigned int hb_ms;
	unsigned int hb_misses;
	spinlock_t rx_lock;		/* rx, polls, deliveries */
	spinlock_t hb_lock;		/* peers' heartbeat, quarantine epochs */
	spinlock_t self_lock;		/* this kernel's service bitmaps */
	struct cohort_ring_rx rx;
	bool quarantine_pending;
	bool rx_waiting;		/* a message waits for a buffer */
	bool busy_poll;
	struct task_struct *poller;
	u64 doorbells_received;
	u64 polls;
	u64 unhandled;
	u64 no_buffer;
	u64 rx_waits;			/* polls stopped for a handler's buffer */
	u64 rpc_late;
	u64 rpc_timeouts;
	struct cohort_peer peers[COHORT_MAX_KERNELS];
};

extern struct cohort_msg_state cm;

/* msg.c */
int cohort_msg_poll(unsigned int budget);
int cohort_msg_set_busy_poll(bool on);
void cohort_msg_bufs_top_up(unsigned int members);

/* member.c */
bool cohort_msg_read_entry(u32 id, struct cohort_kernel_view *v);
void cohort_msg_quarantine(u32 id, u64 epoch, const char *why);
void cohort_msg_unquarantine(u32 id);
void cohort_msg_hb_config(unsigned int *ms, unsigned int *misses);
int cohort_msg_set_hb(unsigned int ms, unsigned int misses);
void __init cohort_msg_member_init(void);
void __init cohort_msg_member_start(void);

/* msgsysfs.c */
int __init cohort_msg_sysfs_init(void);

/* msgtest.c: the test interface and the built-in test services */
#ifdef CONFIG_COHORT_TEST
void __init cohort_msgtest_register(void);
#else
static inline void cohort_msgtest_register(void) { }
#endif

#endif /* _DRIVERS_COHORT_MSG_H */
