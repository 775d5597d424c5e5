// SPDX-License-Identifier: GPL-2.0
/*
 * cohortfs: inodes, bodies and file data.
 *
 * An inode's attributes, size and block map live in its body, a block
 * that is copied, changed and published with one CAS of the inode's body
 * word.  Readers take the body word, read, and check that the word did
 * not change; so a block freed and reused under them can only cost a
 * retry.  Shared between the kernel module and the userspace tools.
 */
#include "format.h"

#define CFS_CHUNK_BLOCKS	32
#define CFS_TXN_ALLOC		64
#define CFS_TXN_FREE		(COHORTFS_BODY_PTRS + COHORTFS_MAX_DEPTH * \
				 COHORTFS_PTRS_PER_BLOCK + 64)

/* Blocks a change allocated (freed on abort) and obsoleted (on commit). */
struct cfs_txn {
	u32 nalloc;
	u32 nfree;
	u32 alloc[CFS_TXN_ALLOC];
	u32 free_blk[CFS_TXN_FREE];
	u8 free_h[CFS_TXN_FREE];
};

static u64 cfs_span(u32 h)
{
	return 1ULL << (10 * h);
}

static u64 cfs_capacity(u32 depth)
{
	return depth ? (u64)COHORTFS_BODY_PTRS * cfs_span(depth - 1) : 0;
}

static bool cfs_pinned(const struct cohortfs_body *b)
{
	return READ_ONCE(b->flags) & COHORTFS_BODY_PINNED;
}

static int cfs_txn_alloc(struct cfs_fs *fs, struct cfs_txn *t, u32 *blk)
{
	int ret;

	if (t->nalloc >= CFS_TXN_ALLOC)
		return -EFBIG;
	ret = cfs_balloc(fs, blk);
	if (ret)
		return ret;
	t->alloc[t->nalloc++] = *blk;
	return 0;
}

static bool cfs_txn_is_new(struct cfs_txn *t, u32 blk)
{
	u32 i;

	for (i = 0; i < t->nalloc; i++)
		if (t->alloc[i] == blk)
			return true;
	return false;
}

static int cfs_txn_free_later(struct cfs_txn *t, u32 blk, u32 height)
{
	if (t->nfree >= CFS_TXN_FREE)
		return -EFBIG;
	t->free_blk[t->nfree] = blk;
	t->free_h[t->nfree++] = height;
	return 0;
}

static void cfs_txn_abort(struct cfs_fs *fs, struct cfs_txn *t)
{
	u32 i;

	for (i = 0; i < t->nalloc; i++)
		cfs_bfree(fs, t->alloc[i]);
	t->nalloc = 0;
	t->nfree = 0;
}

/**
 * cfs_free_tree() - free a subtree of a block map that is unreachable.
 * @fs: the mount.
 * @blk: root of the subtree.
 * @height: 0 for a data block, else an indirect block's height.
 *
 * Return: 0, or -EUCLEAN if a bad pointer was skipped.
 */
int cfs_free_tree(struct cfs_fs *fs, u32 blk, u32 height)
{
	int ret = 0;
	u32 i;

	if (!cfs_blk_ok(fs, blk) || height > COHORTFS_MAX_DEPTH)
		return -EUCLEAN;
	if (height) {
		__le32 *ind = cfs_blk(fs, blk);

		for (i = 0; i < COHORTFS_PTRS_PER_BLOCK; i++) {
			u32 p = cfs_ldptr(&ind[i]);

			if (p && cfs_free_tree(fs, p, height - 1))
				ret = -EUCLEAN;
		}
	}
	if (cfs_bfree(fs, blk))
		ret = -EUCLEAN;
	return ret;
}

static void cfs_txn_commit(struct cfs_fs *fs, struct cfs_txn *t)
{
	u32 i;

	for (i = 0; i < t->nfree; i++)
		cfs_free_tree(fs, t->free_blk[i], t->free_h[i]);
	t->nalloc = 0;
	t->nfree = 0;
}

/*
 * Load the body word of @ino and check the body it names.  @gen 0 takes
 * any generation.  The caller must re-check the word after reading.
 */
static int cfs_body_load(struct cfs_fs *fs, u32 ino, u32 gen, u64 *word,
			 struct cohortfs_body **bp)
{
	struct cohortfs_inode *in;
	u32 tries;

	if (!cfs_ino_ok(fs, ino))
		return -ESTALE;
	in = cfs_inode(fs, ino);
	for (tries = 0; cfs_may_retry(tries); tries++) {
		u64 st = cfs_ld64(&in->state);
		u64 w = cfs_ld64(&in->body);
		struct cohortfs_body *b;
		u32 blk = CFS_BODY_BLK(w);
		u32 g = CFS_ST_GEN(st);

		if (!(CFS_ST_FLAGS(st) & COHORTFS_IS_INUSE) ||
		    (CFS_ST_FLAGS(st) & COHORTFS_IS_DYING))
			return -ESTALE;
		if (gen && g != gen)
			return -ESTALE;
		if (!cfs_blk_ok(fs, blk))
			goto check;
		b = cfs_blk(fs, blk);
		if (le32_to_cpu(READ_ONCE(b->magic)) != COHORTFS_BODY_MAGIC ||
		    le32_to_cpu(READ_ONCE(b->ino)) != ino ||
		    le32_to_cpu(READ_ONCE(b->gen)) != g ||
		    READ_ONCE(b->depth) > COHORTFS_MAX_DEPTH)
			goto check;
		*word = w;
		*bp = b;
		return 0;
check:
		cfs_rmb();
		if (cfs_ld64(&in->body) == w && cfs_ld64(&in->state) == st)
			return -EUCLEAN;
	}
	return -EAGAIN;
}

static bool cfs_body_changed(struct cfs_fs *fs, u32 ino, u64 w)
{
	cfs_rmb();
	return cfs_ld64(&cfs_inode(fs, ino)->body) != w;
}

/**
 * cfs_inode_valid() - check that @ino is in use with generation @gen.
 * @fs: the mount.
 * @ino: inode number.
 * @gen: generation (0: any).
 *
 * Return: 0, -ESTALE, or -EUCLEAN.
 */
int cfs_inode_valid(struct cfs_fs *fs, u32 ino, u32 gen)
{
	struct cohortfs_body *b;
	u64 w;

	return cfs_body_load(fs, ino, gen, &w, &b);
}

/**
 * cfs_map_lookup() - data block of file block @fblk in body @b.
 * @fs: the mount.
 * @b: a body (which may be changing under us: the caller re-checks).
 * @fblk: file block number.
 * @out: the block, or 0 for a hole.
 *
 * Return: 0 or -EUCLEAN.
 */
int cfs_map_lookup(struct cfs_fs *fs, const struct cohortfs_body *b,
		   u64 fblk, u32 *out)
{
	u32 depth = READ_ONCE(b->depth);
	u32 h, p;
	u64 idx;

	*out = 0;
	if (!depth || depth > COHORTFS_MAX_DEPTH)
		return -EUCLEAN;
	h = depth - 1;
	idx = fblk >> (10 * h);
	if (idx >= COHORTFS_BODY_PTRS)
		return 0;
	p = cfs_ldptr(&b->map[idx]);
	while (p && h > 0) {
		__le32 *ind;

		if (!cfs_blk_ok(fs, p))
			return -EUCLEAN;
		ind = cfs_blk(fs, p);
		h--;
		p = cfs_ldptr(&ind[(fblk >> (10 * h)) & 1023]);
	}
	if (p && !cfs_blk_ok(fs, p))
		return -EUCLEAN;
	*out = p;
	return 0;
}

