// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the ring protocol: every validation path, honest loss,
 * and garbage written into the ring between (and during) operations.
 *
 * What is guaranteed, and checked here, when peers scribble on the ring:
 *  - the receiver neither crashes nor loops: every poll returns, within
 *    its budget;
 *  - every message delivered is exactly what its sender sent, and each
 *    sender's messages are delivered in order, never twice;
 *  - every sequence number an honest sender used is, in the end, either
 *    delivered or counted in that sender's drops at the receiver;
 *  - messages that fail the checksum are counted as unattributed errors;
 *    only well-formed messages (valid checksum) that break the protocol
 *    are attributed to the sender they name, so an honest sender is never
 *    blamed for damage done by another peer.
 * A hostile peer can of course forge valid messages under any sender id;
 * nothing in shared memory can tell who wrote it.
 */
#include "ring_test_util.h"

#define TMO	1000

/* A head slot; rt_forge() adds the bytes rt_fill() makes. */
static struct cohort_ring_slot mk(unsigned int sender, unsigned int type,
				  uint32_t seq, uint32_t len)
{
	struct cohort_ring_slot s;

	memset(&s, 0, sizeof(s));
	s.sender = sender;
	s.type = type;
	s.msg_seq = seq;
	s.len = len;
	return s;
}

/*
 * Poll at @now, then late enough that the receiver looks at tail and
 * sees a claim, then past the claim timeout.  Returns the last time.
 */
static uint64_t rt_outwait(struct rt *t, uint64_t now)
{
	rt_drain(t, now);
	rt_drain(t, now + TMO / 8);
	rt_drain(t, now + TMO / 8 + TMO);
	return now + TMO / 8 + TMO;
}

static void test_bad_checksum(void **state)
{
	struct rt *t = rt_new(64, 1000, TMO);
	struct cohort_ring_slot s = mk(1, 1, 0, 10);
	struct cohort_ring_tx tx;

	rt_forge(t, &s, 1);
	rt_drain(t, 0);
	assert_int_equal(t->nrec, 0);
	assert_int_equal(t->nerr, 1);
	assert_int_equal(t->errs[0].sender, -1);
	assert_int_equal(t->errs[0].err, -EBADMSG);
	/* The same slot with a good checksum goes through. */
	rt_forge(t, &s, 0);
	rt_drain(t, 0);
	assert_int_equal(t->nrec, 1);
	assert_true(t->rec[0].intact);
	/* The honest sender 1 carries on from seq 1. */
	rt_attach(t, &tx, 1);
	tx.next_seq = 1;
	assert_int_equal(rt_send(&tx, 1, 10, NULL), 0);
	rt_drain(t, 0);
	assert_int_equal(t->nrec, 2);
	assert_int_equal(t->rx.stats.errors, 1);
	assert_int_equal(t->rx.peers[1].stats.errors, 0);
	rt_free(t);
}

