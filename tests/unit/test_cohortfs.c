// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the cohortfs format logic, on an in-memory region.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "cohortfs/cfs_user.h"

#define REGION	(8U << 20)

struct ctx {
	void *base;
	struct cfs_host host;
	struct cfs_fs fs;
};

static int setup(void **state)
{
	struct cfs_mkfs_opts o = { .root_mode = 0755, .time = 1 };
	struct ctx *c = calloc(1, sizeof(*c));

	c->base = aligned_alloc(4096, REGION);
	memset(c->base, 0xa5, REGION);	/* formatting must not need zeroes */
	assert_int_equal(cfs_format(c->base, REGION, &o), 0);
	cfs_host_init(&c->host);
	assert_int_equal(cfs_mount(&c->fs, c->base, REGION, &c->host, true),
			 0);
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;

	cfs_unmount(&c->fs);
	free(c->base);
	free(c);
	return 0;
}

static void logmsg(void *priv, const char *msg, u32 a, u32 b)
{
	(void)priv;
	printf("# fsck: %s (%u, %u)\n", msg, a, b);
}

static void check_clean(struct ctx *c)
{
	struct cfs_check_report r;

	assert_int_equal(cfs_check(c->base, REGION, 0, logmsg, NULL, &r), 0);
	assert_int_equal(r.errors, 0);
}

static u32 mk(struct ctx *c, u32 dir, const char *name, u32 mode)
{
	u32 ino, gen;

	assert_int_equal(cfs_create(&c->fs, dir, name, strlen(name), mode, 0,
				    0, 0, NULL, &ino, &gen), 0);
	return ino;
}

static int look(struct ctx *c, u32 dir, const char *name, u32 *ino)
{
	u32 gen;

	return cfs_lookup(&c->fs, dir, name, strlen(name), ino, &gen);
}

static void test_format_validate(void **state)
{
	struct ctx *c = *state;
	struct cohortfs_super *sb = c->base;
	struct cfs_attr a;

	assert_int_equal(cfs_validate_super(c->base, REGION), 0);
	assert_int_equal(cfs_getattr(&c->fs, 1, &a), 0);
	assert_true(CFS_S_ISDIR(a.mode));
	assert_int_equal(a.mode & 07777, 0755);
	assert_int_equal(a.nlink, 2);
	check_clean(c);

	/* a region smaller than the filesystem is refused */
	assert_int_equal(cfs_validate_super(c->base, REGION / 2), -EUCLEAN);
	/* checksummed fields */
	sb->ninodes = cpu_to_le32(le32_to_cpu(sb->ninodes) + 64);
	assert_int_equal(cfs_validate_super(c->base, REGION), -EUCLEAN);
	sb->ninodes = cpu_to_le32(le32_to_cpu(sb->ninodes) - 64);
	assert_int_equal(cfs_validate_super(c->base, REGION), 0);
	sb->magic = 0;
	assert_int_equal(cfs_validate_super(c->base, REGION), -EUCLEAN);
	sb->magic = cpu_to_le32(COHORTFS_MAGIC);
	assert_int_equal(cfs_validate_super(c->base, 100), -EUCLEAN);
}

static void test_version_refused(void **state)
{
	struct cfs_mkfs_opts o = { .root_mode = 0755 };
	struct ctx *c = *state;
	struct cohortfs_super *sb = c->base;
	u32 zero = 0, crc;

	sb->version_major = cpu_to_le16(2);
	crc = cfs_crc32c(~0U, sb, COHORTFS_SB_CSUM_END - 4);
	sb->csum = cpu_to_le32(cfs_crc32c(crc, &zero, 4));
	assert_int_equal(cfs_validate_super(c->base, REGION), -EOPNOTSUPP);
	assert_int_equal(cfs_format(c->base, 8192, &o), -ENOSPC);
}

