// SPDX-License-Identifier: GPL-2.0
/*
 * cohort-init --wait-link IFNAME: returns once the network interface
 * IFNAME exists.  An instance whose link is not there when it boots (a
 * warm standby, the new kernel of a live update) gets one when it takes
 * over another's (`cohort takeover`); its init then puts the addresses of
 * cohort.ip= on it (initramfs/lib.sh).  The wait listens to the kernel's
 * link notifications, so it costs nothing while it waits and ends as
 * soon as the interface appears.
 */
#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "init.h"

/**
 * init_wait_link() - wait until a network interface exists
 * @ifname: its name
 *
 * Return: 0 once it exists, -1 (after a message) if it cannot wait.
 */
int init_wait_link(const char *ifname)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK,
				  .nl_groups = RTMGRP_LINK };
	char buf[8192];
	ssize_t n;
	int fd;

	if (!*ifname || strlen(ifname) >= IF_NAMESIZE) {
		init_msg("--wait-link '%s': not an interface name", ifname);
		return -1;
	}
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		init_msg("link notifications: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	/* Subscribed first, looked second: no appearance goes unseen. */
	while (!if_nametoindex(ifname)) {
		n = recv(fd, buf, sizeof(buf), 0);
		/* ENOBUFS: notifications were lost; looking again is enough. */
		if (n < 0 && errno != EINTR && errno != ENOBUFS) {
			init_msg("link notifications: %s", strerror(errno));
			close(fd);
			return -1;
		}
	}
	close(fd);
	return 0;
}
