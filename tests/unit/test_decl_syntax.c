// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of lib/decl/'s reading of a file: what inih is given and
 * what it must not be (lines longer than its buffer, control characters,
 * ':' for '=', inline comments), continuation lines, sections and keys
 * unknown or repeated, file names, and every error collected with its
 * line.
 */
#include "decl_test_util.h"

#define I2	"[instance]\ncpus = 2\nmemory = 64M\n"

/* A line of @n bytes: "cmdline = " and 'a's. */
static char *cmdline_line(size_t n)
{
	char *s = malloc(n + 1);

	assert_non_null(s);
	memcpy(s, "cmdline = ", 10);
	memset(s + 10, 'a', n - 10);
	s[n] = '\0';
	return s;
}

/*
 * inih (Debian's, INI_MAX_LINE 200) would read a longer line as two:
 * 197 bytes pass whole, 198 are refused with the line's number, and the
 * lines after it are read as they are.
 */
static void test_long_line(void **state)
{
	char text[1024], *l;
	struct decl_errors e;
	struct decl_instance *d;

	l = cmdline_line(197);
	snprintf(text, sizeof(text), "[instance]\n%s\ncpus = 2\nmemory = 64M\n",
		 l);
	d = dt_parse(text, &e);
	dt_none(&e);
	assert_int_equal(strlen(d->cmdline), 187);
	decl_instance_free(d);
	decl_errors_free(&e);
	free(l);

	l = cmdline_line(198);
	snprintf(text, sizeof(text), "[instance]\n%s\ncpus = 2\nmemory = 64M\n",
		 l);
	d = dt_parse(text, &e);
	dt_one(&e, 2, "the line is 198 bytes long; at most 197 are allowed");
	assert_null(d->cmdline);
	assert_int_equal(d->line[DK_CPUS], 3);
	assert_int_equal(d->line[DK_MEMORY], 4);
	decl_instance_free(d);
	decl_errors_free(&e);
	free(l);
}

/*
 * What the split would have made of it: the tail of a long line starting
 * at byte 199 reads "memory = 64M", which inih alone took for a key.
 */
static void test_long_line_not_split(void **state)
{
	char text[1024], *l;
	struct decl_errors e;
	struct decl_instance *d;

	l = cmdline_line(199);
	snprintf(text, sizeof(text), "[instance]\ncpus = 2\n%smemory = 64M\n",
		 l);
	d = dt_parse(text, &e);
	if (e.n != 2 || !dt_has(&e, "web.conf", 0, "needs memory = SIZE") ||
	    !dt_has(&e, "web.conf", 3, "the line is 211 bytes long")) {
		dt_dump(&e);
		fail_msg("want the long line and the missing memory");
	}
	assert_int_equal(d->line[DK_MEMORY], 0);
	assert_int_equal(d->memory, 0);
	assert_null(d->cmdline);
	decl_instance_free(d);
	decl_errors_free(&e);
	free(l);
}

/* Comments may be long: inih never sees them. */
static void test_long_comment(void **state)
{
	char text[2048];
	struct decl_errors e;
	struct decl_instance *d;

	snprintf(text, sizeof(text), "# %0500d\n" I2 "   ; %0500d\n", 1, 2);
	d = dt_parse(text, &e);
	dt_none(&e);
	decl_instance_free(d);
	decl_errors_free(&e);
}

/* A too long continuation line: refused, the rest of the value skipped. */
static void test_long_continuation(void **state)
{
	char text[1024];
	struct decl_errors e;
	struct decl_instance *d;

	snprintf(text, sizeof(text),
		 "[instance]\ncmdline = a\n  %0200d\n  b\ncpus = 2\nmemory = 64M\n",
		 0);
	d = dt_parse(text, &e);
	dt_one(&e, 3, "the line is 202 bytes long");
	assert_int_equal(d->line[DK_CPUS], 5);
	decl_instance_free(d);
	decl_errors_free(&e);
}

