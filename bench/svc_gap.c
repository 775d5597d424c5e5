// SPDX-License-Identifier: GPL-2.0
/*
 * cohort-svc-gap: a client that asks a service over and over, each time
 * on a new connection, and says how long it went without an answer
 * (bench/vm/update.sh: the service gap of a live update or a takeover).
 *
 *	cohort-svc-gap vsock CID PORT SECONDS
 *	cohort-svc-gap tcp ADDR PORT SECONDS
 *		for SECONDS: connect, send "?" and a newline, read the
 *		answer up to its first newline (or EOF), close; an answer is
 *		at least one byte.  A server that answers without reading
 *		(socat's SYSTEM:'echo ...') and an echo server
 *		(cohort-sock-rr server) both do.  Prints
 *		"gap_ms G answered A failed F mean_ms M first TEXT last TEXT"
 *		where G is the longest time between two answers (and from
 *		the start to the first, the last to the end), F the tries that got no answer
 *		(refused, reset, timed out after 1 s), M the time per
 *		answer over the whole run (what one try costs), TEXT the first line
 *		of the first and the last answer; then, after failures,
 *		"why ERRNAME:N,..." (EOF: closed without an answer).
 *
 * Exit status 2 on a usage error, 1 when no answer came at all.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <linux/vm_sockets.h>

#define PROG	"cohort-svc-gap"
#define LINE	128

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int parse_u32(const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	errno = 0;
	*v = strtoul(s, &end, 10);
	return errno || end == s || *end || *v > max ? -1 : 0;
}

/* Why tries failed: errno values (0: closed without a word), counted. */
#define KINDS	8
static struct {
	int err;
	unsigned long n;
} why[KINDS];

static void count_failure(int err)
{
	int i;

	for (i = 0; i < KINDS && why[i].n && why[i].err != err; i++)
		;
	if (i < KINDS) {
		why[i].err = err;
		why[i].n++;
	}
}

/* One try: the first line of the answer in @line; -1 without one. */
static int ask(const struct sockaddr *sa, socklen_t len, char *line)
{
	struct timeval tv = { .tv_sec = 1 };
	char buf[LINE];
	size_t got = 0;
	ssize_t n;
	int fd;

	fd = socket(sa->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (sa->sa_family == AF_VSOCK)
		setsockopt(fd, AF_VSOCK, SO_VM_SOCKETS_CONNECT_TIMEOUT, &tv,
			   sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, sa, len)) {
		count_failure(errno);
		close(fd);
		return -1;
	}
	/* An answer that came without reading it may make this fail. */
	n = write(fd, "?\n", 2);
	while ((n = read(fd, buf + got, sizeof(buf) - 1 - got)) > 0) {
		got += (size_t)n;
		if (got == sizeof(buf) - 1 || memchr(buf, '\n', got))
			break;
	}
	if (!got)
		count_failure(n < 0 ? errno : 0);
	close(fd);
	if (!got)
		return -1;
	buf[got] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	snprintf(line, LINE, "%s", buf);
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_storage ss = { 0 };
	char first[LINE] = "-", last[LINE] = "-", line[LINE];
	unsigned long port, secs, answered = 0, failed = 0;
	double start, end, prev, t, gap = 0;
	socklen_t len;

	if (argc != 5 || parse_u32(argv[3], 0xffffffffUL, &port) ||
	    parse_u32(argv[4], 3600, &secs) || !secs) {
		fprintf(stderr, "usage: " PROG " vsock CID PORT SECONDS | tcp ADDR PORT SECONDS\n");
		return 2;
	}
	if (!strcmp(argv[1], "vsock")) {
		struct sockaddr_vm *vm = (struct sockaddr_vm *)&ss;
		unsigned long cid;

		if (parse_u32(argv[2], 0xffffffffUL, &cid)) {
			fprintf(stderr, PROG ": '%s': not a CID\n", argv[2]);
			return 2;
		}
		vm->svm_family = AF_VSOCK;
		vm->svm_cid = cid;
		vm->svm_port = port;
		len = sizeof(*vm);
	} else if (!strcmp(argv[1], "tcp") && port <= 65535) {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;

		if (inet_pton(AF_INET, argv[2], &in->sin_addr) != 1) {
			fprintf(stderr, PROG ": '%s': not an IPv4 address\n", argv[2]);
			return 2;
		}
		in->sin_family = AF_INET;
		in->sin_port = htons(port);
		len = sizeof(*in);
	} else {
		fprintf(stderr, PROG ": want vsock or tcp (port 0-65535)\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	start = prev = now_ms();
	end = start + secs * 1e3;
	while ((t = now_ms()) < end) {
		if (ask((struct sockaddr *)&ss, len, line)) {
			failed++;
			continue;
		}
		t = now_ms();
		if (t - prev > gap)
			gap = t - prev;
		prev = t;
		if (!answered++)
			snprintf(first, sizeof(first), "%s", line);
		snprintf(last, sizeof(last), "%s", line);
	}
	/* An answer that never came back counts to the end. */
	if (end - prev > gap)
		gap = end - prev;
	printf("gap_ms %.1f answered %lu failed %lu mean_ms %.1f first %s last %s",
	       gap, answered, failed, answered ? (end - start) / answered : 0.0,
	       first, last);
	for (int i = 0; i < KINDS && why[i].n; i++)
		printf("%s%s:%lu", i ? "," : " why ",
		       why[i].err ? strerrorname_np(why[i].err) : "EOF",
		       why[i].n);
	printf("\n");
	return answered ? 0 : 1;
}
