// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of cohort exec's wire format (lib/run/exec.c, execframe.c)
 * and of what the exec server runs for a request (execproc.c):
 * requests encode and decode; the instance refuses hostile requests
 * (bad headers, garbage, wrong types, unknown keys, NULs, deep nesting,
 * oversized values); the primary's decoder takes frames in any pieces
 * and refuses garbage, truncated, oversized and inconsistent answers;
 * the command's environment, directory and user come from the workload
 * and the request as docker exec's do.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "run/exec.h"
#include "run/run.h"

static char err[RUN_ERR_MAX];

static char *args_ls[] = { "ls", "-l", "/", NULL };
static char *env_ab[] = { "A=1", "B=x=y", NULL };

/* Encodes @r, checks the header, decodes the JSON into @out. */
static void round_trip(const struct run_exec_req *r, struct run_exec_req *out)
{
	char *buf;
	size_t len;
	uint32_t n;

	assert_int_equal(run_exec_req_encode(r, &buf, &len, err, sizeof(err)), 0);
	assert_memory_equal(buf, "CEXQ", 4);
	assert_int_equal(run_exec_req_header((unsigned char *)buf, &n, err,
					     sizeof(err)), 0);
	assert_int_equal(n, len - RUN_EXEC_HDR);
	assert_int_equal(run_exec_req_decode(buf + RUN_EXEC_HDR, n, out, err,
					     sizeof(err)), 0);
	free(buf);
}

static void test_request_round_trip(void **state)
{
	struct run_exec_req r = {
		.args = args_ls, .env = env_ab, .cwd = "/srv/app",
		.user = "app:wheel", .timeout_ms = 2500,
	}, out;

	(void)state;
	round_trip(&r, &out);
	assert_string_equal(out.args[0], "ls");
	assert_string_equal(out.args[2], "/");
	assert_null(out.args[3]);
	assert_string_equal(out.env[1], "B=x=y");
	assert_null(out.env[2]);
	assert_string_equal(out.cwd, "/srv/app");
	assert_string_equal(out.user, "app:wheel");
	assert_int_equal(out.timeout_ms, 2500);
	run_exec_req_free(&out);

	/* only args: the rest stays unset */
	r = (struct run_exec_req){ .args = args_ls };
	round_trip(&r, &out);
	assert_null(out.env);
	assert_null(out.cwd);
	assert_null(out.user);
	assert_int_equal(out.timeout_ms, 0);
	run_exec_req_free(&out);

	/* any byte but NUL survives, quotes and newlines included */
	{
		char *odd[] = { "sh", "-c", "echo \"a\\b\"\n\t\x01\xff/", NULL };

		r = (struct run_exec_req){ .args = odd };
		round_trip(&r, &out);
		assert_string_equal(out.args[2], odd[2]);
		run_exec_req_free(&out);
	}
}

static void test_request_not_encoded(void **state)
{
	char *none[] = { NULL }, *empty[] = { "", NULL }, *badenv[] = { "NOEQ", NULL };
	char *noname[] = { "=v", NULL }, *big[] = { "x", NULL, NULL };
	struct run_exec_req bad[] = {
		{ .args = NULL },
		{ .args = none },
		{ .args = empty },
		{ .args = args_ls, .env = badenv },
		{ .args = args_ls, .env = noname },
		{ .args = args_ls, .cwd = "relative" },
		{ .args = args_ls, .user = "" },
		{ .args = args_ls, .user = "a\nb" },
		{ .args = args_ls, .timeout_ms = RUN_EXEC_TIMEOUT_MAX + 1 },
		{ .args = big },
	};
	char *buf = (char *)1;
	size_t len = 1, i;

	(void)state;
	big[1] = malloc(RUN_EXEC_REQ_MAX);
	assert_non_null(big[1]);
	memset(big[1], 'a', RUN_EXEC_REQ_MAX - 1);
	big[1][RUN_EXEC_REQ_MAX - 1] = '\0';
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		if (run_exec_req_encode(&bad[i], &buf, &len, err, sizeof(err)) != -1)
			fail_msg("case %zu was encoded", i);
		assert_null(buf);
		assert_int_equal(len, 0);
		assert_true(err[0]);
	}
	free(big[1]);
}

