// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of lib/cohort/parse.c: CPU lists, sizes, addresses, names,
 * timeouts, command lines, bounded numbers and ages.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "cohort/parse.h"

#define NBITS COHORT_MAX_CPUS

/* Parses @s strictly and returns it formatted back, or the error. */
static const char *cpulist(const char *s, int *ret)
{
	static char out[COHORT_ERR_MAX];
	__u64 mask[COHORT_CPU_WORDS];

	*ret = cohort_parse_cpulist(s, mask, NBITS, 0, out, sizeof(out));
	if (!*ret)
		assert_int_equal(cohort_format_cpulist(mask, NBITS, out,
						       sizeof(out)), 0);
	return out;
}

static void expect_list(const char *s, const char *want)
{
	int ret;
	const char *got = cpulist(s, &ret);

	if (ret)
		fail_msg("'%s' refused: %s", s, got);
	assert_string_equal(got, want);
}

static void expect_bad_list(const char *s, int err, const char *msg)
{
	int ret;
	const char *got = cpulist(s, &ret);

	if (ret != err)
		fail_msg("'%s': got %d (%s), want %d", s, ret, got, err);
	if (msg)
		assert_string_equal(got, msg);
}

static void test_cpulist_valid(void **state)
{
	expect_list("1", "1");
	expect_list("2-3,6", "2-3,6");
	expect_list("6,2-3", "2-3,6");
	expect_list("0", "0");
	expect_list("1023", "1023");
	expect_list("1-1023", "1-1023");
	expect_list("5-5", "5");
	expect_list("007", "7");
	expect_list("1,3,5,7", "1,3,5,7");
	expect_list("1,2,3", "1-3");
	expect_list("63,64", "63-64");
	expect_list("0-7:2", "0,2,4,6");
	expect_list("1-8:3", "1,4,7");
	expect_list("2-3:1", "2-3");
	expect_list("4-4:9", "4");
	expect_list("0-1023:1023", "0,1023");
	expect_list("1-2,8-15:4,20", "1-2,8,12,20");
}

static void test_cpulist_bitmap(void **state)
{
	__u64 mask[COHORT_CPU_WORDS];

	assert_int_equal(cohort_parse_cpulist("1,63-64,1023", mask, NBITS, 0,
					      NULL, 0), 0);
	assert_int_equal(mask[0], (1ULL << 1) | (1ULL << 63));
	assert_int_equal(mask[1], 1ULL);
	assert_int_equal(mask[15], 1ULL << 63);
	assert_true(cohort_cpu_isset(mask, 64));
	assert_false(cohort_cpu_isset(mask, 2));
	assert_int_equal(cohort_cpulist_weight(mask, NBITS), 4);
}

static void test_cpulist_malformed(void **state)
{
	expect_bad_list("", -EINVAL, "the CPU list is empty");
	expect_bad_list(NULL, -EINVAL, "no CPU list");
	expect_bad_list(",", -EINVAL,
			"invalid CPU list ',': expected a CPU number at ','");
	expect_bad_list("1,", -EINVAL,
			"invalid CPU list '1,': expected a CPU number at the end");
	expect_bad_list(",1", -EINVAL, NULL);
	expect_bad_list("1,,2", -EINVAL,
			"invalid CPU list '1,,2': expected a CPU number at ',2'");
	expect_bad_list("2-", -EINVAL,
			"invalid CPU list '2-': expected a CPU number at the end");
	expect_bad_list("-2", -EINVAL,
			"invalid CPU list '-2': expected a CPU number at '-2'");
	expect_bad_list("1-2-3", -EINVAL,
			"invalid CPU list '1-2-3': unexpected characters at '-3'");
	expect_bad_list("a", -EINVAL,
			"invalid CPU list 'a': expected a CPU number at 'a'");
	expect_bad_list("1x", -EINVAL,
			"invalid CPU list '1x': unexpected characters at 'x'");
	expect_bad_list("1 2", -EINVAL,
			"invalid CPU list '1 2': unexpected characters at ' 2'");
	expect_bad_list(" 1", -EINVAL, NULL);
	expect_bad_list("1 ", -EINVAL, NULL);
	expect_bad_list("1\n", -EINVAL,
			"invalid CPU list '1\\x0a': unexpected characters at '\\x0a'");
	expect_bad_list("+1", -EINVAL, NULL);
	expect_bad_list("0x2", -EINVAL, NULL);
	expect_bad_list("1.5", -EINVAL, NULL);
	expect_bad_list("1;2", -EINVAL, NULL);
	expect_bad_list("3:2", -EINVAL,
			"invalid CPU list '3:2': unexpected characters at ':2'");
	expect_bad_list("0-7:", -EINVAL,
			"invalid CPU list '0-7:': expected a stride at the end");
	expect_bad_list("0-7:x", -EINVAL,
			"invalid CPU list '0-7:x': expected a stride at 'x'");
	expect_bad_list("0-7:0", -EINVAL,
			"invalid CPU list '0-7:0': a stride must be at least 1");
	expect_bad_list("0-7:2:2", -EINVAL, NULL);
	expect_bad_list("0-7:-1", -EINVAL, NULL);
}