static void test_create_lookup_readdir(void **state)
{
	struct ctx *c = *state;
	struct cfs_dirent_out de;
	char name[32];
	int seen[100] = { 0 };
	u32 ino, gen, i, d;
	u64 pos = 0;

	d = mk(c, 1, "d", CFS_S_IFDIR | 0700);
	for (i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "f%u", i);
		mk(c, d, name, CFS_S_IFREG | 0644);
	}
	assert_int_equal(cfs_create(&c->fs, d, "f7", 2, CFS_S_IFREG, 0, 0, 0,
				    NULL, &ino, &gen), -EEXIST);
	assert_int_equal(look(c, d, "f42", &ino), 0);
	assert_int_equal(look(c, d, "nope", &ino), -ENOENT);
	assert_int_equal(look(c, d, "..", &ino), -ENOENT);
	assert_int_equal(cfs_create(&c->fs, d, "a/b", 3, CFS_S_IFREG, 0, 0, 0,
				    NULL, &ino, &gen), -EINVAL);
	memset(name, 'x', sizeof(name));
	{
		char longname[300];

		memset(longname, 'y', sizeof(longname));
		assert_int_equal(cfs_create(&c->fs, d, longname, 256,
					    CFS_S_IFREG, 0, 0, 0, NULL, &ino,
					    &gen), -ENAMETOOLONG);
		assert_int_equal(cfs_create(&c->fs, d, longname, 255,
					    CFS_S_IFREG, 0, 0, 0, NULL, &ino,
					    &gen), 0);
		assert_int_equal(cfs_unlink(&c->fs, d, longname, 255), 0);
	}
	/* remove half while reading: survivors appear exactly once */
	for (i = 0; cfs_readdir(&c->fs, d, &pos, &de) == 1; i++) {
		unsigned int n;

		assert_int_equal(sscanf(de.name, "f%u", &n), 1);
		seen[n]++;
		if (i == 10) {
			u32 k;

			for (k = 0; k < 100; k += 2) {
				snprintf(name, sizeof(name), "f%u", k);
				cfs_unlink(&c->fs, d, name, strlen(name));
			}
		}
	}
	for (i = 1; i < 100; i += 2)
		assert_int_equal(seen[i], 1);
	check_clean(c);
}

static void test_rw(void **state)
{
	struct ctx *c = *state;
	size_t big = 3 << 20;
	u8 *buf = malloc(big), *out = malloc(big);
	struct cfs_attr a;
	u32 f, i;

	for (i = 0; i < big; i++)
		buf[i] = i * 7 + (i >> 12);
	f = mk(c, 1, "file", CFS_S_IFREG | 0644);
	/* inline */
	assert_int_equal(cfs_write(&c->fs, f, 0, "hello", 5, false), 5);
	assert_int_equal(cfs_read(&c->fs, f, 0, out, 100), 5);
	assert_memory_equal(out, "hello", 5);
	/* past inline: converts to a block map */
	assert_int_equal(cfs_write(&c->fs, f, 5, buf, 10000, false), 10000);
	assert_int_equal(cfs_read(&c->fs, f, 0, out, 20000), 10005);
	assert_memory_equal(out + 5, buf, 10000);
	/* big, unaligned, deepens the map (depth 2 after 4 MiB? not yet) */
	assert_int_equal(cfs_write(&c->fs, f, 12345, buf, big, false), big);
	assert_int_equal(cfs_read(&c->fs, f, 12345, out, big), big);
	assert_memory_equal(out, buf, big);
	/* sparse far away: depth grows, hole reads as zeroes */
	assert_int_equal(cfs_write(&c->fs, f, 5ULL << 30, "z", 1, false), 1);
	assert_int_equal(cfs_getattr(&c->fs, f, &a), 0);
	assert_int_equal(a.size, (5ULL << 30) + 1);
	assert_int_equal(cfs_read(&c->fs, f, (5ULL << 30) - 10, out, 100), 11);
	for (i = 0; i < 10; i++)
		assert_int_equal(out[i], 0);
	assert_int_equal(out[10], 'z');
	/* append */
	assert_int_equal(cfs_write(&c->fs, f, 0, "END", 3, true), 3);
	assert_int_equal(cfs_read(&c->fs, f, (5ULL << 30) + 1, out, 10), 3);
	assert_memory_equal(out, "END", 3);
	check_clean(c);
	/* shrink: tail of the last block reads as zero after regrowth */
	assert_int_equal(cfs_truncate(&c->fs, f, 5000), 0);
	assert_int_equal(cfs_truncate(&c->fs, f, 9000), 0);
	assert_int_equal(cfs_read(&c->fs, f, 0, out, 10000), 9000);
	assert_memory_equal(out + 5, buf, 4995);
	for (i = 5000; i < 9000; i++)
		assert_int_equal(out[i], 0);
	check_clean(c);
	assert_int_equal(cfs_truncate(&c->fs, f, 0), 0);
	assert_int_equal(cfs_read(&c->fs, f, 0, out, 10), 0);
	/* space comes back */
	{
		struct cfs_statfs s1, s2;

		cfs_statfs(&c->fs, &s1);
		assert_int_equal(cfs_write(&c->fs, f, 0, buf, big, false), big);
		assert_int_equal(cfs_truncate(&c->fs, f, 0), 0);
		cfs_statfs(&c->fs, &s2);
		assert_int_equal(s1.bfree, s2.bfree);
	}
	check_clean(c);
	free(buf);
	free(out);
}

