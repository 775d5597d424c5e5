// SPDX-License-Identifier: GPL-2.0
/*
 * Cohort memory: can this kernel move its pages out of a range of its
 * memory?  Asked by the primary before it takes lent pool memory back
 * (lend.c) and by an instance before it empties a block it is to give
 * back (memplug.c).
 *
 * Only if the memory it has elsewhere (free, or page cache it can drop)
 * holds them with COHORT_MOVE_MARGIN to spare: a migration that fails
 * half way leaves the pages it moved where they went, and filling the
 * rest of the kernel's memory with them would leave its own allocations
 * to the OOM killer.
 */
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/sched.h>
#include <linux/spinlock.h>

#include "cohort.h"

/**
 * cohort_buddy_free() - free pages of the buddy allocator in a range
 * @lo: start
 * @hi: end; [@lo, @hi) lies in one zone
 *
 * A free block never crosses a MAX_ORDER_NR_PAGES boundary, so the range
 * is read a block of that size at a time with the zone lock held, dropped
 * in between: the walk over a large range takes its time, but it never
 * holds the lock (and interrupts off) for longer than one such block.
 *
 * Return: bytes.
 */
u64 cohort_buddy_free(phys_addr_t lo, phys_addr_t hi)
{
	unsigned long pfn = PHYS_PFN(lo), end = PHYS_PFN(hi);
	unsigned long flags, n = 0, stop;
	struct zone *zone;

	if (lo >= hi)
		return 0;
	zone = page_zone(pfn_to_page(pfn));
	while (pfn < end) {
		stop = min(ALIGN(pfn + 1, MAX_ORDER_NR_PAGES), end);
		spin_lock_irqsave(&zone->lock, flags);
		while (pfn < stop) {
			struct page *page = pfn_to_page(pfn);
			unsigned long order;

			if (!PageBuddy(page)) {
				pfn++;
				continue;
			}
			order = page_private(page);
			if (order > MAX_PAGE_ORDER)
				order = 0;
			n += min(1UL << order, end - pfn);
			pfn += 1UL << order;
		}
		spin_unlock_irqrestore(&zone->lock, flags);
		cond_resched();
	}
	return (u64)n << PAGE_SHIFT;
}

/**
 * cohort_room_to_move() - is there room elsewhere for pages to move out?
 * @used: bytes this kernel's pages take in the ranges to empty
 * @free_in: bytes free in those ranges
 * @avail: out: bytes it has elsewhere to move them to (may be negative)
 *
 * Return: true if @avail holds @used with COHORT_MOVE_MARGIN to spare.
 */
bool cohort_room_to_move(u64 used, u64 free_in, s64 *avail)
{
	*avail = ((s64)si_mem_available() << PAGE_SHIFT) - (s64)free_in;
	return !used || *avail >= (s64)(used + COHORT_MOVE_MARGIN);
}