/* Well-formed slots that break a rule: attributed to their sender. */
static void test_violations(void **state)
{
	struct rt *t = rt_new(64, 1000, TMO);
	struct cohort_ring_slot bad[8];
	struct cohort_ring_tx tx;
	unsigned int i;

	bad[0] = mk(5, 0, 0, 10);		/* type 0 */
	bad[1] = mk(5, 100, 0, 500);		/* type >= ntypes */
	bad[2] = mk(5, 0xffff, 0, 0);
	for (i = 0; i < 3; i++)
		rt_forge(t, &bad[i], 0);
	rt_drain(t, 0);
	assert_int_equal(t->nrec, 0);
	assert_int_equal(t->nerr, 3);
	for (i = 0; i < 3; i++) {
		assert_int_equal(t->errs[i].sender, 5);
		assert_int_equal(t->errs[i].err, -EPROTO);
	}
	assert_int_equal(t->rx.peers[5].stats.errors, 3);

	/*
	 * Longer than max_msg: its extent and checksum cannot be known, so
	 * nobody is blamed and only the head slot is taken.
	 */
	bad[3] = mk(5, 1, 0, 1001);
	bad[4] = mk(5, 1, 0, 0xffffffff);
	rt_forge(t, &bad[3], 0);
	rt_forge(t, &bad[4], 0);
	assert_int_equal(rt_drain(t, 0), 2);
	assert_int_equal(t->nerr, 5);
	assert_int_equal(t->errs[3].sender, -1);
	assert_int_equal(t->errs[3].err, -EMSGSIZE);
	assert_int_equal(t->errs[4].err, -EMSGSIZE);

	/* Sender id out of range: cannot be attributed to anyone. */
	bad[7] = mk(8, 1, 0, 10);
	rt_forge(t, &bad[7], 0);
	bad[7].sender = 0xffff;
	rt_forge(t, &bad[7], 0);
	rt_drain(t, 0);
	assert_int_equal(t->nerr, 7);
	assert_int_equal(t->errs[5].sender, -1);
	assert_int_equal(t->errs[5].err, -ENXIO);
	assert_int_equal(t->errs[6].sender, -1);
	assert_int_equal(t->rx.peers[5].stats.errors, 3);

	/* None of it disturbed sender 5's own sequence. */
	rt_attach(t, &tx, 5);
	assert_int_equal(rt_send(&tx, 1, 10, NULL), 0);
	rt_drain(t, 0);
	assert_int_equal(t->nrec, 1);
	assert_int_equal(t->rec[0].seq, 0);
	assert_int_equal(t->rx.peers[5].stats.drops, 0);
	rt_free(t);
}

/* Old or duplicate sequence numbers are never delivered. */
static void test_duplicate(void **state)
{
	struct rt *t = rt_new(64, 1000, TMO);
	struct cohort_ring_slot s;
	struct cohort_ring_tx tx;

	rt_attach(t, &tx, 1);
	assert_int_equal(rt_send(&tx, 1, 10, NULL), 0);
	assert_int_equal(rt_send(&tx, 1, 10, NULL), 0);
	s = mk(1, 1, 1, 10);			/* replay of seq 1 */
	rt_forge(t, &s, 0);
	s = mk(1, 1, (uint32_t)-60, 100);	/* behind, modulo 2^32 */
	rt_forge(t, &s, 0);
	assert_int_equal(rt_send(&tx, 1, 10, NULL), 0);
	rt_drain(t, 0);
	assert_int_equal(t->nrec, 3);
	for (unsigned int i = 0; i < 3; i++)
		assert_int_equal(t->rec[i].seq, i);
	/* Discarded as stale, not blamed: see rx_msg(). */
	assert_int_equal(t->nerr, 0);
	assert_int_equal(t->rx.peers[1].stats.stale, 2);
	assert_int_equal(t->rx.stats.stale, 2);
	assert_int_equal(t->rx.peers[1].stats.drops, 0);
	rt_free(t);
}

/*
 * A number forged far ahead under an honest sender's id does not silence
 * it: its next message, further back than the ring can reorder, starts
 * the sequence again, with an error blamed on nobody.  One forged within
 * the ring's reach holds it up for that many messages at most.
 */
static void test_forged_ahead(void **state)
{
	struct rt *t = rt_new(64, 1000, TMO);
	struct cohort_ring_slot s;
	struct cohort_ring_tx tx;
	unsigned int i;

	rt_attach(t, &tx, 1);
	assert_int_equal(rt_send(&tx, 1, 10, NULL), 0);
	s = mk(1, 1, 0x40000000u, 10);
	rt_forge(t, &s, 0);
	for (i = 0; i < 3; i++)
		assert_int_equal(rt_send(&tx, 1, 10, NULL), 0);
	rt_drain(t, 0);
	assert_int_equal(t->nrec, 5);
	assert_int_equal(t->rec[1].seq, 0x40000000u);
	for (i = 0; i < 3; i++)
		assert_int_equal(t->rec[2 + i].seq, 1 + i);
	assert_int_equal(t->nerr, 1);
	assert_int_equal(t->errs[0].sender, -1);
	assert_int_equal(t->errs[0].err, -EILSEQ);
	assert_int_equal(t->rx.peers[1].stats.errors, 0);
	assert_int_equal(t->rx.peers[1].stats.stale, 0);

	/* Just within reach: the honest messages up to it are stale. */
	s = mk(1, 1, tx.next_seq + 10, 10);
	rt_forge(t, &s, 0);
	for (i = 0; i < 12; i++)
		assert_int_equal(rt_send(&tx, 1, 10, NULL), 0);
	t->nrec = 0;
	rt_drain(t, 0);
	assert_int_equal(t->nrec, 2);
	assert_int_equal(t->rec[1].seq, tx.next_seq - 1);
	assert_int_equal(t->rx.peers[1].stats.stale, 11);
	assert_int_equal(t->nerr, 1);
	rt_free(t);
}

