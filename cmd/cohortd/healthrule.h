/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cohortd: the rules of health checks (healthrule.c), without the
 * daemon's other parts, for its unit test.
 */
#ifndef _COHORTD_HEALTHRULE_H
#define _COHORTD_HEALTHRULE_H

#include <stdbool.h>
#include <stddef.h>

/* Failures count after the first pass, or this long after watching began. */
#define CD_HEALTH_GRACE_MS	60000
/* A command check (cohort exec) may take at least this long. */
#define CD_HEALTH_CMD_MIN_MS	10000

enum cd_health_last {
	CD_HEALTH_NONE,		/* no check ended yet */
	CD_HEALTH_OK,
	CD_HEALTH_FAILING,
};

/* What the checks of one instance have said since it was watched. */
struct cd_hstate {
	long long since;		/* watched since, ms; 0: not watched */
	bool ever_ok;
	bool counting;			/* failures count now */
	unsigned int fails;		/* counted failures in a row */
	unsigned long long checks;	/* checks that ended */
	enum cd_health_last last;
};

bool cd_health_note(struct cd_hstate *st, bool ok, long long now,
		    unsigned int threshold);
long long cd_health_next(long long started, long long now,
			 unsigned int interval);
unsigned int cd_health_timeout(bool command, unsigned int interval);
bool cd_health_exec_result(int wstatus, const char *last,
			   unsigned int timeout_ms, char *why, size_t len);

#endif /* _COHORTD_HEALTHRULE_H */
