// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of lib/run/'s decisions: args from Entrypoint, Cmd,
 * --entrypoint and COMMAND; the environment merge and its defaults; the
 * working directory; -u through run_spec_make(); --env-file parsing;
 * volumes (-v): copied, targets normalised, the bad ones refused.
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
static char tmp[] = "/tmp/test_run_spec.XXXXXX";
static int rootfd = -1;
static struct run_spec spec;

#define V(...) ((char *[]){ __VA_ARGS__, NULL })
#define EMPTY ((char *[]){ NULL })

static void write_file(const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmp, name);
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
	snprintf(path, sizeof(path), "%s/etc", tmp);
	mkdir(path, 0755);
	write_file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n"
		   "app:x:1000:1000::/home/app:/bin/sh\n");
	write_file("etc/group", "root:x:0:\nstaff:x:50:app\n");
	rootfd = open(tmp, O_RDONLY | O_DIRECTORY);
	return rootfd < 0 ? -1 : 0;
}

static int teardown(void **state)
{
	char cmd[300];

	close(rootfd);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	return system(cmd) ? -1 : 0;
}

static void assert_strv(char **got, char **want)
{
	size_t i;

	for (i = 0; want[i]; i++) {
		if (!got[i])
			fail_msg("entry %zu missing, want '%s'", i, want[i]);
		assert_string_equal(got[i], want[i]);
	}
	if (got[i])
		fail_msg("extra entry %zu '%s'", i, got[i]);
}

static void make(const struct image_config *c, const struct run_overrides *o)
{
	err[0] = '\0';
	if (run_spec_make(c, rootfd, o, &spec, err, sizeof(err)))
		fail_msg("run_spec_make: %s", err);
}

static void make_bad(const struct image_config *c,
		     const struct run_overrides *o, const char *msg)
{
	err[0] = '\0';
	assert_int_equal(run_spec_make(c, rootfd, o, &spec, err, sizeof(err)), -1);
	if (!strstr(err, msg))
		fail_msg("got '%s', want '%s'", err, msg);
	assert_null(spec.args);
	assert_null(spec.env);
	assert_null(spec.mounts);
	assert_int_equal(spec.nr_mounts, 0);
}

static void args_are(const struct image_config *c,
		     const struct run_overrides *o, char **want)
{
	make(c, o);
	assert_strv(spec.args, want);
	run_spec_free(&spec);
}

static void test_args(void **state)
{
	struct image_config c = { .entrypoint = V("/ep", "-x"), .cmd = V("c1", "c2") };
	struct image_config cmd_only = { .cmd = V("/bin/sh") };
	struct image_config none = { 0 };
	struct run_overrides o = { 0 };

	args_are(&c, NULL, V("/ep", "-x", "c1", "c2"));
	/* COMMAND replaces Cmd, keeps Entrypoint. */
	o.cmd = V("u1");
	args_are(&c, &o, V("/ep", "-x", "u1"));
	/* --entrypoint drops the image's Cmd... */
	o = (struct run_overrides){ .entrypoint = V("/new"), .entrypoint_set = true };
	args_are(&c, &o, V("/new"));
	o.cmd = V("u1", "u2");
	args_are(&c, &o, V("/new", "u1", "u2"));
	/* ...but --entrypoint "" only clears the Entrypoint (moby's merge). */
	o = (struct run_overrides){ .entrypoint = EMPTY, .entrypoint_set = true };
	args_are(&c, &o, V("c1", "c2"));
	o.cmd = V("/bin/true");
	args_are(&c, &o, V("/bin/true"));
	/* An empty COMMAND is no COMMAND. */
	o = (struct run_overrides){ .cmd = EMPTY };
	args_are(&cmd_only, &o, V("/bin/sh"));
	args_are(&cmd_only, NULL, V("/bin/sh"));
	o.cmd = V("ls", "-l");
	args_are(&none, &o, V("ls", "-l"));
	make_bad(&none, NULL, "no command: the image has no Entrypoint or Cmd and none was given");
	o = (struct run_overrides){ .entrypoint = EMPTY, .entrypoint_set = true };
	make_bad(&none, &o, "no command");
	o = (struct run_overrides){ .entrypoint = EMPTY, .entrypoint_set = true };
	struct image_config ep_only = { .entrypoint = V("/ep") };
	make_bad(&ep_only, &o, "no command");
	o.cmd = V("");
	make_bad(&ep_only, &o, "args[0] is \"\"");
}

