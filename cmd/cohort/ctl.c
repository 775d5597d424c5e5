// SPDX-License-Identifier: GPL-2.0
/*
 * cohort(8): the commands that ask the kernel for something through
 * /dev/cohort: create (its CPUs and memory node: place.c; with --net,
 * also its network link: net.c), load, start, stop, delete.  Everything
 * that can be checked here is checked before the device is opened;
 * delete --dry-run has the kernel check the rest and change nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cohort.h"
#include "launch.h"
#include "place.h"
#include "runrec.h"
#include "cohort/bzimage.h"
#include "cohort/parse.h"

/* Opens /dev/cohort; on failure prints why and returns -EXIT_*. */
static int dev_open(struct cli *c)
{
	int fd = open(c->dev, O_RDWR | O_CLOEXEC);

	if (fd >= 0)
		return fd;
	if (errno == ENOENT || errno == ENODEV || errno == ENXIO) {
		cli_err("Cohort is not available: %s: %s", c->dev,
			strerror(errno));
		return -EXIT_UNAVAIL;
	}
	cli_err("cannot open %s: %s", c->dev, strerror(errno));
	return -EXIT_FAIL;
}

/**
 * cli_dev_request() - run one /dev/cohort request, telling why it failed
 * @c: the invocation
 * @name: the instance or region it is about, for messages; NULL for a
 *	request about none (pool release)
 * @req: the ioctl
 * @arg: the request
 * @msg: the request's msg field
 * @err: out: the ioctl's errno, 0 when it succeeded or was not made
 *
 * A refusal is printed as "cohort: CMD NAME: MSG" ("cohort: CMD: MSG"
 * without a name).
 *
 * Return: EXIT_OK, EXIT_NOTFOUND (ENOENT), EXIT_UNAVAIL or EXIT_FAIL.
 */
int cli_dev_request(struct cli *c, const char *name, unsigned long req,
		    void *arg, char *msg, int *err)
{
	int fd, ret, e;

	*err = 0;
	fd = dev_open(c);
	if (fd < 0)
		return -fd;
	msg[0] = '\0';
	do {
		ret = ioctl(fd, req, arg);
	} while (ret < 0 && errno == EINTR);
	e = errno;
	close(fd);
	if (ret >= 0)
		return EXIT_OK;
	*err = e;
	if (e == ENOTTY) {
		cli_err("Cohort is not available: %s is not the Cohort control device",
			c->dev);
		return EXIT_UNAVAIL;
	}
	msg[COHORT_MSG_MAX - 1] = '\0';
	if (name)
		cli_err("%s %s: %s", c->cmd, name, msg[0] ? msg : strerror(e));
	else
		cli_err("%s: %s", c->cmd, msg[0] ? msg : strerror(e));
	return e == ENOENT ? EXIT_NOTFOUND : EXIT_FAIL;
}

/**
 * cli_dev_ioctl() - run one /dev/cohort request
 * @c: the invocation
 * @name: the instance or region it is about, for messages; NULL for none
 * @req: the ioctl
 * @arg: the request
 * @msg: the request's msg field
 *
 * A refusal is printed as "cohort: CMD NAME: MSG" ("cohort: CMD: MSG"
 * without a name).
 *
 * Return: EXIT_OK, EXIT_NOTFOUND (ENOENT), EXIT_UNAVAIL or EXIT_FAIL.
 */
int cli_dev_ioctl(struct cli *c, const char *name, unsigned long req,
		  void *arg, char *msg)
{
	int err;

	return cli_dev_request(c, name, req, arg, msg, &err);
}

/* Reads the CPUs present; 0, or -1 after a warning when unknown. */
static int cpus_present(struct cli *c, __u64 *present)
{
	char path[4096], buf[8192], err[COHORT_ERR_MAX];
	int ret;

	snprintf(path, sizeof(path), "%s/present", c->cpu_sysfs);
	ret = sysfs_read(path, buf, sizeof(buf));
	if (ret < 0) {
		cli_warn("cannot read %s (%s); not checking that the CPUs are present",
			 path, strerror(-ret));
		return -1;
	}
	if (cohort_parse_cpulist(buf, present, COHORT_MAX_CPUS,
				 COHORT_CPULIST_LENIENT, err, sizeof(err))) {
		cli_warn("%s: %s; not checking that the CPUs are present",
			 path, err);
		return -1;
	}
	return 0;
}

