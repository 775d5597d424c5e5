// SPDX-License-Identifier: GPL-2.0
/*
 * Resource limits (`cohort run --ulimit NAME=SOFT[:HARD]`), as docker run
 * takes them and runc sets them: docker's sixteen names, one limit per
 * resource in a spec, soft never above hard, values from 0 to 2^63 - 1
 * (docker parses them as int64) or unlimited (-1, "unlimited";
 * RUN_RLIM_INFINITY).  When the user gives none, a spec has what runc and
 * umoci put in a generated config.json: RLIMIT_NOFILE 1024:1024.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "internal.h"

static const struct {
	int resource;
	const char *name;	/* docker's --ulimit name */
	const char *type;	/* the OCI runtime-spec's */
} limits[] = {
	{ RLIMIT_CORE, "core", "RLIMIT_CORE" },
	{ RLIMIT_CPU, "cpu", "RLIMIT_CPU" },
	{ RLIMIT_DATA, "data", "RLIMIT_DATA" },
	{ RLIMIT_FSIZE, "fsize", "RLIMIT_FSIZE" },
	{ RLIMIT_LOCKS, "locks", "RLIMIT_LOCKS" },
	{ RLIMIT_MEMLOCK, "memlock", "RLIMIT_MEMLOCK" },
	{ RLIMIT_MSGQUEUE, "msgqueue", "RLIMIT_MSGQUEUE" },
	{ RLIMIT_NICE, "nice", "RLIMIT_NICE" },
	{ RLIMIT_NOFILE, "nofile", "RLIMIT_NOFILE" },
	{ RLIMIT_NPROC, "nproc", "RLIMIT_NPROC" },
	{ RLIMIT_RSS, "rss", "RLIMIT_RSS" },
	{ RLIMIT_RTPRIO, "rtprio", "RLIMIT_RTPRIO" },
	{ RLIMIT_RTTIME, "rttime", "RLIMIT_RTTIME" },
	{ RLIMIT_SIGPENDING, "sigpending", "RLIMIT_SIGPENDING" },
	{ RLIMIT_STACK, "stack", "RLIMIT_STACK" },
	{ RLIMIT_AS, "as", "RLIMIT_AS" },
};

_Static_assert(sizeof(limits) / sizeof(limits[0]) == RUN_MAX_RLIMITS,
	       "one entry per resource");

/**
 * run_rlimit_name() - docker's name of a resource
 * @resource: RLIMIT_NOFILE...
 *
 * Return: "nofile"..., or NULL for a resource --ulimit does not know.
 */
const char *run_rlimit_name(int resource)
{
	size_t i;

	for (i = 0; i < RUN_MAX_RLIMITS; i++)
		if (limits[i].resource == resource)
			return limits[i].name;
	return NULL;
}

/**
 * run_rlimit_type() - the OCI runtime-spec's name of a resource
 * @resource: RLIMIT_NOFILE...
 *
 * Return: "RLIMIT_NOFILE"..., or NULL for an unknown resource.
 */
const char *run_rlimit_type(int resource)
{
	size_t i;

	for (i = 0; i < RUN_MAX_RLIMITS; i++)
		if (limits[i].resource == resource)
			return limits[i].type;
	return NULL;
}

/**
 * run_rlimit_by_type() - the resource an OCI name stands for
 * @type: "RLIMIT_NOFILE"...
 * @len: its length (it need not be NUL-terminated)
 *
 * Return: RLIMIT_NOFILE..., or -1.
 */
int run_rlimit_by_type(const char *type, size_t len)
{
	size_t i;

	for (i = 0; i < RUN_MAX_RLIMITS; i++)
		if (strlen(limits[i].type) == len &&
		    !memcmp(limits[i].type, type, len))
			return limits[i].resource;
	return -1;
}

/**
 * run_rlimit_format() - a limit as text
 * @v: the value
 * @buf: where to write it
 * @len: bytes at @buf (RUN_RLIM_TEXT_MAX is enough)
 *
 * Return: @buf, holding "unlimited" or the number in decimal.
 */
const char *run_rlimit_format(uint64_t v, char *buf, size_t len)
{
	if (v == RUN_RLIM_INFINITY)
		snprintf(buf, len, "unlimited");
	else
		snprintf(buf, len, "%" PRIu64, v);
	return buf;
}

/**
 * run_rlimit_set() - add a limit, replacing the one of its resource
 * @v: the limits, with room for RUN_MAX_RLIMITS
 * @n: how many @v holds
 * @r: the limit, of a resource run_rlimit_name() knows
 *
 * A limit of a resource already in @v replaces it in place; another one
 * is appended.
 */
