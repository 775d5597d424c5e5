// SPDX-License-Identifier: GPL-2.0
/*
 * cohortfs-mmap: poke a file through a MAP_SHARED mapping, for tests of
 * mappings shared between kernels (tests/vm/cohortfs-mmap.sh).  Nothing
 * is ever msync()ed: what another kernel sees is the mapped memory itself.
 *
 *   cohortfs-mmap FILE store OFF TEXT       store TEXT at OFF
 *   cohortfs-mmap FILE show OFF LEN         print LEN bytes at OFF
 *   cohortfs-mmap FILE wait OFF TEXT SEC    until TEXT is at OFF (exit 1
 *                                           after SEC seconds)
 *   cohortfs-mmap FILE add OFF N            add 1 to the 64-bit counter at
 *                                           OFF N times, atomically
 *   cohortfs-mmap FILE hold OFF TEXT SEC    store TEXT, keep the mapping
 *                                           SEC seconds, then check TEXT
 *                                           is still there (exit 1 if not)
 *
 * The file is mapped from offset 0 to OFF + the bytes touched, rounded up
 * to a page; it must be that long already.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static void die(const char *what)
{
	fprintf(stderr, "cohortfs-mmap: %s: %s\n", what, strerror(errno));
	exit(2);
}

static unsigned long long num(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || end == s) {
		fprintf(stderr, "cohortfs-mmap: bad number '%s'\n", s);
		exit(2);
	}
	return v;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	unsigned long long off, n, i;
	size_t len, touch;
	const char *op;
	char *m;
	int fd, ro;

	if (argc < 5) {
		fprintf(stderr, "usage: cohortfs-mmap FILE store|show|wait|add|hold OFF ARG [SEC]\n");
		return 2;
	}
	op = argv[2];
	off = num(argv[3]);
	if (!strcmp(op, "show"))
		touch = num(argv[4]);
	else if (!strcmp(op, "add"))
		touch = 8;
	else
		touch = strlen(argv[4]);
	if ((!strcmp(op, "wait") || !strcmp(op, "hold")) && argc < 6) {
		fprintf(stderr, "cohortfs-mmap: %s needs SEC\n", op);
		return 2;
	}
	if (!strcmp(op, "add") && off % 8) {
		fprintf(stderr, "cohortfs-mmap: counter offset must be 8-aligned\n");
		return 2;
	}
	len = (off + touch + 4095) & ~4095ULL;
	ro = !strcmp(op, "show") || !strcmp(op, "wait");
	fd = open(argv[1], ro ? O_RDONLY : O_RDWR);
	if (fd < 0)
		die(argv[1]);
	m = mmap(NULL, len, PROT_READ | (ro ? 0 : PROT_WRITE), MAP_SHARED, fd,
		 0);
	if (m == MAP_FAILED)
		die("mmap");
	close(fd);
	if (!strcmp(op, "store")) {
		memcpy(m + off, argv[4], touch);
	} else if (!strcmp(op, "show")) {
		fwrite(m + off, 1, touch, stdout);
		putchar('\n');
	} else if (!strcmp(op, "wait")) {
		double until = now() + num(argv[5]);

		/* usleep() is a call: the memory is read again each time */
		while (memcmp(m + off, argv[4], touch)) {
			if (now() > until) {
				fprintf(stderr, "cohortfs-mmap: '%s' did not appear at %llu\n",
					argv[4], off);
				return 1;
			}
			usleep(1000);
		}
	} else if (!strcmp(op, "add")) {
		uint64_t *c = (uint64_t *)(m + off);

		n = num(argv[4]);
		for (i = 0; i < n; i++)
			__atomic_fetch_add(c, 1, __ATOMIC_SEQ_CST);
		printf("%llu\n", (unsigned long long)__atomic_load_n(c, __ATOMIC_SEQ_CST));
	} else if (!strcmp(op, "hold")) {
		memcpy(m + off, argv[4], touch);
		sleep(num(argv[5]));
		if (memcmp(m + off, argv[4], touch)) {
			fprintf(stderr, "cohortfs-mmap: the mapping no longer holds '%s'\n",
				argv[4]);
			return 1;
		}
	} else {
		fprintf(stderr, "cohortfs-mmap: unknown operation '%s'\n", op);
		return 2;
	}
	munmap(m, len);
	return 0;
}
