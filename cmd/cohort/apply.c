// SPDX-License-Identifier: GPL-2.0
/*
 * cohort(8): "cohort apply [--dry-run] [--dir DIR]": the declared
 * instances of /etc/cohort/instances.d (docs/config.md, lib/decl/), all
 * read and checked before anything else, then compared with the
 * instances that exist.  --dry-run prints the plan, in start order:
 *
 *	create NAME cpus LIST memory SIZE	absent: made...
 *	start NAME				...and booted
 *	keep NAME				same CPUs and memory
 *	keep NAME.standby (standby of NAME)	standby = yes: cohortd's
 *	create NAME.standby cpu-count N ...	(made by cohortd)
 *	replace NAME (cpus 1 -> 2-3)		exists, but differs
 *	leave NAME (not declared)		exists, not declared
 *
 * Without it, cohortd is asked to read its configuration again (its
 * "reload" request, lib/cohort/daemon.h) and its answer is reported.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <json-c/json.h>

#include "cohort.h"
#include "cohort/parse.h"
#include "decl/decl.h"

/* What sysfs shows of an existing instance. */
struct existing {
	char name[COHORT_NAME_MAX];
	__u64 cpus[COHORT_CPU_WORDS];
	bool cpus_ok;
	__u64 memory;
	bool memory_ok;
	char state[32];
	bool declared;
};

static int existing_get(struct cli *c, const char *name, void *elem)
{
	struct existing *e = elem;
	char buf[8192];

	memset(e, 0, sizeof(*e));
	if (strlen(name) >= sizeof(e->name))
		return 0;	/* no name the kernel accepts */
	memcpy(e->name, name, strlen(name) + 1);
	e->cpus_ok = sysfs_inst_read(c, name, "cpus", buf, sizeof(buf)) >= 0 &&
		     !cohort_parse_cpulist(buf, e->cpus, COHORT_MAX_CPUS,
					   COHORT_CPULIST_LENIENT, NULL, 0);
	e->memory_ok = !sysfs_inst_u64(c, name, "mem_size", &e->memory);
	if (sysfs_inst_read(c, name, "state", e->state, sizeof(e->state)) < 0)
		snprintf(e->state, sizeof(e->state), "unknown");
	return 1;
}

static int cmp_existing(const void *a, const void *b)
{
	return strcmp(((const struct existing *)a)->name,
		      ((const struct existing *)b)->name);
}

static struct existing *find_existing(struct existing *v, size_t n,
				      const char *name)
{
	struct existing key;

	snprintf(key.name, sizeof(key.name), "%s", name);
	return n ? bsearch(&key, v, n, sizeof(*v), cmp_existing) : NULL;
}

static struct json_object *json_cpus(const __u64 *mask)
{
	struct json_object *a = json_object_new_array();
	unsigned int cpu;

	for (cpu = 0; cpu < COHORT_MAX_CPUS; cpu++)
		if (cohort_cpu_isset(mask, cpu))
			json_object_array_add(a, json_object_new_int64(cpu));
	return a;
}

/* "cpus 2-3" or "cpu-count 2": the CPUs a declared instance wants. */
static void want_cpus(const struct decl_instance *d, char *buf, size_t len)
{
	char list[1024];

	if (d->line[DK_CPUS]) {
		cohort_format_cpulist(d->cpus, COHORT_MAX_CPUS, list,
				      sizeof(list));
		snprintf(buf, len, "cpus %s", list);
	} else {
		snprintf(buf, len, "cpu-count %u", d->cpu_count);
	}
}

/*
 * Whether @e has the CPUs @d declares (any @d->cpu_count of them; also
 * for an instance with a standby, whose service moves to the standby's
 * CPUs when it takes over).
 */
static bool same_cpus(const struct decl_instance *d, const struct existing *e)
{
	if (!e->cpus_ok)
		return false;
	if (!d->line[DK_CPUS] || d->standby)
		return cohort_cpulist_weight(e->cpus, COHORT_MAX_CPUS) ==
		       d->cpu_count;
	return !memcmp(d->cpus, e->cpus, sizeof(d->cpus));
}

