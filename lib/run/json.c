// SPDX-License-Identifier: GPL-2.0
/*
 * A run spec as JSON, the file the primary's tool writes into the
 * instance's initramfs and cohort-init reads.  Modelled on the OCI
 * runtime-spec config.json (docs/image.md, "Running an image"):
 *
 *	{
 *	  "process": {
 *	    "terminal": false,
 *	    "user": { "uid": 1000, "gid": 1000, "additionalGids": [1000, 50] },
 *	    "args": ["/bin/sh", "-c", "echo hi"],
 *	    "env": ["PATH=/usr/bin:/bin", "HOME=/home/u"],
 *	    "cwd": "/srv",
 *	    "rlimits": [ { "type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024 } ]
 *	  },
 *	  "hostname": "web",
 *	  "mounts": [
 *	    { "destination": "/data", "type": "cohortfs", "source": "www/data",
 *	      "options": [ "region=shared", "ro" ] }
 *	  ],
 *	  "cohort": { "rootfs": "img-web", "publish": [ 80 ] }
 *	}
 *
 * "hostname", "mounts" and "cohort" (and "rootfs" and "publish", the
 * TCP ports -p publishes, in it) may be absent, as
 * may "terminal", "env", "additionalGids" and "rlimits"; everything else
 * is required.  A mount has exactly those four keys, type "cohortfs", and
 * among its options exactly one "region=NAME" and one of "ro" and "rw".
 * An rlimit has exactly those three keys, the OCI name of one of the
 * sixteen resources, and values up to 2^63 - 1 or 2^64 - 1 (unlimited).
 * Reading treats the text as hostile: at most RUN_JSON_MAX bytes, no NUL
 * anywhere, no unknown key, every type checked, no integer above
 * 2^64 - 1, then run_spec_check().
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "cohort/parse.h"
#include "internal.h"

#define JSON_DEPTH	8

static json_object *strv_json(char *const *v)
{
	json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; a && v && v[i]; i++)
		json_object_array_add(a, json_object_new_string(v[i]));
	return a;
}

static json_object *mounts_json(const struct run_mount *m, size_t n)
{
	json_object *a = json_object_new_array(), *e, *opts;
	char opt[COHORT_NAME_MAX + 8];
	size_t i;

	for (i = 0; a && i < n; i++) {
		e = json_object_new_object();
		opts = json_object_new_array();
		json_object_object_add(e, "destination",
				       json_object_new_string(m[i].target));
		json_object_object_add(e, "type", json_object_new_string("cohortfs"));
		json_object_object_add(e, "source", json_object_new_string(m[i].source));
		snprintf(opt, sizeof(opt), "region=%s", m[i].region);
		json_object_array_add(opts, json_object_new_string(opt));
		json_object_array_add(opts, json_object_new_string(m[i].readonly ?
								   "ro" : "rw"));
		json_object_object_add(e, "options", opts);
		json_object_array_add(a, e);
	}
	return a;
}

static json_object *rlimits_json(const struct run_rlimit *r, size_t n)
{
	json_object *a = json_object_new_array(), *e;
	size_t i;

	for (i = 0; a && i < n; i++) {
		e = json_object_new_object();
		json_object_object_add(e, "type", json_object_new_string(
					       run_rlimit_type(r[i].resource)));
		json_object_object_add(e, "hard", json_object_new_uint64(r[i].hard));
		json_object_object_add(e, "soft", json_object_new_uint64(r[i].soft));
		json_object_array_add(a, e);
	}
	return a;
}

/**
 * run_spec_to_json() - write a spec as JSON
 * @spec: the spec, checked with run_spec_check() first
 * @json: the text, malloc()ed, NUL-terminated, ending with a newline
 * @err: message on failure
 * @errlen: bytes at @err
 *
 * Return: 0, or -1 (also when the text would exceed RUN_JSON_MAX).
 */
