// SPDX-License-Identifier: GPL-2.0
/*
 * Working directories: made absolute and normalised as text, without
 * looking at any filesystem.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/**
 * run_path_clean() - normalise a path below "/"
 * @path: absolute or relative (then taken relative to "/")
 *
 * Drops empty and "." components, and ".." with the component before it
 * (".." at the top stays at "/"), as filepath.Clean does for docker.
 *
 * Return: a malloc()ed absolute path without a trailing '/' (but "/"),
 * or NULL when out of memory.
 */
char *run_path_clean(const char *path)
{
	size_t len = strlen(path), o = 0;
	const char *p = path, *end = path + len;
	char *out = malloc(len + 2);

	if (!out)
		return NULL;
	while (p < end) {
		const char *c = p;
		size_t n;

		while (p < end && *p != '/')
			p++;
		n = p - c;
		if (p < end)
			p++;
		if (!n || (n == 1 && c[0] == '.'))
			continue;
		if (n == 2 && c[0] == '.' && c[1] == '.') {
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--;	/* the '/' before it */
			continue;
		}
		out[o++] = '/';
		memcpy(out + o, c, n);
		o += n;
	}
	if (!o)
		out[o++] = '/';
	out[o] = '\0';
	return out;
}
