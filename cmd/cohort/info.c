// SPDX-License-Identifier: GPL-2.0
/*
 * cohort(8): the commands that only read /sys/kernel/cohort/: list, show,
 * pool, version (peers is in peer.c; "pool release" in poolrel.c).
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <json-c/json.h>

#include "cohort.h"
#include "runrec.h"
#include "cohort/parse.h"

enum field_kind {
	F_STR,		/* text */
	F_U64,		/* decimal number */
	F_ADDR,		/* 0x... address */
	F_SIZE,		/* bytes, shown with a human size too */
	F_CPUS,		/* CPU list "2-3,6"; JSON: array of numbers */
	F_CPULIST,	/* CPU list; "": "none"; JSON: the list, a string */
	F_IDS,		/* "2,3"; JSON: array of numbers */
	F_OR_NONE,	/* a number (process id, cap); 0: "none", JSON null */
	F_IFNAME,	/* an interface name; "": "none", JSON null */
	F_BLOCKS,	/* mem_blocks: "0xBASE NODE" lines; JSON: objects */
};

/* An instance's files, in the order "show" prints them. */
static const struct field {
	const char *attr;
	enum field_kind kind;
} fields[] = {
	{ "id", F_U64 },
	{ "cid", F_U64 },
	{ "state", F_STR },
	{ "cpus", F_CPUS },
	{ "apic_ids", F_IDS },
	{ "max_cpus", F_OR_NONE },
	{ "spare_cpus", F_CPULIST },
	{ "mem_base", F_ADDR },
	{ "mem_size", F_SIZE },
	{ "mem_blocks", F_BLOCKS },
	{ "cmdline", F_STR },
	{ "kernel_size", F_SIZE },
	{ "initrd_size", F_SIZE },
	{ "starts", F_U64 },
	{ "console_head", F_U64 },
	{ "console_writer", F_OR_NONE },
	{ "net", F_IFNAME },
};

#define NR_FIELDS ARRAY_SIZE(fields)

/* Width of the names in "show", the longest one's. */
#define SHOW_NAME_W	14

struct instance {
	char name[256];
	bool ok[NR_FIELDS];		/* the file was read */
	__u64 num[NR_FIELDS];		/* numeric fields */
	char *text[NR_FIELDS];		/* every field as read, but blocks */
	struct mem_block blocks[COHORT_MEM_BLOCKS_MAX];	/* F_BLOCKS */
	size_t nr_blocks;
	bool has_peer;			/* peers/ID/ exists */
	struct peer peer;		/* what it holds */
};

static int field_index(const char *attr)
{
	size_t i;

	for (i = 0; i < NR_FIELDS; i++)
		if (!strcmp(fields[i].attr, attr))
			return (int)i;
	abort();
}

static void instance_free(struct instance *in)
{
	size_t i;

	for (i = 0; i < NR_FIELDS; i++)
		free(in->text[i]);
}

/*
 * Reads every file of an instance.  Returns 0, or -ENOENT when the
 * instance is gone (its id cannot be read).
 */
static int instance_read(struct cli *c, const char *name,
			 struct instance *in)
{
	static char buf[SYSFS_VAL_MAX];
	size_t i;

	memset(in, 0, sizeof(*in));
	snprintf(in->name, sizeof(in->name), "%s", name);
	for (i = 0; i < NR_FIELDS; i++) {
		int ret;

		if (fields[i].kind == F_BLOCKS) {
			in->ok[i] = !sysfs_mem_blocks(c, name, in->blocks,
						      &in->nr_blocks);
			if (!in->ok[i])
				in->nr_blocks = 0;
			continue;
		}
		ret = sysfs_inst_read(c, name, fields[i].attr, buf,
				      sizeof(buf));
		if (ret < 0) {
			if (i == 0 && ret == -ENOENT)
				return -ENOENT;
			continue;
		}
		in->text[i] = strdup(buf);
		if (!in->text[i]) {
			cli_err("out of memory");
			exit(EXIT_FAIL);
		}
		switch (fields[i].kind) {
		case F_U64:
		case F_ADDR:
		case F_SIZE:
		case F_OR_NONE:
			in->ok[i] = !sysfs_parse_u64(buf, &in->num[i]);
			break;
		default:
			in->ok[i] = true;
			break;
		}
	}
	i = (size_t)field_index("id");
	if (in->ok[i] && in->num[i] <= UINT32_MAX)
		in->has_peer = !peer_read(c, (__u32)in->num[i], &in->peer);
	return 0;
}

