// SPDX-License-Identifier: GPL-2.0
/*
 * Parsing for "cohort check" (hostcheck.h): what /proc, /sys and the
 * kernel configuration say, read from text the caller opened.  Every
 * function takes anything, malformed included, and says so rather than
 * guess.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cohort/hostcheck.h"

/*
 * The kernel options that matter (kernel/config/cohort.config and
 * kernel/tree/drivers/cohort/Kconfig): the first ones Cohort cannot do
 * without (Kconfig's "depends on"), then its parts, then what a
 * production kernel must not have.  tests/unit/test_cohort_hostcheck.c
 * checks each name against the configuration fragment.
 */
const struct hc_kopt hc_kopts[] = {
	{ "CONFIG_COHORT", 'y', HC_FAIL,
	  "Cohort itself: the pool, /dev/cohort, instances" },
	{ "CONFIG_SMP", 'y', HC_FAIL, "instances run on CPUs of their own" },
	{ "CONFIG_HOTPLUG_CPU", 'y', HC_FAIL,
	  "CPUs are taken offline for instances and brought back" },
	{ "CONFIG_KEXEC_FILE", 'y', HC_FAIL,
	  "the kernel loading code Cohort builds on" },
	{ "CONFIG_X86_X2APIC", 'y', HC_WARN,
	  "machines with APIC IDs above 254 need x2APIC mode" },
	{ "CONFIG_VSOCKETS", 'y', HC_WARN,
	  "AF_VSOCK, under Cohort's sockets between kernels" },
	{ "CONFIG_COHORT_VSOCK", 'y', HC_WARN,
	  "sockets between kernels: cohort run -p and --warm need them" },
	{ "CONFIG_COHORT_NET", 'y', HC_WARN, "network links (cohort net)" },
	{ "CONFIG_COHORTFS", 'y', HC_WARN,
	  "cohortfs: cohort run's images and volumes, shared regions" },
	{ "CONFIG_OVERLAY_FS", 'y', HC_WARN,
	  "the writable layer of an image instance booting this kernel" },
	{ "CONFIG_COHORT_TEST", 'n', HC_WARN,
	  "a test interface that lets root act as a hostile kernel" },
};

const size_t hc_nr_kopts = sizeof(hc_kopts) / sizeof(hc_kopts[0]);

