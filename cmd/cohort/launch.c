// SPDX-License-Identifier: GPL-2.0
/*
 * cohort(8): making and booting instances on behalf of other commands
 * ("run", "warm"), through the same code paths as "cohort create",
 * "load", "start" and "region grant", so every check and message is the
 * one a user typing them would see.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cohort.h"
#include "cohort/defaults.h"
#include "cohort/parse.h"
#include "launch.h"

/**
 * launch_files() - the kernel and initramfs an instance boots
 * @c: the invocation, for messages
 * @kernel: in: the one given, or NULL; out: the one to use
 * @initrd: the same for the initramfs
 * @kbuf: room for a default kernel's path (4096 bytes)
 * @ibuf: room for a default initramfs's path (4096 bytes)
 *
 * Without one given: /boot/vmlinuz-$(uname -r) or /boot/bzImage, and
 * /usr/lib/cohort/instance-initrd.cpio.gz or /boot/instance-initrd.cpio.gz.
 *
 * Return: EXIT_OK, or EXIT_USAGE after saying which is missing.
 */
int launch_files(struct cli *c, const char **kernel, const char **initrd,
		 char *kbuf, char *ibuf)
{
	if (!*kernel)
		*kernel = cohort_default_kernel(kbuf, 4096);
	if (!*kernel)
		return cli_usage_err(c, "no kernel: --kernel FILE (none of /boot/vmlinuz-$(uname -r), /boot/bzImage is readable)");
	if (!*initrd)
		*initrd = cohort_default_initrd(ibuf, 4096);
	if (!*initrd)
		return cli_usage_err(c, "no instance initramfs: --initrd FILE (none of /usr/lib/cohort/instance-initrd.cpio.gz, /boot/instance-initrd.cpio.gz is readable)");
	return EXIT_OK;
}

/**
 * launch_free_cpus() - the CPUs present that no instance holds
 * @c: the invocation
 * @out: the CPUs (COHORT_MAX_CPUS bits); CPU 0 is left out
 *
 * An instance holds the CPUs its instances/NAME/cpus lists.
 *
 * Return: EXIT_OK; EXIT_FAIL when the CPUs present or the instances
 * cannot be read, EXIT_UNAVAIL in an instance (printed).
 */
int launch_free_cpus(struct cli *c, __u64 *out)
{
	char path[4096], buf[8192], err[COHORT_ERR_MAX];
	__u64 held[COHORT_CPU_WORDS];
	struct dirent *de;
	DIR *d;
	int ret;

	snprintf(path, sizeof(path), "%s/present", c->cpu_sysfs);
	ret = sysfs_read(path, buf, sizeof(buf));
	if (ret < 0 || cohort_parse_cpulist(buf, out, COHORT_MAX_CPUS,
					    COHORT_CPULIST_LENIENT, err,
					    sizeof(err))) {
		cli_err("%s: cannot read the CPUs present from %s", c->cmd,
			path);
		return EXIT_FAIL;
	}
	out[0] &= ~1ULL;
	ret = sysfs_instances_open(c, &d);
	if (ret)
		return ret;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (sysfs_inst_read(c, de->d_name, "cpus", buf, sizeof(buf)) < 0 ||
		    cohort_parse_cpulist(buf, held, COHORT_MAX_CPUS,
					 COHORT_CPULIST_LENIENT, err,
					 sizeof(err)))
			continue;
		for (unsigned int i = 0; i < COHORT_CPU_WORDS; i++)
			out[i] &= ~held[i];
	}
	closedir(d);
	return EXIT_OK;
}

/**
 * launch_pick_cpus() - choose CPUs no instance holds
 * @c: the invocation
 * @count: how many, as given (--cpu-count N)
 * @buf: out: the CPU list, as "cohort create --cpus" takes it
 * @len: bytes at @buf
 *
 * Takes the highest-numbered free CPUs, whole cores or not (cohort run,
 * warm and update; "cohort create --cpu-count" places by topology:
 * place.c); CPU 0 stays with the primary.
 *
 * Return: EXIT_OK; EXIT_USAGE for a bad count; EXIT_FAIL when too few
 * are free (printed).
 */
int launch_pick_cpus(struct cli *c, const char *count, char *buf, size_t len)
{
	__u64 avail[COHORT_CPU_WORDS], pick[COHORT_CPU_WORDS] = { 0 };
	char err[COHORT_ERR_MAX], a[1024];
	__u32 n;
	int ret, cpu;

	if (cohort_parse_uint(count, "CPU count", NULL, 1,
			      COHORT_SETUP_MAX_CPUS, &n, err, sizeof(err))) {
		cli_err("%s: --cpu-count: %s", c->cmd, err);
		return EXIT_USAGE;
	}
	ret = launch_free_cpus(c, avail);
	if (ret)
		return ret;
	for (cpu = COHORT_MAX_CPUS - 1; cpu > 0 && n; cpu--) {
		if (!(avail[cpu / 64] & (1ULL << (cpu % 64))))
			continue;
		pick[cpu / 64] |= 1ULL << (cpu % 64);
		n--;
	}
	if (n) {
		cohort_format_cpulist(avail, COHORT_MAX_CPUS, a, sizeof(a));
		cli_err("%s: --cpu-count %s: only %s free (CPU 0 stays with the primary)",
			c->cmd, count, a[0] ? a : "no CPU is");
		return EXIT_FAIL;
	}
	cohort_format_cpulist(pick, COHORT_MAX_CPUS, buf, len);
	return EXIT_OK;
}

