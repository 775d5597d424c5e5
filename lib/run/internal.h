/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the files of lib/run/ share, and what the unit tests reach beneath
 * the public API of run.h.
 */
#ifndef _COHORT_RUN_INTERNAL_H
#define _COHORT_RUN_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "run.h"

/* Largest /etc/passwd or /etc/group read from an image; bigger: absent. */
#define RUN_ETC_FILE_MAX	(4u << 20)
/* Largest --env-file. */
#define RUN_ENV_FILE_MAX	(1u << 20)

/* One-line messages for the caller: cohort_seterr() (lib/cohort). */
#include "cohort/err.h"

/* strv.c: NULL-terminated arrays of malloc()ed strings. */
size_t run_strv_len(char *const *v);
char **run_strv_dup(char *const *v);
int run_strv_push(char ***v, char *s);
void run_strv_free(char **v);

/* env.c: "NAME=value" lists. */
size_t run_env_name_len(const char *entry);
int run_env_entry_check(const char *entry, const char *what, char *err,
			size_t errlen);
const char *run_env_get(char *const *env, const char *name, size_t namelen);
int run_env_set(char ***env, const char *entry);

/* jsonget.c: JSON another party wrote */
struct json_object;
int run_json_parse(const char *buf, size_t len, int depth, const char *doc,
		   struct json_object **out, char *err, size_t errlen);
int run_json_string(struct json_object *v, const char *doc, const char *what,
		    char **out, char *err, size_t errlen);
int run_json_strv(struct json_object *v, const char *doc, const char *what,
		  char ***out, char *err, size_t errlen);

/* path.c */
char *run_path_clean(const char *path);

/* mount.c: volumes. */
int run_mounts_check(const struct run_mount *m, size_t n, char *err,
		     size_t errlen);
int run_mounts_copy(const struct run_mount *src, size_t n,
		    struct run_spec *spec, char *err, size_t errlen);
void run_mounts_free(struct run_mount *m, size_t n);

/* rlimit.c: resource limits. */
const char *run_rlimit_type(int resource);
int run_rlimit_by_type(const char *type, size_t len);
void run_rlimit_set(struct run_rlimit *v, size_t *n,
		    const struct run_rlimit *r);
int run_rlimits_check(const struct run_rlimit *v, size_t n, char *err,
		      size_t errlen);
int run_rlimits_make(const struct run_overrides *o, struct run_spec *spec,
		     char *err, size_t errlen);

/* user.c: USER[:GROUP] against the image's /etc/passwd and /etc/group. */
struct run_user {
	uint32_t uid, gid;
	uint32_t *groups;	/* the primary gid first */
	size_t nr_groups;
	char *home;
};

int run_user_resolve(const char *user, int rootfd, struct run_user *u,
		     char *err, size_t errlen);
void run_user_free(struct run_user *u);

#endif /* _COHORT_RUN_INTERNAL_H */
