// SPDX-License-Identifier: GPL-2.0
/*
 * cohort(8): "cohort run": boot a container image in an instance of its
 * own.
 *
 *	cohort run [OPTIONS] IMAGE [COMMAND [ARG...]]
 *
 * The image is imported once (imgstore.c: a read-only cohortfs in a
 * region, shared by every instance that runs it).  What to run is decided
 * here, as docker run would from the image's config and the options
 * (lib/run), and travels to the instance as /cohort/run.json in a cpio
 * archive appended to the instance initramfs; there cohort-init mounts
 * the image's tree under a writable layer, runs the process and reports
 * its exit status, which "cohort wait" prints.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "cohort.h"
#include "cohort/fdio.h"
#include "cohort/parse.h"
#include "image/image.h"
#include "imgstore.h"
#include "launch.h"
#include "publish.h"
#include "runrec.h"
#include "run/run.h"
#include "volume.h"
#include "warmpool.h"

/* cohort run's own failures, as docker run's (docs/man/cohort.8) */
#define EXIT_RUN_FAIL	125

#define RUN_MEMORY_DEFAULT	"256M"
#define RUN_SPEC_PATH		"cohort/run.json"

struct run_opts {
	const char *name;
	const char *cpus;
	const char *cpu_count;
	const char *memory;
	const char *kernel;
	const char *initrd;
	const char *cmdline;
	const char *restart;
	const char *warm;	/* --warm POOL */
	struct publish *pubs;	/* -p, as given */
	size_t npubs;
	bool detach;
	bool rm;
	struct run_overrides ov;
	const char **envs;	/* -e, in order */
	size_t nenvs;
	const char **env_files;	/* --env-file, in order */
	size_t nenv_files;
	const char **volumes;	/* -v, as given */
	size_t nvolumes;
	struct run_mount *mounts;	/* ... resolved */
	char *entrypoint[2];
};

static int push(const char ***v, size_t *n, const char *s)
{
	const char **nv = realloc(*v, (*n + 1) * sizeof(*nv));

	if (!nv)
		return -ENOMEM;
	nv[(*n)++] = s;
	*v = nv;
	return 0;
}

/*
 * The environment overrides, as docker orders them: every --env-file's
 * entries, then every -e; a later one wins.
 */
static int build_env(struct cli *c, struct run_opts *o)
{
	char err[RUN_ERR_MAX], **n;
	size_t i, cnt = 0;

	for (i = 0; i < o->nenv_files; i++) {
		if (run_env_file(o->env_files[i], &o->ov.env, err,
				 sizeof(err))) {
			cli_err("%s: --env-file: %s", c->cmd, err);
			return EXIT_USAGE;
		}
	}
	while (o->ov.env && o->ov.env[cnt])
		cnt++;
	for (i = 0; i < o->nenvs; i++) {
		n = realloc(o->ov.env, (cnt + 2) * sizeof(*n));
		if (!n)
			return EXIT_FAIL;
		o->ov.env = n;
		n[cnt] = strdup(o->envs[i]);
		if (!n[cnt])
			return EXIT_FAIL;
		n[++cnt] = NULL;
	}
	return EXIT_OK;
}

/* Resolves every -v; each region must exist. */
static int build_mounts(struct cli *c, struct run_opts *o)
{
	size_t i;
	int ret;

	if (!o->nvolumes)
		return EXIT_OK;
	if (o->nvolumes > RUN_MAX_MOUNTS) {
		cli_err("%s: %zu volumes; at most %d", c->cmd, o->nvolumes,
			RUN_MAX_MOUNTS);
		return EXIT_USAGE;
	}
	o->mounts = calloc(o->nvolumes, sizeof(*o->mounts));
	if (!o->mounts)
		return EXIT_FAIL;
	for (i = 0; i < o->nvolumes; i++) {
		ret = volume_parse(c, o->volumes[i], &o->mounts[i]);
		if (ret)
			return ret;
		if (!imgstore_region_exists(c, o->mounts[i].region)) {
			cli_err("%s: -v %s: no region '%s' (cohort region list)",
				c->cmd, o->volumes[i], o->mounts[i].region);
			return EXIT_USAGE;
		}
	}
	o->ov.mounts = o->mounts;
	o->ov.nr_mounts = o->nvolumes;
	return EXIT_OK;
}

