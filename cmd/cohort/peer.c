// SPDX-License-Identifier: GPL-2.0
/*
 * cohort(8): inter-kernel messaging as /sys/kernel/cohort/ shows it
 * (docs/abi.md): the peers/ID/ directories that "list", "show" and
 * "peers" read, and the heartbeat settings ("heartbeat").
 *
 * Every file may be missing (a kernel without messaging, or an older
 * one): what cannot be read is shown as "-" or null, never an error,
 * except by "peers" and "heartbeat", which have nothing else to show.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <json-c/json.h>

#include "cohort.h"
#include "cohort/parse.h"

enum peer_kind {
	PK_STR,		/* text */
	PK_U64,		/* decimal number */
	PK_HEX,		/* 0x... number (epoch, service masks) */
	PK_BOOL,	/* 0 or 1 */
};

/* The files of peers/ID/, in enum peer_field order. */
const char *const peer_attrs[NR_PEER_FIELDS] = {
	[PF_STATE] = "state",
	[PF_NAME] = "name",
	[PF_APIC_ID] = "apic_id",
	[PF_DOORBELL] = "doorbell",
	[PF_EPOCH] = "epoch",
	[PF_HEARTBEAT] = "heartbeat",
	[PF_HEARTBEAT_AGE_MS] = "heartbeat_age_ms",
	[PF_SERVICES_OFFERED] = "services_offered",
	[PF_SERVICES_LISTENING] = "services_listening",
	[PF_SENT] = "sent",
	[PF_RECEIVED] = "received",
	[PF_DOORBELLS] = "doorbells",
	[PF_DOORBELLS_SUPPRESSED] = "doorbells_suppressed",
	[PF_ERRORS] = "errors",
	[PF_DROPS] = "drops",
	[PF_FULL] = "full",
	[PF_STALE] = "stale",
	[PF_QUARANTINES] = "quarantines",
	[PF_CTRL_ERRORS] = "ctrl_errors",
};

static enum peer_kind peer_kind(enum peer_field f)
{
	switch (f) {
	case PF_STATE:
	case PF_NAME:
		return PK_STR;
	case PF_DOORBELL:
		return PK_BOOL;
	case PF_EPOCH:
	case PF_SERVICES_OFFERED:
	case PF_SERVICES_LISTENING:
		return PK_HEX;
	default:
		return PK_U64;
	}
}

/**
 * peer_read() - read the peers/ID/ directory of one kernel
 * @c: the invocation
 * @id: kernel id (0 is the primary)
 * @p: what was read; a file that is missing, unreadable or (for a
 *     number) not a number is left out (@p->ok false, @p->text "")
 *
 * Return: 0, or -ENOENT when there is no peers/ID/ directory.
 */
int peer_read(struct cli *c, __u32 id, struct peer *p)
{
	char path[4096], buf[PEER_TEXT_MAX];
	struct stat st;
	size_t f;
	int n;

	memset(p, 0, sizeof(*p));
	p->id = id;
	n = snprintf(path, sizeof(path), "%s/peers/%u", c->sysfs, id);
	if (n < 0 || (size_t)n >= sizeof(path) || stat(path, &st) < 0 ||
	    !S_ISDIR(st.st_mode))
		return -ENOENT;
	for (f = 0; f < NR_PEER_FIELDS; f++) {
		n = snprintf(path, sizeof(path), "%s/peers/%u/%s", c->sysfs,
			     id, peer_attrs[f]);
		if (n < 0 || (size_t)n >= sizeof(path) ||
		    sysfs_read(path, buf, sizeof(buf)) < 0)
			continue;
		switch (peer_kind((enum peer_field)f)) {
		case PK_STR:
			p->ok[f] = true;
			break;
		case PK_BOOL:
			p->ok[f] = !sysfs_parse_u64(buf, &p->num[f]) &&
				   p->num[f] <= 1;
			break;
		default:
			p->ok[f] = !sysfs_parse_u64(buf, &p->num[f]);
			break;
		}
		if (p->ok[f])
			memcpy(p->text[f], buf, sizeof(buf));
	}
	return 0;
}