static void test_multiline(void **state)
{
	static const char text[] =
		"[instance]\n"
		"cmdline = console=ttyS0\n"
		"  loglevel=4\n"
		"\n"
		"# a comment between\n"
		"\tquiet   \n"
		"   cohort.x=1 panic=5\n"
		"cpus = 2\n"
		"memory = 64M\n";
	struct decl_errors e;
	struct decl_instance *d = dt_parse(text, &e);

	dt_none(&e);
	assert_string_equal(d->cmdline,
			    "console=ttyS0 loglevel=4 quiet cohort.x=1 panic=5");
	assert_int_equal(d->line[DK_CMDLINE], 2);
	decl_instance_free(d);
	decl_errors_free(&e);

	/* only cmdline continues */
	d = dt_parse("[instance]\ncpus = 2\n  3\nmemory = 64M\n", &e);
	dt_one(&e, 3, "the line starts with white space, so it would continue cpus; only cmdline");
	decl_instance_free(d);
	decl_errors_free(&e);

	/* an indented key would silently join the command line */
	d = dt_parse("[instance]\ncmdline = quiet\n  cpus = 2\nmemory = 64M\n",
		     &e);
	if (e.n != 2 || !dt_has(&e, NULL, 3, "'cpus = 2' starts with white space, so it would continue cmdline") ||
	    !dt_has(&e, NULL, 0, "needs cpus")) {
		dt_dump(&e);
		fail_msg("an indented key was taken");
	}
	decl_instance_free(d);
	decl_errors_free(&e);

	/* ... but a kernel parameter of that name is fine */
	d = dt_parse(I2 "cmdline = quiet\n  memory=64M\n", &e);
	dt_none(&e);
	assert_string_equal(d->cmdline, "quiet memory=64M");
	decl_instance_free(d);
	decl_errors_free(&e);

	/* indented keys right after a section line are keys */
	d = dt_parse("[instance]\n  cpus = 2\nmemory = 64M\n", &e);
	dt_none(&e);
	decl_instance_free(d);
	decl_errors_free(&e);
}

/* A value is taken whole: ';' and '#' inside it are no comments. */
static void test_no_inline_comments(void **state)
{
	struct decl_errors e;
	struct decl_instance *d;

	d = dt_parse(I2 "cmdline = a ; b # c;d\n", &e);
	dt_none(&e);
	assert_string_equal(d->cmdline, "a ; b # c;d");
	decl_instance_free(d);
	decl_errors_free(&e);
}

static void test_bad_lines(void **state)
{
	static const struct {
		const char *text;
		size_t len;		/* bytes; 0: strlen */
		unsigned int line;
		const char *why;
	} bad[] = {
		{ I2 "kernel: /boot/x\n", 0, 4, "expected KEY = VALUE, not 'kernel: /boot/x' (':' does not separate" },
		{ I2 "kernel /boot/x\n", 0, 4, "expected KEY = VALUE, [SECTION] or a comment, not 'kernel /boot/x'" },
		{ I2 "= /boot/x\n", 0, 4, "a line starts with '=': the key is missing" },
		{ I2 "kernel = /a\x1b[2J\n", 0, 4, "control character \\x1b at column 12" },
		{ I2 "kernel = /a\x7f\n", 0, 4, "control character \\x7f at column 12" },
		{ I2 "kernel = /a\rb\n", 0, 4, "control character \\x0d at column 12" },
		{ I2 "kernel = /a\0b\n", sizeof(I2) + 13, 4, "a NUL byte at column 12" },
		/* a refused key line still counts as giving its key */
		{ "[instance]\ncpus = 2\nmemory = 64M\x01\n", 0, 3, "control character \\x01 at column 13" },
		{ I2 "[instance\n", 0, 4, "a section line must end with ']'" },
		{ I2 "[instance] ; x\n", 0, 4, "unexpected text '; x' after ']'" },
		{ I2 "[ instance ]\n", 0, 4, "unknown section [ instance ]" },
		{ I2 "[Instance]\n", 0, 4, "unknown section [Instance] (sections: [instance], [run], [net], [health])" },
		{ I2 "[]\n", 0, 4, "unknown section []" },
		{ I2 "Memory = 1G\n", 0, 4, "unknown key 'Memory' in [instance] (keys: cpus, cpu-count, memory, kernel, initrd, cmdline, image, after, restart, restart-limit, restart-window, restart-backoff, restart-backoff-max, dump, dump-keep, standby)" },
		{ I2 "[net]\ncpus = 4\n", 0, 5, "unknown key 'cpus' in [net] (keys: link, queues, address)" },
		{ I2 "memory = 128M\n", 0, 4, "memory is already set on line 3" },
		{ "memory = 64M\n[instance]\ncpus = 2\nmemory = 64M\n", 0, 1, "'memory' comes before any section" },
		/* keys of an unknown section are skipped, not reported too */
		{ I2 "[wat]\nfoo = 1\nbar = 2\n  baz\n", 0, 4, "unknown section [wat]" },
	};
	struct decl_errors e;
	struct decl_instance *d = NULL;
	char path[256];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		dt_write_n("web.conf", bad[i].text,
			   bad[i].len ? bad[i].len : strlen(bad[i].text));
		snprintf(path, sizeof(path), "%s/web.conf", dt_dir);
		decl_errors_init(&e);
		decl_parse_file(path, 0, &d, &e);
		if (e.n != 1 || e.v[0].line != bad[i].line ||
		    !strstr(e.v[0].msg, bad[i].why)) {
			dt_dump(&e);
			fail_msg("case %zu: want one error at line %u holding '%s'",
				 i, bad[i].line, bad[i].why);
		}
		decl_instance_free(d);
		decl_errors_free(&e);
	}
}

