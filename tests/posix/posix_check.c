// SPDX-License-Identifier: GPL-2.0
/*
 * cohortfs-posix-check DIR: POSIX behaviour checks against any mounted
 * directory (the cohortfs FUSE mount now, the kernel mount later).
 * Prints one TAP line per check and "N passed, M failed"; exits 0 only
 * if all passed.  Works in a fresh subdirectory of DIR, removed after.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE 1
#endif

static int npass, nfail, ntest;
static char base[4096];

#define CHECK(cond) do { if (!(cond)) { \
	fprintf(stderr, "#   %s:%d: %s (errno %d %s)\n", __func__, __LINE__, \
		#cond, errno, strerror(errno)); return 1; } } while (0)

static const char *P(const char *fmt, ...)
{
	static char bufs[4][8192];
	static int k;
	char rel[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rel, sizeof(rel), fmt, ap);
	va_end(ap);
	k = (k + 1) % 4;
	snprintf(bufs[k], sizeof(bufs[k]), "%s/%s", base, rel);
	return bufs[k];
}

static int put(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -1;
}

static int get(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = 0;
	return n;
}

static int t_create_rw(void)
{
	struct stat st;
	char buf[64];

	CHECK(put(P("f"), "hello world") == 0);
	CHECK(stat(P("f"), &st) == 0);
	CHECK(S_ISREG(st.st_mode) && (st.st_mode & 0777) == 0644);
	CHECK(st.st_size == 11 && st.st_nlink == 1);
	CHECK(get(P("f"), buf, sizeof(buf)) == 11 && !strcmp(buf, "hello world"));
	CHECK(open(P("nope"), O_RDONLY) < 0 && errno == ENOENT);
	CHECK(open(P("f"), O_CREAT | O_EXCL | O_WRONLY, 0600) < 0 &&
	      errno == EEXIST);
	return 0;
}

static int t_metadata(void)
{
	struct timespec ts[2] = { { 1000000, 5 }, { 2000000, 7 } };
	struct stat st;

	CHECK(put(P("m"), "x") == 0);
	CHECK(chmod(P("m"), 04751) == 0);
	CHECK(stat(P("m"), &st) == 0 && (st.st_mode & 07777) == 04751);
	if (geteuid() == 0) {
		CHECK(chown(P("m"), 1234, 5678) == 0);
		CHECK(stat(P("m"), &st) == 0 && st.st_uid == 1234 &&
		      st.st_gid == 5678);
	}
	CHECK(utimensat(AT_FDCWD, P("m"), ts, 0) == 0);
	CHECK(stat(P("m"), &st) == 0);
	CHECK(st.st_atim.tv_sec == 1000000 && st.st_atim.tv_nsec == 5);
	CHECK(st.st_mtim.tv_sec == 2000000 && st.st_mtim.tv_nsec == 7);
	return 0;
}

static int t_times_move(void)
{
	struct stat a, b;

	CHECK(mkdir(P("tm"), 0755) == 0);
	CHECK(stat(P("tm"), &a) == 0);
	usleep(20000);
	CHECK(put(P("tm/x"), "1") == 0);
	CHECK(stat(P("tm"), &b) == 0);
	CHECK(b.st_mtim.tv_sec > a.st_mtim.tv_sec ||
	      (b.st_mtim.tv_sec == a.st_mtim.tv_sec &&
	       b.st_mtim.tv_nsec > a.st_mtim.tv_nsec));
	return 0;
}

static int t_symlink(void)
{
	struct stat st;
	char buf[256];
	ssize_t n;

	CHECK(put(P("target"), "T") == 0);
	CHECK(symlink("target", P("sl")) == 0);
	CHECK(lstat(P("sl"), &st) == 0 && S_ISLNK(st.st_mode));
	n = readlink(P("sl"), buf, sizeof(buf));
	CHECK(n == 6 && !memcmp(buf, "target", 6));
	CHECK(stat(P("sl"), &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 1);
	CHECK(symlink("dangling/x", P("dl")) == 0);
	CHECK(stat(P("dl"), &st) < 0 && errno == ENOENT);
	return 0;
}

static int t_hardlink(void)
{
	struct stat a, b;

	CHECK(put(P("h1"), "link") == 0);
	CHECK(link(P("h1"), P("h2")) == 0);
	CHECK(stat(P("h1"), &a) == 0 && stat(P("h2"), &b) == 0);
	CHECK(a.st_ino == b.st_ino && a.st_nlink == 2 && b.st_nlink == 2);
	CHECK(link(P("h1"), P("h2")) < 0 && errno == EEXIST);
	CHECK(unlink(P("h1")) == 0);
	CHECK(stat(P("h2"), &b) == 0 && b.st_nlink == 1);
	CHECK(mkdir(P("hd"), 0755) == 0);
	CHECK(link(P("hd"), P("hd2")) < 0 && errno == EPERM);
	return 0;
}

static int t_rename(void)
{
	struct stat a, st;
	char buf[64];

	CHECK(put(P("r1"), "one") == 0);
	CHECK(put(P("r2"), "two") == 0);
	CHECK(stat(P("r1"), &a) == 0);
	CHECK(rename(P("r1"), P("r2")) == 0);
	CHECK(stat(P("r1"), &st) < 0 && errno == ENOENT);
	CHECK(stat(P("r2"), &st) == 0 && st.st_ino == a.st_ino);
	CHECK(get(P("r2"), buf, sizeof(buf)) == 3 && !strcmp(buf, "one"));
	CHECK(put(P("r3"), "three") == 0);
	CHECK(syscall(SYS_renameat2, AT_FDCWD, P("r3"), AT_FDCWD, P("r2"),
		      RENAME_NOREPLACE) < 0 && errno == EEXIST);
	/* directories */
	CHECK(mkdir(P("rd1"), 0755) == 0 && mkdir(P("rd2"), 0755) == 0);
	CHECK(put(P("rd1/in"), "in") == 0);
	CHECK(rename(P("rd2"), P("rd1")) < 0 &&
	      (errno == ENOTEMPTY || errno == EEXIST));
	CHECK(rename(P("rd1"), P("rd2")) == 0);
	CHECK(get(P("rd2/in"), buf, sizeof(buf)) == 2);
	CHECK(rename(P("rd2"), P("rd2/in/sub")) < 0);
	CHECK(mkdir(P("rd3"), 0755) == 0);
	CHECK(rename(P("rd2"), P("rd3/moved")) == 0);
	CHECK(get(P("rd3/moved/in"), buf, sizeof(buf)) == 2);
	CHECK(rename(P("rd3"), P("rd3/moved/loop")) < 0 && errno == EINVAL);
	CHECK(rename(P("r2"), P("rd3")) < 0 && errno == EISDIR);
	CHECK(rename(P("rd3"), P("r2")) < 0 && errno == ENOTDIR);
	return 0;
}

