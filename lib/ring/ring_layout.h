/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Cohort message ring: the layout in shared memory.
 *
 * One receive ring per kernel.  Any other kernel may send into it; only the
 * owner receives.  The memory is writable by every kernel of the machine,
 * so nothing in here is trusted by a reader: see docs/ring-protocol.md for
 * the protocol, the state machine of a slot and the validation rules.
 *
 * Everything is little-endian x86_64 memory shared by kernels of the same
 * build of this header; no pointers, offsets only.  Not an interface for
 * programs: kernel/shared.map copies it next to the kernel's ring code,
 * and only the ring code and its tests include it.
 */
#ifndef _COHORT_RING_LAYOUT_H
#define _COHORT_RING_LAYOUT_H

#include <linux/types.h>

#define COHORT_RING_MAGIC	0x52524843	/* "CHRR" in memory */
#define COHORT_RING_VERSION	2

/*
 * Geometry.  The ring is an array of 64-byte slots, one cache line each.
 * A message takes one head slot (a small header and the first 40 bytes)
 * and as many whole data slots as the rest needs: 64 bytes of payload
 * each, no per-slot header.
 */
#define COHORT_RING_CACHELINE	64
#define COHORT_RING_SLOT_SIZE	64
#define COHORT_RING_HDR_SIZE	256	/* slot 0 starts here */
#define COHORT_RING_HEAD_HDR	24	/* bytes of a head slot before data */
#define COHORT_RING_HEAD_DATA	(COHORT_RING_SLOT_SIZE - COHORT_RING_HEAD_HDR)
#define COHORT_RING_MIN_SLOTS	2
#define COHORT_RING_MAX_SLOTS	(1U << 20)
#define COHORT_RING_MAX_MSG	(1U << 24)	/* bytes, whatever the ring */
#define COHORT_RING_MAX_SENDERS	64	/* sender ids 0..63 */

/* Bytes of ring memory for a ring of @n slots. */
#define COHORT_RING_BYTES(n)	\
	(COHORT_RING_HDR_SIZE + (__u64)(n) * COHORT_RING_SLOT_SIZE)

/*
 * The state word of a message's head slot at position p: published when
 * it holds COHORT_RING_MARK(key, p), skipped by the receiver when it holds
 * COHORT_RING_SKIP(key, p), anything else means not published (yet).  The
 * ring's random key makes stale bytes (an earlier lap's data slot) that
 * happen to hold a position count as unpublished.
 */
#define COHORT_RING_MARK(key, p)	(((__u64)(p) + 1) ^ (__u64)(key))
#define COHORT_RING_SKIP(key, p)	(COHORT_RING_MARK(key, p) ^ (1ULL << 63))

/* Message type 0 is never valid; the rest is the callers' business. */
#define COHORT_RING_TYPE_INVALID	0

/* cohort_ring_hdr.notify: the receiver wants a doorbell. */
#define COHORT_RING_NOTIFY_OFF	0
#define COHORT_RING_NOTIFY_ON	1

/**
 * struct cohort_ring_hdr - ring header, the first 256 bytes of the ring
 * @magic: %COHORT_RING_MAGIC, written last by the receiver at init
 * @version: %COHORT_RING_VERSION; a reader refuses any other value
 * @hdr_size: offset of slot 0 from the start of the ring
 * @slot_size: size of one slot, %COHORT_RING_SLOT_SIZE
 * @nslots: number of slots, a power of two
 * @max_msg: largest message in bytes the receiver takes
 * @max_senders: sender ids are below this
 * @owner: kernel id of the receiver
 * @ring_size: bytes of the whole ring, header included
 * @flags: none defined, 0
 * @reserved0: 0
 * @key: random, chosen by the receiver at init; see COHORT_RING_MARK()
 * @reserved1: 0
 * @notify: %COHORT_RING_NOTIFY_ON while the receiver wants doorbells
 * @reserved2: 0
 * @tail: next position to claim; senders move it with compare-and-swap
 * @reserved3: 0
 * @head: position the receiver has consumed up to: slots below it are
 *	free for the next lap
 * @reserved4: 0
 *
 * Each group sits in its own cache line: line 0 is written once, line 1
 * (notify) rarely, by the receiver, line 2 by senders, line 3 by the
 * receiver.  CPUs fetch lines in 128-byte pairs, so the lines every send
 * reads (0 and 1) pair with each other, and head, written at every poll,
 * pairs with tail, which the receiver and senders read of each other's
 * only now and then.
 */
struct cohort_ring_hdr {
	__u32 magic;
	__u32 version;
	__u32 hdr_size;
	__u32 slot_size;
	__u32 nslots;
	__u32 max_msg;
	__u32 max_senders;
	__u32 owner;
	__u64 ring_size;
	__u32 flags;
	__u32 reserved0;
	__u64 key;
	__u64 reserved1;

	__u32 notify;
	__u32 reserved2[15];

	__u64 tail;
	__u64 reserved3[7];

	__u64 head;
	__u64 reserved4[7];
};

/**
 * struct cohort_ring_slot - the head slot of a message
 * @seq: state word, see COHORT_RING_MARK(); written last
 * @csum: checksum of the message: position, @sender, @type, @msg_seq,
 *	@len and its @len bytes (see cohort_ring_msg_csum())
 * @sender: sender kernel id
 * @type: message type, never %COHORT_RING_TYPE_INVALID
 * @msg_seq: per-sender message sequence number, +1 per message
 * @len: length of the message in bytes
 * @data: its first bytes; the rest follows in the next slots
 */
struct cohort_ring_slot {
	__u64 seq;
	__u32 csum;
	__u16 sender;
	__u16 type;
	__u32 msg_seq;
	__u32 len;
	__u8 data[COHORT_RING_HEAD_DATA];
};

_Static_assert(sizeof(struct cohort_ring_hdr) == COHORT_RING_HDR_SIZE,
	       "cohort_ring_hdr size");
_Static_assert(__builtin_offsetof(struct cohort_ring_hdr, key) == 48,
	       "cohort_ring_hdr.key in line 0");
_Static_assert(__builtin_offsetof(struct cohort_ring_hdr, notify) == 64,
	       "cohort_ring_hdr.notify in line 1");
_Static_assert(__builtin_offsetof(struct cohort_ring_hdr, tail) == 128,
	       "cohort_ring_hdr.tail in line 2");
_Static_assert(__builtin_offsetof(struct cohort_ring_hdr, head) == 192,
	       "cohort_ring_hdr.head in line 3");
_Static_assert(sizeof(struct cohort_ring_slot) == COHORT_RING_SLOT_SIZE,
	       "cohort_ring_slot size");
_Static_assert(__builtin_offsetof(struct cohort_ring_slot, data) ==
	       COHORT_RING_HEAD_HDR, "cohort_ring_slot header size");

#endif /* _COHORT_RING_LAYOUT_H */
