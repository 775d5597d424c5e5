// SPDX-License-Identifier: GPL-2.0
/*
 * What the exec server runs for a request (exec.h), as docker exec
 * would: the command with the workload's environment, working
 * directory, user, groups and resource limits, each overridden by the
 * request:
 *
 *   - env: the workload's, then the request's entries in order (a NAME
 *     already there is replaced in place, a new one appended);
 *   - cwd: the request's (normalised), else the workload's;
 *   - user: the request's USER[:GROUP], looked up in the root the
 *     command runs in (lib/run/user.c's rules), which also sets HOME to
 *     that user's home unless the request's env sets HOME; else the
 *     workload's uid, gid and groups;
 *   - rlimits: the workload's.
 *
 * An instance without a workload (booted from the instance initramfs
 * to run its own init) has root, "/", PATH (docker's default) and HOME
 * from the root's /etc/passwd in their place, and no limits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"
#include "internal.h"

static int set_home(char ***env, const char *home, char *err, size_t errlen)
{
	char *e;
	int ret;

	if (asprintf(&e, "HOME=%s", home) < 0) {
		cohort_seterr(err, errlen, "out of memory");
		return -1;
	}
	ret = run_env_set(env, e);
	free(e);
	if (ret)
		cohort_seterr(err, errlen, "out of memory");
	return ret;
}

/* The user, groups and HOME of a request's "user". */
static int take_user(const char *user, int rootfd, struct run_spec *p,
		     char *err, size_t errlen)
{
	struct run_user u;

	if (run_user_resolve(user, rootfd, &u, err, errlen))
		return -1;
	free(p->groups);
	p->uid = u.uid;
	p->gid = u.gid;
	p->groups = u.groups;
	p->nr_groups = u.nr_groups;
	u.groups = NULL;
	if (set_home(&p->env, u.home, err, errlen)) {
		run_user_free(&u);
		return -1;
	}
	run_user_free(&u);
	return 0;
}

/* A plain instance: root, "/", PATH and HOME. */
static int plain_base(int rootfd, struct run_spec *p, char *err,
		      size_t errlen)
{
	char *path = strdup("PATH=" RUN_DEFAULT_PATH);

	if (!path || run_strv_push(&p->env, path)) {
		cohort_seterr(err, errlen, "out of memory");
		return -1;
	}
	p->cwd = strdup("/");
	if (!p->cwd) {
		cohort_seterr(err, errlen, "out of memory");
		return -1;
	}
	return take_user("0", rootfd, p, err, errlen);
}

static int workload_base(const struct run_spec *base, struct run_spec *p,
			 char *err, size_t errlen)
{
	p->env = run_strv_dup(base->env);
	p->cwd = strdup(base->cwd);
	p->groups = calloc(base->nr_groups ? base->nr_groups : 1,
			   sizeof(*p->groups));
	if (!p->env || !p->cwd || !p->groups) {
		cohort_seterr(err, errlen, "out of memory");
		return -1;
	}
	memcpy(p->groups, base->groups, base->nr_groups * sizeof(*p->groups));
	p->nr_groups = base->nr_groups;
	p->uid = base->uid;
	p->gid = base->gid;
	memcpy(p->rlimits, base->rlimits, sizeof(p->rlimits));
	p->nr_rlimits = base->nr_rlimits;
	return 0;
}

/**
 * run_exec_process() - the process a request runs
 * @r: the request, checked (run_exec_req_decode())
 * @base: the workload's process, or NULL in an instance without one
 * @rootfd: the root the command runs in, for user and group names
 * @p: out: args, env, cwd, uid, gid, groups and rlimits of the command,
 *     to free with run_spec_free()
 * @err: message on failure
 * @errlen: bytes at @err
 *
 * Return: 0, or -1 (an unknown user or group, no memory; @p is empty).
 */
int run_exec_process(const struct run_exec_req *r,
		     const struct run_spec *base, int rootfd,
		     struct run_spec *p, char *err, size_t errlen)
{
	size_t i;

	memset(p, 0, sizeof(*p));
	if (base ? workload_base(base, p, err, errlen) :
		   plain_base(rootfd, p, err, errlen))
		goto fail;
	p->args = run_strv_dup(r->args);
	if (!p->args) {
		cohort_seterr(err, errlen, "out of memory");
		goto fail;
	}
	if (r->cwd) {
		free(p->cwd);
		p->cwd = run_path_clean(r->cwd);
		if (!p->cwd) {
			cohort_seterr(err, errlen, "out of memory");
			goto fail;
		}
	}
	/* the user's HOME first: a HOME of the request's env wins */
	if (r->user && take_user(r->user, rootfd, p, err, errlen))
		goto fail;
	for (i = 0; r->env && r->env[i]; i++) {
		if (run_env_set(&p->env, r->env[i])) {
			cohort_seterr(err, errlen, "out of memory");
			goto fail;
		}
	}
	return 0;
fail:
	run_spec_free(p);
	return -1;
}
