// SPDX-License-Identifier: GPL-2.0
/*
 * cohort(8): reading /sys/kernel/cohort/ (docs/abi.md).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cohort.h"
#include "cohort/parse.h"

/**
 * sysfs_read() - read a small text file, without its final newline
 * @path: the file
 * @buf: where to put its contents, NUL-terminated
 * @len: bytes at @buf
 *
 * Return: bytes in @buf, or a negative errno (-EFBIG when it does not fit).
 */
int sysfs_read(const char *path, char *buf, size_t len)
{
	size_t got = 0;
	int fd, e;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t n = read(fd, buf + got, len - 1 - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			e = errno;
			close(fd);
			return -e;
		}
		if (!n)
			break;
		got += (size_t)n;
		if (got == len - 1) {
			close(fd);
			return -EFBIG;
		}
	}
	close(fd);
	if (got && buf[got - 1] == '\n')
		got--;
	buf[got] = '\0';
	return (int)got;
}

/**
 * sysfs_write() - write a value to a sysfs file, as "echo VAL >FILE" does
 * @path: the file
 * @val: the value, written with a final newline in one write()
 *
 * Return: 0, or a negative errno (the kernel's refusal of the value, or
 * -EIO when it took only part of it).
 */
int sysfs_write(const char *path, const char *val)
{
	char buf[256];
	ssize_t n;
	int fd, e, len;

	len = snprintf(buf, sizeof(buf), "%s\n", val);
	if (len < 0 || (size_t)len >= sizeof(buf))
		return -EINVAL;
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	do {
		n = write(fd, buf, (size_t)len);
	} while (n < 0 && errno == EINTR);
	e = n < 0 ? errno : n != len ? EIO : 0;
	if (close(fd) < 0 && !e)
		e = errno;
	return -e;
}

/**
 * sysfs_parse_u64() - parse a number as sysfs shows it, "0x..." or decimal
 * @s: the text
 * @val: its value
 *
 * Return: 0 or -EINVAL.
 */
int sysfs_parse_u64(const char *s, __u64 *val)
{
	char *end;

	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return -EINVAL;
	errno = 0;
	*val = strtoull(s, &end, 0);
	if (errno || *end)
		return -EINVAL;
	return 0;
}

/**
 * sysfs_available() - is Cohort's sysfs directory there?
 * @c: the invocation
 *
 * Return: EXIT_OK, or EXIT_UNAVAIL after printing why not.
 */
int sysfs_available(struct cli *c)
{
	struct stat st;

	if (stat(c->sysfs, &st) == 0 && S_ISDIR(st.st_mode))
		return EXIT_OK;
	cli_err("Cohort is not available: %s does not exist (a kernel without Cohort?)",
		c->sysfs);
	return EXIT_UNAVAIL;
}

/**
 * sysfs_is_instance() - is this kernel a Cohort instance?
 * @c: the invocation
 *
 * Return: true when its role file says "instance"; false otherwise, also
 * when it cannot be read.
 */
bool sysfs_is_instance(struct cli *c)
{
	char path[4096], role[32];

	snprintf(path, sizeof(path), "%s/role", c->sysfs);
	return sysfs_read(path, role, sizeof(role)) >= 0 &&
	       !strcmp(role, COHORT_ROLE_INSTANCE);
}

/*
 * Without an instances/ directory: in an instance, prints that instances
 * are managed from the primary and returns true.
 */
static bool no_instances_here(struct cli *c)
{
	if (!sysfs_is_instance(c))
		return false;
	cli_err("this kernel is a Cohort instance; instances are managed from the primary");
	return true;
}

/**
 * sysfs_instance_check() - does instance @name exist?
 * @c: the invocation
 * @name: a valid instance name
 *
 * Return: EXIT_OK; EXIT_NOTFOUND, EXIT_UNAVAIL or EXIT_FAIL after printing
 * why not.
 */
