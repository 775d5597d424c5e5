// SPDX-License-Identifier: GPL-2.0
/*
 * cohort(8): the client end of cohortd's control socket
 * (lib/cohort/daemon.h), for "cohort daemon status" and "cohort apply":
 * one request line out, one JSON object back, read until the daemon
 * closes the connection.
 *
 * What comes back is not trusted: it is bounded (COHORTD_REPLY_MAX bytes,
 * 10 seconds in all), must parse as one JSON object, and every member is
 * looked up with its type checked (daemon_str(), daemon_int()).  Text
 * from the daemon goes to the terminal only through daemon_safe().
 */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cohort.h"
#include "cohort/daemon.h"
#include "cohort/parse.h"

/* The whole exchange, connecting included, may take this long. */
#define DAEMON_TIMEOUT_MS	10000

/**
 * daemon_socket() - the path of cohortd's control socket
 *
 * Return: $COHORTD_SOCKET when set and not empty, else
 * COHORTD_SOCKET_DEFAULT.
 */
const char *daemon_socket(void)
{
	const char *s = getenv(COHORTD_SOCKET_ENV);

	return s && *s ? s : COHORTD_SOCKET_DEFAULT;
}

/* Writes the printable form of byte @c into @tmp; returns its length. */
static size_t safe_char(unsigned char c, char *tmp)
{
	if (c < 0x20 || c >= 0x7f)
		return (size_t)snprintf(tmp, 5, "\\x%02x", c);
	if (c == '\\')
		return (size_t)snprintf(tmp, 5, "\\\\");
	return (size_t)snprintf(tmp, 5, "%c", c);
}

/**
 * daemon_safe() - make text from cohortd safe to print
 * @s: the text, as the daemon sent it
 * @buf: where to write the result
 * @len: bytes at @buf
 *
 * Bytes outside printable ASCII (control characters, escape sequences,
 * anything not ASCII) are written as \xNN, a backslash as \\; the result
 * is cut short, ending in "...", when it does not fit.
 *
 * Return: @buf.
 */
const char *daemon_safe(const char *s, char *buf, size_t len)
{
	size_t o = 0, total = 0, room, n;
	const char *p;
	char tmp[5];

	if (!len)
		return buf;
	for (p = s; *p; p++)
		total += safe_char((unsigned char)*p, tmp);
	/* Leave room for "..." when it does not all fit. */
	room = total < len ? len - 1 : (len > 4 ? len - 4 : 0);
	for (p = s; *p; p++) {
		n = safe_char((unsigned char)*p, tmp);
		if (o + n > room)
			break;
		memcpy(buf + o, tmp, n);
		o += n;
	}
	if (total >= len && len > 4) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
	return buf;
}

/**
 * daemon_str() - a string member of an object from cohortd
 * @o: the object, or NULL (or not an object)
 * @key: the member
 *
 * Return: the string, or NULL when @o has no such member or it is not a
 * string.
 */
const char *daemon_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!o || !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/**
 * daemon_int() - a whole-number member of an object from cohortd
 * @o: the object, or NULL (or not an object)
 * @key: the member
 * @val: out: its value
 *
 * Return: true when @o has @key as a JSON integer (a number with a
 * fraction or an exponent is no integer here).
 */
bool daemon_int(struct json_object *o, const char *key, long long *val)
{
	struct json_object *v;

	if (!o || !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_int))
		return false;
	*val = (long long)json_object_get_int64(v);
	return true;
}

/* Seconds since the epoch up to the end of the year 9999. */
#define TIME_MAX	253402300800.0

/**
 * daemon_time() - a time member of an object from cohortd
 * @o: the object, or NULL (or not an object)
 * @key: the member
 * @t: out: seconds since the epoch, with a fraction
 *
 * Return: true when @o has @key as a JSON number from 0 to the end of
 * the year 9999.
 */
bool daemon_time(struct json_object *o, const char *key, double *t)
{
	struct json_object *v;

	if (!o || !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, key, &v))
		return false;
	if (json_object_is_type(v, json_type_int))
		*t = (double)json_object_get_int64(v);
	else if (json_object_is_type(v, json_type_double))
		*t = json_object_get_double(v);
	else
		return false;
	return isfinite(*t) && *t >= 0 && *t < TIME_MAX;
}

/**
 * daemon_time_text() - a time as local time: "2025-06-01 12:00:00"
 * @t: seconds since the epoch (daemon_time())
 * @ms: add the milliseconds: "2025-06-01 12:00:00.250"
 * @buf: where to write, at least DAEMON_TIME_MAX bytes
 * @len: bytes at @buf
 */
