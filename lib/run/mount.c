// SPDX-License-Identifier: GPL-2.0
/*
 * Volumes (`cohort run -v`): what a run_mount must satisfy, checked where
 * the spec is made (the primary) and where it is read (the instance), and
 * the deep copies and frees of the list.
 *
 * The instance mounts the region and opens the source below it without
 * leaving that filesystem, and resolves the target inside the new root
 * without following links; the checks here only make sure the text can
 * mean nothing else: a region name, a relative source with no "." or ".."
 * component, an absolute normalised target other than "/", no target
 * twice, at most RUN_MAX_MOUNTS.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cohort/parse.h"
#include "internal.h"

static int check_source(const char *s, size_t i, char *err, size_t errlen)
{
	const char *p = s, *c;

	if (!s) {
		cohort_seterr(err, errlen, "mount %zu: no source", i);
		return -1;
	}
	if (strlen(s) >= PATH_MAX) {
		cohort_seterr(err, errlen, "mount %zu: source is longer than %d bytes",
			i, PATH_MAX - 1);
		return -1;
	}
	if (s[0] == '/') {
		cohort_seterr(err, errlen,
			"mount %zu: source '%.64s' must be relative to the region's root",
			i, s);
		return -1;
	}
	while (*s && *p) {
		size_t n;

		c = p;
		while (*p && *p != '/')
			p++;
		n = p - c;
		if (!n) {
			cohort_seterr(err, errlen,
				"mount %zu: source '%.64s' has an empty component ('//' or a trailing '/')",
				i, s);
			return -1;
		}
		if ((n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.')) {
			cohort_seterr(err, errlen,
				"mount %zu: source '%.64s': '.' and '..' are not allowed",
				i, s);
			return -1;
		}
		if (*p == '/' && !*++p) {
			cohort_seterr(err, errlen,
				"mount %zu: source '%.64s' has an empty component ('//' or a trailing '/')",
				i, s);
			return -1;
		}
	}
	return 0;
}

static int check_target(const char *t, size_t i, char *err, size_t errlen)
{
	char *clean;
	int same;

	if (!t || t[0] != '/') {
		cohort_seterr(err, errlen, "mount %zu: target '%.64s' is not an absolute path",
			i, t ? t : "");
		return -1;
	}
	if (strlen(t) >= PATH_MAX) {
		cohort_seterr(err, errlen, "mount %zu: target is longer than %d bytes",
			i, PATH_MAX - 1);
		return -1;
	}
	clean = run_path_clean(t);
	if (!clean) {
		cohort_seterr(err, errlen, "out of memory");
		return -1;
	}
	same = !strcmp(clean, t);
	free(clean);
	if (!same) {
		cohort_seterr(err, errlen,
			"mount %zu: target '%.64s' is not normalised ('.', '..', '//' or a trailing '/')",
			i, t);
		return -1;
	}
	if (!strcmp(t, "/")) {
		cohort_seterr(err, errlen, "mount %zu: target '/': a volume cannot replace the root",
			i);
		return -1;
	}
	return 0;
}

/**
 * run_mounts_check() - check a list of volumes
 * @m: the volumes
 * @n: how many
 * @err: message on failure ("mount N: ...", N counted from 1)
 * @errlen: bytes at @err
 *
 * Return: 0, or -1.
 */
int run_mounts_check(const struct run_mount *m, size_t n, char *err,
		     size_t errlen)
{
	char cerr[COHORT_ERR_MAX];
	size_t i, j;

	if (n > RUN_MAX_MOUNTS) {
		cohort_seterr(err, errlen, "%zu mounts: at most %d are allowed",
			n, RUN_MAX_MOUNTS);
		return -1;
	}
	if (n && !m) {
		cohort_seterr(err, errlen, "%zu mounts and no list", n);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (cohort_check_name_of(m[i].region, "region", cerr, sizeof(cerr))) {
			cohort_seterr(err, errlen, "mount %zu: %s", i + 1, cerr);
			return -1;
		}
		if (check_source(m[i].source, i + 1, err, errlen) ||
		    check_target(m[i].target, i + 1, err, errlen))
			return -1;
		for (j = 0; j < i; j++) {
			if (!strcmp(m[j].target, m[i].target)) {
				cohort_seterr(err, errlen,
					"mount %zu: target '%.64s' is already the target of mount %zu",
					i + 1, m[i].target, j + 1);
				return -1;
			}
		}
	}
	return 0;
}

/**
 * run_mounts_free() - free a list of volumes and their strings
 * @m: the list, or NULL
 * @n: how many
 */
void run_mounts_free(struct run_mount *m, size_t n)
{
	size_t i;

	for (i = 0; m && i < n; i++) {
		free(m[i].region);
		free(m[i].source);
		free(m[i].target);
	}
	free(m);
}

/**
 * run_mounts_copy() - copy the user's volumes into a spec
 * @src: the volumes (-v)
 * @n: how many
 * @spec: receives them as mounts / nr_mounts (freed by run_spec_free())
 * @err: message on failure
 * @errlen: bytes at @err
 *
 * Each target must be absolute and is normalised as cwd is ("/data/" is
 * "/data"); then the copy must pass run_mounts_check().
 *
 * Return: 0, or -1 (what was copied stays in @spec for run_spec_free()).
 */
int run_mounts_copy(const struct run_mount *src, size_t n,
		    struct run_spec *spec, char *err, size_t errlen)
{
	size_t i;

	if (!n)
		return 0;
	if (n > RUN_MAX_MOUNTS)
		return run_mounts_check(src, n, err, errlen);
	spec->mounts = calloc(n, sizeof(*spec->mounts));
	if (!spec->mounts) {
		cohort_seterr(err, errlen, "out of memory");
		return -1;
	}
	spec->nr_mounts = n;
	for (i = 0; i < n; i++) {
		struct run_mount *d = &spec->mounts[i];

		if (!src[i].target || src[i].target[0] != '/') {
			cohort_seterr(err, errlen,
				"mount %zu: target '%.64s' is not an absolute path",
				i + 1, src[i].target ? src[i].target : "");
			return -1;
		}
		d->readonly = src[i].readonly;
		d->target = run_path_clean(src[i].target);
		if (!d->target ||
		    (src[i].region && !(d->region = strdup(src[i].region))) ||
		    (src[i].source && !(d->source = strdup(src[i].source)))) {
			cohort_seterr(err, errlen, "out of memory");
			return -1;
		}
	}
	return run_mounts_check(spec->mounts, n, err, errlen);
}
