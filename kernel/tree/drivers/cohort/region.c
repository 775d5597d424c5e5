// SPDX-License-Identifier: GPL-2.0
/*
 * Cohort regions: named ranges of the pool that several kernels map,
 * e.g. to mount one cohortfs in all of them.
 *
 * The primary creates and deletes them (/dev/cohort, under the instances'
 * mutex) and keeps the list in its own memory.  It maps any region
 * itself; an instance maps only the regions granted to it, which the
 * primary lists in the instance's grant page (drivers/cohort/shm.c).
 * Nothing names a region in memory every kernel can write, so an instance
 * can neither learn nor forge where another kernel's memory is.
 *
 * A region is never given back while a kernel that may still run maps
 * it: the primary counts its own mounts, and an instance says in its
 * grant page which grants it uses (a revoke and a new mapping see each
 * other, see cohort_grants_clear()).
 */
#define pr_fmt(fmt) "cohort: " fmt

#include <linux/bitmap.h>
#include <linux/cohort.h>
#include <linux/cohort_shm.h>
#include <linux/kobject.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "cohort.h"

#define NO_SLOT	0xff

struct cohort_region {
	struct kobject kobj;
	struct list_head node;
	char name[COHORT_NAME_MAX];
	phys_addr_t base;
	u64 size;
	unsigned int primary_users;
	/* entry in instance N's grant page, or NO_SLOT: not granted */
	u8 slot[COHORT_MAX_KERNELS];
	/* instance N may map it read-only only */
	DECLARE_BITMAP(ro, COHORT_MAX_KERNELS);
};

static LIST_HEAD(regions);
static struct kset *regions_kset;

#define fail(msg, ...) scnprintf(msg, COHORT_MSG_MAX, __VA_ARGS__)

static struct cohort_region *to_region(struct kobject *k)
{
	return container_of(k, struct cohort_region, kobj);
}

/* Kernels that map the region and may still run.  cohort_mutex held. */
static u64 live_users(struct cohort_region *r)
{
	struct cohort_inst_info ii;
	u64 users = r->primary_users ? BIT_ULL(0) : 0;
	u32 id;

	for (id = 1; id < COHORT_MAX_KERNELS; id++) {
		if (r->slot[id] == NO_SLOT || !cohort_inst_by_id(id, &ii))
			continue;
		if (ii.cpus_out && cohort_grants_in_use(ii.mem_base, r->slot[id]))
			users |= BIT_ULL(id);
	}
	return users;
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
	unsigned long users;

	cohort_lock();
	users = live_users(to_region(k));
	cohort_unlock();
	return sysfs_emit(buf, "%*pbl\n", COHORT_MAX_KERNELS, &users);
}

/* The instances it is granted to (@ro: only those that may not write). */
static ssize_t show_grants(struct kobject *k, char *buf, bool ro)
{
	struct cohort_region *r = to_region(k);
	struct cohort_inst_info ii;
	int n = 0;
	u32 id;

	cohort_lock();
	for (id = 1; id < COHORT_MAX_KERNELS; id++)
		if (r->slot[id] != NO_SLOT && (!ro || test_bit(id, r->ro)) &&
		    cohort_inst_by_id(id, &ii))
			n += sysfs_emit_at(buf, n, "%s%s", n ? "," : "", ii.name);
	cohort_unlock();
	return n + sysfs_emit_at(buf, n, "\n");
}

static ssize_t grants_show(struct kobject *k, struct kobj_attribute *a,
			   char *buf)
{
	return show_grants(k, buf, false);
}

static ssize_t grants_ro_show(struct kobject *k, struct kobj_attribute *a,
			      char *buf)
{
	return show_grants(k, buf, true);
}

static struct kobj_attribute region_attrs[] = {
	__ATTR_RO(base), __ATTR_RO(size), __ATTR_RO(users), __ATTR_RO(grants),
	__ATTR_RO(grants_ro),
};

