// SPDX-License-Identifier: GPL-2.0
/*
 * cohort(8): warm pools.  A pool keeps COUNT instances booted with
 * "cohort.warm" on their command line, so that their cohort-init waits
 * for a run spec on vsock (lib/run/warm.h).  "cohort run --warm POOL"
 * claims one and hands it the spec: no kernel boot on the way to the
 * workload.  A replacement boots in the background.
 *
 * State, under $COHORT_STATE_DIR/warm/ (default /var/lib/cohort/warm/):
 *
 *	POOL.json        the pool: count, and how each instance is made
 *	POOL.idle/INST   one empty file per instance ready for a workload;
 *	                 whoever unlinks it owns the instance, so two runs
 *	                 never claim the same one
 *	POOL.lock        flock()ed while the pool is filled or drained
 *	POOL.log         what the background refills said
 *
 * Instances are named POOL-XXXXXX (6 random hex digits).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cohort.h"
#include "cohort/fdio.h"
#include "cohort/parse.h"
#include "cohort/vsock.h"
#include "launch.h"
#include "run/run.h"
#include "run/warm.h"
#include "warmpool.h"

/* How long a new instance may take to boot and listen (TCG is slow). */
#define WARM_BOOT_TIMEOUT_MS	180000

static void pool_path(const char *name, const char *suffix, char *buf,
		      size_t len)
{
	snprintf(buf, len, "%s/warm/%s%s", cli_state_dir(), name, suffix);
}

static void marker_path(const char *pool, const char *inst, char *buf,
			size_t len)
{
	snprintf(buf, len, "%s/warm/%s.idle/%s", cli_state_dir(), pool, inst);
}

/**
 * warm_check_name() - check a pool name
 * @c: the invocation, for the message
 * @name: the name
 *
 * An instance name of at most WARM_NAME_MAX characters, not "list".
 *
 * Return: EXIT_OK, or EXIT_USAGE after saying why.
 */
