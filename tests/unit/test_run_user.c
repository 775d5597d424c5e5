// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of lib/run/'s user resolution: every form of -u against a
 * fake image tree (its /etc/passwd and /etc/group), numbers without
 * entries, supplementary groups, the limits, and image files that must
 * not be read: symbolic links out of the tree, a fifo, a huge file.
 */
#include <fcntl.h>
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

#include "run/internal.h"

static char err[RUN_ERR_MAX];
static char tmp[] = "/tmp/test_run_user.XXXXXX";
static int rootfd = -1;		/* the good tree */
static int linkfd = -1;		/* etc/ files are links out of the tree */

static const char passwd[] =
	"root:x:0:0:root:/root:/bin/sh\n"
	"# a comment\n"
	"\n"
	"app:x:1000:1000:App:/home/app:/bin/sh\n"
	"nohome:x:1001:1001::\n"
	"broken:x:nan:1::/:\n"
	"huge:x:4294967295:1::/huge:\n"
	"short:x\n"
	"app:x:2000:2000:second app:/second:/bin/sh\n"
	"1234:x:3000:3000::/numeric-name:\n";

static const char group[] =
	"root:x:0:\n"
	"app:x:1000:\n"
	"staff:x:50:app,other\n"
	"wheel:x:10:other,app\n"
	"audio:x:29:\n"
	"rootish:x:77:root\n"
	"badgid:x:nan:app\n";

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static int setup(void **state)
{
	char path[256];

	if (!mkdtemp(tmp))
		return -1;
	snprintf(path, sizeof(path), "%s/good", tmp);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/good/etc", tmp);
	mkdir(path, 0755);
	write_file(path, "passwd", passwd);
	write_file(path, "group", group);
	snprintf(path, sizeof(path), "%s/good", tmp);
	rootfd = open(path, O_RDONLY | O_DIRECTORY);

	/* Links that would reach the host's files if followed naively. */
	snprintf(path, sizeof(path), "%s/links", tmp);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/links/etc", tmp);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/links/etc/group", tmp);
	if (symlink("/etc/group", path))
		return -1;
	snprintf(path, sizeof(path), "%s/links/etc/passwd", tmp);
	if (symlink("../../../../../../etc/passwd", path))
		return -1;
	snprintf(path, sizeof(path), "%s/links", tmp);
	linkfd = open(path, O_RDONLY | O_DIRECTORY);
	return rootfd < 0 || linkfd < 0 ? -1 : 0;
}

static int teardown(void **state)
{
	char cmd[300];

	close(rootfd);
	close(linkfd);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	return system(cmd) ? -1 : 0;
}

static struct run_user u;

static void ok(const char *spec, int fd, uint32_t uid, uint32_t gid,
	       const char *home, const uint32_t *groups, size_t nr)
{
	size_t i;

	err[0] = '\0';
	if (run_user_resolve(spec, fd, &u, err, sizeof(err)))
		fail_msg("'%s': %s", spec ? spec : "(null)", err);
	assert_int_equal(u.uid, uid);
	assert_int_equal(u.gid, gid);
	assert_string_equal(u.home, home);
	assert_int_equal(u.nr_groups, nr);
	for (i = 0; i < nr; i++)
		assert_int_equal(u.groups[i], groups[i]);
	run_user_free(&u);
}

static void bad(const char *spec, int fd, const char *msg)
{
	err[0] = '\0';
	assert_int_equal(run_user_resolve(spec, fd, &u, err, sizeof(err)), -1);
	if (!strstr(err, msg))
		fail_msg("'%s': got '%s', want '%s'", spec, err, msg);
	assert_null(u.groups);
	assert_null(u.home);
}

#define G(...) (const uint32_t[]){ __VA_ARGS__ }, sizeof((const uint32_t[]){ __VA_ARGS__ }) / sizeof(uint32_t)

static void test_default_is_root(void **state)
{
	ok(NULL, rootfd, 0, 0, "/root", G(0, 77));
	ok("", rootfd, 0, 0, "/root", G(0, 77));
	ok(NULL, -1, 0, 0, "/", G(0));
}

