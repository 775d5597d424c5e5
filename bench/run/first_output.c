// SPDX-License-Identifier: GPL-2.0
/*
 * cohort-first-output: milliseconds from running a command to the first
 * appearance of MARKER in what it prints, or (--console NAME) in the
 * console of instance NAME, which the command starts (cohort run -d).
 * For the cohort run benchmark, against crun.
 *
 * usage: cohort-first-output [--console NAME] MARKER CMD [ARG...]
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SYS		"/sys/kernel/cohort/instances/"
#define TIMEOUT_MS	120000.0

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void die(const char *what)
{
	fprintf(stderr, "cohort-first-output: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* Does the whole console of @name hold @marker yet? */
static int console_has(const char *name, const char *marker)
{
	static char buf[1 << 17];
	char path[256];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), SYS "%s/console", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return memmem(buf, (size_t)n, marker, strlen(marker)) != NULL;
}

int main(int argc, char **argv)
{
	const char *console = NULL, *marker;
	struct timespec tick = { 0, 1000 * 1000 };
	char buf[4096], seen[8192] = "";
	size_t have = 0;
	int p[2], st, i = 1;
	double t0;
	pid_t pid;

	if (argc > 3 && !strcmp(argv[1], "--console")) {
		console = argv[2];
		i = 3;
	}
	if (argc - i < 2) {
		fprintf(stderr, "usage: cohort-first-output [--console NAME] MARKER CMD [ARG...]\n");
		return 2;
	}
	marker = argv[i++];
	if (pipe2(p, O_CLOEXEC) < 0)
		die("pipe");
	t0 = now_ms();
	pid = fork();
	if (pid < 0)
		die("fork");
	if (!pid) {
		dup2(p[1], 1);
		execvp(argv[i], argv + i);
		_exit(127);
	}
	close(p[1]);
	if (!console) {
		ssize_t n;

		while ((n = read(p[0], buf, sizeof(buf))) > 0) {
			size_t keep = have + (size_t)n < sizeof(seen) - 1 ?
				      (size_t)n : sizeof(seen) - 1 - have;

			memcpy(seen + have, buf, keep);
			have += keep;
			seen[have] = '\0';
			if (strstr(seen, marker)) {
				printf("%.1f\n", now_ms() - t0);
				waitpid(pid, &st, 0);
				return 0;
			}
		}
		waitpid(pid, &st, 0);
		fprintf(stderr, "cohort-first-output: '%s' never printed\n", marker);
		return 1;
	}
	/* cohort run -d: its output is the name; the marker is on the console. */
	while (read(p[0], buf, sizeof(buf)) > 0)
		;
	waitpid(pid, &st, 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		fprintf(stderr, "cohort-first-output: %s failed\n", argv[i]);
		return 1;
	}
	while (now_ms() - t0 < TIMEOUT_MS) {
		if (console_has(console, marker) > 0) {
			printf("%.1f\n", now_ms() - t0);
			return 0;
		}
		nanosleep(&tick, NULL);
	}
	fprintf(stderr, "cohort-first-output: '%s' not on %s's console\n",
		marker, console);
	return 1;
}
