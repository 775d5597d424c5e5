// SPDX-License-Identifier: GPL-2.0
/*
 * cohort-image spec [OPTIONS] SOURCE [COMMAND [ARG...]]: the process
 * `cohort run` would start for an image, as the run spec JSON cohort-init
 * reads (lib/run, docs/image.md "Running an image").  The image is
 * unpacked into a temporary directory (owners not applied) only to read
 * its /etc/passwd and /etc/group, then removed.  Options as docker run's:
 *
 *	-e NAME[=VALUE], --env-file FILE, -u USER[:GROUP], -w DIR,
 *	--entrypoint CMD, -h HOSTNAME, -t, --rootfs REGION,
 *	--ulimit NAME=SOFT[:HARD]
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "image/image.h"
#include "run/run.h"

static const char spec_usage[] =
	"Usage: cohort-image spec [OPTIONS] SOURCE [COMMAND [ARG...]]\n"
	"  -e, --env NAME[=VALUE]   set a variable (NAME alone: from here)\n"
	"      --env-file FILE      variables from FILE, one per line\n"
	"  -u, --user USER[:GROUP]  name or number, resolved in the image\n"
	"  -w, --workdir DIR        working directory (absolute)\n"
	"      --entrypoint CMD     replace the image's Entrypoint (\"\": none)\n"
	"  -h, --hostname NAME      the instance's hostname\n"
	"  -t, --tty                the console is the process's terminal\n"
	"      --rootfs REGION      the region holding the image tree\n"
	"      --ulimit NAME=SOFT[:HARD]  a resource limit (nofile=1024:4096)\n";

struct spec_opts {
	struct run_overrides ov;
	char **env;		/* -e and --env-file entries, owned */
	char *ep[2];
};

static int add_env(struct spec_opts *s, const char *v)
{
	size_t n = 0;
	char **e;

	while (s->env && s->env[n])
		n++;
	e = realloc(s->env, (n + 2) * sizeof(*e));
	if (!e)
		return -1;
	e[n] = strdup(v);
	e[n + 1] = NULL;
	s->env = e;
	return e[n] ? 0 : -1;
}

static void free_env(char **env)
{
	size_t i;

	for (i = 0; env && env[i]; i++)
		free(env[i]);
	free(env);
}

static int parse(int argc, char **argv, struct spec_opts *s)
{
	static const struct option opts[] = {
		{ "env", required_argument, NULL, 'e' },
		{ "env-file", required_argument, NULL, 'E' },
		{ "user", required_argument, NULL, 'u' },
		{ "workdir", required_argument, NULL, 'w' },
		{ "entrypoint", required_argument, NULL, 'P' },
		{ "hostname", required_argument, NULL, 'h' },
		{ "tty", no_argument, NULL, 't' },
		{ "rootfs", required_argument, NULL, 'R' },
		{ "ulimit", required_argument, NULL, 'U' },
		{ "help", no_argument, NULL, 'H' },
		{ NULL, 0, NULL, 0 },
	};
	char err[RUN_ERR_MAX];
	int opt;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:e:u:w:h:t", opts, NULL)) != -1) {
		switch (opt) {
		case 'e':
			if (add_env(s, optarg))
				return cli_usage_err("spec", "out of memory");
			break;
		case 'E':
			if (run_env_file(optarg, &s->env, err, sizeof(err)))
				return cli_usage_err("spec", "%s", err);
			break;
		case 'u':
			s->ov.user = optarg;
			break;
		case 'w':
			s->ov.workdir = optarg;
			break;
		case 'P':
			s->ep[0] = optarg[0] ? optarg : NULL;
			s->ov.entrypoint = s->ep;
			s->ov.entrypoint_set = true;
			break;
		case 'h':
			s->ov.hostname = optarg;
			break;
		case 't':
			s->ov.terminal = true;
			break;
		case 'R':
			s->ov.rootfs = optarg;
			break;
		case 'U':
			if (run_ulimit_parse(optarg, s->ov.rlimits,
					     &s->ov.nr_rlimits, err, sizeof(err)))
				return cli_usage_err("spec", "%s", err);
			break;
		case 'H':
			fputs(spec_usage, stdout);
			return -1;
		case ':':
			return cli_usage_err("spec", "option '%s' needs an argument",
					     argv[optind - 1]);
		default:
			return cli_usage_err("spec", "unknown option '%s'",
					     argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return cli_usage_err("spec", "no SOURCE given");
	s->ov.env = s->env;
	if (optind + 1 < argc)
		s->ov.cmd = argv + optind + 1;
	return 0;
}

/* Unpacks @img below a new temporary directory; its fd, or -1. */
static int unpack_tmp(struct image *img, char *dir)
{
	struct image_unpack_opts uo = { .no_chown = true };
	char err[IMAGE_ERR_MAX];
	int fd;

	if (!mkdtemp(dir)) {
		cli_err("%s: %s", dir, strerror(errno));
		return -1;
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		cli_err("%s: %s", dir, strerror(errno));
		rmdir(dir);
		return -1;
	}
	if (image_unpack(img, fd, &uo, NULL, err, sizeof(err))) {
		cli_err("%s", err);
		image_clear_dir(fd, err, sizeof(err));
		close(fd);
		rmdir(dir);
		return -1;
	}
	return fd;
}

int cmd_spec(int argc, char **argv)
{
	char err[RUN_ERR_MAX], ierr[IMAGE_ERR_MAX], *json = NULL;
	char dir[4096];
	struct spec_opts s = { 0 };
	struct run_spec spec;
	struct image *img;
	const char *tmp = getenv("TMPDIR");
	int r, fd, ret = EXIT_FAIL;

	r = parse(argc, argv, &s);
	if (r) {
		free_env(s.env);
		return r < 0 ? EXIT_OK : r;
	}
	if (image_open(argv[optind], &img, ierr, sizeof(ierr))) {
		cli_err("%s", ierr);
		free_env(s.env);
		return EXIT_FAIL;
	}
	snprintf(dir, sizeof(dir), "%s/cohort-image-spec.XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	fd = unpack_tmp(img, dir);
	if (fd >= 0) {
		if (run_spec_make(image_config(img), fd, &s.ov, &spec, err,
				  sizeof(err)) ||
		    run_spec_to_json(&spec, &json, err, sizeof(err))) {
			cli_err("%s", err);
		} else {
			fputs(json, stdout);
			ret = EXIT_OK;
		}
		run_spec_free(&spec);
		free(json);
		if (image_clear_dir(fd, ierr, sizeof(ierr)) || rmdir(dir))
			cli_warn("%s: not removed", dir);
		close(fd);
	}
	image_close(img);
	free_env(s.env);
	return ret;
}
