/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The little the ring protocol needs from its surroundings.
 *
 * In the kernel these are the kernel's own primitives.  In userspace they
 * are mapped onto GCC __atomic builtins and libc, with the kernel's memory
 * model semantics: smp_mb() is a full fence, try_cmpxchg() and xchg() are
 * fully ordered read-modify-writes, smp_load_acquire()/smp_store_release() are
 * one-way barriers, READ_ONCE()/WRITE_ONCE() are single untorn accesses
 * the compiler may not merge, split or repeat.
 */
#ifndef _COHORT_RING_OS_H
#define _COHORT_RING_OS_H

#ifdef __KERNEL__

#include <linux/types.h>
#include <linux/bits.h>
#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/atomic.h>
#include <asm/barrier.h>

#else /* !__KERNEL__ */

#include <stdbool.h>
#include <stddef.h>
#include <errno.h>
#include <string.h>
#include <linux/types.h>

#define u8 __u8
#define u16 __u16
#define u32 __u32
#define u64 __u64
#define s32 __s32
#define s64 __s64

#define BIT_ULL(n)		(1ULL << (n))

#ifndef likely
#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#endif

/*
 * Relaxed atomic accesses: one untorn load or store that the compiler may
 * not merge, split or invent, as the kernel's READ_ONCE()/WRITE_ONCE().
 */
#define READ_ONCE(x)		__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, val)	__atomic_store_n(&(x), (val), __ATOMIC_RELAXED)

/* Full barrier: orders earlier loads and stores before later ones. */
#define smp_mb()		__atomic_thread_fence(__ATOMIC_SEQ_CST)
/* Later accesses cannot move before this load. */
#define smp_load_acquire(p)	__atomic_load_n(p, __ATOMIC_ACQUIRE)
/* Earlier accesses cannot move after this store. */
#define smp_store_release(p, v)	__atomic_store_n(p, v, __ATOMIC_RELEASE)
/* Fully ordered exchange; returns the old value. */
#define xchg(p, v)		__atomic_exchange_n(p, v, __ATOMIC_SEQ_CST)
/* Fully ordered compare-and-swap; *oldp is updated when it fails. */
#define try_cmpxchg(p, oldp, new)					\
	__atomic_compare_exchange_n(p, oldp, new, false,		\
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)

#endif /* __KERNEL__ */

#endif /* _COHORT_RING_OS_H */
