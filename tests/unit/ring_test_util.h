/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared fixture of the ring unit tests: one ring in private memory, a
 * receiver recording what it is given, helpers to forge slots.
 */
#ifndef _RING_TEST_UTIL_H
#define _RING_TEST_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ring/cohort_ring.h"
#include "ring/ring_host.h"

#define RT_MAX_REC	8192
#define RT_MAX_ERR	8192

struct rt_rec {
	uint16_t sender;
	uint16_t type;
	uint32_t seq;
	uint32_t len;
	int intact;		/* data matched rt_fill(sender, seq) */
};

struct rt_err {
	int sender;
	int err;
};

struct rt {
	void *mem;
	size_t size;
	struct cohort_ring_rx rx;
	struct cohort_ring_rx_ops ops;
	struct rt_rec rec[RT_MAX_REC];
	unsigned int nrec;
	struct rt_err errs[RT_MAX_ERR];
	unsigned int nerr;
	int quarantine_on_error;	/* quarantine attributed senders */
	int allocs;
	int alloc_fail;			/* fail this many allocations */
};

/* Message bytes are a function of sender, seq and offset. */
static inline uint8_t rt_byte(unsigned int sender, uint32_t seq, size_t i)
{
	return (uint8_t)(sender * 131u + seq * 7u + i * 13u + (i >> 8));
}

static inline void rt_fill(uint8_t *buf, size_t len, unsigned int sender,
			   uint32_t seq)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = rt_byte(sender, seq, i);
}

static inline void rt_deliver(void *ctx, const struct cohort_ring_msg *msg)
{
	struct rt *t = ctx;
	const uint8_t *d = msg->data;
	struct rt_rec *r;
	int ok = 1;

	for (uint32_t i = 0; i < msg->len; i++) {
		if (d[i] != rt_byte(msg->sender, msg->seq, i)) {
			ok = 0;
			break;
		}
	}
	if (t->nrec >= RT_MAX_REC)
		return;
	r = &t->rec[t->nrec++];
	r->sender = msg->sender;
	r->type = msg->type;
	r->seq = msg->seq;
	r->len = msg->len;
	r->intact = ok;
}

static inline void rt_error(void *ctx, int sender, int err)
{
	struct rt *t = ctx;

	if (t->nerr < RT_MAX_ERR) {
		t->errs[t->nerr].sender = sender;
		t->errs[t->nerr].err = err;
		t->nerr++;
	}
	if (t->quarantine_on_error && sender >= 0)
		cohort_ring_rx_quarantine(&t->rx, (unsigned int)sender, true);
}

static inline void *rt_alloc(void *ctx, size_t size)
{
	struct rt *t = ctx;

	if (t->alloc_fail) {
		t->alloc_fail--;
		return NULL;
	}
	t->allocs++;
	return malloc(size);
}

static inline struct rt *rt_new(unsigned int nslots, uint32_t max_msg,
			 uint64_t timeout)
{
	struct cohort_ring_rx_config cfg = {
		.max_msg = max_msg,
		.max_senders = 8,
		.ntypes = 100,
		.owner = 7,
		.claim_timeout = timeout,
	};
	struct rt *t = calloc(1, sizeof(*t));

	assert_non_null(t);
	t->size = COHORT_RING_BYTES(nslots);
	t->mem = aligned_alloc(64, t->size);
	assert_non_null(t->mem);
	memset(t->mem, 0xa5, t->size);
	t->ops.deliver = rt_deliver;
	t->ops.error = rt_error;
	t->ops.alloc = rt_alloc;
	t->ops.free = ring_host_free;
	assert_int_equal(cohort_ring_rx_init(&t->rx, t->mem, t->size, &cfg,
					     &t->ops, t), 0);
	assert_int_equal(t->rx.nslots, nslots);
	return t;
}

static inline void rt_free(struct rt *t)
{
	cohort_ring_rx_fini(&t->rx);
	free(t->mem);
	free(t);
}

static inline struct cohort_ring_hdr *rt_hdr(struct rt *t)
{
	return t->mem;
}

static inline struct cohort_ring_slot *rt_slot(struct rt *t, uint64_t pos)
{
	struct cohort_ring_slot *slots = (void *)((uint8_t *)t->mem +
						  COHORT_RING_HDR_SIZE);

	return &slots[pos & (t->rx.nslots - 1)];
}

