/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cohortfs format logic: the API shared by the kernel module and the
 * userspace tools.  Every function here works on a mapped region that
 * other writers change concurrently, and validates what it reads.
 * Errors are negative errnos; corrupt media gives -EUCLEAN.
 */
#ifndef _COHORTFS_FORMAT_H
#define _COHORTFS_FORMAT_H

#include "cfs_os.h"
#include <linux/cohortfs_fs.h>

/* DT_* values, as stored in the dirent control word. */
#define CFS_DT_UNKNOWN	0
#define CFS_DT_FIFO	1
#define CFS_DT_CHR	2
#define CFS_DT_DIR	4
#define CFS_DT_BLK	6
#define CFS_DT_REG	8
#define CFS_DT_LNK	10
#define CFS_DT_SOCK	12

/* S_IF* values, spelled out so that the shared code needs no libc. */
#define CFS_S_IFMT	0170000
#define CFS_S_IFSOCK	0140000
#define CFS_S_IFLNK	0120000
#define CFS_S_IFREG	0100000
#define CFS_S_IFBLK	0060000
#define CFS_S_IFDIR	0040000
#define CFS_S_IFCHR	0020000
#define CFS_S_IFIFO	0010000
#define CFS_S_ISDIR(m)	(((m) & CFS_S_IFMT) == CFS_S_IFDIR)
#define CFS_S_ISREG(m)	(((m) & CFS_S_IFMT) == CFS_S_IFREG)
#define CFS_S_ISLNK(m)	(((m) & CFS_S_IFMT) == CFS_S_IFLNK)

#define CFS_RENAME_NOREPLACE	1
#define CFS_RENAME_EXCHANGE	2

/* Largest file: what a depth-COHORTFS_MAX_DEPTH map can address. */
#define CFS_MAX_FILE_BLOCKS	((u64)COHORTFS_BODY_PTRS << 30)
#define CFS_MAX_FILE_SIZE	(CFS_MAX_FILE_BLOCKS << COHORTFS_BLOCK_SHIFT)

/**
 * struct cfs_host - what the host (kernel or process) provides.
 * @now: current time in ns since the epoch.
 * @alive: whether the holder @host_id/@stamp of a client entry still
 *	runs; used to break stale claims of crashed clients.
 * @host_id: our own id (pid, or kernel instance id), never 0.
 * @host_stamp: our own start stamp, to tell a reused id apart.
 * @priv: passed to the callbacks.
 */
struct cfs_host {
	s64 (*now)(void *priv);
	bool (*alive)(void *priv, u32 host_id, u64 stamp);
	u32 host_id;
	u64 host_stamp;
	void *priv;
};

/**
 * struct cfs_fs - one mount of a region.
 * @base: the mapped region.
 * @size: its length in bytes.
 * @sb: the superblock (@base).
 * @host: host callbacks.
 * @nblocks: validated copy of sb->nblocks.
 * @ninodes: validated copy of sb->ninodes.
 * @data_blk: validated copy of sb->data_blk.
 * @bitmap: allocation bitmap, 64-bit words.
 * @nwords: words in @bitmap that cover @nblocks.
 * @itable: inode table.
 * @clients: client table.
 * @client: our client slot, -1 when not registered (read-only).
 * @tag: our owner tag.
 */
struct cfs_fs {
	u8 *base;
	u64 size;
	struct cohortfs_super *sb;
	const struct cfs_host *host;
	u32 nblocks;
	u32 ninodes;
	u32 data_blk;
	u32 incompat;
	__le64 *bitmap;
	u32 nwords;
	struct cohortfs_inode *itable;
	struct cohortfs_client *clients;
	int client;
	u32 tag;
};

/**
 * struct cfs_attr - attributes of an inode, as a consistent snapshot.
 */
struct cfs_attr {
	u32 ino;
	u32 gen;
	u32 mode;
	u32 uid;
	u32 gid;
	u32 rdev;
	u32 nlink;
	u32 flags;	/* COHORTFS_BODY_* (PINNED) */
	u64 size;
	u64 blocks;	/* 512-byte units, approximate */
	s64 atime;
	s64 mtime;
	s64 ctime;
};

/* Which fields of struct cfs_attr cfs_setattr() changes. */
#define CFS_SET_MODE	0x01
#define CFS_SET_UID	0x02
#define CFS_SET_GID	0x04
#define CFS_SET_SIZE	0x08
#define CFS_SET_ATIME	0x10
#define CFS_SET_MTIME	0x20
#define CFS_SET_CTIME	0x40

