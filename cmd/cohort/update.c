// SPDX-License-Identifier: GPL-2.0
/*
 * cohort(8): "cohort update": a new kernel for a running instance, with
 * the service moving over instead of stopping (issue 12).
 *
 *   prepare   NAME.next is made beside NAME with the same number of CPUs
 *             (free ones), the same memory (from the pool), the same
 *             regions (cohortfs state) and command line, boots the new
 *             kernel, and must pass NAME's declared health check
 *             (cohortd's [health]; without one, its init must answer
 *             cohort exec).  Any failure rolls back: NAME.next's console
 *             is kept, the instance deleted, NAME untouched.
 *   commit    NAME.next takes over NAME's vsock address and network
 *             link (cohort takeover), NAME is stopped, the names move (NAME.next
 *             becomes NAME) and the old kernel's instance is deleted.
 *   rollback  before the commit: NAME.next goes, NAME runs on.
 *
 * "cohort update NAME ..." does prepare and commit in one go.  What is
 * between the steps lives in STATE/update/NAME (the name of the
 * instance prepared), so the steps may be run by different invocations.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/vm_sockets.h>

#include "cohort.h"
#include "cohort/defaults.h"
#include "cohort/parse.h"
#include "decl/decl.h"
#include "launch.h"

#define NEXT_SUFFIX	".next"
#define OLD_SUFFIX	".old"
#define WAIT_DEFAULT	120	/* seconds for the new kernel to be ready */

