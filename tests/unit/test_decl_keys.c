// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of lib/decl/'s keys: every key read into its typed field,
 * the defaults, every key refused for a bad value with its line, and the
 * rules between keys (required, exclusive, meaningless without another).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>

#include "decl_test_util.h"

#define BASE	"[instance]\ncpus = 2-3\nmemory = 256M\n"

static void test_defaults(void **state)
{
	struct decl_errors e;
	struct decl_instance *d = dt_parse(BASE, &e);

	dt_none(&e);
	assert_string_equal(d->name, "web");
	assert_true(cohort_cpu_isset(d->cpus, 2));
	assert_true(cohort_cpu_isset(d->cpus, 3));
	assert_false(cohort_cpu_isset(d->cpus, 1));
	assert_false(cohort_cpu_isset(d->cpus, 4));
	assert_int_equal(d->cpu_count, 2);
	assert_int_equal(d->memory, 256ULL << 20);
	assert_null(d->kernel);
	assert_null(d->initrd);
	assert_null(d->cmdline);
	assert_int_equal(d->image_kind, DECL_IMAGE_NONE);
	assert_int_equal(d->nr_after, 0);
	assert_int_equal(d->restart, DECL_RESTART_NO);
	assert_int_equal(d->restart_limit, 5);
	assert_int_equal(d->restart_window, 600);
	assert_int_equal(d->restart_backoff, 1000);
	assert_int_equal(d->restart_backoff_max, 60000);
	assert_false(d->standby);
	assert_null(d->entrypoint);
	assert_int_equal(d->nr_args + d->nr_env + d->nr_volumes +
			 d->nr_publish + d->nr_rlimits, 0);
	assert_false(d->net_link);
	assert_int_equal(d->net_queues, 0);
	assert_int_equal(d->nr_addresses, 0);
	assert_int_equal(d->health, DECL_HEALTH_NONE);
	assert_int_equal(d->health_interval, 1000);
	assert_int_equal(d->health_threshold, 3);
	assert_int_equal(d->line[DK_CPUS], 2);
	assert_int_equal(d->line[DK_MEMORY], 3);
	assert_int_equal(d->line[DK_KERNEL], 0);
	decl_instance_free(d);
	decl_errors_free(&e);
}

/* Every key of a boot instance, with blanks and a comment about. */
static void test_boot_keys(void **state)
{
	static const char text[] =
		"; the web server\n"
		"[instance]\n"
		"cpu-count = 3\n"
		"memory = 1G\n"
		"kernel = /boot/bzImage\n"
		"initrd = /boot/instance-initrd.cpio.gz\n"
		"cmdline = console=ttyS0 quiet\n"
		"after = db, cache\n"
		"restart = on-failure\n"
		"restart-limit = 7\n"
		"restart-window = 3600\n"
		"restart-backoff = 250\n"
		"restart-backoff-max = 8000\n"
		"dump-keep = 5\n"
		"\n"
		"[net]\n"
		"link = yes\n"
		"queues = 2\n"
		"address = 169.254.10.2/16\n"
		"address = fe80::10:2/64\n"
		"\n"
		"[health]\n"
		"vsock-port = 5000\n"
		"interval = 250\n"
		"threshold = 5\n";
	struct decl_errors e;
	struct decl_instance *d = dt_parse(text, &e);
	unsigned char v4[4], v6[16];

	dt_none(&e);
	assert_int_equal(d->cpu_count, 3);
	assert_int_equal(d->line[DK_CPUS], 0);
	assert_int_equal(cohort_cpulist_weight(d->cpus, COHORT_MAX_CPUS), 0);
	assert_int_equal(d->memory, 1ULL << 30);
	assert_string_equal(d->kernel, "/boot/bzImage");
	assert_string_equal(d->initrd, "/boot/instance-initrd.cpio.gz");
	assert_string_equal(d->cmdline, "console=ttyS0 quiet");
	assert_int_equal(d->nr_after, 2);
	assert_string_equal(d->after[0], "db");
	assert_string_equal(d->after[1], "cache");
	assert_int_equal(d->restart, DECL_RESTART_ON_FAILURE);
	assert_int_equal(d->restart_limit, 7);
	assert_int_equal(d->restart_window, 3600);
	assert_int_equal(d->restart_backoff, 250);
	assert_int_equal(d->restart_backoff_max, 8000);
	assert_true(d->dump);
	assert_int_equal(d->dump_keep, 5);
	assert_true(d->net_link);
	assert_int_equal(d->net_queues, 2);
	assert_int_equal(d->nr_addresses, 2);
	inet_pton(AF_INET, "169.254.10.2", v4);
	inet_pton(AF_INET6, "fe80::10:2", v6);
	assert_int_equal(d->addresses[0].family, AF_INET);
	assert_memory_equal(d->addresses[0].addr, v4, 4);
	assert_int_equal(d->addresses[0].prefix, 16);
	assert_int_equal(d->addresses[1].family, AF_INET6);
	assert_memory_equal(d->addresses[1].addr, v6, 16);
	assert_int_equal(d->addresses[1].prefix, 64);
	assert_string_equal(d->addresses[1].text, "fe80::10:2/64");
	assert_int_equal(d->health, DECL_HEALTH_VSOCK);
	assert_int_equal(d->health_port, 5000);
	assert_int_equal(d->health_interval, 250);
	assert_int_equal(d->health_threshold, 5);
	assert_int_equal(d->line[DK_CPU_COUNT], 3);
	assert_int_equal(d->line[DK_ADDRESS], 19);	/* the first one */
	assert_int_equal(d->line[DK_THRESHOLD], 25);
	decl_instance_free(d);
	decl_errors_free(&e);
}

