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
 *  - slots that fail the checksum are counted as unattributed errors;
 *    only well-formed slots (valid checksum) that break the protocol are
 *    attributed to the sender they name, so an honest sender is never
 *    blamed for damage done by another peer.
 * A hostile peer can of course forge valid slots under any sender id;
 * nothing in shared memory can tell who wrote it.
 */
#include "ring_test_util.h"

#define TMO	1000

/* Make @s fragment @frag of its message, with the right data. */
static void setfrag(struct cohort_ring_slot *s, unsigned int frag)
{
	size_t off = (size_t)frag * 36;

	s->frag = frag;
	memset(s->data, 0, sizeof(s->data));
	for (size_t i = 0; i < 36 && off + i < s->len; i++)
		s->data[i] = rt_byte(s->sender, s->msg_seq, off + i);
}

static struct cohort_ring_slot mk(unsigned int sender, unsigned int type,
				  uint32_t seq, uint32_t len, unsigned int frag)
{
	struct cohort_ring_slot s;

	memset(&s, 0, sizeof(s));
	s.sender = sender;
	s.type = type;
	s.msg_seq = seq;
	s.len = len < 5000 ? len : 5000;
	setfrag(&s, frag);
	s.len = len;
	s.nfrags = cohort_ring_nfrags(len);
	return s;
}

static void test_bad_checksum(void **state)
{
	struct rt *t = rt_new(64, 1000, TMO);
	struct cohort_ring_slot s = mk(1, 1, 0, 10, 0);
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

	bad[0] = mk(5, 0, 0, 10, 0);		/* type 0 */
	bad[1] = mk(5, 100, 0, 10, 0);		/* type >= ntypes */
	bad[2] = mk(5, 1, 0, 1001, 0);		/* longer than max_msg */
	bad[3] = mk(5, 1, 0, 100, 0);
	bad[3].nfrags = 2;			/* nfrags disagrees with len */
	bad[4] = mk(5, 1, 0, 100, 3);		/* frag >= nfrags */
	bad[5] = mk(5, 1, 0, 0xffffffff, 0);	/* huge length */
	bad[5].nfrags = 0;
	bad[6] = mk(5, 1, 0, 10, 0);
	bad[6].frag = 0xffff;
	bad[6].nfrags = 0xffff;
	for (i = 0; i < 7; i++)
		rt_forge(t, &bad[i], 0);
	rt_drain(t, 0);
	assert_int_equal(t->nrec, 0);
	assert_int_equal(t->nerr, 7);
	for (i = 0; i < 7; i++) {
		assert_int_equal(t->errs[i].sender, 5);
		assert_int_equal(t->errs[i].err, -EPROTO);
	}
	assert_int_equal(t->rx.peers[5].stats.errors, 7);

	/* Sender id out of range: cannot be attributed to anyone. */
	bad[7] = mk(8, 1, 0, 10, 0);
	rt_forge(t, &bad[7], 0);
	bad[7].sender = 0xffff;
	rt_forge(t, &bad[7], 0);
	rt_drain(t, 0);
	assert_int_equal(t->nerr, 9);
	assert_int_equal(t->errs[7].sender, -1);
	assert_int_equal(t->errs[7].err, -ENXIO);
	assert_int_equal(t->errs[8].sender, -1);

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
	s = mk(1, 1, 1, 10, 0);			/* replay of seq 1 */
	rt_forge(t, &s, 0);
	s = mk(1, 1, 0x80000002u, 10, 0);	/* far behind, modulo 2^32 */
	rt_forge(t, &s, 0);
	assert_int_equal(rt_send(&tx, 1, 10, NULL), 0);
	rt_drain(t, 0);
	assert_int_equal(t->nrec, 3);
	for (unsigned int i = 0; i < 3; i++)
		assert_int_equal(t->rec[i].seq, i);
	/* Discarded as stale, not blamed: see rx_slot(). */
	assert_int_equal(rt_errs_of(t, 1), 0);
	assert_int_equal(t->rx.peers[1].stats.stale, 2);
	assert_int_equal(t->rx.stats.stale, 2);
	assert_int_equal(t->rx.peers[1].stats.drops, 0);
	rt_free(t);
}