static void env_is(const struct image_config *c,
		   const struct run_overrides *o, char **want)
{
	make(c, o);
	assert_strv(spec.env, want);
	run_spec_free(&spec);
}

#define DPATH "PATH=" RUN_DEFAULT_PATH

static void test_env(void **state)
{
	struct image_config c = { .env = V("A=1", "PATH=/bin", "B=2", "A=3"),
				  .cmd = V("x") };
	struct image_config bare = { .cmd = V("x"), .user = "app" };
	struct run_overrides o = { 0 };

	/* A repeated NAME in the image replaces in place. */
	env_is(&c, NULL, V("A=3", "PATH=/bin", "B=2", "HOME=/root"));
	o.env = V("B=two", "C=3", "A=", "C=4=5");
	env_is(&c, &o, V("A=", "PATH=/bin", "B=two", "C=4=5", "HOME=/root"));
	/* Defaults: PATH, HOSTNAME, TERM, HOME, each only when missing. */
	o = (struct run_overrides){ .hostname = "web", .terminal = true };
	env_is(&bare, &o, V(DPATH, "HOSTNAME=web", "TERM=xterm", "HOME=/home/app"));
	o.env = V("HOME=/h", "TERM=vt100", "HOSTNAME=mine", "PATH=/p");
	env_is(&bare, &o, V("HOME=/h", "TERM=vt100", "HOSTNAME=mine", "PATH=/p"));
	/* -e NAME: from our environment, dropped when unset there. */
	setenv("TEST_RUN_SET", "from here", 1);
	unsetenv("TEST_RUN_UNSET");
	o = (struct run_overrides){ .env = V("TEST_RUN_SET", "TEST_RUN_UNSET") };
	env_is(&bare, &o, V("TEST_RUN_SET=from here", DPATH, "HOME=/home/app"));
	/* Values may hold anything. */
	o.env = V("X=a b\n\"c\"\t=");
	env_is(&bare, &o, V("X=a b\n\"c\"\t=", DPATH, "HOME=/home/app"));

	o.env = V("=v");
	make_bad(&bare, &o, "-e '=v': the variable name is empty");
	o.env = V("");
	make_bad(&bare, &o, "the variable name is empty");
	c.env = V("A=1", "NOVALUE");
	make_bad(&c, NULL, "image config: Env: 'NOVALUE' is not NAME=value");
	c.env = V("=1");
	make_bad(&c, NULL, "image config: Env: '=1' has an empty variable name");
}

static void cwd_is(const char *image, const char *w, const char *want)
{
	struct image_config c = { .cmd = V("x"), .working_dir = (char *)image };
	struct run_overrides o = { .workdir = w };

	make(&c, &o);
	assert_string_equal(spec.cwd, want);
	run_spec_free(&spec);
}

static void test_cwd(void **state)
{
	struct image_config c = { .cmd = V("x") };
	struct run_overrides o = { .workdir = "rel" };

	cwd_is(NULL, NULL, "/");
	cwd_is("/srv", NULL, "/srv");
	cwd_is("srv/app", NULL, "/srv/app");
	cwd_is("./srv//app/./", NULL, "/srv/app");
	cwd_is("/a/b/../../../c/..", NULL, "/");
	cwd_is("/a/../b/c/../d", NULL, "/b/d");
	cwd_is("..", NULL, "/");
	cwd_is("/srv", "/w", "/w");
	cwd_is("/srv", "//w/x/..", "/w");
	cwd_is("/srv", "", "/srv");	/* -w "": not given, like docker */
	make_bad(&c, &o, "-w rel: the working directory must be an absolute path");
}

