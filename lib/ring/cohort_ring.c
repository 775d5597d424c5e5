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
 * lives in slot p & (nslots - 1).  A message of n slots takes positions
 * p .. p + n - 1, claimed at once: its head slot at p (header and first
 * bytes), then data slots of 64 payload bytes.  Only the head slot has a
 * state word:
 *
 *	seq == COHORT_RING_MARK(key, p)	published: the whole message is
 *					written
 *	seq == COHORT_RING_SKIP(key, p)	skipped by the receiver after the
 *					claim timeout
 *	anything else			not published (free, or claimed
 *					and being written)
 *
 * Senders learn which slots are free from head, the receiver's position.
 */
#include "cohort_ring.h"

/* Bounds on every loop that reads shared memory. */
#define RING_SEND_TRIES		64
#define RING_POLL_RETRIES	4

#define RING_MIX1	0x9e3779b97f4a7c15ULL
#define RING_MIX2	0xff51afd7ed558ccdULL
#define RING_MIX3	0xc4ceb9fe1a85ec53ULL

/* Bit 62 of every key: 0 is then never a mark, so a zeroed slot is free. */
#define RING_KEY_BIT	BIT_ULL(62)

static inline struct cohort_ring_slot *
ring_slot(struct cohort_ring_slot *slots, u32 mask, u64 pos)
{
	return &slots[pos & mask];
}

/*
 * Checksum of a message: its position, header fields and bytes.  Four
 * lanes of two running sums each (Fletcher's), one add per word and no
 * dependency between lanes, so that it keeps up with the copy next to
 * it; then a mix, so that a message written for another position or lap,
 * or one whose bytes were partly overwritten by a late sender, does not
 * verify.  Word i goes to lane i % 4, so words swapped between lanes
 * change the first sums and words moved within a lane the second.  Not
 * cryptographic: a hostile peer can forge a valid message; it catches
 * torn, late and random writes.
 */
struct ring_sum {
	u64 a0, a1, a2, a3;
	u64 b0, b1, b2, b3;
	u8 part[32];		/* bytes short of a block */
	u32 fill;
};

static inline void sum_init(struct ring_sum *st, u64 pos, u16 sender,
			    u16 type, u32 msg_seq, u32 len)
{
	st->a0 = (pos + 1) * RING_MIX1;
	st->a1 = RING_MIX2;
	st->a2 = RING_MIX3;
	st->a3 = len;
	st->b0 = (u64)sender | (u64)type << 16 | (u64)msg_seq << 32;
	st->b1 = 0;
	st->b2 = 0;
	st->b3 = 0;
	st->fill = 0;
}

/* Whole 32-byte blocks; locals, so that the sums stay in registers. */
static inline void sum_blocks(struct ring_sum *st, const u8 *p,
			      u32 nblocks)
{
	u64 a0 = st->a0, a1 = st->a1, a2 = st->a2, a3 = st->a3;
	u64 b0 = st->b0, b1 = st->b1, b2 = st->b2, b3 = st->b3;
	u64 w0, w1, w2, w3;

	for (; nblocks; nblocks--, p += 32) {
		memcpy(&w0, p, 8);
		memcpy(&w1, p + 8, 8);
		memcpy(&w2, p + 16, 8);
		memcpy(&w3, p + 24, 8);
		a0 += w0;
		b0 += a0;
		a1 += w1;
		b1 += a1;
		a2 += w2;
		b2 += a2;
		a3 += w3;
		b3 += a3;
	}
	st->a0 = a0;
	st->a1 = a1;
	st->a2 = a2;
	st->a3 = a3;
	st->b0 = b0;
	st->b1 = b1;
	st->b2 = b2;
	st->b3 = b3;
}

