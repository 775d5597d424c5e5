// SPDX-License-Identifier: GPL-2.0
/*
 * cohortfs: file data.
 *
 * read() and write() go straight to the region through the shared format
 * code (a bounce buffer of at most one 128 KiB chunk, which is also the
 * unit of an atomic publish).
 *
 * mmap: read-only shared mappings and private mappings map the region's
 * data blocks themselves (VM_MIXEDMAP, vmf_insert_mixed() of the block's
 * pfn), so one copy of the data serves every kernel; pages of inline
 * files and holes are copied into a fresh page.  Private write faults
 * copy as usual.  Data blocks are copy-on-write: a publish replaces the
 * blocks it changes, so a mapping shows the file as of its faults.  This
 * kernel's writes zap the mappings of the range they change; another
 * kernel's writes are not seen by pages already mapped here (re-mapping
 * or re-reading sees them).
 *
 * Writable shared mappings cannot write into published blocks (that would
 * break the format's copy-on-write rule), so they go through the page
 * cache: pages are read from the region and written back with a normal
 * publish on msync(), fsync(), writeback and eviction.  read() and write()
 * flush that cache first and invalidate it after a write, as for direct
 * I/O.
 */
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/slab.h>
#include <linux/uio.h>
#include <linux/writeback.h>
#include <linux/pfn_t.h>
#include <linux/sched/mm.h>
#include <linux/highmem.h>
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
	if (inode->i_mapping->nrpages)
		filemap_write_and_wait_range(inode->i_mapping, pos,
					     pos + count - 1);
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

/* Mappings of this file show the old data: drop them. */
static void cohortfs_invalidate(struct inode *inode)
{
	struct address_space *mapping = inode->i_mapping;

	if (mapping_mapped(mapping))
		unmap_mapping_range(mapping, 0, 0, 0);
	if (mapping->nrpages)
		invalidate_inode_pages2(mapping);
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
	if (inode->i_mapping->nrpages)
		filemap_write_and_wait(inode->i_mapping);
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
		cohortfs_invalidate(inode);
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

static int cohortfs_fsync(struct file *file, loff_t start, loff_t end,
			  int datasync)
{
	return file_write_and_wait_range(file, start, end);
}

/* Map a region block, or a copy for inline data and holes. */
static vm_fault_t cohortfs_direct_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct inode *inode = file_inode(vma->vm_file);
	struct cohortfs_sb_info *s = COHORTFS_SB(inode->i_sb);
	u64 pos = (u64)vmf->pgoff << PAGE_SHIFT;
	struct page *page;
	u64 size;
	u32 blk;
	s64 r;
	int ret;

	if (inode->i_mapping->nrpages)
		filemap_write_and_wait_range(inode->i_mapping, pos,
					     pos + PAGE_SIZE - 1);
	ret = cfs_data_block(&s->fs, inode->i_ino, vmf->pgoff, &blk, &size);
	if (ret)
		return ret == -ENOMEM ? VM_FAULT_OOM : VM_FAULT_SIGBUS;
	if (pos >= size)
		return VM_FAULT_SIGBUS;
	if (blk)
		return vmf_insert_mixed(vma, vmf->address,
					phys_to_pfn_t(s->phys +
						      ((u64)blk << COHORTFS_BLOCK_SHIFT),
						      0));
	page = alloc_page(GFP_HIGHUSER | __GFP_ZERO);
	if (!page)
		return VM_FAULT_OOM;
	r = cfs_read(&s->fs, inode->i_ino, pos, page_address(page), PAGE_SIZE);
	if (r < 0) {
		put_page(page);
		return VM_FAULT_SIGBUS;
	}
	ret = vm_insert_page(vma, vmf->address, page);
	put_page(page);
	if (ret == -ENOMEM)
		return VM_FAULT_OOM;
	if (ret && ret != -EBUSY)
		return VM_FAULT_SIGBUS;
	return VM_FAULT_NOPAGE;
}

static const struct vm_operations_struct cohortfs_direct_vm_ops = {
	.fault		= cohortfs_direct_fault,
};

static int cohortfs_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct inode *inode = file_inode(file);
	struct address_space *mapping = inode->i_mapping;

	cohortfs_refresh(inode);
	file_accessed(file);
	if ((vma->vm_flags & VM_SHARED) && (vma->vm_flags & VM_MAYWRITE)) {
		/* a first mapping must not find pages older than the region */
		if (!mapping_mapped(mapping) && mapping->nrpages) {
			filemap_write_and_wait(mapping);
			invalidate_inode_pages2(mapping);
		}
		return generic_file_mmap(file, vma);
	}
	vm_flags_set(vma, VM_MIXEDMAP);
	vma->vm_ops = &cohortfs_direct_vm_ops;
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

static int cohortfs_read_folio(struct file *file, struct folio *folio)
{
	struct inode *inode = folio->mapping->host;
	size_t len = folio_size(folio);
	void *kaddr;
	s64 r;

	kaddr = kmap_local_folio(folio, 0);
	r = cfs_read(COHORTFS_FS(inode), inode->i_ino, folio_pos(folio),
		     kaddr, len);
	if (r >= 0)
		memset(kaddr + r, 0, len - r);
	kunmap_local(kaddr);
	if (r >= 0)
		folio_mark_uptodate(folio);
	folio_unlock(folio);
	return r < 0 ? cohortfs_errno(r) : 0;
}

static int cohortfs_write_folio(struct folio *folio)
{
	struct inode *inode = folio->mapping->host;
	struct cfs_fs *fs = COHORTFS_FS(inode);
	loff_t pos = folio_pos(folio);
	struct cfs_attr a;
	size_t len;
	void *kaddr;
	s64 r;
	int ret;

	ret = cfs_getattr(fs, inode->i_ino, &a);
	if (ret || pos >= a.size) {
		/* gone, or past the end: nothing to write */
		folio_unlock(folio);
		return ret ? cohortfs_errno(ret) : 0;
	}
	len = min_t(u64, folio_size(folio), a.size - pos);
	folio_start_writeback(folio);
	kaddr = kmap_local_folio(folio, 0);
	r = cfs_write(fs, inode->i_ino, pos, kaddr, len, false);
	kunmap_local(kaddr);
	folio_unlock(folio);
	folio_end_writeback(folio);
	if (r < 0) {
		mapping_set_error(folio->mapping, r);
		return cohortfs_errno(r);
	}
	return 0;
}

static int cohortfs_writepages(struct address_space *mapping,
			       struct writeback_control *wbc)
{
	struct folio *folio = NULL;
	unsigned int nofs;
	int err = 0;

	/* the format code allocates its transaction: not through reclaim */
	nofs = memalloc_nofs_save();
	while ((folio = writeback_iter(mapping, wbc, folio, &err)))
		err = cohortfs_write_folio(folio);
	memalloc_nofs_restore(nofs);
	return err;
}

const struct address_space_operations cohortfs_aops = {
	.read_folio	= cohortfs_read_folio,
	.writepages	= cohortfs_writepages,
	.dirty_folio	= filemap_dirty_folio,
};
