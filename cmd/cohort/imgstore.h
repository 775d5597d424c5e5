/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cohort(8): the images "cohort run" imported (imgstore.c).
 */
#ifndef _COHORT_IMGSTORE_H
#define _COHORT_IMGSTORE_H

#include <stdbool.h>
#include <stdint.h>

#include "cohort.h"

struct image;

/* What the state directory records of one imported image. */
struct img_rec {
	char id[65];			/* config digest, hex */
	char digest[72];		/* "sha256:" + id */
	char source[1024];		/* where it was first imported from */
	char region[COHORT_NAME_MAX];	/* "img-" + 12 hex digits */
	uint64_t bytes;			/* of file data in its tree */
	uint64_t region_size;
	int64_t created;		/* seconds since the epoch */
};

int imgstore_get(struct cli *c, const char *source, struct image **img,
		 struct img_rec *r, bool *imported);
int imgstore_read(const char *id, struct img_rec *r);
int imgstore_list(struct img_rec **out, size_t *n);
int imgstore_forget(const char *id);
int imgstore_remove(struct cli *c, const struct img_rec *r);
bool imgstore_region_exists(struct cli *c, const char *name);
int imgstore_mount(const struct img_rec *r, const char *opts, bool rdonly,
		   char *dir, size_t len);
void imgstore_umount(const char *dir);

#endif /* _COHORT_IMGSTORE_H */
