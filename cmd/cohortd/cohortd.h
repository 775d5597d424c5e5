/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cohortd: what its files share.  main.c has the overview.
 */
#ifndef _COHORTD_H
#define _COHORTD_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/types.h>
#include <uapi/linux/cohort.h>

#include "cohort/daemon.h"
#include "decl/decl.h"
#include "healthrule.h"

#define CD_TICK_MS		200	/* how often instances are looked at */
#define CD_JOB_STEPS		8	/* commands in one job */
#define CD_JOB_ARGS		256	/* words of one command */
#define CD_RESTARTS_KEPT	64	/* restart times remembered per instance */
#define CD_BACKOFF_RESET_MS	10000	/* running this long: delays start over */
#define CD_UPDATE_WAIT_S	"60"	/* a new kernel's time to be healthy */
#define CD_STANDBY_WORD		"cohort.standby"	/* on a standby's command line */

struct cd_opts {
	const char *config_dir;
	const char *state_dir;
	const char *socket;
	const char *sysfs;		/* /sys/kernel/cohort */
	const char *cohort;		/* the cohort(8) binary */
};

extern struct cd_opts cd;

/* log.c: to stderr, with a priority prefix the journal reads. */
enum cd_prio { CD_ERR = 3, CD_WARN = 4, CD_NOTICE = 5, CD_INFO = 6 };
void cd_log(enum cd_prio prio, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* notify.c: sd_notify(3) when built with libsystemd, else nothing. */
void cd_notify(const char *state);
uint64_t cd_watchdog_usec(void);

/* events.c */
void cd_event(const char *inst, const char *event, const char *reason,
	      const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* job.c: a sequence of cohort(8) commands run in the background. */
struct cd_job {
	char *argv[CD_JOB_STEPS][CD_JOB_ARGS];
	bool may_fail[CD_JOB_STEPS];	/* its failure does not end the job */
	size_t steps, step;
	pid_t pid;			/* the running step, or 0 */
	bool failed;
	char why[512];			/* the last line the failed step printed */
	char log[4096];			/* where its output goes */
};

void cd_job_init(struct cd_job *j, const char *inst);
int cd_job_add(struct cd_job *j, bool may_fail, ...);
int cd_job_addv(struct cd_job *j, bool may_fail, char *const *words);
int cd_job_start(struct cd_job *j);
bool cd_job_reap(struct cd_job *j, pid_t pid, int status);
void cd_job_free(struct cd_job *j);
void cd_last_line(const char *path, char *buf, size_t len);

/* inst.c: what sysfs says about an instance. */
struct cd_seen {
	bool exists;
	char state[32];
	char why[32];			/* stop_reason */
	int exit_status;		/* -1: none */
	unsigned long long starts;
};

void cd_seen_read(const char *name, struct cd_seen *s);
bool cd_seen_up(const struct cd_seen *s);
bool cd_seen_user_stop(const struct cd_seen *s);
int cd_inst_attr(const char *name, const char *a, char *buf, size_t len);

/* make.c: the cohort(8) commands that make a declared instance. */
int cd_make_job(struct cd_job *j, const char *name,
		const struct decl_instance *d, const struct cd_seen *seen,
		bool standby, const char *dump);
int cd_make_update_job(struct cd_job *j, const char *name,
		       const struct decl_instance *d);

/* keep.c: what is kept of a kernel that failed */
int cd_keep_console(const char *name, const char *reason, char *path,
		    size_t len);
int cd_dump_path(const char *name, const char *reason, char *path,
		 size_t len);
void cd_dump_prune(const char *name, unsigned int keep);

/* health.c: an instance's health check ([health]; rules: healthrule.c). */
struct cd_health {
	struct cd_hstate st;		/* st.since 0: not watched */
	int fd;				/* a connection in flight, or -1 */
	pid_t pid;			/* a command's cohort exec, or 0 */
	bool killed;			/* ... sent SIGKILL for overrunning */
	long long started;		/* the check in flight's start, ms */
	unsigned int timeout;		/* its timeout, ms */
	long long deadline;		/* started + timeout */
	long long next_at;		/* the next check, ms */
	double last_time;		/* the last end, epoch seconds; 0 none */
	char last_error[256];		/* why the last one failed, or "" */
	char log[4096];			/* STATE/NAME/health.log */
};

void cd_health_init(struct cd_health *h, const char *inst);
void cd_health_stop(struct cd_health *h);
void cd_health_fds(const struct cd_health *h, struct pollfd *p, size_t *n,
		   long long *wake);
bool cd_health_run(struct cd_health *h, const char *name,
		   const struct decl_instance *d, const struct pollfd *p,
		   size_t n, long long now);
int cd_health_reap(struct cd_health *h, const char *name,
		   const struct decl_instance *d, pid_t pid, int status,
		   long long now);
struct json_object;
struct json_object *cd_health_json(const struct cd_health *h,
				   const struct decl_instance *d);

/* standby.c: an instance's warm standby, NAME.standby (standby = yes). */
enum cd_sb_phase {
	SB_NONE,		/* none declared */
	SB_WAITING,		/* to be made once its instance runs */
	SB_MAKING,		/* a job makes and starts it */
	SB_STARTING,		/* started; ready once its kernel checked in
				 * and, with a check it can pass, healthy */
	SB_READY,		/* running: takes over when its instance fails */
	SB_BACKOFF,		/* it failed: made again at next_at */
	SB_STOPPED,		/* a user stopped or deleted it: left alone */
	SB_DISCARDING,		/* no longer wanted as it is: stopped, deleted */
	SB_TAKING_OVER,		/* its instance failed: the takeover job runs */
};

/* What cd_standby_reap() made of a child that ended. */
enum cd_sb_reaped {
	CD_SB_NOT_MINE,		/* not the standby's job */
	CD_SB_GOING,		/* its job goes on, or ended with nothing to say */
	CD_SB_PROMOTED,		/* it took over and is the instance now */
	CD_SB_REFUSED,		/* cohort takeover refused: nothing moved */
	CD_SB_BROKEN,		/* it took over, but what follows failed */
};

struct cd_standby {
	char name[COHORT_NAME_MAX];	/* NAME.standby */
	char inst[COHORT_NAME_MAX];	/* NAME */
	enum cd_sb_phase phase;
	bool wanted;			/* declared (standby = yes) */
	bool first;			/* never looked at yet: may be adopted */
	bool discard_job;		/* the job stops and deletes it */
	bool took;			/* the takeover step of the job is done */
	struct cd_job job;
	unsigned int backoff;		/* the next delay, ms; 0: the first */
	long long next_at;		/* waiting, backoff: not before, ms */
	long long since;		/* making: when; ready: since when */
	long long detected;		/* taking over: its instance's failure */
	unsigned int takeovers;
	long long last_ms;		/* the last takeover: failure to done */
	char last_failure[32];
	bool up;			/* its kernel runs (a check may run) */
	struct cd_health health;	/* its instance's vsock/command check */
};

void cd_standby_init(struct cd_standby *sb, const char *inst);
void cd_standby_want(struct cd_standby *sb, const struct decl_instance *d,
		     bool changed);
void cd_standby_tick(struct cd_standby *sb, const struct decl_instance *d,
		     bool inst_running, bool busy);
bool cd_standby_ready(const struct cd_standby *sb);
int cd_standby_take(struct cd_standby *sb, const struct decl_instance *d,
		    long long detected, const char *dump);
enum cd_sb_reaped cd_standby_reap(struct cd_standby *sb,
				  const struct decl_instance *d, pid_t pid,
				  int status);
bool cd_standby_blocks(const struct cd_standby *sb);
bool cd_standby_checked(const struct cd_standby *sb,
			const struct decl_instance *d);
void cd_standby_unhealthy(struct cd_standby *sb);
struct json_object *cd_standby_json(const struct cd_standby *sb);
void cd_standby_free(struct cd_standby *sb);

/* sup.c: one supervised, declared instance each. */
void cd_sup_load(struct decl_set *set);
void cd_sup_tick(void);
void cd_sup_child(pid_t pid, int status);
size_t cd_sup_health_fds(struct pollfd *p, size_t max, long long *wake);
void cd_sup_health_run(const struct pollfd *p, size_t n);
struct json_object *cd_sup_status(void);
void cd_sup_free(void);

/* ctl.c: the control socket. */
int cd_ctl_open(void);
void cd_ctl_serve(int lfd);
void cd_ctl_close(int lfd);

/* main.c */
struct json_object;
long long cd_now_ms(void);
int cd_reload(char ***errors, size_t *n);
struct json_object *cd_config_errors(void);

#endif /* _COHORTD_H */
