// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of lib/cohort/hostcheck.c, what "cohort check" parses:
 * /proc/cpuinfo, the kernel command line and cohort_pool=, .config lines,
 * the lockdown file, EFI booleans, /proc/meminfo and /proc/interrupts
 * lines; and that the table of kernel options names options of
 * kernel/config/cohort.config or of Cohort's Kconfig.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cohort/hostcheck.h"

static int cpuinfo(const char *text, struct hc_cpuinfo *ci)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int ret;

	assert_non_null(f);
	ret = hc_cpuinfo_read(f, ci);
	fclose(f);
	return ret;
}

static void test_cpuinfo(void **state)
{
	static const char text[] =
		"processor\t: 0\n"
		"vendor_id\t: GenuineIntel\n"
		"model name\t: Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz\n"
		"apicid\t\t: 0\n"
		"flags\t\t: fpu lm constant_tsc nonstop_tsc x2apic\n"
		"\n"
		"processor\t: 1\n"
		"vendor_id\t: OtherVendor\n"
		"apicid\t\t: 300\n"
		"flags\t\t: fpu\n";
	struct hc_cpuinfo ci;

	(void)state;
	assert_int_equal(cpuinfo(text, &ci), 0);
	assert_int_equal(ci.processors, 2);
	assert_string_equal(ci.vendor, "GenuineIntel");
	assert_string_equal(ci.model,
			    "Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz");
	assert_string_equal(ci.flags, "fpu lm constant_tsc nonstop_tsc x2apic");
	assert_true(ci.have_apicid);
	assert_int_equal(ci.max_apicid, 300);
	assert_true(hc_has_word(ci.flags, "x2apic"));
	assert_true(hc_has_word(ci.flags, "fpu"));
	assert_true(hc_has_word(ci.flags, "lm"));
	/* a word inside another is not the word */
	assert_false(hc_has_word(ci.flags, "tsc"));
	assert_false(hc_has_word(ci.flags, "hypervisor"));
	hc_cpuinfo_free(&ci);
}

static void test_cpuinfo_malformed(void **state)
{
	struct hc_cpuinfo ci;

	(void)state;
	/* no processor line at all */
	assert_int_equal(cpuinfo("garbage\n\n:::\nflags: x\n", &ci), 0);
	assert_int_equal(ci.processors, 0);
	assert_null(ci.flags);
	hc_cpuinfo_free(&ci);
	/* empty */
	assert_int_equal(cpuinfo("", &ci), 0);
	assert_int_equal(ci.processors, 0);
	hc_cpuinfo_free(&ci);
	/* a processor without flags, a bad apicid, no final newline */
	assert_int_equal(cpuinfo("processor : 0\napicid : x\nvendor_id", &ci), 0);
	assert_int_equal(ci.processors, 1);
	assert_null(ci.flags);
	assert_false(ci.have_apicid);
	assert_string_equal(ci.vendor, "");
	hc_cpuinfo_free(&ci);
	assert_false(hc_has_word(NULL, "x"));
	assert_false(hc_has_word("a b", ""));
}

static void test_cmdline(void **state)
{
	static const char cl[] =
		"BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro quiet cohort_pool=1G "
		"foo=\"a b\" cohort_pool=4G@0x100000000 nosmt -- cohort_pool=9G";
	char v[64];

	(void)state;
	assert_int_equal(hc_cmdline_get(cl, "cohort_pool", v, sizeof(v)), 1);
	assert_string_equal(v, "4G@0x100000000");	/* the last one */
	assert_int_equal(hc_cmdline_get(cl, "foo", v, sizeof(v)), 1);
	assert_string_equal(v, "a b");
	assert_int_equal(hc_cmdline_get(cl, "nosmt", v, sizeof(v)), 1);
	assert_string_equal(v, "");
	assert_int_equal(hc_cmdline_get(cl, "quiet", v, sizeof(v)), 1);
	/* a prefix of another parameter is not it */
	assert_int_equal(hc_cmdline_get(cl, "cohort", v, sizeof(v)), 0);
	assert_int_equal(hc_cmdline_get(cl, "root", v, sizeof(v)), 1);
	assert_string_equal(v, "/dev/sda1");
	assert_int_equal(hc_cmdline_get("", "x", v, sizeof(v)), 0);
	assert_int_equal(hc_cmdline_get("   \n", "x", v, sizeof(v)), 0);
	/* an unterminated quote runs to the end, as in the kernel */
	assert_int_equal(hc_cmdline_get("a=\"b c", "a", v, sizeof(v)), 1);
	assert_string_equal(v, "b c");
	/* cut to fit */
	assert_int_equal(hc_cmdline_get("k=0123456789", "k", v, 5), 1);
	assert_string_equal(v, "0123");
}

static void pool_ok(const char *s, __u64 size, __u64 base)
{
	__u64 sz, b;

	if (hc_parse_pool_arg(s, &sz, &b))
		fail_msg("cohort_pool=%s refused", s);
	assert_int_equal(sz, size);
	assert_int_equal(b, base);
}

