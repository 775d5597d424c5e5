// SPDX-License-Identifier: GPL-2.0
/*
 * cohortd: warm standbys (issue 12: "standby takeover", what kdump's
 * second kernel is elsewhere).  An instance declared with standby = yes
 * gets NAME.standby beside it: the same CPU count on free CPUs, the same
 * memory, kernel, initramfs and command line plus "cohort.standby", no
 * network link (make.c).  It is made once NAME runs and no other job
 * runs (a start has the CPUs first), and stays booted and idle.
 *
 * When NAME fails in any way its restart policy would act on (sup.c:
 * panic, heartbeat, an unasked power-off, start-timeout, cpus-lost, a
 * failed health check) and its standby is ready, one job does, in
 * STATE/NAME/job.log:
 *
 *	cohort takeover NAME.standby NAME	the service moves at once
 *	cohort stop --force NAME		the failed kernel's CPUs back
 *	cohort dump NAME FILE			when dump = yes (not for health)
 *	cohort delete NAME
 *	cohort rename NAME.standby NAME		the standby is NAME now
 *
 * "cohort takeover" gives the standby NAME's vsock address (and, where
 * the kernel moves links with it, NAME's network link with its
 * addresses); the event "took-over" says how long it took from the
 * failure being seen.  Then a new standby is made, in the background.
 * A standby that is not ready leaves NAME to its restart policy.  It is
 * ready once its kernel checked in and, when NAME has a vsock-port or
 * command check, once that check passed on the standby (a tcp-port one
 * needs the link, which only a takeover gives it); the check goes on
 * while it stands by, and threshold failures in a row make it not ready
 * again until one passes.
 *
 * A standby that fails itself (it is not the service) has its console
 * kept in STATE/NAME.standby/ and is started again after a delay that
 * doubles from restart-backoff up to restart-backoff-max and starts over
 * once it was ready for CD_BACKOFF_RESET_MS.  One that a user stops or
 * deletes is left alone until the configuration is read again.  A
 * standby found running when cohortd starts is adopted; one whose
 * instance's declaration changed, or that is no longer declared, is
 * stopped and deleted (and made again as declared).
 *
 * Its events carry NAME, the instance it stands by: "standby-ready",
 * "standby-failed", "standby-stopped", "took-over".
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "cohortd.h"

static const char *const sb_phase_names[] = {
	[SB_NONE] = "none", [SB_WAITING] = "waiting",
	[SB_MAKING] = "making", [SB_STARTING] = "starting",
	[SB_READY] = "ready", [SB_BACKOFF] = "backoff",
	[SB_STOPPED] = "stopped", [SB_DISCARDING] = "discarding",
	[SB_TAKING_OVER] = "taking-over",
};

/**
 * cd_standby_init() - no standby yet for an instance
 * @sb: the standby
 * @inst: the instance it would stand by (its name fits the suffix: the
 *	declaration was checked)
 */
void cd_standby_init(struct cd_standby *sb, const char *inst)
{
	memset(sb, 0, sizeof(*sb));
	snprintf(sb->inst, sizeof(sb->inst), "%s", inst);
	snprintf(sb->name, sizeof(sb->name), "%.*s%s",
		 (int)(sizeof(sb->name) - sizeof(DECL_STANDBY_SUFFIX)), inst,
		 DECL_STANDBY_SUFFIX);
	sb->phase = SB_NONE;
	cd_health_init(&sb->health, sb->name);
}

/* NAME's check, if the standby can pass it without NAME's link. */
static bool has_check(const struct decl_instance *d)
{
	return d->health == DECL_HEALTH_VSOCK ||
	       d->health == DECL_HEALTH_COMMAND;
}

/**
 * cd_standby_checked() - whether the standby's health check is to run
 * @sb: the standby
 * @d: its instance's declaration
 *
 * Return: true while it runs, starting or ready, with no job on it and
 * a check it can pass (NAME's vsock-port or command check).
 */
bool cd_standby_checked(const struct cd_standby *sb,
			const struct decl_instance *d)
{
	return has_check(d) && sb->up && !sb->job.pid &&
	       (sb->phase == SB_STARTING || sb->phase == SB_READY);
}

/**
 * cd_standby_unhealthy() - its check failed threshold times in a row
 * @sb: the standby
 *
 * A ready standby is not ready until the check passes again; its
 * instance's failures meanwhile go to the restart policy.
 */
void cd_standby_unhealthy(struct cd_standby *sb)
{
	if (sb->phase != SB_READY)
		return;
	sb->phase = SB_STARTING;
	cd_log(CD_WARN, "%s: not ready: its health check fails: %s",
	       sb->name, sb->health.last_error);
}

