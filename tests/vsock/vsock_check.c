// SPDX-License-Identifier: GPL-2.0
/*
 * cohort-vsock-check: the AF_VSOCK behaviour socat cannot show, between
 * two kernels (tests/vm/vsock-sockets.sh).
 *
 *	cohort-vsock-check cid			print this kernel's CID
 *	cohort-vsock-check serve PORT		servers, forever:
 *		PORT	 seqpacket: every record echoed back as it came
 *		PORT + 1 stream: reads to EOF, answers "<bytes>\n", closes
 *		PORT + 2 stream, SO_VM_SOCKETS_BUFFER_SIZE 64 KiB: never reads
 *		PORT + 3 stream, backlog 2: never accepts
 *	cohort-vsock-check client CID PORT	checks against those servers
 *
 * The client prints "ok   WHAT" or "FAIL WHAT: why" per check and exits
 * 1 when one failed, 2 on a usage or set-up error.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/vm_sockets.h>

#include "cohort/fdio.h"

#define BUF_SIZE	(64 * 1024)
#define BACKLOG		2

static int failed;

static void report(int good, const char *fmt, ...)
{
	va_list ap;

	fputs(good ? "ok   " : "FAIL ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	if (!good)
		failed = 1;
}

static struct sockaddr_vm addr(unsigned int cid, unsigned int port)
{
	struct sockaddr_vm a;

	memset(&a, 0, sizeof(a));
	a.svm_family = AF_VSOCK;
	a.svm_cid = cid;
	a.svm_port = port;
	return a;
}

static int listener_backlog(int type, unsigned int port,
			    unsigned long long bufsz, int backlog)
{
	struct sockaddr_vm a = addr(VMADDR_CID_ANY, port);
	int fd = socket(AF_VSOCK, type, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) ||
	    (bufsz && setsockopt(fd, AF_VSOCK, SO_VM_SOCKETS_BUFFER_SIZE,
				 &bufsz, sizeof(bufsz))) ||
	    listen(fd, backlog)) {
		fprintf(stderr, "cohort-vsock-check: listen on %u: %s\n", port,
			strerror(errno));
		exit(2);
	}
	return fd;
}

static int listener(int type, unsigned int port, unsigned long long bufsz)
{
	return listener_backlog(type, port, bufsz, 8);
}

static int connect_to(int type, unsigned int cid, unsigned int port)
{
	struct sockaddr_vm a = addr(cid, port);
	int fd = socket(AF_VSOCK, type, 0);

	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

static void serve_seqpacket(int fd)
{
	static char buf[BUF_SIZE * 2];
	ssize_t n;

	while ((n = recv(fd, buf, sizeof(buf), 0)) > 0)
		if (send(fd, buf, (size_t)n, 0) != n)
			break;
}

static void serve_count(int fd)
{
	static char buf[BUF_SIZE];
	unsigned long long total = 0;
	char reply[32];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		total += (unsigned long long)n;
	snprintf(reply, sizeof(reply), "%llu\n", total);
	cohort_write_all(fd, reply, strlen(reply));
}

static void serve_idle(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLRDHUP };

	/* Never read: wait for the peer to go. */
	while (poll(&p, 1, -1) >= 0 && !(p.revents & (POLLRDHUP | POLLHUP)))
		;
}

static void __attribute__((noreturn)) serve(unsigned int port)
{
	int l[3], i;

	l[0] = listener(SOCK_SEQPACKET, port, 0);
	l[1] = listener(SOCK_STREAM, port + 1, 0);
	l[2] = listener(SOCK_STREAM, port + 2, BUF_SIZE);
	/* Never accepted: its queue holds what listen()'s backlog allows. */
	listener_backlog(SOCK_STREAM, port + 3, 0, BACKLOG);
	printf("cohort-vsock-check: serving on %u..%u\n", port, port + 3);
	fflush(stdout);
	for (;;) {
		struct pollfd p[3];

		for (i = 0; i < 3; i++)
			p[i] = (struct pollfd){ .fd = l[i], .events = POLLIN };
		if (poll(p, 3, -1) < 0)
			continue;
		for (i = 0; i < 3; i++) {
			int fd;

			if (!(p[i].revents & POLLIN))
				continue;
			fd = accept(l[i], NULL, NULL);
			if (fd < 0)
				continue;
			if (i == 0)
				serve_seqpacket(fd);
			else if (i == 1)
				serve_count(fd);
			else
				serve_idle(fd);
			close(fd);
		}
	}
}

static void fill(char *p, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (char)(seed * 131 + i * 7 + (i >> 8));
}

static void check_seqpacket(unsigned int cid, unsigned int port)
{
	static const size_t sizes[] = { 1, 7, 1000, 4096, 60000 };
	static char out[BUF_SIZE], in[BUF_SIZE * 2];
	int fd = connect_to(SOCK_SEQPACKET, cid, port);
	size_t i;
	ssize_t n;
	int good = 1;

	if (fd < 0) {
		report(0, "seqpacket: connect to %u:%u: %s", cid, port,
		       strerror(errno));
		return;
	}
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		fill(out, sizes[i], (unsigned int)i);
		if (send(fd, out, sizes[i], 0) != (ssize_t)sizes[i]) {
			report(0, "seqpacket: send %zu bytes: %s", sizes[i],
			       strerror(errno));
			good = 0;
			break;
		}
		n = recv(fd, in, sizeof(in), 0);
		if (n != (ssize_t)sizes[i] || memcmp(in, out, sizes[i])) {
			report(0, "seqpacket: a %zu-byte record came back as %zd bytes%s",
			       sizes[i], n, n == (ssize_t)sizes[i] ? " with other content" : "");
			good = 0;
		}
	}
	if (good)
		report(1, "seqpacket: records of 1..60000 bytes come back whole");
	/* Two records in a row stay two records. */
	fill(out, 300, 9);
	n = send(fd, out, 100, 0) == 100 && send(fd, out + 100, 200, 0) == 200;
	if (n) {
		ssize_t a = recv(fd, in, sizeof(in), 0);
		ssize_t b = recv(fd, in + 100, sizeof(in) - 100, 0);

		report(a == 100 && b == 200 && !memcmp(in, out, 300),
		       "seqpacket: two records sent back to back arrive as two (%zd, %zd)",
		       a, b);
	} else {
		report(0, "seqpacket: sending two records: %s", strerror(errno));
	}
	close(fd);
}

