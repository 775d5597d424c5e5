// SPDX-License-Identifier: GPL-2.0
/*
 * The values of [health]: how cohortd is to tell that a running instance
 * still works (a command run in it, or a vsock or TCP port that accepts a
 * connection), how often, and after how many failures in a row it is
 * taken as failed.  Which of them may be given together is check.c's.
 */
#include <string.h>

#include "internal.h"

/* Bounds of the settings. */
#define INTERVAL_MIN		10		/* milliseconds */
#define INTERVAL_MAX		3600000		/* an hour */
#define THRESHOLD_MAX		1000
#define VSOCK_PORT_MAX		0xfffffffeU	/* -1U is VMADDR_PORT_ANY */

static int set_command(struct decl_ctx *x, const char *v, char *err,
		       size_t n)
{
	return decl_strdup(v, &x->d->health_command, err, n);
}

static int set_vsock_port(struct decl_ctx *x, const char *v, char *err,
			  size_t n)
{
	return decl_uint(v, "vsock port", NULL, 1, VSOCK_PORT_MAX,
			 &x->d->health_port, err, n);
}

static int set_tcp_port(struct decl_ctx *x, const char *v, char *err,
			size_t n)
{
	return decl_uint(v, "TCP port", NULL, 1, 65535, &x->d->health_port,
			 err, n);
}

static int set_interval(struct decl_ctx *x, const char *v, char *err,
			size_t n)
{
	return decl_uint(v, "interval", "milliseconds", INTERVAL_MIN,
			 INTERVAL_MAX, &x->d->health_interval, err, n);
}

static int set_threshold(struct decl_ctx *x, const char *v, char *err,
			 size_t n)
{
	return decl_uint(v, "threshold", "failed checks", 1, THRESHOLD_MAX,
			 &x->d->health_threshold, err, n);
}

#define KEY(nm, k, fn) \
	{ .section = SEC_HEALTH, .name = nm, .key = k, .flags = 0, .set = fn }

/* The keys of [health], in the order docs/config.md lists them. */
const struct decl_keydef decl_keys_health[] = {
	KEY("command", DK_HEALTH_COMMAND, set_command),
	KEY("vsock-port", DK_VSOCK_PORT, set_vsock_port),
	KEY("tcp-port", DK_TCP_PORT, set_tcp_port),
	KEY("interval", DK_INTERVAL, set_interval),
	KEY("threshold", DK_THRESHOLD, set_threshold),
	{ .name = NULL }
};