/* Every key of an image instance. */
static void test_image_keys(void **state)
{
	static const char text[] =
		"[instance]\n"
		"cpus = 4,6-7\n"
		"memory = 512M\n"
		"image = oci:/srv/images/app:1.2\n"
		"cmdline =\n"
		"restart = always\n"
		"[run]\n"
		"entrypoint = /bin/sh\n"
		"arg = -c\n"
		"arg = echo \"$GREETING\" ; sleep 1\n"
		"arg =\n"
		"env = GREETING=hello world\n"
		"env = EMPTY=\n"
		"env = EQ=a=b\n"
		"workdir = /srv\n"
		"user = app:staff\n"
		"volume = shared:/data\n"
		"volume = /mnt/shared/logs:/var/log/app:ro\n"
		"volume = scratch:/tmp/x:rw\n"
		"publish = 8080:80\n"
		"publish = 127.0.0.1:8443:443/tcp\n"
		"publish = [::1]:9000:9000\n"
		"ulimit = nofile=1024:4096\n"
		"ulimit = core=-1\n"
		"[health]\n"
		"command = /bin/check --quick\n";
	struct decl_errors e;
	struct decl_instance *d = dt_parse(text, &e);
	const struct sockaddr_in *a4;
	const struct sockaddr_in6 *a6;

	dt_none(&e);
	assert_int_equal(d->cpu_count, 3);
	assert_true(cohort_cpu_isset(d->cpus, 4));
	assert_true(cohort_cpu_isset(d->cpus, 7));
	assert_false(cohort_cpu_isset(d->cpus, 5));
	assert_int_equal(d->image_kind, DECL_IMAGE_OCI);
	assert_string_equal(d->image, "oci:/srv/images/app:1.2");
	assert_string_equal(d->image_path, "/srv/images/app");
	assert_string_equal(d->image_ref, "1.2");
	assert_string_equal(d->cmdline, "");
	assert_int_equal(d->restart, DECL_RESTART_ALWAYS);
	assert_string_equal(d->entrypoint, "/bin/sh");
	assert_int_equal(d->nr_args, 3);
	assert_string_equal(d->args[0], "-c");
	/* taken whole: no shell splitting, no "; comment" */
	assert_string_equal(d->args[1], "echo \"$GREETING\" ; sleep 1");
	assert_string_equal(d->args[2], "");
	assert_int_equal(d->nr_env, 3);
	assert_string_equal(d->env[0], "GREETING=hello world");
	assert_string_equal(d->env[1], "EMPTY=");
	assert_string_equal(d->env[2], "EQ=a=b");
	assert_string_equal(d->workdir, "/srv");
	assert_string_equal(d->user, "app:staff");
	assert_int_equal(d->nr_volumes, 3);
	assert_true(d->volumes[0].region);
	assert_string_equal(d->volumes[0].source, "shared");
	assert_string_equal(d->volumes[0].target, "/data");
	assert_false(d->volumes[0].readonly);
	assert_false(d->volumes[1].region);
	assert_string_equal(d->volumes[1].source, "/mnt/shared/logs");
	assert_string_equal(d->volumes[1].target, "/var/log/app");
	assert_true(d->volumes[1].readonly);
	assert_false(d->volumes[2].readonly);
	assert_int_equal(d->nr_publish, 3);
	a4 = (const struct sockaddr_in *)&d->publish[0].port.addr;
	assert_int_equal(a4->sin_family, AF_INET);
	assert_int_equal(ntohs(a4->sin_port), 8080);
	assert_int_equal(a4->sin_addr.s_addr, htonl(INADDR_ANY));
	assert_int_equal(d->publish[0].port.cport, 80);
	a4 = (const struct sockaddr_in *)&d->publish[1].port.addr;
	assert_int_equal(a4->sin_addr.s_addr, htonl(INADDR_LOOPBACK));
	assert_int_equal(d->publish[1].port.cport, 443);
	a6 = (const struct sockaddr_in6 *)&d->publish[2].port.addr;
	assert_int_equal(a6->sin6_family, AF_INET6);
	assert_int_equal(ntohs(a6->sin6_port), 9000);
	assert_string_equal(d->publish[2].text, "[::1]:9000:9000");
	assert_int_equal(d->nr_rlimits, 2);
	assert_int_equal(d->rlimits[0].resource, RLIMIT_NOFILE);
	assert_int_equal(d->rlimits[0].soft, 1024);
	assert_int_equal(d->rlimits[0].hard, 4096);
	assert_int_equal(d->rlimits[1].resource, RLIMIT_CORE);
	assert_true(d->rlimits[1].hard == RUN_RLIM_INFINITY);
	assert_int_equal(d->health, DECL_HEALTH_COMMAND);
	assert_string_equal(d->health_command, "/bin/check --quick");
	decl_instance_free(d);
	decl_errors_free(&e);
}

