// SPDX-License-Identifier: GPL-2.0
/*
 * cohort(8): "cohort images" and "cohort rmi": the images "cohort run"
 * imported (imgstore.c).
 *
 *	cohort images [-j]
 *	cohort rmi IMAGE...	(an id, a unique prefix of at least 4 hex
 *				 digits, or the source it was imported from)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "cohort.h"
#include "cohort/parse.h"
#include "imgstore.h"

/* Instances the image's region is granted to: a count and their names. */
static unsigned int users(struct cli *c, const struct img_rec *r, char *names,
			  size_t len)
{
	char path[4096];
	unsigned int n = 0;
	const char *p;

	names[0] = '\0';
	snprintf(path, sizeof(path), "%s/regions/%s/grants", c->sysfs,
		 r->region);
	if (sysfs_read(path, names, len) < 0) {
		names[0] = '\0';
		return 0;
	}
	for (p = names; *p; p++)
		n += *p == ',';
	return names[0] ? n + 1 : 0;
}

/* Bytes for a table: "512B", "9.8K", "1.9M", "2.0G". */
static void human(uint64_t v, char *buf, size_t len)
{
	static const char units[] = "KMGT";
	double d = (double)v;
	int u = -1;

	while (d >= 1024 && u < 3) {
		d /= 1024;
		u++;
	}
	if (u < 0)
		snprintf(buf, len, "%lluB", (unsigned long long)v);
	else
		snprintf(buf, len, "%.1f%c", d, units[u]);
}

/**
 * cmd_images() - "cohort images [-j]"
 * @c: the invocation
 * @argc: arguments of the command
 * @argv: the arguments
 *
 * Return: an exit status.
 */
int cmd_images(struct cli *c, int argc, char **argv)
{
	static const char *const head[] = { "IMAGE", "SOURCE", "SIZE",
					    "REGION", "INSTANCES" };
	char grants[COHORT_MAX_KERNELS * COHORT_NAME_MAX];
	struct img_rec *v;
	size_t n, i;
	int ret, w[5] = { 0 };

	ret = cli_info_begin(c, argc, argv);
	if (ret)
		return ret < 0 ? EXIT_OK : ret;
	ret = imgstore_list(&v, &n);
	if (ret) {
		cli_err("%s: cannot read the image records: %s", c->cmd,
			strerror(-ret));
		return EXIT_FAIL;
	}
	if (c->json) {
		struct json_object *a = json_object_new_array();

		for (i = 0; i < n; i++) {
			struct json_object *o = json_object_new_object();
			unsigned int u = users(c, &v[i], grants,
					       sizeof(grants));
			struct json_object *names = json_object_new_array();
			char *p = grants, *tok;

			json_object_object_add(o, "id",
				json_object_new_string(v[i].digest));
			json_object_object_add(o, "source",
				json_object_new_string(v[i].source));
			json_object_object_add(o, "bytes",
				json_object_new_uint64(v[i].bytes));
			json_object_object_add(o, "region",
				json_object_new_string(v[i].region));
			json_object_object_add(o, "region_size",
				json_object_new_uint64(v[i].region_size));
			json_object_object_add(o, "present",
				json_object_new_boolean(
					imgstore_region_exists(c, v[i].region)));
			while (u && (tok = strsep(&p, ",")))
				json_object_array_add(names,
					json_object_new_string(tok));
			json_object_object_add(o, "instances", names);
			json_object_object_add(o, "created",
				json_object_new_int64(v[i].created));
			json_object_array_add(a, o);
		}
		cli_json_print(c, a);
		json_object_put(a);
		free(v);
		return EXIT_OK;
	}
	{
		char (*cells)[5][1100] = calloc(n + 1, sizeof(*cells));
		const char *col[5];

		if (!cells) {
			free(v);
			return EXIT_FAIL;
		}
		for (i = 0; i < n; i++) {
			char sz[COHORT_SIZE_STR_MAX];

			human(v[i].bytes, sz, sizeof(sz));
			snprintf(cells[i][0], sizeof(cells[i][0]), "%.12s",
				 v[i].id);
			snprintf(cells[i][1], sizeof(cells[i][1]), "%s",
				 v[i].source);
			snprintf(cells[i][2], sizeof(cells[i][2]), "%s", sz);
			snprintf(cells[i][3], sizeof(cells[i][3]), "%s%s",
				 v[i].region,
				 imgstore_region_exists(c, v[i].region) ?
				 "" : " (gone)");
			snprintf(cells[i][4], sizeof(cells[i][4]), "%u",
				 users(c, &v[i], grants, sizeof(grants)));
		}
		table_widen(w, head, 5);
		for (i = 0; i < n; i++) {
			for (int k = 0; k < 5; k++)
				col[k] = cells[i][k];
			table_widen(w, col, 5);
		}
		table_row(w, head, 5, "llrlr");
		for (i = 0; i < n; i++) {
			for (int k = 0; k < 5; k++)
				col[k] = cells[i][k];
			table_row(w, col, 5, "llrlr");
		}
		free(cells);
	}
	free(v);
	return EXIT_OK;
}

static bool is_hex(const char *s)
{
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return false;
	return true;
}

/* The image @arg names: 0 and *r, or an exit status after a message. */
static int find_image(struct cli *c, const char *arg, struct img_rec *r)
{
	const char *id = strncmp(arg, "sha256:", 7) ? arg : arg + 7;
	struct img_rec *v;
	size_t n, i, hits = 0;
	char q[256];
	int ret;

	ret = imgstore_list(&v, &n);
	if (ret) {
		cli_err("%s: cannot read the image records: %s", c->cmd,
			strerror(-ret));
		return EXIT_FAIL;
	}
	for (i = 0; i < n; i++) {
		bool by_id = strlen(id) >= 4 && is_hex(id) &&
			     !strncmp(v[i].id, id, strlen(id));

		if (by_id || !strcmp(v[i].source, arg)) {
			if (!hits++)
				*r = v[i];
		}
	}
	free(v);
	cohort_quote(arg, q, sizeof(q));
	if (!hits) {
		cli_err("%s: no imported image '%s' (see 'cohort images')",
			c->cmd, q);
		return EXIT_NOTFOUND;
	}
	if (hits > 1) {
		cli_err("%s: '%s' names %zu images; give more of the id",
			c->cmd, q, hits);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

/**
 * cmd_rmi() - "cohort rmi IMAGE..."
 * @c: the invocation
 * @argc: arguments of the command
 * @argv: the arguments
 *
 * Every IMAGE is checked before any is removed; one an instance uses
 * (its region is granted to it) is refused.
 *
 * Return: an exit status.
 */
int cmd_rmi(struct cli *c, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct img_rec *recs;
	int opt, ret = EXIT_OK, i, n;

	while ((opt = cli_getopt(c, argc, argv, "", lo, NULL)) != -1)
		return opt == -2 ? EXIT_OK : EXIT_USAGE;
	if (optind >= argc)
		return cli_usage_err(c, "an IMAGE is required");
	ret = sysfs_available(c);
	if (ret)
		return ret;
	n = argc - optind;
	recs = calloc((size_t)n, sizeof(*recs));
	if (!recs)
		return EXIT_FAIL;
	for (i = 0; i < n && !ret; i++)
		ret = find_image(c, argv[optind + i], &recs[i]);
	for (i = 0; i < n && !ret; i++) {
		ret = imgstore_remove(c, &recs[i]);
		if (!ret)
			printf("%.12s\n", recs[i].id);
	}
	free(recs);
	return ret;
}
