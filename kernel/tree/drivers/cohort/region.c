// SPDX-License-Identifier: GPL-2.0
/*
 * Cohort regions: named ranges of the pool that every kernel can map,
 * e.g. to mount one cohortfs in all of them.
 *
 * The primary creates and deletes them (/dev/cohort, under cohort_mutex)
 * and lists them in the region table of the control region, where any
 * kernel finds one by name (cohort_region_get()).  A kernel that maps a
 * region sets its bit in the entry's users word; the primary refuses to
 * delete a region while a kernel that may still run has its bit set.
 * Both sides publish first, then look at the other's word after a full
 * barrier, so a delete and a new user cannot both go ahead.
 */
#define pr_fmt(fmt) "cohort: " fmt

#include <linux/bitmap.h>
#include <linux/cohort.h>
#include <linux/delay.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/kobject.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "cohort.h"
#include "msg.h"

/* How often a reader tries again while the primary changes an entry. */
#define REGION_TRIES	1000

struct cohort_region {
	struct kobject kobj;
	struct list_head node;
	char name[COHORT_NAME_MAX];
	phys_addr_t base;
	u64 size;
	u32 slot;
};

static LIST_HEAD(regions);
static struct kset *regions_kset;

#define fail(msg, ...) scnprintf(msg, COHORT_MSG_MAX, __VA_ARGS__)

static struct cohort_ctrl_region *table(void)
{
	if (!cm.ctrl || READ_ONCE(cm.hdr->regions_off) != COHORT_CTRL_REGIONS_OFF ||
	    READ_ONCE(cm.hdr->max_regions) != COHORT_MAX_REGIONS)
		return NULL;
	return (void *)cm.ctrl + COHORT_CTRL_REGIONS_OFF;
}

static unsigned long *users_word(struct cohort_ctrl_region *e)
{
	return (unsigned long *)&e->users;
}

/* Users that can still touch the region: kernels whose CPUs may run. */
static u64 live_users(struct cohort_ctrl_region *e)
{
	return READ_ONCE(e->users) & READ_ONCE(cm.hdr->may_run);
}

static struct cohort_region *to_region(struct kobject *k)
{
	return container_of(k, struct cohort_region, kobj);
}

static ssize_t base_show(struct kobject *k, struct kobj_attribute *a,
			 char *buf)
{
	return sysfs_emit(buf, "%#llx\n", (u64)to_region(k)->base);
}

static ssize_t size_show(struct kobject *k, struct kobj_attribute *a,
			 char *buf)
{
	return sysfs_emit(buf, "%llu\n", to_region(k)->size);
}

static ssize_t users_show(struct kobject *k, struct kobj_attribute *a,
			  char *buf)
{
	struct cohort_ctrl_region *t = table();
	unsigned long users;

	users = t ? live_users(&t[to_region(k)->slot]) : 0;
	return sysfs_emit(buf, "%*pbl\n", COHORT_MAX_KERNELS, &users);
}

static struct kobj_attribute region_attrs[] = {
	__ATTR_RO(base), __ATTR_RO(size), __ATTR_RO(users),
};

static struct attribute *region_attr_ptrs[ARRAY_SIZE(region_attrs) + 1];

static const struct attribute_group region_group = {
	.attrs = region_attr_ptrs,
};

static const struct attribute_group *region_groups[] = { &region_group, NULL };

static void region_release(struct kobject *k)
{
	kfree(to_region(k));
}

static const struct kobj_type region_ktype = {
	.release = region_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = region_groups,
};

static struct cohort_region *find_region(const char *name)
{
	struct cohort_region *r;

	list_for_each_entry(r, &regions, node)
		if (!strcmp(r->name, name))
			return r;
	return NULL;
}

/**
 * cohort_region_busy() - does a region overlap a range of the pool?
 * @base: start of the range
 * @size: its length
 * @use: filled with the region's range and name when one does
 *
 * Called with cohort_mutex held.
 *
 * Return: true if a region overlaps the range.
 */
