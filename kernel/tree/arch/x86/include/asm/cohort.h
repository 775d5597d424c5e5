/* SPDX-License-Identifier: GPL-2.0 */
/* Cohort on x86: the instance boot trampoline (cohort_trampoline.S). */
#ifndef _ASM_X86_COHORT_H
#define _ASM_X86_COHORT_H

#include <linux/types.h>

/* Copied below 1 MiB, never run in place; see cohort_boot.c. */
extern const u8 cohort_trampoline[], cohort_trampoline_32[];
extern const u8 cohort_trampoline_64[], cohort_trampoline_end[];

#endif /* _ASM_X86_COHORT_H */