int warm_check_name(struct cli *c, const char *name)
{
	char err[COHORT_ERR_MAX];

	if (cohort_check_name_of(name, "warm pool", err, sizeof(err))) {
		cli_err("%s: %s", c->cmd, err);
		return EXIT_USAGE;
	}
	if (strlen(name) > WARM_NAME_MAX || !strcmp(name, "list")) {
		cli_err("%s: invalid warm pool name '%s': at most %d characters (its instances are NAME-XXXXXX), and not 'list'",
			c->cmd, name, WARM_NAME_MAX);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

/**
 * warm_read() - read a pool's record
 * @name: the pool, checked by warm_check_name()
 * @p: out: the record
 *
 * Return: 0; -ENOENT when there is no such pool; -EINVAL when the record
 * is not one this tool wrote.
 */
int warm_read(const char *name, struct warm_pool *p)
{
	struct json_object *o, *v;
	char path[4096];
	int64_t n;
	int ret;

	memset(p, 0, sizeof(*p));
	pool_path(name, ".json", path, sizeof(path));
	o = cli_record_read(path, &ret);
	if (!o)
		return ret;
	ret = -EINVAL;
	if (!json_object_object_get_ex(o, "count", &v) ||
	    !json_object_is_type(v, json_type_int))
		goto out;
	n = json_object_get_int64(v);
	if (n < 0 || n > WARM_COUNT_MAX)
		goto out;
	p->count = (unsigned int)n;
	snprintf(p->name, sizeof(p->name), "%s", name);
	if (cli_record_str(o, "cpu_count", p->cpu_count, sizeof(p->cpu_count), false) ||
	    cli_record_str(o, "memory", p->memory, sizeof(p->memory), false) ||
	    cli_record_str(o, "kernel", p->kernel, sizeof(p->kernel), false) ||
	    cli_record_str(o, "initrd", p->initrd, sizeof(p->initrd), false) ||
	    cli_record_str(o, "cmdline", p->cmdline, sizeof(p->cmdline), true))
		goto out;
	ret = 0;
out:
	json_object_put(o);
	return ret;
}

/**
 * warm_write() - write a pool's record (atomically: a new file renamed)
 * @p: the pool
 *
 * Return: 0 or a negative errno.
 */
int warm_write(const struct warm_pool *p)
{
	char dir[4096], path[4096];
	struct json_object *o;
	int ret;

	snprintf(dir, sizeof(dir), "%s/warm", cli_state_dir());
	ret = cli_mkdir_p(dir);
	if (ret)
		return ret;
	o = json_object_new_object();
	if (!o)
		return -ENOMEM;
	json_object_object_add(o, "count", json_object_new_int(p->count));
	json_object_object_add(o, "cpu_count",
			       json_object_new_string(p->cpu_count));
	json_object_object_add(o, "memory", json_object_new_string(p->memory));
	json_object_object_add(o, "kernel", json_object_new_string(p->kernel));
	json_object_object_add(o, "initrd", json_object_new_string(p->initrd));
	json_object_object_add(o, "cmdline",
			       json_object_new_string(p->cmdline));
	pool_path(p->name, ".json", path, sizeof(path));
	ret = cli_record_write(path, o);
	json_object_put(o);
	return ret;
}

/**
 * warm_forget() - remove a pool's record (its idle instances are gone)
 * @name: the pool
 *
 * Return: 0 or a negative errno.
 */
int warm_forget(const char *name)
{
	char path[4096];

	pool_path(name, ".idle", path, sizeof(path));
	if (rmdir(path) < 0 && errno != ENOENT)
		return -errno;
	pool_path(name, ".json", path, sizeof(path));
	if (unlink(path) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

/**
 * warm_strv_free() - free what warm_list() or warm_idle() returned
 * @v: the names
 * @n: how many
 */
void warm_strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static int push(char ***v, size_t *n, const char *s, size_t len)
{
	char **nv = realloc(*v, (*n + 1) * sizeof(*nv));

	if (!nv)
		return -ENOMEM;
	*v = nv;
	nv[*n] = strndup(s, len);
	if (!nv[*n])
		return -ENOMEM;
	(*n)++;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/**
 * warm_list() - the pools that have a record, sorted
 * @names: out: their names, to free with warm_strv_free()
 * @n: out: how many
 *
 * Return: 0 or a negative errno.
 */
int warm_list(char ***names, size_t *n)
{
	char path[4096];
	struct dirent *de;
	DIR *d;
	int ret = 0;

	*names = NULL;
	*n = 0;
	snprintf(path, sizeof(path), "%s/warm", cli_state_dir());
	d = opendir(path);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);

		if (len <= 5 || strcmp(de->d_name + len - 5, ".json") ||
		    len - 5 > WARM_NAME_MAX)
			continue;
		ret = push(names, n, de->d_name, len - 5);
		if (ret)
			break;
	}
	closedir(d);
	if (ret) {
		warm_strv_free(*names, *n);
		*names = NULL;
		*n = 0;
		return ret;
	}
	qsort(*names, *n, sizeof(**names), cmp_str);
	return 0;
}

/**
 * warm_idle() - the instances of a pool waiting for a workload
 * @c: the invocation
 * @pool: the pool
 * @insts: out: their names, sorted, to free with warm_strv_free()
 * @n: out: how many
 *
 * Return: 0 or a negative errno.
 */
int warm_idle(struct cli *c, const char *pool, char ***insts, size_t *n)
{
	char path[4096];
	struct dirent *de;
	size_t plen = strlen(pool);
	DIR *d;
	int ret = 0;

	(void)c;
	*insts = NULL;
	*n = 0;
	pool_path(pool, ".idle", path, sizeof(path));
	d = opendir(path);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, pool, plen) || de->d_name[plen] != '-' ||
		    cohort_check_name(de->d_name, NULL, 0))
			continue;
		ret = push(insts, n, de->d_name, strlen(de->d_name));
		if (ret)
			break;
	}
	closedir(d);
	if (ret) {
		warm_strv_free(*insts, *n);
		*insts = NULL;
		*n = 0;
		return ret;
	}
	qsort(*insts, *n, sizeof(**insts), cmp_str);
	return 0;
}

/* A connection to @inst's warm port, or a negative errno. */
static int warm_connect(struct cli *c, const char *inst)
{
	__u64 cid;
	int ret;

	ret = sysfs_inst_u64(c, inst, "cid", &cid);
	if (ret < 0)
		return ret;
	if (cid > 0xffffffffULL)
		return -ERANGE;
	/*
	 * From a privileged port, which the instance insists on: a user
	 * without CAP_NET_BIND_SERVICE cannot hand a workload over.
	 */
	return cohort_vsock_connect_priv((unsigned int)cid, RUN_WARM_PORT,
					 RUN_WARM_TIMEOUT_S);
}

/*
 * Sends a header and @len bytes of @json (none: "are you ready?") and
 * reads the answer.  0 with *reply set (and the instance's reason in
 * @err for RUN_WARM_ERROR), or a negative errno (@err says why).
 */
