// SPDX-License-Identifier: GPL-2.0
/*
 * cohortd: supervising the declared instances.  Each has a phase:
 *
 *   waiting    declared, not started: starts once every "after" runs
 *   starting   a job (job.c) makes and starts it
 *   running    as declared; watched every tick
 *   backoff    it failed: started again at next_at
 *   stopped    a user stopped or deleted it, or its workload ended as
 *              its policy allows: left alone until the next reload
 *   failed     it failed and its policy is "no"
 *   gave-up    restart-limit restarts within restart-window
 *   replacing  its declaration changed: stopped and deleted, then made
 *              again as declared
 *   taking-over  it failed and its warm standby takes its place
 *              (standby.c): takeover, stop --force, dump, delete,
 *              rename; then it runs again, as the standby's kernel
 *   updating   it runs and its declaration changed only in what it
 *              boots (kernel, initrd, cmdline): "cohort update" gives it
 *              the new kernel without stopping its service; a failed
 *              update rolls back by itself and the old kernel runs on
 *
 * A stopped instance found running again (a user started it, or ran
 * "cohort update", which stops the old kernel and renames the new one)
 * is supervised again.
 *
 * An instance that stops is judged by its stop_reason (sysfs, written by
 * the kernel): "stop", "stop-forced" and "stop-timeout" were asked for by
 * a user; "panic", "heartbeat", "start-timeout", "cpus-lost" are
 * failures, and so is "poweroff" unless the instance runs an image whose
 * workload exited with status 0 (then it is an exit, a failure only for
 * "always" to restart).  Before a restart the console is kept and,
 * when the kernel failed and "dump" says so, the restart job saves its
 * memory with `cohort dump` once its CPUs are back (keep.c).  Delays double from restart-backoff up to
 * restart-backoff-max, and start over once an instance ran for
 * CD_BACKOFF_RESET_MS.
 *
 * A running instance with a [health] check is checked (health.c) while
 * its state is "running" and no job works on it; threshold failures in
 * a row make it failed with reason "health", as a panic would: its
 * console is kept, it is stopped at once (stop --force, its kernel still
 * runs) and started again by its restart policy.
 *
 * With standby = yes, any of these failures is handed to the instance's
 * standby when it is ready (standby.c) and to the restart policy only
 * when it is not.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "cohort/defaults.h"
#include "cohort/parse.h"
#include "cohortd.h"

enum phase {
	PH_WAITING, PH_STARTING, PH_RUNNING, PH_BACKOFF, PH_STOPPED,
	PH_FAILED, PH_GAVE_UP, PH_REPLACING, PH_TAKING_OVER, PH_UPDATING,
};

static const char *const phase_names[] = {
	[PH_WAITING] = "waiting", [PH_STARTING] = "starting",
	[PH_RUNNING] = "running", [PH_BACKOFF] = "backoff",
	[PH_STOPPED] = "stopped", [PH_FAILED] = "failed",
	[PH_GAVE_UP] = "gave-up", [PH_REPLACING] = "replacing",
	[PH_TAKING_OVER] = "taking-over", [PH_UPDATING] = "updating",
};

struct sup {
	char name[COHORT_NAME_MAX];
	const struct decl_instance *d;	/* in @set */
	char *print;			/* what makes the instance (fingerprint) */
	char *sprint;			/* the same without what it boots */
	enum phase phase;
	struct cd_job job;
	bool restart;			/* the job starts it again */
	bool first;			/* never looked at yet: may be adopted */
	long long restarts[CD_RESTARTS_KEPT];	/* when, ms */
	size_t nr_restarts;
	unsigned int total_restarts;
	unsigned int backoff;		/* the next delay, ms; 0: the first */
	long long next_at;		/* backoff: when to start it again */
	long long running_since;
	char last_failure[32];
	unsigned long long starts;
	char dump[4096];		/* the restart job dumps it here first */
	bool up;			/* its state was "running" at the last tick */
	bool stop_job;			/* the job only stops it (health) */
	bool update_due;		/* an update waits for another job */
	struct cd_health health;
	char *hprint;			/* its [health], as last read */
	struct cd_standby sb;		/* its warm standby (standby = yes) */
};

