// SPDX-License-Identifier: GPL-2.0
/*
 * cohort(8): "cohort region": named regions of the pool that every kernel
 * can map (a cohortfs mounted with -o region=NAME).
 *
 *	cohort region [list] [-j]
 *	cohort region create NAME --size SIZE
 *	cohort region delete NAME
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cohort.h"
#include "cohort/parse.h"

struct region {
	char name[COHORT_NAME_MAX];
	__u64 base;
	__u64 size;
	__u64 users[COHORT_MAX_KERNELS / 64];
};

static int cmp_region(const void *a, const void *b)
{
	const struct region *x = a, *y = b;

	return x->base < y->base ? -1 : x->base > y->base;
}

/* Reads regions/NAME/ATTR as a number; prints why and fails otherwise. */
static int region_u64(struct cli *c, const char *name, const char *attr,
		      __u64 *val)
{
	char path[4096], buf[64];
	int ret;

	snprintf(path, sizeof(path), "%s/regions/%s/%s", c->sysfs, name, attr);
	ret = sysfs_read(path, buf, sizeof(buf));
	if (ret >= 0)
		ret = sysfs_parse_u64(buf, val);
	if (ret < 0) {
		cli_err("cannot read %s: %s", path,
			ret == -EINVAL ? "not a number" : strerror(-ret));
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

static int region_read(struct cli *c, const char *name, struct region *r)
{
	char path[4096], buf[1024], err[COHORT_ERR_MAX];
	int ret;

	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "%s", name);
	ret = region_u64(c, name, "base", &r->base);
	if (!ret)
		ret = region_u64(c, name, "size", &r->size);
	if (ret)
		return ret;
	snprintf(path, sizeof(path), "%s/regions/%s/users", c->sysfs, name);
	ret = sysfs_read(path, buf, sizeof(buf));
	if (ret < 0) {
		cli_err("cannot read %s: %s", path, strerror(-ret));
		return EXIT_FAIL;
	}
	if (cohort_parse_cpulist(buf, r->users, COHORT_MAX_KERNELS,
				 COHORT_CPULIST_LENIENT, err, sizeof(err))) {
		cli_err("%s: %s", path, err);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

/* All regions, sorted by base; *out is malloc()ed. */
static int regions_read(struct cli *c, struct region **out, size_t *n)
{
	char path[4096];
	struct region *v = NULL, *nv;
	struct dirent *d;
	size_t cap = 0;
	DIR *dir;
	int ret = EXIT_OK;

	*n = 0;
	snprintf(path, sizeof(path), "%s/regions", c->sysfs);
	dir = opendir(path);
	if (!dir) {
		if (errno == ENOENT) {
			cli_err("Cohort regions are not available: %s is missing (not a primary with a pool?)",
				path);
			return EXIT_UNAVAIL;
		}
		cli_err("cannot read %s: %s", path, strerror(errno));
		return EXIT_FAIL;
	}
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				ret = EXIT_FAIL;
				cli_err("out of memory");
				break;
			}
			v = nv;
		}
		if (strlen(d->d_name) >= COHORT_NAME_MAX)
			continue;
		ret = region_read(c, d->d_name, &v[*n]);
		if (ret)
			break;
		(*n)++;
	}
	closedir(dir);
	if (ret) {
		free(v);
		return ret;
	}
	if (*n)
		qsort(v, *n, sizeof(*v), cmp_region);
	*out = v;
	return EXIT_OK;
}

static int region_list(struct cli *c, int argc, char **argv)
{
	struct json_object *a, *o, *u;
	char users[256], sz[COHORT_SIZE_STR_MAX];
	struct region *v = NULL;
	size_t n, i;
	unsigned int k;
	int ret;

	ret = cli_info_begin(c, argc, argv);
	if (ret)
		return ret < 0 ? EXIT_OK : ret;
	ret = regions_read(c, &v, &n);
	if (ret)
		return ret;
	if (c->json) {
		a = json_object_new_array();
		for (i = 0; i < n; i++) {
			o = json_object_new_object();
			u = json_object_new_array();
			json_object_object_add(o, "name",
					       json_object_new_string(v[i].name));
			json_object_object_add(o, "base",
					       json_object_new_uint64(v[i].base));
			json_object_object_add(o, "size",
					       json_object_new_uint64(v[i].size));
			for (k = 0; k < COHORT_MAX_KERNELS; k++)
				if (v[i].users[k / 64] & (1ULL << (k % 64)))
					json_object_array_add(u,
						json_object_new_int(k));
			json_object_object_add(o, "users", u);
			json_object_array_add(a, o);
		}
		cli_json_print(c, a);
		json_object_put(a);
		free(v);
		return EXIT_OK;
	}
	printf("%-20s %-14s %8s  %s\n", "NAME", "BASE", "SIZE", "USERS");
	for (i = 0; i < n; i++) {
		cohort_format_size(v[i].size, true, sz, sizeof(sz));
		cohort_format_cpulist(v[i].users, COHORT_MAX_KERNELS, users,
				      sizeof(users));
		printf("%-20s 0x%-12llx %8s  %s\n", v[i].name,
		       (unsigned long long)v[i].base, sz,
		       users[0] ? users : "-");
	}
	free(v);
	return EXIT_OK;
}

