// SPDX-License-Identifier: GPL-2.0
/*
 * Cohort, instance side: memory blocks the primary gives or takes back
 * while the instance runs (COHORT_IOC_SET_MEMORY in the primary).
 *
 * Memory from create is this kernel's boot memory and stays.  Beyond it
 * the primary hands out blocks of COHORT_MEM_BLOCK bytes, aligned to
 * their size, which this kernel adds as hot-plugged memory in
 * ZONE_MOVABLE: only movable pages (page cache, process memory) go there,
 * so a block can be emptied again.  The memory block size is set to the
 * same size at boot (cohort_instance_detect()).
 *
 *  - Blocks given before this start are in the setup record; they are
 *    added before init runs.
 *  - Later ones are asked for through the mailbox (mem_op, mem_base,
 *    mem_seq); the heartbeat tick and the doorbell notice a request and
 *    wake a thread of ours, which adds the block and onlines it, or
 *    empties the block (offline_and_remove_memory(), which migrates what
 *    lives there elsewhere) and gives it back.
 *
 * A block is emptied only when this kernel has room elsewhere for what it
 * holds (room.c), else it is refused with -ENOMEM at once.  Emptying
 * retries for as long as the thread has no signal pending, which could
 * be for ever when a page cannot be moved; a timer sends the thread a
 * signal once the primary's limit is up: the block is then refused with
 * -EBUSY and stays online here.
 *
 * What the primary wrote is checked before anything is done: a block
 * must be aligned, inside the pool, and clear of this kernel's boot
 * memory and of its other blocks; only blocks this kernel added are ever
 * removed.
 */
#define pr_fmt(fmt) "cohort: " fmt

#include <linux/cohort.h>
#include <linux/cohort_shm.h>
#include <linux/device.h>
#include <linux/init.h>
#include <linux/kthread.h>
#include <linux/memory.h>
#include <linux/memory_hotplug.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/nodemask.h>
#include <linux/sched/signal.h>
#include <linux/timer.h>
#include <linux/wait.h>

#include "cohort.h"

/* Bounds on how long emptying a block may take, whatever was asked. */
#define EMPTY_MIN_MS	100
#define EMPTY_MAX_MS	(10 * 60 * 1000)

/* Blocks this kernel added, in the order it added them (the thread's). */
static u64 blocks[COHORT_MEM_BLOCKS_MAX];
static unsigned int nr_blocks;

static struct task_struct *memplug_task;
static DECLARE_WAIT_QUEUE_HEAD(memplug_wq);
static struct timer_list empty_timer;

static int block_index(u64 base)
{
	unsigned int i;

	for (i = 0; i < nr_blocks; i++)
		if (blocks[i] == base)
			return i;
	return -1;
}

static bool overlaps(u64 a, u64 alen, u64 b, u64 blen)
{
	return a < b + blen && b < a + alen;
}

/* Is a block the primary named one this kernel may add? */
static bool block_ok(const struct cohort_setup *s, u64 base)
{
	u64 pool_end = s->pool_base + s->pool_size;

	return IS_ALIGNED(base, COHORT_MEM_BLOCK) &&
	       base >= s->pool_base && base < pool_end &&
	       pool_end - base >= COHORT_MEM_BLOCK &&
	       !overlaps(base, COHORT_MEM_BLOCK, s->mem_base, s->mem_size) &&
	       !overlaps(base, COHORT_MEM_BLOCK, s->low_base, s->low_size) &&
	       !overlaps(base, COHORT_MEM_BLOCK, s->ctrl_base, s->ctrl_size);
}

/*
 * The node to add a block to: the primary's, if this kernel may have it
 * (a node of the pool; it comes online with the block).
 */
static int block_node(const struct cohort_setup *s, u32 node)
{
	if (node < MAX_NUMNODES && node_possible(node))
		return node;
	return page_to_nid(pfn_to_page(PFN_DOWN(s->mem_base +
						 COHORT_OFF_KERNEL)));
}

static int online_movable(struct memory_block *mem, void *arg)
{
	int ret;

	mem->online_type = MMOP_ONLINE_MOVABLE;
	ret = device_online(&mem->dev);
	return ret < 0 ? ret : 0;
}

static int block_add(const struct cohort_setup *s, u64 base, u32 node)
{
	int nid, ret;

	if (block_index(base) >= 0)
		return 0;	/* asked twice: the primary retried */
	if (!block_ok(s, base))
		return -EINVAL;
	if (nr_blocks == ARRAY_SIZE(blocks))
		return -ENOSPC;
	nid = block_node(s, node);
	ret = add_memory(nid, base, COHORT_MEM_BLOCK, MHP_NONE);
	if (ret) {
		pr_err("could not add the memory block at %#llx: %d\n", base,
		       ret);
		return ret;
	}
	lock_device_hotplug();
	ret = walk_memory_blocks(base, COHORT_MEM_BLOCK, NULL, online_movable);
	unlock_device_hotplug();
	if (ret) {
		pr_err("could not online the memory block at %#llx: %d\n",
		       base, ret);
		/* Nothing can be in it yet: empty at once. */
		if (offline_and_remove_memory(base, COHORT_MEM_BLOCK))
			pr_err("the memory block at %#llx stays added\n", base);
		return ret;
	}
	blocks[nr_blocks++] = base;
	pr_info("memory block at %#llx (%llu MiB, node %d) added\n", base,
		COHORT_MEM_BLOCK >> 20, nid);
	return 0;
}