/**
 * cli_json_opt() - take the option -j (--json) or -p (--pretty, which
 *	implies --json), if @opt is one of them
 * @c: the invocation
 * @opt: an option, as getopt_long() or cli_getopt() returned it
 *
 * Return: true when @opt was -j or -p.
 */
bool cli_json_opt(struct cli *c, int opt)
{
	if (opt != 'j' && opt != 'p')
		return false;
	c->json = true;
	if (opt == 'p')
		c->pretty = true;
	return true;
}

/**
 * cli_json_print() - print a JSON document on one line, or indented
 * @c: the invocation (--pretty)
 * @o: the document
 */
void cli_json_print(struct cli *c, struct json_object *o)
{
	int flags = c->pretty ? JSON_C_TO_STRING_PRETTY |
				JSON_C_TO_STRING_SPACED :
				JSON_C_TO_STRING_PLAIN;

	printf("%s\n", json_object_to_json_string_ext(o,
		flags | JSON_C_TO_STRING_NOSLASHESCAPE));
}

static struct json_object *json_cpus(const char *list)
{
	__u64 mask[COHORT_CPU_WORDS];
	struct json_object *a = json_object_new_array();
	unsigned int cpu;

	if (cohort_parse_cpulist(list, mask, COHORT_MAX_CPUS,
				 COHORT_CPULIST_LENIENT, NULL, 0))
		return a;
	for (cpu = 0; cpu < COHORT_MAX_CPUS; cpu++)
		if (cohort_cpu_isset(mask, cpu))
			json_object_array_add(a, json_object_new_int64(cpu));
	return a;
}

static struct json_object *json_ids(const char *list)
{
	struct json_object *a = json_object_new_array();
	const char *p = list;

	while (*p) {
		char *end;
		unsigned long long v;

		errno = 0;
		v = strtoull(p, &end, 10);
		if (errno || end == p)
			break;
		json_object_array_add(a, json_object_new_uint64(v));
		p = end;
		while (*p == ',' || *p == ' ')
			p++;
	}
	return a;
}

/* mem_blocks: [{"base": N, "node": N or null (unknown)}, ...] */
static struct json_object *json_blocks(const struct instance *in)
{
	struct json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; i < in->nr_blocks; i++) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "base",
			json_object_new_uint64(in->blocks[i].base));
		json_object_object_add(o, "node", in->blocks[i].node < 0 ?
			NULL : json_object_new_int(in->blocks[i].node));
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *instance_json(const struct instance *in)
{
	struct json_object *o = json_object_new_object();
	size_t i;

	json_object_object_add(o, "name", json_object_new_string(in->name));
	for (i = 0; i < NR_FIELDS; i++) {
		struct json_object *v = NULL;

		if (in->ok[i]) {
			switch (fields[i].kind) {
			case F_STR:
				v = json_object_new_string(in->text[i]);
				break;
			case F_CPUS:
				v = json_cpus(in->text[i]);
				break;
			case F_CPULIST:
				v = json_object_new_string(in->text[i]);
				break;
			case F_IDS:
				v = json_ids(in->text[i]);
				break;
			case F_BLOCKS:
				v = json_blocks(in);
				break;
			case F_OR_NONE:
				if (in->num[i])
					v = json_object_new_uint64(in->num[i]);
				break;
			case F_IFNAME:
				if (in->text[i][0])
					v = json_object_new_string(in->text[i]);
				break;
			default:
				v = json_object_new_uint64(in->num[i]);
				break;
			}
		}
		json_object_object_add(o, fields[i].attr, v);
	}
	json_object_object_add(o, "peer", in->has_peer ?
			       peer_json(&in->peer, in->name) : NULL);
	return o;
}

