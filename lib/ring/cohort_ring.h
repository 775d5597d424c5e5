/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Cohort message ring: the API.
 *
 * The same source builds in the kernel (drivers/cohort/) and in userspace.
 * A receiver owns a struct cohort_ring_rx for its ring; a sender owns one
 * struct cohort_ring_tx per ring it sends into.  Both live in private
 * memory; only the ring itself is shared.  See docs/ring-protocol.md.
 */
#ifndef _COHORT_RING_H
#define _COHORT_RING_H

#include "ring_os.h"
#include "ring_layout.h"

/**
 * struct cohort_ring_stats - counters, per ring or per peer
 * @sent: messages published (sender side)
 * @received: messages delivered whole (receiver side)
 * @doorbells: sends after which the receiver wanted a doorbell
 * @doorbells_suppressed: sends that needed no doorbell
 * @errors: sender: publishes that failed; receiver: invalid slots
 * @drops: messages known lost (sequence gaps, quarantined senders, no
 *	receive buffer, sends cancelled by the receiver)
 * @full: sends refused with -EAGAIN
 * @skipped: slots the receiver skipped after the claim timeout
 * @stale: messages discarded because their sequence number had already
 *	been delivered or counted as dropped
 */
struct cohort_ring_stats {
	u64 sent;
	u64 received;
	u64 doorbells;
	u64 doorbells_suppressed;
	u64 errors;
	u64 drops;
	u64 full;
	u64 skipped;
	u64 stale;
};

/**
 * struct cohort_ring_msg - a message handed to the receiver's deliver hook
 * @sender: sender kernel id
 * @type: message type
 * @seq: the sender's sequence number of the message
 * @len: length of @data
 * @data: the message; valid only during the call, unless it is in a
 *	buffer the caller's @rx_buf hook gave
 * @cookie: NULL when @data is the ring's; else what @rx_buf returned with
 *	the buffer @data is in (which must then not be NULL): the deliver
 *	hook now owns that buffer
 */
struct cohort_ring_msg {
	u16 sender;
	u16 type;
	u32 seq;
	u32 len;
	const void *data;
	void *cookie;
};

/**
 * struct cohort_ring_rx_ops - the receiver's hooks
 * @deliver: called once per message, in order per sender
 * @error: optional; called for every invalid slot with the sender it claims
 *	to come from, or -1 when the slot cannot be attributed, and a negative
 *	errno saying what was wrong.  The caller may quarantine the sender.
 * @alloc: optional; returns a receive buffer of @size bytes (the ring's
 *	max_msg), or NULL.  Called from cohort_ring_poll() at the first
 *	message of more than one slot, again after a failure.  While it
 *	fails, the message waits in the ring (see @rx_buf); without the
 *	hook such messages are dropped.
 * @free: releases what @alloc returned
 * @rx_buf: optional; sets *@buf to a buffer of the caller's, of @len
 *	bytes, to receive the message about to be copied out of the ring
 *	straight into it (the one copy on this side), with a @cookie that
 *	comes back in the message; or to NULL to receive it into the ring's
 *	own buffer.  @sender, @type and @len are not checked yet (@len is at
 *	most max_msg).  Returns 0, or -EAGAIN when the caller has no buffer
 *	right now: the message stays in the ring, unread, the poll stops
 *	there and cohort_ring_rx_waiting() says so; the caller polls again
 *	once it has buffers (senders meanwhile find the ring full and wait).
 * @rx_buf_drop: required with @rx_buf: takes back an @rx_buf buffer whose
 *	message turned out invalid, stale or dropped
 */
struct cohort_ring_rx_ops {
	void (*deliver)(void *ctx, const struct cohort_ring_msg *msg);
	void (*error)(void *ctx, int sender, int err);
	void *(*alloc)(void *ctx, size_t size);
	void (*free)(void *ctx, void *ptr, size_t size);
	int (*rx_buf)(void *ctx, u16 sender, u16 type, u32 len, void **buf,
		      void **cookie);
	void (*rx_buf_drop)(void *ctx, void *cookie);
};

/**
 * struct cohort_ring_rx_config - how a receiver formats its ring
 * @max_msg: largest message in bytes; at most nslots slots and
 *	%COHORT_RING_MAX_FRAGS fragments
 * @max_senders: sender ids are below this, at most %COHORT_RING_MAX_SENDERS
 * @ntypes: message types are 1..@ntypes - 1; 0 accepts any non-zero type
 * @owner: the receiver's kernel id, written to the header
 * @claim_timeout: time, in the unit of the @now passed to
 *	cohort_ring_poll(), after which a claimed but unpublished slot is
 *	skipped; 0 never skips
 * @key: a random number, new for every format of the ring (see
 *	COHORT_RING_MARK())
 */
