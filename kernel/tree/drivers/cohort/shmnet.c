// SPDX-License-Identifier: GPL-2.0
/*
 * Cohort: the memory of a network link (struct cohort_net_hdr and its
 * rings, include/linux/cohort_shm.h).  This file is the only code that
 * reads or writes it; drivers/cohort/net.c gets checked private copies.
 *
 * Each ring has one producer and one consumer.  Each side keeps its own
 * position privately and only publishes it; what the other side
 * publishes is read once, checked against the private position, and
 * never trusted twice: a record header is copied before it is looked
 * at, and a frame is handed out only if it lies wholly between the
 * consumer's tail and the head it validated.  A peer that breaks the
 * rules makes the ring "broken" for the reader, which then stops using
 * it; it cannot make the reader touch memory outside the ring or read a
 * length it did not check.
 */
#include <linux/align.h>
#include <linux/atomic.h>
#include <linux/cohort_shm.h>
#include <linux/etherdevice.h>
#include <linux/if_ether.h>
#include <linux/string.h>

#include "net.h"

static_assert(sizeof(struct cohort_net_hdr) <= PAGE_SIZE);
static_assert(sizeof(struct cohort_net_idx) == 256);
static_assert(sizeof(struct cohort_net_rec) <= COHORT_NET_REC_ALIGN);
static_assert(sizeof(struct cohort_net_rec) == 32);
static_assert(!(COHORT_NET_RING_BYTES % COHORT_NET_REC_ALIGN));

#define REC_HDR		sizeof(struct cohort_net_rec)
#define REC_MAX		ALIGN(REC_HDR + COHORT_NET_FRAME_MAX, COHORT_NET_REC_ALIGN)

/**
 * cohort_net_format() - the primary (re)writes a link's header and rings
 * @base: the link's memory
 * @queues: queue pairs
 * @mac_primary: the primary end's address
 * @mac_instance: the instance end's address
 *
 * Called when the link is made and before the instance starts, while
 * its CPUs are in the primary: nobody else writes the memory meanwhile.
 */
void cohort_net_format(void *base, u32 queues, const u8 *mac_primary,
		       const u8 *mac_instance)
{
	struct cohort_net_hdr *h = base;
	u32 q, d;

	WRITE_ONCE(h->magic, 0);
	/* An instance that looks now sees no magic before the rewrite. */
	smp_wmb();
	for (q = 0; q < queues; q++)
		for (d = 0; d < 2; d++)
			memset(base + COHORT_NET_RING(q, d), 0,
			       sizeof(struct cohort_net_idx));
	h->version = COHORT_NET_VERSION;
	h->queues = queues;
	ether_addr_copy(h->mac_primary, mac_primary);
	ether_addr_copy(h->mac_instance, mac_instance);
	h->reserved0 = 0;
	h->attached = 0;
	memset(h->reserved, 0, sizeof(h->reserved));
	/* Everything above is visible before the magic says it is ready. */
	smp_store_release(&h->magic, COHORT_NET_MAGIC);
}

/**
 * cohort_net_attached() - the primary reads what the instance says
 * @base: the link's memory
 *
 * Return: the epoch the instance wrote when its end became ready; only
 * ever compared with the epoch in the control region.
 */
u64 cohort_net_attached(const void *base)
{
	return READ_ONCE(((const struct cohort_net_hdr *)base)->attached);
}

/**
 * cohort_net_read_hdr() - the instance checks a link's header
 * @base: the link's memory
 * @size: bytes mapped
 * @info: out: a private copy of what it says
 *
 * Return: NULL, or why the link cannot be used.
 */
const char *cohort_net_read_hdr(const void *base, u64 size,
				struct cohort_net_info *info)
{
	const struct cohort_net_hdr *h = base;
	struct cohort_net_hdr c;

