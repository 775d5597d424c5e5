// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of lib/image/'s JSON: choosing a manifest in an index (tag,
 * platform), manifests of OCI and Docker v2, a docker-archive's
 * manifest.json, the image config, and what each refuses.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "image/internal.h"

#define HEX_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define HEX_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define HEX_C "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"
#define DA "sha256:" HEX_A
#define DB "sha256:" HEX_B
#define DC "sha256:" HEX_C
#define OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define OCI_CONFIG "application/vnd.oci.image.config.v1+json"

static char err[IMAGE_ERR_MAX];

#define DESC(mt, d, extra) \
	"{\"mediaType\":\"" mt "\",\"digest\":\"" d "\",\"size\":10" extra "}"
#define TAGGED(t) ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"" t "\"}"
#define PLATFORM(os, arch) ",\"platform\":{\"os\":\"" os "\",\"architecture\":\"" arch "\"}"
#define INDEX(...) "{\"schemaVersion\":2,\"manifests\":[" __VA_ARGS__ "]}"

static int choose(const char *json, const char *tag, struct img_desc *d)
{
	err[0] = '\0';
	return img_index_choose(json, strlen(json), tag, d, err, sizeof(err));
}

static void test_index_by_tag(void **state)
{
	const char *idx = INDEX(DESC(OCI_MANIFEST, DA, TAGGED("v1")) ","
				DESC(OCI_MANIFEST, DB, TAGGED("latest")));
	struct img_desc d;

	assert_int_equal(choose(idx, "v1", &d), 0);
	assert_string_equal(d.digest, DA);
	assert_int_equal(d.size, 10);
	assert_int_equal(choose(idx, NULL, &d), 0);	/* "latest" */
	assert_string_equal(d.digest, DB);
	assert_int_equal(choose(idx, "v2", &d), -1);
	assert_non_null(strstr(err, "no manifest tagged 'v2'"));
}

static void test_index_single_and_ambiguous(void **state)
{
	struct img_desc d;

	assert_int_equal(choose(INDEX(DESC(OCI_MANIFEST, DC, "")), NULL, &d), 0);
	assert_string_equal(d.digest, DC);
	assert_int_equal(choose(INDEX(DESC(OCI_MANIFEST, DA, TAGGED("a")) ","
				      DESC(OCI_MANIFEST, DB, TAGGED("b"))),
				NULL, &d), -1);
	assert_non_null(strstr(err, "name one"));
	assert_int_equal(choose(INDEX(), NULL, &d), -1);
	assert_non_null(strstr(err, "no manifests"));
}

static void test_index_platform(void **state)
{
	const char *idx = INDEX(
		DESC(OCI_MANIFEST, DA, PLATFORM("linux", "arm64")) ","
		DESC(OCI_MANIFEST, DB, PLATFORM("linux", "amd64")) ","
		DESC(OCI_MANIFEST, DC, PLATFORM("windows", "amd64")));
	const char *none = INDEX(
		DESC(OCI_MANIFEST, DA, PLATFORM("linux", "arm64")) ","
		DESC(OCI_MANIFEST, DC, PLATFORM("linux", "s390x")));
	struct img_desc d;

	assert_int_equal(choose(idx, NULL, &d), 0);
	assert_string_equal(d.digest, DB);
	assert_int_equal(choose(none, NULL, &d), -1);
	assert_non_null(strstr(err, "no linux/amd64 manifest"));
}

static void test_index_refusals(void **state)
{
	struct img_desc d;

	/* A digest that would name a path outside blobs/. */
	assert_int_equal(choose(INDEX(DESC(OCI_MANIFEST, "sha256:../../etc/passwd", "")),
				NULL, &d), -1);
	assert_non_null(strstr(err, "invalid digest"));
	assert_int_equal(choose(INDEX(DESC("application/vnd.example+json", DA, "")),
				NULL, &d), -1);
	assert_non_null(strstr(err, "unsupported manifest media type"));
	assert_int_equal(choose("{\"schemaVersion\":1,\"manifests\":[]}", NULL, &d), -1);
	assert_non_null(strstr(err, "schemaVersion"));
	assert_int_equal(choose("{\"schemaVersion\":2,", NULL, &d), -1);
	assert_non_null(strstr(err, "not valid JSON"));
	assert_int_equal(choose("[]", NULL, &d), -1);
	assert_non_null(strstr(err, "not a JSON object"));
	assert_int_equal(choose(INDEX("{\"mediaType\":\"" OCI_MANIFEST "\",\"digest\":\"" DA "\"}"),
				NULL, &d), -1);
	assert_non_null(strstr(err, "valid size"));
	assert_int_equal(choose(INDEX(DESC(OCI_MANIFEST, DA, "")) "x", NULL, &d), -1);
	assert_non_null(strstr(err, "data after"));
}

