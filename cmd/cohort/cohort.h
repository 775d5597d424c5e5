/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cohort(8): what the command files share.
 */
#ifndef _COHORT_CLI_H
#define _COHORT_CLI_H

#include <dirent.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include <uapi/linux/cohort.h>

/* Exit statuses, documented in docs/man/cohort.8. */
#define EXIT_OK		0	/* done */
#define EXIT_FAIL	1	/* the kernel refused, or the operation failed */
#define EXIT_USAGE	2	/* usage error or invalid argument */
#define EXIT_NOTFOUND	3	/* no instance of that name */
#define EXIT_UNAVAIL	4	/* Cohort is not available here */

#define COHORT_SYSFS_DEFAULT	"/sys/kernel/cohort"
#define COHORT_DEV_DEFAULT	"/dev/cohort"
#define COHORT_CPU_SYSFS_DEFAULT "/sys/devices/system/cpu"
#define COHORT_NET_SYSFS_DEFAULT "/sys/class/net"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Longest sysfs value cohort reads (cmdline is the longest). */
#define SYSFS_VAL_MAX		(COHORT_CMDLINE_MAX + 64)

/*
 * The heartbeat settings the kernel accepts (HB_MS_MIN, HB_MS_MAX and the
 * misses limit in drivers/cohort/msg.c); cohort refuses anything else
 * before writing.
 */
#define HB_PERIOD_MIN_MS	10
#define HB_PERIOD_MAX_MS	10000
#define HB_MISSES_MIN		1
#define HB_MISSES_MAX		1000

struct cli {
	const char *sysfs;	/* COHORT_SYSFS */
	const char *dev;	/* COHORT_DEV */
	const char *cpu_sysfs;	/* COHORT_CPU_SYSFS */
	const char *net_sysfs;	/* COHORT_NET_SYSFS: the primary's interfaces */
	bool json;
	bool pretty;
	const char *cmd;	/* the command running, for messages */
};

struct command {
	const char *name;
	int (*run)(struct cli *c, int argc, char **argv);
	const char *usage;	/* after "cohort NAME " */
	const char *help;	/* one line */
};

/* A subcommand of "region", "net" or "pool" (cli_subcommand()). */
struct subcommand {
	const char *name;	/* "add" */
	const char *cmd;	/* for messages: "net add" */
	int (*run)(struct cli *c, int argc, char **argv);
};

extern const char *prog;

void cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int cli_usage_err(struct cli *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int cli_getopt(struct cli *c, int argc, char **argv, const char *optstring,
	       const struct option *longopts, unsigned int *seen);
int cli_names_arg(struct cli *c, int argc, char **argv,
		  const char *const *what, const char **names);
int cli_name_arg(struct cli *c, int argc, char **argv, const char **name);
int cli_no_args(struct cli *c, int argc, char **argv);
int cli_plain_names(struct cli *c, int argc, char **argv,
		    const char *const *what, const char **names);
int cli_plain_name(struct cli *c, int argc, char **argv, const char **name);
int cli_subcommand(struct cli *c, int argc, char **argv,
		   const struct subcommand *subs, size_t n);
void cli_help(const char *cmd);

/* ctl.c */
int cli_check_cpus(struct cli *c, const char *name, const char *list,
		   __u64 *cpus);
int cli_check_cpus_present(struct cli *c, const char *name,
			   const __u64 *cpus);
int cli_parse_node(struct cli *c, const char *name, const char *arg,
		   __u32 *node);
int cli_dev_ioctl(struct cli *c, const char *name, unsigned long req,
		  void *arg, char *msg);
int cli_dev_request(struct cli *c, const char *name, unsigned long req,
		    void *arg, char *msg, int *err);

/* follow.c: an instance's console stream, copied to a descriptor */
struct follower {
	struct cli *c;
	const char *name;
	int fd;				/* instances/NAME/console */
	int out;			/* where the bytes go */
	__u64 pos;			/* next stream byte to copy */
	__u64 size;			/* console_size, or 0 when not shown */
	__u64 starts;			/* "starts" of the stream being read */
	bool have_starts;		/* the kernel shows "starts" */
	__u64 copied;			/* bytes the last poll copied */
	int last;			/* the last byte copied, or -1 */
	volatile sig_atomic_t *stop;	/* set: give up a blocked write */
};

enum {
	FOLLOW_OK,		/* copied what there was, maybe nothing */
	FOLLOW_GONE,		/* the instance was deleted */
	FOLLOW_CLOSED,		/* the output is closed (EPIPE) */
	FOLLOW_ERR,		/* failed; the error was printed */
};

int follower_open(struct follower *f, struct cli *c, const char *name,
		  int out, bool history);
int follower_poll(struct follower *f);
void follower_drain(struct follower *f);
void follower_close(struct follower *f);

/* console.c */
int cli_console_attach(struct cli *c, const char *name, bool *stopped);

/* log.c */
int cli_follow_log(struct cli *c, const char *name);

/* sysfs.c */
int sysfs_read(const char *path, char *buf, size_t len);
int sysfs_available(struct cli *c);
bool sysfs_is_instance(struct cli *c);
int sysfs_instance_check(struct cli *c, const char *name);
int sysfs_instances_open(struct cli *c, DIR **dir);
int sysfs_collect(struct cli *c, DIR *dir, size_t size,
		  int (*get)(struct cli *c, const char *name, void *elem),
		  int (*cmp)(const void *a, const void *b), void **out,
		  size_t *n);
int sysfs_inst_path(struct cli *c, const char *name, const char *attr,
		    char *buf, size_t len);
int sysfs_inst_read(struct cli *c, const char *name, const char *attr,
		    char *buf, size_t len);
int sysfs_inst_u64(struct cli *c, const char *name, const char *attr,
		   __u64 *val);
int sysfs_inst_cpus(struct cli *c, const char *name, __u64 *cpus);
int sysfs_u64_or_say(const char *path, bool optional, __u64 *val);
int sysfs_parse_u64(const char *s, __u64 *val);
int sysfs_write(const char *path, const char *val);

/* A block of memory given to an instance after create (mem_blocks). */
struct mem_block {
	__u64 base;		/* physical, COHORT_MEM_BLOCK-aligned */
	int node;		/* the primary's NUMA node, -1 unknown */
};

int sysfs_mem_blocks(struct cli *c, const char *name, struct mem_block *b,
		     size_t *n);

/* info.c */
struct json_object;
int cli_info_options(struct cli *c, int argc, char **argv);
int cli_info_begin(struct cli *c, int argc, char **argv);
bool cli_json_opt(struct cli *c, int opt);
void cli_json_print(struct cli *c, struct json_object *o);

/* state.c: the tool's own records (images, warm pools) */
const char *cli_state_dir(void);
int cli_mkdir_p(const char *path);
struct json_object;
int cli_record_write(const char *path, struct json_object *o);
struct json_object *cli_record_read(const char *path, int *err);
int cli_record_str(struct json_object *o, const char *key, char *buf,
		   size_t len, bool empty_ok);

/* table.c: columns as wide as their widest cell */
void table_widen(int *w, const char *const *col, int n);
void table_row(const int *w, const char *const *col, int n,
	       const char *align);

/* daemonctl.c: cohortd's control socket (lib/cohort/daemon.h) */
enum {
	DAEMON_OK,		/* a reply came: a JSON object */
	DAEMON_ABSENT,		/* no cohortd listens (nothing printed) */
	DAEMON_ERR,		/* failed; the error was printed */
};

const char *daemon_socket(void);
const char *daemon_safe(const char *s, char *buf, size_t len);
const char *daemon_str(struct json_object *o, const char *key);
bool daemon_int(struct json_object *o, const char *key, long long *val);
bool daemon_time(struct json_object *o, const char *key, double *t);
/* Longest text daemon_time_text() writes, with its NUL. */
#define DAEMON_TIME_MAX		32
void daemon_time_text(double t, bool ms, char *buf, size_t len);
const char *daemon_absent_text(char *buf, size_t len);
struct json_object *daemon_parse(const char *buf, size_t len,
				 const char **why);
int daemon_request(struct cli *c, const char *req,
		   struct json_object **reply);

/* net.c: an instance's network link (COHORT_IOC_NET) */
int net_parse_queues(struct cli *c, const char *name, const char *arg,
		     __u32 *queues);
int net_link_add(struct cli *c, const char *name, __u32 queues,
		 struct cohort_ioc_net *req);
void net_link_print(const struct cohort_ioc_net *req);

/* peer.c: /sys/kernel/cohort/peers/ID/, in the order "show" prints them */
enum peer_field {
	PF_STATE,
	PF_NAME,
	PF_APIC_ID,
	PF_DOORBELL,
	PF_EPOCH,
	PF_HEARTBEAT,
	PF_HEARTBEAT_AGE_MS,
	PF_SERVICES_OFFERED,
	PF_SERVICES_LISTENING,
	PF_SENT,
	PF_RECEIVED,
	PF_DOORBELLS,
	PF_DOORBELLS_SUPPRESSED,
	PF_ERRORS,
	PF_DROPS,
	PF_FULL,
	PF_STALE,
	PF_QUARANTINES,
	PF_CTRL_ERRORS,
	NR_PEER_FIELDS
};

#define PEER_TEXT_MAX	64

/* What cohort knows of one kernel from its peers/ID directory. */
struct peer {
	__u32 id;
	bool ok[NR_PEER_FIELDS];	/* read, and for numbers parsed */
	__u64 num[NR_PEER_FIELDS];	/* numbers and flags */
	char text[NR_PEER_FIELDS][PEER_TEXT_MAX];	/* as read, or "" */
};

extern const char *const peer_attrs[NR_PEER_FIELDS];
int peer_read(struct cli *c, __u32 id, struct peer *p);
bool peer_live(const struct peer *p);
const char *peer_value(const struct peer *p, enum peer_field f);
void peer_age_text(const struct peer *p, char *buf, size_t len);
struct json_object *peer_json(const struct peer *p, const char *name);

/* The commands. */
int cmd_create(struct cli *c, int argc, char **argv);
int cmd_load(struct cli *c, int argc, char **argv);
int cmd_start(struct cli *c, int argc, char **argv);
int cmd_stop(struct cli *c, int argc, char **argv);
int cmd_delete(struct cli *c, int argc, char **argv);
int cmd_list(struct cli *c, int argc, char **argv);
int cmd_show(struct cli *c, int argc, char **argv);
int cmd_log(struct cli *c, int argc, char **argv);
int cmd_console(struct cli *c, int argc, char **argv);
int cmd_pool(struct cli *c, int argc, char **argv);
int cmd_pool_release(struct cli *c, int argc, char **argv);
int cmd_peers(struct cli *c, int argc, char **argv);
int cmd_heartbeat(struct cli *c, int argc, char **argv);
int cmd_region(struct cli *c, int argc, char **argv);
int cmd_net(struct cli *c, int argc, char **argv);
int cmd_run(struct cli *c, int argc, char **argv);
int cmd_wait(struct cli *c, int argc, char **argv);
int cmd_kill(struct cli *c, int argc, char **argv);
int cmd_dump(struct cli *c, int argc, char **argv);
int cmd_takeover(struct cli *c, int argc, char **argv);
int cli_takeover(struct cli *c, const char *name, const char *from,
		 __u32 *cid);
int cmd_set(struct cli *c, int argc, char **argv);
int cmd_rename(struct cli *c, int argc, char **argv);
int cli_rename(struct cli *c, const char *name, const char *to);
int cmd_update(struct cli *c, int argc, char **argv);
int cmd_exec(struct cli *c, int argc, char **argv);
int cmd_warm(struct cli *c, int argc, char **argv);
int cmd_images(struct cli *c, int argc, char **argv);
int cmd_rmi(struct cli *c, int argc, char **argv);
int cmd_apply(struct cli *c, int argc, char **argv);
int cmd_daemon(struct cli *c, int argc, char **argv);
int cmd_events(struct cli *c, int argc, char **argv);
int cmd_check(struct cli *c, int argc, char **argv);
int cmd_version(struct cli *c, int argc, char **argv);
int cmd_help(struct cli *c, int argc, char **argv);

#endif /* _COHORT_CLI_H */
