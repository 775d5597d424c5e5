// SPDX-License-Identifier: GPL-2.0
/*
 * cohortfs: directories.
 *
 * A directory is a file of dirent blocks that only grows while the
 * directory lives, so an entry never moves: readdir walks slot positions.
 * Every entry changes with one CAS of its control word.  A new name goes
 * FREE -> CLAIMED (ours) -> name written -> PENDING (name valid, others
 * see it) -> check for another PENDING or LIVE copy of the name -> LIVE.
 *
 * Callers hold (cfs_hold) every directory they modify for the duration
 * of the call: a held directory is never reclaimed, so its blocks stay.
 * Shared between the kernel module and the userspace tools.
 */
#include "format.h"

struct cfs_found {
	struct cohortfs_dirent *de;
	u64 ctl;
};

static int cfs_check_name(const char *name, u32 len)
{
	u32 i;

	if (!len)
		return -EINVAL;
	if (len > COHORTFS_NAME_MAX)
		return -ENAMETOOLONG;
	if (name[0] == '.' && (len == 1 || (len == 2 && name[1] == '.')))
		return -EINVAL;
	for (i = 0; i < len; i++)
		if (name[i] == '/' || !name[i])
			return -EINVAL;
	return 0;
}

static int cfs_dir_gen(struct cfs_fs *fs, u32 dir, u32 *gen)
{
	u64 st;

	if (!cfs_ino_ok(fs, dir))
		return -ESTALE;
	st = cfs_ld64(&cfs_inode(fs, dir)->state);
	if (!(CFS_ST_FLAGS(st) & COHORTFS_IS_INUSE))
		return -ENOENT;
	*gen = CFS_ST_GEN(st);
	return 0;
}

static void cfs_add32(__le32 *p, s32 d)
{
	u32 v = cfs_ld32(p);

	while (!cfs_cas32(p, &v, d < 0 && !v ? 0 : v + d))
		;
}

static void cfs_backoff(struct cfs_fs *fs, u32 tries)
{
	u32 n = (tries < 10 ? 1U << tries : 1024U) +
		(u32)(fs->client + 1) * 37;

	while (n--)
		cfs_relax();
}

/* Whether LIVE or PENDING entry @de (control word @c) is @name. */
static bool cfs_de_match(struct cohortfs_dirent *de, u64 c,
			 const char *name, u32 len, u32 hash)
{
	if (le32_to_cpu(READ_ONCE(de->hash)) != hash ||
	    READ_ONCE(de->name_len) != len ||
	    memcmp(de->name, name, len))
		return false;
	cfs_rmb();
	return cfs_ld64(&de->ctl) == c;
}

/* Whether a CLAIMED or PENDING entry's writer is gone; frees it if so. */
static bool cfs_de_reap(struct cfs_fs *fs, struct cohortfs_dirent *de,
			u64 *c)
{
	u64 freed;

	if (!cfs_tag_stale(fs, CFS_DE_INO(*c)))
		return false;
	freed = CFS_DE_MAKE(COHORTFS_DE_FREE, 0, CFS_DE_VER(*c) + 1, 0);
	if (cfs_cas64(&de->ctl, c, freed))
		*c = freed;
	return true;
}

/*
 * A walk over the entry slots of directory @dir (generation @gen), in
 * slot order.  Each dirent block comes from cfs_dir_block(), which
 * validates it against the directory's body word; the caller loads and
 * re-reads each entry's ctl itself.  At the end, @err is 0 and @nblocks
 * is the number of blocks the directory had; on error @err is < 0.
 */
struct cfs_dir_cur {
	struct cfs_fs *fs;
	struct cohortfs_dirblock *db;	/* block @blk, NULL until read */
	u64 blk;			/* block index */
	u64 nblocks;
	u32 dir;
	u32 gen;
	u32 slot;			/* next slot of @blk */
	int err;
};