/* The wanted side of an instance, for JSON. */
static struct json_object *json_want(const struct decl_instance *d)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "cpus", d->line[DK_CPUS] ?
			       json_cpus(d->cpus) : NULL);
	json_object_object_add(o, "cpu_count",
			       json_object_new_int64(d->cpu_count));
	json_object_object_add(o, "memory", json_object_new_int64(
				       (int64_t)d->memory));
	return o;
}

/* What an existing instance has, for JSON; null where sysfs did not say. */
static struct json_object *json_have(const struct existing *e)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "cpus", e->cpus_ok ? json_cpus(e->cpus) :
			       NULL);
	json_object_object_add(o, "memory", e->memory_ok ?
			       json_object_new_int64((int64_t)e->memory) :
			       NULL);
	return o;
}

static struct json_object *json_step(const char *action, const char *name)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "action", json_object_new_string(action));
	json_object_object_add(o, "name", json_object_new_string(name));
	return o;
}

/* "replace NAME (cpus 1 -> 2-3, memory 256M -> 512M)" */
static void print_replace(const struct decl_instance *d,
			  const struct existing *e, bool cpus_same,
			  bool mem_same)
{
	char have[1100], want[1100], mem[COHORT_SIZE_STR_MAX];
	char emem[COHORT_SIZE_STR_MAX], why[2400] = "";

	if (!cpus_same) {
		if (e->cpus_ok)
			cohort_format_cpulist(e->cpus, COHORT_MAX_CPUS, have,
					      sizeof(have));
		else
			snprintf(have, sizeof(have), "?");
		/* "cpus 1 -> 2-3", "cpus 1 -> cpu-count 2" */
		if (d->line[DK_CPUS])
			cohort_format_cpulist(d->cpus, COHORT_MAX_CPUS, want,
					      sizeof(want));
		else
			want_cpus(d, want, sizeof(want));
		snprintf(why, sizeof(why), "cpus %s -> %s", have, want);
	}
	if (!mem_same) {
		if (e->memory_ok)
			cohort_format_size(e->memory, true, emem, sizeof(emem));
		else
			snprintf(emem, sizeof(emem), "?");
		cohort_format_size(d->memory, true, mem, sizeof(mem));
		snprintf(why + strlen(why), sizeof(why) - strlen(why),
			 "%smemory %s -> %s", why[0] ? ", " : "", emem, mem);
	}
	printf("replace %s (%s)\n", d->name, why);
}

/* The steps of one declared instance, printed or added to @plan. */
static void plan_declared(const struct decl_instance *d, struct existing *e,
			  struct json_object *plan)
{
	char want[1100], mem[COHORT_SIZE_STR_MAX];
	bool cpus_same, mem_same;
	struct json_object *o;

	if (!e) {
		if (!plan) {
			want_cpus(d, want, sizeof(want));
			cohort_format_size(d->memory, true, mem, sizeof(mem));
			printf("create %s %s memory %s\nstart %s\n", d->name,
			       want, mem, d->name);
			return;
		}
		o = json_step("create", d->name);
		json_object_object_add(o, "want", json_want(d));
		json_object_array_add(plan, o);
		json_object_array_add(plan, json_step("start", d->name));
		return;
	}
	e->declared = true;
	cpus_same = same_cpus(d, e);
	mem_same = e->memory_ok && e->memory == d->memory;
	if (!plan) {
		if (cpus_same && mem_same)
			printf("keep %s\n", d->name);
		else
			print_replace(d, e, cpus_same, mem_same);
		return;
	}
	if (cpus_same && mem_same) {
		o = json_step("keep", d->name);
	} else {
		o = json_step("replace", d->name);
		json_object_object_add(o, "have", json_have(e));
		json_object_object_add(o, "want", json_want(d));
	}
	json_object_object_add(o, "state", json_object_new_string(e->state));
	json_object_array_add(plan, o);
}

/*
 * The standby of a declared instance (standby = yes): "keep web.standby
 * (standby of web)", or made by cohortd once web runs: "create
 * web.standby cpu-count 2 memory 256M (standby of web)".
 */