/* Data block of file block @fb, from one snapshot. */
static u32 blk_of(struct ctx *c, u32 f, u64 fb)
{
	u64 size;
	u32 b = 0;

	assert_int_equal(cfs_data_block(&c->fs, f, fb, &b, &size), 0);
	return b;
}

/*
 * Pinned files (what mmap uses): blocks never move or go away, writes
 * land in them in place, truncate keeps them and zeroes what leaves or
 * joins the file; fsck accepts the blocks kept past the end; everything
 * is freed with the inode.
 */
static void test_pinned(void **state)
{
	struct ctx *c = *state;
	struct cfs_statfs s0, s1;
	struct cfs_attr a;
	u8 buf[3 * 4096], out[3 * 4096];
	u32 f, d, b0, b1, b, i;

	mk(c, 1, "first", CFS_S_IFREG | 0600);	/* root gets a block */
	cfs_statfs(&c->fs, &s0);
	f = mk(c, 1, "m", CFS_S_IFREG | 0644);
	d = mk(c, 1, "dir", CFS_S_IFDIR | 0755);
	assert_int_equal(cfs_pin(&c->fs, d), -EOPNOTSUPP);
	assert_int_equal(cfs_pin_block(&c->fs, f, 0, &b), -EINVAL);
	/* an inline file gets a map when pinned; its data stays */
	assert_int_equal(cfs_write(&c->fs, f, 0, "inline", 6, false), 6);
	assert_int_equal(cfs_pin(&c->fs, f), 0);
	assert_int_equal(cfs_pin(&c->fs, f), 0);
	assert_int_equal(cfs_read(&c->fs, f, 0, out, 100), 6);
	assert_memory_equal(out, "inline", 6);
	b0 = blk_of(c, f, 0);
	assert_int_not_equal(b0, 0);
	assert_memory_equal((u8 *)cfs_blk(&c->fs, b0), "inline", 6);

	/* writes go into the same block; a hole gets a zeroed block */
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = i * 13 + 1;
	assert_int_equal(cfs_write(&c->fs, f, 0, buf, 4096, false), 4096);
	assert_int_equal(blk_of(c, f, 0), b0);
	assert_memory_equal(cfs_blk(&c->fs, b0), buf, 4096);
	assert_int_equal(cfs_truncate(&c->fs, f, 3 * 4096), 0);
	assert_int_equal(blk_of(c, f, 1), 0);
	assert_int_equal(cfs_pin_block(&c->fs, f, 1, &b1), 0);
	assert_int_not_equal(b1, 0);
	assert_int_equal(blk_of(c, f, 1), b1);
	assert_int_equal(cfs_pin_block(&c->fs, f, 1, &b), 0);
	assert_int_equal(b, b1);
	assert_int_equal(cfs_pin_block(&c->fs, f, 3, &b), -ENXIO);
	/* a store through a mapping is a store into the block */
	memcpy((u8 *)cfs_blk(&c->fs, b1) + 10, "mapped", 6);
	assert_int_equal(cfs_read(&c->fs, f, 4096 + 10, out, 6), 6);
	assert_memory_equal(out, "mapped", 6);

	/* truncate keeps the blocks, zeroes the tail; regrowth reads zeros */
	assert_int_equal(cfs_truncate(&c->fs, f, 100), 0);
	assert_int_equal(blk_of(c, f, 1), b1);
	for (i = 100; i < 4096; i++)
		assert_int_equal(((u8 *)cfs_blk(&c->fs, b0))[i], 0);
	check_clean(c);
	assert_int_equal(cfs_truncate(&c->fs, f, 2 * 4096), 0);
	assert_int_equal(cfs_read(&c->fs, f, 0, out, sizeof(out)), 2 * 4096);
	assert_memory_equal(out, buf, 100);
	for (i = 100; i < 2 * 4096; i++)
		assert_int_equal(out[i], 0);
	assert_int_equal(blk_of(c, f, 1), b1);
	/* a write past the end (over a kept block) zeroes the gap */
	memset((u8 *)cfs_blk(&c->fs, b1), 0x77, 4096);
	assert_int_equal(cfs_truncate(&c->fs, f, 4096), 0);
	assert_int_equal(cfs_write(&c->fs, f, 4096 + 200, "x", 1, false), 1);
	assert_int_equal(cfs_read(&c->fs, f, 4096, out, 4096), 201);
	for (i = 0; i < 200; i++)
		assert_int_equal(out[i], 0);
	assert_int_equal(out[200], 'x');
	/* appends and a size-0 truncate keep the map (no inline again) */
	assert_int_equal(cfs_write(&c->fs, f, 0, "A", 1, true), 1);
	assert_int_equal(cfs_truncate(&c->fs, f, 0), 0);
	assert_int_equal(blk_of(c, f, 0), b0);
	assert_int_equal(cfs_write(&c->fs, f, 0, "again", 5, false), 5);
	assert_int_equal(blk_of(c, f, 0), b0);
	assert_int_equal(cfs_getattr(&c->fs, f, &a), 0);
	assert_int_equal(a.size, 5);
	check_clean(c);

	/* everything is freed with the inode */
	assert_int_equal(cfs_unlink(&c->fs, 1, "m", 1), 0);
	assert_int_equal(cfs_rmdir(&c->fs, 1, "dir", 3), 0);
	cfs_statfs(&c->fs, &s1);
	assert_int_equal(s0.bfree, s1.bfree);
	check_clean(c);
}

