/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the files of lib/decl/ share, and what the unit tests reach
 * beneath the public API of decl.h.
 */
#ifndef _COHORT_DECL_INTERNAL_H
#define _COHORT_DECL_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "decl.h"

/* Bytes for a message of a value parser (without "FILE:LINE: "). */
#define DECL_ERR_MAX		512

enum decl_section {
	SEC_INSTANCE,
	SEC_RUN,
	SEC_NET,
	SEC_HEALTH,
	NR_SECTIONS,
	SEC_NONE = -1,		/* before the first section line */
	SEC_BAD = -2,		/* after a refused section line: ignored */
};

/* What the reader made of the line it last handed to inih. */
enum decl_line {
	LINE_EMPTY,		/* blank or a comment */
	LINE_SECTION,		/* [name] */
	LINE_KEY,		/* KEY = VALUE */
	LINE_CONT,		/* a continuation of the key line before */
	LINE_IGNORED,		/* refused (the error is out) or of a refused
				 * line or section: the handler skips it */
};

struct decl_ctx;

/* One key of the format (keys.c). */
struct decl_keydef {
	enum decl_section section;
	const char *name;
	enum decl_key key;
	unsigned int flags;
	/* reads @v into x->d; 0, or -1 with a message in @err */
	int (*set)(struct decl_ctx *x, const char *v, char *err,
		   size_t errlen);
};

#define KEY_REPEAT	(1U << 0)	/* may be given many times */
#define KEY_CONTINUE	(1U << 1)	/* may go on over continuation lines */
#define KEY_EMPTY	(1U << 2)	/* may be empty */

/* The state of reading one file. */
struct decl_ctx {
	const char *path;
	unsigned int flags;
	struct decl_instance *d;
	struct decl_errors *errs;
	size_t nr_errs;			/* of this file */

	/* the reader (reader.c) */
	const char *buf;		/* the whole file */
	size_t len, pos;
	unsigned int lineno;		/* of the line last handed to inih */
	char *line;			/* that line, as read, NUL-terminated */
	size_t line_cap;
	enum decl_line kind;
	const char *want_name;		/* LINE_KEY: the key inih must report */
	const char *want_value;		/* LINE_KEY, LINE_CONT: its value */
	enum decl_section section;
	bool prev_key;			/* a key line since the section line
					 * (inih continues its value) */
	bool prev_bad;			/* and it was refused */

	/* the handler (file.c) */
	const struct decl_keydef *cont;	/* the key continuation lines extend */
	unsigned int key_line[NR_SECTIONS];	/* first key of each section */
	bool bad[DECL_NR_KEYS];		/* a value of the key was refused */
	bool read;			/* the file could be read */
};

/* errors.c */
void decl_err(struct decl_ctx *x, unsigned int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* reader.c: hands inih one line at a time (an ini_reader) */
char *decl_reader(char *str, int num, void *stream);
const char *decl_section_name(enum decl_section s);

/* keys.c */
const struct decl_keydef *decl_keydef_find(enum decl_section s,
					   const char *name);
void decl_key_list(enum decl_section s, char *buf, size_t len);

/*
 * instance.c, run.c, net.c, health.c: the keys of each section with
 * their value parsers, ended by one without a name.
 */
extern const struct decl_keydef decl_keys_instance[];
extern const struct decl_keydef decl_keys_run[];
extern const struct decl_keydef decl_keys_net[];
extern const struct decl_keydef decl_keys_health[];

/* value.c: what the value parsers share */
int decl_uint(const char *v, const char *what, const char *unit, __u32 min,
	      __u32 max, __u32 *out, char *err, size_t errlen);
int decl_abs_path(const char *v, const char *what, char **out, char *err,
		  size_t errlen);
int decl_strdup(const char *v, char **out, char *err, size_t errlen);
int decl_yes_no(const char *v, bool *out, char *err, size_t errlen);
int decl_strv_push(char ***v, size_t *n, const char *s, char *err,
		   size_t errlen);
void decl_strv_free(char **v, size_t n);

/* check.c: what one file must hold as a whole, once it is read */
void decl_check_instance(struct decl_ctx *x);

#endif /* _COHORT_DECL_INTERNAL_H */
