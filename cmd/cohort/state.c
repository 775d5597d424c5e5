// SPDX-License-Identifier: GPL-2.0
/*
 * cohort(8): where the tool keeps what outlives one command: imported
 * images (imgstore.c), warm pools (warmpool.c) and runs (runrec.c),
 * under /var/lib/cohort or $COHORT_STATE_DIR, each a small JSON file
 * written whole and renamed into place.  The kernel keeps everything
 * else.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cohort.h"
#include "cohort/fdio.h"

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

/**
 * cli_record_write() - write a record atomically: a new file renamed
 * @path: the record
 * @o: its contents, written as indented JSON and a newline
 *
 * Return: 0 or a negative errno (the old record, if any, is intact).
 */
int cli_record_write(const char *path, struct json_object *o)
{
	char tmp[4200];
	const char *s;
	int fd, ret = 0;

	snprintf(tmp, sizeof(tmp), "%s.%d.new", path, (int)getpid());
	s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
					   JSON_C_TO_STRING_SPACED);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	if (cohort_write_all(fd, s, strlen(s)) < 0 ||
	    cohort_write_all(fd, "\n", 1) < 0)
		ret = -errno;
	if (close(fd) < 0 && !ret)
		ret = -errno;
	if (!ret && rename(tmp, path) < 0)
		ret = -errno;
	if (ret)
		unlink(tmp);
	return ret;
}

/**
 * cli_record_read() - read a record written by cli_record_write()
 * @path: the record
 * @err: out: -ENOENT when there is none, -EINVAL when it is not a JSON
 *       object
 *
 * Return: the object (json_object_put() it), or NULL.
 */
struct json_object *cli_record_read(const char *path, int *err)
{
	struct json_object *o;

	if (access(path, F_OK) < 0) {
		*err = -errno;
		return NULL;
	}
	o = json_object_from_file(path);
	if (!o || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		*err = -EINVAL;
		return NULL;
	}
	*err = 0;
	return o;
}

/**
 * cli_record_str() - copy a string member of a record
 * @o: the record
 * @key: the member
 * @buf: out: its value
 * @len: bytes at @buf
 * @empty_ok: "" is a value
 *
 * Return: 0, or -EINVAL when it is missing, not a string, empty (unless
 * @empty_ok) or too long.
 */
int cli_record_str(struct json_object *o, const char *key, char *buf,
		   size_t len, bool empty_ok)
{
	struct json_object *v;
	const char *s;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return -EINVAL;
	s = json_object_get_string(v);
	if ((!*s && !empty_ok) || strlen(s) >= len)
		return -EINVAL;
	snprintf(buf, len, "%s", s);
	return 0;
}
