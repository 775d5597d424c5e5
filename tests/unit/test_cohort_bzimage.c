// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of lib/cohort/bzimage.c on synthetic headers, and on the
 * project's own kernel image (build/bzImage) when it has been built.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "cohort/bzimage.h"
#include "cohort/parse.h"

#ifndef COHORT_TEST_BZIMAGE
#define COHORT_TEST_BZIMAGE "build/bzImage"
#endif

#define SETUP_SECTS	3
#define SYSSIZE		0x100		/* paragraphs: 4 KiB of kernel */
#define IMAGE_SIZE	((SETUP_SECTS + 1) * 512 + SYSSIZE * 16)

static unsigned char img[IMAGE_SIZE];
static char err[COHORT_ERR_MAX];

static void put16(unsigned int off, unsigned int v)
{
	img[off] = v & 0xff;
	img[off + 1] = (v >> 8) & 0xff;
}

static void put32(unsigned int off, uint32_t v)
{
	put16(off, v & 0xffff);
	put16(off + 2, v >> 16);
}

/* A header a 64-bit bzImage of boot protocol 2.15 would have. */
static int setup_good(void **state)
{
	memset(img, 0, sizeof(img));
	img[BZ_SETUP_SECTS] = SETUP_SECTS;
	put32(BZ_SYSSIZE, SYSSIZE);
	put16(BZ_BOOT_FLAG, 0xaa55);
	memcpy(img + BZ_HEADER, "HdrS", 4);
	put16(BZ_VERSION, 0x020f);
	img[BZ_LOADFLAGS] = 0x01;
	put16(BZ_XLOADFLAGS, 0x0023);
	err[0] = '\0';
	return 0;
}

static int check(size_t len, uint64_t file_size)
{
	return cohort_bzimage_check(img, len, file_size, err, sizeof(err));
}

static void test_good(void **state)
{
	assert_int_equal(check(sizeof(img), sizeof(img)), 0);
	/* Only the header is needed, the file size says the rest. */
	assert_int_equal(check(COHORT_BZIMAGE_HDR_LEN, sizeof(img)), 0);
	/* Trailing bytes (signatures, padding) are fine. */
	assert_int_equal(check(sizeof(img), sizeof(img) + 4096), 0);
	/* Exactly 2.12 is enough. */
	put16(BZ_VERSION, 0x020c);
	assert_int_equal(check(sizeof(img), sizeof(img)), 0);
	/* Other loadflags / xloadflags bits do not matter. */
	img[BZ_LOADFLAGS] = 0xff;
	put16(BZ_XLOADFLAGS, 0xffff);
	assert_int_equal(check(sizeof(img), sizeof(img)), 0);
}

static void test_short(void **state)
{
	assert_int_equal(check(0, 0), -ENOEXEC);
	assert_string_equal(err,
			    "0 bytes are too few for a kernel image header");
	assert_int_equal(check(COHORT_BZIMAGE_HDR_LEN - 1,
			       COHORT_BZIMAGE_HDR_LEN - 1), -ENOEXEC);
	assert_string_equal(err,
			    "567 bytes are too few for a kernel image header");
	assert_int_equal(check(sizeof(img), 100), -ENOEXEC);
	assert_string_equal(err,
			    "100 bytes are too few for a kernel image header");
}

static void test_boot_flag(void **state)
{
	put16(BZ_BOOT_FLAG, 0x55aa);
	assert_int_equal(check(sizeof(img), sizeof(img)), -ENOEXEC);
	assert_string_equal(err,
			    "no boot sector signature 0xAA55 at offset 0x1fe");
}

static void test_magic(void **state)
{
	memcpy(img + BZ_HEADER, "HdrZ", 4);
	assert_int_equal(check(sizeof(img), sizeof(img)), -ENOEXEC);
	assert_string_equal(err,
			    "no \"HdrS\" signature at offset 0x202 (boot protocol 2.00 or later)");
	/* One byte off. */
	setup_good(state);
	memcpy(img + BZ_HEADER + 1, "HdrS", 4);
	assert_int_equal(check(sizeof(img), sizeof(img)), -ENOEXEC);
	/* An ELF file. */
	setup_good(state);
	memset(img, 0, sizeof(img));
	memcpy(img, "\x7f" "ELF", 4);
	assert_int_equal(check(sizeof(img), sizeof(img)), -ENOEXEC);
}

