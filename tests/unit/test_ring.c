// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the ring protocol: single-threaded semantics.
 * Validation and garbage are in test_ring_fuzz.c.
 */
#include "ring_test_util.h"

#define TMO	1000	/* claim timeout, in the tests' time unit */

static void test_init_geometry(void **state)
{
	struct rt *t = rt_new(64, 1000, TMO);
	struct cohort_ring_hdr *h = rt_hdr(t);
	struct cohort_ring_geom g;

	assert_int_equal(h->magic, COHORT_RING_MAGIC);
	assert_int_equal(h->version, COHORT_RING_VERSION);
	assert_int_equal(h->hdr_size, COHORT_RING_HDR_SIZE);
	assert_int_equal(h->slot_size, 64);
	assert_int_equal(h->nslots, 64);
	assert_int_equal(h->owner, 7);
	assert_int_equal(h->ring_size, COHORT_RING_BYTES(64));
	assert_int_equal(h->tail, 0);
	assert_int_equal(h->notify, COHORT_RING_NOTIFY_ON);
	/* The key always has bit 62, so no zeroed slot looks published. */
	assert_true(h->key & (1ULL << 62));
	for (unsigned int i = 0; i < 64; i++) {
		assert_int_equal(rt_slot(t, i)->seq, 0);
		assert_true(COHORT_RING_MARK(h->key, i) != 0);
	}
	assert_false(cohort_ring_rx_pending(&t->rx));
	assert_int_equal(cohort_ring_check(t->mem, t->size, &g), 0);
	assert_int_equal(g.nslots, 64);
	assert_int_equal(g.max_msg, 1000);
	assert_int_equal(g.max_senders, 8);
	assert_int_equal(g.owner, 7);
	assert_int_equal(g.key, h->key);
	rt_free(t);
}

static void test_init_sizes(void **state)
{
	struct cohort_ring_rx_config cfg = { .max_msg = 36, .max_senders = 4,
					     .key = 0x1234 };
	struct cohort_ring_rx_ops ops = { .deliver = rt_deliver };
	struct cohort_ring_rx rx;
	size_t size = COHORT_RING_BYTES(100);
	uint8_t *mem = aligned_alloc(64, size + 64);

	/* The largest power of two that fits. */
	assert_int_equal(cohort_ring_rx_init(&rx, mem, size, &cfg, &ops, NULL),
			 0);
	assert_int_equal(rx.nslots, 64);
	/* Misaligned, too small, bad limits, no deliver hook. */
	assert_int_equal(cohort_ring_rx_init(&rx, mem + 8, size, &cfg, &ops,
					     NULL), -EINVAL);
	assert_int_equal(cohort_ring_rx_init(&rx, mem, COHORT_RING_BYTES(1),
					     &cfg, &ops, NULL), -EINVAL);
	cfg.max_msg = RT_CAP(64) + 1;	/* 65 slots */
	assert_int_equal(cohort_ring_rx_init(&rx, mem, size, &cfg, &ops, NULL),
			 -EINVAL);
	cfg.max_msg = RT_CAP(64);
	assert_int_equal(cohort_ring_rx_init(&rx, mem, size, &cfg, &ops, NULL),
			 0);
	assert_int_equal(rx.key, 0x1234 | (1ULL << 62));
	cfg.max_senders = 0;
	assert_int_equal(cohort_ring_rx_init(&rx, mem, size, &cfg, &ops, NULL),
			 -EINVAL);
	cfg.max_senders = COHORT_RING_MAX_SENDERS + 1;
	assert_int_equal(cohort_ring_rx_init(&rx, mem, size, &cfg, &ops, NULL),
			 -EINVAL);
	cfg.max_senders = 4;
	ops.deliver = NULL;
	assert_int_equal(cohort_ring_rx_init(&rx, mem, size, &cfg, &ops, NULL),
			 -EINVAL);
	free(mem);
}

static void test_attach_validation(void **state)
{
	struct rt *t = rt_new(64, 1000, TMO);
	struct cohort_ring_hdr *h = rt_hdr(t);
	struct cohort_ring_tx tx;

	assert_int_equal(cohort_ring_tx_attach(&tx, t->mem, t->size, 3), 0);
	assert_int_equal(tx.nslots, 64);
	assert_int_equal(cohort_ring_tx_attach(&tx, t->mem, t->size, 8),
			 -EINVAL);
	assert_int_equal(cohort_ring_tx_attach(&tx, t->mem, t->size - 64, 3),
			 -ERANGE);
	assert_int_equal(cohort_ring_tx_attach(&tx, (uint8_t *)t->mem + 4,
					       t->size, 3), -EINVAL);
	assert_int_equal(cohort_ring_tx_attach(&tx, NULL, t->size, 3), -EINVAL);

	/* An unknown layout version is refused with its own error. */
	h->version = COHORT_RING_VERSION + 1;
	assert_int_equal(cohort_ring_tx_attach(&tx, t->mem, t->size, 3),
			 -EPROTONOSUPPORT);
	h->version = 0;
	assert_int_equal(cohort_ring_tx_attach(&tx, t->mem, t->size, 3),
			 -EPROTONOSUPPORT);
	h->version = COHORT_RING_VERSION;

	h->magic ^= 1;
	assert_int_equal(cohort_ring_tx_attach(&tx, t->mem, t->size, 3),
			 -ENODEV);
	h->magic ^= 1;

	h->nslots = 48;			/* not a power of two */
	assert_int_equal(cohort_ring_tx_attach(&tx, t->mem, t->size, 3),
			 -EINVAL);
	h->nslots = 128;		/* ring_size disagrees */
	assert_int_equal(cohort_ring_tx_attach(&tx, t->mem, t->size, 3),
			 -EINVAL);
	h->ring_size = COHORT_RING_BYTES(128);	/* bigger than the mapping */
	assert_int_equal(cohort_ring_tx_attach(&tx, t->mem, t->size, 3),
			 -ERANGE);
	h->nslots = 64;
	h->ring_size = COHORT_RING_BYTES(64);
	h->slot_size = 128;
	assert_int_equal(cohort_ring_tx_attach(&tx, t->mem, t->size, 3),
			 -EINVAL);
	h->slot_size = 64;
	h->hdr_size = 128;
	assert_int_equal(cohort_ring_tx_attach(&tx, t->mem, t->size, 3),
			 -EINVAL);
	h->hdr_size = COHORT_RING_HDR_SIZE;
	h->max_msg = RT_CAP(65);	/* more than the ring */
	assert_int_equal(cohort_ring_tx_attach(&tx, t->mem, t->size, 3),
			 -EINVAL);
	h->max_msg = 1000;
	h->max_senders = 0;
	assert_int_equal(cohort_ring_tx_attach(&tx, t->mem, t->size, 3),
			 -EINVAL);
	h->max_senders = 8;
	assert_int_equal(cohort_ring_tx_attach(&tx, t->mem, t->size, 3), 0);

	/* The sender keeps its own geometry: later header damage is moot. */
	h->nslots = 3;
	h->max_msg = 0xffffffff;
	assert_int_equal(rt_send(&tx, 1, 500, NULL), 0);
	assert_int_equal(rt_send(&tx, 1, 1001, NULL), -EMSGSIZE);
	rt_drain(t, 0);
	assert_int_equal(t->nrec, 1);
	assert_int_equal(t->rec[0].len, 500);
	assert_true(t->rec[0].intact);
	rt_free(t);
}