static void test_cpulist_reversed(void **state)
{
	expect_bad_list("5-3", -EINVAL,
			"invalid CPU list: the range 5-3 is reversed (write 3-5)");
	expect_bad_list("1,9-8", -EINVAL, NULL);
	expect_bad_list("7-0:2", -EINVAL, NULL);
}

static void test_cpulist_range(void **state)
{
	expect_bad_list("1024", -ERANGE,
			"CPU 1024 is too large (Cohort supports CPUs 0-1023)");
	expect_bad_list("1-1024", -ERANGE,
			"CPU 1024 is too large (Cohort supports CPUs 0-1023)");
	expect_bad_list("2000-1", -ERANGE, NULL);
	expect_bad_list("4294967295", -ERANGE, NULL);
	expect_bad_list("4294967296", -ERANGE,
			"CPU number in '4294967296' is too large (Cohort supports CPUs 0-1023)");
	expect_bad_list("99999999999999999999999", -ERANGE, NULL);
	expect_bad_list("1-99999999999999999999999", -ERANGE, NULL);
	expect_bad_list("1-5:99999999999999999999", -ERANGE, NULL);
}

static void test_cpulist_duplicates(void **state)
{
	expect_bad_list("2,2", -EINVAL,
			"invalid CPU list: CPU 2 is named twice");
	expect_bad_list("1-4,3", -EINVAL,
			"invalid CPU list: CPU 3 is named twice");
	expect_bad_list("1-4,4-6", -EINVAL, NULL);
	expect_bad_list("0-8:2,4", -EINVAL, NULL);
	/* Strides that do not meet are fine. */
	expect_list("0-8:2,1-9:2", "0-9");
}

static void test_cpulist_lenient(void **state)
{
	__u64 mask[COHORT_CPU_WORDS];
	char out[64];

	assert_int_equal(cohort_parse_cpulist("0-3\n", mask, NBITS,
					      COHORT_CPULIST_LENIENT, NULL, 0),
			 0);
	cohort_format_cpulist(mask, NBITS, out, sizeof(out));
	assert_string_equal(out, "0-3");
	assert_int_equal(cohort_parse_cpulist("\n", mask, NBITS,
					      COHORT_CPULIST_LENIENT, NULL, 0),
			 0);
	assert_int_equal(cohort_cpulist_weight(mask, NBITS), 0);
	assert_int_equal(cohort_parse_cpulist("0-2000\n", mask, NBITS,
					      COHORT_CPULIST_LENIENT, NULL, 0),
			 0);
	assert_int_equal(cohort_cpulist_weight(mask, NBITS), NBITS);
	assert_int_equal(cohort_parse_cpulist("1,1-2", mask, NBITS,
					      COHORT_CPULIST_LENIENT, NULL, 0),
			 0);
	assert_int_equal(cohort_cpulist_weight(mask, NBITS), 2);
	assert_int_equal(cohort_parse_cpulist("1,,2\n", mask, NBITS,
					      COHORT_CPULIST_LENIENT, NULL, 0),
			 -EINVAL);
}

static void test_cpulist_format(void **state)
{
	__u64 mask[COHORT_CPU_WORDS] = { 0 };
	char out[8];

	assert_int_equal(cohort_format_cpulist(mask, NBITS, out, sizeof(out)),
			 0);
	assert_string_equal(out, "");
	mask[0] = 0x55;		/* 0,2,4,6: just fits */
	assert_int_equal(cohort_format_cpulist(mask, NBITS, out, sizeof(out)),
			 0);
	assert_string_equal(out, "0,2,4,6");
	mask[0] = 0x155;	/* 0,2,4,6,8 */
	assert_int_equal(cohort_format_cpulist(mask, NBITS, out, sizeof(out)),
			 -ENOSPC);
	assert_string_equal(out, "0,2,4,6");
}

