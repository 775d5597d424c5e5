// SPDX-License-Identifier: GPL-2.0
/*
 * The values of [net]: the instance's network link to the primary
 * ("cohort net add": coh-NAME in the primary, eth0 in the instance), its
 * queue pairs and the addresses it is to have.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cohort/err.h"
#include "cohort/parse.h"
#include "internal.h"

static int set_link(struct decl_ctx *x, const char *v, char *err, size_t n)
{
	return decl_yes_no(v, &x->d->net_link, err, n);
}

static int set_queues(struct decl_ctx *x, const char *v, char *err,
		      size_t n)
{
	return decl_uint(v, "number of queue pairs", NULL, 1,
			 COHORT_NET_MAX_QUEUES, &x->d->net_queues, err, n);
}

/* ADDR/LEN, IPv4 or IPv6, each address once. */
static int set_address(struct decl_ctx *x, const char *v, char *err,
		       size_t n)
{
	struct decl_instance *d = x->d;
	struct decl_address a = { 0 }, *nv;
	const char *slash = strrchr(v, '/');
	char ip[INET6_ADDRSTRLEN + 1], q[96], e[COHORT_ERR_MAX];
	size_t len, i;

	cohort_quote(v, q, sizeof(q));
	if (d->nr_addresses == DECL_MAX_ADDRS) {
		cohort_seterr(err, n, "more than %d addresses", DECL_MAX_ADDRS);
		return -1;
	}
	len = slash ? (size_t)(slash - v) : 0;
	if (!slash || !len || len >= sizeof(ip)) {
		cohort_seterr(err, n,
			      "'%s': want ADDRESS/PREFIX-LENGTH, such as 169.254.1.2/16 or fe80::2/64",
			      q);
		return -1;
	}
	memcpy(ip, v, len);
	ip[len] = '\0';
	a.family = strchr(ip, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(a.family, ip, a.addr) != 1) {
		cohort_seterr(err, n, "'%s': not an %s address", q,
			      a.family == AF_INET6 ? "IPv6" : "IPv4");
		return -1;
	}
	if (decl_uint(slash + 1, "prefix length", NULL, 1,
		      a.family == AF_INET6 ? 128 : 32, &a.prefix, e,
		      sizeof(e))) {
		cohort_seterr(err, n, "'%s': %s", q, e);
		return -1;
	}
	for (i = 0; i < d->nr_addresses; i++) {
		if (d->addresses[i].family == a.family &&
		    !memcmp(d->addresses[i].addr, a.addr, sizeof(a.addr))) {
			cohort_seterr(err, n, "'%s': the address of '%s' already",
				      q, d->addresses[i].text);
			return -1;
		}
	}
	nv = realloc(d->addresses, (d->nr_addresses + 1) * sizeof(*nv));
	if (!nv) {
		cohort_seterr(err, n, "out of memory");
		return -1;
	}
	d->addresses = nv;
	if (decl_strdup(v, &a.text, err, n))
		return -1;
	nv[d->nr_addresses++] = a;
	return 0;
}

#define KEY(nm, k, fl, fn) \
	{ .section = SEC_NET, .name = nm, .key = k, .flags = fl, .set = fn }

/* The keys of [net], in the order docs/config.md lists them. */
const struct decl_keydef decl_keys_net[] = {
	KEY("link", DK_LINK, 0, set_link),
	KEY("queues", DK_QUEUES, 0, set_queues),
	KEY("address", DK_ADDRESS, KEY_REPEAT, set_address),
	{ .name = NULL }
};
