/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace helpers around the ring: shared mappings, a clock, CPU
 * pinning, an eventfd doorbell and reassembly buffers from malloc.
 * Used by the tests, the stress tool and the benchmarks; not shared
 * with the kernel.
 */
#ifndef _COHORT_RING_HOST_H
#define _COHORT_RING_HOST_H

#include <stddef.h>
#include <stdint.h>
#include "cohort_ring.h"

/* MAP_SHARED anonymous memory (a memfd) that survives fork(). */
void *ring_host_map(size_t size);
void ring_host_unmap(void *mem, size_t size);

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t ring_host_now_ns(void);

/* Pin the calling thread to @cpu; 0 or -errno. */
int ring_host_pin(int cpu);

/* Doorbell: an eventfd, inherited across fork(). */
struct ring_host_bell {
	int fd;
};

int ring_host_bell_init(struct ring_host_bell *bell);
void ring_host_bell_fini(struct ring_host_bell *bell);
void ring_host_bell_ring(struct ring_host_bell *bell);
/* Wait up to @timeout_ms; returns the number of rings seen (0 on timeout). */
uint64_t ring_host_bell_wait(struct ring_host_bell *bell, int timeout_ms);

/* cohort_ring_rx_ops alloc/free on malloc. */
void *ring_host_alloc(void *ctx, size_t size);
void ring_host_free(void *ctx, void *ptr, size_t size);

#endif /* _COHORT_RING_HOST_H */
