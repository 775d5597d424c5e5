// SPDX-License-Identifier: GPL-2.0
/*
 * Parsing and checking what a person types to the Cohort tools.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "parse.h"
#include "err.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Writes the quoted form of byte @c into @tmp; returns its length. */
static size_t quote_char(unsigned char c, char *tmp)
{
	if (c < 0x20 || c >= 0x7f)
		return (size_t)snprintf(tmp, 5, "\\x%02x", c);
	if (c == '\'' || c == '\\')
		return (size_t)snprintf(tmp, 5, "\\%c", c);
	return (size_t)snprintf(tmp, 5, "%c", c);
}

/**
 * cohort_quote() - make a string safe to show inside quotes in a message
 * @s: the string, possibly holding control or non-ASCII bytes
 * @buf: where to write the result
 * @len: bytes at @buf
 *
 * Copies @s, writing bytes outside printable ASCII as \xNN and a quote or
 * backslash preceded by a backslash.  The result is cut short, ending in
 * "...", when it does not fit.
 */
void cohort_quote(const char *s, char *buf, size_t len)
{
	size_t o = 0, total = 0, room;
	const char *p;
	char tmp[5];

	if (!len)
		return;
	for (p = s; *p; p++)
		total += quote_char((unsigned char)*p, tmp);
	/* Leave room for "..." when it does not all fit. */
	room = total < len ? len - 1 : (len > 4 ? len - 4 : 0);
	for (p = s; *p; p++) {
		size_t n = quote_char((unsigned char)*p, tmp);

		if (o + n > room)
			break;
		memcpy(buf + o, tmp, n);
		o += n;
	}
	if (total >= len && len > 4) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
}

/*
 * Reads a decimal CPU number at *pp.  Returns 0, -EINVAL when there is no
 * digit, -ERANGE when it does not fit in an unsigned int.
 */
static int cpu_number(const char **pp, unsigned int *out)
{
	const char *p = *pp;
	unsigned long long v = 0;
	bool big = false;

	if (!is_digit(*p))
		return -EINVAL;
	for (; is_digit(*p); p++) {
		v = v * 10 + (unsigned int)(*p - '0');
		if (v > UINT32_MAX) {
			big = true;
			v = UINT32_MAX;
		}
	}
	*pp = p;
	*out = (unsigned int)v;
	return big ? -ERANGE : 0;
}

static void bad_list(char *err, size_t errlen, const char *s,
		     const char *at, const char *what)
{
	char q[96], r[64];

	cohort_quote(s, q, sizeof(q));
	if (!*at) {
		cohort_seterr(err, errlen, "invalid CPU list '%s': %s at the end", q,
		       what);
		return;
	}
	cohort_quote(at, r, sizeof(r));
	cohort_seterr(err, errlen, "invalid CPU list '%s': %s at '%s'", q, what, r);
}

/**
 * cohort_parse_cpulist() - parse a CPU list such as "2-3,6" or "0-7:2"
 * @s: the list: comma-separated items N, N-M or N-M:S (every S-th CPU
 *	from N to M), CPU numbers in decimal
 * @mask: bitmap of @nbits bits to fill; cleared first
 * @nbits: CPUs 0..@nbits - 1 may be named (a multiple of 64)
 * @flags: 0, or COHORT_CPULIST_LENIENT for lists the kernel wrote
 * @err: where to write why @s is refused, or NULL
 * @errlen: bytes at @err
 *
 * Without COHORT_CPULIST_LENIENT an empty list, white space, a reversed
 * range, a stride of 0 and a CPU named twice are refused.
 *
 * Return: 0; -EINVAL for a malformed list or a duplicate; -ERANGE for a
 * CPU number of @nbits or more.
 */