/* An image without the PINNED feature (format 1.0) cannot pin. */
static void test_pinned_needs_feature(void **state)
{
	struct ctx *c = *state;
	u32 f = mk(c, 1, "f", CFS_S_IFREG | 0644);

	c->fs.incompat = 0;
	assert_int_equal(cfs_pin(&c->fs, f), -EOPNOTSUPP);
	/* a pinned body in an image without the feature is corruption */
	c->fs.incompat = COHORTFS_FEATURE_INCOMPAT_PINNED;
	assert_int_equal(cfs_pin(&c->fs, f), 0);
	{
		struct cohortfs_super *sb = c->base;
		struct cfs_check_report r;
		u32 zero = 0, crc;

		sb->feature_incompat = 0;
		crc = cfs_crc32c(~0U, sb, COHORTFS_SB_CSUM_END - 4);
		sb->csum = cpu_to_le32(cfs_crc32c(crc, &zero, 4));
		cfs_check(c->base, REGION, 0, logmsg, NULL, &r);
		assert_int_not_equal(r.errors, 0);
	}
}

static void test_enospc(void **state)
{
	struct ctx *c = *state;
	size_t big = 1 << 20;
	u8 *buf = calloc(1, big);
	u32 f = mk(c, 1, "fill", CFS_S_IFREG | 0644);
	u64 off = 0;
	s64 n;

	while ((n = cfs_write(&c->fs, f, off, buf, big, false)) > 0)
		off += n;
	assert_int_equal(n, -ENOSPC);
	assert_true(off > (REGION / 2));
	check_clean(c);
	assert_int_equal(cfs_unlink(&c->fs, 1, "fill", 4), 0);
	check_clean(c);
	free(buf);
}

