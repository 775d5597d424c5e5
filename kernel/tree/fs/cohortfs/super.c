// SPDX-License-Identifier: GPL-2.0
/*
 * cohortfs: mounting a region of physical memory.
 *
 * mount -t cohortfs -o region=NAME[,format][,ninodes=N] none DIR
 * mount -t cohortfs -o phys=ADDR,size=SIZE[,format][,ninodes=N] none DIR
 *
 * region= names a region of the Cohort pool ("cohort region create"): the
 * primary maps any region, an instance only one granted to it ("cohort
 * region grant").  phys=/size= give a range of physical memory instead,
 * in the primary only, and only RAM its administrator took away from the
 * kernel (memmap=SIZE$ADDR); cohort_phys_check() decides.  The range is
 * mapped write-back with memremap(): the filesystem lives there and is
 * shared with every other kernel that mounts it.  "format" writes an
 * empty filesystem first, and is refused while another client is
 * registered in a valid one.  A region without a valid superblock or
 * with a corrupt root is refused with -EUCLEAN.
 *
 * debugfs, per mount, /sys/kernel/debug/cohortfs/<phys in hex>/ (a second
 * mount of the same region in one kernel: <phys>.<minor of its s_dev>/):
 *	image	the region, root only: read it to run fsck.cohortfs on a
 *		copy; with CONFIG_COHORT_TEST, writes go straight into the
 *		region (tests use it to corrupt a filesystem on purpose)
 *	check	a read-only consistency check of the region
 */
#include <linux/debugfs.h>
#include <linux/fs_context.h>
#include <linux/fs_parser.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/kernel.h>
#include <linux/pagemap.h>
#include <linux/cohort.h>
#include <linux/random.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/statfs.h>
#include <linux/timekeeping.h>
#include <linux/workqueue.h>
#include "cohortfs.h"

/* How often a mount looks for clients of kernels that died. */
#define COHORTFS_EVICT_MS	1000

static struct dentry *cohortfs_debug_root;
static u64 cohortfs_stamp;

static s64 cohortfs_now(void *priv)
{
	return ktime_get_real_ns();
}

/*
 * Liveness of the kernel behind a client (docs/cohortfs-kernel.md): host
 * ids of kernels are COHORTFS_HOST_KERNEL | Cohort kernel id, stamps
 * their membership epoch.  Cohort says a kernel is dead only once its
 * CPUs can no longer run it, so a claim is never broken under a writer.
 * A host id that is not a kernel's (a process that mounted an image
 * file) cannot be checked from here and is taken as alive.
 */
static bool cohortfs_alive(void *priv, u32 host_id, u64 stamp)
{
	struct cohortfs_sb_info *s = priv;

	/* an earlier boot of this same kernel is dead */
	if (host_id == s->host.host_id)
		return stamp == s->host.host_stamp;
	if (!(host_id & COHORTFS_HOST_KERNEL))
		return true;
	return cohort_kernel_alive(host_id & ~COHORTFS_HOST_KERNEL, stamp);
}

/* Our host id: bit 31 (never a pid, which userspace clients use) + id. */
static u32 cohortfs_host_id(void)
{
	u32 id = 0;

#ifdef CONFIG_COHORT
	if (cohort_is_instance() && cohort_instance_setup())
		id = cohort_instance_setup()->id;
#endif
	return COHORTFS_HOST_KERNEL | id;
}

/* Clients of kernels that died give their holds back, orphans go. */
static void cohortfs_evict_fn(struct work_struct *w)
{
	struct cohortfs_sb_info *s = container_of(to_delayed_work(w),
						  struct cohortfs_sb_info,
						  evict);
	int n = cfs_evict_stale_clients(&s->fs);

	if (n)
		pr_info("cohortfs: %s: freed %d client(s) of kernels that stopped\n",
			s->label, n);
	schedule_delayed_work(&s->evict, msecs_to_jiffies(COHORTFS_EVICT_MS));
}

enum {
	COHORTFS_OPT_REGION,
	COHORTFS_OPT_PHYS,
	COHORTFS_OPT_SIZE,
	COHORTFS_OPT_FORMAT,
	COHORTFS_OPT_NINODES,
};

static const struct fs_parameter_spec cohortfs_params[] = {
	fsparam_string("region", COHORTFS_OPT_REGION),
	fsparam_u64("phys", COHORTFS_OPT_PHYS),
	fsparam_u64("size", COHORTFS_OPT_SIZE),
	fsparam_flag("format", COHORTFS_OPT_FORMAT),
	fsparam_u32("ninodes", COHORTFS_OPT_NINODES),
	{}
};

