// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of lib/run/'s resource limits (rlimit.c): docker's --ulimit
 * syntax, good and bad, a later --ulimit of a NAME winning; the default
 * RLIMIT_NOFILE 1024:1024 of run_spec_make() and the overrides replacing
 * it per resource; what run_spec_check() refuses.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <cmocka.h>

#include "run/internal.h"

#define INF RUN_RLIM_INFINITY
#define V(...) ((char *[]){ __VA_ARGS__, NULL })

static char err[RUN_ERR_MAX];

static void test_parse_good(void **state)
{
	static const struct {
		const char *arg;
		int resource;
		uint64_t soft, hard;
	} good[] = {
		{ "nofile=1024", RLIMIT_NOFILE, 1024, 1024 },
		{ "nofile=1024:4096", RLIMIT_NOFILE, 1024, 4096 },
		{ "nofile=0", RLIMIT_NOFILE, 0, 0 },
		{ "core=-1", RLIMIT_CORE, INF, INF },
		{ "core=unlimited", RLIMIT_CORE, INF, INF },
		{ "core=-1:unlimited", RLIMIT_CORE, INF, INF },
		{ "memlock=0:unlimited", RLIMIT_MEMLOCK, 0, INF },
		{ "stack=8388608:-1", RLIMIT_STACK, 8388608, INF },
		{ "nproc=9223372036854775807", RLIMIT_NPROC, INT64_MAX, INT64_MAX },
		{ "as=007:010", RLIMIT_AS, 7, 10 },	/* as strconv.ParseInt */
		{ "rtprio=5:5", RLIMIT_RTPRIO, 5, 5 },
	};
	struct run_rlimit v[RUN_MAX_RLIMITS];
	size_t i, n;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		n = 0;
		if (run_ulimit_parse(good[i].arg, v, &n, err, sizeof(err)))
			fail_msg("%s: %s", good[i].arg, err);
		assert_int_equal(n, 1);
		assert_int_equal(v[0].resource, good[i].resource);
		if (v[0].soft != good[i].soft || v[0].hard != good[i].hard)
			fail_msg("%s: got %ju:%ju", good[i].arg,
				 (uintmax_t)v[0].soft, (uintmax_t)v[0].hard);
	}
}

