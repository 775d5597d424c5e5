// SPDX-License-Identifier: GPL-2.0
/*
 * The values of [instance]: CPUs, memory, what it boots, what it starts
 * after, its restart policy and its standby.  Each parser reads one value into the
 * instance or says why not; what keys must hold together is check.c's.
 */
#include <stdlib.h>
#include <string.h>

#include "cohort/err.h"
#include "cohort/parse.h"
#include "internal.h"

/* Bounds of the restart settings. */
#define RESTART_LIMIT_MAX	10000
#define RESTART_WINDOW_MAX	(7 * 24 * 3600)	/* a week, in seconds */
#define DUMP_KEEP_MAX		100
#define BACKOFF_MAX		3600000		/* an hour, in milliseconds */

static int set_cpus(struct decl_ctx *x, const char *v, char *err, size_t n)
{
	struct decl_instance *d = x->d;

	if (cohort_parse_cpulist(v, d->cpus, COHORT_MAX_CPUS, 0, err, n))
		return -1;
	if (cohort_cpu_isset(d->cpus, 0)) {
		memset(d->cpus, 0, sizeof(d->cpus));
		cohort_seterr(err, n,
			      "CPU 0 always stays with the primary; it cannot be given to an instance");
		return -1;
	}
	d->cpu_count = cohort_cpulist_weight(d->cpus, COHORT_MAX_CPUS);
	return 0;
}

static int set_cpu_count(struct decl_ctx *x, const char *v, char *err, size_t n)
{
	return decl_uint(v, "CPU count", NULL, 1, COHORT_SETUP_MAX_CPUS,
			 &x->d->cpu_count, err, n);
}

static int set_memory(struct decl_ctx *x, const char *v, char *err, size_t n)
{
	__u64 size;

	if (cohort_parse_size(v, &size, err, n) ||
	    cohort_check_mem_size(size, err, n))
		return -1;
	x->d->memory = size;
	return 0;
}

static int set_kernel(struct decl_ctx *x, const char *v, char *err, size_t n)
{
	return decl_abs_path(v, "kernel", &x->d->kernel, err, n);
}

static int set_initrd(struct decl_ctx *x, const char *v, char *err, size_t n)
{
	return decl_abs_path(v, "initrd", &x->d->initrd, err, n);
}

/*
 * The key line sets the command line, each continuation line adds a
 * blank and its text.  Its length is checked once it is whole.
 */
static int set_cmdline(struct decl_ctx *x, const char *v, char *err, size_t n)
{
	struct decl_instance *d = x->d;
	size_t a, b;
	char *s;

	if (x->kind != LINE_CONT || !d->cmdline)
		return decl_strdup(v, &d->cmdline, err, n);
	a = strlen(d->cmdline);
	b = strlen(v);
	s = realloc(d->cmdline, a + b + 2);
	if (!s) {
		cohort_seterr(err, n, "out of memory");
		return -1;
	}
	if (a && b)
		s[a++] = ' ';
	memcpy(s + a, v, b + 1);
	d->cmdline = s;
	return 0;
}

/*
 * oci:DIR[:TAG] or docker-archive:FILE[:REF], as "cohort run" names an
 * image: the path ends at its first ':' (so it cannot hold one).
 */
