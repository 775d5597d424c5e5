/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cohort-image(1): what its command files share.
 */
#ifndef _COHORT_IMAGE_CLI_H
#define _COHORT_IMAGE_CLI_H

#include <error.h>

#define EXIT_OK		0	/* done */
#define EXIT_FAIL	1	/* the image was refused, or the operation failed */
#define EXIT_USAGE	2	/* usage error or invalid argument */

extern const char *prog;

/* Messages go through error(3): "cohort-image: MESSAGE". */
#define cli_err(...)	error(0, 0, __VA_ARGS__)
#define cli_warn(fmt, ...) error(0, 0, "warning: " fmt, __VA_ARGS__)
int cli_usage_err(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

int cmd_inspect(int argc, char **argv);
int cmd_unpack(int argc, char **argv);
int cmd_spec(int argc, char **argv);

#endif /* _COHORT_IMAGE_CLI_H */
