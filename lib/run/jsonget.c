// SPDX-License-Identifier: GPL-2.0
/*
 * Strings and string arrays out of JSON that another party wrote (a run
 * spec, an exec request): each checked once, copied.
 */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "internal.h"

/**
 * run_json_string() - a JSON string without NUL, copied
 * @v: the value
 * @doc: what it is part of, for messages ("run spec")
 * @what: its name there ("process.cwd")
 * @out: out: the copy (malloc()ed)
 * @err: why it is refused
 * @errlen: bytes at @err
 *
 * Return: 0, or -1.
 */
int run_json_string(struct json_object *v, const char *doc, const char *what,
		    char **out, char *err, size_t errlen)
{
	const char *s;

	if (!json_object_is_type(v, json_type_string)) {
		cohort_seterr(err, errlen, "%s: %s is not a string", doc, what);
		return -1;
	}
	s = json_object_get_string(v);
	if (strlen(s) != (size_t)json_object_get_string_len(v)) {
		cohort_seterr(err, errlen, "%s: %s holds a NUL character", doc,
			      what);
		return -1;
	}
	*out = strdup(s);
	if (!*out) {
		cohort_seterr(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

/**
 * run_json_strv() - a JSON array of strings, copied
 * @v: the value
 * @doc: what it is part of, for messages
 * @what: its name there
 * @out: out: a NULL-terminated array (run_strv_free()); on failure what
 *	was copied so far, for the caller to free
 * @err: why it is refused
 * @errlen: bytes at @err
 *
 * At most RUN_MAX_ENTRIES entries.
 *
 * Return: 0, or -1.
 */
int run_json_strv(struct json_object *v, const char *doc, const char *what,
		  char ***out, char *err, size_t errlen)
{
	size_t i, n;

	if (!json_object_is_type(v, json_type_array)) {
		cohort_seterr(err, errlen, "%s: %s is not an array of strings",
			      doc, what);
		return -1;
	}
	n = json_object_array_length(v);
	if (n > RUN_MAX_ENTRIES) {
		cohort_seterr(err, errlen, "%s: %s has %zu entries: at most %d are allowed",
			      doc, what, n, RUN_MAX_ENTRIES);
		return -1;
	}
	*out = calloc(n + 1, sizeof(**out));
	if (!*out) {
		cohort_seterr(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0; i < n; i++) {
		json_object *e = json_object_array_get_idx(v, i);

		if (!json_object_is_type(e, json_type_string)) {
			cohort_seterr(err, errlen, "%s: %s is not an array of strings",
				      doc, what);
			return -1;
		}
		if (run_json_string(e, doc, what, &(*out)[i], err, errlen))
			return -1;
	}
	return 0;
}