static int t_rename_atomic(void)
{
	pid_t pid;
	int i, status, missing = 0;
	struct stat st;

	CHECK(put(P("ra"), "target") == 0);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		for (i = 0; i < 300; i++) {
			char n[64];

			snprintf(n, sizeof(n), "ra.%d", i);
			if (put(P("%s", n), "new") || rename(P("%s", n), P("ra")))
				_exit(1);
		}
		_exit(0);
	}
	for (i = 0; i < 3000; i++)
		if (stat(P("ra"), &st) < 0)
			missing++;
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK(missing == 0);
	return 0;
}

static int t_unlink_open(void)
{
	struct stat st;
	char buf[64];
	int fd;

	CHECK(put(P("uo"), "still here") == 0);
	fd = open(P("uo"), O_RDWR);
	CHECK(fd >= 0);
	CHECK(unlink(P("uo")) == 0);
	CHECK(stat(P("uo"), &st) < 0 && errno == ENOENT);
	CHECK(pread(fd, buf, 10, 0) == 10 && !memcmp(buf, "still here", 10));
	CHECK(pwrite(fd, "MORE", 4, 10) == 4);
	CHECK(pread(fd, buf, 14, 0) == 14 && !memcmp(buf + 10, "MORE", 4));
	CHECK(fstat(fd, &st) == 0 && st.st_nlink == 0);
	CHECK(close(fd) == 0);
	return 0;
}