static struct attribute *region_attr_ptrs[ARRAY_SIZE(region_attrs) + 1];

static const struct attribute_group region_group = {
	.attrs = region_attr_ptrs,
};

static const struct attribute_group *region_groups[] = { &region_group, NULL };

static void region_release(struct kobject *k)
{
	struct cohort_region *r = to_region(k);

	/* Nothing maps it any more: the primary may have its memory. */
	cohort_pool_give(r->base, r->size);
	kfree(r);
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

/* Highest free range of @size in [@lo, @hi); 0 if none. */
static phys_addr_t fit_down(phys_addr_t lo, phys_addr_t hi, u64 size)
{
	struct cohort_pool_use use;
	phys_addr_t cand;

	if (size > hi - lo)
		return 0;
	cand = hi - size;
	while (cohort_pool_busy(cand, size, &use)) {
		if (use.base < lo + size)
			return 0;
		cand = use.base - size;
	}
	return cand;
}

/* Highest free range of @size in the pool: regions fill it from the top. */
static phys_addr_t region_place(u64 size)
{
	phys_addr_t lo, hi, cand;
	unsigned int n = 0;

	while (cohort_pool_range(n, &lo, &hi))
		n++;
	while (n--) {
		cohort_pool_range(n, &lo, &hi);
		cand = fit_down(lo, hi, size);
		if (cand)
			return cand;
	}
	return 0;
}

/* A name from the ioctl: a valid name, and not a network link's. */
static int user_name(char *name, char *msg)
{
	if (!strncmp(name, "net:", 4))
		return fail(msg,
			    "region '%.*s' holds the network link of an instance: see cohort net",
			    COHORT_NAME_MAX - 1, name), -EPERM;
	return cohort_check_name(name, msg);
}

/* Every check of a new region, and where it goes: @base. */
static int region_check(const char *name, u64 size, phys_addr_t *base,
			char *msg)
{
	int ret;

	ret = cohort_pool_none(msg);
	if (ret)
		return ret;
	if (!cohort_ctrl_size)
		return fail(msg, "the pool has no control region, so regions cannot be shared"),
		       -ENODEV;
	if (find_region(name))
		return fail(msg, "a region named '%s' exists already", name),
		       -EEXIST;
	if (!size)
		return fail(msg, "the region size is 0"), -EINVAL;
	if (!IS_ALIGNED(size, COHORT_MEM_ALIGN))
		return fail(msg, "the region size is not a multiple of 2 MiB"),
		       -EINVAL;
	if (size > cohort_pool_size - cohort_ctrl_size)
		return fail(msg, "%llu MiB do not fit the pool of %llu MiB",
			    size >> 20, cohort_pool_size >> 20), -ENOSPC;
	if (list_count_nodes(&regions) >= COHORT_MAX_REGIONS)
		return fail(msg, "too many regions (at most %d)",
			    COHORT_MAX_REGIONS), -ENOSPC;
	*base = region_place(size);
	if (!*base)
		return fail(msg, "no free range of %llu MiB in the pool (%llu MiB free)",
			    size >> 20, cohort_pool_free_locked() >> 20),
		       -ENOSPC;
	return 0;
}

/**
 * cohort_region_create() - COHORT_IOC_REGION_CREATE
 * @req: the request; @req->base and @req->msg are filled in
 *
 * Called with cohort_mutex held.  The region is zeroed, so nothing of an
 * earlier user of that memory is seen through it.  No instance may map
 * it until it is granted to that instance.
 *
 * Return: 0 or a negative errno, with a sentence in @req->msg.
 */
int cohort_region_create(struct cohort_ioc_region *req)
{
	char *msg = req->msg;
	phys_addr_t base;
	int ret;

	ret = user_name(req->name, msg);
	if (ret)
		return ret;
	if ((req->flags & ~COHORT_REGION_DRY_RUN) || req->base ||
	    req->reserved0 || memchr_inv(req->reserved, 0, sizeof(req->reserved)))
		return fail(msg, "unknown flags or non-zero reserved fields"), -EINVAL;
	if (req->flags & COHORT_REGION_DRY_RUN) {
		ret = region_check(req->name, req->size, &base, msg);
		if (!ret)
			req->base = base;
		return ret;
	}
	return cohort_region_make(req->name, req->size, &req->base, msg);
}

/**
 * cohort_region_make() - take a zeroed region from the pool
 * @name: its name, checked by the caller
 * @size: bytes, a multiple of %COHORT_MEM_ALIGN
 * @out: out: where it was placed
 * @msg: out: why not (%COHORT_MSG_MAX bytes)
 *
 * Called with cohort_mutex held, by the ioctl and for the memory of
 * network links ("net:NAME", a name no user can give).
 *
 * Return: 0 or a negative errno, with a sentence in @msg.
 */
int cohort_region_make(const char *name, u64 size, u64 *out, char *msg)
{
	struct cohort_region *r;
	phys_addr_t base;
	int ret;

	ret = region_check(name, size, &base, msg);
	if (ret)
		return ret;

	/* Zeroed, the primary's pages moved out; from here r holds it. */
	ret = cohort_pool_take(base, size, msg);
	if (ret)
		return ret;
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r) {
		cohort_pool_give(base, size);
		return -ENOMEM;
	}
	strscpy(r->name, name, sizeof(r->name));
	r->base = base;
	r->size = size;
	memset(r->slot, NO_SLOT, sizeof(r->slot));
	r->kobj.kset = regions_kset;
	ret = kobject_init_and_add(&r->kobj, &region_ktype, NULL, "%s", r->name);
	if (ret) {
		kobject_put(&r->kobj);
		return fail(msg, "cannot add it to sysfs"), ret;
	}
	list_add_tail(&r->node, &regions);
	kobject_uevent(&r->kobj, KOBJ_ADD);
	*out = base;
	pr_info("region %s: %llu MiB at %pa\n", r->name, r->size >> 20, &base);
	return 0;
}

