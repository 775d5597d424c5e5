// SPDX-License-Identifier: GPL-2.0
/*
 * cohortfs: inodes, names and directories.
 *
 * Other kernels change the region at any time, so nothing is cached
 * without being checked: every dentry is revalidated by a fresh lookup
 * in the region, and every getattr, open and revalidation re-reads the
 * inode's attributes.  Each VFS inode holds its cohortfs inode (one hold
 * bit per client), so an inode unlinked elsewhere lives on while it is
 * in use here and is reclaimed by whoever lets go last.
 */
#include <linux/fs.h>
#include <linux/namei.h>
#include <linux/slab.h>
#include <linux/time64.h>
#include <linux/cred.h>
#include <linux/pagemap.h>
#include "cohortfs.h"

static const struct inode_operations cohortfs_dir_iops;
static const struct inode_operations cohortfs_file_iops;
static const struct inode_operations cohortfs_symlink_iops;
static const struct inode_operations cohortfs_special_iops;
static const struct file_operations cohortfs_dir_ops;

/**
 * cohortfs_errno() - errno for the VFS from a format code error.
 * @err: negative errno from lib/cohortfs.
 *
 * Return: @err, with -EAGAIN (a retry bound hit under heavy concurrent
 * writing) turned into -EBUSY so that callers do not spin on it.
 */
int cohortfs_errno(int err)
{
	return err == -EAGAIN ? -EBUSY : err;
}

static void cohortfs_set_attr(struct inode *inode, const struct cfs_attr *a)
{
	inode->i_mode = (inode->i_mode & S_IFMT) | (a->mode & 07777);
	i_uid_write(inode, a->uid);
	i_gid_write(inode, a->gid);
	set_nlink(inode, a->nlink);
	i_size_write(inode, a->size);
	inode->i_blocks = a->blocks;
	inode_set_atime_to_ts(inode, ns_to_timespec64(a->atime));
	inode_set_mtime_to_ts(inode, ns_to_timespec64(a->mtime));
	inode_set_ctime_to_ts(inode, ns_to_timespec64(a->ctime));
}

/**
 * cohortfs_refresh() - re-read an inode's attributes from the region.
 * @inode: the VFS inode.
 *
 * Return: 0, -ESTALE if the region's inode is not this one any more, or
 * another negative errno (-EUCLEAN for a corrupt inode).
 */
int cohortfs_refresh(struct inode *inode)
{
	struct cfs_attr a;
	int ret;

	ret = cfs_getattr(COHORTFS_FS(inode), inode->i_ino, &a);
	if (ret)
		return cohortfs_errno(ret);
	if (a.gen != inode->i_generation ||
	    (a.mode & S_IFMT) != (inode->i_mode & S_IFMT))
		return -ESTALE;
	cohortfs_set_attr(inode, &a);
	return 0;
}

struct cohortfs_key {
	u32 ino;
	u32 gen;
};

static int cohortfs_test(struct inode *inode, void *data)
{
	struct cohortfs_key *k = data;

	return inode->i_ino == k->ino && inode->i_generation == k->gen;
}

static int cohortfs_set(struct inode *inode, void *data)
{
	struct cohortfs_key *k = data;

	inode->i_ino = k->ino;
	inode->i_generation = k->gen;
	return 0;
}

/**
 * cohortfs_iget() - the VFS inode of (@ino, @gen), holding it.
 * @sb: the mount.
 * @ino: inode number.
 * @gen: its generation.
 *
 * Return: the inode or an ERR_PTR (-ESTALE if it went away meanwhile).
 */
struct inode *cohortfs_iget(struct super_block *sb, u32 ino, u32 gen)
{
	struct cfs_fs *fs = &COHORTFS_SB(sb)->fs;
	struct cohortfs_key k = { .ino = ino, .gen = gen };
	struct inode *inode;
	struct cfs_attr a;
	int ret;

