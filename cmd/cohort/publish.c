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
#include <arpa/inet.h>
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
#include "cohort/parse.h"
#include "cohort/relay.h"
#include "publish.h"
#include "run/run.h"

/* How often the listener checks that the instance still runs. */
#define PUBLISH_CHECK_MS	500

static int port_arg(struct cli *c, const char *arg, const char *s,
		    size_t len, uint16_t *port)
{
	char buf[16], err[COHORT_ERR_MAX];
	__u32 v;

	if (!len || len >= sizeof(buf)) {
		cli_err("%s: -p %s: a port is missing or too long", c->cmd, arg);
		return EXIT_USAGE;
	}
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (cohort_parse_uint(buf, "port", NULL, 1, 65535, &v, err,
			      sizeof(err))) {
		cli_err("%s: -p %s: %s", c->cmd, arg, err);
		return EXIT_USAGE;
	}
	*port = (uint16_t)v;
	return EXIT_OK;
}

/**
 * publish_parse() - read "-p [IP:]HOSTPORT:PORT[/tcp]"
 * @c: the invocation, for messages
 * @arg: the argument
 * @p: out: the mapping (not yet listening)
 *
 * IP is an IPv4 address or an IPv6 one in brackets; without it the port
 * is the primary's on every address, as with docker.  Only TCP.
 *
 * Return: EXIT_OK, or EXIT_USAGE after saying why.
 */
int publish_parse(struct cli *c, const char *arg, struct publish *p)
{
	struct sockaddr_in *v4 = (struct sockaddr_in *)&p->addr;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&p->addr;
	char ip[64], spec[128];
	const char *host, *cport, *slash;
	uint16_t hport;
	size_t iplen = 0;
	int ret;

	memset(p, 0, sizeof(*p));
	p->arg = arg;
	p->fd = -1;
	if (strlen(arg) >= sizeof(spec)) {
		cli_err("%s: -p %.40s...: too long", c->cmd, arg);
		return EXIT_USAGE;
	}
	snprintf(spec, sizeof(spec), "%s", arg);
	slash = strchr(spec, '/');
	if (slash) {
		if (strcmp(slash, "/tcp")) {
			cli_err("%s: -p %s: only TCP ports can be published",
				c->cmd, arg);
			return EXIT_USAGE;
		}
		spec[slash - spec] = '\0';
	}
	if (spec[0] == '[') {
		char *end = strchr(spec, ']');

		if (!end || end[1] != ':') {
			cli_err("%s: -p %s: want [IPV6]:HOSTPORT:PORT", c->cmd,
				arg);
			return EXIT_USAGE;
		}
		iplen = (size_t)(end - spec - 1);
		memcpy(ip, spec + 1, iplen < sizeof(ip) ? iplen : 0);
		host = end + 2;
	} else {
		const char *first = strchr(spec, ':');
		const char *last = strrchr(spec, ':');

		if (!first) {
			cli_err("%s: -p %s: give the primary's port too: -p HOSTPORT:%s",
				c->cmd, arg, spec);
			return EXIT_USAGE;
		}
		if (first != last) {
			iplen = (size_t)(first - spec);
			memcpy(ip, spec, iplen < sizeof(ip) ? iplen : 0);
			host = first + 1;
		} else {
			host = spec;
		}
	}
	if (iplen >= sizeof(ip)) {
		cli_err("%s: -p %s: the address is too long", c->cmd, arg);
		return EXIT_USAGE;
	}
	ip[iplen] = '\0';
	cport = strchr(host, ':');
	if (!cport || strchr(cport + 1, ':')) {
		cli_err("%s: -p %s: want [IP:]HOSTPORT:PORT", c->cmd, arg);
		return EXIT_USAGE;
	}
	ret = port_arg(c, arg, host, (size_t)(cport - host), &hport);
	if (!ret)
		ret = port_arg(c, arg, cport + 1, strlen(cport + 1), &p->cport);
	if (ret)
		return ret;
	if (spec[0] == '[') {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons(hport);
		if (inet_pton(AF_INET6, ip, &v6->sin6_addr) != 1) {
			cli_err("%s: -p %s: '%s' is not an IPv6 address",
				c->cmd, arg, ip);
			return EXIT_USAGE;
		}
		p->alen = sizeof(*v6);
	} else {
		v4->sin_family = AF_INET;
		v4->sin_port = htons(hport);
		v4->sin_addr.s_addr = htonl(INADDR_ANY);
		if (iplen && inet_pton(AF_INET, ip, &v4->sin_addr) != 1) {
			cli_err("%s: -p %s: '%s' is not an IPv4 address (an IPv6 one goes in brackets)",
				c->cmd, arg, ip);
			return EXIT_USAGE;
		}
		p->alen = sizeof(*v4);
	}
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
