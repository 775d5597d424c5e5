// SPDX-License-Identifier: GPL-2.0
/*
 * The workload of tests/host/cohort-init.sh: prints what it received, or
 * behaves as the test asks.
 *
 *	run_probe print ARG...   args, env, cwd, ids, groups, one per line
 *	run_probe exit N         exit N
 *	run_probe kill SIG       kill itself with SIG
 *	run_probe orphan         leave a grandchild that exits 0.2 s later,
 *	                         then print the children of its parent (0.8 s)
 *	run_probe trap           print "got N" for HUP INT QUIT USR1;
 *	                         exit 40 on TERM
 *	run_probe ignore         ignore TERM, sleep
 *	run_probe mounts         what the new root looks like
 *	run_probe volumes DIR... for each DIR: DIR/in, then whether DIR/out
 *	                         can be written ("write ok" or the error)
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

extern char **environ;
static volatile sig_atomic_t got;

static void on_signal(int sig)
{
	got = sig;
}

static void cat(const char *path)
{
	char buf[512];
	ssize_t n;
	int fd = open(path, O_RDONLY);

	printf("%s=", path);
	if (fd < 0) {
		printf("(none)\n");
		return;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	printf("%s%s", buf, n > 0 && buf[n - 1] == '\n' ? "" : "\n");
	close(fd);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "print";
	char cwd[4096], path[64];
	gid_t groups[64];
	int i, n;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(mode, "print")) {
		for (i = 0; i < argc; i++)
			printf("arg=%s\n", argv[i]);
		for (i = 0; environ[i]; i++)
			printf("env=%s\n", environ[i]);
		printf("cwd=%s\n", getcwd(cwd, sizeof(cwd)) ? cwd : "?");
		printf("uid=%u/%u gid=%u/%u\n", getuid(), geteuid(), getgid(), getegid());
		n = getgroups(64, groups);
		printf("groups=");
		for (i = 0; i < n; i++)
			printf("%s%u", i ? "," : "", groups[i]);
		printf("\nsid=%s stdin=%s\n", getsid(0) == getpid() ? "own" : "inherited",
		       read(0, cwd, 1) == 0 ? "empty" : "other");
		return 0;
	}
	if (!strcmp(mode, "exit") && argc > 2)
		return atoi(argv[2]);
	if (!strcmp(mode, "kill") && argc > 2) {
		kill(getpid(), atoi(argv[2]));
		pause();
	}
	if (!strcmp(mode, "orphan")) {
		if (!fork()) {
			if (!fork()) {
				usleep(200000);
				_exit(0);
			}
			_exit(0);
		}
		usleep(800000);
		snprintf(path, sizeof(path), "/proc/%d/task/%d/children", getppid(), getppid());
		cat(path);
		printf("me=%d\n", getpid());
		return 0;
	}
	if (!strcmp(mode, "trap") || !strcmp(mode, "ignore")) {
		int sigs[] = { SIGHUP, SIGINT, SIGQUIT, SIGUSR1, SIGTERM };

		for (i = 0; i < 5; i++)
			signal(sigs[i], strcmp(mode, "trap") && sigs[i] == SIGTERM ?
			       SIG_IGN : on_signal);
		printf("ready\n");
		for (;;) {
			pause();
			if (got == SIGTERM)
				return 40;
			if (got)
				printf("got %d\n", (int)got);
			got = 0;
		}
	}
	if (!strcmp(mode, "mounts")) {
		struct statvfs sv;
		struct stat st;

		printf("proc=%s\n", access("/proc/self/status", R_OK) ? "no" : "yes");
		printf("sys-ro=%s\n", !statvfs("/sys", &sv) && (sv.f_flag & ST_RDONLY) ? "yes" : "no");
		printf("devnull=%s\n", !stat("/dev/null", &st) && S_ISCHR(st.st_mode) ? "yes" : "no");
		printf("pts=%s shm=%s\n", access("/dev/pts/ptmx", F_OK) ? "no" : "yes",
		       !stat("/dev/shm", &st) && (st.st_mode & 07777) == 01777 ? "yes" : "no");
		cat("/etc/hostname");
		cat("/etc/hosts");
		printf("write=%s\n", creat("/written", 0644) >= 0 ? "yes" : "no");
		return 0;
	}
	if (!strcmp(mode, "volumes")) {
		for (i = 2; i < argc; i++) {
			char p[4096];
			int fd;

			snprintf(p, sizeof(p), "%s/in", argv[i]);
			cat(p);
			snprintf(p, sizeof(p), "%s/out", argv[i]);
			fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
			if (fd < 0 || write(fd, "from the container\n", 19) != 19) {
				printf("%s: write: %s\n", argv[i], strerror(errno));
			} else {
				printf("%s: write ok\n", argv[i]);
			}
			if (fd >= 0)
				close(fd);
		}
		return 0;
	}
	fprintf(stderr, "run_probe: unknown mode %s\n", mode);
	return 2;
}
