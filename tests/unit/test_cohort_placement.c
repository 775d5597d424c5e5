// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of lib/cohort/placement.c: the topology model (cores made of
 * SMT siblings, nodes, packages), the checks of a CPU list (split cores,
 * nodes, whole cores) and the choice of whole free cores for
 * "--cpu-count N": compact (the node with most free cores, the pool's
 * preference, --node, the highest-numbered cores) and spread (round-robin
 * over nodes and packages); what is never taken (CPU 0's core, a core
 * with a thread held, a core showing fewer threads, a CPU on no node);
 * and the refusals with what is free.
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
#include "cohort/placement.h"

static char err[2048];

static void mask_of(const char *list, __u64 *mask)
{
	assert_int_equal(cohort_parse_cpulist(list, mask, COHORT_MAX_CPUS,
					      COHORT_CPULIST_LENIENT, err,
					      sizeof(err)), 0);
}

static const char *list_of(const __u64 *mask)
{
	static char out[1024];

	assert_int_equal(cohort_format_cpulist(mask, COHORT_MAX_CPUS, out,
					       sizeof(out)), 0);
	return out;
}

static void join(struct cohort_topo *t, const char *list)
{
	__u64 m[COHORT_CPU_WORDS];

	mask_of(list, m);
	cohort_topo_join(t, m);
}

static void node(struct cohort_topo *t, unsigned int n, const char *list)
{
	__u64 m[COHORT_CPU_WORDS];

	mask_of(list, m);
	cohort_topo_set_node(t, n, m);
}

/* @present CPUs, each its own core on node 0. */
static void flat(struct cohort_topo *t, const char *present)
{
	__u64 m[COHORT_CPU_WORDS];

	mask_of(present, m);
	cohort_topo_init(t, m);
}

/*
 * The bench machine with SMT: CPUs 0-15, core i is CPUs i and i+8;
 * node 0 has cores 0-3 (CPUs 0-3,8-11), node 1 cores 4-7 (4-7,12-15).
 */
static void smt_two_nodes(struct cohort_topo *t)
{
	char pair[16];
	unsigned int i;

	flat(t, "0-15");
	for (i = 0; i < 8; i++) {
		snprintf(pair, sizeof(pair), "%u,%u", i, i + 8);
		join(t, pair);
	}
	cohort_topo_clear_nodes(t);
	node(t, 0, "0-3,8-11");
	node(t, 1, "4-7,12-15");
}

/* Places @count CPUs; returns the error, the list in "got". */
static int place(const struct cohort_topo *t, const char *free,
		 unsigned int count, enum cohort_place_how how, int nd,
		 const char *roomy, struct cohort_place *got)
{
	__u64 f[COHORT_CPU_WORDS], r[COHORT_CPU_WORDS];
	struct cohort_place_req req = {
		.count = count, .how = how, .node = nd,
		.roomy = roomy ? r : NULL,
	};

	mask_of(free, f);
	if (roomy)
		mask_of(roomy, r);
	err[0] = '\0';
	return cohort_place_cpus(t, f, &req, got, err, sizeof(err));
}

static void expect_place(const struct cohort_topo *t, const char *free,
			 unsigned int count, enum cohort_place_how how, int nd,
			 const char *roomy, const char *want, int want_node)
{
	struct cohort_place got;
	int ret = place(t, free, count, how, nd, roomy, &got);

	if (ret)
		fail_msg("%u CPUs from %s refused: %s", count, free, err);
	assert_string_equal(list_of(got.cpus), want);
	assert_int_equal(got.node, want_node);
}