/* The next @n bytes of the message, in any number of pieces. */
static inline void sum_add(struct ring_sum *st, const u8 *p, u32 n)
{
	u32 k;

	if (st->fill) {
		k = sizeof(st->part) - st->fill;
		if (k > n)
			k = n;
		memcpy(st->part + st->fill, p, k);
		st->fill += k;
		p += k;
		n -= k;
		if (st->fill < sizeof(st->part))
			return;
		sum_blocks(st, st->part, 1);
		st->fill = 0;
	}
	sum_blocks(st, p, n / 32);
	p += n & ~31U;
	n &= 31;
	if (n) {
		memcpy(st->part, p, n);
		st->fill = n;
	}
}

static inline u32 sum_end(struct ring_sum *st)
{
	u64 h;

	if (st->fill) {
		memset(st->part + st->fill, 0, sizeof(st->part) - st->fill);
		sum_blocks(st, st->part, 1);
	}
	/*
	 * b rotated: a change of bit 63 alone moves both sums of a lane by
	 * 2^63, which would cancel if they were simply added.
	 */
	h = (st->a0 * RING_MIX3) ^ (st->b0 << 29 | st->b0 >> 35);
	h = (h * RING_MIX2) ^ (st->a1 * RING_MIX3) ^ (st->b1 << 31 | st->b1 >> 33);
	h = (h * RING_MIX2) ^ (st->a2 * RING_MIX3) ^ (st->b2 << 37 | st->b2 >> 27);
	h = (h * RING_MIX2) ^ (st->a3 * RING_MIX3) ^ (st->b3 << 41 | st->b3 >> 23);
	h ^= h >> 29;
	h *= RING_MIX1;
	h ^= h >> 32;
	return (u32)h;
}

static u32 ring_csum(u64 pos, u16 sender, u16 type, u32 msg_seq, u32 len,
		     const u8 *data)
{
	struct ring_sum st;

	sum_init(&st, pos, sender, type, msg_seq, len);
	sum_add(&st, data, len);
	return sum_end(&st);
}

/**
 * cohort_ring_msg_slots() - number of slots a message takes
 * @len: message length in bytes
 *
 * Return: 1 for up to %COHORT_RING_HEAD_DATA bytes, one more per 64 bytes
 * beyond.
 */
u32 cohort_ring_msg_slots(u32 len)
{
	if (len <= COHORT_RING_HEAD_DATA)
		return 1;
	return 1 + (len - COHORT_RING_HEAD_DATA + COHORT_RING_SLOT_SIZE - 1) /
		   COHORT_RING_SLOT_SIZE;
}

/**
 * cohort_ring_msg_csum() - checksum a message as the protocol defines it
 * @head: its head slot; sender, type, msg_seq and len are used
 * @data: the @head->len bytes of the message, contiguous
 * @pos: the position of the head slot
 *
 * Return: the value the csum field of a valid head slot holds.
 */
u32 cohort_ring_msg_csum(const struct cohort_ring_slot *head,
			 const void *data, u64 pos)
{
	return ring_csum(pos, head->sender, head->type, head->msg_seq,
			 head->len, data);
}

/*
 * Where byte @off of the data slots that start at position @pos lies in
 * the ring, and how many bytes follow it before the ring's end.
 */
static u64 ring_at(u32 nslots, u64 pos, u32 off, u64 *room)
{
	u64 size = (u64)nslots * COHORT_RING_SLOT_SIZE;
	u64 at = (pos & (nslots - 1)) * COHORT_RING_SLOT_SIZE + off;

	if (at >= size)		/* off is below the ring's size */
		at -= size;
	*room = size - at;
	return at;
}

/* Copy @len bytes out of the data slots from position @pos on. */
static void ring_copy_out(struct cohort_ring_slot *slots, u32 nslots,
			  u64 pos, u8 *dst, u32 len)
{
	u64 room, at = ring_at(nslots, pos, 0, &room);
	u32 n = len < room ? len : (u32)room;

	memcpy(dst, (u8 *)slots + at, n);
	if (n < len)
		memcpy(dst + n, slots, len - n);
}

