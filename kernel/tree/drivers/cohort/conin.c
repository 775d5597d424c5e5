// SPDX-License-Identifier: GPL-2.0
/*
 * Cohort console input, primary side: the one writer of an instance's
 * console.
 *
 * COHORT_IOC_CONSOLE hands out a file whose write() types into the
 * instance's /dev/ttyCH0 (the buffer and the instance's side are in
 * shm.c and console.c).  One writer per instance at a time; a forced
 * attach revokes the current one, whose writes then fail with EPIPE and
 * whose poll() reports POLLHUP.  Everything here is called with the
 * instances' mutex held, except the waiting.
 */
#include <linux/anon_inodes.h>
#include <linux/cohort_shm.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/pid.h>
#include <linux/poll.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include "cohort.h"

/* How often a blocked writer looks for room besides the watch's wakeups. */
#define CONIN_RETRY_MS	10

/**
 * struct conin_writer - an attached writer (the file's private data)
 * @id: the instance's id
 * @revoked: another writer took over, or the instance was deleted
 * @pid: the process that attached
 * @wq: writers waiting for room or for the revoke
 */
struct conin_writer {
	u32 id;
	bool revoked;
	struct pid *pid;
	wait_queue_head_t wq;
};

/**
 * struct conin - console input state of one instance id
 * @writer: the attached writer or NULL
 * @head: bytes ever put into the instance's buffer since it started
 */
static struct conin {
	struct conin_writer *writer;
	u64 head;
} conins[COHORT_MAX_KERNELS];

#define fail(msg, ...) scnprintf(msg, COHORT_MSG_MAX, __VA_ARGS__)

static void revoke(struct conin *c)
{
	if (!c->writer)
		return;
	WRITE_ONCE(c->writer->revoked, true);
	wake_up_interruptible(&c->writer->wq);
	c->writer = NULL;
}

/* Puts bytes in with the mutex held: count, 0 for no room, or -errno. */
static int put_locked(struct conin_writer *w, const u8 *buf, size_t len)
{
	struct cohort_inst_info ii;
	int ret;

	if (w->revoked || !cohort_inst_by_id(w->id, &ii))
		return -EPIPE;
	if (!ii.running)
		return -ENXIO;
	ret = cohort_conin_put(ii.mem_base, &conins[w->id].head, buf, len);
	if (ret == -EIO)
		pr_warn_ratelimited("instance %s: its console input count is corrupt\n",
				    ii.name);
	return ret;
}

static ssize_t conin_write(struct file *f, const char __user *ubuf,
			   size_t count, loff_t *ppos)
{
	struct conin_writer *w = f->private_data;
	size_t done = 0, chunk;
	long ret = 0;
	u8 *kbuf;

	if (!count)
		return 0;
	kbuf = kmalloc(COHORT_CONSOLE_IN_SIZE, GFP_KERNEL);
	if (!kbuf)
		return -ENOMEM;
	while (done < count) {
		chunk = min_t(size_t, count - done, COHORT_CONSOLE_IN_SIZE);
		if (copy_from_user(kbuf, ubuf + done, chunk)) {
			ret = -EFAULT;
			break;
		}
		cohort_lock();
		ret = put_locked(w, kbuf, chunk);
		cohort_unlock();
		if (ret > 0) {
			done += ret;
			/* Best effort: the instance also looks on its own. */
			cohort_msg_send(w->id, COHORT_MSG_T_CONSOLE, NULL, 0, 0);
			continue;
		}
		if (ret < 0)
			break;
		if (f->f_flags & O_NONBLOCK) {
			ret = -EAGAIN;
			break;
		}
		ret = wait_event_interruptible_timeout(w->wq,
						       READ_ONCE(w->revoked),
						       msecs_to_jiffies(CONIN_RETRY_MS));
		if (ret < 0)
			break;
	}
	kfree(kbuf);
	return done ? done : ret;
}

static __poll_t conin_poll(struct file *f, poll_table *pt)
{
	struct conin_writer *w = f->private_data;
	struct cohort_inst_info ii;
	__poll_t mask = 0;

	poll_wait(f, &w->wq, pt);
	cohort_lock();
	if (w->revoked || !cohort_inst_by_id(w->id, &ii))
		mask = EPOLLHUP | EPOLLERR;
	else if (ii.running &&
		 cohort_conin_room(ii.mem_base, conins[w->id].head) > 0)
		mask = EPOLLOUT | EPOLLWRNORM;
	cohort_unlock();
	return mask;
}

static int conin_release(struct inode *inode, struct file *f)
{
	struct conin_writer *w = f->private_data;

	cohort_lock();
	if (w->id < COHORT_MAX_KERNELS && conins[w->id].writer == w)
		conins[w->id].writer = NULL;
	cohort_unlock();
	put_pid(w->pid);
	kfree(w);
	return 0;
}