static void test_more_good(void **state)
{
	static const struct {
		const char *text;
	} good[] = {
		{ "[instance]\ncpus = 1\nmemory = 32M\n" },
		{ "[instance]\ncpus = 2-7:2\nmemory = 33554432\n" },
		{ "[instance]\ncpus = 1023\nmemory = 2GiB\n" },
		{ "[instance]\ncpu-count = 256\nmemory = 64m\n" },
		{ "[instance]\ncpu-count = 1\nmemory = 64M\nimage = docker-archive:/srv/app.tar\n" },
		{ "[instance]\ncpu-count = 1\nmemory = 64M\nimage = docker-archive:/srv/app.tar:app:latest\n" },
		{ "[instance]\ncpu-count = 1\nmemory = 64M\nimage = oci:/srv/img\n[run]\nentrypoint =\n" },
		{ "[instance]\ncpu-count = 1\nmemory = 64M\nafter = a,b\n" },
		{ "[instance]\ncpu-count = 1\nmemory = 64M\nafter =\tdb \t\n" },
		{ "[instance]\ncpu-count = 1\nmemory = 64M\nrestart = no\n" },
		{ "[instance]\ncpu-count = 1\nmemory = 64M\nrestart = always\nrestart-backoff = 60000\n" },
		{ "[instance]\ncpu-count = 1\nmemory = 64M\n[net]\nlink = no\n" },
		{ "[instance]\ncpu-count = 1\nmemory = 64M\n[net]\nlink = yes\nqueues = 4\naddress = 10.0.0.1/32\naddress = ::1/128\n" },
		{ "[instance]\ncpu-count = 1\nmemory = 64M\n[health]\ntcp-port = 65535\ninterval = 10\nthreshold = 1000\n[net]\nlink = yes\naddress = fe80::2/64\n" },
		{ "[instance]\ncpu-count = 1\nmemory = 64M\n[health]\nvsock-port = 4294967294\n" },
		{ "[instance]\ncpu-count = 1\nmemory = 64M\nstandby = no\nimage = oci:/srv/img\n" },
		/* a standby takes over whatever the restart policy */
		{ "[instance]\ncpus = 2\nmemory = 64M\nstandby = yes\ndump-keep = 2\n" },
		{ "[instance]\ncpus = 2\nmemory = 64M\nstandby = yes\nrestart = always\n[net]\nlink = yes\naddress = 10.0.0.2/8\n" },
		/* sections again, in any order */
		{ "[health]\ntcp-port = 1\n[instance]\ncpu-count = 1\n[net]\naddress = 10.0.0.2/8\n[instance]\nmemory = 64M\n[net]\nlink = yes\n" },
	};
	struct decl_errors e;
	struct decl_instance *d;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		d = dt_parse(good[i].text, &e);
		if (e.n) {
			dt_dump(&e);
			fail_msg("refused: %s", good[i].text);
		}
		decl_instance_free(d);
		decl_errors_free(&e);
	}
}