static void test_request_header(void **state)
{
	unsigned char h[RUN_EXEC_HDR];
	uint32_t n = 77;

	(void)state;
	memcpy(h, "CEXQ\x01\x02\x00\x00", 8);
	assert_int_equal(run_exec_req_header(h, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 0x201);	/* little-endian */
	memcpy(h, "CEXQ\x00\x00\x01\x00", 8);	/* the largest */
	assert_int_equal(run_exec_req_header(h, &n, err, sizeof(err)), 0);
	assert_int_equal(n, RUN_EXEC_REQ_MAX);
	n = 77;
	memcpy(h, "CEXQ\x00\x00\x00\x00", 8);		/* empty */
	assert_int_equal(run_exec_req_header(h, &n, err, sizeof(err)), -1);
	memcpy(h, "CEXQ\x01\x00\x01\x00", 8);		/* 65537 */
	assert_int_equal(run_exec_req_header(h, &n, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "65537 bytes"));
	memcpy(h, "CEXQ\xff\xff\xff\xff", 8);
	assert_int_equal(run_exec_req_header(h, &n, err, sizeof(err)), -1);
	memcpy(h, "CWRM\x01\x00\x00\x00", 8);		/* the warm port's */
	assert_int_equal(run_exec_req_header(h, &n, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "bad magic"));
	memcpy(h, "GET / HT", 8);
	assert_int_equal(run_exec_req_header(h, &n, err, sizeof(err)), -1);
	assert_int_equal(n, 77);
}

static void test_request_refused(void **state)
{
	static const struct {
		const char *json;
		const char *why;
	} bad[] = {
		{ "", "0 bytes" },
		{ "garbage", "not valid JSON" },
		{ "{\"args\":[\"x\"]", "not valid JSON" },
		{ "[\"x\"]", "not a JSON object" },
		{ "\"x\"", "not a JSON object" },
		{ "42", "not a JSON object" },
		{ "{}", "no args" },
		{ "{\"args\":[\"x\"]} x", "exec request: " },
		{ "{\"args\":[\"x\"]}{}", "exec request: " },
		{ "{\"args\":\"ls\"}", "args is not an array" },
		{ "{\"args\":[1]}", "args is not an array of strings" },
		{ "{\"args\":[]}", "no command" },
		{ "{\"args\":[\"\"]}", "empty string" },
		{ "{\"args\":[null]}", "args is not an array of strings" },
		{ "{\"args\":[\"a\\u0000b\"]}", "NUL character" },
		{ "{\"args\":[\"x\"],\"cmd\":1}", "unknown key 'cmd'" },
		{ "{\"args\":[\"x\"],\"env\":[\"NOEQ\"]}", "is not NAME=value" },
		{ "{\"args\":[\"x\"],\"env\":[\"=v\"]}", "empty variable name" },
		{ "{\"args\":[\"x\"],\"env\":{\"A\":\"1\"}}", "env is not an array" },
		{ "{\"args\":[\"x\"],\"cwd\":\"tmp\"}", "not an absolute path" },
		{ "{\"args\":[\"x\"],\"cwd\":[\"/\"]}", "cwd is not a string" },
		{ "{\"args\":[\"x\"],\"user\":\"\"}", "the user is 0 bytes" },
		{ "{\"args\":[\"x\"],\"user\":\"a\\nb\"}", "control character" },
		{ "{\"args\":[\"x\"],\"user\":0}", "user is not a string" },
		{ "{\"args\":[\"x\"],\"timeout_ms\":-1}", "out of range" },
		{ "{\"args\":[\"x\"],\"timeout_ms\":604800001}", "out of range" },
		{ "{\"args\":[\"x\"],\"timeout_ms\":99999999999999999999999}", "out of range" },
		{ "{\"args\":[\"x\"],\"timeout_ms\":1.5}", "not an integer" },
		{ "{\"args\":[\"x\"],\"timeout_ms\":\"5\"}", "not an integer" },
		{ "{\"args\":[\"x\"],\"env\":[[[[\"x\"]]]]}", "not valid JSON" },
		{ "{'args':['x']}", "not valid JSON" },
	};
	struct run_exec_req r;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		if (run_exec_req_decode(bad[i].json, strlen(bad[i].json), &r,
					err, sizeof(err)) != -1)
			fail_msg("case %zu (%s) was taken", i, bad[i].json);
		if (!strstr(err, bad[i].why))
			fail_msg("case %zu (%s): '%s' does not say '%s'", i,
				 bad[i].json, err, bad[i].why);
		assert_null(r.args);
		assert_null(r.env);
	}
	/* a raw NUL byte, and more than the limit */
	assert_int_equal(run_exec_req_decode("{\"args\":[\"x\0\"]}", 16, &r, err,
					     sizeof(err)), -1);
	assert_non_null(strstr(err, "NUL byte"));
	{
		char *big = malloc(RUN_EXEC_REQ_MAX + 1);

		assert_non_null(big);
		memset(big, ' ', RUN_EXEC_REQ_MAX + 1);
		memcpy(big, "{\"args\":[\"x\"]}", 14);
		assert_int_equal(run_exec_req_decode(big, RUN_EXEC_REQ_MAX, &r,
						     err, sizeof(err)), 0);
		run_exec_req_free(&r);
		assert_int_equal(run_exec_req_decode(big, RUN_EXEC_REQ_MAX + 1,
						     &r, err, sizeof(err)), -1);
		free(big);
	}
	/* 4097 arguments */
	{
		size_t len = 10 + 4097 * 4 + 3, o;
		char *j = malloc(len);

		assert_non_null(j);
		o = (size_t)sprintf(j, "{\"args\":[");
		for (i = 0; i < 4097; i++)
			o += (size_t)sprintf(j + o, "%s\"a\"", i ? "," : "");
		o += (size_t)sprintf(j + o, "]}");
		assert_int_equal(run_exec_req_decode(j, o, &r, err, sizeof(err)), -1);
		assert_non_null(strstr(err, "at most 4096"));
		free(j);
	}
}