static struct decl_set set;
static struct sup **sups;
static size_t nsups;

/* A job that takes @s from what sysfs shows (@seen) to running. */
static int make_start_job(struct sup *s, const struct cd_seen *seen)
{
	int ret;

	cd_job_free(&s->job);
	cd_job_init(&s->job, s->name);
	ret = cd_make_job(&s->job, s->name, s->d, seen, false, s->dump);
	s->dump[0] = '\0';
	return ret;
}

static void start(struct sup *s, const struct cd_seen *seen, bool restart)
{
	int ret = make_start_job(s, seen);

	if (!ret)
		ret = cd_job_start(&s->job);
	if (ret) {
		cd_event(s->name, COHORTD_EV_START_FAILED, "",
			 "cannot make the job: %s", strerror(-ret));
		s->phase = PH_FAILED;
		return;
	}
	s->restart = restart;
	s->phase = PH_STARTING;
}

static struct sup *find(const char *name)
{
	for (size_t i = 0; i < nsups; i++)
		if (!strcmp(sups[i]->name, name))
			return sups[i];
	return NULL;
}

static bool deps_running(const struct sup *s)
{
	for (size_t i = 0; i < s->d->nr_after; i++) {
		const struct sup *o = find(s->d->after[i]);

		if (!o || o->phase != PH_RUNNING)
			return false;
	}
	return true;
}

/* Forget restarts older than the window; true if the limit is reached. */
static bool at_limit(struct sup *s)
{
	const struct decl_instance *d = s->d;
	long long now = cd_now_ms(), window = (long long)d->restart_window * 1000;
	size_t i, kept = 0;

	for (i = 0; i < s->nr_restarts; i++)
		if (now - s->restarts[i] < window)
			s->restarts[kept++] = s->restarts[i];
	s->nr_restarts = kept;
	return kept >= d->restart_limit;
}

/* It failed or exited: restart it after the backoff, or give up. */
static void schedule(struct sup *s)
{
	const struct decl_instance *d = s->d;
	long long now = cd_now_ms();
	bool limit = at_limit(s);
	size_t kept = s->nr_restarts;
	unsigned int delay;

	if (limit) {
		cd_event(s->name, COHORTD_EV_GAVE_UP, s->last_failure,
			 "%zu restarts within %u s (restart-limit %u)", kept,
			 d->restart_window, d->restart_limit);
		s->phase = PH_GAVE_UP;
		s->dump[0] = '\0';
		return;
	}
	if (s->running_since && now - s->running_since >= CD_BACKOFF_RESET_MS)
		s->backoff = 0;
	delay = s->backoff ? s->backoff : d->restart_backoff;
	s->backoff = delay >= d->restart_backoff_max / 2 ?
		     d->restart_backoff_max : delay * 2;
	if (delay > d->restart_backoff_max)
		delay = d->restart_backoff_max;
	s->next_at = now + delay;
	s->phase = PH_BACKOFF;
	cd_event(s->name, COHORTD_EV_RESTARTING, s->last_failure,
		 "in %u ms (restart %zu of at most %u within %u s)", delay,
		 kept + 1, d->restart_limit, d->restart_window);
}

/*
 * It failed (s->last_failure says why; its console is in @kept): when
 * its standby is ready, the standby takes over at once, the failed
 * kernel's memory dumped first when @dump; the "failed" event says so,
 * after @what ("" or "...; ").  @seen_at: when the failure was seen.
 *
 * Return: true when the standby took it; false: heal by restart policy.
 */
