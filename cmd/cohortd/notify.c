// SPDX-License-Identifier: GPL-2.0
/*
 * cohortd: telling systemd how it is (Type=notify, WatchdogSec=), through
 * libsystemd's sd_notify(3).  The static build for the bench machine's
 * initramfs has no libsystemd (Debian ships no static one) and no
 * systemd to tell: there these do nothing.
 */
#include <stdlib.h>

#include "cohortd.h"

#ifdef HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>

/**
 * cd_notify() - send a state ("READY=1", "WATCHDOG=1", ...) to systemd
 * @state: newline-separated assignments, as sd_notify(3) takes them
 */
void cd_notify(const char *state)
{
	sd_notify(0, state);
}

/**
 * cd_watchdog_usec() - the watchdog period systemd asks for
 *
 * Return: microseconds, or 0 when there is no watchdog.
 */
uint64_t cd_watchdog_usec(void)
{
	uint64_t usec = 0;

	if (sd_watchdog_enabled(0, &usec) <= 0)
		return 0;
	return usec;
}
#else
void cd_notify(const char *state)
{
	(void)state;
}

uint64_t cd_watchdog_usec(void)
{
	return 0;
}
#endif
