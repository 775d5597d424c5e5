// SPDX-License-Identifier: GPL-2.0
/*
 * cohort(8): "cohort console NAME [-r] [--force] [--no-history]", an
 * instance's console, to watch and to type into.
 *
 * Output: the console stream (follow.c), from the oldest byte held or,
 * with --no-history, from now on; across stops and starts, until the
 * instance is deleted.
 *
 * Input: without -r, COHORT_IOC_CONSOLE makes this process the one writer
 * of the instance's /dev/ttyCH0 and every byte read from stdin goes to
 * it.  A terminal on stdin is put in raw mode, restored on every way out,
 * so that Ctrl-C and the other control keys reach the instance; Ctrl-]
 * detaches.  Its output processing stays on: printk ends lines with a
 * bare newline.  Anything else on stdin is copied as it is, and at its
 * end the output is still followed.  With -r the writer is never taken
 * and a terminal on stdin is read only for Ctrl-].
 *
 * One loop polls stdin and the writer (for its hang-up) with a timeout:
 * the console is checked every 10 ms while output flows, backing off to
 * 50 ms when it is idle.  The writer is non-blocking; input the instance
 * has not taken yet waits in a buffer and is tried again at every tick,
 * and stdin is not read while that buffer is full.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "cohort.h"

#define ESCAPE_CHAR	0x1d	/* Ctrl-] */
#define TICK_MIN_MS	10
#define TICK_MAX_MS	50
#define INPUT_MAX	65536	/* input waiting for the instance */
/* After the writer hung up: how long to wait for a deletion to show. */
#define GONE_WAIT_MS	200

static volatile sig_atomic_t got_signal, continued;

static void on_signal(int sig)
{
	got_signal = sig;
}

static void on_sigcont(int sig)
{
	continued = 1;
}