/* Copy @len bytes to byte @off of the data slots from position @pos on. */
static void ring_copy_in(struct cohort_ring_slot *slots, u32 nslots,
			 u64 pos, u32 off, const u8 *src, u32 len)
{
	u64 room, at = ring_at(nslots, pos, off, &room);
	u32 n = len < room ? len : (u32)room;

	memcpy((u8 *)slots + at, src, n);
	if (n < len)
		memcpy(slots, src + n, len - n);
}

static bool ring_geom_ok(u32 nslots, u32 max_msg, u32 max_senders)
{
	if (nslots < COHORT_RING_MIN_SLOTS || nslots > COHORT_RING_MAX_SLOTS ||
	    (nslots & (nslots - 1)))
		return false;
	if (max_msg > COHORT_RING_MAX_MSG ||
	    cohort_ring_msg_slots(max_msg) > nslots)
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
	geom->key = READ_ONCE(hdr->key);
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
	    !cfg || !ops || !ops->deliver || !!ops->alloc != !!ops->free ||
	    !!ops->rx_buf != !!ops->rx_buf_drop)
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
	hdr->key = cfg->key | RING_KEY_BIT;
	hdr->notify = COHORT_RING_NOTIFY_ON;

	rx->hdr = hdr;
	rx->slots = (struct cohort_ring_slot *)((u8 *)mem +
						 COHORT_RING_HDR_SIZE);
	/* No slot holds a mark of this key: every one is unpublished. */
	for (i = 0; i < nslots; i++)
		memset(&rx->slots[i], 0, sizeof(rx->slots[i]));
	rx->nslots = nslots;
	rx->mask = nslots - 1;
	rx->max_msg = cfg->max_msg;
	rx->max_senders = cfg->max_senders;
	rx->ntypes = cfg->ntypes;
	rx->key = hdr->key;
	rx->claim_timeout = cfg->claim_timeout;
	rx->ops = ops;
	rx->ctx = ctx;
	for (i = 0; i < COHORT_RING_MAX_SENDERS; i++)
		rx->peers[i].synced = true;	/* first message is seq 0 */

	/* Pairs with the acquire in cohort_ring_check(): magic goes last. */
	smp_store_release(&hdr->magic, COHORT_RING_MAGIC);
	return 0;
}

/**
 * cohort_ring_rx_fini() - release the receiver's receive buffer
 * @rx: receiver state
 *
 * The ring memory itself belongs to the caller.
 */
void cohort_ring_rx_fini(struct cohort_ring_rx *rx)
{
	if (rx->buf && rx->ops && rx->ops->free)
		rx->ops->free(rx->ctx, rx->buf, rx->max_msg);
	rx->buf = NULL;
}

/* An invalid message: count it, and tell the caller whom it claims to be from. */
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

/* Slots the message at a head slot takes, as far as the receiver knows. */
static u32 rx_msg_slots(const struct cohort_ring_rx *rx,
			const struct cohort_ring_slot *h)
{
	return h->len > rx->max_msg ? 1 : cohort_ring_msg_slots(h->len);
}

/*
 * Check a message whose bytes are in private memory: checksum, sender,
 * type, sequence.  Counts what fails.  Return: true to deliver it.
 */