void run_rlimit_set(struct run_rlimit *v, size_t *n,
		    const struct run_rlimit *r)
{
	size_t i;

	for (i = 0; i < *n; i++) {
		if (v[i].resource == r->resource) {
			v[i] = *r;
			return;
		}
	}
	if (*n < RUN_MAX_RLIMITS)
		v[(*n)++] = *r;
}

/* "core, cpu, ..., as" */
static void name_list(char *buf, size_t len)
{
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; i < RUN_MAX_RLIMITS && used < len; i++)
		used += snprintf(buf + used, len - used, "%s%s", i ? ", " : "",
				 limits[i].name);
}

/*
 * One value of --ulimit: decimal digits up to RUN_RLIM_MAX, or -1 or
 * "unlimited" for RUN_RLIM_INFINITY.
 */
static int parse_value(const char *arg, const char *s, size_t n,
		       const char *what, uint64_t *out, char *err,
		       size_t errlen)
{
	uint64_t v = 0;
	size_t i;

	if (!n) {
		cohort_seterr(err, errlen, "--ulimit '%.64s': the %s limit is empty",
			arg, what);
		return -1;
	}
	if ((n == 2 && !memcmp(s, "-1", 2)) ||
	    (n == 9 && !memcmp(s, "unlimited", 9))) {
		*out = RUN_RLIM_INFINITY;
		return 0;
	}
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9') {
			cohort_seterr(err, errlen,
				"--ulimit '%.64s': the %s limit '%.*s' is not a number, -1 or unlimited",
				arg, what, (int)(n > 32 ? 32 : n), s);
			return -1;
		}
		if (v > (RUN_RLIM_MAX - (uint64_t)(s[i] - '0')) / 10) {
			cohort_seterr(err, errlen,
				"--ulimit '%.64s': the %s limit is above %" PRIu64 " (-1 or unlimited: no limit)",
				arg, what, (uint64_t)RUN_RLIM_MAX);
			return -1;
		}
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return 0;
}

/**
 * run_ulimit_parse() - read one --ulimit NAME=SOFT[:HARD] into a list
 * @arg: the option's argument, e.g. "nofile=1024:4096", "core=-1",
 *	"nproc=unlimited"
 * @v: the limits so far, with room for RUN_MAX_RLIMITS
 *	(struct run_overrides' rlimits)
 * @n: how many @v holds
 * @err: message on failure
 * @errlen: bytes at @err
 *
 * NAME is one of docker's (core, cpu, data, fsize, locks, memlock,
 * msgqueue, nice, nofile, nproc, rss, rtprio, rttime, sigpending, stack,
 * as); SOFT and HARD are decimal numbers up to RUN_RLIM_MAX, or -1 or
 * "unlimited"; HARD defaults to SOFT; SOFT must not be above HARD.  A
 * NAME already in @v is replaced (a later --ulimit wins), another one
 * appended.
 *
 * Return: 0, or -1 (@v and @n are left as they were).
 */
int run_ulimit_parse(const char *arg, struct run_rlimit *v, size_t *n,
		     char *err, size_t errlen)
{
	const char *eq = strchr(arg, '='), *soft, *colon;
	char names[256], a[RUN_RLIM_TEXT_MAX], b[RUN_RLIM_TEXT_MAX];
	struct run_rlimit r;
	size_t i;

	if (!eq) {
		cohort_seterr(err, errlen,
			"--ulimit '%.64s': want NAME=SOFT[:HARD], e.g. nofile=1024:4096",
			arg);
		return -1;
	}
	for (i = 0; i < RUN_MAX_RLIMITS; i++)
		if (strlen(limits[i].name) == (size_t)(eq - arg) &&
		    !memcmp(limits[i].name, arg, eq - arg))
			break;
	if (i == RUN_MAX_RLIMITS) {
		name_list(names, sizeof(names));
		cohort_seterr(err, errlen, "--ulimit '%.64s': unknown limit '%.*s' (one of %s)",
			arg, (int)(eq - arg > 32 ? 32 : eq - arg), arg, names);
		return -1;
	}
	r.resource = limits[i].resource;
	soft = eq + 1;
	colon = strchr(soft, ':');
	if (colon && strchr(colon + 1, ':')) {
		cohort_seterr(err, errlen,
			"--ulimit '%.64s': want NAME=SOFT[:HARD], not more than two values",
			arg);
		return -1;
	}
	if (parse_value(arg, soft, colon ? (size_t)(colon - soft) : strlen(soft),
			"soft", &r.soft, err, errlen))
		return -1;
	r.hard = r.soft;
	if (colon && parse_value(arg, colon + 1, strlen(colon + 1), "hard",
				 &r.hard, err, errlen))
		return -1;
	if (r.soft > r.hard) {
		cohort_seterr(err, errlen,
			"--ulimit '%.64s': the soft limit %s is above the hard limit %s",
			arg, run_rlimit_format(r.soft, a, sizeof(a)),
			run_rlimit_format(r.hard, b, sizeof(b)));
		return -1;
	}
	run_rlimit_set(v, n, &r);
	return 0;
}

