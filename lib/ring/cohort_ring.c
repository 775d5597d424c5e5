// SPDX-License-Identifier: GPL-2.0
/*
 * Cohort message ring: many senders, one receiver, in memory that every
 * kernel of the machine can write.
 *
 * Built unmodified in the kernel and in userspace (see ring_os.h).  The
 * protocol is described in docs/ring-protocol.md; the comments here say
 * why each step is safe.
 *
 * Positions are 64-bit counters that never wrap in practice; position p
 * lives in slot p & (nslots - 1).  The state word of a slot, for the
 * position p it currently serves:
 *
 *	seq == p		free for p, or claimed (tail > p) and being
 *				written by the sender that claimed p
 *	seq == p + 1		published: the slot holds position p
 *	seq == p + nslots	released by the receiver, free for p + nslots
 *
 * Any other value the receiver meets is garbage written by a broken or
 * hostile peer.
 */
#include "cohort_ring.h"

/* Bounds on every loop that reads shared memory. */
#define RING_SEND_TRIES		64
#define RING_POLL_RETRIES	4

#define RING_MIX1	0x9e3779b97f4a7c15ULL
#define RING_MIX2	0xff51afd7ed558ccdULL
#define RING_MIX3	0xc4ceb9fe1a85ec53ULL

static inline struct cohort_ring_slot *
ring_slot(struct cohort_ring_slot *slots, u32 mask, u64 pos)
{
	return &slots[pos & mask];
}

/*
 * Checksum of a private copy of a slot whose csum field is 0: bytes 8..63
 * and the position, so that a stale slot from an earlier lap, or one
 * written for another position, does not verify.  Not cryptographic: a
 * hostile peer can forge a valid slot; it catches torn, late and random
 * writes.
 */
static u32 ring_csum(const struct cohort_ring_slot *s, u64 pos)
{
	const u8 *p = (const u8 *)s;
	u64 h = (pos + 1) * RING_MIX1;
	u64 w;
	unsigned int i;

	for (i = 8; i < COHORT_RING_SLOT_SIZE; i += 8) {
		memcpy(&w, p + i, sizeof(w));
		h ^= w;
		h *= RING_MIX2;
		h ^= h >> 31;
	}
	h *= RING_MIX3;
	h ^= h >> 33;
	return (u32)h ^ (u32)(h >> 32);
}

/**
 * cohort_ring_nfrags() - number of slots a message takes
 * @len: message length in bytes
 *
 * Return: the number of fragments, 1 for an empty message.
 */
u32 cohort_ring_nfrags(u32 len)
{
	if (!len)
		return 1;
	return (len - 1) / COHORT_RING_SLOT_DATA + 1;
}

/**
 * cohort_ring_slot_csum() - checksum a slot as the protocol defines it
 * @slot: the slot; its csum field is ignored
 * @pos: the position the slot is meant to hold
 *
 * Return: the value the csum field of a valid slot holds.
 */
u32 cohort_ring_slot_csum(const struct cohort_ring_slot *slot, u64 pos)
{
	struct cohort_ring_slot tmp;

	memcpy(&tmp, slot, sizeof(tmp));
	tmp.csum = 0;
	return ring_csum(&tmp, pos);
}

static bool ring_geom_ok(u32 nslots, u32 max_msg, u32 max_senders)
{
	if (nslots < COHORT_RING_MIN_SLOTS || nslots > COHORT_RING_MAX_SLOTS ||
	    (nslots & (nslots - 1)))
		return false;
	if (cohort_ring_nfrags(max_msg) > nslots ||
	    cohort_ring_nfrags(max_msg) > COHORT_RING_MAX_FRAGS)
		return false;
	return max_senders >= 1 && max_senders <= COHORT_RING_MAX_SENDERS;
}

/**
 * cohort_ring_check() - validate a ring header
 * @mem: start of the ring, 64-byte aligned
 * @size: bytes mapped at @mem
 * @geom: filled with the ring's geometry on success
 *
 * Every field is read once and checked against the limits of this version
 * and against @size, so the values returned can be used without further
 * checks even if the header changes afterwards.
 *
 * Return: 0; -ENODEV if there is no ring (bad magic); -EPROTONOSUPPORT if
 * the ring has a layout version this code does not know; -EINVAL if the
 * geometry is inconsistent or @mem misaligned; -ERANGE if the ring does
 * not fit in @size.
 */