/*
 * A forged head that says it is longer than its claim: the receiver takes
 * the slots it names, whoever claimed them.  The honest messages in them
 * are lost (counted as drops when their sender's next one arrives), the
 * forged one fails its checksum, and the ring recovers.
 */
static void test_forged_extent(void **state)
{
	struct rt *t = rt_new(64, 1000, TMO);
	struct cohort_ring_hdr *h = rt_hdr(t);
	struct cohort_ring_slot s = mk(2, 1, 0, 10);
	struct cohort_ring_stats st;
	struct cohort_ring_tx tx;
	uint64_t pos = h->tail;

	rt_attach(t, &tx, 1);
	rt_forge(t, &s, 0);
	rt_slot(t, pos)->len = RT_CAP(4);	/* 4 slots, claimed 1 */
	assert_int_equal(rt_send(&tx, 1, 10, NULL), 0);
	assert_int_equal(rt_send(&tx, 1, 100, NULL), 0);
	assert_int_equal(rt_send(&tx, 1, 10, NULL), 0);
	assert_int_equal(rt_drain(t, 0), 5);
	assert_int_equal(t->nrec, 1);
	assert_int_equal(t->rec[0].seq, 2);
	assert_true(t->rec[0].intact);
	assert_int_equal(rt_errs_of(t, -1), 1);
	assert_int_equal(t->errs[0].err, -EBADMSG);
	cohort_ring_rx_stats(&t->rx, 1, &st);
	assert_int_equal(st.drops, 2);

	/* Past tail: tail is put back once the receiver looks at it. */
	rt_forge(t, &s, 0);
	rt_slot(t, h->tail - 1)->len = RT_CAP(3);
	assert_int_equal(rt_drain(t, 1000), 3);
	assert_true(t->rx.head > h->tail);
	rt_drain(t, 1000 + TMO / 8);
	assert_int_equal(h->tail, t->rx.head);
	assert_int_equal(t->errs[t->nerr - 1].err, -ERANGE);
	assert_int_equal(rt_send(&tx, 1, 10, NULL), 0);
	rt_drain(t, 1000 + TMO / 8);
	assert_int_equal(t->nrec, 2);
	assert_int_equal(rt_errs_of(t, 1), 0);
	rt_free(t);
}

/*
 * Honest messages damaged in the ring: checksum errors (nobody blamed),
 * the sender's loss counted as drops.
 */
static void damage_and_check(unsigned int slots, unsigned int which,
			     unsigned int byte)
{
	struct rt *t = rt_new(64, 1000, TMO);
	struct cohort_ring_tx tx;
	struct cohort_ring_stats st;
	uint32_t len = RT_CAP(slots) - 5;

	rt_attach(t, &tx, 3);
	assert_int_equal(rt_send(&tx, 1, 10, NULL), 0);
	assert_int_equal(rt_send(&tx, 1, len, NULL), 0);
	((uint8_t *)rt_slot(t, 1 + which))[byte] ^= 0x40;
	assert_int_equal(rt_send(&tx, 1, len, NULL), 0);
	rt_drain(t, 0);
	assert_int_equal(t->nrec, 2);
	assert_int_equal(t->rec[0].seq, 0);
	assert_int_equal(t->rec[1].seq, 2);
	assert_true(t->rec[1].intact);
	assert_int_equal(rt_errs_of(t, 3), 0);
	assert_int_equal(rt_errs_of(t, -1), 1);
	cohort_ring_rx_stats(&t->rx, 3, &st);
	assert_int_equal(st.drops, 1);
	rt_free(t);
}