static void pool_bad(const char *s)
{
	__u64 sz, b;

	if (!hc_parse_pool_arg(s, &sz, &b))
		fail_msg("cohort_pool=%s taken", s);
	assert_int_equal(sz, 0);
	assert_int_equal(b, 0);
}

static void test_pool_arg(void **state)
{
	(void)state;
	pool_ok("4G", 4ULL << 30, 0);
	pool_ok("4g", 4ULL << 30, 0);
	pool_ok("768M", 768ULL << 20, 0);
	pool_ok("1048576", 1ULL << 20, 0);
	pool_ok("0x40000000", 1ULL << 30, 0);
	pool_ok("512M@0x40000000", 512ULL << 20, 1ULL << 30);
	pool_ok("1T@4G", 1ULL << 40, 4ULL << 30);
	pool_ok("2k", 2048, 0);
	/* "@" and nothing: base 0, as memparse("") is */
	pool_ok("1G@", 1ULL << 30, 0);
	pool_bad("");
	pool_bad("0");
	pool_bad("0G");
	pool_bad("G");
	pool_bad("4GB");
	pool_bad("4 G");
	pool_bad("-4G");
	pool_bad("4G@x");
	pool_bad("4G@1G@2G");
	pool_bad("lots");
	pool_bad("99999999999999999999");
	pool_bad("17179869184G");	/* 2^64 */
}

static int kline(const char *line, char *name, char *val)
{
	return hc_kconfig_line(line, name, 64, val, 64);
}

static void test_kconfig(void **state)
{
	char name[64], val[64];

	(void)state;
	assert_int_equal(kline("CONFIG_COHORT=y\n", name, val), HC_KCONFIG_SET);
	assert_string_equal(name, "CONFIG_COHORT");
	assert_string_equal(val, "y");
	assert_int_equal(kline("CONFIG_NR_CPUS=64", name, val), HC_KCONFIG_SET);
	assert_string_equal(val, "64");
	assert_int_equal(kline("CONFIG_CMDLINE=\"a b\"\n", name, val),
			 HC_KCONFIG_SET);
	assert_string_equal(val, "\"a b\"");
	assert_int_equal(kline("# CONFIG_COHORT_TEST is not set\n", name, val),
			 HC_KCONFIG_UNSET);
	assert_string_equal(name, "CONFIG_COHORT_TEST");
	assert_string_equal(val, "n");
	assert_int_equal(kline("# Automatically generated file\n", name, val),
			 HC_KCONFIG_OTHER);
	assert_int_equal(kline("# CONFIG_X is set\n", name, val),
			 HC_KCONFIG_OTHER);
	assert_int_equal(kline("# CONFIG_X is not set, really\n", name, val),
			 HC_KCONFIG_OTHER);
	assert_int_equal(kline("CONFIG_X\n", name, val), HC_KCONFIG_OTHER);
	assert_int_equal(kline("CONFIG_A B=y\n", name, val), HC_KCONFIG_OTHER);
	assert_int_equal(kline("", name, val), HC_KCONFIG_OTHER);
	assert_int_equal(kline("\x7f\x45LF", name, val), HC_KCONFIG_OTHER);
	/* a name too long for the buffer */
	assert_int_equal(hc_kconfig_line("CONFIG_ABCDEFGH=y", name, 8, val, 8),
			 HC_KCONFIG_OTHER);
}

static void test_lockdown(void **state)
{
	char m[32];

	(void)state;
	assert_int_equal(hc_lockdown_mode("[none] integrity confidentiality",
					  m, sizeof(m)), 0);
	assert_string_equal(m, "none");
	assert_int_equal(hc_lockdown_mode("none [integrity] confidentiality",
					  m, sizeof(m)), 0);
	assert_string_equal(m, "integrity");
	assert_int_equal(hc_lockdown_mode("none integrity [confidentiality]",
					  m, sizeof(m)), 0);
	assert_string_equal(m, "confidentiality");
	assert_int_equal(hc_lockdown_mode("none integrity", m, sizeof(m)),
			 -EINVAL);
	assert_int_equal(hc_lockdown_mode("[sideways]", m, sizeof(m)), -EINVAL);
	assert_int_equal(hc_lockdown_mode("[none", m, sizeof(m)), -EINVAL);
	assert_int_equal(hc_lockdown_mode("", m, sizeof(m)), -EINVAL);
}

static void test_efi(void **state)
{
	static const unsigned char on[] = { 6, 0, 0, 0, 1 };
	static const unsigned char off[] = { 6, 0, 0, 0, 0 };
	static const unsigned char odd[] = { 6, 0, 0, 0, 7 };

	(void)state;
	assert_int_equal(hc_efi_bool(on, sizeof(on)), 1);
	assert_int_equal(hc_efi_bool(off, sizeof(off)), 0);
	assert_int_equal(hc_efi_bool(odd, sizeof(odd)), -EINVAL);
	assert_int_equal(hc_efi_bool(on, 4), -EINVAL);
	assert_int_equal(hc_efi_bool(on, 0), -EINVAL);
}

