// SPDX-License-Identifier: GPL-2.0
/*
 * cohort-escape-kit: try, as root, the ways out of a kernel's grant that
 * Cohort must keep shut (docs/security.md), one per argument, and say for
 * each whether the kernel refused it.
 *
 *	cohort-escape-kit ATTEMPT...
 *
 * ATTEMPT is one of
 *	mount-phys:ADDR:SIZE	mount -t cohortfs -o phys=ADDR,size=SIZE,format
 *	mount-region:NAME	mount -t cohortfs -o region=NAME,format
 *	open:PATH		open PATH read-write (/dev/mem, /dev/port)
 *	ioperm:PORT:N		ioperm(PORT, N, 1)
 *	iopl:LEVEL		iopl(LEVEL)
 *	msr-write:CPU:MSR	write MSR on CPU with the value it holds now
 *				(harmless if it were allowed)
 *	kexec:FILE		kexec_file_load(FILE) with no initramfs
 *
 * Every attempt prints one line, "refused ATTEMPT: REASON" or
 * "ALLOWED ATTEMPT"; a mount that went through is unmounted at once.  The
 * exit status is the number of attempts that were allowed (0: all shut),
 * or 2 for a malformed ATTEMPT.  Run by tests/vm/escape*.sh.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MNT "/tmp/escape-kit-mnt"

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	return errno || end == s || *end ? -1 : 0;
}

/* Split "a:b:c" in place into at most n fields; returns how many. */
static int fields(char *s, char **f, int n)
{
	int i = 0;

	while (i < n) {
		f[i++] = s;
		s = strchr(s, ':');
		if (!s)
			break;
		*s++ = 0;
	}
	return s ? -1 : i;
}

static int try_mount(const char *opts)
{
	int ret;

	mkdir(MNT, 0755);
	ret = mount("none", MNT, "cohortfs", 0, opts);
	if (!ret)
		umount(MNT);
	return ret ? -errno : 0;
}

static int try_open(const char *path)
{
	int fd = open(path, O_RDWR);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

static int try_msr(uint64_t cpu, uint64_t msr)
{
	char path[64];
	uint64_t val;
	int fd, ret = 0;

	snprintf(path, sizeof(path), "/dev/cpu/%" PRIu64 "/msr", cpu);
	fd = open(path, O_RDWR);
	if (fd < 0)
		return -errno;
	if (pread(fd, &val, sizeof(val), msr) != sizeof(val))
		val = 0;
	if (pwrite(fd, &val, sizeof(val), msr) != sizeof(val))
		ret = -errno;
	close(fd);
	return ret;
}

static int try_kexec(const char *path)
{
	int fd = open(path, O_RDONLY), ret;

	if (fd < 0)
		return -errno;
	/* KEXEC_FILE_NO_INITRAMFS */
	ret = syscall(SYS_kexec_file_load, fd, -1, 1UL, "", 0x4UL);
	ret = ret ? -errno : 0;
	close(fd);
	return ret;
}

/* Returns -errno (refused), 0 (allowed) or 1 (malformed). */
static int attempt(char *a)
{
	char opts[256], *f[3];
	uint64_t x, y;
	int n = fields(a, f, 3);

	if (n == 3 && !strcmp(f[0], "mount-phys") && !parse_u64(f[1], &x) &&
	    !parse_u64(f[2], &y)) {
		snprintf(opts, sizeof(opts),
			 "phys=0x%" PRIx64 ",size=0x%" PRIx64 ",format", x, y);
		return try_mount(opts);
	}
	if (n == 2 && !strcmp(f[0], "mount-region")) {
		snprintf(opts, sizeof(opts), "region=%s,format", f[1]);
		return try_mount(opts);
	}
	if (n == 2 && !strcmp(f[0], "open"))
		return try_open(f[1]);
	if (n == 3 && !strcmp(f[0], "ioperm") && !parse_u64(f[1], &x) &&
	    !parse_u64(f[2], &y))
		return ioperm(x, y, 1) ? -errno : 0;
	if (n == 2 && !strcmp(f[0], "iopl") && !parse_u64(f[1], &x))
		return iopl(x) ? -errno : 0;
	if (n == 3 && !strcmp(f[0], "msr-write") && !parse_u64(f[1], &x) &&
	    !parse_u64(f[2], &y))
		return try_msr(x, y);
	if (n == 2 && !strcmp(f[0], "kexec"))
		return try_kexec(f[1]);
	return 1;
}

int main(int argc, char **argv)
{
	char copy[512];
	int i, ret, allowed = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: cohort-escape-kit ATTEMPT...\n");
		return 2;
	}
	for (i = 1; i < argc; i++) {
		snprintf(copy, sizeof(copy), "%s", argv[i]);
		ret = attempt(copy);
		if (ret == 1) {
			fprintf(stderr, "cohort-escape-kit: malformed attempt '%s'\n",
				argv[i]);
			return 2;
		}
		if (ret) {
			printf("refused %s: %s\n", argv[i], strerror(-ret));
		} else {
			printf("ALLOWED %s\n", argv[i]);
			allowed++;
		}
		fflush(stdout);
	}
	return allowed;
}