	/* Pairs with the release in cohort_net_format(). */
	if (smp_load_acquire(&h->magic) != COHORT_NET_MAGIC)
		return "is not formatted";
	memcpy(&c, h, sizeof(c));
	if (c.version != COHORT_NET_VERSION)
		return "has a format version this kernel does not know";
	if (!c.queues || c.queues > COHORT_NET_MAX_QUEUES)
		return "has a bad number of queues";
	if (COHORT_NET_SIZE(c.queues) > size)
		return "is smaller than its rings";
	if (!is_valid_ether_addr(c.mac_instance))
		return "names a bad MAC address";
	info->queues = c.queues;
	ether_addr_copy(info->mac_primary, c.mac_primary);
	ether_addr_copy(info->mac_instance, c.mac_instance);
	return NULL;
}

/**
 * cohort_net_set_attached() - the instance says its end is ready
 * @base: the link's memory
 * @epoch: its epoch
 */
void cohort_net_set_attached(void *base, u64 epoch)
{
	/* The rings are set up before the primary may use them. */
	smp_store_release(&((struct cohort_net_hdr *)base)->attached, epoch);
}

/**
 * cohort_netq_init() - one side's private view of one ring
 * @q: the view
 * @base: the link's memory
 * @queue: queue pair
 * @dir: 0 towards the instance, 1 towards the primary
 *
 * Positions start at 0: the ring was just formatted.
 */
void cohort_netq_init(struct cohort_netq *q, void *base, u32 queue, u32 dir)
{
	void *ring = base + COHORT_NET_RING(queue, dir);

	q->idx = ring;
	q->data = ring + PAGE_SIZE;
	q->pos = 0;
	q->peer = 0;
	q->released = 0;
	q->broken = false;
}

/* ---- producer ---- */

/* Room left, from the consumer's tail read now; U32_MAX if it lies. */
static u32 prod_room(struct cohort_netq *q)
{
	/* Pairs with the release in cohort_netq_release(). */
	u64 tail = smp_load_acquire(&q->idx->tail);

	if (q->pos - tail > COHORT_NET_RING_BYTES ||
	    !IS_ALIGNED(tail, COHORT_NET_REC_ALIGN)) {
		q->broken = true;
		return 0;
	}
	q->peer = tail;
	return COHORT_NET_RING_BYTES - (q->pos - tail);
}

/**
 * cohort_netq_reserve() - the producer asks for room for one frame
 * @q: its view of the ring
 * @len: bytes of the frame, at most %COHORT_NET_FRAME_MAX
 *
 * Return: where to copy the frame, or NULL when the ring is full (or
 * broken: see @q->broken).
 */
void *cohort_netq_reserve(struct cohort_netq *q, u32 len)
{
	u32 off = q->pos % COHORT_NET_RING_BYTES;
	u32 need = ALIGN(REC_HDR + len, COHORT_NET_REC_ALIGN);
	u32 lap = COHORT_NET_RING_BYTES - off;
	u32 room;

	if (q->broken || len > COHORT_NET_FRAME_MAX)
		return NULL;
	if (need > lap)
		need += lap;		/* a pad record to the end of the lap */
	room = COHORT_NET_RING_BYTES - (q->pos - q->peer);
	if (room < need) {
		room = prod_room(q);
		if (room < need)
			return NULL;
	}
	if (need > ALIGN(REC_HDR + len, COHORT_NET_REC_ALIGN)) {
		struct cohort_net_rec *pad = q->data + off;

		memset(pad, 0, REC_HDR);
		pad->flags = COHORT_NET_REC_PAD;
		q->pos += lap;
		off = 0;
	}
	return q->data + off + REC_HDR;
}

/**
 * cohort_netq_commit() - the producer finishes the frame it reserved
 * @q: its view of the ring
 * @len: bytes copied
 * @flags: COHORT_NET_REC_CSUM_OK or 0
 * @vnet: the frame's offloads, little endian
 *
 * The frame is not visible to the consumer before cohort_netq_publish().
 */
