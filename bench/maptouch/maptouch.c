// SPDX-License-Identifier: GPL-2.0
/*
 * cohort-maptouch: how much memory this kernel spends to map a file.
 *
 * Reads MemFree, maps FILE read-only and shared, touches every page,
 * reads MemFree again, and prints "MAPCOST_KB <kib>" (what mapping the
 * file cost this kernel).  The mapping is dropped on exit.
 *
 * usage: cohort-maptouch FILE
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static long avail_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemFree: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

int main(int argc, char **argv)
{
	volatile unsigned char sum = 0;
	long before, after, page = sysconf(_SC_PAGESIZE);
	struct stat st;
	unsigned char *p;
	off_t off;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: cohort-maptouch FILE\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY);
	if (fd < 0 || fstat(fd, &st) || !st.st_size) {
		perror(argv[1]);
		return 1;
	}
	sync();
	before = avail_kb();
	p = mmap(NULL, st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	for (off = 0; off < st.st_size; off += page)
		sum += p[off];
	after = avail_kb();
	printf("MAPCOST_KB %ld\n", before - after);
	munmap(p, st.st_size);
	close(fd);
	return sum == 0xff ? 0 : 0;
}