/*
 * Copy the body of @ino into a new private block.  The old body goes on
 * the free-after-commit list.
 */
static int cfs_body_cow(struct cfs_fs *fs, struct cfs_txn *t, u32 ino,
			u32 gen, u64 *word, struct cohortfs_body **nbp,
			u32 *nblk)
{
	struct cohortfs_body *old, *nb;
	u32 tries;
	int ret;

	for (tries = 0; cfs_may_retry(tries); tries++) {
		u64 w;

		ret = cfs_body_load(fs, ino, gen, &w, &old);
		if (ret)
			return ret;
		ret = cfs_txn_alloc(fs, t, nblk);
		if (ret)
			return ret;
		nb = cfs_blk(fs, *nblk);
		memcpy(nb, old, sizeof(*nb));
		if (cfs_body_changed(fs, ino, w)) {
			cfs_txn_abort(fs, t);
			continue;
		}
		if (nb->magic != cpu_to_le32(COHORTFS_BODY_MAGIC) ||
		    nb->depth > COHORTFS_MAX_DEPTH ||
		    (nb->flags & ~COHORTFS_BODY_PINNED) ||
		    (cfs_pinned(nb) &&
		     (!nb->depth || !CFS_S_ISREG(le32_to_cpu(nb->mode)))) ||
		    (!nb->depth && le64_to_cpu(nb->size) > COHORTFS_INLINE_MAX) ||
		    le64_to_cpu(nb->size) > CFS_MAX_FILE_SIZE) {
			cfs_txn_abort(fs, t);
			return -EUCLEAN;
		}
		*word = w;
		*nbp = nb;
		return cfs_txn_free_later(t, CFS_BODY_BLK(w), 0);
	}
	return -EAGAIN;
}

/* Publish the new body; on success free what it obsoleted. */
static bool cfs_body_commit(struct cfs_fs *fs, struct cfs_txn *t, u32 ino,
			    u64 w, u32 nblk)
{
	u64 old = w;

	if (!cfs_cas64(&cfs_inode(fs, ino)->body, &old,
		       CFS_BODY_MAKE(nblk, CFS_BODY_VER(w) + 1))) {
		cfs_txn_abort(fs, t);
		return false;
	}
	cfs_txn_commit(fs, t);
	return true;
}

/* Make the block @*slot (an indirect block) private to the change. */
static int cfs_cow_ptr(struct cfs_fs *fs, struct cfs_txn *t, __le32 *slot,
		       bool zero_new)
{
	u32 p = le32_to_cpu(*slot);
	u32 nb;
	int ret;

	if (p && cfs_txn_is_new(t, p))
		return 0;
	if (p && !cfs_blk_ok(fs, p))
		return -EUCLEAN;
	ret = cfs_txn_alloc(fs, t, &nb);
	if (ret)
		return ret;
	if (p) {
		memcpy(cfs_blk(fs, nb), cfs_blk(fs, p), COHORTFS_BLOCK_SIZE);
		ret = cfs_txn_free_later(t, p, 0);
		if (ret)
			return ret;
	} else if (zero_new) {
		memset(cfs_blk(fs, nb), 0, COHORTFS_BLOCK_SIZE);
	}
	*slot = cpu_to_le32(nb);
	return 0;
}

/* Pointer to the map entry of file block @fblk in private body @nb. */
static int cfs_cow_path(struct cfs_fs *fs, struct cfs_txn *t,
			struct cohortfs_body *nb, u64 fblk, __le32 **slotp)
{
	u32 h = nb->depth - 1;
	u64 idx = fblk >> (10 * h);
	__le32 *slot;
	int ret;

	if (!nb->depth || idx >= COHORTFS_BODY_PTRS)
		return -EFBIG;
	slot = &nb->map[idx];
	while (h > 0) {
		__le32 *ind;

		ret = cfs_cow_ptr(fs, t, slot, true);
		if (ret)
			return ret;
		ind = cfs_blk(fs, le32_to_cpu(*slot));
		h--;
		slot = &ind[(fblk >> (10 * h)) & 1023];
	}
	*slotp = slot;
	return 0;
}

/* Turn inline data into a block map, depth 1. */
static int cfs_uninline(struct cfs_fs *fs, struct cfs_txn *t,
			struct cohortfs_body *nb)
{
	u64 size = le64_to_cpu(nb->size);
	u32 blk = 0;
	int ret;

	if (size) {
		u8 *d;

		ret = cfs_txn_alloc(fs, t, &blk);
		if (ret)
			return ret;
		d = cfs_blk(fs, blk);
		memcpy(d, nb->inline_data, size);
		memset(d + size, 0, COHORTFS_BLOCK_SIZE - size);
	}
	memset(nb->map, 0, sizeof(nb->map));
	nb->map[0] = cpu_to_le32(blk);
	nb->depth = 1;
	return 0;
}

/* Deepen the map of @nb until it addresses @nblocks blocks. */
static int cfs_grow_depth(struct cfs_fs *fs, struct cfs_txn *t,
			  struct cohortfs_body *nb, u64 nblocks)
{
	int ret;

	if (!nb->depth) {
		ret = cfs_uninline(fs, t, nb);
		if (ret)
			return ret;
	}
	while (cfs_capacity(nb->depth) < nblocks) {
		__le32 *ind;
		u32 blk;

		if (nb->depth >= COHORTFS_MAX_DEPTH)
			return -EFBIG;
		ret = cfs_txn_alloc(fs, t, &blk);
		if (ret)
			return ret;
		ind = cfs_blk(fs, blk);
		memset(ind, 0, COHORTFS_BLOCK_SIZE);
		memcpy(ind, nb->map, sizeof(nb->map));
		memset(nb->map, 0, sizeof(nb->map));
		nb->map[0] = cpu_to_le32(blk);
		nb->depth++;
	}
	return 0;
}

static u64 cfs_block_end(u64 pos)
{
	return (pos + COHORTFS_BLOCK_SIZE - 1) & ~(u64)(COHORTFS_BLOCK_SIZE - 1);
}

/**
 * cfs_getattr() - consistent snapshot of an inode's attributes.
 * @fs: the mount.
 * @ino: inode number.
 * @a: filled in.
 *
 * Return: 0, -ESTALE if the inode is not in use, -EUCLEAN.
 */
