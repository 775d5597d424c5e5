// SPDX-License-Identifier: GPL-2.0
/*
 * cohort(8): "cohort set NAME [--cpus [+|-]LIST [--force]]
 * [--memory [+|-]SIZE [--node N]] [--timeout SEC] [--dry-run] [-j]":
 * change the CPUs (setcpus.c) and the memory (setmem.c) of an instance.
 *
 * Both parts are checked before the kernel is asked for either.  The CPUs
 * are changed first, then the memory; when the memory cannot be changed,
 * the CPUs are put back as they were.  A dry run has the kernel check
 * both.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "cohort.h"
#include "cohort/parse.h"
#include "set.h"

/* What was changed, or would be: a line each, or one JSON object. */
static void report(struct cli *c, const char *name, bool dry,
		   const struct set_cpus *s, const struct set_mem *m)
{
	struct json_object *o, *sub;

	if (!c->json) {
		if (s)
			set_cpus_print(name, dry, s);
		if (m)
			set_mem_print(name, dry, m);
		return;
	}
	o = json_object_new_object();
	json_object_object_add(o, "name", json_object_new_string(name));
	json_object_object_add(o, "dry_run", json_object_new_boolean(dry));
	if (s && m) {
		/* both: an object each, as their keys are alike */
		sub = json_object_new_object();
		set_cpus_json(sub, s);
		json_object_object_add(o, "cpus", sub);
		sub = json_object_new_object();
		set_mem_json(sub, m);
		json_object_object_add(o, "memory", sub);
	} else if (s) {
		set_cpus_json(o, s);
	} else {
		set_mem_json(o, m);
	}
	cli_json_print(c, o);
	json_object_put(o);
}

/**
 * cmd_set() - "cohort set NAME --cpus [+|-]LIST | --memory [+|-]SIZE ..."
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
		{ "memory", required_argument, NULL, 'm' },
		{ "node", required_argument, NULL, 'O' },
		{ "timeout", required_argument, NULL, 't' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *timeout = NULL, *node = NULL, *name;
	struct set_cpus cpus = { .arg = NULL }, *s = NULL;
	struct set_mem mem = { .arg = NULL }, *m = NULL;
	unsigned int seen[256] = { 0 };
	char err[COHORT_ERR_MAX];
	bool dry = false;
	int opt, ret, ret2;
	__u32 ms = 0;

	while ((opt = cli_getopt(c, argc, argv, "c:fm:t:njp", lo, seen)) != -1) {
		switch (opt) {
		case 'c':
			cpus.arg = optarg;
			break;
		case 'f':
			cpus.force = true;
			break;
		case 'm':
			mem.arg = optarg;
			break;
		case 'O':
			node = optarg;
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
	if (!cpus.arg && !mem.arg)
		return cli_usage_err(c, "--cpus [+|-]LIST or --memory [+|-]SIZE is required");
	if (cpus.force && !cpus.arg)
		return cli_usage_err(c, "--force goes with --cpus [+|-]LIST");
	if (node && !mem.arg)
		return cli_usage_err(c, "--node goes with --memory [+|-]SIZE");
	if (timeout && cohort_parse_timeout(timeout, &ms, err, sizeof(err))) {
		cli_err("%s %s: %s", c->cmd, name, err);
		return EXIT_USAGE;
	}
	if (cpus.arg) {
		s = &cpus;
		ret = set_cpus_parse(c, name, s);
		if (ret)
			return ret;
	}
	if (mem.arg) {
		m = &mem;
		ret = set_mem_parse(c, name, node, m);
		if (ret)
			return ret;
	}
	ret = sysfs_instance_check(c, name);
	if (!ret && s)
		ret = set_cpus_plan(c, name, s);
	if (!ret && m)
		ret = set_mem_plan(c, name, m);
	if (ret)
		return ret;

	if (dry) {
		/* the kernel checks both, also when the first is refused */
		ret = s ? set_cpus_apply(c, name, s, true, ms) : EXIT_OK;
		ret2 = m ? set_mem_apply(c, name, m, true, ms) : EXIT_OK;
		if (ret || ret2)
			return ret ? ret : ret2;
	} else {
		ret = s ? set_cpus_apply(c, name, s, false, ms) : EXIT_OK;
		if (ret)
			return ret;
		ret = m ? set_mem_apply(c, name, m, false, ms) : EXIT_OK;
		if (ret) {
			if (s)
				set_cpus_undo(c, name, s, ms);
			return ret;
		}
	}
	report(c, name, dry, s, m);
	return EXIT_OK;
}
