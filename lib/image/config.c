// SPDX-License-Identifier: GPL-2.0
/*
 * The image configuration (the config blob): what a runtime needs to run
 * the image (Env, Entrypoint, Cmd, WorkingDir, User, Labels), its
 * platform, and the digests of its uncompressed layers.
 */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "internal.h"

static json_object *parse(const char *json, size_t len, char *err,
			  size_t errlen)
{
	struct json_tokener *tok = json_tokener_new();
	json_object *o = NULL;

	if (tok)
		o = json_tokener_parse_ex(tok, json, len);
	if (!o || json_tokener_get_error(tok) != json_tokener_success ||
	    json_tokener_get_parse_end(tok) != len ||
	    !json_object_is_type(o, json_type_object)) {
		cohort_seterr(err, errlen, "image config: not a JSON object");
		json_object_put(o);
		o = NULL;
	}
	if (tok)
		json_tokener_free(tok);
	return o;
}

/* An optional string member: absent, null and "" all give NULL. */
static int opt_str(json_object *o, const char *key, char **out, char *err,
		   size_t errlen)
{
	json_object *v;

	*out = NULL;
	if (!o || !json_object_object_get_ex(o, key, &v) || !v)
		return 0;
	if (!json_object_is_type(v, json_type_string)) {
		cohort_seterr(err, errlen, "image config: %s is not a string", key);
		return -1;
	}
	if (!json_object_get_string_len(v))
		return 0;
	*out = strdup(json_object_get_string(v));
	if (!*out) {
		cohort_seterr(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

/* An optional array of strings: absent and null give NULL. */
static int opt_strv(json_object *o, const char *key, char ***out, char *err,
		    size_t errlen)
{
	json_object *v;

	*out = NULL;
	if (!o || !json_object_object_get_ex(o, key, &v) || !v)
		return 0;
	if (!json_object_is_type(v, json_type_array) ||
	    !(*out = img_json_strv(v))) {
		cohort_seterr(err, errlen, "image config: %s is not an array of strings", key);
		return -1;
	}
	return 0;
}

static int labels(json_object *o, struct image_config *cfg, char *err,
		  size_t errlen)
{
	json_object *v;
	size_t n = 0;

	if (!o || !json_object_object_get_ex(o, "Labels", &v) || !v)
		return 0;
	if (!json_object_is_type(v, json_type_object)) {
		cohort_seterr(err, errlen, "image config: Labels is not an object");
		return -1;
	}
	cfg->labels = calloc(json_object_object_length(v) + 1,
			     sizeof(*cfg->labels));
	if (!cfg->labels)
		goto oom;
	json_object_object_foreach(v, key, val) {
		if (!json_object_is_type(val, json_type_string)) {
			cohort_seterr(err, errlen, "image config: label '%.100s' is not a string", key);
			return -1;
		}
		cfg->labels[n].key = strdup(key);
		cfg->labels[n].value = strdup(json_object_get_string(val));
		cfg->nr_labels = ++n;
		if (!cfg->labels[n - 1].key || !cfg->labels[n - 1].value)
			goto oom;
	}
	return 0;
oom:
	cohort_seterr(err, errlen, "out of memory");
	return -1;
}

/**
 * image_config_parse() - fill @cfg from a config blob
 *
 * On failure @cfg holds nothing to free.
 */
int image_config_parse(const char *json, size_t len, struct image_config *cfg,
		       char *err, size_t errlen)
{
	json_object *o, *c = NULL;
	int ret = -1;

	memset(cfg, 0, sizeof(*cfg));
	o = parse(json, len, err, errlen);
	if (!o)
		return -1;
	if (json_object_object_get_ex(o, "config", &c) && c &&
	    !json_object_is_type(c, json_type_object)) {
		cohort_seterr(err, errlen, "image config: \"config\" is not an object");
		goto out;
	}
	if (opt_str(o, "os", &cfg->os, err, errlen) ||
	    opt_str(o, "architecture", &cfg->architecture, err, errlen) ||
	    opt_strv(c, "Env", &cfg->env, err, errlen) ||
	    opt_strv(c, "Entrypoint", &cfg->entrypoint, err, errlen) ||
	    opt_strv(c, "Cmd", &cfg->cmd, err, errlen) ||
	    opt_str(c, "WorkingDir", &cfg->working_dir, err, errlen) ||
	    opt_str(c, "User", &cfg->user, err, errlen) ||
	    labels(c, cfg, err, errlen))
		goto out;
	ret = 0;
out:
	if (ret)
		image_config_free(cfg);
	json_object_put(o);
	return ret;
}

void image_config_free(struct image_config *cfg)
{
	size_t i;

	free(cfg->os);
	free(cfg->architecture);
	img_strv_free(cfg->env);
	img_strv_free(cfg->entrypoint);
	img_strv_free(cfg->cmd);
	free(cfg->working_dir);
	free(cfg->user);
	for (i = 0; i < cfg->nr_labels; i++) {
		free(cfg->labels[i].key);
		free(cfg->labels[i].value);
	}
	free(cfg->labels);
	memset(cfg, 0, sizeof(*cfg));
}

/**
 * img_config_diff_ids() - rootfs.diff_ids: the sha256 of each layer's tar,
 * uncompressed; a docker-archive's layers are checked against them
 */
int img_config_diff_ids(const char *json, size_t len, char ***ids,
			size_t *nr, char *err, size_t errlen)
{
	json_object *o, *rootfs, *list;
	size_t i;
	int ret = -1;

	*ids = NULL;
	o = parse(json, len, err, errlen);
	if (!o)
		return -1;
	if (!json_object_object_get_ex(o, "rootfs", &rootfs) ||
	    !json_object_object_get_ex(rootfs, "diff_ids", &list) ||
	    !json_object_is_type(list, json_type_array) ||
	    !(*ids = img_json_strv(list))) {
		cohort_seterr(err, errlen, "image config: no rootfs.diff_ids array of strings");
		goto out;
	}
	*nr = json_object_array_length(list);
	for (i = 0; i < *nr; i++)
		if (img_digest_check((*ids)[i], err, errlen))
			goto out;
	ret = 0;
out:
	if (ret) {
		img_strv_free(*ids);
		*ids = NULL;
	}
	json_object_put(o);
	return ret;
}

/* Cohort runs linux/amd64; an image that says otherwise is refused. */
int img_config_platform_check(const struct image_config *cfg, char *err,
			      size_t errlen)
{
	if ((cfg->os && strcmp(cfg->os, "linux")) ||
	    (cfg->architecture && strcmp(cfg->architecture, "amd64"))) {
		cohort_seterr(err, errlen, "the image is for %.40s/%.40s; Cohort runs linux/amd64 images",
			cfg->os ? cfg->os : "?",
			cfg->architecture ? cfg->architecture : "?");
		return -1;
	}
	return 0;
}
