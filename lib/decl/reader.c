// SPDX-License-Identifier: GPL-2.0
/*
 * The lines of a declared instance's file, handed to inih one at a time
 * (an ini_reader for ini_parse_stream()).
 *
 * inih as Debian builds it (libinih-dev 55) reads through a buffer of
 * INI_MAX_LINE = 200 bytes and tells its handler no line numbers
 * (INI_HANDLER_LINENO 0).  Given a longer line it splits it: the first
 * 199 bytes are one line and the rest is read as the next one, so the
 * tail of "cmdline = ..." silently became a key of its own or a
 * continuation.  So the whole file is read here, every line is looked at
 * before inih sees it, and a line that inih would misread is refused
 * with a message of its own and replaced by a marker line the handler
 * skips:
 *
 *	- a line longer than the buffer allows (its size - 3, as ini.h
 *	  says: room for "\r\n" and the NUL); comments may be longer, as
 *	  inih only sees an empty line for them;
 *	- NUL and control characters other than tab;
 *	- a key line without '=', or with ':' before it (inih takes ':'
 *	  as '=');
 *	- a section line without its ']', with text after it, or of a
 *	  section the format does not have (its keys are then skipped too,
 *	  not read into the section before it).
 *
 * The line count kept here is the one inih keeps (one call, one line),
 * so the handler knows the line it is called for.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cohort/parse.h"
#include "internal.h"

/* What inih gets for a refused key line: a key the handler skips. */
#define MARK_KEY	"\x01="
/* ... and for a refused section line: a section the handler skips. */
#define MARK_SECTION	"[\x01]"

static const char *const section_names[NR_SECTIONS] = {
	[SEC_INSTANCE] = "instance",
	[SEC_RUN] = "run",
	[SEC_NET] = "net",
	[SEC_HEALTH] = "health",
};

/**
 * decl_section_name() - the name of a section, as written in brackets
 * @s: the section
 *
 * Return: "instance"..., or "" for no section.
 */
const char *decl_section_name(enum decl_section s)
{
	return s >= 0 && s < NR_SECTIONS ? section_names[s] : "";
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * The next line of the file into x->line, without its "\n" or "\r\n";
 * its length (NULs included) in *len.  False at the end of the file or
 * when out of memory (then an error says so).
 */
static bool next_line(struct decl_ctx *x, size_t *len)
{
	const char *start = x->buf + x->pos, *nl;
	size_t n;

	if (x->pos >= x->len)
		return false;
	nl = memchr(start, '\n', x->len - x->pos);
	n = nl ? (size_t)(nl - start) : x->len - x->pos;
	x->pos += n + (nl ? 1 : 0);
	if (n + 1 > x->line_cap) {
		char *nb = realloc(x->line, n + 1);

		if (!nb) {
			decl_err(x, x->lineno + 1, "out of memory");
			x->pos = x->len;
			return false;
		}
		x->line = nb;
		x->line_cap = n + 1;
	}
	memcpy(x->line, start, n);
	if (n && x->line[n - 1] == '\r')
		n--;
	x->line[n] = '\0';
	/* A byte order mark is allowed before the first line, as inih does. */
	if (x->lineno == 0 && n >= 3 && !memcmp(x->line, "\xef\xbb\xbf", 3)) {
		memmove(x->line, x->line + 3, n - 3 + 1);
		n -= 3;
	}
	*len = n;
	return true;
}

/* Refuses NUL and control characters but tab; 0 when there is none. */
static int check_bytes(struct decl_ctx *x, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)x->line[i];

		if (c == '\t' || (c >= 0x20 && c != 0x7f))
			continue;
		if (c)
			decl_err(x, x->lineno,
				 "control character \\x%02x at column %zu: only printable characters and tabs are allowed",
				 c, i + 1);
		else
			decl_err(x, x->lineno,
				 "a NUL byte at column %zu: this is not a text file",
				 i + 1);
		return -1;
	}
	return 0;
}

static int check_length(struct decl_ctx *x, size_t len, size_t max)
{
	if (len <= max)
		return 0;
	decl_err(x, x->lineno,
		 "the line is %zu bytes long; at most %zu are allowed (a long cmdline goes on over lines that start with white space)",
		 len, max);
	return -1;
}

/* Hands @text and a newline to inih (it fits: checked before). */
static char *hand(char *str, int num, const char *text)
{
	size_t n = strlen(text);

	if (n + 2 > (size_t)num)
		n = 0;		/* never reached: the length was checked */
	memcpy(str, text, n);
	str[n] = '\n';
	str[n + 1] = '\0';
	return str;
}

/* Strips blanks at both ends of @s in place. */
static char *strip(char *s)
{
	char *end;

	while (is_blank(*s))
		s++;
	end = s + strlen(s);
	while (end > s && is_blank(end[-1]))
		end--;
	*end = '\0';
	return s;
}