static inline void rt_attach(struct rt *t, struct cohort_ring_tx *tx,
		      unsigned int sender)
{
	assert_int_equal(cohort_ring_tx_attach(tx, t->mem, t->size, sender), 0);
}

/* Send the rt_fill() message of the tx's next seq; returns send's result. */
static inline int rt_send(struct cohort_ring_tx *tx, unsigned int type, size_t len,
		   bool *bell)
{
	uint8_t *buf = malloc(len ? len : 1);
	int ret;

	rt_fill(buf, len, tx->sender, tx->next_seq);
	ret = cohort_ring_send(tx, type, buf, len, bell);
	free(buf);
	return ret;
}

static inline unsigned int rt_drain(struct rt *t, uint64_t now)
{
	unsigned int total = 0;
	int n;

	do {
		n = cohort_ring_poll(&t->rx, 64, now);
		/* A message is never split: it can take a poll past 64. */
		assert_true(n >= 0 &&
			    (unsigned int)n < 64 +
			    cohort_ring_msg_slots(t->rx.max_msg));
		total += n;
	} while (n >= 64);
	return total;
}

/* Bytes a message of @n slots can hold. */
#define RT_CAP(n)	(COHORT_RING_HEAD_DATA + ((n) - 1) * COHORT_RING_SLOT_SIZE)

/* The ring's key, as any peer can read it. */
static inline uint64_t rt_key(struct rt *t)
{
	return rt_hdr(t)->key;
}

/*
 * Put a hand-made message at the next position through the real claim
 * protocol, as a peer that does not use cohort_ring_send() would: the
 * head slot from @img (sender, type, msg_seq, len), the bytes rt_fill()
 * makes for its sender and sequence (or zeroes past 5000 bytes), in as
 * many slots as its length needs (one if it is longer than the ring takes,
 * since the receiver then reads only the head).  The checksum is valid
 * unless @bad_csum.
 */
static inline void rt_forge(struct rt *t, const struct cohort_ring_slot *img,
			    int bad_csum)
{
	struct cohort_ring_hdr *h = rt_hdr(t);
	uint64_t pos = h->tail;
	struct cohort_ring_slot *s = rt_slot(t, pos);
	struct cohort_ring_slot tmp = *img;
	uint32_t len = img->len <= t->rx.max_msg ? img->len : 0;
	uint32_t n = cohort_ring_msg_slots(len);
	uint8_t *data = calloc(1, len + 1);

	assert_non_null(data);
	rt_fill(data, len < 5000 ? len : 0, img->sender, img->msg_seq);
	h->tail = pos + n;
	for (uint32_t i = 1; i < n; i++) {
		uint32_t off = RT_CAP(i);
		uint32_t k = len - off < 64 ? len - off : 64;

		memcpy(rt_slot(t, pos + i), data + off, k);
	}
	memset(tmp.data, 0, sizeof(tmp.data));
	memcpy(tmp.data, data, len < COHORT_RING_HEAD_DATA ? len :
	       COHORT_RING_HEAD_DATA);
	if (img->len > t->rx.max_msg)	/* cannot be checked anyway */
		tmp.csum = 0;
	else
		tmp.csum = cohort_ring_msg_csum(&tmp, data, pos) ^
			   (bad_csum ? 1 : 0);
	memcpy((uint8_t *)s + 8, (uint8_t *)&tmp + 8, 56);
	s->seq = COHORT_RING_MARK(rt_key(t), pos);
	free(data);
}

static inline unsigned int rt_count(struct rt *t, unsigned int sender)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < t->nrec; i++)
		n += t->rec[i].sender == sender;
	return n;
}

static inline unsigned int rt_errs_of(struct rt *t, int sender)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < t->nerr; i++)
		n += t->errs[i].sender == sender;
	return n;
}

/* The hook cohort_ring_send() calls before publishing a message. */
static void (*rt_hook)(struct cohort_ring_tx *tx, uint64_t pos);

void cohort_ring_test_before_publish(struct cohort_ring_tx *tx, u64 pos)
{
	if (rt_hook)
		rt_hook(tx, pos);
}

#endif /* _RING_TEST_UTIL_H */