static bool take_over(struct sup *s, const char *what, const char *kept,
		      bool dump, long long seen_at)
{
	char path[4096] = "";

	/* A takeover counts as a restart: at the limit, the policy gives up. */
	if (!cd_standby_ready(&s->sb) || at_limit(s))
		return false;
	if (dump && cd_dump_path(s->name, s->last_failure, path, sizeof(path)))
		path[0] = '\0';
	if (cd_standby_take(&s->sb, s->d, seen_at, path))
		return false;
	if (s->nr_restarts < CD_RESTARTS_KEPT)
		s->restarts[s->nr_restarts++] = cd_now_ms();
	cd_event(s->name, COHORTD_EV_FAILED, s->last_failure,
		 "%sconsole kept in %s%s%s; %s takes over", what,
		 kept[0] ? kept : "(none)", path[0] ? "; memory dump to " : "",
		 path, s->sb.name);
	s->phase = PH_TAKING_OVER;
	return true;
}

/* A running instance is no longer: why, and what now. */
static void ended(struct sup *s, const struct cd_seen *seen)
{
	const struct decl_instance *d = s->d;
	long long seen_at = cd_now_ms();
	char kept[4096] = "";
	bool failure;

	cd_health_stop(&s->health);
	s->up = false;
	if (!seen->exists) {
		cd_event(s->name, COHORTD_EV_STOPPED, "deleted", "%s", "");
		s->phase = PH_STOPPED;
		return;
	}
	if (cd_seen_user_stop(seen)) {
		cd_event(s->name, COHORTD_EV_STOPPED, seen->why, "%s", "");
		s->phase = PH_STOPPED;
		return;
	}
	if (cd_keep_console(s->name, seen->why, kept, sizeof(kept)))
		kept[0] = '\0';
	if (!strcmp(seen->why, COHORT_WHY_POWEROFF) &&
	    d->image_kind != DECL_IMAGE_NONE && seen->exit_status >= 0) {
		failure = seen->exit_status != 0;
		snprintf(s->last_failure, sizeof(s->last_failure), "status %d",
			 seen->exit_status);
		cd_event(s->name, COHORTD_EV_EXITED, "",
			 "status %d; console kept in %s", seen->exit_status,
			 kept[0] ? kept : "(none)");
		if (!failure && d->restart != DECL_RESTART_ALWAYS) {
			s->phase = PH_STOPPED;
			return;
		}
	} else {
		failure = true;
		snprintf(s->last_failure, sizeof(s->last_failure), "%s",
			 seen->why[0] ? seen->why : "unknown");
		if (take_over(s, "", kept, d->dump, seen_at))
			return;
		/* Its kernel failed: its memory says why (restarts only). */
		if (d->dump && d->restart != DECL_RESTART_NO && !at_limit(s) &&
		    cd_dump_path(s->name, s->last_failure, s->dump,
				 sizeof(s->dump)))
			s->dump[0] = '\0';
		cd_event(s->name, COHORTD_EV_FAILED, s->last_failure,
			 "state %s; console kept in %s%s%s", seen->state,
			 kept[0] ? kept : "(none)",
			 s->dump[0] ? "; memory dump to " : "", s->dump);
	}
	if (d->restart == DECL_RESTART_NO ||
	    (!failure && d->restart != DECL_RESTART_ALWAYS)) {
		s->phase = PH_FAILED;
		return;
	}
	schedule(s);
}

/*
 * One job at a time: two "cohort create --cpu-count" at once could pick
 * the same free CPU, and starts in dependency order stay in that order.
 */
static bool busy(void)
{
	for (size_t i = 0; i < nsups; i++)
		if (sups[i]->job.pid || sups[i]->sb.job.pid)
			return true;
	return false;
}

/*
 * A running kernel instance whose declaration changed only in what it
 * boots: "cohort update" instead of replacing it.  Return: true if so.
 */
static bool update_fits(struct sup *s, const char *sprint)
{
	struct cd_seen seen;

	if (s->phase != PH_RUNNING || s->d->image_kind != DECL_IMAGE_NONE ||
	    !sprint || !s->sprint || strcmp(sprint, s->sprint))
		return false;
	cd_seen_read(s->name, &seen);
	return seen.exists && !strcmp(seen.state, COHORT_STATE_RUNNING);
}