static void test_honest_loss(void **state)
{
	damage_and_check(1, 0, 30);	/* one-slot message */
	damage_and_check(1, 0, 17);	/* its msg_seq */
	damage_and_check(5, 0, 30);	/* head slot */
	damage_and_check(5, 0, 13);	/* its sender id */
	damage_and_check(5, 2, 0);	/* middle */
	damage_and_check(5, 4, 50);	/* last */
}

/* Garbage in state words. */
static void test_garbage_seq(void **state)
{
	struct rt *t = rt_new(64, 1000, TMO);
	struct cohort_ring_hdr *h = rt_hdr(t);
	uint64_t key = rt_key(t), now;
	struct cohort_ring_tx tx;
	struct cohort_ring_stats st;

	rt_attach(t, &tx, 1);
	/*
	 * A published head whose state word is scribbled on: unpublished
	 * now, so skipped after the claim timeout, lost.
	 */
	assert_int_equal(rt_send(&tx, 1, 10, NULL), 0);
	assert_int_equal(rt_send(&tx, 1, 10, NULL), 0);
	rt_slot(t, 0)->seq = 0x123456789ULL;
	now = rt_outwait(t, 0);
	assert_int_equal(t->nrec, 1);
	assert_int_equal(t->rec[0].seq, 1);
	assert_int_equal(t->rx.stats.skipped, 1);

	/* The mark of another position, or of the previous lap. */
	assert_int_equal(rt_send(&tx, 1, 10, NULL), 0);
	rt_slot(t, 2)->seq = COHORT_RING_MARK(key, 3);
	assert_int_equal(rt_send(&tx, 1, 10, NULL), 0);
	rt_slot(t, 3)->seq = COHORT_RING_MARK(key, 3 - 64);
	assert_int_equal(rt_send(&tx, 1, 10, NULL), 0);
	now = rt_outwait(t, now);
	assert_int_equal(t->nrec, 2);
	assert_int_equal(t->rec[1].seq, 4);
	assert_int_equal(t->rx.stats.skipped, 3);

	/*
	 * "Published" on a free slot: stale contents fail the checksum;
	 * tail, now behind head, is put back.
	 */
	rt_slot(t, 5)->seq = COHORT_RING_MARK(key, 5);
	rt_drain(t, now);
	assert_int_equal(t->errs[t->nerr - 1].err, -EBADMSG);
	now = rt_outwait(t, now);
	assert_int_equal(h->tail, 6);
	assert_int_equal(rt_send(&tx, 1, 10, NULL), 0);
	rt_drain(t, now);
	assert_int_equal(t->nrec, 3);

	/*
	 * A skip mark forged at the next free slot: the sender that claims
	 * it reports -ECANCELED, yet its message is published and arrives
	 * (the sender's return value is not guaranteed under interference;
	 * the message, and its order, are).  Sent again, as cancelled
	 * messages are, with the same sequence number: the receiver drops
	 * the copy as stale, so it arrives once.
	 */
	rt_slot(t, 7)->seq = COHORT_RING_SKIP(key, 7);
	assert_int_equal(rt_send(&tx, 1, 6 * 64, NULL), -ECANCELED);
	assert_int_equal(rt_send(&tx, 1, 6 * 64, NULL), 0);
	assert_int_equal(rt_send(&tx, 1, 10, NULL), 0);
	now = rt_outwait(t, now);
	assert_int_equal(t->nrec, 5);
	assert_true(t->rec[3].intact);
	assert_int_equal(t->rec[3].len, 6 * 64);
	assert_true(t->rec[4].intact);
	assert_int_equal(t->rec[4].len, 10);
	assert_int_equal(t->rec[4].seq, t->rec[3].seq + 1);

	/* head made to look behind: the ring looks full until it moves. */
	h->head = h->tail - 64;
	tx.head = h->head;
	assert_int_equal(rt_send(&tx, 1, 10, NULL), -EAGAIN);
	h->head = t->rx.head;
	assert_int_equal(rt_send(&tx, 1, 10, NULL), 0);
	rt_drain(t, now);
	assert_int_equal(t->nrec, 6);
	assert_true(t->rec[5].intact);

	assert_int_equal(rt_errs_of(t, 1), 0);
	cohort_ring_rx_stats(&t->rx, 1, &st);
	/* seq 0, 2 and 3 */
	assert_int_equal(st.drops, 3);
	assert_int_equal(st.stale, 1);
	assert_int_equal(st.received, 6);
	rt_free(t);
}

