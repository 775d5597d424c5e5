// SPDX-License-Identifier: GPL-2.0
/*
 * cohort-sock-rr: request/response round trips over one persistent
 * stream connection, AF_VSOCK between kernels or TCP (bench/vm/vsock.sh).
 *
 *	cohort-sock-rr server vsock|tcp PORT
 *		echo server, one connection at a time, every byte sent back
 *		until EOF; TCP listens on 127.0.0.1 only; silent unless
 *		something fails
 *	cohort-sock-rr client vsock CID PORT N SIZE
 *	cohort-sock-rr client tcp ADDR PORT N SIZE
 *		connects once, then N times writes SIZE bytes and reads the
 *		same SIZE bytes back; prints
 *		"rr n N size SIZE mean_us MEAN median_us MEDIAN"
 *
 * TCP sockets have TCP_NODELAY at both ends.  Exit status 2 on a usage
 * error, 1 when a socket call fails or the echo is short or wrong.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <linux/vm_sockets.h>

#include "cohort/fdio.h"

#define PROG		"cohort-sock-rr"
#define MAX_SIZE	(1U << 20)
#define MAX_ROUNDS	10000000UL
#define ECHO_BUF	(64 * 1024)

enum family { FAM_VSOCK, FAM_TCP };

union sock_addr {
	struct sockaddr sa;
	struct sockaddr_in in;
	struct sockaddr_vm vm;
};

static void __attribute__((noreturn)) usage(const char *why)
{
	if (why)
		fprintf(stderr, PROG ": %s\n", why);
	fprintf(stderr,
		"usage: " PROG " server vsock|tcp PORT\n"
		"       " PROG " client vsock CID PORT N SIZE\n"
		"       " PROG " client tcp ADDR PORT N SIZE\n");
	exit(2);
}

/* A whole decimal number in [lo, hi], or a usage error naming WHAT. */
static unsigned long number(const char *s, const char *what,
			    unsigned long lo, unsigned long hi)
{
	char msg[128];
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (*s < '0' || *s > '9' || *end || errno || v < lo || v > hi) {
		snprintf(msg, sizeof(msg), "%s: \"%s\" is not a number from %lu to %lu",
			 what, s, lo, hi);
		usage(msg);
	}
	return v;
}

static enum family family(const char *s)
{
	if (!strcmp(s, "vsock"))
		return FAM_VSOCK;
	if (!strcmp(s, "tcp"))
		return FAM_TCP;
	usage("the family is vsock or tcp");
}

static socklen_t make_addr(union sock_addr *a, enum family fam,
			   const char *host, unsigned long port)
{
	memset(a, 0, sizeof(*a));
	if (fam == FAM_VSOCK) {
		a->vm.svm_family = AF_VSOCK;
		a->vm.svm_cid = host ? (unsigned int)number(host, "CID", 0, UINT_MAX)
				     : VMADDR_CID_ANY;
		a->vm.svm_port = (unsigned int)port;
		return sizeof(a->vm);
	}
	a->in.sin_family = AF_INET;
	a->in.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host ? host : "127.0.0.1", &a->in.sin_addr) != 1)
		usage("ADDR is an IPv4 address such as 127.0.0.1");
	return sizeof(a->in);
}

static void nodelay(int fd, enum family fam)
{
	int one = 1;

	if (fam == FAM_TCP &&
	    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)))
		fprintf(stderr, PROG ": TCP_NODELAY: %s\n", strerror(errno));
}

static void echo(int fd)
{
	static unsigned char buf[ECHO_BUF];
	ssize_t n;

	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || cohort_write_all(fd, buf, (size_t)n))
			break;
	}
}

