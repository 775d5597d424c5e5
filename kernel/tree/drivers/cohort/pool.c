// SPDX-License-Identifier: GPL-2.0
/*
 * Cohort memory: the pool reserved at boot (cohort_pool=SIZE[@ADDR], or
 * NODE:SIZE,... for a part on each node) from which instances get their
 * memory, and the slots below 1 MiB where each instance keeps its
 * real-mode trampoline.
 */
#define pr_fmt(fmt) "cohort: " fmt

#include <linux/cohort.h>
#include <linux/cohort_shm.h>
#include <linux/init.h>
#include <linux/ioport.h>
#include <linux/kernel.h>
#include <linux/memblock.h>
#include <linux/security.h>
#include <linux/string.h>
#include <linux/sizes.h>
#include <linux/sort.h>
#include <linux/string_helpers.h>

#include "cohort.h"

/**
 * struct pool_part - a range of the pool, reserved on its own
 * @base: physical start
 * @size: bytes
 * @nid: the node asked for, or NUMA_NO_NODE
 * @res: its line in /proc/iomem
 */
struct pool_part {
	phys_addr_t base;
	u64 size;
	int nid;
	struct resource res;
};

/* What cohort_pool= asked for, then what was reserved (address order). */
static struct pool_part parts[COHORT_POOL_PARTS];
static unsigned int nr_parts;

phys_addr_t cohort_pool_base;
phys_addr_t cohort_pool_end;
u64 cohort_pool_size;
phys_addr_t cohort_low_base;
unsigned int cohort_low_slots;
phys_addr_t cohort_ctrl_base;
u64 cohort_ctrl_size;

/* Set once cohort pool release gave the pool to the primary. */
static bool released;

static struct resource low_res = {
	.name = "Cohort trampolines",
	.flags = IORESOURCE_BUSY | IORESOURCE_SYSTEM_RAM | IORESOURCE_MEM,
	.desc = IORES_DESC_RESERVED,
};

/* NODE:SIZE[,NODE:SIZE...]: a part of the pool on each node named. */
static int __init parse_per_node(const char *arg)
{
	static char buf[256] __initdata;
	char *rest = buf, *item, *size, *end;
	unsigned int i;
	int nid;

	if (strscpy(buf, arg, sizeof(buf)) < 0)
		return -E2BIG;
	while ((item = strsep(&rest, ","))) {
		size = strchr(item, ':');
		if (!size || nr_parts == COHORT_POOL_PARTS)
			return -EINVAL;
		*size++ = '\0';
		if (kstrtoint(item, 10, &nid) || nid < 0 || nid >= MAX_NUMNODES)
			return -EINVAL;
		for (i = 0; i < nr_parts; i++)
			if (parts[i].nid == nid)
				return -EINVAL;
		parts[nr_parts].nid = nid;
		parts[nr_parts].base = 0;
		parts[nr_parts].size = memparse(size, &end);
		if (*end || !parts[nr_parts++].size)
			return -EINVAL;
	}
	return 0;
}

static int __init parse_cohort_pool(char *arg)
{
	char *end;
	int ret = -EINVAL;

	if (!arg)
		return -EINVAL;
	nr_parts = 0;
	if (strchr(arg, ':')) {
		ret = parse_per_node(arg);
	} else {
		parts[0].nid = NUMA_NO_NODE;
		parts[0].size = memparse(arg, &end);
		parts[0].base = 0;
		if (*end == '@')
			parts[0].base = memparse(end + 1, &end);
		nr_parts = 1;
		if (!*end && parts[0].size)
			ret = 0;
	}
	if (ret) {
		pr_err("cohort_pool=%s: expected SIZE[@ADDR] (e.g. 1G or 512M@0x40000000) or NODE:SIZE,... (e.g. 0:512M,1:512M, at most %d); no pool\n",
		       arg, COHORT_POOL_PARTS);
		nr_parts = 0;
	}
	return ret;
}
early_param("cohort_pool", parse_cohort_pool);

/**
 * cohort_reserve_low() - reserve the instances' slots below 1 MiB
 *
 * Called from setup_arch() before the real-mode trampoline is reserved:
 * afterwards the whole first MiB is reserved and no slot can be had.
 */
