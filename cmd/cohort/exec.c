// SPDX-License-Identifier: GPL-2.0
/*
 * cohort(8): "cohort exec": run a command in a running instance, as
 * docker exec does in a container.
 *
 *	cohort exec [OPTIONS] NAME [OPTIONS] [--] COMMAND [ARG...]
 *
 * The request goes over AF_VSOCK to the instance's exec server
 * (cohort-init, lib/run/exec.h has the wire format) from a privileged
 * port of the primary, the only kind it hears.  What the command writes
 * to stdout and stderr comes out on ours; its exit status is ours (128 +
 * the signal that killed it).  Its stdin is /dev/null.  Our own failures
 * are 125 (no such instance, not running, no server, refused), 126 when
 * the command could not be run, 127 when it was not found, 124 when
 * --timeout killed it.  When we end early (Ctrl-C), the connection ends
 * and the instance kills the command.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cohort.h"
#include "cohort/fdio.h"
#include "cohort/parse.h"
#include "cohort/vsock.h"
#include "run/exec.h"
#include "run/run.h"

/* cohort exec's own failures, as docker's (docs/man/cohort.8) */
#define EXIT_EXEC_FAIL		125
#define EXIT_EXEC_TIMEOUT	124	/* --timeout killed it, as timeout(1) */

struct exec_opts {
	char **env;		/* -e, resolved; NULL-terminated */
	size_t nenv;
	const char *workdir;
	const char *user;
	uint32_t timeout_ms;
	const char *timeout_text;
};

static int push_env(struct exec_opts *o, const char *arg)
{
	char **nv, *e;

	if (!strchr(arg, '=')) {
		/* -e NAME: the caller's value; dropped when unset (docker) */
		const char *v = getenv(arg);

		if (!v)
			return 0;
		if (asprintf(&e, "%s=%s", arg, v) < 0)
			return -1;
	} else {
		e = strdup(arg);
		if (!e)
			return -1;
	}
	nv = realloc(o->env, (o->nenv + 2) * sizeof(*nv));
	if (!nv) {
		free(e);
		return -1;
	}
	o->env = nv;
	nv[o->nenv++] = e;
	nv[o->nenv] = NULL;
	return 0;
}

/*
 * --timeout SEC: seconds, with up to three decimals (milliseconds), more
 * than 0, at most a week.  0, or -1 when it is not that.
 */
static int parse_timeout(const char *s, uint32_t *ms)
{
	unsigned long long v = 0;
	int frac = -1;
	const char *p;

	if (!*s)
		return -1;
	for (p = s; *p; p++) {
		if (*p == '.' && frac < 0 && p != s && p[1]) {
			frac = 0;
			continue;
		}
		if (*p < '0' || *p > '9' || frac == 3 || v > RUN_EXEC_TIMEOUT_MAX)
			return -1;
		v = v * 10 + (unsigned long long)(*p - '0');
		if (frac >= 0)
			frac++;
	}
	for (frac = frac < 0 ? 0 : frac; frac < 3; frac++)
		v *= 10;
	if (!v || v > RUN_EXEC_TIMEOUT_MAX)
		return -1;
	*ms = (uint32_t)v;
	return 0;
}

