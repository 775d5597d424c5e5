// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of layer application (lib/image/unpack.c, tree.c) and blob
 * verification (blob.c): layers are written in memory with libarchive,
 * applied into a temporary directory, and the result looked at with
 * stat().  The hostile cases check that nothing appears outside the
 * target; the digest is checked against sha256sum(1) in the same run.
 */
#include <errno.h>
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

#include <archive.h>
#include <archive_entry.h>

#include "image/internal.h"

static char err[IMAGE_ERR_MAX];
static char top[64];		/* holds root/ and outside/ */
static int rootfd = -1;

/* A layer being written. */
struct layer {
	struct archive *a;
	char buf[1 << 20];
	size_t used;
};

static struct layer *layer_new(void)
{
	struct layer *l = calloc(1, sizeof(*l));

	assert_non_null(l);
	l->a = archive_write_new();
	archive_write_set_format_pax_restricted(l->a);
	assert_int_equal(archive_write_open_memory(l->a, l->buf, sizeof(l->buf),
						   &l->used), ARCHIVE_OK);
	return l;
}

static void add(struct layer *l, const char *path, mode_t type, mode_t perm,
		const char *data, const char *link, bool hard)
{
	struct archive_entry *e = archive_entry_new();

	archive_entry_set_pathname(e, path);
	archive_entry_set_filetype(e, type);
	archive_entry_set_perm(e, perm);
	archive_entry_set_mtime(e, 1000000000, 0);
	archive_entry_set_uid(e, 0);
	archive_entry_set_gid(e, 0);
	if (link && hard)
		archive_entry_set_hardlink(e, link);
	else if (link)
		archive_entry_set_symlink(e, link);
	archive_entry_set_size(e, data ? strlen(data) : 0);
	assert_int_equal(archive_write_header(l->a, e), ARCHIVE_OK);
	if (data)
		assert_int_equal(archive_write_data(l->a, data, strlen(data)),
				 (ssize_t)strlen(data));
	archive_entry_free(e);
}

#define FILE_(l, p, d)	add(l, p, AE_IFREG, 0644, d, NULL, false)
#define DIR_(l, p)	add(l, p, AE_IFDIR, 0755, NULL, NULL, false)
#define LINK_(l, p, t)	add(l, p, AE_IFLNK, 0777, NULL, t, false)
#define HARD_(l, p, t)	add(l, p, AE_IFREG, 0644, NULL, t, true)

/* Close @l and apply it; the return value of img_apply_layer(). */
static int apply_opts(struct layer *l, const struct image_unpack_opts *o,
		      struct image_unpack_stats *st)
{
	struct image_unpack_stats local;
	struct img_unpack *u;
	struct archive *r;
	int ret;

	assert_int_equal(archive_write_close(l->a), ARCHIVE_OK);
	archive_write_free(l->a);
	r = archive_read_new();
	archive_read_support_format_tar(r);
	assert_int_equal(archive_read_open_memory(r, l->buf, l->used), ARCHIVE_OK);
	memset(&local, 0, sizeof(local));
	u = img_unpack_new(o, st ? st : &local, err, sizeof(err));
	assert_non_null(u);
	err[0] = '\0';
	ret = img_apply_layer(u, r, rootfd, err, sizeof(err));
	img_unpack_free(u);
	archive_read_free(r);
	free(l);
	return ret;
}

static int apply(struct layer *l)
{
	return apply_opts(l, NULL, NULL);
}

/* @l must be refused with a message holding @why. */
static void refused(struct layer *l, const char *why)
{
	assert_int_equal(apply(l), -1);
	if (!strstr(err, why))
		fail_msg("message '%s' lacks '%s'", err, why);
}

static mode_t type_of(const char *rel)
{
	struct stat st;

	if (fstatat(rootfd, rel, &st, AT_SYMLINK_NOFOLLOW))
		return 0;
	return st.st_mode & S_IFMT;
}