struct cohortfs_ctx {
	char *region;
	u64 phys;
	u64 size;
	bool format;
	u32 ninodes;
};

static int cohortfs_parse_param(struct fs_context *fc,
				struct fs_parameter *param)
{
	struct cohortfs_ctx *c = fc->fs_private;
	struct fs_parse_result r;
	int opt;

	opt = fs_parse(fc, cohortfs_params, param, &r);
	if (opt < 0)
		return opt;
	switch (opt) {
	case COHORTFS_OPT_REGION:
		kfree(c->region);
		c->region = param->string;
		param->string = NULL;
		break;
	case COHORTFS_OPT_PHYS:
		c->phys = r.uint_64;
		break;
	case COHORTFS_OPT_SIZE:
		c->size = r.uint_64;
		break;
	case COHORTFS_OPT_FORMAT:
		c->format = true;
		break;
	case COHORTFS_OPT_NINODES:
		c->ninodes = r.uint_32;
		break;
	}
	return 0;
}

static int cohortfs_statfs(struct dentry *dentry, struct kstatfs *buf)
{
	struct cfs_statfs st;

	cfs_statfs(&COHORTFS_SB(dentry->d_sb)->fs, &st);
	buf->f_type = COHORTFS_MAGIC;
	buf->f_bsize = COHORTFS_BLOCK_SIZE;
	buf->f_frsize = COHORTFS_BLOCK_SIZE;
	buf->f_blocks = st.blocks;
	buf->f_bfree = st.bfree;
	buf->f_bavail = st.bfree;
	buf->f_files = st.files;
	buf->f_ffree = st.ffree;
	buf->f_namelen = COHORTFS_NAME_MAX;
	return 0;
}

static int cohortfs_show_options(struct seq_file *m, struct dentry *root)
{
	struct cohortfs_sb_info *s = COHORTFS_SB(root->d_sb);

	if (s->region)
		seq_printf(m, ",region=%s", s->label);
	else
		seq_printf(m, ",phys=0x%llx,size=0x%llx", (u64)s->phys, s->size);
	return 0;
}

static void cohortfs_evict_inode(struct inode *inode)
{
	truncate_inode_pages_final(&inode->i_data);
	clear_inode(inode);
	if (inode->i_private == COHORTFS_HELD)
		cfs_unhold(COHORTFS_FS(inode), inode->i_ino,
			   inode->i_generation);
	inode->i_private = NULL;
}

static const struct super_operations cohortfs_sops = {
	.statfs		= cohortfs_statfs,
	.evict_inode	= cohortfs_evict_inode,
	.drop_inode	= generic_delete_inode,
	.show_options	= cohortfs_show_options,
};

struct cohortfs_log {
	struct seq_file *m;
	u32 lines;
};

static void cohortfs_check_log(void *priv, const char *msg, u32 a, u32 b)
{
	struct cohortfs_log *l = priv;

	if (l->lines++ < 200)
		seq_printf(l->m, "%s (%u, %u)\n", msg, a, b);
}

static int cohortfs_check_show(struct seq_file *m, void *v)
{
	struct cohortfs_sb_info *s = m->private;
	struct cfs_check_report rep;
	struct cohortfs_log l = { .m = m };
	int ret;

	ret = cfs_check(s->base, s->size, 0, cohortfs_check_log, &l, &rep);
	seq_printf(m, "result %d errors %u files %u dirs %u used_blocks %llu leaked_blocks %u leaked_inodes %u\n",
		   ret, rep.errors, rep.files, rep.dirs, rep.used_blocks,
		   rep.leaked_blocks, rep.leaked_inodes);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(cohortfs_check);

static ssize_t cohortfs_image_read(struct file *file, char __user *ubuf,
				   size_t count, loff_t *ppos)
{
	struct cohortfs_sb_info *s = file->private_data;

	return simple_read_from_buffer(ubuf, count, ppos, s->base, s->size);
}

#ifdef CONFIG_COHORT_TEST
static ssize_t cohortfs_image_write(struct file *file,
				    const char __user *ubuf, size_t count,
				    loff_t *ppos)
{
	struct cohortfs_sb_info *s = file->private_data;

	/* Test builds only; never into a region granted read-only. */
	if (s->ref.readonly)
		return -EROFS;
	return simple_write_to_buffer(s->base, s->size, ppos, ubuf, count);
}

#define COHORTFS_IMAGE_MODE	0600
#else
#define cohortfs_image_write	NULL
#define COHORTFS_IMAGE_MODE	0400
#endif

static const struct file_operations cohortfs_image_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.read	= cohortfs_image_read,
	.write	= cohortfs_image_write,
	.llseek	= default_llseek,
};

