// SPDX-License-Identifier: GPL-2.0
/*
 * cohortfs-bench: the cohortfs FUSE mount against tmpfs, measured in the
 * same run.  Prints "BENCH name value unit ratio=R baseline=NAME" lines;
 * ratio = value / value of the tmpfs baseline (higher is better for
 * every figure here).  Needs root (tmpfs and FUSE mounts); the image
 * lives on the tmpfs too, so both sides are memory-backed.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define FILE_MB		128
#define NFILES		4000
#define STAT_PASSES	5
#define READDIR_PASSES	20

struct result {
	const char *name;
	const char *unit;
	double value[2];	/* [0] tmpfs, [1] cohortfs */
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	fprintf(stderr, "cohortfs-bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static double seq_write(const char *dir)
{
	char path[PATH_MAX], *buf = malloc(1 << 20);
	double t;
	int fd, i;

	memset(buf, 0x5a, 1 << 20);
	snprintf(path, sizeof(path), "%s/seq", dir);
	t = now();
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		die(path);
	for (i = 0; i < FILE_MB; i++)
		if (write(fd, buf, 1 << 20) != 1 << 20)
			die("write");
	if (fsync(fd) || close(fd))
		die("close");
	t = now() - t;
	free(buf);
	return FILE_MB / t;
}

static double seq_read(const char *dir)
{
	char path[PATH_MAX], *buf = malloc(1 << 20);
	double t;
	ssize_t n;
	long total = 0;
	int fd;

	snprintf(path, sizeof(path), "%s/seq", dir);
	t = now();
	fd = open(path, O_RDONLY);
	if (fd < 0)
		die(path);
	while ((n = read(fd, buf, 1 << 20)) > 0)
		total += n;
	close(fd);
	t = now() - t;
	free(buf);
	if (total != (long)FILE_MB << 20)
		die("short read");
	return FILE_MB / t;
}

static double create_files(const char *dir)
{
	char path[PATH_MAX];
	double t;
	int i, fd;

	snprintf(path, sizeof(path), "%s/many", dir);
	if (mkdir(path, 0755))
		die(path);
	t = now();
	for (i = 0; i < NFILES; i++) {
		snprintf(path, sizeof(path), "%s/many/file%05d", dir, i);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
		if (fd < 0 || close(fd))
			die(path);
	}
	return NFILES / (now() - t);
}

static double stat_files(const char *dir)
{
	char path[PATH_MAX];
	struct stat st;
	double t;
	int i, p;

	t = now();
	for (p = 0; p < STAT_PASSES; p++)
		for (i = 0; i < NFILES; i++) {
			snprintf(path, sizeof(path), "%s/many/file%05d", dir, i);
			if (stat(path, &st))
				die(path);
		}
	return STAT_PASSES * NFILES / (now() - t);
}

static double readdir_files(const char *dir)
{
	char path[PATH_MAX];
	struct dirent *e;
	long n = 0;
	double t;
	int p;

	snprintf(path, sizeof(path), "%s/many", dir);
	t = now();
	for (p = 0; p < READDIR_PASSES; p++) {
		DIR *d = opendir(path);

		if (!d)
			die(path);
		while ((e = readdir(d)))
			n++;
		closedir(d);
	}
	if (n != (long)READDIR_PASSES * (NFILES + 2))
		die("readdir count");
	return n / (now() - t);
}

static int run(char *const argv[])
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		execv(argv[0], argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int main(int argc, char **argv)
{
	struct result res[] = {
		{ "seq_write", "MB/s", { 0, 0 } },
		{ "seq_read", "MB/s", { 0, 0 } },
		{ "create", "files/s", { 0, 0 } },
		{ "stat", "ops/s", { 0, 0 } },
		{ "readdir", "entries/s", { 0, 0 } },
	};
	char self[PATH_MAX], bindir[2048], top[] = "/tmp/cfsbench.XXXXXX";
	char tmpfs[256], mnt[256], img[512];
	char fuse[PATH_MAX], mkfs[PATH_MAX];
	const char *dirs[2];
	ssize_t n;
	int side;
	size_t i;

	(void)argc;
	(void)argv;
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n < 0)
		die("/proc/self/exe");
	self[n] = 0;
	snprintf(bindir, sizeof(bindir), "%s", dirname(self));
	snprintf(fuse, sizeof(fuse), "%s/cohortfs-fuse", bindir);
	snprintf(mkfs, sizeof(mkfs), "%s/mkfs.cohortfs", bindir);
	if (!mkdtemp(top))
		die("mkdtemp");
	snprintf(tmpfs, sizeof(tmpfs), "%s/tmpfs", top);
	snprintf(mnt, sizeof(mnt), "%s/cohortfs", top);
	if (mkdir(tmpfs, 0755) || mkdir(mnt, 0755))
		die("mkdir");
	if (mount("cfsbench", tmpfs, "tmpfs", 0, "size=2g"))
		die("mount tmpfs (needs root)");
	snprintf(img, sizeof(img), "%s/image", tmpfs);
	{
		char *mk[] = { mkfs, "-q", "-s", "1G", img, NULL };
		char *fu[] = { fuse, img, mnt, NULL };

		if (run(mk) || run(fu)) {
			umount(tmpfs);
			fprintf(stderr, "cohortfs-bench: cannot make or mount the image\n");
			return 1;
		}
	}
	{
		char base[512];

		snprintf(base, sizeof(base), "%s/native", tmpfs);
		if (mkdir(base, 0755))
			die(base);
		dirs[0] = strdup(base);
		dirs[1] = mnt;
	}
	for (side = 0; side < 2; side++) {
		res[0].value[side] = seq_write(dirs[side]);
		res[1].value[side] = seq_read(dirs[side]);
		res[2].value[side] = create_files(dirs[side]);
		res[3].value[side] = stat_files(dirs[side]);
		res[4].value[side] = readdir_files(dirs[side]);
	}
	for (i = 0; i < sizeof(res) / sizeof(res[0]); i++) {
		printf("BENCH tmpfs_%s %.1f %s ratio=1.000 baseline=tmpfs_%s\n",
		       res[i].name, res[i].value[0], res[i].unit, res[i].name);
		printf("BENCH cohortfs_fuse_%s %.1f %s ratio=%.3f baseline=tmpfs_%s\n",
		       res[i].name, res[i].value[1], res[i].unit,
		       res[i].value[1] / res[i].value[0], res[i].name);
	}
	{
		char *um[] = { "/bin/fusermount3", "-u", mnt, NULL };

		run(um);
	}
	sleep(1);
	umount2(tmpfs, MNT_DETACH);
	rmdir(mnt);
	rmdir(tmpfs);
	rmdir(top);
	return 0;
}