/**
 * cli_check_cpus() - parse a CPU list given to @name
 * @c: the invocation
 * @name: the instance
 * @list: the list, as typed
 * @cpus: out: the bitmap
 *
 * Return: EXIT_OK, or EXIT_USAGE after saying why (CPU 0 is refused).
 */
int cli_check_cpus(struct cli *c, const char *name, const char *list,
		   __u64 *cpus)
{
	char err[COHORT_ERR_MAX];

	if (cohort_parse_cpulist(list, cpus, COHORT_MAX_CPUS, 0, err,
				 sizeof(err))) {
		cli_err("%s %s: %s", c->cmd, name, err);
		return EXIT_USAGE;
	}
	if (cohort_cpu_isset(cpus, 0)) {
		cli_err("%s %s: CPU 0 always stays with the primary; it cannot be given to an instance",
			c->cmd, name);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

/**
 * cli_check_cpus_present() - are the CPUs in @cpus present?
 * @c: the invocation
 * @name: the instance they are for
 * @cpus: the bitmap
 *
 * Return: EXIT_OK (also when it cannot be told), or EXIT_USAGE after
 * saying which are not.
 */
int cli_check_cpus_present(struct cli *c, const char *name,
			   const __u64 *cpus)
{
	__u64 present[COHORT_CPU_WORDS], missing[COHORT_CPU_WORDS];
	char a[1024], b[1024];
	unsigned int i, n;

	if (cpus_present(c, present))
		return EXIT_OK;
	for (i = 0; i < COHORT_CPU_WORDS; i++)
		missing[i] = cpus[i] & ~present[i];
	n = cohort_cpulist_weight(missing, COHORT_MAX_CPUS);
	if (!n)
		return EXIT_OK;
	cohort_format_cpulist(missing, COHORT_MAX_CPUS, a, sizeof(a));
	cohort_format_cpulist(present, COHORT_MAX_CPUS, b, sizeof(b));
	cli_err("%s %s: %s %s %s not present (present: %s)", c->cmd, name,
		n == 1 ? "CPU" : "CPUs", a, n == 1 ? "is" : "are",
		b[0] ? b : "none");
	return EXIT_USAGE;
}

/**
 * cli_parse_node() - parse the NUMA node of --node N
 * @c: the invocation
 * @name: the instance it is for
 * @arg: N, as typed
 * @node: out: its number
 *
 * Return: EXIT_OK, or EXIT_USAGE after saying why.
 */
int cli_parse_node(struct cli *c, const char *name, const char *arg,
		   __u32 *node)
{
	char err[COHORT_ERR_MAX];

	if (cohort_parse_uint(arg, "NUMA node", NULL, 0, COHORT_MAX_NODES - 1,
			      node, err, sizeof(err))) {
		cli_err("%s %s: --node: %s", c->cmd, name, err);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

/* Fails when instance @name already exists; EXIT_OK when unknown. */
static int check_new_name(struct cli *c, const char *name)
{
	char path[4096];
	struct stat st;
	int ret;

	ret = sysfs_available(c);
	if (ret)
		return ret;
	if (sysfs_inst_path(c, name, "", path, sizeof(path)))
		return EXIT_OK;
	if (stat(path, &st) == 0) {
		cli_err("%s %s: an instance of that name already exists",
			c->cmd, name);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

/*
 * "create --net": the instance was made but its link was refused (and
 * the reason printed).  Deletes the instance again, so that nothing is
 * left half-made, and returns @status.
 */
static int create_undo(struct cli *c, const char *name, int status)
{
	struct cohort_ioc_instance r;
	const char *cmd = c->cmd;
	int ret;

	memset(&r, 0, sizeof(r));
	snprintf(r.name, sizeof(r.name), "%s", name);
	c->cmd = "delete";
	ret = cli_dev_ioctl(c, name, COHORT_IOC_DELETE, &r, r.msg);
	c->cmd = cmd;
	if (ret)
		cli_err("%s %s: the instance was made without its network link and could not be deleted again; delete it with 'cohort delete %s'",
			c->cmd, name, name);
	else
		cli_err("%s %s: the instance was deleted again, as its network link could not be added",
			c->cmd, name);
	return status;
}

/* --placement: compact or spread; EXIT_OK or EXIT_USAGE (printed). */
static int parse_placement(struct cli *c, const char *arg,
			   enum cohort_place_how *how)
{
	char q[64];

	if (!arg || !strcmp(arg, "compact")) {
		*how = COHORT_PLACE_COMPACT;
		return EXIT_OK;
	}
	if (!strcmp(arg, "spread")) {
		*how = COHORT_PLACE_SPREAD;
		return EXIT_OK;
	}
	cohort_quote(arg, q, sizeof(q));
	return cli_usage_err(c, "--placement is compact or spread, not '%s'", q);
}

/* The memory size and --base into @req; EXIT_OK or EXIT_USAGE. */
static int check_memory(struct cli *c, const char *name, const char *memory,
			const char *base, struct cohort_ioc_create *req)
{
	char err[COHORT_ERR_MAX], sz[COHORT_SIZE_STR_MAX];

	if (cohort_parse_size(memory, &req->mem_size, err, sizeof(err)) ||
	    cohort_check_mem_size(req->mem_size, err, sizeof(err))) {
		cli_err("%s %s: %s", c->cmd, name, err);
		return EXIT_USAGE;
	}
	if (!base)
		return EXIT_OK;
	if (cohort_parse_addr(base, &req->mem_base, err, sizeof(err))) {
		cli_err("%s %s: %s", c->cmd, name, err);
		return EXIT_USAGE;
	}
	cohort_format_size(COHORT_MEM_ALIGN, false, sz, sizeof(sz));
	if (!req->mem_base) {
		cli_err("%s %s: the base address must not be 0; leave --base out to let the kernel place the memory",
			c->cmd, name);
		return EXIT_USAGE;
	}
	if (req->mem_base % COHORT_MEM_ALIGN) {
		cli_err("%s %s: the base address 0x%llx is not a multiple of %s",
			c->cmd, name, (unsigned long long)req->mem_base, sz);
		return EXIT_USAGE;
	}
	if (req->mem_base + req->mem_size < req->mem_base) {
		cli_err("%s %s: base 0x%llx + memory size go past the end of the address space",
			c->cmd, name, (unsigned long long)req->mem_base);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

/*
 * --max-cpus N: at least the CPUs it gets, at most what a setup record
 * holds.  Sets it in @req.
 */
static int check_max_cpus(struct cli *c, const char *name, const char *arg,
			  struct cohort_ioc_create *req)
{
	unsigned int n = cohort_cpulist_weight(req->cpus, COHORT_MAX_CPUS);
	char err[COHORT_ERR_MAX];
	__u32 v;

	if (cohort_parse_uint(arg, "CPU count", NULL, 1, COHORT_SETUP_MAX_CPUS,
			      &v, err, sizeof(err))) {
		cli_err("%s %s: --max-cpus: %s", c->cmd, name, err);
		return EXIT_USAGE;
	}
	if (v < n) {
		cli_err("%s %s: --max-cpus %u is fewer than the %u CPUs it gets",
			c->cmd, name, v, n);
		return EXIT_USAGE;
	}
	req->flags |= COHORT_CREATE_MAX_CPUS;
	req->max_cpus = v;
	return EXIT_OK;
}

/* "create --dry-run": what would be asked, on stdout. */
static void create_dry_run(struct cli *c, const char *name,
			   const struct place_plan *plan,
			   const struct cohort_ioc_create *req, bool net)
{
	struct json_object *o;

	if (!c->json) {
		place_print("would create", name, plan, req, net);
		return;
	}
	o = json_object_new_object();
	json_object_object_add(o, "name", json_object_new_string(name));
	place_json(o, plan);
	json_object_object_add(o, "memory",
			       json_object_new_uint64(req->mem_size));
	json_object_object_add(o, "max_cpus",
			       req->flags & COHORT_CREATE_MAX_CPUS ?
			       json_object_new_int((int)req->max_cpus) : NULL);
	json_object_object_add(o, "net", json_object_new_boolean(net));
	json_object_object_add(o, "dry_run", json_object_new_boolean(true));
	cli_json_print(c, o);
	json_object_put(o);
}

/**
 * cmd_create() - "cohort create NAME --cpus LIST | --cpu-count N
 *	[--placement compact|spread] [--node N] [--max-cpus N] --memory SIZE
 *	[--base ADDR] [--net [--net-queues N]] [--force] [--dry-run]"
 * @c: the invocation
 * @argc: arguments of the command
 * @argv: the arguments
 *
 * --cpu-count places the instance by the primary's topology, --cpus is
 * checked against it (place.c); --dry-run stops before the kernel is
 * asked and prints what would be.
 *
 * Return: an exit status.
 */
int cmd_create(struct cli *c, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "cpus", required_argument, NULL, 'c' },
		{ "cpu-count", required_argument, NULL, 'C' },
		{ "placement", required_argument, NULL, 'P' },
		{ "node", required_argument, NULL, 'O' },
		{ "max-cpus", required_argument, NULL, 'X' },
		{ "memory", required_argument, NULL, 'm' },
		{ "base", required_argument, NULL, 'b' },
		{ "net", no_argument, NULL, 'N' },
		{ "net-queues", required_argument, NULL, 'Q' },
		{ "force", no_argument, NULL, 'f' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *cpus = NULL, *memory = NULL, *base = NULL, *name;
	const char *net_queues = NULL, *cmd = c->cmd, *cpu_count = NULL;
	const char *placement = NULL, *node = NULL, *max_cpus = NULL;
	struct place_req pr = { .node = -1 };
	struct place_plan plan;
	struct cohort_ioc_create req;
	struct cohort_ioc_net link;
	char err[COHORT_ERR_MAX];
	unsigned int seen[256] = { 0 };
	bool net = false, force = false, dry = false;
	__u32 nq = 0, v;
	int opt, ret;

	while ((opt = cli_getopt(c, argc, argv, "c:m:b:fn", lo, seen)) != -1) {
		switch (opt) {
		case 'c':
			cpus = optarg;
			break;
		case 'C':
			cpu_count = optarg;
			break;
		case 'P':
			placement = optarg;
			break;
		case 'O':
			node = optarg;
			break;
		case 'X':
			max_cpus = optarg;
			break;
		case 'm':
			memory = optarg;
			break;
		case 'b':
			base = optarg;
			break;
		case 'N':
			net = true;
			break;
		case 'Q':
			net_queues = optarg;
			break;
		case 'f':
			force = true;
			break;
		case 'n':
			dry = true;
			break;
		default:
			return opt == -2 ? EXIT_OK : EXIT_USAGE;
		}
	}
	ret = cli_name_arg(c, argc, argv, &name);
	if (ret)
		return ret;
	if (cpus && cpu_count)
		return cli_usage_err(c, "--cpus and --cpu-count cannot be used together");
	if (!cpus && !cpu_count)
		return cli_usage_err(c, "--cpus LIST or --cpu-count N is required");
	if (!memory)
		return cli_usage_err(c, "--memory SIZE is required");
	if (net_queues && !net)
		return cli_usage_err(c, "--net-queues N needs --net");
	if (placement && !cpu_count)
		return cli_usage_err(c, "--placement goes with --cpu-count N");
	if (force && !cpus)
		return cli_usage_err(c, "--force goes with --cpus LIST");
	ret = parse_placement(c, placement, &pr.how);
	if (ret)
		return ret;
	if (net_queues) {
		ret = net_parse_queues(c, name, net_queues, &nq);
		if (ret)
			return ret;
	}

	memset(&req, 0, sizeof(req));
	snprintf(req.name, sizeof(req.name), "%s", name);
	if (cpus) {
		ret = cli_check_cpus(c, name, cpus, req.cpus);
		if (ret)
			return ret;
	} else if (cohort_parse_uint(cpu_count, "CPU count", NULL, 1,
				     COHORT_SETUP_MAX_CPUS, &pr.count, err,
				     sizeof(err))) {
		cli_err("%s %s: --cpu-count: %s", c->cmd, name, err);
		return EXIT_USAGE;
	}
	if (node) {
		ret = cli_parse_node(c, name, node, &v);
		if (ret)
			return ret;
		pr.node = (int)v;
	}
	ret = check_memory(c, name, memory, base, &req);
	if (ret)
		return ret;
	pr.name = name;
	pr.force = force;
	pr.base = base != NULL;
	pr.mem_size = req.mem_size;

	if (cpus) {
		ret = cli_check_cpus_present(c, name, req.cpus);
		if (!ret)
			ret = place_check(c, &pr, req.cpus, &plan);
		if (!ret)
			ret = check_new_name(c, name);
	} else {
		ret = check_new_name(c, name);
		if (!ret)
			ret = place_pick(c, &pr, &plan);
		if (!ret)
			memcpy(req.cpus, plan.cpus, sizeof(req.cpus));
	}
	if (ret)
		return ret;
	if (plan.set_node) {
		req.flags |= COHORT_CREATE_NODE;
		req.node = plan.node;
	}
	if (max_cpus) {
		ret = check_max_cpus(c, name, max_cpus, &req);
		if (ret)
			return ret;
	}
	if (dry) {
		create_dry_run(c, name, &plan, &req, net);
		return EXIT_OK;
	}
	ret = cli_dev_ioctl(c, name, COHORT_IOC_CREATE, &req, req.msg);
	if (ret)
		return ret;
	if (cpu_count && !c->json)
		place_print("create", name, &plan, &req, net);
	if (net) {
		/* its refusals read "cohort: net add NAME: ..." */
		c->cmd = "net add";
		ret = net_link_add(c, name, nq, &link);
		c->cmd = cmd;
		if (ret)
			return create_undo(c, name, ret);
	}
	if (c->json) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "name", json_object_new_string(name));
		json_object_object_add(o, "id", json_object_new_int64(req.id));
		if (cpu_count)
			place_json(o, &plan);
		if (net) {
			json_object_object_add(o, "net",
				json_object_new_string(link.ifname));
			json_object_object_add(o, "net_queues",
				json_object_new_int64(link.queues));
		}
		printf("%s\n", json_object_to_json_string_ext(o,
			c->pretty ? JSON_C_TO_STRING_PRETTY |
				    JSON_C_TO_STRING_SPACED :
				    JSON_C_TO_STRING_PLAIN));
		json_object_put(o);
	} else if (net) {
		net_link_print(&link);
	}
	return EXIT_OK;
}

/*
 * Opens a file given on the command line: a non-empty regular file.
 * @what is "kernel" or "initrd".  Returns the fd, or -1 after printing why.
 */
static int open_input(struct cli *c, const char *name, const char *what,
		      const char *path)
{
	struct stat st;
	char q[256];
	int fd;

	cohort_quote(path, q, sizeof(q));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		cli_err("%s %s: cannot open %s '%s': %s", c->cmd, name, what,
			q, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0) {
		cli_err("%s %s: %s '%s': %s", c->cmd, name, what, q,
			strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		cli_err("%s %s: %s '%s' is not a regular file", c->cmd, name,
			what, q);
		goto fail;
	}
	if (!st.st_size) {
		cli_err("%s %s: %s '%s' is empty", c->cmd, name, what, q);
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return -1;
}

/* What --shell adds to the command line: init then runs a shell on ttyCH0. */
#define SHELL_PARAM	"cohort.shell=1"

/*
 * The command line with SHELL_PARAM appended, in @buf (COHORT_CMDLINE_MAX
 * bytes).  EXIT_OK, or EXIT_USAGE after printing that it is too long.
 */
static int shell_cmdline(struct cli *c, const char *name, const char *cmdline,
			 char *buf)
{
	size_t len = cmdline ? strlen(cmdline) : 0;
	size_t total = len + (len ? 1 : 0) + strlen(SHELL_PARAM);

	if (total > COHORT_CMDLINE_MAX - 1) {
		cli_err("%s %s: the command line is %zu bytes long with '%s' added for --shell, at most %d are allowed",
			c->cmd, name, total, SHELL_PARAM,
			COHORT_CMDLINE_MAX - 1);
		return EXIT_USAGE;
	}
	snprintf(buf, COHORT_CMDLINE_MAX, "%s%s%s", len ? cmdline : "",
		 len ? " " : "", SHELL_PARAM);
	return EXIT_OK;
}

/**
 * cmd_load() - "cohort load NAME --kernel FILE [--initrd FILE] [--cmdline STR]
 *	[--shell]"
 * @c: the invocation
 * @argc: arguments of the command
 * @argv: the arguments
 *
 * Return: an exit status.
 */
int cmd_load(struct cli *c, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "kernel", required_argument, NULL, 'k' },
		{ "initrd", required_argument, NULL, 'i' },
		{ "cmdline", required_argument, NULL, 'a' },
		{ "shell", no_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *kernel = NULL, *initrd = NULL, *cmdline = NULL, *name;
	int opt, ret, kfd = -1, ifd = -1;
	unsigned int seen[256] = { 0 };
	static char line[COHORT_CMDLINE_MAX];
	struct cohort_ioc_load req;
	char err[COHORT_ERR_MAX];
	bool shell = false;

	while ((opt = cli_getopt(c, argc, argv, "k:i:a:", lo, seen)) != -1) {
		switch (opt) {
		case 'k':
			kernel = optarg;
			break;
		case 'i':
			initrd = optarg;
			break;
		case 'a':
			cmdline = optarg;
			break;
		case 'S':
			shell = true;
			break;
		default:
			return opt == -2 ? EXIT_OK : EXIT_USAGE;
		}
	}
	ret = cli_name_arg(c, argc, argv, &name);
	if (ret)
		return ret;
	if (!kernel)
		return cli_usage_err(c, "--kernel FILE is required");
	if (cmdline && cohort_check_cmdline(cmdline, err, sizeof(err))) {
		cli_err("%s %s: %s", c->cmd, name, err);
		return EXIT_USAGE;
	}
	if (shell) {
		ret = shell_cmdline(c, name, cmdline, line);
		if (ret)
			return ret;
		cmdline = line;
	}

	ret = EXIT_USAGE;
	kfd = open_input(c, name, "kernel", kernel);
	if (kfd < 0)
		goto out;
	if (cohort_bzimage_check_fd(kfd, err, sizeof(err))) {
		char q[256];

		cohort_quote(kernel, q, sizeof(q));
		cli_err("%s %s: kernel '%s' is not a bzImage Cohort can start: %s",
			c->cmd, name, q, err);
		goto out;
	}
	if (initrd) {
		ifd = open_input(c, name, "initrd", initrd);
		if (ifd < 0)
			goto out;
	}

	ret = sysfs_instance_check(c, name);
	if (ret)
		goto out;
	memset(&req, 0, sizeof(req));
	snprintf(req.name, sizeof(req.name), "%s", name);
	req.kernel_fd = kfd;
	req.initrd_fd = ifd;
	if (cmdline && *cmdline) {
		req.cmdline = (__u64)(unsigned long)cmdline;
		req.cmdline_len = (__u32)strlen(cmdline) + 1;
	}
	ret = cli_dev_ioctl(c, name, COHORT_IOC_LOAD, &req, req.msg);
out:
	if (kfd >= 0)
		close(kfd);
	if (ifd >= 0)
		close(ifd);
	return ret;
}

/* start, stop and delete: one struct cohort_ioc_instance. */
static int instance_ioctl(struct cli *c, const char *name, unsigned long req,
			  __u32 flags, __u32 timeout_ms)
{
	struct cohort_ioc_instance r;
	int ret;

	ret = sysfs_instance_check(c, name);
	if (ret)
		return ret;
	memset(&r, 0, sizeof(r));
	snprintf(r.name, sizeof(r.name), "%s", name);
	r.flags = flags;
	r.timeout_ms = timeout_ms;
	return cli_dev_ioctl(c, name, req, &r, r.msg);
}

static int simple_command(struct cli *c, int argc, char **argv,
			  unsigned long req)
{
	const char *name;
	int ret;

	ret = cli_plain_name(c, argc, argv, &name);
	if (ret)
		return ret < 0 ? EXIT_OK : ret;
	return instance_ioctl(c, name, req, 0, 0);
}

/**
 * cmd_start() - "cohort start NAME"
 * @c: the invocation
 * @argc: arguments of the command
 * @argv: the arguments
 *
 * Return: an exit status.
 */
int cmd_start(struct cli *c, int argc, char **argv)
{
	return simple_command(c, argc, argv, COHORT_IOC_START);
}

/*
 * "delete --dry-run": what the kernel would give back, from sysfs: a
 * line, or a JSON object.  EXIT_OK, or EXIT_FAIL after saying why not.
 */
static int delete_dry_run(struct cli *c, const char *name)
{
	__u64 cpus[COHORT_CPU_WORDS], mem_size;
	char list[8192], sz[COHORT_SIZE_STR_MAX];
	struct json_object *o;
	unsigned int n;
	int ret;

	if (sysfs_inst_cpus(c, name, cpus))
		return EXIT_FAIL;
	ret = sysfs_inst_u64(c, name, "mem_size", &mem_size);
	if (ret) {
		cli_err("%s %s: cannot read its memory size: %s", c->cmd, name,
			ret == -EINVAL ? "not a number" : strerror(-ret));
		return EXIT_FAIL;
	}
	cohort_format_cpulist(cpus, COHORT_MAX_CPUS, list, sizeof(list));
	if (c->json) {
		o = json_object_new_object();
		json_object_object_add(o, "name", json_object_new_string(name));
		json_object_object_add(o, "dry_run",
				       json_object_new_boolean(true));
		json_object_object_add(o, "cpus", json_object_new_string(list));
		json_object_object_add(o, "mem_size",
				       json_object_new_uint64(mem_size));
		cli_json_print(c, o);
		json_object_put(o);
		return EXIT_OK;
	}
	/* Its CPUs are back already, as it is not running: which they are. */
	n = cohort_cpulist_weight(cpus, COHORT_MAX_CPUS);
	cohort_format_size(mem_size, false, sz, sizeof(sz));
	printf("would delete %s: %s%s %s back to the primary and %s to the pool; nothing changed\n",
	       name, !n ? "no CPUs" : n == 1 ? "CPU " : "CPUs ", list,
	       n == 1 ? "goes" : "go", sz);
	return EXIT_OK;
}

/**
 * cmd_delete() - "cohort delete NAME [--dry-run] [-j]"
 * @c: the invocation
 * @argc: arguments of the command
 * @argv: the arguments
 *
 * --dry-run has the kernel make every check (COHORT_DELETE_DRY_RUN) and
 * prints what the delete would give back; nothing is deleted.
 *
 * Return: an exit status.
 */
int cmd_delete(struct cli *c, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	unsigned int seen[256] = { 0 };
	const char *name;
	bool dry = false;
	int opt, ret;

	while ((opt = cli_getopt(c, argc, argv, "njp", lo, seen)) != -1) {
		if (opt == 'n')
			dry = true;
		else if (!cli_json_opt(c, opt))
			return opt == -2 ? EXIT_OK : EXIT_USAGE;
	}
	ret = cli_name_arg(c, argc, argv, &name);
	if (ret)
		return ret;
	ret = instance_ioctl(c, name, COHORT_IOC_DELETE,
			     dry ? COHORT_DELETE_DRY_RUN : 0, 0);
	if (ret)
		return ret;
	if (dry)
		return delete_dry_run(c, name);
	runrec_remove(name);	/* what cohort run recorded */
	return EXIT_OK;
}

/**
 * cmd_stop() - "cohort stop NAME [--force] [--timeout SEC]"
 * @c: the invocation
 * @argc: arguments of the command
 * @argv: the arguments
 *
 * Return: an exit status.
 */
int cmd_stop(struct cli *c, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *timeout = NULL, *name;
	unsigned int seen[256] = { 0 };
	char err[COHORT_ERR_MAX];
	__u32 flags = 0, ms = 0;
	int opt, ret;

	while ((opt = cli_getopt(c, argc, argv, "ft:", lo, seen)) != -1) {
		switch (opt) {
		case 'f':
			flags |= COHORT_STOP_FORCE;
			break;
		case 't':
			timeout = optarg;
			break;
		default:
			return opt == -2 ? EXIT_OK : EXIT_USAGE;
		}
	}
	ret = cli_name_arg(c, argc, argv, &name);
	if (ret)
		return ret;
	if (timeout && (flags & COHORT_STOP_FORCE))
		return cli_usage_err(c, "--force and --timeout cannot be used together");
	if (timeout && cohort_parse_timeout(timeout, &ms, err, sizeof(err))) {
		cli_err("%s %s: %s", c->cmd, name, err);
		return EXIT_USAGE;
	}
	return instance_ioctl(c, name, COHORT_IOC_STOP, flags, ms);
}
