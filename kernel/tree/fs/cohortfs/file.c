// SPDX-License-Identifier: GPL-2.0
/*
 * cohortfs: file data.
 *
 * read() and write() go straight to the region through the shared format
 * code (a bounce buffer of at most one 128 KiB chunk, which is also the
 * unit of an atomic publish).
 *
 * mmap maps the region's data blocks themselves (VM_MIXEDMAP, the block's
 * pfn), shared and private, read-only and writable: one copy of the data
 * serves every kernel, and a store through a shared mapping in one kernel
 * is seen at once by the mappings and reads of every other.  To make that
 * possible the file is pinned at its first mmap (cfs_pin(),
 * COHORTFS_BODY_PINNED): from then on its data blocks are written in
 * place and freed only with the inode, so a mapped block never changes
 * owner.  Faults on holes allocate a zeroed block (cfs_pin_block()).
 * Private write faults copy, as usual.  There is no page cache: msync()
 * and fsync() have nothing to write back.
 *
 * Files that cannot be pinned (a read-only mount, an image from before
 * format 1.1) are mapped read-only with private copies made at fault
 * time; writable shared mappings of them are refused.
 */
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/slab.h>
#include <linux/uio.h>
#include <linux/pfn_t.h>
#include "cohortfs.h"

#define COHORTFS_CHUNK	(128 * 1024)

static ssize_t cohortfs_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	struct inode *inode = file_inode(iocb->ki_filp);
	struct cfs_fs *fs = COHORTFS_FS(inode);
	size_t count = iov_iter_count(to);
	loff_t pos = iocb->ki_pos;
	ssize_t done = 0, ret = 0;
	void *buf;

	if (!count)
		return 0;
	if (pos < 0)
		return -EINVAL;
	buf = kvmalloc(min_t(size_t, count, COHORTFS_CHUNK), GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	while (iov_iter_count(to)) {
		size_t n = min_t(size_t, iov_iter_count(to), COHORTFS_CHUNK);
		s64 r = cfs_read(fs, inode->i_ino, pos, buf, n);
		size_t c;

		if (r <= 0) {
			ret = cohortfs_errno(r);
			break;
		}
		c = copy_to_iter(buf, r, to);
		pos += c;
		done += c;
		if (c < r) {
			ret = -EFAULT;
			break;
		}
		if (r < n)
			break;
	}
	kvfree(buf);
	iocb->ki_pos = pos;
	file_accessed(iocb->ki_filp);
	return done ? done : ret;
}

/**
 * cohortfs_unmap_copies() - drop stale copies mapped from an unpinned file
 * @inode: a file this kernel just changed
 *
 * Mappings of a pinned file map its blocks, which a change writes in
 * place: they stay.  Mappings of an unpinned file hold copies: dropped,
 * so the next fault copies the new data.
 */
void cohortfs_unmap_copies(struct inode *inode)
{
	struct cfs_attr a;

	if (!mapping_mapped(inode->i_mapping))
		return;
	if (!cfs_getattr(COHORTFS_FS(inode), inode->i_ino, &a) &&
	    (a.flags & COHORTFS_BODY_PINNED))
		return;
	unmap_mapping_range(inode->i_mapping, 0, 0, 0);
}

static ssize_t cohortfs_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	struct file *file = iocb->ki_filp;
	struct inode *inode = file_inode(file);
	struct cfs_fs *fs = COHORTFS_FS(inode);
	bool append = iocb->ki_flags & IOCB_APPEND;
	ssize_t done = 0, ret;
	void *buf = NULL;
	loff_t pos;

	inode_lock(inode);
	if (append)
		cohortfs_refresh(inode);
	ret = generic_write_checks(iocb, from);
	if (ret <= 0)
		goto out;
	ret = file_remove_privs(file);
	if (ret)
		goto out;
	pos = iocb->ki_pos;
	buf = kvmalloc(min_t(size_t, iov_iter_count(from), COHORTFS_CHUNK),
		       GFP_KERNEL);
	ret = -ENOMEM;
	if (!buf)
		goto out;
	ret = 0;
	while (iov_iter_count(from)) {
		size_t n = min_t(size_t, iov_iter_count(from), COHORTFS_CHUNK);
		u64 off = pos;
		size_t c;
		s64 w;

		c = copy_from_iter(buf, n, from);
		if (!c) {
			ret = -EFAULT;
			break;
		}
		w = cfs_write_at(fs, inode->i_ino, &off, buf, c, append);
		if (w < 0) {
			iov_iter_revert(from, c);
			ret = cohortfs_errno(w);
			break;
		}
		pos = off + w;
		done += w;
		if (c < n)
			break;
	}
	if (done) {
		cohortfs_unmap_copies(inode);
		iocb->ki_pos = pos;
	}
	cohortfs_refresh(inode);
