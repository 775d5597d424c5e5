// SPDX-License-Identifier: GPL-2.0
/*
 * Cohort memory: the pool lent to the primary while nobody holds it.
 *
 * The pool (pool.c) is set aside at boot so that it stays one contiguous
 * range, but idle it is only wasted memory.  Each part of it that lies in
 * one NUMA node and one zone becomes a contiguous memory area (CMA): the
 * primary's page allocator puts movable pages there (page cache, process
 * memory) while no instance or region holds it.  Taking a range for an
 * instance or a region migrates the primary's pages out of it
 * (alloc_contig_range()); giving it back frees its pages to the primary
 * again.  Every range taken is zeroed, so that nothing of the primary or of
 * an earlier instance is seen in it.
 *
 * The areas are cut at 4 MiB (pageblock) boundaries; the few MiB at their
 * edges, and any area the memory manager could not activate, stay reserved
 * as before: taking them only zeroes them.
 *
 * Every range held is recorded here from take to give, so that a range
 * being given back after its instance or region left the lists is not
 * placed again before its pages are free.
 */
#define pr_fmt(fmt) "cohort: " fmt

#include <linux/cma.h>
#include <linux/cohort.h>
#include <linux/delay.h>
#include <linux/gfp.h>
#include <linux/init.h>
#include <linux/list.h>
#include <linux/memblock.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/numa.h>
#include <linux/page-isolation.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "cohort.h"

/* How often a take is tried when some page could not be moved at once. */
#define TAKE_TRIES	5

/**
 * struct pool_seg - a part of the pool in one node and one zone
 * @base: physical start
 * @size: bytes
 * @nid: its NUMA node
 * @cma: the area lending it to the primary; NULL when it stays reserved
 */
struct pool_seg {
	phys_addr_t base;
	u64 size;
	int nid;
	struct cma *cma;
};

static struct pool_seg segs[COHORT_POOL_SEGS];
static unsigned int nr_segs;

struct pool_hold {
	struct list_head node;
	phys_addr_t base;
	u64 size;
};

/* Ranges held from take to give; also read by the statistics. */
static LIST_HEAD(holds);
static DEFINE_SPINLOCK(holds_lock);

static void __init add_seg(phys_addr_t base, phys_addr_t end, int nid)
{
	struct pool_seg *s = nr_segs ? &segs[nr_segs - 1] : NULL;

	if (base >= end)
		return;
	if (s && s->nid == nid && s->base + s->size == base &&
	    (base != SZ_4G && base != SZ_16M)) {
		s->size += end - base;
		return;
	}
	if (nr_segs == COHORT_POOL_SEGS) {
		pr_warn("pool: more than %d node or zone parts; [%pa-%pa) is not used\n",
			COHORT_POOL_SEGS, &base, &end);
		return;
	}
	segs[nr_segs++] = (struct pool_seg){ .base = base, .size = end - base,
					     .nid = nid };
}

/* Cut [@base, @end) at the zone boundaries below 4 GiB. */
static void __init add_split(phys_addr_t base, phys_addr_t end, int nid)
{
	static const phys_addr_t cuts[] = { SZ_16M, SZ_4G };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cuts); i++) {
		if (base < cuts[i] && cuts[i] < end) {
			add_seg(base, cuts[i], nid);
			base = cuts[i];
		}
	}
	add_seg(base, end, nid);
}

/**
 * cohort_pool_lend_add() - cut a range of the pool into parts
 * @base: where instances' and regions' memory starts in it (after the
 *        control region)
 * @end: its end
 *
 * Called from cohort_reserve_pool() while memblock still rules, with the
 * range reserved, for each range of the pool in address order; then
 * cohort_pool_lend_declare() lends the parts.
 */
void __init cohort_pool_lend_add(phys_addr_t base, phys_addr_t end)
{
	unsigned long spfn, epfn;
	int nid, r;

	for_each_mem_pfn_range(r, MAX_NUMNODES, &spfn, &epfn, &nid) {
		phys_addr_t lo = max_t(phys_addr_t, PFN_PHYS(spfn), base);
		phys_addr_t hi = min_t(phys_addr_t, PFN_PHYS(epfn), end);

		if (lo < hi)
			add_split(lo, hi, nid);
	}
}

#ifdef CONFIG_CMA
/**
 * cohort_pool_lend_declare() - lend every part of the pool to the primary
 *
 * Each part becomes a CMA area of its own, cut to pageblocks.  The areas
 * become the primary's at core_initcall time.
 */