/* An entry of instances/ for sysfs_collect(): 1 when it was read. */
static int instance_get(struct cli *c, const char *name, void *elem)
{
	char path[4096];
	struct stat st;

	snprintf(path, sizeof(path), "%s/instances/%s", c->sysfs, name);
	if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode))
		return 0;
	return instance_read(c, name, elem) == 0;
}

static int cmp_instances(const void *a, const void *b)
{
	const struct instance *x = a, *y = b;
	int id = field_index("id");

	if (x->num[id] != y->num[id])
		return x->num[id] < y->num[id] ? -1 : 1;
	return strcmp(x->name, y->name);
}

/**
 * cli_info_options() - the options of the read-only commands: -j, -p, -h
 * @c: the invocation
 * @argc: arguments of the command
 * @argv: the arguments
 *
 * Return: EXIT_OK to go on; EXIT_USAGE after a usage error was printed;
 * a negative number after --help (the caller exits EXIT_OK).
 */
int cli_info_options(struct cli *c, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int opt;

	while ((opt = cli_getopt(c, argc, argv, "jp", lo, NULL)) != -1)
		if (!cli_json_opt(c, opt))
			return opt == -2 ? -EXIT_OK - 1 : EXIT_USAGE;
	return EXIT_OK;
}

/**
 * cli_info_begin() - the start of a command that only prints: its options
 *	(-j, -p, -h), no arguments, and Cohort present
 * @c: the invocation
 * @argc: arguments of the command
 * @argv: the arguments
 *
 * Return: 0 to go on; -1 after --help (the caller exits EXIT_OK); or the
 * exit status to return at once.
 */
int cli_info_begin(struct cli *c, int argc, char **argv)
{
	int ret = cli_info_options(c, argc, argv);

	if (ret)
		return ret < 0 ? -1 : ret;
	ret = cli_no_args(c, argc, argv);
	return ret ? ret : sysfs_available(c);
}

/*
 * The memory @in has from create: its total less its blocks.  False when
 * that is not known (a kernel without mem_blocks, or figures that do not
 * add up).
 */
static bool created_size(const struct instance *in, __u64 *created)
{
	int s = field_index("mem_size"), k = field_index("mem_blocks");
	__u64 blocks = in->nr_blocks * COHORT_MEM_BLOCK;

	if (!in->ok[s] || !in->ok[k] || blocks > in->num[s])
		return false;
	*created = in->num[s] - blocks;
	return true;
}

/*
 * The MEMORY column: "0x100000000+256M", its memory from create; with
 * blocks given after create, the total first: "512M (0x100000000+256M,
 * 2 blocks)".
 */
static void memory_text(const struct instance *in, char *buf, size_t len)
{
	int b = field_index("mem_base"), s = field_index("mem_size");
	char sz[COHORT_SIZE_STR_MAX], total[COHORT_SIZE_STR_MAX];
	__u64 created;

	if (!in->ok[b] || !in->ok[s]) {
		snprintf(buf, len, "-");
		return;
	}
	if (!in->nr_blocks || !created_size(in, &created)) {
		cohort_format_size(in->num[s], true, sz, sizeof(sz));
		snprintf(buf, len, "0x%llx+%s", (unsigned long long)in->num[b],
			 sz);
		return;
	}
	cohort_format_size(in->num[s], true, total, sizeof(total));
	cohort_format_size(created, true, sz, sizeof(sz));
	snprintf(buf, len, "%s (0x%llx+%s, %zu block%s)", total,
		 (unsigned long long)in->num[b], sz, in->nr_blocks,
		 cohort_plural((unsigned int)in->nr_blocks));
}