static void test_send_receive(void **state)
{
	struct rt *t = rt_new(64, 1000, TMO);
	struct cohort_ring_tx tx;
	struct cohort_ring_stats st;
	bool bell;

	rt_attach(t, &tx, 2);
	assert_int_equal(rt_send(&tx, 5, 20, &bell), 0);
	assert_true(bell);
	assert_int_equal(rt_hdr(t)->tail, 1);
	/* published */
	assert_int_equal(rt_slot(t, 0)->seq, COHORT_RING_MARK(rt_key(t), 0));
	assert_true(cohort_ring_rx_pending(&t->rx));

	assert_int_equal(cohort_ring_poll(&t->rx, 16, 0), 1);
	assert_int_equal(t->nrec, 1);
	assert_int_equal(t->rec[0].sender, 2);
	assert_int_equal(t->rec[0].type, 5);
	assert_int_equal(t->rec[0].seq, 0);
	assert_int_equal(t->rec[0].len, 20);
	assert_true(t->rec[0].intact);
	assert_int_equal(rt_hdr(t)->head, 1);	/* released */
	assert_false(cohort_ring_rx_pending(&t->rx));
	assert_int_equal(cohort_ring_poll(&t->rx, 16, 0), 0);
	assert_false(cohort_ring_rx_stalled(&t->rx));

	/* Bad arguments touch nothing. */
	assert_int_equal(cohort_ring_send(&tx, 0, "x", 1, &bell), -EINVAL);
	assert_int_equal(cohort_ring_send(&tx, 0x10000, "x", 1, &bell),
			 -EINVAL);
	assert_int_equal(cohort_ring_send(&tx, 1, NULL, 1, &bell), -EINVAL);
	assert_int_equal(rt_hdr(t)->tail, 1);

	/* Empty message, NULL doorbell pointer. */
	assert_int_equal(cohort_ring_send(&tx, 6, NULL, 0, NULL), 0);
	rt_drain(t, 0);
	assert_int_equal(t->nrec, 2);
	assert_int_equal(t->rec[1].len, 0);
	assert_int_equal(t->rec[1].seq, 1);

	cohort_ring_tx_stats(&tx, &st);
	assert_int_equal(st.sent, 2);
	assert_int_equal(st.doorbells, 2);
	assert_int_equal(cohort_ring_rx_stats(&t->rx, -1, &st), 0);
	assert_int_equal(st.received, 2);
	assert_int_equal(st.errors, 0);
	assert_int_equal(st.drops, 0);
	assert_int_equal(cohort_ring_rx_stats(&t->rx, 2, &st), 0);
	assert_int_equal(st.received, 2);
	assert_int_equal(cohort_ring_rx_stats(&t->rx, 1, &st), 0);
	assert_int_equal(st.received, 0);
	assert_int_equal(cohort_ring_rx_stats(&t->rx, 8, &st), -EINVAL);
	rt_free(t);
}

/* Every length from 0 to 300 bytes, then up to 64 KiB and past it. */
static void test_fragmentation(void **state)
{
	static const uint32_t big[] = {
		511, 512, 513, 4095, 4096, 4097, RT_CAP(1000),
		RT_CAP(1000) + 1, 65535, 65536, 65537, 65536 + 64 * 10 + 5,
		70000,
	};
	struct rt *t = rt_new(4096, 70000, TMO);
	struct cohort_ring_tx tx;
	unsigned int n = 0;

	rt_attach(t, &tx, 1);
	for (uint32_t len = 0; len <= 300; len++) {
		assert_int_equal(rt_send(&tx, 1, len, NULL), 0);
		assert_int_equal(rt_drain(t, 0), cohort_ring_msg_slots(len));
		assert_int_equal(t->nrec, ++n);
		assert_int_equal(t->rec[n - 1].len, len);
		assert_int_equal(t->rec[n - 1].seq, len);
		assert_true(t->rec[n - 1].intact);
	}
	for (unsigned int i = 0; i < sizeof(big) / sizeof(big[0]); i++) {
		assert_int_equal(rt_send(&tx, 2, big[i], NULL), 0);
		rt_drain(t, 0);
		assert_int_equal(t->nrec, ++n);
		assert_int_equal(t->rec[n - 1].len, big[i]);
		assert_int_equal(t->rec[n - 1].type, 2);
		assert_true(t->rec[n - 1].intact);
	}
	assert_int_equal(rt_send(&tx, 2, 70001, NULL), -EMSGSIZE);
	/* One receive buffer, allocated on first use. */
	assert_int_equal(t->allocs, 1);
	assert_int_equal(t->rx.stats.errors, 0);
	assert_int_equal(t->rx.stats.drops, 0);
	assert_int_equal(cohort_ring_msg_slots(0), 1);
	assert_int_equal(cohort_ring_msg_slots(40), 1);
	assert_int_equal(cohort_ring_msg_slots(41), 2);
	assert_int_equal(cohort_ring_msg_slots(104), 2);
	assert_int_equal(cohort_ring_msg_slots(105), 3);
	assert_int_equal(cohort_ring_msg_slots(4096), 65);
	assert_int_equal(cohort_ring_msg_slots(65536), 1025);
	rt_free(t);
}

