// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of lib/run/'s JSON: a spec written and read back is the same
 * spec (volumes and rlimits included); the text has the documented shape;
 * and a list of hostile or broken inputs is refused, each with its own
 * message, leaving the spec empty.
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

static char err[RUN_ERR_MAX];

#define V(...) ((char *[]){ __VA_ARGS__, NULL })

static void assert_same(const struct run_spec *a, const struct run_spec *b)
{
	size_t i;

	assert_int_equal(run_strv_len(a->args), run_strv_len(b->args));
	for (i = 0; a->args[i]; i++)
		assert_string_equal(a->args[i], b->args[i]);
	assert_int_equal(run_strv_len(a->env), run_strv_len(b->env));
	for (i = 0; a->env[i]; i++)
		assert_string_equal(a->env[i], b->env[i]);
	assert_string_equal(a->cwd, b->cwd);
	assert_int_equal(a->uid, b->uid);
	assert_int_equal(a->gid, b->gid);
	assert_int_equal(a->nr_groups, b->nr_groups);
	for (i = 0; i < a->nr_groups; i++)
		assert_int_equal(a->groups[i], b->groups[i]);
	if (a->hostname)
		assert_string_equal(a->hostname, b->hostname);
	else
		assert_null(b->hostname);
	if (a->rootfs)
		assert_string_equal(a->rootfs, b->rootfs);
	else
		assert_null(b->rootfs);
	assert_int_equal(a->terminal, b->terminal);
	assert_int_equal(a->nr_mounts, b->nr_mounts);
	for (i = 0; i < a->nr_mounts; i++) {
		assert_string_equal(a->mounts[i].region, b->mounts[i].region);
		assert_string_equal(a->mounts[i].source, b->mounts[i].source);
		assert_string_equal(a->mounts[i].target, b->mounts[i].target);
		assert_int_equal(a->mounts[i].readonly, b->mounts[i].readonly);
	}
	assert_int_equal(a->nr_rlimits, b->nr_rlimits);
	for (i = 0; i < a->nr_rlimits; i++) {
		assert_int_equal(a->rlimits[i].resource, b->rlimits[i].resource);
		assert_true(a->rlimits[i].soft == b->rlimits[i].soft);
		assert_true(a->rlimits[i].hard == b->rlimits[i].hard);
	}
	assert_int_equal(a->nr_publish, b->nr_publish);
	for (i = 0; i < a->nr_publish; i++)
		assert_int_equal(a->publish[i], b->publish[i]);
}

static void round_trip(const struct run_spec *s)
{
	struct run_spec back;
	char *json;

	if (run_spec_to_json(s, &json, err, sizeof(err)))
		fail_msg("to_json: %s", err);
	if (run_spec_from_json(json, strlen(json), &back, err, sizeof(err)))
		fail_msg("from_json: %s\n%s", err, json);
	assert_same(s, &back);
	run_spec_free(&back);
	free(json);
}

static void test_round_trip(void **state)
{
	uint32_t groups[] = { 1000, 50, 4294967294u };
	struct run_mount mounts[] = {
		{ "shared", "www/data \"x\"", "/data", true },
		{ "shared", "", "/srv/\xc3\xa9 \\", false },
		{ "b-2", "a/b/c", "/b", false },
	};
	struct run_spec full = {
		.args = V("/bin/sh", "-c", "echo \"hi\" \\ /x\n", "", "\xc3\xa9\x01"),
		.env = V("PATH=/bin", "WEIRD=a=b\tc\n\"'\\", "EMPTY="),
		.cwd = "/srv/app",
		.uid = 1000, .gid = 4294967294u,
		.groups = groups, .nr_groups = 3,
		.hostname = "web", .rootfs = "img-web", .terminal = true,
		.mounts = mounts, .nr_mounts = 3,
		.rlimits = {
			{ RLIMIT_NOFILE, 1024, 1024 },
			{ RLIMIT_CORE, RUN_RLIM_INFINITY, RUN_RLIM_INFINITY },
			{ RLIMIT_STACK, 8388608, RUN_RLIM_INFINITY },
			{ RLIMIT_NICE, 0, 0 },
			{ RLIMIT_AS, RUN_RLIM_MAX, RUN_RLIM_MAX },
		},
		.nr_rlimits = 5,
		.publish = { 80, 65535, 1, 8080 },
		.nr_publish = 4,
	};
	struct run_spec min = { .args = V("x"), .env = V(NULL), .cwd = "/" };
	struct run_spec all = min;
	size_t i;

	round_trip(&full);
	round_trip(&min);
	/* Ports without a rootfs still make a "cohort" object. */
	min.publish[0] = 443;
	min.nr_publish = 1;
	round_trip(&min);
	min.nr_publish = 0;
	/* Every resource, in an order of their own. */
	for (i = 0; i < RUN_MAX_RLIMITS; i++)
		all.rlimits[i] = (struct run_rlimit){ (int)(15 - i), i * 1000,
						      i * 1000 + i };
	all.nr_rlimits = RUN_MAX_RLIMITS;
	round_trip(&all);
}

