// SPDX-License-Identifier: GPL-2.0
/*
 * cohortd: one instance's health check, run without ever blocking the
 * main loop (docs/cohortd.md, "Health checks"; the rules are
 * healthrule.c's):
 *
 *   vsock-port  a non-blocking connect to the instance's CID and the
 *               port; made within the interval: it passes
 *   tcp-port    the same to the first IPv4 address of its [net] (else
 *               the first IPv6 one), over its link (SO_BINDTODEVICE to
 *               the primary's end, which also scopes a link-local
 *               address)
 *   command     "cohort exec --timeout T NAME -- /bin/sh -c COMMAND" in
 *               a child process, its output in STATE/NAME/health.log;
 *               exit 0: it passes
 *
 * A connection's socket is polled by the main loop (cd_health_fds());
 * the child ends in SIGCHLD (cd_health_reap()).  A child that outlives
 * its timeout by far (cohort exec waits RUN_EXEC_IO_TIMEOUT_S for the
 * instance) is killed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>
#include <linux/vm_sockets.h>

#include "cohortd.h"
#include "run/exec.h"

/* How long past its timeout cohort exec may take to give up by itself. */
#define CD_HEALTH_EXEC_SLACK_MS	(RUN_EXEC_IO_TIMEOUT_S * 1000 + 2000)

static double now_real(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)(ts.tv_nsec / 1000000) / 1000.0;
}

/**
 * cd_health_init() - an instance's check, not watching yet
 * @h: the check
 * @inst: the instance (a command's output goes to STATE/@inst/health.log)
 */
void cd_health_init(struct cd_health *h, const char *inst)
{
	memset(h, 0, sizeof(*h));
	h->fd = -1;
	snprintf(h->log, sizeof(h->log), "%.4000s/%s/health.log",
		 cd.state_dir, inst);
}

/**
 * cd_health_stop() - stop watching: the check in flight is dropped
 * @h: the check
 *
 * A command's child is killed; its end, reaped by the main loop, is
 * then no one's.  What the checks said stays shown.
 */
void cd_health_stop(struct cd_health *h)
{
	if (h->fd >= 0)
		close(h->fd);
	h->fd = -1;
	if (h->pid > 0)
		kill(h->pid, SIGKILL);
	h->pid = 0;
	h->st.since = 0;
}

/* A check ended; true when it makes the threshold. */
static bool record(struct cd_health *h, const char *name,
		   const struct decl_instance *d, bool ok, const char *why,
		   long long now)
{
	enum cd_health_last was = h->st.last;
	bool failed;

	failed = cd_health_note(&h->st, ok, now, d->health_threshold);
	h->last_time = now_real();
	h->next_at = cd_health_next(h->started, now, d->health_interval);
	snprintf(h->last_error, sizeof(h->last_error), "%s", ok ? "" : why);
	if (ok && was != CD_HEALTH_OK)
		cd_log(CD_NOTICE, "%s: health check passes", name);
	else if (!ok && was != CD_HEALTH_FAILING)
		cd_log(CD_WARN, "%s: health check failed%s: %s", name,
		       h->st.counting ? "" : " (not counted yet)", why);
	return failed;
}

/* The address of a tcp-port check; -1 without one. */
static int tcp_addr(const struct decl_instance *d, const char *ifname,
		    struct sockaddr_storage *ss, socklen_t *len)
{
	const struct decl_address *a = NULL;

	for (size_t i = 0; i < d->nr_addresses && !a; i++)
		if (d->addresses[i].family == AF_INET)
			a = &d->addresses[i];
	for (size_t i = 0; i < d->nr_addresses && !a; i++)
		if (d->addresses[i].family == AF_INET6)
			a = &d->addresses[i];
	if (!a)
		return -1;
	memset(ss, 0, sizeof(*ss));
	if (a->family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)ss;

		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)d->health_port);
		memcpy(&in->sin_addr, a->addr, 4);
		*len = sizeof(*in);
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)d->health_port);
		memcpy(&in6->sin6_addr, a->addr, 16);
		if (IN6_IS_ADDR_LINKLOCAL(&in6->sin6_addr))
			in6->sin6_scope_id = if_nametoindex(ifname);
		*len = sizeof(*in6);
	}
	return 0;
}

/*
 * Starts a connection to the instance.  0 with h->fd in flight; 1 when
 * it was made at once; -1 when it failed at once (@why says why).
 */