/* Starts the update job.  Return: false when it cannot be started. */
static bool update_start(struct sup *s)
{
	cd_health_stop(&s->health);
	cd_job_free(&s->job);
	cd_job_init(&s->job, s->name);
	if (cd_make_update_job(&s->job, s->name, s->d) ||
	    cd_job_start(&s->job))
		return false;
	cd_event(s->name, COHORTD_EV_UPDATING, "",
		 "what it boots changed: a new kernel beside it, then the service moves");
	s->phase = PH_UPDATING;
	return true;
}

static void tick_one(struct sup *s)
{
	struct cd_seen seen;

	if (s->job.pid)
		return;
	cd_seen_read(s->name, &seen);
	switch (s->phase) {
	case PH_WAITING:
		if (s->first && cd_seen_up(&seen)) {
			/* cohortd restarted: leave what runs alone */
			s->phase = PH_RUNNING;
			s->starts = seen.starts;
			s->running_since = cd_now_ms();
			cd_event(s->name, COHORTD_EV_ADOPTED, "",
				 "state %s, started %llu time(s)", seen.state,
				 seen.starts);
		} else if (s->first && seen.exists && cd_seen_user_stop(&seen)) {
			s->phase = PH_STOPPED;
			cd_event(s->name, COHORTD_EV_STOPPED, seen.why,
				 "found stopped by a user: left alone");
		} else if (deps_running(s) && !busy() &&
			   !cd_standby_blocks(&s->sb)) {
			start(s, &seen, false);
		}
		s->first = false;
		break;
	case PH_RUNNING:
		if (cd_seen_up(&seen)) {
			s->starts = seen.starts;
			s->up = !strcmp(seen.state, COHORT_STATE_RUNNING);
			if (s->update_due && s->up && !busy()) {
				s->update_due = false;
				if (!update_start(s))
					cd_event(s->name, COHORTD_EV_UPDATE_FAILED, "",
						 "cannot start the update job; the old kernel runs on");
			}
			break;
		}
		/* it starts again from its declaration: the new kernel */
		s->update_due = false;
		ended(s, &seen);
		break;
	case PH_STOPPED:
		/* started again by a user, or by a user's "cohort update" */
		if (seen.exists && !strcmp(seen.state, COHORT_STATE_RUNNING)) {
			s->phase = PH_RUNNING;
			s->starts = seen.starts;
			s->running_since = cd_now_ms();
			cd_event(s->name, COHORTD_EV_ADOPTED, "",
				 "found running again: supervised again");
		}
		break;
	case PH_BACKOFF:
		if (cd_now_ms() < s->next_at || busy())
			break;
		if (s->nr_restarts < CD_RESTARTS_KEPT)
			s->restarts[s->nr_restarts++] = cd_now_ms();
		s->total_restarts++;
		start(s, &seen, true);
		break;
	default:
		break;
	}
}

/*
 * threshold health checks in a row failed: a failure, as a panic is.  Its
 * kernel still runs, so it is stopped at once (and its CPUs taken back),
 * then started again by its restart policy, with the console kept.
 */
static void unhealthy(struct sup *s)
{
	long long seen_at = cd_now_ms();
	char kept[4096] = "", what[512];
	int ret;

	cd_health_stop(&s->health);
	s->up = false;
	if (cd_keep_console(s->name, COHORTD_WHY_HEALTH, kept, sizeof(kept)))
		kept[0] = '\0';
	snprintf(s->last_failure, sizeof(s->last_failure), "%s",
		 COHORTD_WHY_HEALTH);
	/* its kernel did not fail: no dump, as for a restart */
	snprintf(what, sizeof(what),
		 "%u health checks in a row failed, the last: %s; ",
		 s->d->health_threshold, s->health.last_error);
	if (take_over(s, what, kept, false, seen_at))
		return;
	cd_event(s->name, COHORTD_EV_FAILED, COHORTD_WHY_HEALTH,
		 "%u health checks in a row failed, the last: %s; console kept in %s",
		 s->d->health_threshold, s->health.last_error,
		 kept[0] ? kept : "(none)");
	cd_job_free(&s->job);
	cd_job_init(&s->job, s->name);
	ret = cd_job_add(&s->job, false, "stop", s->name, "--force", NULL);
	if (!ret)
		ret = cd_job_start(&s->job);
	if (ret)
		cd_log(CD_ERR, "%s: cannot stop it: %s", s->name, strerror(-ret));
	else
		s->stop_job = true;
	if (s->d->restart == DECL_RESTART_NO)
		s->phase = PH_FAILED;
	else
		schedule(s);
}

