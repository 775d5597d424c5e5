// SPDX-License-Identifier: GPL-2.0
/*
 * cohort(8): "cohort dump NAME FILE [--force]": save the memory of a
 * stopped or failed instance as an ELF core file, the format of
 * /proc/vmcore, which makedumpfile and crash read.  The kernel serves it
 * as /sys/kernel/cohort/instances/NAME/vmcore (docs/abi.md); this copies
 * it into a sparse file, leaving pages of zeros as holes, so that the
 * file takes on disk only what the kernel used.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cohort.h"

#define DUMP_BLOCK	4096
#define DUMP_CHUNK	(256 * 1024)

/* What the header says: the memory it holds and whether it has VMCOREINFO. */
static int header_info(const unsigned char *b, size_t len, __u64 *mem,
		       bool *note)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)b;
	const Elf64_Phdr *ph;
	unsigned int i;

	if (len < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_type != ET_CORE ||
	    eh->e_phentsize != sizeof(*ph) || eh->e_phoff > len ||
	    eh->e_phnum > (len - eh->e_phoff) / sizeof(*ph))
		return -EPROTO;
	*mem = 0;
	*note = false;
	ph = (const Elf64_Phdr *)(b + eh->e_phoff);
	for (i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_LOAD)
			*mem += ph[i].p_filesz;
		else if (ph[i].p_type == PT_NOTE && ph[i].p_filesz)
			*note = true;
	}
	return 0;
}

static bool all_zero(const unsigned char *b, size_t n)
{
	return !b[0] && !memcmp(b, b + 1, n - 1);
}

/* Copy @in to @out, blocks of zeros as holes.  Return: bytes or -errno. */
static long long copy_sparse(int in, int out, unsigned char *buf)
{
	long long off = 0;
	size_t have, i, n;
	ssize_t r;

	for (;;) {
		have = 0;
		while (have < DUMP_CHUNK) {
			r = read(in, buf + have, DUMP_CHUNK - have);
			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0)
				return -errno;
			if (!r)
				break;
			have += (size_t)r;
		}
		for (i = 0; i < have; i += n) {
			n = have - i < DUMP_BLOCK ? have - i : DUMP_BLOCK;
			if (all_zero(buf + i, n))
				continue;
			if (pwrite(out, buf + i, n, off + (long long)i) !=
			    (ssize_t)n)
				return errno ? -errno : -EIO;
		}
		off += (long long)have;
		if (have < DUMP_CHUNK)
			return off;
	}
}

static void human(unsigned long long v, char *buf, size_t len)
{
	if (v >= 10ULL << 20)
		snprintf(buf, len, "%llu MiB", v >> 20);
	else
		snprintf(buf, len, "%llu KiB", v >> 10);
}

/**
 * cmd_dump() - "cohort dump NAME FILE [--force]"
 * @c: the invocation
 * @argc: arguments of the command
 * @argv: the arguments
 *
 * Return: an exit status.
 */
int cmd_dump(struct cli *c, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	unsigned int seen[256] = { 0 };
	unsigned char *buf = NULL, first[DUMP_BLOCK];
	char src[4096], state[64], m1[32], m2[32];
	const char *name, *file;
	bool force = false, note;
	int opt, ret, in = -1, out = -1;
	struct stat st;
	long long got;
	__u64 mem;

	while ((opt = cli_getopt(c, argc, argv, "f", lo, seen)) != -1) {
		if (opt != 'f')
			return opt == -2 ? EXIT_OK : EXIT_USAGE;
		force = true;
	}
	if (optind + 2 != argc)
		return cli_usage_err(c, "needs the instance NAME and a FILE");
	file = argv[--argc];
	ret = cli_name_arg(c, argc, argv, &name);
	if (ret)
		return ret;
	ret = sysfs_instance_check(c, name);
	if (ret)
		return ret;
	if (sysfs_inst_read(c, name, "state", state, sizeof(state)) < 0)
		state[0] = '\0';
	if (sysfs_inst_path(c, name, "vmcore", src, sizeof(src)))
		return EXIT_FAIL;
	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0) {
		cli_err("%s %s: %s: %s", c->cmd, name, src, strerror(errno));
		return errno == ENOENT ? EXIT_UNAVAIL : EXIT_FAIL;
	}
	buf = malloc(DUMP_CHUNK);
	if (!buf) {
		cli_err("%s %s: out of memory", c->cmd, name);
		ret = EXIT_FAIL;
		goto out;
	}
	/* Nothing is created until the kernel agreed to give the dump. */
	got = read(in, first, sizeof(first));
	if (got < 0 && errno == EBUSY) {
		cli_err("%s %s: it is %s: a dump is taken only once its CPUs are back ('cohort stop [--force] %s')",
			c->cmd, name, state, name);
		ret = EXIT_FAIL;
		goto out;
	}
	if (got < 0 || header_info(first, (size_t)got, &mem, &note)) {
		cli_err("%s %s: %s: %s", c->cmd, name, src,
			got < 0 ? strerror(errno) : "not an ELF core file");
		ret = EXIT_FAIL;
		goto out;
	}
	if (lseek(in, 0, SEEK_SET) < 0) {
		cli_err("%s %s: %s: %s", c->cmd, name, src, strerror(errno));
		ret = EXIT_FAIL;
		goto out;
	}
	out = open(file, O_WRONLY | O_CREAT | O_CLOEXEC |
		   (force ? O_TRUNC : O_EXCL), 0600);
	if (out < 0) {
		cli_err("%s %s: %s: %s%s", c->cmd, name, file, strerror(errno),
			errno == EEXIST ? " (--force replaces it)" : "");
		ret = EXIT_FAIL;
		goto out;
	}
	got = copy_sparse(in, out, buf);
	if (got >= 0 && ftruncate(out, got) < 0)
		got = -errno;
	if (got >= 0 && fsync(out) < 0)
		got = -errno;
	if (got < 0) {
		cli_err("%s %s: writing %s: %s", c->cmd, name, file,
			strerror((int)-got));
		unlink(file);
		ret = EXIT_FAIL;
		goto out;
	}
	if (fstat(out, &st))
		st.st_blocks = 0;
	human(mem, m1, sizeof(m1));
	human((unsigned long long)st.st_blocks * 512, m2, sizeof(m2));
	printf("%s: %s of memory of %s (%s), %s on disk%s\n", file, m1, name,
	       state, m2, note ? "" :
	       "; no VMCOREINFO: tools need the kernel's vmlinux");
	ret = EXIT_OK;
out:
	free(buf);
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	return ret;
}
