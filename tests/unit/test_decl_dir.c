// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of lib/decl/'s directories: which files are read, the
 * checks across files ("after" naming a declared instance, dependency
 * cycles, a CPU in two cpus = lists, the number of instances, standby
 * names, file names), every error of every file collected in order, and the start
 * order.
 */
#include "decl_test_util.h"

#define CONF(cpus)	"[instance]\n" cpus "\nmemory = 64M\n"

/* Loads the scratch directory; the names in start order, "a b c". */
static void load(struct decl_set *set, struct decl_errors *e, char *order,
		 size_t len)
{
	size_t i, o = 0;

	decl_errors_init(e);
	decl_load_dir(dt_dir, 0, set, e);
	order[0] = '\0';
	for (i = 0; set->order && i < set->n; i++)
		o += (size_t)snprintf(order + o, len - o, "%s%s", i ? " " : "",
				      set->v[set->order[i]]->name);
}

/* Empties the scratch directory (the group's teardown removes it). */
static void clear(void)
{
	assert_int_equal(dt_teardown(NULL), 0);
	assert_int_equal(mkdir(dt_dir, 0700), 0);
}

static void test_order(void **state)
{
	struct decl_errors e;
	struct decl_set set;
	char order[256];
	size_t i;

	clear();
	dt_write("web.conf", CONF("cpus = 2") "after = db, cache\n");
	dt_write("db.conf", CONF("cpus = 3"));
	dt_write("cache.conf", CONF("cpu-count = 1") "after = db\n");
	dt_write("api.conf", CONF("cpu-count = 1") "after = db\n");
	dt_write("zeta.conf", CONF("cpus = 4"));
	dt_write("alpha.conf", CONF("cpus = 5"));
	/* not *.conf: not read */
	dt_write("README", "not a declared instance\n");
	dt_write("web.conf~", "[bogus\n");
	dt_write("web.conf.dpkg-old", "[bogus\n");
	load(&set, &e, order, sizeof(order));
	dt_none(&e);
	assert_int_equal(set.n, 6);
	for (i = 1; i < set.n; i++)
		assert_true(strcmp(set.v[i - 1]->name, set.v[i]->name) < 0);
	assert_string_equal(order, "alpha db api cache web zeta");
	assert_non_null(decl_set_find(&set, "cache"));
	assert_string_equal(decl_set_find(&set, "cache")->name, "cache");
	assert_null(decl_set_find(&set, "cach"));
	assert_null(decl_set_find(&set, "README"));
	decl_set_free(&set);
	decl_errors_free(&e);
}

static void test_unknown_after(void **state)
{
	struct decl_errors e;
	struct decl_set set;
	char order[256];

	clear();
	dt_write("web.conf", CONF("cpus = 2") "after = db, nope\n");
	dt_write("db.conf", CONF("cpus = 3"));
	load(&set, &e, order, sizeof(order));
	if (e.n != 1 ||
	    !dt_has(&e, "web.conf", 4, "after: no instance nope is declared (no nope.conf here)")) {
		dt_dump(&e);
		fail_msg("want the unknown name");
	}
	/* the order is still made, dependencies known first */
	assert_string_equal(order, "db web");
	decl_set_free(&set);
	decl_errors_free(&e);
}

static void test_cycles(void **state)
{
	struct decl_errors e;
	struct decl_set set;
	char order[256];

	clear();
	dt_write("a.conf", CONF("cpu-count = 1") "after = b\n");
	dt_write("b.conf", CONF("cpu-count = 1") "after = c\n");
	dt_write("c.conf", CONF("cpu-count = 1") "after = a\n");
	/* entered at n, reported from m, the first name of the cycle */
	dt_write("k.conf", CONF("cpu-count = 1") "after = n\n");
	dt_write("n.conf", CONF("cpu-count = 1") "after = m\n");
	dt_write("m.conf", CONF("cpu-count = 1") "after = n\n");
	dt_write("z.conf", CONF("cpu-count = 1"));
	load(&set, &e, order, sizeof(order));
	if (e.n != 2 ||
	    !dt_has(&e, "a.conf", 4, "after: a dependency cycle: a after b after c after a") ||
	    !dt_has(&e, "m.conf", 4, "after: a dependency cycle: m after n after m")) {
		dt_dump(&e);
		fail_msg("want both cycles, once each");
	}
	/*
	 * every instance has a place: z first; then, with only those
	 * waiting on a cycle left, the first by name goes, and what waited
	 * on it follows
	 */
	assert_int_equal(set.n, 7);
	assert_string_equal(order, "z a c b k m n");
	decl_set_free(&set);
	decl_errors_free(&e);
}

