/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Declared instances (docs/config.md, cohort-instance.conf(5)): one INI
 * file per instance, /etc/cohort/instances.d/NAME.conf, read into typed
 * fields and checked alone and together.  Shared by "cohort apply" and
 * cohortd.
 *
 *	struct decl_errors errs;
 *	struct decl_set set;
 *
 *	decl_errors_init(&errs);
 *	if (decl_load_dir(dir, DECL_CHECK_FILES, &set, &errs))
 *		decl_errors_print(&errs, stderr);	// "FILE:LINE: reason"
 *	else
 *		for (i = 0; i < set.n; i++)
 *			start(set.v[set.order[i]]);	// dependencies first
 *	decl_set_free(&set);
 *	decl_errors_free(&errs);
 *
 * Every error is collected, never only the first: a file is read to its
 * end and every file of a directory is read.
 */
#ifndef _COHORT_DECL_H
#define _COHORT_DECL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <linux/types.h>
#include <uapi/linux/cohort.h>

#include "run/run.h"

#define DECL_DIR_DEFAULT	"/etc/cohort/instances.d"
#define DECL_DIR_ENV		"COHORT_CONFIG_DIR"	/* overrides the default */
#define DECL_SUFFIX		".conf"
/* The name of an instance's warm standby: NAME + this (standby = yes). */
#define DECL_STANDBY_SUFFIX	".standby"

/* Instances one primary can hold beside itself. */
#define DECL_MAX_INSTANCES	(COHORT_MAX_KERNELS - 1)
/* A bigger file is refused unread. */
#define DECL_FILE_MAX		(1 << 20)
/* Errors kept for one file; past them one more says how many were left. */
#define DECL_MAX_ERRORS_FILE	200
/* [net] address = lines of one instance. */
#define DECL_MAX_ADDRS		16

/* Defaults of the keys that have one (docs/config.md). */
#define DECL_RESTART_LIMIT_DEFAULT	5
#define DECL_RESTART_WINDOW_DEFAULT	600	/* seconds */
#define DECL_RESTART_BACKOFF_DEFAULT	1000	/* milliseconds */
#define DECL_RESTART_BACKOFF_MAX_DEFAULT 60000	/* milliseconds */
#define DECL_DUMP_KEEP_DEFAULT		3
#define DECL_HEALTH_INTERVAL_DEFAULT	1000	/* milliseconds */
#define DECL_HEALTH_THRESHOLD_DEFAULT	3

/* decl_parse_file() and decl_load_dir() flags */
/* Check that kernel, initrd and the image exist and can be read. */
#define DECL_CHECK_FILES	(1U << 0)

enum decl_restart {
	DECL_RESTART_NO,
	DECL_RESTART_ON_FAILURE,
	DECL_RESTART_ALWAYS,
};

enum decl_image_kind {
	DECL_IMAGE_NONE,		/* boots kernel/initrd/cmdline */
	DECL_IMAGE_OCI,			/* oci:DIR[:TAG] */
	DECL_IMAGE_DOCKER_ARCHIVE,	/* docker-archive:FILE[:REF] */
};

enum decl_health {
	DECL_HEALTH_NONE,
	DECL_HEALTH_COMMAND,		/* command = */
	DECL_HEALTH_VSOCK,		/* vsock-port = */
	DECL_HEALTH_TCP,		/* tcp-port = */
};

/* Every key, in the order docs/config.md lists them. */
enum decl_key {
	/* [instance] */
	DK_CPUS, DK_CPU_COUNT, DK_MEMORY, DK_KERNEL, DK_INITRD, DK_CMDLINE,
	DK_IMAGE, DK_AFTER, DK_RESTART, DK_RESTART_LIMIT, DK_RESTART_WINDOW,
	DK_RESTART_BACKOFF, DK_RESTART_BACKOFF_MAX, DK_DUMP, DK_DUMP_KEEP,
	DK_STANDBY,
	/* [run] */
	DK_ENTRYPOINT, DK_ARG, DK_ENV, DK_WORKDIR, DK_USER, DK_VOLUME,
	DK_PUBLISH, DK_ULIMIT,
	/* [net] */
	DK_LINK, DK_QUEUES, DK_ADDRESS,
	/* [health] */
	DK_HEALTH_COMMAND, DK_VSOCK_PORT, DK_TCP_PORT, DK_INTERVAL,
	DK_THRESHOLD,
	DECL_NR_KEYS
};

/* volume = SRC:DST[:ro|:rw], as "cohort run -v" takes it (not resolved). */
struct decl_volume {
	char *source;		/* a region name, or an absolute path */
	bool region;		/* @source is a region name */
	char *target;		/* absolute, normalised, not "/" */
	bool readonly;
};

