// SPDX-License-Identifier: GPL-2.0
/*
 * cohort-init: the instance's end of the ports "cohort run -p" publishes.
 * For each published TCP port P a process listens on AF_VSOCK port
 * RUN_PUBLISH_VSOCK_BASE + P and, for each connection from the primary
 * (CID 2: the transport sets a peer's CID from the ring its packets came
 * in on, so no other instance can pose as it), connects to the
 * workload's 127.0.0.1:P (or [::1]:P) and relays both ways
 * (lib/cohort/relay.c).  A connection that finds nothing listening is
 * closed, as a TCP proxy would.  Without the CID check another instance
 * could reach services the workload offers only on its loopback.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/vm_sockets.h>

#include "cohort/relay.h"
#include "init.h"

/* A TCP connection to the workload's port @port, or -1. */
static int connect_local(uint16_t port)
{
	struct sockaddr_in v4 = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	struct sockaddr_in6 v6 = {
		.sin6_family = AF_INET6,
		.sin6_port = htons(port),
		.sin6_addr = IN6ADDR_LOOPBACK_INIT,
	};
	int fd;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&v4, sizeof(v4)) == 0)
		return fd;
	if (fd >= 0)
		close(fd);
	fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&v6, sizeof(v6)) == 0)
		return fd;
	if (fd >= 0)
		close(fd);
	return -1;
}

/* The listener of one port; never returns. */
static void __attribute__((noreturn)) serve(int lfd, uint16_t port)
{
	struct sigaction sa = { .sa_handler = SIG_IGN };
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* connections' processes reap themselves */
	sigaction(SIGCHLD, &sa, NULL);
	for (;;) {
		struct sockaddr_vm peer;
		socklen_t plen = sizeof(peer);
		int fd, tcp;

		fd = accept4(lfd, (struct sockaddr *)&peer, &plen, SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno != EINTR && errno != ECONNABORTED)
				sleep(1);
			continue;
		}
		if (plen < sizeof(peer) || peer.svm_cid != VMADDR_CID_HOST) {
			close(fd);
			continue;
		}
		if (fork() == 0) {
			close(lfd);
			tcp = connect_local(port);
			if (tcp >= 0)
				cohort_relay(fd, tcp);
			_exit(0);
		}
		close(fd);
	}
}

/**
 * publish_start() - listen for the primary on each published port
 * @spec: the spec; its publish list
 *
 * Each listener is a child of PID 1, outside the workload's root (the
 * loopback is the same); it goes when the instance powers off.
 *
 * Return: 0, or -1 when a port cannot be listened on (printed).
 */
int publish_start(const struct run_spec *spec)
{
	size_t i;

	for (i = 0; i < spec->nr_publish; i++) {
		struct sockaddr_vm a = {
			.svm_family = AF_VSOCK,
			.svm_cid = VMADDR_CID_ANY,
			.svm_port = RUN_PUBLISH_VSOCK_BASE + spec->publish[i],
		};
		pid_t pid;
		int lfd;

		lfd = socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (lfd < 0 || bind(lfd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
		    listen(lfd, 64) < 0) {
			init_msg("publish port %u: vsock port %u: %s",
				 spec->publish[i], a.svm_port, strerror(errno));
			if (lfd >= 0)
				close(lfd);
			return -1;
		}
		pid = fork();
		if (pid < 0) {
			init_msg("publish port %u: fork: %s", spec->publish[i],
				 strerror(errno));
			close(lfd);
			return -1;
		}
		if (!pid)
			serve(lfd, spec->publish[i]);
		close(lfd);
	}
	return 0;
}
