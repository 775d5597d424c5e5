// SPDX-License-Identifier: GPL-2.0
/*
 * The values of [run]: what an image instance runs, as the options of
 * "cohort run" say it (docs/image.md).  Only the text is read: volumes
 * are not looked up and ports are not bound here.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cohort/err.h"
#include "cohort/parse.h"
#include "internal.h"

static int set_entrypoint(struct decl_ctx *x, const char *v, char *err,
			  size_t n)
{
	return decl_strdup(v, &x->d->entrypoint, err, n);
}

static int set_arg(struct decl_ctx *x, const char *v, char *err, size_t n)
{
	struct decl_instance *d = x->d;

	if (d->nr_args == RUN_MAX_ENTRIES) {
		cohort_seterr(err, n, "more than %d arguments", RUN_MAX_ENTRIES);
		return -1;
	}
	return decl_strv_push(&d->args, &d->nr_args, v, err, n);
}

/* NAME=VALUE, NAME not empty and set once. */
static int set_env(struct decl_ctx *x, const char *v, char *err, size_t n)
{
	struct decl_instance *d = x->d;
	size_t len = strcspn(v, "="), i;
	char q[96];

	cohort_quote(v, q, sizeof(q));
	if (!v[len]) {
		cohort_seterr(err, n, "'%s' is not NAME=VALUE", q);
		return -1;
	}
	if (!len) {
		cohort_seterr(err, n, "'%s' has an empty variable name", q);
		return -1;
	}
	for (i = 0; i < d->nr_env; i++) {
		if (!strncmp(d->env[i], v, len + 1)) {
			cohort_quote(d->env[i] + len + 1, q, sizeof(q));
			cohort_seterr(err, n,
				      "%.*s is set twice (first to '%s'); set each variable once",
				      (int)(len > 64 ? 64 : len), v, q);
			return -1;
		}
	}
	if (d->nr_env == RUN_MAX_ENTRIES) {
		cohort_seterr(err, n, "more than %d variables", RUN_MAX_ENTRIES);
		return -1;
	}
	return decl_strv_push(&d->env, &d->nr_env, v, err, n);
}

static int set_workdir(struct decl_ctx *x, const char *v, char *err,
		       size_t n)
{
	return decl_abs_path(v, "working directory", &x->d->workdir, err, n);
}

/* USER[:GROUP]: names or ids, looked up in the image when it runs. */
static int set_user(struct decl_ctx *x, const char *v, char *err, size_t n)
{
	const char *colon = strchr(v, ':');
	char q[96];

	cohort_quote(v, q, sizeof(q));
	if (colon == v || (colon && (!colon[1] || strchr(colon + 1, ':'))) ||
	    strpbrk(v, " \t")) {
		cohort_seterr(err, n,
			      "'%s': want USER[:GROUP], names or numeric ids, without blanks",
			      q);
		return -1;
	}
	return decl_strdup(v, &x->d->user, err, n);
}

/* DST: absolute, and "/" neither as written nor once normalised. */
static int volume_target(const char *dst, char **out, char *err, size_t n)
{
	const char *p;
	char q[96];

	cohort_quote(dst, q, sizeof(q));
	if (dst[0] != '/') {
		cohort_seterr(err, n, "the target '%s' is not an absolute path",
			      q);
		return -1;
	}
	if (strlen(dst) >= PATH_MAX) {
		cohort_seterr(err, n, "the target is longer than %d bytes",
			      PATH_MAX - 1);
		return -1;
	}
	for (p = dst; *p; p++) {
		if (*p == '.' && (p == dst || p[-1] == '/') &&
		    (!p[1] || p[1] == '/' ||
		     (p[1] == '.' && (!p[2] || p[2] == '/')))) {
			cohort_seterr(err, n,
				      "the target '%s' has a '.' or '..' component",
				      q);
			return -1;
		}
	}
	if (!dst[strspn(dst, "/")]) {
		cohort_seterr(err, n, "the target cannot be '/'");
		return -1;
	}
	return decl_strdup(dst, out, err, n);
}

/*
 * SRC:DST[:ro|:rw] as "cohort run -v" takes it: SRC a region name, or a
 * directory of the primary on a cohortfs (here: an absolute path); it is
 * resolved when the instance is made, not here.
 */