/* publish = [IP:]HOSTPORT:PORT[/tcp] */
struct decl_publish {
	char *text;		/* as written */
	struct run_publish port;
};

/* address = ADDR/LEN */
struct decl_address {
	int family;		/* AF_INET or AF_INET6 */
	unsigned char addr[16];	/* network order; 4 bytes for AF_INET */
	unsigned int prefix;	/* 1-32 or 1-128 */
	char *text;		/* as written */
};

/*
 * One declared instance.  Strings and arrays are malloc()ed and owned by
 * the struct (decl_instance_free()); a key not given leaves its field
 * at the default, a string NULL.
 */
struct decl_instance {
	char name[COHORT_NAME_MAX];	/* the file name without .conf;
					 * "" when that is no valid name */
	char *path;			/* the file, as given */
	unsigned int line[DECL_NR_KEYS];	/* where each key was (first)
						 * given; 0: not given */

	/* [instance] */
	__u64 cpus[COHORT_CPU_WORDS];	/* cpus =; all 0 with cpu-count = */
	__u32 cpu_count;		/* cpu-count =, or the CPUs in cpus = */
	__u64 memory;			/* bytes */
	char *kernel;			/* absolute; NULL: cohort's default */
	char *initrd;			/* absolute; NULL: cohort's default */
	char *cmdline;			/* continuation lines joined by ' ' */
	enum decl_image_kind image_kind;
	char *image;			/* as written: "oci:/srv/img:1.0" */
	char *image_path;		/* its DIR or FILE, absolute */
	char *image_ref;		/* its TAG or REF, or NULL */
	char **after;			/* instance names, as written */
	size_t nr_after;
	enum decl_restart restart;
	__u32 restart_limit;		/* restarts within restart_window */
	__u32 restart_window;		/* seconds */
	__u32 restart_backoff;		/* first delay, milliseconds */
	__u32 restart_backoff_max;	/* milliseconds */
	bool dump;			/* keep a memory dump before a restart */
	__u32 dump_keep;		/* dumps kept per instance */
	bool standby;			/* a warm standby, NAME.standby */

	/* [run] */
	char *entrypoint;		/* NULL: the image's; "": none */
	char **args;			/* arg =, in order (COMMAND ARG...) */
	size_t nr_args;
	char **env;			/* "NAME=VALUE", in order, no NAME twice */
	size_t nr_env;
	char *workdir;			/* absolute */
	char *user;			/* USER[:GROUP] */
	struct decl_volume *volumes;
	size_t nr_volumes;
	struct decl_publish *publish;
	size_t nr_publish;
	struct run_rlimit rlimits[RUN_MAX_RLIMITS];	/* one per resource */
	size_t nr_rlimits;

	/* [net] */
	bool net_link;
	__u32 net_queues;		/* 0: one per CPU (cohort net add) */
	struct decl_address *addresses;
	size_t nr_addresses;

	/* [health] */
	enum decl_health health;
	char *health_command;
	__u32 health_port;		/* vsock-port or tcp-port */
	__u32 health_interval;		/* milliseconds */
	__u32 health_threshold;		/* failed checks in a row */
};

/* The declared instances of a directory. */
struct decl_set {
	struct decl_instance **v;	/* sorted by name */
	size_t n;
	size_t *order;			/* indexes into @v: the start order,
					 * dependencies first, ties by name */
};

/* One error: "FILE:LINE: MSG". */
struct decl_error {
	char *file;
	unsigned int line;		/* 0: the file as a whole */
	char *msg;
	size_t seq;			/* the order it was found in */
};

struct decl_errors {
	struct decl_error *v;
	size_t n, cap;
};

void decl_errors_init(struct decl_errors *e);
void decl_errors_free(struct decl_errors *e);
void decl_errors_add(struct decl_errors *e, const char *file,
		     unsigned int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void decl_errors_sort(struct decl_errors *e);
void decl_errors_print(const struct decl_errors *e, FILE *f);

int decl_parse_file(const char *path, unsigned int flags,
		    struct decl_instance **out, struct decl_errors *errs);
void decl_instance_free(struct decl_instance *d);

int decl_load_dir(const char *dir, unsigned int flags, struct decl_set *set,
		  struct decl_errors *errs);
int decl_set_check(struct decl_set *set, struct decl_errors *errs);
const struct decl_instance *decl_set_find(const struct decl_set *set,
					  const char *name);
void decl_set_free(struct decl_set *set);

const char *decl_key_name(enum decl_key k);
const char *decl_restart_name(enum decl_restart r);

#endif /* _COHORT_DECL_H */
