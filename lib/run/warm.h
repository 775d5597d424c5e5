/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Handing a run spec to a warm instance (`cohort run --warm`, issue 11):
 * the wire format both ends use, defined once.  docs/image.md, "Warm
 * pools", describes it.
 *
 * An instance booted with "cohort.warm" on its command line runs
 * cohort-init --warm, which listens on AF_VSOCK stream port
 * RUN_WARM_PORT and takes connections from the primary (CID 2) only, and
 * only from a privileged port there (lib/cohort/vsock.h).
 * The primary sends a header (RUN_WARM_HDR bytes: the magic "CWRM" and
 * the length of what follows, 32-bit little-endian), then that many
 * bytes of run spec JSON.  A length of 0 asks only whether the instance
 * is ready.  The instance answers with one line and closes:
 *
 *	ready\n        to a length of 0
 *	ok\n           the spec was taken: the workload starts now
 *	error: WHY\n   refused (a bad header or spec); still waiting
 */
#ifndef _COHORT_RUN_WARM_H
#define _COHORT_RUN_WARM_H

#include <stddef.h>
#include <stdint.h>

/* Below 1024: only root in the instance can listen there. */
#define RUN_WARM_PORT		1000
#define RUN_WARM_HDR		8
#define RUN_WARM_MAGIC		"CWRM"
#define RUN_WARM_REPLY_MAX	256	/* bytes of an answer, newline included */
#define RUN_WARM_TIMEOUT_S	10	/* either end gives a stalled peer up */

enum run_warm_reply {
	RUN_WARM_READY,
	RUN_WARM_OK,
	RUN_WARM_ERROR,
};

void run_warm_header(uint32_t len, unsigned char hdr[RUN_WARM_HDR]);
int run_warm_parse_header(const unsigned char hdr[RUN_WARM_HDR],
			  uint32_t *len, char *err, size_t errlen);
int run_warm_parse_reply(const char *buf, size_t len,
			 enum run_warm_reply *reply, char *err,
			 size_t errlen);

#endif /* _COHORT_RUN_WARM_H */