#define MANIFEST(mt, cfgmt, layers) \
	"{\"schemaVersion\":2,\"mediaType\":\"" mt "\",\"config\":" \
	DESC(cfgmt, DA, "") ",\"layers\":[" layers "]}"

static int manifest(const char *json, const char *mt, struct img_desc *cfg,
		    struct image_layer **l, size_t *n)
{
	err[0] = '\0';
	return img_manifest_parse(json, strlen(json), mt, cfg, l, n, err,
				  sizeof(err));
}

static void test_manifest_oci(void **state)
{
	const char *m = MANIFEST(OCI_MANIFEST, OCI_CONFIG,
		DESC("application/vnd.oci.image.layer.v1.tar+gzip", DB, "") ","
		DESC("application/vnd.oci.image.layer.v1.tar+zstd", DC, "") ","
		DESC("application/vnd.oci.image.layer.v1.tar", DA, ""));
	struct image_layer *l;
	struct img_desc cfg;
	size_t n;

	assert_int_equal(manifest(m, OCI_MANIFEST, &cfg, &l, &n), 0);
	assert_string_equal(cfg.digest, DA);
	assert_int_equal(n, 3);
	assert_string_equal(l[0].digest, DB);
	assert_int_equal(l[0].compression, IMAGE_COMPRESS_GZIP);
	assert_int_equal(l[1].compression, IMAGE_COMPRESS_ZSTD);
	assert_int_equal(l[2].compression, IMAGE_COMPRESS_NONE);
	img_layers_free(l, n);
}

