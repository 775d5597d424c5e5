// SPDX-License-Identifier: GPL-2.0
/*
 * cohortd: keeps the declared instances (/etc/cohort/instances.d/, read
 * with lib/decl) running, heals them by their restart policy and records
 * what happened (issue 12; docs/cohortd.md, cohortd(8)).
 *
 *	cohortd [--config-dir DIR] [--state-dir DIR] [--socket PATH]
 *
 * One thread, one loop: a signalfd (SIGCHLD ends a job's step or a
 * health check's command, SIGHUP reloads, SIGTERM/SIGINT end the daemon
 * and leave every instance as it is), the control socket (ctl.c), the
 * sockets of health checks connecting (health.c), and a tick every
 * CD_TICK_MS in which each instance is looked at (sup.c); health checks
 * wake the loop when they are due.  Instances are changed only by
 * running cohort(8) (job.c).  Under systemd: Type=notify, READY=1 once
 * the configuration is read, WATCHDOG=1 at half the period asked for,
 * RELOADING=1 / READY=1 around a reload, STOPPING=1 at the end.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cohortd.h"

struct cd_opts cd;

static char **last_errors;
static size_t nr_last_errors;

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: cohortd [--config-dir DIR] [--state-dir DIR] [--socket PATH]\n"
		"\n"
		"Keep the declared Cohort instances running (cohortd(8)).\n"
		"  --config-dir DIR  declared instances (default $COHORT_CONFIG_DIR or\n"
		"                    %s)\n"
		"  --state-dir DIR   events, kept consoles (default $COHORT_STATE_DIR or\n"
		"                    /var/lib/cohort)\n"
		"  --socket PATH     control socket (default $COHORTD_SOCKET or\n"
		"                    %s)\n",
		DECL_DIR_DEFAULT, COHORTD_SOCKET_DEFAULT);
}

static const char *env_or(const char *name, const char *def)
{
	const char *v = getenv(name);

	return v && *v ? v : def;
}

/* cohort(8): $COHORT_BIN, else beside this program, else from $PATH. */
static const char *find_cohort(void)
{
	static char buf[PATH_MAX];
	ssize_t n;
	char *slash;

	if (getenv("COHORT_BIN") && *getenv("COHORT_BIN"))
		return getenv("COHORT_BIN");
	n = readlink("/proc/self/exe", buf, sizeof(buf) - 16);
	if (n > 0) {
		buf[n] = '\0';
		slash = strrchr(buf, '/');
		if (slash) {
			strcpy(slash + 1, "cohort");
			if (access(buf, X_OK) == 0)
				return buf;
		}
	}
	return "cohort";
}

