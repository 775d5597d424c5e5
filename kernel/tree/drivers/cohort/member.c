// SPDX-License-Identifier: GPL-2.0
/*
 * Cohort membership: which kernels are members, their heartbeats, and
 * the quarantine of a kernel whose control entry is inconsistent.
 *
 * A kernel is a member while its entry in the control region is joined
 * and consistent (drivers/cohort/shm.c checks every copy).  An
 * inconsistent entry quarantines that kernel for the epoch it shows: its
 * messages are dropped and it gets no doorbells until it joins again with
 * a new epoch, which every kernel (not only the primary) notices and
 * lifts the quarantine for.  Garbage in a ring is never a reason: slots
 * carry a sender id anybody can write, so a kernel blamed by a slot may
 * be an honest one that another kernel impersonates.  Invalid slots are
 * dropped and counted (lib/ring/), nothing more.
 *
 * The primary watches every instance's heartbeat; cohort_msg_heartbeat_lost()
 * tells instance.c when one has stopped.
 */
#define pr_fmt(fmt) "cohort: " fmt

#include <linux/cohort.h>
#include <linux/cohort_shm.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/workqueue.h>

#include "cohort.h"
#include "msg.h"

#define HB_MS_DEFAULT		100
#define HB_MISSES_DEFAULT	3

static void scan_fn(struct work_struct *w);
static DECLARE_DELAYED_WORK(scan_work, scan_fn);
static struct timer_list hb_timer;

/**
 * cohort_msg_quarantine() - ignore a peer until it joins again
 * @id: the peer
 * @epoch: the epoch of the incarnation to ignore
 * @why: what it did, for the log
 *
 * Its messages are dropped (counted) and it gets no more doorbells.  The
 * ring's own quarantine is applied by the next poll.
 */
void cohort_msg_quarantine(u32 id, u64 epoch, const char *why)
{
	struct cohort_peer *p;

	if (id >= COHORT_MAX_KERNELS || id == cm.self)
		return;
	p = &cm.peers[id];
	spin_lock_bh(&cm.hb_lock);
	if (!p->quarantined || p->quarantine_epoch != epoch) {
		p->quarantines++;
		p->quarantine_epoch = epoch;
		WRITE_ONCE(p->quarantined, true);
		WRITE_ONCE(cm.quarantine_pending, true);
		pr_err("kernel %u (epoch %#llx) quarantined: %s\n", id, epoch,
		       why);
	}
	spin_unlock_bh(&cm.hb_lock);
}

/**
 * cohort_msg_unquarantine() - take a peer out of quarantine
 * @id: kernel id
 */
void cohort_msg_unquarantine(u32 id)
{
	if (id >= COHORT_MAX_KERNELS)
		return;
	WRITE_ONCE(cm.peers[id].quarantined, false);
	WRITE_ONCE(cm.quarantine_pending, true);
	cohort_msg_kick();
}

/**
 * cohort_msg_read_entry() - is a peer a member, and what does its entry say?
 * @id: kernel id
 * @v: out: a checked private copy of its entry
 *
 * An inconsistent entry quarantines the epoch it shows; a consistent one
 * with another epoch lifts an earlier quarantine (the kernel booted again).
 * An entry that was changing while it was read (the peer joining or
 * leaving) is simply not a member this time.
 *
 * Return: true if the peer is a member and not quarantined.
 */
bool cohort_msg_read_entry(u32 id, struct cohort_kernel_view *v)
{
	struct cohort_peer *p;
	const char *why;
	bool lift;

	switch (cohort_ctrl_read_kernel(id, v, &why)) {
	case COHORT_ENTRY_MEMBER:
		break;
	case COHORT_ENTRY_BAD:
		if (id != cm.self) {
			cm.peers[id].ctrl_errors++;
			cohort_msg_quarantine(id, v->epoch, why);
		}
		return false;
	default:
		return false;
	}
	if (id == cm.self)
		return true;
	p = &cm.peers[id];
	if (!READ_ONCE(p->quarantined))
		return true;
	spin_lock_bh(&cm.hb_lock);
	lift = p->quarantined && p->quarantine_epoch != v->epoch;
	spin_unlock_bh(&cm.hb_lock);
	if (!lift)
		return false;
	pr_info("kernel %u joined again (epoch %#llx): quarantine lifted\n", id,
		v->epoch);
	cohort_msg_unquarantine(id);
	return true;
}

