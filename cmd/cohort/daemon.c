// SPDX-License-Identifier: GPL-2.0
/*
 * cohort(8): "cohort daemon [status] [-j]": what cohortd, the daemon that
 * keeps the declared instances running, says it is doing (its "status"
 * request, lib/cohort/daemon.h):
 *
 *	cohortd: running, pid 812, since 2025-06-01 12:00:00, config /etc/...
 *	NAME  PHASE    STATE    RESTART     RESTARTS  LAST-FAILURE  NEXT-RESTART  HEALTH       LAST-CHECK
 *	web   running  running  on-failure         1  panic         -             failing 1/3  350ms ago
 *
 * HEALTH is "-" without a check, "waiting" before its first result,
 * "ok", "failing N/T" (N counted failures in a row of the threshold T)
 * or "failing (grace)" while failures do not count yet; the last
 * failure's reason follows the table, and a line for each instance with
 * a warm standby:
 *
 *	web: standby web.standby ready (running), 1 takeover, the last 420 ms after the failure
 *
 * then the errors of a configuration it refused, if any.  With -j, its
 * reply as it came (parsed and printed again).  The reply is untrusted:
 * a member that is missing or of the wrong type shows as "?".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "cohort.h"
#include "cohort/parse.h"

enum {
	C_NAME, C_PHASE, C_STATE, C_RESTART, C_RESTARTS, C_FAILURE, C_NEXT,
	C_HEALTH, C_CHECKED, NR_COLS
};

/* Cells hold names, phases and failure reasons: short words. */
#define CELL_MAX	128

struct row {
	char cell[NR_COLS][CELL_MAX];
};

/* A string member for a cell: "?" missing or not a string, "-" empty. */
static void cell_str(struct json_object *o, const char *key, char *buf)
{
	const char *s = daemon_str(o, key);

	if (!s)
		snprintf(buf, CELL_MAX, "?");
	else if (!*s)
		snprintf(buf, CELL_MAX, "-");
	else
		daemon_safe(s, buf, CELL_MAX);
}

/* HEALTH and LAST-CHECK of an instance's "health" (null: no check). */
static void health_cells(struct json_object *o, struct row *r)
{
	char age[COHORT_AGE_STR_MAX];
	struct json_object *h, *c;
	const char *res;
	long long fails, thr;
	struct timespec ts;
	double t, now;
	bool counting = true;

	snprintf(r->cell[C_HEALTH], CELL_MAX, "-");
	snprintf(r->cell[C_CHECKED], CELL_MAX, "-");
	if (!json_object_object_get_ex(o, "health", &h) || !h)
		return;
	if (!json_object_is_type(h, json_type_object)) {
		snprintf(r->cell[C_HEALTH], CELL_MAX, "?");
		return;
	}
	res = daemon_str(h, "result");
	if (json_object_object_get_ex(h, "counting", &c) &&
	    json_object_is_type(c, json_type_boolean))
		counting = json_object_get_boolean(c);
	if (!res)
		snprintf(r->cell[C_HEALTH], CELL_MAX, "?");
	else if (!strcmp(res, "none"))
		snprintf(r->cell[C_HEALTH], CELL_MAX, "waiting");
	else if (!strcmp(res, "ok"))
		snprintf(r->cell[C_HEALTH], CELL_MAX, "ok");
	else if (!strcmp(res, "failing") && !counting)
		snprintf(r->cell[C_HEALTH], CELL_MAX, "failing (grace)");
	else if (!strcmp(res, "failing") && daemon_int(h, "failures", &fails) &&
		 daemon_int(h, "threshold", &thr) && fails >= 0 && thr > 0)
		snprintf(r->cell[C_HEALTH], CELL_MAX, "failing %lld/%lld",
			 fails, thr);
	else
		snprintf(r->cell[C_HEALTH], CELL_MAX, "?");
	if (daemon_time(h, "last_check", &t) && t > 0) {
		clock_gettime(CLOCK_REALTIME, &ts);
		now = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
		cohort_format_age_ms(now > t ? (__u64)((now - t) * 1000) : 0,
				     age, sizeof(age));
		snprintf(r->cell[C_CHECKED], CELL_MAX, "%s ago", age);
	}
}