int cohort_parse_cpulist(const char *s, __u64 *mask, unsigned int nbits,
			 unsigned int flags, char *err, size_t errlen)
{
	bool lenient = flags & COHORT_CPULIST_LENIENT;
	const char *p = s, *end;
	char q[96];

	memset(mask, 0, (nbits + 63) / 64 * sizeof(__u64));
	if (!s) {
		cohort_seterr(err, errlen, "no CPU list");
		return -EINVAL;
	}
	end = s + strlen(s);
	if (lenient) {
		while (is_space(*p))
			p++;
		while (end > p && is_space(end[-1]))
			end--;
		if (p == end)
			return 0;
	} else if (!*s) {
		cohort_seterr(err, errlen, "the CPU list is empty");
		return -EINVAL;
	}

	for (;;) {
		const char *item = p;
		unsigned int a, b, stride = 1, cpu;
		int ret;

		ret = cpu_number(&p, &a);
		if (ret == -EINVAL) {
			bad_list(err, errlen, s, p, "expected a CPU number");
			return -EINVAL;
		}
		b = a;
		if (!ret && *p == '-') {
			p++;
			ret = cpu_number(&p, &b);
			if (ret == -EINVAL) {
				bad_list(err, errlen, s, p,
					 "expected a CPU number");
				return -EINVAL;
			}
			if (!ret && *p == ':') {
				p++;
				ret = cpu_number(&p, &stride);
				if (ret == -EINVAL) {
					bad_list(err, errlen, s, p,
						 "expected a stride");
					return -EINVAL;
				}
				if (!ret && stride == 0) {
					cohort_quote(s, q, sizeof(q));
					cohort_seterr(err, errlen,
					       "invalid CPU list '%s': a stride must be at least 1",
					       q);
					return -EINVAL;
				}
			}
		}
		if (ret == -ERANGE || (a >= nbits && !lenient) ||
		    (b >= nbits && !lenient)) {
			unsigned int bad = a >= nbits ? a : b;
			int n = (int)(p - item);

			if (ret == -ERANGE)
				cohort_seterr(err, errlen,
				       "CPU number in '%.*s' is too large (Cohort supports CPUs 0-%u)",
				       n > 40 ? 40 : n, item, nbits - 1);
			else
				cohort_seterr(err, errlen,
				       "CPU %u is too large (Cohort supports CPUs 0-%u)",
				       bad, nbits - 1);
			return -ERANGE;
		}
		if (b < a) {
			cohort_seterr(err, errlen,
			       "invalid CPU list: the range %u-%u is reversed (write %u-%u)",
			       a, b, b, a);
			return -EINVAL;
		}
		for (cpu = a; cpu <= b && cpu < nbits; cpu += stride) {
			if (cohort_cpu_isset(mask, cpu) && !lenient) {
				cohort_seterr(err, errlen,
				       "invalid CPU list: CPU %u is named twice",
				       cpu);
				return -EINVAL;
			}
			cohort_cpu_set(mask, cpu);
			if (b - cpu < stride)
				break;
		}
		if (p == end)
			return 0;
		if (*p != ',') {
			bad_list(err, errlen, s, p, "unexpected characters");
			return -EINVAL;
		}
		p++;
		if (p == end) {
			bad_list(err, errlen, s, p, "expected a CPU number");
			return -EINVAL;
		}
	}
}

/**
 * cohort_format_cpulist() - write a CPU bitmap in list syntax ("2-3,6")
 * @mask: the bitmap
 * @nbits: bits in @mask
 * @buf: where to write; an empty string for an empty bitmap
 * @len: bytes at @buf
 *
 * Return: 0, or -ENOSPC when @buf is too small (it then holds as much as
 * fits, NUL-terminated).
 */
int cohort_format_cpulist(const __u64 *mask, unsigned int nbits, char *buf,
			  size_t len)
{
	unsigned int cpu = 0;
	size_t o = 0;

	if (!len)
		return -ENOSPC;
	buf[0] = '\0';
	while (cpu < nbits) {
		unsigned int first, last;
		int n;

		if (!cohort_cpu_isset(mask, cpu)) {
			cpu++;
			continue;
		}
		first = cpu;
		while (cpu + 1 < nbits && cohort_cpu_isset(mask, cpu + 1))
			cpu++;
		last = cpu++;
		if (first == last)
			n = snprintf(buf + o, len - o, "%s%u", o ? "," : "",
				     first);
		else
			n = snprintf(buf + o, len - o, "%s%u-%u",
				     o ? "," : "", first, last);
		if (n < 0 || (size_t)n >= len - o) {
			buf[o] = '\0';
			return -ENOSPC;
		}
		o += (size_t)n;
	}
	return 0;
}

