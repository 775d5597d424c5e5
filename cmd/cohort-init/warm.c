// SPDX-License-Identifier: GPL-2.0
/*
 * cohort-init --warm: an instance of a warm pool (cohort warm) waits,
 * booted and idle, until the primary hands it a run spec over AF_VSOCK
 * (lib/run/warm.h has the wire format).  Only the primary, CID 2, is
 * heard: the transport sets a peer's CID from the ring the packet came
 * in on, so another instance cannot pose as it), and from a port below
 * 1024 of it, which only a privileged process there can bind: a user of
 * the primary without privileges cannot hand a workload over (nor pose
 * as an instance to a later run).  A stop request while
 * waiting powers the instance off; no workload ran, so no status is
 * reported.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <linux/vm_sockets.h>
#include <linux/types.h>
#include <uapi/linux/cohort.h>

#include "cohort/fdio.h"
#include "cohort/vsock.h"
#include "init.h"
#include "run/warm.h"

static void answer(int fd, const char *line)
{
	if (cohort_write_all(fd, line, strlen(line)) < 0)
		init_msg("warm: answering the primary: %s", strerror(errno));
}

/*
 * One connection from the primary.  1 with @spec filled when a spec was
 * taken; 0 when the instance is to keep waiting.
 */
static int serve(int fd, struct run_spec *spec)
{
	struct timeval tv = { .tv_sec = RUN_WARM_TIMEOUT_S };
	unsigned char hdr[RUN_WARM_HDR];
	char err[RUN_ERR_MAX], line[RUN_WARM_REPLY_MAX];
	uint32_t len;
	ssize_t n;
	char *buf;
	int ret;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	n = cohort_read_full(fd, hdr, sizeof(hdr));
	if (n != (ssize_t)sizeof(hdr)) {
		init_msg("warm: a hand-over without a header (%s)",
			 n < 0 ? strerror(errno) : "short");
		return 0;
	}
	if (run_warm_parse_header(hdr, &len, err, sizeof(err))) {
		snprintf(line, sizeof(line), "error: %.200s\n", err);
		answer(fd, line);
		return 0;
	}
	if (!len) {
		answer(fd, "ready\n");
		return 0;
	}
	buf = malloc(len);
	if (!buf) {
		answer(fd, "error: out of memory\n");
		return 0;
	}
	n = cohort_read_full(fd, buf, len);
	if (n != (ssize_t)len) {
		init_msg("warm: the spec ended after %zd of %u bytes", n, len);
		free(buf);
		return 0;
	}
	ret = run_spec_from_json(buf, len, spec, err, sizeof(err));
	free(buf);
	if (ret) {
		init_msg("warm: a spec refused: %s", err);
		snprintf(line, sizeof(line), "error: %.200s\n", err);
		answer(fd, line);
		return 0;
	}
	answer(fd, "ok\n");
	return 1;
}

/* A stop request (SIGTERM, SIGUSR2) while idle: power off. */
static void take_signals(int sfd)
{
	struct signalfd_siginfo si;

	while (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGUSR2) {
			init_msg("warm: stopped before any workload came");
			power_off();
		}
	}
}

/**
 * warm_wait() - wait for the primary to hand over a run spec
 * @spec: out: the spec, checked, to free with run_spec_free()
 *
 * Return: 0 with @spec filled; -1 when the instance cannot listen
 * (printed).
 */
int warm_wait(struct run_spec *spec)
{
	struct sockaddr_vm addr = {
		.svm_family = AF_VSOCK,
		.svm_cid = VMADDR_CID_ANY,
		.svm_port = RUN_WARM_PORT,
	};
	struct sigaction sa = { .sa_handler = SIG_DFL };
	struct pollfd p[2];
	sigset_t set;
	int lfd, sfd, fd;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, COHORT_SIGNAL_CARRIER);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	lfd = socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sfd < 0 || lfd < 0 ||
	    bind(lfd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    listen(lfd, 4) < 0) {
		init_msg("warm: cannot listen on vsock port %u: %s",
			 RUN_WARM_PORT, strerror(errno));
		if (lfd >= 0)
			close(lfd);
		if (sfd >= 0)
			close(sfd);
		return -1;
	}
	p[0].fd = lfd;
	p[0].events = POLLIN;
	p[1].fd = sfd;
	p[1].events = POLLIN;
	for (;;) {
		struct sockaddr_vm peer;
		socklen_t plen = sizeof(peer);

		if (poll(p, 2, -1) < 0) {
			if (errno != EINTR)
				sleep(1);
			continue;
		}
		if (p[1].revents)
			take_signals(sfd);
		if (!p[0].revents)
			continue;
		fd = accept4(lfd, (struct sockaddr *)&peer, &plen, SOCK_CLOEXEC);
		if (fd < 0)
			continue;
		if (!cohort_vsock_from_primary(&peer, plen)) {
			close(fd);
			continue;
		}
		if (serve(fd, spec)) {
			close(fd);
			break;
		}
		close(fd);
	}
	close(lfd);
	close(sfd);
	return 0;
}
