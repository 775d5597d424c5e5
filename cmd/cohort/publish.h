/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cohort(8): "cohort run -p": a TCP port of the primary relayed to a
 * port of the instance's workload over vsock (publish.c).
 */
#ifndef _COHORT_PUBLISH_H
#define _COHORT_PUBLISH_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "cohort.h"

struct publish {
	const char *arg;		/* as given */
	struct sockaddr_storage addr;	/* the primary's address and port */
	socklen_t alen;
	uint16_t cport;			/* the workload's port */
	int fd;				/* listening, or -1 */
};

int publish_parse(struct cli *c, const char *arg, struct publish *p);
int publish_listen(struct cli *c, struct publish *v, size_t n);
void publish_spawn(struct cli *c, const char *name, struct publish *v,
		   size_t n);
void publish_close(struct publish *v, size_t n);

#endif /* _COHORT_PUBLISH_H */