static void test_shape(void **state)
{
	uint32_t groups[] = { 7 };
	struct run_spec s = {
		.args = V("/bin/true"), .env = V("A=1"), .cwd = "/",
		.uid = 5, .gid = 7, .groups = groups, .nr_groups = 1,
		.rootfs = "r",
	};
	char *json;

	assert_int_equal(run_spec_to_json(&s, &json, err, sizeof(err)), 0);
	assert_non_null(strstr(json, "\"process\""));
	assert_non_null(strstr(json, "\"additionalGids\""));
	assert_non_null(strstr(json, "\"cohort\""));
	assert_non_null(strstr(json, "\"/bin/true\""));	/* no "\/" */
	assert_null(strstr(json, "\"hostname\""));
	assert_null(strstr(json, "\"mounts\""));
	assert_null(strstr(json, "\"rlimits\""));
	assert_int_equal(json[strlen(json) - 1], '\n');
	free(json);
	s.mounts = &(struct run_mount){ "shared", "www/data", "/data", true };
	s.nr_mounts = 1;
	assert_int_equal(run_spec_to_json(&s, &json, err, sizeof(err)), 0);
	assert_non_null(strstr(json, "\"mounts\": [\n    {\n      \"destination\": \"/data\",\n"
			       "      \"type\": \"cohortfs\",\n      \"source\": \"www/data\",\n"
			       "      \"options\": [\n        \"region=shared\",\n        \"ro\"\n"));
	free(json);
	/* The OCI runtime-spec's rlimits, as runc and umoci write them. */
	s.rlimits[0] = (struct run_rlimit){ RLIMIT_NOFILE, 1024, 1024 };
	s.rlimits[1] = (struct run_rlimit){ RLIMIT_CORE, 0, RUN_RLIM_INFINITY };
	s.nr_rlimits = 2;
	assert_int_equal(run_spec_to_json(&s, &json, err, sizeof(err)), 0);
	assert_non_null(strstr(json, "    \"cwd\": \"/\",\n    \"rlimits\": [\n      {\n"
			       "        \"type\": \"RLIMIT_NOFILE\",\n        \"hard\": 1024,\n"
			       "        \"soft\": 1024\n      },\n      {\n"
			       "        \"type\": \"RLIMIT_CORE\",\n"
			       "        \"hard\": 18446744073709551615,\n"
			       "        \"soft\": 0\n      }\n    ]\n  },\n"));
	free(json);
	/* What run_spec_check() refuses of them is not written. */
	s.rlimits[1].soft = 1;
	s.rlimits[1].hard = 0;
	assert_int_equal(run_spec_to_json(&s, &json, err, sizeof(err)), -1);
	assert_null(json);
	assert_non_null(strstr(err, "rlimit core: the soft limit 1 is above the hard limit 0"));
	s.nr_rlimits = 0;
	s.mounts->target = "data";
	assert_int_equal(run_spec_to_json(&s, &json, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "mount 1: target 'data' is not an absolute path"));
	s.mounts = NULL;
	s.nr_mounts = 0;
	/* What run_spec_check() refuses is not written either. */
	s.cwd = "relative";
	assert_int_equal(run_spec_to_json(&s, &json, err, sizeof(err)), -1);
	assert_null(json);
	assert_non_null(strstr(err, "cwd 'relative' is not an absolute path"));
}

