// SPDX-License-Identifier: GPL-2.0
/*
 * cohort(8): "cohort warm": keep instances booted and idle for
 * "cohort run --warm" (warmpool.c does the work).
 *
 *	cohort warm POOL --count N [--cpu-count C] [--memory SIZE]
 *	            [--kernel FILE] [--initrd FILE] [--cmdline STR]
 *	cohort warm POOL           (boot what is missing, as the record says)
 *	cohort warm POOL --count 0 (delete its idle instances and the pool)
 *	cohort warm list [-j]
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cohort.h"
#include "cohort/parse.h"
#include "launch.h"
#include "warmpool.h"

struct warm_opts {
	const char *count;
	const char *cpu_count;
	const char *memory;
	const char *kernel;
	const char *initrd;
	const char *cmdline;
};

static int list(struct cli *c, int argc, char **argv)
{
	static const char *const head[] = { "POOL", "COUNT", "IDLE", "CPUS",
					    "MEMORY", "KERNEL" };
	struct json_object *a = NULL;
	char **names, **idle;
	size_t n, ni, i, j;
	int ret, w[6] = { 0 };

	ret = cli_info_begin(c, argc, argv);
	if (ret)
		return ret < 0 ? EXIT_OK : ret;
	ret = warm_list(&names, &n);
	if (ret) {
		cli_err("%s: cannot read the warm pools: %s", c->cmd,
			strerror(-ret));
		return EXIT_FAIL;
	}
	if (c->json)
		a = json_object_new_array();
	else
		table_widen(w, head, 6);
	for (int pass = c->json ? 1 : 0; pass < 2; pass++) {
		if (pass && !c->json)
			table_row(w, head, 6, "llrrrl");
		for (i = 0; i < n; i++) {
			struct warm_pool p;
			char cnt[16], nidle[16];
			const char *col[6];

			if (warm_read(names[i], &p) ||
			    warm_idle(c, names[i], &idle, &ni))
				continue;
			if (c->json) {
				struct json_object *o = json_object_new_object();
				struct json_object *ia = json_object_new_array();

				for (j = 0; j < ni; j++)
					json_object_array_add(ia,
						json_object_new_string(idle[j]));
				json_object_object_add(o, "name",
					json_object_new_string(p.name));
				json_object_object_add(o, "count",
					json_object_new_int(p.count));
				json_object_object_add(o, "idle", ia);
				json_object_object_add(o, "cpu_count",
					json_object_new_string(p.cpu_count));
				json_object_object_add(o, "memory",
					json_object_new_string(p.memory));
				json_object_object_add(o, "kernel",
					json_object_new_string(p.kernel));
				json_object_object_add(o, "initrd",
					json_object_new_string(p.initrd));
				json_object_object_add(o, "cmdline",
					json_object_new_string(p.cmdline));
				json_object_array_add(a, o);
			} else {
				snprintf(cnt, sizeof(cnt), "%u", p.count);
				snprintf(nidle, sizeof(nidle), "%zu", ni);
				col[0] = p.name;
				col[1] = cnt;
				col[2] = nidle;
				col[3] = p.cpu_count;
				col[4] = p.memory;
				col[5] = p.kernel;
				if (pass)
					table_row(w, col, 6, "llrrrl");
				else
					table_widen(w, col, 6);
			}
			warm_strv_free(idle, ni);
		}
	}
	if (c->json) {
		cli_json_print(c, a);
		json_object_put(a);
	}
	warm_strv_free(names, n);
	return EXIT_OK;
}

/* An absolute path of a readable file, in @out (PATH_MAX bytes). */
static int file_arg(struct cli *c, const char *opt, const char *path,
		    char *out, size_t len)
{
	char buf[PATH_MAX];

	if (access(path, R_OK) < 0 || !realpath(path, buf)) {
		cli_err("%s: %s %s: %s", c->cmd, opt, path, strerror(errno));
		return EXIT_USAGE;
	}
	if (strlen(buf) >= len) {
		cli_err("%s: %s %s: the path is too long", c->cmd, opt, path);
		return EXIT_USAGE;
	}
	snprintf(out, len, "%s", buf);
	return EXIT_OK;
}

/* The pool as the record and the options make it; EXIT_OK or why not. */
static int settle(struct cli *c, const struct warm_opts *o,
		  struct warm_pool *p, bool exists)
{
	char kbuf[4096], ibuf[4096], err[COHORT_ERR_MAX];
	const char *kernel = o->kernel, *initrd = o->initrd;
	__u64 size;
	__u32 n;
	int ret;

