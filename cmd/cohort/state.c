// SPDX-License-Identifier: GPL-2.0
/*
 * cohort(8): where the tool keeps what outlives one command: imported
 * images (imgstore.c) and warm pools (warm.c), under /var/lib/cohort or
 * $COHORT_STATE_DIR.  The kernel keeps everything else.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "cohort.h"

#define STATE_DIR_DEFAULT	"/var/lib/cohort"

/**
 * cli_state_dir() - the directory of the tool's own records
 *
 * Return: $COHORT_STATE_DIR when set and not empty, else /var/lib/cohort.
 */
const char *cli_state_dir(void)
{
	const char *d = getenv("COHORT_STATE_DIR");

	return d && *d ? d : STATE_DIR_DEFAULT;
}

/**
 * cli_mkdir_p() - make a directory and its parents, as mkdir -p
 * @path: the directory
 *
 * Return: 0 (also when it exists), or a negative errno.
 */
int cli_mkdir_p(const char *path)
{
	char buf[4096];
	size_t i;

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	for (i = 1; buf[i]; i++) {
		if (buf[i] != '/')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -errno;
		buf[i] = '/';
	}
	if (mkdir(buf, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}
