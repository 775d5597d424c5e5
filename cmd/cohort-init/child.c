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
 *
 * The steps from chroot to execve() serve cohort exec's commands too
 * (exec.c): child_enter() and child_exec_args() say what failed instead
 * of exiting.
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

/**
 * child_reset_signals() - default actions for every signal, none blocked
 */
void child_reset_signals(void)
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

/* chdir(@cwd); with @make, what is missing is made, owned by the user. */
static int enter_cwd(const struct run_spec *spec, bool make, char *what,
		     size_t wlen)
{
	char buf[4096], *p;

	snprintf(what, wlen, "%s", spec->cwd);
	if (!chdir(spec->cwd))
		return 0;
	if (errno != ENOENT || !make)
		return -1;
	snprintf(buf, sizeof(buf), "%s", spec->cwd);
	for (p = buf + 1; ; p++) {
		if (*p == '/' || !*p) {
			char c = *p;

			*p = '\0';
			if (!mkdir(buf, 0755)) {
				if (lchown(buf, spec->uid, spec->gid)) {
					snprintf(what, wlen, "%s", buf);
					return -1;
				}
			} else if (errno != EEXIST) {
				snprintf(what, wlen, "%s", buf);
				return -1;
			}
			*p = c;
			if (!c)
				break;
		}
	}
	return chdir(spec->cwd);
}

static rlim_t rlim(uint64_t v)
{
	return v == RUN_RLIM_INFINITY ? RLIM_INFINITY : (rlim_t)v;
}

/* Every rlimit of the spec, as runc sets them: before the ids change. */
static int set_rlimits(const struct run_spec *spec, char *what, size_t wlen)
{
	size_t i;

	for (i = 0; i < spec->nr_rlimits; i++) {
		const struct run_rlimit *r = &spec->rlimits[i];
		struct rlimit rl = { rlim(r->soft), rlim(r->hard) };

		if (setrlimit(r->resource, &rl)) {
			snprintf(what, wlen, "setrlimit %s",
				 run_rlimit_name(r->resource));
			return -1;
		}
	}
	return 0;
}

static int drop_privileges(const struct run_spec *spec, char *what,
			   size_t wlen)
{
	gid_t *g = NULL;
	size_t i;
	int ret;

	snprintf(what, wlen, "setgroups");
	if (spec->nr_groups) {
		g = calloc(spec->nr_groups, sizeof(*g));
		if (!g)
			return -1;
		for (i = 0; i < spec->nr_groups; i++)
			g[i] = spec->groups[i];
	}
	ret = setgroups(spec->nr_groups, g);
	free(g);
	if (ret)
		return -1;
	snprintf(what, wlen, "setgid %u", spec->gid);
	if (setgid(spec->gid))
		return -1;
	snprintf(what, wlen, "setuid %u", spec->uid);
	return setuid(spec->uid) ? -1 : 0;
}

/**
 * child_enter() - become the process a spec describes, short of exec
 * @spec: its cwd, rlimits, uid, gid and groups
 * @root: the directory to chroot into, or NULL
 * @make_cwd: make the working directory when it is missing (docker run
 *	does; docker exec does not)
 * @what: out: the step that failed
 * @wlen: bytes at @what
 *
 * Return: 0, or -1 with errno set.
 */
int child_enter(const struct run_spec *spec, const char *root, bool make_cwd,
		char *what, size_t wlen)
{
	if (root && (chroot(root) || chdir("/"))) {
		snprintf(what, wlen, "%s", root);
		return -1;
	}
	if (enter_cwd(spec, make_cwd, what, wlen) ||
	    set_rlimits(spec, what, wlen) || drop_privileges(spec, what, wlen))
		return -1;
	return 0;
}

static int exec_status(int err)
{
	return err == EACCES || err == ENOEXEC || err == EISDIR ||
	       err == ETXTBSY ? 126 : 127;
}

/**
 * child_exec_args() - execve() the spec's args with its env
 * @spec: args and env; args[0] is looked up in the env's PATH when it
 *	has no '/' (execvpe() without its /bin/sh fallback, as runc)
 * @what: out: the program that could not be run
 * @wlen: bytes at @what
 *
 * Return: only on failure: 127 (not found) or 126 (found, not runnable),
 * with errno set.
 */
int child_exec_args(const struct run_spec *spec, char *what, size_t wlen)
{
	const char *arg0 = spec->args[0], *path, *p, *end;
	char buf[4096];
	int saved = ENOENT;

	snprintf(what, wlen, "%s", arg0);
	if (strchr(arg0, '/')) {
		execve(arg0, spec->args, spec->env);
		return exec_status(errno);
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
	return exec_status(saved);
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
	char what[4096];
	int status;

	child_reset_signals();
	if (setsid() < 0)
		fail(INIT_EXIT_SETUP, "setsid");
	set_stdio(spec, o);
	if (child_enter(spec, root, true, what, sizeof(what)))
		fail(INIT_EXIT_SETUP, what);
	status = child_exec_args(spec, what, sizeof(what));
	fail(status, what);
}