static void expect_size(const char *s, __u64 want)
{
	char err[COHORT_ERR_MAX] = "";
	__u64 v = 0;

	if (cohort_parse_size(s, &v, err, sizeof(err)))
		fail_msg("'%s' refused: %s", s, err);
	assert_int_equal(v, want);
}

static void expect_bad_size(const char *s, int want, const char *msg)
{
	char err[COHORT_ERR_MAX] = "";
	__u64 v = 0;
	int ret = cohort_parse_size(s, &v, err, sizeof(err));

	if (ret != want)
		fail_msg("'%s': got %d, want %d", s, ret, want);
	if (msg)
		assert_string_equal(err, msg);
}

static void test_size(void **state)
{
	expect_size("0", 0);
	expect_size("33554432", 32ULL << 20);
	expect_size("1K", 1024);
	expect_size("1k", 1024);
	expect_size("1KiB", 1024);
	expect_size("1kib", 1024);
	expect_size("512M", 512ULL << 20);
	expect_size("512MiB", 512ULL << 20);
	expect_size("512m", 512ULL << 20);
	expect_size("2G", 2ULL << 30);
	expect_size("2GiB", 2ULL << 30);
	expect_size("1T", 1ULL << 40);
	expect_size("1TiB", 1ULL << 40);
	expect_size("16777215T", 16777215ULL << 40);
	expect_size("18446744073709551615", UINT64_MAX);
	expect_size("0512M", 512ULL << 20);

	expect_bad_size("", -EINVAL, "the size is empty");
	expect_bad_size(NULL, -EINVAL, NULL);
	expect_bad_size("M", -EINVAL,
			"invalid size 'M': expected a number of bytes, optionally followed by K, M, G or T");
	expect_bad_size("-1", -EINVAL, NULL);
	expect_bad_size("+1", -EINVAL, NULL);
	expect_bad_size(" 1", -EINVAL, NULL);
	expect_bad_size("1 M", -EINVAL, NULL);
	expect_bad_size("1M ", -EINVAL, NULL);
	expect_bad_size("512MB", -EINVAL,
			"invalid size '512MB': unknown unit 'MB' (use K, M, G, T or KiB, MiB, GiB, TiB; powers of 1024)");
	expect_bad_size("1P", -EINVAL, NULL);
	expect_bad_size("1Mi", -EINVAL, NULL);
	expect_bad_size("1MM", -EINVAL, NULL);
	expect_bad_size("0x100", -EINVAL, NULL);
	expect_bad_size("1.5G", -EINVAL,
			"invalid size '1.5G': fractions are not accepted; use a smaller unit");
	expect_bad_size("18446744073709551616", -ERANGE,
			"size '18446744073709551616' is too large");
	expect_bad_size("16777216T", -ERANGE, NULL);
	expect_bad_size("17179869184G", -ERANGE, NULL);
	expect_bad_size("99999999999999999999999K", -ERANGE, NULL);
}