static void plan_standby(const struct decl_instance *d, struct existing *ex,
			 size_t nex, struct json_object *plan)
{
	char name[COHORT_NAME_MAX + 16], mem[COHORT_SIZE_STR_MAX];
	struct json_object *o;
	struct existing *e;

	snprintf(name, sizeof(name), "%s%s", d->name, DECL_STANDBY_SUFFIX);
	e = find_existing(ex, nex, name);
	if (e)
		e->declared = true;
	if (!plan) {
		cohort_format_size(d->memory, true, mem, sizeof(mem));
		if (e)
			printf("keep %s (standby of %s)\n", name, d->name);
		else
			printf("create %s cpu-count %u memory %s (standby of %s)\n",
			       name, d->cpu_count, mem, d->name);
		return;
	}
	o = json_step(e ? "keep" : "create", name);
	json_object_object_add(o, "standby_of",
			       json_object_new_string(d->name));
	if (e)
		json_object_object_add(o, "state",
				       json_object_new_string(e->state));
	json_object_array_add(plan, o);
}

/* The plan: every declared instance in start order, then the others. */
static void print_plan(struct cli *c, const struct decl_set *set,
		       struct existing *ex, size_t nex)
{
	struct json_object *plan = c->json ? json_object_new_array() : NULL;
	struct json_object *o;
	size_t i;

	for (i = 0; i < set->n; i++) {
		const struct decl_instance *d = set->v[set->order[i]];

		plan_declared(d, find_existing(ex, nex, d->name), plan);
		if (d->standby)
			plan_standby(d, ex, nex, plan);
	}
	for (i = 0; i < nex; i++) {
		if (ex[i].declared)
			continue;
		if (!plan) {
			printf("leave %s (not declared)\n", ex[i].name);
			continue;
		}
		o = json_step("leave", ex[i].name);
		json_object_object_add(o, "reason",
				       json_object_new_string("not declared"));
		json_object_object_add(o, "state",
				       json_object_new_string(ex[i].state));
		json_object_array_add(plan, o);
	}
	if (plan) {
		cli_json_print(c, plan);
		json_object_put(plan);
	}
}

/* Refuses everything when anything is wrong: every error, then a summary. */
static int load(struct cli *c, const char *dir, struct decl_set *set)
{
	struct decl_errors errs;

	decl_errors_init(&errs);
	if (!decl_load_dir(dir, DECL_CHECK_FILES, set, &errs)) {
		decl_errors_free(&errs);
		return EXIT_OK;
	}
	fflush(stdout);
	decl_errors_print(&errs, stderr);
	cli_err("%s: %zu error%s in %s; nothing was done", c->cmd, errs.n,
		errs.n == 1 ? "" : "s", dir);
	decl_errors_free(&errs);
	decl_set_free(set);
	return EXIT_USAGE;
}

/* Whether @a and @b name the same directory. */
static bool same_dir(const char *a, const char *b)
{
	struct stat sa, sb;

	if (!stat(a, &sa) && !stat(b, &sb))
		return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
	return !strcmp(a, b);
}

static int not_running(struct cli *c)
{
	char why[512];

	cli_err("%s: cohortd is not running (%s): start it, or use --dry-run",
		c->cmd, daemon_absent_text(why, sizeof(why)));
	return EXIT_NOTFOUND;
}

/*
 * cohortd reads the directory it was started with: when @dir is another
 * one, say so.  @ddir: out: the daemon's, for messages ("" unknown).
 */
static int daemon_dir(struct cli *c, const char *dir, char *ddir, size_t len)
{
	char q[1024], d[1024];
	struct json_object *r;
	const char *s;

	ddir[0] = '\0';
	if (same_dir(dir, DECL_DIR_DEFAULT))
		return EXIT_OK;
	switch (daemon_request(c, "status", &r)) {
	case DAEMON_OK:
		break;
	case DAEMON_ABSENT:
		return not_running(c);
	default:
		return EXIT_FAIL;
	}
	daemon_safe(dir, q, sizeof(q));
	s = daemon_str(r, "config_dir");
	if (!s) {
		cli_warn("%s: cohortd reads the directory it was started with, not necessarily %s, which was only checked",
			 c->cmd, q);
	} else {
		daemon_safe(s, ddir, len);
		if (!same_dir(dir, s)) {
			daemon_safe(s, d, sizeof(d));
			cli_warn("%s: cohortd reads its own directory, %s, not %s, which was only checked",
				 c->cmd, d, q);
		}
	}
	json_object_put(r);
	return EXIT_OK;
}

