/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copying a stream connection both ways between two sockets, for the
 * ports "cohort run -p" publishes: the primary's relay (TCP client to
 * vsock) and cohort-init's (vsock to the workload's TCP port).
 */
#ifndef _COHORT_RELAY_H
#define _COHORT_RELAY_H

int cohort_relay(int a, int b);

#endif /* _COHORT_RELAY_H */