/* Garbage in tail. */
static void test_garbage_tail(void **state)
{
	struct rt *t = rt_new(64, 1000, TMO);
	struct cohort_ring_hdr *h = rt_hdr(t);
	struct cohort_ring_tx tx;
	uint64_t now = 0;
	int i;

	rt_attach(t, &tx, 1);
	for (i = 0; i < 3; i++)
		assert_int_equal(rt_send(&tx, 1, 10, NULL), 0);
	rt_drain(t, now);

	h->tail = 3 + (1ULL << 40);		/* far ahead: looks full */
	assert_int_equal(rt_send(&tx, 1, 10, NULL), -EAGAIN);
	now += TMO / 8;
	assert_int_equal(cohort_ring_poll(&t->rx, 64, now), 0);
	assert_int_equal(t->errs[0].err, -ERANGE);
	assert_int_equal(h->tail, 3);
	assert_int_equal(rt_send(&tx, 1, 10, NULL), 0);
	rt_drain(t, now);
	assert_int_equal(t->nrec, 4);

	/* Far behind: refused too until the receiver repairs it. */
	h->tail = 0xfedcba9876543210ULL;
	assert_int_equal(rt_send(&tx, 1, 10, NULL), -EAGAIN);
	now += TMO / 8;
	rt_drain(t, now);
	now += TMO / 8;
	rt_drain(t, now);
	assert_int_equal(t->errs[1].err, -ERANGE);
	assert_int_equal(h->tail, 4);
	assert_int_equal(rt_send(&tx, 1, 10, NULL), 0);

	h->tail = 1;				/* behind head */
	rt_drain(t, now);			/* the published one is taken */
	assert_int_equal(t->nrec, 5);
	now += TMO / 8;
	rt_drain(t, now);
	assert_int_equal(h->tail, 5);

	h->tail = 5 + 3;			/* a little ahead: phantom claims */
	assert_int_equal(rt_send(&tx, 1, 10, NULL), 0);
	now = rt_outwait(t, now);
	assert_int_equal(t->nrec, 6);
	assert_int_equal(t->rx.stats.skipped, 3);
	assert_int_equal(rt_errs_of(t, 1), 0);
	assert_int_equal(t->rx.peers[1].stats.drops, 0);
	rt_free(t);
}

/* Header fields other than tail: private copies make them harmless. */
static void test_garbage_header(void **state)
{
	struct rt *t = rt_new(64, 1000, TMO);
	struct cohort_ring_tx tx;
	bool bell;

	rt_attach(t, &tx, 1);
	cohort_ring_notify_disable(&t->rx);
	memset(t->mem, 0xff, 64);		/* line 0 */
	rt_hdr(t)->notify = 0x5a5a5a5a;	/* not 0: a doorbell too many */
	rt_hdr(t)->head = 12345;		/* ahead of tail */
	tx.head = 12345;
	assert_int_equal(rt_send(&tx, 1, 500, &bell), -EAGAIN);
	/* Put right by the receiver when it next looks at tail. */
	rt_drain(t, 0);
	rt_drain(t, TMO / 8);
	assert_int_equal(rt_hdr(t)->head, 0);
	assert_int_equal(rt_send(&tx, 1, 500, &bell), 0);
	assert_true(bell);
	rt_drain(t, TMO / 8);
	assert_int_equal(t->nrec, 1);
	assert_true(t->rec[0].intact);
	assert_int_equal(rt_hdr(t)->head, cohort_ring_msg_slots(500));
	assert_int_equal(cohort_ring_tx_attach(&tx, t->mem, t->size, 1),
			 -ENODEV);
	rt_free(t);
}

/*
 * Random garbage between and during operations.  Three honest senders,
 * one forger (id 6) whose messages have valid checksums but break rules,
 * random bytes, random state words, random tails.  The receiver
 * quarantines whoever it can blame.
 */
static uint64_t rng_state;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static struct rt *fz;
static unsigned int fz_scribbles;

