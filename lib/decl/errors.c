// SPDX-License-Identifier: GPL-2.0
/*
 * The errors found in declared instances, every one of them, each as
 * "FILE:LINE: reason" (LINE 0 when it is about the file as a whole).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Kept when memory runs out: the caller still learns that there were errors. */
static char oom_msg[] = "out of memory";

/**
 * decl_errors_init() - make an empty error list
 * @e: the list
 */
void decl_errors_init(struct decl_errors *e)
{
	memset(e, 0, sizeof(*e));
}

/**
 * decl_errors_free() - free an error list, leaving it empty
 * @e: the list
 */
void decl_errors_free(struct decl_errors *e)
{
	size_t i;

	for (i = 0; i < e->n; i++) {
		free(e->v[i].file);
		if (e->v[i].msg != oom_msg)
			free(e->v[i].msg);
	}
	free(e->v);
	decl_errors_init(e);
}

static void add(struct decl_errors *e, const char *file, unsigned int line,
		const char *fmt, va_list ap)
{
	struct decl_error *nv, *err;
	char *msg = NULL;

	if (e->n == e->cap) {
		size_t cap = e->cap ? e->cap * 2 : 16;

		nv = realloc(e->v, cap * sizeof(*nv));
		if (!nv) {
			/* the last one says so */
			if (e->n) {
				err = &e->v[e->n - 1];
				if (err->msg != oom_msg)
					free(err->msg);
				err->msg = oom_msg;
			}
			return;
		}
		e->v = nv;
		e->cap = cap;
	}
	err = &e->v[e->n];
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	err->file = strdup(file ? file : "");
	err->msg = msg ? msg : oom_msg;
	err->line = line;
	err->seq = e->n;
	e->n++;
}

/**
 * decl_errors_add() - add an error to a list
 * @e: the list
 * @file: the file it is about, copied
 * @line: the line, or 0 for the file as a whole
 * @fmt: printf format of the reason: one sentence, no final newline
 *
 * Out of memory, the error may be lost, but a list that had one keeps
 * at least one.
 */
void decl_errors_add(struct decl_errors *e, const char *file,
		     unsigned int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add(e, file, line, fmt, ap);
	va_end(ap);
}

/**
 * decl_err() - add an error about the file being read
 * @x: the file being read
 * @line: the line, or 0
 * @fmt: printf format of the reason
 *
 * Past DECL_MAX_ERRORS_FILE errors of one file, one more says so and
 * the others are dropped.
 */
void decl_err(struct decl_ctx *x, unsigned int line, const char *fmt, ...)
{
	va_list ap;

	if (x->nr_errs > DECL_MAX_ERRORS_FILE)
		return;
	if (x->nr_errs++ == DECL_MAX_ERRORS_FILE) {
		decl_errors_add(x->errs, x->path, line,
				"more than %d errors; the rest of the file is not reported",
				DECL_MAX_ERRORS_FILE);
		return;
	}
	va_start(ap, fmt);
	add(x->errs, x->path, line, fmt, ap);
	va_end(ap);
}

static int cmp_errors(const void *a, const void *b)
{
	const struct decl_error *x = a, *y = b;
	int c = strcmp(x->file ? x->file : "", y->file ? y->file : "");

	if (c)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/**
 * decl_errors_sort() - order a list by file, then line, then as found
 * @e: the list
 */
void decl_errors_sort(struct decl_errors *e)
{
	if (e->n > 1)
		qsort(e->v, e->n, sizeof(*e->v), cmp_errors);
}

/* Writes @s with control characters as \xNN: a file name cannot forge lines. */
static void put_safe(const char *s, FILE *f)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
}

/**
 * decl_errors_print() - print every error, one "FILE:LINE: reason" a line
 * @e: the list
 * @f: where to
 *
 * Control characters (in a file name, say) are written as \xNN.
 */
void decl_errors_print(const struct decl_errors *e, FILE *f)
{
	size_t i;

	for (i = 0; i < e->n; i++) {
		put_safe(e->v[i].file ? e->v[i].file : "?", f);
		fprintf(f, ":%u: ", e->v[i].line);
		put_safe(e->v[i].msg, f);
		fputc('\n', f);
	}
}