	inode = iget5_locked(sb, ino, cohortfs_test, cohortfs_set, &k);
	if (!inode)
		return ERR_PTR(-ENOMEM);
	if (!(inode->i_state & I_NEW)) {
		ret = cohortfs_refresh(inode);
		if (ret) {
			iput(inode);
			return ERR_PTR(ret);
		}
		return inode;
	}
	ret = cfs_hold(fs, ino, gen);
	if (ret)
		goto fail;
	inode->i_private = COHORTFS_HELD;
	ret = cfs_getattr(fs, ino, &a);
	if (!ret && a.gen != gen)
		ret = -ESTALE;
	if (ret)
		goto fail;
	inode->i_mode = a.mode;
	cohortfs_set_attr(inode, &a);
	inode->i_mapping->a_ops = &cohortfs_aops;
	switch (a.mode & S_IFMT) {
	case S_IFREG:
		inode->i_op = &cohortfs_file_iops;
		inode->i_fop = &cohortfs_file_ops;
		break;
	case S_IFDIR:
		inode->i_op = &cohortfs_dir_iops;
		inode->i_fop = &cohortfs_dir_ops;
		break;
	case S_IFLNK:
		inode->i_op = &cohortfs_symlink_iops;
		break;
	default:
		inode->i_op = &cohortfs_special_iops;
		init_special_inode(inode, a.mode, new_decode_dev(a.rdev));
		break;
	}
	unlock_new_inode(inode);
	return inode;
fail:
	iget_failed(inode);
	return ERR_PTR(cohortfs_errno(ret));
}

/* A dentry is valid while its name still leads to the same inode. */
static int cohortfs_d_revalidate(struct dentry *dentry, unsigned int flags)
{
	struct inode *inode;
	struct dentry *parent;
	u32 ino, gen;
	int ret;

	if (flags & LOOKUP_RCU)
		return -ECHILD;
	parent = dget_parent(dentry);
	ret = cfs_lookup(COHORTFS_FS(d_inode(parent)), d_inode(parent)->i_ino,
			 dentry->d_name.name, dentry->d_name.len, &ino, &gen);
	dput(parent);
	inode = d_inode(dentry);
	if (!inode)
		return ret == -ENOENT;
	if (ret || ino != inode->i_ino || gen != inode->i_generation)
		return 0;
	return cohortfs_refresh(inode) ? 0 : 1;
}

const struct dentry_operations cohortfs_dentry_ops = {
	.d_revalidate	= cohortfs_d_revalidate,
};

static struct dentry *cohortfs_lookup(struct inode *dir, struct dentry *dentry,
				      unsigned int flags)
{
	struct inode *inode = NULL;
	u32 ino, gen;
	int ret;

	if (dentry->d_name.len > COHORTFS_NAME_MAX)
		return ERR_PTR(-ENAMETOOLONG);
	ret = cfs_lookup(COHORTFS_FS(dir), dir->i_ino, dentry->d_name.name,
			 dentry->d_name.len, &ino, &gen);
	if (!ret) {
		inode = cohortfs_iget(dir->i_sb, ino, gen);
		/* gone between the lookup and the hold: no such name */
		if (inode == ERR_PTR(-ESTALE))
			inode = NULL;
		else if (IS_ERR(inode))
			return ERR_CAST(inode);
	} else if (ret != -ENOENT) {
		return ERR_PTR(cohortfs_errno(ret));
	}
	return d_splice_alias(inode, dentry);
}

static int cohortfs_make(struct inode *dir, struct dentry *dentry,
			 umode_t mode, dev_t rdev, const char *target)
{
	struct cfs_fs *fs = COHORTFS_FS(dir);
	struct inode *inode;
	u32 ino, gen, gid;
	int ret;

	if (dir->i_mode & S_ISGID) {
		gid = i_gid_read(dir);
		if (S_ISDIR(mode))
			mode |= S_ISGID;
	} else {
		gid = from_kgid(&init_user_ns, current_fsgid());
	}
	ret = cfs_create(fs, dir->i_ino, dentry->d_name.name,
			 dentry->d_name.len, mode,
			 from_kuid(&init_user_ns, current_fsuid()), gid,
			 new_encode_dev(rdev), target, &ino, &gen);
	if (ret)
		return cohortfs_errno(ret);
	cohortfs_refresh(dir);
	inode = cohortfs_iget(dir->i_sb, ino, gen);
	if (IS_ERR(inode))
		return PTR_ERR(inode);
	d_instantiate(dentry, inode);
	return 0;
}

static int cohortfs_create(struct mnt_idmap *idmap, struct inode *dir,
			   struct dentry *dentry, umode_t mode, bool excl)
{
	return cohortfs_make(dir, dentry, S_IFREG | (mode & 07777), 0, NULL);
}