/* NAME, the one argument left after the options. */
static int region_name(struct cli *c, int argc, char **argv,
		       const char **name)
{
	char err[COHORT_ERR_MAX], q[64];

	if (optind >= argc)
		return cli_usage_err(c, "missing the region NAME");
	if (optind + 1 < argc) {
		cohort_quote(argv[optind + 1], q, sizeof(q));
		return cli_usage_err(c, "unexpected argument '%s'", q);
	}
	*name = argv[optind];
	if (cohort_check_name(*name, err, sizeof(err))) {
		cli_err("%s: %s", c->cmd, err);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

static int region_create(struct cli *c, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "size", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	char err[COHORT_ERR_MAX], a[COHORT_SIZE_STR_MAX], b[COHORT_SIZE_STR_MAX];
	unsigned int seen[256] = { 0 };
	struct cohort_ioc_region req;
	const char *size = NULL, *name;
	struct json_object *o;
	int opt, ret;

	while ((opt = cli_getopt(c, argc, argv, "s:", lo, seen)) != -1) {
		if (opt != 's')
			return opt == -2 ? EXIT_OK : EXIT_USAGE;
		size = optarg;
	}
	ret = region_name(c, argc, argv, &name);
	if (ret)
		return ret;
	if (!size)
		return cli_usage_err(c, "--size SIZE is required");
	memset(&req, 0, sizeof(req));
	snprintf(req.name, sizeof(req.name), "%s", name);
	if (cohort_parse_size(size, &req.size, err, sizeof(err))) {
		cli_err("%s %s: %s", c->cmd, name, err);
		return EXIT_USAGE;
	}
	if (!req.size || req.size % COHORT_MEM_ALIGN) {
		cohort_format_size(req.size, false, a, sizeof(a));
		cohort_format_size(COHORT_MEM_ALIGN, false, b, sizeof(b));
		cli_err("%s %s: the size %s is not a non-zero multiple of %s",
			c->cmd, name, a, b);
		return EXIT_USAGE;
	}
	ret = cli_dev_ioctl(c, name, COHORT_IOC_REGION_CREATE, &req, req.msg);
	if (ret)
		return ret;
	if (c->json) {
		o = json_object_new_object();
		json_object_object_add(o, "name", json_object_new_string(name));
		json_object_object_add(o, "base",
				       json_object_new_uint64(req.base));
		json_object_object_add(o, "size",
				       json_object_new_uint64(req.size));
		cli_json_print(c, o);
		json_object_put(o);
	}
	return EXIT_OK;
}

static int region_delete(struct cli *c, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct cohort_ioc_region req;
	const char *name;
	int opt, ret;

	while ((opt = cli_getopt(c, argc, argv, "", lo, NULL)) != -1)
		return opt == -2 ? EXIT_OK : EXIT_USAGE;
	ret = region_name(c, argc, argv, &name);
	if (ret)
		return ret;
	memset(&req, 0, sizeof(req));
	snprintf(req.name, sizeof(req.name), "%s", name);
	return cli_dev_ioctl(c, name, COHORT_IOC_REGION_DELETE, &req, req.msg);
}

/**
 * cmd_region() - "cohort region [list|create|delete] ..."
 * @c: the invocation
 * @argc: arguments of the command
 * @argv: the arguments; argv[1] is the subcommand, if any
 *
 * Return: an exit status.
 */
int cmd_region(struct cli *c, int argc, char **argv)
{
	static const struct {
		const char *name;
		const char *cmd;
		int (*run)(struct cli *c, int argc, char **argv);
	} subs[] = {
		{ "list", "region list", region_list },
		{ "create", "region create", region_create },
		{ "delete", "region delete", region_delete },
	};
	char q[64];
	size_t i;

	/* No subcommand, or only options: list. */
	if (argc < 2 || argv[1][0] == '-')
		return region_list(c, argc, argv);
	for (i = 0; i < ARRAY_SIZE(subs); i++) {
		if (strcmp(argv[1], subs[i].name))
			continue;
		/* messages say "region create"; --help shows "region" */
		optind = 0;
		c->cmd = subs[i].cmd;
		return subs[i].run(c, argc - 1, argv + 1);
	}
	cohort_quote(argv[1], q, sizeof(q));
	return cli_usage_err(c, "unknown subcommand '%s' (list, create, delete)",
			     q);
}
