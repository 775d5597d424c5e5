// SPDX-License-Identifier: GPL-2.0
/*
 * cohort(8): "cohort rename NAME NEW": give an instance a new name
 * (COHORT_IOC_RENAME), in any state.  Its kernel learns the name at its
 * next start.
 */
#include <stdio.h>
#include <string.h>

#include "cohort.h"

/**
 * cli_rename() - call instance @name @to from now on
 * @c: the invocation
 * @name: the instance
 * @to: its new name
 *
 * Return: an exit status, after printing why when it was refused.
 */
int cli_rename(struct cli *c, const char *name, const char *to)
{
	struct cohort_ioc_rename req;

	memset(&req, 0, sizeof(req));
	snprintf(req.name, sizeof(req.name), "%s", name);
	snprintf(req.new_name, sizeof(req.new_name), "%s", to);
	return cli_dev_ioctl(c, name, COHORT_IOC_RENAME, &req, req.msg);
}

/**
 * cmd_rename() - "cohort rename NAME NEW"
 * @c: the invocation
 * @argc: arguments of the command
 * @argv: the arguments
 *
 * Return: an exit status.
 */
int cmd_rename(struct cli *c, int argc, char **argv)
{
	static const char *const what[] = { "instance", "new instance", NULL };
	const char *names[2];
	int ret;

	ret = cli_plain_names(c, argc, argv, what, names);
	if (ret)
		return ret < 0 ? EXIT_OK : ret;
	ret = sysfs_instance_check(c, names[0]);
	if (ret)
		return ret;
	return cli_rename(c, names[0], names[1]);
}