static void row_fill(struct json_object *o, struct row *r)
{
	char age[COHORT_AGE_STR_MAX];
	long long v;

	cell_str(o, "name", r->cell[C_NAME]);
	cell_str(o, "phase", r->cell[C_PHASE]);
	cell_str(o, "state", r->cell[C_STATE]);
	cell_str(o, "restart", r->cell[C_RESTART]);
	if (daemon_int(o, "restarts", &v) && v >= 0)
		snprintf(r->cell[C_RESTARTS], CELL_MAX, "%lld", v);
	else
		snprintf(r->cell[C_RESTARTS], CELL_MAX, "?");
	cell_str(o, "last_failure", r->cell[C_FAILURE]);
	/* milliseconds until the next restart; 0: none planned */
	if (!daemon_int(o, "next_restart_ms", &v) || v < 0) {
		snprintf(r->cell[C_NEXT], CELL_MAX, "?");
	} else if (!v) {
		snprintf(r->cell[C_NEXT], CELL_MAX, "-");
	} else {
		cohort_format_age_ms((__u64)v, age, sizeof(age));
		snprintf(r->cell[C_NEXT], CELL_MAX, "in %s", age);
	}
	health_cells(o, r);
}

static void row_cols(const struct row *r, const char **col)
{
	int k;

	for (k = 0; k < NR_COLS; k++)
		col[k] = r->cell[k];
}

/* "cohortd: running, pid N, since TIME, config DIR" */
static void print_summary(struct json_object *r)
{
	char when[DAEMON_TIME_MAX], dir[1024];
	const char *s;
	long long pid;
	double t;

	if (daemon_time(r, "started", &t))
		daemon_time_text(t, false, when, sizeof(when));
	else
		snprintf(when, sizeof(when), "?");
	s = daemon_str(r, "config_dir");
	daemon_safe(s ? s : "?", dir, sizeof(dir));
	if (daemon_int(r, "pid", &pid) && pid > 0)
		printf("cohortd: running, pid %lld, since %s, config %s\n", pid,
		       when, dir);
	else
		printf("cohortd: running, pid ?, since %s, config %s\n", when,
		       dir);
}

/* The table of the instances; the number of entries that are no object. */
static size_t print_instances(struct json_object *a)
{
	static const char *const head[NR_COLS] = {
		"NAME", "PHASE", "STATE", "RESTART", "RESTARTS",
		"LAST-FAILURE", "NEXT-RESTART", "HEALTH", "LAST-CHECK"
	};
	static const char align[] = "llllrllll";
	size_t n = a ? json_object_array_length(a) : 0, i, bad = 0;
	const char *col[NR_COLS];
	int w[NR_COLS] = { 0 };
	struct row *rows;

	rows = calloc(n ? n : 1, sizeof(*rows));
	if (!rows) {
		cli_err("daemon status: out of memory");
		return 0;
	}
	table_widen(w, head, NR_COLS);
	for (i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(a, i);

		if (!json_object_is_type(o, json_type_object)) {
			bad++;
			continue;
		}
		row_fill(o, &rows[i]);
		row_cols(&rows[i], col);
		table_widen(w, col, NR_COLS);
	}
	table_row(w, head, NR_COLS, align);
	for (i = 0; i < n; i++) {
		if (!json_object_is_type(json_object_array_get_idx(a, i),
					 json_type_object))
			continue;
		row_cols(&rows[i], col);
		table_row(w, col, NR_COLS, align);
	}
	free(rows);
	return bad;
}

/* The strings of array member @key, one a line after @indent, on @f. */
static size_t print_strings(FILE *f, struct json_object *o, const char *key,
			    const char *indent)
{
	struct json_object *a, *e;
	char buf[1024];
	size_t i, n;

	if (!json_object_object_get_ex(o, key, &a) ||
	    !json_object_is_type(a, json_type_array))
		return 0;
	n = json_object_array_length(a);
	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(a, i);
		daemon_safe(json_object_is_type(e, json_type_string) ?
			    json_object_get_string(e) : "?", buf, sizeof(buf));
		fprintf(f, "%s%s\n", indent, buf);
	}
	return n;
}

/* "NAME: health: WHY" for each instance whose last check failed. */
static void print_health_errors(struct json_object *a)
{
	size_t n = a ? json_object_array_length(a) : 0;
	char name[CELL_MAX], why[1024];

	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(a, i), *h;
		const char *res, *err;

		if (!json_object_object_get_ex(o, "health", &h))
			continue;
		res = daemon_str(h, "result");
		err = daemon_str(h, "last_error");
		if (!res || strcmp(res, "failing") || !err || !*err)
			continue;
		cell_str(o, "name", name);
		daemon_safe(err, why, sizeof(why));
		printf("%s: health: %s\n", name, why);
	}
}