/* One pass of options, up to the first operand (NAME, or COMMAND). */
static int parse_opts(struct cli *c, int argc, char **argv,
		      struct exec_opts *o, unsigned int *seen)
{
	static const struct option lo[] = {
		{ "env", required_argument, NULL, 'e' },
		{ "workdir", required_argument, NULL, 'w' },
		{ "user", required_argument, NULL, 'u' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	char q[64];
	int opt;

	while ((opt = cli_getopt(c, argc, argv, "+e:w:u:", lo, seen)) != -1) {
		seen['e'] = 0;	/* -e may be given many times */
		switch (opt) {
		case 'e':
			if (push_env(o, optarg))
				return EXIT_EXEC_FAIL;
			break;
		case 'w':
			if (optarg[0] != '/') {
				cohort_quote(optarg, q, sizeof(q));
				cli_err("%s: -w '%s': the directory must be an absolute path",
					c->cmd, q);
				return EXIT_EXEC_FAIL;
			}
			o->workdir = optarg;
			break;
		case 'u':
			o->user = optarg;
			break;
		case 'T':
			if (parse_timeout(optarg, &o->timeout_ms)) {
				cohort_quote(optarg, q, sizeof(q));
				cli_err("%s: --timeout '%s': want seconds, more than 0 and at most %u (up to 3 decimals)",
					c->cmd, q, RUN_EXEC_TIMEOUT_MAX / 1000);
				return EXIT_EXEC_FAIL;
			}
			o->timeout_text = optarg;
			break;
		case -2:
			return -1;	/* --help */
		default:
			return EXIT_EXEC_FAIL;
		}
	}
	return 0;
}

/* Our end of the connection; a negative exit status after saying why. */
static int connect_to(struct cli *c, const char *name)
{
	char state[64];
	__u64 cid;
	int ret;

	ret = sysfs_instance_check(c, name);
	if (ret)
		return -EXIT_EXEC_FAIL;
	ret = sysfs_inst_read(c, name, "state", state, sizeof(state));
	if (ret < 0) {
		cli_err("%s %s: cannot read its state: %s", c->cmd, name,
			strerror(-ret));
		return -EXIT_EXEC_FAIL;
	}
	if (strcmp(state, COHORT_STATE_RUNNING)) {
		cli_err("%s: %s is not running (state %s)", c->cmd, name, state);
		return -EXIT_EXEC_FAIL;
	}
	ret = sysfs_inst_u64(c, name, "cid", &cid);
	if (ret < 0 || cid > 0xffffffffULL) {
		cli_err("%s %s: cannot read its vsock CID", c->cmd, name);
		return -EXIT_EXEC_FAIL;
	}
	ret = cohort_vsock_connect_priv((unsigned int)cid, RUN_EXEC_PORT,
					RUN_EXEC_IO_TIMEOUT_S);
	if (ret >= 0)
		return ret;
	if (ret == -EPERM)
		cli_err("%s: %s hears only a privileged port of the primary: run cohort exec as root",
			c->cmd, name);
	else if (ret == -ECONNREFUSED || ret == -ECONNRESET)
		cli_err("%s: %s does not answer on vsock port %u (its init is not Cohort's, or it is still booting)",
			c->cmd, name, RUN_EXEC_PORT);
	else
		cli_err("%s: cannot connect to %s on vsock port %u: %s",
			c->cmd, name, RUN_EXEC_PORT, strerror(-ret));
	return -EXIT_EXEC_FAIL;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* The command's status from its exit frame, after saying what needs saying. */
static int exit_status(struct cli *c, const char *name,
		       const struct exec_opts *o,
		       const struct run_exec_frame *f, const char *msg)
{
	switch (f->how) {
	case RUN_EXEC_EXITED:
	case RUN_EXEC_KILLED:
		return (int)f->status;
	case RUN_EXEC_TIMEDOUT:
		cli_err("%s: %s: the command ran longer than --timeout %s s: killed",
			c->cmd, name, o->timeout_text);
		return EXIT_EXEC_TIMEOUT;
	case RUN_EXEC_NOTRUN:
		cli_err("%s: %s: %s", c->cmd, name,
			msg[0] ? msg : "the command could not be run");
		return (int)f->status;
	case RUN_EXEC_REFUSED:
		cli_err("%s: %s refused the command: %s", c->cmd, name,
			msg[0] ? msg : "no reason given");
		return EXIT_EXEC_FAIL;
	}
	return EXIT_EXEC_FAIL;
}

/* Copies the answer out until its exit frame; the exit status. */
static int follow(struct cli *c, const char *name, int fd,
		  const struct exec_opts *o)
{
	static struct run_exec_dec dec;
	static unsigned char buf[RUN_EXEC_CHUNK_MAX];
	char err[RUN_ERR_MAX], msg[RUN_EXEC_MSG_MAX + 1] = "";
	/* the instance kills the command at the timeout; then it answers */
	long long until = o->timeout_ms ?
			  now_ms() + o->timeout_ms + RUN_EXEC_IO_TIMEOUT_S * 1000LL : -1;
	struct run_exec_frame f;
	bool got_any = false;

	run_exec_dec_init(&dec);
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		long long left = until < 0 ? -1 : until - now_ms();
		size_t off = 0, used;
		ssize_t n;
		int r;

		if (until >= 0 && left <= 0) {
			cli_err("%s: %s did not say how the command ended within %d s of --timeout %s",
				c->cmd, name, RUN_EXEC_IO_TIMEOUT_S, o->timeout_text);
			return EXIT_EXEC_FAIL;
		}
		if (poll(&p, 1, (int)left) < 0 && errno != EINTR)
			goto read_err;
		if (!p.revents)
			continue;
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			goto read_err;
		if (!n) {
			if (!got_any) {
				cli_err("%s: %s closed the connection without an answer (its exec server hears only root of the primary)",
					c->cmd, name);
				return EXIT_EXEC_FAIL;
			}
			run_exec_dec_end(&dec, err, sizeof(err));
			cli_err("%s: %s: %s (did the instance stop?)", c->cmd,
				name, err);
			return EXIT_EXEC_FAIL;
		}
		got_any = true;
		while (off < (size_t)n) {
			r = run_exec_dec_feed(&dec, buf + off, (size_t)n - off,
					      &used, &f, err, sizeof(err));
			off += used;
			if (r < 0)
				goto bad;
			if (!r)
				break;
			if (f.type == RUN_EXEC_OUT || f.type == RUN_EXEC_ERR) {
				int out = f.type == RUN_EXEC_OUT ? STDOUT_FILENO :
					  STDERR_FILENO;

				if (cohort_write_all(out, f.data, f.len) < 0) {
					cli_err("%s: writing the command's %s: %s",
						c->cmd, out == STDOUT_FILENO ?
						"stdout" : "stderr",
						strerror(errno));
					return EXIT_EXEC_FAIL;
				}
			} else if (f.type == RUN_EXEC_MSG) {
				memcpy(msg, f.text, sizeof(msg));
			} else {
				/* a byte after it is an error: look once more */
				if (off < (size_t)n) {
					snprintf(err, sizeof(err), "bytes after the exit frame");
					goto bad;
				}
				return exit_status(c, name, o, &f, msg);
			}
		}
	}
bad:
	cli_err("%s: %s answered what is not an exec server's answer: %s",
		c->cmd, name, err);
	return EXIT_EXEC_FAIL;
read_err:
	if (errno == ECONNRESET && !got_any)
		cli_err("%s: %s closed the connection without an answer (its exec server hears only root of the primary)",
			c->cmd, name);
	else
		cli_err("%s: reading %s's answer: %s", c->cmd, name,
			strerror(errno));
	return EXIT_EXEC_FAIL;
}

static void free_opts(struct exec_opts *o)
{
	for (size_t i = 0; i < o->nenv; i++)
		free(o->env[i]);
	free(o->env);
}

/**
 * cmd_exec() - "cohort exec [OPTIONS] NAME [--] COMMAND [ARG...]"
 * @c: the invocation
 * @argc: arguments of the command
 * @argv: the arguments
 *
 * Return: the command's exit status; 124 when --timeout killed it; 125
 * for cohort exec's own failures (usage errors included, as docker's),
 * 126 when the command could not be run, 127 when it was not found.
 */
int cmd_exec(struct cli *c, int argc, char **argv)
{
	unsigned int seen[256] = { 0 };
	char err[RUN_ERR_MAX], *req = NULL, q[64];
	struct exec_opts o = { 0 };
	struct run_exec_req r;
	const char *name;
	size_t len;
	int ret, fd;

	ret = parse_opts(c, argc, argv, &o, seen);
	if (ret)
		goto out;
	if (optind >= argc) {
		cli_usage_err(c, "missing the instance NAME");
		ret = EXIT_EXEC_FAIL;
		goto out;
	}
	name = argv[optind];
	if (cohort_check_name_of(name, "instance", err, sizeof(err))) {
		cli_err("%s: %s", c->cmd, err);
		ret = EXIT_EXEC_FAIL;
		goto out;
	}
	/* options may follow NAME too, unless "--" came before it */
	if (strcmp(argv[optind - 1], "--") || optind == 1) {
		optind++;
		ret = parse_opts(c, argc, argv, &o, seen);
		if (ret)
			goto out;
	} else {
		optind++;
	}
	if (optind >= argc) {
		cli_usage_err(c, "missing the COMMAND to run in %s", name);
		ret = EXIT_EXEC_FAIL;
		goto out;
	}
	r = (struct run_exec_req){
		.args = argv + optind, .env = o.env, .cwd = (char *)o.workdir,
		.user = (char *)o.user, .timeout_ms = o.timeout_ms,
	};
	if (run_exec_req_encode(&r, &req, &len, err, sizeof(err))) {
		cli_err("%s: %s", c->cmd, err);
		ret = EXIT_EXEC_FAIL;
		goto out;
	}
	fd = connect_to(c, name);
	if (fd < 0) {
		ret = -fd;
		goto out;
	}
	if (cohort_write_all(fd, req, len) < 0) {
		cohort_quote(name, q, sizeof(q));
		cli_err("%s: sending the command to %s: %s", c->cmd, q,
			strerror(errno));
		ret = EXIT_EXEC_FAIL;
	} else {
		ret = follow(c, name, fd, &o);
	}
	close(fd);
out:
	free(req);
	free_opts(&o);
	return ret < 0 ? EXIT_OK : ret;
}