static void test_flat(void **state)
{
	struct cohort_topo t;
	struct cohort_place got;
	__u64 m[COHORT_CPU_WORDS];

	(void)state;
	flat(&t, "0-7");
	assert_int_equal(cohort_topo_threads(&t), 1);
	cohort_topo_core(&t, 5, m);
	assert_string_equal(list_of(m), "5");
	/* as cohort picked before: the highest-numbered free CPUs */
	expect_place(&t, "1-7", 2, COHORT_PLACE_COMPACT, -1, NULL, "6-7", 0);
	expect_place(&t, "1-4,6", 3, COHORT_PLACE_COMPACT, -1, NULL, "3-4,6",
		     0);
	/* CPU 0 is never taken, whatever the free mask says */
	expect_place(&t, "0-7", 7, COHORT_PLACE_COMPACT, -1, NULL, "1-7", 0);
	assert_int_equal(place(&t, "0-7", 8, COHORT_PLACE_COMPACT, -1, NULL,
			       &got), -ENOSPC);
	assert_string_equal(err, "--cpu-count 8 needs 8 free cores of 1 thread; free: 7 cores (CPUs 1-7); CPU 0 stays with the primary");
	assert_int_equal(place(&t, "", 1, COHORT_PLACE_COMPACT, -1, NULL,
			       &got), -ENOSPC);
	assert_string_equal(err, "--cpu-count 1 needs 1 free core of 1 thread; free: none; CPU 0 stays with the primary");
	/* spread on one node and one package: as compact */
	expect_place(&t, "1-7", 3, COHORT_PLACE_SPREAD, -1, NULL, "5-7", 0);
}

static void test_join(void **state)
{
	struct cohort_topo t;
	__u64 m[COHORT_CPU_WORDS];

	(void)state;
	flat(&t, "0-11");
	join(&t, "5,9");
	join(&t, "1,5");	/* joins 1 to 5's core: 1,5,9 */
	cohort_topo_core(&t, 9, m);
	assert_string_equal(list_of(m), "1,5,9");
	assert_int_equal(t.core[9], 1);
	assert_int_equal(cohort_topo_threads(&t), 3);
	/* CPUs not present are left out of a core */
	join(&t, "2,40");
	cohort_topo_core(&t, 2, m);
	assert_string_equal(list_of(m), "2");
	cohort_topo_core(&t, 40, m);
	assert_string_equal(list_of(m), "40");
	/* a list of one CPU changes nothing */
	join(&t, "3");
	cohort_topo_core(&t, 3, m);
	assert_string_equal(list_of(m), "3");
}

static void test_smt_compact(void **state)
{
	struct cohort_topo t;
	struct cohort_place got;

	(void)state;
	smt_two_nodes(&t);
	assert_int_equal(cohort_topo_threads(&t), 2);
	/* node 1 has the most free cores (4 to node 0's 3) */
	expect_place(&t, "1-15", 2, COHORT_PLACE_COMPACT, -1, NULL, "7,15", 1);
	assert_int_equal(place(&t, "1-15", 2, COHORT_PLACE_COMPACT, -1, NULL,
			       &got), 0);
	assert_int_equal(got.cores, 1);
	assert_int_equal(got.threads, 2);
	assert_string_equal(list_of(got.nodes), "1");
	expect_place(&t, "1-15", 8, COHORT_PLACE_COMPACT, -1, NULL,
		     "4-7,12-15", 1);
	/* whole cores only */
	assert_int_equal(place(&t, "1-15", 3, COHORT_PLACE_COMPACT, -1, NULL,
			       &got), -EINVAL);
	assert_string_equal(err, "--cpu-count 3: cores here have 2 threads; ask for a multiple of 2, or use --cpus to split a core");
	/*
	 * A core with a thread held is not free: node 1 has 3 cores left,
	 * as many as node 0; ties go to the lowest node.
	 */
	expect_place(&t, "1-14", 6, COHORT_PLACE_COMPACT, -1, NULL,
		     "1-3,9-11", 0);
	expect_place(&t, "1-14", 2, COHORT_PLACE_COMPACT, -1, NULL, "3,11", 0);
	expect_place(&t, "1-13", 2, COHORT_PLACE_COMPACT, -1, NULL, "3,11", 0);
	expect_place(&t, "2-15", 2, COHORT_PLACE_COMPACT, -1, NULL, "7,15", 1);
	/* only node 0 (3 cores: CPU 0's is not free) can give 3 */
	expect_place(&t, "1-3,8-11,4,12", 6, COHORT_PLACE_COMPACT, -1, NULL,
		     "1-3,9-11", 0);
	assert_int_equal(place(&t, "1-15", 8, COHORT_PLACE_COMPACT, -1, NULL,
			       &got), 0);
	assert_int_equal(place(&t, "1-14", 8, COHORT_PLACE_COMPACT, -1, NULL,
			       &got), -ENOSPC);
	assert_string_equal(err, "--cpu-count 8 needs 4 free cores of 2 threads on one node; free: node 0: 3 cores (CPUs 1-3,9-11), node 1: 3 cores (CPUs 4-6,12-14); CPU 0's core stays with the primary");
}

