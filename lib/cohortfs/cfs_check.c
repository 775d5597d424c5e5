// SPDX-License-Identifier: GPL-2.0
/*
 * cohortfs: offline consistency check and repair.
 *
 * Walks the tree from the root, rebuilds the block bitmap, link counts
 * and parent words from what is reachable, and (with CFS_CHECK_REPAIR)
 * writes them back: leaked blocks and inodes are freed, entries left
 * half-made by crashed writers are cleared, bad pointers are cut.  Every
 * walk is bounded, so corrupt input cannot make it loop.  Needs exclusive
 * use of the region.  Shared between the kernel module and the tools.
 */
#include "format.h"

struct cfs_ck {
	struct cfs_fs fs;
	u32 flags;
	void (*log)(void *priv, const char *msg, u32 a, u32 b);
	void *priv;
	struct cfs_check_report *rep;
	u64 *used;		/* blocks reached */
	u64 *seen;		/* inodes reached */
	u32 *links;		/* names found per inode */
	u32 *subdirs;		/* child directories found per directory */
	u32 *parent;		/* where a directory was found */
	u32 *stack;		/* directories still to scan */
	u32 nstack;
	u32 *hset;		/* per-directory name set: slot index + 1 */
	u32 hcap;
	bool fatal;		/* something left that repair cannot fix */
};

static bool ck_test(u64 *bm, u64 bit)
{
	return bm[bit / 64] & (1ULL << (bit % 64));
}

static void ck_set(u64 *bm, u64 bit)
{
	bm[bit / 64] |= 1ULL << (bit % 64);
}

static bool ck_repair(struct cfs_ck *ck)
{
	return ck->flags & CFS_CHECK_REPAIR;
}

/* Report a problem; @fixable says whether repair mode fixes it. */
static void ck_err(struct cfs_ck *ck, const char *msg, u32 a, u32 b,
		   bool fixable)
{
	ck->rep->errors++;
	if (fixable && ck_repair(ck))
		ck->rep->fixed++;
	if (!fixable)
		ck->fatal = true;
	if (ck->log)
		ck->log(ck->priv, msg, a, b);
}

/* Claim block @blk for the tree being walked: false if bad or shared. */
static bool ck_claim(struct cfs_ck *ck, u32 blk, u32 ino)
{
	if (!cfs_blk_ok(&ck->fs, blk)) {
		ck_err(ck, "block pointer out of range (inode, block)", ino,
		       blk, true);
		return false;
	}
	if (ck_test(ck->used, blk)) {
		ck_err(ck, "block used twice (inode, block)", ino, blk, true);
		return false;
	}
	ck_set(ck->used, blk);
	ck->rep->used_blocks++;
	return true;
}

/*
 * Walk the subtree of height @h at *@slot covering file blocks from
 * @base; entries at or past @nblocks must be holes.
 */
static void ck_tree(struct cfs_ck *ck, u32 ino, __le32 *slot, u32 h,
		    u64 base, u64 nblocks)
{
	u32 p = le32_to_cpu(*slot);
	u64 span = 1ULL << (10 * h);
	__le32 *ind;
	u32 i;

	if (!p)
		return;
	if (base >= nblocks) {
		ck_err(ck, "block mapped past the end of file (inode, block)",
		       ino, p, true);
		if (ck_repair(ck))
			*slot = 0;
		return;
	}
	if (!ck_claim(ck, p, ino)) {
		if (ck_repair(ck))
			*slot = 0;
		return;
	}
	if (!h)
		return;
	ind = cfs_blk(&ck->fs, p);
	span >>= 10;
	for (i = 0; i < COHORTFS_PTRS_PER_BLOCK; i++)
		ck_tree(ck, ino, &ind[i], h - 1, base + i * span, nblocks);
}

static u32 ck_type_of(u32 mode)
{
	switch (mode & CFS_S_IFMT) {
	case CFS_S_IFREG:
	case CFS_S_IFDIR:
	case CFS_S_IFLNK:
	case CFS_S_IFCHR:
	case CFS_S_IFBLK:
	case CFS_S_IFIFO:
	case CFS_S_IFSOCK:
		return cfs_mode_to_dt(mode);
	}
	return CFS_DT_UNKNOWN;
}

