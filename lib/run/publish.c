// SPDX-License-Identifier: GPL-2.0
/*
 * Published ports as a person writes them, "[IP:]HOSTPORT:PORT[/tcp]"
 * (`cohort run -p`, `publish =` of a declared instance): the primary's
 * address and port, and the workload's port.  Only the text is read
 * here; nothing is bound.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "cohort/parse.h"
#include "internal.h"

/* A port, 1-65535, from the @len bytes at @s. */
static int port_arg(const char *s, size_t len, uint16_t *port, char *err,
		    size_t errlen)
{
	char buf[16], e[COHORT_ERR_MAX];
	__u32 v;

	if (!len || len >= sizeof(buf)) {
		cohort_seterr(err, errlen, "a port is missing or too long");
		return -1;
	}
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (cohort_parse_uint(buf, "port", NULL, 1, 65535, &v, e, sizeof(e))) {
		cohort_seterr(err, errlen, "%s", e);
		return -1;
	}
	*port = (uint16_t)v;
	return 0;
}

/**
 * run_publish_parse() - read "[IP:]HOSTPORT:PORT[/tcp]"
 * @arg: the text, shorter than RUN_PUBLISH_ARG_MAX bytes
 * @p: out: the primary's address and port, and the workload's port
 * @err: why @arg is refused, without the argument itself (the caller
 *	says where it comes from: "-p ARG: ...")
 * @errlen: bytes at @err
 *
 * IP is an IPv4 address or an IPv6 one in brackets; without it the port
 * is the primary's on every IPv4 address, as with docker.  Only TCP.
 *
 * Return: 0, or -1.
 */
int run_publish_parse(const char *arg, struct run_publish *p, char *err,
		      size_t errlen)
{
	struct sockaddr_in *v4 = (struct sockaddr_in *)&p->addr;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&p->addr;
	char ip[64], spec[RUN_PUBLISH_ARG_MAX];
	const char *host, *cport, *slash;
	uint16_t hport;
	size_t iplen = 0;

	memset(p, 0, sizeof(*p));
	if (strlen(arg) >= sizeof(spec)) {
		cohort_seterr(err, errlen, "too long");
		return -1;
	}
	snprintf(spec, sizeof(spec), "%s", arg);
	slash = strchr(spec, '/');
	if (slash) {
		if (strcmp(slash, "/tcp")) {
			cohort_seterr(err, errlen, "only TCP ports can be published");
			return -1;
		}
		spec[slash - spec] = '\0';
	}
	if (spec[0] == '[') {
		char *end = strchr(spec, ']');

		if (!end || end[1] != ':') {
			cohort_seterr(err, errlen, "want [IPV6]:HOSTPORT:PORT");
			return -1;
		}
		iplen = (size_t)(end - spec - 1);
		memcpy(ip, spec + 1, iplen < sizeof(ip) ? iplen : 0);
		host = end + 2;
	} else {
		const char *first = strchr(spec, ':');
		const char *last = strrchr(spec, ':');

		if (!first) {
			cohort_seterr(err, errlen,
				      "give the primary's port too: HOSTPORT:%s",
				      spec);
			return -1;
		}
		if (first != last) {
			iplen = (size_t)(first - spec);
			memcpy(ip, spec, iplen < sizeof(ip) ? iplen : 0);
			host = first + 1;
		} else {
			host = spec;
		}
	}
	if (iplen >= sizeof(ip)) {
		cohort_seterr(err, errlen, "the address is too long");
		return -1;
	}
	ip[iplen] = '\0';
	cport = strchr(host, ':');
	if (!cport || strchr(cport + 1, ':')) {
		cohort_seterr(err, errlen, "want [IP:]HOSTPORT:PORT");
		return -1;
	}
	if (port_arg(host, (size_t)(cport - host), &hport, err, errlen) ||
	    port_arg(cport + 1, strlen(cport + 1), &p->cport, err, errlen))
		return -1;
	if (spec[0] == '[') {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons(hport);
		if (inet_pton(AF_INET6, ip, &v6->sin6_addr) != 1) {
			cohort_seterr(err, errlen, "'%s' is not an IPv6 address",
				      ip);
			return -1;
		}
		p->alen = sizeof(*v6);
	} else {
		v4->sin_family = AF_INET;
		v4->sin_port = htons(hport);
		v4->sin_addr.s_addr = htonl(INADDR_ANY);
		if (iplen && inet_pton(AF_INET, ip, &v4->sin_addr) != 1) {
			cohort_seterr(err, errlen,
				      "'%s' is not an IPv4 address (an IPv6 one goes in brackets)",
				      ip);
			return -1;
		}
		p->alen = sizeof(*v4);
	}
	return 0;
}