/* Docker's sixteen names, each its own resource, known both ways. */
static void test_names(void **state)
{
	static const struct { const char *name, *type; int resource; } all[] = {
		{ "core", "RLIMIT_CORE", RLIMIT_CORE },
		{ "cpu", "RLIMIT_CPU", RLIMIT_CPU },
		{ "data", "RLIMIT_DATA", RLIMIT_DATA },
		{ "fsize", "RLIMIT_FSIZE", RLIMIT_FSIZE },
		{ "locks", "RLIMIT_LOCKS", RLIMIT_LOCKS },
		{ "memlock", "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK },
		{ "msgqueue", "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
		{ "nice", "RLIMIT_NICE", RLIMIT_NICE },
		{ "nofile", "RLIMIT_NOFILE", RLIMIT_NOFILE },
		{ "nproc", "RLIMIT_NPROC", RLIMIT_NPROC },
		{ "rss", "RLIMIT_RSS", RLIMIT_RSS },
		{ "rtprio", "RLIMIT_RTPRIO", RLIMIT_RTPRIO },
		{ "rttime", "RLIMIT_RTTIME", RLIMIT_RTTIME },
		{ "sigpending", "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
		{ "stack", "RLIMIT_STACK", RLIMIT_STACK },
		{ "as", "RLIMIT_AS", RLIMIT_AS },
	};
	struct run_rlimit v[RUN_MAX_RLIMITS];
	char arg[32];
	size_t i, n = 0;

	assert_int_equal(sizeof(all) / sizeof(all[0]), RUN_MAX_RLIMITS);
	for (i = 0; i < RUN_MAX_RLIMITS; i++) {
		snprintf(arg, sizeof(arg), "%s=%zu", all[i].name, i);
		if (run_ulimit_parse(arg, v, &n, err, sizeof(err)))
			fail_msg("%s: %s", arg, err);
		assert_int_equal(n, i + 1);
		assert_int_equal(v[i].resource, all[i].resource);
		assert_int_equal(v[i].soft, i);
		assert_string_equal(run_rlimit_name(all[i].resource), all[i].name);
		assert_string_equal(run_rlimit_type(all[i].resource), all[i].type);
		assert_int_equal(run_rlimit_by_type(all[i].type, strlen(all[i].type)),
				 all[i].resource);
	}
	/* All sixteen fit; giving one again replaces it. */
	assert_int_equal(run_ulimit_parse("as=-1", v, &n, err, sizeof(err)), 0);
	assert_int_equal(n, RUN_MAX_RLIMITS);
	assert_true(v[15].soft == INF);
	assert_null(run_rlimit_name(-1));
	assert_null(run_rlimit_name(RLIM_NLIMITS));
	assert_null(run_rlimit_type(99));
	assert_int_equal(run_rlimit_by_type("RLIMIT_NOFILEX", 13), RLIMIT_NOFILE);
	assert_int_equal(run_rlimit_by_type("RLIMIT_NOFILE", 14), -1);
	assert_int_equal(run_rlimit_by_type("nofile", 6), -1);
	assert_int_equal(run_rlimit_by_type("", 0), -1);
}

static void test_later_wins(void **state)
{
	struct run_rlimit v[RUN_MAX_RLIMITS];
	size_t n = 0;

	assert_int_equal(run_ulimit_parse("nofile=10", v, &n, err, sizeof(err)), 0);
	assert_int_equal(run_ulimit_parse("core=0", v, &n, err, sizeof(err)), 0);
	assert_int_equal(run_ulimit_parse("nofile=20:30", v, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].resource, RLIMIT_NOFILE);
	assert_int_equal(v[0].soft, 20);
	assert_int_equal(v[0].hard, 30);
	assert_int_equal(v[1].resource, RLIMIT_CORE);
	/* A refused one changes nothing. */
	assert_int_equal(run_ulimit_parse("nofile=40:5", v, &n, err, sizeof(err)), -1);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].soft, 20);
	assert_int_equal(v[0].hard, 30);
}

static void test_parse_bad(void **state)
{
	static const struct { const char *arg, *msg; } bad[] = {
		{ "nofile", "--ulimit 'nofile': want NAME=SOFT[:HARD], e.g. nofile=1024:4096" },
		{ "", "--ulimit '': want NAME=SOFT[:HARD]" },
		{ "=1", "--ulimit '=1': unknown limit ''" },
		{ "NOFILE=1", "unknown limit 'NOFILE'" },
		{ "RLIMIT_NOFILE=1", "unknown limit 'RLIMIT_NOFILE'" },
		{ "nofile =1", "unknown limit 'nofile '" },
		{ "files=1", "--ulimit 'files=1': unknown limit 'files' (one of core, cpu, "
		  "data, fsize, locks, memlock, msgqueue, nice, nofile, nproc, rss, "
		  "rtprio, rttime, sigpending, stack, as)" },
		{ "nofile=", "--ulimit 'nofile=': the soft limit is empty" },
		{ "nofile=:5", "the soft limit is empty" },
		{ "nofile=5:", "--ulimit 'nofile=5:': the hard limit is empty" },
		{ "nofile=1:2:3", "--ulimit 'nofile=1:2:3': want NAME=SOFT[:HARD], not more than two values" },
		{ "nofile=1::", "not more than two values" },
		{ "nofile=abc", "--ulimit 'nofile=abc': the soft limit 'abc' is not a number, -1 or unlimited" },
		{ "nofile=+5", "the soft limit '+5' is not a number" },
		{ "nofile=-2", "the soft limit '-2' is not a number" },
		{ "nofile=-0", "the soft limit '-0' is not a number" },
		{ "nofile= 5", "the soft limit ' 5' is not a number" },
		{ "nofile=5 ", "the soft limit '5 ' is not a number" },
		{ "nofile=5x", "the soft limit '5x' is not a number" },
		{ "nofile=1.5", "the soft limit '1.5' is not a number" },
		{ "nofile=0x10", "the soft limit '0x10' is not a number" },
		{ "nofile=1e3", "the soft limit '1e3' is not a number" },
		{ "nofile=Unlimited", "the soft limit 'Unlimited' is not a number" },
		{ "nofile=infinity", "the soft limit 'infinity' is not a number" },
		{ "nofile=10:abc", "the hard limit 'abc' is not a number, -1 or unlimited" },
		{ "nofile=10:-1x", "the hard limit '-1x' is not a number" },
		{ "nofile=9223372036854775808",
		  "--ulimit 'nofile=9223372036854775808': the soft limit is above 9223372036854775807 (-1 or unlimited: no limit)" },
		{ "nofile=18446744073709551615", "the soft limit is above 9223372036854775807" },
		{ "nofile=1:99999999999999999999999", "the hard limit is above 9223372036854775807" },
		{ "nofile=2048:1024",
		  "--ulimit 'nofile=2048:1024': the soft limit 2048 is above the hard limit 1024" },
		{ "nofile=-1:1024", "the soft limit unlimited is above the hard limit 1024" },
		{ "core=unlimited:0", "the soft limit unlimited is above the hard limit 0" },
		{ "nofile=1:0", "the soft limit 1 is above the hard limit 0" },
	};
	struct run_rlimit v[RUN_MAX_RLIMITS] = { { RLIMIT_CPU, 1, 2 } };
	size_t i, n;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		n = 1;
		err[0] = '\0';
		if (run_ulimit_parse(bad[i].arg, v, &n, err, sizeof(err)) != -1)
			fail_msg("accepted: %s", bad[i].arg);
		if (!strstr(err, bad[i].msg))
			fail_msg("%s: got '%s', want '%s'", bad[i].arg, err, bad[i].msg);
		if (strchr(err, '\n'))
			fail_msg("%s: '%s' is not one line", bad[i].arg, err);
		assert_int_equal(n, 1);
		assert_int_equal(v[0].resource, RLIMIT_CPU);
		assert_int_equal(v[0].soft, 1);
		assert_int_equal(v[0].hard, 2);
	}
}

