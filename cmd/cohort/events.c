// SPDX-License-Identifier: GPL-2.0
/*
 * cohort(8): "cohort events [-j] [-f] [--since SECONDS] [NAME]": what
 * cohortd did, from its events file (lib/cohort/daemon.h),
 * $COHORT_STATE_DIR/events.jsonl, one JSON object a line, printed as a
 * table: TIME (local, "2025-06-01 12:00:00.250"), INSTANCE, EVENT, REASON
 * and DETAIL, or with -j as they are.
 *
 * Every line is untrusted: one that is no JSON object with a "time"
 * number and an "event" string, or longer than COHORTD_EVENT_LINE_MAX,
 * is skipped and counted; the count is reported at the end.  With -f the
 * file is polled every 200 ms, as tail -F does: new lines are printed as
 * they come, a truncated file is read again from its start and a
 * replaced one (rotated, or made after cohort started) is opened anew,
 * until SIGINT or SIGTERM.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cohort.h"
#include "cohort/daemon.h"
#include "cohort/parse.h"

#define POLL_NS		(200 * 1000 * 1000L)
#define CHUNK		65536

enum { C_TIME, C_INSTANCE, C_EVENT, C_REASON, C_DETAIL, NR_COLS };

/* The widest cells of the names cohortd writes, for a steady table. */
static const int min_width[NR_COLS] = { 23, 8, 15, 13, 0 };

/* What is printed, and how. */
struct ev_show {
	struct cli *c;
	const char *name;	/* only this instance's events, or NULL */
	bool since;		/* only events from @cutoff on */
	double cutoff;		/* seconds since the epoch */
	bool follow;
	struct json_object *batch;	/* events not printed yet */
	int w[NR_COLS];		/* the table's columns */
};

/* Where the events file is read. */
struct ev_file {
	char path[4096];
	int fd;			/* -1: not open (absent) */
	dev_t dev;
	ino_t ino;
	off_t pos;		/* bytes read from @fd */
	char line[COHORTD_EVENT_LINE_MAX + 1];	/* the line being read */
	size_t len;
	bool too_long;		/* skip to the end of this line */
	unsigned long bad;	/* malformed lines */
};

static volatile sig_atomic_t stopping;

static void on_signal(int sig)
{
	stopping = 1;
}

/* A string member that may be absent: false when present but no string. */
static bool opt_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	return !json_object_object_get_ex(o, key, &v) ||
	       json_object_is_type(v, json_type_string);
}

/* One line: the event object, or NULL when it is malformed. */
static struct json_object *event_parse(const char *line, size_t len)
{
	struct json_object *o;
	const char *why;
	double t;

