// SPDX-License-Identifier: GPL-2.0
/*
 * cohort(8): create, load, start, stop and inspect Cohort instances.
 *
 *	cohort [-j|--json] [-p|--pretty] [--help] [--version] COMMAND ...
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cohort.h"
#include "cohort/daemon.h"
#include "cohort/parse.h"

const char *prog = "cohort";

static const struct command commands[] = {
	{ "create", cmd_create,
	  "NAME --cpus LIST [--force] | --cpu-count N\n"
	  "                      [--placement compact|spread] [--node N]\n"
	  "                      [--max-cpus N] --memory SIZE [--base ADDR]\n"
	  "                      [--net [--net-queues N]] [--dry-run]",
	  "make an instance from CPUs and pool memory" },
	{ "load", cmd_load,
	  "NAME --kernel FILE [--initrd FILE] [--cmdline STR] [--shell]",
	  "load a bzImage, initramfs and command line into an instance" },
	{ "start", cmd_start, "NAME", "boot a loaded or stopped instance" },
	{ "stop", cmd_stop, "NAME [--force] [--timeout SEC]",
	  "shut an instance down and take its CPUs back" },
	{ "delete", cmd_delete, "NAME [--dry-run] [-j]",
	  "delete an instance that is not running" },
	{ "list", cmd_list, "[-j]", "list the instances" },
	{ "show", cmd_show, "NAME [-j]", "show everything about an instance" },
	{ "log", cmd_log, "NAME [-f]", "print an instance's console output" },
	{ "console", cmd_console,
	  "NAME [-r|--read-only] [--force] [--no-history]",
	  "attach to an instance's console: watch it and type into it" },
	{ "run", cmd_run,
	  "[--name NAME] [--cpus LIST | --cpu-count N] [--memory SIZE]\n"
	  "                      [--kernel FILE] [--initrd FILE] [--cmdline STR]\n"
	  "                      [--warm POOL] [-e NAME[=VALUE]]... [--env-file FILE]...\n"
	  "                      [-w DIR] [-u USER[:GROUP]] [--entrypoint CMD]\n"
	  "                      [-v SRC:DST[:ro]]... [--ulimit NAME=SOFT[:HARD]]...\n"
	  "                      [-p [IP:]HOSTPORT:PORT]... [-d] [-i] [-t] [--rm]\n"
	  "                      IMAGE [COMMAND [ARG...]]",
	  "boot a container image in an instance of its own" },
	{ "wait", cmd_wait, "NAME",
	  "wait until an instance stops; print its workload's exit status" },
	{ "kill", cmd_kill, "[-s SIGNAL] NAME",
	  "send a signal to an instance's workload (default KILL)" },
	{ "exec", cmd_exec,
	  "[-e NAME[=VALUE]]... [-w DIR] [-u USER[:GROUP]] [--timeout SEC]\n"
	  "                      NAME [--] COMMAND [ARG...]",
	  "run a command in a running instance, as docker exec" },
	{ "logs", cmd_log, "NAME [-f]", "the same as log" },
	{ "update", cmd_update,
	  "[prepare|commit|rollback] NAME [--kernel FILE] [--initrd FILE]\n"
	  "                      [--cmdline STR] [--wait SEC]",
	  "boot a new kernel beside a running instance and move its service" },
	{ "set", cmd_set,
	  "NAME [--cpus [+|-]LIST [--force]]\n"
	  "                      [--memory [+|-]SIZE [--node N]] [--timeout SEC]\n"
	  "                      [--dry-run] [-j]",
	  "change an instance's CPUs or memory, also while it runs" },
	{ "rename", cmd_rename, "NAME NEW",
	  "give an instance a new name (its kernel learns it at its next start)" },
	{ "takeover", cmd_takeover, "NAME FROM",
	  "NAME takes over FROM's AF_VSOCK address (CID); FROM gets NAME's" },
	{ "dump", cmd_dump, "NAME FILE [--force]",
	  "save a stopped or failed instance's memory as an ELF core file" },
	{ "warm", cmd_warm,
	  "POOL [--count N] [--cpu-count N] [--memory SIZE]\n"
	  "                      [--kernel FILE] [--initrd FILE] [--cmdline STR] |\n"
	  "                      list [-j]",
	  "keep instances booted and idle for 'cohort run --warm POOL'" },
	{ "images", cmd_images, "[-j]",
	  "list the images cohort run imported" },
	{ "rmi", cmd_rmi, "IMAGE...",
	  "remove imported images no instance uses" },
	{ "apply", cmd_apply, "[--dry-run] [--dir DIR] [-j]",
	  "check the declared instances and have cohortd apply them" },
	{ "daemon", cmd_daemon, "[status] [-j]",
	  "show what cohortd, which keeps them running, is doing" },
	{ "events", cmd_events, "[-j] [-f] [--since SECONDS] [NAME]",
	  "print what cohortd did: starts, failures, restarts" },
	{ "pool", cmd_pool, "[-j] | release [--dry-run] [-j]",
	  "show the memory pool, or give it back to the primary" },
	{ "region", cmd_region,
	  "[list [-j] | create NAME --size SIZE [--dry-run] [-j] |\n"
	  "                      delete NAME | grant NAME INSTANCE [--read-only] |\n"
	  "                      revoke NAME INSTANCE]",
	  "manage regions of the pool shared by kernels, and their grants" },
	{ "net", cmd_net,
	  "[list [-j] | add NAME [--queues N] [-j] | del NAME]",
	  "give instances a network link to the primary, or take it away" },
	{ "peers", cmd_peers, "[-a] [-j]",
	  "show the kernels that message each other, and their counters" },
	{ "heartbeat", cmd_heartbeat, "[--period MS] [--misses N] [-j]",
	  "show or set how instance failures are detected" },
	{ "check", cmd_check, "[-j]",
	  "check whether this machine is ready for Cohort" },
	{ "version", cmd_version, "[-j]",
	  "show the versions of this tool and of the kernel side" },
	{ "help", cmd_help, "[COMMAND]", "show this help, or a command's" },
};

#define NR_COMMANDS ARRAY_SIZE(commands)

static void vmsg(const char *prefix, const char *fmt, va_list ap)
{
	fflush(stdout);
	fprintf(stderr, "%s: %s", prog, prefix);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

/**
 * cli_err() - print "cohort: MESSAGE" on stderr
 * @fmt: printf format of the message, without a final newline
 */