/**
 * run_rlimits_check() - check the limits of a spec
 * @v: the limits
 * @n: how many
 * @err: message on failure
 * @errlen: bytes at @err
 *
 * At most RUN_MAX_RLIMITS, each of a known resource and at most once,
 * values up to RUN_RLIM_MAX or RUN_RLIM_INFINITY, soft not above hard.
 *
 * Return: 0, or -1.
 */
int run_rlimits_check(const struct run_rlimit *v, size_t n, char *err,
		      size_t errlen)
{
	char a[RUN_RLIM_TEXT_MAX], b[RUN_RLIM_TEXT_MAX];
	const char *name;
	size_t i, j;

	if (n > RUN_MAX_RLIMITS) {
		cohort_seterr(err, errlen, "%zu rlimits: at most %d are allowed",
			n, RUN_MAX_RLIMITS);
		return -1;
	}
	for (i = 0; i < n; i++) {
		name = run_rlimit_name(v[i].resource);
		if (!name) {
			cohort_seterr(err, errlen, "rlimit %zu: unknown resource %d",
				i + 1, v[i].resource);
			return -1;
		}
		if ((v[i].soft > RUN_RLIM_MAX && v[i].soft != RUN_RLIM_INFINITY) ||
		    (v[i].hard > RUN_RLIM_MAX && v[i].hard != RUN_RLIM_INFINITY)) {
			cohort_seterr(err, errlen,
				"rlimit %s: a limit is above %" PRIu64 " and not %" PRIu64 " (unlimited)",
				name, (uint64_t)RUN_RLIM_MAX, RUN_RLIM_INFINITY);
			return -1;
		}
		if (v[i].soft > v[i].hard) {
			cohort_seterr(err, errlen,
				"rlimit %s: the soft limit %s is above the hard limit %s",
				name, run_rlimit_format(v[i].soft, a, sizeof(a)),
				run_rlimit_format(v[i].hard, b, sizeof(b)));
			return -1;
		}
		for (j = 0; j < i; j++) {
			if (v[j].resource == v[i].resource) {
				cohort_seterr(err, errlen, "rlimit %s is set twice", name);
				return -1;
			}
		}
	}
	return 0;
}

/**
 * run_rlimits_make() - the limits of a spec: the default, then --ulimit
 * @o: the user's options
 * @spec: the spec being made
 * @err: message on failure
 * @errlen: bytes at @err
 *
 * RLIMIT_NOFILE RUN_NOFILE_DEFAULT:RUN_NOFILE_DEFAULT, then each of
 * @o's limits in order, replacing the one of its resource.  Their values
 * are checked by run_spec_check().
 *
 * Return: 0, or -1.
 */
int run_rlimits_make(const struct run_overrides *o, struct run_spec *spec,
		     char *err, size_t errlen)
{
	static const struct run_rlimit nofile = {
		RLIMIT_NOFILE, RUN_NOFILE_DEFAULT, RUN_NOFILE_DEFAULT
	};
	size_t i;

	if (o->nr_rlimits > RUN_MAX_RLIMITS) {
		cohort_seterr(err, errlen, "%zu --ulimit values: at most %d are allowed",
			o->nr_rlimits, RUN_MAX_RLIMITS);
		return -1;
	}
	spec->nr_rlimits = 0;
	run_rlimit_set(spec->rlimits, &spec->nr_rlimits, &nofile);
	for (i = 0; i < o->nr_rlimits; i++) {
		if (!run_rlimit_name(o->rlimits[i].resource)) {
			cohort_seterr(err, errlen, "--ulimit: unknown resource %d",
				o->rlimits[i].resource);
			return -1;
		}
		run_rlimit_set(spec->rlimits, &spec->nr_rlimits, &o->rlimits[i]);
	}
	return 0;
}