static void free_opts(struct run_opts *o)
{
	publish_close(o->pubs, o->npubs);
	free(o->pubs);
	for (size_t i = 0; o->mounts && i < o->nvolumes; i++)
		volume_free(&o->mounts[i]);
	free(o->mounts);
	free(o->volumes);
	for (size_t i = 0; o->ov.env && o->ov.env[i]; i++)
		free(o->ov.env[i]);
	free(o->ov.env);
	free(o->envs);
	free(o->env_files);
}

/*
 * The instance's initramfs: the base one, padded to 4 bytes, then a cpio
 * archive holding the spec, in a memory file.  Returns its fd or -1.
 */
static int make_initrd(struct cli *c, const char *base, const char *json)
{
	static const char zeros[512];
	size_t used = 0, cap = 1 << 16, jlen = strlen(json);
	struct archive_entry *e;
	struct archive *a;
	char *cpio = NULL;
	int in, fd = -1;
	off_t size;
	ssize_t n;
	char buf[65536];

	cpio = malloc(cap + jlen);
	if (!cpio)
		return -1;
	a = archive_write_new();
	e = archive_entry_new();
	if (!a || !e || archive_write_set_format_cpio_newc(a) ||
	    archive_write_add_filter_none(a) ||
	    archive_write_set_bytes_per_block(a, 0) ||
	    archive_write_open_memory(a, cpio, cap + jlen, &used))
		goto cpio_err;
	archive_entry_set_pathname(e, "cohort");
	archive_entry_set_filetype(e, AE_IFDIR);
	archive_entry_set_perm(e, 0755);
	archive_entry_set_size(e, 0);
	if (archive_write_header(a, e))
		goto cpio_err;
	archive_entry_clear(e);
	archive_entry_set_pathname(e, RUN_SPEC_PATH);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, (la_int64_t)jlen);
	if (archive_write_header(a, e) ||
	    archive_write_data(a, json, jlen) != (la_ssize_t)jlen ||
	    archive_write_close(a))
		goto cpio_err;
	archive_entry_free(e);
	archive_write_free(a);
	a = NULL;

	in = open(base, O_RDONLY | O_CLOEXEC);
	if (in < 0) {
		cli_err("%s: cannot open initrd '%s': %s", c->cmd, base,
			strerror(errno));
		goto out;
	}
	fd = memfd_create("cohort-run-initrd", MFD_CLOEXEC);
	if (fd < 0) {
		cli_err("%s: memfd_create: %s", c->cmd, strerror(errno));
		close(in);
		goto out;
	}
	size = 0;
	while ((n = cohort_read_full(in, buf, sizeof(buf))) > 0) {
		if (cohort_write_all(fd, buf, (size_t)n) < 0) {
			n = -1;
			break;
		}
		size += n;
	}
	close(in);
	/* The kernel finds the next archive at a 4-byte boundary. */
	if (n != 0 ||
	    cohort_write_all(fd, zeros, (size_t)((512 - size % 512) % 512)) < 0 ||
	    cohort_write_all(fd, cpio, used) < 0) {
		cli_err("%s: cannot write the instance's initramfs: %s", c->cmd,
			strerror(errno));
		close(fd);
		fd = -1;
	}
out:
	free(cpio);
	return fd;
cpio_err:
	cli_err("%s: cannot make the spec archive: %s", c->cmd,
		a ? archive_error_string(a) : "out of memory");
	if (e)
		archive_entry_free(e);
	if (a)
		archive_write_free(a);
	free(cpio);
	return -1;
}

/* The spec of what to run, as JSON (malloc'd), or NULL after an error. */
static char *make_spec(struct cli *c, struct image *img,
		       const struct img_rec *r, struct run_opts *o,
		       const char *name)
{
	char mnt[4096], err[RUN_ERR_MAX];
	struct run_spec spec;
	char *json = NULL;
	int fd, ret;

	ret = imgstore_mount(r, NULL, true, mnt, sizeof(mnt));
	if (ret) {
		cli_err("%s: cannot mount image region %s: %s", c->cmd,
			r->region, strerror(-ret));
		return NULL;
	}
	fd = open(mnt, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		cli_err("%s: %s: %s", c->cmd, mnt, strerror(errno));
		imgstore_umount(mnt);
		return NULL;
	}
	o->ov.hostname = name;
	o->ov.rootfs = r->region;
	memset(&spec, 0, sizeof(spec));
	ret = run_spec_make(image_config(img), fd, &o->ov, &spec, err,
			    sizeof(err));
	close(fd);
	imgstore_umount(mnt);
	if (ret) {
		cli_err("%s: %s", c->cmd, err);
		return NULL;
	}
	if (run_spec_to_json(&spec, &json, err, sizeof(err))) {
		cli_err("%s: %s", c->cmd, err);
		json = NULL;
	}
	run_spec_free(&spec);
	return json;
}

