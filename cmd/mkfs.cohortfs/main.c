// SPDX-License-Identifier: GPL-2.0
/*
 * mkfs.cohortfs: create a cohortfs image, empty or from a directory tree.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "cohortfs/cfs_user.h"

static const char *prog = "mkfs.cohortfs";

struct hardlink {
	dev_t dev;
	ino_t ino;
	u32 cino;
};

struct pop {
	struct cfs_fs *fs;
	struct hardlink *links;
	size_t nlinks, caplinks;
	char *buf;
};

static void usage(FILE *f)
{
	fprintf(f, "usage: %s [-s SIZE] [-N INODES] [-L LABEL] [-d DIR] [-q] IMAGE\n"
		"  -s SIZE    image size (suffix K, M, G, T); creates or resizes IMAGE\n"
		"  -N INODES  number of inodes (default: one per 16 KiB)\n"
		"  -L LABEL   volume label (up to 31 bytes)\n"
		"  -d DIR     copy the tree under DIR into the new filesystem\n"
		"  -q         quiet\n", prog);
}

static int parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	int shift = 0;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *s == '-')
		return -1;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	case 't': case 'T': shift = 40; end++; break;
	case 0: break;
	default: return -1;
	}
	if (*end == 'i' || *end == 'B')
		end++;
	if (*end == 'B')
		end++;
	if (*end || v > (UINT64_MAX >> shift))
		return -1;
	*out = (uint64_t)v << shift;
	return 0;
}

static u32 encode_dev(dev_t d)
{
	u32 ma = major(d), mi = minor(d);

	return (mi & 0xff) | (ma << 8) | ((mi & ~0xffU) << 12);
}

static int copy_file(struct pop *p, const char *path, u32 ino)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	uint64_t off = 0;
	ssize_t n;

	if (fd < 0)
		return -errno;
	while ((n = read(fd, p->buf, 1 << 20)) > 0) {
		s64 w = cfs_write(p->fs, ino, off, p->buf, n, false);

		if (w < 0) {
			close(fd);
			return w;
		}
		off += n;
	}
	close(fd);
	return n < 0 ? -errno : 0;
}

static void set_times(struct pop *p, u32 ino, const struct stat *st)
{
	struct cfs_attr a = {
		.atime = st->st_atim.tv_sec * 1000000000LL + st->st_atim.tv_nsec,
		.mtime = st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec,
		.ctime = st->st_ctim.tv_sec * 1000000000LL + st->st_ctim.tv_nsec,
	};

	cfs_setattr(p->fs, ino, CFS_SET_ATIME | CFS_SET_MTIME | CFS_SET_CTIME,
		    &a);
}

static int populate(struct pop *p, const char *path, u32 dir)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int ret = 0;

	if (!d) {
		fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
		return -errno;
	}
	while (!ret && (e = readdir(d))) {
		char *sub, target[4096];
		struct stat st;
		u32 ino, gen, mode;
		size_t i;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (asprintf(&sub, "%s/%s", path, e->d_name) < 0) {
			ret = -ENOMEM;
			break;
		}
		if (lstat(sub, &st) < 0) {
			ret = -errno;
			fprintf(stderr, "%s: %s: %s\n", prog, sub, strerror(errno));
			free(sub);
			break;
		}
		mode = st.st_mode;
		if (!S_ISDIR(mode) && st.st_nlink > 1) {
			for (i = 0; i < p->nlinks; i++)
				if (p->links[i].dev == st.st_dev &&
				    p->links[i].ino == st.st_ino)
					break;
			if (i < p->nlinks) {
				ret = cfs_link(p->fs, p->links[i].cino, dir,
					       e->d_name, strlen(e->d_name));
				goto next;
			}
		}
		target[0] = 0;
		if (S_ISLNK(mode)) {
			ssize_t n = readlink(sub, target, sizeof(target) - 1);

			if (n < 0) {
				ret = -errno;
				goto next;
			}
			target[n] = 0;
		}
		ret = cfs_create(p->fs, dir, e->d_name, strlen(e->d_name), mode,
				 st.st_uid, st.st_gid,
				 S_ISCHR(mode) || S_ISBLK(mode) ?
				 encode_dev(st.st_rdev) : 0,
				 S_ISLNK(mode) ? target : NULL, &ino, &gen);
		if (ret)
			goto next;
		if (S_ISREG(mode))
			ret = copy_file(p, sub, ino);
		else if (S_ISDIR(mode))
			ret = populate(p, sub, ino);
		if (!S_ISDIR(mode) && st.st_nlink > 1) {
			if (p->nlinks == p->caplinks) {
				p->caplinks = p->caplinks * 2 + 16;
				p->links = realloc(p->links, p->caplinks *
						   sizeof(*p->links));
				if (!p->links) {
					ret = -ENOMEM;
					goto next;
				}
			}
			p->links[p->nlinks++] = (struct hardlink){
				st.st_dev, st.st_ino, ino };
		}
		if (!ret)
			set_times(p, ino, &st);
next:
		if (ret)
			fprintf(stderr, "%s: %s: %s\n", prog, sub,
				cfs_strerror(ret));
		free(sub);
	}
	closedir(d);
	return ret;
}

int main(int argc, char **argv)
{
	struct cfs_mkfs_opts o = { .root_mode = 0755 };
	const char *label = NULL, *srcdir = NULL, *image;
	uint64_t size = 0, nin = 0;
	bool have_size = false, quiet = false, created = false;
	struct cfs_user u;
	struct stat st;
	int c, fd, ret;

	while ((c = getopt(argc, argv, "s:N:L:d:qh")) != -1) {
		switch (c) {
		case 's':
			if (parse_size(optarg, &size) || size < 65536) {
				fprintf(stderr, "%s: bad size '%s' (at least 64K)\n",
					prog, optarg);
				return 1;
			}
			have_size = true;
			break;
		case 'N':
			if (parse_size(optarg, &nin) || nin < 2 ||
			    nin > (1U << 28)) {
				fprintf(stderr, "%s: bad inode count '%s'\n",
					prog, optarg);
				return 1;
			}
			break;
		case 'L':
			label = optarg;
			if (strlen(label) > 31) {
				fprintf(stderr, "%s: label too long\n", prog);
				return 1;
			}
			break;
		case 'd':
			srcdir = optarg;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return 1;
	}
	image = argv[optind];
	if (srcdir && (stat(srcdir, &st) < 0 || !S_ISDIR(st.st_mode))) {
		fprintf(stderr, "%s: %s: not a directory\n", prog, srcdir);
		return 1;
	}
	if (stat(image, &st) == 0) {
		if (!S_ISREG(st.st_mode)) {
			fprintf(stderr, "%s: %s: not a regular file\n", prog,
				image);
			return 1;
		}
		if (!have_size) {
			size = st.st_size;
			if (size < 65536) {
				fprintf(stderr, "%s: %s: too small (%llu bytes); use -s\n",
					prog, image, (unsigned long long)size);
				return 1;
			}
		}
	} else if (!have_size) {
		fprintf(stderr, "%s: %s does not exist; give its size with -s\n",
			prog, image);
		return 1;
	} else {
		created = true;
	}
	size &= ~(uint64_t)(COHORTFS_BLOCK_SIZE - 1);
	fd = open(image, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		fprintf(stderr, "%s: %s: %s\n", prog, image, strerror(errno));
		return 1;
	}
	if (have_size && ftruncate(fd, size) < 0) {
		fprintf(stderr, "%s: %s: %s\n", prog, image, strerror(errno));
		close(fd);
		if (created)
			unlink(image);
		return 1;
	}
	close(fd);
	{
		void *base;
		uint64_t sz;
		int f;

		ret = cfs_map_image(image, true, &base, &sz, &f);
		if (!ret) {
			o.ninodes = nin;
			o.root_uid = getuid();
			o.root_gid = getgid();
			o.time = (s64)time(NULL) * 1000000000LL;
			if (label)
				strncpy(o.label, label, sizeof(o.label) - 1);
			f = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
			if (f >= 0) {
				if (read(f, o.uuid, sizeof(o.uuid)) < 0)
					memset(o.uuid, 0, sizeof(o.uuid));
				close(f);
			}
			ret = cfs_format(base, sz, &o);
			munmap(base, sz);
		}
	}
	if (ret) {
		fprintf(stderr, "%s: %s: %s\n", prog, image,
			ret == -ENOSPC ? "too small for a filesystem" :
			cfs_strerror(ret));
		if (created)
			unlink(image);
		return 1;
	}
	ret = cfs_user_open(&u, image, true);
	if (ret) {
		fprintf(stderr, "%s: %s: %s\n", prog, image, cfs_strerror(ret));
		return 1;
	}
	if (srcdir) {
		struct pop p = { .fs = &u.fs, .buf = malloc(1 << 20) };

		if (!p.buf)
			ret = -ENOMEM;
		else
			ret = populate(&p, srcdir, COHORTFS_ROOT_INO);
		if (!ret && stat(srcdir, &st) == 0) {
			struct cfs_attr a = { .mode = st.st_mode, .uid = st.st_uid,
					      .gid = st.st_gid };

			cfs_setattr(&u.fs, 1, CFS_SET_MODE | CFS_SET_UID |
				    CFS_SET_GID, &a);
			set_times(&p, 1, &st);
		}
		free(p.buf);
		free(p.links);
	}
	if (!ret && !quiet) {
		struct cfs_statfs s;

		cfs_statfs(&u.fs, &s);
		printf("%s: %llu blocks of %u bytes, %llu inodes, %llu blocks free\n",
		       image, (unsigned long long)u.fs.nblocks,
		       COHORTFS_BLOCK_SIZE, (unsigned long long)s.files,
		       (unsigned long long)s.bfree);
	}
	msync(u.base, u.size, MS_SYNC);
	cfs_user_close(&u);
	if (ret) {
		fprintf(stderr, "%s: populating %s failed: %s\n", prog, image,
			cfs_strerror(ret));
		if (created)
			unlink(image);
		return 1;
	}
	return 0;
}
