// SPDX-License-Identifier: GPL-2.0
/*
 * cohort-getty: put a program on a terminal the way a getty does, for the
 * default instance init (initramfs/instance-init, `cohort load --shell`).
 *
 *	cohort-getty TTY PROGRAM [ARG...]
 *
 * A new session whose controlling terminal is TTY, TTY on stdin, stdout
 * and stderr, every signal back to its default action and unblocked, then
 * PROGRAM.  The signals matter: init starts it in the background, and a
 * shell's background commands inherit SIGINT and SIGQUIT ignored, which
 * would leave ^C without effect on the shell's jobs.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sigaction sa;
	sigset_t none;
	int fd, sig;

	if (argc < 3) {
		fprintf(stderr, "usage: cohort-getty TTY PROGRAM [ARG...]\n");
		return 2;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	for (sig = 1; sig < NSIG; sig++)
		sigaction(sig, &sa, NULL);	/* SIGKILL, SIGSTOP: EINVAL */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);

	if (setsid() < 0) {
		fprintf(stderr, "cohort-getty: setsid: %s\n", strerror(errno));
		return 1;
	}
	fd = open(argv[1], O_RDWR | O_NOCTTY);
	if (fd < 0) {
		fprintf(stderr, "cohort-getty: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	if (ioctl(fd, TIOCSCTTY, 0) < 0) {
		fprintf(stderr, "cohort-getty: %s: cannot make it the controlling terminal: %s\n",
			argv[1], strerror(errno));
		return 1;
	}
	if (dup2(fd, 0) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0) {
		fprintf(stderr, "cohort-getty: dup2: %s\n", strerror(errno));
		return 1;
	}
	if (fd > 2)
		close(fd);
	execvp(argv[2], argv + 2);
	fprintf(stderr, "cohort-getty: %s: %s\n", argv[2], strerror(errno));
	return 127;
}
