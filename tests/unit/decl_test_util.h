/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared helpers of the declared-instance unit tests (test_decl_*.c): a
 * scratch directory, files written into it, one file parsed, and
 * questions about the errors found.
 */
#ifndef _DECL_TEST_UTIL_H
#define _DECL_TEST_UTIL_H

#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "cohort/parse.h"
#include "decl/decl.h"

/* The scratch directory of the running test. */
static char dt_dir[64];

static inline int dt_rm_one(const char *path, const struct stat *st,
			    int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static inline int dt_setup(void **state)
{
	(void)state;
	snprintf(dt_dir, sizeof(dt_dir), "/tmp/test-decl.XXXXXX");
	return mkdtemp(dt_dir) ? 0 : -1;
}

static inline int dt_teardown(void **state)
{
	(void)state;
	return nftw(dt_dir, dt_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Writes @len bytes of @text to DIR/@name. */
static inline void dt_write_n(const char *name, const char *text, size_t len)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dt_dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static inline void dt_write(const char *name, const char *text)
{
	dt_write_n(name, text, strlen(text));
}

/* Parses DIR/@name after writing @text into it. */
static inline struct decl_instance *
dt_parse_as(const char *name, const char *text, unsigned int flags,
	    struct decl_errors *errs)
{
	struct decl_instance *d = NULL;
	char path[256];

	dt_write(name, text);
	snprintf(path, sizeof(path), "%s/%s", dt_dir, name);
	decl_errors_init(errs);
	decl_parse_file(path, flags, &d, errs);
	assert_non_null(d);
	return d;
}

static inline struct decl_instance *dt_parse(const char *text,
					     struct decl_errors *errs)
{
	return dt_parse_as("web.conf", text, 0, errs);
}

/* Prints the errors, for a failing test's log. */
static inline void dt_dump(const struct decl_errors *e)
{
	decl_errors_print(e, stderr);
}

/* Whether an error of file @base (or any, NULL) at @line holds @text. */
static inline bool dt_has(const struct decl_errors *e, const char *base,
			  unsigned int line, const char *text)
{
	size_t i;

	for (i = 0; i < e->n; i++) {
		const char *b = strrchr(e->v[i].file, '/');

		b = b ? b + 1 : e->v[i].file;
		if ((!base || !strcmp(b, base)) && e->v[i].line == line &&
		    strstr(e->v[i].msg, text))
			return true;
	}
	return false;
}

/* Exactly one error, at @line, holding @text. */
static inline void dt_one(const struct decl_errors *e, unsigned int line,
			  const char *text)
{
	if (e->n != 1 || e->v[0].line != line || !strstr(e->v[0].msg, text)) {
		dt_dump(e);
		fail_msg("want one error at line %u holding '%s', got %zu",
			 line, text, e->n);
	}
}

/* No error at all. */
static inline void dt_none(const struct decl_errors *e)
{
	if (e->n) {
		dt_dump(e);
		fail_msg("want no error, got %zu", e->n);
	}
}

#endif /* _DECL_TEST_UTIL_H */