static void scribble(struct rt *t)
{
	struct cohort_ring_hdr *h = rt_hdr(t);
	uint64_t pos = t->rx.head + rnd() % (t->rx.nslots + 4);
	uint8_t *mem = t->mem;
	unsigned int k;

	fz_scribbles++;
	switch (rnd() % 8) {
	case 0:				/* random bytes anywhere */
		for (k = rnd() % 16 + 1; k; k--)
			mem[rnd() % t->size] = (uint8_t)rnd();
		break;
	case 1:				/* a random state word */
		rt_slot(t, pos)->seq = rnd();
		break;
	case 2:				/* a plausible state word */
		rt_slot(t, pos)->seq = (rnd() & 1 ? COHORT_RING_MARK(rt_key(t),
					pos + rnd() % 3 - 1 -
					(rnd() & 1) * t->rx.nslots) :
					COHORT_RING_SKIP(rt_key(t), pos));
		break;
	case 3:				/* a random tail */
		h->tail = rnd();
		break;
	case 4:				/* a plausible tail */
		h->tail += rnd() % 5 - 2;
		break;
	case 5:				/* a whole slot of garbage */
		for (k = 8; k < 64; k++)
			((uint8_t *)rt_slot(t, pos))[k] = (uint8_t)rnd();
		break;
	case 6:				/* the header, all of it */
		for (k = 0; k < 8; k++)
			mem[rnd() % COHORT_RING_HDR_SIZE] = (uint8_t)rnd();
		break;
	default:			/* one bit of a slot */
		((uint8_t *)rt_slot(t, pos))[rnd() % 64] ^=
			(uint8_t)(1u << (rnd() % 8));
		break;
	}
}

static void fz_deliver(void *ctx, const struct cohort_ring_msg *msg)
{
	rt_deliver(ctx, msg);
	/* Peers write while the receiver works. */
	if (rnd() % 4 == 0)
		scribble(fz);
}

/* A well-formed message from the forger that breaks one rule. */
static void forge_bad(struct rt *t, uint32_t *fseq)
{
	struct cohort_ring_hdr *h = rt_hdr(t);
	struct cohort_ring_slot s = mk(6, 1, *fseq, rnd() % 300);
	uint64_t pos = h->tail;

	switch (rnd() % 4) {
	case 0:
		s.type = 0;
		break;
	case 1:
		s.type = 100 + rnd() % 1000;
		break;
	case 2:
		s.len = 5000;
		break;
	default:
		s.msg_seq = *fseq - 1 - (uint32_t)(rnd() % 100);
		break;
	}
	(*fseq)++;
	if (pos - t->rx.head + cohort_ring_msg_slots(s.len) > t->rx.nslots)
		return;			/* no room: the forger gives up */
	rt_forge(t, &s, 0);
}

