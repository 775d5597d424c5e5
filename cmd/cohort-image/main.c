// SPDX-License-Identifier: GPL-2.0
/*
 * cohort-image(1): import a container image into a root filesystem
 * directory, the first step of `cohort run` (docs/image.md).
 *
 *	cohort-image inspect [-j] SOURCE
 *	cohort-image unpack [OPTIONS] SOURCE DIR
 *	cohort-image spec [OPTIONS] SOURCE [COMMAND [ARG...]]
 */
#include <errno.h>
#include <error.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const char *prog = "cohort-image";

static const char usage[] =
	"Usage: cohort-image COMMAND ...\n"
	"\n"
	"  inspect [-j|--json] SOURCE      print the image's config\n"
	"  unpack [--max-entries N] [--max-bytes SIZE] [--no-chown] SOURCE DIR\n"
	"                                  apply its layers into DIR (new or empty)\n"
	"  spec [-e ..] [-u ..] [-w ..] [--entrypoint ..] SOURCE [COMMAND [ARG...]]\n"
	"                                  the run spec `cohort run` would use (JSON)\n"
	"\n"
	"SOURCE is oci:DIR[:TAG] (an OCI image layout) or\n"
	"docker-archive:FILE[:REF] (a `docker save` tar).\n"
	"Exit status: 0 done, 1 image refused or operation failed, 2 usage error.\n";

/* "cohort-image: CMD: MESSAGE" and where the help is; EXIT_USAGE. */
int cli_usage_err(const char *cmd, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	error(0, 0, "%s%s%s", cmd ? cmd : "", cmd ? ": " : "", msg);
	fprintf(stderr, "Try '%s --help' for more information.\n", prog);
	return EXIT_USAGE;
}

int main(int argc, char **argv)
{
	/* error(3) prefixes every message with it. */
	program_invocation_name = (char *)prog;
	if (argc < 2)
		return cli_usage_err(NULL, "no command given");
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help")) {
		fputs(usage, stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "inspect"))
		return cmd_inspect(argc - 1, argv + 1);
	if (!strcmp(argv[1], "unpack"))
		return cmd_unpack(argc - 1, argv + 1);
	if (!strcmp(argv[1], "spec"))
		return cmd_spec(argc - 1, argv + 1);
	return cli_usage_err(NULL, "unknown command '%s'", argv[1]);
}