/* The PEER column: the peer's state, or "-" without a peers/ID/state. */
static const char *peer_state_text(const struct instance *in)
{
	return in->has_peer ? peer_value(&in->peer, PF_STATE) : "-";
}

/* "cohort list" without -j: one line per instance under a header. */
static void list_table(const struct instance *v, size_t n)
{
	enum { C_NAME, C_ID, C_STATE, C_CPUS, C_MEM, C_PEER, C_HB, NR_COLS };
	static const char *const heads[NR_COLS] = {
		"NAME", "ID", "STATE", "CPUS", "MEMORY", "PEER", "HEARTBEAT"
	};
	static const char align[NR_COLS + 1] = "lrlllll";
	int id = field_index("id");
	int st = field_index("state");
	int cp = field_index("cpus");
	char ids[24], mem[128], age[COHORT_AGE_STR_MAX];
	const char *col[NR_COLS];
	int w[NR_COLS] = { 0 }, pass;
	size_t i;

	table_widen(w, heads, NR_COLS);
	/* Pass 0 measures the columns, pass 1 prints. */
	for (pass = 0; pass < 2; pass++) {
		if (pass)
			table_row(w, heads, NR_COLS, align);
		for (i = 0; i < n; i++) {
			if (v[i].ok[id])
				snprintf(ids, sizeof(ids), "%llu",
					 (unsigned long long)v[i].num[id]);
			else
				snprintf(ids, sizeof(ids), "-");
			memory_text(&v[i], mem, sizeof(mem));
			if (v[i].has_peer)
				peer_age_text(&v[i].peer, age, sizeof(age));
			else
				snprintf(age, sizeof(age), "-");
			col[C_NAME] = v[i].name;
			col[C_ID] = ids;
			col[C_STATE] = v[i].text[st] ? v[i].text[st] : "-";
			col[C_CPUS] = v[i].text[cp] && v[i].text[cp][0] ?
				      v[i].text[cp] : "-";
			col[C_MEM] = mem;
			col[C_PEER] = peer_state_text(&v[i]);
			col[C_HB] = age;
			if (pass)
				table_row(w, col, NR_COLS, align);
			else
				table_widen(w, col, NR_COLS);
		}
	}
}

/**
 * cmd_list() - "cohort list [-j]"
 * @c: the invocation
 * @argc: arguments of the command
 * @argv: the arguments
 *
 * Return: an exit status.
 */
int cmd_list(struct cli *c, int argc, char **argv)
{
	struct instance *v;
	size_t n, i;
	void *p;
	DIR *dir;
	int ret;

	ret = cli_info_begin(c, argc, argv);
	if (ret)
		return ret < 0 ? EXIT_OK : ret;
	ret = sysfs_instances_open(c, &dir);
	if (ret)
		return ret;
	ret = sysfs_collect(c, dir, sizeof(*v), instance_get, cmp_instances,
			    &p, &n);
	if (ret)
		return ret;
	v = p;

	if (c->json) {
		struct json_object *a = json_object_new_array();

		for (i = 0; i < n; i++)
			json_object_array_add(a, instance_json(&v[i]));
		cli_json_print(c, a);
		json_object_put(a);
	} else {
		list_table(v, n);
	}
	for (i = 0; i < n; i++)
		instance_free(&v[i]);
	free(v);
	return EXIT_OK;
}

/*
 * The "messaging" section of "cohort show": every file of peers/ID/,
 * indented, as peer_value() gives it, or "-" when the kernel has no
 * peers/ID/ for the instance.
 */
static void show_messaging(const struct instance *in)
{
	size_t f;

	if (!in->has_peer) {
		printf("%-*s -\n", SHOW_NAME_W, "messaging");
		return;
	}
	printf("messaging\n");
	for (f = 0; f < NR_PEER_FIELDS; f++) {
		const char *v = peer_value(&in->peer, (enum peer_field)f);

		/* A cleared entry has no name; the instance's is the same. */
		if (f == PF_NAME && !strcmp(v, "-"))
			v = in->name;
		printf("  %-21s %s\n", peer_attrs[f], v);
	}
}

