/* SPDX-License-Identifier: GPL-2.0 */
/*
 * AF_VSOCK connections from the primary to the services Cohort's own
 * programs run in an instance (the warm hand-over, cohort exec).  Those
 * services hear only the primary (CID 2: the transport sets a peer's CID
 * from the ring its packets came in on, so another instance cannot pose
 * as it) and only from a privileged port there, which only a process
 * with CAP_NET_BIND_SERVICE can bind: a user of the primary without
 * privileges cannot reach them either.
 */
#ifndef _COHORT_VSOCK_H
#define _COHORT_VSOCK_H

#include <stdbool.h>
#include <sys/socket.h>

#include <linux/vm_sockets.h>

/* The primary's end binds one of these, the first free from the top. */
#define COHORT_VSOCK_PRIV_PORT_MAX	1023
#define COHORT_VSOCK_PRIV_PORT_MIN	512

int cohort_vsock_connect_priv(unsigned int cid, unsigned int port,
			      int timeout_s);
bool cohort_vsock_from_primary(const struct sockaddr_vm *peer,
			       socklen_t len);

#endif /* _COHORT_VSOCK_H */
