// SPDX-License-Identifier: GPL-2.0
/*
 * cohortd: the control socket (lib/cohort/daemon.h).  One request per
 * connection, served at once in the main loop: a client that sends
 * nothing is given up after a second, so it cannot hold the daemon.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cohort/fdio.h"
#include "cohortd.h"

static time_t started;

/**
 * cd_ctl_open() - make and listen on the control socket (mode 0600)
 *
 * Return: the listening socket, or -1 (logged).
 */
int cd_ctl_open(void)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	char dir[sizeof(a.sun_path)], *slash;
	int fd;

	started = time(NULL);
	if (strlen(cd.socket) >= sizeof(a.sun_path)) {
		cd_log(CD_ERR, "socket path %s is too long", cd.socket);
		return -1;
	}
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", cd.socket);
	snprintf(dir, sizeof(dir), "%s", cd.socket);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		mkdir(dir, 0755);
	}
	unlink(cd.socket);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0 || fchmod(fd, 0600) < 0 ||
	    bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    chmod(cd.socket, 0600) < 0 || listen(fd, 16) < 0) {
		cd_log(CD_ERR, "control socket %s: %s", cd.socket,
		       strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static struct json_object *status(void)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "pid", json_object_new_int(getpid()));
	json_object_object_add(o, "started", json_object_new_int64(started));
	json_object_object_add(o, "config_dir",
			       json_object_new_string(cd.config_dir));
	json_object_object_add(o, "config_errors", cd_config_errors());
	json_object_object_add(o, "instances", cd_sup_status());
	return o;
}

static struct json_object *reload(void)
{
	struct json_object *o = json_object_new_object();
	struct json_object *a = json_object_new_array();
	char **errors = NULL;
	size_t n = 0;
	int ret = cd_reload(&errors, &n);

	for (size_t i = 0; i < n; i++) {
		json_object_array_add(a, json_object_new_string(errors[i]));
		free(errors[i]);
	}
	free(errors);
	json_object_object_add(o, "ok", json_object_new_boolean(!ret));
	json_object_object_add(o, "errors", a);
	return o;
}

/**
 * cd_ctl_serve() - answer one waiting client, if any
 * @lfd: the listening socket
 */
void cd_ctl_serve(int lfd)
{
	struct timeval tv = { .tv_sec = 1 };
	char req[COHORTD_REQUEST_MAX + 1];
	struct json_object *o;
	const char *reply;
	size_t got = 0;
	ssize_t n;
	int fd;

	fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	while (got < COHORTD_REQUEST_MAX && !memchr(req, '\n', got)) {
		n = read(fd, req + got, COHORTD_REQUEST_MAX - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	req[got] = '\0';
	req[strcspn(req, "\n")] = '\0';
	if (!strcmp(req, "status")) {
		o = status();
	} else if (!strcmp(req, "reload")) {
		o = reload();
	} else {
		struct json_object *a = json_object_new_array();

		o = json_object_new_object();
		json_object_array_add(a, json_object_new_string("unknown request"));
		json_object_object_add(o, "ok", json_object_new_boolean(0));
		json_object_object_add(o, "errors", a);
	}
	reply = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
					       JSON_C_TO_STRING_NOSLASHESCAPE);
	if (cohort_write_all(fd, reply, strlen(reply)) < 0 ||
	    cohort_write_all(fd, "\n", 1) < 0)
		cd_log(CD_WARN, "a control client went away");
	json_object_put(o);
	close(fd);
}

/**
 * cd_ctl_close() - stop listening and remove the socket
 * @lfd: the listening socket
 */
void cd_ctl_close(int lfd)
{
	if (lfd >= 0)
		close(lfd);
	unlink(cd.socket);
}
