// SPDX-License-Identifier: GPL-2.0
/*
 * The process `cohort run` starts, decided from the image config and the
 * user's options as docker run does (moby's config merge, then runc):
 *
 *   args  --entrypoint replaces the image's Entrypoint and, when it is not
 *         empty, drops the image's Cmd; COMMAND ARG... replaces the Cmd.
 *   env   the image's Env, then -e / --env-file entries (a NAME already
 *         there is replaced in place); then PATH, HOSTNAME, TERM and HOME
 *         when missing.
 *   cwd   -w (absolute), else WorkingDir (relative to "/"), else "/".
 *   user  -u, else the image's User, else root (user.c).
 *   mounts  -v, in order, targets normalised (mount.c).
 *   rlimits RLIMIT_NOFILE 1024:1024 (what runc and umoci generate), then
 *         each --ulimit, replacing the limit of its resource (rlimit.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static int append_all(char ***v, char *const *src)
{
	size_t i;

	for (i = 0; src && src[i]; i++)
		if (run_strv_push(v, strdup(src[i])))
			return -1;
	return 0;
}

static int make_args(const struct image_config *cfg,
		     const struct run_overrides *o, struct run_spec *spec,
		     char *err, size_t errlen)
{
	char *const *ep = o->entrypoint_set ? o->entrypoint : cfg->entrypoint;
	char *const *cmd = cfg->cmd;

	/*
	 * moby: a user Entrypoint that is not empty drops the image's Cmd;
	 * `--entrypoint ""` only clears the Entrypoint.
	 */
	if (o->cmd && o->cmd[0])
		cmd = o->cmd;
	else if (o->entrypoint_set && run_strv_len(o->entrypoint))
		cmd = NULL;
	spec->args = calloc(1, sizeof(*spec->args));
	if (!spec->args || append_all(&spec->args, ep) ||
	    append_all(&spec->args, cmd)) {
		cohort_seterr(err, errlen, "out of memory");
		return -1;
	}
	if (!spec->args[0]) {
		cohort_seterr(err, errlen,
			"no command: the image has no Entrypoint or Cmd and none was given");
		return -1;
	}
	return 0;
}

/* One -e entry: NAME=value, or NAME to copy from our environment. */
static int env_override(struct run_spec *spec, const char *e, char *err,
			size_t errlen)
{
	size_t n = run_env_name_len(e);
	const char *v;
	char *s;
	int r;

	if (!n) {
		cohort_seterr(err, errlen, "-e '%.64s': the variable name is empty", e);
		return -1;
	}
	if (e[n])
		return run_env_set(&spec->env, e) ? (cohort_seterr(err, errlen, "out of memory"), -1) : 0;
	v = getenv(e);
	if (!v)
		return 0;	/* docker drops a NAME unset here */
	if (asprintf(&s, "%s=%s", e, v) < 0) {
		cohort_seterr(err, errlen, "out of memory");
		return -1;
	}
	r = run_env_set(&spec->env, s);
	free(s);
	if (r)
		cohort_seterr(err, errlen, "out of memory");
	return r;
}

static int env_default(struct run_spec *spec, const char *name,
		       const char *value)
{
	char *s;
	int r;

	if (run_env_get(spec->env, name, strlen(name)))
		return 0;
	if (asprintf(&s, "%s=%s", name, value) < 0)
		return -1;
	r = run_strv_push(&spec->env, s);
	return r;
}

static int make_env(const struct image_config *cfg,
		    const struct run_overrides *o, const char *home,
		    struct run_spec *spec, char *err, size_t errlen)
{
	size_t i;

	spec->env = calloc(1, sizeof(*spec->env));
	if (!spec->env)
		goto oom;
	for (i = 0; cfg->env && cfg->env[i]; i++) {
		if (run_env_entry_check(cfg->env[i], "image config: Env", err, errlen))
			return -1;
		if (run_env_set(&spec->env, cfg->env[i]))
			goto oom;
	}
	for (i = 0; o->env && o->env[i]; i++)
		if (env_override(spec, o->env[i], err, errlen))
			return -1;
	if (env_default(spec, "PATH", RUN_DEFAULT_PATH) ||
	    (o->hostname && env_default(spec, "HOSTNAME", o->hostname)) ||
	    (o->terminal && env_default(spec, "TERM", "xterm")) ||
	    env_default(spec, "HOME", home))
		goto oom;
	return 0;
oom:
	cohort_seterr(err, errlen, "out of memory");
	return -1;
}