static int connect_start(struct cd_health *h, const char *name,
			 const struct decl_instance *d, char *why, size_t len)
{
	struct sockaddr_storage ss;
	char buf[64], ifname[IF_NAMESIZE + 1];
	socklen_t slen;
	int fd, family;

	if (d->health == DECL_HEALTH_VSOCK) {
		struct sockaddr_vm *vm = (struct sockaddr_vm *)&ss;
		unsigned long long cid;
		char *end;

		if (cd_inst_attr(name, "cid", buf, sizeof(buf))) {
			snprintf(why, len, "its vsock CID cannot be read");
			return -1;
		}
		cid = strtoull(buf, &end, 10);
		if (*end || end == buf || cid > 0xffffffffULL) {
			snprintf(why, len, "its vsock CID is '%.20s'", buf);
			return -1;
		}
		memset(&ss, 0, sizeof(ss));
		vm->svm_family = AF_VSOCK;
		vm->svm_cid = (unsigned int)cid;
		vm->svm_port = d->health_port;
		slen = sizeof(*vm);
		family = AF_VSOCK;
	} else {
		if (cd_inst_attr(name, "net", ifname, sizeof(ifname)) ||
		    !ifname[0]) {
			snprintf(why, len, "it has no network link");
			return -1;
		}
		if (tcp_addr(d, ifname, &ss, &slen)) {
			snprintf(why, len, "no address in [net]");
			return -1;
		}
		family = ss.ss_family;
	}
	fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(why, len, "socket: %s", strerror(errno));
		return -1;
	}
	if (family != AF_VSOCK &&
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname,
		       (socklen_t)strlen(ifname) + 1) < 0) {
		snprintf(why, len, "binding to %s: %s", ifname, strerror(errno));
		close(fd);
		return -1;
	}
	if (!connect(fd, (struct sockaddr *)&ss, slen)) {
		close(fd);
		return 1;
	}
	if (errno != EINPROGRESS) {
		snprintf(why, len, "connect: %s", strerror(errno));
		close(fd);
		return -1;
	}
	h->fd = fd;
	return 0;
}

/* Starts "cohort exec" for a command check; -1 (@why) when it cannot. */
static int command_start(struct cd_health *h, const char *name,
			 const struct decl_instance *d, char *why, size_t len)
{
	char tmo[32];
	sigset_t none;
	pid_t pid;
	int fd;

	snprintf(tmo, sizeof(tmo), "%u.%03u", h->timeout / 1000,
		 h->timeout % 1000);
	pid = fork();
	if (pid < 0) {
		snprintf(why, len, "fork: %s", strerror(errno));
		return -1;
	}
	if (!pid) {
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		fd = open(h->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd >= 0) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
		}
		fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (fd >= 0)
			dup2(fd, STDIN_FILENO);
		execlp(cd.cohort, cd.cohort, "exec", "--timeout", tmo, name,
		       "--", "/bin/sh", "-c", d->health_command, (char *)NULL);
		dprintf(STDERR_FILENO, "cohortd: cannot run %s: %s\n", cd.cohort,
			strerror(errno));
		_exit(125);
	}
	h->pid = pid;
	return 0;
}

/* Starts a check; true when one that ended at once makes the threshold. */
static bool start(struct cd_health *h, const char *name,
		  const struct decl_instance *d, long long now)
{
	bool command = d->health == DECL_HEALTH_COMMAND;
	char why[256];
	int r;

	h->started = now;
	h->timeout = cd_health_timeout(command, d->health_interval);
	h->deadline = now + h->timeout;
	r = command ? command_start(h, name, d, why, sizeof(why)) :
		      connect_start(h, name, d, why, sizeof(why));
	if (r)
		return record(h, name, d, r > 0, why, now);
	return false;
}