/*
 * Whether @s's health is to be checked now: declared with a check,
 * running as far as we and its kernel know, and no job at work on it.
 */
static bool checked(const struct sup *s)
{
	return s->d->health != DECL_HEALTH_NONE && s->phase == PH_RUNNING &&
	       s->up && !s->job.pid;
}

/**
 * cd_sup_health_fds() - the health checks' sockets the main loop waits on
 * @p: where to put them
 * @max: room at @p (two per supervised instance: it and its standby)
 * @wake: in/out: the earliest time a check needs looking at, ms
 *
 * Return: the entries used at @p.
 */
size_t cd_sup_health_fds(struct pollfd *p, size_t max, long long *wake)
{
	size_t n = 0;

	for (size_t i = 0; i < nsups && n < max; i++) {
		struct sup *s = sups[i];

		if (checked(s))
			cd_health_fds(&s->health, p, &n, wake);
		else if (s->health.st.since)
			cd_health_stop(&s->health);
		if (n >= max)
			break;
		if (cd_standby_checked(&s->sb, s->d))
			cd_health_fds(&s->sb.health, p, &n, wake);
		else if (s->sb.health.st.since)
			cd_health_stop(&s->sb.health);
	}
	return n;
}

/**
 * cd_sup_health_run() - run the health checks that are due or done
 * @p: the main loop's poll results of cd_sup_health_fds()'s sockets
 * @n: their number
 */
void cd_sup_health_run(const struct pollfd *p, size_t n)
{
	for (size_t i = 0; i < nsups; i++) {
		struct sup *s = sups[i];

		if (cd_standby_checked(&s->sb, s->d) &&
		    cd_health_run(&s->sb.health, s->sb.name, s->d, p, n,
				  cd_now_ms()))
			cd_standby_unhealthy(&s->sb);
		if (!checked(s))
			continue;
		if (cd_health_run(&s->health, s->name, s->d, p, n, cd_now_ms()))
			unhealthy(s);
	}
}

/**
 * cd_sup_tick() - look at every declared instance, in start order
 */
void cd_sup_tick(void)
{
	size_t i;

	for (i = 0; i < set.n; i++) {
		struct sup *s = find(set.v[set.order[i]]->name);

		if (s)
			tick_one(s);
	}
	/* then the standbys: a start has the free CPUs first */
	for (i = 0; i < set.n; i++) {
		struct sup *s = find(set.v[set.order[i]]->name);

		if (s)
			cd_standby_tick(&s->sb, s->d,
					s->phase == PH_RUNNING && s->up,
					busy());
	}
}

/*
 * The update job ended: the new kernel serves, or the update rolled
 * back and the old one runs on (which its next restart replaces with
 * the declared one).
 */
static void updated(struct sup *s)
{
	struct cd_seen seen;

	cd_seen_read(s->name, &seen);
	if (s->job.failed)
		cd_event(s->name, COHORTD_EV_UPDATE_FAILED, "",
			 "%s (%s); the old kernel runs on", s->job.why,
			 s->job.log);
	else
		cd_event(s->name, COHORTD_EV_UPDATED, "",
			 "the new kernel serves it (the update's output: %s)",
			 s->job.log);
	s->phase = PH_RUNNING;
	s->up = false;
	s->starts = seen.starts;
	s->running_since = cd_now_ms();
}