int run_spec_to_json(const struct run_spec *spec, char **json, char *err,
		     size_t errlen)
{
	json_object *o, *p, *u, *g, *c;
	const char *s;
	size_t i, len;
	int ret = -1;

	*json = NULL;
	if (run_spec_check(spec, err, errlen))
		return -1;
	o = json_object_new_object();
	p = json_object_new_object();
	u = json_object_new_object();
	g = json_object_new_array();
	json_object_object_add(o, "process", p);
	json_object_object_add(p, "terminal", json_object_new_boolean(spec->terminal));
	json_object_object_add(p, "user", u);
	json_object_object_add(u, "uid", json_object_new_int64(spec->uid));
	json_object_object_add(u, "gid", json_object_new_int64(spec->gid));
	for (i = 0; i < spec->nr_groups; i++)
		json_object_array_add(g, json_object_new_int64(spec->groups[i]));
	json_object_object_add(u, "additionalGids", g);
	json_object_object_add(p, "args", strv_json(spec->args));
	json_object_object_add(p, "env", strv_json(spec->env));
	json_object_object_add(p, "cwd", json_object_new_string(spec->cwd));
	if (spec->nr_rlimits)
		json_object_object_add(p, "rlimits",
				       rlimits_json(spec->rlimits, spec->nr_rlimits));
	if (spec->hostname)
		json_object_object_add(o, "hostname",
				       json_object_new_string(spec->hostname));
	if (spec->nr_mounts)
		json_object_object_add(o, "mounts",
				       mounts_json(spec->mounts, spec->nr_mounts));
	if (spec->rootfs || spec->nr_publish) {
		c = json_object_new_object();
		if (spec->rootfs)
			json_object_object_add(c, "rootfs",
					       json_object_new_string(spec->rootfs));
		if (spec->nr_publish) {
			json_object *a = json_object_new_array();

			for (size_t i = 0; i < spec->nr_publish; i++)
				json_object_array_add(a,
					json_object_new_int(spec->publish[i]));
			json_object_object_add(c, "publish", a);
		}
		json_object_object_add(o, "cohort", c);
	}
	s = json_object_to_json_string_length(o, JSON_C_TO_STRING_PRETTY |
					      JSON_C_TO_STRING_SPACED |
					      JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	if (!s) {
		cohort_seterr(err, errlen, "out of memory");
	} else if (len + 1 > RUN_JSON_MAX) {
		cohort_seterr(err, errlen, "the run spec is %zu bytes of JSON: at most %d are allowed",
			len + 1, RUN_JSON_MAX);
	} else if (!(*json = malloc(len + 2))) {
		cohort_seterr(err, errlen, "out of memory");
	} else {
		memcpy(*json, s, len);
		(*json)[len] = '\n';
		(*json)[len + 1] = '\0';
		ret = 0;
	}
	json_object_put(o);
	return ret;
}

/* Every key of @obj is one of @known (NULL-terminated). */
static int keys_known(json_object *obj, const char *where,
		      const char *const *known, char *err, size_t errlen)
{
	json_object_object_foreach(obj, key, val) {
		const char *const *k;

		(void)val;
		for (k = known; *k && strcmp(*k, key); k++)
			;
		if (!*k) {
			cohort_seterr(err, errlen, "run spec: unknown key '%.64s' in %s",
				key, where);
			return -1;
		}
	}
	return 0;
}

static int get_id(json_object *v, const char *what, uint32_t *out,
		  char *err, size_t errlen)
{
	int64_t n;

	if (!json_object_is_type(v, json_type_int)) {
		cohort_seterr(err, errlen, "run spec: %s is not an integer", what);
		return -1;
	}
	n = json_object_get_int64(v);
	if (n < 0 || n > RUN_ID_MAX) {
		cohort_seterr(err, errlen, "run spec: %s is out of range (0 to %u)",
			what, RUN_ID_MAX);
		return -1;
	}
	*out = n;
	return 0;
}

static int get_user(json_object *u, struct run_spec *spec, char *err,
		    size_t errlen)
{
	static const char *const known[] = { "uid", "gid", "additionalGids", NULL };
	json_object *uid, *gid, *g;
	size_t i, n;

	if (!json_object_is_type(u, json_type_object)) {
		cohort_seterr(err, errlen, "run spec: process.user is not an object");
		return -1;
	}
	if (keys_known(u, "process.user", known, err, errlen))
		return -1;
	if (!json_object_object_get_ex(u, "uid", &uid) ||
	    !json_object_object_get_ex(u, "gid", &gid)) {
		cohort_seterr(err, errlen, "run spec: process.user needs uid and gid");
		return -1;
	}
	if (get_id(uid, "process.user.uid", &spec->uid, err, errlen) ||
	    get_id(gid, "process.user.gid", &spec->gid, err, errlen))
		return -1;
	if (!json_object_object_get_ex(u, "additionalGids", &g))
		return 0;
	if (!json_object_is_type(g, json_type_array)) {
		cohort_seterr(err, errlen, "run spec: process.user.additionalGids is not an array");
		return -1;
	}
	n = json_object_array_length(g);
	if (n > RUN_MAX_ENTRIES) {
		cohort_seterr(err, errlen, "run spec: %zu additionalGids: at most %d are allowed",
			n, RUN_MAX_ENTRIES);
		return -1;
	}
	spec->groups = calloc(n ? n : 1, sizeof(*spec->groups));
	if (!spec->groups) {
		cohort_seterr(err, errlen, "out of memory");
		return -1;
	}
	spec->nr_groups = n;
	for (i = 0; i < n; i++)
		if (get_id(json_object_array_get_idx(g, i),
			   "process.user.additionalGids entry", &spec->groups[i],
			   err, errlen))
			return -1;
	return 0;
}

/* An rlimit's value: 0 to RUN_RLIM_MAX, or RUN_RLIM_INFINITY. */
static int get_rlim(json_object *v, const char *what, uint64_t *out,
		    char *err, size_t errlen)
{
	uint64_t n;

	if (!json_object_is_type(v, json_type_int)) {
		cohort_seterr(err, errlen, "run spec: %s is not an integer", what);
		return -1;
	}
	n = json_object_get_uint64(v);
	if (json_object_get_int64(v) < 0 ||
	    (n > RUN_RLIM_MAX && n != RUN_RLIM_INFINITY)) {
		cohort_seterr(err, errlen,
			"run spec: %s is out of range (0 to %" PRIu64 ", or %" PRIu64 " for unlimited)",
			what, (uint64_t)RUN_RLIM_MAX, RUN_RLIM_INFINITY);
		return -1;
	}
	*out = n;
	return 0;
}

static int get_rlimit(json_object *v, size_t i, struct run_rlimit *r,
		      char *err, size_t errlen)
{
	static const char *const known[] = { "type", "hard", "soft", NULL };
	json_object *type, *hard, *soft;
	char what[48];

	snprintf(what, sizeof(what), "process.rlimits[%zu]", i);
	if (!json_object_is_type(v, json_type_object)) {
		cohort_seterr(err, errlen, "run spec: %s is not an object", what);
		return -1;
	}
	if (keys_known(v, what, known, err, errlen))
		return -1;
	if (!json_object_object_get_ex(v, "type", &type) ||
	    !json_object_object_get_ex(v, "hard", &hard) ||
	    !json_object_object_get_ex(v, "soft", &soft)) {
		cohort_seterr(err, errlen, "run spec: %s needs type, hard and soft", what);
		return -1;
	}
	if (!json_object_is_type(type, json_type_string)) {
		cohort_seterr(err, errlen, "run spec: %s.type is not a string", what);
		return -1;
	}
	if (strlen(json_object_get_string(type)) !=
	    (size_t)json_object_get_string_len(type)) {
		cohort_seterr(err, errlen, "run spec: %s.type holds a NUL character", what);
		return -1;
	}
	r->resource = run_rlimit_by_type(json_object_get_string(type),
					 json_object_get_string_len(type));
	if (r->resource < 0) {
		cohort_seterr(err, errlen,
			"run spec: %s.type: unknown resource '%.32s' (want RLIMIT_NOFILE...)",
			what, json_object_get_string(type));
		return -1;
	}
	snprintf(what, sizeof(what), "process.rlimits[%zu].hard", i);
	if (get_rlim(hard, what, &r->hard, err, errlen))
		return -1;
	snprintf(what, sizeof(what), "process.rlimits[%zu].soft", i);
	return get_rlim(soft, what, &r->soft, err, errlen);
}

static int get_rlimits(json_object *v, struct run_spec *spec, char *err,
		       size_t errlen)
{
	size_t i, n;

	if (!json_object_is_type(v, json_type_array)) {
		cohort_seterr(err, errlen, "run spec: process.rlimits is not an array");
		return -1;
	}
	n = json_object_array_length(v);
	if (n > RUN_MAX_RLIMITS) {
		cohort_seterr(err, errlen, "run spec: %zu rlimits: at most %d are allowed",
			n, RUN_MAX_RLIMITS);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (get_rlimit(json_object_array_get_idx(v, i), i,
			       &spec->rlimits[i], err, errlen))
			return -1;
		spec->nr_rlimits = i + 1;
	}
	return 0;
}

static int get_process(json_object *p, struct run_spec *spec, char *err,
		       size_t errlen)
{
	static const char *const known[] = {
		"terminal", "user", "args", "env", "cwd", "rlimits", NULL
	};
	json_object *v;

	if (!json_object_is_type(p, json_type_object)) {
		cohort_seterr(err, errlen, "run spec: process is not an object");
		return -1;
	}
	if (keys_known(p, "process", known, err, errlen))
		return -1;
	if (json_object_object_get_ex(p, "terminal", &v)) {
		if (!json_object_is_type(v, json_type_boolean)) {
			cohort_seterr(err, errlen, "run spec: process.terminal is not true or false");
			return -1;
		}
		spec->terminal = json_object_get_boolean(v);
	}
	if (!json_object_object_get_ex(p, "user", &v)) {
		cohort_seterr(err, errlen, "run spec: process.user is missing");
		return -1;
	}
	if (get_user(v, spec, err, errlen))
		return -1;
	if (!json_object_object_get_ex(p, "args", &v)) {
		cohort_seterr(err, errlen, "run spec: process.args is missing");
		return -1;
	}
	if (run_json_strv(v, "run spec", "process.args", &spec->args, err, errlen))
		return -1;
	if (json_object_object_get_ex(p, "env", &v)) {
		if (run_json_strv(v, "run spec", "process.env", &spec->env, err, errlen))
			return -1;
	} else if (!(spec->env = calloc(1, sizeof(*spec->env)))) {
		cohort_seterr(err, errlen, "out of memory");
		return -1;
	}
	if (json_object_object_get_ex(p, "rlimits", &v) &&
	    get_rlimits(v, spec, err, errlen))
		return -1;
	if (!json_object_object_get_ex(p, "cwd", &v)) {
		cohort_seterr(err, errlen, "run spec: process.cwd is missing");
		return -1;
	}
	return run_json_string(v, "run spec", "process.cwd", &spec->cwd, err, errlen);
}

/* The options of mounts[i]: "region=NAME" and "ro" or "rw", once each. */
static int get_mount_options(json_object *v, const char *what,
			     struct run_mount *m, char *err, size_t errlen)
{
	bool mode = false;
	size_t i, n;

	if (!json_object_is_type(v, json_type_array)) {
		cohort_seterr(err, errlen, "run spec: %s.options is not an array of strings",
			what);
		return -1;
	}
	n = json_object_array_length(v);
	for (i = 0; i < n; i++) {
		json_object *e = json_object_array_get_idx(v, i);
		const char *s;

		if (!json_object_is_type(e, json_type_string)) {
			cohort_seterr(err, errlen, "run spec: %s.options is not an array of strings",
				what);
			return -1;
		}
		s = json_object_get_string(e);
		if (strlen(s) != (size_t)json_object_get_string_len(e)) {
			cohort_seterr(err, errlen, "run spec: %s.options holds a NUL character",
				what);
			return -1;
		}
		if (!strncmp(s, "region=", 7)) {
			if (m->region) {
				cohort_seterr(err, errlen, "run spec: %s.options: region= given twice",
					what);
				return -1;
			}
			m->region = strdup(s + 7);
			if (!m->region) {
				cohort_seterr(err, errlen, "out of memory");
				return -1;
			}
		} else if (!strcmp(s, "ro") || !strcmp(s, "rw")) {
			if (mode) {
				cohort_seterr(err, errlen, "run spec: %s.options: ro or rw given twice",
					what);
				return -1;
			}
			mode = true;
			m->readonly = s[1] == 'o';
		} else {
			cohort_seterr(err, errlen,
				"run spec: %s.options: unknown option '%.64s' (want region=NAME, ro or rw)",
				what, s);
			return -1;
		}
	}
	if (!m->region || !mode) {
		cohort_seterr(err, errlen, "run spec: %s.options: %s is missing", what,
			m->region ? "ro or rw" : "region=NAME");
		return -1;
	}
	return 0;
}

static int get_mount(json_object *v, size_t i, struct run_mount *m,
		     char *err, size_t errlen)
{
	static const char *const known[] = {
		"destination", "type", "source", "options", NULL
	};
	json_object *dst, *type, *src, *opts;
	char what[32];

	snprintf(what, sizeof(what), "mounts[%zu]", i);
	if (!json_object_is_type(v, json_type_object)) {
		cohort_seterr(err, errlen, "run spec: %s is not an object", what);
		return -1;
	}
	if (keys_known(v, what, known, err, errlen))
		return -1;
	if (!json_object_object_get_ex(v, "destination", &dst) ||
	    !json_object_object_get_ex(v, "type", &type) ||
	    !json_object_object_get_ex(v, "source", &src) ||
	    !json_object_object_get_ex(v, "options", &opts)) {
		cohort_seterr(err, errlen,
			"run spec: %s needs destination, type, source and options", what);
		return -1;
	}
	if (!json_object_is_type(type, json_type_string) ||
	    strcmp(json_object_get_string(type), "cohortfs") ||
	    json_object_get_string_len(type) != 8) {
		cohort_seterr(err, errlen, "run spec: %s.type is not \"cohortfs\"", what);
		return -1;
	}
	snprintf(what, sizeof(what), "mounts[%zu].destination", i);
	if (run_json_string(dst, "run spec", what, &m->target, err, errlen))
		return -1;
	snprintf(what, sizeof(what), "mounts[%zu].source", i);
	if (run_json_string(src, "run spec", what, &m->source, err, errlen))
		return -1;
	snprintf(what, sizeof(what), "mounts[%zu]", i);
	return get_mount_options(opts, what, m, err, errlen);
}

static int get_mounts(json_object *v, struct run_spec *spec, char *err,
		      size_t errlen)
{
	size_t i, n;

	if (!json_object_is_type(v, json_type_array)) {
		cohort_seterr(err, errlen, "run spec: mounts is not an array");
		return -1;
	}
	n = json_object_array_length(v);
	if (n > RUN_MAX_MOUNTS) {
		cohort_seterr(err, errlen, "run spec: %zu mounts: at most %d are allowed",
			n, RUN_MAX_MOUNTS);
		return -1;
	}
	if (!n)
		return 0;
	spec->mounts = calloc(n, sizeof(*spec->mounts));
	if (!spec->mounts) {
		cohort_seterr(err, errlen, "out of memory");
		return -1;
	}
	spec->nr_mounts = n;
	for (i = 0; i < n; i++)
		if (get_mount(json_object_array_get_idx(v, i), i,
			      &spec->mounts[i], err, errlen))
			return -1;
	return 0;
}

/* cohort.publish: the ports, each 1 to 65535 (duplicates: the check). */
static int get_publish(json_object *v, struct run_spec *spec, char *err,
		       size_t errlen)
{
	size_t i, n;

	if (!json_object_is_type(v, json_type_array)) {
		cohort_seterr(err, errlen, "run spec: cohort.publish is not an array");
		return -1;
	}
	n = json_object_array_length(v);
	if (n > RUN_MAX_PUBLISH) {
		cohort_seterr(err, errlen, "run spec: cohort.publish has %zu ports; at most %d",
			      n, RUN_MAX_PUBLISH);
		return -1;
	}
	for (i = 0; i < n; i++) {
		json_object *e = json_object_array_get_idx(v, i);
		int64_t port;

		if (!json_object_is_type(e, json_type_int)) {
			cohort_seterr(err, errlen, "run spec: cohort.publish[%zu] is not an integer", i);
			return -1;
		}
		port = json_object_get_int64(e);
		if (port < 1 || port > 65535) {
			cohort_seterr(err, errlen, "run spec: cohort.publish[%zu] is out of range (1 to 65535)", i);
			return -1;
		}
		spec->publish[i] = (uint16_t)port;
	}
	spec->nr_publish = n;
	return 0;
}

static int get_top(json_object *o, struct run_spec *spec, char *err,
		   size_t errlen)
{
	static const char *const known[] = {
		"process", "hostname", "mounts", "cohort", NULL
	};
	static const char *const cknown[] = { "rootfs", "publish", NULL };
	json_object *v, *r;

	if (!json_object_is_type(o, json_type_object)) {
		cohort_seterr(err, errlen, "run spec: not a JSON object");
		return -1;
	}
	if (keys_known(o, "the top object", known, err, errlen))
		return -1;
	if (!json_object_object_get_ex(o, "process", &v)) {
		cohort_seterr(err, errlen, "run spec: process is missing");
		return -1;
	}
	if (get_process(v, spec, err, errlen))
		return -1;
	if (json_object_object_get_ex(o, "hostname", &v) &&
	    run_json_string(v, "run spec", "hostname", &spec->hostname, err, errlen))
		return -1;
	if (json_object_object_get_ex(o, "mounts", &v) &&
	    get_mounts(v, spec, err, errlen))
		return -1;
	if (!json_object_object_get_ex(o, "cohort", &v))
		return 0;
	if (!json_object_is_type(v, json_type_object)) {
		cohort_seterr(err, errlen, "run spec: cohort is not an object");
		return -1;
	}
	if (keys_known(v, "cohort", cknown, err, errlen))
		return -1;
	if (json_object_object_get_ex(v, "rootfs", &r) &&
	    run_json_string(r, "run spec", "cohort.rootfs", &spec->rootfs, err, errlen))
		return -1;
	if (json_object_object_get_ex(v, "publish", &r) &&
	    get_publish(r, spec, err, errlen))
		return -1;
	return 0;
}

/*
 * Whether an integer of the text is above 2^64 - 1, which json-c reads as
 * 2^64 - 1: unlimited, for an rlimit.  Digits inside strings are not
 * numbers; STRICT parsing allows no leading zero, so more than 20 digits
 * is always too many.  The text was parsed: it is valid JSON.
 */
static bool integer_too_big(const char *buf, size_t len)
{
	static const char max[] = "18446744073709551615";
	bool in_string = false;
	size_t i = 0, start;

	while (i < len) {
		if (in_string) {
			if (buf[i] == '\\')
				i++;
			else if (buf[i] == '"')
				in_string = false;
			i++;
		} else if (buf[i] == '"') {
			in_string = true;
			i++;
		} else if (buf[i] >= '0' && buf[i] <= '9') {
			start = i;
			while (i < len && buf[i] >= '0' && buf[i] <= '9')
				i++;
			if (i - start > sizeof(max) - 1 ||
			    (i - start == sizeof(max) - 1 &&
			     memcmp(buf + start, max, sizeof(max) - 1) > 0))
				return true;
		} else {
			i++;
		}
	}
	return false;
}

/**
 * run_spec_from_json() - read a spec written by run_spec_to_json()
 * @buf: the text (need not be NUL-terminated)
 * @len: its length
 * @spec: the result, to free with run_spec_free()
 * @err: message on failure
 * @errlen: bytes at @err
 *
 * Safe on any input: refuses more than RUN_JSON_MAX bytes, NULs, nesting
 * deeper than the format, trailing text, unknown keys, wrong types,
 * integers above 2^64 - 1 and anything run_spec_check() refuses.
 *
 * Return: 0, or -1 (@spec is left empty).
 */
int run_spec_from_json(const char *buf, size_t len, struct run_spec *spec,
		       char *err, size_t errlen)
{
	json_object *o = NULL;
	char cerr[RUN_ERR_MAX];
	int ret = -1;

	memset(spec, 0, sizeof(*spec));
	if (len > RUN_JSON_MAX) {
		cohort_seterr(err, errlen, "run spec: %zu bytes: at most %d are allowed",
			len, RUN_JSON_MAX);
		return -1;
	}
	if (run_json_parse(buf, len, JSON_DEPTH, "run spec", &o, err, errlen))
		return -1;
	if (get_top(o, spec, err, errlen))
		goto out;
	if (run_spec_check(spec, cerr, sizeof(cerr))) {
		cohort_seterr(err, errlen, "run spec: %s", cerr);
		goto out;
	}
	if (integer_too_big(buf, len)) {
		cohort_seterr(err, errlen, "run spec: an integer is above 18446744073709551615");
		goto out;
	}
	ret = 0;
out:
	if (ret)
		run_spec_free(spec);
	json_object_put(o);
	return ret;
}