static void __attribute__((noreturn)) server(enum family fam, unsigned long port)
{
	union sock_addr a;
	socklen_t len = make_addr(&a, fam, NULL, port);
	int one = 1, l, fd;

	l = socket(a.sa.sa_family, SOCK_STREAM, 0);
	if (l < 0 ||
	    (fam == FAM_TCP &&
	     setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one))) ||
	    bind(l, &a.sa, len) || listen(l, 8)) {
		fprintf(stderr, PROG ": listen on port %lu: %s\n", port,
			strerror(errno));
		exit(1);
	}
	for (;;) {
		fd = accept(l, NULL, NULL);
		if (fd < 0) {
			if (errno != EINTR && errno != ECONNABORTED)
				fprintf(stderr, PROG ": accept: %s\n",
					strerror(errno));
			continue;
		}
		nodelay(fd, fam);
		echo(fd);
		close(fd);
	}
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* N round trips on FD; the "rr" line, or 1 when one went wrong. */
static int round_trips(int fd, unsigned long rounds, size_t size,
		       unsigned char *out, unsigned char *in, uint64_t *ns)
{
	uint64_t sum = 0, t0;
	double median;
	unsigned long r;
	ssize_t got;
	size_t i;

	for (r = 0; r < rounds; r++) {
		/* Different bytes each round: a stale echo does not pass. */
		for (i = 0; i < size; i++)
			out[i] = (unsigned char)(r * 131 + i * 7 + (i >> 8));
		t0 = now_ns();
		if (cohort_write_all(fd, out, size)) {
			fprintf(stderr, PROG ": round %lu: write: %s\n", r,
				strerror(errno));
			return 1;
		}
		got = cohort_read_full(fd, in, size);
		ns[r] = now_ns() - t0;
		if (got < 0) {
			fprintf(stderr, PROG ": round %lu: read: %s\n", r,
				strerror(errno));
			return 1;
		}
		if ((size_t)got < size) {
			fprintf(stderr, PROG ": round %lu: connection closed after %zd of %zu bytes\n",
				r, got, size);
			return 1;
		}
		if (memcmp(in, out, size)) {
			fprintf(stderr, PROG ": round %lu: the echo differs from what was sent\n",
				r);
			return 1;
		}
		sum += ns[r];
	}
	qsort(ns, rounds, sizeof(*ns), cmp_u64);
	median = rounds % 2 ? (double)ns[rounds / 2]
			    : ((double)ns[rounds / 2 - 1] + (double)ns[rounds / 2]) / 2;
	printf("rr n %lu size %zu mean_us %.1f median_us %.1f\n", rounds, size,
	       (double)sum / (double)rounds / 1000, median / 1000);
	return 0;
}

static int client(enum family fam, const char *host, unsigned long port,
		  unsigned long rounds, size_t size)
{
	union sock_addr a;
	socklen_t len = make_addr(&a, fam, host, port);
	unsigned char *out = malloc(size), *in = malloc(size);
	uint64_t *ns = calloc(rounds, sizeof(*ns));
	int fd = -1, rc = 1;

	if (!out || !in || !ns) {
		fprintf(stderr, PROG ": out of memory\n");
		goto out;
	}
	fd = socket(a.sa.sa_family, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, &a.sa, len)) {
		fprintf(stderr, PROG ": connect to %s:%lu: %s\n", host, port,
			strerror(errno));
		goto out;
	}
	nodelay(fd, fam);
	rc = round_trips(fd, rounds, size, out, in, ns);
out:
	if (fd >= 0)
		close(fd);
	free(ns);
	free(in);
	free(out);
	return rc;
}

int main(int argc, char **argv)
{
	enum family fam;

	/* A client that goes away must not take the server with it. */
	signal(SIGPIPE, SIG_IGN);
	if (argc == 4 && !strcmp(argv[1], "server")) {
		fam = family(argv[2]);
		server(fam, number(argv[3], "PORT", 1,
				   fam == FAM_TCP ? 65535 : UINT_MAX - 1));
	}
	if (argc == 7 && !strcmp(argv[1], "client")) {
		fam = family(argv[2]);
		return client(fam, argv[3],
			      number(argv[4], "PORT", 1,
				     fam == FAM_TCP ? 65535 : UINT_MAX - 1),
			      number(argv[5], "N", 1, MAX_ROUNDS),
			      number(argv[6], "SIZE", 1, MAX_SIZE));
	}
	usage(NULL);
}