static int set_volume(struct decl_ctx *x, const char *v, char *err,
		      size_t n)
{
	struct decl_instance *d = x->d;
	struct decl_volume vol = { 0 }, *nv;
	char *copy, *dst, *mode, q[96], e[COHORT_ERR_MAX];
	size_t i;

	cohort_quote(v, q, sizeof(q));
	if (d->nr_volumes == RUN_MAX_MOUNTS) {
		cohort_seterr(err, n, "more than %d volumes", RUN_MAX_MOUNTS);
		return -1;
	}
	copy = strdup(v);
	if (!copy) {
		cohort_seterr(err, n, "out of memory");
		return -1;
	}
	dst = strchr(copy, ':');
	if (!dst || dst == copy)
		goto syntax;
	*dst++ = '\0';
	mode = strchr(dst, ':');
	if (mode) {
		*mode++ = '\0';
		if (!strcmp(mode, "ro"))
			vol.readonly = true;
		else if (strcmp(mode, "rw"))
			goto syntax;
	}
	vol.region = !strchr(copy, '/');
	if (vol.region && cohort_check_name_of(copy, "region", e, sizeof(e))) {
		cohort_seterr(err, n, "'%s': %s", q, e);
		goto fail;
	}
	if ((vol.region ? decl_strdup(copy, &vol.source, err, n) :
	     decl_abs_path(copy, "volume source", &vol.source, err, n)) ||
	    volume_target(dst, &vol.target, err, n))
		goto fail;
	for (i = 0; i < d->nr_volumes; i++) {
		if (!strcmp(d->volumes[i].target, vol.target)) {
			cohort_seterr(err, n, "two volumes on %s", vol.target);
			goto fail;
		}
	}
	nv = realloc(d->volumes, (d->nr_volumes + 1) * sizeof(*nv));
	if (!nv) {
		cohort_seterr(err, n, "out of memory");
		goto fail;
	}
	d->volumes = nv;
	nv[d->nr_volumes++] = vol;
	free(copy);
	return 0;
syntax:
	cohort_seterr(err, n,
		      "'%s': want SRC:DST[:ro|:rw], SRC a region name or an absolute path on a cohortfs, DST an absolute path",
		      q);
fail:
	free(copy);
	free(vol.source);
	free(vol.target);
	return -1;
}

/* [IP:]HOSTPORT:PORT[/tcp], as "cohort run -p" takes it. */
static int set_publish(struct decl_ctx *x, const char *v, char *err,
		       size_t n)
{
	struct decl_instance *d = x->d;
	struct decl_publish p = { 0 }, *nv;
	char e[RUN_ERR_MAX], q[96];
	size_t i;

	cohort_quote(v, q, sizeof(q));
	if (d->nr_publish == RUN_MAX_PUBLISH) {
		cohort_seterr(err, n, "more than %d ports", RUN_MAX_PUBLISH);
		return -1;
	}
	if (strlen(v) >= RUN_PUBLISH_ARG_MAX) {
		cohort_seterr(err, n, "'%s': longer than %d bytes", q,
			      RUN_PUBLISH_ARG_MAX - 1);
		return -1;
	}
	if (run_publish_parse(v, &p.port, e, sizeof(e))) {
		cohort_seterr(err, n, "'%s': %s", q, e);
		return -1;
	}
	for (i = 0; i < d->nr_publish; i++) {
		const struct run_publish *o = &d->publish[i].port;

		if (o->alen == p.port.alen &&
		    !memcmp(&o->addr, &p.port.addr, o->alen)) {
			cohort_seterr(err, n,
				      "'%s': the primary's address and port are those of '%s' already",
				      q, d->publish[i].text);
			return -1;
		}
	}
	nv = realloc(d->publish, (d->nr_publish + 1) * sizeof(*nv));
	if (!nv) {
		cohort_seterr(err, n, "out of memory");
		return -1;
	}
	d->publish = nv;
	if (decl_strdup(v, &p.text, err, n))
		return -1;
	nv[d->nr_publish++] = p;
	return 0;
}

/*
 * NAME=SOFT[:HARD] through run_ulimit_parse(), whose messages begin with
 * "--ulimit 'VALUE': " (dropped: the line says where); a NAME given twice
 * is refused rather than replaced.
 */
static int set_ulimit(struct decl_ctx *x, const char *v, char *err,
		      size_t n)
{
	struct decl_instance *d = x->d;
	struct run_rlimit tmp[RUN_MAX_RLIMITS];
	char e[RUN_ERR_MAX], prefix[96];
	size_t nr = d->nr_rlimits, plen;

	memcpy(tmp, d->rlimits, sizeof(tmp));
	if (run_ulimit_parse(v, tmp, &nr, e, sizeof(e))) {
		plen = (size_t)snprintf(prefix, sizeof(prefix),
					"--ulimit '%.64s': ", v);
		cohort_seterr(err, n, "%s",
			      strncmp(e, prefix, plen) ? e : e + plen);
		return -1;
	}
	if (nr == d->nr_rlimits) {
		cohort_seterr(err, n, "%.*s is limited twice",
			      (int)strcspn(v, "="), v);
		return -1;
	}
	memcpy(d->rlimits, tmp, sizeof(tmp));
	d->nr_rlimits = nr;
	return 0;
}

#define KEY(nm, k, fl, fn) \
	{ .section = SEC_RUN, .name = nm, .key = k, .flags = fl, .set = fn }

/* The keys of [run], in the order docs/config.md lists them. */
const struct decl_keydef decl_keys_run[] = {
	KEY("entrypoint", DK_ENTRYPOINT, KEY_EMPTY, set_entrypoint),
	KEY("arg", DK_ARG, KEY_REPEAT | KEY_EMPTY, set_arg),
	KEY("env", DK_ENV, KEY_REPEAT, set_env),
	KEY("workdir", DK_WORKDIR, 0, set_workdir),
	KEY("user", DK_USER, 0, set_user),
	KEY("volume", DK_VOLUME, KEY_REPEAT, set_volume),
	KEY("publish", DK_PUBLISH, KEY_REPEAT, set_publish),
	KEY("ulimit", DK_ULIMIT, KEY_REPEAT, set_ulimit),
	{ .name = NULL }
};
