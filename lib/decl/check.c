// SPDX-License-Identifier: GPL-2.0
/*
 * What one declared instance must hold as a whole, once its file is
 * read: the keys that are required, those that exclude each other, those
 * that mean nothing without another, the command line's length, what a
 * standby needs, and
 * (DECL_CHECK_FILES) that the files it boots can be read.
 *
 * A key whose value was refused counts as given (so one mistake is
 * reported once) but its value is not used here.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cohort/parse.h"
#include "internal.h"

/* The line of @a or @b given later (both were given). */
static unsigned int later(const struct decl_instance *d, enum decl_key a,
			  enum decl_key b)
{
	return d->line[a] > d->line[b] ? d->line[a] : d->line[b];
}

/* Keys @a and @b must not both be given. */
static void exclusive(struct decl_ctx *x, enum decl_key a, enum decl_key b,
		      const char *why)
{
	const struct decl_instance *d = x->d;

	if (!d->line[a] || !d->line[b])
		return;
	if (d->line[a] > d->line[b]) {
		enum decl_key t = a;

		a = b;
		b = t;
	}
	decl_err(x, d->line[b], "%s (line %u) and %s cannot both be set%s%s",
		 decl_key_name(a), d->line[a], decl_key_name(b),
		 why ? ": " : "", why ? why : "");
}

/* Each of @keys given needs @what, which is missing. */
static void needs(struct decl_ctx *x, const enum decl_key *keys, size_t n,
		  const char *what)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (x->d->line[keys[i]])
			decl_err(x, x->d->line[keys[i]], "%s needs %s",
				 decl_key_name(keys[i]), what);
}

static void check_instance_keys(struct decl_ctx *x)
{
	const struct decl_instance *d = x->d;
	char err[COHORT_ERR_MAX];

	if (!d->line[DK_CPUS] && !d->line[DK_CPU_COUNT])
		decl_err(x, 0,
			 "[instance] needs cpus = LIST or cpu-count = N");
	exclusive(x, DK_CPUS, DK_CPU_COUNT,
		  "either name the CPUs or say how many");
	if (!d->line[DK_MEMORY])
		decl_err(x, 0, "[instance] needs memory = SIZE");
	exclusive(x, DK_INITRD, DK_IMAGE,
		  "an image runs on cohort's instance initramfs");
	if (d->cmdline && !x->bad[DK_CMDLINE] &&
	    cohort_check_cmdline(d->cmdline, err, sizeof(err)))
		decl_err(x, d->line[DK_CMDLINE], "cmdline: %s", err);
	if (x->key_line[SEC_RUN] && !d->line[DK_IMAGE])
		decl_err(x, x->key_line[SEC_RUN],
			 "[run] is only for an instance that runs an image (image = in [instance])");
}

static void check_restart(struct decl_ctx *x)
{
	static const enum decl_key tuning[] = {
		DK_RESTART_LIMIT, DK_RESTART_WINDOW, DK_RESTART_BACKOFF,
		DK_RESTART_BACKOFF_MAX,
	};
	static const enum decl_key dumps[] = { DK_DUMP, DK_DUMP_KEEP };
	const struct decl_instance *d = x->d;

	if (d->restart == DECL_RESTART_NO && !x->bad[DK_RESTART])
		needs(x, tuning, sizeof(tuning) / sizeof(tuning[0]),
		      "restart = on-failure or always");
	/* a takeover deletes the failed kernel: its dump comes first */
	if (d->restart == DECL_RESTART_NO && !x->bad[DK_RESTART] &&
	    !d->standby && !x->bad[DK_STANDBY])
		needs(x, dumps, sizeof(dumps) / sizeof(dumps[0]),
		      "restart = on-failure or always, or standby = yes");
	if (d->restart != DECL_RESTART_NO &&
	    (d->line[DK_RESTART_BACKOFF] || d->line[DK_RESTART_BACKOFF_MAX]) &&
	    !x->bad[DK_RESTART_BACKOFF] && !x->bad[DK_RESTART_BACKOFF_MAX] &&
	    d->restart_backoff > d->restart_backoff_max)
		decl_err(x,
			 later(d, DK_RESTART_BACKOFF, DK_RESTART_BACKOFF_MAX),
			 "restart-backoff %u ms is above restart-backoff-max %u ms%s",
			 d->restart_backoff, d->restart_backoff_max,
			 d->line[DK_RESTART_BACKOFF_MAX] ? "" :
			 " (its default)");
	if (!d->dump && !x->bad[DK_DUMP] && d->line[DK_DUMP_KEEP])
		decl_err(x, d->line[DK_DUMP_KEEP], "dump-keep needs dump = yes");
}

