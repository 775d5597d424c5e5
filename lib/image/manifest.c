// SPDX-License-Identifier: GPL-2.0
/*
 * Image indexes, manifests (OCI and Docker v2) and a docker-archive's
 * manifest.json, parsed with json-c; the media types accepted; the choice
 * of one manifest by tag and by platform (linux/amd64).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "internal.h"

#define REF_NAME	"org.opencontainers.image.ref.name"

static const struct {
	const char *type;
	enum img_media kind;
	enum image_compression comp;
} media[] = {
	{ "application/vnd.oci.image.index.v1+json", IMG_MEDIA_INDEX, IMAGE_COMPRESS_NONE },
	{ "application/vnd.docker.distribution.manifest.list.v2+json", IMG_MEDIA_INDEX, IMAGE_COMPRESS_NONE },
	{ "application/vnd.oci.image.manifest.v1+json", IMG_MEDIA_MANIFEST, IMAGE_COMPRESS_NONE },
	{ "application/vnd.docker.distribution.manifest.v2+json", IMG_MEDIA_MANIFEST, IMAGE_COMPRESS_NONE },
	{ "application/vnd.oci.image.config.v1+json", IMG_MEDIA_CONFIG, IMAGE_COMPRESS_NONE },
	{ "application/vnd.docker.container.image.v1+json", IMG_MEDIA_CONFIG, IMAGE_COMPRESS_NONE },
	{ "application/vnd.oci.image.layer.v1.tar", IMG_MEDIA_LAYER, IMAGE_COMPRESS_NONE },
	{ "application/vnd.oci.image.layer.v1.tar+gzip", IMG_MEDIA_LAYER, IMAGE_COMPRESS_GZIP },
	{ "application/vnd.oci.image.layer.v1.tar+zstd", IMG_MEDIA_LAYER, IMAGE_COMPRESS_ZSTD },
	{ "application/vnd.oci.image.layer.nondistributable.v1.tar", IMG_MEDIA_LAYER, IMAGE_COMPRESS_NONE },
	{ "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip", IMG_MEDIA_LAYER, IMAGE_COMPRESS_GZIP },
	{ "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd", IMG_MEDIA_LAYER, IMAGE_COMPRESS_ZSTD },
	{ "application/vnd.docker.image.rootfs.diff.tar", IMG_MEDIA_LAYER, IMAGE_COMPRESS_NONE },
	{ "application/vnd.docker.image.rootfs.diff.tar.gzip", IMG_MEDIA_LAYER, IMAGE_COMPRESS_GZIP },
	{ "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip", IMG_MEDIA_LAYER, IMAGE_COMPRESS_GZIP },
};

/**
 * img_media_kind() - what a media type describes
 * @comp: for a layer, its compression (may be NULL)
 */
enum img_media img_media_kind(const char *media_type,
			      enum image_compression *comp)
{
	size_t i;

	for (i = 0; media_type && i < sizeof(media) / sizeof(media[0]); i++)
		if (!strcmp(media_type, media[i].type)) {
			if (comp)
				*comp = media[i].comp;
			return media[i].kind;
		}
	return IMG_MEDIA_UNKNOWN;
}

void img_strv_free(char **v)
{
	char **p;

	for (p = v; p && *p; p++)
		free(*p);
	free(v);
}

void img_layers_free(struct image_layer *layers, size_t nr)
{
	size_t i;

	for (i = 0; layers && i < nr; i++)
		free(layers[i].media_type);
	free(layers);
}

