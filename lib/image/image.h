/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Importing a container image into a root filesystem directory: the first
 * step of `cohort run` (issue 11).  See docs/image.md.
 *
 *	struct image *img;
 *	char err[IMAGE_ERR_MAX];
 *
 *	if (image_open("oci:/srv/img:latest", &img, err, sizeof(err)))
 *		fail(err);
 *	image_config(img)->entrypoint ...
 *	if (image_unpack(img, rootfd, NULL, &stats, err, sizeof(err)))
 *		image_clear_dir(rootfd, ...);	// the partial tree
 *	image_close(img);
 *
 * Every function returns 0 on success and -1 with a one-line message in
 * @err on failure.
 */
#ifndef _COHORT_IMAGE_H
#define _COHORT_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IMAGE_ERR_MAX		512

/* Default of image_unpack_opts.max_entries. */
#define IMAGE_DEFAULT_MAX_ENTRIES	1000000

struct image_label {
	char *key;
	char *value;
};

/*
 * The parts of the image configuration a runtime needs.  Every string is
 * owned by the struct; arrays are NULL-terminated.  A NULL array or string
 * means the image does not set it (an empty array is an array holding only
 * NULL).
 */
struct image_config {
	char *os;
	char *architecture;
	char **env;		/* "NAME=value" */
	char **entrypoint;
	char **cmd;
	char *working_dir;
	char *user;
	struct image_label *labels;
	size_t nr_labels;
};

enum image_compression {
	IMAGE_COMPRESS_NONE,
	IMAGE_COMPRESS_GZIP,
	IMAGE_COMPRESS_ZSTD,
};

struct image_layer {
	char digest[72];	/* "sha256:" + 64 hex */
	int64_t size;		/* declared size of the blob; -1: not declared */
	enum image_compression compression;
	char *media_type;	/* NULL in a docker-archive */
};

/* What image_open() found. */
struct image_info {
	const char *kind;		/* "oci" or "docker-archive" */
	char manifest_digest[72];	/* "" in a docker-archive */
	char config_digest[72];
	size_t nr_layers;
	const struct image_layer *layers;
};

struct image_unpack_opts {
	uint64_t max_entries;	/* 0: IMAGE_DEFAULT_MAX_ENTRIES */
	uint64_t max_bytes;	/* of file data written; 0: no limit */
	bool no_chown;		/* keep the caller's owner (forced when not root) */
};

struct image_unpack_stats {
	uint64_t entries;	/* tar members read, whiteouts included */
	uint64_t bytes;		/* file data written */
	uint64_t whiteouts;	/* .wh.NAME and opaque markers applied */
	uint64_t skipped_devices; /* device nodes not made: not root */
};

struct image;

int image_open(const char *source, struct image **out, char *err,
	       size_t errlen);
const struct image_config *image_config(const struct image *img);
void image_info(const struct image *img, struct image_info *info);
int image_unpack(struct image *img, int rootfd,
		 const struct image_unpack_opts *opts,
		 struct image_unpack_stats *stats, char *err, size_t errlen);
void image_close(struct image *img);

/* Config parsing, also for callers that have a config blob of their own. */
int image_config_parse(const char *json, size_t len, struct image_config *cfg,
		       char *err, size_t errlen);
void image_config_free(struct image_config *cfg);

/*
 * Remove @name below @dirfd, a whole tree if it is a directory, never
 * following a symbolic link; image_clear_dir() empties @dirfd itself.
 * Neither copes with someone else changing the tree at the same time.
 */
int image_remove_tree(int dirfd, const char *name, char *err, size_t errlen);
int image_clear_dir(int dirfd, char *err, size_t errlen);

#endif /* _COHORT_IMAGE_H */
