// SPDX-License-Identifier: GPL-2.0
/*
 * cohort(8): "cohort net": an instance's network link to the primary
 * (COHORT_IOC_NET).  The primary's end is the interface coh-NAME (coh#ID
 * when that is longer than 15 characters), the instance's its eth0; the
 * link's memory is the region "net:NAME" of the pool.
 *
 *	cohort net [list] [-j]
 *	cohort net add NAME [--queues N] [-j]
 *	cohort net del NAME
 *
 * instances/NAME/net names the primary's end ("" without a link); what
 * the interface is like (queues, carrier, MTU, address) is read from
 * /sys/class/net/IFNAME/, or from $COHORT_NET_SYSFS/IFNAME/ in the tests.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <json-c/json.h>

#include "cohort.h"
#include "cohort/parse.h"

/* One link, as "net list" shows it; unknown values are -1 or "". */
struct link {
	char instance[COHORT_NAME_MAX];
	__u64 id;
	char ifname[32];
	int queues;		/* tx-* entries of queues/ */
	int carrier;		/* 1 up, 0 down */
	long long mtu;
	char mac[64];
};

/**
 * net_parse_queues() - check a --queues argument
 * @c: the invocation
 * @name: the instance, for the message
 * @arg: the argument
 * @queues: out: 1..COHORT_NET_MAX_QUEUES
 *
 * Return: EXIT_OK, or EXIT_USAGE after printing why not.
 */
int net_parse_queues(struct cli *c, const char *name, const char *arg,
		     __u32 *queues)
{
	char err[COHORT_ERR_MAX];

	if (!cohort_parse_uint(arg, "number of queues", NULL, 1,
			       COHORT_NET_MAX_QUEUES, queues, err,
			       sizeof(err)))
		return EXIT_OK;
	cli_err("%s %s: %s", c->cmd, name, err);
	return EXIT_USAGE;
}

/*
 * The kernel shows instances/NAME/net for every instance; an instance
 * without it is on a kernel that has no links.  An instance that is not
 * there is left to the kernel to refuse.
 */
static int net_available(struct cli *c, const char *name)
{
	char path[4096];
	struct stat st;
	int ret;

	ret = sysfs_available(c);
	if (ret)
		return ret;
	if (sysfs_inst_path(c, name, "", path, sizeof(path)) ||
	    stat(path, &st) < 0)
		return EXIT_OK;
	if (sysfs_inst_path(c, name, "net", path, sizeof(path)) ||
	    stat(path, &st) == 0 || errno != ENOENT)
		return EXIT_OK;
	cli_err("network links are not available: %s does not exist (a kernel without them?)",
		path);
	return EXIT_UNAVAIL;
}

/**
 * net_link_add() - give an instance its network link
 * @c: the invocation; refusals are printed as "cohort: CMD NAME: MSG"
 * @name: the instance, a valid name
 * @queues: queue pairs, or 0 for one per CPU of the instance
 * @req: out: the answer (@req->ifname, @req->queues)
 *
 * Return: EXIT_OK, or the exit status after printing why not.
 */
int net_link_add(struct cli *c, const char *name, __u32 queues,
		 struct cohort_ioc_net *req)
{
	int ret;

	memset(req, 0, sizeof(*req));
	snprintf(req->instance, sizeof(req->instance), "%s", name);
	req->queues = queues;
	ret = net_available(c, name);
	if (ret)
		return ret;
	ret = cli_dev_ioctl(c, name, COHORT_IOC_NET, req, req->msg);
	req->ifname[sizeof(req->ifname) - 1] = '\0';
	return ret;
}

/**
 * net_link_print() - "web: eth0 <-> coh-web (2 queues)"
 * @req: a link the kernel made
 */
void net_link_print(const struct cohort_ioc_net *req)
{
	printf("%s: eth0 <-> %s (%u %s)\n", req->instance, req->ifname,
	       req->queues, req->queues == 1 ? "queue" : "queues");
}

/* A link as a JSON object; @l from "net list", or NULL for @req. */
static struct json_object *link_json(const struct link *l,
				     const struct cohort_ioc_net *req)
{
	struct json_object *o = json_object_new_object();

	if (!l) {
		json_object_object_add(o, "instance",
				       json_object_new_string(req->instance));
		json_object_object_add(o, "interface",
				       json_object_new_string(req->ifname));
		json_object_object_add(o, "queues",
				       json_object_new_int64(req->queues));
		return o;
	}
	json_object_object_add(o, "instance",
			       json_object_new_string(l->instance));
	json_object_object_add(o, "interface",
			       json_object_new_string(l->ifname));
	json_object_object_add(o, "queues", l->queues < 0 ? NULL :
			       json_object_new_int64(l->queues));
	json_object_object_add(o, "carrier", l->carrier < 0 ? NULL :
			       json_object_new_boolean(l->carrier));
	json_object_object_add(o, "mtu", l->mtu < 0 ? NULL :
			       json_object_new_int64(l->mtu));
	json_object_object_add(o, "mac", l->mac[0] ?
			       json_object_new_string(l->mac) : NULL);
	return o;
}