/*
 * A message in two parts arrives as one, whatever the split: parts that
 * end inside the head slot, on a checksum block boundary or not, and
 * across the ring's end.
 */
static void test_send2(void **state)
{
	static const uint32_t cuts[] = { 0, 1, 7, 31, 32, 33, 39, 40, 41,
					 63, 64, 65, 100, 200 };
	static const uint32_t rests[] = { 0, 1, 40, 100, 4096 };
	struct rt *t = rt_new(256, 5000, TMO);
	struct cohort_ring_tx tx;
	unsigned int n = 0;
	uint8_t buf[4400];

	rt_attach(t, &tx, 2);
	for (unsigned int i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		for (unsigned int j = 0; j < sizeof(rests) / sizeof(rests[0]);
		     j++) {
			uint32_t len = cuts[i] + rests[j];

			rt_fill(buf, len, 2, tx.next_seq);
			assert_int_equal(cohort_ring_send2(&tx, 3, buf, cuts[i],
							   buf + cuts[i],
							   rests[j], NULL), 0);
			rt_drain(t, 0);
			assert_int_equal(t->nrec, ++n);
			assert_int_equal(t->rec[n - 1].len, len);
			assert_true(t->rec[n - 1].intact);
		}
	}
	assert_true(rt_hdr(t)->tail > 256);	/* went round the ring */
	assert_int_equal(cohort_ring_send2(&tx, 3, buf, 4000, buf, 1001, NULL),
			 -EMSGSIZE);
	assert_int_equal(cohort_ring_send2(&tx, 3, NULL, 1, buf, 1, NULL),
			 -EINVAL);
	assert_int_equal(cohort_ring_send2(&tx, 3, buf, 1, NULL, 1, NULL),
			 -EINVAL);
	assert_int_equal(cohort_ring_send2(&tx, 3, NULL, 0, NULL, 0, NULL), 0);
	rt_drain(t, 0);
	assert_int_equal(t->nrec, n + 1);
	assert_int_equal(t->rx.stats.errors + t->rx.stats.drops, 0);
	rt_free(t);
}

/* The caller's receive buffers (@rx_buf): handed out, owned, taken back. */
static struct {
	uint8_t buf[4][5000];
	int out[4];		/* 1 while handed out */
	int asked, dropped, delivered, mine;
	int later;		/* answer -EAGAIN this many times */
} rb;

static int rb_get(void *ctx, u16 sender, u16 type, u32 len, void **buf,
		  void **cookie)
{
	rb.asked++;
	assert_true(len <= 5000);
	if (rb.later) {
		rb.later--;
		return -EAGAIN;		/* none yet: leave it in the ring */
	}
	for (int i = 0; i < 4; i++) {
		if (!rb.out[i]) {
			rb.out[i] = 1;
			*cookie = &rb.out[i];
			*buf = rb.buf[i];
			return 0;
		}
	}
	*buf = NULL;			/* none left: the ring's own buffer */
	return 0;
}

static void rb_drop(void *ctx, void *cookie)
{
	rb.dropped++;
	*(int *)cookie = 0;
}

static void rb_deliver(void *ctx, const struct cohort_ring_msg *m)
{
	rt_deliver(ctx, m);
	rb.delivered++;
	if (m->cookie) {
		int i = (int *)m->cookie - rb.out;

		assert_true(i >= 0 && i < 4);
		assert_ptr_equal(m->data, rb.buf[i]);
		rb.mine++;
		rb.out[i] = 0;		/* the deliver hook owns it: give back */
	}
}

static void test_rx_buf(void **state)
{
	struct rt *t = rt_new(256, 5000, TMO);
	struct cohort_ring_rx_config cfg = {
		.max_msg = 5000, .max_senders = 8, .ntypes = 100,
		.claim_timeout = TMO,
	};
	static const uint32_t lens[] = { 0, 1, 40, 41, 100, 4096, 5000 };
	struct cohort_ring_tx tx;
	struct cohort_ring_slot s;
	uint64_t pos;

	memset(&rb, 0, sizeof(rb));
	cohort_ring_rx_fini(&t->rx);
	t->ops.deliver = rb_deliver;
	t->ops.rx_buf = rb_get;
	assert_int_equal(cohort_ring_rx_init(&t->rx, t->mem, t->size, &cfg,
					     &t->ops, t), -EINVAL);
	t->ops.rx_buf_drop = rb_drop;
	assert_int_equal(cohort_ring_rx_init(&t->rx, t->mem, t->size, &cfg,
					     &t->ops, t), 0);
	rt_attach(t, &tx, 1);
	for (unsigned int i = 0; i < 7; i++)
		assert_int_equal(rt_send(&tx, 1, lens[i], NULL), 0);
	rt_drain(t, 0);
	/* Every message but the empty one went straight into a buffer. */
	assert_int_equal(t->nrec, 7);
	for (unsigned int i = 0; i < 7; i++)
		assert_true(t->rec[i].intact);
	assert_int_equal(rb.asked, 6);
	assert_int_equal(rb.mine, 6);
	assert_int_equal(rb.dropped, 0);
	assert_int_equal(t->allocs, 0);	/* the ring's buffer never needed */

	/* Damaged, stale, badly typed, quarantined: handed back, not kept. */
	pos = rt_hdr(t)->tail;
	assert_int_equal(rt_send(&tx, 1, 300, NULL), 0);
	((uint8_t *)rt_slot(t, pos + 2))[20] ^= 1;	/* a data byte */
	s.sender = 1;
	s.type = 1;
	s.msg_seq = 3;				/* stale */
	s.len = 200;
	rt_forge(t, &s, 0);
	s.msg_seq = 100;
	s.type = 0;				/* bad type */
	rt_forge(t, &s, 0);
	assert_int_equal(cohort_ring_rx_quarantine(&t->rx, 2, true), 0);
	s.sender = 2;
	s.type = 1;
	s.msg_seq = 0;
	rt_forge(t, &s, 0);
	rt_drain(t, 0);
	assert_int_equal(t->nrec, 7);
	assert_int_equal(rb.dropped, 4);
	for (int i = 0; i < 4; i++)
		assert_int_equal(rb.out[i], 0);

	/* No buffer left: the ring's own takes the message. */
	rb.out[0] = rb.out[1] = rb.out[2] = rb.out[3] = 1;
	assert_int_equal(rt_send(&tx, 1, 1000, NULL), 0);
	rt_drain(t, 0);
	assert_int_equal(t->nrec, 8);
	assert_true(t->rec[7].intact);
	assert_int_equal(rb.mine, 6);
	assert_int_equal(t->allocs, 1);

	/*
	 * No buffer yet: the message waits in the ring, unread, and so do
	 * those behind it; once there is one, all arrive, in order.
	 */
	rb.out[0] = rb.out[1] = rb.out[2] = rb.out[3] = 0;
	rb.later = 2;
	for (unsigned int i = 0; i < 3; i++)
		assert_int_equal(rt_send(&tx, 1, 100 * (i + 1), NULL), 0);
	for (unsigned int i = 0; i < 2; i++) {
		assert_int_equal(cohort_ring_poll(&t->rx, 64, 0), 0);
		assert_true(cohort_ring_rx_waiting(&t->rx));
		assert_true(cohort_ring_rx_pending(&t->rx));
		assert_int_equal(t->nrec, 8);
	}
	rt_drain(t, 0);
	assert_false(cohort_ring_rx_waiting(&t->rx));
	assert_int_equal(t->nrec, 11);
	for (unsigned int i = 0; i < 3; i++) {
		assert_true(t->rec[8 + i].intact);
		assert_int_equal(t->rec[8 + i].len, 100 * (i + 1));
	}
	assert_int_equal(rb.dropped, 4);
	rt_free(t);
}