static void test_cpu_overlap(void **state)
{
	struct decl_errors e;
	struct decl_set set;
	char order[256];

	clear();
	dt_write("a.conf", CONF("cpus = 2-3"));
	dt_write("b.conf", CONF("cpus = 3-4"));
	dt_write("c.conf", CONF("cpus = 6-9"));
	dt_write("d.conf", CONF("cpus = 1-2,4-7"));
	dt_write("e.conf", CONF("cpu-count = 8"));	/* any free ones */
	load(&set, &e, order, sizeof(order));
	if (e.n != 4 ||
	    !dt_has(&e, "b.conf", 2, "cpus: CPU 3 is also claimed by instance a (line 2 of a.conf)") ||
	    !dt_has(&e, "d.conf", 2, "cpus: CPU 2 is also claimed by instance a") ||
	    !dt_has(&e, "d.conf", 2, "cpus: CPU 4 is also claimed by instance b") ||
	    !dt_has(&e, "d.conf", 2, "cpus: CPUs 6-7 are also claimed by instance c")) {
		dt_dump(&e);
		fail_msg("want every overlap");
	}
	decl_set_free(&set);
	decl_errors_free(&e);
}

/* NAME.standby is the standby's name; standbys count as instances. */
static void test_standby_names(void **state)
{
	struct decl_errors e;
	struct decl_set set;
	char order[1024], name[32];
	int i;

	clear();
	dt_write("web.conf", CONF("cpus = 2") "standby = yes\n");
	dt_write("web.standby.conf", CONF("cpu-count = 1"));
	dt_write("db.conf", CONF("cpus = 3") "standby = no\n");
	dt_write("db.standby.conf", CONF("cpu-count = 1"));
	load(&set, &e, order, sizeof(order));
	dt_one(&e, 0, "the name web.standby is that of web's standby (standby = yes on line 4 of web.conf)");
	assert_true(dt_has(&e, "web.standby.conf", 0, "web.standby"));
	decl_set_free(&set);
	decl_errors_free(&e);

	/* 32 instances, 32 standbys: 64, one too many */
	clear();
	for (i = 0; i < 32; i++) {
		snprintf(name, sizeof(name), "i%02d.conf", i);
		dt_write(name, CONF("cpu-count = 1") "standby = yes\n");
	}
	load(&set, &e, order, sizeof(order));
	assert_int_equal(e.n, 32);
	assert_true(dt_has(&e, "i00.conf", 4, "standby: 64 instances and standbys are declared; at most 63 fit beside the primary"));
	decl_set_free(&set);
	decl_errors_free(&e);
	/* one without: 63 fit */
	dt_write("i31.conf", CONF("cpu-count = 1"));
	load(&set, &e, order, sizeof(order));
	dt_none(&e);
	decl_set_free(&set);
	decl_errors_free(&e);
}

static void test_too_many(void **state)
{
	struct decl_errors e;
	struct decl_set set;
	char order[1024], name[32];
	int i;

	clear();
	for (i = 0; i < DECL_MAX_INSTANCES; i++) {
		snprintf(name, sizeof(name), "i%02d.conf", i);
		dt_write(name, CONF("cpu-count = 1"));
	}
	load(&set, &e, order, sizeof(order));
	dt_none(&e);
	assert_int_equal(set.n, 63);
	decl_set_free(&set);
	decl_errors_free(&e);

	dt_write("i63.conf", CONF("cpu-count = 1"));
	load(&set, &e, order, sizeof(order));
	if (e.n != 1 || !dt_has(&e, NULL, 0,
				"64 instances are declared; at most 63 fit beside the primary") ||
	    strcmp(e.v[0].file, dt_dir)) {
		dt_dump(&e);
		fail_msg("want the count refused");
	}
	decl_set_free(&set);
	decl_errors_free(&e);
}

