/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Cohort: several Linux kernels side by side on one machine.
 *
 * The user-visible ABI of Cohort, shared by the kernel and the tools.
 * docs/abi.md describes every file and field.
 */
#ifndef _UAPI_LINUX_COHORT_H
#define _UAPI_LINUX_COHORT_H

/* Release of Cohort, shown in /sys/kernel/cohort/version. */
#define COHORT_VERSION		"0.1.0"

/* Roles shown in /sys/kernel/cohort/role. */
#define COHORT_ROLE_PRIMARY	"primary"
#define COHORT_ROLE_INSTANCE	"instance"

#endif /* _UAPI_LINUX_COHORT_H */