static void test_name(void **state)
{
	/* The first entry of a name wins; memberships by name, in file order. */
	ok("app", rootfd, 1000, 1000, "/home/app", G(1000, 50, 10));
	ok("nohome", rootfd, 1001, 1001, "/", G(1001));
	bad("nobody", rootfd, "user nobody not found in the image's /etc/passwd");
	bad("app", -1, "user app: cannot read the image's /etc/passwd: there is no image tree");
}

static void test_uid(void **state)
{
	ok("1000", rootfd, 1000, 1000, "/home/app", G(1000, 50, 10));
	ok("0", rootfd, 0, 0, "/root", G(0, 77));
	/* No entry: gid 0, HOME "/", no memberships. */
	ok("4242", rootfd, 4242, 0, "/", G(0));
	ok("4242", -1, 4242, 0, "/", G(0));
	ok("4294967294", rootfd, 4294967294u, 0, "/", G(0));
	/* A number matches uids, never names. */
	ok("1234", rootfd, 1234, 0, "/", G(0));
	bad("4294967295", rootfd, "uid out of range");
	bad("99999999999999999999", rootfd, "uid out of range");
}

static void test_name_group(void **state)
{
	/* An explicit group replaces the gid and adds no memberships (runc). */
	ok("app:audio", rootfd, 1000, 29, "/home/app", G(29));
	ok("app:staff", rootfd, 1000, 50, "/home/app", G(50));
	bad("app:nogroup", rootfd, "group nogroup not found in the image's /etc/group");
	bad("app:badgid", rootfd, "group badgid not found");
}

static void test_numeric_forms(void **state)
{
	ok("1000:29", rootfd, 1000, 29, "/home/app", G(29));
	ok("app:29", rootfd, 1000, 29, "/home/app", G(29));
	ok("4242:4343", rootfd, 4242, 4343, "/", G(4343));
	ok("4242:4343", -1, 4242, 4343, "/", G(4343));
	ok("4242:wheel", rootfd, 4242, 10, "/", G(10));
	ok("app:", rootfd, 1000, 1000, "/home/app", G(1000, 50, 10));
	ok(":29", rootfd, 0, 29, "/root", G(29));
	bad("4242:wheel", -1, "group wheel: cannot read the image's /etc/group");
	bad("1:4294967295", rootfd, "gid out of range");
}

static void test_links_out_of_the_tree(void **state)
{
	/* RESOLVE_IN_ROOT: /etc/group -> /etc/group loops inside the tree. */
	bad("root", linkfd, "user root: cannot read the image's /etc/passwd:");
	bad("0:root", linkfd, "group root: cannot read the image's /etc/group:");
	ok("0", linkfd, 0, 0, "/", G(0));
}

static void test_link_inside_the_tree(void **state)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/inside", tmp);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/inside/real", tmp);
	mkdir(path, 0755);
	write_file(path, "passwd", "web:x:33:33::/var/www:\n");
	snprintf(path, sizeof(path), "%s/inside/etc", tmp);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/inside/etc/passwd", tmp);
	assert_int_equal(symlink("/real/passwd", path), 0);
	snprintf(path, sizeof(path), "%s/inside", tmp);
	fd = open(path, O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	ok("web", fd, 33, 33, "/var/www", G(33));
	close(fd);
}

static void test_odd_files(void **state)
{
	char path[256];
	FILE *f;
	int fd, i;

	snprintf(path, sizeof(path), "%s/odd", tmp);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/odd/etc", tmp);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/odd/etc/passwd", tmp);
	assert_int_equal(mkfifo(path, 0644), 0);
	snprintf(path, sizeof(path), "%s/odd/etc/group", tmp);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("big:x:5:\n", f);
	for (i = 0; i < (4 << 20) / 16; i++)
		fputs("#...............", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/odd", tmp);
	fd = open(path, O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	/* A fifo is not read (it would block): absent. */
	bad("app", fd, "user app: cannot read the image's /etc/passwd: not a regular file");
	ok("7", fd, 7, 0, "/", G(0));
	bad("7:big", fd, "group big: cannot read the image's /etc/group: larger than 4 MiB");
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_is_root),
		cmocka_unit_test(test_name),
		cmocka_unit_test(test_uid),
		cmocka_unit_test(test_name_group),
		cmocka_unit_test(test_numeric_forms),
		cmocka_unit_test(test_links_out_of_the_tree),
		cmocka_unit_test(test_link_inside_the_tree),
		cmocka_unit_test(test_odd_files),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
