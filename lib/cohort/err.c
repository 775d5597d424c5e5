// SPDX-License-Identifier: GPL-2.0
/*
 * The one-line error messages of lib/cohort, lib/image and lib/run.
 */
#include <stdarg.h>
#include <stdio.h>

#include "err.h"

/**
 * cohort_seterr() - write a one-line message for the caller
 * @err: where, or NULL when the caller wants none
 * @errlen: bytes at @err
 * @fmt: printf(3) format
 */
void cohort_seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}