#define I1	"[instance]\ncpus = 2\n"		/* memory on line 3 */
#define I2	"[instance]\ncpus = 2\nmemory = 64M\n"	/* a key on line 4 */
#define IMG	I2 "image = oci:/srv/img\n"		/* [run] on line 5 */

/* One bad value each: exactly one error, at its line, saying why. */
static void test_bad_values(void **state)
{
	static const struct {
		const char *text;
		unsigned int line;
		const char *why;
	} bad[] = {
		{ "[instance]\nmemory = 64M\ncpus = 0-1\n", 3, "cpus: CPU 0 always stays with the primary" },
		{ "[instance]\nmemory = 64M\ncpus = 2-x\n", 3, "cpus: invalid CPU list '2-x'" },
		{ "[instance]\nmemory = 64M\ncpus = 3-2\n", 3, "reversed" },
		{ "[instance]\nmemory = 64M\ncpus = 2,2\n", 3, "CPU 2 is named twice" },
		{ "[instance]\nmemory = 64M\ncpus = 1024\n", 3, "CPU 1024 is too large" },
		{ "[instance]\nmemory = 64M\ncpus = 2 3\n", 3, "unexpected characters" },
		{ "[instance]\nmemory = 64M\ncpus =\n", 3, "cpus has no value" },
		{ "[instance]\nmemory = 64M\ncpu-count = 0\n", 3, "cpu-count: the CPU count must be from 1 to 256" },
		{ "[instance]\nmemory = 64M\ncpu-count = 257\n", 3, "from 1 to 256" },
		{ "[instance]\nmemory = 64M\ncpu-count = two\n", 3, "invalid CPU count 'two'" },
		{ "[instance]\nmemory = 64M\ncpu-count = -1\n", 3, "invalid CPU count" },
		{ I1 "memory = 12Q\n", 3, "memory: invalid size '12Q': unknown unit 'Q'" },
		{ I1 "memory = 16M\n", 3, "below the minimum of 32 MiB" },
		{ I1 "memory = 33M\n", 3, "not a multiple of 2 MiB" },
		{ I1 "memory = 0\n", 3, "must not be 0" },
		{ I1 "memory = 1.5G\n", 3, "fractions are not accepted" },
		{ I1 "memory = 99999999999999999999\n", 3, "too large" },
		{ I2 "kernel = boot/bzImage\n", 4, "kernel: the kernel 'boot/bzImage' is not an absolute path" },
		{ I2 "kernel =\n", 4, "kernel has no value" },
		{ I2 "initrd = initrd.gz\n", 4, "initrd: the initrd 'initrd.gz' is not an absolute path" },
		{ I2 "image = /srv/img\n", 4, "image: unknown image source '/srv/img': use oci:DIR[:TAG] or docker-archive:FILE[:REF]" },
		{ I2 "image = docker:/x\n", 4, "unknown image source" },
		{ I2 "image = oci:\n", 4, "names no directory" },
		{ I2 "image = oci::tag\n", 4, "names no directory" },
		{ I2 "image = oci:/srv/img:\n", 4, "empty tag after ':'" },
		{ I2 "image = docker-archive:app.tar\n", 4, "the image archive 'app.tar' is not an absolute path" },
		{ I2 "image = docker-archive:/a.tar:\n", 4, "empty reference" },
		{ I2 "after = web\n", 4, "instance web cannot start after itself" },
		{ I2 "after = db, db\n", 4, "db is named twice" },
		{ I2 "after = db,,x\n", 4, "an empty name in the list" },
		{ I2 "after = db,\n", 4, "an empty name in the list" },
		{ I2 "after = ,db\n", 4, "an empty name in the list" },
		{ I2 "after = d b\n", 4, "invalid instance name 'd b'" },
		{ I2 "after = -db\n", 4, "must not start with '.' or '-'" },
		{ I2 "restart = unless-stopped\n", 4, "restart: unknown policy 'unless-stopped': want no, on-failure or always" },
		{ I2 "restart = on-failure:3\n", 4, "unknown policy" },
		{ I2 "restart = Always\n", 4, "unknown policy" },
		{ I2 "restart = always\nrestart-limit = 0\n", 5, "restart-limit: the restart limit must be from 1 to 10000" },
		{ I2 "restart = always\nrestart-limit = x\n", 5, "invalid restart limit 'x'" },
		{ I2 "restart = always\nrestart-window = 0\n", 5, "restart window must be from 1 to 604800 seconds" },
		{ I2 "restart = always\nrestart-window = 1m\n", 5, "invalid restart window" },
		{ I2 "restart = always\nrestart-backoff = 0\n", 5, "restart backoff must be from 1 to 3600000 milliseconds" },
		{ I2 "restart = always\nrestart-backoff-max = 3600001\n", 5, "from 1 to 3600000" },
		{ I2 "restart = always\ndump = maybe\n", 5, "'maybe': want yes or no" },
		{ I2 "restart = always\ndump-keep = 0\n", 5, "number of dumps kept must be from 1 to 100" },
		{ I2 "standby = 1\n", 4, "standby: '1': want yes or no" },
		{ I2 "standby =\n", 4, "standby has no value" },
		{ I2 "standby = yes\nstandby = no\n", 5, "standby is already set on line 4" },
		{ IMG "[run]\nentrypoint = /a\nentrypoint = /b\n", 7, "entrypoint is already set on line 6" },
		{ IMG "[run]\nenv = NOVALUE\n", 6, "env: 'NOVALUE' is not NAME=VALUE" },
		{ IMG "[run]\nenv = =x\n", 6, "has an empty variable name" },
		{ IMG "[run]\nenv = A=1\nenv = A=2\n", 7, "A is set twice (first to '1')" },
		{ IMG "[run]\nenv =\n", 6, "env has no value" },
		{ IMG "[run]\nworkdir = srv\n", 6, "workdir: the working directory 'srv' is not an absolute path" },
		{ IMG "[run]\nuser = :staff\n", 6, "user: ':staff': want USER[:GROUP]" },
		{ IMG "[run]\nuser = app:\n", 6, "want USER[:GROUP]" },
		{ IMG "[run]\nuser = a:b:c\n", 6, "want USER[:GROUP]" },
		{ IMG "[run]\nuser = my app\n", 6, "without blanks" },
		{ IMG "[run]\nvolume = data\n", 6, "volume: 'data': want SRC:DST[:ro|:rw]" },
		{ IMG "[run]\nvolume = :/data\n", 6, "want SRC:DST" },
		{ IMG "[run]\nvolume = data:/data:rx\n", 6, "want SRC:DST" },
		{ IMG "[run]\nvolume = data:rel\n", 6, "the target 'rel' is not an absolute path" },
		{ IMG "[run]\nvolume = data:/\n", 6, "the target cannot be '/'" },
		{ IMG "[run]\nvolume = data://\n", 6, "the target cannot be '/'" },
		{ IMG "[run]\nvolume = data:/a/../b\n", 6, "'.' or '..' component" },
		{ IMG "[run]\nvolume = da ta:/data\n", 6, "invalid region name 'da ta'" },
		{ IMG "[run]\nvolume = rel/dir:/data\n", 6, "the volume source 'rel/dir' is not an absolute path" },
		{ IMG "[run]\nvolume = a:/data\nvolume = b:/data\n", 7, "two volumes on /data" },
		{ IMG "[run]\npublish = 80\n", 6, "publish: '80': give the primary's port too: HOSTPORT:80" },
		{ IMG "[run]\npublish = 0:80\n", 6, "the port must be from 1 to 65535" },
		{ IMG "[run]\npublish = 8080:80/udp\n", 6, "only TCP ports can be published" },
		{ IMG "[run]\npublish = 1.2.3:8080:80\n", 6, "'1.2.3' is not an IPv4 address" },
		{ IMG "[run]\npublish = [1.2.3.4]:8080:80\n", 6, "is not an IPv6 address" },
		{ IMG "[run]\npublish = [::1:8080:80\n", 6, "want [IPV6]:HOSTPORT:PORT" },
		{ IMG "[run]\npublish = 8080:80\npublish = 8080:81\n", 7, "the primary's address and port are those of '8080:80' already" },
		{ IMG "[run]\nulimit = files=1\n", 6, "ulimit: unknown limit 'files'" },
		{ IMG "[run]\nulimit = nofile=2:1\n", 6, "ulimit: the soft limit 2 is above the hard limit 1" },
		{ IMG "[run]\nulimit = nofile=lots\n", 6, "the soft limit 'lots' is not a number" },
		{ IMG "[run]\nulimit = nofile=1\nulimit = nofile=2\n", 7, "nofile is limited twice" },
		{ I2 "[net]\nlink = true\n", 5, "link: 'true': want yes or no" },
		{ I2 "[net]\nlink = yes\nqueues = 0\n", 6, "queues: the number of queue pairs must be from 1 to 4" },
		{ I2 "[net]\nlink = yes\nqueues = 5\n", 6, "from 1 to 4" },
		{ I2 "[net]\nlink = yes\naddress = 169.254.1.2\n", 6, "address: '169.254.1.2': want ADDRESS/PREFIX-LENGTH" },
		{ I2 "[net]\nlink = yes\naddress = 169.254.1/16\n", 6, "not an IPv4 address" },
		{ I2 "[net]\nlink = yes\naddress = fe80::g/64\n", 6, "not an IPv6 address" },
		{ I2 "[net]\nlink = yes\naddress = 10.0.0.1/33\n", 6, "prefix length must be from 1 to 32" },
		{ I2 "[net]\nlink = yes\naddress = fe80::1/129\n", 6, "from 1 to 128" },
		{ I2 "[net]\nlink = yes\naddress = 10.0.0.1/0\n", 6, "from 1 to 32" },
		{ I2 "[net]\nlink = yes\naddress = 10.0.0.1/\n", 6, "invalid prefix length ''" },
		{ I2 "[net]\nlink = yes\naddress = 10.0.0.1/8\naddress = 10.0.0.1/16\n", 7, "the address of '10.0.0.1/8' already" },
		{ I2 "[health]\ntcp-port = 0\n", 5, "tcp-port: the TCP port must be from 1 to 65535" },
		{ I2 "[health]\ntcp-port = 65536\n", 5, "from 1 to 65535" },
		{ I2 "[health]\nvsock-port = 4294967295\n", 5, "vsock port must be from 1 to 4294967294" },
		{ I2 "[health]\ncommand =\n", 5, "command has no value" },
		{ I2 "[health]\nvsock-port = 80\ninterval = 9\n", 6, "interval: the interval must be from 10 to 3600000 milliseconds" },
		{ I2 "[health]\nvsock-port = 80\nthreshold = 0\n", 6, "threshold must be from 1 to 1000 failed checks" },
	};
	struct decl_errors e;
	struct decl_instance *d;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		d = dt_parse(bad[i].text, &e);
		if (e.n != 1 || e.v[0].line != bad[i].line ||
		    !strstr(e.v[0].msg, bad[i].why)) {
			dt_dump(&e);
			fail_msg("case %zu: want one error at line %u holding '%s'",
				 i, bad[i].line, bad[i].why);
		}
		decl_instance_free(d);
		decl_errors_free(&e);
	}
}

