// SPDX-License-Identifier: GPL-2.0
/*
 * cohortd: the rules of health checks, apart from the probes themselves
 * (health.c) so that they can be tested alone:
 *
 *   - failures count only once a check has passed, or once the
 *     instance has been watched for CD_HEALTH_GRACE_MS (a service takes
 *     a while to come up after a boot): before that a failed check is
 *     shown, not counted;
 *   - a passed check clears the count; threshold failures in a row
 *     counted make the instance failed;
 *   - a check starts interval ms after the previous one started, and
 *     never before the previous one ended;
 *   - a connection is given the interval to be made; a command
 *     (cohort exec) the interval, but at least CD_HEALTH_CMD_MIN_MS;
 *   - cohort exec's exit status says why a command check failed.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "healthrule.h"

/**
 * cd_health_note() - count one check's result
 * @st: the instance's counts
 * @ok: the check passed
 * @now: when it ended, ms (monotonic)
 * @threshold: failures in a row that make the instance failed
 *
 * Return: true when this failure makes @threshold in a row.
 */
bool cd_health_note(struct cd_hstate *st, bool ok, long long now,
		    unsigned int threshold)
{
	st->checks++;
	if (ok) {
		st->last = CD_HEALTH_OK;
		st->ever_ok = true;
		st->counting = true;
		st->fails = 0;
		return false;
	}
	st->last = CD_HEALTH_FAILING;
	if (!st->counting && now - st->since >= CD_HEALTH_GRACE_MS)
		st->counting = true;
	if (!st->counting)
		return false;
	st->fails++;
	return st->fails >= threshold;
}

/**
 * cd_health_next() - when the next check starts
 * @started: when the last one started, ms
 * @now: when it ended, ms
 * @interval: the instance's interval, ms
 *
 * Return: the time, ms.
 */
long long cd_health_next(long long started, long long now,
			 unsigned int interval)
{
	long long at = started + interval;

	return at > now ? at : now;
}

/**
 * cd_health_timeout() - how long one check may take
 * @command: a command check (else a connection)
 * @interval: the instance's interval, ms
 *
 * Return: ms.
 */
unsigned int cd_health_timeout(bool command, unsigned int interval)
{
	if (command && interval < CD_HEALTH_CMD_MIN_MS)
		return CD_HEALTH_CMD_MIN_MS;
	return interval;
}

/**
 * cd_health_exec_result() - what cohort exec's end says of a command check
 * @wstatus: its wait status
 * @last: the last line it or the command printed ("" for none)
 * @timeout_ms: the --timeout it was given
 * @why: out: why the check failed
 * @len: bytes at @why
 *
 * Return: true when the check passed (the command exited 0).
 */
bool cd_health_exec_result(int wstatus, const char *last,
			   unsigned int timeout_ms, char *why, size_t len)
{
	const char *sep = *last ? ": " : "";
	int st;

	if (WIFSIGNALED(wstatus)) {
		snprintf(why, len, "cohort exec did not end (signal %d)",
			 WTERMSIG(wstatus));
		return false;
	}
	st = WEXITSTATUS(wstatus);
	switch (st) {
	case 0:
		why[0] = '\0';
		return true;
	case 124:
		snprintf(why, len, "the command ran longer than %u ms",
			 timeout_ms);
		break;
	case 125:
		snprintf(why, len, "cohort exec failed%s%.300s", sep, last);
		break;
	case 126:
	case 127:
		snprintf(why, len, "the command could not be run (%d)%s%.300s",
			 st, sep, last);
		break;
	default:
		snprintf(why, len, "the command exited with status %d%s%.300s",
			 st, sep, last);
		break;
	}
	return false;
}