	o = daemon_parse(line, len, &why);
	if (!o)
		return NULL;
	if (!daemon_time(o, "time", &t) || !daemon_str(o, "event") ||
	    !opt_str(o, "instance") || !opt_str(o, "reason") ||
	    !opt_str(o, "detail")) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

/* A complete line of the file: counted, or kept in the batch if wanted. */
static void take_line(struct ev_show *s, struct ev_file *f, const char *line,
		      size_t len)
{
	struct json_object *o;
	const char *inst;
	size_t i;
	double t;

	for (i = 0; i < len; i++)
		if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
			break;
	if (i == len)
		return;		/* a blank line: nothing to say */
	o = event_parse(line, len);
	if (!o) {
		f->bad++;
		return;
	}
	inst = daemon_str(o, "instance");
	daemon_time(o, "time", &t);
	if ((s->name && (!inst || strcmp(inst, s->name))) ||
	    (s->since && t < s->cutoff)) {
		json_object_put(o);
		return;
	}
	json_object_array_add(s->batch, o);
}

/* Bytes read from the file, split into lines. */
static void take_bytes(struct ev_show *s, struct ev_file *f, const char *p,
		       size_t n)
{
	const char *nl;
	size_t k;

	while (n) {
		nl = memchr(p, '\n', n);
		k = nl ? (size_t)(nl - p) : n;
		if (!f->too_long && f->len + k > COHORTD_EVENT_LINE_MAX)
			f->too_long = true;
		if (!f->too_long) {
			memcpy(f->line + f->len, p, k);
			f->len += k;
		}
		if (!nl)
			return;
		if (f->too_long)
			f->bad++;
		else
			take_line(s, f, f->line, f->len);
		f->len = 0;
		f->too_long = false;
		p += k + 1;
		n -= k + 1;
	}
}

/* A last line without its newline, taken as it is. */
static void take_rest(struct ev_show *s, struct ev_file *f)
{
	if (f->too_long)
		f->bad++;
	else if (f->len)
		take_line(s, f, f->line, f->len);
	f->len = 0;
	f->too_long = false;
}

/*
 * Opens the file if it is not open: 0 (also when it does not exist:
 * f->fd stays -1), or an exit status after a message.
 */
static int ev_open(struct ev_show *s, struct ev_file *f)
{
	struct stat st;
	char q[256];

	if (f->fd >= 0)
		return EXIT_OK;
	f->fd = open(f->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (f->fd < 0) {
		if (errno == ENOENT)
			return EXIT_OK;
		cohort_quote(f->path, q, sizeof(q));
		cli_err("%s: cannot open %s: %s", s->c->cmd, q,
			strerror(errno));
		return EXIT_FAIL;
	}
	if (fstat(f->fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		cohort_quote(f->path, q, sizeof(q));
		cli_err("%s: %s is not a regular file", s->c->cmd, q);
		close(f->fd);
		f->fd = -1;
		return EXIT_FAIL;
	}
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	f->pos = 0;
	f->len = 0;
	f->too_long = false;
	return EXIT_OK;
}

/* Reads what the file holds past f->pos: 0, or an exit status. */
static int ev_read(struct ev_show *s, struct ev_file *f)
{
	char *buf, q[256];
	ssize_t n;

	if (f->fd < 0)
		return EXIT_OK;
	buf = malloc(CHUNK);
	if (!buf) {
		cli_err("%s: out of memory", s->c->cmd);
		return EXIT_FAIL;
	}
	while ((n = read(f->fd, buf, CHUNK)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			cohort_quote(f->path, q, sizeof(q));
			cli_err("%s: cannot read %s: %s", s->c->cmd, q,
				strerror(errno));
			free(buf);
			return EXIT_FAIL;
		}
		f->pos += n;
		take_bytes(s, f, buf, (size_t)n);
	}
	free(buf);
	return EXIT_OK;
}

/*
 * -f: after reading to the end, notices a file cut short (read again
 * from its start) or replaced or removed (closed: the next poll opens
 * the new one).
 */
static void ev_check(struct ev_show *s, struct ev_file *f)
{
	struct stat st, now;
	char q[256];

	if (f->fd < 0 || fstat(f->fd, &st) < 0)
		return;
	cohort_quote(f->path, q, sizeof(q));
	if (stat(f->path, &now) < 0 || now.st_dev != f->dev ||
	    now.st_ino != f->ino) {
		take_rest(s, f);
		close(f->fd);
		f->fd = -1;
		return;
	}
	if (st.st_size < f->pos) {
		cli_warn("%s: %s was truncated; reading it from its start",
			 s->c->cmd, q);
		lseek(f->fd, 0, SEEK_SET);
		f->pos = 0;
		f->len = 0;
		f->too_long = false;
	}
}

/* The cells of an event; "-" for what is empty or absent. */
static void event_cells(struct json_object *o,
			char cell[NR_COLS][COHORTD_EVENT_LINE_MAX])
{
	static const char *const keys[NR_COLS] = {
		NULL, "instance", "event", "reason", "detail"
	};
	const char *v;
	double t = 0;
	int k;

	daemon_time(o, "time", &t);
	daemon_time_text(t, true, cell[C_TIME], COHORTD_EVENT_LINE_MAX);
	for (k = C_INSTANCE; k < NR_COLS; k++) {
		v = daemon_str(o, keys[k]);
		daemon_safe(v && *v ? v : "-", cell[k], COHORTD_EVENT_LINE_MAX);
	}
}

static void cols_of(char cell[NR_COLS][COHORTD_EVENT_LINE_MAX],
		    const char **col)
{
	int k;

	for (k = 0; k < NR_COLS; k++)
		col[k] = cell[k];
}

/*
 * Prints the batch and empties it.  @first: the events the file held at
 * the start; the table's widths are measured on them, and the header
 * (or, with -j and without -f, the whole array) printed.
 */
static int print_batch(struct ev_show *s, bool first)
{
	static const char *const head[NR_COLS] = {
		"TIME", "INSTANCE", "EVENT", "REASON", "DETAIL"
	};
	size_t n = json_object_array_length(s->batch), i;
	char (*cell)[COHORTD_EVENT_LINE_MAX];
	const char *col[NR_COLS];

	if (s->c->json && !s->follow) {
		cli_json_print(s->c, s->batch);
	} else if (s->c->json) {
		/* following: one object a line, as they come */
		for (i = 0; i < n; i++)
			cli_json_print(s->c,
				       json_object_array_get_idx(s->batch, i));
	} else {
		cell = malloc(NR_COLS * sizeof(*cell));
		if (!cell) {
			cli_err("%s: out of memory", s->c->cmd);
			return EXIT_FAIL;
		}
		if (first) {
			memcpy(s->w, min_width, sizeof(s->w));
			table_widen(s->w, head, NR_COLS);
			for (i = 0; i < n; i++) {
				event_cells(json_object_array_get_idx(
						    s->batch, i), cell);
				cols_of(cell, col);
				table_widen(s->w, col, NR_COLS);
			}
			table_row(s->w, head, NR_COLS, "lllll");
		}
		for (i = 0; i < n; i++) {
			event_cells(json_object_array_get_idx(s->batch, i),
				    cell);
			cols_of(cell, col);
			table_row(s->w, col, NR_COLS, "lllll");
		}
		free(cell);
	}
	fflush(stdout);
	json_object_put(s->batch);
	s->batch = json_object_new_array();
	return s->batch ? EXIT_OK : EXIT_FAIL;
}

/* -f: polls the file until SIGINT or SIGTERM. */
static int follow(struct ev_show *s, struct ev_file *f)
{
	struct timespec poll = { 0, POLL_NS };
	struct sigaction sa;
	int ret = EXIT_OK;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	while (!stopping && !ret) {
		nanosleep(&poll, NULL);
		if (stopping)
			break;
		ret = ev_open(s, f);
		if (!ret)
			ret = ev_read(s, f);
		if (!ret)
			ev_check(s, f);
		/* replaced: the new file at once */
		if (!ret && f->fd < 0)
			ret = ev_open(s, f);
		if (!ret)
			ret = ev_read(s, f);
		if (!ret)
			ret = print_batch(s, false);
	}
	return ret;
}

/* --since SECONDS: the cutoff. */
static int parse_since(struct ev_show *s, const char *arg)
{
	char err[COHORT_ERR_MAX];
	struct timespec now;
	__u32 sec;

	if (cohort_parse_uint(arg, "--since", "seconds", 0, UINT32_MAX, &sec,
			      err, sizeof(err)))
		return cli_usage_err(s->c, "%s", err);
	clock_gettime(CLOCK_REALTIME, &now);
	s->since = true;
	s->cutoff = (double)now.tv_sec + now.tv_nsec / 1e9 - sec;
	return EXIT_OK;
}

/**
 * cmd_events() - "cohort events [-j] [-f] [--since SECONDS] [NAME]"
 * @c: the invocation
 * @argc: arguments of the command
 * @argv: the arguments
 *
 * Return: EXIT_OK (also without an events file: nothing to show, and
 * after malformed lines, which are counted on stderr); EXIT_FAIL when
 * the file cannot be read; EXIT_USAGE.
 */
int cmd_events(struct cli *c, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "follow", no_argument, NULL, 'f' },
		{ "since", required_argument, NULL, 'S' },
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	unsigned int seen[256] = { 0 };
	struct ev_show s = { .c = c };
	struct ev_file *f;
	char q[256];
	int opt, ret;

	while ((opt = cli_getopt(c, argc, argv, "fjp", lo, seen)) != -1) {
		if (cli_json_opt(c, opt))
			continue;
		switch (opt) {
		case 'f':
			s.follow = true;
			break;
		case 'S':
			ret = parse_since(&s, optarg);
			if (ret)
				return ret;
			break;
		default:
			return opt == -2 ? EXIT_OK : EXIT_USAGE;
		}
	}
	if (optind < argc) {
		ret = cli_name_arg(c, argc, argv, &s.name);
		if (ret)
			return ret;
	}

	f = calloc(1, sizeof(*f));
	s.batch = json_object_new_array();
	if (!f || !s.batch) {
		free(f);
		json_object_put(s.batch);
		cli_err("%s: out of memory", c->cmd);
		return EXIT_FAIL;
	}
	f->fd = -1;
	if (snprintf(f->path, sizeof(f->path), "%s/%s", cli_state_dir(),
		     COHORTD_EVENTS_FILE) >= (int)sizeof(f->path)) {
		cli_err("%s: the state directory's path is too long", c->cmd);
		ret = EXIT_FAIL;
		goto out;
	}
	ret = ev_open(&s, f);
	if (!ret)
		ret = ev_read(&s, f);
	if (!ret && !s.follow)
		take_rest(&s, f);
	if (!ret)
		ret = print_batch(&s, true);
	if (!ret && s.follow)
		ret = follow(&s, f);
	if (f->bad) {
		cohort_quote(f->path, q, sizeof(q));
		cli_warn("%s: %lu malformed line%s in %s skipped", c->cmd,
			 f->bad, f->bad == 1 ? "" : "s", q);
	}
out:
	if (f->fd >= 0)
		close(f->fd);
	free(f);
	json_object_put(s.batch);
	return ret;
}