/**
 * struct cfs_dirent_out - one entry returned by cfs_readdir().
 */
struct cfs_dirent_out {
	u32 ino;
	u32 gen;
	u8 type;
	u8 name_len;
	char name[COHORTFS_NAME_MAX + 1];
};

/**
 * struct cfs_mkfs_opts - parameters of cfs_format().
 */
struct cfs_mkfs_opts {
	u32 ninodes;		/* 0: one per 16 KiB */
	u32 root_mode;		/* permission bits of / */
	u32 root_uid;
	u32 root_gid;
	s64 time;		/* ns */
	u8 uuid[16];
	char label[32];
};

/**
 * struct cfs_statfs - filesystem-wide counts.
 */
struct cfs_statfs {
	u64 blocks;
	u64 bfree;
	u64 files;
	u64 ffree;
};

/* cfs_super.c */
int cfs_format(void *base, u64 size, const struct cfs_mkfs_opts *o);
int cfs_validate_super(const void *base, u64 size);
int cfs_mount(struct cfs_fs *fs, void *base, u64 size,
	      const struct cfs_host *host, bool register_client);
void cfs_unmount(struct cfs_fs *fs);
int cfs_evict_stale_clients(struct cfs_fs *fs);
bool cfs_tag_stale(struct cfs_fs *fs, u32 tag);
int cfs_balloc(struct cfs_fs *fs, u32 *blk);
int cfs_bfree(struct cfs_fs *fs, u32 blk);
int cfs_ialloc(struct cfs_fs *fs, u32 *ino, u32 *gen);
void cfs_statfs(struct cfs_fs *fs, struct cfs_statfs *st);
int cfs_lease_acquire(struct cfs_fs *fs);
void cfs_lease_release(struct cfs_fs *fs);
u32 cfs_hash_name(const char *name, u32 len);

/* cfs_inode.c */
int cfs_inode_valid(struct cfs_fs *fs, u32 ino, u32 gen);
int cfs_getattr(struct cfs_fs *fs, u32 ino, struct cfs_attr *a);
int cfs_setattr(struct cfs_fs *fs, u32 ino, u32 mask,
		const struct cfs_attr *a);
s64 cfs_read(struct cfs_fs *fs, u32 ino, u64 off, void *buf, u64 len);
s64 cfs_write(struct cfs_fs *fs, u32 ino, u64 off, const void *buf,
	      u64 len, bool append);
s64 cfs_write_at(struct cfs_fs *fs, u32 ino, u64 *offp, const void *buf,
		 u64 len, bool append);
int cfs_data_block(struct cfs_fs *fs, u32 ino, u64 fblk, u32 *blk,
		   u64 *size);
int cfs_truncate(struct cfs_fs *fs, u32 ino, u64 size);
int cfs_pin(struct cfs_fs *fs, u32 ino);
int cfs_pin_block(struct cfs_fs *fs, u32 ino, u64 fblk, u32 *blk);
int cfs_readlink(struct cfs_fs *fs, u32 ino, char *buf, u32 len);
int cfs_hold(struct cfs_fs *fs, u32 ino, u32 gen);
void cfs_unhold(struct cfs_fs *fs, u32 ino, u32 gen);
void cfs_try_reclaim(struct cfs_fs *fs, u32 ino, u32 gen);
int cfs_nlink_inc(struct cfs_fs *fs, u32 ino);
int cfs_nlink_dec(struct cfs_fs *fs, u32 ino, u32 gen);
void cfs_touch(struct cfs_fs *fs, u32 ino, u32 mask);
int cfs_new_inode(struct cfs_fs *fs, u32 mode, u32 uid, u32 gid, u32 rdev,
		  u32 parent, const char *data, u32 dlen, u32 *ino, u32 *gen);
void cfs_drop_new_inode(struct cfs_fs *fs, u32 ino);
int cfs_grow_dir(struct cfs_fs *fs, u32 dir, u32 gen, u32 nblk_seen);
int cfs_free_tree(struct cfs_fs *fs, u32 blk, u32 height);
int cfs_map_lookup(struct cfs_fs *fs, const struct cohortfs_body *b,
		   u64 fblk, u32 *out);
int cfs_dir_block(struct cfs_fs *fs, u32 dir, u32 gen, u64 idx,
		  struct cohortfs_dirblock **db, u64 *nblocks);