/* A section line, "[name]", at @t. */
static char *section_line(struct decl_ctx *x, char *str, int num, char *t,
			  size_t len, size_t max)
{
	char *close, *rest, q[96], names[64] = "";
	int s;

	x->prev_key = false;
	x->prev_bad = false;
	x->section = SEC_BAD;
	x->kind = LINE_IGNORED;
	if (check_bytes(x, len) || check_length(x, len, max))
		return hand(str, num, MARK_SECTION);
	close = strchr(t, ']');
	if (!close) {
		decl_err(x, x->lineno,
			 "a section line must end with ']': [instance], [run], [net] or [health]");
		return hand(str, num, MARK_SECTION);
	}
	for (rest = close + 1; is_blank(*rest); rest++)
		;
	if (*rest) {
		cohort_quote(rest, q, sizeof(q));
		decl_err(x, x->lineno,
			 "unexpected text '%s' after ']' (a comment is a line of its own, starting with '#' or ';')",
			 q);
		return hand(str, num, MARK_SECTION);
	}
	*close = '\0';
	for (s = 0; s < NR_SECTIONS; s++)
		if (!strcmp(t + 1, section_names[s]))
			break;
	if (s == NR_SECTIONS) {
		for (int i = 0; i < NR_SECTIONS; i++) {
			size_t o = strlen(names);

			snprintf(names + o, sizeof(names) - o, "%s[%s]",
				 i ? ", " : "", section_names[i]);
		}
		cohort_quote(t + 1, q, sizeof(q));
		decl_err(x, x->lineno, "unknown section [%s] (sections: %s)",
			 q, names);
		return hand(str, num, MARK_SECTION);
	}
	x->section = (enum decl_section)s;
	x->kind = LINE_SECTION;
	*close = ']';
	close[1] = '\0';
	return hand(str, num, t);
}

/*
 * A key line refused whole (too long, a control character) still names
 * its key when it can: that key counts as given, so its absence is not
 * reported too.
 */
static void mark_refused_key(struct decl_ctx *x, char *t)
{
	const struct decl_keydef *k;
	char *sep = t + strcspn(t, "=:");

	if (*sep != '=' || x->section < 0)
		return;
	*sep = '\0';
	k = decl_keydef_find(x->section, strip(t));
	if (!k)
		return;
	if (!x->d->line[k->key])
		x->d->line[k->key] = x->lineno;
	x->bad[k->key] = true;
}

/* A key line, "KEY = VALUE", at @t. */
static char *key_line(struct decl_ctx *x, char *str, int num, char *t,
		      size_t len, size_t max)
{
	char *sep, q[96];

	x->prev_key = true;
	x->prev_bad = true;
	x->kind = LINE_IGNORED;
	if (check_bytes(x, len) || check_length(x, len, max)) {
		mark_refused_key(x, t);
		return hand(str, num, MARK_KEY);
	}
	sep = t + strcspn(t, "=:");
	if (!*sep || *sep == ':') {
		cohort_quote(t, q, sizeof(q));
		decl_err(x, x->lineno, *sep ?
			 "expected KEY = VALUE, not '%s' (':' does not separate a key from its value)" :
			 "expected KEY = VALUE, [SECTION] or a comment, not '%s'",
			 q);
		return hand(str, num, MARK_KEY);
	}
	if (sep == t) {
		decl_err(x, x->lineno, "a line starts with '=': the key is missing");
		return hand(str, num, MARK_KEY);
	}
	if (x->section == SEC_BAD)
		return hand(str, num, MARK_KEY);
	if (x->section == SEC_NONE) {
		*sep = '\0';
		cohort_quote(strip(t), q, sizeof(q));
		decl_err(x, x->lineno,
			 "'%s' comes before any section: keys go under [instance], [run], [net] or [health]",
			 q);
		return hand(str, num, MARK_KEY);
	}
	hand(str, num, x->line);
	/* What inih is to report: the key and the value, stripped. */
	*sep = '\0';
	x->want_name = strip(t);
	x->want_value = strip(sep + 1);
	x->prev_bad = false;
	x->kind = LINE_KEY;
	return str;
}

/**
 * decl_reader() - the next line of a file for inih (an ini_reader)
 * @str: inih's line buffer
 * @num: its size
 * @stream: the file being read (struct decl_ctx)
 *
 * Sets what the handler needs to know of the line: its number, its kind
 * and what inih must make of it (x->lineno, kind, want_name, want_value).
 *
 * Return: @str, or NULL at the end of the file.
 */
char *decl_reader(char *str, int num, void *stream)
{
	struct decl_ctx *x = stream;
	size_t len, max = num > 3 ? (size_t)num - 3 : 0;
	char *t;

	if (num < 2 || !next_line(x, &len))
		return NULL;
	x->lineno++;
	x->want_name = x->want_value = NULL;
	x->kind = LINE_EMPTY;
	for (t = x->line; is_blank(*t); t++)
		;
	if ((size_t)(t - x->line) == len || *t == '#' || *t == ';')
		return hand(str, num, "");

	/* Indented after a key line: inih continues that key's value. */
	if (t > x->line && x->prev_key) {
		x->kind = LINE_IGNORED;
		if (x->prev_bad || x->section == SEC_BAD)
			return hand(str, num, "");
		if (check_bytes(x, len) || check_length(x, len, max)) {
			x->prev_bad = true;
			return hand(str, num, "");
		}
		hand(str, num, x->line);
		x->want_value = strip(t);
		x->kind = LINE_CONT;
		return str;
	}
	if (*t == '[')
		return section_line(x, str, num, t, len, max);
	return key_line(x, str, num, t, len, max);
}