/* Waits for @name to stop; its exit status, or -1 (printed why). */
static int wait_exit(struct cli *c, const char *name, bool quiet)
{
	struct timespec ts = { 0, 100 * 1000 * 1000 };
	char state[32], st[16];
	__u64 v;
	int ret;

	for (;;) {
		ret = sysfs_inst_read(c, name, "state", state, sizeof(state));
		if (ret < 0) {
			if (!quiet)
				cli_err("%s %s: %s", c->cmd, name,
					ret == -ENOENT ? "no such instance" :
					strerror(-ret));
			return ret == -ENOENT ? -2 : -1;
		}
		if (!strcmp(state, COHORT_STATE_STOPPED) ||
		    !strcmp(state, COHORT_STATE_FAILED) ||
		    !strcmp(state, COHORT_STATE_LOADED) ||
		    !strcmp(state, COHORT_STATE_EMPTY))
			break;
		nanosleep(&ts, NULL);
	}
	ret = sysfs_inst_read(c, name, "exit_status", st, sizeof(st));
	if (ret >= 0 && st[0] && !sysfs_parse_u64(st, &v) && v <= 255)
		return (int)v;
	if (!quiet)
		cli_err("%s %s: the instance is %s and reported no exit status (stopped by force, crashed, or never ran a workload)",
			c->cmd, name, state);
	return -1;
}