/*
 * The mem_blocks line of "cohort show": how many blocks and what they
 * make, then each block's base and node, indented.
 */
static void show_blocks(const struct instance *in, const char *attr)
{
	char sz[COHORT_SIZE_STR_MAX], cr[COHORT_SIZE_STR_MAX];
	__u64 created;
	size_t i;

	printf("%-*s %zu", SHOW_NAME_W, attr, in->nr_blocks);
	if (in->nr_blocks) {
		cohort_format_size(in->nr_blocks * COHORT_MEM_BLOCK, false, sz,
				   sizeof(sz));
		printf(" (%s", sz);
		if (created_size(in, &created)) {
			cohort_format_size(created, false, cr, sizeof(cr));
			printf("; %s from create", cr);
		}
		printf(")");
	}
	printf("\n");
	for (i = 0; i < in->nr_blocks; i++) {
		if (in->blocks[i].node < 0)
			printf("  0x%llx node -\n",
			       (unsigned long long)in->blocks[i].base);
		else
			printf("  0x%llx node %d\n",
			       (unsigned long long)in->blocks[i].base,
			       in->blocks[i].node);
	}
}

/**
 * cmd_show() - "cohort show NAME [-j]"
 * @c: the invocation
 * @argc: arguments of the command
 * @argv: the arguments
 *
 * Return: an exit status.
 */
int cmd_show(struct cli *c, int argc, char **argv)
{
	struct run_rec rec;
	bool have_rec;
	struct instance in;
	const char *name;
	size_t i;
	int ret;

	ret = cli_info_options(c, argc, argv);
	if (ret)
		return ret < 0 ? EXIT_OK : ret;
	ret = cli_name_arg(c, argc, argv, &name);
	if (ret)
		return ret;
	ret = sysfs_instance_check(c, name);
	if (ret)
		return ret;
	if (instance_read(c, name, &in)) {
		cli_err("%s %s: no such instance", c->cmd, name);
		return EXIT_NOTFOUND;
	}
	have_rec = !runrec_read(name, &rec);
	if (c->json) {
		struct json_object *o = instance_json(&in);

		if (have_rec) {
			struct json_object *r = json_object_new_object();

			json_object_object_add(r, "image",
					       json_object_new_string(rec.image));
			json_object_object_add(r, "source",
					       json_object_new_string(rec.source));
			json_object_object_add(r, "restart",
					       json_object_new_string(rec.restart));
			json_object_object_add(r, "pool",
					       json_object_new_string(rec.pool));
			json_object_object_add(r, "created",
					       json_object_new_int64(rec.created));
			json_object_object_add(o, "run", r);
		}
		cli_json_print(c, o);
		json_object_put(o);
		instance_free(&in);
		return EXIT_OK;
	}
	printf("%-*s %s\n", SHOW_NAME_W, "name", in.name);
	for (i = 0; i < NR_FIELDS; i++) {
		char sz[COHORT_SIZE_STR_MAX];

		if (fields[i].kind == F_BLOCKS && in.ok[i]) {
			show_blocks(&in, fields[i].attr);
			continue;
		}
		if (!in.text[i]) {
			printf("%-*s -\n", SHOW_NAME_W, fields[i].attr);
			continue;
		}
		if ((fields[i].kind == F_IFNAME ||
		     fields[i].kind == F_CPULIST) && !in.text[i][0]) {
			printf("%-*s none\n", SHOW_NAME_W, fields[i].attr);
			continue;
		}
		if (!in.text[i][0]) {
			printf("%s\n", fields[i].attr);
			continue;
		}
		printf("%-*s ", SHOW_NAME_W, fields[i].attr);
		if (fields[i].kind == F_OR_NONE && in.ok[i] && !in.num[i]) {
			printf("none\n");
		} else if (fields[i].kind == F_ADDR && in.ok[i]) {
			printf("0x%llx\n", (unsigned long long)in.num[i]);
		} else if (fields[i].kind == F_SIZE && in.ok[i] &&
			   in.num[i] && !(in.num[i] & 1023)) {
			cohort_format_size(in.num[i], false, sz, sizeof(sz));
			printf("%llu (%s)\n", (unsigned long long)in.num[i],
			       sz);
		} else {
			printf("%s\n", in.text[i]);
		}
	}
	if (have_rec) {
		printf("%-*s %s\n", SHOW_NAME_W, "image", rec.image);
		printf("%-*s %s\n", SHOW_NAME_W, "image_source", rec.source);
		printf("%-*s %s\n", SHOW_NAME_W, "warm_pool",
		       rec.pool[0] ? rec.pool : "-");
		printf("%-*s %s\n", SHOW_NAME_W, "restart", rec.restart);
	}
	show_messaging(&in);
	instance_free(&in);
	return EXIT_OK;
}

