// SPDX-License-Identifier: GPL-2.0
/*
 * What declared instances must satisfy together: one instance per name,
 * "after" naming declared instances and making no cycle, no CPU in two
 * cpus = lists, no instance named as another's standby; and the order they start in, dependencies first, ties
 * by name.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cohort/parse.h"
#include "internal.h"

/* The dependencies of each instance, as indexes into the set. */
struct graph {
	const struct decl_set *set;
	size_t **deps;
	size_t *nr_deps;
	unsigned char *color;		/* WHITE, GREY (on the path), BLACK */
	size_t *path;			/* the walk's path */
	size_t depth;
	struct decl_errors *errs;
};

enum { WHITE, GREY, BLACK };

static int cmp_instances(const void *a, const void *b)
{
	const struct decl_instance *x = *(struct decl_instance *const *)a;
	const struct decl_instance *y = *(struct decl_instance *const *)b;

	return strcmp(x->name, y->name);
}

static const char *base_name(const char *path)
{
	const char *b = strrchr(path, '/');

	return b ? b + 1 : path;
}

/* The index of instance @name in the sorted set, or set->n. */
static size_t find_index(const struct decl_set *set, const char *name)
{
	size_t lo = 0, hi = set->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(name, set->v[mid]->name);

		if (!c)
			return mid;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return set->n;
}

/* Resolves every "after" name; unknown ones are errors and left out. */
static int resolve(struct graph *g)
{
	const struct decl_set *set = g->set;
	size_t i, j, t;

	for (i = 0; i < set->n; i++) {
		const struct decl_instance *d = set->v[i];

		g->deps[i] = calloc(d->nr_after ? d->nr_after : 1,
				    sizeof(size_t));
		if (!g->deps[i])
			return -1;
		for (j = 0; j < d->nr_after; j++) {
			t = find_index(set, d->after[j]);
			if (t == set->n) {
				decl_errors_add(g->errs, d->path,
						d->line[DK_AFTER],
						"after: no instance %s is declared (no %s%s here)",
						d->after[j], d->after[j],
						DECL_SUFFIX);
				continue;
			}
			g->deps[i][g->nr_deps[i]++] = t;
		}
	}
	return 0;
}

/*
 * The cycle closed by the edge from the last instance of the path to
 * path[from]: reported once, at the instance of it whose name comes
 * first, as "a after b after c after a".
 */
static void report_cycle(struct graph *g, size_t from)
{
	const struct decl_set *set = g->set;
	size_t n = g->depth - from, first = from, i, o = 0;
	char text[1024];

	for (i = from; i < g->depth; i++)
		if (g->path[i] < g->path[first])
			first = i;
	text[0] = '\0';
	for (i = 0; i <= n && o < sizeof(text); i++) {
		size_t k = from + (first - from + i) % n;

		o += (size_t)snprintf(text + o, sizeof(text) - o, "%s%s",
				      i ? " after " : "",
				      set->v[g->path[k]]->name);
	}
	decl_errors_add(g->errs, set->v[g->path[first]]->path,
			set->v[g->path[first]]->line[DK_AFTER],
			"after: a dependency cycle: %s", text);
}

static void walk(struct graph *g, size_t i)
{
	size_t j, k;

	g->color[i] = GREY;
	g->path[g->depth++] = i;
	for (j = 0; j < g->nr_deps[i]; j++) {
		size_t t = g->deps[i][j];

		if (g->color[t] == WHITE) {
			walk(g, t);
		} else if (g->color[t] == GREY) {
			for (k = 0; g->path[k] != t; k++)
				;
			report_cycle(g, k);
		}
	}
	g->depth--;
	g->color[i] = BLACK;
}

/* No CPU in the cpus = lists of two instances. */
static void check_cpus(const struct decl_set *set, struct decl_errors *errs)
{
	__u64 both[COHORT_CPU_WORDS];
	char list[1024];
	size_t i, j, w;
	bool many;

	for (j = 1; j < set->n; j++) {
		const struct decl_instance *b = set->v[j];

		if (!b->line[DK_CPUS])
			continue;
		for (i = 0; i < j; i++) {
			const struct decl_instance *a = set->v[i];
			bool any = false;

			if (!a->line[DK_CPUS])
				continue;
			for (w = 0; w < COHORT_CPU_WORDS; w++) {
				both[w] = a->cpus[w] & b->cpus[w];
				any |= both[w] != 0;
			}
			if (!any)
				continue;
			cohort_format_cpulist(both, COHORT_MAX_CPUS, list,
					      sizeof(list));
			many = cohort_cpulist_weight(both, COHORT_MAX_CPUS) > 1;
			decl_errors_add(errs, b->path, b->line[DK_CPUS],
					"cpus: %s %s %s also claimed by instance %s (line %u of %s)",
					many ? "CPUs" : "CPU", list,
					many ? "are" : "is", a->name,
					a->line[DK_CPUS], base_name(a->path));
		}
	}
}