static bool rx_check(struct cohort_ring_rx *rx, const struct cohort_ring_slot *h,
		     u64 pos, const u8 *data)
{
	struct cohort_ring_peer *peer;
	s32 gap;

	if (ring_csum(pos, h->sender, h->type, h->msg_seq, h->len, data) !=
	    h->csum) {
		/* Torn, late or garbage: nothing in it can be believed. */
		rx_error(rx, -1, -EBADMSG);
		return false;
	}
	if (h->sender >= rx->max_senders) {
		rx_error(rx, -1, -ENXIO);
		return false;
	}
	peer = &rx->peers[h->sender];
	if (peer->quarantined) {
		rx_drop(rx, peer, 1);
		return false;
	}
	if (h->type == COHORT_RING_TYPE_INVALID ||
	    (rx->ntypes && h->type >= rx->ntypes)) {
		rx_error(rx, h->sender, -EPROTO);
		return false;
	}
	if (peer->synced) {
		gap = (s32)(h->msg_seq - peer->next_seq);
		if (gap < -(s32)rx->nslots) {
			/*
			 * Further back than holes in the ring reorder an
			 * honest sender's messages: this message or the one
			 * we synced to was forged under the id, and which
			 * one cannot be told, so nobody is blamed.  Start
			 * again from this one: a forged number far ahead
			 * holds up the honest sender for a ring's worth of
			 * its messages at most, not for 2^31 of them, and
			 * not after the forger is gone.
			 */
			rx_error(rx, -1, -EILSEQ);
		} else if (gap < 0) {
			/*
			 * Older than a message already delivered or counted
			 * as dropped: never delivered twice nor out of order.
			 * Not blamed on the sender: when a peer scribbles on
			 * tail, an honest sender's later claim can land in a
			 * hole before its earlier one.
			 */
			rx->stats.stale++;
			peer->stats.stale++;
			return false;
		} else if (gap > 0) {
			rx_drop(rx, peer, (u32)gap);
		}
	}
	peer->synced = true;
	peer->next_seq = h->msg_seq + 1;
	return true;
}

/*
 * Validate the published message whose head slot @h (a private snapshot)
 * is at @pos, and deliver it.  Its bytes are copied into private memory
 * first (the caller's buffer from @rx_buf, or the ring's receive buffer)
 * and checked there, so a peer writing the ring from now on changes
 * nothing.
 *
 * Return: false when there is no buffer for it yet: it was not read and
 * stays where it is.
 */
static bool rx_msg(struct cohort_ring_rx *rx, const struct cohort_ring_slot *h,
		   u64 pos)
{
	const u8 *data = h->data;
	struct cohort_ring_msg msg;
	void *cookie = NULL;
	bool caller_buf;
	u32 len = h->len;
	u8 *dst = NULL;

	if (len > rx->max_msg) {
		/*
		 * Nothing in it can be checked, not even how many slots it
		 * spans: only the head slot is taken.  Slots after it that
		 * never get published are skipped after the claim timeout.
		 */
		rx_error(rx, -1, -EMSGSIZE);
		return true;
	}
	if (rx->ops->rx_buf && len &&
	    rx->ops->rx_buf(rx->ctx, h->sender, h->type, len, (void **)&dst,
			    &cookie) == -EAGAIN)
		return false;
	caller_buf = dst;
	if (!dst && len > COHORT_RING_HEAD_DATA) {
		if (!rx->buf && rx->ops->alloc) {
			rx->buf = rx->ops->alloc(rx->ctx, rx->max_msg);
			if (!rx->buf)
				return false;
		}
		dst = rx->buf;
		if (!dst) {
			/* Unchecked, so not attributed to anyone. */
			rx->stats.drops++;
			return true;
		}
	}
	if (dst) {
		memcpy(dst, h->data, len < COHORT_RING_HEAD_DATA ? len :
		       COHORT_RING_HEAD_DATA);
		if (len > COHORT_RING_HEAD_DATA)
			ring_copy_out(rx->slots, rx->nslots, pos + 1,
				      dst + COHORT_RING_HEAD_DATA,
				      len - COHORT_RING_HEAD_DATA);
		data = dst;
	}
	if (!rx_check(rx, h, pos, data)) {
		if (caller_buf)
			rx->ops->rx_buf_drop(rx->ctx, cookie);
		return true;
	}
	msg.sender = h->sender;
	msg.type = h->type;
	msg.seq = h->msg_seq;
	msg.len = len;
	msg.data = data;
	msg.cookie = caller_buf ? cookie : NULL;
	rx->stats.received++;
	rx->peers[h->sender].stats.received++;
	rx->ops->deliver(rx->ctx, &msg);
	return true;
}