/*
 * Take a region out of an instance's grant page.  -EBUSY while the
 * instance maps it and may still run.  cohort_mutex held.
 */
static int ungrant(struct cohort_region *r, u32 id)
{
	struct cohort_inst_info ii;
	int ret = 0;

	if (r->slot[id] == NO_SLOT)
		return 0;
	if (cohort_inst_by_id(id, &ii))
		ret = cohort_grants_clear(ii.mem_base, r->slot[id], ii.cpus_out);
	if (!ret)
		r->slot[id] = NO_SLOT;
	return ret;
}

/* Put a grant taken back by ungrant() in place again. */
static void regrant(struct cohort_region *r, u32 id, u8 slot)
{
	struct cohort_inst_info ii;

	if (cohort_inst_by_id(id, &ii) &&
	    !cohort_grants_set(ii.mem_base, slot, r->name, r->base, r->size,
			       test_bit(id, r->ro) ? COHORT_GRANT_RO : 0))
		r->slot[id] = slot;
}

/**
 * cohort_region_delete() - COHORT_IOC_REGION_DELETE
 * @req: the request; @req->msg is filled in
 * @gone: out: the region's kobject, to be deleted and put once
 *	cohort_mutex is dropped (its sysfs files take the mutex)
 *
 * Called with cohort_mutex held.  Refused while a kernel that may still
 * run maps the region; grants not in use go with it.
 *
 * Return: 0 or a negative errno, with a sentence in @req->msg.
 */
int cohort_region_delete(struct cohort_ioc_region *req, struct kobject **gone)
{
	char *msg = req->msg;
	int ret;

	ret = user_name(req->name, msg);
	if (ret)
		return ret;
	if (req->flags || req->size || req->base || req->reserved0 ||
	    memchr_inv(req->reserved, 0, sizeof(req->reserved)))
		return fail(msg, "unknown flags or non-zero reserved fields"), -EINVAL;
	return cohort_region_remove(req->name, msg, gone);
}

