// SPDX-License-Identifier: GPL-2.0
/*
 * ring-bench: native benchmarks of the message ring, each against a
 * baseline measured in the same run.  Two threads pinned to CPU 0 and 1.
 *
 *   ring one-way latency   vs a bare cache-line ping-pong
 *   ring messages/s        vs a pipe, same message size (32 B and 4 KiB)
 *
 * Output: BENCH name value unit ratio=R baseline=NAME  (R = value/baseline)
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ring/cohort_ring.h"
#include "ring/ring_host.h"

#define PINGS		200000
#define RING_SLOTS	4096

static int ncpu_ok = 1;

static void pin(int cpu)
{
	if (ring_host_pin(cpu))
		ncpu_ok = 0;
}

static void cpu_relax(void)
{
	__builtin_ia32_pause();
}

/* ---- bare cache-line ping-pong ---- */

static struct {
	uint64_t v;
	char pad[56];
} __attribute__((aligned(64))) line;

static void *pong_line(void *arg)
{
	pin(1);
	for (uint64_t i = 1; i <= PINGS; i++) {
		while (__atomic_load_n(&line.v, __ATOMIC_ACQUIRE) != 2 * i - 1)
			cpu_relax();
		__atomic_store_n(&line.v, 2 * i, __ATOMIC_RELEASE);
	}
	return NULL;
}

static double bench_line(void)
{
	pthread_t th;
	uint64_t t0, t1;

	line.v = 0;
	pthread_create(&th, NULL, pong_line, NULL);
	pin(0);
	t0 = ring_host_now_ns();
	for (uint64_t i = 1; i <= PINGS; i++) {
		__atomic_store_n(&line.v, 2 * i - 1, __ATOMIC_RELEASE);
		while (__atomic_load_n(&line.v, __ATOMIC_ACQUIRE) != 2 * i)
			cpu_relax();
	}
	t1 = ring_host_now_ns();
	pthread_join(th, NULL);
	return (double)(t1 - t0) / (2.0 * PINGS);
}

/* ---- ring ping-pong and throughput ---- */

/*
 * One receiver's state, on cache lines of its own: the two sides are
 * written by different threads, and a line shared between them would
 * bounce at every message and be measured as ring latency.
 */
struct side {
	void *mem;
	struct cohort_ring_rx rx;
	uint64_t got;
	uint64_t bytes;
} __attribute__((aligned(64)));

static size_t ring_bytes = COHORT_RING_BYTES(RING_SLOTS);

static void on_msg(void *ctx, const struct cohort_ring_msg *m)
{
	struct side *s = ctx;

	s->got++;
	s->bytes += m->len;
}

static const struct cohort_ring_rx_ops ops = {
	.deliver = on_msg,
	.alloc = ring_host_alloc,
	.free = ring_host_free,
};

static void side_init(struct side *s)
{
	struct cohort_ring_rx_config cfg = {
		.max_msg = 65536,
		.max_senders = 4,
		.claim_timeout = 1000000000ULL,
	};

	s->mem = ring_host_map(ring_bytes);
	if (!s->mem || cohort_ring_rx_init(&s->rx, s->mem, ring_bytes, &cfg,
					   &ops, s)) {
		fprintf(stderr, "ring-bench: ring setup failed\n");
		exit(1);
	}
	/* Busy polling on both sides: no doorbells wanted. */
	cohort_ring_notify_disable(&s->rx);
	s->got = 0;
	s->bytes = 0;
}

static void side_fini(struct side *s)
{
	cohort_ring_rx_fini(&s->rx);
	ring_host_unmap(s->mem, ring_bytes);
}

static struct side a_side, b_side;
static uint8_t msg32[32];

static void send_spin(struct cohort_ring_tx *tx, const void *buf, size_t len)
{
	while (cohort_ring_send(tx, 1, buf, len, NULL) == -EAGAIN)
		cpu_relax();
}

static void *pong_ring(void *arg)
{
	struct cohort_ring_tx tx;

	pin(1);
	cohort_ring_tx_attach(&tx, a_side.mem, ring_bytes, 1);
	for (uint64_t i = 1; i <= PINGS; i++) {
		while (b_side.got < i)
			if (!cohort_ring_poll(&b_side.rx, 16, 0))
				cpu_relax();
		send_spin(&tx, msg32, sizeof(msg32));
	}
	return NULL;
}