static void check_half_close(unsigned int cid, unsigned int port)
{
	static char buf[BUF_SIZE];
	const unsigned long long total = 300000;
	unsigned long long sent = 0;
	char reply[64];
	ssize_t n;
	size_t got = 0;
	int fd = connect_to(SOCK_STREAM, cid, port);

	if (fd < 0) {
		report(0, "stream: connect to %u:%u: %s", cid, port,
		       strerror(errno));
		return;
	}
	while (sent < total) {
		size_t c = total - sent < sizeof(buf) ? total - sent : sizeof(buf);

		fill(buf, c, (unsigned int)sent);
		if (cohort_write_all(fd, buf, c))
			break;
		sent += c;
	}
	report(!shutdown(fd, SHUT_WR), "stream: shutdown(SHUT_WR) after %llu bytes",
	       sent);
	while (got < sizeof(reply) - 1 &&
	       (n = read(fd, reply + got, sizeof(reply) - 1 - got)) > 0)
		got += (size_t)n;
	reply[got] = 0;
	report(strtoull(reply, NULL, 10) == total,
	       "stream: the peer read %llu bytes to EOF and answered on the half-open connection (\"%.*s\")",
	       total, (int)strcspn(reply, "\n"), reply);
	report(read(fd, buf, 1) == 0, "stream: then EOF from the peer");
	close(fd);
}

static void check_buffer(unsigned int cid, unsigned int port)
{
	static char buf[4096];
	unsigned long long total = 0;
	int fd = connect_to(SOCK_STREAM, cid, port);
	int rounds = 0;
	ssize_t n;

	if (fd < 0) {
		report(0, "buffer: connect to %u:%u: %s", cid, port,
		       strerror(errno));
		return;
	}
	fcntl(fd, F_SETFL, O_NONBLOCK);
	/* Write until the peer's 64 KiB are full; let credit settle. */
	while (rounds < 20) {
		n = write(fd, buf, sizeof(buf));
		if (n > 0) {
			total += (unsigned long long)n;
			rounds = 0;
			continue;
		}
		if (n < 0 && errno != EAGAIN) {
			report(0, "buffer: write: %s", strerror(errno));
			break;
		}
		usleep(50000);
		rounds++;
	}
	report(total >= BUF_SIZE / 2 && total <= BUF_SIZE + sizeof(buf),
	       "buffer: a reader that never reads takes %llu bytes (SO_VM_SOCKETS_BUFFER_SIZE %d)",
	       total, BUF_SIZE);
	/* Close with unread data on the other side: no hang. */
	report(!close(fd), "buffer: close with %llu bytes unread by the peer",
	       total);
}

/*
 * A listener that never accepts: connections beyond its backlog are
 * refused at once, those before it stay queued.
 */
static void check_backlog(unsigned int cid, unsigned int port)
{
	int fds[BACKLOG + 4], n = 0, err = 0, i;

	for (i = 0; i < BACKLOG + 4; i++) {
		fds[i] = connect_to(SOCK_STREAM, cid, port);
		if (fds[i] < 0) {
			err = errno;
			break;
		}
		n++;
	}
	report(n >= BACKLOG && n <= BACKLOG + 1 && err == ECONNREFUSED,
	       "backlog: a listener with backlog %d that never accepts queued %d connections, then refused one (%s)",
	       BACKLOG, n, err ? strerror(err) : "none refused");
	for (i = 0; i < n; i++)
		close(fds[i]);
}

int main(int argc, char **argv)
{
	unsigned int cid;
	int fd;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2 && !strcmp(argv[1], "cid")) {
		fd = open("/dev/vsock", O_RDONLY);
		if (fd < 0 || ioctl(fd, IOCTL_VM_SOCKETS_GET_LOCAL_CID, &cid)) {
			perror("cohort-vsock-check: IOCTL_VM_SOCKETS_GET_LOCAL_CID");
			return 2;
		}
		printf("%u\n", cid);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "serve"))
		serve((unsigned int)strtoul(argv[2], NULL, 0));
	if (argc == 4 && !strcmp(argv[1], "client")) {
		cid = (unsigned int)strtoul(argv[2], NULL, 0);
		check_seqpacket(cid, (unsigned int)strtoul(argv[3], NULL, 0));
		check_half_close(cid, (unsigned int)strtoul(argv[3], NULL, 0) + 1);
		check_buffer(cid, (unsigned int)strtoul(argv[3], NULL, 0) + 2);
		check_backlog(cid, (unsigned int)strtoul(argv[3], NULL, 0) + 3);
		return failed;
	}
	fprintf(stderr, "usage: cohort-vsock-check cid | serve PORT | client CID PORT\n");
	return 2;
}