/*
 * standby = yes: NAME.standby is made beside the instance, booting what
 * it boots; an image instance is run again from its image instead.
 */
static void check_standby(struct decl_ctx *x)
{
	const struct decl_instance *d = x->d;
	size_t len = strlen(d->name), slen = strlen(DECL_STANDBY_SUFFIX);

	if (!d->standby)
		return;
	if (d->line[DK_IMAGE])
		decl_err(x, later(d, DK_STANDBY, DK_IMAGE),
			 "standby (line %u) and image (line %u) cannot both be set: a standby is a kernel instance booted beside this one; an image instance is run again from its image",
			 d->line[DK_STANDBY], d->line[DK_IMAGE]);
	if (len && len + slen >= COHORT_NAME_MAX)
		decl_err(x, d->line[DK_STANDBY],
			 "standby: the name %s is %zu characters long, too long for %s%s (an instance with a standby has a name of at most %zu)",
			 d->name, len, d->name, DECL_STANDBY_SUFFIX,
			 (size_t)COHORT_NAME_MAX - 1 - slen);
}

static void check_net(struct decl_ctx *x)
{
	static const enum decl_key link_keys[] = { DK_QUEUES, DK_ADDRESS };

	if (!x->d->net_link && !x->bad[DK_LINK])
		needs(x, link_keys, sizeof(link_keys) / sizeof(link_keys[0]),
		      "link = yes");
}

static void check_health(struct decl_ctx *x)
{
	static const enum decl_key tuning[] = { DK_INTERVAL, DK_THRESHOLD };
	struct decl_instance *d = x->d;

	exclusive(x, DK_HEALTH_COMMAND, DK_VSOCK_PORT,
		  "a health check is one of command, vsock-port and tcp-port");
	exclusive(x, DK_HEALTH_COMMAND, DK_TCP_PORT,
		  "a health check is one of command, vsock-port and tcp-port");
	exclusive(x, DK_VSOCK_PORT, DK_TCP_PORT,
		  "a health check is one of command, vsock-port and tcp-port");
	if (d->line[DK_HEALTH_COMMAND])
		d->health = DECL_HEALTH_COMMAND;
	else if (d->line[DK_VSOCK_PORT])
		d->health = DECL_HEALTH_VSOCK;
	else if (d->line[DK_TCP_PORT])
		d->health = DECL_HEALTH_TCP;
	else
		needs(x, tuning, sizeof(tuning) / sizeof(tuning[0]),
		      "command, vsock-port or tcp-port");
	/* cohortd connects to the instance's address on its link */
	if (d->health == DECL_HEALTH_TCP && !x->bad[DK_TCP_PORT] &&
	    !d->nr_addresses && !x->bad[DK_ADDRESS] && !x->bad[DK_LINK])
		decl_err(x, d->line[DK_TCP_PORT],
			 "tcp-port needs an address of the instance to connect to: [net] link = yes and address = ADDRESS/LENGTH");
}

/* @path (of key @k) exists, is a directory (@dir) or a file, and reads. */
static void check_file(struct decl_ctx *x, enum decl_key k, const char *path,
		       bool dir)
{
	char q[96];
	struct stat st;

	if (!path || x->bad[k])
		return;
	cohort_quote(path, q, sizeof(q));
	if (stat(path, &st) < 0)
		decl_err(x, x->d->line[k], "%s: '%s': %s", decl_key_name(k), q,
			 strerror(errno));
	else if (dir && !S_ISDIR(st.st_mode))
		decl_err(x, x->d->line[k], "%s: '%s' is not a directory",
			 decl_key_name(k), q);
	else if (!dir && !S_ISREG(st.st_mode))
		decl_err(x, x->d->line[k], "%s: '%s' is not a regular file",
			 decl_key_name(k), q);
	else if (access(path, dir ? R_OK | X_OK : R_OK) < 0)
		decl_err(x, x->d->line[k], "%s: '%s' cannot be read: %s",
			 decl_key_name(k), q, strerror(errno));
}

/**
 * decl_check_instance() - check a declared instance as a whole
 * @x: the file, read to its end
 *
 * Adds an error for each rule broken (docs/config.md), and sets what
 * follows from several keys (the kind of health check).
 */
void decl_check_instance(struct decl_ctx *x)
{
	const struct decl_instance *d = x->d;

	check_instance_keys(x);
	check_restart(x);
	check_standby(x);
	check_net(x);
	check_health(x);
	if (!(x->flags & DECL_CHECK_FILES))
		return;
	check_file(x, DK_KERNEL, d->kernel, false);
	check_file(x, DK_INITRD, d->initrd, false);
	check_file(x, DK_IMAGE, d->image_path,
		   d->image_kind == DECL_IMAGE_OCI);
}