static int parse(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "config-dir", required_argument, NULL, 'c' },
		{ "state-dir", required_argument, NULL, 's' },
		{ "socket", required_argument, NULL, 'S' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int opt;

	cd.config_dir = env_or(DECL_DIR_ENV, DECL_DIR_DEFAULT);
	cd.state_dir = env_or("COHORT_STATE_DIR", "/var/lib/cohort");
	cd.socket = env_or(COHORTD_SOCKET_ENV, COHORTD_SOCKET_DEFAULT);
	cd.sysfs = env_or("COHORT_SYSFS", "/sys/kernel/cohort");
	while ((opt = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (opt) {
		case 'c': cd.config_dir = optarg; break;
		case 's': cd.state_dir = optarg; break;
		case 'S': cd.socket = optarg; break;
		case 'f': break;	/* it never forks away anyway */
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "cohortd: unexpected argument '%s'\n",
			argv[optind]);
		return -1;
	}
	cd.cohort = find_cohort();
	/* the cohort(8) it runs reads the same ("cohort update": [health]) */
	if (setenv(DECL_DIR_ENV, cd.config_dir, 1) ||
	    setenv("COHORT_STATE_DIR", cd.state_dir, 1)) {
		fprintf(stderr, "cohortd: setenv: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

static void forget_errors(void)
{
	for (size_t i = 0; i < nr_last_errors; i++)
		free(last_errors[i]);
	free(last_errors);
	last_errors = NULL;
	nr_last_errors = 0;
}

/**
 * cd_reload() - read the configuration again and apply it
 * @errors: out: "FILE:LINE: reason" of each error (malloc()ed), or NULL
 * @n: out: how many
 *
 * With an error nothing changes: the instances stay supervised as the
 * configuration read before says.
 *
 * Return: 0, or -1 when the configuration was refused.
 */
int cd_reload(char ***errors, size_t *n)
{
	struct decl_errors errs;
	struct decl_set set;
	int ret;

	*errors = NULL;
	*n = 0;
	decl_errors_init(&errs);
	ret = decl_load_dir(cd.config_dir, DECL_CHECK_FILES, &set, &errs);
	forget_errors();
	if (ret || errs.n) {
		char **v = calloc(errs.n + 1, sizeof(*v));

		decl_errors_sort(&errs);
		for (size_t i = 0; v && i < errs.n; i++) {
			char line[2048];

			if (errs.v[i].line)
				snprintf(line, sizeof(line), "%s:%u: %s",
					 errs.v[i].file, errs.v[i].line,
					 errs.v[i].msg);
			else
				snprintf(line, sizeof(line), "%s: %s",
					 errs.v[i].file, errs.v[i].msg);
			v[i] = strdup(line);
			cd_event("", COHORTD_EV_CONFIG_ERROR, "", "%s", line);
		}
		if (v && !errs.n) {
			v[0] = strdup("the configuration could not be read");
			cd_event("", COHORTD_EV_CONFIG_ERROR, "", "%s", v[0]);
		}
		*errors = v;
		*n = errs.n ? errs.n : 1;
		/* kept for "status" too */
		last_errors = calloc(*n, sizeof(*last_errors));
		for (size_t i = 0; last_errors && v && i < *n; i++)
			last_errors[i] = v[i] ? strdup(v[i]) : NULL;
		nr_last_errors = last_errors ? *n : 0;
		decl_errors_free(&errs);
		if (!ret)
			decl_set_free(&set);
		return -1;
	}
	decl_errors_free(&errs);
	cd_event("", COHORTD_EV_RELOADED, "", "%zu instance(s) declared in %s",
		 set.n, cd.config_dir);
	cd_sup_load(&set);
	return 0;
}

/**
 * cd_config_errors() - the errors of the last refused reload
 *
 * Return: a new JSON array of "FILE:LINE: reason" strings.
 */
struct json_object *cd_config_errors(void)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < nr_last_errors; i++)
		if (last_errors[i])
			json_object_array_add(a,
				json_object_new_string(last_errors[i]));
	return a;
}

static void reload_and_say(void)
{
	char **errors;
	size_t n;

	cd_notify("RELOADING=1");
	cd_reload(&errors, &n);
	for (size_t i = 0; i < n; i++)
		free(errors[i]);
	free(errors);
	cd_notify("READY=1");
}

/* mkdir -p: the state directory's parents may not exist yet. */
static void make_dirs(const char *path)
{
	char buf[PATH_MAX];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(buf, 0755);
		*p = '/';
	}
	if (mkdir(buf, 0755) < 0 && errno != EEXIST)
		cd_log(CD_WARN, "state directory %s: %s", path, strerror(errno));
}

/**
 * cd_now_ms() - the daemon's clock: CLOCK_MONOTONIC in milliseconds
 *
 * Return: milliseconds since some fixed point (boot).
 */
long long cd_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* SIGCHLD: reap; SIGHUP: reload; SIGTERM, SIGINT: @done. */
static void take_signals(int sfd, bool *done)
{
	struct signalfd_siginfo si;

	while (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGCHLD) {
			int st;
			pid_t pid;

			while ((pid = waitpid(-1, &st, WNOHANG)) > 0)
				cd_sup_child(pid, st);
		} else if (si.ssi_signo == SIGHUP) {
			reload_and_say();
		} else {
			*done = true;
		}
	}
}

int main(int argc, char **argv)
{
	struct pollfd p[2 + 2 * DECL_MAX_INSTANCES];
	long long next_tick, next_dog = 0, dog_ms;
	sigset_t set;
	int sfd, lfd;
	bool done = false;

	if (parse(argc, argv))
		return 2;
	umask(022);
	make_dirs(cd.state_dir);
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0) {
		cd_log(CD_ERR, "signalfd: %s", strerror(errno));
		return 1;
	}
	lfd = cd_ctl_open();
	if (lfd < 0)
		return 1;
	cd_event("", COHORTD_EV_DAEMON_START, "",
		 "pid %d, config %s, state %s, cohort %s", getpid(),
		 cd.config_dir, cd.state_dir, cd.cohort);
	{
		char **errors;
		size_t n;

		/* a bad configuration at start: run with none, say why */
		cd_reload(&errors, &n);
		for (size_t i = 0; i < n; i++)
			free(errors[i]);
		free(errors);
	}
	dog_ms = (long long)(cd_watchdog_usec() / 2000);
	cd_notify("READY=1\nSTATUS=supervising the declared instances");
	next_tick = cd_now_ms();
	while (!done) {
		long long now = cd_now_ms(), wait, wake;
		size_t n;

		if (dog_ms && now >= next_dog) {
			cd_notify("WATCHDOG=1");
			next_dog = now + dog_ms;
		}
		if (next_tick <= now) {
			cd_sup_tick();
			next_tick = now + CD_TICK_MS;
		}
		p[0] = (struct pollfd){ .fd = sfd, .events = POLLIN };
		p[1] = (struct pollfd){ .fd = lfd, .events = POLLIN };
		wake = next_tick;
		n = 2 + cd_sup_health_fds(p + 2, 2 * DECL_MAX_INSTANCES, &wake);
		wait = wake - now;
		if (wait < 0)
			wait = 0;
		if (poll(p, n, (int)wait) < 0 && errno != EINTR)
			break;
		if (p[1].revents & POLLIN)
			cd_ctl_serve(lfd);
		if (p[0].revents & POLLIN)
			take_signals(sfd, &done);
		cd_sup_health_run(p + 2, n - 2);
	}
	cd_notify("STOPPING=1");
	cd_event("", COHORTD_EV_DAEMON_STOP, "",
		 "the instances run on without supervision");
	cd_ctl_close(lfd);
	cd_sup_free();
	forget_errors();
	return 0;
}