void daemon_time_text(double t, bool ms, char *buf, size_t len)
{
	long long msec = (long long)(t * 1000 + 0.5);
	time_t sec = (time_t)(msec / 1000);
	struct tm tm;
	size_t n;

	if (!localtime_r(&sec, &tm) ||
	    !(n = strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm))) {
		snprintf(buf, len, "?");
		return;
	}
	if (ms)
		snprintf(buf + n, len - n, ".%03lld", msec % 1000);
}

/**
 * daemon_absent_text() - why no cohortd answered, for a message
 * @buf: where to write "no socket at PATH" or "nothing listens on PATH"
 * @len: bytes at @buf
 *
 * For after daemon_request() returned DAEMON_ABSENT.
 *
 * Return: @buf.
 */
const char *daemon_absent_text(char *buf, size_t len)
{
	const char *path = daemon_socket();
	struct stat st;
	char q[256];

	daemon_safe(path, q, sizeof(q));
	if (lstat(path, &st) < 0)
		snprintf(buf, len, "no socket at %s", q);
	else
		snprintf(buf, len, "nothing listens on %s", q);
	return buf;
}

/**
 * daemon_parse() - parse text from cohortd as one JSON object
 * @buf: the text; need not be NUL-terminated
 * @len: bytes at @buf
 * @why: out: why it is refused (static text)
 *
 * White space may follow the object; nothing else may, and no NUL byte
 * may appear anywhere.
 *
 * Return: the object (the caller puts it), or NULL.
 */
struct json_object *daemon_parse(const char *buf, size_t len,
				 const char **why)
{
	struct json_tokener *tok;
	struct json_object *o;
	size_t end;

	*why = "not JSON";
	if (!len) {
		*why = "empty";
		return NULL;
	}
	if (memchr(buf, '\0', len)) {
		*why = "a NUL byte in it";
		return NULL;
	}
	tok = json_tokener_new();
	if (!tok) {
		*why = "out of memory";
		return NULL;
	}
	o = json_tokener_parse_ex(tok, buf, (int)len);
	if (!o || json_tokener_get_error(tok) != json_tokener_success) {
		json_object_put(o);
		json_tokener_free(tok);
		return NULL;
	}
	for (end = json_tokener_get_parse_end(tok); end < len; end++) {
		if (buf[end] == ' ' || buf[end] == '\t' || buf[end] == '\n' ||
		    buf[end] == '\r')
			continue;
		*why = "data after the JSON object";
		json_object_put(o);
		json_tokener_free(tok);
		return NULL;
	}
	json_tokener_free(tok);
	if (!json_object_is_type(o, json_type_object)) {
		*why = "not a JSON object";
		json_object_put(o);
		return NULL;
	}
	return o;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/*
 * Waits until @fd is ready for @events or the deadline passes: 1 ready,
 * 0 timed out, -1 failed (errno).
 */
static int wait_fd(int fd, short events, long long deadline)
{
	struct pollfd p = { .fd = fd, .events = events };
	long long left;
	int n;

	for (;;) {
		left = deadline - now_ms();
		if (left <= 0)
			return 0;
		n = poll(&p, 1, (int)left);
		if (n < 0 && errno == EINTR)
			continue;
		return n < 0 ? -1 : n > 0;
	}
}

/* Connects @fd to @path by the deadline: 0, or a negative errno. */
static int connect_by(int fd, const char *path, long long deadline)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	memcpy(sa.sun_path, path, strlen(path) + 1);
	for (;;) {
		if (!connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
			return 0;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN)
			return -errno;
		/* The daemon's backlog is full: try again shortly. */
		if (now_ms() >= deadline)
			return -ETIMEDOUT;
		poll(NULL, 0, 10);
	}
}

/* Writes @req and a newline by the deadline: 0, or a negative errno. */
static int send_by(int fd, const char *req, long long deadline)
{
	char line[COHORTD_REQUEST_MAX];
	size_t len, off = 0;
	ssize_t n;
	int ret;

	len = (size_t)snprintf(line, sizeof(line), "%s\n", req);
	if (len >= sizeof(line))
		return -E2BIG;
	while (off < len) {
		n = send(fd, line + off, len - off, MSG_NOSIGNAL);
		if (n > 0) {
			off += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno != EAGAIN)
			return -errno;
		ret = wait_fd(fd, POLLOUT, deadline);
		if (ret <= 0)
			return ret ? -errno : -ETIMEDOUT;
	}
	return 0;
}