/*
 * The slot at head is not published.  Is it claimed?  That takes a look
 * at tail, a line the senders write; a receiver polling an empty ring in
 * a loop would pull it away from them at every turn.  So once the ring
 * was seen empty at this head, tail is looked at again only after an
 * eighth of the claim timeout: a claim is noticed that much later, which
 * only delays the timeout of a dead one (a live one publishes anyway).
 * Without a timeout tail is read every time.
 *
 * Return: true if the poll goes on (a skip starts), false if it stops
 * here.
 */
static bool rx_unpublished(struct cohort_ring_rx *rx, u64 head, u64 now)
{
	u64 tail, claimed;

	if (rx->stall_active && rx->stall_pos == head) {
		if (!rx->claim_timeout ||
		    now - rx->stall_since < rx->claim_timeout) {
			rx->stalled = true;
			return false;
		}
		/*
		 * The claim at head is older than the timeout: its sender
		 * died or is very late.  Skip every slot that was claimed
		 * when the clock started and is not published when we get
		 * to it, up to the first that is: a dead sender's message
		 * costs one timeout, whatever its length, and a claim made
		 * since gets its own.
		 */
		rx->stall_active = false;
		rx->skipping = true;
		rx->skip_until = rx->stall_tail;
		return true;
	} else if (rx->claim_timeout) {
		if (!rx->idle_known || rx->idle_pos != head) {
			/* First sight: take it as empty, look later. */
			rx->idle_known = true;
			rx->idle_pos = head;
			rx->idle_since = now;
			return false;
		}
		if (now - rx->idle_since < rx->claim_timeout / 8)
			return false;
	}

	/*
	 * head too, which only we should write, but a peer may have: a
	 * wrong one makes senders wait or overwrite.
	 */
	if (READ_ONCE(rx->hdr->head) != head)
		/* Release, as in cohort_ring_poll(). */
		smp_store_release(&rx->hdr->head, head);
	tail = READ_ONCE(rx->hdr->tail);
	claimed = tail - head;
	if (claimed > rx->nslots) {
		/*
		 * Honest senders never claim past head + nslots nor move
		 * tail back: tail is garbage.  Put it back at our own head,
		 * which nobody else can touch.
		 */
		rx_error(rx, -1, -ERANGE);
		try_cmpxchg(&rx->hdr->tail, &tail, head);
		rx->stall_active = false;
		return false;
	}
	if (!claimed) {
		rx->stall_active = false;
		rx->idle_known = true;
		rx->idle_pos = head;
		rx->idle_since = now;
		return false;
	}
	/* First sight of this claim: start the clock. */
	rx->idle_known = false;
	rx->stall_active = true;
	rx->stall_pos = head;
	rx->stall_since = now;
	rx->stall_tail = tail;
	rx->stalled = true;
	return false;
}

/**
 * cohort_ring_poll() - receive from the ring
 * @rx: receiver state
 * @budget: most slots to consume
 * @now: current time, in the unit of the claim timeout
 *
 * Consumes published messages in order, validates each (see rx_msg()) and
 * hands it to @rx->ops->deliver.  Stops when the ring is empty, once
 * @budget slots or more are consumed (a message is never split, so the
 * last one can take the count past @budget), or at a slot a sender has
 * claimed but not yet published; in that last case
 * cohort_ring_rx_stalled() is true and the caller must poll again after
 * the claim timeout even if no doorbell comes, so that a dead sender's
 * claim is skipped; or at a message the caller has no buffer for
 * (@rx->ops->rx_buf or @rx->ops->alloc failed), which stays in the ring
 * and makes cohort_ring_rx_waiting() true.  Every loop is bounded: garbage in the ring costs at
 * most @budget slots plus one message, and a few retries.
 *
 * Return: the number of slots consumed (published, skipped or garbage);
 * @budget or more means the poll stopped for the budget.
 */