/* Start a walk of @dir at slot position @pos (block * 15 + slot). */
static void cfs_dir_start(struct cfs_dir_cur *cur, struct cfs_fs *fs,
			  u32 dir, u32 gen, u64 pos)
{
	cur->fs = fs;
	cur->db = NULL;
	cur->blk = pos / COHORTFS_DIRENTS_PER_BLOCK;
	cur->nblocks = 0;
	cur->dir = dir;
	cur->gen = gen;
	cur->slot = pos % COHORTFS_DIRENTS_PER_BLOCK;
	cur->err = 0;
}

/* The next entry slot, or NULL at the end or on error (@cur->err). */
static struct cohortfs_dirent *cfs_dir_next(struct cfs_dir_cur *cur)
{
	int ret;

	if (cur->slot == COHORTFS_DIRENTS_PER_BLOCK) {
		cur->blk++;
		cur->slot = 0;
		cur->db = NULL;
	}
	if (!cur->db) {
		ret = cfs_dir_block(cur->fs, cur->dir, cur->gen, cur->blk,
				    &cur->db, &cur->nblocks);
		if (ret) {
			cur->err = ret == 1 ? 0 : ret;
			return NULL;
		}
	}
	return &cur->db->de[cur->slot++];
}

/* Find the LIVE entry @name in @dir. */
static int cfs_find(struct cfs_fs *fs, u32 dir, u32 gen, const char *name,
		    u32 len, u32 hash, struct cfs_found *f)
{
	struct cohortfs_dirent *de;
	struct cfs_dir_cur cur;

	cfs_dir_start(&cur, fs, dir, gen, 0);
	while ((de = cfs_dir_next(&cur))) {
		u64 c = cfs_ld64(&de->ctl);

		if (CFS_DE_STATE(c) == COHORTFS_DE_LIVE &&
		    cfs_de_match(de, c, name, len, hash)) {
			f->de = de;
			f->ctl = c;
			return 0;
		}
	}
	return cur.err ? cur.err : -ENOENT;
}

/* Generation of the inode a LIVE entry names, checked against the entry. */
static int cfs_entry_gen(struct cfs_fs *fs, struct cfs_found *f, u32 *gen)
{
	u32 ino = CFS_DE_INO(f->ctl);
	u64 st;

	if (!cfs_ino_ok(fs, ino))
		return -EUCLEAN;
	st = cfs_ld64(&cfs_inode(fs, ino)->state);
	cfs_rmb();
	if (cfs_ld64(&f->de->ctl) != f->ctl)
		return -EAGAIN;
	if (!(CFS_ST_FLAGS(st) & COHORTFS_IS_INUSE))
		return -EUCLEAN;
	*gen = CFS_ST_GEN(st);
	return 0;
}

/**
 * cfs_lookup() - find a name in a directory.
 * @fs: the mount.
 * @dir: directory inode.
 * @name: the name (not NUL-terminated).
 * @len: its length.
 * @ino: the inode it names.
 * @gen: that inode's generation.
 *
 * Return: 0, -ENOENT, -ENOTDIR, -ESTALE, -EUCLEAN.
 */
int cfs_lookup(struct cfs_fs *fs, u32 dir, const char *name, u32 len,
	       u32 *ino, u32 *gen)
{
	struct cfs_found f;
	u32 dgen, tries;
	int ret;

	ret = cfs_check_name(name, len);
	if (ret)
		return ret == -EINVAL ? -ENOENT : ret;
	ret = cfs_dir_gen(fs, dir, &dgen);
	if (ret)
		return ret;
	for (tries = 0; cfs_may_retry(tries); tries++) {
		ret = cfs_find(fs, dir, dgen, name, len,
			       cfs_hash_name(name, len), &f);
		if (ret)
			return ret;
		ret = cfs_entry_gen(fs, &f, gen);
		if (ret == -EAGAIN)
			continue;
		if (!ret)
			*ino = CFS_DE_INO(f.ctl);
		return ret;
	}
	return -EAGAIN;
}

