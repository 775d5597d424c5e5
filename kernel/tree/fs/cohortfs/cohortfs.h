/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cohortfs kernel glue: the VFS side of the shared format code.
 */
#ifndef _FS_COHORTFS_H
#define _FS_COHORTFS_H

#include <linux/cohort.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/workqueue.h>
#include "format.h"

/**
 * struct cohortfs_sb_info - one mount of a region.
 * @fs: the shared format code's mount.
 * @host: callbacks given to it.
 * @base: the region, mapped write-back.
 * @phys: its physical address.
 * @size: its length.
 * @region: it is a named region of the Cohort pool, held through @ref.
 * @ref: our use of the region.
 * @label: the region's name, or its physical address, for messages.
 * @evict: periodic eviction of dead kernels' clients.
 * @evicting: @evict was started.
 * @dbg: debugfs directory of this mount, or NULL.
 */
struct cohortfs_sb_info {
	struct cfs_fs fs;
	struct cfs_host host;
	void *base;
	phys_addr_t phys;
	u64 size;
	bool region;
	struct cohort_region_ref ref;
	char label[COHORT_NAME_MAX];
	struct delayed_work evict;
	bool evicting;
	struct dentry *dbg;
};

/* Host ids of kernels: this bit + the Cohort kernel id (0: primary). */
#define COHORTFS_HOST_KERNEL	0x80000000U

static inline struct cohortfs_sb_info *COHORTFS_SB(struct super_block *sb)
{
	return sb->s_fs_info;
}

static inline struct cfs_fs *COHORTFS_FS(struct inode *inode)
{
	return &COHORTFS_SB(inode->i_sb)->fs;
}

/* Set in i_private while this client holds the inode in the region. */
#define COHORTFS_HELD	((void *)1UL)

/* inode.c */
struct inode *cohortfs_iget(struct super_block *sb, u32 ino, u32 gen);
int cohortfs_refresh(struct inode *inode);
int cohortfs_errno(int err);
extern const struct dentry_operations cohortfs_dentry_ops;

/* file.c */
void cohortfs_unmap_copies(struct inode *inode);
extern const struct file_operations cohortfs_file_ops;
extern const struct address_space_operations cohortfs_aops;

#endif /* _FS_COHORTFS_H */