/* CRLF line ends, a byte order mark, no newline at the end: fine. */
static void test_line_ends(void **state)
{
	struct decl_errors e;
	struct decl_instance *d;

	d = dt_parse("\xef\xbb\xbf[instance]\r\ncpus = 2\r\nmemory = 64M\r\n"
		     "cmdline = a\r\n  b\r\n", &e);
	dt_none(&e);
	assert_string_equal(d->cmdline, "a b");
	decl_instance_free(d);
	decl_errors_free(&e);

	d = dt_parse("[instance]\ncpus = 2\nmemory = 64M", &e);
	dt_none(&e);
	assert_int_equal(d->memory, 64 << 20);
	decl_instance_free(d);
	decl_errors_free(&e);

	d = dt_parse("", &e);
	if (e.n != 2 || !dt_has(&e, NULL, 0, "needs cpus") ||
	    !dt_has(&e, NULL, 0, "needs memory")) {
		dt_dump(&e);
		fail_msg("an empty file");
	}
	decl_instance_free(d);
	decl_errors_free(&e);
}

/* Every error of a file, each at its line, in the order of the lines. */
static void test_many_errors(void **state)
{
	static const char text[] =
		"[instance]\n"			/* 1 */
		"cpus = 0-2\n"			/* 2: CPU 0 */
		"memory = lots\n"		/* 3: not a size */
		"bogus = 1\n"			/* 4: unknown key */
		"cpus = 3\n"			/* 5: twice */
		"kernel relative\n"		/* 6: no '=' */
		"[health]\n"			/* 7 */
		"tcp-port = 99999\n"		/* 8: too large */
		"vsock-port = 5\n"		/* 9: with tcp-port */
		"[net]\n"			/* 10 */
		"address = 10.0.0.1/8\n"	/* 11: without link */
		"[oops]\n"			/* 12: unknown */
		"x = 1\n";			/* 13: skipped */
	static const struct {
		unsigned int line;
		const char *why;
	} want[] = {
		{ 2, "CPU 0 always stays" },
		{ 3, "invalid size 'lots'" },
		{ 4, "unknown key 'bogus'" },
		{ 5, "cpus is already set on line 2" },
		{ 6, "expected KEY = VALUE" },
		{ 8, "TCP port must be from 1 to 65535" },
		{ 9, "tcp-port (line 8) and vsock-port cannot both be set" },
		{ 11, "address needs link = yes" },
		{ 12, "unknown section [oops]" },
	};
	struct decl_errors e;
	struct decl_instance *d = dt_parse(text, &e);
	size_t i;

	decl_errors_sort(&e);
	if (e.n != sizeof(want) / sizeof(want[0])) {
		dt_dump(&e);
		fail_msg("want %zu errors, got %zu", sizeof(want) / sizeof(want[0]),
			 e.n);
	}
	for (i = 0; i < e.n; i++) {
		if (e.v[i].line != want[i].line ||
		    !strstr(e.v[i].msg, want[i].why)) {
			dt_dump(&e);
			fail_msg("error %zu: want line %u holding '%s'", i,
				 want[i].line, want[i].why);
		}
		assert_non_null(strstr(e.v[i].file, "/web.conf"));
	}
	decl_instance_free(d);
	decl_errors_free(&e);
}

/* Past DECL_MAX_ERRORS_FILE errors, one more says the rest are left out. */
static void test_error_cap(void **state)
{
	size_t len = 1000 * 8 + 64, o;
	char *text = malloc(len);
	struct decl_errors e;
	struct decl_instance *d;
	int i;

	assert_non_null(text);
	o = (size_t)snprintf(text, len, "[instance]\n");
	for (i = 0; i < 1000; i++)
		o += (size_t)snprintf(text + o, len - o, "junk\n");
	d = dt_parse(text, &e);
	assert_int_equal(e.n, DECL_MAX_ERRORS_FILE + 1);
	assert_int_equal(e.v[0].line, 2);
	assert_non_null(strstr(e.v[DECL_MAX_ERRORS_FILE].msg,
			       "more than 200 errors"));
	decl_instance_free(d);
	decl_errors_free(&e);
	free(text);
}

