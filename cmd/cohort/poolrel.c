// SPDX-License-Identifier: GPL-2.0
/*
 * cohort(8): "cohort pool release [--dry-run] [-j]": give the pool to the
 * primary for good (COHORT_IOC_POOL_RELEASE).
 *
 * The kernel refuses while an instance, a region or a network link holds
 * any of the pool.  The control region stays reserved (the messaging
 * between kernels keeps using it), and so do the trampoline slots below
 * 1 MiB.  Afterwards no instance or region can be made until the primary
 * boots again with cohort_pool=.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "cohort.h"
#include "cohort/parse.h"

/* What was given back, or would be: a line, or a JSON object. */
static void report(struct cli *c, bool dry,
		   const struct cohort_ioc_pool_release *req)
{
	char rel[COHORT_SIZE_STR_MAX], kept[COHORT_SIZE_STR_MAX];
	struct json_object *o;

	if (c->json) {
		o = json_object_new_object();
		json_object_object_add(o, "released",
				       json_object_new_uint64(req->released));
		json_object_object_add(o, "kept",
				       json_object_new_uint64(req->kept));
		json_object_object_add(o, "dry_run",
				       json_object_new_boolean(dry));
		cli_json_print(c, o);
		json_object_put(o);
		return;
	}
	cohort_format_size(req->released, true, rel, sizeof(rel));
	cohort_format_size(req->kept, true, kept, sizeof(kept));
	printf("%s %s of the pool back to the primary", dry ? "would give" :
	       "gave", rel);
	/* a pool without a control region keeps nothing */
	if (req->kept)
		printf("; %s stay for messaging between kernels", kept);
	printf("%s\n", dry ? "; nothing changed" : "");
}

/**
 * cmd_pool_release() - "cohort pool release [--dry-run] [-j]"
 * @c: the invocation
 * @argc: arguments of the subcommand, argv[0] being "release"
 * @argv: the arguments
 *
 * Return: an exit status.
 */
int cmd_pool_release(struct cli *c, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct cohort_ioc_pool_release req;
	unsigned int seen[256] = { 0 };
	bool dry = false;
	int opt, ret;

	while ((opt = cli_getopt(c, argc, argv, "njp", lo, seen)) != -1) {
		if (opt == 'n')
			dry = true;
		else if (!cli_json_opt(c, opt))
			return opt == -2 ? EXIT_OK : EXIT_USAGE;
	}
	ret = cli_no_args(c, argc, argv);
	if (ret)
		return ret;
	ret = sysfs_available(c);
	if (ret)
		return ret;
	memset(&req, 0, sizeof(req));
	if (dry)
		req.flags = COHORT_SET_DRY_RUN;
	ret = cli_dev_ioctl(c, NULL, COHORT_IOC_POOL_RELEASE, &req, req.msg);
	if (ret)
		return ret;
	report(c, dry, &req);
	return EXIT_OK;
}