/**
 * cohort_cpulist_weight() - how many CPUs a bitmap holds
 * @mask: the bitmap
 * @nbits: bits in @mask (a multiple of 64)
 *
 * Return: the number of bits set.
 */
unsigned int cohort_cpulist_weight(const __u64 *mask, unsigned int nbits)
{
	unsigned int i, w = 0;

	for (i = 0; i < nbits / 64; i++)
		w += (unsigned int)__builtin_popcountll(mask[i]);
	return w;
}

/* Reads a run of decimal digits; -EINVAL for none, -ERANGE on overflow. */
static int u64_number(const char **pp, int base, __u64 *out)
{
	const char *p = *pp;
	__u64 v = 0;
	bool big = false;

	for (;; p++) {
		unsigned int d;

		if (is_digit(*p))
			d = (unsigned int)(*p - '0');
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			d = (unsigned int)(*p - 'a' + 10);
		else if (base == 16 && *p >= 'A' && *p <= 'F')
			d = (unsigned int)(*p - 'A' + 10);
		else
			break;
		if (v > (UINT64_MAX - d) / (unsigned int)base)
			big = true;
		else
			v = v * (unsigned int)base + d;
	}
	if (p == *pp)
		return -EINVAL;
	*pp = p;
	*out = v;
	return big ? -ERANGE : 0;
}

static const struct {
	const char *suffix;
	unsigned int shift;
} size_suffixes[] = {
	{ "", 0 },
	{ "K", 10 }, { "KiB", 10 },
	{ "M", 20 }, { "MiB", 20 },
	{ "G", 30 }, { "GiB", 30 },
	{ "T", 40 }, { "TiB", 40 },
};

/**
 * cohort_parse_size() - parse a size such as "512M", "1GiB" or "33554432"
 * @s: decimal digits, then nothing (bytes) or one of K, M, G, T, KiB,
 *	MiB, GiB, TiB (any case); every unit is a power of 1024
 * @out: the size in bytes
 * @err: where to write why @s is refused, or NULL
 * @errlen: bytes at @err
 *
 * Return: 0; -EINVAL for a malformed size; -ERANGE when it does not fit
 * in 64 bits.
 */
int cohort_parse_size(const char *s, __u64 *out, char *err, size_t errlen)
{
	const char *p = s;
	char q[96];
	__u64 v;
	size_t i;
	int ret;

	cohort_quote(s ? s : "", q, sizeof(q));
	if (!s || !*s) {
		cohort_seterr(err, errlen, "the size is empty");
		return -EINVAL;
	}
	ret = u64_number(&p, 10, &v);
	if (ret == -EINVAL) {
		cohort_seterr(err, errlen,
		       "invalid size '%s': expected a number of bytes, optionally followed by K, M, G or T",
		       q);
		return -EINVAL;
	}
	if (*p == '.') {
		cohort_seterr(err, errlen,
		       "invalid size '%s': fractions are not accepted; use a smaller unit",
		       q);
		return -EINVAL;
	}
	for (i = 0; i < ARRAY_SIZE(size_suffixes); i++) {
		unsigned int shift = size_suffixes[i].shift;

		if (strcasecmp(p, size_suffixes[i].suffix))
			continue;
		if (ret == -ERANGE || (shift && v > (UINT64_MAX >> shift))) {
			cohort_seterr(err, errlen, "size '%s' is too large", q);
			return -ERANGE;
		}
		*out = v << shift;
		return 0;
	}
	{
		char unit[48];

		cohort_quote(p, unit, sizeof(unit));
		cohort_seterr(err, errlen,
		       "invalid size '%s': unknown unit '%s' (use K, M, G, T or KiB, MiB, GiB, TiB; powers of 1024)",
		       q, unit);
	}
	return -EINVAL;
}

