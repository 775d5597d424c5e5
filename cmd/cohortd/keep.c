// SPDX-License-Identifier: GPL-2.0
/*
 * cohortd: what it keeps of a kernel that failed, in STATE/NAME/, before
 * starting it again (a new start begins a new console stream and
 * overwrites the memory): its console (console-TIME-REASON.log) and a
 * dump of its memory (vmcore-TIME-REASON, written by `cohort dump` in
 * the restart job; the oldest go beyond dump-keep).
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cohort/console.h"
#include "cohort/fdio.h"
#include "cohortd.h"

/* STATE/NAME/KIND-TIME-REASON, the directory made. */
static int evidence_path(const char *name, const char *kind,
			 const char *reason, const char *suffix, char *path,
			 size_t len)
{
	char dir[4096], t[32];
	time_t now = time(NULL);
	struct tm tm;
	int n;

	localtime_r(&now, &tm);
	strftime(t, sizeof(t), "%Y%m%dT%H%M%S", &tm);
	snprintf(dir, sizeof(dir), "%s/%s", cd.state_dir, name);
	if (mkdir(dir, 0755) && errno != EEXIST)
		return -errno;
	n = snprintf(path, len, "%s/%s-%s-%s%s", dir, kind, t,
		     reason[0] ? reason : "stopped", suffix);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
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
	char src[4096], buf[COHORT_CONSOLE_CHUNK], hb[32];
	__u64 head, size = 0, pos;
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
	ret = evidence_path(name, "console", reason, ".log", path, len);
	if (ret) {
		close(in);
		return ret;
	}
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

/**
 * cd_dump_path() - where the next dump of a failed instance goes
 * @name: the instance
 * @reason: why it failed, for the file name
 * @path: out: STATE/NAME/vmcore-TIME-REASON
 * @len: bytes at @path
 *
 * Return: 0 or a negative errno.
 */
int cd_dump_path(const char *name, const char *reason, char *path, size_t len)
{
	return evidence_path(name, "vmcore", reason, "", path, len);
}

/**
 * cd_dump_prune() - make room for one more dump of an instance
 * @name: the instance
 * @keep: dumps to keep, the next one included: the oldest others go
 */
void cd_dump_prune(const char *name, unsigned int keep)
{
	char pattern[4096];
	glob_t g;
	size_t i;

	snprintf(pattern, sizeof(pattern), "%s/%s/vmcore-*", cd.state_dir,
		 name);
	/* Sorted: the time in their names puts the oldest first. */
	if (glob(pattern, 0, NULL, &g))
		return;
	for (i = 0; i + keep <= g.gl_pathc; i++)
		if (unlink(g.gl_pathv[i]))
			cd_log(CD_WARN, "%s: removing an old dump %s: %s", name,
			       g.gl_pathv[i], strerror(errno));
	globfree(&g);
}