/**
 * launch_name() - a name no instance has: PREFIX-XXXXXX
 * @c: the invocation
 * @prefix: "run", or a warm pool's name
 * @buf: out: the name
 * @len: bytes at @buf
 *
 * Six random hex digits; tried again while an instance has the name.
 */
void launch_name(struct cli *c, const char *prefix, char *buf, size_t len)
{
	char path[4096];
	unsigned char r[3];
	struct stat st;
	int i;

	for (i = 0; i < 100; i++) {
		if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r)) {
			unsigned int v = (unsigned int)rand() ^
					 ((unsigned int)getpid() << 8) ^
					 (unsigned int)time(NULL);

			memcpy(r, &v, sizeof(r));
		}
		snprintf(buf, len, "%s-%02x%02x%02x", prefix, r[0], r[1], r[2]);
		if (sysfs_inst_path(c, buf, "", path, sizeof(path)) ||
		    stat(path, &st) < 0)
			return;
	}
}

/**
 * launch_sub() - run another cohort command as if typed
 * @c: the invocation (its command name is restored afterwards)
 * @fn: the command
 * @cmd: its name, for its messages
 * @argv: its arguments, NULL-terminated, argv[0] the command name
 *
 * Return: the command's exit status.
 */
int launch_sub(struct cli *c, int (*fn)(struct cli *, int, char **),
	       const char *cmd, char **argv)
{
	const char *saved = c->cmd;
	bool json = c->json;
	int argc = 0, ret;

	while (argv[argc])
		argc++;
	c->cmd = cmd;
	c->json = false;
	optind = 0;
	ret = fn(c, argc, argv);
	c->cmd = saved;
	c->json = json;
	return ret;
}

/**
 * launch_create() - "cohort create NAME --cpus CPUS --memory MEMORY --force"
 * @c: the invocation
 * @name: the instance
 * @cpus: its CPU list
 * @memory: its memory, as given
 *
 * --force: the list is taken as given, as before placement by topology
 * (a core may be split; no warning for a list over several nodes).
 *
 * Return: an exit status.
 */
int launch_create(struct cli *c, const char *name, const char *cpus,
		  const char *memory)
{
	char *argv[] = { "create", (char *)name, "--cpus", (char *)cpus,
			 "--memory", (char *)memory, "--force", NULL };

	return launch_sub(c, cmd_create, "create", argv);
}

/**
 * launch_start() - "cohort load" then "cohort start"
 * @c: the invocation
 * @name: an instance that exists
 * @kernel: the bzImage
 * @initrd: the initramfs
 * @cmdline: the kernel command line
 *
 * Return: an exit status.
 */
int launch_start(struct cli *c, const char *name, const char *kernel,
		 const char *initrd, const char *cmdline)
{
	char *load[] = { "load", (char *)name, "--kernel", (char *)kernel,
			 "--initrd", (char *)initrd, "--cmdline",
			 (char *)cmdline, NULL };
	char *start[] = { "start", (char *)name, NULL };
	int ret;

	ret = launch_sub(c, cmd_load, "load", load);
	return ret ? ret : launch_sub(c, cmd_start, "start", start);
}

/**
 * launch_delete() - "cohort delete NAME", stopping it by force first
 * @c: the invocation
 * @name: the instance
 *
 * Return: an exit status.
 */
int launch_delete(struct cli *c, const char *name)
{
	char *stop[] = { "stop", (char *)name, "--force", NULL };
	char *del[] = { "delete", (char *)name, NULL };
	char state[32];

	if (sysfs_inst_read(c, name, "state", state, sizeof(state)) >= 0 &&
	    (!strcmp(state, COHORT_STATE_RUNNING) ||
	     !strcmp(state, COHORT_STATE_STARTING)))
		launch_sub(c, cmd_stop, "stop", stop);
	return launch_sub(c, cmd_delete, "delete", del);
}

/**
 * launch_grant() - grant a region to an instance
 * @c: the invocation
 * @region: the region
 * @name: the instance (it may be running)
 * @readonly: its kernel mounts it read-only only, whatever root in it asks
 *
 * Return: an exit status.
 */
int launch_grant(struct cli *c, const char *region, const char *name,
		 bool readonly)
{
	struct cohort_ioc_grant req;
	const char *saved = c->cmd;
	int ret;

	memset(&req, 0, sizeof(req));
	snprintf(req.region, sizeof(req.region), "%s", region);
	snprintf(req.instance, sizeof(req.instance), "%s", name);
	req.flags = readonly ? COHORT_GRANT_READONLY : 0;
	c->cmd = "region grant";
	ret = cli_dev_ioctl(c, region, COHORT_IOC_REGION_GRANT, &req, req.msg);
	c->cmd = saved;
	return ret;
}
