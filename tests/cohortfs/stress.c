// SPDX-License-Identifier: GPL-2.0
/*
 * cohortfs-stress: many processes writing one image through the library,
 * and a verifier of what they acknowledged.
 *
 *   cohortfs-stress setup IMAGE
 *   cohortfs-stress run IMAGE ID OPS JOURNAL [SEED]
 *   cohortfs-stress verify IMAGE JOURNAL...
 *
 * A worker writes "I <op> <args>" to its journal before each operation
 * and "K" after it succeeded, so after a SIGKILL the verifier knows what
 * was acknowledged and which single operation was in flight.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cohortfs/cfs_user.h"

#define NSHARED		4
#define NCOMMON		3
#define REC_LEN		24

static int jfd = -1;

static void jlog(const char *fmt, ...)
{
	char line[600];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (write(jfd, line, n) != n)
		_exit(3);
}

/* Always past the first newline, so a file names its own key. */
static size_t content_len(const char *key)
{
	size_t kl = strlen(key);
	unsigned int h = 0;

	for (; *key; key++)
		h = h * 31 + (unsigned char)*key;
	return kl + 1 + h % 9000;
}

static void content(const char *key, char *buf, size_t len)
{
	size_t kl = strlen(key), i;

	for (i = 0; i < len; i++)
		buf[i] = i % (kl + 1) == kl ? '\n' : key[i % (kl + 1)];
}

static int die(const char *what, int err)
{
	fprintf(stderr, "cohortfs-stress: %s: %s\n", what, cfs_strerror(err));
	return 1;
}

/* Pin a file, as an mmap() in the kernel does: data written in place. */
static int pin(struct cfs_user *u, const char *path)
{
	uint32_t ino, gen;
	int ret = cfs_resolve(u, path, &ino, &gen);

	return ret ? ret : cfs_pin(&u->fs, ino);
}

static int setup(const char *image, bool pinned)
{
	struct cfs_user u;
	char p[64];
	int i, ret;

	ret = cfs_user_open(&u, image, true);
	if (ret)
		return die(image, ret);
	for (i = 0; i < NSHARED; i++) {
		snprintf(p, sizeof(p), "/shared%d", i);
		ret = cfs_path_create(&u, p, CFS_S_IFDIR | 0755, NULL);
		if (ret && ret != -EEXIST)
			return die(p, ret);
	}
	ret = cfs_path_create(&u, "/log", CFS_S_IFREG | 0644, NULL);
	if (ret && ret != -EEXIST)
		return die("/log", ret);
	/* "pinned": appends go in place, after the publish that reserves them */
	if (pinned) {
		ret = pin(&u, "/log");
		if (ret)
			return die("/log: pin", ret);
	}
	cfs_user_close(&u);
	return 0;
}

struct own {
	char path[128];
	char key[64];
	bool dir;
};