/**
 * cohort_format_size() - write a byte count the way a person reads it
 * @bytes: the count
 * @compact: "512M" rather than "512 MiB"
 * @buf: where to write, at least COHORT_SIZE_STR_MAX bytes
 * @len: bytes at @buf
 *
 * Uses the largest unit (KiB to TiB) that divides @bytes exactly, so the
 * value is never rounded: 33554432 is "32 MiB", 1536 MiB stays "1536 MiB",
 * 1000 is "1000 bytes" ("1000" when @compact).
 */
void cohort_format_size(__u64 bytes, bool compact, char *buf, size_t len)
{
	static const char units[] = "KMGT";
	int u = -1;

	while (u < 3 && bytes && !(bytes & 1023)) {
		bytes >>= 10;
		u++;
	}
	if (u < 0)
		snprintf(buf, len, compact ? "%llu" : "%llu bytes",
			 (unsigned long long)bytes);
	else
		snprintf(buf, len, compact ? "%llu%c" : "%llu %ciB",
			 (unsigned long long)bytes, units[u]);
}

/**
 * cohort_check_mem_size() - check an instance memory size
 * @size: bytes
 * @err: where to write why @size is refused, or NULL
 * @errlen: bytes at @err
 *
 * Return: 0, or -EINVAL when @size is 0, below COHORT_MEM_MIN or not a
 * multiple of COHORT_MEM_ALIGN.
 */
int cohort_check_mem_size(__u64 size, char *err, size_t errlen)
{
	char a[COHORT_SIZE_STR_MAX], b[COHORT_SIZE_STR_MAX];

	cohort_format_size(size, false, a, sizeof(a));
	if (!size) {
		cohort_seterr(err, errlen, "the memory size must not be 0");
		return -EINVAL;
	}
	if (size < COHORT_MEM_MIN) {
		cohort_format_size(COHORT_MEM_MIN, false, b, sizeof(b));
		cohort_seterr(err, errlen,
		       "the memory size %s is below the minimum of %s", a, b);
		return -EINVAL;
	}
	if (size % COHORT_MEM_ALIGN) {
		cohort_format_size(COHORT_MEM_ALIGN, false, b, sizeof(b));
		cohort_seterr(err, errlen,
		       "the memory size %s is not a multiple of %s", a, b);
		return -EINVAL;
	}
	return 0;
}

/**
 * cohort_parse_addr() - parse a physical address, "0x..." hex or decimal
 * @s: the address
 * @out: its value
 * @err: where to write why @s is refused, or NULL
 * @errlen: bytes at @err
 *
 * Return: 0; -EINVAL for a malformed address; -ERANGE when it does not
 * fit in 64 bits.
 */
int cohort_parse_addr(const char *s, __u64 *out, char *err, size_t errlen)
{
	const char *p = s;
	int base = 10, ret;
	char q[96];
	__u64 v;

	cohort_quote(s ? s : "", q, sizeof(q));
	if (!s || !*s) {
		cohort_seterr(err, errlen, "the address is empty");
		return -EINVAL;
	}
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	ret = u64_number(&p, base, &v);
	if (ret == -EINVAL || *p) {
		cohort_seterr(err, errlen,
		       "invalid address '%s': expected hexadecimal 0x... or decimal",
		       q);
		return -EINVAL;
	}
	if (ret == -ERANGE) {
		cohort_seterr(err, errlen, "address '%s' does not fit in 64 bits", q);
		return -ERANGE;
	}
	*out = v;
	return 0;
}

/**
 * cohort_check_name_of() - check a name against the rules in
 * <uapi/linux/cohort.h>
 * @name: the name
 * @what: what it names, for the message: "instance", "region"
 * @err: where to write why @name is refused, or NULL
 * @errlen: bytes at @err
 *
 * A name has 1 to COHORT_NAME_MAX - 1 characters from [A-Za-z0-9_.-] and
 * does not start with '.' or '-'.  Instances and regions follow the same
 * rules.
 *
 * Return: 0 or -EINVAL.
 */