static void test_cpu0_core(void **state)
{
	struct cohort_topo t;
	struct cohort_place got;

	(void)state;
	smt_two_nodes(&t);
	/* CPU 8 is free but its core is CPU 0's */
	assert_int_equal(place(&t, "8", 2, COHORT_PLACE_COMPACT, 0, NULL,
			       &got), -ENOSPC);
	assert_string_equal(err, "--cpu-count 2 needs 1 free core of 2 threads on node 0; free: node 0: none; CPU 0's core stays with the primary");
	expect_place(&t, "0-15", 6, COHORT_PLACE_SPREAD, 0, NULL, "1-3,9-11",
		     0);
}

static void test_node(void **state)
{
	struct cohort_topo t;
	struct cohort_place got;

	(void)state;
	smt_two_nodes(&t);
	expect_place(&t, "1-15", 2, COHORT_PLACE_COMPACT, 0, NULL, "3,11", 0);
	expect_place(&t, "1-15", 6, COHORT_PLACE_COMPACT, 0, NULL, "1-3,9-11",
		     0);
	assert_int_equal(place(&t, "1-15", 8, COHORT_PLACE_COMPACT, 0, NULL,
			       &got), -ENOSPC);
	assert_string_equal(err, "--cpu-count 8 needs 4 free cores of 2 threads on node 0; free: node 0: 3 cores (CPUs 1-3,9-11); CPU 0's core stays with the primary");
	assert_int_equal(place(&t, "1-15", 2, COHORT_PLACE_COMPACT, 2, NULL,
			       &got), -ENODEV);
	assert_string_equal(err, "--node 2: no CPU is on NUMA node 2 (CPUs are on nodes 0-1)");
	/* spread within one node: as compact there */
	expect_place(&t, "1-15", 4, COHORT_PLACE_SPREAD, 1, NULL, "6-7,14-15",
		     1);
}

static void test_roomy(void **state)
{
	struct cohort_topo t;

	(void)state;
	smt_two_nodes(&t);
	/* the pool has room on node 0 only: node 0 first */
	expect_place(&t, "1-15", 2, COHORT_PLACE_COMPACT, -1, "0", "3,11", 0);
	/* ... unless node 0 cannot give the cores */
	expect_place(&t, "1-15", 8, COHORT_PLACE_COMPACT, -1, "0",
		     "4-7,12-15", 1);
	/* room nowhere: as without a preference */
	expect_place(&t, "1-15", 2, COHORT_PLACE_COMPACT, -1, "", "7,15", 1);
	/* room on both: the most free cores */
	expect_place(&t, "1-15", 2, COHORT_PLACE_COMPACT, -1, "0-1", "7,15",
		     1);
	/* --node wins over the preference */
	expect_place(&t, "1-15", 2, COHORT_PLACE_COMPACT, 1, "0", "7,15", 1);
}