/* The rules between keys, each broken once. */
static void test_rules(void **state)
{
	static const struct {
		const char *text;
		unsigned int line;
		const char *why;
	} bad[] = {
		{ "[instance]\nmemory = 64M\n", 0, "[instance] needs cpus = LIST or cpu-count = N" },
		{ "[instance]\ncpus = 2\n", 0, "[instance] needs memory = SIZE" },
		{ "[instance]\ncpus = 2\nmemory = 64M\ncpu-count = 1\n", 4, "cpus (line 2) and cpu-count cannot both be set" },
		{ "[instance]\ncpu-count = 1\nmemory = 64M\ncpus = 2\n", 4, "cpu-count (line 2) and cpus cannot both be set" },
		{ I2 "initrd = /i\nimage = oci:/x\n", 5, "initrd (line 4) and image cannot both be set" },
		{ I2 "image = oci:/x\ninitrd = /i\n", 5, "image (line 4) and initrd cannot both be set" },
		{ I2 "[run]\narg = x\n", 5, "[run] is only for an instance that runs an image" },
		{ I2 "[net]\nqueues = 2\n", 5, "queues needs link = yes" },
		{ I2 "[net]\nlink = no\naddress = 10.0.0.1/8\n", 6, "address needs link = yes" },
		{ I2 "[health]\ncommand = true\ntcp-port = 1\n", 6, "command (line 5) and tcp-port cannot both be set" },
		{ I2 "[health]\nvsock-port = 1\ncommand = true\n", 6, "vsock-port (line 5) and command cannot both be set" },
		{ I2 "[health]\ntcp-port = 1\nvsock-port = 1\n", 6, "tcp-port (line 5) and vsock-port cannot both be set" },
		{ I2 "[health]\ninterval = 100\n", 5, "interval needs command, vsock-port or tcp-port" },
		{ I2 "[health]\nthreshold = 2\n", 5, "threshold needs command, vsock-port or tcp-port" },
		{ I2 "[health]\ntcp-port = 80\n", 5, "tcp-port needs an address of the instance to connect to: [net] link = yes and address =" },
		{ I2 "[net]\nlink = yes\n[health]\ntcp-port = 80\n", 7, "tcp-port needs an address" },
		{ I2 "restart-limit = 3\n", 4, "restart-limit needs restart = on-failure or always" },
		{ I2 "restart = no\nrestart-window = 3\n", 5, "restart-window needs restart = on-failure or always" },
		{ I2 "restart = no\ndump = no\n", 5, "dump needs restart = on-failure or always, or standby = yes" },
		{ I2 "standby = no\ndump-keep = 2\n", 5, "dump-keep needs restart = on-failure or always, or standby = yes" },
		{ I2 "standby = yes\nimage = oci:/x\n", 5, "standby (line 4) and image (line 5) cannot both be set: a standby is a kernel instance" },
		{ I2 "image = oci:/x\nrestart = always\nstandby = yes\n", 6, "standby (line 6) and image (line 4) cannot both be set" },
		{ I2 "standby = yes\nrestart-limit = 2\n", 5, "restart-limit needs restart = on-failure or always" },
		{ I2 "restart = always\ndump = no\ndump-keep = 2\n", 6, "dump-keep needs dump = yes" },
		{ I2 "restart = always\nrestart-backoff = 70000\n", 5, "restart-backoff 70000 ms is above restart-backoff-max 60000 ms (its default)" },
		{ I2 "restart = always\nrestart-backoff = 500\nrestart-backoff-max = 400\n", 6, "restart-backoff 500 ms is above restart-backoff-max 400 ms" },
	};
	struct decl_errors e;
	struct decl_instance *d;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		d = dt_parse(bad[i].text, &e);
		if (e.n != 1 || e.v[0].line != bad[i].line ||
		    !strstr(e.v[0].msg, bad[i].why)) {
			dt_dump(&e);
			fail_msg("case %zu: want one error at line %u holding '%s'",
				 i, bad[i].line, bad[i].why);
		}
		decl_instance_free(d);
		decl_errors_free(&e);
	}
}

