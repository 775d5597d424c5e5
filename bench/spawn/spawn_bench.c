// SPDX-License-Identifier: GPL-2.0
/*
 * cohort-spawn-bench: time from COHORT_IOC_START to the instance's init
 * running (its "init running" console line), over several starts of one
 * created and loaded instance.  Prints the median in milliseconds.
 *
 * usage: cohort-spawn-bench NAME [RUNS]
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include <linux/cohort.h>

#define SYS "/sys/kernel/cohort/instances/"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int req(int fd, unsigned long cmd, const char *name, unsigned int flags)
{
	struct cohort_ioc_instance r;

	memset(&r, 0, sizeof(r));
	snprintf(r.name, sizeof(r.name), "%s", name);
	r.flags = flags;
	if (ioctl(fd, cmd, &r)) {
		fprintf(stderr, "cohort-spawn-bench: %s: %s\n", name,
			r.msg[0] ? r.msg : strerror(errno));
		return -1;
	}
	return 0;
}

/* Wait for the init line in the console stream; 0 on success. */
static int wait_init(const char *name, double limit_ms)
{
	char path[256], buf[4096], carry[64] = "";
	double t0 = now_ms();
	off_t pos = 0;
	int fd;

	snprintf(path, sizeof(path), SYS "%s/console", name);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	while (now_ms() - t0 < limit_ms) {
		ssize_t n = pread(fd, buf, sizeof(buf) - 1, pos);
		char joined[sizeof(carry) + sizeof(buf)];

		if (n <= 0) {
			usleep(200);
			continue;
		}
		buf[n] = 0;
		pos += n;
		snprintf(joined, sizeof(joined), "%s%s", carry, buf);
		if (strstr(joined, "init running")) {
			close(fd);
			return 0;
		}
		{
			size_t keep = n > 40 ? 40 : (size_t)n;

			memcpy(carry, buf + n - keep, keep);
			carry[keep] = 0;
		}
	}
	close(fd);
	return -1;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	int runs = argc > 2 ? atoi(argv[2]) : 5, fd, i;
	double t[64];

	if (argc < 2 || runs < 1 || runs > 64) {
		fprintf(stderr, "usage: cohort-spawn-bench NAME [RUNS (1-64)]\n");
		return 2;
	}
	fd = open("/dev/cohort", O_RDWR);
	if (fd < 0) {
		perror("cohort-spawn-bench: /dev/cohort");
		return 1;
	}
	for (i = 0; i < runs; i++) {
		double t0 = now_ms();

		if (req(fd, COHORT_IOC_START, argv[1], 0))
			return 1;
		if (wait_init(argv[1], 120000)) {
			fprintf(stderr, "cohort-spawn-bench: no init line\n");
			return 1;
		}
		t[i] = now_ms() - t0;
		if (req(fd, COHORT_IOC_STOP, argv[1], 0))
			return 1;
	}
	qsort(t, runs, sizeof(t[0]), cmp);
	printf("%.1f\n", t[runs / 2]);
	return 0;
}