/* Check inode @ino's slot and body; walk its blocks.  0 if usable. */
static int ck_inode(struct cfs_ck *ck, u32 ino, u32 *type)
{
	struct cfs_fs *fs = &ck->fs;
	struct cohortfs_inode *in = cfs_inode(fs, ino);
	struct cohortfs_body *b;
	u64 st = le64_to_cpu(in->state);
	u64 w = le64_to_cpu(in->body);
	u64 size, nb, cap;
	u32 blk = CFS_BODY_BLK(w), i, mode;

	if (!(CFS_ST_FLAGS(st) & COHORTFS_IS_INUSE))
		return -ENOENT;
	if (!cfs_blk_ok(fs, blk) || ck_test(ck->used, blk)) {
		ck_err(ck, "inode body pointer bad or shared (inode, block)",
		       ino, blk, true);
		return -EUCLEAN;
	}
	b = cfs_blk(fs, blk);
	mode = le32_to_cpu(b->mode);
	size = le64_to_cpu(b->size);
	*type = ck_type_of(mode);
	if (le32_to_cpu(b->magic) != COHORTFS_BODY_MAGIC ||
	    le32_to_cpu(b->ino) != ino ||
	    le32_to_cpu(b->gen) != CFS_ST_GEN(st) ||
	    *type == CFS_DT_UNKNOWN || b->depth > COHORTFS_MAX_DEPTH ||
	    (b->flags & ~COHORTFS_BODY_PINNED) ||
	    ((b->flags & COHORTFS_BODY_PINNED) &&
	     (*type != CFS_DT_REG || !b->depth ||
	      !(fs->incompat & COHORTFS_FEATURE_INCOMPAT_PINNED))) ||
	    (!b->depth && size > COHORTFS_INLINE_MAX) ||
	    (*type == CFS_DT_LNK && size > COHORTFS_SYMLINK_MAX) ||
	    (*type == CFS_DT_DIR && (!b->depth ||
				     size % COHORTFS_BLOCK_SIZE)) ||
	    size > CFS_MAX_FILE_SIZE) {
		ck_err(ck, "inode body corrupt (inode, block)", ino, blk,
		       true);
		return -EUCLEAN;
	}
	ck_set(ck->used, blk);
	ck->rep->used_blocks++;
	if (CFS_ST_FLAGS(st) & COHORTFS_IS_DYING)
		ck_err(ck, "reachable inode was being reclaimed (inode)", ino,
		       0, true);
	if (!b->depth)
		return 0;
	nb = (size + COHORTFS_BLOCK_SIZE - 1) >> COHORTFS_BLOCK_SHIFT;
	cap = (u64)COHORTFS_BODY_PTRS << (10 * (b->depth - 1));
	if (nb > cap) {
		ck_err(ck, "file size beyond its block map (inode)", ino, 0,
		       false);
		nb = cap;
	}
	/* a pinned file keeps its blocks past the end of file */
	if (b->flags & COHORTFS_BODY_PINNED)
		nb = cap;
	for (i = 0; i < COHORTFS_BODY_PTRS; i++)
		ck_tree(ck, ino, &b->map[i], b->depth - 1,
			(u64)i << (10 * (b->depth - 1)), nb);
	return 0;
}

static void ck_free_entry(struct cfs_ck *ck, struct cohortfs_dirent *de)
{
	u64 c = le64_to_cpu(de->ctl);

	if (ck_repair(ck))
		de->ctl = cpu_to_le64(CFS_DE_MAKE(COHORTFS_DE_FREE, 0,
						  CFS_DE_VER(c) + 1, 0));
}

/* Whether a LIVE entry's name duplicates an earlier one in the set. */
static bool ck_dup(struct cfs_ck *ck, struct cohortfs_dirent **ents,
		   u32 idx)
{
	struct cohortfs_dirent *de = ents[idx];
	u32 h = le32_to_cpu(de->hash) % ck->hcap;
	u32 n;

	for (n = 0; n < ck->hcap; n++, h = (h + 1) % ck->hcap) {
		struct cohortfs_dirent *o;

		if (!ck->hset[h]) {
			ck->hset[h] = idx + 1;
			return false;
		}
		o = ents[ck->hset[h] - 1];
		if (o->hash == de->hash && o->name_len == de->name_len &&
		    !memcmp(o->name, de->name, de->name_len))
			return true;
	}
	return false;
}

static bool ck_name_ok(struct cohortfs_dirent *de)
{
	u32 len = de->name_len, i;

	if (!len)
		return false;
	if (de->name[0] == '.' &&
	    (len == 1 || (len == 2 && de->name[1] == '.')))
		return false;
	for (i = 0; i < len; i++)
		if (de->name[i] == '/' || !de->name[i])
			return false;
	return le32_to_cpu(de->hash) == cfs_hash_name((char *)de->name, len);
}