/* The standby's job ended (@r): the instance goes on accordingly. */
static void standby_reaped(struct sup *s, enum cd_sb_reaped r)
{
	struct cd_seen seen;

	switch (r) {
	case CD_SB_PROMOTED:
		cd_seen_read(s->name, &seen);
		s->phase = PH_RUNNING;
		s->running_since = cd_now_ms();
		s->starts = seen.starts;
		break;
	case CD_SB_REFUSED:
		/* nothing moved: its restart policy heals it */
		if (s->d->restart == DECL_RESTART_NO)
			s->phase = PH_FAILED;
		else
			schedule(s);
		break;
	case CD_SB_BROKEN:
		s->phase = PH_FAILED;
		break;
	default:
		break;
	}
}

/**
 * cd_sup_child() - a child process ended: advance the job it belongs to
 * @pid: the child
 * @status: its wait status
 */
void cd_sup_child(pid_t pid, int status)
{
	for (size_t i = 0; i < nsups; i++) {
		enum cd_sb_reaped r = cd_standby_reap(&sups[i]->sb, sups[i]->d,
						      pid, status);

		if (r != CD_SB_NOT_MINE) {
			standby_reaped(sups[i], r);
			return;
		}
	}
	for (size_t i = 0; i < nsups; i++) {
		struct sup *s = sups[i];
		int r = cd_health_reap(&s->health, s->name, s->d, pid, status,
				       cd_now_ms());

		if (r < 0)
			continue;
		if (r > 0 && s->phase == PH_RUNNING)
			unhealthy(s);
		return;
	}
	for (size_t i = 0; i < nsups; i++) {
		struct sup *s = sups[i];
		int r = cd_health_reap(&s->sb.health, s->sb.name, s->d, pid,
				       status, cd_now_ms());

		if (r < 0)
			continue;
		if (r > 0)
			cd_standby_unhealthy(&s->sb);
		return;
	}
	for (size_t i = 0; i < nsups; i++) {
		struct sup *s = sups[i];

		if (!cd_job_reap(&s->job, pid, status))
			continue;
		if (s->stop_job) {
			/* a failed kernel's CPUs taken back: the restart follows */
			s->stop_job = false;
			if (s->job.failed)
				cd_log(CD_WARN, "%s: %s (%s)", s->name, s->job.why,
				       s->job.log);
			return;
		}
		if (s->phase == PH_REPLACING) {
			s->phase = PH_WAITING;
			return;
		}
		if (s->phase == PH_UPDATING) {
			updated(s);
			return;
		}
		if (s->job.failed) {
			snprintf(s->last_failure, sizeof(s->last_failure),
				 "start-failed");
			cd_event(s->name, COHORTD_EV_START_FAILED, "", "%s (%s)",
				 s->job.why, s->job.log);
			if (s->d->restart == DECL_RESTART_NO)
				s->phase = PH_FAILED;
			else
				schedule(s);
			return;
		}
		s->phase = PH_RUNNING;
		s->running_since = cd_now_ms();
		cd_event(s->name, s->restart ? COHORTD_EV_RESTARTED :
			 COHORTD_EV_STARTED, "", "%s", "");
		return;
	}
}