int sysfs_instance_check(struct cli *c, const char *name)
{
	char path[4096];
	struct stat st;
	int ret;

	ret = sysfs_available(c);
	if (ret)
		return ret;
	snprintf(path, sizeof(path), "%s/instances", c->sysfs);
	if (stat(path, &st) < 0) {
		if (!no_instances_here(c))
			cli_err("Cohort is not available: %s/instances does not exist",
				c->sysfs);
		return EXIT_UNAVAIL;
	}
	snprintf(path, sizeof(path), "%s/instances/%s", c->sysfs, name);
	if (stat(path, &st) == 0)
		return EXIT_OK;
	if (errno == ENOENT) {
		cli_err("%s %s: no such instance", c->cmd, name);
		return EXIT_NOTFOUND;
	}
	cli_err("%s %s: %s: %s", c->cmd, name, path, strerror(errno));
	return EXIT_FAIL;
}

/**
 * sysfs_instances_open() - open the instances/ directory to list it
 * @c: the invocation
 * @dir: out: the directory (for sysfs_collect(), or closedir())
 *
 * Return: EXIT_OK; EXIT_UNAVAIL (in an instance) or EXIT_FAIL after
 * printing why not.
 */
int sysfs_instances_open(struct cli *c, DIR **dir)
{
	char path[4096];
	int err;

	snprintf(path, sizeof(path), "%s/instances", c->sysfs);
	*dir = opendir(path);
	if (*dir)
		return EXIT_OK;
	err = errno;	/* before no_instances_here() reads the role */
	if (no_instances_here(c))
		return EXIT_UNAVAIL;
	cli_err("cannot read %s/instances: %s", c->sysfs, strerror(err));
	return EXIT_FAIL;
}

/**
 * sysfs_collect() - read the entries of a directory into a sorted array
 * @c: the invocation, for @get
 * @dir: the directory, open; closed here
 * @size: bytes of an element
 * @get: reads entry @name (never one starting with '.') into @elem:
 *	returns 1 to keep it, 0 to leave it out, or -EXIT_* after printing
 *	why to stop
 * @cmp: the order of the elements, as for qsort()
 * @out: out: the array, malloc()ed; NULL when it is empty
 * @n: out: its elements
 *
 * Return: EXIT_OK, or the exit status after printing why not (@out is
 * then not set).
 */
int sysfs_collect(struct cli *c, DIR *dir, size_t size,
		  int (*get)(struct cli *c, const char *name, void *elem),
		  int (*cmp)(const void *a, const void *b), void **out,
		  size_t *n)
{
	char *v = NULL, *nv;
	struct dirent *d;
	size_t cap = 0;
	int ret = EXIT_OK;

	*n = 0;
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			nv = realloc(v, cap * size);
			if (!nv) {
				cli_err("out of memory");
				ret = EXIT_FAIL;
				break;
			}
			v = nv;
		}
		ret = get(c, d->d_name, v + *n * size);
		if (ret < 0) {
			ret = -ret;
			break;
		}
		*n += (size_t)ret;
		ret = EXIT_OK;
	}
	closedir(dir);
	if (ret) {
		free(v);
		return ret;
	}
	if (*n)
		qsort(v, *n, size, cmp);
	*out = v;
	return EXIT_OK;
}

/**
 * sysfs_inst_path() - path of an instance attribute
 * @c: the invocation
 * @name: instance name
 * @attr: attribute ("state"), or "" for the directory
 * @buf: where to write the path
 * @len: bytes at @buf
 *
 * Return: 0, or -ENAMETOOLONG.
 */
int sysfs_inst_path(struct cli *c, const char *name, const char *attr,
		    char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/instances/%s%s%s", c->sysfs, name,
			 *attr ? "/" : "", attr);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/**
 * sysfs_inst_read() - read an attribute of an instance
 * @c: the invocation
 * @name: instance name
 * @attr: attribute name
 * @buf: where to put the value, without its final newline
 * @len: bytes at @buf
 *
 * Return: bytes in @buf, or a negative errno.
 */
int sysfs_inst_read(struct cli *c, const char *name, const char *attr,
		    char *buf, size_t len)
{
	char path[4096];
	int ret;

	ret = sysfs_inst_path(c, name, attr, path, sizeof(path));
	if (ret)
		return ret;
	return sysfs_read(path, buf, len);
}

/**
 * sysfs_inst_u64() - read a numeric attribute of an instance
 * @c: the invocation
 * @name: instance name
 * @attr: attribute name
 * @val: its value
 *
 * Return: 0 or a negative errno (-EINVAL when it is not a number).
 */