/* Stops and deletes it, whatever it is doing, once its job is idle. */
static void discard(struct cd_standby *sb)
{
	sb->phase = SB_DISCARDING;
	sb->discard_job = false;
}

/**
 * cd_standby_want() - what a (re)read declaration asks of the standby
 * @sb: the standby
 * @d: its instance's declaration, now
 * @changed: what makes the instance changed: the standby made for the
 *	old declaration goes
 *
 * A standby no longer declared, or made for another declaration, is
 * stopped and deleted; one newly declared is made once its instance
 * runs (or adopted, when one by its name runs already); one a user had
 * stopped gets a new chance.
 */
void cd_standby_want(struct cd_standby *sb, const struct decl_instance *d,
		     bool changed)
{
	sb->wanted = d->standby;
	if (sb->phase == SB_TAKING_OVER)
		return;		/* it finishes first (cd_standby_reap()) */
	if ((!d->standby && sb->phase != SB_NONE) || (d->standby && changed)) {
		discard(sb);
	} else if (d->standby && sb->phase == SB_NONE) {
		sb->phase = SB_WAITING;
		sb->first = true;
		sb->next_at = 0;
	} else if (d->standby && sb->phase == SB_STOPPED) {
		sb->phase = SB_WAITING;
		sb->backoff = 0;
		sb->next_at = 0;
	}
}

