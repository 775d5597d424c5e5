/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Running a command in a running instance (`cohort exec`, cohortd's
 * command health checks): the wire format both ends use, defined once.
 * docs/image.md, "Running a command in an instance", describes it.
 *
 * Every instance booted from Cohort's instance initramfs runs an exec
 * server (cohort-init) on AF_VSOCK stream port RUN_EXEC_PORT, which
 * takes connections from the primary (CID 2) only, and only from a
 * privileged port there (lib/cohort/vsock.h).  The primary sends a
 * request: RUN_EXEC_HDR bytes (the magic "CEXQ" and the length N of what
 * follows, 32-bit little-endian, 1 to RUN_EXEC_REQ_MAX), then N bytes of
 * JSON:
 *
 *	{ "args": ["ls", "-l"], "env": ["A=1"], "cwd": "/srv",
 *	  "user": "app:wheel", "timeout_ms": 5000 }
 *
 * "args" is required, the others may be left out.  The primary then
 * sends nothing more (the command's stdin is /dev/null); it may shut its
 * end down for writing, but closing the connection, or any byte more,
 * kills the command.  The
 * instance answers with frames, each RUN_EXEC_HDR bytes ("CX", the type,
 * a zero byte, the payload's length, 32-bit little-endian) and the
 * payload:
 *
 *	RUN_EXEC_OUT   1 to RUN_EXEC_CHUNK_MAX bytes the command wrote to stdout
 *	RUN_EXEC_ERR   the same for stderr
 *	RUN_EXEC_MSG   1 to RUN_EXEC_MSG_MAX bytes of text: why the request
 *	               was refused or the command could not run (at most one)
 *	RUN_EXEC_EXIT  RUN_EXEC_EXIT_LEN bytes: how it ended and its status
 *	               (two 32-bit little-endian words); always the last
 *
 * and closes the connection.
 */
#ifndef _COHORT_RUN_EXEC_H
#define _COHORT_RUN_EXEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Below 1024 (only root in the instance can listen), next to the warm port. */
#define RUN_EXEC_PORT		1001
#define RUN_EXEC_HDR		8
#define RUN_EXEC_REQ_MAGIC	"CEXQ"
#define RUN_EXEC_FRAME_MAGIC	"CX"
#define RUN_EXEC_REQ_MAX	(64 * 1024)	/* bytes of request JSON */
#define RUN_EXEC_CHUNK_MAX	(64 * 1024)	/* bytes of an output frame */
#define RUN_EXEC_MSG_MAX	512		/* bytes of a message frame */
#define RUN_EXEC_EXIT_LEN	8
#define RUN_EXEC_USER_MAX	256		/* bytes of "user" */
#define RUN_EXEC_TIMEOUT_MAX	604800000u	/* ms: a week */
/* Either end gives up a peer that stalls while sending this long. */
#define RUN_EXEC_IO_TIMEOUT_S	10

enum run_exec_type {
	RUN_EXEC_OUT = 1,
	RUN_EXEC_ERR = 2,
	RUN_EXEC_MSG = 3,
	RUN_EXEC_EXIT = 4,
};

/* How the command ended (RUN_EXEC_EXIT), and the status each has. */
enum run_exec_how {
	RUN_EXEC_EXITED = 0,	/* its exit code, 0 to 255 */
	RUN_EXEC_KILLED = 1,	/* 128 + the signal, 129 to 192 */
	RUN_EXEC_TIMEDOUT = 2,	/* killed at timeout_ms: 128 + SIGKILL */
	RUN_EXEC_NOTRUN = 3,	/* 127: not found; 126: found, could not run
				 * (or the user, directory... could not be set) */
	RUN_EXEC_REFUSED = 4,	/* 125: the request was refused */
};

/* A request; every pointer owned by the struct. */
struct run_exec_req {
	char **args;		/* NULL-terminated, at least one, args[0] not "" */
	char **env;		/* NULL-terminated "NAME=value", may be empty;
				 * applied in order over the instance's */
	char *cwd;		/* absolute; NULL: the instance's default */
	char *user;		/* USER[:GROUP]; NULL: the default */
	uint32_t timeout_ms;	/* 0: none */
};

/* One frame, as run_exec_dec_feed() hands it over. */
struct run_exec_frame {
	enum run_exec_type type;
	const unsigned char *data;	/* OUT, ERR: the bytes (in the decoder) */
	size_t len;
	char text[RUN_EXEC_MSG_MAX + 1];	/* MSG: printable ASCII, any
						 * other byte shown as '?' */
	enum run_exec_how how;		/* EXIT */
	uint32_t status;		/* EXIT */
};

/* The instance's answer, read as it comes (hostile input). */
struct run_exec_dec {
	unsigned char hdr[RUN_EXEC_HDR];
	size_t hlen;			/* header bytes held */
	enum run_exec_type type;	/* of the frame being read */
	uint32_t len;			/* its payload length */
	size_t got;			/* payload bytes held */
	bool msg_seen;
	bool ended;			/* the EXIT frame came */
	unsigned char buf[RUN_EXEC_CHUNK_MAX];
};

/* exec.c: the request. */
int run_exec_req_encode(const struct run_exec_req *r, char **buf,
			size_t *len, char *err, size_t errlen);
int run_exec_req_header(const unsigned char hdr[RUN_EXEC_HDR], uint32_t *len,
			char *err, size_t errlen);
int run_exec_req_decode(const char *buf, size_t len, struct run_exec_req *r,
			char *err, size_t errlen);
void run_exec_req_free(struct run_exec_req *r);

/* execproc.c: what the instance runs for a request. */
struct run_spec;
int run_exec_process(const struct run_exec_req *r,
		     const struct run_spec *base, int rootfd,
		     struct run_spec *p, char *err, size_t errlen);

/* execframe.c: the answer. */
void run_exec_frame_header(enum run_exec_type type, uint32_t len,
			   unsigned char hdr[RUN_EXEC_HDR]);
void run_exec_exit_payload(enum run_exec_how how, uint32_t status,
			   unsigned char p[RUN_EXEC_EXIT_LEN]);
int run_exec_exit_check(enum run_exec_how how, uint32_t status);
void run_exec_dec_init(struct run_exec_dec *d);
int run_exec_dec_feed(struct run_exec_dec *d, const void *buf, size_t len,
		      size_t *used, struct run_exec_frame *f, char *err,
		      size_t errlen);
int run_exec_dec_end(const struct run_exec_dec *d, char *err, size_t errlen);

#endif /* _COHORT_RUN_EXEC_H */
