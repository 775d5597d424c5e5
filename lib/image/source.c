// SPDX-License-Identifier: GPL-2.0
/*
 * Image sources as a person names them, and opening one:
 *
 *	oci:DIR[:TAG]			an OCI image layout
 *	docker-archive:FILE[:REF]	a `docker save` tar
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

static const char *const kinds[] = { "oci", "docker-archive" };

/**
 * img_source_parse() - split "KIND:PATH[:REF]"
 *
 * PATH ends at its first ':' (as in skopeo's transports), so a directory
 * or file with ':' in its name cannot be named; REF may hold ':'
 * ("busybox:latest").  @ref is NULL when not given.
 */
int img_source_parse(const char *source, char **kind, char **path,
		     char **ref, char *err, size_t errlen)
{
	const char *colon = strchr(source, ':'), *p, *r;
	size_t i, klen;

	*kind = *path = *ref = NULL;
	klen = colon ? (size_t)(colon - source) : 0;
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (colon && strlen(kinds[i]) == klen &&
		    !strncmp(source, kinds[i], klen))
			break;
	if (i == sizeof(kinds) / sizeof(kinds[0])) {
		cohort_seterr(err, errlen, "unknown image source '%.200s': use oci:DIR[:TAG] or docker-archive:FILE[:REF]",
			source);
		return -1;
	}
	p = colon + 1;
	r = strchr(p, ':');
	if (r == p || !*p) {
		cohort_seterr(err, errlen, "image source '%.200s' names no %s",
			source, i ? "file" : "directory");
		return -1;
	}
	if (r && !r[1]) {
		cohort_seterr(err, errlen, "image source '%.200s': empty %s after ':'",
			source, i ? "reference" : "tag");
		return -1;
	}
	*kind = strdup(kinds[i]);
	*path = r ? strndup(p, r - p) : strdup(p);
	*ref = r ? strdup(r + 1) : NULL;
	if (!*kind || !*path || (r && !*ref)) {
		free(*kind);
		free(*path);
		free(*ref);
		*kind = *path = *ref = NULL;
		cohort_seterr(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

/**
 * image_open() - open an image source and read its manifest and config
 * @source: "oci:DIR[:TAG]" or "docker-archive:FILE[:REF]"
 * @out: the image, for image_close()
 *
 * Every blob read here is verified; the layers are only read by
 * image_unpack().
 */
int image_open(const char *source, struct image **out, char *err,
	       size_t errlen)
{
	char *kind, *path, *ref;
	struct image *img;
	int ret;

	*out = NULL;
	if (img_source_parse(source, &kind, &path, &ref, err, errlen))
		return -1;
	img = calloc(1, sizeof(*img));
	if (!img) {
		cohort_seterr(err, errlen, "out of memory");
		ret = -1;
		goto out;
	}
	img->dirfd = -1;
	if (!strcmp(kind, "oci"))
		ret = img_oci_open(img, path, ref, err, errlen);
	else
		ret = img_docker_open(img, path, ref, err, errlen);
	if (!ret)
		ret = img_config_platform_check(&img->cfg, err, errlen);
	if (ret)
		image_close(img);
	else
		*out = img;
out:
	free(kind);
	free(path);
	free(ref);
	return ret;
}

const struct image_config *image_config(const struct image *img)
{
	return &img->cfg;
}

void image_info(const struct image *img, struct image_info *info)
{
	info->kind = img->kind;
	memcpy(info->manifest_digest, img->manifest_digest,
	       sizeof(info->manifest_digest));
	memcpy(info->config_digest, img->config_digest,
	       sizeof(info->config_digest));
	info->nr_layers = img->nr_layers;
	info->layers = img->layers;
}

/* The blob of layer @i, from whichever source the image came from. */
int img_open_layer(struct image *img, size_t i, struct img_blob *b,
		   char *err, size_t errlen)
{
	const struct image_layer *l = &img->layers[i];
	char what[160];

	snprintf(what, sizeof(what), "layer %zu (%.19s)", i + 1, l->digest);
	img_blob_init(b, what, l->digest, l->size);
	if (img->dirfd >= 0)
		return img_oci_blob_open(img->dirfd, b, err, errlen);
	return img_docker_member_open(img->archive_path, img->member[i], b,
				      err, errlen);
}

void image_close(struct image *img)
{
	if (!img)
		return;
	if (img->dirfd >= 0)
		close(img->dirfd);
	free(img->archive_path);
	img_strv_free(img->member);
	image_config_free(&img->cfg);
	img_layers_free(img->layers, img->nr_layers);
	free(img);
}