void __init cohort_reserve_low(void)
{
	phys_addr_t base;
	unsigned int n;

	if (cohort_is_instance() || !nr_parts)
		return;
	for (n = COHORT_LOW_SLOTS; n > 0; n--) {
		base = memblock_phys_alloc_range(n * COHORT_LOW_SLOT_SIZE,
						 PAGE_SIZE, SZ_64K, SZ_1M);
		if (base)
			break;
	}
	if (!n) {
		pr_err("no memory below 1 MiB for instance trampolines; instances cannot start\n");
		return;
	}
	cohort_low_base = base;
	cohort_low_slots = n;
}

/* Reserve part @p where cohort_pool= asked; false (said why) if it cannot. */
static bool __init reserve_part(struct pool_part *p)
{
	phys_addr_t base = p->base;
	u64 size = p->size;

	if (base) {
		if (!IS_ALIGNED(base, COHORT_MEM_ALIGN)) {
			pr_err("no pool: base %pa is not a multiple of 2 MiB\n",
			       &base);
			return false;
		}
		if (!memblock_is_region_memory(base, size) ||
		    memblock_is_region_reserved(base, size)) {
			pr_err("no pool: [%pa-%#llx] is not free RAM\n", &base,
			       base + size - 1);
			return false;
		}
		memblock_reserve(base, size);
		return true;
	}
	/*
	 * Above 4 GiB first, to leave DMA32 memory to the primary; on the
	 * node asked for and nowhere else.
	 */
	base = memblock_alloc_range_nid(size, COHORT_MEM_ALIGN, SZ_4G,
					MEMBLOCK_ALLOC_ACCESSIBLE, p->nid,
					p->nid != NUMA_NO_NODE);
	if (!base)
		base = memblock_alloc_range_nid(size, COHORT_MEM_ALIGN, SZ_16M,
						MEMBLOCK_ALLOC_ACCESSIBLE,
						p->nid, p->nid != NUMA_NO_NODE);
	if (!base) {
		if (p->nid == NUMA_NO_NODE)
			pr_err("no pool: cannot reserve %llu MiB of memory\n",
			       size >> 20);
		else
			pr_err("no pool part on node %d: cannot reserve %llu MiB there\n",
			       p->nid, size >> 20);
		return false;
	}
	p->base = base;
	return true;
}

static int __init part_cmp(const void *a, const void *b)
{
	const struct pool_part *x = a, *y = b;

	return x->base < y->base ? -1 : x->base > y->base;
}

/**
 * cohort_reserve_pool() - reserve the pool asked for with cohort_pool=
 *
 * Called from setup_arch() once memblock knows all memory and its nodes.
 * The pool is one range, or one range per node named (NODE:SIZE,...); a
 * part that cannot be reserved is reported and the kernel boots on
 * without it.  The control region takes the first MiBs of the lowest part.
 */
void __init cohort_reserve_pool(void)
{
	unsigned int i, n = 0;

	if (cohort_is_instance() || !nr_parts)
		return;
	if (!cohort_low_slots) {
		pr_err("no pool: no trampoline memory below 1 MiB\n");
		nr_parts = 0;
		return;
	}
	for (i = 0; i < nr_parts; i++) {
		parts[i].size = ALIGN(parts[i].size, COHORT_MEM_ALIGN);
		if (reserve_part(&parts[i]))
			parts[n++] = parts[i];
	}
	nr_parts = n;
	if (!n)
		return;
	sort(parts, n, sizeof(parts[0]), part_cmp, NULL);
	cohort_pool_base = parts[0].base;
	cohort_pool_end = parts[n - 1].base + parts[n - 1].size;
	for (i = 0; i < n; i++) {
		cohort_pool_size += parts[i].size;
		pr_info("pool of %llu MiB at [%pa-%#llx]\n",
			parts[i].size >> 20, &parts[i].base,
			parts[i].base + parts[i].size - 1);
	}
	pr_info("%u instance slot(s) at %pa\n", cohort_low_slots,
		&cohort_low_base);
	/*
	 * The control region (messaging between kernels) takes the first
	 * MiBs of the pool; instances get their memory from the rest.
	 */
	if (parts[0].size >= COHORT_CTRL_SIZE + COHORT_MEM_MIN) {
		cohort_ctrl_base = parts[0].base;
		cohort_ctrl_size = COHORT_CTRL_SIZE;
		pr_info("control region of %llu MiB at %pa\n",
			cohort_ctrl_size >> 20, &cohort_ctrl_base);
	} else {
		pr_err("pool too small for the %llu MiB control region: no messaging between kernels\n",
		       COHORT_CTRL_SIZE >> 20);
	}
	/* The rest is the primary's until an instance or a region needs it. */
	for (i = 0; i < n; i++)
		cohort_pool_lend_add(parts[i].base + (i ? 0 : cohort_ctrl_size),
				     parts[i].base + parts[i].size);
	cohort_pool_lend_declare();
}

