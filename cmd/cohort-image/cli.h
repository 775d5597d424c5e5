/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cohort-image(1): what its command files share.
 */
#ifndef _COHORT_IMAGE_CLI_H
#define _COHORT_IMAGE_CLI_H

#define EXIT_OK		0	/* done */
#define EXIT_FAIL	1	/* the image was refused, or the operation failed */
#define EXIT_USAGE	2	/* usage error or invalid argument */

extern const char *prog;

void cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int cli_usage_err(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

int cmd_inspect(int argc, char **argv);
int cmd_unpack(int argc, char **argv);

#endif /* _COHORT_IMAGE_CLI_H */
