// SPDX-License-Identifier: GPL-2.0
/*
 * JSON that another party wrote (a run spec, an exec request): the
 * document parsed strictly, strings and string arrays out of it, each
 * checked once, copied.
 */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "internal.h"

/**
 * run_json_parse() - parse one strict JSON document
 * @buf: the text (need not be NUL-terminated)
 * @len: its bytes
 * @depth: the deepest nesting allowed
 * @doc: what it is, for messages ("run spec")
 * @out: out: the value, to release with json_object_put()
 * @err: why it is refused
 * @errlen: bytes at @err
 *
 * Refuses a NUL byte, what json-c's strict mode refuses, nesting deeper
 * than @depth and text after the value (white space aside).
 *
 * Return: 0, or -1.
 */
int run_json_parse(const char *buf, size_t len, int depth, const char *doc,
		   struct json_object **out, char *err, size_t errlen)
{
	struct json_tokener *tok;
	enum json_tokener_error jerr;
	json_object *o;
	size_t end;

	*out = NULL;
	if (memchr(buf, '\0', len)) {
		cohort_seterr(err, errlen, "%s: holds a NUL byte", doc);
		return -1;
	}
	tok = json_tokener_new_ex(depth);
	if (!tok) {
		cohort_seterr(err, errlen, "out of memory");
		return -1;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	o = json_tokener_parse_ex(tok, buf, (int)len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	if (jerr == json_tokener_continue) {
		/* A bare number or literal ends only at a terminator. */
		o = json_tokener_parse_ex(tok, "", 1);
		jerr = json_tokener_get_error(tok);
		end = len;
	}
	json_tokener_free(tok);
	if (jerr != json_tokener_success) {
		cohort_seterr(err, errlen, "%s: not valid JSON: %s", doc,
			      json_tokener_error_desc(jerr));
		json_object_put(o);
		return -1;
	}
	for (; end < len; end++) {
		if (!strchr(" \t\r\n", buf[end])) {
			cohort_seterr(err, errlen, "%s: text after the JSON value",
				      doc);
			json_object_put(o);
			return -1;
		}
	}
	*out = o;
	return 0;
}

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