static void test_links_and_orphans(void **state)
{
	struct ctx *c = *state;
	struct cfs_attr a;
	struct cfs_statfs s0, s1;
	u32 f, ino, gen;
	char out[8];

	mk(c, 1, "first", CFS_S_IFREG | 0600);	/* root gets a block */
	cfs_statfs(&c->fs, &s0);
	f = mk(c, 1, "a", CFS_S_IFREG | 0600);
	assert_int_equal(cfs_write(&c->fs, f, 0, "data", 4, false), 4);
	assert_int_equal(cfs_link(&c->fs, f, 1, "b", 1), 0);
	assert_int_equal(cfs_getattr(&c->fs, f, &a), 0);
	assert_int_equal(a.nlink, 2);
	assert_int_equal(cfs_link(&c->fs, 1, 1, "rootlink", 8), -EPERM);
	assert_int_equal(cfs_unlink(&c->fs, 1, "a", 1), 0);
	assert_int_equal(cfs_getattr(&c->fs, f, &a), 0);
	assert_int_equal(a.nlink, 1);
	/* unlink while held: data stays readable until the hold goes */
	gen = a.gen;
	assert_int_equal(cfs_hold(&c->fs, f, gen), 0);
	assert_int_equal(cfs_unlink(&c->fs, 1, "b", 1), 0);
	assert_int_equal(cfs_read(&c->fs, f, 0, out, 8), 4);
	assert_int_equal(cfs_link(&c->fs, f, 1, "c", 1), -ENOENT);
	cfs_unhold(&c->fs, f, gen);
	assert_int_equal(cfs_getattr(&c->fs, f, &a), -ESTALE);
	assert_int_equal(cfs_hold(&c->fs, f, gen), -ESTALE);
	cfs_statfs(&c->fs, &s1);
	assert_int_equal(s0.bfree, s1.bfree);
	assert_int_equal(s0.ffree, s1.ffree);
	/* symlinks */
	assert_int_equal(cfs_create(&c->fs, 1, "l", 1, CFS_S_IFLNK | 0777, 0, 0,
				    0, "some/target", &ino, &gen), 0);
	{
		char t[64];

		assert_int_equal(cfs_readlink(&c->fs, ino, t, sizeof(t)), 11);
		assert_string_equal(t, "some/target");
		assert_int_equal(cfs_readlink(&c->fs, 1, t, sizeof(t)),
				 -EINVAL);
	}
	check_clean(c);
}

/* Targets up to PATH_MAX - 1: inline up to 4032 bytes, else in a block. */
static void test_long_symlink(void **state)
{
	struct ctx *c = *state;
	static char t[COHORTFS_SYMLINK_MAX + 2], out[COHORTFS_SYMLINK_MAX + 1];
	static const u32 lens[] = { COHORTFS_INLINE_MAX,
				    COHORTFS_INLINE_MAX + 1,
				    COHORTFS_SYMLINK_MAX };
	struct cfs_statfs s0, s1;
	struct cfs_attr a;
	u32 ino, gen, i;

	mk(c, 1, "f", CFS_S_IFREG | 0644);	/* the root's first dirent block */
	cfs_statfs(&c->fs, &s0);
	for (i = 0; i < 3; i++) {
		memset(t, 'a' + i, lens[i]);
		t[lens[i]] = 0;
		assert_int_equal(cfs_create(&c->fs, 1, "l", 1,
					    CFS_S_IFLNK | 0777, 0, 0, 0, t,
					    &ino, &gen), 0);
		assert_int_equal(cfs_getattr(&c->fs, ino, &a), 0);
		assert_int_equal(a.size, lens[i]);
		assert_int_equal(cfs_readlink(&c->fs, ino, out, sizeof(out)),
				 lens[i]);
		assert_string_equal(out, t);
		/* a buffer too small gets an error, never a cut target */
		assert_int_equal(cfs_readlink(&c->fs, ino, out, lens[i]),
				 -ENAMETOOLONG);
		check_clean(c);
		assert_int_equal(cfs_unlink(&c->fs, 1, "l", 1), 0);
	}
	memset(t, 'z', COHORTFS_SYMLINK_MAX + 1);
	t[COHORTFS_SYMLINK_MAX + 1] = 0;
	assert_int_equal(cfs_create(&c->fs, 1, "l", 1, CFS_S_IFLNK | 0777, 0,
				    0, 0, t, &ino, &gen), -ENAMETOOLONG);
	cfs_statfs(&c->fs, &s1);
	assert_int_equal(s0.bfree, s1.bfree);
	assert_int_equal(s0.ffree, s1.ffree);
	check_clean(c);
}

