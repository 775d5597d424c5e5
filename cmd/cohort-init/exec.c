// SPDX-License-Identifier: GPL-2.0
/*
 * cohort-init: one cohort exec command, in a process of its own forked
 * by the listener (execd.c) for one connection from the primary.
 *
 *  1. The request (lib/run/exec.h) is read, within RUN_EXEC_IO_TIMEOUT_S,
 *     and checked as hostile input; a refused one is answered with a
 *     message and the exit status 125.
 *  2. The command's process comes from the workload's and the request
 *     (run_exec_process(): env, cwd, user, groups, rlimits).
 *  3. It is forked into a session of its own, stdin /dev/null, stdout
 *     and stderr pipes, then goes the workload's way (child.c): chroot
 *     into the workload's root, chdir (never made: docker exec fails
 *     too), rlimits, ids, execve.  A step that fails is reported through
 *     a close-on-exec pipe: a message and 126, or 127 when the program
 *     is not found.
 *  4. Its output is sent as it comes, in frames; when it exits what the
 *     pipes still hold is sent, then its status (the exit code, or 128 +
 *     the signal).  Processes it left in the background run on, and
 *     their output is no longer forwarded.
 *  5. At timeout_ms its whole session is killed (SIGKILL) and the status
 *     says so.  The primary sends nothing after its request; it may shut
 *     its end down for writing, but if it closes the connection (or
 *     sends anything) the command is killed too.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cohort/fdio.h"
#include "init.h"
#include "run/exec.h"

/* What the session sends, and until when it waits for the primary to take it. */
struct sess {
	int fd;			/* the connection (non-blocking once relaying) */
	pid_t pid;		/* the command */
	long long deadline;	/* ms (monotonic) it is killed at; -1: none */
	bool timed_out;
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* The command's whole session, then the command itself, SIGKILL. */
static void kill_command(pid_t pid)
{
	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
}

/* Gone: the primary left or stalled.  Nothing more is said. */
static void __attribute__((noreturn)) abandon(struct sess *s)
{
	if (s->pid > 0) {
		kill_command(s->pid);
		waitpid(s->pid, NULL, 0);
	}
	_exit(0);
}

/*
 * Sends @len bytes.  While the command runs, a primary that does not
 * read holds it up (its pipe fills) for as long as it likes; the
 * deadline still kills it, and from then on (and before the command ran)
 * the primary has RUN_EXEC_IO_TIMEOUT_S to take the rest.
 */
static void send_all(struct sess *s, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	long long until = s->pid > 0 && !s->timed_out ? s->deadline :
			  now_ms() + RUN_EXEC_IO_TIMEOUT_S * 1000LL;

	while (len) {
		struct pollfd pfd = { .fd = s->fd, .events = POLLOUT };
		long long left = until < 0 ? -1 : until - now_ms();
		ssize_t n;

		n = send(s->fd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n > 0) {
			p += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			abandon(s);
		if (until >= 0 && left <= 0) {
			if (s->pid <= 0 || s->timed_out)
				abandon(s);
			/* the deadline came while the primary was not reading */
			kill_command(s->pid);
			s->timed_out = true;
			until = now_ms() + RUN_EXEC_IO_TIMEOUT_S * 1000LL;
			continue;
		}
		poll(&pfd, 1, left < 0 || left > INT32_MAX ? -1 : (int)left);
	}
}

static void send_frame(struct sess *s, enum run_exec_type type,
		       const void *data, size_t len)
{
	unsigned char hdr[RUN_EXEC_HDR];

	run_exec_frame_header(type, (uint32_t)len, hdr);
	send_all(s, hdr, sizeof(hdr));
	send_all(s, data, len);
}

/* A message (cut to the frame's limit), then the end. */
static void __attribute__((noreturn)) finish(struct sess *s, const char *msg,
					     enum run_exec_how how,
					     uint32_t status)
{
	unsigned char p[RUN_EXEC_EXIT_LEN];
	size_t n = msg ? strlen(msg) : 0;

	if (n)
		send_frame(s, RUN_EXEC_MSG, msg,
			   n > RUN_EXEC_MSG_MAX ? RUN_EXEC_MSG_MAX : n);
	run_exec_exit_payload(how, status, p);
	send_frame(s, RUN_EXEC_EXIT, p, sizeof(p));
	shutdown(s->fd, SHUT_WR);
	_exit(0);
}

/* The forked command: never returns.  @st gets "STATUS MESSAGE" on failure. */
static void __attribute__((noreturn)) command(const struct run_spec *p,
					      const char *root, int null,
					      int out, int err, int st)
{
	char what[4096], msg[RUN_EXEC_MSG_MAX];
	int status = 126, e;

	child_reset_signals();
	if (setsid() < 0 || dup2(null, 0) < 0 || dup2(out, 1) < 0 ||
	    dup2(err, 2) < 0) {
		e = errno;
		snprintf(what, sizeof(what), "setting up its stdio");
	} else if (child_enter(p, root, false, what, sizeof(what))) {
		e = errno;
	} else {
		status = child_exec_args(p, what, sizeof(what));
		e = errno;
	}
	snprintf(msg, sizeof(msg), "%d %.400s: %s", status, what, strerror(e));
	cohort_write_all(st, msg, strlen(msg));
	_exit(status);
}

/*
 * Sends one read of at most @max bytes from a pipe: the bytes sent, 0 at
 * its end, -1 when it has nothing now.  One read at a time, so that a
 * command that never stops writing does not keep the loop from its
 * deadline and the primary's going.
 */
static ssize_t forward(struct sess *s, int fd, enum run_exec_type type,
		       size_t max)
{
	static unsigned char buf[RUN_EXEC_CHUNK_MAX];
	ssize_t n;

	do {
		n = read(fd, buf, max < sizeof(buf) ? max : sizeof(buf));
	} while (n < 0 && errno == EINTR);
	if (n > 0)
		send_frame(s, type, buf, (size_t)n);
	return n < 0 ? -1 : n;
}

/*
 * Sends what a pipe holds when the command has ended: no more, or a
 * process it left behind that keeps writing would keep it going.
 */
static void drain(struct sess *s, int fd, enum run_exec_type type)
{
	int avail = 0;
	ssize_t n;

	if (ioctl(fd, FIONREAD, &avail) < 0)
		return;
	while (avail > 0 && (n = forward(s, fd, type, (size_t)avail)) > 0)
		avail -= (int)n;
}

/* How the command ended, for the exit frame. */
static void __attribute__((noreturn)) ended(struct sess *s, int wst)
{
	if (s->timed_out)
		finish(s, NULL, RUN_EXEC_TIMEDOUT, 128 + SIGKILL);
	if (WIFSIGNALED(wst))
		finish(s, NULL, RUN_EXEC_KILLED, 128 + (uint32_t)WTERMSIG(wst));
	finish(s, NULL, RUN_EXEC_EXITED, (uint32_t)WEXITSTATUS(wst));
}

/*
 * Whether the primary closed the connection, once it shut down its end
 * for writing: a closed vsock peer no longer shows in poll() (POLLHUP
 * wants our own end shut down too), but sending, even nothing, to it
 * fails (EPIPE), while to a half-closed one it does not.
 */
static bool peer_gone(int fd)
{
	return send(fd, "", 0, MSG_NOSIGNAL | MSG_DONTWAIT) < 0 &&
	       errno != EAGAIN && errno != EINTR;
}

/* Relays the command's output until it exits; never returns. */
static void __attribute__((noreturn)) relay(struct sess *s, int out, int err)
{
	int pidfd = (int)syscall(SYS_pidfd_open, s->pid, 0), wst = 0;
	bool out_open = true, err_open = true, peer_eof = false;

	fcntl(out, F_SETFL, O_NONBLOCK);
	fcntl(err, F_SETFL, O_NONBLOCK);
	for (;;) {
		struct pollfd p[4];
		long long left = -1;
		int n = 0, i_out = -1, i_err = -1, i_pid = -1, timeout;

		p[n++] = (struct pollfd){ .fd = s->fd,
					  .events = peer_eof ? 0 : POLLIN };
		if (out_open) {
			i_out = n;
			p[n++] = (struct pollfd){ .fd = out, .events = POLLIN };
		}
		if (err_open) {
			i_err = n;
			p[n++] = (struct pollfd){ .fd = err, .events = POLLIN };
		}
		if (pidfd >= 0) {
			i_pid = n;
			p[n++] = (struct pollfd){ .fd = pidfd, .events = POLLIN };
		}
		if (s->deadline >= 0 && !s->timed_out) {
			left = s->deadline - now_ms();
			if (left <= 0) {
				kill_command(s->pid);
				s->timed_out = true;
				continue;
			}
		}
		timeout = left < 0 || left > INT32_MAX ? -1 : (int)left;
		if (peer_eof && (timeout < 0 || timeout > 1000))
			timeout = 1000;	/* poll() no longer sees it go */
		if (pidfd < 0 && (timeout < 0 || timeout > 50))
			timeout = 50;	/* no pidfd: look for its end */
		if (poll(p, (nfds_t)n, timeout) < 0 && errno != EINTR)
			abandon(s);
		if (p[0].revents & (POLLHUP | POLLERR))
			abandon(s);	/* the primary closed the connection */
		if (p[0].revents & POLLIN) {
			char c;
			ssize_t r = recv(s->fd, &c, 1, MSG_DONTWAIT);

			/* it sends nothing after its request: an end is fine */
			if (!r)
				peer_eof = true;
			else if (r > 0 || (errno != EAGAIN && errno != EINTR))
				abandon(s);
		}
		/* after its end of writing, whether it closed the rest */
		if (peer_eof && peer_gone(s->fd))
			abandon(s);
		if (i_out >= 0 && p[i_out].revents)
			out_open = forward(s, out, RUN_EXEC_OUT, SIZE_MAX) != 0;
		if (i_err >= 0 && p[i_err].revents)
			err_open = forward(s, err, RUN_EXEC_ERR, SIZE_MAX) != 0;
		if ((i_pid >= 0 && p[i_pid].revents) || pidfd < 0) {
			if (waitpid(s->pid, &wst, pidfd < 0 ? WNOHANG : 0) != s->pid)
				continue;
			/* what it wrote before it ended, not what it left behind */
			if (out_open)
				drain(s, out, RUN_EXEC_OUT);
			if (err_open)
				drain(s, err, RUN_EXEC_ERR);
			ended(s, wst);
		}
	}
}

/* Forks the command and reports how it went; never returns. */
static void __attribute__((noreturn)) run(struct sess *s,
					  const struct run_spec *p,
					  const char *root, uint32_t timeout_ms)
{
	int out[2], err[2], st[2], null, wst;
	char buf[RUN_EXEC_MSG_MAX + 16], *msg;
	ssize_t n;
	long status;

	null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (null < 0 || pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC) ||
	    pipe2(st, O_CLOEXEC)) {
		snprintf(buf, sizeof(buf), "cannot make its stdio: %s",
			 strerror(errno));
		finish(s, buf, RUN_EXEC_NOTRUN, 126);
	}
	s->deadline = timeout_ms ? now_ms() + timeout_ms : -1;
	s->pid = fork();
	if (s->pid < 0) {
		snprintf(buf, sizeof(buf), "fork: %s", strerror(errno));
		finish(s, buf, RUN_EXEC_NOTRUN, 126);
	}
	if (!s->pid)
		command(p, root, null, out[1], err[1], st[1]);
	close(null);
	close(out[1]);
	close(err[1]);
	close(st[1]);
	/* nothing comes before the execve() (close-on-exec) or a failure */
	do {
		n = read(st[0], buf, sizeof(buf) - 1);
	} while (n < 0 && errno == EINTR);
	close(st[0]);
	if (n > 0) {
		buf[n] = '\0';
		status = strtol(buf, &msg, 10);
		if (status != 127)
			status = 126;
		waitpid(s->pid, &wst, 0);
		s->pid = 0;
		finish(s, *msg ? msg + 1 : "it could not be run",
		       RUN_EXEC_NOTRUN, (uint32_t)status);
	}
	relay(s, out[0], err[0]);
}

/**
 * exec_session() - serve one connection from the primary
 * @fd: the connection (checked: the primary, a privileged port)
 * @ctx: the workload's root and process
 *
 * Runs in a process of its own; never returns.
 */
void exec_session(int fd, const struct exec_ctx *ctx)
{
	struct timeval tv = { .tv_sec = RUN_EXEC_IO_TIMEOUT_S };
	struct sess s = { .fd = fd, .deadline = -1 };
	unsigned char hdr[RUN_EXEC_HDR];
	char err[RUN_ERR_MAX];
	struct run_exec_req req;
	struct run_spec p;
	const char *root = ctx->root ? ctx->root : "/";
	uint32_t len;
	char *buf;
	ssize_t n;
	int rootfd;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	n = cohort_read_full(fd, hdr, sizeof(hdr));
	if (n != (ssize_t)sizeof(hdr))
		_exit(0);	/* nothing to answer */
	if (run_exec_req_header(hdr, &len, err, sizeof(err)))
		finish(&s, err, RUN_EXEC_REFUSED, 125);
	buf = malloc(len);
	if (!buf)
		finish(&s, "out of memory", RUN_EXEC_REFUSED, 125);
	n = cohort_read_full(fd, buf, len);
	if (n != (ssize_t)len) {
		init_msg("exec: a request ended after %zd of %u bytes", n, len);
		_exit(0);
	}
	if (run_exec_req_decode(buf, len, &req, err, sizeof(err)))
		finish(&s, err, RUN_EXEC_REFUSED, 125);
	free(buf);
	rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0) {
		snprintf(err, sizeof(err), "%s: %s", root, strerror(errno));
		finish(&s, err, RUN_EXEC_NOTRUN, 126);
	}
	if (run_exec_process(&req, ctx->spec, rootfd, &p, err, sizeof(err)))
		finish(&s, err, RUN_EXEC_NOTRUN, 126);
	close(rootfd);
	run(&s, &p, ctx->root, req.timeout_ms);
}
