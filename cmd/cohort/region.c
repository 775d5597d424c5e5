// SPDX-License-Identifier: GPL-2.0
/*
 * cohort(8): "cohort region": named regions of the pool that kernels map
 * (a cohortfs mounted with -o region=NAME): the primary any region, an
 * instance only the regions granted to it.
 *
 *	cohort region [list] [-j]
 *	cohort region create NAME --size SIZE [--dry-run] [-j]
 *	cohort region delete NAME
 *	cohort region grant NAME INSTANCE [--read-only]
 *	cohort region revoke NAME INSTANCE
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
	/* the grants file: instance names, comma-separated; "" for none */
	char grants[COHORT_MAX_KERNELS * COHORT_NAME_MAX];
	bool has_grants;	/* false: no grants file (an older kernel) */
};

/* The name arguments of the subcommands. */
static const char *const region_arg[] = { "region", NULL };
static const char *const grant_args[] = { "region", "instance", NULL };

static int cmp_region(const void *a, const void *b)
{
	const struct region *x = a, *y = b;

	return x->base < y->base ? -1 : x->base > y->base;
}

/* Reads regions/NAME/ATTR as a number; prints why and fails otherwise. */
static int region_u64(struct cli *c, const char *name, const char *attr,
		      __u64 *val)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/regions/%s/%s", c->sysfs, name, attr);
	return sysfs_u64_or_say(path, false, val);
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
	snprintf(path, sizeof(path), "%s/regions/%s/grants", c->sysfs, name);
	ret = sysfs_read(path, r->grants, sizeof(r->grants));
	if (ret == -ENOENT)
		return EXIT_OK;
	if (ret < 0) {
		cli_err("cannot read %s: %s", path, strerror(-ret));
		return EXIT_FAIL;
	}
	r->has_grants = true;
	return EXIT_OK;
}

/* The grants file as a JSON array of names; null when there is none. */
static struct json_object *grants_json(const struct region *r)
{
	struct json_object *a;
	const char *p = r->grants;
	size_t n;

	if (!r->has_grants)
		return NULL;
	a = json_object_new_array();
	while (*p) {
		n = strcspn(p, ",");
		if (n)
			json_object_array_add(a,
				json_object_new_string_len(p, (int)n));
		p += n;
		if (*p)
			p++;
	}
	return a;
}

/* The USERS column: list syntax, or "-". */
static void users_text(const struct region *r, char *buf, size_t len)
{
	cohort_format_cpulist(r->users, COHORT_MAX_KERNELS, buf, len);
	if (!buf[0])
		snprintf(buf, len, "-");
}

/* An entry of regions/ for sysfs_collect(): 1, 0 or -EXIT_*. */
static int region_get(struct cli *c, const char *name, void *elem)
{
	int ret;

	if (strlen(name) >= COHORT_NAME_MAX)
		return 0;
	ret = region_read(c, name, elem);
	return ret ? -ret : 1;
}

/* All regions, sorted by base; *out is malloc()ed. */
static int regions_read(struct cli *c, struct region **out, size_t *n)
{
	char path[4096];
	DIR *dir;
	void *v;
	int ret;

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
	ret = sysfs_collect(c, dir, sizeof(**out), region_get, cmp_region,
			    &v, n);
	if (ret)
		return ret;
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
	int ret, w;

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
			json_object_object_add(o, "grants", grants_json(&v[i]));
			json_object_array_add(a, o);
		}
		cli_json_print(c, a);
		json_object_put(a);
		free(v);
		return EXIT_OK;
	}
	w = (int)strlen("USERS");
	for (i = 0; i < n; i++) {
		users_text(&v[i], users, sizeof(users));
		if ((int)strlen(users) > w)
			w = (int)strlen(users);
	}
	printf("%-20s %-14s %8s  %-*s  %s\n", "NAME", "BASE", "SIZE", w,
	       "USERS", "GRANTS");
	for (i = 0; i < n; i++) {
		cohort_format_size(v[i].size, true, sz, sizeof(sz));
		users_text(&v[i], users, sizeof(users));
		printf("%-20s 0x%-12llx %8s  %-*s  %s\n", v[i].name,
		       (unsigned long long)v[i].base, sz, w, users,
		       v[i].grants[0] ? v[i].grants : "-");
	}
	free(v);
	return EXIT_OK;
}

