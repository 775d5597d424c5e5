// SPDX-License-Identifier: GPL-2.0
/*
 * fsck.cohortfs: check and repair a cohortfs image.
 *
 * Exit status as e2fsck: 0 clean, 1 errors corrected, 4 errors left
 * uncorrected, 8 operational error, 16 usage error.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cohortfs/cfs_user.h"

#define FSCK_OK		0
#define FSCK_FIXED	1
#define FSCK_UNCORRECTED 4
#define FSCK_ERROR	8
#define FSCK_USAGE	16

static const char *prog = "fsck.cohortfs";
static const char *image;
static bool verbose;
static unsigned int nlog;

static void usage(FILE *f)
{
	fprintf(f, "usage: %s [-n | -y | -p | -a] [-f] [-v] IMAGE\n"
		"  -n        check only, change nothing (default)\n"
		"  -y, -p, -a  repair what can be repaired\n"
		"  -f        accepted for compatibility (the check is always full)\n"
		"  -v        report every problem, not only the first 100\n",
		prog);
}

static void logmsg(void *priv, const char *msg, u32 a, u32 b)
{
	(void)priv;
	if (verbose || nlog++ < 100)
		printf("%s: %s (%u, %u)\n", image, msg, a, b);
}

static int live_clients(struct cfs_user *u)
{
	struct cfs_host *h = &u->host;
	int i, n = 0;

	for (i = 0; i < COHORTFS_MAX_CLIENTS; i++) {
		struct cohortfs_client *c = &u->fs.clients[i];
		u64 owner = cfs_ld64(&c->owner);

		if (owner && h->alive(h->priv, owner >> 32,
				      cfs_ld64(&c->host_stamp)))
			n++;
	}
	return n;
}

int main(int argc, char **argv)
{
	struct cfs_check_report r;
	struct cfs_user u;
	bool repair = false, mode_set = false;
	int c, ret, live;

	while ((c = getopt(argc, argv, "nypafvh")) != -1) {
		switch (c) {
		case 'n':
			if (mode_set && repair)
				goto bad;
			mode_set = true;
			break;
		case 'y':
		case 'p':
		case 'a':
			if (mode_set && !repair)
				goto bad;
			mode_set = true;
			repair = true;
			break;
		case 'f':
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			usage(stdout);
			return FSCK_OK;
		default:
			usage(stderr);
			return FSCK_USAGE;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return FSCK_USAGE;
	}
	image = argv[optind];
	ret = cfs_user_open(&u, image, false);
	if (ret == -EUCLEAN || ret == -EOPNOTSUPP) {
		fprintf(stderr, "%s: %s: %s\n", prog, image,
			ret == -EUCLEAN ? "not a valid cohortfs image (bad superblock)" :
			cfs_strerror(ret));
		return FSCK_ERROR;
	}
	if (ret) {
		fprintf(stderr, "%s: %s: %s\n", prog, image, cfs_strerror(ret));
		return FSCK_ERROR;
	}
	live = live_clients(&u);
	cfs_user_close(&u);
	if (live && repair) {
		fprintf(stderr, "%s: %s: in use by %d running client(s); not repairing\n",
			prog, image, live);
		return FSCK_ERROR;
	}
	if (live)
		fprintf(stderr, "%s: %s: warning: in use by %d running client(s)\n",
			prog, image, live);
	{
		void *base;
		uint64_t size;
		int fd;

		ret = cfs_map_image(image, repair, &base, &size, &fd);
		if (ret) {
			fprintf(stderr, "%s: %s: %s\n", prog, image,
				cfs_strerror(ret));
			return FSCK_ERROR;
		}
		ret = cfs_check(base, size, repair ? CFS_CHECK_REPAIR : 0,
				logmsg, NULL, &r);
		if (repair)
			msync(base, size, MS_SYNC);
		cfs_unmap_image(base, size, fd);
	}
	if (ret && ret != -EUCLEAN) {
		fprintf(stderr, "%s: %s: %s\n", prog, image, cfs_strerror(ret));
		return FSCK_ERROR;
	}
	printf("%s: %u files, %u directories, %llu blocks in use; "
	       "%u problem(s) (%u leaked blocks, %u leaked inodes), %u fixed\n",
	       image, r.files, r.dirs, (unsigned long long)r.used_blocks,
	       r.errors, r.leaked_blocks, r.leaked_inodes, r.fixed);
	if (ret == -EUCLEAN || r.fixed < r.errors)
		return FSCK_UNCORRECTED;
	return r.errors ? FSCK_FIXED : FSCK_OK;
bad:
	fprintf(stderr, "%s: -n and -y are exclusive\n", prog);
	usage(stderr);
	return FSCK_USAGE;
}