void cohort_netq_commit(struct cohort_netq *q, u32 len, u32 flags,
			const struct virtio_net_hdr *vnet)
{
	struct cohort_net_rec *r = q->data + q->pos % COHORT_NET_RING_BYTES;

	static_assert(sizeof(*vnet) == sizeof(r->vnet));
	r->len = len;
	r->flags = flags;
	memcpy(r->vnet, vnet, sizeof(r->vnet));
	memset(r->reserved, 0, sizeof(r->reserved));
	q->pos += ALIGN(REC_HDR + len, COHORT_NET_REC_ALIGN);
}

/**
 * cohort_netq_publish() - the producer makes its frames visible
 * @q: its view of the ring
 *
 * Return: true when the consumer asked to be woken (send it a
 * %COHORT_NET_KICK_RX).
 */
bool cohort_netq_publish(struct cohort_netq *q)
{
	if (READ_ONCE(q->idx->head) == q->pos)
		return false;
	/* The records are written before the head that covers them. */
	smp_store_release(&q->idx->head, q->pos);
	/* The head is visible before we look whether the consumer sleeps. */
	smp_mb();
	return READ_ONCE(q->idx->kick) && xchg(&q->idx->kick, 0);
}

/**
 * cohort_netq_room() - could the producer queue a frame of any size?
 * @q: its view of the ring
 *
 * Return: true when a largest frame fits.
 */
bool cohort_netq_room(struct cohort_netq *q)
{
	return !q->broken && prod_room(q) >= 2 * REC_MAX;
}

/**
 * cohort_netq_want_space() - the producer is full and will sleep
 * @q: its view of the ring
 *
 * Asks the consumer for a %COHORT_NET_KICK_SPACE, then looks again.
 *
 * Return: true when there is room now after all (do not sleep).
 */
bool cohort_netq_want_space(struct cohort_netq *q)
{
	WRITE_ONCE(q->idx->space, 1);
	/* The request is visible before we read the tail again. */
	smp_mb();
	return cohort_netq_room(q);
}

/* ---- consumer ---- */

/**
 * cohort_netq_next() - the consumer looks at the next frame
 * @q: its view of the ring
 * @pkt: out: a private copy of the record header and where the frame is
 *
 * The frame lies wholly between the consumer's tail and a head it
 * checked, so it may be copied out; the producer may still scribble on
 * it meanwhile, which can only garble that one frame.
 *
 * Return: 0, -ENODATA when the ring is empty, -EPROTO when the producer
 * broke the rules (@q->broken is then set and stays set).
 */
int cohort_netq_next(struct cohort_netq *q, struct cohort_net_pkt *pkt)
{
	struct cohort_net_rec r;
	u32 off, lap, need;
	u64 avail;

	if (q->broken)
		return -EPROTO;
	for (;;) {
		if (q->peer == q->pos) {
			/* Pairs with the release in cohort_netq_publish(). */
			u64 head = smp_load_acquire(&q->idx->head);

			if (head - q->pos > COHORT_NET_RING_BYTES ||
			    !IS_ALIGNED(head, COHORT_NET_REC_ALIGN))
				goto broken;
			q->peer = head;
			if (head == q->pos)
				return -ENODATA;
		}
		avail = q->peer - q->pos;
		off = q->pos % COHORT_NET_RING_BYTES;
		lap = COHORT_NET_RING_BYTES - off;
		memcpy(&r, q->data + off, sizeof(r));
		if (r.flags & COHORT_NET_REC_PAD) {
			if (avail < lap)
				goto broken;
			q->pos += lap;
			continue;
		}
		if (r.len > COHORT_NET_FRAME_MAX || r.len < ETH_HLEN ||
		    (r.flags & ~COHORT_NET_REC_CSUM_OK))
			goto broken;
		need = ALIGN(REC_HDR + r.len, COHORT_NET_REC_ALIGN);
		if (need > lap || need > avail)
			goto broken;
		pkt->len = r.len;
		pkt->csum_ok = r.flags & COHORT_NET_REC_CSUM_OK;
		memcpy(&pkt->vnet, r.vnet, sizeof(pkt->vnet));
		pkt->data = q->data + off + REC_HDR;
		pkt->next = q->pos + need;
		return 0;
	}
broken:
	q->broken = true;
	return -EPROTO;
}