/* What makes the instance: a change means making it again. */
static char *fingerprint(const struct decl_instance *d)
{
	char *buf = NULL, cpus[1024];
	size_t len = 0, i;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	cohort_format_cpulist(d->cpus, COHORT_MAX_CPUS, cpus, sizeof(cpus));
	fprintf(f, "cpus=%s count=%u mem=%llu k=%s i=%s c=%s img=%s ep=%s w=%s u=%s net=%d q=%u",
		cpus, d->cpu_count, (unsigned long long)d->memory,
		d->kernel ?: "", d->initrd ?: "", d->cmdline ?: "",
		d->image ?: "", d->entrypoint ?: "-", d->workdir ?: "",
		d->user ?: "", d->net_link, d->net_queues);
	for (i = 0; i < d->nr_args; i++)
		fprintf(f, " a=%s", d->args[i]);
	for (i = 0; i < d->nr_env; i++)
		fprintf(f, " e=%s", d->env[i]);
	for (i = 0; i < d->nr_volumes; i++)
		fprintf(f, " v=%s:%s:%d", d->volumes[i].source,
			d->volumes[i].target, d->volumes[i].readonly);
	for (i = 0; i < d->nr_publish; i++)
		fprintf(f, " p=%s", d->publish[i].text);
	for (i = 0; i < d->nr_rlimits; i++)
		fprintf(f, " r=%d:%llu:%llu", d->rlimits[i].resource,
			(unsigned long long)d->rlimits[i].soft,
			(unsigned long long)d->rlimits[i].hard);
	for (i = 0; i < d->nr_addresses; i++)
		fprintf(f, " ip=%s", d->addresses[i].text);
	fclose(f);
	return buf;
}

/* The fingerprint without what it boots: its CPUs, memory, network... */
static char *static_print(const struct decl_instance *d)
{
	struct decl_instance t = *d;

	t.kernel = NULL;
	t.initrd = NULL;
	t.cmdline = NULL;
	return fingerprint(&t);
}

static void sup_free(struct sup *s)
{
	cd_health_stop(&s->health);
	cd_job_free(&s->job);
	cd_standby_free(&s->sb);
	free(s->print);
	free(s->sprint);
	free(s->hprint);
	free(s);
}

/* What its health check is: a change starts the counting afresh. */
static char *health_print(const struct decl_instance *d)
{
	char *buf = NULL;

	if (asprintf(&buf, "%d %u %u %u %s", (int)d->health, d->health_port,
		     d->health_interval, d->health_threshold,
		     d->health_command ? d->health_command : "") < 0)
		return NULL;
	return buf;
}

/**
 * cd_sup_load() - supervise the instances of a (checked) declaration set
 * @newset: the set, taken over (the old one is freed)
 *
 * Instances declared before keep their state; those whose making changed
 * are replaced (stopped, deleted, made again), their standbys with them;
 * those no longer declared are left as they are, unsupervised, standbys
 * too.  The fingerprint is the declaration's, never what runs: an
 * instance its standby took over from runs on other CPUs, as declared.
 */