/* The command line: at most 2047 bytes once its lines are joined. */
static void test_cmdline_length(void **state)
{
	char text[4096];
	struct decl_errors e;
	struct decl_instance *d;
	size_t o;
	int i;

	/* 11 lines of 190 bytes, joined by blanks: 2100 bytes */
	o = (size_t)snprintf(text, sizeof(text), I2 "cmdline =\n");
	for (i = 0; i < 11; i++)
		o += (size_t)snprintf(text + o, sizeof(text) - o,
				      "  %0190d\n", i);
	d = dt_parse(text, &e);
	dt_one(&e, 4, "cmdline: the command line is 2100 bytes long, at most 2047 are allowed");
	decl_instance_free(d);
	decl_errors_free(&e);

	/* 10 of them, 1909 bytes: fine, and whole */
	o = (size_t)snprintf(text, sizeof(text), I2 "cmdline =\n");
	for (i = 0; i < 10; i++)
		o += (size_t)snprintf(text + o, sizeof(text) - o,
				      "  %0190d\n", i);
	d = dt_parse(text, &e);
	dt_none(&e);
	assert_int_equal(strlen(d->cmdline), 10 * 190 + 9);
	assert_int_equal(d->cmdline[190], ' ');
	decl_instance_free(d);
	decl_errors_free(&e);
}

