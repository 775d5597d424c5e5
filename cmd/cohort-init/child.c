// SPDX-License-Identifier: GPL-2.0
/*
 * cohort-init: the workload's side of the fork, up to execve():
 * a session of its own; the console (or, with a terminal, /dev/ttyCH0 as
 * controlling terminal) for stdio; chroot into the new root; the working
 * directory (made, owned by the user, when missing, as docker does);
 * the resource limits, while still root (raising a hard limit needs
 * CAP_SYS_RESOURCE); setgroups, setgid, setuid; default signal actions
 * and an empty mask;
 * then args[0], looked up in the spec's PATH when it has no '/'.
 * A failure prints "cohort-init: WHAT: REASON" and exits 127 (126 when
 * the program exists but cannot be executed), as shells do.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "init.h"

static void __attribute__((noreturn)) fail(int status, const char *what)
{
	init_msg("%s: %s", what, strerror(errno));
	_exit(status);
}

static void reset_signals(void)
{
	struct sigaction sa = { .sa_handler = SIG_DFL };
	sigset_t none;
	int sig;

	for (sig = 1; sig < NSIG; sig++)
		sigaction(sig, &sa, NULL);	/* fails for KILL, STOP, RT internals */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/*
 * Without -t the output is a log, as a pipe would carry it: the console
 * tty must not turn each newline into CR LF.
 */
static void no_crlf(int fd)
{
	struct termios t;

	if (fd >= 0 && isatty(fd) && !tcgetattr(fd, &t) && (t.c_oflag & ONLCR)) {
		t.c_oflag &= ~ONLCR;
		tcsetattr(fd, TCSANOW, &t);
	}
}

static void set_stdio(const struct run_spec *spec, const struct init_opts *o)
{
	int in, out;

	if (spec->terminal && !o->no_console) {
		in = open(o->tty, O_RDWR | O_CLOEXEC);
		if (in < 0)
			fail(INIT_EXIT_SETUP, o->tty);
		if (ioctl(in, TIOCSCTTY, 0))
			fail(INIT_EXIT_SETUP, "TIOCSCTTY");
		out = in;
	} else {
		in = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (in < 0)
			fail(INIT_EXIT_SETUP, "/dev/null");
		out = o->no_console ? -1 :
		      open(o->console, O_WRONLY | O_NOCTTY | O_CLOEXEC);
		if (!o->no_console && out < 0)
			fail(INIT_EXIT_SETUP, o->console);
		no_crlf(out);
	}
	if (dup2(in, 0) < 0 || (out >= 0 && (dup2(out, 1) < 0 || dup2(out, 2) < 0)))
		fail(INIT_EXIT_SETUP, "dup2");
	if (in > 2)
		close(in);
	if (out > 2 && out != in)
		close(out);
}

/* chdir(@cwd), making what is missing owned by the user. */
static void enter_cwd(const struct run_spec *spec)
{
	char buf[4096], *p;

	if (!chdir(spec->cwd))
		return;
	if (errno != ENOENT)
		fail(INIT_EXIT_SETUP, spec->cwd);
	snprintf(buf, sizeof(buf), "%s", spec->cwd);
	for (p = buf + 1; ; p++) {
		if (*p == '/' || !*p) {
			char c = *p;

			*p = '\0';
			if (!mkdir(buf, 0755)) {
				if (lchown(buf, spec->uid, spec->gid))
					fail(INIT_EXIT_SETUP, buf);
			} else if (errno != EEXIST) {
				fail(INIT_EXIT_SETUP, buf);
			}
			*p = c;
			if (!c)
				break;
		}
	}
	if (chdir(spec->cwd))
		fail(INIT_EXIT_SETUP, spec->cwd);
}

static rlim_t rlim(uint64_t v)
{
	return v == RUN_RLIM_INFINITY ? RLIM_INFINITY : (rlim_t)v;
}

/* Every rlimit of the spec, as runc sets them: before the ids change. */
static void set_rlimits(const struct run_spec *spec)
{
	char what[64];
	size_t i;

	for (i = 0; i < spec->nr_rlimits; i++) {
		const struct run_rlimit *r = &spec->rlimits[i];
		struct rlimit rl = { rlim(r->soft), rlim(r->hard) };

		if (setrlimit(r->resource, &rl)) {
			snprintf(what, sizeof(what), "setrlimit %s",
				 run_rlimit_name(r->resource));
			fail(INIT_EXIT_SETUP, what);
		}
	}
}

static void drop_privileges(const struct run_spec *spec)
{
	char what[64];
	gid_t *g = NULL;
	size_t i;

	if (spec->nr_groups) {
		g = calloc(spec->nr_groups, sizeof(*g));
		if (!g)
			fail(INIT_EXIT_SETUP, "setgroups");
		for (i = 0; i < spec->nr_groups; i++)
			g[i] = spec->groups[i];
	}
	if (setgroups(spec->nr_groups, g))
		fail(INIT_EXIT_SETUP, "setgroups");
	free(g);
	snprintf(what, sizeof(what), "setgid %u", spec->gid);
	if (setgid(spec->gid))
		fail(INIT_EXIT_SETUP, what);
	snprintf(what, sizeof(what), "setuid %u", spec->uid);
	if (setuid(spec->uid))
		fail(INIT_EXIT_SETUP, what);
}

static int exec_status(int err)
{
	return err == EACCES || err == ENOEXEC || err == EISDIR ||
	       err == ETXTBSY ? 126 : 127;
}

/* execvpe() with the spec's PATH, without its /bin/sh fallback (runc). */
static void __attribute__((noreturn)) exec_args(const struct run_spec *spec)
{
	const char *arg0 = spec->args[0], *path, *p, *end;
	char buf[4096];
	int saved = ENOENT;

	if (strchr(arg0, '/')) {
		execve(arg0, spec->args, spec->env);
		fail(exec_status(errno), arg0);
	}
	path = "";
	for (size_t i = 0; spec->env[i]; i++)
		if (!strncmp(spec->env[i], "PATH=", 5))
			path = spec->env[i] + 5;
	if (!*path)
		path = RUN_DEFAULT_PATH;
	for (p = path; ; p = end + 1) {
		size_t n;

		end = strchr(p, ':');
		if (!end)
			end = p + strlen(p);
		n = end - p;
		if (snprintf(buf, sizeof(buf), "%.*s%s%s", (int)n, p,
			     n ? "/" : "", arg0) < (int)sizeof(buf)) {
			execve(buf, spec->args, spec->env);
			if (errno == EACCES || errno == ENOEXEC)
				saved = errno;	/* found, not runnable: keep looking */
			else if (errno != ENOENT && errno != ENOTDIR) {
				saved = errno;
				break;
			}
		}
		if (!*end)
			break;
	}
	errno = saved;
	fail(exec_status(saved), arg0);
}

/**
 * child_exec() - become the workload
 * @spec: what to run
 * @o: options (console, tty, no_console)
 * @root: the directory to chroot into, or NULL
 *
 * Runs in the forked child; never returns.
 */
void child_exec(const struct run_spec *spec, const struct init_opts *o,
		const char *root)
{
	reset_signals();
	if (setsid() < 0)
		fail(INIT_EXIT_SETUP, "setsid");
	set_stdio(spec, o);
	if (root && (chroot(root) || chdir("/")))
		fail(INIT_EXIT_SETUP, root);
	enter_cwd(spec);
	set_rlimits(spec);
	drop_privileges(spec);
	exec_args(spec);
}