/* A connection in flight is made, refused or out of time. */
static bool connect_end(struct cd_health *h, const char *name,
			const struct decl_instance *d, short revents,
			long long now)
{
	struct sockaddr_storage peer;
	socklen_t elen = sizeof(int), plen = sizeof(peer);
	char why[256];
	bool made;
	int err = 0;

	if (revents) {
		if (getsockopt(h->fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0)
			err = errno;
		made = !err;
		snprintf(why, sizeof(why), "connect: %s", strerror(err));
	} else {
		/* made, but no room to write yet (a vsock peer's credit) */
		made = !getpeername(h->fd, (struct sockaddr *)&peer, &plen);
		snprintf(why, sizeof(why), "no connection within %u ms",
			 h->timeout);
	}
	close(h->fd);
	h->fd = -1;
	return record(h, name, d, made, why, now);
}

/**
 * cd_health_fds() - what the main loop is to wait for
 * @h: the check
 * @p: where to add the connection in flight, if any
 * @n: in: entries used at @p; out: one more when one was added
 * @wake: in/out: the earliest time the loop must look again, ms
 */
void cd_health_fds(const struct cd_health *h, struct pollfd *p, size_t *n,
		   long long *wake)
{
	long long at;

	if (!h->st.since) {
		*wake = 0;	/* to be watched: at once */
		return;
	}
	if (h->fd >= 0) {
		p[(*n)++] = (struct pollfd){ .fd = h->fd, .events = POLLOUT };
		at = h->deadline;
	} else if (h->pid > 0) {
		at = h->deadline + CD_HEALTH_EXEC_SLACK_MS;
	} else {
		at = h->next_at;
	}
	if (at < *wake)
		*wake = at;
}

/**
 * cd_health_run() - look at an instance's check: end, time out, start
 * @h: the check
 * @name: the instance, running
 * @d: its declaration, with a check
 * @p: the main loop's poll results for the health connections
 * @n: their number
 * @now: ms (monotonic)
 *
 * Return: true when threshold checks in a row have now failed
 * (h->last_error says how the last one did).
 */
bool cd_health_run(struct cd_health *h, const char *name,
		   const struct decl_instance *d, const struct pollfd *p,
		   size_t n, long long now)
{
	if (!h->st.since) {
		/* running: watched from now on, counts afresh */
		memset(&h->st, 0, sizeof(h->st));
		h->st.since = now;
		h->next_at = now;
		h->last_error[0] = '\0';
	}
	if (h->fd >= 0) {
		short revents = 0;

		for (size_t i = 0; i < n; i++)
			if (p[i].fd == h->fd)
				revents = p[i].revents;
		if (revents || now >= h->deadline)
			return connect_end(h, name, d, revents, now);
		return false;
	}
	if (h->pid > 0) {
		if (now >= h->deadline + CD_HEALTH_EXEC_SLACK_MS && !h->killed) {
			kill(h->pid, SIGKILL);
			h->killed = true;
		}
		return false;
	}
	if (now < h->next_at)
		return false;
	h->killed = false;
	return start(h, name, d, now);
}

/**
 * cd_health_reap() - a child ended: was it this check's command?
 * @h: the check
 * @name: the instance
 * @d: its declaration
 * @pid: the child
 * @status: its wait status
 * @now: ms (monotonic)
 *
 * Return: -1 when @pid is not this check's; 1 when its failure makes the
 * threshold; 0 otherwise.
 */
int cd_health_reap(struct cd_health *h, const char *name,
		   const struct decl_instance *d, pid_t pid, int status,
		   long long now)
{
	char last[512], why[768];

	if (h->pid <= 0 || pid != h->pid)
		return -1;
	h->pid = 0;
	cd_last_line(h->log, last, sizeof(last));
	cd_health_exec_result(status, last, h->timeout, why, sizeof(why));
	return record(h, name, d, WIFEXITED(status) && !WEXITSTATUS(status),
		      why, now) ? 1 : 0;
}

/**
 * cd_health_json() - the "health" member of an instance's status
 * @h: the check
 * @d: the declaration
 *
 * Return: a new JSON object, or NULL (JSON null) for no check.
 */
struct json_object *cd_health_json(const struct cd_health *h,
				   const struct decl_instance *d)
{
	static const char *const results[] = {
		[CD_HEALTH_NONE] = "none", [CD_HEALTH_OK] = "ok",
		[CD_HEALTH_FAILING] = "failing",
	};
	struct json_object *o;
	char check[64];

	switch (d->health) {
	case DECL_HEALTH_COMMAND:
		snprintf(check, sizeof(check), "command");
		break;
	case DECL_HEALTH_VSOCK:
		snprintf(check, sizeof(check), "vsock-port %u", d->health_port);
		break;
	case DECL_HEALTH_TCP:
		snprintf(check, sizeof(check), "tcp-port %u", d->health_port);
		break;
	default:
		return NULL;
	}
	o = json_object_new_object();
	json_object_object_add(o, "check", json_object_new_string(check));
	json_object_object_add(o, "interval_ms",
			       json_object_new_int64(d->health_interval));
	json_object_object_add(o, "threshold",
			       json_object_new_int64(d->health_threshold));
	json_object_object_add(o, "watching",
			       json_object_new_boolean(h->st.since != 0));
	json_object_object_add(o, "result",
			       json_object_new_string(results[h->st.last]));
	json_object_object_add(o, "failures",
			       json_object_new_int64(h->st.fails));
	json_object_object_add(o, "counting",
			       json_object_new_boolean(h->st.counting));
	json_object_object_add(o, "checks",
			       json_object_new_int64((int64_t)h->st.checks));
	json_object_object_add(o, "last_check",
			       json_object_new_double(h->last_time));
	json_object_object_add(o, "last_error",
			       json_object_new_string(h->last_error));
	return o;
}
