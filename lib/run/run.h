/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The run specification of `cohort run` (issue 11): which process an
 * instance runs for an image, decided by the primary's tool from the
 * image config and the user's options exactly as docker run / runc would,
 * carried to the instance as a small JSON file and read there by
 * cohort-init.  See docs/image.md, "Running an image".
 *
 *	struct run_overrides o = { .cmd = argv + optind, .user = "app" };
 *	struct run_spec spec;
 *	char err[RUN_ERR_MAX], *json;
 *
 *	if (run_ulimit_parse("nofile=4096", o.rlimits, &o.nr_rlimits, err,
 *			     sizeof(err)))
 *		fail(err);
 *	if (run_spec_make(image_config(img), rootfd, &o, &spec, err, sizeof(err)) ||
 *	    run_spec_to_json(&spec, &json, err, sizeof(err)))
 *		fail(err);
 *	...
 *	run_spec_free(&spec);
 *
 * Every function returns 0 on success and -1 with a one-line message in
 * @err on failure, leaving its outputs empty.
 */
#ifndef _COHORT_RUN_H
#define _COHORT_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "image/image.h"

#define RUN_ERR_MAX		512

/* What a spec may hold: the instance refuses more (and so does the primary). */
#define RUN_JSON_MAX		(64 * 1024)	/* bytes of JSON */
#define RUN_MAX_ENTRIES		4096		/* args, env entries, groups */
#define RUN_HOSTNAME_MAX	64		/* HOST_NAME_MAX */
#define RUN_ID_MAX		4294967294u	/* 2^32 - 2: (uid_t)-1 is no id */
#define RUN_MAX_MOUNTS		32		/* volumes (-v) */
#define RUN_MAX_PUBLISH		32		/* published ports (-p) */

/*
 * A published TCP port P of the workload is reached from the primary
 * through the instance's AF_VSOCK port RUN_PUBLISH_VSOCK_BASE + P, above
 * every TCP port number, so a workload's own vsock ports never collide.
 */
#define RUN_PUBLISH_VSOCK_BASE	0x10000u
#define RUN_MAX_RLIMITS		16		/* one per resource (--ulimit) */

/*
 * A published port as written, "[IP:]HOSTPORT:PORT[/tcp]" (-p), read by
 * run_publish_parse(): the text is shorter than RUN_PUBLISH_ARG_MAX.
 */
#define RUN_PUBLISH_ARG_MAX	128
struct run_publish {
	struct sockaddr_storage addr;	/* the primary's address and port */
	socklen_t alen;
	uint16_t cport;			/* the workload's port */
};

/*
 * Resource limits: values up to RUN_RLIM_MAX (int64, as docker parses
 * them), or RUN_RLIM_INFINITY (RLIM_INFINITY: no limit).
 */
#define RUN_RLIM_MAX		INT64_MAX
#define RUN_RLIM_INFINITY	UINT64_MAX
#define RUN_RLIM_TEXT_MAX	24		/* run_rlimit_format()'s text */
/* RLIMIT_NOFILE soft and hard when the user gives none (runc's, umoci's). */
#define RUN_NOFILE_DEFAULT	1024

/* PATH when neither the image nor the user sets one (docker's). */
#define RUN_DEFAULT_PATH \
	"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/*
 * A volume (-v SRC:DST[:ro]): a directory of a cohortfs region granted to
 * the instance, bound onto a path of the container.
 */
struct run_mount {
	char *region;	/* the cohortfs region to mount (a region name) */
	char *source;	/* directory inside that filesystem, relative, "" for
			 * its root: no "." or ".." component, no leading
			 * or trailing '/', no "//" */
	char *target;	/* absolute path in the container, normalised (as
			 * cwd), not "/" */
	bool readonly;
};

/* A resource limit (--ulimit NAME=SOFT[:HARD]), set with setrlimit(). */
struct run_rlimit {
	int resource;		/* RLIMIT_NOFILE...: one run_rlimit_name() knows */
	uint64_t soft, hard;	/* soft <= hard; RUN_RLIM_INFINITY: none */
};

/* The process to run; every pointer is owned by the struct. */
struct run_spec {
	char **args;		/* NULL-terminated, at least one element */
	char **env;		/* NULL-terminated, "NAME=value", no duplicate NAMEs */
	char *cwd;		/* absolute path */
	uint32_t uid, gid;
	uint32_t *groups;	/* supplementary gids, the primary gid first */
	size_t nr_groups;
	char *hostname;		/* NULL: leave the instance's */
	char *rootfs;		/* cohortfs region holding the image tree;
				 * NULL: run in the initramfs root as it is */
	bool terminal;		/* the console is the controlling terminal */
	struct run_mount *mounts;	/* volumes, mounted in this order;
					 * no two with the same target */
	size_t nr_mounts;
	struct run_rlimit rlimits[RUN_MAX_RLIMITS];	/* set in this order;
							 * one per resource */
	size_t nr_rlimits;
	uint16_t publish[RUN_MAX_PUBLISH];	/* TCP ports the primary
						 * reaches (-p), 1 to 65535,
						 * no two alike */
	size_t nr_publish;
};

/* What the user gave on the command line; NULL / false: not given. */
struct run_overrides {
	char **entrypoint;	/* --entrypoint; an empty array: none */
	bool entrypoint_set;
	char **cmd;		/* COMMAND ARG...; NULL or empty: the image's Cmd */
	char **env;		/* -e NAME=value or -e NAME (from the caller's
				 * environment, dropped if unset), in order,
				 * --env-file entries first; later wins */
	const char *workdir;	/* -w, absolute */
	const char *user;	/* -u USER[:GROUP] */
	const char *hostname;	/* -h */
	const char *rootfs;	/* the region the image tree was imported into */
	bool terminal;		/* -t */
	const struct run_mount *mounts;	/* -v, in order; copied; targets
					 * are normalised (must be absolute) */
	size_t nr_mounts;
	struct run_rlimit rlimits[RUN_MAX_RLIMITS];	/* --ulimit
					 * (run_ulimit_parse()), each replacing
					 * the default of its resource */
	size_t nr_rlimits;
	uint16_t publish[RUN_MAX_PUBLISH];	/* -p: container ports */
	size_t nr_publish;
};

int run_spec_make(const struct image_config *cfg, int rootfd,
		  const struct run_overrides *o, struct run_spec *spec,
		  char *err, size_t errlen);
int run_spec_check(const struct run_spec *spec, char *err, size_t errlen);
int run_spec_to_json(const struct run_spec *spec, char **json, char *err,
		     size_t errlen);
int run_spec_from_json(const char *buf, size_t len, struct run_spec *spec,
		       char *err, size_t errlen);
void run_spec_free(struct run_spec *spec);
int run_env_file(const char *path, char ***env, char *err, size_t errlen);
int run_ulimit_parse(const char *arg, struct run_rlimit *v, size_t *n,
		     char *err, size_t errlen);
const char *run_rlimit_name(int resource);
const char *run_rlimit_format(uint64_t v, char *buf, size_t len);
int run_publish_parse(const char *arg, struct run_publish *p, char *err,
		      size_t errlen);

#endif /* _COHORT_RUN_H */
