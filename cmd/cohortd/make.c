// SPDX-License-Identifier: GPL-2.0
/*
 * cohortd: the cohort(8) commands that make a declared instance, or its
 * warm standby, from what sysfs shows of it: "run -d" for an image (a
 * workload starts from its image each time: a new instance), else
 * create, load and start as far as they are needed.  A failed kernel's
 * CPUs are taken back first (stop --force), then its memory is dumped
 * when a dump is asked for.
 *
 * A standby (standby.c) is made as its instance is, with the same CPU
 * count, memory, kernel, initramfs and command line, plus the word
 * "cohort.standby" (its init can tell), and without a network link: the
 * instance's link moves to it with "cohort takeover".  An instance that
 * was a standby until it took over still has that word in the command
 * line it was loaded with, so its next start loads it again without.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cohort/defaults.h"
#include "cohort/parse.h"
#include "cohortd.h"

static void memory_arg(__u64 bytes, char *buf, size_t len)
{
	if (!(bytes & ((1ULL << 20) - 1)))
		snprintf(buf, len, "%lluM", (unsigned long long)(bytes >> 20));
	else
		snprintf(buf, len, "%llu", (unsigned long long)bytes);
}

/* Appends a word to a NULL-terminated array of at most CD_JOB_ARGS - 2. */
static int word(char **w, size_t *n, const char *s)
{
	if (*n >= CD_JOB_ARGS - 2)
		return -E2BIG;
	w[(*n)++] = (char *)s;
	w[*n] = NULL;
	return 0;
}

/*
 * --cpus LIST as declared, or --cpu-count N (always for a standby: it
 * takes free CPUs beside its instance).
 */
static int cpu_words(const struct decl_instance *d, bool standby, char **w,
		     size_t *n, char *cpus, size_t clen, char *cnt, size_t nlen)
{
	int ret;

	if (d->line[DK_CPUS] && !standby) {
		cohort_format_cpulist(d->cpus, COHORT_MAX_CPUS, cpus, clen);
		ret = word(w, n, "--cpus");
		return ret ? ret : word(w, n, cpus);
	}
	snprintf(cnt, nlen, "%u", d->cpu_count);
	ret = word(w, n, "--cpu-count");
	return ret ? ret : word(w, n, cnt);
}

/* The -v text of a volume. */
static void volume_text(const struct decl_volume *v, char *buf, size_t len)
{
	snprintf(buf, len, "%s:%s%s", v->source, v->target,
		 v->readonly ? ":ro" : "");
}

