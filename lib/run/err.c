// SPDX-License-Identifier: GPL-2.0
/*
 * The one-line messages lib/run/ hands back to its callers.
 */
#include <stdarg.h>
#include <stdio.h>

#include "internal.h"

/**
 * run_err() - write a one-line message for the caller
 * @err: where, or NULL
 * @errlen: bytes at @err
 * @fmt: printf(3) format
 */
void run_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}