static double bench_ring_latency(void)
{
	struct cohort_ring_tx tx;
	pthread_t th;
	uint64_t t0, t1;

	side_init(&a_side);
	side_init(&b_side);
	cohort_ring_tx_attach(&tx, b_side.mem, ring_bytes, 0);
	pthread_create(&th, NULL, pong_ring, NULL);
	pin(0);
	t0 = ring_host_now_ns();
	for (uint64_t i = 1; i <= PINGS; i++) {
		send_spin(&tx, msg32, sizeof(msg32));
		while (a_side.got < i)
			if (!cohort_ring_poll(&a_side.rx, 16, 0))
				cpu_relax();
	}
	t1 = ring_host_now_ns();
	pthread_join(th, NULL);
	side_fini(&a_side);
	side_fini(&b_side);
	return (double)(t1 - t0) / (2.0 * PINGS);
}

struct tput {
	size_t size;
	uint64_t n;
	int fd;
};

static void *ring_consumer(void *arg)
{
	struct tput *tp = arg;

	pin(1);
	while (b_side.got < tp->n)
		if (!cohort_ring_poll(&b_side.rx, 256, 0))
			cpu_relax();
	return NULL;
}

static double bench_ring_tput(size_t size, uint64_t n)
{
	struct tput tp = { .size = size, .n = n };
	struct cohort_ring_tx tx;
	uint8_t *buf = calloc(1, size);
	pthread_t th;
	uint64_t t0, t1;

	side_init(&b_side);
	cohort_ring_tx_attach(&tx, b_side.mem, ring_bytes, 0);
	pthread_create(&th, NULL, ring_consumer, &tp);
	pin(0);
	t0 = ring_host_now_ns();
	for (uint64_t i = 0; i < n; i++)
		send_spin(&tx, buf, size);
	pthread_join(th, NULL);
	t1 = ring_host_now_ns();
	if (b_side.bytes != n * size)
		fprintf(stderr, "ring-bench: lost bytes\n");
	b_side.bytes = 0;
	side_fini(&b_side);
	free(buf);
	return (double)n * 1e9 / (double)(t1 - t0);
}

static void *pipe_reader(void *arg)
{
	struct tput *tp = arg;
	uint8_t *buf = malloc(tp->size);

	pin(1);
	for (uint64_t i = 0; i < tp->n; i++) {
		size_t got = 0;

		while (got < tp->size) {
			ssize_t r = read(tp->fd, buf + got, tp->size - got);

			if (r <= 0)
				goto out;
			got += (size_t)r;
		}
	}
out:
	free(buf);
	return NULL;
}

static double bench_pipe_tput(size_t size, uint64_t n)
{
	struct tput tp = { .size = size, .n = n };
	uint8_t *buf = calloc(1, size);
	pthread_t th;
	uint64_t t0, t1;
	int fds[2];

	if (pipe(fds))
		exit(1);
	tp.fd = fds[0];
	pthread_create(&th, NULL, pipe_reader, &tp);
	pin(0);
	t0 = ring_host_now_ns();
	for (uint64_t i = 0; i < n; i++) {
		if (write(fds[1], buf, size) != (ssize_t)size)
			exit(1);
	}
	pthread_join(th, NULL);
	t1 = ring_host_now_ns();
	close(fds[0]);
	close(fds[1]);
	free(buf);
	return (double)n * 1e9 / (double)(t1 - t0);
}

static void report(const char *name, double v, const char *unit,
		   const char *base, double bv)
{
	printf("BENCH %s %.1f %s ratio=%.3f baseline=%s\n", name, v, unit,
	       bv > 0 ? v / bv : 0.0, base);
}

int main(void)
{
	double line_ns, ring_ns, p, r;
	static const size_t sizes[] = { 32, 4096 };
	char pn[64], rn[64];

	setvbuf(stdout, NULL, _IOLBF, 0);
	line_ns = bench_line();
	ring_ns = bench_ring_latency();
	if (!ncpu_ok)
		fprintf(stderr, "ring-bench: could not pin to CPUs 0 and 1\n");
	report("cacheline_pingpong_oneway", line_ns, "ns",
	       "cacheline_pingpong_oneway", line_ns);
	report("ring_oneway_latency", ring_ns, "ns",
	       "cacheline_pingpong_oneway", line_ns);

	for (unsigned int i = 0; i < 2; i++) {
		uint64_t n = sizes[i] <= 64 ? 2000000 : 200000;

		p = bench_pipe_tput(sizes[i], n);
		r = bench_ring_tput(sizes[i], n);
		snprintf(pn, sizeof(pn), "pipe_msgs_%zuB", sizes[i]);
		snprintf(rn, sizeof(rn), "ring_msgs_%zuB", sizes[i]);
		report(pn, p, "msgs/s", pn, p);
		report(rn, r, "msgs/s", pn, p);
	}
	return 0;
}
