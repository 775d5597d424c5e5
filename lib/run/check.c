// SPDX-License-Identifier: GPL-2.0
/*
 * What every run spec must satisfy, checked where it is made (the
 * primary) and where it is read (the instance): bounded counts and sizes,
 * a program, an absolute working directory, well-formed and unique
 * environment entries, ids that are ids, names that are names, volumes
 * (mount.c), resource limits (rlimit.c).
 */
#include <limits.h>
#include <string.h>

#include "cohort/parse.h"
#include "internal.h"

static int check_env(char *const *env, char *err, size_t errlen)
{
	size_t i, j, n = run_strv_len(env);

	if (n > RUN_MAX_ENTRIES) {
		cohort_seterr(err, errlen, "%zu environment entries: at most %d are allowed",
			n, RUN_MAX_ENTRIES);
		return -1;
	}
	for (i = 0; i < n; i++) {
		size_t len = run_env_name_len(env[i]);

		if (run_env_entry_check(env[i], "env", err, errlen))
			return -1;
		for (j = 0; j < i; j++) {
			if (run_env_name_len(env[j]) == len &&
			    !memcmp(env[j], env[i], len)) {
				cohort_seterr(err, errlen, "env: %.*s is set twice",
					(int)(len > 64 ? 64 : len), env[i]);
				return -1;
			}
		}
	}
	return 0;
}

/**
 * run_spec_check() - check that a spec can be run
 * @spec: the spec
 * @err: message on failure
 * @errlen: bytes at @err
 *
 * Return: 0, or -1.
 */
int run_spec_check(const struct run_spec *spec, char *err, size_t errlen)
{
	char cerr[COHORT_ERR_MAX];
	size_t n = run_strv_len(spec->args), i;

	if (!n || !spec->args[0][0]) {
		cohort_seterr(err, errlen, "no command: args is empty or args[0] is \"\"");
		return -1;
	}
	if (n > RUN_MAX_ENTRIES) {
		cohort_seterr(err, errlen, "%zu arguments: at most %d are allowed",
			n, RUN_MAX_ENTRIES);
		return -1;
	}
	if (check_env(spec->env, err, errlen))
		return -1;
	if (!spec->cwd || spec->cwd[0] != '/') {
		cohort_seterr(err, errlen, "cwd '%.64s' is not an absolute path",
			spec->cwd ? spec->cwd : "");
		return -1;
	}
	if (strlen(spec->cwd) >= PATH_MAX) {
		cohort_seterr(err, errlen, "cwd is longer than %d bytes", PATH_MAX - 1);
		return -1;
	}
	if (spec->uid > RUN_ID_MAX || spec->gid > RUN_ID_MAX) {
		cohort_seterr(err, errlen, "uid or gid out of range (0 to %u)", RUN_ID_MAX);
		return -1;
	}
	if (spec->nr_groups > RUN_MAX_ENTRIES) {
		cohort_seterr(err, errlen, "%zu supplementary groups: at most %d are allowed",
			spec->nr_groups, RUN_MAX_ENTRIES);
		return -1;
	}
	for (i = 0; i < spec->nr_groups; i++) {
		if (spec->groups[i] > RUN_ID_MAX) {
			cohort_seterr(err, errlen, "supplementary gid out of range (0 to %u)",
				RUN_ID_MAX);
			return -1;
		}
	}
	if (spec->hostname &&
	    (!spec->hostname[0] || strlen(spec->hostname) > RUN_HOSTNAME_MAX)) {
		cohort_seterr(err, errlen, "hostname: 1 to %d characters, not %zu",
			RUN_HOSTNAME_MAX, strlen(spec->hostname));
		return -1;
	}
	if (spec->rootfs && cohort_check_name_of(spec->rootfs, "region", cerr,
						 sizeof(cerr))) {
		cohort_seterr(err, errlen, "rootfs: %s", cerr);
		return -1;
	}
	if (run_mounts_check(spec->mounts, spec->nr_mounts, err, errlen))
		return -1;
	if (spec->nr_publish > RUN_MAX_PUBLISH) {
		cohort_seterr(err, errlen, "%zu published ports; at most %d",
			      spec->nr_publish, RUN_MAX_PUBLISH);
		return -1;
	}
	for (size_t i = 0; i < spec->nr_publish; i++) {
		if (!spec->publish[i]) {
			cohort_seterr(err, errlen, "published port 0");
			return -1;
		}
		for (size_t j = 0; j < i; j++) {
			if (spec->publish[j] == spec->publish[i]) {
				cohort_seterr(err, errlen, "port %u is published twice",
					      spec->publish[i]);
				return -1;
			}
		}
	}
	return run_rlimits_check(spec->rlimits, spec->nr_rlimits, err, errlen);
}