static void test_file_names(void **state)
{
	static const struct {
		const char *name;
		const char *why;
	} bad[] = {
		{ "bad name.conf", "the file name does not name an instance: invalid instance name 'bad name'" },
		{ ".hidden.conf", "must not start with '.' or '-'" },
		{ "-x.conf", "must not start with '.' or '-'" },
		{ ".conf", "the instance name is empty" },
		{ "a23456789012345678901234567890123.conf", "33 characters, at most 31" },
		{ "web.ini", "the file name 'web.ini' does not end in .conf" },
		{ "caf\xc3\xa9.conf", "'\\xc3' is not allowed" },
	};
	struct decl_errors e;
	struct decl_instance *d;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		d = dt_parse_as(bad[i].name, I2, 0, &e);
		if (e.n != 1 || e.v[0].line != 0 ||
		    !strstr(e.v[0].msg, bad[i].why)) {
			dt_dump(&e);
			fail_msg("%s: want '%s'", bad[i].name, bad[i].why);
		}
		assert_string_equal(d->name, "");
		decl_instance_free(d);
		decl_errors_free(&e);
	}
	/* 31 characters: the longest name */
	d = dt_parse_as("a234567890123456789012345678901.conf", I2, 0, &e);
	dt_none(&e);
	assert_string_equal(d->name, "a234567890123456789012345678901");
	decl_instance_free(d);
	decl_errors_free(&e);
}

static void test_not_a_file(void **state)
{
	struct decl_errors e;
	struct decl_instance *d;
	char path[256], *big;

	snprintf(path, sizeof(path), "%s/dir.conf", dt_dir);
	assert_int_equal(mkdir(path, 0755), 0);
	decl_errors_init(&e);
	decl_parse_file(path, 0, &d, &e);
	dt_one(&e, 0, "not a regular file");
	assert_string_equal(d->name, "dir");
	decl_instance_free(d);
	decl_errors_free(&e);

	snprintf(path, sizeof(path), "%s/none.conf", dt_dir);
	decl_errors_init(&e);
	decl_parse_file(path, 0, &d, &e);
	dt_one(&e, 0, "cannot open the file: No such file or directory");
	decl_instance_free(d);
	decl_errors_free(&e);

	big = malloc(DECL_FILE_MAX + 2);
	assert_non_null(big);
	memset(big, '#', DECL_FILE_MAX + 1);
	big[DECL_FILE_MAX + 1] = '\0';
	d = dt_parse(big, &e);
	dt_one(&e, 0, "the file is 1048577 bytes long; at most 1048576 are read");
	decl_instance_free(d);
	decl_errors_free(&e);
	free(big);
}

static void test_print(void **state)
{
	struct decl_errors e;
	char buf[256] = "";
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	assert_non_null(f);
	decl_errors_init(&e);
	decl_errors_add(&e, "/etc/b\n.conf", 3, "bad %s", "value");
	decl_errors_add(&e, "/etc/a.conf", 7, "second");
	decl_errors_add(&e, "/etc/a.conf", 0, "whole");
	decl_errors_add(&e, "/etc/a.conf", 7, "third");
	decl_errors_sort(&e);
	decl_errors_print(&e, f);
	fclose(f);
	assert_string_equal(buf,
			    "/etc/a.conf:0: whole\n"
			    "/etc/a.conf:7: second\n"
			    "/etc/a.conf:7: third\n"
			    "/etc/b\\x0a.conf:3: bad value\n");
	decl_errors_free(&e);
	assert_int_equal(e.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_long_line_not_split),
		cmocka_unit_test(test_long_comment),
		cmocka_unit_test(test_long_continuation),
		cmocka_unit_test(test_multiline),
		cmocka_unit_test(test_no_inline_comments),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_line_ends),
		cmocka_unit_test(test_many_errors),
		cmocka_unit_test(test_error_cap),
		cmocka_unit_test(test_file_names),
		cmocka_unit_test(test_not_a_file),
		cmocka_unit_test(test_print),
	};

	return cmocka_run_group_tests(tests, dt_setup, dt_teardown);
}