int cohort_ring_check(const void *mem, size_t size,
		      struct cohort_ring_geom *geom)
{
	const struct cohort_ring_hdr *hdr = mem;
	u32 nslots, max_msg, max_senders;
	u64 ring_size;

	if (!mem || ((unsigned long)mem & (COHORT_RING_CACHELINE - 1)))
		return -EINVAL;
	if (size < COHORT_RING_HDR_SIZE)
		return -ERANGE;
	/* Pairs with the release in cohort_ring_rx_init(). */
	if (smp_load_acquire(&hdr->magic) != COHORT_RING_MAGIC)
		return -ENODEV;
	if (READ_ONCE(hdr->version) != COHORT_RING_VERSION)
		return -EPROTONOSUPPORT;
	if (READ_ONCE(hdr->hdr_size) != COHORT_RING_HDR_SIZE ||
	    READ_ONCE(hdr->slot_size) != COHORT_RING_SLOT_SIZE)
		return -EINVAL;
	nslots = READ_ONCE(hdr->nslots);
	max_msg = READ_ONCE(hdr->max_msg);
	max_senders = READ_ONCE(hdr->max_senders);
	ring_size = READ_ONCE(hdr->ring_size);
	if (!ring_geom_ok(nslots, max_msg, max_senders))
		return -EINVAL;
	if (ring_size != COHORT_RING_BYTES(nslots))
		return -EINVAL;
	if (ring_size > size)
		return -ERANGE;
	geom->nslots = nslots;
	geom->max_msg = max_msg;
	geom->max_senders = max_senders;
	geom->owner = READ_ONCE(hdr->owner);
	return 0;
}

/**
 * cohort_ring_rx_init() - format a ring and set up its receiver
 * @rx: receiver state, private memory
 * @mem: the ring memory, 64-byte aligned
 * @size: bytes at @mem; the ring takes the largest power of two of slots
 *	that fits
 * @cfg: limits of the ring
 * @ops: hooks; @ops->deliver is required
 * @ctx: passed to the hooks
 *
 * Senders must not be attached while the ring is formatted.  The magic is
 * written last, with release ordering, so a sender that sees it sees a
 * complete ring.  Notifications start enabled.
 *
 * Return: 0 or -EINVAL.
 */
int cohort_ring_rx_init(struct cohort_ring_rx *rx, void *mem, size_t size,
			const struct cohort_ring_rx_config *cfg,
			const struct cohort_ring_rx_ops *ops, void *ctx)
{
	struct cohort_ring_hdr *hdr = mem;
	u32 nslots, i;

	memset(rx, 0, sizeof(*rx));
	if (!mem || ((unsigned long)mem & (COHORT_RING_CACHELINE - 1)) ||
	    !cfg || !ops || !ops->deliver || !!ops->alloc != !!ops->free)
		return -EINVAL;
	if (size < COHORT_RING_BYTES(COHORT_RING_MIN_SLOTS))
		return -EINVAL;
	nslots = COHORT_RING_MAX_SLOTS;
	while (COHORT_RING_BYTES(nslots) > size)
		nslots >>= 1;
	if (!ring_geom_ok(nslots, cfg->max_msg, cfg->max_senders) ||
	    cfg->ntypes > 0x10000)
		return -EINVAL;

	WRITE_ONCE(hdr->magic, 0);
	/* Attachers stop seeing a ring before any field changes. */
	smp_mb();
	memset((u8 *)hdr + sizeof(hdr->magic), 0,
	       COHORT_RING_HDR_SIZE - sizeof(hdr->magic));
	hdr->version = COHORT_RING_VERSION;
	hdr->hdr_size = COHORT_RING_HDR_SIZE;
	hdr->slot_size = COHORT_RING_SLOT_SIZE;
	hdr->nslots = nslots;
	hdr->max_msg = cfg->max_msg;
	hdr->max_senders = cfg->max_senders;
	hdr->owner = cfg->owner;
	hdr->ring_size = COHORT_RING_BYTES(nslots);
	hdr->notify = COHORT_RING_NOTIFY_ON;

	rx->hdr = hdr;
	rx->slots = (struct cohort_ring_slot *)((u8 *)mem +
						 COHORT_RING_HDR_SIZE);
	for (i = 0; i < nslots; i++) {
		memset(&rx->slots[i], 0, sizeof(rx->slots[i]));
		rx->slots[i].seq = i;	/* free for position i */
	}
	rx->nslots = nslots;
	rx->mask = nslots - 1;
	rx->max_msg = cfg->max_msg;
	rx->max_senders = cfg->max_senders;
	rx->ntypes = cfg->ntypes;
	rx->claim_timeout = cfg->claim_timeout;
	rx->ops = ops;
	rx->ctx = ctx;
	for (i = 0; i < COHORT_RING_MAX_SENDERS; i++)
		rx->peers[i].synced = true;	/* first message is seq 0 */

	/* Pairs with the acquire in cohort_ring_check(): magic goes last. */
	smp_store_release(&hdr->magic, COHORT_RING_MAGIC);
	return 0;
}