/* Every error of every file, sorted by file and line; nothing dropped. */
static void test_all_errors(void **state)
{
	static const struct {
		const char *base;
		unsigned int line;
		const char *why;
	} want[] = {
		{ "a.conf", 0, "[instance] needs memory = SIZE" },
		{ "a.conf", 2, "cpus: invalid CPU list" },
		{ "a.conf", 3, "unknown key 'memroy'" },
		{ "b.conf", 4, "after: no instance ghost is declared" },
		{ "bad name.conf", 0, "the file name does not name an instance" },
		{ "c.conf", 1, "the line is 300 bytes long" },
		{ "c.conf", 5, "expected KEY = VALUE" },
		{ "dir.conf", 0, "not a regular file" },
		{ "web.conf", 2, "cpus: CPU 7 is also claimed by instance b (line 2 of b.conf)" },
		{ "web.conf", 3, "memory: invalid size '1 G'" },
	};
	struct decl_errors e;
	struct decl_set set;
	char order[256], text[1024], path[256], line[301];
	size_t i;

	clear();
	dt_write("a.conf", "[instance]\ncpus = x\nmemroy = 64M\n");
	dt_write("b.conf", CONF("cpus = 7") "after = ghost\n");
	dt_write("bad name.conf", CONF("cpus = 9"));
	/* a key line of 300 bytes, then junk on line 5 */
	memset(line, 'a', 300);
	memcpy(line, "kernel = /", 10);
	line[300] = '\0';
	snprintf(text, sizeof(text), "%s\n" CONF("cpus = 10") "junk\n", line);
	dt_write("c.conf", text);
	snprintf(path, sizeof(path), "%s/dir.conf", dt_dir);
	assert_int_equal(mkdir(path, 0755), 0);
	dt_write("web.conf", "[instance]\ncpus = 6-7\nmemory = 1 G\n");
	load(&set, &e, order, sizeof(order));
	if (e.n != sizeof(want) / sizeof(want[0])) {
		dt_dump(&e);
		fail_msg("want %zu errors, got %zu",
			 sizeof(want) / sizeof(want[0]), e.n);
	}
	for (i = 0; i < e.n; i++) {
		const char *b = strrchr(e.v[i].file, '/') + 1;

		if (strcmp(b, want[i].base) || e.v[i].line != want[i].line ||
		    !strstr(e.v[i].msg, want[i].why)) {
			dt_dump(&e);
			fail_msg("error %zu: want %s:%u holding '%s'", i,
				 want[i].base, want[i].line, want[i].why);
		}
	}
	/* the instances whose names are valid are in the set all the same */
	assert_int_equal(set.n, 5);
	decl_set_free(&set);
	decl_errors_free(&e);
}

static void test_dirs(void **state)
{
	struct decl_errors e;
	struct decl_set set;
	char path[256];

	decl_errors_init(&e);
	snprintf(path, sizeof(path), "%s/none", dt_dir);
	assert_int_equal(decl_load_dir(path, 0, &set, &e), -1);
	dt_one(&e, 0, "cannot read the directory: No such file or directory");
	assert_int_equal(set.n, 0);
	decl_set_free(&set);
	decl_errors_free(&e);

	/* empty: fine, nothing declared */
	clear();
	decl_errors_init(&e);
	assert_int_equal(decl_load_dir(dt_dir, 0, &set, &e), 0);
	assert_int_equal(set.n, 0);
	decl_set_free(&set);
	decl_errors_free(&e);

	/* "dir/": its files are "dir/x.conf" */
	dt_write("x.conf", "[instance]\ncpus = 2\n");
	snprintf(path, sizeof(path), "%s//", dt_dir);
	decl_errors_init(&e);
	assert_int_equal(decl_load_dir(path, 0, &set, &e), -1);
	snprintf(path, sizeof(path), "%s/x.conf", dt_dir);
	assert_int_equal(e.n, 1);
	assert_string_equal(e.v[0].file, path);
	decl_set_free(&set);
	decl_errors_free(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_unknown_after),
		cmocka_unit_test(test_cycles),
		cmocka_unit_test(test_cpu_overlap),
		cmocka_unit_test(test_standby_names),
		cmocka_unit_test(test_too_many),
		cmocka_unit_test(test_all_errors),
		cmocka_unit_test(test_dirs),
	};

	return cmocka_run_group_tests(tests, dt_setup, dt_teardown);
}
