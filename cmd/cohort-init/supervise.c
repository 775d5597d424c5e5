// SPDX-License-Identifier: GPL-2.0
/*
 * cohort-init: PID 1's loop while the workload runs.  Signals arrive
 * through a signalfd (blocked, and given a handler, so the kernel queues
 * them even for init):
 *
 *   SIGCHLD                        reap every child, orphans included
 *   SIGINT SIGHUP SIGQUIT SIGUSR1  forwarded to the workload
 *   SIGTERM, SIGUSR2               the instance is asked to stop: SIGTERM
 *                                  to the workload, SIGKILL after
 *                                  stop_timeout seconds (10)
 *   COHORT_SIGNAL_CARRIER          cohort kill: the signal in its value
 *                                  (1..64, SIGKILL included) to the
 *                                  workload
 *
 * The workload's status is its exit code, or 128 + the signal that
 * killed it (docker's convention).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/types.h>
#include <uapi/linux/cohort.h>

#include "init.h"

static const int handled[] = {
	SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2,
	COHORT_SIGNAL_CARRIER,
};

static void nothing(int sig)
{
	(void)sig;
}

/**
 * supervise_setup() - block the signals PID 1 handles, before the fork
 *
 * Return: the signalfd, or -1 (printed).
 */
int supervise_setup(void)
{
	struct sigaction sa = { .sa_handler = nothing };
	sigset_t set;
	size_t i;
	int fd;

	sigemptyset(&set);
	for (i = 0; i < sizeof(handled) / sizeof(handled[0]); i++) {
		sigaddset(&set, handled[i]);
		sigaction(handled[i], &sa, NULL);
	}
	sigprocmask(SIG_BLOCK, &set, NULL);
	fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (fd < 0)
		init_msg("signalfd: %s", strerror(errno));
	return fd;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static int status_of(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	return 128 + WTERMSIG(st);
}

/* Reaps what has ended; 1 when @workload was among them. */
static int reap(pid_t workload, int *status)
{
	int st, found = 0;
	pid_t p;

	while ((p = waitpid(-1, &st, WNOHANG)) > 0) {
		if (p == workload) {
			*status = status_of(st);
			found = 1;
		}
	}
	return found;
}

/**
 * supervise() - wait for the workload, reaping and forwarding
 * @sfd: from supervise_setup()
 * @workload: its pid
 * @o: options (stop_timeout)
 *
 * Return: the workload's status, 0 to 255.
 */
int supervise(int sfd, pid_t workload, const struct init_opts *o)
{
	long long deadline = -1;
	int status = 0;

	for (;;) {
		struct pollfd pfd = { .fd = sfd, .events = POLLIN };
		struct signalfd_siginfo si;
		int timeout = -1;

		if (reap(workload, &status))
			return status;
		if (deadline >= 0) {
			long long left = deadline - now_ms();

			if (left <= 0) {
				init_msg("the workload did not stop within %u s: killing it",
					 o->stop_timeout);
				kill(workload, SIGKILL);
				deadline = -1;
				continue;
			}
			timeout = left;
		}
		if (poll(&pfd, 1, timeout) <= 0)
			continue;
		while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
			switch (si.ssi_signo) {
			case SIGCHLD:
				break;
			case COHORT_SIGNAL_CARRIER:
				/* The instance kernel's, from the primary. */
				if (si.ssi_code == SI_QUEUE && si.ssi_int >= 1 &&
				    si.ssi_int <= COHORT_SIGNAL_MAX)
					kill(workload, si.ssi_int);
				break;
			case SIGTERM:
			case SIGUSR2:
				kill(workload, SIGTERM);
				if (deadline < 0)
					deadline = now_ms() + o->stop_timeout * 1000LL;
				break;
			default:
				kill(workload, si.ssi_signo);
				break;
			}
		}
	}
}

/**
 * supervise_end() - stop what the workload left behind
 * @sfd: from supervise_setup()
 * @workload: its pid (its process group is the host-mode target)
 * @o: options: as PID 1 every other process is signalled, else only
 *	the workload's process group
 *
 * SIGTERM, up to a second for them to go, then SIGKILL; reaps them all.
 */
void supervise_end(int sfd, pid_t workload, const struct init_opts *o)
{
	pid_t target = o->no_poweroff ? -workload : -1;
	int pass, dummy;

	for (pass = 0; pass < 2; pass++) {
		long long end = now_ms() + (pass ? 2000 : 1000);

		kill(target, pass ? SIGKILL : SIGTERM);
		for (;;) {
			struct pollfd pfd = { .fd = sfd, .events = POLLIN };
			struct signalfd_siginfo si;
			long long left = end - now_ms();

			reap(workload, &dummy);
			if (waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD)
				return;
			if (left <= 0)
				break;
			if (poll(&pfd, 1, left > 50 ? 50 : left) > 0)
				while (read(sfd, &si, sizeof(si)) == sizeof(si))
					;
		}
	}
}
