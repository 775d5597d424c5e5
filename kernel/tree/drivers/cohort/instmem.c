// SPDX-License-Identifier: GPL-2.0
/*
 * Cohort instances, primary side: grow or shrink an instance's memory
 * (COHORT_IOC_SET_MEMORY).
 *
 * Its memory from create stays with it.  Beyond that it holds blocks of
 * COHORT_MEM_BLOCK bytes taken from the pool, each aligned to its size
 * (the memory block of the instance's kernel).  A new block goes on the
 * node asked for, else on a node of its memory from create when there is
 * room there, else anywhere in the pool.  Blocks go back last given
 * first.
 *
 * An instance that is not running just gets or loses blocks; its setup
 * record lists them at its next start.  A running one is asked, a block
 * at a time, through the mailbox (memplug.c in the instance):
 *
 *  - giving: the block is taken from the pool (the primary's pages
 *    migrated out, the block zeroed) and recorded as the instance's
 *    before the instance is asked to add it;
 *  - taking back: the instance empties the block and says so; only when
 *    the whole change is done does the block go back to the pool.  When
 *    it cannot empty as many blocks as asked, the ones it did empty are
 *    given to it again and the request is refused, saying how much it
 *    could have freed.
 *
 * While it waits for an answer the mutex is dropped (mem_changing keeps
 * stop away).  A step that fails undoes the steps before it.  A block the
 * instance did not answer about (no answer in time, or it stopped running
 * meanwhile) stays recorded as its: the primary never takes back memory
 * an instance might still use.  What the instance answers is only a
 * number; what the primary records depends on nothing else it wrote.
 */
#define pr_fmt(fmt) "cohort: " fmt

#include <linux/cohort.h>
#include <linux/cohort_shm.h>
#include <linux/kernel.h>
#include <linux/numa.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "cohort.h"
#include "instance.h"

#define fail(msg, ...) scnprintf(msg, COHORT_MSG_MAX, __VA_ARGS__)

#define SET_MEM_TIMEOUT_MS	(30 * 1000)
#define MIB(x)			((u64)(x) >> 20)

/**
 * cohort_inst_mem_total() - all the memory an instance holds
 * @ci: the instance
 *
 * Return: bytes: its memory from create and its blocks.
 */
u64 cohort_inst_mem_total(const struct cohort_inst *ci)
{
	return ci->mem_size + (u64)ci->nr_blocks * COHORT_MEM_BLOCK;
}

/* The node of a block of the pool; NUMA_NO_NODE when it spans several. */
static u32 block_node(phys_addr_t base)
{
	struct cohort_setup_mem_node p;

	if (cohort_pool_mem_nodes(base, COHORT_MEM_BLOCK, &p, 1) == 1)
		return p.node;
	return NUMA_NO_NODE;
}

/* A free block on @nid (NUMA_NO_NODE: anywhere), not in @plan; 0 if none. */
static phys_addr_t fit(int nid, const phys_addr_t *plan, unsigned int n)
{
	return cohort_pool_fit(COHORT_MEM_BLOCK, COHORT_MEM_BLOCK, nid, plan, n);
}

/*
 * Where the next block of @ci goes: on @nid only if it is not
 * NUMA_NO_NODE; else the nodes of its memory from create first.
 */
static phys_addr_t place(const struct cohort_inst *ci, int nid,
			 const phys_addr_t *plan, unsigned int n)
{
	struct cohort_setup_mem_node own[COHORT_SETUP_MEM_NODES];
	unsigned int i, nr;
	nodemask_t nodes;
	phys_addr_t b;

	if (nid != NUMA_NO_NODE)
		return fit(nid, plan, n);
	nr = cohort_pool_mem_nodes(ci->mem_base, ci->mem_size, own,
				   ARRAY_SIZE(own));
	for (i = 0; i < nr; i++) {
		b = fit(own[i].node, plan, n);
		if (b)
			return b;
	}
	cohort_pool_nodes(&nodes);
	for_each_node_mask(nid, nodes) {
		b = fit(nid, plan, n);
		if (b)
			return b;
	}
	return fit(NUMA_NO_NODE, plan, n);
}

static void list_add_block(struct cohort_inst *ci, phys_addr_t base, u32 node)
{
	ci->blocks[ci->nr_blocks++] = (struct cohort_setup_mem_node){
		.base = base, .size = COHORT_MEM_BLOCK, .node = node };
	/* A dump header made while it was stopped lists its old memory. */
	kvfree(ci->dump_hdr);
	ci->dump_hdr = NULL;
}