static void make(const struct run_overrides *o, struct run_spec *spec)
{
	struct image_config c = { .cmd = V("x") };

	if (run_spec_make(&c, -1, o, spec, err, sizeof(err)))
		fail_msg("run_spec_make: %s", err);
}

static void make_bad(const struct run_overrides *o, const char *msg)
{
	struct image_config c = { .cmd = V("x") };
	struct run_spec spec;

	err[0] = '\0';
	assert_int_equal(run_spec_make(&c, -1, o, &spec, err, sizeof(err)), -1);
	if (!strstr(err, msg))
		fail_msg("got '%s', want '%s'", err, msg);
	assert_int_equal(spec.nr_rlimits, 0);
	assert_null(spec.args);
}

static void assert_rlimit(const struct run_rlimit *r, int resource,
			  uint64_t soft, uint64_t hard)
{
	assert_int_equal(r->resource, resource);
	if (r->soft != soft || r->hard != hard)
		fail_msg("%s: got %ju:%ju, want %ju:%ju", run_rlimit_name(resource),
			 (uintmax_t)r->soft, (uintmax_t)r->hard, (uintmax_t)soft,
			 (uintmax_t)hard);
}

static void test_default(void **state)
{
	struct run_overrides o = { 0 };
	struct run_spec spec;

	/* runc's and umoci's: RLIMIT_NOFILE 1024:1024, nothing else. */
	make(NULL, &spec);
	assert_int_equal(spec.nr_rlimits, 1);
	assert_rlimit(&spec.rlimits[0], RLIMIT_NOFILE, 1024, 1024);
	run_spec_free(&spec);
	assert_int_equal(spec.nr_rlimits, 0);
	make(&o, &spec);
	assert_int_equal(spec.nr_rlimits, 1);
	assert_rlimit(&spec.rlimits[0], RLIMIT_NOFILE, 1024, 1024);
	run_spec_free(&spec);
}

static void ulimit(struct run_overrides *o, const char *arg)
{
	if (run_ulimit_parse(arg, o->rlimits, &o->nr_rlimits, err, sizeof(err)))
		fail_msg("%s: %s", arg, err);
}

static void test_override(void **state)
{
	struct run_overrides o = { 0 };
	struct run_spec spec;

	/* Another resource: the default nofile stays, first. */
	ulimit(&o, "core=-1");
	make(&o, &spec);
	assert_int_equal(spec.nr_rlimits, 2);
	assert_rlimit(&spec.rlimits[0], RLIMIT_NOFILE, 1024, 1024);
	assert_rlimit(&spec.rlimits[1], RLIMIT_CORE, INF, INF);
	run_spec_free(&spec);
	/* nofile replaces the default, in place. */
	ulimit(&o, "nofile=4096:8192");
	make(&o, &spec);
	assert_int_equal(spec.nr_rlimits, 2);
	assert_rlimit(&spec.rlimits[0], RLIMIT_NOFILE, 4096, 8192);
	assert_rlimit(&spec.rlimits[1], RLIMIT_CORE, INF, INF);
	run_spec_free(&spec);
	/* Lowered too, and the later one wins. */
	ulimit(&o, "nofile=64");
	make(&o, &spec);
	assert_rlimit(&spec.rlimits[0], RLIMIT_NOFILE, 64, 64);
	run_spec_free(&spec);
	/* Repeated entries in the overrides themselves: the later wins. */
	o = (struct run_overrides){
		.rlimits = { { RLIMIT_STACK, 1, 2 }, { RLIMIT_NOFILE, 5, 6 },
			     { RLIMIT_STACK, 3, 4 } },
		.nr_rlimits = 3,
	};
	make(&o, &spec);
	assert_int_equal(spec.nr_rlimits, 2);
	assert_rlimit(&spec.rlimits[0], RLIMIT_NOFILE, 5, 6);
	assert_rlimit(&spec.rlimits[1], RLIMIT_STACK, 3, 4);
	assert_int_equal(run_spec_check(&spec, err, sizeof(err)), 0);
	run_spec_free(&spec);
}

