// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of cohortd's health check rules (cmd/cohortd/healthrule.c):
 * failures count after the first pass or after the start grace, a pass
 * clears the count, the threshold is reached in a row only; the next
 * check's time; the timeouts; what cohort exec's exit says.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "healthrule.h"

#define T0	1000000LL	/* watched since */

static void test_counting(void **state)
{
	struct cd_hstate st = { .since = T0 };
	int i;

	(void)state;
	/* before any pass, within the grace: shown, not counted */
	for (i = 0; i < 50; i++)
		assert_false(cd_health_note(&st, false, T0 + i * 1000, 3));
	assert_int_equal(st.last, CD_HEALTH_FAILING);
	assert_int_equal(st.fails, 0);
	assert_false(st.counting);
	assert_int_equal(st.checks, 50);
	/* a pass: failures count from now on, and the next ones add up */
	assert_false(cd_health_note(&st, true, T0 + 51000, 3));
	assert_true(st.ever_ok);
	assert_int_equal(st.last, CD_HEALTH_OK);
	assert_false(cd_health_note(&st, false, T0 + 52000, 3));
	assert_false(cd_health_note(&st, false, T0 + 53000, 3));
	assert_int_equal(st.fails, 2);
	/* a pass in between starts over: "in a row" */
	assert_false(cd_health_note(&st, true, T0 + 54000, 3));
	assert_int_equal(st.fails, 0);
	assert_false(cd_health_note(&st, false, T0 + 55000, 3));
	assert_false(cd_health_note(&st, false, T0 + 56000, 3));
	assert_true(cd_health_note(&st, false, T0 + 57000, 3));
	assert_int_equal(st.fails, 3);
}

static void test_grace(void **state)
{
	struct cd_hstate st = { .since = T0 };

	(void)state;
	/* never passing: counted once the grace is over */
	assert_false(cd_health_note(&st, false, T0 + CD_HEALTH_GRACE_MS - 1, 1));
	assert_false(st.counting);
	assert_true(cd_health_note(&st, false, T0 + CD_HEALTH_GRACE_MS, 1));
	assert_true(st.counting);
	assert_false(st.ever_ok);
	/* threshold 1: the first counted failure */
	st = (struct cd_hstate){ .since = T0 };
	assert_false(cd_health_note(&st, true, T0 + 10, 1));
	assert_true(cd_health_note(&st, false, T0 + 20, 1));
	/* past the threshold it keeps saying so */
	assert_true(cd_health_note(&st, false, T0 + 30, 1));
}

static void test_schedule(void **state)
{
	(void)state;
	/* every interval from the start of the last */
	assert_int_equal(cd_health_next(1000, 1020, 500), 1500);
	/* never before the last one ended */
	assert_int_equal(cd_health_next(1000, 1700, 500), 1700);
	assert_int_equal(cd_health_timeout(false, 10), 10);
	assert_int_equal(cd_health_timeout(false, 60000), 60000);
	assert_int_equal(cd_health_timeout(true, 1000), CD_HEALTH_CMD_MIN_MS);
	assert_int_equal(cd_health_timeout(true, 30000), 30000);
}

static void test_exec_result(void **state)
{
	char why[512];

	(void)state;
	assert_true(cd_health_exec_result(0, "", 1000, why, sizeof(why)));
	assert_string_equal(why, "");
	assert_false(cd_health_exec_result(3 << 8, "not ready", 1000, why,
					   sizeof(why)));
	assert_string_equal(why, "the command exited with status 3: not ready");
	assert_false(cd_health_exec_result(1 << 8, "", 1000, why, sizeof(why)));
	assert_string_equal(why, "the command exited with status 1");
	assert_false(cd_health_exec_result(124 << 8, "cohort: exec: ...", 10000,
					   why, sizeof(why)));
	assert_string_equal(why, "the command ran longer than 10000 ms");
	assert_false(cd_health_exec_result(125 << 8,
		"cohort: exec: web does not answer on vsock port 1001", 1000,
		why, sizeof(why)));
	assert_non_null(strstr(why, "cohort exec failed: cohort: exec: web does not answer"));
	assert_false(cd_health_exec_result(127 << 8, "x: not found", 1000, why,
					   sizeof(why)));
	assert_string_equal(why, "the command could not be run (127): x: not found");
	/* killed by cohortd for overrunning */
	assert_false(cd_health_exec_result(9, "", 1000, why, sizeof(why)));
	assert_string_equal(why, "cohort exec did not end (signal 9)");
	/* 128 + N from the command itself is its status */
	assert_false(cd_health_exec_result(137 << 8, "", 1000, why, sizeof(why)));
	assert_string_equal(why, "the command exited with status 137");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counting),
		cmocka_unit_test(test_grace),
		cmocka_unit_test(test_schedule),
		cmocka_unit_test(test_exec_result),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