static void test_version(void **state)
{
	put16(BZ_VERSION, 0x020b);
	assert_int_equal(check(sizeof(img), sizeof(img)), -ENOEXEC);
	assert_string_equal(err,
			    "boot protocol 2.11 is too old, 2.12 or later is needed");
	put16(BZ_VERSION, 0x0204);
	assert_int_equal(check(sizeof(img), sizeof(img)), -ENOEXEC);
	assert_string_equal(err,
			    "boot protocol 2.04 is too old, 2.12 or later is needed");
	/* The version is little-endian: 0x0c02 would be 12.02. */
	put16(BZ_VERSION, 0x0c02);
	assert_int_equal(check(sizeof(img), sizeof(img)), 0);
	img[BZ_VERSION] = 0x0c;
	img[BZ_VERSION + 1] = 0x01;	/* 1.12 */
	assert_int_equal(check(sizeof(img), sizeof(img)), -ENOEXEC);
}

static void test_loadflags(void **state)
{
	img[BZ_LOADFLAGS] = 0xfe;
	assert_int_equal(check(sizeof(img), sizeof(img)), -ENOEXEC);
	assert_string_equal(err,
			    "LOADED_HIGH is not set in loadflags (a zImage, not a bzImage)");
}

static void test_xloadflags(void **state)
{
	put16(BZ_XLOADFLAGS, 0xfffe);
	assert_int_equal(check(sizeof(img), sizeof(img)), -ENOEXEC);
	assert_string_equal(err,
			    "XLF_KERNEL_64 is not set in xloadflags (no 64-bit entry point)");
	/* The bit is in the low byte at 0x236, not at 0x237. */
	put16(BZ_XLOADFLAGS, 0x0100);
	assert_int_equal(check(sizeof(img), sizeof(img)), -ENOEXEC);
}

static void test_truncated(void **state)
{
	assert_int_equal(check(sizeof(img), sizeof(img) - 1), -ENOEXEC);
	assert_string_equal(err,
			    "truncated: the header describes 6144 bytes, the file has 6143");
	/* setup_sects 0 means 4: 5 sectors before the kernel. */
	img[BZ_SETUP_SECTS] = 0;
	assert_int_equal(check(sizeof(img), 5 * 512 + SYSSIZE * 16), 0);
	assert_int_equal(check(sizeof(img), 5 * 512 + SYSSIZE * 16 - 1),
			 -ENOEXEC);
	/* syssize is 32 bits. */
	img[BZ_SETUP_SECTS] = SETUP_SECTS;
	put32(BZ_SYSSIZE, 0x10000000);
	assert_int_equal(check(sizeof(img), sizeof(img)), -ENOEXEC);
	assert_string_equal(err,
			    "truncated: the header describes 4294969344 bytes, the file has 6144");
}

static void test_fd(void **state)
{
	char path[] = "/tmp/test_cohort_bzimage.XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(write(fd, img, sizeof(img)), sizeof(img));
	assert_int_equal(cohort_bzimage_check_fd(fd, err, sizeof(err)), 0);
	assert_int_equal(ftruncate(fd, 0x100), 0);
	assert_int_equal(cohort_bzimage_check_fd(fd, err, sizeof(err)),
			 -ENOEXEC);
	assert_string_equal(err,
			    "256 bytes are too few for a kernel image header");
	close(fd);
	assert_int_equal(cohort_bzimage_check_fd(fd, err, sizeof(err)),
			 -EBADF);
}

static void test_real_kernel(void **state)
{
	int fd = open(COHORT_TEST_BZIMAGE, O_RDONLY);

	if (fd < 0) {
		print_message("# no %s: not built yet\n", COHORT_TEST_BZIMAGE);
		skip();
	}
	if (cohort_bzimage_check_fd(fd, err, sizeof(err)))
		fail_msg("%s refused: %s", COHORT_TEST_BZIMAGE, err);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_good, setup_good),
		cmocka_unit_test_setup(test_short, setup_good),
		cmocka_unit_test_setup(test_boot_flag, setup_good),
		cmocka_unit_test_setup(test_magic, setup_good),
		cmocka_unit_test_setup(test_version, setup_good),
		cmocka_unit_test_setup(test_loadflags, setup_good),
		cmocka_unit_test_setup(test_xloadflags, setup_good),
		cmocka_unit_test_setup(test_truncated, setup_good),
		cmocka_unit_test_setup(test_fd, setup_good),
		cmocka_unit_test(test_real_kernel),
	};

	return cmocka_run_group_tests_name("cohort_bzimage", tests, NULL,
					   NULL);
}