/* Parse @json as a JSON object; NULL with a message naming @what. */
static json_object *parse_object(const char *json, size_t len,
				 const char *what, char *err, size_t errlen)
{
	struct json_tokener *tok = json_tokener_new();
	enum json_tokener_error jerr;
	json_object *o;

	if (!tok) {
		cohort_seterr(err, errlen, "out of memory");
		return NULL;
	}
	o = json_tokener_parse_ex(tok, json, len);
	jerr = json_tokener_get_error(tok);
	if (jerr == json_tokener_success &&
	    json_tokener_get_parse_end(tok) < len) {
		cohort_seterr(err, errlen, "%s: not valid JSON: data after the object", what);
		json_object_put(o);
		o = NULL;
	} else if (!o || jerr != json_tokener_success) {
		cohort_seterr(err, errlen, "%s: not valid JSON: %s", what,
			jerr == json_tokener_continue ? "unexpected end" :
			json_tokener_error_desc(jerr));
		json_object_put(o);
		o = NULL;
	} else if (!json_object_is_type(o, json_type_object)) {
		cohort_seterr(err, errlen, "%s: not a JSON object", what);
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	return o;
}

/* Member @key of @o as a string: NULL when absent, -1 when not a string. */
static int get_str(json_object *o, const char *key, const char **val,
		   const char *what, char *err, size_t errlen)
{
	json_object *v;

	*val = NULL;
	if (!json_object_object_get_ex(o, key, &v) || !v)
		return 0;
	if (!json_object_is_type(v, json_type_string)) {
		cohort_seterr(err, errlen, "%s: \"%s\" is not a string", what, key);
		return -1;
	}
	*val = json_object_get_string(v);
	return 0;
}

static int check_schema(json_object *o, const char *what, char *err,
			size_t errlen)
{
	json_object *v;

	if (!json_object_object_get_ex(o, "schemaVersion", &v) ||
	    !json_object_is_type(v, json_type_int) ||
	    json_object_get_int64(v) != 2) {
		cohort_seterr(err, errlen, "%s: schemaVersion is not 2", what);
		return -1;
	}
	return 0;
}

/*
 * An index or manifest document: a JSON object of schemaVersion 2, and
 * its own mediaType (NULL when it has none).
 */
static json_object *open_doc(const char *json, size_t len, const char *what,
			     const char **mt, char *err, size_t errlen)
{
	json_object *o = parse_object(json, len, what, err, errlen);

	if (o && (check_schema(o, what, err, errlen) ||
		  get_str(o, "mediaType", mt, what, err, errlen))) {
		json_object_put(o);
		o = NULL;
	}
	return o;
}

/* A descriptor: mediaType, digest (checked), size. */
static int get_desc(json_object *o, struct img_desc *d, const char *what,
		    char *err, size_t errlen)
{
	const char *mt, *dg;
	json_object *v;

	if (!json_object_is_type(o, json_type_object)) {
		cohort_seterr(err, errlen, "%s: descriptor is not an object", what);
		return -1;
	}
	if (get_str(o, "mediaType", &mt, what, err, errlen) ||
	    get_str(o, "digest", &dg, what, err, errlen))
		return -1;
	if (!mt || !dg) {
		cohort_seterr(err, errlen, "%s: descriptor without %s", what,
			mt ? "digest" : "mediaType");
		return -1;
	}
	if (img_digest_check(dg, err, errlen)) {
		char tmp[IMAGE_ERR_MAX];

		snprintf(tmp, sizeof(tmp), "%s", err);
		cohort_seterr(err, errlen, "%s: %s", what, tmp);
		return -1;
	}
	if (!json_object_object_get_ex(o, "size", &v) ||
	    !json_object_is_type(v, json_type_int) ||
	    json_object_get_int64(v) < 0) {
		cohort_seterr(err, errlen, "%s: descriptor without a valid size", what);
		return -1;
	}
	snprintf(d->media_type, sizeof(d->media_type), "%s", mt);
	snprintf(d->digest, sizeof(d->digest), "%s", dg);
	d->size = json_object_get_int64(v);
	return 0;
}

static const char *ref_name(json_object *desc)
{
	json_object *ann, *v;

	if (json_object_object_get_ex(desc, "annotations", &ann) &&
	    json_object_is_type(ann, json_type_object) &&
	    json_object_object_get_ex(ann, REF_NAME, &v) &&
	    json_object_is_type(v, json_type_string))
		return json_object_get_string(v);
	return NULL;
}

static bool is_linux_amd64(json_object *desc)
{
	json_object *plat, *os, *arch;

	return json_object_object_get_ex(desc, "platform", &plat) &&
	       json_object_object_get_ex(plat, "os", &os) &&
	       json_object_object_get_ex(plat, "architecture", &arch) &&
	       !strcmp(json_object_get_string(os), "linux") &&
	       !strcmp(json_object_get_string(arch), "amd64");
}

/* Which entry of @list to take; -1 with a message when none or several. */
static int choose(json_object *list, const char *tag, char *err,
		  size_t errlen)
{
	size_t i, n = json_object_array_length(list);
	int found = -1, platforms = 0;
	const char *name;

	if (!n) {
		cohort_seterr(err, errlen, "the index lists no manifests");
		return -1;
	}
	if (tag) {
		for (i = 0; i < n; i++) {
			name = ref_name(json_object_array_get_idx(list, i));
			if (name && !strcmp(name, tag))
				return i;
		}
		cohort_seterr(err, errlen, "no manifest tagged '%.200s' in the index", tag);
		return -1;
	}
	if (n == 1)
		return 0;
	for (i = 0; i < n; i++) {
		name = ref_name(json_object_array_get_idx(list, i));
		if (name && !strcmp(name, "latest"))
			return i;
	}
	for (i = 0; i < n; i++)
		if (is_linux_amd64(json_object_array_get_idx(list, i))) {
			if (found < 0)
				found = i;
			platforms++;
		}
	if (found >= 0)
		return found;
	for (i = 0; i < n; i++) {
		json_object *p;

		if (json_object_object_get_ex(json_object_array_get_idx(list, i),
					      "platform", &p))
			platforms++;
	}
	if (platforms)
		cohort_seterr(err, errlen, "no linux/amd64 manifest among the index's %zu", n);
	else
		cohort_seterr(err, errlen, "the index lists %zu manifests and none is tagged 'latest': name one (oci:DIR:TAG)", n);
	return -1;
}

/**
 * img_index_choose() - pick a manifest (or nested index) out of an index
 * @tag: match org.opencontainers.image.ref.name; NULL: the only entry, else
 *	 the one tagged "latest", else the linux/amd64 one
 */
int img_index_choose(const char *json, size_t len, const char *tag,
		     struct img_desc *out, char *err, size_t errlen)
{
	json_object *o, *list;
	const char *mt;
	int i, ret = -1;

	o = open_doc(json, len, "index", &mt, err, errlen);
	if (!o)
		return -1;
	if (mt && img_media_kind(mt, NULL) != IMG_MEDIA_INDEX) {
		cohort_seterr(err, errlen, "index: unsupported media type '%.100s'", mt);
		goto out;
	}
	if (!json_object_object_get_ex(o, "manifests", &list) ||
	    !json_object_is_type(list, json_type_array)) {
		cohort_seterr(err, errlen, "index: no \"manifests\" array");
		goto out;
	}
	i = choose(list, tag, err, errlen);
	if (i < 0 ||
	    get_desc(json_object_array_get_idx(list, i), out, "index", err, errlen))
		goto out;
	switch (img_media_kind(out->media_type, NULL)) {
	case IMG_MEDIA_INDEX:
	case IMG_MEDIA_MANIFEST:
		ret = 0;
		break;
	default:
		cohort_seterr(err, errlen, "index: unsupported manifest media type '%.100s'",
			out->media_type);
	}
out:
	json_object_put(o);
	return ret;
}

/**
 * img_manifest_parse() - the config and layers of an image manifest
 * @media_type: what the descriptor pointing here said the manifest is
 */
int img_manifest_parse(const char *json, size_t len, const char *media_type,
		       struct img_desc *config, struct image_layer **layers,
		       size_t *nr, char *err, size_t errlen)
{
	struct image_layer *l = NULL;
	json_object *o, *cfg, *list;
	struct img_desc d;
	size_t i, n = 0;
	char what[48];
	const char *mt;
	int ret = -1;

	*layers = NULL;
	*nr = 0;
	o = open_doc(json, len, "manifest", &mt, err, errlen);
	if (!o)
		return -1;
	if (mt && media_type && strcmp(mt, media_type)) {
		cohort_seterr(err, errlen, "manifest: media type '%.100s' differs from its descriptor's '%.100s'",
			mt, media_type);
		goto out;
	}
	if (!json_object_object_get_ex(o, "config", &cfg) ||
	    get_desc(cfg, config, "manifest config", err, errlen))
		goto out;
	if (img_media_kind(config->media_type, NULL) != IMG_MEDIA_CONFIG) {
		cohort_seterr(err, errlen, "manifest: unsupported config media type '%.100s'",
			config->media_type);
		goto out;
	}
	if (!json_object_object_get_ex(o, "layers", &list) ||
	    !json_object_is_type(list, json_type_array)) {
		cohort_seterr(err, errlen, "manifest: no \"layers\" array");
		goto out;
	}
	n = json_object_array_length(list);
	l = calloc(n ? n : 1, sizeof(*l));
	if (!l) {
		cohort_seterr(err, errlen, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		snprintf(what, sizeof(what), "manifest layer %zu", i + 1);
		if (get_desc(json_object_array_get_idx(list, i), &d, what, err,
			     errlen))
			goto out;
		if (img_media_kind(d.media_type, &l[i].compression) !=
		    IMG_MEDIA_LAYER) {
			cohort_seterr(err, errlen, "%s: unsupported media type '%.100s'",
				what, d.media_type);
			goto out;
		}
		memcpy(l[i].digest, d.digest, sizeof(l[i].digest));
		l[i].size = d.size;
		l[i].media_type = strdup(d.media_type);
		if (!l[i].media_type) {
			cohort_seterr(err, errlen, "out of memory");
			goto out;
		}
	}
	*layers = l;
	*nr = n;
	l = NULL;
	ret = 0;
out:
	img_layers_free(l, n);
	json_object_put(o);
	return ret;
}

/**
 * img_json_strv() - a JSON array of strings as a NULL-terminated copy
 *
 * Return: NULL when out of memory or when an element is not a string.
 */
char **img_json_strv(struct json_object *arr)
{
	size_t i, n = json_object_array_length(arr);
	char **v = calloc(n + 1, sizeof(*v));
	json_object *s;

	for (i = 0; v && i < n; i++) {
		s = json_object_array_get_idx(arr, i);
		if (!json_object_is_type(s, json_type_string) ||
		    !(v[i] = strdup(json_object_get_string(s)))) {
			img_strv_free(v);
			return NULL;
		}
	}
	return v;
}

/* Is @tag @ref, or @ref with Docker Hub's implied prefix? */
static bool same_ref(const char *tag, const char *ref)
{
	static const char *const prefixes[] = { "", "docker.io/",
						"docker.io/library/" };
	size_t i, n;

	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		n = strlen(prefixes[i]);
		if (!strncmp(tag, prefixes[i], n) && !strcmp(tag + n, ref))
			return true;
	}
	return false;
}

/* Does the RepoTags of @img hold @ref? */
static bool has_tag(json_object *img, const char *ref)
{
	json_object *tags, *t;
	size_t i;

	if (!json_object_object_get_ex(img, "RepoTags", &tags) ||
	    !json_object_is_type(tags, json_type_array))
		return false;
	for (i = 0; i < json_object_array_length(tags); i++) {
		t = json_object_array_get_idx(tags, i);
		if (json_object_is_type(t, json_type_string) &&
		    same_ref(json_object_get_string(t), ref))
			return true;
	}
	return false;
}

/**
 * img_docker_manifest_parse() - a docker-archive's manifest.json
 * @ref: one of the image's RepoTags ("busybox:latest" also matches
 *	 "docker.io/library/busybox:latest"), or NULL when the archive holds
 *	 one image
 * @config: the name of its config member
 * @layers: the names of its layer members, in order
 */
int img_docker_manifest_parse(const char *json, size_t len, const char *ref,
			      char **config, char ***layers, size_t *nr,
			      char *err, size_t errlen)
{
	struct json_tokener *tok = json_tokener_new();
	json_object *o = NULL, *img = NULL, *v, *list;
	size_t i, n;
	int ret = -1;

	*config = NULL;
	*layers = NULL;
	if (tok)
		o = json_tokener_parse_ex(tok, json, len);
	if (!o || json_tokener_get_error(tok) != json_tokener_success ||
	    !json_object_is_type(o, json_type_array)) {
		cohort_seterr(err, errlen, "manifest.json: not a JSON array");
		goto out;
	}
	n = json_object_array_length(o);
	for (i = 0; i < n; i++) {
		v = json_object_array_get_idx(o, i);
		if (!json_object_is_type(v, json_type_object)) {
			cohort_seterr(err, errlen, "manifest.json: entry %zu is not an object", i + 1);
			goto out;
		}
		if (ref ? has_tag(v, ref) : n == 1)
			img = v;
	}
	if (!img) {
		if (ref)
			cohort_seterr(err, errlen, "manifest.json: no image tagged '%.200s'", ref);
		else
			cohort_seterr(err, errlen, "manifest.json lists %zu images: name one (docker-archive:FILE:REF)", n);
		goto out;
	}
	if (!json_object_object_get_ex(img, "Config", &v) ||
	    !json_object_is_type(v, json_type_string) ||
	    !json_object_object_get_ex(img, "Layers", &list) ||
	    !json_object_is_type(list, json_type_array)) {
		cohort_seterr(err, errlen, "manifest.json: image without Config or Layers");
		goto out;
	}
	*config = strdup(json_object_get_string(v));
	*layers = img_json_strv(list);
	if (!*config || !*layers) {
		cohort_seterr(err, errlen, "manifest.json: Layers is not an array of names");
		free(*config);
		img_strv_free(*layers);
		*config = NULL;
		*layers = NULL;
		goto out;
	}
	*nr = json_object_array_length(list);
	ret = 0;
out:
	json_object_put(o);
	if (tok)
		json_tokener_free(tok);
	return ret;
}
