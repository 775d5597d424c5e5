// SPDX-License-Identifier: GPL-2.0
/*
 * LD_PRELOAD shim for tests/host/cli.sh: stands in for the kernel behind
 * /dev/cohort.  Every Cohort ioctl is written as one line to the file
 * named by COHORT_FAKE_LOG; it then fails with errno COHORT_FAKE_ERRNO and
 * msg COHORT_FAKE_MSG when those are set, and otherwise succeeds, except
 * COHORT_IOC_REGION_GRANT: that one is answered as the kernel would from
 * the fake sysfs tree at COHORT_SYSFS (the region and the instance must
 * have directories there; regions/NAME/grants gains or loses the instance
 * name, and a grant that exists, or a revoke of one that does not, is
 * refused).  Other ioctls, and Cohort ioctls on anything but a regular
 * file (/dev/null), go to the C library.
 *
 * COHORT_IOC_CONSOLE is refused as the kernel does when its fd is not 0;
 * when it succeeds, it hands back a write-only
 * descriptor chosen by COHORT_FAKE_CONSOLE: unset, /dev/null; "hup", a
 * pipe whose reading end is closed (as after another writer took over:
 * POLLERR, EPIPE); otherwise a file the input is appended to.  While
 * COHORT_FAKE_CONSOLE_ERRNO is set, write() on that descriptor fails with
 * that errno (ENXIO: the instance is not running).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uapi/linux/cohort.h>

/* The descriptor handed out by the last COHORT_IOC_CONSOLE, or -1. */
static int console_fd = -1;

/* Size of a regular file; -1 for no file, -2 for anything else. */
static long long fd_size(int fd)
{
	struct stat st;

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode))
		return -2;
	return (long long)st.st_size;
}

static void log_cpus(FILE *f, const __u64 *cpus)
{
	const char *sep = "";
	int i;

	for (i = 0; i < COHORT_MAX_CPUS; i++) {
		if (cpus[i / 64] >> (i % 64) & 1) {
			fprintf(f, "%s%d", sep, i);
			sep = ",";
		}
	}
}

static int reserved_set(const __u64 *r)
{
	return r[0] || r[1] || r[2] || r[3];
}

/* Writes a kernel-like msg; returns @err. */
static int refuse(char *msg, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, COHORT_MSG_MAX, fmt, ap);
	va_end(ap);
	return err;
}

/* COHORT_IOC_REGION_GRANT against the fake sysfs: 0 or an errno. */
static int grant(struct cohort_ioc_grant *g)
{
	const char *sys = getenv("COHORT_SYSFS");
	char path[4096], list[4096] = "", out[4096] = "", *tok, *save;
	int revoke = g->flags & COHORT_GRANT_REVOKE, found = 0;
	struct stat st;
	size_t len = 0;
	FILE *f;

	if (!sys)
		sys = "";
	if ((g->flags & ~COHORT_GRANT_REVOKE) || g->reserved0 ||
	    reserved_set(g->reserved))
		return refuse(g->msg, EINVAL,
			      "unknown flags or non-zero reserved fields");
	snprintf(path, sizeof(path), "%s/regions/%s", sys, g->region);
	if (stat(path, &st))
		return refuse(g->msg, ENOENT, "no region named '%s'",
			      g->region);
	snprintf(path, sizeof(path), "%s/instances/%s", sys, g->instance);
	if (stat(path, &st))
		return refuse(g->msg, ENOENT, "no instance named '%s'",
			      g->instance);
	snprintf(path, sizeof(path), "%s/regions/%s/grants", sys, g->region);
	f = fopen(path, "r");
	if (f) {
		if (!fgets(list, sizeof(list), f))
			list[0] = '\0';
		fclose(f);
	}
	list[strcspn(list, "\n")] = '\0';
	for (tok = strtok_r(list, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, g->instance))
			found = 1;
		else
			len += snprintf(out + len, sizeof(out) - len, "%s%s",
					len ? "," : "", tok);
	}
	if (revoke && !found)
		return refuse(g->msg, ENOENT,
			      "region '%s' is not granted to instance '%s'",
			      g->region, g->instance);
	if (!revoke && found)
		return refuse(g->msg, EEXIST,
			      "region '%s' is already granted to instance '%s'",
			      g->region, g->instance);
	if (!revoke)
		snprintf(out + len, sizeof(out) - len, "%s%s", len ? "," : "",
			 g->instance);
	f = fopen(path, "w");
	if (!f)
		abort();
	fprintf(f, "%s\n", out);
	fclose(f);
	return 0;
}