static void ck_visit(struct cfs_ck *ck, u32 dir, u32 ino)
{
	ck_set(ck->seen, ino);
	ck->links[ino]++;
	ck->parent[ino] = dir;
}

/* Scan directory @dir: its entries, pushing subdirectories. */
static void ck_dir(struct cfs_ck *ck, u32 dir)
{
	struct cfs_fs *fs = &ck->fs;
	struct cohortfs_inode *in = cfs_inode(fs, dir);
	u32 bblk = CFS_BODY_BLK(le64_to_cpu(in->body));
	struct cohortfs_body *b = cfs_blk(fs, bblk);
	u64 nblk = le64_to_cpu(b->size) >> COHORTFS_BLOCK_SHIFT, i;
	u32 gen = CFS_ST_GEN(le64_to_cpu(in->state));
	struct cohortfs_dirent **ents;
	u32 nents = 0, s, k;

	ck->rep->dirs++;
	if (nblk > fs->nblocks)
		nblk = fs->nblocks;
	ents = cfs_zalloc(sizeof(*ents) * (nblk * COHORTFS_DIRENTS_PER_BLOCK
					   + 1));
	if (!ents) {
		ck->fatal = true;
		return;
	}
	for (i = 0; i < nblk; i++) {
		struct cohortfs_dirblock *db;
		u32 p;

		if (cfs_map_lookup(fs, b, i, &p) || !p ||
		    !ck_test(ck->used, p)) {
			ck_err(ck, "directory block missing (dir, index)", dir,
			       i, false);
			continue;
		}
		db = cfs_blk(fs, p);
		if (le32_to_cpu(db->magic) != COHORTFS_DIRB_MAGIC ||
		    le32_to_cpu(db->ino) != dir ||
		    le32_to_cpu(db->gen) != gen) {
			ck_err(ck, "directory block header bad (dir, block)",
			       dir, p, true);
			if (!ck_repair(ck))
				continue;
			memset(db, 0, sizeof(*db));
			db->magic = cpu_to_le32(COHORTFS_DIRB_MAGIC);
			db->ino = cpu_to_le32(dir);
			db->gen = cpu_to_le32(gen);
		}
		for (s = 0; s < COHORTFS_DIRENTS_PER_BLOCK; s++) {
			struct cohortfs_dirent *de = &db->de[s];
			u64 c = le64_to_cpu(de->ctl);

			switch (CFS_DE_STATE(c)) {
			case COHORTFS_DE_FREE:
				continue;
			case COHORTFS_DE_LIVE:
				break;
			case COHORTFS_DE_CLAIMED:
			case COHORTFS_DE_PENDING:
				ck_err(ck, "unfinished entry (dir, slot)", dir,
				       i * 15 + s, true);
				ck_free_entry(ck, de);
				continue;
			default:
				ck_err(ck, "entry state bad (dir, slot)", dir,
				       i * 15 + s, true);
				ck_free_entry(ck, de);
				continue;
			}
			if (!ck_name_ok(de) || !cfs_ino_ok(fs, CFS_DE_INO(c))) {
				ck_err(ck, "entry name or inode bad (dir, slot)",
				       dir, i * 15 + s, true);
				ck_free_entry(ck, de);
				continue;
			}
			ents[nents++] = de;
		}
	}
	ck->hcap = nents * 2 + 1;
	ck->hset = cfs_zalloc(sizeof(u32) * ck->hcap);
	if (!ck->hset) {
		ck->fatal = true;
		goto out;
	}
	for (k = 0; k < nents; k++) {
		struct cohortfs_dirent *de = ents[k];
		u64 c = le64_to_cpu(de->ctl);
		u32 ino = CFS_DE_INO(c), type;

		if (ck_dup(ck, ents, k)) {
			ck_err(ck, "duplicate name (dir, inode)", dir, ino,
			       true);
			ck_free_entry(ck, de);
			continue;
		}
		if (ck_test(ck->seen, ino)) {
			/* a second name: fine unless it is a directory */
			if (CFS_DE_TYPE(c) == CFS_DT_DIR ||
			    ino == COHORTFS_ROOT_INO) {
				ck_err(ck, "second name of a directory (dir, inode)",
				       dir, ino, true);
				ck_free_entry(ck, de);
				continue;
			}
			ck->links[ino]++;
			continue;
		}
		if (ck_inode(ck, ino, &type)) {
			ck_err(ck, "entry names an unusable inode (dir, inode)",
			       dir, ino, true);
			ck_free_entry(ck, de);
			continue;
		}
		if (type != CFS_DE_TYPE(c)) {
			ck_err(ck, "entry type does not match inode (dir, inode)",
			       dir, ino, true);
			if (ck_repair(ck))
				de->ctl = cpu_to_le64(CFS_DE_MAKE(COHORTFS_DE_LIVE,
								  type,
								  CFS_DE_VER(c) + 1,
								  ino));
		}
		ck_visit(ck, dir, ino);
		if (type == CFS_DT_DIR) {
			ck->subdirs[dir]++;
			ck->stack[ck->nstack++] = ino;
		} else {
			ck->rep->files++;
		}
	}
	cfs_free(ck->hset);
	ck->hset = NULL;
out:
	cfs_free(ents);
}

