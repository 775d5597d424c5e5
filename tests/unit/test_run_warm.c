// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the warm hand-over's wire format (lib/run/warm.c): a
 * header encodes and decodes; wrong magic and lengths over the limit are
 * refused; the instance's answers are told apart, and anything else it
 * might write (no newline, two lines, too long, control bytes in a
 * reason, an unknown word) is refused or made printable.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "run/run.h"
#include "run/warm.h"

static char err[RUN_ERR_MAX];

static void test_header(void **state)
{
	static const uint32_t lens[] = { 0, 1, 255, 256, 65535, RUN_JSON_MAX };
	unsigned char hdr[RUN_WARM_HDR];
	uint32_t len;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		run_warm_header(lens[i], hdr);
		assert_memory_equal(hdr, "CWRM", 4);
		len = 12345;
		assert_int_equal(run_warm_parse_header(hdr, &len, err,
						       sizeof(err)), 0);
		assert_int_equal(len, lens[i]);
	}
	/* little-endian on the wire, whatever the host */
	run_warm_header(0x00010203, hdr);
	assert_int_equal(hdr[4], 3);
	assert_int_equal(hdr[7], 0);
}

static void test_header_refused(void **state)
{
	unsigned char hdr[RUN_WARM_HDR];
	uint32_t len = 7;

	(void)state;
	run_warm_header(RUN_JSON_MAX + 1, hdr);
	assert_int_equal(run_warm_parse_header(hdr, &len, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "at most"));
	assert_int_equal(len, 7);
	memcpy(hdr, "\xff\xff\xff\xff\xff\xff\xff\xff", 8);
	assert_int_equal(run_warm_parse_header(hdr, &len, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "bad magic"));
	run_warm_header(10, hdr);
	hdr[3] = 'X';
	assert_int_equal(run_warm_parse_header(hdr, &len, err, sizeof(err)), -1);
	assert_int_equal(len, 7);
}

static int reply(const char *s, size_t n, enum run_warm_reply *r)
{
	return run_warm_parse_reply(s, n, r, err, sizeof(err));
}

static void test_replies(void **state)
{
	enum run_warm_reply r;

	(void)state;
	assert_int_equal(reply("ready\n", 6, &r), 0);
	assert_int_equal(r, RUN_WARM_READY);
	assert_int_equal(reply("ok\n", 3, &r), 0);
	assert_int_equal(r, RUN_WARM_OK);
	assert_int_equal(reply("error: no such user\n", 20, &r), 0);
	assert_int_equal(r, RUN_WARM_ERROR);
	assert_string_equal(err, "no such user");
	/* a reason with control bytes comes back printable */
	assert_int_equal(reply("error: a\033[2Jb\x01\n", 15, &r), 0);
	assert_string_equal(err, "a?[2Jb?");
}

static void test_replies_refused(void **state)
{
	static const char *const bad[] = {
		"", "ok", "ok\nok\n", "OK\n", "ready \n", "error:\n",
		"error: \n", "error x\n", "hello\n", "ok\0\n",
	};
	static const size_t lens[] = { 0, 2, 6, 3, 7, 7, 8, 8, 6, 4 };
	char big[RUN_WARM_REPLY_MAX + 2];
	enum run_warm_reply r;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(reply(bad[i], lens[i], &r), -1);
		assert_true(err[0]);
	}
	memcpy(big, "error: ", 7);
	memset(big + 7, 'x', sizeof(big) - 8);
	big[sizeof(big) - 1] = '\n';
	assert_int_equal(reply(big, sizeof(big), &r), -1);
	assert_int_equal(reply(big, RUN_WARM_REPLY_MAX + 1, &r), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_header_refused),
		cmocka_unit_test(test_replies),
		cmocka_unit_test(test_replies_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