static int cohortfs_mknod(struct mnt_idmap *idmap, struct inode *dir,
			  struct dentry *dentry, umode_t mode, dev_t rdev)
{
	return cohortfs_make(dir, dentry, mode, rdev, NULL);
}

static int cohortfs_mkdir(struct mnt_idmap *idmap, struct inode *dir,
			  struct dentry *dentry, umode_t mode)
{
	return cohortfs_make(dir, dentry, S_IFDIR | (mode & 07777), 0, NULL);
}

static int cohortfs_symlink(struct mnt_idmap *idmap, struct inode *dir,
			    struct dentry *dentry, const char *target)
{
	if (strlen(target) > COHORTFS_SYMLINK_MAX)
		return -ENAMETOOLONG;
	return cohortfs_make(dir, dentry, S_IFLNK | 0777, 0, target);
}

static int cohortfs_link(struct dentry *old, struct inode *dir,
			 struct dentry *dentry)
{
	struct inode *inode = d_inode(old);
	int ret;

	ret = cfs_link(COHORTFS_FS(dir), inode->i_ino, dir->i_ino,
		       dentry->d_name.name, dentry->d_name.len);
	if (ret)
		return cohortfs_errno(ret);
	cohortfs_refresh(dir);
	cohortfs_refresh(inode);
	ihold(inode);
	d_instantiate(dentry, inode);
	return 0;
}

static int cohortfs_unlink(struct inode *dir, struct dentry *dentry)
{
	struct inode *inode = d_inode(dentry);
	int ret;

	ret = cfs_unlink(COHORTFS_FS(dir), dir->i_ino, dentry->d_name.name,
			 dentry->d_name.len);
	if (ret)
		return cohortfs_errno(ret);
	cohortfs_refresh(dir);
	if (cohortfs_refresh(inode))
		clear_nlink(inode);
	return 0;
}

static int cohortfs_rmdir(struct inode *dir, struct dentry *dentry)
{
	int ret;

	ret = cfs_rmdir(COHORTFS_FS(dir), dir->i_ino, dentry->d_name.name,
			dentry->d_name.len);
	if (ret)
		return cohortfs_errno(ret);
	cohortfs_refresh(dir);
	clear_nlink(d_inode(dentry));
	return 0;
}

static int cohortfs_rename(struct mnt_idmap *idmap, struct inode *odir,
			   struct dentry *odentry, struct inode *ndir,
			   struct dentry *ndentry, unsigned int flags)
{
	struct inode *target = d_inode(ndentry);
	u32 f = 0;
	int ret;

	if (flags & ~RENAME_NOREPLACE)
		return -EINVAL;
	if (flags & RENAME_NOREPLACE)
		f |= CFS_RENAME_NOREPLACE;
	ret = cfs_rename(COHORTFS_FS(odir), odir->i_ino, odentry->d_name.name,
			 odentry->d_name.len, ndir->i_ino,
			 ndentry->d_name.name, ndentry->d_name.len, f);
	if (ret)
		return cohortfs_errno(ret);
	cohortfs_refresh(odir);
	if (ndir != odir)
		cohortfs_refresh(ndir);
	cohortfs_refresh(d_inode(odentry));
	if (target && (S_ISDIR(target->i_mode) || cohortfs_refresh(target)))
		clear_nlink(target);
	return 0;
}

static int cohortfs_getattr(struct mnt_idmap *idmap, const struct path *path,
			    struct kstat *stat, u32 request_mask,
			    unsigned int flags)
{
	struct inode *inode = d_inode(path->dentry);
	int ret;

	ret = cohortfs_refresh(inode);
	if (ret && ret != -ESTALE)
		return ret;
	generic_fillattr(idmap, request_mask, inode, stat);
	return 0;
}

static int cohortfs_setattr(struct mnt_idmap *idmap, struct dentry *dentry,
			    struct iattr *ia)
{
	struct inode *inode = d_inode(dentry);
	struct cfs_attr a = {};
	u32 mask = 0;
	int ret;