int cfs_getattr(struct cfs_fs *fs, u32 ino, struct cfs_attr *a)
{
	struct cohortfs_inode *in;
	u32 tries;
	int ret;

	if (!cfs_ino_ok(fs, ino))
		return -ESTALE;
	in = cfs_inode(fs, ino);
	for (tries = 0; cfs_may_retry(tries); tries++) {
		struct cohortfs_body *b;
		u64 w;

		ret = cfs_body_load(fs, ino, 0, &w, &b);
		if (ret)
			return ret;
		a->ino = ino;
		a->gen = le32_to_cpu(READ_ONCE(b->gen));
		a->mode = le32_to_cpu(READ_ONCE(b->mode));
		a->uid = le32_to_cpu(READ_ONCE(b->uid));
		a->gid = le32_to_cpu(READ_ONCE(b->gid));
		a->rdev = le32_to_cpu(READ_ONCE(b->rdev));
		a->size = le64_to_cpu(READ_ONCE(b->size));
		a->flags = READ_ONCE(b->flags);
		a->blocks = READ_ONCE(b->depth) ?
			    ((a->size + COHORTFS_BLOCK_SIZE - 1) >>
			     COHORTFS_BLOCK_SHIFT) * 8 + 8 : 8;
		if (cfs_body_changed(fs, ino, w))
			continue;
		a->nlink = cfs_ld32(&in->nlink);
		if (CFS_S_ISDIR(a->mode) && a->nlink)
			a->nlink += 1 + cfs_ld32(&in->subdirs);
		a->atime = cfs_ld64_relaxed(&in->atime);
		a->mtime = cfs_ld64_relaxed(&in->mtime);
		a->ctime = cfs_ld64_relaxed(&in->ctime);
		return 0;
	}
	return -EAGAIN;
}

/**
 * cfs_touch() - set some of an inode's times to now.
 * @fs: the mount.
 * @ino: inode number.
 * @mask: CFS_SET_ATIME, CFS_SET_MTIME, CFS_SET_CTIME.
 */
void cfs_touch(struct cfs_fs *fs, u32 ino, u32 mask)
{
	struct cohortfs_inode *in;
	s64 now = cfs_now(fs);

	if (!cfs_ino_ok(fs, ino))
		return;
	in = cfs_inode(fs, ino);
	if (mask & CFS_SET_ATIME)
		cfs_st64_relaxed(&in->atime, now);
	if (mask & CFS_SET_MTIME)
		cfs_st64_relaxed(&in->mtime, now);
	if (mask & CFS_SET_CTIME)
		cfs_st64_relaxed(&in->ctime, now);
}

static struct cfs_txn *cfs_txn_new(void)
{
	return cfs_zalloc(sizeof(struct cfs_txn));
}

/* A body change callback's answer besides 0 (publish) and an errno. */
#define CFS_KEEP	1	/* nothing to publish: done */

typedef int (*cfs_body_fn)(struct cfs_fs *fs, struct cfs_txn *t,
			   struct cohortfs_body *nb, void *ctx);

/*
 * One change to the body of @ino (generation @gen, 0: any) with one
 * publish, retried from a fresh snapshot when the CAS loses.  @fn edits
 * the private copy @nb, allocating through @t, and returns 0 to publish
 * it, CFS_KEEP when there is nothing to publish, or a negative errno; an
 * -EUCLEAN while the body changed under us was a garbage read and is
 * retried.  @fn may run several times.
 */
static int cfs_body_update(struct cfs_fs *fs, u32 ino, u32 gen,
			   cfs_body_fn fn, void *ctx)
{
	struct cfs_txn *t = cfs_txn_new();
	int ret = -EAGAIN;
	u32 tries;

	if (!t)
		return -ENOMEM;
	for (tries = 0; cfs_may_retry(tries); tries++) {
		struct cohortfs_body *nb;
		u32 nblk;
		u64 w;

		ret = cfs_body_cow(fs, t, ino, gen, &w, &nb, &nblk);
		if (ret)
			break;
		ret = fn(fs, t, nb, ctx);
		if (ret) {
			cfs_txn_abort(fs, t);
			if (ret == -EUCLEAN && cfs_body_changed(fs, ino, w))
				continue;
			if (ret == CFS_KEEP)
				ret = 0;
			break;
		}
		if (cfs_body_commit(fs, t, ino, w, nblk))
			break;
		ret = -EAGAIN;
	}
	cfs_free(t);
	return ret;
}

struct cfs_setattr_ctx {
	u32 mask;
	const struct cfs_attr *a;
};

static int cfs_setattr_fn(struct cfs_fs *fs, struct cfs_txn *t,
			  struct cohortfs_body *nb, void *ctx)
{
	const struct cfs_setattr_ctx *c = ctx;

	if (c->mask & CFS_SET_MODE)
		nb->mode = cpu_to_le32((le32_to_cpu(nb->mode) & CFS_S_IFMT) |
				       (c->a->mode & 07777));
	if (c->mask & CFS_SET_UID)
		nb->uid = cpu_to_le32(c->a->uid);
	if (c->mask & CFS_SET_GID)
		nb->gid = cpu_to_le32(c->a->gid);
	return 0;
}

/**
 * cfs_setattr() - change mode, owner, size or times.
 * @fs: the mount.
 * @ino: inode number.
 * @mask: CFS_SET_* fields of @a to apply.
 * @a: the new values.
 *
 * Mode and owners change together in one publish; times are separate
 * atomic words.
 *
 * Return: 0 or a negative errno.
 */
int cfs_setattr(struct cfs_fs *fs, u32 ino, u32 mask,
		const struct cfs_attr *a)
{
	struct cfs_setattr_ctx c = { .mask = mask, .a = a };
	struct cohortfs_inode *in;
	int ret = 0;

	if (fs->client < 0)
		return -EROFS;
	if (!cfs_ino_ok(fs, ino))
		return -ESTALE;
	in = cfs_inode(fs, ino);
	if (mask & CFS_SET_SIZE) {
		ret = cfs_truncate(fs, ino, a->size);
		if (ret)
			return ret;
	}
	if (mask & (CFS_SET_MODE | CFS_SET_UID | CFS_SET_GID)) {
		ret = cfs_body_update(fs, ino, 0, cfs_setattr_fn, &c);
		if (ret)
			return ret;
	}
	if (mask & CFS_SET_ATIME)
		cfs_st64_relaxed(&in->atime, a->atime);
	if (mask & CFS_SET_MTIME)
		cfs_st64_relaxed(&in->mtime, a->mtime);
	if (mask & CFS_SET_CTIME)
		cfs_st64_relaxed(&in->ctime, a->ctime);
	else if (mask)
		cfs_touch(fs, ino, CFS_SET_CTIME);
	return 0;
}

/**
 * cfs_read() - read file data.
 * @fs: the mount.
 * @ino: inode number.
 * @off: byte offset.
 * @buf: destination.
 * @len: bytes wanted.
 *
 * The bytes come from one published version of the file.
 *
 * Return: bytes read (0 at or past the end) or a negative errno.
 */
s64 cfs_read(struct cfs_fs *fs, u32 ino, u64 off, void *buf, u64 len)
{
	u32 tries;
	int ret;

	for (tries = 0; cfs_may_retry(tries); tries++) {
		struct cohortfs_body *b;
		u64 w, size, n, done;
		u32 depth;

		ret = cfs_body_load(fs, ino, 0, &w, &b);
		if (ret)
			return ret;
		size = le64_to_cpu(READ_ONCE(b->size));
		depth = READ_ONCE(b->depth);
		if (size > CFS_MAX_FILE_SIZE ||
		    (!depth && size > COHORTFS_INLINE_MAX))
			goto check;
		if (off >= size) {
			n = 0;
			goto done;
		}
		n = size - off < len ? size - off : len;
		if (!depth) {
			memcpy(buf, b->inline_data + off, n);
			goto done;
		}
		for (done = 0; done < n; ) {
			u64 pos = off + done;
			u32 boff = pos & (COHORTFS_BLOCK_SIZE - 1);
			u64 chunk = COHORTFS_BLOCK_SIZE - boff;
			u32 p;

			if (chunk > n - done)
				chunk = n - done;
			if (cfs_map_lookup(fs, b, pos >> COHORTFS_BLOCK_SHIFT,
					   &p))
				goto check;
			if (p)
				memcpy((u8 *)buf + done,
				       (u8 *)cfs_blk(fs, p) + boff, chunk);
			else
				memset((u8 *)buf + done, 0, chunk);
			done += chunk;
		}
done:
		if (!cfs_body_changed(fs, ino, w))
			return n;
		continue;
check:
		if (!cfs_body_changed(fs, ino, w))
			return -EUCLEAN;
	}
	return -EAGAIN;
}