static int make_cwd(const struct image_config *cfg,
		    const struct run_overrides *o, struct run_spec *spec,
		    char *err, size_t errlen)
{
	const char *d = "/";

	if (o->workdir && *o->workdir) {
		if (o->workdir[0] != '/') {
			cohort_seterr(err, errlen,
				"-w %s: the working directory must be an absolute path",
				o->workdir);
			return -1;
		}
		d = o->workdir;
	} else if (cfg->working_dir) {
		d = cfg->working_dir;
	}
	spec->cwd = run_path_clean(d);
	if (!spec->cwd) {
		cohort_seterr(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

/**
 * run_spec_make() - decide the process to run for an image
 * @cfg: the image config
 * @rootfd: directory fd of the unpacked image tree (for /etc/passwd and
 *	/etc/group), or -1: then only numeric users and groups work
 * @o: the user's options, or NULL for none
 * @spec: the result, to free with run_spec_free()
 * @err: message on failure
 * @errlen: bytes at @err
 *
 * -e NAME takes the value from this process's environment.  The result
 * passes run_spec_check(), so the instance will accept it.
 *
 * Return: 0, or -1 (@spec is left empty).
 */
int run_spec_make(const struct image_config *cfg, int rootfd,
		  const struct run_overrides *o, struct run_spec *spec,
		  char *err, size_t errlen)
{
	static const struct run_overrides none;
	struct run_user u;
	const char *user;

	memset(spec, 0, sizeof(*spec));
	if (!o)
		o = &none;
	user = o->user && *o->user ? o->user : cfg->user;
	if (make_args(cfg, o, spec, err, errlen) ||
	    make_cwd(cfg, o, spec, err, errlen))
		goto fail;
	if (run_user_resolve(user, rootfd, &u, err, errlen))
		goto fail;
	spec->uid = u.uid;
	spec->gid = u.gid;
	spec->groups = u.groups;
	spec->nr_groups = u.nr_groups;
	u.groups = NULL;
	if (make_env(cfg, o, u.home, spec, err, errlen)) {
		run_user_free(&u);
		goto fail;
	}
	run_user_free(&u);
	spec->terminal = o->terminal;
	if ((o->hostname && !(spec->hostname = strdup(o->hostname))) ||
	    (o->rootfs && !(spec->rootfs = strdup(o->rootfs)))) {
		cohort_seterr(err, errlen, "out of memory");
		goto fail;
	}
	if (o->nr_publish > RUN_MAX_PUBLISH) {
		cohort_seterr(err, errlen, "%zu published ports; at most %d",
			      o->nr_publish, RUN_MAX_PUBLISH);
		goto fail;
	}
	memcpy(spec->publish, o->publish, o->nr_publish * sizeof(o->publish[0]));
	spec->nr_publish = o->nr_publish;
	if (run_mounts_copy(o->mounts, o->nr_mounts, spec, err, errlen) ||
	    run_rlimits_make(o, spec, err, errlen) ||
	    run_spec_check(spec, err, errlen))
		goto fail;
	return 0;
fail:
	run_spec_free(spec);
	return -1;
}

/**
 * run_spec_free() - release a spec
 * @spec: filled by run_spec_make() or run_spec_from_json(); left empty
 */
void run_spec_free(struct run_spec *spec)
{
	run_strv_free(spec->args);
	run_strv_free(spec->env);
	free(spec->cwd);
	free(spec->groups);
	free(spec->hostname);
	free(spec->rootfs);
	run_mounts_free(spec->mounts, spec->nr_mounts);
	memset(spec, 0, sizeof(*spec));
}