struct upd {
	const char *name;
	char next[COHORT_NAME_MAX];
	char old[COHORT_NAME_MAX];
	char marker[4096];
	const char *kernel, *initrd, *cmdline;
	unsigned int wait_s;
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static int names(struct cli *c, struct upd *u)
{
	if (strlen(u->name) + strlen(NEXT_SUFFIX) >= COHORT_NAME_MAX) {
		cli_err("%s %s: the name is too long to put %s beside it (at most %zu characters)",
			c->cmd, u->name, NEXT_SUFFIX,
			COHORT_NAME_MAX - 1 - strlen(NEXT_SUFFIX));
		return EXIT_USAGE;
	}
	snprintf(u->next, sizeof(u->next), "%s" NEXT_SUFFIX, u->name);
	snprintf(u->old, sizeof(u->old), "%s" OLD_SUFFIX, u->name);
	snprintf(u->marker, sizeof(u->marker), "%s/update/%s", cli_state_dir(),
		 u->name);
	return EXIT_OK;
}

static bool exists(struct cli *c, const char *name)
{
	char state[64];

	return sysfs_inst_read(c, name, "state", state, sizeof(state)) >= 0;
}

static bool state_is(struct cli *c, const char *name, const char *want)
{
	char state[64];

	return sysfs_inst_read(c, name, "state", state, sizeof(state)) >= 0 &&
	       !strcmp(state, want);
}

/* Run "cohort ARGS..." as a child; its exit status. */
static int run_self(char *const *argv, bool quiet)
{
	int status, fd;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		if (quiet) {
			fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
			if (fd >= 0) {
				dup2(fd, 1);
				dup2(fd, 2);
			}
		}
		execv("/proc/self/exe", argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* The user's words of @name's command line: load appended ours. */
static int user_cmdline(struct cli *c, const char *name, char *buf, size_t len)
{
	char tail[COHORT_NAME_MAX + 64];
	size_t n, t;
	int ret;

	ret = sysfs_inst_read(c, name, "cmdline", buf, len);
	if (ret < 0)
		return ret;
	snprintf(tail, sizeof(tail), "console=ttyCH0 cohort.name=%s", name);
	n = strlen(buf);
	t = strlen(tail);
	if (n >= t && !strcmp(buf + n - t, tail)) {
		n -= t;
		while (n && buf[n - 1] == ' ')
			n--;
		buf[n] = '\0';
	}
	return 0;
}

/* Give @next every region @name has, with the same rights. */
static int copy_grants(struct cli *c, const char *name, const char *next)
{
	char dir[4096], path[4600], grants[4096], ro[4096], *tok, *save, *r;
	bool readonly;
	struct dirent *e;
	DIR *d;
	int ret = EXIT_OK;

	snprintf(dir, sizeof(dir), "%s/regions", c->sysfs);
	d = opendir(dir);
	if (!d)
		return EXIT_OK;
	while (!ret && (e = readdir(d))) {
		if (e->d_name[0] == '.' || !strncmp(e->d_name, "net:", 4))
			continue;
		snprintf(path, sizeof(path), "%s/%s/grants", dir, e->d_name);
		if (sysfs_read(path, grants, sizeof(grants)) < 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s/grants_ro", dir, e->d_name);
		if (sysfs_read(path, ro, sizeof(ro)) < 0)
			ro[0] = '\0';
		for (tok = strtok_r(grants, ",", &save); tok;
		     tok = strtok_r(NULL, ",", &save)) {
			if (strcmp(tok, name))
				continue;
			readonly = false;
			for (r = strtok_r(ro, ",", &save); r;
			     r = strtok_r(NULL, ",", &save))
				readonly |= !strcmp(r, name);
			ret = launch_grant(c, e->d_name, next, readonly);
			break;
		}
	}
	closedir(d);
	return ret;
}

/* Keep what a failed NAME.next printed, before it is deleted. */
static void keep_console(struct cli *c, const struct upd *u, char *path,
			 size_t len)
{
	char *argv[] = { "cohort", "log", (char *)u->next, NULL };
	int fd, saved;

	snprintf(path, len, "%s/update/%s-console.log", cli_state_dir(),
		 u->next);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		path[0] = '\0';
		return;
	}
	fflush(NULL);
	saved = dup(1);
	dup2(fd, 1);
	run_self(argv, false);
	fflush(NULL);
	dup2(saved, 1);
	close(saved);
	close(fd);
}

static void discard_next(struct cli *c, const struct upd *u)
{
	char *stop[] = { "cohort", "stop", "--force", (char *)u->next, NULL };

	if (exists(c, u->next)) {
		run_self(stop, true);
		launch_delete(c, u->next);
	}
	unlink(u->marker);
}

/* Does NEXT's vsock port accept a connection? */
static bool vsock_accepts(struct cli *c, const char *name, __u32 port)
{
	struct sockaddr_vm sa = { .svm_family = AF_VSOCK, .svm_port = port };
	__u64 cid;
	bool ok;
	int fd;

	if (sysfs_inst_u64(c, name, "cid", &cid))
		return false;
	sa.svm_cid = (unsigned int)cid;
	fd = socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	ok = !connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	close(fd);
	return ok;
}

/*
 * NEXT's health: NAME's declared check if it has one, else its init
 * answers cohort exec.  Tried until @until; a short note of the last
 * failure in @why.
 */
static bool healthy(struct cli *c, const struct upd *u, long long until,
		    char *why, size_t len)
{
	const char *dir = getenv("COHORT_CONFIG_DIR");
	struct decl_instance *d = NULL;
	struct decl_errors errs;
	char path[4096];
	char *cmd[] = { "cohort", "exec", "--timeout", "10", (char *)u->next,
			"--", "/bin/sh", "-c", NULL, NULL };
	char *ready[] = { "cohort", "exec", "--timeout", "10",
			  (char *)u->next, "--", "true", NULL };
	bool ok = false;
	int r;

	snprintf(path, sizeof(path), "%s/%s.conf",
		 dir && *dir ? dir : "/etc/cohort/instances.d", u->name);
	decl_errors_init(&errs);
	if (access(path, F_OK) || decl_parse_file(path, 0, &d, &errs))
		d = NULL;
	decl_errors_free(&errs);
	do {
		if (state_is(c, u->next, COHORT_STATE_STARTING)) {
			snprintf(why, len, "it did not finish booting");
			usleep(200 * 1000);
			continue;
		}
		if (!state_is(c, u->next, COHORT_STATE_RUNNING)) {
			char st[64] = "", reason[64] = "";

			sysfs_inst_read(c, u->next, "state", st, sizeof(st));
			sysfs_inst_read(c, u->next, "stop_reason", reason,
					sizeof(reason));
			snprintf(why, len, "it is %s (%s)", st, reason);
			break;
		}
		if (d && d->health == DECL_HEALTH_VSOCK) {
			ok = vsock_accepts(c, u->next, d->health_port);
			snprintf(why, len, "vsock port %u refused connections",
				 d->health_port);
		} else if (d && d->health == DECL_HEALTH_COMMAND) {
			cmd[8] = d->health_command;
			r = run_self(cmd, true);
			ok = !r;
			snprintf(why, len, "'%s' exited %d", d->health_command,
				 r);
		} else {
			/* tcp-port needs the address, which moves at commit */
			r = run_self(ready, true);
			ok = !r;
			snprintf(why, len, "its init does not answer cohort exec (%d)",
				 r);
		}
		if (!ok)
			usleep(500 * 1000);
	} while (!ok && now_ms() < until);
	decl_instance_free(d);
	return ok;
}

static int prepare(struct cli *c, struct upd *u)
{
	char cpus[1024], count[16], mem[32], cmdline[COHORT_CMDLINE_MAX];
	char ibuf[4096], kept[4300], why[512], state[64];
	__u64 mem_size, set[COHORT_CPU_WORDS];
	long long t0 = now_ms();
	char err[COHORT_ERR_MAX];
	FILE *f;
	int ret;

	if (sysfs_inst_read(c, u->name, "state", state, sizeof(state)) < 0 ||
	    strcmp(state, COHORT_STATE_RUNNING)) {
		cli_err("%s %s: it is %s: only a running instance is updated",
			c->cmd, u->name, state);
		return EXIT_FAIL;
	}
	if (exists(c, u->next) || !access(u->marker, F_OK)) {
		cli_err("%s %s: %s exists already: an update is prepared ('cohort update commit|rollback %s')",
			c->cmd, u->name, u->next, u->name);
		return EXIT_FAIL;
	}
	if (sysfs_inst_read(c, u->name, "cpus", cpus, sizeof(cpus)) < 0 ||
	    sysfs_inst_u64(c, u->name, "mem_size", &mem_size))
		return EXIT_FAIL;
	if (cohort_parse_cpulist(cpus, set, COHORT_MAX_CPUS,
				 COHORT_CPULIST_LENIENT, err, sizeof(err))) {
		cli_err("%s %s: its CPUs: %s", c->cmd, u->name, err);
		return EXIT_FAIL;
	}
	snprintf(count, sizeof(count), "%u",
		 cohort_cpulist_weight(set, COHORT_MAX_CPUS));
	snprintf(mem, sizeof(mem), "%lluM", (unsigned long long)(mem_size >> 20));
	if (!u->cmdline) {
		if (user_cmdline(c, u->name, cmdline, sizeof(cmdline)))
			return EXIT_FAIL;
		u->cmdline = cmdline;
	}
	if (!u->initrd)
		u->initrd = cohort_default_initrd(ibuf, sizeof(ibuf));
	if (!u->initrd) {
		cli_err("%s %s: no --initrd and no default instance initramfs",
			c->cmd, u->name);
		return EXIT_USAGE;
	}
	ret = launch_pick_cpus(c, count, cpus, sizeof(cpus));
	if (ret)
		return ret;
	snprintf(kept, sizeof(kept), "%s/update", cli_state_dir());
	if (cli_mkdir_p(kept)) {
		cli_err("%s %s: %s: %s", c->cmd, u->name, kept, strerror(errno));
		return EXIT_FAIL;
	}
	f = fopen(u->marker, "we");
	if (!f || fprintf(f, "%s\n", u->next) < 0 || fclose(f)) {
		cli_err("%s %s: %s: %s", c->cmd, u->name, u->marker,
			strerror(errno));
		return EXIT_FAIL;
	}
	ret = launch_create(c, u->next, cpus, mem);
	if (ret) {
		unlink(u->marker);
		return ret;
	}
	ret = copy_grants(c, u->name, u->next);
	ret = ret ?: launch_start(c, u->next, u->kernel, u->initrd, u->cmdline);
	if (!ret && !healthy(c, u, t0 + (long long)u->wait_s * 1000, why,
			     sizeof(why))) {
		keep_console(c, u, kept, sizeof(kept));
		cli_err("%s %s: the new kernel in %s is not healthy after %u s: %s; rolled back (its console: %s)",
			c->cmd, u->name, u->next, u->wait_s, why,
			kept[0] ? kept : "not kept");
		ret = EXIT_FAIL;
	}
	if (ret) {
		discard_next(c, u);
		return ret;
	}
	printf("%s: %s runs the new kernel on CPUs %s, ready after %lld ms; 'cohort update commit %s' moves the service\n",
	       u->name, u->next, cpus, now_ms() - t0, u->name);
	return EXIT_OK;
}

static int commit(struct cli *c, struct upd *u)
{
	char *stop[] = { "cohort", "stop", (char *)u->name, NULL };
	long long t0, t1;
	int ret;

	if (access(u->marker, F_OK) || !exists(c, u->next)) {
		cli_err("%s %s: no update is prepared ('cohort update prepare %s --kernel FILE')",
			c->cmd, u->name, u->name);
		return EXIT_FAIL;
	}
	if (!state_is(c, u->next, COHORT_STATE_RUNNING)) {
		cli_err("%s %s: %s does not run any more: 'cohort update rollback %s'",
			c->cmd, u->name, u->next, u->name);
		return EXIT_FAIL;
	}
	if (exists(c, u->old)) {
		cli_err("%s %s: an instance named %s exists: it is in the way",
			c->cmd, u->name, u->old);
		return EXIT_FAIL;
	}
	t0 = now_ms();
	/* From here the service's clients reach the new kernel. */
	ret = cli_takeover(c, u->next, u->name, NULL);
	if (ret)
		return ret;
	t1 = now_ms();
	if (run_self(stop, false))
		cli_err("%s %s: the old kernel did not stop gracefully; its CPUs were taken back",
			c->cmd, u->name);
	ret = cli_rename(c, u->name, u->old);
	ret = ret ?: cli_rename(c, u->next, u->name);
	if (ret) {
		cli_err("%s %s: the names did not move: %s and %s are left for you to sort out",
			c->cmd, u->name, u->name, u->next);
		return ret;
	}
	ret = launch_delete(c, u->old);
	unlink(u->marker);
	printf("%s: the new kernel serves it now (address moved in %lld ms); the old one is %s\n",
	       u->name, t1 - t0, ret ? "stopped, not deleted" : "gone");
	return ret;
}

static int rollback(struct cli *c, struct upd *u)
{
	if (access(u->marker, F_OK)) {
		cli_err("%s %s: no update is prepared", c->cmd, u->name);
		return EXIT_FAIL;
	}
	discard_next(c, u);
	printf("%s: %s is gone; %s runs on unchanged\n", u->name, u->next,
	       u->name);
	return EXIT_OK;
}

/**
 * cmd_update() - "cohort update [prepare|commit|rollback] NAME [options]"
 * @c: the invocation
 * @argc: arguments of the command
 * @argv: the arguments
 *
 * Return: an exit status.
 */
int cmd_update(struct cli *c, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "kernel", required_argument, NULL, 'k' },
		{ "initrd", required_argument, NULL, 'i' },
		{ "cmdline", required_argument, NULL, 'a' },
		{ "wait", required_argument, NULL, 'W' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	unsigned int seen[256] = { 0 };
	struct upd u = { .wait_s = WAIT_DEFAULT };
	char err[COHORT_ERR_MAX];
	const char *step = NULL;
	int opt, ret;

	if (argc > 1 && (!strcmp(argv[1], "prepare") ||
			 !strcmp(argv[1], "commit") ||
			 !strcmp(argv[1], "rollback"))) {
		step = argv[1];
		argc--;
		argv++;
	}
	while ((opt = cli_getopt(c, argc, argv, "k:i:a:", lo, seen)) != -1) {
		switch (opt) {
		case 'k':
			u.kernel = optarg;
			break;
		case 'i':
			u.initrd = optarg;
			break;
		case 'a':
			u.cmdline = optarg;
			break;
		case 'W':
			if (cohort_parse_uint(optarg, "wait", "seconds", 1,
					      3600, &u.wait_s, err,
					      sizeof(err)))
				return cli_usage_err(c, "--wait: %s", err);
			break;
		default:
			return opt == -2 ? EXIT_OK : EXIT_USAGE;
		}
	}
	ret = cli_name_arg(c, argc, argv, &u.name);
	ret = ret ?: sysfs_instance_check(c, u.name);
	ret = ret ?: names(c, &u);
	if (ret)
		return ret;
	if (step && strcmp(step, "prepare") &&
	    (u.kernel || u.initrd || u.cmdline))
		return cli_usage_err(c, "%s takes no --kernel, --initrd or --cmdline",
				     step);
	if ((!step || !strcmp(step, "prepare")) && !u.kernel)
		return cli_usage_err(c, "--kernel FILE is needed");
	if (step && !strcmp(step, "commit"))
		return commit(c, &u);
	if (step && !strcmp(step, "rollback"))
		return rollback(c, &u);
	ret = prepare(c, &u);
	if (ret || step)
		return ret;
	return commit(c, &u);
}