/* Reassembly: what is a violation and what is a loss. */
static void test_reassembly_rules(void **state)
{
	struct rt *t = rt_new(64, 1000, TMO);
	struct cohort_ring_slot s;
	struct cohort_ring_stats st;

	/* Fragment going backwards inside a message: violation. */
	s = mk(2, 1, 0, 100, 0);
	rt_forge(t, &s, 0);
	setfrag(&s, 1);
	rt_forge(t, &s, 0);
	rt_forge(t, &s, 0);
	rt_drain(t, 0);
	assert_int_equal(rt_errs_of(t, 2), 1);
	/* Type or length changing inside a message: violation. */
	setfrag(&s, 2);
	s.type = 9;
	rt_forge(t, &s, 0);
	s.type = 1;
	s.len = 99;
	rt_forge(t, &s, 0);
	rt_drain(t, 0);
	assert_int_equal(rt_errs_of(t, 2), 3);
	assert_int_equal(t->nrec, 0);
	/* The real last fragment completes it. */
	s.len = 100;
	setfrag(&s, 2);
	rt_forge(t, &s, 0);
	rt_drain(t, 0);
	assert_int_equal(t->nrec, 1);
	assert_true(t->rec[0].intact);

	/* A jump forward is a loss: dropped, not blamed. */
	s = mk(2, 1, 1, 100, 0);
	rt_forge(t, &s, 0);
	setfrag(&s, 2);
	rt_forge(t, &s, 0);
	rt_drain(t, 0);
	assert_int_equal(rt_errs_of(t, 2), 3);
	cohort_ring_rx_stats(&t->rx, 2, &st);
	assert_int_equal(st.drops, 1);
	/* Start of a message missing: dropped, its rest ignored quietly. */
	s = mk(2, 1, 2, 100, 1);
	rt_forge(t, &s, 0);
	setfrag(&s, 2);
	rt_forge(t, &s, 0);
	/* A new message while one is half done: the half is dropped. */
	s = mk(2, 1, 3, 100, 0);
	rt_forge(t, &s, 0);
	s = mk(2, 1, 4, 10, 0);
	rt_forge(t, &s, 0);
	rt_drain(t, 0);
	assert_int_equal(rt_errs_of(t, 2), 3);
	cohort_ring_rx_stats(&t->rx, 2, &st);
	assert_int_equal(st.drops, 3);
	assert_int_equal(st.received, 2);
	assert_int_equal(t->rec[1].seq, 4);
	rt_free(t);
}

/*
 * Honest messages damaged in the ring: checksum errors (nobody blamed),
 * the sender's loss counted as drops.
 */
static void damage_and_check(unsigned int frags, unsigned int which)
{
	struct rt *t = rt_new(64, 1000, TMO);
	struct cohort_ring_tx tx;
	struct cohort_ring_stats st;
	uint32_t len = frags * 36 - 5;

	rt_attach(t, &tx, 3);
	assert_int_equal(rt_send(&tx, 1, 10, NULL), 0);
	assert_int_equal(rt_send(&tx, 1, len, NULL), 0);
	rt_slot(t, 1 + which)->data[7] ^= 0x40;
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
	damage_and_check(1, 0);		/* whole message */
	damage_and_check(5, 0);		/* first fragment */
	damage_and_check(5, 2);		/* middle */
	damage_and_check(5, 4);		/* last */
}

/* Garbage in state words. */
static void test_garbage_seq(void **state)
{
	struct rt *t = rt_new(64, 1000, TMO);
	struct cohort_ring_hdr *h = rt_hdr(t);
	struct cohort_ring_tx tx;
	struct cohort_ring_stats st;

	rt_attach(t, &tx, 1);
	/* A published slot whose state word is scribbled on: lost. */
	assert_int_equal(rt_send(&tx, 1, 10, NULL), 0);
	assert_int_equal(rt_send(&tx, 1, 10, NULL), 0);
	rt_slot(t, 0)->seq = 0x123456789ULL;
	rt_drain(t, 0);
	assert_int_equal(t->nrec, 1);
	assert_int_equal(t->rec[0].seq, 1);
	assert_int_equal(rt_errs_of(t, -1), 1);
	assert_int_equal(rt_slot(t, 0)->seq, 64);

	/* A free slot at the empty head: repaired in place. */
	rt_slot(t, 2)->seq = 7777;
	assert_int_equal(rt_send(&tx, 1, 10, NULL), -EAGAIN);
	assert_int_equal(cohort_ring_poll(&t->rx, 64, 0), 0);
	assert_int_equal(rt_errs_of(t, -1), 2);
	assert_int_equal(rt_slot(t, 2)->seq, 2);
	assert_int_equal(rt_send(&tx, 1, 10, NULL), 0);
	rt_drain(t, 0);
	assert_int_equal(t->nrec, 2);

	/* Fake "published" on a free slot: stale contents fail the
	 * checksum; tail, now behind head, is put back. */
	rt_slot(t, 3)->seq = 4;
	rt_drain(t, 0);
	rt_drain(t, 0);
	assert_int_equal(h->tail, 4);
	assert_int_equal(rt_send(&tx, 1, 10, NULL), 0);
	rt_drain(t, 0);
	assert_int_equal(t->nrec, 3);

	/* Garbage in the last slot of a large claim, ahead of everyone:
	 * the claim proceeds, that publish fails, the receiver repairs. */
	rt_slot(t, 5 + 5)->seq = 0xdead;
	assert_int_equal(rt_send(&tx, 1, 6 * 36, NULL), -ECANCELED);
	rt_drain(t, 0);
	assert_int_equal(rt_send(&tx, 1, 6 * 36, NULL), 0);
	rt_drain(t, 0);
	assert_int_equal(t->nrec, 4);
	assert_true(t->rec[3].intact);

	/* A slot ahead made to look "still in use by the previous lap":
	 * believed while the receiver's head says it may be... */
	uint64_t tl = h->tail, last = tl + 3, prev = last - 64;

	rt_slot(t, last)->seq = prev + 1;
	h->head = prev;
	assert_int_equal(rt_send(&tx, 1, 4 * 36, NULL), -EAGAIN);
	assert_int_equal(h->tail, tl);
	/* ...and not once the receiver says it has gone past. */
	h->head = t->rx.head;
	assert_int_equal(rt_send(&tx, 1, 4 * 36, NULL), -ECANCELED);
	rt_drain(t, 0);
	assert_int_equal(rt_send(&tx, 1, 4 * 36, NULL), 0);
	rt_drain(t, 0);
	assert_int_equal(t->nrec, 5);
	assert_true(t->rec[4].intact);

	assert_int_equal(rt_errs_of(t, 1), 0);
	cohort_ring_rx_stats(&t->rx, 1, &st);
	/* seq 0 and the two cancelled ones */
	assert_int_equal(st.drops, 3);
	assert_int_equal(st.received, 5);
	rt_free(t);
}