int sysfs_inst_u64(struct cli *c, const char *name, const char *attr,
		   __u64 *val)
{
	char buf[64];
	int ret;

	ret = sysfs_inst_read(c, name, attr, buf, sizeof(buf));
	if (ret < 0)
		return ret;
	return sysfs_parse_u64(buf, val);
}

/**
 * sysfs_inst_cpus() - an instance's CPUs now, from its cpus attribute
 * @c: the invocation
 * @name: instance name
 * @cpus: out: the CPUs, a bitmap of COHORT_MAX_CPUS bits
 *
 * Return: EXIT_OK, or EXIT_FAIL after saying why.
 */
int sysfs_inst_cpus(struct cli *c, const char *name, __u64 *cpus)
{
	char buf[8192], err[COHORT_ERR_MAX];
	int ret;

	ret = sysfs_inst_read(c, name, "cpus", buf, sizeof(buf));
	if (ret < 0) {
		cli_err("%s %s: cannot read its CPUs: %s", c->cmd, name,
			strerror(-ret));
		return EXIT_FAIL;
	}
	if (cohort_parse_cpulist(buf, cpus, COHORT_MAX_CPUS,
				 COHORT_CPULIST_LENIENT, err, sizeof(err))) {
		cli_err("%s %s: its CPUs in sysfs: %s", c->cmd, name, err);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

/**
 * sysfs_u64_or_say() - read a numeric sysfs file, saying why it failed
 * @path: the file
 * @optional: a file that does not exist reads as 0 (an older kernel)
 * @val: its value
 *
 * Return: EXIT_OK, or EXIT_FAIL after printing "cannot read PATH: WHY".
 */
int sysfs_u64_or_say(const char *path, bool optional, __u64 *val)
{
	char buf[64];
	int ret;

	ret = sysfs_read(path, buf, sizeof(buf));
	if (ret == -ENOENT && optional) {
		*val = 0;
		return EXIT_OK;
	}
	if (ret >= 0)
		ret = sysfs_parse_u64(buf, val);
	if (ret < 0) {
		cli_err("cannot read %s: %s", path,
			ret == -EINVAL ? "not a number" : strerror(-ret));
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

/*
 * One line of mem_blocks, "0xBASE NODE", from @p; 0 and @p past it, or
 * -EINVAL.
 */
static int mem_block_line(const char **p, struct mem_block *b)
{
	const char *s = *p;
	char *end;
	long node;

	if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X') ||
	    !isxdigit((unsigned char)s[2]))
		return -EINVAL;
	errno = 0;
	b->base = strtoull(s + 2, &end, 16);
	if (errno || *end != ' ' || b->base % COHORT_MEM_BLOCK)
		return -EINVAL;
	s = end + 1;
	if (!isdigit((unsigned char)*s) && *s != '-')
		return -EINVAL;
	node = strtol(s, &end, 10);
	if (errno || node < -1 || node > 65535 || (*end && *end != '\n'))
		return -EINVAL;
	b->node = (int)node;
	*p = *end ? end + 1 : end;
	return 0;
}

/**
 * sysfs_mem_blocks() - the blocks of memory an instance was given after
 *	create, as instances/NAME/mem_blocks lists them
 * @c: the invocation
 * @name: instance name
 * @b: out: the blocks, in the order they were added; room for
 *	COHORT_MEM_BLOCKS_MAX
 * @n: out: how many
 *
 * Return: 0; -ENOENT when the kernel has no such file (an older one);
 * -EINVAL when a line is not "0xBASE NODE" with an aligned base; -E2BIG
 * past COHORT_MEM_BLOCKS_MAX lines; or another negative errno.
 */
int sysfs_mem_blocks(struct cli *c, const char *name, struct mem_block *b,
		     size_t *n)
{
	/* "0x" and 16 digits, a space, a node, a newline: under 32 bytes */
	char buf[COHORT_MEM_BLOCKS_MAX * 32];
	const char *p = buf;
	int ret;

	*n = 0;
	ret = sysfs_inst_read(c, name, "mem_blocks", buf, sizeof(buf));
	if (ret < 0)
		return ret == -EFBIG ? -E2BIG : ret;
	while (*p) {
		if (*n == COHORT_MEM_BLOCKS_MAX)
			return -E2BIG;
		ret = mem_block_line(&p, &b[*n]);
		if (ret)
			return ret;
		(*n)++;
	}
	return 0;
}