/* Scan for another PENDING or LIVE entry @name besides @mine. */
static int cfs_conflict(struct cfs_fs *fs, u32 dir, u32 gen,
			struct cohortfs_dirent *mine, const char *name,
			u32 len, u32 hash, struct cfs_found *f)
{
	struct cohortfs_dirent *de;
	struct cfs_dir_cur cur;

	cfs_dir_start(&cur, fs, dir, gen, 0);
	while ((de = cfs_dir_next(&cur))) {
		u64 c = cfs_ld64(&de->ctl);
		u32 st = CFS_DE_STATE(c);

		if (de == mine)
			continue;
		if (st != COHORTFS_DE_LIVE && st != COHORTFS_DE_PENDING)
			continue;
		if (!cfs_de_match(de, c, name, len, hash))
			continue;
		if (st == COHORTFS_DE_PENDING && cfs_de_reap(fs, de, &c))
			continue;
		f->de = de;
		f->ctl = c;
		return st == COHORTFS_DE_LIVE ? -EEXIST : -EAGAIN;
	}
	return cur.err;
}

/* Whether the directory refuses new entries: 0, -ENOENT or -EAGAIN. */
static int cfs_dir_closed(struct cfs_fs *fs, u32 dir, u32 gen)
{
	struct cohortfs_inode *in = cfs_inode(fs, dir);
	u64 st;

	cfs_mb();
	st = cfs_ld64(&in->state);
	if (!(CFS_ST_FLAGS(st) & COHORTFS_IS_INUSE) || CFS_ST_GEN(st) != gen)
		return -ENOENT;
	if (!cfs_ld32(&in->nlink))
		return -ENOENT;
	if ((CFS_ST_FLAGS(st) & COHORTFS_IS_RMDIR) &&
	    CFS_ST_TAG(st) != fs->tag) {
		if (!cfs_tag_stale(fs, CFS_ST_TAG(st)))
			return -EAGAIN;
		cfs_cas64(&in->state, &st,
			  CFS_ST_MAKE(CFS_ST_FLAGS(st) & ~COHORTFS_IS_RMDIR,
				      gen, 0));
		return -EAGAIN;
	}
	return 0;
}

/*
 * Publish a new entry @name -> @ino in @dir.  -EEXIST with @f set if the
 * name is LIVE already.
 */
static int cfs_dir_add(struct cfs_fs *fs, u32 dir, u32 gen, const char *name,
		       u32 len, u32 ino, u32 type, struct cfs_found *f)
{
	u32 hash = cfs_hash_name(name, len);
	u32 tries;
	int ret;

	if (fs->client < 0)
		return -EROFS;
	for (tries = 0; cfs_may_retry(tries); tries++) {
		struct cohortfs_dirent *de, *fde = NULL;
		struct cfs_dir_cur cur;
		u64 fc = 0, cl, pend;

		/* one pass: an existing name, stale claims, a free slot */
		cfs_dir_start(&cur, fs, dir, gen, 0);
		while ((de = cfs_dir_next(&cur))) {
			u64 c = cfs_ld64(&de->ctl);
			u32 st = CFS_DE_STATE(c);

			if (st == COHORTFS_DE_LIVE &&
			    cfs_de_match(de, c, name, len, hash)) {
				f->de = de;
				f->ctl = c;
				return -EEXIST;
			}
			if (st == COHORTFS_DE_CLAIMED ||
			    st == COHORTFS_DE_PENDING)
				cfs_de_reap(fs, de, &c);
			if (CFS_DE_STATE(c) == COHORTFS_DE_FREE && !fde) {
				fde = de;
				fc = c;
			}
		}
		if (cur.err)
			return cur.err;
		if (!fde) {
			ret = cfs_grow_dir(fs, dir, gen, cur.nblocks);
			if (ret)
				return ret;
			continue;
		}
		cl = CFS_DE_MAKE(COHORTFS_DE_CLAIMED, 0, CFS_DE_VER(fc) + 1,
				 fs->tag);
		if (!cfs_cas64(&fde->ctl, &fc, cl))
			continue;
		WRITE_ONCE(fde->hash, cpu_to_le32(hash));
		WRITE_ONCE(fde->name_len, len);
		memcpy(fde->name, name, len);
		pend = CFS_DE_MAKE(COHORTFS_DE_PENDING, 0, CFS_DE_VER(fc) + 2,
				   fs->tag);
		if (!cfs_cas64(&fde->ctl, &cl, pend))
			return -EIO;	/* we were evicted */
		cfs_mb();
		ret = cfs_conflict(fs, dir, gen, fde, name, len, hash, f);
		if (!ret)
			ret = cfs_dir_closed(fs, dir, gen);
		if (!ret) {
			u64 live = CFS_DE_MAKE(COHORTFS_DE_LIVE, type,
					       CFS_DE_VER(fc) + 3, ino);

			if (!cfs_cas64(&fde->ctl, &pend, live))
				return -EIO;
			return 0;
		}
		/* give the slot back */
		cfs_cas64(&fde->ctl, &pend,
			  CFS_DE_MAKE(COHORTFS_DE_FREE, 0, CFS_DE_VER(fc) + 3,
				      0));
		if (ret != -EAGAIN)
			return ret;
		cfs_backoff(fs, tries);
	}
	return -EAGAIN;
}