void __init cohort_pool_lend_declare(void)
{
	unsigned int i;

	for (i = 0; i < nr_segs; i++) {
		struct pool_seg *s = &segs[i];
		phys_addr_t lo = ALIGN(s->base, CMA_MIN_ALIGNMENT_BYTES);
		phys_addr_t hi = ALIGN_DOWN(s->base + s->size,
					    CMA_MIN_ALIGNMENT_BYTES);
		char name[16];

		if (lo >= hi)
			continue;
		snprintf(name, sizeof(name), "cohort%u", i);
		if (cma_init_reserved_mem(lo, hi - lo, pageblock_order, name,
					  &s->cma)) {
			pr_warn("pool: [%pa-%pa) cannot be lent to this kernel\n",
				&lo, &hi);
			s->cma = NULL;
			continue;
		}
		/* Not activated: its pages stay reserved, never freed. */
		cma_reserve_pages_on_error(s->cma);
	}
}

/*
 * Take [@lo, @hi) out of the primary's hands: every page migrated out and
 * the range zeroed.  Within one area.
 */
static int take_lent(phys_addr_t lo, phys_addr_t hi)
{
	int tries, ret = -EBUSY;

	for (tries = 0; tries < TAKE_TRIES; tries++) {
		ret = alloc_contig_range(PHYS_PFN(lo), PHYS_PFN(hi), MIGRATE_CMA,
					 GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN);
		if ((ret != -EBUSY && ret != -EAGAIN) || tries == TAKE_TRIES - 1)
			break;
		/* A page briefly pinned (I/O in flight): again shortly. */
		msleep(20 << tries);
	}
	return ret;
}

static void give_lent(phys_addr_t lo, phys_addr_t hi)
{
	free_contig_range(PHYS_PFN(lo), PHYS_PFN(hi - lo));
}

/*
 * Stop the allocator from handing out [@lo, @hi) while its blocks change
 * type; the primary's pages there stay where they are.  Within one area.
 */
static int isolate_lent(phys_addr_t lo, phys_addr_t hi)
{
	return start_isolate_page_range(PHYS_PFN(lo), PHYS_PFN(hi), MIGRATE_CMA,
					0, GFP_KERNEL);
}

/*
 * Make an isolated area ordinary memory of the primary: its blocks become
 * movable ones (free pages there may then serve any allocation once the
 * kernel falls back to them), and it no longer counts as CMA.
 */
static void unlend(phys_addr_t lo, phys_addr_t hi)
{
	unsigned long n = PHYS_PFN(hi - lo);

	undo_isolate_page_range(PHYS_PFN(lo), PHYS_PFN(hi), MIGRATE_MOVABLE);
	page_zone(pfn_to_page(PHYS_PFN(lo)))->cma_pages -= n;
	totalcma_pages -= n;
}

/* Undo isolate_lent(): the area is lent as before. */
static void relend(phys_addr_t lo, phys_addr_t hi)
{
	undo_isolate_page_range(PHYS_PFN(lo), PHYS_PFN(hi), MIGRATE_CMA);
}
#else
void __init cohort_pool_lend_declare(void)
{
}

/* Without CMA nothing is lent: lent_range() is always empty. */
static int take_lent(phys_addr_t lo, phys_addr_t hi)
{
	return -EINVAL;
}

static void give_lent(phys_addr_t lo, phys_addr_t hi)
{
}

static int isolate_lent(phys_addr_t lo, phys_addr_t hi)
{
	return -EINVAL;
}

static void unlend(phys_addr_t lo, phys_addr_t hi)
{
}

static void relend(phys_addr_t lo, phys_addr_t hi)
{
}
#endif

/* The part of @s lent to the primary: empty when it is not. */
static void lent_range(const struct pool_seg *s, phys_addr_t *lo,
		       phys_addr_t *hi)
{
	*lo = 0;
	*hi = 0;
#ifdef CONFIG_CMA
	if (!s->cma || !cma_get_size(s->cma))
		return;
	*lo = cma_get_base(s->cma);
	*hi = *lo + cma_get_size(s->cma);
#endif
}

/* The lent part of [@base, @end) in part @i: false when it is empty. */
static bool lent_piece(unsigned int i, phys_addr_t base, phys_addr_t end,
		       phys_addr_t *a, phys_addr_t *b)
{
	phys_addr_t lo, hi;

	lent_range(&segs[i], &lo, &hi);
	*a = max(base, lo);
	*b = min(end, hi);
	return *a < *b;
}

