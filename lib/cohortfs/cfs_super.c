// SPDX-License-Identifier: GPL-2.0
/*
 * cohortfs: superblock, layout, client table and space allocation.
 *
 * Shared between the kernel module and the userspace tools: only
 * cfs_os.h primitives are used here.
 */
#include "format.h"

struct cfs_layout {
	u32 bitmap_blocks;
	u32 itable_blk;
	u32 itable_blocks;
	u32 data_blk;
};

#define CFS_BITS_PER_BLOCK	(COHORTFS_BLOCK_SIZE * 8)
#define CFS_INODES_PER_BLOCK	(COHORTFS_BLOCK_SIZE / 64)
#define CFS_MAX_INODES		0x10000000U

static int cfs_layout(u64 nblocks, u32 ninodes, struct cfs_layout *l)
{
	u64 end;

	if (nblocks > 0xffffffffULL || ninodes < 2 ||
	    ninodes > CFS_MAX_INODES || ninodes % CFS_INODES_PER_BLOCK)
		return -EINVAL;
	l->bitmap_blocks = (nblocks + CFS_BITS_PER_BLOCK - 1) /
			   CFS_BITS_PER_BLOCK;
	l->itable_blk = 2 + l->bitmap_blocks;
	l->itable_blocks = ninodes / CFS_INODES_PER_BLOCK;
	end = (u64)l->itable_blk + l->itable_blocks;
	/* room for the root body and at least a few blocks of data */
	if (end + 4 > nblocks)
		return -ENOSPC;
	l->data_blk = end;
	return 0;
}

static u32 cfs_super_csum(const struct cohortfs_super *sb)
{
	u32 zero = 0;
	u32 c;

	c = cfs_crc32c(~0U, sb, COHORTFS_SB_CSUM_END - 4);
	return cfs_crc32c(c, &zero, 4);
}

/**
 * cfs_hash_name() - hash of a file name, stored in its dirent.
 * @name: the name.
 * @len: its length.
 *
 * Return: 32-bit FNV-1a hash of the name.
 */
u32 cfs_hash_name(const char *name, u32 len)
{
	u32 h = 2166136261U;
	u32 i;

	for (i = 0; i < len; i++) {
		h ^= (u8)name[i];
		h *= 16777619U;
	}
	return h;
}

static void cfs_bit_set_plain(__le64 *bm, u64 bit)
{
	bm[bit / 64] |= cpu_to_le64(1ULL << (bit % 64));
}

/**
 * cfs_format() - write an empty filesystem into a region.
 * @base: start of the region.
 * @size: its length in bytes.
 * @o: parameters.
 *
 * Nothing else may use the region meanwhile.
 *
 * Return: 0 or a negative errno (-ENOSPC if the region is too small).
 */