/* Fix up per-inode words from what the walk found. */
static void ck_inodes(struct cfs_ck *ck)
{
	struct cfs_fs *fs = &ck->fs;
	u32 ino;

	for (ino = 1; ino < fs->ninodes; ino++) {
		struct cohortfs_inode *in = cfs_inode(fs, ino);
		u64 st = le64_to_cpu(in->state);
		u32 links = ck->links[ino];
		bool is_dir;

		u64 freed = CFS_ST_MAKE(0, CFS_ST_GEN(st), 0);

		if (!(CFS_ST_FLAGS(st) & COHORTFS_IS_INUSE)) {
			if (CFS_ST_FLAGS(st) && ck_repair(ck))
				in->state = cpu_to_le64(freed);
			if (ck_repair(ck))
				in->holders = 0;
			continue;
		}
		if (!ck_test(ck->seen, ino)) {
			ck->rep->leaked_inodes++;
			ck_err(ck, "unreachable inode freed (inode, links)",
			       ino, le32_to_cpu(in->nlink), true);
			if (ck_repair(ck)) {
				u32 ver = CFS_BODY_VER(le64_to_cpu(in->body));

				in->state = cpu_to_le64(freed);
				in->body = cpu_to_le64(CFS_BODY_MAKE(0, ver + 1));
				in->nlink = 0;
				in->holders = 0;
			}
			continue;
		}
		if (ino == COHORTFS_ROOT_INO)
			links = 1;
		if (le32_to_cpu(in->nlink) != links) {
			ck_err(ck, "wrong link count (inode, count)", ino,
			       le32_to_cpu(in->nlink), true);
			if (ck_repair(ck))
				in->nlink = cpu_to_le32(links);
		}
		if (CFS_ST_FLAGS(st) != COHORTFS_IS_INUSE && ck_repair(ck))
			in->state = cpu_to_le64(CFS_ST_MAKE(COHORTFS_IS_INUSE,
							    CFS_ST_GEN(st), 0));
		if (ck_repair(ck))
			in->holders = 0;
		is_dir = CFS_S_ISDIR(le32_to_cpu(((struct cohortfs_body *)
			cfs_blk(fs, CFS_BODY_BLK(le64_to_cpu(in->body))))->mode));
		if (!is_dir)
			continue;
		if (ino == COHORTFS_ROOT_INO)
			ck->parent[ino] = COHORTFS_ROOT_INO;
		if (le32_to_cpu(in->parent) != ck->parent[ino]) {
			ck_err(ck, "wrong parent of directory (dir, parent)",
			       ino, le32_to_cpu(in->parent), true);
			if (ck_repair(ck))
				in->parent = cpu_to_le32(ck->parent[ino]);
		}
		if (le32_to_cpu(in->subdirs) != ck->subdirs[ino]) {
			ck_err(ck, "wrong subdirectory count (dir, count)",
			       ino, le32_to_cpu(in->subdirs), true);
			if (ck_repair(ck))
				in->subdirs = cpu_to_le32(ck->subdirs[ino]);
		}
	}
}