/*
 * Reads to the end of the connection by the deadline, at most
 * COHORTD_REPLY_MAX bytes: the bytes read, or a negative errno (-EFBIG:
 * too long).  *out is malloc()ed, NUL-terminated.
 */
static long long recv_by(int fd, char **out, long long deadline)
{
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap + 1), *nb;
	ssize_t n;
	int ret;

	if (!buf)
		return -ENOMEM;
	for (;;) {
		if (len == cap) {
			if (cap > COHORTD_REPLY_MAX) {
				free(buf);
				return -EFBIG;
			}
			/* room for one byte past the limit: "too long" */
			cap = cap * 2 > COHORTD_REPLY_MAX ?
			      COHORTD_REPLY_MAX + 1 : cap * 2;
			nb = realloc(buf, cap + 1);
			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
		}
		n = recv(fd, buf + len, cap - len, 0);
		if (n > 0) {
			len += (size_t)n;
			continue;
		}
		if (!n)
			break;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN) {
			ret = -errno;
			free(buf);
			return ret;
		}
		ret = wait_fd(fd, POLLIN, deadline);
		if (ret <= 0) {
			ret = ret ? -errno : -ETIMEDOUT;
			free(buf);
			return ret;
		}
	}
	if (len > COHORTD_REPLY_MAX) {
		free(buf);
		return -EFBIG;
	}
	buf[len] = '\0';
	*out = buf;
	return (long long)len;
}

/**
 * daemon_request() - send cohortd one request and take its reply
 * @c: the invocation (c->cmd names the command in messages)
 * @req: the request, without its newline ("status", "reload")
 * @reply: out: the reply, a JSON object the caller puts
 *
 * Connects to daemon_socket(), sends "@req\n" and reads the reply to the
 * end of the connection, all within 10 seconds.  Errors are printed,
 * except that nobody listens.
 *
 * Return: DAEMON_OK and *@reply; DAEMON_ABSENT when no socket is there or
 * nobody listens on it (ENOENT, ECONNREFUSED; nothing printed); or
 * DAEMON_ERR after printing why (no answer in time, a reply too long or
 * that is no JSON object, ...).
 */
int daemon_request(struct cli *c, const char *req, struct json_object **reply)
{
	long long deadline = now_ms() + DAEMON_TIMEOUT_MS, n;
	const char *path = daemon_socket(), *why;
	char q[256], *buf = NULL;
	int fd, ret;

	*reply = NULL;
	daemon_safe(path, q, sizeof(q));
	if (strlen(path) >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
		cli_err("%s: the socket path %s is too long (at most %zu bytes)",
			c->cmd, q,
			sizeof(((struct sockaddr_un *)0)->sun_path) - 1);
		return DAEMON_ERR;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		cli_err("%s: cannot make a socket: %s", c->cmd,
			strerror(errno));
		return DAEMON_ERR;
	}
	ret = connect_by(fd, path, deadline);
	if (ret == -ENOENT || ret == -ECONNREFUSED) {
		close(fd);
		return DAEMON_ABSENT;
	}
	if (ret) {
		cli_err("%s: cannot connect to cohortd at %s: %s%s", c->cmd, q,
			strerror(-ret), ret == -EACCES ?
			" (its socket is root's)" : "");
		close(fd);
		return DAEMON_ERR;
	}
	ret = send_by(fd, req, deadline);
	if (ret) {
		cli_err("%s: cannot send cohortd the request: %s", c->cmd,
			strerror(-ret));
		close(fd);
		return DAEMON_ERR;
	}
	n = recv_by(fd, &buf, deadline);
	close(fd);
	if (n == -ETIMEDOUT) {
		cli_err("%s: cohortd at %s did not answer within %d seconds",
			c->cmd, q, DAEMON_TIMEOUT_MS / 1000);
		return DAEMON_ERR;
	}
	if (n == -EFBIG) {
		cli_err("%s: cohortd's reply is longer than %d bytes; ignored",
			c->cmd, COHORTD_REPLY_MAX);
		return DAEMON_ERR;
	}
	if (n < 0) {
		cli_err("%s: cannot read cohortd's reply: %s", c->cmd,
			strerror((int)-n));
		return DAEMON_ERR;
	}
	*reply = daemon_parse(buf, (size_t)n, &why);
	free(buf);
	if (!*reply) {
		cli_err("%s: cohortd's reply is not valid: %s", c->cmd, why);
		return DAEMON_ERR;
	}
	return DAEMON_OK;
}
