// SPDX-License-Identifier: GPL-2.0
/*
 * --env-file FILE, read as docker reads it: one entry per line; leading
 * white space dropped; blank lines and lines starting with '#' ignored;
 * "NAME=value" taken as it is (no quotes, no escapes, trailing white
 * space kept); a bare "NAME" takes the caller's value later, like -e NAME.
 * A UTF-8 byte order mark at the start is skipped, "\r\n" ends a line
 * like "\n".  NAME must not be empty or hold white space.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

static char *slurp(const char *path, size_t *len, char *err, size_t errlen)
{
	char *buf = NULL;
	struct stat st;
	size_t got = 0;
	ssize_t r;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		cohort_seterr(err, errlen, "--env-file %s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		cohort_seterr(err, errlen, "--env-file %s: not a regular file", path);
		goto out;
	}
	if (st.st_size > RUN_ENV_FILE_MAX) {
		cohort_seterr(err, errlen, "--env-file %s: larger than 1 MiB", path);
		goto out;
	}
	buf = malloc(st.st_size + 1);
	if (!buf) {
		cohort_seterr(err, errlen, "out of memory");
		goto out;
	}
	while (got < (size_t)st.st_size &&
	       (r = read(fd, buf + got, st.st_size - got)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			cohort_seterr(err, errlen, "--env-file %s: %s", path, strerror(errno));
			free(buf);
			buf = NULL;
			goto out;
		}
		got += r;
	}
	buf[got] = '\0';
	*len = got;
out:
	close(fd);
	return buf;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' ||
	       c == '\r';
}

/* Checks one line (NUL-terminated, without its end) and appends it. */
static int take_line(const char *path, unsigned int lineno, char *line,
		     char ***add, char *err, size_t errlen)
{
	size_t n, i;

	while (is_space(*line))
		line++;
	if (!*line || *line == '#')
		return 0;
	n = run_env_name_len(line);
	if (!n) {
		cohort_seterr(err, errlen, "--env-file %s:%u: no variable name before '='",
			path, lineno);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (is_space(line[i])) {
			cohort_seterr(err, errlen,
				"--env-file %s:%u: variable '%.*s' contains white space",
				path, lineno, (int)(n > 64 ? 64 : n), line);
			return -1;
		}
	}
	if (run_strv_push(add, strdup(line))) {
		cohort_seterr(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

/**
 * run_env_file() - read an --env-file into -e entries
 * @path: the file
 * @env: the list to append to (*env may be NULL); left as it was on failure
 * @err: message on failure
 * @errlen: bytes at @err
 *
 * Return: 0, or -1 (unreadable, larger than 1 MiB, a NUL byte, a bad line).
 */
int run_env_file(const char *path, char ***env, char *err, size_t errlen)
{
	char *buf, *p, *nl, **add = NULL, **nv;
	unsigned int lineno = 0;
	size_t len, n, m;
	int ret = -1;

	buf = slurp(path, &len, err, errlen);
	if (!buf)
		return -1;
	if (memchr(buf, '\0', len)) {
		cohort_seterr(err, errlen, "--env-file %s: holds a NUL byte", path);
		goto out;
	}
	p = buf;
	if (len >= 3 && !memcmp(p, "\xef\xbb\xbf", 3))
		p += 3;
	for (; *p; p = nl) {
		size_t l;

		nl = strchr(p, '\n');
		if (nl)
			*nl++ = '\0';
		else
			nl = p + strlen(p);
		l = strlen(p);
		if (l && p[l - 1] == '\r')
			p[l - 1] = '\0';
		if (take_line(path, ++lineno, p, &add, err, errlen))
			goto out;
	}
	n = run_strv_len(*env);
	m = run_strv_len(add);
	if (n + m > RUN_MAX_ENTRIES) {
		cohort_seterr(err, errlen, "--env-file %s: more than %d entries", path,
			RUN_MAX_ENTRIES);
		goto out;
	}
	nv = realloc(*env, (n + m + 1) * sizeof(*nv));
	if (!nv) {
		cohort_seterr(err, errlen, "out of memory");
		goto out;
	}
	memcpy(nv + n, add, m * sizeof(*nv));
	nv[n + m] = NULL;
	*env = nv;
	free(add);
	add = NULL;
	ret = 0;
out:
	run_strv_free(add);
	free(buf);
	return ret;
}