/* Whether @dir has no entries but stale claims. */
static int cfs_dir_empty(struct cfs_fs *fs, u32 dir, u32 gen)
{
	struct cohortfs_dirent *de;
	struct cfs_dir_cur cur;

	cfs_dir_start(&cur, fs, dir, gen, 0);
	while ((de = cfs_dir_next(&cur))) {
		u64 c = cfs_ld64(&de->ctl);

		switch (CFS_DE_STATE(c)) {
		case COHORTFS_DE_FREE:
			break;
		case COHORTFS_DE_LIVE:
			return -ENOTEMPTY;
		default:
			if (!cfs_de_reap(fs, de, &c))
				return -ENOTEMPTY;
		}
	}
	return cur.err;
}

/* Mark directory @dir as being removed (RMDIR flag) if it is empty. */
static int cfs_close_dir(struct cfs_fs *fs, u32 dir, u32 gen)
{
	struct cohortfs_inode *in = cfs_inode(fs, dir);
	u32 tries;
	int ret;

	for (tries = 0; tries < 10000; tries++) {
		u64 st = cfs_ld64(&in->state);

		if (CFS_ST_GEN(st) != gen ||
		    !(CFS_ST_FLAGS(st) & COHORTFS_IS_INUSE))
			return -ENOENT;
		if (CFS_ST_FLAGS(st) & COHORTFS_IS_RMDIR) {
			if (cfs_tag_stale(fs, CFS_ST_TAG(st))) {
				cfs_cas64(&in->state, &st,
					  CFS_ST_MAKE(COHORTFS_IS_INUSE, gen, 0));
			} else {
				cfs_backoff(fs, tries);
			}
			continue;
		}
		if (!cfs_cas64(&in->state, &st,
			       CFS_ST_MAKE(CFS_ST_FLAGS(st) | COHORTFS_IS_RMDIR,
					   gen, fs->tag)))
			continue;
		cfs_mb();
		ret = cfs_dir_empty(fs, dir, gen);
		if (ret) {
			st = CFS_ST_MAKE(CFS_ST_FLAGS(st) | COHORTFS_IS_RMDIR,
					 gen, fs->tag);
			cfs_cas64(&in->state, &st,
				  CFS_ST_MAKE(COHORTFS_IS_INUSE, gen, 0));
		}
		return ret;
	}
	return -EBUSY;
}

static void cfs_open_dir(struct cfs_fs *fs, u32 dir, u32 gen)
{
	struct cohortfs_inode *in = cfs_inode(fs, dir);
	u64 st = CFS_ST_MAKE(COHORTFS_IS_INUSE | COHORTFS_IS_RMDIR, gen,
			     fs->tag);

	cfs_cas64(&in->state, &st, CFS_ST_MAKE(COHORTFS_IS_INUSE, gen, 0));
}