/*
 * "NAME: standby NAME.standby ready (running), 1 takeover, the last 420 ms
 * after the failure" for each instance with a standby (standby = yes).
 */
static void print_standbys(struct json_object *a)
{
	size_t n = a ? json_object_array_length(a) : 0;
	char name[CELL_MAX], sb[CELL_MAX], phase[CELL_MAX], state[CELL_MAX];
	char fail[CELL_MAX];

	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(a, i), *b;
		long long nr, ms;

		if (!json_object_object_get_ex(o, "standby", &b) || !b)
			continue;
		cell_str(o, "name", name);
		if (!json_object_is_type(b, json_type_object)) {
			printf("%s: standby ?\n", name);
			continue;
		}
		cell_str(b, "name", sb);
		cell_str(b, "phase", phase);
		cell_str(b, "state", state);
		cell_str(b, "last_failure", fail);
		printf("%s: standby %s %s (%s)", name, sb, phase, state);
		if (daemon_int(b, "takeovers", &nr) && nr >= 0) {
			printf(", %lld takeover%s", nr, nr == 1 ? "" : "s");
			if (nr && daemon_int(b, "last_takeover_ms", &ms) &&
			    ms >= 0)
				printf(", the last %lld ms after the failure",
				       ms);
		}
		if (strcmp(fail, "-"))
			printf(", last failure %s", fail);
		printf("\n");
	}
}

static void print_status(struct cli *c, struct json_object *r)
{
	struct json_object *a = NULL, *e;
	size_t bad;

	print_summary(r);
	if (!json_object_object_get_ex(r, "instances", &a) ||
	    !json_object_is_type(a, json_type_array)) {
		cli_warn("%s: cohortd's reply has no list of instances",
			 c->cmd);
		a = NULL;
	}
	bad = print_instances(a);
	print_health_errors(a);
	print_standbys(a);
	if (bad == 1)
		cli_warn("%s: an entry of cohortd's instances is not an object; not shown",
			 c->cmd);
	else if (bad)
		cli_warn("%s: %zu entries of cohortd's instances are not objects; not shown",
			 c->cmd, bad);
	if (json_object_object_get_ex(r, "config_errors", &e) &&
	    json_object_is_type(e, json_type_array) &&
	    json_object_array_length(e)) {
		printf("config errors (the configuration was refused):\n");
		print_strings(stdout, r, "config_errors", "  ");
	}
}

static int daemon_status(struct cli *c, int argc, char **argv)
{
	char why[512];
	struct json_object *r, *ok;
	int ret;

	/* also when run as plain "cohort daemon" */
	c->cmd = "daemon status";
	ret = cli_info_options(c, argc, argv);
	if (ret)
		return ret < 0 ? EXIT_OK : ret;
	ret = cli_no_args(c, argc, argv);
	if (ret)
		return ret;
	switch (daemon_request(c, "status", &r)) {
	case DAEMON_OK:
		break;
	case DAEMON_ABSENT:
		cli_err("%s: cohortd is not running (%s)", c->cmd,
			daemon_absent_text(why, sizeof(why)));
		return EXIT_NOTFOUND;
	default:
		return EXIT_FAIL;
	}
	/* {"ok": false, "errors": [...]}: it did not take the request */
	if (json_object_object_get_ex(r, "ok", &ok) &&
	    json_object_is_type(ok, json_type_boolean) &&
	    !json_object_get_boolean(ok)) {
		fflush(stdout);
		print_strings(stderr, r, "errors", "cohortd: ");
		cli_err("%s: cohortd refused the status request", c->cmd);
		json_object_put(r);
		return EXIT_FAIL;
	}
	if (c->json)
		cli_json_print(c, r);
	else
		print_status(c, r);
	json_object_put(r);
	return EXIT_OK;
}

static const struct subcommand subs[] = {
	{ "status", "daemon status", daemon_status },
};

/**
 * cmd_daemon() - "cohort daemon [status] [-j]"
 * @c: the invocation
 * @argc: arguments of the command
 * @argv: the arguments
 *
 * Return: EXIT_OK after printing the status; EXIT_NOTFOUND when cohortd
 * is not running; EXIT_FAIL when it gave no usable answer; EXIT_USAGE.
 */
int cmd_daemon(struct cli *c, int argc, char **argv)
{
	return cli_subcommand(c, argc, argv, subs, ARRAY_SIZE(subs));
}