static void cohortfs_debugfs_add(struct super_block *sb,
				 struct cohortfs_sb_info *s)
{
	struct dentry *d;
	char name[40];

	if (!cohortfs_debug_root)
		return;
	snprintf(name, sizeof(name), "%llx", (u64)s->phys);
	/* a second mount of the same region in this kernel: PHYS.MINOR */
	d = debugfs_lookup(name, cohortfs_debug_root);
	if (d) {
		dput(d);
		snprintf(name, sizeof(name), "%llx.%u", (u64)s->phys,
			 MINOR(sb->s_dev));
	}
	s->dbg = debugfs_create_dir(name, cohortfs_debug_root);
	if (IS_ERR(s->dbg)) {
		s->dbg = NULL;
		return;
	}
	debugfs_create_file_size("image", COHORTFS_IMAGE_MODE, s->dbg, s,
				 &cohortfs_image_fops, s->size);
	debugfs_create_file("check", 0400, s->dbg, s, &cohortfs_check_fops);
}

static void cohortfs_release_info(struct cohortfs_sb_info *s)
{
	if (!s)
		return;
	if (s->evicting)
		cancel_delayed_work_sync(&s->evict);
	debugfs_remove(s->dbg);
	if (s->fs.base)
		cfs_unmount(&s->fs);
	if (s->base)
		memunmap(s->base);
	if (s->region)
		cohort_region_put(&s->ref);
	kfree(s);
}

/* Format the region, unless it holds a cohortfs somebody is using. */
static int cohortfs_format(struct fs_context *fc, struct cohortfs_sb_info *s,
			   struct cohortfs_ctx *c)
{
	struct cfs_mkfs_opts o = {
		.ninodes = c->ninodes,
		.root_mode = 0755,
		.time = ktime_get_real_ns(),
	};
	const struct cohortfs_client *cl;
	int i;

	if (!cfs_validate_super(s->base, s->size)) {
		cl = s->base + COHORTFS_BLOCK_SIZE;
		for (i = 0; i < COHORTFS_MAX_CLIENTS; i++) {
			if (READ_ONCE(cl[i].owner)) {
				errorf(fc, "cohortfs: region in use by client %d, not formatting",
				       i);
				return -EBUSY;
			}
		}
	}
	get_random_bytes(o.uuid, sizeof(o.uuid));
	return cfs_format(s->base, s->size, &o);
}