static void test_spread(void **state)
{
	struct cohort_topo t;
	struct cohort_place got;
	unsigned int cpu;

	(void)state;
	smt_two_nodes(&t);
	/* one core from each node in turn, the highest first */
	expect_place(&t, "1-15", 4, COHORT_PLACE_SPREAD, -1, NULL, "3,7,11,15",
		     -1);
	expect_place(&t, "1-15", 6, COHORT_PLACE_SPREAD, -1, NULL,
		     "2-3,7,10-11,15", -1);
	expect_place(&t, "1-15", 12, COHORT_PLACE_SPREAD, -1, NULL,
		     "1-3,5-7,9-11,13-15", -1);
	/* node 0 runs out: the rest from node 1 */
	expect_place(&t, "1-15", 14, COHORT_PLACE_SPREAD, -1, NULL,
		     "1-7,9-15", -1);
	/* only one node has free cores: all on it */
	expect_place(&t, "4-7,12-15", 4, COHORT_PLACE_SPREAD, -1, NULL,
		     "6-7,14-15", 1);
	assert_int_equal(place(&t, "1-15", 16, COHORT_PLACE_SPREAD, -1, NULL,
			       &got), -ENOSPC);
	assert_string_equal(err, "--cpu-count 16 needs 8 free cores of 2 threads; free: node 0: 3 cores (CPUs 1-3,9-11), node 1: 4 cores (CPUs 4-7,12-15); CPU 0's core stays with the primary");

	/* two packages on one node: round-robin over the packages */
	flat(&t, "0-7");
	for (cpu = 4; cpu < 8; cpu++)
		cohort_topo_set_package(&t, cpu, 1);
	expect_place(&t, "1-7", 3, COHORT_PLACE_SPREAD, -1, NULL, "2-3,7", 0);
	expect_place(&t, "1-7", 3, COHORT_PLACE_COMPACT, -1, NULL, "5-7", 0);
}

static void test_unusable(void **state)
{
	struct cohort_topo t;
	struct cohort_place got;

	(void)state;
	/*
	 * CPU 15 is offline (an instance holds it): no topology, so CPU 7
	 * shows a core of one thread and CPU 15 is on no node.  Neither
	 * is taken, even when the free mask says they are free.
	 */
	flat(&t, "0-15");
	join(&t, "1,9");
	join(&t, "2,10");
	join(&t, "3,11");
	join(&t, "4,12");
	join(&t, "5,13");
	join(&t, "6,14");
	join(&t, "0,8");
	cohort_topo_clear_nodes(&t);
	node(&t, 0, "0-3,8-11");
	node(&t, 1, "4-7,12-14");
	assert_int_equal(cohort_topo_threads(&t), 2);
	expect_place(&t, "1-15", 6, COHORT_PLACE_COMPACT, 1, NULL,
		     "4-6,12-14", 1);
	assert_int_equal(place(&t, "1-15", 8, COHORT_PLACE_COMPACT, 1, NULL,
			       &got), -ENOSPC);
	assert_string_equal(err, "--cpu-count 8 needs 4 free cores of 2 threads on node 1; free: node 1: 3 cores (CPUs 4-6,12-14); CPU 0's core stays with the primary");

	/* a core whose threads are on two nodes is not taken either */
	smt_two_nodes(&t);
	node(&t, 0, "15");
	expect_place(&t, "1-15", 8, COHORT_PLACE_SPREAD, -1, NULL,
		     "2-3,5-6,10-11,13-14", -1);
}

static void test_split(void **state)
{
	struct cohort_topo t;
	__u64 cpus[COHORT_CPU_WORDS], split[COHORT_CPU_WORDS];

	(void)state;
	smt_two_nodes(&t);
	mask_of("7,15", cpus);
	assert_int_equal(cohort_topo_split(&t, cpus, split), 0);
	assert_string_equal(list_of(split), "");
	mask_of("7", cpus);
	assert_int_equal(cohort_topo_split(&t, cpus, split), 1);
	assert_string_equal(list_of(split), "7,15");
	mask_of("3,5-6,13", cpus);
	assert_int_equal(cohort_topo_split(&t, cpus, split), 2);
	assert_string_equal(list_of(split), "3,6,11,14");
	mask_of("8", cpus);
	assert_int_equal(cohort_topo_split(&t, cpus, split), 1);
	assert_string_equal(list_of(split), "0,8");
	/* CPUs not present split nothing */
	mask_of("20-21", cpus);
	assert_int_equal(cohort_topo_split(&t, cpus, split), 0);
	/* no topology: nothing is ever split */
	flat(&t, "0-7");
	mask_of("3", cpus);
	assert_int_equal(cohort_topo_split(&t, cpus, split), 0);
}