static void test_accepts(void **state)
{
	static const char *good[] = {
		"{\"process\":{\"user\":{\"uid\":0,\"gid\":0},\"args\":[\"a\"],\"cwd\":\"/\"}}",
		"  {\"process\":{\"user\":{\"uid\":1,\"gid\":2,\"additionalGids\":[]},"
		"\"args\":[\"a\"],\"cwd\":\"/\",\"env\":[],\"terminal\":false},"
		"\"cohort\":{}} \n\t",
		"{\"process\":{\"user\":{\"uid\":0,\"gid\":0},\"args\":[\"a\"],\"cwd\":\"/\"},"
		"\"mounts\":[]}",
		"{\"process\":{\"user\":{\"uid\":0,\"gid\":0},\"args\":[\"a\"],\"cwd\":\"/\"},"
		"\"mounts\":[{\"options\":[\"rw\",\"region=r\"],\"source\":\"\","
		"\"type\":\"cohortfs\",\"destination\":\"/d\"}]}",
		"{\"process\":{\"user\":{\"uid\":0,\"gid\":0},\"args\":[\"a\"],\"cwd\":\"/\","
		"\"rlimits\":[]}}",
		"{\"process\":{\"rlimits\":[{\"soft\":0,\"hard\":18446744073709551615,"
		"\"type\":\"RLIMIT_CORE\"},{\"type\":\"RLIMIT_NOFILE\",\"hard\":9223372036854775807,"
		"\"soft\":1024}],\"user\":{\"uid\":0,\"gid\":0},\"args\":[\"a\"],\"cwd\":\"/\"}}",
		/* Digits in strings are not numbers. */
		"{\"process\":{\"user\":{\"uid\":0,\"gid\":0},\"args\":[\"99999999999999999999999\","
		"\"\\\"123456789012345678901234\\\\\"],\"cwd\":\"/\"}}",
	};
	struct run_spec s;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		if (run_spec_from_json(good[i], strlen(good[i]), &s, err, sizeof(err)))
			fail_msg("%s: %s", good[i], err);
		assert_non_null(s.env);
		run_spec_free(&s);
	}
}

#define P(x) "{\"process\":{" x "}}"
#define U "\"user\":{\"uid\":0,\"gid\":0}"
#define A "\"args\":[\"a\"]"
#define C "\"cwd\":\"/\""
#define OKP U "," A "," C
/* A spec whose mounts array holds x. */
#define MNT(x) "{\"process\":{" OKP "},\"mounts\":[" x "]}"
#define MD "\"destination\":\"/d\""
#define MT "\"type\":\"cohortfs\""
#define MS "\"source\":\"s\""
#define MO "\"options\":[\"region=r\",\"rw\"]"
#define M1 "{" MD "," MT "," MS "," MO "}"
/* A spec whose process.rlimits array holds x. */
#define RL(x) P(OKP ",\"rlimits\":[" x "]")
#define RT "\"type\":\"RLIMIT_NOFILE\""
#define RH "\"hard\":1024"
#define RS "\"soft\":1024"
#define R1 "{" RT "," RH "," RS "}"