/* Garbage in tail. */
static void test_garbage_tail(void **state)
{
	struct rt *t = rt_new(64, 1000, TMO);
	struct cohort_ring_hdr *h = rt_hdr(t);
	struct cohort_ring_tx tx;
	int i;

	rt_attach(t, &tx, 1);
	for (i = 0; i < 3; i++)
		assert_int_equal(rt_send(&tx, 1, 10, NULL), 0);
	rt_drain(t, 0);

	h->tail = 0xfedcba9876543210ULL;	/* far ahead */
	assert_int_equal(rt_send(&tx, 1, 10, NULL), -EAGAIN);
	assert_int_equal(cohort_ring_poll(&t->rx, 64, 0), 0);
	assert_int_equal(t->errs[0].err, -ERANGE);
	assert_int_equal(h->tail, 3);
	assert_int_equal(rt_send(&tx, 1, 10, NULL), 0);

	h->tail = 1;				/* behind head */
	rt_drain(t, 0);				/* the published one is taken */
	assert_int_equal(t->nrec, 4);
	rt_drain(t, 0);
	assert_int_equal(h->tail, 4);

	h->tail = 4 + 3;			/* a little ahead: phantom claims */
	assert_int_equal(rt_send(&tx, 1, 10, NULL), 0);
	assert_int_equal(cohort_ring_poll(&t->rx, 64, 0), 0);
	assert_true(cohort_ring_rx_stalled(&t->rx));
	assert_int_equal(cohort_ring_poll(&t->rx, 64, TMO), 4);
	assert_int_equal(t->nrec, 5);
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
	rt_hdr(t)->head = 12345;
	assert_int_equal(rt_send(&tx, 1, 500, &bell), 0);
	assert_true(bell);
	rt_drain(t, 0);
	assert_int_equal(t->nrec, 1);
	assert_true(t->rec[0].intact);
	assert_int_equal(rt_hdr(t)->head, 14);
	assert_int_equal(cohort_ring_tx_attach(&tx, t->mem, t->size, 1),
			 -ENODEV);
	rt_free(t);
}

/*
 * Random garbage between and during operations.  Three honest senders,
 * one forger (id 6) whose slots have valid checksums but break rules,
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
		rt_slot(t, pos)->seq = pos + rnd() % 3 - 1 +
			(rnd() & 1) * t->rx.nslots;
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

/* A well-formed slot from the forger that breaks one rule. */
static void forge_bad(struct rt *t, uint32_t *fseq)
{
	struct cohort_ring_hdr *h = rt_hdr(t);
	struct cohort_ring_slot s = mk(6, 1, *fseq, 10, 0);
	uint64_t pos = h->tail;

	switch (rnd() % 5) {
	case 0:
		s.type = 0;
		break;
	case 1:
		s.len = 5000;
		break;
	case 2:
		s.frag = 3;
		break;
	case 3:
		s.msg_seq = *fseq - 1 - (uint32_t)(rnd() % 100);
		break;
	default:
		s.nfrags = 7;
		break;
	}
	(*fseq)++;
	if (rt_slot(t, pos)->seq != pos || pos - t->rx.head >= t->rx.nslots)
		return;			/* not free: the forger gives up */
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
			now += rnd() % 4 ? rnd() % 50 : rnd() % (3 * TMO);
			ret = cohort_ring_poll(&t->rx, rnd() % 100, now);
			assert_true(ret >= 0 && ret < 100);
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
		cmocka_unit_test(test_reassembly_rules),
		cmocka_unit_test(test_honest_loss),
		cmocka_unit_test(test_garbage_seq),
		cmocka_unit_test(test_garbage_tail),
		cmocka_unit_test(test_garbage_header),
		cmocka_unit_test(test_random_garbage),
	};

	return cmocka_run_group_tests_name("ring_fuzz", tests, NULL, NULL);
}