static int exchange(struct cli *c, const char *inst, const char *json,
		    size_t len, enum run_warm_reply *reply, char *err,
		    size_t errlen)
{
	unsigned char hdr[RUN_WARM_HDR];
	char buf[RUN_WARM_REPLY_MAX + 1];
	ssize_t n;
	int fd, ret = 0;

	fd = warm_connect(c, inst);
	if (fd < 0) {
		snprintf(err, errlen, "cannot connect to vsock port %u: %s",
			 RUN_WARM_PORT, strerror(-fd));
		return fd;
	}
	run_warm_header((uint32_t)len, hdr);
	if (cohort_write_all(fd, hdr, sizeof(hdr)) < 0 ||
	    (len && cohort_write_all(fd, json, len) < 0)) {
		ret = -errno;
		snprintf(err, errlen, "sending: %s", strerror(errno));
		goto out;
	}
	n = cohort_read_full(fd, buf, sizeof(buf));
	if (n < 0) {
		ret = -errno;
		snprintf(err, errlen, "reading the answer: %s",
			 strerror(errno));
		goto out;
	}
	if (run_warm_parse_reply(buf, (size_t)n, reply, err, errlen))
		ret = -EPROTO;
out:
	close(fd);
	return ret;
}

/* 0 when @inst answers "ready", else a negative errno. */
static int probe(struct cli *c, const char *inst)
{
	enum run_warm_reply r;
	char err[RUN_WARM_REPLY_MAX];
	int ret;

	ret = exchange(c, inst, NULL, 0, &r, err, sizeof(err));
	if (ret)
		return ret;
	return r == RUN_WARM_READY ? 0 : -EPROTO;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static bool is_running(struct cli *c, const char *inst, char *state,
		       size_t len)
{
	if (sysfs_inst_read(c, inst, "state", state, len) < 0)
		snprintf(state, len, "gone");
	return !strcmp(state, COHORT_STATE_RUNNING);
}

/* Boots one more idle instance of @p.  An exit status. */
static int boot_one(struct cli *c, const struct warm_pool *p)
{
	char inst[COHORT_NAME_MAX], cpus[1024], state[32];
	char cmdline[COHORT_CMDLINE_MAX + 16], path[4096];
	long long deadline;
	int ret, fd;

	launch_name(c, p->name, inst, sizeof(inst));
	ret = launch_pick_cpus(c, p->cpu_count, cpus, sizeof(cpus));
	if (ret)
		return ret;
	ret = launch_create(c, inst, cpus, p->memory);
	if (ret)
		return ret;
	snprintf(cmdline, sizeof(cmdline), "%s%scohort.warm", p->cmdline,
		 p->cmdline[0] ? " " : "");
	ret = launch_start(c, inst, p->kernel, p->initrd, cmdline);
	if (ret)
		goto fail;
	deadline = now_ms() + WARM_BOOT_TIMEOUT_MS;
	for (;;) {
		struct timespec ts = { 0, 50 * 1000 * 1000 };

		if (is_running(c, inst, state, sizeof(state)) &&
		    !probe(c, inst))
			break;
		if (strcmp(state, COHORT_STATE_RUNNING) &&
		    strcmp(state, COHORT_STATE_STARTING)) {
			cli_err("%s: instance %s of warm pool %s is %s before it was ready ('cohort log %s' says why)",
				c->cmd, inst, p->name, state, inst);
			ret = EXIT_FAIL;
			goto fail;
		}
		if (now_ms() > deadline) {
			cli_err("%s: instance %s of warm pool %s did not answer on vsock port %u within %d s (does its initramfs have cohort-init?)",
				c->cmd, inst, p->name, RUN_WARM_PORT,
				WARM_BOOT_TIMEOUT_MS / 1000);
			ret = EXIT_FAIL;
			goto fail;
		}
		nanosleep(&ts, NULL);
	}
	marker_path(p->name, inst, path, sizeof(path));
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		cli_err("%s: %s: %s", c->cmd, path, strerror(errno));
		ret = EXIT_FAIL;
		goto fail;
	}
	close(fd);
	return EXIT_OK;
fail:
	launch_delete(c, inst);
	return ret;
}

/* Takes @inst out of the pool (if nobody did first) and deletes it. */
static void drop(struct cli *c, const char *pool, const char *inst)
{
	char path[4096];

	marker_path(pool, inst, path, sizeof(path));
	if (unlink(path) == 0)
		launch_delete(c, inst);
}

/**
 * warm_fill() - bring a pool to its count of idle, ready instances
 * @c: the invocation
 * @p: the pool
 * @drain: first delete every idle instance (the pool's settings changed,
 *         or it goes away)
 *
 * Holds POOL.lock meanwhile, so fills run one at a time.  Idle
 * instances that stopped, failed or no longer answer are deleted and
 * replaced; ones over the count are deleted.
 *
 * Return: an exit status.
 */