/**
 * cohort_netq_consume() - the consumer is done with the frame
 * @q: its view of the ring
 * @pkt: what cohort_netq_next() returned
 */
void cohort_netq_consume(struct cohort_netq *q, const struct cohort_net_pkt *pkt)
{
	q->pos = pkt->next;
}

/**
 * cohort_netq_release() - the consumer gives consumed room back
 * @q: its view of the ring
 *
 * Return: true when the producer asked to be told (send it a
 * %COHORT_NET_KICK_SPACE).
 */
bool cohort_netq_release(struct cohort_netq *q)
{
	if (q->released == q->pos)
		return false;
	q->released = q->pos;
	/* Done reading the frames before the producer may overwrite them. */
	smp_store_release(&q->idx->tail, q->pos);
	/* The tail is visible before we look whether the producer sleeps. */
	smp_mb();
	return READ_ONCE(q->idx->space) && xchg(&q->idx->space, 0);
}

/**
 * cohort_netq_want_kick() - the consumer is empty and will sleep
 * @q: its view of the ring
 *
 * Return: true when frames arrived after all (keep polling).
 */
bool cohort_netq_want_kick(struct cohort_netq *q)
{
	WRITE_ONCE(q->idx->kick, 1);
	/* The request is visible before we read the head again. */
	smp_mb();
	return cohort_netq_pending(q);
}

/**
 * cohort_netq_pending() - are there frames the consumer has not taken?
 * @q: its view of the ring
 *
 * Return: true if so; false once the ring is broken.
 */
bool cohort_netq_pending(struct cohort_netq *q)
{
	return !q->broken && (q->peer != q->pos ||
			      READ_ONCE(q->idx->head) != q->pos);
}

#ifdef CONFIG_COHORT_TEST
/**
 * cohort_netq_test_forge() - break the rules as a hostile peer would
 * @tx: this kernel's view of a ring it produces
 * @rx: its view of the ring of the same queue it consumes
 * @kind: "head" (a head far beyond the ring), "len" (a record claiming
 *	4 GiB), "gso" (a frame with offloads no kernel accepts), "tail" (a
 *	consumed count far beyond what was produced)
 *
 * For the tests of the other kernel; the caller keeps this kernel's own
 * transmit and receive paths away meanwhile.
 *
 * Return: 0, -ENOSPC (the ring is full), -EINVAL (unknown @kind).
 */
int cohort_netq_test_forge(struct cohort_netq *tx, struct cohort_netq *rx,
			   const char *kind)
{
	struct virtio_net_hdr vnet = { };
	struct cohort_net_rec *r;
	u64 at;
	void *p;

	if (!strcmp(kind, "head")) {
		WRITE_ONCE(tx->idx->head, tx->pos + 3 * COHORT_NET_RING_BYTES);
		return 0;
	}
	if (!strcmp(kind, "tail")) {
		WRITE_ONCE(rx->idx->tail, rx->pos + 5 * COHORT_NET_RING_BYTES);
		return 0;
	}
	if (strcmp(kind, "len") && strcmp(kind, "gso"))
		return -EINVAL;
	p = cohort_netq_reserve(tx, ETH_ZLEN);
	if (!p)
		return -ENOSPC;
	memset(p, 0xff, ETH_ALEN);		/* broadcast */
	memset(p + ETH_ALEN, 0, ETH_ZLEN - ETH_ALEN);
	if (!strcmp(kind, "gso")) {
		vnet.gso_type = 0x55;
		vnet.gso_size = cpu_to_le16(1);
	}
	at = tx->pos;
	cohort_netq_commit(tx, ETH_ZLEN, 0, &vnet);
	if (!strcmp(kind, "len")) {
		r = tx->data + at % COHORT_NET_RING_BYTES;
		WRITE_ONCE(r->len, 0xfffff000);
	}
	/* The record is written before the head that covers it. */
	smp_store_release(&tx->idx->head, tx->pos);
	return 0;
}
#endif
