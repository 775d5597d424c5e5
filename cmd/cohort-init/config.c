// SPDX-License-Identifier: GPL-2.0
/*
 * cohort-init: reading the run spec the primary's tool wrote into the
 * initramfs, through lib/run's hostile-input parser.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "init.h"

/**
 * init_load_spec() - read and check the spec file
 * @path: the JSON file
 * @spec: the spec, to free with run_spec_free()
 *
 * Prints why on failure.
 *
 * Return: 0, or -1.
 */
int init_load_spec(const char *path, struct run_spec *spec)
{
	char err[RUN_ERR_MAX], *buf;
	size_t got = 0;
	ssize_t r;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		init_msg("%s: %s", path, strerror(errno));
		return -1;
	}
	/* One byte more than allowed, to tell "too long" from "just fits". */
	buf = malloc(RUN_JSON_MAX + 1);
	if (!buf) {
		init_msg("out of memory");
		close(fd);
		return -1;
	}
	while (got <= RUN_JSON_MAX &&
	       (r = read(fd, buf + got, RUN_JSON_MAX + 1 - got)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			init_msg("%s: %s", path, strerror(errno));
			free(buf);
			close(fd);
			return -1;
		}
		got += r;
	}
	close(fd);
	ret = run_spec_from_json(buf, got, spec, err, sizeof(err));
	if (ret)
		init_msg("%s: %s", path, err);
	free(buf);
	return ret;
}
