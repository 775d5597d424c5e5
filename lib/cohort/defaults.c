// SPDX-License-Identifier: GPL-2.0
/*
 * The default kernel and instance initramfs (defaults.h).
 */
#include <stdio.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "defaults.h"

static const char *first(const char *const *list, size_t n, char *buf,
			 size_t len)
{
	struct utsname u;

	if (uname(&u) < 0)
		u.release[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		snprintf(buf, len, list[i], u.release);
		if (access(buf, R_OK) == 0)
			return buf;
	}
	return NULL;
}

/**
 * cohort_default_kernel() - the first readable default kernel
 * @buf: room for its path
 * @len: bytes at @buf
 *
 * /boot/vmlinuz-$(uname -r), then /boot/bzImage.
 *
 * Return: @buf, or NULL when none is readable.
 */
const char *cohort_default_kernel(char *buf, size_t len)
{
	static const char *const list[] = { COHORT_KERNEL_DEFAULTS };

	return first(list, sizeof(list) / sizeof(list[0]), buf, len);
}

/**
 * cohort_default_initrd() - the first readable default instance initramfs
 * @buf: room for its path
 * @len: bytes at @buf
 *
 * /usr/lib/cohort/instance-initrd.cpio.gz, then
 * /boot/instance-initrd.cpio.gz.
 *
 * Return: @buf, or NULL when none is readable.
 */
const char *cohort_default_initrd(char *buf, size_t len)
{
	static const char *const list[] = { COHORT_INITRD_DEFAULTS };

	return first(list, sizeof(list) / sizeof(list[0]), buf, len);
}