void cli_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
}

/**
 * cli_warn() - print "cohort: warning: MESSAGE" on stderr
 * @fmt: printf format of the message, without a final newline
 */
void cli_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("warning: ", fmt, ap);
	va_end(ap);
}

/**
 * cli_usage_err() - report a usage error of the running command
 * @c: the invocation
 * @fmt: printf format of the message
 *
 * Prints "cohort: COMMAND: MESSAGE" and a line pointing at the help.
 *
 * Return: EXIT_USAGE.
 */
int cli_usage_err(struct cli *c, const char *fmt, ...)
{
	char prefix[64];
	va_list ap;

	snprintf(prefix, sizeof(prefix), "%s%s", c->cmd ? c->cmd : "",
		 c->cmd ? ": " : "");
	va_start(ap, fmt);
	vmsg(prefix, fmt, ap);
	va_end(ap);
	if (c->cmd)
		fprintf(stderr, "Try '%s %s --help' for more information.\n",
			prog, c->cmd);
	else
		fprintf(stderr, "Try '%s --help' for more information.\n",
			prog);
	return EXIT_USAGE;
}

/* The name a long option was given as, e.g. "--cpus" from "--cpus=x". */
static void opt_text(const char *arg, char *buf, size_t len)
{
	size_t n = strcspn(arg, "=");

	if (n >= len)
		n = len - 1;
	memcpy(buf, arg, n);
	buf[n] = '\0';
}

/**
 * cli_getopt() - getopt_long() for a command, reporting mistakes itself
 * @c: the invocation
 * @argc: arguments of the command, argv[0] being its name
 * @argv: the arguments
 * @optstring: short options, without the leading ':'; a leading '+'
 *	stops at the first operand (for commands that take a command line)
 * @longopts: long options; each .val must be below 256 (it indexes @seen)
 * @seen: 256 counters, or NULL: an option given twice is refused
 *
 * Besides what getopt_long() returns, handles -h/--help (prints the
 * command's help, returns -2 after which the caller exits 0).
 *
 * Return: the option, -1 at the end of the options, -2 after --help, or
 * -3 after a usage error was printed (the caller exits EXIT_USAGE).
 */
int cli_getopt(struct cli *c, int argc, char **argv, const char *optstring,
	       const struct option *longopts, unsigned int *seen)
{
	char shortopts[64], text[64];
	const struct option *o;
	int opt;

	/* A leading '+' (stop at the first operand) must come first. */
	if (optstring[0] == '+')
		snprintf(shortopts, sizeof(shortopts), "+:%sh", optstring + 1);
	else
		snprintf(shortopts, sizeof(shortopts), ":%sh", optstring);
	opt = getopt_long(argc, argv, shortopts, longopts, NULL);
	switch (opt) {
	case -1:
		return -1;
	case 'h':
		cli_help(c->cmd);
		return -2;
	case '?':
		if (optopt)
			cli_usage_err(c, "unknown option '-%c'", optopt);
		else {
			opt_text(argv[optind - 1], text, sizeof(text));
			cli_usage_err(c, "unknown option '%s'", text);
		}
		return -3;
	case ':':
		if (argv[optind - 1][0] == '-' && argv[optind - 1][1] == '-') {
			opt_text(argv[optind - 1], text, sizeof(text));
			cli_usage_err(c, "option '%s' needs an argument", text);
		} else {
			cli_usage_err(c, "option '-%c' needs an argument",
				      optopt);
		}
		return -3;
	}
	if (seen && opt >= 0 && opt < 256 && seen[opt]++) {
		for (o = longopts; o && o->name; o++)
			if (o->val == opt)
				break;
		if (o && o->name)
			cli_usage_err(c, "option '--%s' given more than once",
				      o->name);
		else
			cli_usage_err(c, "option '-%c' given more than once",
				      opt);
		return -3;
	}
	return opt;
}