bool cohort_region_busy(phys_addr_t base, u64 size, struct cohort_pool_use *use)
{
	struct cohort_region *r;

	list_for_each_entry(r, &regions, node) {
		if (base < r->base + r->size && r->base < base + size) {
			use->base = r->base;
			use->size = r->size;
			use->kind = "region";
			use->name = r->name;
			return true;
		}
	}
	return false;
}

/**
 * cohort_regions_bytes() - pool memory the regions take
 *
 * Called with cohort_mutex held.
 *
 * Return: bytes.
 */
u64 cohort_regions_bytes(void)
{
	struct cohort_region *r;
	u64 n = 0;

	list_for_each_entry(r, &regions, node)
		n += r->size;
	return n;
}

/* Highest free range of @size in the pool: regions fill it from the top. */
static phys_addr_t region_place(u64 size)
{
	phys_addr_t lo = cohort_pool_base + cohort_ctrl_size;
	phys_addr_t cand = cohort_pool_base + cohort_pool_size;
	struct cohort_pool_use use;

	if (size > cand - lo)
		return 0;
	cand -= size;
	while (cohort_pool_busy(cand, size, &use)) {
		if (use.base < lo + size)
			return 0;
		cand = use.base - size;
	}
	return cand;
}

/**
 * cohort_region_create() - COHORT_IOC_REGION_CREATE
 * @req: the request; @req->base and @req->msg are filled in
 *
 * Called with cohort_mutex held.  The region is zeroed, so nothing of an
 * earlier user of that memory is seen through it.
 *
 * Return: 0 or a negative errno, with a sentence in @req->msg.
 */
int cohort_region_create(struct cohort_ioc_region *req)
{
	struct cohort_ctrl_region *t = table(), *e = NULL;
	char *msg = req->msg;
	struct cohort_region *r;
	phys_addr_t base;
	u64 seq;
	u32 slot;
	int ret;

	ret = cohort_check_name(req->name, msg);
	if (ret)
		return ret;
	if (req->flags || req->base || req->reserved0 ||
	    memchr_inv(req->reserved, 0, sizeof(req->reserved)))
		return fail(msg, "unknown flags or non-zero reserved fields"), -EINVAL;
	if (!cohort_pool_size)
		return fail(msg, "there is no pool: boot the primary with cohort_pool=SIZE"),
		       -ENODEV;
	if (!t)
		return fail(msg, "the pool has no control region, so regions cannot be shared"),
		       -ENODEV;
	if (find_region(req->name))
		return fail(msg, "a region named '%s' exists already", req->name),
		       -EEXIST;
	if (!req->size)
		return fail(msg, "the region size is 0"), -EINVAL;
	if (!IS_ALIGNED(req->size, COHORT_MEM_ALIGN))
		return fail(msg, "the region size is not a multiple of 2 MiB"),
		       -EINVAL;
	if (req->size > cohort_pool_size - cohort_ctrl_size)
		return fail(msg, "%llu MiB do not fit the pool of %llu MiB",
			    req->size >> 20, cohort_pool_size >> 20), -ENOSPC;
	for (slot = 0; slot < COHORT_MAX_REGIONS; slot++) {
		if (!READ_ONCE(t[slot].size)) {
			e = &t[slot];
			break;
		}
	}
	if (!e)
		return fail(msg, "too many regions (at most %d)",
			    COHORT_MAX_REGIONS), -ENOSPC;
	base = region_place(req->size);
	if (!base)
		return fail(msg, "no free range of %llu MiB in the pool (%llu MiB free)",
			    req->size >> 20, cohort_pool_free_locked() >> 20),
		       -ENOSPC;

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	strscpy(r->name, req->name, sizeof(r->name));
	r->base = base;
	r->size = req->size;
	r->slot = slot;
	r->kobj.kset = regions_kset;
	ret = kobject_init_and_add(&r->kobj, &region_ktype, NULL, "%s", r->name);
	if (ret) {
		kobject_put(&r->kobj);
		return fail(msg, "cannot add it to sysfs"), ret;
	}
	memset(__va(base), 0, req->size);

	seq = READ_ONCE(e->seq) & ~1ULL;
	WRITE_ONCE(e->seq, seq + 1);
	/* Readers see the odd seq before any field changes. */
	smp_wmb();
	WRITE_ONCE(e->base, base);
	WRITE_ONCE(e->users, 0);
	memset(e->name, 0, sizeof(e->name));
	strscpy(e->name, r->name, sizeof(e->name));
	WRITE_ONCE(e->size, r->size);
	/*
	 * The fields are written before seq turns even: readers take the
	 * entry only if seq is even and unchanged (cohort_region_get()).
	 */
	smp_store_release(&e->seq, seq + 2);

	list_add_tail(&r->node, &regions);
	kobject_uevent(&r->kobj, KOBJ_ADD);
	req->base = base;
	pr_info("region %s: %llu MiB at %pa\n", r->name, r->size >> 20, &base);
	return 0;
}

