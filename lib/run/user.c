// SPDX-License-Identifier: GPL-2.0
/*
 * USER[:GROUP] (docker run -u, the image's User) to uid, gid,
 * supplementary groups and HOME, with the image's own /etc/passwd and
 * /etc/group, as runc's GetExecUser does:
 *
 *   - USER: a name, or a number (digits only);  empty: uid 0.
 *   - A passwd entry matching the name (or the uid, for a number) gives
 *     uid, gid and HOME; a number without one runs with gid 0, HOME "/";
 *     a name without one is an error.
 *   - GROUP: a name (looked up in /etc/group, error if absent) or a
 *     number; it replaces the passwd gid and, as runc does, then no
 *     /etc/group memberships are added.
 *   - Without GROUP: every group listing the user's name as a member.
 *   - The primary gid comes first in the group list (docker puts it in
 *     additionalGids; runc's own list lacks it).
 *
 * The files are opened below the image tree with openat2(RESOLVE_IN_ROOT):
 * an absolute symlink in the image resolves inside the image, never to
 * the primary's files.  A file that cannot be read, is not a regular
 * file or is larger than RUN_ETC_FILE_MAX counts as absent.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"

struct etc_file {
	const char *path;	/* "/etc/passwd" */
	char *data;		/* NULL: absent */
	const char *why;	/* why absent */
};