static int net_add(struct cli *c, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "queues", required_argument, NULL, 'q' },
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	unsigned int seen[256] = { 0 };
	struct cohort_ioc_net req;
	const char *queues = NULL, *name;
	struct json_object *o;
	__u32 nq = 0;
	int opt, ret;

	while ((opt = cli_getopt(c, argc, argv, "q:jp", lo, seen)) != -1) {
		if (cli_json_opt(c, opt))
			continue;
		if (opt != 'q')
			return opt == -2 ? EXIT_OK : EXIT_USAGE;
		queues = optarg;
	}
	ret = cli_name_arg(c, argc, argv, &name);
	if (ret)
		return ret;
	if (queues) {
		ret = net_parse_queues(c, name, queues, &nq);
		if (ret)
			return ret;
	}
	ret = net_link_add(c, name, nq, &req);
	if (ret)
		return ret;
	if (!c->json) {
		net_link_print(&req);
		return EXIT_OK;
	}
	o = link_json(NULL, &req);
	cli_json_print(c, o);
	json_object_put(o);
	return EXIT_OK;
}

static int net_del(struct cli *c, int argc, char **argv)
{
	struct cohort_ioc_net req;
	const char *name;
	int ret;

	ret = cli_plain_name(c, argc, argv, &name);
	if (ret)
		return ret < 0 ? EXIT_OK : ret;
	ret = net_available(c, name);
	if (ret)
		return ret;
	memset(&req, 0, sizeof(req));
	snprintf(req.instance, sizeof(req.instance), "%s", name);
	req.flags = COHORT_NET_DEL;
	return cli_dev_ioctl(c, name, COHORT_IOC_NET, &req, req.msg);
}

/* Entries of DIR whose names start with "tx-", or -1. */
static int count_tx_queues(const char *dir)
{
	struct dirent *d;
	DIR *q = opendir(dir);
	int n = 0;

	if (!q)
		return -1;
	while ((d = readdir(q)))
		if (!strncmp(d->d_name, "tx-", 3))
			n++;
	closedir(q);
	return n ? n : -1;
}

/* What /sys/class/net/IFNAME/ says; what cannot be read stays unknown. */
static void link_read_dev(struct cli *c, struct link *l)
{
	char path[4096], buf[64];
	__u64 v;

	l->queues = -1;
	l->carrier = -1;
	l->mtu = -1;
	l->mac[0] = '\0';
	/* Not a name the kernel gives an interface: nothing to look at. */
	if (!l->ifname[0] || strchr(l->ifname, '/') ||
	    !strcmp(l->ifname, ".") || !strcmp(l->ifname, ".."))
		return;
	snprintf(path, sizeof(path), "%s/%s/queues", c->net_sysfs, l->ifname);
	l->queues = count_tx_queues(path);
	/* carrier: EINVAL while the interface is down */
	snprintf(path, sizeof(path), "%s/%s/carrier", c->net_sysfs, l->ifname);
	if (sysfs_read(path, buf, sizeof(buf)) >= 0 &&
	    (!strcmp(buf, "0") || !strcmp(buf, "1")))
		l->carrier = buf[0] == '1';
	snprintf(path, sizeof(path), "%s/%s/mtu", c->net_sysfs, l->ifname);
	if (sysfs_read(path, buf, sizeof(buf)) >= 0 &&
	    !sysfs_parse_u64(buf, &v) && v <= 0x7fffffff)
		l->mtu = (long long)v;
	snprintf(path, sizeof(path), "%s/%s/address", c->net_sysfs, l->ifname);
	if (sysfs_read(path, buf, sizeof(buf)) >= 0)
		snprintf(l->mac, sizeof(l->mac), "%s", buf);
}

/*
 * Reads instance @name's link into @elem, a struct link (for
 * sysfs_collect()).  Returns 1 when it has one, 0 when not (no link, no
 * net file, or the instance is gone), or -EXIT_* after printing why not.
 */
