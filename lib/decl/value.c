// SPDX-License-Identifier: GPL-2.0
/*
 * What the value parsers of the sections share: bounded numbers,
 * absolute paths, copies of strings and string arrays.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cohort/err.h"
#include "cohort/parse.h"
#include "internal.h"

/**
 * decl_uint() - a whole number within bounds (cohort_parse_uint())
 * @v: the value: decimal digits only
 * @what: what it is, for messages ("restart limit")
 * @unit: its unit in words, or NULL
 * @min: the smallest value allowed
 * @max: the largest value allowed
 * @out: the number
 * @err: why @v is refused
 * @errlen: bytes at @err
 *
 * Return: 0, or -1.
 */
int decl_uint(const char *v, const char *what, const char *unit, __u32 min,
	      __u32 max, __u32 *out, char *err, size_t errlen)
{
	return cohort_parse_uint(v, what, unit, min, max, out, err, errlen) ?
	       -1 : 0;
}

/**
 * decl_yes_no() - yes or no
 * @v: the value
 * @out: true for yes
 * @err: why @v is refused
 * @errlen: bytes at @err
 *
 * Return: 0, or -1.
 */
int decl_yes_no(const char *v, bool *out, char *err, size_t errlen)
{
	char q[96];

	if (!strcmp(v, "yes") || !strcmp(v, "no")) {
		*out = !strcmp(v, "yes");
		return 0;
	}
	cohort_quote(v, q, sizeof(q));
	cohort_seterr(err, errlen, "'%s': want yes or no", q);
	return -1;
}

/**
 * decl_strdup() - copy a string
 * @v: the string
 * @out: out: the copy (a previous one is freed)
 * @err: "out of memory" on failure
 * @errlen: bytes at @err
 *
 * Return: 0, or -1.
 */
int decl_strdup(const char *v, char **out, char *err, size_t errlen)
{
	char *s = strdup(v);

	if (!s) {
		cohort_seterr(err, errlen, "out of memory");
		return -1;
	}
	free(*out);
	*out = s;
	return 0;
}

/**
 * decl_abs_path() - check and copy an absolute path
 * @v: the path
 * @what: what it names, for messages ("kernel")
 * @out: out: the copy
 * @err: why @v is refused
 * @errlen: bytes at @err
 *
 * A configuration file is read by cohortd as well, whose working
 * directory means nothing to its author: every path is absolute.
 *
 * Return: 0, or -1.
 */
int decl_abs_path(const char *v, const char *what, char **out, char *err,
		  size_t errlen)
{
	char q[96];

	cohort_quote(v, q, sizeof(q));
	if (v[0] != '/') {
		cohort_seterr(err, errlen, "the %s '%s' is not an absolute path",
			      what, q);
		return -1;
	}
	if (strlen(v) >= PATH_MAX) {
		cohort_seterr(err, errlen, "the %s path is longer than %d bytes",
			      what, PATH_MAX - 1);
		return -1;
	}
	return decl_strdup(v, out, err, errlen);
}

/**
 * decl_strv_push() - append a copy of a string to an array
 * @v: the array (*v NULL: a new one)
 * @n: its length
 * @s: the string
 * @err: "out of memory" on failure
 * @errlen: bytes at @err
 *
 * Return: 0, or -1.
 */
int decl_strv_push(char ***v, size_t *n, const char *s, char *err,
		   size_t errlen)
{
	char **nv = realloc(*v, (*n + 1) * sizeof(*nv));

	if (!nv) {
		cohort_seterr(err, errlen, "out of memory");
		return -1;
	}
	*v = nv;
	nv[*n] = strdup(s);
	if (!nv[*n]) {
		cohort_seterr(err, errlen, "out of memory");
		return -1;
	}
	(*n)++;
	return 0;
}

/**
 * decl_strv_free() - free an array of strings
 * @v: the array, or NULL
 * @n: its length
 */
void decl_strv_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}