int cfs_format(void *base, u64 size, const struct cfs_mkfs_opts *o)
{
	struct cohortfs_super *sb = base;
	struct cohortfs_inode *root;
	struct cohortfs_body *body;
	struct cfs_layout l;
	u64 nblocks = size >> COHORTFS_BLOCK_SHIFT;
	u32 ninodes = o->ninodes;
	__le64 *bm;
	u64 b, bmbits;
	int ret;

	if (nblocks > 0xffffffffULL)
		nblocks = 0xffffffffULL;
	if (!ninodes)
		ninodes = nblocks / 4;
	ninodes = (ninodes + CFS_INODES_PER_BLOCK - 1) &
		  ~(CFS_INODES_PER_BLOCK - 1);
	if (ninodes < CFS_INODES_PER_BLOCK)
		ninodes = CFS_INODES_PER_BLOCK;
	if (ninodes > CFS_MAX_INODES)
		ninodes = CFS_MAX_INODES;
	ret = cfs_layout(nblocks, ninodes, &l);
	if (ret)
		return ret;

	memset(base, 0, (u64)l.data_blk << COHORTFS_BLOCK_SHIFT);
	sb->magic = cpu_to_le32(COHORTFS_MAGIC);
	sb->version_major = cpu_to_le16(COHORTFS_VERSION_MAJOR);
	sb->version_minor = cpu_to_le16(COHORTFS_VERSION_MINOR);
	sb->block_size = cpu_to_le32(COHORTFS_BLOCK_SIZE);
	sb->feature_incompat = cpu_to_le32(COHORTFS_FEATURE_INCOMPAT_PINNED);
	sb->nblocks = cpu_to_le64(nblocks);
	sb->clients_blk = cpu_to_le32(1);
	sb->bitmap_blk = cpu_to_le32(2);
	sb->bitmap_blocks = cpu_to_le32(l.bitmap_blocks);
	sb->itable_blk = cpu_to_le32(l.itable_blk);
	sb->itable_blocks = cpu_to_le32(l.itable_blocks);
	sb->ninodes = cpu_to_le32(ninodes);
	sb->data_blk = cpu_to_le32(l.data_blk);
	sb->root_ino = cpu_to_le32(COHORTFS_ROOT_INO);
	sb->mkfs_time = cpu_to_le64(o->time);
	memcpy(sb->uuid, o->uuid, sizeof(sb->uuid));
	memcpy(sb->label, o->label, sizeof(sb->label));
	sb->csum = cpu_to_le32(cfs_super_csum(sb));

	/* metadata, the root body and the bits past the end are in use */
	bm = (__le64 *)((u8 *)base + 2 * COHORTFS_BLOCK_SIZE);
	for (b = 0; b <= l.data_blk; b++)
		cfs_bit_set_plain(bm, b);
	bmbits = (u64)l.bitmap_blocks * CFS_BITS_PER_BLOCK;
	for (b = nblocks; b < bmbits; b++)
		cfs_bit_set_plain(bm, b);

	body = (void *)((u8 *)base +
			((u64)l.data_blk << COHORTFS_BLOCK_SHIFT));
	memset(body, 0, sizeof(*body));
	body->magic = cpu_to_le32(COHORTFS_BODY_MAGIC);
	body->ino = cpu_to_le32(COHORTFS_ROOT_INO);
	body->gen = cpu_to_le32(1);
	body->mode = cpu_to_le32(CFS_S_IFDIR | (o->root_mode & 07777));
	body->uid = cpu_to_le32(o->root_uid);
	body->gid = cpu_to_le32(o->root_gid);
	body->depth = 1;

	root = (void *)((u8 *)base +
			((u64)l.itable_blk << COHORTFS_BLOCK_SHIFT));
	root += COHORTFS_ROOT_INO;
	root->state = cpu_to_le64(CFS_ST_MAKE(COHORTFS_IS_INUSE, 1, 0));
	root->body = cpu_to_le64(CFS_BODY_MAKE(l.data_blk, 1));
	root->nlink = cpu_to_le32(1);
	root->parent = cpu_to_le32(COHORTFS_ROOT_INO);
	root->atime = cpu_to_le64(o->time);
	root->mtime = cpu_to_le64(o->time);
	root->ctime = cpu_to_le64(o->time);

	sb->free_blocks = cpu_to_le64(nblocks - l.data_blk - 1);
	sb->free_inodes = cpu_to_le64(ninodes - 2);
	sb->alloc_hint = cpu_to_le64(l.data_blk + 1);
	sb->ino_hint = cpu_to_le64(2);
	return 0;
}

/**
 * cfs_validate_super() - check that a region holds a usable cohortfs.
 * @base: start of the region.
 * @size: its length in bytes.
 *
 * Return: 0; -EUCLEAN if it is not cohortfs or is corrupt; -EOPNOTSUPP
 * for a version or feature this code does not know.
 */