/*
 * A pinned file, phase 1: make blocks [@first, @last] exist (holes get
 * zeroed blocks) and the size at least @end, in the private body @nb.
 * *@changed says whether it must be published.  No data is written yet:
 * until the publish wins, the range may belong to a concurrent appender.
 */
static int cfs_pin_prepare(struct cfs_fs *fs, struct cfs_txn *t,
			   struct cohortfs_body *nb, u64 first, u64 last,
			   u64 end, bool *changed)
{
	u32 depth = nb->depth;
	u64 fb;
	int ret;

	ret = cfs_grow_depth(fs, t, nb, last + 1);
	if (ret)
		return ret;
	*changed = nb->depth != depth;
	if (end > le64_to_cpu(nb->size)) {
		nb->size = cpu_to_le64(end);
		*changed = true;
	}
	for (fb = first; fb <= last; fb++) {
		__le32 *slot;
		u32 p;

		ret = cfs_cow_path(fs, t, nb, fb, &slot);
		if (ret)
			return ret;
		p = le32_to_cpu(*slot);
		if (p) {
			if (!cfs_blk_ok(fs, p))
				return -EUCLEAN;
			continue;
		}
		ret = cfs_txn_alloc(fs, t, &p);
		if (ret)
			return ret;
		memset(cfs_blk(fs, p), 0, COHORTFS_BLOCK_SIZE);
		*slot = cpu_to_le32(p);
		*changed = true;
	}
	return 0;
}

/*
 * A pinned file, phase 2: copy @len bytes of @buf (NULL: zeros) to file
 * offset @off, in place.  Block numbers of a pinned file never change once
 * allocated, so any valid snapshot gives the right ones; a hole is
 * skipped when zeroing and is an error when writing (phase 1 filled it).
 */
static int cfs_pin_copy(struct cfs_fs *fs, u32 ino, u64 off, const u8 *buf,
			u64 len)
{
	u64 done = 0, size;
	int ret;

	while (done < len) {
		u64 pos = off + done;
		u32 boff = pos & (COHORTFS_BLOCK_SIZE - 1);
		u64 n = COHORTFS_BLOCK_SIZE - boff;
		u32 blk;

		if (n > len - done)
			n = len - done;
		ret = cfs_data_block(fs, ino, pos >> COHORTFS_BLOCK_SHIFT, &blk,
				     &size);
		if (ret)
			return ret;
		if (blk && buf)
			memcpy((u8 *)cfs_blk(fs, blk) + boff, buf + done, n);
		else if (blk)
			memset((u8 *)cfs_blk(fs, blk) + boff, 0, n);
		else if (buf)
			return -EUCLEAN;
		done += n;
	}
	return 0;
}

/*
 * A pinned file: zero [@from, @to) in blocks kept past an earlier end of
 * file, now that it is the file's again.  Only blocks within @cap, the
 * reach of the map before the change, can exist.
 */
static int cfs_pin_zero_kept(struct cfs_fs *fs, u32 ino, u64 from, u64 to,
			     u64 cap)
{
	if (to > cap)
		to = cap;
	return from < to ? cfs_pin_copy(fs, ino, from, NULL, to - from) : 0;
}

/* One publish of at most CFS_CHUNK_BLOCKS blocks of data. */
static s64 cfs_write_chunk(struct cfs_fs *fs, struct cfs_txn *t, u32 ino,
			   u64 *offp, const u8 *buf, u64 len, bool append)
{
	u32 tries;
	int ret;

	for (tries = 0; cfs_may_retry(tries); tries++) {
		struct cohortfs_body *nb;
		u64 w, size, off = *offp, end, fb, first, last;
		u32 nblk;

		ret = cfs_body_cow(fs, t, ino, 0, &w, &nb, &nblk);
		if (ret)
			return ret;
		if (!CFS_S_ISREG(le32_to_cpu(nb->mode))) {
			cfs_txn_abort(fs, t);
			return -EINVAL;
		}
		size = le64_to_cpu(nb->size);
		if (append)
			off = size;
		end = off + len;
		if (end > CFS_MAX_FILE_SIZE || end < off) {
			cfs_txn_abort(fs, t);
			return -EFBIG;
		}
		if (cfs_pinned(nb)) {
			bool changed;
			u64 cap = cfs_capacity(nb->depth) <<
				  COHORTFS_BLOCK_SHIFT;

			first = off >> COHORTFS_BLOCK_SHIFT;
			last = (end - 1) >> COHORTFS_BLOCK_SHIFT;
			ret = cfs_pin_prepare(fs, t, nb, first, last, end,
					      &changed);
			if (ret)
				goto fail;
			if (changed) {
				if (!cfs_body_commit(fs, t, ino, w, nblk))
					continue;
			} else {
				cfs_txn_abort(fs, t);
			}
			/*
			 * [off, end) is the file's now; a gap left by a write
			 * past the end may hold bytes of a kept block: zero.
			 */
			ret = cfs_pin_zero_kept(fs, ino, size, off, cap);
			if (!ret)
				ret = cfs_pin_copy(fs, ino, off, buf, len);
			if (ret)
				return ret;
			*offp = off;
			return len;
		}
		if (!nb->depth && end <= COHORTFS_INLINE_MAX) {
			if (off > size)
				memset(nb->inline_data + size, 0, off - size);
			memcpy(nb->inline_data + off, buf, len);
			goto publish;
		}
		first = off >> COHORTFS_BLOCK_SHIFT;
		last = (end - 1) >> COHORTFS_BLOCK_SHIFT;
		ret = cfs_grow_depth(fs, t, nb, last + 1);
		if (ret)
			goto fail;
		for (fb = first; fb <= last; fb++) {
			u64 bstart = fb << COHORTFS_BLOCK_SHIFT;
			u32 boff = fb == first ? off - bstart : 0;
			u32 bend = fb == last ? end - bstart : COHORTFS_BLOCK_SIZE;
			__le32 *slot;
			u32 p, nbk;
			u8 *dst;

			ret = cfs_cow_path(fs, t, nb, fb, &slot);
			if (ret)
				goto fail;
			p = le32_to_cpu(*slot);
			if (p && cfs_txn_is_new(t, p)) {
				dst = cfs_blk(fs, p);
			} else {
				if (p && !cfs_blk_ok(fs, p)) {
					ret = -EUCLEAN;
					goto fail;
				}
				ret = cfs_txn_alloc(fs, t, &nbk);
				if (ret)
					goto fail;
				dst = cfs_blk(fs, nbk);
				if (boff || bend < COHORTFS_BLOCK_SIZE) {
					if (p)
						memcpy(dst, cfs_blk(fs, p),
						       COHORTFS_BLOCK_SIZE);
					else
						memset(dst, 0,
						       COHORTFS_BLOCK_SIZE);
				}
				if (p) {
					ret = cfs_txn_free_later(t, p, 0);
					if (ret)
						goto fail;
				}
				*slot = cpu_to_le32(nbk);
			}
			memcpy(dst + boff, buf + (bstart + boff - off),
			       bend - boff);
		}
publish:
		if (end > size)
			nb->size = cpu_to_le64(end);
		if (cfs_body_commit(fs, t, ino, w, nblk)) {
			*offp = off;
			return len;
		}
		continue;
fail:
		cfs_txn_abort(fs, t);
		/* a garbage read caused by a concurrent change: retry */
		if (ret == -EUCLEAN && cfs_body_changed(fs, ino, w))
			continue;
		return ret;
	}
	return -EAGAIN;
}

