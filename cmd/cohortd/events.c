// SPDX-License-Identifier: GPL-2.0
/*
 * cohortd: the events file (lib/cohort/daemon.h): one JSON object per
 * line, appended with one write(2) each, so a reader never sees half a
 * line from us.  Every event is also logged.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cohort/fdio.h"
#include "cohortd.h"

/**
 * cd_event() - record and log an event
 * @inst: the instance, or "" for the daemon
 * @event: a COHORTD_EV_* name
 * @reason: why (a stop_reason), or ""
 * @fmt: printf(3) format of the detail, or "" for none
 */
void cd_event(const char *inst, const char *event, const char *reason,
	      const char *fmt, ...)
{
	char detail[1024], path[4096];
	struct json_object *o;
	struct timespec ts;
	const char *line;
	size_t len;
	va_list ap;
	int fd;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	cd_log(strcmp(event, COHORTD_EV_FAILED) &&
	       strcmp(event, COHORTD_EV_GAVE_UP) &&
	       strcmp(event, COHORTD_EV_START_FAILED) &&
	       strcmp(event, COHORTD_EV_STANDBY_FAILED) ? CD_NOTICE : CD_ERR,
	       "%s%s%s%s%s%s%s%s", inst, *inst ? ": " : "", event,
	       *reason ? " (" : "", reason, *reason ? ")" : "",
	       *detail ? ": " : "", detail);

	clock_gettime(CLOCK_REALTIME, &ts);
	o = json_object_new_object();
	json_object_object_add(o, "time", json_object_new_double(
		(double)ts.tv_sec + (double)(ts.tv_nsec / 1000000) / 1000.0));
	json_object_object_add(o, "instance", json_object_new_string(inst));
	json_object_object_add(o, "event", json_object_new_string(event));
	json_object_object_add(o, "reason", json_object_new_string(reason));
	json_object_object_add(o, "detail", json_object_new_string(detail));
	line = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
					      JSON_C_TO_STRING_NOSLASHESCAPE);
	snprintf(path, sizeof(path), "%s/%s", cd.state_dir, COHORTD_EVENTS_FILE);
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd >= 0) {
		char buf[COHORTD_EVENT_LINE_MAX];

		len = (size_t)snprintf(buf, sizeof(buf), "%s\n", line);
		if (len >= sizeof(buf)) {
			/* never half a line: the detail goes */
			json_object_object_add(o, "detail",
					       json_object_new_string("(too long)"));
			line = json_object_to_json_string_ext(o,
				JSON_C_TO_STRING_PLAIN |
				JSON_C_TO_STRING_NOSLASHESCAPE);
			len = (size_t)snprintf(buf, sizeof(buf), "%s\n", line);
		}
		if (len < sizeof(buf) && cohort_write_all(fd, buf, len) < 0)
			cd_log(CD_WARN, "%s: cannot append an event", path);
		close(fd);
	} else {
		cd_log(CD_WARN, "%s: cannot open the events file", path);
	}
	json_object_put(o);
}