static void empty_timeout(struct timer_list *t)
{
	send_sig(SIGALRM, memplug_task, 1);
}

static int block_remove(const struct cohort_setup *s, u64 base,
			u32 timeout_ms)
{
	int i = block_index(base), ret;
	u64 free_in;
	s64 avail;

	if (i < 0) {
		/*
		 * Not one of ours: asked twice, or one this kernel could not
		 * add at boot.  Nothing of it is in use here, unless it is
		 * memory this kernel booted with.
		 */
		if (overlaps(base, COHORT_MEM_BLOCK, s->mem_base, s->mem_size))
			return -EINVAL;
		return 0;
	}
	/* Emptying it must not leave this kernel without memory. */
	free_in = cohort_buddy_free(base, base + COHORT_MEM_BLOCK);
	if (!cohort_room_to_move(COHORT_MEM_BLOCK - free_in, free_in, &avail)) {
		pr_warn("the memory block at %#llx holds %llu MiB, and %lld MiB are free elsewhere (%llu MiB needed): it stays\n",
			base, (COHORT_MEM_BLOCK - free_in) >> 20,
			avail > 0 ? avail >> 20 : 0,
			(COHORT_MEM_BLOCK - free_in + COHORT_MOVE_MARGIN) >> 20);
		return -ENOMEM;
	}
	timeout_ms = clamp_t(u32, timeout_ms, EMPTY_MIN_MS, EMPTY_MAX_MS);
	mod_timer(&empty_timer, jiffies + msecs_to_jiffies(timeout_ms));
	ret = offline_and_remove_memory(base, COHORT_MEM_BLOCK);
	del_timer_sync(&empty_timer);
	flush_signals(current);
	if (ret) {
		pr_warn("the memory block at %#llx could not be emptied (%d); it stays\n",
			base, ret);
		return ret == -EINTR ? -EBUSY : ret;
	}
	nr_blocks--;
	memmove(&blocks[i], &blocks[i + 1], (nr_blocks - i) * sizeof(blocks[0]));
	pr_info("memory block at %#llx emptied; it goes back to the primary\n",
		base);
	return 0;
}

static int memplug_thread(void *unused)
{
	const struct cohort_setup *s = cohort_instance_setup();
	struct cohort_mem_req r;
	int ret;

	allow_signal(SIGALRM);
	while (!kthread_should_stop()) {
		wait_event_interruptible(memplug_wq, kthread_should_stop() ||
					 cohort_mbox_mem_asked(&r));
		flush_signals(current);
		if (kthread_should_stop() || !cohort_mbox_mem_asked(&r))
			continue;
		if (cohort_test_take_lie(COHORT_LIE_MEM, &ret))
			pr_warn("test: answering memory request %u with %d, doing nothing\n",
				r.seq, ret);
		else if (r.op == COHORT_MEM_ADD)
			ret = block_add(s, r.base, r.node);
		else if (r.op == COHORT_MEM_REMOVE)
			ret = block_remove(s, r.base, r.timeout_ms);
		else
			ret = -EINVAL;
		cohort_mbox_mem_finish(r.seq, ret);
	}
	return 0;
}

/**
 * cohort_memplug_poll() - wake the memory thread if the primary asks
 *
 * Called from the heartbeat timer and the doorbell interrupt.
 */
void cohort_memplug_poll(void)
{
	struct cohort_mem_req r;

	if (memplug_task && cohort_mbox_mem_asked(&r))
		wake_up(&memplug_wq);
}

/* Blocks of the record, checked as a request would be. */
static void __init add_record_blocks(const struct cohort_setup *s)
{
	u32 i, n = s->nr_mem_blocks;

	if (!(s->flags & COHORT_SETUP_F_MEM_BLOCKS))
		return;
	if (n > COHORT_MEM_BLOCKS_MAX) {
		pr_warn("the setup record lists %u memory blocks; none added\n",
			n);
		return;
	}
	for (i = 0; i < n; i++) {
		const struct cohort_setup_mem_node *b = &s->mem_blocks[i];

		if (b->size != COHORT_MEM_BLOCK || !block_ok(s, b->base))
			pr_warn("the setup record's memory block at %#llx is not one this kernel can add\n",
				b->base);
		else
			block_add(s, b->base, b->node);
	}
}

static int __init cohort_memplug_init(void)
{
	const struct cohort_setup *s;
	struct task_struct *t;

	if (!cohort_is_instance())
		return 0;
	s = cohort_instance_setup();
	add_record_blocks(s);
	timer_setup(&empty_timer, empty_timeout, 0);
	t = kthread_run(memplug_thread, NULL, "cohort-mem");
	if (IS_ERR(t)) {
		pr_err("no memory thread (%pe): memory cannot be given or taken while running\n",
		       t);
		return 0;
	}
	memplug_task = t;
	cohort_mbox_set_feature(COHORT_MBOX_F_MEM_HOTPLUG);
	return 0;
}
late_initcall(cohort_memplug_init);