/* Frames as the server writes them, appended to @buf at @off. */
static size_t frame(unsigned char *buf, size_t off, enum run_exec_type t,
		    const void *data, uint32_t len)
{
	run_exec_frame_header(t, len, buf + off);
	memcpy(buf + off + RUN_EXEC_HDR, data, len);
	return off + RUN_EXEC_HDR + len;
}

static size_t exit_frame(unsigned char *buf, size_t off,
			 enum run_exec_how how, uint32_t status)
{
	unsigned char p[RUN_EXEC_EXIT_LEN];

	run_exec_exit_payload(how, status, p);
	return frame(buf, off, RUN_EXEC_EXIT, p, sizeof(p));
}

static struct run_exec_dec dec;

/*
 * Feeds @len bytes of @buf in pieces of @piece, collecting what came:
 * stdout into @out, stderr into @errb, the message and the exit.
 * Returns -1 at the first error, else 0 (whether the exit came or not).
 */
static int feed(const unsigned char *buf, size_t len, size_t piece,
		char *out, char *errb, char *msg, struct run_exec_frame *x)
{
	struct run_exec_frame f;
	size_t off = 0;

	run_exec_dec_init(&dec);
	out[0] = errb[0] = msg[0] = '\0';
	while (off < len) {
		size_t n = len - off < piece ? len - off : piece, used;
		int r;

		do {
			r = run_exec_dec_feed(&dec, buf + off, n, &used, &f, err,
					      sizeof(err));
			if (r < 0)
				return -1;
			off += used;
			n -= used;
			if (r == 1 && f.type == RUN_EXEC_OUT)
				strncat(out, (const char *)f.data, f.len);
			else if (r == 1 && f.type == RUN_EXEC_ERR)
				strncat(errb, (const char *)f.data, f.len);
			else if (r == 1 && f.type == RUN_EXEC_MSG)
				strcpy(msg, f.text);
			else if (r == 1)
				*x = f;
		} while (r == 1 && n);
	}
	return 0;
}

