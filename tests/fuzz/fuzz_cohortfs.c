// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: mount-time validation, lookups and reads over a
 * (possibly hostile) region, and fsck.  The input is an image; its
 * superblock checksum is recomputed so the fuzzer gets past it.
 *
 * Properties: nothing crashes or hangs; after a repair that reports
 * success, a second check is clean and the filesystem is usable.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cohortfs/format.h"

static s64 fz_now(void *priv)
{
	(void)priv;
	return 1;
}

static bool fz_alive(void *priv, u32 id, u64 stamp)
{
	(void)priv;
	(void)stamp;
	return id == 1;
}

static const struct cfs_host host = {
	.now = fz_now, .alive = fz_alive, .host_id = 1,
};

static void fix_csum(u8 *img)
{
	struct cohortfs_super *sb = (void *)img;
	u32 zero = 0, c;

	c = cfs_crc32c(~0U, sb, COHORTFS_SB_CSUM_END - 4);
	sb->csum = cpu_to_le32(cfs_crc32c(c, &zero, 4));
}

static void walk(struct cfs_fs *fs, u32 dir, int depth, u32 *budget)
{
	struct cfs_dirent_out de;
	static u8 buf[65536];
	u64 pos = 0;

	while (*budget && cfs_readdir(fs, dir, &pos, &de) == 1) {
		struct cfs_attr a;
		u32 ino, gen;

		(*budget)--;
		if (cfs_lookup(fs, dir, de.name, de.name_len, &ino, &gen))
			continue;
		if (cfs_getattr(fs, ino, &a))
			continue;
		if (CFS_S_ISDIR(a.mode) && depth < 8)
			walk(fs, ino, depth + 1, budget);
		else if (CFS_S_ISLNK(a.mode))
			cfs_readlink(fs, ino, (char *)buf, sizeof(buf));
		else
			cfs_read(fs, ino, a.size > 100 ? a.size - 100 : 0, buf,
				 sizeof(buf));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cfs_check_report r;
	struct cfs_fs fs;
	size_t sz;
	u32 budget = 2000, ino, gen;
	u8 *img;
	int ret;

	if (size < COHORTFS_BLOCK_SIZE || size > (1 << 20))
		return 0;
	sz = (size + COHORTFS_BLOCK_SIZE - 1) & ~(size_t)(COHORTFS_BLOCK_SIZE - 1);
	img = aligned_alloc(COHORTFS_BLOCK_SIZE, sz);
	memcpy(img, data, size);
	memset(img + size, 0, sz - size);
	fix_csum(img);

	if (!cfs_mount(&fs, img, sz, &host, false)) {
		walk(&fs, COHORTFS_ROOT_INO, 0, &budget);
		cfs_unmount(&fs);
	}
	cfs_check(img, sz, 0, NULL, NULL, &r);
	ret = cfs_check(img, sz, CFS_CHECK_REPAIR, NULL, NULL, &r);
	if (!ret) {
		if (cfs_check(img, sz, 0, NULL, NULL, &r) || r.errors)
			__builtin_trap();	/* repair did not converge */
		if (!cfs_mount(&fs, img, sz, &host, true)) {
			if (!cfs_create(&fs, 1, "fz", 2, CFS_S_IFREG | 0644, 0,
					0, 0, NULL, &ino, &gen)) {
				cfs_write(&fs, ino, 0, img, 5000, false);
				cfs_unlink(&fs, 1, "fz", 2);
			}
			cfs_unmount(&fs);
			if (cfs_check(img, sz, 0, NULL, NULL, &r) || r.errors)
				__builtin_trap();	/* repaired fs unusable */
		}
	}
	free(img);
	return 0;
}