/* The ring's own buffer cannot be had yet: the message waits for it. */
static void test_alloc_waits(void **state)
{
	struct rt *t = rt_new(64, 1000, TMO);
	struct cohort_ring_tx tx;
	struct cohort_ring_stats st;

	rt_attach(t, &tx, 1);
	t->alloc_fail = 2;
	assert_int_equal(rt_send(&tx, 1, 10, NULL), 0);
	assert_int_equal(rt_send(&tx, 1, 500, NULL), 0);
	assert_int_equal(rt_send(&tx, 1, 20, NULL), 0);
	/* The one-slot message needs no buffer; the next waits. */
	assert_int_equal(cohort_ring_poll(&t->rx, 64, 0), 1);
	assert_true(cohort_ring_rx_waiting(&t->rx));
	assert_int_equal(cohort_ring_poll(&t->rx, 64, 0), 0);
	assert_true(cohort_ring_rx_waiting(&t->rx));
	assert_int_equal(t->nrec, 1);
	rt_drain(t, 0);
	assert_int_equal(t->nrec, 3);
	for (unsigned int i = 0; i < 3; i++) {
		assert_true(t->rec[i].intact);
		assert_int_equal(t->rec[i].seq, i);
	}
	cohort_ring_rx_stats(&t->rx, 1, &st);
	assert_int_equal(st.drops, 0);
	rt_free(t);
}

/* Several messages in flight, several slots each, before one poll. */
static void test_batched_fragments(void **state)
{
	struct rt *t = rt_new(256, 2000, TMO);
	struct cohort_ring_tx a, b;
	uint32_t lens[] = { 100, 3, 1500, 40, 41, 0, 700 };

	rt_attach(t, &a, 1);
	rt_attach(t, &b, 2);
	for (unsigned int i = 0; i < 7; i++) {
		assert_int_equal(rt_send(&a, 1, lens[i], NULL), 0);
		assert_int_equal(rt_send(&b, 1, lens[6 - i] / 2, NULL), 0);
		if (i == 3)
			rt_drain(t, 0);
	}
	rt_drain(t, 0);
	assert_int_equal(t->nrec, 14);
	for (unsigned int i = 0; i < 14; i++)
		assert_true(t->rec[i].intact);
	assert_int_equal(rt_count(t, 1), 7);
	assert_int_equal(rt_count(t, 2), 7);
	assert_int_equal(t->allocs, 1);
	rt_free(t);
}

static void test_full_ring(void **state)
{
	struct rt *t = rt_new(16, RT_CAP(16), TMO);
	struct cohort_ring_hdr *h = rt_hdr(t);
	struct cohort_ring_tx tx;
	struct cohort_ring_stats st;
	unsigned int i;

	rt_attach(t, &tx, 1);
	for (i = 0; i < 16; i++)
		assert_int_equal(rt_send(&tx, 1, 30, NULL), 0);
	/* Full: refused, no hole, no sequence number used. */
	assert_int_equal(rt_send(&tx, 1, 30, NULL), -EAGAIN);
	assert_int_equal(rt_send(&tx, 1, 30, NULL), -EAGAIN);
	assert_int_equal(h->tail, 16);
	assert_int_equal(tx.next_seq, 16);
	cohort_ring_tx_stats(&tx, &st);
	assert_int_equal(st.full, 2);

	/* Room for 3 slots: a 4-slot message is refused whole. */
	assert_int_equal(cohort_ring_poll(&t->rx, 3, 0), 3);
	assert_int_equal(rt_send(&tx, 1, RT_CAP(4), NULL), -EAGAIN);
	assert_int_equal(h->tail, 16);
	assert_int_equal(rt_send(&tx, 1, RT_CAP(3), NULL), 0);
	assert_int_equal(h->tail, 19);
	assert_int_equal(rt_send(&tx, 1, 1, NULL), -EAGAIN);

	/* The whole ring as one message, once it is empty. */
	rt_drain(t, 0);
	assert_int_equal(t->nrec, 17);
	assert_int_equal(rt_send(&tx, 1, RT_CAP(16), NULL), 0);
	assert_int_equal(rt_send(&tx, 1, 0, NULL), -EAGAIN);
	rt_drain(t, 0);
	assert_int_equal(t->nrec, 18);
	for (i = 0; i < 18; i++) {
		assert_int_equal(t->rec[i].seq, i);
		assert_true(t->rec[i].intact);
	}
	assert_int_equal(t->rx.stats.errors + t->rx.stats.drops, 0);
	rt_free(t);
}