/* One figure of pool/ or pool/nodeN/; absent (an older kernel) is 0. */
static int pool_read(struct cli *c, const char *dir, const char *name,
		     bool optional, __u64 *val)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/pool/%s%s%s", c->sysfs, dir,
		 dir[0] ? "/" : "", name);
	return sysfs_u64_or_say(path, optional, val);
}

static void pool_line(const char *name, __u64 v)
{
	char sz[COHORT_SIZE_STR_MAX];

	if (v && !(v & 1023)) {
		cohort_format_size(v, false, sz, sizeof(sz));
		printf("%-10s %llu (%s)\n", name, (unsigned long long)v, sz);
	} else {
		printf("%-10s %llu\n", name, (unsigned long long)v);
	}
}

#define POOL_NODES_MAX 64
#define POOL_RANGES_MAX 64

/* What instances and regions hold of a node's part: its size less free. */
static __u64 node_held(const __u64 *v)
{
	return v[0] > v[1] ? v[0] - v[1] : 0;
}

/* A range reserved for the pool (pool/ranges). */
struct pool_range {
	__u64 base;
	__u64 size;
};

/*
 * One line of pool/ranges, "0xBASE SIZE", from @p; 0 and @p past it, or
 * -EINVAL.
 */
static int pool_range_line(char **p, struct pool_range *r)
{
	char *s = *p, *sp, *nl;

	nl = s + strcspn(s, "\n");
	sp = memchr(s, ' ', (size_t)(nl - s));
	if (!sp)
		return -EINVAL;
	*sp = '\0';
	if (*nl)
		*nl++ = '\0';
	if (sysfs_parse_u64(s, &r->base) || sysfs_parse_u64(sp + 1, &r->size) ||
	    !r->size || r->base + r->size < r->base)
		return -EINVAL;
	*p = nl;
	return 0;
}

/*
 * The ranges of the pool, from pool/ranges in address order; a kernel
 * without that file has one, from @base and @size (none when @size is 0).
 * EXIT_OK, or EXIT_FAIL after saying why.
 */
static int pool_ranges(struct cli *c, __u64 base, __u64 size,
		       struct pool_range *r, size_t *n)
{
	char path[4096], buf[4096], *p = buf;
	int ret;

	*n = 0;
	snprintf(path, sizeof(path), "%s/pool/ranges", c->sysfs);
	ret = sysfs_read(path, buf, sizeof(buf));
	if (ret == -ENOENT) {
		if (size) {
			r[0].base = base;
			r[0].size = size;
			*n = 1;
		}
		return EXIT_OK;
	}
	if (ret < 0) {
		cli_err("cannot read %s: %s", path, strerror(-ret));
		return EXIT_FAIL;
	}
	while (*p) {
		if (*n == POOL_RANGES_MAX) {
			cli_err("cannot read %s: more than %d ranges", path,
				POOL_RANGES_MAX);
			return EXIT_FAIL;
		}
		if (pool_range_line(&p, &r[*n])) {
			cli_err("cannot read %s: not \"0xBASE SIZE\" lines",
				path);
			return EXIT_FAIL;
		}
		(*n)++;
	}
	return EXIT_OK;
}