	ret = cohortfs_refresh(inode);
	if (ret)
		return ret;
	ret = setattr_prepare(idmap, dentry, ia);
	if (ret)
		return ret;
	if (ia->ia_valid & ATTR_MODE) {
		mask |= CFS_SET_MODE;
		a.mode = ia->ia_mode;
	}
	if (ia->ia_valid & ATTR_UID) {
		mask |= CFS_SET_UID;
		a.uid = from_kuid(&init_user_ns, ia->ia_uid);
	}
	if (ia->ia_valid & ATTR_GID) {
		mask |= CFS_SET_GID;
		a.gid = from_kgid(&init_user_ns, ia->ia_gid);
	}
	if (ia->ia_valid & ATTR_SIZE) {
		if (!S_ISREG(inode->i_mode))
			return S_ISDIR(inode->i_mode) ? -EISDIR : -EINVAL;
		mask |= CFS_SET_SIZE;
		a.size = ia->ia_size;
	}
	if (ia->ia_valid & ATTR_ATIME) {
		mask |= CFS_SET_ATIME;
		a.atime = timespec64_to_ns(&ia->ia_atime);
	}
	if (ia->ia_valid & ATTR_MTIME) {
		mask |= CFS_SET_MTIME;
		a.mtime = timespec64_to_ns(&ia->ia_mtime);
	}
	if (ia->ia_valid & ATTR_CTIME) {
		mask |= CFS_SET_CTIME;
		a.ctime = timespec64_to_ns(&ia->ia_ctime);
	}
	ret = cfs_setattr(COHORTFS_FS(inode), inode->i_ino, mask, &a);
	if (ret)
		return cohortfs_errno(ret);
	if (ia->ia_valid & ATTR_SIZE) {
		/* unmaps what is past the new end in this kernel */
		truncate_setsize(inode, ia->ia_size);
		cohortfs_unmap_copies(inode);
	}
	cohortfs_refresh(inode);
	return 0;
}

static const char *cohortfs_get_link(struct dentry *dentry,
				     struct inode *inode,
				     struct delayed_call *done)
{
	char *buf;
	int ret;

	if (!dentry)
		return ERR_PTR(-ECHILD);
	buf = kmalloc(COHORTFS_SYMLINK_MAX + 1, GFP_KERNEL);
	if (!buf)
		return ERR_PTR(-ENOMEM);
	ret = cfs_readlink(COHORTFS_FS(inode), inode->i_ino, buf,
			   COHORTFS_SYMLINK_MAX + 1);
	if (ret < 0) {
		kfree(buf);
		return ERR_PTR(cohortfs_errno(ret));
	}
	set_delayed_call(done, kfree_link, buf);
	return buf;
}

static int cohortfs_readdir(struct file *file, struct dir_context *ctx)
{
	struct inode *dir = file_inode(file);
	struct cfs_fs *fs = COHORTFS_FS(dir);
	struct cfs_dirent_out *de;
	u64 pos;
	int ret;

	if (!dir_emit_dots(file, ctx))
		return 0;
	de = kmalloc(sizeof(*de), GFP_KERNEL);
	if (!de)
		return -ENOMEM;
	pos = ctx->pos - 2;
	while ((ret = cfs_readdir(fs, dir->i_ino, &pos, de)) == 1) {
		if (!dir_emit(ctx, de->name, de->name_len, de->ino, de->type))
			break;
		ctx->pos = pos + 2;
	}
	kfree(de);
	return ret < 0 ? cohortfs_errno(ret) : 0;
}

static const struct file_operations cohortfs_dir_ops = {
	.llseek		= generic_file_llseek,
	.read		= generic_read_dir,
	.iterate_shared	= cohortfs_readdir,
	.fsync		= noop_fsync,
};

static const struct inode_operations cohortfs_dir_iops = {
	.lookup		= cohortfs_lookup,
	.create		= cohortfs_create,
	.link		= cohortfs_link,
	.unlink		= cohortfs_unlink,
	.symlink	= cohortfs_symlink,
	.mkdir		= cohortfs_mkdir,
	.rmdir		= cohortfs_rmdir,
	.mknod		= cohortfs_mknod,
	.rename		= cohortfs_rename,
	.getattr	= cohortfs_getattr,
	.setattr	= cohortfs_setattr,
};

static const struct inode_operations cohortfs_file_iops = {
	.getattr	= cohortfs_getattr,
	.setattr	= cohortfs_setattr,
};

static const struct inode_operations cohortfs_symlink_iops = {
	.get_link	= cohortfs_get_link,
	.getattr	= cohortfs_getattr,
	.setattr	= cohortfs_setattr,
};

static const struct inode_operations cohortfs_special_iops = {
	.getattr	= cohortfs_getattr,
	.setattr	= cohortfs_setattr,
};