static void rx_free_buf(struct cohort_ring_rx *rx, struct cohort_ring_peer *peer)
{
	if (peer->buf && rx->ops->free)
		rx->ops->free(rx->ctx, peer->buf, rx->max_msg);
	peer->buf = NULL;
}

/**
 * cohort_ring_rx_fini() - release the receiver's reassembly buffers
 * @rx: receiver state
 *
 * The ring memory itself belongs to the caller.
 */
void cohort_ring_rx_fini(struct cohort_ring_rx *rx)
{
	unsigned int i;

	if (!rx->ops)
		return;
	for (i = 0; i < COHORT_RING_MAX_SENDERS; i++)
		rx_free_buf(rx, &rx->peers[i]);
}

/* An invalid slot: count it, and tell the caller whom it claims to be from. */
static void rx_error(struct cohort_ring_rx *rx, int sender, int err)
{
	rx->stats.errors++;
	if (sender >= 0)
		rx->peers[sender].stats.errors++;
	if (rx->ops->error)
		rx->ops->error(rx->ctx, sender, err);
}

static void rx_drop(struct cohort_ring_rx *rx, struct cohort_ring_peer *peer,
		    u64 n)
{
	rx->stats.drops += n;
	peer->stats.drops += n;
}

static void rx_deliver(struct cohort_ring_rx *rx, struct cohort_ring_peer *peer,
		       const struct cohort_ring_slot *s, const void *data)
{
	struct cohort_ring_msg msg = {
		.sender = s->sender,
		.type = s->type,
		.seq = s->msg_seq,
		.len = s->len,
		.data = data,
	};

	rx->stats.received++;
	peer->stats.received++;
	rx->ops->deliver(rx->ctx, &msg);
}

/* Discard what is left of message @s->msg_seq of this sender. */
static void rx_skip_msg(struct cohort_ring_peer *peer,
			const struct cohort_ring_slot *s)
{
	peer->in_msg = false;
	peer->skipping = true;
	peer->cur_seq = s->msg_seq;
	peer->cur_type = s->type;
	peer->cur_len = s->len;
}

/*
 * A fragment of the message this sender is in the middle of.  Honest loss
 * (a fragment destroyed, or skipped after a timeout) only ever makes
 * fragments go missing, so a jump forward is a drop; going backwards, or a
 * change of type or length inside one message, is a protocol violation.
 */
