// SPDX-License-Identifier: GPL-2.0
/*
 * cohort exec's request (exec.h): written by the primary's tool, read
 * by the instance's exec server as hostile input.  The same checks run
 * on both ends, so the primary never sends what the instance would
 * refuse.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "exec.h"
#include "internal.h"

#define JSON_DEPTH	4	/* object, array, string */
#define CWD_MAX		4095

/* What every request must satisfy, whichever end holds it. */
static int req_check(const struct run_exec_req *r, char *err, size_t errlen)
{
	size_t i;

	if (!r->args || !r->args[0]) {
		cohort_seterr(err, errlen, "exec request: no command");
		return -1;
	}
	if (!r->args[0][0]) {
		cohort_seterr(err, errlen, "exec request: the command is an empty string");
		return -1;
	}
	if (run_strv_len(r->args) > RUN_MAX_ENTRIES) {
		cohort_seterr(err, errlen, "exec request: %zu arguments: at most %d are allowed",
			      run_strv_len(r->args), RUN_MAX_ENTRIES);
		return -1;
	}
	if (r->env && run_strv_len(r->env) > RUN_MAX_ENTRIES) {
		cohort_seterr(err, errlen, "exec request: %zu environment entries: at most %d are allowed",
			      run_strv_len(r->env), RUN_MAX_ENTRIES);
		return -1;
	}
	for (i = 0; r->env && r->env[i]; i++)
		if (run_env_entry_check(r->env[i], "exec request: env", err,
					errlen))
			return -1;
	if (r->cwd && (r->cwd[0] != '/' || strlen(r->cwd) > CWD_MAX)) {
		cohort_seterr(err, errlen, "exec request: the directory '%.64s' is not an absolute path of at most %d bytes",
			      r->cwd, CWD_MAX);
		return -1;
	}
	if (r->user) {
		size_t n = strlen(r->user);

		if (!n || n > RUN_EXEC_USER_MAX) {
			cohort_seterr(err, errlen, "exec request: the user is %zu bytes: 1 to %d are allowed",
				      n, RUN_EXEC_USER_MAX);
			return -1;
		}
		for (i = 0; i < n; i++) {
			unsigned char ch = (unsigned char)r->user[i];

			if (ch < 0x20 || ch == 0x7f) {
				cohort_seterr(err, errlen, "exec request: the user holds a control character");
				return -1;
			}
		}
	}
	if (r->timeout_ms > RUN_EXEC_TIMEOUT_MAX) {
		cohort_seterr(err, errlen, "exec request: a timeout of %u ms: at most %u",
			      r->timeout_ms, RUN_EXEC_TIMEOUT_MAX);
		return -1;
	}
	return 0;
}

static json_object *strv_json(char *const *v)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; a && v && v[i]; i++)
		json_object_array_add(a, json_object_new_string(v[i]));
	return a;
}

/**
 * run_exec_req_encode() - the bytes of a request: header and JSON
 * @r: the request
 * @buf: out: malloc()ed, RUN_EXEC_HDR + JSON bytes
 * @len: out: their number
 * @err: message on failure
 * @errlen: bytes at @err
 *
 * Return: 0, or -1 when the request breaks a rule (the instance would
 * refuse it), is too long or memory ran out.
 */
int run_exec_req_encode(const struct run_exec_req *r, char **buf,
			size_t *len, char *err, size_t errlen)
{
	json_object *o;
	const char *text;
	size_t n;
	int ret = -1;

	*buf = NULL;
	*len = 0;
	if (req_check(r, err, errlen))
		return -1;
	o = json_object_new_object();
	if (!o) {
		cohort_seterr(err, errlen, "out of memory");
		return -1;
	}
	json_object_object_add(o, "args", strv_json(r->args));
	if (r->env && r->env[0])
		json_object_object_add(o, "env", strv_json(r->env));
	if (r->cwd)
		json_object_object_add(o, "cwd", json_object_new_string(r->cwd));
	if (r->user)
		json_object_object_add(o, "user", json_object_new_string(r->user));
	if (r->timeout_ms)
		json_object_object_add(o, "timeout_ms",
				       json_object_new_int64(r->timeout_ms));
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
					      JSON_C_TO_STRING_NOSLASHESCAPE);
	n = text ? strlen(text) : 0;
	if (!n) {
		cohort_seterr(err, errlen, "out of memory");
		goto out;
	}
	if (n > RUN_EXEC_REQ_MAX) {
		cohort_seterr(err, errlen, "the command and its environment take %zu bytes: at most %d are allowed",
			      n, RUN_EXEC_REQ_MAX);
		goto out;
	}
	*buf = malloc(RUN_EXEC_HDR + n);
	if (!*buf) {
		cohort_seterr(err, errlen, "out of memory");
		goto out;
	}
	memcpy(*buf, RUN_EXEC_REQ_MAGIC, 4);
	(*buf)[4] = (char)(n & 0xff);
	(*buf)[5] = (char)((n >> 8) & 0xff);
	(*buf)[6] = (char)((n >> 16) & 0xff);
	(*buf)[7] = (char)((n >> 24) & 0xff);
	memcpy(*buf + RUN_EXEC_HDR, text, n);
	*len = RUN_EXEC_HDR + n;
	ret = 0;