static int run_parse(struct cli *c, int argc, char **argv, struct run_opts *o)
{
	static const struct option lo[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "cpus", required_argument, NULL, 'c' },
		{ "cpu-count", required_argument, NULL, 'C' },
		{ "memory", required_argument, NULL, 'm' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "initrd", required_argument, NULL, 'I' },
		{ "cmdline", required_argument, NULL, 'a' },
		{ "env", required_argument, NULL, 'e' },
		{ "env-file", required_argument, NULL, 'E' },
		{ "workdir", required_argument, NULL, 'w' },
		{ "user", required_argument, NULL, 'u' },
		{ "entrypoint", required_argument, NULL, 'P' },
		{ "detach", no_argument, NULL, 'd' },
		{ "rm", no_argument, NULL, 'R' },
		{ "interactive", no_argument, NULL, 'i' },
		{ "tty", no_argument, NULL, 't' },
		{ "restart", required_argument, NULL, 'r' },
		{ "volume", required_argument, NULL, 'v' },
		{ "ulimit", required_argument, NULL, 'U' },
		{ "warm", required_argument, NULL, 'W' },
		{ "publish", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	unsigned int seen[256] = { 0 };
	char err[RUN_ERR_MAX];
	int opt, ret;

	while ((opt = cli_getopt(c, argc, argv, "+n:c:m:e:w:u:v:p:dit", lo,
				 seen)) != -1) {
		/* -e, --env-file, -v, --ulimit and -p may be given many times */
		seen['e'] = seen['E'] = seen['v'] = seen['U'] = seen['p'] = 0;
		switch (opt) {
		case 'n': o->name = optarg; break;
		case 'c': o->cpus = optarg; break;
		case 'C': o->cpu_count = optarg; break;
		case 'm': o->memory = optarg; break;
		case 'k': o->kernel = optarg; break;
		case 'I': o->initrd = optarg; break;
		case 'a': o->cmdline = optarg; break;
		case 'w': o->ov.workdir = optarg; break;
		case 'u': o->ov.user = optarg; break;
		case 'd': o->detach = true; break;
		case 'R': o->rm = true; break;
		/*
		 * The console is the one way in: -i and -t both make it
		 * the process's terminal (there is no pipe to an
		 * instance's stdin).
		 */
		case 'i':
		case 't': o->ov.terminal = true; break;
		case 'r': o->restart = optarg; break;
		case 'W': o->warm = optarg; break;
		case 'p': {
			struct publish *np;

			if (o->npubs == RUN_MAX_PUBLISH) {
				cli_err("%s: more than %d -p", c->cmd,
					RUN_MAX_PUBLISH);
				return EXIT_USAGE;
			}
			np = realloc(o->pubs, (o->npubs + 1) * sizeof(*np));
			if (!np)
				return EXIT_FAIL;
			o->pubs = np;
			ret = publish_parse(c, optarg, &o->pubs[o->npubs]);
			if (ret)
				return ret;
			o->npubs++;
			break;
		}
		case 'e':
			if (push(&o->envs, &o->nenvs, optarg))
				return EXIT_FAIL;
			break;
		case 'E':
			if (push(&o->env_files, &o->nenv_files, optarg))
				return EXIT_FAIL;
			break;
		case 'v':
			if (push(&o->volumes, &o->nvolumes, optarg))
				return EXIT_FAIL;
			break;
		case 'U':
			/* a later --ulimit of the same NAME wins */
			if (run_ulimit_parse(optarg, o->ov.rlimits,
					     &o->ov.nr_rlimits, err,
					     sizeof(err))) {
				cli_err("%s: %s", c->cmd, err);
				return EXIT_USAGE;
			}
			break;
		case 'P':
			o->entrypoint[0] = optarg;
			o->entrypoint[1] = NULL;
			/* --entrypoint '': none at all */
			o->ov.entrypoint = optarg[0] ? o->entrypoint :
					   o->entrypoint + 1;
			o->ov.entrypoint_set = true;
			break;
		default:
			return opt == -2 ? -1 : EXIT_USAGE;
		}
	}
	if (optind >= argc)
		return cli_usage_err(c, "an IMAGE is required (oci:DIR[:TAG] or docker-archive:FILE)");
	if (o->cpus && o->cpu_count)
		return cli_usage_err(c, "--cpus and --cpu-count cannot be used together");
	if (o->restart && runrec_check_restart(o->restart, err, sizeof(err)))
		return cli_usage_err(c, "%s", err);
	if (o->restart && strcmp(o->restart, "no") && o->rm)
		return cli_usage_err(c, "--restart %s and --rm cannot be used together",
				     o->restart);
	/* A warm pool's instances are made as the pool says, and named so. */
	if (o->warm && (o->name || o->cpus || o->cpu_count || o->memory ||
			o->kernel || o->initrd || o->cmdline))
		return cli_usage_err(c, "--warm takes its instance as the pool made it: --name, --cpus, --cpu-count, --memory, --kernel, --initrd and --cmdline cannot be used with it");
	if (o->warm && warm_check_name(c, o->warm))
		return EXIT_USAGE;
	if (o->name && cohort_check_name(o->name, err, sizeof(err))) {
		cli_err("%s: %s", c->cmd, err);
		return EXIT_USAGE;
	}
	/* The workload's ports, once each (two host ports may share one). */
	for (size_t i = 0; i < o->npubs; i++) {
		size_t j;

		for (j = 0; j < o->ov.nr_publish; j++)
			if (o->ov.publish[j] == o->pubs[i].cport)
				break;
		if (j == o->ov.nr_publish)
			o->ov.publish[o->ov.nr_publish++] = o->pubs[i].cport;
	}
	ret = build_env(c, o);
	return ret ? ret : build_mounts(c, o);
}

/*
 * Grants the image's region (read-only: its one copy is shared by every
 * instance of it, so root in one must not change it for the others) and
 * each volume's region once (the kernel refuses a second grant),
 * read-only when every volume of it is :ro.
 */
static int grant_all(struct cli *c, const struct run_opts *o,
		     const struct img_rec *r, const char *name)
{
	int ret = launch_grant(c, r->region, name, true);

	for (size_t i = 0; !ret && i < o->nvolumes; i++) {
		bool ro = true;
		size_t j;

		for (j = 0; j < i; j++)
			if (!strcmp(o->mounts[j].region, o->mounts[i].region))
				break;
		if (j < i || !strcmp(o->mounts[i].region, r->region))
			continue;
		for (j = i; j < o->nvolumes; j++)
			if (!strcmp(o->mounts[j].region, o->mounts[i].region))
				ro &= o->mounts[j].readonly;
		ret = launch_grant(c, o->mounts[i].region, name, ro);
	}
	return ret;
}

/* Boots a new instance @name with the spec in its initramfs. */
static int boot_cold(struct cli *c, const struct run_opts *o,
		     struct image *img, const struct img_rec *r,
		     const char *name)
{
	char cpubuf[1024], kbuf[4096], ibuf[4096], fdpath[64];
	const char *kernel = o->kernel, *initrd = o->initrd, *cpus = o->cpus;
	char *json;
	int ret, fd;

	ret = launch_files(c, &kernel, &initrd, kbuf, ibuf);
	if (ret)
		return ret;
	if (!cpus) {
		ret = launch_pick_cpus(c, o->cpu_count ? o->cpu_count : "1",
				       cpubuf, sizeof(cpubuf));
		if (ret)
			return ret;
		cpus = cpubuf;
	}
	json = make_spec(c, img, r, (struct run_opts *)o, name);
	if (!json)
		return EXIT_FAIL;
	fd = make_initrd(c, initrd, json);
	free(json);
	if (fd < 0)
		return EXIT_FAIL;
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", fd);
	ret = launch_create(c, name, cpus,
			    o->memory ? o->memory : RUN_MEMORY_DEFAULT);
	if (!ret) {
		ret = grant_all(c, o, r, name);
		if (!ret)
			ret = launch_start(c, name, kernel, fdpath,
					   o->cmdline ? o->cmdline : "quiet");
		if (ret)
			launch_delete(c, name);
	}
	close(fd);
	return ret;
}

/*
 * Hands the workload to an idle instance of warm pool o->warm; its name
 * goes to @name.  EXIT_NOTFOUND when none is idle: then the pool's
 * settings are in @pool for a cold boot.
 */
static int boot_warm(struct cli *c, struct run_opts *o, struct image *img,
		     const struct img_rec *r, struct warm_pool *pool,
		     char *name, size_t len)
{
	char *json;
	int ret, tries;

	ret = warm_read(o->warm, pool);
	if (ret) {
		cli_err("%s: --warm %s: %s", c->cmd, o->warm,
			ret == -ENOENT ? "no such warm pool ('cohort warm POOL --count N' makes one)" :
			"its record is damaged");
		return EXIT_FAIL;
	}
	/* A second try when an instance fails on the way, not a third. */
	for (tries = 0; tries < 2; tries++) {
		ret = warm_claim(c, o->warm, name, len);
		if (ret)
			break;
		json = make_spec(c, img, r, o, name);
		if (!json) {
			launch_delete(c, name);
			ret = EXIT_FAIL;
			break;
		}
		ret = grant_all(c, o, r, name);
		if (!ret)
			ret = warm_hand(c, name, json);
		free(json);
		if (!ret)
			break;
		launch_delete(c, name);
	}
	warm_refill_spawn(c, o->warm);
	return ret;
}

/*
 * -d --rm: a process of its own session waits for @name to stop and
 * deletes it.
 */
static void remove_when_stopped(struct cli *c, const char *name)
{
	pid_t pid;
	int fd;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		cli_warn("instance %s will not be deleted when it stops (--rm): fork: %s",
			 name, strerror(errno));
		return;
	}
	if (pid) {
		waitpid(pid, NULL, 0);
		return;
	}
	setsid();
	if (fork())
		_exit(0);
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
	}
	if (wait_exit(c, name, true) != -2)
		launch_delete(c, name);
	_exit(0);
}

