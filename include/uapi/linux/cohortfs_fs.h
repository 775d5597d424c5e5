/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * cohortfs: a lock-free shared-memory filesystem.
 *
 * On-media format, shared by the kernel module and the userspace tools.
 * docs/cohortfs-format.md describes the protocol that goes with it: which
 * word is published by which atomic operation, and what a reader must
 * check.  All integers are little-endian.  Words named "atomic" below are
 * only ever read and written with single 64-bit (or 32-bit) atomic
 * operations; everything else is written before it is published and is
 * never changed while it is reachable.
 */
#ifndef _UAPI_LINUX_COHORTFS_FS_H
#define _UAPI_LINUX_COHORTFS_FS_H

#include <linux/types.h>

#define COHORTFS_MAGIC		0x31534643	/* "CFS1" */
#define COHORTFS_BODY_MAGIC	0x59444f42	/* "BODY" */
#define COHORTFS_DIRB_MAGIC	0x42524944	/* "DIRB" */

#define COHORTFS_VERSION_MAJOR	1	/* incompatible changes */
#define COHORTFS_VERSION_MINOR	1	/* compatible additions */

#define COHORTFS_BLOCK_SHIFT	12
#define COHORTFS_BLOCK_SIZE	(1U << COHORTFS_BLOCK_SHIFT)

#define COHORTFS_MAX_CLIENTS	64
#define COHORTFS_ROOT_INO	1
#define COHORTFS_NAME_MAX	255
/*
 * Longest symlink target (PATH_MAX - 1, as Linux allows).  Up to
 * COHORTFS_INLINE_MAX bytes it is inline in the body; longer, in one
 * data block (depth 1).
 */
#define COHORTFS_SYMLINK_MAX	4095

/*
 * Feature bits; a mount refuses any unknown incompat bit.
 * INCOMPAT_PINNED (format 1.1, set by every mkfs since): regular files may
 * be pinned (COHORTFS_BODY_PINNED), which writers that do not know it
 * would break by freeing data blocks that are mapped.
 */
#define COHORTFS_FEATURE_INCOMPAT_PINNED	(1U << 0)
#define COHORTFS_FEATURE_INCOMPAT_SUPP	COHORTFS_FEATURE_INCOMPAT_PINNED
#define COHORTFS_FEATURE_RO_COMPAT_SUPP	0

/*
 * Block 0: the superblock.  Bytes [0, COHORTFS_SB_CSUM_END) are written by
 * mkfs only and covered by @csum (crc32c, seed ~0, with @csum taken as 0).
 * The dynamic words live on their own cache lines from offset 1024.
 */
#define COHORTFS_SB_CSUM_END	256

struct cohortfs_super {
	__le32	magic;
	__le16	version_major;
	__le16	version_minor;
	__le32	block_size;
	__le32	feature_compat;
	__le32	feature_incompat;
	__le32	feature_ro_compat;
	__le64	nblocks;	/* blocks in the filesystem */
	__le32	clients_blk;	/* client table, one block */
	__le32	bitmap_blk;	/* first allocation bitmap block */
	__le32	bitmap_blocks;
	__le32	itable_blk;	/* first inode table block */
	__le32	itable_blocks;
	__le32	ninodes;	/* inode slots, 0 is never used */
	__le32	data_blk;	/* first block of the data area */
	__le32	root_ino;
	__le64	mkfs_time;	/* ns since the epoch */
	__u8	uuid[16];
	__u8	label[32];
	__u8	pad0[132];
	__le32	csum;
	/* offset 256 */
	__u8	pad1[768];
	/* offset 1024: atomic, advisory counters and hints */
	__le64	free_blocks;	/* atomic, approximate */
	__le64	free_inodes;	/* atomic, approximate */
	__le64	pad2[6];
	/* offset 1088 */
	__le64	alloc_hint;	/* atomic: block to start searching at */
	__le64	ino_hint;	/* atomic: inode to start searching at */
	__le64	client_seq;	/* atomic: client incarnation counter */
	__le64	move_lease;	/* atomic: owner tag of a cross-dir mkdir move */
	__le64	pad3[4];
	__u8	pad4[COHORTFS_BLOCK_SIZE - 1152];
};

/*
 * Owner tags name a live client incarnation: bits 0..7 the client slot,
 * bits 8..31 the incarnation number of that slot's claim.
 */
#define COHORTFS_TAG_SLOT(t)	((t) & 0xffU)
#define COHORTFS_TAG_INC(t)	(((t) >> 8) & 0xffffffU)

/*
 * The client table (one block): every process or kernel that mounts the
 * region claims one entry by CAS on @owner (0 = free), giving
 * [63:32] host id (pid or kernel instance), [31:0] owner tag.
 */
struct cohortfs_client {
	__le64	owner;		/* atomic */
	__le64	host_stamp;	/* start time of the holder, for liveness */
	__le64	heartbeat;	/* ns, advisory */
	__le64	pad[5];
};