/**
 * cohort_msg_members() - kernels that are members now
 *
 * Return: bitmap of kernel ids with a joined, valid entry (this kernel
 * included when it joined).
 */
u64 cohort_msg_members(void)
{
	struct cohort_kernel_view v;
	u64 mask = 0;
	u32 id;

	if (!cm.joined)
		return 0;
	for (id = 0; id < COHORT_MAX_KERNELS; id++)
		if (cohort_msg_read_entry(id, &v))
			mask |= BIT_ULL(id);
	return mask;
}

/* ---- heartbeat ---- */

/**
 * cohort_msg_hb_config() - heartbeat period and allowed misses in effect
 * @ms: out: period in ms
 * @misses: out: missed periods before an instance is declared failed
 */
void cohort_msg_hb_config(unsigned int *ms, unsigned int *misses)
{
	if (cm.is_primary || !cm.joined) {
		*ms = cm.hb_ms;
		*misses = cm.hb_misses;
		return;
	}
	cohort_ctrl_get_hb(ms, misses);
}

static unsigned int hb_period_ms(void)
{
	unsigned int ms, misses;

	cohort_msg_hb_config(&ms, &misses);
	return ms;
}

/**
 * cohort_msg_set_hb() - change the heartbeat configuration (primary)
 * @ms: period, 0 to keep
 * @misses: missed periods, 0 to keep
 *
 * Return: 0, -EPERM in an instance, -ERANGE for a value out of range.
 */
int cohort_msg_set_hb(unsigned int ms, unsigned int misses)
{
	if (!cm.is_primary)
		return -EPERM;
	if ((ms && (ms < COHORT_HB_MS_MIN || ms > COHORT_HB_MS_MAX)) ||
	    misses > COHORT_HB_MISSES_MAX)
		return -ERANGE;
	if (ms)
		cm.hb_ms = ms;
	if (misses)
		cm.hb_misses = misses;
	cohort_ctrl_set_hb(cm.hb_ms, cm.hb_misses);
	return 0;
}

static void hb_fn(struct timer_list *t)
{
	cohort_ctrl_heartbeat(cm.self);
	/* Backstop: a cleared notify flag or a dead sender's claim. */
	cohort_msg_kick();
	mod_timer(t, jiffies + msecs_to_jiffies(hb_period_ms()));
}

/* Note a peer's heartbeat; hb_lock held. */
static void hb_note(struct cohort_peer *p, bool member, u64 hb)
{
	if (!member) {
		p->hb_seen = false;
		return;
	}
	if (!p->hb_seen || hb != p->last_hb) {
		p->hb_seen = true;
		p->last_hb = hb;
		p->last_hb_change = jiffies;
		p->last_hb_check = jiffies;
		p->hb_stall = 0;
	}
}

/**
 * cohort_msg_heartbeat_lost() - has an instance stopped its heartbeat?
 * @id: instance id
 *
 * Primary only, called several times per heartbeat period
 * (cohort_msg_watch_ms()).  True when the instance is a member and its
 * heartbeat has not moved for the configured number of periods.  The
 * time is added up check by check, each interval counting for at most
 * one period: a primary that was itself held up (a busy host, a
 * descheduled virtual CPU) sees one period pass in the gap, not many.
 *
 * Return: true if it is to be declared failed.
 */