/**
 * cohort_pool_lend_report() - say how much of the pool the primary may use
 *
 * Called once the areas are active (after core_initcall).
 */
void __init cohort_pool_lend_report(void)
{
	phys_addr_t lo, hi;
	unsigned int i;

	for (i = 0; i < nr_segs; i++) {
		lent_range(&segs[i], &lo, &hi);
		pr_info("pool: node %d [%pa-%#llx]: %llu MiB lent to the primary while idle\n",
			segs[i].nid, &segs[i].base,
			segs[i].base + segs[i].size - 1, (u64)(hi - lo) >> 20);
	}
}

static void give_pieces(phys_addr_t base, u64 size)
{
	phys_addr_t end = base + size, a, b;
	unsigned int i;

	for (i = 0; i < nr_segs; i++)
		if (lent_piece(i, base, end, &a, &b))
			give_lent(a, b);
}

/* Can the primary move its pages out of [@base, @base + @size)? (room.c) */
static int take_room(phys_addr_t base, u64 size, char *msg)
{
	phys_addr_t end = base + size, a, b;
	u64 used = 0, free_in = 0, f;
	s64 avail;
	unsigned int i;

	for (i = 0; i < nr_segs; i++) {
		if (!lent_piece(i, base, end, &a, &b))
			continue;
		f = cohort_buddy_free(a, b);
		free_in += f;
		used += b - a > f ? b - a - f : 0;
	}
	if (cohort_room_to_move(used, free_in, &avail))
		return 0;
	scnprintf(msg, COHORT_MSG_MAX,
		  "the primary's pages take %llu MiB of the %llu MiB at %#llx and it has %lld MiB elsewhere to move them to (%llu MiB needed): free memory in the primary",
		  used >> 20, size >> 20, (u64)base,
		  avail > 0 ? avail >> 20 : 0, (used + COHORT_MOVE_MARGIN) >> 20);
	return -ENOMEM;
}

/**
 * cohort_pool_take() - take a range of the pool for an instance or region
 * @base: start, 2 MiB aligned, inside the pool, held by nobody
 * @size: bytes
 * @msg: out: why not (%COHORT_MSG_MAX bytes)
 *
 * Called with cohort_mutex held.  The primary's pages in the range are
 * moved elsewhere; the whole range is zeroed.  A failure changes nothing.
 *
 * Return: 0, or -ENOMEM or -EBUSY with a sentence in @msg.
 */
int cohort_pool_take(phys_addr_t base, u64 size, char *msg)
{
	phys_addr_t end = base + size, a, b, lo, hi;
	struct pool_hold *h;
	unsigned int i, done;
	int ret = 0;

	ret = take_room(base, size, msg);
	if (ret)
		return ret;
	h = kmalloc(sizeof(*h), GFP_KERNEL);
	if (!h)
		return -ENOMEM;
	for (i = 0; i < nr_segs; i++) {
		if (!lent_piece(i, base, end, &a, &b))
			continue;
		ret = take_lent(a, b);
		if (ret)
			break;
	}
	if (ret) {
		for (done = 0; done < i; done++)
			if (lent_piece(done, base, end, &a, &b))
				give_lent(a, b);
		kfree(h);
		scnprintf(msg, COHORT_MSG_MAX,
			  "the primary's pages in %llu MiB at %#llx could not all be moved out of the pool (%s): free memory in the primary, or try again",
			  size >> 20, (u64)base,
			  ret == -ENOMEM ? "no memory to move them to" :
					   "some are in use and cannot move");
		return ret == -ENOMEM ? -ENOMEM : -EBUSY;
	}
	/* The parts never lent still hold what their last user left. */
	a = base;
	for (i = 0; i < nr_segs && a < end; i++) {
		lent_range(&segs[i], &lo, &hi);
		if (lo >= hi || hi <= a)
			continue;
		if (lo > a)
			memset(__va(a), 0, min(lo, end) - a);
		a = hi;
	}
	if (a < end)
		memset(__va(a), 0, end - a);
	h->base = base;
	h->size = size;
	spin_lock(&holds_lock);
	list_add_tail(&h->node, &holds);
	spin_unlock(&holds_lock);
	return 0;
}

