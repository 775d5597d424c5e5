/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What "cohort check" reads about the machine, parsed: /proc/cpuinfo, the
 * kernel command line, the kernel configuration, the lockdown file, an EFI
 * variable, /proc/meminfo and /proc/interrupts lines; and the one table of
 * the kernel options Cohort needs.  No file is opened here (the command,
 * cmd/cohort/check.c, does that), so the unit tests feed it text.
 */
#ifndef _COHORT_HOSTCHECK_H
#define _COHORT_HOSTCHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <linux/types.h>

/*
 * The smallest useful pool: the 18 MiB messaging control region at its
 * start (COHORT_CTRL_SIZE, kernel/tree/include/linux/cohort_shm.h) and
 * one instance of the smallest size (COHORT_MEM_MIN).
 */
#define HC_CTRL_SIZE		(18ULL << 20)
#define HC_POOL_MIN		(HC_CTRL_SIZE + (32ULL << 20))

/* What /proc/cpuinfo says of the first processor. */
struct hc_cpuinfo {
	char vendor[64];	/* vendor_id, "" when there is none */
	char model[128];	/* model name */
	char *flags;		/* its flags line (malloc()ed), or NULL */
	unsigned int processors;	/* "processor" entries */
	__u64 max_apicid;	/* the highest "apicid" seen */
	bool have_apicid;
};

int hc_cpuinfo_read(FILE *f, struct hc_cpuinfo *ci);
void hc_cpuinfo_free(struct hc_cpuinfo *ci);
bool hc_has_word(const char *list, const char *word);

int hc_cmdline_get(const char *cmdline, const char *key, char *val,
		   size_t len);
int hc_parse_pool_arg(const char *s, __u64 *size, __u64 *base);

/* hc_kconfig_line() results */
enum { HC_KCONFIG_OTHER, HC_KCONFIG_SET, HC_KCONFIG_UNSET };
int hc_kconfig_line(const char *line, char *name, size_t nlen, char *val,
		    size_t vlen);

int hc_lockdown_mode(const char *s, char *mode, size_t len);
int hc_efi_bool(const unsigned char *buf, size_t n);
int hc_meminfo_kb(const char *line, const char *key, __u64 *kb);
bool hc_interrupt_remapped(const char *line);

/* How much a kernel option that is not as wanted matters. */
enum hc_level { HC_PASS, HC_WARN, HC_FAIL };

/* A kernel option Cohort needs (want 'y') or must not have (want 'n'). */
struct hc_kopt {
	const char *name;	/* "CONFIG_COHORT" */
	char want;		/* 'y' or 'n' */
	enum hc_level level;	/* when it is not so */
	const char *why;	/* what it is for, for a person */
};

extern const struct hc_kopt hc_kopts[];
extern const size_t hc_nr_kopts;

#endif /* _COHORT_HOSTCHECK_H */