static void list_del_block(struct cohort_inst *ci, unsigned int i)
{
	ci->nr_blocks--;
	memmove(&ci->blocks[i], &ci->blocks[i + 1],
		(ci->nr_blocks - i) * sizeof(ci->blocks[0]));
	kvfree(ci->dump_hdr);
	ci->dump_hdr = NULL;
}

static int block_index(const struct cohort_inst *ci, phys_addr_t base)
{
	unsigned int i;

	for (i = 0; i < ci->nr_blocks; i++)
		if (ci->blocks[i].base == base)
			return i;
	return -1;
}

/*
 * Ask the running instance to add or give back the block at @base, and
 * wait for its answer without the mutex.  Return: its answer (0 or a
 * negative errno), -ETIMEDOUT, or -ESRCH if it stopped running meanwhile.
 */
static int ask(struct cohort_inst *ci, u32 op, phys_addr_t base, u32 node,
	       unsigned int timeout_ms)
{
	struct cohort_mem_req r = {
		.seq = ++ci->mem_seq,
		.op = op,
		.node = node,
		.base = base,
		/* It gives up emptying a block before the primary gives up. */
		.timeout_ms = timeout_ms / 4 * 3,
	};

	cohort_mbox_mem_ask(ci->mem_base, &r);
	return cohort_inst_await(ci, cohort_mbox_mem_answer, r.seq, timeout_ms);
}

/* What an answer means, after ": " in a message. */
static const char *why_text(int ret)
{
	switch (ret) {
	case -ETIMEDOUT:
		return ": no answer in time";
	case -ESRCH:
		return ": it stopped running";
	case -EBUSY:
		return ": what is in it could not be moved out in time";
	case -ENOMEM:
		return ": no room elsewhere for what is in it";
	default:
		return "";
	}
}

/*
 * Give @ci the block at @base, held already (@taken) or taken from the
 * pool here, and ask a running instance to add it.  Return: 0, or a
 * negative errno with @msg; a block it did not answer about stays its.
 */
static int give(struct cohort_inst *ci, phys_addr_t base, bool taken,
		unsigned int timeout_ms, char *msg)
{
	u32 node = block_node(base);
	int ret, i;

	if (!taken) {
		ret = cohort_pool_take(base, COHORT_MEM_BLOCK, msg);
		if (ret)
			return ret;
	}
	list_add_block(ci, base, node);
	/* Not running: it adds the block when it starts. */
	if (!ci->cpus_out)
		return 0;
	ret = ci->state == ST_RUNNING ?
	      ask(ci, COHORT_MEM_ADD, base, node, timeout_ms) : -ESRCH;
	if (!ret) {
		pr_info("instance %s: memory block at %pa given\n", ci->name,
			&base);
		return 0;
	}
	/* No answer, or nonsense: it may use the block, which stays its. */
	if (ret == -ETIMEDOUT || ret == -ESRCH || ret == -EPROTO)
		return fail(msg,
			    "instance '%s' did not add the memory block at %#llx (%pe%s); the block stays with it",
			    ci->name, (u64)base, ERR_PTR(ret), why_text(ret)),
		       ret;
	fail(msg, "instance '%s' could not add the memory block at %#llx (%pe)",
	     ci->name, (u64)base, ERR_PTR(ret));
	i = block_index(ci, base);
	if (i >= 0)
		list_del_block(ci, i);
	cohort_pool_give(base, COHORT_MEM_BLOCK);
	return ret;
}

/*
 * Ask a running instance to empty block @i, and drop the block from its
 * list; the block stays held (the caller gives it to the pool).
 */
static int take(struct cohort_inst *ci, unsigned int i,
		unsigned int timeout_ms, char *msg)
{
	phys_addr_t base = ci->blocks[i].base;
	int ret, k;

	/* Not running: nothing of it is in use. */
	if (!ci->cpus_out) {
		list_del_block(ci, i);
		return 0;
	}
	ret = ci->state == ST_RUNNING ?
	      ask(ci, COHORT_MEM_REMOVE, base, ci->blocks[i].node,
		  timeout_ms) : -ESRCH;
	if (ret)
		return fail(msg,
			    "instance '%s' did not give back the memory block at %#llx (%pe%s)",
			    ci->name, (u64)base, ERR_PTR(ret), why_text(ret)),
		       ret;
	/* The list may have changed order only through us: look again. */
	k = block_index(ci, base);
	if (k >= 0)
		list_del_block(ci, k);
	pr_info("instance %s: memory block at %pa taken back\n", ci->name,
		&base);
	return 0;
}