/*
 * Inode slot, 64 bytes, in the inode table.  Slot N is inode N.
 *
 * @state: [7:0] COHORTFS_IS_* flags, [31:8] generation (bumped when the
 *	slot is allocated), [63:32] owner tag for the RMDIR and DYING flags.
 * @body:  [31:0] block of the current body, [63:32] version, bumped on
 *	every publish.  Published by CAS with release ordering.
 * @holders: bit N set while client N holds the inode (open or cached).
 */
#define COHORTFS_IS_INUSE	0x01
#define COHORTFS_IS_RMDIR	0x02	/* rmdir or rename-over in progress */
#define COHORTFS_IS_DYING	0x04	/* reclaim in progress */
#define COHORTFS_IS_FLAGS	0x07

struct cohortfs_inode {
	__le64	state;		/* atomic */
	__le64	body;		/* atomic */
	__le64	holders;	/* atomic */
	__le32	nlink;		/* atomic: names that refer to the inode */
	__le32	subdirs;	/* atomic: directories: child directories */
	__le32	parent;		/* atomic: directories: parent inode */
	__le32	pad;
	__le64	atime;		/* atomic, ns since the epoch */
	__le64	mtime;		/* atomic */
	__le64	ctime;		/* atomic */
};

/*
 * Inode body: a whole block, copy-on-write.  Immutable once published.
 * depth 0: @inline_data holds the file (regular files, symlinks).
 * depth d >= 1: @map[i] is the root of a subtree of height d - 1 covering
 * file blocks [i * 1024^(d-1), (i + 1) * 1024^(d-1)); height 0 is a data
 * block, height h > 0 an indirect block of COHORTFS_PTRS_PER_BLOCK
 * pointers.  Pointer 0 is a hole.  Directories are files of dirent blocks.
 *
 * @flags COHORTFS_BODY_PINNED (regular files, depth >= 1): the data blocks
 * are stable.  They are written in place, never replaced, and freed only
 * with the inode; a truncate keeps them (pointers past the end of file
 * may then be set).  So they can be mapped straight into address spaces,
 * in every kernel at once.  Set by the first mmap(); never cleared.
 */
#define COHORTFS_BODY_PINNED	0x01
#define COHORTFS_BODY_HDR	64
#define COHORTFS_INLINE_MAX	(COHORTFS_BLOCK_SIZE - COHORTFS_BODY_HDR)
#define COHORTFS_BODY_PTRS	(COHORTFS_INLINE_MAX / 4)
#define COHORTFS_PTRS_PER_BLOCK	(COHORTFS_BLOCK_SIZE / 4)
#define COHORTFS_MAX_DEPTH	4

struct cohortfs_body {
	__le32	magic;
	__le32	ino;
	__le32	gen;
	__le32	mode;
	__le32	uid;
	__le32	gid;
	__le32	rdev;
	__u8	depth;
	__u8	flags;		/* COHORTFS_BODY_* */
	__u8	pad0[2];
	__le64	size;
	__le64	pad1[3];
	union {
		__u8	inline_data[COHORTFS_INLINE_MAX];
		__le32	map[COHORTFS_BODY_PTRS];
	};
};

/*
 * Directory entry, 272 bytes, 15 per dirent block.
 * @ctl: [3:0] COHORTFS_DE_* state, [7:4] DT_* type, [31:8] version
 *	(bumped by every change), [63:32] inode (LIVE) or owner tag
 *	(CLAIMED, PENDING).  The name is written while the entry is CLAIMED,
 *	is valid from PENDING on and is immutable while the entry is LIVE.
 */
#define COHORTFS_DE_FREE	0	/* unused */
#define COHORTFS_DE_CLAIMED	1	/* owned by a writer, name not valid */
#define COHORTFS_DE_LIVE	2	/* a name: valid, visible */
#define COHORTFS_DE_PENDING	3	/* owned by a writer, name valid */

#define COHORTFS_DIRENTS_PER_BLOCK	15

struct cohortfs_dirent {
	__le64	ctl;		/* atomic */
	__le32	hash;
	__u8	name_len;
	__u8	pad[3];
	__u8	name[256];
};

struct cohortfs_dirblock {
	__le32	magic;
	__le32	ino;		/* directory that owns the block */
	__le32	gen;
	__le32	pad;
	struct cohortfs_dirent de[COHORTFS_DIRENTS_PER_BLOCK];
};

/* Compile-time size checks: a division by zero fails the build. */
enum {
	COHORTFS_SIZE_CHECK_SUPER =
		1 / (sizeof(struct cohortfs_super) == COHORTFS_BLOCK_SIZE),
	COHORTFS_SIZE_CHECK_CLIENT = 1 / (sizeof(struct cohortfs_client) == 64),
	COHORTFS_SIZE_CHECK_INODE = 1 / (sizeof(struct cohortfs_inode) == 64),
	COHORTFS_SIZE_CHECK_BODY =
		1 / (sizeof(struct cohortfs_body) == COHORTFS_BLOCK_SIZE),
	COHORTFS_SIZE_CHECK_DIRENT = 1 / (sizeof(struct cohortfs_dirent) == 272),
	COHORTFS_SIZE_CHECK_DIRBLOCK =
		1 / (sizeof(struct cohortfs_dirblock) == COHORTFS_BLOCK_SIZE),
};

#endif /* _UAPI_LINUX_COHORTFS_FS_H */