void cd_sup_load(struct decl_set *newset)
{
	struct sup **nv = calloc(newset->n ? newset->n : 1, sizeof(*nv));
	size_t i, n = 0;

	if (!nv) {
		cd_log(CD_ERR, "out of memory: the configuration is not applied");
		decl_set_free(newset);
		return;
	}
	for (i = 0; i < newset->n; i++) {
		const struct decl_instance *d = newset->v[i];
		struct sup *s = find(d->name);
		char *print = fingerprint(d), *sprint = static_print(d);

		if (s) {
			bool changed = !print || !s->print ||
				       strcmp(print, s->print);
			char *hprint = health_print(d);
			bool updating;

			/* a takeover or a job at work finishes first */
			changed &= !s->job.pid && s->phase != PH_TAKING_OVER;

			s->d = d;
			free(s->print);
			s->print = print;
			updating = changed && update_fits(s, sprint);
			/*
			 * One job at a time: the update's "create" would race
			 * another job's (a standby being made) for the same
			 * free CPUs.  It starts once that job is done.
			 */
			s->update_due = updating && busy();
			if (updating && !s->update_due)
				updating = update_start(s);
			changed &= !updating;
			free(s->sprint);
			s->sprint = sprint;
			if (!hprint || !s->hprint || strcmp(hprint, s->hprint))
				cd_health_stop(&s->health);
			free(s->hprint);
			s->hprint = hprint;
			/* a new declaration: a new chance for one that stopped */
			if (s->phase == PH_GAVE_UP || s->phase == PH_FAILED ||
			    s->phase == PH_STOPPED) {
				s->phase = PH_WAITING;
				s->nr_restarts = 0;
				s->backoff = 0;
			}
			/* the promoted standby's other CPUs are no change;
			 * an updated instance's standby boots the new kernel */
			cd_standby_want(&s->sb, d, changed || updating);
			if (changed) {
				struct cd_seen seen;

				cd_health_stop(&s->health);
				cd_seen_read(s->name, &seen);
				cd_job_free(&s->job);
				cd_job_init(&s->job, s->name);
				if (seen.exists) {
					if (cd_seen_up(&seen) ||
					    !strcmp(seen.state, COHORT_STATE_FAILED))
						cd_job_add(&s->job, true, "stop",
							   s->name, NULL);
					cd_job_add(&s->job, false, "delete",
						   s->name, NULL);
					cd_event(s->name, "replacing", "",
						 "its declaration changed");
					if (!cd_job_start(&s->job))
						s->phase = PH_REPLACING;
				} else {
					s->phase = PH_WAITING;
				}
			}
		} else {
			s = calloc(1, sizeof(*s));
			if (!s) {
				free(print);
				free(sprint);
				continue;
			}
			snprintf(s->name, sizeof(s->name), "%s", d->name);
			s->d = d;
			s->print = print;
			s->sprint = sprint;
			s->hprint = health_print(d);
			s->phase = PH_WAITING;
			s->first = true;
			cd_job_init(&s->job, s->name);
			cd_health_init(&s->health, s->name);
			cd_standby_init(&s->sb, s->name);
			cd_standby_want(&s->sb, d, false);
		}
		nv[n++] = s;
	}
	for (i = 0; i < nsups; i++) {
		bool kept = false;

		for (size_t j = 0; j < n; j++)
			kept |= nv[j] == sups[i];
		if (!kept) {
			cd_event(sups[i]->name, COHORTD_EV_REMOVED, "",
				 "no longer declared: left as it is");
			sup_free(sups[i]);
		}
	}
	free(sups);
	sups = nv;
	nsups = n;
	decl_set_free(&set);
	set = *newset;
	memset(newset, 0, sizeof(*newset));
}

/**
 * cd_sup_status() - the "instances" array of a status reply
 *
 * Return: a new JSON array.
 */
struct json_object *cd_sup_status(void)
{
	struct json_object *a = json_object_new_array();
	long long now = cd_now_ms();

	for (size_t i = 0; i < nsups; i++) {
		struct sup *s = sups[i];
		struct json_object *o = json_object_new_object();
		struct cd_seen seen;

		cd_seen_read(s->name, &seen);
		json_object_object_add(o, "name", json_object_new_string(s->name));
		json_object_object_add(o, "phase",
			json_object_new_string(phase_names[s->phase]));
		json_object_object_add(o, "state", json_object_new_string(
			seen.exists ? seen.state : "absent"));
		json_object_object_add(o, "restart", json_object_new_string(
			decl_restart_name(s->d->restart)));
		json_object_object_add(o, "restarts",
			json_object_new_int64(s->total_restarts));
		json_object_object_add(o, "starts",
			json_object_new_int64((int64_t)seen.starts));
		json_object_object_add(o, "last_failure",
			json_object_new_string(s->last_failure));
		json_object_object_add(o, "next_restart_ms",
			json_object_new_int64(s->phase == PH_BACKOFF &&
					      s->next_at > now ?
					      s->next_at - now : 0));
		json_object_object_add(o, "health",
				       cd_health_json(&s->health, s->d));
		json_object_object_add(o, "standby", cd_standby_json(&s->sb));
		json_object_array_add(a, o);
	}
	return a;
}

/**
 * cd_sup_free() - forget every instance (they run on)
 */
void cd_sup_free(void)
{
	for (size_t i = 0; i < nsups; i++)
		sup_free(sups[i]);
	free(sups);
	sups = NULL;
	nsups = 0;
	decl_set_free(&set);
}
