// SPDX-License-Identifier: GPL-2.0
/*
 * One declared instance's file, NAME.conf: read whole (at most
 * DECL_FILE_MAX bytes), parsed by inih through reader.c, each value read
 * by its key's parser (keys.c), then checked as a whole (check.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ini.h>

#include "cohort/fdio.h"
#include "cohort/parse.h"
#include "internal.h"

/*
 * inih's settings, which Debian's build lets a program set: values are
 * taken whole (no "; comment" after a value: it would cut a cmdline
 * holding " ;"), continuation lines are read, every line is read.
 */
static void ini_settings(void)
{
	ini_allow_inline_comments = false;
	ini_allow_multiline = true;
	ini_allow_no_value = false;
	ini_stop_on_first_error = false;
}

/*
 * Whether a continuation line reads "KEY = VALUE" for a key of the
 * format, with a blank by its '=' (a kernel parameter has none): an
 * indented key, which would silently become part of the command line.
 */
static bool looks_like_key(const char *v)
{
	size_t n = strcspn(v, " \t=");
	const char *p = v + n;
	bool blank = false;
	char name[32];
	int s;

	if (!n || n >= sizeof(name))
		return false;
	for (; *p == ' ' || *p == '\t'; p++)
		blank = true;
	if (*p != '=' || (!blank && p[1] != ' ' && p[1] != '\t'))
		return false;
	memcpy(name, v, n);
	name[n] = '\0';
	for (s = 0; s < NR_SECTIONS; s++)
		if (decl_keydef_find((enum decl_section)s, name))
			return true;
	return false;
}

/* A line inih hands over: the value of a key, or more of it. */
static int handler(void *user, const char *section, const char *name,
		   const char *value)
{
	struct decl_ctx *x = user;
	const struct decl_keydef *k;
	char err[DECL_ERR_MAX], keys[256], q[96];
	unsigned int *line;

	(void)section;		/* x->section is the reader's, checked */
	if (x->kind != LINE_KEY && x->kind != LINE_CONT)
		return 1;
	/* What inih made of the line must be what the reader saw in it. */
	if (!x->want_value || strcmp(value, x->want_value) ||
	    (x->kind == LINE_KEY && strcmp(name, x->want_name))) {
		decl_err(x, x->lineno,
			 "the INI parser read this line differently from what it says; refused");
		x->cont = NULL;
		return 1;
	}
	if (x->kind == LINE_CONT) {
		k = x->cont;
		if (!k)
			return 1;	/* more of a refused value */
		if (!(k->flags & KEY_CONTINUE)) {
			decl_err(x, x->lineno,
				 "the line starts with white space, so it would continue %s; only cmdline goes on over several lines",
				 k->name);
			x->bad[k->key] = true;
			x->cont = NULL;
			return 1;
		}
		if (looks_like_key(value)) {
			cohort_quote(value, q, sizeof(q));
			decl_err(x, x->lineno,
				 "'%s' starts with white space, so it would continue %s: write a key at the start of its line",
				 q, k->name);
			x->bad[k->key] = true;
			x->cont = NULL;
			return 1;
		}
		if (k->set(x, value, err, sizeof(err))) {
			decl_err(x, x->lineno, "%s: %s", k->name, err);
			x->bad[k->key] = true;
			x->cont = NULL;
		}
		return 1;
	}

	x->cont = NULL;
	k = decl_keydef_find(x->section, name);
	if (!k) {
		decl_key_list(x->section, keys, sizeof(keys));
		cohort_quote(name, q, sizeof(q));
		decl_err(x, x->lineno, "unknown key '%s' in [%s] (keys: %s)", q,
			 decl_section_name(x->section), keys);
		return 1;
	}
	if (!x->key_line[x->section])
		x->key_line[x->section] = x->lineno;
	line = &x->d->line[k->key];
	if (*line && !(k->flags & KEY_REPEAT)) {
		decl_err(x, x->lineno, "%s is already set on line %u", k->name,
			 *line);
		return 1;
	}
	if (!*line)
		*line = x->lineno;
	if (!*value && !(k->flags & KEY_EMPTY)) {
		decl_err(x, x->lineno, "%s has no value", k->name);
		x->bad[k->key] = true;
		return 1;
	}
	if (k->set(x, value, err, sizeof(err))) {
		decl_err(x, x->lineno, "%s: %s", k->name, err);
		x->bad[k->key] = true;
		return 1;
	}
	x->cont = k;
	return 1;
}