struct cohort_ring_rx_config {
	u32 max_msg;
	u32 max_senders;
	u32 ntypes;
	u32 owner;
	u64 claim_timeout;
	u64 key;
};

/* Receiver's private state about one sender. */
struct cohort_ring_peer {
	struct cohort_ring_stats stats;
	u32 next_seq;		/* next expected message sequence */
	bool synced;		/* next_seq is known */
	bool quarantined;
};

/* Receiver state.  Private memory; nothing here is shared. */
struct cohort_ring_rx {
	struct cohort_ring_hdr *hdr;
	struct cohort_ring_slot *slots;
	u32 nslots;
	u32 mask;
	u32 max_msg;
	u32 max_senders;
	u32 ntypes;
	u64 key;
	u64 head;		/* private consumer position */
	u64 claim_timeout;
	u8 *buf;		/* receive buffer, max_msg bytes */
	u64 stall_pos;		/* claimed, unpublished slot being timed */
	u64 stall_since;
	u64 stall_tail;		/* tail when the clock started */
	u64 skip_until;		/* timed out: skip unpublished slots below */
	u64 idle_pos;		/* the ring was seen empty at this head ... */
	u64 idle_since;		/* ... at this time */
	bool stall_active;
	bool skipping;
	bool idle_known;
	bool stalled;		/* last poll stopped at an unpublished claim */
	bool waiting;		/* last poll stopped: no receive buffer */
	const struct cohort_ring_rx_ops *ops;
	void *ctx;
	struct cohort_ring_stats stats;
	struct cohort_ring_peer peers[COHORT_RING_MAX_SENDERS];
};

/* Sender state for one destination ring.  Private memory. */
struct cohort_ring_tx {
	struct cohort_ring_hdr *hdr;
	struct cohort_ring_slot *slots;
	u32 nslots;
	u32 mask;
	u32 max_msg;
	u16 sender;
	u32 next_seq;
	u64 key;
	u64 head;		/* the receiver's head, as last read */
	struct cohort_ring_stats stats;
};

/**
 * struct cohort_ring_geom - what cohort_ring_check() found in a header
 * @nslots: number of slots
 * @max_msg: largest message the receiver takes
 * @max_senders: sender ids are below this
 * @owner: the receiver's kernel id
 * @key: the ring's key, see COHORT_RING_MARK()
 */
struct cohort_ring_geom {
	u32 nslots;
	u32 max_msg;
	u32 max_senders;
	u32 owner;
	u64 key;
};

u32 cohort_ring_msg_slots(u32 len);
u32 cohort_ring_msg_csum(const struct cohort_ring_slot *head,
			 const void *data, u64 pos);
int cohort_ring_check(const void *mem, size_t size,
		      struct cohort_ring_geom *geom);

int cohort_ring_rx_init(struct cohort_ring_rx *rx, void *mem, size_t size,
			const struct cohort_ring_rx_config *cfg,
			const struct cohort_ring_rx_ops *ops, void *ctx);
void cohort_ring_rx_fini(struct cohort_ring_rx *rx);
int cohort_ring_poll(struct cohort_ring_rx *rx, unsigned int budget, u64 now);
bool cohort_ring_rx_pending(struct cohort_ring_rx *rx);
bool cohort_ring_rx_stalled(const struct cohort_ring_rx *rx);
bool cohort_ring_rx_waiting(const struct cohort_ring_rx *rx);
bool cohort_ring_notify_enable(struct cohort_ring_rx *rx);
void cohort_ring_notify_disable(struct cohort_ring_rx *rx);
int cohort_ring_rx_quarantine(struct cohort_ring_rx *rx, unsigned int sender,
			      bool on);
int cohort_ring_rx_reset_peer(struct cohort_ring_rx *rx, unsigned int sender);
int cohort_ring_rx_stats(const struct cohort_ring_rx *rx, int sender,
			 struct cohort_ring_stats *st);

int cohort_ring_tx_attach(struct cohort_ring_tx *tx, void *mem, size_t size,
			  unsigned int sender);
int cohort_ring_send(struct cohort_ring_tx *tx, unsigned int type,
		     const void *buf, size_t len, bool *need_doorbell);
int cohort_ring_send2(struct cohort_ring_tx *tx, unsigned int type,
		      const void *a, size_t alen, const void *b, size_t blen,
		      bool *need_doorbell);
void cohort_ring_tx_stats(const struct cohort_ring_tx *tx,
			  struct cohort_ring_stats *st);

#ifdef COHORT_RING_TEST_HOOKS
/* Tests only: called by cohort_ring_send() before publishing a message. */
void cohort_ring_test_before_publish(struct cohort_ring_tx *tx, u64 pos);
#endif

#endif /* _COHORT_RING_H */
