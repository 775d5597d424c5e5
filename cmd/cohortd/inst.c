// SPDX-License-Identifier: GPL-2.0
/*
 * cohortd: reading an instance's sysfs directory
 * (/sys/kernel/cohort/instances/NAME/), and keeping the console of one
 * that failed (STATE/NAME/console-TIME-REASON.log) before it is started
 * again, since a new start begins a new console stream.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cohort/console.h"
#include "cohort/fdio.h"
#include "cohortd.h"

/**
 * cd_inst_attr() - read one attribute of an instance, its first line
 * @name: the instance
 * @a: the attribute ("cid", "net")
 * @buf: out: its value, without the newline
 * @len: bytes at @buf
 *
 * Return: 0 or a negative errno.
 */
int cd_inst_attr(const char *name, const char *a, char *buf, size_t len)
{
	char path[4096];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/instances/%s/%s", cd.sysfs, name, a);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/**
 * cd_seen_read() - what sysfs says of an instance now
 * @name: the instance
 * @s: out: exists, state, stop_reason, exit_status, starts
 */
void cd_seen_read(const char *name, struct cd_seen *s)
{
	char buf[64], *end;

	memset(s, 0, sizeof(*s));
	s->exit_status = -1;
	if (cd_inst_attr(name, "state", s->state, sizeof(s->state)))
		return;
	s->exists = true;
	if (cd_inst_attr(name, "stop_reason", s->why, sizeof(s->why)))
		s->why[0] = '\0';
	if (!cd_inst_attr(name, "exit_status", buf, sizeof(buf)) && buf[0]) {
		long v = strtol(buf, &end, 10);

		if (!*end && v >= 0 && v <= 255)
			s->exit_status = (int)v;
	}
	if (!cd_inst_attr(name, "starts", buf, sizeof(buf)))
		s->starts = strtoull(buf, NULL, 10);
}

static ssize_t console_pread(void *ctx, void *buf, size_t len, __u64 off)
{
	ssize_t n;

	do {
		n = pread(*(int *)ctx, buf, len, (off_t)off);
	} while (n < 0 && errno == EINTR);
	return n;
}

/**
 * cd_keep_console() - copy what the console of an instance still holds
 * @name: the instance, stopped or failed
 * @reason: why, for the file name
 * @path: out: the file written
 * @len: bytes at @path
 *
 * Return: 0 or a negative errno.
 */
int cd_keep_console(const char *name, const char *reason, char *path,
		    size_t len)
{
	char src[4096], buf[COHORT_CONSOLE_CHUNK], t[32], hb[32];
	__u64 head, size = 0, pos;
	struct tm tm;
	time_t now = time(NULL);
	int in, out, ret = 0;
	ssize_t n;

	if (cd_inst_attr(name, "console_head", hb, sizeof(hb)))
		return -ENOENT;
	head = strtoull(hb, NULL, 10);
	if (!cd_inst_attr(name, "console_size", hb, sizeof(hb)))
		size = strtoull(hb, NULL, 10);
	snprintf(src, sizeof(src), "%s/instances/%s/console", cd.sysfs, name);
	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -errno;
	ret = cohort_console_start(console_pread, &in, head, size, &pos);
	if (ret) {
		close(in);
		return ret;
	}
	localtime_r(&now, &tm);
	strftime(t, sizeof(t), "%Y%m%dT%H%M%S", &tm);
	snprintf(path, len, "%s/%s/console-%s-%s.log", cd.state_dir, name, t,
		 reason[0] ? reason : "stopped");
	snprintf(buf, sizeof(buf), "%s/%s", cd.state_dir, name);
	mkdir(buf, 0755);
	out = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0) {
		ret = -errno;
		close(in);
		return ret;
	}
	while (pos < head) {
		size_t want = head - pos < sizeof(buf) ? head - pos : sizeof(buf);

		n = console_pread(&in, buf, want, pos);
		if (n <= 0)
			break;
		if (cohort_write_all(out, buf, (size_t)n) < 0) {
			ret = -errno;
			break;
		}
		pos += (__u64)n;
	}
	close(in);
	close(out);
	return ret;
}