static void test_rename(void **state)
{
	struct ctx *c = *state;
	u32 a, b, d1, d2, d3, ino;
	struct cfs_attr at;

	a = mk(c, 1, "a", CFS_S_IFREG | 0644);
	b = mk(c, 1, "b", CFS_S_IFREG | 0644);
	/* over an existing target */
	assert_int_equal(cfs_rename(&c->fs, 1, "a", 1, 1, "b", 1, 0), 0);
	assert_int_equal(look(c, 1, "b", &ino), 0);
	assert_int_equal(ino, a);
	assert_int_equal(look(c, 1, "a", &ino), -ENOENT);
	assert_int_equal(cfs_getattr(&c->fs, b, &at), -ESTALE);
	assert_int_equal(cfs_getattr(&c->fs, a, &at), 0);
	assert_int_equal(at.nlink, 1);
	/* noreplace */
	mk(c, 1, "c", CFS_S_IFREG | 0644);
	assert_int_equal(cfs_rename(&c->fs, 1, "c", 1, 1, "b", 1,
				    CFS_RENAME_NOREPLACE), -EEXIST);
	assert_int_equal(cfs_rename(&c->fs, 1, "zz", 2, 1, "b", 1, 0), -ENOENT);
	/* directories */
	d1 = mk(c, 1, "d1", CFS_S_IFDIR | 0755);
	d2 = mk(c, d1, "d2", CFS_S_IFDIR | 0755);
	d3 = mk(c, 1, "d3", CFS_S_IFDIR | 0755);
	assert_int_equal(cfs_getattr(&c->fs, 1, &at), 0);
	assert_int_equal(at.nlink, 4);
	/* into its own subtree */
	assert_int_equal(cfs_rename(&c->fs, 1, "d1", 2, d2, "x", 1, 0),
			 -EINVAL);
	assert_int_equal(cfs_rename(&c->fs, 1, "d1", 2, d1, "x", 1, 0),
			 -EINVAL);
	/* file over dir and dir over file */
	assert_int_equal(cfs_rename(&c->fs, 1, "c", 1, 1, "d3", 2, 0),
			 -EISDIR);
	assert_int_equal(cfs_rename(&c->fs, 1, "d3", 2, 1, "c", 1, 0),
			 -ENOTDIR);
	/* dir over non-empty dir, then over empty dir */
	assert_int_equal(cfs_rename(&c->fs, 1, "d3", 2, 1, "d1", 2, 0),
			 -ENOTEMPTY);
	assert_int_equal(cfs_rename(&c->fs, d1, "d2", 2, 1, "d3", 2, 0), 0);
	assert_int_equal(look(c, 1, "d3", &ino), 0);
	assert_int_equal(ino, d2);
	assert_int_equal(cfs_getattr(&c->fs, d3, &at), -ESTALE);
	assert_int_equal(cfs_rmdir(&c->fs, 1, "d1", 2), 0);
	assert_int_equal(cfs_rmdir(&c->fs, 1, "d1", 2), -ENOENT);
	mk(c, d2, "inner", CFS_S_IFREG);
	assert_int_equal(cfs_rmdir(&c->fs, 1, "d3", 2), -ENOTEMPTY);
	assert_int_equal(cfs_rmdir(&c->fs, 1, "b", 1), -ENOTDIR);
	assert_int_equal(cfs_unlink(&c->fs, 1, "d3", 2), -EISDIR);
	assert_int_equal(cfs_getattr(&c->fs, 1, &at), 0);
	assert_int_equal(at.nlink, 3);
	check_clean(c);
}

