// SPDX-License-Identifier: GPL-2.0
/*
 * Cohort core: the /sys/kernel/cohort/ directory.
 */
#define pr_fmt(fmt) "cohort: " fmt

#include <linux/cohort.h>
#include <linux/cohort_shm.h>
#include <linux/init.h>
#include <linux/kobject.h>
#include <linux/kstrtox.h>
#include <linux/numa.h>
#include <linux/sysfs.h>

#include "cohort.h"

struct kobject *cohort_kobj;

static const char *role(void)
{
	return cohort_is_instance() ? COHORT_ROLE_INSTANCE : COHORT_ROLE_PRIMARY;
}

static u32 self_id(void)
{
	return cohort_is_instance() ? cohort_instance_setup()->id : 0;
}

static ssize_t version_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%s\n", COHORT_VERSION);
}

static struct kobj_attribute version_attr = __ATTR_RO(version);

static ssize_t role_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%s\n", role());
}

static struct kobj_attribute role_attr = __ATTR_RO(role);

static ssize_t id_show(struct kobject *kobj, struct kobj_attribute *attr,
		       char *buf)
{
	return sysfs_emit(buf, "%u\n", self_id());
}

static struct kobj_attribute id_attr = __ATTR_RO(id);

static struct attribute *cohort_attrs[] = {
	&version_attr.attr,
	&role_attr.attr,
	&id_attr.attr,
	NULL,
};

static const struct attribute_group cohort_group = {
	.attrs = cohort_attrs,
};

/*
 * In an instance: the exit status of its workload, written by its init
 * (cohort-init) before it powers off, read by the primary (`cohort wait`).
 */
static ssize_t exit_status_show(struct kobject *kobj,
				struct kobj_attribute *attr, char *buf)
{
	int v = cohort_mbox_get_exit();

	return v < 0 ? sysfs_emit(buf, "\n") : sysfs_emit(buf, "%d\n", v);
}

static ssize_t exit_status_store(struct kobject *kobj,
				 struct kobj_attribute *attr, const char *buf,
				 size_t len)
{
	u32 v;
	int ret;

	ret = kstrtou32(buf, 10, &v);
	if (!ret)
		ret = cohort_mbox_set_exit(v);
	return ret ?: len;
}

static struct kobj_attribute exit_status_attr = __ATTR_RW_MODE(exit_status, 0644);

static ssize_t base_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%#llx\n", (u64)cohort_pool_base);
}

static struct kobj_attribute base_attr = __ATTR_RO(base);

static ssize_t size_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%llu\n", cohort_pool_size);
}

static struct kobj_attribute size_attr = __ATTR_RO(size);

/* One line "BASE SIZE" per range reserved: few, so they fit a page. */
static ssize_t ranges_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	phys_addr_t base;
	unsigned int i;
	int len = 0;
	u64 size;

	for (i = 0; cohort_pool_part(i, &base, &size); i++)
		len += sysfs_emit_at(buf, len, "%#llx %llu\n", (u64)base, size);
	return len;
}

static struct kobj_attribute ranges_attr = __ATTR_RO(ranges);

static ssize_t free_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%llu\n", cohort_pool_free());
}

static struct kobj_attribute free_attr = __ATTR_RO(free);

/*
 * Figures of pool/ (the whole pool) and pool/nodeN/ (the node is in the
 * directory's name), one show function for all.
 */
enum pool_fig { FIG_SIZE, FIG_FREE, FIG_LENT, FIG_LENT_USED };

struct pool_fig_attr {
	struct kobj_attribute attr;
	enum pool_fig fig;
};

static ssize_t pool_fig_show(struct kobject *kobj, struct kobj_attribute *attr,
			     char *buf)
{
	enum pool_fig fig = container_of(attr, struct pool_fig_attr, attr)->fig;
	struct cohort_pool_stat st;
	int nid = NUMA_NO_NODE;
	u64 v;

	if (strncmp(kobject_name(kobj), "node", 4) == 0 &&
	    kstrtoint(kobject_name(kobj) + 4, 10, &nid))
		return -EINVAL;
	/* Only the memory the primary's pages take needs a look at them. */
	cohort_pool_stats(nid, &st, fig == FIG_LENT_USED);
	switch (fig) {
	case FIG_SIZE:
		v = st.size;
		break;
	case FIG_FREE:
		v = st.size - st.held;
		break;
	case FIG_LENT:
		v = st.lent;
		break;
	default:
		v = st.lent_used;
		break;
	}
	return sysfs_emit(buf, "%llu\n", v);
}

#define POOL_FIG(_var, _name, _fig)					\
	static struct pool_fig_attr _var = {				\
		.attr = __ATTR(_name, 0444, pool_fig_show, NULL),	\
		.fig = _fig,						\
	}

POOL_FIG(node_size_attr, size, FIG_SIZE);
POOL_FIG(node_free_attr, free, FIG_FREE);
POOL_FIG(lent_attr, lent, FIG_LENT);
POOL_FIG(lent_used_attr, lent_used, FIG_LENT_USED);

static struct attribute *pool_attrs[] = {
	&base_attr.attr,
	&size_attr.attr,
	&ranges_attr.attr,
	&free_attr.attr,
	&lent_attr.attr.attr,
	&lent_used_attr.attr.attr,
	NULL,
};

static const struct attribute_group pool_group = {
	.attrs = pool_attrs,
};

static struct attribute *pool_node_attrs[] = {
	&node_size_attr.attr.attr,
	&node_free_attr.attr.attr,
	&lent_attr.attr.attr,
	&lent_used_attr.attr.attr,
	NULL,
};

static const struct attribute_group pool_node_group = {
	.attrs = pool_node_attrs,
};

/* /sys/kernel/cohort/pool/ and a nodeN/ for each node the pool is on. */
static int __init pool_sysfs_init(void)
{
	struct kobject *pool, *node;
	nodemask_t nodes;
	char name[16];
	int nid, ret;

	pool = kobject_create_and_add("pool", cohort_kobj);
	if (!pool)
		return -ENOMEM;
	ret = sysfs_create_group(pool, &pool_group);
	if (ret)
		return ret;
	cohort_pool_nodes(&nodes);
	for_each_node_mask(nid, nodes) {
		snprintf(name, sizeof(name), "node%d", nid);
		node = kobject_create_and_add(name, pool);
		if (!node)
			return -ENOMEM;
		ret = sysfs_create_group(node, &pool_node_group);
		if (ret)
			return ret;
	}
	return 0;
}

static int __init cohort_init(void)
{
	int ret;

	cohort_kobj = kobject_create_and_add("cohort", kernel_kobj);
	if (!cohort_kobj)
		return -ENOMEM;
	ret = sysfs_create_group(cohort_kobj, &cohort_group);
	if (ret)
		goto err;
	if (cohort_is_instance()) {
		ret = sysfs_create_file(cohort_kobj, &exit_status_attr.attr);
		if (ret)
			goto err;
	} else {
		ret = pool_sysfs_init();
		if (ret)
			goto err;
		ret = cohort_topology_init();
		if (ret)
			goto err;
		cohort_pool_publish();
		cohort_pool_lend_report();
		ret = cohort_instances_init();
		if (ret)
			goto err;
	}
	/* Messaging failing to start leaves the rest working. */
	cohort_msg_init();
	pr_info("version %s, role %s, id %u\n", COHORT_VERSION, role(),
		self_id());
	return 0;
err:
	kobject_put(cohort_kobj);
	cohort_kobj = NULL;
	pr_err("cannot create /sys/kernel/cohort: %d\n", ret);
	return ret;
}
device_initcall(cohort_init);
