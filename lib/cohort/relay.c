// SPDX-License-Identifier: GPL-2.0
/*
 * Both directions of a relayed connection (relay.h).  Each direction has
 * its own buffer; the end of one direction (EOF read) is passed on as a
 * shutdown(SHUT_WR) of the other socket, so a half-closed connection
 * stays half-closed, as through a TCP proxy.  The relay ends when both
 * directions have ended, or at the first error (the connection is then
 * reset, as a peer that vanished would reset it).
 */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <unistd.h>

#include "relay.h"

#define RELAY_BUF	(64 * 1024)

struct dir {
	int from, to;
	char buf[RELAY_BUF];
	size_t have, off;	/* bytes read and not yet written: [off, have) */
	bool eof;		/* read the end; shut "to" down once written */
	bool done;
};

/* One step of @d; 0, or -1 after an error. */
static int step(struct dir *d, short rev_from, short rev_to)
{
	ssize_t n;

	if (d->have == 0 && !d->eof && (rev_from & (POLLIN | POLLHUP | POLLERR))) {
		n = read(d->from, d->buf, sizeof(d->buf));
		if (n < 0 && errno != EINTR && errno != EAGAIN)
			return -1;
		if (n == 0)
			d->eof = true;
		if (n > 0) {
			d->have = (size_t)n;
			d->off = 0;
		}
	}
	if (d->have > d->off && (rev_to & (POLLOUT | POLLERR | POLLHUP))) {
		/* a peer gone is an error, not a SIGPIPE */
		n = send(d->to, d->buf + d->off, d->have - d->off,
			 MSG_NOSIGNAL);
		if (n < 0 && errno != EINTR && errno != EAGAIN)
			return -1;
		if (n > 0)
			d->off += (size_t)n;
		if (d->off == d->have)
			d->have = d->off = 0;
	}
	if (d->eof && !d->have && !d->done) {
		shutdown(d->to, SHUT_WR);
		d->done = true;
	}
	return 0;
}

/**
 * cohort_relay() - copy between two connected stream sockets until both
 *                  directions end
 * @a: one socket
 * @b: the other
 *
 * Neither socket is closed.
 *
 * Return: 0 when both directions ended cleanly, -1 after an error (errno
 * set).
 */
int cohort_relay(int a, int b)
{
	static struct dir d[2];	/* one relay per process */
	struct pollfd p[2];
	int i;

	d[0] = (struct dir){ .from = a, .to = b };
	d[1] = (struct dir){ .from = b, .to = a };
	while (!d[0].done || !d[1].done) {
		p[0] = (struct pollfd){ .fd = a };
		p[1] = (struct pollfd){ .fd = b };
		for (i = 0; i < 2; i++) {
			struct pollfd *pf = &p[i], *pt = &p[1 - i];

			if (!d[i].have && !d[i].eof)
				pf->events |= POLLIN;
			if (d[i].have)
				pt->events |= POLLOUT;
		}
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		for (i = 0; i < 2; i++) {
			if (step(&d[i], p[i].revents, p[1 - i].revents))
				return -1;
		}
	}
	return 0;
}
