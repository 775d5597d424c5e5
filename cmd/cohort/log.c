// SPDX-License-Identifier: GPL-2.0
/*
 * cohort(8): "cohort log NAME [-f]", an instance's console output.
 *
 * The console is read at absolute stream offsets (docs/abi.md, "Reading
 * the console"): from the oldest byte the kernel still holds up to
 * console_head, byte for byte.  With -f, console_head is polled every
 * 100 ms until the instance has not been starting, running or stopping
 * for more than a second, or until SIGINT.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cohort.h"
#include "cohort/console.h"

#define POLL_NS		(100 * 1000 * 1000L)
#define LINGER_NS	(1000 * 1000 * 1000LL)

static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
	interrupted = 1;
}

static ssize_t console_pread(void *ctx, void *buf, size_t len, __u64 off)
{
	int fd = *(int *)ctx;
	ssize_t n;

	do {
		n = pread(fd, buf, len, (off_t)off);
	} while (n < 0 && errno == EINTR);
	return n;
}

static int write_all(const unsigned char *p, size_t len)
{
	while (len) {
		ssize_t n = write(STDOUT_FILENO, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Copies stream bytes [*pos, head) to stdout.  0 or a negative errno. */
static int copy_out(int fd, __u64 *pos, __u64 head)
{
	unsigned char buf[COHORT_CONSOLE_CHUNK];

	while (*pos < head) {
		size_t want = head - *pos < sizeof(buf) ?
			      (size_t)(head - *pos) : sizeof(buf);
		ssize_t n = console_pread(&fd, buf, want, *pos);
		int ret;

		if (n < 0)
			return -errno;
		if (!n)
			break;
		ret = write_all(buf, (size_t)n);
		if (ret)
			return ret;
		*pos += (__u64)n;
	}
	return 0;
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static bool state_active(const char *s)
{
	return !strcmp(s, COHORT_STATE_STARTING) ||
	       !strcmp(s, COHORT_STATE_RUNNING) ||
	       !strcmp(s, COHORT_STATE_STOPPING);
}

static int follow(struct cli *c, const char *name, int fd, __u64 pos,
		  __u64 size)
{
	struct timespec poll = { 0, POLL_NS };
	long long last_active = now_ns();
	struct sigaction sa;
	char state[32];
	__u64 head;
	int ret;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigint;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);

	while (!interrupted) {
		bool last = false;

		nanosleep(&poll, NULL);
		if (interrupted)
			break;
		ret = sysfs_inst_read(c, name, "state", state, sizeof(state));
		if (ret == -ENOENT)
			break;		/* deleted */
		if (ret >= 0 && state_active(state))
			last_active = now_ns();
		else if (now_ns() - last_active > LINGER_NS)
			last = true;
		ret = sysfs_inst_u64(c, name, "console_head", &head);
		if (ret == -ENOENT)
			break;
		if (ret < 0) {
			cli_err("%s %s: cannot read console_head: %s", c->cmd,
				name, strerror(-ret));
			return EXIT_FAIL;
		}
		if (head < pos) {
			/* Started again: a new stream. */
			ret = cohort_console_start(console_pread, &fd, head,
						   size, &pos);
			if (ret)
				goto read_err;
		}
		if (size && head - pos > size) {
			cli_warn("%s %s: %llu bytes of console output were lost",
				 c->cmd, name,
				 (unsigned long long)(head - size - pos));
			pos = head - size;
		}
		ret = copy_out(fd, &pos, head);
		if (ret == -EPIPE)
			return EXIT_OK;
		if (ret)
			goto read_err;
		if (last)
			break;
	}
	return EXIT_OK;
read_err:
	cli_err("%s %s: reading the console: %s", c->cmd, name,
		strerror(-ret));
	return EXIT_FAIL;
}

/**
 * cmd_log() - "cohort log NAME [-f]"
 * @c: the invocation
 * @argc: arguments of the command
 * @argv: the arguments
 *
 * Return: an exit status.
 */
int cmd_log(struct cli *c, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "follow", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	__u64 head, size = 0, pos;
	const char *name;
	bool follow_on = false;
	char path[4096];
	int opt, ret, fd;

	while ((opt = cli_getopt(c, argc, argv, "f", lo, NULL)) != -1) {
		if (opt != 'f')
			return opt == -2 ? EXIT_OK : EXIT_USAGE;
		follow_on = true;
	}
	ret = cli_name_arg(c, argc, argv, &name);
	if (ret)
		return ret;
	ret = sysfs_instance_check(c, name);
	if (ret)
		return ret;

	sysfs_inst_path(c, name, "console", path, sizeof(path));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		cli_err("%s %s: cannot open %s: %s", c->cmd, name, path,
			strerror(errno));
		return errno == ENOENT ? EXIT_NOTFOUND : EXIT_FAIL;
	}
	ret = sysfs_inst_u64(c, name, "console_head", &head);
	if (ret < 0) {
		cli_err("%s %s: cannot read console_head: %s", c->cmd, name,
			ret == -EINVAL ? "not a number" : strerror(-ret));
		close(fd);
		return EXIT_FAIL;
	}
	/* Not in docs/abi.md yet: the buffer size, when the kernel shows it. */
	if (sysfs_inst_u64(c, name, "console_size", &size) < 0)
		size = 0;
	ret = cohort_console_start(console_pread, &fd, head, size, &pos);
	if (!ret)
		ret = copy_out(fd, &pos, head);
	if (ret == -EPIPE) {
		close(fd);
		return EXIT_OK;
	}
	if (ret) {
		cli_err("%s %s: reading the console: %s", c->cmd, name,
			strerror(-ret));
		close(fd);
		return EXIT_FAIL;
	}
	ret = follow_on ? follow(c, name, fd, pos, size) : EXIT_OK;
	close(fd);
	return ret;
}