/* The writer descriptor COHORT_FAKE_CONSOLE asks for; -1 on failure. */
static int console_open(void)
{
	const char *what = getenv("COHORT_FAKE_CONSOLE");
	int p[2];

	if (!what || !*what)
		return open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (!strcmp(what, "hup")) {
		if (pipe2(p, O_CLOEXEC))
			return -1;
		close(p[0]);
		return p[1];
	}
	return open(what, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
}

ssize_t write(int fd, const void *buf, size_t len)
{
	static ssize_t (*real)(int, const void *, size_t);
	const char *e = getenv("COHORT_FAKE_CONSOLE_ERRNO");

	if (fd >= 0 && fd == console_fd && e && *e) {
		errno = atoi(e);
		return -1;
	}
	if (!real)
		real = (ssize_t (*)(int, const void *, size_t))
			dlsym(RTLD_NEXT, "write");
	return real(fd, buf, len);
}

int ioctl(int fd, unsigned long req, ...)
{
	static int (*real)(int, unsigned long, ...);
	const char *logname = getenv("COHORT_FAKE_LOG");
	const char *e = getenv("COHORT_FAKE_ERRNO");
	const char *m = getenv("COHORT_FAKE_MSG");
	char *msg = NULL;
	va_list ap;
	void *arg;
	FILE *f;
	int err;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	/* Only on the regular file standing in for /dev/cohort. */
	if (_IOC_TYPE(req) != COHORT_IOC_MAGIC || fd_size(fd) < 0) {
		if (!real)
			real = (int (*)(int, unsigned long, ...))
				dlsym(RTLD_NEXT, "ioctl");
		return real(fd, req, arg);
	}
	f = fopen(logname ? logname : "/dev/null", "a");
	if (!f)
		abort();
	if (req == COHORT_IOC_CREATE) {
		struct cohort_ioc_create *c = arg;

		fprintf(f, "CREATE name=%s cpus=", c->name);
		log_cpus(f, c->cpus);
		fprintf(f, " mem_size=%llu mem_base=0x%llx flags=%u reserved=%d\n",
			(unsigned long long)c->mem_size,
			(unsigned long long)c->mem_base, c->flags,
			reserved_set(c->reserved));
		c->id = 7;
		msg = c->msg;
	} else if (req == COHORT_IOC_LOAD) {
		struct cohort_ioc_load *l = arg;

		fprintf(f, "LOAD name=%s kernel=%lld initrd=%lld cmdline_len=%u",
			l->name, fd_size(l->kernel_fd), fd_size(l->initrd_fd),
			l->cmdline_len);
		if (l->cmdline)
			fprintf(f, " cmdline=[%s]",
				(const char *)(unsigned long)l->cmdline);
		fprintf(f, " flags=%u reserved=%d\n", l->flags,
			reserved_set(l->reserved));
		msg = l->msg;
	} else if (req == COHORT_IOC_REGION_GRANT) {
		struct cohort_ioc_grant *g = arg;

		fprintf(f, "GRANT region=%s instance=%s flags=%u reserved=%d\n",
			g->region, g->instance, g->flags,
			g->reserved0 || reserved_set(g->reserved));
		msg = g->msg;
	} else if (req == COHORT_IOC_CONSOLE) {
		struct cohort_ioc_console *k = arg;

		fprintf(f, "CONSOLE name=%s flags=%u fd=%d reserved=%d\n",
			k->name, k->flags, k->fd, reserved_set(k->reserved));
		msg = k->msg;
	} else {
		struct cohort_ioc_instance *i = arg;
		const char *what = req == COHORT_IOC_START ? "START" :
				   req == COHORT_IOC_STOP ? "STOP" :
				   req == COHORT_IOC_DELETE ? "DELETE" : "?";

		fprintf(f, "%s name=%s flags=%u timeout_ms=%u reserved=%d\n",
			what, i->name, i->flags, i->timeout_ms,
			reserved_set(i->reserved));
		msg = i->msg;
	}
	fclose(f);
	if (e && *e) {
		snprintf(msg, COHORT_MSG_MAX, "%s", m ? m : "");
		errno = atoi(e);
		return -1;
	}
	if (req == COHORT_IOC_REGION_GRANT) {
		err = grant(arg);
		if (err) {
			errno = err;
			return -1;
		}
	}
	if (req == COHORT_IOC_CONSOLE) {
		struct cohort_ioc_console *k = arg;

		if (k->fd || (k->flags & ~COHORT_CONSOLE_FORCE) ||
		    reserved_set(k->reserved)) {
			refuse(k->msg, EINVAL,
			       "fd must be 0; unknown flags or non-zero reserved fields");
			errno = EINVAL;
			return -1;
		}
		k->fd = console_open();
		if (k->fd < 0)
			abort();
		console_fd = k->fd;
	}
	return 0;
}