static void test_random_garbage(void **state)
{
	const char *env_seed = getenv("RING_FUZZ_SEED");
	const char *env_iter = getenv("RING_FUZZ_ITER");
	unsigned long iters = env_iter ? strtoul(env_iter, NULL, 0) : 30000;
	struct cohort_ring_tx tx[4];
	struct cohort_ring_stats st;
	uint32_t last[4] = { 0 }, fseq = 0;
	bool seen[4] = { false };
	uint64_t now = 0;
	unsigned int i, s, done;
	struct rt *t;
	int ret;

	rng_state = env_seed ? strtoull(env_seed, NULL, 0) : 0x9e3779b97f4a7c15ULL;
	if (!rng_state)
		rng_state = 1;
	print_message("seed %#llx iterations %lu\n",
		      (unsigned long long)rng_state, iters);
	t = rt_new(256, 2000, TMO);
	fz = t;
	fz_scribbles = 0;
	t->ops.deliver = fz_deliver;
	t->quarantine_on_error = 1;
	for (s = 1; s <= 3; s++)
		rt_attach(t, &tx[s], s);

	for (unsigned long it = 0; it < iters; it++) {
		unsigned int r = rnd() % 100;

		if (r < 55) {
			s = 1 + rnd() % 3;
			ret = rt_send(&tx[s], 1 + s,
				      rnd() % 8 ? rnd() % 200 : rnd() % 2001,
				      NULL);
			assert_true(ret == 0 || ret == -EAGAIN ||
				    ret == -ECANCELED);
		} else if (r < 62) {
			forge_bad(t, &fseq);
		} else if (r < 72) {
			scribble(t);
		} else {
			unsigned int budget = rnd() % 100;

			now += rnd() % 4 ? rnd() % 50 : rnd() % (3 * TMO);
			ret = cohort_ring_poll(&t->rx, budget, now);
			/* Past the budget by one message at most. */
			assert_true(ret >= 0 &&
				    (unsigned int)ret < budget +
				    cohort_ring_msg_slots(2000));
		}
		/* What was delivered is intact and in order per sender. */
		for (i = 0; i < t->nrec; i++) {
			struct rt_rec *rc = &t->rec[i];

			assert_true(rc->sender >= 1 && rc->sender <= 3);
			assert_true(rc->intact);
			assert_int_equal(rc->type, 1 + rc->sender);
			if (seen[rc->sender])
				assert_true((int32_t)(rc->seq -
						      last[rc->sender]) > 0);
			seen[rc->sender] = true;
			last[rc->sender] = rc->seq;
		}
		t->nrec = 0;
	}

	/* Garbage stops.  Each honest sender gets a last message through. */
	t->ops.deliver = rt_deliver;
	for (s = 1; s <= 3; s++) {
		for (i = 0; i < 1000; i++) {
			ret = rt_send(&tx[s], 1 + s, 10, NULL);
			if (ret == 0)
				break;
			now += TMO;
			rt_drain(t, now);
			now += TMO;
			rt_drain(t, now);
		}
		assert_int_equal(ret, 0);
	}
	for (i = 0, done = 0; i < 100 && done < 3; i++) {
		now += TMO;
		rt_drain(t, now);
		for (done = 0, s = 1; s <= 3; s++)
			done += seen[s] && last[s] == tx[s].next_seq - 1;
		for (unsigned int k = 0; k < t->nrec; k++) {
			struct rt_rec *rc = &t->rec[k];

			assert_true(rc->intact);
			assert_true((int32_t)(rc->seq - last[rc->sender]) > 0 ||
				    !seen[rc->sender]);
			seen[rc->sender] = true;
			last[rc->sender] = rc->seq;
		}
		t->nrec = 0;
		for (done = 0, s = 1; s <= 3; s++)
			done += seen[s] && last[s] == tx[s].next_seq - 1;
	}
	assert_int_equal(done, 3);

	/* Every sequence number used: delivered or counted as dropped. */
	for (s = 1; s <= 3; s++) {
		cohort_ring_rx_stats(&t->rx, (int)s, &st);
		print_message("sender %u: used %u received %llu drops %llu\n",
			      s, tx[s].next_seq,
			      (unsigned long long)st.received,
			      (unsigned long long)st.drops);
		assert_int_equal(st.received + st.drops, tx[s].next_seq);
		assert_int_equal(st.errors, 0);
		assert_false(t->rx.peers[s].quarantined);
		assert_int_equal(rt_errs_of(t, (int)s), 0);
	}
	cohort_ring_rx_stats(&t->rx, -1, &st);
	print_message("ring: errors %llu skipped %llu scribbles %u, forger errors %u\n",
		      (unsigned long long)st.errors,
		      (unsigned long long)st.skipped, fz_scribbles,
		      rt_errs_of(t, 6));
	assert_true(st.errors > 0);
	assert_true(t->rx.peers[6].quarantined);
	assert_true(rt_errs_of(t, 6) >= 1);
	rt_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_checksum),
		cmocka_unit_test(test_violations),
		cmocka_unit_test(test_duplicate),
		cmocka_unit_test(test_forged_ahead),
		cmocka_unit_test(test_forged_extent),
		cmocka_unit_test(test_honest_loss),
		cmocka_unit_test(test_garbage_seq),
		cmocka_unit_test(test_garbage_tail),
		cmocka_unit_test(test_garbage_header),
		cmocka_unit_test(test_random_garbage),
	};

	return cmocka_run_group_tests_name("ring_fuzz", tests, NULL, NULL);
}