static void test_setattr(void **state)
{
	struct ctx *c = *state;
	struct cfs_attr a = { .mode = 04711, .uid = 5, .gid = 6,
			      .mtime = 123, .atime = 456 };
	struct cfs_attr g;
	u32 f = mk(c, 1, "f", CFS_S_IFREG | 0644);

	assert_int_equal(cfs_setattr(&c->fs, f, CFS_SET_MODE | CFS_SET_UID |
				     CFS_SET_GID | CFS_SET_MTIME |
				     CFS_SET_ATIME, &a), 0);
	assert_int_equal(cfs_getattr(&c->fs, f, &g), 0);
	assert_int_equal(g.mode, CFS_S_IFREG | 04711);
	assert_int_equal(g.uid, 5);
	assert_int_equal(g.gid, 6);
	assert_int_equal(g.mtime, 123);
	assert_int_equal(g.atime, 456);
	assert_int_equal(cfs_truncate(&c->fs, 1, 0), -EISDIR);
	check_clean(c);
}

/* What a writer killed at each step leaves behind, and what fsck does. */
static void test_check_repairs_crash_leftovers(void **state)
{
	struct ctx *c = *state;
	struct cfs_check_report r;
	struct cohortfs_dirblock *db;
	u64 n;
	u32 blk, ino, gen, f;

	f = mk(c, 1, "keep", CFS_S_IFREG | 0644);
	assert_int_equal(cfs_write(&c->fs, f, 0, "x", 1, false), 1);
	/* a block allocated, never published */
	assert_int_equal(cfs_balloc(&c->fs, &blk), 0);
	/* an inode created, never named */
	assert_int_equal(cfs_new_inode(&c->fs, CFS_S_IFREG | 0644, 0, 0, 0, 1,
				       NULL, 0, &ino, &gen), 0);
	/* an entry claimed by a writer that died */
	assert_int_equal(cfs_dir_block(&c->fs, 1, 1, 0, &db, &n), 0);
	db->de[14].ctl = cpu_to_le64(CFS_DE_MAKE(COHORTFS_DE_PENDING, 0, 1,
						 0x7700));
	/* a link count too high (died between link count and entry) */
	cfs_nlink_inc(&c->fs, f);

	assert_int_equal(cfs_check(c->base, REGION, 0, NULL, NULL, &r), 0);
	assert_true(r.errors >= 4);
	assert_int_equal(r.fixed, 0);
	assert_int_equal(r.leaked_inodes, 1);
	assert_int_equal(r.leaked_blocks, 2);
	/* -n changed nothing */
	assert_int_equal(cfs_check(c->base, REGION, 0, NULL, NULL, &r), 0);
	assert_true(r.errors >= 4);
	assert_int_equal(cfs_check(c->base, REGION, CFS_CHECK_REPAIR, NULL,
				   NULL, &r), 0);
	assert_int_equal(r.errors, r.fixed);
	check_clean(c);
}