int cohort_ring_poll(struct cohort_ring_rx *rx, unsigned int budget, u64 now)
{
	struct cohort_ring_slot snap;
	unsigned int n = 0, retries = 0;

	rx->stalled = false;
	rx->waiting = false;
	while (n < budget) {
		u64 head = rx->head;
		struct cohort_ring_slot *s = ring_slot(rx->slots, rx->mask, head);
		u64 seq;
		u32 used;

		/*
		 * Acquire pairs with the sender's publishing exchange: the
		 * message is read only after this load.
		 */
		seq = smp_load_acquire(&s->seq);
		if (seq == COHORT_RING_MARK(rx->key, head)) {
			/*
			 * A private snapshot: a peer scribbling on the slot
			 * from now on cannot change what is validated.
			 */
			memcpy(&snap, s, sizeof(snap));
			used = rx_msg_slots(rx, &snap);
			if (!rx_msg(rx, &snap, head)) {
				rx->waiting = true;
				break;
			}
			rx->head = head + used;
			n += used;
			rx->stall_active = false;
			rx->skipping = false;
			rx->idle_known = false;
			continue;
		}
		if (rx->skipping && (s64)(rx->skip_until - head) > 0) {
			/*
			 * A sender that is only late publishes with an
			 * exchange that returns this skip mark, so it learns
			 * its message was dropped; if it publishes first, this
			 * compare-and-swap fails and we look again.
			 */
			if (try_cmpxchg(&s->seq, &seq,
					COHORT_RING_SKIP(rx->key, head))) {
				rx->stats.skipped++;
				rx->head = head + 1;
				n++;
				continue;
			}
			/* The word changed under us: look again, a few times. */
			if (++retries > RING_POLL_RETRIES)
				break;
			continue;
		}
		rx->skipping = false;
		if (!rx_unpublished(rx, head, now))
			break;
	}
	/* Written only when it moved, to keep the line quiet. */
	if (n)
		/*
		 * Release: our reads of the slots below head happen before
		 * a sender that sees this head writes into them.
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

	return READ_ONCE(s->seq) == COHORT_RING_MARK(rx->key, rx->head);
}

/**
 * cohort_ring_rx_stalled() - did the last poll stop at an unpublished claim?
 * @rx: receiver state
 *
 * Return: true if the caller must poll again after the claim timeout.
 */
bool cohort_ring_rx_stalled(const struct cohort_ring_rx *rx)
{
	return rx->stalled;
}

/**
 * cohort_ring_rx_waiting() - did the last poll stop for want of a buffer?
 * @rx: receiver state
 *
 * Return: true if the next message waits in the ring until the caller
 * has a buffer for it and polls again.
 */
bool cohort_ring_rx_waiting(const struct cohort_ring_rx *rx)
{
	return rx->waiting;
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

static void rx_peer_reset(struct cohort_ring_peer *peer)
{
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
	rx_peer_reset(&rx->peers[sender]);
	rx->peers[sender].quarantined = on;
	return 0;
}

/**
 * cohort_ring_rx_reset_peer() - forget a sender's sequence state
 * @rx: receiver state
 * @sender: sender id
 *
 * For a sender that restarted: its next message is taken whatever its
 * sequence number.
 *
 * Return: 0 or -EINVAL for an id out of range.
 */
int cohort_ring_rx_reset_peer(struct cohort_ring_rx *rx, unsigned int sender)
{
	if (sender >= rx->max_senders)
		return -EINVAL;
	rx_peer_reset(&rx->peers[sender]);
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
	tx->key = geom.key;
	tx->head = READ_ONCE(tx->hdr->head);
	return 0;
}

static inline void ring_before_publish(struct cohort_ring_tx *tx, u64 pos)
{
#ifdef COHORT_RING_TEST_HOOKS
	cohort_ring_test_before_publish(tx, pos);
#endif
}

/*
 * Does @old, the word a publishing exchange at @pos returned, mark the
 * head slot of a message one to RING_LATE_LAPS laps after @pos (published
 * or skipped)?  Then the receiver passed @pos.  Only laps made since the
 * sender looked at head count, so a few are plenty; the bound keeps stale
 * data bytes from passing for a mark: with the ring's random key, a word
 * that is not a mark of such a position matches with odds of about
 * 2^-60.
 */
#define RING_LATE_LAPS	4

static inline bool ring_later_lap(const struct cohort_ring_tx *tx, u64 old,
				  u64 pos)
{
	u64 d = ((old ^ tx->key) & ~BIT_ULL(63)) - 1 - pos;

	return d && d <= (u64)RING_LATE_LAPS * tx->nslots && !(d & tx->mask);
}

/*
 * Claim @n consecutive positions.  Look first, claim after: the slots are
 * free if the receiver's head is at most nslots behind their end, so tail
 * moves with a cmpxchg only when they are, and a full ring leaves nothing
 * behind.  head is read only when the copy kept from the last read says
 * the ring may be full, to keep its line out of every send.
 */
static int tx_claim(struct cohort_ring_tx *tx, u32 n, u64 *posp)
{
	unsigned int tries;
	u64 pos;
	s64 used;

	for (tries = 0; tries < RING_SEND_TRIES; tries++) {
		pos = READ_ONCE(tx->hdr->tail);
		used = (s64)(pos - tx->head);
		if (used < 0 || used + n > tx->nslots) {
			/*
			 * Acquire pairs with the receiver's release of head:
			 * it has finished reading the slots below it before
			 * we write into them.
			 */
			tx->head = smp_load_acquire(&tx->hdr->head);
			used = (s64)(pos - tx->head);
			/*
			 * Full, or head beyond tail: garbage in one of them
			 * (or a receiver that followed a forged length).
			 * Claiming then could overwrite what the receiver
			 * has not read; wait instead: the receiver puts
			 * both right when it next looks at tail.
			 */
			if (used < 0 || used + n > tx->nslots)
				return -EAGAIN;
		}
		if (try_cmpxchg(&tx->hdr->tail, &pos, pos + n)) {
			*posp = pos;
			return 0;
		}
	}
	/* Contention, or a peer keeps tail moving: let the caller retry. */
	return -EAGAIN;
}

/* Put message bytes @off.. (@n of them) into the claim at @pos. */
static void tx_put(struct cohort_ring_tx *tx, struct cohort_ring_slot *s,
		   u64 pos, u32 off, const u8 *src, u32 n)
{
	u32 k;

	if (off < COHORT_RING_HEAD_DATA) {
		k = COHORT_RING_HEAD_DATA - off;
		if (k > n)
			k = n;
		memcpy(s->data + off, src, k);
		off += k;
		src += k;
		n -= k;
	}
	if (n)
		ring_copy_in(tx->slots, tx->nslots, pos + 1,
			     off - COHORT_RING_HEAD_DATA, src, n);
}

/**
 * cohort_ring_send2() - send one message given in two parts
 * @tx: sender state; calls on one @tx must be serialised by the caller
 * @type: message type, 1..65535
 * @a: the first part of the message (e.g. a header)
 * @alen: its length
 * @b: the rest
 * @blen: its length; @alen + @blen at most the ring's max_msg
 * @need_doorbell: set true if the receiver wants a doorbell (an IPI) now;
 *	may be NULL
 *
 * The receiver gets one message, @a followed by @b; each part is copied
 * once, straight into the ring.  A message takes
 * cohort_ring_msg_slots(@alen + @blen) consecutive slots, claimed at once.
 * The data slots are written first, then the head slot, and the message
 * is published with one exchange of the head slot's state word for
 * COHORT_RING_MARK(), so the ring holds either the whole message or
 * nothing of it.  If the receiver had skipped the claim after its timeout
 * (or a peer scribbled a skip mark on it), the message is not delivered
 * and the caller is told, also when the slot was reused meanwhile (see
 * "Recovery from a dead sender" in docs/ring-protocol.md).
 *
 * Return: 0 when published; -EAGAIN if the ring is full (nothing written,
 * the sequence number is not used, retry later); -ECANCELED if the
 * message was claimed but the receiver dropped it; -EMSGSIZE if the
 * message is too large; -EINVAL for a bad @type or a missing part.
 */
int cohort_ring_send2(struct cohort_ring_tx *tx, unsigned int type,
		      const void *a, size_t alen, const void *b, size_t blen,
		      bool *need_doorbell)
{
	struct cohort_ring_slot *s;
	struct ring_sum sum;
	bool cancelled, ring;
	u32 len, nslots;
	u64 pos, old;
	int ret;

	if (need_doorbell)
		*need_doorbell = false;
	if (type == COHORT_RING_TYPE_INVALID || type > 0xffff ||
	    (alen && !a) || (blen && !b))
		return -EINVAL;
	if (alen > tx->max_msg || blen > tx->max_msg - alen)
		return -EMSGSIZE;
	len = alen + blen;
	nslots = cohort_ring_msg_slots(len);

	ret = tx_claim(tx, nslots, &pos);
	if (ret) {
		tx->stats.full++;
		return ret;
	}

	s = ring_slot(tx->slots, tx->mask, pos);
	if (len < COHORT_RING_HEAD_DATA)
		memset(s->data + len, 0, COHORT_RING_HEAD_DATA - len);
	sum_init(&sum, pos, tx->sender, type, tx->next_seq, len);
	if (alen) {
		tx_put(tx, s, pos, 0, a, alen);
		sum_add(&sum, a, alen);
	}
	if (blen) {
		tx_put(tx, s, pos, alen, b, blen);
		sum_add(&sum, b, blen);
	}
	s->csum = sum_end(&sum);
	s->sender = tx->sender;
	s->type = type;
	s->msg_seq = tx->next_seq;
	s->len = len;

	ring_before_publish(tx, pos);
	/*
	 * The receiver never passes an unpublished claim but by skipping
	 * it: if head is beyond us, we were too slow, and the slot may
	 * already hold a later lap's message that our mark would spoil.
	 * (A head a peer scribbled ahead costs this message only: the
	 * claim is skipped after the timeout and the number reused.)
	 */
	if ((s64)(READ_ONCE(tx->hdr->head) - pos) > 0) {
		old = COHORT_RING_SKIP(tx->key, pos);
		goto late;
	}
	/*
	 * Publish: one exchange, fully ordered, so the writes above come
	 * before the mark, and it is the barrier the doorbell check below
	 * needs.  It returns what the word held: the receiver's skip mark
	 * if it gave up on us first (our mark then lands behind it, where
	 * it means nothing); if the receiver tries to skip after this, its
	 * compare-and-swap fails and it finds the message published.
	 */
	old = xchg(&s->seq, COHORT_RING_MARK(tx->key, pos));
	if (ring_later_lap(tx, old, pos)) {
		/*
		 * Skipped, and the slot reused for a later lap's message
		 * between the look at head and now: put its word back, so
		 * that it stays published (or skipped) as it was.
		 */
		u64 mark = COHORT_RING_MARK(tx->key, pos);

		try_cmpxchg(&s->seq, &mark, old);
		old = COHORT_RING_SKIP(tx->key, pos);
	}
late:
	cancelled = old == COHORT_RING_SKIP(tx->key, pos);
	/*
	 * A skipped message was never read, its sequence number never
	 * seen: the next message takes it, and the receiver sees no gap.
	 */
	if (!cancelled)
		tx->next_seq++;

	/*
	 * Pairs with the smp_mb() in cohort_ring_notify_enable(): publish,
	 * full barrier (the exchange), read the flag.
	 */
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
 * cohort_ring_send() - send one message
 * @tx: sender state; calls on one @tx must be serialised by the caller
 * @type: message type, 1..65535
 * @buf: the message
 * @len: its length, at most the ring's max_msg
 * @need_doorbell: set true if the receiver wants a doorbell (an IPI) now;
 *	may be NULL
 *
 * cohort_ring_send2() with one part.
 *
 * Return: as cohort_ring_send2().
 */
int cohort_ring_send(struct cohort_ring_tx *tx, unsigned int type,
		     const void *buf, size_t len, bool *need_doorbell)
{
	return cohort_ring_send2(tx, type, buf, len, NULL, 0, need_doorbell);
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