/* The argument of the commands about one instance. */
static const char *const instance_arg[] = { "instance", NULL };

/**
 * cli_names_arg() - the NAME arguments left after the options
 * @c: the invocation
 * @argc: arguments of the command
 * @argv: the arguments, optind pointing after the options
 * @what: what each argument names ("instance", "region"), NULL-terminated
 * @names: out: the names, one per entry of @what, checked against the
 *	naming rules
 *
 * Nothing is checked against the naming rules until the number of
 * arguments is right.
 *
 * Return: EXIT_OK, or EXIT_USAGE after printing why.
 */
int cli_names_arg(struct cli *c, int argc, char **argv,
		  const char *const *what, const char **names)
{
	char err[COHORT_ERR_MAX], q[64];
	int i, n;

	for (n = 0; what[n]; n++)
		if (optind + n >= argc)
			return cli_usage_err(c, "missing the %s NAME",
					     what[n]);
	if (optind + n < argc) {
		cohort_quote(argv[optind + n], q, sizeof(q));
		return cli_usage_err(c, "unexpected argument '%s'", q);
	}
	for (i = 0; i < n; i++) {
		names[i] = argv[optind + i];
		if (cohort_check_name_of(names[i], what[i], err, sizeof(err))) {
			cli_err("%s: %s", c->cmd, err);
			return EXIT_USAGE;
		}
	}
	return EXIT_OK;
}

/**
 * cli_name_arg() - the single instance NAME left after the options
 * @c: the invocation
 * @argc: arguments of the command
 * @argv: the arguments, optind pointing after the options
 * @name: out: the name, checked against the naming rules
 *
 * Return: EXIT_OK, or EXIT_USAGE after printing why.
 */
int cli_name_arg(struct cli *c, int argc, char **argv, const char **name)
{
	return cli_names_arg(c, argc, argv, instance_arg, name);
}

/**
 * cli_no_args() - refuse arguments left after the options
 * @c: the invocation
 * @argc: arguments of the command
 * @argv: the arguments, optind pointing after the options
 *
 * Return: EXIT_OK, or EXIT_USAGE after printing why.
 */
int cli_no_args(struct cli *c, int argc, char **argv)
{
	char q[64];

	if (optind >= argc)
		return EXIT_OK;
	cohort_quote(argv[optind], q, sizeof(q));
	return cli_usage_err(c, "unexpected argument '%s'", q);
}

/**
 * cli_plain_names() - the arguments of a command whose only option is
 *	--help: the names @what says
 * @c: the invocation
 * @argc: arguments of the command
 * @argv: the arguments
 * @what: what each argument names, NULL-terminated (see cli_names_arg())
 * @names: out: the names
 *
 * Return: EXIT_OK; -1 after --help (the caller exits EXIT_OK); or
 * EXIT_USAGE after printing why.
 */