static void test_frames(void **state)
{
	static const size_t pieces[] = { 1, 2, 3, 7, 8, 9, 4096, 1 << 20 };
	unsigned char buf[512];
	char out[64], errb[64], msg[RUN_EXEC_MSG_MAX + 1];
	struct run_exec_frame x;
	size_t len = 0, i;

	(void)state;
	len = frame(buf, len, RUN_EXEC_OUT, "hello ", 6);
	len = frame(buf, len, RUN_EXEC_ERR, "oops", 4);
	len = frame(buf, len, RUN_EXEC_OUT, "world", 5);
	len = exit_frame(buf, len, RUN_EXEC_EXITED, 3);
	for (i = 0; i < sizeof(pieces) / sizeof(pieces[0]); i++) {
		memset(&x, 0, sizeof(x));
		assert_int_equal(feed(buf, len, pieces[i], out, errb, msg, &x), 0);
		assert_string_equal(out, "hello world");
		assert_string_equal(errb, "oops");
		assert_int_equal(x.type, RUN_EXEC_EXIT);
		assert_int_equal(x.how, RUN_EXEC_EXITED);
		assert_int_equal(x.status, 3);
		assert_int_equal(run_exec_dec_end(&dec, err, sizeof(err)), 0);
	}
	/* a message, made printable, then not-run */
	len = frame(buf, 0, RUN_EXEC_MSG, "ls: \x1b[31mnot\tfound\xff", 19);
	len = exit_frame(buf, len, RUN_EXEC_NOTRUN, 127);
	assert_int_equal(feed(buf, len, 5, out, errb, msg, &x), 0);
	assert_string_equal(msg, "ls: ?[31mnot?found?");
	assert_int_equal(x.how, RUN_EXEC_NOTRUN);
	assert_int_equal(x.status, 127);
	/* every legal end */
	len = exit_frame(buf, 0, RUN_EXEC_KILLED, 128 + 15);
	assert_int_equal(feed(buf, len, 100, out, errb, msg, &x), 0);
	assert_int_equal(x.status, 143);
	len = exit_frame(buf, 0, RUN_EXEC_TIMEDOUT, 137);
	assert_int_equal(feed(buf, len, 100, out, errb, msg, &x), 0);
	assert_int_equal(x.how, RUN_EXEC_TIMEDOUT);
	len = exit_frame(buf, 0, RUN_EXEC_REFUSED, 125);
	assert_int_equal(feed(buf, len, 100, out, errb, msg, &x), 0);
	len = exit_frame(buf, 0, RUN_EXEC_EXITED, 255);
	assert_int_equal(feed(buf, len, 100, out, errb, msg, &x), 0);
	/* the largest chunk and message */
	{
		static unsigned char big[2 * RUN_EXEC_HDR + RUN_EXEC_CHUNK_MAX +
					 RUN_EXEC_MSG_MAX + 16];
		static unsigned char data[RUN_EXEC_CHUNK_MAX];
		struct run_exec_frame f;
		size_t used;

		memset(data, 'z', sizeof(data));
		len = frame(big, 0, RUN_EXEC_OUT, data, RUN_EXEC_CHUNK_MAX);
		len = frame(big, len, RUN_EXEC_MSG, data, RUN_EXEC_MSG_MAX);
		run_exec_dec_init(&dec);
		assert_int_equal(run_exec_dec_feed(&dec, big, len, &used, &f, err,
						   sizeof(err)), 1);
		assert_int_equal(f.len, RUN_EXEC_CHUNK_MAX);
		assert_int_equal(run_exec_dec_feed(&dec, big + used, len - used,
						   &used, &f, err, sizeof(err)), 1);
		assert_int_equal(strlen(f.text), RUN_EXEC_MSG_MAX);
	}
}