int cohort_check_name_of(const char *name, const char *what, char *err,
			 size_t errlen)
{
	char q[96];
	size_t len, i;

	if (!name || !*name) {
		cohort_seterr(err, errlen, "the %s name is empty", what);
		return -EINVAL;
	}
	cohort_quote(name, q, sizeof(q));
	len = strlen(name);
	if (len > COHORT_NAME_MAX - 1) {
		cohort_seterr(err, errlen,
		       "invalid %s name '%s': %zu characters, at most %d are allowed",
		       what, q, len, COHORT_NAME_MAX - 1);
		return -EINVAL;
	}
	for (i = 0; i < len; i++) {
		char c = name[i];
		char cq[2], cqq[8];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    is_digit(c) || c == '_' || c == '.' || c == '-')
			continue;
		cq[0] = c;
		cq[1] = '\0';
		cohort_quote(cq, cqq, sizeof(cqq));
		cohort_seterr(err, errlen,
		       "invalid %s name '%s': '%s' is not allowed (use letters, digits, '_', '.' and '-')",
		       what, q, cqq);
		return -EINVAL;
	}
	if (name[0] == '.' || name[0] == '-') {
		cohort_seterr(err, errlen,
		       "invalid %s name '%s': it must not start with '.' or '-'",
		       what, q);
		return -EINVAL;
	}
	return 0;
}

/**
 * cohort_check_name() - check an instance name: cohort_check_name_of()
 * @name: the name
 * @err: where to write why @name is refused, or NULL
 * @errlen: bytes at @err
 *
 * Return: 0 or -EINVAL.
 */
int cohort_check_name(const char *name, char *err, size_t errlen)
{
	return cohort_check_name_of(name, "instance", err, errlen);
}

/**
 * cohort_parse_timeout() - parse a timeout in seconds, such as "10" or "2.5"
 * @s: decimal seconds, with at most three digits after a '.'
 * @ms: the timeout in milliseconds, at least 1
 * @err: where to write why @s is refused, or NULL
 * @errlen: bytes at @err
 *
 * Return: 0; -EINVAL for a malformed or zero timeout; -ERANGE when it
 * does not fit in 32 bits of milliseconds.
 */
int cohort_parse_timeout(const char *s, __u32 *ms, char *err, size_t errlen)
{
	const char *p = s;
	__u64 sec, frac = 0;
	char q[96];
	int ret, digits = 0;

	cohort_quote(s ? s : "", q, sizeof(q));
	ret = s ? u64_number(&p, 10, &sec) : -EINVAL;
	if (ret == -EINVAL)
		goto bad;
	if (*p == '.') {
		p++;
		for (; is_digit(*p) && digits < 3; p++, digits++)
			frac = frac * 10 + (__u64)(*p - '0');
		if (!digits)
			goto bad;
		for (; digits < 3; digits++)
			frac *= 10;
	}
	if (*p)
		goto bad;
	if (ret == -ERANGE || sec > UINT32_MAX / 1000 ||
	    sec * 1000 + frac > UINT32_MAX) {
		cohort_seterr(err, errlen,
		       "timeout '%s' is too long (at most %u seconds)", q,
		       UINT32_MAX / 1000);
		return -ERANGE;
	}
	if (!sec && !frac) {
		cohort_seterr(err, errlen, "the timeout must be more than 0 seconds");
		return -EINVAL;
	}
	*ms = (__u32)(sec * 1000 + frac);
	return 0;
bad:
	cohort_seterr(err, errlen,
	       "invalid timeout '%s': expected seconds, such as 10 or 2.5 (at most 3 decimals)",
	       q);
	return -EINVAL;
}

/**
 * cohort_check_cmdline() - check an instance kernel command line
 * @cmdline: the command line
 * @err: where to write why it is refused, or NULL
 * @errlen: bytes at @err
 *
 * Return: 0, or -E2BIG when it has COHORT_CMDLINE_MAX bytes or more (the
 * kernel needs room for the NUL).
 */
