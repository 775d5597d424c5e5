// SPDX-License-Identifier: GPL-2.0
/*
 * cohort-image unpack SOURCE DIR: apply the image's layers into DIR, a new
 * or empty directory.  On failure DIR is emptied again (and removed if
 * this command made it): nothing half-imported stays behind.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "cohort/parse.h"
#include "image/image.h"

static int is_empty_dir(int fd)
{
	int dup_fd = dup(fd);
	DIR *d = dup_fd < 0 ? NULL : fdopendir(dup_fd);
	struct dirent *de;
	int empty = 1;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			empty = 0;
	closedir(d);
	return empty;
}

static int parse_opts(int argc, char **argv, struct image_unpack_opts *o)
{
	static const struct option opts[] = {
		{ "max-entries", required_argument, NULL, 'n' },
		{ "max-bytes", required_argument, NULL, 'b' },
		{ "no-chown", no_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char err[COHORT_ERR_MAX];
	__u32 n;
	__u64 b;
	int opt;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'n':
			if (cohort_parse_uint(optarg, "--max-entries", "", 1,
					      UINT32_MAX, &n, err, sizeof(err)))
				return cli_usage_err("unpack", "%s", err);
			o->max_entries = n;
			break;
		case 'b':
			if (cohort_parse_size(optarg, &b, err, sizeof(err)))
				return cli_usage_err("unpack", "--max-bytes: %s", err);
			o->max_bytes = b;
			break;
		case 'c':
			o->no_chown = true;
			break;
		case 'h':
			printf("Usage: %s unpack [--max-entries N] [--max-bytes SIZE] [--no-chown] SOURCE DIR\n",
			       prog);
			return -1;
		case ':':
			return cli_usage_err("unpack", "option '%s' needs an argument",
					     argv[optind - 1]);
		default:
			return cli_usage_err("unpack", "unknown option '%s'",
					     argv[optind - 1]);
		}
	}
	if (argc - optind != 2)
		return cli_usage_err("unpack", "want SOURCE and DIR, got %d arguments",
				     argc - optind);
	return 0;
}

int cmd_unpack(int argc, char **argv)
{
	struct image_unpack_opts opts = { 0 };
	struct image_unpack_stats st;
	char err[IMAGE_ERR_MAX], err2[IMAGE_ERR_MAX];
	const char *dir;
	struct image *img;
	int r, fd, made = 0, ret = EXIT_FAIL;

	r = parse_opts(argc, argv, &opts);
	if (r)
		return r < 0 ? EXIT_OK : r;
	dir = argv[optind + 1];
	if (image_open(argv[optind], &img, err, sizeof(err))) {
		cli_err("%s", err);
		return EXIT_FAIL;
	}
	if (!mkdir(dir, 0755))
		made = 1;
	else if (errno != EEXIST) {
		cli_err("%s: %s", dir, strerror(errno));
		goto out;
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		cli_err("%s: %s", dir, strerror(errno));
		goto out;
	}
	if (!made && is_empty_dir(fd) != 1) {
		cli_err("%s: not an empty directory: refusing to unpack into it", dir);
		close(fd);
		goto out;
	}
	if (image_unpack(img, fd, &opts, &st, err, sizeof(err))) {
		cli_err("%s", err);
		if (image_clear_dir(fd, err2, sizeof(err2)))
			cli_warn("%s: left partly unpacked: %s", dir, err2);
		else if (made && rmdir(dir))
			cli_warn("%s: %s", dir, strerror(errno));
		close(fd);
		goto out;
	}
	close(fd);
	if (st.skipped_devices)
		cli_warn("%llu device nodes skipped: making them needs root",
			 (unsigned long long)st.skipped_devices);
	printf("%s: %llu entries, %llu bytes, %llu whiteouts\n", dir,
	       (unsigned long long)st.entries, (unsigned long long)st.bytes,
	       (unsigned long long)st.whiteouts);
	ret = EXIT_OK;
out:
	image_close(img);
	return ret;
}