static void rx_cont(struct cohort_ring_rx *rx, struct cohort_ring_peer *peer,
		    const struct cohort_ring_slot *s)
{
	u32 off, chunk;

	if (s->type != peer->cur_type || s->len != peer->cur_len) {
		rx_error(rx, s->sender, -EPROTO);
		return;
	}
	if (peer->skipping)
		return;
	if (s->frag < peer->next_frag) {
		rx_error(rx, s->sender, -EPROTO);
		return;
	}
	if (s->frag > peer->next_frag) {
		rx_drop(rx, peer, 1);
		rx_skip_msg(peer, s);
		return;
	}
	/* frag < nfrags and len <= max_msg were checked: fits in buf. */
	off = (u32)s->frag * COHORT_RING_SLOT_DATA;
	chunk = s->len - off;
	if (chunk > COHORT_RING_SLOT_DATA)
		chunk = COHORT_RING_SLOT_DATA;
	memcpy(peer->buf + off, s->data, chunk);
	peer->next_frag++;
	if (peer->next_frag == peer->cur_nfrags) {
		peer->in_msg = false;
		rx_deliver(rx, peer, s, peer->buf);
	}
}

/* Validate one slot (a private snapshot) and feed it to its sender. */
static void rx_slot(struct cohort_ring_rx *rx, struct cohort_ring_slot *s,
		    u64 pos)
{
	struct cohort_ring_peer *peer;
	u32 csum = s->csum;
	s32 gap = 0;

	s->csum = 0;
	if (ring_csum(s, pos) != csum) {
		/* Torn, late or garbage: nothing in it can be believed. */
		rx_error(rx, -1, -EBADMSG);
		return;
	}
	if (s->sender >= rx->max_senders) {
		rx_error(rx, -1, -ENXIO);
		return;
	}
	peer = &rx->peers[s->sender];
	if (peer->quarantined) {
		if (s->frag == 0)
			rx_drop(rx, peer, 1);
		return;
	}
	if (s->type == COHORT_RING_TYPE_INVALID ||
	    (rx->ntypes && s->type >= rx->ntypes) || s->len > rx->max_msg ||
	    s->nfrags != cohort_ring_nfrags(s->len) || s->frag >= s->nfrags) {
		rx_error(rx, s->sender, -EPROTO);
		return;
	}

	if ((peer->in_msg || peer->skipping) && s->msg_seq == peer->cur_seq) {
		rx_cont(rx, peer, s);
		return;
	}

	if (peer->synced) {
		gap = (s32)(s->msg_seq - peer->next_seq);
		if (gap < 0) {
			/*
			 * Older than a message already delivered or counted
			 * as dropped: never delivered twice nor out of order.
			 * Not blamed on the sender: when a peer scribbles on
			 * tail, an honest sender's later claim can land in a
			 * hole before its earlier one.
			 */
			if (s->frag == 0) {
				rx->stats.stale++;
				peer->stats.stale++;
			}
			return;
		}
	}
	/* A new message: the rest of the current one is lost. */
	if (peer->in_msg)
		rx_drop(rx, peer, 1);
	peer->in_msg = false;
	peer->skipping = false;
	if (peer->synced && gap > 0)
		rx_drop(rx, peer, (u32)gap);
	peer->synced = true;
	peer->next_seq = s->msg_seq + 1;

	if (s->frag != 0) {
		/* The start of this message was lost. */
		rx_drop(rx, peer, 1);
		rx_skip_msg(peer, s);
		return;
	}
	if (s->nfrags == 1) {
		rx_deliver(rx, peer, s, s->data);
		return;
	}
	if (!peer->buf && rx->ops->alloc)
		peer->buf = rx->ops->alloc(rx->ctx, rx->max_msg);
	if (!peer->buf) {
		rx_drop(rx, peer, 1);
		rx_skip_msg(peer, s);
		return;
	}
	peer->in_msg = true;
	peer->cur_seq = s->msg_seq;
	peer->cur_type = s->type;
	peer->cur_len = s->len;
	peer->cur_nfrags = s->nfrags;
	peer->next_frag = 1;
	memcpy(peer->buf, s->data, COHORT_RING_SLOT_DATA);
}

/*
 * The slot at head is claimed (tail > head) but not published.  Start the
 * clock at the first sight; once it has run out, every further unpublished
 * slot met before the next publish or the next empty ring is skipped at
 * once, so a dead sender's multi-slot claim costs one timeout, not one per
 * slot.
 */