static void test_frames_refused(void **state)
{
	static const struct {
		const char *hdr;	/* 8 bytes */
		const char *why;
	} bad[] = {
		{ "XX\x01\x00\x01\x00\x00\x00", "bad frame header" },
		{ "CX\x01\x01\x01\x00\x00\x00", "bad frame header" },	/* reserved */
		{ "CX\x00\x00\x01\x00\x00\x00", "unknown type 0" },
		{ "CX\x05\x00\x01\x00\x00\x00", "unknown type 5" },
		{ "CX\xff\x00\x01\x00\x00\x00", "unknown type 255" },
		{ "CX\x01\x00\x00\x00\x00\x00", "with 0 bytes" },
		{ "CX\x02\x00\x01\x00\x01\x00", "with 65537 bytes" },
		{ "CX\x01\x00\xff\xff\xff\xff", "with 4294967295 bytes" },
		{ "CX\x03\x00\x01\x02\x00\x00", "with 513 bytes" },
		{ "CX\x04\x00\x07\x00\x00\x00", "an exit frame of 7 bytes" },
		{ "CX\x04\x00\x09\x00\x00\x00", "an exit frame of 9 bytes" },
		{ "HTTP/1.1", "bad frame header" },
	};
	static const uint32_t bad_exits[][2] = {
		{ RUN_EXEC_EXITED, 256 }, { RUN_EXEC_KILLED, 128 },
		{ RUN_EXEC_KILLED, 193 }, { RUN_EXEC_TIMEDOUT, 5 },
		{ RUN_EXEC_NOTRUN, 125 }, { RUN_EXEC_NOTRUN, 0 },
		{ RUN_EXEC_REFUSED, 1 }, { 5, 0 }, { 0xffffffffu, 0 },
	};
	unsigned char buf[256], p[RUN_EXEC_EXIT_LEN];
	char out[64], errb[64], msg[RUN_EXEC_MSG_MAX + 1];
	struct run_exec_frame x;
	size_t i, len;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(buf, 'a', sizeof(buf));
		memcpy(buf, bad[i].hdr, 8);
		err[0] = '\0';
		if (feed(buf, sizeof(buf), 3, out, errb, msg, &x) != -1)
			fail_msg("header %zu was taken", i);
		if (!strstr(err, bad[i].why))
			fail_msg("header %zu: '%s' does not say '%s'", i, err,
				 bad[i].why);
	}
	for (i = 0; i < sizeof(bad_exits) / sizeof(bad_exits[0]); i++) {
		run_exec_exit_payload((enum run_exec_how)bad_exits[i][0],
				      bad_exits[i][1], p);
		len = frame(buf, 0, RUN_EXEC_EXIT, p, sizeof(p));
		assert_int_equal(feed(buf, len, 1, out, errb, msg, &x), -1);
		assert_non_null(strstr(err, "an exit frame with how"));
	}
	/* two messages */
	len = frame(buf, 0, RUN_EXEC_MSG, "one", 3);
	len = frame(buf, len, RUN_EXEC_MSG, "two", 3);
	assert_int_equal(feed(buf, len, 4, out, errb, msg, &x), -1);
	assert_non_null(strstr(err, "a second message"));
	/* anything after the exit */
	len = exit_frame(buf, 0, RUN_EXEC_EXITED, 0);
	buf[len++] = 'x';
	assert_int_equal(feed(buf, len, 1, out, errb, msg, &x), -1);
	assert_non_null(strstr(err, "after the exit frame"));
	len = exit_frame(buf, 0, RUN_EXEC_EXITED, 0);
	len = frame(buf, len, RUN_EXEC_OUT, "late", 4);
	assert_int_equal(feed(buf, len, 100, out, errb, msg, &x), -1);
}

static void test_frames_truncated(void **state)
{
	unsigned char buf[128];
	char out[64], errb[64], msg[RUN_EXEC_MSG_MAX + 1];
	struct run_exec_frame x;
	size_t len, cut;

	(void)state;
	len = frame(buf, 0, RUN_EXEC_OUT, "abc", 3);
	len = exit_frame(buf, len, RUN_EXEC_EXITED, 0);
	/* every cut short of the whole answer leaves it incomplete */
	for (cut = 0; cut < len; cut++) {
		assert_int_equal(feed(buf, cut, 2, out, errb, msg, &x), 0);
		err[0] = '\0';
		assert_int_equal(run_exec_dec_end(&dec, err, sizeof(err)), -1);
		assert_true(err[0]);
		if (cut == 0 || cut == RUN_EXEC_HDR + 3)
			assert_non_null(strstr(err, "before the command's exit status"));
		else
			assert_non_null(strstr(err, "in the middle of a frame"));
	}
	assert_int_equal(feed(buf, len, 2, out, errb, msg, &x), 0);
	assert_int_equal(run_exec_dec_end(&dec, err, sizeof(err)), 0);
}

/* The exec server's choice of process: a fake root with users. */
static char tmp[] = "/tmp/test_run_exec.XXXXXX";
static int rootfd = -1;

static int setup(void **state)
{
	char path[256];
	FILE *f;

	(void)state;
	if (!mkdtemp(tmp))
		return -1;
	snprintf(path, sizeof(path), "%s/etc", tmp);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/etc/passwd", tmp);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fputs("root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/etc/group", tmp);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fputs("root:x:0:\nwheel:x:10:app\napp:x:1000:\n", f);
	fclose(f);
	rootfd = open(tmp, O_RDONLY | O_DIRECTORY);
	return rootfd < 0 ? -1 : 0;
}

static int teardown(void **state)
{
	char cmd[300];

	(void)state;
	close(rootfd);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmp);
	return system(cmd) ? -1 : 0;
}