/* Many laps round a small ring: positions keep counting. */
static void test_wraparound(void **state)
{
	struct rt *t = rt_new(8, RT_CAP(8), TMO);
	struct cohort_ring_tx tx;

	rt_attach(t, &tx, 0);
	for (unsigned int i = 0; i < 5000; i++) {
		assert_int_equal(rt_send(&tx, 3, (i * 37) % (RT_CAP(8) + 1),
					 NULL), 0);
		rt_drain(t, 0);
		assert_int_equal(t->nrec, 1);
		assert_true(t->rec[0].intact);
		assert_int_equal(t->rec[0].seq, i);
		t->nrec = 0;
	}
	assert_true(rt_hdr(t)->tail > 5000);
	rt_free(t);
}

static void test_budget(void **state)
{
	struct rt *t = rt_new(64, 1000, TMO);
	struct cohort_ring_tx tx;

	rt_attach(t, &tx, 1);
	for (unsigned int i = 0; i < 10; i++)
		assert_int_equal(rt_send(&tx, 1, 10, NULL), 0);
	assert_int_equal(cohort_ring_poll(&t->rx, 3, 0), 3);
	assert_int_equal(t->nrec, 3);
	assert_int_equal(cohort_ring_poll(&t->rx, 0, 0), 0);
	assert_int_equal(cohort_ring_poll(&t->rx, 100, 0), 7);
	assert_int_equal(t->nrec, 10);
	/* A message is taken whole, even past the budget. */
	assert_int_equal(rt_send(&tx, 1, 10, NULL), 0);
	assert_int_equal(rt_send(&tx, 1, RT_CAP(3), NULL), 0);
	assert_int_equal(rt_send(&tx, 1, 10, NULL), 0);
	assert_int_equal(cohort_ring_poll(&t->rx, 2, 0), 4);
	assert_int_equal(t->nrec, 12);
	assert_true(t->rec[11].intact);
	assert_int_equal(t->rec[11].len, RT_CAP(3));
	assert_int_equal(cohort_ring_poll(&t->rx, 2, 0), 1);
	assert_int_equal(t->nrec, 13);
	rt_free(t);
}

/* The NAPI-style cycle as a driver runs it. */
static void test_notify(void **state)
{
	struct rt *t = rt_new(64, 1000, TMO);
	struct cohort_ring_tx tx;
	struct cohort_ring_stats st;
	bool bell;

	rt_attach(t, &tx, 1);
	/* Enabled at start: the first send wants a doorbell. */
	assert_int_equal(rt_send(&tx, 1, 10, &bell), 0);
	assert_true(bell);
	/* Doorbell handler: disable, then drain. */
	cohort_ring_notify_disable(&t->rx);
	assert_int_equal(rt_hdr(t)->notify, COHORT_RING_NOTIFY_OFF);
	/* While disabled, senders do not ring. */
	assert_int_equal(rt_send(&tx, 1, 10, &bell), 0);
	assert_false(bell);
	assert_int_equal(rt_send(&tx, 1, 100, &bell), 0);
	assert_false(bell);
	assert_int_equal(cohort_ring_poll(&t->rx, 64, 0), 4);
	/* A late arrival between the drain and re-enabling is seen. */
	assert_int_equal(rt_send(&tx, 1, 10, &bell), 0);
	assert_false(bell);
	assert_true(cohort_ring_notify_enable(&t->rx));
	cohort_ring_notify_disable(&t->rx);
	assert_int_equal(cohort_ring_poll(&t->rx, 64, 0), 1);
	assert_false(cohort_ring_notify_enable(&t->rx));
	assert_int_equal(rt_hdr(t)->notify, COHORT_RING_NOTIFY_ON);
	/* Enabled again: the next send rings. */
	assert_int_equal(rt_send(&tx, 1, 10, &bell), 0);
	assert_true(bell);
	cohort_ring_tx_stats(&tx, &st);
	assert_int_equal(st.doorbells, 2);
	assert_int_equal(st.doorbells_suppressed, 3);
	assert_int_equal(st.sent, 5);
	rt_drain(t, 0);
	assert_int_equal(t->nrec, 5);

	/* A claimed, unpublished slot at enable time: not pending; its
	 * sender will see the flag after publishing. */
	rt_hdr(t)->tail++;
	assert_false(cohort_ring_notify_enable(&t->rx));
	rt_free(t);
}

/* Senders interleave; each one's messages arrive in its order. */
static void test_per_sender_order(void **state)
{
	struct rt *t = rt_new(4096, 1000, TMO);
	struct cohort_ring_tx tx[4];
	uint32_t next[4] = { 0 };
	unsigned int i;

	srand(1);
	for (i = 0; i < 4; i++)
		rt_attach(t, &tx[i], i + 1);
	for (i = 0; i < 4000; i++) {
		unsigned int k = (unsigned int)rand() % 4;

		assert_int_equal(rt_send(&tx[k], 1 + k, (size_t)rand() % 120,
					 NULL), 0);
		if (rand() % 16 == 0)
			cohort_ring_poll(&t->rx, (unsigned int)rand() % 8, 0);
		if (i % 1000 == 999)
			rt_drain(t, 0);
	}
	rt_drain(t, 0);
	assert_int_equal(t->nrec, 4000);
	for (i = 0; i < t->nrec; i++) {
		unsigned int k = t->rec[i].sender - 1;

		assert_true(t->rec[i].intact);
		assert_int_equal(t->rec[i].type, 1 + k);
		assert_int_equal(t->rec[i].seq, next[k]);
		next[k]++;
	}
	assert_int_equal(t->rx.stats.errors + t->rx.stats.drops, 0);
	rt_free(t);
}

