/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cohort-init: what its files share.  See main.c for what it does.
 */
#ifndef _COHORT_INIT_H
#define _COHORT_INIT_H

#include <stdbool.h>
#include <sys/types.h>

#include "run/run.h"

/* Exit status when nothing could be run (a bad spec, a failed mount). */
#define INIT_EXIT_SETUP		127

struct init_opts {
	const char *spec_path;	/* NULL with warm */
	bool warm;		/* wait for the spec on vsock (warm.c) */
	bool exec_server;	/* only serve cohort exec (execd.c) */
	const char *wait_link;	/* only wait for this interface (link.c) */
	bool dry_run;		/* check the spec, print the plan, run nothing */
	bool no_mounts;		/* run in --root DIR, or "/" as it is */
	bool no_poweroff;	/* not PID 1: reap our own, exit with the status */
	bool no_console;	/* the workload inherits stdout/stderr */
	const char *root;	/* --root: chroot here instead of a new root */
	const char *lower;	/* --lower: bind DIR instead of the region */
	const char *volume_root;	/* --volume-root: DIR/REGION stands
					 * for each volume's region */
	const char *run_dir;	/* where the mounts go (/run/cohort) */
	const char *console;	/* /dev/console */
	const char *tty;	/* /dev/ttyCH0 */
	unsigned int stop_timeout;	/* seconds from SIGTERM to SIGKILL */
};

/* main.c: "cohort-init: MESSAGE" on stderr (the console). */
void init_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* link.c: wait for a network interface (--wait-link). */
int init_wait_link(const char *ifname);

/* config.c */
int init_load_spec(const char *path, struct run_spec *spec);

/* warm.c: the spec from the primary, for an instance of a warm pool. */
int warm_wait(struct run_spec *spec);

/* publish.c: the instance's end of the ports -p publishes. */
int publish_start(const struct run_spec *spec);

/* dirs.c: mount points. */
int init_open_dir(int rootfd, const char *path, char *why, size_t whylen);
int init_mkdir_p(const char *path);

/* rootfs.c: the image's tree under a tmpfs upper layer, with /proc... */
int rootfs_setup(const struct init_opts *o, const struct run_spec *spec,
		 char *root, size_t rootlen);
void rootfs_teardown(void);

/* volumes.c: the spec's mounts (-v), bound into the workload's root. */
int volumes_setup(const struct init_opts *o, const struct run_spec *spec,
		  const char *root);
void volumes_teardown(void);

/* child.c: the workload (never returns), and the steps it shares with exec.c. */
void child_exec(const struct run_spec *spec, const struct init_opts *o,
		const char *root) __attribute__((noreturn));
void child_reset_signals(void);
int child_enter(const struct run_spec *spec, const char *root, bool make_cwd,
		char *what, size_t wlen);
int child_exec_args(const struct run_spec *spec, char *what, size_t wlen);

/* execd.c, exec.c: the exec server (cohort exec, lib/run/exec.h). */
struct exec_ctx {
	const char *root;		/* the command's root; NULL: "/" */
	const struct run_spec *spec;	/* the workload's process; NULL:
					 * none (a plain instance) */
};

int execd_start(const struct exec_ctx *ctx);
void exec_session(int fd, const struct exec_ctx *ctx)
	__attribute__((noreturn));

/* supervise.c */
int supervise_setup(void);
int supervise(int sfd, pid_t workload, const struct init_opts *o);
void supervise_end(int sfd, pid_t workload, const struct init_opts *o);

/* report.c */
void report_status(int status, const struct init_opts *o);
void power_off(void) __attribute__((noreturn));

#endif /* _COHORT_INIT_H */