/**
 * cohort_region_delete() - COHORT_IOC_REGION_DELETE
 * @req: the request; @req->msg is filled in
 *
 * Called with cohort_mutex held.  Refused while a kernel that may still
 * run maps the region.
 *
 * Return: 0 or a negative errno, with a sentence in @req->msg.
 */
int cohort_region_delete(struct cohort_ioc_region *req)
{
	struct cohort_ctrl_region *t = table(), *e;
	char *msg = req->msg;
	struct cohort_region *r;
	unsigned long users;
	u64 seq;
	int ret;

	ret = cohort_check_name(req->name, msg);
	if (ret)
		return ret;
	if (req->flags || req->size || req->base || req->reserved0 ||
	    memchr_inv(req->reserved, 0, sizeof(req->reserved)))
		return fail(msg, "unknown flags or non-zero reserved fields"), -EINVAL;
	r = find_region(req->name);
	if (!r || !t)
		return fail(msg, "no region named '%s'", req->name), -ENOENT;
	e = &t[r->slot];

	seq = READ_ONCE(e->seq);
	WRITE_ONCE(e->seq, seq + 1);
	/* Pairs with the barrier in cohort_region_get(). */
	smp_mb();
	users = live_users(e);
	if (users) {
		WRITE_ONCE(e->seq, seq);
		return fail(msg, "region '%s' is in use by kernel(s) %*pbl",
			    r->name, COHORT_MAX_KERNELS, &users), -EBUSY;
	}
	WRITE_ONCE(e->size, 0);
	WRITE_ONCE(e->base, 0);
	WRITE_ONCE(e->users, 0);
	memset(e->name, 0, sizeof(e->name));
	/* The entry is cleared before seq says it is free. */
	smp_store_release(&e->seq, seq + 2);

	list_del(&r->node);
	pr_info("region %s: deleted\n", r->name);
	kobject_del(&r->kobj);
	kobject_put(&r->kobj);
	return 0;
}

/**
 * cohort_region_forget_kernel() - drop a kernel's user bits
 * @id: a kernel whose CPUs no longer run it
 *
 * Primary, before an instance is started again: whatever its earlier run
 * mapped, it maps nothing now.
 */
void cohort_region_forget_kernel(u32 id)
{
	struct cohort_ctrl_region *t = table();
	u32 slot;

	if (!t || !id || id >= COHORT_MAX_KERNELS)
		return;
	for (slot = 0; slot < COHORT_MAX_REGIONS; slot++)
		clear_bit(id, users_word(&t[slot]));
}

/* Is a region read from shared memory one this kernel may map? */
static const char *region_bad(phys_addr_t base, u64 size)
{
	u64 pool_size = READ_ONCE(cm.hdr->pool_size);
	phys_addr_t lo = cm.ctrl_base + cm.ctrl_size;
	phys_addr_t hi = cm.ctrl_base + pool_size;

	if (!IS_ALIGNED(base, COHORT_MEM_ALIGN) ||
	    !IS_ALIGNED(size, COHORT_MEM_ALIGN))
		return "is not aligned to 2 MiB";
	if (pool_size < cm.ctrl_size || hi < lo || base < lo || base > hi ||
	    size > hi - base)
		return "is not inside the pool";
	if (cohort_is_instance() &&
	    region_intersects(base, size, IORESOURCE_SYSTEM_RAM,
			      IORES_DESC_NONE) != REGION_DISJOINT)
		return "overlaps this kernel's own memory";
	return NULL;
}

