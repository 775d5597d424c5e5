// SPDX-License-Identifier: GPL-2.0
/*
 * cohort-image inspect [-j] SOURCE: the image's config and layers, as
 * text or as JSON (json-c).
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include <json-c/json.h>

#include "cli.h"
#include "image/image.h"

static json_object *strv_json(char **v)
{
	json_object *a;

	if (!v)
		return NULL;
	a = json_object_new_array();
	for (; *v; v++)
		json_object_array_add(a, json_object_new_string(*v));
	return a;
}

static json_object *str_json(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static void print_json(const struct image_config *c,
		       const struct image_info *info)
{
	json_object *o = json_object_new_object(), *l, *layers;
	size_t i;

	json_object_object_add(o, "source", json_object_new_string(info->kind));
	json_object_object_add(o, "manifest_digest",
			       info->manifest_digest[0] ?
			       json_object_new_string(info->manifest_digest) : NULL);
	json_object_object_add(o, "config_digest",
			       json_object_new_string(info->config_digest));
	json_object_object_add(o, "os", str_json(c->os));
	json_object_object_add(o, "architecture", str_json(c->architecture));
	json_object_object_add(o, "env", strv_json(c->env));
	json_object_object_add(o, "entrypoint", strv_json(c->entrypoint));
	json_object_object_add(o, "cmd", strv_json(c->cmd));
	json_object_object_add(o, "working_dir", str_json(c->working_dir));
	json_object_object_add(o, "user", str_json(c->user));
	l = json_object_new_object();
	for (i = 0; i < c->nr_labels; i++)
		json_object_object_add(l, c->labels[i].key,
				       json_object_new_string(c->labels[i].value));
	json_object_object_add(o, "labels", l);
	layers = json_object_new_array();
	for (i = 0; i < info->nr_layers; i++) {
		const struct image_layer *ly = &info->layers[i];

		l = json_object_new_object();
		json_object_object_add(l, "digest",
				       json_object_new_string(ly->digest));
		json_object_object_add(l, "size", ly->size < 0 ? NULL :
				       json_object_new_int64(ly->size));
		json_object_object_add(l, "media_type", str_json(ly->media_type));
		json_object_array_add(layers, l);
	}
	json_object_object_add(o, "layers", layers);
	printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
		JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

/* An array as JSON text, on one line: exactly what the program gets. */
static void print_strv(const char *name, char **v)
{
	json_object *a = strv_json(v);

	printf("%-12s %s\n", name, a ? json_object_to_json_string_ext(a,
		JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE) :
		"(not set)");
	json_object_put(a);
}

static void print_text(const struct image_config *c,
		       const struct image_info *info)
{
	size_t i;

	printf("%-12s %s\n", "source", info->kind);
	if (info->manifest_digest[0])
		printf("%-12s %s\n", "manifest", info->manifest_digest);
	printf("%-12s %s\n", "config", info->config_digest);
	printf("%-12s %s/%s\n", "platform", c->os ? c->os : "?",
	       c->architecture ? c->architecture : "?");
	print_strv("entrypoint", c->entrypoint);
	print_strv("cmd", c->cmd);
	printf("%-12s %s\n", "workdir", c->working_dir ? c->working_dir : "(not set)");
	printf("%-12s %s\n", "user", c->user ? c->user : "(not set)");
	for (i = 0; c->env && c->env[i]; i++)
		printf("%-12s %s\n", "env", c->env[i]);
	for (i = 0; i < c->nr_labels; i++)
		printf("%-12s %s=%s\n", "label", c->labels[i].key,
		       c->labels[i].value);
	for (i = 0; i < info->nr_layers; i++) {
		if (info->layers[i].size >= 0)
			printf("%-12s %s %" PRId64 "\n", "layer",
			       info->layers[i].digest, info->layers[i].size);
		else
			printf("%-12s %s\n", "layer", info->layers[i].digest);
	}
}

int cmd_inspect(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char err[IMAGE_ERR_MAX];
	struct image_info info;
	struct image *img;
	int opt, json = 0;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:jh", opts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			json = 1;
			break;
		case 'h':
			printf("Usage: %s inspect [-j|--json] SOURCE\n", prog);
			return EXIT_OK;
		default:
			return cli_usage_err("inspect", "unknown option '%s'",
					     argv[optind - 1]);
		}
	}
	if (argc - optind != 1)
		return cli_usage_err("inspect", "want one SOURCE, got %d arguments",
				     argc - optind);
	if (image_open(argv[optind], &img, err, sizeof(err))) {
		cli_err("%s", err);
		return EXIT_FAIL;
	}
	image_info(img, &info);
	if (json)
		print_json(image_config(img), &info);
	else
		print_text(image_config(img), &info);
	image_close(img);
	return EXIT_OK;
}