/* Without --dry-run: cohortd reads its configuration again. */
static int reload(struct cli *c, const char *dir)
{
	struct json_object *r, *ok, *errs;
	char ddir[1024];
	size_t n;
	int ret;

	ret = daemon_dir(c, dir, ddir, sizeof(ddir));
	if (ret)
		return ret;
	switch (daemon_request(c, "reload", &r)) {
	case DAEMON_OK:
		break;
	case DAEMON_ABSENT:
		return not_running(c);
	default:
		return EXIT_FAIL;
	}
	if (!json_object_object_get_ex(r, "ok", &ok) ||
	    !json_object_is_type(ok, json_type_boolean)) {
		cli_err("%s: cohortd's reply does not say whether it reloaded",
			c->cmd);
		json_object_put(r);
		return EXIT_FAIL;
	}
	ret = json_object_get_boolean(ok) ? EXIT_OK : EXIT_USAGE;
	if (c->json) {
		cli_json_print(c, r);
	} else if (!ret) {
		if (!ddir[0])
			daemon_safe(dir, ddir, sizeof(ddir));
		printf("cohort: %s: cohortd reloaded %s\n", c->cmd, ddir);
	} else {
		n = 0;
		fflush(stdout);
		if (json_object_object_get_ex(r, "errors", &errs) &&
		    json_object_is_type(errs, json_type_array))
			n = json_object_array_length(errs);
		for (size_t i = 0; i < n; i++) {
			struct json_object *e = json_object_array_get_idx(errs,
									  i);
			char buf[1024];

			daemon_safe(json_object_is_type(e, json_type_string) ?
				    json_object_get_string(e) : "?", buf,
				    sizeof(buf));
			fprintf(stderr, "%s\n", buf);
		}
		cli_err("%s: cohortd refused the configuration (%zu error%s); nothing changed",
			c->cmd, n, n == 1 ? "" : "s");
	}
	json_object_put(r);
	return ret;
}

/**
 * cmd_apply() - "cohort apply [--dry-run] [--dir DIR]"
 * @c: the invocation
 * @argc: arguments of the command
 * @argv: the arguments
 *
 * DIR defaults to $COHORT_CONFIG_DIR, then /etc/cohort/instances.d.
 *
 * Without --dry-run, once DIR is checked, cohortd reads its own
 * configuration directory again.
 *
 * Return: EXIT_OK after printing the plan, or once cohortd reloaded;
 * EXIT_USAGE after printing every error of the declared instances, or
 * those cohortd found; EXIT_NOTFOUND when cohortd is not running;
 * EXIT_UNAVAIL or EXIT_FAIL when the instances cannot be read or
 * cohortd gave no usable answer.
 */
int cmd_apply(struct cli *c, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "dir", required_argument, NULL, 'D' },
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	unsigned int seen[256] = { 0 };
	const char *dir = NULL, *env;
	struct existing *ex = NULL;
	struct decl_set set;
	bool dry_run = false;
	size_t nex = 0;
	void *p = NULL;
	DIR *d;
	int opt, ret;

	while ((opt = cli_getopt(c, argc, argv, "njp", lo, seen)) != -1) {
		if (cli_json_opt(c, opt))
			continue;
		switch (opt) {
		case 'n': dry_run = true; break;
		case 'D': dir = optarg; break;
		default:
			return opt == -2 ? EXIT_OK : EXIT_USAGE;
		}
	}
	ret = cli_no_args(c, argc, argv);
	if (ret)
		return ret;
	if (dir && !*dir)
		return cli_usage_err(c, "--dir: the directory is empty");
	env = getenv(DECL_DIR_ENV);
	if (!dir)
		dir = env && *env ? env : DECL_DIR_DEFAULT;

	ret = load(c, dir, &set);
	if (ret)
		return ret;
	if (!dry_run) {
		decl_set_free(&set);
		return reload(c, dir);
	}
	ret = sysfs_available(c);
	if (!ret)
		ret = sysfs_instances_open(c, &d);
	if (!ret)
		ret = sysfs_collect(c, d, sizeof(*ex), existing_get,
				    cmp_existing, &p, &nex);
	if (!ret) {
		ex = p;
		print_plan(c, &set, ex, nex);
	}
	free(ex);
	decl_set_free(&set);
	return ret;
}