int cfs_validate_super(const void *base, u64 size)
{
	const struct cohortfs_super *sb = base;
	struct cfs_layout l;
	u64 nblocks;

	if (size < COHORTFS_BLOCK_SIZE)
		return -EUCLEAN;
	if (le32_to_cpu(sb->magic) != COHORTFS_MAGIC)
		return -EUCLEAN;
	if (le32_to_cpu(sb->csum) != cfs_super_csum(sb))
		return -EUCLEAN;
	if (le16_to_cpu(sb->version_major) != COHORTFS_VERSION_MAJOR)
		return -EOPNOTSUPP;
	if (le32_to_cpu(sb->feature_incompat) &
	    ~COHORTFS_FEATURE_INCOMPAT_SUPP)
		return -EOPNOTSUPP;
	if (le32_to_cpu(sb->block_size) != COHORTFS_BLOCK_SIZE)
		return -EUCLEAN;
	nblocks = le64_to_cpu(sb->nblocks);
	if (nblocks > (size >> COHORTFS_BLOCK_SHIFT))
		return -EUCLEAN;
	if (cfs_layout(nblocks, le32_to_cpu(sb->ninodes), &l))
		return -EUCLEAN;
	if (le32_to_cpu(sb->clients_blk) != 1 ||
	    le32_to_cpu(sb->bitmap_blk) != 2 ||
	    le32_to_cpu(sb->bitmap_blocks) != l.bitmap_blocks ||
	    le32_to_cpu(sb->itable_blk) != l.itable_blk ||
	    le32_to_cpu(sb->itable_blocks) != l.itable_blocks ||
	    le32_to_cpu(sb->data_blk) != l.data_blk ||
	    le32_to_cpu(sb->root_ino) != COHORTFS_ROOT_INO)
		return -EUCLEAN;
	return 0;
}

/**
 * cfs_tag_stale() - whether an owner tag no longer names a live client.
 * @fs: the mount.
 * @tag: owner tag found in an entry, inode state or lease.
 *
 * Return: true if the client left, was evicted, or its host died.
 */
bool cfs_tag_stale(struct cfs_fs *fs, u32 tag)
{
	struct cohortfs_client *c;
	u32 slot = COHORTFS_TAG_SLOT(tag);
	u64 owner;

	if (fs->client >= 0 && tag == fs->tag)
		return false;
	if (slot >= COHORTFS_MAX_CLIENTS)
		return true;
	c = &fs->clients[slot];
	owner = cfs_ld64(&c->owner);
	if ((u32)owner != tag || !tag)
		return true;
	if (!fs->host || !fs->host->alive)
		return false;
	return !fs->host->alive(fs->host->priv, (u32)(owner >> 32),
				cfs_ld64(&c->host_stamp));
}

/* Drop client @slot's holds everywhere, reclaiming what it kept alive. */
static void cfs_drop_client_holds(struct cfs_fs *fs, u32 slot)
{
	u64 bit = 1ULL << slot;
	u32 ino;

	for (ino = 1; ino < fs->ninodes; ino++) {
		struct cohortfs_inode *in = cfs_inode(fs, ino);
		u64 st;

		if (!(cfs_ld64_relaxed(&in->holders) & bit))
			continue;
		cfs_fetch_and64(&in->holders, ~bit);
		st = cfs_ld64(&in->state);
		if (CFS_ST_FLAGS(st) & COHORTFS_IS_INUSE)
			cfs_try_reclaim(fs, ino, CFS_ST_GEN(st));
	}
}

/**
 * cfs_evict_stale_clients() - free the client entries of dead hosts.
 * @fs: the mount.
 *
 * Their holds are dropped first, so orphans they kept are reclaimed.
 *
 * Return: number of entries freed.
 */
int cfs_evict_stale_clients(struct cfs_fs *fs)
{
	int n = 0;
	u32 i;

	for (i = 0; i < COHORTFS_MAX_CLIENTS; i++) {
		u64 owner = cfs_ld64(&fs->clients[i].owner);

		if (!owner || (fs->client >= 0 && (int)i == fs->client))
			continue;
		if (!cfs_tag_stale(fs, (u32)owner))
			continue;
		cfs_drop_client_holds(fs, i);
		if (cfs_cas64(&fs->clients[i].owner, &owner, 0))
			n++;
	}
	return n;
}

