/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cohortfs OS abstraction: the only header the shared format code
 * includes for primitives.  In the kernel it maps to kernel primitives;
 * in userspace to cfs_compat.h (GCC __atomic builtins and libc).
 *
 * Shared words are little-endian on media; the helpers below convert, so
 * that a CAS compares and swaps the stored bit patterns.
 */
#ifndef _COHORTFS_OS_H
#define _COHORTFS_OS_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/string.h>
#include <linux/errno.h>
#include <linux/compiler.h>
#include <linux/atomic.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/crc32c.h>
#include <linux/processor.h>
#include <linux/sched.h>
#include <asm/barrier.h>

#define cfs_zalloc(n)		kvzalloc((n), GFP_KERNEL)
#define cfs_free(p)		kvfree(p)
#define cfs_crc32c(c, p, n)	crc32c((c), (p), (n))
#define cfs_relax()		cpu_relax()
/* let others run: retry loops call it now and then (cfs_may_retry()) */
#define cfs_yield()		cond_resched()
/* full barrier: orders a store before a later load (Dekker checks) */
#define cfs_mb()		smp_mb()
/* orders the reads of a snapshot before the re-read that validates it */
#define cfs_rmb()		smp_rmb()

static inline u64 cfs_ld64(const __le64 *p)
{
	/* pairs with the release of cfs_st64() and with cfs_cas64() */
	return le64_to_cpu(smp_load_acquire(p));
}

static inline u64 cfs_ld64_relaxed(const __le64 *p)
{
	return le64_to_cpu(READ_ONCE(*p));
}

static inline void cfs_st64(__le64 *p, u64 v)
{
	/* publishes what was written before; pairs with cfs_ld64() */
	smp_store_release(p, cpu_to_le64(v));
}

static inline void cfs_st64_relaxed(__le64 *p, u64 v)
{
	WRITE_ONCE(*p, cpu_to_le64(v));
}

static inline u32 cfs_ld32(const __le32 *p)
{
	/* pairs with cfs_st32() and cfs_cas32() */
	return le32_to_cpu(smp_load_acquire(p));
}

static inline void cfs_st32(__le32 *p, u32 v)
{
	/* publishes what was written before; pairs with cfs_ld32() */
	smp_store_release(p, cpu_to_le32(v));
}

/* Full-barrier compare-and-swap; on failure *old is the current value. */
static inline bool cfs_cas64(__le64 *p, u64 *old, u64 new)
{
	u64 o = (__force u64)cpu_to_le64(*old);
	u64 r = cmpxchg64((u64 *)p, o, (__force u64)cpu_to_le64(new));

	if (r == o)
		return true;
	*old = le64_to_cpu((__force __le64)r);
	return false;
}

static inline bool cfs_cas32(__le32 *p, u32 *old, u32 new)
{
	u32 o = (__force u32)cpu_to_le32(*old);
	u32 r = cmpxchg((u32 *)p, o, (__force u32)cpu_to_le32(new));

	if (r == o)
		return true;
	*old = le32_to_cpu((__force __le32)r);
	return false;
}

#else /* !__KERNEL__ */
#include "cfs_compat.h"
#endif

/* Atomic read-modify-write helpers built on CAS, identical everywhere. */
static inline u64 cfs_fetch_or64(__le64 *p, u64 v)
{
	u64 old = cfs_ld64_relaxed(p);

	while (!cfs_cas64(p, &old, old | v))
		;
	return old;
}

static inline u64 cfs_fetch_and64(__le64 *p, u64 v)
{
	u64 old = cfs_ld64_relaxed(p);

	while (!cfs_cas64(p, &old, old & v))
		;
	return old;
}

static inline u64 cfs_fetch_add64(__le64 *p, u64 v)
{
	u64 old = cfs_ld64_relaxed(p);

	while (!cfs_cas64(p, &old, old + v))
		;
	return old;
}

#endif /* _COHORTFS_OS_H */
