// SPDX-License-Identifier: GPL-2.0
/*
 * cohort(8): the primary's end of "cohort run -p [IP:]HOSTPORT:PORT".
 * The listening sockets are made before the instance boots, so a port in
 * use is refused before anything changes.  Once the instance runs, a
 * process of its own session takes them over: each connection gets a
 * process that connects to the instance's vsock port
 * RUN_PUBLISH_VSOCK_BASE + PORT, where cohort-init relays to the
 * workload's 127.0.0.1:PORT (cmd/cohort-init/publish.c), and copies both
 * ways (lib/cohort/relay.c).  The listener goes away when the instance
 * stops, fails, is deleted or is started again (its CID may then be
 * another kernel's).
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/vm_sockets.h>

#include "cohort.h"
#include "cohort/relay.h"
#include "publish.h"
#include "run/run.h"

/* How often the listener checks that the instance still runs. */
#define PUBLISH_CHECK_MS	500

/**
 * publish_parse() - read "-p [IP:]HOSTPORT:PORT[/tcp]"
 * @c: the invocation, for messages
 * @arg: the argument
 * @p: out: the mapping (not yet listening)
 *
 * The syntax is run_publish_parse()'s (lib/run/publish.c): IP is an
 * IPv4 address or an IPv6 one in brackets; without it the port is the
 * primary's on every address, as with docker.  Only TCP.
 *
 * Return: EXIT_OK, or EXIT_USAGE after saying why.
 */
int publish_parse(struct cli *c, const char *arg, struct publish *p)
{
	char err[RUN_ERR_MAX];
	struct run_publish rp;

	memset(p, 0, sizeof(*p));
	p->arg = arg;
	p->fd = -1;
	if (strlen(arg) >= RUN_PUBLISH_ARG_MAX) {
		cli_err("%s: -p %.40s...: too long", c->cmd, arg);
		return EXIT_USAGE;
	}
	if (run_publish_parse(arg, &rp, err, sizeof(err))) {
		cli_err("%s: -p %s: %s", c->cmd, arg, err);
		return EXIT_USAGE;
	}
	p->addr = rp.addr;
	p->alen = rp.alen;
	p->cport = rp.cport;
	return EXIT_OK;
}

/**
 * publish_listen() - listen on the primary's side of every mapping
 * @c: the invocation
 * @v: the mappings
 * @n: how many
 *
 * Return: EXIT_OK, or EXIT_FAIL after saying which port could not be
 * had (every socket is closed again).
 */
int publish_listen(struct cli *c, struct publish *v, size_t n)
{
	int one = 1;
	size_t i;

	for (i = 0; i < n; i++) {
		v[i].fd = socket(v[i].addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC,
				 0);
		if (v[i].fd < 0 ||
		    setsockopt(v[i].fd, SOL_SOCKET, SO_REUSEADDR, &one,
			       sizeof(one)) < 0 ||
		    (v[i].addr.ss_family == AF_INET6 &&
		     setsockopt(v[i].fd, IPPROTO_IPV6, IPV6_V6ONLY, &one,
				sizeof(one)) < 0) ||
		    bind(v[i].fd, (struct sockaddr *)&v[i].addr, v[i].alen) < 0 ||
		    listen(v[i].fd, 128) < 0) {
			cli_err("%s: -p %s: %s", c->cmd, v[i].arg,
				errno == EADDRINUSE ?
				"the primary's port is in use" : strerror(errno));
			publish_close(v, n);
			return EXIT_FAIL;
		}
	}
	return EXIT_OK;
}

/**
 * publish_close() - close the listening sockets this process holds
 * @v: the mappings
 * @n: how many
 */
void publish_close(struct publish *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (v[i].fd >= 0)
			close(v[i].fd);
		v[i].fd = -1;
	}
}

/* Whether instance @name is still the kernel with @cid, started @starts times. */
static bool same_run(struct cli *c, const char *name, __u64 cid, __u64 starts)
{
	char state[32];
	__u64 v;

	if (sysfs_inst_read(c, name, "state", state, sizeof(state)) < 0 ||
	    (strcmp(state, COHORT_STATE_RUNNING) &&
	     strcmp(state, COHORT_STATE_STARTING)))
		return false;
	if (sysfs_inst_u64(c, name, "cid", &v) < 0 || v != cid)
		return false;
	return sysfs_inst_u64(c, name, "starts", &v) < 0 || v == starts;
}

/* One client: to the instance, both ways.  Never returns. */
static void __attribute__((noreturn)) connection(int fd, __u64 cid,
						 uint16_t cport)
{
	struct sockaddr_vm a = {
		.svm_family = AF_VSOCK,
		.svm_cid = (unsigned int)cid,
		.svm_port = RUN_PUBLISH_VSOCK_BASE + cport,
	};
	int vfd = socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (vfd >= 0 && connect(vfd, (struct sockaddr *)&a, sizeof(a)) == 0)
		cohort_relay(fd, vfd);
	_exit(0);
}

/* The listener, in its own session; never returns. */
static void __attribute__((noreturn)) listener(struct cli *c, const char *name,
					       struct publish *v, size_t n)
{
	struct sigaction sa = { .sa_handler = SIG_IGN };
	struct pollfd p[RUN_MAX_PUBLISH * 2];
	__u64 cid, starts = 0;
	size_t i;

	sigaction(SIGCHLD, &sa, NULL);	/* connections reap themselves */
	sigaction(SIGPIPE, &sa, NULL);
	if (sysfs_inst_u64(c, name, "cid", &cid) < 0)
		_exit(1);
	sysfs_inst_u64(c, name, "starts", &starts);
	for (i = 0; i < n; i++)
		p[i] = (struct pollfd){ .fd = v[i].fd, .events = POLLIN };
	for (;;) {
		int r = poll(p, n, PUBLISH_CHECK_MS);

		if (r <= 0) {
			if (!same_run(c, name, cid, starts))
				_exit(0);
			continue;
		}
		for (i = 0; i < n; i++) {
			int fd;

			if (!(p[i].revents & POLLIN))
				continue;
			fd = accept4(v[i].fd, NULL, NULL, SOCK_CLOEXEC);
			if (fd < 0)
				continue;
			if (fork() == 0) {
				publish_close(v, n);
				connection(fd, cid, v[i].cport);
			}
			close(fd);
		}
	}
}

/**
 * publish_spawn() - hand the listening sockets to a process of their own
 * @c: the invocation
 * @name: the instance, running
 * @v: the mappings, listening
 * @n: how many
 *
 * Returns at once; this process's copies of the sockets are closed.
 */
void publish_spawn(struct cli *c, const char *name, struct publish *v,
		   size_t n)
{
	pid_t pid;
	int fd;

	if (!n)
		return;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		cli_warn("the ports of %s are not published: fork: %s", name,
			 strerror(errno));
	} else if (pid == 0) {
		setsid();
		if (fork())
			_exit(0);
		fd = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (fd >= 0) {
			dup2(fd, STDIN_FILENO);
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
		}
		listener(c, name, v, n);
	} else {
		waitpid(pid, NULL, 0);
	}
	publish_close(v, n);
}