/*
 * A receiver that finds the slot at its head unpublished looks at tail
 * only after an eighth of the claim timeout; the claim's clock starts
 * then.  Poll at @now and at @now + TMO / 8 so that the clock runs from
 * the second: returns that time.
 */
static uint64_t rt_see_claim(struct rt *t, uint64_t now)
{
	assert_int_equal(cohort_ring_poll(&t->rx, 64, now), 0);
	assert_false(cohort_ring_rx_stalled(&t->rx));
	assert_int_equal(cohort_ring_poll(&t->rx, 64, now + TMO / 8), 0);
	assert_true(cohort_ring_rx_stalled(&t->rx));
	return now + TMO / 8;
}

/* A sender claimed one slot and died. */
static void test_dead_claimer(void **state)
{
	struct rt *t = rt_new(64, 1000, TMO);
	struct cohort_ring_hdr *h = rt_hdr(t);
	struct cohort_ring_tx tx;
	struct cohort_ring_stats st;
	uint64_t t0;

	rt_attach(t, &tx, 1);
	assert_int_equal(rt_send(&tx, 1, 10, NULL), 0);
	h->tail++;			/* the dead claim, position 1 */
	assert_int_equal(rt_send(&tx, 1, 10, NULL), 0);
	assert_int_equal(rt_send(&tx, 1, 100, NULL), 0);

	/* The message before the claim flows; the claim stops the ring. */
	assert_int_equal(cohort_ring_poll(&t->rx, 64, 5000), 1);
	assert_int_equal(t->nrec, 1);
	t0 = rt_see_claim(t, 5000);
	assert_int_equal(cohort_ring_poll(&t->rx, 64, t0 + TMO - 1), 0);
	assert_true(cohort_ring_rx_stalled(&t->rx));
	/* Timed out: skipped, the rest flows. */
	assert_int_equal(cohort_ring_poll(&t->rx, 64, t0 + TMO), 4);
	assert_false(cohort_ring_rx_stalled(&t->rx));
	assert_int_equal(t->nrec, 3);
	assert_int_equal(rt_slot(t, 1)->seq, COHORT_RING_SKIP(rt_key(t), 1));
	cohort_ring_rx_stats(&t->rx, -1, &st);
	assert_int_equal(st.skipped, 1);
	assert_int_equal(st.errors, 0);
	assert_int_equal(st.drops, 0);
	for (unsigned int i = 0; i < 3; i++) {
		assert_int_equal(t->rec[i].seq, i);
		assert_true(t->rec[i].intact);
	}
	/* The ring goes on, laps over the skipped slot. */
	for (unsigned int i = 0; i < 200; i++) {
		assert_int_equal(rt_send(&tx, 1, 50, NULL), 0);
		rt_drain(t, 7000);
	}
	assert_int_equal(t->nrec, 203);
	rt_free(t);
}

/* A dead multi-slot claim costs one timeout, not one per slot. */
static void test_dead_claimer_multi(void **state)
{
	struct rt *t = rt_new(64, 1000, TMO);
	struct cohort_ring_hdr *h = rt_hdr(t);
	struct cohort_ring_tx tx;
	uint64_t t0;

	rt_attach(t, &tx, 1);
	h->tail += 10;
	assert_int_equal(rt_send(&tx, 1, 10, NULL), 0);
	t0 = rt_see_claim(t, 0);
	assert_int_equal(cohort_ring_poll(&t->rx, 64, t0 + TMO), 11);
	assert_int_equal(t->nrec, 1);
	assert_int_equal(t->rx.stats.skipped, 10);

	/* The clock restarts for the next stall, after an empty ring. */
	h->tail += 1;
	t0 = rt_see_claim(t, t0 + TMO + 1);
	assert_int_equal(cohort_ring_poll(&t->rx, 64, t0 + TMO - 1), 0);
	assert_int_equal(cohort_ring_poll(&t->rx, 64, t0 + TMO), 1);
	assert_int_equal(t->rx.stats.skipped, 11);

	/*
	 * Skipping stops at the tail seen when the timeout ran out: a claim
	 * made afterwards gets its own timeout.
	 */
	h->tail += 2;
	t0 += 2 * TMO;		/* the ring has been empty long enough */
	assert_int_equal(cohort_ring_poll(&t->rx, 64, t0), 0);
	assert_true(cohort_ring_rx_stalled(&t->rx));
	h->tail += 1;
	assert_int_equal(cohort_ring_poll(&t->rx, 64, t0 + TMO), 2);
	assert_int_equal(t->rx.stats.skipped, 13);
	assert_int_equal(cohort_ring_poll(&t->rx, 64, t0 + TMO), 0);
	rt_free(t);
}

/* A claim timeout of 0 never skips, and looks at tail every time. */
static void test_no_timeout(void **state)
{
	struct rt *t = rt_new(64, 1000, 0);

	rt_hdr(t)->tail++;
	for (int i = 0; i < 5; i++) {
		assert_int_equal(cohort_ring_poll(&t->rx, 64, (u64)i << 40),
				 0);
		assert_true(cohort_ring_rx_stalled(&t->rx));
	}
	rt_free(t);
}

/*
 * A late publisher: the receiver skips a claim while its sender is slow;
 * the sender's publish fails and it reports -ECANCELED.  The message was
 * never read, so the sender's next one reuses its sequence number: the
 * receiver sees no gap (the sender may simply send it again).
 */
static struct rt *late_rt;
static int late_calls;

static void late_hook(struct cohort_ring_tx *tx, uint64_t pos)
{
	uint64_t t0;

	if (late_calls++)
		return;
	t0 = rt_see_claim(late_rt, 100);
	/* The whole claim is skipped in one go. */
	assert_int_equal(cohort_ring_poll(&late_rt->rx, 64, t0 + TMO),
			 cohort_ring_msg_slots(200));
}

