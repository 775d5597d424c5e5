// SPDX-License-Identifier: GPL-2.0
/*
 * The names of layer members: made relative and clean, refused when they
 * could leave the root, and whiteout markers recognised.
 */
#include <string.h>

#include "internal.h"

/**
 * img_path_clean() - the canonical form of a member name
 * @in: the name in the tar ("./usr//bin/", "etc/passwd", "/")
 * @out: "usr/bin", "etc/passwd", "" for the root itself
 *
 * "." and empty components go; a ".." component anywhere, or an absolute
 * name other than "/" itself, is refused.
 */
int img_path_clean(const char *in, char *out, size_t outlen, char *err,
		   size_t errlen)
{
	const char *p = in, *end;
	size_t n = 0, len;
	bool absolute = in[0] == '/';

	while (*p) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		end = strchrnul(p, '/');
		len = end - p;
		if (len == 2 && p[0] == '.' && p[1] == '.') {
			cohort_seterr(err, errlen, "member '%.200s': '..' is not allowed in a path", in);
			return -1;
		}
		if (!(len == 1 && p[0] == '.')) {
			if (n + !!n + len + 1 > outlen) {
				cohort_seterr(err, errlen, "member '%.200s': name too long", in);
				return -1;
			}
			if (n)
				out[n++] = '/';
			memcpy(out + n, p, len);
			n += len;
		}
		p = end;
	}
	if (absolute && n) {
		cohort_seterr(err, errlen, "member '%.200s': absolute paths are not allowed", in);
		return -1;
	}
	if (!outlen) {
		cohort_seterr(err, errlen, "member '%.200s': name too long", in);
		return -1;
	}
	out[n] = '\0';
	return 0;
}

/**
 * img_whiteout_kind() - is @base (a last component) a whiteout marker?
 * @name: for IMG_WH_FILE, the name it deletes
 */
enum img_whiteout img_whiteout_kind(const char *base, const char **name)
{
	if (strncmp(base, ".wh.", 4))
		return IMG_WH_NONE;
	if (!strcmp(base, ".wh..wh..opq"))
		return IMG_WH_OPAQUE;
	if (!strncmp(base, ".wh..wh.", 8))
		return IMG_WH_META;
	*name = base + 4;
	return IMG_WH_FILE;
}

/**
 * img_path_split() - cut a clean, non-empty path at its last '/'
 * @parent: "" when the path has a single component
 */
void img_path_split(char *path, const char **parent, const char **base)
{
	char *slash = strrchr(path, '/');

	if (!slash) {
		*parent = "";
		*base = path;
		return;
	}
	*slash = '\0';
	*parent = path;
	*base = slash + 1;
}