/**
 * cohort_pool_publish() - show the pool and the slots in /proc/iomem
 */
void __init cohort_pool_publish(void)
{
	unsigned int i;

	for (i = 0; i < nr_parts; i++) {
		struct resource *r = &parts[i].res;

		r->name = "Cohort pool";
		r->flags = IORESOURCE_BUSY | IORESOURCE_SYSTEM_RAM |
			   IORESOURCE_MEM;
		r->desc = IORES_DESC_RESERVED;
		r->start = parts[i].base;
		r->end = parts[i].base + parts[i].size - 1;
		insert_resource(&iomem_resource, r);
	}
	if (cohort_low_slots) {
		low_res.start = cohort_low_base;
		low_res.end = cohort_low_base +
			      cohort_low_slots * COHORT_LOW_SLOT_SIZE - 1;
		insert_resource(&iomem_resource, &low_res);
	}
}

/**
 * cohort_pool_part() - the @i-th range reserved for the pool
 * @i: which, from 0, in address order
 * @base: out: its start
 * @size: out: its bytes, the control region included
 *
 * Return: false when there is no such range.
 */
bool cohort_pool_part(unsigned int i, phys_addr_t *base, u64 *size)
{
	if (i >= nr_parts)
		return false;
	*base = parts[i].base;
	*size = parts[i].size;
	return true;
}

/**
 * cohort_pool_within() - does a range lie inside one range of the pool?
 * @base: start
 * @size: bytes
 *
 * Return: true if [@base, @base + @size) is inside one range reserved for
 * the pool (the control region counts).
 */
bool cohort_pool_within(phys_addr_t base, u64 size)
{
	unsigned int i;

	for (i = 0; i < nr_parts; i++)
		if (parts[i].base <= base && base < parts[i].base + parts[i].size &&
		    size <= parts[i].base + parts[i].size - base)
			return true;
	return false;
}

/* Does [@base, @base + @size) overlap the pool? */
static bool in_pool(phys_addr_t base, u64 size)
{
	unsigned int i;

	for (i = 0; i < nr_parts; i++)
		if (base < parts[i].base + parts[i].size &&
		    parts[i].base < base + size)
			return true;
	return false;
}

/**
 * cohort_phys_check() - may a filesystem map a range of physical memory?
 * @base: physical start
 * @size: length
 * @why: out: a sentence when it may not
 * @whysz: bytes at @why
 *
 * Backs cohortfs's phys= mount option.  An instance maps only regions the
 * primary granted to it, never a physical address it names itself.  The
 * primary maps only RAM that its administrator took away from the kernel
 * (memmap=SIZE$ADDR): never the pool (instances, regions, the control
 * region), the trampoline slots, its own RAM, device memory or firmware
 * tables; and nothing at all when the kernel is locked down, as for
 * /dev/mem.
 *
 * Return: 0, -EPERM or -EBUSY.
 */