/**
 * cfs_write_at() - write file data, reporting where it went.
 * @fs: the mount.
 * @ino: inode number.
 * @offp: byte offset (ignored with @append); set to where the data went.
 * @buf: data.
 * @len: length.
 * @append: write at the end of the file, atomically.
 *
 * Data is published in chunks of up to 128 KiB, each atomic.  With
 * @append, *@offp is the offset the first chunk was appended at.
 *
 * Return: bytes written or a negative errno (if nothing was written).
 */
s64 cfs_write_at(struct cfs_fs *fs, u32 ino, u64 *offp, const void *buf,
		 u64 len, bool append)
{
	const u64 chunk = CFS_CHUNK_BLOCKS * COHORTFS_BLOCK_SIZE;
	struct cfs_txn *t;
	u64 off = *offp;
	u64 done = 0;
	s64 ret = 0;

	if (fs->client < 0)
		return -EROFS;
	if (!len)
		return 0;
	t = cfs_txn_new();
	if (!t)
		return -ENOMEM;
	while (done < len) {
		u64 pos = off + done;
		/* keep chunks block-aligned after the first one */
		u64 n = chunk - (pos & (COHORTFS_BLOCK_SIZE - 1));

		if (n > len - done)
			n = len - done;
		ret = cfs_write_chunk(fs, t, ino, &pos, (const u8 *)buf + done,
				      n, append && !done);
		if (ret < 0)
			break;
		if (append && !done)
			off = pos;
		done += n;
	}
	cfs_free(t);
	if (done) {
		*offp = off;
		cfs_touch(fs, ino, CFS_SET_MTIME | CFS_SET_CTIME);
		return done;
	}
	return ret;
}

/**
 * cfs_write() - write file data.
 * @fs: the mount.
 * @ino: inode number.
 * @off: byte offset (ignored with @append).
 * @buf: data.
 * @len: length.
 * @append: write at the end of the file, atomically.
 *
 * Return: bytes written or a negative errno (if nothing was written).
 */
s64 cfs_write(struct cfs_fs *fs, u32 ino, u64 off, const void *buf,
	      u64 len, bool append)
{
	return cfs_write_at(fs, ino, &off, buf, len, append);
}

/**
 * cfs_data_block() - where file block @fblk lives, from one snapshot.
 * @fs: the mount.
 * @ino: inode number.
 * @fblk: file block number.
 * @blk: its data block; 0 for a hole or inline data.
 * @size: the file size in the same snapshot.
 *
 * Used to map file data straight into address spaces.  The block is only
 * guaranteed to hold the file's data until the next publish.
 *
 * Return: 0 or a negative errno.
 */
int cfs_data_block(struct cfs_fs *fs, u32 ino, u64 fblk, u32 *blk,
		   u64 *size)
{
	u32 tries;
	int ret;

	for (tries = 0; cfs_may_retry(tries); tries++) {
		struct cohortfs_body *b;
		u32 depth, p = 0;
		u64 w;

		ret = cfs_body_load(fs, ino, 0, &w, &b);
		if (ret)
			return ret;
		*size = le64_to_cpu(READ_ONCE(b->size));
		depth = READ_ONCE(b->depth);
		if (depth && cfs_map_lookup(fs, b, fblk, &p)) {
			if (!cfs_body_changed(fs, ino, w))
				return -EUCLEAN;
			continue;
		}
		if (cfs_body_changed(fs, ino, w))
			continue;
		*blk = p;
		return 0;
	}
	return -EAGAIN;
}

static int cfs_pin_fn(struct cfs_fs *fs, struct cfs_txn *t,
		      struct cohortfs_body *nb, void *ctx)
{
	int ret;

	if (cfs_pinned(nb))
		return CFS_KEEP;
	if (!CFS_S_ISREG(le32_to_cpu(nb->mode)))
		return -EOPNOTSUPP;
	if (!nb->depth) {
		ret = cfs_uninline(fs, t, nb);
		if (ret)
			return ret;
	}
	nb->flags |= COHORTFS_BODY_PINNED;
	return 0;
}

/**
 * cfs_pin() - make a regular file's data blocks stable, for mapping.
 * @fs: the mount.
 * @ino: inode number.
 *
 * From now on the file's data is written in place and its blocks are
 * freed only with the inode (COHORTFS_BODY_PINNED), so they can be mapped
 * into address spaces in any number of kernels.  An inline file gets a
 * block map first.  Idempotent.
 *
 * Return: 0, -EOPNOTSUPP (an image from before format 1.1, or not a
 * regular file), -EROFS, or another negative errno.
 */
int cfs_pin(struct cfs_fs *fs, u32 ino)
{
	if (!(fs->incompat & COHORTFS_FEATURE_INCOMPAT_PINNED))
		return -EOPNOTSUPP;
	if (fs->client < 0)
		return -EROFS;
	return cfs_body_update(fs, ino, 0, cfs_pin_fn, NULL);
}

struct cfs_pin_block_ctx {
	u64 fblk;
	u32 blk;
};

static int cfs_pin_block_fn(struct cfs_fs *fs, struct cfs_txn *t,
			    struct cohortfs_body *nb, void *ctx)
{
	struct cfs_pin_block_ctx *c = ctx;
	__le32 *slot;
	u32 p;
	int ret;

	if (!cfs_pinned(nb))
		return -EINVAL;
	if (c->fblk >= cfs_block_end(le64_to_cpu(nb->size)) >>
		       COHORTFS_BLOCK_SHIFT)
		return -ENXIO;
	ret = cfs_grow_depth(fs, t, nb, c->fblk + 1);
	if (!ret)
		ret = cfs_cow_path(fs, t, nb, c->fblk, &slot);
	if (ret)
		return ret;
	p = le32_to_cpu(*slot);
	if (p) {
		/* there already (and for good): nothing to publish */
		if (!cfs_blk_ok(fs, p))
			return -EUCLEAN;
		c->blk = p;
		return CFS_KEEP;
	}
	ret = cfs_txn_alloc(fs, t, &p);
	if (ret)
		return ret;
	memset(cfs_blk(fs, p), 0, COHORTFS_BLOCK_SIZE);
	*slot = cpu_to_le32(p);
	c->blk = p;
	return 0;
}

/**
 * cfs_pin_block() - the data block of a pinned file's block, made to exist.
 * @fs: the mount.
 * @ino: inode number of a pinned file (cfs_pin()).
 * @fblk: file block number, inside the file.
 * @blk: the data block; a hole is filled with a new zeroed block first.
 *
 * The block belongs to the file until the inode is freed, whatever is
 * written or truncated meanwhile: it can be mapped.
 *
 * Return: 0, -ENXIO (@fblk is at or past the end of file), -EINVAL (not
 * pinned), or another negative errno.
 */