/**
 * cohort_region_remove() - give a region back to the pool
 * @name: its name
 * @msg: out: why not (%COHORT_MSG_MAX bytes)
 * @gone: out: its kobject, to be deleted and put once cohort_mutex is
 *	dropped
 *
 * Called with cohort_mutex held.  Refused while a kernel that may still
 * run maps the region; grants not in use go with it.
 *
 * Return: 0 or a negative errno, with a sentence in @msg.
 */
int cohort_region_remove(const char *name, char *msg, struct kobject **gone)
{
	u8 was[COHORT_MAX_KERNELS];
	struct cohort_region *r;
	unsigned long users;
	u32 id, undo;

	r = find_region(name);
	if (!r)
		return fail(msg, "no region named '%s'", name), -ENOENT;
	users = live_users(r);
	memcpy(was, r->slot, sizeof(was));
	for (id = 1; id < COHORT_MAX_KERNELS && !users; id++) {
		if (!ungrant(r, id))
			continue;
		/* It was mapped meanwhile: leave every grant as it was. */
		for (undo = 1; undo < id; undo++)
			if (was[undo] != NO_SLOT)
				regrant(r, undo, was[undo]);
		users = live_users(r) ?: BIT(id);
	}
	if (users)
		return fail(msg, "region '%s' is in use by kernel(s) %*pbl",
			    r->name, COHORT_MAX_KERNELS, &users), -EBUSY;
	list_del(&r->node);
	pr_info("region %s: deleted\n", r->name);
	*gone = &r->kobj;
	return 0;
}

/* A free entry in instance @id's grant page. */
static u32 free_slot(u32 id)
{
	DECLARE_BITMAP(used, COHORT_MAX_GRANTS) = { };
	struct cohort_region *r;

	list_for_each_entry(r, &regions, node)
		if (r->slot[id] != NO_SLOT)
			__set_bit(r->slot[id], used);
	return find_first_zero_bit(used, COHORT_MAX_GRANTS);
}

/**
 * cohort_region_grant() - COHORT_IOC_REGION_GRANT
 * @req: the request; @req->msg is filled in
 *
 * Called with cohort_mutex held.  A grant is written into the instance's
 * grant page at once (it may be running); a revoke is refused while the
 * instance maps the region and its CPUs may run it.
 *
 * Return: 0 or a negative errno, with a sentence in @req->msg.
 */
int cohort_region_grant(struct cohort_ioc_grant *req)
{
	struct cohort_inst_info ii;
	char *msg = req->msg;
	struct cohort_region *r;
	int ret;

	ret = user_name(req->region, msg);
	if (!ret)
		ret = cohort_check_name(req->instance, msg);
	if (ret)
		return ret;
	if ((req->flags & ~(COHORT_GRANT_REVOKE | COHORT_GRANT_READONLY)) ||
	    req->flags == (COHORT_GRANT_REVOKE | COHORT_GRANT_READONLY) ||
	    req->reserved0 ||
	    memchr_inv(req->reserved, 0, sizeof(req->reserved)))
		return fail(msg, "unknown flags or non-zero reserved fields"), -EINVAL;
	r = find_region(req->region);
	if (!r)
		return fail(msg, "no region named '%s'", req->region), -ENOENT;
	if (!cohort_inst_find(req->instance, &ii))
		return fail(msg, "no instance named '%s'", req->instance), -ENOENT;

	if (req->flags & COHORT_GRANT_REVOKE) {
		if (r->slot[ii.id] == NO_SLOT)
			return fail(msg, "region '%s' is not granted to instance '%s'",
				    r->name, ii.name), -ENOENT;
		if (ungrant(r, ii.id))
			return fail(msg,
				    "instance '%s' maps region '%s'; unmount it there or stop the instance first",
				    ii.name, r->name), -EBUSY;
		pr_info("region %s: revoked from instance %s\n", r->name, ii.name);
		return 0;
	}
	return cohort_region_give(r->name, &ii,
				  !!(req->flags & COHORT_GRANT_READONLY), msg);
}