static void copy_trimmed(char *dst, size_t len, const char *s)
{
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	if (n >= len)
		n = len - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/**
 * hc_cpuinfo_read() - parse /proc/cpuinfo
 * @f: the file
 * @ci: out: the first processor's vendor, model and flags, the number of
 *	processors and the highest APIC ID; free with hc_cpuinfo_free()
 *
 * Lines without "key : value" are skipped.  A file with no "processor"
 * line leaves @ci->processors 0: the caller says it is not understood.
 *
 * Return: 0, or -ENOMEM.
 */
int hc_cpuinfo_read(FILE *f, struct hc_cpuinfo *ci)
{
	char *line = NULL, *colon, key[64];
	size_t cap = 0;
	ssize_t n;
	int ret = 0;

	memset(ci, 0, sizeof(*ci));
	while ((n = getline(&line, &cap, f)) > 0) {
		colon = strchr(line, ':');
		if (!colon)
			continue;
		*colon = '\0';
		copy_trimmed(key, sizeof(key), line);
		if (!strcmp(key, "processor")) {
			ci->processors++;
			continue;
		}
		if (!strcmp(key, "apicid")) {
			char *end;
			unsigned long long v = strtoull(colon + 1, &end, 10);

			if (end != colon + 1 && (!ci->have_apicid ||
						 v > ci->max_apicid)) {
				ci->max_apicid = v;
				ci->have_apicid = true;
			}
			continue;
		}
		/* The rest only of the first processor. */
		if (ci->processors != 1)
			continue;
		if (!strcmp(key, "vendor_id")) {
			copy_trimmed(ci->vendor, sizeof(ci->vendor), colon + 1);
		} else if (!strcmp(key, "model name")) {
			copy_trimmed(ci->model, sizeof(ci->model), colon + 1);
		} else if (!strcmp(key, "flags") && !ci->flags) {
			ci->flags = strdup(colon + 1);
			if (!ci->flags) {
				ret = -ENOMEM;
				break;
			}
			copy_trimmed(ci->flags, strlen(ci->flags) + 1,
				     colon + 1);
		}
	}
	free(line);
	return ret;
}

/**
 * hc_cpuinfo_free() - free what hc_cpuinfo_read() allocated
 * @ci: the parsed file
 */
void hc_cpuinfo_free(struct hc_cpuinfo *ci)
{
	free(ci->flags);
	ci->flags = NULL;
}

/**
 * hc_has_word() - is @word one of the blank-separated words of @list?
 * @list: e.g. a flags line; NULL is an empty list
 * @word: the word
 *
 * Return: true when it is.
 */
bool hc_has_word(const char *list, const char *word)
{
	size_t n = strlen(word);
	const char *p = list;

	if (!list || !n)
		return false;
	while ((p = strstr(p, word))) {
		bool start = p == list || isspace((unsigned char)p[-1]);
		bool end = !p[n] || isspace((unsigned char)p[n]);

		if (start && end)
			return true;
		p += n;
	}
	return false;
}

/**
 * hc_cmdline_get() - the value of a kernel parameter, as the kernel reads
 *	it: words split at blanks outside double quotes, quotes removed,
 *	nothing after "--" (that is init's)
 * @cmdline: /proc/cmdline
 * @key: the parameter, e.g. "cohort_pool"
 * @val: out: the value of its last occurrence ("" for a bare @key);
 *	cut to fit
 * @len: bytes at @val
 *
 * Return: 1 when @key is there, 0 when it is not.
 */
int hc_cmdline_get(const char *cmdline, const char *key, char *val,
		   size_t len)
{
	size_t klen = strlen(key);
	const char *p = cmdline;
	char word[4096];
	int found = 0;

	if (len)
		val[0] = '\0';
	for (;;) {
		bool quoted = false;
		size_t n = 0;

		while (isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		while (*p && (quoted || !isspace((unsigned char)*p))) {
			if (*p == '"')
				quoted = !quoted;
			else if (n < sizeof(word) - 1)
				word[n++] = *p;
			p++;
		}
		word[n] = '\0';
		if (!strcmp(word, "--"))
			break;
		if (strncmp(word, key, klen) ||
		    (word[klen] && word[klen] != '='))
			continue;
		found = 1;
		if (len) {
			const char *v = word[klen] ? word + klen + 1 : "";

			snprintf(val, len, "%s", v);
		}
	}
	return found;
}

/* The kernel's memparse(): a number (0x hex, 0 octal) and K..E. */
static int memparse(const char *s, const char **end, __u64 *out)
{
	static const char units[] = "kmgtpe";
	const char *u;
	char *e;
	__u64 v;

	if (!isdigit((unsigned char)*s)) {
		*out = 0;
		*end = s;
		return 0;
	}
	errno = 0;
	v = strtoull(s, &e, 0);
	if (errno)
		return -EINVAL;
	u = *e ? strchr(units, tolower((unsigned char)*e)) : NULL;
	if (u) {
		unsigned int shift = 10 * (unsigned int)(u - units + 1);

		if (v && (shift >= 64 || v > (~0ULL >> shift)))
			return -EINVAL;
		v <<= shift;
		e++;
	}
	*out = v;
	*end = e;
	return 0;
}

/**
 * hc_parse_pool_arg() - parse cohort_pool=SIZE[@ADDR] as the kernel does
 *	(drivers/cohort/pool.c)
 * @s: the value
 * @size: out: the size asked for, in bytes (before the kernel rounds it
 *	up to 2 MiB)
 * @base: out: the base asked for, 0 when none
 *
 * Return: 0, or -EINVAL when the kernel refuses it (and reserves no pool).
 */
int hc_parse_pool_arg(const char *s, __u64 *size, __u64 *base)
{
	const char *end;

	*size = *base = 0;
	if (memparse(s, &end, size))
		return -EINVAL;
	if (*end == '@' && memparse(end + 1, &end, base))
		return -EINVAL;
	if (*end || !*size) {
		*size = *base = 0;
		return -EINVAL;
	}
	return 0;
}

/**
 * hc_kconfig_line() - one line of a kernel .config
 * @line: the line, with or without its newline
 * @name: out: the option, "CONFIG_..."
 * @nlen: bytes at @name
 * @val: out: its value as written ("y", "m", "64", "\"text\""), or "n"
 *	for "# CONFIG_X is not set"
 * @vlen: bytes at @val
 *
 * Return: HC_KCONFIG_SET, HC_KCONFIG_UNSET, or HC_KCONFIG_OTHER for
 * anything else (comments, blank lines, junk).
 */
int hc_kconfig_line(const char *line, char *name, size_t nlen, char *val,
		    size_t vlen)
{
	const char *p = line, *eq;
	size_t n;

	if (!strncmp(p, "# CONFIG_", 9)) {
		const char *sp = strchr(p + 2, ' ');

		if (!sp || strncmp(sp, " is not set", 11) ||
		    (sp[11] && sp[11] != '\n'))
			return HC_KCONFIG_OTHER;
		n = (size_t)(sp - (p + 2));
		if (n >= nlen)
			return HC_KCONFIG_OTHER;
		memcpy(name, p + 2, n);
		name[n] = '\0';
		snprintf(val, vlen, "n");
		return HC_KCONFIG_UNSET;
	}
	if (strncmp(p, "CONFIG_", 7))
		return HC_KCONFIG_OTHER;
	eq = strchr(p, '=');
	if (!eq)
		return HC_KCONFIG_OTHER;
	n = (size_t)(eq - p);
	if (n >= nlen)
		return HC_KCONFIG_OTHER;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)p[i]) && p[i] != '_')
			return HC_KCONFIG_OTHER;
	memcpy(name, p, n);
	name[n] = '\0';
	copy_trimmed(val, vlen, eq + 1);
	return HC_KCONFIG_SET;
}