static void test_refusals(void **state)
{
	static const struct { const char *json, *msg; } bad[] = {
		{ "", "not valid JSON: unexpected end of data" },
		{ "{\"process\":", "not valid JSON: unexpected end of data" },
		{ "{", "not valid JSON" },
		{ "[]", "not a JSON object" },
		{ "null", "not a JSON object" },
		{ "{} {}", "not valid JSON" },
		{ "{}x", "not valid JSON" },
		{ "{}", "process is missing" },
		{ "{\"process\":[]}", "process is not an object" },
		{ "{\"process\":{" OKP "},\"extra\":1}", "unknown key 'extra' in the top object" },
		{ P(OKP ",\"capabilities\":{}"), "unknown key 'capabilities' in process" },
		{ P(A "," C), "process.user is missing" },
		{ P("\"user\":0," A "," C), "process.user is not an object" },
		{ P("\"user\":{\"uid\":0}," A "," C), "process.user needs uid and gid" },
		{ P("\"user\":{\"uid\":0,\"gid\":0,\"name\":\"x\"}," A "," C),
		  "unknown key 'name' in process.user" },
		{ P("\"user\":{\"uid\":-1,\"gid\":0}," A "," C), "process.user.uid is out of range" },
		{ P("\"user\":{\"uid\":4294967295,\"gid\":0}," A "," C), "process.user.uid is out of range" },
		{ P("\"user\":{\"uid\":99999999999999999999999,\"gid\":0}," A "," C),
		  "process.user.uid is out of range" },
		{ P("\"user\":{\"uid\":0,\"gid\":1.5}," A "," C), "process.user.gid is not an integer" },
		{ P("\"user\":{\"uid\":\"0\",\"gid\":0}," A "," C), "process.user.uid is not an integer" },
		{ P("\"user\":{\"uid\":0,\"gid\":0,\"additionalGids\":{}}," A "," C),
		  "additionalGids is not an array" },
		{ P("\"user\":{\"uid\":0,\"gid\":0,\"additionalGids\":[true]}," A "," C),
		  "additionalGids entry is not an integer" },
		{ P(U "," C), "process.args is missing" },
		{ P(U ",\"args\":[]," C), "no command" },
		{ P(U ",\"args\":[\"\"]," C), "no command" },
		{ P(U ",\"args\":\"a\"," C), "process.args is not an array of strings" },
		{ P(U ",\"args\":[\"a\",1]," C), "process.args is not an array of strings" },
		{ P(U ",\"args\":[\"a\\u0000b\"]," C), "process.args holds a NUL character" },
		{ P(U "," A), "process.cwd is missing" },
		{ P(U "," A ",\"cwd\":\"rel\""), "cwd 'rel' is not an absolute path" },
		{ P(U "," A ",\"cwd\":\"\""), "is not an absolute path" },
		{ P(U "," A ",\"cwd\":7"), "process.cwd is not a string" },
		{ P(U "," A ",\"cwd\":\"/\\u0000/etc\""), "process.cwd holds a NUL character" },
		{ P(OKP ",\"env\":[\"NOEQ\"]"), "env: 'NOEQ' is not NAME=value" },
		{ P(OKP ",\"env\":[\"=v\"]"), "env: '=v' has an empty variable name" },
		{ P(OKP ",\"env\":[\"A=1\",\"A=2\"]"), "env: A is set twice" },
		{ P(OKP ",\"env\":{}"), "process.env is not an array of strings" },
		{ P(OKP ",\"env\":[\"A=\\u0000\"]"), "process.env holds a NUL character" },
		{ P(OKP ",\"terminal\":1"), "process.terminal is not true or false" },
		{ "{\"process\":{" OKP "},\"hostname\":\"\"}", "hostname: 1 to 64 characters" },
		{ "{\"process\":{" OKP "},\"hostname\":5}", "hostname is not a string" },
		{ "{\"process\":{" OKP "},\"hostname\":"
		  "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}",
		  "hostname: 1 to 64 characters, not 65" },
		{ "{\"process\":{" OKP "},\"cohort\":[]}", "cohort is not an object" },
		{ "{\"process\":{" OKP "},\"cohort\":{\"rootfs\":\"../x\"}}",
		  "rootfs: invalid region name" },
		{ "{\"process\":{" OKP "},\"cohort\":{\"rootfs\":\"\"}}",
		  "rootfs: the region name is empty" },
		{ "{\"process\":{" OKP "},\"cohort\":{\"publish\":80}}",
		  "cohort.publish is not an array" },
		{ "{\"process\":{" OKP "},\"cohort\":{\"publish\":[0]}}",
		  "cohort.publish[0] is out of range" },
		{ "{\"process\":{" OKP "},\"cohort\":{\"publish\":[80,65536]}}",
		  "cohort.publish[1] is out of range" },
		{ "{\"process\":{" OKP "},\"cohort\":{\"publish\":[\"80\"]}}",
		  "cohort.publish[0] is not an integer" },
		{ "{\"process\":{" OKP "},\"cohort\":{\"publish\":[80,81,80]}}",
		  "port 80 is published twice" },
		{ "{\"process\":{" OKP "},\"cohort\":{\"publish\":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33]}}",
		  "cohort.publish has 33 ports; at most 32" },
		{ "{\"process\":{" OKP "},\"cohort\":{\"phys\":1}}", "unknown key 'phys' in cohort" },
		{ "{\"process\":{" OKP "},\"mounts\":{}}", "mounts is not an array" },
		{ MNT("1"), "mounts[0] is not an object" },
		{ MNT(M1 ",[]"), "mounts[1] is not an object" },
		{ MNT("{" MD "," MT "," MS "," MO ",\"uid\":0}"), "unknown key 'uid' in mounts[0]" },
		{ MNT("{" MD "," MT "," MS "}"), "mounts[0] needs destination, type, source and options" },
		{ MNT("{" MT "," MS "," MO "}"), "mounts[0] needs destination" },
		{ MNT("{" MD "," MS "," MO "}"), "mounts[0] needs destination" },
		{ MNT("{" MD "," MT "," MO "}"), "mounts[0] needs destination" },
		{ MNT("{" MD ",\"type\":\"bind\"," MS "," MO "}"), "mounts[0].type is not \"cohortfs\"" },
		{ MNT("{" MD ",\"type\":\"cohortfs\\u0000\"," MS "," MO "}"), "mounts[0].type is not \"cohortfs\"" },
		{ MNT("{" MD ",\"type\":1," MS "," MO "}"), "mounts[0].type is not \"cohortfs\"" },
		{ MNT("{\"destination\":5," MT "," MS "," MO "}"), "mounts[0].destination is not a string" },
		{ MNT("{" MD "," MT ",\"source\":null," MO "}"), "mounts[0].source is not a string" },
		{ MNT("{" MD "," MT ",\"source\":\"a\\u0000\"," MO "}"), "mounts[0].source holds a NUL character" },
		{ MNT("{" MD "," MT "," MS ",\"options\":\"ro\"}"), "mounts[0].options is not an array of strings" },
		{ MNT("{" MD "," MT "," MS ",\"options\":[\"region=r\",true]}"), "mounts[0].options is not an array of strings" },
		{ MNT("{" MD "," MT "," MS ",\"options\":[\"rw\"]}"), "mounts[0].options: region=NAME is missing" },
		{ MNT("{" MD "," MT "," MS ",\"options\":[\"region=r\"]}"), "mounts[0].options: ro or rw is missing" },
		{ MNT("{" MD "," MT "," MS ",\"options\":[]}"), "region=NAME is missing" },
		{ MNT("{" MD "," MT "," MS ",\"options\":[\"region=r\",\"region=r\",\"rw\"]}"),
		  "mounts[0].options: region= given twice" },
		{ MNT("{" MD "," MT "," MS ",\"options\":[\"region=r\",\"ro\",\"rw\"]}"),
		  "mounts[0].options: ro or rw given twice" },
		{ MNT("{" MD "," MT "," MS ",\"options\":[\"region=r\",\"rw\",\"nosuid\"]}"),
		  "mounts[0].options: unknown option 'nosuid'" },
		{ MNT("{" MD "," MT "," MS ",\"options\":[\"region=r\\u0000x\",\"rw\"]}"),
		  "mounts[0].options holds a NUL character" },
		{ MNT("{" MD "," MT "," MS ",\"options\":[\"region=../x\",\"rw\"]}"),
		  "mount 1: invalid region name '../x'" },
		{ MNT("{" MD "," MT "," MS ",\"options\":[\"region=\",\"rw\"]}"),
		  "mount 1: the region name is empty" },
		{ MNT("{" MD "," MT ",\"source\":\"../x\"," MO "}"),
		  "mount 1: source '../x': '.' and '..' are not allowed" },
		{ MNT("{" MD "," MT ",\"source\":\"a/../../x\"," MO "}"), "'.' and '..' are not allowed" },
		{ MNT("{" MD "," MT ",\"source\":\"/etc\"," MO "}"),
		  "mount 1: source '/etc' must be relative to the region's root" },
		{ MNT("{" MD "," MT ",\"source\":\"a//b\"," MO "}"), "has an empty component" },
		{ MNT("{\"destination\":\"d\"," MT "," MS "," MO "}"),
		  "mount 1: target 'd' is not an absolute path" },
		{ MNT("{\"destination\":\"/\"," MT "," MS "," MO "}"),
		  "mount 1: target '/': a volume cannot replace the root" },
		{ MNT("{\"destination\":\"/d/../..\"," MT "," MS "," MO "}"),
		  "mount 1: target '/d/../..' is not normalised" },
		{ MNT("{\"destination\":\"/d/\"," MT "," MS "," MO "}"), "is not normalised" },
		{ MNT(M1 "," M1), "mount 2: target '/d' is already the target of mount 1" },
		{ "{\"process\":{" OKP "},\"hostname\":{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":{\"g\":{}}}}}}}}}",
		  "not valid JSON" },
		{ P(OKP ",\"rlimits\":{}"), "process.rlimits is not an array" },
		{ P(OKP ",\"rlimits\":null"), "process.rlimits is not an array" },
		{ RL("1"), "process.rlimits[0] is not an object" },
		{ RL(R1 ",[]"), "process.rlimits[1] is not an object" },
		{ RL("{" RT "," RH "," RS ",\"extra\":1}"), "unknown key 'extra' in process.rlimits[0]" },
		{ RL("{" RT "," RH "}"), "process.rlimits[0] needs type, hard and soft" },
		{ RL("{" RT "," RS "}"), "process.rlimits[0] needs type, hard and soft" },
		{ RL("{" RH "," RS "}"), "process.rlimits[0] needs type, hard and soft" },
		{ RL("{}"), "process.rlimits[0] needs type, hard and soft" },
		{ RL("{\"type\":5," RH "," RS "}"), "process.rlimits[0].type is not a string" },
		{ RL("{\"type\":[\"RLIMIT_NOFILE\"]," RH "," RS "}"), "process.rlimits[0].type is not a string" },
		{ RL("{\"type\":\"RLIMIT_FOO\"," RH "," RS "}"),
		  "process.rlimits[0].type: unknown resource 'RLIMIT_FOO' (want RLIMIT_NOFILE...)" },
		{ RL("{\"type\":\"nofile\"," RH "," RS "}"), "unknown resource 'nofile'" },
		{ RL("{\"type\":\"rlimit_nofile\"," RH "," RS "}"), "unknown resource 'rlimit_nofile'" },
		{ RL("{\"type\":\"RLIMIT_NOFILE \"," RH "," RS "}"), "unknown resource" },
		{ RL("{\"type\":\"\"," RH "," RS "}"), "unknown resource ''" },
		{ RL("{\"type\":\"RLIMIT_NOFILE\\u0000\"," RH "," RS "}"),
		  "process.rlimits[0].type holds a NUL character" },
		{ RL("{" RT ",\"hard\":\"1024\"," RS "}"), "process.rlimits[0].hard is not an integer" },
		{ RL("{" RT "," RH ",\"soft\":1.5}"), "process.rlimits[0].soft is not an integer" },
		{ RL("{" RT "," RH ",\"soft\":1e3}"), "process.rlimits[0].soft is not an integer" },
		{ RL("{" RT "," RH ",\"soft\":true}"), "process.rlimits[0].soft is not an integer" },
		{ RL("{" RT "," RH ",\"soft\":null}"), "process.rlimits[0].soft is not an integer" },
		{ RL("{" RT ",\"hard\":-1," RS "}"),
		  "process.rlimits[0].hard is out of range (0 to 9223372036854775807, or 18446744073709551615 for unlimited)" },
		{ RL("{" RT "," RH ",\"soft\":-99999999999999999999999}"), "process.rlimits[0].soft is out of range" },
		{ RL("{" RT ",\"hard\":9223372036854775808," RS "}"), "process.rlimits[0].hard is out of range" },
		{ RL("{" RT ",\"hard\":18446744073709551614," RS "}"), "process.rlimits[0].hard is out of range" },
		{ RL(R1 ",{\"type\":\"RLIMIT_CORE\",\"hard\":1,\"soft\":-5}"), "process.rlimits[1].soft is out of range" },
		/* json-c reads these as 18446744073709551615: they are not. */
		{ RL("{" RT ",\"hard\":18446744073709551616," RS "}"),
		  "run spec: an integer is above 18446744073709551615" },
		{ RL("{" RT ",\"hard\":99999999999999999999999," RS "}"), "an integer is above 18446744073709551615" },
		{ RL("{" RT ",\"hard\":18446744073709551615,\"soft\":100000000000000000000}"),
		  "an integer is above 18446744073709551615" },
		{ RL("{" RT ",\"hard\":1024,\"soft\":2048}"),
		  "run spec: rlimit nofile: the soft limit 2048 is above the hard limit 1024" },
		{ RL("{" RT ",\"hard\":1024,\"soft\":18446744073709551615}"),
		  "rlimit nofile: the soft limit unlimited is above the hard limit 1024" },
		{ RL(R1 "," R1), "run spec: rlimit nofile is set twice" },
		{ RL(R1 ",{\"type\":\"RLIMIT_CORE\",\"hard\":0,\"soft\":0},"
		     "{\"soft\":5,\"hard\":6,\"type\":\"RLIMIT_NOFILE\"}"), "rlimit nofile is set twice" },
	};
	struct run_spec s;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		if (run_spec_from_json(bad[i].json, strlen(bad[i].json), &s, err,
				       sizeof(err)) != -1)
			fail_msg("accepted: %s", bad[i].json);
		if (!strstr(err, bad[i].msg))
			fail_msg("%s: got '%s', want '%s'", bad[i].json, err, bad[i].msg);
		if (strncmp(err, "run spec: ", 10))
			fail_msg("%s: '%s' lacks the prefix", bad[i].json, err);
		assert_null(s.args);
		assert_null(s.env);
		assert_null(s.cwd);
		assert_null(s.mounts);
		assert_int_equal(s.nr_rlimits, 0);
	}
}

