/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace stand-ins for the kernel primitives cfs_os.h needs, in the
 * spirit of the kernel's tools/include: GCC __atomic builtins and libc.
 */
#ifndef _COHORTFS_COMPAT_H
#define _COHORTFS_COMPAT_H

#include <errno.h>
#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <endian.h>
#include <linux/types.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int32_t s32;
typedef int64_t s64;

#ifndef EUCLEAN
#define EUCLEAN 117
#endif

#define le16_to_cpu(x)	le16toh(x)
#define le32_to_cpu(x)	le32toh(x)
#define le64_to_cpu(x)	le64toh(x)
#define cpu_to_le16(x)	htole16(x)
#define cpu_to_le32(x)	htole32(x)
#define cpu_to_le64(x)	htole64(x)

#define READ_ONCE(x)	__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELAXED)

#define cfs_zalloc(n)	calloc(1, (n))
#define cfs_free(p)	free(p)
#define cfs_relax()	__builtin_ia32_pause()
#define cfs_yield()	sched_yield()
#define cfs_mb()	__atomic_thread_fence(__ATOMIC_SEQ_CST)
#define cfs_rmb()	__atomic_thread_fence(__ATOMIC_ACQUIRE)

static inline u64 cfs_ld64(const __le64 *p)
{
	return le64toh(__atomic_load_n(p, __ATOMIC_ACQUIRE));
}

static inline u64 cfs_ld64_relaxed(const __le64 *p)
{
	return le64toh(__atomic_load_n(p, __ATOMIC_RELAXED));
}

static inline void cfs_st64(__le64 *p, u64 v)
{
	__atomic_store_n(p, htole64(v), __ATOMIC_RELEASE);
}

static inline void cfs_st64_relaxed(__le64 *p, u64 v)
{
	__atomic_store_n(p, htole64(v), __ATOMIC_RELAXED);
}

static inline u32 cfs_ld32(const __le32 *p)
{
	return le32toh(__atomic_load_n(p, __ATOMIC_ACQUIRE));
}

static inline void cfs_st32(__le32 *p, u32 v)
{
	__atomic_store_n(p, htole32(v), __ATOMIC_RELEASE);
}

static inline bool cfs_cas64(__le64 *p, u64 *old, u64 new)
{
	__le64 o = htole64(*old);

	if (__atomic_compare_exchange_n(p, &o, htole64(new), false,
					__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		return true;
	*old = le64toh(o);
	return false;
}

static inline bool cfs_cas32(__le32 *p, u32 *old, u32 new)
{
	__le32 o = htole32(*old);

	if (__atomic_compare_exchange_n(p, &o, htole32(new), false,
					__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		return true;
	*old = le32toh(o);
	return false;
}

/* crc32c (Castagnoli), bitwise; the kernel has crc32c() in lib/. */
static inline u32 cfs_crc32c(u32 crc, const void *buf, size_t len)
{
	const u8 *p = buf;
	int k;

	while (len--) {
		crc ^= *p++;
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0x82f63b78 & (0 - (crc & 1)));
	}
	return crc;
}

#endif /* _COHORTFS_COMPAT_H */