/* DECL_CHECK_FILES: the kernel, initramfs and image must be readable. */
static void test_check_files(void **state)
{
	char text[1024], k[128];
	struct decl_errors e;
	struct decl_instance *d;

	snprintf(k, sizeof(k), "%s/bzImage", dt_dir);
	dt_write("bzImage", "kernel");
	snprintf(text, sizeof(text), "%s/img", dt_dir);
	assert_int_equal(mkdir(text, 0755), 0);
	snprintf(text, sizeof(text),
		 I2 "kernel = %s\nimage = oci:%s/img:1\n", k, dt_dir);
	d = dt_parse_as("a.conf", text, DECL_CHECK_FILES, &e);
	dt_none(&e);
	decl_instance_free(d);
	decl_errors_free(&e);

	snprintf(text, sizeof(text), I2 "kernel = %s/none\n", dt_dir);
	d = dt_parse_as("a.conf", text, DECL_CHECK_FILES, &e);
	dt_one(&e, 4, "No such file or directory");
	decl_instance_free(d);
	decl_errors_free(&e);
	/* unchecked without the flag */
	d = dt_parse_as("a.conf", text, 0, &e);
	dt_none(&e);
	decl_instance_free(d);
	decl_errors_free(&e);

	snprintf(text, sizeof(text), I2 "initrd = %s\n", dt_dir);
	d = dt_parse_as("a.conf", text, DECL_CHECK_FILES, &e);
	dt_one(&e, 4, "is not a regular file");
	decl_instance_free(d);
	decl_errors_free(&e);

	snprintf(text, sizeof(text), I2 "image = oci:%s\n", k);
	d = dt_parse_as("a.conf", text, DECL_CHECK_FILES, &e);
	dt_one(&e, 4, "is not a directory");
	decl_instance_free(d);
	decl_errors_free(&e);

	snprintf(text, sizeof(text), I2 "image = docker-archive:%s/img\n",
		 dt_dir);
	d = dt_parse_as("a.conf", text, DECL_CHECK_FILES, &e);
	dt_one(&e, 4, "is not a regular file");
	decl_instance_free(d);
	decl_errors_free(&e);
}

