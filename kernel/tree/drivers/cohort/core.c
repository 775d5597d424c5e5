// SPDX-License-Identifier: GPL-2.0
/*
 * Cohort core: the /sys/kernel/cohort/ directory.
 */
#define pr_fmt(fmt) "cohort: " fmt

#include <linux/init.h>
#include <linux/kobject.h>
#include <linux/sysfs.h>
#include <uapi/linux/cohort.h>

static struct kobject *cohort_kobj;

static ssize_t version_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%s\n", COHORT_VERSION);
}
static struct kobj_attribute version_attr = __ATTR_RO(version);

static ssize_t role_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%s\n", COHORT_ROLE_PRIMARY);
}
static struct kobj_attribute role_attr = __ATTR_RO(role);

static struct attribute *cohort_attrs[] = {
	&version_attr.attr,
	&role_attr.attr,
	NULL,
};

static const struct attribute_group cohort_group = {
	.attrs = cohort_attrs,
};

static int __init cohort_init(void)
{
	int ret;

	cohort_kobj = kobject_create_and_add("cohort", kernel_kobj);
	if (!cohort_kobj)
		return -ENOMEM;
	ret = sysfs_create_group(cohort_kobj, &cohort_group);
	if (ret) {
		kobject_put(cohort_kobj);
		return ret;
	}
	pr_info("version %s, role %s\n", COHORT_VERSION, COHORT_ROLE_PRIMARY);
	return 0;
}
subsys_initcall(cohort_init);