static int add_run(struct cd_job *j, const char *name,
		   const struct decl_instance *d)
{
	char *w[CD_JOB_ARGS], cpus[1024], cnt[16], mem[32];
	char (*vols)[8192] = NULL, (*lims)[96] = NULL;
	size_t n = 0, i;
	int ret;

	vols = calloc(d->nr_volumes + 1, sizeof(*vols));
	lims = calloc(d->nr_rlimits + 1, sizeof(*lims));
	if (!vols || !lims) {
		ret = -ENOMEM;
		goto out;
	}
	memory_arg(d->memory, mem, sizeof(mem));
	ret = word(w, &n, "run");
	ret = ret ?: word(w, &n, "-d");
	ret = ret ?: word(w, &n, "--name");
	ret = ret ?: word(w, &n, name);
	ret = ret ?: cpu_words(d, false, w, &n, cpus, sizeof(cpus), cnt,
			       sizeof(cnt));
	ret = ret ?: word(w, &n, "--memory");
	ret = ret ?: word(w, &n, mem);
	if (d->kernel) {
		ret = ret ?: word(w, &n, "--kernel");
		ret = ret ?: word(w, &n, d->kernel);
	}
	if (d->cmdline) {
		ret = ret ?: word(w, &n, "--cmdline");
		ret = ret ?: word(w, &n, d->cmdline);
	}
	if (d->entrypoint) {
		ret = ret ?: word(w, &n, "--entrypoint");
		ret = ret ?: word(w, &n, d->entrypoint);
	}
	for (i = 0; i < d->nr_env; i++) {
		ret = ret ?: word(w, &n, "-e");
		ret = ret ?: word(w, &n, d->env[i]);
	}
	if (d->workdir) {
		ret = ret ?: word(w, &n, "-w");
		ret = ret ?: word(w, &n, d->workdir);
	}
	if (d->user) {
		ret = ret ?: word(w, &n, "-u");
		ret = ret ?: word(w, &n, d->user);
	}
	for (i = 0; i < d->nr_volumes; i++) {
		volume_text(&d->volumes[i], vols[i], sizeof(vols[i]));
		ret = ret ?: word(w, &n, "-v");
		ret = ret ?: word(w, &n, vols[i]);
	}
	for (i = 0; i < d->nr_publish; i++) {
		ret = ret ?: word(w, &n, "-p");
		ret = ret ?: word(w, &n, d->publish[i].text);
	}
	for (i = 0; i < d->nr_rlimits; i++) {
		char soft[32], hard[32];

		run_rlimit_format(d->rlimits[i].soft, soft, sizeof(soft));
		run_rlimit_format(d->rlimits[i].hard, hard, sizeof(hard));
		snprintf(lims[i], sizeof(lims[i]), "%s=%s:%s",
			 run_rlimit_name(d->rlimits[i].resource), soft, hard);
		ret = ret ?: word(w, &n, "--ulimit");
		ret = ret ?: word(w, &n, lims[i]);
	}
	ret = ret ?: word(w, &n, d->image);
	for (i = 0; i < d->nr_args; i++)
		ret = ret ?: word(w, &n, d->args[i]);
	ret = ret ?: cd_job_addv(j, false, w);
out:
	free(vols);
	free(lims);
	return ret;
}

static int add_create(struct cd_job *j, const char *name,
		      const struct decl_instance *d, bool standby)
{
	char *w[CD_JOB_ARGS], cpus[1024], cnt[16], mem[32], q[16];
	size_t n = 0;
	int ret;

	memory_arg(d->memory, mem, sizeof(mem));
	ret = word(w, &n, "create");
	ret = ret ?: word(w, &n, name);
	ret = ret ?: cpu_words(d, standby, w, &n, cpus, sizeof(cpus), cnt,
			       sizeof(cnt));
	ret = ret ?: word(w, &n, "--memory");
	ret = ret ?: word(w, &n, mem);
	if (d->net_link && !standby) {
		ret = ret ?: word(w, &n, "--net");
		if (d->net_queues) {
			snprintf(q, sizeof(q), "%u", d->net_queues);
			ret = ret ?: word(w, &n, "--net-queues");
			ret = ret ?: word(w, &n, q);
		}
	}
	return ret ?: cd_job_addv(j, false, w);
}

/*
 * The declared command line, the [net] addresses as cohort.ip= (the
 * instance's init puts them on eth0; a standby's once the link has
 * moved to it), and for a standby the word cohort.standby.
 */
/* What a kernel instance boots: kernel, initramfs and command line. */
struct boot_args {
	char kbuf[4096], ibuf[4096];
	const char *kernel, *initrd;
	char cmdline[COHORT_CMDLINE_MAX + 1024];
};

static int boot_args(const struct decl_instance *d, bool standby,
		     struct boot_args *b)
{
	size_t off, i;

	b->kernel = d->kernel;
	b->initrd = d->initrd;
	if (!b->kernel)
		b->kernel = cohort_default_kernel(b->kbuf, sizeof(b->kbuf));
	if (!b->initrd)
		b->initrd = cohort_default_initrd(b->ibuf, sizeof(b->ibuf));
	if (!b->kernel || !b->initrd)
		return -ENOENT;
	off = (size_t)snprintf(b->cmdline, sizeof(b->cmdline), "%s",
			       d->cmdline ? d->cmdline : "");
	for (i = 0; i < d->nr_addresses && off < sizeof(b->cmdline); i++)
		off += (size_t)snprintf(b->cmdline + off,
					sizeof(b->cmdline) - off, "%s%s",
					i ? "," :
					(off ? " cohort.ip=" : "cohort.ip="),
					d->addresses[i].text);
	if (standby && off < sizeof(b->cmdline))
		snprintf(b->cmdline + off, sizeof(b->cmdline) - off, "%s%s",
			 off ? " " : "", CD_STANDBY_WORD);
	return 0;
}

