// SPDX-License-Identifier: GPL-2.0
/*
 * cohort(8): "cohort set NAME --cpus [+|-]LIST [--force] [--timeout SEC]
 * [--dry-run] [-j]": change the CPUs of an instance (COHORT_IOC_SET_CPUS).
 *
 * LIST is the whole new set; +LIST adds to the CPUs it has, -LIST takes
 * those away.  The result is checked as "cohort create --cpus" checks a
 * set (present, not CPU 0, SMT siblings kept together unless --force)
 * before the kernel checks it again and, for a running instance, moves
 * the CPUs one at a time.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "cohort.h"
#include "cohort/parse.h"
#include "place.h"

/* The instance's CPUs now, from sysfs. */
static int current_cpus(struct cli *c, const char *name, __u64 *cpus)
{
	char buf[8192], err[COHORT_ERR_MAX];
	int ret;

	ret = sysfs_inst_read(c, name, "cpus", buf, sizeof(buf));
	if (ret < 0) {
		cli_err("%s %s: cannot read its CPUs: %s", c->cmd, name,
			strerror(-ret));
		return EXIT_FAIL;
	}
	if (cohort_parse_cpulist(buf, cpus, COHORT_MAX_CPUS,
				 COHORT_CPULIST_LENIENT, err, sizeof(err))) {
		cli_err("%s %s: its CPUs in sysfs: %s", c->cmd, name, err);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

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

static void report(struct cli *c, const char *name, bool dry,
		   const __u64 *before, const __u64 *after)
{
	__u64 added[COHORT_CPU_WORDS], removed[COHORT_CPU_WORDS];
	char a[1100], b[1100], d[1100], e[1100];
	unsigned int i;

	for (i = 0; i < COHORT_CPU_WORDS; i++) {
		added[i] = after[i] & ~before[i];
		removed[i] = before[i] & ~after[i];
	}
	if (c->json) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "name", json_object_new_string(name));
		json_object_object_add(o, "dry_run",
				       json_object_new_boolean(dry));
		json_object_object_add(o, "cpus_before",
			json_object_new_string(cpus_text(before, a, sizeof(a))));
		json_object_object_add(o, "cpus",
			json_object_new_string(cpus_text(after, b, sizeof(b))));
		json_object_object_add(o, "added",
			json_object_new_string(cpus_text(added, d, sizeof(d))));
		json_object_object_add(o, "removed",
			json_object_new_string(cpus_text(removed, e, sizeof(e))));
		cli_json_print(c, o);
		json_object_put(o);
		return;
	}
	printf("%s %s: CPUs %s -> %s (added: %s; removed: %s)\n",
	       dry ? "would set" : "set", name, cpus_text(before, a, sizeof(a)),
	       cpus_text(after, b, sizeof(b)), cpus_text(added, d, sizeof(d)),
	       cpus_text(removed, e, sizeof(e)));
}

/**
 * cmd_set() - "cohort set NAME --cpus [+|-]LIST ..."
 * @c: the invocation
 * @argc: arguments of the command
 * @argv: the arguments
 *
 * Return: an exit status.
 */
int cmd_set(struct cli *c, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "cpus", required_argument, NULL, 'c' },
		{ "force", no_argument, NULL, 'f' },
		{ "timeout", required_argument, NULL, 't' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	__u64 before[COHORT_CPU_WORDS], list[COHORT_CPU_WORDS];
	const char *cpus = NULL, *timeout = NULL, *name, *l;
	struct place_req pr = { .node = -1 };
	struct cohort_ioc_set_cpus req;
	unsigned int seen[256] = { 0 }, i;
	char err[COHORT_ERR_MAX];
	struct place_plan plan;
	bool dry = false;
	int opt, ret;
	__u32 ms = 0;

	while ((opt = cli_getopt(c, argc, argv, "c:ft:njp", lo, seen)) != -1) {
		switch (opt) {
		case 'c':
			cpus = optarg;
			break;
		case 'f':
			pr.force = true;
			break;
		case 't':
			timeout = optarg;
			break;
		case 'n':
			dry = true;
			break;
		case 'j':
		case 'p':
			cli_json_opt(c, opt);
			break;
		default:
			return opt == -2 ? EXIT_OK : EXIT_USAGE;
		}
	}
	ret = cli_name_arg(c, argc, argv, &name);
	if (ret)
		return ret;
	if (!cpus)
		return cli_usage_err(c, "--cpus [+|-]LIST is required");
	if (timeout && cohort_parse_timeout(timeout, &ms, err, sizeof(err))) {
		cli_err("%s %s: %s", c->cmd, name, err);
		return EXIT_USAGE;
	}
	l = cpus[0] == '+' || cpus[0] == '-' ? cpus + 1 : cpus;
	ret = cli_check_cpus(c, name, l, list);
	if (ret)
		return ret;
	ret = sysfs_instance_check(c, name);
	if (!ret)
		ret = current_cpus(c, name, before);
	if (ret)
		return ret;

	memset(&req, 0, sizeof(req));
	snprintf(req.name, sizeof(req.name), "%s", name);
	for (i = 0; i < COHORT_CPU_WORDS; i++)
		req.cpus[i] = cpus[0] == '+' ? before[i] | list[i] :
			      cpus[0] == '-' ? before[i] & ~list[i] : list[i];
	if (!cohort_cpulist_weight(req.cpus, COHORT_MAX_CPUS)) {
		cli_err("%s %s: that leaves it no CPU; an instance keeps at least one",
			c->cmd, name);
		return EXIT_USAGE;
	}
	ret = cli_check_cpus_present(c, name, req.cpus);
	if (ret)
		return ret;
	pr.name = name;
	ret = place_check(c, &pr, req.cpus, &plan);
	if (ret)
		return ret;

	req.timeout_ms = ms;
	if (dry)
		req.flags |= COHORT_SET_DRY_RUN;
	ret = cli_dev_ioctl(c, name, COHORT_IOC_SET_CPUS, &req, req.msg);
	if (ret) {
		__u64 now[COHORT_CPU_WORDS];
		char a[1100];

		/* What it has after the undo, as the kernel says. */
		if (!dry && !current_cpus(c, name, now) &&
		    memcmp(now, before, sizeof(now)))
			cli_err("%s %s: it now has CPUs %s", c->cmd, name,
				cpus_text(now, a, sizeof(a)));
		return ret;
	}
	report(c, name, dry, before, req.cpus);
	return EXIT_OK;
}