static void test_late_publisher(void **state)
{
	struct rt *t = rt_new(64, 1000, TMO);
	struct cohort_ring_tx tx;
	struct cohort_ring_stats st;
	bool bell;

	late_rt = t;
	late_calls = 0;
	rt_attach(t, &tx, 3);
	rt_hook = late_hook;
	assert_int_equal(rt_send(&tx, 1, 200, &bell), -ECANCELED);
	rt_hook = NULL;
	assert_true(bell);
	cohort_ring_tx_stats(&tx, &st);
	assert_int_equal(st.errors, 1);
	assert_int_equal(st.drops, 1);
	assert_int_equal(st.sent, 0);

	/* Its writes landed in skipped slots: nothing published. */
	assert_int_equal(rt_drain(t, 2000), 0);
	assert_int_equal(t->nrec, 0);
	/* Sent again: delivered with the same sequence number, no gap. */
	assert_int_equal(rt_send(&tx, 1, 200, NULL), 0);
	rt_drain(t, 2000);
	assert_int_equal(t->nrec, 1);
	assert_int_equal(t->rec[0].seq, 0);
	assert_true(t->rec[0].intact);
	cohort_ring_rx_stats(&t->rx, 3, &st);
	assert_int_equal(st.drops, 0);
	assert_int_equal(st.errors, 0);
	assert_int_equal(st.received, 1);
	assert_int_equal(t->rx.stats.skipped, cohort_ring_msg_slots(200));

	/*
	 * A sender slower still: the skip mark is already there when it
	 * looks at its claim, so it writes nothing.
	 */
	rt_slot(t, rt_hdr(t)->tail)->seq =
		COHORT_RING_SKIP(rt_key(t), rt_hdr(t)->tail);
	assert_int_equal(rt_send(&tx, 1, 10, NULL), -ECANCELED);
	rt_free(t);
}

/*
 * A publisher late by a whole lap: while it was away its claim was skipped
 * and its slot reused for another sender's message, not yet received.  It
 * must learn its message was dropped and leave the other one intact,
 * whether it notices from head (the usual case) or only from the word its
 * exchange returned (head read just before the receiver moved on; faked
 * here by showing it a stale head).
 */
static bool lap_stale_head;

static void lap_hook(struct cohort_ring_tx *tx, uint64_t pos)
{
	struct cohort_ring_tx b;
	uint64_t t0;

	if (tx->sender != 3)
		return;
	t0 = rt_see_claim(late_rt, 100);
	assert_int_equal(cohort_ring_poll(&late_rt->rx, 64, t0 + TMO), 1);
	rt_attach(late_rt, &b, 4);
	/* A lap of one-slot messages, all received but the last. */
	for (unsigned int i = 0; i < 64; i++) {
		assert_int_equal(rt_send(&b, 1, 10, NULL), 0);
		if (i < 63)
			assert_int_equal(rt_drain(late_rt, t0 + TMO), 1);
	}
	assert_int_equal(rt_hdr(late_rt)->tail, pos + 65);
	assert_int_equal(rt_slot(late_rt, pos)->seq,
			 COHORT_RING_MARK(rt_key(late_rt), pos + 64));
	if (lap_stale_head)
		rt_hdr(late_rt)->head = pos;
}

static void lap_late(bool stale_head)
{
	struct rt *t = rt_new(64, 1000, TMO);
	struct cohort_ring_tx tx;
	struct cohort_ring_stats st;

	late_rt = t;
	lap_stale_head = stale_head;
	rt_attach(t, &tx, 3);
	rt_hook = lap_hook;
	assert_int_equal(rt_send(&tx, 1, 10, NULL), -ECANCELED);
	rt_hook = NULL;
	cohort_ring_tx_stats(&tx, &st);
	assert_int_equal(st.drops, 1);
	assert_int_equal(st.sent, 0);

	/* The other sender's last message is still there, intact. */
	assert_int_equal(rt_drain(t, 1), 1);
	assert_int_equal(rt_count(t, 4), 64);
	assert_true(t->rec[t->nrec - 1].intact);
	cohort_ring_rx_stats(&t->rx, 4, &st);
	assert_int_equal(st.drops, 0);
	assert_int_equal(st.errors, 0);
	/* Sent again: no gap. */
	assert_int_equal(rt_send(&tx, 1, 10, NULL), 0);
	assert_int_equal(rt_drain(t, 1), 1);
	assert_int_equal(t->rec[t->nrec - 1].sender, 3);
	assert_int_equal(t->rec[t->nrec - 1].seq, 0);
	cohort_ring_rx_stats(&t->rx, -1, &st);
	assert_int_equal(st.drops, 0);
	assert_int_equal(st.errors, 0);
	rt_free(t);
}

static void test_late_by_a_lap(void **state)
{
	lap_late(false);
}

static void test_late_by_a_lap_stale_head(void **state)
{
	lap_late(true);
}

static void test_quarantine(void **state)
{
	struct rt *t = rt_new(256, 1000, TMO);
	struct cohort_ring_tx a, b;
	struct cohort_ring_stats st;

	rt_attach(t, &a, 1);
	rt_attach(t, &b, 2);
	assert_int_equal(cohort_ring_rx_quarantine(&t->rx, 2, true), 0);
	assert_int_equal(cohort_ring_rx_quarantine(&t->rx, 8, true), -EINVAL);
	for (int i = 0; i < 5; i++) {
		assert_int_equal(rt_send(&a, 1, 100, NULL), 0);
		assert_int_equal(rt_send(&b, 1, 100, NULL), 0);
	}
	rt_drain(t, 0);
	assert_int_equal(rt_count(t, 1), 5);
	assert_int_equal(rt_count(t, 2), 0);
	cohort_ring_rx_stats(&t->rx, 2, &st);
	assert_int_equal(st.drops, 5);
	assert_int_equal(st.received, 0);
	/* Lifted: the sender's next message is taken, whatever its seq. */
	assert_int_equal(cohort_ring_rx_quarantine(&t->rx, 2, false), 0);
	assert_int_equal(rt_send(&b, 1, 100, NULL), 0);
	rt_drain(t, 0);
	assert_int_equal(rt_count(t, 2), 1);
	assert_int_equal(t->rec[t->nrec - 1].seq, 5);
	cohort_ring_rx_stats(&t->rx, 2, &st);
	assert_int_equal(st.drops, 5);
	rt_free(t);
}

