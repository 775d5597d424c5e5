/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cohortd's contracts with cohort(8), defined once (docs/cohortd.md):
 * the control socket and the events file.
 *
 * Control socket: a Unix stream socket, mode 0600 (root only), at
 * $COHORTD_SOCKET or COHORTD_SOCKET_DEFAULT.  A client connects, writes
 * one request line and reads one JSON object up to the end of the
 * connection (at most COHORTD_REPLY_MAX bytes):
 *
 *	status\n   {"pid": N, "started": T, "config_dir": "...",
 *	            "config_errors": ["FILE:LINE: reason", ...],
 *	            "instances": [{"name": "...", "phase": "running",
 *	                           "state": "running", "restart": "on-failure",
 *	                           "restarts": N, "starts": N,
 *	                           "last_failure": "panic" | "",
 *	                           "next_restart_ms": N,
 *	                           "health": null | {"check": "vsock-port 5000",
 *	                               "interval_ms": N, "threshold": N,
 *	                               "watching": true, "result": "none" |
 *	                               "ok" | "failing", "failures": N,
 *	                               "counting": true, "checks": N,
 *	                               "last_check": T, "last_error": "..."},
 *	                           "standby": null | {"name": "web.standby",
 *	                               "phase": "ready", "state": "running",
 *	                               "takeovers": N, "last_takeover_ms": N,
 *	                               "last_failure": "panic" | ""}},
 *	                          ...]}
 *	reload\n   {"ok": true} or {"ok": false, "errors": ["FILE:LINE: reason"]}
 *	           (the configuration is read again, as on SIGHUP; with an
 *	           error nothing changes)
 *
 * Anything else gets {"ok": false, "errors": ["unknown request"]}.
 *
 * Events file: $COHORT_STATE_DIR/events.jsonl (default
 * /var/lib/cohort/events.jsonl), one JSON object per line, appended:
 *
 *	{"time": T, "instance": "web", "event": "failed", "reason": "panic",
 *	 "detail": "console kept in /var/lib/cohort/web/console-...log"}
 *
 * T is seconds since the epoch with milliseconds (a JSON number); a
 * "last_check" of 0 means none yet.  "failures" counts the failed health
 * checks in a row that count ("counting": after the first that passed,
 * or once the start grace is over).
 * "instance" is "" for events of the daemon itself; a standby's events
 * carry the instance it stands by.  A standby's "phase" is one of
 * waiting, making, starting, ready, backoff, stopped, discarding,
 * taking-over.
 */
#ifndef _COHORT_DAEMON_H
#define _COHORT_DAEMON_H

#define COHORTD_SOCKET_DEFAULT	"/run/cohort/cohortd.sock"
#define COHORTD_SOCKET_ENV	"COHORTD_SOCKET"
#define COHORTD_REQUEST_MAX	64		/* bytes of a request line */
#define COHORTD_REPLY_MAX	(1 << 20)	/* bytes of a reply */
#define COHORTD_EVENTS_FILE	"events.jsonl"	/* under the state dir */
#define COHORTD_EVENT_LINE_MAX	4096		/* bytes of one event line */

/* Event names ("event"). */
#define COHORTD_EV_DAEMON_START	"daemon-start"	/* cohortd started */
#define COHORTD_EV_DAEMON_STOP	"daemon-stop"	/* cohortd exits; instances run on */
#define COHORTD_EV_RELOADED	"reloaded"	/* configuration read again */
#define COHORTD_EV_CONFIG_ERROR	"config-error"	/* refused; detail: FILE:LINE: reason */
#define COHORTD_EV_ADOPTED	"adopted"	/* found running; left as it is */
#define COHORTD_EV_STARTED	"started"	/* made and started as declared */
#define COHORTD_EV_FAILED	"failed"	/* reason: its stop_reason */
#define COHORTD_EV_EXITED	"exited"	/* its workload ended; detail: status */
#define COHORTD_EV_STOPPED	"stopped"	/* stopped by a user: not restarted */
#define COHORTD_EV_RESTARTING	"restarting"	/* detail: after N ms */
#define COHORTD_EV_RESTARTED	"restarted"	/* running again */
#define COHORTD_EV_GAVE_UP	"gave-up"	/* restart-limit reached */
#define COHORTD_EV_START_FAILED	"start-failed"	/* detail: what cohort said */
#define COHORTD_EV_REMOVED	"undeclared"	/* no longer declared: left alone */
/* Warm standbys (standby = yes); "instance" is the one they stand by. */
#define COHORTD_EV_STANDBY_READY "standby-ready"	/* NAME.standby runs */
#define COHORTD_EV_STANDBY_FAILED "standby-failed"	/* reason: why; made again */
#define COHORTD_EV_STANDBY_STOPPED "standby-stopped"	/* by a user, or deleted */
#define COHORTD_EV_TOOK_OVER	"took-over"	/* detail: ms from the failure */
#define COHORTD_EV_UPDATING	"updating"	/* what it boots changed: cohort update */
#define COHORTD_EV_UPDATED	"updated"	/* the new kernel serves it */
#define COHORTD_EV_UPDATE_FAILED "update-failed"	/* rolled back; detail: why */

/* The reason of a "failed" event for failed health checks ([health]). */
#define COHORTD_WHY_HEALTH	"health"

#endif /* _COHORT_DAEMON_H */