static bool rx_claim_expired(struct cohort_ring_rx *rx, u64 now)
{
	if (!rx->claim_timeout)
		return false;
	if (!rx->stall_active) {
		rx->stall_active = true;
		rx->stall_since = now;
		return false;
	}
	return now - rx->stall_since >= rx->claim_timeout;
}

/**
 * cohort_ring_poll() - receive from the ring
 * @rx: receiver state
 * @budget: most slots to consume
 * @now: current time, in the unit of the claim timeout
 *
 * Consumes published slots in order, validates each (see rx_slot()) and
 * hands whole messages to @rx->ops->deliver.  Stops when the ring is empty,
 * at @budget slots, or at a slot a sender has claimed but not yet
 * published; in that last case cohort_ring_rx_stalled() is true and the
 * caller must poll again after the claim timeout even if no doorbell
 * comes, so that a dead sender's claim is skipped.  Every loop is bounded:
 * garbage in the ring costs at most @budget slots and a few retries.
 *
 * Return: the number of slots consumed (published, skipped or garbage).
 */
int cohort_ring_poll(struct cohort_ring_rx *rx, unsigned int budget, u64 now)
{
	struct cohort_ring_slot snap;
	unsigned int n = 0, retries = 0;

	rx->stalled = false;
	while (n < budget) {
		u64 head = rx->head;
		struct cohort_ring_slot *s = ring_slot(rx->slots, rx->mask, head);
		u64 seq, tail, claimed;

		/*
		 * Acquire pairs with the sender's publishing cmpxchg: the
		 * slot's contents are read only after this load.
		 */
		seq = smp_load_acquire(&s->seq);
		if (seq == head + 1) {
			memcpy(&snap, s, sizeof(snap));
			/*
			 * Release: our reads of the slot happen before a
			 * sender of position head + nslots can see it free
			 * and overwrite it.  The snapshot is private, so a
			 * peer scribbling on the slot from now on cannot
			 * change what gets validated and delivered.
			 */
			smp_store_release(&s->seq, head + rx->nslots);
			rx->head = head + 1;
			rx->stall_active = false;
			n++;
			rx_slot(rx, &snap, head);
			continue;
		}

		tail = READ_ONCE(rx->hdr->tail);
		claimed = tail - head;
		if (claimed > rx->nslots) {
			/*
			 * Honest senders never claim past head + nslots nor
			 * move tail back: tail is garbage.  Put it back at
			 * our own head, which nobody else can touch.
			 */
			rx_error(rx, -1, -ERANGE);
			try_cmpxchg(&rx->hdr->tail, &tail, head);
			break;
		}

		if (seq == head) {
			if (!claimed) {
				rx->stall_active = false;
				break;		/* empty */
			}
			if (!rx_claim_expired(rx, now)) {
				rx->stalled = true;
				break;
			}
			/*
			 * Skip the dead claim.  The sender, if it is only
			 * late, publishes with a cmpxchg from head that now
			 * fails, so it learns its message was dropped.
			 */
			if (try_cmpxchg(&s->seq, &seq, head + rx->nslots)) {
				rx->stats.skipped++;
				rx->head = head + 1;
				n++;
				continue;
			}
		} else {
			/*
			 * Neither free nor published: garbage.  If a sender
			 * claimed the slot, release it and move on (that
			 * sender's publish will fail); if not, make it free
			 * for head again.
			 */
			rx_error(rx, -1, -EBADMSG);
			if (try_cmpxchg(&s->seq, &seq,
					claimed ? head + rx->nslots : head)) {
				if (claimed) {
					rx->head = head + 1;
					n++;
					continue;
				}
			}
		}
		/* The state word changed under us: look again, a few times. */
		if (++retries > RING_POLL_RETRIES)
			break;
	}
	/* Written only when it moved, to keep the line quiet. */
	if (n)
		/*
		 * Release: the slots released above are seen free by a
		 * sender that sees this head (see tx_slot_busy()).
		 */
		smp_store_release(&rx->hdr->head, rx->head);
	return n;
}

/**
 * cohort_ring_rx_pending() - is a published slot waiting?
 * @rx: receiver state
 *
 * Return: true if the next slot is published.
 */