static void test_manifest_docker_v2(void **state)
{
	const char *m = MANIFEST("application/vnd.docker.distribution.manifest.v2+json",
		"application/vnd.docker.container.image.v1+json",
		DESC("application/vnd.docker.image.rootfs.diff.tar.gzip", DB, ""));
	struct image_layer *l;
	struct img_desc cfg;
	size_t n;

	assert_int_equal(manifest(m, "application/vnd.docker.distribution.manifest.v2+json",
				  &cfg, &l, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(l[0].compression, IMAGE_COMPRESS_GZIP);
	img_layers_free(l, n);
}

static void test_manifest_refusals(void **state)
{
	struct image_layer *l = NULL;
	struct img_desc cfg;
	size_t n;

	assert_int_equal(manifest(MANIFEST(OCI_MANIFEST, OCI_CONFIG,
		DESC("application/vnd.oci.image.layer.v1.tar+bzip2", DB, "")),
		OCI_MANIFEST, &cfg, &l, &n), -1);
	assert_non_null(strstr(err, "manifest layer 1: unsupported media type"));
	assert_null(l);
	assert_int_equal(manifest(MANIFEST(OCI_MANIFEST, "application/octet-stream", ""),
				  OCI_MANIFEST, &cfg, &l, &n), -1);
	assert_non_null(strstr(err, "unsupported config media type"));
	assert_int_equal(manifest(MANIFEST(OCI_MANIFEST, OCI_CONFIG, ""),
				  OCI_INDEX, &cfg, &l, &n), -1);
	assert_non_null(strstr(err, "differs from its descriptor"));
	assert_int_equal(manifest(MANIFEST(OCI_MANIFEST, OCI_CONFIG,
		DESC("application/vnd.oci.image.layer.v1.tar", "sha256:/x", "")),
		OCI_MANIFEST, &cfg, &l, &n), -1);
	assert_non_null(strstr(err, "invalid digest"));
	assert_int_equal(manifest("{\"schemaVersion\":2,\"config\":" DESC(OCI_CONFIG, DA, "") "}",
				  NULL, &cfg, &l, &n), -1);
	assert_non_null(strstr(err, "no \"layers\""));
}

static void test_docker_manifest_json(void **state)
{
	const char *one = "[{\"Config\":\"" HEX_A ".json\",\"RepoTags\":[\"x:1\"],"
			  "\"Layers\":[\"" HEX_B ".tar\",\"" HEX_C "/layer.tar\"]}]";
	const char *two = "[{\"Config\":\"a.json\",\"RepoTags\":[\"x:1\"],\"Layers\":[]},"
			  "{\"Config\":\"b.json\",\"RepoTags\":[\"docker.io/library/y:2\"],\"Layers\":[]}]";
	char *cfg, **layers;
	size_t n;

	assert_int_equal(img_docker_manifest_parse(one, strlen(one), NULL, &cfg,
						   &layers, &n, err, sizeof(err)), 0);
	assert_string_equal(cfg, HEX_A ".json");
	assert_int_equal(n, 2);
	assert_string_equal(layers[1], HEX_C "/layer.tar");
	assert_null(layers[2]);
	free(cfg);
	img_strv_free(layers);

	assert_int_equal(img_docker_manifest_parse(two, strlen(two), NULL, &cfg,
						   &layers, &n, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "lists 2 images"));
	assert_int_equal(img_docker_manifest_parse(two, strlen(two), "y:2", &cfg,
						   &layers, &n, err, sizeof(err)), 0);
	assert_string_equal(cfg, "b.json");
	free(cfg);
	img_strv_free(layers);
	assert_int_equal(img_docker_manifest_parse(two, strlen(two), "library/y:2", &cfg,
						   &layers, &n, err, sizeof(err)), 0);
	free(cfg);
	img_strv_free(layers);
	assert_int_equal(img_docker_manifest_parse(two, strlen(two), ":2", &cfg,
						   &layers, &n, err, sizeof(err)), -1);
	assert_int_equal(img_docker_manifest_parse(two, strlen(two), "z:3", &cfg,
						   &layers, &n, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no image tagged 'z:3'"));
	assert_int_equal(img_docker_manifest_parse("{}", 2, NULL, &cfg, &layers,
						   &n, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not a JSON array"));
}

static const char config_json[] =
	"{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{"
	"\"Env\":[\"PATH=/bin\",\"A=b c\"],\"Entrypoint\":[\"/bin/sh\",\"-c\"],"
	"\"Cmd\":[\"echo hi\"],\"WorkingDir\":\"/srv\",\"User\":\"1000:1000\","
	"\"Labels\":{\"k\":\"v\"}},"
	"\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" DA "\",\"" DB "\"]}}";

static void test_config(void **state)
{
	struct image_config c;
	char **ids;
	size_t n;

	assert_int_equal(image_config_parse(config_json, strlen(config_json), &c,
					    err, sizeof(err)), 0);
	assert_string_equal(c.os, "linux");
	assert_string_equal(c.architecture, "amd64");
	assert_string_equal(c.env[1], "A=b c");
	assert_null(c.env[2]);
	assert_string_equal(c.entrypoint[0], "/bin/sh");
	assert_string_equal(c.entrypoint[1], "-c");
	assert_null(c.entrypoint[2]);
	assert_string_equal(c.cmd[0], "echo hi");
	assert_string_equal(c.working_dir, "/srv");
	assert_string_equal(c.user, "1000:1000");
	assert_int_equal(c.nr_labels, 1);
	assert_string_equal(c.labels[0].key, "k");
	assert_string_equal(c.labels[0].value, "v");
	assert_int_equal(img_config_platform_check(&c, err, sizeof(err)), 0);
	image_config_free(&c);

	assert_int_equal(img_config_diff_ids(config_json, strlen(config_json),
					     &ids, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 2);
	assert_string_equal(ids[1], DB);
	img_strv_free(ids);
}

static void test_config_unset_and_empty(void **state)
{
	const char *j = "{\"config\":{\"Entrypoint\":null,\"Cmd\":[],\"WorkingDir\":\"\"}}";
	struct image_config c;

	assert_int_equal(image_config_parse(j, strlen(j), &c, err, sizeof(err)), 0);
	assert_null(c.entrypoint);
	assert_non_null(c.cmd);
	assert_null(c.cmd[0]);
	assert_null(c.working_dir);
	assert_null(c.env);
	image_config_free(&c);
}

static void config_bad(const char *j, const char *why)
{
	struct image_config c;

	assert_int_equal(image_config_parse(j, strlen(j), &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, why));
	assert_null(c.env);
}

static void test_config_refusals(void **state)
{
	struct image_config c = { .os = "linux", .architecture = "arm64" };
	char **ids;
	size_t n;

	config_bad("{\"config\":{\"Env\":\"PATH=/bin\"}}", "Env is not an array of strings");
	config_bad("{\"config\":{\"Cmd\":[\"a\",1]}}", "Cmd is not an array of strings");
	config_bad("{\"config\":{\"User\":0}}", "User is not a string");
	config_bad("{\"config\":{\"Labels\":{\"a\":1}}}", "label 'a' is not a string");
	config_bad("{\"config\":[]}", "\"config\" is not an object");
	config_bad("{\"config\":{}", "not a JSON object");
	assert_int_equal(img_config_platform_check(&c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "linux/arm64"));
	assert_int_equal(img_config_diff_ids("{}", 2, &ids, &n, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "diff_ids"));
	assert_int_equal(img_config_diff_ids("{\"rootfs\":{\"diff_ids\":[\"md5:x\"]}}", 34,
					     &ids, &n, err, sizeof(err)), -1);
	assert_null(ids);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_index_by_tag),
		cmocka_unit_test(test_index_single_and_ambiguous),
		cmocka_unit_test(test_index_platform),
		cmocka_unit_test(test_index_refusals),
		cmocka_unit_test(test_manifest_oci),
		cmocka_unit_test(test_manifest_docker_v2),
		cmocka_unit_test(test_manifest_refusals),
		cmocka_unit_test(test_docker_manifest_json),
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_config_unset_and_empty),
		cmocka_unit_test(test_config_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