/* "region create NAME --size SIZE [--dry-run] [-j]" */
static int region_create(struct cli *c, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "size", required_argument, NULL, 's' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	char err[COHORT_ERR_MAX], a[COHORT_SIZE_STR_MAX], b[COHORT_SIZE_STR_MAX];
	unsigned int seen[256] = { 0 };
	struct cohort_ioc_region req;
	const char *size = NULL, *name;
	struct json_object *o;
	bool dry = false;
	int opt, ret;

	while ((opt = cli_getopt(c, argc, argv, "s:njp", lo, seen)) != -1) {
		if (opt == 's')
			size = optarg;
		else if (opt == 'n')
			dry = true;
		else if (!cli_json_opt(c, opt))
			return opt == -2 ? EXIT_OK : EXIT_USAGE;
	}
	ret = cli_names_arg(c, argc, argv, region_arg, &name);
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
	if (dry)
		req.flags = COHORT_REGION_DRY_RUN;
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
		json_object_object_add(o, "dry_run",
				       json_object_new_boolean(dry));
		cli_json_print(c, o);
		json_object_put(o);
	} else if (dry) {
		cohort_format_size(req.size, false, a, sizeof(a));
		printf("would create region %s: %s at 0x%llx; nothing changed\n",
		       name, a, (unsigned long long)req.base);
	}
	return EXIT_OK;
}

static int region_delete(struct cli *c, int argc, char **argv)
{
	struct cohort_ioc_region req;
	const char *name;
	int ret;

	ret = cli_plain_names(c, argc, argv, region_arg, &name);
	if (ret)
		return ret < 0 ? EXIT_OK : ret;
	memset(&req, 0, sizeof(req));
	snprintf(req.name, sizeof(req.name), "%s", name);
	return cli_dev_ioctl(c, name, COHORT_IOC_REGION_DELETE, &req, req.msg);
}

/* The grant or revoke itself, once the names are known. */
static int grant_request(struct cli *c, const char *const *names, __u32 flags)
{
	char both[2 * COHORT_NAME_MAX];
	struct cohort_ioc_grant req;

	memset(&req, 0, sizeof(req));
	snprintf(req.region, sizeof(req.region), "%s", names[0]);
	snprintf(req.instance, sizeof(req.instance), "%s", names[1]);
	req.flags = flags;
	/* refusals read "cohort: region grant data web: ..." */
	snprintf(both, sizeof(both), "%s %s", names[0], names[1]);
	return cli_dev_ioctl(c, both, COHORT_IOC_REGION_GRANT, &req, req.msg);
}

/* "region grant NAME INSTANCE [--read-only]" */
static int region_grant(struct cli *c, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "read-only", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	unsigned int seen[256] = { 0 };
	const char *names[2];
	__u32 flags = 0;
	int opt, ret;

	while ((opt = cli_getopt(c, argc, argv, "r", lo, seen)) != -1) {
		if (opt != 'r')
			return opt == -2 ? EXIT_OK : EXIT_USAGE;
		flags |= COHORT_GRANT_READONLY;
	}
	ret = cli_names_arg(c, argc, argv, grant_args, names);
	if (ret)
		return ret;
	return grant_request(c, names, flags);
}

/* "region revoke NAME INSTANCE" */
static int region_revoke(struct cli *c, int argc, char **argv)
{
	const char *names[2];
	int ret;

	ret = cli_plain_names(c, argc, argv, grant_args, names);
	if (ret)
		return ret < 0 ? EXIT_OK : ret;
	return grant_request(c, names, COHORT_GRANT_REVOKE);
}

/**
 * cmd_region() - "cohort region [list|create|delete|grant|revoke] ..."
 * @c: the invocation
 * @argc: arguments of the command
 * @argv: the arguments; argv[1] is the subcommand, if any
 *
 * Return: an exit status.
 */
int cmd_region(struct cli *c, int argc, char **argv)
{
	static const struct subcommand subs[] = {
		{ "list", "region list", region_list },
		{ "create", "region create", region_create },
		{ "delete", "region delete", region_delete },
		{ "grant", "region grant", region_grant },
		{ "revoke", "region revoke", region_revoke },
	};

	return cli_subcommand(c, argc, argv, subs, ARRAY_SIZE(subs));
}