/*
 * What cohort show prints of a run instance, and what cohortd is to act
 * on: the image, the pool, the restart policy.
 */
static void record(struct cli *c, const struct run_opts *o,
		   const struct img_rec *r, const char *name, bool claimed)
{
	struct run_rec rec;
	int ret;

	memset(&rec, 0, sizeof(rec));
	snprintf(rec.image, sizeof(rec.image), "%s", r->digest);
	snprintf(rec.source, sizeof(rec.source), "%s", r->source);
	snprintf(rec.restart, sizeof(rec.restart), "%s",
		 o->restart ? o->restart : "no");
	if (claimed)
		snprintf(rec.pool, sizeof(rec.pool), "%s", o->warm);
	rec.created = (int64_t)time(NULL);
	ret = runrec_write(name, &rec);
	if (ret)
		cli_warn("instance %s is not recorded under %s/run: %s", name,
			 cli_state_dir(), strerror(-ret));
	if (strcmp(rec.restart, "no"))
		cli_warn("--restart %s is recorded, but cohortd restarts only the instances declared in its configuration (cohort-instance.conf(5)): nothing restarts %s for now",
			 rec.restart, name);
	(void)c;
}

static int run_main(struct cli *c, int argc, char **argv)
{
	char namebuf[COHORT_NAME_MAX];
	struct run_opts o;
	struct image *img = NULL;
	struct warm_pool pool;
	struct img_rec r;
	bool imported, claimed;
	const char *name;
	int ret, status;

	memset(&o, 0, sizeof(o));
	ret = run_parse(c, argc, argv, &o);
	if (ret)
		goto out_opts;
	if (optind + 1 < argc)
		o.ov.cmd = argv + optind + 1;

	ret = sysfs_available(c);
	if (!ret)
		ret = publish_listen(c, o.pubs, o.npubs);
	if (ret)
		goto out_opts;
	ret = imgstore_get(c, argv[optind], &img, &r, &imported);
	if (ret)
		goto out_opts;
	if (imported && !c->json)
		fprintf(stderr, "%s: imported %s as image %.12s (region %s)\n",
			prog, r.source, r.id, r.region);
	ret = EXIT_NOTFOUND;
	if (o.warm)
		ret = boot_warm(c, &o, img, &r, &pool, namebuf,
				sizeof(namebuf));
	claimed = o.warm && !ret;
	if (ret == EXIT_NOTFOUND) {
		if (o.warm) {
			fprintf(stderr, "%s: warm pool %s has no idle instance; booting one cold\n",
				prog, o.warm);
			o.kernel = pool.kernel;
			o.initrd = pool.initrd;
			o.cmdline = pool.cmdline;
			o.cpu_count = pool.cpu_count;
			o.memory = pool.memory;
		}
		if (o.name)
			snprintf(namebuf, sizeof(namebuf), "%s", o.name);
		else
			launch_name(c, "run", namebuf, sizeof(namebuf));
		ret = boot_cold(c, &o, img, &r, namebuf);
	}
	if (ret)
		goto out;
	name = namebuf;
	publish_spawn(c, name, o.pubs, o.npubs);
	record(c, &o, &r, name, claimed);

	if (o.detach) {
		printf("%s\n", name);
		if (o.rm)
			remove_when_stopped(c, name);
		ret = EXIT_OK;
		goto out;
	}
	if (o.ov.terminal) {
		bool stopped;

		cli_console_attach(c, name, &stopped);
		if (!stopped) {
			fprintf(stderr, "%s: instance %s keeps running ('cohort console %s' attaches again)\n",
				prog, name, name);
			ret = EXIT_OK;
			goto done;
		}
	} else if (cli_follow_log(c, name) < 0) {
		fprintf(stderr, "%s: detached; instance %s keeps running ('cohort wait %s', 'cohort stop %s')\n",
			prog, name, name, name);
		ret = EXIT_OK;
		goto done;
	}
	status = wait_exit(c, name, false);
	if (o.rm && launch_delete(c, name))
		cli_warn("instance %s was not deleted (--rm)", name);
	ret = status >= 0 ? status : EXIT_RUN_FAIL;
	goto done;
out:
	if (ret)
		ret = EXIT_RUN_FAIL;
done:
	if (img)
		image_close(img);
	free_opts(&o);
	return ret;
out_opts:
	free_opts(&o);
	if (ret == -1)		/* --help */
		return EXIT_OK;
	return ret ? EXIT_RUN_FAIL : EXIT_OK;
}