static int run(const char *image, int id, long ops, const char *journal,
	       unsigned int seed)
{
	struct own *mine = calloc(ops + 1, sizeof(*mine));
	char *buf = malloc(16384);
	struct cfs_user u;
	long n, nmine = 0, seq = 0;
	int ret;

	jfd = open(journal, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (jfd < 0 || !mine || !buf)
		return die(journal, -errno);
	ret = cfs_user_open(&u, image, true);
	if (ret)
		return die(image, ret);
	srand(seed ? seed : (unsigned int)getpid());
	for (n = 0; n < ops; n++) {
		int op = rand() % 100;
		struct own *o;
		char to[160], key[64];
		long k;

		if (op < 35 || nmine == 0) {
			/* create a file, or now and then a directory */
			o = &mine[nmine];
			snprintf(key, sizeof(key), "w%d-%ld", id, seq++);
			snprintf(o->path, sizeof(o->path), "/shared%d/%s",
				 rand() % NSHARED, key);
			strcpy(o->key, key);
			o->dir = rand() % 8 == 0;
			jlog("I %c %s\n", o->dir ? 'M' : 'C', o->path);
			ret = cfs_path_create(&u, o->path, (o->dir ? CFS_S_IFDIR :
					      CFS_S_IFREG) | 0644, NULL);
			/* a third of the files are pinned: written in place */
			if (!ret && !o->dir && seq % 3 == 0)
				ret = pin(&u, o->path);
			if (!ret && !o->dir) {
				size_t len = content_len(key);
				s64 w;

				content(key, buf, len);
				w = cfs_path_write(&u, o->path, 0, buf, len,
						   false);
				ret = w < 0 ? (int)w : 0;
			}
			if (ret)
				return die(o->path, ret);
			nmine++;
		} else if (op < 60) {
			char rec[REC_LEN + 1];

			snprintf(rec, sizeof(rec), "w%d-a%ld", id, seq++);
			memset(rec + strlen(rec), ' ', REC_LEN - strlen(rec));
			rec[REC_LEN - 1] = '\n';
			jlog("I A %.*s\n", (int)strcspn(rec, " "), rec);
			ret = cfs_path_write(&u, "/log", 0, rec, REC_LEN, true);
			if (ret < 0)
				return die("/log", ret);
		} else if (op < 75) {
			/* move one of ours to another shared directory */
			k = rand() % nmine;
			o = &mine[k];
			snprintf(to, sizeof(to), "/shared%d/%s", rand() % NSHARED,
				 strrchr(o->path, '/') + 1);
			if (!strcmp(to, o->path))
				continue;
			jlog("I R %s %s\n", o->path, to);
			ret = cfs_path_rename(&u, o->path, to, 0);
			if (ret)
				return die(o->path, ret);
			strcpy(o->path, to);
		} else if (op < 85) {
			k = rand() % nmine;
			o = &mine[k];
			jlog("I %c %s\n", o->dir ? 'D' : 'U', o->path);
			ret = o->dir ? cfs_path_rmdir(&u, o->path) :
				       cfs_path_unlink(&u, o->path);
			if (ret)
				return die(o->path, ret);
			mine[k] = mine[--nmine];
		} else {
			/* rename one of our files over a contended name */
			k = rand() % nmine;
			o = &mine[k];
			if (o->dir)
				continue;
			snprintf(to, sizeof(to), "/shared%d/common%d",
				 rand() % NSHARED, rand() % NCOMMON);
			jlog("I O %s %s\n", o->path, to);
			ret = cfs_path_rename(&u, o->path, to, 0);
			if (ret)
				return die(o->path, ret);
			mine[k] = mine[--nmine];
		}
		jlog("K\n");
	}
	cfs_user_close(&u);
	free(mine);
	free(buf);
	return 0;
}

/* ---- verification ---- */

struct ent {
	char path[128];
	char key[64];
	int state;		/* 1 present, 0 absent, -1 unknown */
	bool dir;
};

static struct ent *ents;
static size_t nents, capents;
static char **recs;
static int *recstate;
static size_t nrecs, caprecs;
static int failures;

static struct ent *find(const char *path)
{
	size_t i;

	for (i = nents; i-- > 0; )
		if (!strcmp(ents[i].path, path))
			return &ents[i];
	return NULL;
}

static struct ent *add(const char *path)
{
	struct ent *e = find(path);

	if (e)
		return e;
	if (nents == capents) {
		capents = capents * 2 + 64;
		ents = realloc(ents, capents * sizeof(*ents));
	}
	e = &ents[nents++];
	memset(e, 0, sizeof(*e));
	snprintf(e->path, sizeof(e->path), "%s", path);
	return e;
}

static void fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "verify: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	failures++;
}

static void apply(char op, const char *a, const char *b, int outcome)
{
	struct ent *e, *t;

	switch (op) {
	case 'C':
	case 'M':
		e = add(a);
		snprintf(e->key, sizeof(e->key), "%s", strrchr(a, '/') + 1);
		e->dir = op == 'M';
		e->state = outcome;
		break;
	case 'U':
	case 'D':
		e = add(a);
		e->state = outcome == 1 ? 0 : -1;
		break;
	case 'R':
	case 'O':
		add(a);
		t = add(b);
		e = find(a);
		if (op == 'R') {
			snprintf(t->key, sizeof(t->key), "%s", e->key);
			t->dir = e->dir;
		}
		if (outcome == 1) {
			t->state = op == 'R' ? 1 : 2;
			e->state = 0;
		} else {
			t->state = -1;
			e->state = -1;
		}
		break;
	case 'A':
		if (nrecs == caprecs) {
			caprecs = caprecs * 2 + 64;
			recs = realloc(recs, caprecs * sizeof(*recs));
			recstate = realloc(recstate, caprecs * sizeof(int));
		}
		recs[nrecs] = strdup(a);
		recstate[nrecs++] = outcome;
		break;
	}
}

static void replay(const char *journal)
{
	FILE *f = fopen(journal, "r");
	char line[600], op = 0, a[256] = "", b[256] = "";
	bool pending = false;

	if (!f) {
		fail("%s: %s", journal, strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == 'I') {
			if (pending)
				apply(op, a, b, -1);
			a[0] = b[0] = 0;
			if (sscanf(line, "I %c %255s %255s", &op, a, b) < 2) {
				pending = false;
				continue;
			}
			pending = true;
		} else if (line[0] == 'K' && pending) {
			apply(op, a, b, 1);
			pending = false;
		}
	}
	if (pending)
		apply(op, a, b, -1);
	fclose(f);
}