bool cohort_msg_heartbeat_lost(u32 id)
{
	struct cohort_kernel_view v;
	struct cohort_peer *p;
	unsigned int ms, misses;
	unsigned long period, now;
	bool member, lost;

	if (!cm.joined || !cm.is_primary || !id || id >= COHORT_MAX_KERNELS)
		return false;
	p = &cm.peers[id];
	member = cohort_msg_read_entry(id, &v);
	cohort_msg_hb_config(&ms, &misses);
	period = msecs_to_jiffies(ms);
	spin_lock_bh(&cm.hb_lock);
	hb_note(p, member, v.heartbeat);
	now = jiffies;
	if (member) {
		p->hb_stall += min(now - p->last_hb_check, period);
		p->last_hb_check = now;
	}
	lost = member && p->hb_stall >= misses * period;
	spin_unlock_bh(&cm.hb_lock);
	return lost;
}

/**
 * cohort_msg_watch_ms() - how often the primary should check heartbeats
 * @limit: the longest interval the caller wants
 *
 * Return: milliseconds, at most @limit.
 */
unsigned int cohort_msg_watch_ms(unsigned int limit)
{
	/* A quarter period: a lost heartbeat is seen a quarter late at most. */
	unsigned int ms = max(hb_period_ms() / 4, COHORT_HB_MS_MIN);

	return min(ms, limit);
}

/* ---- membership ---- */

static void scan_fn(struct work_struct *w)
{
	struct cohort_kernel_view v;
	struct cohort_peer *p;
	unsigned int members = 0;
	bool member;
	u32 id;

	for (id = 0; id < COHORT_MAX_KERNELS; id++) {
		p = &cm.peers[id];
		member = cohort_msg_read_entry(id, &v);
		spin_lock_bh(&cm.hb_lock);
		hb_note(p, member, v.heartbeat);
		spin_unlock_bh(&cm.hb_lock);
		if (member && id != cm.self) {
			members++;
			if (!p->was_member)
				pr_info("kernel %u (%s) joined\n", id, v.name);
			p->failed = false;
		} else if (p->was_member && id != cm.self) {
			pr_info("kernel %u left\n", id);
		}
		p->was_member = member;
	}
	cohort_msg_bufs_top_up(members);
	schedule_delayed_work(&scan_work, msecs_to_jiffies(hb_period_ms()));
}

/**
 * cohort_msg_peer_gone() - the primary removes an instance's membership
 * @id: instance id
 * @failed: it failed (shown in peers/ID/state until it joins again)
 *
 * Called when the instance is started (before it runs), stops, fails or
 * is deleted.  Its entry is cleared and its ring unformatted; its
 * quarantine is lifted, since the next start is a new kernel.
 */
void cohort_msg_peer_gone(u32 id, bool failed)
{
	struct cohort_peer *p;

	if (!cm.joined || !cm.is_primary || !id || id >= COHORT_MAX_KERNELS)
		return;
	p = &cm.peers[id];
	p->failed = failed;
	cohort_ctrl_clear_kernel(id);

	spin_lock_bh(&p->tx_lock);
	p->tx_epoch = 0;
	spin_unlock_bh(&p->tx_lock);
	spin_lock_bh(&cm.hb_lock);
	p->hb_seen = false;
	spin_unlock_bh(&cm.hb_lock);
	cohort_msg_unquarantine(id);
}

/**
 * cohort_msg_member_init() - heartbeat configuration defaults
 */
void __init cohort_msg_member_init(void)
{
	cm.hb_ms = HB_MS_DEFAULT;
	cm.hb_misses = HB_MISSES_DEFAULT;
}

/**
 * cohort_msg_member_start() - start the heartbeat and the membership scan
 *
 * Called once this kernel has joined.
 */
void __init cohort_msg_member_start(void)
{
	timer_setup(&hb_timer, hb_fn, 0);
	mod_timer(&hb_timer, jiffies + msecs_to_jiffies(hb_period_ms()));
	schedule_delayed_work(&scan_work, 0);
}
