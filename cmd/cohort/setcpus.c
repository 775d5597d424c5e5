// SPDX-License-Identifier: GPL-2.0
/*
 * cohort(8): the CPU part of "cohort set NAME --cpus [+|-]LIST [--force]"
 * (set.c): change the CPUs of an instance (COHORT_IOC_SET_CPUS).
 *
 * LIST is the whole new set; +LIST adds to the CPUs it has, -LIST takes
 * those away.  The result is checked as "cohort create --cpus" checks a
 * set (present, not CPU 0, SMT siblings kept together unless --force)
 * before the kernel checks it again and, for a running instance, moves
 * the CPUs one at a time.
 */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "cohort.h"
#include "cohort/parse.h"
#include "place.h"
#include "set.h"

/* "CPUs 1-3" or "no CPUs", into @buf. */
static const char *cpus_text(const __u64 *cpus, char *buf, size_t len)
{
	char list[1024];

	if (!cohort_cpulist_weight(cpus, COHORT_MAX_CPUS))
		return "none";
	cohort_format_cpulist(cpus, COHORT_MAX_CPUS, list, sizeof(list));
	snprintf(buf, len, "%s", list);
	return buf;
}

/* What was added and what was taken away, as CPU lists. */
static void diff(const struct set_cpus *s, __u64 *added, __u64 *removed)
{
	unsigned int i;

	for (i = 0; i < COHORT_CPU_WORDS; i++) {
		added[i] = s->req.cpus[i] & ~s->before[i];
		removed[i] = s->before[i] & ~s->req.cpus[i];
	}
}

/**
 * set_cpus_json() - the report of a CPU change, as keys of @o:
 *	cpus_before, cpus, added, removed (CPU lists)
 * @o: the object
 * @s: the change
 */
void set_cpus_json(struct json_object *o, const struct set_cpus *s)
{
	__u64 added[COHORT_CPU_WORDS], removed[COHORT_CPU_WORDS];
	char a[1100], b[1100], d[1100], e[1100];

	diff(s, added, removed);
	json_object_object_add(o, "cpus_before",
		json_object_new_string(cpus_text(s->before, a, sizeof(a))));
	json_object_object_add(o, "cpus",
		json_object_new_string(cpus_text(s->req.cpus, b, sizeof(b))));
	json_object_object_add(o, "added",
		json_object_new_string(cpus_text(added, d, sizeof(d))));
	json_object_object_add(o, "removed",
		json_object_new_string(cpus_text(removed, e, sizeof(e))));
}

/**
 * set_cpus_print() - the report of a CPU change, as a line
 * @name: the instance
 * @dry: it was a dry run
 * @s: the change
 */
void set_cpus_print(const char *name, bool dry, const struct set_cpus *s)
{
	__u64 added[COHORT_CPU_WORDS], removed[COHORT_CPU_WORDS];
	char a[1100], b[1100], d[1100], e[1100];

	diff(s, added, removed);
	printf("%s %s: CPUs %s -> %s (added: %s; removed: %s)\n",
	       dry ? "would set" : "set", name,
	       cpus_text(s->before, a, sizeof(a)),
	       cpus_text(s->req.cpus, b, sizeof(b)),
	       cpus_text(added, d, sizeof(d)),
	       cpus_text(removed, e, sizeof(e)));
}

/**
 * set_cpus_parse() - parse "--cpus [+|-]LIST" (nothing is read)
 * @c: the invocation
 * @name: the instance
 * @s: the change, with @arg and @force set; out: @list
 *
 * Return: EXIT_OK, or EXIT_USAGE after saying why.
 */
int set_cpus_parse(struct cli *c, const char *name, struct set_cpus *s)
{
	const char *l = s->arg;

	if (l[0] == '+' || l[0] == '-')
		l++;
	return cli_check_cpus(c, name, l, s->list);
}

/**
 * set_cpus_plan() - the CPUs the instance should have, checked
 * @c: the invocation
 * @name: the instance, which exists
 * @s: the change, parsed; out: @before and the request
 *
 * The result is checked as create checks a set: at least one CPU, every
 * one present, SMT siblings together unless --force.
 *
 * Return: EXIT_OK, or an exit status after saying why not.
 */