static void check_file(struct cfs_user *u, struct ent *e, char *buf,
		       char *want)
{
	struct cfs_attr at;
	size_t len = content_len(e->key);
	s64 n;
	int ret;

	ret = cfs_path_stat(u, e->path, &at);
	if (e->state == 0) {
		if (ret != -ENOENT)
			fail("%s exists but was removed (%d)", e->path, ret);
		return;
	}
	if (ret) {
		fail("%s: acknowledged but missing: %s", e->path,
		     cfs_strerror(ret));
		return;
	}
	if (e->dir) {
		if (!CFS_S_ISDIR(at.mode))
			fail("%s: not a directory", e->path);
		return;
	}
	if (e->state == 2) {
		/* a contended name: holds one worker's complete content */
		n = cfs_path_read(u, e->path, 0, buf, 16384);
		if (n <= 0 || memchr(buf, '\n', n) == NULL) {
			fail("%s: bad contended content (%lld bytes, starting %02x %02x %02x %02x)",
			     e->path, (long long)n, n > 0 ? (u8)buf[0] : 0,
			     n > 1 ? (u8)buf[1] : 0, n > 2 ? (u8)buf[2] : 0,
			     n > 3 ? (u8)buf[3] : 0);
			return;
		}
		*(char *)memchr(buf, '\n', n) = 0;
		len = content_len(buf);
		content(buf, want, len);
		n = cfs_path_read(u, e->path, 0, buf, 16384);
		if ((size_t)n != len || memcmp(buf, want, len))
			fail("%s: contended content torn", e->path);
		return;
	}
	n = cfs_path_read(u, e->path, 0, buf, 16384);
	content(e->key, want, len);
	if (n != (s64)len || memcmp(buf, want, len))
		fail("%s: content differs (%lld bytes, want %zu)", e->path,
		     (long long)n, len);
}

static int verify(const char *image, int nj, char **journals)
{
	char *buf = malloc(16384), *want = malloc(16384), *log;
	struct cfs_attr at;
	struct cfs_user u;
	size_t i, j;
	int ret;
	s64 n;

	for (i = 0; i < (size_t)nj; i++)
		replay(journals[i]);
	ret = cfs_user_open(&u, image, false);
	if (ret)
		return die(image, ret);
	for (i = 0; i < nents; i++)
		if (ents[i].state >= 0)
			check_file(&u, &ents[i], buf, want);
	ret = cfs_path_stat(&u, "/log", &at);
	if (ret)
		return die("/log", ret);
	log = malloc(at.size + 1);
	n = cfs_path_read(&u, "/log", 0, log, at.size);
	if (n != (s64)at.size || at.size % REC_LEN)
		fail("/log: size %llu not whole records",
		     (unsigned long long)at.size);
	for (i = 0; i < nrecs; i++) {
		size_t hits = 0, kl = strlen(recs[i]);

		for (j = 0; j + REC_LEN <= (size_t)n; j += REC_LEN)
			if (!memcmp(log + j, recs[i], kl) && log[j + kl] == ' ')
				hits++;
		if (hits > 1 || (recstate[i] == 1 && hits != 1))
			fail("/log: record %s appears %zu times", recs[i], hits);
	}
	cfs_user_close(&u);
	printf("verify: %zu paths, %zu records checked, %d failures\n", nents,
	       nrecs, failures);
	free(log);
	free(buf);
	free(want);
	return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "setup"))
		return setup(argv[2], false);
	if (argc == 4 && !strcmp(argv[1], "setup") &&
	    !strcmp(argv[3], "pinned"))
		return setup(argv[2], true);
	if ((argc == 6 || argc == 7) && !strcmp(argv[1], "run"))
		return run(argv[2], atoi(argv[3]), atol(argv[4]), argv[5],
			   argc == 7 ? atoi(argv[6]) : 0);
	if (argc >= 4 && !strcmp(argv[1], "verify"))
		return verify(argv[2], argc - 3, argv + 3);
	fprintf(stderr, "usage: cohortfs-stress setup IMAGE [pinned]\n"
		"       cohortfs-stress run IMAGE ID OPS JOURNAL [SEED]\n"
		"       cohortfs-stress verify IMAGE JOURNAL...\n");
	return 2;
}