/* The blocks of one change; too big for the stack. */
struct change {
	phys_addr_t done[COHORT_MEM_BLOCKS_MAX];
	unsigned int nr_done;
	char why[COHORT_MSG_MAX];
};

/* Give an instance @n more blocks; undo all on failure. */
static int grow(struct cohort_inst *ci, struct change *c, unsigned int n,
		int nid, unsigned int timeout_ms, char *msg)
{
	phys_addr_t base;
	int ret = 0, i;

	while (c->nr_done < n) {
		base = place(ci, nid, NULL, 0);
		if (!base) {
			fail(msg, "no free block of %llu MiB is left in the pool%s",
			     MIB(COHORT_MEM_BLOCK),
			     nid == NUMA_NO_NODE ? "" : " on that node");
			ret = -ENOSPC;
			break;
		}
		ret = give(ci, base, false, timeout_ms, msg);
		if (ret)
			break;
		c->done[c->nr_done++] = base;
	}
	if (!ret)
		return 0;
	/* The first failure is what the caller hears about. */
	while (c->nr_done) {
		base = c->done[--c->nr_done];
		i = block_index(ci, base);
		if (i < 0)
			continue;
		if (take(ci, i, timeout_ms, c->why))
			pr_err("instance %s: undo: %s\n", ci->name, c->why);
		else
			cohort_pool_give(base, COHORT_MEM_BLOCK);
	}
	return ret;
}

/*
 * Take @n blocks back from an instance, last given first, trying every
 * block until @n are empty.  When fewer could be emptied, they are given
 * to it again and *@freeable says how much it could have given back.
 */
static int shrink(struct cohort_inst *ci, struct change *c, unsigned int n,
		  u64 *freeable, unsigned int timeout_ms, char *msg)
{
	unsigned int left = ci->nr_blocks;
	phys_addr_t base, bad = 0;
	int ret, first = 0;

	while (c->nr_done < n && left) {
		/* Dropping block @left moves only those after it. */
		base = ci->blocks[--left].base;
		ret = take(ci, left, timeout_ms, c->why);
		if (!ret) {
			c->done[c->nr_done++] = base;
			continue;
		}
		if (!first) {
			first = ret;
			bad = base;
		}
		if (ret == -ETIMEDOUT || ret == -ESRCH)
			break;
	}
	if (c->nr_done == n) {
		while (c->nr_done)
			cohort_pool_give(c->done[--c->nr_done],
					 COHORT_MEM_BLOCK);
		return 0;
	}
	*freeable = (u64)c->nr_done * COHORT_MEM_BLOCK;
	fail(msg,
	     "instance '%s' could give back %llu of the %llu MiB asked, so nothing changed (block %#llx: %pe%s)",
	     ci->name, MIB(*freeable), MIB((u64)n * COHORT_MEM_BLOCK),
	     (u64)bad, ERR_PTR(first), why_text(first));
	/* What it emptied it gets again, first emptied last. */
	while (c->nr_done)
		if (give(ci, c->done[--c->nr_done], true, timeout_ms, c->why))
			pr_err("instance %s: undo: %s\n", ci->name, c->why);
	return first;
}