static int link_read(struct cli *c, const char *name, void *elem)
{
	char path[4096], buf[64];
	struct link *l = elem;
	int ret;

	memset(l, 0, sizeof(*l));
	if (strlen(name) >= sizeof(l->instance))
		return 0;
	snprintf(l->instance, sizeof(l->instance), "%s", name);
	ret = sysfs_inst_read(c, name, "net", buf, sizeof(buf));
	if (ret == -ENOENT || ret == -ENOTDIR)
		return 0;
	if (ret < 0) {
		sysfs_inst_path(c, name, "net", path, sizeof(path));
		cli_err("cannot read %s: %s", path, strerror(-ret));
		return -EXIT_FAIL;
	}
	if (!buf[0] || (size_t)ret >= sizeof(l->ifname))
		return 0;
	memcpy(l->ifname, buf, (size_t)ret + 1);
	/* Deleted meanwhile. */
	if (sysfs_inst_u64(c, name, "id", &l->id))
		return 0;
	link_read_dev(c, l);
	return 1;
}

static int cmp_link(const void *a, const void *b)
{
	const struct link *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return strcmp(x->instance, y->instance);
}

/* Every instance's link, sorted by instance id; *out is malloc()ed. */
static int links_read(struct cli *c, struct link **out, size_t *n)
{
	void *v;
	DIR *dir;
	int ret;

	ret = sysfs_instances_open(c, &dir);
	if (ret)
		return ret;
	ret = sysfs_collect(c, dir, sizeof(**out), link_read, cmp_link, &v,
			    n);
	if (ret)
		return ret;
	*out = v;
	return EXIT_OK;
}

/* "net list" without -j: one line per link under a header. */
static void links_table(const struct link *v, size_t n)
{
	enum { C_INST, C_IF, C_QUEUES, C_CARRIER, C_MTU, C_MAC, NR_COLS };
	static const char *const heads[NR_COLS] = {
		"INSTANCE", "INTERFACE", "QUEUES", "CARRIER", "MTU", "MAC"
	};
	static const char align[NR_COLS + 1] = "llrlrl";
	char queues[16], mtu[24];
	const char *col[NR_COLS];
	int w[NR_COLS] = { 0 }, pass;
	size_t i;

	table_widen(w, heads, NR_COLS);
	/* Pass 0 measures the columns, pass 1 prints. */
	for (pass = 0; pass < 2; pass++) {
		if (pass)
			table_row(w, heads, NR_COLS, align);
		for (i = 0; i < n; i++) {
			if (v[i].queues < 0)
				snprintf(queues, sizeof(queues), "-");
			else
				snprintf(queues, sizeof(queues), "%d",
					 v[i].queues);
			if (v[i].mtu < 0)
				snprintf(mtu, sizeof(mtu), "-");
			else
				snprintf(mtu, sizeof(mtu), "%lld", v[i].mtu);
			col[C_INST] = v[i].instance;
			col[C_IF] = v[i].ifname;
			col[C_QUEUES] = queues;
			col[C_CARRIER] = v[i].carrier < 0 ? "-" :
					 v[i].carrier ? "up" : "down";
			col[C_MTU] = mtu;
			col[C_MAC] = v[i].mac[0] ? v[i].mac : "-";
			if (pass)
				table_row(w, col, NR_COLS, align);
			else
				table_widen(w, col, NR_COLS);
		}
	}
}

static int net_list(struct cli *c, int argc, char **argv)
{
	struct link *v = NULL;
	struct json_object *a;
	size_t n, i;
	int ret;

	ret = cli_info_begin(c, argc, argv);
	if (ret)
		return ret < 0 ? EXIT_OK : ret;
	ret = links_read(c, &v, &n);
	if (ret)
		return ret;
	if (c->json) {
		a = json_object_new_array();
		for (i = 0; i < n; i++)
			json_object_array_add(a, link_json(&v[i], NULL));
		cli_json_print(c, a);
		json_object_put(a);
	} else {
		links_table(v, n);
	}
	free(v);
	return EXIT_OK;
}

/**
 * cmd_net() - "cohort net [list|add|del] ..."
 * @c: the invocation
 * @argc: arguments of the command
 * @argv: the arguments; argv[1] is the subcommand, if any
 *
 * Return: an exit status.
 */
int cmd_net(struct cli *c, int argc, char **argv)
{
	static const struct subcommand subs[] = {
		{ "list", "net list", net_list },
		{ "add", "net add", net_add },
		{ "del", "net del", net_del },
	};

	return cli_subcommand(c, argc, argv, subs, ARRAY_SIZE(subs));
}