/* Compare the rebuilt bitmap with the stored one. */
static void ck_bitmap(struct cfs_ck *ck)
{
	struct cfs_fs *fs = &ck->fs;
	u64 nbits = (u64)le32_to_cpu(fs->sb->bitmap_blocks) *
		    COHORTFS_BLOCK_SIZE * 8;
	u64 b, free = 0;

	for (b = 0; b < nbits; b++) {
		bool want = b < fs->data_blk || b >= fs->nblocks ||
			    ck_test(ck->used, b);
		u64 *w = (u64 *)&fs->bitmap[b / 64];
		bool have = le64_to_cpu(*w) & (1ULL << (b % 64));

		if (!want && b < fs->nblocks)
			free++;
		if (want == have)
			continue;
		if (have) {
			ck->rep->leaked_blocks++;
			ck->rep->errors++;
			if (ck_repair(ck))
				ck->rep->fixed++;
		} else {
			ck_err(ck, "block in use but marked free (block)", b, 0,
			       true);
		}
		if (ck_repair(ck))
			*w = cpu_to_le64(le64_to_cpu(*w) ^ (1ULL << (b % 64)));
	}
	if (ck->rep->leaked_blocks && ck->log)
		ck->log(ck->priv, "leaked blocks (count)",
			ck->rep->leaked_blocks, 0);
	if (ck_repair(ck)) {
		u64 fi = 0;
		u32 ino;

		for (ino = 2; ino < fs->ninodes; ino++) {
			u64 st = le64_to_cpu(cfs_inode(fs, ino)->state);

			if (!(CFS_ST_FLAGS(st) & COHORTFS_IS_INUSE))
				fi++;
		}
		fs->sb->free_blocks = cpu_to_le64(free);
		fs->sb->free_inodes = cpu_to_le64(fi);
		fs->sb->move_lease = 0;
		memset(fs->clients, 0, COHORTFS_BLOCK_SIZE);
	}
}

/**
 * cfs_check() - check a filesystem, optionally repairing it.
 * @base: the region, used by nobody else meanwhile.
 * @size: its length.
 * @flags: CFS_CHECK_REPAIR to write fixes.
 * @log: called once per problem found, or NULL.
 * @priv: passed to @log.
 * @rep: counts of what was found.
 *
 * Return: 0 if the check ran (see @rep), -EUCLEAN if problems remain
 * that repair cannot fix, or another negative errno if it could not run.
 */
int cfs_check(void *base, u64 size, u32 flags,
	      void (*log)(void *priv, const char *msg, u32 a, u32 b),
	      void *priv, struct cfs_check_report *rep)
{
	struct cfs_ck *ck;
	u32 root_type;
	int ret;

	memset(rep, 0, sizeof(*rep));
	ck = cfs_zalloc(sizeof(*ck));
	if (!ck)
		return -ENOMEM;
	ret = cfs_mount(&ck->fs, base, size, NULL, false);
	if (ret) {
		if (log)
			log(priv, "superblock invalid or unsupported (errno)",
			    -ret, 0);
		goto out;
	}
	ck->flags = flags;
	ck->log = log;
	ck->priv = priv;
	ck->rep = rep;
	ret = -ENOMEM;
	ck->used = cfs_zalloc((ck->fs.nwords + 1) * 8);
	ck->seen = cfs_zalloc((ck->fs.ninodes / 64 + 1) * 8);
	ck->links = cfs_zalloc(ck->fs.ninodes * 4);
	ck->subdirs = cfs_zalloc(ck->fs.ninodes * 4);
	ck->parent = cfs_zalloc(ck->fs.ninodes * 4);
	ck->stack = cfs_zalloc(ck->fs.ninodes * 4);
	if (!ck->used || !ck->seen || !ck->links || !ck->subdirs ||
	    !ck->parent || !ck->stack)
		goto out;
	ret = 0;
	if (ck_inode(ck, COHORTFS_ROOT_INO, &root_type) ||
	    root_type != CFS_DT_DIR) {
		ck_err(ck, "root directory unusable", 0, 0, false);
		ret = -EUCLEAN;
		goto out;
	}
	ck_set(ck->seen, COHORTFS_ROOT_INO);
	ck->stack[ck->nstack++] = COHORTFS_ROOT_INO;
	while (ck->nstack)
		ck_dir(ck, ck->stack[--ck->nstack]);
	ck_inodes(ck);
	ck_bitmap(ck);
	if (ck->fatal)
		ret = -EUCLEAN;
out:
	cfs_free(ck->used);
	cfs_free(ck->seen);
	cfs_free(ck->links);
	cfs_free(ck->subdirs);
	cfs_free(ck->parent);
	cfs_free(ck->stack);
	cfs_free(ck);
	return ret;
}
