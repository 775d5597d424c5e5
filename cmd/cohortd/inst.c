// SPDX-License-Identifier: GPL-2.0
/*
 * cohortd: reading an instance's sysfs directory
 * (/sys/kernel/cohort/instances/NAME/).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/**
 * cd_seen_up() - whether the instance holds its CPUs, running or about to
 * @s: what sysfs said (cd_seen_read())
 *
 * Return: true when it exists and is starting, running or stopping.
 */
bool cd_seen_up(const struct cd_seen *s)
{
	return s->exists && (!strcmp(s->state, COHORT_STATE_RUNNING) ||
			     !strcmp(s->state, COHORT_STATE_STARTING) ||
			     !strcmp(s->state, COHORT_STATE_STOPPING));
}

/**
 * cd_seen_user_stop() - whether a user stopped it (cohort stop)
 * @s: what sysfs said
 *
 * Return: true for the stop_reasons "stop", "stop-forced", "stop-timeout".
 */
bool cd_seen_user_stop(const struct cd_seen *s)
{
	return !strcmp(s->why, COHORT_WHY_STOP) ||
	       !strcmp(s->why, COHORT_WHY_STOP_FORCED) ||
	       !strcmp(s->why, COHORT_WHY_STOP_TIMEOUT);
}