int cfs_pin_block(struct cfs_fs *fs, u32 ino, u64 fblk, u32 *blk)
{
	struct cfs_pin_block_ctx c = { .fblk = fblk };
	int ret;

	if (fs->client < 0)
		return -EROFS;
	ret = cfs_body_update(fs, ino, 0, cfs_pin_block_fn, &c);
	if (!ret)
		*blk = c.blk;
	return ret;
}

/*
 * Cut the subtrees of @ptrs (@n entries of height @h starting at file
 * block @base) that lie wholly at or past block @keep.
 */
static int cfs_prune(struct cfs_fs *fs, struct cfs_txn *t, __le32 *ptrs,
		     u32 n, u32 h, u64 base, u64 keep)
{
	u64 span = cfs_span(h);
	int ret;
	u32 i;

	for (i = 0; i < n; i++) {
		u32 p = le32_to_cpu(ptrs[i]);
		u64 lo = base + i * span;

		if (!p)
			continue;
		if (!cfs_blk_ok(fs, p))
			return -EUCLEAN;
		if (lo >= keep) {
			ret = cfs_txn_free_later(t, p, h);
			if (ret)
				return ret;
			ptrs[i] = 0;
		} else if (h && lo + span > keep) {
			ret = cfs_cow_ptr(fs, t, &ptrs[i], true);
			if (ret)
				return ret;
			ret = cfs_prune(fs, t,
					cfs_blk(fs, le32_to_cpu(ptrs[i])),
					COHORTFS_PTRS_PER_BLOCK, h - 1, lo, keep);
			if (ret)
				return ret;
		}
	}
	return 0;
}

static int cfs_truncate_body(struct cfs_fs *fs, struct cfs_txn *t,
			     struct cohortfs_body *nb, u64 nsize)
{
	u64 size = le64_to_cpu(nb->size);
	u64 keep;
	u32 tail;
	int ret;

	if (cfs_pinned(nb)) {
		/*
		 * Pinned blocks stay (another kernel may map them); the
		 * bytes that leave or join the file are zeroed once the
		 * new size is published (cfs_truncate()).
		 */
		return cfs_grow_depth(fs, t, nb, cfs_block_end(nsize) >>
					       COHORTFS_BLOCK_SHIFT);
	}
	if (!nb->depth) {
		if (nsize <= COHORTFS_INLINE_MAX) {
			if (nsize < size)
				memset(nb->inline_data + nsize, 0,
				       size - nsize);
			return 0;
		}
		return cfs_grow_depth(fs, t, nb,
				      (nsize + COHORTFS_BLOCK_SIZE - 1) >>
				      COHORTFS_BLOCK_SHIFT);
	}
	keep = (nsize + COHORTFS_BLOCK_SIZE - 1) >> COHORTFS_BLOCK_SHIFT;
	if (nsize >= size)
		return cfs_grow_depth(fs, t, nb, keep);
	ret = cfs_prune(fs, t, nb->map, COHORTFS_BODY_PTRS, nb->depth - 1, 0,
			keep);
	if (ret)
		return ret;
	tail = nsize & (COHORTFS_BLOCK_SIZE - 1);
	if (tail) {
		__le32 *slot;
		u32 p, nbk;
		u8 *d;

		ret = cfs_cow_path(fs, t, nb, keep - 1, &slot);
		if (ret)
			return ret;
		p = le32_to_cpu(*slot);
		if (p && !cfs_txn_is_new(t, p)) {
			if (!cfs_blk_ok(fs, p))
				return -EUCLEAN;
			ret = cfs_txn_alloc(fs, t, &nbk);
			if (ret)
				return ret;
			d = cfs_blk(fs, nbk);
			memcpy(d, cfs_blk(fs, p), COHORTFS_BLOCK_SIZE);
			ret = cfs_txn_free_later(t, p, 0);
			if (ret)
				return ret;
			*slot = cpu_to_le32(nbk);
		}
		if (p) {
			d = cfs_blk(fs, le32_to_cpu(*slot));
			memset(d + tail, 0, COHORTFS_BLOCK_SIZE - tail);
		}
	}
	if (!nsize && CFS_S_ISREG(le32_to_cpu(nb->mode))) {
		/* an empty map is an empty inline area: back to depth 0 */
		memset(nb->map, 0, sizeof(nb->map));
		nb->depth = 0;
	}
	return 0;
}

struct cfs_truncate_ctx {
	u64 size;
	/* from the body the change was made to */
	u64 osize;
	u64 cap;
	bool pinned;
};

static int cfs_truncate_fn(struct cfs_fs *fs, struct cfs_txn *t,
			   struct cohortfs_body *nb, void *ctx)
{
	struct cfs_truncate_ctx *c = ctx;
	u32 mode = le32_to_cpu(nb->mode);
	int ret;

	if (!CFS_S_ISREG(mode))
		return CFS_S_ISDIR(mode) ? -EISDIR : -EINVAL;
	c->osize = le64_to_cpu(nb->size);
	c->pinned = cfs_pinned(nb);
	/* blocks past the old map's reach cannot exist */
	c->cap = cfs_capacity(nb->depth) << COHORTFS_BLOCK_SHIFT;
	ret = cfs_truncate_body(fs, t, nb, c->size);
	if (ret)
		return ret;
	nb->size = cpu_to_le64(c->size);
	return 0;
}

/**
 * cfs_truncate() - set the size of a regular file.
 * @fs: the mount.
 * @ino: inode number.
 * @size: new size.
 *
 * Return: 0 or a negative errno.
 */
int cfs_truncate(struct cfs_fs *fs, u32 ino, u64 size)
{
	struct cfs_truncate_ctx c = { .size = size };
	int ret;

	if (fs->client < 0)
		return -EROFS;
	if (size > CFS_MAX_FILE_SIZE)
		return -EFBIG;
	ret = cfs_body_update(fs, ino, 0, cfs_truncate_fn, &c);
	/*
	 * A pinned file kept its blocks: zero what left the file in its
	 * last block (mappings show zeros past the end), and what joined
	 * it from blocks kept by an earlier truncate.
	 */
	if (!ret && c.pinned && size < c.osize)
		ret = cfs_pin_copy(fs, ino, size, NULL,
				   cfs_block_end(size) - size);
	else if (!ret && c.pinned && size > c.osize)
		ret = cfs_pin_zero_kept(fs, ino, c.osize, size, c.cap);
	if (!ret)
		cfs_touch(fs, ino, CFS_SET_MTIME | CFS_SET_CTIME);
	return ret;
}

/**
 * cfs_readlink() - target of a symbolic link.
 * @fs: the mount.
 * @ino: inode number.
 * @buf: destination, NUL-terminated.
 * @len: its size; COHORTFS_SYMLINK_MAX + 1 holds any target.
 *
 * Return: length of the target, or a negative errno: -ENAMETOOLONG if
 * it does not fit in @buf (never a truncated target).
 */
int cfs_readlink(struct cfs_fs *fs, u32 ino, char *buf, u32 len)
{
	struct cfs_attr a;
	s64 n;
	int ret;

	ret = cfs_getattr(fs, ino, &a);
	if (ret)
		return ret;
	if (!CFS_S_ISLNK(a.mode))
		return -EINVAL;
	if (a.size > COHORTFS_SYMLINK_MAX)
		return -EUCLEAN;
	if (a.size >= len)
		return -ENAMETOOLONG;
	n = cfs_read(fs, ino, 0, buf, len - 1);
	if (n < 0)
		return n;
	buf[n] = 0;
	return n;
}

