// SPDX-License-Identifier: GPL-2.0
/*
 * cohort-init: PID 1 of an instance started by `cohort run` (issue 11).
 *
 *	cohort-init [OPTIONS] SPEC.json
 *	cohort-init --warm
 *	cohort-init --exec-server
 *	cohort-init --wait-link IFNAME
 *
 * The instance's shell init execs it (`exec /sbin/cohort-init
 * /cohort/run.json`; with "cohort.warm" on the kernel command line
 * `exec cohort-init --warm`, which first waits for the primary to hand
 * the spec over: warm.c).  It reads the run spec the primary's tool wrote
 * (lib/run: args, env, cwd, user, groups, hostname, the region holding
 * the image tree, volumes, rlimits), builds the root filesystem (rootfs.c: the
 * image's tree read-only under a tmpfs upper layer with overlayfs, /proc,
 * /sys, /dev, /dev/pts, /dev/shm, /etc/hostname, /etc/hosts), binds the
 * volumes into it (volumes.c), listens for the primary on the ports -p
 * publishes (publish.c) and for cohort exec (execd.c, exec.c: commands
 * run in the workload's root as its user), starts the process with its rlimits
 * (child.c), reaps every child and forwards signals while it runs
 * (supervise.c), then reports its status (report.c: the exit code, or
 * 128 + the signal that killed it) and powers the instance off.  Any
 * failure before the process runs prints "cohort-init: WHY" on the
 * console and reports 127.
 *
 * "cohort-init --exec-server" is not PID 1: the init of an instance that
 * runs no workload starts it to serve cohort exec (execd.c); it returns
 * once vsock port 1001 is listened on, the server going on in the
 * background.  "cohort-init --wait-link IFNAME" returns once the network
 * interface IFNAME exists (link.c).
 *
 * Options (from --no-mounts on, for testing on a host, not as PID 1):
 *	--warm           no SPEC.json: wait for one on vsock port 1000
 *	--dry-run        check the spec and print what would be done
 *	--stop-timeout S seconds between SIGTERM and SIGKILL (10)
 *	--no-mounts      build no root: run in --root DIR, or in "/" as it is
 *	--root DIR       with --no-mounts: chroot into DIR
 *	--lower DIR      bind DIR as the image tree instead of the region
 *	--volume-root DIR  DIR/REGION stands for each volume's region
 *	                 instead of mounting its cohortfs
 *	--run-dir DIR    where the image, rw and root mounts go (/run/cohort)
 *	--no-poweroff    be a subreaper, not PID 1: exit with the status,
 *	                 signal only the workload's process group at the end,
 *	                 leave /sys/kernel/cohort/exit_status alone, serve
 *	                 no cohort exec
 *	--no-console     the process inherits stdout and stderr (and no
 *	                 controlling terminal)
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "init.h"

/**
 * init_msg() - one line on stderr (the console), prefixed "cohort-init: "
 * @fmt: printf(3) format
 */
void init_msg(const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(stderr, "cohort-init: %s\n", line);
}

static int parse(int argc, char **argv, struct init_opts *o)
{
	static const struct option opts[] = {
		{ "dry-run", no_argument, NULL, 'd' },
		{ "warm", no_argument, NULL, 'W' },
		{ "exec-server", no_argument, NULL, 'E' },
		{ "wait-link", required_argument, NULL, 'L' },
		{ "no-mounts", no_argument, NULL, 'm' },
		{ "no-poweroff", no_argument, NULL, 'p' },
		{ "no-console", no_argument, NULL, 'c' },
		{ "root", required_argument, NULL, 'r' },
		{ "lower", required_argument, NULL, 'l' },
		{ "volume-root", required_argument, NULL, 'V' },
		{ "run-dir", required_argument, NULL, 'R' },
		{ "stop-timeout", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int opt;
	long v;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (opt) {
		case 'd': o->dry_run = true; break;
		case 'W': o->warm = true; break;
		case 'E': o->exec_server = true; break;
		case 'L': o->wait_link = optarg; break;
		case 'm': o->no_mounts = true; break;
		case 'p': o->no_poweroff = true; break;
		case 'c': o->no_console = true; break;
		case 'r': o->root = optarg; break;
		case 'l': o->lower = optarg; break;
		case 'V': o->volume_root = optarg; break;
		case 'R': o->run_dir = optarg; break;
		case 's':
			errno = 0;
			v = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || v < 0 || v > 3600) {
				init_msg("--stop-timeout '%s': want 0 to 3600 seconds", optarg);
				return -1;
			}
			o->stop_timeout = v;
			break;
		case 'h':
			printf("Usage: cohort-init --warm | --exec-server | --wait-link IFNAME | [--dry-run] [--stop-timeout S] [--no-mounts [--root DIR]] [--lower DIR] [--volume-root DIR] [--run-dir DIR] [--no-poweroff] [--no-console] SPEC.json\n");
			exit(0);
		default:
			init_msg("unknown option '%s' or missing argument", argv[optind - 1]);
			return -1;
		}
	}
	if (argc - optind != (o->warm || o->exec_server || o->wait_link ? 0 : 1) ||
	    o->warm + o->exec_server + !!o->wait_link > 1) {
		init_msg("usage: cohort-init [OPTIONS] SPEC.json, cohort-init --warm, --exec-server or --wait-link IFNAME");
		return -1;
	}
	if (o->root && !o->no_mounts) {
		init_msg("--root needs --no-mounts");
		return -1;
	}
	o->spec_path = o->warm ? NULL : argv[optind];
	return 0;
}

