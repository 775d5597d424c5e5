// SPDX-License-Identifier: GPL-2.0
/*
 * cohort-init: the exec server's listener (cohort exec, lib/run/exec.h).
 * It listens on AF_VSOCK port RUN_EXEC_PORT, hears the primary only, and
 * only from a privileged port there (lib/cohort/vsock.h: the transport
 * sets a peer's CID from the ring its packets came in on, so another
 * instance cannot pose as the primary, and only root of the primary can
 * bind such a port), so that neither an unprivileged user of the primary
 * nor another instance can run commands here.  Any other connection is
 * closed without an answer.  Each connection is served by a process of
 * its own (exec.c); at most EXECD_SESSIONS at once.
 *
 * It runs in two kinds of instances:
 *   - with a workload (cohort run, warm or cold): a child of PID 1,
 *     forked once the workload's root is built, so that commands run in
 *     that root, with its process's environment, user and limits;
 *   - booted from the instance initramfs to run its own init: started
 *     by that init with "cohort-init --exec-server", which returns once
 *     the port is listened on and leaves the listener in the background.
 *
 * The listener is a subreaper: what the commands leave behind is reaped
 * here, not left to a shell init that does not.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cohort/fdio.h"
#include "cohort/vsock.h"
#include "init.h"
#include "run/exec.h"

#define EXECD_SESSIONS	64	/* commands served at once */

static pid_t sessions[EXECD_SESSIONS];
static size_t nr_sessions;

/* Reaps what ended: sessions and the orphans of their commands. */
static void reap(void)
{
	pid_t pid;

	while ((pid = waitpid(-1, NULL, WNOHANG)) > 0) {
		for (size_t i = 0; i < nr_sessions; i++) {
			if (sessions[i] == pid) {
				sessions[i] = sessions[--nr_sessions];
				break;
			}
		}
	}
}

/* Too many commands already: say so, briefly, and close. */
static void busy(int fd)
{
	static const char why[] = "too many commands are running in this instance";
	unsigned char hdr[RUN_EXEC_HDR], p[RUN_EXEC_EXIT_LEN];
	struct timeval tv = { .tv_sec = 1 };

	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	run_exec_frame_header(RUN_EXEC_MSG, sizeof(why) - 1, hdr);
	if (cohort_write_all(fd, hdr, sizeof(hdr)) ||
	    cohort_write_all(fd, why, sizeof(why) - 1))
		return;
	run_exec_frame_header(RUN_EXEC_EXIT, sizeof(p), hdr);
	run_exec_exit_payload(RUN_EXEC_REFUSED, 125, p);
	if (!cohort_write_all(fd, hdr, sizeof(hdr)))
		cohort_write_all(fd, p, sizeof(p));
}

static void __attribute__((noreturn)) serve(int lfd,
					    const struct exec_ctx *ctx)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	struct sigaction ign = { .sa_handler = SIG_IGN };
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int sig = 1; sig < NSIG; sig++)
		sigaction(sig, &dfl, NULL);
	sigaction(SIGPIPE, &ign, NULL);
	setsid();
	if (prctl(PR_SET_CHILD_SUBREAPER, 1))
		init_msg("exec server: PR_SET_CHILD_SUBREAPER: %s",
			 strerror(errno));
	for (;;) {
		struct pollfd p = { .fd = lfd, .events = POLLIN };
		struct sockaddr_vm peer;
		socklen_t plen = sizeof(peer);
		pid_t pid;
		int fd;

		reap();
		if (poll(&p, 1, 1000) <= 0)
			continue;
		fd = accept4(lfd, (struct sockaddr *)&peer, &plen, SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno != EINTR && errno != ECONNABORTED &&
			    errno != EAGAIN)
				sleep(1);
			continue;
		}
		if (!cohort_vsock_from_primary(&peer, plen)) {
			close(fd);
			continue;
		}
		reap();
		if (nr_sessions == EXECD_SESSIONS) {
			busy(fd);
			close(fd);
			continue;
		}
		pid = fork();
		if (!pid) {
			close(lfd);
			exec_session(fd, ctx);
		}
		if (pid < 0)
			init_msg("exec server: fork: %s", strerror(errno));
		else
			sessions[nr_sessions++] = pid;
		close(fd);
	}
}

/**
 * execd_start() - listen for cohort exec, and serve in the background
 * @ctx: where and as whom commands run; kept (the caller's memory is
 *	the listener's own copy after the fork)
 *
 * The port is listened on when this returns, so a caller that goes on
 * to say it is ready says so truly.
 *
 * Return: 0, or -1 (printed) when the port cannot be listened on.
 */
int execd_start(const struct exec_ctx *ctx)
{
	struct sockaddr_vm a = {
		.svm_family = AF_VSOCK,
		.svm_cid = VMADDR_CID_ANY,
		.svm_port = RUN_EXEC_PORT,
	};
	pid_t pid;
	int lfd;

	lfd = socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(lfd, 16) < 0) {
		init_msg("exec server: cannot listen on vsock port %u: %s",
			 RUN_EXEC_PORT, strerror(errno));
		if (lfd >= 0)
			close(lfd);
		return -1;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		init_msg("exec server: fork: %s", strerror(errno));
		close(lfd);
		return -1;
	}
	if (!pid)
		serve(lfd, ctx);
	close(lfd);
	return 0;
}
