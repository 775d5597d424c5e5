// SPDX-License-Identifier: GPL-2.0
/*
 * Reading a blob, from a file of an OCI layout or a member of a
 * docker-archive, with every byte going through sha256: a blob longer than
 * its declared size fails as soon as it is, and one whose digest or size
 * is wrong fails at its end (img_blob_finish()).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <archive.h>

#include "internal.h"

void img_blob_init(struct img_blob *b, const char *what, const char *digest,
		   int64_t size)
{
	b->fd = -1;
	b->outer = NULL;
	b->hash.ctx = NULL;
	b->hash.bytes = 0;
	b->eof = false;
	b->err[0] = '\0';
	snprintf(b->what, sizeof(b->what), "%s", what);
	snprintf(b->digest, sizeof(b->digest), "%s", digest);
	b->size = size;
}

/* Raw bytes from the backend: fd or the outer archive. */
static ssize_t raw_read(struct img_blob *b, void *buf, size_t len)
{
	ssize_t n;

	if (b->fd >= 0) {
		do
			n = read(b->fd, buf, len);
		while (n < 0 && errno == EINTR);
		if (n < 0)
			cohort_seterr(b->err, sizeof(b->err), "%s: read: %s",
				b->what, strerror(errno));
		return n;
	}
	n = archive_read_data(b->outer, buf, len);
	if (n < 0)
		cohort_seterr(b->err, sizeof(b->err), "%s: %s", b->what,
			archive_error_string(b->outer));
	return n;
}

/**
 * img_blob_read() - read up to @len bytes of the blob
 *
 * Return: bytes read, 0 at the end, -1 with the reason in b->err.
 */
ssize_t img_blob_read(struct img_blob *b, void *buf, size_t len)
{
	ssize_t n;

	if (b->eof)
		return 0;
	if (!b->hash.ctx && img_hash_init(&b->hash, b->err, sizeof(b->err)))
		return -1;
	n = raw_read(b, buf, len);
	if (n < 0)
		return -1;
	if (n == 0) {
		b->eof = true;
		return 0;
	}
	if (b->size >= 0 && b->hash.bytes + (uint64_t)n > (uint64_t)b->size) {
		cohort_seterr(b->err, sizeof(b->err),
			"%s: blob is larger than its declared size %lld",
			b->what, (long long)b->size);
		return -1;
	}
	img_hash_update(&b->hash, buf, n);
	return n;
}

/**
 * img_blob_finish() - read the rest of the blob and check size and digest
 *
 * A blob opened with an empty digest (index.json) has none to check.
 */
int img_blob_finish(struct img_blob *b, char *err, size_t errlen)
{
	char hex[65];
	ssize_t n;

	while ((n = img_blob_read(b, b->buf, sizeof(b->buf))) > 0)
		;
	if (n < 0) {
		cohort_seterr(err, errlen, "%s", b->err);
		return -1;
	}
	if (b->size >= 0 && b->hash.bytes != (uint64_t)b->size) {
		cohort_seterr(err, errlen, "%s: blob is %llu bytes, its descriptor says %lld",
			b->what, (unsigned long long)b->hash.bytes,
			(long long)b->size);
		return -1;
	}
	if (!b->digest[0])	/* a file of the layout, not a blob */
		return 0;
	if (!b->hash.ctx && img_hash_init(&b->hash, err, errlen))
		return -1;
	img_hash_hex(&b->hash, hex);
	if (strcmp(hex, b->digest + 7)) {
		cohort_seterr(err, errlen, "%s: digest mismatch: content is sha256:%s, expected %s",
			b->what, hex, b->digest);
		return -1;
	}
	return 0;
}

void img_blob_close(struct img_blob *b)
{
	if (b->fd >= 0)
		close(b->fd);
	b->fd = -1;
	if (b->outer)
		archive_read_free(b->outer);
	b->outer = NULL;
	img_hash_free(&b->hash);
}

/**
 * img_blob_slurp() - read a whole (JSON) blob into memory, verified
 * @max: the largest blob accepted
 * @data: NUL-terminated copy, for the caller to free
 */
int img_blob_slurp(struct img_blob *b, size_t max, char **data, size_t *len,
		   char *err, size_t errlen)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap + 1), *p;
	ssize_t r;

	if (!buf) {
		cohort_seterr(err, errlen, "%s: out of memory", b->what);
		return -1;
	}
	for (;;) {
		if (n == cap) {
			if (cap >= max) {
				cohort_seterr(err, errlen, "%s: larger than %zu bytes",
					b->what, max);
				goto fail;
			}
			cap = cap * 2 > max ? max : cap * 2;
			p = realloc(buf, cap + 1);
			if (!p) {
				cohort_seterr(err, errlen, "%s: out of memory", b->what);
				goto fail;
			}
			buf = p;
		}
		r = img_blob_read(b, buf + n, cap - n);
		if (r < 0) {
			cohort_seterr(err, errlen, "%s", b->err);
			goto fail;
		}
		if (r == 0)
			break;
		n += r;
	}
	if (img_blob_finish(b, err, errlen))
		goto fail;
	buf[n] = '\0';
	*data = buf;
	*len = n;
	return 0;
fail:
	free(buf);
	return -1;
}

static la_ssize_t blob_cb(struct archive *a, void *p, const void **buf)
{
	struct img_blob *b = p;
	ssize_t n = img_blob_read(b, b->buf, sizeof(b->buf));

	if (n < 0) {
		archive_set_error(a, EIO, "%s", b->err);
		return -1;
	}
	*buf = b->buf;
	return n;
}

/**
 * img_blob_archive_open() - read the blob as a tar through libarchive @a
 *
 * @a has its formats and filters set up by the caller.  The blob stays the
 * caller's: after the archive's end, img_blob_finish() checks it.
 */
int img_blob_archive_open(struct img_blob *b, struct archive *a,
			  char *err, size_t errlen)
{
	if (archive_read_open(a, b, NULL, blob_cb, NULL) != ARCHIVE_OK) {
		cohort_seterr(err, errlen, "%s: %s", b->what,
			b->err[0] ? b->err : archive_error_string(a));
		return -1;
	}
	return 0;
}