bool cohort_ring_rx_pending(struct cohort_ring_rx *rx)
{
	struct cohort_ring_slot *s = ring_slot(rx->slots, rx->mask, rx->head);

	return READ_ONCE(s->seq) == rx->head + 1;
}

/**
 * cohort_ring_rx_stalled() - did the last poll stop at an unpublished slot?
 * @rx: receiver state
 *
 * Return: true if the caller must poll again after the claim timeout.
 */
bool cohort_ring_rx_stalled(const struct cohort_ring_rx *rx)
{
	return rx->stalled;
}

/**
 * cohort_ring_notify_enable() - ask senders for doorbells again
 * @rx: receiver state
 *
 * The end of a NAPI-style drain.  The flag is set, then a full barrier,
 * then the next slot is looked at once more.  A sender publishes, then a
 * full barrier, then reads the flag.  Store then barrier then load on both
 * sides: at least one of the two sees the other's store, so either the
 * sender rings the doorbell or this returns true.  A sender that has
 * claimed but not yet published will read the flag after publishing, so
 * it rings too.
 *
 * Return: true if a slot is already published; the caller should disable
 * notifications and poll again instead of sleeping.
 */
bool cohort_ring_notify_enable(struct cohort_ring_rx *rx)
{
	WRITE_ONCE(rx->hdr->notify, COHORT_RING_NOTIFY_ON);
	/* Pairs with the smp_mb() after publishing in cohort_ring_send(). */
	smp_mb();
	return cohort_ring_rx_pending(rx);
}

/**
 * cohort_ring_notify_disable() - tell senders no doorbell is needed
 * @rx: receiver state
 *
 * Called when a doorbell arrives, before polling.  No barrier: a sender
 * that still sees the flag set only rings a doorbell too many.
 */
void cohort_ring_notify_disable(struct cohort_ring_rx *rx)
{
	WRITE_ONCE(rx->hdr->notify, COHORT_RING_NOTIFY_OFF);
}

static void rx_peer_reset(struct cohort_ring_rx *rx,
			  struct cohort_ring_peer *peer)
{
	rx_free_buf(rx, peer);
	peer->in_msg = false;
	peer->skipping = false;
	peer->synced = false;
}

/**
 * cohort_ring_rx_quarantine() - ignore, or stop ignoring, a sender
 * @rx: receiver state
 * @sender: sender id
 * @on: true to ignore its messages (counted as drops)
 *
 * Lifting a quarantine also forgets the sender's sequence number, as
 * cohort_ring_rx_reset_peer() does.
 *
 * Return: 0 or -EINVAL for an id out of range.
 */
int cohort_ring_rx_quarantine(struct cohort_ring_rx *rx, unsigned int sender,
			      bool on)
{
	if (sender >= rx->max_senders)
		return -EINVAL;
	rx_peer_reset(rx, &rx->peers[sender]);
	rx->peers[sender].quarantined = on;
	return 0;
}

/**
 * cohort_ring_rx_reset_peer() - forget a sender's sequence state
 * @rx: receiver state
 * @sender: sender id
 *
 * For a sender that restarted: its next message is taken whatever its
 * sequence number, and a partial message is dropped.
 *
 * Return: 0 or -EINVAL for an id out of range.
 */
int cohort_ring_rx_reset_peer(struct cohort_ring_rx *rx, unsigned int sender)
{
	if (sender >= rx->max_senders)
		return -EINVAL;
	rx_peer_reset(rx, &rx->peers[sender]);
	return 0;
}

/**
 * cohort_ring_rx_stats() - receiver counters
 * @rx: receiver state
 * @sender: a sender id, or -1 for the whole ring
 * @st: filled with the counters
 *
 * The ring's errors include slots that could not be attributed to any
 * sender; its drops are the sum of the senders'.
 *
 * Return: 0 or -EINVAL for an id out of range.
 */
int cohort_ring_rx_stats(const struct cohort_ring_rx *rx, int sender,
			 struct cohort_ring_stats *st)
{
	if (sender < 0) {
		*st = rx->stats;
		return 0;
	}
	if ((unsigned int)sender >= rx->max_senders)
		return -EINVAL;
	*st = rx->peers[sender].stats;
	return 0;
}