static void test_user(void **state)
{
	struct image_config c = { .cmd = V("x"), .user = "app" };
	struct run_overrides o = { .user = "0:50" };

	make(&c, NULL);
	assert_int_equal(spec.uid, 1000);
	assert_int_equal(spec.gid, 1000);
	assert_int_equal(spec.nr_groups, 2);
	assert_int_equal(spec.groups[0], 1000);
	assert_int_equal(spec.groups[1], 50);
	run_spec_free(&spec);
	/* -u wins over the image's User; "" is not given. */
	make(&c, &o);
	assert_int_equal(spec.uid, 0);
	assert_int_equal(spec.gid, 50);
	assert_int_equal(spec.nr_groups, 1);
	run_spec_free(&spec);
	o.user = "";
	make(&c, &o);
	assert_int_equal(spec.uid, 1000);
	run_spec_free(&spec);
	o.user = "ghost";
	make_bad(&c, &o, "user ghost not found in the image's /etc/passwd");
	c.user = NULL;
	err[0] = '\0';
	assert_int_equal(run_spec_make(&c, -1, NULL, &spec, err, sizeof(err)), 0);
	assert_int_equal(spec.uid, 0);
	assert_strv(spec.env, V(DPATH, "HOME=/"));
	run_spec_free(&spec);
}

static void test_hostname_rootfs(void **state)
{
	struct image_config c = { .cmd = V("x") };
	struct run_overrides o = { .hostname = "web", .rootfs = "img-web" };

	make(&c, &o);
	assert_string_equal(spec.hostname, "web");
	assert_string_equal(spec.rootfs, "img-web");
	assert_false(spec.terminal);
	run_spec_free(&spec);
	o.rootfs = "../x";
	make_bad(&c, &o, "rootfs: invalid region name '../x'");
	o.rootfs = NULL;
	o.hostname = "";
	make_bad(&c, &o, "hostname: 1 to 64 characters");
}

static void test_limits(void **state)
{
	struct image_config c = { .cmd = calloc(RUN_MAX_ENTRIES + 2, sizeof(char *)) };
	size_t i;

	for (i = 0; i <= RUN_MAX_ENTRIES; i++)
		c.cmd[i] = "a";
	make_bad(&c, NULL, "4097 arguments: at most 4096 are allowed");
	free(c.cmd);
}

#define M(r, s, t, ro) ((struct run_mount){ (char *)(r), (char *)(s), (char *)(t), ro })

