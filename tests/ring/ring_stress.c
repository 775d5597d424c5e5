// SPDX-License-Identifier: GPL-2.0
/*
 * cohort-ring-stress: many producer processes, one consumer, one ring in a
 * MAP_SHARED memfd.  Doorbells are an eventfd and follow the ring's
 * notification flag, as an IPI would.
 *
 *   cohort-ring-stress [-p producers] [-m messages] [-n slots] [-b bigmod]
 *                      [-g] [-k victims] [-T seconds] [-q]
 *
 * Modes and what each one checks:
 *  honest (default)  every message of every producer arrives once, intact,
 *                    in order; no error, drop or stale message anywhere.
 *  -g (garbage)      a further process scribbles on the ring (bytes, state
 *                    words, tail) and forges well-formed but invalid
 *                    messages under its own id while the producers send.  Checked:
 *                    the consumer survives; what it delivers is intact and
 *                    strictly in order per producer; every sequence number
 *                    a producer used is delivered or counted as dropped;
 *                    no forged message breaking a rule the receiver can
 *                    see is delivered (see check_forged()); the forger
 *                    gets quarantined and no honest producer is ever
 *                    blamed.
 *  -k N (kill)       N further senders are SIGKILLed in the middle of
 *                    sending large messages (written, not published),
 *                    leaving claimed slots never published.  Checked: the consumer skips them after
 *                    the claim timeout; the honest producers' messages all
 *                    arrive, except those the sender itself was told were
 *                    cancelled (-ECANCELED): those used no sequence
 *                    number, so the consumer sees no gap and drops
 *                    nothing.  One loss is the protocol's: a producer
 *                    itself held up past the claim timeout (preempted)
 *                    can spoil a later lap's message, which then fails
 *                    its checksum; a drop passes only with both.
 * Exit status 0 when every check holds.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "ring/cohort_ring.h"
#include "ring/ring_host.h"

#define MAX_PROD	16
#define FORGER_ID	40
#define VICTIM_ID	50
#define T_DATA		1
#define T_END		2
#define T_FORGED	3
#define MAX_MSG		70000

struct prod_result {
	uint64_t used;		/* sequence numbers used */
	uint64_t sent;
	uint64_t cancelled;
	uint64_t eagain;
	uint64_t late;		/* sends that took longer than the claim timeout */
	uint64_t doorbells;
	uint64_t suppressed;
	int main_done;
};

struct control {
	struct prod_result prod[MAX_PROD];
	int attached;		/* producers attached to the ring */
	int go_end;		/* producers may send their END */
	int stop_garbage;
	int victim_sends[8];	/* messages each victim sent */
	uint64_t forged;
	uint64_t scribbles;
};

static int nprod = 4, garbage, victims, quiet;
static unsigned long nmsg = 100000;
static unsigned int nslots = 4096, bigmod = 1000;
static int max_secs = 100;
static struct ring_host_bell bell;
static void *ring;
static size_t ring_size;
static struct control *ctl;
static struct cohort_ring_rx_config cfg;

static uint8_t pat(unsigned int sender, uint32_t seq, size_t i)
{
	return (uint8_t)(sender * 131u + seq * 7u + i * 13u + (i >> 8));
}

static void fill(uint8_t *buf, size_t len, unsigned int sender, uint32_t seq)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = pat(sender, seq, i);
	if (len >= 4)
		memcpy(buf, &(uint32_t){ (uint32_t)len }, 4);
}