/*
 * "cohort pool [-j]": the pool's base, the ranges it is made of, its size
 * and free bytes; what of it is lent to the primary and what the
 * primary's pages take of that; then the same per NUMA node.
 */
static int pool_show(struct cli *c, int argc, char **argv)
{
	static const char *const names[] = { "base", "size", "free", "lent",
					     "lent_used" };
	static const char *const node_names[] = { "size", "free", "lent",
						  "lent_used" };
	__u64 val[5], nval[POOL_NODES_MAX][4];
	int nodes[POOL_NODES_MAX], nr = 0, ret, n;
	struct pool_range ranges[POOL_RANGES_MAX];
	char path[4096], sz[COHORT_SIZE_STR_MAX];
	struct json_object *o, *arr;
	struct dirent *de;
	size_t i, nranges;
	DIR *d;

	ret = cli_info_begin(c, argc, argv);
	if (ret)
		return ret < 0 ? EXIT_OK : ret;
	for (i = 0; i < 5; i++)
		if (pool_read(c, "", names[i], i >= 3, &val[i]))
			return EXIT_FAIL;
	if (pool_ranges(c, val[0], val[1], ranges, &nranges))
		return EXIT_FAIL;
	snprintf(path, sizeof(path), "%s/pool", c->sysfs);
	d = opendir(path);
	while (d && (de = readdir(d)) && nr < POOL_NODES_MAX) {
		char *end;
		long v;

		if (strncmp(de->d_name, "node", 4) || !de->d_name[4])
			continue;
		v = strtol(de->d_name + 4, &end, 10);
		if (*end || v < 0 || v > 4095)
			continue;
		for (n = nr; n > 0 && nodes[n - 1] > v; n--)
			nodes[n] = nodes[n - 1];
		nodes[n] = (int)v;
		nr++;
	}
	if (d)
		closedir(d);
	for (n = 0; n < nr; n++) {
		char dir[32];

		snprintf(dir, sizeof(dir), "node%d", nodes[n]);
		for (i = 0; i < 4; i++)
			if (pool_read(c, dir, node_names[i], false, &nval[n][i]))
				return EXIT_FAIL;
	}
	if (c->json) {
		o = json_object_new_object();
		for (i = 0; i < 5; i++)
			json_object_object_add(o, names[i],
					       json_object_new_uint64(val[i]));
		arr = json_object_new_array();
		for (i = 0; i < nranges; i++) {
			struct json_object *e = json_object_new_object();

			json_object_object_add(e, "base",
				json_object_new_uint64(ranges[i].base));
			json_object_object_add(e, "size",
				json_object_new_uint64(ranges[i].size));
			json_object_array_add(arr, e);
		}
		json_object_object_add(o, "ranges", arr);
		arr = json_object_new_array();
		for (n = 0; n < nr; n++) {
			struct json_object *e = json_object_new_object();

			json_object_object_add(e, "node",
					       json_object_new_int(nodes[n]));
			for (i = 0; i < 4; i++)
				json_object_object_add(e, node_names[i],
						       json_object_new_uint64(nval[n][i]));
			json_object_object_add(e, "held",
					       json_object_new_uint64(node_held(nval[n])));
			json_object_array_add(arr, e);
		}
		json_object_object_add(o, "nodes", arr);
		cli_json_print(c, o);
		json_object_put(o);
		return EXIT_OK;
	}
	printf("%-10s 0x%llx\n", "base", (unsigned long long)val[0]);
	for (i = 0; i < nranges; i++) {
		cohort_format_size(ranges[i].size, true, sz, sizeof(sz));
		printf("%-10s 0x%llx+%s\n", "range",
		       (unsigned long long)ranges[i].base, sz);
	}
	for (i = 1; i < 5; i++)
		pool_line(names[i], val[i]);
	if (nr) {
		static const char *const head[] = { "NODE", "SIZE", "HELD",
						    "FREE", "LENT",
						    "LENT_USED" };
		char cell[POOL_NODES_MAX][6][COHORT_SIZE_STR_MAX];
		int w[6] = { 0 };

		table_widen(w, head, 6);
		for (n = 0; n < nr; n++) {
			__u64 v[5] = { nval[n][0], node_held(nval[n]),
				       nval[n][1], nval[n][2], nval[n][3] };
			const char *col[6];

			snprintf(cell[n][0], sizeof(cell[n][0]), "%d", nodes[n]);
			for (i = 0; i < 5; i++)
				cohort_format_size(v[i], true, cell[n][i + 1],
						   sizeof(cell[n][i + 1]));
			for (i = 0; i < 6; i++)
				col[i] = cell[n][i];
			table_widen(w, col, 6);
		}
		printf("\n");
		table_row(w, head, 6, "lrrrrr");
		for (n = 0; n < nr; n++) {
			const char *col[6];

			for (i = 0; i < 6; i++)
				col[i] = cell[n][i];
			table_row(w, col, 6, "lrrrrr");
		}
	}
	return EXIT_OK;
}