static int outside_count(void)
{
	char cmd[128];
	FILE *p;
	int n = -1;

	snprintf(cmd, sizeof(cmd), "find %s/outside -mindepth 1 | wc -l", top);
	p = popen(cmd, "r");
	assert_non_null(p);
	assert_int_equal(fscanf(p, "%d", &n), 1);
	pclose(p);
	return n;
}

static int setup(void **state)
{
	char path[128];

	snprintf(top, sizeof(top), "/tmp/test_image.XXXXXX");
	if (!mkdtemp(top))
		return -1;
	snprintf(path, sizeof(path), "%s/root", top);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/outside", top);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/root", top);
	rootfd = open(path, O_RDONLY | O_DIRECTORY);
	return rootfd < 0 ? -1 : 0;
}

static int teardown(void **state)
{
	char cmd[128];

	close(rootfd);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", top);
	return system(cmd) ? -1 : 0;
}

static void test_basic_types(void **state)
{
	struct layer *l = layer_new();
	struct stat a, b;

	DIR_(l, "etc");
	FILE_(l, "etc/passwd", "root:x:0:0::/root:/bin/sh\n");
	LINK_(l, "etc/link", "/etc/passwd");
	HARD_(l, "etc/hard", "etc/passwd");
	add(l, "run/fifo", AE_IFIFO, 0600, NULL, NULL, false);
	add(l, "bin/tool", AE_IFREG, 04755, "x", NULL, false);
	assert_int_equal(apply(l), 0);
	assert_int_equal(type_of("etc/passwd"), S_IFREG);
	assert_int_equal(type_of("etc/link"), S_IFLNK);
	assert_int_equal(type_of("run/fifo"), S_IFIFO);
	assert_int_equal(fstatat(rootfd, "etc/passwd", &a, 0), 0);
	assert_int_equal(fstatat(rootfd, "etc/hard", &b, AT_SYMLINK_NOFOLLOW), 0);
	assert_int_equal(a.st_ino, b.st_ino);
	assert_int_equal(a.st_nlink, 2);
	assert_int_equal(a.st_size, 26);
	assert_int_equal(a.st_mtime, 1000000000);
	assert_int_equal(fstatat(rootfd, "bin/tool", &a, 0), 0);
	assert_int_equal(a.st_mode & 07777, 04755);
	assert_int_equal(fstatat(rootfd, "bin", &a, 0), 0);	/* implied parent */
	assert_int_equal(a.st_mode & 07777, 0755);
}

static void test_whiteouts(void **state)
{
	struct layer *l = layer_new();

	FILE_(l, "a/keep", "1");
	FILE_(l, "a/gone", "2");
	FILE_(l, "d/sub/x", "3");
	FILE_(l, "o/lower", "4");
	FILE_(l, "f", "5");
	assert_int_equal(apply(l), 0);

	l = layer_new();
	FILE_(l, "a/.wh.gone", NULL);
	FILE_(l, ".wh.d", NULL);
	FILE_(l, "a/.wh.never-existed", NULL);
	DIR_(l, "o");
	FILE_(l, "o/.wh..wh..opq", NULL);
	FILE_(l, "o/upper", "6");
	DIR_(l, "f");			/* a file becomes a directory */
	FILE_(l, "f/inside", "7");
	assert_int_equal(apply(l), 0);
	assert_int_equal(type_of("a/keep"), S_IFREG);
	assert_int_equal(type_of("a/gone"), 0);
	assert_int_equal(type_of("a/.wh.gone"), 0);
	assert_int_equal(type_of("d"), 0);
	assert_int_equal(type_of("o/lower"), 0);
	assert_int_equal(type_of("o/upper"), S_IFREG);
	assert_int_equal(type_of("o/.wh..wh..opq"), 0);
	assert_int_equal(type_of("f"), S_IFDIR);
	assert_int_equal(type_of("f/inside"), S_IFREG);

	l = layer_new();
	FILE_(l, "f", "8");		/* and back */
	assert_int_equal(apply(l), 0);
	assert_int_equal(type_of("f"), S_IFREG);
}