/**
 * cohort_region_get() - find a region by name and become one of its users
 * @name: region name
 * @base: out: its physical address
 * @size: out: its length
 * @ref: out: what cohort_region_put() needs
 * @why: out: a sentence when the region cannot be had
 * @whysz: bytes at @why
 *
 * Works in every kernel: the table is in the control region.  An entry
 * another kernel wrote is checked (aligned, inside the pool, not this
 * kernel's memory) before it is used.
 *
 * Return: 0, -ENOENT (no such region), -ENODEV (no messaging), -EUCLEAN
 * (a bad table entry) or -EBUSY (the entry kept changing).
 */
int cohort_region_get(const char *name, phys_addr_t *base, u64 *size,
		      struct cohort_region_ref *ref, char *why, size_t whysz)
{
	struct cohort_ctrl_region *t = table(), *e;
	char ename[COHORT_NAME_MAX];
	unsigned int tries;
	bool changing;
	const char *bad;
	u64 s1, b, sz;
	u32 slot;

	if (!t || !cm.joined) {
		snprintf(why, whysz, "this kernel has no control region (no messaging)");
		return -ENODEV;
	}
	for (tries = 0; tries < REGION_TRIES; tries++) {
		changing = false;
		for (slot = 0; slot < COHORT_MAX_REGIONS; slot++) {
			e = &t[slot];
			/* Pairs with the primary's release of seq. */
			s1 = smp_load_acquire(&e->seq);
			if (s1 & 1) {
				changing = true;
				continue;
			}
			sz = READ_ONCE(e->size);
			b = READ_ONCE(e->base);
			memcpy(ename, e->name, sizeof(ename));
			/* The fields are read before seq is read again. */
			smp_rmb();
			if (READ_ONCE(e->seq) != s1) {
				changing = true;
				continue;
			}
			if (!sz || strncmp(ename, name, sizeof(ename)))
				continue;
			bad = region_bad(b, sz);
			if (bad) {
				snprintf(why, whysz, "region '%s' in the table %s",
					 name, bad);
				return -EUCLEAN;
			}
			set_bit(cm.self, users_word(e));
			/* Pairs with the barrier in cohort_region_delete(). */
			smp_mb__after_atomic();
			if (READ_ONCE(e->seq) != s1) {
				clear_bit(cm.self, users_word(e));
				changing = true;
				continue;
			}
			*base = b;
			*size = sz;
			ref->slot = slot;
			ref->seq = s1;
			return 0;
		}
		if (!changing)
			break;
		usleep_range(100, 200);
	}
	if (tries == REGION_TRIES) {
		snprintf(why, whysz, "the region table kept changing");
		return -EBUSY;
	}
	snprintf(why, whysz, "no region named '%s'", name);
	return -ENOENT;
}
EXPORT_SYMBOL_GPL(cohort_region_get);

/**
 * cohort_region_put() - stop being a user of a region
 * @ref: what cohort_region_get() filled in
 */
void cohort_region_put(struct cohort_region_ref *ref)
{
	struct cohort_ctrl_region *t = table();

	if (!t || ref->slot >= COHORT_MAX_REGIONS)
		return;
	if (READ_ONCE(t[ref->slot].seq) == ref->seq)
		clear_bit(cm.self, users_word(&t[ref->slot]));
}
EXPORT_SYMBOL_GPL(cohort_region_put);

/**
 * cohort_regions_init() - /sys/kernel/cohort/regions/ (primary)
 *
 * Return: 0 or a negative errno.
 */
int __init cohort_regions_init(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(region_attrs); i++)
		region_attr_ptrs[i] = &region_attrs[i].attr;
	regions_kset = kset_create_and_add("regions", NULL, cohort_kobj);
	return regions_kset ? 0 : -ENOMEM;
}