static void test_corrupt_no_crash(void **state)
{
	struct ctx *c = *state;
	struct cfs_check_report r;
	struct cohortfs_inode *in;
	struct cohortfs_body *b;
	struct cfs_attr a;
	u32 f, d, ino, gen;
	u8 out[64];

	d = mk(c, 1, "d", CFS_S_IFDIR | 0755);
	f = mk(c, d, "f", CFS_S_IFREG | 0644);
	assert_int_equal(cfs_write(&c->fs, f, 0, out, 64, false), 64);
	in = cfs_inode(&c->fs, f);
	b = cfs_blk(&c->fs, CFS_BODY_BLK(le64_to_cpu(in->body)));
	/* a map pointer out of range and a depth out of range */
	b->depth = 1;
	b->size = cpu_to_le64(8192);
	b->map[0] = cpu_to_le32(0xfffffff0);
	assert_int_equal(cfs_read(&c->fs, f, 0, out, 64), -EUCLEAN);
	b->depth = 9;
	assert_int_equal(cfs_getattr(&c->fs, f, &a), -EUCLEAN);
	/* an indirect block that points at itself */
	b->depth = 3;
	b->size = cpu_to_le64(1ULL << 30);
	assert_int_equal(cfs_balloc(&c->fs, &ino), 0);
	memset(cfs_blk(&c->fs, ino), 0, 4096);
	((__le32 *)cfs_blk(&c->fs, ino))[0] = cpu_to_le32(ino);
	b->map[0] = cpu_to_le32(ino);
	assert_int_equal(cfs_read(&c->fs, f, 0, out, 64), 64);
	assert_int_equal(cfs_check(c->base, REGION, 0, logmsg, NULL, &r), 0);
	assert_true(r.errors > 0);
	/* a directory entry that names a free inode */
	{
		struct cohortfs_dirblock *db;
		u64 n;

		assert_int_equal(cfs_dir_block(&c->fs, d, CFS_ST_GEN(le64_to_cpu(
			cfs_inode(&c->fs, d)->state)), 0, &db, &n), 0);
		db->de[0].ctl = cpu_to_le64(CFS_DE_MAKE(COHORTFS_DE_LIVE,
			CFS_DT_REG, 9, c->fs.ninodes - 1));
		assert_int_equal(look(c, d, "f", &ino), -EUCLEAN);
	}
	assert_int_equal(cfs_check(c->base, REGION, CFS_CHECK_REPAIR, logmsg,
				   NULL, &r), 0);
	assert_int_equal(cfs_check(c->base, REGION, 0, logmsg, NULL, &r), 0);
	assert_int_equal(r.errors, 0);
	(void)gen;
}

static void test_readonly_mount(void **state)
{
	struct ctx *c = *state;
	struct cfs_fs ro;
	u32 ino, gen;

	assert_int_equal(cfs_mount(&ro, c->base, REGION, &c->host, false), 0);
	assert_int_equal(cfs_create(&ro, 1, "x", 1, CFS_S_IFREG, 0, 0, 0, NULL,
				    &ino, &gen), -EROFS);
	assert_int_equal(cfs_write(&ro, 1, 0, "x", 1, false), -EROFS);
	cfs_unmount(&ro);
}

static void test_many_clients(void **state)
{
	struct ctx *c = *state;
	static struct cfs_fs m[COHORTFS_MAX_CLIENTS];
	struct cfs_fs extra;
	int i;

	for (i = 0; i < COHORTFS_MAX_CLIENTS - 1; i++)
		assert_int_equal(cfs_mount(&m[i], c->base, REGION, &c->host,
					   true), 0);
	assert_int_equal(cfs_mount(&extra, c->base, REGION, &c->host, true),
			 -EUSERS);
	for (i = 0; i < COHORTFS_MAX_CLIENTS - 1; i++)
		cfs_unmount(&m[i]);
	assert_int_equal(cfs_mount(&extra, c->base, REGION, &c->host, true),
			 0);
	cfs_unmount(&extra);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_format_validate, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_version_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_create_lookup_readdir,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_rw, setup, teardown),
		cmocka_unit_test_setup_teardown(test_enospc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pinned, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pinned_needs_feature,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_links_and_orphans, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_long_symlink, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_rename, setup, teardown),
		cmocka_unit_test_setup_teardown(test_setattr, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_check_repairs_crash_leftovers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_no_crash, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_readonly_mount, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_many_clients, setup,
						teardown),
	};

	return cmocka_run_group_tests_name("cohortfs", tests, NULL, NULL);
}
