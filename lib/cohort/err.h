/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one-line error messages Cohort's userspace libraries hand back: a
 * caller passes a buffer and its size, a function that fails fills it.
 */
#ifndef _COHORT_ERR_H
#define _COHORT_ERR_H

#include <stddef.h>

void cohort_seterr(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* _COHORT_ERR_H */