static void etc_read(int rootfd, struct etc_file *f)
{
	struct open_how how = {
		.flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	struct stat st;
	size_t got = 0;
	ssize_t r;
	int fd;

	f->data = NULL;
	f->why = "there is no image tree";
	if (rootfd < 0)
		return;
	fd = syscall(SYS_openat2, rootfd, f->path + 1, &how, sizeof(how));
	if (fd < 0) {
		f->why = strerror(errno);
		return;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		f->why = "not a regular file";
		goto out;
	}
	if (st.st_size > RUN_ETC_FILE_MAX) {
		f->why = "larger than 4 MiB";
		goto out;
	}
	f->data = malloc(st.st_size + 1);
	if (!f->data) {
		f->why = "out of memory";
		goto out;
	}
	/* It may change under us: never read past what was allocated. */
	while (got < (size_t)st.st_size &&
	       (r = read(fd, f->data + got, st.st_size - got)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			f->why = strerror(errno);
			free(f->data);
			f->data = NULL;
			goto out;
		}
		got += r;
	}
	f->data[got] = '\0';
	/* A NUL would end the text early: the rest is not seen, harmlessly. */
out:
	close(fd);
}

/*
 * Next line of a file split at ':' into at most @max fields (in place);
 * returns the number of fields, 0 for a blank or comment line, -1 at the
 * end.  *@pos walks through the text.
 */
static int etc_next(char **pos, char **field, int max)
{
	char *line = *pos, *nl, *p;
	int n = 0;

	if (!line || !*line)
		return -1;
	nl = strchr(line, '\n');
	if (nl) {
		*nl = '\0';
		*pos = nl + 1;
	} else {
		*pos = line + strlen(line);
	}
	if (!*line || *line == '#')
		return 0;
	for (p = line; n < max; n++) {
		field[n] = p;
		p = strchr(p, ':');
		if (!p) {
			n++;
			break;
		}
		*p++ = '\0';
	}
	return n;
}

/* 1: @s is a number within 0..RUN_ID_MAX; 0: not a number; -1: too big. */
static int parse_id(const char *s, uint32_t *id)
{
	uint64_t v = 0;
	const char *p;

	if (!*s)
		return 0;
	for (p = s; *p; p++)
		if (*p < '0' || *p > '9')
			return 0;
	for (p = s; *p; p++) {
		v = v * 10 + (*p - '0');
		if (v > RUN_ID_MAX)
			return -1;
	}
	*id = v;
	return 1;
}

static int add_group(struct run_user *u, uint32_t gid)
{
	uint32_t *g;
	size_t i;

	for (i = 0; i < u->nr_groups; i++)
		if (u->groups[i] == gid)
			return 0;
	if (u->nr_groups >= RUN_MAX_ENTRIES)
		return 0;	/* run_spec_make() reports it */
	g = realloc(u->groups, (u->nr_groups + 1) * sizeof(*g));
	if (!g)
		return -1;
	g[u->nr_groups++] = gid;
	u->groups = g;
	return 0;
}

static bool listed(char *members, const char *name)
{
	char *m, *save = NULL;

	for (m = strtok_r(members, ",", &save); m; m = strtok_r(NULL, ",", &save))
		if (!strcmp(m, name))
			return true;
	return false;
}

/*
 * The groups listing @name (the gid of the group named @group instead,
 * when @group is set: 1 found, 0 not).
 */
static int scan_groups(struct etc_file *g, const char *name,
		       const char *group, struct run_user *u, char *err,
		       size_t errlen)
{
	char *pos = g->data, *f[4];
	uint32_t gid;
	int n;

	while ((n = etc_next(&pos, f, 4)) >= 0) {
		if (n < 3 || parse_id(f[2], &gid) != 1)
			continue;
		if (group) {
			if (!strcmp(f[0], group)) {
				u->gid = gid;
				return 1;
			}
			continue;
		}
		if (n == 4 && listed(f[3], name) && add_group(u, gid)) {
			cohort_seterr(err, errlen, "out of memory");
			return -1;
		}
	}
	return 0;
}

/**
 * run_user_resolve() - resolve USER[:GROUP] in an image
 * @user: the user string; NULL or "": root
 * @rootfd: directory fd of the image tree, or -1 (numbers only)
 * @u: the result, to free with run_user_free()
 * @err: message on failure
 * @errlen: bytes at @err
 *
 * Return: 0, or -1.
 */
int run_user_resolve(const char *user, int rootfd, struct run_user *u,
		     char *err, size_t errlen)
{
	struct etc_file pw = { .path = "/etc/passwd" }, gr = { .path = "/etc/group" };
	char *spec, *group, *pos, *f[7], *name = NULL;
	bool found = false;
	uint32_t id;
	int n, num, ret = -1;

	memset(u, 0, sizeof(*u));
	spec = strdup(user ? user : "");
	if (!spec) {
		cohort_seterr(err, errlen, "out of memory");
		return -1;
	}
	group = strchr(spec, ':');
	if (group)
		*group++ = '\0';
	num = *spec ? parse_id(spec, &id) : (id = 0, 1);
	if (num < 0) {
		cohort_seterr(err, errlen, "user %s: uid out of range (0 to %u)",
			spec, RUN_ID_MAX);
		goto out;
	}
	etc_read(rootfd, &pw);
	if (!pw.data && !num) {
		cohort_seterr(err, errlen, "user %s: cannot read the image's /etc/passwd: %s",
			spec, pw.why);
		goto out;
	}
	pos = pw.data;
	while (pw.data && (n = etc_next(&pos, f, 7)) >= 0) {
		uint32_t uid, gid;

		if (n < 4 || parse_id(f[2], &uid) != 1 ||
		    parse_id(f[3], &gid) != 1)
			continue;
		if (num ? uid != id : strcmp(f[0], spec))
			continue;
		u->uid = uid;
		u->gid = gid;
		u->home = strdup(n >= 6 && *f[5] ? f[5] : "/");
		name = strdup(f[0]);
		if (!u->home || !name) {
			cohort_seterr(err, errlen, "out of memory");
			goto out;
		}
		found = true;
		break;
	}
	if (!found) {
		if (!num) {
			cohort_seterr(err, errlen, "user %s not found in the image's /etc/passwd",
				spec);
			goto out;
		}
		u->uid = id;
		u->gid = 0;
		u->home = strdup("/");
		if (!u->home) {
			cohort_seterr(err, errlen, "out of memory");
			goto out;
		}
	}
	if (group && *group) {
		num = parse_id(group, &id);
		if (num < 0) {
			cohort_seterr(err, errlen, "group %s: gid out of range (0 to %u)",
				group, RUN_ID_MAX);
			goto out;
		}
		if (num) {
			u->gid = id;
		} else {
			etc_read(rootfd, &gr);
			if (!gr.data) {
				cohort_seterr(err, errlen, "group %s: cannot read the image's /etc/group: %s",
					group, gr.why);
				goto out;
			}
			n = scan_groups(&gr, NULL, group, u, err, errlen);
			if (n < 0)
				goto out;
			if (!n) {
				cohort_seterr(err, errlen, "group %s not found in the image's /etc/group",
					group);
				goto out;
			}
		}
	}
	if (add_group(u, u->gid)) {
		cohort_seterr(err, errlen, "out of memory");
		goto out;
	}
	if (!(group && *group) && name) {
		etc_read(rootfd, &gr);
		if (gr.data && scan_groups(&gr, name, NULL, u, err, errlen) < 0)
			goto out;
	}
	ret = 0;
out:
	if (ret)
		run_user_free(u);
	free(pw.data);
	free(gr.data);
	free(name);
	free(spec);
	return ret;
}

/**
 * run_user_free() - release what run_user_resolve() filled
 * @u: the user
 */
void run_user_free(struct run_user *u)
{
	free(u->groups);
	free(u->home);
	memset(u, 0, sizeof(*u));
}