/**
 * cohort_region_give() - grant a region to an instance
 * @name: the region
 * @ii: the instance
 * @readonly: it may map it read-only only
 * @msg: out: why not (%COHORT_MSG_MAX bytes)
 *
 * Called with cohort_mutex held.  The grant is written into the
 * instance's grant page at once (it may be running).
 *
 * Return: 0 or a negative errno, with a sentence in @msg.
 */
int cohort_region_give(const char *name, const struct cohort_inst_info *ii,
		       bool readonly, char *msg)
{
	struct cohort_region *r = find_region(name);
	u32 slot;
	int ret;

	if (!r)
		return fail(msg, "no region named '%s'", name), -ENOENT;
	if (r->slot[ii->id] != NO_SLOT)
		return fail(msg, "region '%s' is already granted to instance '%s'",
			    r->name, ii->name), -EEXIST;
	slot = free_slot(ii->id);
	if (slot >= COHORT_MAX_GRANTS)
		return fail(msg, "instance '%s' has %d regions granted already (the most)",
			    ii->name, COHORT_MAX_GRANTS), -ENOSPC;
	ret = cohort_grants_set(ii->mem_base, slot, r->name, r->base, r->size,
				readonly ? COHORT_GRANT_RO : 0);
	if (ret)
		return fail(msg, "cannot write the grant"), ret;
	r->slot[ii->id] = slot;
	assign_bit(ii->id, r->ro, readonly);
	pr_info("region %s: granted to instance %s%s\n", r->name, ii->name,
		readonly ? " (read-only)" : "");
	return 0;
}

/**
 * cohort_region_forget_instance() - an instance is deleted
 * @id: its id
 *
 * Called with cohort_mutex held, once its CPUs are back: its grants go
 * with its memory.
 */
void cohort_region_forget_instance(u32 id)
{
	struct cohort_region *r;

	if (!id || id >= COHORT_MAX_KERNELS)
		return;
	list_for_each_entry(r, &regions, node)
		r->slot[id] = NO_SLOT;
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
 * The primary looks in its own list; an instance only among the regions
 * granted to it.
 *
 * Return: 0, -ENOENT (no such region, or not granted), -ENODEV (no pool
 * or no grant page), -EUCLEAN (a bad grant) or -EBUSY (the grant kept
 * changing).
 */
int cohort_region_get(const char *name, phys_addr_t *base, u64 *size,
		      struct cohort_region_ref *ref, char *why, size_t whysz)
{
	struct cohort_region *r;

	if (cohort_is_instance()) {
		u32 flags = 0;
		int ret;

		ret = cohort_grants_get(name, base, size, &ref->slot, &flags,
					why, whysz);
		ref->readonly = flags & COHORT_GRANT_RO;
		return ret;
	}
	ref->readonly = false;
	cohort_lock();
	r = find_region(name);
	if (r) {
		r->primary_users++;
		kobject_get(&r->kobj);
		*base = r->base;
		*size = r->size;
		ref->region = r;
	}
	cohort_unlock();
	if (!r) {
		snprintf(why, whysz, "no region named '%s'", name);
		return -ENOENT;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(cohort_region_get);

/**
 * cohort_region_put() - stop being a user of a region
 * @ref: what cohort_region_get() filled in
 */
void cohort_region_put(struct cohort_region_ref *ref)
{
	struct cohort_region *r = ref->region;

	if (cohort_is_instance()) {
		cohort_grants_put(ref->slot);
		return;
	}
	if (!r)
		return;
	cohort_lock();
	r->primary_users--;
	cohort_unlock();
	kobject_put(&r->kobj);
	ref->region = NULL;
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