/* NAME.standby must be a name: NAME is at most 23 characters. */
static void test_standby_name(void **state)
{
	struct decl_errors e;
	struct decl_instance *d;

	d = dt_parse_as("abcdefghijklmnopqrstuvw.conf", I2 "standby = yes\n",
			0, &e);
	dt_none(&e);
	assert_true(d->standby);
	assert_int_equal(d->line[DK_STANDBY], 4);
	decl_instance_free(d);
	decl_errors_free(&e);

	d = dt_parse_as("abcdefghijklmnopqrstuvwx.conf",
			"[instance]\nstandby = yes\ncpus = 2\nmemory = 64M\n",
			0, &e);
	dt_one(&e, 2, "standby: the name abcdefghijklmnopqrstuvwx is 24 characters long, too long for abcdefghijklmnopqrstuvwx.standby (an instance with a standby has a name of at most 23)");
	decl_instance_free(d);
	decl_errors_free(&e);

	/* without a standby the name is fine */
	d = dt_parse_as("abcdefghijklmnopqrstuvwx.conf", I2 "standby = no\n",
			0, &e);
	dt_none(&e);
	decl_instance_free(d);
	decl_errors_free(&e);
}

static void test_names(void **state)
{
	assert_string_equal(decl_key_name(DK_CPU_COUNT), "cpu-count");
	assert_string_equal(decl_key_name(DK_HEALTH_COMMAND), "command");
	assert_string_equal(decl_key_name(DK_THRESHOLD), "threshold");
	assert_string_equal(decl_key_name(DK_STANDBY), "standby");
	assert_string_equal(decl_key_name(DECL_NR_KEYS), "?");
	assert_string_equal(decl_restart_name(DECL_RESTART_NO), "no");
	assert_string_equal(decl_restart_name(DECL_RESTART_ON_FAILURE),
			    "on-failure");
	assert_string_equal(decl_restart_name(DECL_RESTART_ALWAYS), "always");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_boot_keys),
		cmocka_unit_test(test_image_keys),
		cmocka_unit_test(test_more_good),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_cmdline_length),
		cmocka_unit_test(test_check_files),
		cmocka_unit_test(test_standby_name),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, dt_setup, dt_teardown);
}