static int add_load(struct cd_job *j, const char *name,
		    const struct decl_instance *d, bool standby)
{
	struct boot_args b;
	int ret = boot_args(d, standby, &b);

	return ret ?: cd_job_add(j, false, "load", name, "--kernel", b.kernel,
				 "--initrd", b.initrd, "--cmdline", b.cmdline,
				 NULL);
}

/**
 * cd_make_update_job() - the command that gives a running instance the
 *	kernel, initramfs and command line it is declared with now
 * @j: the job, empty (cd_job_init())
 * @name: the instance
 * @d: its declaration
 *
 * "cohort update": a new kernel beside it, healthy within
 * CD_UPDATE_WAIT_S seconds, then the service moved over; a failure rolls
 * back by itself.
 *
 * Return: 0, or a negative errno (the job is not to be run).
 */
int cd_make_update_job(struct cd_job *j, const char *name,
		       const struct decl_instance *d)
{
	struct boot_args b;
	int ret = boot_args(d, false, &b);

	return ret ?: cd_job_add(j, false, "update", name, "--wait",
				 CD_UPDATE_WAIT_S, "--kernel", b.kernel,
				 "--initrd", b.initrd, "--cmdline", b.cmdline,
				 NULL);
}

/* Whether @name was loaded as a standby (its command line says so). */
static bool loaded_as_standby(const char *name)
{
	char buf[COHORT_CMDLINE_MAX + 64], *p;
	size_t len = strlen(CD_STANDBY_WORD);

	if (cd_inst_attr(name, "cmdline", buf, sizeof(buf)))
		return false;
	for (p = buf; (p = strstr(p, CD_STANDBY_WORD)); p += len)
		if ((p == buf || p[-1] == ' ') && (!p[len] || p[len] == ' '))
			return true;
	return false;
}

/**
 * cd_make_job() - the commands that take an instance to running
 * @j: the job, empty (cd_job_init())
 * @name: the instance
 * @d: its declaration
 * @seen: what sysfs shows of it now
 * @standby: @name is @d's standby: --cpu-count, no --net, cohort.standby
 * @dump: when not NULL or "": dump its memory to this file, once its
 *	CPUs are back (only if it exists)
 *
 * Return: 0, or a negative errno (the job is not to be run).
 */
int cd_make_job(struct cd_job *j, const char *name,
		const struct decl_instance *d, const struct cd_seen *seen,
		bool standby, const char *dump)
{
	bool failed = seen->exists && !strcmp(seen->state, COHORT_STATE_FAILED);
	int ret = 0;

	/* a failed kernel's CPUs come back first (none to take: no matter) */
	if (failed || cd_seen_up(seen))
		ret = cd_job_add(j, true, "stop", name, "--force", NULL);
	/* then its memory is saved, before anything overwrites it */
	if (dump && dump[0] && seen->exists) {
		cd_dump_prune(name, d->dump_keep);
		ret = ret ?: cd_job_add(j, true, "dump", name, dump, NULL);
	}
	if (d->image_kind != DECL_IMAGE_NONE) {
		if (seen->exists)
			ret = ret ?: cd_job_add(j, false, "delete", name, NULL);
		return ret ?: add_run(j, name, d);
	}
	if (!seen->exists) {
		ret = ret ?: add_create(j, name, d, standby);
		ret = ret ?: add_load(j, name, d, standby);
	} else if (!strcmp(seen->state, COHORT_STATE_EMPTY) ||
		   (!standby && loaded_as_standby(name))) {
		ret = ret ?: add_load(j, name, d, standby);
	}
	return ret ?: cd_job_add(j, false, "start", name, NULL);
}
