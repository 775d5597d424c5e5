// SPDX-License-Identifier: GPL-2.0
/*
 * Checks that a file is an x86 bzImage with a 64-bit entry point, from its
 * real-mode header as Documentation/arch/x86/boot.rst describes it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "bzimage.h"

/* The header is little-endian whatever the host is. */
static unsigned int le16(const unsigned char *p)
{
	return p[0] | (unsigned int)p[1] << 8;
}

static __u32 le32(const unsigned char *p)
{
	return le16(p) | (__u32)le16(p + 2) << 16;
}

/**
 * cohort_bzimage_check() - check the real-mode header of a kernel image
 * @hdr: the first bytes of the file
 * @len: bytes at @hdr (at least COHORT_BZIMAGE_HDR_LEN for an image to pass)
 * @file_size: bytes in the whole file
 * @err: where to write why the image is refused, or NULL
 * @errlen: bytes at @err
 *
 * Checks, in this order: the file is long enough to hold the header, the
 * boot sector flag 0xAA55 at 0x1fe, the "HdrS" signature at 0x202, a boot
 * protocol version (0x206) of 2.12 or later, LOADED_HIGH in loadflags
 * (0x211), XLF_KERNEL_64 in xloadflags (0x236), and that the file holds
 * the whole setup (setup_sects at 0x1f1, 0 meaning 4) and protected-mode
 * code (syssize at 0x1f4, in 16-byte paragraphs).
 *
 * Return: 0, or -ENOEXEC when the image is refused.
 */
int cohort_bzimage_check(const void *hdr, size_t len, __u64 file_size,
			 char *err, size_t errlen)
{
	const unsigned char *h = hdr;
	unsigned int version, setup_sects;
	__u64 need;

	if (len < COHORT_BZIMAGE_HDR_LEN || file_size < COHORT_BZIMAGE_HDR_LEN) {
		cohort_seterr(err, errlen,
		       "%llu bytes are too few for a kernel image header",
		       (unsigned long long)(file_size < len ? file_size : len));
		return -ENOEXEC;
	}
	if (le16(h + BZ_BOOT_FLAG) != BZ_BOOT_FLAG_MAGIC) {
		cohort_seterr(err, errlen,
		       "no boot sector signature 0xAA55 at offset 0x1fe");
		return -ENOEXEC;
	}
	if (le32(h + BZ_HEADER) != BZ_HEADER_MAGIC) {
		cohort_seterr(err, errlen,
		       "no \"HdrS\" signature at offset 0x202 (boot protocol 2.00 or later)");
		return -ENOEXEC;
	}
	version = le16(h + BZ_VERSION);
	if (version < BZ_MIN_VERSION) {
		cohort_seterr(err, errlen,
		       "boot protocol %u.%02u is too old, 2.12 or later is needed",
		       version >> 8, version & 0xff);
		return -ENOEXEC;
	}
	if (!(h[BZ_LOADFLAGS] & BZ_LOADED_HIGH)) {
		cohort_seterr(err, errlen,
		       "LOADED_HIGH is not set in loadflags (a zImage, not a bzImage)");
		return -ENOEXEC;
	}
	if (!(le16(h + BZ_XLOADFLAGS) & BZ_XLF_KERNEL_64)) {
		cohort_seterr(err, errlen,
		       "XLF_KERNEL_64 is not set in xloadflags (no 64-bit entry point)");
		return -ENOEXEC;
	}
	setup_sects = h[BZ_SETUP_SECTS] ? h[BZ_SETUP_SECTS] : 4;
	need = (__u64)(setup_sects + 1) * 512 + (__u64)le32(h + BZ_SYSSIZE) * 16;
	if (file_size < need) {
		cohort_seterr(err, errlen,
		       "truncated: the header describes %llu bytes, the file has %llu",
		       (unsigned long long)need,
		       (unsigned long long)file_size);
		return -ENOEXEC;
	}
	return 0;
}

/**
 * cohort_bzimage_check_fd() - cohort_bzimage_check() on an open file
 * @fd: the file, read with pread() (its offset does not move)
 * @err: where to write why the image is refused, or NULL
 * @errlen: bytes at @err
 *
 * Return: 0; -ENOEXEC when the image is refused; another negative errno
 * when the file cannot be read (@err then says why).
 */
int cohort_bzimage_check_fd(int fd, char *err, size_t errlen)
{
	unsigned char hdr[COHORT_BZIMAGE_HDR_LEN];
	size_t got = 0;
	struct stat st;

	if (fstat(fd, &st) < 0) {
		int e = errno;

		cohort_seterr(err, errlen, "%s", strerror(e));
		return -e;
	}
	while (got < sizeof(hdr)) {
		ssize_t n = pread(fd, hdr + got, sizeof(hdr) - got,
				  (off_t)got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;

			cohort_seterr(err, errlen, "%s", strerror(e));
			return -e;
		}
		if (!n)
			break;
		got += (size_t)n;
	}
	return cohort_bzimage_check(hdr, got, (__u64)st.st_size, err, errlen);
}