static void test_mounts(void **state)
{
	struct image_config c = { .cmd = V("x") };
	struct run_mount good[] = {
		M("shared", "www/data", "/data/", true),
		M("shared", "", "//srv/./a/../b", false),
		M("other.1", "x", "/srv/b/c", false),
	};
	static const struct { struct run_mount m; const char *msg; } bad[] = {
		{ M("shared", "../x", "/x", false), "mount 1: source '../x': '.' and '..' are not allowed" },
		{ M("shared", "a/../../x", "/x", false), "'.' and '..' are not allowed" },
		{ M("shared", "a/./x", "/x", false), "'.' and '..' are not allowed" },
		{ M("shared", ".", "/x", false), "'.' and '..' are not allowed" },
		{ M("shared", "/etc", "/x", false), "source '/etc' must be relative to the region's root" },
		{ M("shared", "a//b", "/x", false), "source 'a//b' has an empty component" },
		{ M("shared", "a/", "/x", false), "source 'a/' has an empty component" },
		{ M("shared", NULL, "/x", false), "mount 1: no source" },
		{ M("shared", "a", "rel", false), "mount 1: target 'rel' is not an absolute path" },
		{ M("shared", "a", "", false), "target '' is not an absolute path" },
		{ M("shared", "a", NULL, false), "target '' is not an absolute path" },
		{ M("shared", "a", "/", false), "target '/': a volume cannot replace the root" },
		{ M("shared", "a", "/x/..", false), "target '/': a volume cannot replace the root" },
		{ M("../x", "a", "/x", false), "mount 1: invalid region name '../x'" },
		{ M("a,phys=0", "a", "/x", false), "invalid region name" },
		{ M("", "a", "/x", false), "mount 1: the region name is empty" },
		{ M(NULL, "a", "/x", false), "the region name is empty" },
	};
	struct run_overrides o = { .mounts = good, .nr_mounts = 3 };
	struct run_mount many[RUN_MAX_MOUNTS + 1];
	char targets[RUN_MAX_MOUNTS + 1][16];
	size_t i;

	make(&c, &o);
	assert_int_equal(spec.nr_mounts, 3);
	assert_string_equal(spec.mounts[0].region, "shared");
	assert_string_equal(spec.mounts[0].source, "www/data");
	assert_string_equal(spec.mounts[0].target, "/data");
	assert_true(spec.mounts[0].readonly);
	assert_string_equal(spec.mounts[1].source, "");
	assert_string_equal(spec.mounts[1].target, "/srv/b");
	assert_false(spec.mounts[1].readonly);
	assert_string_equal(spec.mounts[2].region, "other.1");
	assert_string_equal(spec.mounts[2].target, "/srv/b/c");
	/* A deep copy: the caller's strings may go. */
	assert_ptr_not_equal(spec.mounts[0].region, good[0].region);
	assert_int_equal(run_spec_check(&spec, err, sizeof(err)), 0);
	/* run_spec_check() wants targets already normalised. */
	free(spec.mounts[2].target);
	spec.mounts[2].target = strdup("/srv/b/c/");
	assert_int_equal(run_spec_check(&spec, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "mount 3: target '/srv/b/c/' is not normalised"));
	run_spec_free(&spec);
	assert_null(spec.mounts);

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		o.mounts = &bad[i].m;
		o.nr_mounts = 1;
		make_bad(&c, &o, bad[i].msg);
	}
	/* The same target twice, once after normalisation. */
	good[2].target = "/data//";
	o.mounts = good;
	o.nr_mounts = 3;
	make_bad(&c, &o, "mount 3: target '/data' is already the target of mount 1");
	for (i = 0; i <= RUN_MAX_MOUNTS; i++) {
		snprintf(targets[i], sizeof(targets[i]), "/m%zu", i);
		many[i] = M("r", "", targets[i], false);
	}
	o.mounts = many;
	o.nr_mounts = RUN_MAX_MOUNTS;
	make(&c, &o);
	assert_int_equal(spec.nr_mounts, RUN_MAX_MOUNTS);
	run_spec_free(&spec);
	o.nr_mounts = RUN_MAX_MOUNTS + 1;
	make_bad(&c, &o, "33 mounts: at most 32 are allowed");
}

static int env_file(const char *text, char ***env)
{
	char path[300];

	write_file("env", text);
	snprintf(path, sizeof(path), "%s/env", tmp);
	err[0] = '\0';
	return run_env_file(path, env, err, sizeof(err));
}

static void test_env_file(void **state)
{
	char **env = NULL, path[300];

	assert_int_equal(env_file("\xef\xbb\xbf# comment\n\n  A=1\r\nB= spaced \n"
				  "\t# indented comment\nBARE\nC=x=y\nD=\"q\"", &env), 0);
	assert_strv(env, V("A=1", "B= spaced ", "BARE", "C=x=y", "D=\"q\""));
	/* Appends; a bad file leaves the list as it was. */
	assert_int_equal(env_file("E=5\n", &env), 0);
	assert_int_equal(run_strv_len(env), 6);
	assert_int_equal(env_file("F=6\n=7\n", &env), -1);
	assert_non_null(strstr(err, "/env:2: no variable name before '='"));
	assert_int_equal(env_file("F=6\nBAD NAME=1\n", &env), -1);
	assert_non_null(strstr(err, "/env:2: variable 'BAD NAME' contains white space"));
	assert_int_equal(run_strv_len(env), 6);
	snprintf(path, sizeof(path), "%s/missing", tmp);
	assert_int_equal(run_env_file(path, &env, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "No such file or directory"));
	assert_int_equal(run_env_file(tmp, &env, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not a regular file"));
	run_strv_free(env);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_args),
		cmocka_unit_test(test_env),
		cmocka_unit_test(test_cwd),
		cmocka_unit_test(test_user),
		cmocka_unit_test(test_hostname_rootfs),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_mounts),
		cmocka_unit_test(test_env_file),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