	if (o->count) {
		if (cohort_parse_uint(o->count, "count", NULL, 0,
				      WARM_COUNT_MAX, &n, err, sizeof(err))) {
			cli_err("%s: --count: %s", c->cmd, err);
			return EXIT_USAGE;
		}
		p->count = n;
	}
	if (o->cpu_count || !exists) {
		const char *cc = o->cpu_count ? o->cpu_count : "1";

		if (cohort_parse_uint(cc, "CPU count", NULL, 1,
				      COHORT_SETUP_MAX_CPUS, &n, err,
				      sizeof(err))) {
			cli_err("%s: --cpu-count: %s", c->cmd, err);
			return EXIT_USAGE;
		}
		snprintf(p->cpu_count, sizeof(p->cpu_count), "%u", n);
	}
	if (o->memory || !exists) {
		const char *m = o->memory ? o->memory : WARM_MEMORY_DEFAULT;

		if (strlen(m) >= sizeof(p->memory) ||
		    cohort_parse_size(m, &size, err, sizeof(err)) ||
		    cohort_check_mem_size(size, err, sizeof(err))) {
			cli_err("%s: --memory %s: %s", c->cmd, m,
				strlen(m) >= sizeof(p->memory) ? "too long" :
				err);
			return EXIT_USAGE;
		}
		snprintf(p->memory, sizeof(p->memory), "%s", m);
	}
	if (o->cmdline || !exists) {
		const char *s = o->cmdline ? o->cmdline : "quiet";

		if (cohort_check_cmdline(s, err, sizeof(err)) ||
		    strlen(s) + sizeof(" cohort.warm") > sizeof(p->cmdline)) {
			cli_err("%s: --cmdline: %s", c->cmd,
				cohort_check_cmdline(s, err, sizeof(err)) ?
				err : "too long");
			return EXIT_USAGE;
		}
		snprintf(p->cmdline, sizeof(p->cmdline), "%s", s);
	}
	if (o->kernel || o->initrd || !exists) {
		ret = launch_files(c, &kernel, &initrd, kbuf, ibuf);
		if (ret)
			return ret;
	}
	if (o->kernel || !exists) {
		ret = file_arg(c, "--kernel", kernel, p->kernel,
			       sizeof(p->kernel));
		if (ret)
			return ret;
	}
	if (o->initrd || !exists) {
		ret = file_arg(c, "--initrd", initrd, p->initrd,
			       sizeof(p->initrd));
		if (ret)
			return ret;
	}
	return EXIT_OK;
}

static void report(struct cli *c, const struct warm_pool *p)
{
	char **idle;
	size_t n, i;

	if (warm_idle(c, p->name, &idle, &n))
		return;
	printf("warm pool %s: %zu of %u idle", p->name, n, p->count);
	for (i = 0; i < n; i++)
		printf("%s%s", i ? " " : ": ", idle[i]);
	printf("\n");
	warm_strv_free(idle, n);
}

/**
 * cmd_warm() - "cohort warm POOL [OPTIONS]" and "cohort warm list"
 * @c: the invocation
 * @argc: arguments of the command
 * @argv: the arguments
 *
 * Return: an exit status: 3 for a pool that does not exist (without
 * --count), 1 when instances could not be booted.
 */
int cmd_warm(struct cli *c, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "count", required_argument, NULL, 'n' },
		{ "cpu-count", required_argument, NULL, 'C' },
		{ "memory", required_argument, NULL, 'm' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "initrd", required_argument, NULL, 'I' },
		{ "cmdline", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct warm_opts o = { 0 };
	struct warm_pool p, old;
	const char *name;
	bool exists, changed;
	int opt, ret;

	if (argc > 1 && !strcmp(argv[1], "list")) {
		c->cmd = "warm list";
		return list(c, argc - 1, argv + 1);
	}
	while ((opt = cli_getopt(c, argc, argv, "n:m:", lo, NULL)) != -1) {
		switch (opt) {
		case 'n': o.count = optarg; break;
		case 'C': o.cpu_count = optarg; break;
		case 'm': o.memory = optarg; break;
		case 'k': o.kernel = optarg; break;
		case 'I': o.initrd = optarg; break;
		case 'a': o.cmdline = optarg; break;
		default:
			return opt == -2 ? EXIT_OK : EXIT_USAGE;
		}
	}
	ret = cli_plain_name(c, argc, argv, &name);
	if (ret)
		return ret < 0 ? EXIT_OK : ret;
	ret = warm_check_name(c, name);
	if (ret)
		return ret;
	ret = sysfs_available(c);
	if (ret)
		return ret;
	ret = warm_read(name, &old);
	if (ret == -EINVAL && o.count && !strcmp(o.count, "0")) {
		/* A damaged record: its idle instances and it go all the same. */
		memset(&p, 0, sizeof(p));
		snprintf(p.name, sizeof(p.name), "%s", name);
		ret = warm_fill(c, &p, true);
		if (!ret && warm_forget(name))
			ret = EXIT_FAIL;
		if (!ret)
			printf("warm pool %s removed\n", name);
		return ret;
	}
	if (ret && ret != -ENOENT) {
		cli_err("%s: the record of warm pool %s is damaged (%s); 'cohort warm %s --count 0' removes it",
			c->cmd, name, strerror(-ret), name);
		return EXIT_FAIL;
	}
	exists = !ret;
	if (!exists && (!o.count || !strcmp(o.count, "0"))) {
		cli_err("%s: no warm pool %s ('cohort warm %s --count N' makes one)",
			c->cmd, name, name);
		return EXIT_NOTFOUND;
	}
	p = exists ? old : (struct warm_pool){ 0 };
	snprintf(p.name, sizeof(p.name), "%s", name);
	ret = settle(c, &o, &p, exists);
	if (ret)
		return ret;
	if (!p.count) {
		ret = warm_fill(c, &p, true);
		if (!ret && warm_forget(name))
			ret = EXIT_FAIL;
		if (!ret)
			printf("warm pool %s removed\n", name);
		return ret;
	}
	changed = exists && (strcmp(p.cpu_count, old.cpu_count) ||
			     strcmp(p.memory, old.memory) ||
			     strcmp(p.kernel, old.kernel) ||
			     strcmp(p.initrd, old.initrd) ||
			     strcmp(p.cmdline, old.cmdline));
	ret = warm_write(&p);
	if (ret) {
		cli_err("%s: cannot write the record of warm pool %s under %s: %s",
			c->cmd, name, cli_state_dir(), strerror(-ret));
		return EXIT_FAIL;
	}
	ret = warm_fill(c, &p, changed);
	report(c, &p);
	return ret;
}