/* Overrides not made by run_ulimit_parse() are checked all the same. */
static void test_override_bad(void **state)
{
	struct run_overrides o = { .rlimits = { { 99, 1, 1 } }, .nr_rlimits = 1 };

	make_bad(&o, "--ulimit: unknown resource 99");
	o.rlimits[0] = (struct run_rlimit){ -1, 1, 1 };
	make_bad(&o, "--ulimit: unknown resource -1");
	o.rlimits[0] = (struct run_rlimit){ RLIMIT_NOFILE, 10, 5 };
	make_bad(&o, "rlimit nofile: the soft limit 10 is above the hard limit 5");
	o.rlimits[0] = (struct run_rlimit){ RLIMIT_CORE, INF, 5 };
	make_bad(&o, "rlimit core: the soft limit unlimited is above the hard limit 5");
	o.rlimits[0] = (struct run_rlimit){ RLIMIT_CORE, 1, (uint64_t)INT64_MAX + 1 };
	make_bad(&o, "rlimit core: a limit is above 9223372036854775807 and not 18446744073709551615 (unlimited)");
	o.rlimits[0] = (struct run_rlimit){ RLIMIT_CORE, INF - 1, INF };
	make_bad(&o, "rlimit core: a limit is above 9223372036854775807");
	o.rlimits[0] = (struct run_rlimit){ RLIMIT_CORE, 1, 1 };
	o.nr_rlimits = RUN_MAX_RLIMITS + 1;
	make_bad(&o, "17 --ulimit values: at most 16 are allowed");
}

static void check_bad(const struct run_spec *s, const char *msg)
{
	err[0] = '\0';
	assert_int_equal(run_spec_check(s, err, sizeof(err)), -1);
	if (!strstr(err, msg))
		fail_msg("got '%s', want '%s'", err, msg);
}

static void test_check(void **state)
{
	struct run_spec s = {
		.args = V("x"), .env = V(NULL), .cwd = "/",
		.rlimits = { { RLIMIT_NOFILE, 1, 2 }, { RLIMIT_CORE, 0, INF },
			     { RLIMIT_NOFILE, 1, 2 } },
		.nr_rlimits = 2,
	};
	size_t i;

	assert_int_equal(run_spec_check(&s, err, sizeof(err)), 0);
	s.nr_rlimits = 3;
	check_bad(&s, "rlimit nofile is set twice");
	s.rlimits[2].resource = 1000;
	check_bad(&s, "rlimit 3: unknown resource 1000");
	s.nr_rlimits = RUN_MAX_RLIMITS + 1;
	check_bad(&s, "17 rlimits: at most 16 are allowed");
	/* One of each resource is the most there can be, and fine. */
	for (i = 0; i < RUN_MAX_RLIMITS; i++)
		s.rlimits[i] = (struct run_rlimit){ (int)i, i, INF };
	s.nr_rlimits = RUN_MAX_RLIMITS;
	assert_int_equal(run_spec_check(&s, err, sizeof(err)), 0);
	s.rlimits[3].soft = 7;
	s.rlimits[3].hard = 6;
	check_bad(&s, "the soft limit 7 is above the hard limit 6");
}

static void test_format(void **state)
{
	char buf[RUN_RLIM_TEXT_MAX];

	assert_string_equal(run_rlimit_format(0, buf, sizeof(buf)), "0");
	assert_string_equal(run_rlimit_format(1024, buf, sizeof(buf)), "1024");
	assert_string_equal(run_rlimit_format(INT64_MAX, buf, sizeof(buf)),
			    "9223372036854775807");
	assert_string_equal(run_rlimit_format(INF - 1, buf, sizeof(buf)),
			    "18446744073709551614");
	assert_string_equal(run_rlimit_format(INF, buf, sizeof(buf)), "unlimited");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_later_wins),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_default),
		cmocka_unit_test(test_override),
		cmocka_unit_test(test_override_bad),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