static uint64_t xs(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static size_t pick_len(uint64_t *rng)
{
	uint64_t r = xs(rng);

	if (bigmod && r % bigmod == 0)
		return 60000 + xs(rng) % (MAX_MSG - 60000 + 1);
	if (r % 16 == 0)
		return xs(rng) % 4000;
	return xs(rng) % 120;
}

/* Send with retries on a full ring; returns send's final result. */
static int send_retry(struct cohort_ring_tx *tx, unsigned int type,
		      const uint8_t *buf, size_t len, struct prod_result *res)
{
	bool db;
	int ret;

	for (;;) {
		uint64_t t = ring_host_now_ns();

		ret = cohort_ring_send(tx, type, buf, len, &db);
		/*
		 * Held up (preempted) for longer than the claim timeout
		 * inside a send: the receiver may have skipped the claim,
		 * and writes made after that may land on a later lap.
		 */
		if (ring_host_now_ns() - t > cfg.claim_timeout)
			res->late++;
		if (ret != -EAGAIN)
			break;
		res->eagain++;
		sched_yield();
	}
	if (db)
		ring_host_bell_ring(&bell);
	return ret;
}

static void producer(int id)
{
	struct prod_result *res = &ctl->prod[id];
	struct cohort_ring_tx tx;
	uint64_t rng = 0x1234567ULL * (id + 1);
	uint8_t *buf = malloc(MAX_MSG);
	struct cohort_ring_stats st;
	size_t len;
	int ret;

	if (cohort_ring_tx_attach(&tx, ring, ring_size, id))
		_exit(2);
	__atomic_fetch_add(&ctl->attached, 1, __ATOMIC_RELEASE);
	for (unsigned long i = 0; i < nmsg; i++) {
		len = pick_len(&rng);
		fill(buf, len, id, tx.next_seq);
		ret = send_retry(&tx, T_DATA, buf, len, res);
		if (ret == -ECANCELED)
			res->cancelled++;
		else if (ret)
			_exit(3);
		else
			res->sent++;
	}
	__atomic_store_n(&res->main_done, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&ctl->go_end, __ATOMIC_ACQUIRE))
		usleep(1000);
	/* The last message must get through: retry cancelled ones too. */
	do {
		fill(buf, 8, id, tx.next_seq);
		ret = send_retry(&tx, T_END, buf, 8, res);
		if (ret == -ECANCELED)
			res->cancelled++;
	} while (ret);
	res->sent++;
	cohort_ring_tx_stats(&tx, &st);
	res->doorbells = st.doorbells;
	res->suppressed = st.doorbells_suppressed;
	res->used = tx.next_seq;
	free(buf);
	_exit(0);
}

/*
 * Built with the test hook of cohort_ring_send(): a victim dies by
 * SIGKILL between writing a message and publishing it, after a random
 * number of messages, as a kernel that crashes in the middle of a send.
 */
static long die_after = -1;

void cohort_ring_test_before_publish(struct cohort_ring_tx *tx, u64 pos)
{
	if (die_after >= 0 && die_after-- == 0)
		raise(SIGKILL);
}

/* A sender that dies while sending big messages. */
static void victim(int id)
{
	struct prod_result dummy;
	struct cohort_ring_tx tx;
	uint8_t *buf = malloc(MAX_MSG);

	if (cohort_ring_tx_attach(&tx, ring, ring_size, id))
		_exit(2);
	fill(buf, MAX_MSG, id, 0);
	die_after = 1 + (getpid() * 7919L) % 12;
	for (;;) {
		send_retry(&tx, T_DATA, buf, MAX_MSG - (tx.next_seq % 1000),
			   &dummy);
		__atomic_fetch_add(&ctl->victim_sends[id - VICTIM_ID], 1,
				   __ATOMIC_RELEASE);
	}
}