struct session {
	struct cli *c;
	const char *name;
	struct follower f;
	int wfd;		/* the console writer, or -1 (read-only) */
	bool tty;		/* stdin is a terminal */
	bool raw;		/* ... and it is in raw mode now */
	bool read_stdin;	/* stdin is read at all */
	bool eof;		/* stdin ended */
	bool detach;		/* Ctrl-] was typed */
	bool said_nxio;		/* "not running" shown, no input went since */
	bool until_stop;	/* end when the instance stops (cohort run -t) */
	bool stopped;		/* ... which it did */
	struct termios saved;	/* the terminal as it was */
	size_t len;		/* bytes waiting in buf */
	unsigned char buf[INPUT_MAX];
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/*
 * Prints "[TEXT]" on stderr on a line of its own: after a newline when
 * the console output left a terminal's cursor in mid-line, and ending
 * with CR LF in raw mode.
 */
static void notice(struct session *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void notice(struct session *s, const char *fmt, ...)
{
	static const char crlf[] = "\r\n";
	va_list ap;

	if (s->f.last >= 0 && s->f.last != '\n' && isatty(STDOUT_FILENO)) {
		if (write(STDOUT_FILENO, crlf, 2) == 2)
			s->f.last = '\n';
	}
	fputc('[', stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(s->raw ? "]\r\n" : "]\n", stderr);
}

/* Raw mode from the saved settings, output processing kept. */
static int raw_apply(struct session *s)
{
	struct termios t = s->saved;

	cfmakeraw(&t);
	t.c_oflag = s->saved.c_oflag;
	if (tcsetattr(STDIN_FILENO, TCSANOW, &t) < 0)
		return -errno;
	return 0;
}

static int raw_on(struct session *s)
{
	int ret;

	if (tcgetattr(STDIN_FILENO, &s->saved) < 0)
		return -errno;
	ret = raw_apply(s);
	if (!ret)
		s->raw = true;
	return ret;
}

static void raw_off(struct session *s)
{
	int ret;

	if (!s->raw)
		return;
	do {
		ret = tcsetattr(STDIN_FILENO, TCSADRAIN, &s->saved);
	} while (ret < 0 && errno == EINTR);
	s->raw = false;
}

static void handle_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: writes give up */
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &sa, NULL);
	/* Stopped and continued: the shell may have reset the terminal. */
	sa.sa_handler = on_sigcont;
	sigaction(SIGCONT, &sa, NULL);
	/* A writer that hung up is seen as EPIPE, a closed stdout too. */
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

static bool instance_gone(struct session *s)
{
	char path[4096];
	struct stat st;

	if (sysfs_inst_path(s->c, s->name, "", path, sizeof(path)))
		return false;
	return stat(path, &st) < 0 && errno == ENOENT;
}

/* Starting, running or stopping: the instance may still print. */
static bool instance_active(struct session *s)
{
	char state[32];

	if (sysfs_inst_read(s->c, s->name, "state", state, sizeof(state)) < 0)
		return false;
	return !strcmp(state, COHORT_STATE_STARTING) ||
	       !strcmp(state, COHORT_STATE_RUNNING) ||
	       !strcmp(state, COHORT_STATE_STOPPING);
}

static int deleted(struct session *s)
{
	follower_drain(&s->f);
	notice(s, "%s was deleted", s->name);
	return EXIT_OK;
}

/*
 * The writer hung up: another writer took over, or the instance was
 * deleted (then its directory goes too, maybe a moment later).
 */
static int writer_lost(struct session *s)
{
	__u64 pid;
	int waited;

	if (follower_poll(&s->f) == FOLLOW_GONE || instance_gone(s))
		return deleted(s);
	if (sysfs_inst_u64(s->c, s->name, "console_writer", &pid) < 0 ||
	    !pid || pid == (__u64)getpid()) {
		for (waited = 0; waited < GONE_WAIT_MS; waited += TICK_MIN_MS) {
			if (instance_gone(s))
				return deleted(s);
			sleep_ms(TICK_MIN_MS);
		}
	}
	notice(s, "%s: another writer took over the console", s->name);
	return EXIT_FAIL;
}

/*
 * Reads stdin into the input buffer, which has room (stdin waits while
 * it is full: nothing typed is lost).  Returns -1 to go on (s->detach set
 * after Ctrl-]), or an exit status when the terminal went away.
 */
static int read_input(struct session *s)
{
	unsigned char *p = s->buf + s->len, *esc;
	ssize_t n;

	n = read(STDIN_FILENO, p, sizeof(s->buf) - s->len);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return -1;
	if (!s->tty) {
		/* Copied as it is. */
		if (n < 0)
			cli_warn("%s %s: reading stdin: %s; no more input",
				 s->c->cmd, s->name, strerror(errno));
		if (n <= 0)
			s->eof = true;
		else
			s->len += (size_t)n;
		return -1;
	}
	if (n <= 0) {
		/* The terminal hung up. */
		notice(s, "detached from %s", s->name);
		return EXIT_OK;
	}
	esc = memchr(p, ESCAPE_CHAR, (size_t)n);
	if (esc) {
		/* What came before Ctrl-] goes; what came after does not. */
		n = esc - p;
		s->detach = true;
	}
	if (s->wfd >= 0)
		s->len += (size_t)n;	/* -r: keys are only looked at */
	return -1;
}

/*
 * Passes waiting input to the instance.  Returns -1 to go on (*sent says
 * whether some went), or an exit status.
 */
static int send_input(struct session *s, bool *sent)
{
	ssize_t n;

	*sent = false;
	n = write(s->wfd, s->buf, s->len);
	if (n > 0) {
		s->len -= (size_t)n;
		memmove(s->buf, s->buf + n, s->len);
		s->said_nxio = false;
		*sent = true;
		return -1;
	}
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return -1;
	if (n < 0 && errno == ENXIO) {
		if (!s->said_nxio)
			notice(s, "%s is not running: input dropped",
			       s->name);
		s->said_nxio = true;
		s->len = 0;
		return -1;
	}
	if (n < 0 && errno == EPIPE)
		return writer_lost(s);
	cli_err("%s %s: writing to the console: %s", s->c->cmd, s->name,
		n < 0 ? strerror(errno) : "nothing written");
	return EXIT_FAIL;
}

static int check_console(struct session *s, bool *copied)
{
	int ret = follower_poll(&s->f);

	*copied = s->f.copied != 0;
	switch (ret) {
	case FOLLOW_OK:
		return -1;
	case FOLLOW_GONE:
		return deleted(s);
	case FOLLOW_CLOSED:
		return EXIT_OK;		/* nobody reads the output */
	default:
		return EXIT_FAIL;
	}
}

static int run(struct session *s)
{
	long long next = now_ms(), now;
	int tick = TICK_MIN_MS;

	for (;;) {
		struct pollfd p[2];
		int in = -1, w = -1, timeout, ret;
		bool active;
		nfds_t n = 0;

		if (got_signal) {
			notice(s, "detached from %s", s->name);
			return EXIT_OK;
		}
		if (continued) {
			continued = 0;
			if (s->raw)
				raw_apply(s);
		}
		if (s->read_stdin && !s->eof && s->len < sizeof(s->buf)) {
			p[n].fd = STDIN_FILENO;
			p[n].events = POLLIN;
			in = (int)n++;
		}
		if (s->wfd >= 0) {
			/* Only POLLHUP and POLLERR, always reported. */
			p[n].fd = s->wfd;
			p[n].events = 0;
			w = (int)n++;
		}
		now = now_ms();
		timeout = next > now ? (int)(next - now) : 0;
		if (s->len && timeout > TICK_MIN_MS)
			timeout = TICK_MIN_MS;
		ret = poll(p, n, timeout);
		if (ret < 0 && errno != EINTR) {
			cli_err("%s %s: poll: %s", s->c->cmd, s->name,
				strerror(errno));
			return EXIT_FAIL;
		}
		if (ret < 0)
			continue;
		if (w >= 0 && (p[w].revents & POLLNVAL)) {
			cli_err("%s %s: the console writer is not open",
				s->c->cmd, s->name);
			return EXIT_FAIL;
		}
		if (w >= 0 && p[w].revents)
			return writer_lost(s);
		active = false;
		if (in >= 0 && p[in].revents) {
			ret = read_input(s);
			if (ret >= 0)
				return ret;
		}
		if (s->len) {
			ret = send_input(s, &active);
			if (ret >= 0)
				return ret;
		}
		if (s->detach) {
			/* What was typed before Ctrl-] went, if it could. */
			notice(s, "detached from %s", s->name);
			return EXIT_OK;
		}
		now = now_ms();
		if (active && next > now + TICK_MIN_MS) {
			/* Typed: the echo comes soon. */
			tick = TICK_MIN_MS;
			next = now + tick;
		}
		if (now < next)
			continue;
		ret = check_console(s, &active);
		if (ret >= 0)
			return ret;
		if (s->until_stop && !active && !instance_active(s)) {
			follower_drain(&s->f);
			s->stopped = true;
			return EXIT_OK;
		}
		tick = active ? TICK_MIN_MS :
		       tick * 2 < TICK_MAX_MS ? tick * 2 : TICK_MAX_MS;
		next = now_ms() + tick;
	}
}

/* Takes the writer.  EXIT_OK, or an exit status after printing why not. */
static int take_writer(struct session *s, __u32 flags)
{
	struct cohort_ioc_console req;
	int ret, err;

	memset(&req, 0, sizeof(req));
	snprintf(req.name, sizeof(req.name), "%s", s->name);
	req.flags = flags;
	ret = cli_dev_request(s->c, s->name, COHORT_IOC_CONSOLE, &req,
			      req.msg, &err);
	if (ret) {
		if (err == EBUSY)
			fprintf(stderr,
				"Use '%s console --force %s' to take the input over, or '%s console --read-only %s' to watch.\n",
				prog, s->name, prog, s->name);
		return ret;
	}
	if (req.fd < 0) {
		cli_err("%s %s: the kernel gave no console descriptor",
			s->c->cmd, s->name);
		return EXIT_FAIL;
	}
	s->wfd = req.fd;
	if (fcntl(s->wfd, F_SETFL, fcntl(s->wfd, F_GETFL) | O_NONBLOCK) < 0) {
		cli_err("%s %s: the console writer: %s", s->c->cmd, s->name,
			strerror(errno));
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

static int session(struct session *s, bool read_only, __u32 flags,
		   bool history)
{
	int ret;

	ret = sysfs_instance_check(s->c, s->name);
	if (ret)
		return ret;
	if (!read_only) {
		ret = take_writer(s, flags);
		if (ret)
			return ret;
	}
	ret = follower_open(&s->f, s->c, s->name, STDOUT_FILENO, history);
	if (ret)
		return ret;
	s->f.stop = &got_signal;
	handle_signals();
	s->tty = isatty(STDIN_FILENO);
	s->read_stdin = s->tty || !read_only;
	fprintf(stderr, "Connected to %s's console%s%s\n", s->name,
		read_only ? " (read-only)" : "",
		s->tty ? "; escape character is ^]" : "");
	if (s->tty) {
		ret = raw_on(s);
		if (ret) {
			cli_err("%s %s: cannot set the terminal up: %s",
				s->c->cmd, s->name, strerror(-ret));
			return EXIT_FAIL;
		}
	}
	ret = run(s);
	raw_off(s);
	return ret;
}

/*
 * One console session, set up and torn down; @until_stop ends it when the
 * instance stops and sets *@stopped.
 */
static int console_session(struct cli *c, const char *name, bool read_only,
			   __u32 flags, bool history, bool until_stop,
			   bool *stopped)
{
	struct session *s;
	int ret;

	s = calloc(1, sizeof(*s));
	if (!s) {
		cli_err("out of memory");
		return EXIT_FAIL;
	}
	s->c = c;
	s->name = name;
	s->wfd = -1;
	s->f.fd = -1;
	s->until_stop = until_stop;
	ret = session(s, read_only, flags, history);
	raw_off(s);
	follower_close(&s->f);
	if (s->wfd >= 0)
		close(s->wfd);
	if (stopped)
		*stopped = s->stopped;
	free(s);
	return ret;
}

/**
 * cli_console_attach() - the console of an instance until it stops
 * @c: the invocation
 * @name: the instance
 * @stopped: out: true when it ended because the instance stopped, false
 *	after Ctrl-], a signal or an error
 *
 * As "cohort console NAME" (the writer taken, history shown), for
 * "cohort run -t".
 *
 * Return: an exit status.
 */
int cli_console_attach(struct cli *c, const char *name, bool *stopped)
{
	return console_session(c, name, false, 0, true, true, stopped);
}

/**
 * cmd_console() - "cohort console NAME [-r] [--force] [--no-history]"
 * @c: the invocation
 * @argc: arguments of the command
 * @argv: the arguments
 *
 * Return: an exit status: 0 after Ctrl-], a signal or the deletion of the
 * instance; 1 when another writer took over.
 */
int cmd_console(struct cli *c, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "read-only", no_argument, NULL, 'r' },
		{ "force", no_argument, NULL, 'F' },
		{ "no-history", no_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	bool read_only = false, history = true;
	unsigned int seen[256] = { 0 };
	const char *name;
	__u32 flags = 0;
	int opt, ret;

	while ((opt = cli_getopt(c, argc, argv, "r", lo, seen)) != -1) {
		switch (opt) {
		case 'r':
			read_only = true;
			break;
		case 'F':
			flags |= COHORT_CONSOLE_FORCE;
			break;
		case 'N':
			history = false;
			break;
		default:
			return opt == -2 ? EXIT_OK : EXIT_USAGE;
		}
	}
	if (c->json)
		return cli_usage_err(c, "there is no JSON output (--json)");
	ret = cli_name_arg(c, argc, argv, &name);
	if (ret)
		return ret;
	if (read_only && flags)
		return cli_usage_err(c, "--force and --read-only cannot be used together");

	return console_session(c, name, read_only, flags, history, false, NULL);
}