int cohort_check_cmdline(const char *cmdline, char *err, size_t errlen)
{
	size_t len = strlen(cmdline);

	if (len > COHORT_CMDLINE_MAX - 1) {
		cohort_seterr(err, errlen,
		       "the command line is %zu bytes long, at most %d are allowed",
		       len, COHORT_CMDLINE_MAX - 1);
		return -E2BIG;
	}
	return 0;
}

/**
 * cohort_parse_uint() - parse a whole number that must lie within bounds
 * @s: decimal digits only: no sign, space, unit or "0x"
 * @what: what the number is, for messages ("heartbeat period")
 * @unit: its unit in words ("milliseconds"), or NULL
 * @min: the smallest value allowed
 * @max: the largest value allowed
 * @out: the value
 * @err: where to write why @s is refused, or NULL
 * @errlen: bytes at @err
 *
 * Leading zeros do not make the number octal: "010" is ten.
 *
 * Return: 0; -EINVAL when @s is not a number; -ERANGE when it is outside
 * @min..@max.
 */
int cohort_parse_uint(const char *s, const char *what, const char *unit,
		      __u32 min, __u32 max, __u32 *out, char *err,
		      size_t errlen)
{
	const char *p = s;
	char q[96];
	__u64 v;
	int ret;

	cohort_quote(s ? s : "", q, sizeof(q));
	ret = s ? u64_number(&p, 10, &v) : -EINVAL;
	if (ret == -EINVAL || *p) {
		cohort_seterr(err, errlen,
		       "invalid %s '%s': expected a whole number%s%s from %u to %u",
		       what, q, unit ? " of " : "", unit ? unit : "", min, max);
		return -EINVAL;
	}
	if (ret == -ERANGE || v < min || v > max) {
		cohort_seterr(err, errlen, "the %s must be from %u to %u%s%s, not %s",
		       what, min, max, unit ? " " : "", unit ? unit : "", q);
		return -ERANGE;
	}
	*out = (__u32)v;
	return 0;
}

/**
 * cohort_format_age_ms() - a time since something, short, for a table
 * @ms: milliseconds
 * @buf: where to write, at least COHORT_AGE_STR_MAX bytes
 * @len: bytes at @buf
 *
 * Milliseconds below 10 s ("120ms", "9999ms"), then whole seconds below
 * 10 minutes ("10s", "599s"), whole minutes below 10 hours ("10m",
 * "599m"), whole hours below 10 days ("10h", "239h"), then whole days
 * ("10d"), always rounded down.
 */
void cohort_format_age_ms(__u64 ms, char *buf, size_t len)
{
	static const struct {
		__u64 ms;
		const char *unit;
	} units[] = {
		{ 1000, "s" },
		{ 60 * 1000, "m" },
		{ 60 * 60 * 1000, "h" },
		{ 24 * 60 * 60 * 1000, "d" },
	};
	size_t i;

	if (ms < 10 * 1000) {
		snprintf(buf, len, "%llums", (unsigned long long)ms);
		return;
	}
	for (i = 0; i + 1 < ARRAY_SIZE(units); i++)
		if (ms < 10 * units[i + 1].ms)
			break;
	snprintf(buf, len, "%llu%s", (unsigned long long)(ms / units[i].ms),
		 units[i].unit);
}

/**
 * cohort_appendf() - append formatted text to a NUL-terminated buffer
 * @buf: the buffer, holding a string
 * @len: bytes at @buf
 * @fmt: printf format
 *
 * Text that does not fit is cut short; @buf stays NUL-terminated.
 */
void cohort_appendf(char *buf, size_t len, const char *fmt, ...)
{
	size_t o = strlen(buf);
	va_list ap;

	if (o + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + o, len - o, fmt, ap);
	va_end(ap);
}

/**
 * cohort_plural() - the English plural ending for a count
 * @n: the count
 *
 * Return: "" for 1, "s" otherwise.
 */
const char *cohort_plural(unsigned int n)
{
	return n == 1 ? "" : "s";
}
