// SPDX-License-Identifier: GPL-2.0
/*
 * cohort(8): the memory part of "cohort set NAME --memory [+|-]SIZE
 * [--node N]" (set.c): grow or shrink an instance's memory
 * (COHORT_IOC_SET_MEMORY).
 *
 * SIZE is the whole memory it should have, written as for "cohort create
 * --memory"; +SIZE and -SIZE are added to or taken from what it has.  Its
 * memory from create stays; the rest comes and goes in COHORT_MEM_BLOCK
 * blocks, so the result is checked against both before the kernel checks
 * it again and, for a running instance, adds or empties the blocks.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "cohort.h"
#include "cohort/parse.h"
#include "set.h"

/* @bytes as "160 MiB", into @buf (COHORT_SIZE_STR_MAX). */
static const char *size_text(__u64 bytes, char *buf)
{
	cohort_format_size(bytes, false, buf, COHORT_SIZE_STR_MAX);
	return buf;
}

/*
 * The instance's memory now: @total (mem_size) and @created, its memory
 * from create (@total less its blocks).  EXIT_OK, or EXIT_FAIL after
 * saying why not.
 */
static int current_memory(struct cli *c, const char *name, __u64 *total,
			  __u64 *created)
{
	static struct mem_block blocks[COHORT_MEM_BLOCKS_MAX];
	char path[4096];
	size_t n;
	int ret;

	ret = sysfs_inst_u64(c, name, "mem_size", total);
	if (ret) {
		cli_err("%s %s: cannot read its memory size: %s", c->cmd, name,
			ret == -EINVAL ? "not a number" : strerror(-ret));
		return EXIT_FAIL;
	}
	ret = sysfs_mem_blocks(c, name, blocks, &n);
	if (ret == -ENOENT) {
		sysfs_inst_path(c, name, "mem_blocks", path, sizeof(path));
		cli_err("%s %s: this kernel cannot change an instance's memory (%s does not exist)",
			c->cmd, name, path);
		return EXIT_FAIL;
	}
	if (ret) {
		cli_err("%s %s: cannot read its memory blocks: %s", c->cmd,
			name, ret == -EINVAL ? "not \"0xBASE NODE\" lines" :
			ret == -E2BIG ? "too many" : strerror(-ret));
		return EXIT_FAIL;
	}
	if (n * COHORT_MEM_BLOCK > *total) {
		cli_err("%s %s: its %zu memory blocks are more than its memory size, %llu",
			c->cmd, name, n, (unsigned long long)*total);
		return EXIT_FAIL;
	}
	*created = *total - n * COHORT_MEM_BLOCK;
	return EXIT_OK;
}

/**
 * set_mem_parse() - parse "--memory [+|-]SIZE" and "--node N" (nothing
 *	is read)
 * @c: the invocation
 * @name: the instance
 * @node: N, or NULL
 * @m: the change, with @arg set; out: @sign, @size and the request's
 *	node
 *
 * Return: EXIT_OK, or EXIT_USAGE after saying why.
 */
int set_mem_parse(struct cli *c, const char *name, const char *node,
		  struct set_mem *m)
{
	char err[COHORT_ERR_MAX];
	const char *s = m->arg;
	__u32 v;
	int ret;

	memset(&m->req, 0, sizeof(m->req));
	m->sign = s[0] == '+' ? 1 : s[0] == '-' ? -1 : 0;
	if (m->sign)
		s++;
	if (cohort_parse_size(s, &m->size, err, sizeof(err))) {
		cli_err("%s %s: --memory: %s", c->cmd, name, err);
		return EXIT_USAGE;
	}
	if (node) {
		ret = cli_parse_node(c, name, node, &v);
		if (ret)
			return ret;
		m->req.flags |= COHORT_SET_MEM_NODE;
		m->req.node = v;
	}
	return EXIT_OK;
}

/**
 * set_mem_plan() - the memory the instance should have, checked
 * @c: the invocation
 * @name: the instance, which exists
 * @m: the change, parsed; out: @before and the request's size
 *
 * The result must be its memory from create plus a whole number of
 * COHORT_MEM_BLOCK blocks, at most COHORT_MEM_BLOCKS_MAX; when it is not,
 * the nearest sizes that are are named.
 *
 * Return: EXIT_OK, or an exit status after saying why not.
 */
