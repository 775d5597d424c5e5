// SPDX-License-Identifier: GPL-2.0
/*
 * cohortd: jobs.  cohortd changes instances only through cohort(8) -
 * create, load, start, stop, delete, run - so every check and message is
 * the one a person typing them would get.  A job is a few such commands
 * run one after the other in the background; the main loop hears of each
 * one's end through SIGCHLD and starts the next.  Their output goes to
 * STATE/NAME/job.log; the last line of a failed one becomes the event's
 * detail.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cohortd.h"

/**
 * cd_job_init() - an empty job for an instance
 * @j: the job
 * @inst: the instance (its output goes to STATE/@inst/job.log)
 */
void cd_job_init(struct cd_job *j, const char *inst)
{
	char dir[4096];

	memset(j, 0, sizeof(*j));
	snprintf(dir, sizeof(dir), "%s/%s", cd.state_dir, inst);
	mkdir(dir, 0755);
	snprintf(j->log, sizeof(j->log), "%.4000s/job.log", dir);
}

/**
 * cd_job_addv() - add a cohort(8) command
 * @j: the job
 * @may_fail: its failure does not end the job
 * @words: its words after "cohort", NULL-terminated, each copied
 *
 * Return: 0, or -E2BIG / -ENOMEM.
 */
int cd_job_addv(struct cd_job *j, bool may_fail, char *const *words)
{
	size_t n = 0;

	if (j->steps == CD_JOB_STEPS)
		return -E2BIG;
	j->argv[j->steps][n++] = strdup(cd.cohort);
	for (; *words; words++) {
		if (n == CD_JOB_ARGS - 1)
			return -E2BIG;
		j->argv[j->steps][n++] = strdup(*words);
	}
	for (size_t i = 0; i < n; i++)
		if (!j->argv[j->steps][i])
			return -ENOMEM;
	j->may_fail[j->steps++] = may_fail;
	return 0;
}

/**
 * cd_job_add() - add a cohort(8) command given as arguments
 * @j: the job
 * @may_fail: its failure does not end the job
 * @...: its words after "cohort", ending with NULL
 *
 * Return: 0, or -E2BIG / -ENOMEM.
 */
int cd_job_add(struct cd_job *j, bool may_fail, ...)
{
	char *words[CD_JOB_ARGS];
	size_t n = 0;
	va_list ap;

	va_start(ap, may_fail);
	while (n < CD_JOB_ARGS - 1 && (words[n] = va_arg(ap, char *)))
		n++;
	va_end(ap);
	words[n] = NULL;
	return cd_job_addv(j, may_fail, words);
}

static int spawn(struct cd_job *j)
{
	char *const *argv = j->argv[j->step];
	pid_t pid;
	int fd;

	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		fd = open(j->log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
			  0644);
		if (fd >= 0) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
		}
		fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (fd >= 0)
			dup2(fd, STDIN_FILENO);
		/* as typed: "$ cohort start web" */
		dprintf(STDOUT_FILENO, "$");
		for (size_t i = 0; argv[i]; i++)
			dprintf(STDOUT_FILENO, " %s", argv[i]);
		dprintf(STDOUT_FILENO, "\n");
		execvp(argv[0], argv);
		dprintf(STDERR_FILENO, "cohortd: cannot run %s: %s\n", argv[0],
			strerror(errno));
		_exit(127);
	}
	j->pid = pid;
	return 0;
}

/**
 * cd_job_start() - run the job's first command
 * @j: the job
 *
 * Return: 0, or a negative errno (the job failed at once).
 */
int cd_job_start(struct cd_job *j)
{
	int fd;

	fd = open(j->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd >= 0)
		close(fd);
	j->step = 0;
	j->failed = false;
	j->why[0] = '\0';
	return spawn(j);
}

/**
 * cd_last_line() - the last non-empty line of a file (its last 4 KiB)
 * @path: the file
 * @out: out: the line, "" when there is none
 * @len: bytes at @out
 */
void cd_last_line(const char *path, char *out, size_t len)
{
	char buf[4096], *p, *end;
	ssize_t n;
	off_t size;
	int fd;

	out[0] = '\0';
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	size = lseek(fd, 0, SEEK_END);
	if (size > (off_t)sizeof(buf) - 1)
		lseek(fd, size - (off_t)sizeof(buf) + 1, SEEK_SET);
	else
		lseek(fd, 0, SEEK_SET);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	end = buf + n;
	while (end > buf && (end[-1] == '\n' || end[-1] == '\r'))
		*--end = '\0';
	p = strrchr(buf, '\n');
	snprintf(out, len, "%s", p ? p + 1 : buf);
}

/**
 * cd_job_reap() - a child ended: the next step, or the end of the job
 * @j: the job
 * @pid: the child
 * @status: its wait status
 *
 * Return: true when @pid was this job's and the job has now ended
 * (j->failed says how); false when it goes on or @pid is not its.
 */
bool cd_job_reap(struct cd_job *j, pid_t pid, int status)
{
	if (!j->pid || pid != j->pid)
		return false;
	j->pid = 0;
	if ((!WIFEXITED(status) || WEXITSTATUS(status)) &&
	    !j->may_fail[j->step]) {
		j->failed = true;
		cd_last_line(j->log, j->why, sizeof(j->why));
		return true;
	}
	if (++j->step == j->steps)
		return true;
	if (spawn(j)) {
		j->failed = true;
		snprintf(j->why, sizeof(j->why), "cannot fork");
		return true;
	}
	return false;
}

/**
 * cd_job_free() - forget the job's commands (a running one runs on)
 * @j: the job
 */
void cd_job_free(struct cd_job *j)
{
	for (size_t s = 0; s < CD_JOB_STEPS; s++)
		for (size_t i = 0; i < CD_JOB_ARGS && j->argv[s][i]; i++) {
			free(j->argv[s][i]);
			j->argv[s][i] = NULL;
		}
	j->steps = 0;
}
