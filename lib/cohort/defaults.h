/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel and instance initramfs an instance boots when none is
 * given (cohort run, cohort warm, cohortd), defined once.
 */
#ifndef _COHORT_DEFAULTS_H
#define _COHORT_DEFAULTS_H

#include <stddef.h>

/* Tried in order; "%s" is the running kernel's release. */
#define COHORT_KERNEL_DEFAULTS	"/boot/vmlinuz-%s", "/boot/bzImage"
#define COHORT_INITRD_DEFAULTS	"/usr/lib/cohort/instance-initrd.cpio.gz", \
				"/boot/instance-initrd.cpio.gz"

const char *cohort_default_kernel(char *buf, size_t len);
const char *cohort_default_initrd(char *buf, size_t len);

#endif /* _COHORT_DEFAULTS_H */