int set_mem_plan(struct cli *c, const char *name, struct set_mem *m)
{
	char a[COHORT_SIZE_STR_MAX], b[COHORT_SIZE_STR_MAX];
	char d[COHORT_SIZE_STR_MAX], what[3 * COHORT_SIZE_STR_MAX + 16];
	__u64 created, target, k, lo;
	int ret;

	ret = current_memory(c, name, &m->before, &created);
	if (ret)
		return ret;
	if (m->sign < 0 && m->size > m->before) {
		cli_err("%s %s: it has %s; it cannot give back %s",
			c->cmd, name, size_text(m->before, a),
			size_text(m->size, b));
		return EXIT_USAGE;
	}
	if (m->sign > 0 && m->before + m->size < m->before) {
		cli_err("%s %s: %s more is too large", c->cmd, name,
			size_text(m->size, a));
		return EXIT_USAGE;
	}
	target = m->sign > 0 ? m->before + m->size :
		 m->sign < 0 ? m->before - m->size : m->size;
	size_text(target, what);
	if (m->sign)
		snprintf(what + strlen(what), sizeof(what) - strlen(what),
			 " (%s %c %s)", size_text(m->before, a),
			 m->sign > 0 ? '+' : '-', size_text(m->size, b));
	if (target < created) {
		cli_err("%s %s: %s is less than the %s it was created with, which stays with it",
			c->cmd, name, what, size_text(created, a));
		return EXIT_USAGE;
	}
	k = (target - created) / COHORT_MEM_BLOCK;
	lo = created + k * COHORT_MEM_BLOCK;
	if (k > COHORT_MEM_BLOCKS_MAX) {
		cli_err("%s %s: %s is more than its %s from create and %d blocks of %s: at most %s",
			c->cmd, name, what, size_text(created, a),
			COHORT_MEM_BLOCKS_MAX, size_text(COHORT_MEM_BLOCK, b),
			size_text(created + COHORT_MEM_BLOCKS_MAX *
				  COHORT_MEM_BLOCK, d));
		return EXIT_USAGE;
	}
	if (lo != target) {
		char e[COHORT_SIZE_STR_MAX + 8] = "";

		/* the size above is one block too many */
		if (k < COHORT_MEM_BLOCKS_MAX)
			snprintf(e, sizeof(e), " and %s",
				 size_text(lo + COHORT_MEM_BLOCK, d));
		cli_err("%s %s: %s is not its %s from create and whole blocks of %s; the nearest size%s %s%s",
			c->cmd, name, what, size_text(created, a),
			size_text(COHORT_MEM_BLOCK, b), e[0] ? "s are" : " is",
			size_text(lo, d), e);
		return EXIT_USAGE;
	}
	snprintf(m->req.name, sizeof(m->req.name), "%s", name);
	m->req.mem_size = target;
	return EXIT_OK;
}

/**
 * set_mem_apply() - ask the kernel for the planned memory
 * @c: the invocation
 * @name: the instance
 * @m: the change, planned
 * @dry: only check (COHORT_SET_DRY_RUN)
 * @timeout_ms: for each block; 0 for the kernel's default
 *
 * A shrink refused because the instance could not empty enough blocks
 * says how much it could have given back; a failed change says what the
 * instance has when that is not what it had.
 *
 * Return: EXIT_OK, or an exit status after saying why not.
 */
int set_mem_apply(struct cli *c, const char *name, struct set_mem *m,
		  bool dry, __u32 timeout_ms)
{
	char a[COHORT_SIZE_STR_MAX], b[COHORT_SIZE_STR_MAX];
	__u64 now;
	int ret;

	m->req.timeout_ms = timeout_ms;
	m->req.flags &= ~COHORT_SET_DRY_RUN;
	if (dry)
		m->req.flags |= COHORT_SET_DRY_RUN;
	m->req.freeable = 0;
	ret = cli_dev_ioctl(c, name, COHORT_IOC_SET_MEMORY, &m->req,
			    m->req.msg);
	if (!ret)
		return EXIT_OK;
	/* The kernel said how much it could give back; say how to. */
	if (m->req.freeable && m->req.mem_size < m->before) {
		cohort_format_size(m->req.freeable, true, b, sizeof(b));
		cli_err("%s %s: 'cohort set %s --memory -%s' takes the %s it can give back",
			c->cmd, name, name, b, size_text(m->req.freeable, a));
	}
	/* What it has after the undo, as the kernel says. */
	if (!dry && ret != EXIT_NOTFOUND && ret != EXIT_UNAVAIL &&
	    !sysfs_inst_u64(c, name, "mem_size", &now) && now != m->before)
		cli_err("%s %s: it now has %s of memory", c->cmd, name,
			size_text(now, a));
	return ret;
}

/**
 * set_mem_json() - the report of a memory change, as keys of @o:
 *	mem_size_before, mem_size, added, removed (bytes)
 * @o: the object
 * @m: the change
 */
void set_mem_json(struct json_object *o, const struct set_mem *m)
{
	__u64 after = m->req.mem_size;

	json_object_object_add(o, "mem_size_before",
			       json_object_new_uint64(m->before));
	json_object_object_add(o, "mem_size", json_object_new_uint64(after));
	json_object_object_add(o, "added", json_object_new_uint64(
		after > m->before ? after - m->before : 0));
	json_object_object_add(o, "removed", json_object_new_uint64(
		after < m->before ? m->before - after : 0));
}

/**
 * set_mem_print() - the report of a memory change, as a line
 * @name: the instance
 * @dry: it was a dry run
 * @m: the change
 */
void set_mem_print(const char *name, bool dry, const struct set_mem *m)
{
	char a[COHORT_SIZE_STR_MAX], b[COHORT_SIZE_STR_MAX];
	char d[COHORT_SIZE_STR_MAX];
	__u64 after = m->req.mem_size;

	printf("%s %s: memory %s -> %s (", dry ? "would set" : "set", name,
	       size_text(m->before, a), size_text(after, b));
	if (after > m->before)
		printf("added: %s)\n", size_text(after - m->before, d));
	else if (after < m->before)
		printf("removed: %s)\n", size_text(m->before - after, d));
	else
		printf("no change)\n");
}