static u32 cfs_strnlen(const char *s, u32 max)
{
	u32 n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

/**
 * cfs_create() - create a file, directory, symlink or device node.
 * @fs: the mount.
 * @dir: parent directory (held by the caller).
 * @name: the new name.
 * @len: its length.
 * @mode: type and permissions.
 * @uid: owner.
 * @gid: group.
 * @rdev: device number for device nodes.
 * @target: symlink target (NUL-terminated) or NULL.
 * @ino: the new inode.
 * @gen: its generation.
 *
 * Return: 0, -EEXIST, -ENOSPC, ...
 */
int cfs_create(struct cfs_fs *fs, u32 dir, const char *name, u32 len,
	       u32 mode, u32 uid, u32 gid, u32 rdev, const char *target,
	       u32 *ino, u32 *gen)
{
	struct cfs_found f;
	u32 dgen, tlen = 0;
	int ret;

	if (fs->client < 0)
		return -EROFS;
	ret = cfs_check_name(name, len);
	if (ret)
		return ret;
	if (CFS_S_ISLNK(mode)) {
		if (!target)
			return -EINVAL;
		tlen = cfs_strnlen(target, COHORTFS_SYMLINK_MAX + 1);
		if (!tlen)
			return -ENOENT;
		if (tlen > COHORTFS_SYMLINK_MAX)
			return -ENAMETOOLONG;
	}
	ret = cfs_dir_gen(fs, dir, &dgen);
	if (ret)
		return ret;
	ret = cfs_find(fs, dir, dgen, name, len, cfs_hash_name(name, len), &f);
	if (!ret)
		return -EEXIST;
	if (ret != -ENOENT)
		return ret;
	ret = cfs_new_inode(fs, mode, uid, gid, rdev, dir, target, tlen, ino,
			    gen);
	if (ret)
		return ret;
	ret = cfs_dir_add(fs, dir, dgen, name, len, *ino,
			  cfs_mode_to_dt(mode), &f);
	if (ret) {
		cfs_drop_new_inode(fs, *ino);
		return ret;
	}
	if (CFS_S_ISDIR(mode))
		cfs_add32(&cfs_inode(fs, dir)->subdirs, 1);
	cfs_touch(fs, dir, CFS_SET_MTIME | CFS_SET_CTIME);
	return 0;
}

/**
 * cfs_link() - add a name for an existing non-directory inode.
 * @fs: the mount.
 * @ino: the inode (held by the caller).
 * @dir: directory for the new name (held by the caller).
 * @name: the new name.
 * @len: its length.
 *
 * Return: 0, -EEXIST, -EPERM for a directory, -ENOENT if @ino lost its
 * last name meanwhile.
 */
int cfs_link(struct cfs_fs *fs, u32 ino, u32 dir, const char *name, u32 len)
{
	struct cfs_found f;
	struct cfs_attr a;
	u32 dgen;
	int ret;

	if (fs->client < 0)
		return -EROFS;
	ret = cfs_check_name(name, len);
	if (ret)
		return ret;
	ret = cfs_dir_gen(fs, dir, &dgen);
	if (ret)
		return ret;
	ret = cfs_getattr(fs, ino, &a);
	if (ret)
		return ret;
	if (CFS_S_ISDIR(a.mode))
		return -EPERM;
	ret = cfs_nlink_inc(fs, ino);
	if (ret)
		return ret;
	ret = cfs_dir_add(fs, dir, dgen, name, len, ino,
			  cfs_mode_to_dt(a.mode), &f);
	if (ret) {
		cfs_nlink_dec(fs, ino, a.gen);
		return ret;
	}
	cfs_touch(fs, dir, CFS_SET_MTIME | CFS_SET_CTIME);
	cfs_touch(fs, ino, CFS_SET_CTIME);
	return 0;
}

static int cfs_remove(struct cfs_fs *fs, u32 dir, const char *name,
		      u32 len, bool want_dir)
{
	struct cfs_found f;
	u32 dgen, tries, gen, ino;
	int ret;

	if (fs->client < 0)
		return -EROFS;
	ret = cfs_check_name(name, len);
	if (ret)
		return ret;
	ret = cfs_dir_gen(fs, dir, &dgen);
	if (ret)
		return ret;
	for (tries = 0; cfs_may_retry(tries); tries++) {
		bool is_dir;
		u64 c;

		ret = cfs_find(fs, dir, dgen, name, len,
			       cfs_hash_name(name, len), &f);
		if (ret)
			return ret;
		ret = cfs_entry_gen(fs, &f, &gen);
		if (ret == -EAGAIN)
			continue;
		if (ret)
			return ret;
		ino = CFS_DE_INO(f.ctl);
		is_dir = CFS_DE_TYPE(f.ctl) == CFS_DT_DIR;
		if (is_dir != want_dir)
			return want_dir ? -ENOTDIR : -EISDIR;
		if (ino == COHORTFS_ROOT_INO)
			return -EBUSY;
		if (is_dir) {
			ret = cfs_close_dir(fs, ino, gen);
			if (ret)
				return ret;
		}
		c = f.ctl;
		if (!cfs_cas64(&f.de->ctl, &c,
			       CFS_DE_MAKE(COHORTFS_DE_FREE, 0,
					   CFS_DE_VER(f.ctl) + 1, 0))) {
			if (is_dir)
				cfs_open_dir(fs, ino, gen);
			continue;
		}
		cfs_nlink_dec(fs, ino, gen);
		if (is_dir) {
			cfs_open_dir(fs, ino, gen);
			cfs_try_reclaim(fs, ino, gen);
			cfs_add32(&cfs_inode(fs, dir)->subdirs, -1);
		} else {
			cfs_touch(fs, ino, CFS_SET_CTIME);
		}
		cfs_touch(fs, dir, CFS_SET_MTIME | CFS_SET_CTIME);
		return 0;
	}
	return -EAGAIN;
}

/**
 * cfs_unlink() - remove a name of a non-directory.
 * @fs: the mount.
 * @dir: the directory (held by the caller).
 * @name: the name.
 * @len: its length.
 *
 * The inode is reclaimed when it has no names and no holders left.
 *
 * Return: 0, -ENOENT, -EISDIR.
 */
int cfs_unlink(struct cfs_fs *fs, u32 dir, const char *name, u32 len)
{
	return cfs_remove(fs, dir, name, len, false);
}

/**
 * cfs_rmdir() - remove an empty directory.
 * @fs: the mount.
 * @dir: its parent (held by the caller).
 * @name: the name.
 * @len: its length.
 *
 * Return: 0, -ENOENT, -ENOTDIR, -ENOTEMPTY.
 */
int cfs_rmdir(struct cfs_fs *fs, u32 dir, const char *name, u32 len)
{
	return cfs_remove(fs, dir, name, len, true);
}

/* Whether @anc is @dir or one of its ancestors (parent words). */
static bool cfs_is_ancestor(struct cfs_fs *fs, u32 anc, u32 dir)
{
	u32 steps;

	for (steps = 0; steps < fs->ninodes; steps++) {
		if (dir == anc)
			return true;
		if (dir == COHORTFS_ROOT_INO || !cfs_ino_ok(fs, dir))
			return false;
		dir = cfs_ld32(&cfs_inode(fs, dir)->parent);
	}
	return true;	/* a cycle: refuse */
}

/**
 * cfs_rename() - rename, replacing an existing target atomically.
 * @fs: the mount.
 * @odir: source directory (held by the caller).
 * @oname: source name.
 * @olen: its length.
 * @ndir: target directory (held by the caller).
 * @nname: target name.
 * @nlen: its length.
 * @flags: CFS_RENAME_NOREPLACE; CFS_RENAME_EXCHANGE is not supported.
 *
 * The target name switches from the old inode to the renamed one with
 * one CAS, so it never disappears; then the source name goes.  In
 * between both names refer to the inode (as rename(2) allows), and its
 * link count covers both, so a crash there leaves a consistent tree.
 * Moving a directory to another parent takes the move lease, which
 * serializes such moves so that no cycle can form.
 *
 * Return: 0 or a negative errno as rename(2).
 */
int cfs_rename(struct cfs_fs *fs, u32 odir, const char *oname, u32 olen,
	       u32 ndir, const char *nname, u32 nlen, u32 flags)
{
	u32 ogen, ngen, sgen = 0, tgen = 0, s = 0, t = 0, stype = 0, tries;
	struct cfs_found sf, tf;
	bool is_dir = false, lease = false, displaced = false;
	int ret;
	u64 c;

	if (fs->client < 0)
		return -EROFS;
	if (flags & ~CFS_RENAME_NOREPLACE)
		return -EINVAL;
	ret = cfs_check_name(oname, olen);
	if (!ret)
		ret = cfs_check_name(nname, nlen);
	if (ret)
		return ret;
	ret = cfs_dir_gen(fs, odir, &ogen);
	if (!ret)
		ret = cfs_dir_gen(fs, ndir, &ngen);
	if (ret)
		return ret;
	for (tries = 0; ; tries++) {
		if (!cfs_may_retry(tries))
			return -EAGAIN;
		ret = cfs_find(fs, odir, ogen, oname, olen,
			       cfs_hash_name(oname, olen), &sf);
		if (ret)
			goto out;
		ret = cfs_entry_gen(fs, &sf, &sgen);
		if (ret == -EAGAIN)
			continue;
		if (ret)
			goto out;
		s = CFS_DE_INO(sf.ctl);
		stype = CFS_DE_TYPE(sf.ctl);
		is_dir = stype == CFS_DT_DIR;
		if (odir == ndir && olen == nlen &&
		    !memcmp(oname, nname, olen)) {
			ret = 0;
			goto out;
		}
		if (is_dir && odir != ndir && !lease) {
			ret = cfs_lease_acquire(fs);
			if (ret)
				return ret;
			lease = true;
			continue;	/* look again under the lease */
		}
		if (lease && cfs_is_ancestor(fs, s, ndir)) {
			ret = -EINVAL;
			goto out;
		}
		ret = cfs_nlink_inc(fs, s);
		if (ret == -ENOENT)
			continue;
		if (ret)
			goto out;
		break;
	}

	/* publish the target name */
	for (tries = 0; ; tries++) {
		if (!cfs_may_retry(tries)) {
			ret = -EAGAIN;
			goto undo;
		}
		ret = cfs_find(fs, ndir, ngen, nname, nlen,
			       cfs_hash_name(nname, nlen), &tf);
		if (ret == -ENOENT) {
			ret = cfs_dir_add(fs, ndir, ngen, nname, nlen, s, stype,
					  &tf);
			if (!ret)
				break;
			if (ret != -EEXIST)
				goto undo;
			continue;
		}
		if (ret)
			goto undo;
		ret = cfs_entry_gen(fs, &tf, &tgen);
		if (ret == -EAGAIN)
			continue;
		if (ret)
			goto undo;
		t = CFS_DE_INO(tf.ctl);
		if (t == s) {
			/* both names are links to the same inode */
			ret = 0;
			goto undo;
		}
		if (flags & CFS_RENAME_NOREPLACE) {
			ret = -EEXIST;
			goto undo;
		}
		if (is_dir && CFS_DE_TYPE(tf.ctl) != CFS_DT_DIR) {
			ret = -ENOTDIR;
			goto undo;
		}
		if (!is_dir && CFS_DE_TYPE(tf.ctl) == CFS_DT_DIR) {
			ret = -EISDIR;
			goto undo;
		}
		if (is_dir) {
			if (t == odir || cfs_is_ancestor(fs, t, odir)) {
				ret = -ENOTEMPTY;
				goto undo;
			}
			ret = cfs_close_dir(fs, t, tgen);
			if (ret)
				goto undo;
		}
		c = tf.ctl;
		if (cfs_cas64(&tf.de->ctl, &c,
			      CFS_DE_MAKE(COHORTFS_DE_LIVE, stype,
					  CFS_DE_VER(tf.ctl) + 1, s))) {
			displaced = true;
			break;
		}
		if (is_dir)
			cfs_open_dir(fs, t, tgen);
	}

	if (is_dir && odir != ndir) {
		cfs_st32(&cfs_inode(fs, s)->parent, ndir);
		cfs_add32(&cfs_inode(fs, ndir)->subdirs, 1);
		cfs_add32(&cfs_inode(fs, odir)->subdirs, -1);
	}
	/* retire the source name, unless somebody else already did */
	c = sf.ctl;
	if (cfs_cas64(&sf.de->ctl, &c,
		      CFS_DE_MAKE(COHORTFS_DE_FREE, 0, CFS_DE_VER(sf.ctl) + 1,
				  0)))
		cfs_nlink_dec(fs, s, sgen);
	if (displaced) {
		cfs_nlink_dec(fs, t, tgen);
		if (is_dir) {
			cfs_open_dir(fs, t, tgen);
			cfs_try_reclaim(fs, t, tgen);
			cfs_add32(&cfs_inode(fs, ndir)->subdirs, -1);
		} else {
			cfs_touch(fs, t, CFS_SET_CTIME);
		}
	}
	cfs_touch(fs, odir, CFS_SET_MTIME | CFS_SET_CTIME);
	if (ndir != odir)
		cfs_touch(fs, ndir, CFS_SET_MTIME | CFS_SET_CTIME);
	cfs_touch(fs, s, CFS_SET_CTIME);
	ret = 0;
	goto out;
undo:
	cfs_nlink_dec(fs, s, sgen);
out:
	if (lease)
		cfs_lease_release(fs);
	return ret;
}

/**
 * cfs_readdir() - next entry of a directory.
 * @fs: the mount.
 * @dir: the directory.
 * @pos: position; 0 to start, updated past the returned entry.
 * @out: the entry.
 *
 * Entries never move, so an entry that exists during the whole walk is
 * returned exactly once.
 *
 * Return: 1 with an entry, 0 at the end, or a negative errno.
 */
int cfs_readdir(struct cfs_fs *fs, u32 dir, u64 *pos,
		struct cfs_dirent_out *out)
{
	struct cohortfs_dirent *de;
	struct cfs_dir_cur cur;
	u32 dgen;
	int ret;

	ret = cfs_dir_gen(fs, dir, &dgen);
	if (ret)
		return ret;
	cfs_dir_start(&cur, fs, dir, dgen, *pos);
	while ((de = cfs_dir_next(&cur))) {
		u32 len, ino, tries = 0;
		u64 c, st;
again:
		c = cfs_ld64(&de->ctl);
		if (CFS_DE_STATE(c) != COHORTFS_DE_LIVE)
			continue;
		len = READ_ONCE(de->name_len);
		if (!len)
			len = 1;
		memcpy(out->name, de->name, len);
		out->name[len] = 0;
		ino = CFS_DE_INO(c);
		st = cfs_ino_ok(fs, ino) ?
		     cfs_ld64(&cfs_inode(fs, ino)->state) : 0;
		cfs_rmb();
		if (cfs_ld64(&de->ctl) != c) {
			/* changed under us: look again */
			if (cfs_may_retry(++tries))
				goto again;
			return -EAGAIN;
		}
		if (!cfs_ino_ok(fs, ino) || !READ_ONCE(de->name_len))
			return -EUCLEAN;
		out->ino = ino;
		out->gen = CFS_ST_GEN(st);
		out->type = CFS_DE_TYPE(c);
		out->name_len = len;
		/* just past this entry */
		*pos = cur.blk * COHORTFS_DIRENTS_PER_BLOCK + cur.slot;
		return 1;
	}
	if (cur.err)
		return cur.err;
	*pos = cur.nblocks * COHORTFS_DIRENTS_PER_BLOCK;
	return 0;
}