/* It failed (@why): an event, and it is made again after the delay. */
static void failed(struct cd_standby *sb, const struct decl_instance *d,
		   const char *why, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void failed(struct cd_standby *sb, const struct decl_instance *d,
		   const char *why, const char *fmt, ...)
{
	long long now = cd_now_ms();
	char detail[1024];
	unsigned int delay;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	if (sb->phase == SB_READY && now - sb->since >= CD_BACKOFF_RESET_MS)
		sb->backoff = 0;
	delay = sb->backoff ? sb->backoff : d->restart_backoff;
	if (delay > d->restart_backoff_max)
		delay = d->restart_backoff_max;
	sb->backoff = delay >= d->restart_backoff_max / 2 ?
		      d->restart_backoff_max : delay * 2;
	sb->next_at = now + delay;
	sb->phase = SB_BACKOFF;
	snprintf(sb->last_failure, sizeof(sb->last_failure), "%s", why);
	cd_event(sb->inst, COHORTD_EV_STANDBY_FAILED, why,
		 "%s: %s; started again in %u ms", sb->name, detail, delay);
}

/* It is running, or gone: say so. */
static void ended(struct cd_standby *sb, const struct decl_instance *d,
		  const struct cd_seen *seen)
{
	char kept[4096];

	if (!seen->exists || cd_seen_user_stop(seen)) {
		cd_event(sb->inst, COHORTD_EV_STANDBY_STOPPED,
			 seen->exists ? seen->why : "deleted",
			 "%s: left alone until the configuration is read again",
			 sb->name);
		sb->phase = SB_STOPPED;
		return;
	}
	if (cd_keep_console(sb->name, seen->why, kept, sizeof(kept)))
		snprintf(kept, sizeof(kept), "(none)");
	failed(sb, d, seen->why[0] ? seen->why : "unknown",
	       "state %s; console kept in %s", seen->state, kept);
}

static void ready(struct cd_standby *sb, const char *how)
{
	char cpus[256] = "?", cid[32] = "?";

	cd_inst_attr(sb->name, "cpus", cpus, sizeof(cpus));
	cd_inst_attr(sb->name, "cid", cid, sizeof(cid));
	sb->phase = SB_READY;
	cd_event(sb->inst, COHORTD_EV_STANDBY_READY, "",
		 "%s %s: CPUs %s, CID %s", sb->name, how, cpus, cid);
	sb->since = cd_now_ms();
}

static void make(struct cd_standby *sb, const struct decl_instance *d,
		 const struct cd_seen *seen)
{
	int ret;

	cd_job_free(&sb->job);
	cd_job_init(&sb->job, sb->name);
	ret = cd_make_job(&sb->job, sb->name, d, seen, true, NULL);
	ret = ret ?: cd_job_start(&sb->job);
	if (ret) {
		failed(sb, d, "start-failed", "cannot make the job: %s",
		       strerror(-ret));
		return;
	}
	sb->phase = SB_MAKING;
	sb->up = false;
	sb->since = cd_now_ms();
}

/* Stopped and deleted (a standby that is not there: nothing to do). */
static void discard_now(struct cd_standby *sb, const struct cd_seen *seen)
{
	int ret;

	if (!seen->exists) {
		sb->phase = sb->wanted ? SB_WAITING : SB_NONE;
		sb->first = false;
		sb->backoff = 0;
		sb->next_at = 0;
		return;
	}
	cd_job_free(&sb->job);
	cd_job_init(&sb->job, sb->name);
	ret = cd_job_add(&sb->job, true, "stop", sb->name, "--force", NULL);
	ret = ret ?: cd_job_add(&sb->job, false, "delete", sb->name, NULL);
	ret = ret ?: cd_job_start(&sb->job);
	if (ret)
		cd_log(CD_ERR, "%s: cannot delete it: %s", sb->name,
		       strerror(-ret));
	else
		sb->discard_job = true;
}

/**
 * cd_standby_tick() - look at the standby, after its instance
 * @sb: the standby
 * @d: its instance's declaration
 * @inst_running: its instance runs as declared (a standby is made only
 *	then)
 * @busy: a job of cohortd's runs (one "create --cpu-count" at a time)
 */
void cd_standby_tick(struct cd_standby *sb, const struct decl_instance *d,
		     bool inst_running, bool busy)
{
	struct cd_seen seen;

	if (sb->job.pid || sb->phase == SB_NONE ||
	    sb->phase == SB_TAKING_OVER || sb->phase == SB_STOPPED)
		return;
	cd_seen_read(sb->name, &seen);
	switch (sb->phase) {
	case SB_WAITING:
		if (sb->first) {
			sb->first = false;
			if (cd_seen_up(&seen)) {
				/* cohortd restarted: it stands by already */
				if (!strcmp(seen.state, COHORT_STATE_RUNNING) &&
				    !has_check(d))
					ready(sb, "adopted");
				else
					sb->phase = SB_STARTING;
				break;
			}
			if (seen.exists && cd_seen_user_stop(&seen)) {
				ended(sb, d, &seen);
				break;
			}
		}
		if (inst_running && !busy && cd_now_ms() >= sb->next_at)
			make(sb, d, &seen);
		break;
	case SB_STARTING:
		sb->up = seen.exists &&
			 !strcmp(seen.state, COHORT_STATE_RUNNING);
		if (sb->up && !has_check(d))
			ready(sb, "started");
		else if (sb->up && sb->health.st.last == CD_HEALTH_OK)
			ready(sb, "healthy");
		else if (!cd_seen_up(&seen))
			ended(sb, d, &seen);
		break;
	case SB_READY:
		sb->up = seen.exists &&
			 !strcmp(seen.state, COHORT_STATE_RUNNING);
		if (!cd_seen_up(&seen))
			ended(sb, d, &seen);
		break;
	case SB_BACKOFF:
		if (cd_now_ms() >= sb->next_at)
			sb->phase = SB_WAITING;
		break;
	case SB_DISCARDING:
		discard_now(sb, &seen);
		break;
	default:
		break;
	}
}

/**
 * cd_standby_ready() - whether the standby can take over now
 * @sb: the standby
 *
 * Return: true when it runs, booted, and no job of its own runs.
 */
bool cd_standby_ready(const struct cd_standby *sb)
{
	return sb->phase == SB_READY && !sb->job.pid;
}

/**
 * cd_standby_take() - the standby takes over from its failed instance
 * @sb: the standby, ready (cd_standby_ready())
 * @d: the instance's declaration
 * @detected: when the failure was seen, cd_now_ms()
 * @dump: where to dump the failed kernel's memory first, or NULL / ""
 *
 * Starts the job: takeover, stop --force, dump, delete, rename.  Its end
 * comes to cd_standby_reap().
 *
 * Return: 0, or a negative errno (nothing was done: heal by the restart
 * policy).
 */
int cd_standby_take(struct cd_standby *sb, const struct decl_instance *d,
		    long long detected, const char *dump)
{
	struct cd_job *j = &sb->job;
	int ret;

	if (!cd_standby_ready(sb))
		return -EAGAIN;
	cd_job_free(j);
	cd_job_init(j, sb->inst);
	ret = cd_job_add(j, false, "takeover", sb->name, sb->inst, NULL);
	ret = ret ?: cd_job_add(j, true, "stop", sb->inst, "--force", NULL);
	if (!ret && dump && dump[0]) {
		cd_dump_prune(sb->inst, d->dump_keep);
		ret = cd_job_add(j, true, "dump", sb->inst, dump, NULL);
	}
	ret = ret ?: cd_job_add(j, false, "delete", sb->inst, NULL);
	ret = ret ?: cd_job_add(j, false, "rename", sb->name, sb->inst, NULL);
	ret = ret ?: cd_job_start(j);
	if (ret) {
		cd_job_free(j);
		return ret;
	}
	sb->phase = SB_TAKING_OVER;
	sb->detected = detected;
	sb->took = false;
	return 0;
}

/* The takeover step of the job is done: the service has moved. */
static void took_over(struct cd_standby *sb)
{
	char cid[32] = "?";

	sb->took = true;
	sb->takeovers++;
	sb->last_ms = cd_now_ms() - sb->detected;
	cd_inst_attr(sb->name, "cid", cid, sizeof(cid));
	cd_event(sb->inst, COHORTD_EV_TOOK_OVER, "",
		 "%s took over %s's address (CID %s) %lld ms after the failure was seen",
		 sb->name, sb->inst, cid, sb->last_ms);
}

/**
 * cd_standby_reap() - a child ended: is it the standby's job, and then?
 * @sb: the standby
 * @d: its instance's declaration
 * @pid: the child
 * @status: its wait status
 *
 * Return: what it means for the instance (enum cd_sb_reaped).
 */
enum cd_sb_reaped cd_standby_reap(struct cd_standby *sb,
				  const struct decl_instance *d, pid_t pid,
				  int status)
{
	struct cd_job *j = &sb->job;

	if (!j->pid || j->pid != pid)
		return CD_SB_NOT_MINE;
	if (!cd_job_reap(j, pid, status)) {
		if (sb->phase == SB_TAKING_OVER && !sb->took && j->step > 0)
			took_over(sb);
		return CD_SB_GOING;
	}
	if (sb->phase == SB_TAKING_OVER) {
		if (!sb->took && (!j->failed || j->step > 0))
			took_over(sb);
		if (!j->failed) {
			/* the standby is the instance: a new one is made */
			sb->phase = sb->wanted ? SB_WAITING : SB_NONE;
			sb->first = false;
			sb->backoff = 0;
			sb->next_at = 0;
			return CD_SB_PROMOTED;
		}
		snprintf(sb->last_failure, sizeof(sb->last_failure),
			 "takeover");
		if (!sb->took) {
			/* nothing moved: it stands by as it did */
			cd_event(sb->inst, COHORTD_EV_STANDBY_FAILED, "takeover",
				 "%s could not take over: %s (%s)", sb->name,
				 j->why, j->log);
			sb->phase = SB_READY;
			return CD_SB_REFUSED;
		}
		cd_event(sb->inst, COHORTD_EV_STANDBY_FAILED, "takeover",
			 "%s took over, then failed: %s (%s); %s and %s are left as they are",
			 sb->name, j->why, j->log, sb->inst, sb->name);
		sb->phase = SB_STOPPED;
		return CD_SB_BROKEN;
	}
	if (sb->discard_job) {
		sb->discard_job = false;
		if (j->failed)
			cd_log(CD_WARN, "%s: not deleted: %s (%s)", sb->name,
			       j->why, j->log);
		else
			cd_event(sb->inst, COHORTD_EV_STANDBY_STOPPED, "",
				 "%s deleted: no longer as declared",
				 sb->name);
		if (sb->phase == SB_DISCARDING) {
			sb->phase = sb->wanted ? SB_WAITING : SB_NONE;
			sb->first = false;
			sb->backoff = 0;
			sb->next_at = 0;
		}
		return CD_SB_GOING;
	}
	if (sb->phase != SB_MAKING)
		return CD_SB_GOING;	/* discarding: the tick goes on */
	if (j->failed) {
		failed(sb, d, "start-failed", "%s (%s)", j->why, j->log);
		return CD_SB_GOING;
	}
	sb->phase = SB_STARTING;
	return CD_SB_GOING;
}

/**
 * cd_standby_blocks() - whether its instance must wait before it is made
 * @sb: the standby
 *
 * Return: true while an old standby is being stopped and deleted (it
 * may hold the CPUs the instance is declared with).
 */
bool cd_standby_blocks(const struct cd_standby *sb)
{
	return sb->phase == SB_DISCARDING;
}

/**
 * cd_standby_json() - the "standby" member of an instance's status
 * @sb: the standby
 *
 * Return: a new JSON object, or NULL (JSON null) when none is declared.
 */
struct json_object *cd_standby_json(const struct cd_standby *sb)
{
	struct json_object *o;
	struct cd_seen seen;

	if (sb->phase == SB_NONE)
		return NULL;
	cd_seen_read(sb->name, &seen);
	o = json_object_new_object();
	json_object_object_add(o, "name", json_object_new_string(sb->name));
	json_object_object_add(o, "phase", json_object_new_string(
		sb_phase_names[sb->phase]));
	json_object_object_add(o, "state", json_object_new_string(
		seen.exists ? seen.state : "absent"));
	json_object_object_add(o, "takeovers",
			       json_object_new_int64(sb->takeovers));
	json_object_object_add(o, "last_takeover_ms",
			       json_object_new_int64(sb->last_ms));
	json_object_object_add(o, "last_failure",
			       json_object_new_string(sb->last_failure));
	return o;
}

/**
 * cd_standby_free() - forget the standby's job (it runs on)
 * @sb: the standby
 */
void cd_standby_free(struct cd_standby *sb)
{
	cd_job_free(&sb->job);
}
