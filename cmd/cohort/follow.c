// SPDX-License-Identifier: GPL-2.0
/*
 * cohort(8): copying an instance's console stream to a descriptor, for
 * "log" and "console".
 *
 * The console is read at absolute stream offsets (docs/abi.md, "Reading
 * the console"): from a position up to console_head, byte for byte.  Each
 * start of the instance begins a new stream at offset 0.  The follower
 * sees that from "starts" changing (read before console_head: the kernel
 * resets the stream before it counts the start) or from console_head
 * going back, and starts over at the oldest byte of the new stream, so a
 * restart shows the new boot from its first line.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cohort.h"
#include "cohort/console.h"

static ssize_t console_pread(void *ctx, void *buf, size_t len, __u64 off)
{
	int fd = *(int *)ctx;
	ssize_t n;

	do {
		n = pread(fd, buf, len, (off_t)off);
	} while (n < 0 && errno == EINTR);
	return n;
}

/* 0, -EINTR when *f->stop was set meanwhile, or a negative errno. */
static int write_all(struct follower *f, const unsigned char *p, size_t len)
{
	while (len) {
		ssize_t n = write(f->out, p, len);

		if (n < 0 && errno == EINTR) {
			if (f->stop && *f->stop)
				return -EINTR;
			continue;
		}
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Copies stream bytes [pos, head) to the output.  0; -EPIPE when the
 * output is closed; -EINTR after a stop; or a negative errno (*write_err
 * tells whether the output or the console failed).
 */
static int copy_out(struct follower *f, __u64 head, bool *write_err)
{
	unsigned char buf[COHORT_CONSOLE_CHUNK];

	*write_err = false;
	while (f->pos < head) {
		size_t want = head - f->pos < sizeof(buf) ?
			      (size_t)(head - f->pos) : sizeof(buf);
		ssize_t n = console_pread(&f->fd, buf, want, f->pos);
		int ret;

		if (n < 0)
			return -errno;
		if (!n)
			break;
		ret = write_all(f, buf, (size_t)n);
		if (ret) {
			*write_err = true;
			return ret;
		}
		f->pos += (__u64)n;
		f->copied += (__u64)n;
		f->last = buf[n - 1];
	}
	return 0;
}

/* "starts", read before console_head; -ENOENT when not shown. */
static int read_starts(struct follower *f, __u64 *starts)
{
	return sysfs_inst_u64(f->c, f->name, "starts", starts);
}

/**
 * follower_open() - open an instance's console for copying
 * @f: the follower to set up
 * @c: the invocation (for messages and sysfs paths)
 * @name: an instance that exists
 * @out: where the stream goes
 * @history: start at the oldest byte still held; otherwise at the head
 *
 * Return: EXIT_OK, or an exit status after printing why not.
 */
int follower_open(struct follower *f, struct cli *c, const char *name,
		  int out, bool history)
{
	char path[4096];
	__u64 head;
	int ret;

	memset(f, 0, sizeof(*f));
	f->c = c;
	f->name = name;
	f->out = out;
	f->last = -1;
	sysfs_inst_path(c, name, "console", path, sizeof(path));
	f->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (f->fd < 0) {
		ret = errno;
		cli_err("%s %s: cannot open %s: %s", c->cmd, name, path,
			strerror(ret));
		return ret == ENOENT ? EXIT_NOTFOUND : EXIT_FAIL;
	}
	f->have_starts = !read_starts(f, &f->starts);
	ret = sysfs_inst_u64(c, name, "console_head", &head);
	if (ret < 0) {
		cli_err("%s %s: cannot read console_head: %s", c->cmd, name,
			ret == -EINVAL ? "not a number" : strerror(-ret));
		follower_close(f);
		return EXIT_FAIL;
	}
	/* An older kernel may not show the size: then it is probed for. */
	if (sysfs_inst_u64(c, name, "console_size", &f->size) < 0)
		f->size = 0;
	if (!history) {
		f->pos = head;
		return EXIT_OK;
	}
	ret = cohort_console_start(console_pread, &f->fd, head, f->size,
				   &f->pos);
	if (ret) {
		cli_err("%s %s: reading the console: %s", c->cmd, name,
			strerror(-ret));
		follower_close(f);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

/**
 * follower_poll() - copy what the instance wrote since the last call
 * @f: the follower
 *
 * Sets f->copied to the bytes copied.  Output lost to the ring (the
 * instance wrote more than it holds since the last call) is skipped with
 * a warning.
 *
 * Return: FOLLOW_OK (also when a stop was asked meanwhile); FOLLOW_GONE
 * when the instance was deleted; FOLLOW_CLOSED when the output is closed
 * (EPIPE); FOLLOW_ERR after printing an error.
 */
int follower_poll(struct follower *f)
{
	bool restart = false, write_err;
	__u64 head, starts;
	int ret;

	f->copied = 0;
	ret = read_starts(f, &starts);
	if (ret == -ENOENT && f->have_starts)
		return FOLLOW_GONE;
	if (!ret) {
		restart = f->have_starts && starts != f->starts;
		f->starts = starts;
		f->have_starts = true;
	}
	ret = sysfs_inst_u64(f->c, f->name, "console_head", &head);
	if (ret == -ENOENT)
		return FOLLOW_GONE;
	if (ret < 0) {
		cli_err("%s %s: cannot read console_head: %s", f->c->cmd,
			f->name,
			ret == -EINVAL ? "not a number" : strerror(-ret));
		return FOLLOW_ERR;
	}
	if (restart || head < f->pos) {
		/* Started again: a new stream. */
		ret = cohort_console_start(console_pread, &f->fd, head,
					   f->size, &f->pos);
		if (ret)
			goto read_err;
	}
	if (f->size && head - f->pos > f->size) {
		cli_warn("%s %s: %llu bytes of console output were lost",
			 f->c->cmd, f->name,
			 (unsigned long long)(head - f->size - f->pos));
		f->pos = head - f->size;
	}
	ret = copy_out(f, head, &write_err);
	if (ret == -EPIPE && write_err)
		return FOLLOW_CLOSED;
	if (ret == -EINTR && write_err)
		return FOLLOW_OK;
	if (ret && write_err) {
		cli_err("%s %s: writing the console output: %s", f->c->cmd,
			f->name, strerror(-ret));
		return FOLLOW_ERR;
	}
	if (ret)
		goto read_err;
	return FOLLOW_OK;
read_err:
	cli_err("%s %s: reading the console: %s", f->c->cmd, f->name,
		strerror(-ret));
	return FOLLOW_ERR;
}

/**
 * follower_drain() - copy what is left after the instance was deleted
 * @f: the follower
 *
 * Reads the console file, still open, to its end; errors (the kernel
 * refuses reads of a removed file) end it quietly.
 */
void follower_drain(struct follower *f)
{
	bool write_err;

	copy_out(f, ~0ULL, &write_err);
}

/**
 * follower_close() - close the console file
 * @f: the follower
 */
void follower_close(struct follower *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
}
