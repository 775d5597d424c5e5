// SPDX-License-Identifier: GPL-2.0
/*
 * cohort(8): the volumes of "cohort run -v SRC:DST[:ro|:rw]".  An
 * instance can only share memory the pool gives it, so a volume is a
 * cohortfs in a region:
 *
 *	-v NAME:DST	the root of region NAME's cohortfs
 *	-v PATH:DST	a directory of the primary on a cohortfs it mounted
 *			from a region (mount -t cohortfs -o region=NAME):
 *			that region, and PATH's place in it
 *
 * The mount holding PATH is found in /proc/self/mountinfo (libmount has
 * no static library in Debian, which the initramfs cohort needs).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cohort.h"
#include "cohort/parse.h"
#include "volume.h"

#define MOUNTINFO	"/proc/self/mountinfo"

/* Undoes mountinfo's octal escapes (\040 for a blank) in place. */
static void unescape(char *s)
{
	char *d = s;

	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*d++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 |
				      (s[3] - '0'));
			s += 4;
		} else {
			*d++ = *s++;
		}
	}
	*d = '\0';
}

/* The value of "region=" in a comma-separated option list, into @buf. */
static bool region_opt(const char *opts, char *buf, size_t len)
{
	const char *p = opts, *end;

	while (p && *p) {
		end = strchr(p, ',');
		if (!strncmp(p, "region=", 7)) {
			size_t n = (end ? (size_t)(end - p) : strlen(p)) - 7;

			if (n == 0 || n >= len)
				return false;
			memcpy(buf, p + 7, n);
			buf[n] = '\0';
			return true;
		}
		p = end ? end + 1 : NULL;
	}
	return false;
}

/* Is @dir (a mount point) @path or a directory above it? */
static size_t covers(const char *dir, const char *path)
{
	size_t n = strlen(dir);

	if (!strcmp(dir, "/"))
		return 1;
	if (strncmp(dir, path, n) || (path[n] && path[n] != '/'))
		return 0;
	return n;
}

/*
 * The mount that holds @path (a canonical path): the last, longest
 * mount point above it (later mounts hide earlier ones).  Fills @fstype
 * and @region (or "" when it has none) and returns the length of its
 * mount point in @path, or 0 when mountinfo cannot be read.
 */
static size_t find_mount(const char *path, char *fstype, size_t flen,
			 char *region, size_t rlen)
{
	size_t best = 0, cap = 0;
	char *line = NULL;
	FILE *f;

	f = fopen(MOUNTINFO, "re");
	if (!f)
		return 0;
	while (getline(&line, &cap, f) > 0) {
		char *fields[6], *sep, *save = NULL, *p = line, *tail[4];
		size_t i, n;

		line[strcspn(line, "\n")] = '\0';
		sep = strstr(line, " - ");
		if (!sep)
			continue;
		*sep = '\0';
		for (i = 0; i < 6 && (fields[i] = strtok_r(p, " ", &save)); i++)
			p = NULL;
		if (i < 5)
			continue;
		save = NULL;
		p = sep + 3;
		for (i = 0; i < 3 && (tail[i] = strtok_r(p, " ", &save)); i++)
			p = NULL;
		if (i < 3)
			continue;
		unescape(fields[4]);
		n = covers(fields[4], path);
		if (!n || n < best)
			continue;
		best = n;
		snprintf(fstype, flen, "%s", tail[0]);
		if (!region_opt(tail[2], region, rlen))
			region[0] = '\0';
	}
	free(line);
	fclose(f);
	return best;
}

static int split_arg(struct cli *c, const char *arg, char **src, char **dst,
		     bool *ro)
{
	char *copy = strdup(arg), *a, *b, *mode;

	if (!copy)
		return EXIT_FAIL;
	a = copy;
	b = strchr(a, ':');
	if (!b)
		goto bad;
	*b++ = '\0';
	mode = strchr(b, ':');
	*ro = false;
	if (mode) {
		*mode++ = '\0';
		if (!strcmp(mode, "ro"))
			*ro = true;
		else if (strcmp(mode, "rw"))
			goto bad;
	}
	if (!*a || b[0] != '/')
		goto bad;
	*src = strdup(a);
	*dst = strdup(b);
	free(copy);
	return *src && *dst ? EXIT_OK : EXIT_FAIL;
bad:
	free(copy);
	cli_err("%s: -v '%s': expected SRC:DST[:ro|:rw], SRC a region name or a directory on a cohortfs, DST an absolute path",
		c->cmd, arg);
	return EXIT_USAGE;
}

/**
 * volume_parse() - resolve one "-v SRC:DST[:ro|:rw]"
 * @c: the invocation
 * @arg: the option's argument
 * @m: out: region, source inside it, target and mode (strings malloc'd;
 *	volume_free() them)
 *
 * Return: an exit status; the error was printed.
 */
int volume_parse(struct cli *c, const char *arg, struct run_mount *m)
{
	char fstype[64], region[COHORT_NAME_MAX], path[PATH_MAX];
	char err[COHORT_ERR_MAX], *src = NULL, *dst = NULL;
	struct stat st;
	size_t n;
	int ret;

	memset(m, 0, sizeof(*m));
	ret = split_arg(c, arg, &src, &dst, &m->readonly);
	if (ret)
		return ret;
	m->target = dst;
	if (!strchr(src, '/')) {
		/* A region by name: the root of its filesystem. */
		if (cohort_check_name_of(src, "region", err, sizeof(err))) {
			cli_err("%s: -v %s: %s", c->cmd, arg, err);
			ret = EXIT_USAGE;
			goto fail;
		}
		m->region = src;
		m->source = strdup("");
		return m->source ? EXIT_OK : EXIT_FAIL;
	}
	if (!realpath(src, path) || stat(path, &st) < 0 || !S_ISDIR(st.st_mode)) {
		cli_err("%s: -v %s: '%s' is not a directory%s%s", c->cmd, arg,
			src, errno ? ": " : "", errno ? strerror(errno) : "");
		ret = EXIT_USAGE;
		goto fail;
	}
	n = find_mount(path, fstype, sizeof(fstype), region, sizeof(region));
	if (!n || strcmp(fstype, "cohortfs") || !region[0]) {
		cli_err("%s: -v %s: %s is on %s%s, not on a cohortfs mounted from a region: an instance shares only pool memory (mount -t cohortfs -o region=NAME)",
			c->cmd, arg, path, n ? fstype : "an unknown filesystem",
			n && !strcmp(fstype, "cohortfs") ? " (phys=)" : "");
		ret = EXIT_USAGE;
		goto fail;
	}
	free(src);
	m->region = strdup(region);
	/* The part of the path below the mount point, without its '/'. */
	m->source = strdup(path + n + (path[n] == '/' ? 1 : 0));
	return m->region && m->source ? EXIT_OK : EXIT_FAIL;
fail:
	free(src);
	free(dst);
	memset(m, 0, sizeof(*m));
	return ret;
}

/**
 * volume_free() - free what volume_parse() allocated
 * @m: the volume
 */
void volume_free(struct run_mount *m)
{
	free(m->region);
	free(m->source);
	free(m->target);
	memset(m, 0, sizeof(*m));
}