/* A whiteout or opaque marker hides lower layers only, not its own. */
static void test_whiteout_same_layer(void **state)
{
	struct layer *l = layer_new();

	FILE_(l, "o/lower", "1");
	assert_int_equal(apply(l), 0);
	l = layer_new();
	FILE_(l, "o/new", "2");
	FILE_(l, "o/.wh..wh..opq", NULL);
	FILE_(l, "x", "3");
	FILE_(l, ".wh.x", NULL);
	assert_int_equal(apply(l), 0);
	assert_int_equal(type_of("o/lower"), 0);
	assert_int_equal(type_of("o/new"), S_IFREG);
	assert_int_equal(type_of("x"), S_IFREG);
}

static void test_refuses_dotdot_and_absolute(void **state)
{
	struct layer *l = layer_new();

	FILE_(l, "../escaped", "x");
	refused(l, "member '../escaped': '..' is not allowed");
	l = layer_new();
	FILE_(l, "/etc/escaped", "x");
	refused(l, "absolute paths are not allowed");
	l = layer_new();
	FILE_(l, ".wh...", NULL);
	refused(l, "invalid name");
	assert_int_equal(outside_count(), 0);
}

static void test_refuses_write_through_symlink(void **state)
{
	char target[128];
	struct layer *l = layer_new();

	snprintf(target, sizeof(target), "%s/outside", top);
	LINK_(l, "a", target);
	FILE_(l, "a/passwd", "owned");
	refused(l, "'a' is a symbolic link");
	assert_int_equal(outside_count(), 0);

	/* Relative, through "..", and in a later layer. */
	l = layer_new();
	LINK_(l, "b", "../outside");
	assert_int_equal(apply(l), 0);
	l = layer_new();
	FILE_(l, "b/x", "owned");
	assert_int_equal(apply(l), -1);
	assert_int_equal(outside_count(), 0);

	/* A whiteout through a link deletes nothing outside. */
	snprintf(target, sizeof(target), "%s/outside/victim", top);
	close(open(target, O_CREAT | O_WRONLY, 0644));
	l = layer_new();
	FILE_(l, "b/.wh.victim", NULL);
	assert_int_equal(apply(l), -1);
	assert_int_equal(outside_count(), 1);
	/* Replacing the link itself is fine, and never follows it. */
	l = layer_new();
	FILE_(l, "b", "now a file");
	assert_int_equal(apply(l), 0);
	assert_int_equal(type_of("b"), S_IFREG);
	assert_int_equal(outside_count(), 1);
}

static void test_hardlink_targets(void **state)
{
	char target[128];
	struct layer *l;

	snprintf(target, sizeof(target), "%s/outside/secret", top);
	close(open(target, O_CREAT | O_WRONLY, 0644));
	l = layer_new();
	HARD_(l, "h", "../outside/secret");
	refused(l, "'..' is not allowed");
	l = layer_new();
	HARD_(l, "h", target);
	refused(l, "absolute paths");
	l = layer_new();
	LINK_(l, "s", "../outside");
	HARD_(l, "h", "s/secret");
	refused(l, "is a symbolic link");
	l = layer_new();
	HARD_(l, "h", "missing");
	refused(l, "does not exist");
	assert_int_equal(type_of("h"), 0);
	/* A hard link to a symlink links the symlink, not what it names. */
	l = layer_new();
	HARD_(l, "h", "s");
	assert_int_equal(apply(l), 0);
	assert_int_equal(type_of("h"), S_IFLNK);
}