static int t_readdir(void)
{
	int seen[200] = { 0 }, i, dots = 0;
	struct dirent *e;
	DIR *d;

	CHECK(mkdir(P("rdd"), 0755) == 0);
	for (i = 0; i < 200; i++)
		CHECK(put(P("rdd/e%03d", i), "") == 0);
	d = opendir(P("rdd"));
	CHECK(d);
	while ((e = readdir(d))) {
		int k;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) {
			dots++;
			continue;
		}
		CHECK(sscanf(e->d_name, "e%d", &k) == 1 && k >= 0 && k < 200);
		CHECK(e->d_type == DT_REG || e->d_type == DT_UNKNOWN);
		seen[k]++;
		if (k == 100) {
			int j;

			/* churn while reading: odd entries must stay unique */
			for (j = 0; j < 200; j += 2)
				unlink(P("rdd/e%03d", j));
			for (j = 0; j < 50; j++)
				put(P("rdd/new%03d", j), "");
		}
	}
	closedir(d);
	CHECK(dots == 2);
	for (i = 1; i < 200; i += 2)
		CHECK(seen[i] == 1);
	return 0;
}

static int t_readdir_concurrent(void)
{
	int round, status, i;
	pid_t pid;

	CHECK(mkdir(P("rc"), 0755) == 0);
	for (i = 0; i < 40; i++)
		CHECK(put(P("rc/stable%02d", i), "") == 0);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		for (i = 0; i < 400; i++) {
			put(P("rc/tmp%d", i % 17), "");
			if (i % 3 == 0)
				rename(P("rc/tmp%d", i % 17),
				       P("rc/tmpr%d", i % 5));
			unlink(P("rc/tmp%d", (i + 7) % 17));
		}
		_exit(0);
	}
	for (round = 0; round < 30; round++) {
		int seen[40] = { 0 };
		struct dirent *e;
		DIR *d = opendir(P("rc"));

		CHECK(d);
		while ((e = readdir(d))) {
			int k;

			if (sscanf(e->d_name, "stable%d", &k) == 1)
				seen[k]++;
		}
		closedir(d);
		for (i = 0; i < 40; i++)
			CHECK(seen[i] == 1);
	}
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status));
	return 0;
}

static int t_truncate(void)
{
	char buf[9000];
	struct stat st;
	int i, fd;

	memset(buf, 'a', sizeof(buf));
	fd = open(P("tr"), O_RDWR | O_CREAT, 0644);
	CHECK(fd >= 0);
	CHECK(write(fd, buf, 9000) == 9000);
	CHECK(ftruncate(fd, 5000) == 0);
	CHECK(fstat(fd, &st) == 0 && st.st_size == 5000);
	CHECK(truncate(P("tr"), 8000) == 0);
	CHECK(pread(fd, buf, 9000, 0) == 8000);
	for (i = 0; i < 5000; i++)
		CHECK(buf[i] == 'a');
	for (i = 5000; i < 8000; i++)
		CHECK(buf[i] == 0);
	CHECK(ftruncate(fd, 0) == 0);
	CHECK(pread(fd, buf, 10, 0) == 0);
	close(fd);
	CHECK(truncate(P("."), 0) < 0 && errno == EISDIR);
	return 0;
}

