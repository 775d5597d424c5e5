// SPDX-License-Identifier: GPL-2.0
/*
 * cohort(8): the record "cohort run" leaves for each instance it made,
 * $COHORT_STATE_DIR/run/NAME.json (default /var/lib/cohort/run/): the
 * image, where it came from, the warm pool and the restart policy.
 * "cohort show" prints it; "cohort delete" removes it; cohortd is to act
 * on the restart policy (until it exists, nothing restarts an instance,
 * and "cohort run" says so for a policy other than "no").
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cohort.h"
#include "cohort/err.h"
#include "cohort/parse.h"
#include "runrec.h"

static void rec_path(const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/run/%s.json", cli_state_dir(), name);
}

/**
 * runrec_check_restart() - check a --restart policy, as docker takes it
 * @policy: "no", "always", "unless-stopped", "on-failure" or
 *          "on-failure:N" (N from 0 to 1000000, retries)
 * @err: out: why not
 * @errlen: bytes at @err
 *
 * Return: 0 or -EINVAL.
 */
int runrec_check_restart(const char *policy, char *err, size_t errlen)
{
	char e[COHORT_ERR_MAX];
	__u32 n;

	if (!strcmp(policy, "no") || !strcmp(policy, "always") ||
	    !strcmp(policy, "unless-stopped") || !strcmp(policy, "on-failure"))
		return 0;
	if (!strncmp(policy, "on-failure:", 11) &&
	    strlen(policy) < RUNREC_RESTART_MAX &&
	    !cohort_parse_uint(policy + 11, "retry count", NULL, 0, 1000000,
			       &n, e, sizeof(e)))
		return 0;
	cohort_seterr(err, errlen,
		      "--restart '%s': want no, always, unless-stopped, on-failure or on-failure:N (N retries, 0 to 1000000)",
		      policy);
	return -EINVAL;
}

/**
 * runrec_write() - record an instance "cohort run" made
 * @name: the instance
 * @r: what to record
 *
 * Return: 0 or a negative errno.
 */
int runrec_write(const char *name, const struct run_rec *r)
{
	char dir[4096], path[4096];
	struct json_object *o;
	int ret;

	snprintf(dir, sizeof(dir), "%s/run", cli_state_dir());
	ret = cli_mkdir_p(dir);
	if (ret)
		return ret;
	o = json_object_new_object();
	if (!o)
		return -ENOMEM;
	json_object_object_add(o, "image", json_object_new_string(r->image));
	json_object_object_add(o, "source", json_object_new_string(r->source));
	json_object_object_add(o, "restart", json_object_new_string(r->restart));
	json_object_object_add(o, "pool", json_object_new_string(r->pool));
	json_object_object_add(o, "created", json_object_new_int64(r->created));
	rec_path(name, path, sizeof(path));
	ret = cli_record_write(path, o);
	json_object_put(o);
	return ret;
}

/**
 * runrec_read() - the record of an instance "cohort run" made
 * @name: the instance
 * @r: out: the record
 *
 * Return: 0; -ENOENT when there is none; -EINVAL when it is damaged.
 */
int runrec_read(const char *name, struct run_rec *r)
{
	struct json_object *o, *v;
	char path[4096];
	int ret = -EINVAL;

	memset(r, 0, sizeof(*r));
	rec_path(name, path, sizeof(path));
	o = cli_record_read(path, &ret);
	if (!o)
		return ret;
	ret = -EINVAL;
	if (!cli_record_str(o, "image", r->image, sizeof(r->image), false) &&
	    !cli_record_str(o, "source", r->source, sizeof(r->source), false) &&
	    !cli_record_str(o, "restart", r->restart, sizeof(r->restart),
			    false) &&
	    !cli_record_str(o, "pool", r->pool, sizeof(r->pool), true) &&
	    !runrec_check_restart(r->restart, NULL, 0) &&
	    json_object_object_get_ex(o, "created", &v) &&
	    json_object_is_type(v, json_type_int)) {
		r->created = json_object_get_int64(v);
		ret = 0;
	}
	json_object_put(o);
	return ret;
}

/**
 * runrec_remove() - forget an instance (it was deleted)
 * @name: the instance
 */
void runrec_remove(const char *name)
{
	char path[4096];

	rec_path(name, path, sizeof(path));
	unlink(path);
}