/* A sender restarts from sequence 0: stale until the peer is reset. */
static void test_reset_peer(void **state)
{
	struct rt *t = rt_new(64, 1000, TMO);
	struct cohort_ring_tx tx;

	rt_attach(t, &tx, 4);
	for (int i = 0; i < 3; i++)
		assert_int_equal(rt_send(&tx, 1, 10, NULL), 0);
	rt_drain(t, 0);
	rt_attach(t, &tx, 4);			/* restarted */
	assert_int_equal(rt_send(&tx, 1, 10, NULL), 0);
	rt_drain(t, 0);
	assert_int_equal(t->nrec, 3);
	assert_int_equal(t->rx.peers[4].stats.stale, 1);
	assert_int_equal(cohort_ring_rx_reset_peer(&t->rx, 4), 0);
	assert_int_equal(cohort_ring_rx_reset_peer(&t->rx, 99), -EINVAL);
	assert_int_equal(rt_send(&tx, 1, 10, NULL), 0);
	assert_int_equal(rt_send(&tx, 1, 10, NULL), 0);
	rt_drain(t, 0);
	assert_int_equal(t->nrec, 5);
	assert_int_equal(t->rec[3].seq, 1);
	assert_int_equal(t->rec[4].seq, 2);
	rt_free(t);
}

/* Without alloc/free hooks, multi-slot messages are dropped, counted. */
static void test_no_alloc(void **state)
{
	struct rt *t = rt_new(64, 1000, TMO);
	struct cohort_ring_rx_config cfg = {
		.max_msg = 1000, .max_senders = 8, .claim_timeout = TMO,
	};
	struct cohort_ring_tx tx;
	struct cohort_ring_stats st;

	cohort_ring_rx_fini(&t->rx);
	t->ops.alloc = NULL;
	assert_int_equal(cohort_ring_rx_init(&t->rx, t->mem, t->size, &cfg,
					     &t->ops, t), -EINVAL);
	t->ops.free = NULL;
	assert_int_equal(cohort_ring_rx_init(&t->rx, t->mem, t->size, &cfg,
					     &t->ops, t), 0);
	rt_attach(t, &tx, 1);
	assert_int_equal(rt_send(&tx, 1, 40, NULL), 0);
	assert_int_equal(rt_send(&tx, 1, 41, NULL), 0);
	assert_int_equal(rt_send(&tx, 1, 500, NULL), 0);
	assert_int_equal(rt_send(&tx, 1, 1, NULL), 0);
	rt_drain(t, 0);
	assert_int_equal(t->nrec, 2);
	assert_int_equal(t->rec[1].seq, 3);
	cohort_ring_rx_stats(&t->rx, 1, &st);
	assert_int_equal(st.drops, 2);
	assert_int_equal(st.errors, 0);
	rt_free(t);
}

static void test_checksum(void **state)
{
	uint8_t data[100];
	struct cohort_ring_slot h;
	uint32_t c0;

	memset(&h, 0, sizeof(h));
	memset(data, 0, sizeof(data));
	h.len = sizeof(data);
	c0 = cohort_ring_msg_csum(&h, data, 0);
	assert_true(c0 != cohort_ring_msg_csum(&h, data, 1));
	assert_true(c0 != cohort_ring_msg_csum(&h, data, 64));
	assert_true(cohort_ring_msg_csum(&h, data, 1) !=
		    cohort_ring_msg_csum(&h, data, 64));
	/* The state word, the csum field and the head's copy of the first
	 * bytes are not inputs: the bytes are passed separately. */
	h.csum = 12345;
	h.seq = 99;
	h.data[3] = 7;
	assert_int_equal(cohort_ring_msg_csum(&h, data, 0), c0);
	/* Any single bit of the header fields or of the bytes changes it. */
	for (unsigned int bit = 12 * 8; bit < COHORT_RING_HEAD_HDR * 8; bit++) {
		((uint8_t *)&h)[bit / 8] ^= 1u << (bit % 8);
		if (h.len <= sizeof(data))
			assert_true(cohort_ring_msg_csum(&h, data, 0) != c0);
		((uint8_t *)&h)[bit / 8] ^= 1u << (bit % 8);
	}
	for (unsigned int bit = 0; bit < sizeof(data) * 8; bit++) {
		data[bit / 8] ^= 1u << (bit % 8);
		assert_true(cohort_ring_msg_csum(&h, data, 0) != c0);
		data[bit / 8] ^= 1u << (bit % 8);
	}
	/* Two words swapped, and a word moved by 64 bytes: caught too. */
	data[0] = 1;
	data[8] = 2;
	c0 = cohort_ring_msg_csum(&h, data, 0);
	data[0] = 2;
	data[8] = 1;
	assert_true(cohort_ring_msg_csum(&h, data, 0) != c0);
	/* A length that cuts a word: only the bytes inside count. */
	h.len = 13;
	c0 = cohort_ring_msg_csum(&h, data, 0);
	data[13] ^= 0xff;
	assert_int_equal(cohort_ring_msg_csum(&h, data, 0), c0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_geometry),
		cmocka_unit_test(test_init_sizes),
		cmocka_unit_test(test_attach_validation),
		cmocka_unit_test(test_send_receive),
		cmocka_unit_test(test_fragmentation),
		cmocka_unit_test(test_send2),
		cmocka_unit_test(test_rx_buf),
		cmocka_unit_test(test_batched_fragments),
		cmocka_unit_test(test_full_ring),
		cmocka_unit_test(test_wraparound),
		cmocka_unit_test(test_budget),
		cmocka_unit_test(test_notify),
		cmocka_unit_test(test_per_sender_order),
		cmocka_unit_test(test_dead_claimer),
		cmocka_unit_test(test_dead_claimer_multi),
		cmocka_unit_test(test_no_timeout),
		cmocka_unit_test(test_late_publisher),
		cmocka_unit_test(test_late_by_a_lap),
		cmocka_unit_test(test_late_by_a_lap_stale_head),
		cmocka_unit_test(test_quarantine),
		cmocka_unit_test(test_reset_peer),
		cmocka_unit_test(test_no_alloc),
		cmocka_unit_test(test_alloc_waits),
		cmocka_unit_test(test_checksum),
	};

	return cmocka_run_group_tests_name("ring", tests, NULL, NULL);
}