static void test_mem_size(void **state)
{
	char err[COHORT_ERR_MAX];

	assert_int_equal(cohort_check_mem_size(32ULL << 20, err, sizeof(err)),
			 0);
	assert_int_equal(cohort_check_mem_size(34ULL << 20, err, sizeof(err)),
			 0);
	assert_int_equal(cohort_check_mem_size(1ULL << 40, err, sizeof(err)),
			 0);
	assert_int_equal(cohort_check_mem_size(0, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "the memory size must not be 0");
	assert_int_equal(cohort_check_mem_size(30ULL << 20, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err,
			    "the memory size 30 MiB is below the minimum of 32 MiB");
	assert_int_equal(cohort_check_mem_size(1, err, sizeof(err)), -EINVAL);
	assert_string_equal(err,
			    "the memory size 1 bytes is below the minimum of 32 MiB");
	assert_int_equal(cohort_check_mem_size(33ULL << 20, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err,
			    "the memory size 33 MiB is not a multiple of 2 MiB");
	assert_int_equal(cohort_check_mem_size((64ULL << 20) + 4096, err,
					       sizeof(err)), -EINVAL);
	assert_string_equal(err,
			    "the memory size 65540 KiB is not a multiple of 2 MiB");
}

static void test_format_size(void **state)
{
	char buf[COHORT_SIZE_STR_MAX];

	cohort_format_size(0, false, buf, sizeof(buf));
	assert_string_equal(buf, "0 bytes");
	cohort_format_size(1000, true, buf, sizeof(buf));
	assert_string_equal(buf, "1000");
	cohort_format_size(1536ULL << 20, false, buf, sizeof(buf));
	assert_string_equal(buf, "1536 MiB");
	cohort_format_size(1536ULL << 20, true, buf, sizeof(buf));
	assert_string_equal(buf, "1536M");
	cohort_format_size(1ULL << 30, true, buf, sizeof(buf));
	assert_string_equal(buf, "1G");
	cohort_format_size(1ULL << 50, true, buf, sizeof(buf));
	assert_string_equal(buf, "1024T");
	cohort_format_size(UINT64_MAX, false, buf, sizeof(buf));
	assert_string_equal(buf, "18446744073709551615 bytes");
}

static void test_addr(void **state)
{
	char err[COHORT_ERR_MAX];
	__u64 v;

	assert_int_equal(cohort_parse_addr("0x100000000", &v, err,
					   sizeof(err)), 0);
	assert_int_equal(v, 1ULL << 32);
	assert_int_equal(cohort_parse_addr("0XfF", &v, err, sizeof(err)), 0);
	assert_int_equal(v, 255);
	assert_int_equal(cohort_parse_addr("4096", &v, err, sizeof(err)), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(cohort_parse_addr("010", &v, err, sizeof(err)), 0);
	assert_int_equal(v, 10);
	assert_int_equal(cohort_parse_addr("0xffffffffffffffff", &v, err,
					   sizeof(err)), 0);
	assert_int_equal(v, UINT64_MAX);

	assert_int_equal(cohort_parse_addr("", &v, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "the address is empty");
	assert_int_equal(cohort_parse_addr("0x", &v, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err,
			    "invalid address '0x': expected hexadecimal 0x... or decimal");
	assert_int_equal(cohort_parse_addr("0xg", &v, err, sizeof(err)),
			 -EINVAL);
	assert_int_equal(cohort_parse_addr("12ab", &v, err, sizeof(err)),
			 -EINVAL);
	assert_int_equal(cohort_parse_addr("-1", &v, err, sizeof(err)),
			 -EINVAL);
	assert_int_equal(cohort_parse_addr("1G", &v, err, sizeof(err)),
			 -EINVAL);
	assert_int_equal(cohort_parse_addr("0x10000000000000000", &v, err,
					   sizeof(err)), -ERANGE);
	assert_string_equal(err,
			    "address '0x10000000000000000' does not fit in 64 bits");
	assert_int_equal(cohort_parse_addr("18446744073709551616", &v, err,
					   sizeof(err)), -ERANGE);
}

static void expect_name(const char *s, int want, const char *msg)
{
	char err[COHORT_ERR_MAX] = "";
	int ret = cohort_check_name(s, err, sizeof(err));

	if (ret != want)
		fail_msg("'%s': got %d (%s), want %d", s, ret, err, want);
	if (msg)
		assert_string_equal(err, msg);
}

static void test_name(void **state)
{
	expect_name("web", 0, NULL);
	expect_name("a", 0, NULL);
	expect_name("A_b.c-9", 0, NULL);
	expect_name("0", 0, NULL);
	expect_name("_x", 0, NULL);
	expect_name("x.", 0, NULL);
	expect_name("x-", 0, NULL);
	expect_name("abcdefghijklmnopqrstuvwxyz01234", 0, NULL);	/* 31 */

	expect_name("", -EINVAL, "the instance name is empty");
	expect_name(NULL, -EINVAL, NULL);
	expect_name("abcdefghijklmnopqrstuvwxyz012345", -EINVAL,
		    "invalid instance name 'abcdefghijklmnopqrstuvwxyz012345': 32 characters, at most 31 are allowed");
	expect_name(".x", -EINVAL,
		    "invalid instance name '.x': it must not start with '.' or '-'");
	expect_name("-x", -EINVAL, NULL);
	expect_name(".", -EINVAL, NULL);
	expect_name("..", -EINVAL, NULL);
	expect_name("a b", -EINVAL,
		    "invalid instance name 'a b': ' ' is not allowed (use letters, digits, '_', '.' and '-')");
	expect_name("a/b", -EINVAL, NULL);
	expect_name("a:b", -EINVAL, NULL);
	expect_name("a\nb", -EINVAL,
		    "invalid instance name 'a\\x0ab': '\\x0a' is not allowed (use letters, digits, '_', '.' and '-')");
	expect_name("caf\xc3\xa9", -EINVAL, NULL);
	expect_name("a'b", -EINVAL,
		    "invalid instance name 'a\\'b': '\\'' is not allowed (use letters, digits, '_', '.' and '-')");
}

/* Region names: the same rules, messages that say "region". */
static void test_name_of(void **state)
{
	char err[COHORT_ERR_MAX] = "";

	assert_int_equal(cohort_check_name_of("data", "region", err,
					      sizeof(err)), 0);
	assert_int_equal(cohort_check_name_of("", "region", err,
					      sizeof(err)), -EINVAL);
	assert_string_equal(err, "the region name is empty");
	assert_int_equal(cohort_check_name_of("a/b", "region", err,
					      sizeof(err)), -EINVAL);
	assert_string_equal(err,
		"invalid region name 'a/b': '/' is not allowed (use letters, digits, '_', '.' and '-')");
	assert_int_equal(cohort_check_name_of("-x", "region", err,
					      sizeof(err)), -EINVAL);
	assert_string_equal(err,
		"invalid region name '-x': it must not start with '.' or '-'");
}

static void test_timeout(void **state)
{
	char err[COHORT_ERR_MAX];
	__u32 ms;

	assert_int_equal(cohort_parse_timeout("10", &ms, err, sizeof(err)), 0);
	assert_int_equal(ms, 10000);
	assert_int_equal(cohort_parse_timeout("2.5", &ms, err, sizeof(err)), 0);
	assert_int_equal(ms, 2500);
	assert_int_equal(cohort_parse_timeout("0.001", &ms, err, sizeof(err)),
			 0);
	assert_int_equal(ms, 1);
	assert_int_equal(cohort_parse_timeout("4294967", &ms, err,
					      sizeof(err)), 0);
	assert_int_equal(ms, 4294967000U);
	assert_int_equal(cohort_parse_timeout("4294967.295", &ms, err,
					      sizeof(err)), 0);
	assert_int_equal(ms, UINT32_MAX);

	assert_int_equal(cohort_parse_timeout("0", &ms, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "the timeout must be more than 0 seconds");
	assert_int_equal(cohort_parse_timeout("0.0001", &ms, err, sizeof(err)),
			 -EINVAL);
	assert_int_equal(cohort_parse_timeout("", &ms, err, sizeof(err)),
			 -EINVAL);
	assert_int_equal(cohort_parse_timeout("1.", &ms, err, sizeof(err)),
			 -EINVAL);
	assert_int_equal(cohort_parse_timeout("-1", &ms, err, sizeof(err)),
			 -EINVAL);
	assert_int_equal(cohort_parse_timeout("1s", &ms, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err,
			    "invalid timeout '1s': expected seconds, such as 10 or 2.5 (at most 3 decimals)");
	assert_int_equal(cohort_parse_timeout("4294967.296", &ms, err,
					      sizeof(err)), -ERANGE);
	assert_string_equal(err,
			    "timeout '4294967.296' is too long (at most 4294967 seconds)");
	assert_int_equal(cohort_parse_timeout("99999999999999999999", &ms,
					      err, sizeof(err)), -ERANGE);
}

static void test_cmdline(void **state)
{
	char line[COHORT_CMDLINE_MAX + 1], err[COHORT_ERR_MAX];

	assert_int_equal(cohort_check_cmdline("", err, sizeof(err)), 0);
	memset(line, 'x', sizeof(line));
	line[COHORT_CMDLINE_MAX - 1] = '\0';
	assert_int_equal(cohort_check_cmdline(line, err, sizeof(err)), 0);
	line[COHORT_CMDLINE_MAX - 1] = 'x';
	line[COHORT_CMDLINE_MAX] = '\0';
	assert_int_equal(cohort_check_cmdline(line, err, sizeof(err)), -E2BIG);
	assert_string_equal(err,
			    "the command line is 2048 bytes long, at most 2047 are allowed");
}

static void test_uint(void **state)
{
	char err[COHORT_ERR_MAX];
	__u32 v;

	assert_int_equal(cohort_parse_uint("10", "heartbeat period",
					   "milliseconds", 10, 10000, &v, err,
					   sizeof(err)), 0);
	assert_int_equal(v, 10);
	assert_int_equal(cohort_parse_uint("10000", "period", NULL, 10, 10000,
					   &v, err, sizeof(err)), 0);
	assert_int_equal(v, 10000);
	assert_int_equal(cohort_parse_uint("010", "period", NULL, 1, 100, &v,
					   err, sizeof(err)), 0);
	assert_int_equal(v, 10);

	assert_int_equal(cohort_parse_uint("9", "heartbeat period",
					   "milliseconds", 10, 10000, &v, err,
					   sizeof(err)), -ERANGE);
	assert_string_equal(err,
			    "the heartbeat period must be from 10 to 10000 milliseconds, not 9");
	assert_int_equal(cohort_parse_uint("0", "number of misses", NULL, 1,
					   1000, &v, err, sizeof(err)),
			 -ERANGE);
	assert_string_equal(err,
			    "the number of misses must be from 1 to 1000, not 0");
	assert_int_equal(cohort_parse_uint("99999999999999999999", "n", NULL,
					   1, 1000, &v, err, sizeof(err)),
			 -ERANGE);
	assert_int_equal(cohort_parse_uint("4294967296", "n", NULL, 0,
					   UINT32_MAX, &v, err, sizeof(err)),
			 -ERANGE);
	assert_int_equal(cohort_parse_uint("10ms", "heartbeat period",
					   "milliseconds", 10, 10000, &v, err,
					   sizeof(err)), -EINVAL);
	assert_string_equal(err,
			    "invalid heartbeat period '10ms': expected a whole number of milliseconds from 10 to 10000");
	assert_int_equal(cohort_parse_uint("", "number of misses", NULL, 1,
					   1000, &v, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err,
			    "invalid number of misses '': expected a whole number from 1 to 1000");
	assert_int_equal(cohort_parse_uint("-1", "n", NULL, 1, 9, &v, err,
					   sizeof(err)), -EINVAL);
	assert_int_equal(cohort_parse_uint("+1", "n", NULL, 1, 9, &v, err,
					   sizeof(err)), -EINVAL);
	assert_int_equal(cohort_parse_uint(" 1", "n", NULL, 1, 9, &v, err,
					   sizeof(err)), -EINVAL);
	assert_int_equal(cohort_parse_uint("1 ", "n", NULL, 1, 9, &v, err,
					   sizeof(err)), -EINVAL);
	assert_int_equal(cohort_parse_uint("0x5", "n", NULL, 1, 9, &v, err,
					   sizeof(err)), -EINVAL);
	assert_int_equal(cohort_parse_uint("1.5", "n", NULL, 1, 9, &v, err,
					   sizeof(err)), -EINVAL);
	assert_int_equal(cohort_parse_uint(NULL, "n", NULL, 1, 9, &v, err,
					   sizeof(err)), -EINVAL);
	assert_int_equal(v, 10);	/* refusals leave it alone */
}

static void test_format_age(void **state)
{
	static const struct {
		__u64 ms;
		const char *want;
	} cases[] = {
		{ 0, "0ms" }, { 120, "120ms" }, { 9999, "9999ms" },
		{ 10000, "10s" }, { 10999, "10s" }, { 599999, "599s" },
		{ 600000, "10m" }, { 35999999, "599m" }, { 36000000, "10h" },
		{ 863999999, "239h" }, { 864000000, "10d" },
		{ UINT64_MAX, "213503982334d" },
	};
	char buf[COHORT_AGE_STR_MAX];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cohort_format_age_ms(cases[i].ms, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].want);
	}
}

static void test_quote(void **state)
{
	char buf[12];

	cohort_quote("abc", buf, sizeof(buf));
	assert_string_equal(buf, "abc");
	cohort_quote("a\tb", buf, sizeof(buf));
	assert_string_equal(buf, "a\\x09b");
	cohort_quote("0123456789abcdef", buf, sizeof(buf));
	assert_string_equal(buf, "01234567...");
	cohort_quote("0123456789a", buf, sizeof(buf));
	assert_string_equal(buf, "0123456789a");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpulist_valid),
		cmocka_unit_test(test_cpulist_bitmap),
		cmocka_unit_test(test_cpulist_malformed),
		cmocka_unit_test(test_cpulist_reversed),
		cmocka_unit_test(test_cpulist_range),
		cmocka_unit_test(test_cpulist_duplicates),
		cmocka_unit_test(test_cpulist_lenient),
		cmocka_unit_test(test_cpulist_format),
		cmocka_unit_test(test_size),
		cmocka_unit_test(test_mem_size),
		cmocka_unit_test(test_format_size),
		cmocka_unit_test(test_addr),
		cmocka_unit_test(test_name),
		cmocka_unit_test(test_name_of),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_cmdline),
		cmocka_unit_test(test_uint),
		cmocka_unit_test(test_format_age),
		cmocka_unit_test(test_quote),
	};

	return cmocka_run_group_tests_name("cohort_parse", tests, NULL, NULL);
}
