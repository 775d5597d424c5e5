// SPDX-License-Identifier: GPL-2.0
/*
 * cohort(8): "cohort takeover NAME FROM": NAME takes over FROM's AF_VSOCK
 * address (COHORT_IOC_TAKEOVER); FROM gets NAME's.  Clients that connect
 * to FROM's old CID reach NAME from then on: a warm standby taking over
 * a failed instance's service, or a new kernel taking over from the old
 * one in a live update.
 */
#include <stdio.h>
#include <string.h>

#include "cohort.h"

/**
 * cmd_takeover() - "cohort takeover NAME FROM"
 * @c: the invocation
 * @argc: arguments of the command
 * @argv: the arguments
 *
 * Return: an exit status.
 */
int cmd_takeover(struct cli *c, int argc, char **argv)
{
	static const char *const what[] = { "instance", "instance", NULL };
	struct cohort_ioc_takeover req;
	const char *names[2];
	int ret;

	ret = cli_plain_names(c, argc, argv, what, names);
	if (ret)
		return ret < 0 ? EXIT_OK : ret;
	ret = sysfs_instance_check(c, names[0]);
	ret = ret ?: sysfs_instance_check(c, names[1]);
	if (ret)
		return ret;
	memset(&req, 0, sizeof(req));
	snprintf(req.name, sizeof(req.name), "%s", names[0]);
	snprintf(req.from, sizeof(req.from), "%s", names[1]);
	ret = cli_dev_ioctl(c, names[0], COHORT_IOC_TAKEOVER, &req, req.msg);
	if (ret)
		return ret;
	printf("%s has CID %u now (%s's until now)\n", names[0], req.cid,
	       names[1]);
	return EXIT_OK;
}
