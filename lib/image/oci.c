// SPDX-License-Identifier: GPL-2.0
/*
 * An OCI image layout directory: oci-layout, index.json and
 * blobs/sha256/HEX, read from a directory fd without leaving it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/openat2.h>

#include <json-c/json.h>

#include "internal.h"

/* @name below @dirfd, a regular file, not escaping @dirfd. */
static int open_beneath(int dirfd, const char *name, const char *what,
			char *err, size_t errlen)
{
	struct open_how how = {
		.flags = O_RDONLY | O_CLOEXEC | O_NOCTTY,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};
	struct stat st;
	int fd;

	fd = syscall(SYS_openat2, dirfd, name, &how, sizeof(how));
	if (fd < 0) {
		if (errno == ENOENT)
			cohort_seterr(err, errlen, "%s: missing (%s)", what, name);
		else if (errno == EXDEV)
			cohort_seterr(err, errlen, "%s: %s leads outside the image layout", what, name);
		else
			cohort_seterr(err, errlen, "%s: %s: %s", what, name, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		cohort_seterr(err, errlen, "%s: %s is not a regular file", what, name);
		close(fd);
		return -1;
	}
	return fd;
}

/**
 * img_oci_blob_open() - open the file of b->digest in blobs/sha256/
 *
 * The digest was checked to be sha256 and 64 hex digits, so the path
 * cannot name anything but a file of blobs/sha256/; it is still opened
 * with RESOLVE_BENEATH in case blobs/ is a symbolic link.
 */
int img_oci_blob_open(int dirfd, struct img_blob *b, char *err, size_t errlen)
{
	char name[96];

	if (img_digest_check(b->digest, err, errlen)) {
		char tmp[IMAGE_ERR_MAX];

		snprintf(tmp, sizeof(tmp), "%s", err);
		cohort_seterr(err, errlen, "%s: %s", b->what, tmp);
		return -1;
	}
	snprintf(name, sizeof(name), "blobs/sha256/%s", b->digest + 7);
	b->fd = open_beneath(dirfd, name, b->what, err, errlen);
	return b->fd < 0 ? -1 : 0;
}

/* A JSON blob, verified, into memory. */
static int read_json_blob(int dirfd, const struct img_desc *d,
			  const char *what, char **data, size_t *len,
			  char *err, size_t errlen)
{
	struct img_blob *b = malloc(sizeof(*b));
	char tmp[160];
	int ret;

	if (!b) {
		cohort_seterr(err, errlen, "out of memory");
		return -1;
	}
	snprintf(tmp, sizeof(tmp), "%s (%.19s)", what, d->digest);
	img_blob_init(b, tmp, d->digest, d->size);
	ret = img_oci_blob_open(dirfd, b, err, errlen);
	if (!ret)
		ret = img_blob_slurp(b, IMG_JSON_MAX, data, len, err, errlen);
	img_blob_close(b);
	free(b);
	return ret;
}

/* A small file of the layout (oci-layout, index.json): no digest. */
static int read_file(int dirfd, const char *name, char **data, size_t *len,
		     char *err, size_t errlen)
{
	struct img_blob *b = malloc(sizeof(*b));
	int ret = -1;

	if (!b) {
		cohort_seterr(err, errlen, "out of memory");
		return -1;
	}
	img_blob_init(b, name, "", -1);
	b->fd = open_beneath(dirfd, name, name, err, errlen);
	if (b->fd >= 0)
		ret = img_blob_slurp(b, IMG_JSON_MAX, data, len, err, errlen);
	img_blob_close(b);
	free(b);
	return ret;
}

static int check_layout(int dirfd, char *err, size_t errlen)
{
	json_object *o, *v;
	const char *ver;
	size_t len;
	char *data;
	int ret = -1;

	if (read_file(dirfd, "oci-layout", &data, &len, err, errlen))
		return -1;
	o = json_tokener_parse(data);
	if (!o || !json_object_object_get_ex(o, "imageLayoutVersion", &v) ||
	    !json_object_is_type(v, json_type_string)) {
		cohort_seterr(err, errlen, "oci-layout: no imageLayoutVersion");
	} else {
		ver = json_object_get_string(v);
		if (strncmp(ver, "1.", 2))
			cohort_seterr(err, errlen, "oci-layout: unsupported imageLayoutVersion '%.40s'", ver);
		else
			ret = 0;
	}
	json_object_put(o);
	free(data);
	return ret;
}

/**
 * img_oci_open() - read an OCI image layout's chosen manifest and config
 * @tag: org.opencontainers.image.ref.name of the manifest, or NULL
 */
int img_oci_open(struct image *img, const char *dir, const char *tag,
		 char *err, size_t errlen)
{
	struct img_desc d, cfg;
	char *data = NULL;
	size_t len, depth;
	int ret = -1;

	img->kind = "oci";
	img->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (img->dirfd < 0) {
		cohort_seterr(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	if (check_layout(img->dirfd, err, errlen) ||
	    read_file(img->dirfd, "index.json", &data, &len, err, errlen))
		return -1;
	if (img_index_choose(data, len, tag, &d, err, errlen))
		goto out;
	for (depth = 0; img_media_kind(d.media_type, NULL) == IMG_MEDIA_INDEX;
	     depth++) {
		if (depth == IMG_INDEX_DEPTH_MAX) {
			cohort_seterr(err, errlen, "indexes nested more than %d deep",
				IMG_INDEX_DEPTH_MAX);
			goto out;
		}
		free(data);
		data = NULL;
		if (read_json_blob(img->dirfd, &d, "index", &data, &len, err,
				   errlen) ||
		    img_index_choose(data, len, NULL, &d, err, errlen))
			goto out;
	}
	memcpy(img->manifest_digest, d.digest, sizeof(d.digest));
	free(data);
	data = NULL;
	if (read_json_blob(img->dirfd, &d, "manifest", &data, &len, err, errlen) ||
	    img_manifest_parse(data, len, d.media_type, &cfg, &img->layers,
			       &img->nr_layers, err, errlen))
		goto out;
	memcpy(img->config_digest, cfg.digest, sizeof(cfg.digest));
	free(data);
	data = NULL;
	if (read_json_blob(img->dirfd, &cfg, "config", &data, &len, err, errlen) ||
	    image_config_parse(data, len, &img->cfg, err, errlen))
		goto out;
	ret = 0;
out:
	free(data);
	return ret;
}
