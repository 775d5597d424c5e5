/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Is this file an x86 bzImage a Cohort instance can boot?  The checks
 * follow the x86 boot protocol (Documentation/arch/x86/boot.rst).
 */
#ifndef _COHORT_BZIMAGE_H
#define _COHORT_BZIMAGE_H

#include <stddef.h>
#include <linux/types.h>

/* Offsets in the real-mode kernel header (boot.rst, "THE REAL-MODE KERNEL HEADER"). */
#define BZ_SETUP_SECTS		0x1f1	/* u8; 0 means 4 */
#define BZ_SYSSIZE		0x1f4	/* u32 (2.04+), 16-byte paragraphs */
#define BZ_BOOT_FLAG		0x1fe	/* u16: 0xAA55 */
#define BZ_HEADER		0x202	/* u32: "HdrS" */
#define BZ_VERSION		0x206	/* u16: boot protocol, 0x020c = 2.12 */
#define BZ_LOADFLAGS		0x211	/* u8 */
#define BZ_XLOADFLAGS		0x236	/* u16 (2.12+) */

#define BZ_BOOT_FLAG_MAGIC	0xaa55
#define BZ_HEADER_MAGIC		0x53726448	/* "HdrS", little-endian */
#define BZ_MIN_VERSION		0x020c		/* 2.12: xloadflags */
#define BZ_LOADED_HIGH		(1U << 0)	/* loadflags */
#define BZ_XLF_KERNEL_64	(1U << 0)	/* xloadflags */

/* Bytes of the file cohort_bzimage_check() looks at. */
#define COHORT_BZIMAGE_HDR_LEN	(BZ_XLOADFLAGS + 2)

int cohort_bzimage_check(const void *hdr, size_t len, __u64 file_size,
			 char *err, size_t errlen);
int cohort_bzimage_check_fd(int fd, char *err, size_t errlen);

#endif /* _COHORT_BZIMAGE_H */