/* Checks that need no change; *@want: the blocks it should have. */
static int check(struct cohort_inst *ci, struct cohort_ioc_set_memory *req,
		 int *nid, unsigned int *want)
{
	char *msg = req->msg;
	nodemask_t nodes;
	u64 extra, lo;
	int ret;

	if ((req->flags & ~(COHORT_SET_DRY_RUN | COHORT_SET_MEM_NODE)) ||
	    req->reserved0 || req->freeable ||
	    !cohort_reserved_zero(req->reserved, ARRAY_SIZE(req->reserved)))
		return fail(msg, "unknown flags or non-zero reserved fields"), -EINVAL;
	*nid = NUMA_NO_NODE;
	if (req->flags & COHORT_SET_MEM_NODE) {
		cohort_pool_nodes(&nodes);
		if (req->node >= MAX_NUMNODES || !node_isset(req->node, nodes))
			return fail(msg, "the pool has no memory on node %u",
				    req->node), -EINVAL;
		*nid = req->node;
	} else if (req->node) {
		return fail(msg, "a node is given without COHORT_SET_MEM_NODE"),
		       -EINVAL;
	}
	if (ci->mem_changing)
		return fail(msg, "the memory of instance '%s' is being changed already",
			    ci->name), -EBUSY;
	if (req->mem_size < ci->mem_size)
		return fail(msg,
			    "instance '%s' keeps the %llu MiB it was created with: it cannot have %llu MiB",
			    ci->name, MIB(ci->mem_size), MIB(req->mem_size)),
		       -EINVAL;
	extra = req->mem_size - ci->mem_size;
	if (extra % COHORT_MEM_BLOCK) {
		lo = ci->mem_size + rounddown(extra, COHORT_MEM_BLOCK);
		return fail(msg,
			    "memory beyond the %llu MiB instance '%s' was created with comes in blocks of %llu MiB: %llu or %llu MiB, not %llu MiB",
			    MIB(ci->mem_size), ci->name, MIB(COHORT_MEM_BLOCK),
			    MIB(lo), MIB(lo + COHORT_MEM_BLOCK),
			    MIB(req->mem_size)), -EINVAL;
	}
	if (extra / COHORT_MEM_BLOCK > COHORT_MEM_BLOCKS_MAX)
		return fail(msg,
			    "an instance holds at most %u blocks of %llu MiB beyond its memory from create (%llu MiB in all for '%s')",
			    COHORT_MEM_BLOCKS_MAX, MIB(COHORT_MEM_BLOCK),
			    MIB(ci->mem_size +
				COHORT_MEM_BLOCKS_MAX * COHORT_MEM_BLOCK),
			    ci->name), -EINVAL;
	*want = extra / COHORT_MEM_BLOCK;

	ret = cohort_inst_changeable(ci, msg);
	if (ret <= 0)
		return ret;
	if (!cohort_mbox_has_feature(ci->mem_base, COHORT_MBOX_F_MEM_HOTPLUG))
		return fail(msg,
			    "the kernel of instance '%s' does not add or give back memory while it runs (it needs CONFIG_MEMORY_HOTREMOVE)",
			    ci->name), -EOPNOTSUPP;
	return 0;
}

/* A dry run of a grow: is there room for @n more blocks? */
static int plan(struct cohort_inst *ci, struct change *c, unsigned int n,
		int nid, char *msg)
{
	phys_addr_t b;

	while (c->nr_done < n) {
		b = place(ci, nid, c->done, c->nr_done);
		if (!b)
			return fail(msg,
				    "the pool has room for %u more blocks of %llu MiB%s, not %u",
				    c->nr_done, MIB(COHORT_MEM_BLOCK),
				    nid == NUMA_NO_NODE ? "" : " on that node",
				    n), -ENOSPC;
		c->done[c->nr_done++] = b;
	}
	return 0;
}

/**
 * cohort_set_memory() - COHORT_IOC_SET_MEMORY
 * @req: the request, copied in; @req->msg says why it failed,
 *	@req->freeable how much a refused shrink could have freed
 *
 * Call with the mutex held; it is dropped while a running instance adds
 * or empties a block.
 *
 * Return: 0, or a negative errno.
 */
int cohort_set_memory(struct cohort_ioc_set_memory *req)
{
	unsigned int want, timeout_ms;
	struct cohort_inst *ci;
	struct change *c;
	int nid, ret;
	u64 before;

	ci = cohort_inst_lookup(req->name, req->msg, &ret);
	if (!ci)
		return ret;
	ret = check(ci, req, &nid, &want);
	if (ret || want == ci->nr_blocks)
		return ret;
	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	if (req->flags & COHORT_SET_DRY_RUN) {
		if (want > ci->nr_blocks)
			ret = plan(ci, c, want - ci->nr_blocks, nid, req->msg);
		goto out;
	}
	before = cohort_inst_mem_total(ci);
	timeout_ms = req->timeout_ms ?: SET_MEM_TIMEOUT_MS;
	ci->mem_changing = true;
	if (want > ci->nr_blocks)
		ret = grow(ci, c, want - ci->nr_blocks, nid, timeout_ms,
			   req->msg);
	else
		ret = shrink(ci, c, ci->nr_blocks - want, &req->freeable,
			     timeout_ms, req->msg);
	ci->mem_changing = false;
	if (cohort_inst_mem_total(ci) != before)
		pr_info("instance %s: memory now %llu MiB (%u blocks of %llu MiB beyond %llu MiB)\n",
			ci->name, MIB(cohort_inst_mem_total(ci)), ci->nr_blocks,
			MIB(COHORT_MEM_BLOCK), MIB(ci->mem_size));
out:
	kfree(c);
	return ret;
}
