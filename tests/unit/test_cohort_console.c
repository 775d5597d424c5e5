// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of lib/cohort/console.c: finding the oldest console byte on
 * a simulated kernel ring that holds the last SIZE bytes of a stream and
 * returns sysfs-sized (a page at most) reads moved up to its oldest byte.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cohort/console.h"

struct ring {
	unsigned char *stream;	/* every byte ever written */
	__u64 head;
	__u64 size;		/* bytes the ring holds */
	unsigned int reads;
};

static ssize_t ring_read(void *ctx, void *buf, size_t len, __u64 off)
{
	struct ring *r = ctx;
	__u64 oldest = r->head > r->size ? r->head - r->size : 0;

	r->reads++;
	if (len > 4096)
		len = 4096;
	if (off < oldest)
		off = oldest;
	if (off >= r->head)
		return 0;
	if (len > r->head - off)
		len = (size_t)(r->head - off);
	memcpy(buf, r->stream + off, len);
	return (ssize_t)len;
}

static ssize_t failing_read(void *ctx, void *buf, size_t len, __u64 off)
{
	errno = EIO;
	return -1;
}

/* A stream of text lines, like a kernel log. */
static struct ring *ring_new(__u64 head, __u64 size)
{
	struct ring *r = calloc(1, sizeof(*r));
	__u64 i;

	r->stream = malloc(head + 1);
	for (i = 0; i < head; i++)
		r->stream[i] = (unsigned char)((i * 7 + i / 13) % 61 + ' ');
	for (i = 80; i < head; i += 81)
		r->stream[i] = '\n';
	r->head = head;
	r->size = size;
	return r;
}

static void ring_free(struct ring *r)
{
	free(r->stream);
	free(r);
}

static void expect_start(__u64 head, __u64 size)
{
	struct ring *r = ring_new(head, size);
	__u64 start = ~0ULL, want = head > size ? head - size : 0;

	assert_int_equal(cohort_console_start(ring_read, r, head, 0, &start),
			 0);
	if (start != want)
		fail_msg("head %llu size %llu: start %llu, want %llu",
			 (unsigned long long)head, (unsigned long long)size,
			 (unsigned long long)start, (unsigned long long)want);
	/* With the size known, no read at all. */
	r->reads = 0;
	assert_int_equal(cohort_console_start(ring_read, r, head, size,
					      &start), 0);
	assert_int_equal(start, want);
	assert_int_equal(r->reads, 0);
	ring_free(r);
}

static void test_nothing_lost(void **state)
{
	expect_start(0, 65536);
	expect_start(1, 65536);
	expect_start(2, 65536);
	expect_start(100, 65536);
	expect_start(4096, 65536);
	expect_start(65536, 65536);
}

static void test_lost(void **state)
{
	expect_start(65537, 65536);
	expect_start(100000, 65536);
	expect_start(1000000, 65536);
	expect_start(5000, 4096);
	expect_start(4097, 4096);
	expect_start(3000, 1024);	/* smaller than a read */
	expect_start(1025, 1024);
	expect_start(300000, 131072);
}

static void test_probe_cost(void **state)
{
	struct ring *r = ring_new(10 * 1000 * 1000, 65536);
	__u64 start;

	assert_int_equal(cohort_console_start(ring_read, r, r->head, 0,
					      &start), 0);
	assert_int_equal(start, r->head - r->size);
	assert_true(r->reads <= 2 * 26);
	ring_free(r);
}

static void test_read_error(void **state)
{
	__u64 start = 123;

	assert_int_equal(cohort_console_start(failing_read, NULL, 5000, 0,
					      &start), -EIO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nothing_lost),
		cmocka_unit_test(test_lost),
		cmocka_unit_test(test_probe_cost),
		cmocka_unit_test(test_read_error),
	};

	return cmocka_run_group_tests_name("cohort_console", tests, NULL,
					   NULL);
}
