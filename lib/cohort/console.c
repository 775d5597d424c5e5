// SPDX-License-Identifier: GPL-2.0
/*
 * Where the oldest byte of an instance's console still held is.
 *
 * The kernel keeps the last "size" bytes of the stream; a read at an
 * offset older than that returns bytes from the oldest one held.  When
 * the buffer size is known the oldest byte is max(0, head - size).  When
 * it is not, it is found by probing: a read at p and a read at p + 1 give
 * the same bytes exactly when both were moved up to the oldest byte held,
 * i.e. when p is older than it.  That holds for p < oldest and fails for
 * p >= oldest (the second read is the first one shifted by a byte, and
 * lengths differ near the head), so a binary search finds it.  Only
 * stream contents of a single repeated byte for a whole chunk fool it.
 */
#include <errno.h>
#include <string.h>

#include "console.h"

/* Are reads at @p and @p + 1 both moved up to the oldest byte held? */
static int clamped(cohort_console_read_t rd, void *ctx, __u64 p,
		   unsigned char *a, unsigned char *b)
{
	ssize_t na, nb;

	na = rd(ctx, a, COHORT_CONSOLE_CHUNK, p);
	if (na < 0)
		return -errno;
	nb = rd(ctx, b, COHORT_CONSOLE_CHUNK, p + 1);
	if (nb < 0)
		return -errno;
	return na > 0 && na == nb && !memcmp(a, b, (size_t)na);
}

/**
 * cohort_console_start() - absolute offset of the oldest console byte held
 * @rd: reads the stream at an absolute offset
 * @ctx: passed to @rd
 * @head: console_head: bytes ever written
 * @size: bytes the console buffer holds, or 0 when not known
 * @start: out: the offset to start reading at
 *
 * Return: 0, or a negative errno from @rd.
 */
int cohort_console_start(cohort_console_read_t rd, void *ctx, __u64 head,
			 __u64 size, __u64 *start)
{
	unsigned char a[COHORT_CONSOLE_CHUNK], b[COHORT_CONSOLE_CHUNK];
	__u64 lo = 0, hi = head;
	int ret;

	if (size) {
		*start = head > size ? head - size : 0;
		return 0;
	}
	*start = 0;
	if (head < 2)
		return 0;
	ret = clamped(rd, ctx, 0, a, b);
	if (ret <= 0)
		return ret;
	/* Invariant: reads at lo are clamped, reads at hi are not. */
	while (hi - lo > 1) {
		__u64 mid = lo + (hi - lo) / 2;

		ret = clamped(rd, ctx, mid, a, b);
		if (ret < 0)
			return ret;
		if (ret)
			lo = mid;
		else
			hi = mid;
	}
	*start = hi;
	return 0;
}
