/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Parsing and checking what a person types to the Cohort tools: CPU lists,
 * sizes, addresses, instance and region names, timeouts and bounded counts.
 * Shared by cohort(8), cohortd and the tests.
 *
 * Every function returns 0 or a negative errno and, on failure, writes a
 * sentence for a person (without a "cohort:" prefix or a final newline)
 * into @err, which may be NULL.
 */
#ifndef _COHORT_PARSE_H
#define _COHORT_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include <uapi/linux/cohort.h>

/* Big enough for any message these functions write. */
#define COHORT_ERR_MAX		256

/* cohort_parse_cpulist() flags */
/*
 * For lists the kernel writes (sysfs "present", "cpus"): allow an empty
 * list, trailing white space and duplicates; CPUs at or above @nbits are
 * ignored rather than refused.
 */
#define COHORT_CPULIST_LENIENT	(1U << 0)

int cohort_parse_cpulist(const char *s, __u64 *mask, unsigned int nbits,
			 unsigned int flags, char *err, size_t errlen);
int cohort_format_cpulist(const __u64 *mask, unsigned int nbits, char *buf,
			  size_t len);
unsigned int cohort_cpulist_weight(const __u64 *mask, unsigned int nbits);

static inline bool cohort_cpu_isset(const __u64 *mask, unsigned int cpu)
{
	return (mask[cpu / 64] >> (cpu % 64)) & 1;
}

static inline void cohort_cpu_set(__u64 *mask, unsigned int cpu)
{
	mask[cpu / 64] |= 1ULL << (cpu % 64);
}

int cohort_parse_size(const char *s, __u64 *out, char *err, size_t errlen);
int cohort_check_mem_size(__u64 size, char *err, size_t errlen);
int cohort_parse_addr(const char *s, __u64 *out, char *err, size_t errlen);
int cohort_check_name(const char *name, char *err, size_t errlen);
int cohort_check_name_of(const char *name, const char *what, char *err,
			 size_t errlen);
int cohort_parse_timeout(const char *s, __u32 *ms, char *err, size_t errlen);
int cohort_check_cmdline(const char *cmdline, char *err, size_t errlen);
int cohort_parse_uint(const char *s, const char *what, const char *unit,
		      __u32 min, __u32 max, __u32 *out, char *err,
		      size_t errlen);

/* Longest string cohort_format_size() writes, with its NUL. */
#define COHORT_SIZE_STR_MAX	32
void cohort_format_size(__u64 bytes, bool compact, char *buf, size_t len);
void cohort_appendf(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
const char *cohort_plural(unsigned int n);

/* Longest string cohort_format_age_ms() writes, with its NUL. */
#define COHORT_AGE_STR_MAX	24
void cohort_format_age_ms(__u64 ms, char *buf, size_t len);

void cohort_quote(const char *s, char *buf, size_t len);

#endif /* _COHORT_PARSE_H */
