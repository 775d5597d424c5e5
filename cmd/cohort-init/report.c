// SPDX-License-Identifier: GPL-2.0
/*
 * cohort-init: the end.  The workload's status goes to the primary
 * through /sys/kernel/cohort/exit_status (when the kernel has it) and as
 * a line on the console; then the instance powers off.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/reboot.h>
#include <unistd.h>

#include "init.h"

#define EXIT_STATUS_FILE	"/sys/kernel/cohort/exit_status"

/**
 * report_status() - tell the primary how the workload ended
 * @status: 0 to 255
 * @o: options: not PID 1 (no_poweroff), the sysfs file is left alone
 */
void report_status(int status, const struct init_opts *o)
{
	char buf[16];
	int fd, n;

	if (!o->no_poweroff) {
		fd = open(EXIT_STATUS_FILE, O_WRONLY | O_CLOEXEC);
		if (fd >= 0) {
			n = snprintf(buf, sizeof(buf), "%d\n", status);
			if (write(fd, buf, n) != n)
				init_msg("%s: %s", EXIT_STATUS_FILE, strerror(errno));
			close(fd);
		} else if (errno != ENOENT) {
			init_msg("%s: %s", EXIT_STATUS_FILE, strerror(errno));
		}
	}
	init_msg("exited with status %d", status);
}

/**
 * power_off() - sync and power the instance off; PID 1 never exits
 */
void power_off(void)
{
	sync();
	reboot(RB_POWER_OFF);
	init_msg("reboot(RB_POWER_OFF): %s", strerror(errno));
	for (;;)
		pause();
}