static int cfs_register(struct cfs_fs *fs)
{
	u32 inc, i;

	inc = (cfs_fetch_add64(&fs->sb->client_seq, 1) + 1) & 0xffffff;
	if (!inc)
		inc = 1;
	for (i = 0; i < COHORTFS_MAX_CLIENTS; i++) {
		struct cohortfs_client *c = &fs->clients[i];
		u32 tag = (inc << 8) | i;
		u64 old = 0;
		u64 id = fs->host ? fs->host->host_id : 0;

		if (cfs_ld64_relaxed(&c->owner))
			continue;
		if (!cfs_cas64(&c->owner, &old, (id << 32) | tag))
			continue;
		cfs_st64(&c->host_stamp, fs->host ? fs->host->host_stamp : 0);
		cfs_st64(&c->heartbeat, cfs_now(fs));
		fs->client = i;
		fs->tag = tag;
		/* holds a previous, dead holder of the slot left behind */
		cfs_drop_client_holds(fs, i);
		/* registered first, so that eviction can reclaim orphans */
		cfs_evict_stale_clients(fs);
		return 0;
	}
	return -EUSERS;
}

/**
 * cfs_mount() - validate a region and attach to it.
 * @fs: filled in.
 * @base: the mapped region.
 * @size: its length.
 * @host: host callbacks (kept by reference).
 * @register_client: claim a client slot; needed to write.
 *
 * Return: 0 or a negative errno.
 */
int cfs_mount(struct cfs_fs *fs, void *base, u64 size,
	      const struct cfs_host *host, bool register_client)
{
	const struct cohortfs_super *sb = base;
	int ret;

	memset(fs, 0, sizeof(*fs));
	fs->client = -1;
	ret = cfs_validate_super(base, size);
	if (ret)
		return ret;
	fs->base = base;
	fs->size = size;
	fs->sb = base;
	fs->host = host;
	fs->nblocks = le64_to_cpu(sb->nblocks);
	fs->incompat = le32_to_cpu(sb->feature_incompat);
	fs->ninodes = le32_to_cpu(sb->ninodes);
	fs->data_blk = le32_to_cpu(sb->data_blk);
	fs->nwords = (fs->nblocks + 63) / 64;
	fs->clients = cfs_blk(fs, 1);
	fs->bitmap = cfs_blk(fs, 2);
	fs->itable = cfs_blk(fs, le32_to_cpu(sb->itable_blk));
	if (!register_client)
		return 0;
	return cfs_register(fs);
}

/**
 * cfs_unmount() - detach from a region, dropping all our holds.
 * @fs: the mount.
 */
void cfs_unmount(struct cfs_fs *fs)
{
	if (fs->client >= 0) {
		u64 owner;

		cfs_drop_client_holds(fs, fs->client);
		owner = cfs_ld64(&fs->clients[fs->client].owner);
		if ((u32)owner == fs->tag)
			cfs_cas64(&fs->clients[fs->client].owner, &owner, 0);
	}
	fs->client = -1;
}

/**
 * cfs_balloc() - allocate one block.
 * @fs: the mount.
 * @blk: the block number.
 *
 * The block's contents are undefined; the caller owns it until it is
 * published or freed.
 *
 * Return: 0 or -ENOSPC.
 */
int cfs_balloc(struct cfs_fs *fs, u32 *blk)
{
	u64 hint = cfs_ld64_relaxed(&fs->sb->alloc_hint);
	u32 start = (hint < fs->nblocks ? hint : fs->data_blk) / 64;
	u32 i;

	for (i = 0; i < fs->nwords; i++) {
		u32 w = (start + i) % fs->nwords;
		u64 v = cfs_ld64_relaxed(&fs->bitmap[w]);
		u64 skip = 0;

		while ((v | skip) != ~0ULL) {
			u32 bit = __builtin_ctzll(~(v | skip));
			u64 b = (u64)w * 64 + bit;

			if (b < fs->data_blk || b >= fs->nblocks) {
				skip |= 1ULL << bit;
				continue;
			}
			if (cfs_cas64(&fs->bitmap[w], &v, v | (1ULL << bit))) {
				cfs_st64_relaxed(&fs->sb->alloc_hint, b + 1);
				cfs_fetch_add64(&fs->sb->free_blocks, -1ULL);
				*blk = b;
				return 0;
			}
		}
	}
	return -ENOSPC;
}