/**
 * cohort_ring_tx_attach() - set up a sender for a peer's ring
 * @tx: sender state, private memory
 * @mem: the ring
 * @size: bytes mapped at @mem
 * @sender: this kernel's id
 *
 * The geometry is validated once here and kept privately; later changes
 * to the header do not affect the sender.
 *
 * Return: 0 or an error of cohort_ring_check(); -EINVAL if @sender is out
 * of the ring's range.
 */
int cohort_ring_tx_attach(struct cohort_ring_tx *tx, void *mem, size_t size,
			  unsigned int sender)
{
	struct cohort_ring_geom geom;
	int ret;

	memset(tx, 0, sizeof(*tx));
	ret = cohort_ring_check(mem, size, &geom);
	if (ret)
		return ret;
	if (sender >= geom.max_senders)
		return -EINVAL;
	tx->hdr = mem;
	tx->slots = (struct cohort_ring_slot *)((u8 *)mem +
						 COHORT_RING_HDR_SIZE);
	tx->nslots = geom.nslots;
	tx->mask = geom.nslots - 1;
	tx->max_msg = geom.max_msg;
	tx->sender = sender;
	return 0;
}

static inline void ring_before_publish(struct cohort_ring_tx *tx, u64 pos)
{
#ifdef COHORT_RING_TEST_HOOKS
	cohort_ring_test_before_publish(tx, pos);
#endif
}

/*
 * Is the slot of position @q, whose state word was seen as @seq, still in
 * use by position q - nslots?  Honestly it then holds q - nslots (claimed
 * on the previous lap) or q - nslots + 1 (published, not yet received),
 * and the receiver has not yet gone past q - nslots.  The receiver
 * releases a slot before it publishes a head beyond it, so a slot that
 * still says "in use" once head has gone past was scribbled on: it is
 * treated as free, the publish into it will fail and the receiver repairs
 * it when it gets there.  Believing the scribble instead would block large
 * messages for ever behind a slot ahead of tail that the receiver has no
 * reason to visit.  A forged head can only make a sender overwrite a
 * message not yet received; the checksum catches that.  head is read only
 * here, off the fast path, to keep its cache line out of every send.
 */
static bool tx_slot_busy(struct cohort_ring_tx *tx, u64 q, u64 seq)
{
	u64 prev = q - tx->nslots;

	if (seq != prev && seq != prev + 1)
		return false;
	/*
	 * Acquire pairs with the receiver's release of head: if head is
	 * past prev, what the sender writes into the slot from now on comes
	 * after the receiver's last read of it.
	 */
	return (s64)(smp_load_acquire(&tx->hdr->head) - prev) <= 0;
}

/*
 * Claim @nfrags consecutive positions.  Vyukov's bounded queue: look at
 * the slots first, and move tail with a cmpxchg only if they are free, so
 * a full ring leaves nothing behind.  Slots are released in position
 * order, so if the first and the last slot of the claim are free, so are
 * the ones between.
 */
static int tx_claim(struct cohort_ring_tx *tx, u32 nfrags, u64 *posp)
{
	unsigned int tries;
	u64 pos, last, seq;

	for (tries = 0; tries < RING_SEND_TRIES; tries++) {
		pos = READ_ONCE(tx->hdr->tail);
		/*
		 * Acquire pairs with the receiver's release of the slot:
		 * it has finished reading before we write.
		 */
		seq = smp_load_acquire(&ring_slot(tx->slots, tx->mask,
						  pos)->seq);
		if (seq != pos) {
			if (tx_slot_busy(tx, pos, seq))
				return -EAGAIN;	/* not yet released: full */
			continue;		/* tail moved on: look again */
		}
		last = pos + nfrags - 1;
		if (nfrags > 1) {
			/* Acquire: as above, for the slots of the claim. */
			seq = smp_load_acquire(&ring_slot(tx->slots, tx->mask,
							  last)->seq);
			if (seq != last && tx_slot_busy(tx, last, seq))
				return -EAGAIN;
		}
		if (try_cmpxchg(&tx->hdr->tail, &pos, pos + nfrags)) {
			*posp = pos;
			return 0;
		}
	}
	/* Contention, or a peer keeps tail moving: let the caller retry. */
	return -EAGAIN;
}

