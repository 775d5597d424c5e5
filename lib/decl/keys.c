// SPDX-License-Identifier: GPL-2.0
/*
 * The keys of a declared instance's file, found by section and name
 * (each section's own file says what they are and reads their values).
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"

static const struct decl_keydef *const sections[NR_SECTIONS] = {
	[SEC_INSTANCE] = decl_keys_instance,
	[SEC_RUN] = decl_keys_run,
	[SEC_NET] = decl_keys_net,
	[SEC_HEALTH] = decl_keys_health,
};

/**
 * decl_keydef_find() - a key of a section, by name
 * @s: the section
 * @name: the key as written
 *
 * Return: the key, or NULL when the section has none of that name.
 */
const struct decl_keydef *decl_keydef_find(enum decl_section s,
					   const char *name)
{
	const struct decl_keydef *k;

	if (s < 0 || s >= NR_SECTIONS)
		return NULL;
	for (k = sections[s]; k->name; k++)
		if (!strcmp(k->name, name))
			return k;
	return NULL;
}

/**
 * decl_key_list() - the keys of a section, for a message
 * @s: the section
 * @buf: out: "cpus, cpu-count, ..."
 * @len: bytes at @buf
 */
void decl_key_list(enum decl_section s, char *buf, size_t len)
{
	const struct decl_keydef *k;
	size_t o = 0;

	if (!len)
		return;
	buf[0] = '\0';
	if (s < 0 || s >= NR_SECTIONS)
		return;
	for (k = sections[s]; k->name && o < len; k++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s", o ? ", " : "",
				      k->name);
}

/**
 * decl_key_name() - the name of a key, as written in a file
 * @key: the key
 *
 * Return: "cpus"..., or "?" for no key.
 */
const char *decl_key_name(enum decl_key key)
{
	const struct decl_keydef *k;
	int s;

	for (s = 0; s < NR_SECTIONS; s++)
		for (k = sections[s]; k->name; k++)
			if (k->key == key)
				return k->name;
	return "?";
}

/**
 * decl_restart_name() - a restart policy, as written in a file
 * @r: the policy
 *
 * Return: "no", "on-failure" or "always".
 */
const char *decl_restart_name(enum decl_restart r)
{
	switch (r) {
	case DECL_RESTART_ON_FAILURE:
		return "on-failure";
	case DECL_RESTART_ALWAYS:
		return "always";
	default:
		return "no";
	}
}