/* Reads @fd whole into a malloc()ed buffer; 0, or -1 after an error. */
static int read_all(struct decl_ctx *x, int fd, char **buf, size_t *len)
{
	struct stat st;
	ssize_t n;

	if (fstat(fd, &st) < 0) {
		decl_err(x, 0, "cannot read the file: %s", strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		decl_err(x, 0, "not a regular file");
		return -1;
	}
	if (st.st_size > DECL_FILE_MAX) {
		decl_err(x, 0, "the file is %lld bytes long; at most %d are read",
			 (long long)st.st_size, DECL_FILE_MAX);
		return -1;
	}
	/* One byte more than allowed: a file that grew is seen to. */
	*buf = malloc(DECL_FILE_MAX + 1);
	if (!*buf) {
		decl_err(x, 0, "out of memory");
		return -1;
	}
	n = cohort_read_full(fd, *buf, DECL_FILE_MAX + 1);
	if (n < 0 || n > DECL_FILE_MAX) {
		if (n < 0)
			decl_err(x, 0, "cannot read the file: %s",
				 strerror(errno));
		else
			decl_err(x, 0, "the file is longer than %d bytes",
				 DECL_FILE_MAX);
		free(*buf);
		*buf = NULL;
		return -1;
	}
	*len = (size_t)n;
	return 0;
}

/* The instance's name: the file's name without DECL_SUFFIX. */
static void file_name(struct decl_ctx *x)
{
	const char *base = strrchr(x->path, '/');
	size_t len, slen = strlen(DECL_SUFFIX);
	char name[256], err[COHORT_ERR_MAX], q[96];

	base = base ? base + 1 : x->path;
	len = strlen(base);
	if (len < slen || strcmp(base + len - slen, DECL_SUFFIX)) {
		cohort_quote(base, q, sizeof(q));
		decl_err(x, 0,
			 "the file name '%s' does not end in %s: a file is NAME%s",
			 q, DECL_SUFFIX, DECL_SUFFIX);
		return;
	}
	len -= slen;
	if (len >= sizeof(name))
		len = sizeof(name) - 1;	/* too long either way */
	memcpy(name, base, len);
	name[len] = '\0';
	if (cohort_check_name(name, err, sizeof(err))) {
		decl_err(x, 0, "the file name does not name an instance: %s",
			 err);
		return;
	}
	memcpy(x->d->name, name, len + 1);
}

static struct decl_instance *instance_new(const char *path)
{
	struct decl_instance *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->path = strdup(path);
	if (!d->path) {
		free(d);
		return NULL;
	}
	d->restart = DECL_RESTART_NO;
	d->restart_limit = DECL_RESTART_LIMIT_DEFAULT;
	d->restart_window = DECL_RESTART_WINDOW_DEFAULT;
	d->restart_backoff = DECL_RESTART_BACKOFF_DEFAULT;
	d->restart_backoff_max = DECL_RESTART_BACKOFF_MAX_DEFAULT;
	d->dump = true;
	d->dump_keep = DECL_DUMP_KEEP_DEFAULT;
	d->health_interval = DECL_HEALTH_INTERVAL_DEFAULT;
	d->health_threshold = DECL_HEALTH_THRESHOLD_DEFAULT;
	return d;
}

/**
 * decl_parse_file() - read one declared instance
 * @path: the file, NAME.conf: NAME must be a valid instance name
 * @flags: 0, or DECL_CHECK_FILES to check that the kernel, initramfs and
 *	image it names can be read
 * @out: out: the instance, even when errors were found in it (its name
 *	is then "" if the file name was refused); NULL only when out of
 *	memory.  decl_instance_free() it.
 * @errs: every error found is added here, "FILE:LINE: reason"
 *
 * Return: 0 when the file is right, -1 when errors were added.
 */
int decl_parse_file(const char *path, unsigned int flags,
		    struct decl_instance **out, struct decl_errors *errs)
{
	struct decl_ctx x = {
		.path = path, .flags = flags, .errs = errs,
		.section = SEC_NONE,
	};
	char *buf = NULL;
	int fd, ret;

	*out = NULL;
	x.d = instance_new(path);
	if (!x.d) {
		decl_errors_add(errs, path, 0, "out of memory");
		return -1;
	}
	file_name(&x);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		decl_err(&x, 0, "cannot open the file: %s", strerror(errno));
	} else {
		if (!read_all(&x, fd, &buf, &x.len))
			x.read = true;
		close(fd);
	}
	if (x.read) {
		x.buf = buf;
		ini_settings();
		ret = ini_parse_stream(decl_reader, &x, handler, &x);
		/* every line inih could refuse was refused before it */
		if (ret == -2)
			decl_err(&x, 0, "out of memory");
		else if (ret > 0 && !x.nr_errs)
			decl_err(&x, (unsigned int)ret,
				 "the INI parser refused this line");
		decl_check_instance(&x);
	}
	free(buf);
	free(x.line);
	*out = x.d;
	return x.nr_errs ? -1 : 0;
}

/**
 * decl_instance_free() - free a declared instance
 * @d: the instance, or NULL
 */
void decl_instance_free(struct decl_instance *d)
{
	size_t i;

	if (!d)
		return;
	free(d->path);
	free(d->kernel);
	free(d->initrd);
	free(d->cmdline);
	free(d->image);
	free(d->image_path);
	free(d->image_ref);
	decl_strv_free(d->after, d->nr_after);
	free(d->entrypoint);
	decl_strv_free(d->args, d->nr_args);
	decl_strv_free(d->env, d->nr_env);
	free(d->workdir);
	free(d->user);
	for (i = 0; i < d->nr_volumes; i++) {
		free(d->volumes[i].source);
		free(d->volumes[i].target);
	}
	free(d->volumes);
	for (i = 0; i < d->nr_publish; i++)
		free(d->publish[i].text);
	free(d->publish);
	for (i = 0; i < d->nr_addresses; i++)
		free(d->addresses[i].text);
	free(d->addresses);
	free(d->health_command);
	free(d);
}
