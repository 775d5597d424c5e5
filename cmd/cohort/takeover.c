// SPDX-License-Identifier: GPL-2.0
/*
 * cohort(8): "cohort takeover NAME FROM": NAME takes over FROM's AF_VSOCK
 * address (COHORT_IOC_TAKEOVER), FROM gets NAME's; and FROM's network
 * link, if it has one (the primary's coh-FROM with its addresses, now
 * NAME's eth0).  Clients that connect to FROM's old CID or address reach
 * NAME from then on: a warm standby taking over a failed instance's
 * service, or a new kernel taking over from the old one in a live update.
 */
#include <stdio.h>
#include <string.h>

#include "cohort.h"

/**
 * cli_takeover() - @name takes over @from's vsock address
 * @c: the invocation
 * @name: the instance that takes it
 * @from: the instance that gives it (and gets @name's)
 * @cid: out, may be NULL: @name's CID now
 *
 * Return: an exit status, after printing why when it was refused.
 */
int cli_takeover(struct cli *c, const char *name, const char *from,
		 __u32 *cid)
{
	struct cohort_ioc_takeover req;
	int ret;

	memset(&req, 0, sizeof(req));
	snprintf(req.name, sizeof(req.name), "%s", name);
	snprintf(req.from, sizeof(req.from), "%s", from);
	ret = cli_dev_ioctl(c, name, COHORT_IOC_TAKEOVER, &req, req.msg);
	if (!ret && cid)
		*cid = req.cid;
	return ret;
}

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
	const char *names[2];
	char ifname[64];
	__u32 cid;
	int ret;

	ret = cli_plain_names(c, argc, argv, what, names);
	if (ret)
		return ret < 0 ? EXIT_OK : ret;
	ret = sysfs_instance_check(c, names[0]);
	ret = ret ?: sysfs_instance_check(c, names[1]);
	if (ret)
		return ret;
	ret = cli_takeover(c, names[0], names[1], &cid);
	if (ret)
		return ret;
	printf("%s has CID %u now (%s's until now)\n", names[0], cid,
	       names[1]);
	if (sysfs_inst_read(c, names[0], "net", ifname, sizeof(ifname)) > 0 &&
	    *ifname)
		printf("%s has the network link %s now\n", names[0], ifname);
	return EXIT_OK;
}
