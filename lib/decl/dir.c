// SPDX-License-Identifier: GPL-2.0
/*
 * A directory of declared instances (/etc/cohort/instances.d): every
 * NAME.conf in it, in name order, other files ignored; then what they
 * must satisfy together (deps.c).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static bool is_conf(const char *name)
{
	size_t len = strlen(name), slen = strlen(DECL_SUFFIX);

	return len >= slen && !strcmp(name + len - slen, DECL_SUFFIX);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.conf names of @dir, sorted; 0, or -1 after an error. */
static int list_dir(const char *dir, char ***out, size_t *n,
		    struct decl_errors *errs)
{
	char **v = NULL, **nv;
	struct dirent *de;
	size_t cap = 0;
	DIR *d;

	*out = NULL;
	*n = 0;
	d = opendir(dir);
	if (!d) {
		decl_errors_add(errs, dir, 0, "cannot read the directory: %s",
				strerror(errno));
		return -1;
	}
	for (;;) {
		errno = 0;
		de = readdir(d);
		if (!de)
			break;
		if (!is_conf(de->d_name))
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			nv = realloc(v, cap * sizeof(*nv));
			if (!nv)
				goto oom;
			v = nv;
		}
		v[*n] = strdup(de->d_name);
		if (!v[*n])
			goto oom;
		(*n)++;
	}
	if (errno) {
		decl_errors_add(errs, dir, 0, "cannot read the directory: %s",
				strerror(errno));
		closedir(d);
		decl_strv_free(v, *n);
		*n = 0;
		return -1;
	}
	closedir(d);
	if (*n > 1)
		qsort(v, *n, sizeof(*v), cmp_str);
	*out = v;
	return 0;
oom:
	decl_errors_add(errs, dir, 0, "out of memory");
	closedir(d);
	decl_strv_free(v, *n);
	*n = 0;
	return -1;
}

/**
 * decl_load_dir() - read and check every declared instance of a directory
 * @dir: the directory (DECL_DIR_DEFAULT, or $COHORT_CONFIG_DIR)
 * @flags: as for decl_parse_file()
 * @set: out: the instances whose file name is valid, sorted by name,
 *	errors or not, with their start order; decl_set_free() it
 * @errs: every error found is added here, and the list is then sorted
 *	by file and line
 *
 * Reads every file whose name ends in .conf, ignores the others, and
 * checks them together (decl_set_check()).  More than
 * DECL_MAX_INSTANCES of them is an error of the directory (line 0).
 *
 * Return: 0 when everything is right, -1 when errors were added.
 */
int decl_load_dir(const char *dir, unsigned int flags, struct decl_set *set,
		  struct decl_errors *errs)
{
	size_t before = errs->n, nr, i, len = strlen(dir);
	struct decl_instance *d, **nv;
	char **names, *path;

	memset(set, 0, sizeof(*set));
	/* "dir/" names its files "dir/x.conf", not "dir//x.conf" */
	while (len > 1 && dir[len - 1] == '/')
		len--;
	if (list_dir(dir, &names, &nr, errs))
		return -1;
	if (nr > DECL_MAX_INSTANCES)
		decl_errors_add(errs, dir, 0,
				"%zu instances are declared; at most %d fit beside the primary",
				nr, DECL_MAX_INSTANCES);
	for (i = 0; i < nr; i++) {
		if (asprintf(&path, "%.*s/%s", (int)len, dir, names[i]) < 0) {
			decl_errors_add(errs, dir, 0, "out of memory");
			break;
		}
		decl_parse_file(path, flags, &d, errs);
		free(path);
		if (!d)
			continue;
		if (!d->name[0]) {
			decl_instance_free(d);
			continue;
		}
		nv = realloc(set->v, (set->n + 1) * sizeof(*nv));
		if (!nv) {
			decl_instance_free(d);
			decl_errors_add(errs, dir, 0, "out of memory");
			break;
		}
		set->v = nv;
		set->v[set->n++] = d;
	}
	decl_strv_free(names, nr);
	decl_set_check(set, errs);
	decl_errors_sort(errs);
	return errs->n > before ? -1 : 0;
}

/**
 * decl_set_find() - a declared instance by name
 * @set: the set, checked (sorted by name)
 * @name: the name
 *
 * Return: the instance, or NULL.
 */
const struct decl_instance *decl_set_find(const struct decl_set *set,
					  const char *name)
{
	size_t lo = 0, hi = set->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(name, set->v[mid]->name);

		if (!c)
			return set->v[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/**
 * decl_set_free() - free a set of declared instances, leaving it empty
 * @set: the set
 */
void decl_set_free(struct decl_set *set)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		decl_instance_free(set->v[i]);
	free(set->v);
	free(set->order);
	memset(set, 0, sizeof(*set));
}