/**
 * cohort_pool_give() - give a range taken with cohort_pool_take() back
 * @base: its start
 * @size: its bytes
 *
 * Called once nothing can reach the memory any more (its instance or
 * region released), with or without cohort_mutex.  Lent parts become the
 * primary's free memory again.
 */
void cohort_pool_give(phys_addr_t base, u64 size)
{
	struct pool_hold *h, *found = NULL;

	spin_lock(&holds_lock);
	list_for_each_entry(h, &holds, node) {
		if (h->base == base && h->size == size) {
			found = h;
			list_del(&h->node);
			break;
		}
	}
	spin_unlock(&holds_lock);
	if (WARN_ON_ONCE(!found))
		return;
	give_pieces(base, size);
	kfree(found);
}

/* Bytes of [@base, @base + @size) held. */
static u64 held_in(phys_addr_t base, u64 size)
{
	phys_addr_t end = base + size;
	struct pool_hold *h;
	u64 n = 0;

	spin_lock(&holds_lock);
	list_for_each_entry(h, &holds, node) {
		phys_addr_t a = max(base, h->base);
		phys_addr_t b = min(end, h->base + h->size);

		if (a < b)
			n += b - a;
	}
	spin_unlock(&holds_lock);
	return n;
}

/**
 * cohort_pool_returning() - is part of a range still being given back?
 * @base: start
 * @size: bytes
 * @use: filled in with the held range found
 *
 * Called with cohort_mutex held, after the instances' and regions' own
 * checks: a range held here but by neither is on its way back.
 *
 * Return: true if some of it is held.
 */
bool cohort_pool_returning(phys_addr_t base, u64 size,
			   struct cohort_pool_use *use)
{
	struct pool_hold *h;
	bool found = false;

	spin_lock(&holds_lock);
	list_for_each_entry(h, &holds, node) {
		if (base < h->base + h->size && h->base < base + size) {
			use->base = h->base;
			use->size = h->size;
			use->kind = "memory";
			use->name = "being given back";
			found = true;
			break;
		}
	}
	spin_unlock(&holds_lock);
	return found;
}

/**
 * cohort_pool_held() - bytes of the pool held by instances and regions
 *
 * Return: bytes, including ranges on their way back.
 */
u64 cohort_pool_held(void)
{
	return held_in(cohort_pool_base, cohort_pool_end - cohort_pool_base);
}

/**
 * cohort_pool_stats() - how a node's part of the pool is used
 * @nid: the node, or NUMA_NO_NODE for the whole pool
 * @st: out: the figures (bytes)
 * @used: fill in @st->lent_used too, which takes a walk over every lent
 *	page; 0 there otherwise
 *
 * Return: true if the pool has memory on @nid.
 */
bool cohort_pool_stats(int nid, struct cohort_pool_stat *st, bool used)
{
	phys_addr_t lo, hi;
	unsigned int i;
	bool any = false;

	memset(st, 0, sizeof(*st));
	for (i = 0; i < nr_segs; i++) {
		const struct pool_seg *s = &segs[i];
		u64 lent, free;

		if (nid != NUMA_NO_NODE && s->nid != nid)
			continue;
		any = true;
		st->size += s->size;
		st->held += held_in(s->base, s->size);
		lent_range(s, &lo, &hi);
		if (lo >= hi)
			continue;
		lent = hi - lo - held_in(lo, hi - lo);
		st->lent += lent;
		if (!used)
			continue;
		free = cohort_buddy_free(lo, hi);
		st->lent_used += lent > free ? lent - free : 0;
	}
	return any;
}

/**
 * cohort_pool_nodes() - the nodes the pool has memory on
 * @nodes: out
 */
void cohort_pool_nodes(nodemask_t *nodes)
{
	unsigned int i;

	nodes_clear(*nodes);
	for (i = 0; i < nr_segs; i++)
		node_set(segs[i].nid, *nodes);
}

/**
 * cohort_pool_range() - the @i-th stretch of the pool for instances
 * @i: which, from 0, in address order
 * @lo: out: its start
 * @hi: out: its end
 *
 * A stretch is contiguous memory of the pool, the control region left
 * out; it may span nodes and zones.  The pool has one stretch per range
 * reserved (cohort_pool=NODE:SIZE,... reserves one per node).
 *
 * Return: false when there is no such stretch.
 */