static void test_entry_limit(void **state)
{
	struct image_unpack_opts o = { .max_entries = 5 };
	struct image_unpack_stats st = { 0 };
	struct layer *l = layer_new();
	char name[16];
	int i;

	for (i = 0; i < 10; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		FILE_(l, name, "x");
	}
	assert_int_equal(apply_opts(l, &o, &st), -1);
	assert_non_null(strstr(err, "more than 5 entries"));
	assert_int_equal(type_of("f4"), S_IFREG);
	assert_int_equal(type_of("f5"), 0);
}

static void test_clear_dir_keeps_outside(void **state)
{
	static char deep[2 * 1100];
	char target[128];
	struct layer *l = layer_new();
	int i;

	snprintf(target, sizeof(target), "%s/outside/keep", top);
	close(open(target, O_CREAT | O_WRONLY, 0644));
	snprintf(target, sizeof(target), "%s/outside", top);
	LINK_(l, "out", target);
	/* Deeper than the default limit of open files. */
	deep[0] = 'd';
	for (i = 1; i < 1100; i++)
		memcpy(deep + 2 * i - 1, "/d", 2);
	DIR_(l, deep);
	add(l, "ro", AE_IFDIR, 0555, NULL, NULL, false);
	FILE_(l, "ro/f", "x");
	assert_int_equal(apply(l), 0);
	assert_int_equal(image_clear_dir(rootfd, err, sizeof(err)), 0);
	assert_int_equal(type_of("out"), 0);
	assert_int_equal(type_of("d"), 0);
	assert_int_equal(outside_count(), 1);
	assert_int_equal(image_remove_tree(rootfd, "nothing", err, sizeof(err)), 0);
}

/* sha256 of @data by sha256sum(1), the reference. */
static void reference_digest(const char *data, char *digest)
{
	char path[128], cmd[192], hex[65];
	FILE *f, *p;

	snprintf(path, sizeof(path), "%s/blob", top);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(data, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "sha256sum %s", path);
	p = popen(cmd, "r");
	assert_non_null(p);
	assert_int_equal(fscanf(p, "%64s", hex), 1);
	pclose(p);
	snprintf(digest, IMG_DIGEST_LEN + 1, "sha256:%s", hex);
}

static int check_blob(const char *data, const char *digest, int64_t size)
{
	struct img_blob *b = malloc(sizeof(*b));
	char path[128];
	int ret;

	assert_non_null(b);
	snprintf(path, sizeof(path), "%s/blob", top);
	img_blob_init(b, "blob", digest, size);
	b->fd = open(path, O_RDONLY);
	assert_true(b->fd >= 0);
	err[0] = '\0';
	ret = img_blob_finish(b, err, sizeof(err));
	img_blob_close(b);
	free(b);
	(void)data;
	return ret;
}

static void test_blob_verification(void **state)
{
	const char *data = "{\"schemaVersion\":2}";
	char digest[IMG_DIGEST_LEN + 1], other[IMG_DIGEST_LEN + 1];
	int64_t n = strlen(data);

	reference_digest(data, digest);
	assert_int_equal(check_blob(data, digest, n), 0);
	assert_int_equal(check_blob(data, digest, -1), 0);
	assert_int_equal(check_blob(data, digest, n - 1), -1);
	assert_non_null(strstr(err, "larger than its declared size"));
	assert_int_equal(check_blob(data, digest, n + 1), -1);
	assert_non_null(strstr(err, "its descriptor says"));
	snprintf(other, sizeof(other), "%s", digest);
	other[20] = other[20] == '0' ? '1' : '0';
	assert_int_equal(check_blob(data, other, n), -1);
	assert_non_null(strstr(err, "digest mismatch"));
	assert_non_null(strstr(err, digest));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_basic_types, setup, teardown),
		cmocka_unit_test_setup_teardown(test_whiteouts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_whiteout_same_layer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refuses_dotdot_and_absolute, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refuses_write_through_symlink, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hardlink_targets, setup, teardown),
		cmocka_unit_test_setup_teardown(test_entry_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clear_dir_keeps_outside, setup, teardown),
		cmocka_unit_test_setup_teardown(test_blob_verification, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