static void test_process(void **state)
{
	char *wenv[] = { "PATH=/bin", "FOO=from-image", "HOME=/home/app", NULL };
	uint32_t wgroups[] = { 1000, 10 };
	struct run_spec w = {
		.env = wenv, .cwd = "/srv/app", .uid = 1000, .gid = 1000,
		.groups = wgroups, .nr_groups = 2,
		.rlimits = { { RLIMIT_NOFILE, 1024, 1024 } }, .nr_rlimits = 1,
	}, p;
	char *renv[] = { "FOO=over", "NEW=1", NULL }, *henv[] = { "HOME=/h", NULL };
	struct run_exec_req r = { .args = args_ls };

	(void)state;
	/* the workload's all through */
	assert_int_equal(run_exec_process(&r, &w, rootfd, &p, err, sizeof(err)), 0);
	assert_string_equal(p.args[1], "-l");
	assert_string_equal(p.env[1], "FOO=from-image");
	assert_null(p.env[3]);
	assert_string_equal(p.cwd, "/srv/app");
	assert_int_equal(p.uid, 1000);
	assert_int_equal(p.nr_groups, 2);
	assert_int_equal(p.groups[1], 10);
	assert_int_equal(p.nr_rlimits, 1);
	assert_int_equal(p.rlimits[0].soft, 1024);
	run_spec_free(&p);

	/* -e replaces in place and appends, -w is normalised, -u root */
	r.env = renv;
	r.cwd = "/tmp//x/../y/";
	r.user = "root";
	assert_int_equal(run_exec_process(&r, &w, rootfd, &p, err, sizeof(err)), 0);
	assert_string_equal(p.env[0], "PATH=/bin");
	assert_string_equal(p.env[1], "FOO=over");
	assert_string_equal(p.env[2], "HOME=/root");
	assert_string_equal(p.env[3], "NEW=1");
	assert_null(p.env[4]);
	assert_string_equal(p.cwd, "/tmp/y");
	assert_int_equal(p.uid, 0);
	assert_int_equal(p.gid, 0);
	assert_int_equal(p.nr_groups, 1);
	run_spec_free(&p);

	/* a HOME of the request wins over the user's */
	r = (struct run_exec_req){ .args = args_ls, .env = henv, .user = "app" };
	assert_int_equal(run_exec_process(&r, &w, rootfd, &p, err, sizeof(err)), 0);
	assert_string_equal(p.env[2], "HOME=/h");
	assert_int_equal(p.uid, 1000);
	assert_int_equal(p.nr_groups, 2);
	run_spec_free(&p);

	/* a uid without an entry: gid 0, HOME / */
	r = (struct run_exec_req){ .args = args_ls, .user = "4242:7" };
	assert_int_equal(run_exec_process(&r, &w, rootfd, &p, err, sizeof(err)), 0);
	assert_int_equal(p.uid, 4242);
	assert_int_equal(p.gid, 7);
	assert_string_equal(p.env[2], "HOME=/");
	run_spec_free(&p);

	/* an instance without a workload: root, /, PATH, HOME */
	r = (struct run_exec_req){ .args = args_ls };
	assert_int_equal(run_exec_process(&r, NULL, rootfd, &p, err, sizeof(err)), 0);
	assert_string_equal(p.env[0], "PATH=" RUN_DEFAULT_PATH);
	assert_string_equal(p.env[1], "HOME=/root");
	assert_null(p.env[2]);
	assert_string_equal(p.cwd, "/");
	assert_int_equal(p.uid, 0);
	assert_int_equal(p.nr_rlimits, 0);
	run_spec_free(&p);

	/* unknown names */
	r.user = "nobody";
	assert_int_equal(run_exec_process(&r, &w, rootfd, &p, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "user nobody not found"));
	assert_null(p.args);
	r.user = "app:nogroup";
	assert_int_equal(run_exec_process(&r, NULL, rootfd, &p, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "group nogroup not found"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request_round_trip),
		cmocka_unit_test(test_request_not_encoded),
		cmocka_unit_test(test_request_header),
		cmocka_unit_test(test_request_refused),
		cmocka_unit_test(test_frames),
		cmocka_unit_test(test_frames_refused),
		cmocka_unit_test(test_frames_truncated),
		cmocka_unit_test(test_process),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
