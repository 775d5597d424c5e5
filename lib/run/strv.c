// SPDX-License-Identifier: GPL-2.0
/*
 * NULL-terminated arrays of malloc()ed strings, as run_spec holds them.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/**
 * run_strv_len() - number of strings before the NULL
 * @v: the array, or NULL (0)
 *
 * Return: the count.
 */
size_t run_strv_len(char *const *v)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

/**
 * run_strv_free() - free an array and its strings
 * @v: the array, or NULL
 */
void run_strv_free(char **v)
{
	size_t i;

	for (i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

/**
 * run_strv_dup() - copy an array and its strings
 * @v: the array; NULL gives an empty array
 *
 * Return: the copy, or NULL when out of memory.
 */
char **run_strv_dup(char *const *v)
{
	size_t i, n = run_strv_len(v);
	char **d = calloc(n + 1, sizeof(*d));

	if (!d)
		return NULL;
	for (i = 0; i < n; i++) {
		d[i] = strdup(v[i]);
		if (!d[i]) {
			run_strv_free(d);
			return NULL;
		}
	}
	return d;
}

/**
 * run_strv_push() - append a string, taking it over
 * @v: the array (*v NULL: a new one)
 * @s: a malloc()ed string, freed on failure; NULL fails
 *
 * Return: 0, or -1 when out of memory (@v is left as it was).
 */
int run_strv_push(char ***v, char *s)
{
	size_t n = run_strv_len(*v);
	char **nv;

	if (!s)
		return -1;
	nv = realloc(*v, (n + 2) * sizeof(*nv));
	if (!nv) {
		free(s);
		return -1;
	}
	nv[n] = s;
	nv[n + 1] = NULL;
	*v = nv;
	return 0;
}