static const struct file_operations conin_fops = {
	.owner = THIS_MODULE,
	.write = conin_write,
	.poll = conin_poll,
	.release = conin_release,
	.llseek = noop_llseek,
};

/* Checks and attaches with the mutex held; 0 or -errno with @req->msg. */
static int attach_locked(struct cohort_ioc_console *req,
			 struct cohort_ioc_console __user *uarg,
			 struct conin_writer *w)
{
	struct cohort_inst_info ii;
	struct conin *c;

	if (!cohort_inst_find(req->name, &ii))
		return fail(req->msg, "no instance named '%s'", req->name),
		       -ENOENT;
	c = &conins[ii.id];
	if (c->writer && !(req->flags & COHORT_CONSOLE_FORCE))
		return fail(req->msg,
			    "the console of '%s' has a writer already (pid %d)",
			    req->name, pid_vnr(c->writer->pid)), -EBUSY;
	/* The caller learns its fd before anyone loses the console. */
	if (copy_to_user(uarg, req, sizeof(*req)))
		return -EFAULT;
	revoke(c);
	w->id = ii.id;
	c->writer = w;
	return 0;
}

/**
 * cohort_conin_ioctl() - COHORT_IOC_CONSOLE: become an instance's writer
 * @uarg: the user's struct cohort_ioc_console
 *
 * Return: 0 with the new descriptor in @uarg->fd, or a negative errno
 * with the reason in @uarg->msg.
 */
long cohort_conin_ioctl(struct cohort_ioc_console __user *uarg)
{
	struct cohort_ioc_console *req;
	struct conin_writer *w = NULL;
	struct file *file = NULL;
	int fd = -1, ret, i;

	req = kzalloc(sizeof(*req), GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	if (copy_from_user(req, uarg, sizeof(*req))) {
		kfree(req);
		return -EFAULT;
	}
	memset(req->msg, 0, sizeof(req->msg));
	ret = -EINVAL;
	if (strnlen(req->name, sizeof(req->name)) == sizeof(req->name)) {
		fail(req->msg, "instance name is not NUL-terminated");
		goto out;
	}
	if (req->flags & ~COHORT_CONSOLE_FORCE || req->fd) {
		fail(req->msg, "unknown flags or fd not 0");
		goto out;
	}
	for (i = 0; i < ARRAY_SIZE(req->reserved); i++) {
		if (req->reserved[i]) {
			fail(req->msg, "reserved fields must be 0");
			goto out;
		}
	}
	ret = -ENOMEM;
	w = kzalloc(sizeof(*w), GFP_KERNEL);
	if (!w)
		goto out;
	w->id = U32_MAX;
	init_waitqueue_head(&w->wq);
	w->pid = get_pid(task_tgid(current));
	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		ret = fd;
		goto out;
	}
	file = anon_inode_getfile("[cohort-console]", &conin_fops, w, O_WRONLY);
	if (IS_ERR(file)) {
		ret = PTR_ERR(file);
		file = NULL;
		goto out;
	}
	w = NULL;		/* the file owns it now */
	req->fd = fd;

	cohort_lock();
	ret = attach_locked(req, uarg, file->private_data);
	if (!ret)
		fd_install(fd, file);
	cohort_unlock();
	if (!ret) {
		kfree(req);
		return 0;
	}
out:
	if (file)
		fput(file);
	if (fd >= 0)
		put_unused_fd(fd);
	if (w) {
		put_pid(w->pid);
		kfree(w);
	}
	req->fd = 0;
	if (ret != -EFAULT && copy_to_user(uarg, req, sizeof(*req)))
		ret = -EFAULT;
	kfree(req);
	return ret;
}

/**
 * cohort_conin_reset() - an instance starts: its input buffer is empty
 * @id: its id
 *
 * Called with the mutex held, after its mailbox was reset.
 */
void cohort_conin_reset(u32 id)
{
	conins[id].head = 0;
}

/**
 * cohort_conin_forget() - an instance is deleted: its writer goes
 * @id: its id
 *
 * Called with the mutex held.
 */
void cohort_conin_forget(u32 id)
{
	revoke(&conins[id]);
	conins[id].head = 0;
}

/**
 * cohort_conin_tick() - let a waiting writer look for room again
 * @id: the instance's id
 *
 * Called from the instance's watch, with the mutex held.
 */
void cohort_conin_tick(u32 id)
{
	if (conins[id].writer)
		wake_up_interruptible(&conins[id].writer->wq);
}

/**
 * cohort_conin_writer() - who writes to an instance's console
 * @id: its id
 *
 * Called with the mutex held.
 *
 * Return: the writer's process id in the caller's namespace, 0 for none.
 */
pid_t cohort_conin_writer(u32 id)
{
	return conins[id].writer ? pid_vnr(conins[id].writer->pid) : 0;
}
