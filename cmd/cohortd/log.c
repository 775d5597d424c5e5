// SPDX-License-Identifier: GPL-2.0
/*
 * cohortd: logging.  Under systemd stderr goes to the journal, which
 * takes a leading "<N>" as the message's priority (sd-daemon(3)); without
 * it ($JOURNAL_STREAM unset) each line gets a time stamp instead.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cohortd.h"

/**
 * cd_log() - one line on stderr
 * @prio: its syslog priority
 * @fmt: printf(3) format, without a newline
 */
void cd_log(enum cd_prio prio, const char *fmt, ...)
{
	static const char *const names[] = {
		[CD_ERR] = "error", [CD_WARN] = "warning",
		[CD_NOTICE] = "notice", [CD_INFO] = "info",
	};
	char line[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (getenv("JOURNAL_STREAM")) {
		fprintf(stderr, "<%d>%s\n", prio, line);
	} else {
		struct timespec ts;
		struct tm tm;
		char t[32];

		clock_gettime(CLOCK_REALTIME, &ts);
		localtime_r(&ts.tv_sec, &tm);
		strftime(t, sizeof(t), "%Y-%m-%d %H:%M:%S", &tm);
		fprintf(stderr, "%s.%03ld cohortd: %s: %s\n", t,
			ts.tv_nsec / 1000000, names[prio], line);
	}
	fflush(stderr);
}
