// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the string logic of lib/image/: member names made clean
 * or refused, whiteout markers, digests, image source names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "image/internal.h"

static char err[IMAGE_ERR_MAX];

static void clean_ok(const char *in, const char *want)
{
	char out[256];

	err[0] = '\0';
	if (img_path_clean(in, out, sizeof(out), err, sizeof(err)))
		fail_msg("'%s' refused: %s", in, err);
	assert_string_equal(out, want);
}

static void clean_bad(const char *in, const char *why)
{
	char out[256];

	assert_int_equal(img_path_clean(in, out, sizeof(out), err, sizeof(err)), -1);
	assert_non_null(strstr(err, why));
}

static void test_clean_accepts(void **state)
{
	clean_ok("etc/passwd", "etc/passwd");
	clean_ok("./etc/passwd", "etc/passwd");
	clean_ok("usr//bin/", "usr/bin");
	clean_ok("a/./b/.", "a/b");
	clean_ok("/", "");
	clean_ok("./", "");
	clean_ok(".", "");
	clean_ok("..a/b..", "..a/b..");
	clean_ok("a/...", "a/...");
}

static void test_clean_refuses(void **state)
{
	clean_bad("../x", "'..' is not allowed");
	clean_bad("a/../../x", "'..' is not allowed");
	clean_bad("a/..", "'..' is not allowed");
	clean_bad("./..", "'..' is not allowed");
	clean_bad("/etc/passwd", "absolute paths are not allowed");
	clean_bad("//etc", "absolute paths are not allowed");
}

static void test_clean_too_long(void **state)
{
	char in[300], out[16];

	memset(in, 'a', sizeof(in) - 1);
	in[sizeof(in) - 1] = '\0';
	assert_int_equal(img_path_clean(in, out, sizeof(out), err, sizeof(err)), -1);
	assert_non_null(strstr(err, "name too long"));
	assert_int_equal(img_path_clean("abcdefghijklmno", out, sizeof(out), err,
					sizeof(err)), 0);
	assert_int_equal(img_path_clean("abcdefghijklmnop", out, sizeof(out), err,
					sizeof(err)), -1);
}

static void test_whiteout_kind(void **state)
{
	const char *name = NULL;

	assert_int_equal(img_whiteout_kind("passwd", &name), IMG_WH_NONE);
	assert_int_equal(img_whiteout_kind(".whatever", &name), IMG_WH_NONE);
	assert_int_equal(img_whiteout_kind(".wh..wh..opq", &name), IMG_WH_OPAQUE);
	assert_int_equal(img_whiteout_kind(".wh..wh.plnk", &name), IMG_WH_META);
	assert_int_equal(img_whiteout_kind(".wh.passwd", &name), IMG_WH_FILE);
	assert_string_equal(name, "passwd");
	assert_int_equal(img_whiteout_kind(".wh.", &name), IMG_WH_FILE);
	assert_string_equal(name, "");
}

static void test_path_split(void **state)
{
	char a[] = "usr/bin/env", b[] = "etc";
	const char *parent, *base;

	img_path_split(a, &parent, &base);
	assert_string_equal(parent, "usr/bin");
	assert_string_equal(base, "env");
	img_path_split(b, &parent, &base);
	assert_string_equal(parent, "");
	assert_string_equal(base, "etc");
}

static void test_digest_check(void **state)
{
	char good[80] = "sha256:", bad[80];

	memset(good + 7, 'a', 64);
	good[71] = '\0';
	assert_int_equal(img_digest_check(good, err, sizeof(err)), 0);
	assert_int_equal(img_digest_check("sha512:abc", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "only sha256"));
	snprintf(bad, sizeof(bad), "sha256:../../../../etc/passwd");
	assert_int_equal(img_digest_check(bad, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "invalid digest"));
	snprintf(bad, sizeof(bad), "%s", good);
	bad[10] = 'A';		/* uppercase */
	assert_int_equal(img_digest_check(bad, err, sizeof(err)), -1);
	snprintf(bad, sizeof(bad), "%sa", good);	/* 65 digits */
	assert_int_equal(img_digest_check(bad, err, sizeof(err)), -1);
	good[70] = '\0';				/* 63 digits */
	assert_int_equal(img_digest_check(good, err, sizeof(err)), -1);
}

static void source_ok(const char *s, const char *kind, const char *path,
		      const char *ref)
{
	char *k, *p, *r;

	if (img_source_parse(s, &k, &p, &r, err, sizeof(err)))
		fail_msg("'%s' refused: %s", s, err);
	assert_string_equal(k, kind);
	assert_string_equal(p, path);
	if (ref)
		assert_string_equal(r, ref);
	else
		assert_null(r);
	free(k);
	free(p);
	free(r);
}

static void source_bad(const char *s, const char *why)
{
	char *k, *p, *r;

	assert_int_equal(img_source_parse(s, &k, &p, &r, err, sizeof(err)), -1);
	assert_null(k);
	assert_non_null(strstr(err, why));
}

static void test_source_parse(void **state)
{
	source_ok("oci:/srv/img", "oci", "/srv/img", NULL);
	source_ok("oci:img:v1", "oci", "img", "v1");
	source_ok("docker-archive:a.tar", "docker-archive", "a.tar", NULL);
	source_ok("docker-archive:a.tar:busybox:latest", "docker-archive",
		  "a.tar", "busybox:latest");
	source_bad("docker://busybox", "unknown image source");
	source_bad("/srv/img", "unknown image source");
	source_bad("oci:", "names no directory");
	source_bad("oci::tag", "names no directory");
	source_bad("oci:dir:", "empty tag");
	source_bad("docker-archive:", "names no file");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean_accepts),
		cmocka_unit_test(test_clean_refuses),
		cmocka_unit_test(test_clean_too_long),
		cmocka_unit_test(test_whiteout_kind),
		cmocka_unit_test(test_path_split),
		cmocka_unit_test(test_digest_check),
		cmocka_unit_test(test_source_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
