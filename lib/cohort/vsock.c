// SPDX-License-Identifier: GPL-2.0
/*
 * AF_VSOCK between the primary's tools and the services in an instance
 * (vsock.h): both ends of the "primary, privileged port" rule.
 */
#include <errno.h>
#include <sys/time.h>
#include <unistd.h>

#include "vsock.h"

/**
 * cohort_vsock_connect_priv() - connect to an instance from a privileged port
 * @cid: the instance's CID
 * @port: the port it listens on
 * @timeout_s: receive and send timeout of the connection, seconds (0: none)
 *
 * Binds the first free port from COHORT_VSOCK_PRIV_PORT_MAX down to
 * COHORT_VSOCK_PRIV_PORT_MIN, then connects.
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
	int fd, ret;

	fd = socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	ret = -EADDRINUSE;
	for (unsigned int p = COHORT_VSOCK_PRIV_PORT_MAX;
	     p >= COHORT_VSOCK_PRIV_PORT_MIN && ret == -EADDRINUSE; p--) {
		struct sockaddr_vm b = {
			.svm_family = AF_VSOCK,
			.svm_cid = VMADDR_CID_ANY,
			.svm_port = p,
		};

		ret = bind(fd, (struct sockaddr *)&b, sizeof(b)) ? -errno : 0;
	}
	if (ret) {
		close(fd);
		return ret == -EACCES ? -EPERM : ret;
	}
	if (timeout_s > 0) {
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	}
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		ret = -errno;
		close(fd);
		return ret;
	}
	return fd;
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