int cli_plain_names(struct cli *c, int argc, char **argv,
		    const char *const *what, const char **names)
{
	static const struct option lo[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int opt;

	while ((opt = cli_getopt(c, argc, argv, "", lo, NULL)) != -1)
		return opt == -2 ? -1 : EXIT_USAGE;
	return cli_names_arg(c, argc, argv, what, names);
}

/**
 * cli_plain_name() - the arguments of a command whose only option is
 *	--help: one instance NAME
 * @c: the invocation
 * @argc: arguments of the command
 * @argv: the arguments
 * @name: out: the name, checked against the naming rules
 *
 * Return: EXIT_OK; -1 after --help (the caller exits EXIT_OK); or
 * EXIT_USAGE after printing why.
 */
int cli_plain_name(struct cli *c, int argc, char **argv, const char **name)
{
	return cli_plain_names(c, argc, argv, instance_arg, name);
}

/**
 * cli_subcommand() - run the subcommand of "region", "net" or "pool"
 * @c: the invocation; its cmd becomes the subcommand's ("net add")
 * @argc: arguments of the command
 * @argv: the arguments; argv[1] is the subcommand, if any
 * @subs: the subcommands; the first one (list) runs when there is none
 *	or only options are given
 * @n: entries of @subs
 *
 * Return: the subcommand's exit status, or EXIT_USAGE after printing
 * that there is no such subcommand.
 */
int cli_subcommand(struct cli *c, int argc, char **argv,
		   const struct subcommand *subs, size_t n)
{
	char q[64], names[128] = "";
	size_t i, len;

	/* No subcommand, or only options: list. */
	if (argc < 2 || argv[1][0] == '-')
		return subs[0].run(c, argc, argv);
	for (i = 0; i < n; i++) {
		if (strcmp(argv[1], subs[i].name))
			continue;
		/* messages say "net add"; --help shows "net" */
		optind = 0;
		c->cmd = subs[i].cmd;
		return subs[i].run(c, argc - 1, argv + 1);
	}
	for (i = 0; i < n; i++) {
		len = strlen(names);
		snprintf(names + len, sizeof(names) - len, "%s%s",
			 i ? ", " : "", subs[i].name);
	}
	cohort_quote(argv[1], q, sizeof(q));
	return cli_usage_err(c, "unknown subcommand '%s' (%s)", q, names);
}

static const struct command *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < NR_COMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static void main_help(FILE *f)
{
	size_t i;

	fprintf(f,
		"Usage: %s [OPTIONS] COMMAND [ARGS...]\n"
		"\n"
		"Run Linux kernels side by side on one machine (Cohort).\n"
		"\n"
		"Commands:\n", prog);
	for (i = 0; i < NR_COMMANDS; i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
	fprintf(f,
		"\n"
		"Options:\n"
		"  -j, --json     print JSON (list, show, pool, region, net, peers,\n"
		"                 heartbeat, version, check, create, apply, daemon,\n"
		"                 events, set, delete --dry-run)\n"
		"  -p, --pretty   print indented JSON (implies --json)\n"
		"  -h, --help     show this help; 'cohort COMMAND --help' for a command\n"
		"  -V, --version  show the version of this tool\n"
		"\n"
		"Environment:\n"
		"  COHORT_SYSFS      default %s\n"
		"  COHORT_DEV        default %s\n"
		"  COHORT_CPU_SYSFS  default %s\n"
		"  COHORT_NET_SYSFS  default %s\n"
		"  COHORT_CONFIG_DIR default /etc/cohort/instances.d (apply)\n"
		"  COHORT_STATE_DIR  default /var/lib/cohort (events.jsonl)\n"
		"  COHORTD_SOCKET    default " COHORTD_SOCKET_DEFAULT "\n"
		"  COHORT_CHECK_ROOT prefix of every path check reads (tests)\n"
		"\n"
		"Exit status: 0 done, 1 refused or failed, 2 invalid arguments,\n"
		"3 no such instance (or no cohortd), 4 Cohort not available; check:\n"
		"0 all passed, 1 warnings, 2 a failure.\n"
		"See cohort(8).\n",
		COHORT_SYSFS_DEFAULT, COHORT_DEV_DEFAULT,
		COHORT_CPU_SYSFS_DEFAULT, COHORT_NET_SYSFS_DEFAULT);
}

/* COHORT_NET_MAX_QUEUES as text, for the help below */
#define STRINGIFY(x)		#x
#define XSTRINGIFY(x)		STRINGIFY(x)
#define NET_MAX_QUEUES_STR	XSTRINGIFY(COHORT_NET_MAX_QUEUES)

static const char *const command_details[][2] = {
	{ "create",
	  "  -c, --cpus LIST     CPUs to give it, e.g. 2-3,6 or 2-7:2 (not CPU 0\n"
	  "                      nor its SMT siblings); a list that splits a\n"
	  "                      core is refused, one over several NUMA nodes\n"
	  "                      warned about\n"
	  "  -f, --force         take the --cpus list as given (split cores)\n"
	  "      --cpu-count N   or N CPUs in whole cores no instance holds\n"
	  "                      (N a multiple of the threads of a core)\n"
	  "      --placement P   compact (default): all from one NUMA node, the\n"
	  "                      one with the most free cores (first those where\n"
	  "                      the pool has the memory free), its highest-\n"
	  "                      numbered cores; spread: a core from each node\n"
	  "                      and package in turn\n"
	  "      --node N        the NUMA node of the CPUs and the memory\n"
	  "      --max-cpus N    the most CPUs it may have (1-256, no fewer than\n"
	  "                      it gets): its kernel is told of only that many,\n"
	  "                      which bounds the memory it sets aside for CPUs;\n"
	  "                      'cohort set' can give it the present CPUs\n"
	  "                      nearest to its own, up to N (default: all)\n"
	  "  -m, --memory SIZE   memory from the pool: bytes, or K, M, G, T\n"
	  "                      (KiB...; powers of 1024), a multiple of 2 MiB,\n"
	  "                      at least 32 MiB; from the CPUs' node with\n"
	  "                      --cpu-count (compact or --node) when the pool\n"
	  "                      has it free there, or with --node\n"
	  "  -b, --base ADDR     physical base in the pool (0x... or decimal);\n"
	  "                      without it the kernel places the memory\n"
	  "      --net           then give it a network link (see 'cohort net');\n"
	  "                      when that is refused, the instance is deleted\n"
	  "                      again\n"
	  "      --net-queues N  the link's queue pairs, 1-" NET_MAX_QUEUES_STR
	  " (default: one\n"
	  "                      per CPU, at most " NET_MAX_QUEUES_STR ")\n"
	  "  -n, --dry-run       check, choose, print the plan; ask nothing of\n"
	  "                      the kernel\n"
	  "\n"
	  "With --cpu-count (and --dry-run) one line says where it goes:\n"
	  "  create web: CPUs 6,14 (1 core of 2 threads) on node 1, 256 MiB\n"
	  "  of memory from node 1\n" },
	{ "load",
	  "  -k, --kernel FILE   x86-64 bzImage (boot protocol 2.12 or later)\n"
	  "  -i, --initrd FILE   initramfs\n"
	  "  -a, --cmdline STR   kernel command line (at most 2047 bytes)\n"
	  "      --shell         add cohort.shell=1 to the command line: the\n"
	  "                      instance's init runs a shell on its console\n"
	  "                      (cohort console NAME)\n" },
	{ "dump",
	  "  -f, --force         replace FILE if it exists\n"
	  "FILE is what makedumpfile and crash read (as /proc/vmcore), with\n"
	  "the VMCOREINFO note of the instance's kernel; pages of zeros are\n"
	  "holes.  The instance must be stopped, or failed with its CPUs back\n"
	  "(cohort stop --force NAME).\n" },
	{ "delete",
	  "  -n, --dry-run       have the kernel check everything (it exists, it\n"
	  "                      is not starting, running or stopping); delete\n"
	  "                      nothing, print what it would give back\n"
	  "  -j, --json          --dry-run: print a JSON object\n"
	  "  -p, --pretty        print indented JSON\n"
	  "\n"
	  "With --dry-run one line says what would come back:\n"
	  "  would delete db: CPUs 5,7 go back to the primary and 512 MiB to\n"
	  "  the pool; nothing changed\n" },
	{ "stop",
	  "  -f, --force         take the CPUs back at once\n"
	  "  -t, --timeout SEC   how long a graceful stop may take before the\n"
	  "                      CPUs are taken back by force (default 10)\n" },
	{ "set",
	  "  -c, --cpus [+|-]LIST\n"
	  "                      the CPUs it should have; +LIST adds those,\n"
	  "                      -LIST takes them away (checked as for create)\n"
	  "  -f, --force         take the CPUs as given (split cores)\n"
	  "  -m, --memory [+|-]SIZE\n"
	  "                      the memory it should have in all, as for\n"
	  "                      create; +SIZE adds to it, -SIZE takes from it.\n"
	  "                      Its memory from create stays; the rest is\n"
	  "                      whole blocks of 128 MiB\n"
	  "      --node N        new blocks from the pool on NUMA node N (default:\n"
	  "                      near its memory from create when there is room)\n"
	  "  -t, --timeout SEC   how long its kernel gets for each CPU or block\n"
	  "                      (default 30)\n"
	  "  -n, --dry-run       have the kernel check everything; change nothing\n"
	  "  -j, --json          print a JSON object\n"
	  "  -p, --pretty        print indented JSON\n"
	  "\n"
	  "With both, the CPUs are changed first, then the memory; when the\n"
	  "memory cannot be changed, the CPUs are put back.  A running instance\n"
	  "gives back only blocks it can empty: a shrink it cannot make is\n"
	  "refused whole, saying how much it could have given back.\n" },
	{ "list", "  -j, --json          print a JSON array\n"
		  "  -p, --pretty        print indented JSON\n" },
	{ "show", "  -j, --json          print a JSON object\n"
		  "  -p, --pretty        print indented JSON\n" },
	{ "pool",
	  "  -j, --json          print a JSON object\n"
	  "  -p, --pretty        print indented JSON\n"
	  "  release             give the pool to the primary for good\n"
	  "  -n, --dry-run       release: have the kernel check; change nothing\n"
	  "\n"
	  "Without release: the pool's base, the ranges it is made of, its size,\n"
	  "free, lent and lent_used bytes, then the same per NUMA node.\n"
	  "\n"
	  "release is refused while an instance, a region or a network link\n"
	  "holds any of the pool.  The control region (18 MiB, for the\n"
	  "messaging between kernels) and the trampoline slots below 1 MiB stay\n"
	  "reserved.  Afterwards no instance or region can be made until the\n"
	  "primary boots again with cohort_pool=.\n" },
	{ "region",
	  "  list                the regions (the default): name, base, size,\n"
	  "                      the ids of the kernels that map them and the\n"
	  "                      instances they are granted to\n"
	  "  create NAME         take a region from the pool (zeroed); the\n"
	  "                      primary can then mount -t cohortfs -o region=NAME\n"
	  "  -s, --size SIZE     its size: bytes, or K, M, G, T; a multiple\n"
	  "                      of 2 MiB\n"
	  "  -n, --dry-run       create: have the kernel check it and say where\n"
	  "                      it would go; nothing is taken\n"
	  "  delete NAME         give it back (refused while a kernel maps it);\n"
	  "                      its grants go with it\n"
	  "  grant NAME INSTANCE let the instance mount the region too (an\n"
	  "                      instance mounts only regions granted to it)\n"
	  "  -r, --read-only     grant: its kernel mounts it read-only only\n"
	  "  revoke NAME INSTANCE\n"
	  "                      take the grant back (refused while the\n"
	  "                      instance maps the region and may run)\n"
	  "  -j, --json          list: print a JSON array; create: an object\n"
	  "  -p, --pretty        print indented JSON\n" },
	{ "net",
	  "  list                the links (the default): instance, the\n"
	  "                      primary's interface, its queue pairs,\n"
	  "                      carrier, MTU and MAC address\n"
	  "  add NAME            give the instance a link: coh-NAME in the\n"
	  "                      primary (coh#ID when longer than 15\n"
	  "                      characters), eth0 in the instance\n"
	  "  -q, --queues N      add: queue pairs, 1-" NET_MAX_QUEUES_STR
	  " (default: one per\n"
	  "                      CPU of the instance, at most "
	  NET_MAX_QUEUES_STR ")\n"
	  "  del NAME            take the link away (refused while the\n"
	  "                      instance may be running)\n"
	  "  -j, --json          list, add: print JSON\n"
	  "  -p, --pretty        print indented JSON\n" },
	{ "warm",
	  "  POOL                boot the pool's missing instances, as its record\n"
	  "                      says (at most 24 characters: its instances are\n"
	  "                      POOL-XXXXXX)\n"
	  "  -n, --count N       keep N instances booted and idle, 0-64 (makes\n"
	  "                      the pool); 0 deletes its idle instances and\n"
	  "                      the pool\n"
	  "      --cpu-count N   CPUs of each instance, the highest-numbered\n"
	  "                      free ones, 1-256 (default 1)\n"
	  "  -m, --memory SIZE   memory of each instance, as for create\n"
	  "                      (default 256M)\n"
	  "      --kernel FILE   default /boot/vmlinuz-$(uname -r), then\n"
	  "                      /boot/bzImage\n"
	  "      --initrd FILE   default /usr/lib/cohort/instance-initrd.cpio.gz,\n"
	  "                      then /boot/instance-initrd.cpio.gz\n"
	  "      --cmdline STR   kernel command line (default \"quiet\");\n"
	  "                      cohort.warm is appended\n"
	  "  list                the pools: count, idle instances, CPUs, memory,\n"
	  "                      kernel\n"
	  "  -j, --json          list: print a JSON array\n"
	  "  -p, --pretty        print indented JSON\n"
	  "\n"
	  "A setting given is recorded for the pool; when one differs from the\n"
	  "record, the idle instances are deleted and booted again.  'cohort run\n"
	  "--warm POOL' takes an idle instance and boots its replacement in the\n"
	  "background; what that says is appended to POOL.log in\n"
	  "/var/lib/cohort/warm/ ($COHORT_STATE_DIR/warm/).\n" },
	{ "apply",
	  "  -n, --dry-run       print the plan; nothing is changed\n"
	  "      --dir DIR       the declared instances, one NAME.conf each\n"
	  "                      (default $COHORT_CONFIG_DIR, then\n"
	  "                      /etc/cohort/instances.d; cohort-instance.conf(5))\n"
	  "  -j, --json          print the plan as a JSON array\n"
	  "  -p, --pretty        print indented JSON\n"
	  "\n"
	  "Every file is read and checked first; any error is printed as\n"
	  "FILE:LINE: REASON, all of them, and nothing else is done (exit 2).\n"
	  "The plan, in start order: create NAME ... and start NAME when it\n"
	  "does not exist, keep NAME when it has the declared CPUs and memory,\n"
	  "replace NAME (WHAT) when it differs, then leave NAME (not declared)\n"
	  "for each instance no file declares.\n"
	  "\n"
	  "Without --dry-run, once the files are checked, cohortd is asked to\n"
	  "read its configuration again (as on SIGHUP) and its answer is\n"
	  "printed: 'cohort: apply: cohortd reloaded DIR', or the errors it\n"
	  "found (exit 2; nothing changes).  cohortd reads the directory it was\n"
	  "started with: when DIR is another one, that is said.  Exit 3 when\n"
	  "cohortd is not running.\n" },
	{ "daemon",
	  "  status              the default: cohortd's pid, start time and\n"
	  "                      directory, a line per declared instance (NAME,\n"
	  "                      PHASE, STATE, RESTART policy, RESTARTS,\n"
	  "                      LAST-FAILURE, NEXT-RESTART, HEALTH of its\n"
	  "                      check, LAST-CHECK), why failing checks failed,\n"
	  "                      then the errors of a configuration it refused\n"
	  "  -j, --json          print cohortd's reply, a JSON object\n"
	  "  -p, --pretty        print indented JSON\n"
	  "\n"
	  "cohortd is asked on its control socket, $COHORTD_SOCKET (default\n"
	  COHORTD_SOCKET_DEFAULT "); exit 3 when it is not running.\n" },
	{ "events",
	  "  NAME                only this instance's events\n"
	  "  -f, --follow        keep printing events as cohortd adds them\n"
	  "                      (until Ctrl-C)\n"
	  "      --since SECONDS only the events of the last SECONDS seconds\n"
	  "  -j, --json          print a JSON array of the events (with -f,\n"
	  "                      one object a line)\n"
	  "  -p, --pretty        print indented JSON\n"
	  "\n"
	  "The events are read from events.jsonl in /var/lib/cohort\n"
	  "($COHORT_STATE_DIR), one line each: TIME (local, to the\n"
	  "millisecond), INSTANCE ('-' for cohortd itself), EVENT, REASON,\n"
	  "DETAIL.  Malformed lines are skipped, and counted on stderr.\n" },
	{ "exec",
	  "  -e, --env NAME[=VALUE]\n"
	  "                      set a variable of the command's environment\n"
	  "                      (NAME alone: its value here, left out when\n"
	  "                      unset); may be repeated\n"
	  "  -w, --workdir DIR   its working directory (absolute; default the\n"
	  "                      workload's, or /)\n"
	  "  -u, --user USER[:GROUP]\n"
	  "                      run it as USER, a name or uid of the\n"
	  "                      instance's /etc/passwd (default the\n"
	  "                      workload's user, or root)\n"
	  "      --timeout SEC   kill it after SEC seconds (up to 3 decimals)\n"
	  "\n"
	  "Options may come before or after NAME; COMMAND is the first word\n"
	  "after NAME that is not one (or the first after --).  In an instance\n"
	  "running an image (cohort run), the command runs in the image's root,\n"
	  "with its process's environment, directory, user and limits, as\n"
	  "docker exec; in another instance as root in its initramfs.  Its\n"
	  "stdout and stderr come out here; stdin is not forwarded (it reads\n"
	  "/dev/null).  Ending cohort exec (Ctrl-C) kills the command.\n"
	  "Needs root: the instance hears only a privileged vsock port.\n"
	  "\n"
	  "Exit status: the command's (128 + N when signal N killed it);\n"
	  "124 --timeout killed it; 125 cohort exec failed (no such instance,\n"
	  "not running, no answer on vsock port 1001, refused, usage); 126 the\n"
	  "command could not be run (not executable, unknown -u, bad -w); 127\n"
	  "the command was not found.\n" },
	{ "version", "  -j, --json          print a JSON object\n"
		     "  -p, --pretty        print indented JSON\n" },
	{ "check",
	  "  -j, --json          print a JSON object\n"
	  "  -p, --pretty        print indented JSON\n"
	  "\n"
	  "One line per check: PASS, WARN or FAIL, what was found, and for a\n"
	  "warning or failure the fix.  Checks: kernel (Cohort in the running\n"
	  "kernel, /dev/cohort), pool (cohort_pool=), the kernel options Cohort\n"
	  "needs (CONFIG_...), cpu, cpus, tsc, x2apic, init-sipi, smt, numa,\n"
	  "memory, iommu, irq-remap, lockdown, secure-boot.  Read from /proc,\n"
	  "/sys, /boot and /dev/cpu/0/msr, each under $COHORT_CHECK_ROOT when\n"
	  "it is set.\n"
	  "\n"
	  "Exit status: 0 all passed, 1 warnings and no failure, 2 a failure\n"
	  "(or a usage error).\n" },
	{ "peers",
	  "  -a, --all           also the ids no kernel uses (state absent)\n"
	  "  -j, --json          print a JSON array\n"
	  "  -p, --pretty        print indented JSON\n" },
	{ "heartbeat",
	  "      --period MS     beat every MS milliseconds (10-10000)\n"
	  "      --misses N      mark an instance failed after N periods\n"
	  "                      without a beat (1-1000)\n"
	  "  -j, --json          print a JSON object (without --period and\n"
	  "                      --misses)\n"
	  "  -p, --pretty        print indented JSON\n" },
	{ "log",
	  "  -f, --follow        keep printing new output while the instance\n"
	  "                      runs (until it stops, or Ctrl-C)\n" },
	{ "console",
	  "  -r, --read-only     only watch: never take the input, so any\n"
	  "                      number can watch; a terminal is still read\n"
	  "                      for Ctrl-]\n"
	  "      --force         take the input from the one who has it\n"
	  "      --no-history    start with new output, not with what the\n"
	  "                      console still holds from the boot on\n"
	  "\n"
	  "Ctrl-] detaches.  A terminal is put in raw mode: every other key,\n"
	  "Ctrl-C included, goes to the instance.  Other input is copied as\n"
	  "it is; after its end the output is still followed (until Ctrl-C\n"
	  "or SIGTERM).  The console is followed across stops and starts;\n"
	  "cohort exits 0 when the instance is deleted and 1 when another\n"
	  "writer takes the input over.\n" },
};

/**
 * cli_help() - print the help of a command, or the general help
 * @cmd: the command, or NULL
 */
void cli_help(const char *cmd)
{
	const struct command *k = NULL;
	char first[32];
	size_t i;

	/* "region create": the help of "region" */
	if (cmd) {
		snprintf(first, sizeof(first), "%.*s", (int)strcspn(cmd, " "),
			 cmd);
		k = find_command(first);
	}

	if (!k) {
		main_help(stdout);
		return;
	}
	printf("Usage: %s %s %s\n\n%c%s.\n", prog, k->name, k->usage,
	       k->help[0] - 'a' + 'A', k->help + 1);
	for (i = 0; i < ARRAY_SIZE(command_details); i++) {
		if (strcmp(command_details[i][0], k->name))
			continue;
		printf("\nOptions:\n%s", command_details[i][1]);
	}
}

/**
 * cmd_help() - "cohort help [COMMAND]"
 * @c: the invocation
 * @argc: arguments of the command
 * @argv: the arguments
 *
 * Return: an exit status.
 */
int cmd_help(struct cli *c, int argc, char **argv)
{
	static const struct option lo[] = { { "help", no_argument, NULL, 'h' },
					    { NULL, 0, NULL, 0 } };
	int opt;

	while ((opt = cli_getopt(c, argc, argv, "", lo, NULL)) != -1) {
		if (opt == -2)
			return EXIT_OK;
		return EXIT_USAGE;
	}
	if (optind + 1 < argc) {
		char q[64];

		cohort_quote(argv[optind + 1], q, sizeof(q));
		return cli_usage_err(c, "unexpected argument '%s'", q);
	}
	if (optind < argc && !find_command(argv[optind])) {
		char q[64];

		cohort_quote(argv[optind], q, sizeof(q));
		return cli_usage_err(c, "unknown command '%s'", q);
	}
	cli_help(optind < argc ? argv[optind] : NULL);
	return EXIT_OK;
}

static const char *env_or(const char *name, const char *def)
{
	const char *v = getenv(name);

	return v && *v ? v : def;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct cli c = {
		.sysfs = env_or("COHORT_SYSFS", COHORT_SYSFS_DEFAULT),
		.dev = env_or("COHORT_DEV", COHORT_DEV_DEFAULT),
		.cpu_sysfs = env_or("COHORT_CPU_SYSFS",
				    COHORT_CPU_SYSFS_DEFAULT),
		/*
		 * The primary's network interfaces (cohort net list): a
		 * variable of their own, as the CPUs have, for the tests.
		 */
		.net_sysfs = env_or("COHORT_NET_SYSFS",
				    COHORT_NET_SYSFS_DEFAULT),
	};
	const struct command *k;
	char q[64];
	int opt;

	opterr = 0;
	/* "+": stop at the command; it parses its own options. */
	while ((opt = getopt_long(argc, argv, "+:jphV", lo, NULL)) != -1) {
		if (cli_json_opt(&c, opt))
			continue;
		switch (opt) {
		case 'h':
			main_help(stdout);
			return EXIT_OK;
		case 'V':
			printf("%s %s\n", prog, COHORT_VERSION);
			return EXIT_OK;
		default:
			if (optopt) {
				return cli_usage_err(&c, "unknown option '-%c'",
						     optopt);
			}
			opt_text(argv[optind - 1], q, sizeof(q));
			return cli_usage_err(&c, "unknown option '%s'", q);
		}
	}
	if (optind >= argc) {
		main_help(stderr);
		return EXIT_USAGE;
	}
	k = find_command(argv[optind]);
	if (!k) {
		cohort_quote(argv[optind], q, sizeof(q));
		return cli_usage_err(&c, "unknown command '%s'", q);
	}
	c.cmd = k->name;
	argc -= optind;
	argv += optind;
	optind = 0;	/* glibc: start afresh, argv[0] is the command */
	return k->run(&c, argc, argv);
}