static int t_mmap(void)
{
	char buf[8192];
	char *m;
	int fd;

	fd = open(P("mm"), O_RDWR | O_CREAT, 0644);
	CHECK(fd >= 0);
	CHECK(ftruncate(fd, 8192) == 0);
	m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(m != MAP_FAILED);
	memcpy(m + 4000, "mapped-write", 12);
	CHECK(msync(m, 8192, MS_SYNC) == 0);
	CHECK(munmap(m, 8192) == 0);
	close(fd);
	CHECK(get(P("mm"), buf, sizeof(buf)) == 8191);
	CHECK(!memcmp(buf + 4000, "mapped-write", 12));
	fd = open(P("mm"), O_RDONLY);
	m = mmap(NULL, 8192, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(m != MAP_FAILED && !memcmp(m + 4000, "mapped-write", 12));
	munmap(m, 8192);
	close(fd);
	return 0;
}

static int t_bigfile(void)
{
	size_t len = 12 << 20, i;
	char *a = malloc(len), *b = malloc(len);
	int fd;

	CHECK(a && b);
	for (i = 0; i < len; i++)
		a[i] = (char)(i * 131 + (i >> 13));
	fd = open(P("big"), O_RDWR | O_CREAT, 0644);
	CHECK(fd >= 0);
	CHECK(write(fd, a, len) == (ssize_t)len);
	CHECK(pread(fd, b, len, 0) == (ssize_t)len);
	CHECK(!memcmp(a, b, len));
	CHECK(pwrite(fd, "Z", 1, 3 * len) == 1);
	CHECK(pread(fd, b, 10, 3 * len - 5) == 6);
	CHECK(b[0] == 0 && b[5] == 'Z');
	close(fd);
	free(a);
	free(b);
	return 0;
}

static int t_append(void)
{
	char buf[64];
	int fd;

	CHECK(put(P("ap"), "abc") == 0);
	fd = open(P("ap"), O_WRONLY | O_APPEND);
	CHECK(fd >= 0);
	CHECK(write(fd, "def", 3) == 3);
	CHECK(lseek(fd, 0, SEEK_SET) == 0);
	CHECK(write(fd, "ghi", 3) == 3);
	close(fd);
	CHECK(get(P("ap"), buf, sizeof(buf)) == 9 && !strcmp(buf, "abcdefghi"));
	return 0;
}

static int t_dirs(void)
{
	struct stat st, st2;
	char longname[300];

	CHECK(mkdir(P("dd"), 0700) == 0);
	CHECK(stat(P("dd"), &st) == 0 && S_ISDIR(st.st_mode) &&
	      (st.st_mode & 0777) == 0700);
	CHECK(stat(P("."), &st) == 0);
	CHECK(mkdir(P("dd/sub"), 0755) == 0);
	CHECK(stat(P("dd"), &st2) == 0 && st2.st_nlink == 3);
	CHECK(mkdir(P("dd"), 0700) < 0 && errno == EEXIST);
	CHECK(rmdir(P("dd")) < 0 && errno == ENOTEMPTY);
	CHECK(unlink(P("dd/sub")) < 0 && (errno == EISDIR || errno == EPERM));
	CHECK(rmdir(P("dd/sub")) == 0 && rmdir(P("dd")) == 0);
	CHECK(stat(P("dd"), &st) < 0 && errno == ENOENT);
	memset(longname, 'n', sizeof(longname));
	longname[256] = 0;
	CHECK(put(P("%s", longname), "") < 0 && errno == ENAMETOOLONG);
	longname[255] = 0;
	CHECK(put(P("%s", longname), "") == 0);
	CHECK(unlink(P("%s", longname)) == 0);
	if (geteuid() == 0) {
		CHECK(mkfifo(P("fifo"), 0600) == 0);
		CHECK(lstat(P("fifo"), &st) == 0 && S_ISFIFO(st.st_mode));
	}
	return 0;
}

static int t_statfs(void)
{
	struct statvfs v;

	CHECK(statvfs(base, &v) == 0);
	CHECK(v.f_blocks > 0 && v.f_bfree <= v.f_blocks && v.f_namemax >= 255);
	return 0;
}

static void run(const char *name, int (*fn)(void))
{
	int r = fn();

	ntest++;
	if (r) {
		nfail++;
		printf("not ok %d - %s\n", ntest, name);
	} else {
		npass++;
		printf("ok %d - %s\n", ntest, name);
	}
	fflush(stdout);
}

static void rmtree(const char *path)
{
	char cmd[4200];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", path);
	if (system(cmd))
		fprintf(stderr, "# cleanup of %s failed\n", path);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	snprintf(base, sizeof(base), "%s/posix-check.%d", argv[1], getpid());
	if (mkdir(base, 0755) < 0) {
		fprintf(stderr, "%s: %s: %s\n", argv[0], base, strerror(errno));
		return 2;
	}
	printf("1..16\n");
	run("create, write, read", t_create_rw);
	run("chmod, chown, utimensat", t_metadata);
	run("directory mtime on create", t_times_move);
	run("symlinks", t_symlink);
	run("hard links", t_hardlink);
	run("rename, over targets, directories", t_rename);
	run("rename over a target never hides it", t_rename_atomic);
	run("unlink of an open file", t_unlink_open);
	run("readdir while changing", t_readdir);
	run("readdir against a concurrent writer", t_readdir_concurrent);
	run("truncate", t_truncate);
	run("mmap through read/write", t_mmap);
	run("large sparse file", t_bigfile);
	run("O_APPEND", t_append);
	run("mkdir, rmdir, names", t_dirs);
	run("statvfs", t_statfs);
	rmtree(base);
	printf("%d passed, %d failed\n", npass, nfail);
	return nfail ? 1 : 0;
}
