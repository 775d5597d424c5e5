// SPDX-License-Identifier: GPL-2.0
/*
 * Environment lists, "NAME=value": their form, lookup and docker's merge
 * rule (a NAME already there is replaced in place, a new one appended).
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/**
 * run_env_name_len() - length of the NAME of "NAME=value"
 * @entry: the entry
 *
 * Return: bytes before the first '=', or the whole length without one.
 */
size_t run_env_name_len(const char *entry)
{
	return strcspn(entry, "=");
}

/**
 * run_env_entry_check() - check that @entry is "NAME=value"
 * @entry: the entry
 * @what: where it comes from, for the message ("image config: Env")
 * @err: message on failure
 * @errlen: bytes at @err
 *
 * NAME must be non-empty; the value may hold anything (but NUL).
 *
 * Return: 0, or -1.
 */
int run_env_entry_check(const char *entry, const char *what, char *err,
			size_t errlen)
{
	size_t n = run_env_name_len(entry);

	if (!entry[n]) {
		cohort_seterr(err, errlen, "%s: '%.64s' is not NAME=value", what, entry);
		return -1;
	}
	if (!n) {
		cohort_seterr(err, errlen, "%s: '%.64s' has an empty variable name",
			what, entry);
		return -1;
	}
	return 0;
}

/**
 * run_env_get() - the entry of a name
 * @env: the list, or NULL
 * @name: the name (need not be terminated)
 * @namelen: its length
 *
 * Return: the whole "NAME=value" entry, or NULL.
 */
const char *run_env_get(char *const *env, const char *name, size_t namelen)
{
	size_t i;

	for (i = 0; env && env[i]; i++)
		if (run_env_name_len(env[i]) == namelen &&
		    !memcmp(env[i], name, namelen))
			return env[i];
	return NULL;
}

/**
 * run_env_set() - set a variable as docker merges environments
 * @env: the list (*env NULL: a new one)
 * @entry: "NAME=value", copied; replaces NAME's entry in place if there
 *	is one, else is appended
 *
 * Return: 0, or -1 when out of memory.
 */
int run_env_set(char ***env, const char *entry)
{
	size_t i, n = run_env_name_len(entry);
	char *s = strdup(entry);

	if (!s)
		return -1;
	for (i = 0; *env && (*env)[i]; i++) {
		if (run_env_name_len((*env)[i]) == n &&
		    !memcmp((*env)[i], entry, n)) {
			free((*env)[i]);
			(*env)[i] = s;
			return 0;
		}
	}
	return run_strv_push(env, s);
}
