// SPDX-License-Identifier: GPL-2.0
/*
 * cohort-maptouch: how much memory this kernel spends to map a file.
 *
 * Reads MemFree, maps FILE shared (read-only, or with -w writable, storing
 * into every page), touches every page, reads MemFree again, and prints
 * "MAPCOST_KB <kib>" (what mapping the file cost this kernel).  The
 * mapping is dropped on exit.
 *
 * usage: cohort-maptouch [-w] FILE
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
	int w = argc == 3 && !strcmp(argv[1], "-w");
	const char *file = argv[argc - 1];
	struct stat st;
	unsigned char *p;
	off_t off;
	int fd;

	if (argc != 2 + w) {
		fprintf(stderr, "usage: cohort-maptouch [-w] FILE\n");
		return 2;
	}
	fd = open(file, w ? O_RDWR : O_RDONLY);
	if (fd < 0 || fstat(fd, &st) || !st.st_size) {
		perror(file);
		return 1;
	}
	sync();
	before = avail_kb();
	p = mmap(NULL, st.st_size, PROT_READ | (w ? PROT_WRITE : 0), MAP_SHARED,
		 fd, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	for (off = 0; off < st.st_size; off += page) {
		sum += p[off];
		if (w)
			p[off] = (unsigned char)(off >> 12);
	}
	after = avail_kb();
	printf("MAPCOST_KB %ld\n", before - after);
	munmap(p, st.st_size);
	close(fd);
	return sum == 0xff ? 0 : 0;
}