int set_cpus_plan(struct cli *c, const char *name, struct set_cpus *s)
{
	struct place_req pr = { .node = -1 };
	struct place_plan plan;
	char sign = s->arg[0];
	unsigned int i;
	int ret;

	ret = sysfs_inst_cpus(c, name, s->before);
	if (ret)
		return ret;
	memset(&s->req, 0, sizeof(s->req));
	snprintf(s->req.name, sizeof(s->req.name), "%s", name);
	for (i = 0; i < COHORT_CPU_WORDS; i++)
		s->req.cpus[i] = sign == '+' ? s->before[i] | s->list[i] :
				 sign == '-' ? s->before[i] & ~s->list[i] :
				 s->list[i];
	if (!cohort_cpulist_weight(s->req.cpus, COHORT_MAX_CPUS)) {
		cli_err("%s %s: that leaves it no CPU; an instance keeps at least one",
			c->cmd, name);
		return EXIT_USAGE;
	}
	ret = cli_check_cpus_present(c, name, s->req.cpus);
	if (ret)
		return ret;
	pr.name = name;
	pr.force = s->force;
	return place_check(c, &pr, s->req.cpus, &plan);
}

/**
 * set_cpus_apply() - ask the kernel for the planned CPUs
 * @c: the invocation
 * @name: the instance
 * @s: the change, planned
 * @dry: only check (COHORT_SET_DRY_RUN)
 * @timeout_ms: for each CPU; 0 for the kernel's default
 *
 * After a failed change, says what the instance has when the kernel's
 * undo left it other CPUs than it had.
 *
 * Return: EXIT_OK, or an exit status after saying why not.
 */
int set_cpus_apply(struct cli *c, const char *name, struct set_cpus *s,
		   bool dry, __u32 timeout_ms)
{
	__u64 now[COHORT_CPU_WORDS];
	char a[1100];
	int ret;

	s->req.timeout_ms = timeout_ms;
	s->req.flags = dry ? COHORT_SET_DRY_RUN : 0;
	ret = cli_dev_ioctl(c, name, COHORT_IOC_SET_CPUS, &s->req,
			    s->req.msg);
	/* What it has after the undo, as the kernel says. */
	if (ret && !dry && !sysfs_inst_cpus(c, name, now) &&
	    memcmp(now, s->before, sizeof(now)))
		cli_err("%s %s: it now has CPUs %s", c->cmd, name,
			cpus_text(now, a, sizeof(a)));
	return ret;
}

/**
 * set_cpus_undo() - give the instance back the CPUs it had before a
 *	change that succeeded, as when what followed it failed
 * @c: the invocation
 * @name: the instance
 * @s: the change, applied
 * @timeout_ms: for each CPU; 0 for the kernel's default
 *
 * Says whether the CPUs were put back.
 *
 * Return: EXIT_OK, or an exit status.
 */
int set_cpus_undo(struct cli *c, const char *name, struct set_cpus *s,
		  __u32 timeout_ms)
{
	__u64 now[COHORT_CPU_WORDS];
	struct cohort_ioc_set_cpus r;
	char a[1100], b[1100];
	int ret;

	memset(&r, 0, sizeof(r));
	snprintf(r.name, sizeof(r.name), "%s", name);
	memcpy(r.cpus, s->before, sizeof(r.cpus));
	r.timeout_ms = timeout_ms;
	cpus_text(s->before, a, sizeof(a));
	ret = cli_dev_ioctl(c, name, COHORT_IOC_SET_CPUS, &r, r.msg);
	if (ret && !sysfs_inst_cpus(c, name, now))
		cli_err("%s %s: its CPUs could not be put back to %s; it has CPUs %s",
			c->cmd, name, a, cpus_text(now, b, sizeof(b)));
	else if (ret)
		cli_err("%s %s: its CPUs could not be put back to %s", c->cmd,
			name, a);
	else
		cli_err("%s %s: its CPUs were put back to %s", c->cmd, name,
			a);
	return ret;
}