/**
 * peer_live() - does the kernel's heartbeat count for anything?
 * @p: a peer
 *
 * Return: true when its state is self, joined or quarantined: it is a
 * member and the age of its heartbeat is measured.  For failed and
 * absent peers the kernel reports an age of 0, which means nothing.
 */
bool peer_live(const struct peer *p)
{
	const char *s = p->text[PF_STATE];

	return p->ok[PF_STATE] && (!strcmp(s, "self") ||
				   !strcmp(s, "joined") ||
				   !strcmp(s, "quarantined"));
}

/**
 * peer_value() - a file of a peer as "show" prints it
 * @p: a peer
 * @f: the file
 *
 * Return: the text read, or "-" when it is missing, empty, or the age
 * of the heartbeat of a peer that is not live.
 */
const char *peer_value(const struct peer *p, enum peer_field f)
{
	if (!p->ok[f] || !p->text[f][0])
		return "-";
	if (f == PF_HEARTBEAT_AGE_MS && !peer_live(p))
		return "-";
	return p->text[f];
}

/**
 * peer_age_text() - the HEARTBEAT column: age of the last heartbeat
 * @p: a peer
 * @buf: where to write, at least COHORT_AGE_STR_MAX bytes
 * @len: bytes at @buf
 *
 * Writes "120ms", "15s"... (cohort_format_age_ms()), or "-" when the peer
 * is not live or its heartbeat_age_ms cannot be read.
 */
void peer_age_text(const struct peer *p, char *buf, size_t len)
{
	if (p->ok[PF_HEARTBEAT_AGE_MS] && peer_live(p))
		cohort_format_age_ms(p->num[PF_HEARTBEAT_AGE_MS], buf, len);
	else
		snprintf(buf, len, "-");
}

/**
 * peer_json() - a peer as a JSON object
 * @p: a peer
 * @name: the name to give when the kernel's name file is missing or
 *        empty (the instance's), or NULL
 *
 * Keys: "id", then every file of peers/ID/ under its own name: strings
 * for state and name, a boolean for doorbell, numbers for the rest;
 * null for what cannot be read, and heartbeat_age_ms null when the peer
 * is not live (see peer_live()).
 *
 * Return: a new object.
 */
struct json_object *peer_json(const struct peer *p, const char *name)
{
	struct json_object *o = json_object_new_object();
	size_t f;

	json_object_object_add(o, "id", json_object_new_uint64(p->id));
	for (f = 0; f < NR_PEER_FIELDS; f++) {
		struct json_object *v = NULL;

		if (f == PF_NAME && (!p->ok[f] || !p->text[f][0])) {
			v = name ? json_object_new_string(name) : NULL;
		} else if (!p->ok[f] ||
			   (f == PF_HEARTBEAT_AGE_MS && !peer_live(p))) {
			v = NULL;
		} else {
			switch (peer_kind((enum peer_field)f)) {
			case PK_STR:
				v = json_object_new_string(p->text[f]);
				break;
			case PK_BOOL:
				v = json_object_new_boolean(p->num[f] != 0);
				break;
			default:
				v = json_object_new_uint64(p->num[f]);
				break;
			}
		}
		json_object_object_add(o, peer_attrs[f], v);
	}
	return o;
}

/* ---------------------------------------------------------------- peers */

struct known {
	__u32 id;
	char name[COHORT_NAME_MAX];
};

/*
 * The instances the primary has, by id, to name peers whose entry the
 * kernel cleared (failed, stopped).  None in an instance, or on error.
 */