out:
	inode_unlock(inode);
	kvfree(buf);
	if (done > 0)
		done = generic_write_sync(iocb, done);
	return done ? done : ret;
}

static loff_t cohortfs_llseek(struct file *file, loff_t offset, int whence)
{
	if (whence != SEEK_SET && whence != SEEK_CUR)
		cohortfs_refresh(file_inode(file));
	return generic_file_llseek(file, offset, whence);
}

static int cohortfs_open(struct inode *inode, struct file *file)
{
	int ret = cohortfs_refresh(inode);

	return ret == -ESTALE ? 0 : ret;
}

/* The region is the storage: stores and writes are already there. */
static int cohortfs_fsync(struct file *file, loff_t start, loff_t end,
			  int datasync)
{
	return 0;
}

/* A pinned file: map its block, filling a hole first. */
static vm_fault_t cohortfs_pinned_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct inode *inode = file_inode(vma->vm_file);
	struct cohortfs_sb_info *s = COHORTFS_SB(inode->i_sb);
	bool write = vmf->flags & FAULT_FLAG_WRITE;
	pfn_t pfn;
	u32 blk;
	int ret;

	ret = cfs_pin_block(&s->fs, inode->i_ino, vmf->pgoff, &blk);
	if (ret == -ENOMEM)
		return VM_FAULT_OOM;
	if (ret == -ENOSPC)
		return VM_FAULT_SIGBUS;	/* no space for a hole's block */
	if (ret)
		return VM_FAULT_SIGBUS;	/* past the end, gone, corrupt */
	pfn = phys_to_pfn_t(s->phys + ((u64)blk << COHORTFS_BLOCK_SHIFT), 0);
	if (write && (vma->vm_flags & VM_SHARED))
		return vmf_insert_mixed_mkwrite(vma, vmf->address, pfn);
	return vmf_insert_mixed(vma, vmf->address, pfn);
}

static const struct vm_operations_struct cohortfs_pinned_vm_ops = {
	.fault		= cohortfs_pinned_fault,
};

/* A file that cannot be pinned: a private copy of the data, read-only. */
static vm_fault_t cohortfs_copy_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct inode *inode = file_inode(vma->vm_file);
	u64 pos = (u64)vmf->pgoff << PAGE_SHIFT;
	struct page *page;
	s64 r;
	int ret;

	page = alloc_page(GFP_HIGHUSER | __GFP_ZERO);
	if (!page)
		return VM_FAULT_OOM;
	r = cfs_read(COHORTFS_FS(inode), inode->i_ino, pos, page_address(page),
		     PAGE_SIZE);
	if (r <= 0) {
		put_page(page);
		return r == -ENOMEM ? VM_FAULT_OOM : VM_FAULT_SIGBUS;
	}
	ret = vm_insert_page(vma, vmf->address, page);
	put_page(page);
	if (ret == -ENOMEM)
		return VM_FAULT_OOM;
	if (ret && ret != -EBUSY)
		return VM_FAULT_SIGBUS;
	return VM_FAULT_NOPAGE;
}

static const struct vm_operations_struct cohortfs_copy_vm_ops = {
	.fault		= cohortfs_copy_fault,
};

static int cohortfs_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct inode *inode = file_inode(file);
	int ret;

	cohortfs_refresh(inode);
	file_accessed(file);
	ret = cfs_pin(COHORTFS_FS(inode), inode->i_ino);
	vm_flags_set(vma, VM_MIXEDMAP);
	if (!ret) {
		vma->vm_ops = &cohortfs_pinned_vm_ops;
		return 0;
	}
	if (ret != -EOPNOTSUPP && ret != -EROFS)
		return cohortfs_errno(ret);
	/* copies cannot take stores that others would see */
	if ((vma->vm_flags & VM_SHARED) && (vma->vm_flags & VM_MAYWRITE))
		return -EOPNOTSUPP;
	vma->vm_ops = &cohortfs_copy_vm_ops;
	return 0;
}

const struct file_operations cohortfs_file_ops = {
	.llseek		= cohortfs_llseek,
	.read_iter	= cohortfs_read_iter,
	.write_iter	= cohortfs_write_iter,
	.mmap		= cohortfs_mmap,
	.open		= cohortfs_open,
	.fsync		= cohortfs_fsync,
	.splice_read	= copy_splice_read,
	.splice_write	= iter_file_splice_write,
};

/* There is no page cache: data is read and mapped from the region. */
const struct address_space_operations cohortfs_aops = {
	.dirty_folio	= noop_dirty_folio,
};