static int set_image(struct decl_ctx *x, const char *v, char *err, size_t n)
{
	struct decl_instance *d = x->d;
	enum decl_image_kind kind;
	const char *p, *colon;
	char q[96], *path;
	int ret;

	cohort_quote(v, q, sizeof(q));
	if (!strncmp(v, "oci:", 4)) {
		kind = DECL_IMAGE_OCI;
		p = v + 4;
	} else if (!strncmp(v, "docker-archive:", 15)) {
		kind = DECL_IMAGE_DOCKER_ARCHIVE;
		p = v + 15;
	} else {
		cohort_seterr(err, n,
			      "unknown image source '%s': use oci:DIR[:TAG] or docker-archive:FILE[:REF]",
			      q);
		return -1;
	}
	colon = strchr(p, ':');
	if (colon && !colon[1]) {
		cohort_seterr(err, n, "image source '%s': empty %s after ':'",
			      q, kind == DECL_IMAGE_OCI ? "tag" : "reference");
		return -1;
	}
	path = colon ? strndup(p, (size_t)(colon - p)) : strdup(p);
	if (!path) {
		cohort_seterr(err, n, "out of memory");
		return -1;
	}
	if (!*path) {
		free(path);
		cohort_seterr(err, n, "image source '%s' names no %s", q,
			      kind == DECL_IMAGE_OCI ? "directory" : "file");
		return -1;
	}
	ret = decl_abs_path(path, kind == DECL_IMAGE_OCI ? "image directory" :
			    "image archive", &d->image_path, err, n);
	free(path);
	if (ret || decl_strdup(v, &d->image, err, n) ||
	    (colon && decl_strdup(colon + 1, &d->image_ref, err, n)))
		return -1;
	d->image_kind = kind;
	return 0;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* "NAME[, NAME...]": instance names, none twice, not the instance's own. */
static int set_after(struct decl_ctx *x, const char *v, char *err, size_t n)
{
	struct decl_instance *d = x->d;
	char **names = NULL, *item = NULL, e[COHORT_ERR_MAX];
	const char *p = v, *end, *s, *t;
	size_t nr = 0, i;

	for (;;) {
		end = p + strcspn(p, ",");
		for (s = p; s < end && is_blank(*s); s++)
			;
		for (t = end; t > s && is_blank(t[-1]); t--)
			;
		if (t == s) {
			cohort_seterr(err, n,
				      "an empty name in the list: want NAME[, NAME...]");
			goto fail;
		}
		item = strndup(s, (size_t)(t - s));
		if (!item) {
			cohort_seterr(err, n, "out of memory");
			goto fail;
		}
		if (cohort_check_name(item, e, sizeof(e))) {
			cohort_seterr(err, n, "%s", e);
			goto fail;
		}
		if (d->name[0] && !strcmp(item, d->name)) {
			cohort_seterr(err, n,
				      "instance %s cannot start after itself", item);
			goto fail;
		}
		for (i = 0; i < nr; i++) {
			if (!strcmp(names[i], item)) {
				cohort_seterr(err, n, "%s is named twice", item);
				goto fail;
			}
		}
		if (nr == DECL_MAX_INSTANCES) {
			cohort_seterr(err, n, "more than %d names",
				      DECL_MAX_INSTANCES);
			goto fail;
		}
		if (decl_strv_push(&names, &nr, item, err, n))
			goto fail;
		free(item);
		item = NULL;
		if (!*end)
			break;
		p = end + 1;
	}
	decl_strv_free(d->after, d->nr_after);
	d->after = names;
	d->nr_after = nr;
	return 0;
fail:
	free(item);
	decl_strv_free(names, nr);
	return -1;
}

static int set_restart(struct decl_ctx *x, const char *v, char *err, size_t n)
{
	static const enum decl_restart all[] = {
		DECL_RESTART_NO, DECL_RESTART_ON_FAILURE, DECL_RESTART_ALWAYS
	};
	char q[96];
	size_t i;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		if (!strcmp(v, decl_restart_name(all[i]))) {
			x->d->restart = all[i];
			return 0;
		}
	}
	cohort_quote(v, q, sizeof(q));
	cohort_seterr(err, n,
		      "unknown policy '%s': want no, on-failure or always (restart-limit bounds the restarts)",
		      q);
	return -1;
}

static int set_restart_limit(struct decl_ctx *x, const char *v,
			     char *err, size_t n)
{
	return decl_uint(v, "restart limit", "restarts", 1, RESTART_LIMIT_MAX,
			 &x->d->restart_limit, err, n);
}

static int set_restart_window(struct decl_ctx *x, const char *v,
			      char *err, size_t n)
{
	return decl_uint(v, "restart window", "seconds", 1,
			 RESTART_WINDOW_MAX, &x->d->restart_window, err, n);
}

static int set_restart_backoff(struct decl_ctx *x, const char *v,
			       char *err, size_t n)
{
	return decl_uint(v, "restart backoff", "milliseconds", 1, BACKOFF_MAX,
			 &x->d->restart_backoff, err, n);
}

static int set_restart_backoff_max(struct decl_ctx *x, const char *v,
				   char *err, size_t n)
{
	return decl_uint(v, "longest restart backoff", "milliseconds", 1,
			 BACKOFF_MAX, &x->d->restart_backoff_max, err, n);
}

static int set_dump(struct decl_ctx *x, const char *v, char *err, size_t n)
{
	return decl_yes_no(v, &x->d->dump, err, n);
}

static int set_dump_keep(struct decl_ctx *x, const char *v, char *err,
			 size_t n)
{
	return decl_uint(v, "number of dumps kept", NULL, 1, DUMP_KEEP_MAX,
			 &x->d->dump_keep, err, n);
}

static int set_standby(struct decl_ctx *x, const char *v, char *err, size_t n)
{
	return decl_yes_no(v, &x->d->standby, err, n);
}

#define KEY(nm, k, fl, fn) { \
	.section = SEC_INSTANCE, .name = nm, .key = k, .flags = fl, .set = fn \
}

/* The keys of [instance], in the order docs/config.md lists them. */
const struct decl_keydef decl_keys_instance[] = {
	KEY("cpus", DK_CPUS, 0, set_cpus),
	KEY("cpu-count", DK_CPU_COUNT, 0, set_cpu_count),
	KEY("memory", DK_MEMORY, 0, set_memory),
	KEY("kernel", DK_KERNEL, 0, set_kernel),
	KEY("initrd", DK_INITRD, 0, set_initrd),
	KEY("cmdline", DK_CMDLINE, KEY_CONTINUE | KEY_EMPTY, set_cmdline),
	KEY("image", DK_IMAGE, 0, set_image),
	KEY("after", DK_AFTER, 0, set_after),
	KEY("restart", DK_RESTART, 0, set_restart),
	KEY("restart-limit", DK_RESTART_LIMIT, 0, set_restart_limit),
	KEY("restart-window", DK_RESTART_WINDOW, 0, set_restart_window),
	KEY("restart-backoff", DK_RESTART_BACKOFF, 0, set_restart_backoff),
	KEY("restart-backoff-max", DK_RESTART_BACKOFF_MAX, 0,
	    set_restart_backoff_max),
	KEY("dump", DK_DUMP, 0, set_dump),
	KEY("dump-keep", DK_DUMP_KEEP, 0, set_dump_keep),
	KEY("standby", DK_STANDBY, 0, set_standby),
	{ .name = NULL }
};