static size_t known_instances(struct cli *c, struct known **out)
{
	struct known *v = NULL, *nv;
	size_t n = 0, cap = 0;
	struct dirent *d;
	char path[4096];
	DIR *dir;

	*out = NULL;
	snprintf(path, sizeof(path), "%s/instances", c->sysfs);
	dir = opendir(path);
	if (!dir)
		return 0;
	while ((d = readdir(dir))) {
		__u64 id;

		if (d->d_name[0] == '.' ||
		    strlen(d->d_name) >= COHORT_NAME_MAX ||
		    sysfs_inst_u64(c, d->d_name, "id", &id) ||
		    id > UINT32_MAX)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv)
				break;
			v = nv;
		}
		v[n].id = (__u32)id;
		memcpy(v[n].name, d->d_name, strlen(d->d_name) + 1);
		n++;
	}
	closedir(dir);
	*out = v;
	return n;
}

static const char *known_name(const struct known *k, size_t n, __u32 id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (k[i].id == id)
			return k[i].name;
	return NULL;
}

/* A directory name that is a kernel id: decimal, no sign, no leading 0. */
static bool parse_id(const char *s, __u32 *id)
{
	__u64 v = 0;
	const char *p;

	if (!*s || (s[0] == '0' && s[1]) || strlen(s) > 10)
		return false;
	for (p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
		v = v * 10 + (__u64)(*p - '0');
	}
	if (v > UINT32_MAX)
		return false;
	*id = (__u32)v;
	return true;
}