static void test_nodes_whole(void **state)
{
	struct cohort_topo t;
	__u64 cpus[COHORT_CPU_WORDS], nodes[COHORT_CPU_WORDS];
	unsigned int cores = 0, threads = 0;

	(void)state;
	smt_two_nodes(&t);
	mask_of("3,11", cpus);
	assert_int_equal(cohort_topo_nodes(&t, cpus, nodes), 1);
	assert_string_equal(list_of(nodes), "0");
	mask_of("3-4,11-12", cpus);
	assert_int_equal(cohort_topo_nodes(&t, cpus, nodes), 2);
	assert_string_equal(list_of(nodes), "0-1");
	assert_true(cohort_topo_whole(&t, cpus, &cores, &threads));
	assert_int_equal(cores, 2);
	assert_int_equal(threads, 2);
	mask_of("3-4,11", cpus);
	assert_false(cohort_topo_whole(&t, cpus, &cores, &threads));
	mask_of("3,11,20", cpus);
	assert_false(cohort_topo_whole(&t, cpus, &cores, &threads));
	/* a CPU on no node known does not count */
	cohort_topo_clear_nodes(&t);
	node(&t, 1, "4");
	mask_of("3-4", cpus);
	assert_int_equal(cohort_topo_nodes(&t, cpus, nodes), 1);
	assert_string_equal(list_of(nodes), "1");
	/* without node information, node 0 */
	flat(&t, "0-3");
	mask_of("1-3", cpus);
	assert_int_equal(cohort_topo_nodes(&t, cpus, nodes), 1);
	assert_string_equal(list_of(nodes), "0");
	assert_true(cohort_topo_whole(&t, cpus, &cores, &threads));
	assert_int_equal(cores, 3);
	assert_int_equal(threads, 1);
}

static void test_four_threads(void **state)
{
	struct cohort_topo t;
	struct cohort_place got;

	(void)state;
	/* 4 threads a core, numbered core by core: 0-3, 4-7, ... */
	flat(&t, "0-15");
	join(&t, "0-3");
	join(&t, "4-7");
	join(&t, "8-11");
	join(&t, "12-15");
	assert_int_equal(cohort_topo_threads(&t), 4);
	expect_place(&t, "1-15", 8, COHORT_PLACE_COMPACT, -1, NULL, "8-15", 0);
	assert_int_equal(place(&t, "1-15", 6, COHORT_PLACE_COMPACT, -1, NULL,
			       &got), -EINVAL);
	assert_string_equal(err, "--cpu-count 6: cores here have 4 threads; ask for a multiple of 4, or use --cpus to split a core");
	assert_int_equal(place(&t, "1-15", 16, COHORT_PLACE_COMPACT, -1, NULL,
			       &got), -ENOSPC);
	assert_string_equal(err, "--cpu-count 16 needs 4 free cores of 4 threads; free: 3 cores (CPUs 4-15); CPU 0's core stays with the primary");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flat),
		cmocka_unit_test(test_join),
		cmocka_unit_test(test_smt_compact),
		cmocka_unit_test(test_cpu0_core),
		cmocka_unit_test(test_node),
		cmocka_unit_test(test_roomy),
		cmocka_unit_test(test_spread),
		cmocka_unit_test(test_unusable),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_nodes_whole),
		cmocka_unit_test(test_four_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