out:
	json_object_put(o);
	return ret;
}

/**
 * run_exec_req_header() - check the header of a request
 * @hdr: the first RUN_EXEC_HDR bytes the primary sent
 * @len: out: the bytes of JSON that follow, 1 to RUN_EXEC_REQ_MAX
 * @err: message on failure
 * @errlen: bytes at @err
 *
 * Return: 0, or -1 for a wrong magic or length.
 */
int run_exec_req_header(const unsigned char hdr[RUN_EXEC_HDR], uint32_t *len,
			char *err, size_t errlen)
{
	uint32_t n;

	if (memcmp(hdr, RUN_EXEC_REQ_MAGIC, 4)) {
		cohort_seterr(err, errlen, "not an exec request (bad magic)");
		return -1;
	}
	n = (uint32_t)hdr[4] | (uint32_t)hdr[5] << 8 |
	    (uint32_t)hdr[6] << 16 | (uint32_t)hdr[7] << 24;
	if (!n || n > RUN_EXEC_REQ_MAX) {
		cohort_seterr(err, errlen, "an exec request of %u bytes: 1 to %d are allowed",
			      (unsigned int)n, RUN_EXEC_REQ_MAX);
		return -1;
	}
	*len = n;
	return 0;
}

static int get_members(json_object *o, struct run_exec_req *r, char *err,
		       size_t errlen)
{
	json_object *v;
	int64_t t;

	if (!json_object_is_type(o, json_type_object)) {
		cohort_seterr(err, errlen, "exec request: not a JSON object");
		return -1;
	}
	json_object_object_foreach(o, key, val) {
		(void)val;
		if (strcmp(key, "args") && strcmp(key, "env") &&
		    strcmp(key, "cwd") && strcmp(key, "user") &&
		    strcmp(key, "timeout_ms")) {
			cohort_seterr(err, errlen, "exec request: unknown key '%.64s'", key);
			return -1;
		}
	}
	if (!json_object_object_get_ex(o, "args", &v)) {
		cohort_seterr(err, errlen, "exec request: no args");
		return -1;
	}
	if (run_json_strv(v, "exec request", "args", &r->args, err, errlen))
		return -1;
	if (json_object_object_get_ex(o, "env", &v) &&
	    run_json_strv(v, "exec request", "env", &r->env, err, errlen))
		return -1;
	if (json_object_object_get_ex(o, "cwd", &v) &&
	    run_json_string(v, "exec request", "cwd", &r->cwd, err, errlen))
		return -1;
	if (json_object_object_get_ex(o, "user", &v) &&
	    run_json_string(v, "exec request", "user", &r->user, err, errlen))
		return -1;
	if (json_object_object_get_ex(o, "timeout_ms", &v)) {
		if (!json_object_is_type(v, json_type_int)) {
			cohort_seterr(err, errlen, "exec request: timeout_ms is not an integer");
			return -1;
		}
		/* json-c holds a bigger integer as INT64_MAX: refused too */
		t = json_object_get_int64(v);
		if (t < 0 || t > RUN_EXEC_TIMEOUT_MAX) {
			cohort_seterr(err, errlen, "exec request: timeout_ms is out of range (0 to %u)",
				      RUN_EXEC_TIMEOUT_MAX);
			return -1;
		}
		r->timeout_ms = (uint32_t)t;
	}
	return 0;
}

/**
 * run_exec_req_decode() - read the JSON of a request
 * @buf: the bytes after the header (need not be NUL-terminated)
 * @len: their number
 * @r: out: the request, to free with run_exec_req_free()
 * @err: message on failure
 * @errlen: bytes at @err
 *
 * Safe on any input: refuses more than RUN_EXEC_REQ_MAX bytes, NULs,
 * nesting deeper than the format, text after the object, unknown keys,
 * wrong types, and anything the rules of exec.h refuse.
 *
 * Return: 0, or -1 (@r is left empty).
 */
int run_exec_req_decode(const char *buf, size_t len, struct run_exec_req *r,
			char *err, size_t errlen)
{
	json_object *o = NULL;
	int ret = -1;

	memset(r, 0, sizeof(*r));
	if (!len || len > RUN_EXEC_REQ_MAX) {
		cohort_seterr(err, errlen, "an exec request of %zu bytes: 1 to %d are allowed",
			      len, RUN_EXEC_REQ_MAX);
		return -1;
	}
	if (run_json_parse(buf, len, JSON_DEPTH, "exec request", &o, err,
			   errlen))
		return -1;
	if (get_members(o, r, err, errlen) || req_check(r, err, errlen))
		goto out;
	ret = 0;
out:
	if (ret)
		run_exec_req_free(r);
	json_object_put(o);
	return ret;
}

/**
 * run_exec_req_free() - release what a request holds
 * @r: the request
 */
void run_exec_req_free(struct run_exec_req *r)
{
	run_strv_free(r->args);
	run_strv_free(r->env);
	free(r->cwd);
	free(r->user);
	memset(r, 0, sizeof(*r));
}