/*
 * Standbys: no declared instance has the name of another's standby
 * (NAME.standby), and the instances and their standbys fit beside the
 * primary.
 */
static void check_standbys(const struct decl_set *set,
			   struct decl_errors *errs)
{
	size_t i, nr = set->n, slen = strlen(DECL_STANDBY_SUFFIX);

	for (i = 0; i < set->n; i++) {
		const struct decl_instance *d = set->v[i], *o;
		size_t len = strlen(d->name);
		char base[COHORT_NAME_MAX];

		nr += d->standby;
		if (len <= slen ||
		    strcmp(d->name + len - slen, DECL_STANDBY_SUFFIX))
			continue;
		snprintf(base, sizeof(base), "%.*s", (int)(len - slen),
			 d->name);
		o = decl_set_find(set, base);
		if (o && o->standby)
			decl_errors_add(errs, d->path, 0,
					"the name %s is that of %s's standby (standby = yes on line %u of %s)",
					d->name, base, o->line[DK_STANDBY],
					base_name(o->path));
	}
	if (set->n <= DECL_MAX_INSTANCES && nr > DECL_MAX_INSTANCES)
		for (i = 0; i < set->n; i++)
			if (set->v[i]->standby)
				decl_errors_add(errs, set->v[i]->path,
						set->v[i]->line[DK_STANDBY],
						"standby: %zu instances and standbys are declared; at most %d fit beside the primary",
						nr, DECL_MAX_INSTANCES);
}

/*
 * Dependencies first, ties by name.  When only instances waiting on a
 * cycle are left (an error already), the first of them by name goes next.
 */
static void start_order(struct graph *g, size_t *order)
{
	const struct decl_set *set = g->set;
	bool *placed = calloc(set->n ? set->n : 1, sizeof(*placed));
	size_t done = 0, i, j;

	if (!placed) {
		for (i = 0; i < set->n; i++)
			order[i] = i;
		return;
	}
	while (done < set->n) {
		size_t pick = set->n;

		for (i = 0; i < set->n && pick == set->n; i++) {
			if (placed[i])
				continue;
			for (j = 0; j < g->nr_deps[i]; j++)
				if (!placed[g->deps[i][j]])
					break;
			if (j == g->nr_deps[i])
				pick = i;
		}
		/* only those waiting on a cycle (an error already) are left */
		for (i = 0; i < set->n && pick == set->n; i++)
			if (!placed[i])
				pick = i;
		placed[pick] = true;
		order[done++] = pick;
	}
	free(placed);
}

/**
 * decl_set_check() - check declared instances together; their start order
 * @set: the instances (each read by decl_parse_file(), with a valid
 *	name); sorted here by name, and set->order is (re)made
 * @errs: every error found is added here
 *
 * Errors: a name declared twice; an "after" name no instance of the set
 * has; a dependency cycle (once, at its instance whose name comes first,
 * naming the whole cycle); a CPU in the cpus = lists of two instances;
 * an instance named as another's standby (NAME.standby); more instances
 * and standbys than fit beside the primary.
 * The order starts each instance after those it names in "after", ties
 * broken by name; when only instances waiting on a cycle are left, the
 * first of them by name goes next.
 *
 * Return: 0, or -1 when errors were added.
 */
int decl_set_check(struct decl_set *set, struct decl_errors *errs)
{
	size_t before = errs->n, n = set->n, i;
	struct graph g = { .set = set, .errs = errs };
	size_t *order;

	free(set->order);
	set->order = NULL;
	if (n > 1)
		qsort(set->v, n, sizeof(*set->v), cmp_instances);
	for (i = 1; i < n; i++)
		if (!strcmp(set->v[i - 1]->name, set->v[i]->name))
			decl_errors_add(errs, set->v[i]->path, 0,
					"instance %s is declared twice (also in %s)",
					set->v[i]->name, set->v[i - 1]->path);
	order = calloc(n ? n : 1, sizeof(*order));
	g.deps = calloc(n ? n : 1, sizeof(*g.deps));
	g.nr_deps = calloc(n ? n : 1, sizeof(*g.nr_deps));
	g.color = calloc(n ? n : 1, sizeof(*g.color));
	g.path = calloc(n ? n : 1, sizeof(*g.path));
	if (!order || !g.deps || !g.nr_deps || !g.color || !g.path ||
	    resolve(&g)) {
		decl_errors_add(errs, n ? set->v[0]->path : "", 0,
				"out of memory");
		free(order);
		goto out;
	}
	for (i = 0; i < n; i++)
		if (g.color[i] == WHITE)
			walk(&g, i);
	check_cpus(set, errs);
	check_standbys(set, errs);
	start_order(&g, order);
	set->order = order;
out:
	for (i = 0; g.deps && i < n; i++)
		free(g.deps[i]);
	free(g.deps);
	free(g.nr_deps);
	free(g.color);
	free(g.path);
	return errs->n > before ? -1 : 0;
}