static int cmp_peers(const void *a, const void *b)
{
	const struct peer *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/*
 * Why there is no peers/ directory, as "cohort: ..." on stderr.
 * Returns EXIT_UNAVAIL.
 */
static int no_messaging(struct cli *c, const char *what)
{
	char path[4096], status[192];

	snprintf(path, sizeof(path), "%s/messaging", c->sysfs);
	if (sysfs_read(path, status, sizeof(status)) >= 0 && status[0])
		cli_err("inter-kernel messaging is not available: %s/%s does not exist (messaging: %s)",
			c->sysfs, what, status);
	else
		cli_err("inter-kernel messaging is not available: %s/%s does not exist (a kernel without it?)",
			c->sysfs, what);
	return EXIT_UNAVAIL;
}

/* An entry of peers/ for sysfs_collect(): 1 when it is a kernel's. */
static int peer_get(struct cli *c, const char *name, void *elem)
{
	__u32 id;

	return parse_id(name, &id) && !peer_read(c, id, elem);
}

/* Reads every peers/ID/ directory, sorted by id. */
static int peers_read(struct cli *c, struct peer **out, size_t *count)
{
	char path[4096];
	DIR *dir;
	void *v;
	int ret;

	snprintf(path, sizeof(path), "%s/peers", c->sysfs);
	dir = opendir(path);
	if (!dir) {
		if (errno == ENOENT || errno == ENOTDIR)
			return no_messaging(c, "peers");
		cli_err("cannot read %s: %s", path, strerror(errno));
		return EXIT_FAIL;
	}
	ret = sysfs_collect(c, dir, sizeof(**out), peer_get, cmp_peers, &v,
			    count);
	if (ret)
		return ret;
	*out = v;
	return EXIT_OK;
}

/* The NAME column: the kernel's name, the instance's, or "-". */
static const char *peer_name(const struct peer *p, const struct known *k,
			     size_t nk)
{
	const char *name;

	if (p->ok[PF_NAME] && p->text[PF_NAME][0])
		return p->text[PF_NAME];
	name = known_name(k, nk, p->id);
	return name ? name : "-";
}

/* "cohort peers" without -j. */
static void peers_table(const struct peer *v, const bool *shown, size_t n,
			const struct known *k, size_t nk)
{
	enum {
		C_ID, C_NAME, C_STATE, C_HB, C_SENT, C_RECEIVED, C_DOORBELLS,
		C_SUPPRESSED, C_ERRORS, C_DROPS, NR_COLS
	};
	static const char *const heads[NR_COLS] = {
		"ID", "NAME", "STATE", "HEARTBEAT", "SENT", "RECEIVED",
		"DOORBELLS", "SUPPRESSED", "ERRORS", "DROPS"
	};
	static const enum peer_field counters[] = {
		PF_SENT, PF_RECEIVED, PF_DOORBELLS, PF_DOORBELLS_SUPPRESSED,
		PF_ERRORS, PF_DROPS
	};
	static const char align[NR_COLS + 1] = "rlllrrrrrr";
	char ids[16], age[COHORT_AGE_STR_MAX];
	const char *col[NR_COLS];
	int w[NR_COLS] = { 0 }, pass;
	size_t i, f;

	table_widen(w, heads, NR_COLS);
	/* Pass 0 measures the columns, pass 1 prints. */
	for (pass = 0; pass < 2; pass++) {
		if (pass)
			table_row(w, heads, NR_COLS, align);
		for (i = 0; i < n; i++) {
			const struct peer *p = &v[i];

			if (!shown[i])
				continue;
			snprintf(ids, sizeof(ids), "%u", p->id);
			peer_age_text(p, age, sizeof(age));
			col[C_ID] = ids;
			col[C_NAME] = peer_name(p, k, nk);
			col[C_STATE] = peer_value(p, PF_STATE);
			col[C_HB] = age;
			for (f = 0; f < ARRAY_SIZE(counters); f++)
				col[C_SENT + f] = peer_value(p, counters[f]);
			if (pass)
				table_row(w, col, NR_COLS, align);
			else
				table_widen(w, col, NR_COLS);
		}
	}
}

/**
 * cmd_peers() - "cohort peers [-a] [-j]"
 * @c: the invocation
 * @argc: arguments of the command
 * @argv: the arguments
 *
 * One line per kernel that has a peers/ID/ directory and is not absent,
 * or is the id of an instance; with -a every directory.
 *
 * Return: an exit status.
 */
int cmd_peers(struct cli *c, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct known *k = NULL;
	struct peer *v = NULL;
	bool all = false, *shown;
	size_t n = 0, nk, i;
	int opt, ret;

	while ((opt = cli_getopt(c, argc, argv, "ajp", lo, NULL)) != -1) {
		if (cli_json_opt(c, opt))
			continue;
		if (opt != 'a')
			return opt == -2 ? EXIT_OK : EXIT_USAGE;
		all = true;
	}
	ret = cli_no_args(c, argc, argv);
	if (ret)
		return ret;
	ret = sysfs_available(c);
	if (ret)
		return ret;
	ret = peers_read(c, &v, &n);
	if (ret)
		return ret;
	nk = known_instances(c, &k);
	shown = calloc(n ? n : 1, sizeof(*shown));
	if (!shown) {
		cli_err("out of memory");
		free(v);
		free(k);
		return EXIT_FAIL;
	}
	for (i = 0; i < n; i++)
		shown[i] = all || !v[i].ok[PF_STATE] ||
			   strcmp(v[i].text[PF_STATE], "absent") ||
			   known_name(k, nk, v[i].id);
	if (c->json) {
		struct json_object *a = json_object_new_array();

		for (i = 0; i < n; i++)
			if (shown[i])
				json_object_array_add(a, peer_json(&v[i],
					known_name(k, nk, v[i].id)));
		cli_json_print(c, a);
		json_object_put(a);
	} else {
		peers_table(v, shown, n, k, nk);
	}
	free(shown);
	free(v);
	free(k);
	return EXIT_OK;
}

/* ------------------------------------------------------------ heartbeat */

static const struct hb_file {
	const char *file;
	const char *what;	/* for messages */
	const char *unit;
	const char *key;	/* text and JSON output */
	__u32 min, max;
} hb_files[] = {
	{ "heartbeat_ms", "heartbeat period", "milliseconds", "period_ms",
	  HB_PERIOD_MIN_MS, HB_PERIOD_MAX_MS },
	{ "heartbeat_misses", "number of misses", NULL, "misses",
	  HB_MISSES_MIN, HB_MISSES_MAX },
};

/**
 * cmd_heartbeat() - "cohort heartbeat [--period MS] [--misses N] [-j]"
 * @c: the invocation
 * @argc: arguments of the command
 * @argv: the arguments
 *
 * Without options prints the heartbeat period and the number of missed
 * periods after which the primary marks an instance failed; with them,
 * checks both values and then writes them.
 *
 * Return: an exit status.
 */
int cmd_heartbeat(struct cli *c, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "period", required_argument, NULL, 'P' },
		{ "misses", required_argument, NULL, 'M' },
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *arg[ARRAY_SIZE(hb_files)] = { NULL };
	__u32 val[ARRAY_SIZE(hb_files)] = { 0 };
	unsigned int seen[256] = { 0 };
	char path[4096], buf[64], err[COHORT_ERR_MAX];
	bool set = false;
	struct stat st;
	size_t i;
	int opt, ret;

	while ((opt = cli_getopt(c, argc, argv, "jp", lo, seen)) != -1) {
		if (cli_json_opt(c, opt))
			continue;
		switch (opt) {
		case 'P':
			arg[0] = optarg;
			break;
		case 'M':
			arg[1] = optarg;
			break;
		default:
			return opt == -2 ? EXIT_OK : EXIT_USAGE;
		}
	}
	ret = cli_no_args(c, argc, argv);
	if (ret)
		return ret;
	for (i = 0; i < ARRAY_SIZE(hb_files); i++) {
		if (!arg[i])
			continue;
		set = true;
		if (cohort_parse_uint(arg[i], hb_files[i].what,
				      hb_files[i].unit, hb_files[i].min,
				      hb_files[i].max, &val[i], err,
				      sizeof(err))) {
			cli_err("%s: %s", c->cmd, err);
			return EXIT_USAGE;
		}
	}
	ret = sysfs_available(c);
	if (ret)
		return ret;
	for (i = 0; i < ARRAY_SIZE(hb_files); i++) {
		snprintf(path, sizeof(path), "%s/%s", c->sysfs,
			 hb_files[i].file);
		if (stat(path, &st) < 0 && errno == ENOENT)
			return no_messaging(c, hb_files[i].file);
	}

	if (set) {
		if (sysfs_is_instance(c)) {
			cli_err("%s: this kernel is a Cohort instance; the heartbeat is set on the primary",
				c->cmd);
			return EXIT_UNAVAIL;
		}
		for (i = 0; i < ARRAY_SIZE(hb_files); i++) {
			if (!arg[i])
				continue;
			snprintf(path, sizeof(path), "%s/%s", c->sysfs,
				 hb_files[i].file);
			snprintf(buf, sizeof(buf), "%u", val[i]);
			ret = sysfs_write(path, buf);
			if (ret) {
				cli_err("%s: cannot set the %s to %u: %s: %s",
					c->cmd, hb_files[i].what, val[i], path,
					strerror(-ret));
				return EXIT_FAIL;
			}
		}
		return EXIT_OK;
	}

	for (i = 0; i < ARRAY_SIZE(hb_files); i++) {
		__u64 v;

		snprintf(path, sizeof(path), "%s/%s", c->sysfs,
			 hb_files[i].file);
		ret = sysfs_read(path, buf, sizeof(buf));
		if (ret >= 0)
			ret = sysfs_parse_u64(buf, &v);
		if (ret >= 0 && v > UINT32_MAX)
			ret = -EINVAL;
		if (ret < 0) {
			cli_err("cannot read %s: %s", path,
				ret == -EINVAL ? "not a number" :
						 strerror(-ret));
			return EXIT_FAIL;
		}
		val[i] = (__u32)v;
	}
	if (c->json) {
		struct json_object *o = json_object_new_object();

		for (i = 0; i < ARRAY_SIZE(hb_files); i++)
			json_object_object_add(o, hb_files[i].key,
					       json_object_new_uint64(val[i]));
		cli_json_print(c, o);
		json_object_put(o);
		return EXIT_OK;
	}
	printf("period  %u ms\n", val[0]);
	printf("misses  %u\n", val[1]);
	return EXIT_OK;
}