static int cohortfs_fill_super(struct super_block *sb, struct fs_context *fc)
{
	struct cohortfs_ctx *c = fc->fs_private;
	struct cohortfs_sb_info *s;
	u64 size;
	struct cfs_attr a;
	struct inode *root;
	char why[160];
	int ret;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	sb->s_fs_info = s;
	if (c->region) {
		if (c->phys || c->size) {
			errorf(fc, "cohortfs: give either region= or phys= and size=");
			return -EINVAL;
		}
		ret = cohort_region_get(c->region, &s->phys, &s->size, &s->ref,
					why, sizeof(why));
		if (ret) {
			errorf(fc, "cohortfs: %s", why);
			return ret;
		}
		s->region = true;
		strscpy(s->label, c->region, sizeof(s->label));
		if (s->ref.readonly && !sb_rdonly(sb)) {
			errorf(fc, "cohortfs: region '%s' is granted read-only: mount it -o ro",
			       c->region);
			return -EROFS;
		}
	} else {
		s->phys = c->phys;
		s->size = c->size & ~(u64)(PAGE_SIZE - 1);
		if (!c->size || !s->size || (c->phys & (PAGE_SIZE - 1)) ||
		    c->phys + s->size < c->phys) {
			errorf(fc, "cohortfs: need region=, or page-aligned phys= and size=");
			return -EINVAL;
		}
		ret = cohort_phys_check(s->phys, s->size, why, sizeof(why));
		if (ret) {
			errorf(fc, "cohortfs: %s", why);
			return ret;
		}
		snprintf(s->label, sizeof(s->label), "0x%llx", c->phys);
	}
	size = s->size;
	s->base = memremap(s->phys, size, MEMREMAP_WB);
	if (!s->base) {
		errorf(fc, "cohortfs: cannot map %s", s->label);
		return -ENOMEM;
	}
	if (c->format && sb_rdonly(sb)) {
		errorf(fc, "cohortfs: format needs a read-write mount");
		return -EROFS;
	}
	if (c->format) {
		ret = cohortfs_format(fc, s, c);
		if (ret) {
			errorf(fc, "cohortfs: format failed (%d)", ret);
			return ret;
		}
	}
	s->host.now = cohortfs_now;
	s->host.alive = cohortfs_alive;
	s->host.host_id = cohortfs_host_id();
	/* a kernel's membership epoch is new at every boot */
	s->host.host_stamp = cohort_msg_epoch() ?: cohortfs_stamp;
	s->host.priv = s;
	ret = cfs_mount(&s->fs, s->base, size, &s->host, !sb_rdonly(sb));
	if (ret) {
		errorf(fc, "cohortfs: cannot mount the filesystem in %s (%d)",
		       s->label, ret);
		return ret;
	}
	ret = cfs_getattr(&s->fs, COHORTFS_ROOT_INO, &a);
	if (!ret && !S_ISDIR(a.mode))
		ret = -EUCLEAN;
	if (ret) {
		errorf(fc, "cohortfs: corrupt root directory (%d)", ret);
		return ret;
	}
	sb->s_magic = COHORTFS_MAGIC;
	sb->s_blocksize = COHORTFS_BLOCK_SIZE;
	sb->s_blocksize_bits = COHORTFS_BLOCK_SHIFT;
	sb->s_maxbytes = min_t(u64, CFS_MAX_FILE_SIZE, MAX_LFS_FILESIZE);
	sb->s_time_gran = 1;
	sb->s_op = &cohortfs_sops;
	sb->s_d_op = &cohortfs_dentry_ops;
	root = cohortfs_iget(sb, COHORTFS_ROOT_INO, a.gen);
	if (IS_ERR(root))
		return PTR_ERR(root);
	sb->s_root = d_make_root(root);
	if (!sb->s_root)
		return -ENOMEM;
	cohortfs_debugfs_add(sb, s);
	if (!sb_rdonly(sb)) {
		INIT_DELAYED_WORK(&s->evict, cohortfs_evict_fn);
		s->evicting = true;
		schedule_delayed_work(&s->evict,
				      msecs_to_jiffies(COHORTFS_EVICT_MS));
	}
	return 0;
}

static int cohortfs_get_tree(struct fs_context *fc)
{
	return get_tree_nodev(fc, cohortfs_fill_super);
}

/*
 * mount -o remount: a read-only mount never becomes read-write (it did
 * not start the eviction work, and its region may be granted read-only),
 * nor the other way round; nothing else can change.
 */
static int cohortfs_reconfigure(struct fs_context *fc)
{
	struct super_block *sb = fc->root->d_sb;

	if ((fc->sb_flags_mask & SB_RDONLY) &&
	    !!(fc->sb_flags & SB_RDONLY) != sb_rdonly(sb)) {
		errorf(fc, "cohortfs: no remount between ro and rw; mount it again");
		return -EINVAL;
	}
	return 0;
}

static void cohortfs_free_fc(struct fs_context *fc)
{
	struct cohortfs_ctx *c = fc->fs_private;

	if (c)
		kfree(c->region);
	kfree(c);
}

static const struct fs_context_operations cohortfs_context_ops = {
	.parse_param	= cohortfs_parse_param,
	.get_tree	= cohortfs_get_tree,
	.reconfigure	= cohortfs_reconfigure,
	.free		= cohortfs_free_fc,
};

static int cohortfs_init_fs_context(struct fs_context *fc)
{
	struct cohortfs_ctx *c = kzalloc(sizeof(*c), GFP_KERNEL);

	if (!c)
		return -ENOMEM;
	fc->fs_private = c;
	fc->ops = &cohortfs_context_ops;
	return 0;
}

static void cohortfs_kill_sb(struct super_block *sb)
{
	struct cohortfs_sb_info *s = COHORTFS_SB(sb);

	kill_anon_super(sb);
	cohortfs_release_info(s);
}

static struct file_system_type cohortfs_type = {
	.owner			= THIS_MODULE,
	.name			= "cohortfs",
	.init_fs_context	= cohortfs_init_fs_context,
	.parameters		= cohortfs_params,
	.kill_sb		= cohortfs_kill_sb,
};

static int __init cohortfs_init(void)
{
	cohortfs_stamp = get_random_u64() | 1;
	cohortfs_debug_root = debugfs_create_dir("cohortfs", NULL);
	if (IS_ERR(cohortfs_debug_root))
		cohortfs_debug_root = NULL;
	return register_filesystem(&cohortfs_type);
}
fs_initcall(cohortfs_init);