/**
 * cfs_bfree() - free one block.
 * @fs: the mount.
 * @blk: a block that nothing published refers to any more.
 *
 * Return: 0, or -EUCLEAN if it was out of range or already free.
 */
int cfs_bfree(struct cfs_fs *fs, u32 blk)
{
	u64 bit, old;

	if (!cfs_blk_ok(fs, blk))
		return -EUCLEAN;
	bit = 1ULL << (blk % 64);
	old = cfs_fetch_and64(&fs->bitmap[blk / 64], ~bit);
	if (!(old & bit))
		return -EUCLEAN;
	cfs_fetch_add64(&fs->sb->free_blocks, 1);
	return 0;
}

/**
 * cfs_ialloc() - allocate an inode slot.
 * @fs: the mount.
 * @ino: the inode number.
 * @gen: its new generation.
 *
 * The slot is in use but unreferenced: the caller initializes it and
 * publishes a name for it, or frees it with cfs_drop_new_inode().
 *
 * Return: 0 or -ENOSPC.
 */
int cfs_ialloc(struct cfs_fs *fs, u32 *ino, u32 *gen)
{
	u64 hint = cfs_ld64_relaxed(&fs->sb->ino_hint);
	u32 n = fs->ninodes - 2;
	u32 start = hint >= 2 && hint < fs->ninodes ? hint - 2 : 0;
	u32 i;

	for (i = 0; i < n; i++) {
		u32 in = 2 + (start + i) % n;
		struct cohortfs_inode *slot = cfs_inode(fs, in);
		u64 st = cfs_ld64_relaxed(&slot->state);
		u32 g;

		if (CFS_ST_FLAGS(st))
			continue;
		g = (CFS_ST_GEN(st) + 1) & 0xffffff;
		if (!g)
			g = 1;
		if (!cfs_cas64(&slot->state, &st,
			       CFS_ST_MAKE(COHORTFS_IS_INUSE, g, 0)))
			continue;
		cfs_st64_relaxed(&fs->sb->ino_hint, in + 1);
		cfs_fetch_add64(&fs->sb->free_inodes, -1ULL);
		*ino = in;
		*gen = g;
		return 0;
	}
	return -ENOSPC;
}

/**
 * cfs_statfs() - filesystem-wide counts (free counts are approximate).
 * @fs: the mount.
 * @st: filled in.
 */
void cfs_statfs(struct cfs_fs *fs, struct cfs_statfs *st)
{
	s64 bf = cfs_ld64_relaxed(&fs->sb->free_blocks);
	s64 fi = cfs_ld64_relaxed(&fs->sb->free_inodes);
	u64 data = fs->nblocks - fs->data_blk;

	st->blocks = data;
	st->bfree = bf < 0 ? 0 : (u64)bf > data ? data : (u64)bf;
	st->files = fs->ninodes - 1;
	st->ffree = fi < 0 ? 0 : (u64)fi > st->files ? st->files : (u64)fi;
}

/**
 * cfs_lease_acquire() - take the directory-move lease.
 * @fs: the mount.
 *
 * Serializes moves of directories between parents (the only operation
 * that can create a cycle).  A lease whose holder is dead is taken over.
 *
 * Return: 0, -EAGAIN if it stays held by a live client, -EROFS if we are
 * not registered.
 */
int cfs_lease_acquire(struct cfs_fs *fs)
{
	u32 spins;

	if (fs->client < 0)
		return -EROFS;
	for (spins = 0; cfs_may_retry(spins); spins++) {
		u64 cur = cfs_ld64(&fs->sb->move_lease);

		if (cur && !cfs_tag_stale(fs, (u32)cur)) {
			cfs_relax();
			continue;
		}
		if (cfs_cas64(&fs->sb->move_lease, &cur, fs->tag))
			return 0;
	}
	return -EAGAIN;
}

/**
 * cfs_lease_release() - give the directory-move lease back.
 * @fs: the mount.
 */
void cfs_lease_release(struct cfs_fs *fs)
{
	u64 cur = fs->tag;

	cfs_cas64(&fs->sb->move_lease, &cur, 0);
}
