/* SPDX-License-Identifier: GPL-2.0 */
/* Cohort: shared between the files of drivers/cohort/. */
#ifndef _DRIVERS_COHORT_H
#define _DRIVERS_COHORT_H

#include <linux/cohort.h>
#include <linux/kobject.h>

extern phys_addr_t cohort_pool_base;
extern u64 cohort_pool_size;
extern phys_addr_t cohort_low_base;
extern unsigned int cohort_low_slots;
extern struct kobject *cohort_kobj;
extern phys_addr_t cohort_ctrl_base;
extern u64 cohort_ctrl_size;

void __init cohort_pool_publish(void);
int __init cohort_instances_init(void);
u64 cohort_pool_free(void);
int __init cohort_msg_init(void);

#endif /* _DRIVERS_COHORT_H */