/**
 * cfs_try_reclaim() - free an inode that has no names and no holders.
 * @fs: the mount.
 * @ino: inode number.
 * @gen: generation the caller knows it by.
 *
 * Safe to call at any time; does nothing unless the inode is reclaimable.
 */
void cfs_try_reclaim(struct cfs_fs *fs, u32 ino, u32 gen)
{
	struct cohortfs_inode *in;
	u32 tries;

	if (!cfs_ino_ok(fs, ino) || ino == COHORTFS_ROOT_INO ||
	    fs->client < 0)
		return;
	in = cfs_inode(fs, ino);
	for (tries = 0; tries < 1000; tries++) {
		u64 st = cfs_ld64(&in->state);
		u64 dying = CFS_ST_MAKE(COHORTFS_IS_INUSE | COHORTFS_IS_DYING,
					gen, fs->tag);
		u64 w;
		u32 blk;

		if (CFS_ST_FLAGS(st) != COHORTFS_IS_INUSE ||
		    CFS_ST_GEN(st) != gen)
			return;
		if (cfs_ld32(&in->nlink) || cfs_ld64(&in->holders))
			return;
		if (!cfs_cas64(&in->state, &st, dying))
			continue;
		cfs_mb();
		if (cfs_ld64(&in->holders)) {
			/* a holder came in: it reclaims when it lets go */
			u64 d = dying;

			cfs_cas64(&in->state, &d,
				  CFS_ST_MAKE(COHORTFS_IS_INUSE, gen, 0));
			cfs_mb();
			if (cfs_ld64(&in->holders))
				return;
			continue;
		}
		/* ours now; everything below is unreachable */
		w = cfs_ld64(&in->body);
		blk = CFS_BODY_BLK(w);
		if (cfs_blk_ok(fs, blk)) {
			struct cohortfs_body *b = cfs_blk(fs, blk);
			u32 depth = READ_ONCE(b->depth);
			u32 i;

			if (b->magic == cpu_to_le32(COHORTFS_BODY_MAGIC) &&
			    le32_to_cpu(b->ino) == ino && depth &&
			    depth <= COHORTFS_MAX_DEPTH) {
				for (i = 0; i < COHORTFS_BODY_PTRS; i++) {
					u32 p = cfs_ldptr(&b->map[i]);

					if (p)
						cfs_free_tree(fs, p, depth - 1);
				}
			}
			cfs_bfree(fs, blk);
		}
		cfs_st64(&in->body, CFS_BODY_MAKE(0, CFS_BODY_VER(w) + 1));
		cfs_st64(&in->state, CFS_ST_MAKE(0, gen, 0));
		cfs_fetch_add64(&fs->sb->free_inodes, 1);
		return;
	}
}

/**
 * cfs_hold() - keep an inode alive while we use it (open, cached).
 * @fs: the mount.
 * @ino: inode number.
 * @gen: its generation.
 *
 * One hold per client and inode: callers count their own users.
 *
 * Return: 0 or -ESTALE if the inode is gone or going.
 */
int cfs_hold(struct cfs_fs *fs, u32 ino, u32 gen)
{
	struct cohortfs_inode *in;
	u64 bit, st;

	if (!cfs_ino_ok(fs, ino))
		return -ESTALE;
	if (fs->client < 0)
		return 0;
	in = cfs_inode(fs, ino);
	bit = 1ULL << fs->client;
	cfs_fetch_or64(&in->holders, bit);
	cfs_mb();
	st = cfs_ld64(&in->state);
	if ((CFS_ST_FLAGS(st) & (COHORTFS_IS_INUSE | COHORTFS_IS_DYING)) !=
	    COHORTFS_IS_INUSE || CFS_ST_GEN(st) != gen) {
		cfs_fetch_and64(&in->holders, ~bit);
		return -ESTALE;
	}
	return 0;
}

/**
 * cfs_unhold() - drop our hold; reclaims the inode if it was the last
 * thing keeping an unlinked inode alive.
 * @fs: the mount.
 * @ino: inode number.
 * @gen: its generation.
 */
void cfs_unhold(struct cfs_fs *fs, u32 ino, u32 gen)
{
	struct cohortfs_inode *in;

	if (!cfs_ino_ok(fs, ino) || fs->client < 0)
		return;
	in = cfs_inode(fs, ino);
	cfs_fetch_and64(&in->holders, ~(1ULL << fs->client));
	cfs_mb();
	if (!cfs_ld32(&in->nlink))
		cfs_try_reclaim(fs, ino, gen);
}

/**
 * cfs_nlink_inc() - add a name to an inode that still has one.
 * @fs: the mount.
 * @ino: inode number.
 *
 * Return: 0, -ENOENT if the inode has no names left, -EMLINK.
 */
int cfs_nlink_inc(struct cfs_fs *fs, u32 ino)
{
	struct cohortfs_inode *in = cfs_inode(fs, ino);
	u32 n = cfs_ld32(&in->nlink);

	for (;;) {
		if (!n)
			return -ENOENT;
		if (n >= 0xfffffff0U)
			return -EMLINK;
		if (cfs_cas32(&in->nlink, &n, n + 1))
			return 0;
	}
}

/**
 * cfs_nlink_dec() - remove a name; reclaims the inode at zero if unheld.
 * @fs: the mount.
 * @ino: inode number.
 * @gen: its generation.
 *
 * Return: 0 or -EUCLEAN if the count was already zero.
 */
int cfs_nlink_dec(struct cfs_fs *fs, u32 ino, u32 gen)
{
	struct cohortfs_inode *in = cfs_inode(fs, ino);
	u32 n = cfs_ld32(&in->nlink);

	for (;;) {
		if (!n)
			return -EUCLEAN;
		if (cfs_cas32(&in->nlink, &n, n - 1))
			break;
	}
	if (n == 1) {
		cfs_mb();
		cfs_try_reclaim(fs, ino, gen);
	}
	return 0;
}

/* Give back an inode from cfs_ialloc() that got no body. */
static void cfs_ifree_new(struct cfs_fs *fs, u32 ino, u32 gen)
{
	cfs_st64(&cfs_inode(fs, ino)->state, CFS_ST_MAKE(0, gen, 0));
	cfs_fetch_add64(&fs->sb->free_inodes, 1);
}

/**
 * cfs_new_inode() - allocate and fill an inode that has no name yet.
 * @fs: the mount.
 * @mode: type and permissions.
 * @uid: owner.
 * @gid: group.
 * @rdev: device number for device nodes.
 * @parent: parent directory (for directories).
 * @data: contents (symlink target) or NULL.
 * @dlen: its length, at most COHORTFS_SYMLINK_MAX: inline up to
 *	COHORTFS_INLINE_MAX, else in one data block (depth 1).
 * @ino: the new inode.
 * @gen: its generation.
 *
 * Return: 0 or a negative errno.
 */