static void dry_run(const struct run_spec *s, const struct init_opts *o)
{
	char soft[RUN_RLIM_TEXT_MAX], hard[RUN_RLIM_TEXT_MAX];
	size_t i;

	if (s->rootfs && !o->no_mounts)
		printf("root %s/root: overlay of %s (read-only) and tmpfs %s/rw\n",
		       o->run_dir, o->lower ? o->lower : s->rootfs, o->run_dir);
	else
		printf("root %s\n", o->root ? o->root : "/ (as it is)");
	if (s->hostname)
		printf("hostname %s\n", s->hostname);
	printf("user %u:%u groups", s->uid, s->gid);
	for (i = 0; i < s->nr_groups; i++)
		printf("%s%u", i ? "," : " ", s->groups[i]);
	printf("\ncwd %s\nterminal %s\n", s->cwd, s->terminal ? "yes" : "no");
	for (i = 0; s->args[i]; i++)
		printf("arg %s\n", s->args[i]);
	for (i = 0; s->env[i]; i++)
		printf("env %s\n", s->env[i]);
	for (i = 0; i < s->nr_mounts; i++)
		printf("volume %s/%s -> %s %s\n", s->mounts[i].region,
		       s->mounts[i].source, s->mounts[i].target,
		       s->mounts[i].readonly ? "ro" : "rw");
	for (i = 0; i < s->nr_publish; i++)
		printf("publish tcp %u (vsock port %u)\n", s->publish[i],
		       RUN_PUBLISH_VSOCK_BASE + s->publish[i]);
	for (i = 0; i < s->nr_rlimits; i++)
		printf("rlimit %s %s %s\n", run_rlimit_name(s->rlimits[i].resource),
		       run_rlimit_format(s->rlimits[i].soft, soft, sizeof(soft)),
		       run_rlimit_format(s->rlimits[i].hard, hard, sizeof(hard)));
}

/* Everything up to the workload's end; its status, or 127. */
static int run(const struct init_opts *o, const struct run_spec *spec)
{
	char rootbuf[4096];
	const char *root = o->root;
	int sfd, status;
	pid_t pid;

	if (o->no_poweroff && prctl(PR_SET_CHILD_SUBREAPER, 1))
		init_msg("PR_SET_CHILD_SUBREAPER: %s", strerror(errno));
	if (spec->hostname && sethostname(spec->hostname, strlen(spec->hostname))) {
		init_msg("sethostname %s: %s", spec->hostname, strerror(errno));
		return INIT_EXIT_SETUP;
	}
	if (spec->rootfs && !o->no_mounts) {
		if (rootfs_setup(o, spec, rootbuf, sizeof(rootbuf)))
			return INIT_EXIT_SETUP;
		root = rootbuf;
	}
	if (volumes_setup(o, spec, root ? root : "/"))
		return INIT_EXIT_SETUP;
	if (publish_start(spec))
		return INIT_EXIT_SETUP;
	if (!o->no_poweroff) {
		struct exec_ctx ctx = { .root = root, .spec = spec };

		/* cohort exec is a convenience: the workload runs without it */
		execd_start(&ctx);
	}
	sfd = supervise_setup();
	if (sfd < 0)
		return INIT_EXIT_SETUP;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		init_msg("fork: %s", strerror(errno));
		return INIT_EXIT_SETUP;
	}
	if (!pid)
		child_exec(spec, o, root);
	status = supervise(sfd, pid, o);
	supervise_end(sfd, pid, o);
	close(sfd);
	return status;
}

int main(int argc, char **argv)
{
	struct init_opts o = {
		.run_dir = "/run/cohort",
		.console = "/dev/console",
		.tty = "/dev/ttyCH0",
		.stop_timeout = 10,
	};
	struct run_spec spec;
	int status;

	if (parse(argc, argv, &o)) {
		if (o.exec_server || o.wait_link)
			return INIT_EXIT_SETUP;
		status = INIT_EXIT_SETUP;
		goto report;
	}
	if (o.wait_link)
		return init_wait_link(o.wait_link) ? 1 : 0;
	if (o.exec_server) {
		struct exec_ctx ctx = { .root = NULL, .spec = NULL };

		return execd_start(&ctx) ? 1 : 0;
	}
	if (o.warm ? warm_wait(&spec) : init_load_spec(o.spec_path, &spec)) {
		status = INIT_EXIT_SETUP;
		goto report;
	}
	if (o.dry_run) {
		dry_run(&spec, &o);
		run_spec_free(&spec);
		return 0;
	}
	status = run(&o, &spec);
	run_spec_free(&spec);
	if (!o.no_poweroff) {
		volumes_teardown();
		rootfs_teardown();
	}
report:
	report_status(status, &o);
	if (o.no_poweroff || o.dry_run)
		return status;
	power_off();
}