/* A well-formed message under the forger's id that breaks one rule. */
static void forge(uint64_t *rng, uint32_t *fseq, uint64_t key)
{
	struct cohort_ring_hdr *h = ring;
	struct cohort_ring_slot *slots = (void *)((uint8_t *)ring +
						  COHORT_RING_HDR_SIZE);
	struct cohort_ring_slot img;
	struct cohort_ring_slot *s;
	uint64_t pos, head, old;

	memset(&img, 0, sizeof(img));
	img.sender = FORGER_ID;
	img.type = T_FORGED;
	img.msg_seq = (*fseq)++;
	img.len = 10;
	switch (xs(rng) % 3) {
	case 0:
		img.type = 0;
		break;
	case 1:
		img.type = 4 + xs(rng) % 100;
		break;
	default:
		img.msg_seq -= 1 + xs(rng) % 100;	/* a replay */
		break;
	}
	pos = __atomic_load_n(&h->tail, __ATOMIC_RELAXED);
	head = __atomic_load_n(&h->head, __ATOMIC_ACQUIRE);
	if (pos - head >= nslots)
		return;
	if (!__atomic_compare_exchange_n(&h->tail, &pos, pos + 1, false,
					 __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		return;
	s = &slots[pos & (nslots - 1)];
	old = __atomic_load_n(&s->seq, __ATOMIC_RELAXED);
	img.csum = cohort_ring_msg_csum(&img, img.data, pos);
	memcpy((uint8_t *)s + 8, (uint8_t *)&img + 8, 56);
	__atomic_compare_exchange_n(&s->seq, &old, COHORT_RING_MARK(key, pos),
				    false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
	ctl->forged++;
}

static void scribble(uint64_t *rng)
{
	struct cohort_ring_hdr *h = ring;
	struct cohort_ring_slot *slots = (void *)((uint8_t *)ring +
						  COHORT_RING_HDR_SIZE);
	uint64_t tail = __atomic_load_n(&h->tail, __ATOMIC_RELAXED);
	uint64_t pos = tail - xs(rng) % nslots;
	struct cohort_ring_slot *s = &slots[pos & (nslots - 1)];
	uint8_t *mem = ring;

	ctl->scribbles++;
	switch (xs(rng) % 20) {
	case 0:
		__atomic_store_n(&s->seq, xs(rng), __ATOMIC_RELAXED);
		break;
	case 1:
		__atomic_store_n(&s->seq,
				 COHORT_RING_MARK(h->key, pos + xs(rng) % 3 - 1),
				 __ATOMIC_RELAXED);
		break;
	case 2:
		if (xs(rng) % 8 == 0)
			__atomic_store_n(&h->tail, xs(rng), __ATOMIC_RELAXED);
		else
			__atomic_fetch_add(&h->tail, xs(rng) % 3 - 1,
					   __ATOMIC_RELAXED);
		break;
	case 3:
		__atomic_store_n(&h->notify, (uint32_t)xs(rng) & 1,
				 __ATOMIC_RELAXED);
		break;
	case 4:
		mem[xs(rng) % COHORT_RING_HDR_SIZE] = (uint8_t)xs(rng);
		break;
	default:
		((volatile uint8_t *)s)[8 + xs(rng) % 56] = (uint8_t)xs(rng);
		break;
	}
}

static void garbage_writer(void)
{
	uint64_t rng = 0xfeedfaceULL ^ (uint64_t)getpid();
	/*
	 * The key as a sender learns it when it attaches: the copy in the
	 * header is scribbled on below, and a forger using that would only
	 * write slots the receiver never takes for published.
	 */
	uint64_t key = __atomic_load_n(&((struct cohort_ring_hdr *)ring)->key,
				       __ATOMIC_RELAXED);
	uint32_t fseq = 0;

	/* Senders attach to a ring whose header is still intact. */
	while (__atomic_load_n(&ctl->attached, __ATOMIC_ACQUIRE) < nprod)
		usleep(1000);
	while (!__atomic_load_n(&ctl->stop_garbage, __ATOMIC_ACQUIRE)) {
		if (xs(&rng) % 4 == 0)
			forge(&rng, &fseq, key);
		else
			scribble(&rng);
		/* A few thousand writes a second: hostile, not a DoS. */
		usleep(100 + xs(&rng) % 400);
	}
	_exit(0);
}

/* Consumer side. */
struct cons {
	struct cohort_ring_rx rx;
	uint64_t delivered[MAX_PROD];
	uint32_t last[MAX_PROD];
	bool seen[MAX_PROD];
	bool end[MAX_PROD];
	unsigned int nend;
	uint64_t bad;		/* check failures */
	uint64_t blamed[COHORT_RING_MAX_SENDERS];
	uint32_t forger_next;	/* what the receiver expects from the forger */
	uint64_t forged_delivered;
};

static int fail(struct cons *c, const char *fmt, ...)
{
	va_list ap;

	if (c->bad++ < 10) {
		va_start(ap, fmt);
		fprintf(stderr, "ring-stress: FAIL: ");
		vfprintf(stderr, fmt, ap);
		va_end(ap);
	}
	return 0;
}

/*
 * A forged message may be delivered only when nothing the receiver can
 * see is wrong with it: a valid type, and a number not behind one it
 * already took from that id.  A "replay" whose earlier number never
 * reached the receiver (scribbled over, or never sent: the receiver
 * expects 0 first) is, from where the receiver stands, the next message.
 */
static void check_forged(struct cons *c, const struct cohort_ring_msg *m)
{
	if (m->type != T_FORGED)
		fail(c, "forged message of type %u delivered\n", m->type);
	else if ((int32_t)(m->seq - c->forger_next) < 0)
		fail(c, "forged replay %u delivered after %u\n", m->seq,
		     c->forger_next);
	c->forger_next = m->seq + 1;
	c->forged_delivered++;
}

static void on_msg(void *ctx, const struct cohort_ring_msg *m)
{
	struct cons *c = ctx;
	const uint8_t *d = m->data;
	unsigned int p = m->sender;

	if (p == FORGER_ID && garbage) {
		check_forged(c, m);
		return;
	}
	if (p >= (unsigned int)nprod) {
		if (p >= VICTIM_ID && p < VICTIM_ID + (unsigned int)victims)
			return;		/* victims: anything goes */
		fail(c, "message from unexpected sender %u\n", p);
		return;
	}
	for (uint32_t i = m->len >= 4 ? 4 : 0; i < m->len; i++) {
		if (d[i] != pat(p, m->seq, i)) {
			fail(c, "sender %u seq %u byte %u corrupted\n", p,
			     m->seq, i);
			return;
		}
	}
	if (m->len >= 4 && memcmp(d, &m->len, 4))
		fail(c, "sender %u seq %u length mismatch\n", p, m->seq);
	if (c->seen[p] && m->seq != c->last[p] + 1 && !garbage && !victims)
		fail(c, "sender %u: seq %u after %u\n", p, m->seq, c->last[p]);
	if (c->seen[p] && (int32_t)(m->seq - c->last[p]) <= 0)
		fail(c, "sender %u: seq %u not after %u\n", p, m->seq,
		     c->last[p]);
	if (!c->seen[p] && m->seq != 0 && !garbage && !victims)
		fail(c, "sender %u: first seq %u\n", p, m->seq);
	c->seen[p] = true;
	c->last[p] = m->seq;
	c->delivered[p]++;
	if (m->type == T_END && !c->end[p]) {
		c->end[p] = true;
		c->nend++;
	}
}

static void on_error(void *ctx, int sender, int err)
{
	struct cons *c = ctx;

	if (sender < 0)
		return;
	c->blamed[sender]++;
	cohort_ring_rx_quarantine(&c->rx, (unsigned int)sender, true);
}

static void dump_ring(struct cons *c)
{
	struct cohort_ring_hdr *h = ring;
	struct cohort_ring_slot *slots = (void *)((uint8_t *)ring +
						  COHORT_RING_HDR_SIZE);
	uint64_t head = c->rx.head;

	fprintf(stderr, "ring: head %llu (shared %llu) tail %llu notify %u stalled %d\n",
		(unsigned long long)head, (unsigned long long)h->head,
		(unsigned long long)h->tail, h->notify,
		cohort_ring_rx_stalled(&c->rx));
	for (uint64_t q = head; q < head + 8; q++)
		fprintf(stderr, "  pos %llu seq %llu\n", (unsigned long long)q,
			(unsigned long long)slots[q & (nslots - 1)].seq);
	for (int i = 0; i < nprod; i++)
		fprintf(stderr, "  producer %d: main_done %d sent %llu eagain %llu\n",
			i, ctl->prod[i].main_done,
			(unsigned long long)ctl->prod[i].sent,
			(unsigned long long)ctl->prod[i].eagain);
}

static int usage(void)
{
	fprintf(stderr, "usage: cohort-ring-stress [-p producers] [-m messages] [-n slots] [-b bigmod] [-g] [-k victims] [-T seconds] [-q]\n");
	return 2;
}

int main(int argc, char **argv)
{
	static struct cons c;
	struct cohort_ring_rx_ops ops = {
		.deliver = on_msg,
		.error = on_error,
		.alloc = ring_host_alloc,
		.free = ring_host_free,
	};
	pid_t pids[MAX_PROD], gpid = 0, vpids[8];
	uint64_t kill_at[8];
	uint64_t rng = 42, t0, deadline, wakeups = 0, polls = 0;
	uint64_t msgs = 0, doorbells = 0, suppressed = 0, late = 0;
	struct cohort_ring_stats st, pst;
	int opt, i, status, ok = 1;
	bool main_done = false, end_sent = false, waited_victims = false;
	uint64_t garbage_stopped = 0;

	while ((opt = getopt(argc, argv, "p:m:n:b:gk:T:q")) != -1) {
		switch (opt) {
		case 'p':
			nprod = atoi(optarg);
			break;
		case 'm':
			nmsg = strtoul(optarg, NULL, 0);
			break;
		case 'n':
			nslots = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'b':
			bigmod = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'g':
			garbage = 1;
			break;
		case 'k':
			victims = atoi(optarg);
			break;
		case 'T':
			max_secs = atoi(optarg);
			break;
		case 'q':
			quiet = 1;
			break;
		default:
			return usage();
		}
	}
	if (nprod < 1 || nprod > MAX_PROD || victims < 0 || victims > 8 ||
	    nslots < 2048 || (nslots & (nslots - 1)))
		return usage();

	cfg.max_msg = MAX_MSG;
	cfg.max_senders = COHORT_RING_MAX_SENDERS;
	cfg.ntypes = 4;
	/* Dead claims are skipped after 5 s normally, 20 ms when killing. */
	cfg.claim_timeout = victims || garbage ? 20000000ULL : 5000000000ULL;
	ring_size = COHORT_RING_BYTES(nslots);
	ring = ring_host_map(ring_size);
	ctl = mmap(NULL, sizeof(*ctl), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (!ring || ctl == MAP_FAILED || ring_host_bell_init(&bell)) {
		perror("ring-stress: setup");
		return 1;
	}
	memset(ctl, 0, sizeof(*ctl));
	if (cohort_ring_rx_init(&c.rx, ring, ring_size, &cfg, &ops, &c)) {
		fprintf(stderr, "ring-stress: rx_init failed\n");
		return 1;
	}

	t0 = ring_host_now_ns();
	deadline = t0 + (uint64_t)max_secs * 1000000000ULL;
	for (i = 0; i < nprod; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			producer(i);
	}
	if (garbage) {
		gpid = fork();
		if (gpid == 0)
			garbage_writer();
	}
	for (i = 0; i < victims; i++) {
		kill_at[i] = (i ? kill_at[i - 1] : t0) + 100000000ULL +
			xs(&rng) % 200000000ULL;
		vpids[i] = fork();
		if (vpids[i] == 0)
			victim(VICTIM_ID + i);
	}

	cohort_ring_notify_disable(&c.rx);
	while (c.nend < (unsigned int)nprod) {
		uint64_t now = ring_host_now_ns();
		int n;

		if (now > deadline) {
			fail(&c, "timed out: %u of %d producers finished\n",
			     c.nend, nprod);
			dump_ring(&c);
			for (i = 0; i < nprod; i++)
				kill(pids[i], SIGKILL);
			break;
		}
		/*
		 * Kill victim i some 100..300 ms after the previous one, at
		 * any point of its sending, once it sends at all (a starved
		 * one may not have started).  Victim 0 always dies by itself
		 * inside a send, so that a dead claim is left.
		 */
		for (i = 1; i < victims; i++) {
			if (vpids[i] > 0 && now > kill_at[i] &&
			    __atomic_load_n(&ctl->victim_sends[i],
					    __ATOMIC_ACQUIRE)) {
				kill(vpids[i], SIGKILL);
				waitpid(vpids[i], NULL, 0);
				vpids[i] = -vpids[i];
			}
		}
		if (!main_done) {
			main_done = true;
			for (i = 0; i < nprod; i++)
				main_done &= __atomic_load_n(
					&ctl->prod[i].main_done,
					__ATOMIC_ACQUIRE);
		}
		/*
		 * A fast run can finish before any victim died inside a
		 * send: let them live until a dead claim was skipped (each
		 * dies by itself within 21000 slots; the run's deadline
		 * bounds the wait).
		 */
		if (main_done && !end_sent && victims && !waited_victims) {
			struct cohort_ring_stats vst;

			cohort_ring_rx_stats(&c.rx, -1, &vst);
			waited_victims = vst.skipped;
		}
		if (main_done && gpid) {
			__atomic_store_n(&ctl->stop_garbage, 1,
					 __ATOMIC_RELEASE);
			waitpid(gpid, NULL, 0);
			gpid = 0;
			garbage_stopped = now;
		}
		/*
		 * What the garbage writer left behind (tail moved back below
		 * head, a hole) is put right by the receiver when it next
		 * finds the ring idle: until then an honest claim can land
		 * on a slot already consumed and be lost unseen, which only
		 * a later message of that sender would reveal as a gap.  The
		 * last messages go after that repair: 100 ms, five claim
		 * timeouts.
		 */
		if (main_done && !end_sent && (!victims || waited_victims) &&
		    (!garbage || now - garbage_stopped > 100000000ULL)) {
			for (i = 0; i < victims; i++) {
				if (vpids[i] > 0) {
					kill(vpids[i], SIGKILL);
					waitpid(vpids[i], NULL, 0);
					vpids[i] = -vpids[i];
				}
			}
			__atomic_store_n(&ctl->go_end, 1, __ATOMIC_RELEASE);
			end_sent = true;
		}

		n = cohort_ring_poll(&c.rx, 256, ring_host_now_ns());
		polls++;
		if (n > 0)
			continue;
		/*
		 * Idle (or waiting on an unpublished slot): NAPI completion.
		 * Enable, look once more, sleep on the doorbell.  The
		 * timeout is the backstop for dead claims and for a peer
		 * that scribbled on the flag.
		 */
		if (cohort_ring_notify_enable(&c.rx)) {
			cohort_ring_notify_disable(&c.rx);
			continue;
		}
		if (ring_host_bell_wait(&bell, cohort_ring_rx_stalled(&c.rx) ?
					5 : 20))
			wakeups++;
		cohort_ring_notify_disable(&c.rx);
	}

	for (i = 0; i < nprod; i++)
		waitpid(pids[i], &status, 0);
	if (gpid) {
		__atomic_store_n(&ctl->stop_garbage, 1, __ATOMIC_RELEASE);
		waitpid(gpid, NULL, 0);
	}
	for (i = 0; i < victims; i++) {
		if (vpids[i] > 0) {
			kill(vpids[i], SIGKILL);
			waitpid(vpids[i], NULL, 0);
		}
	}

	cohort_ring_rx_stats(&c.rx, -1, &st);
	for (i = 0; i < nprod; i++) {
		struct prod_result *r = &ctl->prod[i];

		cohort_ring_rx_stats(&c.rx, i, &pst);
		msgs += r->sent + r->cancelled;
		doorbells += r->doorbells;
		suppressed += r->suppressed;
		if (!quiet)
			printf("producer %d: used %llu sent %llu cancelled %llu eagain %llu late %llu | delivered %llu drops %llu stale %llu errors %llu\n",
			       i, (unsigned long long)r->used,
			       (unsigned long long)r->sent,
			       (unsigned long long)r->cancelled,
			       (unsigned long long)r->eagain,
			       (unsigned long long)r->late,
			       (unsigned long long)pst.received,
			       (unsigned long long)pst.drops,
			       (unsigned long long)pst.stale,
			       (unsigned long long)pst.errors);
		if (pst.received + pst.drops != r->used)
			fail(&c, "producer %d: delivered %llu + dropped %llu != used %llu\n",
			     i, (unsigned long long)pst.received,
			     (unsigned long long)pst.drops,
			     (unsigned long long)r->used);
		if (c.blamed[i] || c.rx.peers[i].quarantined)
			fail(&c, "honest producer %d blamed\n", i);
		if (!garbage && !victims && (pst.drops || pst.stale ||
					     r->cancelled ||
					     r->used != nmsg + 1))
			fail(&c, "producer %d lost messages\n", i);
		late += r->late;
	}
	for (i = 0; i < nprod; i++) {
		struct prod_result *r = &ctl->prod[i];

		cohort_ring_rx_stats(&c.rx, i, &pst);
		/*
		 * A sender held up past the claim timeout learns its own
		 * message was skipped (-ECANCELED), but the writes it made
		 * after the skip can land on a later lap's message, which
		 * then fails its checksum (docs/ring-protocol.md): a loss
		 * only with both a late sender and a checksum error.
		 */
		if (victims && !garbage &&
		    (pst.drops || pst.received != r->sent) &&
		    !(late && st.errors))
			fail(&c, "producer %d: delivered %llu of %llu sent, %llu dropped (%llu cancelled)\n",
			     i, (unsigned long long)pst.received,
			     (unsigned long long)r->sent,
			     (unsigned long long)pst.drops,
			     (unsigned long long)r->cancelled);
	}
	if (victims && !st.skipped)
		fail(&c, "victims died but no claim was skipped\n");
	if (!garbage && !victims && st.errors)
		fail(&c, "%llu errors in an honest run\n",
		     (unsigned long long)st.errors);
	if (garbage && ctl->forged && !c.rx.peers[FORGER_ID].quarantined)
		fail(&c, "forger not quarantined\n");

	printf("ring-stress: %s%s%d producers x %lu msgs in %.2f s; ring errors %llu drops %llu stale %llu skipped %llu late sends %llu; forged %llu (delivered %llu) scribbles %llu; doorbells %llu (%.4f/msg) suppressed %llu, consumer wakeups %llu polls %llu\n",
	       garbage ? "garbage " : "", victims ? "kill " : "", nprod, nmsg,
	       (ring_host_now_ns() - t0) / 1e9,
	       (unsigned long long)st.errors, (unsigned long long)st.drops,
	       (unsigned long long)st.stale, (unsigned long long)st.skipped,
	       (unsigned long long)late,
	       (unsigned long long)ctl->forged,
	       (unsigned long long)c.forged_delivered,
	       (unsigned long long)ctl->scribbles,
	       (unsigned long long)doorbells,
	       msgs ? (double)doorbells / (double)msgs : 0.0,
	       (unsigned long long)suppressed, (unsigned long long)wakeups,
	       (unsigned long long)polls);
	ok = c.bad == 0;
	printf("ring-stress: %s\n", ok ? "PASS" : "FAIL");
	cohort_ring_rx_fini(&c.rx);
	return ok ? 0 : 1;
}