int cfs_new_inode(struct cfs_fs *fs, u32 mode, u32 uid, u32 gid, u32 rdev,
		  u32 parent, const char *data, u32 dlen, u32 *ino, u32 *gen)
{
	struct cohortfs_inode *in;
	struct cohortfs_body *b;
	s64 now = cfs_now(fs);
	u32 blk, dblk = 0;
	u64 w;
	int ret;

	if (fs->client < 0)
		return -EROFS;
	if (dlen > COHORTFS_SYMLINK_MAX)
		return -ENAMETOOLONG;
	ret = cfs_ialloc(fs, ino, gen);
	if (ret)
		return ret;
	ret = cfs_balloc(fs, &blk);
	if (!ret && dlen > COHORTFS_INLINE_MAX) {
		ret = cfs_balloc(fs, &dblk);
		if (ret)
			cfs_bfree(fs, blk);
	}
	if (ret) {
		cfs_ifree_new(fs, *ino, *gen);
		return ret;
	}
	b = cfs_blk(fs, blk);
	memset(b, 0, sizeof(*b));
	b->magic = cpu_to_le32(COHORTFS_BODY_MAGIC);
	b->ino = cpu_to_le32(*ino);
	b->gen = cpu_to_le32(*gen);
	b->mode = cpu_to_le32(mode);
	b->uid = cpu_to_le32(uid);
	b->gid = cpu_to_le32(gid);
	b->rdev = cpu_to_le32(rdev);
	b->depth = CFS_S_ISDIR(mode) || dblk ? 1 : 0;
	b->size = cpu_to_le64(dlen);
	if (dblk) {
		u8 *d = cfs_blk(fs, dblk);

		memcpy(d, data, dlen);
		memset(d + dlen, 0, COHORTFS_BLOCK_SIZE - dlen);
		b->map[0] = cpu_to_le32(dblk);
	} else if (dlen) {
		memcpy(b->inline_data, data, dlen);
	}
	in = cfs_inode(fs, *ino);
	cfs_st32(&in->nlink, 1);
	cfs_st32(&in->subdirs, 0);
	cfs_st32(&in->parent, parent);
	cfs_st64(&in->atime, now);
	cfs_st64(&in->mtime, now);
	cfs_st64(&in->ctime, now);
	w = cfs_ld64(&in->body);
	cfs_st64(&in->body, CFS_BODY_MAKE(blk, CFS_BODY_VER(w) + 1));
	return 0;
}

/**
 * cfs_drop_new_inode() - free an inode from cfs_new_inode() that never
 * got a name.
 * @fs: the mount.
 * @ino: inode number.
 */
void cfs_drop_new_inode(struct cfs_fs *fs, u32 ino)
{
	struct cohortfs_inode *in = cfs_inode(fs, ino);
	u64 w = cfs_ld64(&in->body);
	u64 st = cfs_ld64(&in->state);
	struct cohortfs_body *b = cfs_blk(fs, CFS_BODY_BLK(w));
	u32 dblk = b->depth ? le32_to_cpu(b->map[0]) : 0;

	cfs_st32(&in->nlink, 0);
	/* only a long symlink's target block: directories start empty */
	if (dblk)
		cfs_bfree(fs, dblk);
	cfs_bfree(fs, CFS_BODY_BLK(w));
	cfs_st64(&in->body, CFS_BODY_MAKE(0, CFS_BODY_VER(w) + 1));
	cfs_ifree_new(fs, ino, CFS_ST_GEN(st));
}

struct cfs_grow_dir_ctx {
	u32 dir;
	u32 gen;
	u32 nblk_seen;
};

static int cfs_grow_dir_fn(struct cfs_fs *fs, struct cfs_txn *t,
			   struct cohortfs_body *nb, void *ctx)
{
	const struct cfs_grow_dir_ctx *c = ctx;
	u64 n = le64_to_cpu(nb->size) >> COHORTFS_BLOCK_SHIFT;
	struct cohortfs_dirblock *db;
	__le32 *slot;
	u32 dblk;
	int ret;

	if (!CFS_S_ISDIR(le32_to_cpu(nb->mode)) || !nb->depth)
		return -EUCLEAN;
	if (n != c->nblk_seen)
		return CFS_KEEP;	/* somebody else grew it */
	ret = cfs_grow_depth(fs, t, nb, n + 1);
	if (!ret)
		ret = cfs_cow_path(fs, t, nb, n, &slot);
	if (!ret)
		ret = cfs_txn_alloc(fs, t, &dblk);
	if (ret)
		return ret;
	db = cfs_blk(fs, dblk);
	memset(db, 0, sizeof(*db));
	db->magic = cpu_to_le32(COHORTFS_DIRB_MAGIC);
	db->ino = cpu_to_le32(c->dir);
	db->gen = cpu_to_le32(c->gen);
	*slot = cpu_to_le32(dblk);
	nb->size = cpu_to_le64((n + 1) << COHORTFS_BLOCK_SHIFT);
	return 0;
}

/**
 * cfs_grow_dir() - append an empty dirent block to a directory.
 * @fs: the mount.
 * @dir: directory inode.
 * @gen: its generation.
 * @nblk_seen: the number of blocks the caller found full.
 *
 * Does nothing if somebody else grew the directory meanwhile.
 *
 * Return: 0 or a negative errno.
 */
int cfs_grow_dir(struct cfs_fs *fs, u32 dir, u32 gen, u32 nblk_seen)
{
	struct cfs_grow_dir_ctx c = { .dir = dir, .gen = gen,
				      .nblk_seen = nblk_seen };

	return cfs_body_update(fs, dir, gen, cfs_grow_dir_fn, &c);
}

/**
 * cfs_dir_block() - dirent block @idx of a directory.
 * @fs: the mount.
 * @dir: directory inode.
 * @gen: its generation.
 * @idx: block index in the directory.
 * @db: the block (stays valid while the directory is held).
 * @nblocks: number of blocks, set when @idx is past the end.
 *
 * Return: 0, 1 past the end, -ENOTDIR, -ESTALE or -EUCLEAN.
 */
int cfs_dir_block(struct cfs_fs *fs, u32 dir, u32 gen, u64 idx,
		  struct cohortfs_dirblock **db, u64 *nblocks)
{
	u32 tries;
	int ret;

	for (tries = 0; cfs_may_retry(tries); tries++) {
		struct cohortfs_dirblock *d;
		struct cohortfs_body *b;
		u64 w, n;
		u32 p;

		ret = cfs_body_load(fs, dir, gen, &w, &b);
		if (ret)
			return ret;
		if (!CFS_S_ISDIR(le32_to_cpu(READ_ONCE(b->mode)))) {
			if (cfs_body_changed(fs, dir, w))
				continue;
			return -ENOTDIR;
		}
		n = le64_to_cpu(READ_ONCE(b->size)) >> COHORTFS_BLOCK_SHIFT;
		if (idx >= n) {
			if (cfs_body_changed(fs, dir, w))
				continue;
			*nblocks = n;
			return 1;
		}
		if (cfs_map_lookup(fs, b, idx, &p) || !p)
			goto check;
		d = cfs_blk(fs, p);
		if (le32_to_cpu(READ_ONCE(d->magic)) != COHORTFS_DIRB_MAGIC ||
		    le32_to_cpu(READ_ONCE(d->ino)) != dir ||
		    le32_to_cpu(READ_ONCE(d->gen)) != gen)
			goto check;
		if (cfs_body_changed(fs, dir, w))
			continue;
		*db = d;
		return 0;
check:
		if (!cfs_body_changed(fs, dir, w))
			return -EUCLEAN;
	}
	return -EAGAIN;
}