static void test_limits(void **state)
{
	const char head[] = "{\"process\":{" U "," C ",\"args\":[";
	size_t i, len = RUN_JSON_MAX + 1;
	char *buf = malloc(len + 100), *p;
	struct run_spec s;

	/* A NUL byte in the text itself. */
	assert_int_equal(run_spec_from_json("{}\0", 3, &s, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "run spec: holds a NUL byte"));
	/* Too long, whatever it holds. */
	memset(buf, ' ', len);
	assert_int_equal(run_spec_from_json(buf, len, &s, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "65537 bytes: at most 65536"));
	/* 4097 arguments fit in 64 KiB but are too many. */
	p = buf + sprintf(buf, "%s", head);
	for (i = 0; i <= RUN_MAX_ENTRIES; i++)
		p += sprintf(p, "%s\"a\"", i ? "," : "");
	p += sprintf(p, "]}}");
	assert_int_equal(run_spec_from_json(buf, p - buf, &s, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "process.args has 4097 entries: at most 4096"));
	/* 33 mounts. */
	p = buf + sprintf(buf, "{\"process\":{" OKP "},\"mounts\":[");
	for (i = 0; i <= RUN_MAX_MOUNTS; i++)
		p += sprintf(p, "%s{" MT "," MS "," MO ",\"destination\":\"/m%zu\"}",
			     i ? "," : "", i);
	p += sprintf(p, "]}");
	assert_int_equal(run_spec_from_json(buf, p - buf, &s, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "run spec: 33 mounts: at most 32 are allowed"));
	/* 32 are fine. */
	p = strrchr(buf, '{');
	p[-1] = ']';
	p[0] = '}';
	assert_int_equal(run_spec_from_json(buf, p + 1 - buf, &s, err, sizeof(err)), 0);
	assert_int_equal(s.nr_mounts, RUN_MAX_MOUNTS);
	assert_string_equal(s.mounts[31].target, "/m31");
	run_spec_free(&s);
	/* 17 rlimits: too many, whatever they hold. */
	p = buf + sprintf(buf, "{\"process\":{" OKP ",\"rlimits\":[");
	for (i = 0; i <= RUN_MAX_RLIMITS; i++)
		p += sprintf(p, "%s{\"type\":\"RLIMIT_NOFILE\",\"hard\":1,\"soft\":1}",
			     i ? "," : "");
	p += sprintf(p, "]}}");
	assert_int_equal(run_spec_from_json(buf, p - buf, &s, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "run spec: 17 rlimits: at most 16 are allowed"));
	assert_int_equal(s.nr_rlimits, 0);
	free(buf);
}

static void test_to_json_limit(void **state)
{
	char **args = calloc(3, sizeof(*args)), *json;
	struct run_spec s = { .args = args, .env = V(NULL), .cwd = "/" };

	args[0] = "/bin/x";
	args[1] = malloc(RUN_JSON_MAX);
	memset(args[1], 'a', RUN_JSON_MAX - 1);
	args[1][RUN_JSON_MAX - 1] = '\0';
	assert_int_equal(run_spec_to_json(&s, &json, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "bytes of JSON: at most 65536 are allowed"));
	assert_null(json);
	free(args[1]);
	free(args);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_shape),
		cmocka_unit_test(test_accepts),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_to_json_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