/* cfs_dir.c */
int cfs_lookup(struct cfs_fs *fs, u32 dir, const char *name, u32 len,
	       u32 *ino, u32 *gen);
int cfs_create(struct cfs_fs *fs, u32 dir, const char *name, u32 len,
	       u32 mode, u32 uid, u32 gid, u32 rdev, const char *target,
	       u32 *ino, u32 *gen);
int cfs_link(struct cfs_fs *fs, u32 ino, u32 dir, const char *name,
	     u32 len);
int cfs_unlink(struct cfs_fs *fs, u32 dir, const char *name, u32 len);
int cfs_rmdir(struct cfs_fs *fs, u32 dir, const char *name, u32 len);
int cfs_rename(struct cfs_fs *fs, u32 odir, const char *oname, u32 olen,
	       u32 ndir, const char *nname, u32 nlen, u32 flags);
int cfs_readdir(struct cfs_fs *fs, u32 dir, u64 *pos,
		struct cfs_dirent_out *out);

/* cfs_check.c */

/**
 * struct cfs_check_report - outcome of cfs_check().
 */
struct cfs_check_report {
	u32 errors;		/* problems found (leaks included) */
	u32 fixed;		/* of which repaired */
	u32 leaked_blocks;
	u32 leaked_inodes;
	u32 files;
	u32 dirs;
	u64 used_blocks;
};

#define CFS_CHECK_REPAIR	1

int cfs_check(void *base, u64 size, u32 flags,
	      void (*log)(void *priv, const char *msg, u32 a, u32 b),
	      void *priv, struct cfs_check_report *rep);

/* Internal helpers shared between the format files. */
static inline void *cfs_blk(struct cfs_fs *fs, u32 blk)
{
	return fs->base + ((u64)blk << COHORTFS_BLOCK_SHIFT);
}

static inline bool cfs_blk_ok(struct cfs_fs *fs, u32 blk)
{
	return blk >= fs->data_blk && blk < fs->nblocks;
}

static inline bool cfs_ino_ok(struct cfs_fs *fs, u32 ino)
{
	return ino >= 1 && ino < fs->ninodes;
}

static inline struct cohortfs_inode *cfs_inode(struct cfs_fs *fs, u32 ino)
{
	return &fs->itable[ino];
}

static inline u32 cfs_ldptr(const __le32 *p)
{
	return le32_to_cpu(READ_ONCE(*p));
}

static inline s64 cfs_now(struct cfs_fs *fs)
{
	return fs->host && fs->host->now ? fs->host->now(fs->host->priv) : 0;
}

#define CFS_ST_FLAGS(s)		((u32)(s) & 0xff)
#define CFS_ST_GEN(s)		(((u32)(s) >> 8) & 0xffffff)
#define CFS_ST_TAG(s)		((u32)((s) >> 32))
#define CFS_ST_MAKE(f, g, t)	((u64)(f) | ((u64)((g) & 0xffffff) << 8) | \
				 ((u64)(t) << 32))

#define CFS_DE_STATE(c)		((u32)(c) & 0xf)
#define CFS_DE_TYPE(c)		(((u32)(c) >> 4) & 0xf)
#define CFS_DE_VER(c)		(((u32)(c) >> 8) & 0xffffff)
#define CFS_DE_INO(c)		((u32)((c) >> 32))
#define CFS_DE_MAKE(st, ty, v, i) ((u64)(st) | ((u64)(ty) << 4) | \
				   ((u64)((v) & 0xffffff) << 8) | \
				   ((u64)(i) << 32))

#define CFS_BODY_BLK(w)		((u32)(w))
#define CFS_BODY_VER(w)		((u32)((w) >> 32))
#define CFS_BODY_MAKE(b, v)	((u64)(b) | ((u64)(v) << 32))

/* Retry bounds: a livelock under constant writing ends in -EAGAIN. */
#define CFS_RETRIES		1000000

/*
 * Every retry loop asks this before another round: false once it has run
 * CFS_RETRIES rounds.  Every 64 rounds it yields the CPU (cond_resched()
 * in the kernel), so that a loop waiting out other writers (another
 * kernel, perhaps a stuck one) never holds this CPU for long.
 */
static inline bool cfs_may_retry(u32 tries)
{
	if (tries && !(tries % 64))
		cfs_yield();
	return tries < CFS_RETRIES;
}

static inline u32 cfs_mode_to_dt(u32 mode)
{
	return (mode & CFS_S_IFMT) >> 12;
}

#endif /* _COHORTFS_FORMAT_H */