int cohort_phys_check(phys_addr_t base, u64 size, char *why, size_t whysz)
{
	phys_addr_t low_end = cohort_low_base +
			      cohort_low_slots * COHORT_LOW_SLOT_SIZE;
	int ret;

	if (cohort_is_instance()) {
		snprintf(why, whysz,
			 "phys= is refused in an instance: mount a region the primary granted (region=NAME)");
		return -EPERM;
	}
	ret = security_locked_down(LOCKDOWN_DEV_MEM);
	if (ret) {
		snprintf(why, whysz, "phys= is refused while the kernel is locked down");
		return ret;
	}
	if (!size || base + size < base) {
		snprintf(why, whysz, "the range is empty or wraps");
		return -EINVAL;
	}
	if (in_pool(base, size)) {
		snprintf(why, whysz,
			 "%pa+%#llx overlaps the Cohort pool (instances, regions, control region): use region=NAME",
			 &base, size);
		return -EBUSY;
	}
	if (cohort_low_slots && base < low_end && cohort_low_base < base + size) {
		snprintf(why, whysz, "%pa+%#llx overlaps the instances' trampoline slots",
			 &base, size);
		return -EBUSY;
	}
	if (!cohort_arch_reserved_ram(base, size)) {
		snprintf(why, whysz,
			 "%pa+%#llx is not RAM reserved from this kernel (boot it with memmap=SIZE$ADDR)",
			 &base, size);
		return -EPERM;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(cohort_phys_check);

/**
 * cohort_pool_none() - is there no pool to take memory from?
 * @msg: out: why, when there is none (%COHORT_MSG_MAX bytes)
 *
 * Return: 0, or -ENODEV with a sentence in @msg.
 */
int cohort_pool_none(char *msg)
{
	if (released)
		scnprintf(msg, COHORT_MSG_MAX,
			  "the pool was given back to the primary (cohort pool release); it has one again once it boots with cohort_pool=");
	else if (!cohort_pool_size)
		scnprintf(msg, COHORT_MSG_MAX,
			  "there is no pool: boot the primary with cohort_pool=SIZE");
	else
		return 0;
	return -ENODEV;
}

/**
 * cohort_pool_release() - COHORT_IOC_POOL_RELEASE
 * @req: the request; @req->released, @req->kept and @req->msg are filled in
 *
 * Called with cohort_mutex held.  The control region stays: the
 * messaging between kernels uses it for as long as the primary runs.
 *
 * Return: 0 or a negative errno, with a sentence in @req->msg.
 */
int cohort_pool_release(struct cohort_ioc_pool_release *req)
{
	struct cohort_pool_use use;
	char *msg = req->msg;
	unsigned int i;
	int ret;

	if ((req->flags & ~COHORT_SET_DRY_RUN) || req->reserved0 ||
	    memchr_inv(req->reserved, 0, sizeof(req->reserved))) {
		scnprintf(msg, COHORT_MSG_MAX, "unknown flags or non-zero reserved fields");
		return -EINVAL;
	}
	ret = cohort_pool_none(msg);
	if (ret)
		return ret;
	if (cohort_pool_busy(cohort_pool_base, cohort_pool_end - cohort_pool_base,
			     &use)) {
		scnprintf(msg, COHORT_MSG_MAX,
			  "%s '%s' holds %llu MiB of the pool: the pool is given back only when nothing uses it",
			  use.kind, use.name, use.size >> 20);
		return -EBUSY;
	}
	req->kept = cohort_ctrl_size;
	req->released = cohort_pool_size - cohort_ctrl_size;
	if (req->flags & COHORT_SET_DRY_RUN)
		return 0;
	ret = cohort_pool_lend_release();
	if (ret) {
		scnprintf(msg, COHORT_MSG_MAX,
			  "the memory manager could not take the pool's areas back (%d); nothing changed",
			  ret);
		return ret;
	}
	for (i = 0; i < nr_parts; i++) {
		if (!parts[i].res.parent)
			continue;
		if (i == 0 && cohort_ctrl_size)
			adjust_resource(&parts[0].res, parts[0].base,
					cohort_ctrl_size);
		else
			release_resource(&parts[i].res);
	}
	nr_parts = cohort_ctrl_size ? 1 : 0;
	parts[0].size = cohort_ctrl_size;
	cohort_pool_size = cohort_ctrl_size;
	cohort_pool_end = cohort_pool_base + cohort_ctrl_size;
	released = true;
	pr_info("pool: %llu MiB given back to the primary, %llu MiB kept for messaging\n",
		req->released >> 20, req->kept >> 20);
	return 0;
}