/**
 * cmd_run() - "cohort run [OPTIONS] IMAGE [COMMAND [ARG...]]"
 * @c: the invocation
 * @argc: arguments of the command
 * @argv: the arguments
 *
 * Return: the workload's exit status when it ran attached; 0 with -d once
 * it started; 125 when cohort run itself failed (usage errors included,
 * as docker run), or the workload reported no status.
 */
int cmd_run(struct cli *c, int argc, char **argv)
{
	return run_main(c, argc, argv);
}

/**
 * cmd_wait() - "cohort wait NAME": wait until it stops, print its status
 * @c: the invocation
 * @argc: arguments of the command
 * @argv: the arguments
 *
 * Return: 0 when it printed the status, 1 when the instance reported
 * none, 3 when there is no such instance.
 */
int cmd_wait(struct cli *c, int argc, char **argv)
{
	const char *name;
	int ret;

	ret = cli_plain_name(c, argc, argv, &name);
	if (ret)
		return ret < 0 ? EXIT_OK : ret;
	ret = sysfs_instance_check(c, name);
	if (ret)
		return ret;
	ret = wait_exit(c, name, false);
	if (ret == -2)
		return EXIT_NOTFOUND;
	if (ret < 0)
		return EXIT_FAIL;
	printf("%d\n", ret);
	return EXIT_OK;
}
