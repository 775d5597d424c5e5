/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the files of lib/image/ share, and what the unit tests reach
 * beneath the public API of image.h.
 */
#ifndef _COHORT_IMAGE_INTERNAL_H
#define _COHORT_IMAGE_INTERNAL_H

#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "image.h"

struct archive;
struct json_object;

/* Largest index, manifest or config blob read into memory. */
#define IMG_JSON_MAX		(4u << 20)
/* Index inside index inside ... */
#define IMG_INDEX_DEPTH_MAX	4
#define IMG_DIGEST_LEN		71	/* "sha256:" + 64 */

/* One-line messages for the caller: cohort_seterr() (lib/cohort). */
#include "cohort/err.h"

/* digest.c: sha256 over a stream, checked against a digest and a size. */
struct img_hash {
	void *ctx;		/* EVP_MD_CTX */
	uint64_t bytes;
};

int img_digest_check(const char *digest, char *err, size_t errlen);
int img_hash_init(struct img_hash *h, char *err, size_t errlen);
void img_hash_update(struct img_hash *h, const void *p, size_t n);
void img_hash_hex(struct img_hash *h, char hex[65]);
void img_hash_free(struct img_hash *h);

/* blob.c: reading one blob of a source, verified as it is read. */
enum img_media {
	IMG_MEDIA_UNKNOWN,
	IMG_MEDIA_INDEX,
	IMG_MEDIA_MANIFEST,
	IMG_MEDIA_CONFIG,
	IMG_MEDIA_LAYER,
};

struct img_desc {
	char media_type[128];
	char digest[IMG_DIGEST_LEN + 1];
	int64_t size;		/* -1: not declared */
};

struct img_blob {
	char what[160];			/* for messages */
	char digest[IMG_DIGEST_LEN + 1];
	int64_t size;			/* declared, -1: none */
	int fd;				/* oci: the blob file */
	struct archive *outer;		/* docker-archive: positioned on it */
	struct img_hash hash;
	bool eof;
	char err[IMAGE_ERR_MAX];	/* why a read failed */
	unsigned char buf[64 * 1024];	/* for libarchive callbacks */
};

void img_blob_init(struct img_blob *b, const char *what, const char *digest,
		   int64_t size);
ssize_t img_blob_read(struct img_blob *b, void *buf, size_t len);
int img_blob_finish(struct img_blob *b, char *err, size_t errlen);
void img_blob_close(struct img_blob *b);
int img_blob_slurp(struct img_blob *b, size_t max, char **data, size_t *len,
		   char *err, size_t errlen);
int img_blob_archive_open(struct img_blob *b, struct archive *a,
			  char *err, size_t errlen);

/* The opened image, filled by oci.c or docker_archive.c. */
struct image {
	const char *kind;
	int dirfd;			/* oci: the layout directory */
	char *archive_path;		/* docker-archive: the file */
	char **member;			/* docker-archive: layer file names */
	char manifest_digest[IMG_DIGEST_LEN + 1];
	char config_digest[IMG_DIGEST_LEN + 1];
	struct image_config cfg;
	struct image_layer *layers;
	size_t nr_layers;
};

int img_oci_open(struct image *img, const char *dir, const char *tag,
		 char *err, size_t errlen);
int img_docker_open(struct image *img, const char *file, const char *ref,
		    char *err, size_t errlen);
int img_open_layer(struct image *img, size_t i, struct img_blob *b,
		   char *err, size_t errlen);
int img_oci_blob_open(int dirfd, struct img_blob *b, char *err, size_t errlen);
int img_docker_member_open(const char *file, const char *name,
			   struct img_blob *b, char *err, size_t errlen);

/* source.c */
int img_source_parse(const char *source, char **kind, char **path,
		     char **ref, char *err, size_t errlen);

/* manifest.c: JSON of indexes and manifests. */
enum img_media img_media_kind(const char *media_type,
			      enum image_compression *comp);
int img_index_choose(const char *json, size_t len, const char *tag,
		     struct img_desc *out, char *err, size_t errlen);
int img_manifest_parse(const char *json, size_t len, const char *media_type,
		       struct img_desc *config, struct image_layer **layers,
		       size_t *nr, char *err, size_t errlen);
int img_docker_manifest_parse(const char *json, size_t len, const char *ref,
			      char **config, char ***layers, size_t *nr,
			      char *err, size_t errlen);
char **img_json_strv(struct json_object *arr);
void img_layers_free(struct image_layer *layers, size_t nr);
void img_strv_free(char **v);

/* config.c */
int img_config_diff_ids(const char *json, size_t len, char ***ids,
			size_t *nr, char *err, size_t errlen);
int img_config_platform_check(const struct image_config *cfg, char *err,
			      size_t errlen);

/* path.c: names inside a layer. */
enum img_whiteout {
	IMG_WH_NONE,
	IMG_WH_FILE,		/* .wh.NAME: NAME goes */
	IMG_WH_OPAQUE,		/* .wh..wh..opq: lower contents go */
	IMG_WH_META,		/* other .wh..wh.*: aufs bookkeeping, ignored */
};

int img_path_clean(const char *in, char *out, size_t outlen, char *err,
		   size_t errlen);
enum img_whiteout img_whiteout_kind(const char *base, const char **name);
void img_path_split(char *path, const char **parent, const char **base);

/* tree.c: directories below the target, never through a symlink. */
int img_open_dir(int rootfd, const char *path, bool create, char *err,
		 size_t errlen);
DIR *img_dir_stream(int dirfd, const char *name);

/* unpack.c */
struct img_unpack;
struct img_unpack *img_unpack_new(const struct image_unpack_opts *opts,
				  struct image_unpack_stats *stats,
				  char *err, size_t errlen);
int img_apply_layer(struct img_unpack *u, struct archive *a, int rootfd,
		    char *err, size_t errlen);
void img_unpack_free(struct img_unpack *u);

#endif /* _COHORT_IMAGE_INTERNAL_H */
