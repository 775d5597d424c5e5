// SPDX-License-Identifier: GPL-2.0
/*
 * A `docker save` archive (docker-archive:FILE): manifest.json, the config
 * and the layer tars are members of one tar, read in place with libarchive
 * (nothing is extracted to disk).  The config's member name carries its
 * sha256; each layer is checked against rootfs.diff_ids of the config.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>

#include "internal.h"

/* "./a//b" and "a/b" name the same member. */
static bool same_member(const char *a, const char *b)
{
	char ca[4096], cb[4096];

	return !img_path_clean(a, ca, sizeof(ca), NULL, 0) &&
	       !img_path_clean(b, cb, sizeof(cb), NULL, 0) && !strcmp(ca, cb);
}

/**
 * img_docker_member_open() - position a reader of @file on member @name
 *
 * The blob's size becomes the member's when it had none declared.
 */
int img_docker_member_open(const char *file, const char *name,
			   struct img_blob *b, char *err, size_t errlen)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	int r;

	if (!a) {
		cohort_seterr(err, errlen, "out of memory");
		return -1;
	}
	archive_read_support_format_tar(a);
	archive_read_support_filter_all(a);
	if (archive_read_open_filename(a, file, 64 * 1024) != ARCHIVE_OK) {
		cohort_seterr(err, errlen, "%s: %s", file, archive_error_string(a));
		archive_read_free(a);
		return -1;
	}
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK ||
	       r == ARCHIVE_WARN) {
		if (!same_member(archive_entry_pathname(e) ?
				 archive_entry_pathname(e) : "", name))
			continue;
		if (archive_entry_filetype(e) != AE_IFREG) {
			cohort_seterr(err, errlen, "%s: member %.200s is not a regular file",
				b->what, name);
			break;
		}
		b->outer = a;
		if (b->size < 0 && archive_entry_size_is_set(e))
			b->size = archive_entry_size(e);
		return 0;
	}
	if (r == ARCHIVE_EOF)
		cohort_seterr(err, errlen, "%s: no member %.200s in %s", b->what,
			name, file);
	else if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
		cohort_seterr(err, errlen, "%s: %s", file, archive_error_string(a));
	archive_read_free(a);
	return -1;
}

static int read_member(const char *file, const char *name, const char *what,
		       const char *digest, char **data, size_t *len,
		       char *err, size_t errlen)
{
	struct img_blob *b = malloc(sizeof(*b));
	int ret;

	if (!b) {
		cohort_seterr(err, errlen, "out of memory");
		return -1;
	}
	img_blob_init(b, what, digest, -1);
	ret = img_docker_member_open(file, name, b, err, errlen);
	if (!ret)
		ret = img_blob_slurp(b, IMG_JSON_MAX, data, len, err, errlen);
	img_blob_close(b);
	free(b);
	return ret;
}

/* "HEX.json" (docker save) or "blobs/sha256/HEX" (docker 25+). */
static int config_digest(const char *name, char *digest, char *err,
			 size_t errlen)
{
	const char *hex = name;
	size_t n = strlen(name);

	if (!strncmp(hex, "blobs/sha256/", 13))
		hex += 13;
	else if (n > 5 && !strcmp(name + n - 5, ".json"))
		n -= 5;
	else
		n = 0;
	snprintf(digest, IMG_DIGEST_LEN + 1, "sha256:%.*s",
		 (int)(hex == name ? n : strlen(hex)), hex);
	if (!n || img_digest_check(digest, NULL, 0)) {
		cohort_seterr(err, errlen, "manifest.json: config member '%.200s' does not carry its sha256 in its name",
			name);
		return -1;
	}
	return 0;
}

/**
 * img_docker_open() - read the manifest.json and config of a docker-archive
 * @ref: a RepoTags entry ("busybox:latest"), or NULL for a one-image archive
 */
int img_docker_open(struct image *img, const char *file, const char *ref,
		    char *err, size_t errlen)
{
	char *data = NULL, *config = NULL, **ids = NULL;
	size_t len, nr, nr_ids, i;
	int ret = -1;

	img->kind = "docker-archive";
	img->archive_path = strdup(file);
	if (!img->archive_path) {
		cohort_seterr(err, errlen, "out of memory");
		return -1;
	}
	if (read_member(file, "manifest.json", "manifest.json", "", &data,
			&len, err, errlen) ||
	    img_docker_manifest_parse(data, len, ref, &config, &img->member,
				      &nr, err, errlen) ||
	    config_digest(config, img->config_digest, err, errlen))
		goto out;
	free(data);
	data = NULL;
	if (read_member(file, config, "config", img->config_digest, &data,
			&len, err, errlen) ||
	    image_config_parse(data, len, &img->cfg, err, errlen) ||
	    img_config_diff_ids(data, len, &ids, &nr_ids, err, errlen))
		goto out;
	if (nr_ids != nr) {
		cohort_seterr(err, errlen, "manifest.json lists %zu layers, the config's rootfs.diff_ids %zu",
			nr, nr_ids);
		goto out;
	}
	img->layers = calloc(nr ? nr : 1, sizeof(*img->layers));
	if (!img->layers) {
		cohort_seterr(err, errlen, "out of memory");
		goto out;
	}
	img->nr_layers = nr;
	for (i = 0; i < nr; i++) {
		snprintf(img->layers[i].digest, sizeof(img->layers[i].digest),
			 "%s", ids[i]);
		img->layers[i].size = -1;
		img->layers[i].compression = IMAGE_COMPRESS_NONE;
	}
	ret = 0;
out:
	img_strv_free(ids);
	free(config);
	free(data);
	return ret;
}
