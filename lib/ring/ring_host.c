// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace helpers around the ring; see ring_host.h.
 */
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/mman.h>

#include "ring_host.h"

void *ring_host_map(size_t size)
{
	void *mem;
	int fd;

	fd = memfd_create("cohort-ring", MFD_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (ftruncate(fd, (off_t)size) < 0) {
		close(fd);
		return NULL;
	}
	mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	return mem == MAP_FAILED ? NULL : mem;
}

void ring_host_unmap(void *mem, size_t size)
{
	if (mem)
		munmap(mem, size);
}

uint64_t ring_host_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

int ring_host_pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) < 0)
		return -errno;
	return 0;
}

int ring_host_bell_init(struct ring_host_bell *bell)
{
	bell->fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	return bell->fd < 0 ? -errno : 0;
}

void ring_host_bell_fini(struct ring_host_bell *bell)
{
	if (bell->fd >= 0)
		close(bell->fd);
	bell->fd = -1;
}

void ring_host_bell_ring(struct ring_host_bell *bell)
{
	uint64_t one = 1;

	if (write(bell->fd, &one, sizeof(one)) < 0) {
		/* EAGAIN: the counter is saturated, the bell rings anyway. */
	}
}

uint64_t ring_host_bell_wait(struct ring_host_bell *bell, int timeout_ms)
{
	struct pollfd pfd = { .fd = bell->fd, .events = POLLIN };
	uint64_t n = 0;

	if (poll(&pfd, 1, timeout_ms) <= 0)
		return 0;
	if (read(bell->fd, &n, sizeof(n)) != sizeof(n))
		return 0;
	return n;
}

void *ring_host_alloc(void *ctx, size_t size)
{
	return malloc(size);
}

void ring_host_free(void *ctx, void *ptr, size_t size)
{
	free(ptr);
}