/**
 * hc_lockdown_mode() - the mode in brackets of
 *	/sys/kernel/security/lockdown ("none [integrity] confidentiality")
 * @s: the file's text
 * @mode: out: "none", "integrity" or "confidentiality"
 * @len: bytes at @mode
 *
 * Return: 0, or -EINVAL when no known mode is in brackets.
 */
int hc_lockdown_mode(const char *s, char *mode, size_t len)
{
	static const char *const modes[] = { "none", "integrity",
					     "confidentiality" };
	const char *open = strchr(s, '['), *close;
	size_t n, i;

	if (!open)
		return -EINVAL;
	close = strchr(open, ']');
	if (!close)
		return -EINVAL;
	n = (size_t)(close - open - 1);
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		if (strlen(modes[i]) == n && !strncmp(open + 1, modes[i], n)) {
			snprintf(mode, len, "%s", modes[i]);
			return 0;
		}
	}
	return -EINVAL;
}

/**
 * hc_efi_bool() - a one-byte boolean EFI variable as efivarfs shows it:
 *	four bytes of attributes, then the byte
 * @buf: the file's bytes
 * @n: how many
 *
 * Return: 0 or 1, or -EINVAL when it is not such a variable.
 */
int hc_efi_bool(const unsigned char *buf, size_t n)
{
	if (n != 5 || buf[4] > 1)
		return -EINVAL;
	return buf[4];
}

/**
 * hc_meminfo_kb() - a "Key:   123 kB" line of /proc/meminfo
 * @line: the line
 * @key: e.g. "MemTotal"
 * @kb: out: the number
 *
 * Return: 0, -ENOENT when the line is about another key, -EINVAL when it
 * is about @key but malformed.
 */
int hc_meminfo_kb(const char *line, const char *key, __u64 *kb)
{
	size_t n = strlen(key);
	const char *p;
	char *end;

	if (strncmp(line, key, n) || line[n] != ':')
		return -ENOENT;
	p = line + n + 1;
	while (*p == ' ' || *p == '\t')
		p++;
	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	errno = 0;
	*kb = strtoull(p, &end, 10);
	if (errno || strncmp(end, " kB", 3))
		return -EINVAL;
	return 0;
}

/**
 * hc_interrupt_remapped() - does a line of /proc/interrupts name a
 *	remapped interrupt chip ("IR-PCI-MSI", "IR-IO-APIC")?
 * @line: the line
 *
 * Both Intel's and AMD's IOMMU drivers name the irq domains they put in
 * front of the MSI and IO-APIC ones "IR-...", and only when interrupt
 * remapping is enabled.
 *
 * Return: true when it does.
 */
bool hc_interrupt_remapped(const char *line)
{
	const char *p = line;

	while ((p = strstr(p, "IR-"))) {
		if (p > line && isspace((unsigned char)p[-1]))
			return true;
		p += 3;
	}
	return false;
}
