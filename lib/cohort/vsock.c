// SPDX-License-Identifier: GPL-2.0
/*
 * AF_VSOCK between the primary's tools and the services in an instance
 * (vsock.h): both ends of the "primary, privileged port" rule.
 */
#include <errno.h>
#include <sys/random.h>
#include <sys/time.h>
#include <unistd.h>

#include "vsock.h"

/* Bind @fd to a free privileged port, trying them from @start on. */
static int bind_priv(int fd, unsigned int start)
{
	const unsigned int n = COHORT_VSOCK_PRIV_PORT_MAX -
			       COHORT_VSOCK_PRIV_PORT_MIN + 1;
	int ret = -EADDRINUSE;

	for (unsigned int i = 0; i < n && ret == -EADDRINUSE; i++) {
		struct sockaddr_vm b = {
			.svm_family = AF_VSOCK,
			.svm_cid = VMADDR_CID_ANY,
			.svm_port = COHORT_VSOCK_PRIV_PORT_MIN + (start + i) % n,
		};

		ret = bind(fd, (struct sockaddr *)&b, sizeof(b)) ? -errno : 0;
	}
	return ret == -EACCES ? -EPERM : ret;
}

/**
 * cohort_vsock_connect_priv() - connect to an instance from a privileged port
 * @cid: the instance's CID
 * @port: the port it listens on
 * @timeout_s: receive and send timeout of the connection, seconds (0: none)
 *
 * Binds a free port between COHORT_VSOCK_PRIV_PORT_MIN and
 * COHORT_VSOCK_PRIV_PORT_MAX, from a random one on, then connects.
 * vsock has no TIME_WAIT: the instance may still hold the end of an
 * earlier connection from the same port, and answers the new one with a
 * reset (which a connect reports as refused); so a refused or reset
 * connect is tried again from other ports, a few times.
 *
 * Return: the connected socket, or a negative errno: -EPERM when this
 * process may not bind a privileged port, -EADDRINUSE when none was
 * free, what connect() said otherwise (-ECONNREFUSED: nothing listens).
 */
int cohort_vsock_connect_priv(unsigned int cid, unsigned int port,
			      int timeout_s)
{
	struct timeval tv = { .tv_sec = timeout_s };
	struct sockaddr_vm a = {
		.svm_family = AF_VSOCK,
		.svm_cid = cid,
		.svm_port = port,
	};
	unsigned int start, tries = 0;
	int fd, ret;

	if (getrandom(&start, sizeof(start), 0) != sizeof(start))
		start = (unsigned int)getpid();
	do {
		fd = socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return -errno;
		ret = bind_priv(fd, start + tries * 97);
		if (ret) {
			close(fd);
			return ret;
		}
		if (timeout_s > 0) {
			setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
			setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		}
		if (!connect(fd, (struct sockaddr *)&a, sizeof(a)))
			return fd;
		ret = -errno;
		close(fd);
	} while ((ret == -ECONNRESET || ret == -ECONNREFUSED) && ++tries < 4);
	return ret;
}

/**
 * cohort_vsock_from_primary() - may this peer use a service of ours?
 * @peer: what accept() returned
 * @len: its length
 *
 * Return: true for the primary (CID 2) from a port up to
 * COHORT_VSOCK_PRIV_PORT_MAX.
 */
bool cohort_vsock_from_primary(const struct sockaddr_vm *peer, socklen_t len)
{
	return len >= sizeof(*peer) && peer->svm_family == AF_VSOCK &&
	       peer->svm_cid == VMADDR_CID_HOST &&
	       peer->svm_port <= COHORT_VSOCK_PRIV_PORT_MAX;
}