int warm_fill(struct cli *c, const struct warm_pool *p, bool drain)
{
	char path[4096], state[32];
	char **idle = NULL;
	size_t n = 0, i, ready = 0;
	int lock, ret;

	pool_path(p->name, ".idle", path, sizeof(path));
	ret = cli_mkdir_p(path);
	if (ret) {
		cli_err("%s: %s: %s", c->cmd, path, strerror(-ret));
		return EXIT_FAIL;
	}
	pool_path(p->name, ".lock", path, sizeof(path));
	lock = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (lock < 0 || flock(lock, LOCK_EX) < 0) {
		cli_err("%s: %s: %s", c->cmd, path, strerror(errno));
		if (lock >= 0)
			close(lock);
		return EXIT_FAIL;
	}
	ret = warm_idle(c, p->name, &idle, &n);
	if (ret) {
		cli_err("%s: cannot read the idle instances of %s: %s", c->cmd,
			p->name, strerror(-ret));
		ret = EXIT_FAIL;
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (!drain && ready < p->count &&
		    is_running(c, idle[i], state, sizeof(state)) &&
		    !probe(c, idle[i])) {
			ready++;
			continue;
		}
		drop(c, p->name, idle[i]);
	}
	ret = EXIT_OK;
	while (ready < p->count) {
		ret = boot_one(c, p);
		if (ret)
			break;
		ready++;
	}
out:
	warm_strv_free(idle, n);
	flock(lock, LOCK_UN);
	close(lock);
	return ret;
}

/**
 * warm_claim() - take an idle instance out of a pool
 * @c: the invocation
 * @pool: the pool
 * @inst: out: the instance, now the caller's
 * @len: bytes at @inst
 *
 * Instances that are no longer running are deleted on the way.
 *
 * Return: EXIT_OK; EXIT_NOTFOUND when no instance is idle; EXIT_FAIL
 * after an error (printed).
 */
int warm_claim(struct cli *c, const char *pool, char *inst, size_t len)
{
	char path[4096], state[32];
	char **idle;
	size_t n, i;
	int ret;

	ret = warm_idle(c, pool, &idle, &n);
	if (ret) {
		cli_err("%s: cannot read the idle instances of %s: %s", c->cmd,
			pool, strerror(-ret));
		return EXIT_FAIL;
	}
	ret = EXIT_NOTFOUND;
	for (i = 0; i < n && ret; i++) {
		marker_path(pool, idle[i], path, sizeof(path));
		if (unlink(path) < 0)
			continue;	/* another run took it */
		if (!is_running(c, idle[i], state, sizeof(state))) {
			launch_delete(c, idle[i]);
			continue;
		}
		snprintf(inst, len, "%s", idle[i]);
		ret = EXIT_OK;
	}
	warm_strv_free(idle, n);
	return ret;
}

/**
 * warm_hand() - hand a run spec to a claimed instance
 * @c: the invocation
 * @inst: the instance
 * @json: the spec
 *
 * Return: EXIT_OK when the instance took it (its workload starts);
 * EXIT_FAIL after saying why not.
 */
int warm_hand(struct cli *c, const char *inst, const char *json)
{
	char err[RUN_ERR_MAX];
	enum run_warm_reply r;
	int ret;

	ret = exchange(c, inst, json, strlen(json), &r, err, sizeof(err));
	if (ret) {
		cli_err("%s: warm instance %s: %s", c->cmd, inst, err);
		return EXIT_FAIL;
	}
	if (r == RUN_WARM_ERROR) {
		cli_err("%s: warm instance %s refused the spec: %s", c->cmd,
			inst, err);
		return EXIT_FAIL;
	}
	if (r != RUN_WARM_OK) {
		cli_err("%s: warm instance %s answered '%s' to a spec",
			c->cmd, inst, r == RUN_WARM_READY ? "ready" : "?");
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

/**
 * warm_refill_spawn() - boot a pool's replacements in the background
 * @c: the invocation
 * @pool: the pool
 *
 * Runs "cohort warm POOL" detached (its own session, output appended to
 * POOL.log) and returns at once.
 */
void warm_refill_spawn(struct cli *c, const char *pool)
{
	char path[4096];
	pid_t pid;
	int fd;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		cli_warn("warm pool %s is not refilled: fork: %s", pool,
			 strerror(errno));
		return;
	}
	if (pid) {
		waitpid(pid, NULL, 0);
		return;
	}
	setsid();
	if (fork())
		_exit(0);
	pool_path(pool, ".log", path, sizeof(path));
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd >= 0) {
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
	}
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		dup2(fd, STDIN_FILENO);
	(void)c;
	execl("/proc/self/exe", prog, "warm", pool, (char *)NULL);
	_exit(127);
}
