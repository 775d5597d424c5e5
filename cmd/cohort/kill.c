// SPDX-License-Identifier: GPL-2.0
/*
 * cohort(8): "cohort kill [-s SIGNAL] NAME": send a signal to the workload
 * of a running instance (COHORT_IOC_SIGNAL; cohort-init, the PID 1 of a
 * cohort run instance, passes it on).  SIGNAL is a number or a name,
 * with or without "SIG" (KILL, SIGTERM, 15); the default is KILL, as
 * docker kill's.
 */
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cohort.h"
#include "cohort/parse.h"

/* The signal @s names: 1..COHORT_SIGNAL_MAX, or 0 when none. */
static unsigned int parse_signal(const char *s)
{
	const char *abbrev;
	char *end;
	unsigned long v;
	unsigned int i;

	if (isdigit((unsigned char)s[0])) {
		errno = 0;
		v = strtoul(s, &end, 10);
		if (errno || *end || !v || v > COHORT_SIGNAL_MAX)
			return 0;
		return (unsigned int)v;
	}
	if (!strncasecmp(s, "SIG", 3))
		s += 3;
	for (i = 1; i < 32; i++) {
		abbrev = sigabbrev_np((int)i);
		if (abbrev && !strcasecmp(abbrev, s))
			return i;
	}
	return 0;
}

/**
 * cmd_kill() - "cohort kill [-s SIGNAL] NAME"
 * @c: the invocation
 * @argc: arguments of the command
 * @argv: the arguments
 *
 * Return: an exit status.
 */
int cmd_kill(struct cli *c, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "signal", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	unsigned int seen[256] = { 0 };
	struct cohort_ioc_signal req;
	const char *sig = "KILL", *name;
	unsigned int signo;
	char q[64];
	int opt, ret;

	while ((opt = cli_getopt(c, argc, argv, "s:", lo, seen)) != -1) {
		if (opt != 's')
			return opt == -2 ? EXIT_OK : EXIT_USAGE;
		sig = optarg;
	}
	ret = cli_name_arg(c, argc, argv, &name);
	if (ret)
		return ret;
	signo = parse_signal(sig);
	if (!signo) {
		cohort_quote(sig, q, sizeof(q));
		cli_err("%s %s: unknown signal '%s' (a name such as TERM or KILL, or a number from 1 to %d)",
			c->cmd, name, q, COHORT_SIGNAL_MAX);
		return EXIT_USAGE;
	}
	ret = sysfs_instance_check(c, name);
	if (ret)
		return ret;
	memset(&req, 0, sizeof(req));
	snprintf(req.name, sizeof(req.name), "%s", name);
	req.signo = signo;
	return cli_dev_ioctl(c, name, COHORT_IOC_SIGNAL, &req, req.msg);
}