/**
 * cohort_ring_send() - send one message
 * @tx: sender state; calls on one @tx must be serialised by the caller
 * @type: message type, 1..65535
 * @buf: the message
 * @len: its length, at most the ring's max_msg
 * @need_doorbell: set true if the receiver wants a doorbell (an IPI) now;
 *	may be NULL
 *
 * A message takes cohort_ring_nfrags(@len) consecutive slots, claimed at
 * once, so the ring holds either the whole message or nothing of it.
 * Each slot is written, then published with a cmpxchg of its state word
 * from its position p to p + 1.  That cmpxchg fails only if the receiver
 * skipped the slot after its claim timeout (or a peer scribbled on it);
 * the message is then lost and the receiver will count it as dropped.
 *
 * Return: 0 when published; -EAGAIN if the ring is full (nothing written,
 * the sequence number is not used, retry later); -ECANCELED if the
 * message was claimed but the receiver dropped it; -EMSGSIZE if @len is
 * too large; -EINVAL for a bad @type.
 */
int cohort_ring_send(struct cohort_ring_tx *tx, unsigned int type,
		     const void *buf, size_t len, bool *need_doorbell)
{
	const u8 *src = buf;
	struct cohort_ring_slot img;
	struct cohort_ring_slot *s;
	u32 nfrags, i, off, chunk;
	bool cancelled = false, ring;
	u64 pos, p, want;
	int ret;

	if (need_doorbell)
		*need_doorbell = false;
	if (type == COHORT_RING_TYPE_INVALID || type > 0xffff ||
	    (len && !buf))
		return -EINVAL;
	if (len > tx->max_msg)
		return -EMSGSIZE;
	nfrags = cohort_ring_nfrags(len);

	ret = tx_claim(tx, nfrags, &pos);
	if (ret) {
		tx->stats.full++;
		return ret;
	}

	off = 0;
	for (i = 0; i < nfrags; i++) {
		p = pos + i;
		s = ring_slot(tx->slots, tx->mask, p);
		chunk = len - off;
		if (chunk > COHORT_RING_SLOT_DATA)
			chunk = COHORT_RING_SLOT_DATA;
		memset(&img, 0, sizeof(img));
		img.sender = tx->sender;
		img.type = type;
		img.msg_seq = tx->next_seq;
		img.len = len;
		img.frag = i;
		img.nfrags = nfrags;
		if (chunk)
			memcpy(img.data, src + off, chunk);
		img.csum = ring_csum(&img, p);
		memcpy((u8 *)s + sizeof(s->seq), (u8 *)&img + sizeof(img.seq),
		       sizeof(img) - sizeof(img.seq));
		off += chunk;

		ring_before_publish(tx, p);
		/*
		 * Publish.  The cmpxchg orders the writes above before the
		 * new state word (it is fully ordered on success).
		 */
		want = p;
		if (!try_cmpxchg(&s->seq, &want, p + 1))
			cancelled = true;
	}
	tx->next_seq++;

	/*
	 * Pairs with the smp_mb() in cohort_ring_notify_enable(): publish,
	 * full barrier, read the flag.  A failed cmpxchg orders nothing, so
	 * the barrier is explicit.
	 */
	smp_mb();
	ring = READ_ONCE(tx->hdr->notify) != COHORT_RING_NOTIFY_OFF;
	if (ring)
		tx->stats.doorbells++;
	else
		tx->stats.doorbells_suppressed++;
	if (need_doorbell)
		*need_doorbell = ring;

	if (cancelled) {
		tx->stats.errors++;
		tx->stats.drops++;
		return -ECANCELED;
	}
	tx->stats.sent++;
	return 0;
}

/**
 * cohort_ring_tx_stats() - sender counters for one destination ring
 * @tx: sender state
 * @st: filled with the counters
 */
void cohort_ring_tx_stats(const struct cohort_ring_tx *tx,
			  struct cohort_ring_stats *st)
{
	*st = tx->stats;
}