static void test_meminfo(void **state)
{
	__u64 kb = 0;

	(void)state;
	assert_int_equal(hc_meminfo_kb("MemTotal:       16318412 kB\n",
				       "MemTotal", &kb), 0);
	assert_int_equal(kb, 16318412);
	assert_int_equal(hc_meminfo_kb("MemFree:  1 kB\n", "MemTotal", &kb),
			 -ENOENT);
	assert_int_equal(hc_meminfo_kb("MemTotalX: 1 kB\n", "MemTotal", &kb),
			 -ENOENT);
	assert_int_equal(hc_meminfo_kb("MemTotal: lots\n", "MemTotal", &kb),
			 -EINVAL);
	assert_int_equal(hc_meminfo_kb("MemTotal: 12 MB\n", "MemTotal", &kb),
			 -EINVAL);
	assert_int_equal(hc_meminfo_kb("MemTotal:\n", "MemTotal", &kb),
			 -EINVAL);
}

static void test_interrupts(void **state)
{
	(void)state;
	assert_true(hc_interrupt_remapped(
		" 24:   0   0  IR-PCI-MSI 512000-edge      ahci[0000:00:1f.2]\n"));
	assert_true(hc_interrupt_remapped(
		"  9:   0   0  IR-IO-APIC    9-fasteoi   acpi\n"));
	assert_false(hc_interrupt_remapped(
		" 28:   0   0  PCI-MSIX-0000:00:01.0   0-edge  virtio0-config\n"));
	assert_false(hc_interrupt_remapped(
		"  1:   9   0  IO-APIC   1-edge   i8042\n"));
	/* a device whose name holds IR- is not a remapped chip */
	assert_false(hc_interrupt_remapped(
		" 30:   0   0  PCI-MSI  1-edge  eth-IR-queue\n"));
	assert_false(hc_interrupt_remapped("IR-"));
	assert_false(hc_interrupt_remapped(""));
}

/*
 * Does one of Cohort's Kconfig files declare @name (without "CONFIG_"),
 * and with "default y"?  Returns 0 not declared, 1 declared, 2 declared
 * with default y.
 */
static int kconfig_declared(const char *name)
{
	static const char *const files[] = {
		"kernel/tree/drivers/cohort/Kconfig",
		"kernel/tree/fs/cohortfs/Kconfig",
	};
	char path[4096], line[512], want[160];
	int found = 0;
	size_t i;

	snprintf(want, sizeof(want), "config %s\n", name);
	for (i = 0; i < sizeof(files) / sizeof(files[0]) && !found; i++) {
		bool in = false;
		FILE *f;

		snprintf(path, sizeof(path), "%s/%s", COHORT_TEST_TOP, files[i]);
		f = fopen(path, "r");
		assert_non_null(f);
		while (fgets(line, sizeof(line), f)) {
			if (!strncmp(line, "config ", 7)) {
				in = !strcmp(line, want);
				if (in)
					found = 1;
			} else if (in && !strcmp(line, "\tdefault y\n")) {
				found = 2;
			}
		}
		fclose(f);
	}
	return found;
}

/*
 * Every option of the table is one the configuration fragment sets or
 * Cohort's Kconfig declares: the ones wanted as y are =y in the fragment
 * (the bench kernel has them) or default to y; the others are named
 * (CONFIG_COHORT_TEST: the bench kernel has it, a production one must
 * not).
 */
static void test_kopts_in_fragment(void **state)
{
	char path[4096], line[512], name[128], val[128];
	size_t i;
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/kernel/config/cohort.config",
		 COHORT_TEST_TOP);
	for (i = 0; i < hc_nr_kopts; i++) {
		bool named = false, yes = false;
		int decl = kconfig_declared(hc_kopts[i].name + 7);

		f = fopen(path, "r");
		assert_non_null(f);
		while (fgets(line, sizeof(line), f)) {
			if (hc_kconfig_line(line, name, sizeof(name), val,
					    sizeof(val)) == HC_KCONFIG_OTHER ||
			    strcmp(name, hc_kopts[i].name))
				continue;
			named = true;
			yes = !strcmp(val, "y");
		}
		fclose(f);
		if (!named && !decl)
			fail_msg("%s is neither in %s nor in Cohort's Kconfig",
				 hc_kopts[i].name, path);
		if (hc_kopts[i].want == 'y' && !yes && !(!named && decl == 2))
			fail_msg("%s is wanted =y but the bench kernel does not have it",
				 hc_kopts[i].name);
		assert_true(hc_kopts[i].want == 'y' || hc_kopts[i].want == 'n');
		assert_true(hc_kopts[i].level != HC_PASS);
		assert_non_null(hc_kopts[i].why);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpuinfo),
		cmocka_unit_test(test_cpuinfo_malformed),
		cmocka_unit_test(test_cmdline),
		cmocka_unit_test(test_pool_arg),
		cmocka_unit_test(test_kconfig),
		cmocka_unit_test(test_lockdown),
		cmocka_unit_test(test_efi),
		cmocka_unit_test(test_meminfo),
		cmocka_unit_test(test_interrupts),
		cmocka_unit_test(test_kopts_in_fragment),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