/**
 * cmd_pool() - "cohort pool [-j]" or "cohort pool release [--dry-run]
 *	[-j]" (poolrel.c)
 * @c: the invocation
 * @argc: arguments of the command
 * @argv: the arguments; argv[1] is the subcommand, if any
 *
 * Without a subcommand, or with only options, shows the pool.
 *
 * Return: an exit status.
 */
int cmd_pool(struct cli *c, int argc, char **argv)
{
	static const struct subcommand subs[] = {
		{ "release", "pool release", cmd_pool_release },
	};

	if (argc < 2 || argv[1][0] == '-')
		return pool_show(c, argc, argv);
	return cli_subcommand(c, argc, argv, subs, ARRAY_SIZE(subs));
}

/**
 * cmd_version() - "cohort version [-j]"
 * @c: the invocation
 * @argc: arguments of the command
 * @argv: the arguments
 *
 * Prints the tool's version, then the kernel side's (its version, role
 * and id); exits EXIT_UNAVAIL when the kernel has no Cohort.
 *
 * Return: an exit status.
 */
int cmd_version(struct cli *c, int argc, char **argv)
{
	char path[4096], version[64] = "", role[32] = "", id[32] = "";
	bool have;
	__u64 idv = 0;
	int ret;

	ret = cli_info_options(c, argc, argv);
	if (ret)
		return ret < 0 ? EXIT_OK : ret;
	ret = cli_no_args(c, argc, argv);
	if (ret)
		return ret;
	snprintf(path, sizeof(path), "%s/version", c->sysfs);
	have = sysfs_read(path, version, sizeof(version)) >= 0;
	if (have) {
		snprintf(path, sizeof(path), "%s/role", c->sysfs);
		if (sysfs_read(path, role, sizeof(role)) < 0)
			snprintf(role, sizeof(role), "unknown");
		snprintf(path, sizeof(path), "%s/id", c->sysfs);
		if (sysfs_read(path, id, sizeof(id)) < 0 ||
		    sysfs_parse_u64(id, &idv))
			id[0] = '\0';
	}
	if (c->json) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "cohort",
				       json_object_new_string(COHORT_VERSION));
		json_object_object_add(o, "kernel", have ?
				       json_object_new_string(version) : NULL);
		json_object_object_add(o, "role", have ?
				       json_object_new_string(role) : NULL);
		json_object_object_add(o, "id", have && id[0] ?
				       json_object_new_uint64(idv) : NULL);
		cli_json_print(c, o);
		json_object_put(o);
	} else {
		printf("%s %s\n", prog, COHORT_VERSION);
		if (have && id[0])
			printf("kernel %s (%s, id %llu)\n", version, role,
			       (unsigned long long)idv);
		else if (have)
			printf("kernel %s (%s)\n", version, role);
	}
	if (!have) {
		ret = sysfs_available(c);
		if (ret)
			return ret;
		cli_err("cannot read %s/version", c->sysfs);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}
