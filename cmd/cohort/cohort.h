/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cohort(8): what the command files share.
 */
#ifndef _COHORT_CLI_H
#define _COHORT_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include <uapi/linux/cohort.h>

/* Exit statuses, documented in docs/man/cohort.8. */
#define EXIT_OK		0	/* done */
#define EXIT_FAIL	1	/* the kernel refused, or the operation failed */
#define EXIT_USAGE	2	/* usage error or invalid argument */
#define EXIT_NOTFOUND	3	/* no instance of that name */
#define EXIT_UNAVAIL	4	/* Cohort is not available here */

#define COHORT_SYSFS_DEFAULT	"/sys/kernel/cohort"
#define COHORT_DEV_DEFAULT	"/dev/cohort"
#define COHORT_CPU_SYSFS_DEFAULT "/sys/devices/system/cpu"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Longest sysfs value cohort reads (cmdline is the longest). */
#define SYSFS_VAL_MAX		(COHORT_CMDLINE_MAX + 64)

struct cli {
	const char *sysfs;	/* COHORT_SYSFS */
	const char *dev;	/* COHORT_DEV */
	const char *cpu_sysfs;	/* COHORT_CPU_SYSFS */
	bool json;
	bool pretty;
	const char *cmd;	/* the command running, for messages */
};

struct command {
	const char *name;
	int (*run)(struct cli *c, int argc, char **argv);
	const char *usage;	/* after "cohort NAME " */
	const char *help;	/* one line */
};

extern const char *prog;

void cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int cli_usage_err(struct cli *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int cli_getopt(struct cli *c, int argc, char **argv, const char *optstring,
	       const struct option *longopts, unsigned int *seen);
int cli_name_arg(struct cli *c, int argc, char **argv, const char **name);
int cli_no_args(struct cli *c, int argc, char **argv);
void cli_help(const char *cmd);

/* sysfs.c */
int sysfs_read(const char *path, char *buf, size_t len);
int sysfs_available(struct cli *c);
int sysfs_instance_check(struct cli *c, const char *name);
int sysfs_inst_path(struct cli *c, const char *name, const char *attr,
		    char *buf, size_t len);
int sysfs_inst_read(struct cli *c, const char *name, const char *attr,
		    char *buf, size_t len);
int sysfs_inst_u64(struct cli *c, const char *name, const char *attr,
		   __u64 *val);
int sysfs_parse_u64(const char *s, __u64 *val);

/* The commands. */
int cmd_create(struct cli *c, int argc, char **argv);
int cmd_load(struct cli *c, int argc, char **argv);
int cmd_start(struct cli *c, int argc, char **argv);
int cmd_stop(struct cli *c, int argc, char **argv);
int cmd_delete(struct cli *c, int argc, char **argv);
int cmd_list(struct cli *c, int argc, char **argv);
int cmd_show(struct cli *c, int argc, char **argv);
int cmd_log(struct cli *c, int argc, char **argv);
int cmd_pool(struct cli *c, int argc, char **argv);
int cmd_version(struct cli *c, int argc, char **argv);
int cmd_help(struct cli *c, int argc, char **argv);

#endif /* _COHORT_CLI_H */