bool cohort_pool_range(unsigned int i, phys_addr_t *lo, phys_addr_t *hi)
{
	unsigned int k = 0;
	phys_addr_t a, b;

	while (k < nr_segs) {
		a = segs[k].base;
		b = a + segs[k].size;
		for (k++; k < nr_segs && segs[k].base == b; k++)
			b += segs[k].size;
		if (i-- == 0) {
			*lo = a;
			*hi = b;
			return true;
		}
	}
	return false;
}

/**
 * cohort_pool_node_part() - the @i-th part of the pool on a node
 * @nid: the node
 * @i: which part, from 0
 * @lo: out: its start
 * @hi: out: its end
 *
 * Return: false when there is no such part.
 */
bool cohort_pool_node_part(int nid, unsigned int i, phys_addr_t *lo,
			   phys_addr_t *hi)
{
	unsigned int k;

	for (k = 0; k < nr_segs; k++) {
		if (segs[k].nid != nid)
			continue;
		if (i--)
			continue;
		*lo = segs[k].base;
		*hi = segs[k].base + segs[k].size;
		return true;
	}
	return false;
}

/**
 * cohort_pool_on_node() - does a range of the pool lie on one node?
 * @base: start
 * @size: bytes
 * @nid: the node
 *
 * Return: true if every byte of it is pool memory on @nid.
 */
bool cohort_pool_on_node(phys_addr_t base, u64 size, int nid)
{
	phys_addr_t lo, hi, at = base, end = base + size;
	unsigned int i;

	/* Parts are in address order: walk them, no gap allowed. */
	for (i = 0; cohort_pool_node_part(nid, i, &lo, &hi) && at < end; i++)
		if (lo <= at && at < hi)
			at = hi;
	return at >= end;
}

/**
 * cohort_pool_mem_nodes() - a range of the pool cut by NUMA node
 * @base: start
 * @size: bytes
 * @out: out: the parts, in address order
 * @max: entries at @out
 *
 * Return: the number of parts, or 0 when the range is not all pool memory
 * or has more than @max parts.
 */
unsigned int cohort_pool_mem_nodes(phys_addr_t base, u64 size,
				   struct cohort_setup_mem_node *out,
				   unsigned int max)
{
	phys_addr_t at = base, end = base + size, a, b;
	unsigned int i, n = 0;

	for (i = 0; i < nr_segs && at < end; i++) {
		a = max(at, segs[i].base);
		b = min(end, segs[i].base + segs[i].size);
		if (a >= b)
			continue;
		if (a != at)
			return 0;
		if (n && out[n - 1].node == segs[i].nid) {
			out[n - 1].size += b - a;
		} else {
			if (n == max)
				return 0;
			out[n++] = (struct cohort_setup_mem_node){
				.base = a, .size = b - a, .node = segs[i].nid };
		}
		at = b;
	}
	return at >= end ? n : 0;
}

/* Free reserved pages of the pool in [@lo, @hi) to the primary. */
static void free_kept(phys_addr_t lo, phys_addr_t hi)
{
	if (lo < hi)
		free_reserved_area(__va(lo), __va(hi), -1, NULL);
}

/**
 * cohort_pool_lend_release() - give every part of the pool to the primary
 *
 * Called with cohort_mutex held when nobody holds any of the pool.  Lent
 * areas become ordinary memory of the primary where they are (nothing
 * moves); the rest, reserved since boot, is freed to it.  Afterwards the
 * pool has no part for instances.  A failure changes nothing.
 *
 * Return: 0, or -EBUSY when some area could not change type.
 */
int cohort_pool_lend_release(void)
{
	phys_addr_t lo, hi;
	unsigned int i, k;
	int ret;

	for (i = 0; i < nr_segs; i++) {
		lent_range(&segs[i], &lo, &hi);
		if (lo >= hi)
			continue;
		ret = isolate_lent(lo, hi);
		if (ret) {
			for (k = 0; k < i; k++) {
				lent_range(&segs[k], &lo, &hi);
				if (lo < hi)
					relend(lo, hi);
			}
			return ret;
		}
	}
	for (i = 0; i < nr_segs; i++) {
		const struct pool_seg *s = &segs[i];

		lent_range(s, &lo, &hi);
		if (lo >= hi) {
			free_kept(s->base, s->base + s->size);
			continue;
		}
		unlend(lo, hi);
		free_kept(s->base, lo);
		free_kept(hi, s->base + s->size);
	}
	/* Readers of the statistics take no lock: they see it empty. */
	WRITE_ONCE(nr_segs, 0);
	return 0;
}
